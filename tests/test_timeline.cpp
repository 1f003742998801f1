// The timeline view writer (capi/gictlm_timeline.h): synthetic runs fed
// through its API, the output parsed with nlohmann-json.
#include "gic_test.h"
#include "gictlm_timeline.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>

using nlohmann::json;

namespace {

struct tl_run {
    std::FILE *f = std::tmpfile();
    gic_tl_t *tl = nullptr;
    gic_tl_counts_t c{};
    explicit tl_run(gic_tl_opts_t o = {}) { tl = gic_tl_open(f, &o); }
    json finish()
    {
        EXPECT_EQ(gic_tl_close(tl, &c), 0);
        std::string s = gictest::file_contents(f);
        std::fclose(f);
        return json::parse(s);
    }
};

gic_output_t msi_out(gic_time_t t, uint32_t devid, uint32_t ev, uint32_t intid, uint32_t cpu, gic_msi_outcome_t oc)
{
    gic_output_t o{};
    o.kind = GIC_OUT_MSI;
    o.time = t;
    o.devid = devid;
    o.eventid = ev;
    o.intid = intid;
    o.cpu = cpu;
    o.outcome = oc;
    o.reason = oc == GIC_MSI_DROPPED ? "unmapped \"device\"" : nullptr;
    return o;
}

size_t count(const json &j, const std::string &ph, const std::string &cat = "")
{
    size_t n = 0;
    for (const json &e : j["traceEvents"])
        if (e["ph"] == ph && (cat.empty() || e.value("cat", "") == cat)) n++;
    return n;
}

} // namespace

TEST(Timeline, MsiFlowsToItsAcknowledgeAndHandlerSlice)
{
    tl_run r;
    /* two MSIs to one LPI: the second coalesces; one acknowledge serves both */
    gic_tl_msi(r.tl, 1000000, 0, 3, 5);
    gic_tl_msi(r.tl, 1500000, 0, 3, 5);
    gic_output_t a = msi_out(1007000, 3, 5, 8197, 1, GIC_MSI_DELIVERED);
    gic_tl_output(r.tl, &a);
    gic_output_t b = msi_out(1507000, 3, 5, 8197, 1, GIC_MSI_COALESCED);
    gic_tl_output(r.tl, &b);
    gic_tl_ack(r.tl, 2000000, 1, 8197);
    gic_tl_eoi(r.tl, 2600000, 1, 8197);
    json j = r.finish();
    EXPECT_EQ(count(j, "X", "msi"), 2u);
    EXPECT_EQ(count(j, "s"), 2u);
    EXPECT_EQ(count(j, "f"), 2u);
    ASSERT_EQ(count(j, "X", "irq"), 1u);
    for (const json &e : j["traceEvents"]) {
        if (e.value("cat", "") == "irq" && e["ph"] == "X") {
            EXPECT_EQ(e["name"], "LPI 8197");
            EXPECT_DOUBLE_EQ(e["ts"].get<double>(), 2.0);  /* us */
            EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 0.6);
            EXPECT_EQ(e["tid"], 2); /* CPU 1 */
        }
        if (e.value("cat", "") == "msi" && e["ph"] == "X" && e["ts"].get<double>() == 1.0) {
            EXPECT_DOUBLE_EQ(e["dur"].get<double>(), 0.007); /* send -> outcome */
        }
    }
    EXPECT_EQ(r.c.flows, 2u);
    EXPECT_EQ(r.c.handler_slices, 1u);
    EXPECT_EQ(j["otherData"]["events"], j["traceEvents"].size());
}

TEST(Timeline, PreemptionNestsAndUnmatchedEoiIsCounted)
{
    tl_run r;
    gic_tl_ack(r.tl, 1000000, 0, 40);
    gic_tl_ack(r.tl, 1200000, 0, 41); /* higher priority preempts */
    gic_tl_eoi(r.tl, 1500000, 0, 41);
    gic_tl_eoi(r.tl, 1900000, 0, 40);
    gic_tl_eoi(r.tl, 2000000, 0, 42); /* never acknowledged */
    gic_tl_ack(r.tl, 3000000, 0, 1023); /* spurious: ignored */
    gic_tl_ack(r.tl, 3100000, 0, 43);  /* still open at the end */
    json j = r.finish();
    EXPECT_EQ(count(j, "X", "irq"), 2u);
    EXPECT_EQ(r.c.unmatched_eoi, 1u);
    EXPECT_EQ(r.c.open_at_end, 1u);
}

TEST(Timeline, WindowAndLimitBoundTheFile)
{
    gic_tl_opts_t o{};
    o.window_start = 10000000; /* 10 us */
    o.window_end = 20000000;
    tl_run r(o);
    for (uint32_t i = 0; i < 30; i++) {
        gic_time_t t = (gic_time_t)i * 1000000;
        gic_tl_ack(r.tl, t, 0, 32 + i % 8);
        gic_tl_eoi(r.tl, t + 500000, 0, 32 + i % 8);
    }
    json j = r.finish();
    EXPECT_EQ(count(j, "X", "irq"), 10u);
    EXPECT_EQ(r.c.outside_window, 20u);

    gic_tl_opts_t o2{};
    o2.max_events = 5;
    tl_run r2(o2);
    for (uint32_t i = 0; i < 30; i++) {
        gic_tl_ack(r2.tl, (gic_time_t)i * 1000000, 0, 32);
        gic_tl_eoi(r2.tl, (gic_time_t)i * 1000000 + 500000, 0, 32);
    }
    json j2 = r2.finish();
    EXPECT_EQ(count(j2, "X", "irq"), 5u);
    EXPECT_EQ(r2.c.over_limit, 25u);
}

TEST(Timeline, ItsCommandsAndQueueDepth)
{
    gic_tl_opts_t o{};
    o.num_its = 1;
    tl_run r(o);
    gic_tl_mmio_write(r.tl, 0, GIC_FRAME_GITS, 0, 0x80, 0xb80000000000000full); /* CBASER: 16 pages */
    gic_tl_mmio_write(r.tl, 1000000, GIC_FRAME_GITS, 0, 0x88, 3 * 32);          /* 3 commands */
    for (int k = 1; k <= 3; k++) {
        gic_output_t c{};
        c.kind = GIC_OUT_CMD;
        c.time = 1000000 + (gic_time_t)k * 200000;
        c.code = k == 3 ? 0x05 : 0x0c; /* INV, INV, SYNC */
        c.value = (uint64_t)k * 32;    /* CREADR after */
        gic_tl_output(r.tl, &c);
    }
    json j = r.finish();
    ASSERT_EQ(count(j, "X", "its"), 3u);
    std::vector<double> ts;
    std::vector<uint64_t> depth;
    for (const json &e : j["traceEvents"]) {
        if (e.value("cat", "") == "its") ts.push_back(e["ts"].get<double>());
        if (e["ph"] == "C" && e["name"] == "ITS0 queue depth") depth.push_back(e["args"]["commands"].get<uint64_t>());
    }
    EXPECT_DOUBLE_EQ(ts[0], 1.0); /* visible at the CWRITER write */
    EXPECT_DOUBLE_EQ(ts[1], 1.2); /* after the first completed */
    EXPECT_DOUBLE_EQ(ts[2], 1.4);
    EXPECT_EQ(depth, (std::vector<uint64_t>{3, 2, 1, 0}));
}

TEST(Timeline, DroppedMsiHasItsReasonEscapedAndNoFlow)
{
    tl_run r;
    gic_tl_msi(r.tl, 1000, 0, 9, 1);
    gic_output_t d = msi_out(2000, 9, 1, 0, 0, GIC_MSI_DROPPED);
    gic_tl_output(r.tl, &d);
    json j = r.finish();
    ASSERT_EQ(count(j, "X", "msi"), 1u);
    EXPECT_EQ(count(j, "s"), 0u);
    for (const json &e : j["traceEvents"])
        if (e.value("cat", "") == "msi") {
            EXPECT_EQ(e["args"]["reason"], "unmapped \"device\"");
        }
}

// With HCR_EL2.IMO set, EL1's ICC_IAR1/EOIR1 are the guest's (ICV_*): their
// slices are virtual ("vSPI 48", category virq) and do not close the host's
// slice of the same INTID; ICV_* names are virtual whatever HCR_EL2 says.
TEST(Timeline, GuestAcknowledgesAreVirtualSlices)
{
    tl_run r;
    gic_tl_sysreg(r.tl, 1000000, 0, GIC_ICC_IAR1_EL1, false, 48);    /* the host's SPI 48 */
    gic_tl_sysreg(r.tl, 1100000, 0, GIC_HCR_EL2, true, 1u << 4);     /* guest entry: IMO */
    gic_tl_sysreg(r.tl, 1200000, 0, GIC_ICC_IAR1_EL1, false, 48);    /* the guest's vINTID 48 */
    gic_tl_sysreg(r.tl, 1300000, 0, GIC_ICC_EOIR1_EL1, true, 48);
    gic_tl_sysreg(r.tl, 1400000, 0, GIC_ICV_IAR1_EL1, false, 8192);
    gic_tl_sysreg(r.tl, 1500000, 0, GIC_ICV_EOIR1_EL1, true, 8192);
    gic_tl_sysreg(r.tl, 1600000, 0, GIC_HCR_EL2, true, 0);           /* exit */
    gic_tl_sysreg(r.tl, 1700000, 0, GIC_ICC_EOIR1_EL1, true, 48);    /* the host's EOI */
    json j = r.finish();
    EXPECT_EQ(count(j, "X", "irq"), 1u);
    EXPECT_EQ(count(j, "X", "virq"), 2u);
    EXPECT_EQ(r.c.unmatched_eoi, 0u);
    for (const json &e : j["traceEvents"]) {
        if (e["ph"] != "X") continue;
        if (e["cat"] == "irq") {
            EXPECT_EQ(e["name"], "SPI 48");
            EXPECT_EQ(e["dur"].get<double>(), 0.7);
        } else {
            EXPECT_TRUE(e["name"] == "vSPI 48" || e["name"] == "vLPI 8192") << e.dump();
            EXPECT_TRUE(e["args"].value("virtual", false));
        }
    }
}
