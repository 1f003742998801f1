// QEMU trace-log import and comparison: counts on the sample Linux boot log,
// the comparison against QEMU's own outputs (and that it fails on edited
// logs), categories, configuration from the log, and robustness on unknown
// and malformed lines.
#include "gictlm.h"
#include "gictlm_trace.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>
#include <zlib.h>

namespace {

std::string samples()
{
    const char *e = std::getenv("GICTLM_QEMU_SAMPLES");
    return e ? std::string(e) : std::string(GICTLM_SOURCE_DIR) + "/../shared/samples";
}
std::string v3_path() { return samples() + "/qemu-gicv3/linux-virt-2cpu.log.gz"; }
std::string v4_path() { return samples() + "/qemu-gicv4/linux-kvm-nested-3cpu.log.gz"; }

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

std::string compare(gic_qemu_import_t &imp, int *dis)
{
    FILE *rep = tmpfile();
    *dis = gic_qemu_compare(&imp, rep, 50);
    rewind(rep);
    std::string report;
    char buf[512];
    while (fgets(buf, sizeof buf, rep)) report += buf;
    fclose(rep);
    return report;
}

// Replace the first occurrence of `from` (a whole log line or part of one) after `after`.
bool edit(std::string &log, const std::string &from, const std::string &to, const std::string &after = "")
{
    if (after == "*") { // every occurrence
        size_t n = 0;
        for (size_t p = log.find(from); p != std::string::npos; p = log.find(from, p + to.size()), n++)
            log.replace(p, from.size(), to);
        return n > 0;
    }
    size_t start = after.empty() ? 0 : log.find(after);
    if (start == std::string::npos) return false;
    size_t p = log.find(from, start);
    if (p == std::string::npos) return false;
    log.replace(p, from.size(), to);
    return true;
}

TEST(TraceQemu, SampleCountsAndAgreementWithQemuOutputs)
{
    if (access(v3_path().c_str(), R_OK) != 0) GTEST_SKIP() << "QEMU sample not found at " << v3_path();
    gic_qemu_import_opts_t o{};
    o.source_name = "linux-virt-2cpu.log";
    gic_qemu_import_t imp;
    // streamed from the gzip file through zlib
    ASSERT_EQ(gic_qemu_import_file(v3_path().c_str(), &o, &imp), 0) << imp.message;
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
    // configuration from the log
    EXPECT_EQ(imp.n_cpus, 2u);
    EXPECT_EQ(imp.gic_version, 3u);
    EXPECT_EQ(imp.spis, 224u);
    EXPECT_EQ(imp.lpi_id_bits, 16u);
    EXPECT_EQ(imp.its_devbits, 16u);
    EXPECT_EQ(imp.its_idbits, 16u);
    EXPECT_EQ(imp.its_hcc, 0u);
    std::string trace(imp.trace, imp.trace_len);
    EXPECT_NE(trace.find("config its.devbits 16"), std::string::npos);
    EXPECT_NE(trace.find("config gic_version 3"), std::string::npos);
    EXPECT_NE(trace.find("# reconstructed: command queue entry 0: MAPC, ICID 0 RDbase 0 V 1"), std::string::npos);
    EXPECT_NE(trace.find("mem-write64 0x42580000 0x9 0x0 0x8000000000000000 0x0"), std::string::npos);
    EXPECT_NE(trace.find("# reconstructed: Linux unmask LPI 8197: property byte 0xa3 before INV"), std::string::npos);
    EXPECT_NE(trace.find("# reconstructed: CPU 1 was reset"), std::string::npos);
    // QEMU's side of the first MSI, from its own DTE/ITE/CTE reads
    ASSERT_EQ(imp.n_msi, 34u);
    const gic_qemu_msi_t &m0 = imp.msi[0];
    EXPECT_EQ(m0.devid, 0x10u);
    EXPECT_EQ(m0.eventid, 1u);
    EXPECT_EQ(m0.log_line, 38583u);
    EXPECT_EQ(m0.qemu_tables, GIC_QEMU_T_DTE | GIC_QEMU_T_ITE | GIC_QEMU_T_CTE);
    EXPECT_EQ(m0.intid, 8197u);
    EXPECT_EQ(m0.inttype, 1u);
    EXPECT_EQ(m0.qemu_outcome, (int)GIC_MSI_DELIVERED);
    EXPECT_EQ(m0.qemu_cpu, 0);
    EXPECT_EQ(m0.qemu_iar_cpu, 0);
    EXPECT_EQ(imp.n_cmd, 80u);
    EXPECT_EQ(imp.cmd[0].table, 'c'); // MAPC: QEMU's CTE write
    EXPECT_TRUE(imp.cmd[0].w_valid);
    // the model side
    int dis = 0;
    std::string report = compare(imp, &dis);
    EXPECT_EQ(dis, 0) << report;
    const gic_qemu_summary_t &S = imp.sum;
    EXPECT_EQ(S.n[GIC_QEMU_A_MSI][GIC_QEMU_AGREE], 34u) << report;
    EXPECT_EQ(S.n[GIC_QEMU_A_MSI][GIC_QEMU_NOT_COMPARABLE], 0u) << report;
    EXPECT_EQ(S.n[GIC_QEMU_A_CMD][GIC_QEMU_AGREE], 80u) << report;
    EXPECT_EQ(S.n[GIC_QEMU_A_IAR][GIC_QEMU_AGREE], 2632u) << report;
    EXPECT_EQ(S.n[GIC_QEMU_A_MMIO][GIC_QEMU_AGREE], 282u) << report;
    EXPECT_GT(S.allowed[GIC_QEMU_A_MMIO], 0u) << report; // ID registers differ, allowed
    EXPECT_GT(S.n[GIC_QEMU_A_IRQ][GIC_QEMU_AGREE], 7000u) << report;
    EXPECT_GT(S.n[GIC_QEMU_A_HPPI][GIC_QEMU_AGREE], 14000u) << report;
    size_t hppi_pending = 0; // samples where QEMU had something pending
    for (size_t i = 0; i < imp.n_hppi; i++) hppi_pending += imp.hppi[i].qemu != 1023;
    EXPECT_GT(hppi_pending, 100u);
    EXPECT_FALSE(S.mostly_not_comparable);
    EXPECT_DOUBLE_EQ(S.agreement, 100.0);
    // the model's table writes were seen and decoded (MAPC ICID 0 -> CPU 0)
    EXPECT_TRUE(imp.cmd[0].model_wrote);
    EXPECT_EQ(imp.cmd[0].model_entry >> 63, 1u);
    EXPECT_NE(report.find("agreement 100.00% of"), std::string::npos) << report;
    gic_qemu_import_free(&imp);
}

// A user edits QEMU's outputs in the log: every area must notice.
TEST(TraceQemu, EditedQemuOutputsAreCaught)
{
    std::string orig;
    if (!load_gz(v3_path(), orig)) GTEST_SKIP() << "QEMU sample not found at " << v3_path();
    struct Case {
        const char *what;
        const char *from, *to, *after;
        gic_qemu_area_t area;
    } cases[] = {
        {"QEMU's ITE read gives another INTID for the first MSI",
         "EventID 0x1: valid 1 inttype 1 intid 0x2005 ICID 0x0", "EventID 0x1: valid 1 inttype 1 intid 0x2004 ICID 0x0",
         "TRANSLATER write", GIC_QEMU_A_MSI},
        {"QEMU's CTE read targets the other CPU", "Collection Table read for ICID 0x0: valid 1 RDBase 0x0",
         "Collection Table read for ICID 0x0: valid 1 RDBase 0x1", "TRANSLATER write", GIC_QEMU_A_MSI},
        {"QEMU's MAPTI wrote another INTID", "EventID 0x0: valid 1 inttype 1 intid 0x2000 ICID 0x0",
         "EventID 0x0: valid 1 inttype 1 intid 0x2003 ICID 0x0", "", GIC_QEMU_A_CMD},
        {"QEMU refused a MAPC (no CTE write)", "gicv3_its_cte_write GICv3 ITS: Collection Table write for ICID 0x1",
         "gicv3_its_cte_read GICv3 ITS: Collection Table read for ICID 0x1", "", GIC_QEMU_A_CMD},
        {"an ICC_IAR1 read returns another INTID", "ICC_IAR1 read cpu 0x0 value 0x2005",
         "ICC_IAR1 read cpu 0x0 value 0x2004", "", GIC_QEMU_A_IAR},
        {"GICD_CTLR reads differently", "distributor read: offset 0x0 data 0x53", "distributor read: offset 0x0 data 0x13",
         "", GIC_QEMU_A_MMIO},
        {"GICR_TYPER's Last bit differs", "redistributor 0x1 read: offset 0x8 data 0x101000111",
         "redistributor 0x1 read: offset 0x8 data 0x101000101", "", GIC_QEMU_A_MMIO},
        {"QEMU keeps CPU0's IRQ line up before an EOI",
         "gicv3_cpuif_set_irqs GICv3 CPU i/f 0x0 HPPI update: setting FIQ 0 IRQ 0\n"
         "gicv3_icc_iar1_read GICv3 ICC_IAR1 read cpu 0x0 value 0x2005",
         "gicv3_cpuif_set_irqs GICv3 CPU i/f 0x0 HPPI update: setting FIQ 0 IRQ 1\n"
         "gicv3_icc_iar1_read GICv3 ICC_IAR1 read cpu 0x0 value 0x2005",
         "", GIC_QEMU_A_IRQ},
        {"QEMU's HPPI names another interrupt", "CPU i/f 0x0 HPPI update: irq 27 group 2 prio 160",
         "CPU i/f 0x0 HPPI update: irq 26 group 2 prio 160", "*", GIC_QEMU_A_HPPI},
    };
    for (const Case &k : cases) {
        std::string log = orig;
        ASSERT_TRUE(edit(log, k.from, k.to, k.after)) << k.what;
        gic_qemu_import_t imp;
        ASSERT_EQ(gic_qemu_import(log.data(), log.size(), nullptr, &imp), 0) << imp.message;
        int dis = 0;
        std::string report = compare(imp, &dis);
        EXPECT_GT(dis, 0) << k.what << "\n" << report;
        EXPECT_GT(imp.sum.n[k.area][GIC_QEMU_DISAGREE], 0u) << k.what << "\n" << report;
        EXPECT_LT(imp.sum.agreement, 100.0) << k.what;
        gic_qemu_import_free(&imp);
    }
    // An IMPLEMENTATION DEFINED register (GICD_IIDR) may differ: still 100%.
    std::string log = orig;
    ASSERT_TRUE(edit(log, "distributor read: offset 0x8 data 0x43b", "distributor read: offset 0x8 data 0x1234"));
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), nullptr, &imp), 0);
    int dis = 0;
    std::string report = compare(imp, &dis);
    EXPECT_EQ(dis, 0) << report;
    gic_qemu_import_free(&imp);
}

// A vLPI whose vPE-table read QEMU did not log cannot be compared (its target
// redistributor is unknown), and a log of mostly such MSIs fails loudly.
TEST(TraceQemu, VirtualLpisWithoutVpeTableReadAreNotComparable)
{
    const std::string head =
        "gicv3_dist_write GICv3 distributor write: offset 0x0 data 0x0 size 4 secure 0\n"
        "gicv3_redist_read GICv3 redistributor 0x0 read: offset 0x8 data 0x1000011 size 8 secure 0\n"
        "gicv3_its_translation_write GICv3 ITS TRANSLATER write: offset 0x40 data 0x0 size 4 requester_id 0x8\n"
        "gicv3_its_dte_read GICv3 ITS: Device Table read for DeviceID 0x8: valid 1 size 0x3 ITTaddr 0x44ab0000\n"
        "gicv3_its_ite_read GICv3 ITS: Interrupt Table read for ITTaddr 0x44ab0000 EventID 0x0: valid 1 inttype 0 "
        "intid 0x20 ICID 0x0 vPEID 0x1 doorbell 0x2010\n"
        "gicv3_its_translation_write GICv3 ITS TRANSLATER write: offset 0x40 data 0x1 size 4 requester_id 0x8\n"
        "gicv3_its_dte_read GICv3 ITS: Device Table read for DeviceID 0x8: valid 0 size 0x0 ITTaddr 0x0\n";
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(head.data(), head.size(), nullptr, &imp), 0) << imp.message;
    ASSERT_EQ(imp.n_msi, 2u);
    EXPECT_EQ(imp.msi[0].qemu_outcome, -1);
    EXPECT_EQ(imp.msi[0].inttype, 0u);
    EXPECT_EQ(imp.msi[0].vpeid, 1u);
    EXPECT_EQ(imp.msi[0].doorbell, 0x2010u);
    EXPECT_EQ(imp.msi[1].qemu_outcome, (int)GIC_MSI_DROPPED);
    int dis = 0;
    std::string report = compare(imp, &dis);
    EXPECT_EQ(imp.msi[0].cat, GIC_QEMU_NOT_COMPARABLE) << report;
    EXPECT_NE(std::string(imp.msi[0].cause).find("vLPI"), std::string::npos);
    EXPECT_EQ(imp.msi[1].cat, GIC_QEMU_AGREE_DROPPED) << report; // the model has no device 8 either
    EXPECT_TRUE(imp.sum.mostly_not_comparable) << report;
    EXPECT_NE(report.find("FAIL"), std::string::npos) << report;
    gic_qemu_import_free(&imp);
    // without GICD_CTLR write the log starts mid-run: nothing is comparable
    const std::string mid = head.substr(head.find('\n') + 1);
    ASSERT_EQ(gic_qemu_import(mid.data(), mid.size(), nullptr, &imp), 0) << imp.message;
    EXPECT_TRUE(imp.mid_run);
    report = compare(imp, &dis);
    EXPECT_EQ(imp.sum.comparable, 0u) << report;
    EXPECT_TRUE(imp.sum.mostly_not_comparable);
    gic_qemu_import_free(&imp);
}

TEST(TraceQemu, GicV4SampleAgrees)
{
    if (access(v4_path().c_str(), R_OK) != 0) GTEST_SKIP() << "QEMU sample not found at " << v4_path();
    gic_qemu_import_opts_t o{};
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import_file(v4_path().c_str(), &o, &imp), 0) << imp.message;
    EXPECT_EQ(imp.counts.translater, 23u);
    EXPECT_EQ(imp.n_cpus, 3u);
    EXPECT_EQ(imp.gic_version, 4u);
    EXPECT_TRUE(imp.its_virtual);
    EXPECT_GT(imp.counts.virt_cpuif, 0u);
    int dis = 0;
    std::string report = compare(imp, &dis);
    // every MSI is a vLPI (GICv4.0 direct injection): each delivered to the vINTID
    // and the vPE redistributor QEMU's ITE and vPE-table reads name
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_MSI][GIC_QEMU_AGREE], 23u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_MSI][GIC_QEMU_NOT_COMPARABLE], 0u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_MMIO][GIC_QEMU_DISAGREE], 0u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_IAR][GIC_QEMU_NOT_COMPARABLE], 0u) << report;
    // the physical side and the virtual CPU interface (ICH_*, ICV_* forwarded) agree
    EXPECT_GT(imp.sum.n[GIC_QEMU_A_IAR][GIC_QEMU_AGREE], 40000u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_IAR][GIC_QEMU_DISAGREE], 0u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_SYSREG][GIC_QEMU_DISAGREE], 0u) << report;
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_CMD][GIC_QEMU_DISAGREE], 0u) << report;
    // the V* commands are compared entry by entry: VMAPP/VMOVP against QEMU's vPE
    // table writes, VMAPTI/VMOVI against its virtual ITE writes
    size_t vcmds = 0, vwrites = 0, unmapped_vsync = 0;
    for (size_t i = 0; i < imp.n_cmd; i++) {
        const gic_qemu_cmd_t &q = imp.cmd[i];
        bool v = q.op == 0x21 || q.op == 0x22 || q.op == 0x25 || q.op == 0x29 || q.op == 0x2a || q.op == 0x2d;
        if (!v) continue;
        vcmds++;
        if (q.op == 0x25 && q.cat == GIC_QEMU_NOT_COMPARABLE && strstr(q.cause, "unmapped vPE")) {
            unmapped_vsync++; // after the VMAPP V = 0 of the final teardown
            continue;
        }
        EXPECT_EQ(q.cat, GIC_QEMU_AGREE) << "command at trace line " << q.trace_line << ": " << q.cause;
        if (q.table == 'v' || q.table == 'i') vwrites++;
    }
    EXPECT_EQ(vcmds, 4u + 3u + 5u + 39u + 57u + 4u) << "VMAPP, VMAPTI, VMOVI, VMOVP, VSYNC, VINVALL";
    EXPECT_EQ(vwrites, 4u + 3u + 5u + 39u) << "QEMU's vte_write / ite_write of each";
    EXPECT_EQ(unmapped_vsync, 2u);
    EXPECT_EQ(imp.counts.malformed, 0u);
    EXPECT_FALSE(imp.sum.mostly_not_comparable);
    EXPECT_EQ(dis, 0) << report;
    gic_qemu_import_free(&imp);
}

// The V* commands' table writes are really compared: QEMU's values made to
// differ (as if QEMU had written another entry) must each give a disagreement.
TEST(TraceQemu, GicV4CommandWritesAreComparedEntryByEntry)
{
    if (access(v4_path().c_str(), R_OK) != 0) GTEST_SKIP() << "QEMU sample not found at " << v4_path();
    gic_qemu_import_opts_t o{};
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import_file(v4_path().c_str(), &o, &imp), 0) << imp.message;
    long vmapp = -1, vmovp = -1, vmapti = -1, vmovi = -1;
    for (size_t i = 0; i < imp.n_cmd; i++) {
        const gic_qemu_cmd_t &q = imp.cmd[i];
        if (q.op == 0x29 && q.table == 'v' && q.w_valid && vmapp < 0) vmapp = (long)i;
        if (q.op == 0x22 && q.table == 'v' && vmovp < 0) vmovp = (long)i;
        if (q.op == 0x2a && q.table == 'i' && vmapti < 0) vmapti = (long)i;
        if (q.op == 0x21 && q.table == 'i' && vmovi < 0) vmovi = (long)i;
    }
    ASSERT_TRUE(vmapp >= 0 && vmovp >= 0 && vmapti >= 0 && vmovi >= 0);
    imp.cmd[vmapp].w_vpt += 1;        // another VPT address
    imp.cmd[vmovp].w_rdbase ^= 1;     // another redistributor
    imp.cmd[vmapti].w_doorbell += 1;  // another doorbell
    imp.cmd[vmovi].w_vpeid ^= 1;      // another vPE
    int dis = 0;
    std::string report = compare(imp, &dis);
    EXPECT_EQ(imp.sum.n[GIC_QEMU_A_CMD][GIC_QEMU_DISAGREE], 4u) << report;
    for (long i : {vmapp, vmovp, vmapti, vmovi}) EXPECT_EQ(imp.cmd[i].cat, GIC_QEMU_DISAGREE) << imp.cmd[i].cause;
    EXPECT_NE(std::string(imp.cmd[vmovp].cause).find("model VTE"), std::string::npos) << imp.cmd[vmovp].cause;
    EXPECT_NE(std::string(imp.cmd[vmapti].cause).find("model ITE"), std::string::npos) << imp.cmd[vmapti].cause;
    EXPECT_EQ(dis, 4) << report;
    gic_qemu_import_free(&imp);
}

// Memory notes of an edited log (docs/trace-format.md "Memory notes"): applied
// only with the option, where they stand, checked against the registers the
// log wrote; a note that breaks the rules is malformed.
TEST(TraceQemu, MemoryNotesOfEditedLogs)
{
    const std::string log =
        "# gictlm-memory: lpi-property 0x2010 0xa3\n" // before GICR_PROPBASER: malformed
        "gicv3_redist_write GICv3 redistributor 0x0 write: offset 0x70 data 0x425b078f size 8 secure 0\n"
        "gicv3_redist_write GICv3 redistributor 0x0 write: offset 0x78 data 0x425c0780 size 8 secure 0\n"
        "# gictlm-memory: lpi-property 0x2010 0xa3\n"
        "# gictlm-memory: lpi-pending 0 0x2010\n"
        "# gictlm-memory: lpi-pending 1 0x2010\n"   // no GICR_PENDBASER of CPU 1: malformed
        "# gictlm-memory: lpi-property 0x2010\n"    // value missing: malformed
        "# gictlm-memory: lpi-property 0x2010 0x1a3\n" // not a byte: malformed
        "gicv3_redist_write GICv3 redistributor 0x0 write: offset 0x0 data 0x3 size 4 secure 0\n"
        "# gictlm-memory: lpi-pending 0 0x2011\n";  // after EnableLPIs: malformed
    gic_qemu_import_opts_t o{};
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 0);
    std::string trace(imp.trace, imp.trace_len);
    EXPECT_EQ(trace.find("memory note"), std::string::npos) << "without the option a note is a comment";
    EXPECT_EQ(imp.counts.malformed, 0u);
    gic_qemu_import_free(&imp);
    o.memory_notes = true;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 0);
    trace.assign(imp.trace, imp.trace_len);
    EXPECT_EQ(imp.counts.malformed, 5u) << trace;
    // configuration byte at PROPBASER + INTID - 8192, pending bit 0x2010 % 8 = 0 at PENDBASER + 0x2010 / 8
    EXPECT_NE(trace.find("mem-write 0x425b0010 a3"), std::string::npos) << trace;
    EXPECT_NE(trace.find("mem-write 0x425c0402 01"), std::string::npos) << trace;
    EXPECT_EQ(trace.find("mem-write 0x425c0402 02"), std::string::npos) << trace;
    // the note comes before the EnableLPIs write that loads the table
    EXPECT_LT(trace.find("mem-write 0x425c0402 01"), trace.find("mmio-write gicr 0 0x00000 4 0x3")) << trace;
    gic_replay_result_t r;
    EXPECT_EQ(gic_trace_replay("notes", imp.trace, imp.trace_len, nullptr, &r), 0) << r.message;
    EXPECT_EQ(r.input_errors, 0u) << r.timeline;
    gic_replay_result_free(&r);
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
        "gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 3 IRM 0 target affinity 0x0xx targetlist 0x2\n"
        "gicv3_dist_read GICv3 distributor read: offset 0x0 data 0x12 size 3 secure 0\n"
        "gicv3_redist_write GICv3 redistributor 0x0 write: offset 0x80 data 0x1 size 16 secure 0\n"
        "gicv3_its_read GICv3 ITS read: offset 0x8 data 0x1 size 0\n"
        "gicv3_its_translation_write GICv3 ITS TRANSLATER write: offset 0x40 data 0x1 size 5 requester_id 0x8\n"
        "# console: a comment line\n";
    gic_qemu_import_opts_t o{};
    gic_qemu_import_t imp;
    ASSERT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 0);
    EXPECT_EQ(imp.counts.lines, 12u);
    EXPECT_EQ(imp.counts.unknown, 2u);
    // bad dist_write, MAPD without process_command, four accesses of size 3, 16, 0, 5
    EXPECT_EQ(imp.counts.malformed, 6u);
    EXPECT_EQ(imp.counts.mmio_writes, 1u);
    EXPECT_EQ(imp.counts.mmio_reads, 0u);
    EXPECT_EQ(imp.counts.translater, 0u);
    EXPECT_EQ(imp.counts.iar1, 1u);
    EXPECT_EQ(imp.counts.sgi, 1u);
    std::string trace(imp.trace, imp.trace_len);
    EXPECT_NE(trace.find("sysreg-write 0 ICC_SGI1R_EL1 0x3000002"), std::string::npos) << trace;
    EXPECT_EQ(trace.find(" 3  #"), std::string::npos) << trace; // no access of size 3 was written
    // the generated trace parses and replays
    gic_replay_result_t r;
    EXPECT_EQ(gic_trace_replay("imp", imp.trace, imp.trace_len, nullptr, &r), 0) << r.message;
    EXPECT_EQ(r.input_errors, 0u) << r.timeline;
    gic_replay_result_free(&r);
    gic_qemu_import_free(&imp);
    o.strict = true;
    EXPECT_EQ(gic_qemu_import(log.data(), log.size(), &o, &imp), 2);
    EXPECT_STREQ(imp.message, "log:2: unknown line (--strict)");
    gic_qemu_import_free(&imp);
    // an access of size 3 is fatal in strict mode
    const std::string bad = "gicv3_dist_read GICv3 distributor read: offset 0x0 data 0x12 size 3 secure 0\n";
    EXPECT_EQ(gic_qemu_import(bad.data(), bad.size(), &o, &imp), 2);
    EXPECT_STREQ(imp.message, "log:1: malformed line (--strict)");
    gic_qemu_import_free(&imp);
    // values QEMU never prints are malformed, so the trace always parses
    const std::string odd =
        "gicv3_redist_set_irq GICv3 redistributor 0x0 interrupt 5000 level changed to 1\n"
        "gicv3_dist_set_irq GICv3 distributor interrupt 5 level changed to 1\n"
        "gicv3_its_translation_write GICv3 ITS TRANSLATER write: offset 0x40 data 0x1ffffffff size 4 requester_id 0x8\n"
        "gicv3_icc_generate_sgi GICv3 CPU i/f 0x0 generating SGI 99 IRM 0 target affinity 0x0xx targetlist 0x2\n";
    ASSERT_EQ(gic_qemu_import(odd.data(), odd.size(), nullptr, &imp), 0);
    EXPECT_EQ(imp.counts.malformed, 4u);
    gic_trace_t t;
    EXPECT_EQ(gic_trace_parse("odd", imp.trace, imp.trace_len, nullptr, &t), 0) << t.message;
    gic_trace_free(&t);
    gic_qemu_import_free(&imp);
    // a file that is not there
    EXPECT_EQ(gic_qemu_import_file("/nonexistent/qemu.log.gz", nullptr, &imp), 2);
    EXPECT_NE(std::string(imp.message).find("no such file"), std::string::npos) << imp.message;
    gic_qemu_import_free(&imp);
}

// A gzip log cut short (a download or copy that stopped) is unreadable input,
// not a shorter log: zlib's "unexpected end of file" is an error naming the file.
TEST(TraceQemu, TruncatedGzipLogIsAnError)
{
    std::string log;
    for (int i = 0; i < 20000; i++)
        log += "gicv3_dist_set_irq GICv3 distributor interrupt " + std::to_string(32 + i % 64) + " level changed to " +
               std::to_string(i & 1) + "\n";
    char path[] = "/tmp/gictlm-qemu-gz-XXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    close(fd);
    gzFile gz = gzopen(path, "wb");
    ASSERT_NE(gz, nullptr);
    ASSERT_EQ(gzwrite(gz, log.data(), (unsigned)log.size()), (int)log.size());
    ASSERT_EQ(gzclose(gz), Z_OK);
    std::string whole;
    {
        FILE *f = fopen(path, "rb");
        ASSERT_NE(f, nullptr);
        char buf[4096];
        size_t k;
        while ((k = fread(buf, 1, sizeof buf, f)) > 0) whole.append(buf, k);
        fclose(f);
    }
    ASSERT_GT(whole.size(), 200u);
    gic_qemu_import_t imp;
    // the whole file imports every line
    ASSERT_EQ(gic_qemu_import_file(path, nullptr, &imp), 0) << imp.message;
    EXPECT_EQ(imp.counts.lines, 20000u);
    gic_qemu_import_free(&imp);
    // cut in the middle of the deflate stream, just after the 10-byte gzip header,
    // and just before the 8-byte trailer (CRC and length)
    for (size_t keep : {whole.size() / 2, (size_t)10, whole.size() - 4}) {
        FILE *f = fopen(path, "wb");
        ASSERT_NE(f, nullptr);
        ASSERT_EQ(fwrite(whole.data(), 1, keep, f), keep);
        fclose(f);
        EXPECT_EQ(gic_qemu_import_file(path, nullptr, &imp), 2) << "kept " << keep << " bytes";
        EXPECT_NE(std::string(imp.message).find("truncated gzip stream"), std::string::npos) << imp.message;
        EXPECT_NE(std::string(imp.message).find(path), std::string::npos) << imp.message;
        gic_qemu_import_free(&imp);
    }
    unlink(path);
}

} // namespace
