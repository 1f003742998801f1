// The one fixture base of the GoogleTest tests: a GIC instance built from a
// configuration through the public C API (capi/gictlm.h only), its outputs
// collected, register and statistic accessors, a Linux-like bring-up, and the
// expected delivery times and timeline strings computed from the latency
// parameters of the configuration (docs/latency-model.md), so that a test
// states which path it expects rather than a number that holds only for the
// defaults. Derived fixtures (ITS, LPI, virtual interface, scale, cache) add
// what is particular to them.
#ifndef GICTLM_TESTS_GIC_TEST_H
#define GICTLM_TESTS_GIC_TEST_H

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <ostream>
#include <string>
#include <vector>

#include "gic_regs.h"
#include "gictlm.h"
#include "gictlm_driver.h"

namespace gictest {

constexpr gic_time_t NS = 1000; // ps
constexpr gic_time_t US = 1000 * NS;

// "t:cpu:LINE:level;" as GicTest::lines() writes it.
inline const char *line_name(uint32_t l)
{
    switch (l) {
    case GIC_LINE_IRQ: return "IRQ";
    case GIC_LINE_FIQ: return "FIQ";
    case GIC_LINE_VIRQ: return "VIRQ";
    case GIC_LINE_VFIQ: return "VFIQ";
    default: return "?";
    }
}
inline std::string line_event(gic_time_t t, uint32_t cpu, gic_line_t l, uint32_t level)
{
    return std::to_string(t) + ":" + std::to_string(cpu) + ":" + line_name(l) + ":" + std::to_string(level) + ";";
}
inline std::string irq_up(gic_time_t t, uint32_t cpu) { return line_event(t, cpu, GIC_LINE_IRQ, 1); }
inline std::string irq_down(gic_time_t t, uint32_t cpu) { return line_event(t, cpu, GIC_LINE_IRQ, 0); }
inline std::string fiq_up(gic_time_t t, uint32_t cpu) { return line_event(t, cpu, GIC_LINE_FIQ, 1); }
inline std::string fiq_down(gic_time_t t, uint32_t cpu) { return line_event(t, cpu, GIC_LINE_FIQ, 0); }

// Latency parameters other than the defaults. The timing tests
// (GIC_TIMING_TEST) run at the defaults and again under each of these; their
// expectations are computed from cfg, so every stage must be charged where
// docs/latency-model.md says it is. Every path stays well under the 100 ns
// between the tests' stimuli (a test that needs more says so with an ASSERT).
struct LatencyProfile {
    const char *name;
    uint64_t clock_period_ps;
    uint32_t spi_input, dist_to_redist, redist_to_cpu, cpu_signal, sgi;
    uint64_t mem_latency_ps;
    uint32_t its_cmd_decode, its_translate, cache_hit; // cache_hit: every ITS cache and the LPI cache
};
constexpr LatencyProfile kLatencyProfiles[] = {
    {"OddStages800MHz", 1250, 3, 7, 5, 4, 9, 130000, 5, 3, 2},
    {"SlowClock500MHz", 2000, 2, 10, 10, 2, 20, 150000, 4, 4, 1},
};
inline void apply_profile(gic_config_t &c, const LatencyProfile &p)
{
    c.clock_period_ps = p.clock_period_ps;
    c.lat_spi_input = p.spi_input;
    c.lat_dist_to_redist = p.dist_to_redist;
    c.lat_redist_to_cpu = p.redist_to_cpu;
    c.lat_cpu_signal = p.cpu_signal;
    c.lat_sgi = p.sgi;
    c.mem_latency_ps = p.mem_latency_ps;
    c.its_cmd_decode_cycles = p.its_cmd_decode;
    c.its_translate_cycles = p.its_translate;
    c.its_device_cache.hit_cycles = p.cache_hit;
    c.its_event_cache.hit_cycles = p.cache_hit;
    c.its_collection_cache.hit_cycles = p.cache_hit;
    c.lpi_cache.hit_cycles = p.cache_hit;
}
inline void PrintTo(const LatencyProfile &p, std::ostream *os) { *os << p.name; }
inline std::string profile_name(const ::testing::TestParamInfo<LatencyProfile> &i) { return i.param.name; }

class GicTest : public ::testing::Test {
public:
    gic_config_t cfg;
    gic_t *g = nullptr;
    gic_time_t t = 0; // the current time of tests that advance one clock
    std::vector<gic_output_t> out;

    GicTest() { gic_config_default(&cfg); }
    ~GicTest() override { destroy(); }

    static void on_output(void *ctx, const gic_output_t *o) { static_cast<GicTest *>(ctx)->out.push_back(*o); }
    // Every message the core logs (at every level) names a component of a
    // family the API lists (gic_log_component_family): checked for every
    // test of the fixture, on destroy().
    std::vector<std::string> unknown_log_components;
    static void on_log(void *ctx, gic_time_t, gic_log_level_t, const char *component, const char *msg)
    {
        if (!gic_log_component_family_of(component))
            static_cast<GicTest *>(ctx)->unknown_log_components.push_back(std::string(component ? component : "(null)") +
                                                                          ": " + msg);
    }

    // ---- instance ----
    void create()
    {
        ASSERT_EQ(g, nullptr) << "create() twice without destroy()";
        gic_callbacks_t cb;
        std::memset(&cb, 0, sizeof cb);
        cb.ctx = this;
        cb.output = on_output;
        cb.log = on_log;
        cb.log_level = GIC_LOG_DEBUG;
        char err[256] = "";
        g = gic_create(&cfg, &cb, nullptr, err, sizeof err);
        ASSERT_NE(g, nullptr) << err;
    }
    // The configuration is rejected: the message gic_create gives.
    std::string create_rejected()
    {
        char err[256] = "";
        gic_t *x = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
        EXPECT_EQ(x, nullptr);
        if (x) gic_destroy(x);
        return err;
    }
    // Back to before create(): no instance, no outputs, time 0 (cfg is kept).
    void destroy()
    {
        for (const std::string &u : unknown_log_components)
            ADD_FAILURE() << "log component of no family of gic_log_component_family: " << u;
        unknown_log_components.clear();
        if (g) gic_destroy(g);
        g = nullptr;
        out.clear();
        t = 0;
    }
    void run_until(gic_time_t until) { gic_run_until(g, until); }

    // ---- time, from the configuration ----
    static gic_time_t ns(uint64_t n) { return n * NS; }
    gic_time_t cyc(uint64_t n) const { return n * cfg.clock_period_ps; }
    gic_time_t mem() const { return cfg.mem_latency_ps; } // one access to the built-in memory
    // Input -> IRQ/FIQ pin, per path (docs/latency-model.md "Paths and stages"):
    // SPI wire (gic_set_spi) through distributor and redistributor
    gic_time_t path_spi_wire() const
    {
        return cyc(cfg.lat_spi_input + cfg.lat_dist_to_redist + cfg.lat_redist_to_cpu + cfg.lat_cpu_signal);
    }
    // SPI made pending in the distributor (GICD_SETSPI_NSR, GICD_ISPENDR) or
    // forwarded again (enable, re-route, re-pend at deactivation, 1-of-N re-target)
    gic_time_t path_dist() const { return cyc(cfg.lat_dist_to_redist + cfg.lat_redist_to_cpu + cfg.lat_cpu_signal); }
    // PPI wire (gic_set_ppi)
    gic_time_t path_ppi_wire() const { return cyc(cfg.lat_spi_input + cfg.lat_redist_to_cpu + cfg.lat_cpu_signal); }
    // pending in a redistributor (GICR_ISPENDR0, PPI re-forward, LPI set pending, wake-up)
    gic_time_t path_redist() const { return cyc(cfg.lat_redist_to_cpu + cfg.lat_cpu_signal); }
    // ICC_SGI*R_EL1 write -> target's pin
    gic_time_t path_sgi() const { return cyc(cfg.lat_sgi + cfg.lat_redist_to_cpu + cfg.lat_cpu_signal); }
    // CPU interface -> pin (list register, PMR/EOI making an interrupt signallable is immediate)
    gic_time_t path_cpu() const { return cyc(cfg.lat_cpu_signal); }

    // ---- MMIO (GICD at t explicit, GICR by CPU) ----
    void dw(gic_time_t at, uint64_t off, uint64_t v, uint32_t size = 4)
    {
        ASSERT_EQ(gic_mmio_write(g, at, GIC_FRAME_GICD, 0, off, size, v), GIC_OK) << std::hex << off;
    }
    uint64_t dr(gic_time_t at, uint64_t off, uint32_t size = 4)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_mmio_read(g, at, GIC_FRAME_GICD, 0, off, size, &v), GIC_OK) << std::hex << off;
        return v;
    }
    void rw(gic_time_t at, uint32_t cpu, uint64_t off, uint64_t v, uint32_t size = 4)
    {
        ASSERT_EQ(gic_mmio_write(g, at, GIC_FRAME_GICR, cpu, off, size, v), GIC_OK) << std::hex << off;
    }
    uint64_t rr(gic_time_t at, uint32_t cpu, uint64_t off, uint32_t size = 4)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_mmio_read(g, at, GIC_FRAME_GICR, cpu, off, size, &v), GIC_OK) << std::hex << off;
        return v;
    }
    // Any frame at the current time t (64-bit accesses unless told).
    uint64_t rd(gic_frame_t f, uint32_t i, uint64_t off, uint32_t size = 8)
    {
        uint64_t v = 0;
        EXPECT_EQ(gic_mmio_read(g, t, f, i, off, size, &v), GIC_OK) << std::hex << off;
        return v;
    }
    void wr(gic_frame_t f, uint32_t i, uint64_t off, uint64_t v, uint32_t size = 8)
    {
        EXPECT_EQ(gic_mmio_write(g, t, f, i, off, size, v), GIC_OK) << std::hex << off;
    }

    // ---- system registers ----
    void sw(gic_time_t at, uint32_t cpu, gic_sysreg_t r, uint64_t v)
    {
        ASSERT_EQ(gic_sysreg_write(g, at, cpu, r, v), GIC_OK);
    }
    uint64_t sr(gic_time_t at, uint32_t cpu, gic_sysreg_t r)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_sysreg_read(g, at, cpu, r, &v), GIC_OK);
        return v;
    }

    // ---- memory (built-in) ----
    void w64(uint64_t addr, uint64_t v)
    {
        uint8_t b[8];
        for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
        ASSERT_EQ(gic_mem_write(g, addr, b, 8), GIC_OK);
    }
    uint64_t r64(uint64_t addr)
    {
        uint8_t b[8] = {};
        EXPECT_EQ(gic_mem_read(g, addr, b, 8), GIC_OK);
        uint64_t v = 0;
        for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
        return v;
    }

    // ---- statistics ----
    uint64_t counter(const std::string &name) // must exist
    {
        uint64_t v = ~0ull;
        EXPECT_TRUE(gic_stat_counter(g, name.c_str(), &v)) << name;
        return v;
    }
    uint64_t counter0(const std::string &name) // 0 if absent
    {
        uint64_t v = 0;
        if (!gic_stat_counter(g, name.c_str(), &v)) return 0;
        return v;
    }
    gic_hist_summary_t hist(const std::string &name)
    {
        gic_hist_summary_t h;
        std::memset(&h, 0, sizeof h);
        EXPECT_TRUE(gic_stat_hist(g, name.c_str(), &h)) << name;
        return h;
    }

    // ---- set-up helpers ----
    // Linux-like bring-up at time `at`: distributor groups, every redistributor
    // awake, CPU interfaces with SRE, PMR = 0xf0, BPR1 = 0, IGRPEN1 (+IGRPEN0);
    // runs 1 us for the wake-ups to settle and forgets the outputs.
    void bringup(gic_time_t at, bool grp0 = false)
    {
        dw(at, GICD_CTLR, GICD_CTLR_EnableGrp1NS | (grp0 ? GICD_CTLR_EnableGrp0 : 0));
        for (uint32_t c = 0; c < cfg.num_cpus; c++) {
            rw(at, c, GICR_WAKER, 0);
            sw(at, c, GIC_ICC_SRE_EL1, ICC_SRE_EL1_ALL);
            sw(at, c, GIC_ICC_PMR_EL1, 0xf0);
            sw(at, c, GIC_ICC_BPR1_EL1, 0);
            sw(at, c, GIC_ICC_IGRPEN1_EL1, 1);
            if (grp0) sw(at, c, GIC_ICC_IGRPEN0_EL1, 1);
        }
        gic_run_until(g, at + ns(1000));
        out.clear();
    }
    // Affinity value of a CPU (GICD_IROUTER / GICR_TYPER layout: Aff2 [23:16] Aff1 [15:8] Aff0 [7:0]).
    uint64_t affinity(uint32_t cpu) const
    {
        uint32_t aff0 = cpu % cfg.cpus_per_cluster, cl = cpu / cfg.cpus_per_cluster;
        return (uint64_t)(cl >> 8) << 16 | (uint64_t)(cl & 0xff) << 8 | aff0;
    }
    // SPI: group 1 (or 0), priority, edge/level, routed to cpu (or 1-of-N when cpu < 0), enabled.
    void spi(gic_time_t at, uint32_t intid, uint8_t prio, bool edge, int cpu, unsigned group = 1)
    {
        uint64_t grp = dr(at, GICD_IGROUPR + 4 * (intid / 32));
        grp = group ? (grp | (1u << (intid % 32))) : (grp & ~(1u << (intid % 32)));
        dw(at, GICD_IGROUPR + 4 * (intid / 32), grp);
        dw(at, GICD_IPRIORITYR + intid, prio, 1);
        uint64_t cfgr = dr(at, GICD_ICFGR + 4 * (intid / 16));
        uint32_t bit = 2u << (2 * (intid % 16));
        cfgr = edge ? (cfgr | bit) : (cfgr & ~bit);
        dw(at, GICD_ICFGR + 4 * (intid / 16), cfgr);
        uint64_t route = cpu < 0 ? GICD_IROUTER_IRM : affinity((uint32_t)cpu);
        dw(at, GICD_IROUTER + 8 * intid, route, 8);
        dw(at, GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
    }
    // PPI/SGI intid on cpu: group 1 (or 0), priority, enabled; edge for PPIs if asked.
    void local(gic_time_t at, uint32_t cpu, uint32_t intid, uint8_t prio, bool edge = false, unsigned group = 1)
    {
        uint64_t grp = rr(at, cpu, GICR_IGROUPR0);
        grp = group ? grp | (1u << intid) : grp & ~(1u << intid);
        rw(at, cpu, GICR_IGROUPR0, grp);
        rw(at, cpu, GICR_IPRIORITYR + intid, prio, 1);
        if (intid >= 16) {
            uint64_t c = rr(at, cpu, GICR_ICFGR1);
            uint32_t bit = 2u << (2 * (intid - 16));
            rw(at, cpu, GICR_ICFGR1, edge ? (c | bit) : (c & ~bit));
        }
        rw(at, cpu, GICR_ISENABLER0, 1u << intid);
    }

    // ---- outputs ----
    // Outputs of a kind (optionally only one CPU).
    std::vector<gic_output_t> outs(gic_output_kind_t k, int cpu = -1) const
    {
        std::vector<gic_output_t> v;
        for (auto &o : out)
            if (o.kind == k && (cpu < 0 || o.cpu == (uint32_t)cpu)) v.push_back(o);
        return v;
    }
    // The level of line l of cpu as the outputs last set it (0 if never).
    int line_level(uint32_t cpu, gic_line_t l) const
    {
        int v = 0;
        for (auto &o : out)
            if (o.kind == GIC_OUT_LINE && o.cpu == cpu && o.line == (uint32_t)l) v = (int)o.level;
        return v;
    }
    // The line timeline: line_event() of every line change, in order.
    std::string lines() const
    {
        std::string s;
        for (auto &o : out)
            if (o.kind == GIC_OUT_LINE) s += line_event(o.time, o.cpu, (gic_line_t)o.line, o.level);
        return s;
    }
};

// Everything in f from its start (f stays open).
inline std::string file_contents(std::FILE *f)
{
    std::string s;
    std::rewind(f);
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
    return s;
}
// The contents of the file at path ("" when it cannot be read).
inline std::string file_contents(const std::string &path)
{
    std::FILE *f = std::fopen(path.c_str(), "rb");
    if (!f) return "";
    std::string s = file_contents(f);
    std::fclose(f);
    return s;
}

// A GIC brought up by the C API's driver helper (gictlm_driver.h), with its
// ITS command queue: cmd() queues one command built by an encoder, flush()
// issues them at t and waits for their completion, step() advances time.
class DriverTest : public GicTest {
public:
    gic_driver_t *drv = nullptr;
    ~DriverTest() override
    {
        if (drv) gic_driver_destroy(drv);
    }
    // create() and the driver's bring-up (tables from mem_base on)
    void create_with_driver(uint64_t mem_base = 0x10000000)
    {
        create();
        if (!g) return;
        drv = gic_driver_create(g, 1000, mem_base);
        ASSERT_NE(drv, nullptr);
        ASSERT_EQ(gic_driver_init(drv), GIC_OK);
    }
    template <class F> void cmd(F enc, uint32_t its = 0)
    {
        uint64_t c[4] = {};
        enc(c);
        ASSERT_EQ(gic_driver_queue(drv, its, c), GIC_OK);
    }
    void flush(uint32_t its = 0)
    {
        gic_driver_set_time(drv, t);
        ASSERT_EQ(gic_driver_flush(drv, its, 1000000000ull), GIC_OK);
        t = gic_driver_time(drv) + 1000;
    }
    void step(uint64_t nsec)
    {
        t += ns(nsec);
        gic_run_until(g, t);
    }
};

// A guest on CPU 0's virtual CPU interface (test_virt.cpp, test_icv_rules.cpp):
// enter() is a vCPU entry as KVM's vgic_v3_load restores it. ICH_VMCR_EL2
// VMCR_G1: VENG1, VPMR 0xf8, VBPR1 = VBPR0 = 0 (-> their minimum).
constexpr uint64_t VMCR_G1 = ICH_VMCR_VENG1 | (0xf8ull << ICH_VMCR_VPMR_SHIFT);
struct VirtTest : GicTest {
    void SetUp() override
    {
        create();
        bringup(0);
        t = ns(2000);
    }
    void enter(uint32_t cpu, uint32_t hcr = ICH_HCR_En, uint64_t vmcr = VMCR_G1)
    {
        sw(t, cpu, GIC_HCR_EL2, HCR_EL2_IMO | HCR_EL2_FMO);
        sw(t, cpu, GIC_ICH_VMCR_EL2, vmcr);
        sw(t, cpu, GIC_ICH_HCR_EL2, hcr);
    }
    void step(uint64_t d = 100) { t += ns(d); gic_run_until(g, t); }
    uint64_t misr(uint32_t cpu = 0) { return sr(t, cpu, GIC_ICH_MISR_EL2); }
};

// Fixture F (derived from GicTest) under a latency profile: the parameter is
// applied to cfg when the test object is built, before the test creates the GIC.
template <class F> struct Latencies : F, ::testing::WithParamInterface<LatencyProfile> {
    Latencies() { apply_profile(this->cfg, this->GetParam()); }
};

} // namespace gictest

// A test whose expected times come from the latency parameters. The fixture
// `Suite` declares `void Name();` (the scenario, defined after the macro as a
// test body is), `using SuiteLatencies = gictest::Latencies<Suite>;` and
// GIC_LATENCY_PROFILES(SuiteLatencies) appear once in the file. The scenario
// runs as Suite.Name at the defaults and as
// Latencies/SuiteLatencies.Name/<profile> under every profile.
#define GIC_TIMING_TEST(Suite, Name)                                                                        \
    TEST_F(Suite, Name) { Name(); }                                                                         \
    TEST_P(Suite##Latencies, Name) { Name(); }                                                              \
    void Suite::Name()
#define GIC_LATENCY_PROFILES(SuiteLatencies)                                                                \
    INSTANTIATE_TEST_SUITE_P(Latencies, SuiteLatencies, ::testing::ValuesIn(gictest::kLatencyProfiles),  \
                             gictest::profile_name)
#endif
