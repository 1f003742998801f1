/* The physical interrupt source of a CPU interface: the distributor (SPIs),
 * the CPU's redistributor (SGIs, PPIs) and its LPI space, arbitrated by the
 * priority engine (cpuif_engine.h) and seen through ICC_*_EL1 (cpuif.c).
 * The engine calls these four directly (cpuif_engine.c src_*), and they are
 * inlined there (GIC_INLINE_EXTERN): one function call less per HPPI
 * recompute, acknowledge and deactivation on the physical hot paths
 * (bench_instr: 90 fewer instructions per MSI or SPI round trip). */
#include "cpuif.h"

#include "dist.h"
#include "lpi.h"
#include "redist.h"

GIC_INLINE_EXTERN gic_time_t phys_hppi(gic_t *g, uint32_t cpu, const bool igrpen[2], gic_cand_t *out)
{
    /* asleep: UINT64_MAX (waking up is a register write: marks the CPU) */
    gic_time_t t_fwd = redist_forward_time(g, cpu);
    if (g->now < t_fwd) return t_fwd;
    gic_time_t until = UINT64_MAX;
    unsigned dg = dist_group_enables(g);
    bool en[2] = {(dg & 1) && igrpen[0], (dg & 2) && igrpen[1]};
    gic_cand_t c;
    redist_hppi(g, cpu, en, &c, &until);
    if (cand_better(&c, out)) *out = c;
    dist_hppi(g, cpu, en, &c, &until);
    if (cand_better(&c, out)) *out = c;
    if (g->cfg.lpi_id_bits) {
        /* called whatever the enables: it also runs pending-table rescans */
        lpi_hppi_until(g, cpu, &c, &until);
        /* LPIs are Group 1; gated by GICD_CTLR.EnableGrp1 and ICC_IGRPEN1_EL1. */
        if (en[c.group] && cand_better(&c, out)) *out = c; /* (none is never better) */
    }
    return until;
}

GIC_INLINE_EXTERN gic_time_t phys_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (intid < 32) return redist_ack(g, cpu, intid);
    if (intid < 1020) return dist_ack(g, cpu, intid);
    return lpi_ack(g, cpu, intid);
}

GIC_INLINE_EXTERN void phys_deactivate(gic_t *g, uint32_t cpu, uint32_t intid, const char *via,
                            const eng_drop_t *drop)
{
    (void)drop;
    bool ok;
    if (intid < 32) ok = redist_deactivate(g, cpu, intid);
    else if (dist_spi_valid(g, intid)) ok = dist_deactivate(g, cpu, intid);
    /* LPIs have no active state: deactivating one has no effect. An INTID
     * >= 8192 beyond GICD_TYPER.IDbits (any, without LPIs) is not
     * implemented: counted below like an unimplemented SPI. */
    else if (lpi_valid_intid(g, intid)) return;
    else {
        gic_error(g, "deactivate_bad_intid", "ICC", "%s on CPU %u: INTID %u is not implemented", via,
                  cpu, intid);
        return;
    }
    /* IHI0069: deactivating an interrupt that is not active is UNPREDICTABLE;
     * the model ignores it, counts and logs it. */
    if (!ok)
        gic_error(g, "deactivate_not_active", "ICC", "%s on CPU %u: INTID %u is not active", via,
                  cpu, intid);
}

GIC_INLINE_EXTERN gic_time_t phys_pending_time(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (intid < 32) return redist_pending_time(g, cpu, intid);
    if (intid < 1020) return dist_pending_time(g, intid);
    return lpi_pending_time(g, cpu, intid); /* MSI arrival (or GICR_SETLPIR write) */
}

const gic_irq_source_t cpuif_phys_source = {
    .name = "ICC",
    .eoir_name = {"ICC_EOIR0_EL1", "ICC_EOIR1_EL1"},
    .dir_name = "ICC_DIR_EL1",
    .line_irq = GIC_LINE_IRQ,
    .line_fiq = GIC_LINE_FIQ,
    .lpi_eoi_deactivates = false,
    .hppi = phys_hppi,
    .ack = phys_ack,
    .deactivate = phys_deactivate,
    .pending_time = phys_pending_time,
};
