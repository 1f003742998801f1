/*
 * The hypervisor platform's report (JSON schema "gictlm-hyp-report",
 * version kHypReportVersion; docs/platform.md "Hypervisor report"), the text
 * form of one run, and the side-by-side comparison of several modes
 * (--compare-modes: JSON schema "gictlm-hyp-compare").
 */
#ifndef GICTLM_HYP_REPORT_H
#define GICTLM_HYP_REPORT_H

#include <nlohmann/json.hpp>

#include <cstdio>
#include <string>
#include <vector>

namespace gictlm {

void hyp_report_text(std::FILE *f, const nlohmann::json &r);
/* The report's words for boot.state: FAILED, DONE TOO LATE or NOT DONE. */
const char *hyp_boot_label(const std::string &state);
void hyp_compare_text(std::FILE *f, const std::vector<nlohmann::json> &runs);
nlohmann::json hyp_compare_json(const std::vector<nlohmann::json> &runs);

} // namespace gictlm
#endif
