/* Redistributor (GICR_*): RD_base and SGI_base frames, SGIs and PPIs.
 * LPI registers of RD_base delegate to lpi.h. */
#ifndef GIC_REDIST_H
#define GIC_REDIST_H
#include "gic_internal.h"

/* array of cfg.num_cpus, in the instance's arena (released with it: no destroy) */
struct gic_redist *redist_create(gic_t *g);
extern const gic_regmap_t redist_rd_regmap;  /* RD_base, offset 0x00000 */
extern const gic_regmap_t redist_sgi_regmap; /* SGI_base, offset 0x10000 */
extern const gic_regmap_t redist_reserved_regmap; /* GICv4: the reserved frame at +0x30000 (RAZ/WI) */
void *redist_blk(gic_t *g, uint32_t cpu);
/* The CPU (processor number) of a redistributor block (register handlers). */
uint32_t redist_cpu_of(const void *blk);

/* PPI wire input, intid 16..31. Applied at g->now. */
void redist_set_ppi_line(gic_t *g, uint32_t cpu, uint32_t intid, bool level);
/* SGI arrival at target redistributor (intid 0..15), group = group the
 * generating register targets (0: SGI0R, 1: SGI1R/ASGI1R). Applied at g->now. */
void redist_sgi_arrive(gic_t *g, uint32_t target, uint32_t intid, unsigned group);

/* Highest-priority SGI/PPI of cpu that is enabled, pending, not active, in a
 * group enabled for this CPU (en[group]) and visible at g->now; *until is
 * lowered to the earliest later time at which one becomes visible. */
void redist_hppi(gic_t *g, uint32_t cpu, const bool en[2], gic_cand_t *out, gic_time_t *until);
gic_time_t redist_ack(gic_t *g, uint32_t cpu, uint32_t intid);
bool redist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid);
uint8_t redist_priority(const gic_t *g, uint32_t cpu, uint32_t intid);
unsigned redist_group(const gic_t *g, uint32_t cpu, uint32_t intid);

/* GICR_WAKER.ProcessorSleep: a sleeping redistributor forwards nothing. */
bool redist_asleep(const gic_t *g, uint32_t cpu);
/* GICR_CTLR.DPG0 / DPG1NS: CPU does not participate in 1-of-N for that group. */
bool redist_dpg(const gic_t *g, uint32_t cpu, unsigned group);

/* Generate an SGI from the CPU interface: it arrives at the target
 * redistributor lat_sgi cycles after now (redist_sgi_arrive); the pending
 * episode's latency reference is now (the ICC_SGI*R write). */
void redist_sgi_send(gic_t *g, uint32_t target, uint32_t intid, unsigned group);
/* Start of the current pending episode of SGI/PPI intid (latency statistics). */
gic_time_t redist_pending_time(const gic_t *g, uint32_t cpu, uint32_t intid);
/* Earliest time the redistributor forwards anything to its CPU interface
 * (GICR_WAKER: after a wake-up the path to the CPU takes
 * lat_redist_to_cpu + lat_cpu_signal cycles). */
gic_time_t redist_forward_from(const gic_t *g, uint32_t cpu);
/* Same, UINT64_MAX while the redistributor is asleep (one call for cpuif.c). */
gic_time_t redist_forward_time(const gic_t *g, uint32_t cpu);
#endif
