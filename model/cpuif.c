/* Physical CPU interface (ICC_*_EL1), system register access.
 *
 * Priority model (IHI0069 "Interrupt prioritization", "Preemption" and the
 * ICC_* pseudocode):
 *  - pri_bits implemented priority bits (5..8), upper bits of the 8-bit field;
 *  - preemption bits prebits = min(pri_bits, 7), so 2^prebits active-priority
 *    bits held in 2^(prebits-5) ICC_AP0R/AP1R registers per group;
 *  - minimum BPR0 = 7 - prebits, minimum BPR1 = minimum BPR0 + 1;
 *  - group priority of a Group 1 interrupt uses BPR1 - 1 (or BPR0 when
 *    ICC_CTLR_EL1.CBPR = 1), of a Group 0 interrupt BPR0:
 *    mask = Ones(7 - bpr) : Zeros(bpr + 1);
 *  - running priority = group priority of the lowest set active-priority bit
 *    over both groups (0xFF when idle); ICC_RPR_EL1 returns it.
 * An interrupt is signalled (group 0 -> FIQ, group 1 -> IRQ; DS = 1) when it
 * is the highest-priority pending interrupt forwarded to this CPU, its
 * priority is below ICC_PMR_EL1 and its group priority below the running
 * priority. See docs/interrupt-delivery.md. */
#include "cpuif.h"

#include "dist.h"
#include "lpi.h"
#include "redist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { T_SGI, T_PPI, T_SPI, T_LPI, T_N };
static const char *const type_name[T_N] = {"sgi", "ppi", "spi", "lpi"};

typedef struct cpu_stats {
    uint64_t *delivered[T_N];
    uint64_t *spurious;
    gic_hist_t *line_to_iar[T_N];
    gic_hist_t *line_to_signal[T_N];
    gic_hist_t *iar_to_eoi;
} cpu_stats_t;

struct gic_cpuif {
    uint32_t cpu;
    uint8_t pmr;
    uint8_t bpr0, bpr1;
    bool cbpr, eoimode;
    bool igrpen[2];
    bool line[2]; /* [0] IRQ, [1] FIQ */
    uint32_t apr[2][4];
    /* Highest active priority (lowest set APR bit over both groups), kept up
     * to date by apr_changed() at every change of apr: index, -1 when idle,
     * and its group. Read on every signalling decision. */
    int ha_idx;
    uint8_t ha_grp;
    gic_time_t t_iar[2][128]; /* IAR time per active priority level, per group */
    cpu_stats_t st;
    /* HPPI cache: the last hppi() answer, valid while this CPU's bit in
     * g->hppi_stale is clear and g->now < hp_until (see "HPPI cache"). */
    gic_cand_t hp;
    gic_time_t hp_until;
};

static unsigned prebits(const gic_t *g) { return g->cfg.pri_bits > 7 ? 7 : g->cfg.pri_bits; }
static unsigned napr(const gic_t *g) { return 1u << (prebits(g) - 5); }
static uint8_t bpr0_min(const gic_t *g) { return (uint8_t)(7 - prebits(g)); }

static struct gic_cpuif *ci(const gic_t *g, uint32_t cpu) { return &g->cpuif[cpu]; }

static unsigned intid_type(uint32_t intid)
{
    return intid < 16 ? T_SGI : intid < 32 ? T_PPI : intid < 1020 ? T_SPI : T_LPI;
}

struct gic_cpuif *cpuif_create(gic_t *g)
{
    struct gic_cpuif *c = calloc(g->cfg.num_cpus, sizeof(*c));
    if (!c) return NULL;
    cpu_stats_t st;
    memset(&st, 0, sizeof(st));
    for (unsigned t = 0; t < T_N; t++) {
        st.delivered[t] = gic_counter(g, "irq.delivered.%s", type_name[t]);
        st.line_to_iar[t] = gic_hist(g, "ps", "latency.line_to_iar.%s", type_name[t]);
        st.line_to_signal[t] = gic_hist(g, "ps", "latency.line_to_signal.%s", type_name[t]);
    }
    st.spurious = gic_counter(g, "irq.spurious");
    st.iar_to_eoi = gic_hist(g, "ps", "latency.iar_to_eoi");
    for (uint32_t i = 0; i < g->cfg.num_cpus; i++) {
        c[i].cpu = i;
        c[i].pmr = 0;
        c[i].bpr0 = bpr0_min(g);
        c[i].bpr1 = (uint8_t)(bpr0_min(g) + 1);
        c[i].st = st;
        c[i].ha_idx = -1;
    }
    return c;
}

void cpuif_destroy(gic_t *g, struct gic_cpuif *c) { (void)g; free(c); }

bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group)
{
    return ci(g, cpu)->igrpen[group ? 1 : 0];
}

static uint8_t group_mask(const struct gic_cpuif *c, unsigned group)
{
    unsigned bpr = (group && !c->cbpr) ? (unsigned)c->bpr1 - 1 : c->bpr0;
    return (uint8_t)(0xffu << (bpr + 1));
}

/* Recompute the highest active priority after a change of c->apr: the
 * lowest set active-priority bit over both groups (-1 when idle). */
static void apr_changed(const gic_t *g, struct gic_cpuif *c)
{
    c->ha_idx = -1;
    c->ha_grp = 0;
    for (unsigned w = 0; w < napr(g); w++) {
        uint32_t a0 = c->apr[0][w], a1 = c->apr[1][w];
        if (!(a0 | a1)) continue;
        unsigned b0 = a0 ? (unsigned)__builtin_ctz(a0) : 32, b1 = a1 ? (unsigned)__builtin_ctz(a1) : 32;
        c->ha_grp = b0 <= b1 ? 0 : 1;
        c->ha_idx = (int)(w * 32 + (b0 <= b1 ? b0 : b1));
        return;
    }
}

/* Lowest set active-priority bit over both groups; -1 when idle. */
static int highest_active(const struct gic_cpuif *c, unsigned *grp)
{
    if (grp) *grp = c->ha_grp;
    return c->ha_idx;
}

static unsigned running_priority(const gic_t *g, const struct gic_cpuif *c)
{
    int idx = c->ha_idx;
    return idx < 0 ? 0xffu : (unsigned)idx << (8 - prebits(g));
}

static bool can_signal(const gic_t *g, const struct gic_cpuif *c, uint8_t prio, unsigned group)
{
    return c->igrpen[group] && prio < c->pmr && (unsigned)(prio & group_mask(c, group)) < running_priority(g, c);
}

bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group)
{
    return can_signal(g, ci(g, cpu), prio, group ? 1 : 0);
}

/* ---- HPPI cache ---------------------------------------------------------
 * The highest-priority pending interrupt (HPPI) forwarded to a CPU interface
 * is a function of the distributor, redistributor and LPI state, of the group
 * enables (GICD_CTLR, ICC_IGRPEN<n>_EL1) and of time (an interrupt is seen
 * from its visibility time t_vis on; LPIs also wait for a scan gate; a
 * redistributor forwards nothing before its wake-up time). It does not depend
 * on ICC_PMR_EL1, the BPRs or the active priorities (those only decide whether
 * it is signalled: can_signal).
 *
 * Each CPU interface keeps its last answer. It is reused while
 *  - no state it depends on changed: every such change marks the CPUs it
 *    affects in g->hppi_stale (gic_hppi_changed*: register writes in
 *    regmap_access, SPI changes in dist.c, SGI/PPI changes in redist.c
 *    irq_mut, LPI changes in the lpi.h entry points, ICC_IGRPEN writes here,
 *    gic_cpu_update_at); and
 *  - time has not reached hp_until, the earliest time at which a candidate
 *    excluded only because it was not visible yet becomes visible (or the
 *    scan gate / wake-up time ends). Visibility only ever turns on as time
 *    advances, so before hp_until the answer is unchanged.
 * cpuif_update() (called by the blocks right after a change) always
 * recomputes; cpuif_refresh() (update events) and the ICC_* accesses use the
 * cache. Build with -DGICTLM_CHECK_HPPI_CACHE to recompute on every use and
 * abort on a difference (used to validate the invalidation rules). */
static gic_time_t hppi_compute(gic_t *g, uint32_t cpu, gic_cand_t *out)
{
    cand_none(out);
    /* asleep: UINT64_MAX (waking up is a register write: marks the CPU) */
    gic_time_t t_fwd = redist_forward_time(g, cpu);
    if (g->now < t_fwd) return t_fwd;
    gic_time_t until = UINT64_MAX;
    const struct gic_cpuif *ic = ci(g, cpu);
    unsigned dg = dist_group_enables(g);
    bool en[2] = {(dg & 1) && ic->igrpen[0], (dg & 2) && ic->igrpen[1]};
    gic_cand_t c;
    redist_hppi(g, cpu, en, &c, &until);
    if (cand_better(&c, out)) *out = c;
    dist_hppi(g, cpu, en, &c, &until);
    if (cand_better(&c, out)) *out = c;
    if (g->cfg.lpi_id_bits) {
        /* called whatever the enables: it also runs pending-table rescans */
        lpi_hppi_until(g, cpu, &c, &until);
        /* LPIs are Group 1; gated by GICD_CTLR.EnableGrp1 and ICC_IGRPEN1_EL1. */
        if (c.intid != GIC_SPURIOUS && en[c.group] && cand_better(&c, out)) *out = c;
    }
    return until;
}

/* Recompute the cached HPPI of c (out of line: the cached answer is the
 * common case and its callers stay small). */
__attribute__((noinline)) static void hppi_recompute(gic_t *g, struct gic_cpuif *c)
{
    g->hppi_stale &= ~((uint64_t)1 << c->cpu);
    c->hp_until = hppi_compute(g, c->cpu, &c->hp);
}

/* Highest-priority pending interrupt forwarded to this CPU interface now. */
static inline void hppi(gic_t *g, uint32_t cpu, gic_cand_t *out)
{
    struct gic_cpuif *c = ci(g, cpu);
    uint64_t bit = (uint64_t)1 << cpu;
    if (!(g->hppi_stale & bit) && g->now < c->hp_until) {
#ifdef GICTLM_CHECK_HPPI_CACHE
        gic_cand_t f;
        hppi_compute(g, cpu, &f);
        if (f.intid != c->hp.intid || f.prio != c->hp.prio || f.group != c->hp.group) {
            fprintf(stderr, "gictlm: HPPI cache of CPU %u stale at %llu ps: cached %u, actual %u\n",
                    cpu, (unsigned long long)g->now, c->hp.intid, f.intid);
            abort();
        }
#endif
        *out = c->hp;
        return;
    }
    hppi_recompute(g, c);
    *out = c->hp;
}

static gic_time_t pending_time(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (intid < 32) return redist_pending_time(g, cpu, intid);
    if (intid < 1020) return dist_pending_time(g, intid);
    return lpi_pending_time(g, cpu, intid); /* MSI arrival (or GICR_SETLPIR write) */
}

static void set_line(gic_t *g, struct gic_cpuif *c, unsigned line, bool level)
{
    if (c->line[line] == level) return;
    c->line[line] = level;
    gic_output_t o;
    memset(&o, 0, sizeof(o));
    o.kind = GIC_OUT_LINE;
    o.time = g->now;
    o.cpu = c->cpu;
    o.line = line ? GIC_LINE_FIQ : GIC_LINE_IRQ;
    o.level = level;
    gic_emit(g, &o);
    if (gic_log_on(g, GIC_LOG_DEBUG))
        gic_log(g, GIC_LOG_DEBUG, "ICC", "CPU %u %s -> %u", c->cpu, line ? "FIQ" : "IRQ", level);
}

void cpuif_update(gic_t *g, uint32_t cpu)
{
    gic_hppi_changed(g, cpu);
    cpuif_refresh(g, cpu);
}

void cpuif_refresh(gic_t *g, uint32_t cpu)
{
    struct gic_cpuif *c = ci(g, cpu);
    gic_cand_t h;
    hppi(g, cpu, &h);
    bool sig = h.intid != GIC_SPURIOUS && can_signal(g, c, h.prio, h.group);
    bool irq = sig && h.group == 1, fiq = sig && h.group == 0;
    bool rise = (irq && !c->line[0]) || (fiq && !c->line[1]);
    set_line(g, c, 0, irq);
    set_line(g, c, 1, fiq);
    if (rise) {
        unsigned t = intid_type(h.intid);
        gic_time_t t0 = pending_time(g, cpu, h.intid);
        hist_add(c->st.line_to_signal[t], g->now >= t0 ? g->now - t0 : 0);
    }
}

/* ---- acknowledge, EOI, deactivate --------------------------------------- */

static uint64_t do_iar(gic_t *g, struct gic_cpuif *c, unsigned group)
{
    gic_cand_t h;
    hppi(g, c->cpu, &h);
    /* IAR0 returns 1023 when the HPPI is Group 1, IAR1 when it is Group 0; both
     * when nothing is signalled (priority mask, running priority). With DS = 1
     * the special INTIDs 1020..1022 are never returned. */
    if (h.intid == GIC_SPURIOUS || h.group != group || !can_signal(g, c, h.prio, group)) {
        gic_inc(c->st.spurious);
        return GIC_SPURIOUS;
    }
    unsigned idx = (unsigned)(h.prio & group_mask(c, group)) >> (8 - prebits(g));
    c->apr[group][idx / 32] |= 1u << (idx % 32);
    apr_changed(g, c);
    c->t_iar[group][idx] = g->now;
    gic_time_t t0;
    unsigned t = intid_type(h.intid);
    if (t == T_SGI || t == T_PPI) t0 = redist_ack(g, c->cpu, h.intid);
    else if (t == T_SPI) t0 = dist_ack(g, c->cpu, h.intid);
    else t0 = lpi_ack(g, c->cpu, h.intid);
    gic_inc(c->st.delivered[t]);
    hist_add(c->st.line_to_iar[t], g->now >= t0 ? g->now - t0 : 0);
    cpuif_update(g, c->cpu);
    return h.intid;
}

static void deactivate(gic_t *g, struct gic_cpuif *c, uint32_t intid, const char *via)
{
    bool ok;
    if (intid < 32) ok = redist_deactivate(g, c->cpu, intid);
    else if (dist_spi_valid(g, intid)) ok = dist_deactivate(g, c->cpu, intid);
    else if (intid >= GIC_LPI_BASE) return; /* LPIs have no active state */
    else {
        gic_error(g, "deactivate_bad_intid", "ICC", "%s on CPU %u: INTID %u is not implemented", via,
                  c->cpu, intid);
        return;
    }
    /* IHI0069: deactivating an interrupt that is not active is UNPREDICTABLE;
     * the model ignores it, counts and logs it. */
    if (!ok)
        gic_error(g, "deactivate_not_active", "ICC", "%s on CPU %u: INTID %u is not active", via,
                  c->cpu, intid);
}

static void do_eoi(gic_t *g, struct gic_cpuif *c, unsigned group, uint64_t v)
{
    uint32_t intid = (uint32_t)(v & 0xffffff);
    const char *via = group ? "ICC_EOIR1_EL1" : "ICC_EOIR0_EL1";
    if (intid >= 1020 && intid <= 1023) return; /* special INTIDs: write ignored (IHI0069) */
    unsigned ag = 0;
    int idx = highest_active(c, &ag);
    if (idx < 0) {
        gic_error(g, "eoi_no_active", "ICC", "%s(%u) on CPU %u with no active priority: ignored", via,
                  intid, c->cpu);
        return;
    }
    if (ag != group) {
        /* Highest active priority belongs to the other group: UNPREDICTABLE,
         * the model ignores the write (no drop, no deactivation). */
        gic_error(g, "eoi_wrong_group", "ICC",
                  "%s(%u) on CPU %u but the highest active priority is Group %u: ignored", via,
                  intid, c->cpu, ag);
        return;
    }
    /* Priority drop: clear the highest active priority bit. */
    c->apr[group][idx / 32] &= ~(1u << (idx % 32));
    apr_changed(g, c);
    hist_add(c->st.iar_to_eoi, g->now - c->t_iar[group][idx]);
    if (!c->eoimode) deactivate(g, c, intid, via);
    cpuif_refresh(g, c->cpu); /* no HPPI state changed here (deactivation marks its own) */
}

static void do_dir(gic_t *g, struct gic_cpuif *c, uint64_t v)
{
    uint32_t intid = (uint32_t)(v & 0xffffff);
    if (intid >= 1020 && intid <= 1023) return;
    if (!c->eoimode) {
        /* ICC_DIR_EL1 with EOImode = 0 is UNPREDICTABLE: ignored, counted. */
        gic_error(g, "dir_eoimode0", "ICC", "ICC_DIR_EL1(%u) on CPU %u with EOImode = 0: ignored",
                  intid, c->cpu);
        return;
    }
    deactivate(g, c, intid, "ICC_DIR_EL1");
    cpuif_refresh(g, c->cpu); /* no HPPI state changed here (deactivation marks its own) */
}

/* ICC_SGI0R/SGI1R/ASGI1R: TargetList [15:0], Aff1 [23:16], INTID [27:24],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. IRM = 1: every PE but
 * the originating one. Target affinities naming no CPU are ignored (counted). */
static void do_sgi(gic_t *g, struct gic_cpuif *c, unsigned group, uint64_t v)
{
    uint32_t intid = (uint32_t)(v >> 24) & 0xf;
    if (v >> 40 & 1) {
        for (uint32_t t = 0; t < g->cfg.num_cpus; t++)
            if (t != c->cpu) redist_sgi_send(g, t, intid, group);
        return;
    }
    uint32_t tl = (uint32_t)v & 0xffff;
    uint32_t aff1 = (uint32_t)(v >> 16) & 0xff, aff2 = (uint32_t)(v >> 32) & 0xff;
    uint32_t aff3 = (uint32_t)(v >> 48) & 0xff, rs = (uint32_t)(v >> 44) & 0xf;
    while (tl) {
        unsigned b = (unsigned)__builtin_ctz(tl);
        tl &= tl - 1;
        uint32_t aff = aff3 << 24 | aff2 << 16 | aff1 << 8 | (rs * 16 + b);
        int t = gic_cpu_by_affinity(g, aff);
        if (t < 0) {
            gic_error(g, "sgi_no_target", "ICC", "SGI %u from CPU %u to affinity 0x%08x: no such CPU",
                      intid, c->cpu, aff);
            continue;
        }
        redist_sgi_send(g, (uint32_t)t, intid, group);
    }
}

/* ---- system register table ---------------------------------------------- */

typedef uint64_t (*sr_rd_fn)(gic_t *g, struct gic_cpuif *c, unsigned arg);
typedef void (*sr_wr_fn)(gic_t *g, struct gic_cpuif *c, unsigned arg, uint64_t v);

static uint64_t r_iar(gic_t *g, struct gic_cpuif *c, unsigned a) { return do_iar(g, c, a); }
static void w_eoir(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v) { do_eoi(g, c, a, v); }
static void w_dir(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v) { (void)a; do_dir(g, c, v); }

static uint64_t r_hppir(gic_t *g, struct gic_cpuif *c, unsigned a)
{
    gic_cand_t h;
    hppi(g, c->cpu, &h);
    return h.intid != GIC_SPURIOUS && h.group == a ? h.intid : GIC_SPURIOUS;
}

static uint64_t r_bpr(gic_t *g, struct gic_cpuif *c, unsigned a)
{
    (void)g;
    if (a == 0) return c->bpr0;
    /* CBPR = 1: ICC_BPR1_EL1 reads BPR0 + 1 (saturated), writes ignored. */
    if (c->cbpr) return c->bpr0 < 7 ? c->bpr0 + 1u : 7u;
    return c->bpr1;
}

static void w_bpr(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v)
{
    uint8_t b = (uint8_t)(v & 7);
    uint8_t min = (uint8_t)(bpr0_min(g) + a);
    if (b < min) b = min; /* below the minimum: the minimum is set (IHI0069) */
    if (a == 0) c->bpr0 = b;
    else if (!c->cbpr) c->bpr1 = b;
    cpuif_refresh(g, c->cpu); /* HPPI unchanged: only whether it is signalled */
}

static uint64_t r_pmr(gic_t *g, struct gic_cpuif *c, unsigned a) { (void)g; (void)a; return c->pmr; }
static void w_pmr(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v)
{
    (void)a;
    c->pmr = (uint8_t)v & gic_prio_mask(g);
    cpuif_refresh(g, c->cpu); /* HPPI unchanged: only whether it is signalled */
}

static uint64_t r_rpr(gic_t *g, struct gic_cpuif *c, unsigned a) { (void)a; return running_priority(g, c); }

/* arg: group * 4 + n */
static uint64_t r_apr(gic_t *g, struct gic_cpuif *c, unsigned a)
{
    return (a & 3) < napr(g) ? c->apr[a >> 2][a & 3] : 0;
}
static void w_apr(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v)
{
    if ((a & 3) >= napr(g)) return; /* not implemented: RAZ/WI */
    c->apr[a >> 2][a & 3] = (uint32_t)v;
    apr_changed(g, c);
    cpuif_refresh(g, c->cpu); /* HPPI unchanged: only whether it is signalled */
}

static uint64_t r_ctlr(gic_t *g, struct gic_cpuif *c, unsigned a)
{
    (void)a;
    uint64_t idbits = g->cfg.lpi_id_bits > 16 ? 1 : 0; /* 0: 16 INTID bits, 1: 24 */
    return (uint64_t)c->cbpr | ((uint64_t)c->eoimode << 1) | ((uint64_t)(g->cfg.pri_bits - 1) << 8) |
           (idbits << 11) | (1ull << 15) /* A3V */ | (1ull << 18) /* RSS */;
}
static void w_ctlr(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v)
{
    (void)a;
    c->cbpr = v & 1;
    c->eoimode = (v >> 1) & 1;
    cpuif_refresh(g, c->cpu); /* HPPI unchanged: only whether it is signalled */
}

static uint64_t r_igrpen(gic_t *g, struct gic_cpuif *c, unsigned a) { (void)g; return c->igrpen[a]; }
static void w_igrpen(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v)
{
    bool en = v & 1;
    if (en == c->igrpen[a]) return;
    c->igrpen[a] = en;
    dist_cpu_changed(g, c->cpu);
    cpuif_update(g, c->cpu);
}

static uint64_t r_sre(gic_t *g, struct gic_cpuif *c, unsigned a) { (void)g; (void)c; (void)a; return 0x7; }
static void w_sgi(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v) { do_sgi(g, c, a, v); }

typedef struct sysreg_desc {
    sr_rd_fn rd; /* NULL: write-only */
    sr_wr_fn wr; /* NULL: read-only */
    unsigned arg;
} sysreg_desc_t;

static void w_ignore(gic_t *g, struct gic_cpuif *c, unsigned a, uint64_t v) { (void)g; (void)c; (void)a; (void)v; }

static const sysreg_desc_t sysregs[GIC_SYSREG_COUNT] = {
    [GIC_ICC_IAR0_EL1] = {r_iar, NULL, 0},     [GIC_ICC_IAR1_EL1] = {r_iar, NULL, 1},
    [GIC_ICC_EOIR0_EL1] = {NULL, w_eoir, 0},   [GIC_ICC_EOIR1_EL1] = {NULL, w_eoir, 1},
    [GIC_ICC_DIR_EL1] = {NULL, w_dir, 0},      [GIC_ICC_HPPIR0_EL1] = {r_hppir, NULL, 0},
    [GIC_ICC_HPPIR1_EL1] = {r_hppir, NULL, 1}, [GIC_ICC_BPR0_EL1] = {r_bpr, w_bpr, 0},
    [GIC_ICC_BPR1_EL1] = {r_bpr, w_bpr, 1},    [GIC_ICC_PMR_EL1] = {r_pmr, w_pmr, 0},
    [GIC_ICC_RPR_EL1] = {r_rpr, NULL, 0},      [GIC_ICC_AP0R0_EL1] = {r_apr, w_apr, 0},
    [GIC_ICC_AP0R1_EL1] = {r_apr, w_apr, 1},   [GIC_ICC_AP0R2_EL1] = {r_apr, w_apr, 2},
    [GIC_ICC_AP0R3_EL1] = {r_apr, w_apr, 3},   [GIC_ICC_AP1R0_EL1] = {r_apr, w_apr, 4},
    [GIC_ICC_AP1R1_EL1] = {r_apr, w_apr, 5},   [GIC_ICC_AP1R2_EL1] = {r_apr, w_apr, 6},
    [GIC_ICC_AP1R3_EL1] = {r_apr, w_apr, 7},   [GIC_ICC_CTLR_EL1] = {r_ctlr, w_ctlr, 0},
    [GIC_ICC_IGRPEN0_EL1] = {r_igrpen, w_igrpen, 0}, [GIC_ICC_IGRPEN1_EL1] = {r_igrpen, w_igrpen, 1},
    [GIC_ICC_SRE_EL1] = {r_sre, w_ignore, 0},  [GIC_ICC_SGI0R_EL1] = {NULL, w_sgi, 0},
    [GIC_ICC_SGI1R_EL1] = {NULL, w_sgi, 1},    [GIC_ICC_ASGI1R_EL1] = {NULL, w_sgi, 0},
};

gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val)
{
    *val = 0;
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) return GIC_ERR_ARG;
    const sysreg_desc_t *d = &sysregs[reg];
    if (!d->rd) {
        gic_error(g, "sysreg_read_wo", "ICC", "read of write-only %s on CPU %u (RAZ)",
                  gic_sysreg_name(reg), cpu);
        return GIC_OK;
    }
    *val = d->rd(g, ci(g, cpu), d->arg);
    return GIC_OK;
}

gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val)
{
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) return GIC_ERR_ARG;
    const sysreg_desc_t *d = &sysregs[reg];
    if (!d->wr) {
        gic_error(g, "sysreg_write_ro", "ICC", "write of read-only %s on CPU %u ignored",
                  gic_sysreg_name(reg), cpu);
        return GIC_OK;
    }
    d->wr(g, ci(g, cpu), d->arg, val);
    return GIC_OK;
}
