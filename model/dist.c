/* SCAFFOLD: replaced by the distributor implementation. */
#include "dist.h"
#include <stdlib.h>
struct gic_dist { int dummy; };
static const gic_reg_t regs[] = { {0x0, 1, 4, 0, "GICD_CTLR", 0, NULL, NULL} };
const gic_regmap_t dist_regmap = {"GICD", regs, 1, GIC_GICD_SIZE};
struct gic_dist *dist_create(gic_t *g) { (void)g; return calloc(1, sizeof(struct gic_dist)); }
void dist_destroy(struct gic_dist *d) { free(d); }
bool dist_group_enabled(const gic_t *g, unsigned group) { (void)g; (void)group; return false; }
void dist_set_spi_line(gic_t *g, uint32_t intid, bool level) { (void)g; (void)intid; (void)level; }
void dist_set_spi_msg(gic_t *g, uint32_t intid, bool set) { (void)g; (void)intid; (void)set; }
void dist_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out) { (void)g; (void)cpu; cand_none(out); }
gic_time_t dist_ack(gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return 0; }
bool dist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return false; }
uint8_t dist_priority(const gic_t *g, uint32_t intid) { (void)g; (void)intid; return 0; }
unsigned dist_group(const gic_t *g, uint32_t intid) { (void)g; (void)intid; return 1; }
void dist_cpu_changed(gic_t *g, uint32_t cpu) { (void)g; (void)cpu; }
