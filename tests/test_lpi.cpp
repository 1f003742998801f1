// LPIs in the redistributors, through the public C API only: tables are
// written with gic_mem_write, LPIs are made pending with GICR_SETLPIR and
// observed with ICC_IAR1_EL1.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gictlm.h"

namespace {

constexpr uint64_t PROP = 0x100000, PEND = 0x200000;
constexpr uint64_t NS = 1000; // ps
constexpr uint32_t CTLR = 0x0, SETLPIR = 0x40, CLRLPIR = 0x48, PROPBASER = 0x70, PENDBASER = 0x78,
                   INVLPIR = 0xa0, INVALLR = 0xb0, SYNCR = 0xc0;

struct Lpi {
    gic_t *g = nullptr;
    gic_time_t t = 0;
    uint32_t bits = 16;
    // (priority 0xf8 is never signalled: it is not higher than PMR 0xff masked to 5 bits)
    Lpi(gic_scan_policy_t pol = GIC_SCAN_TRACKED, uint32_t entries = 256, uint32_t ways = 2,
        uint32_t id_bits = 16, uint32_t max_reads = 5)
    {
        gic_config_t cfg;
        gic_config_default(&cfg);
        cfg.num_cpus = 2;
        cfg.num_its = 0;
        cfg.lpi_scan_policy = pol;
        cfg.lpi_cache.entries = entries;
        cfg.lpi_cache.ways = ways;
        cfg.lpi_id_bits = id_bits;
        cfg.redist_max_reads = max_reads;
        bits = id_bits;
        char err[256];
        g = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
        EXPECT_NE(g, nullptr) << err;
        w(GIC_FRAME_GICD, 0, 0x12); // GICD_CTLR: ARE, EnableGrp1NS
        w(GIC_FRAME_GICR, 0x14, 0); // GICR_WAKER: awake
        EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_PMR_EL1, 0xff), GIC_OK);
        EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_IGRPEN1_EL1, 1), GIC_OK);
    }
    ~Lpi() { gic_destroy(g); }
    void w(gic_frame_t f, uint64_t off, uint64_t v, uint32_t size = 0)
    {
        if (!size) size = (f == GIC_FRAME_GICR && off >= 0x40 && off < 0xc0) ? 8 : 4;
        EXPECT_EQ(gic_mmio_write(g, t, f, 0, off, size, v), GIC_OK);
    }
    uint64_t r(uint64_t off, uint32_t size = 4)
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_mmio_read(g, t, GIC_FRAME_GICR, 0, off, size, &v), GIC_OK);
        return v;
    }
    void prop(uint32_t intid, uint8_t v) { gic_mem_write(g, PROP + intid - 8192, &v, 1); }
    void pendbit(uint32_t intid)
    {
        uint8_t b = 0;
        gic_mem_read(g, PEND + intid / 8, &b, 1);
        b |= (uint8_t)(1u << (intid % 8));
        gic_mem_write(g, PEND + intid / 8, &b, 1);
    }
    bool membit(uint32_t intid)
    {
        uint8_t b = 0;
        gic_mem_read(g, PEND + intid / 8, &b, 1);
        return (b >> (intid % 8)) & 1;
    }
    void enable(bool ptz = true, uint32_t idbits_field = 0)
    {
        w(GIC_FRAME_GICR, PROPBASER, PROP | (idbits_field ? idbits_field : bits - 1), 8);
        w(GIC_FRAME_GICR, PENDBASER, PEND | (ptz ? 1ull << 62 : 0), 8);
        w(GIC_FRAME_GICR, CTLR, 1);
    }
    void set(uint32_t intid) { w(GIC_FRAME_GICR, SETLPIR, intid); }
    uint32_t iar()
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_sysreg_read(g, t, 0, GIC_ICC_IAR1_EL1, &v), GIC_OK);
        if (v != 1023) {
            EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_EOIR1_EL1, v), GIC_OK);
        }
        return (uint32_t)v;
    }
    uint64_t stat(const char *n)
    {
        uint64_t v = 0;
        return gic_stat_counter(g, n, &v) ? v : ~0ull;
    }
    // Acknowledge until nothing more comes within `patience`, polling every step.
    std::vector<uint32_t> drain(gic_time_t step = 1000 * NS, int patience = 50)
    {
        std::vector<uint32_t> got;
        int idle = 0;
        while (idle < patience) {
            uint32_t v = iar();
            if (v == 1023) {
                idle++;
                t += step;
            } else {
                idle = 0;
                got.push_back(v);
            }
        }
        return got;
    }
};

TEST(Lpi, SetLpirDeliversAtModelledTime)
{
    Lpi l;
    l.t = 10 * NS;
    l.enable(true); // PTZ = 1: no table read
    EXPECT_EQ(l.r(CTLR) & 1, 1u);
    EXPECT_EQ(l.stat("lpi.scan.reads"), 0u);
    l.prop(8192, 0xa1); // priority 0xa0, enabled
    l.t = 100 * NS;
    l.set(8192);
    // cache miss: property and pending reads in parallel (100 ns), then
    // redistributor -> CPU (10 cycles) and CPU signal (2 cycles) = 12 ns
    EXPECT_EQ(l.r(SYNCR), 1u); // Busy while the reads are in flight
    l.t = 211 * NS;
    EXPECT_EQ(l.iar(), 1023u);
    EXPECT_EQ(l.r(SYNCR), 0u);
    l.t = 212 * NS;
    EXPECT_EQ(l.iar(), 8192u);
    EXPECT_EQ(l.iar(), 1023u);
    EXPECT_EQ(l.stat("lpi.set_pending"), 1u);
    EXPECT_EQ(l.stat("mem.prop.reads"), 1u);
    EXPECT_EQ(l.stat("mem.pend.reads"), 1u);
    EXPECT_EQ(l.stat("lpi.cache.misses"), 1u);
    // again: now a cache hit (1 cycle) -> visible 13 ns later, no memory access
    l.t = 300 * NS;
    l.set(8192);
    l.set(8192); // coalesced
    EXPECT_EQ(l.stat("lpi.coalesced"), 1u);
    l.t = 312 * NS;
    EXPECT_EQ(l.iar(), 1023u);
    l.t = 313 * NS;
    EXPECT_EQ(l.iar(), 8192u);
    EXPECT_EQ(l.stat("mem.prop.reads"), 1u);
    EXPECT_EQ(l.stat("lpi.cache.hits"), 2u);
}

TEST(Lpi, PendingTableLoadAtEnable)
{
    for (uint32_t max_reads : {5u, 1u}) {
        Lpi l(GIC_SCAN_TRACKED, 256, 2, 16, max_reads);
        l.prop(8200, 0x81);
        l.prop(9000, 0x41);
        l.prop(20000, 0x61);
        l.prop(30000, 0x20); // pending but disabled
        for (uint32_t i : {8200u, 9000u, 20000u, 30000u}) l.pendbit(i);
        l.t = 1000 * NS;
        l.enable(false); // PTZ = 0: the GIC reads the table
        // 7 KiB of table (INTIDs 8192..65535) in 64-byte lines = 112 reads + 4 property reads
        EXPECT_EQ(l.stat("lpi.scan.reads"), 116u);
        gic_hist_summary_t h;
        ASSERT_TRUE(gic_stat_hist(l.g, "lpi.scan.latency", &h));
        // 5 outstanding reads: 23 rounds of 100 ns; 1 outstanding: 116 reads in series
        uint64_t lat = max_reads == 5 ? 2400 * NS : 11600 * NS; // 4 property reads queue behind the last round
        EXPECT_EQ(h.max, lat);
        l.t = 1000 * NS + lat + 11 * NS;
        EXPECT_EQ(l.iar(), 1023u);
        l.t += 1 * NS;
        EXPECT_EQ(l.iar(), 9000u);
        EXPECT_EQ(l.iar(), 20000u);
        EXPECT_EQ(l.iar(), 8200u);
        EXPECT_EQ(l.iar(), 1023u);
        // the disabled one stays pending: enabling it needs an INV
        l.prop(30000, 0x21);
        l.w(GIC_FRAME_GICR, INVLPIR, 30000);
        l.t += 1000 * NS; // with 1 outstanding read the INV read queues behind the acks' RMWs
        EXPECT_EQ(l.iar(), 30000u) << max_reads << " errors " << l.stat("errors.total") << " prop reads " << l.stat("mem.prop.reads");
    }
}

TEST(Lpi, StaleConfigurationUntilInvalidated)
{
    Lpi l;
    l.enable(true);
    l.prop(8192, 0xa1);
    l.prop(8193, 0x81);
    l.t = 10 * NS;
    l.set(8192);
    l.set(8193);
    l.t = 1000 * NS;
    EXPECT_EQ(l.iar(), 8193u); // 0x80 beats 0xa0
    EXPECT_EQ(l.iar(), 8192u);
    // reprioritise and disable in memory, without INV: the cached copy is used
    l.prop(8192, 0x41);
    l.prop(8193, 0x80); // disabled
    l.set(8192);
    l.set(8193);
    l.t += 1000 * NS;
    EXPECT_EQ(l.iar(), 8193u); // still enabled, still 0x80
    EXPECT_EQ(l.iar(), 8192u);
    // GICR_INVLPIR reloads one LPI
    l.set(8192);
    l.set(8193);
    l.w(GIC_FRAME_GICR, INVLPIR, 8193);
    l.t += 1000 * NS;
    EXPECT_EQ(l.iar(), 8192u);
    EXPECT_EQ(l.iar(), 1023u); // 8193 pending but disabled
    // GICR_INVALLR reloads everything
    l.prop(8193, 0x21);
    l.set(8192);
    l.w(GIC_FRAME_GICR, INVALLR, 0);
    l.t += 1000 * NS;
    EXPECT_EQ(l.iar(), 8193u); // 0x20
    EXPECT_EQ(l.iar(), 8192u); // 0x40
    EXPECT_EQ(l.iar(), 1023u);
}

// Tiny LPI cache, thousands of pending LPIs: every one delivered exactly once.
TEST(Lpi, EvictionWriteBackLosesNothing)
{
    for (gic_scan_policy_t pol : {GIC_SCAN_TRACKED, GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
        for (uint32_t entries : {4u, 0u}) {
            Lpi l(pol, entries, entries ? 2 : 0);
            l.enable(true);
            const uint32_t N = 3000;
            for (uint32_t i = 0; i < N; i++) l.prop(8192 + i * 7, (uint8_t)(((i * 37) % 31) << 3 | 1));
            for (uint32_t i = 0; i < N; i++) {
                l.t += 10 * NS;
                l.set(8192 + i * 7);
            }
            if (entries) {
                EXPECT_GT(l.stat("lpi.writebacks"), N - 10) << pol;
                EXPECT_GT(l.stat("lpi.cache.evictions"), N - 10) << pol;
            }
            // one outstanding write: the write-backs/RMWs drain at 100 ns each
            l.t += 2000000 * NS;
            // (full: every acknowledge rescans 3000 pending bits: ~60 us of property reads)
            std::vector<uint32_t> got = l.drain(10000 * NS, 50);
            EXPECT_EQ(l.stat("errors.total"), 0u) << pol;
            ASSERT_EQ(got.size(), N) << "policy " << pol << " entries " << entries;
            std::vector<int> seen(N, 0);
            uint32_t prev_prio = 0;
            for (uint32_t v : got) {
                ASSERT_EQ((v - 8192) % 7, 0u);
                uint32_t i = (v - 8192) / 7;
                ASSERT_LT(i, N);
                seen[i]++;
                uint32_t p = ((i * 37) % 31) << 3;
                ASSERT_GE(p, prev_prio) << pol << " " << entries; // highest priority first
                prev_prio = p;
            }
            for (uint32_t i = 0; i < N; i++) ASSERT_EQ(seen[i], 1) << i;
            // nothing is left in the pending table
            for (uint32_t i = 0; i < N; i++) ASSERT_FALSE(l.membit(8192 + i * 7)) << i;
            EXPECT_EQ(l.stat("errors.total"), 0u);
        }
    }
}

// Seeded random workload: identical delivery sequence for every policy/cache.
TEST(Lpi, PoliciesAgreeOnRandomWorkload)
{
    std::vector<uint32_t> ref;
    std::vector<uint64_t> reads;
    for (gic_scan_policy_t pol : {GIC_SCAN_TRACKED, GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
        for (uint32_t entries : {0u, 8u, 64u}) {
            Lpi l(pol, entries, entries ? 2 : 0);
            l.enable(true);
            uint64_t x = 42;
            auto rnd = [&](uint32_t n) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                return (uint32_t)((x >> 33) % n);
            };
            for (uint32_t i = 0; i < 512; i++) l.prop(8192 + i * 61, (uint8_t)(rnd(31) << 3 | (rnd(8) != 0)));
            std::vector<uint32_t> seq;
            for (int op = 0; op < 3000; op++) {
                l.t += 50000 * NS;
                uint32_t intid = 8192 + rnd(512) * 61;
                switch (rnd(10)) {
                case 0: l.w(GIC_FRAME_GICR, CLRLPIR, intid); break;
                case 1:
                    l.prop(intid, (uint8_t)(rnd(31) << 3 | (rnd(4) != 0)));
                    l.w(GIC_FRAME_GICR, INVLPIR, intid);
                    break;
                case 2:
                    l.prop(intid, (uint8_t)(rnd(31) << 3 | (rnd(4) != 0)));
                    if (rnd(4) == 0) l.w(GIC_FRAME_GICR, INVALLR, 0);
                    break;
                case 3:
                case 4:
                case 5: seq.push_back(l.iar()); break;
                default: l.set(intid); break;
                }
            }
            l.t += 50000 * NS;
            for (uint32_t v : l.drain(50000 * NS, 3)) seq.push_back(v);
            EXPECT_EQ(l.stat("errors.total"), 0u);
            if (ref.empty()) ref = seq;
            else EXPECT_EQ(seq, ref) << "policy " << pol << " entries " << entries;
            reads.push_back(l.stat("mem.pend.reads"));
        }
    }
    EXPECT_GT(ref.size(), 500u);
    // different costs: full reads far more of the pending table than tracked
    EXPECT_GT(reads[3], 10 * reads[0]);
    EXPECT_LT(reads[6], reads[3]); // summary < full (no cache)
}

TEST(Lpi, IdBitsRange)
{
    for (uint32_t bits : {14u, 16u, 20u, 24u}) {
        Lpi l(GIC_SCAN_TRACKED, 256, 2, bits);
        l.enable(true);
        uint32_t top = (uint32_t)((1ull << bits) - 1);
        l.prop(top, 0x11);
        l.prop(8192, 0x21);
        l.set(top);
        l.set(8192);
        l.w(GIC_FRAME_GICR, SETLPIR, top + 1); // beyond IDbits: ignored, counted
        EXPECT_EQ(l.stat("errors.lpi_direct_bad_intid"), 1u) << bits;
        l.t += 1000 * NS;
        EXPECT_EQ(l.iar(), top);
        EXPECT_EQ(l.iar(), 8192u);
        EXPECT_EQ(l.iar(), 1023u);
        EXPECT_LT(gic_mem_footprint(l.g), 64u * 1024) << "sparse tables";
    }
    // PROPBASER.IDbits narrower than GICD_TYPER.IDbits bounds the LPI range
    Lpi l(GIC_SCAN_TRACKED, 256, 2, 20);
    l.enable(true, 15); // 16 INTID bits
    l.w(GIC_FRAME_GICR, SETLPIR, 65536);
    EXPECT_EQ(l.stat("errors.lpi_direct_bad_intid"), 1u);
    EXPECT_EQ(l.stat("lpi.set_pending"), 0u);
}

TEST(Lpi, RegisterRulesAndErrors)
{
    Lpi l;
    l.w(GIC_FRAME_GICR, SETLPIR, 8192); // LPIs disabled: no effect
    EXPECT_EQ(l.stat("errors.lpi_direct_while_disabled"), 1u);
    l.w(GIC_FRAME_GICR, PROPBASER, 0xffffffffffffffffull, 8);
    EXPECT_EQ(l.r(PROPBASER, 8), 0x070fffffffffff9full); // RES0 bits read as zero
    l.w(GIC_FRAME_GICR, PENDBASER, 0xffffffffffffffffull, 8);
    EXPECT_EQ(l.r(PENDBASER, 8), 0x070fffffffff0f80ull); // PTZ reads as zero
    l.enable(true);
    uint64_t pb = l.r(PROPBASER, 8);
    l.w(GIC_FRAME_GICR, PROPBASER, 0x300000 | 15, 8); // while enabled: ignored
    EXPECT_EQ(l.r(PROPBASER, 8), pb);
    EXPECT_EQ(l.stat("errors.lpi_propbaser_while_enabled"), 1u);
    l.w(GIC_FRAME_GICR, PENDBASER, 0x300000, 8);
    EXPECT_EQ(l.stat("errors.lpi_pendbaser_while_enabled"), 1u);
    l.w(GIC_FRAME_GICR, SETLPIR, 100); // not an LPI
    EXPECT_EQ(l.stat("errors.lpi_direct_bad_intid"), 1u);
}

TEST(Lpi, DisableWritesBackAndReenableReloads)
{
    Lpi l;
    l.enable(true);
    l.prop(8300, 0x41);
    l.prop(8301, 0x31);
    l.set(8300);
    l.set(8301);
    l.t += 1000 * NS;
    EXPECT_FALSE(l.membit(8300)); // held in the LPI cache
    l.w(GIC_FRAME_GICR, CTLR, 0); // EnableLPIs 1 -> 0 (this model allows it)
    EXPECT_EQ(l.r(CTLR) & 0x9, 0x8u); // RWP while writing back
    EXPECT_TRUE(l.membit(8300));
    EXPECT_TRUE(l.membit(8301));
    EXPECT_EQ(l.stat("lpi.writebacks"), 2u);
    EXPECT_EQ(l.iar(), 1023u);
    l.w(GIC_FRAME_GICR, CTLR, 1); // while RWP: ignored
    EXPECT_EQ(l.stat("errors.lpi_enable_while_rwp"), 1u);
    l.t += 1000 * NS;
    EXPECT_EQ(l.r(CTLR) & 0x9, 0u);
    l.w(GIC_FRAME_GICR, PENDBASER, PEND, 8); // PTZ = 0
    l.w(GIC_FRAME_GICR, CTLR, 1);
    l.t += 10000 * NS;
    EXPECT_EQ(l.iar(), 8301u);
    EXPECT_EQ(l.iar(), 8300u);
    EXPECT_EQ(l.iar(), 1023u);
}

} // namespace
