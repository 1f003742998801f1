// Rules of the physical ITS (IHI0069, GICv3 LPIs through the ITS): checks of
// the command pipeline and translation against the architecture, and a
// randomized cross-check of MAPD/MAPC/MAPTI/MAPI/MOVI/DISCARD/INT/CLEAR and
// MSIs against a small reference written from the command descriptions.
#include "test_its_fixture.h"

#include <map>
#include <random>
#include <set>

using namespace its_test;

namespace {

class ItsRules : public ItsTest {
protected:
    // Drain every CPU's pending LPIs by acknowledging them: the set of INTIDs.
    std::set<uint32_t> AckAll(uint32_t cpu)
    {
        std::set<uint32_t> s;
        for (int i = 0; i < 10000; i++) {
            uint32_t v = Ack(cpu);
            if (v == GIC_SPURIOUS) break;
            s.insert(v);
        }
        return s;
    }
    // With a one-deep translation pipeline (translations in GITS_TRANSLATER
    // order, one at a time), device 1: event 0 -> LPI 8192 at CPU 1, events
    // 1..8 -> LPIs 8193.. at CPU 2. Nine MSIs are accepted at t0 (event 0
    // last), and time moves on 1 ns: the MSIs are still in the ITS.
    void NineMsisInTheQueue()
    {
        cfg.its_pipeline_depth = 1;
        FullBringUp();
        Exec({mapd(1, ITT + 0x1000, 3, true), mapti(1, 0, 8192, 1)});
        for (uint32_t e = 1; e <= 8; e++) Exec({mapti(1, e, 8192 + e, 2)});
        Exec({sync(rdbase(1))});
        ASSERT_EQ(counter("its0.cmd.errors"), 0u);
        out.clear();
        gic_time_t t0 = t;
        for (uint32_t e = 1; e <= 8; e++) ASSERT_EQ(gic_msi(g, t0, 0, 1, e), GIC_OK);
        ASSERT_EQ(gic_msi(g, t0, 0, 1, 0), GIC_OK);
        t = t0 + 1000;
        gic_run_until(g, t);
    }
    // 5 us later: the MSI outcomes of event 0 (GIC_OUT_MSI).
    std::vector<gic_output_t> OutcomesOfEvent0()
    {
        t += 5000000;
        gic_run_until(g, t);
        std::vector<gic_output_t> m;
        for (auto &o : outs(GIC_OUT_MSI))
            if (o.eventid == 0) m.push_back(o);
        return m;
    }
};

// ---- SYNC / DISCARD ordering with a translation already accepted ---------------------
// IHI0069 DISCARD: "translates the event ... instructs the appropriate
// Redistributor to remove the pending state of the interrupt"; SYNC: "ensures
// that all outstanding ITS operations associated with physical interrupts for
// the Redistributor specified by RDbase are globally observed before the
// command completes". An MSI accepted by GITS_TRANSLATER before the DISCARD
// was read from the queue is an outstanding ITS operation: once DISCARD and
// SYNC have completed, the LPI must not become pending afterwards.
TEST_F(ItsRules, DiscardAndSyncOrderAfterAnAcceptedTranslation)
{
    NineMsisInTheQueue();
    // DISCARD of event 0 and SYNC are released 1 ns after the MSIs.
    Queue(devev(DISCARD, 1, 0));
    Queue(sync(rdbase(1)));
    Release();
    Drain();
    auto cmds = outs(GIC_OUT_CMD);
    ASSERT_EQ(cmds.size(), 2u);
    gic_time_t sync_done = cmds[1].time;
    std::vector<gic_output_t> m = OutcomesOfEvent0();
    ASSERT_EQ(m.size(), 1u);
    // Either the MSI is dropped (translated after the DISCARD), or the LPI it
    // made pending is removed by the DISCARD: in both cases nothing is
    // pending at CPU 1 once the SYNC has completed.
    if (m[0].outcome != GIC_MSI_DROPPED) {
        EXPECT_LE(m[0].time, sync_done) << "the MSI's LPI became pending at " << m[0].time
                                        << " ps, after DISCARD and SYNC completed at " << sync_done << " ps";
    }
    EXPECT_EQ(Ack(1), GIC_SPURIOUS) << "LPI 8192 pending after DISCARD + SYNC";
    EXPECT_EQ(counter("its0.cmd.drain_waits"), 1u) << "the DISCARD waited for the nine translations";
}

// The same with MOVI (IHI0069 MOVI: the Redistributor of the old collection
// moves the pending state, if set, to the one of the new collection): an MSI
// accepted before the MOVI must not leave its LPI pending at the old
// Redistributor once MOVI and a SYNC of the old Redistributor have completed.
TEST_F(ItsRules, MoviAndSyncOrderAfterAnAcceptedTranslation)
{
    NineMsisInTheQueue();
    Queue(movi(1, 0, 3)); // collection 3 -> CPU 3
    Queue(sync(rdbase(1)));
    Queue(sync(rdbase(3)));
    Release();
    Drain();
    ASSERT_EQ(LastCmd().error, 0u);
    std::vector<gic_output_t> m = OutcomesOfEvent0();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(Ack(1), GIC_SPURIOUS) << "LPI 8192 left pending at the old redistributor (CPU 1) after MOVI + SYNC";
    EXPECT_EQ(Ack(3), 8192u) << "LPI 8192 not pending at the new redistributor (CPU 3)";
}

// ---- randomized cross-check against a reference ----------------------------------------
// The reference (from IHI0069's command descriptions; error codes as
// docs/its.md lists them, checks in the order of the model's table there):
// DTE per DeviceID, ITE per (DeviceID, EventID), CTE per ICID, and the set of
// pending LPIs per redistributor. Commands are executed one at a time (the
// queue drained between them), MSIs one at a time, so no ordering question
// arises; every command's error code and every MSI's outcome, CPU and INTID
// are compared, and at the end the pending LPIs of every CPU (acknowledged).
struct RefIts {
    unsigned devbits, idbits, cidbits, ncpu, lpibits;
    struct Dte { bool v = false; unsigned bits = 0; };
    struct Ite { uint32_t intid; uint32_t icid; };
    std::map<uint32_t, Dte> dte;
    std::map<std::pair<uint32_t, uint32_t>, Ite> ite;
    std::map<uint32_t, uint32_t> cte; // icid -> cpu (mapped)
    std::vector<std::set<uint32_t>> pend;

    static uint32_t err(unsigned op, unsigned type) { return 0x010000u | ((op == 0x04 ? 0x05u : op) << 8) | type; }
    bool lpi_ok(uint32_t i) const { return i >= 8192 && i < (1u << lpibits); }
    // DeviceID / DTE / EventID / ITE checks shared by the event commands: 0 or the error type
    unsigned event_checks(uint32_t dev, uint32_t ev, bool need_ite) const
    {
        if (dev >= (1u << devbits)) return 0x01;
        auto d = dte.find(dev);
        if (d == dte.end() || !d->second.v) return 0x04;
        if (ev >= (1u << d->second.bits)) return 0x05;
        if (need_ite && !ite.count({dev, ev})) return 0x07;
        return 0;
    }
    uint32_t mapd(uint32_t dev, unsigned size, bool v)
    {
        if (dev >= (1u << devbits)) return err(0x08, 0x01);
        if (v && size + 1 > idbits) return err(0x08, 0x02);
        dte[dev] = Dte{v, size + 1};
        if (v) // software gives the device a zeroed ITT (the test zeroes its memory)
            for (auto it = ite.begin(); it != ite.end();) it = it->first.first == dev ? ite.erase(it) : std::next(it);
        return 0;
    }
    uint32_t mapc(uint32_t icid, uint32_t cpu, bool v)
    {
        if (icid >= (1u << cidbits)) return err(0x09, 0x03);
        if (v && cpu >= ncpu) return err(0x09, 0x02);
        if (v) cte[icid] = cpu;
        else cte.erase(icid);
        return 0;
    }
    uint32_t mapti(unsigned op, uint32_t dev, uint32_t ev, uint32_t intid, uint32_t icid)
    {
        if (unsigned e = event_checks(dev, ev, false)) return err(op, e);
        if (!lpi_ok(intid)) return err(op, 0x06);
        if (icid >= (1u << cidbits)) return err(op, 0x03);
        ite[{dev, ev}] = Ite{intid, icid};
        return 0;
    }
    // INT 03, CLEAR 04, DISCARD 0f
    uint32_t event(unsigned op, uint32_t dev, uint32_t ev)
    {
        if (unsigned e = event_checks(dev, ev, true)) return err(op, e);
        Ite i = ite[{dev, ev}];
        auto c = cte.find(i.icid);
        if (c == cte.end()) {
            if (op == 0x0f) ite.erase({dev, ev}); // DISCARD with an unmapped collection (docs/its.md)
            return op == 0x0f ? 0 : err(op, 0x09);
        }
        if (op == 0x03) pend[c->second].insert(i.intid);
        else pend[c->second].erase(i.intid);
        if (op == 0x0f) ite.erase({dev, ev});
        return 0;
    }
    uint32_t movi(uint32_t dev, uint32_t ev, uint32_t icid)
    {
        if (unsigned e = event_checks(dev, ev, true)) return err(0x01, e);
        Ite &i = ite[{dev, ev}];
        auto from = cte.find(i.icid);
        if (from == cte.end()) return err(0x01, 0x09);
        if (icid >= (1u << cidbits)) return err(0x01, 0x03);
        auto to = cte.find(icid);
        if (to == cte.end()) return err(0x01, 0x09);
        if (from->second != to->second && pend[from->second].erase(i.intid)) pend[to->second].insert(i.intid);
        i.icid = icid;
        return 0;
    }
    // MSI: "" (pending) or the drop reason; cpu/intid of the LPI
    std::string msi(uint32_t dev, uint32_t ev, uint32_t *cpu, uint32_t *intid, bool *coalesced)
    {
        static const char *const why[] = {"", "device_oor", "", "", "unmapped_device", "eventid_oor", "", "unmapped_interrupt"};
        if (unsigned e = event_checks(dev, ev, true)) return why[e];
        Ite i = ite[{dev, ev}];
        auto c = cte.find(i.icid);
        if (c == cte.end()) return "unmapped_collection";
        *cpu = c->second;
        *intid = i.intid;
        *coalesced = !pend[c->second].insert(i.intid).second;
        return "";
    }
};

TEST_F(ItsRules, RandomCommandsAndMsisMatchTheReference)
{
    const unsigned seeds = getenv("GICTLM_ITS_RULES_SEEDS") ? (unsigned)atoi(getenv("GICTLM_ITS_RULES_SEEDS")) : 6;
    for (unsigned seed = 1; seed <= seeds; seed++) {
        SCOPED_TRACE("seed " + std::to_string(seed));
        destroy();
        cfg.num_cpus = 4;
        cfg.its_devbits = 3;     // DeviceIDs 0..7
        cfg.its_eventid_bits = 3; // EventIDs up to 8 per device
        cfg.its_cid_bits = 3;    // ICIDs 0..7 (CIL = 1)
        cfg.lpi_id_bits = 14;
        cfg.its_hcc = (seed & 1) ? 2 : 0; // ICIDs 0, 1 held in the ITS on odd seeds
        create();
        BringUpCpus();
        BringUpIts();
        RefIts ref{cfg.its_devbits, cfg.its_eventid_bits, cfg.its_cid_bits, cfg.num_cpus, cfg.lpi_id_bits, {}, {}, {}, {}};
        ref.pend.resize(cfg.num_cpus);
        std::mt19937 rng(seed);
        auto rnd = [&](uint32_t n) { return (uint32_t)(rng() % n); };
        // start from a populated state: collections 0..3 -> CPUs 0..3, devices
        // 0..3 with 4 events each
        for (uint32_t i = 0; i < 4; i++) {
            Exec({mapc(i, rdbase(i), true), mapd(i, ITT + i * 0x1000ull, 1, true)});
            ASSERT_EQ(ref.mapc(i, i, true) | ref.mapd(i, 1, true), 0u);
            for (uint32_t e = 0; e < 4; e++) {
                Exec({mapti(i, e, 8192 + 4 * i + e, (i + e) % 4)});
                ASSERT_EQ(ref.mapti(0x0a, i, e, 8192 + 4 * i + e, (i + e) % 4), 0u);
            }
        }
        ASSERT_EQ(counter("its0.cmd.errors"), 0u);
        for (int step = 0; step < 400; step++) {
            // mostly valid operands, sometimes out of range
            uint32_t dev = rnd(20) ? rnd(4) : 4 + rnd(5), ev = rnd(20) ? rnd(4) : rnd(10);
            uint32_t icid = rnd(20) ? rnd(4) : rnd(9), cpu = rnd(20) ? rnd(4) : 4;
            uint32_t intid = rnd(20) ? 8192 + rnd(10) : (rnd(2) ? 8191 : 1u << 14);
            unsigned k = rnd(100);
            std::string what;
            uint32_t want = 0;
            Cmd c;
            if (k < 10) {
                unsigned size = rnd(10) ? 1 + rnd(2) : rnd(4);
                bool v = rnd(6) != 0;
                c = mapd(dev, ITT + dev * 0x1000ull, size, v);
                want = ref.mapd(dev, size, v);
                if (v && !want) { // a zeroed ITT for the (re)mapped device
                    std::vector<uint8_t> z(0x1000, 0);
                    ASSERT_EQ(gic_mem_write(g, ITT + dev * 0x1000ull, z.data(), z.size()), GIC_OK);
                }
                what = "MAPD";
            } else if (k < 18) {
                bool v = rnd(8) != 0;
                c = mapc(icid, rdbase(cpu < 4 ? cpu : 4), v);
                want = ref.mapc(icid, cpu, v);
                what = "MAPC";
            } else if (k < 35) {
                bool mapi_ = rnd(4) == 0;
                if (mapi_) intid = ev + 8192 - 2 * rnd(2) * 8192; // sometimes below 8192
                c = mapi_ ? mapi(dev, ev, icid) : mapti(dev, ev, intid, icid);
                if (mapi_) c.d[1] = ev; // MAPI: pINTID = EventID (always < 8192 here)
                want = ref.mapti(mapi_ ? 0x0b : 0x0a, dev, ev, mapi_ ? ev : intid, icid);
                what = mapi_ ? "MAPI" : "MAPTI";
            } else if (k < 45) {
                c = movi(dev, ev, icid);
                want = ref.movi(dev, ev, icid);
                what = "MOVI";
            } else if (k < 60) {
                static const uint8_t ops[] = {INT, CLEAR, DISCARD};
                uint8_t op = ops[rnd(3)];
                c = devev(op, dev, ev);
                want = ref.event(op, dev, ev);
                what = op == INT ? "INT" : op == CLEAR ? "CLEAR" : "DISCARD";
            } else {
                uint32_t rcpu = 0, rintid = 0;
                bool coal = false;
                std::string why = ref.msi(dev, ev, &rcpu, &rintid, &coal);
                out.clear();
                Msi(dev, ev);
                auto m = outs(GIC_OUT_MSI);
                ASSERT_EQ(m.size(), 1u) << "step " << step;
                if (why.empty()) {
                    EXPECT_EQ(m[0].outcome, (uint32_t)(coal ? GIC_MSI_COALESCED : GIC_MSI_DELIVERED))
                        << "step " << step << " MSI " << dev << "/" << ev << (m[0].reason ? m[0].reason : "");
                    EXPECT_EQ(m[0].cpu, rcpu) << "step " << step;
                    EXPECT_EQ(m[0].intid, rintid) << "step " << step;
                } else {
                    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DROPPED) << "step " << step << " " << why;
                    EXPECT_STREQ(m[0].reason ? m[0].reason : "", why.c_str()) << "step " << step;
                }
                continue;
            }
            out.clear();
            Exec({c});
            auto cmds = outs(GIC_OUT_CMD);
            ASSERT_EQ(cmds.size(), 1u) << "step " << step << " " << what;
            EXPECT_EQ(cmds[0].error, want) << "step " << step << " " << what << " dev " << dev << " ev " << ev
                                           << " icid " << icid << " cpu " << cpu << " intid " << intid << std::hex
                                           << " got 0x" << cmds[0].error << " want 0x" << want;
            if (HasFailure()) return;
        }
        Exec({sync(rdbase(0)), sync(rdbase(1)), sync(rdbase(2)), sync(rdbase(3))});
        for (uint32_t p = 0; p < cfg.num_cpus; p++) EXPECT_EQ(AckAll(p), ref.pend[p]) << "pending LPIs of CPU " << p;
        ExpectConservation();
        if (getenv("PROBE"))
            printf("seed %u: cmd errors %llu, msi delivered %llu coalesced %llu dropped %llu, pending %zu %zu %zu %zu\n", seed,
                   (unsigned long long)counter("its0.cmd.errors"), (unsigned long long)counter("msi.delivered"),
                   (unsigned long long)counter("msi.coalesced"), (unsigned long long)counter("msi.dropped"),
                   ref.pend[0].size(), ref.pend[1].size(), ref.pend[2].size(), ref.pend[3].size());
        if (HasFailure()) return;
    }
}

} // namespace
