/* LPI spaces: the state shared by the LPI files (private to lpi_*.c and,
 * next, the vPE code). See lpi.h for the redistributor interface and
 * docs/lpi.md for the model.
 *   lpi_space.c  the spaces: pending mirror, set/clear/INV/move, HPPI, LPI cache
 *   lpi_scan.c   pending-table walks: full and summary rescans, the load at
 *                EnableLPIs (Valid for a vPE), the summary bitmap
 *   lpi_regs.c   GICR_CTLR.EnableLPIs, GICR_PROPBASER/PENDBASER and the
 *                direct LPI registers */
#ifndef GIC_LPI_SPACE_H
#define GIC_LPI_SPACE_H
#include "lpi.h"

#include "cache.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define LPI_CHUNK 64u  /* bytes per modelled table read/write (one cache line); the most a scan reads at once */
#define LPI_IMPDEF 1024u /* IMPLEMENTATION DEFINED first KiB of the pending table */

typedef struct lpi_rec {
    uint32_t intid; /* 0 = empty slot */
    uint8_t prio;
    uint8_t enabled;
    uint8_t in_cache; /* pending state held in the LPI cache, not (yet) in the table */
    uint8_t via_vpt;  /* a vLPI recorded in its VPT while the vPE was not resident (vpe.c) */
    uint32_t gen;
    gic_time_t t_src, t_vis;
} lpi_rec_t;

typedef struct heap_ent {
    uint64_t key;
    uint32_t intid, gen;
} heap_ent_t;

/* A binary min-heap. Its first entry lives in the heap itself (inl: on the
 * space's host cache line, where a redistributor with one LPI pending at a
 * time keeps it), more in an allocated array. v: inl or the array (NULL
 * before the first push: a zero heap is empty and valid); a space holding
 * one is not moved or copied. */
#define HEAP_INLINE 1u
typedef struct heap {
    heap_ent_t *v;
    uint32_t n, cap;
    heap_ent_t inl[HEAP_INLINE];
} heap_t;

/* LPI cache entry value */
typedef struct lpi_cval {
    uint8_t prio, enabled, pending, membit;
} lpi_cval_t;

/* An LPI space: the property and pending tables of one set of LPIs, the
 * host mirror of its pending LPIs and its scan state. Owned by a
 * redistributor (physical LPIs: GICR_PROPBASER/PENDBASER) or, with GICv4, by
 * a vPE (virtual LPIs: GICR_VPROPBASER and the vPE's virtual pending table).
 * key names the space in LPI cache keys (cache key = key << 32 | INTID);
 * cpu is the redistributor whose CPU interface its LPIs are signalled to and
 * whose memory agent and LPI cache it uses. */
typedef struct lpi_space {
    /* What setting an LPI pending, the HPPI and the acknowledge read, on the
     * first two host cache lines of a redistributor's space (the array of
     * them is 64-byte aligned and the struct a whole number of lines): with
     * hundreds of CPUs each MSI finds its CPU's space cold. */
    uint32_t key;
    uint32_t cpu;
    bool virt; /* a vPE's vLPI space (vpe.c): signals the virtual CPU interface of cpu */
    bool enabled;
    bool stale;
    bool gated; /* gate was set and may lie ahead: read it (else no scan gate) */
    /* pending map (open addressing, backward-shift deletion); occ (vPE spaces
     * only, else NULL): a bit per slot, set when it holds a record, so a walk
     * of the records takes time in proportion to them (lpi_map_next), not to
     * the map's size */
    uint32_t map_mask, npend;
    uint32_t gen_ctr;
    lpi_rec_t *map;
    mem_agent_t *agent;
    uint64_t propbaser, pendbaser;
    gic_time_t busy_until;
    heap_t prio, arrive; /* the second line */
    /* seldom read */
    gic_time_t gate; /* no LPI is seen before (a scan's end; read when gated) */
    uint64_t *occ;
    gic_time_t rwp_until, stale_since;
    /* full / summary scan policies: the record (INTID, generation) space_hppi
     * last presented, which a rescan's gate keeps presenting while it is
     * current (0: none) */
    uint32_t shown_intid, shown_gen;
    bool ptz; /* last PTZ written */
    uint8_t pad_[23]; /* to 192 bytes */
} lpi_space_t;
_Static_assert(sizeof(lpi_space_t) % 64 == 0, "lpi_space_t: a whole number of host cache lines");

struct gic_lpi {
    lpi_space_t *rd;     /* [num_cpus]: the physical LPI space of each redistributor */
    mem_agent_t *agents; /* [num_cpus]: each redistributor's memory agent */
    gic_cache_t **cache; /* [num_cpus] when per-redistributor, else [1] */
    uint32_t ncache;
    uint64_t *c_set, *c_coal, *c_wb, *c_scan_reads, *c_scans, *c_acks, *c_orphan;
    gic_reason_memo_t drops; /* lpi.dropped.<reason> */
    gic_hist_t *h_scan;
};

/* ---- small helpers ------------------------------------------------------------ */
/* Bytes per pending-table read of a scan (cfg.lpi_scan_read_bytes, a power
 * of two up to LPI_CHUNK). */
static inline uint32_t scan_read_bytes(const gic_t *g)
{
    uint32_t n = g->cfg.lpi_scan_read_bytes;
    return n && n <= LPI_CHUNK ? n : LPI_CHUNK;
}
/* The physical LPI space of a redistributor. */
static inline lpi_space_t *PHYS(gic_t *g, uint32_t cpu) { return &g->lpi->rd[cpu]; }
static inline gic_cache_t *CACHE_OF(gic_t *g, uint32_t cpu)
{
    struct gic_lpi *l = g->lpi;
    return l->cache[l->ncache > 1 ? cpu : 0];
}
static inline uint64_t ckey(uint32_t cpu, uint32_t intid) { return ((uint64_t)cpu << 32) | intid; }
static inline gic_time_t tmax(gic_time_t a, gic_time_t b) { return a > b ? a : b; }
static inline gic_time_t sig_lat(const gic_t *g)
{
    return gic_cycles(g, (uint64_t)g->cfg.lat_redist_to_cpu + g->cfg.lat_cpu_signal);
}

/* Number of INTID bits usable at this redistributor: min(PROPBASER.IDbits+1,
 * GICD_TYPER.IDbits+1). Below 14 no LPI exists (IHI0069: IDbits < 0b1101). */
static inline uint32_t lpi_id_bits_of(const gic_t *g, const lpi_space_t *r)
{
    uint32_t b = (uint32_t)(r->propbaser & 0x1f) + 1;
    if (b > g->cfg.lpi_id_bits) b = g->cfg.lpi_id_bits;
    return b < 14 ? 0 : b;
}
static inline uint64_t prop_pa(const lpi_space_t *r) { return r->propbaser & (0xffffffffffull << 12); }
static inline uint64_t pend_pa(const lpi_space_t *r) { return r->pendbaser & (0xfffffffffull << 16); }
static inline uint64_t table_bytes(uint32_t bits) { return bits ? ((uint64_t)1 << bits) / 8 : 0; }
/* summary policy: INTIDs per summary bit (region), at least one 64-byte line */
static inline uint64_t region_intids(uint32_t bits)
{
    uint64_t r = ((uint64_t)1 << bits) / (LPI_IMPDEF * 8);
    return r < LPI_CHUNK * 8 ? LPI_CHUNK * 8 : r;
}

static inline uint8_t prio_of(const gic_t *g, uint8_t prop) { return (uint8_t)(prop & 0xfc & gic_prio_mask(g)); }

/* The LPI space named by a cache key's space number: the physical space of
 * that redistributor, or a vPE's space (keys from num_cpus on, vpe.c). */
lpi_space_t *vpe_space_of_key(gic_t *g, uint32_t key);
static inline lpi_space_t *lpi_space_of_key(gic_t *g, uint32_t key)
{
    return key < g->cfg.num_cpus ? PHYS(g, key) : vpe_space_of_key(g, key);
}

/* The configuration byte of vLPI vintid of a vPE's space at its residency load:
 * from the vLPI configuration cache (cfg.vpe_vlpi_cache) or, on a miss or
 * without the cache, read from the table (*mem_read = true) and cached. */
gic_status_t vpe_read_vprop(gic_t *g, lpi_space_t *r, uint32_t vintid, gic_time_t start, uint8_t *prop,
                            gic_time_t *done, bool *mem_read);

/* No new LPI of r is seen before t (a scan's end): the gate, and gated, which
 * space_hppi tests before it reads the gate's line. Every write of the gate
 * goes through here, so the two never disagree. */
static inline void lpi_space_set_gate(lpi_space_t *r, gic_time_t t)
{
    r->gate = t;
    r->gated = true;
}

/* Tell the CPU interface the space signals to that its LPI state changed (an
 * update at t): the physical interface of r->cpu, or for a vPE's space the
 * virtual interface where the vPE is resident (nothing when it is not). */
void vpe_space_notify(gic_t *g, const lpi_space_t *r, gic_time_t t);
static inline void lpi_space_notify(gic_t *g, const lpi_space_t *r, gic_time_t t)
{
    if (r->virt) vpe_space_notify(g, r, t);
    else gic_cpu_update_at(g, r->cpu, t);
}

/* ---- lpi_space.c ---- */
/* Free what a space allocated (its mirror and heaps; not the space itself). */
void lpi_space_free(lpi_space_t *r);
bool lpi_heap_push(heap_t *h, uint64_t key, uint32_t intid, uint32_t gen);
/* Capacity for n entries (false: no host memory; nothing changed). */
bool lpi_heap_reserve(heap_t *h, uint32_t n);
lpi_rec_t *lpi_map_insert(lpi_space_t *r, uint32_t intid);
void lpi_map_remove(lpi_space_t *r, lpi_rec_t *e);
/* Read-modify-write of one pending bit in the space's pending table. */
gic_status_t lpi_pend_rmw(gic_t *g, lpi_space_t *r, uint32_t intid, bool set, gic_time_t start,
                          gic_time_t *done);
static inline uint32_t lpi_hslot(uint32_t intid, uint32_t mask) { return (intid * 2654435761u) & mask; }
/* The first slot at or after i that holds a record, or map_mask + 1 when
 * none (r->map != NULL; slots in ascending order, as a walk of the map). */
static inline uint32_t lpi_map_next(const lpi_space_t *r, uint32_t i)
{
    if (!r->occ) { /* a physical space: no occupancy bits */
        while (i <= r->map_mask && !r->map[i].intid) i++;
        return i;
    }
    uint32_t nw = (r->map_mask + 1) / 64, w = i / 64;
    if (w >= nw) return r->map_mask + 1;
    uint64_t bits = r->occ[w] & (~0ull << (i % 64));
    while (!bits) {
        if (++w >= nw) return r->map_mask + 1;
        bits = r->occ[w];
    }
    return w * 64 + (uint32_t)__builtin_ctzll(bits);
}
static inline lpi_rec_t *lpi_map_find(lpi_space_t *r, uint32_t intid)
{
    if (!r->map) return NULL;
    for (uint32_t i = lpi_hslot(intid, r->map_mask);; i = (i + 1) & r->map_mask) {
        if (r->map[i].intid == intid) return &r->map[i];
        if (r->map[i].intid == 0) return NULL;
    }
}
static inline gic_status_t lpi_mem(gic_t *g, lpi_space_t *r, mem_cls_t cls, gic_time_t start, bool wr,
                                   uint64_t addr, void *buf, uint32_t len, gic_time_t *done)
{
    return mem_access_agent(g, r->agent, cls, start, wr, addr, buf, len, done);
}
/* The property byte of intid (one timed read of the space's configuration
 * table; 0 when the read fails). Inline: once per pending LPI of a load. */
static inline gic_status_t lpi_read_prop(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start, uint8_t *prop,
                                         gic_time_t *done)
{
    gic_status_t st = lpi_mem(g, r, MEM_CLS_PROP, start, false, prop_pa(r) + (intid - GIC_LPI_BASE), prop, 1, done);
    if (st != GIC_OK) *prop = 0;
    return st;
}
gic_time_t lpi_writeback(gic_t *g, uint64_t key, const lpi_cval_t *v, gic_time_t start);
bool lpi_space_valid_intid(const gic_t *g, const lpi_space_t *r, uint32_t intid);
gic_msi_outcome_t lpi_space_set_pending(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start,
                                        gic_time_t t_src, const char **reason);

/* Space-level operations behind the per-redistributor lpi.h functions (and
 * the vPE ones of vpe.c); each notifies the interface the space signals to. */
gic_time_t lpi_space_ack(gic_t *g, lpi_space_t *r, uint32_t intid);
gic_time_t lpi_space_pending_time(gic_t *g, lpi_space_t *r, uint32_t intid);
gic_time_t lpi_space_clear(gic_t *g, lpi_space_t *r, uint32_t intid);
gic_time_t lpi_space_inv(gic_t *g, lpi_space_t *r, uint32_t intid);
gic_time_t lpi_space_invall(gic_t *g, lpi_space_t *r);
/* Highest-priority enabled pending LPI visible at now (out must be "none" on
 * entry); *until lowered as for lpi_hppi_until. */
void lpi_space_hppi(gic_t *g, lpi_space_t *r, gic_cand_t *out, gic_time_t *until);

/* Write back the space's cached pending state to its pending table and drop
 * its LPI cache entries; returns when the write-backs complete. */
gic_time_t lpi_space_flush(gic_t *g, lpi_space_t *r);

/* ---- lpi_scan.c ---- */
/* Mirror's answer ignoring visibility (for the scans' cross-check). */
void lpi_mirror_best(gic_t *g, lpi_space_t *r, gic_cand_t *out);
/* Rescan the pending table (full) or its non-empty regions (summary). */
void lpi_rescan(gic_t *g, lpi_space_t *r, gic_time_t start);
/* Summary policy: mark the region of intid in the summary bitmap. */
void lpi_summary_mark(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start);
/* LPIs enabled (EnableLPIs 0 -> 1): load the pending table (PTZ = 0). */
void lpi_space_load(gic_t *g, lpi_space_t *r);
/* A vPE becomes resident (GICR_VPENDBASER.Valid 0 -> 1): find its pending
 * vLPIs with the scan policy (full: the whole VPT; tracked: only the VPT
 * bytes of the vLPIs the GIC recorded; summary: the bitmap in the VPT's
 * IMPLEMENTATION DEFINED first KiB, then the non-empty regions), read their
 * configuration and publish them. impdef_invalid (GICv4.0
 * GICR_VPENDBASER.IDAI = 1; GICv4.1: a VPT the GIC has not parsed since it
 * was mapped): the GIC's own information about the table (the summary
 * bitmap, the tracked records) cannot be trusted, and every policy reads
 * the whole table. Returns the time the load completes; *reads = memory
 * reads made. */
gic_time_t lpi_space_load_resident(gic_t *g, lpi_space_t *r, bool impdef_invalid, uint64_t *reads);
#endif
