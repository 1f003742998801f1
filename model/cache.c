/* Generic set-associative cache component (ITS device/event/collection
 * caches, LPI cache).
 *
 * Organisation: entries = sets x ways (ways == 0: fully associative, one set).
 * The set of a key is hash(key) % sets, with a fixed 64-bit mixer (splitmix64
 * finaliser), so a run is deterministic and keys that differ only in high bits
 * still spread over the sets.
 *
 * Locking: the first cfg.locked_ways ways of every set are reserved for locked
 * entries (cache_fill(..., lock = true)); normal fills only use the other ways,
 * so a locked entry is never evicted by a normal fill. A locked fill takes a
 * free locked way or is refused (returns false, nothing inserted): locked
 * entries are only removed by invalidation. With locked_ways == 0 a lock
 * request is ignored (normal fill).
 *
 * Replacement (among the ways the fill may use; an invalid way is always
 * taken first, lowest way number first):
 *   LRU     least recently used (fill and hit both count as a use)
 *   PLRU    tree pseudo-LRU (binary tree of ways-1 bits over the next power
 *           of two >= ways; subtrees without a usable way are skipped)
 *   FIFO    oldest fill
 *   RANDOM  xorshift64* PRNG seeded from cfg.seed and a salt derived from the
 *           statistics prefix, so two caches of one GIC draw different but
 *           reproducible sequences.
 *
 * Host cost: a key only ever lives in the ways of its set, so with few ways
 * (<= SCAN_MAX_WAYS) a lookup scans them: one hash and a handful of
 * compares, and fills/evictions have nothing else to maintain. With more ways
 * (up to fully associative) a lookup goes through an open-addressing index
 * key -> slot (linear probing, backward-shift deletion) instead. Both give the
 * same answers; only the host work differs.
 *
 * Groups (cache_track_groups, used by the LPI caches): each valid slot of a
 * tracked group (key >> 32 at least group_min) is also on the doubly linked
 * list of its group, with a count per group, so one LPI space's entries are
 * found without walking the cache (a vPE's residency change). Maintained in
 * place() and drop_slot(): two list operations per fill or drop of a tracked
 * group's entry, nothing on a lookup. The calls on an untracked group walk
 * the whole cache, in the same slot order.
 */
#include "cache.h"

#include <stdlib.h>
#include <string.h>

#define IDX_EMPTY 0xffffffffu
#define SCAN_MAX_WAYS 8u /* above this, lookups use the key -> slot index */

/* One way of a set: key, replacement stamp, value and flags together, so a
 * look-up touches one cache line of the host (a 2-way set is 64 bytes) instead
 * of one per field array. Values are at most 8 bytes (cache_create). */
typedef struct cache_slot {
    uint64_t key;
    uint64_t stamp; /* LRU: last use; FIFO: fill time */
    uint8_t val[8];
    uint8_t valid, locked;
} cache_slot_t;

struct gic_cache {
    gic_t *g;
    gic_cache_config_t cfg;
    uint32_t sets, ways, locked_ways;
    uint32_t plru_span; /* next power of two >= ways */
    bool sets_pow2;     /* set = hash & set_mask (same as hash % sets) */
    uint32_t set_mask;  /* sets - 1 when sets_pow2 */
    bool use_idx;       /* ways > SCAN_MAX_WAYS: lookups through idx */
    bool fill_scan;     /* fills by fill_scan: scanned sets, LRU or FIFO, no locked ways */
    size_t val_size;
    cache_slot_t *slot; /* sets x ways, a set's ways adjacent (64-byte aligned) */
    uint8_t *plru;      /* sets x (plru_span - 1) tree bits */
    uint64_t tick;
    uint64_t rng;
    size_t count;
    /* index key -> slot */
    uint32_t *idx;
    uint32_t idx_mask;
    /* groups (cache_track_groups): per slot the next / previous slot of its
     * group's list; per group its first slot and count; ngroups allocated.
     * Each pair side by side: a fill or an eviction touches one host cache
     * line per slot and per group (hundreds of groups at hundreds of CPUs). */
    struct cache_glink { uint32_t next, prev; } *glink;
    struct cache_group { uint32_t head, count; } *group;
    uint32_t ngroups;
    uint32_t group_min; /* groups below it are not tracked (cache_track_groups) */
    bool groups;
    /* statistics */
    uint64_t *st_lookups, *st_hits, *st_misses, *st_fills, *st_evictions, *st_inval,
        *st_lock_hits;
};

static uint64_t mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}

static uint64_t str_hash(const char *s)
{
    uint64_t h = 1469598103934665603ull; /* FNV-1a */
    for (; s && *s; s++) h = (h ^ (uint8_t)*s) * 1099511628211ull;
    return h;
}

static uint64_t rng_next(gic_cache_t *c)
{
    uint64_t x = c->rng;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    c->rng = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Sets, ways, PLRU span and index size of a cache of cfg->entries > 0: one
 * computation for cache_create and the host-memory estimate. */
typedef struct cache_geom {
    uint32_t ways, sets, plru_span, idx_size;
} cache_geom_t;

static cache_geom_t cache_geometry(const gic_cache_config_t *cfg)
{
    cache_geom_t geo;
    uint32_t n = cfg->entries;
    geo.ways = cfg->ways ? cfg->ways : n;
    if (geo.ways > n) geo.ways = n;
    geo.sets = n / geo.ways;
    n = geo.sets * geo.ways;
    geo.plru_span = 1;
    while (geo.plru_span < geo.ways) geo.plru_span <<= 1;
    geo.idx_size = 16;
    while (geo.ways > SCAN_MAX_WAYS && geo.idx_size < 2 * n) geo.idx_size <<= 1;
    return geo;
}

uint64_t cache_host_bytes(const gic_cache_config_t *cfg)
{
    uint64_t b = sizeof(gic_cache_t);
    if (!cfg->entries) return b;
    cache_geom_t geo = cache_geometry(cfg);
    uint64_t n = (uint64_t)geo.sets * geo.ways;
    b += (n * sizeof(cache_slot_t) + 63) / 64 * 64;
    b += (uint64_t)geo.sets * geo.plru_span;
    b += (uint64_t)geo.idx_size * sizeof(uint32_t);
    return b;
}

gic_cache_t *cache_create(gic_t *g, const gic_cache_config_t *cfg, size_t val_size,
                          const char *stat_prefix)
{
    if (val_size > sizeof(((cache_slot_t *)0)->val)) return NULL; /* values are at most 8 bytes */
    gic_cache_t *c = calloc(1, sizeof(*c));
    if (!c) return NULL;
    c->g = g;
    c->cfg = *cfg;
    c->val_size = val_size;
    const char *p = stat_prefix ? stat_prefix : "cache";
    c->st_lookups = gic_counter(g, "%s.lookups", p);
    c->st_hits = gic_counter(g, "%s.hits", p);
    c->st_misses = gic_counter(g, "%s.misses", p);
    c->st_fills = gic_counter(g, "%s.fills", p);
    c->st_evictions = gic_counter(g, "%s.evictions", p);
    c->st_inval = gic_counter(g, "%s.invalidations", p);
    c->st_lock_hits = gic_counter(g, "%s.lock_hits", p);
    c->rng = mix64(((uint64_t)g->cfg.seed << 32) ^ str_hash(p));
    if (c->rng == 0) c->rng = 0x853c49e6748fea9bull;
    if (cfg->entries == 0) return c; /* absent cache */
    cache_geom_t geo = cache_geometry(cfg);
    uint32_t n = geo.sets * geo.ways, isz = geo.idx_size;
    c->ways = geo.ways;
    c->sets = geo.sets;
    c->locked_ways = cfg->locked_ways < c->ways ? cfg->locked_ways : 0;
    c->plru_span = geo.plru_span;
    c->sets_pow2 = (c->sets & (c->sets - 1)) == 0;
    c->set_mask = c->sets - 1;
    c->use_idx = c->ways > SCAN_MAX_WAYS;
    c->fill_scan = !c->use_idx && c->locked_ways == 0 &&
                   (cfg->repl == GIC_REPL_LRU || cfg->repl == GIC_REPL_FIFO);
    c->idx_mask = isz - 1;
    size_t sbytes = ((size_t)n * sizeof(cache_slot_t) + 63) / 64 * 64;
    c->slot = aligned_alloc(64, sbytes);
    if (c->slot) memset(c->slot, 0, sbytes);
    c->plru = calloc((size_t)c->sets * c->plru_span, 1);
    c->idx = malloc((size_t)isz * sizeof(uint32_t));
    if (!c->slot || !c->plru || !c->idx) {
        cache_destroy(c);
        return NULL;
    }
    for (uint32_t i = 0; i < isz; i++) c->idx[i] = IDX_EMPTY;
    return c;
}

void cache_destroy(gic_cache_t *c)
{
    if (!c) return;
    free(c->slot);
    free(c->plru);
    free(c->idx);
    free(c->glink);
    free(c->group);
    free(c);
}

bool cache_present(const gic_cache_t *c) { return c && c->cfg.entries > 0; }
size_t cache_count(const gic_cache_t *c) { return c ? c->count : 0; }
uint32_t cache_hit_cycles(const gic_cache_t *c) { return c ? c->cfg.hit_cycles : 0; }
uint32_t cache_sets(const gic_cache_t *c) { return c ? c->sets : 0; }
uint32_t cache_ways(const gic_cache_t *c) { return c ? c->ways : 0; }

/* ---- index key -> slot ---------------------------------------------------- */
static uint32_t idx_home(const gic_cache_t *c, uint64_t key)
{
    return (uint32_t)(mix64(key ^ 0x5bd1e995u) & c->idx_mask);
}

static inline uint32_t set_of(const gic_cache_t *c, uint64_t key)
{
    uint64_t h = mix64(key);
    return (uint32_t)(c->sets_pow2 ? h & c->set_mask : h % c->sets);
}

static inline uint32_t idx_find(const gic_cache_t *c, uint64_t key)
{
    for (uint32_t i = idx_home(c, key);; i = (i + 1) & c->idx_mask) {
        uint32_t s = c->idx[i];
        if (s == IDX_EMPTY) return IDX_EMPTY;
        if (c->slot[s].key == key) return s;
    }
}

static void idx_insert(gic_cache_t *c, uint64_t key, uint32_t slot)
{
    uint32_t i = idx_home(c, key);
    while (c->idx[i] != IDX_EMPTY) i = (i + 1) & c->idx_mask;
    c->idx[i] = slot;
}

static void idx_remove(gic_cache_t *c, uint64_t key)
{
    uint32_t i = idx_home(c, key);
    while (c->idx[i] != IDX_EMPTY && c->slot[c->idx[i]].key != key) i = (i + 1) & c->idx_mask;
    if (c->idx[i] == IDX_EMPTY) return;
    /* backward-shift deletion keeps every probe chain unbroken */
    uint32_t hole = i;
    for (uint32_t j = (i + 1) & c->idx_mask; c->idx[j] != IDX_EMPTY; j = (j + 1) & c->idx_mask) {
        uint32_t home = idx_home(c, c->slot[c->idx[j]].key);
        /* can the entry at j move to hole? yes if home is not in (hole, j] cyclically */
        bool in = hole <= j ? (home > hole && home <= j) : (home > hole || home <= j);
        if (!in) {
            c->idx[hole] = c->idx[j];
            hole = j;
        }
    }
    c->idx[hole] = IDX_EMPTY;
}

/* Slot holding key in its set (scanned ways), or IDX_EMPTY. */
static inline uint32_t slot_find_in_set(const gic_cache_t *c, uint64_t key, uint32_t set)
{
    uint32_t base = set * c->ways;
    for (uint32_t w = 0; w < c->ways; w++)
        if (c->slot[base + w].key == key && c->slot[base + w].valid) return base + w;
    return IDX_EMPTY;
}

/* Slot holding key, or IDX_EMPTY. */
static inline uint32_t slot_find(const gic_cache_t *c, uint64_t key)
{
    if (c->use_idx) return idx_find(c, key);
    return slot_find_in_set(c, key, set_of(c, key));
}

/* Copy a value of n <= 8 bytes: a fixed 8-byte copy for the common size (ITS
 * table entries), so the hot paths do not call memcpy. */
static inline void val_copy(void *dst, const void *src, size_t n)
{
    if (n == 8) memcpy(dst, src, 8);
    else if (n == 4) memcpy(dst, src, 4); /* (the LPI caches' entries) */
    else if (n) memcpy(dst, src, n);
}

/* ---- replacement state ------------------------------------------------------ */
/* PLRU: node bits point to the subtree to replace next (0 left, 1 right).
 * A use of way w sets every node on its path to point away from w. */
static void plru_touch(gic_cache_t *c, uint32_t set, uint32_t way)
{
    uint8_t *t = c->plru + (size_t)set * c->plru_span;
    uint32_t node = 1, lo = 0, span = c->plru_span;
    while (span > 1) {
        span >>= 1;
        bool right = way >= lo + span;
        t[node - 1] = right ? 0 : 1;
        node = node * 2 + (right ? 1 : 0);
        if (right) lo += span;
    }
}

static inline void touch(gic_cache_t *c, uint32_t slot, bool is_fill)
{
    switch (c->cfg.repl) {
    case GIC_REPL_LRU: c->slot[slot].stamp = ++c->tick; break;
    case GIC_REPL_FIFO:
        if (is_fill) c->slot[slot].stamp = ++c->tick;
        break;
    case GIC_REPL_PLRU: plru_touch(c, slot / c->ways, slot % c->ways); break;
    case GIC_REPL_RANDOM: break;
    }
}

static bool way_usable(const gic_cache_t *c, uint32_t set, uint32_t way, uint32_t lo, uint32_t hi)
{
    (void)set;
    return way >= lo && way < hi && way < c->ways;
}

static bool subtree_usable(const gic_cache_t *c, uint32_t set, uint32_t a, uint32_t b, uint32_t lo,
                           uint32_t hi)
{
    for (uint32_t w = a; w < b; w++)
        if (way_usable(c, set, w, lo, hi)) return true;
    return false;
}

/* Choose the victim way among [lo, hi) of a set (all valid). */
static uint32_t choose_victim(gic_cache_t *c, uint32_t set, uint32_t lo, uint32_t hi)
{
    uint32_t base = set * c->ways;
    switch (c->cfg.repl) {
    case GIC_REPL_LRU:
    case GIC_REPL_FIFO: {
        uint32_t best = lo;
        for (uint32_t w = lo + 1; w < hi; w++)
            if (c->slot[base + w].stamp < c->slot[base + best].stamp) best = w;
        return best;
    }
    case GIC_REPL_PLRU: {
        const uint8_t *t = c->plru + (size_t)set * c->plru_span;
        uint32_t node = 1, a = 0, span = c->plru_span;
        while (span > 1) {
            span >>= 1;
            bool right = t[node - 1] != 0;
            uint32_t ra = right ? a + span : a;
            if (!subtree_usable(c, set, ra, ra + span, lo, hi)) right = !right;
            node = node * 2 + (right ? 1 : 0);
            if (right) a += span;
        }
        return a;
    }
    case GIC_REPL_RANDOM:
        return lo + (uint32_t)(rng_next(c) % (hi - lo));
    }
    return lo;
}

/* Copy a value out of slot s. */
static inline void copy_out(const gic_cache_t *c, uint32_t s, void *val)
{
    val_copy(val, c->slot[s].val, c->val_size);
}

/* ---- public operations ---------------------------------------------------------- */
bool cache_peek(const gic_cache_t *c, uint64_t key, void *val)
{
    if (!cache_present(c) || c->count == 0) return false;
    uint32_t s = slot_find(c, key);
    if (s == IDX_EMPTY) return false;
    if (val && c->val_size) memcpy(val, c->slot[s].val, c->val_size);
    return true;
}

bool cache_is_locked(const gic_cache_t *c, uint64_t key)
{
    if (!cache_present(c) || c->count == 0) return false;
    uint32_t s = slot_find(c, key);
    return s != IDX_EMPTY && c->slot[s].locked;
}

/* Lookup with statistics and replacement update (cache_lookup, _ref): the
 * slot of key or IDX_EMPTY. count > 0 implies a present cache; locked
 * entries only exist with locked_ways > 0 (cache_fill_ex). */
static inline uint32_t lookup_slot(gic_cache_t *c, uint64_t key)
{
    gic_inc(c->st_lookups);
    uint32_t s = c->count ? slot_find(c, key) : IDX_EMPTY;
    if (s == IDX_EMPTY) {
        gic_inc(c->st_misses);
        return IDX_EMPTY;
    }
    gic_inc(c->st_hits);
    if (c->locked_ways && c->slot[s].locked) gic_inc(c->st_lock_hits);
    touch(c, s, false);
    return s;
}

bool cache_lookup(gic_cache_t *c, uint64_t key, void *val)
{
    if (!c) return false;
    uint32_t s = lookup_slot(c, key);
    if (s == IDX_EMPTY) return false;
    if (val) copy_out(c, s, val);
    return true;
}

void *cache_lookup_ref(gic_cache_t *c, uint64_t key)
{
    if (!c) return NULL;
    uint32_t s = lookup_slot(c, key);
    return s == IDX_EMPTY ? NULL : c->slot[s].val;
}

void *cache_peek_ref(gic_cache_t *c, uint64_t key)
{
    if (!c || c->count == 0) return NULL;
    uint32_t s = slot_find(c, key);
    return s == IDX_EMPTY ? NULL : c->slot[s].val;
}

bool cache_update(gic_cache_t *c, uint64_t key, const void *val)
{
    if (!cache_present(c) || c->count == 0) return false;
    uint32_t s = slot_find(c, key);
    if (s == IDX_EMPTY) return false;
    if (val && c->val_size) memcpy(c->slot[s].val, val, c->val_size);
    return true;
}

/* ---- groups -------------------------------------------------------------------- */
static inline uint32_t group_of(uint64_t key) { return (uint32_t)(key >> 32); }

/* Room for group gr in the per-group arrays; false (and group tracking off,
 * so the group calls walk the whole cache) when the host has no memory. */
static bool group_room(gic_cache_t *c, uint32_t gr)
{
    if (gr < c->ngroups) return true;
    uint32_t n = c->ngroups ? c->ngroups : 16;
    while (n <= gr && n < (1u << 31)) n *= 2;
    if (n <= gr) return false;
    struct cache_group *h = realloc(c->group, (size_t)n * sizeof(*h));
    if (!h) return false;
    c->group = h;
    for (uint32_t i = c->ngroups; i < n; i++) {
        c->group[i].head = IDX_EMPTY;
        c->group[i].count = 0;
    }
    c->ngroups = n;
    return true;
}

static void group_untrack(gic_cache_t *c)
{
    free(c->glink);
    free(c->group);
    c->glink = NULL;
    c->group = NULL;
    c->ngroups = 0;
    c->groups = false;
}

/* Is this group on lists (else its calls walk the whole cache)? */
static inline bool group_tracked(const gic_cache_t *c, uint32_t group)
{
    return c->groups && group >= c->group_min;
}

static inline void group_link(gic_cache_t *c, uint32_t s)
{
    uint32_t gr = group_of(c->slot[s].key);
    if (!group_room(c, gr)) {
        group_untrack(c);
        return;
    }
    uint32_t h = c->group[gr].head;
    c->glink[s].next = h;
    c->glink[s].prev = IDX_EMPTY;
    if (h != IDX_EMPTY) c->glink[h].prev = s;
    c->group[gr].head = s;
    c->group[gr].count++;
}

static inline void group_unlink(gic_cache_t *c, uint32_t s)
{
    uint32_t gr = group_of(c->slot[s].key), n = c->glink[s].next, p = c->glink[s].prev;
    if (p != IDX_EMPTY) c->glink[p].next = n;
    else c->group[gr].head = n;
    if (n != IDX_EMPTY) c->glink[n].prev = p;
    c->group[gr].count--;
}

bool cache_track_groups(gic_cache_t *c, uint32_t group_min)
{
    if (!cache_present(c)) return false;
    if (c->groups) return true;
    c->group_min = group_min;
    size_t n = (size_t)c->sets * c->ways;
    c->glink = malloc(n * sizeof(*c->glink));
    if (!c->glink) {
        group_untrack(c);
        return false;
    }
    c->groups = true;
    for (size_t s = 0; s < n && c->groups; s++)
        if (c->slot[s].valid && group_tracked(c, group_of(c->slot[s].key))) group_link(c, (uint32_t)s);
    return c->groups;
}

size_t cache_group_count(const gic_cache_t *c, uint32_t group)
{
    if (!cache_present(c) || c->count == 0) return 0;
    if (group_tracked(c, group)) return group < c->ngroups ? c->group[group].count : 0;
    size_t n = 0, total = (size_t)c->sets * c->ways;
    for (size_t s = 0; s < total; s++) n += c->slot[s].valid && group_of(c->slot[s].key) == group;
    return n;
}

#define GROUP_SMALL 64u /* a group's slots listed on the stack up to this many */

/* The slots of group in slot order (the order of a whole-cache walk) into
 * *out (small, or allocated: the caller frees it if != small); returns how
 * many, or SIZE_MAX when the groups are not tracked or the host has no memory
 * (the caller walks the whole cache). */
static size_t group_slots(const gic_cache_t *c, uint32_t group, uint32_t small[GROUP_SMALL], uint32_t **out)
{
    if (!group_tracked(c, group)) return SIZE_MAX;
    *out = small;
    if (group >= c->ngroups || c->group[group].count == 0) return 0;
    size_t n = c->group[group].count;
    uint32_t *v = n <= GROUP_SMALL ? small : malloc(n * sizeof(uint32_t));
    if (!v) return SIZE_MAX;
    size_t k = 0;
    for (uint32_t s = c->group[group].head; s != IDX_EMPTY && k < n; s = c->glink[s].next) v[k++] = s;
    gic_sort_u32(v, k);
    *out = v;
    return k;
}

static inline void drop_slot(gic_cache_t *c, uint32_t s)
{
    if (group_tracked(c, group_of(c->slot[s].key))) group_unlink(c, s);
    if (c->use_idx) idx_remove(c, c->slot[s].key);
    c->slot[s].valid = 0;
    c->slot[s].locked = 0;
    c->slot[s].stamp = 0;
    c->count--;
}

static inline void place(gic_cache_t *c, uint32_t s, uint64_t key, const void *val, bool lock)
{
    c->slot[s].key = key;
    if (val) val_copy(c->slot[s].val, val, c->val_size);
    else memset(c->slot[s].val, 0, c->val_size);
    c->slot[s].valid = 1;
    c->slot[s].locked = lock ? 1 : 0;
    c->count++;
    if (group_tracked(c, group_of(key))) group_link(c, s);
    if (c->use_idx) idx_insert(c, key, s);
    touch(c, s, true);
    gic_inc(c->st_fills);
}

/* A key found in the cache by cache_fill_ex: replace its value (and move it
 * into a free locked way when a lock is asked for and it is not locked). */
static cache_fill_result_t fill_present(gic_cache_t *c, uint32_t s, uint32_t base, uint64_t key,
                                        const void *val, bool lock)
{
    if (lock && !c->slot[s].locked) {
        /* upgrade: move into a locked way if one is free */
        for (uint32_t w = 0; w < c->locked_ways; w++) {
            if (!c->slot[base + w].valid) {
                drop_slot(c, s);
                place(c, base + w, key, val, true);
                if (c->st_fills) (*c->st_fills)--; /* a move is not a new fill */
                return CACHE_FILL_UPDATED;
            }
        }
    }
    if (val) val_copy(c->slot[s].val, val, c->val_size);
    touch(c, s, false);
    return CACHE_FILL_UPDATED;
}

/* Evict slot v (valid) for key. */
static cache_fill_result_t fill_evict(gic_cache_t *c, uint32_t v, uint64_t key, const void *val,
                                      uint64_t *ev_key, void *ev_val)
{
    if (ev_key) *ev_key = c->slot[v].key;
    if (ev_val) memcpy(ev_val, c->slot[v].val, c->val_size); /* (the caller's buffer: val_size bytes) */
    gic_inc(c->st_evictions);
    drop_slot(c, v);
    place(c, v, key, val, false);
    return CACHE_FILL_EVICTED;
}

/* cache_fill_ex of a cache whose sets are scanned, with LRU or FIFO
 * replacement and no locked ways (c->fill_scan): the common configuration.
 * An invalid way has stamp 0 (drop_slot, cache_create) and a valid one at
 * least 1 (touch: ++tick), so the first way with the smallest stamp is the
 * first free way if the set has one, else the oldest way: the general path's
 * choice, found in one comparison per way. */
static cache_fill_result_t fill_scan(gic_cache_t *c, uint64_t key, const void *val, uint64_t *ev_key,
                                     void *ev_val)
{
    uint32_t base = set_of(c, key) * c->ways, old_w = 0;
    const cache_slot_t *sl = c->slot + base;
    uint64_t old_stamp = UINT64_MAX;
    for (uint32_t w = 0; w < c->ways; w++) {
        if (sl[w].key == key && sl[w].valid) return fill_present(c, base + w, base, key, val, false);
        if (sl[w].stamp < old_stamp) {
            old_stamp = sl[w].stamp;
            old_w = w;
        }
    }
    if (old_stamp == 0) {
        place(c, base + old_w, key, val, false);
        return CACHE_FILL_INSERTED;
    }
    /* fill_evict in place: the slot stays valid and unlocked, the count the
     * same; what changes is its key, value, stamp and group */
    uint32_t v = base + old_w;
    cache_slot_t *x = &c->slot[v];
    if (ev_key) *ev_key = x->key;
    if (ev_val) memcpy(ev_val, x->val, c->val_size); /* (the caller's buffer: val_size bytes) */
    gic_inc(c->st_evictions);
    if (c->groups && group_tracked(c, group_of(x->key))) group_unlink(c, v);
    x->key = key;
    if (val) val_copy(x->val, val, c->val_size);
    else memset(x->val, 0, c->val_size);
    x->stamp = ++c->tick; /* touch(c, v, true) under LRU and FIFO */
    if (c->groups && group_tracked(c, group_of(key))) group_link(c, v);
    gic_inc(c->st_fills);
    return CACHE_FILL_EVICTED;
}

cache_fill_result_t cache_fill_ex(gic_cache_t *c, uint64_t key, const void *val, bool lock,
                                  uint64_t *ev_key, void *ev_val)
{
    if (!cache_present(c)) return CACHE_FILL_REJECTED;
    if (c->fill_scan) return fill_scan(c, key, val, ev_key, ev_val);
    if (c->locked_ways == 0) lock = false;
    /* one hash for the look-up and the placement */
    uint32_t set = set_of(c, key), base = set * c->ways;
    uint32_t lo = lock ? 0 : c->locked_ways, hi = lock ? c->locked_ways : c->ways;
    /* the first free way of [lo, hi), and (scanned sets, LRU or FIFO) the
     * first way of [lo, hi) with the oldest stamp: choose_victim's answer */
    uint32_t free_w = UINT32_MAX, old_w = UINT32_MAX;
    if (!c->use_idx) {
        /* One pass over the set's ways: the key's way, the free way and the
         * oldest way, in one read of the set. */
        const cache_slot_t *sl = c->slot + base;
        uint64_t old_stamp = UINT64_MAX;
        for (uint32_t w = 0; w < c->ways; w++) {
            if (sl[w].valid) {
                if (sl[w].key == key) return fill_present(c, base + w, base, key, val, lock);
                if (w >= lo && w < hi && sl[w].stamp < old_stamp) {
                    old_stamp = sl[w].stamp;
                    old_w = w;
                }
            } else if (free_w == UINT32_MAX && w >= lo && w < hi) {
                free_w = w;
            }
        }
        if (c->cfg.repl != GIC_REPL_LRU && c->cfg.repl != GIC_REPL_FIFO) old_w = UINT32_MAX;
    } else {
        uint32_t s = c->count ? idx_find(c, key) : IDX_EMPTY;
        if (s != IDX_EMPTY) return fill_present(c, s, base, key, val, lock);
        for (uint32_t w = lo; w < hi && free_w == UINT32_MAX; w++)
            if (!c->slot[base + w].valid) free_w = w;
    }
    if (free_w != UINT32_MAX) {
        place(c, base + free_w, key, val, lock);
        return CACHE_FILL_INSERTED;
    }
    if (lock) return CACHE_FILL_REJECTED; /* every locked way holds a locked entry */
    uint32_t v = old_w != UINT32_MAX ? old_w : choose_victim(c, set, lo, hi);
    return fill_evict(c, base + v, key, val, ev_key, ev_val);
}

bool cache_fill(gic_cache_t *c, uint64_t key, const void *val, bool lock, uint64_t *ev_key,
                void *ev_val)
{
    return cache_fill_ex(c, key, val, lock, ev_key, ev_val) == CACHE_FILL_EVICTED;
}

bool cache_invalidate(gic_cache_t *c, uint64_t key)
{
    if (!cache_present(c) || c->count == 0) return false;
    uint32_t s = slot_find(c, key);
    if (s == IDX_EMPTY) return false;
    drop_slot(c, s);
    gic_inc(c->st_inval);
    return true;
}

size_t cache_invalidate_if(gic_cache_t *c, bool (*pred)(uint64_t key, const void *val, void *ctx),
                           void *ctx)
{
    if (!cache_present(c) || c->count == 0) return 0;
    size_t n = 0, total = (size_t)c->sets * c->ways;
    for (size_t s = 0; s < total; s++) {
        if (!c->slot[s].valid) continue;
        if (pred && !pred(c->slot[s].key, c->slot[s].val, ctx)) continue;
        drop_slot(c, (uint32_t)s);
        gic_inc(c->st_inval);
        n++;
    }
    return n;
}

void cache_foreach(const gic_cache_t *c, void (*fn)(uint64_t key, const void *val, void *ctx),
                   void *ctx)
{
    if (!cache_present(c) || c->count == 0 || !fn) return;
    size_t total = (size_t)c->sets * c->ways;
    for (size_t s = 0; s < total; s++)
        if (c->slot[s].valid) fn(c->slot[s].key, c->slot[s].val, ctx);
}

/* The untracked group calls: the whole-cache walks with the group as a filter. */
typedef struct group_filter {
    uint32_t group;
    bool (*pred)(uint64_t key, const void *val, void *ctx);
    void (*fn)(uint64_t key, const void *val, void *ctx);
    void *ctx;
} group_filter_t;

static bool in_group(uint64_t key, const void *val, void *ctx)
{
    const group_filter_t *f = ctx;
    return group_of(key) == f->group && (!f->pred || f->pred(key, val, f->ctx));
}

static void visit_in_group(uint64_t key, const void *val, void *ctx)
{
    const group_filter_t *f = ctx;
    if (group_of(key) == f->group) f->fn(key, val, f->ctx);
}

size_t cache_invalidate_group_if(gic_cache_t *c, uint32_t group,
                                 bool (*pred)(uint64_t key, const void *val, void *ctx), void *ctx)
{
    if (!cache_present(c) || c->count == 0) return 0;
    uint32_t small[GROUP_SMALL], *v;
    size_t k = group_slots(c, group, small, &v);
    if (k == SIZE_MAX) { /* untracked: the whole cache, the group's entries only */
        group_filter_t f = {group, pred, NULL, ctx};
        return cache_invalidate_if(c, in_group, &f);
    }
    size_t n = 0;
    for (size_t i = 0; i < k; i++) {
        uint32_t s = v[i];
        if (pred && !pred(c->slot[s].key, c->slot[s].val, ctx)) continue;
        drop_slot(c, s);
        gic_inc(c->st_inval);
        n++;
    }
    if (v != small) free(v);
    return n;
}

void cache_foreach_group(const gic_cache_t *c, uint32_t group,
                         void (*fn)(uint64_t key, const void *val, void *ctx), void *ctx)
{
    if (!cache_present(c) || c->count == 0 || !fn) return;
    uint32_t small[GROUP_SMALL], *v;
    size_t k = group_slots(c, group, small, &v);
    if (k == SIZE_MAX) { /* untracked: the whole cache, the group's entries only */
        group_filter_t f = {group, NULL, fn, ctx};
        cache_foreach(c, visit_in_group, &f);
        return;
    }
    for (size_t i = 0; i < k; i++) fn(c->slot[v[i]].key, c->slot[v[i]].val, ctx);
    if (v != small) free(v);
}
