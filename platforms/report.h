/*
 * The architect's report of a platform run (gictlm-platform; docs/platform.md,
 * "The architect's report"): every MSI followed through its stages
 *   MSI (GITS_TRANSLATER write) -> pending (the ITS's outcome: translated and
 *   set pending at the redistributor) -> signalled (the target CPU's IRQ line
 *   is high) -> acknowledged (ICC_IAR*_EL1 returns the LPI) -> EOI
 * with percentiles up to p99.9 per stage, per device and per CPU (so that
 * unfairness and starvation show), the GIC caches' evictions and occupancy,
 * statistics over time windows with a saturation warning when the offered
 * load exceeds what the CPUs retire, and one CSV line per run.
 *
 * It watches the GIC wrapper's inputs and outputs only (add_input_observer,
 * add_output_observer): nothing in the platform changes, results stay the same.
 */
#ifndef GICTLM_REPORT_H
#define GICTLM_REPORT_H

#include "gic_tlm.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <cstdio>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace gictlm {

class platform;

/* Log-linear histogram of non-negative values (ps): exact below 256, else
 * 128 buckets per power of two (a value is reported as its bucket's middle:
 * at most 0.4% off, and never outside [min, max]). Constant memory whatever
 * the number of samples. */
class log_hist {
public:
    void add(uint64_t v);
    uint64_t count() const { return n_; }
    uint64_t min() const { return n_ ? min_ : 0; }
    uint64_t max() const { return max_; }
    double mean() const { return n_ ? sum_ / (double)n_ : 0.0; }
    /* nearest-rank percentile, p in (0, 100] */
    uint64_t percentile(double p) const;
    void merge(const log_hist &o);

private:
    static size_t index(uint64_t v);
    static uint64_t value_of(size_t i);
    std::vector<uint64_t> b_;
    uint64_t n_ = 0, min_ = UINT64_MAX, max_ = 0;
    double sum_ = 0;
};

class architect_report {
public:
    /* window_ps: length of the statistics windows; traffic_end_ps: the devices
     * send no MSI after this time (the saturation check looks at the traffic). */
    architect_report(gic_tlm &gic, uint64_t window_ps, uint64_t traffic_end_ps);

    void print(std::FILE *f, const platform &p) const;
    nlohmann::json json(const platform &p) const;
    /* One line per run (--csv): the header, and the values of this run. */
    static std::string csv_header();
    std::string csv_line(const platform &p, double host_seconds) const;
    bool saturated() const;

    enum stage { S_PENDING, S_SIGNAL, S_ACK, S_EOI, S_TO_ACK, S_TO_EOI, S_COUNT };

private:
    struct msi_rec {
        uint64_t sent, pend;
        uint32_t devid;
    };
    struct active {
        uint32_t intid;
        uint64_t ack;
        std::vector<msi_rec> msis;
    };
    struct window {
        uint64_t offered = 0, retired = 0, dropped = 0;
        uint64_t acks = 0; /* acknowledges that served MSIs (handler runs) */
        double lat_sum = 0; /* MSI -> acknowledged of the MSIs retired in it, ps */
        uint64_t lat_max = 0;
    };
    struct per_key {
        std::vector<uint64_t> t; /* send times, FIFO */
        size_t head = 0;
    };
    void on_input(const gic_tlm_input &in);
    void on_output(const gic_output_t &o);
    window &win(uint64_t t);
    struct saturation_info {
        bool saturated = false;
        double offered_per_us = 0, retired_per_us = 0, acks_per_us = 0;
        bool backlog_grows = false, coalescing = false;
        uint64_t backlog_mid = 0, backlog_end = 0, offered = 0;
    };
    saturation_info saturation() const;

    gic_tlm &gic_;
    uint64_t window_ps_, traffic_end_ps_;
    uint64_t first_offered_ps_ = UINT64_MAX, last_ps_ = 0; /* the first MSI's time, the latest event's */
    uint32_t ncpus_;
    log_hist stage_[S_COUNT];
    std::map<uint32_t, log_hist> dev_ack_;       /* DeviceID -> MSI -> acknowledged */
    std::map<uint32_t, uint64_t> dev_sent_, dev_dropped_;
    std::vector<log_hist> cpu_ack_;              /* [cpu] MSI -> acknowledged */
    std::vector<uint64_t> cpu_msis_;             /* [cpu] MSIs served */
    std::vector<uint64_t> last_rise_;            /* [cpu] last rising edge of IRQ */
    std::vector<std::vector<active>> active_;    /* [cpu] acknowledged, not EOI'd */
    std::vector<std::unordered_map<uint64_t, per_key>> sent_; /* [its]: (devid, eventid) */
    std::unordered_map<uint32_t, std::vector<msi_rec>> waiting_; /* INTID -> pending MSIs */
    std::vector<window> windows_;
    uint64_t unmatched_ = 0;
};

/* Strict parsing of START_US:END_US (END_US may be empty: to the end). */
bool parse_us_window(const std::string &s, uint64_t &start_ps, uint64_t &end_ps, std::string &err);

} // namespace gictlm
#endif
