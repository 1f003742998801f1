/* LPI spaces (lpi_space.h; IHI0069 "Locality-specific Peripheral
 * Interrupts"): the host mirror of each space's pending LPIs, set-pending,
 * clear, INV/INVALL, MOVI/MOVALL, the highest-priority pending LPI, and the
 * LPI cache with its write-backs. See docs/lpi.md for the model.
 *
 * Where the state lives (as on hardware):
 *  - LPI configuration: one byte per LPI in the property table at
 *    GICR_PROPBASER.PA (priority [7:2], Enable [0]; LPIs are Group 1).
 *  - Pending state: one bit per INTID in the pending table at
 *    GICR_PENDBASER.PA; bytes 0..1023 (INTIDs 0..8191) are IMPLEMENTATION
 *    DEFINED: the summary scan policy keeps its coarse bitmap there.
 *  - The LPI cache (model/cache.c; chip-wide or one per redistributor) holds
 *    configuration and pending state of recently used LPIs, keyed by
 *    (space, INTID). A pending LPI held only in the cache is written
 *    to the pending table when its entry is evicted or LPIs are disabled.
 *    With entries == 0 every set/clear is a read-modify-write of the pending
 *    table and every configuration lookup reads the property table.
 *
 * Host mirror: each LPI space keeps a sparse hash map of its pending LPIs
 * (INTID -> latched configuration, times), a lazy-deletion min-heap ordered by
 * (priority, INTID) over the visible enabled ones and a heap of LPIs still in
 * flight (ordered by visibility time). It gives the functional answer of
 * every scan policy in O(log n); the policies differ in the memory traffic
 * they model and in host work: full and summary really walk the table in the
 * modelled memory (and cross-check their result against the mirror,
 * errors.lpi_scan_mismatch), tracked never rescans.
 *
 * HPPI cache (cpuif_engine.c): every function of lpi.h that changes a
 * redistributor's LPI state marks that CPU with gic_hppi_changed() before
 * returning (nothing in this file evaluates a CPU interface); lpi_hppi_until
 * reports when its answer can change by time alone (gate, next arrival).
 *
 * Configuration semantic (all policies alike): an LPI's priority/enable is
 * latched when the GIC reads its property byte (on a set-pending that misses
 * the cache, at the EnableLPIs load, on INV/INVALL/GICR_INVLPIR/GICR_INVALLR)
 * and is not re-read otherwise (IHI0069: a property-table change is only
 * guaranteed to be seen after an invalidation).
 */
#include "lpi_space.h"

/* ---- heap ------------------------------------------------------------------ */
/* Room for n entries: the inline entry first, then an array (the inline one
 * copied into it), doubled as it fills. */
static bool heap_grow(heap_t *h, uint32_t n)
{
    if (!h->v && n <= HEAP_INLINE) {
        h->v = h->inl;
        h->cap = HEAP_INLINE;
        return true;
    }
    uint32_t nc = h->cap > HEAP_INLINE ? h->cap : 16;
    while (nc < n) {
        if (nc > UINT32_MAX / 2) return false;
        nc *= 2;
    }
    heap_ent_t *nv;
    if (h->v == h->inl || !h->v) {
        nv = malloc((size_t)nc * sizeof(*nv));
        if (nv && h->n) memcpy(nv, h->v, (size_t)h->n * sizeof(*nv));
    } else {
        nv = realloc(h->v, (size_t)nc * sizeof(*nv));
    }
    if (!nv) return false;
    h->v = nv;
    h->cap = nc;
    return true;
}

bool lpi_heap_push(heap_t *h, uint64_t key, uint32_t intid, uint32_t gen)
{
    if (h->n == h->cap && !heap_grow(h, h->n + 1)) return false;
    uint32_t i = h->n++;
    heap_ent_t e = {key, intid, gen};
    while (i > 0) {
        uint32_t p = (i - 1) / 2;
        if (h->v[p].key <= key) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
    return true;
}

bool lpi_heap_reserve(heap_t *h, uint32_t n) { return n <= h->cap || heap_grow(h, n); }

/* Free a heap's array (not the heap: it stays valid and empty). */
static void heap_free(heap_t *h)
{
    if (h->v != h->inl) free(h->v);
    h->v = NULL;
    h->n = h->cap = 0;
}

static void lpi_heap_pop(heap_t *h)
{
    if (!h->n) return;
    heap_ent_t last = h->v[--h->n];
    uint32_t i = 0;
    for (;;) {
        uint32_t l = 2 * i + 1, rr = l + 1, m = i;
        uint64_t best = last.key;
        if (l < h->n && h->v[l].key < best) { m = l; best = h->v[l].key; }
        if (rr < h->n && h->v[rr].key < best) m = rr;
        if (m == i) break;
        h->v[i] = h->v[m];
        i = m;
    }
    if (h->n) h->v[i] = last;
}

/* ---- pending map -------------------------------------------------------------- */

/* Occupancy bits: kept for vPE spaces only (walked at every residency load);
 * a physical space's map has none (occ NULL), so the physical LPI path pays
 * one test per insert or remove, of virt (on the space's first host cache
 * line; occ is not). */
static inline void occ_set(lpi_space_t *r, uint32_t i)
{
    if (r->virt && r->occ) r->occ[i / 64] |= 1ull << (i % 64);
}
static inline void occ_clr(lpi_space_t *r, uint32_t i)
{
    if (r->virt && r->occ) r->occ[i / 64] &= ~(1ull << (i % 64));
}

static bool lpi_map_grow(lpi_space_t *r)
{
    uint32_t ncap = r->map ? (r->map_mask + 1) * 2 : 64; /* a multiple of 64: whole occupancy words */
    lpi_rec_t *nm = calloc(ncap, sizeof(*nm));
    uint64_t *no = r->virt ? calloc(ncap / 64, sizeof(*no)) : NULL;
    if (!nm || (r->virt && !no)) {
        free(nm);
        free(no);
        return false;
    }
    if (r->map) {
        for (uint32_t i = 0; i <= r->map_mask; i++) {
            if (!r->map[i].intid) continue;
            uint32_t j = lpi_hslot(r->map[i].intid, ncap - 1);
            while (nm[j].intid) j = (j + 1) & (ncap - 1);
            nm[j] = r->map[i];
            if (no) no[j / 64] |= 1ull << (j % 64);
        }
        free(r->map);
    }
    free(r->occ); /* (also a stale one, when the map was dropped at EnableLPIs 1 -> 0) */
    r->map = nm;
    r->occ = no;
    r->map_mask = ncap - 1;
    return true;
}

lpi_rec_t *lpi_map_insert(lpi_space_t *r, uint32_t intid)
{
    if (!r->map || (r->npend + 1) * 2 > r->map_mask + 1)
        if (!lpi_map_grow(r)) return NULL;
    uint32_t i = lpi_hslot(intid, r->map_mask);
    while (r->map[i].intid) i = (i + 1) & r->map_mask;
    memset(&r->map[i], 0, sizeof(r->map[i]));
    r->map[i].intid = intid;
    occ_set(r, i);
    r->npend++;
    return &r->map[i];
}

void lpi_map_remove(lpi_space_t *r, lpi_rec_t *e)
{
    uint32_t hole = (uint32_t)(e - r->map);
    r->map[hole].intid = 0;
    occ_clr(r, hole);
    r->npend--;
    for (uint32_t j = (hole + 1) & r->map_mask; r->map[j].intid; j = (j + 1) & r->map_mask) {
        uint32_t home = lpi_hslot(r->map[j].intid, r->map_mask);
        bool in = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in) {
            r->map[hole] = r->map[j];
            r->map[j].intid = 0;
            occ_set(r, hole);
            occ_clr(r, j);
            hole = j;
        }
    }
}

/* (Re)publish a record to the heaps after insertion or a configuration change
 * (inlined: once per MSI on the physical hot path). */
static inline __attribute__((always_inline)) void lpi_rec_publish(gic_t *g, lpi_space_t *r, lpi_rec_t *e)
{
    e->gen = ++r->gen_ctr;
    if (!lpi_heap_push(&r->arrive, e->t_vis, e->intid, e->gen))
        gic_error(g, "lpi_alloc", "lpi", "redist %u: heap allocation failed (LPI %u kept pending)",
                  r->cpu, e->intid);
    lpi_space_notify(g, r, e->t_vis);
}

static void lpi_heaps_rebuild(lpi_space_t *r)
{
    r->prio.n = r->arrive.n = 0;
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (e->intid) lpi_heap_push(&r->arrive, e->t_vis, e->intid, e->gen);
    }
}

/* ---- memory helpers ------------------------------------------------------------- */

/* Read-modify-write of one pending bit in the table; returns completion time. */
gic_status_t lpi_pend_rmw(gic_t *g, lpi_space_t *r, uint32_t intid, bool set, gic_time_t start,
                             gic_time_t *done)
{
    uint64_t a = pend_pa(r) + intid / 8;
    uint8_t b = 0;
    gic_time_t d;
    gic_status_t st = lpi_mem(g, r, MEM_CLS_PEND, start, false, a, &b, 1, &d);
    if (st == GIC_OK) {
        uint8_t m = (uint8_t)(1u << (intid % 8));
        b = set ? (uint8_t)(b | m) : (uint8_t)(b & ~m);
        st = lpi_mem(g, r, MEM_CLS_PEND, d, true, a, &b, 1, &d);
        if (st == GIC_OK && set) lpi_summary_mark(g, r, intid, d);
    }
    *done = d;
    return st;
}

/* Write back an evicted/flushed LPI cache entry whose pending state differs
 * from the table. */
gic_time_t lpi_writeback(gic_t *g, uint64_t key, const lpi_cval_t *v, gic_time_t start)
{
    if (v->pending == v->membit) return start;
    uint32_t intid = (uint32_t)key;
    lpi_space_t *r = lpi_space_of_key(g, (uint32_t)(key >> 32));
    gic_time_t d = start;
    gic_inc(g->lpi->c_wb);
    if (lpi_pend_rmw(g, r, intid, v->pending != 0, start, &d) != GIC_OK)
        gic_error(g, "lpi_writeback_failed", "lpi",
                  "redist %u: write-back of LPI %u pending=%u to the pending table failed",
                  r->cpu, intid, v->pending);
    lpi_rec_t *e = lpi_map_find(r, intid);
    if (e) e->in_cache = 0; /* the table holds its pending state now */
    return d;
}

/* Fill the LPI cache, writing back a dirty victim. */
static void lpi_cache_put(gic_t *g, lpi_space_t *r, uint32_t intid, const lpi_cval_t *v, gic_time_t start)
{
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    uint64_t ek = 0;
    lpi_cval_t ev;
    if (cache_fill(c, ckey(r->key, intid), v, false, &ek, &ev)) lpi_writeback(g, ek, &ev, start);
}

/* ---- lifecycle --------------------------------------------------------------------- */
void lpi_space_free(lpi_space_t *r)
{
    free(r->map);
    free(r->occ);
    heap_free(&r->prio);
    heap_free(&r->arrive);
}

/* The LPI statistics */
static const gic_stat_def_t lpi_stats[] = {
    GIC_COUNTER_DEF(struct gic_lpi, c_set, "lpi.set_pending"),
    GIC_COUNTER_DEF(struct gic_lpi, c_coal, "lpi.coalesced"),
    GIC_COUNTER_DEF(struct gic_lpi, c_wb, "lpi.writebacks"),
    GIC_COUNTER_DEF(struct gic_lpi, c_scan_reads, "lpi.scan.reads"),
    GIC_COUNTER_DEF(struct gic_lpi, c_scans, "lpi.scans"),
    GIC_COUNTER_DEF(struct gic_lpi, c_acks, "lpi.acks"),
    GIC_COUNTER_DEF(struct gic_lpi, c_orphan, "lpi.scan.orphan_bits"),
    GIC_HIST_DEF(struct gic_lpi, h_scan, "ps", "lpi.scan.latency"),
};

struct gic_lpi *lpi_create(gic_t *g)
{
    struct gic_lpi *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    uint32_t n = g->cfg.num_cpus;
    l->rd = host_arena_calloc(&g->arena, n, sizeof(lpi_space_t));
    l->agents = host_arena_calloc(&g->arena, n, sizeof(mem_agent_t));
    l->ncache = g->cfg.lpi_cache_per_redist ? n : 1;
    l->cache = calloc(l->ncache, sizeof(gic_cache_t *));
    if (!l->rd || !l->cache || !l->agents) {
        free(l->cache);
        free(l);
        return NULL;
    }
    bool ok = true;
    for (uint32_t i = 0; i < l->ncache; i++) {
        l->cache[i] = cache_create(g, &g->cfg.lpi_cache, sizeof(lpi_cval_t), "lpi.cache");
        ok = ok && l->cache[i];
        /* one vPE space's entries without a walk of the cache (at every
         * residency change); a redistributor's own space (keys below
         * num_cpus) is walked for at INVALL, MOVALL, EnableLPIs 1 -> 0 and the
         * full and summary policies' rescans, each of which costs more than a
         * walk of the cache, while lists would cost every fill and eviction
         * of the physical path a host cache line or two with hundreds of
         * CPUs. Tracked or not, the same answers. */
        if (l->cache[i]) cache_track_groups(l->cache[i], n);
    }
    for (uint32_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "redist%u", i);
        l->rd[i].key = i;
        l->rd[i].cpu = i;
        l->rd[i].agent = &l->agents[i];
        mem_agent_init(g, &l->agents[i], name, g->cfg.redist_max_reads, g->cfg.redist_max_writes);
    }
    gic_stats_define(g, l, lpi_stats, sizeof lpi_stats / sizeof lpi_stats[0]);
    gic_reason_family(g, "lpi.dropped.");
    if (!ok) {
        lpi_destroy(g, l);
        return NULL;
    }
    return l;
}

void lpi_destroy(gic_t *g, struct gic_lpi *l)
{
    if (!l) return;
    for (uint32_t i = 0; l->rd && i < g->cfg.num_cpus; i++) {
        lpi_space_free(&l->rd[i]);
        if (l->agents) mem_agent_free(g, &l->agents[i]);
    }
    for (uint32_t i = 0; l->cache && i < l->ncache; i++) cache_destroy(l->cache[i]);
    free(l->cache);
    free(l); /* (rd and agents: the arena's) */
}

bool lpi_space_valid_intid(const gic_t *g, const lpi_space_t *r, uint32_t intid)
{
    uint32_t b = lpi_id_bits_of(g, r);
    return b && intid >= GIC_LPI_BASE && (uint64_t)intid < ((uint64_t)1 << b);
}

static gic_msi_outcome_t drop(gic_t *g, const char *reason, const char **out)
{
    gic_inc(gic_reason_counter(g, &g->lpi->drops, "lpi.dropped.", reason));
    if (out) *out = reason;
    return GIC_MSI_DROPPED;
}

/* Make intid pending at r, issued at `start`. *vis = time it is visible to the
 * CPU interface. */
static inline __attribute__((always_inline)) gic_msi_outcome_t
space_set_pending(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start, gic_time_t t_src,
                  const char **reason)
{
    if (reason) *reason = NULL;
    gic_inc(g->lpi->c_set);
    if (!r->enabled) return drop(g, "lpis_disabled", reason);
    if (!lpi_space_valid_intid(g, r, intid)) return drop(g, "intid_out_of_range", reason);
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    lpi_rec_t *e = lpi_map_find(r, intid);
    lpi_cval_t cv;
    gic_time_t done = start;
    bool hit = false;
    lpi_cval_t *cvp = cache_lookup_ref(c, ckey(r->key, intid));
    if (cvp) {
        hit = true;
        done = start + gic_cycles(g, cache_hit_cycles(c));
        if (cvp->pending) {
            gic_inc(g->lpi->c_coal);
            return GIC_MSI_COALESCED;
        }
        cvp->pending = 1;
        cv = *cvp;
    } else {
        /* miss: configuration from the property table, pending bit from the
         * pending table (two independent reads) */
        uint8_t prop = 0, pb = 0;
        gic_time_t d1, d2;
        if (lpi_read_prop(g, r, intid, start, &prop, &d1) != GIC_OK) {
            gic_error(g, "lpi_prop_read_failed", "lpi",
                      "redist %u: reading the property of LPI %u at 0x%llx failed", r->cpu, intid,
                      (unsigned long long)(prop_pa(r) + intid - GIC_LPI_BASE));
            return drop(g, "prop_table_error", reason);
        }
        if (lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + intid / 8, &pb, 1, &d2) != GIC_OK) {
            gic_error(g, "lpi_pend_read_failed", "lpi",
                      "redist %u: reading the pending bit of LPI %u failed", r->cpu, intid);
            return drop(g, "pend_table_error", reason);
        }
        done = tmax(d1, d2);
        cv.prio = prio_of(g, prop);
        cv.enabled = prop & 1;
        cv.membit = e ? 1 : 0; /* the table holds the pending state of uncached LPIs */
        if (e) {
            /* already pending (in the table): the new configuration read is latched */
            cv.pending = 1;
            if (e->prio != cv.prio || e->enabled != cv.enabled) {
                e->prio = cv.prio;
                e->enabled = cv.enabled;
                lpi_rec_publish(g, r, e);
            }
            if (cache_present(c)) {
                lpi_cache_put(g, r, intid, &cv, done);
                e = lpi_map_find(r, intid); /* (the map is not touched by lpi_cache_put, but be safe) */
                if (e && cache_peek(c, ckey(r->key, intid), NULL)) e->in_cache = 1;
            }
            gic_inc(g->lpi->c_coal);
            return GIC_MSI_COALESCED;
        }
        cv.pending = 1;
        if (cache_present(c)) {
            lpi_cache_put(g, r, intid, &cv, done);
        } else {
            uint8_t nb = (uint8_t)(pb | (1u << (intid % 8)));
            if (lpi_mem(g, r, MEM_CLS_PEND, d2, true, pend_pa(r) + intid / 8, &nb, 1, &d2) != GIC_OK) {
                gic_error(g, "lpi_pend_write_failed", "lpi",
                          "redist %u: writing the pending bit of LPI %u failed", r->cpu, intid);
                return drop(g, "pend_table_error", reason);
            }
            lpi_summary_mark(g, r, intid, d2);
        }
    }
    if (e) {
        /* cache hit on a non-pending entry while the mirror has a record cannot
         * happen (the record exists iff pending); keep the record */
        gic_inc(g->lpi->c_coal);
        return GIC_MSI_COALESCED;
    }
    e = lpi_map_insert(r, intid);
    if (!e) {
        gic_error(g, "lpi_alloc", "lpi", "redist %u: allocation failed: LPI %u dropped", r->cpu,
                  intid);
        return drop(g, "host_alloc", reason);
    }
    e->prio = cv.prio;
    e->enabled = cv.enabled;
    e->in_cache = (hit || cache_peek_ref(c, ckey(r->key, intid))) ? 1 : 0;
    e->t_src = t_src;
    e->t_vis = done + sig_lat(g);
    r->busy_until = tmax(r->busy_until, done);
    lpi_rec_publish(g, r, e);
    return GIC_MSI_DELIVERED;
}

/* The body inlined into the physical entry point (once per MSI), the extern
 * version for vpe.c and MOVALL. */
gic_msi_outcome_t lpi_space_set_pending(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start,
                                        gic_time_t t_src, const char **reason)
{
    return space_set_pending(g, r, intid, start, t_src, reason);
}

void lpi_prefetch(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus || intid < GIC_LPI_BASE) return;
    lpi_space_t *r = PHYS(g, cpu);
    if (!r->enabled) return;
    mem_prefetch(g, prop_pa(r) + intid - GIC_LPI_BASE);
    mem_prefetch(g, pend_pa(r) + intid / 8);
}

/* Both physical entry points: the body inlined into the per-MSI one. */
static inline __attribute__((always_inline)) gic_msi_outcome_t
phys_set_pending(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t start, gic_time_t t_src, const char **reason)
{
    if (cpu >= g->cfg.num_cpus) return drop(g, "bad_redistributor", reason);
    gic_msi_outcome_t oc = space_set_pending(g, PHYS(g, cpu), intid, start, t_src, reason);
    gic_hppi_changed(g, cpu);
    return oc;
}

gic_msi_outcome_t lpi_set_pending_at(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t start,
                                     gic_time_t t_src, const char **reason)
{
    return phys_set_pending(g, cpu, intid, start < g->now ? g->now : start, t_src, reason);
}

gic_msi_outcome_t lpi_set_pending(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t t_src,
                                  const char **reason)
{
    return phys_set_pending(g, cpu, intid, g->now, t_src, reason);
}

/* Remove the pending state of intid at r (ack, CLEAR, DISCARD, move-out).
 * Returns completion time of the state update. */
static gic_time_t clear_rec(gic_t *g, lpi_space_t *r, lpi_rec_t *e, gic_time_t start,
                            gic_time_t *t_src);
static gic_time_t clear_at(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start,
                           gic_time_t *t_src)
{
    lpi_rec_t *e = lpi_map_find(r, intid);
    if (!e) return start;
    return clear_rec(g, r, e, start, t_src);
}

/* clear_at of the pending record e (of r's map) */
static gic_time_t clear_rec(gic_t *g, lpi_space_t *r, lpi_rec_t *e, gic_time_t start,
                            gic_time_t *t_src)
{
    uint32_t intid = e->intid;
    if (t_src) *t_src = e->t_src;
    /* full policy: QEMU rescans when the current best is cleared */
    if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && e->enabled) {
        gic_cand_t m;
        lpi_mirror_best(g, r, &m);
        if (m.intid == intid && !r->stale) {
            r->stale = true;
            r->stale_since = start;
        }
    }
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    gic_time_t done = start;
    lpi_cval_t *cvp = cache_peek_ref(c, ckey(r->key, intid));
    if (cvp) {
        cvp->pending = 0;
        done = start + gic_cycles(g, cache_hit_cycles(c));
    } else if (lpi_pend_rmw(g, r, intid, false, start, &done) != GIC_OK) {
        gic_error(g, "lpi_pend_write_failed", "lpi",
                  "redist %u: clearing the pending bit of LPI %u failed", r->cpu, intid);
    }
    lpi_map_remove(r, e);
    r->busy_until = tmax(r->busy_until, done);
    if (r->prio.n + r->arrive.n > 4u * r->npend + 64u) lpi_heaps_rebuild(r);
    return done;
}

/* Inlined into the per-redistributor entry points (the physical hot path);
 * the extern versions serve vpe.c. */
static inline __attribute__((always_inline)) gic_time_t space_ack(gic_t *g, lpi_space_t *r, uint32_t intid)
{
    gic_time_t t_src = g->now;
    lpi_rec_t *e = lpi_map_find(r, intid);
    if (!e) return g->now;
    gic_inc(g->lpi->c_acks);
    clear_rec(g, r, e, g->now, &t_src);
    return t_src;
}
gic_time_t lpi_space_ack(gic_t *g, lpi_space_t *r, uint32_t intid) { return space_ack(g, r, intid); }

gic_time_t lpi_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t t_src = space_ack(g, PHYS(g, cpu), intid);
    /* No update event: the only caller (ICC_IAR<n>_EL1) re-evaluates this
     * CPU interface right after the acknowledge. */
    gic_hppi_changed(g, cpu);
    return t_src;
}

gic_time_t lpi_space_pending_time(gic_t *g, lpi_space_t *r, uint32_t intid)
{
    lpi_rec_t *e = lpi_map_find(r, intid);
    return e ? e->t_src : g->now;
}

gic_time_t lpi_pending_time(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    return lpi_space_pending_time(g, PHYS(g, cpu), intid);
}

gic_time_t lpi_space_clear(gic_t *g, lpi_space_t *r, uint32_t intid)
{
    gic_time_t d = clear_at(g, r, intid, g->now, NULL);
    lpi_space_notify(g, r, g->now);
    return d;
}

gic_time_t lpi_clear_pending(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t d = lpi_space_clear(g, PHYS(g, cpu), intid);
    gic_hppi_changed(g, cpu);
    return d;
}

/* Reload the configuration of one LPI; returns completion time. */
static gic_time_t inv_at(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start)
{
    if (!r->enabled || !lpi_space_valid_intid(g, r, intid)) return start;
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    lpi_cval_t cv;
    bool cached = cache_peek(c, ckey(r->key, intid), &cv);
    lpi_rec_t *e = lpi_map_find(r, intid);
    if (!cached && !e) return start; /* nothing holds a copy: nothing to reload */
    uint8_t prop;
    gic_time_t d;
    if (lpi_read_prop(g, r, intid, start, &prop, &d) != GIC_OK) {
        gic_error(g, "lpi_prop_read_failed", "lpi",
                  "redist %u: INV of LPI %u: reading the property table failed", r->cpu, intid);
        return d;
    }
    uint8_t p = prio_of(g, prop), en = prop & 1;
    if (cached) {
        cv.prio = p;
        cv.enabled = en;
        cache_update(c, ckey(r->key, intid), &cv);
    }
    if (e && (e->prio != p || e->enabled != en)) {
        if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && !r->stale) {
            r->stale = true;
            r->stale_since = d;
        }
        e->prio = p;
        e->enabled = en;
        e->t_vis = tmax(e->t_vis, d + sig_lat(g));
        lpi_rec_publish(g, r, e);
    }
    return d;
}

gic_time_t lpi_space_inv(gic_t *g, lpi_space_t *r, uint32_t intid)
{
    gic_time_t d = inv_at(g, r, intid, g->now);
    r->busy_until = tmax(r->busy_until, d);
    lpi_space_notify(g, r, g->now);
    return d;
}

gic_time_t lpi_inv(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t d = lpi_space_inv(g, PHYS(g, cpu), intid);
    gic_hppi_changed(g, cpu);
    return d;
}

typedef struct keylist {
    uint32_t *v;
    size_t n, cap;
} keylist_t;

static void kl_add(keylist_t *k, uint32_t x)
{
    if (k->n == k->cap) {
        size_t nc = k->cap ? k->cap * 2 : 64;
        uint32_t *nv = realloc(k->v, nc * sizeof(*nv));
        if (!nv) return;
        k->v = nv;
        k->cap = nc;
    }
    k->v[k->n++] = x;
}

static void kl_cached(uint64_t key, const void *val, void *ctx)
{
    (void)val;
    kl_add(ctx, (uint32_t)key); /* (the space's entries only: cache_foreach_group) */
}

/* INTIDs with state at r (cached entries and pending records), sorted and
 * unique: a deterministic order independent of hash layout. */
static void collect(gic_t *g, lpi_space_t *r, keylist_t *k)
{
    memset(k, 0, sizeof(*k));
    cache_foreach_group(CACHE_OF(g, r->cpu), r->key, kl_cached, k);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++)
        if (r->map[i].intid) kl_add(k, r->map[i].intid);
    gic_sort_u32(k->v, k->n);
    size_t o = 0;
    for (size_t i = 0; i < k->n; i++)
        if (o == 0 || k->v[o - 1] != k->v[i]) k->v[o++] = k->v[i];
    k->n = o;
}

gic_time_t lpi_space_invall(gic_t *g, lpi_space_t *r)
{
    if (!r->enabled) return g->now;
    keylist_t k;
    collect(g, r, &k);
    gic_time_t d = g->now;
    for (size_t i = 0; i < k.n; i++) d = tmax(d, inv_at(g, r, k.v[i], g->now));
    free(k.v);
    if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED) {
        /* IHI0069: after INVALL every LPI's configuration may have changed */
        r->stale = true;
        r->stale_since = tmax(r->stale ? r->stale_since : 0, d);
    }
    r->busy_until = tmax(r->busy_until, d);
    lpi_space_notify(g, r, g->now);
    return d;
}

gic_time_t lpi_invall(gic_t *g, uint32_t cpu)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t d = lpi_space_invall(g, PHYS(g, cpu));
    gic_hppi_changed(g, cpu);
    return d;
}

gic_time_t lpi_move(gic_t *g, uint32_t from, uint32_t to, uint32_t intid)
{
    if (from >= g->cfg.num_cpus || to >= g->cfg.num_cpus || from == to) return g->now;
    lpi_space_t *rf = PHYS(g, from);
    lpi_rec_t *e = lpi_map_find(rf, intid);
    if (!e) return g->now;
    gic_time_t t_src = e->t_src;
    gic_time_t d = clear_at(g, rf, intid, g->now, NULL);
    const char *why = NULL;
    if (lpi_space_set_pending(g, PHYS(g, to), intid, d, t_src, &why) == GIC_MSI_DROPPED)
        gic_error(g, "lpi_move_dropped", "lpi", "move of pending LPI %u from redist %u to %u: %s",
                  intid, from, to, why ? why : "?");
    gic_hppi_changed(g, from);
    gic_hppi_changed(g, to);
    gic_cpu_update_at(g, from, g->now);
    return tmax(d, PHYS(g, to)->busy_until);
}

gic_time_t lpi_movall(gic_t *g, uint32_t from, uint32_t to)
{
    if (from >= g->cfg.num_cpus || to >= g->cfg.num_cpus || from == to) return g->now;
    lpi_space_t *rf = PHYS(g, from);
    gic_time_t start = g->now;
    /* full/summary: the source pending table is walked to find what to move */
    if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && rf->enabled) {
        lpi_rescan(g, rf, start);
        start = tmax(start, rf->busy_until);
    }
    keylist_t k;
    memset(&k, 0, sizeof(k));
    for (uint32_t i = 0; rf->map && i <= rf->map_mask; i++)
        if (rf->map[i].intid) kl_add(&k, rf->map[i].intid);
    gic_sort_u32(k.v, k.n);
    gic_time_t d = start;
    for (size_t i = 0; i < k.n; i++) {
        lpi_rec_t *e = lpi_map_find(rf, k.v[i]);
        if (!e) continue;
        gic_time_t t_src = e->t_src;
        gic_time_t c = clear_at(g, rf, k.v[i], start, NULL);
        const char *why = NULL;
        if (lpi_space_set_pending(g, PHYS(g, to), k.v[i], c, t_src, &why) == GIC_MSI_DROPPED)
            gic_error(g, "lpi_move_dropped", "lpi",
                      "MOVALL of pending LPI %u from redist %u to %u: %s", k.v[i], from, to,
                      why ? why : "?");
        d = tmax(d, tmax(c, PHYS(g, to)->busy_until));
    }
    free(k.v);
    rf->stale = false;
    gic_hppi_changed(g, from);
    gic_hppi_changed(g, to);
    gic_cpu_update_at(g, from, g->now);
    return d;
}

gic_time_t lpi_sync(gic_t *g, uint32_t cpu)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    return tmax(g->now, PHYS(g, cpu)->busy_until);
}

/* ---- highest-priority pending LPI ----------------------------------------------------- */
/* The pending record of intid if it is still generation gen (a heap entry or
 * what was shown was not superseded by a later publication), else NULL. */
static lpi_rec_t *rec_current(lpi_space_t *r, uint32_t intid, uint32_t gen)
{
    lpi_rec_t *e = lpi_map_find(r, intid);
    return e && e->gen == gen ? e : NULL;
}

static void present(gic_cand_t *out, const lpi_rec_t *e)
{
    out->intid = e->intid;
    out->prio = e->prio;
    out->group = 1;
}

void lpi_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out)
{
    gic_time_t until = UINT64_MAX;
    lpi_hppi_until(g, cpu, out, &until);
}

static inline __attribute__((always_inline)) void space_hppi(gic_t *g, lpi_space_t *r, gic_cand_t *out,
                                                               gic_time_t *until)
{
    if (!r->enabled) return;
    if (r->stale) {
        r->stale = false;
        lpi_rescan(g, r, tmax(r->stale_since, g->now));
    }
    if (r->gated) {
        if (g->now < r->gate) {
            if (r->gate < *until) *until = r->gate;
            /* A scan shows nothing new until it ends; what the redistributor
             * presented before it stays presented while its record is
             * current (a rescan after INV/INVALL that did not change it: no
             * reason in IHI0069 to withdraw a pending LPI). After an
             * acknowledge, or when INV changed it, or after a load (every
             * record published again), it is not. */
            lpi_rec_t *e = r->shown_intid ? rec_current(r, r->shown_intid, r->shown_gen) : NULL;
            if (e) present(out, e); /* (a new priority or enable is a new generation) */
            return;
        }
        r->gated = false; /* time only moves on: open until the gate is set again */
    }
    /* LPIs whose set-pending (or reconfiguration) has become visible */
    while (r->arrive.n && r->arrive.v[0].key <= g->now) {
        heap_ent_t h = r->arrive.v[0];
        lpi_heap_pop(&r->arrive);
        lpi_rec_t *e = rec_current(r, h.intid, h.gen);
        if (e && e->enabled)
            lpi_heap_push(&r->prio, ((uint64_t)e->prio << 32) | e->intid, e->intid, e->gen);
    }
    /* the next arrival (possibly of a superseded record: conservative) */
    if (r->arrive.n && r->arrive.v[0].key < *until) *until = r->arrive.v[0].key;
    while (r->prio.n) {
        heap_ent_t h = r->prio.v[0];
        lpi_rec_t *e = rec_current(r, h.intid, h.gen);
        if (e && e->enabled) {
            present(out, e);
            if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED) { /* (only these rescan) */
                r->shown_intid = e->intid;
                r->shown_gen = e->gen;
            }
            return;
        }
        lpi_heap_pop(&r->prio);
    }
}

void lpi_space_hppi(gic_t *g, lpi_space_t *r, gic_cand_t *out, gic_time_t *until) { space_hppi(g, r, out, until); }

void lpi_hppi_until(gic_t *g, uint32_t cpu, gic_cand_t *out, gic_time_t *until)
{
    cand_none(out);
    if (cpu >= g->cfg.num_cpus) return;
    space_hppi(g, PHYS(g, cpu), out, until);
}


/* ---- flush -------------------------------------------------------------------------- */
typedef struct flush_ctx {
    gic_t *g;
    gic_time_t start, done;
} flush_ctx_t;

/* Write back one of the space's entries and drop it: the space's entries only
 * (the cache's group list, cache_track_groups), in slot order as a walk of the
 * whole cache would visit them; a write-back does not touch the cache. */
static bool flush_one(uint64_t key, const void *val, void *ctx)
{
    flush_ctx_t *f = ctx;
    f->done = tmax(f->done, lpi_writeback(f->g, key, val, f->start));
    return true;
}

gic_time_t lpi_space_flush(gic_t *g, lpi_space_t *r)
{
    flush_ctx_t f = {g, g->now, g->now};
    cache_invalidate_group_if(CACHE_OF(g, r->cpu), r->key, flush_one, &f);
    return f.done;
}
