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
bool lpi_valid_intid(const gic_t *g, uint32_t intid) { (void)g; (void)intid; return false; }
gic_msi_outcome_t lpi_set_pending(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t t_src, const char **reason) { (void)g; (void)cpu; (void)intid; (void)t_src; *reason = "lpis_not_implemented"; return GIC_MSI_DROPPED; }
gic_time_t lpi_clear_pending(gic_t *g, uint32_t cpu, uint32_t intid) { (void)cpu; (void)intid; return g->now; }
gic_time_t lpi_inv(gic_t *g, uint32_t cpu, uint32_t intid) { (void)cpu; (void)intid; return g->now; }
gic_time_t lpi_invall(gic_t *g, uint32_t cpu) { (void)cpu; return g->now; }
gic_time_t lpi_move(gic_t *g, uint32_t from, uint32_t to, uint32_t intid) { (void)from; (void)to; (void)intid; return g->now; }
gic_time_t lpi_movall(gic_t *g, uint32_t from, uint32_t to) { (void)from; (void)to; return g->now; }
gic_time_t lpi_sync(gic_t *g, uint32_t cpu) { (void)cpu; return g->now; }
