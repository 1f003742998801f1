/* Redistributors (GICR_*): RD_base control registers, SGI_base frame with
 * the SGI (INTID 0-15) and PPI (INTID 16-31) state of each CPU, GICR_WAKER
 * power handshake. LPI registers of RD_base are forwarded to lpi.c.
 * Single security state (GICD_CTLR.DS = 1): IGRPMODR0/NSACR are RAZ/WI. */
#include "redist.h"

#include "cpuif.h"
#include "dist.h"
#include "intid_regs.h"
#include "lpi.h"

#include <stdlib.h>
#include <string.h>

#define WAKER_PSLEEP 0x2u
#define WAKER_CASLEEP 0x4u
#define CTLR_DPG0 (1u << 24)
#define CTLR_DPG1NS (1u << 25)

struct gic_redist {
    gic_intid_block_t ib; /* first: the per-INTID register handlers see the SGI_base frame through it */
    uint32_t cpu;
    uint32_t dpg;    /* GICR_CTLR.DPG0 | DPG1NS (DPG1S is RAZ/WI with DS = 1) */
    bool asleep;     /* GICR_WAKER.ProcessorSleep */
    gic_time_t t_fwd; /* forwarding to the CPU interface resumes (after wake-up) */
    /* Interrupts that are enabled, pending and not active (bit i = INTID i),
     * recomputed lazily after any state change (dirty). Beside asleep and
     * t_fwd: an HPPI evaluation reads these on one host cache line. */
    uint32_t cand;
    bool dirty;
    gic_irq_t irq[32];
};

static struct gic_redist *rd_of(const gic_t *g, uint32_t cpu) { return &g->redist[cpu]; }
/* Every write access to an interrupt's state goes through here: it marks the
 * candidate mask and the CPU's cached HPPI (cpuif.c) for recomputation. The
 * returned pointer is not kept across an evaluation. */
static gic_irq_t *irq_mut(gic_t *g, struct gic_redist *r, uint32_t intid)
{
    r->dirty = true;
    gic_hppi_changed(g, r->cpu);
    return &r->irq[intid];
}

static const gic_intid_ops_t redist_intid_ops;

struct gic_redist *redist_create(gic_t *g)
{
    struct gic_redist *r = host_arena_calloc(&g->arena, g->cfg.num_cpus, sizeof(*r));
    if (!r) return NULL;
    for (uint32_t c = 0; c < g->cfg.num_cpus; c++) {
        r[c].ib.ops = &redist_intid_ops;
        r[c].cpu = c;
        /* Reset: ProcessorSleep = 1, ChildrenAsleep = 1 (as on hardware). */
        r[c].asleep = true;
        r[c].dirty = true;
        for (unsigned i = 0; i < 16; i++) r[c].irq[i].edge = true; /* SGIs are edge-triggered */
    }
    return r;
}

void *redist_blk(gic_t *g, uint32_t cpu) { return &g->redist[cpu]; }
uint32_t redist_cpu_of(const void *blk) { return ((const struct gic_redist *)blk)->cpu; }

bool redist_asleep(const gic_t *g, uint32_t cpu) { return rd_of(g, cpu)->asleep; }

gic_time_t redist_forward_from(const gic_t *g, uint32_t cpu) { return rd_of(g, cpu)->t_fwd; }

gic_time_t redist_forward_time(const gic_t *g, uint32_t cpu)
{
    const struct gic_redist *r = rd_of(g, cpu);
    return r->asleep ? UINT64_MAX : r->t_fwd;
}

bool redist_dpg(const gic_t *g, uint32_t cpu, unsigned group)
{
    return (rd_of(g, cpu)->dpg & (group ? CTLR_DPG1NS : CTLR_DPG0)) != 0;
}

static uint64_t lat_local(const gic_t *g) /* redistributor -> CPU pin, cycles */
{
    return (uint64_t)g->cfg.lat_redist_to_cpu + g->cfg.lat_cpu_signal;
}

/* Apply the consequences of a state change of irq intid of cpu. */
static void irq_changed(gic_t *g, uint32_t cpu, uint32_t intid, bool was, gic_time_t t_src,
                        gic_time_t t_vis)
{
    gic_irq_t *s = irq_mut(g, rd_of(g, cpu), intid);
    bool now_p = gic_irq_pending(s);
    if (now_p && !was) {
        s->t_pend = t_src;
        s->t_vis = t_vis;
        s->repend = false;
        gic_cpu_update_at(g, cpu, t_vis);
    } else if (!now_p && was) {
        cpuif_update(g, cpu);
    }
}

void redist_set_ppi_line(gic_t *g, uint32_t cpu, uint32_t intid, bool level)
{
    if (cpu >= g->cfg.num_cpus || intid < 16 || intid >= 32) return;
    gic_irq_t *s = irq_mut(g, rd_of(g, cpu), intid);
    bool was = gic_irq_pending(s);
    if (s->edge && level && !s->line) s->latch = true; /* rising edge */
    s->line = level;
    irq_changed(g, cpu, intid, was, g->now,
                g->now + gic_cycles(g, (uint64_t)g->cfg.lat_spi_input + lat_local(g)));
}

/* SGI forwarding with GICD_CTLR.DS = 1 (IHI0069 "Forwarding an SGI to a
 * target PE"): ICC_SGI0R_EL1 and ICC_ASGI1R_EL1 (no other Security state
 * exists) only set SGIs configured as Group 0 at the target; ICC_SGI1R_EL1
 * sets the SGI whatever group the target configured. Otherwise the SGI is
 * not forwarded (counted as errors.sgi_group_mismatch). */
static void sgi_arrive(gic_t *g, uint32_t target, uint32_t intid, unsigned group, gic_time_t t_src)
{
    if (target >= g->cfg.num_cpus || intid >= 16) return;
    gic_irq_t *s = irq_mut(g, rd_of(g, target), intid);
    if (group == 0 && s->group != 0) {
        gic_error(g, "sgi_group_mismatch", "GICR",
                  "SGI %u from ICC_SGI0R/ASGI1R to CPU %u, configured as Group 1: not forwarded",
                  intid, target);
        return;
    }
    bool was = gic_irq_pending(s);
    s->latch = true;
    irq_changed(g, target, intid, was, t_src, g->now + gic_cycles(g, lat_local(g)));
}

void redist_sgi_arrive(gic_t *g, uint32_t target, uint32_t intid, unsigned group)
{
    sgi_arrive(g, target, intid, group, g->now);
}

static void ev_sgi(gic_t *g, const gic_event_t *ev)
{
    sgi_arrive(g, ev->a, ev->b & 0xff, (unsigned)(ev->b >> 8), ev->c);
}

void redist_sgi_send(gic_t *g, uint32_t target, uint32_t intid, unsigned group)
{
    gic_schedule(g, g->now + gic_cycles(g, g->cfg.lat_sgi), ev_sgi, target,
                 (intid & 0xff) | (group << 8), g->now, 0);
}

void redist_hppi(gic_t *g, uint32_t cpu, const bool en[2], gic_cand_t *out, gic_time_t *until)
{
    cand_none(out);
    struct gic_redist *r = rd_of(g, cpu);
    if (r->dirty) {
        uint32_t m = 0;
        for (uint32_t i = 0; i < 32; i++) {
            const gic_irq_t *s = &r->irq[i];
            if (s->enabled && !s->active && gic_irq_pending(s)) m |= 1u << i;
        }
        r->cand = m;
        r->dirty = false;
    }
    for (uint32_t bits = r->cand; bits; bits &= bits - 1) {
        uint32_t i = (uint32_t)__builtin_ctz(bits);
        const gic_irq_t *s = &r->irq[i];
        if (!en[s->group]) continue;
        if (s->t_vis > g->now) {
            if (s->t_vis < *until) *until = s->t_vis;
            continue;
        }
        gic_cand_t c = {i, s->prio, s->group};
        if (cand_better(&c, out)) *out = c;
    }
}

gic_time_t redist_pending_time(const gic_t *g, uint32_t cpu, uint32_t intid)
{
    return intid < 32 ? rd_of(g, cpu)->irq[intid].t_pend : g->now;
}

gic_time_t redist_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (intid >= 32) return g->now;
    gic_irq_t *s = irq_mut(g, rd_of(g, cpu), intid);
    gic_time_t t = s->t_pend;
    s->active = true;
    s->latch = false;
    s->repend = gic_irq_pending(s); /* level PPI still asserted: active and pending */
    return t;
}

static bool deactivate(gic_t *g, uint32_t cpu, uint32_t intid)
{
    gic_irq_t *s = irq_mut(g, rd_of(g, cpu), intid);
    if (!s->active) return false;
    s->active = false;
    if (intid >= 16) gic_emit_deactivate(g, cpu, intid);
    if (gic_irq_pending(s)) {
        if (s->repend) s->t_pend = g->now;
        gic_time_t tv = g->now + gic_cycles(g, lat_local(g));
        if (s->t_vis < tv) s->t_vis = tv;
        gic_cpu_update_at(g, cpu, s->t_vis);
    }
    s->repend = false;
    return true;
}

bool redist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (intid >= 32) return false;
    return deactivate(g, cpu, intid);
}

uint8_t redist_priority(const gic_t *g, uint32_t cpu, uint32_t intid)
{
    return intid < 32 ? rd_of(g, cpu)->irq[intid].prio : 0xff;
}

unsigned redist_group(const gic_t *g, uint32_t cpu, uint32_t intid)
{
    return intid < 32 ? rd_of(g, cpu)->irq[intid].group : 1;
}

/* ---- RD_base registers -------------------------------------------------- */

#define BLK(b) ((struct gic_redist *)(b))

static uint64_t rd_ctlr(gic_t *g, void *b, unsigned n)
{
    (void)n;
    struct gic_redist *r = BLK(b);
    /* EnableLPIs and RWP come from the LPI block; UWP (bit 31) reads 0.
     * CES [1] whenever LPIs are implemented: EnableLPIs can be cleared once
     * set (the model writes the pending state back), in every version; IHI0069
     * GICR_CTLR.CES deprecates a programmable EnableLPIs reported with CES 0.
     * GICv4.1: IR [2] (GICR_INVLPIR, GICR_INVALLR and GICR_SYNCR are
     * implemented, with their virtual forms). */
    uint64_t ces = g->cfg.lpi_id_bits ? 1u << 1 : 0;
    uint64_t ir = g->cfg.gicv4_1 ? 1u << 2 : 0;
    return (lpi_ctlr_bits(g, r->cpu) & 0x9u) | r->dpg | ces | ir;
}

static void wr_ctlr(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    struct gic_redist *r = BLK(b);
    uint64_t nv = (rd_ctlr(g, b, n) & ~m) | (v & m);
    lpi_ctlr_write(g, r->cpu, nv);
    uint32_t dpg = (uint32_t)nv & (CTLR_DPG0 | CTLR_DPG1NS);
    if (dpg != r->dpg) {
        r->dpg = dpg;
        dist_cpu_changed(g, r->cpu);
        cpuif_update(g, r->cpu);
    }
}

static uint64_t rd_iidr(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return GICTLM_IIDR; }

static uint64_t rd_typer(gic_t *g, void *b, unsigned n)
{
    (void)n;
    uint32_t cpu = BLK(b)->cpu;
    uint64_t v = (uint64_t)(g->cfg.lpi_id_bits != 0) /* PLPIS */ |
                 ((uint64_t)(g->cfg.gic_version >= 4 && g->cfg.lpi_id_bits != 0) << 1) /* VLPIS */ |
                 /* DirectLPI: IHI0069, 1 = supports direct injection of LPIs (GICR_SETLPIR, ...):
                  * only with LPIs (PLPIS) */
                 ((uint64_t)(g->cfg.lpi_id_bits != 0) << 3) |
                 /* GICv4.1: Dirty [2] (GICR_VPENDBASER.Dirty), RVPEID [7] (GICR_VPENDBASER names the
                  * vPE by vPEID), VSGI [26] (direct injection of vSGIs: GICR_VSGIR/VSGIPENDR);
                  * CommonLPIAff [25:24] = 0: every redistributor shares the vPE table */
                 (g->cfg.gicv4_1 ? (1ull << 2) | (1ull << 7) | (1ull << 26) : 0) |
                 (1ull << 5) /* DPGS */ | ((uint64_t)(cpu & 0xffff) << 8) /* Processor_Number */;
    if (cpu == g->cfg.num_cpus - 1) v |= 1ull << 4; /* Last */
    v |= (uint64_t)gic_cpu_affinity(g, cpu) << 32;
    return v;
}

static uint64_t rd_waker(gic_t *g, void *b, unsigned n)
{
    (void)g; (void)n;
    /* ChildrenAsleep mirrors ProcessorSleep: the model has no wake-up delay. */
    return BLK(b)->asleep ? (WAKER_PSLEEP | WAKER_CASLEEP) : 0;
}

static void wr_waker(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    struct gic_redist *r = BLK(b);
    uint64_t nv = (rd_waker(g, b, n) & ~m) | (v & m);
    bool sleep = (nv & WAKER_PSLEEP) != 0;
    if (sleep == r->asleep) return;
    r->asleep = sleep;
    if (!sleep) {
        /* Waking up: everything held for this CPU is forwarded from now. */
        r->t_fwd = g->now + gic_cycles(g, lat_local(g));
        gic_cpu_update_at(g, r->cpu, r->t_fwd);
    }
    dist_cpu_changed(g, r->cpu);
    cpuif_update(g, r->cpu);
    /* GICv4: the resident vPE's vLPIs (and vSGIs) are held and released with the rest */
    if (g->cfg.gic_version >= 4) virt_update_at(g, r->cpu, sleep ? g->now : r->t_fwd);
}

#define LPI_FWD(name, off)                                                                         \
    static uint64_t rd_##name(gic_t *g, void *b, unsigned n)                                        \
    {                                                                                              \
        (void)n;                                                                                   \
        return lpi_reg_read(g, BLK(b)->cpu, off);                                                  \
    }                                                                                              \
    static void wr_##name(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)                    \
    {                                                                                              \
        (void)n;                                                                                   \
        lpi_reg_write(g, BLK(b)->cpu, off, v, m);                                                  \
    }
LPI_FWD(setlpir, 0x40)
LPI_FWD(clrlpir, 0x48)
LPI_FWD(propbaser, 0x70)
LPI_FWD(pendbaser, 0x78)
LPI_FWD(invlpir, 0xa0)
LPI_FWD(invallr, 0xb0)
LPI_FWD(syncr, 0xc0)

#define R(off, cnt, w, fl, nm, rs, rd, wr) {off, cnt, w, fl, nm, rs, rd, wr}
static const gic_reg_t rd_regs[] = {
    R(0x0000, 1, 4, 0, "GICR_CTLR", 0, rd_ctlr, wr_ctlr),
    R(0x0004, 1, 4, REG_F_RO, "GICR_IIDR", GICTLM_IIDR, rd_iidr, NULL),
    R(0x0008, 1, 8, REG_F_RO, "GICR_TYPER", 0, rd_typer, NULL),
    R(0x0010, 1, 4, 0, "GICR_STATUSR", 0, NULL, NULL),
    R(0x0014, 1, 4, 0, "GICR_WAKER", 0x6, rd_waker, wr_waker),
    R(0x0040, 1, 8, REG_F_WO, "GICR_SETLPIR", 0, rd_setlpir, wr_setlpir),
    /* CLRLPIR, INVLPIR, INVALLR act on this redistributor's physical LPIs
     * (or, GICv4.1 V = 1, on the vPE resident here): what only this CPU's
     * interfaces see; the handlers mark them (lpi_regs.c). */
    R(0x0048, 1, 8, REG_F_WO | REG_F_HPPI_OWN, "GICR_CLRLPIR", 0, rd_clrlpir, wr_clrlpir),
    R(0x0070, 1, 8, 0, "GICR_PROPBASER", 0, rd_propbaser, wr_propbaser),
    R(0x0078, 1, 8, 0, "GICR_PENDBASER", 0, rd_pendbaser, wr_pendbaser),
    R(0x00a0, 1, 8, REG_F_WO | REG_F_HPPI_OWN, "GICR_INVLPIR", 0, rd_invlpir, wr_invlpir),
    R(0x00b0, 1, 8, REG_F_WO | REG_F_HPPI_OWN, "GICR_INVALLR", 0, rd_invallr, wr_invallr),
    R(0x00c0, 1, 4, REG_F_RO, "GICR_SYNCR", 0, rd_syncr, wr_syncr),
    GIC_ID_REG_ROWS("GICR"),
};
const gic_regmap_t redist_rd_regmap = {"GICR_RD", rd_regs, sizeof(rd_regs) / sizeof(rd_regs[0]),
                                       0x10000};

/* ---- SGI_base registers ----------------------------------------------- */

/* Per-INTID registers (intid_regs.c) for INTIDs 0-31 of this CPU: a change
 * marks the CPU (irq_mut) and is forwarded locally (lat_local); every write
 * except ICFGR re-evaluates this CPU. */
static gic_irq_t *sgi_ppi_at(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool write)
{
    struct gic_redist *r = BLK(b);
    if (intid >= 32) return NULL;
    return write ? irq_mut(g, r, intid) : &r->irq[intid];
}

static void sgi_ppi_pending_changed(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool was)
{
    irq_changed(g, BLK(b)->cpu, intid, was, g->now, g->now + gic_cycles(g, lat_local(g)));
}

static void sgi_ppi_forward_now(gic_t *g, gic_intid_block_t *b, uint32_t intid)
{
    struct gic_redist *r = BLK(b);
    gic_irq_t *s = &r->irq[intid];
    gic_time_t tv = g->now + gic_cycles(g, lat_local(g));
    if (s->t_vis < tv) s->t_vis = tv;
    gic_cpu_update_at(g, r->cpu, s->t_vis);
}

static void sgi_ppi_deactivate(gic_t *g, gic_intid_block_t *b, uint32_t intid)
{
    deactivate(g, BLK(b)->cpu, intid);
}

static void sgi_ppi_written(gic_t *g, gic_intid_block_t *b, gic_intid_reg_t reg, bool touched)
{
    (void)touched;
    if (reg != GIC_IR_ICFGR) cpuif_update(g, BLK(b)->cpu); /* ICFGR: irq_changed did it */
}

static const gic_intid_ops_t redist_intid_ops = {sgi_ppi_at, sgi_ppi_pending_changed,
                                                 sgi_ppi_forward_now, sgi_ppi_deactivate,
                                                 sgi_ppi_written};

/* GICR_ICFGR0: SGIs are always edge-triggered (RAO/WI Int_config fields: no
 * write handler). GICR_ICFGR1: PPIs 16..31 (ICFGR register 1 of the frame). */
static uint64_t rd_icfgr1(gic_t *g, void *b, unsigned n) { (void)n; return intid_rd_icfgr(g, b, 1); }
static void wr_icfgr1(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    (void)n;
    intid_wr_icfgr(g, b, 1, v, m);
}

static const gic_reg_t sgi_regs[] = {
    R(0x0080, 1, 4, 0, "GICR_IGROUPR0", 0, intid_rd_igroupr, intid_wr_igroupr),
    R(0x0100, 1, 4, 0, "GICR_ISENABLER0", 0, intid_rd_enabler, intid_wr_isenabler),
    R(0x0180, 1, 4, 0, "GICR_ICENABLER0", 0, intid_rd_enabler, intid_wr_icenabler),
    R(0x0200, 1, 4, 0, "GICR_ISPENDR0", 0, intid_rd_pendr, intid_wr_ispendr),
    R(0x0280, 1, 4, 0, "GICR_ICPENDR0", 0, intid_rd_pendr, intid_wr_icpendr),
    R(0x0300, 1, 4, 0, "GICR_ISACTIVER0", 0, intid_rd_activer, intid_wr_isactiver),
    R(0x0380, 1, 4, 0, "GICR_ICACTIVER0", 0, intid_rd_activer, intid_wr_icactiver),
    R(0x0400, 8, 4, REG_F_BYTE, "GICR_IPRIORITYR", 0, intid_rd_ipriorityr, intid_wr_ipriorityr),
    R(0x0c00, 1, 4, 0, "GICR_ICFGR0", 0xaaaaaaaa, intid_rd_icfgr, NULL),
    R(0x0c04, 1, 4, 0, "GICR_ICFGR1", 0, rd_icfgr1, wr_icfgr1),
    R(0x0d00, 1, 4, 0, "GICR_IGRPMODR0", 0, NULL, NULL),
    R(0x0e00, 1, 4, 0, "GICR_NSACR", 0, NULL, NULL),
};
const gic_regmap_t redist_sgi_regmap = {"GICR_SGI", sgi_regs, sizeof(sgi_regs) / sizeof(sgi_regs[0]),
                                        0x10000};

/* GICv4: the fourth 64 KiB frame of a redistributor is reserved: RAZ/WI. */
const gic_regmap_t redist_reserved_regmap = {"GICR_RESERVED", NULL, 0, 0x10000};
