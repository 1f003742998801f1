// Redistributor (GICR_*): PPIs, SGIs, WAKER, DPG, registers.
#include "gic_test.h"

using namespace gictest;

namespace {

struct Redist : GicTest {
    // scenarios with expected times from the latency parameters (GIC_TIMING_TEST)
    void LevelPpiTimingAndRepend();
    void EdgePpiDoesNotRepend();
    void WakerSleepBlocksDelivery();
    void DpgExcludesCpuFromOneOfN();
    void SgiTargetListAff1();
    void SgiIrmAllButSelfAndRs();
    void SgiGroupRules();
    void SgiPendingRegisterAndDeactivateViaIcactiver();
};
using RedistLatencies = Latencies<Redist>;

// PPI wire path: spi_input 2 + redist_to_cpu 10 + cpu_signal 2 = 14 ns.
GIC_TIMING_TEST(Redist, LevelPpiTimingAndRepend)
{
    create();
    bringup(0);
    local(0, 0, 27, 0x80);
    ASSERT_EQ(gic_set_ppi(g, ns(3000), 0, 27, true), GIC_OK);
    gic_run_until(g, ns(3500));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_ppi_wire(), 0));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 27u);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 27);
    gic_run_until(g, ns(5500));
    auto d = outs(GIC_OUT_DEACTIVATE);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].intid, 27u);
    EXPECT_EQ(d[0].cpu, 0u);
    EXPECT_EQ(d[0].time, ns(5000));
    // still high: pending again, forwarded redistributor -> pin (12 ns)
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_ppi_wire(), 0) + irq_down(ns(4000), 0) + irq_up(ns(5000) + path_redist(), 0));
    gic_set_ppi(g, ns(6000), 0, 27, false);
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_ppi_wire(), 0) + irq_down(ns(4000), 0) + irq_up(ns(5000) + path_redist(), 0)
              + irq_down(ns(6000), 0));
    EXPECT_EQ(counter("irq.delivered.ppi"), 1u);
    auto h = hist("latency.line_to_signal.ppi");
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.max, path_ppi_wire()); // wire -> pin
    EXPECT_EQ(h.min, path_redist()); // re-pend at deactivation -> pin
    EXPECT_EQ(hist("latency.line_to_iar.ppi").min, ns(1000));
}

GIC_TIMING_TEST(Redist, EdgePpiDoesNotRepend)
{
    create();
    bringup(0);
    local(0, 1, 20, 0x80, true);
    gic_set_ppi(g, ns(3000), 1, 20, true);
    EXPECT_EQ(sr(ns(4000), 1, GIC_ICC_IAR1_EL1), 20u);
    sw(ns(5000), 1, GIC_ICC_EOIR1_EL1, 20);
    gic_run_until(g, ns(7000));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_ppi_wire(), 1) + irq_down(ns(4000), 1));
    EXPECT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 1u);
    EXPECT_EQ(rr(ns(7000), 1, GICR_ICFGR1), 2u << 8);
}

GIC_TIMING_TEST(Redist, WakerSleepBlocksDelivery)
{
    create();
    dw(0, GICD_CTLR, GICD_CTLR_EnableGrp1NS);
    sw(0, 0, GIC_ICC_PMR_EL1, 0xf0);
    sw(0, 0, GIC_ICC_IGRPEN1_EL1, 1);
    EXPECT_EQ(rr(0, 0, GICR_WAKER), GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep); // at reset
    local(0, 0, 27, 0x80);
    gic_set_ppi(g, ns(3000), 0, 27, true);
    gic_run_until(g, ns(10000));
    EXPECT_EQ(lines(), "");
    EXPECT_EQ(sr(ns(10000), 0, GIC_ICC_HPPIR1_EL1), 1023u);
    rw(ns(10000), 0, GICR_WAKER, 0);
    EXPECT_EQ(rr(ns(10000), 0, GICR_WAKER), 0u);
    gic_run_until(g, ns(11000));
    EXPECT_EQ(lines(), irq_up(ns(10000) + path_redist(), 0));
    rw(ns(11000), 0, GICR_WAKER, GICR_WAKER_ProcessorSleep); // going to sleep drops the line
    EXPECT_EQ(rr(ns(11000), 0, GICR_WAKER), GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep);
    EXPECT_EQ(lines(), irq_up(ns(10000) + path_redist(), 0) + irq_down(ns(11000), 0));
}

GIC_TIMING_TEST(Redist, DpgExcludesCpuFromOneOfN)
{
    cfg.num_cpus = 2;
    create();
    bringup(0);
    rw(0, 0, GICR_CTLR, GICR_CTLR_DPG1NS);
    EXPECT_EQ(rr(0, 0, GICR_CTLR) & GICR_CTLR_DPG1NS, GICR_CTLR_DPG1NS);
    spi(0, 40, 0x80, true, -1);
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 1));
}

TEST_F(Redist, RegisterValues)
{
    create();
    // PLPIS, DirectLPI, DPGS, Processor_Number, Last, affinity
    EXPECT_EQ(rr(0, 0, GICR_TYPER, 8), 0x29u);
    EXPECT_EQ(rr(0, 3, GICR_TYPER, 8), 0x0000000300000339ull);
    EXPECT_EQ(rr(0, 3, GICR_TYPER + 4), 3u); // upper half: affinity
    EXPECT_EQ(rr(0, 0, GICR_IIDR), GIC_IIDR_ARM);
    EXPECT_EQ(rr(0, 0, GICR_PIDR2), PIDR2_GICv3);
    EXPECT_EQ(rr(0, 0, GICR_ICFGR0), 0xaaaaaaaau);
    rw(0, 0, GICR_ICFGR0, 0);
    EXPECT_EQ(rr(0, 0, GICR_ICFGR0), 0xaaaaaaaau);
    rw(0, 0, GICR_ICFGR1, 0xffffffff);
    EXPECT_EQ(rr(0, 0, GICR_ICFGR1), 0xaaaaaaaau);
    rw(0, 0, GICR_IPRIORITYR + 5, 0xff, 1);
    EXPECT_EQ(rr(0, 0, GICR_IPRIORITYR + 4), 0xf800u);
    rw(0, 2, GICR_ISENABLER0, 0x80000001);
    EXPECT_EQ(rr(0, 2, GICR_ISENABLER0), 0x80000001u);
    EXPECT_EQ(rr(0, 1, GICR_ISENABLER0), 0u);
    rw(0, 2, GICR_ICENABLER0, 0x1);
    EXPECT_EQ(rr(0, 2, GICR_ICENABLER0), 0x80000000u);
    rw(0, 0, GICR_IGRPMODR0, 0xffffffff); // RAZ/WI (DS = 1)
    EXPECT_EQ(rr(0, 0, GICR_IGRPMODR0), 0u);
    rw(0, 0, GICR_CTLR, GICR_CTLR_DPG1S); // RAZ/WI with DS = 1
    EXPECT_EQ(rr(0, 0, GICR_CTLR) & (GICR_CTLR_DPG0 | GICR_CTLR_DPG1NS | GICR_CTLR_DPG1S), 0u);
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, GICR_WAKER), "GICR_WAKER");
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, GICR_ICFGR1), "GICR_ICFGR1");
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069 GICR_CTLR.CES (Clear Enable Supported, RO): 1 = EnableLPIs is not
// RES1 once set; "implementing GICR_CTLR.EnableLPIs as programmable and not
// reporting GICR_CTLR.CES == 1 is deprecated". The model lets software clear
// EnableLPIs in every configuration with LPIs, GICv3 included.
TEST_F(Redist, CtlrCesReportsThatEnableLpisCanBeCleared)
{
    constexpr uint64_t CES = 1u << 1;
    create(); // gic_version 3, LPIs
    EXPECT_EQ(rr(0, 0, GICR_CTLR) & CES, CES);
    rw(0, 0, GICR_CTLR, 0); // read-only: a write of 0 leaves it
    EXPECT_EQ(rr(0, 0, GICR_CTLR) & CES, CES);
    destroy();
    cfg.gic_version = 4; // GICv4.0
    create();
    EXPECT_EQ(rr(0, 1, GICR_CTLR) & CES, CES);
    destroy();
    cfg.gic_version = 3;
    cfg.lpi_id_bits = 0; // no LPIs: EnableLPIs is RES0, CES too
    cfg.num_its = 0;
    create();
    EXPECT_EQ(rr(0, 0, GICR_CTLR) & CES, 0u);
}

// IHI0069 GICR_TYPER.DirectLPI = 1: "This Redistributor supports direct
// injection of LPIs" (GICR_SETLPIR, ...). Without LPIs (PLPIS = 0) there is
// nothing to inject: DirectLPI reads 0.
TEST_F(Redist, TyperDirectLpiFollowsPlpis)
{
    create();
    EXPECT_EQ(rr(0, 0, GICR_TYPER, 8) & 0x9, 0x9u); // PLPIS, DirectLPI
    destroy();
    cfg.lpi_id_bits = 0;
    cfg.num_its = 0;
    create();
    EXPECT_EQ(rr(0, 0, GICR_TYPER, 8) & 0x9, 0u);
    EXPECT_EQ(rr(0, 1, GICR_TYPER, 8) & 0x9, 0u);
}

TEST_F(Redist, EveryReservedOffsetReadsZero)
{
    cfg.num_cpus = 2;
    create();
    uint64_t reserved = 0;
    for (uint64_t off = 0; off < GIC_GICR_STRIDE; off += 4) {
        uint64_t v = ~0ull;
        ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 1, off, 4, &v), GIC_OK) << std::hex << off;
        if (!gic_reg_name(g, GIC_FRAME_GICR, off)) {
            EXPECT_EQ(v, 0u) << std::hex << off;
            reserved++;
        }
    }
    EXPECT_EQ(counter("errors.mmio_reserved_read"), reserved);
    EXPECT_GT(reserved, 32000u);
    uint64_t v;
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 2, 0, 4, &v), GIC_ERR_ADDR);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, GICR_WAKER, 2, &v), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, GICR_TYPER, 2, &v), GIC_ERR_SIZE);
    EXPECT_EQ(counter("errors.mmio_bad_size"), 2u);
    EXPECT_EQ(gic_set_ppi(g, 0, 0, 15, true), GIC_ERR_ARG);
    EXPECT_EQ(gic_set_ppi(g, 0, 2, 20, true), GIC_ERR_ARG);
}

// IHI0069 memory map: GICD, each ITS's frames and each redistributor's frames
// are distinct 64 KiB pages. A map whose regions overlap (two ITSs at the
// default GITS base run into GICR) would route one frame's accesses to
// another: the configuration is refused.
TEST_F(Redist, OverlappingFrameRegionsAreRefused)
{
    cfg.num_its = 2; // 2 x 128 KiB from 0x08080000 reaches GICR at 0x080a0000
    EXPECT_NE(create_rejected().find("overlap"), std::string::npos);
    cfg.num_its = 1;
    cfg.gicr_base = cfg.gicd_base; // GICR on GICD
    EXPECT_NE(create_rejected().find("overlap"), std::string::npos);
    cfg.gicr_base = 0xfffffffffffe0000ull; // 4 redistributors past the top of the address space
    EXPECT_NE(create_rejected().find("map"), std::string::npos);
    // 512 GICv4 redistributors (128 MiB) after GICD and the ITS: accepted
    gic_config_default(&cfg);
    cfg.num_cpus = 512;
    cfg.gic_version = 4;
    char err[256] = "";
    EXPECT_EQ(gic_config_validate(&cfg, err, sizeof err), GIC_OK) << err;
    // two ITSs with GICR moved out of their way: each frame decodes to itself
    gic_config_default(&cfg);
    cfg.num_its = 2;
    cfg.gicr_base = 0x08100000;
    create();
    gic_frame_t f;
    uint32_t i;
    uint64_t off;
    ASSERT_EQ(gic_decode_addr(g, cfg.gits_base + GIC_GITS_SIZE, &f, &i, &off), GIC_OK);
    EXPECT_EQ(f, GIC_FRAME_GITS);
    EXPECT_EQ(i, 1u);
    ASSERT_EQ(gic_decode_addr(g, cfg.gicr_base, &f, &i, &off), GIC_OK);
    EXPECT_EQ(f, GIC_FRAME_GICR);
    EXPECT_EQ(i, 0u);
}

// SGI path: lat_sgi 20 + redist_to_cpu 10 + cpu_signal 2 = 32 ns after the write.
GIC_TIMING_TEST(Redist, SgiTargetListAff1)
{
    cfg.num_cpus = 4;
    cfg.cpus_per_cluster = 2; // CPU 3 = Aff1 1, Aff0 1
    create();
    bringup(0);
    for (uint32_t c = 0; c < 4; c++) local(0, c, 5, 0x80);
    // INTID 5, Aff1 = 1, TargetList = 0b10
    sw(ns(3000), 0, GIC_ICC_SGI1R_EL1, icc_sgir(5, 0x2, 1));
    gic_run_until(g, ns(3500));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_sgi(), 3));
    EXPECT_EQ(sr(ns(4000), 3, GIC_ICC_IAR1_EL1), 5u);
    EXPECT_EQ(hist("latency.line_to_iar.sgi").min, ns(1000));
    EXPECT_EQ(hist("latency.line_to_signal.sgi").min, path_sgi());
    EXPECT_EQ(counter("irq.delivered.sgi"), 1u);
}

GIC_TIMING_TEST(Redist, SgiIrmAllButSelfAndRs)
{
    cfg.num_cpus = 4;
    create();
    bringup(0);
    for (uint32_t c = 0; c < 4; c++) local(0, c, 3, 0x80);
    sw(ns(3000), 1, GIC_ICC_SGI1R_EL1, icc_sgir(3, 0, 0, 0, true));
    gic_run_until(g, ns(3500));
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_sgi(), 0) + irq_up(ns(3000) + path_sgi(), 2) + irq_up(ns(3000) + path_sgi(), 3));
    // RS = 1 selects Aff0 16..31: no such CPU, counted
    sw(ns(4000), 0, GIC_ICC_SGI1R_EL1, icc_sgir(3, 0x3, 0, 0, false, 1));
    gic_run_until(g, ns(5000));
    EXPECT_EQ(outs(GIC_OUT_LINE).size(), 3u);
    EXPECT_EQ(counter("errors.sgi_no_target"), 2u);
    // self-targeted SGI with IRM = 0
    sw(ns(5000), 1, GIC_ICC_SGI1R_EL1, icc_sgir(3, 0x2));
    gic_run_until(g, ns(6000));
    EXPECT_EQ(outs(GIC_OUT_LINE, 1).size(), 1u);
    EXPECT_EQ(outs(GIC_OUT_LINE, 1)[0].time, ns(5000) + path_sgi());
}

GIC_TIMING_TEST(Redist, SgiGroupRules)
{
    cfg.num_cpus = 2;
    create();
    bringup(0, true);
    local(0, 1, 1, 0x80, false, 1); // SGI 1: Group 1
    local(0, 1, 2, 0x80, false, 0); // SGI 2: Group 0
    // SGI0R to a Group 1 SGI: not forwarded
    sw(ns(1000), 0, GIC_ICC_SGI0R_EL1, icc_sgir(1, 0x2));
    gic_run_until(g, ns(2000));
    EXPECT_EQ(lines(), "");
    EXPECT_EQ(counter("errors.sgi_group_mismatch"), 1u);
    // SGI0R to a Group 0 SGI: FIQ
    sw(ns(2000), 0, GIC_ICC_SGI0R_EL1, icc_sgir(2, 0x2));
    gic_run_until(g, ns(3000));
    EXPECT_EQ(lines(), fiq_up(ns(2000) + path_sgi(), 1));
    EXPECT_EQ(sr(ns(3000), 1, GIC_ICC_IAR0_EL1), 2u);
    sw(ns(3000), 1, GIC_ICC_EOIR0_EL1, 2);
    // SGI1R sets the SGI whatever group the target configured (DS = 1)
    sw(ns(4000), 0, GIC_ICC_SGI1R_EL1, icc_sgir(2, 0x2));
    gic_run_until(g, ns(5000));
    EXPECT_EQ(lines(), fiq_up(ns(2000) + path_sgi(), 1) + fiq_down(ns(3000), 1) + fiq_up(ns(4000) + path_sgi(), 1));
    EXPECT_EQ(sr(ns(5000), 1, GIC_ICC_IAR0_EL1), 2u);
    sw(ns(5000), 1, GIC_ICC_EOIR0_EL1, 2);
    // ASGI1R behaves as SGI0R with DS = 1
    sw(ns(6000), 0, GIC_ICC_ASGI1R_EL1, icc_sgir(1, 0x2));
    gic_run_until(g, ns(7000));
    EXPECT_EQ(counter("errors.sgi_group_mismatch"), 2u);
    sw(ns(7000), 0, GIC_ICC_ASGI1R_EL1, icc_sgir(2, 0x2));
    gic_run_until(g, ns(8000));
    EXPECT_EQ(outs(GIC_OUT_LINE).back().time, ns(7000) + path_sgi());
    EXPECT_EQ(outs(GIC_OUT_LINE).back().line, (uint32_t)GIC_LINE_FIQ);
}

GIC_TIMING_TEST(Redist, SgiPendingRegisterAndDeactivateViaIcactiver)
{
    create();
    bringup(0);
    local(0, 0, 7, 0x80);
    rw(ns(1000), 0, GICR_ISPENDR0, 1u << 7);
    gic_run_until(g, ns(2000));
    EXPECT_EQ(lines(), irq_up(ns(1000) + path_redist(), 0));
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 7u);
    EXPECT_EQ(rr(ns(2000), 0, GICR_ISACTIVER0), 1u << 7);
    rw(ns(2100), 0, GICR_ICACTIVER0, 1u << 7);
    EXPECT_EQ(rr(ns(2100), 0, GICR_ISACTIVER0), 0u);
}

GIC_LATENCY_PROFILES(RedistLatencies);

} // namespace
