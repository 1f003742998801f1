// LPIs in the redistributors, through the public C API only: tables are
// written with gic_mem_write, LPIs are made pending with GICR_SETLPIR and
// observed with ICC_IAR1_EL1.
#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"

using namespace gictest;

namespace {

constexpr uint64_t PROP = 0x100000, PEND = 0x200000;

struct Lpi : GicTest {
    uint32_t bits = 16;
    uint32_t read_bytes = 64; // cfg.lpi_scan_read_bytes of the next setup()
    gic_config_t base;       // cfg before the first setup(): defaults or a latency profile
    bool have_base = false;
    // A new GIC (2 CPUs, no ITS) with the redistributor of CPU 0 awake and its
    // CPU interface taking Group 1 at every priority.
    // (priority 0xf8 is never signalled: it is not higher than PMR 0xff masked to 5 bits)
    void setup(gic_scan_policy_t pol = GIC_SCAN_TRACKED, uint32_t entries = 256, uint32_t ways = 2,
               uint32_t id_bits = 16, uint32_t max_reads = 5)
    {
        destroy();
        if (!have_base) base = cfg;
        have_base = true;
        cfg = base;
        cfg.num_cpus = 2;
        cfg.num_its = 0;
        cfg.lpi_scan_policy = pol;
        cfg.lpi_cache.entries = entries;
        cfg.lpi_cache.ways = ways;
        cfg.lpi_id_bits = id_bits;
        cfg.redist_max_reads = max_reads;
        cfg.lpi_scan_read_bytes = read_bytes;
        bits = id_bits;
        create();
        w(GIC_FRAME_GICD, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EnableGrp1NS);
        w(GIC_FRAME_GICR, GICR_WAKER, 0); // awake
        EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_PMR_EL1, 0xff), GIC_OK);
        EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_IGRPEN1_EL1, 1), GIC_OK);
    }
    void w(gic_frame_t f, uint64_t off, uint64_t v, uint32_t size = 0)
    {
        if (!size) size = (f == GIC_FRAME_GICR && off >= GICR_SETLPIR && off < GICR_SYNCR) ? 8 : 4;
        EXPECT_EQ(gic_mmio_write(g, t, f, 0, off, size, v), GIC_OK);
    }
    uint64_t r(uint64_t off, uint32_t size = 4)
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_mmio_read(g, t, GIC_FRAME_GICR, 0, off, size, &v), GIC_OK);
        return v;
    }
    void prop(uint32_t intid, uint8_t v) { gic_mem_write(g, PROP + intid - LPI_FIRST, &v, 1); }
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
        w(GIC_FRAME_GICR, GICR_PROPBASER, PROP | (idbits_field ? idbits_field : bits - 1), 8);
        w(GIC_FRAME_GICR, GICR_PENDBASER, PEND | (ptz ? GICR_PENDBASER_PTZ : 0), 8);
        w(GIC_FRAME_GICR, GICR_CTLR, GICR_CTLR_EnableLPIs);
    }
    void set(uint32_t intid) { w(GIC_FRAME_GICR, GICR_SETLPIR, intid); }
    uint32_t iar()
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_sysreg_read(g, t, 0, GIC_ICC_IAR1_EL1, &v), GIC_OK);
        if (v != GIC_SPURIOUS) {
            EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_EOIR1_EL1, v), GIC_OK);
        }
        return (uint32_t)v;
    }
    uint64_t stat(const char *n) { return counter(n); }
    // Acknowledge until nothing more comes within `patience`, polling every step.
    std::vector<uint32_t> drain(gic_time_t step = 1000 * NS, int patience = 50)
    {
        std::vector<uint32_t> got;
        int idle = 0;
        while (idle < patience) {
            uint32_t v = iar();
            if (v == GIC_SPURIOUS) {
                idle++;
                t += step;
            } else {
                idle = 0;
                got.push_back(v);
            }
        }
        return got;
    }
    // scenarios with expected times from the latency parameters (GIC_TIMING_TEST)
    void SetLpirDeliversAtModelledTime();
    void PendingTableLoadAtEnable();
    void ScanReadSize();
};
using LpiLatencies = Latencies<Lpi>;

GIC_TIMING_TEST(Lpi, SetLpirDeliversAtModelledTime)
{
    setup();
    t = 10 * NS;
    enable(true); // PTZ = 1: no table read
    EXPECT_EQ(r(GICR_CTLR) & 1, 1u);
    EXPECT_EQ(stat("lpi.scan.reads"), 0u);
    prop(8192, 0xa1); // priority 0xa0, enabled
    const gic_time_t T = 100 * NS;
    t = T;
    set(8192);
    // cache miss: property and pending reads in parallel (one memory access),
    // then redistributor -> CPU interface -> pin
    const gic_time_t visible = T + mem() + path_redist();
    EXPECT_EQ(r(GICR_SYNCR), 1u); // Busy while the reads are in flight
    t = visible - 1;
    EXPECT_EQ(iar(), GIC_SPURIOUS);
    EXPECT_EQ(r(GICR_SYNCR), 0u);
    t = visible;
    EXPECT_EQ(iar(), 8192u);
    EXPECT_EQ(iar(), GIC_SPURIOUS);
    EXPECT_EQ(stat("lpi.set_pending"), 1u);
    EXPECT_EQ(stat("mem.prop.reads"), 1u);
    EXPECT_EQ(stat("mem.pend.reads"), 1u);
    EXPECT_EQ(stat("lpi.cache.misses"), 1u);
    // again: now a cache hit (lpi_cache.hit_cycles), no memory access
    const gic_time_t T2 = 300 * NS;
    t = T2;
    set(8192);
    set(8192); // coalesced
    EXPECT_EQ(stat("lpi.coalesced"), 1u);
    const gic_time_t visible2 = T2 + cyc(cfg.lpi_cache.hit_cycles) + path_redist();
    t = visible2 - 1;
    EXPECT_EQ(iar(), GIC_SPURIOUS);
    t = visible2;
    EXPECT_EQ(iar(), 8192u);
    EXPECT_EQ(stat("mem.prop.reads"), 1u);
    EXPECT_EQ(stat("lpi.cache.hits"), 2u);
}

GIC_TIMING_TEST(Lpi, PendingTableLoadAtEnable)
{
    for (uint32_t max_reads : {5u, 1u, 8u}) {
        setup(GIC_SCAN_TRACKED, 256, 2, 16, max_reads);
        prop(8200, 0x81);
        prop(9000, 0x41);
        prop(20000, 0x61);
        prop(30000, 0x20); // pending but disabled
        for (uint32_t i : {8200u, 9000u, 20000u, 30000u}) pendbit(i);
        const gic_time_t T = 1000 * NS;
        t = T;
        enable(false); // PTZ = 0: the GIC reads the table
        // 7 KiB of table (INTIDs 8192..65535) in 64-byte lines = 112 reads + 4 property reads
        const uint64_t pend_lines = ((1u << 16) - LPI_FIRST) / 8 / 64, reads = pend_lines + 4;
        EXPECT_EQ(pend_lines, 112u);
        EXPECT_EQ(stat("lpi.scan.reads"), reads);
        gic_hist_summary_t h;
        ASSERT_TRUE(gic_stat_hist(g, "lpi.scan.latency", &h));
        // rounds of max_reads reads, one memory latency each; the 4 property
        // reads queue behind the last pending-table round (5 outstanding: 24
        // rounds; 1 outstanding: 116 reads in series; 8 outstanding: 15 rounds,
        // the agent's slots allocated instead of held inline, mem.h)
        const gic_time_t lat = (reads + max_reads - 1) / max_reads * mem();
        EXPECT_EQ(h.max, lat);
        t = T + lat + path_redist() - 1;
        EXPECT_EQ(iar(), GIC_SPURIOUS);
        t = T + lat + path_redist();
        EXPECT_EQ(iar(), 9000u);
        EXPECT_EQ(iar(), 20000u);
        EXPECT_EQ(iar(), 8200u);
        EXPECT_EQ(iar(), GIC_SPURIOUS);
        // the disabled one stays pending: enabling it needs an INV
        prop(30000, 0x21);
        w(GIC_FRAME_GICR, GICR_INVLPIR, 30000);
        t += 1000 * NS; // with 1 outstanding read the INV read queues behind the acks' RMWs
        EXPECT_EQ(iar(), 30000u) << max_reads << " errors " << stat("errors.total") << " prop reads " << stat("mem.prop.reads");
    }
}

// lpi.scan_read_bytes: the load at EnableLPIs and the full policy's rescans
// read the pending table in reads of that size (64: a line; 1: one byte per
// read, as QEMU's update_for_all_lpis): the same LPIs are found, with as many
// reads as the table has blocks of that size.
GIC_TIMING_TEST(Lpi, ScanReadSize)
{
    for (uint32_t rb : {64u, 8u, 1u}) {
        read_bytes = rb;
        setup(GIC_SCAN_FULL);
        prop(8200, 0x81);
        prop(9000, 0x41);
        prop(20000, 0x61);
        for (uint32_t i : {8200u, 9000u, 20000u}) pendbit(i);
        const gic_time_t T = 1000 * NS;
        t = T;
        enable(false);
        const uint64_t blocks = ((1u << 16) - LPI_FIRST) / 8 / rb, reads = blocks + 3;
        EXPECT_EQ(stat("lpi.scan.reads"), reads) << rb;
        gic_hist_summary_t h;
        ASSERT_TRUE(gic_stat_hist(g, "lpi.scan.latency", &h));
        // 5 outstanding reads: the table takes at least blocks / 5 memory
        // latencies; the property reads of the pending ones queue behind
        const gic_time_t lat = h.max;
        EXPECT_GE(lat, (blocks + 4) / 5 * mem()) << rb;
        EXPECT_LE(lat, (reads + 4) / 5 * mem() + 3 * mem()) << rb;
        t = T + lat + path_redist();
        EXPECT_EQ(iar(), 9000u) << rb;
        // the acknowledge cleared the best: the full policy rescans the table
        // (every block again) before it presents the next one
        const uint64_t before = stat("lpi.scan.reads");
        t += 1000000 * NS;
        EXPECT_EQ(iar(), 20000u) << rb;
        EXPECT_GE(stat("lpi.scan.reads") - before, blocks) << rb;
        t += 1000000 * NS; // (and again)
        EXPECT_EQ(iar(), 8200u) << rb;
        t += 1000000 * NS;
        EXPECT_EQ(iar(), GIC_SPURIOUS) << rb;
        EXPECT_EQ(stat("errors.total"), 0u) << rb; // no scan disagreed with the pending state
    }
    read_bytes = 64;
}

TEST_F(Lpi, StaleConfigurationUntilInvalidated)
{
    setup();
    enable(true);
    prop(8192, 0xa1);
    prop(8193, 0x81);
    t = 10 * NS;
    set(8192);
    set(8193);
    t = 1000 * NS;
    EXPECT_EQ(iar(), 8193u); // 0x80 beats 0xa0
    EXPECT_EQ(iar(), 8192u);
    // reprioritise and disable in memory, without INV: the cached copy is used
    prop(8192, 0x41);
    prop(8193, 0x80); // disabled
    set(8192);
    set(8193);
    t += 1000 * NS;
    EXPECT_EQ(iar(), 8193u); // still enabled, still 0x80
    EXPECT_EQ(iar(), 8192u);
    // GICR_INVLPIR reloads one LPI
    set(8192);
    set(8193);
    w(GIC_FRAME_GICR, GICR_INVLPIR, 8193);
    t += 1000 * NS;
    EXPECT_EQ(iar(), 8192u);
    EXPECT_EQ(iar(), GIC_SPURIOUS); // 8193 pending but disabled
    // GICR_INVALLR reloads everything
    prop(8193, 0x21);
    set(8192);
    w(GIC_FRAME_GICR, GICR_INVALLR, 0);
    t += 1000 * NS;
    EXPECT_EQ(iar(), 8193u); // 0x20
    EXPECT_EQ(iar(), 8192u); // 0x40
    EXPECT_EQ(iar(), GIC_SPURIOUS);
}

// Tiny LPI cache, thousands of pending LPIs: every one delivered exactly once.
TEST_F(Lpi, EvictionWriteBackLosesNothing)
{
    for (gic_scan_policy_t pol : {GIC_SCAN_TRACKED, GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
        for (uint32_t entries : {4u, 0u}) {
            setup(pol, entries, entries ? 2 : 0);
            enable(true);
            const uint32_t N = 3000;
            for (uint32_t i = 0; i < N; i++) prop(8192 + i * 7, (uint8_t)(((i * 37) % 31) << 3 | 1));
            for (uint32_t i = 0; i < N; i++) {
                t += 10 * NS;
                set(8192 + i * 7);
            }
            if (entries) {
                EXPECT_GT(stat("lpi.writebacks"), N - 10) << pol;
                EXPECT_GT(stat("lpi.cache.evictions"), N - 10) << pol;
            }
            // one outstanding write: the write-backs/RMWs drain at 100 ns each
            t += 2000000 * NS;
            // (full: every acknowledge rescans 3000 pending bits: ~60 us of property reads)
            std::vector<uint32_t> got = drain(10000 * NS, 50);
            EXPECT_EQ(stat("errors.total"), 0u) << pol;
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
            for (uint32_t i = 0; i < N; i++) ASSERT_FALSE(membit(8192 + i * 7)) << i;
            EXPECT_EQ(stat("errors.total"), 0u);
        }
    }
}

// Seeded random workload: identical delivery sequence for every policy/cache.
TEST_F(Lpi, PoliciesAgreeOnRandomWorkload)
{
    std::vector<uint32_t> ref;
    std::vector<uint64_t> reads;
    for (gic_scan_policy_t pol : {GIC_SCAN_TRACKED, GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
        for (uint32_t entries : {0u, 8u, 64u}) {
            setup(pol, entries, entries ? 2 : 0);
            enable(true);
            uint64_t x = 42;
            auto rnd = [&](uint32_t n) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                return (uint32_t)((x >> 33) % n);
            };
            for (uint32_t i = 0; i < 512; i++) prop(8192 + i * 61, (uint8_t)(rnd(31) << 3 | (rnd(8) != 0)));
            std::vector<uint32_t> seq;
            for (int op = 0; op < 3000; op++) {
                t += 50000 * NS;
                uint32_t intid = 8192 + rnd(512) * 61;
                switch (rnd(10)) {
                case 0: w(GIC_FRAME_GICR, GICR_CLRLPIR, intid); break;
                case 1:
                    prop(intid, (uint8_t)(rnd(31) << 3 | (rnd(4) != 0)));
                    w(GIC_FRAME_GICR, GICR_INVLPIR, intid);
                    break;
                case 2:
                    prop(intid, (uint8_t)(rnd(31) << 3 | (rnd(4) != 0)));
                    if (rnd(4) == 0) w(GIC_FRAME_GICR, GICR_INVALLR, 0);
                    break;
                case 3:
                case 4:
                case 5: seq.push_back(iar()); break;
                default: set(intid); break;
                }
            }
            t += 50000 * NS;
            for (uint32_t v : drain(50000 * NS, 3)) seq.push_back(v);
            EXPECT_EQ(stat("errors.total"), 0u);
            if (ref.empty()) ref = seq;
            else EXPECT_EQ(seq, ref) << "policy " << pol << " entries " << entries;
            reads.push_back(stat("mem.pend.reads"));
        }
    }
    EXPECT_GT(ref.size(), 500u);
    // different costs: full reads far more of the pending table than tracked
    EXPECT_GT(reads[3], 10 * reads[0]);
    EXPECT_LT(reads[6], reads[3]); // summary < full (no cache)
}

TEST_F(Lpi, IdBitsRange)
{
    for (uint32_t bits : {14u, 16u, 20u, 24u}) {
        setup(GIC_SCAN_TRACKED, 256, 2, bits);
        enable(true);
        uint32_t top = (uint32_t)((1ull << bits) - 1);
        prop(top, 0x11);
        prop(8192, 0x21);
        set(top);
        set(8192);
        w(GIC_FRAME_GICR, GICR_SETLPIR, top + 1); // beyond IDbits: ignored, counted
        EXPECT_EQ(stat("errors.lpi_direct_bad_intid"), 1u) << bits;
        t += 1000 * NS;
        EXPECT_EQ(iar(), top);
        EXPECT_EQ(iar(), 8192u);
        EXPECT_EQ(iar(), GIC_SPURIOUS);
        EXPECT_LT(gic_mem_footprint(g), 64u * 1024) << "sparse tables";
    }
    // GICR_PROPBASER.IDbits narrower than GICD_TYPER.IDbits bounds the LPI range
    setup(GIC_SCAN_TRACKED, 256, 2, 20);
    enable(true, 15); // 16 INTID bits
    w(GIC_FRAME_GICR, GICR_SETLPIR, 65536);
    EXPECT_EQ(stat("errors.lpi_direct_bad_intid"), 1u);
    EXPECT_EQ(stat("lpi.set_pending"), 0u);
}

TEST_F(Lpi, RegisterRulesAndErrors)
{
    setup();
    w(GIC_FRAME_GICR, GICR_SETLPIR, 8192); // LPIs disabled: no effect
    EXPECT_EQ(stat("errors.lpi_direct_while_disabled"), 1u);
    w(GIC_FRAME_GICR, GICR_PROPBASER, 0xffffffffffffffffull, 8);
    EXPECT_EQ(r(GICR_PROPBASER, 8), 0x070fffffffffff9full); // RES0 bits read as zero
    w(GIC_FRAME_GICR, GICR_PENDBASER, 0xffffffffffffffffull, 8);
    EXPECT_EQ(r(GICR_PENDBASER, 8), 0x070fffffffff0f80ull); // PTZ reads as zero
    enable(true);
    uint64_t pb = r(GICR_PROPBASER, 8);
    w(GIC_FRAME_GICR, GICR_PROPBASER, 0x300000 | 15, 8); // while enabled: ignored
    EXPECT_EQ(r(GICR_PROPBASER, 8), pb);
    EXPECT_EQ(stat("errors.lpi_propbaser_while_enabled"), 1u);
    w(GIC_FRAME_GICR, GICR_PENDBASER, 0x300000, 8);
    EXPECT_EQ(stat("errors.lpi_pendbaser_while_enabled"), 1u);
    w(GIC_FRAME_GICR, GICR_SETLPIR, 100); // not an LPI
    EXPECT_EQ(stat("errors.lpi_direct_bad_intid"), 1u);
}

TEST_F(Lpi, DisableWritesBackAndReenableReloads)
{
    setup();
    enable(true);
    prop(8300, 0x41);
    prop(8301, 0x31);
    set(8300);
    set(8301);
    t += 1000 * NS;
    EXPECT_FALSE(membit(8300)); // held in the LPI cache
    w(GIC_FRAME_GICR, GICR_CTLR, 0); // EnableLPIs 1 -> 0 (this model allows it)
    EXPECT_EQ(r(GICR_CTLR) & 0x9, 0x8u); // RWP while writing back
    EXPECT_TRUE(membit(8300));
    EXPECT_TRUE(membit(8301));
    EXPECT_EQ(stat("lpi.writebacks"), 2u);
    EXPECT_EQ(iar(), GIC_SPURIOUS);
    w(GIC_FRAME_GICR, GICR_CTLR, 1); // while RWP: ignored
    EXPECT_EQ(stat("errors.lpi_enable_while_rwp"), 1u);
    t += 1000 * NS;
    EXPECT_EQ(r(GICR_CTLR) & 0x9, 0u);
    w(GIC_FRAME_GICR, GICR_PENDBASER, PEND, 8); // PTZ = 0
    w(GIC_FRAME_GICR, GICR_CTLR, 1);
    t += 10000 * NS;
    EXPECT_EQ(iar(), 8301u);
    EXPECT_EQ(iar(), 8300u);
    EXPECT_EQ(iar(), GIC_SPURIOUS);
}

// IHI0069 GICR_CTLR.RWP: software must see RWP == 0 after clearing
// EnableLPIs before it sets EnableLPIs again (else UNPREDICTABLE); nothing
// asks it to wait after setting EnableLPIs. Clearing EnableLPIs while the
// pending table is still being loaded takes effect.
TEST_F(Lpi, DisableDuringPendingTableLoadTakesEffect)
{
    setup();
    prop(8300, 0x41);
    pendbit(8300);
    t = 1000 * NS;
    enable(false); // PTZ = 0: the load reads the table for a while
    EXPECT_EQ(r(GICR_CTLR) & GICR_CTLR_EnableLPIs, 1u);
    w(GIC_FRAME_GICR, GICR_CTLR, 0);
    EXPECT_EQ(r(GICR_CTLR) & GICR_CTLR_EnableLPIs, 0u);
    EXPECT_EQ(counter0("errors.lpi_enable_while_rwp"), 0u);
    t += 100000 * NS;
    EXPECT_EQ(r(GICR_CTLR) & (GICR_CTLR_EnableLPIs | GICR_CTLR_RWP), 0u);
    EXPECT_EQ(iar(), GIC_SPURIOUS); // LPIs are off: nothing is signalled
    EXPECT_TRUE(membit(8300));      // and the pending state stays in the table
    // re-enabled once RWP reads 0: the LPI comes back from the table
    w(GIC_FRAME_GICR, GICR_CTLR, GICR_CTLR_EnableLPIs);
    t += 100000 * NS;
    EXPECT_EQ(iar(), 8300u);
    EXPECT_EQ(stat("errors.total"), 0u);
}

GIC_LATENCY_PROFILES(LpiLatencies);


// The LPI rules cross-check (below) on the Lpi fixture: a pending-table bit set
// or cleared by software, EnableLPIs cleared and RWP waited for, GICR_CLRLPIR.
struct LpiRules : Lpi {
    void pendbit(uint32_t intid, bool on)
    {
        uint8_t b = 0;
        gic_mem_read(g, PEND + intid / 8, &b, 1);
        if (on) b |= (uint8_t)(1u << (intid % 8));
        else b &= (uint8_t)~(1u << (intid % 8));
        gic_mem_write(g, PEND + intid / 8, &b, 1);
    }
    void disable_and_wait()
    {
        w(GIC_FRAME_GICR, GICR_CTLR, 0);
        for (int i = 0; i < 1000 && (r(GICR_CTLR) & GICR_CTLR_RWP); i++) t += 100 * NS;
        ASSERT_EQ(r(GICR_CTLR) & (GICR_CTLR_RWP | GICR_CTLR_EnableLPIs), 0u);
    }
    void clr(uint32_t intid) { w(GIC_FRAME_GICR, GICR_CLRLPIR, intid); }
};

// IHI0069 LPI rules cross-checked against a reference of the pending state:
// GICR_SETLPIR sets it ("no effect if already pending"), GICR_CLRLPIR clears it,
// ICC_IAR1_EL1 returns the highest-priority enabled pending LPI and clears it,
// GICR_INVLPIR/GICR_INVALLR make a changed configuration byte effective,
// EnableLPIs 1 -> 0 leaves the pending state in the pending table (which
// software may then edit) and 0 -> 1 with PTZ = 0 loads it. Every policy, with
// a large, a tiny and no LPI cache.
TEST_F(LpiRules, PendingStateMatchesReference)
{
    for (auto pol : {GIC_SCAN_TRACKED, GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
    for (uint32_t entries : {256u, 4u, 0u}) {
        setup(pol, entries, entries ? 2 : 0, 14);
        const uint32_t N = 64;
        auto id = [](uint32_t k) { return 8192 + k * 97 % 8000; };
        std::vector<int> ref(N, 0);
        std::vector<uint32_t> pr(N), en(N, 1);
        for (uint32_t k = 0; k < N; k++) { pr[k] = (k % 31) << 3; prop(id(k), (uint8_t)(pr[k] | 1)); }
        enable(true);
        uint64_t x = 7 + pol * 3 + entries;
        auto rnd = [&](uint32_t n) { x = x * 6364136223846793005ull + 1442695040888963407ull; return (uint32_t)((x >> 33) % n); };
        int bad = 0;
        for (int op = 0; op < 4000 && bad < 5; op++) {
            t += 100 * US;
            uint32_t k = rnd(N);
            switch (rnd(12)) {
            case 0: clr(id(k)); ref[k] = 0; break;
            case 1: case 2: case 3: {
                uint32_t v = iar();
                // expected: highest priority (lowest value), then lowest INTID
                int best = -1;
                for (uint32_t q = 0; q < N; q++) if (ref[q] && en[q]) {
                    if (best < 0 || pr[q] < pr[best] || (pr[q] == pr[best] && id(q) < id(best))) best = (int)q;
                }
                uint32_t exp = best < 0 ? GIC_SPURIOUS : id(best);
                if (v != exp) { bad++; ADD_FAILURE() << "pol " << pol << " entries " << entries << " op " << op << " iar " << v << " expected " << exp; }
                if (best >= 0 && v == exp) ref[best] = 0;
                else if (v != GIC_SPURIOUS) for (uint32_t q = 0; q < N; q++) if (id(q) == v) ref[q] = 0;
                break;
            }
            case 4: {
                disable_and_wait();
                // software owns the table now: it may change some bits
                for (int m = 0; m < 3; m++) {
                    uint32_t q = rnd(N);
                    bool on = rnd(2);
                    // (several k can map to one INTID? no: 97 is coprime and k < 64)
                    pendbit(id(q), on);
                    ref[q] = on;
                }
                for (uint32_t q = 0; q < N; q++)
                    if (membit(id(q)) != (ref[q] != 0)) { bad++; ADD_FAILURE() << "table bit of " << id(q) << " " << membit(id(q)) << " ref " << ref[q]; }
                enable(false);
                t += 1000 * US;
                break;
            }
            case 5: case 6: {
                pr[k] = rnd(31) << 3;
                en[k] = rnd(4) != 0;
                prop(id(k), (uint8_t)(pr[k] | en[k]));
                if (rnd(2)) w(GIC_FRAME_GICR, GICR_INVALLR, 0);
                else w(GIC_FRAME_GICR, GICR_INVLPIR, id(k));
                break;
            }
            default: set(id(k)); ref[k] = 1; break;
            }
        }
        EXPECT_EQ(counter0("errors.lpi_scan_mismatch"), 0u);
    }
    }
}

} // namespace
