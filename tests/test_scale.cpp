// Scale: a 512-CPU GIC boots through the driver helper and delivers MSIs to
// every CPU; affinity routing with Aff2 (clusters past 255); per-CPU state
// sized from the configuration. Public C API only.
#include <gtest/gtest.h>

#include <vector>

#include "gictlm.h"
#include "gictlm_driver.h"
#include "gic_test.h"

using namespace gictest;

namespace {

struct Scale : DriverTest {
    void boot(uint32_t ncpu, uint32_t per_cluster)
    {
        cfg.num_cpus = ncpu;
        cfg.cpus_per_cluster = per_cluster;
        create_with_driver();
    }
};

TEST_F(Scale, MsisReachEach0f512Cpus)
{
    boot(512, 16);
    std::vector<uint32_t> cpu_of(512);
    for (uint32_t e = 0; e < 512; e++) cpu_of[e] = 511 - e; // every CPU once, not in index order
    ASSERT_EQ(gic_driver_map_device(drv, 0, 7, 512, 8192, cpu_of.data()), GIC_OK);
    gic_time_t t = gic_driver_time(drv) + 1000000; // ps
    for (uint32_t e = 0; e < 512; e++) ASSERT_EQ(gic_msi(g, t + e * 1000, 0, 7, e), GIC_OK);
    t += 1000000000ull; // 1 ms: the ITS translates the 512 MSIs in about 26 us
    gic_run_until(g, t);
    uint64_t errors = counter("errors.total");
    EXPECT_EQ(errors, 0u);
    EXPECT_EQ(counter("msi.delivered"), 512u);
    for (uint32_t e = 0; e < 512; e++) {
        uint32_t cpu = cpu_of[e];
        EXPECT_EQ(sr(t, cpu, GIC_ICC_IAR1_EL1), 8192u + e) << "CPU " << cpu;
        sw(t, cpu, GIC_ICC_EOIR1_EL1, 8192u + e);
        EXPECT_EQ(sr(t, cpu, GIC_ICC_IAR1_EL1), GIC_SPURIOUS) << "CPU " << cpu;
    }
    EXPECT_EQ(counter("irq.delivered.lpi"), 512u);
}

TEST_F(Scale, Aff2RoutingPast255Clusters)
{
    boot(512, 1); // one CPU per cluster: CPU 300 is Aff2.Aff1.Aff0 = 1.44.0
    const uint32_t c = 300;
    // GICR_TYPER.Affinity_Value [63:32] = Aff3.Aff2.Aff1.Aff0; Processor_Number [23:8]; Last [4]
    uint64_t typer = rr(gic_driver_time(drv), c, GICR_TYPER, 8);
    EXPECT_EQ(typer >> 32, (1ull << 16) | (44ull << 8));
    EXPECT_EQ((typer >> 8) & 0xffff, c);
    EXPECT_EQ((typer >> 4) & 1, 0u);
    EXPECT_EQ((rr(gic_driver_time(drv), 511, GICR_TYPER, 8) >> 4) & 1, 1u);
    gic_time_t t = gic_driver_time(drv) + 1000000;
    // SGI 3 from CPU 0 to Aff2 = 1, Aff1 = 44, target list bit 0 (Aff0 = 0).
    uint64_t sgi = icc_sgir(3, 0x1, 44, 1);
    rw(t, c, GICR_IGROUPR0, 1u << 3);
    rw(t, c, GICR_ISENABLER0, 1u << 3);
    sw(t, 0, GIC_ICC_SGI1R_EL1, sgi);
    gic_run_until(g, t + 1000000);
    EXPECT_EQ(sr(t + 1000000, c, GIC_ICC_IAR1_EL1), 3u);
    sw(t + 1000000, c, GIC_ICC_EOIR1_EL1, 3);
    // SPI 40 routed by GICD_IROUTER to Aff2.Aff1.Aff0 = 1.44.0.
    t += 2000000;
    dw(t, GICD_IPRIORITYR + 40, 0x80, 1);
    dw(t, GICD_IGROUPR + 4, 1u << 8);
    dw(t, GICD_IROUTER + 8 * 40, affinity(c), 8);
    EXPECT_EQ(affinity(c), (1ull << 16) | (44ull << 8));
    dw(t, GICD_ISENABLER + 4, 1u << 8);
    ASSERT_EQ(gic_set_spi(g, t, 40, true), GIC_OK);
    gic_run_until(g, t + 1000000);
    EXPECT_EQ(sr(t + 1000000, c, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(Scale, CpuCountLimits)
{
    cfg.num_cpus = GIC_MAX_CPUS + 1;
    char err[256] = "";
    EXPECT_EQ(gic_config_validate(&cfg, err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("num_cpus"), std::string::npos) << err;
    EXPECT_NE(create_rejected().find("num_cpus"), std::string::npos);
    cfg.num_cpus = GIC_MAX_CPUS;
    EXPECT_EQ(gic_config_validate(&cfg, err, sizeof err), GIC_OK) << err;
}

} // namespace
