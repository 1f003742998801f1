/*
 * --verbose MODULE=LEVEL of gictlm-platform's front ends (main.cpp, the
 * physical platform; hyp_cli.cpp, --hyp and --compare-modes): the GIC's log
 * level, per core log component, and SystemC's verbosity.
 *
 * MODULE is 'gic' (every core component), 'sc' (SystemC info verbosity), a
 * family of core log components as the C API lists them
 * (gic_log_component_family: its, lpi, vpe, icc, icv, ich, gicd, ...), or an
 * instance of one (its1). LEVEL is error, warn, info or debug.
 */
#ifndef GICTLM_LOG_OPTIONS_H
#define GICTLM_LOG_OPTIONS_H

#include "gictlm.h"

#include <map>
#include <string>

namespace gictlm {

struct log_options {
    gic_log_level_t gic_level = GIC_LOG_WARN;
    /* per component or family, lower case (gic_tlm_options::component_log_level) */
    std::map<std::string, gic_log_level_t> components;

    /* One --verbose value: false and err for an unknown module or level.
     * 'sc' sets SystemC's verbosity at once. */
    bool parse(const std::string &kv, std::string &err);
    /* Once the configuration is known: every instance named (its<N>) exists,
     * written without leading zeros; a family may have a frame part
     * (gicr_rd: the core's register-map messages of that frame). */
    bool check_instances(const gic_config_t &g, std::string &err) const;
    /* "gic, sc, api, core, ..., its<N>": what MODULE may be. */
    static std::string modules();
};

} // namespace gictlm

#endif
