// Groups of the generic cache (model/cache.h, cache_track_groups): the entries
// of one group (key >> 32; for the LPI caches one LPI space) visited or
// invalidated without a walk of the whole cache. The answers must be those of
// the whole-cache walk with a predicate on the group, in the same order: a
// tracked cache and an untracked twin take the same random operations and are
// compared after each.
#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"
extern "C" {
#include "../model/cache.h"
}

namespace {

struct CacheGroups : gictest::GicTest {
    void SetUp() override { create(); }
    gic_cache_t *make(uint32_t entries, uint32_t ways, gic_repl_t repl, const char *prefix)
    {
        gic_cache_config_t c = {entries, ways, repl, 0, 1};
        return cache_create(g, &c, sizeof(uint32_t), prefix);
    }
};

using Visit = std::vector<std::pair<uint64_t, uint32_t>>;

void add_visit(uint64_t key, const void *val, void *ctx)
{
    uint32_t v;
    memcpy(&v, val, sizeof v);
    static_cast<Visit *>(ctx)->push_back({key, v});
}

struct GroupPred {
    uint32_t group;
    uint32_t odd_only; // drop only odd INTIDs of the group
    Visit seen;
};

bool pred_group(uint64_t key, const void *val, void *ctx)
{
    auto *p = static_cast<GroupPred *>(ctx);
    if ((uint32_t)(key >> 32) != p->group) return false;
    if (p->odd_only && !(key & 1)) return false;
    add_visit(key, val, &p->seen);
    return true;
}

bool pred_odd(uint64_t key, const void *val, void *ctx)
{
    auto *p = static_cast<GroupPred *>(ctx);
    if (!(key & 1)) return false;
    add_visit(key, val, &p->seen);
    return true;
}

Visit all_of(gic_cache_t *c)
{
    Visit v;
    cache_foreach(c, add_visit, &v);
    return v;
}

Visit group_by_walk(gic_cache_t *c, uint32_t gr)
{
    Visit v, out;
    cache_foreach(c, add_visit, &v);
    for (auto &e : v)
        if ((uint32_t)(e.first >> 32) == gr) out.push_back(e);
    return out;
}

// Random fills, lookups, single invalidations and group invalidations on a
// tracked and an untracked cache of the same geometry: same contents in the
// same order, same group visits and counts, same statistics.
// (RANDOM replacement draws from a generator seeded by the statistics prefix:
// the twins then share the prefix, and so their counters, which are not compared.)
// group_min: a tracks the groups from group_min on only, and walks for the others
// (b tracks none).
void differential(CacheGroups &t, uint32_t entries, uint32_t ways, gic_repl_t repl, unsigned seed,
                  uint32_t group_min = 0)
{
    bool shared = repl == GIC_REPL_RANDOM;
    gic_cache_t *a = t.make(entries, ways, repl, shared ? "gs" : "ga");
    gic_cache_t *b = t.make(entries, ways, repl, shared ? "gs" : "gb");
    ASSERT_NE(a, nullptr);
    ASSERT_NE(b, nullptr);
    ASSERT_TRUE(cache_track_groups(a, group_min));
    uint64_t x = seed * 0x9e3779b97f4a7c15ull + 1;
    auto rnd = [&x]() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    for (int i = 0; i < 4000; i++) {
        // group numbers up to 40 (beyond the first allocation of 16 groups)
        uint32_t gr = (uint32_t)(rnd() % 41), id = 8192 + (uint32_t)(rnd() % 96);
        uint64_t key = ((uint64_t)gr << 32) | id;
        unsigned op = (unsigned)(rnd() % 100);
        if (op < 55) {
            uint32_t v = (uint32_t)rnd();
            uint64_t ka = 0, kb = 0;
            uint32_t va = 0, vb = 0;
            ASSERT_EQ(cache_fill_ex(a, key, &v, false, &ka, &va), cache_fill_ex(b, key, &v, false, &kb, &vb));
            ASSERT_EQ(ka, kb);
            ASSERT_EQ(va, vb);
        } else if (op < 75) {
            uint32_t va = 0, vb = 0;
            ASSERT_EQ(cache_lookup(a, key, &va), cache_lookup(b, key, &vb));
            ASSERT_EQ(va, vb);
        } else if (op < 85) {
            ASSERT_EQ(cache_invalidate(a, key), cache_invalidate(b, key));
        } else if (op < 95) {
            GroupPred pa{gr, (uint32_t)(op & 1), {}}, pb{gr, (uint32_t)(op & 1), {}};
            size_t na = cache_invalidate_group_if(a, gr, op & 1 ? pred_odd : nullptr, op & 1 ? &pa : nullptr);
            size_t nb = cache_invalidate_if(b, pred_group, &pb);
            ASSERT_EQ(na, nb) << "group " << gr;
            if (op & 1) {
                ASSERT_EQ(pa.seen, pb.seen); // same order of the write-back callbacks
            }
        } else {
            Visit va;
            cache_foreach_group(a, gr, add_visit, &va);
            ASSERT_EQ(va, group_by_walk(b, gr)) << "group " << gr;
            ASSERT_EQ(cache_group_count(a, gr), va.size());
            ASSERT_EQ(cache_group_count(b, gr), va.size()); // untracked: counted by a walk
        }
        ASSERT_EQ(cache_count(a), cache_count(b));
        if (i % 97 == 0) {
            ASSERT_EQ(all_of(a), all_of(b));
        }
    }
    ASSERT_EQ(all_of(a), all_of(b));
    size_t sum = 0;
    for (uint32_t gr = 0; gr < 64; gr++) sum += cache_group_count(a, gr);
    EXPECT_EQ(sum, cache_count(a));
    for (const char *s : {"lookups", "hits", "misses", "fills", "evictions", "invalidations"}) {
        if (shared) break;
        EXPECT_EQ(t.counter((std::string("ga.") + s).c_str()), t.counter((std::string("gb.") + s).c_str()))
            << s;
    }
    cache_destroy(a);
    cache_destroy(b);
}

TEST_F(CacheGroups, TwoWayLruAgreesWithTheWholeCacheWalk) { differential(*this, 256, 2, GIC_REPL_LRU, 1); }
TEST_F(CacheGroups, EightWayPlruAgreesWithTheWholeCacheWalk) { differential(*this, 128, 8, GIC_REPL_PLRU, 2); }
TEST_F(CacheGroups, FullyAssociativeRandomAgreesWithTheWholeCacheWalk)
{
    // ways > 8: lookups through the key index, which drop_slot also maintains
    differential(*this, 100, 0, GIC_REPL_RANDOM, 3);
}
TEST_F(CacheGroups, LargeGroupIsVisitedInSlotOrder)
{
    // more than the 64 slots sorted on the stack: the allocated, qsorted path
    differential(*this, 512, 4, GIC_REPL_FIFO, 4);
}
TEST_F(CacheGroups, GroupsBelowTheMinimumAreWalkedWithTheSameAnswers)
{
    // groups 0..19 untracked (as a redistributor's own LPI space in the LPI
    // cache), 20..40 on lists: fills and evictions across the two
    differential(*this, 256, 2, GIC_REPL_LRU, 5, 20);
    differential(*this, 100, 0, GIC_REPL_LRU, 6, 20);
}

TEST_F(CacheGroups, TrackingAfterFillsCountsTheEntriesAlreadyPresent)
{
    gic_cache_t *c = make(64, 4, GIC_REPL_LRU, "gl");
    ASSERT_NE(c, nullptr);
    uint32_t v = 1;
    for (uint32_t i = 0; i < 20; i++) cache_fill(c, ((uint64_t)(i % 3) << 32) | (8192 + i), &v, false, nullptr, nullptr);
    EXPECT_EQ(cache_group_count(c, 1), 7u); // untracked: by a walk
    ASSERT_TRUE(cache_track_groups(c, 0));
    EXPECT_EQ(cache_group_count(c, 0), 7u);
    EXPECT_EQ(cache_group_count(c, 1), 7u);
    EXPECT_EQ(cache_group_count(c, 2), 6u);
    EXPECT_EQ(cache_group_count(c, 1000), 0u);
    EXPECT_EQ(cache_invalidate_group_if(c, 1, nullptr, nullptr), 7u);
    EXPECT_EQ(cache_group_count(c, 1), 0u);
    EXPECT_EQ(cache_count(c), 13u);
    cache_destroy(c);
    gic_cache_t *absent = make(0, 0, GIC_REPL_LRU, "gz");
    EXPECT_FALSE(cache_track_groups(absent, 0));
    EXPECT_EQ(cache_group_count(absent, 0), 0u);
    cache_destroy(absent);
}

} // namespace
