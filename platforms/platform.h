/*
 * The virtual platform: GIC wrapper + memory + router + MSI devices + CPU
 * models, built from a gic_config_t and a platform_params table. Used by
 * gictlm-platform (main.cpp), the SystemC tests and the benchmark.
 */
#ifndef GICTLM_PLATFORM_H
#define GICTLM_PLATFORM_H

#include "cpu.h"
#include "gic_tlm.h"
#include "msi_device.h"
#include "tlm_parts.h"

#include <nlohmann/json.hpp>
#include <systemc>

#include <cstdio>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gictlm {

struct platform_params {
    uint64_t devices = 8;
    uint64_t vectors = 8;
    uint64_t first_devid = 0;
    std::string arrival = "poisson"; /* periodic, poisson, bursty */
    double msi_interval_ns = 2000;   /* mean interval between MSIs of one device */
    uint64_t burst_len = 8;
    double burst_gap_ns = 50;
    std::string eventid_dist = "rr"; /* rr, uniform, zipf */
    double zipf_s = 1.0;
    uint64_t seed = 1;
    double sim_time_us = 50000; /* devices send MSIs during this time */
    double drain_time_us = 200; /* then the run continues so that in-flight work completes */
    double quantum_ns = 1000;   /* tlm_global_quantum */
    double mem_latency_ns = 100;
    uint64_t mem_dmi = 0;
    uint64_t ram_base = 0x40000000;
    uint64_t ram_size = 0x40000000;
    uint64_t dev_base = 0x10000000;
    double entry_ns = 100;
    double handler_ns = 500;
    double exit_ns = 50;
    uint64_t eoi_mode = 0;
    uint64_t touch_device = 1;
    uint64_t irq_loop = 0;
    double device_latency_ns = 50;
    double mmio_latency_ns = 20;
    double msi_latency_ns = 0;
    double its_poll_ns = 100;
    double its_timeout_us = 1000;
    uint64_t sync_on_access = 1;
    uint64_t run_ahead = 1;
    double run_ahead_limit_us = 100; /* the GIC driver's run-ahead bound beyond SystemC time */
};

/* Parameter table of the platform ("platform.<name>"). */
struct platform_param_info {
    const char *name;
    const char *doc;
};
const std::vector<platform_param_info> &platform_param_list();
bool platform_param_set(platform_params &p, const std::string &name, const std::string &value,
                        std::string &err);
std::string platform_param_get(const platform_params &p, const std::string &name);
nlohmann::json platform_params_json(const platform_params &p);
/* Apply {"gic": {...}, "platform": {...}} on top of both. */
bool load_config_json(const std::string &text, gic_config_t &gcfg, platform_params &pp,
                      std::string &err);
nlohmann::json gic_config_json(const gic_config_t &c);
nlohmann::json gic_stats_json(gic_t *g);

class platform : public sc_core::sc_module {
public:
    platform(sc_core::sc_module_name name, const gic_config_t &gcfg, const platform_params &pp,
             gic_log_level_t gic_log = GIC_LOG_WARN,
             const std::map<std::string, gic_log_level_t> &component_log = {});

    gic_tlm &gic() { return *gic_; }
    sparse_memory &memory() { return *mem_; }
    msi_tracker &tracker() { return tracker_; }
    boot_state &boot() { return boot_; }
    const platform_params &params() const { return pp_; }
    sc_core::sc_time total_time() const;
    std::vector<std::unique_ptr<cpu_model>> cpus;
    std::vector<std::unique_ptr<msi_device>> devices;
    sc_core::sc_vector<sc_core::sc_signal<bool>> irq, fiq, virq, vfiq, spi, ppi;

    /* Report (text) and JSON (schema gictlm-platform-report, version 1). */
    void report(std::FILE *f, double host_seconds) const;
    nlohmann::json report_json(double host_seconds) const;
    /* true when every MSI sent is delivered, coalesced or dropped, and the
     * GIC's own counters agree; why explains a violation. */
    bool conservation_ok(std::string &why) const;
    void trace_lines(sc_core::sc_trace_file *tf);

private:
    gic_config_t gcfg_;
    platform_params pp_;
    msi_tracker tracker_;
    boot_state boot_;
    std::unique_ptr<gic_tlm> gic_;
    std::unique_ptr<sparse_memory> mem_;
    std::unique_ptr<router> bus_;
    /* notified at total_time(): a pending event there bounds the GIC
     * wrapper's run-ahead to the simulated time (nothing waits on it) */
    sc_core::sc_event horizon_;
};

} // namespace gictlm
#endif
