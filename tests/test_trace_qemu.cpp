// QEMU trace-log import: counts on the sample Linux boot log, per-MSI agreement
// with the model, and robustness on unknown/malformed lines.
#include "gictlm.h"
#include "gictlm_trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <unistd.h>

namespace {

std::string sample_path()
{
    return std::string(GICTLM_SOURCE_DIR) + "/../shared/samples/qemu-gicv3/linux-virt-2cpu.log.gz";
}

bool load_gz(const std::string &path, std::string &out)
{
    if (access(path.c_str(), R_OK) != 0) return false;
    std::string cmd = "gzip -dc -- '" + path + "'";
    FILE *p = popen(cmd.c_str(), "r");
    if (!p) return false;
    char buf[65536];
    size_t k;
    while ((k = fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, k);
    return pclose(p) == 0 && !out.empty();
}

TEST(TraceQemu, SampleCountsAndAgreement)
{
    std::string log;
    if (!load_gz(sample_path(), log)) GTEST_SKIP() << "QEMU sample not found at " << sample_path();
    gic_qemu_import_opts_t o{};
    o.source_name = "linux-virt-2cpu.log";
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 0) << imp.message;
    const gic_qemu_counts_t &c = imp.counts;
    EXPECT_EQ(c.lines, 116753u);
    EXPECT_EQ(c.translater, 34u);
    EXPECT_EQ(c.mapd, 4u);
    EXPECT_EQ(c.mapc, 3u);
    EXPECT_EQ(c.mapti, 7u);
    EXPECT_EQ(c.inv, 9u);
    EXPECT_EQ(c.invall, 3u);
    EXPECT_EQ(c.movi, 14u);
    EXPECT_EQ(c.discard, 2u);
    EXPECT_EQ(c.sync, 38u);
    EXPECT_EQ(c.iar1, 2632u);
    EXPECT_EQ(c.eoir, 2631u);
    EXPECT_EQ(c.sgi, 637u);
    EXPECT_EQ(c.ppi, 3926u);
    EXPECT_EQ(c.unknown, 0u);
    EXPECT_EQ(c.malformed, 0u);
    EXPECT_EQ(imp.n_cpus, 2u);
    ASSERT_EQ(imp.n_msi, 34u);
    // QEMU's side: every MSI was acknowledged (the first one by CPU0 as LPI 8197)
    EXPECT_EQ(imp.msi[0].devid, 0x10u);
    EXPECT_EQ(imp.msi[0].eventid, 1u);
    EXPECT_EQ(imp.msi[0].intid, 8197u);
    EXPECT_EQ(imp.msi[0].qemu_cpu, 0);
    EXPECT_EQ(imp.msi[0].log_line, 38583u);
    for (size_t i = 0; i < imp.n_msi; i++) EXPECT_GE(imp.msi[i].qemu_cpu, 0) << i;
    std::string trace(imp.trace, imp.trace_len);
    EXPECT_NE(trace.find("# reconstructed: command queue entry 0: MAPC, ICID 0 RDbase 0 V 1"), std::string::npos);
    EXPECT_NE(trace.find("mem-write64 0x42580000 0x9 0x0 0x8000000000000000 0x0"), std::string::npos);
    EXPECT_NE(trace.find("# reconstructed: Linux unmask LPI 8197: property byte 0xa3 before INV"), std::string::npos);
    // model side
    FILE *rep = tmpfile();
    unsigned iar_agree = 0;
    int dis = gic_qemu_compare(&imp, rep, &iar_agree);
    rewind(rep);
    std::string report;
    char buf[512];
    while (fgets(buf, sizeof buf, rep)) report += buf;
    fclose(rep);
    EXPECT_EQ(dis, 0) << report;
    EXPECT_NE(report.find("34 MSIs (GITS_TRANSLATER writes): 34 agree, 0 disagree: agreement 100.0%"),
              std::string::npos) << report;
    EXPECT_EQ(iar_agree, 2632u) << report;
    gic_qemu_import_free(&imp);
}

TEST(TraceQemu, UnknownAndMalformedLinesAreCounted)
{
    const std::string log =
        "gicv3_dist_write GICv3 distributor write: offset 0x0 data 0x12 size 4 secure 0\n"
        "this is not a qemu line\n"
        "gicv3_dist_write GICv3 distributor write: offset zz\n"
        "gicv3_something_new GICv3 whatever\n"
        "gicv3_its_cmd_mapd GICv3 ITS: command MAPD DeviceID 0x8 Size 0x1 ITT_addr 0x1 V 1\n"
        "gicv3_icc_iar1_read GICv3 ICC_IAR1 read cpu 0x0 value 0x3ff\n"
        "gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 3 IRM 0 target affinity 0x0xx targetlist 0x2\n";
    gic_qemu_import_opts_t o{};
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 0);
    EXPECT_EQ(imp.counts.lines, 7u);
    EXPECT_EQ(imp.counts.unknown, 2u);
    EXPECT_EQ(imp.counts.malformed, 2u); // bad dist_write, MAPD without process_command
    EXPECT_EQ(imp.counts.mmio_writes, 1u);
    EXPECT_EQ(imp.counts.iar1, 1u);
    EXPECT_EQ(imp.counts.sgi, 1u);
    std::string trace(imp.trace, imp.trace_len);
    EXPECT_NE(trace.find("sysreg-write 0 ICC_SGI1R_EL1 0x3000002"), std::string::npos) << trace;
    // the generated trace parses and replays
    gic_replay_result_t r;
    EXPECT_EQ(gic_trace_replay("imp", imp.trace, imp.trace_len, nullptr, &r), 0) << r.message;
    gic_replay_result_free(&r);
    gic_qemu_import_free(&imp);
    o.strict = true;
    EXPECT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 2);
    EXPECT_STREQ(imp.message, "log:2: unknown line (--strict)");
    gic_qemu_import_free(&imp);
}

} // namespace
