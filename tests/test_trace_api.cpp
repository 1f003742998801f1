// Parsed-trace API (gic_trace_parse), timeline formatters and the expectation
// checker: what a driver other than gic_trace_replay (e.g. the SystemC trace
// player) uses to produce the same timeline. Public API only.
#include <gtest/gtest.h>

#include "gic_test.h"
#include "gictlm.h"
#include "gictlm_trace.h"

#include <cstring>
#include <string>
#include <utility>

namespace {
const char kTrace[] =
    "gictlm-trace 1\n"
    "config num_cpus 2\n"
    "@0 mmio-write gicr 1 0x0014 4 0x0\n"                 // 3
    "@+10ns mmio-read gicd 0 0x0004 4 expect 0x1 mask 0xf\n" // 4
    "@1us mem-write64 0x100 0x0102030405060708\n"        // 5
    "@1us mem-fill 0x2000 5000 0xa2\n"                   // 6
    "@2us sysreg-read 1 icc_iar1_el1 expect 1023\n"      // 7
    "@2us msi 0 0x10 3\n"                                // 8
    "@2us ppi 1 27 high\n"                               // 9
    "@3us expect-msi 0 0x10 3 delivered 8195 1\n"        // 10
    "@3us expect-line 1 fiq 0\n"                         // 11
    "@3us expect-counter msi.received 1\n"               // 12
    "@3us mem-expect 0x100 0807\n";                      // 13
using TraceApi = gictest::GicTest; // the GIC of the formatter and checker tests
} // namespace

TEST_F(TraceApi, ParseGivesEveryStimulusWithItsOperands)
{
    gic_trace_t tr;
    ASSERT_EQ(gic_trace_parse("a.trace", kTrace, sizeof kTrace - 1, nullptr, &tr), 0) << tr.message;
    EXPECT_EQ(tr.cfg.num_cpus, 2u);
    ASSERT_EQ(tr.n_stim, 11u);
    const gic_trace_stim_t *s = tr.stim;
    EXPECT_EQ(s[0].kind, GIC_STIM_MMIO_WRITE);
    EXPECT_EQ(s[0].line, 3u);
    EXPECT_EQ(s[0].frame, GIC_FRAME_GICR);
    EXPECT_EQ(s[0].index, 1u);
    EXPECT_EQ(s[0].offset, 0x14u);
    EXPECT_EQ(s[1].kind, GIC_STIM_MMIO_READ);
    EXPECT_EQ(s[1].time, 10000u);
    EXPECT_TRUE(s[1].has_expect);
    EXPECT_EQ(s[1].value, 1u);
    EXPECT_EQ(s[1].mask, 0xfu);
    EXPECT_EQ(s[2].kind, GIC_STIM_MEM_WRITE);
    EXPECT_STREQ(s[2].directive, "mem-write64");
    ASSERT_EQ(s[2].len, 8u);
    EXPECT_EQ(s[2].bytes[0], 0x08);
    EXPECT_EQ(s[2].bytes[7], 0x01);
    EXPECT_EQ(s[3].kind, GIC_STIM_MEM_FILL);
    EXPECT_EQ(s[3].len, 5000u);
    EXPECT_EQ(s[3].value, 0xa2u);
    EXPECT_EQ(s[4].kind, GIC_STIM_SYSREG_READ);
    EXPECT_EQ(s[4].cpu, 1u);
    EXPECT_EQ(s[4].sysreg, gic_sysreg_by_name("ICC_IAR1_EL1"));
    EXPECT_EQ(s[5].kind, GIC_STIM_MSI);
    EXPECT_EQ(s[5].devid, 0x10u);
    EXPECT_EQ(s[5].eventid, 3u);
    EXPECT_EQ(s[6].kind, GIC_STIM_PPI);
    EXPECT_EQ(s[6].intid, 27u);
    EXPECT_EQ(s[6].value, 1u);
    EXPECT_EQ(s[7].kind, GIC_STIM_EXPECT_MSI);
    EXPECT_EQ(s[7].outcome, (uint32_t)GIC_MSI_DELIVERED);
    EXPECT_EQ(s[7].intid, 8195u);
    EXPECT_EQ(s[7].cpu, 1u);
    EXPECT_EQ(s[8].kind, GIC_STIM_EXPECT_LINE);
    EXPECT_EQ(s[8].line_kind, (uint32_t)GIC_LINE_FIQ);
    EXPECT_EQ(s[9].kind, GIC_STIM_EXPECT_COUNTER);
    EXPECT_STREQ(s[9].counter, "msi.received");
    EXPECT_EQ(s[10].kind, GIC_STIM_MEM_EXPECT);
    EXPECT_EQ(s[10].time, 3000000u);
    gic_trace_free(&tr);
    EXPECT_EQ(tr.stim, nullptr);
}

TEST_F(TraceApi, ParseErrorsAndOverrides)
{
    gic_trace_t tr;
    std::string bad = "gictlm-trace 1\n@0 spi 40 2\n@1 nope\n";
    EXPECT_EQ(gic_trace_parse("b.trace", bad.data(), bad.size(), nullptr, &tr), 2);
    EXPECT_EQ(tr.parse_errors, 2u);
    EXPECT_STREQ(tr.message, "b.trace:2: spi: bad level '2' (0 or 1)");
    EXPECT_EQ(tr.n_stim, 0u);
    gic_trace_free(&tr);
    const char *ov[] = {"num_cpus=3"};
    gic_replay_opts_t o;
    std::memset(&o, 0, sizeof o);
    o.overrides = ov;
    o.n_overrides = 1;
    ASSERT_EQ(gic_trace_parse("a.trace", kTrace, sizeof kTrace - 1, &o, &tr), 0);
    EXPECT_EQ(tr.cfg.num_cpus, 3u);
    gic_trace_free(&tr);
}

TEST_F(TraceApi, FormattersAreTheReplayersLines)
{
    gic_output_t o;
    std::memset(&o, 0, sizeof o);
    char buf[256];
    o.kind = GIC_OUT_MSI;
    o.time = 21007000;
    o.its = 0;
    o.devid = 0x10;
    o.eventid = 2;
    o.outcome = GIC_MSI_DROPPED;
    o.reason = "unmapped_interrupt";
    gic_timeline_output(buf, sizeof buf, &o);
    EXPECT_STREQ(buf, "@21007000 msi its0 dev 0x10 ev 2 -> dropped (unmapped_interrupt)");
    o.kind = GIC_OUT_CMD;
    o.code = 0x0a;
    o.value = 0x220;
    o.error = 0x10a04;
    o.reason = "unmapped_device";
    gic_timeline_output(buf, sizeof buf, &o);
    EXPECT_STREQ(buf, "@21007000 cmd its0 MAPTI creadr 0x220 error 0x10a04 (unmapped_device)");

    gic_trace_t tr;
    ASSERT_EQ(gic_trace_parse("a.trace", kTrace, sizeof kTrace - 1, nullptr, &tr), 0);
    cfg = tr.cfg;
    create();
    gic_timeline_read(buf, sizeof buf, g, &tr.stim[1], 0x41);
    EXPECT_STREQ(buf, "@10000 read gicd0 0x0004/4 GICD_TYPER = 0x41");
    gic_timeline_read(buf, sizeof buf, g, &tr.stim[4], 1023);
    EXPECT_STREQ(buf, "@2000000 sysreg-read cpu1 ICC_IAR1_EL1 = 1023");
    gic_timeline_status(buf, sizeof buf, &tr.stim[3], GIC_ERR_MEM, 0x3000);
    EXPECT_STREQ(buf, "@1000000 status mem-fill 0x3000: memory error");
    gic_timeline_status(buf, sizeof buf, &tr.stim[6], GIC_ERR_ARG, 0);
    EXPECT_STREQ(buf, "@2000000 status ppi cpu1 27: bad argument");

    // checker: fed outputs, checks expectations like the replayer
    gic_trace_checker_t *chk = gic_trace_checker_new();
    char msg[256];
    EXPECT_FALSE(gic_trace_check(chk, g, &tr.stim[7], 0, nullptr, msg, sizeof msg));
    EXPECT_STREQ(msg, "expect failed: no MSI outcome for its0 dev 0x10 ev 3 by 3000000 ps");
    std::memset(&o, 0, sizeof o);
    o.kind = GIC_OUT_MSI;
    o.time = 2500000;
    o.devid = 0x10;
    o.eventid = 3;
    o.intid = 8195;
    o.cpu = 1;
    o.outcome = GIC_MSI_DELIVERED;
    gic_trace_checker_output(chk, &o);
    EXPECT_TRUE(gic_trace_check(chk, g, &tr.stim[7], 0, nullptr, msg, sizeof msg));
    EXPECT_TRUE(gic_trace_check(chk, g, &tr.stim[8], 0, nullptr, msg, sizeof msg)); // fiq low
    o.kind = GIC_OUT_LINE;
    o.cpu = 1;
    o.line = GIC_LINE_FIQ;
    o.level = 1;
    gic_trace_checker_output(chk, &o);
    EXPECT_FALSE(gic_trace_check(chk, g, &tr.stim[8], 0, nullptr, msg, sizeof msg));
    EXPECT_STREQ(msg, "expect failed: cpu1 fiq is 1 at 3000000 ps, expected 0");
    EXPECT_FALSE(gic_trace_check(chk, g, &tr.stim[1], 0x40, nullptr, msg, sizeof msg)); // mask 0xf
    EXPECT_TRUE(gic_trace_check(chk, g, &tr.stim[1], 0x51, nullptr, msg, sizeof msg));
    const uint8_t good[2] = {0x08, 0x07}, bad[2] = {0x08, 0x06};
    EXPECT_TRUE(gic_trace_check(chk, g, &tr.stim[10], 0, good, msg, sizeof msg));
    EXPECT_FALSE(gic_trace_check(chk, g, &tr.stim[10], 0, bad, msg, sizeof msg));
    EXPECT_STREQ(msg, "expect failed: mem-expect byte at 0x101 is 0x06, expected 0x07");
    gic_trace_checker_free(chk);
    gic_trace_free(&tr);
}

// The ITS command names are the model's one command table (model/its_cmd.c),
// reached through gic_its_cmd_name: physical and GICv4 mnemonics, NULL for
// opcodes that are no ITS command, and the timeline line of a command uses it.
TEST_F(TraceApi, ItsCommandNamesComeFromTheModelsCommandTable)
{
    const std::pair<uint32_t, const char *> named[] = {
        {0x01, "MOVI"},  {0x03, "INT"},    {0x04, "CLEAR"},  {0x05, "SYNC"},   {0x08, "MAPD"},
        {0x09, "MAPC"},  {0x0a, "MAPTI"},  {0x0b, "MAPI"},   {0x0c, "INV"},    {0x0d, "INVALL"},
        {0x0e, "MOVALL"}, {0x0f, "DISCARD"}, {0x21, "VMOVI"}, {0x22, "VMOVP"}, {0x25, "VSYNC"},
        {0x29, "VMAPP"}, {0x2a, "VMAPTI"}, {0x2b, "VMAPI"},  {0x2d, "VINVALL"}};
    for (const auto &p : named) {
        ASSERT_NE(gic_its_cmd_name(p.first), nullptr) << p.first;
        EXPECT_STREQ(gic_its_cmd_name(p.first), p.second);
    }
    for (uint32_t op : {0x00u, 0x02u, 0x06u, 0x10u, 0x20u, 0x3fu, 0x40u, 0xffu, 0x100u})
        EXPECT_EQ(gic_its_cmd_name(op), nullptr) << op;
    gic_output_t o;
    std::memset(&o, 0, sizeof o);
    o.kind = GIC_OUT_CMD;
    o.time = 5;
    o.code = 0x29;
    o.value = 0x20;
    o.error = 0x0129ff;
    o.reason = "unknown_command";
    char buf[256];
    gic_timeline_output(buf, sizeof buf, &o);
    EXPECT_STREQ(buf, "@5 cmd its0 VMAPP creadr 0x20 error 0x129ff (unknown_command)");
    o.code = 0x02;
    o.error = 0;
    gic_timeline_output(buf, sizeof buf, &o);
    EXPECT_STREQ(buf, "@5 cmd its0 0x02 creadr 0x20");
}
