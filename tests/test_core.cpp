// Core infrastructure tests: creation, configuration validation, time; the
// default latency parameters and the latency profiles the timing tests use.
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "gic_test.h"
#include "gictlm.h"

using namespace gictest;

namespace {

using Core = GicTest;

TEST_F(Core, CreateDestroyDefault)
{
    create();
    EXPECT_EQ(gic_now(g), 0u);
    gic_run_until(g, 1000);
    EXPECT_EQ(gic_now(g), 1000u);
    destroy();
    EXPECT_EQ(g, nullptr);
}

TEST_F(Core, RejectsBadConfig)
{
    cfg.pri_bits = 4;
    std::string err = create_rejected();
    EXPECT_NE(err.find("pri_bits"), std::string::npos) << err;
}

// The timing tests compute their expected times from cfg; this pins the
// defaults they were written against (docs/latency-model.md), so a changed
// default shows here by name and not as a shifted timestamp elsewhere.
TEST_F(Core, DefaultLatencyParametersAreTheDocumentedOnes)
{
    EXPECT_EQ(cfg.clock_period_ps, 1000u); // 1 GHz
    EXPECT_EQ(cfg.lat_spi_input, 2u);
    EXPECT_EQ(cfg.lat_dist_to_redist, 10u);
    EXPECT_EQ(cfg.lat_redist_to_cpu, 10u);
    EXPECT_EQ(cfg.lat_cpu_signal, 2u);
    EXPECT_EQ(cfg.lat_sgi, 20u);
    EXPECT_EQ(cfg.mem_latency_ps, 100000u);
    EXPECT_EQ(cfg.its_cmd_decode_cycles, 4u);
    EXPECT_EQ(cfg.its_translate_cycles, 4u);
    EXPECT_EQ(cfg.its_pipeline_depth, 4u);
    EXPECT_EQ(cfg.its_device_cache.hit_cycles, 1u);
    EXPECT_EQ(cfg.its_event_cache.hit_cycles, 1u);
    EXPECT_EQ(cfg.its_collection_cache.hit_cycles, 1u);
    EXPECT_EQ(cfg.lpi_cache.hit_cycles, 1u);
    // the paths of docs/latency-model.md at the defaults
    EXPECT_EQ(path_spi_wire(), ns(24));
    EXPECT_EQ(path_dist(), ns(22));
    EXPECT_EQ(path_ppi_wire(), ns(14));
    EXPECT_EQ(path_redist(), ns(12));
    EXPECT_EQ(path_sgi(), ns(32));
    EXPECT_EQ(path_cpu(), ns(2));
}

// The first profile changes every parameter and gives every stage its own
// length, so that a stage charged on the wrong path changes a timing test's
// result (with the defaults, spi_input = cpu_signal and dist_to_redist =
// redist_to_cpu would hide a swap).
TEST(LatencyProfiles, FirstProfileSeparatesEveryStage)
{
    gic_config_t d;
    gic_config_default(&d);
    const LatencyProfile &p = kLatencyProfiles[0];
    EXPECT_NE(p.clock_period_ps, d.clock_period_ps);
    EXPECT_NE(p.spi_input, d.lat_spi_input);
    EXPECT_NE(p.dist_to_redist, d.lat_dist_to_redist);
    EXPECT_NE(p.redist_to_cpu, d.lat_redist_to_cpu);
    EXPECT_NE(p.cpu_signal, d.lat_cpu_signal);
    EXPECT_NE(p.sgi, d.lat_sgi);
    EXPECT_NE(p.mem_latency_ps, d.mem_latency_ps);
    EXPECT_NE(p.its_cmd_decode, d.its_cmd_decode_cycles);
    EXPECT_NE(p.its_translate, d.its_translate_cycles);
    EXPECT_NE(p.cache_hit, d.lpi_cache.hit_cycles);
    std::set<uint32_t> stages = {p.spi_input, p.dist_to_redist, p.redist_to_cpu, p.cpu_signal, p.sgi};
    EXPECT_EQ(stages.size(), 5u);
    for (const LatencyProfile &q : kLatencyProfiles) {
        gic_config_t c = d;
        apply_profile(c, q);
        char err[256] = "";
        EXPECT_EQ(gic_config_validate(&c, err, sizeof err), GIC_OK) << q.name << ": " << err;
    }
}

// The profile reaches the GIC the test creates: a wire SPI arrives after the
// profile's stages, counted here from the profile itself, not from cfg.
using CoreLatencies = Latencies<Core>;
TEST_P(CoreLatencies, ProfileIsAppliedBeforeCreate)
{
    const LatencyProfile &p = GetParam();
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    ASSERT_EQ(gic_set_spi(g, ns(3000), 40, true), GIC_OK);
    gic_run_until(g, ns(4000));
    const gic_time_t wire = (gic_time_t)(p.spi_input + p.dist_to_redist + p.redist_to_cpu + p.cpu_signal) *
                            p.clock_period_ps;
    EXPECT_EQ(lines(), irq_up(ns(3000) + wire, 0));
    EXPECT_EQ(wire, path_spi_wire());
}
GIC_LATENCY_PROFILES(CoreLatencies);

} // namespace
