/* LPIs in the redistributors: property (configuration) and pending tables,
 * GICR_CTLR.EnableLPIs, GICR_PROPBASER/PENDBASER, direct LPI registers. */
#ifndef GIC_LPI_H
#define GIC_LPI_H
#include "gic_internal.h"

struct gic_lpi *lpi_create(gic_t *g);
void lpi_destroy(gic_t *g, struct gic_lpi *l);

/* GICR_CTLR bits owned by LPIs: EnableLPIs (bit 0) and RWP (bit 3). */
uint64_t lpi_ctlr_bits(gic_t *g, uint32_t cpu);
void lpi_ctlr_write(gic_t *g, uint32_t cpu, uint64_t val);
/* GICR_PROPBASER, PENDBASER, SETLPIR, CLRLPIR, INVLPIR, INVALLR, SYNCR
 * (offset within RD_base). */
uint64_t lpi_reg_read(gic_t *g, uint32_t cpu, uint32_t off);
void lpi_reg_write(gic_t *g, uint32_t cpu, uint32_t off, uint64_t val, uint64_t mask);

/* Highest-priority enabled pending LPI of this redistributor visible at g->now. */
void lpi_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out);
/* Same; *until is lowered to the earliest later time at which the answer can
 * change without any other state change (scan gate, next LPI arrival). */
void lpi_hppi_until(gic_t *g, uint32_t cpu, gic_cand_t *out, gic_time_t *until);
/* Start of the pending episode of a pending LPI: t_src given to
 * lpi_set_pending (MSI arrival at GITS_TRANSLATER; GICR_SETLPIR write time;
 * EnableLPIs time for LPIs loaded from the pending table). g->now if intid is
 * not pending at this redistributor. For latency.line_to_signal.lpi. */
gic_time_t lpi_pending_time(gic_t *g, uint32_t cpu, uint32_t intid);
/* Acknowledge (LPIs have no active state: pending is cleared). Returns the
 * time the LPI was made pending (MSI arrival time for ITS-generated LPIs).
 * The caller re-evaluates the CPU interface (cpuif_update) afterwards. */
gic_time_t lpi_ack(gic_t *g, uint32_t cpu, uint32_t intid);

/* ---- interface for the ITS (called at g->now = time the request reaches the
 * redistributor). Functions returning gic_time_t return the time at which the
 * operation (including its memory accesses) has completed. ---- */
/* INTID is an LPI that GICD_TYPER.IDbits can represent (8192..2^lpi_id_bits-1). */
static inline bool lpi_valid_intid(const gic_t *g, uint32_t intid)
{
    return g->cfg.lpi_id_bits && intid >= GIC_LPI_BASE &&
           (uint64_t)intid < ((uint64_t)1 << g->cfg.lpi_id_bits);
}
/* The ITS has translated an MSI to intid at cpu; it will be set pending
 * when the walk's modelled time has passed. A host hint (no effect on the
 * model): the LPI's property byte and pending byte in the built-in memory
 * are fetched into the host's cache meanwhile (with a million LPIs they are
 * rarely there). */
void lpi_prefetch(gic_t *g, uint32_t cpu, uint32_t intid);
/* Make an LPI pending. t_src is when its MSI hit GITS_TRANSLATER (for
 * MSI-to-IAR latency). Returns DELIVERED, COALESCED (already pending) or
 * DROPPED with *reason (static string), e.g. LPIs disabled at that
 * redistributor or INTID beyond GICR_PROPBASER.IDbits. */
gic_msi_outcome_t lpi_set_pending(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t t_src,
                                  const char **reason);
/* lpi_set_pending with the redistributor's work starting at start >= now
 * instead of now (a request whose decision waited for a memory read). */
gic_msi_outcome_t lpi_set_pending_at(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t start,
                                     gic_time_t t_src, const char **reason);
/* CLEAR / DISCARD: remove pending state. */
gic_time_t lpi_clear_pending(gic_t *g, uint32_t cpu, uint32_t intid);
/* INV / INVALL: reload configuration (priority, enable) from the property table. */
gic_time_t lpi_inv(gic_t *g, uint32_t cpu, uint32_t intid);
gic_time_t lpi_invall(gic_t *g, uint32_t cpu);
/* MOVI / MOVALL: move pending state between redistributors. */
gic_time_t lpi_move(gic_t *g, uint32_t from, uint32_t to, uint32_t intid);
gic_time_t lpi_movall(gic_t *g, uint32_t from, uint32_t to);
/* SYNC: time at which every earlier effect at this redistributor is visible. */
gic_time_t lpi_sync(gic_t *g, uint32_t cpu);
#endif
