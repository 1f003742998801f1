/*
 * gictlm core: shared internal definitions. Not part of the public API.
 *
 * The blocks (one concern per file; docs/architecture.md draws them):
 *   gic.c      instance, event loop, inputs, error/log helpers -> gic_core.h
 *   frames.c   frame routing (GICD, GICR RD/SGI/VLPI, GITS)
 *   evq.c      discrete-event queue (binary heap, FIFO among equal times)
 *   regmap.c / regmap.h  table-driven register access (sizes, RAZ/WI, halves;
 *              the per-instance lookup index of each map)
 *   stats.c    counters and log-linear histograms
 *   host_mem.c the instance's host memory arena        -> host_mem.h
 *   dist.c     GICD_* (SPIs)                          -> dist.h
 *   redist.c   GICR_* RD_base/SGI_base (SGIs, PPIs)   -> redist.h
 *   intid_regs.c  per-INTID registers of GICD and GICR SGI_base -> intid_regs.h
 *   cpuif_engine.c  priority engine of a CPU interface  -> cpuif_engine.h
 *   cpuif_phys.c / cpuif_virt.c  its physical and virtual sources; cpuif.c
 *              the ICC/ICV/ICH system-register table -> cpuif.h
 *   lpi_space.c / lpi_scan.c / lpi_regs.c  LPI spaces, pending-table walks,
 *              GICR LPI registers -> lpi.h, lpi_space.h
 *   vpe.c      GICv4 vPEs at the redistributors, VLPI frame -> vpe.h
 *   its.c, its_codec.c, its_walk.c, its_cmd.c, its_translate.c, its_regs.c
 *              the ITS -> its.h, its_internal.h, its_codec.h
 *   mem.c      memory port, built-in sparse memory, outstanding limits -> mem.h
 *   cache.c    generic set-associative cache component -> cache.h
 */
#ifndef GIC_INTERNAL_H
#define GIC_INTERNAL_H

#include "gic_core.h"
#include "gictlm.h"
#include "host_mem.h"

#include <stdarg.h>
#include <stddef.h>
#include <string.h>

/* An extern function small enough that its callers in other files should
 * have it inlined (a link-time-optimised build does; a plain build calls it).
 * GCC wants such a function declared inline; clang's C99 rules for an inline
 * function with external linkage forbid the static helpers it calls, and
 * clang honours the attribute alone. A host-cost hint: no effect on results. */
#if defined(__GNUC__) && !defined(__clang__)
#define GIC_INLINE_EXTERN __attribute__((always_inline)) inline
#elif defined(__clang__)
#define GIC_INLINE_EXTERN __attribute__((always_inline))
#else
#define GIC_INLINE_EXTERN
#endif
/* A function off a hot path (errors, rare cases), kept out of its callers so
 * that their common path stays short. A host-cost hint: no effect on results. */
#if defined(__GNUC__)
#define GIC_COLD __attribute__((cold, noinline))
#else
#define GIC_COLD
#endif

/* ---- event queue ---------------------------------------------------------- */
typedef struct gic_event gic_event_t;
typedef void (*gic_ev_fn)(gic_t *g, const gic_event_t *ev);

struct gic_event {
    gic_time_t time;
    uint64_t seq; /* insertion order: FIFO among equal times (determinism) */
    gic_ev_fn fn;
    uint32_t a, b;
    uint64_t c, d;
};

typedef struct gic_evq {
    gic_event_t *heap;
    size_t n, cap;
    uint64_t next_seq;
    gic_time_t top; /* heap[0].time, UINT64_MAX when empty (gic_next_event_time_ptr) */
} gic_evq_t;

void evq_init(gic_evq_t *q);
void evq_free(gic_evq_t *q);
bool evq_push(gic_evq_t *q, const gic_event_t *ev); /* false on allocation failure */
static inline bool evq_peek(const gic_evq_t *q, gic_time_t *t)
{
    if (q->n == 0) return false;
    *t = q->heap[0].time;
    return true;
}
bool evq_pop(gic_evq_t *q, gic_event_t *out);

/* Schedule fn at time t (>= now). Returns false (and counts an error) on allocation failure. */
bool gic_schedule(gic_t *g, gic_time_t t, gic_ev_fn fn, uint32_t a, uint32_t b, uint64_t c,
                  uint64_t d);

/* ---- statistics ----------------------------------------------------------- */
#define GIC_HIST_SUB_BITS 4
#define GIC_HIST_SUB (1u << GIC_HIST_SUB_BITS)
#define GIC_HIST_BUCKETS (GIC_HIST_SUB + (64 - GIC_HIST_SUB_BITS) * GIC_HIST_SUB)

typedef struct gic_hist {
    uint64_t count, min, max, sum;
    uint64_t buckets[GIC_HIST_BUCKETS];
} gic_hist_t;

typedef struct gic_stat_entry {
    char *name;
    int kind; /* 0 counter, 1 histogram */
    uint64_t counter;
    gic_hist_t *hist;
    const char *unit; /* "ps", "bytes", NULL */
} gic_stat_entry_t;

typedef struct gic_stats {
    gic_stat_entry_t **e;
    size_t n, cap;
    struct host_arena *arena; /* where entries, names and histograms live (host_mem.h) */
    char **family;            /* prefixes of the counters created on first count ("msi.dropped.", ...) */
    size_t nfamily;
} gic_stats_t;

void stats_init(gic_stats_t *s, struct host_arena *arena);
void stats_free(gic_stats_t *s);
/* Get-or-create. Returned pointers stay valid for the instance's lifetime.
 * Resolve once at creation time for hot paths. NULL only on allocation failure. */
uint64_t *stats_counter(gic_stats_t *s, const char *name);
gic_hist_t *stats_hist(gic_stats_t *s, const char *name, const char *unit);
const gic_stat_entry_t *stats_find(const gic_stats_t *s, const char *name);
/* A family of counters "<prefix><reason>" created on first count (gic_reason_counter), and
 * whether name is one of them: the prefix of a family, then a reason of [a-z0-9_]. */
bool stats_family(gic_stats_t *s, const char *prefix);
bool stats_in_family(const gic_stats_t *s, const char *name);
void stats_reset_all(gic_stats_t *s);
void hist_summary(const gic_hist_t *h, gic_hist_summary_t *out);
uint64_t hist_bucket_low(unsigned idx);
uint64_t hist_bucket_high(unsigned idx);

/* Bucket of a value: 0..15 one bucket each, then 16 sub-buckets per power of
 * two (stats.c). Inline: histograms are added to on every interrupt. */
static inline unsigned hist_bucket_index(uint64_t v)
{
    if (v < GIC_HIST_SUB) return (unsigned)v;
    unsigned shift = (unsigned)(63 - __builtin_clzll(v)) - GIC_HIST_SUB_BITS;
    unsigned mant = (unsigned)(v >> shift) - GIC_HIST_SUB; /* 0..15 */
    return GIC_HIST_SUB + shift * GIC_HIST_SUB + mant;
}

/* Always inlined: a handful of call sites per interrupt, each with its own
 * (well predicted) branches, instead of one shared out-of-line copy. */
#if defined(__GNUC__)
__attribute__((always_inline))
#endif
static inline void hist_add(gic_hist_t *h, uint64_t v)
{
    if (!h) return;
    if (h->count == 0 || v < h->min) h->min = v;
    if (v > h->max) h->max = v;
    h->count++;
    h->sum += v;
    h->buckets[hist_bucket_index(v)]++;
}

/* Shorthands: name formatted printf-style. */
uint64_t *gic_counter(gic_t *g, const char *fmt, ...);
gic_hist_t *gic_hist(gic_t *g, const char *unit, const char *fmt, ...);
/* The statistics a block registers when it is created, as a table: each a
 * counter (unit NULL) or a histogram in unit, whose pointer is stored in the
 * block at offset off; registered in table order (the order of the
 * statistics in every output). */
typedef struct gic_stat_def {
    size_t off;
    const char *unit; /* NULL: a counter */
    const char *name;
} gic_stat_def_t;
#define GIC_COUNTER_DEF(type, field, name) {offsetof(type, field), NULL, name}
#define GIC_HIST_DEF(type, field, unit, name) {offsetof(type, field), unit, name}
void gic_stats_define(gic_t *g, void *block, const gic_stat_def_t *defs, size_t n);
static inline void gic_inc(uint64_t *c) { if (c) (*c)++; }

/* Sort v[0..n) ascending (model/sort.c: insertion sort for a few, qsort beyond). */
void gic_sort_u32(uint32_t *v, size_t n);

/* Counters named "<prefix><reason>" for static reason strings, on paths that
 * count by reason per event (errors, dropped MSIs): the name is formatted and
 * looked up once per distinct reason pointer, afterwards found by a pointer
 * compare. reason must be a static string (same pointer, same text). */
#define GIC_REASON_MEMO 32
typedef struct gic_reason_memo {
    const char *key[GIC_REASON_MEMO];
    uint64_t *cnt[GIC_REASON_MEMO];
    unsigned n;
} gic_reason_memo_t;
uint64_t *gic_reason_counter(gic_t *g, gic_reason_memo_t *m, const char *prefix, const char *reason);
/* Declares the family "<prefix><reason>" when its block is created, before any count, so that
 * gic_stat_counter_family knows the names (prefix formatted printf-style). */
void gic_reason_family(gic_t *g, const char *fmt, ...);

/* ---- register maps -------------------------------------------------------- */
#define REG_F_BYTE 0x01u /* byte accesses allowed (IPRIORITYR, ...) */
#define REG_F_RO 0x02u   /* writes ignored, counted */
#define REG_F_WO 0x04u   /* reads as zero, counted */
/* The write handler marks the CPU interfaces whose HPPI the write can change
 * itself (gic_hppi_changed / the virtual interface's flag): regmap_access
 * does not invalidate every interface's HPPI after it (cpuif_engine.c). */
#define REG_F_HPPI_OWN 0x08u
#define REG_F_HALF 0x10u /* 16-bit accesses to bits [15:0] allowed (GICD_SETSPI_NSR, ...) */

typedef uint64_t (*gic_reg_rd_fn)(gic_t *g, void *blk, unsigned n);
/* val is the new register value in the bits selected by mask (mask covers the
 * bytes written: a byte write to a 32-bit register gives an 8-bit mask; a
 * 32-bit write to one half of a 64-bit register gives a 32-bit mask). The
 * handler merges; most handlers use (old & ~mask) | (val & mask). */
typedef void (*gic_reg_wr_fn)(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask);

typedef struct gic_reg {
    uint32_t offset; /* of instance 0 */
    uint32_t count;  /* instances; instance n at offset + n*width */
    uint8_t width;   /* 4 or 8 bytes */
    uint8_t flags;   /* REG_F_* */
    const char *name;
    uint64_t reset;  /* architectural reset value (for docs and dump) */
    gic_reg_rd_fn read;  /* NULL: RAZ */
    gic_reg_wr_fn write; /* NULL: WI */
} gic_reg_t;

typedef struct gic_regmap {
    const char *name;     /* "GICD", "GICR_RD", "GICR_SGI", "GITS" */
    const gic_reg_t *regs; /* sorted by offset */
    size_t nregs;
    uint32_t size;        /* frame size in bytes */
} gic_regmap_t;

/* A register map's lookup index (regmap.c), built from the const table once
 * per instance: the register at any offset in O(1) instead of a binary
 * search. top == NULL: the map is not indexable, the binary search is used. */
typedef struct gic_regidx {
    const gic_regmap_t *map;
    const uint8_t *top;          /* [map->size / 256] chunk numbers */
    const uint8_t (*chunk)[64];  /* per 4-byte word: register entry + 1, 0 reserved */
} gic_regidx_t;
/* Build x for map in the instance's arena; false on allocation failure. */
bool regidx_build(host_arena_t *a, gic_regidx_t *x, const gic_regmap_t *map);

const gic_reg_t *regmap_find(const gic_regmap_t *map, uint64_t off, unsigned *n);

/* The register maps of frames.c: GICD, GICR RD/SGI/VLPI/reserved, GITS, GITS_SGI */
#define GIC_NREGMAPS 7
/* Build the instance's register map indexes (frames.c); false on allocation failure. */
bool gic_frames_init(gic_t *g);

/* ---- instance --------------------------------------------------------------- */
struct gic_dist;
struct gic_redist;
struct gic_cpuif;
struct gic_lpi;
struct gic_vpes;
struct gic_its;
struct gic_mem;

struct gic {
    gic_config_t cfg;
    gic_callbacks_t cb;
    gic_time_t now;
    gic_evq_t evq;
    gic_stats_t stats;
    host_arena_t arena; /* the instance's long-lived host memory (host_mem.h) */

    struct gic_dist *dist;
    struct gic_redist *redist; /* array [num_cpus] (opaque to others: use redist.h) */
    struct gic_cpuif *cpuif;   /* array [num_cpus] */
    struct gic_lpi *lpi;
    struct gic_vpes *vpes; /* GICv4 vPEs at the redistributors (vpe.c) */
    struct gic_its *its[GIC_MAX_ITS];
    struct gic_mem *mem;

    uint64_t *cnt_errors; /* "errors.total" */
    /* One flag per CPU interface (slot): set when its cached highest-priority
     * pending interrupt (cpuif_engine.c) must be recomputed. Every state
     * change that can alter what a CPU interface sees marks the interfaces it
     * affects (gic_hppi_changed). A change that affects every interface
     * starts a new epoch instead (gic_hppi_changed_all): O(1) whatever the
     * number of CPUs. [num_cpus] */
    uint8_t *hppi_stale;
    uint32_t hppi_epoch;
    gic_reason_memo_t err_memo; /* "errors.<id>" counters (gic_error) */
    /* Input observer (gic_set_input_observer), e.g. the trace recorder of
     * capi/trace_record.c: told of every input before it is applied. */
    const gic_input_observer_t *obs;
    void *obs_ctx;
    void *virt_stats; /* statistics of the virtual CPU interfaces (cpuif_virt.c) */
    gic_regidx_t regidx[GIC_NREGMAPS]; /* lookup indexes of the register maps (frames.c) */
};

/* Bring the model to time t (>= now): the events due by t (gic_core_run_until),
 * or, with none due (most register accesses and inputs), only the time. */
static inline void gic_core_advance(gic_t *g, gic_time_t t)
{
    gic_time_t next;
    if (evq_peek(&g->evq, &next) && next <= t) gic_core_run_until(g, t);
    else if (t > g->now) g->now = t;
}

/* Implementer identification, the one definition of the IIDR values:
 * ProductID 0x47 ('G'), Variant 0, Revision 0. GICD_IIDR/GICR_IIDR:
 * Implementer 0x000 (no JEP106 code: gictlm is a model, not a product);
 * GITS_IIDR: Implementer 0x43B (Arm's JEP106 code). */
#define GICTLM_IIDR 0x47000000u
#define GICTLM_GITS_IIDR 0x4700043bu

/* Cycles -> picoseconds */
static inline gic_time_t gic_cycles(const gic_t *g, uint64_t n) { return n * g->cfg.clock_period_ps; }

/* Logging and errors. gic_error counts "errors.<id>" and "errors.total",
 * logs at WARN and emits a GIC_OUT_ERROR output. id must be a static string. */
void gic_log(gic_t *g, gic_log_level_t lvl, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gic_error(gic_t *g, const char *id, const char *component, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
void gic_emit(gic_t *g, const gic_output_t *out);
/* An output of this kind at the current time, every other field zero (the
 * caller fills in its own and passes it to gic_emit). */
static inline gic_output_t gic_output_now(const gic_t *g, gic_output_kind_t kind)
{
    gic_output_t o;
    memset(&o, 0, sizeof(o));
    o.kind = kind;
    o.time = g->now;
    return o;
}
/* GIC_OUT_DEACTIVATE of a PPI or SPI (a level source's resample point). */
static inline void gic_emit_deactivate(gic_t *g, uint32_t cpu, uint32_t intid)
{
    gic_output_t o = gic_output_now(g, GIC_OUT_DEACTIVATE);
    o.intid = intid;
    o.cpu = cpu;
    gic_emit(g, &o);
}
static inline bool gic_log_on(const gic_t *g, gic_log_level_t lvl)
{
    return g->cb.log && lvl <= g->cb.log_level;
}

/* ---- interrupt candidates (shared by dist/redist/lpi/cpuif) ------------------ */
/* No candidate: a value outside every INTID space. Not 1023, which a list
 * register may hold as a vINTID (IHI0069 VirtualReadIAR: a special vINTID is
 * chosen, returned and dropped like any other). */
#define GIC_CAND_NONE UINT32_MAX
typedef struct gic_cand {
    uint32_t intid; /* GIC_CAND_NONE = none */
    uint8_t prio;   /* 8-bit priority, already masked to implemented bits */
    uint8_t group;  /* 0 or 1 */
} gic_cand_t;

/* INTIDs 1020..1023 are special (IHI0069): never an interrupt, no state. */
static inline bool gic_intid_special(uint32_t intid) { return intid >= 1020 && intid <= 1023; }
static inline void cand_none(gic_cand_t *c) { c->intid = GIC_CAND_NONE; c->prio = 0xff; c->group = 1; }
static inline bool cand_is_none(const gic_cand_t *c) { return c->intid == GIC_CAND_NONE; }
/* Better = lower priority value; ties: lower INTID wins (deterministic). */
static inline bool cand_better(const gic_cand_t *a, const gic_cand_t *b)
{
    if (cand_is_none(a)) return false;
    if (cand_is_none(b)) return true;
    if (a->prio != b->prio) return a->prio < b->prio;
    return a->intid < b->intid;
}
static inline uint8_t gic_prio_mask(const gic_t *g) { return (uint8_t)(0xffu << (8 - g->cfg.pri_bits)); }

/* Affinity of CPU i as Aff3.Aff2.Aff1.Aff0 packed in 32 bits (Aff3 in [31:24]). */
uint32_t gic_cpu_affinity(const gic_t *g, uint32_t cpu);
/* CPU index with that affinity, or -1 */
int gic_cpu_by_affinity(const gic_t *g, uint32_t aff);

/* State that the highest-priority pending interrupt of cpu (or of every CPU)
 * depends on has changed: its cached value is recomputed at the next
 * evaluation. Call after the change (or before, if no evaluation can happen
 * in between). See cpuif.c "HPPI cache". */
static inline void gic_hppi_changed(gic_t *g, uint32_t cpu)
{
    if (cpu < g->cfg.num_cpus) g->hppi_stale[cpu] = 1;
}
/* The same for the virtual CPU interface of cpu (cpu < num_cpus): a list
 * register, ICH_HCR_EL2.En, a virtual group enable, the resident vPE or its
 * vLPIs and vSGIs changed. */
static inline void gic_vhppi_changed(gic_t *g, uint32_t cpu) { g->hppi_stale[g->cfg.num_cpus + cpu] = 1; }
static inline void gic_hppi_changed_all(gic_t *g) { g->hppi_epoch++; }

/* Ask the CPU interface of cpu to re-evaluate its lines at time t (>= now). */
void gic_cpu_update_at(gic_t *g, uint32_t cpu, gic_time_t t);

#endif /* GIC_INTERNAL_H */
