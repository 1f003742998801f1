/* The CPU interface's priority engine, and the interrupt-source interface it
 * works over.
 *
 * The engine holds what IHI0069 gives a CPU interface of its own: the
 * priority mask (PMR), the binary points (BPR0/BPR1, CBPR), EOImode, the
 * group enables, the active priorities (APR) and the running priority, and
 * the logic of acknowledge (IAR), priority drop (EOIR), deactivation (DIR)
 * and preemption. It knows nothing of where interrupts come from: it asks a
 * source (gic_irq_source_t) for the highest-priority pending candidate, tells
 * it when a candidate is acknowledged or deactivated, and drives the source's
 * two lines (IRQ/FIQ for the physical interface, vIRQ/vFIQ for the virtual
 * one).
 *
 * Sources:
 *   physical  cpuif_phys.c: distributor (SPIs), redistributor (SGIs, PPIs)
 *             and the redistributor's LPI space; ICC_*_EL1 (cpuif.c)
 *   virtual   cpuif_virt.c: the list registers and the resident vPE's LPI space,
 *             ICV_*_EL1 through the same engine
 */
#ifndef GIC_CPUIF_ENGINE_H
#define GIC_CPUIF_ENGINE_H
#include "gic_internal.h"

/* The source types of INTIDs, for statistics (the same INTID ranges for
 * physical and virtual interrupts). */
enum { ENG_T_SGI, ENG_T_PPI, ENG_T_SPI, ENG_T_LPI, ENG_T_N };
static inline unsigned eng_intid_type(uint32_t intid)
{
    return intid < 16 ? ENG_T_SGI : intid < 32 ? ENG_T_PPI : intid < 1020 ? ENG_T_SPI : ENG_T_LPI;
}

/* An interrupt source: what the engine needs of the interrupts it arbitrates.
 * Every function is called at g->now for the CPU interface `cpu`. */
typedef struct eng_drop {
    unsigned group; /* group of the EOIR */
    unsigned idx;   /* active-priority index the priority drop cleared */
} eng_drop_t;

typedef struct gic_irq_source {
    const char *name; /* register prefix in messages: "ICC", "ICV" */
    const char *eoir_name[2], *dir_name; /* "ICC_EOIR0_EL1", ... for messages */
    gic_line_t line_irq, line_fiq;
    /* An EOIR of an LPI INTID (>= 8192) also deactivates it, whatever EOImode
     * says: the virtual interface's list registers give a vLPI an active
     * state that no DIR ends (IHI0069 VirtualWriteEOIR0/1); the physical
     * interface's LPIs have no active state. */
    bool lpi_eoi_deactivates;
    /* Highest-priority pending candidate for the groups enabled at the
     * interface (igrpen[group]); the source applies its own gates on top.
     * Returns the earliest later time at which the answer can change by time
     * alone (UINT64_MAX: only a state change can change it). */
    gic_time_t (*hppi)(gic_t *g, uint32_t cpu, const bool igrpen[2], gic_cand_t *out);
    /* The candidate intid was acknowledged: pending -> active (or, for LPIs,
     * not pending). Returns the start of its pending episode (latency). */
    gic_time_t (*ack)(gic_t *g, uint32_t cpu, uint32_t intid);
    /* Deactivate intid; via names the register. drop: for an EOIR with
     * EOImode 0, the group and active-priority index the EOI dropped; NULL
     * for DIR. */
    void (*deactivate)(gic_t *g, uint32_t cpu, uint32_t intid, const char *via,
                       const struct eng_drop *drop);
    /* Start of the pending episode of the pending intid (latency). */
    gic_time_t (*pending_time)(gic_t *g, uint32_t cpu, uint32_t intid);
} gic_irq_source_t;

typedef struct eng_stats {
    uint64_t *delivered[ENG_T_N];
    uint64_t *spurious;
    gic_hist_t *line_to_iar[ENG_T_N];
    gic_hist_t *line_to_signal[ENG_T_N];
    gic_hist_t *iar_to_eoi;
} eng_stats_t;

/* One priority engine per CPU interface (physical or virtual). */
typedef struct gic_engine {
    const gic_irq_source_t *src;
    uint32_t cpu;
    uint32_t slot; /* index of its HPPI-stale flag (gic_hppi_changed_slot) */
    uint8_t pri_bits; /* implemented priority bits */
    uint8_t pri_mask; /* their mask in the 8-bit priority field */
    uint8_t prebits; /* preemption bits: min(pri_bits, 7) */
    uint8_t pmr;
    uint8_t bpr0, bpr1;
    bool cbpr, eoimode;
    bool igrpen[2];
    bool line[2]; /* [0] IRQ, [1] FIQ */
    uint32_t refreshes; /* eng_refresh calls (wraps): did an access's handler end with one? */
    uint32_t apr[2][4];
    /* Highest active priority (lowest set APR bit over both groups), kept up
     * to date by eng_apr_changed() at every change of apr: index, -1 when
     * idle, and its group. Read on every signalling decision. */
    int ha_idx;
    uint8_t ha_grp;
    /* t_iar[t_grp][t_idx] is t_last while t_held (eng_iar, eng_eoi): the last
     * IAR's time, kept on the engine's hot lines; written back to t_iar when
     * an IAR at another level replaces it. */
    uint8_t t_grp, t_idx;
    bool t_held;
    /* HPPI cache: the last source answer, valid while the engine's stale flag
     * is clear, its epoch is the instance's and g->now < hp_until. */
    uint32_t epoch;
    gic_cand_t hp;
    gic_time_t hp_until;
    const eng_stats_t *st; /* one copy per kind of interface, shared by the CPUs (cpuif_create) */
    gic_time_t t_last;
    gic_time_t t_iar[2][128]; /* IAR time per active priority level, per group (see t_held) */
} gic_engine_t;

/* Statistics named "<irq>.delivered.<type>", "<irq>.spurious",
 * "<lat>.line_to_iar.<type>", "<lat>.line_to_signal.<type>", "<lat>.iar_to_eoi". */
void eng_stats_init(gic_t *g, eng_stats_t *st, const char *irq, const char *lat);
/* st is kept by pointer: it lives as long as the engine (cpuif_create: one per kind of interface). */
void eng_init(gic_t *g, gic_engine_t *e, const gic_irq_source_t *src, uint32_t cpu, uint32_t slot,
              unsigned pri_bits, const eng_stats_t *st);

/* Group priority mask of a group under the current binary points. */
static inline uint8_t eng_group_mask(const gic_engine_t *e, unsigned group)
{
    unsigned bpr = (group && !e->cbpr) ? (unsigned)e->bpr1 - 1 : e->bpr0;
    return (uint8_t)(0xffu << (bpr + 1));
}
/* Group priority index of a priority (the bit set in AP<group>R on acknowledge). */
static inline unsigned eng_prio_idx(const gic_engine_t *e, uint8_t prio, unsigned group)
{
    return (unsigned)(prio & eng_group_mask(e, group)) >> (8 - e->prebits);
}
static inline unsigned eng_running_priority(const gic_engine_t *e)
{
    return e->ha_idx < 0 ? 0xffu : (unsigned)e->ha_idx << (8 - e->prebits);
}
/* Would this interface signal an interrupt of that priority and group now
 * (group enable, PMR, running priority)? IHI0069 "Preemption": its group
 * priority must be higher than that of the running priority, both taken
 * with the pending group's binary point (the running priority, ICC_RPR_EL1,
 * is kept at the finest one): a coarser BPR never lets a lower priority
 * preempt. */
/* Group enabled and group priority higher than the running priority (IHI0069
 * "Preemption"), whatever the priority mask says. */
static inline bool eng_can_preempt(const gic_engine_t *e, uint8_t prio, unsigned group)
{
    unsigned rp = eng_running_priority(e), mask = eng_group_mask(e, group);
    return e->igrpen[group] && (rp == 0xffu || (prio & mask) < (rp & mask));
}
static inline bool eng_can_signal(const gic_engine_t *e, uint8_t prio, unsigned group)
{
    return prio < e->pmr && eng_can_preempt(e, prio, group);
}
static inline unsigned eng_napr(const gic_engine_t *e) { return 1u << (e->prebits - 5); }
static inline uint8_t eng_bpr0_min(const gic_engine_t *e) { return (uint8_t)(7 - e->prebits); }
void eng_apr_changed(gic_engine_t *e);

/* Highest-priority pending candidate through the HPPI cache. */
void eng_hppi_recompute(gic_t *g, gic_engine_t *e);
static inline bool eng_hppi_valid(const gic_t *g, const gic_engine_t *e)
{
    return !g->hppi_stale[e->slot] && e->epoch == g->hppi_epoch && g->now < e->hp_until;
}
void eng_hppi(gic_t *g, gic_engine_t *e, gic_cand_t *out);

/* Re-evaluate and drive the lines: eng_update after a state change (always
 * recomputes), eng_refresh through the HPPI cache. */
void eng_refresh(gic_t *g, gic_engine_t *e);
static inline void eng_update(gic_t *g, gic_engine_t *e)
{
    g->hppi_stale[e->slot] = 1;
    eng_refresh(g, e);
}

/* The register operations of both register views (ICC_* and ICV_*). */
uint64_t eng_iar(gic_t *g, gic_engine_t *e, unsigned group);
void eng_eoi(gic_t *g, gic_engine_t *e, unsigned group, uint64_t v);
void eng_dir(gic_t *g, gic_engine_t *e, uint64_t v);
uint64_t eng_hppir(gic_t *g, gic_engine_t *e, unsigned group);
uint64_t eng_bpr_read(const gic_engine_t *e, unsigned group);
void eng_bpr_write(gic_t *g, gic_engine_t *e, unsigned group, uint64_t v);
void eng_pmr_write(gic_t *g, gic_engine_t *e, uint64_t v);
/* AP<group>R<n>: through ICC_/ICV_*_EL1, or (el2) the engine's ICH_*_EL2 view;
 * an unimplemented n is UNDEFINED: RAZ/WI, errors.sysreg_undefined. */
uint64_t eng_apr_read(gic_t *g, const gic_engine_t *e, bool el2, unsigned group, unsigned n);
void eng_apr_write(gic_t *g, gic_engine_t *e, bool el2, unsigned group, unsigned n, uint64_t v);
/* eng_apr_write without the re-evaluation (the caller's). */
void eng_apr_set(gic_t *g, gic_engine_t *e, bool el2, unsigned group, unsigned n, uint64_t v);
/* GICTLM_CHECK_HPPI_CACHE: abort unless eng_refresh would leave the lines as they are. */
void eng_check_lines(gic_t *g, gic_engine_t *e);
/* CBPR and EOImode (the ICC_CTLR_EL1/ICV_CTLR_EL1 bits the engine owns). */
void eng_ctlr_write(gic_t *g, gic_engine_t *e, bool cbpr, bool eoimode);
#endif
