// Generic cache component (model/cache.c). The cache is an internal building
// block with no register of its own, so this file tests it directly through
// model/cache.h; the GIC instance is created through the public API and the
// statistics are read back through it.
#include <gtest/gtest.h>

#include <set>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"
extern "C" {
#include "../model/cache.h"
}

namespace {

struct CacheTest : gictest::GicTest {
    void SetUp() override { create(); }
    uint64_t stat(const char *name) { return counter(name); }
    gic_cache_t *make(uint32_t entries, uint32_t ways, gic_repl_t repl, uint32_t locked = 0,
                      const char *prefix = "t")
    {
        gic_cache_config_t c = {entries, ways, repl, locked, 1};
        return cache_create(g, &c, sizeof(uint32_t), prefix);
    }
    static uint32_t get(gic_cache_t *c, uint64_t k)
    {
        uint32_t v = 0;
        return cache_lookup(c, k, &v) ? v : 0xdeadu;
    }
    // Fill; returns the evicted key or ~0 when nothing was evicted.
    static uint64_t fill(gic_cache_t *c, uint64_t k, bool lock = false)
    {
        uint32_t v = (uint32_t)k * 10u;
        uint64_t ek = ~0ull;
        uint32_t ev = 0;
        bool e = cache_fill(c, k, &v, lock, &ek, &ev);
        if (!e) return ~0ull;
        EXPECT_EQ(ev, (uint32_t)ek * 10u); // evicted value travels with its key
        return ek;
    }
};

TEST_F(CacheTest, AbsentCacheMissesAndCounts)
{
    gic_cache_t *c = make(0, 0, GIC_REPL_LRU);
    ASSERT_NE(c, nullptr);
    EXPECT_FALSE(cache_present(c));
    EXPECT_EQ(fill(c, 1), ~0ull);
    uint32_t v = 5;
    EXPECT_EQ(cache_fill_ex(c, 1, &v, false, nullptr, nullptr), CACHE_FILL_REJECTED);
    EXPECT_FALSE(cache_lookup(c, 1, nullptr));
    EXPECT_FALSE(cache_lookup(c, 2, nullptr));
    EXPECT_EQ(cache_count(c), 0u);
    EXPECT_EQ(stat("t.lookups"), 2u);
    EXPECT_EQ(stat("t.misses"), 2u);
    EXPECT_EQ(stat("t.hits"), 0u);
    EXPECT_EQ(stat("t.fills"), 0u);
    cache_destroy(c);
}

TEST_F(CacheTest, LruEvictsLeastRecentlyUsed)
{
    gic_cache_t *c = make(3, 0, GIC_REPL_LRU); // fully associative, 3 ways
    EXPECT_EQ(fill(c, 1), ~0ull);
    EXPECT_EQ(fill(c, 2), ~0ull);
    EXPECT_EQ(fill(c, 3), ~0ull);
    EXPECT_EQ(get(c, 1), 10u); // order (old->new): 2 3 1
    EXPECT_EQ(fill(c, 4), 2u); // 3 1 4
    EXPECT_EQ(get(c, 3), 30u); // 1 4 3
    EXPECT_EQ(fill(c, 5), 1u); // 4 3 5
    EXPECT_EQ(fill(c, 6), 4u);
    EXPECT_EQ(get(c, 2), 0xdeadu);
    EXPECT_EQ(stat("t.lookups"), 3u);
    EXPECT_EQ(stat("t.hits"), 2u);
    EXPECT_EQ(stat("t.misses"), 1u);
    EXPECT_EQ(stat("t.fills"), 6u);
    EXPECT_EQ(stat("t.evictions"), 3u);
    EXPECT_EQ(cache_count(c), 3u);
    cache_destroy(c);
}

TEST_F(CacheTest, FifoIgnoresHits)
{
    gic_cache_t *c = make(3, 3, GIC_REPL_FIFO);
    fill(c, 1);
    fill(c, 2);
    fill(c, 3);
    EXPECT_EQ(get(c, 1), 10u);
    EXPECT_EQ(get(c, 1), 10u);
    EXPECT_EQ(fill(c, 4), 1u); // oldest fill, even though just used
    EXPECT_EQ(fill(c, 5), 2u);
    EXPECT_EQ(fill(c, 6), 3u);
    EXPECT_EQ(fill(c, 7), 4u);
    cache_destroy(c);
}

TEST_F(CacheTest, TreePlruOrder)
{
    gic_cache_t *c = make(4, 4, GIC_REPL_PLRU);
    fill(c, 10); // way 0
    fill(c, 11); // way 1
    fill(c, 12); // way 2
    fill(c, 13); // way 3: root -> left half, left node -> way 0
    EXPECT_EQ(fill(c, 14), 10u); // 14 in way 0: root -> right, right node -> way 2
    EXPECT_EQ(fill(c, 15), 12u); // 15 in way 2: root -> left, left node -> way 1
    EXPECT_EQ(get(c, 11), 110u); // touch way 1: root -> right, left node -> way 0
    EXPECT_EQ(fill(c, 16), 13u); // right node -> way 3 (way 2 just used)
    EXPECT_EQ(fill(c, 17), 14u); // root -> left, left node -> way 0
    cache_destroy(c);
}

TEST_F(CacheTest, PlruNonPowerOfTwoWays)
{
    gic_cache_t *c = make(3, 3, GIC_REPL_PLRU);
    fill(c, 1); // way 0
    fill(c, 2); // way 1
    fill(c, 3); // way 2 (span 4: way 3 does not exist)
    // root -> left (way 2 on the right was used last), left node -> way 0
    EXPECT_EQ(fill(c, 4), 1u);
    // root -> right; right subtree {2, 3}: node points to way 3 (absent) -> way 2
    EXPECT_EQ(fill(c, 5), 3u);
    EXPECT_EQ(cache_count(c), 3u);
    cache_destroy(c);
}

TEST_F(CacheTest, RandomIsDeterministicAndSalted)
{
    auto run = [&](const char *prefix) {
        gic_cache_t *c = make(4, 4, GIC_REPL_RANDOM, 0, prefix);
        std::vector<uint64_t> ev;
        std::set<uint64_t> in;
        for (uint64_t k = 1; k <= 40; k++) {
            uint64_t e = fill(c, k);
            if (e != ~0ull) {
                EXPECT_TRUE(in.count(e)) << "victim must be a cached key";
                in.erase(e);
                ev.push_back(e);
            }
            in.insert(k);
        }
        EXPECT_EQ(cache_count(c), 4u);
        for (uint64_t k : in) EXPECT_TRUE(cache_peek(c, k, nullptr));
        cache_destroy(c);
        return ev;
    };
    std::vector<uint64_t> a = run("r1"), b = run("r1"), d = run("r2");
    EXPECT_EQ(a.size(), 36u);
    EXPECT_EQ(a, b);  // same seed and salt: same victims
    EXPECT_NE(a, d);  // another cache (salt) draws another sequence
}

TEST_F(CacheTest, LockedWaysAreNeverEvictedByNormalFills)
{
    gic_cache_t *c = make(4, 4, GIC_REPL_LRU, 1);
    uint32_t v = 7;
    EXPECT_EQ(cache_fill_ex(c, 100, &v, true, nullptr, nullptr), CACHE_FILL_INSERTED);
    EXPECT_TRUE(cache_is_locked(c, 100));
    // a second locked entry has no free locked way: refused, nothing inserted
    EXPECT_EQ(cache_fill_ex(c, 101, &v, true, nullptr, nullptr), CACHE_FILL_REJECTED);
    EXPECT_FALSE(cache_peek(c, 101, nullptr));
    for (uint64_t k = 1; k <= 3; k++) EXPECT_EQ(fill(c, k), ~0ull);
    EXPECT_EQ(fill(c, 4), 1u); // LRU among the 3 normal ways; 100 is older but locked
    EXPECT_EQ(fill(c, 5), 2u);
    EXPECT_EQ(fill(c, 6), 3u);
    uint32_t out = 0;
    EXPECT_TRUE(cache_lookup(c, 100, &out));
    EXPECT_EQ(out, 7u);
    EXPECT_EQ(stat("t.lock_hits"), 1u);
    EXPECT_EQ(stat("t.hits"), 1u);
    // invalidation frees the locked way
    EXPECT_TRUE(cache_invalidate(c, 100));
    EXPECT_EQ(cache_fill_ex(c, 101, &v, true, nullptr, nullptr), CACHE_FILL_INSERTED);
    cache_destroy(c);
}

TEST_F(CacheTest, UpdateAndRefill)
{
    gic_cache_t *c = make(2, 2, GIC_REPL_LRU);
    uint32_t v = 1;
    EXPECT_EQ(cache_fill_ex(c, 5, &v, false, nullptr, nullptr), CACHE_FILL_INSERTED);
    v = 2;
    EXPECT_EQ(cache_fill_ex(c, 5, &v, false, nullptr, nullptr), CACHE_FILL_UPDATED);
    EXPECT_EQ(cache_count(c), 1u);
    v = 3;
    EXPECT_TRUE(cache_update(c, 5, &v));
    EXPECT_FALSE(cache_update(c, 6, &v));
    uint32_t out = 0;
    EXPECT_TRUE(cache_peek(c, 5, &out));
    EXPECT_EQ(out, 3u);
    EXPECT_EQ(stat("t.lookups"), 0u); // peek is not a lookup
    EXPECT_EQ(stat("t.fills"), 1u);
    cache_destroy(c);
}

static bool odd(uint64_t k, const void *, void *) { return k & 1; }
static void collect(uint64_t k, const void *v, void *ctx)
{
    EXPECT_EQ(*(const uint32_t *)v, (uint32_t)k * 10u);
    static_cast<std::vector<uint64_t> *>(ctx)->push_back(k);
}

TEST_F(CacheTest, InvalidationAndForeach)
{
    gic_cache_t *c = make(16, 4, GIC_REPL_LRU); // 4 sets x 4 ways
    EXPECT_EQ(cache_sets(c), 4u);
    EXPECT_EQ(cache_ways(c), 4u);
    size_t evictions = 0;
    for (uint64_t k = 1; k <= 12; k++)
        if (fill(c, k) != ~0ull) evictions++;
    EXPECT_EQ(cache_count(c), 12u - evictions);
    std::vector<uint64_t> keys;
    cache_foreach(c, collect, &keys);
    EXPECT_EQ(keys.size(), cache_count(c));
    std::vector<uint64_t> again;
    cache_foreach(c, collect, &again);
    EXPECT_EQ(keys, again); // deterministic order
    size_t nodd = 0;
    for (uint64_t k : keys) nodd += k & 1;
    EXPECT_TRUE(cache_invalidate(c, keys[0]));
    EXPECT_FALSE(cache_invalidate(c, keys[0]));
    EXPECT_FALSE(cache_peek(c, keys[0], nullptr));
    size_t left_odd = nodd - (keys[0] & 1);
    EXPECT_EQ(cache_invalidate_if(c, odd, nullptr), left_odd);
    for (uint64_t k : keys) EXPECT_EQ(cache_peek(c, k, nullptr), !(k & 1) && k != keys[0]);
    size_t rest = cache_count(c);
    EXPECT_EQ(cache_invalidate_if(c, nullptr, nullptr), rest);
    EXPECT_EQ(cache_count(c), 0u);
    EXPECT_EQ(stat("t.invalidations"), keys.size());
    cache_destroy(c);
}

TEST_F(CacheTest, SetAssociativeNeverExceedsSetCapacity)
{
    // 8 sets x 2 ways, LRU: a reference model per set must match every outcome.
    gic_cache_t *c = make(16, 2, GIC_REPL_LRU);
    std::set<uint64_t> in;
    uint64_t x = 12345;
    for (int i = 0; i < 5000; i++) {
        x = x * 6364136223846793005ull + 1442695040888963407ull;
        uint64_t k = (x >> 33) % 64;
        uint32_t v = (uint32_t)k * 10u;
        bool hit = cache_lookup(c, k, &v);
        EXPECT_EQ(hit, in.count(k) == 1);
        if (!hit) {
            uint64_t e = fill(c, k);
            if (e != ~0ull) {
                EXPECT_TRUE(in.count(e));
                in.erase(e);
            } else {
                EXPECT_LT(in.size(), 16u);
            }
            in.insert(k);
        }
        ASSERT_EQ(cache_count(c), in.size());
    }
    cache_destroy(c);
}

// The documented fill rules (cache.c header) written out plainly for one set,
// against the cache on random look-ups, fills (some locked) and
// invalidations: LRU and FIFO, with and without locked ways, scanned sets
// (<= 8 ways) and the key -> slot index (more ways). One set (entries ==
// ways), so the reference needs no hash.
struct RefSet {
    struct Way { bool valid = false, locked = false; uint64_t key = 0, stamp = 0; uint32_t val = 0; };
    std::vector<Way> w;
    uint32_t locked_ways;
    bool lru;
    uint64_t tick = 0;
    RefSet(uint32_t ways, uint32_t locked, bool is_lru) : w(ways), locked_ways(locked), lru(is_lru) {}
    int find(uint64_t k) const
    {
        for (size_t i = 0; i < w.size(); i++)
            if (w[i].valid && w[i].key == k) return (int)i;
        return -1;
    }
    bool lookup(uint64_t k, uint32_t *v)
    {
        int i = find(k);
        if (i < 0) return false;
        if (lru) w[i].stamp = ++tick;
        *v = w[i].val;
        return true;
    }
    void place(size_t i, uint64_t k, uint32_t v, bool lock)
    {
        w[i] = Way{true, lock, k, ++tick, v}; // a fill stamps the way (LRU and FIFO)
    }
    cache_fill_result_t fill(uint64_t k, uint32_t v, bool lock, uint64_t *ek)
    {
        if (locked_ways == 0) lock = false;
        int i = find(k);
        if (i >= 0) {
            if (lock && !w[i].locked)
                for (uint32_t j = 0; j < locked_ways; j++)
                    if (!w[j].valid) {
                        w[i] = Way{};
                        place(j, k, v, true);
                        return CACHE_FILL_UPDATED;
                    }
            w[i].val = v;
            if (lru) w[i].stamp = ++tick;
            return CACHE_FILL_UPDATED;
        }
        uint32_t lo = lock ? 0 : locked_ways, hi = lock ? locked_ways : (uint32_t)w.size();
        for (uint32_t j = lo; j < hi; j++)
            if (!w[j].valid) {
                place(j, k, v, lock);
                return CACHE_FILL_INSERTED;
            }
        if (lock) return CACHE_FILL_REJECTED;
        uint32_t best = lo; // the oldest stamp, the first of equals
        for (uint32_t j = lo + 1; j < hi; j++)
            if (w[j].stamp < w[best].stamp) best = j;
        *ek = w[best].key;
        place(best, k, v, false);
        return CACHE_FILL_EVICTED;
    }
    bool invalidate(uint64_t k)
    {
        int i = find(k);
        if (i < 0) return false;
        w[i] = Way{};
        return true;
    }
    size_t count() const
    {
        size_t n = 0;
        for (const Way &x : w) n += x.valid;
        return n;
    }
};

TEST_F(CacheTest, FillRulesMatchAReferenceModel)
{
    struct Shape { uint32_t ways, locked; };
    const Shape shapes[] = {{4, 0}, {4, 1}, {8, 2}, {2, 1}, {16, 0}, {16, 3}};
    for (gic_repl_t repl : {GIC_REPL_LRU, GIC_REPL_FIFO}) {
        for (const Shape &sh : shapes) {
            SCOPED_TRACE(testing::Message() << (repl == GIC_REPL_LRU ? "LRU " : "FIFO ") << sh.ways
                                            << " ways, " << sh.locked << " locked");
            gic_cache_t *c = make(sh.ways, sh.ways, repl, sh.locked);
            ASSERT_NE(c, nullptr);
            RefSet ref(sh.ways, sh.locked, repl == GIC_REPL_LRU);
            uint64_t x = 0x2545f4914f6cdd1dull + sh.ways * 31 + sh.locked;
            for (int i = 0; i < 20000; i++) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                uint64_t k = (x >> 8) % (sh.ways * 3 / 2 + 2);
                uint32_t v = (uint32_t)(x >> 40), got = 0, want = 0;
                switch ((x >> 3) % 8) {
                case 0: case 1: case 2:
                    ASSERT_EQ(cache_lookup(c, k, &got), ref.lookup(k, &want)) << "lookup " << k << " at " << i;
                    ASSERT_EQ(got, want);
                    break;
                case 7:
                    ASSERT_EQ(cache_invalidate(c, k), ref.invalidate(k)) << "invalidate " << k << " at " << i;
                    break;
                default: {
                    bool lock = ((x >> 20) % 4) == 0;
                    uint64_t ek = ~0ull, rk = ~0ull;
                    uint32_t ev = 0;
                    cache_fill_result_t r = cache_fill_ex(c, k, &v, lock, &ek, &ev);
                    ASSERT_EQ(r, ref.fill(k, v, lock, &rk)) << "fill " << k << (lock ? " locked" : "") << " at " << i;
                    if (r == CACHE_FILL_EVICTED) {
                        ASSERT_EQ(ek, rk) << "victim at " << i;
                    }
                }
                }
                ASSERT_EQ(cache_count(c), ref.count()) << "at " << i;
            }
            cache_destroy(c);
        }
    }
}

} // namespace
