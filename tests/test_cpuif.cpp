// Physical CPU interface (ICC_*_EL1): priority masking, preemption, binary
// point, EOImode, active priorities, groups, error handling.
#include "gic_test.h"

using namespace gictest;

namespace {

struct Cpuif : GicTest {
    // edge pulse on an SPI wire
    void raise(gic_time_t t, uint32_t intid)
    {
        ASSERT_EQ(gic_set_spi(g, t, intid, true), GIC_OK);
        ASSERT_EQ(gic_set_spi(g, t, intid, false), GIC_OK);
    }
    // scenarios with expected times from the latency parameters (GIC_TIMING_TEST)
    void PmrMasksPriority();
    void NestingActivePrioritiesAndRpr();
    void SamePriorityDoesNotPreempt();
    void BinaryPointGroupsPriorities();
    void Group0IsFiqGroup1IsIrq();
};
using CpuifLatencies = Latencies<Cpuif>;

GIC_TIMING_TEST(Cpuif, PmrMasksPriority)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    sw(0, 0, GIC_ICC_PMR_EL1, 0x80); // priority must be strictly below PMR
    raise(ns(1000), 40);
    gic_run_until(g, ns(2000));
    EXPECT_EQ(lines(), "");
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_HPPIR1_EL1), 40u); // HPPIR ignores PMR
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 1023u);
    sw(ns(3000), 0, GIC_ICC_PMR_EL1, 0x88);
    EXPECT_EQ(lines(), irq_up(ns(3000), 0));
    sw(ns(3500), 0, GIC_ICC_PMR_EL1, 0x00);
    EXPECT_EQ(lines(), irq_up(ns(3000), 0) + irq_down(ns(3500), 0));
    sw(ns(4000), 0, GIC_ICC_PMR_EL1, 0xff);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_PMR_EL1), 0xf8u); // implemented bits only
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(counter("irq.spurious"), 1u);
}

GIC_TIMING_TEST(Cpuif, NestingActivePrioritiesAndRpr)
{
    create();
    bringup(0);
    spi(0, 40, 0x90, true, 0);
    spi(0, 41, 0x80, true, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_RPR_EL1), 0xffu);
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_RPR_EL1), 0x90u);
    raise(ns(3000), 41); // 0x80 < 0x90: preempts
    gic_run_until(g, ns(3500));
    EXPECT_EQ(lines(),
              irq_up(ns(1000) + path_spi_wire(), 0) + irq_down(ns(2000), 0) + irq_up(ns(3000) + path_spi_wire(), 0));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 41u);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_RPR_EL1), 0x80u);
    // pri_bits 5: AP1R0 bit = priority >> 3
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_AP1R0_EL1), (1u << 18) | (1u << 16));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_AP0R0_EL1), 0u);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 41);
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_RPR_EL1), 0x90u);
    sw(ns(6000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(ns(6000), 0, GIC_ICC_RPR_EL1), 0xffu);
    auto h = hist("latency.iar_to_eoi");
    EXPECT_EQ(h.count, 2u);
    EXPECT_EQ(h.min, ns(1000)); // 41: 4000 -> 5000
    EXPECT_EQ(h.max, ns(4000)); // 40: 2000 -> 6000
    auto d = outs(GIC_OUT_DEACTIVATE);
    ASSERT_EQ(d.size(), 2u);
    EXPECT_EQ(d[0].intid, 41u);
    EXPECT_EQ(d[1].intid, 40u);
    // iar_to_eoi takes the IAR time of the level being dropped also when that
    // level was written back from the engine's last-IAR register by the IAR
    // at 0x80, and when software sets its active-priority bit again (as a
    // save and restore of ICC_AP1R0_EL1 does): 0x90's last IAR is at 2000
    sw(ns(7000), 0, GIC_ICC_AP1R0_EL1, 1u << 18);
    EXPECT_EQ(sr(ns(7000), 0, GIC_ICC_RPR_EL1), 0x90u);
    sw(ns(9000), 0, GIC_ICC_EOIR1_EL1, 40); // 7000 (40 is no longer active: no deactivation)
    h = hist("latency.iar_to_eoi");
    EXPECT_EQ(h.count, 3u);
    EXPECT_EQ(h.min, ns(1000));
    EXPECT_EQ(h.max, ns(7000));
    EXPECT_EQ(h.sum, ns(1000) + ns(4000) + ns(7000));
    EXPECT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 2u);
}

GIC_TIMING_TEST(Cpuif, SamePriorityDoesNotPreempt)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    spi(0, 41, 0x80, true, 0);
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    raise(ns(3000), 41);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), irq_up(ns(1000) + path_spi_wire(), 0) + irq_down(ns(2000), 0));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 1023u);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(lines(), irq_up(ns(1000) + path_spi_wire(), 0) + irq_down(ns(2000), 0) + irq_up(ns(5000), 0));
}

GIC_TIMING_TEST(Cpuif, BinaryPointGroupsPriorities)
{
    create();
    bringup(0);
    spi(0, 40, 0x90, true, 0);
    spi(0, 41, 0x88, true, 0);
    // BPR1 = 5 -> bpr 4: mask 0xe0; 0x90 and 0x88 are both group priority 0x80
    sw(0, 0, GIC_ICC_BPR1_EL1, 5);
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_RPR_EL1), 0x80u);
    raise(ns(3000), 41);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), irq_up(ns(1000) + path_spi_wire(), 0) + irq_down(ns(2000), 0)); // no preemption
    // back to the minimum BPR1 (3 -> mask 0xf8): 0x88 < 0x80? no: running
    // priority stays 0x80 (group priority recorded at acknowledge)
    sw(ns(4000), 0, GIC_ICC_BPR1_EL1, 0);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_BPR1_EL1), 3u);
    EXPECT_EQ(lines(), irq_up(ns(1000) + path_spi_wire(), 0) + irq_down(ns(2000), 0));
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_IAR1_EL1), 41u);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 41);
    // with BPR1 minimum, 0x88 preempts 0x90
    raise(ns(6000), 40);
    EXPECT_EQ(sr(ns(7000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(ns(7000), 0, GIC_ICC_RPR_EL1), 0x90u);
    raise(ns(8000), 41);
    gic_run_until(g, ns(9000));
    EXPECT_EQ(outs(GIC_OUT_LINE).back().time, ns(8000) + path_spi_wire());
    EXPECT_EQ(outs(GIC_OUT_LINE).back().level, 1u);
}

TEST_F(Cpuif, CbprUsesBpr0ForGroup1)
{
    create();
    bringup(0);
    spi(0, 40, 0x90, true, 0);
    spi(0, 41, 0x88, true, 0);
    sw(0, 0, GIC_ICC_BPR0_EL1, 4);            // mask 0xe0
    sw(0, 0, GIC_ICC_CTLR_EL1, ICC_CTLR_EL1_CBPR);
    EXPECT_EQ(sr(0, 0, GIC_ICC_BPR1_EL1), 5u); // reads BPR0 + 1
    sw(0, 0, GIC_ICC_BPR1_EL1, 7);            // ignored with CBPR = 1
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_RPR_EL1), 0x80u);
    raise(ns(3000), 41);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(outs(GIC_OUT_LINE).size(), 2u); // 0x88 does not preempt group 0x80
    sw(ns(4000), 0, GIC_ICC_CTLR_EL1, 0);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_BPR1_EL1), 3u); // BPR1 kept its own value (minimum)
}

// IHI0069 "Preemption": a pending interrupt is signalled only if its group
// priority is higher than the group priority of the running priority, both
// under the binary point of the pending interrupt's group. A coarser BPR1 must
// not let a lower-priority Group 1 interrupt preempt a Group 0 one.
TEST_F(Cpuif, CoarserBinaryPointDoesNotLetALowerPriorityPreempt)
{
    create();
    bringup(0, true);
    spi(0, 40, 0x50, true, 0, 0); // Group 0
    spi(0, 41, 0x70, true, 0, 1); // Group 1, lower priority
    spi(0, 42, 0x10, true, 0, 1); // Group 1, higher priority
    spi(0, 43, 0x90, true, 0, 0); // Group 0
    sw(0, 0, GIC_ICC_BPR1_EL1, 7); // Group 1 group priority: bit [7] only
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR0_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_RPR_EL1), 0x50u);
    // 0x70 & 0x80 = 0x00 is not higher than 0x50 & 0x80 = 0x00
    raise(ns(3000), 41);
    gic_run_until(g, ns(4000));
    EXPECT_EQ(lines(), fiq_up(ns(1000) + path_spi_wire(), 0) + fiq_down(ns(2000), 0));
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_HPPIR1_EL1), 41u);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_IAR1_EL1), 1023u);
    // nor does 0x10: same group priority 0x00 under BPR1 = 7
    raise(ns(5000), 42);
    gic_run_until(g, ns(6000));
    EXPECT_EQ(lines(), fiq_up(ns(1000) + path_spi_wire(), 0) + fiq_down(ns(2000), 0));
    EXPECT_EQ(sr(ns(6000), 0, GIC_ICC_IAR1_EL1), 1023u);
    // the priority drop of 40 lets 42, then 41, through
    sw(ns(7000), 0, GIC_ICC_EOIR0_EL1, 40);
    EXPECT_EQ(sr(ns(7000), 0, GIC_ICC_IAR1_EL1), 42u);
    sw(ns(7000), 0, GIC_ICC_EOIR1_EL1, 42);
    EXPECT_EQ(sr(ns(7000), 0, GIC_ICC_IAR1_EL1), 41u);
    sw(ns(7000), 0, GIC_ICC_EOIR1_EL1, 41);
    // a higher group priority still preempts: 0x10 & 0x80 = 0x00 < 0x90 & 0x80
    raise(ns(8000), 43);
    EXPECT_EQ(sr(ns(9000), 0, GIC_ICC_IAR0_EL1), 43u);
    raise(ns(10000), 42);
    gic_run_until(g, ns(11000));
    EXPECT_EQ(sr(ns(11000), 0, GIC_ICC_IAR1_EL1), 42u);
    EXPECT_EQ(counter("irq.spurious"), 2u);
}

TEST_F(Cpuif, BinaryPointMinimumsAndAprCount)
{
    cfg.pri_bits = 5;
    create();
    sw(0, 0, GIC_ICC_BPR0_EL1, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_BPR0_EL1), 2u);
    sw(0, 0, GIC_ICC_BPR1_EL1, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_BPR1_EL1), 3u);
    sw(0, 0, GIC_ICC_AP1R1_EL1, 0xffffffff); // not implemented with 5 bits: UNDEFINED, RAZ/WI here
    EXPECT_EQ(sr(0, 0, GIC_ICC_AP1R1_EL1), 0u);
    EXPECT_EQ(counter0("errors.sysreg_undefined"), 2u);
    // PRIbits = 4, IDbits = 0 (16 bits), A3V, RSS
    EXPECT_EQ(sr(0, 0, GIC_ICC_CTLR_EL1), 0x48400u);
    EXPECT_EQ(sr(0, 0, GIC_ICC_SRE_EL1), ICC_SRE_EL1_ALL);
}

// IHI0069 ICC_AP0R<n>_EL1 / ICC_AP1R<n>_EL1: AP<g>R1 exists only with 6 or
// more priority bits, AP<g>R2 and AP<g>R3 only with 7 or more; the others are
// UNDEFINED. The model cannot raise the exception: the access reads 0, the
// write is ignored, and it is counted and logged (errors.sysreg_undefined).
TEST_F(Cpuif, UnimplementedActivePriorityRegistersAreUndefined)
{
    cfg.pri_bits = 6;
    create();
    sw(0, 0, GIC_ICC_AP1R1_EL1, 0x1); // implemented with 6 bits
    EXPECT_EQ(sr(0, 0, GIC_ICC_AP1R1_EL1), 1u);
    sw(0, 0, GIC_ICC_AP1R1_EL1, 0);
    EXPECT_EQ(counter0("errors.sysreg_undefined"), 0u);
    sw(0, 0, GIC_ICC_AP0R2_EL1, 0xffffffff);
    EXPECT_EQ(sr(0, 0, GIC_ICC_AP0R2_EL1), 0u);
    EXPECT_EQ(sr(0, 0, GIC_ICC_AP1R3_EL1), 0u);
    EXPECT_EQ(sr(0, 0, GIC_ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(counter0("errors.sysreg_undefined"), 3u);
    // the virtual view follows the virtual preemption bits (virt.pri_bits 5)
    ASSERT_EQ(cfg.virt_pri_bits, 5u);
    EXPECT_EQ(sr(0, 0, GIC_ICV_AP1R1_EL1), 0u);
    EXPECT_EQ(counter0("errors.sysreg_undefined"), 4u);
    EXPECT_EQ(counter("errors.total"), 4u);
}

TEST_F(Cpuif, EightPriorityBits)
{
    cfg.pri_bits = 8;
    cfg.lpi_id_bits = 24;
    create();
    sw(0, 0, GIC_ICC_BPR0_EL1, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_BPR0_EL1), 0u);
    sw(0, 0, GIC_ICC_BPR1_EL1, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_BPR1_EL1), 1u);
    sw(0, 0, GIC_ICC_AP1R3_EL1, 0x1);
    EXPECT_EQ(sr(0, 0, GIC_ICC_AP1R3_EL1), 1u);
    EXPECT_EQ(sr(0, 0, GIC_ICC_RPR_EL1), 0xc0u); // bit 96 -> priority 96 << 1
    sw(0, 0, GIC_ICC_AP1R3_EL1, 0);
    EXPECT_EQ(sr(0, 0, GIC_ICC_CTLR_EL1), 0x48f00u); // PRIbits 7, IDbits 1 (24 bits)
    sw(0, 0, GIC_ICC_PMR_EL1, 0xff);
    EXPECT_EQ(sr(0, 0, GIC_ICC_PMR_EL1), 0xffu);
}

TEST_F(Cpuif, EoiModeSplitsDropAndDeactivate)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, false, 0);
    sw(0, 0, GIC_ICC_CTLR_EL1, ICC_CTLR_EL1_EOImode);
    gic_set_spi(g, ns(1000), 40, true);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    gic_set_spi(g, ns(2500), 40, false);
    sw(ns(3000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(ns(3000), 0, GIC_ICC_RPR_EL1), 0xffu);              // priority dropped
    EXPECT_EQ(dr(ns(3000), GICD_ISACTIVER + 4), 1u << 8);               // still active
    EXPECT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 0u);
    sw(ns(4000), 0, GIC_ICC_DIR_EL1, 40);
    EXPECT_EQ(dr(ns(4000), GICD_ISACTIVER + 4), 0u);
    auto d = outs(GIC_OUT_DEACTIVATE);
    ASSERT_EQ(d.size(), 1u);
    EXPECT_EQ(d[0].time, ns(4000));
    EXPECT_EQ(hist("latency.iar_to_eoi").min, ns(1000));
    // DIR of an inactive interrupt is counted
    sw(ns(5000), 0, GIC_ICC_DIR_EL1, 40);
    EXPECT_EQ(counter("errors.deactivate_not_active"), 1u);
    // DIR with EOImode = 0 is ignored and counted
    sw(ns(6000), 0, GIC_ICC_CTLR_EL1, 0);
    sw(ns(6000), 0, GIC_ICC_DIR_EL1, 40);
    EXPECT_EQ(counter("errors.dir_eoimode0"), 1u);
}

// IHI0069 ICC_DIR_EL1: with EOImode = 0 GICv3 must ignore the write (the
// interrupt stays active); with EOImode = 1 a DIR before the EOIR deactivates
// the interrupt and leaves its active priority set.
TEST_F(Cpuif, DirRulesOfEoiMode)
{
    create();
    bringup(0);
    spi(0, 40, 0x80, true, 0);
    raise(ns(1000), 40);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 40u);
    sw(ns(3000), 0, GIC_ICC_DIR_EL1, 40); // EOImode = 0: ignored
    EXPECT_EQ(dr(ns(3000), GICD_ISACTIVER + 4), 1u << 8);
    EXPECT_EQ(counter("errors.dir_eoimode0"), 1u);
    sw(ns(4000), 0, GIC_ICC_CTLR_EL1, ICC_CTLR_EL1_EOImode);
    sw(ns(4000), 0, GIC_ICC_DIR_EL1, 40); // before the EOIR
    EXPECT_EQ(dr(ns(4000), GICD_ISACTIVER + 4), 0u);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_RPR_EL1), 0x80u);
    ASSERT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 1u);
    sw(ns(5000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(counter0("errors.deactivate_not_active"), 0u);
}

// ICC_DIR_EL1 (EOImode = 1) of an INTID that is not implemented is ignored,
// counted and logged: an SPI beyond GICD_TYPER.ITLinesNumber, an LPI INTID
// beyond GICD_TYPER.IDbits, any INTID >= 8192 without LPIs. A DIR of an
// implemented LPI has no effect (LPIs have no active state) and no error.
TEST_F(Cpuif, DirOfUnimplementedIntidIsCounted)
{
    for (uint32_t bits : {16u, 0u}) {
        cfg.lpi_id_bits = bits;
        cfg.num_spis = 64; // SPIs 32..95
        cfg.num_its = bits ? 1 : 0;
        create();
        bringup(0);
        sw(0, 0, GIC_ICC_CTLR_EL1, ICC_CTLR_EL1_EOImode);
        sw(ns(1000), 0, GIC_ICC_DIR_EL1, 96); // beyond the SPIs
        EXPECT_EQ(counter0("errors.deactivate_bad_intid"), 1u) << bits;
        sw(ns(2000), 0, GIC_ICC_DIR_EL1, 1u << 16); // beyond IDbits
        EXPECT_EQ(counter0("errors.deactivate_bad_intid"), 2u) << bits;
        sw(ns(3000), 0, GIC_ICC_DIR_EL1, 8192); // an LPI if there are LPIs
        EXPECT_EQ(counter0("errors.deactivate_bad_intid"), bits ? 2u : 3u) << bits;
        EXPECT_EQ(counter0("errors.deactivate_not_active"), 0u) << bits;
        EXPECT_EQ(outs(GIC_OUT_DEACTIVATE).size(), 0u) << bits;
        destroy();
    }
}

GIC_TIMING_TEST(Cpuif, Group0IsFiqGroup1IsIrq)
{
    create();
    bringup(0, true);
    spi(0, 40, 0x80, true, 0, 0);
    spi(0, 41, 0x90, true, 0, 1);
    raise(ns(1000), 40);
    raise(ns(1000), 41);
    gic_run_until(g, ns(2000));
    EXPECT_EQ(lines(), fiq_up(ns(1000) + path_spi_wire(), 0));
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_HPPIR1_EL1), 1023u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_HPPIR0_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR1_EL1), 1023u); // HPPI is Group 0
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_IAR0_EL1), 40u);
    EXPECT_EQ(sr(ns(2000), 0, GIC_ICC_AP0R0_EL1), 1u << 16);
    // 0x90 does not preempt 0x80: nothing signalled
    EXPECT_EQ(lines(), fiq_up(ns(1000) + path_spi_wire(), 0) + fiq_down(ns(2000), 0));
    // EOIR1 while the highest active priority is Group 0: ignored, counted
    sw(ns(3000), 0, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(counter("errors.eoi_wrong_group"), 1u);
    EXPECT_EQ(sr(ns(3000), 0, GIC_ICC_RPR_EL1), 0x80u);
    sw(ns(3000), 0, GIC_ICC_EOIR0_EL1, 40);
    EXPECT_EQ(lines(), fiq_up(ns(1000) + path_spi_wire(), 0) + fiq_down(ns(2000), 0) + irq_up(ns(3000), 0));
    EXPECT_EQ(sr(ns(3000), 0, GIC_ICC_IAR0_EL1), 1023u);
    EXPECT_EQ(sr(ns(3000), 0, GIC_ICC_IAR1_EL1), 41u);
    // IGRPEN0 = 0 hides Group 0 interrupts
    raise(ns(4000), 40);
    sw(ns(4000), 0, GIC_ICC_IGRPEN0_EL1, 0);
    gic_run_until(g, ns(5000));
    EXPECT_EQ(sr(ns(5000), 0, GIC_ICC_HPPIR0_EL1), 1023u);
    EXPECT_EQ(counter("irq.spurious"), 2u);
}

TEST_F(Cpuif, EoiErrorsAreCounted)
{
    create();
    bringup(0);
    sw(ns(1000), 0, GIC_ICC_EOIR1_EL1, 40); // nothing active
    EXPECT_EQ(counter("errors.eoi_no_active"), 1u);
    sw(ns(1000), 0, GIC_ICC_EOIR1_EL1, 1023); // special INTID: ignored
    EXPECT_EQ(counter("errors.total"), 1u);
    spi(0, 40, 0x80, true, 0);
    raise(ns(2000), 40);
    EXPECT_EQ(sr(ns(3000), 0, GIC_ICC_IAR1_EL1), 40u);
    sw(ns(4000), 0, GIC_ICC_EOIR1_EL1, 41); // wrong INTID: drop happens, 41 not active
    EXPECT_EQ(counter("errors.deactivate_not_active"), 1u);
    EXPECT_EQ(sr(ns(4000), 0, GIC_ICC_RPR_EL1), 0xffu);
    EXPECT_EQ(dr(ns(4000), GICD_ISACTIVER + 4), 1u << 8);
    sw(ns(4000), 0, GIC_ICC_EOIR1_EL1, 500); // unimplemented INTID
    uint64_t v = 0;
    EXPECT_EQ(gic_sysreg_read(g, ns(5000), 0, GIC_ICC_EOIR1_EL1, &v), GIC_OK);
    EXPECT_EQ(v, 0u);
    EXPECT_EQ(counter("errors.sysreg_read_wo"), 1u);
    EXPECT_EQ(gic_sysreg_write(g, ns(5000), 0, GIC_ICC_IAR1_EL1, 0), GIC_OK);
    EXPECT_EQ(counter("errors.sysreg_write_ro"), 1u);
    EXPECT_EQ(gic_sysreg_read(g, ns(5000), 9, GIC_ICC_IAR1_EL1, &v), GIC_ERR_ARG);
    EXPECT_EQ(gic_sysreg_read(g, ns(5000), 0, GIC_SYSREG_COUNT, &v), GIC_ERR_ARG);
}

TEST_F(Cpuif, DeterministicTimeline)
{
    // Same inputs, same outputs, bit for bit.
    std::string first;
    for (int run = 0; run < 2; run++) {
        if (g) gic_destroy(g);
        g = nullptr;
        out.clear();
        cfg.num_cpus = 3;
        create();
        bringup(0);
        for (uint32_t i = 40; i < 48; i++) spi(0, i, (uint8_t)(0x80 - 8 * (i % 4)), i % 2, -1);
        for (uint32_t i = 40; i < 48; i++) gic_set_spi(g, ns(1000 + 7 * i), i, true);
        for (int k = 0; k < 20; k++)
            for (uint32_t c = 0; c < 3; c++) {
                uint64_t id = sr(ns(2000 + 100 * k), c, GIC_ICC_IAR1_EL1);
                if (id != 1023) sw(ns(2050 + 100 * k), c, GIC_ICC_EOIR1_EL1, id);
            }
        std::string s = lines();
        for (auto &o : outs(GIC_OUT_DEACTIVATE))
            s += "D" + std::to_string(o.time) + ":" + std::to_string(o.cpu) + ":" + std::to_string(o.intid) + ";";
        if (run == 0) first = s;
        else EXPECT_EQ(s, first);
    }
    EXPECT_NE(first.find("D"), std::string::npos);
    EXPECT_GE(counter("irq.delivered.spi"), 8u);
}

GIC_LATENCY_PROFILES(CpuifLatencies);

} // namespace
