/* GITS_* registers (IHI0069 12.19 "ITS register descriptions"): the control
 * frame (GITS_CTLR, GITS_TYPER, GITS_CBASER/CWRITER/CREADR, GITS_BASER<n>,
 * identification) and the translation frame (GITS_TRANSLATER: MSIs arrive
 * through gic_msi / its_translate). */
#include "its_internal.h"

#include <stdlib.h>

static bool baser_implemented(const struct gic_its *its, unsigned n)
{
    return ((its->baser[n] >> BASER_TYPE_SHIFT) & 7) != 0;
}

static uint64_t merge(uint64_t old, uint64_t val, uint64_t mask) { return (old & ~mask) | (val & mask); }

/* GITS_CTLR.ITS_Number: GICv4 ITS with GITS_TYPER.VMOVP == 0 (VMOVP's ITSList names ITSs by it). */
static bool its_has_its_number(const gic_t *g, const struct gic_its *its)
{
    return its->v4 && !g->cfg.its_vmovp_single;
}

static uint64_t rd_ctlr(gic_t *g, void *blk, unsigned n)
{
    (void)n;
    struct gic_its *its = blk;
    /* Quiescent: IHI0069 GITS_CTLR. While Enabled == 1 it is UNKNOWN in
     * GICv3 and GICv4.0 (gictlm: the ITS is idle) and reads 0 in GICv4.1
     * (the write to Enabled takes effect at once here). */
    bool q = its_quiescent(its) && !(its->enabled && its->v41);
    uint64_t v = (its->enabled ? 1u : 0u) | (q ? (1u << 31) : 0u);
    if (its_has_its_number(g, its)) v |= (uint64_t)its->its_number << 4; /* ITS_Number [7:4] */
    return v;
}

static void wr_ctlr(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    uint64_t v = merge(rd_ctlr(g, blk, 0), val, mask);
    bool en = v & 1;
    if (its_has_its_number(g, its)) its->its_number = (uint32_t)((v >> 4) & 0xf);
    if (its->enabled && !en) its_inval_all(its); /* disabling drops cached translations */
    its->enabled = en;
    if (en) its_cmdq_kick(g, its);
}

static uint64_t rd_iidr(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)blk;
    (void)n;
    return GICTLM_GITS_IIDR;
}

static uint64_t rd_typer(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->typer;
}

/* GITS_MPIDR (GICv4.1): Aff3.Aff2.Aff1 [31:8] of the redistributors that share
 * this ITS's vPE table (GITS_TYPER.SVPET); the model's Aff3 is 0. Reserved
 * (RAZ, counted as any reserved offset) on a GICv3/GICv4.0 ITS. */
static uint64_t rd_mpidr(gic_t *g, void *blk, unsigned n)
{
    (void)n;
    struct gic_its *its = blk;
    if (!its->v41)
        gic_error(g, "mmio_reserved_read", "GITS", "read at reserved offset 0x18 (RAZ/WI)");
    return 0;
}

static uint64_t rd_cbaser(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->cbaser;
}

/* CBASER: [63] Valid, [61:59] InnerCache, [55:53] OuterCache, [51:12]
 * Physical_Address, [11:10] Shareability, [7:0] Size. */
static void wr_cbaser(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    /* IHI0069: writing GITS_CBASER while GITS_CTLR.Enabled == 1 or
     * Quiescent == 0 is UNPREDICTABLE; gictlm ignores the write. */
    if (its->enabled || !its_quiescent(its)) {
        gic_error(g, "its_cbaser_write_enabled", its->name,
                  "GITS_CBASER written while the ITS is enabled or busy: ignored");
        return;
    }
    its->cbaser = merge(its->cbaser, val, mask) & 0xb8effffffffffcffull;
    its->creadr = 0; /* GITS_CREADR is cleared when GITS_CBASER is written */
    its->stalled = false;
    if (its->cwriter >= its_cmdq_bytes(its))
        gic_error(g, "its_cwriter_oor", its->name,
                  "GITS_CWRITER offset 0x%llx beyond the %llu-byte command queue set by GITS_CBASER: "
                  "no command is processed until GITS_CWRITER is written in range",
                  (unsigned long long)its->cwriter, (unsigned long long)its_cmdq_bytes(its));
    size_t n_ent = (size_t)(its_cmdq_bytes(its) / 32);
    if (n_ent != its->release_n) {
        gic_time_t *r = realloc(its->release, n_ent * sizeof(*r));
        if (!r) {
            gic_error(g, "its_alloc", its->name, "command queue bookkeeping allocation failed");
            return;
        }
        its->release = r;
        its->release_n = n_ent;
    }
    for (size_t i = 0; i < n_ent; i++) its->release[i] = 0;
}

static uint64_t rd_cwriter(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->cwriter;
}

static void wr_cwriter(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    uint64_t v = merge(its->cwriter, val, mask);
    bool retry = v & 1;
    uint64_t off = v & 0xfffe0ull; /* Offset [19:5] */
    if (off >= its_cmdq_bytes(its)) {
        /* IHI0069: a value beyond the queue is UNPREDICTABLE; gictlm ignores it. */
        gic_error(g, "its_cwriter_oor", its->name,
                  "GITS_CWRITER offset 0x%llx beyond the %llu-byte command queue: ignored",
                  (unsigned long long)off, (unsigned long long)its_cmdq_bytes(its));
        return;
    }
    /* Mark the newly released slots with the release time. */
    if (its->release && its->release_n) {
        uint64_t q = its_cmdq_bytes(its);
        for (uint64_t o = (its->cwriter & 0xfffe0ull) % q; o != off; o = (o + 32) % q) {
            size_t s = (size_t)(o / 32);
            if (s < its->release_n) its->release[s] = g->now;
        }
    }
    its->cwriter = off;
    /* Retry (bit 0): restart a stalled command queue at the stalled command. */
    if (retry && its->stalled) {
        its->stalled = false;
        size_t s = (size_t)(its->creadr / 32);
        if (its->release && s < its->release_n) its->release[s] = g->now;
    }
    its_cmdq_kick(g, its);
}

static uint64_t rd_creadr(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    struct gic_its *its = blk;
    return its->creadr | (its->stalled ? 1u : 0u);
}

static uint64_t rd_baser(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    return ((struct gic_its *)blk)->baser[n];
}

/* BASER: [63] Valid, [62] Indirect, [61:59] InnerCache, [58:56] Type (RO),
 * [55:53] OuterCache, [52:48] Entry_Size (RO), [47:12] Physical_Address,
 * [11:10] Shareability, [9:8] Page_Size, [7:0] Size. */
static void wr_baser(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    struct gic_its *its = blk;
    if (!baser_implemented(its, n)) return; /* RAZ/WI */
    if (its->enabled) {
        /* IHI0069: GITS_BASER<n> must not be changed while the ITS is enabled. */
        gic_error(g, "its_baser_write_enabled", its->name,
                  "GITS_BASER%u written while the ITS is enabled: ignored", n);
        return;
    }
    const uint64_t ro = (7ull << BASER_TYPE_SHIFT) | (0x1full << BASER_ESZ_SHIFT);
    uint64_t v = merge(its->baser[n], val, mask);
    v = (its->baser[n] & ro) | (v & ~ro & 0xf8e0ffffffffffffull);
    if (((v >> 8) & 3) == 3) v = (v & ~(3ull << 8)) | (2ull << 8); /* reserved -> 64K */
    its->baser[n] = v;
    /* Changing a table drops what was cached from it. */
    if (n == 0) {
        cache_invalidate_if(its->c_dev, NULL, NULL);
        cache_invalidate_if(its->c_ev, NULL, NULL);
    } else if (n == 2) {
        if (its->c_vpe) cache_invalidate_if(its->c_vpe, NULL, NULL);
    } else {
        cache_invalidate_if(its->c_coll, NULL, NULL);
    }
}

static uint64_t rd_pidr0(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0x94; }
static uint64_t rd_pidr1(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0xb4; }
static uint64_t rd_pidr2(gic_t *g, void *b, unsigned n)
{
    (void)b;
    (void)n;
    return ((uint64_t)g->cfg.gic_version << 4) | 0xb; /* ArchRev, JEDEC */
}
static uint64_t rd_pidr4(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0x44; }
static uint64_t rd_cidr(gic_t *g, void *b, unsigned n)
{
    (void)g;
    (void)b;
    static const uint8_t cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};
    return cidr[n & 3];
}

static const gic_reg_t its_regs[] = {
    {0x0000, 1, 4, 0, "GITS_CTLR", 0x80000000u, rd_ctlr, wr_ctlr},
    {0x0004, 1, 4, REG_F_RO, "GITS_IIDR", GICTLM_GITS_IIDR, rd_iidr, NULL},
    {0x0008, 1, 8, REG_F_RO, "GITS_TYPER", 0, rd_typer, NULL},
    {0x0018, 1, 4, REG_F_RO, "GITS_MPIDR", 0, rd_mpidr, NULL},
    {0x0080, 1, 8, 0, "GITS_CBASER", 0, rd_cbaser, wr_cbaser},
    {0x0088, 1, 8, 0, "GITS_CWRITER", 0, rd_cwriter, wr_cwriter},
    {0x0090, 1, 8, REG_F_RO, "GITS_CREADR", 0, rd_creadr, NULL},
    {0x0100, 8, 8, 0, "GITS_BASER", 0, rd_baser, wr_baser},
    {0xffd0, 1, 4, REG_F_RO, "GITS_PIDR4", 0x44, rd_pidr4, NULL},
    {0xffd4, 3, 4, REG_F_RO, "GITS_PIDR5", 0, NULL, NULL},
    {0xffe0, 1, 4, REG_F_RO, "GITS_PIDR0", 0x94, rd_pidr0, NULL},
    {0xffe4, 1, 4, REG_F_RO, "GITS_PIDR1", 0xb4, rd_pidr1, NULL},
    {0xffe8, 1, 4, REG_F_RO, "GITS_PIDR2", 0x3b, rd_pidr2, NULL},
    {0xffec, 1, 4, REG_F_RO, "GITS_PIDR3", 0, NULL, NULL},
    {0xfff0, 4, 4, REG_F_RO, "GITS_CIDR", 0, rd_cidr, NULL},
    {GITS_TRANSLATER_OFF, 1, 4, REG_F_WO, "GITS_TRANSLATER", 0, NULL, NULL},
};
const gic_regmap_t its_regmap = {"GITS", its_regs, sizeof(its_regs) / sizeof(its_regs[0]),
                                 GIC_GITS_SIZE};
