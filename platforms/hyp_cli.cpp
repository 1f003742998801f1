/* gictlm-platform --hyp / --compare-modes (hyp_cli.h). */
#include "hyp_cli.h"

#include "cli_args.h"
#include "log_options.h"

#include "hyp_platform.h"
#include "platform.h"
#include "hyp_report.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include <sys/wait.h>
#include <unistd.h>

using namespace sc_core;
using nlohmann::json;

namespace gictlm {

bool hyp_cli_wanted(int argc, char **argv)
{
    for (int i = 1; i < argc; i++)
        if (!std::strcmp(argv[i], "--hyp") || !std::strcmp(argv[i], "--compare-modes")) return true;
    return false;
}

namespace {

struct cfg_t {
    gic_config_t g;
    platform_params p;
    hyp_params h;
    log_options logs; /* --verbose */
};

void usage(const cfg_t &c)
{
    std::printf(
        "usage: gictlm-platform --hyp [options]            one injection mode (hyp.mode)\n"
        "       gictlm-platform --compare-modes [options]  every mode, same workload and seed, side by side\n"
        "The virtualization platform: a KVM-like hypervisor model (VMs, vCPUs, scheduler, world\n"
        "switches, emulated vITS) on the virtual platform, with software injection or GICv4\n"
        "direct injection (docs/platform.md \"Hypervisor model\"). Starts from an embedded default\n"
        "(--dump-config shows it): 2 VMs x 4 vCPUs on 4 CPUs, 4 devices x 8 vectors.\n\n"
        "options:\n"
        "  --config FILE     JSON {\"gic\": {...}, \"platform\": {...}, \"hyp\": {...}} on top of the default\n"
        "  -p NAME=VALUE     gic.NAME, platform.NAME or hyp.NAME; repeatable, after every --config\n"
        "                    (wherever it stands), in order\n"
        "  --json FILE       the report as JSON (gictlm-hyp-report v%d; with --compare-modes\n"
        "                    gictlm-hyp-compare: every run and the side-by-side table)\n"
        "  --no-host-time    omit host timing from the JSON (bit-identical reruns)\n"
        "  --dump-config     print the effective configuration and exit\n"
        "  --verbose MOD=LEVEL  log level per module, as without --hyp: MOD is 'gic', 'sc'\n"
        "                    or a core component (vpe, its, its<N>, icv, ich, lpi, ...);\n"
        "                    LEVEL is error, warn, info, debug\n"
        "  -h, --help        this help\n\nhyp parameters (default):\n",
        kHypReportVersion);
    for (const auto &pi : hyp_param_list())
        std::printf("  hyp.%-22s %-10s %s\n", pi.name, hyp_param_get(c.h, pi.name).c_str(), pi.doc);
    std::printf("\nmodes:\n");
    for (const auto &m : hyp_modes()) std::printf("  %-6s %s\n", m.name, m.what);
    std::printf("\nexit status: 0 ok, 1 usage/configuration error, 2 MSI conservation violated, 3 the boot\n"
                "did not complete (the host's boot or the hypervisor's set-up not finished, boot errors, or the\n"
                "devices not started within platform.sim_time_us; the report is written, marked BOOT NOT DONE,\n"
                "BOOT FAILED or BOOT DONE TOO LATE)\n");
}

bool apply_json(const std::string &text, cfg_t &c, std::string &err, std::set<std::string> *gic_names = nullptr)
{
    json j;
    if (!config_json_parse(text, j, err) || !config_json_version_ok(j, err)) return false;
    if (j.contains("hyp")) {
        const json &h = j["hyp"];
        if (!h.is_object()) {
            err = "hyp: not an object";
            return false;
        }
        for (auto it = h.begin(); it != h.end(); ++it) {
            if (it.key() == "version") {
                if (!it.value().is_number_integer() || it.value().get<int>() != kHypConfigVersion) {
                    err = "hyp.version: this build reads version " + std::to_string(kHypConfigVersion);
                    return false;
                }
                continue;
            }
            if (!it.key().empty() && it.key()[0] == '_') continue;
            std::string v = it.value().is_string() ? it.value().get<std::string>() : it.value().dump();
            if (!hyp_param_set(c.h, it.key(), v, err)) return false;
        }
        j.erase("hyp");
    }
    if (j.empty()) return true;
    return load_config_json(j.dump(), c.g, c.p, err, gic_names);
}

bool set_param(cfg_t &c, const std::string &kv, std::set<std::string> &gic_names, std::string &err)
{
    std::string name, value;
    int r = platform_set_kv(c.g, c.p, kv, name, value, err);
    if (r > 0 && name.rfind("gic.", 0) == 0) gic_names.insert(name);
    if (r >= 0) return r > 0;
    if (name.rfind("hyp.", 0) == 0) return hyp_param_set(c.h, name.substr(4), value, err);
    err = "parameter '" + name + "' must start with gic., platform. or hyp.";
    return false;
}

double cpu_seconds()
{
    timespec ts{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One run in this process (one SystemC elaboration). */
int run_one(const cfg_t &c, json &out, bool host_time)
{
    std::unique_ptr<hyp_platform> top;
    try {
        top = std::make_unique<hyp_platform>("hyp", c.g, c.p, c.h, c.logs.gic_level, c.logs.components);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "gictlm-platform: %s\n", e.what());
        return 1;
    }
    const double t0 = cpu_seconds();
    sc_start(top->total_time());
    const double host = cpu_seconds() - t0;
    out = top->report_json(host_time ? host : 0.0);
    if (!host_time) out.erase("host");
    std::string why;
    const std::string state = top->boot_outcome(why);
    if (state != "done") {
        std::string label = hyp_boot_label(state);
        for (char &ch : label) ch = (char)std::tolower((unsigned char)ch);
        std::fprintf(stderr, "gictlm-platform: mode %s: boot %s: %s\n", c.h.mode.c_str(), label.c_str(), why.c_str());
        return 3;
    }
    return top->conservation_ok(why) ? 0 : 2;
}

bool write_file(const std::string &path, const std::string &text)
{
    std::ofstream o(path);
    o << text;
    return (bool)o;
}

} // namespace

int hyp_cli(int argc, char **argv)
{
    cfg_t c;
    gic_config_default(&c.g);
    std::string err;
    if (!apply_json(hyp_default_config(), c, err)) {
        std::fprintf(stderr, "gictlm-platform: embedded hypervisor default: %s\n", err.c_str());
        return 1;
    }
    bool compare = false, dump = false, host_time = true;
    std::string json_path;
    cli_args args(argc, argv);
    std::string a;
    while (args.next(a)) {
        if (args.config_option(a)) {
            /* applied below, in order */
        } else if (a == "--hyp") {
        } else if (a == "--compare-modes") {
            compare = true;
        } else if (a == "-h" || a == "--help") {
            usage(c);
            return 0;
        } else if (a == "--json") {
            json_path = args.value("--json");
        } else if (a == "--no-host-time") {
            host_time = false;
        } else if (a == "--dump-config") {
            dump = true;
        } else if (a == "--progress" || a == "--no-progress") {
        } else if (a == "--verbose") {
            if (!c.logs.parse(args.value("--verbose"), err)) {
                std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
                return 1;
            }
        } else {
            std::fprintf(stderr, "gictlm-platform: unknown option '%s' with --hyp (see --hyp --help)\n", a.c_str());
            return 1;
        }
    }
    std::set<std::string> gic_names; /* the GIC parameters the user set */
    if (!args.apply([&](const std::string &text, std::string &e) { return apply_json(text, c, e, &gic_names); },
                    [&](const std::string &kv, std::string &e) { return set_param(c, kv, gic_names, e); }))
        return 1;
    /* gic.mem.latency_ps and gic.mem.size come from the platform's RAM */
    if (!platform_gic_config_check(c.g, c.p, gic_names, err)) {
        std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
        return 1;
    }
    c.g = platform_gic_config(c.g, c.p);
    if (!c.logs.check_instances(c.g, err)) {
        std::fprintf(stderr, "gictlm-platform: %s\n", err.c_str());
        return 1;
    }
    char verr[512] = "";
    if (gic_config_validate(&c.g, verr, sizeof verr) != GIC_OK) {
        std::fprintf(stderr, "gictlm-platform: invalid GIC configuration: %s\n", verr);
        return 1;
    }
    {
        std::vector<std::string> warnings;
        if (!platform_params_check(c.g, c.p, err, warnings, c.h.start_us)) {
            std::fprintf(stderr, "gictlm-platform: invalid platform configuration: %s\n", err.c_str());
            return 1;
        }
        for (const auto &w : warnings) std::fprintf(stderr, "gictlm-platform: warning: %s\n", w.c_str());
    }
    std::vector<std::string> modes;
    if (compare) {
        for (const auto &m : hyp_modes())
            if ((int)c.g.gic_version >= m.gic_version) modes.push_back(m.name);
    } else {
        modes.push_back(c.h.mode);
    }
    /* the GIC of each mode: GICv4.1 (gic.gicv4_1) for v4.1 only */
    auto for_mode = [](cfg_t x, const std::string &m) {
        x.h.mode = m;
        const hyp_mode_info *mi = hyp_mode_find(m);
        x.g.gicv4_1 = mi && mi->v41 ? 1 : 0;
        return x;
    };
    c = for_mode(c, c.h.mode);
    for (const std::string &m : modes) {
        cfg_t x = for_mode(c, m);
        char e2[512] = "";
        if (gic_config_validate(&x.g, e2, sizeof e2) != GIC_OK) {
            std::fprintf(stderr, "gictlm-platform: invalid GIC configuration for mode %s: %s\n", m.c_str(), e2);
            return 1;
        }
        if (!hyp_params_check(x.g, x.p.devices, x.p.vectors, x.h, err)) {
            std::fprintf(stderr, "gictlm-platform: invalid hypervisor configuration: %s\n", err.c_str());
            return 1;
        }
        if (!hyp_ram_check(x.g, x.p, x.h, err)) {
            std::fprintf(stderr, "gictlm-platform: invalid platform configuration: %s\n", err.c_str());
            return 1;
        }
    }
    if (dump) {
        json j = {{"gic", gic_config_json(c.g)}, {"platform", platform_params_json(c.p)}, {"hyp", hyp_params_json(c.h)}};
        std::printf("%s\n", j.dump(2).c_str());
        return 0;
    }
    if (c.p.sim_time_us <= c.h.start_us) {
        std::fprintf(stderr,
                     "gictlm-platform: platform.sim_time_us = %g is not above hyp.start_us = %g: the devices of the "
                     "virtualization platform start at hyp.start_us at the earliest (later if the host's boot and "
                     "the hypervisor's set-up take longer), so no MSI would be sent; raise platform.sim_time_us "
                     "above %g or lower hyp.start_us\n",
                     c.p.sim_time_us, c.h.start_us, c.h.start_us);
        return 1;
    }
    if (!json_path.empty()) {
        FILE *f = std::fopen(json_path.c_str(), "a");
        if (!f) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s: %s\n", json_path.c_str(), std::strerror(errno));
            return 1;
        }
        std::fclose(f);
    }
    if (!compare) {
        json r;
        int rc = run_one(c, r, host_time);
        if (rc == 1) return 1;
        hyp_report_text(stdout, r);
        if (!json_path.empty() && !write_file(json_path, r.dump(2) + "\n")) {
            std::fprintf(stderr, "gictlm-platform: cannot write %s\n", json_path.c_str());
            return 1;
        }
        return rc;
    }
    /* one process per mode (SystemC elaborates once per process), all at once */
    std::vector<std::string> tmp(modes.size());
    std::vector<pid_t> pids(modes.size(), -1);
    for (size_t i = 0; i < modes.size(); i++) {
        char name[] = "/tmp/gictlm-hyp-XXXXXX";
        int fd = mkstemp(name);
        if (fd < 0) {
            std::fprintf(stderr, "gictlm-platform: cannot create a temporary file: %s\n", std::strerror(errno));
            return 1;
        }
        close(fd);
        tmp[i] = name;
        std::fflush(stdout);
        std::fflush(stderr);
        pid_t pid = fork();
        if (pid < 0) {
            std::fprintf(stderr, "gictlm-platform: fork: %s\n", std::strerror(errno));
            return 1;
        }
        if (pid == 0) {
            cfg_t x = for_mode(c, modes[i]);
            json r;
            int rc = run_one(x, r, host_time);
            if (rc != 1 && !write_file(tmp[i], r.dump() + "\n")) rc = 1;
            std::fflush(stdout);
            std::fflush(stderr);
            _exit(rc);
        }
        pids[i] = pid;
    }
    std::vector<json> runs;
    int rc = 0;
    for (size_t i = 0; i < modes.size(); i++) {
        int st = 0;
        waitpid(pids[i], &st, 0);
        int crc = WIFEXITED(st) ? WEXITSTATUS(st) : 1;
        std::ifstream in(tmp[i]);
        std::stringstream ss;
        ss << in.rdbuf();
        std::remove(tmp[i].c_str());
        json r = json::parse(ss.str(), nullptr, false);
        if (crc == 1 || r.is_discarded()) {
            std::fprintf(stderr, "gictlm-platform: the %s run failed (status %d)\n", modes[i].c_str(), crc);
            return 1;
        }
        if (crc == 3 || (crc == 2 && rc != 3)) rc = crc; /* a run without a valid boot first */
        runs.push_back(r);
    }
    const json &c0 = runs[0]["config"];
    std::printf("gictlm-platform --compare-modes: %s VMs x %s vCPUs on %s CPUs, %s devices x %s vectors, %s arrivals, "
                "mean interval %s ns per device, sched %s, %.0f us\n",
                c0["hyp"]["vms"].dump().c_str(), c0["hyp"]["vcpus"].dump().c_str(), c0["gic"]["num_cpus"].dump().c_str(),
                c0["platform"]["devices"].dump().c_str(), c0["platform"]["vectors"].dump().c_str(),
                c0["platform"].value("arrival", "").c_str(), c0["platform"]["msi_interval_ns"].dump().c_str(),
                c0["hyp"].value("sched", "").c_str(), c.p.sim_time_us);
    for (const auto &m : hyp_modes())
        std::printf("  %-6s %s%s\n", m.name, m.what,
                    std::find(modes.begin(), modes.end(), m.name) == modes.end() ? " (not available: GIC version)" : "");
    hyp_compare_text(stdout, runs);
    if (!json_path.empty() && !write_file(json_path, hyp_compare_json(runs).dump(2) + "\n")) {
        std::fprintf(stderr, "gictlm-platform: cannot write %s\n", json_path.c_str());
        return 1;
    }
    return rc;
}

} // namespace gictlm
