// Redistributor LPI support (physical LPIs) against the rules of IHI0069: a
// randomized cross-check of the pending state against a reference written from
// the rules, under every scan policy and LPI cache size. Public C API only.
#include <gtest/gtest.h>

#include <vector>

#include "gic_test.h"
#include "gictlm.h"

using namespace gictest;

namespace {

constexpr uint64_t PROP = 0x100000, PEND = 0x200000;

struct LpiRules : GicTest {
    uint32_t bits = 16;
    void setup(gic_scan_policy_t pol = GIC_SCAN_TRACKED, uint32_t entries = 256, uint32_t ways = 2,
               uint32_t id_bits = 16)
    {
        destroy();
        gic_config_default(&cfg);
        cfg.num_cpus = 2;
        cfg.num_its = 0;
        cfg.lpi_scan_policy = pol;
        cfg.lpi_cache.entries = entries;
        cfg.lpi_cache.ways = ways;
        cfg.lpi_id_bits = id_bits;
        bits = id_bits;
        create();
        EXPECT_EQ(gic_mmio_write(g, t, GIC_FRAME_GICD, 0, GICD_CTLR, 4, GICD_CTLR_ARE | GICD_CTLR_EnableGrp1NS), GIC_OK);
        w(GIC_FRAME_GICR, GICR_WAKER, 0);
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
    void pendbit(uint32_t intid, bool on = true)
    {
        uint8_t b = 0;
        gic_mem_read(g, PEND + intid / 8, &b, 1);
        if (on) b |= (uint8_t)(1u << (intid % 8));
        else b &= (uint8_t)~(1u << (intid % 8));
        gic_mem_write(g, PEND + intid / 8, &b, 1);
    }
    bool membit(uint32_t intid)
    {
        uint8_t b = 0;
        gic_mem_read(g, PEND + intid / 8, &b, 1);
        return (b >> (intid % 8)) & 1;
    }
    void bases(bool ptz, uint32_t idbits_field = 0)
    {
        w(GIC_FRAME_GICR, GICR_PROPBASER, PROP | (idbits_field ? idbits_field : bits - 1), 8);
        w(GIC_FRAME_GICR, GICR_PENDBASER, PEND | (ptz ? GICR_PENDBASER_PTZ : 0), 8);
    }
    void enable(bool ptz = true, uint32_t idbits_field = 0)
    {
        bases(ptz, idbits_field);
        w(GIC_FRAME_GICR, GICR_CTLR, GICR_CTLR_EnableLPIs);
    }
    void disable_and_wait()
    {
        w(GIC_FRAME_GICR, GICR_CTLR, 0);
        for (int i = 0; i < 1000 && (r(GICR_CTLR) & GICR_CTLR_RWP); i++) t += 100 * NS;
        ASSERT_EQ(r(GICR_CTLR) & (GICR_CTLR_RWP | GICR_CTLR_EnableLPIs), 0u);
    }
    void set(uint32_t intid) { w(GIC_FRAME_GICR, GICR_SETLPIR, intid); }
    void clr(uint32_t intid) { w(GIC_FRAME_GICR, GICR_CLRLPIR, intid); }
    uint32_t hppir()
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_sysreg_read(g, t, 0, GIC_ICC_HPPIR1_EL1, &v), GIC_OK);
        return (uint32_t)v;
    }
    uint32_t iar()
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_sysreg_read(g, t, 0, GIC_ICC_IAR1_EL1, &v), GIC_OK);
        if (v != GIC_SPURIOUS) {
            EXPECT_EQ(gic_sysreg_write(g, t, 0, GIC_ICC_EOIR1_EL1, v), GIC_OK);
        }
        return (uint32_t)v;
    }
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
