// GICv4.0 direct injection end to end (cfg.gic_version = 4): the VLPI frame
// (GICR_VPROPBASER / GICR_VPENDBASER), residency and its scan policies, vLPIs
// delivered directly to the resident vPE's virtual interface (ICV_IAR1_EL1),
// recorded in the VPT with a doorbell otherwise, PendingLast, VMOVI and VMOVP
// seen from the redistributors. Through the public C API and the driver helper.
#include <gtest/gtest.h>

#include <set>
#include <string>
#include <vector>

#include "gictlm.h"
#include "gictlm_driver.h"
#include "gic_test.h"

namespace {

constexpr uint64_t VLPI_FRAME = 0x20000, VPROPBASER = VLPI_FRAME + 0x70, VPENDBASER = VLPI_FRAME + 0x78;
constexpr uint64_t VALID = 1ull << 63, IDAI = 1ull << 62, PENDINGLAST = 1ull << 61;
constexpr uint32_t DEV = 5, DB = 8300, DB2 = 8301;

struct Vpe : gictest::DriverTest {
    uint64_t vprop = 0, vpt[4] = {};
    void boot(gic_scan_policy_t pol = GIC_SCAN_TRACKED, uint32_t vbits = 16)
    {
        cfg.gic_version = 4;
        cfg.lpi_scan_policy = pol;
        create_with_driver();
        // the VM's vLPI configuration table: vINTIDs 8192.. enabled, priority 0xa0
        vprop = gic_driver_alloc(drv, 1u << vbits, 0x10000);
        std::vector<uint8_t> p((1u << vbits) - 8192, 0xa0 | 1);
        ASSERT_EQ(gic_mem_write(g, vprop, p.data(), p.size()), GIC_OK);
        for (auto &a : vpt) a = gic_driver_alloc(drv, (1u << vbits) / 8, 0x10000);
        // doorbells: physical LPIs DB, DB2 enabled at priority 0x80
        uint8_t db = 0x80 | 1;
        gic_mem_write(g, gic_driver_prop_base(drv) + (DB - 8192), &db, 1);
        gic_mem_write(g, gic_driver_prop_base(drv) + (DB2 - 8192), &db, 1);
        t = gic_driver_time(drv);
        // vPE 1 and 2 hosted by CPU 0, VPT_size = vbits - 1
        cmd([&](uint64_t c[4]) { gic_cmd_vmapp(c, 1, gic_driver_rdbase(drv, 0), vpt[1], vbits - 1, true); });
        cmd([&](uint64_t c[4]) { gic_cmd_vmapp(c, 2, gic_driver_rdbase(drv, 0), vpt[2], vbits - 1, true); });
        // device DEV: ITT for 16 events; events 0..3 -> vPE 1 vINTIDs 8192+e, doorbell DB
        uint64_t itt = gic_driver_alloc(drv, 16 * 16, 256);
        cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, itt, 3, true); });
        for (uint32_t e = 0; e < 4; e++)
            cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, e, 1, 8192 + e, DB); });
        cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, 4, 1, 8200, 1023); }); // no doorbell
        flush();
        out.clear();
    }
    void msi(uint32_t ev)
    {
        ASSERT_EQ(gic_msi(g, t, 0, DEV, ev), GIC_OK);
        step(2000);
    }
    // GICR_VPENDBASER.IDAI per vPE as Linux keeps it: 1 for a new vPE (its
    // VPT's IMPLEMENTATION DEFINED area is not valid, its_alloc_vcpu_irqs),
    // then what the GIC reports at each deschedule (its_vpe_deschedule)
    bool idai_of[4] = {true, true, true, true};
    int on_cpu[8] = {-1, -1, -1, -1, -1, -1, -1, -1};
    // vCPU load on cpu: VPROPBASER, VPENDBASER.Valid (as its_vpe_schedule), virtual interface on
    void load(uint32_t cpu, int vpe) { load_idai(cpu, vpe, idai_of[vpe]); }
    void load_idai(uint32_t cpu, int vpe, bool idai)
    {
        rw(t, cpu, VPROPBASER, vprop | 15, 8); // IDbits 16
        rw(t, cpu, VPENDBASER, vpt[vpe] | VALID | (idai ? IDAI : 0), 8);
        sw(t, cpu, GIC_ICH_VMCR_EL2, 0x2u | (0xf8u << 24));
        sw(t, cpu, GIC_ICH_HCR_EL2, 1);
        step(5000);
        on_cpu[cpu] = vpe;
    }
    uint64_t put(uint32_t cpu)
    {
        sw(t, cpu, GIC_ICH_HCR_EL2, 0);
        rw(t, cpu, VPENDBASER, rr(t, cpu, VPENDBASER, 8) & ~VALID, 8);
        step(5000);
        uint64_t v = rr(t, cpu, VPENDBASER, 8);
        if (on_cpu[cpu] >= 0) idai_of[on_cpu[cpu]] = (v & IDAI) != 0;
        on_cpu[cpu] = -1;
        return v;
    }
    bool vpt_bit(int vpe, uint32_t vintid)
    {
        uint8_t b = 0;
        gic_mem_read(g, vpt[vpe] + vintid / 8, &b, 1);
        return b & (1u << (vintid % 8));
    }
    std::vector<gic_output_t> msis() const { return outs(GIC_OUT_MSI); }
    // event ev's vLPI (8192 + ev) disabled in the configuration table at prop, INV of the event
    void disable_event(uint64_t prop, uint32_t ev)
    {
        uint8_t off = 0xa0;
        gic_mem_write(g, prop + ev, &off, 1);
        cmd([&](uint64_t c[4]) { gic_cmd_devev(c, GITS_CMD_INV, DEV, ev); });
        flush();
    }
};

TEST_F(Vpe, Gicv4RedistributorFramesAndTyper)
{
    boot();
    EXPECT_EQ(gic_gicr_stride(&cfg), 0x40000u);
    EXPECT_EQ((rr(t, 0, gictest::GICR_TYPER, 8) >> 1) & 1, 1u); // VLPIS
    // the frame after VLPI_base is reserved: RAZ/WI
    EXPECT_EQ(rr(t, 1, 0x30000, 4), 0u);
    rw(t, 1, VPROPBASER, 0x12345000ull | 0xf, 8);
    EXPECT_EQ(rr(t, 1, VPROPBASER, 8), 0x12345000ull | 0xf);
    EXPECT_EQ((sr(t, 0, GIC_ICH_VTR_EL2) >> 20) & 1, 0u); // nV4 = 0: direct injection
}

// IHI0069: GICv4 (ArchRev 4) is GICv3 with direct injection of virtual LPIs;
// without LPIs GICD_TYPER.DVIS and GICR_TYPER.VLPIS read 0 and the VLPI_base
// registers would not exist, yet a vPE could be made resident through them.
// The configuration is refused.
TEST_F(Vpe, Gicv4WithoutLpisIsRefused)
{
    cfg.gic_version = 4;
    cfg.lpi_id_bits = 0;
    cfg.num_its = 0;
    EXPECT_NE(create_rejected().find("gic_version 4 needs LPIs"), std::string::npos);
    cfg.gic_version = 3;
    create();
}

TEST_F(Vpe, NonResidentVlpiGoesToTheVptAndRingsTheDoorbell)
{
    boot();
    msi(0);
    auto m = msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_TRUE(vpt_bit(1, 8192));
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    // the host takes the doorbell
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB);
    // an event without doorbell rings nothing
    msi(4);
    EXPECT_TRUE(vpt_bit(1, 8200));
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    // the same vLPI again: coalesced
    msi(0);
    EXPECT_EQ(msis().back().outcome, (uint32_t)GIC_MSI_COALESCED);
    // the vCPU is loaded: both vLPIs are presented to the guest
    load(0, 1);
    EXPECT_EQ(counter("vpe.residency.scheduled"), 1u);
    sw(t, 0, GIC_HCR_EL2, 1u << 4);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), 8192u);
    sw(t, 0, GIC_ICC_EOIR1_EL1, 8192);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), 8200u);
    sw(t, 0, GIC_ICC_EOIR1_EL1, 8200);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS);
    EXPECT_EQ(counter("virt.vlpi_acks"), 2u);
    EXPECT_EQ(hist("vpe.latency.msi_to_iar.non_resident").count, 2u);
    EXPECT_EQ(hist("vpe.latency.msi_to_iar.resident").count, 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(Vpe, ResidentVlpiIsDirectWithoutDoorbell)
{
    boot();
    load(0, 1);
    out.clear();
    gic_time_t t0 = t;
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 2), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    EXPECT_EQ(counter("vpe.doorbells"), 0u);
    bool virq = false;
    for (auto &o : outs(GIC_OUT_LINE, 0))
        if (o.line == GIC_LINE_VIRQ && o.level) {
            virq = true;
            EXPECT_GT(o.time, t0);
        }
    EXPECT_TRUE(virq);
    EXPECT_EQ(sr(t, 0, GIC_ICV_HPPIR1_EL1), 8194u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8194u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0xa0u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8194);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0xffu);
    EXPECT_EQ((sr(t, 0, GIC_ICH_HCR_EL2) >> 27) & 0x1f, 0u) << "a vLPI EOI never counts";
    // the physical interface saw nothing
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS);
    // MSI -> ICV_IAR1 latency recorded for the virtual interface
    EXPECT_EQ(hist("vlatency.line_to_iar.lpi").count, 1u);
    EXPECT_EQ(hist("vpe.latency.msi_to_iar.resident").count, 1u);
    EXPECT_EQ(hist("vpe.latency.msi_to_iar.non_resident").count, 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069 GICR_WAKER.ProcessorSleep: a redistributor whose PE is asleep
// forwards no interrupt to the CPU interface, the vLPIs of its resident vPE
// included; they are forwarded once the PE is awake again.
TEST_F(Vpe, SleepingRedistributorHoldsTheResidentVpesVlpis)
{
    boot();
    load(0, 1);
    rw(t, 0, gictest::GICR_WAKER, gictest::GICR_WAKER_ProcessorSleep);
    out.clear();
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 2), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    for (auto &o : outs(GIC_OUT_LINE, 0)) EXPECT_FALSE(o.line == GIC_LINE_VIRQ && o.level) << "at " << o.time;
    EXPECT_EQ(sr(t, 0, GIC_ICV_HPPIR1_EL1), GIC_SPURIOUS);
    // awake: the vLPI reaches the virtual interface over the redistributor's path
    const gic_time_t t_wake = t;
    rw(t, 0, gictest::GICR_WAKER, 0);
    step(2000);
    auto up = outs(GIC_OUT_LINE, 0);
    ASSERT_EQ(up.size(), 1u);
    EXPECT_EQ(up[0].line, (uint32_t)GIC_LINE_VIRQ);
    EXPECT_EQ(up[0].time, t_wake + path_redist());
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8194u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8194);
    // going to sleep again drops a vIRQ the redistributor's vLPI raised
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 3), GIC_OK);
    step(2000);
    out.clear();
    rw(t, 0, gictest::GICR_WAKER, gictest::GICR_WAKER_ProcessorSleep);
    step(100);
    auto down = outs(GIC_OUT_LINE, 0);
    ASSERT_EQ(down.size(), 1u);
    EXPECT_EQ(down[0].line, (uint32_t)GIC_LINE_VIRQ);
    EXPECT_EQ(down[0].level, 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(Vpe, ListRegistersAndVlpisShareTheVirtualEngine)
{
    boot();
    load(0, 1);
    msi(1); // vINTID 8193, priority 0xa0
    sw(t, 0, GIC_ICH_LR0_EL2, 40u | (0x80ull << 48) | (1ull << 60) | (1ull << 62));
    step(100);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 40u) << "the LR has the higher priority";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "0xa0 cannot preempt 0x80";
    sw(t, 0, GIC_ICV_EOIR1_EL1, 40);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8193u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8193);
}

TEST_F(Vpe, DescheduleWritesBackAndReportsPendingLast)
{
    boot();
    load(0, 1);
    msi(3);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    uint64_t v = put(0);
    EXPECT_EQ(v & VALID, 0u);
    EXPECT_EQ(v & PENDINGLAST, PENDINGLAST);
    EXPECT_TRUE(vpt_bit(1, 8195)) << "pending state written back to the VPT";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    // a vLPI now rings the doorbell
    msi(0);
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    // and the next load presents both
    load(0, 1);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8195u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8195);
    EXPECT_EQ(put(0) & PENDINGLAST, 0u) << "nothing pending at the next put";
}

// IHI0069 GICR_VPENDBASER.Dirty (GICv4.0 layout too, RO): after Valid is
// written 1 -> 0 it reads 1 until the redistributor has written the vPE's
// pending state back to the VPT (Linux its_clear_vpend_valid polls it before
// it trusts PendingLast and the table).
TEST_F(Vpe, DirtyReadsOneUntilTheWriteBackIsDone)
{
    constexpr uint64_t DIRTY = 1ull << 60;
    boot();
    load(0, 1);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & DIRTY, 0u);
    msi(3);
    sw(t, 0, GIC_ICH_HCR_EL2, 0);
    rw(t, 0, VPENDBASER, rr(t, 0, VPENDBASER, 8) & ~VALID, 8);
    uint64_t v = rr(t, 0, VPENDBASER, 8);
    EXPECT_EQ(v & DIRTY, DIRTY) << "the vLPI is being written back";
    unsigned polls = 0;
    while ((v = rr(t, 0, VPENDBASER, 8)) & DIRTY) {
        ASSERT_LT(++polls, 10000u);
        step(10);
    }
    EXPECT_TRUE(vpt_bit(1, 8195)) << "written back once Dirty reads 0";
    EXPECT_EQ(v & PENDINGLAST, PENDINGLAST);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069 GICR_VPENDBASER.PendingLast: "pending and enabled" interrupts; a
// vLPI pending but disabled in the vLPI configuration table does not count.
TEST_F(Vpe, PendingLastCountsEnabledVlpisOnly)
{
    boot();
    load(0, 1);
    disable_event(vprop, 1);
    msi(1);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    EXPECT_EQ(put(0) & PENDINGLAST, 0u) << "only a disabled vLPI is pending";
    EXPECT_TRUE(vpt_bit(1, 8193)) << "it stays pending in the VPT";
    load(0, 1);
    msi(2);
    EXPECT_EQ(put(0) & PENDINGLAST, PENDINGLAST) << "an enabled vLPI is pending too";
}

// IHI0069 GICR_VPENDBASER.IDAI = 1: the IMPLEMENTATION DEFINED area of the
// VPT is not valid and all pending information is in the architected part of
// the table. A vPE whose VPT page is reused zeroed (the VM went, its vPE and
// device unmapped, a new vPE mapped with the same VPT) has nothing pending:
// what the GIC recorded for the old vPE must not come back.
TEST_F(Vpe, Idai1LoadForgetsPendingStateTheVptNoLongerHolds)
{
    boot();
    msi(4); // vINTID 8200 recorded in vPE 1's VPT (no doorbell)
    EXPECT_TRUE(vpt_bit(1, 8200));
    cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, 0, 0, false); });
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp(c, 1, gic_driver_rdbase(drv, 0), vpt[1], 15, false); });
    flush();
    std::vector<uint8_t> zero((1u << 16) / 8, 0);
    ASSERT_EQ(gic_mem_write(g, vpt[1], zero.data(), zero.size()), GIC_OK);
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp(c, 1, gic_driver_rdbase(drv, 0), vpt[1], 15, true); });
    uint64_t itt = gic_driver_alloc(drv, 16 * 16, 256);
    cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, itt, 3, true); });
    cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, 4, 1, 8200, 1023); });
    flush();
    load_idai(0, 1, true);
    sw(t, 0, GIC_HCR_EL2, 1u << 4);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "nothing is pending in the zeroed VPT";
    // the new vPE's vINTID 8200 comes: pending, and taken once
    msi(4);
    EXPECT_EQ(msis().back().outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8200u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8200);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    EXPECT_EQ(put(0) & PENDINGLAST, 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(Vpe, AnotherVpeIsNotResident)
{
    boot();
    load(0, 2); // vPE 2 resident; vPE 1's vLPIs go to its VPT with a doorbell
    msi(0);
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    sw(t, 0, GIC_HCR_EL2, 0);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB);
}

TEST_F(Vpe, UnpredictableWritesAreIgnoredAndCounted)
{
    boot();
    load(0, 1);
    rw(t, 0, VPROPBASER, 0x1000, 8);
    EXPECT_EQ(counter("errors.vpe_vpropbaser_while_valid"), 1u);
    rw(t, 0, VPENDBASER, vpt[2] | VALID, 8);
    EXPECT_EQ(counter("errors.vpe_vpendbaser_while_valid"), 1u);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & 0xfffffffff0000ull, vpt[1]);
    // the same VPT made resident on CPU 1 too: taken from CPU 0
    rw(t, 1, VPROPBASER, vprop | 15, 8);
    rw(t, 1, VPENDBASER, vpt[1] | VALID, 8);
    EXPECT_EQ(counter("errors.vpe_resident_twice"), 1u);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & VALID, 0u);
}

TEST_F(Vpe, VmoviMovesPendingStateAndVmovpMovesTheDoorbell)
{
    boot();
    msi(1); // vPE 1 vINTID 8193 recorded
    cmd([&](uint64_t c[4]) { gic_cmd_vmovi(c, DEV, 1, 2, true, DB2); });
    flush();
    EXPECT_FALSE(vpt_bit(1, 8193));
    EXPECT_TRUE(vpt_bit(2, 8193));
    // vPE 2 moves to CPU 1 (VMOVP): its doorbells go there
    cmd([&](uint64_t c[4]) { gic_cmd_vmovp(c, 0, 1u << 0, 2, gic_driver_rdbase(drv, 1)); }); // ITSList: ITS 0
    flush();
    cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, 5, 2, 8210, DB2); });
    flush();
    out.clear();
    msi(5);
    EXPECT_TRUE(vpt_bit(2, 8210));
    sw(t, 0, GIC_HCR_EL2, 0);
    sw(t, 1, GIC_HCR_EL2, 0);
    // drain CPU 0's doorbells from before the move
    for (uint64_t id; (id = sr(t, 0, GIC_ICC_IAR1_EL1)) != GIC_SPURIOUS;) sw(t, 0, GIC_ICC_EOIR1_EL1, id);
    msi(5); // coalesced in the VPT: no doorbell
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), DB2);
    // loaded on CPU 1: both vLPIs of vPE 2
    load(1, 2);
    EXPECT_EQ(sr(t, 1, GIC_ICV_IAR1_EL1), 8193u);
    sw(t, 1, GIC_ICV_EOIR1_EL1, 8193);
    EXPECT_EQ(sr(t, 1, GIC_ICV_IAR1_EL1), 8210u);
    for (size_t i = 0;; i++) {
        const char *n = gic_stat_name(g, 0, i);
        if (!n) break;
        if (std::string(n).rfind("errors.", 0) == 0 && counter(n)) ADD_FAILURE() << n << " = " << counter(n);
    }
}

TEST_F(Vpe, StaleVlpiConfigurationUntilInv)
{
    boot();
    load(0, 1);
    msi(0); // vINTID 8192 at priority 0xa0: the configuration is latched (LPI cache)
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0xa0u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    uint8_t p = 0x40 | 1; // the VM raises its priority in the configuration table, without INV
    ASSERT_EQ(gic_mem_write(g, vprop + 0, &p, 1), GIC_OK);
    msi(0);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0xa0u) << "stale until invalidated (IHI0069)";
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    cmd([&](uint64_t c[4]) { gic_cmd_devev(c, GITS_CMD_INV, DEV, 0); });
    flush();
    msi(0);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0x40u) << "INV of the virtual event re-reads the configuration";
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// VMOVP of a vPE while it is resident (IHI0069 VMOVP; Linux moves a vPE at
// vCPU load, but nothing stops a hypervisor from moving a running one): the
// vLPIs pending for it follow it to the new redistributor through the
// descheduling write-back and the next load, none is lost or presented twice,
// the old redistributor stops delivering at the put and doorbells ring at the
// new one.
TEST_F(Vpe, VmovpOfAResidentVpeMovesItsPendingVlpis)
{
    boot();
    load(0, 1);
    msi(0);
    msi(1);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 2u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u); // one taken before the move
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    // the hypervisor moves the running vPE to CPU 1 (ITSList: ITS 0)
    cmd([&](uint64_t c[4]) { gic_cmd_vmovp(c, 0, 1u << 0, 1, gic_driver_rdbase(drv, 1)); });
    flush();
    msi(2); // between the VMOVP and the put
    // vCPU put on CPU 0: the pending state goes back to the VPT
    uint64_t v = put(0);
    EXPECT_EQ(v & PENDINGLAST, PENDINGLAST);
    EXPECT_TRUE(vpt_bit(1, 8193));
    EXPECT_TRUE(vpt_bit(1, 8194));
    EXPECT_FALSE(vpt_bit(1, 8192)) << "taken before the move";
    // the old redistributor delivers nothing any more
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    bool virq0 = false;
    for (auto &o : outs(GIC_OUT_LINE, 0))
        if (o.line == GIC_LINE_VIRQ) virq0 = o.level;
    EXPECT_FALSE(virq0) << "CPU 0's virtual IRQ line is low after the put";
    // not resident anywhere: a vLPI with a doorbell rings it at the new redistributor
    out.clear();
    msi(3);
    sw(t, 0, GIC_HCR_EL2, 0);
    sw(t, 1, GIC_HCR_EL2, 0);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS) << "no doorbell at the old redistributor";
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), DB);
    sw(t, 1, GIC_ICC_EOIR1_EL1, DB);
    // vCPU load on CPU 1: every pending vLPI once, in priority/INTID order, nothing at CPU 0
    load(1, 1);
    std::vector<uint64_t> got;
    for (uint64_t id; (id = sr(t, 1, GIC_ICV_IAR1_EL1)) != GIC_SPURIOUS && got.size() < 10;) {
        got.push_back(id);
        sw(t, 1, GIC_ICV_EOIR1_EL1, id);
        step(2000);
    }
    EXPECT_EQ(got, (std::vector<uint64_t>{8193, 8194, 8195}));
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    EXPECT_EQ(put(1) & PENDINGLAST, 0u) << "nothing left pending";
    EXPECT_EQ(counter("virt.vlpi_acks"), 4u) << "8192 at CPU 0, three at CPU 1: no duplicate";
    EXPECT_EQ(counter("errors.total"), 0u);
}

// The vLPI configuration cache (vpe.vlpi_cache, off by default): a vPE's
// residency load takes the configuration of its pending vLPIs from the cache;
// a change in the VM's table is seen only after INV of the event or VINVALL
// of the vPE (IHI0069), or when the vPE is loaded with another VPROPBASER.
TEST_F(Vpe, VlpiConfigurationCacheHoldsUntilInvOrVinvall)
{
    cfg.vpe_vlpi_cache.entries = 64;
    cfg.vpe_vlpi_cache.ways = 4;
    boot();
    auto cycle = [&](uint32_t ev, uint64_t vintid) -> uint64_t { // recorded, loaded, taken, put
        msi(ev);
        load(0, 1);
        EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), vintid);
        uint64_t rpr = sr(t, 0, GIC_ICV_RPR_EL1);
        sw(t, 0, GIC_ICV_EOIR1_EL1, vintid);
        put(0);
        return rpr;
    };
    EXPECT_EQ(cycle(0, 8192), 0xa0u);
    EXPECT_EQ(counter("vpe.vlpi_cache.misses"), 1u);
    uint64_t reads = counter("vpe.residency.scan_reads");
    uint8_t p = 0x40 | 1; // the VM raises the priority, without INV
    ASSERT_EQ(gic_mem_write(g, vprop + 0, &p, 1), GIC_OK);
    EXPECT_EQ(cycle(0, 8192), 0xa0u) << "stale: served by the cache";
    EXPECT_EQ(counter("vpe.vlpi_cache.hits"), 1u);
    EXPECT_EQ(counter("vpe.residency.scan_reads") - reads, 1u) << "only the VPT line was read";
    // INV of the virtual event while the vPE is not resident
    cmd([&](uint64_t c[4]) { gic_cmd_devev(c, GITS_CMD_INV, DEV, 0); });
    flush();
    EXPECT_EQ(cycle(0, 8192), 0x40u) << "INV dropped the cached configuration";
    // VINVALL drops every vLPI of the vPE
    p = 0x60 | 1;
    ASSERT_EQ(gic_mem_write(g, vprop + 0, &p, 1), GIC_OK);
    ASSERT_EQ(gic_mem_write(g, vprop + 1, &p, 1), GIC_OK);
    EXPECT_EQ(cycle(0, 8192), 0x40u);
    cmd([&](uint64_t c[4]) { gic_cmd_vinvall(c, 1); });
    flush();
    EXPECT_EQ(cycle(0, 8192), 0x60u);
    EXPECT_EQ(cycle(1, 8193), 0x60u);
    // another configuration table (another VM's VPROPBASER): nothing cached applies
    uint64_t vprop2 = gic_driver_alloc(drv, 1u << 16, 0x10000);
    std::vector<uint8_t> q((1u << 16) - 8192, 0x20 | 1);
    ASSERT_EQ(gic_mem_write(g, vprop2, q.data(), q.size()), GIC_OK);
    std::swap(vprop, vprop2);
    EXPECT_EQ(cycle(0, 8192), 0x20u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// Without the cache (the default) every residency load reads the configuration.
TEST_F(Vpe, WithoutVlpiConfigurationCacheEachLoadReadsTheTable)
{
    boot();
    msi(0);
    load(0, 1);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
    put(0);
    uint8_t p = 0x40 | 1;
    ASSERT_EQ(gic_mem_write(g, vprop + 0, &p, 1), GIC_OK);
    msi(0);
    load(0, 1);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0x40u);
    uint64_t v = 0;
    EXPECT_FALSE(gic_stat_counter(g, "vpe.vlpi_cache.lookups", &v)) << "no cache, no statistics";
}

struct VpeRun : Vpe {
    void TestBody() override {}
};

// The three scan policies agree on what becomes pending at residency; their
// memory traffic differs (full reads the whole VPT) once the GIC has its own
// information about the table: the first load of a new vPE (IDAI = 1, as
// Linux writes it) reads the whole VPT under every policy.
TEST(VpePolicies, AgreeOnSeededWorkloadsAndDifferInReads)
{
    std::vector<std::string> seen[3];
    uint64_t reads[3] = {}, first[3] = {};
    const gic_scan_policy_t pol[3] = {GIC_SCAN_FULL, GIC_SCAN_TRACKED, GIC_SCAN_SUMMARY};
    for (int p = 0; p < 3; p++) {
        VpeRun f;
        f.boot(pol[p]);
        uint64_t x = 12345;
        for (int round = 0; round < 4; round++) {
            for (int k = 0; k < 3; k++) {
                x = x * 6364136223846793005ull + 1442695040888963407ull;
                f.msi((uint32_t)(x >> 40) % 5);
            }
            f.load(0, 1);
            for (uint64_t id; (id = f.sr(f.t, 0, GIC_ICV_IAR1_EL1)) != GIC_SPURIOUS;) {
                seen[p].push_back(std::to_string(round) + ":" + std::to_string(id));
                f.sw(f.t, 0, GIC_ICV_EOIR1_EL1, id);
                f.step(20000); /* full: the rescan after an acknowledge takes modelled time */
            }
            if (round == 0) first[p] = f.counter("vpe.residency.scan_reads");
            EXPECT_EQ((f.put(0) & IDAI) != 0, pol[p] == GIC_SCAN_FULL)
                << "IDAI after the put: the GIC's own information about the VPT is valid except under full";
        }
        reads[p] = f.counter("vpe.residency.scan_reads") - first[p];
        EXPECT_EQ(f.counter("errors.total"), 0u);
    }
    EXPECT_FALSE(seen[0].empty());
    EXPECT_EQ(seen[0], seen[1]);
    EXPECT_EQ(seen[0], seen[2]);
    EXPECT_EQ(first[1], first[0]) << "IDAI = 1: tracked reads the whole VPT";
    EXPECT_EQ(first[2], first[0]) << "IDAI = 1: summary reads the whole VPT";
    EXPECT_GT(reads[0], 10 * reads[1]) << "then full reads the whole VPT, tracked only what it recorded";
    EXPECT_GT(reads[0], reads[2]);
}

// Many pending vLPIs (more than the 64 a tracked load sorts on the stack, a
// pending map grown past one word of occupancy bits), some made pending while
// resident (held in the LPI cache, written back at the put), some left pending
// across a put (PendingLast): each load presents exactly what is pending, and
// the three policies present the same vLPIs in the same order, with no error.
TEST(VpePolicies, ManyPendingVlpisAcrossPutsAgree)
{
    constexpr uint32_t DEV2 = 6, NEV = 200;
    auto vintid = [](uint32_t e) { return 8192u + (e * 4099u) % (65536u - 8192u); };
    std::vector<uint64_t> acked[3];
    const gic_scan_policy_t pol[3] = {GIC_SCAN_FULL, GIC_SCAN_TRACKED, GIC_SCAN_SUMMARY};
    for (int p = 0; p < 3; p++) {
        VpeRun f;
        f.boot(pol[p]);
        uint64_t itt = gic_driver_alloc(f.drv, 256 * 16, 256);
        f.cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV2, itt, 7, true); });
        for (uint32_t e = 0; e < NEV; e++)
            f.cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV2, e, 1, vintid(e), 1023); });
        f.flush();
        auto send = [&](uint32_t e) {
            ASSERT_EQ(gic_msi(f.g, f.t, 0, DEV2, e), GIC_OK);
            f.step(200);
        };
        auto ack = [&](size_t max) {
            size_t n = 0;
            for (uint64_t id; n < max && (id = f.sr(f.t, 0, GIC_ICV_IAR1_EL1)) != GIC_SPURIOUS; n++) {
                acked[p].push_back(id);
                f.sw(f.t, 0, GIC_ICV_EOIR1_EL1, id);
                f.step(20000); /* full: the rescan after an acknowledge takes modelled time */
            }
            return n;
        };
        std::set<uint64_t> pending;
        for (uint32_t e = 0; e < 150; e++) { // recorded in the VPT
            send(e);
            pending.insert(vintid(e));
        }
        f.load(0, 1);
        f.step(200000); // full: the load reads the whole VPT (modelled time)
        for (uint32_t e = 150; e < 170; e++) { // resident: through the LPI cache
            send(e);
            pending.insert(vintid(e));
        }
        EXPECT_EQ(ack(100), 100u);
        for (size_t i = 0; i < acked[p].size(); i++) pending.erase(acked[p][i]);
        EXPECT_EQ(pending.size(), 70u);
        EXPECT_TRUE(f.put(0) & PENDINGLAST) << "70 vLPIs still pending";
        for (uint32_t e = 100; e < NEV; e++) { // some coalesce with the still-pending ones
            send(e);
            pending.insert(vintid(e));
        }
        f.load(0, 1);
        f.step(200000);
        size_t first = acked[p].size();
        EXPECT_EQ(ack(1000), pending.size());
        EXPECT_EQ(std::set<uint64_t>(acked[p].begin() + (long)first, acked[p].end()), pending)
            << "the second load presents what the put left and what came since";
        EXPECT_FALSE(f.put(0) & PENDINGLAST);
        EXPECT_EQ(f.counter("errors.total"), 0u);
        EXPECT_EQ(f.counter("vpe.vlpi.direct"), 20u);
    }
    ASSERT_GT(acked[0].size(), 200u);
    EXPECT_EQ(acked[0], acked[1]);
    EXPECT_EQ(acked[0], acked[2]);
}

// IHI0069 GICR_VPENDBASER.IDAI = 1: the VPT's IMPLEMENTATION DEFINED area is
// invalid and all pending information is in the architected part. A vLPI
// pending in the VPT that the GIC never recorded (a table filled by software,
// a VM restored) is found by every scan policy; with IDAI = 0 the GIC may use
// its own information (the tracked records, the summary bitmap), which says
// nothing is pending.
// vINTID 40000 set in vPE 1's VPT by software, then vPE 1 loaded on CPU 0
// with idai; time for the whole VPT to be read (7 KiB)
static void vpt_set_and_load(VpeRun &f, bool idai)
{
    uint8_t bit = 1u << (40000 % 8);
    ASSERT_EQ(gic_mem_write(f.g, f.vpt[1] + 40000 / 8, &bit, 1), GIC_OK);
    f.load_idai(0, 1, idai);
    f.step(200000);
}

TEST(VpeIdai, Idai1ReadsTheWholeVptUnderEveryPolicy)
{
    const gic_scan_policy_t pol[3] = {GIC_SCAN_FULL, GIC_SCAN_TRACKED, GIC_SCAN_SUMMARY};
    for (int p = 0; p < 3; p++) {
        VpeRun f;
        f.boot(pol[p]);
        vpt_set_and_load(f, true);
        EXPECT_EQ(f.sr(f.t, 0, GIC_ICV_IAR1_EL1), 40000u) << "policy " << p;
        f.sw(f.t, 0, GIC_ICV_EOIR1_EL1, 40000);
        EXPECT_EQ(f.sr(f.t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
        uint64_t v = f.put(0);
        EXPECT_EQ((v & IDAI) != 0, pol[p] == GIC_SCAN_FULL) << "policy " << p;
        EXPECT_EQ(f.counter("errors.total"), 0u);
    }
    if (::testing::Test::HasFailure()) return;
    // IDAI = 0 on a vPE the GIC has no information about: the tracked and
    // summary policies trust their own (empty) information, full reads anyway
    for (int p = 0; p < 3; p++) {
        VpeRun f;
        f.boot(pol[p]);
        vpt_set_and_load(f, false);
        EXPECT_EQ(f.sr(f.t, 0, GIC_ICV_IAR1_EL1), pol[p] == GIC_SCAN_FULL ? 40000u : (uint64_t)GIC_SPURIOUS)
            << "policy " << p;
    }
}

} // namespace
