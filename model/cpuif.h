/* Physical CPU interface (ICC_*_EL1): the priority engine of each CPU over
 * the physical interrupt source. */
#ifndef GIC_CPUIF_H
#define GIC_CPUIF_H
#include "cpuif_engine.h"

/* dist + redist + LPIs of a CPU (cpuif_phys.c) */
extern const gic_irq_source_t cpuif_phys_source;

struct gic_cpuif *cpuif_create(gic_t *g); /* array of cfg.num_cpus */
void cpuif_destroy(gic_t *g, struct gic_cpuif *c);

gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val);
gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val);
/* Re-evaluate the highest-priority pending interrupt and drive IRQ/FIQ now.
 * cpuif_update: after a state change (always recomputes the HPPI);
 * cpuif_refresh: through the HPPI cache (cpuif_engine.c "HPPI cache"). */
void cpuif_update(gic_t *g, uint32_t cpu);
void cpuif_refresh(gic_t *g, uint32_t cpu);
/* ICC_IGRPEN<group>_EL1.Enable */
bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group);
/* Would this CPU take an interrupt of that priority now (PMR and running priority)? */
bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group);
#endif
