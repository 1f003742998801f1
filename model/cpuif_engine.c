/* The CPU interface's priority engine (see cpuif_engine.h).
 *
 * Priority model (IHI0069 "Interrupt prioritization", "Preemption" and the
 * ICC_* / ICV_* pseudocode):
 *  - pri_bits implemented priority bits (5..8), upper bits of the 8-bit field;
 *  - preemption bits prebits = min(pri_bits, 7), so 2^prebits active-priority
 *    bits held in 2^(prebits-5) AP0R/AP1R registers per group;
 *  - minimum BPR0 = 7 - prebits, minimum BPR1 = minimum BPR0 + 1;
 *  - group priority of a Group 1 interrupt uses BPR1 - 1 (or BPR0 when
 *    CTLR.CBPR = 1), of a Group 0 interrupt BPR0:
 *    mask = Ones(7 - bpr) : Zeros(bpr + 1);
 *  - running priority = group priority of the lowest set active-priority bit
 *    over both groups (0xFF when idle); RPR returns it.
 * An interrupt is signalled (group 0 -> FIQ, group 1 -> IRQ; DS = 1) when it
 * is the source's highest-priority pending interrupt, its priority is below
 * PMR and its group priority below the running priority masked with the
 * same group priority mask (idle: always).
 * See docs/interrupt-delivery.md.
 *
 * HPPI cache. The highest-priority pending interrupt (HPPI) a source offers
 * depends on the source's state, on the group enables and on time (an
 * interrupt is seen from its visibility time on; LPIs also wait for a scan
 * gate; a redistributor forwards nothing before its wake-up time). It does
 * not depend on PMR, the BPRs or the active priorities (those only decide
 * whether it is signalled: eng_can_signal).
 * Each engine keeps its last answer. It is reused while
 *  - no state it depends on changed: every such change marks the interfaces
 *    it affects (gic_hppi_changed: one flag per interface; gic_hppi_changed_all:
 *    a new instance epoch, O(1) whatever the number of CPUs); and
 *  - time has not reached hp_until, the earliest time at which a candidate
 *    excluded only because it was not visible yet becomes visible (or the
 *    scan gate / wake-up time ends). Visibility only ever turns on as time
 *    advances, so before hp_until the answer is unchanged.
 * eng_update() (called by the blocks right after a change) always
 * recomputes; eng_refresh() (update events) and the register reads use the
 * cache. The virtual interface marks its flag where a list register,
 * ICH_HCR_EL2.En or a group enable changes (cpuif_virt.c) and refreshes
 * through the cache after every ICV_* and ICH_* access (virt_changed), except
 * while ICH_HCR_EL2.En is clear with vIRQ and vFIQ low (nothing to signal).
 * Build with -DGICTLM_CHECK_HPPI_CACHE to recompute on every use and
 * abort on a difference (used to validate the invalidation rules). */
#include "cpuif_engine.h"

#include "cpuif.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const type_name[ENG_T_N] = {"sgi", "ppi", "spi", "lpi"};

/* The physical source (cpuif.h, cpuif_phys.c) is called directly, so that
 * the compiler can inline it on the hot paths; any other source through its
 * table. Same behaviour either way. */
static inline gic_time_t src_ack(gic_t *g, const gic_engine_t *e, uint32_t intid)
{
    return e->src == &cpuif_phys_source ? phys_ack(g, e->cpu, intid) : e->src->ack(g, e->cpu, intid);
}
static inline void src_deactivate(gic_t *g, const gic_engine_t *e, uint32_t intid, const char *via,
                                  const eng_drop_t *drop)
{
    if (e->src == &cpuif_phys_source) phys_deactivate(g, e->cpu, intid, via, drop);
    else e->src->deactivate(g, e->cpu, intid, via, drop);
}
static inline gic_time_t src_pending_time(gic_t *g, const gic_engine_t *e, uint32_t intid)
{
    return e->src == &cpuif_phys_source ? phys_pending_time(g, e->cpu, intid)
                                        : e->src->pending_time(g, e->cpu, intid);
}

void eng_stats_init(gic_t *g, eng_stats_t *st, const char *irq, const char *lat)
{
    memset(st, 0, sizeof(*st));
    for (unsigned t = 0; t < ENG_T_N; t++) {
        st->delivered[t] = gic_counter(g, "%s.delivered.%s", irq, type_name[t]);
        st->line_to_iar[t] = gic_hist(g, "ps", "%s.line_to_iar.%s", lat, type_name[t]);
        st->line_to_signal[t] = gic_hist(g, "ps", "%s.line_to_signal.%s", lat, type_name[t]);
    }
    st->spurious = gic_counter(g, "%s.spurious", irq);
    st->iar_to_eoi = gic_hist(g, "ps", "%s.iar_to_eoi", lat);
}

void eng_init(gic_t *g, gic_engine_t *e, const gic_irq_source_t *src, uint32_t cpu, uint32_t slot,
              unsigned pri_bits, const eng_stats_t *st)
{
    memset(e, 0, sizeof(*e));
    e->src = src;
    e->cpu = cpu;
    e->slot = slot;
    e->pri_bits = (uint8_t)pri_bits;
    e->pri_mask = (uint8_t)(0xffu << (8 - pri_bits));
    e->prebits = (uint8_t)(pri_bits > 7 ? 7 : pri_bits);
    e->pmr = 0;
    e->bpr0 = eng_bpr0_min(e);
    e->bpr1 = (uint8_t)(eng_bpr0_min(e) + 1);
    e->st = st;
    e->ha_idx = -1;
    e->epoch = g->hppi_epoch - 1; /* stale until first computed */
}

/* Recompute the highest active priority after a change of e->apr: the
 * lowest set active-priority bit over both groups (-1 when idle). */
void eng_apr_changed(gic_engine_t *e)
{
    e->ha_idx = -1;
    e->ha_grp = 0;
    for (unsigned w = 0; w < eng_napr(e); w++) {
        uint32_t a0 = e->apr[0][w], a1 = e->apr[1][w];
        if (!(a0 | a1)) continue;
        unsigned b0 = a0 ? (unsigned)__builtin_ctz(a0) : 32, b1 = a1 ? (unsigned)__builtin_ctz(a1) : 32;
        e->ha_grp = b0 <= b1 ? 0 : 1;
        e->ha_idx = (int)(w * 32 + (b0 <= b1 ? b0 : b1));
        return;
    }
}

/* ---- HPPI cache ------------------------------------------------------------ */

/* Out of line: the cached answer is the common case and its callers stay
 * small. One function per kind of source: the physical one has the source's
 * HPPI inlined (phys_hppi, GIC_INLINE_EXTERN) and a frame to match, which a
 * virtual interface's recompute (through its table) does not pay. */
static inline void hppi_recompute_begin(gic_t *g, gic_engine_t *e)
{
    g->hppi_stale[e->slot] = 0;
    e->epoch = g->hppi_epoch;
    cand_none(&e->hp);
}
__attribute__((noinline)) static void hppi_recompute_phys(gic_t *g, gic_engine_t *e)
{
    hppi_recompute_begin(g, e);
    e->hp_until = phys_hppi(g, e->cpu, e->igrpen, &e->hp);
}
__attribute__((noinline)) static void hppi_recompute_other(gic_t *g, gic_engine_t *e)
{
    hppi_recompute_begin(g, e);
    e->hp_until = e->src->hppi(g, e->cpu, e->igrpen, &e->hp);
}
void eng_hppi_recompute(gic_t *g, gic_engine_t *e)
{
    if (e->src == &cpuif_phys_source) hppi_recompute_phys(g, e);
    else hppi_recompute_other(g, e);
}

void eng_hppi(gic_t *g, gic_engine_t *e, gic_cand_t *out)
{
    if (eng_hppi_valid(g, e)) {
#ifdef GICTLM_CHECK_HPPI_CACHE
        gic_cand_t f;
        cand_none(&f);
        e->src->hppi(g, e->cpu, e->igrpen, &f);
        if (f.intid != e->hp.intid || f.prio != e->hp.prio || f.group != e->hp.group) {
            fprintf(stderr, "gictlm: HPPI cache of %s CPU %u stale at %llu ps: cached %u, actual %u\n",
                    e->src->name, e->cpu, (unsigned long long)g->now, e->hp.intid, f.intid);
            abort();
        }
#endif
        *out = e->hp;
        return;
    }
    eng_hppi_recompute(g, e);
    *out = e->hp;
}

static void set_line(gic_t *g, gic_engine_t *e, unsigned line, bool level)
{
    if (e->line[line] == level) return;
    e->line[line] = level;
    gic_output_t o = gic_output_now(g, GIC_OUT_LINE);
    o.cpu = e->cpu;
    o.line = line ? e->src->line_fiq : e->src->line_irq;
    o.level = level;
    gic_emit(g, &o);
    if (gic_log_on(g, GIC_LOG_DEBUG))
        gic_log(g, GIC_LOG_DEBUG, e->src->name, "CPU %u %s -> %u", e->cpu,
                line ? (e->src->line_fiq == GIC_LINE_FIQ ? "FIQ" : "vFIQ")
                     : (e->src->line_irq == GIC_LINE_IRQ ? "IRQ" : "vIRQ"),
                level);
}

void eng_refresh(gic_t *g, gic_engine_t *e)
{
    gic_cand_t h;
    e->refreshes++;
    eng_hppi(g, e, &h);
    bool sig = !cand_is_none(&h) && eng_can_signal(e, h.prio, h.group);
    bool irq = sig && h.group == 1, fiq = sig && h.group == 0;
    bool rise = (irq && !e->line[0]) || (fiq && !e->line[1]);
    set_line(g, e, 0, irq);
    set_line(g, e, 1, fiq);
    if (rise) {
        gic_time_t t0 = src_pending_time(g, e, h.intid);
        hist_add(e->st->line_to_signal[eng_intid_type(h.intid)], g->now >= t0 ? g->now - t0 : 0);
    }
}

/* ---- acknowledge, EOI, deactivate --------------------------------------------- */

/* The IAR time of each active priority level (t_iar), the last one written
 * held in the engine (t_last): a CPU that acknowledges at one priority level
 * reads and writes that line only, not t_iar's (with hundreds of CPUs, one
 * host cache miss fewer per interrupt). Every read sees what t_iar alone
 * would hold. */
static inline void iar_time_set(gic_engine_t *e, unsigned group, unsigned idx, gic_time_t t)
{
    if (e->t_held && (e->t_grp != group || e->t_idx != idx)) e->t_iar[e->t_grp][e->t_idx] = e->t_last;
    e->t_grp = (uint8_t)group;
    e->t_idx = (uint8_t)idx;
    e->t_last = t;
    e->t_held = true;
}
static inline gic_time_t iar_time(const gic_engine_t *e, unsigned group, unsigned idx)
{
    return e->t_held && e->t_grp == group && e->t_idx == idx ? e->t_last : e->t_iar[group][idx];
}

uint64_t eng_iar(gic_t *g, gic_engine_t *e, unsigned group)
{
    gic_cand_t h;
    eng_hppi(g, e, &h);
    /* IAR0 returns 1023 when the HPPI is Group 1, IAR1 when it is Group 0; both
     * when nothing is signalled (priority mask, running priority). With DS = 1
     * the special INTIDs 1020..1022 are never returned. */
    if (cand_is_none(&h) || h.group != group || !eng_can_signal(e, h.prio, group)) {
        gic_inc(e->st->spurious);
        return GIC_SPURIOUS;
    }
    if (h.intid >= 1020 && h.intid < 1024) {
        /* A special INTID (only a list register can hold one): the source
         * drops it and returns it; nothing becomes active (IHI0069
         * VirtualReadIAR pseudocode). */
        e->src->ack(g, e->cpu, h.intid);
        eng_update(g, e);
        return h.intid;
    }
    unsigned idx = eng_prio_idx(e, h.prio, group);
    e->apr[group][idx / 32] |= 1u << (idx % 32);
    eng_apr_changed(e);
    iar_time_set(e, group, idx, g->now);
    gic_time_t t0 = src_ack(g, e, h.intid);
    unsigned t = eng_intid_type(h.intid);
    gic_inc(e->st->delivered[t]);
    hist_add(e->st->line_to_iar[t], g->now >= t0 ? g->now - t0 : 0);
    eng_update(g, e);
    return h.intid;
}

void eng_eoi(gic_t *g, gic_engine_t *e, unsigned group, uint64_t v)
{
    uint32_t intid = (uint32_t)(v & 0xffffff);
    const char *via = e->src->eoir_name[group ? 1 : 0];
    if (gic_intid_special(intid)) return; /* special INTIDs: write ignored (IHI0069) */
    int idx = e->ha_idx;
    unsigned ag = e->ha_grp;
    if (idx < 0) {
        gic_error(g, "eoi_no_active", e->src->name, "%s(%u) on CPU %u with no active priority: ignored",
                  via, intid, e->cpu);
        return;
    }
    if (ag != group) {
        /* Highest active priority belongs to the other group: UNPREDICTABLE,
         * the model ignores the write (no drop, no deactivation). */
        gic_error(g, "eoi_wrong_group", e->src->name,
                  "%s(%u) on CPU %u but the highest active priority is Group %u: ignored", via,
                  intid, e->cpu, ag);
        return;
    }
    /* Priority drop: clear the highest active priority bit. */
    e->apr[group][idx / 32] &= ~(1u << (idx % 32));
    eng_apr_changed(e);
    hist_add(e->st->iar_to_eoi, g->now - iar_time(e, group, (unsigned)idx));
    /* EOImode = 0: the EOIR also deactivates; so does the EOIR of an LPI
     * INTID for a source whose LPIs have an active state (the virtual
     * interface's list registers: IHI0069 VirtualWriteEOIR0/1, no DIR follows
     * for an LPI). */
    if (!e->eoimode || (intid >= GIC_LPI_BASE && e->src->lpi_eoi_deactivates)) {
        eng_drop_t drop = {group, (unsigned)idx};
        src_deactivate(g, e, intid, via, &drop);
    }
    eng_refresh(g, e); /* no HPPI state changed here (deactivation marks its own) */
}

void eng_dir(gic_t *g, gic_engine_t *e, uint64_t v)
{
    uint32_t intid = (uint32_t)(v & 0xffffff);
    if (gic_intid_special(intid)) return;
    if (!e->eoimode) {
        /* DIR with EOImode = 0: IHI0069 ICC_DIR_EL1 (ICV_DIR_EL1 likewise)
         * requires GICv3 to ignore the write; counted as a software error. */
        gic_error(g, "dir_eoimode0", e->src->name, "%s(%u) on CPU %u with EOImode = 0: ignored",
                  e->src->dir_name, intid, e->cpu);
        return;
    }
    src_deactivate(g, e, intid, e->src->dir_name, NULL);
    eng_refresh(g, e); /* no HPPI state changed here (deactivation marks its own) */
}

/* ---- the other registers of the priority logic --------------------------------- */

uint64_t eng_hppir(gic_t *g, gic_engine_t *e, unsigned group)
{
    gic_cand_t h;
    eng_hppi(g, e, &h);
    return !cand_is_none(&h) && h.group == group ? h.intid : GIC_SPURIOUS;
}

uint64_t eng_bpr_read(const gic_engine_t *e, unsigned group)
{
    if (group == 0) return e->bpr0;
    /* CBPR = 1: BPR1 reads BPR0 + 1 (saturated), writes ignored. */
    if (e->cbpr) return e->bpr0 < 7 ? e->bpr0 + 1u : 7u;
    return e->bpr1;
}

void eng_bpr_write(gic_t *g, gic_engine_t *e, unsigned group, uint64_t v)
{
    uint8_t b = (uint8_t)(v & 7);
    uint8_t min = (uint8_t)(eng_bpr0_min(e) + group);
    if (b < min) b = min; /* below the minimum: the minimum is set (IHI0069) */
    if (group == 0) e->bpr0 = b;
    else if (!e->cbpr) e->bpr1 = b;
    eng_refresh(g, e); /* HPPI unchanged: only whether it is signalled */
}

void eng_pmr_write(gic_t *g, gic_engine_t *e, uint64_t v)
{
    e->pmr = (uint8_t)v & e->pri_mask;
    eng_refresh(g, e); /* HPPI unchanged: only whether it is signalled */
}

/* IHI0069 ICC_AP<g>R<n>_EL1, ICV_AP<g>R<n>_EL1 and ICH_AP<g>R<n>_EL2: AP<g>R1
 * exists with 6 or more preemption bits, AP<g>R2/3 with 7; the others are
 * UNDEFINED. No exception can be raised here: RAZ/WI, counted and logged. */
static bool apr_implemented(gic_t *g, const gic_engine_t *e, bool el2, unsigned group, unsigned n, bool write)
{
    if (n < eng_napr(e)) return true;
    gic_error(g, "sysreg_undefined", e->src->name,
              "%s of %s_AP%uR%u_EL%u on CPU %u: not implemented with %u priority bits (UNDEFINED): %s",
              write ? "write" : "read", el2 ? "ICH" : e->src->name, group, n, el2 ? 2u : 1u, e->cpu,
              e->pri_bits, write ? "ignored" : "RAZ");
    return false;
}

uint64_t eng_apr_read(gic_t *g, const gic_engine_t *e, bool el2, unsigned group, unsigned n)
{
    return apr_implemented(g, e, el2, group, n, false) ? e->apr[group][n] : 0;
}

void eng_apr_set(gic_t *g, gic_engine_t *e, bool el2, unsigned group, unsigned n, uint64_t v)
{
    if (!apr_implemented(g, e, el2, group, n, true)) return;
    e->apr[group][n] = (uint32_t)v;
    eng_apr_changed(e);
}

void eng_apr_write(gic_t *g, gic_engine_t *e, bool el2, unsigned group, unsigned n, uint64_t v)
{
    eng_apr_set(g, e, el2, group, n, v);
    eng_refresh(g, e); /* HPPI unchanged: only whether it is signalled */
}

void eng_check_lines(gic_t *g, gic_engine_t *e)
{
#ifdef GICTLM_CHECK_HPPI_CACHE
    gic_cand_t h;
    eng_hppi(g, e, &h);
    bool sig = !cand_is_none(&h) && eng_can_signal(e, h.prio, h.group);
    if (e->line[0] != (sig && h.group == 1) || e->line[1] != (sig && h.group == 0)) {
        fprintf(stderr, "gictlm: %s CPU %u lines %u/%u out of date at %llu ps after a skipped refresh\n",
                e->src->name, e->cpu, e->line[0], e->line[1], (unsigned long long)g->now);
        abort();
    }
#else
    (void)g;
    (void)e;
#endif
}

void eng_ctlr_write(gic_t *g, gic_engine_t *e, bool cbpr, bool eoimode)
{
    e->cbpr = cbpr;
    e->eoimode = eoimode;
    eng_refresh(g, e); /* HPPI unchanged: only whether it is signalled */
}
