/* Hypervisor platform report: JSON, text, comparison (hyp_report.h). */
#include "hyp_report.h"

#include "hyp_cpu.h"
#include "hyp_platform.h"
#include "platform.h"

#include <cinttypes>
#include <cstring>
#include <sstream>
#include <string>

using nlohmann::json;
using namespace sc_core;

namespace gictlm {

static uint64_t counter(gic_t *g, const char *name) { return platform_gic_counter(g, name); }

static json lat_json(const latency_samples &s)
{
    auto m = s.summarize();
    return json{{"count", m.count}, {"min_ps", m.min}, {"p50_ps", m.p50}, {"p90_ps", m.p90},
                {"p99_ps", m.p99}, {"max_ps", m.max}, {"mean_ps", m.mean}};
}

static json gic_hist_json(gic_t *g, const char *name)
{
    gic_hist_summary_t h{};
    if (!gic_stat_hist(g, name, &h)) return json{{"count", 0}};
    return json{{"count", h.count}, {"min_ps", h.min}, {"p50_ps", h.p50}, {"p90_ps", h.p90},
                {"p99_ps", h.p99}, {"max_ps", h.max}, {"mean_ps", h.count ? (double)h.sum / (double)h.count : 0.0}};
}


hyp_platform::ipi_balance hyp_platform::ipi_counts() const
{
    ipi_balance b{ipis.sent, ipis.delivered, ipis.coalesced, 0, ipis.in_flight()};
    if (ipis.by_count) {
        /* GITS_SGIR writes: delivered (pending at the vPE or recorded),
         * coalesced, dropped, by the GIC; each delivered one is acknowledged once */
        gic_t *g = const_cast<hyp_platform *>(this)->gic_->core();
        b.delivered = b.coalesced = b.dropped = 0;
        for (uint32_t i = 0; i < gcfg_.num_its; i++) {
            const std::string p = "its" + std::to_string(i) + ".sgir.";
            b.delivered += counter(g, (p + "delivered").c_str());
            b.coalesced += counter(g, (p + "coalesced").c_str());
            b.dropped += counter(g, (p + "dropped").c_str());
        }
        b.in_flight = b.delivered > ipis.acks ? b.delivered - ipis.acks : 0;
    }
    return b;
}

const char *hyp_boot_label(const std::string &state)
{
    return state == "failed" ? "FAILED" : state == "late_start" ? "DONE TOO LATE" : "NOT DONE";
}

const char *hyp_platform::boot_outcome(std::string &why) const
{
    char buf[768];
    const char *state = "not_done";
    const double sim_us = sc_core::sc_time_stamp().to_seconds() * 1e6;
    if (!boot.finished) {
        std::snprintf(buf, sizeof buf,
                      "the host's Linux-like boot (%u CPUs, gic.lpi.id_bits=%u) did not finish within the %.3f us "
                      "simulated, so the hypervisor never set up its VMs and this run measured nothing: raise "
                      "platform.sim_time_us",
                      gcfg_.num_cpus, gcfg_.lpi_id_bits, sim_us);
    } else if (boot.errors) {
        state = "failed";
        std::snprintf(buf, sizeof buf,
                      "the host's boot or the hypervisor's set-up made %" PRIu64 " errors (the warnings above say which): the GIC is not set up "
                      "as the hypervisor model expects, so this run is not valid",
                      boot.errors);
    } else if (!ready_done) {
        std::snprintf(buf, sizeof buf,
                      "the hypervisor's set-up (vPEs and device mappings, or the vITS) did not finish within the %.3f "
                      "us simulated (the host's boot was done at %.3f us), so this run measured nothing: raise "
                      "platform.sim_time_us",
                      sim_us, boot.done_time.to_seconds() * 1e6);
    } else if ((double)start_ps >= pp_.sim_time_us * 1e6) {
        state = "late_start";
        std::snprintf(buf, sizeof buf,
                      "the host's boot and the hypervisor's set-up were done at %.3f us, so the devices started "
                      "only after the end of the MSI window (platform.sim_time_us = %.3f us): no MSI was sent; "
                      "raise platform.sim_time_us above %.3f us",
                      start_ps / 1e6, pp_.sim_time_us, start_ps / 1e6);
    } else {
        why.clear();
        return "done";
    }
    why = buf;
    return state;
}

bool hyp_platform::conservation_ok(std::string &why) const
{
    std::ostringstream os;
    bool ok = true;
    const hyp_tracker &t = tracker;
    if (t.in_flight() != 0) {
        const hyp_tracker::stages st = t.in_flight_stages();
        os << t.sent << " sent but " << t.delivered << " delivered + " << t.coalesced << " coalesced + "
           << t.dropped << " dropped (" << t.in_flight() << " not delivered: " << st.gic << " before the GIC's outcome, "
           << st.host << " waiting for the host, " << st.queued << " on an ap_list, " << st.guest
           << " in a list register or the VPT); ";
        ok = false;
    }
    if (t.duplicates) {
        os << t.duplicates << " guest acknowledges served no MSI (duplicates); ";
        ok = false;
    }
    if (t.unmatched) {
        os << t.unmatched << " GIC MSI outcomes without a send; ";
        ok = false;
    }
    const ipi_balance ib = ipi_counts();
    const bool ipi_closed = !ipis.by_count || (ib.sent == ib.delivered + ib.coalesced + ib.dropped &&
                                               ipis.acks == ib.delivered);
    if (ib.in_flight || ipis.duplicates || !ipi_closed) {
        const hyp_tracker::stages st = ipis.in_flight_stages();
        os << "guest IPIs: " << ib.sent << " sent, " << ib.in_flight << " not delivered (" << st.queued
           << " on an ap_list, " << st.guest << " pending for the guest), " << ipis.duplicates << " duplicates"
           << (ipi_closed ? "" : ", the GIC's vSGI counts do not balance with the sends and acknowledges") << "; ";
        ok = false;
    }
    why = os.str();
    return ok;
}

json hyp_platform::report_json(double host_cpu_seconds) const
{
    gic_t *g = const_cast<hyp_platform *>(this)->gic_->core();
    const hyp_tracker &t = tracker;
    json j;
    j["schema"] = "gictlm-hyp-report";
    j["version"] = kHypReportVersion;
    j["mode"] = mode_->name;
    j["mode_what"] = mode_->what;
    j["config"] = {{"gic", gic_config_json(gcfg_)}, {"platform", platform_params_json(pp_)},
                   {"hyp", hyp_params_json(hp_)}};
    std::string why;
    const bool cons = conservation_ok(why);
    json reasons = json::object();
    for (const auto &r : t.drop_reasons) reasons[r.first] = r.second;
    j["msi"] = {{"sent", t.sent},          {"delivered", t.delivered}, {"coalesced", t.coalesced},
                {"dropped", t.dropped},    {"dropped_reasons", reasons}, {"in_flight", t.in_flight()},
                {"duplicates", t.duplicates}, {"unmatched", t.unmatched}, {"conservation_ok", cons},
                {"conservation_detail", why}};
    j["latency"] = {{"msi_to_iar", lat_json(t.all)},
                    {"msi_to_iar_resident", lat_json(t.resident)},
                    {"msi_to_iar_non_resident", lat_json(t.non_resident)}};
    const ipi_balance ib = ipi_counts();
    j["ipi"] = {{"sent", ib.sent},
                {"delivered", ib.delivered},
                {"coalesced", ib.coalesced},
                {"dropped", ib.dropped},
                {"in_flight", ib.in_flight},
                {"duplicates", ipis.duplicates},
                {"acks", ipis.acks},
                {"acks_unmatched_by_order", ipis.acks_unmatched},
                {"counted_by_gic", ipis.by_count},
                {"traps_seen", cnt.traps_seen},
                {"latency", {{"send_to_iar", lat_json(ipis.all)},
                             {"send_to_iar_resident", lat_json(ipis.resident)},
                             {"send_to_iar_non_resident", lat_json(ipis.non_resident)}}}};
    uint64_t work = 0;
    json cats = json::object();
    /* ns per MSI: 0 when none was sent (the text report says so) */
    auto per_msi_ns = [&](uint64_t ps) { return t.sent ? (double)ps / 1e3 / (double)t.sent : 0.0; };
    for (int k = 0; k < HC_COUNT; k++) {
        if (hyp_cost_is_interrupt_work(k)) work += cost_ps[k];
        cats[hyp_cost_name(k)] = {{"ps", cost_ps[k]}, {"per_msi_ns", per_msi_ns(cost_ps[k])},
                                  {"interrupt_work", hyp_cost_is_interrupt_work(k)}};
    }
    uint64_t guest = 0;
    for (const auto &c : cpus_) guest += c->guest_busy_ps;
    j["host_cpu"] = {{"interrupt_work_ps", work},
                     {"interrupt_work_per_msi_ns", per_msi_ns(work)},
                     {"by_category", cats},
                     {"guest_handler_ps", guest}};
    j["world_switches"] = {{"loads", cnt.loads},          {"puts", cnt.puts},
                           {"entries", cnt.entries},      {"exits_irq", cnt.exits_irq},
                           {"exits_wfi", cnt.exits_wfi},  {"exits_slice", cnt.exits_slice},
                           {"exits_trap", cnt.exits_trap},
                           {"load_latency", lat_json(load_latency)}, {"put_latency", lat_json(put_latency)},
                           {"blocks", cnt.blocks}, {"wfi_no_block", cnt.wfi_no_block}, {"entry_aborts", cnt.entry_aborts},        {"pending_last", cnt.pending_last},
                           {"migrations", sched.migrations},
                           {"wfi_trapped", cnt.exits_wfi}, {"wfi_native", cnt.wfi_native},
                           {"loads_twi_clear", cnt.loads_twi_clear}};
    j["host_irqs"] = {{"handled", cnt.host_irqs},   {"spurious", cnt.host_spurious}, {"sgis", cnt.sgis},
                      {"maintenance", cnt.maint_irqs}, {"kicks", cnt.kicks}, {"wakes", cnt.wakes},
                      {"unknown", cnt.unknown_lpis}};
    j["halt_poll"] = {{"polls", cnt.halt_polls},
                      {"successful", cnt.halt_poll_successes},
                      {"polled_ps", cnt.halt_poll_success_ps + cnt.halt_poll_fail_ps},
                      {"success_ps", cnt.halt_poll_success_ps},
                      {"fail_ps", cnt.halt_poll_fail_ps}};
    j["doorbells"] = {{"handled", cnt.doorbells},
                      {"while_runnable", cnt.doorbells_runnable},
                      {"while_polling", cnt.doorbells_polling},
                      {"gic_rung", counter(g, "vpe.doorbells") + counter(g, "vpe41.default_doorbells")},
                      {"masked", cnt.db_masks},
                      {"unmasked", cnt.db_unmasks}};
    j["vmovp"] = {{"count", cnt.vmovp}, {"vsync", cnt.vsync}, {"latency", lat_json(vmovp_latency)},
                  {"its_cmd_errors", cnt.its_cmd_errors}};
    j["residency"] = {{"scheduled", counter(g, "vpe.residency.scheduled")},
                      {"descheduled", counter(g, "vpe.residency.descheduled")},
                      {"scan_reads", counter(g, "vpe.residency.scan_reads")},
                      {"load_latency", gic_hist_json(g, "vpe.residency.load_latency")},
                      {"writeback_latency", gic_hist_json(g, "vpe.residency.writeback_latency")},
                      {"vlpi_direct", counter(g, "vpe.vlpi.direct")},
                      {"vlpi_recorded", counter(g, "vpe.vlpi.recorded")}};
    json caches = json::array();
    uint64_t vh = 0, vm = 0, ve = 0;
    for (const auto &v : vits) {
        vh += v->hits;
        vm += v->misses;
        ve += v->evictions;
    }
    if (vh + vm)
        caches.push_back({{"name", "vits.translation_cache"}, {"hits", vh}, {"misses", vm}, {"evictions", ve},
                          {"hit_rate", (double)vh / (double)(vh + vm)}});
    for (const platform_hit_count &r : platform_gic_hit_counts(g))
        caches.push_back({{"name", r.name}, {"hits", r.hits}, {"misses", r.misses},
                          {"hit_rate", (double)r.hits / (double)(r.hits + r.misses)}});
    j["caches"] = caches;
    uint64_t assertions = 0;
    for (const auto &l : level_lines_) assertions += l->assertions;
    j["level"] = {{"lines", levels.size()},           {"assertions", assertions},
                  {"injections", cnt.level_injections}, {"resamples", cnt.level_resamples},
                  {"guest_acks", cnt.level_acks}};
    json vj = json::array();
    for (const hyp_vcpu &v : vcpus) {
        const auto &s = t.vcpus[v.id];
        vj.push_back({{"vcpu", v.id},           {"vm", v.vm},
                      {"loads", v.loads},       {"migrations", v.migrations},
                      {"guest_acks", v.guest_acks}, {"msis_targeted", s.targeted},
                      {"msis_served", s.served}, {"first_send_ps", s.first_send_ps},
                      {"first_ack_ps", s.first_ack_ps}, {"last_ack_ps", s.last_ack_ps}});
    }
    j["vcpus"] = vj;
    j["guest"] = {{"acks", cnt.guest_acks}, {"spurious", cnt.guest_spurious}, {"lr_writes", cnt.lr_writes},
                  {"lr_overflow", cnt.lr_overflow}, {"merged", cnt.merged}};
    j["errors"] = {{"gic_total", counter(g, "errors.total")}, {"mmio", cnt.mmio_errors},
                   {"sysreg", cnt.sysreg_errors}, {"boot", boot.errors}, {"late_inputs", counter(g, "errors.late_input")}};
    std::string boot_why;
    const std::string state = boot_outcome(boot_why);
    const bool booted = state == "done";
    j["boot"] = {{"ok", booted},
                 {"state", state},
                 {"host_done_ps", boot.finished ? to_ps(boot.done_time) : 0},
                 {"hypervisor_done_ps", ready_ps},
                 {"devices_start_ps", start_ps},
                 {"its_commands", boot.commands}};
    if (!booted) j["boot"]["failure"] = boot_why; /* only when not ok */
    if (!access_log.empty()) j["access_log"] = access_log;
    j["wrapper"] = platform_wrapper_json(gic_->stats(), g);
    j["simulated_ps"] = to_ps(sc_time_stamp());
    j["host"] = {{"cpu_seconds", host_cpu_seconds},
                 {"virtual_msis_per_host_second", host_cpu_seconds > 0 ? (double)t.sent / host_cpu_seconds : 0.0}};
    return j;
}

/* ---- text ------------------------------------------------------------------------------ */

static double ns_of(const json &l, const char *k) { return l.value(k, 0.0) / 1e3; }

static void lat_row(std::FILE *f, const char *what, const json &l)
{
    std::fprintf(f, "  %-34s %9" PRIu64 " %10.1f %10.1f %10.1f %10.1f %10.1f\n", what,
                 l.value("count", (uint64_t)0), ns_of(l, "p50_ps"), ns_of(l, "p90_ps"), ns_of(l, "p99_ps"),
                 ns_of(l, "max_ps"), ns_of(l, "mean_ps"));
}

/* The run's boot was done in time (boot.ok; a report without it: yes). */
static bool boot_valid(const json &r)
{
    return !r.contains("boot") || r["boot"].value("ok", true);
}

/* What went wrong with a boot that is not valid, for the report's text. */
static const char *boot_label(const json &r) { return hyp_boot_label(r["boot"].value("state", "")); }

void hyp_report_text(std::FILE *f, const json &r)
{
    const json &c = r["config"];
    std::fprintf(f, "gictlm-platform --hyp: mode %s (%s)\n", r.value("mode", "").c_str(),
                 r.value("mode_what", "").c_str());
    std::fprintf(f, "  %s VMs x %s vCPUs on %s CPUs, %s devices x %s vectors, sched %s, simulated %.3f us\n",
                 c["hyp"]["vms"].dump().c_str(), c["hyp"]["vcpus"].dump().c_str(), c["gic"]["num_cpus"].dump().c_str(),
                 c["platform"]["devices"].dump().c_str(), c["platform"]["vectors"].dump().c_str(),
                 c["hyp"].value("sched", "").c_str(), r.value("simulated_ps", (uint64_t)0) / 1e6);
    if (!boot_valid(r))
        std::fprintf(f, "BOOT %s: %s\n", boot_label(r),
                     r["boot"].value("failure", "").c_str());
    const json &m = r["msi"];
    std::fprintf(f, "\nVirtual MSIs\n  sent %" PRIu64 "  delivered %" PRIu64 "  coalesced %" PRIu64 "  dropped %" PRIu64
                    "  in flight %" PRIu64 "  duplicates %" PRIu64 "\n",
                 m.value("sent", (uint64_t)0), m.value("delivered", (uint64_t)0), m.value("coalesced", (uint64_t)0),
                 m.value("dropped", (uint64_t)0), m.value("in_flight", (uint64_t)0), m.value("duplicates", (uint64_t)0));
    for (auto it = m["dropped_reasons"].begin(); it != m["dropped_reasons"].end(); ++it)
        std::fprintf(f, "    dropped: %-30s %s\n", it.key().c_str(), it.value().dump().c_str());
    std::fprintf(f, "  conservation: %s%s%s\n", m.value("conservation_ok", false) ? "OK" : "VIOLATED: ",
                 m.value("conservation_detail", "").c_str(),
                 boot_valid(r) ? "" : " (MSI accounting only: this run is not valid, see BOOT above)");
    std::fprintf(f, "\nLatency (ns)                             count        p50        p90        p99        max       mean\n");
    lat_row(f, "MSI -> guest ICV_IAR1 (all)", r["latency"]["msi_to_iar"]);
    lat_row(f, "  vCPU resident", r["latency"]["msi_to_iar_resident"]);
    lat_row(f, "  vCPU not resident", r["latency"]["msi_to_iar_non_resident"]);
    const json &ip = r["ipi"];
    std::fprintf(f, "\nGuest IPIs (SGI 1): sent %s  delivered %s  coalesced %s  in flight %s\n", ip["sent"].dump().c_str(),
                 ip["delivered"].dump().c_str(), ip["coalesced"].dump().c_str(), ip["in_flight"].dump().c_str());
    lat_row(f, "IPI -> guest ICV_IAR1 (all)", ip["latency"]["send_to_iar"]);
    lat_row(f, "  target resident", ip["latency"]["send_to_iar_resident"]);
    lat_row(f, "  target not resident", ip["latency"]["send_to_iar_non_resident"]);
    const json &h = r["host_cpu"];
    std::fprintf(f, "\nHost CPU time on interrupt work: %.1f ns per MSI%s\n", h.value("interrupt_work_per_msi_ns", 0.0),
                 m.value("sent", (uint64_t)0) ? "" : " (no MSI was sent: the per-MSI figures are 0)");
    for (auto it = h["by_category"].begin(); it != h["by_category"].end(); ++it) {
        if (it.value().value("ps", (uint64_t)0) == 0) continue;
        std::fprintf(f, "  %-16s %10.1f ns/MSI  %12.3f us total%s\n", it.key().c_str(),
                     it.value().value("per_msi_ns", 0.0), it.value().value("ps", (uint64_t)0) / 1e6,
                     it.value().value("interrupt_work", false) ? ""
                     : it.key() == "halt_poll"                  ? "   (halt polling, not interrupt work)"
                                                                : "   (scheduling, not interrupt work)");
    }
    const json &w = r["world_switches"];
    std::fprintf(f, "\nWorld switches: %s loads, %s puts, %s entries; exits: %s irq, %s wfi, %s slice; %s blocks, "
                    "%s migrations\n",
                 w["loads"].dump().c_str(), w["puts"].dump().c_str(), w["entries"].dump().c_str(),
                 w["exits_irq"].dump().c_str(), w["exits_wfi"].dump().c_str(), w["exits_slice"].dump().c_str(),
                 w["blocks"].dump().c_str(), w["migrations"].dump().c_str());
    std::fprintf(f, "Guest WFIs: %s trapped, %s native (HCR_EL2.TWI clear at %s loads, hyp.wfi_trap=%s)\n",
                 w["wfi_trapped"].dump().c_str(), w["wfi_native"].dump().c_str(),
                 w["loads_twi_clear"].dump().c_str(), c["hyp"].value("wfi_trap", "?").c_str());
    lat_row(f, "vCPU load (incl. GICR_VPENDBASER)", w["load_latency"]);
    lat_row(f, "vCPU put", w["put_latency"]);
    if (r.contains("halt_poll")) {
        const json &hp = r["halt_poll"];
        std::fprintf(f, "Halt polling (window up to %s ns): %s polls, %s successful (no schedule), %.3f us polled\n",
                     c["hyp"].value("halt_poll_ns", json(0)).dump().c_str(), hp["polls"].dump().c_str(),
                     hp["successful"].dump().c_str(), hp.value("polled_ps", (uint64_t)0) / 1e6);
    }
    const json &hi = r["host_irqs"];
    std::fprintf(f, "Host interrupts: %s handled (%s SGIs, %s maintenance), %s kicks, %s wakes\n",
                 hi["handled"].dump().c_str(), hi["sgis"].dump().c_str(), hi["maintenance"].dump().c_str(),
                 hi["kicks"].dump().c_str(), hi["wakes"].dump().c_str());
    std::fprintf(f, "Doorbells: %s handled (%s while the vCPU was runnable), %s rung by the GIC\n",
                 r["doorbells"]["handled"].dump().c_str(), r["doorbells"]["while_runnable"].dump().c_str(),
                 r["doorbells"]["gic_rung"].dump().c_str());
    if (r["doorbells"].value("while_polling", (uint64_t)0))
        std::fprintf(f, "  %s of them while the vCPU polled in its halt\n", r["doorbells"]["while_polling"].dump().c_str());
    std::fprintf(f, "VMOVP: %s (VSYNC %s)\n", r["vmovp"]["count"].dump().c_str(), r["vmovp"]["vsync"].dump().c_str());
    lat_row(f, "VMOVP + VSYNC (issued -> done)", r["vmovp"]["latency"]);
    const json &rs = r["residency"];
    std::fprintf(f, "Residency: %s scheduled, %s descheduled, %s VPT scan reads; vLPIs %s direct, %s into the VPT\n",
                 rs["scheduled"].dump().c_str(), rs["descheduled"].dump().c_str(), rs["scan_reads"].dump().c_str(),
                 rs["vlpi_direct"].dump().c_str(), rs["vlpi_recorded"].dump().c_str());
    lat_row(f, "VPENDBASER load scan (GIC)", rs["load_latency"]);
    lat_row(f, "VPENDBASER write-back (GIC)", rs["writeback_latency"]);
    std::fprintf(f, "\nCaches                                      hits     misses   hit rate\n");
    for (const json &cj : r["caches"])
        std::fprintf(f, "  %-36s %10s %10s %9.1f%%\n", cj.value("name", "").c_str(), cj["hits"].dump().c_str(),
                     cj["misses"].dump().c_str(), 100.0 * cj.value("hit_rate", 0.0));
    const json &lv = r["level"];
    if (lv.value("lines", (uint64_t)0))
        std::fprintf(f, "\nLevel lines: %s assertions, %s injections, %s resamples, %s guest acks\n",
                     lv["assertions"].dump().c_str(), lv["injections"].dump().c_str(), lv["resamples"].dump().c_str(),
                     lv["guest_acks"].dump().c_str());
    if (r.contains("host"))
        std::fprintf(f, "\nSimulation speed: %.3f host CPU s, %.0f virtual MSIs per host second\n",
                     r["host"].value("cpu_seconds", 0.0), r["host"].value("virtual_msis_per_host_second", 0.0));
}

/* ---- comparison ---------------------------------------------------------------------------- */

namespace {
struct row {
    const char *label;
    std::vector<const char *> path;
    double scale; /* value * scale */
    const char *fmt;
};
const json *at(const json &j, const std::vector<const char *> &path)
{
    const json *p = &j;
    for (const char *k : path) {
        if (!p->is_object() || !p->contains(k)) return nullptr;
        p = &(*p)[k];
    }
    return p;
}
const std::vector<row> &rows()
{
    static const std::vector<row> r = {
        {"MSIs sent", {"msi", "sent"}, 1, "%.0f"},
        {"delivered", {"msi", "delivered"}, 1, "%.0f"},
        {"coalesced", {"msi", "coalesced"}, 1, "%.0f"},
        {"dropped", {"msi", "dropped"}, 1, "%.0f"},
        {"in flight at the end", {"msi", "in_flight"}, 1, "%.0f"},
        {"MSI->ICV_IAR1 p50 ns", {"latency", "msi_to_iar", "p50_ps"}, 1e-3, "%.1f"},
        {"MSI->ICV_IAR1 p99 ns", {"latency", "msi_to_iar", "p99_ps"}, 1e-3, "%.1f"},
        {"  resident p50 ns", {"latency", "msi_to_iar_resident", "p50_ps"}, 1e-3, "%.1f"},
        {"  resident p99 ns", {"latency", "msi_to_iar_resident", "p99_ps"}, 1e-3, "%.1f"},
        {"  resident count", {"latency", "msi_to_iar_resident", "count"}, 1, "%.0f"},
        {"  non-resident p50 ns", {"latency", "msi_to_iar_non_resident", "p50_ps"}, 1e-3, "%.1f"},
        {"  non-resident p99 ns", {"latency", "msi_to_iar_non_resident", "p99_ps"}, 1e-3, "%.1f"},
        {"  non-resident count", {"latency", "msi_to_iar_non_resident", "count"}, 1, "%.0f"},
        {"host interrupt work ns/MSI", {"host_cpu", "interrupt_work_per_msi_ns"}, 1, "%.1f"},
        {"  exits for IRQs ns/MSI", {"host_cpu", "by_category", "exit_irq", "per_msi_ns"}, 1, "%.1f"},
        {"  host IRQ ns/MSI", {"host_cpu", "by_category", "host_irq", "per_msi_ns"}, 1, "%.1f"},
        {"  vITS ns/MSI", {"host_cpu", "by_category", "vits", "per_msi_ns"}, 1, "%.1f"},
        {"  doorbell ns/MSI", {"host_cpu", "by_category", "doorbell", "per_msi_ns"}, 1, "%.1f"},
        {"  VMOVP ns/MSI", {"host_cpu", "by_category", "vmovp", "per_msi_ns"}, 1, "%.1f"},
        {"  guest IPI ns/MSI", {"host_cpu", "by_category", "guest_ipi", "per_msi_ns"}, 1, "%.1f"},
        {"guest IPIs sent", {"ipi", "sent"}, 1, "%.0f"},
        {"IPI->ICV_IAR1 p50 ns", {"ipi", "latency", "send_to_iar", "p50_ps"}, 1e-3, "%.1f"},
        {"IPI->ICV_IAR1 p99 ns", {"ipi", "latency", "send_to_iar", "p99_ps"}, 1e-3, "%.1f"},
        {"  IPI resident p50 ns", {"ipi", "latency", "send_to_iar_resident", "p50_ps"}, 1e-3, "%.1f"},
        {"guest exits (IRQ)", {"world_switches", "exits_irq"}, 1, "%.0f"},
        {"WFIs trapped", {"world_switches", "wfi_trapped"}, 1, "%.0f"},
        {"WFIs native", {"world_switches", "wfi_native"}, 1, "%.0f"},
        {"vCPU loads", {"world_switches", "loads"}, 1, "%.0f"},
        {"vCPU load p50 ns", {"world_switches", "load_latency", "p50_ps"}, 1e-3, "%.1f"},
        {"halt polls", {"halt_poll", "polls"}, 1, "%.0f"},
        {"  successful", {"halt_poll", "successful"}, 1, "%.0f"},
        {"  halt poll ns/MSI", {"host_cpu", "by_category", "halt_poll", "per_msi_ns"}, 1, "%.1f"},
        {"migrations", {"world_switches", "migrations"}, 1, "%.0f"},
        {"kicks (IPIs)", {"host_irqs", "kicks"}, 1, "%.0f"},
        {"doorbells", {"doorbells", "handled"}, 1, "%.0f"},
        {"  while runnable", {"doorbells", "while_runnable"}, 1, "%.0f"},
        {"VMOVP", {"vmovp", "count"}, 1, "%.0f"},
        {"VSYNC", {"vmovp", "vsync"}, 1, "%.0f"},
        {"VMOVP+VSYNC p50 ns", {"vmovp", "latency", "p50_ps"}, 1e-3, "%.1f"},
        {"VPT scan reads", {"residency", "scan_reads"}, 1, "%.0f"},
        {"VPENDBASER load p50 ns", {"residency", "load_latency", "p50_ps"}, 1e-3, "%.1f"},
        {"host CPU s (simulator)", {"host", "cpu_seconds"}, 1, "%.3f"},
    };
    return r;
}
} // namespace

void hyp_compare_text(std::FILE *f, const std::vector<json> &runs)
{
    std::fprintf(f, "\nComparison (same workload, same seed)\n  %-30s", "");
    for (const json &r : runs) std::fprintf(f, " %14s", r.value("mode", "?").c_str());
    std::fprintf(f, "\n");
    for (const row &rw : rows()) {
        std::fprintf(f, "  %-30s", rw.label);
        for (const json &r : runs) {
            const json *v = at(r, rw.path);
            char b[64] = "-";
            if (v && v->is_number()) std::snprintf(b, sizeof b, rw.fmt, v->get<double>() * rw.scale);
            std::fprintf(f, " %14s", b);
        }
        std::fprintf(f, "\n");
    }
    std::fprintf(f, "  %-30s", "conservation");
    for (const json &r : runs) std::fprintf(f, " %14s", r["msi"].value("conservation_ok", false) ? "OK" : "VIOLATED");
    std::fprintf(f, "\n  %-30s", "boot");
    for (const json &r : runs)
        std::fprintf(f, " %14s", boot_valid(r) ? "done" : boot_label(r));
    std::fprintf(f, "\n  %-30s", "cache hit rates");
    std::fprintf(f, "\n");
    std::vector<std::string> names;
    for (const json &r : runs)
        for (const json &c : r["caches"]) {
            std::string n = c.value("name", "");
            bool seen = false;
            for (const auto &x : names) seen = seen || x == n;
            if (!seen) names.push_back(n);
        }
    for (const std::string &n : names) {
        std::fprintf(f, "    %-28s", n.c_str());
        for (const json &r : runs) {
            char b[32] = "-";
            for (const json &c : r["caches"])
                if (c.value("name", "") == n) std::snprintf(b, sizeof b, "%.1f%%", 100 * c.value("hit_rate", 0.0));
            std::fprintf(f, " %14s", b);
        }
        std::fprintf(f, "\n");
    }
    /* every mode's devices start at hyp.start_us unless a set-up ends later */
    /* (over the modes whose set-up was done: the others started nothing, BOOT below) */
    std::string starts;
    bool same_start = true;
    uint64_t s0 = 0;
    for (const json &r : runs) {
        if (!r.contains("boot") || !r["boot"].value("hypervisor_done_ps", (uint64_t)0)) continue;
        const uint64_t si = r["boot"].value("devices_start_ps", (uint64_t)0);
        if (starts.empty()) s0 = si;
        same_start = same_start && si == s0;
        char b[64];
        std::snprintf(b, sizeof b, "%s%s %.3f us", starts.empty() ? "" : ", ", r.value("mode", "?").c_str(), si / 1e6);
        starts += b;
    }
    if (!same_start)
        std::fprintf(f, "NOTE: the devices started at different times (%s): a mode's set-up ended after "
                        "hyp.start_us, so the modes did not see the same MSIs; raise hyp.start_us above the latest\n",
                     starts.c_str());
    for (const json &r : runs)
        if (!boot_valid(r))
            std::fprintf(f, "BOOT %s (%s): %s\n", boot_label(r),
                         r.value("mode", "?").c_str(), r["boot"].value("failure", "").c_str());
}

json hyp_compare_json(const std::vector<json> &runs)
{
    json j;
    j["schema"] = "gictlm-hyp-compare";
    j["version"] = kHypReportVersion;
    json modes = json::array();
    json by = json::object();
    for (const json &r : runs) {
        modes.push_back(r.value("mode", "?"));
        by[r.value("mode", "?")] = r;
    }
    j["modes"] = modes;
    j["runs"] = by;
    json side = json::object();
    for (const row &rw : rows()) {
        json line = json::object();
        for (const json &r : runs) {
            const json *v = at(r, rw.path);
            line[r.value("mode", "?")] = v ? *v : json();
        }
        side[rw.label] = line;
    }
    j["side_by_side"] = side;
    return j;
}

} // namespace gictlm
