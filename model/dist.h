/* Distributor (GICD_*): SPIs, routing, group/priority/enable state. */
#ifndef GIC_DIST_H
#define GIC_DIST_H
#include "gic_internal.h"

/* Per-interrupt state shared by the distributor (SPIs) and the
 * redistributors (SGIs, PPIs). See docs/interrupt-delivery.md. */
typedef struct gic_irq {
    gic_time_t t_pend; /* start of the current pending episode (latency reference) */
    gic_time_t t_vis;  /* time from which the CPU interface sees it */
    uint8_t prio;      /* masked to the implemented priority bits */
    uint8_t group;     /* 0 or 1 (GICD_IGROUPR / GICR_IGROUPR0) */
    bool enabled;
    bool edge;         /* GICD_ICFGR / GICR_ICFGR: 1 = edge-triggered */
    bool active;
    bool latch;        /* edge latch or software pending (ISPENDR, SETSPI on edge) */
    bool line;         /* wire level */
    bool msg;          /* level set by GICD_SETSPI_NSR on a level-sensitive SPI */
    bool repend;       /* still pending at acknowledge: new episode starts at deactivation */
} gic_irq_t;

/* Pending state (IHI0069 "Interrupt handling state machine"): an edge
 * interrupt is pending while its latch is set; a level interrupt while its
 * line is asserted or software set it pending. */
static inline bool gic_irq_pending(const gic_irq_t *s)
{
    return s->latch || (!s->edge && (s->line || s->msg));
}

struct gic_dist *dist_create(gic_t *g);
void dist_destroy(struct gic_dist *d);
extern const gic_regmap_t dist_regmap; /* blk = g->dist */

/* GICD_CTLR.EnableGrp0 / EnableGrp1 (group 0 or 1) and ARE */
bool dist_group_enabled(const gic_t *g, unsigned group);
/* Both at once: bit 0 EnableGrp0, bit 1 EnableGrp1. */
unsigned dist_group_enables(const gic_t *g);

/* SPI wire input; intid in [32, 32+num_spis). Applied at g->now. */
void dist_set_spi_line(gic_t *g, uint32_t intid, bool level);
/* GICD_SETSPI_NSR / CLRSPI_NSR semantics (message-based SPI, edge-like set). */
void dist_set_spi_msg(gic_t *g, uint32_t intid, bool set);

/* Highest-priority SPI that is pending, enabled, not active, in a group
 * enabled for this CPU (en[group]: GICD_CTLR.EnableGrp<n> and
 * ICC_IGRPEN<n>_EL1), routed to cpu and visible to cpu at g->now.
 * *until is lowered to the earliest later time at which a candidate excluded
 * only because it is not visible yet becomes visible. */
void dist_hppi(gic_t *g, uint32_t cpu, const bool en[2], gic_cand_t *out, gic_time_t *until);
/* Acknowledge: pending -> active (level: stays pending while the line is high).
 * Returns the time the interrupt was first made pending (for latency stats). */
gic_time_t dist_ack(gic_t *g, uint32_t cpu, uint32_t intid);
/* Deactivate (EOImode 0 EOIR or DIR). Emits GIC_OUT_DEACTIVATE. Returns false if not active. */
bool dist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid);
/* Priority/group of an SPI (for the active-priority logic). */
uint8_t dist_priority(const gic_t *g, uint32_t intid);
unsigned dist_group(const gic_t *g, uint32_t intid);
/* A CPU's participation changed (IGRPEN, WAKER, DPG): re-target 1-of-N SPIs. */
void dist_cpu_changed(gic_t *g, uint32_t cpu);

/* Start of the current pending episode of an SPI (for latency statistics). */
gic_time_t dist_pending_time(const gic_t *g, uint32_t intid);
/* true if intid is an implemented SPI */
bool dist_spi_valid(const gic_t *g, uint32_t intid);
/* CoreSight ID register k (0..3 PIDR4..7, 4..7 PIDR0..3, 8..11 CIDR0..3),
 * shared by the GICD and GICR frames. */
uint8_t gic_id_reg(const gic_t *g, unsigned k);
#endif
