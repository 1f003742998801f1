/* --verbose MODULE=LEVEL (log_options.h). */
#include "log_options.h"

#include "gic_tlm.h"

#include <cctype>
#include <cstdlib>

#include <systemc>

namespace gictlm {

static bool parse_level(const std::string &s, gic_log_level_t &l)
{
    if (s == "error") l = GIC_LOG_ERROR;
    else if (s == "warn") l = GIC_LOG_WARN;
    else if (s == "info") l = GIC_LOG_INFO;
    else if (s == "debug") l = GIC_LOG_DEBUG;
    else return false;
    return true;
}

std::string log_options::modules()
{
    std::string m = "gic, sc";
    for (size_t i = 0; const char *f = gic_log_component_family(i); i++) m += std::string(", ") + f;
    return m + ", its<N>";
}

bool log_options::parse(const std::string &kv, std::string &err)
{
    const size_t eq = kv.find('=');
    gic_log_level_t l;
    if (eq == std::string::npos || !parse_level(kv.substr(eq + 1), l)) {
        err = "--verbose expects MODULE=error|warn|info|debug";
        return false;
    }
    std::string m = kv.substr(0, eq);
    for (char &ch : m) ch = (char)std::tolower((unsigned char)ch);
    if (m == "gic") {
        gic_level = l;
    } else if (m == "sc") {
        using namespace sc_core;
        sc_report_handler::set_verbosity_level(l == GIC_LOG_DEBUG ? SC_DEBUG : l == GIC_LOG_INFO ? SC_HIGH : SC_LOW);
    } else if (!gic_tlm::log_component_known(m)) {
        err = "--verbose: unknown module '" + m + "' (" + modules() + ")";
        return false;
    } else {
        components[m] = l;
    }
    return true;
}

bool log_options::check_instances(const gic_config_t &g, std::string &err) const
{
    for (const auto &cl : components) {
        /* a family ("gicr"), a family and a frame part ("gicr_rd", as the
         * core names register-map messages), or an ITS instance ("its1",
         * decimal without leading zeros, one of the configuration's) */
        const std::string &m = cl.first;
        const std::string fam = gic_tlm::log_family(m);
        const size_t us = m.find('_');
        const std::string inst = m.substr(fam.size(), us == std::string::npos ? std::string::npos : us - fam.size());
        if (inst.empty() && (us == std::string::npos || us + 1 < m.size())) continue;
        const unsigned long n = std::strtoul(inst.c_str(), nullptr, 10);
        if (fam == "its" && us == std::string::npos && !inst.empty() && (inst == "0" || inst[0] != '0') &&
            inst.size() <= 4 && n < g.num_its)
            continue;
        std::string its;
        for (uint32_t i = 0; i < g.num_its; i++) its += (i ? ", its" : "its") + std::to_string(i);
        err = "--verbose: no component '" + m + "' in this configuration (ITS instances: " +
              (its.empty() ? "none" : its) + "; modules: " + modules() + ")";
        return false;
    }
    return true;
}

} // namespace gictlm
