// GICv4.1 end to end (cfg.gic_version = 4, cfg.gicv4_1 = 1): the ID registers
// Linux probes, the shared vPE table (GICR_VPROPBASER 4.1 layout), residency by
// vPEID with Dirty, vSGIs (VSGI, GITS_SGIR, delivery to the resident vPE's
// virtual interface, recording + default doorbell otherwise), GICR_VSGIR /
// GICR_VSGIPENDR, INVDB, the virtual GICR_INVLPIR / GICR_INVALLR / GICR_SYNCR,
// VMAPP / VMOVP with their GICv4.1 fields, and the error paths. Through the
// public C API and the driver helper only.
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"
#include "gictlm_driver.h"
#include "gictlm_trace.h"

namespace {

constexpr uint64_t VLPI = 0x20000, VPROPBASER = VLPI + 0x70, VPENDBASER = VLPI + 0x78, VSGIR = VLPI + 0x80,
                   VSGIPENDR = VLPI + 0x88;
constexpr uint64_t VALID = 1ull << 63, DB_BIT = 1ull << 62, PENDINGLAST = 1ull << 61, DIRTY = 1ull << 60,
                   VGRP0EN = 1ull << 59, VGRP1EN = 1ull << 58;
constexpr uint64_t GICR_INVLPIR = 0xa0, GICR_INVALLR = 0xb0, GICR_SYNCR = 0xc0;
constexpr uint32_t DEV = 5, DB1 = 8300, DB2 = 8301;

struct V41 : gictest::DriverTest {
    uint64_t vconf = 0, vpt[4] = {};
    unsigned dirty_reads = 0;
    void config41()
    {
        cfg.gic_version = 4;
        cfg.gicv4_1 = 1;
        cfg.num_cpus = 2;
        cfg.gicr_base = 0x08100000; // the ITS is 256 KiB with ITS_SGI_base
    }
    // Bring-up (the driver's GICv4.1 probe included), the VM's vLPI
    // configuration table (vINTIDs enabled at 0xa0), vPE 1 and 2 on
    // redistributor 0 with default doorbells DB1 and DB2, device DEV events
    // 0..3 -> vPE 1 vINTIDs 8192.. (no per-event doorbell, as Linux on 4.1).
    void boot(FILE *record = nullptr)
    {
        config41();
        create();
        if (record) {
            ASSERT_EQ(gic_record_start(g, record), GIC_OK);
        }
        drv = gic_driver_create(g, 1000, 0x10000000); // after the recording starts
        ASSERT_NE(drv, nullptr);
        ASSERT_EQ(gic_driver_init(drv), GIC_OK);
        vconf = gic_driver_alloc(drv, 1u << 16, 0x10000);
        std::vector<uint8_t> p((1u << 16) - 8192, 0xa0 | 1);
        ASSERT_EQ(gic_mem_write(g, vconf, p.data(), p.size()), GIC_OK);
        for (auto &a : vpt) a = gic_driver_alloc(drv, (1u << 16) / 8, 0x10000);
        uint8_t db = 0x80 | 1;
        gic_mem_write(g, gic_driver_prop_base(drv) + (DB1 - 8192), &db, 1);
        gic_mem_write(g, gic_driver_prop_base(drv) + (DB2 - 8192), &db, 1);
        t = gic_driver_time(drv);
        cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, true, false, true); });
        cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 2, rdb(0), vpt[2], 15, vconf, DB2, true, false, true); });
        uint64_t itt = gic_driver_alloc(drv, 16 * 16, 256);
        cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, itt, 3, true); });
        for (uint32_t e = 0; e < 4; e++) cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, e, 1, 8192 + e, 1023); });
        cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); });
        flush();
        out.clear();
    }
    uint64_t rdb(uint32_t cpu) { return gic_driver_rdbase(drv, cpu); }
    // A GICv4.1 GIC with two ITSs (of 256 KiB each) brought up by the driver
    void create_two_its()
    {
        cfg.num_its = 2;
        config41();
        cfg.gicr_base = 0x08200000;
        create();
        drv = gic_driver_create(g, 1000, 0x10000000);
        ASSERT_NE(drv, nullptr);
        ASSERT_EQ(gic_driver_init(drv), GIC_OK);
        t = gic_driver_time(drv);
    }
    // Poll GICR_VPENDBASER until Dirty reads 0, 100 ns apart (Linux
    // its_wait_vpt_parse_complete / its_clear_vpend_valid); returns the value.
    uint64_t poll_dirty(uint32_t cpu)
    {
        uint64_t v;
        while ((v = rr(t, cpu, VPENDBASER, 8)) & DIRTY) {
            dirty_reads++;
            step(100);
            if (dirty_reads > 100000) break;
        }
        return v;
    }
    // vCPU load as its_vpe_4_1_schedule + KVM: VPENDBASER Valid | groups |
    // vPEID, wait for Dirty, the virtual interface on, HCR_EL2.IMO.
    void load(uint32_t cpu, uint32_t vpeid, bool g0 = false)
    {
        rw(t, cpu, VPENDBASER, VALID | VGRP1EN | (g0 ? VGRP0EN : 0) | vpeid, 8);
        t += 1000;
        poll_dirty(cpu);
        sw(t, cpu, GIC_ICH_VMCR_EL2, 0x2u | (g0 ? 1u : 0u) | (0xf8u << 24));
        sw(t, cpu, GIC_ICH_HCR_EL2, 1);
        sw(t, cpu, GIC_HCR_EL2, 1u << 4);
        step(100);
    }
    // vCPU put as its_vpe_4_1_deschedule: req_db -> PendingLast cleared, DB
    // set; otherwise PendingLast set. Returns GICR_VPENDBASER after Dirty.
    uint64_t put(uint32_t cpu, bool req_db)
    {
        sw(t, cpu, GIC_HCR_EL2, 0);
        sw(t, cpu, GIC_ICH_HCR_EL2, 0);
        uint64_t v = rr(t, cpu, VPENDBASER, 8) & ~VALID;
        v = req_db ? ((v & ~PENDINGLAST) | DB_BIT) : (v | PENDINGLAST);
        rw(t, cpu, VPENDBASER, v, 8);
        t += 1000;
        return poll_dirty(cpu);
    }
    // The guest takes the highest-priority virtual Group 1 interrupt on CPU 0:
    // ICV_IAR1_EL1, then ICV_EOIR1_EL1 of what it read. Returns the INTID read.
    uint64_t take()
    {
        const uint64_t id = sr(t, 0, GIC_ICV_IAR1_EL1);
        sw(t, 0, GIC_ICV_EOIR1_EL1, id);
        return id;
    }
    void sgir(uint32_t vpeid, uint32_t vintid)
    {
        ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GITS, 0, GIC_GITS_SGIR_OFFSET, 8, gic_gits_sgir_value(vpeid, vintid)),
                  GIC_OK);
        step(1000);
    }
    void vsgi(uint32_t vpeid, uint32_t vintid, uint8_t prio, bool grp1, bool en, bool clear = false)
    {
        cmd([&](uint64_t c[4]) { gic_cmd_vsgi(c, vpeid, vintid, prio, grp1, en, clear); });
        cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, vpeid); });
        flush();
    }
    // The MSI of DEV event 0 (vPE 1, not resident) rings the default doorbell
    // db, the first one of the run, which the host at cpu takes; no error.
    void expect_default_doorbell(uint32_t cpu, uint32_t db, uint64_t wait_ns)
    {
        ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
        step(wait_ns);
        EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
        EXPECT_EQ(sr(t, cpu, GIC_ICC_IAR1_EL1), db);
        sw(t, cpu, GIC_ICC_EOIR1_EL1, db);
        EXPECT_EQ(counter("errors.total"), 0u);
    }
    void inv(uint32_t dev, uint32_t ev)
    {
        cmd([&](uint64_t c[4]) { gic_cmd_devev(c, GITS_CMD_INV, dev, ev); });
        flush();
    }
    std::vector<gic_output_t> cmds() const { return outs(GIC_OUT_CMD); }
    uint32_t last_cmd_error() const
    {
        uint32_t e = 0;
        for (auto &o : out)
            if (o.kind == GIC_OUT_CMD && o.error) e = o.error;
        return e;
    }
    // The vPE table entry (32 bytes) as the ITS wrote it.
    std::vector<uint64_t> entry(uint32_t vpeid)
    {
        uint64_t baser = rd(GIC_FRAME_GITS, 0, 0x110);
        uint64_t base = (baser & 0x0000ffffffff0000ull) | (((baser >> 12) & 0xf) << 48);
        std::vector<uint64_t> e(4);
        for (int i = 0; i < 4; i++) e[i] = r64(base + 32ull * vpeid + 8 * i);
        return e;
    }
};

// ---- configuration and ID registers ------------------------------------------------

TEST_F(V41, ConfigurationSelectsGicv41)
{
    config41();
    cfg.gic_version = 3;
    EXPECT_NE(create_rejected().find("gicv4_1 needs gic_version 4"), std::string::npos);
    config41();
    cfg.gicr_base = 0x080a0000; // the default map: ITS_SGI_base would overlap GICR
    EXPECT_NE(create_rejected().find("overlap"), std::string::npos);
    config41();
    char err[128] = "";
    EXPECT_EQ(gic_config_set(&cfg, "gicv4_1", "0", err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(cfg.gicv4_1, 0u);
    EXPECT_EQ(gic_gits_stride(&cfg), (uint64_t)GIC_GITS_SIZE);
    cfg.gicv4_1 = 1;
    EXPECT_EQ(gic_gits_stride(&cfg), 0x40000u);
}

TEST_F(V41, IdRegistersSayGicv41)
{
    boot();
    uint64_t typer = rd(GIC_FRAME_GITS, 0, 0x8);
    EXPECT_EQ((typer >> 1) & 1, 1u) << "Virtual";
    EXPECT_EQ((typer >> 39) & 1, 1u) << "VSGI: direct injection of vSGIs (GITS_SGIR, VSGI)";
    EXPECT_EQ((typer >> 40) & 1, 1u) << "VMAPP";
    EXPECT_EQ((typer >> 41) & 3, 1u) << "SVPET";
    EXPECT_EQ(rd(GIC_FRAME_GITS, 0, 0x18, 4), 0u) << "GITS_MPIDR";
    EXPECT_EQ((rd(GIC_FRAME_GITS, 0, 0x110) >> 48) & 0x1f, 31u) << "GITS_BASER2.Entry_Size: 32 bytes";
    EXPECT_EQ(rd(GIC_FRAME_GITS, 0, 0xffe8, 4) >> 4, 4u) << "ArchRev stays 4";
    uint64_t rt = rr(t, 1, gictest::GICR_TYPER, 8);
    EXPECT_EQ(rt & 0x8f, 0x8fu) << "PLPIS VLPIS Dirty DirectLPI RVPEID";
    EXPECT_EQ((rt >> 24) & 3, 0u) << "CommonLPIAff";
    EXPECT_EQ((rt >> 26) & 1, 1u) << "VSGI: GICR_VSGIR / GICR_VSGIPENDR";
    EXPECT_EQ(rr(t, 1, gictest::GICR_CTLR, 4) & 6, 6u) << "CES, IR";
    // the driver's probe shared the ITS's vPE table with every redistributor
    uint64_t vp = rr(t, 1, VPROPBASER, 8);
    EXPECT_EQ(vp >> 63, 1u);
    EXPECT_EQ((vp >> 59) & 7, 3u) << "Entry_Size (RO): 4 doublewords";
    EXPECT_EQ(dr(t, 0x000c), 0u) << "GICD_TYPER2: VIL 0 (16-bit vPEIDs), nASSGIcap 0";
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(V41, Gicv40IsUnchanged)
{
    cfg.gic_version = 4;
    create();
    EXPECT_EQ((rd(GIC_FRAME_GITS, 0, 0x8) >> 39) & 0xf, 0u) << "VSGI, VMAPP, SVPET";
    EXPECT_EQ(rr(0, 0, gictest::GICR_TYPER, 8) & 0x4000084, 0u) << "Dirty, RVPEID, VSGI";
    EXPECT_EQ(rr(0, 0, gictest::GICR_CTLR, 4) & 4, 0u) << "IR (CES is not a GICv4.1 field: Redist.CtlrCes*)";
    EXPECT_EQ((rd(GIC_FRAME_GITS, 0, 0x110) >> 48) & 0x1f, 15u);
    // GICv4.1-only offsets are reserved there (RAZ/WI, counted)
    EXPECT_EQ(rd(GIC_FRAME_GITS, 0, 0x18, 4), 0u);
    EXPECT_EQ(rr(0, 0, VSGIPENDR, 4), 0u);
    EXPECT_EQ(counter("errors.mmio_reserved_read"), 2u);
    uint64_t v = 0;
    EXPECT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GITS, 0, GIC_GITS_SGIR_OFFSET, 8, 1ull << 32), GIC_ERR_ADDR);
    (void)v;
}

// ---- ITS: VMAPP / VMOVP GICv4.1 fields, VSGI, INVDB ------------------------------------

TEST_F(V41, VmappWritesTheGicv41Entry)
{
    boot();
    auto e = entry(1);
    EXPECT_EQ(e[0] >> 63, 1u);
    EXPECT_EQ(e[0] & 0x000fffffffff0000ull, vpt[1]);
    EXPECT_EQ(e[0] & 0x1f, 15u);
    EXPECT_EQ(e[1] & 0xffff, 0u) << "target";
    EXPECT_EQ(e[1] >> 32, (uint64_t)DB1) << "default doorbell";
    EXPECT_EQ(e[2] & 0x000fffffffff0000ull, vconf);
    EXPECT_EQ(counter("its0.cmd.VMAPP.count"), 2u);
    // a bad default doorbell: PHYSICALID_OOR
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 3, rdb(0), vpt[3], 15, vconf, 40, true, false, true); });
    flush();
    EXPECT_EQ(last_cmd_error(), 0x012906u);
    EXPECT_EQ(entry(3)[0], 0u) << "nothing written";
}

TEST_F(V41, VsgiConfiguresTheEntryAndInvdbCompletes)
{
    boot();
    vsgi(1, 5, 0x30, true, true);
    auto e = entry(1);
    EXPECT_EQ(e[2] & 0xffff, 1u << 5) << "enable";
    EXPECT_EQ((e[1] >> 16) & 0xffff, 1u << 5) << "group 1";
    EXPECT_EQ((e[3] >> 20) & 0xf, 3u) << "priority[7:4]";
    // Alloc = 0 (a second map of the same vPE) keeps the vSGI configuration
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, false, false, true); });
    flush();
    EXPECT_EQ(entry(1)[2] & 0xffff, 1u << 5);
    cmd([&](uint64_t c[4]) { gic_cmd_invdb(c, 1); });
    flush();
    EXPECT_EQ(counter("its0.cmd.INVDB.count"), 1u);
    EXPECT_EQ(hist("its0.cmd.INVDB.latency").count, 1u);
    EXPECT_EQ(counter("vpe41.invdb"), 1u);
    EXPECT_EQ(counter("its0.cmd.VSGI.count"), 1u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(V41, Gicv41CommandErrors)
{
    boot();
    cmd([&](uint64_t c[4]) { gic_cmd_vsgi(c, 3, 1, 0, true, true, false); }); // vPE 3 not mapped
    flush();
    EXPECT_EQ(last_cmd_error(), 0x012311u) << "VSGI: UNMAPPED_VPE";
    cmd([&](uint64_t c[4]) { gic_cmd_invdb(c, 3); });
    flush();
    EXPECT_EQ(last_cmd_error(), 0x012e11u) << "INVDB: UNMAPPED_VPE";
    cmd([&](uint64_t c[4]) { gic_cmd_vsgi(c, 0xffff, 1, 0, true, true, false); });
    flush();
    EXPECT_EQ(last_cmd_error(), 0x012311u) << "VSGI: the last vPEID, not mapped";
    cmd([&](uint64_t c[4]) { gic_cmd_vmovp41(c, 0, 1, 1, rdb(1), true, 17); });
    flush();
    EXPECT_EQ(last_cmd_error(), 0x012206u) << "VMOVP: bad default doorbell";
    EXPECT_EQ(counter("its0.cmd.errors"), 4u);
}

TEST_F(V41, Gicv41CommandsAreUnknownOnGicv40)
{
    cfg.gic_version = 4;
    create();
    drv = gic_driver_create(g, 1000, 0x10000000);
    ASSERT_EQ(gic_driver_init(drv), GIC_OK);
    t = gic_driver_time(drv);
    out.clear();
    cmd([&](uint64_t c[4]) { gic_cmd_vsgi(c, 1, 1, 0, true, true, false); });
    cmd([&](uint64_t c[4]) { gic_cmd_invdb(c, 1); });
    flush();
    std::vector<uint32_t> errs;
    for (auto &o : cmds()) errs.push_back(o.error);
    ASSERT_EQ(errs.size(), 2u);
    EXPECT_EQ(errs[0], 0x0123ffu);
    EXPECT_EQ(errs[1], 0x012effu);
    EXPECT_EQ(counter0("its0.cmd.VSGI.count"), 0u) << "no VSGI statistics on a GICv4.0 ITS";
}

TEST_F(V41, VmovpMovesTheDefaultDoorbell)
{
    boot();
    cmd([&](uint64_t c[4]) { gic_cmd_vmovp41(c, 0, 1, 1, rdb(1), true, DB2); });
    cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); });
    flush();
    auto e = entry(1);
    EXPECT_EQ(e[1] & 0xffff, 1u) << "target redistributor 1";
    EXPECT_EQ(e[1] >> 32, (uint64_t)DB2);
    EXPECT_EQ(e[2] & 0x000fffffffff0000ull, vconf) << "VCONF kept";
    // the new default doorbell rings at redistributor 1
    load(1, 1);
    put(1, true);
    expect_default_doorbell(1, DB2, 2000);
}

// ---- residency: vPEID, Dirty, PendingLast, DB --------------------------------------------

TEST_F(V41, ResidencyTakesTimeAndDirtyReadsOneUntilDone)
{
    boot();
    gic_time_t t0 = t;
    rw(t, 0, VPENDBASER, VALID | VGRP1EN | 1, 8);
    uint64_t v = rr(t, 0, VPENDBASER, 8);
    EXPECT_TRUE(v & DIRTY) << "the vPE table entry and the VPT are still being read";
    EXPECT_EQ(v & 0xffff, 1u) << "vPEID";
    poll_dirty(0);
    gic_time_t dirty = hist("vpe41.residency.dirty_schedule").max;
    EXPECT_GE(dirty, cfg.mem_latency_ps) << "at least the entry read";
    EXPECT_GE(t - t0, dirty);
    EXPECT_GT(dirty_reads, 0u);
    EXPECT_EQ(counter("vpe.residency.scheduled"), 1u);
    // a change of Valid while Dirty is UNPREDICTABLE: ignored, counted
    rw(t, 0, VPENDBASER, 1, 8);
    rw(t, 0, VPENDBASER, VALID | 1, 8); // Dirty again (the load)
    rw(t, 0, VPENDBASER, 1, 8);
    EXPECT_EQ(counter("errors.vpe41_vpendbaser_while_dirty"), 1u);
    EXPECT_TRUE(rr(t, 0, VPENDBASER, 8) & VALID);
    poll_dirty(0);
    // deschedule: Dirty again until the write-back completes, PendingLast 0 (nothing pending)
    v = put(0, true);
    EXPECT_FALSE(v & VALID);
    EXPECT_FALSE(v & PENDINGLAST);
    EXPECT_EQ(hist("vpe41.residency.dirty_deschedule").count, 2u);
}

TEST_F(V41, TwoLevelVpeTableThroughGicrVpropbaser)
{
    boot();
    // a two-level vPE table of the redistributor's own (4K pages): level-1
    // entry 0 -> one level-2 page holding vPE 5 (128 entries of 32 bytes per page)
    uint64_t l1 = gic_driver_alloc(drv, 0x1000, 0x1000), l2 = gic_driver_alloc(drv, 0x1000, 0x1000);
    w64(l1, (1ull << 63) | l2);
    w64(l2 + 5 * 32, (1ull << 63) | vpt[3] | 15);
    w64(l2 + 5 * 32 + 8, (uint64_t)DB2 << 32 | 1); // target 1, default doorbell DB2
    w64(l2 + 5 * 32 + 16, vconf);
    rw(t, 1, VPROPBASER, (1ull << 63) | (1ull << 55) | l1 | 0, 8); // Valid, Indirect, 4K, one L1 page
    uint64_t vp = rr(t, 1, VPROPBASER, 8);
    EXPECT_EQ(vp & ((1ull << 63) | (1ull << 55) | 0x000ffffffffff000ull), (1ull << 63) | (1ull << 55) | l1);
    EXPECT_EQ((vp >> 59) & 7, 3u);
    rw(t, 1, VPENDBASER, VALID | VGRP1EN | 5, 8);
    poll_dirty(1);
    EXPECT_GE(hist("vpe41.residency.dirty_schedule").max, 2 * cfg.mem_latency_ps) << "level-1 read, then the entry";
    EXPECT_EQ(rr(t, 1, VPENDBASER, 8) & (VALID | 0xffff), VALID | 5);
    // vPE 6 has no valid entry in that page
    put(1, false);
    rw(t, 1, VPENDBASER, VALID | 6, 8);
    step(1000);
    EXPECT_EQ(rr(t, 1, VPENDBASER, 8) & VALID, 0u);
    // vPE 200 is in level-1 entry 1, which is not valid
    rw(t, 1, VPENDBASER, VALID | 200, 8);
    step(1000);
    EXPECT_EQ(counter("errors.vpe41_schedule_bad_vpe"), 2u);
}

TEST_F(V41, SingleVmovpRewritesEveryItsEntry)
{
    cfg.its_vmovp_single = 1;
    create_two_its();
    vconf = gic_driver_alloc(drv, 1u << 16, 0x10000);
    vpt[1] = gic_driver_alloc(drv, 8192, 0x10000);
    uint64_t c[4];
    for (uint32_t i = 0; i < 2; i++) {
        gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, i == 0, false, true);
        ASSERT_EQ(gic_driver_queue(drv, i, c), GIC_OK);
        gic_driver_set_time(drv, t);
        ASSERT_EQ(gic_driver_flush(drv, i, 1000000000ull), GIC_OK);
        t = gic_driver_time(drv) + 1000;
    }
    gic_cmd_vmovp41(c, 0, 0, 1, rdb(1), true, DB2);
    ASSERT_EQ(gic_driver_queue(drv, 0, c), GIC_OK);
    gic_driver_set_time(drv, t);
    ASSERT_EQ(gic_driver_flush(drv, 0, 1000000000ull), GIC_OK);
    t = gic_driver_time(drv) + 1000;
    for (uint32_t i = 0; i < 2; i++) {
        uint64_t baser = rd(GIC_FRAME_GITS, i, 0x110);
        uint64_t base = (baser & 0x0000ffffffff0000ull) | (((baser >> 12) & 0xf) << 48);
        uint64_t dw1 = r64(base + 32 + 8), dw2 = r64(base + 32 + 16);
        EXPECT_EQ(dw1 & 0xffff, 1u) << "ITS " << i << ": target";
        EXPECT_EQ(dw1 >> 32, (uint64_t)DB2) << "ITS " << i << ": default doorbell";
        EXPECT_EQ(dw2 & 0x000fffffffff0000ull, vconf) << "ITS " << i << ": VCONF kept";
    }
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(V41, VmappUnmapWithoutAllocKeepsTheSharedEntry)
{
    // Two ITSs sharing ITS 0's vPE table (GITS_TYPER.SVPET; Linux
    // find_sibling_its): vPE 1 is mapped through both, then unmapped from
    // ITS 1 with Alloc = 0 (not the last unmap, its_build_vmapp_cmd): the
    // entry stays valid for ITS 0 and the redistributors. The last unmap
    // (V = 0, Alloc = 1) invalidates it.
    create_two_its();
    uint64_t baser2 = rd(GIC_FRAME_GITS, 0, 0x110);
    ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GITS, 1, 0x0, 4, 0), GIC_OK); // ITS 1 off
    step(1000000);
    ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GITS, 1, 0x110, 8, baser2), GIC_OK);
    ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GITS, 1, 0x0, 4, 1), GIC_OK);
    step(1000);
    ASSERT_EQ(rd(GIC_FRAME_GITS, 1, 0x110), baser2);
    vconf = gic_driver_alloc(drv, 1u << 16, 0x10000);
    vpt[1] = gic_driver_alloc(drv, 8192, 0x10000);
    auto run = [&](uint32_t its, bool alloc, bool valid) {
        cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, 1023, alloc, false, valid); },
            its);
        flush(its);
    };
    run(0, true, true);   // first map
    run(1, false, true);  // second ITS
    run(1, false, false); // unmap from ITS 1 only
    EXPECT_EQ(last_cmd_error(), 0u);
    EXPECT_EQ(entry(1)[0] >> 63, 1u) << "Valid: the vPE is still mapped through ITS 0";
    EXPECT_EQ(entry(1)[0] & 0x000fffffffff0000ull, vpt[1]);
    // the vPE can still be scheduled, and ITS 0 still names it
    load(0, 1);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & (VALID | 0xffff), VALID | 1);
    put(0, false);
    vsgi(1, 2, 0x40, true, true);
    EXPECT_EQ(last_cmd_error(), 0u) << "VSGI on ITS 0";
    // the last unmap deallocates the vPE
    run(0, true, false);
    EXPECT_EQ(entry(1)[0], 0u);
    rw(t, 0, VPENDBASER, VALID | 1, 8);
    step(1000);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & VALID, 0u);
    EXPECT_EQ(counter("errors.vpe41_schedule_bad_vpe"), 1u);
    EXPECT_EQ(counter("its0.cmd.errors") + counter("its1.cmd.errors"), 0u);
}

// GITS_TYPER.VMOVP == 0: software sends every VMOVP (SequenceNumber, ITSList)
// to every ITS of ITSList in the same order (Linux its_send_vmovp); the ITSs
// progress at their own speed. Two ITSs, each with its own vPE table, vPE 1
// and 2 mapped on both at redistributor 0.
struct V41Vmovp : V41 {
    static constexpr uint32_t DB3 = 8302;
    void boot2()
    {
        cfg.its_vmovp_single = 0;
        create_two_its();
        vconf = gic_driver_alloc(drv, 1u << 16, 0x10000);
        std::vector<uint8_t> p((1u << 16) - 8192, 0xa0 | 1);
        ASSERT_EQ(gic_mem_write(g, vconf, p.data(), p.size()), GIC_OK);
        for (auto &a : vpt) a = gic_driver_alloc(drv, (1u << 16) / 8, 0x10000);
        uint8_t db = 0x80 | 1;
        for (uint32_t d : {DB1, DB2, DB3}) gic_mem_write(g, gic_driver_prop_base(drv) + (d - 8192), &db, 1);
        for (uint32_t i = 0; i < 2; i++) {
            cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, i == 0, false, true); }, i);
            cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 2, rdb(0), vpt[2], 15, vconf, DB2, i == 0, false, true); }, i);
            flush(i);
        }
        uint64_t itt = gic_driver_alloc(drv, 16 * 16, 256);
        cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, itt, 3, true); });
        cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, 0, 1, 8192, 1023); });
        cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); });
        flush();
        out.clear();
    }
    uint64_t entry_dw(uint32_t its, uint32_t vpeid, int dw)
    {
        uint64_t baser = rd(GIC_FRAME_GITS, its, 0x110);
        uint64_t base = (baser & 0x0000ffffffff0000ull) | (((baser >> 12) & 0xf) << 48);
        return r64(base + 32ull * vpeid + 8 * dw);
    }
    uint32_t vmovp(uint32_t its, uint32_t seq, uint32_t vpeid, uint32_t cpu, bool db, uint32_t dbid)
    {
        out.clear();
        cmd([&](uint64_t c[4]) { gic_cmd_vmovp41(c, seq, 0x3, vpeid, rdb(cpu), db, dbid); }, its);
        flush(its);
        return last_cmd_error();
    }
};

TEST_F(V41Vmovp, EveryVmovpCompletesWhenAnItsRunsAhead)
{
    boot2();
    load(0, 1);
    put(0, true); // non-resident, default doorbell requested
    // issue order seq 1 (vPE 1 -> RD 1, new default doorbell DB3), seq 2
    // (vPE 2 -> RD 1) on both ITSs; ITS 0 executes both before ITS 1 executes seq 1
    EXPECT_EQ(vmovp(0, 1, 1, 1, true, DB3), 0u);
    EXPECT_EQ(vmovp(0, 2, 2, 1, false, 1023), 0u);
    EXPECT_EQ(vmovp(1, 1, 1, 1, true, DB3), 0u);
    EXPECT_EQ(vmovp(1, 2, 2, 1, false, 1023), 0u);
    for (uint32_t i = 0; i < 2; i++) {
        cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); }, i);
        cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 2); }, i);
        flush(i);
        EXPECT_EQ(entry_dw(i, 1, 1) & 0xffff, 1u) << "ITS " << i << ": vPE 1 target";
        EXPECT_EQ(entry_dw(i, 1, 1) >> 32, (uint64_t)DB3) << "ITS " << i;
        EXPECT_EQ(entry_dw(i, 2, 1) & 0xffff, 1u) << "ITS " << i << ": vPE 2 target";
    }
    // seq 1's redistributor phase ran: the vLPI rings the new default doorbell at RD 1
    expect_default_doorbell(1, DB3, 20000);
}

TEST_F(V41Vmovp, AnItsHoldsABoundedNumberOfIncompleteVmovps)
{
    boot2();
    // ITS 0 runs ahead of ITS 1 by ITS_VMOVP_HELD (16) VMOVPs: the next one
    // is refused with a command error, counted and logged, not lost silently
    for (uint32_t s = 0; s < 16; s++) EXPECT_EQ(vmovp(0, s, 1 + s % 2, s % 2, false, 1023), 0u) << s;
    EXPECT_EQ(vmovp(0, 16, 1, 0, false, 1023), 0x012216u);
    EXPECT_EQ(counter("its0.cmd.errors"), 1u);
    EXPECT_EQ(counter("errors.its_cmd_error"), 1u);
    EXPECT_EQ(entry_dw(0, 1, 1) & 0xffff, 0u) << "the refused VMOVP wrote nothing";
    // ITS 1 completes seq 0: one held VMOVP less on ITS 0, which now takes seq 16
    EXPECT_EQ(vmovp(1, 0, 1, 0, false, 1023), 0u);
    EXPECT_EQ(vmovp(0, 16, 1, 1, false, 1023), 0u);
    EXPECT_EQ(entry_dw(0, 1, 1) & 0xffff, 1u);
    // ITS 1 catches up: every set completes, nothing is held any more
    for (uint32_t s = 1; s < 16; s++) EXPECT_EQ(vmovp(1, s, 1 + s % 2, s % 2, false, 1023), 0u) << s;
    EXPECT_EQ(vmovp(1, 16, 1, 1, false, 1023), 0u);
    for (uint32_t s = 17; s < 17 + 16; s++) EXPECT_EQ(vmovp(0, s, 2, 0, false, 1023), 0u) << s;
    EXPECT_EQ(counter("its0.cmd.errors"), 1u);
    EXPECT_EQ(counter("its0.cmd.VMOVP.count"), 16u + 2 + 16);
}

TEST_F(V41, SchedulingAnUnmappedVpeIsRefused)
{
    boot();
    rw(t, 0, VPENDBASER, VALID | 3, 8);
    step(1000);
    EXPECT_EQ(rr(t, 0, VPENDBASER, 8) & VALID, 0u);
    EXPECT_EQ(counter("errors.vpe41_schedule_bad_vpe"), 1u);
    rw(t, 0, VPENDBASER, VALID | 0x9000, 8); // beyond the table
    step(1000);
    EXPECT_EQ(counter("errors.vpe41_schedule_bad_vpe"), 2u);
}

// ---- vSGIs -------------------------------------------------------------------------------

TEST_F(V41, VsgiToResidentVpeIsDeliveredDirectly)
{
    boot();
    vsgi(1, 3, 0x40, true, true);
    load(0, 1);
    out.clear();
    gic_time_t t0 = t;
    sgir(1, 3);
    bool virq = false;
    for (auto &o : outs(GIC_OUT_LINE, 0))
        if (o.line == GIC_LINE_VIRQ && o.level) {
            virq = true;
            EXPECT_GE(o.time, t0 + cyc(cfg.its_translate_cycles + cfg.lat_redist_to_cpu));
        }
    EXPECT_TRUE(virq);
    EXPECT_EQ(counter("its0.sgir.delivered"), 1u);
    EXPECT_EQ(counter("vpe41.vsgi.direct"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_HPPIR1_EL1), 3u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 3u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0x40u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 3);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0xffu);
    // no active state, but with ICH_HCR_EL2.vSGIEOICount = 0 the deactivation of a vSGI counts
    EXPECT_EQ((sr(t, 0, GIC_ICH_HCR_EL2) >> 27) & 0x1f, 1u) << "vSGIEOICount = 0: EOIcount";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    EXPECT_EQ(counter("vpe41.vsgi.acks"), 1u);
    EXPECT_EQ(hist("vpe41.vsgi.sgir_to_iar").count, 1u);
    // vSGIEOICount = 1 (KVM: none of the vCPU's SGIs is outside the vPE): no EOIcount
    sw(t, 0, GIC_ICH_HCR_EL2, 1u | (1u << 8));
    sgir(1, 3);
    EXPECT_EQ(take(), 3u);
    EXPECT_EQ(sr(t, 0, GIC_ICH_HCR_EL2), 1u | (1u << 8)) << "vSGIEOICount = 1: no EOIcount";
    // the same vSGI twice before the acknowledge: coalesced
    sgir(1, 3);
    sgir(1, 3);
    EXPECT_EQ(counter("its0.sgir.coalesced"), 1u);
    // a vSGI and a vLPI share the engine: priority decides (vSGI 0x40 < vLPI 0xa0)
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 3u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "0xa0 cannot preempt 0x40";
    sw(t, 0, GIC_ICV_EOIR1_EL1, 3);
    EXPECT_EQ(take(), 8193u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069: the highest-priority pending virtual interrupt is chosen among the
// enabled groups. A vLPI (Group 1) pending with VENG1 = 0 does not hide an
// enabled Group 0 vSGI of lower priority.
TEST_F(V41, DisabledGroupVlpiDoesNotHideAGroup0Vsgi)
{
    boot();
    vsgi(1, 2, 0xc0, false, true); // vSGI 2: Group 0, priority 0xc0
    load(0, 1, true);
    sw(t, 0, GIC_ICH_VMCR_EL2, 0x1u | (0xf8u << 24)); // VENG0 = 1, VENG1 = 0
    step(100);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK); // vLPI 8192: Group 1, priority 0xa0
    step(2000);
    sgir(1, 2);
    step(1000);
    EXPECT_EQ(sr(t, 0, GIC_ICV_HPPIR0_EL1), 2u);
    bool vfiq = false;
    for (auto &o : outs(GIC_OUT_LINE, 0))
        if (o.line == GIC_LINE_VFIQ) vfiq = o.level;
    EXPECT_TRUE(vfiq) << "the Group 0 vSGI is signalled";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR0_EL1), 2u);
    sw(t, 0, GIC_ICV_EOIR0_EL1, 2);
    sw(t, 0, GIC_ICH_VMCR_EL2, 0x3u | (0xf8u << 24)); // VENG1 = 1: the vLPI was pending all along
    step(100);
    EXPECT_EQ(take(), 8192u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(V41, Group0VsgiNeedsVeng0)
{
    boot();
    vsgi(1, 2, 0x20, false, true); // group 0
    load(0, 1, false);
    sgir(1, 2);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "group 0 is not acknowledged at IAR1";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR0_EL1), GIC_SPURIOUS) << "VENG0 off";
    sw(t, 0, GIC_ICH_VMCR_EL2, 0x3u | (0xf8u << 24));
    step(100);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR0_EL1), 2u);
    sw(t, 0, GIC_ICV_EOIR0_EL1, 2);
}

TEST_F(V41, VsgiToNonResidentVpeIsRecordedWithTheDefaultDoorbell)
{
    boot();
    vsgi(1, 4, 0x50, true, true);
    vsgi(1, 6, 0x50, true, false); // disabled
    load(0, 1);
    uint64_t v = put(0, true);
    EXPECT_FALSE(v & PENDINGLAST);
    out.clear();
    sgir(1, 6); // disabled: recorded, no doorbell
    EXPECT_EQ(counter("vpe41.vsgi.recorded"), 1u);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    EXPECT_EQ(counter("vpe41.default_doorbells_not_raised"), 1u);
    sgir(1, 4);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
    // one doorbell per non-residency
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
    // GICR_VSGIR / GICR_VSGIPENDR: Busy while the entry is read, then the pending vSGIs
    rw(t, 0, VSGIR, 1, 4);
    EXPECT_EQ(rr(t, 0, VSGIPENDR, 4), 1u << 31) << "Busy";
    step(1000);
    EXPECT_EQ(rr(t, 0, VSGIPENDR, 4), (1u << 4) | (1u << 6));
    EXPECT_EQ(rr(t, 0, VSGIR, 4), 1u);
    // the next load presents the enabled vSGI and the vLPI
    load(0, 1);
    EXPECT_EQ(take(), 4u);
    EXPECT_EQ(take(), 8192u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "vSGI 6 is disabled";
    // VSGI with C = 1 clears it
    vsgi(1, 6, 0x50, true, false, true);
    rw(t, 0, VSGIR, 1, 4);
    step(1000);
    EXPECT_EQ(rr(t, 0, VSGIPENDR, 4), 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

TEST_F(V41, NoDoorbellWithoutDbOrWhenPendingLast)
{
    boot();
    load(0, 1);
    uint64_t v = put(0, false); // not blocking: PendingLast set, no doorbell wanted
    EXPECT_TRUE(v & PENDINGLAST);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    // a vLPI disabled in the VCONF table rings no doorbell either
    load(0, 1);
    EXPECT_EQ(take(), 8192u);
    put(0, true);
    uint8_t off = 0xa0;
    gic_mem_write(g, vconf + 1, &off, 1); // vINTID 8193 disabled
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    EXPECT_EQ(counter("vpe41.default_doorbells_not_raised"), 1u);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 2), GIC_OK); // enabled: rings
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
}

// PendingLast counts the interrupts the default doorbell rule would signal:
// enabled and in a group the vPE has enabled (GICR_VPENDBASER.VGrp<n>En). A
// pending Group 0 vSGI while VGrp0En = 0 leaves the doorbell armed, and a
// later Group 1 vLPI rings it (before, PendingLast read 1 and the vCPU was
// never woken).
TEST_F(V41, PendingVsgiOfADisabledGroupDoesNotDisarmTheDefaultDoorbell)
{
    boot();
    vsgi(1, 3, 0x40, /*grp1*/ false, /*en*/ true); // vSGI 3: Group 0, enabled
    load(0, 1, /*g0*/ false);                      // VGrp1En only
    sgir(1, 3);                                    // pending, in a group the vPE has off
    uint64_t v = put(0, true);
    EXPECT_EQ(v & PENDINGLAST, 0u) << "only a vSGI of a disabled group is pending";
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK); // Group 1 vLPI 8192, enabled
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
    // the vLPI taken (Group 0 off: the vSGI stays pending, unseen), then with
    // VGrp0En the same vSGI alone keeps the doorbell from being armed
    load(0, 1, /*g0*/ false);
    EXPECT_EQ(take(), 8192u);
    EXPECT_EQ(put(0, true) & PENDINGLAST, 0u);
    load(0, 1, /*g0*/ true);
    v = put(0, true);
    EXPECT_NE(v & PENDINGLAST, 0u) << "an enabled vSGI of an enabled group is pending";
}

// The doorbell half of the same rule (vsgi_signal_mask): a vSGI that becomes
// pending while its group's VGrp<n>En of the deschedule is 0 rings no default
// doorbell and leaves it armed; an enabled vSGI of an enabled group then rings it.
TEST_F(V41, VsgiOfADisabledGroupRingsNoDefaultDoorbell)
{
    boot();
    vsgi(1, 3, 0x40, /*grp1*/ false, /*en*/ true); // vSGI 3: Group 0, enabled
    vsgi(1, 5, 0x40, /*grp1*/ true, /*en*/ true);  // vSGI 5: Group 1, enabled
    load(0, 1, /*g0*/ false);                      // VGrp1En only
    EXPECT_EQ(put(0, true) & PENDINGLAST, 0u);
    sgir(1, 3);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u) << "Group 0 is off for this vPE";
    EXPECT_EQ(counter("vpe41.default_doorbells_not_raised"), 1u);
    sgir(1, 5);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u) << "the doorbell stayed armed";
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// The same for vLPIs (Group 1): an enabled vLPI pending while the deschedule
// write has VGrp1En = 0 leaves the default doorbell armed, and a Group 0
// vSGI (VGrp0En = 1) rings it.
TEST_F(V41, PendingVlpiOfADisabledGroupDoesNotDisarmTheDefaultDoorbell)
{
    boot();
    vsgi(1, 3, 0x40, /*grp1*/ false, /*en*/ true); // vSGI 3: Group 0, enabled
    rw(t, 0, VPENDBASER, VALID | VGRP0EN | 1, 8);  // resident with VGrp0En only
    t += 1000;
    poll_dirty(0);
    step(100);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);   // vLPI 8192: pending, enabled, Group 1 off
    step(2000);
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    uint64_t v = put(0, true);
    EXPECT_EQ(v & VGRP1EN, 0u);
    EXPECT_EQ(v & PENDINGLAST, 0u) << "only a vLPI of a disabled group is pending";
    sgir(1, 3);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
}

// The default doorbell of a vLPI is decided by the enable bit of its byte in
// the VCONF table: the doorbell LPI becomes pending only once that read has
// completed (before, the host's IRQ could rise before the read had), whether
// the doorbell LPI's configuration is in the LPI cache or not.
TEST_F(V41, DefaultDoorbellWaitsForItsVconfRead)
{
    boot();
    for (uint32_t ev : {0u, 1u}) { // the doorbell LPI's configuration: first read, then cached
        SCOPED_TRACE(ev);
        load(0, 1);
        put(0, true);
        out.clear();
        ASSERT_EQ(gic_msi(g, t, 0, DEV, ev), GIC_OK);
        step(3000);
        auto m = outs(GIC_OUT_MSI);
        auto l = outs(GIC_OUT_LINE);
        ASSERT_EQ(m.size(), 1u);
        ASSERT_GE(l.size(), 1u);
        EXPECT_EQ(l[0].cpu, 0u);
        EXPECT_GE(l[0].time - m[0].time, mem() + cyc(cfg.lat_redist_to_cpu))
            << "the doorbell rose before its vLPI's configuration byte was read";
        EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
        sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
        load(0, 1);
        EXPECT_EQ(take(), 8192u + ev);
        put(0, false);
    }
}

// IHI0069 GICv4.1 GICR_VPENDBASER.DB: treated as 0 only when interrupts are
// pending *and enabled* at the deschedule (PendingLast); a pending vLPI that
// is disabled in the VCONF table leaves the default doorbell armed.
TEST_F(V41, DisabledPendingVlpiDoesNotDisarmTheDefaultDoorbell)
{
    boot();
    load(0, 1);
    uint8_t off = 0xa0;
    gic_mem_write(g, vconf + 1, &off, 1); // vINTID 8193 disabled, then INV of its event
    inv(DEV, 1);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
    uint64_t v = put(0, true);
    EXPECT_EQ(v & PENDINGLAST, 0u) << "only a disabled vLPI is pending";
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 2), GIC_OK); // enabled: rings the default doorbell
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 1u);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
}

// The default doorbell rings when an interrupt that could be signalled
// becomes pending. A vLPI that became pending while disabled and is enabled
// later (VCONF write and INV of its event) while its vPE is not resident
// rings none: it is presented at the next residency (docs/gicv41.md; QEMU's
// INV of a non-resident vPE's vLPI does nothing either).
TEST_F(V41, EnablingAPendingVlpiOfANonResidentVpeRingsNoDefaultDoorbell)
{
    boot();
    load(0, 1);
    put(0, true); // blocking: the default doorbell armed
    uint8_t off = 0xa0, on = 0xa1;
    gic_mem_write(g, vconf + 1, &off, 1); // vINTID 8193 disabled
    inv(DEV, 1);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells_not_raised"), 1u);
    gic_mem_write(g, vconf + 1, &on, 1); // enabled while pending and non-resident
    inv(DEV, 1);
    step(2000);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS);
    load(0, 1);
    EXPECT_EQ(take(), 8193u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// IHI0069 GICv4.1 GICR_VPENDBASER.DB: a default doorbell is requested by the
// write of Valid from 1 to 0 that makes the vPE non-resident, nothing else;
// VMAPP's Default Doorbell only names the pINTID. A vPE mapped (with a default
// doorbell) but never made resident has none requested: an enabled vLPI and an
// enabled vSGI are recorded and wait for its first residency.
TEST_F(V41, NeverResidentVpeRingsNoDefaultDoorbell)
{
    boot();
    vsgi(1, 4, 0x50, true, true);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
    step(2000);
    sgir(1, 4);
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    EXPECT_EQ(counter("vpe41.vsgi.recorded"), 1u);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    EXPECT_EQ(counter("vpe41.default_doorbells_not_raised"), 0u) << "not requested, so not suppressed either";
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS);
    // the first residency presents both
    load(0, 1);
    EXPECT_EQ(take(), 4u);
    EXPECT_EQ(take(), 8192u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// The request belongs to the vPE that was descheduled: after the last unmap
// (VMAPP V = 0, Alloc = 1) a VMAPP with Alloc = 1 allocates the vPE afresh
// (on the same VPT here), and until it is made resident and descheduled with
// DB = 1 it has no default doorbell requested.
TEST_F(V41, ReallocatedVpeHasNoDefaultDoorbellRequested)
{
    boot();
    load(0, 1);
    EXPECT_EQ(put(0, true) & PENDINGLAST, 0u) << "a default doorbell is requested";
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, true, false, false); });
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, true, false, true); });
    cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); });
    flush();
    EXPECT_EQ(last_cmd_error(), 0u);
    vsgi(1, 4, 0x50, true, true);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
    step(2000);
    sgir(1, 4);
    EXPECT_EQ(counter("vpe41.default_doorbells"), 0u);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), GIC_SPURIOUS);
    // made resident and descheduled with DB = 1, it rings again
    load(0, 1);
    EXPECT_EQ(take(), 4u);
    EXPECT_EQ(take(), 8192u);
    put(0, true);
    expect_default_doorbell(0, DB1, 2000);
}

// IHI0069 GICv4.1 VMAPP Alloc = 1: the vPE is allocated afresh. The VPT of a
// vPE deallocated (VMAPP V = 0, Alloc = 1) and reused zeroed for a new vPE
// holds nothing pending, and the new vPE has no pending vSGI: what the GIC
// knew of the old vPE (its pending vLPIs and vSGIs) must not reach the new one
// (the first residency after the allocation parses the VPT, as a VPT the GIC
// never met), and a new vLPI is not lost in a stale record.
TEST_F(V41, VmappAllocStartsTheVpeWithNothingPending)
{
    boot();
    load(0, 1);
    put(0, false);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK); // vINTID 8193 recorded in the VPT
    step(2000);
    sgir(1, 3);
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    // the VM goes: its device and vPE unmapped; the same VPT, zeroed, for a new vPE
    cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, 0, 0, false); });
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, true, false, false); });
    flush();
    std::vector<uint8_t> zero((1u << 16) / 8, 0);
    ASSERT_EQ(gic_mem_write(g, vpt[1], zero.data(), zero.size()), GIC_OK);
    cmd([&](uint64_t c[4]) { gic_cmd_vmapp41(c, 1, rdb(0), vpt[1], 15, vconf, DB1, true, false, true); });
    uint64_t itt = gic_driver_alloc(drv, 16 * 16, 256);
    cmd([&](uint64_t c[4]) { gic_cmd_mapd(c, DEV, itt, 3, true); });
    cmd([&](uint64_t c[4]) { gic_cmd_vmapti(c, DEV, 1, 1, 8193, 1023); });
    cmd([&](uint64_t c[4]) { gic_cmd_vsync(c, 1); });
    flush();
    vsgi(1, 3, 0x40, true, true);
    load(0, 1);
    EXPECT_EQ(take(), (uint64_t)GIC_SPURIOUS) << "neither the old vLPI nor the old vSGI";
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(outs(GIC_OUT_MSI).back().outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_EQ(take(), 8193u);
    EXPECT_EQ(take(), (uint64_t)GIC_SPURIOUS);
    EXPECT_EQ(put(0, true) & PENDINGLAST, 0u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// GICv4.1 has no IDAI: a VPT the GIC meets for the first time may hold
// pending vLPIs it never recorded (VMAPP with PTZ = 0, as Linux issues it), so
// its first residency reads the whole table under every scan policy; later
// ones use the GIC's own information.
struct V41Run : V41 {
    void TestBody() override {}
};
TEST(V41Policies, FirstResidencyReadsTheWholeVpt)
{
    const gic_scan_policy_t pol[3] = {GIC_SCAN_FULL, GIC_SCAN_TRACKED, GIC_SCAN_SUMMARY};
    for (int p = 0; p < 3; p++) {
        SCOPED_TRACE(p);
        V41Run f;
        f.cfg.lpi_scan_policy = pol[p];
        f.boot();
        uint8_t bit = 1u << (40000 % 8);
        ASSERT_EQ(gic_mem_write(f.g, f.vpt[1] + 40000 / 8, &bit, 1), GIC_OK);
        uint64_t r0 = f.counter("vpe.residency.scan_reads");
        f.load(0, 1);
        EXPECT_EQ(f.sr(f.t, 0, GIC_ICV_IAR1_EL1), 40000u);
        f.sw(f.t, 0, GIC_ICV_EOIR1_EL1, 40000);
        EXPECT_EQ(f.sr(f.t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS);
        uint64_t first = f.counter("vpe.residency.scan_reads") - r0;
        EXPECT_GE(first, 100u) << "the whole 8 KiB VPT past its first KiB";
        f.put(0, false);
        r0 = f.counter("vpe.residency.scan_reads");
        f.load(0, 1);
        uint64_t second = f.counter("vpe.residency.scan_reads") - r0;
        if (pol[p] == GIC_SCAN_FULL) EXPECT_GE(second, 100u) << "full reads the whole VPT at every load";
        else EXPECT_LT(second, first / 4) << "the GIC's own information afterwards";
        f.put(0, false);
        EXPECT_EQ(f.counter("errors.total"), 0u);
    }
}

// IHI0069 GICR_INVLPIR / GICR_INVALLR with V = 1 invalidate the cached
// configuration of the vPE's vLPIs whether or not it is resident: with the
// vLPI configuration cache on, a vLPI disabled in VCONF while the vPE was away
// is not presented at its next residency once GICR_SYNCR reads 0.
TEST_F(V41, VirtualInvalidationReachesTheVlpiCacheOfANonResidentVpe)
{
    for (int how = 0; how < 2; how++) {
        SCOPED_TRACE(how ? "GICR_INVALLR" : "GICR_INVLPIR");
        if (drv) gic_driver_destroy(drv);
        drv = nullptr;
        destroy();
        cfg.vpe_vlpi_cache.entries = 64;
        boot();
        ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK); // 8192 recorded in the VPT
        step(2000);
        load(0, 1); // its configuration read (and cached) at the load
        ASSERT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8192u);
        sw(t, 0, GIC_ICV_EOIR1_EL1, 8192);
        put(0, false);
        uint8_t off = 0xa0;
        gic_mem_write(g, vconf, &off, 1); // 8192 disabled
        if (how == 0) rw(t, 0, GICR_INVLPIR, (1ull << 63) | (1ull << 32) | 8192, 8);
        else rw(t, 0, GICR_INVALLR, (1ull << 63) | (1ull << 32), 8);
        while (rr(t, 0, GICR_SYNCR, 4) & 1) step(100);
        ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
        step(2000);
        load(0, 1);
        step(1000);
        EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), GIC_SPURIOUS) << "the disabled vLPI is not presented";
        EXPECT_EQ(counter("errors.total"), 0u);
    }
}

TEST_F(V41, SgirErrorsAreCountedAndLogged)
{
    boot();
    sgir(3, 1); // vPE 3 not mapped
    EXPECT_EQ(counter("its0.sgir.dropped.unmapped_vpe"), 1u);
    EXPECT_EQ(counter("errors.its_sgir_dropped"), 1u);
    ASSERT_EQ(gic_mmio_write(g, t, GIC_FRAME_GITS, 0, GIC_GITS_SGIR_OFFSET, 4, 3), GIC_OK);
    EXPECT_EQ(counter("errors.its_sgir_partial"), 1u);
    EXPECT_EQ(counter("its0.sgir.received"), 1u);
    rw(t, 0, VSGIR, 7, 4); // vPE 7 not mapped
    step(1000);
    EXPECT_EQ(rr(t, 0, VSGIPENDR, 4), 0u);
    EXPECT_EQ(counter("errors.vpe41_vsgir_bad_vpe"), 1u);
}

// ---- direct invalidation, virtual forms ----------------------------------------------------

TEST_F(V41, VirtualInvlpirRereadsTheConfigurationOfTheResidentVpe)
{
    boot();
    load(0, 1);
    // vINTID 8195 gets priority 0x60; until the invalidation the cached 0xa0 may stay
    uint8_t p = 0x60 | 1;
    gic_mem_write(g, vconf + 3, &p, 1);
    rw(t, 0, GICR_INVLPIR, (1ull << 63) | (1ull << 32) | 8195, 8);
    while (rr(t, 0, GICR_SYNCR, 4)) step(50);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 3), GIC_OK);
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 8195u);
    EXPECT_EQ(sr(t, 0, GIC_ICV_RPR_EL1), 0x60u);
    sw(t, 0, GIC_ICV_EOIR1_EL1, 8195);
    // INVALLR for another vPE does nothing here (it is not resident)
    rw(t, 0, GICR_INVALLR, (1ull << 63) | (2ull << 32), 8);
    EXPECT_EQ(rr(t, 0, GICR_SYNCR, 4), 0u);
    rw(t, 0, GICR_INVALLR, (1ull << 63) | (1ull << 32), 8);
    EXPECT_EQ(counter("vpe41.direct_inv"), 3u);
    EXPECT_EQ(counter("errors.total"), 0u);
}

// ---- traces: Linux's GICv4.1 probe and a GICv4.1 vCPU load/put --------------------------------
// The traces in traces/ are the output of these recordings: the tests write
// them into the build directory and require them to equal the committed files
// (GICTLM_UPDATE_V41_TRACES=1 rewrites traces/*.trace; the goldens are then
// regenerated with the update-goldens target).

void check_trace(const std::string &name, const std::string &header, const std::string &body)
{
    std::string text = header + body;
    std::string committed = std::string(GICTLM_SOURCE_DIR) + "/traces/" + name + ".trace";
    if (std::getenv("GICTLM_UPDATE_V41_TRACES")) {
        std::ofstream(committed, std::ios::binary) << text;
        return;
    }
    std::ofstream(std::string(GICTLM_BINARY_DIR) + "/" + name + ".trace", std::ios::binary) << text;
    EXPECT_TRUE(gictest::file_contents(committed) == text) << "traces/" << name << ".trace differs from what the recording gives ("
                                          << GICTLM_BINARY_DIR << "/" << name << ".trace)";
}

std::string recorded(FILE *f)
{
    std::fflush(f);
    std::string s = gictest::file_contents(f);
    std::fclose(f);
    // the recorder's first line is the version header; comments go after it
    size_t nl = s.find('\n');
    return s.substr(nl + 1);
}

TEST_F(V41, RecordLinuxProbeTrace)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    config41();
    create();
    ASSERT_EQ(gic_record_start(g, f), GIC_OK);
    drv = gic_driver_create(g, 1000, 0x10000000);
    ASSERT_EQ(gic_driver_init(drv), GIC_OK);
    // what Linux reads besides: GICD_TYPER2 (gic_init_bases), each GICR_VPENDBASER after the probe
    t = gic_driver_time(drv) + 1000;
    uint64_t v = 0;
    gic_mmio_read(g, t, GIC_FRAME_GICD, 0, 0x000c, 4, &v);
    for (uint32_t c = 0; c < cfg.num_cpus; c++) gic_mmio_read(g, t += 1000, GIC_FRAME_GICR, c, VPENDBASER, 8, &v);
    gic_record_stop(g);
    EXPECT_EQ(counter("errors.total"), 0u);
    check_trace("gicv41_linux_probe",
                "gictlm-trace 1\n"
                "# Linux's GICv4.1 probe (irq-gic-v3.c, irq-gic-v3-its.c) as the driver helper does it,\n"
                "# recorded through the public API: distributor and redistributors, LPIs, the ITS\n"
                "# (GITS_TYPER.VMAPP/SVPET, GITS_MPIDR, BASERs with the 32-byte vPE table, command queue,\n"
                "# MAPC/SYNC), then per redistributor GICR_TYPER (RVPEID, Dirty), GICR_CTLR (IR) and\n"
                "# GICR_VPROPBASER sharing the ITS's vPE table (inherit_vpe_l1_table_from_its); GICD_TYPER2.\n"
                "# Every read carries the value the model returned (expect): the replay checks itself,\n"
                "# and it must raise no GIC error.\n",
                recorded(f));
}

TEST_F(V41, RecordVcpuLoadPutTrace)
{
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    boot(f);
    vsgi(1, 1, 0x40, true, true);
    // load: its_vpe_4_1_schedule + its_wait_vpt_parse_complete; the guest takes a vLPI and a vSGI
    load(0, 1);
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 0), GIC_OK);
    step(2000);
    EXPECT_EQ(take(), 8192u);
    sgir(1, 1);
    EXPECT_EQ(take(), 1u);
    // put with a doorbell request (the vCPU blocks): its_vpe_4_1_deschedule(req_db)
    uint64_t v = put(0, true);
    EXPECT_FALSE(v & PENDINGLAST);
    // a vLPI for the blocked vPE: recorded in the VPT, the default doorbell wakes the host
    ASSERT_EQ(gic_msi(g, t, 0, DEV, 1), GIC_OK);
    step(2000);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), DB1);
    sw(t, 0, GIC_ICC_EOIR1_EL1, DB1);
    // a vSGI for it too: recorded (the doorbell was already used)
    sgir(1, 1);
    // the next load presents both
    load(0, 1);
    EXPECT_EQ(take(), 1u);
    EXPECT_EQ(take(), 8193u);
    put(0, false);
    gic_record_stop(g);
    EXPECT_EQ(counter("errors.total"), 0u);
    check_trace("gicv41_vcpu_load_put",
                "gictlm-trace 1\n"
                "# GICv4.1 vCPU load/put as Linux's irq-gic-v4.c / irq-gic-v3-its.c and KVM do it on GICv4.1\n"
                "# hardware, recorded through the public API from a driver-helper bring-up (GICv4.1 probe):\n"
                "# VMAPP (GICv4.1: VCONF, default doorbell 8300, Alloc) of vPEs 1 and 2 on redistributor 0,\n"
                "# VMAPTI of device 5 events 0..3 to vINTIDs 8192.. of vPE 1 (no per-event doorbell), VSGI\n"
                "# enabling vSGI 1 at priority 0x40. Load (its_vpe_4_1_schedule): GICR_VPENDBASER Valid |\n"
                "# VGrp1En | vPEID, polled until Dirty = 0 (its_wait_vpt_parse_complete); a vLPI and a vSGI\n"
                "# (GITS_SGIR) are taken at ICV_IAR1. Put with a doorbell request (its_vpe_4_1_deschedule):\n"
                "# PendingLast cleared, DB set, Dirty polled; a vLPI then goes to the VPT and raises the\n"
                "# default doorbell (taken at ICC_IAR1), a vSGI is recorded; the next load presents both.\n"
                "# Every read carries the value the model returned (expect).\n",
                recorded(f));
}

} // namespace
