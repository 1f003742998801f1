/* Recording hooks called by capi/api.c (not public). Each hook is called
 * only when a recorder is attached (g->rec != NULL). */
#ifndef GICTLM_TRACE_INTERNAL_H
#define GICTLM_TRACE_INTERNAL_H
#include "gictlm.h"

void gic_rec_mmio(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index, uint64_t offset,
                  uint32_t size, bool is_write, uint64_t val, gic_status_t st);
void gic_rec_msi(gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid);
void gic_rec_spi(gic_t *g, gic_time_t t, uint32_t intid, bool level);
void gic_rec_ppi(gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level);
void gic_rec_sysreg(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg, bool is_write,
                    uint64_t val, gic_status_t st);
void gic_rec_mem_write(gic_t *g, uint64_t addr, const void *buf, size_t len);
void gic_rec_run(gic_t *g, gic_time_t t);
void gic_rec_stats_reset(gic_t *g);
/* Free the recorder (gic_destroy). */
void gic_rec_free(gic_t *g);
#endif
