/* A Linux-like GIC driver over the public C API (see gictlm_driver.h). The
 * register sequence follows drivers/irqchip/irq-gic-v3.c and
 * irq-gic-v3-its.c: everything is an ordinary timestamped input. */
#include "gictlm_driver.h"

#include <stdlib.h>
#include <string.h>

#define ITS_PAGE 0x10000u /* the driver uses 64 KiB ITS table pages, as Linux prefers */
#define CMDQ_SIZE 0x10000u

typedef struct drv_its {
    uint64_t cmdq;
    uint32_t cwriter; /* next free slot (bytes) */
    uint32_t released;
    uint64_t dev_table;
    bool dev_indirect;
    uint32_t dev_esz, itt_esz, devbits;
    uint64_t dev_l1_entries;
} drv_its_t;

struct gic_driver {
    gic_t *g;
    const gic_config_t *cfg;
    gic_time_t t, step;
    uint64_t next, base;
    uint32_t lpi_bits;
    uint64_t prop;
    uint64_t pend[GIC_MAX_CPUS];
    drv_its_t its[GIC_MAX_ITS];
    bool pta;
};

gic_driver_t *gic_driver_create(gic_t *g, gic_time_t t0, uint64_t mem_base)
{
    gic_driver_t *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    d->g = g;
    d->cfg = gic_get_config(g);
    d->t = t0;
    d->step = 1000;
    d->base = d->next = mem_base;
    return d;
}

void gic_driver_destroy(gic_driver_t *d) { free(d); }
gic_time_t gic_driver_time(const gic_driver_t *d) { return d->t; }
void gic_driver_set_time(gic_driver_t *d, gic_time_t t) { d->t = t; }
void gic_driver_set_step(gic_driver_t *d, gic_time_t s) { d->step = s; }
uint64_t gic_driver_prop_base(const gic_driver_t *d) { return d->prop; }
uint64_t gic_driver_pend_base(const gic_driver_t *d, uint32_t cpu)
{
    return cpu < GIC_MAX_CPUS ? d->pend[cpu] : 0;
}

uint64_t gic_driver_alloc(gic_driver_t *d, uint64_t size, uint64_t align)
{
    uint64_t a = (d->next + align - 1) & ~(align - 1);
    d->next = a + size;
    return a;
}

static gic_status_t wr(gic_driver_t *d, gic_frame_t f, uint32_t idx, uint64_t off, uint32_t size,
                       uint64_t v)
{
    d->t += d->step;
    return gic_mmio_write(d->g, d->t, f, idx, off, size, v);
}

static uint64_t rd(gic_driver_t *d, gic_frame_t f, uint32_t idx, uint64_t off, uint32_t size)
{
    uint64_t v = 0;
    d->t += d->step;
    gic_mmio_read(d->g, d->t, f, idx, off, size, &v);
    return v;
}

static gic_status_t sysw(gic_driver_t *d, uint32_t cpu, gic_sysreg_t r, uint64_t v)
{
    d->t += d->step;
    return gic_sysreg_write(d->g, d->t, cpu, r, v);
}

/* Advance to the next internal event (or one step): used while polling. */
static void wait_a_bit(gic_driver_t *d)
{
    gic_time_t next;
    gic_time_t t = d->t + d->step;
    if (gic_next_event_time(d->g, &next) && next > t) t = next;
    d->t = t;
    gic_run_until(d->g, t);
}

uint64_t gic_driver_rdbase(const gic_driver_t *d, uint32_t cpu)
{
    if (d->pta) return (d->cfg->gicr_base + (uint64_t)cpu * gic_gicr_stride(d->cfg)) >> 16;
    return cpu; /* GICR_TYPER.Processor_Number == cpu index */
}

static gic_status_t init_cpus(gic_driver_t *d)
{
    gic_status_t st = wr(d, GIC_FRAME_GICD, 0, 0x0000, 4, (1u << 4) | (1u << 1) | 1u);
    for (uint32_t cpu = 0; st == GIC_OK && cpu < d->cfg->num_cpus; cpu++) {
        /* GICR_WAKER: clear ProcessorSleep, wait for ChildrenAsleep == 0 */
        st = wr(d, GIC_FRAME_GICR, cpu, 0x0014, 4, 0);
        for (int i = 0; st == GIC_OK && i < 1000 && (rd(d, GIC_FRAME_GICR, cpu, 0x0014, 4) & 4u); i++)
            wait_a_bit(d);
        if (st == GIC_OK) st = sysw(d, cpu, GIC_ICC_SRE_EL1, 0x7);
        if (st == GIC_OK) st = sysw(d, cpu, GIC_ICC_PMR_EL1, 0xf0);
        if (st == GIC_OK) st = sysw(d, cpu, GIC_ICC_BPR1_EL1, 0);
        if (st == GIC_OK) st = sysw(d, cpu, GIC_ICC_CTLR_EL1, 0);
        if (st == GIC_OK) st = sysw(d, cpu, GIC_ICC_IGRPEN1_EL1, 1);
    }
    return st;
}

static gic_status_t init_lpis(gic_driver_t *d)
{
    uint64_t typer = rd(d, GIC_FRAME_GICD, 0, 0x0004, 4);
    if (!(typer & (1u << 17))) return GIC_OK; /* GICD_TYPER.LPIS == 0 */
    d->lpi_bits = (uint32_t)((typer >> 19) & 0x1f) + 1;
    uint64_t nlpi = ((uint64_t)1 << d->lpi_bits) - 8192;
    d->prop = gic_driver_alloc(d, nlpi, 0x10000);
    /* Linux initialises every entry to LPI_PROP_DEFAULT_PRIO (0xa0) | group 1, disabled. */
    uint8_t chunk[4096];
    memset(chunk, 0xa0 | 0x2, sizeof chunk);
    gic_status_t st = GIC_OK;
    for (uint64_t off = 0; st == GIC_OK && off < nlpi; off += sizeof chunk) {
        uint64_t n = nlpi - off < sizeof chunk ? nlpi - off : sizeof chunk;
        st = gic_mem_write(d->g, d->prop + off, chunk, (size_t)n);
    }
    uint64_t pend_size = ((uint64_t)1 << d->lpi_bits) / 8;
    for (uint32_t cpu = 0; st == GIC_OK && cpu < d->cfg->num_cpus; cpu++) {
        /* Fresh allocation: the bump allocator never reuses memory and the
         * built-in memory reads untouched pages as zero, so PTZ=1 is true. */
        d->pend[cpu] = gic_driver_alloc(d, pend_size, 0x10000);
        /* PROPBASER: RaWaWb inner cacheable, inner shareable, IDbits = bits-1 */
        if (st == GIC_OK)
            st = wr(d, GIC_FRAME_GICR, cpu, 0x0070, 8,
                    d->prop | (7u << 7) | (1u << 10) | (d->lpi_bits - 1));
        /* PENDBASER: PTZ = 1 (freshly allocated, zeroed) */
        if (st == GIC_OK)
            st = wr(d, GIC_FRAME_GICR, cpu, 0x0078, 8,
                    d->pend[cpu] | (1ull << 62) | (7u << 7) | (1u << 10));
        if (st == GIC_OK) st = wr(d, GIC_FRAME_GICR, cpu, 0x0000, 4, 1); /* EnableLPIs */
    }
    return st;
}

static gic_status_t init_its(gic_driver_t *d, uint32_t i)
{
    drv_its_t *s = &d->its[i];
    uint64_t typer = rd(d, GIC_FRAME_GITS, i, 0x0008, 8);
    s->itt_esz = (uint32_t)((typer >> 4) & 0xf) + 1;
    s->devbits = (uint32_t)((typer >> 13) & 0x1f) + 1;
    d->pta = (typer >> 19) & 1;
    gic_status_t st = GIC_OK;
    for (uint32_t n = 0; st == GIC_OK && n < 8; n++) {
        uint64_t off = 0x100 + 8 * n;
        uint64_t baser = rd(d, GIC_FRAME_GITS, i, off, 8);
        uint32_t type = (uint32_t)((baser >> 56) & 7);
        uint32_t esz = (uint32_t)((baser >> 48) & 0x1f) + 1;
        if (type == 0) continue;
        uint64_t entries = type == 1 ? ((uint64_t)1 << s->devbits) : 1u << 16;
        if (type == 4) entries = d->cfg->num_cpus; /* one collection per CPU, as Linux */
        uint64_t size = entries * esz;
        bool indirect = false;
        if (type == 1 && size > 256ull * ITS_PAGE) indirect = true;
        uint64_t tsize = size;
        if (indirect) {
            uint64_t per_page = ITS_PAGE / esz;
            s->dev_l1_entries = (entries + per_page - 1) / per_page;
            tsize = s->dev_l1_entries * 8;
        }
        uint64_t pages = (tsize + ITS_PAGE - 1) / ITS_PAGE;
        if (pages == 0) pages = 1;
        if (pages > 256) pages = 256;
        uint64_t base = gic_driver_alloc(d, pages * ITS_PAGE, ITS_PAGE);
        uint64_t v = (1ull << 63) | (indirect ? 1ull << 62 : 0) | (7ull << 59) | base |
                     (1u << 10) | (2u << 8) | (pages - 1);
        st = wr(d, GIC_FRAME_GITS, i, off, 8, v);
        uint64_t back = rd(d, GIC_FRAME_GITS, i, off, 8);
        if (indirect && !(back & (1ull << 62))) return GIC_ERR_STATE; /* no two-level support */
        if (type == 1) {
            s->dev_table = base;
            s->dev_indirect = indirect;
            s->dev_esz = esz;
        }
    }
    s->cmdq = gic_driver_alloc(d, CMDQ_SIZE, ITS_PAGE);
    if (st == GIC_OK)
        st = wr(d, GIC_FRAME_GITS, i, 0x0080, 8,
                (1ull << 63) | (7ull << 59) | s->cmdq | (1u << 10) | (CMDQ_SIZE / 4096 - 1));
    s->cwriter = s->released = 0;
    if (st == GIC_OK) st = wr(d, GIC_FRAME_GITS, i, 0x0088, 8, 0);
    if (st == GIC_OK) st = wr(d, GIC_FRAME_GITS, i, 0x0000, 4, 1); /* Enabled */
    uint64_t c[4];
    for (uint32_t cpu = 0; st == GIC_OK && cpu < d->cfg->num_cpus; cpu++) {
        gic_cmd_mapc(c, cpu, gic_driver_rdbase(d, cpu), true);
        st = gic_driver_queue(d, i, c);
        gic_cmd_sync(c, gic_driver_rdbase(d, cpu));
        if (st == GIC_OK) st = gic_driver_queue(d, i, c);
    }
    if (st == GIC_OK) st = gic_driver_flush(d, i, 1000000000ull);
    return st;
}

/* GICv4.1 probe, as Linux does it (irq-gic-v3-its.c its_probe_one: GITS_TYPER.VMAPP
 * and SVPET, GITS_MPIDR; irq-gic-v3.c __gic_update_rdist_properties: GICR_TYPER
 * RVPEID/Dirty/DirectLPI, GICR_CTLR.IR; allocate_vpe_l1_table: a vPE left valid
 * is made non-resident with PendingLast, then GICR_VPROPBASER shares the vPE
 * table of an ITS whose SVPET/GITS_MPIDR affinity matches the redistributor's
 * (inherit_vpe_l1_table_from_its)). Nothing happens on a GICv3/GICv4.0 GIC. */
static gic_status_t init_v41(gic_driver_t *d)
{
    int its41 = -1;
    for (uint32_t i = 0; i < d->cfg->num_its && its41 < 0; i++) {
        uint64_t typer = rd(d, GIC_FRAME_GITS, i, 0x0008, 8);
        if (!((typer >> 40) & 1)) continue; /* VMAPP: a GICv4.1 ITS */
        uint32_t mpidr = (uint32_t)rd(d, GIC_FRAME_GITS, i, 0x0018, 4);
        uint32_t svpet = (uint32_t)((typer >> 41) & 3);
        (void)mpidr;
        if (svpet) its41 = (int)i;
    }
    if (its41 < 0) return GIC_OK;
    uint64_t baser = rd(d, GIC_FRAME_GITS, (uint32_t)its41, 0x0110, 8); /* GITS_BASER2: the vPE table */
    if (!(baser >> 63)) return GIC_ERR_STATE;
    uint64_t psz = (baser >> 8) & 3;
    uint64_t addr = psz == 2 ? ((baser & 0x0000ffffffff0000ull) | (((baser >> 12) & 0xf) << 48))
                             : (baser & 0x0000fffffffff000ull);
    uint64_t vprop = (1ull << 63) | (((baser >> 62) & 1) << 55) | (psz << 53) | (addr & 0x000ffffffffff000ull) |
                     (((baser >> 10) & 3) << 10) | (((baser >> 59) & 7) << 7) | (baser & 0x7f);
    gic_status_t st = GIC_OK;
    for (uint32_t cpu = 0; st == GIC_OK && cpu < d->cfg->num_cpus; cpu++) {
        uint64_t typer = rd(d, GIC_FRAME_GICR, cpu, 0x0008, 8);
        uint64_t ctlr = rd(d, GIC_FRAME_GICR, cpu, 0x0000, 4);
        if (!((typer >> 7) & 1)) return GIC_ERR_STATE; /* RVPEID: GICv4.1 redistributor */
        (void)ctlr;
        if (rd(d, GIC_FRAME_GICR, cpu, 0x20078, 8) >> 63) /* GICR_VPENDBASER.Valid */
            st = wr(d, GIC_FRAME_GICR, cpu, 0x20078, 8, 1ull << 61);
        if (st == GIC_OK) st = wr(d, GIC_FRAME_GICR, cpu, 0x20070, 8, vprop);
    }
    return st;
}

gic_status_t gic_driver_init(gic_driver_t *d)
{
    gic_status_t st = init_cpus(d);
    if (st == GIC_OK) st = init_lpis(d);
    for (uint32_t i = 0; st == GIC_OK && i < d->cfg->num_its; i++) st = init_its(d, i);
    if (st == GIC_OK && d->cfg->gicv4_1) st = init_v41(d);
    return st;
}

gic_status_t gic_driver_queue(gic_driver_t *d, uint32_t its, const uint64_t cmd[4])
{
    if (its >= d->cfg->num_its) return GIC_ERR_ARG;
    drv_its_t *s = &d->its[its];
    uint32_t next = (s->cwriter + 32) % CMDQ_SIZE;
    if (next == s->released) {
        /* Queue full of unreleased commands: release and wait first. */
        gic_status_t st = gic_driver_flush(d, its, 1000000000ull);
        if (st != GIC_OK) return st;
    }
    uint8_t b[32];
    for (int w = 0; w < 4; w++)
        for (int k = 0; k < 8; k++) b[w * 8 + k] = (uint8_t)(cmd[w] >> (8 * k));
    gic_status_t st = gic_mem_write(d->g, s->cmdq + s->cwriter, b, sizeof b);
    s->cwriter = next;
    return st;
}

gic_status_t gic_driver_flush(gic_driver_t *d, uint32_t its, gic_time_t max_wait_ps)
{
    if (its >= d->cfg->num_its) return GIC_ERR_ARG;
    drv_its_t *s = &d->its[its];
    gic_status_t st = wr(d, GIC_FRAME_GITS, its, 0x0088, 8, s->cwriter);
    s->released = s->cwriter;
    gic_time_t deadline = d->t + max_wait_ps;
    while (st == GIC_OK) {
        uint64_t creadr = rd(d, GIC_FRAME_GITS, its, 0x0090, 8);
        if ((creadr & 0xfffe0u) == s->cwriter) return GIC_OK;
        if (creadr & 1u) return GIC_ERR_STATE; /* Stalled */
        if (d->t > deadline) return GIC_ERR_STATE;
        wait_a_bit(d);
    }
    return st;
}

static uint32_t ceil_log2(uint32_t n)
{
    uint32_t b = 0;
    while ((1ull << b) < n) b++;
    return b;
}

gic_status_t gic_driver_map_device(gic_driver_t *d, uint32_t its, uint32_t devid, uint32_t nevents,
                                   uint32_t first_intid, const uint32_t *cpu_of_event)
{
    if (its >= d->cfg->num_its || nevents == 0) return GIC_ERR_ARG;
    drv_its_t *s = &d->its[its];
    gic_status_t st = GIC_OK;
    if (s->dev_indirect) {
        uint64_t per_page = ITS_PAGE / s->dev_esz;
        uint64_t l1 = s->dev_table + (devid / per_page) * 8;
        uint8_t e[8];
        st = gic_mem_read(d->g, l1, e, 8);
        if (st == GIC_OK && !(e[7] & 0x80)) {
            uint64_t page = gic_driver_alloc(d, ITS_PAGE, ITS_PAGE);
            uint64_t v = (1ull << 63) | page;
            for (int k = 0; k < 8; k++) e[k] = (uint8_t)(v >> (8 * k));
            st = gic_mem_write(d->g, l1, e, 8);
        }
    }
    uint32_t bits = ceil_log2(nevents < 2 ? 2 : nevents);
    uint64_t itt = gic_driver_alloc(d, ((uint64_t)1 << bits) * s->itt_esz, 256);
    uint64_t c[4];
    uint8_t used[GIC_MAX_CPUS] = {0}; /* CPUs targeted: SYNC each, as Linux syncs the target collection */
    gic_cmd_mapd(c, devid, itt, bits - 1, true);
    if (st == GIC_OK) st = gic_driver_queue(d, its, c);
    for (uint32_t e = 0; st == GIC_OK && e < nevents; e++) {
        uint32_t intid = first_intid + e;
        uint32_t cpu = cpu_of_event ? cpu_of_event[e] : e % d->cfg->num_cpus;
        if (cpu < GIC_MAX_CPUS) used[cpu] = 1;
        uint8_t prop = 0xa0 | 0x2 | 0x1; /* Linux unmask: default priority, enabled */
        if (d->prop) st = gic_mem_write(d->g, d->prop + (intid - 8192), &prop, 1);
        gic_cmd_mapti(c, devid, e, intid, cpu);
        if (st == GIC_OK) st = gic_driver_queue(d, its, c);
        gic_cmd_devev(c, GITS_CMD_INV, devid, e);
        if (st == GIC_OK) st = gic_driver_queue(d, its, c);
    }
    for (uint32_t cpu = 0; st == GIC_OK && cpu < d->cfg->num_cpus; cpu++) {
        if (!used[cpu]) continue;
        gic_cmd_sync(c, gic_driver_rdbase(d, cpu));
        st = gic_driver_queue(d, its, c);
    }
    if (st == GIC_OK) st = gic_driver_flush(d, its, 1000000000ull);
    return st;
}

/* ---- command encoders (IHI0069 5.3) ---- */
static void cmd0(uint64_t c[4], uint8_t op, uint32_t devid)
{
    c[0] = op | ((uint64_t)devid << 32);
    c[1] = c[2] = c[3] = 0;
}

void gic_cmd_mapd(uint64_t c[4], uint32_t devid, uint64_t itt, uint32_t size, bool valid)
{
    cmd0(c, GITS_CMD_MAPD, devid);
    c[1] = size & 0x1f;
    c[2] = (itt & 0x000fffffffffff00ull) | (valid ? 1ull << 63 : 0);
}

void gic_cmd_mapc(uint64_t c[4], uint32_t icid, uint64_t rdbase, bool valid)
{
    cmd0(c, GITS_CMD_MAPC, 0);
    c[2] = (icid & 0xffffu) | ((rdbase & 0xfffffffffull) << 16) | (valid ? 1ull << 63 : 0);
}

void gic_cmd_mapti(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t intid, uint32_t icid)
{
    cmd0(c, GITS_CMD_MAPTI, devid);
    c[1] = eventid | ((uint64_t)intid << 32);
    c[2] = icid & 0xffffu;
}

void gic_cmd_mapi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t icid)
{
    cmd0(c, GITS_CMD_MAPI, devid);
    c[1] = eventid;
    c[2] = icid & 0xffffu;
}

void gic_cmd_movi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t icid)
{
    cmd0(c, GITS_CMD_MOVI, devid);
    c[1] = eventid;
    c[2] = icid & 0xffffu;
}

void gic_cmd_devev(uint64_t c[4], uint8_t opcode, uint32_t devid, uint32_t eventid)
{
    cmd0(c, opcode, devid);
    c[1] = eventid;
}

void gic_cmd_invall(uint64_t c[4], uint32_t icid)
{
    cmd0(c, GITS_CMD_INVALL, 0);
    c[2] = icid & 0xffffu;
}

void gic_cmd_sync(uint64_t c[4], uint64_t rdbase)
{
    cmd0(c, GITS_CMD_SYNC, 0);
    c[2] = (rdbase & 0xfffffffffull) << 16;
}

void gic_cmd_movall(uint64_t c[4], uint64_t rdbase1, uint64_t rdbase2)
{
    cmd0(c, GITS_CMD_MOVALL, 0);
    c[2] = (rdbase1 & 0xfffffffffull) << 16;
    c[3] = (rdbase2 & 0xfffffffffull) << 16;
}

/* GICv4.0 virtual commands (IHI0069 5.3): vPEID DW1[47:32], target RDbase
 * DW2[51:16], VPT address DW3[51:16], VPT_size DW3[4:0], vINTID DW2[31:0],
 * doorbell pINTID DW2[63:32], VMOVI D DW2[0], VMOVP SequenceNumber DW0[47:32]
 * and ITSList DW1[15:0]. */
static void cmd_vpeid(uint64_t c[4], uint8_t op, uint32_t vpeid)
{
    cmd0(c, op, 0);
    c[1] = (uint64_t)(vpeid & 0xffff) << 32;
}

void gic_cmd_vmapp(uint64_t c[4], uint32_t vpeid, uint64_t rdbase, uint64_t vpt_addr,
                   uint32_t vpt_bits_minus1, bool valid)
{
    cmd_vpeid(c, GITS_CMD_VMAPP, vpeid);
    c[2] = ((uint64_t)(valid ? 1 : 0) << 63) | ((rdbase & 0xfffffffffull) << 16);
    c[3] = (vpt_addr & 0x000fffffffff0000ull) | (vpt_bits_minus1 & 0x1f);
}

void gic_cmd_vmapti(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, uint32_t vintid,
                    uint32_t db_intid)
{
    cmd_vpeid(c, GITS_CMD_VMAPTI, vpeid);
    c[0] |= (uint64_t)devid << 32;
    c[1] |= eventid;
    c[2] = ((uint64_t)db_intid << 32) | vintid;
}

void gic_cmd_vmapi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, uint32_t db_intid)
{
    gic_cmd_vmapti(c, devid, eventid, vpeid, 0, db_intid);
    c[0] = (c[0] & ~0xffull) | GITS_CMD_VMAPI;
}

void gic_cmd_vmovi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, bool db_valid,
                   uint32_t db_intid)
{
    cmd_vpeid(c, GITS_CMD_VMOVI, vpeid);
    c[0] |= (uint64_t)devid << 32;
    c[1] |= eventid;
    c[2] = ((uint64_t)db_intid << 32) | (db_valid ? 1u : 0u);
}

void gic_cmd_vmovp(uint64_t c[4], uint32_t seqnum, uint32_t itslist, uint32_t vpeid, uint64_t rdbase)
{
    cmd_vpeid(c, GITS_CMD_VMOVP, vpeid);
    c[0] |= (uint64_t)(seqnum & 0xffff) << 32;
    c[1] |= itslist & 0xffff;
    c[2] = (rdbase & 0xfffffffffull) << 16;
}

void gic_cmd_vsync(uint64_t c[4], uint32_t vpeid) { cmd_vpeid(c, GITS_CMD_VSYNC, vpeid); }
void gic_cmd_vinvall(uint64_t c[4], uint32_t vpeid) { cmd_vpeid(c, GITS_CMD_VINVALL, vpeid); }

/* ---- GICv4.1 (IHI0069; field positions as Linux's its_encode_*) ---- */
void gic_cmd_vmapp41(uint64_t c[4], uint32_t vpeid, uint64_t rdbase, uint64_t vpt_addr, uint32_t vpt_bits_minus1,
                     uint64_t vconf_addr, uint32_t default_db, bool alloc, bool ptz, bool valid)
{
    gic_cmd_vmapp(c, vpeid, rdbase, vpt_addr, vpt_bits_minus1, valid);
    c[0] |= (uint64_t)(alloc ? 1 : 0) << 8 | (uint64_t)(ptz ? 1 : 0) << 9;
    if (valid) {
        c[0] |= vconf_addr & 0x000fffffffff0000ull; /* VCONF_addr DW0[51:16] */
        c[1] |= default_db;                         /* Default_Doorbell DW1[31:0] */
    }
}

void gic_cmd_vmovp41(uint64_t c[4], uint32_t seqnum, uint32_t itslist, uint32_t vpeid, uint64_t rdbase,
                     bool db_valid, uint32_t default_db)
{
    gic_cmd_vmovp(c, seqnum, itslist, vpeid, rdbase);
    if (db_valid) {
        c[2] |= 1ull << 63; /* DB */
        c[3] |= default_db; /* Default_Doorbell DW3[31:0] */
    }
}

void gic_cmd_vsgi(uint64_t c[4], uint32_t vpeid, uint32_t vintid, uint8_t priority, bool group1, bool enable,
                  bool clear)
{
    cmd_vpeid(c, GITS_CMD_VSGI, vpeid);
    c[0] |= (uint64_t)(vintid & 0xf) << 32 | (uint64_t)(priority >> 4) << 20 | (uint64_t)(group1 ? 1 : 0) << 10 |
            (uint64_t)(clear ? 1 : 0) << 9 | (uint64_t)(enable ? 1 : 0) << 8;
}

void gic_cmd_invdb(uint64_t c[4], uint32_t vpeid) { cmd_vpeid(c, GITS_CMD_INVDB, vpeid); }

uint64_t gic_gits_sgir_value(uint32_t vpeid, uint32_t vintid)
{
    return (uint64_t)(vpeid & 0xffff) << 32 | (vintid & 0xf);
}
