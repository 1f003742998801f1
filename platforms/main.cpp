/*
 * gictlm-platform: the virtual platform as a command-line program.
 * See docs/user-guide.md. `gictlm-platform --help` lists every option and parameter.
 */
#include "cli_args.h"
#include "hyp_cli.h"
#include "log_options.h"
#include "platform.h"
#include "report.h"
#include "timeline.h"

#include "gictlm_trace.h"
#include "trace_player.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>

#include <unistd.h>

using namespace sc_core;
using namespace gictlm;

static void usage(const gic_config_t &g, const platform_params &p)
{
    std::printf(
        "usage: gictlm-platform [options]\n"
        "Runs the GICv3 virtual platform (CPUs, MSI devices, memory, GIC with ITS) and prints\n"
        "MSI conservation, latency percentiles, ITS command latencies, cache hit rates,\n"
        "memory traffic and simulation speed.\n\n"
        "options:\n"
        "  --config FILE        JSON configuration {\"gic\": {...}, \"platform\": {...}}\n"
        "  -p NAME=VALUE        set a parameter (gic.NAME or platform.NAME); repeatable,\n"
        "                       applied after every --config (wherever it stands), in\n"
        "                       command-line order; gic.mem.latency_ps and gic.mem.size\n"
        "                       come from platform.mem_latency_ns, ram_base + ram_size\n"
        "  --dump-config        print the effective configuration (what the run uses) as\n"
        "                       JSON and exit\n"
        "  --json FILE          write the report as JSON (schema gictlm-platform-report v1)\n"
        "  --gic-stats          also print the full GIC statistics table\n"
        "  --vcd FILE           write the IRQ/FIQ/vIRQ/vFIQ lines as VCD (FILE.vcd)\n"
        "  --record FILE        record the GIC's inputs as a gictlm trace\n"
        "  --hyp                the virtualization platform (hypervisor model) instead; see\n"
        "                       gictlm-platform --hyp --help\n"
        "  --compare-modes      --hyp in every injection mode (sw, v4.0, v4.1), side by side\n"
        "  --replay TRACE       replay a gictlm trace through SystemC instead (see\n"
        "                       gictlm-platform --replay TRACE --help)\n"
        "  --verbose MOD=LEVEL  log level per module: MOD is 'gic' (all core components),\n"
        "                       a core component (its, its<N>, lpi, vpe, icc, icv, ich,\n"
        "                       gicd, gicr, gits, mem, api, core) or 'sc' (SystemC info\n"
        "                       verbosity); LEVEL is error, warn, info, debug\n"
        "  --no-host-time       omit host timing from the JSON (bit-identical reruns)\n"
        "  --timeline FILE      write a timeline view (Chrome trace-event JSON; open it in\n"
        "                       ui.perfetto.dev or chrome://tracing)\n"
        "  --timeline-window START_US:END_US\n"
        "                       only events starting in this window (default 0:2000;\n"
        "                       END_US empty = to the end)\n"
        "  --timeline-max-events N  at most N events in the timeline (default 2000000);\n"
        "                       both need --timeline\n"
        "  --report-window US   time window of the architect's report (default: 1/20 of\n"
        "                       the run, at least 10 us)\n"
        "  --csv FILE           append one line with this run's results to FILE (a header\n"
        "                       first when FILE is new)\n"
        "  --progress           progress on stderr (simulated time, MSIs per host second,\n"
        "                       ETA); on by default when stderr is a terminal\n"
        "  --no-progress        no progress output\n"
        "  -h, --help           this help\n\n"
        "gic parameters (default):\n");
    const char *doc = nullptr;
    for (size_t i = 0;; i++) {
        const char *n = gic_config_param_name(i, &doc);
        if (!n) break;
        char buf[128] = "";
        gic_config_get(&g, n, buf, sizeof buf);
        std::printf("  gic.%-32s %-12s %s\n", n, buf, doc ? doc : "");
    }
    std::printf("\nplatform parameters (default):\n");
    for (const auto &pi : platform_param_list())
        std::printf("  platform.%-27s %-12s %s\n", pi.name, platform_param_get(p, pi.name).c_str(), pi.doc);
    std::printf("\nSIGINT/SIGTERM stop the simulation at the next safe point (a slice boundary);\n"
                "the report and the JSON are still written, marked partial.\n");
    std::printf("\nexit status: 0 ok, 1 usage/configuration error, 2 MSI conservation violated,\n"
                "3 the boot did not complete (not finished within platform.sim_time_us, or boot errors;\n"
                "the report is written, marked BOOT NOT DONE / BOOT FAILED), 128+signal when\n"
                "interrupted (partial report)\n");
}

static bool set_param(gic_config_t &g, platform_params &p, const std::string &kv, std::set<std::string> &gic_names,
                      std::string &err)
{
    std::string name, value;
    int r = platform_set_kv(g, p, kv, name, value, err);
    if (r < 0) err = "parameter '" + name + "' must start with gic. or platform.";
    if (r > 0 && name.rfind("gic.", 0) == 0) gic_names.insert(name);
    return r > 0;
}

/* SystemC prints its banner on stdout before sc_main runs (when the kernel
 * is set up, in main()), so a setenv in sc_main is too late and the output
 * of, e.g., --dump-config would not be JSON. This runs before main(). */
__attribute__((constructor)) static void gictlm_no_systemc_banner()
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}

/* ---- long runs: slices, progress, SIGINT/SIGTERM --------------------------------------- */
static volatile std::sig_atomic_t g_stop_signal = 0;

extern "C" void on_stop_signal(int sig)
{
    g_stop_signal = sig;
    std::signal(sig, SIG_DFL); /* a second Ctrl-C ends the program at once */
}

static void install_stop_handlers()
{
    std::signal(SIGINT, on_stop_signal);
    std::signal(SIGTERM, on_stop_signal);
}

struct run_status {
    bool partial = false;
    int signal = 0;
    const char *signal_name = "";
    double stopped_at_us = 0;
};

/* sc_start in slices of simulated time: between two slices (a safe point:
 * no process is running) a stop request is honoured and progress is shown.
 * The slices do not change the simulation (same events at the same times). */
static run_status run_sliced(platform &top, bool progress, std::chrono::steady_clock::time_point t0)
{
    run_status rs;
    const sc_time total = top.total_time();
    const double total_s = total.to_seconds();
    /* at most 1 ms of simulated time (a few ms of host time for the default
     * job): a stop request waits for no more than that */
    sc_time slice = total / 512.0;
    if (slice > sc_time(1, SC_MS)) slice = sc_time(1, SC_MS);
    if (slice < sc_time(1, SC_US)) slice = sc_time(1, SC_US);
    double last_print = 0;
    bool printed = false;
    const bool tty = isatty(STDERR_FILENO) != 0;
    while (sc_time_stamp() < total && sc_get_status() != SC_STOPPED) {
        sc_time step = total - sc_time_stamp();
        if (step > slice) step = slice;
        sc_start(step);
        if (g_stop_signal) {
            rs.partial = true;
            rs.signal = g_stop_signal;
            rs.signal_name = g_stop_signal == SIGINT ? "SIGINT" : "SIGTERM";
            rs.stopped_at_us = sc_time_stamp().to_seconds() * 1e6;
            break;
        }
        if (progress) {
            double host = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            if (host - last_print >= 1.0 || sc_time_stamp() >= total) {
                last_print = host;
                double sim = sc_time_stamp().to_seconds();
                double frac = total_s > 0 ? sim / total_s : 1;
                double msis = (double)top.tracker().sent;
                double eta = frac > 0 ? host * (1 - frac) / frac : 0;
                std::fprintf(stderr, "%sprogress: %.3f/%.3f ms simulated (%.1f%%), %.0f MSIs, %.3g MSI/s host, ETA %.0f s%s",
                             tty ? "\r" : "", sim * 1e3, total_s * 1e3, 100 * frac, msis,
                             host > 0 ? msis / host : 0.0, eta, tty ? "   " : "\n");
                printed = true;
            }
        }
    }
    if (printed && tty) std::fputc('\n', stderr);
    std::signal(SIGINT, SIG_DFL);
    std::signal(SIGTERM, SIG_DFL);
    return rs;
}

int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    /* --replay TRACE: replay a trace through the SystemC platform instead (trace_player.h) */
    for (int i = 1; i < argc; i++)
        if (std::strcmp(argv[i], "--replay") == 0) return sc_replay_cli(argc, argv, "gictlm-platform");
    /* --hyp / --compare-modes: the hypervisor platform (hyp_cli.h) */
    if (hyp_cli_wanted(argc, argv)) return hyp_cli(argc, argv);
    install_stop_handlers(); /* a stop during construction is honoured at the first safe point */
    gic_config_t gcfg;
    gic_config_default(&gcfg);
    platform_params pp;
    std::string json_path, vcd_path, record_path, timeline_path, csv_path;
    gic_tl_opts_t tlo{};
    tlo.window_end = 2000000000ull; /* 2000 us */
    double report_window_us = 0;
    bool dump = false, gic_table = false, host_time = true;
    int progress = -1; /* -1: when stderr is a terminal */
    log_options logs; /* --verbose */
    bool timeline_opts = false; /* --timeline-window or --timeline-max-events given */
    cli_args args(argc, argv);
    std::string a;
    while (args.next(a)) {
        auto need = [&](const char *opt) { return args.value(opt); };
        if (args.config_option(a)) {
            /* applied below, in order */
        } else if (a == "-h" || a == "--help") {
            usage(gcfg, pp);
            return 0;
        } else if (a == "--dump-config") {
            dump = true;
        } else if (a == "--json") {
            json_path = need("--json");
        } else if (a == "--vcd") {
            vcd_path = need("--vcd");
        } else if (a == "--record") {
            record_path = need("--record");
        } else if (a == "--timeline") {
            timeline_path = need("--timeline");
        } else if (a == "--timeline-window" || a == "--timeline-max-events" || a == "--report-window") {
            std::string v = need(a.c_str()), err;
            char *end = nullptr;
            if (a != "--report-window") timeline_opts = true;
            errno = 0;
            if (a == "--timeline-window") {
                if (!parse_us_window(v, tlo.window_start, tlo.window_end, err)) {
                    std::fprintf(stderr, "gictlm-platform: --timeline-window %s\n", err.c_str());
                    return 1;
                }
            } else if (a == "--timeline-max-events") {
                unsigned long long n = std::strtoull(v.c_str(), &end, 10);
                if (v.empty() || !std::isdigit((unsigned char)v[0]) || errno || *end || n == 0) {
                    std::fprintf(stderr, "gictlm-platform: --timeline-max-events expects a positive number, got '%s'\n", v.c_str());
                    return 1;
                }
                tlo.max_events = n;
            } else {
                report_window_us = std::strtod(v.c_str(), &end);
                if (v.empty() || !std::isdigit((unsigned char)v[0]) || errno || *end || !(report_window_us > 0)) {
                    std::fprintf(stderr, "gictlm-platform: --report-window expects a positive number of us, got '%s'\n", v.c_str());
                    return 1;
                }
            }
        } else if (a == "--csv") {
            csv_path = need("--csv");
        } else if (a == "--gic-stats") {
            gic_table = true;
        } else if (a == "--no-host-time") {
            host_time = false;
        } else if (a == "--progress") {
            progress = 1;
        } else if (a == "--no-progress") {
            progress = 0;
        } else if (a == "--verbose") {
            std::string err;
            if (!logs.parse(need("--verbose"), err)) {
                std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
                return 1;
            }
        } else {
            std::fprintf(stderr, "gictlm-platform: unknown option '%s' (see --help)\n", a.c_str());
            return 1;
        }
    }
    if (timeline_opts && timeline_path.empty()) {
        std::fprintf(stderr, "gictlm-platform: --timeline-window and --timeline-max-events shape the timeline view: "
                             "they need --timeline FILE\n");
        return 1;
    }
    std::set<std::string> gic_names; /* the GIC parameters the user set */
    if (!args.apply([&](const std::string &text, std::string &err) {
                        return load_config_json(text, gcfg, pp, err, &gic_names);
                    },
                    [&](const std::string &kv, std::string &err) { return set_param(gcfg, pp, kv, gic_names, err); }))
        return 1;
    {
        /* gic.mem.latency_ps and gic.mem.size come from the platform's RAM */
        std::string err;
        if (!platform_gic_config_check(gcfg, pp, gic_names, err)) {
            std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
            return 1;
        }
        gcfg = platform_gic_config(gcfg, pp);
    }
    {
        std::string err;
        if (!logs.check_instances(gcfg, err)) {
            std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
            return 1;
        }
    }
    char verr[512] = "";
    if (gic_config_validate(&gcfg, verr, sizeof verr) != GIC_OK) {
        std::fprintf(stderr, "gictlm-platform: invalid GIC configuration: %s\n", verr);
        return 1;
    }
    {
        std::string perr;
        std::vector<std::string> warnings;
        if (!platform_params_check(gcfg, pp, perr, warnings)) {
            std::fprintf(stderr, "gictlm-platform: invalid platform configuration: %s\n", perr.c_str());
            return 1;
        }
        for (const auto &w : warnings) std::fprintf(stderr, "gictlm-platform: warning: %s\n", w.c_str());
    }
    if (dump) {
        nlohmann::json j = {{"gic", gic_config_json(gcfg)}, {"platform", platform_params_json(pp)}};
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }

    /* Output files are checked before the run: a bad path must not cost a
     * whole simulation (nor surface as a SystemC error at the end). */
    std::string vcd_file;
    if (!vcd_path.empty()) {
        std::string base = vcd_path;
        if (base.size() > 4 && base.compare(base.size() - 4, 4, ".vcd") == 0) base.resize(base.size() - 4);
        vcd_path = base;
        vcd_file = base + ".vcd";
    }
    for (const std::string &out : {json_path, vcd_file, record_path}) {
        if (out.empty()) continue;
        FILE *f = std::fopen(out.c_str(), "a");
        if (!f) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s: %s\n", out.c_str(), std::strerror(errno));
            return 1;
        }
        std::fclose(f);
    }

    std::unique_ptr<platform> top;
    try {
        top = std::make_unique<platform>("top", gcfg, pp, logs.gic_level, logs.components);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "gictlm-platform: %s\n", e.what());
        return 1;
    }
    sc_trace_file *tf = nullptr;
    if (!vcd_path.empty()) {
        tf = sc_create_vcd_trace_file(vcd_path.c_str());
        top->trace_lines(tf);
    }
    FILE *rec = nullptr;
    if (!record_path.empty()) {
        rec = std::fopen(record_path.c_str(), "w");
        if (!rec || gic_record_start(top->gic().core(), rec) != GIC_OK) {
            std::fprintf(stderr, "gictlm-platform: cannot record to %s\n", record_path.c_str());
            return 1;
        }
    }
    /* the architect's report and the timeline view watch the GIC wrapper */
    const double run_us = pp.sim_time_us + pp.drain_time_us;
    const double win_us = report_window_us > 0 ? report_window_us : std::max(10.0, run_us / 20);
    architect_report arch(top->gic(), (uint64_t)(win_us * 1e6), (uint64_t)(pp.sim_time_us * 1e6));
    std::unique_ptr<timeline_view> tlv;
    FILE *tlf = nullptr;
    if (!timeline_path.empty()) {
        tlf = std::fopen(timeline_path.c_str(), "w");
        if (!tlf) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s\n", timeline_path.c_str());
            return 1;
        }
        tlo.num_cpus = gcfg.num_cpus;
        tlo.num_its = gcfg.num_its;
        tlo.title = "gictlm-platform";
        tlv = std::make_unique<timeline_view>(top->gic(), tlf, tlo, (uint64_t)(win_us * 1e6));
    }
    if (progress < 0) progress = isatty(STDERR_FILENO) ? 1 : 0;
    auto t0 = std::chrono::steady_clock::now();
    run_status rs = run_sliced(*top, progress != 0, t0);
    if (rs.partial) top->mark_partial();
    auto t1 = std::chrono::steady_clock::now();
    double host = std::chrono::duration<double>(t1 - t0).count();
    if (rs.partial)
        std::printf("PARTIAL RUN: stopped by %s at simulated time %.3f us of %.3f us; figures below cover "
                    "that time, MSIs still in flight are listed as in flight\n\n",
                    rs.signal_name, rs.stopped_at_us, top->total_time().to_seconds() * 1e6);
    if (rec) {
        gic_record_stop(top->gic().core());
        std::fclose(rec);
    }
    top->report(stdout, host);
    arch.print(stdout, *top);
    if (tlv) {
        gic_tl_counts_t c{};
        bool ok = tlv->close(c);
        ok = std::fclose(tlf) == 0 && ok;
        if (!ok) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s\n", timeline_path.c_str());
            return 1;
        }
        std::printf("Timeline view %s: %llu events (%llu handler slices, %llu MSIs, %llu flows, %llu ITS commands); "
                    "%llu outside the window, %llu over the limit\n",
                    timeline_path.c_str(), (unsigned long long)c.events, (unsigned long long)c.handler_slices,
                    (unsigned long long)c.msi_slices, (unsigned long long)c.flows, (unsigned long long)c.cmd_slices,
                    (unsigned long long)c.outside_window, (unsigned long long)c.over_limit);
    }
    if (!csv_path.empty()) {
        std::FILE *cf = std::fopen(csv_path.c_str(), "a");
        if (!cf) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s\n", csv_path.c_str());
            return 1;
        }
        std::fseek(cf, 0, SEEK_END);
        if (std::ftell(cf) == 0) std::fprintf(cf, "%s\n", architect_report::csv_header().c_str());
        std::fprintf(cf, "%s\n", arch.csv_line(*top, host).c_str());
        std::fclose(cf);
    }
    if (gic_table) {
        std::printf("\nGIC statistics\n");
        gic_stats_write_table(top->gic().core(), stdout);
    }
    if (!json_path.empty()) {
        nlohmann::json j = top->report_json(host_time ? host : 0.0);
        if (!host_time) j.erase("host");
        j["architect"] = arch.json(*top);
        j["partial"] = rs.partial;
        if (rs.partial) j["stopped"] = {{"signal", rs.signal_name}, {"sim_time_us", rs.stopped_at_us}};
        std::ofstream out(json_path);
        out << j.dump(2) << "\n";
        if (!out) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s\n", json_path.c_str());
            return 1;
        }
    }
    if (tf) sc_close_vcd_trace_file(tf);
    std::string why;
    int rc = rs.partial ? 128 + rs.signal : top->conservation_ok(why) ? 0 : 2;
    if (!rs.partial && !top->boot_ok(why)) {
        std::fprintf(stderr, "gictlm-platform: boot %s: %s\n", top->boot().finished ? "failed" : "not done",
                     why.c_str());
        rc = 3;
    }
    std::fflush(stdout);
    return rc;
}
