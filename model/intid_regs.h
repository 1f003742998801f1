/* Per-INTID registers written once for both frames that hold them (IHI0069
 * 12.9 GICD_* and 12.11 GICR_* SGI_base registers): IGROUPR, ISENABLER,
 * ICENABLER, ISPENDR, ICPENDR, ISACTIVER, ICACTIVER, IPRIORITYR, ICFGR.
 * (IGRPMODR is RAZ/WI in both frames: one Security state, GICD_CTLR.DS = 1.)
 *
 * A frame exposes its interrupts through an "interrupt at INTID in this
 * block" accessor and says how a change propagates (the distributor routes
 * SPIs and updates every CPU; a redistributor updates its own CPU), in the
 * way Linux's vgic-mmio.c serves both frames with one set of handlers. The
 * register block passed to the handlers (regmap blk) starts with a
 * gic_intid_block_t. Register n of a kind covers INTIDs n * (32 / bits per
 * INTID) onwards. */
#ifndef GIC_INTID_REGS_H
#define GIC_INTID_REGS_H
#include "dist.h"

typedef enum gic_intid_reg {
    GIC_IR_IGROUPR,
    GIC_IR_ISENABLER,
    GIC_IR_ICENABLER,
    GIC_IR_ISPENDR,
    GIC_IR_ICPENDR,
    GIC_IR_ISACTIVER,
    GIC_IR_ICACTIVER,
    GIC_IR_IPRIORITYR,
    GIC_IR_ICFGR
} gic_intid_reg_t;

typedef struct gic_intid_block gic_intid_block_t;

typedef struct gic_intid_ops {
    /* The interrupt at intid in this block, NULL if the block does not
     * implement it (its bits are RAZ/WI). write: its state is about to change. */
    gic_irq_t *(*irq)(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool write);
    /* Its pending state may have changed (ISPENDR/ICPENDR, ICFGR); was = pending before. */
    void (*pending_changed)(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool was);
    /* A pending interrupt was just enabled: forwarded to the CPU interface from now. */
    void (*forward_now)(gic_t *g, gic_intid_block_t *b, uint32_t intid);
    /* ICACTIVER: deactivate it. */
    void (*deactivate)(gic_t *g, gic_intid_block_t *b, uint32_t intid);
    /* After a write of one register; touched = it changed at least one
     * implemented interrupt. The block re-evaluates the CPU(s) it serves. */
    void (*written)(gic_t *g, gic_intid_block_t *b, gic_intid_reg_t reg, bool touched);
} gic_intid_ops_t;

struct gic_intid_block {
    const gic_intid_ops_t *ops;
};

/* Register handlers (gic_reg_rd_fn / gic_reg_wr_fn). */
uint64_t intid_rd_igroupr(gic_t *g, void *blk, unsigned n);
void intid_wr_igroupr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
uint64_t intid_rd_enabler(gic_t *g, void *blk, unsigned n); /* ISENABLER and ICENABLER */
void intid_wr_isenabler(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
void intid_wr_icenabler(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
uint64_t intid_rd_pendr(gic_t *g, void *blk, unsigned n); /* ISPENDR and ICPENDR */
void intid_wr_ispendr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
void intid_wr_icpendr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
uint64_t intid_rd_activer(gic_t *g, void *blk, unsigned n); /* ISACTIVER and ICACTIVER */
void intid_wr_isactiver(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
void intid_wr_icactiver(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
uint64_t intid_rd_ipriorityr(gic_t *g, void *blk, unsigned n);
void intid_wr_ipriorityr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
uint64_t intid_rd_icfgr(gic_t *g, void *blk, unsigned n);
void intid_wr_icfgr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m);
#endif
