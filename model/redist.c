/* SCAFFOLD: replaced by the redistributor implementation. */
#include "redist.h"
#include <stdlib.h>
struct gic_redist { int dummy; };
static const gic_reg_t rd[] = { {0x0, 1, 4, 0, "GICR_CTLR", 0, NULL, NULL} };
static const gic_reg_t sgi[] = { {0x80, 1, 4, 0, "GICR_IGROUPR0", 0, NULL, NULL} };
const gic_regmap_t redist_rd_regmap = {"GICR_RD", rd, 1, 0x10000};
const gic_regmap_t redist_sgi_regmap = {"GICR_SGI", sgi, 1, 0x10000};
struct gic_redist *redist_create(gic_t *g) { return calloc(g->cfg.num_cpus, sizeof(struct gic_redist)); }
void redist_destroy(gic_t *g, struct gic_redist *r) { (void)g; free(r); }
void *redist_blk(gic_t *g, uint32_t cpu) { return &g->redist[cpu]; }
void redist_set_ppi_line(gic_t *g, uint32_t cpu, uint32_t intid, bool level) { (void)g; (void)cpu; (void)intid; (void)level; }
void redist_sgi_arrive(gic_t *g, uint32_t t, uint32_t intid, unsigned group) { (void)g; (void)t; (void)intid; (void)group; }
void redist_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out) { (void)g; (void)cpu; cand_none(out); }
gic_time_t redist_ack(gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return 0; }
bool redist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return false; }
uint8_t redist_priority(const gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return 0; }
unsigned redist_group(const gic_t *g, uint32_t cpu, uint32_t intid) { (void)g; (void)cpu; (void)intid; return 1; }
bool redist_asleep(const gic_t *g, uint32_t cpu) { (void)g; (void)cpu; return false; }
bool redist_dpg(const gic_t *g, uint32_t cpu, unsigned group) { (void)g; (void)cpu; (void)group; return false; }
