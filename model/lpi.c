/* LPIs in the redistributors (IHI0069 "Locality-specific Peripheral
 * Interrupts" and the GICR_* LPI registers). See docs/lpi.md for the model.
 *
 * Where the state lives (as on hardware):
 *  - LPI configuration: one byte per LPI in the property table at
 *    GICR_PROPBASER.PA (priority [7:2], Enable [0]; LPIs are Group 1).
 *  - Pending state: one bit per INTID in the pending table at
 *    GICR_PENDBASER.PA; bytes 0..1023 (INTIDs 0..8191) are IMPLEMENTATION
 *    DEFINED: the summary scan policy keeps its coarse bitmap there.
 *  - The LPI cache (model/cache.c; chip-wide or one per redistributor) holds
 *    configuration and pending state of recently used LPIs, keyed by
 *    (redistributor, INTID). A pending LPI held only in the cache is written
 *    to the pending table when its entry is evicted or LPIs are disabled.
 *    With entries == 0 every set/clear is a read-modify-write of the pending
 *    table and every configuration lookup reads the property table.
 *
 * Host mirror: each redistributor keeps a sparse hash map of its pending LPIs
 * (INTID -> latched configuration, times), a lazy-deletion min-heap ordered by
 * (priority, INTID) over the visible enabled ones and a heap of LPIs still in
 * flight (ordered by visibility time). It gives the functional answer of
 * every scan policy in O(log n); the policies differ in the memory traffic
 * they model and in host work: full and summary really walk the table in the
 * modelled memory (and cross-check their result against the mirror,
 * errors.lpi_scan_mismatch), tracked never rescans.
 *
 * HPPI cache (cpuif.c): every function of lpi.h that changes a
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
#include "lpi.h"

#include "cache.h"
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define LPI_CHUNK 64u  /* bytes per modelled table read/write (one cache line) */
#define LPI_IMPDEF 1024u /* IMPLEMENTATION DEFINED first KiB of the pending table */

/* GICR offsets (RD_base) */
#define OFF_SETLPIR 0x40u
#define OFF_CLRLPIR 0x48u
#define OFF_PROPBASER 0x70u
#define OFF_PENDBASER 0x78u
#define OFF_INVLPIR 0xa0u
#define OFF_INVALLR 0xb0u
#define OFF_SYNCR 0xc0u

/* writable fields: IDbits[4:0], InnerCache[9:7], Shareability[11:10],
 * PA[51:12] / PA[51:16], OuterCache[58:56]; PENDBASER.PTZ[62] is write-only */
#define PROPBASER_MASK (0x1full | (0x7ull << 7) | (0x3ull << 10) | (0xffffffffffull << 12) | (0x7ull << 56))
#define PENDBASER_MASK ((0x7ull << 7) | (0x3ull << 10) | (0xfffffffffull << 16) | (0x7ull << 56))
#define PENDBASER_PTZ (1ull << 62)

typedef struct lpi_rec {
    uint32_t intid; /* 0 = empty slot */
    uint8_t prio;
    uint8_t enabled;
    uint8_t in_cache; /* pending state held in the LPI cache, not (yet) in the table */
    uint8_t pad;
    uint32_t gen;
    gic_time_t t_src, t_vis;
} lpi_rec_t;

typedef struct heap_ent {
    uint64_t key;
    uint32_t intid, gen;
} heap_ent_t;

typedef struct heap {
    heap_ent_t *v;
    size_t n, cap;
} heap_t;

/* LPI cache entry value */
typedef struct lpi_cval {
    uint8_t prio, enabled, pending, membit;
} lpi_cval_t;

typedef struct lpi_rd {
    uint32_t cpu;
    bool enabled;
    uint64_t propbaser, pendbaser;
    bool ptz; /* last PTZ written */
    gic_time_t rwp_until, busy_until, gate;
    bool stale;
    gic_time_t stale_since;
    /* pending map (open addressing, backward-shift deletion) */
    lpi_rec_t *map;
    uint32_t map_mask, npend;
    uint32_t gen_ctr;
    heap_t prio, arrive;
    mem_agent_t agent;
} lpi_rd_t;

struct gic_lpi {
    lpi_rd_t *rd;
    gic_cache_t **cache; /* [num_cpus] when per-redistributor, else [1] */
    uint32_t ncache;
    uint64_t *c_set, *c_coal, *c_wb, *c_scan_reads, *c_scans, *c_acks, *c_orphan;
    gic_reason_memo_t drops; /* lpi.dropped.<reason> */
    gic_hist_t *h_scan;
};

/* ---- small helpers ------------------------------------------------------------ */
static lpi_rd_t *RD(gic_t *g, uint32_t cpu) { return &g->lpi->rd[cpu]; }
static gic_cache_t *CACHE_OF(gic_t *g, uint32_t cpu)
{
    struct gic_lpi *l = g->lpi;
    return l->cache[l->ncache > 1 ? cpu : 0];
}
static uint64_t ckey(uint32_t cpu, uint32_t intid) { return ((uint64_t)cpu << 32) | intid; }
static gic_time_t tmax(gic_time_t a, gic_time_t b) { return a > b ? a : b; }
static gic_time_t sig_lat(const gic_t *g)
{
    return gic_cycles(g, (uint64_t)g->cfg.lat_redist_to_cpu + g->cfg.lat_cpu_signal);
}

/* Number of INTID bits usable at this redistributor: min(PROPBASER.IDbits+1,
 * GICD_TYPER.IDbits+1). Below 14 no LPI exists (IHI0069: IDbits < 0b1101). */
static uint32_t rd_id_bits(const gic_t *g, const lpi_rd_t *r)
{
    uint32_t b = (uint32_t)(r->propbaser & 0x1f) + 1;
    if (b > g->cfg.lpi_id_bits) b = g->cfg.lpi_id_bits;
    return b < 14 ? 0 : b;
}
static uint64_t prop_pa(const lpi_rd_t *r) { return r->propbaser & (0xffffffffffull << 12); }
static uint64_t pend_pa(const lpi_rd_t *r) { return r->pendbaser & (0xfffffffffull << 16); }
static uint64_t table_bytes(uint32_t bits) { return bits ? ((uint64_t)1 << bits) / 8 : 0; }
/* summary policy: INTIDs per summary bit (region), at least one 64-byte line */
static uint64_t region_intids(uint32_t bits)
{
    uint64_t r = ((uint64_t)1 << bits) / (LPI_IMPDEF * 8);
    return r < LPI_CHUNK * 8 ? LPI_CHUNK * 8 : r;
}

static uint8_t prio_of(const gic_t *g, uint8_t prop) { return (uint8_t)(prop & 0xfc & gic_prio_mask(g)); }

/* ---- heap ------------------------------------------------------------------ */
static bool heap_push(heap_t *h, uint64_t key, uint32_t intid, uint32_t gen)
{
    if (h->n == h->cap) {
        size_t nc = h->cap ? h->cap * 2 : 16;
        heap_ent_t *nv = realloc(h->v, nc * sizeof(*nv));
        if (!nv) return false;
        h->v = nv;
        h->cap = nc;
    }
    size_t i = h->n++;
    heap_ent_t e = {key, intid, gen};
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (h->v[p].key <= key) break;
        h->v[i] = h->v[p];
        i = p;
    }
    h->v[i] = e;
    return true;
}

static void heap_pop(heap_t *h)
{
    if (!h->n) return;
    heap_ent_t last = h->v[--h->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, rr = l + 1, m = i;
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
static uint32_t hslot(uint32_t intid, uint32_t mask) { return (intid * 2654435761u) & mask; }

static lpi_rec_t *map_find(lpi_rd_t *r, uint32_t intid)
{
    if (!r->map) return NULL;
    for (uint32_t i = hslot(intid, r->map_mask);; i = (i + 1) & r->map_mask) {
        if (r->map[i].intid == intid) return &r->map[i];
        if (r->map[i].intid == 0) return NULL;
    }
}

static bool map_grow(lpi_rd_t *r)
{
    uint32_t ncap = r->map ? (r->map_mask + 1) * 2 : 64;
    lpi_rec_t *nm = calloc(ncap, sizeof(*nm));
    if (!nm) return false;
    if (r->map) {
        for (uint32_t i = 0; i <= r->map_mask; i++) {
            if (!r->map[i].intid) continue;
            uint32_t j = hslot(r->map[i].intid, ncap - 1);
            while (nm[j].intid) j = (j + 1) & (ncap - 1);
            nm[j] = r->map[i];
        }
        free(r->map);
    }
    r->map = nm;
    r->map_mask = ncap - 1;
    return true;
}

static lpi_rec_t *map_insert(lpi_rd_t *r, uint32_t intid)
{
    if (!r->map || (r->npend + 1) * 2 > r->map_mask + 1)
        if (!map_grow(r)) return NULL;
    uint32_t i = hslot(intid, r->map_mask);
    while (r->map[i].intid) i = (i + 1) & r->map_mask;
    memset(&r->map[i], 0, sizeof(r->map[i]));
    r->map[i].intid = intid;
    r->npend++;
    return &r->map[i];
}

static void map_remove(lpi_rd_t *r, lpi_rec_t *e)
{
    uint32_t hole = (uint32_t)(e - r->map);
    r->map[hole].intid = 0;
    r->npend--;
    for (uint32_t j = (hole + 1) & r->map_mask; r->map[j].intid; j = (j + 1) & r->map_mask) {
        uint32_t home = hslot(r->map[j].intid, r->map_mask);
        bool in = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in) {
            r->map[hole] = r->map[j];
            r->map[j].intid = 0;
            hole = j;
        }
    }
}

/* (Re)publish a record to the heaps after insertion or a configuration change. */
static void rec_publish(gic_t *g, lpi_rd_t *r, lpi_rec_t *e)
{
    e->gen = ++r->gen_ctr;
    if (!heap_push(&r->arrive, e->t_vis, e->intid, e->gen))
        gic_error(g, "lpi_alloc", "lpi", "redist %u: heap allocation failed (LPI %u kept pending)",
                  r->cpu, e->intid);
    gic_cpu_update_at(g, r->cpu, e->t_vis);
}

static void heaps_rebuild(lpi_rd_t *r)
{
    r->prio.n = r->arrive.n = 0;
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (e->intid) heap_push(&r->arrive, e->t_vis, e->intid, e->gen);
    }
}

/* ---- memory helpers ------------------------------------------------------------- */
static gic_status_t rd_mem(gic_t *g, lpi_rd_t *r, mem_cls_t cls, gic_time_t start, bool wr,
                           uint64_t addr, void *buf, uint32_t len, gic_time_t *done)
{
    return mem_access_agent(g, &r->agent, cls, start, wr, addr, buf, len, done);
}

static gic_status_t read_prop(gic_t *g, lpi_rd_t *r, uint32_t intid, gic_time_t start,
                              uint8_t *prop, gic_time_t *done)
{
    gic_status_t st = rd_mem(g, r, MEM_CLS_PROP, start, false, prop_pa(r) + (intid - GIC_LPI_BASE),
                             prop, 1, done);
    if (st != GIC_OK) *prop = 0;
    return st;
}

static void summary_mark(gic_t *g, lpi_rd_t *r, uint32_t intid, gic_time_t start)
{
    if (g->cfg.lpi_scan_policy != GIC_SCAN_SUMMARY) return;
    uint64_t reg = intid / region_intids(rd_id_bits(g, r));
    uint64_t a = pend_pa(r) + reg / 8;
    uint8_t b = 0;
    gic_time_t d;
    if (rd_mem(g, r, MEM_CLS_PEND, start, false, a, &b, 1, &d) != GIC_OK) return;
    if (b & (1u << (reg % 8))) return;
    b = (uint8_t)(b | (1u << (reg % 8)));
    rd_mem(g, r, MEM_CLS_PEND, d, true, a, &b, 1, &d);
}

/* Read-modify-write of one pending bit in the table; returns completion time. */
static gic_status_t pend_rmw(gic_t *g, lpi_rd_t *r, uint32_t intid, bool set, gic_time_t start,
                             gic_time_t *done)
{
    uint64_t a = pend_pa(r) + intid / 8;
    uint8_t b = 0;
    gic_time_t d;
    gic_status_t st = rd_mem(g, r, MEM_CLS_PEND, start, false, a, &b, 1, &d);
    if (st == GIC_OK) {
        uint8_t m = (uint8_t)(1u << (intid % 8));
        b = set ? (uint8_t)(b | m) : (uint8_t)(b & ~m);
        st = rd_mem(g, r, MEM_CLS_PEND, d, true, a, &b, 1, &d);
        if (st == GIC_OK && set) summary_mark(g, r, intid, d);
    }
    *done = d;
    return st;
}

/* Write back an evicted/flushed LPI cache entry whose pending state differs
 * from the table. */
static gic_time_t writeback(gic_t *g, uint64_t key, const lpi_cval_t *v, gic_time_t start)
{
    if (v->pending == v->membit) return start;
    uint32_t cpu = (uint32_t)(key >> 32), intid = (uint32_t)key;
    lpi_rd_t *r = RD(g, cpu);
    gic_time_t d = start;
    gic_inc(g->lpi->c_wb);
    if (pend_rmw(g, r, intid, v->pending != 0, start, &d) != GIC_OK)
        gic_error(g, "lpi_writeback_failed", "lpi",
                  "redist %u: write-back of LPI %u pending=%u to the pending table failed", cpu,
                  intid, v->pending);
    lpi_rec_t *e = map_find(r, intid);
    if (e) e->in_cache = 0; /* the table holds its pending state now */
    return d;
}

/* Fill the LPI cache, writing back a dirty victim. */
static void cache_put(gic_t *g, uint32_t cpu, uint32_t intid, const lpi_cval_t *v, gic_time_t start)
{
    gic_cache_t *c = CACHE_OF(g, cpu);
    uint64_t ek = 0;
    lpi_cval_t ev;
    if (cache_fill(c, ckey(cpu, intid), v, false, &ek, &ev)) writeback(g, ek, &ev, start);
}

/* ---- full / summary scans -------------------------------------------------------- */
typedef struct scan_ctx {
    gic_t *g;
    lpi_rd_t *r;
    gic_cand_t best;
    gic_time_t done;
} scan_ctx_t;

static void scan_consider(scan_ctx_t *s, uint32_t intid, uint8_t prio, bool en)
{
    if (!en) return;
    gic_cand_t c = {intid, prio, 1};
    if (cand_better(&c, &s->best)) s->best = c;
}

/* Configuration of a pending LPI seen by a scan: the latched one (cached or in
 * the mirror); the property byte is read to model the cost when it is not in
 * the LPI cache. */
static void scan_bit(scan_ctx_t *s, uint32_t intid, gic_time_t t)
{
    gic_t *g = s->g;
    lpi_rd_t *r = s->r;
    /* a cached entry is authoritative for its pending state (scan_cached) */
    if (cache_peek(CACHE_OF(g, r->cpu), ckey(r->cpu, intid), NULL)) return;
    lpi_rec_t *e = map_find(r, intid);
    if (!e) {
        gic_inc(g->lpi->c_orphan); /* bit set by software behind the GIC's back */
        return;
    }
    uint8_t p;
    gic_time_t d;
    read_prop(g, r, intid, t, &p, &d);
    gic_inc(g->lpi->c_scan_reads);
    s->done = tmax(s->done, d);
    scan_consider(s, intid, e->prio, e->enabled);
}

static uint64_t scan_range(scan_ctx_t *s, uint64_t from, uint64_t to, gic_time_t start)
{
    uint64_t nbits = 0;
    gic_t *g = s->g;
    lpi_rd_t *r = s->r;
    uint8_t buf[LPI_CHUNK];
    for (uint64_t off = from; off < to; off += LPI_CHUNK) {
        gic_time_t d;
        uint32_t len = (uint32_t)(to - off < LPI_CHUNK ? to - off : LPI_CHUNK);
        rd_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d);
        gic_inc(g->lpi->c_scan_reads);
        s->done = tmax(s->done, d);
        for (uint32_t i = 0; i < len; i += 8) {
            uint64_t w = 0;
            memcpy(&w, buf + i, len - i < 8 ? len - i : 8);
            while (w) {
                unsigned b = (unsigned)__builtin_ctzll(w);
                w &= w - 1;
                nbits++;
                scan_bit(s, (uint32_t)((off + i) * 8 + b), d);
            }
        }
    }
    return nbits;
}

static void scan_cached(uint64_t key, const void *val, void *ctx)
{
    scan_ctx_t *s = ctx;
    const lpi_cval_t *v = val;
    if ((uint32_t)(key >> 32) != s->r->cpu || !v->pending) return;
    scan_consider(s, (uint32_t)key, v->prio, v->enabled);
}

/* Mirror's answer ignoring visibility (for the cross-check). */
static void mirror_best(gic_t *g, lpi_rd_t *r, gic_cand_t *out)
{
    (void)g;
    cand_none(out);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (!e->intid || !e->enabled) continue;
        gic_cand_t c = {e->intid, e->prio, 1};
        if (cand_better(&c, out)) *out = c;
    }
}

/* Rescan the pending table (full) or its non-empty regions (summary). */
static void rescan(gic_t *g, lpi_rd_t *r, gic_time_t start)
{
    scan_ctx_t s = {g, r, {GIC_SPURIOUS, 0xff, 1}, start};
    uint32_t bits = rd_id_bits(g, r);
    uint64_t tb = table_bytes(bits);
    if (bits && g->cfg.lpi_scan_policy == GIC_SCAN_SUMMARY) {
        uint64_t rint = region_intids(bits), rbytes = rint / 8;
        uint64_t nreg = ((uint64_t)1 << bits) / rint;
        uint64_t sbytes = (nreg + 7) / 8;
        uint8_t buf[LPI_CHUNK];
        for (uint64_t off = 0; off < sbytes; off += LPI_CHUNK) {
            uint32_t len = (uint32_t)(sbytes - off < LPI_CHUNK ? sbytes - off : LPI_CHUNK);
            gic_time_t d;
            rd_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d);
            gic_inc(g->lpi->c_scan_reads);
            s.done = tmax(s.done, d);
            for (uint32_t i = 0; i < len; i++) {
                for (unsigned b = 0; b < 8; b++) {
                    if (!(buf[i] & (1u << b))) continue;
                    uint64_t reg = (off + i) * 8 + b;
                    uint64_t from = reg * rbytes;
                    if (from < LPI_IMPDEF) continue; /* regions of the IMP DEF area */
                    scan_ctx_t sub = s;
                    sub.done = d;
                    bool empty = scan_range(&sub, from, from + rbytes, d) == 0;
                    if (empty) {
                        /* clear the summary bit: the region is empty */
                        uint8_t nb = (uint8_t)(buf[i] & ~(1u << b));
                        gic_time_t wd;
                        rd_mem(g, r, MEM_CLS_PEND, sub.done, true, pend_pa(r) + off + i, &nb, 1, &wd);
                        buf[i] = nb;
                    }
                    s.best = sub.best;
                    s.done = tmax(s.done, sub.done);
                }
            }
        }
    } else if (bits) {
        scan_range(&s, LPI_IMPDEF, tb, start);
    }
    cache_foreach(CACHE_OF(g, r->cpu), scan_cached, &s);
    gic_inc(g->lpi->c_scans);
    hist_add(g->lpi->h_scan, s.done - start);
    gic_cand_t m;
    mirror_best(g, r, &m);
    if (m.intid != s.best.intid || (m.intid != GIC_SPURIOUS && m.prio != s.best.prio))
        gic_error(g, "lpi_scan_mismatch", "lpi",
                  "redist %u: table scan found LPI %u, pending state says LPI %u", r->cpu,
                  s.best.intid, m.intid);
    r->gate = tmax(r->gate, s.done + sig_lat(g));
    r->busy_until = tmax(r->busy_until, s.done);
    if (r->gate > g->now) gic_cpu_update_at(g, r->cpu, r->gate);
}

/* ---- lifecycle --------------------------------------------------------------------- */
struct gic_lpi *lpi_create(gic_t *g)
{
    struct gic_lpi *l = calloc(1, sizeof(*l));
    if (!l) return NULL;
    uint32_t n = g->cfg.num_cpus;
    l->rd = calloc(n, sizeof(lpi_rd_t));
    l->ncache = g->cfg.lpi_cache_per_redist ? n : 1;
    l->cache = calloc(l->ncache, sizeof(gic_cache_t *));
    if (!l->rd || !l->cache) {
        free(l->rd);
        free(l->cache);
        free(l);
        return NULL;
    }
    bool ok = true;
    for (uint32_t i = 0; i < l->ncache; i++) {
        l->cache[i] = cache_create(g, &g->cfg.lpi_cache, sizeof(lpi_cval_t), "lpi.cache");
        ok = ok && l->cache[i];
    }
    for (uint32_t i = 0; i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "redist%u", i);
        l->rd[i].cpu = i;
        mem_agent_init(g, &l->rd[i].agent, name, g->cfg.redist_max_reads, g->cfg.redist_max_writes);
    }
    l->c_set = gic_counter(g, "lpi.set_pending");
    l->c_coal = gic_counter(g, "lpi.coalesced");
    l->c_wb = gic_counter(g, "lpi.writebacks");
    l->c_scan_reads = gic_counter(g, "lpi.scan.reads");
    l->c_scans = gic_counter(g, "lpi.scans");
    l->c_acks = gic_counter(g, "lpi.acks");
    l->c_orphan = gic_counter(g, "lpi.scan.orphan_bits");
    l->h_scan = gic_hist(g, "ps", "lpi.scan.latency");
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
        free(l->rd[i].map);
        free(l->rd[i].prio.v);
        free(l->rd[i].arrive.v);
        mem_agent_free(&l->rd[i].agent);
    }
    for (uint32_t i = 0; l->cache && i < l->ncache; i++) cache_destroy(l->cache[i]);
    free(l->cache);
    free(l->rd);
    free(l);
}

bool lpi_valid_intid(const gic_t *g, uint32_t intid)
{
    return g->cfg.lpi_id_bits && intid >= GIC_LPI_BASE &&
           (uint64_t)intid < ((uint64_t)1 << g->cfg.lpi_id_bits);
}

static bool rd_valid_intid(const gic_t *g, const lpi_rd_t *r, uint32_t intid)
{
    uint32_t b = rd_id_bits(g, r);
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
static gic_msi_outcome_t set_pending_at(gic_t *g, lpi_rd_t *r, uint32_t intid, gic_time_t start,
                                        gic_time_t t_src, const char **reason)
{
    if (reason) *reason = NULL;
    gic_inc(g->lpi->c_set);
    if (!r->enabled) return drop(g, "lpis_disabled", reason);
    if (!rd_valid_intid(g, r, intid)) return drop(g, "intid_out_of_range", reason);
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    lpi_rec_t *e = map_find(r, intid);
    lpi_cval_t cv;
    gic_time_t done = start;
    bool hit = false;
    lpi_cval_t *cvp = cache_lookup_ref(c, ckey(r->cpu, intid));
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
        if (read_prop(g, r, intid, start, &prop, &d1) != GIC_OK) {
            gic_error(g, "lpi_prop_read_failed", "lpi",
                      "redist %u: reading the property of LPI %u at 0x%llx failed", r->cpu, intid,
                      (unsigned long long)(prop_pa(r) + intid - GIC_LPI_BASE));
            return drop(g, "prop_table_error", reason);
        }
        if (rd_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + intid / 8, &pb, 1, &d2) != GIC_OK) {
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
                rec_publish(g, r, e);
            }
            if (cache_present(c)) {
                cache_put(g, r->cpu, intid, &cv, done);
                e = map_find(r, intid); /* (the map is not touched by cache_put, but be safe) */
                if (e && cache_peek(c, ckey(r->cpu, intid), NULL)) e->in_cache = 1;
            }
            gic_inc(g->lpi->c_coal);
            return GIC_MSI_COALESCED;
        }
        cv.pending = 1;
        if (cache_present(c)) {
            cache_put(g, r->cpu, intid, &cv, done);
        } else {
            uint8_t nb = (uint8_t)(pb | (1u << (intid % 8)));
            if (rd_mem(g, r, MEM_CLS_PEND, d2, true, pend_pa(r) + intid / 8, &nb, 1, &d2) != GIC_OK) {
                gic_error(g, "lpi_pend_write_failed", "lpi",
                          "redist %u: writing the pending bit of LPI %u failed", r->cpu, intid);
                return drop(g, "pend_table_error", reason);
            }
            summary_mark(g, r, intid, d2);
        }
    }
    if (e) {
        /* cache hit on a non-pending entry while the mirror has a record cannot
         * happen (the record exists iff pending); keep the record */
        gic_inc(g->lpi->c_coal);
        return GIC_MSI_COALESCED;
    }
    e = map_insert(r, intid);
    if (!e) {
        gic_error(g, "lpi_alloc", "lpi", "redist %u: allocation failed: LPI %u dropped", r->cpu,
                  intid);
        return drop(g, "host_alloc", reason);
    }
    e->prio = cv.prio;
    e->enabled = cv.enabled;
    e->in_cache = (hit || cache_peek_ref(c, ckey(r->cpu, intid))) ? 1 : 0;
    e->t_src = t_src;
    e->t_vis = done + sig_lat(g);
    r->busy_until = tmax(r->busy_until, done);
    rec_publish(g, r, e);
    return GIC_MSI_DELIVERED;
}

gic_msi_outcome_t lpi_set_pending(gic_t *g, uint32_t cpu, uint32_t intid, gic_time_t t_src,
                                  const char **reason)
{
    if (cpu >= g->cfg.num_cpus) return drop(g, "bad_redistributor", reason);
    gic_msi_outcome_t oc = set_pending_at(g, RD(g, cpu), intid, g->now, t_src, reason);
    gic_hppi_changed(g, cpu);
    return oc;
}

/* Remove the pending state of intid at r (ack, CLEAR, DISCARD, move-out).
 * Returns completion time of the state update. */
static gic_time_t clear_rec(gic_t *g, lpi_rd_t *r, lpi_rec_t *e, gic_time_t start,
                            gic_time_t *t_src);
static gic_time_t clear_at(gic_t *g, lpi_rd_t *r, uint32_t intid, gic_time_t start,
                           gic_time_t *t_src)
{
    lpi_rec_t *e = map_find(r, intid);
    if (!e) return start;
    return clear_rec(g, r, e, start, t_src);
}

/* clear_at of the pending record e (of r's map) */
static gic_time_t clear_rec(gic_t *g, lpi_rd_t *r, lpi_rec_t *e, gic_time_t start,
                            gic_time_t *t_src)
{
    uint32_t intid = e->intid;
    if (t_src) *t_src = e->t_src;
    /* full policy: QEMU rescans when the current best is cleared */
    if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && e->enabled) {
        gic_cand_t m;
        mirror_best(g, r, &m);
        if (m.intid == intid && !r->stale) {
            r->stale = true;
            r->stale_since = start;
        }
    }
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    gic_time_t done = start;
    lpi_cval_t *cvp = cache_peek_ref(c, ckey(r->cpu, intid));
    if (cvp) {
        cvp->pending = 0;
        done = start + gic_cycles(g, cache_hit_cycles(c));
    } else if (pend_rmw(g, r, intid, false, start, &done) != GIC_OK) {
        gic_error(g, "lpi_pend_write_failed", "lpi",
                  "redist %u: clearing the pending bit of LPI %u failed", r->cpu, intid);
    }
    map_remove(r, e);
    r->busy_until = tmax(r->busy_until, done);
    if (r->prio.n + r->arrive.n > 4u * r->npend + 64u) heaps_rebuild(r);
    return done;
}

gic_time_t lpi_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t t_src = g->now;
    lpi_rd_t *r = RD(g, cpu);
    lpi_rec_t *e = map_find(r, intid);
    if (!e) return g->now;
    gic_inc(g->lpi->c_acks);
    clear_rec(g, r, e, g->now, &t_src);
    /* No update event: the only caller (ICC_IAR<n>_EL1, cpuif.c do_iar)
     * re-evaluates this CPU interface right after the acknowledge. */
    gic_hppi_changed(g, cpu);
    return t_src;
}

gic_time_t lpi_pending_time(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    lpi_rec_t *e = map_find(RD(g, cpu), intid);
    return e ? e->t_src : g->now;
}

gic_time_t lpi_clear_pending(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    gic_time_t d = clear_at(g, RD(g, cpu), intid, g->now, NULL);
    gic_hppi_changed(g, cpu);
    gic_cpu_update_at(g, cpu, g->now);
    return d;
}

/* Reload the configuration of one LPI; returns completion time. */
static gic_time_t inv_at(gic_t *g, lpi_rd_t *r, uint32_t intid, gic_time_t start)
{
    if (!r->enabled || !rd_valid_intid(g, r, intid)) return start;
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    lpi_cval_t cv;
    bool cached = cache_peek(c, ckey(r->cpu, intid), &cv);
    lpi_rec_t *e = map_find(r, intid);
    if (!cached && !e) return start; /* nothing holds a copy: nothing to reload */
    uint8_t prop;
    gic_time_t d;
    if (read_prop(g, r, intid, start, &prop, &d) != GIC_OK) {
        gic_error(g, "lpi_prop_read_failed", "lpi",
                  "redist %u: INV of LPI %u: reading the property table failed", r->cpu, intid);
        return d;
    }
    uint8_t p = prio_of(g, prop), en = prop & 1;
    if (cached) {
        cv.prio = p;
        cv.enabled = en;
        cache_update(c, ckey(r->cpu, intid), &cv);
    }
    if (e && (e->prio != p || e->enabled != en)) {
        if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && !r->stale) {
            r->stale = true;
            r->stale_since = d;
        }
        e->prio = p;
        e->enabled = en;
        e->t_vis = tmax(e->t_vis, d + sig_lat(g));
        rec_publish(g, r, e);
    }
    return d;
}

gic_time_t lpi_inv(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    lpi_rd_t *r = RD(g, cpu);
    gic_time_t d = inv_at(g, r, intid, g->now);
    r->busy_until = tmax(r->busy_until, d);
    gic_hppi_changed(g, cpu);
    gic_cpu_update_at(g, cpu, g->now);
    return d;
}

typedef struct keylist {
    uint32_t *v;
    size_t n, cap;
    uint32_t cpu;
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
    keylist_t *k = ctx;
    if ((uint32_t)(key >> 32) == k->cpu) kl_add(k, (uint32_t)key);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

/* INTIDs with state at r (cached entries and pending records), sorted and
 * unique: a deterministic order independent of hash layout. */
static void collect(gic_t *g, lpi_rd_t *r, keylist_t *k)
{
    memset(k, 0, sizeof(*k));
    k->cpu = r->cpu;
    cache_foreach(CACHE_OF(g, r->cpu), kl_cached, k);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++)
        if (r->map[i].intid) kl_add(k, r->map[i].intid);
    if (k->n) qsort(k->v, k->n, sizeof(uint32_t), cmp_u32);
    size_t o = 0;
    for (size_t i = 0; i < k->n; i++)
        if (o == 0 || k->v[o - 1] != k->v[i]) k->v[o++] = k->v[i];
    k->n = o;
}

gic_time_t lpi_invall(gic_t *g, uint32_t cpu)
{
    if (cpu >= g->cfg.num_cpus) return g->now;
    lpi_rd_t *r = RD(g, cpu);
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
    gic_hppi_changed(g, cpu);
    gic_cpu_update_at(g, cpu, g->now);
    return d;
}

gic_time_t lpi_move(gic_t *g, uint32_t from, uint32_t to, uint32_t intid)
{
    if (from >= g->cfg.num_cpus || to >= g->cfg.num_cpus || from == to) return g->now;
    lpi_rd_t *rf = RD(g, from);
    lpi_rec_t *e = map_find(rf, intid);
    if (!e) return g->now;
    gic_time_t t_src = e->t_src;
    gic_time_t d = clear_at(g, rf, intid, g->now, NULL);
    const char *why = NULL;
    if (set_pending_at(g, RD(g, to), intid, d, t_src, &why) == GIC_MSI_DROPPED)
        gic_error(g, "lpi_move_dropped", "lpi", "move of pending LPI %u from redist %u to %u: %s",
                  intid, from, to, why ? why : "?");
    gic_hppi_changed(g, from);
    gic_hppi_changed(g, to);
    gic_cpu_update_at(g, from, g->now);
    return tmax(d, RD(g, to)->busy_until);
}

gic_time_t lpi_movall(gic_t *g, uint32_t from, uint32_t to)
{
    if (from >= g->cfg.num_cpus || to >= g->cfg.num_cpus || from == to) return g->now;
    lpi_rd_t *rf = RD(g, from);
    gic_time_t start = g->now;
    /* full/summary: the source pending table is walked to find what to move */
    if (g->cfg.lpi_scan_policy != GIC_SCAN_TRACKED && rf->enabled) {
        rescan(g, rf, start);
        start = tmax(start, rf->busy_until);
    }
    keylist_t k;
    memset(&k, 0, sizeof(k));
    for (uint32_t i = 0; rf->map && i <= rf->map_mask; i++)
        if (rf->map[i].intid) kl_add(&k, rf->map[i].intid);
    if (k.n) qsort(k.v, k.n, sizeof(uint32_t), cmp_u32);
    gic_time_t d = start;
    for (size_t i = 0; i < k.n; i++) {
        lpi_rec_t *e = map_find(rf, k.v[i]);
        if (!e) continue;
        gic_time_t t_src = e->t_src;
        gic_time_t c = clear_at(g, rf, k.v[i], start, NULL);
        const char *why = NULL;
        if (set_pending_at(g, RD(g, to), k.v[i], c, t_src, &why) == GIC_MSI_DROPPED)
            gic_error(g, "lpi_move_dropped", "lpi",
                      "MOVALL of pending LPI %u from redist %u to %u: %s", k.v[i], from, to,
                      why ? why : "?");
        d = tmax(d, tmax(c, RD(g, to)->busy_until));
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
    return tmax(g->now, RD(g, cpu)->busy_until);
}

/* ---- highest-priority pending LPI ----------------------------------------------------- */
static bool rec_current(lpi_rd_t *r, const heap_ent_t *h, lpi_rec_t **out)
{
    lpi_rec_t *e = map_find(r, h->intid);
    *out = e;
    return e && e->gen == h->gen;
}

void lpi_hppi(gic_t *g, uint32_t cpu, gic_cand_t *out)
{
    gic_time_t until = UINT64_MAX;
    lpi_hppi_until(g, cpu, out, &until);
}

void lpi_hppi_until(gic_t *g, uint32_t cpu, gic_cand_t *out, gic_time_t *until)
{
    cand_none(out);
    if (cpu >= g->cfg.num_cpus) return;
    lpi_rd_t *r = RD(g, cpu);
    if (!r->enabled) return;
    if (r->stale) {
        r->stale = false;
        rescan(g, r, tmax(r->stale_since, g->now));
    }
    if (g->now < r->gate) {
        if (r->gate < *until) *until = r->gate;
        return;
    }
    /* LPIs whose set-pending (or reconfiguration) has become visible */
    while (r->arrive.n && r->arrive.v[0].key <= g->now) {
        heap_ent_t h = r->arrive.v[0];
        heap_pop(&r->arrive);
        lpi_rec_t *e;
        if (rec_current(r, &h, &e) && e->enabled)
            heap_push(&r->prio, ((uint64_t)e->prio << 32) | e->intid, e->intid, e->gen);
    }
    /* the next arrival (possibly of a superseded record: conservative) */
    if (r->arrive.n && r->arrive.v[0].key < *until) *until = r->arrive.v[0].key;
    while (r->prio.n) {
        heap_ent_t h = r->prio.v[0];
        lpi_rec_t *e;
        if (rec_current(r, &h, &e) && e->enabled) {
            out->intid = e->intid;
            out->prio = e->prio;
            out->group = 1;
            return;
        }
        heap_pop(&r->prio);
    }
}

/* ---- GICR_CTLR.EnableLPIs, RWP ---------------------------------------------------------- */
uint64_t lpi_ctlr_bits(gic_t *g, uint32_t cpu)
{
    if (cpu >= g->cfg.num_cpus) return 0;
    lpi_rd_t *r = RD(g, cpu);
    return (r->enabled ? 1u : 0u) | (g->now < r->rwp_until ? 8u : 0u);
}

/* EnableLPIs 0 -> 1: with PTZ = 0 the pending table is read (the load scan),
 * with PTZ = 1 it is taken as zero. */
static void enable_lpis(gic_t *g, lpi_rd_t *r)
{
    r->enabled = true;
    r->stale = false;
    gic_time_t start = g->now, done = start;
    uint32_t bits = rd_id_bits(g, r);
    uint64_t tb = table_bytes(bits);
    bool summary = g->cfg.lpi_scan_policy == GIC_SCAN_SUMMARY;
    uint8_t *sum = NULL;
    uint64_t rint = bits ? region_intids(bits) : 1, sbytes = 0;
    if (bits && summary) {
        sbytes = (((uint64_t)1 << bits) / rint + 7) / 8;
        sum = calloc(sbytes, 1);
    }
    if (bits && !r->ptz) {
        uint8_t buf[LPI_CHUNK];
        for (uint64_t off = LPI_IMPDEF; off < tb; off += LPI_CHUNK) {
            gic_time_t d;
            uint32_t len = (uint32_t)(tb - off < LPI_CHUNK ? tb - off : LPI_CHUNK);
            if (rd_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d) != GIC_OK) {
                gic_error(g, "lpi_pend_read_failed", "lpi",
                          "redist %u: loading the pending table at 0x%llx failed", r->cpu,
                          (unsigned long long)(pend_pa(r) + off));
                done = tmax(done, d);
                break;
            }
            gic_inc(g->lpi->c_scan_reads);
            done = tmax(done, d);
            for (uint32_t i = 0; i < len; i++) {
                for (unsigned b = 0; b < 8; b++) {
                    if (!(buf[i] & (1u << b))) continue;
                    uint32_t intid = (uint32_t)((off + i) * 8 + b);
                    uint8_t prop;
                    gic_time_t pd;
                    if (read_prop(g, r, intid, d, &prop, &pd) != GIC_OK)
                        gic_error(g, "lpi_prop_read_failed", "lpi",
                                  "redist %u: property of LPI %u unreadable (kept pending, disabled)",
                                  r->cpu, intid);
                    gic_inc(g->lpi->c_scan_reads);
                    done = tmax(done, pd);
                    lpi_rec_t *e = map_find(r, intid);
                    if (!e) e = map_insert(r, intid);
                    if (!e) {
                        gic_error(g, "lpi_alloc", "lpi", "redist %u: allocation failed loading LPI %u",
                                  r->cpu, intid);
                        continue;
                    }
                    e->prio = prio_of(g, prop);
                    e->enabled = prop & 1;
                    e->in_cache = 0;
                    e->t_src = start;
                    e->t_vis = 0; /* set below, once the load has completed */
                    if (sum) sum[(intid / rint) / 8] |= (uint8_t)(1u << ((intid / rint) % 8));
                }
            }
        }
    }
    if (sum) {
        /* write the summary bitmap into the IMPLEMENTATION DEFINED first KiB */
        for (uint64_t off = 0; off < sbytes; off += LPI_CHUNK) {
            gic_time_t d;
            uint32_t len = (uint32_t)(sbytes - off < LPI_CHUNK ? sbytes - off : LPI_CHUNK);
            rd_mem(g, r, MEM_CLS_PEND, done, true, pend_pa(r) + off, sum + off, len, &d);
            done = tmax(done, d);
        }
        free(sum);
    }
    gic_time_t vis = done + sig_lat(g);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (!e->intid) continue;
        e->t_vis = vis;
        e->gen = ++r->gen_ctr;
        heap_push(&r->arrive, e->t_vis, e->intid, e->gen);
    }
    if (!r->ptz) hist_add(g->lpi->h_scan, done - start);
    r->gate = vis;
    r->busy_until = tmax(r->busy_until, done);
    r->rwp_until = tmax(r->rwp_until, done);
    gic_log(g, GIC_LOG_DEBUG, "lpi", "redist %u: LPIs enabled (%u INTID bits, PTZ=%d, %u pending)",
            r->cpu, bits, r->ptz, r->npend);
    gic_cpu_update_at(g, r->cpu, vis);
}

typedef struct flush_ctx {
    gic_t *g;
    uint32_t cpu;
    gic_time_t start, done;
} flush_ctx_t;

static void flush_one(uint64_t key, const void *val, void *ctx)
{
    flush_ctx_t *f = ctx;
    if ((uint32_t)(key >> 32) != f->cpu) return;
    f->done = tmax(f->done, writeback(f->g, key, val, f->start));
}

static bool pred_cpu(uint64_t key, const void *val, void *ctx)
{
    (void)val;
    return (uint32_t)(key >> 32) == *(const uint32_t *)ctx;
}

/* EnableLPIs 1 -> 0: cached pending state is written back to the pending
 * table, the cache entries of this redistributor are dropped; RWP reads 1
 * until the write-back has completed. */
static void disable_lpis(gic_t *g, lpi_rd_t *r)
{
    gic_cache_t *c = CACHE_OF(g, r->cpu);
    flush_ctx_t f = {g, r->cpu, g->now, g->now};
    cache_foreach(c, flush_one, &f);
    uint32_t cpu = r->cpu;
    cache_invalidate_if(c, pred_cpu, &cpu);
    /* the pending table now holds every pending LPI: forget the mirror */
    free(r->map);
    r->map = NULL;
    r->map_mask = 0;
    r->npend = 0;
    r->prio.n = r->arrive.n = 0;
    r->stale = false;
    r->enabled = false;
    r->rwp_until = tmax(r->rwp_until, f.done);
    r->busy_until = tmax(r->busy_until, f.done);
    gic_cpu_update_at(g, r->cpu, g->now);
}

void lpi_ctlr_write(gic_t *g, uint32_t cpu, uint64_t val)
{
    if (cpu >= g->cfg.num_cpus) return;
    lpi_rd_t *r = RD(g, cpu);
    bool en = val & 1;
    if (en == r->enabled) return;
    if (g->cfg.lpi_id_bits == 0) return; /* GICR_TYPER.PLPIS == 0: RES0 */
    if (g->now < r->rwp_until) {
        /* IHI0069: changing EnableLPIs while RWP == 1 is UNPREDICTABLE: ignored */
        gic_error(g, "lpi_enable_while_rwp", "lpi",
                  "redist %u: GICR_CTLR.EnableLPIs write while RWP == 1 ignored", cpu);
        return;
    }
    if (en) enable_lpis(g, r);
    else disable_lpis(g, r);
    gic_hppi_changed(g, cpu);
}

/* ---- GICR LPI registers -------------------------------------------------------------- */
uint64_t lpi_reg_read(gic_t *g, uint32_t cpu, uint32_t off)
{
    if (cpu >= g->cfg.num_cpus) return 0;
    lpi_rd_t *r = RD(g, cpu);
    switch (off) {
    case OFF_PROPBASER: return r->propbaser;
    case OFF_PENDBASER: return r->pendbaser; /* PTZ reads as 0 */
    case OFF_SYNCR: return g->now < tmax(r->busy_until, r->rwp_until) ? 1u : 0u;
    default: return 0; /* SETLPIR, CLRLPIR, INVLPIR, INVALLR are write-only */
    }
}

void lpi_reg_write(gic_t *g, uint32_t cpu, uint32_t off, uint64_t val, uint64_t mask)
{
    if (cpu >= g->cfg.num_cpus || g->cfg.lpi_id_bits == 0) return;
    lpi_rd_t *r = RD(g, cpu);
    if (off == OFF_PROPBASER || off == OFF_PENDBASER) {
        if (r->enabled) {
            /* IHI0069: writing GICR_PROPBASER/PENDBASER while EnableLPIs == 1 is
             * UNPREDICTABLE; this model ignores the write (as GIC-600 does). */
            gic_error(g, off == OFF_PROPBASER ? "lpi_propbaser_while_enabled"
                                              : "lpi_pendbaser_while_enabled",
                      "lpi", "redist %u: write to GICR_%s while EnableLPIs == 1 ignored", cpu,
                      off == OFF_PROPBASER ? "PROPBASER" : "PENDBASER");
            return;
        }
        if (off == OFF_PROPBASER) {
            r->propbaser = ((r->propbaser & ~mask) | (val & mask)) & PROPBASER_MASK;
        } else {
            r->pendbaser = ((r->pendbaser & ~mask) | (val & mask)) & PENDBASER_MASK;
            if (mask & PENDBASER_PTZ) r->ptz = (val & PENDBASER_PTZ) != 0;
        }
        return;
    }
    /* direct LPI registers act on a write of the low half ([31:0] = INTID) */
    if (!(mask & 0xffffffffull)) return;
    uint32_t intid = (uint32_t)(val & 0xffffffffull);
    const char *name = off == OFF_SETLPIR   ? "GICR_SETLPIR"
                       : off == OFF_CLRLPIR ? "GICR_CLRLPIR"
                       : off == OFF_INVLPIR ? "GICR_INVLPIR"
                                            : "GICR_INVALLR";
    if (!r->enabled) {
        /* IHI0069: with EnableLPIs == 0 these writes have no effect */
        gic_error(g, "lpi_direct_while_disabled", "lpi",
                  "redist %u: %s write while EnableLPIs == 0 ignored", cpu, name);
        return;
    }
    if (off != OFF_INVALLR && !rd_valid_intid(g, r, intid)) {
        gic_error(g, "lpi_direct_bad_intid", "lpi",
                  "redist %u: %s of INTID %u outside the LPI range of GICR_PROPBASER.IDbits: ignored",
                  cpu, name, intid);
        return;
    }
    switch (off) {
    case OFF_SETLPIR: {
        const char *why = NULL;
        set_pending_at(g, r, intid, g->now, g->now, &why);
        gic_hppi_changed(g, cpu);
        break;
    }
    case OFF_CLRLPIR: lpi_clear_pending(g, cpu, intid); break;
    case OFF_INVLPIR: lpi_inv(g, cpu, intid); break;
    case OFF_INVALLR: lpi_invall(g, cpu); break;
    default: break;
    }
}
