/* The redistributor's LPI registers (IHI0069 GICR_CTLR.EnableLPIs/RWP,
 * GICR_PROPBASER, GICR_PENDBASER, GICR_SETLPIR, GICR_CLRLPIR, GICR_INVLPIR,
 * GICR_INVALLR, GICR_SYNCR) over the redistributor's physical LPI space. */
#include "lpi_space.h"
#include "vpe.h"

/* GICR offsets (RD_base) */
#define OFF_SETLPIR 0x40u
#define OFF_CLRLPIR 0x48u
#define OFF_PROPBASER 0x70u
#define OFF_PENDBASER 0x78u
#define OFF_INVLPIR 0xa0u
#define OFF_INVALLR 0xb0u
#define OFF_SYNCR 0xc0u

/* writable fields: IDbits[4:0], InnerCache[9:7], Shareability[11:10],
 * PA[51:12] / PA[51:16], OuterCache[58:56]; PENDBASER.PTZ[62] is write-only */
#define PROPBASER_MASK (0x1full | (0x7ull << 7) | (0x3ull << 10) | (0xffffffffffull << 12) | (0x7ull << 56))
#define PENDBASER_MASK ((0x7ull << 7) | (0x3ull << 10) | (0xfffffffffull << 16) | (0x7ull << 56))
#define PENDBASER_PTZ (1ull << 62)

/* ---- GICR_CTLR.EnableLPIs, RWP ---------------------------------------------------------- */
uint64_t lpi_ctlr_bits(gic_t *g, uint32_t cpu)
{
    if (cpu >= g->cfg.num_cpus) return 0;
    lpi_space_t *r = PHYS(g, cpu);
    return (r->enabled ? 1u : 0u) | (g->now < r->rwp_until ? 8u : 0u);
}

/* EnableLPIs 1 -> 0: cached pending state is written back to the pending
 * table, the cache entries of this redistributor are dropped; RWP reads 1
 * until the write-back has completed. */
static void disable_lpis(gic_t *g, lpi_space_t *r)
{
    gic_time_t done = lpi_space_flush(g, r);
    /* the pending table now holds every pending LPI: forget the mirror */
    free(r->map);
    r->map = NULL;
    r->map_mask = 0;
    r->npend = 0;
    r->prio.n = r->arrive.n = 0;
    r->stale = false;
    r->enabled = false;
    r->rwp_until = tmax(r->rwp_until, done);
    r->busy_until = tmax(r->busy_until, done);
    lpi_space_notify(g, r, g->now);
}

void lpi_ctlr_write(gic_t *g, uint32_t cpu, uint64_t val)
{
    if (cpu >= g->cfg.num_cpus) return;
    lpi_space_t *r = PHYS(g, cpu);
    bool en = val & 1;
    if (en == r->enabled) return;
    if (g->cfg.lpi_id_bits == 0) return; /* GICR_TYPER.PLPIS == 0: RES0 */
    if (en && g->now < r->rwp_until) {
        /* IHI0069 GICR_CTLR.RWP: setting EnableLPIs before RWP reads 0 after
         * clearing it is UNPREDICTABLE: ignored. Clearing it needs no wait
         * (also during the load of the pending table). */
        gic_error(g, "lpi_enable_while_rwp", "lpi",
                  "redist %u: GICR_CTLR.EnableLPIs write while RWP == 1 ignored", cpu);
        return;
    }
    if (en) lpi_space_load(g, r);
    else disable_lpis(g, r);
    gic_hppi_changed(g, cpu);
}

/* ---- GICR LPI registers -------------------------------------------------------------- */
uint64_t lpi_reg_read(gic_t *g, uint32_t cpu, uint32_t off)
{
    if (cpu >= g->cfg.num_cpus) return 0;
    lpi_space_t *r = PHYS(g, cpu);
    switch (off) {
    case OFF_PROPBASER: return r->propbaser;
    case OFF_PENDBASER: return r->pendbaser; /* PTZ reads as 0 */
    case OFF_SYNCR:
        return g->now < tmax(tmax(r->busy_until, r->rwp_until), g->cfg.gicv4_1 ? vpe_rd_busy_until(g, cpu) : 0)
                   ? 1u
                   : 0u;
    default: return 0; /* SETLPIR, CLRLPIR, INVLPIR, INVALLR are write-only */
    }
}

/* HPPI cache (cpuif_engine.c): GICR_CLRLPIR, GICR_INVLPIR and GICR_INVALLR
 * are REG_F_HPPI_OWN (redist.c). IHI0069: they act on the LPIs of the
 * redistributor written (GICR_INVLPIR/INVALLR V = 1: on the vPE, whose
 * records are re-read only where it is resident here); lpi_clear_pending,
 * lpi_inv, lpi_invall and vpe_direct_inv mark that CPU's physical or virtual
 * interface, as they do for the ITS commands (DISCARD, INV, INVALL) that call
 * them. No other interface's view depends on this redistributor's LPIs. */
void lpi_reg_write(gic_t *g, uint32_t cpu, uint32_t off, uint64_t val, uint64_t mask)
{
    if (cpu >= g->cfg.num_cpus || g->cfg.lpi_id_bits == 0) return;
    lpi_space_t *r = PHYS(g, cpu);
    if (off == OFF_PROPBASER || off == OFF_PENDBASER) {
        if (r->enabled) {
            /* IHI0069: writing GICR_PROPBASER/PENDBASER while EnableLPIs == 1 is
             * UNPREDICTABLE; this model ignores the write (as GIC-600 does). */
            gic_error(g, off == OFF_PROPBASER ? "lpi_propbaser_while_enabled"
                                              : "lpi_pendbaser_while_enabled",
                      "lpi", "redist %u: write to GICR_%s while EnableLPIs == 1 ignored", cpu,
                      off == OFF_PROPBASER ? "PROPBASER" : "PENDBASER");
            return;
        }
        if (off == OFF_PROPBASER) {
            r->propbaser = ((r->propbaser & ~mask) | (val & mask)) & PROPBASER_MASK;
        } else {
            r->pendbaser = ((r->pendbaser & ~mask) | (val & mask)) & PENDBASER_MASK;
            if (mask & PENDBASER_PTZ) r->ptz = (val & PENDBASER_PTZ) != 0;
        }
        return;
    }
    /* GICv4.1 virtual forms (IHI0069 GICR_INVLPIR / GICR_INVALLR: V [63],
     * vPEID [47:32]; Linux its_vpe_4_1_invall): act on a 64-bit write, the
     * vPE's vLPI configuration where it is resident. */
    if (g->cfg.gicv4_1 && (off == OFF_INVLPIR || off == OFF_INVALLR) && (mask >> 63) && (val >> 63)) {
        vpe_direct_inv(g, cpu, (uint32_t)((val >> 32) & 0xffff), (uint32_t)val, off == OFF_INVALLR);
        return;
    }
    /* direct LPI registers act on a write of the low half ([31:0] = INTID) */
    if (!(mask & 0xffffffffull)) return;
    uint32_t intid = (uint32_t)(val & 0xffffffffull);
    const char *name = off == OFF_SETLPIR   ? "GICR_SETLPIR"
                       : off == OFF_CLRLPIR ? "GICR_CLRLPIR"
                       : off == OFF_INVLPIR ? "GICR_INVLPIR"
                                            : "GICR_INVALLR";
    if (!r->enabled) {
        /* IHI0069: with EnableLPIs == 0 these writes have no effect */
        gic_error(g, "lpi_direct_while_disabled", "lpi",
                  "redist %u: %s write while EnableLPIs == 0 ignored", cpu, name);
        return;
    }
    if (off != OFF_INVALLR && !lpi_space_valid_intid(g, r, intid)) {
        gic_error(g, "lpi_direct_bad_intid", "lpi",
                  "redist %u: %s of INTID %u outside the LPI range of GICR_PROPBASER.IDbits: ignored",
                  cpu, name, intid);
        return;
    }
    switch (off) {
    case OFF_SETLPIR: {
        const char *why = NULL;
        lpi_space_set_pending(g, r, intid, g->now, g->now, &why);
        gic_hppi_changed(g, cpu);
        break;
    }
    case OFF_CLRLPIR: lpi_clear_pending(g, cpu, intid); break;
    case OFF_INVLPIR: lpi_inv(g, cpu, intid); break;
    case OFF_INVALLR: lpi_invall(g, cpu); break;
    default: break;
    }
}

