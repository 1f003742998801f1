// GICv4.0 ITS (cfg.gic_version = 4): GITS_TYPER.Virtual / VMOVP, the vPE
// table in GITS_BASER2 (flat and two-level at every page size), the virtual
// commands VMAPP, VMAPTI, VMAPI, VMOVI, VMOVP, VSYNC, VINVALL with their
// checks and error codes (docs/its.md), INT/CLEAR/INV/DISCARD/MOVI on virtual
// events, and the translation of an MSI whose ITE is virtual. Commands are
// encoded here from IHI0069 5.3, independently of the model and of
// capi/driver.c (a test compares the two).
#include "test_its_fixture.h"

#include "gictlm_driver.h"

using namespace its_test;

namespace {

constexpr uint64_t VPET = 0x500000;   // vPE table (flat: 1 page of 4 KiB = 256 entries)
constexpr uint64_t VPT = 0x6000000;   // + vpe * 0x10000: virtual LPI pending tables
constexpr uint64_t BIGITT = 0x5000000; // ITT of device 100 (16384 events x 16 bytes)
constexpr uint32_t VLPI = 8192;       // first vINTID
constexpr uint32_t NODB = 1023;       // no doorbell

// ---- GICv4.0 command encoders (IHI0069 5.3) ----
Cmd vmapp(uint32_t vpe, uint64_t rd, uint64_t vpt, uint32_t size, bool v)
{
    Cmd c;
    c.d[0] = 0x29;
    c.d[1] = (uint64_t)vpe << 32;
    c.d[2] = ((uint64_t)v << 63) | ((rd & 0xfffffffffull) << 16);
    c.d[3] = (vpt & 0x000fffffffff0000ull) | (size & 0x1f);
    return c;
}
Cmd vmapti(uint32_t dev, uint32_t ev, uint32_t vpe, uint32_t vintid, uint32_t db)
{
    Cmd c;
    c.d[0] = 0x2a | ((uint64_t)dev << 32);
    c.d[1] = ev | ((uint64_t)vpe << 32);
    c.d[2] = vintid | ((uint64_t)db << 32);
    return c;
}
Cmd vmapi(uint32_t dev, uint32_t ev, uint32_t vpe, uint32_t db)
{
    Cmd c = vmapti(dev, ev, vpe, 0, db);
    c.d[0] = (c.d[0] & ~0xffull) | 0x2b;
    return c;
}
Cmd vmovi(uint32_t dev, uint32_t ev, uint32_t vpe, bool d, uint32_t db)
{
    Cmd c;
    c.d[0] = 0x21 | ((uint64_t)dev << 32);
    c.d[1] = ev | ((uint64_t)vpe << 32);
    c.d[2] = (d ? 1u : 0u) | ((uint64_t)db << 32);
    return c;
}
Cmd vmovp(uint32_t seq, uint32_t list, uint32_t vpe, uint64_t rd)
{
    Cmd c;
    c.d[0] = 0x22 | ((uint64_t)seq << 32);
    c.d[1] = list | ((uint64_t)vpe << 32);
    c.d[2] = (rd & 0xfffffffffull) << 16;
    return c;
}
Cmd vpecmd(uint8_t op, uint32_t vpe) // VSYNC 0x25, VINVALL 0x2d
{
    Cmd c;
    c.d[0] = op;
    c.d[1] = (uint64_t)vpe << 32;
    return c;
}
constexpr uint8_t VSYNC = 0x25, VINVALL = 0x2d;

class ItsV4Test : public ItsTest {
protected:
    void SetUp() override
    {
        ItsTest::SetUp();
        cfg.gic_version = 4;
    }
    // Flat vPE table (4 KiB pages, `pages` pages) at VPET (+off) on ITS its; the ITS must be disabled.
    void VpeTable(uint32_t its = 0, uint64_t off = 0, uint32_t pages = 1)
    {
        gits_w(0x110, (1ull << 63) | (VPET + off) | (pages - 1), its);
    }
    // FullBringUp with a vPE table; device 1 mapped with 8 EventID bits.
    void V4BringUp()
    {
        create();
        BringUpCpus();
        VpeTable();
        BringUpIts();
        for (uint32_t cpu = 0; cpu < cfg.num_cpus; cpu++) Queue(mapc(cpu, rdbase(cpu), true));
        Queue(mapd(1, ITT + 0x1000, 7, true));
        Queue(sync(rdbase(0)));
        Release();
        Drain();
    }
    uint32_t Err() const { return LastCmd().error; }
    // Execute one command, return its error (0 = none).
    uint32_t Run(const Cmd &c, uint32_t its = 0)
    {
        Exec({c}, its);
        return Err();
    }
    uint64_t vpet_dw(uint32_t vpe, int dw, uint64_t base = VPET) { return r64(base + 16ull * vpe + 8 * dw); }
    uint64_t ite_dw(uint32_t dev, uint32_t ev, int dw) { return r64(ITT + dev * 0x1000ull + 16ull * ev + 8 * dw); }
    std::vector<gic_output_t> Msis() const { return outs(GIC_OUT_MSI); }
};

} // namespace

// ---- identification and tables ------------------------------------------------------------
TEST_F(ItsV4Test, TyperAdvertisesAGicv4Its)
{
    create();
    uint64_t typer = gits(0x8);
    EXPECT_EQ(typer & 1, 1u);              // Physical
    EXPECT_EQ((typer >> 1) & 1, 1u);       // Virtual
    EXPECT_EQ((typer >> 4) & 0xf, 15u);    // ITT_entry_size: 16 bytes
    EXPECT_EQ((typer >> 37) & 1, 0u);      // VMOVP = 0 by default (ITSList / SequenceNumber)
    uint64_t b2 = gits(0x110);
    EXPECT_EQ((b2 >> 56) & 7, 2u);         // Type: vPE table
    EXPECT_EQ((b2 >> 48) & 0x1f, 15u);     // Entry_Size: 16 bytes
    // GITS_CTLR.ITS_Number [7:4] is writable with VMOVP == 0.
    gits_w(0x0, 0x50, 0, 4);
    EXPECT_EQ((gits(0x0, 0, 4) >> 4) & 0xf, 5u);
}

TEST_F(ItsV4Test, VmovpSingleConfigSetsTyperVmovpAndItsNumberIsRes0)
{
    cfg.its_vmovp_single = 1;
    create();
    EXPECT_EQ((gits(0x8) >> 37) & 1, 1u);
    gits_w(0x0, 0x50, 0, 4);
    EXPECT_EQ((gits(0x0, 0, 4) >> 4) & 0xf, 0u);
}

TEST_F(ItsV4Test, Gicv3ItsHasNoVirtualSupportAndRejectsVirtualCommands)
{
    cfg.gic_version = 3;
    create();
    BringUpCpus();
    BringUpIts();
    uint64_t typer = gits(0x8);
    EXPECT_EQ((typer >> 1) & 1, 0u);
    EXPECT_EQ((typer >> 4) & 0xf, 7u);
    EXPECT_EQ(gits(0x110), 0u); // BASER2 RAZ/WI
    Exec({vmapp(0, 0, VPT, 15, true)});
    EXPECT_EQ(Err(), 0x0129ffu); // unknown command on a GICv3 ITS
    EXPECT_EQ(counter("its0.cmd.UNKNOWN.count"), 1u);
    uint64_t v;
    EXPECT_FALSE(gic_stat_counter(g, "its0.cmd.VMAPP.count", &v));
    EXPECT_FALSE(gic_stat_counter(g, "its0.cache.vpe.lookups", &v));
}

TEST_F(ItsV4Test, ConfigRejectsBadVmovpAndVpeCache)
{
    gic_config_t c;
    gic_config_default(&c);
    char err[256] = "";
    c.its_vmovp_single = 2;
    EXPECT_NE(gic_config_validate(&c, err, sizeof err), GIC_OK);
    EXPECT_NE(std::string(err).find("its.vmovp_single"), std::string::npos) << err;
    gic_config_default(&c);
    c.its_vpe_cache.entries = 30;
    c.its_vpe_cache.ways = 4; // 30 entries are not a whole number of 4-way sets
    EXPECT_NE(gic_config_validate(&c, err, sizeof err), GIC_OK);
    EXPECT_NE(std::string(err).find("its.vpe_cache"), std::string::npos) << err;
}

// ---- VMAPP --------------------------------------------------------------------------------
TEST_F(ItsV4Test, VmappWritesTheVpeTableEntry)
{
    V4BringUp();
    EXPECT_EQ(Run(vmapp(3, rdbase(2), VPT + 0x30000, 15, true)), 0u);
    EXPECT_EQ(vpet_dw(3, 0), (1ull << 63) | (VPT + 0x30000) | 15u); // docs/its.md vPE table entry
    EXPECT_EQ(vpet_dw(3, 1), 2u);
    EXPECT_EQ(Run(vmapp(3, 0, 0, 0, false)), 0u); // V = 0 unmaps
    EXPECT_EQ(vpet_dw(3, 0), 0u);
    EXPECT_EQ(counter("its0.cmd.VMAPP.count"), 2u);
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "its0.cmd.VMAPP.latency", &h));
    EXPECT_EQ(h.count, 2u);
    // fetch 100 ns + decode 4 ns + one 16-byte write 100 ns
    EXPECT_EQ(h.min, 2 * mem() + 4 * cyc(1));
}

TEST_F(ItsV4Test, VmappErrors)
{
    V4BringUp();
    EXPECT_EQ(Run(vmapp(256, 0, VPT, 15, true)), 0x012910u);          // VPEID_OOR: beyond 1 page
    EXPECT_EQ(Run(vmapp(1, 4, VPT, 15, true)), 0x012902u);            // RDbase: no CPU 4
    EXPECT_EQ(Run(vmapp(1, 0, VPT, 12, true)), 0x012913u);            // 13 vINTID bits < 14
    EXPECT_EQ(Run(vmapp(1, 0, VPT, cfg.lpi_id_bits, true)), 0x012913u); // beyond the LPI INTID bits
    EXPECT_EQ(vpet_dw(1, 0), 0u);
    EXPECT_EQ(counter("its0.cmd.errors"), 4u);
    EXPECT_EQ(Run(vmapp(1, 4, 0, 0, false)), 0u); // V = 0: RDbase and size are not checked
}

TEST_F(ItsV4Test, VmappWithoutVpeTableIsVpeidOutOfRange)
{
    create();
    BringUpCpus();
    BringUpIts(); // BASER2 not Valid
    EXPECT_EQ(Run(vmapp(0, 0, VPT, 15, true)), 0x012910u);
}

// ---- VMAPTI / VMAPI ----------------------------------------------------------------------
TEST_F(ItsV4Test, VmaptiWritesAVirtualIteWithDoorbell)
{
    V4BringUp();
    EXPECT_EQ(Run(vmapti(1, 5, 7, VLPI + 33, 8200)), 0u);
    EXPECT_EQ(ite_dw(1, 5, 0), (1ull << 63) | (1ull << 62) | (7ull << 32) | (VLPI + 33));
    EXPECT_EQ(ite_dw(1, 5, 1), 8200u);
    EXPECT_EQ(Run(vmapti(1, 6, 7, VLPI + 34, NODB)), 0u);
    EXPECT_EQ(ite_dw(1, 6, 1), NODB);
    // A physical mapping on a GICv4 ITS: 16-byte ITE, Type 0, DW1 = 0.
    EXPECT_EQ(Run(mapti(1, 7, 9000, 1)), 0u);
    EXPECT_EQ(ite_dw(1, 7, 0), (1ull << 63) | (1ull << 32) | 9000u);
    EXPECT_EQ(ite_dw(1, 7, 1), 0u);
}

TEST_F(ItsV4Test, VmaptiErrorsInOrder)
{
    V4BringUp();
    EXPECT_EQ(Run(vmapti(1u << 16, 0, 0, VLPI, NODB)), 0x012a01u); // DEVICE_OOR
    EXPECT_EQ(Run(vmapti(2, 0, 0, VLPI, NODB)), 0x012a04u);       // UNMAPPED_DEVICE
    EXPECT_EQ(Run(vmapti(1, 256, 0, VLPI, NODB)), 0x012a05u);     // ID_OOR (8 EventID bits)
    EXPECT_EQ(Run(vmapti(1, 0, 0, 100, NODB)), 0x012a12u);        // VIRTUALID_OOR: not an LPI
    EXPECT_EQ(Run(vmapti(1, 0, 0, 1u << 16, NODB)), 0x012a12u);   // beyond the LPI INTID bits
    EXPECT_EQ(Run(vmapti(1, 0, 0, VLPI, 5000)), 0x012a06u);       // doorbell: neither 1023 nor an LPI
    EXPECT_EQ(Run(vmapti(1, 0, 256, VLPI, NODB)), 0x012a10u);     // VPEID_OOR
    EXPECT_EQ(ite_dw(1, 0, 0), 0u);
    // The vPE need not be mapped yet (VMAPP may follow).
    EXPECT_EQ(Run(vmapti(1, 0, 9, VLPI, NODB)), 0u);
}

TEST_F(ItsV4Test, VmapiUsesTheEventIdAsVintid)
{
    V4BringUp();
    Exec({mapd(100, BIGITT, 13, true)});
    EXPECT_EQ(Run(vmapi(100, VLPI + 5, 2, 8300)), 0u);
    EXPECT_EQ(r64(BIGITT + 16ull * (VLPI + 5)), (1ull << 63) | (1ull << 62) | (2ull << 32) | (VLPI + 5));
    EXPECT_EQ(r64(BIGITT + 16ull * (VLPI + 5) + 8), 8300u);
    EXPECT_EQ(Run(vmapi(100, 17, 2, NODB)), 0x012b12u); // EventID 17 is not an LPI INTID
    EXPECT_EQ(counter("its0.cmd.VMAPI.count"), 2u);
}

// ---- translation ------------------------------------------------------------------------------
TEST_F(ItsV4Test, MsiToAVirtualEventEndsAtItsVpe)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(3), VPT + 0x40000, 15, true), vmapti(1, 2, 4, VLPI + 2, 8201),
          vmapti(1, 3, 4, VLPI + 3, NODB), vpecmd(VSYNC, 4)});
    ASSERT_EQ(Err(), 0u);
    out.clear();
    Msi(1, 2);
    Msi(1, 3);
    auto m = Msis();
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[0].intid, VLPI + 2);
    EXPECT_EQ(m[0].cpu, 3u);
    EXPECT_EQ(m[0].value, GIC_MSI_VALUE_VIRTUAL | 4u);
    EXPECT_NE(m[0].outcome, (uint32_t)GIC_MSI_DROPPED);
    EXPECT_EQ(m[1].intid, VLPI + 3);
    EXPECT_EQ(m[1].value, GIC_MSI_VALUE_VIRTUAL | 4u);
    EXPECT_EQ(counter("its0.msi.virtual"), 2u);
    EXPECT_EQ(counter("its0.msi.doorbell_named"), 1u);
    // VSYNC's walk missed and filled the vPE cache; both translations hit.
    EXPECT_EQ(counter("its0.cache.vpe.misses"), 1u);
    EXPECT_EQ(counter("its0.cache.vpe.hits"), 2u);
    ExpectConservation();
}

TEST_F(ItsV4Test, VirtualTranslationTimingAllMissesThenHits)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(3), VPT + 0x40000, 15, true), vmapti(1, 2, 4, VLPI + 2, NODB)});
    // Drop every cached entry: disable and re-enable the ITS.
    gits_w(0x0, 0, 0, 4);
    gits_w(0x0, 1, 0, 4);
    out.clear();
    gic_time_t t0 = t;
    Msi(1, 2);
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    // translate 4 cycles + DTE + ITE (16 bytes) + vPE entry reads, 100 ns each.
    EXPECT_EQ(m[0].time - t0, 4 * cyc(1) + 3 * mem());
    out.clear();
    t0 = t;
    Msi(1, 2);
    m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].time - t0, 4 * cyc(1) + 3 * cyc(1)); // three cache hits
}

TEST_F(ItsV4Test, MsiToAnUnmappedVpeIsDroppedWithReason)
{
    V4BringUp();
    Exec({vmapti(1, 2, 4, VLPI + 2, NODB)}); // vPE 4 never mapped
    out.clear();
    Msi(1, 2);
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DROPPED);
    EXPECT_STREQ(m[0].reason, "unmapped_vpe");
    EXPECT_EQ(counter("msi.dropped.unmapped_vpe"), 1u);
    EXPECT_EQ(counter("its0.msi.dropped.unmapped_vpe"), 1u);
    // Mapped, then unmapped again: the cached entry is dropped by VMAPP.
    Exec({vmapp(4, rdbase(0), VPT, 15, true)});
    Msi(1, 2);
    Exec({vmapp(4, 0, 0, 0, false)});
    Msi(1, 2);
    EXPECT_EQ(counter("msi.dropped.unmapped_vpe"), 2u);
    ExpectConservation();
}

TEST_F(ItsV4Test, MsiAfterTheVpeTableChangedIsDroppedWithReason)
{
    V4BringUp();
    Exec({vmapp(200, rdbase(1), VPT, 15, true), vmapti(1, 2, 200, VLPI, NODB)});
    gits_w(0x0, 0, 0, 4);
    gits_w(0x110, (1ull << 63) | 0x700000); // a new, empty vPE table
    gits_w(0x0, 1, 0, 4);
    Msi(1, 2);
    EXPECT_EQ(counter("msi.dropped.unmapped_vpe"), 1u); // entry 200 of the new table is not valid
    gits_w(0x0, 0, 0, 4);
    gits_w(0x110, 0); // no vPE table at all
    gits_w(0x0, 1, 0, 4);
    Msi(1, 2);
    EXPECT_EQ(counter("msi.dropped.vpeid_oor"), 1u);
    ExpectConservation();
}

// ---- INT, CLEAR, INV, DISCARD, MOVI on virtual events --------------------------------------------
TEST_F(ItsV4Test, EventCommandsOnVirtualEvents)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(1), VPT, 15, true), vmapti(1, 2, 4, VLPI + 2, 8201)});
    for (uint8_t op : {INT, INV, CLEAR, INT}) EXPECT_EQ(Run(devev(op, 1, 2)), 0u) << (int)op;
    EXPECT_EQ(counter("its0.cmd.INT.count"), 2u);
    EXPECT_EQ(Run(movi(1, 2, 1)), 0x010114u); // MOVI on a virtual event
    EXPECT_EQ(Run(devev(DISCARD, 1, 2)), 0u);
    EXPECT_EQ(ite_dw(1, 2, 0), 0u);
    EXPECT_EQ(ite_dw(1, 2, 1), 0u);
    EXPECT_EQ(Run(devev(INT, 1, 2)), 0x010307u); // UNMAPPED_INTERRUPT
    // MOVI of a virtual event is an error whatever its vPE's mapping: the type
    // is checked before the vPE (or collection) look-up (as QEMU's
    // process_movi; before, an unmapped vPE gave UNMAPPED_VPE, 0x010111)
    Exec({vmapti(1, 3, 6, VLPI + 3, NODB)}); // vPE 6 never mapped
    EXPECT_EQ(Run(movi(1, 3, 1)), 0x010114u);
}

TEST_F(ItsV4Test, EventCommandsOnAVirtualEventOfAnUnmappedVpe)
{
    V4BringUp();
    Exec({vmapti(1, 2, 4, VLPI + 2, NODB)});
    EXPECT_EQ(Run(devev(INT, 1, 2)), 0x010311u);   // UNMAPPED_VPE
    EXPECT_EQ(Run(devev(CLEAR, 1, 2)), 0x010511u);
    EXPECT_EQ(Run(devev(INV, 1, 2)), 0x010c11u);
    EXPECT_EQ(Run(devev(DISCARD, 1, 2)), 0u); // still removes the mapping
    EXPECT_EQ(ite_dw(1, 2, 0), 0u);
}

// ---- VMOVI ---------------------------------------------------------------------------------
TEST_F(ItsV4Test, VmoviMovesAnEventBetweenVpes)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(1), VPT + 0x40000, 15, true), vmapp(5, rdbase(2), VPT + 0x50000, 14, true),
          vmapti(1, 2, 4, VLPI + 2, 8201)});
    EXPECT_EQ(Run(vmovi(1, 2, 5, false, 0)), 0u); // D = 0: the doorbell stays
    EXPECT_EQ(ite_dw(1, 2, 0), (1ull << 63) | (1ull << 62) | (5ull << 32) | (VLPI + 2));
    EXPECT_EQ(ite_dw(1, 2, 1), 8201u);
    EXPECT_EQ(Run(vmovi(1, 2, 4, true, NODB)), 0u); // D = 1: doorbell replaced (none)
    EXPECT_EQ(ite_dw(1, 2, 0) >> 32 & 0xffff, 4u);
    EXPECT_EQ(ite_dw(1, 2, 1), NODB);
    out.clear();
    Msi(1, 2); // the event cache copy was dropped: the MSI goes to vPE 4 at CPU 1
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].value, GIC_MSI_VALUE_VIRTUAL | 4u);
    EXPECT_EQ(m[0].cpu, 1u);
    EXPECT_EQ(Run(vmovi(1, 2, 5, false, 0)), 0u);
    Msi(1, 2);
    m = Msis();
    ASSERT_EQ(m.size(), 2u);
    EXPECT_EQ(m[1].value, GIC_MSI_VALUE_VIRTUAL | 5u);
    EXPECT_EQ(m[1].cpu, 2u);
    EXPECT_EQ(counter("its0.cmd.VMOVI.count"), 3u);
}

TEST_F(ItsV4Test, VmoviErrors)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(1), VPT + 0x40000, 15, true), vmapp(5, rdbase(2), VPT + 0x50000, 13, true),
          vmapti(1, 2, 4, VLPI + 20000, NODB), vmapti(1, 3, 4, VLPI + 3, NODB), mapti(1, 4, 9000, 0)});
    ASSERT_EQ(Err(), 0u);
    EXPECT_EQ(Run(vmovi(3, 2, 5, false, 0)), 0x012104u);       // UNMAPPED_DEVICE
    EXPECT_EQ(Run(vmovi(1, 9, 5, false, 0)), 0x012107u);       // UNMAPPED_INTERRUPT
    EXPECT_EQ(Run(vmovi(1, 4, 5, false, 0)), 0x012114u);       // a physical event
    EXPECT_EQ(Run(vmovi(1, 3, 5, true, 7)), 0x012106u);        // bad doorbell with D = 1
    EXPECT_EQ(Run(vmovi(1, 3, 6, false, 0)), 0x012111u);       // target vPE unmapped
    EXPECT_EQ(Run(vmovi(1, 3, 300, false, 0)), 0x012110u);     // target vPEID out of range
    EXPECT_EQ(Run(vmovi(1, 2, 5, false, 0)), 0x012112u);       // vINTID beyond vPE 5's 14-bit VPT
    EXPECT_EQ(ite_dw(1, 2, 0) >> 32 & 0xffff, 4u);             // unchanged
    EXPECT_EQ(Run(vmovi(1, 3, 5, false, 7)), 0u);              // D = 0: the field is ignored
}

// ---- VMOVP -----------------------------------------------------------------------------------
TEST_F(ItsV4Test, VmovpSingleUpdatesEveryItsThatMapsTheVpe)
{
    cfg.its_vmovp_single = 1;
    cfg.num_its = 2;
    cfg.gicr_base = 0x08100000; // GICR after the two ITSs (128 KiB each from 0x08080000)
    create();
    BringUpCpus();
    const uint64_t off1 = 0x10000000; // second ITS's tables
    VpeTable(0);
    VpeTable(1, off1);
    BringUpIts(0);
    BringUpIts(1, off1);
    Exec({vmapp(4, rdbase(1), VPT, 15, true)}, 0, 0);
    Exec({vmapp(4, rdbase(1), VPT, 15, true)}, 1, off1);
    Exec({vmapp(6, rdbase(0), VPT + 0x10000, 15, true)}, 0, 0); // only on ITS 0
    Exec({vmovp(0, 0, 4, rdbase(3))}, 0, 0);
    EXPECT_EQ(Err(), 0u);
    EXPECT_EQ(vpet_dw(4, 1), 3u);
    EXPECT_EQ(vpet_dw(4, 1, VPET + off1), 3u);
    EXPECT_EQ(vpet_dw(4, 0, VPET + off1), (1ull << 63) | VPT | 15u); // VPT unchanged
    Exec({vmovp(0, 0, 6, rdbase(2))}, 0, 0);
    EXPECT_EQ(Err(), 0u);
    EXPECT_EQ(vpet_dw(6, 1), 2u);
    EXPECT_EQ(vpet_dw(6, 0, VPET + off1), 0u); // not mapped on ITS 1: left alone
    EXPECT_EQ(counter("its0.cmd.VMOVP.count"), 2u);
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "its0.cmd.VMOVP.latency", &h));
    EXPECT_EQ(h.count, 2u);
    // ITS 1's copy was read and rewritten as part of the first VMOVP: it took longer.
    EXPECT_GT(h.max, h.min);
}

TEST_F(ItsV4Test, VmovpItsListNeedsEveryItsOfTheList)
{
    cfg.num_its = 2;
    cfg.gicr_base = 0x08100000; // GICR after the two ITSs (128 KiB each from 0x08080000)
    create();
    BringUpCpus();
    const uint64_t off1 = 0x10000000;
    VpeTable(0);
    VpeTable(1, off1);
    BringUpIts(0);
    BringUpIts(1, off1);
    gits_w(0x0, 1 | (0u << 4), 0, 4); // ITS_Number 0
    gits_w(0x0, 1 | (1u << 4), 1, 4); // ITS_Number 1
    Exec({vmapp(4, rdbase(1), VPT, 15, true)}, 0, 0);
    Exec({vmapp(4, rdbase(1), VPT, 15, true)}, 1, off1);
    Exec({vmovp(7, 0x2, 4, rdbase(2))}, 0, 0);
    EXPECT_EQ(Err(), 0x012215u); // ITS 0 is not in ITSList
    EXPECT_EQ(vpet_dw(4, 1), 1u);
    Exec({vmovp(7, 0x3, 4, rdbase(2))}, 0, 0);
    EXPECT_EQ(Err(), 0u);
    EXPECT_EQ(vpet_dw(4, 1), 2u);                // ITS 0's own table only
    EXPECT_EQ(vpet_dw(4, 1, VPET + off1), 1u);
    Exec({vmovp(7, 0x3, 4, rdbase(2))}, 1, off1);
    EXPECT_EQ(Err(), 0u);
    EXPECT_EQ(vpet_dw(4, 1, VPET + off1), 2u);
    Exec({vmovp(8, 0x1, 4, rdbase(5))}, 0, 0);
    EXPECT_EQ(Err(), 0x012202u); // RDbase out of range
    Exec({vmovp(8, 0x1, 9, rdbase(1))}, 0, 0);
    EXPECT_EQ(Err(), 0x012211u); // vPE 9 not mapped
    Exec({vmovp(8, 0x1, 4000, rdbase(1))}, 0, 0);
    EXPECT_EQ(Err(), 0x012210u);
}

// ---- VSYNC, VINVALL ----------------------------------------------------------------------------
TEST_F(ItsV4Test, VsyncAndVinvall)
{
    V4BringUp();
    Exec({vmapp(4, rdbase(1), VPT, 15, true)});
    EXPECT_EQ(Run(vpecmd(VSYNC, 4)), 0u);
    EXPECT_EQ(Run(vpecmd(VINVALL, 4)), 0u);
    EXPECT_EQ(Run(vpecmd(VSYNC, 5)), 0x012511u);
    EXPECT_EQ(Run(vpecmd(VINVALL, 5)), 0x012d11u);
    EXPECT_EQ(Run(vpecmd(VSYNC, 256)), 0x012510u);
    EXPECT_EQ(Run(vpecmd(VINVALL, 256)), 0x012d10u);
    EXPECT_EQ(counter("its0.cmd.VSYNC.count"), 3u);
    EXPECT_EQ(counter("its0.cmd.VINVALL.count"), 3u);
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "its0.cmd.VSYNC.latency", &h));
    EXPECT_EQ(h.count, 3u);
}

TEST_F(ItsV4Test, StallPolicyStopsOnAVirtualCommandErrorAndRetryResumes)
{
    cfg.its_error_policy = GIC_ITS_ERR_STALL;
    V4BringUp();
    Queue(vpecmd(VSYNC, 4));
    Release();
    Drain();
    EXPECT_EQ(creadr() & 1, 1u);
    EXPECT_EQ(Err(), 0x012511u);
    // Repair: map vPE 4 by rewriting the stalled slot, then Retry.
    uint64_t at = creadr() & ~1ull;
    Cmd fix = vmapp(4, rdbase(0), VPT, 15, true);
    for (int i = 0; i < 4; i++) w64(CMDQ + at + 8 * i, fix.d[i]);
    gits_w(0x88, cwriter[0] | 1);
    Drain();
    EXPECT_EQ(creadr(), cwriter[0]);
    EXPECT_EQ(Err(), 0u);
}

// ---- two-level vPE table at every page size ---------------------------------------------------
class ItsV4TwoLevel : public ItsV4Test, public ::testing::WithParamInterface<uint32_t> {};

TEST_P(ItsV4TwoLevel, VmappAndTranslationThroughATwoLevelVpeTable)
{
    const uint32_t ps_code = GetParam();
    const uint64_t page = ps_code == 0 ? 0x1000 : ps_code == 1 ? 0x4000 : 0x10000;
    const uint64_t per_l2 = page / 16;
    create();
    BringUpCpus();
    const uint64_t l1 = 0x700000;          // level-1 table: one page
    const uint64_t l2 = 0x8000000;         // level-2 page for L1 index 1
    w64(l1 + 8, (1ull << 63) | l2);        // L1[1] valid; L1[0] and the rest invalid
    gits_w(0x110, (1ull << 63) | (1ull << 62) | l1 | ((uint64_t)ps_code << 8) | 0);
    EXPECT_EQ((gits(0x110) >> 8) & 3, ps_code);
    BringUpIts();
    for (uint32_t cpu = 0; cpu < cfg.num_cpus; cpu++) Queue(mapc(cpu, rdbase(cpu), true));
    Queue(mapd(1, ITT + 0x1000, 7, true));
    Release();
    Drain();
    const uint32_t vpe = (uint32_t)per_l2 + 3; // in the level-2 page of L1[1]
    EXPECT_EQ(Run(vmapp(vpe, rdbase(2), VPT, 15, true)), 0u);
    EXPECT_EQ(r64(l2 + 16 * 3), (1ull << 63) | VPT | 15u);
    EXPECT_EQ(r64(l2 + 16 * 3 + 8), 2u);
    EXPECT_EQ(Run(vmapp(3, rdbase(2), VPT, 15, true)), 0x012910u); // L1[0] invalid
    EXPECT_EQ(Run(vmapp((uint32_t)(2 * per_l2), 0, VPT, 15, true)), 0x012910u); // L1[2] invalid
    EXPECT_EQ(Run(vmapti(1, 0, vpe, VLPI + 1, NODB)), 0u);
    out.clear();
    Msi(1, 0);
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].value, GIC_MSI_VALUE_VIRTUAL | vpe);
    EXPECT_EQ(m[0].cpu, 2u);
    EXPECT_NE(m[0].outcome, (uint32_t)GIC_MSI_DROPPED);
}
INSTANTIATE_TEST_SUITE_P(PageSizes, ItsV4TwoLevel, ::testing::Values(0u, 1u, 2u),
                         [](const ::testing::TestParamInfo<uint32_t> &i) {
                             return i.param == 0 ? std::string("4K") : i.param == 1 ? "16K" : "64K";
                         });

// ---- the driver's encoders agree with IHI0069 -------------------------------------------------
TEST(ItsV4Driver, EncodersMatchTheArchitectedLayout)
{
    uint64_t c[4];
    auto same = [&](const Cmd &x) {
        for (int i = 0; i < 4; i++) EXPECT_EQ(c[i], x.d[i]) << "DW" << i;
    };
    gic_cmd_vmapp(c, 0x1234, 3, 0x12340000ull, 15, true);
    same(vmapp(0x1234, 3, 0x12340000ull, 15, true));
    gic_cmd_vmapti(c, 0xabcd, 77, 9, 8200, 8300);
    same(vmapti(0xabcd, 77, 9, 8200, 8300));
    gic_cmd_vmapi(c, 5, 8200, 9, NODB);
    same(vmapi(5, 8200, 9, NODB));
    gic_cmd_vmovi(c, 5, 6, 7, true, 8400);
    same(vmovi(5, 6, 7, true, 8400));
    gic_cmd_vmovp(c, 0x55, 0x3, 7, 2);
    same(vmovp(0x55, 0x3, 7, 2));
    gic_cmd_vsync(c, 42);
    same(vpecmd(VSYNC, 42));
    gic_cmd_vinvall(c, 42);
    same(vpecmd(VINVALL, 42));
}

// ---- the event cache on a GICv4 ITS ---------------------------------------------------------------
TEST_F(ItsV4Test, EventCacheHoldsVirtualItesThatFitItsCompactForm)
{
    cfg.lpi_id_bits = 24;
    V4BringUp();
    const uint32_t big = (1u << 23) + 5; // does not fit the cache's 23-bit vINTID field
    Exec({vmapp(4, rdbase(1), VPT, 23, true), vmapti(1, 2, 4, VLPI + 2, 8201), vmapti(1, 3, 4, big, NODB)});
    ASSERT_EQ(Err(), 0u);
    uint64_t fills0 = counter("its0.cache.event.fills"), hits0 = counter("its0.cache.event.hits");
    out.clear();
    Msi(1, 2);
    Msi(1, 2);
    EXPECT_EQ(counter("its0.cache.event.fills") - fills0, 1u);
    EXPECT_EQ(counter("its0.cache.event.hits") - hits0, 1u);
    Msi(1, 3);
    Msi(1, 3);
    EXPECT_EQ(counter("its0.cache.event.fills") - fills0, 1u); // never cached
    EXPECT_EQ(counter("its0.cache.event.hits") - hits0, 1u);
    auto m = Msis();
    ASSERT_EQ(m.size(), 4u);
    EXPECT_EQ(m[1].intid, VLPI + 2); // from the cache: every field decoded back
    EXPECT_EQ(m[1].value, GIC_MSI_VALUE_VIRTUAL | 4u);
    EXPECT_EQ(m[1].cpu, 1u);
    EXPECT_EQ(m[3].intid, big);
    EXPECT_EQ(counter("its0.msi.doorbell_named"), 2u); // the doorbell came back from the cache too
}

// ---- end to end with model/vpe.c: resident and non-resident vPEs --------------------------------------
namespace {
constexpr uint64_t VPROP = 0x7000000; // the VM's vLPI configuration table
constexpr uint64_t VLPI_FRAME = 0x20000; // VLPI_base within a GICv4 redistributor

class ItsV4E2E : public ItsV4Test {
protected:
    uint64_t sr(uint32_t cpu, gic_sysreg_t r)
    {
        uint64_t v = 0;
        t += 1000;
        EXPECT_EQ(gic_sysreg_read(g, t, cpu, r, &v), GIC_OK);
        return v;
    }
    void sw(uint32_t cpu, gic_sysreg_t r, uint64_t v)
    {
        t += 1000;
        EXPECT_EQ(gic_sysreg_write(g, t, cpu, r, v), GIC_OK);
    }
    // vLPI configuration: every vINTID below 8192 + 4096 enabled at priority 0xa0.
    void VmConfig(uint32_t cpu)
    {
        std::vector<uint8_t> prop(4096, 0xa0 | 0x3);
        ASSERT_EQ(gic_mem_write(g, VPROP, prop.data(), prop.size()), GIC_OK);
        wr(GIC_FRAME_GICR, cpu, VLPI_FRAME + 0x70, VPROP | 15u); // IDbits = 16 vINTID bits
    }
    void Schedule(uint32_t cpu, uint64_t vpt) // vcpu_load: GICR_VPENDBASER.Valid = 1, vCPU entry
    {
        wr(GIC_FRAME_GICR, cpu, VLPI_FRAME + 0x78, (1ull << 63) | vpt);
        t += 2000000;
        gic_run_until(g, t);
        sw(cpu, GIC_HCR_EL2, (1u << 4) | (1u << 3));                 // IMO, FMO
        sw(cpu, GIC_ICH_VMCR_EL2, 0x2ull | (0xf8ull << 24));         // VENG1, VPMR 0xf8
        sw(cpu, GIC_ICH_HCR_EL2, 1);                                 // En
    }
    void Deschedule(uint32_t cpu)
    {
        sw(cpu, GIC_ICH_HCR_EL2, 0);
        sw(cpu, GIC_HCR_EL2, 0);
        wr(GIC_FRAME_GICR, cpu, VLPI_FRAME + 0x78, 0);
        t += 2000000;
        gic_run_until(g, t);
    }
    bool VptBit(uint64_t vpt, uint32_t vintid)
    {
        uint8_t b = 0;
        EXPECT_EQ(gic_mem_read(g, vpt + vintid / 8, &b, 1), GIC_OK);
        return (b >> (vintid % 8)) & 1;
    }
};
} // namespace

TEST_F(ItsV4E2E, NonResidentVpeRecordsInTheVptAndRaisesTheDoorbell)
{
    V4BringUp();
    VmConfig(1);
    const uint64_t vpt = VPT + 0x40000;
    Exec({vmapp(4, rdbase(1), vpt, 15, true), vmapti(1, 2, 4, VLPI + 2, 8300), vmapti(1, 3, 4, VLPI + 3, NODB)});
    ASSERT_EQ(Err(), 0u);
    out.clear();
    Msi(1, 2);
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_TRUE(VptBit(vpt, VLPI + 2));
    EXPECT_EQ(counter("vpe.vlpi.recorded"), 1u);
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    EXPECT_EQ(Ack(1), 8300u); // the doorbell, a physical LPI at the vPE's redistributor
    Msi(1, 3);                // no doorbell in this ITE
    EXPECT_TRUE(VptBit(vpt, VLPI + 3));
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    EXPECT_EQ(Ack(1), GIC_SPURIOUS);
    // Still pending in the VPT: coalesced, and the doorbell rings again (a
    // vLPI for a vPE that is not scheduled generates it; QEMU does the same).
    Msi(1, 2);
    EXPECT_EQ(Msis().back().outcome, (uint32_t)GIC_MSI_COALESCED);
    EXPECT_EQ(counter("vpe.doorbells"), 2u);
    EXPECT_EQ(Ack(1), 8300u);
    // vcpu_load: the residency scan finds both; acknowledged through ICV_IAR1.
    Schedule(1, vpt);
    uint32_t a = (uint32_t)sr(1, GIC_ICV_IAR1_EL1);
    sw(1, GIC_ICV_EOIR1_EL1, a); // same priority: the second one waits for this EOI
    uint32_t b = (uint32_t)sr(1, GIC_ICV_IAR1_EL1);
    sw(1, GIC_ICV_EOIR1_EL1, b);
    EXPECT_EQ(std::min(a, b), VLPI + 2);
    EXPECT_EQ(std::max(a, b), VLPI + 3);
    ExpectConservation();
}

TEST_F(ItsV4E2E, ResidentVpeTakesTheVlpiDirectlyWithoutDoorbell)
{
    V4BringUp();
    VmConfig(2);
    const uint64_t vpt = VPT + 0x50000;
    Exec({vmapp(5, rdbase(2), vpt, 15, true), vmapti(1, 7, 5, VLPI + 70, 8301), vpecmd(VSYNC, 5)});
    ASSERT_EQ(Err(), 0u);
    Schedule(2, vpt);
    out.clear();
    Msi(1, 7);
    auto m = Msis();
    ASSERT_EQ(m.size(), 1u);
    EXPECT_EQ(m[0].outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_EQ(m[0].value, GIC_MSI_VALUE_VIRTUAL | GIC_MSI_VALUE_RESIDENT | 5u); // at the resident vPE 5
    EXPECT_EQ(counter("vpe.vlpi.direct"), 1u);
    EXPECT_EQ(counter("vpe.doorbells"), 0u);
    EXPECT_EQ(sr(2, GIC_ICV_IAR1_EL1), VLPI + 70);
    sw(2, GIC_ICV_EOIR1_EL1, VLPI + 70);
    // Descheduled: the next MSI rings the doorbell at CPU 2.
    Deschedule(2);
    Msi(1, 7);
    EXPECT_EQ(Msis().back().value, GIC_MSI_VALUE_VIRTUAL | 5u); // into the VPT
    EXPECT_EQ(counter("vpe.doorbells"), 1u);
    EXPECT_EQ(Ack(2), 8301u);
    ExpectConservation();
}

TEST_F(ItsV4E2E, VmoviMovesAPendingVlpiToTheOtherVpesVptAndDoorbell)
{
    V4BringUp();
    const uint64_t vpt4 = VPT + 0x40000, vpt5 = VPT + 0x50000;
    Exec({vmapp(4, rdbase(1), vpt4, 15, true), vmapp(5, rdbase(3), vpt5, 15, true),
          vmapti(1, 2, 4, VLPI + 2, NODB)});
    Msi(1, 2);
    EXPECT_TRUE(VptBit(vpt4, VLPI + 2));
    Exec({vmovi(1, 2, 5, true, 8302)});
    ASSERT_EQ(Err(), 0u);
    EXPECT_FALSE(VptBit(vpt4, VLPI + 2));
    EXPECT_TRUE(VptBit(vpt5, VLPI + 2));
    EXPECT_EQ(Ack(3), 8302u); // the new doorbell, at vPE 5's redistributor
}

TEST_F(ItsV4E2E, VmovpMovesTheDoorbellToTheNewRedistributor)
{
    cfg.its_vmovp_single = 1;
    V4BringUp();
    const uint64_t vpt = VPT + 0x40000;
    Exec({vmapp(4, rdbase(1), vpt, 15, true), vmapti(1, 2, 4, VLPI + 2, 8303)});
    Exec({vmovp(0, 0, 4, rdbase(2)), vpecmd(VSYNC, 4)});
    ASSERT_EQ(Err(), 0u);
    Msi(1, 2);
    EXPECT_EQ(Ack(1), GIC_SPURIOUS);
    EXPECT_EQ(Ack(2), 8303u);
}

TEST_F(ItsV4E2E, IntClearAndDiscardOnAVirtualEvent)
{
    V4BringUp();
    const uint64_t vpt = VPT + 0x40000;
    Exec({vmapp(4, rdbase(1), vpt, 15, true), vmapti(1, 2, 4, VLPI + 2, NODB)});
    Exec({devev(INT, 1, 2)});
    EXPECT_TRUE(VptBit(vpt, VLPI + 2));
    Exec({devev(CLEAR, 1, 2)});
    EXPECT_FALSE(VptBit(vpt, VLPI + 2));
    Exec({devev(INT, 1, 2), devev(DISCARD, 1, 2)});
    EXPECT_FALSE(VptBit(vpt, VLPI + 2));
    EXPECT_EQ(counter("msi.received"), 0u); // INT is not an MSI
}
