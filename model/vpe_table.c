/* The GICv4.1 redistributor's view of the vPE table (IHI0069 GICv4.1
 * "GICR_VPROPBASER" and the vPE configuration table shared with the ITSs,
 * GITS_TYPER.SVPET): the register's GICv4.1 layout and the read of one entry
 * by vPEID. The entry format is the ITS's (its_codec.h, 32 bytes): software
 * points every redistributor's GICR_VPROPBASER at the ITS's GITS_BASER2 table
 * (Linux: inherit_vpe_l1_table_from_its / allocate_vpe_l1_table). */
#include "vpe_internal.h"

#include "mem.h"
#include "redist.h"

/* GICR_VPROPBASER, GICv4.1 layout (Linux GICR_VPROPBASER_4_1_*): Valid [63],
 * Entry_Size [61:59] (RO: 8-byte units - 1), OuterCache [58:56], Indirect
 * [55], Page_Size [54:53], Z [52], Physical_Address [51:12], Shareability
 * [11:10], InnerCache [9:7], Size [6:0] (pages - 1). */
#define VPROP41_VALID (1ull << 63)
#define VPROP41_ESZ_SHIFT 59
#define VPROP41_INDIRECT (1ull << 55)
#define VPROP41_PSZ_SHIFT 53
#define VPROP41_ADDR 0x000ffffffffff000ull
#define VPROP41_WMASK (VPROP41_VALID | (7ull << 56) | VPROP41_INDIRECT | (3ull << VPROP41_PSZ_SHIFT) | (1ull << 52) | \
                       VPROP41_ADDR | (3ull << 10) | (7ull << 7) | 0x7full)
#define VPROP41_ESZ ((uint64_t)(ITS_VPETE_BYTES_V41 / 8 - 1) << VPROP41_ESZ_SHIFT)

uint64_t vpe_vpropbaser41_write(uint64_t old, uint64_t val, uint64_t mask)
{
    uint64_t v = ((old & ~mask) | (val & mask)) & VPROP41_WMASK;
    /* Page_Size 0b11 is reserved: 64K (as GITS_BASER<n> in this model) */
    if (((v >> VPROP41_PSZ_SHIFT) & 3) == 3) v &= ~(1ull << VPROP41_PSZ_SHIFT);
    return v | VPROP41_ESZ;
}

static uint64_t page_bytes(uint64_t v)
{
    switch ((v >> VPROP41_PSZ_SHIFT) & 3) {
    case 0: return 0x1000;
    case 1: return 0x4000;
    default: return 0x10000;
    }
}

bool vpe_table_read(gic_t *g, uint32_t cpu, uint32_t vpeid, gic_time_t t, its_vpete_t *e, gic_time_t *done,
                    const char **why)
{
    struct gic_vpes *v = vpes_of(g);
    uint64_t vp = v->vpropbaser[cpu];
    mem_agent_t *ag = &g->lpi->agents[cpu];
    *done = t;
    if (!(vp & VPROP41_VALID)) {
        *why = "GICR_VPROPBASER.Valid is 0";
        return false;
    }
    const uint64_t esz = ITS_VPETE_BYTES_V41, ps = page_bytes(vp);
    uint64_t bytes = ((vp & 0x7f) + 1) * ps, base = vp & VPROP41_ADDR & ~(ps - 1), addr;
    if (!(vp & VPROP41_INDIRECT)) {
        if ((uint64_t)vpeid >= bytes / esz) {
            *why = "vPEID beyond the vPE table";
            return false;
        }
        addr = base + (uint64_t)vpeid * esz;
    } else {
        uint64_t per_l2 = ps / esz, l1i = vpeid / per_l2;
        if (l1i >= bytes / 8) {
            *why = "vPEID beyond the vPE table";
            return false;
        }
        uint8_t b[8];
        if (mem_access_agent(g, ag, MEM_CLS_DEVICE, t, false, base + l1i * 8, b, 8, done) != GIC_OK) {
            *why = "level-1 read failed";
            return false;
        }
        t = *done;
        uint64_t l1 = its_le64(b);
        if (!its_l1_valid(l1)) {
            *why = "level-1 entry not valid";
            return false;
        }
        addr = (its_l1_addr(l1) & ~(ps - 1)) + (vpeid % per_l2) * esz;
    }
    uint8_t b[ITS_VPETE_BYTES_V41];
    if (mem_access_agent(g, ag, MEM_CLS_DEVICE, t, false, addr, b, sizeof b, done) != GIC_OK) {
        *why = "entry read failed";
        return false;
    }
    its_vpete_decode_v(b, sizeof b, true, e);
    if (!e->valid) {
        *why = "vPE table entry not valid";
        return false;
    }
    return true;
}
