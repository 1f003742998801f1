// ITS registers, command queue mechanics, command timing and command errors.
#include "test_its_fixture.h"

using namespace its_test;
using ItsTestLatencies = Latencies<ItsTest>;

TEST_F(ItsTest, TyperReflectsConfig)
{
    cfg.its_devbits = 20;
    cfg.its_eventid_bits = 12;
    cfg.its_cid_bits = 8;
    cfg.its_pta = 1;
    cfg.its_hcc = 4;
    create();
    uint64_t ty = gits(GITS_TYPER);
    EXPECT_EQ(ty & 1, 1u);                  // Physical
    EXPECT_EQ((ty >> 1) & 1, 0u);           // Virtual
    EXPECT_EQ((ty >> 4) & 0xf, 7u);         // ITT_entry_size = 8 bytes
    EXPECT_EQ((ty >> 8) & 0x1f, 11u);       // ID_bits
    EXPECT_EQ((ty >> 13) & 0x1f, 19u);      // Devbits
    EXPECT_EQ((ty >> 18) & 1, 0u);          // SEIS
    EXPECT_EQ((ty >> 19) & 1, 1u);          // PTA
    EXPECT_EQ((ty >> 24) & 0xff, 4u);       // HCC
    EXPECT_EQ((ty >> 32) & 0xf, 7u);        // CIDbits
    EXPECT_EQ((ty >> 36) & 1, 1u);          // CIL
    EXPECT_EQ(gits(GITS_TYPER, 0, 4), ty & 0xffffffffu); // 32-bit halves
    EXPECT_EQ(gits(0xc, 0, 4), ty >> 32);
    EXPECT_EQ(gits(GITS_PIDR2, 0, 4), PIDR2_GICv3); // ArchRev 3
    EXPECT_EQ(gits(GITS_IIDR, 0, 4), 0x4700043bu); // IIDR
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GITS, GITS_CREADR), "GITS_CREADR");
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GITS, 0x10040), "GITS_TRANSLATER");
}

// 16-bit Collection IDs: GITS_TYPER.CIL = 0 and CIDbits RES0 (IHI0069
// GITS_TYPER); fewer bits: CIL = 1 and CIDbits = bits - 1.
TEST_F(ItsTest, CidbitsIsRes0WhenCilIsZero)
{
    cfg.its_cid_bits = 16;
    create();
    uint64_t ty = gits(GITS_TYPER);
    EXPECT_EQ((ty >> 36) & 1, 0u);   // CIL
    EXPECT_EQ((ty >> 32) & 0xf, 0u); // CIDbits
    EXPECT_EQ(gits(0xc, 0, 4) & 0x1f, 0u);
    destroy();
    cfg.its_cid_bits = 15;
    create();
    ty = gits(GITS_TYPER);
    EXPECT_EQ((ty >> 36) & 1, 1u);
    EXPECT_EQ((ty >> 32) & 0xf, 14u);
}

TEST_F(ItsTest, BaserTypesSizesAndRazWi)
{
    create();
    uint64_t b0 = gits(GITS_BASERn(0)), b1 = gits(GITS_BASERn(1));
    EXPECT_EQ((b0 >> 56) & 7, 1u); // Device
    EXPECT_EQ((b0 >> 48) & 0x1f, 7u);
    EXPECT_EQ((b1 >> 56) & 7, 4u); // Collection
    EXPECT_EQ((b1 >> 48) & 0x1f, 7u);
    for (unsigned n = 2; n < 8; n++) {
        gits_w(GITS_BASERn(n), ~0ull);
        EXPECT_EQ(gits(GITS_BASERn(n)), 0u) << n;
    }
    // Type and Entry_Size are read-only; Page_Size/Indirect/Size/address read back.
    gits_w(GITS_BASERn(0), (1ull << 63) | (1ull << 62) | (0x7ull << 56) | (0x1full << 48) | 0x123450000ull |
                      (2u << 8) | 3);
    uint64_t v = gits(GITS_BASERn(0));
    EXPECT_EQ((v >> 56) & 7, 1u);
    EXPECT_EQ((v >> 48) & 0x1f, 7u);
    EXPECT_EQ(v & 0x0000ffffffffffffull, 0x123450000ull | (2u << 8) | 3);
    EXPECT_EQ(v >> 62, 3u);
    // 64 KiB pages: bits [15:12] are PA[51:48] and are stored.
    gits_w(GITS_BASERn(0), (1ull << 63) | 0x10000ull | (0xaull << 12) | (2u << 8));
    EXPECT_EQ((gits(GITS_BASERn(0)) >> 12) & 0xf, 0xau);
}

TEST_F(ItsTest, HccCoveringAllCollectionsMakesBaser1RazWi)
{
    cfg.its_cid_bits = 4;
    cfg.its_hcc = 16;
    create();
    EXPECT_EQ(gits(GITS_BASERn(1)), 0u);
    gits_w(GITS_BASERn(1), (1ull << 63) | CT);
    EXPECT_EQ(gits(GITS_BASERn(1)), 0u);
}

// IHI0069 GITS_TYPER.CIL: an ITS without collections in external memory
// reports CIL = 0 (RES0; CIDbits RES0 with it) and supports HCC collections.
TEST_F(ItsTest, CilIsRes0WhenEveryCollectionIsHeldInTheIts)
{
    cfg.its_cid_bits = 4;
    cfg.its_hcc = 20;
    FullBringUp();
    const uint64_t ty = gits(GITS_TYPER);
    EXPECT_EQ((ty >> 36) & 1, 0u);    // CIL
    EXPECT_EQ((ty >> 32) & 0xf, 0u);  // CIDbits
    EXPECT_EQ((ty >> 24) & 0xff, 20u); // HCC: the number of collections
    Exec({mapc(19, rdbase(1), true), sync(rdbase(1))});
    EXPECT_EQ(LastCmd().error, 0u) << "ICID 19 < HCC";
    Exec({mapc(20, rdbase(1), true)});
    EXPECT_EQ(LastCmd().error, 0x010903u) << "ICID 20 >= HCC: MAPC collection_oor";
}

TEST_F(ItsTest, CbaserOnlyWhileDisabledAndResetsCreadr)
{
    create();
    gits_w(GITS_CBASER, (1ull << 63) | (7ull << 59) | CMDQ | (1u << 10) | 0);
    EXPECT_EQ(gits(GITS_CBASER), (1ull << 63) | (7ull << 59) | CMDQ | (1u << 10) | 0);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4), 0x80000001u); // Enabled, Quiescent
    gits_w(GITS_CBASER, (1ull << 63) | 0x500000);
    EXPECT_EQ(gits(GITS_CBASER) & 0xfffffffff000ull, CMDQ); // ignored while enabled
    EXPECT_EQ(counter("errors.its_cbaser_write_enabled"), 1u);
    // BASER too
    gits_w(GITS_BASERn(0), (1ull << 63) | DT);
    EXPECT_EQ(gits(GITS_BASERn(0)) >> 63, 0u);
    EXPECT_EQ(counter("errors.its_baser_write_enabled"), 1u);
}

// IHI0069 GITS_CTLR.Quiescent: in GICv4.1, while Enabled == 1 it reads 0
// once the write to Enabled has taken effect (UNKNOWN in GICv3 and GICv4.0,
// where gictlm reports whether the ITS is idle); disabled and idle: 1.
TEST_F(ItsTest, QuiescentReadsZeroWhileEnabledOnGicv41)
{
    cfg.gic_version = 4;
    cfg.gicv4_1 = 1;
    cfg.gicr_base = 0x08100000; // the GICv4.1 ITS frame is 256 KiB
    create();
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) & (GITS_CTLR_Quiescent | GITS_CTLR_Enabled), GITS_CTLR_Quiescent);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) & (GITS_CTLR_Quiescent | GITS_CTLR_Enabled), GITS_CTLR_Enabled);
    t += 1000000;
    gic_run_until(g, t);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) & GITS_CTLR_Quiescent, 0u) << "idle but enabled";
    gits_w(GITS_CTLR, 0, 0, 4);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) & (GITS_CTLR_Quiescent | GITS_CTLR_Enabled), GITS_CTLR_Quiescent);
}

TEST_F(ItsTest, CwriterBeyondQueueIsIgnoredAndCounted)
{
    create();
    BringUpIts();
    gits_w(GITS_CWRITER, 0x1000); // queue is 4 KiB: offset 0x1000 is outside
    EXPECT_EQ(gits(GITS_CWRITER), 0u);
    EXPECT_EQ(counter("errors.its_cwriter_oor"), 1u);
    EXPECT_EQ(creadr(), 0u);
}

// A GITS_CBASER write that shrinks the queue below GITS_CWRITER (not
// changed by it) leaves CWRITER outside the queue. IHI0069 GITS_CWRITER: an
// offset outside the queue is CONSTRAINED UNPREDICTABLE, the queue being
// invalid until CWRITER is written in range, or the offset a valid UNKNOWN
// one. gictlm takes the first: nothing runs (the ITS must not circle the
// queue forever looking for an offset CREADR never reaches), counted.
TEST_F(ItsTest, CbaserShrinkingBelowCwriterStopsTheQueue)
{
    create();
    BringUpCpus();
    qbytes = 0x2000;
    gits_w(GITS_BASERn(0), GITS_BASER_Valid | DT | 15);
    gits_w(GITS_BASERn(1), GITS_BASER_Valid | CT);
    gits_w(GITS_CBASER, GITS_CBASER_Valid | CMDQ | 1); // 2 pages
    gits_w(GITS_CWRITER, 0x1800);
    EXPECT_EQ(gits(GITS_CWRITER), 0x1800u);
    gits_w(GITS_CBASER, GITS_CBASER_Valid | CMDQ | 0); // 1 page: CWRITER now outside
    EXPECT_EQ(counter("errors.its_cwriter_oor"), 1u);
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    t += 10000000;
    gic_run_until(g, t);
    EXPECT_EQ(outs(GIC_OUT_CMD).size(), 0u) << "no command runs while CWRITER is outside the queue";
    EXPECT_EQ(creadr(), 0u);
    // CWRITER written in range: the queue runs again.
    qbytes = 0x1000;
    cwriter[0] = 0;
    Exec({mapc(0, 0, true)});
    EXPECT_EQ(outs(GIC_OUT_CMD).size(), 1u);
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(creadr(), 32u);
}

// Exact command timing: each command = 32-byte queue read + decode + its
// table accesses (1 write slot, 100 ns memory, 1 GHz, 4 decode cycles).
GIC_TIMING_TEST(ItsTest, CreadrAdvancesOverTimeWithExactTimes)
{
    create();
    BringUpCpus();
    BringUpIts();
    t = 1000000;
    Queue(mapd(1, ITT + 0x1000, 4, true)); // read 100 ns, decode 4 ns, DTE write 100 ns
    Queue(mapc(0, 0, true));               // read, decode, CTE write
    Release();
    const gic_time_t T = 1000000;
    EXPECT_EQ(creadr(), 0u);
    t = T + cmd_one_write() - 1;
    EXPECT_EQ(creadr(), 0u);
    t = T + cmd_one_write();
    EXPECT_EQ(creadr(), 32u);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) >> 31, 0u); // not quiescent: MAPC in flight
    t = T + 2 * cmd_one_write() - 1;
    EXPECT_EQ(creadr(), 32u);
    t = T + 2 * cmd_one_write();
    EXPECT_EQ(creadr(), 64u);
    EXPECT_EQ(gits(GITS_CTLR, 0, 4) >> 31, 1u);
    auto cmds = outs(GIC_OUT_CMD);
    ASSERT_EQ(cmds.size(), 2u);
    EXPECT_EQ(cmds[0].code, 0x08u);
    EXPECT_EQ(cmds[0].time, T + cmd_one_write());
    EXPECT_EQ(cmds[0].value, 32u);
    EXPECT_EQ(cmds[0].error, 0u);
    EXPECT_EQ(cmds[1].code, 0x09u);
    EXPECT_EQ(cmds[1].time, T + 2 * cmd_one_write());
    gic_hist_summary_t h;
    ASSERT_TRUE(gic_stat_hist(g, "its0.cmd.MAPD.latency", &h));
    EXPECT_EQ(h.count, 1u);
    EXPECT_EQ(h.max, cmd_one_write());
    ASSERT_TRUE(gic_stat_hist(g, "its0.cmd.MAPC.latency", &h));
    EXPECT_EQ(h.max, 2 * cmd_one_write());
    EXPECT_EQ(counter("its0.cmd.MAPD.count"), 1u);
    EXPECT_EQ(counter("its0.cmd.MAPC.count"), 1u);
    EXPECT_EQ(counter("mem.cmdq.reads"), 2u);
    EXPECT_EQ(counter("mem.cmdq.bytes_read"), 64u);
    EXPECT_EQ(counter("mem.device.writes"), 1u);
    EXPECT_EQ(counter("mem.collection.writes"), 1u);
    // The entries written (IMPLEMENTATION DEFINED formats, docs/its.md).
    EXPECT_EQ(r64(DT + 8 * 1), (1ull << 63) | (ITT + 0x1000) | 4);
    EXPECT_EQ(r64(CT), (1ull << 63) | 0);
}

GIC_TIMING_TEST(ItsTest, OutstandingWriteLimitSerialisesWrites)
{
    // With 2 write slots the second command's table write does not wait.
    cfg.its_max_writes = 0; // unlimited
    create();
    BringUpCpus();
    BringUpIts();
    t = 1000000;
    Queue(mapd(1, ITT, 4, true));
    Queue(mapd(2, ITT + 0x1000, 4, true));
    Release();
    t += 1000000;
    gic_run_until(g, t);
    auto cmds = outs(GIC_OUT_CMD);
    ASSERT_EQ(cmds.size(), 2u);
    EXPECT_EQ(cmds[0].time, 1000000u + cmd_one_write());
    EXPECT_EQ(cmds[1].time, 1000000u + 2 * cmd_one_write()); // commands are sequential anyway
}

TEST_F(ItsTest, CommandQueueWrapsAround)
{
    create();
    BringUpCpus();
    BringUpIts();
    // 4 KiB queue = 128 commands; issue 200 MAPC in batches of 50.
    for (int batch = 0; batch < 4; batch++) {
        for (int i = 0; i < 50; i++) Queue(mapc((uint32_t)(batch * 50 + i) % 256, i % 4, true));
        Release();
        Drain();
        EXPECT_EQ(creadr(), cwriter[0]);
    }
    EXPECT_EQ(cwriter[0], (200u * 32) % 4096);
    EXPECT_EQ(counter("its0.cmd.MAPC.count"), 200u);
    EXPECT_EQ(counter("its0.cmd.errors"), 0u);
    EXPECT_EQ(r64(CT + 8 * 199), (1ull << 63) | (199 % 50 % 4));
}

TEST_F(ItsTest, NoProcessingWhileDisabledOrCbaserInvalid)
{
    create();
    BringUpCpus();
    gits_w(GITS_BASERn(0), (1ull << 63) | DT | 15);
    gits_w(GITS_BASERn(1), (1ull << 63) | CT);
    gits_w(GITS_CBASER, CMDQ); // not Valid
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    Queue(mapc(0, 0, true));
    Release();
    t += 1000000;
    gic_run_until(g, t);
    EXPECT_EQ(creadr(), 0u);
    // Disable, make CBASER valid, re-enable: the pending command runs.
    gits_w(GITS_CTLR, 0, 0, 4);
    gits_w(GITS_CBASER, (1ull << 63) | CMDQ);
    gits_w(GITS_CWRITER, 32);
    t += 1000;
    EXPECT_EQ(creadr(), 0u); // disabled
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    Drain();
    EXPECT_EQ(creadr(), 32u);
    EXPECT_EQ(r64(CT), 1ull << 63);
}

// ---- command errors -------------------------------------------------------------
struct ErrCase {
    const char *name;
    Cmd cmd;
    uint32_t code;
};

TEST_F(ItsTest, EveryCommandErrorCodeSkipPolicy)
{
    cfg.its_devbits = 12; // 4096 DeviceIDs, table holds 8192 (16 pages)
    cfg.its_eventid_bits = 8;
    cfg.its_cid_bits = 8;
    create();
    BringUpCpus();
    BringUpIts();
    // Device 1 mapped with 2 EventID bits, event 0 -> 8192 col 0, event 1 -> col 7 (unmapped),
    // collection 0 -> CPU 0. Device 2 unmapped.
    Exec({mapc(0, 0, true), mapd(1, ITT + 0x1000, 1, true), mapti(1, 0, 8192, 0),
          mapti(1, 1, 8193, 7)});
    ASSERT_EQ(counter("its0.cmd.errors"), 0u);
    const ErrCase cases[] = {
        {"MAPD devid oor", mapd(4096, ITT, 1, true), 0x010801},
        {"MAPD itt size oor", mapd(3, ITT, 8, true), 0x010802},
        {"MAPC icid oor", mapc(256, 0, true), 0x010903},
        {"MAPC rdbase oor", mapc(1, 4, true), 0x010902},
        {"MAPTI devid oor", mapti(5000, 0, 8192, 0), 0x010a01},
        {"MAPTI unmapped device", mapti(2, 0, 8192, 0), 0x010a04},
        {"MAPTI eventid oor", mapti(1, 4, 8192, 0), 0x010a05},
        {"MAPTI pintid oor", mapti(1, 2, 8000, 0), 0x010a06},
        {"MAPTI pintid beyond IDbits", mapti(1, 2, 1u << 16, 0), 0x010a06},
        {"MAPTI icid oor", mapti(1, 2, 8194, 256), 0x010a03},
        {"MAPI unmapped device", mapi(2, 0, 0), 0x010b04},
        {"INT unmapped interrupt", devev(INT, 1, 3), 0x010307},
        {"INT unmapped collection", devev(INT, 1, 1), 0x010309},
        {"INT eventid oor", devev(INT, 1, 9), 0x010305},
        {"CLEAR unmapped device", devev(CLEAR, 2, 0), 0x010504},
        {"INV devid oor", devev(INV, 4096, 0), 0x010c01},
        {"DISCARD unmapped interrupt", devev(DISCARD, 1, 2), 0x010f07},
        {"MOVI unmapped collection (target)", movi(1, 0, 9), 0x010109},
        {"MOVI icid oor", movi(1, 0, 300), 0x010103},
        {"MOVALL rdbase1 oor", movall(9, 0), 0x010e20},
        {"MOVALL rdbase2 oor", movall(0, 9), 0x010e21},
        {"INVALL unmapped collection", invall(5), 0x010d09},
        {"INVALL icid oor", invall(256), 0x010d03},
        {"SYNC rdbase oor", sync(4), 0x010502},
    };
    uint64_t errs = 0;
    for (const ErrCase &c : cases) {
        out.clear();
        Exec({c.cmd});
        auto cmds = outs(GIC_OUT_CMD);
        ASSERT_EQ(cmds.size(), 1u) << c.name;
        EXPECT_EQ(cmds[0].error, c.code) << c.name << " got 0x" << std::hex << cmds[0].error;
        EXPECT_EQ(cmds[0].code, (uint32_t)(c.cmd.d[0] & 0xff)) << c.name;
        EXPECT_EQ(cmds[0].value, cwriter[0]) << c.name; // skipped: CREADR advanced
        EXPECT_EQ(counter("its0.cmd.errors"), ++errs) << c.name;
    }
    // Unknown opcode (a GICv4 VMAPP on a GICv3 ITS).
    out.clear();
    Cmd vmapp;
    vmapp.d[0] = 0x29;
    Exec({vmapp});
    EXPECT_EQ(LastCmd().error, 0x0129ffu);
    EXPECT_EQ(counter("its0.cmd.UNKNOWN.count"), 1u);
    // A good command after the errors still works.
    out.clear();
    Exec({mapti(1, 2, 8194, 0)});
    EXPECT_EQ(LastCmd().error, 0u);
    EXPECT_EQ(r64(ITT + 0x1000 + 16), (1ull << 63) | 8194);
    EXPECT_EQ(counter("errors.its_cmd_error"), errs + 1);
    // IHI0069 MAPD: Size is checked only with V = 1 (an unmap ignores it).
    out.clear();
    Exec({mapd(3, ITT, 8, false)});
    EXPECT_EQ(LastCmd().error, 0u) << "MAPD V = 0 with Size+1 > ID_bits";
    // DISCARD of an event whose collection is not mapped removes the mapping
    // without an error (docs/its.md; the GIC-600's DISCARD errors are the
    // device, EventID and ITE ones only): no redistributor is named, so no
    // pending state is cleared.
    out.clear();
    Exec({devev(DISCARD, 1, 1)});
    EXPECT_EQ(LastCmd().error, 0u) << "DISCARD, collection 7 unmapped";
    EXPECT_EQ(r64(ITT + 0x1000 + 8), 0u);
    EXPECT_EQ(counter("errors.its_cmd_error"), errs + 1);
}

// IHI0069 MAPC, SYNC, MOVALL: RDbase is DW2[51:16] (MOVALL's RDbase2
// DW3[51:16]). With GITS_TYPER.PTA = 1 it is bits [51:16] of the
// redistributor's physical address: an address with bit 51 set names no
// redistributor, so the command fails (it must not be read as the
// redistributor at the same address without bit 51).
TEST_F(ItsTest, RdbaseFieldIsBits51To16)
{
    cfg.its_pta = 1;
    FullBringUp();
    const uint64_t bit51 = 1ull << 35; // address bit 51 in the RDbase field
    Cmd c = mapc(5, 0, true);
    c.d[2] |= (rdbase(1) | bit51) << 16;
    out.clear();
    Exec({c});
    EXPECT_EQ(LastCmd().error, 0x010902u) << "MAPC RDbase with PA bit 51";
    EXPECT_EQ(r64(CT + 5 * 8), 0u);
    Cmd s = sync(0);
    s.d[2] |= (rdbase(0) | bit51) << 16;
    Exec({s});
    EXPECT_EQ(LastCmd().error, 0x010502u) << "SYNC RDbase with PA bit 51";
    Cmd m = movall(rdbase(0), rdbase(1));
    m.d[3] |= bit51 << 16;
    Exec({m});
    EXPECT_EQ(LastCmd().error, 0x010e21u) << "MOVALL RDbase2 with PA bit 51";
    m = movall(rdbase(0), rdbase(1));
    m.d[2] |= bit51 << 16;
    Exec({m});
    EXPECT_EQ(LastCmd().error, 0x010e20u) << "MOVALL RDbase1 with PA bit 51";
}

TEST_F(ItsTest, StallPolicyAndRetry)
{
    cfg.its_error_policy = GIC_ITS_ERR_STALL;
    create();
    BringUpCpus();
    BringUpIts();
    Queue(mapc(0, 0, true));
    Queue(mapd(1, ITT + 0x1000, 1, true));
    Queue(mapti(1, 0, 8192, 0));
    Queue(mapti(2, 0, 8193, 0)); // device 2 unmapped: error
    Queue(mapc(1, 1, true));
    Release();
    Drain();
    EXPECT_EQ(creadr(), 96u | 1u); // stalled on the 4th command
    EXPECT_EQ(LastCmd().error, 0x010a04u);
    EXPECT_EQ(LastCmd().value, 97u);
    t += 1000000;
    gic_run_until(g, t);
    EXPECT_EQ(creadr(), 97u); // stays stalled
    EXPECT_EQ(r64(CT + 8), 0u);
    // Software fixes the cause (inserts MAPD for device 2 by rewriting the
    // stalled command slot) and retries.
    Cmd fix = mapd(2, ITT + 0x2000, 1, true);
    for (int i = 0; i < 4; i++) w64(CMDQ + 96 + 8 * i, fix.d[i]);
    gits_w(GITS_CWRITER, cwriter[0] | GITS_CWRITER_Retry); // Retry
    Drain();
    EXPECT_EQ(creadr(), cwriter[0]);
    EXPECT_EQ(r64(CT + 8), (1ull << 63) | 1);
    EXPECT_EQ(r64(DT + 16) >> 63, 1u);
    EXPECT_EQ(counter("its0.cmd.errors"), 1u);
    // Retry with nothing stalled is harmless.
    gits_w(GITS_CWRITER, cwriter[0] | GITS_CWRITER_Retry);
    EXPECT_EQ(creadr(), cwriter[0]);
}

TEST_F(ItsTest, BadTableAddressGivesMemoryError)
{
    cfg.mem_size = 1ull << 28; // 256 MiB
    create();
    BringUpCpus();
    BringUpIts();
    // ITT beyond memory: MAPD succeeds (the address is not accessed), MAPTI fails.
    Exec({mapc(0, 0, true), mapd(1, 1ull << 29, 1, true), mapti(1, 0, 8192, 0)});
    EXPECT_EQ(LastCmd().error, 0x010b01u);
    EXPECT_EQ(counter("mem.itt.errors"), 1u);
    // Command queue beyond memory.
    gits_w(GITS_CTLR, 0, 0, 4);
    gits_w(GITS_CBASER, (1ull << 63) | (1ull << 29));
    gits_w(GITS_CTLR, GITS_CTLR_Enabled, 0, 4);
    gits_w(GITS_CWRITER, 32);
    t += 1000000;
    gic_run_until(g, t);
    EXPECT_EQ(LastCmd().error, 0x010b01u);
    EXPECT_EQ(counter("mem.cmdq.errors"), 1u);
}

GIC_LATENCY_PROFILES(ItsTestLatencies);
