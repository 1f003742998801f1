/* The architect's report (report.h). */
#include "report.h"

#include "platform.h"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <sstream>

namespace gictlm {

/* ---- log_hist ------------------------------------------------------------------ */

size_t log_hist::index(uint64_t v)
{
    if (v < 256) return (size_t)v;
    const unsigned e = 63u - (unsigned)__builtin_clzll(v); /* 8..63 */
    const uint64_t m = v >> (e - 7);                     /* 128..255 */
    return 256 + (size_t)(e - 8) * 128 + (size_t)(m - 128);
}

uint64_t log_hist::value_of(size_t i)
{
    if (i < 256) return i;
    const unsigned e = (unsigned)((i - 256) / 128) + 8;
    const uint64_t m = (i - 256) % 128 + 128;
    const uint64_t lo = m << (e - 7), w = 1ull << (e - 7);
    return lo + w / 2;
}

void log_hist::add(uint64_t v)
{
    size_t i = index(v);
    if (i >= b_.size()) b_.resize(i + 1, 0);
    b_[i]++;
    n_++;
    if (v < min_) min_ = v;
    if (v > max_) max_ = v;
    sum_ += (double)v;
}

uint64_t log_hist::percentile(double p) const
{
    if (!n_) return 0;
    uint64_t rank = (uint64_t)std::ceil(p / 100.0 * (double)n_);
    if (rank < 1) rank = 1;
    if (rank > n_) rank = n_;
    uint64_t seen = 0;
    for (size_t i = 0; i < b_.size(); i++) {
        seen += b_[i];
        if (seen >= rank) return std::min(std::max(value_of(i), min_), max_);
    }
    return max_;
}

void log_hist::merge(const log_hist &o)
{
    if (o.b_.size() > b_.size()) b_.resize(o.b_.size(), 0);
    for (size_t i = 0; i < o.b_.size(); i++) b_[i] += o.b_[i];
    n_ += o.n_;
    min_ = std::min(min_, o.min_);
    max_ = std::max(max_, o.max_);
    sum_ += o.sum_;
}

/* ---- following the MSIs ------------------------------------------------------------- */

architect_report::architect_report(gic_tlm &gic, uint64_t window_ps, uint64_t traffic_end_ps)
    : gic_(gic), window_ps_(window_ps ? window_ps : 1000000000ull), traffic_end_ps_(traffic_end_ps),
      ncpus_(gic.config().num_cpus)
{
    cpu_ack_.resize(ncpus_);
    cpu_msis_.assign(ncpus_, 0);
    last_rise_.assign(ncpus_, 0);
    active_.resize(ncpus_);
    sent_.resize(gic.config().num_its ? gic.config().num_its : 1);
    gic.add_input_observer([this](const gic_tlm_input &in) { on_input(in); });
    gic.add_output_observer([this](const gic_output_t &o) { on_output(o); },
                            1u << GIC_OUT_MSI | 1u << GIC_OUT_LINE);
}

architect_report::window &architect_report::win(uint64_t t)
{
    size_t i = (size_t)(t / window_ps_);
    if (i >= windows_.size()) windows_.resize(i + 1);
    if (t > last_ps_) last_ps_ = t;
    return windows_[i];
}

void architect_report::on_input(const gic_tlm_input &in)
{
    switch (in.kind) {
    case gic_tlm_input::MSI: {
        if (in.its >= sent_.size()) return;
        per_key &k = sent_[in.its][(uint64_t)in.devid << 32 | in.eventid];
        k.t.push_back(in.t);
        dev_sent_[in.devid]++;
        win(in.t).offered++;
        if (in.t < first_offered_ps_) first_offered_ps_ = in.t;
        break;
    }
    case gic_tlm_input::SYSREG_READ: {
        if ((in.reg != GIC_ICC_IAR1_EL1 && in.reg != GIC_ICC_IAR0_EL1) || in.status != GIC_OK || in.cpu >= ncpus_)
            return;
        const uint32_t intid = (uint32_t)(in.value & 0xffffff);
        if (intid >= 1020 && intid <= 1023) return;
        active a{intid, in.t, {}};
        auto it = waiting_.find(intid);
        if (it != waiting_.end()) {
            a.msis.swap(it->second);
            waiting_.erase(it);
        }
        window &w = win(in.t);
        if (!a.msis.empty()) w.acks++;
        for (const msi_rec &m : a.msis) {
            /* signalled: when the CPU's IRQ line last rose, unless it was
             * already high when the LPI became pending */
            const uint64_t sig = std::max(m.pend, std::min(last_rise_[in.cpu], in.t));
            stage_[S_PENDING].add(m.pend - m.sent);
            stage_[S_SIGNAL].add(sig - m.pend);
            stage_[S_ACK].add(in.t - sig);
            stage_[S_TO_ACK].add(in.t - m.sent);
            dev_ack_[m.devid].add(in.t - m.sent);
            cpu_ack_[in.cpu].add(in.t - m.sent);
            cpu_msis_[in.cpu]++;
            w.retired++;
            w.lat_sum += (double)(in.t - m.sent);
            w.lat_max = std::max(w.lat_max, in.t - m.sent);
        }
        active_[in.cpu].push_back(std::move(a));
        break;
    }
    case gic_tlm_input::SYSREG_WRITE: {
        if ((in.reg != GIC_ICC_EOIR1_EL1 && in.reg != GIC_ICC_EOIR0_EL1) || in.cpu >= ncpus_) return;
        const uint32_t intid = (uint32_t)(in.value & 0xffffff);
        auto &st = active_[in.cpu];
        for (size_t i = st.size(); i-- > 0;) {
            if (st[i].intid != intid) continue;
            for (const msi_rec &m : st[i].msis) {
                stage_[S_EOI].add(in.t - st[i].ack);
                stage_[S_TO_EOI].add(in.t - m.sent);
            }
            st.erase(st.begin() + (std::ptrdiff_t)i);
            break;
        }
        break;
    }
    default: break;
    }
}

void architect_report::on_output(const gic_output_t &o)
{
    if (o.kind == GIC_OUT_LINE) {
        if (o.line == GIC_LINE_IRQ && o.level && o.cpu < ncpus_) last_rise_[o.cpu] = o.time;
        return;
    }
    /* GIC_OUT_MSI: the oldest MSI of this (ITS, DeviceID, EventID) */
    uint64_t sent = o.time;
    if (o.its < sent_.size()) {
        auto it = sent_[o.its].find((uint64_t)o.devid << 32 | o.eventid);
        if (it != sent_[o.its].end() && it->second.head < it->second.t.size()) {
            per_key &k = it->second;
            sent = k.t[k.head++];
            if (k.head == k.t.size()) k.t.clear(), k.head = 0;
        } else {
            unmatched_++;
        }
    }
    if (o.outcome == GIC_MSI_DROPPED) {
        dev_dropped_[o.devid]++;
        win(o.time).dropped++;
        return;
    }
    waiting_[o.intid].push_back(msi_rec{sent, o.time, o.devid});
}

/* ---- saturation ----------------------------------------------------------------------- */

/* Offered load (MSIs sent) against what the CPUs retire, over the windows of
 * the traffic. Saturated when either
 *  - the backlog (sent, not yet acknowledged) at the end of the traffic is
 *    large (over 64 MSIs and 1% of those sent) and grew by half since the
 *    middle, or
 *  - the CPUs take fewer interrupts than MSIs arrive (acknowledges < 95% of
 *    the MSIs sent): the rest coalesce into LPIs that are still pending,
 *    i.e. the CPUs do not get to an LPI before its next MSI; the LPIs served
 *    last wait longer the longer the run is.
 * Either way latencies grow with the length of the run. */
architect_report::saturation_info architect_report::saturation() const
{
    saturation_info s;
    const size_t nw = std::min(windows_.size(), (size_t)((traffic_end_ps_ + window_ps_ - 1) / window_ps_));
    size_t first = 0;
    while (first < nw && windows_[first].offered == 0) first++;
    if (first >= nw) return s;
    uint64_t off = 0, ret = 0, acks = 0, backlog = 0;
    const size_t mid = first + (nw - first) / 2;
    for (size_t i = 0; i < nw; i++) {
        backlog += windows_[i].offered;
        backlog -= std::min(backlog, windows_[i].retired + windows_[i].dropped);
        if (i >= first) {
            off += windows_[i].offered;
            ret += windows_[i].retired;
            acks += windows_[i].acks;
        }
        if (i + 1 == mid) s.backlog_mid = backlog;
    }
    s.backlog_end = backlog;
    s.offered = off;
    /* the rates over the traffic's time: from the first MSI to the end of
     * the traffic, or of what the run saw (a window longer than the run, a
     * run stopped early), not over whole windows */
    const uint64_t end = std::min(traffic_end_ps_, last_ps_);
    const double us = end > first_offered_ps_ ? (double)(end - first_offered_ps_) / 1e6 : 0;
    s.offered_per_us = us > 0 ? (double)off / us : 0;
    s.retired_per_us = us > 0 ? (double)ret / us : 0;
    s.acks_per_us = us > 0 ? (double)acks / us : 0;
    s.backlog_grows = s.backlog_end > 64 && (double)s.backlog_end > 0.01 * (double)off &&
                      (double)s.backlog_end > 1.5 * (double)s.backlog_mid;
    s.coalescing = off > 100 && (double)acks < 0.95 * (double)off;
    s.saturated = s.backlog_grows || s.coalescing;
    return s;
}

bool architect_report::saturated() const { return saturation().saturated; }

/* ---- output ------------------------------------------------------------------------- */

static const char *const kStageName[] = {"MSI -> pending",        "pending -> signalled",
                                         "signalled -> acknowledged", "acknowledged -> EOI",
                                         "MSI -> acknowledged",   "MSI -> EOI"};
static const char *const kStageKey[] = {"msi_to_pending", "pending_to_signalled", "signalled_to_ack",
                                        "ack_to_eoi",     "msi_to_ack",           "msi_to_eoi"};

static double ns(uint64_t ps) { return (double)ps / 1000.0; }

static nlohmann::json hist_json(const log_hist &h)
{
    return {{"count", h.count()},
            {"min_ps", h.min()},
            {"p50_ps", h.percentile(50)},
            {"p90_ps", h.percentile(90)},
            {"p99_ps", h.percentile(99)},
            {"p999_ps", h.percentile(99.9)},
            {"max_ps", h.max()},
            {"mean_ps", h.mean()}};
}

struct cache_row {
    std::string name;
    uint64_t entries = 0, hits = 0, misses = 0, evictions = 0, fills = 0, invalidations = 0;
    uint64_t occupancy() const
    {
        uint64_t out = evictions + invalidations;
        uint64_t occ = fills > out ? fills - out : 0;
        return entries ? std::min(occ, entries) : occ;
    }
};

static std::vector<cache_row> caches(gic_t *g, const gic_config_t &c)
{
    std::vector<cache_row> rows;
    for (size_t i = 0;; i++) {
        const char *n = gic_stat_name(g, 0, i);
        if (!n) break;
        std::string s = n;
        const std::string suf = ".hits";
        if (s.find(".cache") == std::string::npos || s.size() < suf.size() ||
            s.compare(s.size() - suf.size(), suf.size(), suf) != 0)
            continue;
        cache_row r;
        r.name = s.substr(0, s.size() - suf.size());
        auto get = [&](const char *what) {
            uint64_t v = 0;
            gic_stat_counter(g, (r.name + "." + what).c_str(), &v);
            return v;
        };
        r.hits = get("hits");
        r.misses = get("misses");
        r.evictions = get("evictions");
        r.fills = get("fills");
        r.invalidations = get("invalidations");
        if (r.name.find(".cache.event") != std::string::npos) r.entries = c.its_event_cache.entries;
        else if (r.name.find(".cache.device") != std::string::npos) r.entries = c.its_device_cache.entries;
        else if (r.name.find(".cache.collection") != std::string::npos) r.entries = c.its_collection_cache.entries;
        else if (r.name.rfind("lpi.cache", 0) == 0) r.entries = c.lpi_cache.entries;
        rows.push_back(r);
    }
    return rows;
}

void architect_report::print(std::FILE *f, const platform &p) const
{
    std::fprintf(f, "\nArchitect's report\n");
    std::fprintf(f, "Latency by stage (ns)          count        p50        p90        p99      p99.9        max       mean\n");
    for (int s = 0; s < S_COUNT; s++) {
        const log_hist &h = stage_[s];
        std::fprintf(f, "  %-26s %10llu %10.1f %10.1f %10.1f %10.1f %10.1f %10.1f\n", kStageName[s],
                     (unsigned long long)h.count(), ns(h.percentile(50)), ns(h.percentile(90)), ns(h.percentile(99)),
                     ns(h.percentile(99.9)), ns(h.max()), h.mean() / 1000.0);
    }
    gic_hist_summary_t tr;
    if (gic_stat_hist(gic_.core(), "msi.latency.translate", &tr) && tr.count)
        std::fprintf(f, "  (of MSI -> pending: ITS translation, GIC histogram msi.latency.translate: p50 %.1f, p90 %.1f, p99 %.1f ns)\n",
                     ns(tr.p50), ns(tr.p90), ns(tr.p99));
    std::fprintf(f, "  signalled: the target CPU's IRQ line rose (or was already high); percentiles within 0.4%%\n");

    std::fprintf(f, "Per device (MSI -> acknowledged, ns)   sent  dropped        p50        p99      p99.9        max\n");
    uint64_t best = UINT64_MAX, worst = 0;
    for (const auto &d : dev_sent_) {
        auto it = dev_ack_.find(d.first);
        log_hist empty;
        const log_hist &h = it != dev_ack_.end() ? it->second : empty;
        auto dr = dev_dropped_.find(d.first);
        std::fprintf(f, "  dev %-8u %23llu %8llu %10.1f %10.1f %10.1f %10.1f\n", d.first, (unsigned long long)d.second,
                     (unsigned long long)(dr != dev_dropped_.end() ? dr->second : 0), ns(h.percentile(50)),
                     ns(h.percentile(99)), ns(h.percentile(99.9)), ns(h.max()));
        if (h.count()) {
            best = std::min(best, h.percentile(99));
            worst = std::max(worst, h.percentile(99));
        }
    }
    if (best != UINT64_MAX && best > 0)
        std::fprintf(f, "  fairness: p99 of the slowest device / the fastest = %.2f\n", (double)worst / (double)best);

    std::fprintf(f, "Per CPU (MSI -> acknowledged, ns)     MSIs        p50        p99      p99.9        max   busy\n");
    const double sim_ps = (double)(p.total_time().value() / sc_core::sc_time(1, sc_core::SC_PS).value());
    for (uint32_t c = 0; c < ncpus_; c++) {
        const log_hist &h = cpu_ack_[c];
        double busy = c < p.cpus.size() && sim_ps > 0 ? 100.0 * (double)p.cpus[c]->busy_ps / sim_ps : 0;
        std::fprintf(f, "  cpu%-3u %30llu %10.1f %10.1f %10.1f %10.1f %5.1f%%\n", c, (unsigned long long)cpu_msis_[c],
                     ns(h.percentile(50)), ns(h.percentile(99)), ns(h.percentile(99.9)), ns(h.max()), busy);
    }
    std::fprintf(f, "  busy: exception entry + handler + exception return, over the simulated time\n");

    std::fprintf(f, "Caches                          entries       hits     misses  evictions  occupancy\n");
    for (const cache_row &r : caches(gic_.core(), gic_.config()))
        std::fprintf(f, "  %-28s %9llu %10llu %10llu %10llu %10llu\n", r.name.c_str(), (unsigned long long)r.entries,
                     (unsigned long long)r.hits, (unsigned long long)r.misses, (unsigned long long)r.evictions,
                     (unsigned long long)r.occupancy());
    std::fprintf(f, "  occupancy: entries filled and not evicted or invalidated at the end\n");

    /* windows: at most 20 lines (consecutive windows merged) */
    const size_t nw = windows_.size();
    const size_t per = nw > 20 ? (nw + 19) / 20 : 1;
    std::fprintf(f, "Time windows (%.0f us each)        offered    retired       irqs    dropped    backlog  mean MSI->ack  max MSI->ack (ns)\n",
                 (double)(window_ps_ * per) / 1e6);
    uint64_t backlog = 0;
    for (size_t i = 0; i < nw; i += per) {
        window w;
        for (size_t j = i; j < std::min(nw, i + per); j++) {
            const window &x = windows_[j];
            w.offered += x.offered;
            w.retired += x.retired;
            w.dropped += x.dropped;
            w.acks += x.acks;
            w.lat_sum += x.lat_sum;
            w.lat_max = std::max(w.lat_max, x.lat_max);
            backlog += x.offered;
            backlog -= std::min(backlog, x.retired + x.dropped);
        }
        std::fprintf(f, "  %10.0f .. %-10.0f us %10llu %10llu %10llu %10llu %10llu %14.1f %13.1f\n", (double)(i * window_ps_) / 1e6,
                     (double)(std::min(nw, i + per) * window_ps_) / 1e6, (unsigned long long)w.offered,
                     (unsigned long long)w.retired, (unsigned long long)w.acks, (unsigned long long)w.dropped, (unsigned long long)backlog,
                     w.retired ? w.lat_sum / (double)w.retired / 1000.0 : 0.0, ns(w.lat_max));
    }
    saturation_info s = saturation();
    if (s.backlog_grows)
        std::fprintf(f,
                     "WARNING: saturated: the devices offer %.2f MSIs/us, the CPUs retire %.2f MSIs/us; the backlog "
                     "grew from %llu (middle of the traffic) to %llu MSIs (end): latencies grow with the length of "
                     "the run and the percentiles above describe this run only\n",
                     s.offered_per_us, s.retired_per_us, (unsigned long long)s.backlog_mid,
                     (unsigned long long)s.backlog_end);
    if (s.coalescing)
        std::fprintf(f,
                     "WARNING: saturated: the devices offer %.2f MSIs/us and the CPUs take %.2f interrupts/us: %.0f%% "
                     "of the MSIs coalesce into LPIs still pending (the CPUs do not get to an LPI before its next "
                     "MSI); the LPIs served last wait longer the longer the run: the percentiles above describe "
                     "this run only\n",
                     s.offered_per_us, s.acks_per_us,
                     s.offered_per_us > 0 ? 100.0 * (1.0 - s.acks_per_us / s.offered_per_us) : 0.0);
    if (!s.saturated)
        std::fprintf(f,
                     "Saturation: none (offered %.2f MSIs/us, the CPUs take %.2f interrupts/us, backlog %llu at the "
                     "end of the traffic)\n",
                     s.offered_per_us, s.acks_per_us, (unsigned long long)s.backlog_end);
}

nlohmann::json architect_report::json(const platform &p) const
{
    nlohmann::json j;
    for (int s = 0; s < S_COUNT; s++) j["stages"][kStageKey[s]] = hist_json(stage_[s]);
    j["devices"] = nlohmann::json::array();
    for (const auto &d : dev_sent_) {
        auto it = dev_ack_.find(d.first);
        auto dr = dev_dropped_.find(d.first);
        nlohmann::json e = {{"devid", d.first},
                            {"sent", d.second},
                            {"dropped", dr != dev_dropped_.end() ? dr->second : 0},
                            {"msi_to_ack", hist_json(it != dev_ack_.end() ? it->second : log_hist())}};
        j["devices"].push_back(e);
    }
    j["cpus"] = nlohmann::json::array();
    for (uint32_t c = 0; c < ncpus_; c++)
        j["cpus"].push_back({{"cpu", c},
                             {"msis", cpu_msis_[c]},
                             {"busy_ps", c < p.cpus.size() ? p.cpus[c]->busy_ps : 0},
                             {"msi_to_ack", hist_json(cpu_ack_[c])}});
    j["caches"] = nlohmann::json::array();
    for (const cache_row &r : caches(gic_.core(), gic_.config()))
        j["caches"].push_back({{"name", r.name},
                               {"entries", r.entries},
                               {"hits", r.hits},
                               {"misses", r.misses},
                               {"evictions", r.evictions},
                               {"occupancy", r.occupancy()}});
    j["window_ps"] = window_ps_;
    j["windows"] = nlohmann::json::array();
    for (const window &w : windows_)
        j["windows"].push_back({{"offered", w.offered},
                                {"retired", w.retired},
                                {"dropped", w.dropped},
                                {"interrupts", w.acks},
                                {"mean_msi_to_ack_ps", w.retired ? w.lat_sum / (double)w.retired : 0.0},
                                {"max_msi_to_ack_ps", w.lat_max}});
    saturation_info s = saturation();
    j["saturation"] = {{"saturated", s.saturated},
                       {"offered_per_us", s.offered_per_us},
                       {"retired_per_us", s.retired_per_us},
                       {"interrupts_per_us", s.acks_per_us},
                       {"backlog_grows", s.backlog_grows},
                       {"coalescing", s.coalescing},
                       {"backlog_mid", s.backlog_mid},
                       {"backlog_end", s.backlog_end}};
    j["unmatched_outcomes"] = unmatched_;
    return j;
}

std::string architect_report::csv_header()
{
    return "cpus,devices,vectors,arrival,msi_interval_ns,sim_time_us,its_event_cache,lpi_cache,sent,acknowledged,"
           "dropped,msi_to_ack_p50_ns,msi_to_ack_p99_ns,msi_to_ack_p999_ns,msi_to_ack_max_ns,msi_to_eoi_p50_ns,"
           "msi_to_eoi_p99_ns,msi_to_eoi_p999_ns,msi_to_eoi_max_ns,max_cpu_busy_pct,offered_per_us,interrupts_per_us,"
           "saturated,host_s";
}

std::string architect_report::csv_line(const platform &p, double host_seconds) const
{
    const platform_params &pp = p.params();
    const gic_config_t &c = gic_.config();
    uint64_t sent = 0, dropped = 0;
    for (const auto &d : dev_sent_) sent += d.second;
    for (const auto &d : dev_dropped_) dropped += d.second;
    const double sim_ps = (double)(p.total_time().value() / sc_core::sc_time(1, sc_core::SC_PS).value());
    double busy = 0;
    for (const auto &cpu : p.cpus) busy = std::max(busy, sim_ps > 0 ? 100.0 * (double)cpu->busy_ps / sim_ps : 0.0);
    saturation_info s = saturation();
    const log_hist &a = stage_[S_TO_ACK], &e = stage_[S_TO_EOI];
    char buf[1024];
    std::snprintf(buf, sizeof buf,
                  "%u,%llu,%llu,%s,%g,%g,%u,%u,%llu,%llu,%llu,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.1f,%.3f,%.3f,%d,%.3f",
                  c.num_cpus, (unsigned long long)pp.devices, (unsigned long long)pp.vectors, pp.arrival.c_str(),
                  pp.msi_interval_ns, pp.sim_time_us, c.its_event_cache.entries, c.lpi_cache.entries,
                  (unsigned long long)sent, (unsigned long long)a.count(), (unsigned long long)dropped,
                  ns(a.percentile(50)), ns(a.percentile(99)), ns(a.percentile(99.9)), ns(a.max()), ns(e.percentile(50)),
                  ns(e.percentile(99)), ns(e.percentile(99.9)), ns(e.max()), busy, s.offered_per_us, s.acks_per_us,
                  s.saturated ? 1 : 0, host_seconds);
    return buf;
}

bool parse_us_window(const std::string &s, uint64_t &start_ps, uint64_t &end_ps, std::string &err)
{
    auto num = [](const std::string &x, uint64_t &ps) {
        if (x.empty() || x[0] == '-' || x[0] == '+' || std::isspace((unsigned char)x[0])) return false;
        char *end = nullptr;
        errno = 0;
        double v = std::strtod(x.c_str(), &end);
        if (errno || *end || !(v >= 0) || v > 1.8e13) return false;
        ps = (uint64_t)(v * 1e6 + 0.5);
        return true;
    };
    size_t colon = s.find(':');
    start_ps = end_ps = 0;
    if (colon == std::string::npos || !num(s.substr(0, colon), start_ps) ||
        (colon + 1 < s.size() && !num(s.substr(colon + 1), end_ps)) || (end_ps && end_ps <= start_ps)) {
        err = "expects START_US:END_US (END_US empty = to the end, START < END), got '" + s + "'";
        return false;
    }
    return true;
}

} // namespace gictlm
