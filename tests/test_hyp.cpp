// The hypervisor platform (gictlm-platform --hyp, platforms/hyp_*): runs the
// platform binary (SystemC elaborates once per process) and checks its JSON
// report: conservation of virtual MSIs in every injection mode, determinism,
// a vCPU that is not scheduled gets nothing until it is and then everything,
// migrations with VMOVP lose and duplicate nothing, and the software path
// re-injects a level-triggered line while it stays high.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

using nlohmann::json;

namespace {

std::string platform_exe() { return std::string(GICTLM_BINARY_DIR) + "/platforms/gictlm-platform"; }

// The report's access_log (hyp.log_accesses) cut into world-switch steps:
// each step ("load", "put", "put blocking", "enter", "exit", "guest irq",
// "doorbell", ...)
// with the accesses that follow it up to the next step.
struct step_log {
    std::string step;
    std::vector<std::string> acc;
};
std::vector<step_log> steps_of(const json &r)
{
    std::vector<step_log> out;
    for (const json &e : r["access_log"]) {
        const std::string s = e.get<std::string>();
        if (s.rfind("R ", 0) == 0 || s.rfind("W ", 0) == 0) {
            if (!out.empty()) out.back().acc.push_back(s);
        } else {
            out.push_back({s, {}});
        }
    }
    return out;
}
size_t index_of(const std::vector<std::string> &v, const std::string &s)
{
    for (size_t i = 0; i < v.size(); i++)
        if (v[i] == s) return i;
    return v.size();
}
// Whether acc begins with the accesses first, in this order (the first
// difference is named).
::testing::AssertionResult begins_with(const std::vector<std::string> &acc, std::initializer_list<const char *> first)
{
    size_t i = 0;
    for (const char *a : first) {
        if (i >= acc.size())
            return ::testing::AssertionFailure() << "only " << acc.size() << " accesses, " << first.size() << " expected first";
        if (acc[i] != a) return ::testing::AssertionFailure() << "access " << i << " is " << acc[i] << ", not " << a;
        i++;
    }
    return ::testing::AssertionSuccess();
}
// The step after st[i], past the host's doorbell handlers ("doorbell" steps:
// taken as host interrupts in the middle of a WFI, a poll or a load).
size_t next_step(const std::vector<step_log> &st, size_t i)
{
    size_t n = i + 1;
    while (n < st.size() && st[n].step == "doorbell") n++;
    return n;
}
size_t count_prefix(const std::vector<std::string> &v, const std::string &p)
{
    size_t n = 0;
    for (const std::string &s : v) n += s.rfind(p, 0) == 0;
    return n;
}

struct Hyp : ::testing::Test {
    std::string dir;
    void SetUp() override
    {
        if (access(platform_exe().c_str(), X_OK) != 0) GTEST_SKIP() << "no gictlm-platform (built without SystemC)";
        char tmpl[] = "/tmp/gictlm-test-hyp-XXXXXX";
        ASSERT_NE(mkdtemp(tmpl), nullptr);
        dir = tmpl;
    }
    void TearDown() override
    {
        if (!dir.empty()) std::system(("rm -rf '" + dir + "'").c_str());
    }
    std::string log_text; // the last run's output
    // Runs gictlm-platform with args; returns the exit status, the JSON in j
    // (a failure when a JSON is expected and missing).
    int run(const std::string &args, json &j, const std::string &name = "r", bool want_json = true)
    {
        const std::string out = dir + "/" + name + ".json", log = dir + "/" + name + ".log";
        // (sanitizer builds: SystemC's coroutine stacks upset LeakSanitizer, as
        // for the SystemC tests; error checking stays on)
        const std::string cmd = "SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ASAN_OPTIONS=\"$ASAN_OPTIONS:detect_leaks=0\" '" +
                                platform_exe() + "' " + args +
                                " --no-host-time --json '" + out + "' > '" + log + "' 2>&1";
        int st = std::system(cmd.c_str());
        int rc = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
        std::ifstream in(out);
        std::stringstream ss;
        ss << in.rdbuf();
        j = json::parse(ss.str(), nullptr, false);
        std::ifstream l(log);
        std::stringstream ls;
        ls << l.rdbuf();
        log_text = ls.str();
        if (want_json && j.is_discarded()) ADD_FAILURE() << "no JSON from: " << cmd << "\n" << log_text;
        return rc;
    }
    // The arguments of a --hyp run in mode for sim_us simulated us that logs
    // CPU 0's first log_n GIC accesses and world-switch steps (access_log).
    static std::string logged(const std::string &mode, unsigned sim_us, unsigned log_n)
    {
        return "--hyp -p hyp.mode=" + mode + " -p platform.sim_time_us=" + std::to_string(sim_us) +
               " -p hyp.log_accesses=" + std::to_string(log_n);
    }
    static void expect_conserved(const json &r, const std::string &what)
    {
        const json &m = r["msi"];
        EXPECT_TRUE(m.value("conservation_ok", false)) << what << ": " << m.value("conservation_detail", "");
        EXPECT_GT(m.value("sent", 0), 100) << what;
        EXPECT_EQ(m.value("sent", 0), m.value("delivered", 0) + m.value("coalesced", 0) + m.value("dropped", 0)) << what;
        EXPECT_EQ(m.value("in_flight", 1), 0) << what;
        EXPECT_EQ(m.value("duplicates", 1), 0) << what;
        EXPECT_EQ(m.value("unmatched", 1), 0) << what;
        EXPECT_EQ(r["errors"].value("gic_total", 1), 0) << what;
        EXPECT_EQ(r["errors"].value("mmio", 1), 0) << what;
        // guest IPIs: every one acknowledged by its target, coalesced or (never) dropped
        const json &ip = r["ipi"];
        EXPECT_EQ(ip.value("in_flight", 1), 0) << what;
        EXPECT_EQ(ip.value("duplicates", 1), 0) << what;
        EXPECT_EQ(ip.value("sent", 0), ip.value("delivered", 0) + ip.value("coalesced", 0) + ip.value("dropped", 0))
            << what;
        EXPECT_EQ(ip.value("traps_seen", 0), ip.value("sent", 1)) << what << ": every IPI trapped (GIC_OUT_TRAP)";
        // every vCPU got every MSI sent to it
        for (const json &v : r["vcpus"])
            EXPECT_EQ(v.value("msis_served", 0), v.value("msis_targeted", 1)) << what << " vcpu " << v["vcpu"];
    }
};

TEST_F(Hyp, ConservationInEveryMode)
{
    const char *scenarios[] = {
        "-p platform.sim_time_us=3000",                                                     // idle guests (WFI)
        // busy guests, bursts: coalescing, list register overflow
        ("-p platform.sim_time_us=3000 -p hyp.guest_wfi=0 -p platform.arrival=bursty "
         "-p platform.msi_interval_ns=2000 -p platform.drain_time_us=20000"),
        "-p platform.sim_time_us=3000 -p hyp.sched=rr -p platform.eventid_dist=zipf",       // migrations
    };
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        int n = 0;
        for (const char *sc : scenarios) {
            json r;
            std::string what = std::string(mode) + " scenario " + std::to_string(n++);
            ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + " " + sc, r), 0) << what;
            EXPECT_EQ(r.value("mode", ""), mode);
            expect_conserved(r, what);
            EXPECT_GT(r["msi"].value("delivered", 0), 0) << what;
        }
    }
}

// Races between the host's injections, wake-ups and doorbells and a vCPU
// that is being put or entered (found this way): many short runs.
TEST_F(Hyp, ConservationOverSeeds)
{
    for (int seed = 1; seed <= 4; seed++)
        for (const char *mode : {"sw", "v4.0", "v4.1"})
            for (const char *guest : {"-p hyp.guest_wfi=1", "-p hyp.guest_wfi=0 -p hyp.sched=random -p hyp.slice_us=300"}) {
                json r;
                std::string what = std::string(mode) + " seed " + std::to_string(seed) + " " + guest;
                ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + " -p platform.seed=" + std::to_string(seed) +
                                  " -p platform.sim_time_us=1500 -p platform.drain_time_us=20000 "
                                  "-p platform.arrival=bursty -p platform.msi_interval_ns=4000 " + guest,
                              r),
                          0)
                    << what << "\n" << log_text;
                expect_conserved(r, what);
            }
}

// A wait's timer leaves no step behind on the wrapper's agenda when the wait
// ends early (an interrupt before the slice's or the halt poll's end): with
// one step per timer, the default workload kept about 150 stale steps, which
// every agenda operation paid for. The agenda now holds a few steps per CPU
// and device (4 + 4 here) in every mode, with short slices and migrations too.
TEST_F(Hyp, TimersLeaveNoStepsBehindOnTheAgenda)
{
    for (const char *mode : {"sw", "v4.0", "v4.1"})
        for (const char *sc : {"", "-p hyp.sched=random -p hyp.migrate_rate=0.3 -p hyp.slice_us=300"}) {
            json r;
            const std::string what = std::string(mode) + " " + sc;
            ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + " -p platform.sim_time_us=5000 " + sc, r), 0)
                << what;
            expect_conserved(r, what);
            const uint64_t peak = r["wrapper"].value("agenda_peak", uint64_t{0});
            EXPECT_GT(peak, 0u) << what;
            EXPECT_LE(peak, 4u * (4 + 4)) << what;
        }
}

TEST_F(Hyp, CompareModesRunsEveryModeOnTheSameWorkload)
{
    json c;
    ASSERT_EQ(run("--compare-modes -p platform.sim_time_us=2000", c), 0);
    EXPECT_EQ(c.value("schema", ""), "gictlm-hyp-compare");
    ASSERT_EQ(c["modes"].size(), 3u);
    const json &sw = c["runs"]["sw"], &v4 = c["runs"]["v4.0"], &v41 = c["runs"]["v4.1"];
    expect_conserved(sw, "sw");
    expect_conserved(v4, "v4.0");
    expect_conserved(v41, "v4.1");
    // same devices, same seed, same start: the same MSIs
    EXPECT_EQ(sw["msi"]["sent"], v4["msi"]["sent"]);
    EXPECT_EQ(sw["msi"]["sent"], v41["msi"]["sent"]);
    // v4.1: default doorbells only for blocked vCPUs (none while runnable),
    // guest IPIs without kicks or ap_list; v4.0: the doorbell is masked
    // while the vCPU runs (KVM), so only a vCPU woken by a software
    // injection (a guest IPI) and not loaded yet can take one while runnable
    EXPECT_GT(v41["doorbells"].value("handled", 0), 0);
    EXPECT_EQ(v41["doorbells"].value("while_runnable", 1), 0);
    EXPECT_LT(v4["doorbells"].value("while_runnable", 0) * 10, v4["doorbells"].value("handled", 0));
    EXPECT_GT(v41["ipi"].value("sent", 0), 0);
    EXPECT_EQ(v41["host_irqs"].value("kicks", 1), 0);
    EXPECT_GT(sw["host_irqs"].value("kicks", 0), 0);
    EXPECT_EQ(v41["config"]["gic"].value("gicv4_1", 0), 1);
    EXPECT_EQ(v4["config"]["gic"].value("gicv4_1", 1), 0);
    // the paths differ where they must: the software path translates in
    // the vITS and has no doorbells; GICv4 has doorbells and no vITS work
    EXPECT_GT(sw["host_cpu"]["by_category"]["vits"].value("ps", 0), 0);
    EXPECT_EQ(sw["doorbells"].value("handled", 1), 0);
    EXPECT_EQ(v4["host_cpu"]["by_category"]["vits"].value("ps", 1), 0);
    EXPECT_GT(v4["doorbells"].value("handled", 0), 0);
    EXPECT_GT(v4["residency"].value("vlpi_direct", 0) + v4["residency"].value("vlpi_recorded", 0), 0);
    EXPECT_TRUE(c["side_by_side"].contains("host interrupt work ns/MSI"));
}

TEST_F(Hyp, SameSeedSameReport)
{
    json a, b;
    ASSERT_EQ(run("--compare-modes -p platform.sim_time_us=2000 -p hyp.sched=random -p hyp.guest_wfi=0 "
                  "-p platform.drain_time_us=20000",
                  a, "a"),
              0);
    ASSERT_EQ(run("--compare-modes -p platform.sim_time_us=2000 -p hyp.sched=random -p hyp.guest_wfi=0 "
                  "-p platform.drain_time_us=20000",
                  b, "b"),
              0);
    EXPECT_EQ(a.dump(), b.dump());
    json c;
    ASSERT_EQ(run("--compare-modes -p platform.sim_time_us=2000 -p hyp.sched=random -p hyp.guest_wfi=0 "
                  "-p platform.drain_time_us=20000 -p platform.seed=2",
                  c, "c"),
              0);
    EXPECT_NE(a["runs"]["v4.0"]["latency"].dump(), c["runs"]["v4.0"]["latency"].dump()) << "the seed matters";
}

TEST_F(Hyp, UnscheduledVcpuGetsNothingUntilScheduledThenEverything)
{
    const uint64_t hold_ps = 3000ull * 1000 * 1000;
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode +
                          " -p platform.sim_time_us=5000 -p hyp.hold_vcpu=5 -p hyp.hold_until_us=3000",
                      r),
                  0)
            << mode;
        expect_conserved(r, mode);
        const json &v = r["vcpus"][5];
        EXPECT_GT(v.value("msis_targeted", 0), 0) << mode;
        EXPECT_LT(v.value("first_send_ps", hold_ps), hold_ps) << mode << ": MSIs were sent to it while held";
        EXPECT_GE(v.value("first_ack_ps", 0), hold_ps) << mode << ": nothing before it runs";
        EXPECT_EQ(v.value("msis_served", 0), v.value("msis_targeted", 1)) << mode << ": then everything";
        // the others were served all along
        EXPECT_LT(r["vcpus"][4].value("first_ack_ps", hold_ps), hold_ps) << mode;
    }
}

// GICv4.1 ITSs are 256 KiB apart (ITS_SGI_base): with two of them (and the
// redistributors moved above their frames) devices on both ITSs, VMOVP to
// both and GITS_SGIR of the first still conserve every MSI.
TEST_F(Hyp, V41WithTwoItss)
{
    json r;
    ASSERT_EQ(run("--hyp -p hyp.mode=v4.1 -p gic.its.count=2 -p gic.map.gicr_base=0x08100000 -p hyp.sched=rr "
                  "-p hyp.slice_us=300 -p platform.sim_time_us=3000 -p platform.drain_time_us=20000",
                  r),
              0)
        << log_text;
    expect_conserved(r, "v4.1 with two ITSs");
    EXPECT_GT(r["msi"].value("delivered", 0), 0);
    EXPECT_EQ(r["vmovp"].value("its_cmd_errors", 1), 0);
}

TEST_F(Hyp, MigrationsWithVmovpNeitherLoseNorDuplicate)
{
    for (const char *sched : {"random -p hyp.migrate_rate=0.7", "rr", "random -p hyp.mode=v4.1"}) {
        json r;
        ASSERT_EQ(run(std::string("--hyp -p hyp.mode=v4.0 -p hyp.sched=") + sched +
                          " -p hyp.slice_us=200 -p hyp.guest_wfi=0 -p platform.sim_time_us=4000"
                          " -p platform.drain_time_us=20000 -p platform.arrival=bursty",
                      r),
                  0)
            << sched;
        expect_conserved(r, sched);
        EXPECT_GT(r["world_switches"].value("migrations", 0), 5) << sched;
        EXPECT_GT(r["vmovp"].value("count", 0), 5) << sched;
        EXPECT_EQ(r["vmovp"].value("vsync", 0), r["vmovp"].value("count", 1)) << sched;
        EXPECT_EQ(r["vmovp"].value("its_cmd_errors", 1), 0) << sched;
        EXPECT_GT(r["vmovp"]["latency"].value("p50_ps", 0), 0) << sched;
    }
}

TEST_F(Hyp, SoftwareLevelLineIsReinjectedWhileHigh)
{
    json hi, lo;
    // the line stays high for 50 us: handled, resampled, pending again, re-injected
    ASSERT_EQ(run("--hyp -p hyp.mode=sw -p hyp.level_devices=2 -p hyp.level_high_us=50 -p hyp.level_period_us=200 "
                  "-p platform.devices=0 -p platform.sim_time_us=2000",
                  hi, "hi"),
              0);
    const json &l = hi["level"];
    EXPECT_GT(l.value("assertions", 0), 10);
    EXPECT_GT(l.value("injections", 0), 3 * l.value("assertions", 0)) << "re-injected while the line stays high";
    EXPECT_EQ(l.value("guest_acks", 0), l.value("injections", 1));
    EXPECT_EQ(l.value("resamples", 0), l.value("injections", 1));
    // a short pulse is handled once: no re-injection after the line fell
    ASSERT_EQ(run("--hyp -p hyp.mode=sw -p hyp.level_devices=2 -p hyp.level_high_us=1 -p hyp.level_period_us=200 "
                  "-p platform.devices=0 -p platform.sim_time_us=2000",
                  lo, "lo"),
              0);
    EXPECT_EQ(lo["level"].value("injections", 0), lo["level"].value("assertions", 1));
    EXPECT_EQ(lo["level"].value("guest_acks", 0), lo["level"].value("assertions", 1));
}

TEST_F(Hyp, BusyGuestsOneVcpuPerCpuGetEveryMsiDirectly)
{
    // The benchmark's like-for-like configuration (bench_platform_virt,
    // *_busy): one vCPU per CPU that never waits and sends no IPIs. Every MSI
    // must find its vCPU resident; with GICv4 it is injected directly (no
    // doorbell, no host interrupt, no world switch after the first loads),
    // while sw goes through the host for each one.
    const std::string busy = " -p hyp.vms=2 -p hyp.vcpus=2 -p hyp.guest_wfi=0 -p hyp.guest_ipi_rate=0";
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + busy, r), 0) << mode << "\n" << log_text;
        expect_conserved(r, mode);
        const json &lat = r["latency"];
        EXPECT_EQ(lat["msi_to_iar_non_resident"].value("count", 1), 0) << mode;
        EXPECT_EQ(lat["msi_to_iar_resident"].value("count", 0), r["msi"].value("sent", 1)) << mode;
        EXPECT_EQ(r["world_switches"].value("loads", 0), 4) << mode << ": each vCPU loaded once";
        EXPECT_EQ(r["world_switches"].value("puts", 1), 0) << mode;
        if (std::string(mode) == "sw") {
            EXPECT_GE(r["host_irqs"].value("handled", 0), r["msi"].value("sent", 1)) << mode;
        } else {
            EXPECT_EQ(r["host_irqs"].value("handled", 1), 0) << mode;
            EXPECT_EQ(r["doorbells"].value("gic_rung", 1), 0) << mode;
        }
    }
}

TEST_F(Hyp, HostHonoursEoiModeAsThePhysicalPlatform)
{
    // platform.eoi_mode = 1 (Linux at EL2): ICC_EOIR1_EL1 before the
    // handler, ICC_DIR_EL1 after it for SGIs and SPIs. A DIR of an inactive
    // interrupt, or one under EOImode 0, would be a GIC error
    // (errors.deactivate_not_active, errors.dir_eoimode0: expect_conserved
    // wants none). EOImode 0 (the default) writes no DIR.
    for (const char *mode : {"sw", "v4.0"}) {
        for (int eoi : {0, 1}) {
            json r;
            const std::string what = std::string(mode) + " eoi_mode=" + std::to_string(eoi);
            ASSERT_EQ(run(logged(mode, 10000, 4000) + " -p platform.eoi_mode=" + std::to_string(eoi) +
                              " -p hyp.level_devices=1",
                          r),
                      0)
                << what << "\n" << log_text;
            expect_conserved(r, what);
            size_t dirs = 0;
            for (const json &e : r["access_log"]) dirs += e.get<std::string>() == "W ICC_DIR_EL1";
            if (eoi)
                EXPECT_GT(dirs, 0u) << what;
            else
                EXPECT_EQ(dirs, 0u) << what;
        }
    }
}

TEST_F(Hyp, HostTakesOneInterruptPerExceptionAsMainlineLinux)
{
    // Mainline Linux reads ICC_IAR1_EL1 once per IRQ exception
    // (__gic_handle_irq_from_irqson); a second pending interrupt is a second
    // exception. So the host never reads a spurious 1023 here: every
    // exception is taken on a raised IRQ line. platform.irq_loop = 1 (Linux
    // 4.x, acknowledge until 1023) ends each exception with one, and costs
    // a host IRQ's time more for it.
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json one, loop;
        const std::string args = std::string("--hyp -p platform.sim_time_us=10000 -p hyp.mode=") + mode;
        ASSERT_EQ(run(args, one, "one"), 0) << mode << "\n" << log_text;
        ASSERT_EQ(run(args + " -p platform.irq_loop=1", loop, "loop"), 0) << mode << "\n" << log_text;
        expect_conserved(one, mode);
        expect_conserved(loop, mode);
        EXPECT_GT(one["host_irqs"].value("handled", 0), 100) << mode;
        EXPECT_EQ(one["host_irqs"].value("spurious", 1), 0) << mode;
        EXPECT_GT(loop["host_irqs"].value("spurious", 0), 100) << mode;
        EXPECT_LT(one["host_cpu"]["by_category"]["host_irq"].value("per_msi_ns", 1e9),
                  loop["host_cpu"]["by_category"]["host_irq"].value("per_msi_ns", 0.0))
            << mode;
    }
}

// Guest entry and exit as KVM makes them: __vgic_v3_restore_state writes
// ICH_HCR_EL2 and then ICH_LR0..used_lrs-1 (vgic_flush_lr_state packs them
// from LR0); at the exit __vgic_v3_save_state reads ICH_ELRSR_EL2, reads
// only the list registers that are not empty, clears every used one and
// writes ICH_HCR_EL2 = 0 last.
TEST_F(Hyp, EntryAndExitTouchListRegistersAsKvm)
{
    for (const char *mode : {"sw", "v4.0"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 1500, 20000) + " -p hyp.level_devices=1", r), 0) << log_text;
        const std::vector<step_log> st = steps_of(r);
        ASSERT_GT(st.size(), 50u) << mode;
        size_t used = 0, exits_with_lrs = 0, lr_reads = 0, lr_clears = 0;
        for (size_t si = 0; si < st.size(); si++) {
            const step_log &s = st[si];
            if (s.step == "entry aborted") {
                // kvm_vcpu_exit_request: the vgic synced, then flushed again
                const size_t end = index_of(s.acc, "W ICH_HCR_EL2");
                ASSERT_LT(end, s.acc.size()) << mode;
                EXPECT_EQ(count_prefix(std::vector<std::string>(s.acc.begin(), s.acc.begin() + (long)end), "W ICH_LR"),
                          used)
                    << mode;
                used = 0;
                for (size_t k = end + 1; k < s.acc.size(); k++) used += s.acc[k].rfind("W ICH_LR", 0) == 0;
                continue;
            }
            if (s.step == "enter") {
                ASSERT_FALSE(s.acc.empty()) << mode;
                EXPECT_EQ(s.acc.front(), "W ICH_HCR_EL2") << mode << ": ICH_HCR_EL2 before the list registers";
                if (si + 1 < st.size() && st[si + 1].step != "entry aborted") {
                    EXPECT_EQ(s.acc.back(), "W HCR_EL2") << mode;
                }
                used = count_prefix(s.acc, "W ICH_LR");
                for (size_t i = 0; i < used; i++)
                    EXPECT_EQ(s.acc[1 + i], "W ICH_LR" + std::to_string(i) + "_EL2") << mode << ": packed from LR0";
            } else if (s.step == "exit") {
                ASSERT_FALSE(s.acc.empty()) << mode;
                EXPECT_EQ(s.acc.front(), "W HCR_EL2") << mode;
                // the save ends with ICH_HCR_EL2 = 0 (the host's own accesses follow)
                const size_t end = index_of(s.acc, "W ICH_HCR_EL2");
                ASSERT_LT(end, s.acc.size()) << mode;
                const std::vector<std::string> save(s.acc.begin(), s.acc.begin() + (long)end);
                EXPECT_EQ(count_prefix(save, "R ICH_ELRSR_EL2"), used ? 1u : 0u) << mode;
                if (used) {
                    EXPECT_EQ(save[1], "R ICH_ELRSR_EL2") << mode << ": ELRSR before the list registers";
                }
                EXPECT_EQ(count_prefix(save, "W ICH_LR"), used) << mode << ": every used list register cleared";
                EXPECT_LE(count_prefix(save, "R ICH_LR"), used) << mode;
                EXPECT_EQ(count_prefix(s.acc, "W ICH_LR") + count_prefix(s.acc, "R ICH_"), count_prefix(save, "W ICH_LR") + count_prefix(save, "R ICH_"))
                    << mode << ": nothing of the save after ICH_HCR_EL2 = 0";
                exits_with_lrs += used != 0;
                lr_reads += count_prefix(save, "R ICH_LR");
                lr_clears += count_prefix(save, "W ICH_LR");
                used = 0;
            }
        }
        EXPECT_GT(exits_with_lrs, 10u) << mode;
        // the guest has taken and EOId most of them by the exit: not read
        EXPECT_LT(lr_reads, lr_clears) << mode;
    }
}

// vCPU load and put as KVM makes them (vgic_v3_load / vgic_v3_put): the load
// restores ICH_VMCR_EL2, then the active priority registers (as many as
// ICH_VTR_EL2.PREbits gives: AP0Rn then AP1Rn), GICv4: ICH_HCR_EL2.En
// (__vgic_v3_activate_traps), and only then makes the vPE resident
// (vgic_v4_load); the put saves the APRs, then ICH_VMCR_EL2, then makes the
// vPE non-resident (vgic_v4_put), GICv4: ICH_HCR_EL2 = 0 last.
TEST_F(Hyp, LoadAndPutFollowKvm)
{
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 1000, 5000) + " -p hyp.sched=rr -p hyp.slice_us=100 -p hyp.guest_wfi=0", r), 0) << log_text;
        const bool direct = std::string(mode) != "sw";
        size_t loads = 0, puts = 0, moves = 0;
        for (const step_log &s : steps_of(r)) {
            if (s.step == "load") {
                loads++;
                moves += index_of(s.acc, "W GITS_CWRITER") < s.acc.size();
                ASSERT_TRUE(begins_with(s.acc, {"W ICH_VMCR_EL2", "R ICH_VTR_EL2", "W ICH_AP0R0_EL2", "W ICH_AP1R0_EL2"}))
                    << mode;
                const size_t hcr = index_of(s.acc, "W ICH_HCR_EL2");
                if (direct) {
                    EXPECT_EQ(hcr, 4u) << mode;
                    EXPECT_LT(hcr, index_of(s.acc, "W GICR_VPENDBASER")) << mode << ": vPE resident last";
                    if (index_of(s.acc, "W GITS_CWRITER") < s.acc.size()) {
                        EXPECT_LT(hcr, index_of(s.acc, "W GITS_CWRITER")) << mode << ": VMOVP after vgic_v3_load";
                    }
                } else {
                    EXPECT_EQ(hcr, s.acc.size()) << mode;
                }
            } else if (s.step == "put" || s.step == "put blocking") {
                puts++;
                ASSERT_TRUE(begins_with(s.acc, {"R ICH_VTR_EL2", "R ICH_AP0R0_EL2", "R ICH_AP1R0_EL2", "R ICH_VMCR_EL2"}))
                    << mode;
                const size_t hcr = index_of(s.acc, "W ICH_HCR_EL2");
                if (direct) {
                    ASSERT_LT(hcr, s.acc.size()) << mode;
                    EXPECT_GT(hcr, index_of(s.acc, "W GICR_VPENDBASER")) << mode << ": ICH_HCR_EL2 = 0 after vgic_v4_put";
                } else {
                    EXPECT_EQ(hcr, s.acc.size()) << mode;
                }
            }
        }
        EXPECT_GT(loads, 10u) << mode;
        EXPECT_GT(puts, 10u) << mode;
        if (direct) {
            EXPECT_GT(moves, 0u) << mode << ": loads with a VMOVP";
        }
    }
}

// GICv4.0: once the vPE is resident, vgic_v4_load drops a doorbell that may
// still be pending (GICR_CLRLPIR, then GICR_SYNCR polled); GICv4.1 does not.
TEST_F(Hyp, Gicv40LoadClearsThePendingDoorbell)
{
    for (const char *mode : {"v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 1000, 5000), r), 0) << log_text;
        const bool v40 = std::string(mode) == "v4.0";
        size_t loads = 0;
        for (const step_log &s : steps_of(r)) {
            if (s.step != "load") continue;
            loads++;
            const size_t clr = index_of(s.acc, "W GICR_CLRLPIR");
            if (!v40) {
                EXPECT_EQ(clr, s.acc.size()) << mode;
                continue;
            }
            ASSERT_LT(clr, s.acc.size()) << mode;
            EXPECT_GT(clr, index_of(s.acc, "W GICR_VPENDBASER")) << mode << ": after the schedule";
            ASSERT_LT(clr + 1, s.acc.size()) << mode;
            EXPECT_EQ(s.acc[clr + 1], "R GICR_SYNCR") << mode;
        }
        EXPECT_GT(loads, 10u) << mode;
    }
}

// GICv4.0 doorbells as Linux handles them (the vPE's doorbell IRQ has
// IRQ_NOAUTOEN and IRQ_DISABLE_UNLAZY, vgic_v4_init): masked from the start,
// unmasked only when the vPE is made non-resident with a doorbell wanted
// (its_make_vpe_non_resident: the WFI put, before its GICR_VPENDBASER
// write), masked again when it is made resident (its_make_vpe_resident,
// before GICR_VPROPBASER) or by the doorbell handler
// (vgic_v4_doorbell_handler). Each change is its_vpe_mask_irq /
// its_vpe_unmask_irq: the property byte, then GICR_INVLPIR and GICR_SYNCR
// read until 0. So no doorbell rings for a vCPU that runs or is only
// preempted. GICv4.1 has the hardware's DB bit instead and never masks.
TEST_F(Hyp, Gicv40MasksTheDoorbellAsLinux)
{
    // the property write, GICR_INVLPIR and a GICR_SYNCR poll from i on
    auto inv_seq = [](const std::vector<std::string> &a, size_t i, const char *prop) {
        return i + 2 < a.size() && a[i] == prop && a[i + 1] == "W GICR_INVLPIR" && a[i + 2] == "R GICR_SYNCR";
    };
    for (const char *mode : {"v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 2000, 20000), r), 0) << log_text;
        const bool v40 = std::string(mode) == "v4.0";
        size_t wfi_puts = 0, masking_loads = 0, masking_doorbells = 0, doorbells = 0;
        bool unmasked = false; // as CPU 0 saw its own vCPUs' doorbells
        for (const step_log &s : steps_of(r)) {
            const size_t en = index_of(s.acc, "W LPI_PROP doorbell enabled");
            const size_t dis = index_of(s.acc, "W LPI_PROP doorbell disabled");
            const size_t vpend = index_of(s.acc, "W GICR_VPENDBASER");
            if (!v40) {
                EXPECT_EQ(count_prefix(s.acc, "W LPI_PROP") + count_prefix(s.acc, "W GICR_INVLPIR"), 0u) << mode;
                doorbells += s.step == "doorbell";
                continue;
            }
            if (s.step == "wfi put" && vpend < s.acc.size()) {
                wfi_puts++;
                ASSERT_LT(en, s.acc.size()) << "a WFI put unmasks the doorbell";
                EXPECT_TRUE(inv_seq(s.acc, en, "W LPI_PROP doorbell enabled"));
                EXPECT_LT(en, index_of(s.acc, "R GICR_VPENDBASER")) << "before the deschedule";
                EXPECT_LT(en, vpend);
                EXPECT_EQ(dis, s.acc.size());
                unmasked = true;
            } else if (s.step == "put" || s.step == "put blocking") {
                EXPECT_EQ(count_prefix(s.acc, "W LPI_PROP"), 0u) << s.step << ": no doorbell wanted";
            } else if ((s.step == "load" || s.step == "wfi load") && vpend < s.acc.size()) {
                EXPECT_EQ(en, s.acc.size());
                if (dis < s.acc.size()) {
                    masking_loads++;
                    EXPECT_TRUE(inv_seq(s.acc, dis, "W LPI_PROP doorbell disabled"));
                    EXPECT_LT(dis, index_of(s.acc, "W GICR_VPROPBASER")) << "masked before the schedule";
                }
            } else if (s.step == "doorbell") {
                doorbells++;
                EXPECT_EQ(en, s.acc.size());
                if (dis < s.acc.size()) {
                    masking_doorbells++;
                    EXPECT_TRUE(inv_seq(s.acc, dis, "W LPI_PROP doorbell disabled"));
                }
            }
        }
        if (v40) {
            EXPECT_TRUE(unmasked);
            EXPECT_GT(wfi_puts, 10u);
            EXPECT_GT(masking_loads, 0u) << "a WFI put followed by a WFI load";
            EXPECT_GT(masking_doorbells, 10u);
            EXPECT_GT(r["doorbells"].value("masked", 0), 0);
            EXPECT_GT(r["doorbells"].value("unmasked", 0), 0);
        } else {
            EXPECT_EQ(r["doorbells"].value("masked", 1) + r["doorbells"].value("unmasked", 1), 0);
        }
        EXPECT_GT(doorbells, 10u) << mode;
        expect_conserved(r, mode);
    }
    // vCPUs that never block (no WFI) and migrate: their doorbell is never
    // unmasked, so none rings; without guest IPIs (through the ap_list in
    // v4.0) no vCPU is woken before its load either: no doorbell while runnable
    for (const char *guest : {"-p hyp.guest_wfi=0 -p hyp.sched=random -p hyp.slice_us=300",
                              "-p hyp.guest_ipi_rate=0"}) {
        json r;
        ASSERT_EQ(run(std::string("--hyp -p hyp.mode=v4.0 -p platform.sim_time_us=3000 -p platform.drain_time_us=20000 ") +
                          guest,
                      r),
                  0)
            << log_text;
        expect_conserved(r, guest);
        EXPECT_EQ(r["doorbells"].value("while_runnable", 1), 0) << guest;
        if (std::string(guest).find("guest_wfi=0") != std::string::npos) {
            EXPECT_EQ(r["doorbells"].value("handled", 1), 0) << guest;
            EXPECT_EQ(r["doorbells"].value("unmasked", 1), 0) << guest;
            EXPECT_GT(r["vmovp"].value("count", 0), 0) << guest;
        } else {
            EXPECT_GT(r["doorbells"].value("handled", 0), 0) << guest;
        }
    }
}

// GICv4.0 and GICv4.1 puts: its_clear_vpend_valid clears Valid and reads
// GICR_VPENDBASER until Dirty is 0 (the GIC writes the vPE's pending vLPIs
// back meanwhile), taking PendingLast from the last read. Every put reads at
// least once after its write, and some find Dirty still 1 and read again.
TEST_F(Hyp, PutsPollDirtyInBothGicv4Versions)
{
    for (const char *mode : {"v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 2000, 20000), r), 0) << log_text;
        size_t puts = 0, polled_again = 0;
        for (const step_log &s : steps_of(r)) {
            if (s.step != "put" && s.step != "put blocking" && s.step != "wfi put") continue;
            const size_t w = index_of(s.acc, "W GICR_VPENDBASER");
            if (w == s.acc.size()) continue; /* the vPE was not resident (put after a WFI put) */
            puts++;
            size_t reads = 0;
            for (size_t i = w + 1; i < s.acc.size(); i++) reads += s.acc[i] == "R GICR_VPENDBASER";
            EXPECT_GE(reads, 1u) << mode;
            polled_again += reads >= 2;
        }
        EXPECT_GT(puts, 10u) << mode;
        EXPECT_GT(polled_again, 0u) << mode << ": no put saw Dirty = 1";
    }
}

// GICv4.1: the load writes GICR_VPENDBASER and goes on; the wait for the VPT
// parse (GICR_VPENDBASER read until Dirty = 0) comes at the first entry after
// it, after the list registers and before HCR_EL2 (vgic_v4_commit), and not
// at later entries (its_vpe.ready).
TEST_F(Hyp, Gicv41WaitsForTheVptParseAtTheFirstEntry)
{
    json r;
    ASSERT_EQ(run("--hyp -p hyp.mode=v4.1 -p platform.sim_time_us=1000 -p hyp.log_accesses=5000", r), 0) << log_text;
    bool loaded = false;
    size_t first_entries = 0, later_entries = 0;
    for (const step_log &s : steps_of(r)) {
        if (s.step == "load" || s.step == "wfi load") {
            EXPECT_EQ(count_prefix(s.acc, "R GICR_VPENDBASER"), 0u) << "no poll in the load";
            loaded = true;
        } else if (s.step == "enter") {
            const size_t polls = count_prefix(s.acc, "R GICR_VPENDBASER");
            if (loaded) {
                first_entries++;
                EXPECT_GE(polls, 1u);
                EXPECT_LT(index_of(s.acc, "W ICH_HCR_EL2"), index_of(s.acc, "R GICR_VPENDBASER"));
                EXPECT_LT(index_of(s.acc, "R GICR_VPENDBASER"), index_of(s.acc, "W HCR_EL2"));
            } else {
                later_entries++;
                EXPECT_EQ(polls, 0u) << "only the first entry after a load waits";
            }
            loaded = false;
        } else if (s.step == "put" || s.step == "put blocking" || s.step == "wfi put") {
            loaded = false;
        }
    }
    EXPECT_GT(first_entries, 10u);
    EXPECT_GT(later_entries, 10u);
}

// WFI as mainline kvm_vcpu_wfi makes it: kvm_vgic_put with a doorbell
// requested (the vPE non-resident, ICH_HCR_EL2 = 0), then, if something is
// pending, kvm_vgic_load and back into the guest without a vcpu_put/load;
// otherwise the vCPU thread sleeps: kvm_arch_vcpu_put saves the virtual
// interface again (the vPE already non-resident), and the load after the
// wake-up restores it twice, making the vPE resident only the second time
// (IN_WFI).
TEST_F(Hyp, WfiPutsAndLoadsTheVgicAsKvm)
{
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 2000, 20000), r), 0) << log_text;
        const bool direct = std::string(mode) != "sw";
        const std::vector<step_log> st = steps_of(r);
        size_t wfi_puts = 0, wfi_loads = 0, blocking_puts = 0, double_loads = 0;
        for (size_t i = 0; i < st.size(); i++) {
            const step_log &s = st[i];
            if (s.step == "wfi put") {
                wfi_puts++;
                ASSERT_GE(s.acc.size(), 4u) << mode;
                EXPECT_EQ(s.acc[3], "R ICH_VMCR_EL2") << mode;
                EXPECT_EQ(count_prefix(s.acc, "W GICR_VPENDBASER"), direct ? 1u : 0u) << mode << ": vgic_v4_put";
                // (a halt poll may come between: Hyp.HaltPoll*)
                size_t n = next_step(st, i);
                if (n < st.size() && st[n].step == "halt poll") n = next_step(st, n);
                ASSERT_LT(n, st.size());
                EXPECT_TRUE(st[n].step == "wfi load" || st[n].step == "put blocking") << mode << ": " << st[n].step;
            } else if (s.step == "wfi load") {
                wfi_loads++;
                EXPECT_EQ(count_prefix(s.acc, "W ICH_VMCR_EL2"), 1u) << mode;
                EXPECT_EQ(count_prefix(s.acc, "W GICR_VPENDBASER"), direct ? 1u : 0u) << mode << ": vgic_v4_load";
                ASSERT_LT(i + 1, st.size());
                EXPECT_EQ(st[i + 1].step, "enter") << mode << ": no vcpu_put/vcpu_load";
            } else if (s.step == "put blocking") {
                blocking_puts++;
                EXPECT_EQ(count_prefix(s.acc, "R ICH_VMCR_EL2"), 1u) << mode;
                EXPECT_EQ(count_prefix(s.acc, "W GICR_VPENDBASER") + count_prefix(s.acc, "R GICR_VPENDBASER"), 0u)
                    << mode << ": the vPE is already non-resident";
            } else if (s.step == "load" && count_prefix(s.acc, "W ICH_VMCR_EL2") == 2) {
                double_loads++;
                if (direct) {
                    size_t second = 0;
                    for (size_t k = 1; k < s.acc.size(); k++)
                        if (s.acc[k] == "W ICH_VMCR_EL2") second = k;
                    EXPECT_GT(index_of(s.acc, "W GICR_VPENDBASER"), second) << mode << ": resident at the second";
                }
            }
        }
        EXPECT_GT(wfi_puts, 10u) << mode;
        EXPECT_GT(wfi_loads, 0u) << mode;
        EXPECT_GT(blocking_puts, 10u) << mode;
        EXPECT_GT(double_loads, 10u) << mode;
        EXPECT_GT(r["world_switches"].value("wfi_no_block", 0), 0) << mode;
    }
}

// Halt polling (kvm_vcpu_halt): after the WFI's vgic put, a vCPU with a poll
// window spins until something is pending for it, the window ends or another
// task is runnable on its CPU. A poll that sees an interrupt (a doorbell, an
// injection) is followed by the vgic load and the entry, without the
// scheduler's put ("put blocking") and the vCPU load; a failed one by the
// blocking put. The poll touches the GIC only to take host interrupts.
// (Polling follows a trapped WFI; with KVM's default WFI trap policy a GICv4
// vCPU alone on its CPU does not trap, so these runs set hyp.wfi_trap=trap.)
TEST_F(Hyp, HaltPollSuccessSkipsTheSchedulersPutAndLoad)
{
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(logged(mode, 3000, 40000) + " -p hyp.wfi_trap=trap", r), 0) << log_text;
        expect_conserved(r, mode);
        const std::vector<step_log> st = steps_of(r);
        size_t polls = 0, woken = 0, failed = 0;
        for (size_t i = 0; i < st.size(); i++) {
            if (st[i].step != "halt poll") continue;
            const size_t n1 = next_step(st, i), n2 = n1 < st.size() ? next_step(st, n1) : st.size();
            if (n2 >= st.size()) break; /* the log ends here */
            polls++;
            size_t p = i - 1;
            while (p > 0 && st[p].step == "doorbell") p--;
            EXPECT_EQ(st[p].step, "wfi put") << mode;
            for (const std::string &a : st[i].acc)
                EXPECT_TRUE(a == "R ICC_IAR1_EL1" || a == "W ICC_EOIR1_EL1" || a == "W ICC_DIR_EL1" ||
                            a == "W ICC_SGI1R_EL1" || a == "W GICD" || a == "W GITS")
                    << mode << ": " << a << " while polling";
            if (st[n1].step == "wfi load") {
                woken++;
                EXPECT_EQ(st[n2].step, "enter") << mode << ": no vcpu_put/vcpu_load after a successful poll";
            } else {
                failed++;
                EXPECT_EQ(st[n1].step, "put blocking") << mode;
            }
        }
        EXPECT_GT(polls, 10u) << mode;
        EXPECT_GT(woken, 5u) << mode;
        const json &hp = r["halt_poll"];
        EXPECT_GT(hp.value("polls", 0), 0) << mode;
        EXPECT_GT(hp.value("successful", 0), 0) << mode;
        EXPECT_LE(hp.value("successful", 0), hp.value("polls", 0)) << mode;
        EXPECT_LE(hp.value("successful", 0), r["world_switches"].value("wfi_no_block", 0)) << mode;
        EXPECT_EQ(hp.value("polled_ps", (uint64_t)0), hp.value("success_ps", (uint64_t)0) + hp.value("fail_ps", (uint64_t)0)) << mode;
        const json &c = r["host_cpu"]["by_category"]["halt_poll"];
        EXPECT_GT(c.value("ps", (uint64_t)0), 0) << mode;
        EXPECT_LE(c.value("ps", (uint64_t)0), hp.value("polled_ps", (uint64_t)0)) << mode << ": interrupts taken while polling are not polling";
        EXPECT_FALSE(c.value("interrupt_work", true)) << mode;
        if (std::string(mode) != "sw") {
            EXPECT_GT(r["doorbells"].value("while_polling", 0), 0) << mode;
        }
    }
}

// hyp.halt_poll_ns=0 turns polling off (the WFI path of before: the same
// world switches, no poll time); a window that never grows from 0
// (hyp.halt_poll_ns_grow=0, KVM's grow_halt_poll_ns) never polls either.
TEST_F(Hyp, HaltPollOffOrNeverGrownDoesNotPoll)
{
    for (const char *off : {"-p hyp.halt_poll_ns=0", "-p hyp.halt_poll_ns_grow=0"}) {
        for (const char *mode : {"sw", "v4.0", "v4.1"}) {
            const std::string what = std::string(mode) + " " + off;
            json r;
            ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + " -p platform.sim_time_us=3000 " + off +
                              " -p hyp.log_accesses=20000",
                          r),
                      0)
                << log_text;
            expect_conserved(r, what);
            ASSERT_TRUE(r.contains("halt_poll")) << what;
            EXPECT_EQ(r["halt_poll"].value("polls", 1), 0) << what;
            EXPECT_EQ(r["halt_poll"].value("polled_ps", 1), 0) << what;
            EXPECT_EQ(r["host_cpu"]["by_category"]["halt_poll"].value("ps", 1), 0) << what;
            EXPECT_EQ(r["doorbells"].value("while_polling", 1), 0) << what;
            for (const step_log &s : steps_of(r)) EXPECT_NE(s.step, "halt poll") << what;
            EXPECT_GT(r["world_switches"].value("blocks", 0), 10) << what;
        }
    }
}

// With polling (the default window, and a small one that the adaptation
// clamps below its grow start) every mode conserves MSIs and IPIs, also with
// migrations, and a run is deterministic. (Every WFI traps here: see
// HaltPollSuccessSkipsTheSchedulersPutAndLoad.)
TEST_F(Hyp, HaltPollingConservesAndIsDeterministic)
{
    const char *scenarios[] = {
        "-p platform.sim_time_us=3000",
        "-p platform.sim_time_us=3000 -p hyp.halt_poll_ns=5000",
        "-p platform.sim_time_us=3000 -p hyp.sched=random -p hyp.migrate_rate=0.3",
        "-p platform.sim_time_us=3000 -p hyp.vcpus=2 -p platform.arrival=bursty",
    };
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        int n = 0;
        for (const char *sc : scenarios) {
            const std::string what = std::string(mode) + " " + sc;
            json a, b;
            const std::string args = std::string("--hyp -p hyp.wfi_trap=trap -p hyp.mode=") + mode + " " + sc;
            ASSERT_EQ(run(args, a, "a" + std::to_string(n)), 0) << what << "\n" << log_text;
            ASSERT_EQ(run(args, b, "b" + std::to_string(n)), 0) << what << "\n" << log_text;
            n++;
            expect_conserved(a, what);
            EXPECT_GT(a["halt_poll"].value("polls", 0), 0) << what;
            EXPECT_EQ(a, b) << what << ": same seed, same report";
        }
    }
    // the 5 us maximum bounds every poll's spinning (the interrupts taken
    // during a poll may make it end later)
    json r;
    ASSERT_EQ(run("--hyp -p hyp.mode=v4.0 -p platform.sim_time_us=3000 -p hyp.halt_poll_ns=5000 -p hyp.wfi_trap=trap", r),
              0)
        << log_text;
    const uint64_t polls = r["halt_poll"].value("polls", (uint64_t)0);
    ASSERT_GT(polls, 0u);
    EXPECT_LE(r["host_cpu"]["by_category"]["halt_poll"].value("ps", (uint64_t)0), polls * 5000000u);
}

// sw: the emulated vITS's translation cache is mainline's (Linux 6.10 on):
// unbounded, so with more events than the old LRU held (16 per vCPU) a
// translation misses only the first time; hyp.vits_cache_per_vcpu keeps the
// LRU of earlier kernels.
TEST_F(Hyp, VitsTranslationCacheIsUnboundedAsMainline)
{
    const std::string base = "--hyp -p hyp.mode=sw -p platform.sim_time_us=3000 -p platform.vectors=64 "
                             "-p platform.msi_interval_ns=2000";
    auto cache = [](const json &r) {
        for (const json &c : r["caches"])
            if (c.value("name", "") == "vits.translation_cache") return c;
        return json();
    };
    json r;
    ASSERT_EQ(run(base, r), 0) << log_text;
    expect_conserved(r, "unbounded");
    json c = cache(r);
    ASSERT_FALSE(c.is_null());
    EXPECT_EQ(c.value("evictions", 1), 0);
    EXPECT_LE(c.value("misses", 1000), 4 * 64) << "at most one miss per event";
    ASSERT_EQ(run(base + " -p hyp.vits_cache_per_vcpu=16", r, "lru"), 0) << log_text;
    c = cache(r);
    EXPECT_GT(c.value("evictions", 0), 0) << "LRU of 64 entries per VM, 128 events per VM";
}

// Every IPI the host sends (a kick of a running vCPU, the reschedule IPI of
// a wake-up or of a requeue to an idle CPU) costs hyp.kick_ns of host work
// besides its ICC_SGI1R_EL1 write, charged to the kick and wake categories.
TEST_F(Hyp, EveryHostIpiCostsKickNs)
{
    const std::string base = "--hyp -p hyp.mode=sw -p platform.sim_time_us=3000";
    json r;
    ASSERT_EQ(run(base + " -p hyp.kick_ns=5000", r), 0) << log_text;
    expect_conserved(r, "kick_ns 5000");
    const uint64_t kicks = r["host_irqs"].value("kicks", 0);
    ASSERT_GT(kicks, 10u);
    const json &c = r["host_cpu"]["by_category"];
    const uint64_t ps = c["kick"].value("ps", 0) + c["wake"].value("ps", 0);
    EXPECT_GE(ps, kicks * 5000000ull) << kicks << " IPIs";
}

// The report's resident / non-resident split of the GICv4 modes follows the
// vPE's residency, not the vCPU's load: a vCPU in kvm_vcpu_wfi's put and
// halt poll is loaded while its vPE is not resident (every WFI trapping
// makes that window wide). The split is the GIC's own: its direct and VPT
// deliveries (GIC_MSI_VALUE_RESIDENT), plus the MSIs coalesced with them.
TEST_F(Hyp, ResidentSplitFollowsVpeResidency)
{
    for (const char *mode : {"v4.0", "v4.1"}) {
        json r;
        ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + " -p hyp.wfi_trap=trap -p platform.sim_time_us=5000",
                      r), 0) << log_text;
        expect_conserved(r, mode);
        const json &lat = r["latency"];
        const uint64_t res = lat["msi_to_iar_resident"].value("count", 0),
                       non = lat["msi_to_iar_non_resident"].value("count", 0);
        const uint64_t direct = r["residency"].value("vlpi_direct", 0), vpt = r["residency"].value("vlpi_recorded", 0),
                       coalesced = r["msi"].value("coalesced", 0);
        ASSERT_GT(res, 50u) << mode;
        EXPECT_GE(res, direct) << mode;
        EXPECT_LE(res, direct + coalesced) << mode;
        EXPECT_GE(non, vpt) << mode;
        EXPECT_LE(non, vpt + coalesced) << mode;
    }
}

// An injection queued while the host flushes the list registers does not
// kick the vCPU after it has entered: IN_GUEST_MODE is set after the flush,
// and the pending request aborts the entry (kvm_vcpu_exit_request), which
// syncs the vgic and flushes again.
TEST_F(Hyp, InjectionDuringTheFlushAbortsTheEntry)
{
    json r;
    ASSERT_EQ(run("--hyp -p hyp.mode=sw -p platform.sim_time_us=5000", r), 0) << log_text;
    expect_conserved(r, "sw");
    EXPECT_GT(r["world_switches"].value("entry_aborts", 0), 0);
}

// KVM's WFI trap policy (kvm_arch_vcpu_load -> kvm_vcpu_should_clear_twi,
// default kvm-arm.wfi_trap_policy): HCR_EL2.TWI is cleared at the load when
// the vCPU thread is its CPU's only runnable task and the vCPU has vLPIs
// mapped (its_vpe.vlpi_count) or its VM uses vSGIs. One vCPU per CPU in the
// GICv4 modes: every load clears it, the guests' WFIs execute natively (no
// "wfi put", no blocking, no doorbell: the vPE stays resident and every MSI
// finds it so), and every MSI is still delivered. hyp.wfi_trap=trap traps
// them all again; sw has no vLPIs and always traps.
TEST_F(Hyp, OnlyVcpuWithVlpisWaitsInTheGuest)
{
    const std::string one = " -p hyp.vms=2 -p hyp.vcpus=2 -p platform.sim_time_us=3000 -p hyp.log_accesses=20000";
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        const bool direct = std::string(mode) != "sw";
        for (const char *pol : {"", " -p hyp.wfi_trap=trap"}) {
            const std::string what = std::string(mode) + pol;
            const bool native = direct && !*pol;
            json r;
            ASSERT_EQ(run(std::string("--hyp -p hyp.mode=") + mode + one + pol, r), 0) << what << "\n" << log_text;
            expect_conserved(r, what);
            const json &w = r["world_switches"];
            EXPECT_EQ(r["config"]["hyp"].value("wfi_trap", ""), *pol ? "trap" : "single_task") << what;
            EXPECT_EQ(w.value("wfi_trapped", 1), w.value("exits_wfi", 2)) << what;
            size_t wfi_puts = 0, wfi_native = 0;
            for (const step_log &s : steps_of(r)) {
                wfi_puts += s.step == "wfi put";
                wfi_native += s.step == "wfi native";
            }
            if (native) {
                EXPECT_EQ(w.value("loads_twi_clear", 0), w.value("loads", 1)) << what << ": every load clears TWI";
                EXPECT_GT(w.value("wfi_native", 0), 100) << what;
                EXPECT_EQ(w.value("exits_wfi", 1), 0) << what;
                EXPECT_EQ(wfi_puts, 0u) << what;
                EXPECT_GT(wfi_native, 10u) << what;
                EXPECT_EQ(w.value("blocks", 1), 0) << what;
                EXPECT_EQ(w.value("puts", 1), 0) << what;
                EXPECT_EQ(r["halt_poll"].value("polls", 1), 0) << what;
                EXPECT_EQ(r["doorbells"].value("gic_rung", 1), 0) << what << ": the vPEs stay resident";
                EXPECT_EQ(r["latency"]["msi_to_iar_non_resident"].value("count", 1), 0) << what;
                if (std::string(mode) == "v4.1") {
                    EXPECT_EQ(w.value("exits_irq", 1), 0) << what << ": vLPIs and vSGIs wake the guests directly";
                }
            } else {
                EXPECT_EQ(w.value("loads_twi_clear", 1), 0) << what;
                EXPECT_EQ(w.value("wfi_native", 1), 0) << what;
                EXPECT_GT(w.value("exits_wfi", 0), 100) << what;
                EXPECT_GT(wfi_puts, 10u) << what;
                EXPECT_EQ(wfi_native, 0u) << what;
            }
        }
    }
}

// its_vpe.vlpi_count: with one device vector per VM (2 devices x 1 vector,
// 2 VMs x 2 vCPUs), only vCPU 0 of each VM has a vLPI mapped; in v4.0 the
// other one traps its WFIs (and blocks, woken by the guest IPIs), in v4.1
// the VM's vSGIs (nassgireq) clear TWI for both.
TEST_F(Hyp, WfiTrapFollowsVlpiCountAndVsgis)
{
    const std::string cfg = " -p hyp.vms=2 -p hyp.vcpus=2 -p platform.devices=2 -p platform.vectors=1"
                            " -p platform.sim_time_us=3000";
    json r;
    ASSERT_EQ(run("--hyp -p hyp.mode=v4.0" + cfg, r), 0) << log_text;
    expect_conserved(r, "v4.0");
    EXPECT_EQ(r["world_switches"].value("loads_twi_clear", 0), 2) << "vCPUs 0 and 2, loaded once";
    EXPECT_GT(r["world_switches"].value("loads", 0), 2);
    EXPECT_GT(r["world_switches"].value("exits_wfi", 0), 0);
    EXPECT_GT(r["world_switches"].value("wfi_native", 0), 0);
    ASSERT_EQ(run("--hyp -p hyp.mode=v4.1" + cfg, r), 0) << log_text;
    expect_conserved(r, "v4.1");
    EXPECT_EQ(r["world_switches"].value("loads_twi_clear", 0), 4);
    EXPECT_EQ(r["world_switches"].value("loads", 0), 4);
    EXPECT_EQ(r["world_switches"].value("exits_wfi", 1), 0);
}

// The decision is taken at each load, from the CPU's run queue at that
// moment (single_task_running: a blocked vCPU thread is in no queue). Two
// vCPUs per CPU: CPU 0's first load has the other vCPU runnable, so its
// first WFI traps; once that one has blocked, a load clears TWI and WFIs run
// natively. hyp.wfi_trap=notrap clears TWI at every load, in sw too (the
// vCPU is then kicked out of its WFI by the injection's IPI). Every policy
// conserves MSIs and IPIs and a run is deterministic.
TEST_F(Hyp, WfiTrapIsDecidedAtEachLoad)
{
    for (const char *mode : {"sw", "v4.0", "v4.1"}) {
        const bool direct = std::string(mode) != "sw";
        for (const char *pol : {"single_task", "notrap", "trap"}) {
            const std::string what = std::string(mode) + " " + pol;
            const std::string args = std::string("--hyp -p hyp.mode=") + mode + " -p hyp.wfi_trap=" + pol +
                                     " -p platform.sim_time_us=3000 -p hyp.log_accesses=20000";
            json a, b;
            ASSERT_EQ(run(args, a, "a"), 0) << what << "\n" << log_text;
            ASSERT_EQ(run(args, b, "b"), 0) << what << "\n" << log_text;
            expect_conserved(a, what);
            EXPECT_EQ(a, b) << what << ": same seed, same report";
            const json &w = a["world_switches"];
            const std::string p = pol;
            std::string first_wfi;
            for (const step_log &s : steps_of(a))
                if (first_wfi.empty() && (s.step == "wfi put" || s.step == "wfi native")) first_wfi = s.step;
            if (p == "trap" || (p == "single_task" && !direct)) {
                EXPECT_EQ(w.value("loads_twi_clear", 1), 0) << what;
                EXPECT_EQ(w.value("wfi_native", 1), 0) << what;
                EXPECT_GT(w.value("exits_wfi", 0), 100) << what;
            } else if (p == "notrap") {
                EXPECT_EQ(w.value("loads_twi_clear", 0), w.value("loads", 1)) << what;
                EXPECT_EQ(w.value("exits_wfi", 1), 0) << what;
                EXPECT_GT(w.value("wfi_native", 0), 100) << what;
                EXPECT_EQ(first_wfi, "wfi native") << what;
            } else {
                EXPECT_GT(w.value("loads_twi_clear", 0), 0) << what;
                EXPECT_LT(w.value("loads_twi_clear", 0), w.value("loads", 0)) << what;
                EXPECT_GT(w.value("wfi_native", 0), 100) << what;
                EXPECT_GT(w.value("exits_wfi", 0), 100) << what;
                EXPECT_EQ(first_wfi, "wfi put") << what << ": the other vCPU was runnable at the first load";
            }
        }
    }
}

TEST_F(Hyp, BadConfigurationIsRefused)
{
    json r;
    const std::pair<const char *, const char *> bad[] = {
        {"-p hyp.mode=v4.2", "hyp.mode: 'v4.2' is not one of"},
        {"-p hyp.mode=v4.0 -p gic.gic_version=3", "needs gic.gic_version >= 4"},
        {"-p hyp.vms=0", "hyp.vms and hyp.vcpus must be 1..64"},
        {"-p hyp.migrate_rate=2", "probability"},
        {"-p hyp.nonsense=1", "unknown hypervisor parameter 'hyp.nonsense'"},
        {"-p hyp.mode=v4.1 -p hyp.dirty_poll_ns=0", "hyp.dirty_poll_ns must be > 0"},
        {"-p hyp.wfi_trap=sometimes", "hyp.wfi_trap: 'sometimes' is not one of single_task,trap,notrap"},
    };
    for (const auto &b : bad) {
        EXPECT_EQ(run(std::string("--hyp ") + b.first, r, "bad", false), 1) << b.first;
        EXPECT_NE(log_text.find(b.second), std::string::npos) << b.first << ": " << log_text;
    }
}

} // namespace
