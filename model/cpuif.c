/* SCAFFOLD: replaced by the CPU interface implementation. */
#include "cpuif.h"
#include <stdlib.h>
struct gic_cpuif { int dummy; };
struct gic_cpuif *cpuif_create(gic_t *g) { return calloc(g->cfg.num_cpus, sizeof(struct gic_cpuif)); }
void cpuif_destroy(gic_t *g, struct gic_cpuif *c) { (void)g; free(c); }
gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val) { (void)g; (void)cpu; (void)reg; *val = GIC_SPURIOUS; return GIC_OK; }
gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val) { (void)g; (void)cpu; (void)reg; (void)val; return GIC_OK; }
void cpuif_update(gic_t *g, uint32_t cpu) { (void)g; (void)cpu; }
bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group) { (void)g; (void)cpu; (void)group; return false; }
bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group) { (void)g; (void)cpu; (void)prio; (void)group; return false; }
