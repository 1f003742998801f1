// Distributor (GICD_*): SPI delivery timing, level/edge, routing, registers.
#include "gic_test.h"

using namespace gictest;

namespace {

struct Dist : GicTest {
    // scenarios with expected times from the latency parameters (GIC_TIMING_TEST)
    void EdgeSpiTimingAckEoi();
    void EdgeLatchesOnceWhileActive();
    void LevelRepends();
    void LevelLineDropBeforeAckRemovesPending();
    void SetSpiNsrAndIspendr();
    void EnableWhilePendingForwardsFromEnable();
    void TargetedRouting();
    void OneOfNRoundRobinAndRetarget();
    void OneOfNPrefersCpuThatWouldTakeIt();
    void OneOfNNoParticipantWaits();
    void GroupDisableInDistributorHoldsSpi();
};
using DistLatencies = Latencies<Dist>;

// Default latencies (cycles, 1 ns each): spi_input 2, dist_to_redist 10,
// redist_to_cpu 10, cpu_signal 2 -> SPI wire path 24 ns, SETSPI path 22 ns.

GIC_TIMING_TEST(Dist, EdgeSpiTimingAckEoi)
{
    create();
    bringup(0);
    spi(ns(2000), 40, 0x80, true, 0);
    ASSERT_EQ(gic_set_spi(g, ns(3000), 40, true), GIC_OK);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 0));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 0) + irq_down(ns(4000), 0));
    gic_set_spi(g, ns(4100), 40, false);
    EXPECT_EQ(dr(ns(4200), GICD_ISACTIVER + 4), 1u << 8);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 40);
    auto d = outs(GIC_OUT_DEACTIVATE);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].time, ns(5000));
    EXPECT_EQ(d[0].intid, 40u);
    EXPECT_EQ(d[0].cpu, 0u);
    EXPECT_EQ(dr(ns(5000), GICD_ISACTIVER + 4), 0u);
    gic_run_until(g, ns(8000));
    EXPECT_EQ(outs(GIC_OUT_LINE).size(), 2u); // an edge does not re-pend
    EXPECT_EQ(counter("irq.delivered.spi"), 1u);
    auto h = hist("latency.line_to_iar.spi");
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.min, ns(1000));
    h = hist("latency.line_to_signal.spi");
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.min, path_spi_wire());
    h = hist("latency.iar_to_eoi");
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.min, ns(1000));
}

GIC_TIMING_TEST(Dist, EdgeLatchesOnceWhileActive)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    gic_set_spi(g, ns(3000), 40, true);
    EXPECT_EQ(sr(ns(3100), 0, GIC_ICC_IAR1_EL1), 40u);
    gic_set_spi(g, ns(3200), 40, false);
    gic_set_spi(g, ns(3300), 40, true); // new edge while active: active and pending
    gic_set_spi(g, ns(3400), 40, false);
    EXPECT_EQ(dr(ns(3500), GICD_ISPENDR + 4), 1u << 8);
    sw(ns(4000), 0, GIC_ICC_EOIR1_EL1, 40);
    gic_run_until(g, ns(5000));
    // forwarded again on deactivation: 22 ns distributor -> pin
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_spi_wire(), 0) + irq_down(ns(3100), 0) + irq_up(ns(4000) + path_dist(), 0));
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_IAR1_EL1), 40u);
    auto h = hist("latency.line_to_iar.spi");
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min, ns(100));       // first: 3100 - 3000
    EXPECT_EQ(h.max, ns(5000 - 3300)); // second: latency from the second edge
}

GIC_TIMING_TEST(Dist, LevelRepends)
{
    create();
    bringup(0);
    spi(0, 41, 0x80, false, 0);
    gic_set_spi(g, ns(3000), 41, true);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 41u);
    EXPECT_EQ(dr(ns(4000), GICD_ISPENDR + 4), 1u << 9); // active and pending
    EXPECT_EQ(dr(ns(4000), GICD_ISACTIVER + 4), 1u << 9);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 41);
    gic_run_until(g, ns(5500));
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_spi_wire(), 0) + irq_down(ns(4000), 0) + irq_up(ns(5000) + path_dist(), 0));
    auto d = outs(GIC_OUT_DEACTIVATE);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].time, ns(5000));
    EXPECT_EQ(d[0].intid, 41u);
    EXPECT_EQ(sr(ns(6000), 0, GIC_ICC_IAR1_EL1), 41u);
    gic_set_spi(g, ns(6500), 41, false); // source serviced
    sw(ns(7000), 0, GIC_ICC_EOIR1_EL1, 41);
    gic_run_until(g, ns(9000));
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_spi_wire(), 0) + irq_down(ns(4000), 0) + irq_up(ns(5000) + path_dist(), 0)
              + irq_down(ns(6000), 0));
    EXPECT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 2u);
    EXPECT_EQ(dr(ns(9000), GICD_ISPENDR + 4), 0u);
    auto h = hist("latency.line_to_iar.spi");
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min, ns(1000)); // 4000-3000 and 6000-5000 (new episode at deactivation)
    EXPECT_EQ(h.max, ns(1000));
}

GIC_TIMING_TEST(Dist, LevelLineDropBeforeAckRemovesPending)
{
    create();
    bringup(0);
    spi(0, 41, 0x80, false, 0);
    gic_set_spi(g, ns(3000), 41, true);
    gic_set_spi(g, ns(3100), 41, false);
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 0) + irq_down(ns(3100), 0));
    EXPECT_EQ(sr(ns(3200), 0, GIC_ICC_IAR1_EL1), 1023u);
    EXPECT_EQ(counter("irq.spurious"), 1u);
}

GIC_TIMING_TEST(Dist, SetSpiNsrAndIspendr)
{
    create();
    bringup(0);
    spi(0, 42, 0x80, true, 0);
    spi(0, 43, 0x80, true, 0);
    dw(ns(3000), GICD_SETSPI_NSR, 42);
    gic_run_until(g, ns(3100));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_dist(), 0)); // no spi_input stage
    EXPECT_EQ(sr(ns(3100), 0, GIC_ICC_IAR1_EL1), 42u);
    sw(ns(3200), 0, GIC_ICC_EOIR1_EL1, 42);
    dw(ns(4000), GICD_ISPENDR + 4, 1u << 11); // INTID 43
    gic_run_until(g, ns(4100));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_dist(), 0) + irq_down(ns(3100), 0) + irq_up(ns(4000) + path_dist(), 0));
    dw(ns(4200), GICD_ICPENDR + 4, 1u << 11);
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_dist(), 0) + irq_down(ns(3100), 0) + irq_up(ns(4000) + path_dist(), 0)
              + irq_down(ns(4200), 0));
    // CLRSPI_NSR removes a message-set pending state before it is seen
    dw(ns(5000), GICD_SETSPI_NSR, 42);
    ASSERT_GT(path_dist(), ns(10));
    dw(ns(5010), GICD_CLRSPI_NSR, 42);
    gic_run_until(g, ns(6000));
    EXPECT_EQ(outs(GIC_OUT_LINE).size(), 4u);
    // bad INTID is counted
    dw(ns(6000), GICD_SETSPI_NSR, 1000);
    EXPECT_EQ(counter("errors.setspi_bad_intid"), 1u);
}

GIC_TIMING_TEST(Dist, EnableWhilePendingForwardsFromEnable)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    dw(0, GICD_ICENABLER + 4, 1u << 8);
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), "");
    dw(ns(4000), GICD_ISENABLER + 4, 1u << 8);
    gic_run_until(g, ns(5000));
    EXPECT_EQ(lines(), irq_up(ns(4000) + path_dist(), 0));
    dw(ns(5000), GICD_ICENABLER + 4, 1u << 8);
    EXPECT_EQ(lines(), irq_up(ns(4000) + path_dist(), 0) + irq_down(ns(5000), 0));
}

GIC_TIMING_TEST(Dist, TargetedRouting)
{
    cfg.num_cpus = 2;
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 1);
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 1));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 1023u);
    EXPECT_EQ(sr(ns(4000), 1, GIC_ICC_IAR1_EL1), 40u);
    // Aff0 = 5 names no CPU: not delivered, counted
    spi(ns(5000), 41, 0x80, true, 0);
    dw(ns(5000), GICD_IROUTER + 8 * 41, 5, 8);
    EXPECT_EQ(dr(ns(5000), GICD_IROUTER + 8 * 41, 8), 5u);
    gic_set_spi(g, ns(6000), 41, true);
    gic_run_until(g, ns(7000));
    EXPECT_EQ(outs(GIC_OUT_LINE).size(), 2u);
    EXPECT_EQ(counter("errors.spi_no_target"), 1u);
    EXPECT_EQ(counter("spi.no_target"), 1u);
    // re-routing a pending SPI delivers it
    dw(ns(7000), GICD_IROUTER + 8 * 41, 0, 8);
    gic_run_until(g, ns(8000));
    EXPECT_EQ(outs(GIC_OUT_LINE, 0).size(), 1u);
    EXPECT_EQ(outs(GIC_OUT_LINE, 0)[0].time, ns(7000) + path_dist());
}

GIC_TIMING_TEST(Dist, OneOfNRoundRobinAndRetarget)
{
    cfg.num_cpus = 2;
    create();
    bringup(0);
    spi(0, 40, 0x80, true, -1);
    spi(0, 41, 0x80, true, -1);
    gic_set_spi(g, ns(3000), 40, true);
    gic_set_spi(g, ns(3100), 41, true);
    gic_run_until(g, ns(3500));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_spi_wire(), 0) + irq_up(ns(3100) + path_spi_wire(), 1));
    // CPU 1 stops participating (IGRPEN1 = 0): SPI 41 moves to CPU 0
    sw(ns(4000), 1, GIC_ICC_IGRPEN1_EL1, 0);
    EXPECT_EQ(lines(),
              irq_up(ns(3000) + path_spi_wire(), 0) + irq_up(ns(3100) + path_spi_wire(), 1) + irq_down(ns(4000), 1));
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_HPPIR1_EL1), 41u); // retargeted, visible since 4022 ns
    sw(ns(6000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(ns(6000), 0, GIC_ICC_IAR1_EL1), 41u);
    EXPECT_EQ(counter("irq.delivered.spi"), 2u);
}

GIC_TIMING_TEST(Dist, OneOfNPrefersCpuThatWouldTakeIt)
{
    cfg.num_cpus = 2;
    create();
    bringup(0);
    spi(0, 50, 0x10, true, 0);
    spi(0, 40, 0x80, true, -1);
    gic_set_spi(g, ns(2000), 50, true);
    EXPECT_EQ(sr(ns(2500), 0, GIC_ICC_IAR1_EL1), 50u); // CPU 0 runs at priority 0x10
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(),
              irq_up(ns(2000) + path_spi_wire(), 0) + irq_down(ns(2500), 0) + irq_up(ns(3000) + path_spi_wire(), 1));
}

// IHI0069 ICC_CTLR_EL1.PMHE: the priority mask is a hint for 1-of-N
// distribution only while PMHE = 1 (read/write here, DS = 1). CPU 0, first
// in the round-robin, masks the SPI's priority with its PMR: with PMHE = 0 it
// is still chosen (and the SPI waits for its PMR), with PMHE = 1 CPU 1 is.
TEST_F(Dist, OneOfNUsesThePriorityMaskAsAHintOnlyWithPmhe)
{
    for (bool pmhe : {false, true}) {
        destroy();
        cfg.num_cpus = 2;
        create();
        bringup(0);
        spi(ns(1000), 40, 0x80, true, -1);
        sw(ns(1000), 0, GIC_ICC_PMR_EL1, 0x40);
        sw(ns(1000), 0, GIC_ICC_CTLR_EL1, pmhe ? 1u << 6 : 0);
        EXPECT_EQ(sr(ns(1000), 0, GIC_ICC_CTLR_EL1) >> 6 & 1, pmhe ? 1u : 0u);
        EXPECT_EQ(sr(ns(1000), 1, GIC_ICC_CTLR_EL1) >> 6 & 1, 0u) << "PMHE is per CPU interface";
        gic_set_spi(g, ns(3000), 40, true);
        gic_run_until(g, ns(4000));
        EXPECT_EQ(lines(), pmhe ? irq_up(ns(3000) + path_spi_wire(), 1) : "") << "PMHE " << pmhe;
        if (!pmhe) {
            // the SPI waits at CPU 0 until its mask opens
            sw(ns(5000), 0, GIC_ICC_PMR_EL1, 0xf0);
            EXPECT_EQ(sr(ns(6000), 0, GIC_ICC_IAR1_EL1), 40u);
        } else {
            EXPECT_EQ(sr(ns(6000), 1, GIC_ICC_IAR1_EL1), 40u);
        }
    }
    EXPECT_EQ(counter("errors.total"), 0u);
}

GIC_TIMING_TEST(Dist, OneOfNNoParticipantWaits)
{
    cfg.num_cpus = 2;
    create();
    bringup(0);
    spi(0, 40, 0x80, true, -1);
    sw(ns(100), 0, GIC_ICC_IGRPEN1_EL1, 0);
    sw(ns(100), 1, GIC_ICC_IGRPEN1_EL1, 0);
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), "");
    EXPECT_EQ(counter("spi.1ofn_no_participant"), 1u);
    sw(ns(4000), 1, GIC_ICC_IGRPEN1_EL1, 1);
    gic_run_until(g, ns(5000));
    EXPECT_EQ(lines(), irq_up(ns(4000) + path_dist(), 1));
}

TEST_F(Dist, RegisterValues)
{
    create();
    EXPECT_EQ(dr(0, GICD_CTLR), 0x50u); // ARE and DS read as one
    dw(0, GICD_CTLR, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_CTLR), 0x53u);
    // ITLinesNumber 3 (128 INTIDs), CPUNumber 0 (ARE RAO/WI), MBIS, LPIS, IDbits 15, A3V, RSS
    EXPECT_EQ(dr(0, GICD_TYPER), 0x57b0003u);
    EXPECT_EQ(dr(0, GICD_IIDR), GIC_IIDR_ARM);
    EXPECT_EQ(dr(0, GICD_TYPER2), 0u);
    EXPECT_EQ(dr(0, GICD_PIDR2), PIDR2_GICv3);
    EXPECT_EQ(dr(0, GICD_CIDR0), 0x0du);
    // priority keeps the implemented (upper 5) bits
    dw(0, GICD_IPRIORITYR + 33, 0xff, 1);
    EXPECT_EQ(dr(0, GICD_IPRIORITYR + 33, 1), 0xf8u);
    dw(0, GICD_IPRIORITYR + 36, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_IPRIORITYR + 36), 0xf8f8f8f8u);
    // INTIDs 0-31 are RAZ/WI in the distributor with ARE = 1
    dw(0, GICD_ISENABLER, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_ISENABLER), 0u);
    dw(0, GICD_IPRIORITYR, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_IPRIORITYR), 0u);
    // unimplemented SPIs (>= 128) are RAZ/WI
    dw(0, GICD_ISENABLER + 16, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_ISENABLER + 16), 0u);
    dw(0, GICD_ISENABLER + 12, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_ISENABLER + 12), 0xffffffffu);
    dw(0, GICD_ICENABLER + 12, 0x0000ffff);
    EXPECT_EQ(dr(0, GICD_ICENABLER + 12), 0xffff0000u);
    // ITARGETSR is RAZ/WI with ARE = 1
    dw(0, GICD_ITARGETSR + 40, 0xff, 1);
    EXPECT_EQ(dr(0, GICD_ITARGETSR + 40, 1), 0u);
    // IROUTER keeps Aff3, IRM, Aff2..Aff0
    dw(0, GICD_IROUTER + 8 * 40, ~0ull, 8);
    EXPECT_EQ(dr(0, GICD_IROUTER + 8 * 40, 8), 0xff80ffffffull);
    EXPECT_EQ(dr(0, GICD_IROUTER + 8 * 40 + 4), 0xffu); // upper half
    // ICFGR: odd bits only
    dw(0, GICD_ICFGR + 8, 0xffffffff);
    EXPECT_EQ(dr(0, GICD_ICFGR + 8), 0xaaaaaaaau);
    // IGROUPR
    dw(0, GICD_IGROUPR + 4, 0x5);
    EXPECT_EQ(dr(0, GICD_IGROUPR + 4), 0x5u);
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICD, GICD_IROUTER + 8 * 32), "GICD_IROUTER");
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICD, GICD_PIDR2), "GICD_PIDR2");
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069 GICD_TYPER.CPUNumber: the number of PEs usable when affinity
// routing is not enabled, minus 1; "If the implementation does not support
// ARE being zero, this field is 0b000" (ARE is RAO/WI here).
TEST_F(Dist, TyperCpuNumberIsZeroWhenAreCannotBeZero)
{
    cfg.num_cpus = 4;
    create();
    dw(0, GICD_CTLR, 0);
    EXPECT_EQ(dr(0, GICD_CTLR) & GICD_CTLR_ARE, GICD_CTLR_ARE); // ARE cannot be cleared
    EXPECT_EQ((dr(0, GICD_TYPER) >> 5) & 7, 0u);
    destroy();
    cfg.num_cpus = 12;
    create();
    EXPECT_EQ((dr(0, GICD_TYPER) >> 5) & 7, 0u);
}

TEST_F(Dist, EveryReservedOffsetReadsZero)
{
    create();
    uint64_t reserved = 0;
    for (uint64_t off = 0; off < 0x10000; off += 4) {
        uint64_t v = ~0ull;
        ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, off, 4, &v), GIC_OK) << std::hex << off;
        if (!gic_reg_name(g, GIC_FRAME_GICD, off)) {
            EXPECT_EQ(v, 0u) << std::hex << off;
            reserved++;
        }
        ASSERT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, off, 4, 0), GIC_OK) << std::hex << off;
    }
    EXPECT_EQ(counter("errors.mmio_reserved_read"), reserved);
    EXPECT_GT(reserved, 10000u);
}

TEST_F(Dist, BadSizesAreRejectedAndCounted)
{
    create();
    uint64_t v = 0;
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, GICD_CTLR, 2, &v), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, GICD_CTLR, 8, &v), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, GICD_CTLR, 1, 3), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, GICD_CTLR + 2, 4, &v), GIC_ERR_SIZE);
    EXPECT_EQ(counter("errors.mmio_bad_size"), 4u);
    EXPECT_EQ(dr(0, GICD_CTLR), 0x50u); // rejected write left no trace
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, GICD_IPRIORITYR + 41, 1, &v), GIC_OK);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, 0x10000, 4, &v), GIC_ERR_ADDR);
    EXPECT_EQ(gic_set_spi(g, 0, 128, true), GIC_ERR_ARG);
    EXPECT_EQ(gic_set_spi(g, 0, 31, true), GIC_ERR_ARG);
}

// IHI0069 GICD_SETSPI_NSR / GICD_CLRSPI_NSR (and the _SR forms): "16-bit
// accesses to bits [15:0] of this register must be supported" (a 16-bit MSI
// write carries the INTID).
TEST_F(Dist, SetSpiTakesHalfwordWritesToBits15To0)
{
    create();
    bringup(0);
    spi(ns(1000), 42, 0x80, true, 0);
    spi(ns(1000), 43, 0x80, false, 0);
    EXPECT_EQ(gic_mmio_write(g, ns(3000), GIC_FRAME_GICD, 0, GICD_SETSPI_NSR, 2, 42), GIC_OK);
    gic_run_until(g, ns(3100));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_dist(), 0));
    EXPECT_EQ(sr(ns(3100), 0, GIC_ICC_IAR1_EL1), 42u);
    sw(ns(3200), 0, GIC_ICC_EOIR1_EL1, 42);
    // a level SPI: 16-bit SETSPI asserts, 16-bit CLRSPI deasserts
    EXPECT_EQ(gic_mmio_write(g, ns(4000), GIC_FRAME_GICD, 0, GICD_SETSPI_NSR, 2, 43), GIC_OK);
    EXPECT_EQ(dr(ns(4000), GICD_ISPENDR + 4), 1u << 11);
    EXPECT_EQ(gic_mmio_write(g, ns(4100), GIC_FRAME_GICD, 0, GICD_CLRSPI_NSR, 2, 43), GIC_OK);
    EXPECT_EQ(dr(ns(4100), GICD_ISPENDR + 4), 0u);
    // the Secure forms are WI with DS = 1, at 16 bits too
    EXPECT_EQ(gic_mmio_write(g, ns(4200), GIC_FRAME_GICD, 0, GICD_SETSPI_SR, 2, 42), GIC_OK);
    EXPECT_EQ(gic_mmio_write(g, ns(4200), GIC_FRAME_GICD, 0, GICD_CLRSPI_SR, 2, 42), GIC_OK);
    EXPECT_EQ(dr(ns(4200), GICD_ISPENDR + 4), 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
    // bits [31:16] alone are not a supported access: rejected and counted
    EXPECT_EQ(gic_mmio_write(g, ns(4300), GIC_FRAME_GICD, 0, GICD_SETSPI_NSR + 2, 2, 0), GIC_ERR_SIZE);
    EXPECT_EQ(counter("errors.mmio_bad_size"), 1u);
}

// IHI0069 GICD_SETSPI_NSR: a level-sensitive SPI made pending by it "will
// remain pending until it is deasserted by a write to GICD_CLRSPI_NSR or
// GICD_CLRSPI_SR"; GICD_ICPENDR has no effect on a level-sensitive interrupt
// pending for a reason other than a write to GICD_ISPENDR.
TEST_F(Dist, IcpendrLeavesLevelSpiAssertedBySetSpi)
{
    create();
    bringup(0);
    spi(ns(1000), 43, 0x80, false, 0);
    dw(ns(3000), GICD_SETSPI_NSR, 43);
    gic_run_until(g, ns(3100));
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_dist(), 0));
    dw(ns(3200), GICD_ICPENDR + 4, 1u << 11);
    EXPECT_EQ(dr(ns(3200), GICD_ISPENDR + 4), 1u << 11); // still asserted by the message
    EXPECT_EQ(lines(), irq_up(ns(3000) + path_dist(), 0));
    EXPECT_EQ(sr(ns(3300), 0, GIC_ICC_IAR1_EL1), 43u);
    EXPECT_EQ(dr(ns(3300), GICD_ISPENDR + 4), 1u << 11); // active and pending
    dw(ns(3400), GICD_CLRSPI_NSR, 43);
    EXPECT_EQ(dr(ns(3400), GICD_ISPENDR + 4), 0u);
    sw(ns(3500), 0, GIC_ICC_EOIR1_EL1, 43);
    // ISPENDR's latch on the same level SPI is what ICPENDR removes
    dw(ns(4000), GICD_ISPENDR + 4, 1u << 11);
    EXPECT_EQ(dr(ns(4000), GICD_ISPENDR + 4), 1u << 11);
    dw(ns(4100), GICD_ICPENDR + 4, 1u << 11);
    EXPECT_EQ(dr(ns(4100), GICD_ISPENDR + 4), 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

GIC_TIMING_TEST(Dist, GroupDisableInDistributorHoldsSpi)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    dw(ns(100), GICD_CTLR, 0);
    gic_set_spi(g, ns(3000), 40, true);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), "");
    dw(ns(4000), GICD_CTLR, GICD_CTLR_EnableGrp1NS);
    gic_run_until(g, ns(5000));
    EXPECT_EQ(lines(), irq_up(ns(4000) + path_dist(), 0));
}

GIC_LATENCY_PROFILES(DistLatencies);

} // namespace
