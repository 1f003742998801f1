// Trace format: parser (every directive, every error message), fuzzing,
// expectations, timeline diff, record -> replay round trips.
#include "gic_test.h"
#include "gictlm.h"
#include "gictlm_trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Replay {
    gic_replay_result_t r{};
    int rc = -1;
    std::string diags;
    explicit Replay(const std::string &text, bool parse_only = false,
                    std::vector<const char *> ov = {})
    {
        gic_replay_opts_t o{};
        FILE *d = tmpfile();
        o.diag = d;
        o.parse_only = parse_only;
        o.overrides = ov.data();
        o.n_overrides = ov.size();
        rc = gic_trace_replay("t.trace", text.data(), text.size(), &o, &r);
        if (d) {
            rewind(d);
            char buf[512];
            while (fgets(buf, sizeof buf, d)) diags += buf;
            fclose(d);
        }
    }
    ~Replay() { gic_replay_result_free(&r); }
    std::string timeline() const { return r.timeline ? std::string(r.timeline, r.timeline_len) : ""; }
};

const char *kHdr = "gictlm-trace 1\n";

TEST(TraceParse, EveryDirectiveAccepted)
{
    std::string t = std::string(kHdr) +
                    "# comment line\n"
                    "config num_cpus 2\n"
                    "config its.count 1   # trailing comment\n"
                    "\n"
                    "@0 mmio-write gicd 0 0x0000 4 0x12\n"
                    "@1ns mmio-read gicd 0 0x0004 4\n"
                    "@2ns mmio-read gicr 1 0x0014 4 expect 0x0 mask 0x0\n"
                    "@+1ns mem-write 0x80000000 a3a3_a3a3 00\n"
                    "@+1ns mem-write64 0x80001000 0x8 0x1 0x8000000000000000 0x0\n"
                    "@+1ns mem-fill 0x80002000 4096 0xa2\n"
                    "@+1ns mem-expect 0x80002000 a2a2\n"
                    "@+1ns sysreg-write 0 ICC_PMR_EL1 0xff\n"
                    "@+1ns sysreg-read 1 icc_iar1_el1\n"
                    "@+1ns msi 0 0x10 3\n"
                    "@+1ns spi 40 1\n"
                    "@+1ns ppi 1 27 high\n"
                    "@1us run\n"
                    "@1us stats-reset\n"
                    "@2us expect-line 0 irq 0\n"
                    "@2us expect-msi 0 0x10 3 delivered 8195 0\n"
                    "@2us expect-msi 0 0x10 4 dropped\n"
                    "@2us expect-counter errors.total 0\n"
                    "@0x10 run\n";
    Replay p(t, true);
    EXPECT_EQ(p.rc, 0) << p.diags;
    EXPECT_EQ(p.r.parse_errors, 0u) << p.diags;
}

struct BadLine {
    const char *line;
    const char *msg;
};

TEST(TraceParse, EveryErrorMessage)
{
    const BadLine cases[] = {
        {"@0 frobnicate", "unknown directive 'frobnicate'"},
        {"mmio-write gicd 0 0 4 0", "expected '@<time> <directive>' or a config line, got 'mmio-write'"},
        {"@12zz run", "bad time '@12zz' (integer with optional ps/ns/us/ms unit)"},
        {"@0x1ns run", "bad time '@0x1ns'"},
        {"@99999999999999999999 run", "bad time"},
        {"@10", "missing directive after '@10'"},
        {"@0 mmio-write gicd 0 0", "mmio-write: expected <frame> <index> <offset> <size> <value>"},
        {"@0 mmio-write gicx 0 0 4 0", "mmio-write: unknown frame 'gicx' (gicd, gicr, gits)"},
        {"@0 mmio-write gicd z 0 4 0", "mmio-write: bad index 'z'"},
        {"@0 mmio-write gicd 0 0xg 4 0", "mmio-write: bad offset '0xg'"},
        {"@0 mmio-write gicd 0 0 3 0", "mmio-write: bad size '3' (1, 2, 4 or 8)"},
        {"@0 mmio-write gicd 0 0 4 -1", "mmio-write: bad value '-1'"},
        {"@0 mmio-read gicd 0 0 4 expect", "mmio-read: expected <frame> <index> <offset> <size> [expect <value> [mask <m>]]"},
        {"@0 mmio-read gicd 0 0 4 expext 1", "mmio-read: expected 'expect', got 'expext'"},
        {"@0 mmio-read gicd 0 0 4 expect q", "mmio-read: bad expected value 'q'"},
        {"@0 mmio-read gicd 0 0 4 expect 1 mask x", "mmio-read: bad mask 'x'"},
        {"@0 mmio-read gicd 0 0 4 expect 1 mas 1", "mmio-read: expected 'mask', got 'mas'"},
        {"@0 mmio-read gicx 0 0 4", "mmio-read: unknown frame 'gicx'"},
        {"@0 mem-write 0x1000", "mem-write: expected <addr> <hex bytes>"},
        {"@0 mem-write zz 00", "mem-write: bad address 'zz'"},
        {"@0 mem-write 0x1000 abc", "mem-write: bad hex bytes (pairs of hex digits, no 0x prefix)"},
        {"@0 mem-write 0x1000 0xab", "mem-write: bad hex bytes"},
        {"@0 mem-expect 0x1000 gg", "mem-expect: bad hex bytes"},
        {"@0 mem-write64 0x1000", "mem-write64: expected <addr> <u64> [<u64> ...]"},
        {"@0 mem-write64 0x1000 0x1 y", "mem-write64: bad value 'y'"},
        {"@0 mem-fill 0x1000 0 0", "mem-fill: bad length '0' (1..64 MiB)"},
        {"@0 mem-fill 0x1000 16 256", "mem-fill: bad byte '256'"},
        {"@0 mem-fill 0x1000 16", "mem-fill: expected <addr> <length> <byte>"},
        {"@0 sysreg-write 0 ICC_FOO_EL1 1", "sysreg-write: unknown register 'ICC_FOO_EL1'"},
        {"@0 sysreg-write 0 ICC_PMR_EL1", "sysreg-write: expected <cpu> <register> <value>"},
        {"@0 sysreg-write x ICC_PMR_EL1 1", "sysreg-write: bad cpu 'x'"},
        {"@0 sysreg-read 0 ICC_IAR1_EL1 expect", "sysreg-read: expected <cpu> <register> [expect <value>]"},
        {"@0 sysreg-read 0 ICC_IAR1_EL1 equal 5", "sysreg-read: expected 'expect', got 'equal'"},
        {"@0 msi 0 0x10", "msi: expected <its> <DeviceID> <EventID>"},
        {"@0 msi 0 0x1_0000_0000 1", "msi: bad DeviceID '0x1_0000_0000'"},
        {"@0 spi 40 2", "spi: bad level '2' (0 or 1)"},
        {"@0 spi 40", "spi: expected <intid> <level>"},
        {"@0 ppi 0 27", "ppi: expected <cpu> <intid> <level>"},
        {"@0 run now", "run: takes no arguments"},
        {"@0 stats-reset 1", "stats-reset: takes no arguments"},
        {"@0 expect-line 0 nmi 1", "expect-line: unknown line 'nmi' (irq, fiq, virq, vfiq)"},
        {"@0 expect-line 0 irq 2", "expect-line: bad level '2' (0 or 1)"},
        {"@0 expect-line 600 irq 1", "expect-line: bad cpu '600'"},
        {"@0 expect-msi 0 1 2 lost", "expect-msi: unknown outcome 'lost' (delivered, coalesced, dropped)"},
        {"@0 expect-msi 0 1 2 dropped 8192 0", "expect-msi: 'dropped' takes no intid/cpu"},
        {"@0 expect-msi 0 1 2 delivered 8192", "expect-msi: 'delivered' needs <intid> <cpu>"},
        {"@0 expect-msi 0 1", "expect-msi: expected <its> <DeviceID> <EventID>"},
        {"@0 expect-counter errors.total", "expect-counter: expected <name> <value>"},
        {"config num_cpus", "config: expected <name> <value>"},
        {"config no.such.param 1", "config no.such.param: "},
        {"config num_cpus 1000", "config num_cpus: "},
        {"config-file", "config-file: expected <path>"},
        {"config-file does-not-exist.json", "config-file does-not-exist.json: "},
        {"gictlm-trace 1", "duplicate header"},
    };
    for (const BadLine &c : cases) {
        std::string t = std::string(kHdr) + c.line + "\n";
        Replay p(t, true);
        EXPECT_EQ(p.rc, 2) << c.line;
        EXPECT_EQ(p.r.parse_errors, 1u) << c.line << "\n" << p.diags;
        std::string want = std::string("t.trace:2: ") + c.msg;
        EXPECT_EQ(std::string(p.r.message).rfind(want, 0), 0u)
            << "line: " << c.line << "\n got: " << p.r.message << "\nwant: " << want;
    }
}

TEST(TraceParse, HeaderAndOrderingErrors)
{
    {
        Replay p("", true);
        EXPECT_EQ(p.rc, 2);
        EXPECT_STREQ(p.r.message, "t.trace:1: empty trace: missing 'gictlm-trace 1' header");
    }
    {
        Replay p("@0 run\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:1: missing header: the first line must be 'gictlm-trace 1'");
    }
    {
        Replay p("gictlm-trace 2\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:1: unsupported trace version 2 (this replayer reads version 1)");
    }
    {
        Replay p("gictlm-trace x\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:1: bad header: expected 'gictlm-trace <version>'");
    }
    {
        Replay p(std::string(kHdr) + "@0 run\nconfig num_cpus 2\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:3: config after the first stimulus");
    }
    {
        Replay p(std::string(kHdr) + "@0 run\nconfig-file x.json\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:3: config-file after the first stimulus");
    }
    {
        std::string many = std::string(kHdr) + "@0 mem-write 0x0";
        for (int i = 0; i < 100; i++) many += " 00";
        Replay p(many + "\n", true);
        EXPECT_STREQ(p.r.message, "t.trace:2: too many fields (at most 80)");
    }
    {
        std::string nul = std::string(kHdr) + "@0 run";
        nul.push_back('\0');
        nul += "x\n";
        Replay p(nul, true);
        EXPECT_STREQ(p.r.message, "t.trace:2: NUL byte in line");
    }
    {
        // invalid combination only detected by validation
        Replay p(std::string(kHdr) + "config lpi.id_bits 0\n@0 run\n", true);
        EXPECT_EQ(p.rc, 2);
        EXPECT_NE(std::string(p.r.message).find("invalid configuration"), std::string::npos) << p.r.message;
    }
    {
        Replay p(std::string(kHdr) + "@0 run\n", true, {"num_cpus"});
        // an override is not a trace line: no "file:line:" blamed
        EXPECT_STREQ(p.r.message, "override 'num_cpus': expected name=value");
    }
    {
        Replay p(std::string(kHdr) + "config num_cpus 2\n@0 run\n", true, {"foo=1", "num_cpus=abc"});
        EXPECT_EQ(p.rc, 2);
        EXPECT_EQ(p.r.parse_errors, 2u);
        EXPECT_STREQ(p.r.message, "override 'foo=1': unknown parameter 'foo'");
        EXPECT_EQ(p.diags.find("t.trace:"), std::string::npos) << p.diags;
    }
    {
        // all errors are reported, not only the first; nothing runs
        Replay p(std::string(kHdr) + "@0 foo\n@1 bar\n@2 spi 40 1\n");
        EXPECT_EQ(p.rc, 2);
        EXPECT_EQ(p.r.parse_errors, 2u);
        EXPECT_EQ(p.r.stimuli, 0u);
        EXPECT_NE(p.diags.find("t.trace:3: unknown directive 'bar'"), std::string::npos) << p.diags;
    }
}

TEST(TraceParse, TimesAndUnits)
{
    Replay p(std::string(kHdr) + "@1us mmio-read gicd 0 0x0000 4\n@+2ns mmio-read gicd 0 0x0000 4\n"
                                 "@0x10 mem-write 0x0 00\n@3ms run\n@1_000ps mmio-read gicd 0 0x0000 4\n");
    EXPECT_EQ(p.r.parse_errors, 0u) << p.diags;
    std::string tl = p.timeline();
    EXPECT_NE(tl.find("@1000000 read gicd0 0x0000/4 GICD_CTLR = "), std::string::npos) << tl;
    EXPECT_NE(tl.find("@1002000 read gicd0 0x0000/4"), std::string::npos) << tl;
    // an input older than now is clamped and counted by the model (late_input)
    EXPECT_NE(tl.find("@3000000000 error late_input"), std::string::npos) << tl;
    EXPECT_EQ(p.r.end_time, 3000000000ull);
}

TEST(TraceReplay, ExpectationsFailClearly)
{
    Replay p(std::string(kHdr) + "@0 mmio-read gicd 0 0x0004 4 expect 0x1\n"
                                 "@1 sysreg-read 0 ICC_IAR1_EL1 expect 40\n"
                                 "@2 expect-counter errors.total 5\n"
                                 "@3 expect-counter no.such.counter 1\n"
                                 "@4 expect-msi 0 1 1 delivered 8192 0\n"
                                 "@5 expect-line 0 irq 1\n"
                                 "@6 mem-write 0x100 ab\n"
                                 "@7 mem-expect 0x100 ac\n"
                                 "@8 expect-counter no.such.counter 0\n");
    EXPECT_EQ(p.rc, 1);
    EXPECT_EQ(p.r.parse_errors, 0u);
    EXPECT_EQ(p.r.expect_failures, 8u) << p.diags;
    EXPECT_NE(p.diags.find("t.trace:2: expect failed: mmio-read gicd0 0x0004 returned 0x"), std::string::npos) << p.diags;
    EXPECT_NE(p.diags.find("t.trace:3: expect failed: sysreg-read cpu0 ICC_IAR1_EL1 returned 1023 (0x3ff), expected 40 (0x28)"),
              std::string::npos) << p.diags;
    EXPECT_NE(p.diags.find("t.trace:4: expect failed: counter errors.total is 0, expected 5"), std::string::npos) << p.diags;
    EXPECT_NE(p.diags.find("t.trace:5: expect failed: counter no.such.counter does not exist, expected 1"), std::string::npos);
    EXPECT_NE(p.diags.find("t.trace:6: expect failed: no MSI outcome for its0 dev 0x1 ev 1 by 4 ps"), std::string::npos);
    EXPECT_NE(p.diags.find("t.trace:7: expect failed: cpu0 irq is 0 at 5 ps, expected 1"), std::string::npos);
    EXPECT_NE(p.diags.find("t.trace:9: expect failed: mem-expect byte at 0x100 is 0xab, expected 0xac"), std::string::npos);
    // a name that is not a counter fails whatever the value (a misspelling never passes)
    EXPECT_NE(p.diags.find("t.trace:10: expect failed: counter no.such.counter does not exist, expected 0"),
              std::string::npos) << p.diags;
}

// The per-reason counters (errors.<id>, msi.dropped.<reason>, ...) are created on their
// first count: 0 is expected of one that never fired; a name outside those families,
// or a reason that cannot be one, does not exist.
TEST(TraceReplay, ExpectCounterOfPerReasonFamilies)
{
    Replay p(std::string(kHdr) + "@0 expect-counter errors.total 0\n"
                                 "@0 expect-counter errors.bad_spi 0\n"
                                 "@0 expect-counter msi.dropped.its_disabled 0\n"
                                 "@0 expect-counter its0.msi.dropped.its_disabled 0\n"
                                 "@0 expect-counter lpi.dropped.lpis_disabled 0\n"
                                 "@1 spi 5 1\n"
                                 "@2 expect-counter errors.bad_spi 1\n"
                                 "@2 expect-counter msi.droped.its_disabled 0\n"   // 9: misspelt family
                                 "@2 expect-counter msi.dropped. 0\n"              // 10: no reason
                                 "@2 expect-counter msi.dropped.Its-Disabled 0\n"  // 11: not a reason
                                 "@2 expect-counter its9.msi.dropped.its_disabled 0\n" // 12: no such ITS
                                 "@2 expect-counter msi.delivered.x 0\n");         // 13: not a family
    EXPECT_EQ(p.rc, 1);
    EXPECT_EQ(p.r.parse_errors, 0u);
    EXPECT_EQ(p.r.expect_failures, 5u) << p.diags;
    for (int line : {9, 10, 11, 12, 13})
        EXPECT_NE(p.diags.find("t.trace:" + std::to_string(line) + ": expect failed: counter "), std::string::npos)
            << line << "\n" << p.diags;
    EXPECT_EQ(p.diags.find("t.trace:3:"), std::string::npos) << p.diags;
    // a family exists with the block that counts it: GITS_SGIR's only on a GICv4.1 ITS
    const std::string v4 = "@0 expect-counter vpe.vlpi.dropped.vpt_error 0\n"
                           "@0 expect-counter its0.sgir.dropped.bad_redistributor 0\n";
    Replay v3(std::string(kHdr) + "config gic_version 3\n" + v4);
    EXPECT_EQ(v3.r.expect_failures, 1u) << v3.diags;
    EXPECT_NE(v3.diags.find("t.trace:4: expect failed: counter its0.sgir.dropped.bad_redistributor does not exist"),
              std::string::npos) << v3.diags;
    Replay v41(std::string(kHdr) + "config num_cpus 2\nconfig gic_version 4\nconfig gicv4_1 1\n"
                                   "config map.gicr_base 0x8100000\n" + v4);
    EXPECT_EQ(v41.rc, 0) << v41.diags;
    EXPECT_EQ(v41.r.expect_failures, 0u) << v41.diags;
}

TEST(TraceReplay, RejectedInputsAppearInTimeline)
{
    Replay p(std::string(kHdr) + "@0 spi 5 1\n@1 mmio-write gicd 1 0 4 0\n@2 msi 7 0 0\n");
    EXPECT_EQ(p.rc, 0);
    EXPECT_EQ(p.r.input_errors, 3u);
    std::string tl = p.timeline();
    EXPECT_NE(tl.find("@0 error bad_spi\n@0 status spi 5: bad argument\n"), std::string::npos) << tl;
    EXPECT_NE(tl.find("@1 status mmio-write gicd1 0x0000: address error"), std::string::npos) << tl;
    EXPECT_NE(tl.find("@2 status msi its7 dev 0x0 ev 0: bad argument"), std::string::npos) << tl;
    ASSERT_EQ(p.r.timeline_lines, 6u); // each rejected input: the model's error output + the status line
    EXPECT_EQ(p.r.timeline_src[0], 2u);
    EXPECT_EQ(p.r.timeline_src[5], 4u);
}

// Deterministic garbage: the parser must never crash, and report errors.
TEST(TraceParse, FuzzNeverCrashes)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    auto rnd = [&x]() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    const std::string valid = std::string(kHdr) +
                              "config num_cpus 2\n@0 mmio-write gicd 0 0x0000 4 0x12\n"
                              "@1ns mem-write 0x1000 a3a3\n@+1ns sysreg-read 0 ICC_IAR1_EL1 expect 1023\n"
                              "@+1ns msi 0 0x10 3\n@+1ns spi 40 1\n@1us run\n@2us expect-line 0 irq 0\n";
    const char alphabet[] = "@+0123456789abcdefxX_ \t\n#-.gicdrtsmwpexyz";
    for (int iter = 0; iter < 3000; iter++) {
        std::string t;
        if (iter % 3 == 0) {
            size_t n = rnd() % 200;
            for (size_t i = 0; i < n; i++) t.push_back((char)(rnd() & 0xff));
        } else if (iter % 3 == 1) {
            t = std::string(kHdr);
            size_t n = rnd() % 300;
            for (size_t i = 0; i < n; i++) t.push_back(alphabet[rnd() % (sizeof alphabet - 1)]);
        } else {
            t = valid;
            int muts = 1 + (int)(rnd() % 4);
            for (int m = 0; m < muts; m++) {
                size_t pos = rnd() % t.size();
                switch (rnd() % 3) {
                case 0: t[pos] = (char)(rnd() & 0xff); break;
                case 1: t.erase(pos, 1 + rnd() % 5); break;
                default: t.insert(pos, 1, alphabet[rnd() % (sizeof alphabet - 1)]); break;
                }
                if (t.empty()) t = "x";
            }
        }
        Replay p(t, iter % 2 == 0);
        ASSERT_TRUE(p.rc == 0 || p.rc == 1 || p.rc == 2) << iter;
        if (p.rc == 2) {
            ASSERT_GT(p.r.parse_errors, 0u) << iter;
            ASSERT_NE(p.r.message[0], 0) << iter;
        }
    }
}

TEST(TraceDiff, ReportsHunksWithTraceLine)
{
    const char *golden = "@0 a\n@1 b\n@2 c\n@3 d\n@4 e\n@5 f\n@6 g\n@7 h\n@8 i\n";
    const char *actual = "@0 a\n@1 b\n@2 c\n@3 D\n@4 e\n@5 f\n@6 g\n@7 h\n@8 i\n@9 j\n";
    unsigned src[10] = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    FILE *f = tmpfile();
    unsigned h = gic_trace_diff(golden, strlen(golden), actual, strlen(actual), src, 10, "x.trace",
                                "x.golden", f);
    EXPECT_EQ(h, 2u);
    rewind(f);
    std::string out;
    char buf[256];
    while (fgets(buf, sizeof buf, f)) out += buf;
    fclose(f);
    EXPECT_NE(out.find("--- x.golden (golden)\n+++ timeline (replay of x.trace)\n"), std::string::npos) << out;
    EXPECT_NE(out.find("@@ golden line 2, replay line 2 (x.trace:4) @@\n @1 b\n @2 c\n-@3 d\n+@3 D\n @4 e\n @5 f\n"),
              std::string::npos) << out;
    EXPECT_NE(out.find("(x.trace:10) @@\n @7 h\n @8 i\n+@9 j\n"), std::string::npos) << out;
    EXPECT_EQ(gic_trace_diff(golden, strlen(golden), golden, strlen(golden), nullptr, 0, "a", "b", nullptr), 0u);
    // CRLF goldens compare equal to LF timelines
    const char *crlf = "@0 a\r\n@1 b\r\n";
    EXPECT_EQ(gic_trace_diff(crlf, strlen(crlf), "@0 a\n@1 b\n", 10, nullptr, 0, "a", "b", nullptr), 0u);
    EXPECT_EQ(gic_trace_diff("", 0, "x\n", 2, nullptr, 0, "a", "b", nullptr), 1u);
}

// ---- record -> replay round trip --------------------------------------------------
struct Out {
    std::vector<std::string> lines;
};

std::string fmt_out(const gic_output_t *o)
{
    char b[256];
    snprintf(b, sizeof b, "%d t=%llu cpu=%u line=%u lvl=%u intid=%u its=%u dev=%u ev=%u oc=%u code=%u err=%u v=%llu %s",
             (int)o->kind, (unsigned long long)o->time, o->cpu, o->line, o->level, o->intid, o->its, o->devid,
             o->eventid, o->outcome, o->code, o->error, (unsigned long long)o->value, o->reason ? o->reason : "");
    return b;
}

void collect(void *ctx, const gic_output_t *o) { static_cast<Out *>(ctx)->lines.push_back(fmt_out(o)); }
void observe(void *ctx, const gic_output_t *o, unsigned) { collect(ctx, o); }

using TraceRecord = gictest::GicTest;

TEST_F(TraceRecord, RoundTripReplaysIdentically)
{
    using namespace gictest;
    cfg.num_cpus = 2;
    create();
    FILE *rec = tmpfile();
    ASSERT_EQ(gic_record_start(g, rec), GIC_OK);
    EXPECT_EQ(gic_record_start(g, rec), GIC_ERR_STATE);
    uint64_t v = 0;
    // a small bring-up with whatever the model implements; the recording must reproduce it
    gic_mmio_write(g, 1000, GIC_FRAME_GICD, 0, GICD_CTLR, 4, GICD_CTLR_ARE | GICD_CTLR_EnableGrp1NS);
    gic_mmio_write(g, 2000, GIC_FRAME_GICD, 0, GICD_IGROUPR + 4, 4, 0xffffffff);
    gic_mmio_write(g, 3000, GIC_FRAME_GICD, 0, GICD_ISENABLER + 4, 4, 0x100); // SPI 40
    gic_mmio_read(g, 4000, GIC_FRAME_GICD, 0, GICD_TYPER, 4, &v);
    gic_mmio_write(g, 5000, GIC_FRAME_GICR, 0, GICR_WAKER, 4, 0);
    gic_sysreg_write(g, 6000, 0, GIC_ICC_PMR_EL1, 0xff);
    gic_sysreg_write(g, 7000, 0, GIC_ICC_IGRPEN1_EL1, 1);
    gic_set_spi(g, 8000, 40, true);
    gic_run_until(g, 200000);
    gic_sysreg_read(g, 210000, 0, GIC_ICC_IAR1_EL1, &v);
    gic_sysreg_write(g, 220000, 0, GIC_ICC_EOIR1_EL1, v);
    gic_set_spi(g, 230000, 40, false);
    uint8_t bytes[200];
    for (int i = 0; i < 200; i++) bytes[i] = (uint8_t)(i < 140 ? 0xa2 : i);
    gic_mem_write(g, 0x40000000, bytes, sizeof bytes);
    gic_msi(g, 240000, 0, 0x10, 3);
    gic_set_spi(g, 100, 41, true); // late input: clamped and counted, also on replay
    gic_set_ppi(g, 250000, 1, 27, true);
    gic_sysreg_write(g, 260000, 7, GIC_ICC_PMR_EL1, 0); // rejected: bad cpu
    uint64_t errs_orig = 0;
    gic_stat_counter(g, "errors.total", &errs_orig);
    gic_stats_reset(g);
    gic_run_until(g, 1000000);
    gic_record_stop(g);
    gic_record_stop(g); // no-op
    Out orig;
    for (const gic_output_t &o : out) orig.lines.push_back(fmt_out(&o));
    destroy();

    long len = ftell(rec);
    ASSERT_GT(len, 0);
    std::string text((size_t)len, '\0');
    rewind(rec);
    ASSERT_EQ(fread(&text[0], 1, (size_t)len, rec), (size_t)len);
    fclose(rec);
    EXPECT_EQ(text.rfind("gictlm-trace 1\n", 0), 0u);
    EXPECT_NE(text.find("\nconfig num_cpus 2\n"), std::string::npos);
    EXPECT_NE(text.find("\n@1000 mmio-write gicd 0 0x0000 4 0x12\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n@200000 run\n"), std::string::npos);
    EXPECT_NE(text.find("mem-fill 0x40000000 128 0xa2\n"), std::string::npos) << text;
    EXPECT_NE(text.find("\n@240000 msi 0 0x10 3\n"), std::string::npos);
    EXPECT_NE(text.find("\n@100 spi 41 1\n"), std::string::npos);
    EXPECT_NE(text.find("stats-reset\n"), std::string::npos);

    for (int rep = 0; rep < 2; rep++) {
        Out again;
        gic_replay_opts_t o{};
        o.observe = observe;
        o.ctx = &again;
        gic_replay_result_t r;
        int rc = gic_trace_replay("rec.trace", text.data(), text.size(), &o, &r);
        EXPECT_EQ(rc, 0) << r.message;
        EXPECT_EQ(r.expect_failures, 0u); // recorded reads carry their values as expectations
        EXPECT_EQ(r.end_time, 1000000u);
        ASSERT_EQ(again.lines.size(), orig.lines.size());
        for (size_t i = 0; i < orig.lines.size(); i++) EXPECT_EQ(again.lines[i], orig.lines[i]) << i;
        gic_replay_result_free(&r);
    }
    EXPECT_GE(errs_orig, 2u); // late_input + sysreg_bad_arg
}

} // namespace
