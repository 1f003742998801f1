// ITS translation and delivery: Linux-style bring-up, MSIs to LPIs at the right
// CPUs, drop reasons, conservation, INT/CLEAR/DISCARD/MOVI/MOVALL, flat and
// two-level tables at every page size, several ITSs, IDbits, caches.
#include "test_its_fixture.h"

using namespace its_test;

class ItsMsi : public ItsTest {
protected:
    void Map(uint32_t dev, uint32_t bits, uint32_t n, uint32_t base, bool inv = true,
             uint32_t its = 0, uint64_t off = 0)
    {
        Queue(mapd(dev, ITT + off + dev * 0x1000ull, bits - 1, true), its, off);
        for (uint32_t e = 0; e < n; e++) {
            Queue(mapti(dev, e, base + e, e % cfg.num_cpus), its, off);
            if (inv) Queue(devev(INV, dev, e), its, off);
        }
        if (inv) Queue(sync(rdbase(0)), its, off);
        Release(its);
        Drain(its);
        ASSERT_EQ(counter0("its" + std::to_string(its) + ".cmd.errors"), 0u);
    }
    // scenarios with expected times from the latency parameters (GIC_TIMING_TEST)
    void TranslationLatencyWithAndWithoutCacheHits();
    void NoCachesEveryLookupWalksMemory();
    void MsiWaitsBehindACommand();
    void PipelineDepthLimitsTranslationsInFlight();
    void DisableDropsCachedTranslations();
    void OutstandingReadLimitSerialisesWalks();
    void MovallDropsCachedCollectionsOfRdbase1();
    void MsiToSignalLatencyIsRecorded();
    void MsiToSignalWithoutCaches();
};
using ItsMsiLatencies = Latencies<ItsMsi>;

TEST_F(ItsMsi, LinuxBringUpDeliversToTheRightCpus)
{
    FullBringUp();
    Map(1, 4, 8, 8192);
    for (uint32_t e = 0; e < 8; e++) {
        out.clear();
        Msi(1, e);
        auto m = outs(GIC_OUT_MSI);
        ASSERT_EQ(m.size(), 1u);
        EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DELIVERED);
        EXPECT_EQ(m[0].intid, 8192 + e);
        EXPECT_EQ(m[0].cpu, e % 4);
        EXPECT_EQ(m[0].devid, 1u);
        EXPECT_EQ(m[0].eventid, e);
        EXPECT_EQ(Ack(e % 4), 8192 + e) << "event " << e;
        EXPECT_EQ(Ack(e % 4), GIC_SPURIOUS);
    }
    EXPECT_EQ(counter("msi.received"), 8u);
    EXPECT_EQ(counter("msi.delivered"), 8u);
    EXPECT_EQ(counter("its0.msi.delivered"), 8u);
    ExpectConservation();
}

GIC_TIMING_TEST(ItsMsi, TranslationLatencyWithAndWithoutCacheHits)
{
    FullBringUp();
    Map(1, 4, 1, 8192, false); // MAPD + MAPTI: MAPTI's walk filled the device cache only
    t = 50000000;
    const gic_time_t T = t;
    Msi(1, 0);
    // translate + DTE hit + ITE miss + CTE miss (4 cycles + 1 cycle + 100 ns + 100 ns at the defaults)
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time, T + translate() + hit(cfg.its_device_cache) + mem() + mem());
    out.clear();
    EXPECT_EQ(Ack(0), 8192u);
    const gic_time_t T2 = t;
    Msi(1, 0); // everything hits: 4 + 3 cycles at the defaults
    m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time, T2 + walk_hits());
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "msi.latency.translate", &h));
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min, walk_hits());
    EXPECT_EQ(h.max, translate() + hit(cfg.its_device_cache) + 2 * mem());
    EXPECT_EQ(counter("its0.cache.event.hits"), 1u);
    EXPECT_EQ(counter("its0.cache.event.misses"), 1u);
    EXPECT_EQ(counter("its0.cache.collection.hits"), 1u);
}

GIC_TIMING_TEST(ItsMsi, NoCachesEveryLookupWalksMemory)
{
    cfg.its_device_cache.entries = 0;
    cfg.its_device_cache.ways = 0;
    cfg.its_event_cache.entries = 0;
    cfg.its_event_cache.ways = 0;
    cfg.its_collection_cache.entries = 0;
    cfg.its_collection_cache.ways = 0;
    FullBringUp();
    Map(1, 4, 1, 8192, false);
    uint64_t reads0 = counter("mem.device.reads") + counter("mem.itt.reads") + counter("mem.collection.reads");
    for (int i = 0; i < 3; i++) {
        out.clear();
        const gic_time_t T = t;
        Msi(1, 0);
        auto m = outs(GIC_OUT_MSI);
        ASSERT_EQ(m.size(), 1u);
        EXPECT_EQ(m[0].time, T + walk_misses());
        EXPECT_EQ(Ack(0), 8192u);
    }
    EXPECT_EQ(counter("mem.device.reads") + counter("mem.itt.reads") + counter("mem.collection.reads"),
              reads0 + 9);
}

GIC_TIMING_TEST(ItsMsi, MsiWaitsBehindACommand)
{
    FullBringUp();
    Map(1, 4, 1, 8192, true); // INV warmed all three caches
    t = 50000000;
    const gic_time_t T = t;
    Queue(mapd(9, ITT + 0x9000, 1, true)); // cmd_one_write(): 204 ns at the defaults
    Release();
    t = T + 1000;
    Msi(1, 0);
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time, T + cmd_one_write() + walk_hits());
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "its0.msi.queue_delay", &h));
    EXPECT_EQ(h.max, cmd_one_write() - ns(1)); // from the MSI's arrival at T + 1 ns
    ASSERT_TRUE(gic_stat_hist(g, "msi.latency.translate", &h));
    EXPECT_EQ(h.max, cmd_one_write() - ns(1) + walk_hits());
}

GIC_TIMING_TEST(ItsMsi, PipelineDepthLimitsTranslationsInFlight)
{
    cfg.its_pipeline_depth = 2;
    FullBringUp();
    Map(1, 4, 4, 8192, true);
    t = 50000000;
    const gic_time_t T = t;
    for (uint32_t e = 0; e < 4; e++) EXPECT_EQ(gic_msi(g, T, 0, 1, e), GIC_OK);
    t = T + 1000000;
    gic_run_until(g, t);
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 4u);
    // Two slots: MSIs 0,1 finish after one walk, 2,3 after two (T+7 ns, T+14 ns at the defaults).
    EXPECT_EQ(m[0].time, T + walk_hits());
    EXPECT_EQ(m[1].time, T + walk_hits());
    EXPECT_EQ(m[2].time, T + 2 * walk_hits());
    EXPECT_EQ(m[3].time, T + 2 * walk_hits());
}

TEST_F(ItsMsi, DropReasonsAndConservation)
{
    cfg.its_devbits = 10;
    FullBringUp();
    Map(1, 2, 2, 8192, true);
    Exec({mapti(1, 2, 8194, 9)}); // collection 9 never mapped
    Msi(2, 0);    // unmapped device
    Msi(1, 4);    // EventID beyond 2 bits
    Msi(1, 3);    // no ITE
    Msi(1, 2);    // collection unmapped
    Msi(1024, 0); // DeviceID beyond Devbits
    Msi(1, 0);    // delivered
    Msi(1, 0);    // coalesced (not acknowledged)
    gits_w(GITS_CTLR, 0, 0, 4);
    Msi(1, 1); // ITS disabled
    EXPECT_EQ(counter("msi.received"), 8u);
    EXPECT_EQ(counter("msi.delivered"), 1u);
    EXPECT_EQ(counter("msi.coalesced"), 1u);
    EXPECT_EQ(counter("msi.dropped"), 6u);
    EXPECT_EQ(counter("msi.dropped.unmapped_device"), 1u);
    EXPECT_EQ(counter("msi.dropped.eventid_oor"), 1u);
    EXPECT_EQ(counter("msi.dropped.unmapped_interrupt"), 1u);
    EXPECT_EQ(counter("msi.dropped.unmapped_collection"), 1u);
    EXPECT_EQ(counter("msi.dropped.device_oor"), 1u);
    EXPECT_EQ(counter("msi.dropped.its_disabled"), 1u);
    EXPECT_EQ(counter("its0.msi.dropped.its_disabled"), 1u);
    EXPECT_EQ(counter("its0.msi.received"), 8u);
    ExpectConservation();
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 8u);
    EXPECT_STREQ(m[0].reason, "unmapped_device");
    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DROPPED);
    EXPECT_EQ(m[6].outcome, (uint32_t)GIC_MSI_COALESCED);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4), 0x80000000u); // disabled, quiescent
}

TEST_F(ItsMsi, IntAndClear)
{
    FullBringUp();
    Map(1, 2, 4, 8192, true);
    Exec({devev(INT, 1, 2)});
    EXPECT_EQ(LastCmd().error, 0u);
    t += 1000000; // redistributor -> CPU interface
    gic_run_until(g, t);
    EXPECT_EQ(Ack(2), 8194u);
    Exec({devev(INT, 1, 3), devev(CLEAR, 1, 3)});
    t += 1000000;
    gic_run_until(g, t);
    EXPECT_EQ(Ack(3), GIC_SPURIOUS);
    EXPECT_EQ(counter("its0.cmd.INT.count"), 2u);
    EXPECT_EQ(counter("its0.cmd.CLEAR.count"), 1u);
    EXPECT_EQ(counter("msi.received"), 0u); // commands are not MSIs
}

TEST_F(ItsMsi, DiscardClearsPendingAndUnmaps)
{
    FullBringUp();
    Map(1, 2, 4, 8192, true);
    Msi(1, 1);
    Exec({devev(DISCARD, 1, 1), sync(rdbase(1))});
    EXPECT_EQ(Ack(1), GIC_SPURIOUS);
    EXPECT_EQ(r64(ITT + 0x1000 + 8), 0u);
    Msi(1, 1);
    EXPECT_EQ(counter("msi.dropped.unmapped_interrupt"), 1u);
    ExpectConservation();
}

TEST_F(ItsMsi, MoviMovesPendingStateAndFutureMsis)
{
    FullBringUp();
    Map(1, 2, 1, 8192, true); // event 0 -> CPU 0
    Msi(1, 0);
    Exec({movi(1, 0, 2), sync(rdbase(2))});
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(Ack(0), GIC_SPURIOUS);
    EXPECT_EQ(Ack(2), 8192u);
    EXPECT_EQ(r64(ITT + 0x1000), (1ull << 63) | (2ull << 32) | 8192);
    out.clear();
    Msi(1, 0);
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].cpu, 2u);
    EXPECT_EQ(Ack(2), 8192u);
}

TEST_F(ItsMsi, MovallMovesEveryPendingLpi)
{
    FullBringUp();
    // Events 0 and 4 -> CPU 0
    Map(1, 3, 8, 8192, true);
    Msi(1, 0);
    Msi(1, 4);
    Exec({movall(rdbase(0), rdbase(3)), sync(rdbase(3))});
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(Ack(0), GIC_SPURIOUS);
    EXPECT_EQ(Ack(3), 8192u);
    EXPECT_EQ(Ack(3), 8196u);
    EXPECT_EQ(Ack(3), GIC_SPURIOUS);
}

TEST_F(ItsMsi, InvallAndSyncComplete)
{
    FullBringUp();
    Map(1, 2, 4, 8192, true);
    Exec({invall(1), sync(rdbase(1))});
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(counter("its0.cmd.INVALL.count"), 1u);
    EXPECT_GE(counter("its0.cmd.SYNC.count"), 2u);
}

// Full and summary scan policies: a rescan (here the one after INVALL: IHI0069
// says every LPI's configuration may have changed) shows nothing new until it
// ends, but an LPI the redistributor already presented, whose configuration
// did not change, stays presented: the IRQ line neither drops nor rises again,
// and the line-to-signal latency counts it once. (Before, the line dropped for
// the 2.4 us of the scan and rose again.) An INVALL after the LPI was disabled
// in the property table withdraws it.
TEST_F(ItsMsi, RescanKeepsPresentingAnUnchangedLpi)
{
    for (gic_scan_policy_t pol : {GIC_SCAN_FULL, GIC_SCAN_SUMMARY}) {
        SCOPED_TRACE(pol == GIC_SCAN_FULL ? "full" : "summary");
        destroy();
        cfg.lpi_scan_policy = pol;
        FullBringUp();
        Map(1, 2, 1, 8192, true); // event 0 -> LPI 8192 -> CPU 0
        t = 50000000;
        out.clear();
        Msi(1, 0);
        ASSERT_EQ(outs(GIC_OUT_LINE).size(), 1u);
        const uint64_t scans = counter("lpi.scans");
        Exec({invall(0), sync(rdbase(0))});
        t += 10000000;
        gic_run_until(g, t);
        EXPECT_GT(counter("lpi.scans"), scans); // it did rescan
        EXPECT_EQ(outs(GIC_OUT_LINE).size(), 1u) << "the IRQ line dropped during the rescan";
        EXPECT_EQ(hist("latency.line_to_signal.lpi").count, 1u);
        EXPECT_EQ(Ack(0), 8192u);

        // disabled in the property table, then INVALL: withdrawn once the scan ends
        t += 10000000; // (the rescan after the acknowledge)
        gic_run_until(g, t);
        out.clear();
        Msi(1, 0);
        ASSERT_EQ(outs(GIC_OUT_LINE).size(), 1u);
        out.clear();
        const uint8_t disabled = 0xa0 | 0x2; // priority 0xa0, group 1, Enable = 0
        ASSERT_EQ(gic_mem_write(g, PROP, &disabled, 1), GIC_OK);
        const gic_time_t released = t;
        Exec({invall(0), sync(rdbase(0))});
        t += 10000000;
        gic_run_until(g, t);
        auto lines = outs(GIC_OUT_LINE);
        ASSERT_EQ(lines.size(), 1u);
        EXPECT_EQ(lines[0].level, 0u);
        // full: during the scan (2.3 us of table reads), not at its end: a
        // changed record is not the one presented before it
        if (pol == GIC_SCAN_FULL) {
            EXPECT_GT(hist("lpi.scan.latency").max, 2000 * NS);
            EXPECT_LT(lines[0].time, released + 1500 * NS);
        }
        EXPECT_EQ(Ack(0), GIC_SPURIOUS);
    }
}

TEST_F(ItsMsi, PhysicalAddressRdbase)
{
    cfg.its_pta = 1;
    FullBringUp(); // MAPC with RD_base >> 16
    Map(1, 2, 4, 8192, true);
    Msi(1, 3);
    EXPECT_EQ(Ack(3), 8195u);
    // A misaligned / foreign address is RDbase out of range.
    Exec({mapc(9, (cfg.gicr_base + 0x10000) >> 16, true)});
    EXPECT_EQ(LastCmd().error, 0x010902u);
}

TEST_F(ItsMsi, CollectionsHeldInTheIts)
{
    cfg.its_hcc = 2; // ICID 0,1 in the ITS, 2,3 in memory
    FullBringUp();
    EXPECT_EQ(r64(CT + 0), 0u); // HCC collections never touch memory
    EXPECT_EQ(r64(CT + 8), 0u);
    EXPECT_EQ(r64(CT + 16), (1ull << 63) | 2);
    Map(1, 2, 4, 8192, true);
    Msi(1, 1);
    EXPECT_EQ(Ack(1), 8193u);
    Msi(1, 2);
    EXPECT_EQ(Ack(2), 8194u);
}

// Two-level device table at each page size; DeviceID in the second L2 page.
class ItsPageSize : public ItsMsi, public ::testing::WithParamInterface<std::tuple<unsigned, bool>> {};

TEST_P(ItsPageSize, DeviceAndCollectionTables)
{
    unsigned ps_code = std::get<0>(GetParam());
    bool indirect = std::get<1>(GetParam());
    uint64_t ps = ps_code == 0 ? 0x1000 : ps_code == 1 ? 0x4000 : 0x10000;
    cfg.its_devbits = 20;
    create();
    BringUpCpus();
    uint64_t per_l2 = ps / 8;
    uint32_t dev = (uint32_t)(per_l2 + 5); // second level-2 page / beyond one flat page
    uint64_t dt = 0x10000000, ct = 0x11000000;
    if (indirect) {
        gits_w(GITS_BASERn(0), (1ull << 63) | (1ull << 62) | dt | (ps_code << 8) | 0); // one L1 page
        w64(dt + 8, (1ull << 63) | L2); // L1[1] -> L2 page
    } else {
        gits_w(GITS_BASERn(0), (1ull << 63) | dt | (ps_code << 8) | 1); // two pages: dev fits
    }
    gits_w(GITS_BASERn(1), (1ull << 63) | ct | (ps_code << 8) | 0);
    gits_w(GITS_CBASER, (1ull << 63) | CMDQ);
    gits_w(GITS_CWRITER, 0);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    Exec({mapc(0, 1, true), mapd(dev, ITT, 1, true), mapti(dev, 1, 9000, 0), devev(INV, dev, 1),
          sync(1)});
    EXPECT_EQ(counter("its0.cmd.errors"), 0u);
    uint64_t dte_addr = indirect ? L2 + 5 * 8 : dt + dev * 8ull;
    EXPECT_EQ(r64(dte_addr), (1ull << 63) | ITT | 1);
    Msi(dev, 1);
    EXPECT_EQ(Ack(1), 9000u);
    // A DeviceID whose level-1 entry is invalid (or beyond the flat table) is out of range.
    uint32_t far = (uint32_t)(indirect ? 2 * per_l2 : 2 * per_l2 + 1);
    Exec({mapd(far, ITT, 1, true)});
    EXPECT_EQ(LastCmd().error, 0x010801u);
    Msi(far, 0);
    EXPECT_EQ(counter("msi.dropped.device_oor"), 1u);
}

INSTANTIATE_TEST_SUITE_P(AllPageSizes, ItsPageSize,
                         ::testing::Combine(::testing::Values(0u, 1u, 2u), ::testing::Bool()));

TEST_F(ItsMsi, SeveralItsShareRedistributors)
{
    cfg.num_its = 2;
    cfg.gicr_base = 0x08100000; // GICR after the two ITSs (128 KiB each from 0x08080000)
    create();
    BringUpCpus();
    const uint64_t off = 0x8000000;
    BringUpIts(0);
    BringUpIts(1, off);
    Exec({mapc(0, 2, true), mapd(1, ITT + 0x1000, 1, true), mapti(1, 0, 8200, 0), devev(INV, 1, 0),
          sync(2)},
         0);
    Exec({mapc(5, 2, true), mapd(1, ITT + off + 0x1000, 1, true), mapti(1, 0, 8201, 5),
          devev(INV, 1, 0), sync(2)},
         1, off);
    EXPECT_EQ(counter("its0.cmd.errors") + counter("its1.cmd.errors"), 0u);
    Msi(1, 0, 0);
    Msi(1, 0, 1);
    EXPECT_EQ(Ack(2), 8200u);
    EXPECT_EQ(Ack(2), 8201u);
    EXPECT_EQ(counter("its0.msi.delivered"), 1u);
    EXPECT_EQ(counter("its1.msi.delivered"), 1u);
    EXPECT_EQ(counter("msi.delivered"), 2u);
    // Tables are per ITS: ITS 1's collection 0 is unmapped.
    Msi(1, 1, 1);
    EXPECT_EQ(counter0("its1.msi.dropped.eventid_oor"), 0u);
    EXPECT_EQ(counter("its1.msi.dropped.unmapped_interrupt"), 1u);
}

class ItsIdBits : public ItsMsi, public ::testing::WithParamInterface<unsigned> {};

TEST_P(ItsIdBits, LargestLpiWorksAndBeyondIsRejected)
{
    unsigned bits = GetParam();
    cfg.lpi_id_bits = bits;
    FullBringUp();
    uint32_t top = bits >= 21 ? 8192 + (1u << 20) - 1 : (1u << bits) - 1; // enabled in the prop table
    uint32_t beyond = 1u << bits;
    Exec({mapd(1, ITT + 0x1000, 1, true), mapti(1, 0, top, 1), devev(INV, 1, 0), sync(1),
          mapti(1, 1, beyond, 1)});
    EXPECT_EQ(LastCmd().error, 0x010a06u);
    Msi(1, 0);
    EXPECT_EQ(Ack(1), top);
    EXPECT_LT(gic_mem_footprint(g), (size_t)64 << 20);
}

INSTANTIATE_TEST_SUITE_P(Bits, ItsIdBits, ::testing::Values(14u, 16u, 20u, 24u));

TEST_F(ItsMsi, CacheInvalidationOnRemap)
{
    FullBringUp();
    Map(1, 2, 2, 8192, true); // cached: device 1, events 0/1, collections
    Msi(1, 0);
    EXPECT_EQ(Ack(0), 8192u);
    // MAPTI over an existing mapping: new INTID used at once.
    Exec({mapti(1, 0, 8300, 0), devev(INV, 1, 0), sync(0)});
    Msi(1, 0);
    EXPECT_EQ(Ack(0), 8300u);
    // MAPC remap: collection 0 -> CPU 3.
    Exec({mapc(0, 3, true), sync(3)});
    Msi(1, 0);
    EXPECT_EQ(Ack(3), 8300u);
    // MAPD remap to a fresh ITT: old events are gone.
    Exec({mapd(1, ITT + 0x7000, 1, true)});
    Msi(1, 1);
    EXPECT_EQ(counter("msi.dropped.unmapped_interrupt"), 1u);
    // MAPD V=0 unmaps.
    Exec({mapd(1, 0, 0, false)});
    Msi(1, 0);
    EXPECT_EQ(counter("msi.dropped.unmapped_device"), 1u);
    ExpectConservation();
}

GIC_TIMING_TEST(ItsMsi, DisableDropsCachedTranslations)
{
    FullBringUp();
    Map(1, 2, 1, 8192, true);
    t = 50000000;
    gic_time_t T = t;
    Msi(1, 0);
    EXPECT_EQ(outs(GIC_OUT_MSI).back().time, T + walk_hits());
    EXPECT_EQ(Ack(0), 8192u);
    gits_w(GITS_CTLR, 0, 0, 4);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    T = t;
    Msi(1, 0);
    EXPECT_EQ(outs(GIC_OUT_MSI).back().time, T + walk_misses()); // all three miss
    EXPECT_EQ(Ack(0), 8192u);
}

TEST_F(ItsMsi, Deterministic)
{
    std::vector<gic_output_t> runs[2];
    for (int r = 0; r < 2; r++) {
        if (g) gic_destroy(g);
        g = nullptr;
        t = 0;
        out.clear();
        for (auto &c : cwriter) c = 0;
        FullBringUp();
        Map(1, 4, 16, 8192, true);
        gic_time_t T = t;
        for (uint32_t i = 0; i < 64; i++) EXPECT_EQ(gic_msi(g, T + i * 3000, 0, 1, i % 17), GIC_OK);
        t = T + 1000000;
        gic_run_until(g, t);
        runs[r] = out;
    }
    ASSERT_EQ(runs[0].size(), runs[1].size());
    for (size_t i = 0; i < runs[0].size(); i++) {
        EXPECT_EQ(runs[0][i].kind, runs[1][i].kind);
        EXPECT_EQ(runs[0][i].time, runs[1][i].time);
        EXPECT_EQ(runs[0][i].intid, runs[1][i].intid);
        EXPECT_EQ(runs[0][i].outcome, runs[1][i].outcome);
    }
    EXPECT_EQ(counter("msi.received"), 64u);
    ExpectConservation();
}

// Outstanding-read limit of the ITS memory agent (mem.h): with one read slot
// two independent walks serialise; with no limit they overlap.
GIC_TIMING_TEST(ItsMsi, OutstandingReadLimitSerialisesWalks)
{
    const gic_config_t cfg0 = cfg;
    for (uint32_t limit : {1u, 0u}) {
        destroy();
        for (auto &c : cwriter) c = 0;
        cfg = cfg0;
        cfg.its_max_reads = limit;
        cfg.its_device_cache.entries = cfg.its_device_cache.ways = 0;
        cfg.its_event_cache.entries = cfg.its_event_cache.ways = 0;
        cfg.its_collection_cache.entries = cfg.its_collection_cache.ways = 0;
        FullBringUp();
        Map(1, 2, 2, 8192, false);
        t = 50000000;
        const gic_time_t T = t;
        out.clear();
        EXPECT_EQ(gic_msi(g, T, 0, 1, 0), GIC_OK);
        EXPECT_EQ(gic_msi(g, T, 0, 1, 1), GIC_OK);
        t = T + 2000000;
        gic_run_until(g, t);
        auto m = outs(GIC_OUT_MSI);
        ASSERT_EQ(m.size(), 2u);
        EXPECT_EQ(m[0].time, T + walk_misses()) << "limit " << limit;
        // one read slot: the six reads of the two walks go in series
        EXPECT_EQ(m[1].time, limit ? T + translate() + 6 * mem() : T + walk_misses()) << "limit " << limit;
        gic_hist_summary_t h;
        ASSERT_TRUE(gic_stat_hist(g, "its0.mem.queue_delay", &h));
        EXPECT_EQ(h.max, limit ? 3 * mem() : 0u);
        ExpectConservation();
    }
}

TEST_F(ItsMsi, MapiUsesEventIdAsIntid)
{
    FullBringUp();
    Exec({mapd(3, ITT + 0x3000, 13, true), mapi(3, 8200, 1), devev(INV, 3, 8200), sync(1)});
    EXPECT_EQ(counter("its0.cmd.errors"), 0u);
    EXPECT_EQ(r64(ITT + 0x3000 + 8200 * 8), (1ull << 63) | (1ull << 32) | 8200);
    Msi(3, 8200);
    EXPECT_EQ(Ack(1), 8200u);
    Exec({mapi(3, 100, 1)}); // EventID 100 is not an LPI INTID
    EXPECT_EQ(LastCmd().error, 0x010b06u);
}

TEST_F(ItsMsi, TwoLevelCollectionTable)
{
    create();
    BringUpCpus();
    gits_w(GITS_BASERn(0), (1ull << 63) | DT | 15);
    gits_w(GITS_BASERn(1), (1ull << 63) | (1ull << 62) | CT); // 4 KiB L1 page, 512 ICIDs per L2 page
    w64(CT + 8, (1ull << 63) | L2);                  // ICIDs 512..1023
    gits_w(GITS_CBASER, (1ull << 63) | CMDQ);
    gits_w(GITS_CWRITER, 0);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    Exec({mapc(515, 2, true), mapd(1, ITT + 0x1000, 1, true), mapti(1, 0, 8192, 515),
          devev(INV, 1, 0), sync(2)});
    EXPECT_EQ(counter("its0.cmd.errors"), 0u);
    EXPECT_EQ(r64(L2 + 3 * 8), (1ull << 63) | 2);
    Msi(1, 0);
    EXPECT_EQ(Ack(2), 8192u);
    Exec({mapc(5, 1, true)}); // level-1 entry 0 invalid
    EXPECT_EQ(LastCmd().error, 0x010903u);
}

// MOVALL drops the cached collections that target RDbase1 (and only those):
// the next MSI through collection 0 re-reads its CTE, collection 1 still hits.
GIC_TIMING_TEST(ItsMsi, MovallDropsCachedCollectionsOfRdbase1)
{
    FullBringUp();
    Map(1, 3, 8, 8192, true); // event e -> collection e % 4 -> CPU e % 4; INV filled the caches
    const uint64_t inval0 = counter("its0.cache.collection.invalidations");
    Exec({movall(rdbase(0), rdbase(3)), sync(rdbase(3))});
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(counter("its0.cache.collection.invalidations"), inval0 + 1);
    // MOVALL of a redistributor onto itself moves nothing and drops nothing.
    Exec({movall(rdbase(1), rdbase(1))});
    EXPECT_EQ(counter("its0.cache.collection.invalidations"), inval0 + 1);
    t = 50000000;
    gic_time_t T = t;
    out.clear();
    Msi(1, 0); // device and event hit, collection 0 misses
    auto m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time, T + translate() + hit(cfg.its_device_cache) + hit(cfg.its_event_cache) + mem());
    EXPECT_EQ(m[0].cpu, 0u); // the CTE in memory still names CPU 0 (software did no MAPC)
    EXPECT_EQ(Ack(0), 8192u);
    T = t;
    out.clear();
    Msi(1, 1); // collection 1 (CPU 1) was not dropped: all three hit
    m = outs(GIC_OUT_MSI);
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time, T + walk_hits());
    EXPECT_EQ(Ack(1), 8193u);
}

// MSI -> IRQ signal latency (latency.line_to_signal.lpi) is measured from the
// GITS_TRANSLATER write: translation (4 cycles + 3 cache hits), LPI cache miss
// (property and pending reads in parallel, 100 ns), redistributor -> CPU
// interface -> pin (10 + 2 cycles); then with an LPI cache hit (1 cycle).
GIC_TIMING_TEST(ItsMsi, MsiToSignalLatencyIsRecorded)
{
    FullBringUp();
    Map(1, 2, 1, 8192, true);
    t = 50000000;
    const gic_time_t T = t;
    out.clear();
    Msi(1, 0);
    auto lines = outs(GIC_OUT_LINE);
    ASSERT_EQ(lines.size(), 1u);
    EXPECT_EQ(lines[0].level, 1u);
    const gic_time_t miss = walk_hits() + mem() + path_redist();
    EXPECT_EQ(lines[0].time, T + miss);
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "latency.line_to_signal.lpi", &h));
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.min, miss);
    EXPECT_EQ(h.max, miss);
    const gic_time_t tack = t + 1000;
    EXPECT_EQ(Ack(0), 8192u);
    ASSERT_TRUE(gic_stat_hist(g, "latency.line_to_iar.lpi", &h));
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.max, tack - T);
    const gic_time_t T2 = t;
    out.clear();
    Msi(1, 0); // LPI cache hit: lpi_cache.hit_cycles instead of a memory read
    lines = outs(GIC_OUT_LINE);
    ASSERT_GE(lines.size(), 1u);
    const gic_time_t hit_path = walk_hits() + hit(cfg.lpi_cache) + path_redist();
    EXPECT_EQ(lines[0].time, T2 + hit_path);
    ASSERT_TRUE(gic_stat_hist(g, "latency.line_to_signal.lpi", &h));
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min, hit_path);
    EXPECT_EQ(h.max, miss);
}

// No caches anywhere (nocache.json): MSI -> IRQ = 4 cycles + three table reads
// (300 ns) + property and pending reads in parallel (100 ns; the pending-byte
// write that follows is posted) + 12 cycles = 416 ns.
GIC_TIMING_TEST(ItsMsi, MsiToSignalWithoutCaches)
{
    for (gic_cache_config_t *c : {&cfg.its_device_cache, &cfg.its_event_cache,
                                  &cfg.its_collection_cache, &cfg.lpi_cache}) {
        c->entries = 0;
        c->ways = 0;
    }
    cfg.lpi_scan_policy = GIC_SCAN_FULL;
    FullBringUp();
    Map(1, 2, 1, 8192, true);
    t = 50000000;
    const gic_time_t T = t;
    out.clear();
    Msi(1, 0);
    auto lines = outs(GIC_OUT_LINE);
    ASSERT_EQ(lines.size(), 1u);
    const gic_time_t path = walk_misses() + mem() + path_redist();
    EXPECT_EQ(lines[0].time, T + path);
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "latency.line_to_signal.lpi", &h));
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.max, path);
    EXPECT_EQ(Ack(0), 8192u);
}

GIC_LATENCY_PROFILES(ItsMsiLatencies);
