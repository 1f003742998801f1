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
#include "platform_params.h"
#include "tlm_parts.h"

#include <nlohmann/json.hpp>
#include <systemc>

#include <cstdio>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <vector>

namespace gictlm {

/* The GIC's register frames (GICD, the GICR frames, each ITS's frames at
 * gic_gits_stride() apart) at the configuration's addresses on bus. */
void platform_map_gic(router &bus, gic_tlm &gic);

/* The GIC configuration a platform runs (what --dump-config and the reports
 * show): gcfg with gic.mem.latency_ps from platform.mem_latency_ns and
 * gic.mem.size = platform.ram_base + platform.ram_size. The GIC's built-in
 * memory is bypassed (its memory port is bound to the platform's RAM), but a
 * recording (--record) carries them and replays with the same timing. */
gic_config_t platform_gic_config(const gic_config_t &gcfg, const platform_params &pp);
/* false with err when a parameter that platform_gic_config sets was set by
 * the user (set: the dotted names given by -p or a configuration file) to
 * another value than the platform's: the message names the platform
 * parameter to use instead. */
bool platform_gic_config_check(const gic_config_t &gcfg, const platform_params &pp, const std::set<std::string> &set,
                               std::string &err);

/* What both platforms build first: the GIC (its configuration given the
 * platform's memory latency and size, so that a recording carries them and
 * replays with the same timing), the RAM and the bus, with the GIC's frames
 * and the RAM mapped on the bus and the GIC's memory port bound to it. */
void platform_make_gic(const gic_config_t &gcfg, const platform_params &pp, const gic_tlm_options &o,
                       std::unique_ptr<gic_tlm> &gic, std::unique_ptr<sparse_memory> &mem,
                       std::unique_ptr<router> &bus);

/* The bring-up's view of the address map and its timing (boot_state's
 * fields other than the devices and the allocator). */
void platform_boot_map(boot_state &b, const gic_config_t &c, const platform_params &pp);

/* Value of the GIC's statistics counter name; 0 when there is none (*found
 * says which). */
uint64_t platform_gic_counter(gic_t *g, const char *name, bool *found = nullptr);
/* The wrapper's own counters (gic_tlm_stats) and the core's late inputs: the
 * report's "wrapper" object, the same in the physical and hypervisor reports. */
nlohmann::json platform_wrapper_json(const gic_tlm_stats &w, gic_t *g);
/* Every GIC statistic pair <name>.hits / <name>.misses with at least one
 * access (the caches of the ITSs, the LPIs and the vPEs), in the order of the
 * statistics, for the reports of both platforms. */
struct platform_hit_count {
    std::string name;
    uint64_t hits, misses;
};
std::vector<platform_hit_count> platform_gic_hit_counts(gic_t *g);

/* The MSI device d of a platform configuration (DeviceID, vectors, arrival
 * process, its ITS's GITS_TRANSLATER, written to its), as the physical and
 * the hypervisor platforms build them. */
msi_device_params platform_device_params(const gic_config_t &c, const platform_params &pp, uint64_t d,
                                          gic_tlm *agenda, uint32_t &its);

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
    /* The run was stopped early (a signal): MSIs still on their way are
     * accounted for as in flight, not a violation (conservation_ok). */
    void mark_partial() { partial_ = true; }
    /* true when the boot finished without errors; otherwise why says what
     * happened (not finished within the simulated time: how far it got and
     * what to raise; errors) and the run measured nothing valid. */
    bool boot_ok(std::string &why) const;
    void trace_lines(sc_core::sc_trace_file *tf);

private:
    bool partial_ = false;
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
