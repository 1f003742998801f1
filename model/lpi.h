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
/* Acknowledge (LPIs have no active state: pending is cleared). Returns the
 * time the LPI was made pending (MSI arrival time for ITS-generated LPIs). */
gic_time_t lpi_ack(gic_t *g, uint32_t cpu, uint32_t intid);
#endif
