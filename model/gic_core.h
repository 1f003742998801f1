/* The core's entry points for the public C API (capi/api.c). Private: not
 * part of the installed interface. Each function works at the model's
 * current time (the API advances time first). */
#ifndef GIC_CORE_H
#define GIC_CORE_H
#include "gictlm.h"

gic_t *gic_core_create(const gic_config_t *cfg, const gic_callbacks_t *cb,
                       const gic_mem_port_t *port, char *err, size_t errlen);
void gic_core_destroy(gic_t *g);
/* The i-th family of log components (NULL past the last; model/gic.c). */
const char *gic_core_log_family(size_t i);
/* The family of component ("its1" -> "its", "GICR_RD" -> "gicr"), NULL if
 * it is of none of them. */
const char *gic_core_log_family_of(const char *component);
/* Process every event with time <= t; afterwards now == t (if t > now). */
void gic_core_run_until(gic_t *g, gic_time_t t);

/* A register access to a frame (frames.c): routed to the frame's register
 * map; GIC_ERR_ADDR outside every frame (counted and logged), GIC_ERR_DEVID
 * for a GITS_TRANSLATER write (an MSI needs gic_msi). */
gic_status_t gic_core_mmio(gic_t *g, gic_frame_t frame, uint32_t index, uint64_t offset,
                           uint32_t size, bool is_write, uint64_t *val);
/* Inputs applied at now. */
gic_status_t gic_core_msi(gic_t *g, uint32_t its, uint32_t devid, uint32_t eventid);
gic_status_t gic_core_set_spi(gic_t *g, uint32_t intid, bool level);
gic_status_t gic_core_set_ppi(gic_t *g, uint32_t cpu, uint32_t intid, bool level);
gic_status_t gic_core_sysreg(gic_t *g, uint32_t cpu, gic_sysreg_t reg, bool is_write, uint64_t *val);
gic_status_t gic_core_mem(gic_t *g, bool is_write, uint64_t addr, void *buf, size_t len);
size_t gic_core_mem_footprint(const gic_t *g);
/* Before the statistics are read or reset: counts that the hot paths keep in
 * place (mem_stats_sync) are added to their histograms. */
void gic_core_stats_sync(gic_t *g);
#endif
