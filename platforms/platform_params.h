/*
 * Parameters of the virtual platform ("platform.<name>") and of the GIC
 * ("gic.<name>") as gictlm-platform takes them (-p, --config): parsing,
 * validation and resource estimates. No SystemC here, so that the parser can
 * be fuzzed on its own (tests/fuzz/fuzz_config.cpp).
 */
#ifndef GICTLM_PLATFORM_PARAMS_H
#define GICTLM_PLATFORM_PARAMS_H

#include "gictlm.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <set>
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
    uint64_t mem_dmi = 1; /* the GIC reads and writes its tables through DMI pointers (same latency) */
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
    uint64_t max_host_mb = 4096;      /* refuse runs estimated to need more host memory */
    std::string latency_stats = "hist"; /* hist: bounded streaming histograms; exact: every sample */
};

/* Parameter table of the platform ("platform.<name>"). */
struct platform_param_info {
    const char *name;
    const char *doc;
};
const std::vector<platform_param_info> &platform_param_list();
/* One -p NAME=VALUE: gic.* (gic_config_set) and platform.* are set here;
 * returns 1 when set, 0 on an error (err), -1 when NAME has another prefix
 * (name and value are returned for the caller's own parameters). */
int platform_set_kv(gic_config_t &g, platform_params &p, const std::string &kv, std::string &name,
                    std::string &value, std::string &err);
bool platform_param_set(platform_params &p, const std::string &name, const std::string &value,
                        std::string &err);
std::string platform_param_get(const platform_params &p, const std::string &name);
nlohmann::json platform_params_json(const platform_params &p);
/* Apply {"gic": {...}, "platform": {...}} on top of both (or a plain GIC
 * configuration). A top-level "version" must be GICTLM_CONFIG_VERSION. The
 * dotted names of the GIC parameters the text sets ("gic.mem.size", ...) are
 * added to *gic_names when given. */
bool load_config_json(const std::string &text, gic_config_t &gcfg, platform_params &pp,
                      std::string &err, std::set<std::string> *gic_names = nullptr);
/* text as a JSON object into j; false with err ("JSON syntax error at line
 * N, column C", "configuration is not a JSON object") otherwise. */
bool config_json_parse(const std::string &text, nlohmann::json &j, std::string &err);
/* false with err when j has a top-level "version" other than the number
 * GICTLM_CONFIG_VERSION. */
bool config_json_version_ok(const nlohmann::json &j, std::string &err);
nlohmann::json gic_config_json(const gic_config_t &c);
nlohmann::json gic_stats_json(gic_t *g);

/* Check that a parameter set makes a run: errors (a zero MSI interval, no
 * vectors, an empty RAM or one too small for the boot's GIC tables
 * (platform_boot_ram_bytes), devices x vectors beyond the LPIs or overflowing,
 * DeviceIDs beyond gic.its.devbits, times that do not fit the 64-bit
 * picosecond clock, an estimated host memory above platform.max_host_mb)
 * return false with err; suspicious but legal values add a warning.
 * msi_from_us: the devices send from then to platform.sim_time_us (the
 * virtualization platform's hyp.start_us; 0: from the start), for the
 * number of MSIs to simulate. */
bool platform_params_check(const gic_config_t &g, const platform_params &p, std::string &err,
                           std::vector<std::string> &warnings, double msi_from_us = 0);
/* Host memory the run is expected to need (bytes): GIC caches and per-CPU
 * state, LPI tables in the sparse RAM, ITTs, the MSI tracker's per-vector
 * state, latency histograms. An estimate (docs/robustness.md). */
uint64_t platform_host_bytes_estimate(const gic_config_t &g, const platform_params &p);
/* RAM (bytes from platform.ram_base) that the Linux-like boot (cpu.cpp,
 * boot_state::alloc) allocates for the GIC's tables: the LPI property table
 * (2^gic.lpi.id_bits - 8192 bytes), one pending table per CPU (2^id_bits / 8
 * bytes), per ITS its BASER tables (device, collection, vPE) and command
 * queue, then one ITT per device; with the boot's alignments. Exact for the
 * physical platform (ScPlatform.BootRam*); the hypervisor platform allocates
 * more after it. */
uint64_t platform_boot_ram_bytes(const gic_config_t &g, const platform_params &p);

} // namespace gictlm
#endif
