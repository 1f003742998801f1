// Benchmark: peak RSS and host time per MSI of the platform main job
// (gictlm-platform, default configuration) at 1M and at 20M simulated MSIs,
// with the streaming latency histograms (default) and with the exact
// statistics (platform.latency_stats=exact, every sample kept). Each run is a
// child process: peak RSS is its ru_maxrss, host time its user+system CPU
// time (wait4), per MSI sent (from its JSON report).
//
//   BENCH platform_rss_20m_vs_1m <ratio> x        (target <= 1.2)
//   BENCH platform_host_per_msi_vs_exact_{1m,20m} <ratio> x  (target <= 1.1)
//
// Usage: bench_platform_rss [GICTLM_PLATFORM_EXE] [--msis M1,M2] (default 1000000,20000000)
#include <nlohmann/json.hpp>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

namespace {

struct result {
    double rss_mib = 0, cpu_s = 0;
    uint64_t sent = 0;
    bool ok = false;
};

result run(const std::string &exe, uint64_t msis, const char *mode)
{
    result r;
    // default job: 8 devices, one MSI every 2000 ns each = 4 MSIs per us
    char sim[64], stats[64];
    std::snprintf(sim, sizeof sim, "platform.sim_time_us=%llu", (unsigned long long)(msis / 4));
    std::snprintf(stats, sizeof stats, "platform.latency_stats=%s", mode);
    char tmpl[] = "/tmp/gictlm-rss-XXXXXX";
    int fd = mkstemp(tmpl);
    if (fd < 0) return r;
    close(fd);
    std::string json = tmpl;
    pid_t pid = fork();
    if (pid == 0) {
        if (!freopen("/dev/null", "w", stdout)) _exit(127);
        execl(exe.c_str(), exe.c_str(), "-p", sim, "-p", stats, "-p", "platform.max_host_mb=65536",
              "--no-progress", "--json", json.c_str(), (char *)nullptr);
        _exit(127);
    }
    int status = 0;
    struct rusage ru {};
    if (pid < 0 || wait4(pid, &status, 0, &ru) != pid) return r;
    r.rss_mib = ru.ru_maxrss / 1024.0;
    r.cpu_s = ru.ru_utime.tv_sec + ru.ru_utime.tv_usec * 1e-6 + ru.ru_stime.tv_sec + ru.ru_stime.tv_usec * 1e-6;
    std::ifstream in(json);
    std::stringstream ss;
    ss << in.rdbuf();
    unlink(json.c_str());
    auto j = nlohmann::json::parse(ss.str(), nullptr, false);
    if (!j.is_discarded() && j.contains("msi")) r.sent = j["msi"]["sent"].get<uint64_t>();
    r.ok = WIFEXITED(status) && WEXITSTATUS(status) == 0 && r.sent > 0;
    if (!r.ok) std::fprintf(stderr, "bench_platform_rss: %s %s %s failed (status %d)\n", exe.c_str(), sim, stats, status);
    return r;
}

} // namespace

int main(int argc, char **argv)
{
    std::string exe = GICTLM_PLATFORM_EXE;
    uint64_t small = 1000000, large = 20000000;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "--msis" && i + 1 < argc) {
            std::sscanf(argv[++i], "%llu,%llu", (unsigned long long *)&small, (unsigned long long *)&large);
        } else {
            exe = a;
        }
    }
    const char *tag_s = small == 1000000 ? "1m" : "small";
    const char *tag_l = large == 20000000 ? "20m" : "large";
    result hs = run(exe, small, "hist"), hl = run(exe, large, "hist");
    result es = run(exe, small, "exact"), el = run(exe, large, "exact");
    if (!hs.ok || !hl.ok || !es.ok || !el.ok) return 1;
    auto per = [](const result &r) { return r.cpu_s / (double)r.sent * 1e9; };
    std::printf("bench_platform_rss: main job, %llu and %llu MSIs (measured: %llu, %llu)\n",
                (unsigned long long)small, (unsigned long long)large, (unsigned long long)hs.sent,
                (unsigned long long)hl.sent);
    std::printf("  %-8s %12s %12s %14s %14s\n", "stats", "RSS small", "RSS large", "ns/MSI small", "ns/MSI large");
    std::printf("  %-8s %10.1f M %10.1f M %14.1f %14.1f\n", "hist", hs.rss_mib, hl.rss_mib, per(hs), per(hl));
    std::printf("  %-8s %10.1f M %10.1f M %14.1f %14.1f\n", "exact", es.rss_mib, el.rss_mib, per(es), per(el));
    std::printf("BENCH platform_rss_%s %.1f MiB\n", tag_s, hs.rss_mib);
    std::printf("BENCH platform_rss_%s %.1f MiB\n", tag_l, hl.rss_mib);
    std::printf("BENCH platform_rss_%s_vs_%s %.3f x\n", tag_l, tag_s, hl.rss_mib / hs.rss_mib);
    std::printf("BENCH platform_rss_exact_%s_vs_%s %.3f x\n", tag_l, tag_s, el.rss_mib / es.rss_mib);
    std::printf("BENCH platform_host_ns_per_msi_%s %.1f ns\n", tag_s, per(hs));
    std::printf("BENCH platform_host_ns_per_msi_%s %.1f ns\n", tag_l, per(hl));
    std::printf("BENCH platform_host_ns_per_msi_exact_%s %.1f ns\n", tag_s, per(es));
    std::printf("BENCH platform_host_ns_per_msi_exact_%s %.1f ns\n", tag_l, per(el));
    std::printf("BENCH platform_host_per_msi_vs_exact_%s %.3f x\n", tag_s, per(hs) / per(es));
    std::printf("BENCH platform_host_per_msi_vs_exact_%s %.3f x\n", tag_l, per(hl) / per(el));
    return 0;
}
