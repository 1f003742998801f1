/* SCAFFOLD: replaced by the ITS implementation. */
#include "its.h"
#include <stdlib.h>
struct gic_its { int dummy; };
static const gic_reg_t regs[] = { {0x0, 1, 4, 0, "GITS_CTLR", 0, NULL, NULL} };
const gic_regmap_t its_regmap = {"GITS", regs, 1, GIC_GITS_SIZE};
struct gic_its *its_create(gic_t *g, uint32_t index) { (void)g; (void)index; return calloc(1, sizeof(struct gic_its)); }
void its_destroy(gic_t *g, struct gic_its *its) { (void)g; free(its); }
void its_translate(gic_t *g, uint32_t its, uint32_t devid, uint32_t eventid) { (void)g; (void)its; (void)devid; (void)eventid; }
