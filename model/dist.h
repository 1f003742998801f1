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
/* Their register-table read handlers (k = 0..11) and the rows of a frame's
 * table (0xffd0-0xfffc; P: the frame's name prefix). */
#define GIC_ID_RD_DECL(k) uint64_t gic_rd_id##k(gic_t *g, void *blk, unsigned n);
GIC_ID_RD_DECL(0) GIC_ID_RD_DECL(1) GIC_ID_RD_DECL(2) GIC_ID_RD_DECL(3) GIC_ID_RD_DECL(4) GIC_ID_RD_DECL(5)
GIC_ID_RD_DECL(6) GIC_ID_RD_DECL(7) GIC_ID_RD_DECL(8) GIC_ID_RD_DECL(9) GIC_ID_RD_DECL(10) GIC_ID_RD_DECL(11)
#define GIC_ID_REG_ROWS(P)                                                \
    {0xffd0, 1, 4, REG_F_RO, P "_PIDR4", 0x04, gic_rd_id0, NULL},      \
    {0xffd4, 1, 4, REG_F_RO, P "_PIDR5", 0, gic_rd_id1, NULL},         \
    {0xffd8, 1, 4, REG_F_RO, P "_PIDR6", 0, gic_rd_id2, NULL},         \
    {0xffdc, 1, 4, REG_F_RO, P "_PIDR7", 0, gic_rd_id3, NULL},         \
    {0xffe0, 1, 4, REG_F_RO, P "_PIDR0", 0x00, gic_rd_id4, NULL},      \
    {0xffe4, 1, 4, REG_F_RO, P "_PIDR1", 0xb0, gic_rd_id5, NULL},      \
    {0xffe8, 1, 4, REG_F_RO, P "_PIDR2", 0x3b, gic_rd_id6, NULL},      \
    {0xffec, 1, 4, REG_F_RO, P "_PIDR3", 0, gic_rd_id7, NULL},         \
    {0xfff0, 1, 4, REG_F_RO, P "_CIDR0", 0x0d, gic_rd_id8, NULL},      \
    {0xfff4, 1, 4, REG_F_RO, P "_CIDR1", 0xf0, gic_rd_id9, NULL},      \
    {0xfff8, 1, 4, REG_F_RO, P "_CIDR2", 0x05, gic_rd_id10, NULL},     \
    {0xfffc, 1, 4, REG_F_RO, P "_CIDR3", 0xb1, gic_rd_id11, NULL}
#endif
