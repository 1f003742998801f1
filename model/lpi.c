/* SCAFFOLD: replaced by the LPI implementation. */
#include "lpi.h"
#include <stdlib.h>
struct gic_lpi { int dummy; };
struct gic_lpi *lpi_create(gic_t *g) { (void)g; return calloc(1, sizeof(struct gic_lpi)); }
void lpi_destroy(gic_t *g, struct gic_lpi *l) { (void)g; free(l); }
uint64_t lpi_ctlr_bits(gic_t *g, uint32_t cpu) { (void)g; (void)cpu; return 0; }
void lpi_ctlr_write(gic_t *g, uint32_t cpu, uint64_t val) { (void)g; (void)cpu; (void)val; }
uint64_t lpi_reg_read(gic_t *g, uint32_t cpu, uint32_t off) { (void)g; (void)cpu; (void)off; return 0; }
void lpi_reg_write(gic_t *g, uint32_t cpu, uint32_t off, uint64_t val, uint64_t mask) { (void)g; (void)cpu; (void)off; (void)val; (void)mask; }
void lpi_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out) { (void)g; (void)cpu; cand_none(out); }
gic_time_t lpi_ack(gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return 0; }
