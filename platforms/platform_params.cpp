/* Platform and GIC parameters of gictlm-platform: table, parsing, JSON,
 * validation and the host-memory estimate (platform_params.h). */
#include "platform_params.h"

#include "boot_layout.h"

#include "param_table.h"

#include <cerrno>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <cstring>
#include <functional>
#include <set>
#include <sstream>

using nlohmann::json;

namespace gictlm {

/* ---- parameters ------------------------------------------------------------------------ */

namespace {
#define PU(n, d) {#n, d, param_kind::u64, offsetof(platform_params, n), nullptr}
#define PD(n, d) {#n, d, param_kind::dbl, offsetof(platform_params, n), nullptr}
#define PF(n, d) {#n, d, param_kind::flag, offsetof(platform_params, n), nullptr}
#define PS(n, c, d) {#n, d, param_kind::str, offsetof(platform_params, n), c}
const param_desc kParams[] = {
    PU(devices, "number of MSI devices"),
    PU(vectors, "MSI vectors (EventIDs) per device"),
    PU(first_devid, "DeviceID of device 0 (device i has first_devid + i)"),
    PS(arrival, "periodic,poisson,bursty", "arrival process of each device's MSIs: periodic, poisson or bursty"),
    PD(msi_interval_ns, "mean interval between two MSIs of one device, ns"),
    PU(burst_len, "bursty: MSIs per burst"),
    PD(burst_gap_ns, "bursty: interval inside a burst, ns"),
    PS(eventid_dist, "rr,uniform,zipf", "EventID distribution: round-robin, uniform, Zipf"),
    PD(zipf_s, "Zipf exponent"),
    PU(seed, "random seed of the devices (runs are deterministic)"),
    PD(sim_time_us, "simulated time during which the devices send MSIs, us"),
    PD(drain_time_us, "extra simulated time for in-flight work, us"),
    PD(quantum_ns, "TLM global quantum (temporal decoupling), ns"),
    PD(mem_latency_ns, "memory latency per access (GIC tables, command queue), ns"),
    PF(mem_dmi, "1: memory grants DMI per 4 KiB page (the GIC then bypasses the memory socket: ram_reads/ram_writes count only the other accesses); 0: every access a transaction"),
    PU(ram_base, "physical base of RAM (GIC tables are allocated here)"),
    PU(ram_size, "RAM size in bytes (sparse)"),
    PU(dev_base, "physical base of the device register frames (4 KiB each)"),
    PD(entry_ns, "CPU: exception entry latency before ICC_IAR1_EL1, ns"),
    PD(handler_ns, "CPU: handler run time per interrupt, ns"),
    PD(exit_ns, "CPU: exception return latency, ns"),
    PF(eoi_mode, "ICC_CTLR_EL1.EOImode: 1 = EOIR drops priority, DIR deactivates"),
    PF(touch_device, "1: the handler reads a device register"),
    PF(irq_loop, "CPU: 0 = one interrupt per exception (Linux >= 5.x); 1 = acknowledge until 1023 (Linux 4.x)"),
    PD(device_latency_ns, "latency of a device register read, ns"),
    PD(mmio_latency_ns, "GIC register access latency annotated by the wrapper, ns"),
    PD(msi_latency_ns, "GITS_TRANSLATER write latency annotated by the wrapper, ns"),
    PD(its_poll_ns, "boot: interval between GITS_CREADR polls, ns"),
    PD(its_timeout_us, "boot: give up waiting for the ITS after this, us"),
    PF(sync_on_access, "1: GIC accesses synchronise the caller first (no late inputs)"),
    PF(run_ahead, "1: skip wait()/wake-ups when no other process is due first (same results, faster)"),
    PD(run_ahead_limit_us, "run-ahead: the GIC's driver works at most this far beyond SystemC time, us (0: one quantum)"),
    PU(max_host_mb, "refuse a run whose estimated host memory exceeds this, MiB (raise it to run anyway)"),
    PS(latency_stats, "hist,exact", "latency percentiles: hist = streaming histogram (bounded memory, <= 0.4% relative error), exact = every sample kept"),
};

const param_desc *find(const std::string &n) { return param_find(std::begin(kParams), std::end(kParams), n); }
} // namespace

const std::vector<platform_param_info> &platform_param_list()
{
    static const std::vector<platform_param_info> v = [] {
        std::vector<platform_param_info> r;
        for (const param_desc &d : kParams) r.push_back({d.name, d.doc});
        return r;
    }();
    return v;
}

bool platform_param_set(platform_params &p, const std::string &name, const std::string &value,
                        std::string &err)
{
    const param_desc *d = find(name);
    if (!d) {
        err = "unknown platform parameter '" + name + "'";
        return false;
    }
    return param_set_value(*d, p, "platform." + name, value, 1e15, err);
}

int platform_set_kv(gic_config_t &g, platform_params &p, const std::string &kv, std::string &name,
                    std::string &value, std::string &err)
{
    size_t eq = kv.find('=');
    if (eq == std::string::npos) {
        err = "-p expects NAME=VALUE, got '" + kv + "'";
        return 0;
    }
    name = kv.substr(0, eq);
    value = kv.substr(eq + 1);
    if (name.rfind("gic.", 0) == 0) {
        char e[512] = "";
        if (gic_config_set(&g, name.c_str() + 4, value.c_str(), e, sizeof e) != GIC_OK) {
            err = e;
            return 0;
        }
        return 1;
    }
    if (name.rfind("platform.", 0) == 0) return platform_param_set(p, name.substr(9), value, err) ? 1 : 0;
    return -1;
}

std::string platform_param_get(const platform_params &p, const std::string &name)
{
    const param_desc *d = find(name);
    return d ? param_get_value(*d, p) : "";
}

json platform_params_json(const platform_params &p)
{
    json j = json::object();
    param_table_json(std::begin(kParams), std::end(kParams), p, j);
    return j;
}

static std::string capture(const std::function<void(FILE *)> &fn)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    if (!f) return "";
    fn(f);
    std::fclose(f);
    std::string s(buf, len);
    std::free(buf);
    return s;
}

json gic_config_json(const gic_config_t &c)
{
    std::string s = capture([&](FILE *f) { gic_config_write_json(&c, f); });
    return json::parse(s, nullptr, false);
}

json gic_stats_json(gic_t *g)
{
    std::string s = capture([&](FILE *f) { gic_stats_write_json(g, f); });
    return json::parse(s, nullptr, false);
}

bool config_json_parse(const std::string &text, json &j, std::string &err)
{
    try {
        j = json::parse(text);
    } catch (const json::parse_error &e) {
        /* e.byte: 1-based position of the offending character */
        size_t line = 1, col = 1;
        for (size_t i = 0; i + 1 < e.byte && i < text.size(); i++) {
            if (text[i] == '\n') {
                line++;
                col = 1;
            } else {
                col++;
            }
        }
        err = "JSON syntax error at line " + std::to_string(line) + ", column " + std::to_string(col);
        return false;
    } catch (const json::exception &e) {
        /* not a syntax error: a number out of range (1e999) and the like */
        err = std::string("JSON error: ") + e.what();
        return false;
    }
    if (!j.is_object()) {
        err = "configuration is not a JSON object";
        return false;
    }
    return true;
}

bool config_json_version_ok(const json &j, std::string &err)
{
    auto v = j.find("version");
    if (v == j.end()) return true;
    if (v->is_number_integer() && v->get<int64_t>() == GICTLM_CONFIG_VERSION) return true;
    err = "\"version\": " + v->dump() + " is not supported: this build reads configuration version " +
          std::to_string(GICTLM_CONFIG_VERSION) + " (the number " + std::to_string(GICTLM_CONFIG_VERSION) + ")";
    return false;
}

/* The dotted names of every parameter in the GIC object o (nested objects and
 * dotted keys alike); at the top level, the metadata keys are left out. */
static void gic_names_of(const json &o, const std::string &prefix, std::set<std::string> &names)
{
    for (auto it = o.begin(); it != o.end(); ++it) {
        const std::string &k = it.key();
        if (prefix.empty() && (k == "schema" || k == "version" || k == "comment" || (!k.empty() && k[0] == '_')))
            continue;
        const std::string n = prefix.empty() ? k : prefix + "." + k;
        if (it.value().is_object()) gic_names_of(it.value(), n, names);
        else names.insert("gic." + n);
    }
}

bool load_config_json(const std::string &text, gic_config_t &gcfg, platform_params &pp,
                      std::string &err, std::set<std::string> *gic_names)
{
    json j;
    if (!config_json_parse(text, j, err) || !config_json_version_ok(j, err)) return false;
    if (!j.contains("gic") && !j.contains("platform")) {
        /* a plain GIC configuration file (e.g. platforms/configs/ *.json) */
        char e[512] = "";
        if (gic_config_load_json(&gcfg, text.c_str(), e, sizeof e) != GIC_OK) {
            err = std::string("gic: ") + e;
            return false;
        }
        if (gic_names) gic_names_of(j, "", *gic_names);
        return true;
    }
    for (auto it = j.begin(); it != j.end(); ++it) {
        if (!it.key().empty() && it.key()[0] == '_') continue; /* comments */
        if (it.key() == "gic") {
            std::string s = it.value().dump();
            char e[512] = "";
            if (gic_config_load_json(&gcfg, s.c_str(), e, sizeof e) != GIC_OK) {
                err = std::string("gic: ") + e;
                return false;
            }
            if (gic_names && it.value().is_object()) gic_names_of(it.value(), "", *gic_names);
        } else if (it.key() == "platform") {
            if (!it.value().is_object()) {
                err = "platform: not an object";
                return false;
            }
            for (auto p = it.value().begin(); p != it.value().end(); ++p) {
                std::string v = p.value().is_string() ? p.value().get<std::string>() : p.value().dump();
                if (!platform_param_set(pp, p.key(), v, err)) return false;
            }
        } else if (it.key() == "schema" || it.key() == "version" || it.key() == "comment") {
            continue;
        } else {
            err = "unknown section '" + it.key() + "' (expected gic, platform)";
            return false;
        }
    }
    return true;
}

/* ---- validation and resource estimate ------------------------------------------------ */

uint64_t platform_host_bytes_estimate(const gic_config_t &g, const platform_params &p)
{
    /* saturating arithmetic: the estimate itself must not overflow */
    auto add = [](uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; };
    auto mul = [](uint64_t a, uint64_t b) { return b && a > UINT64_MAX / b ? UINT64_MAX : a * b; };
    uint64_t b = 64ull << 20; /* SystemC kernel, libraries, the GIC's fixed state */
    const uint64_t nlpi = g.lpi_id_bits ? 1ull << g.lpi_id_bits : 0;
    /* LPI property table (1 byte per INTID) and one pending table (1 bit per
     * INTID) per CPU in the sparse RAM, all touched at worst; the core's own
     * per-LPI state is sparse (measured: 8 CPUs with 24 ID bits need 18 MiB,
     * the property table's 16 MiB included) */
    b = add(b, nlpi);
    b = add(b, mul(g.num_cpus, nlpi / 8));
    /* the GIC instance itself: caches exactly, per-CPU and per-ITS state */
    b = add(b, gic_config_host_bytes_estimate(&g));
    /* per MSI vector: an ITT entry in RAM (8 bytes, page granular), the
     * tracker's send FIFO and LPI state (about 80 bytes) */
    const uint64_t vecs = mul(p.devices, p.vectors);
    b = add(b, mul(vecs, 88));
    b = add(b, mul(p.devices, 4096)); /* per device: ITT page, device model, register frame */
    /* exact latency statistics keep 3 x 8 bytes per MSI */
    if (p.latency_stats == "exact" && p.msi_interval_ns > 0) {
        double msis = (double)p.devices * (p.sim_time_us * 1000.0 / p.msi_interval_ns);
        double bytes = msis * 24.0;
        b = bytes >= 1.8e19 ? UINT64_MAX : add(b, (uint64_t)bytes);
    }
    return b;
}

uint64_t platform_boot_ram_bytes(const gic_config_t &g, const platform_params &p)
{
    using namespace boot_layout;
    if (!g.lpi_id_bits) return 0; /* no LPIs: the boot allocates nothing */
    /* saturating: absurd sizes must not wrap around */
    auto add = sat_add;
    auto mul = [](uint64_t a, uint64_t b) { return b && a > UINT64_MAX / b ? UINT64_MAX : a * b; };
    uint64_t next = p.ram_base; /* boot_state::alloc: a bump allocator, aligned in absolute addresses */
    auto alloc = [&](uint64_t size, uint64_t align) { next = sat_add(align_up(next, align), size); };
    const uint32_t bits = g.lpi_id_bits;
    alloc(prop_bytes(bits), kPage);
    /* GITS_BASER<n> as the model reports them (model/its_regs.c): device
     * table (2^devbits entries of 8 bytes), collection table unless every
     * collection is held in the ITS (one 8-byte entry per CPU), vPE table
     * with GICv4 (2^16 entries of 16 bytes, 32 with GICv4.1), then the
     * command queue */
    const bool v4 = g.gic_version == 4, v41 = v4 && g.gicv4_1;
    const bool colls_held = g.its_cid_bits < 32 && g.its_hcc >= (1ull << g.its_cid_bits);
    auto table = [&](uint64_t entries, uint64_t esz) { alloc(its_table_pages(entries, esz) * kPage, kPage); };
    for (uint32_t i = 0; i < g.num_its; i++) {
        table(1ull << g.its_devbits, 8);
        if (!colls_held) table(g.num_cpus, 8);
        if (v4) table(1ull << 16, v41 ? 32 : 16);
        alloc(kCmdqBytes, kPage);
    }
    for (uint32_t c = 0; c < g.num_cpus; c++) alloc(pend_bytes(bits), kPage);
    if (p.devices && g.num_its) {
        /* one ITT per device (GITS_TYPER.ITT_entry_size: 16 bytes with GICv4), aligned */
        const uint64_t itt = mul(1ull << itt_event_bits(p.vectors), v4 ? 16 : 8);
        alloc(0, kIttAlign);
        const uint64_t stride = align_up(itt, kIttAlign);
        next = add(next, add(mul(p.devices - 1, stride), itt));
    }
    return next - p.ram_base;
}

bool platform_params_check(const gic_config_t &g, const platform_params &p, std::string &err,
                           std::vector<std::string> &warnings, double msi_from_us)
{
    char buf[512];
    /* SystemC time and the GIC's clock are 64-bit picoseconds: about 213 days */
    const double max_ps = 1.8e19;
    auto ps = [](double ns) { return ns * 1000.0; };
    if (p.msi_interval_ns <= 0 && p.devices) {
        err = "platform.msi_interval_ns must be > 0 (a zero interval sends infinitely many MSIs at one instant)";
        return false;
    }
    if (p.msi_interval_ns > 0 && p.msi_interval_ns < 0.001 && p.devices) {
        err = "platform.msi_interval_ns is below the 1 ps time resolution";
        return false;
    }
    if (p.devices && p.vectors == 0) {
        err = "platform.vectors must be >= 1 when there are devices (no EventID to send)";
        return false;
    }
    if (p.vectors > 0xffffffffull || p.devices > 0xffffffffull) {
        err = "platform.devices and platform.vectors must each fit 32 bits";
        return false;
    }
    if (p.devices && p.vectors > UINT64_MAX / p.devices) {
        err = "platform.devices x platform.vectors overflows";
        return false;
    }
    const uint64_t nlpi = g.lpi_id_bits ? (1ull << g.lpi_id_bits) - 8192 : 0;
    if (p.devices * p.vectors > nlpi) {
        std::snprintf(buf, sizeof buf,
                      "platform.devices x platform.vectors = %" PRIu64 " exceeds the %" PRIu64
                      " LPIs of gic.lpi.id_bits=%u",
                      p.devices * p.vectors, nlpi, g.lpi_id_bits);
        err = buf;
        return false;
    }
    if (p.devices && g.num_its == 0) {
        err = "platform.devices > 0 needs an ITS (gic.its.count >= 1)";
        return false;
    }
    if (p.devices && g.its_eventid_bits < 32 && p.vectors > (1ull << g.its_eventid_bits)) {
        std::snprintf(buf, sizeof buf, "platform.vectors = %" PRIu64 " exceeds the %u EventID bits (gic.its.eventid_bits)",
                      p.vectors, g.its_eventid_bits);
        err = buf;
        return false;
    }
    if (p.devices && (p.first_devid + p.devices - 1 < p.first_devid ||
                      (g.its_devbits < 64 && p.first_devid + p.devices - 1 >= (1ull << g.its_devbits)))) {
        std::snprintf(buf, sizeof buf, "DeviceIDs %" PRIu64 "..%" PRIu64 " do not fit gic.its.devbits=%u",
                      p.first_devid, p.first_devid + p.devices - 1, g.its_devbits);
        err = buf;
        return false;
    }
    if (p.ram_size == 0) {
        err = "platform.ram_size must be > 0 (the GIC's tables and command queue live in RAM)";
        return false;
    }
    if (p.ram_base + p.ram_size < p.ram_base) {
        err = "platform.ram_base + platform.ram_size overflows the 64-bit address space";
        return false;
    }
    if (p.ram_size < (1ull << 20)) {
        std::snprintf(buf, sizeof buf, "platform.ram_size = %" PRIu64 " bytes: at least 1 MiB is needed for the GIC's tables",
                      p.ram_size);
        err = buf;
        return false;
    }
    const uint64_t boot_ram = platform_boot_ram_bytes(g, p);
    if (boot_ram > p.ram_size) {
        const uint64_t nlpi = 1ull << g.lpi_id_bits;
        std::snprintf(buf, sizeof buf,
                      "platform.ram_size = %" PRIu64 " bytes cannot hold the GIC tables the boot allocates: %" PRIu64
                      " bytes are needed (LPI property table %" PRIu64 " bytes for gic.lpi.id_bits=%u, %u pending "
                      "tables of %" PRIu64 " bytes, ITS tables, command queues and ITTs); raise platform.ram_size to "
                      "at least %" PRIu64 " or lower gic.lpi.id_bits",
                      p.ram_size, boot_ram, nlpi - 8192, g.lpi_id_bits, g.num_cpus, nlpi / 8, boot_ram);
        err = buf;
        return false;
    }
    const double total_ps = ps((p.sim_time_us + p.drain_time_us) * 1000.0);
    if (total_ps >= max_ps) {
        std::snprintf(buf, sizeof buf,
                      "platform.sim_time_us + drain_time_us = %.6g us does not fit the 64-bit picosecond clock (max %.6g us)",
                      p.sim_time_us + p.drain_time_us, max_ps / 1e6);
        err = buf;
        return false;
    }
    if (p.devices && p.msi_interval_ns > 0) {
        const double window_us = p.sim_time_us > msi_from_us ? p.sim_time_us - msi_from_us : 0.0;
        const double msis = (double)p.devices * window_us * 1000.0 / p.msi_interval_ns;
        if (msis > 1e12) {
            std::snprintf(buf, sizeof buf, "about %.3g MSIs would be simulated (more than 1e12): a run of years", msis);
            err = buf;
            return false;
        }
        if (msis > 1e9) {
            std::snprintf(buf, sizeof buf, "about %.3g MSIs will be simulated: hours of host time", msis);
            warnings.push_back(buf);
        }
    }
    if (p.devices && p.arrival == "bursty" && p.burst_len == 0) {
        err = "platform.burst_len must be >= 1 for bursty arrivals";
        return false;
    }
    if (p.quantum_ns <= 0) warnings.push_back("platform.quantum_ns = 0: no temporal decoupling (slow)");
    const uint64_t est = platform_host_bytes_estimate(g, p);
    const uint64_t limit = p.max_host_mb > UINT64_MAX >> 20 ? UINT64_MAX : p.max_host_mb << 20;
    if (est > limit) {
        std::snprintf(buf, sizeof buf,
                      "estimated host memory %.1f MiB exceeds platform.max_host_mb=%" PRIu64
                      " (raise it with -p platform.max_host_mb=N to run anyway)",
                      (double)est / (1 << 20), p.max_host_mb);
        err = buf;
        return false;
    }
    return true;
}

} // namespace gictlm
