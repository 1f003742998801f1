// Shared fixture for the distributor / redistributor / CPU interface tests
// (test_dist.cpp, test_redist.cpp, test_cpuif.cpp). Public C API only.
#ifndef GICTLM_TESTS_H1_FIXTURE_H
#define GICTLM_TESTS_H1_FIXTURE_H

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "gictlm.h"

namespace h1 {

// Offsets used by the tests (IHI0069).
enum : uint64_t {
    GICD_CTLR = 0x0, GICD_TYPER = 0x4, GICD_IIDR = 0x8, GICD_SETSPI_NSR = 0x40,
    GICD_CLRSPI_NSR = 0x48, GICD_IGROUPR = 0x80, GICD_ISENABLER = 0x100, GICD_ICENABLER = 0x180,
    GICD_ISPENDR = 0x200, GICD_ICPENDR = 0x280, GICD_ISACTIVER = 0x300, GICD_ICACTIVER = 0x380,
    GICD_IPRIORITYR = 0x400, GICD_ITARGETSR = 0x800, GICD_ICFGR = 0xc00, GICD_IROUTER = 0x6000,
    GICD_PIDR2 = 0xffe8,
    GICR_CTLR = 0x0, GICR_TYPER = 0x8, GICR_WAKER = 0x14,
    SGI_BASE = 0x10000, GICR_IGROUPR0 = SGI_BASE + 0x80, GICR_ISENABLER0 = SGI_BASE + 0x100,
    GICR_ICENABLER0 = SGI_BASE + 0x180, GICR_ISPENDR0 = SGI_BASE + 0x200,
    GICR_ICPENDR0 = SGI_BASE + 0x280, GICR_ISACTIVER0 = SGI_BASE + 0x300,
    GICR_IPRIORITYR = SGI_BASE + 0x400, GICR_ICFGR0 = SGI_BASE + 0xc00,
    GICR_ICFGR1 = SGI_BASE + 0xc04,
};

struct Fixture : ::testing::Test {
    gic_config_t cfg;
    gic_t *g = nullptr;
    std::vector<gic_output_t> out;

    static void on_output(void *ctx, const gic_output_t *o) { static_cast<Fixture *>(ctx)->out.push_back(*o); }

    Fixture() { gic_config_default(&cfg); }
    ~Fixture() override { if (g) gic_destroy(g); }

    void create()
    {
        gic_callbacks_t cb = {};
        cb.ctx = this;
        cb.output = on_output;
        char err[256] = "";
        g = gic_create(&cfg, &cb, nullptr, err, sizeof err);
        ASSERT_NE(g, nullptr) << err;
    }
    uint64_t ns(uint64_t n) const { return n * 1000; }
    uint64_t cyc(uint64_t n) const { return n * cfg.clock_period_ps; }

    void dw(gic_time_t t, uint64_t off, uint64_t v, uint32_t size = 4)
    {
        ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GICD, 0, off, size, v), GIC_OK);
    }
    uint64_t dr(gic_time_t t, uint64_t off, uint32_t size = 4)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_mmio_read(g, t, GIC_FRAME_GICD, 0, off, size, &v), GIC_OK);
        return v;
    }
    void rw(gic_time_t t, uint32_t cpu, uint64_t off, uint64_t v, uint32_t size = 4)
    {
        ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GICR, cpu, off, size, v), GIC_OK);
    }
    uint64_t rr(gic_time_t t, uint32_t cpu, uint64_t off, uint32_t size = 4)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_mmio_read(g, t, GIC_FRAME_GICR, cpu, off, size, &v), GIC_OK);
        return v;
    }
    void sw(gic_time_t t, uint32_t cpu, gic_sysreg_t r, uint64_t v)
    {
        ASSERT_EQ(gic_sysreg_write(g, t, cpu, r, v), GIC_OK);
    }
    uint64_t sr(gic_time_t t, uint32_t cpu, gic_sysreg_t r)
    {
        uint64_t v = ~0ull;
        EXPECT_EQ(gic_sysreg_read(g, t, cpu, r, &v), GIC_OK);
        return v;
    }
    uint64_t counter(const char *name)
    {
        uint64_t v = 0;
        if (!gic_stat_counter(g, name, &v)) return ~0ull;
        return v;
    }
    gic_hist_summary_t hist(const char *name)
    {
        gic_hist_summary_t h = {};
        EXPECT_TRUE(gic_stat_hist(g, name, &h)) << name;
        return h;
    }

    // Linux-like bring-up at time t: distributor groups, every redistributor
    // awake, CPU interfaces with SRE, PMR = 0xf0, BPR1 = 0, IGRPEN1 (+IGRPEN0).
    void bringup(gic_time_t t, bool grp0 = false)
    {
        dw(t, GICD_CTLR, grp0 ? 0x3 : 0x2);
        for (uint32_t c = 0; c < cfg.num_cpus; c++) {
            rw(t, c, GICR_WAKER, 0);
            sw(t, c, GIC_ICC_SRE_EL1, 7);
            sw(t, c, GIC_ICC_PMR_EL1, 0xf0);
            sw(t, c, GIC_ICC_BPR1_EL1, 0);
            sw(t, c, GIC_ICC_IGRPEN1_EL1, 1);
            if (grp0) sw(t, c, GIC_ICC_IGRPEN0_EL1, 1);
        }
        gic_run_until(g, t + ns(1000)); // let wake-up forwarding settle
        out.clear();
    }
    // SPI: group 1 (or 0), priority, edge/level, routed to cpu (or 1-of-N), enabled.
    void spi(gic_time_t t, uint32_t intid, uint8_t prio, bool edge, int cpu, unsigned group = 1)
    {
        uint64_t grp = dr(t, GICD_IGROUPR + 4 * (intid / 32));
        grp = group ? (grp | (1u << (intid % 32))) : (grp & ~(1u << (intid % 32)));
        dw(t, GICD_IGROUPR + 4 * (intid / 32), grp);
        dw(t, GICD_IPRIORITYR + intid, prio, 1);
        uint64_t cfgr = dr(t, GICD_ICFGR + 4 * (intid / 16));
        uint32_t bit = 2u << (2 * (intid % 16));
        cfgr = edge ? (cfgr | bit) : (cfgr & ~bit);
        dw(t, GICD_ICFGR + 4 * (intid / 16), cfgr);
        uint64_t route = cpu < 0 ? (1ull << 31) : ((uint64_t)(cpu / cfg.cpus_per_cluster) << 8 | (cpu % cfg.cpus_per_cluster));
        dw(t, GICD_IROUTER + 8 * intid, route, 8);
        dw(t, GICD_ISENABLER + 4 * (intid / 32), 1u << (intid % 32));
    }
    // Outputs of a kind (optionally only one CPU).
    std::vector<gic_output_t> outs(gic_output_kind_t k, int cpu = -1) const
    {
        std::vector<gic_output_t> v;
        for (auto &o : out)
            if (o.kind == k && (cpu < 0 || o.cpu == (uint32_t)cpu)) v.push_back(o);
        return v;
    }
    std::string lines() const // "t:cpu:IRQ/FIQ:level;" for every line change
    {
        std::string s;
        for (auto &o : out)
            if (o.kind == GIC_OUT_LINE)
                s += std::to_string(o.time) + ":" + std::to_string(o.cpu) + ":" +
                     (o.line == GIC_LINE_IRQ ? "IRQ" : "FIQ") + ":" + std::to_string(o.level) + ";";
        return s;
    }
};

} // namespace h1
#endif
