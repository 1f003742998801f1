/* Generic set-associative cache component (ITS device/event/collection
 * caches, LPI cache). Keys are 64-bit, values are fixed-size blobs. With
 * entries == 0 the cache is absent: every lookup misses (and is counted).
 *
 * Statistics, under the prefix given at creation (e.g. "its0.cache.device"):
 * <prefix>.lookups, .hits, .misses, .fills, .evictions, .invalidations,
 * .lock_hits. */
#ifndef GIC_CACHE_H
#define GIC_CACHE_H
#include "gic_internal.h"

typedef struct gic_cache gic_cache_t;

/* val_size: bytes of the value stored per entry, at most 8 (NULL otherwise). */
gic_cache_t *cache_create(gic_t *g, const gic_cache_config_t *cfg, size_t val_size,
                          const char *stat_prefix);
void cache_destroy(gic_cache_t *c);
/* Host bytes cache_create allocates for cfg (the resource estimate). */
uint64_t cache_host_bytes(const gic_cache_config_t *cfg);
bool cache_present(const gic_cache_t *c); /* entries > 0 */

/* Lookup; on a hit copies the value into val (if non-NULL), updates
 * replacement state and returns true. */
bool cache_lookup(gic_cache_t *c, uint64_t key, void *val);
/* Lookup without statistics or replacement update (for checks). */
bool cache_peek(const gic_cache_t *c, uint64_t key, void *val);
/* Insert or update. If a valid entry had to be evicted returns true and
 * writes its key/value to ev_key/ev_val (if non-NULL) so the owner can write
 * it back. lock = place the entry in a locked way (never evicted by normal
 * fills; a lookup of a locked entry counts as a lock hit). If no way can take
 * the entry (all locked) nothing is inserted and false is returned. */
bool cache_fill(gic_cache_t *c, uint64_t key, const void *val, bool lock, uint64_t *ev_key,
                void *ev_val);
/* Update the value of a present entry in place (no replacement update). */
bool cache_update(gic_cache_t *c, uint64_t key, const void *val);
/* Drop one entry (returns true if it was present). Locked entries are dropped too. */
bool cache_invalidate(gic_cache_t *c, uint64_t key);
/* Drop every entry for which pred returns true (NULL pred = all); returns how many. */
size_t cache_invalidate_if(gic_cache_t *c, bool (*pred)(uint64_t key, const void *val, void *ctx),
                           void *ctx);
/* Visit every valid entry in a deterministic order (set, then way). */
void cache_foreach(const gic_cache_t *c, void (*fn)(uint64_t key, const void *val, void *ctx),
                   void *ctx);
size_t cache_count(const gic_cache_t *c);

/* ---- additions (documented in model/cache.c) ---- */
typedef enum cache_fill_result {
    CACHE_FILL_INSERTED = 0, /* new entry, no eviction */
    CACHE_FILL_UPDATED = 1,  /* key was present: value replaced */
    CACHE_FILL_EVICTED = 2,  /* new entry; a valid entry was evicted (ev_key/ev_val) */
    CACHE_FILL_REJECTED = 3  /* not inserted: cache absent, or lock requested and every
                                locked way holds a locked entry */
} cache_fill_result_t;
/* cache_fill with a precise result (cache_fill returns result == EVICTED). */
cache_fill_result_t cache_fill_ex(gic_cache_t *c, uint64_t key, const void *val, bool lock,
                                  uint64_t *ev_key, void *ev_val);
/* Like cache_lookup / cache_peek, but return a pointer to the value held in
 * the cache (NULL on a miss) so the owner can read and update it in place with
 * one index probe. The pointer is valid until the next fill or invalidation. */
void *cache_lookup_ref(gic_cache_t *c, uint64_t key);
void *cache_peek_ref(gic_cache_t *c, uint64_t key);
bool cache_is_locked(const gic_cache_t *c, uint64_t key);
uint32_t cache_hit_cycles(const gic_cache_t *c); /* cfg.hit_cycles */
uint32_t cache_sets(const gic_cache_t *c);
uint32_t cache_ways(const gic_cache_t *c);

/* Groups: the entries whose keys share bits [63:32] (for the LPI caches: the
 * LPI space, so one vPE's entries). After cache_track_groups the cache keeps
 * a list of each group's entries, so that the calls below take time in
 * proportion to the group's entries, not to the cache's size. They visit the
 * group's entries in the order cache_foreach does (slot order), so the
 * results are those of cache_foreach / cache_invalidate_if with a predicate
 * on the group. Without tracking (or if the host could not allocate the
 * lists) they walk the whole cache: same answers. */
/* Groups from group_min on are tracked; the calls on a group below it walk
 * the whole cache (for groups whose calls are rare: no list to keep on every
 * fill and eviction). */
bool cache_track_groups(gic_cache_t *c, uint32_t group_min); /* false: not tracked (absent cache or no memory) */
size_t cache_group_count(const gic_cache_t *c, uint32_t group);
/* cache_invalidate_if restricted to group (pred NULL = all of the group). */
size_t cache_invalidate_group_if(gic_cache_t *c, uint32_t group,
                                 bool (*pred)(uint64_t key, const void *val, void *ctx), void *ctx);
/* cache_foreach restricted to group. */
void cache_foreach_group(const gic_cache_t *c, uint32_t group,
                         void (*fn)(uint64_t key, const void *val, void *ctx), void *ctx);
#endif
