/* Virtual platform: construction, parameters, report. */
#include "platform.h"

#include "gictlm_trace.h"

#include <tlm_utils/tlm_quantumkeeper.h>

#include <cinttypes>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <sstream>
#include <stdexcept>

using namespace sc_core;
using nlohmann::json;

namespace gictlm {

/* ---- construction ---------------------------------------------------------------------------- */

static sc_time ns(double v) { return sc_time(v, SC_NS); }

gic_config_t platform_gic_config(const gic_config_t &gcfg, const platform_params &pp)
{
    gic_config_t gc = gcfg;
    gc.mem_latency_ps = to_ps(ns(pp.mem_latency_ns));
    gc.mem_size = pp.ram_base + pp.ram_size;
    return gc;
}

bool platform_gic_config_check(const gic_config_t &gcfg, const platform_params &pp, const std::set<std::string> &set,
                               std::string &err)
{
    const gic_config_t d = platform_gic_config(gcfg, pp);
    char buf[512];
    if (set.count("gic.mem.latency_ps") && gcfg.mem_latency_ps != d.mem_latency_ps) {
        std::snprintf(buf, sizeof buf,
                      "gic.mem.latency_ps = %" PRIu64 " is set by the platform from platform.mem_latency_ns (%.17g ns "
                      "= %" PRIu64 " ps): set platform.mem_latency_ns instead (e.g. -p platform.mem_latency_ns=%.17g)",
                      gcfg.mem_latency_ps, pp.mem_latency_ns, d.mem_latency_ps, (double)gcfg.mem_latency_ps / 1000);
        err = buf;
        return false;
    }
    if (set.count("gic.mem.size") && gcfg.mem_size != d.mem_size) {
        std::snprintf(buf, sizeof buf,
                      "gic.mem.size = %" PRIu64 " is set by the platform to platform.ram_base + platform.ram_size "
                      "(0x%" PRIx64 " + %" PRIu64 " = %" PRIu64 "): set platform.ram_size (and platform.ram_base) instead",
                      gcfg.mem_size, pp.ram_base, pp.ram_size, d.mem_size);
        err = buf;
        return false;
    }
    return true;
}

void platform_make_gic(const gic_config_t &gcfg, const platform_params &pp, const gic_tlm_options &o,
                       std::unique_ptr<gic_tlm> &gic, std::unique_ptr<sparse_memory> &mem,
                       std::unique_ptr<router> &bus)
{
    gic = std::make_unique<gic_tlm>("gic", platform_gic_config(gcfg, pp), o);
    mem = std::make_unique<sparse_memory>("ram", pp.ram_size, ns(pp.mem_latency_ns), ns(pp.mem_latency_ns),
                                          pp.mem_dmi != 0);
    bus = std::make_unique<router>("bus");
    platform_map_gic(*bus, *gic);
    bus->add_target(mem->socket, pp.ram_base, pp.ram_size, "RAM");
    gic->mem_socket.bind(bus->target);
}

void platform_map_gic(router &bus, gic_tlm &gic)
{
    const gic_config_t &c = gic.config();
    bus.add_target(gic.gicd_socket, c.gicd_base, GIC_GICD_SIZE, "GICD");
    bus.add_target(gic.gicr_socket, c.gicr_base, gic_gicr_stride(&c) * c.num_cpus, "GICR");
    for (uint32_t i = 0; i < c.num_its; i++)
        bus.add_target(gic.gits_socket[i], c.gits_base + (uint64_t)i * gic_gits_stride(&c), gic_gits_stride(&c),
                       "GITS" + std::to_string(i));
}

void platform_boot_map(boot_state &b, const gic_config_t &c, const platform_params &pp)
{
    b.gicd_base = c.gicd_base;
    b.gicr_base = c.gicr_base;
    b.gicr_stride = gic_gicr_stride(&c);
    b.gits_stride = gic_gits_stride(&c);
    b.gits_base = c.gits_base;
    b.ram_base = pp.ram_base;
    b.ram_size = pp.ram_size;
    b.num_cpus = c.num_cpus;
    b.num_its = c.num_its;
    b.eoi_mode = pp.eoi_mode != 0;
    b.poll_interval = ns(pp.its_poll_ns);
    b.cmd_timeout = ns(pp.its_timeout_us * 1000);
}

msi_device_params platform_device_params(const gic_config_t &c, const platform_params &pp, uint64_t d,
                                          gic_tlm *agenda, uint32_t &its)
{
    msi_device_params mp;
    mp.devid = (uint32_t)(pp.first_devid + d);
    mp.vectors = (uint32_t)pp.vectors;
    its = (uint32_t)(d % (c.num_its ? c.num_its : 1));
    mp.translater_addr = c.gits_base + (uint64_t)its * gic_gits_stride(&c) + GIC_GITS_TRANSLATER_OFFSET;
    mp.arrival = pp.arrival == "periodic" ? arrival_kind::periodic
                 : pp.arrival == "bursty" ? arrival_kind::bursty
                                          : arrival_kind::poisson;
    mp.mean_interval = ns(pp.msi_interval_ns);
    mp.burst_len = (uint32_t)pp.burst_len;
    mp.burst_gap = ns(pp.burst_gap_ns);
    mp.dist = pp.eventid_dist == "uniform" ? eventid_dist::uniform
              : pp.eventid_dist == "zipf"  ? eventid_dist::zipf
                                           : eventid_dist::round_robin;
    mp.zipf_s = pp.zipf_s;
    mp.seed = pp.seed * 1000003ull + d;
    mp.stop_time = ns(pp.sim_time_us * 1000);
    mp.reg_latency = ns(pp.device_latency_ns);
    mp.agenda = agenda;
    return mp;
}

platform::platform(sc_module_name name, const gic_config_t &gcfg, const platform_params &pp,
                   gic_log_level_t gic_log,
                   const std::map<std::string, gic_log_level_t> &component_log)
    : sc_module(name), irq("irq", gcfg.num_cpus), fiq("fiq", gcfg.num_cpus),
      virq("virq", gcfg.num_cpus), vfiq("vfiq", gcfg.num_cpus), spi("spi", gcfg.num_spis),
      ppi("ppi", gcfg.num_cpus * 16), gcfg_(gcfg), pp_(pp)
{
    tlm_utils::tlm_quantumkeeper::set_global_quantum(ns(pp.quantum_ns));
    gic_tlm_options o;
    o.mmio_latency = ns(pp.mmio_latency_ns);
    o.msi_latency = ns(pp.msi_latency_ns);
    o.sync_on_access = pp.sync_on_access != 0;
    o.run_ahead = pp.run_ahead != 0;
    /* The CPU models react to the rising edge of their IRQ line only (a falling
     * edge wakes a CPU that saw nothing to acknowledge, and it then waits for
     * the next rising edge without touching the GIC). */
    o.falling_edges_passive = true;
    /* With run-ahead the CPU models handle interrupts as steps on the GIC
     * wrapper's agenda and get the IRQ line as listeners: no process reacts
     * to the line signals ... */
    o.lines_passive = pp.run_ahead != 0;
    /* ... and nothing needs the pins unless the lines are traced
     * (trace_lines turns them on, written at their exact times): no wake-up
     * of the wrapper per line change. */
    o.drive_pins = pp.run_ahead == 0;
    /* The driver runs ahead of SystemC time only while no other process is
     * due (exact: same results whatever the bound). The bound only limits
     * how far sc_time_stamp() lags behind the GIC (and the queued line
     * writes of a traced run); every time it is reached costs a kernel
     * activation, which one quantum (1 us) made the largest part of the
     * wrapper's cost after the MSIs themselves. */
    o.run_ahead_limit = pp.run_ahead_limit_us > 0 ? sc_time(pp.run_ahead_limit_us, SC_US)
                        : pp.quantum_ns > 0        ? ns(pp.quantum_ns)
                                                   : ns(1000);
    o.log_level = gic_log;
    o.component_log_level = component_log;
    /* The built-in memory is not used (mem_socket is bound), but its parameters
     * describe the memory the GIC sees, so a recording (--record) carries the
     * platform's memory latency and size and replays with the same timing. */
    platform_make_gic(gcfg, pp, o, gic_, mem_, bus_);
    const gic_config_t &c = gic_->config();
    gcfg_ = c;
    /* Writes of the CPUs (and any other initiator) to RAM go into the GIC's
     * recording, if any: command queue entries, LPI properties, tables
     * prepared by software. The GIC's own writes are not recorded (a replay
     * makes them again). */
    const uint64_t ram_base = pp.ram_base;
    mem_->on_write = [this, ram_base](uint64_t a, const unsigned char *d, unsigned len, const sc_time &delay) {
        if (gic_->in_core()) return;
        gic_record_mem_write(gic_->core(), to_ps(sc_time_stamp() + delay), ram_base + a, d, len);
    };
    /* For the same reason the GIC may have write DMI (platform.mem_dmi): its
     * writes are the ones on_write ignores. Other initiators get read-only DMI. */
    mem_->dmi_write_allowed = [this]() { return gic_->in_core(); };

    for (uint32_t i = 0; i < c.num_cpus; i++) {
        gic_->irq[i].bind(irq[i]);
        gic_->fiq[i].bind(fiq[i]);
        gic_->virq[i].bind(virq[i]);
        gic_->vfiq[i].bind(vfiq[i]);
    }
    for (uint32_t i = 0; i < c.num_spis; i++) gic_->spi_in[i].bind(spi[i]);
    for (uint32_t i = 0; i < c.num_cpus * 16; i++) gic_->ppi_in[i].bind(ppi[i]);

    platform_boot_map(boot_, c, pp);

    uint64_t nlpi = c.lpi_id_bits ? (1ull << c.lpi_id_bits) - 8192 : 0;
    if (pp.devices * pp.vectors > nlpi && pp.devices)
        throw std::runtime_error("platform: devices x vectors exceeds the LPIs of gic.lpi.id_bits");
    if (pp.devices && c.num_its == 0) throw std::runtime_error("platform: MSI devices need an ITS");
    for (uint64_t d = 0; d < pp.devices; d++) {
        uint32_t its = 0;
        msi_device_params mp = platform_device_params(c, pp, d, pp.run_ahead ? gic_.get() : nullptr, its);
        devices.push_back(std::make_unique<msi_device>(("dev" + std::to_string(d)).c_str(), mp,
                                                       &tracker_, &boot_.done));
        devices.back()->socket.bind(bus_->target);
        bus_->add_target(devices.back()->regs, pp.dev_base + d * 0x1000, 0x1000,
                         "DEV" + std::to_string(d));
        boot_device bd;
        bd.its = its;
        bd.devid = mp.devid;
        bd.vectors = mp.vectors;
        bd.first_intid = (uint32_t)(8192 + d * pp.vectors);
        for (uint32_t e = 0; e < mp.vectors; e++)
            bd.cpu_of.push_back((uint32_t)((d * pp.vectors + e) % c.num_cpus)); /* spread like irqbalance */
        boot_.devices.push_back(bd);
    }
    for (uint32_t i = 0; i < c.num_cpus; i++) {
        cpu_params cp;
        cp.index = i;
        cp.entry_latency = ns(pp.entry_ns);
        cp.handler_time = ns(pp.handler_ns);
        cp.exit_latency = ns(pp.exit_ns);
        cp.agenda = pp.run_ahead != 0;
        cp.irq_loop = pp.irq_loop != 0;
        /* the handler of CPU i touches the device whose vectors it mostly serves */
        cp.touch_addr = (pp.touch_device && pp.devices) ? pp.dev_base + (i % pp.devices) * 0x1000 : 0;
        cpus.push_back(std::make_unique<cpu_model>(("cpu" + std::to_string(i)).c_str(), cp, gic_.get(),
                                                   &boot_, &tracker_));
        cpus.back()->socket.bind(bus_->target);
        cpus.back()->irq.bind(irq[i]);
    }
    const bool exact = pp.latency_stats == "exact";
    tracker_.msi_to_pending.exact = tracker_.msi_to_iar.exact = tracker_.msi_to_eoi.exact = exact;
    gic_->add_output_observer([this](const gic_output_t &o) { tracker_.on_output(o); }, 1u << GIC_OUT_MSI);
    /* The wrapper runs ahead of SystemC time while no other process is due;
     * this pending notification stops it at the end of the run, so the GIC
     * does no work beyond the simulated time. */
    horizon_.notify(total_time());
}

sc_time platform::total_time() const { return ns((pp_.sim_time_us + pp_.drain_time_us) * 1000); }

void platform::trace_lines(sc_trace_file *tf)
{
    gic_->set_drive_pins(true); /* traced: written at their exact times */
    for (uint32_t i = 0; i < gcfg_.num_cpus; i++) {
        std::string n = "cpu" + std::to_string(i);
        sc_trace(tf, irq[i], n + "_irq");
        sc_trace(tf, fiq[i], n + "_fiq");
        sc_trace(tf, virq[i], n + "_virq");
        sc_trace(tf, vfiq[i], n + "_vfiq");
    }
}

/* ---- report ------------------------------------------------------------------------------------ */

uint64_t platform_gic_counter(gic_t *g, const char *name, bool *found)
{
    uint64_t v = 0;
    bool ok = gic_stat_counter(g, name, &v);
    if (found) *found = ok;
    return ok ? v : 0;
}
static uint64_t counter(gic_t *g, const char *name, bool *found = nullptr) { return platform_gic_counter(g, name, found); }

nlohmann::json platform_wrapper_json(const gic_tlm_stats &w, gic_t *g)
{
    return {{"mmio_reads", w.mmio_reads},
            {"mmio_writes", w.mmio_writes},
            {"mmio_errors", w.mmio_errors},
            {"msis_posted", w.msis_posted},
            {"sysreg_accesses", w.sysreg_accesses},
            {"driver_activations", w.driver_activations},
            {"driver_run_ahead", w.driver_run_ahead},
            {"steps_continued", w.steps_continued},
            {"agenda_peak", w.agenda_peak},
            {"syncs", w.syncs},
            {"syncs_avoided", w.syncs_avoided},
            {"line_changes", w.line_changes},
            {"late_inputs", counter(g, "errors.late_input")}};
}

std::vector<platform_hit_count> platform_gic_hit_counts(gic_t *g)
{
    std::vector<platform_hit_count> rows;
    for (size_t i = 0;; i++) {
        const char *n = gic_stat_name(g, 0, i);
        if (!n) break;
        size_t len = std::strlen(n);
        if (len < 5 || std::strcmp(n + len - 5, ".hits") != 0) continue;
        std::string base(n, len - 5);
        uint64_t hits = counter(g, n), miss = counter(g, (base + ".misses").c_str());
        if (hits + miss) rows.push_back({base, hits, miss});
    }
    return rows;
}

bool platform::conservation_ok(std::string &why) const
{
    const msi_tracker &t = tracker_;
    std::ostringstream os;
    bool ok = true;
    /* a partial run: MSIs still on their way are in flight, not lost */
    if ((!partial_ && t.in_flight() != 0) || t.unmatched != 0) {
        os << t.sent << " sent but " << t.delivered << " delivered + " << t.coalesced << " coalesced + "
           << t.dropped << " dropped (" << t.in_flight() << " unaccounted, " << t.unmatched
           << " unmatched outcomes); ";
        ok = false;
    }
    gic_t *g = const_cast<platform *>(this)->gic_->core();
    bool have = false;
    uint64_t rec = counter(g, "msi.received", &have);
    if (have) {
        uint64_t del = counter(g, "msi.delivered"), coa = counter(g, "msi.coalesced"),
                 dro = counter(g, "msi.dropped");
        /* (partial: the GIC may not have received the MSIs in flight yet) */
        if ((partial_ ? rec > t.sent : rec != t.sent) || del != t.delivered || coa != t.coalesced ||
            dro != t.dropped) {
            os << "GIC counters msi.received/delivered/coalesced/dropped = " << rec << "/" << del << "/"
               << coa << "/" << dro << " disagree with the platform; ";
            ok = false;
        }
    } else {
        os << "GIC counter msi.received missing; ";
        ok = false;
    }
    why = os.str();
    return ok;
}

bool platform::boot_ok(std::string &why) const
{
    const boot_state &b = boot_;
    char buf[1024];
    if (!b.finished) {
        const double sim_us = sc_time_stamp().to_seconds() * 1e6;
        std::string stage;
        if (b.turn == 0)
            stage = "the primary CPU was still setting up the distributor, the LPI property table (" +
                    std::to_string(gcfg_.lpi_id_bits ? (1ull << gcfg_.lpi_id_bits) - 8192 : 0) +
                    " bytes) and the ITSs";
        else if (b.turn < b.num_cpus)
            stage = std::to_string(b.turn) + " of " + std::to_string(b.num_cpus) +
                    " CPUs had brought up their redistributor (pending table, MAPC, SYNC)";
        else
            stage = "every CPU was up; the devices' MSIs were being mapped (" + std::to_string(b.commands) +
                    " ITS commands so far)";
        std::snprintf(buf, sizeof buf,
                      "the Linux-like boot did not finish within the %.3f us simulated (%s); the devices send MSIs "
                      "only after it, so this run measured nothing. The boot of %u CPUs with gic.lpi.id_bits=%u and "
                      "%" PRIu64 " devices x %" PRIu64 " vectors takes more than %.3f us (the default configuration's "
                      "about 65 us; every CPU, every vector's ITS commands and a large LPI property table add to it): "
                      "raise platform.sim_time_us",
                      sim_us, stage.c_str(), gcfg_.num_cpus, gcfg_.lpi_id_bits, pp_.devices, pp_.vectors, sim_us);
        why = buf;
        return false;
    }
    if (b.errors) {
        std::snprintf(buf, sizeof buf,
                      "%" PRIu64 " errors during the boot (ITS command queue timeouts or stalls, RAM for the GIC "
                      "tables exhausted: see the warnings above); MSIs of devices the boot did not map are dropped",
                      b.errors);
        why = buf;
        return false;
    }
    why.clear();
    return true;
}

static json lat_json(const latency_samples &s)
{
    auto m = s.summarize();
    return json{{"count", m.count}, {"min_ps", m.min}, {"p50_ps", m.p50}, {"p90_ps", m.p90},
                {"p99_ps", m.p99}, {"max_ps", m.max}, {"mean_ps", m.mean},
                {"percentile_rel_error", m.rel_error}};
}

json platform::report_json(double host_seconds) const
{
    gic_t *g = const_cast<platform *>(this)->gic_->core();
    const msi_tracker &t = tracker_;
    json j;
    j["schema"] = "gictlm-platform-report";
    j["version"] = 1;
    j["config"] = {{"gic", gic_config_json(gcfg_)}, {"platform", platform_params_json(pp_)}};
    json reasons = json::object();
    for (const auto &r : t.drop_reasons) reasons[r.first] = r.second;
    std::string why;
    bool cons = conservation_ok(why);
    j["msi"] = {{"sent", t.sent},          {"delivered", t.delivered}, {"coalesced", t.coalesced},
                {"dropped", t.dropped},    {"dropped_reasons", reasons}, {"in_flight", t.in_flight()},
                {"unmatched", t.unmatched}, {"conservation_ok", cons},   {"conservation_detail", why}};
    j["latency"] = {{"msi_to_pending", lat_json(t.msi_to_pending)},
                    {"msi_to_iar", lat_json(t.msi_to_iar)},
                    {"msi_to_eoi", lat_json(t.msi_to_eoi)}};
    json cpus_j = json::array();
    for (const auto &c : cpus)
        cpus_j.push_back({{"irqs", c->irqs}, {"handled", c->handled}, {"spurious", c->spurious},
                          {"busy_ps", c->busy_ps}, {"bus_errors", c->bus_errors},
                          {"sysreg_errors", c->sysreg_errors}});
    j["cpus"] = cpus_j;
    const gic_tlm_stats &w = gic_->stats();
    j["memory"] = {{"gic_reads", w.mem_reads},          {"gic_writes", w.mem_writes},
                   {"gic_bytes", w.mem_bytes},          {"gic_latency_ps_total", w.mem_latency_ps},
                   {"gic_errors", w.mem_errors},        {"ram_reads", mem_->reads},
                   {"ram_writes", mem_->writes},        {"ram_footprint_bytes", mem_->footprint()}};
    j["wrapper"] = platform_wrapper_json(w, g);
    j["boot"] = {{"done", boot_.finished}, {"done_ps", to_ps(boot_.done_time)},
                 {"its_commands", boot_.commands}, {"errors", boot_.errors}};
    std::string boot_why;
    if (!boot_ok(boot_why)) j["boot"]["failure"] = boot_why; /* only on a failed boot */
    j["simulated_ps"] = to_ps(sc_time_stamp());
    j["gic_stats"] = gic_stats_json(g);
    /* the only host-dependent part of the report */
    j["host"] = {{"seconds", host_seconds},
                 {"msis_per_host_second", host_seconds > 0 ? (double)t.sent / host_seconds : 0.0}};
    return j;
}

static void lat_line(FILE *f, const char *what, const latency_samples &s)
{
    auto m = s.summarize();
    std::fprintf(f, "  %-26s %9" PRIu64 " %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", what, m.count,
                 m.min / 1e3, m.p50 / 1e3, m.p90 / 1e3, m.p99 / 1e3, m.max / 1e3, m.mean / 1e3);
}

void platform::report(FILE *f, double host_seconds) const
{
    gic_t *g = const_cast<platform *>(this)->gic_->core();
    const msi_tracker &t = tracker_;
    std::fprintf(f, "gictlm-platform: %u CPUs, %" PRIu64 " devices x %" PRIu64 " vectors, %u ITS, %s arrivals, "
                    "mean interval %.0f ns per device\n",
                 gcfg_.num_cpus, pp_.devices, pp_.vectors, gcfg_.num_its, pp_.arrival.c_str(),
                 pp_.msi_interval_ns);
    std::fprintf(f, "simulated %.3f us (MSIs during the first %.3f us)\n", sc_time_stamp().to_seconds() * 1e6,
                 pp_.sim_time_us);
    if (boot_.finished)
        std::fprintf(f, "boot: done at %.3f us, %" PRIu64 " ITS commands, %" PRIu64 " errors\n",
                     boot_.done_time.to_seconds() * 1e6, boot_.commands, boot_.errors);
    else
        std::fprintf(f, "boot: NOT DONE at the end of the run, %" PRIu64 " ITS commands, %" PRIu64 " errors\n",
                     boot_.commands, boot_.errors);
    std::string boot_why;
    const bool booted = boot_ok(boot_why);
    if (!booted)
        std::fprintf(f, "BOOT %s: %s\n", boot_.finished ? "FAILED" : "NOT DONE", boot_why.c_str());
    std::fprintf(f, "\nMSIs\n  sent %" PRIu64 "  delivered %" PRIu64 "  coalesced %" PRIu64 "  dropped %" PRIu64
                    "  in flight %" PRIu64 "\n",
                 t.sent, t.delivered, t.coalesced, t.dropped, t.in_flight());
    for (const auto &r : t.drop_reasons)
        std::fprintf(f, "    dropped: %-30s %" PRIu64 "\n", r.first.c_str(), r.second);
    std::string why;
    bool cons = conservation_ok(why);
    std::fprintf(f, "  conservation: %s%s%s\n", cons ? "OK" : "VIOLATED: ", why.c_str(),
                 booted ? "" : " (MSI accounting only: this run is not valid, its boot did not complete; see BOOT above)");
    std::fprintf(f, "\nLatency (ns)                    count        min        p50        p90        p99        max       mean\n");
    lat_line(f, "MSI -> LPI pending", t.msi_to_pending);
    lat_line(f, "MSI -> ICC_IAR1 (ack)", t.msi_to_iar);
    lat_line(f, "MSI -> ICC_EOIR1 (done)", t.msi_to_eoi);
    if (!t.msi_to_pending.exact)
        std::fprintf(f, "  (streaming histograms: p50/p90/p99 within %.2f%% of the exact values; "
                        "platform.latency_stats=exact keeps every sample)\n",
                     100 * latency_samples::kRelError);

    std::fprintf(f, "\nITS commands (GIC histograms, ns)  count        p50        p90        max\n");
    for (size_t i = 0;; i++) {
        const char *n = gic_stat_name(g, 1, i);
        if (!n) break;
        if (!std::strstr(n, "cmd")) continue;
        gic_hist_summary_t h;
        if (!gic_stat_hist(g, n, &h) || h.count == 0) continue;
        std::fprintf(f, "  %-32s %6" PRIu64 " %10.1f %10.1f %10.1f\n", n, h.count, h.p50 / 1e3, h.p90 / 1e3,
                     h.max / 1e3);
    }
    std::fprintf(f, "\nCaches                                 hits     misses   hit rate\n");
    for (const platform_hit_count &r : platform_gic_hit_counts(g)) {
        std::fprintf(f, "  %-32s %10" PRIu64 " %10" PRIu64 " %9.1f%%\n", r.name.c_str(), r.hits, r.misses,
                     100.0 * (double)r.hits / (double)(r.hits + r.misses));
    }
    const gic_tlm_stats &w = gic_->stats();
    std::fprintf(f, "\nMemory traffic of the GIC (through mem_socket)\n  reads %" PRIu64 "  writes %" PRIu64
                    "  bytes %" PRIu64 "  mean latency %.1f ns  errors %" PRIu64 "\n",
                 w.mem_reads, w.mem_writes, w.mem_bytes,
                 (w.mem_reads + w.mem_writes) ? w.mem_latency_ps / 1e3 / (double)(w.mem_reads + w.mem_writes) : 0.0,
                 w.mem_errors);
    std::fprintf(f, "\nCPUs         irqs    handled   spurious     busy\n");
    double simt = sc_time_stamp().to_seconds();
    for (const auto &c : cpus)
        std::fprintf(f, "  %-6s %9" PRIu64 " %10" PRIu64 " %10" PRIu64 " %7.1f%%\n", c->basename(), c->irqs,
                     c->handled, c->spurious, simt > 0 ? 100.0 * (double)c->busy_ps * 1e-12 / simt : 0.0);
    std::fprintf(f, "\nWrapper: %" PRIu64 " register accesses, %" PRIu64 " sysreg accesses, %" PRIu64
                    " MSIs posted, %" PRIu64 " late inputs, %" PRIu64 " GIC errors\n",
                 w.mmio_reads + w.mmio_writes, w.sysreg_accesses, w.msis_posted,
                 counter(g, "errors.late_input"), counter(g, "errors.total"));
    std::fprintf(f, "\nSimulation speed: %.3f host s, %.0f simulated MSIs per host second\n", host_seconds,
                 host_seconds > 0 ? (double)t.sent / host_seconds : 0.0);
}

} // namespace gictlm
