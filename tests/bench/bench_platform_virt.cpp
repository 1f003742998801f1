// Host cost of the hypervisor platform (gictlm-platform --hyp, docs/platform.md
// "Hypervisor model"): simulated virtual MSIs per host second in each injection
// mode, and the host cost per virtual MSI in v4.0 mode relative to the physical
// platform path (gictlm-platform, the same GIC, devices and arrivals), measured
// in the same run:
//   BENCH platform_virt_<mode>_msis_per_host_s <value> msi/s
//   BENCH platform_virt_<mode>_ns_per_msi <value> ns
//   BENCH platform_physical_ns_per_msi <value> ns
//   BENCH platform_v4_msi_vs_physical <ratio> x     (target: <= 2)
//   BENCH platform_v4_msi_vs_physical_busy <ratio> x
// (the ratios: median over the rounds of the round's v4.0 / physical)
// (<mode>: sw, v4 = v4.0, v41 = v4.1: the hypervisor default workload, idle
// guests: most MSIs find their vCPU blocked in WFI, so each costs a doorbell
// or host interrupt, a wake-up, a vCPU load and put, and the guests' IPIs,
// 0.2 per handled interrupt; <mode>_busy: the like-for-like direct-injection
// workload: one vCPU per CPU (2 VMs x 2 vCPUs on 4 CPUs, pinned), guests that
// never wait (hyp.guest_wfi=0) and send no IPIs, so every MSI reaches a
// resident vCPU: in v4.0/v4.1 a vLPI injected directly and acknowledged on
// ICV_IAR1_EL1, like the physical path's ICC_IAR1_EL1; in sw a host LPI, the
// vITS, a list register and a kick)
// Each figure is the difference between a run of 2T and a run of T simulated
// time (process CPU time from wait4, MSIs from the JSON report), which removes
// start-up, elaboration and boot; runs alternate between the configurations
// and the medians of 5 rounds are printed. Usage: bench_platform_virt [PLATFORM]
// (default ./platforms/gictlm-platform, the bench target's working directory),
// or bench_platform_virt --print-configs (the configurations' arguments).
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

using nlohmann::json;

namespace {

struct sample {
    double cpu_s = 0;
    double msis = 0;
};

bool run(const std::string &exe, const std::string &args, double sim_us, sample &out)
{
    char tmpl[] = "/tmp/bench-platform-virt-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return false;
    close(fd);
    const std::string cmd = "exec '" + exe + "' " + args + " -p platform.sim_time_us=" + std::to_string(sim_us) +
                            " --no-progress --json '" + tmpl + "' > /dev/null 2>&1";
    pid_t pid = fork();
    if (pid < 0) return false;
    if (pid == 0) {
        setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 1);
        execl("/bin/sh", "sh", "-c", cmd.c_str(), (char *)nullptr);
        _exit(127);
    }
    int st = 0;
    struct rusage ru {};
    if (wait4(pid, &st, 0, &ru) < 0) return false;
    std::ifstream in(tmpl);
    std::stringstream ss;
    ss << in.rdbuf();
    std::remove(tmpl);
    json j = json::parse(ss.str(), nullptr, false);
    if (!WIFEXITED(st) || WEXITSTATUS(st) != 0 || j.is_discarded()) {
        std::fprintf(stderr, "bench_platform_virt: '%s' failed (status %d)\n", cmd.c_str(), st);
        return false;
    }
    out.cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + (double)ru.ru_stime.tv_sec +
                ru.ru_stime.tv_usec * 1e-6;
    out.msis = j["msi"].value("sent", 0.0);
    return true;
}

double median(std::vector<double> v)
{
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

} // namespace

int main(int argc, char **argv)
{
    const std::string gic = std::string("--config ") + GICTLM_SOURCE_DIR + "/platforms/configs/gic700.json";
    // the physical platform with the hypervisor default's GIC, devices and arrivals
    const std::string load = "-p gic.num_cpus=4 -p platform.devices=4 -p platform.vectors=8 "
                             "-p platform.arrival=poisson -p platform.msi_interval_ns=10000 -p platform.drain_time_us=2000";
    const std::string busy = "-p hyp.vms=2 -p hyp.vcpus=2 -p hyp.guest_wfi=0 -p hyp.guest_ipi_rate=0";
    struct cfg {
        const char *name;
        std::string args;
        std::vector<double> ns_per_msi;
    };
    std::vector<cfg> cfgs = {
        {"physical", gic + " " + load, {}},
        {"sw", "--hyp -p hyp.mode=sw", {}},
        {"v4", "--hyp -p hyp.mode=v4.0", {}},
        {"v41", "--hyp -p hyp.mode=v4.1", {}},
        {"sw_busy", "--hyp -p hyp.mode=sw " + busy, {}},
        {"v4_busy", "--hyp -p hyp.mode=v4.0 " + busy, {}},
        {"v41_busy", "--hyp -p hyp.mode=v4.1 " + busy, {}},
    };
    // --print-configs: "name<TAB>arguments" per configuration, for the
    // instruction-count benchmark (bench_instr.py), which runs the same ones.
    if (argc > 1 && std::string(argv[1]) == "--print-configs") {
        for (const cfg &c : cfgs) std::printf("%s\t%s\n", c.name, c.args.c_str());
        return 0;
    }
    const std::string exe = argc > 1 ? argv[1] : "./platforms/gictlm-platform";
    if (access(exe.c_str(), X_OK) != 0) {
        std::printf("bench_platform_virt: %s not found (built without SystemC?): skipped\n", exe.c_str());
        return 0;
    }
    const int kRounds = 5;
    const double T = 200000; // us: about 80 000 MSIs; 2T: 160 000
    for (int round = 0; round < kRounds; round++) {
        for (cfg &c : cfgs) {
            sample a, b;
            if (!run(exe, c.args, T, a) || !run(exe, c.args, 2 * T, b)) return 1;
            if (b.msis <= a.msis) {
                std::fprintf(stderr, "bench_platform_virt: %s: no more MSIs in the longer run\n", c.name);
                return 1;
            }
            c.ns_per_msi.push_back((b.cpu_s - a.cpu_s) * 1e9 / (b.msis - a.msis));
        }
    }
    double phys = median(cfgs[0].ns_per_msi);
    std::printf("bench_platform_virt: host CPU ns per MSI (medians of %d alternating rounds, 2T - T runs of %.0f/%.0f ms):\n",
                kRounds, T / 1e3, 2 * T / 1e3);
    for (const cfg &c : cfgs) {
        std::printf("  %-9s", c.name);
        for (double v : c.ns_per_msi) std::printf(" %9.1f", v);
        std::printf("\n");
    }
    std::printf("BENCH platform_physical_ns_per_msi %.1f ns\n", phys);
    for (size_t i = 1; i < cfgs.size(); i++) {
        const double m = median(cfgs[i].ns_per_msi);
        std::printf("BENCH platform_virt_%s_ns_per_msi %.1f ns\n", cfgs[i].name, m);
        std::printf("BENCH platform_virt_%s_msis_per_host_s %.0f msi/s\n", cfgs[i].name, m > 0 ? 1e9 / m : 0.0);
    }
    // The ratios: per round (the v4.0 and physical figures of one round are
    // measured seconds apart, under the same load of the host), then the
    // median over the rounds; steadier on a shared host than the ratio of the
    // two medians, which may come from different rounds.
    auto ratio = [&](size_t k, const char *bench) {
        std::vector<double> r;
        std::printf("  %-9s", (std::string(cfgs[k].name) + "/ph").c_str());
        for (int i = 0; i < kRounds; i++) {
            r.push_back(cfgs[0].ns_per_msi[i] > 0 ? cfgs[k].ns_per_msi[i] / cfgs[0].ns_per_msi[i] : 0.0);
            std::printf(" %9.2f", r.back());
        }
        std::printf("\n");
        return std::make_pair(std::string(bench), median(r));
    };
    const auto idle = ratio(2, "platform_v4_msi_vs_physical"), busy_r = ratio(5, "platform_v4_msi_vs_physical_busy");
    std::printf("BENCH %s %.2f x\n", idle.first.c_str(), idle.second);
    std::printf("BENCH %s %.2f x\n", busy_r.first.c_str(), busy_r.second);
    return 0;
}
