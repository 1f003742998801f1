/* One set of per-INTID register handlers for the GICD frame and the GICR
 * SGI_base frames (see intid_regs.h). */
#include "intid_regs.h"

typedef enum { F_GROUP, F_ENABLE, F_PEND, F_ACTIVE } bitfield_t;

static gic_intid_block_t *blk_of(void *blk) { return (gic_intid_block_t *)blk; }

static bool get_bit(const gic_irq_t *s, bitfield_t f)
{
    switch (f) {
    case F_GROUP: return s->group;
    case F_ENABLE: return s->enabled;
    case F_PEND: return gic_irq_pending(s);
    case F_ACTIVE: return s->active;
    }
    return false;
}

/* Bit-per-INTID registers: register n covers INTIDs 32n..32n+31. */
static uint64_t rd_bits(gic_t *g, void *blk, unsigned n, bitfield_t f)
{
    gic_intid_block_t *b = blk_of(blk);
    uint32_t v = 0;
    for (unsigned i = 0; i < 32; i++) {
        const gic_irq_t *s = b->ops->irq(g, b, n * 32 + i, false);
        if (s && get_bit(s, f)) v |= 1u << i;
    }
    return v;
}

uint64_t intid_rd_igroupr(gic_t *g, void *blk, unsigned n) { return rd_bits(g, blk, n, F_GROUP); }
uint64_t intid_rd_enabler(gic_t *g, void *blk, unsigned n) { return rd_bits(g, blk, n, F_ENABLE); }
uint64_t intid_rd_pendr(gic_t *g, void *blk, unsigned n) { return rd_bits(g, blk, n, F_PEND); }
uint64_t intid_rd_activer(gic_t *g, void *blk, unsigned n) { return rd_bits(g, blk, n, F_ACTIVE); }

void intid_wr_igroupr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m)
{
    gic_intid_block_t *b = blk_of(blk);
    bool touched = false;
    for (unsigned i = 0; i < 32; i++) {
        if (!(m >> i & 1)) continue;
        gic_irq_t *s = b->ops->irq(g, b, n * 32 + i, true);
        if (!s) continue;
        s->group = (uint8_t)(v >> i & 1);
        touched = true;
    }
    b->ops->written(g, b, GIC_IR_IGROUPR, touched);
}

/* Set/clear registers: only the bits written as 1 act (IHI0069 "GICD_ISENABLER<n>" etc.). */
static void wr_set_clear(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m, bitfield_t f,
                         bool set, gic_intid_reg_t reg)
{
    gic_intid_block_t *b = blk_of(blk);
    uint32_t bits = (uint32_t)(v & m);
    bool touched = false;
    while (bits) {
        unsigned i = (unsigned)__builtin_ctz(bits);
        bits &= bits - 1;
        uint32_t intid = n * 32 + i;
        gic_irq_t *s = b->ops->irq(g, b, intid, true);
        if (!s) continue;
        touched = true;
        bool was = gic_irq_pending(s);
        switch (f) {
        case F_ENABLE:
            if (set && !s->enabled && was) {
                /* Enabling a pending interrupt: forwarded from now. */
                s->enabled = true;
                b->ops->forward_now(g, b, intid);
            }
            s->enabled = set;
            break;
        case F_PEND:
            /* ISPENDR sets the software pending latch; ICPENDR clears it only.
             * IHI0069 GICD_ICPENDR<n>: no effect on a level-sensitive
             * interrupt pending for another reason than ISPENDR, so a level
             * SPI asserted by its wire or by GICD_SETSPI_NSR (deasserted only
             * by GICD_CLRSPI_NSR) stays pending. */
            s->latch = set;
            b->ops->pending_changed(g, b, intid, was);
            break;
        case F_ACTIVE:
            if (set) s->active = true;
            else b->ops->deactivate(g, b, intid);
            break;
        case F_GROUP: break;
        }
    }
    b->ops->written(g, b, reg, touched);
}

void intid_wr_isenabler(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_ENABLE, true, GIC_IR_ISENABLER); }
void intid_wr_icenabler(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_ENABLE, false, GIC_IR_ICENABLER); }
void intid_wr_ispendr(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_PEND, true, GIC_IR_ISPENDR); }
void intid_wr_icpendr(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_PEND, false, GIC_IR_ICPENDR); }
void intid_wr_isactiver(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_ACTIVE, true, GIC_IR_ISACTIVER); }
void intid_wr_icactiver(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m) { wr_set_clear(g, b, n, v, m, F_ACTIVE, false, GIC_IR_ICACTIVER); }

/* IPRIORITYR<n>: four byte fields (INTIDs 4n..4n+3); only the implemented
 * (upper) priority bits are kept (IHI0069 "Interrupt prioritization"). */
uint64_t intid_rd_ipriorityr(gic_t *g, void *blk, unsigned n)
{
    gic_intid_block_t *b = blk_of(blk);
    uint32_t v = 0;
    for (unsigned i = 0; i < 4; i++) {
        const gic_irq_t *s = b->ops->irq(g, b, n * 4 + i, false);
        if (s) v |= (uint32_t)s->prio << (8 * i);
    }
    return v;
}

void intid_wr_ipriorityr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m)
{
    gic_intid_block_t *b = blk_of(blk);
    bool touched = false;
    for (unsigned i = 0; i < 4; i++) {
        if (!((m >> (8 * i)) & 0xff)) continue;
        gic_irq_t *s = b->ops->irq(g, b, n * 4 + i, true);
        if (!s) continue;
        s->prio = (uint8_t)(v >> (8 * i)) & gic_prio_mask(g);
        touched = true;
    }
    b->ops->written(g, b, GIC_IR_IPRIORITYR, touched);
}

/* ICFGR<n>: two bits per INTID (INTIDs 16n..16n+15), bit 2k+1 = 1
 * edge-triggered, bit 2k RES0. */
uint64_t intid_rd_icfgr(gic_t *g, void *blk, unsigned n)
{
    gic_intid_block_t *b = blk_of(blk);
    uint32_t v = 0;
    for (unsigned i = 0; i < 16; i++) {
        const gic_irq_t *s = b->ops->irq(g, b, n * 16 + i, false);
        if (s && s->edge) v |= 2u << (2 * i);
    }
    return v;
}

void intid_wr_icfgr(gic_t *g, void *blk, unsigned n, uint64_t v, uint64_t m)
{
    gic_intid_block_t *b = blk_of(blk);
    bool touched = false;
    for (unsigned i = 0; i < 16; i++) {
        if (!((m >> (2 * i + 1)) & 1)) continue;
        uint32_t intid = n * 16 + i;
        gic_irq_t *s = b->ops->irq(g, b, intid, true);
        if (!s) continue;
        bool was = gic_irq_pending(s);
        s->edge = (v >> (2 * i + 1)) & 1;
        b->ops->pending_changed(g, b, intid, was);
        touched = true;
    }
    b->ops->written(g, b, GIC_IR_ICFGR, touched);
}
