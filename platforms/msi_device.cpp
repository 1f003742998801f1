/* MSI device model and MSI tracker. */
#include "msi_device.h"
#include "tlm_parts.h"

#include <algorithm>
#include <cmath>
#include <cstring>

using namespace sc_core;

namespace gictlm {

static uint64_t splitmix64(uint64_t &x)
{
    uint64_t z = (x += 0x9e3779b97f4a7c15ull);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    return z ^ (z >> 31);
}

rng::rng(uint64_t seed)
{
    for (auto &w : s) w = splitmix64(seed);
}

static inline uint64_t rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }

uint64_t rng::next()
{
    uint64_t r = rotl(s[1] * 5, 7) * 9;
    uint64_t t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = rotl(s[3], 45);
    return r;
}

double rng::uniform() { return (double)(next() >> 11) * (1.0 / 9007199254740992.0); }

latency_samples::summary latency_samples::summarize() const
{
    summary s;
    if (n == 0) return s;
    s.count = n;
    s.min = min_;
    s.max = max_;
    /* The quotient and remainder in integers, then double arithmetic only
     * (no long double: 80 bits on x86-64, 128 on aarch64, 64 elsewhere), so
     * every host prints the same mean. sum = sum_hi * 2^64 + sum_lo. */
    const double two64 = 18446744073709551616.0;
    const uint64_t q_hi = sum_hi / n, r_hi = sum_hi % n;
    const uint64_t q_lo = sum_lo / n, r_lo = sum_lo % n;
    s.mean = (double)q_hi * two64 + (double)q_lo + ((double)r_hi * two64 + (double)r_lo) / (double)n;
    if (!exact) {
        /* nearest rank r = ceil(q n): the bucket holding the r-th sample */
        s.rel_error = kRelError;
        auto rank = [&](double q) {
            uint64_t r = (uint64_t)std::ceil(q * (double)n);
            if (r == 0) r = 1;
            uint64_t cum = 0;
            for (unsigned i = 0; i < kBuckets; i++) {
                cum += counts[i];
                if (cum >= r) {
                    uint64_t lo, hi;
                    bucket_range(i, lo, hi);
                    uint64_t mid = lo + (hi - lo) / 2;
                    return std::min(std::max(mid, min_), max_);
                }
            }
            return max_;
        };
        s.p50 = rank(0.50);
        s.p90 = rank(0.90);
        s.p99 = rank(0.99);
        return s;
    }
    std::vector<uint64_t> w;
    w.reserve(n);
    for (size_t b = 0; b < blocks.size(); b++)
        w.insert(w.end(), blocks[b].get(), blocks[b].get() + std::min<size_t>(kBlock, n - b * kBlock));
    std::sort(w.begin(), w.end());
    auto rank = [&](double q) {
        size_t i = (size_t)std::ceil(q * (double)w.size());
        return w[i == 0 ? 0 : i - 1];
    };
    s.p50 = rank(0.50);
    s.p90 = rank(0.90);
    s.p99 = rank(0.99);
    return s;
}

/* ---- tracker ---------------------------------------------------------------------- */

msi_tracker::fifo *msi_tracker::sent_fifo_slow(uint32_t devid, uint32_t eventid, bool create)
{
    if (devid < kFlat && eventid < kFlat) {
        if (devid >= sent_flat_.size()) {
            if (!create) return nullptr;
            sent_flat_.resize(devid + 1);
        }
        std::vector<fifo> &d = sent_flat_[devid];
        if (eventid >= d.size()) {
            if (!create) return nullptr;
            d.resize(eventid + 1);
        }
        return &d[eventid];
    }
    uint64_t key = ((uint64_t)devid << 32) | eventid;
    if (create) return &sent_[key];
    auto it = sent_.find(key);
    return it == sent_.end() ? nullptr : &it->second;
}

msi_tracker::lpi_state *msi_tracker::lpi_slow(uint32_t intid, bool create)
{
    if (intid >= 8192 && intid - 8192 < kFlatLpi) {
        size_t i = intid - 8192;
        if (i >= lpis_flat_.size()) {
            if (!create) return nullptr;
            lpis_flat_.resize(i + 1);
        }
        return &lpis_flat_[i];
    }
    if (create) return &lpis_[intid];
    auto it = lpis_.find(intid);
    return it == lpis_.end() ? nullptr : &it->second;
}

void msi_tracker::on_send(uint32_t devid, uint32_t eventid, uint64_t t_ps)
{
    sent++;
    sent_fifo(devid, eventid, true)->push(t_ps);
}

void msi_tracker::on_output(const gic_output_t &o)
{
    if (o.kind != GIC_OUT_MSI) return;
    fifo *f = sent_fifo(o.devid, o.eventid, false);
    if (!f || f->empty()) {
        unmatched++; /* e.g. an MSI injected by something else than our devices */
        return;
    }
    uint64_t ts = f->pop();
    switch (o.outcome) {
    case GIC_MSI_DELIVERED:
        delivered++;
        break;
    case GIC_MSI_COALESCED:
        coalesced++;
        break;
    default:
        dropped++;
        drop_reasons[o.reason ? o.reason : "unknown"]++;
        return;
    }
    msi_to_pending.add(o.time >= ts ? o.time - ts : 0);
    lpi(o.intid, true)->ts.push_back(ts); /* pending */
}

void msi_tracker::on_ack(uint32_t, uint32_t intid, uint64_t t_ps)
{
    acks++;
    lpi_state *l = lpi(intid, false);
    if (!l) return;
    for (size_t i = l->n_active; i < l->ts.size(); i++) msi_to_iar.add(t_ps - l->ts[i]);
    l->n_active = l->ts.size(); /* all pending ones are served by this acknowledge */
}

void msi_tracker::on_eoi(uint32_t, uint32_t intid, uint64_t t_ps)
{
    eois++;
    lpi_state *l = lpi(intid, false);
    if (!l) return;
    for (size_t i = 0; i < l->n_active; i++) msi_to_eoi.add(t_ps - l->ts[i]);
    if (l->n_active == l->ts.size())
        l->ts.clear();
    else
        l->ts.erase(l->ts.begin(), l->ts.begin() + (std::ptrdiff_t)l->n_active);
    l->n_active = 0;
}

/* ---- device --------------------------------------------------------------------------- */

msi_device::msi_device(sc_module_name name, const msi_device_params &p, msi_tracker *tracker,
                       const sc_event *start)
    : sc_module(name), socket("socket"), regs("regs"), p_(p), tracker_(tracker), start_(start),
      rng_(p.seed)
{
    if (p_.vectors == 0) p_.vectors = 1;
    mean_s_ = p_.mean_interval.to_seconds();
    sec_scale_ = (double)sc_time(1, SC_SEC).value();
    if (p_.dist == eventid_dist::zipf) {
        double sum = 0;
        for (uint32_t k = 1; k <= p_.vectors; k++) sum += 1.0 / std::pow((double)k, p_.zipf_s);
        double acc = 0;
        for (uint32_t k = 1; k <= p_.vectors; k++) {
            acc += 1.0 / std::pow((double)k, p_.zipf_s) / sum;
            zipf_cdf_.push_back(acc);
        }
    }
    regs.register_b_transport(this, &msi_device::reg_b_transport);
    SC_METHOD(run);
    if (start_) {
        sensitive << *start_; /* first activation: the start event */
        dont_initialize();
    }
}

/* s seconds in SystemC time units, rounded as sc_time(s, SC_SEC) rounds them
 * (without its per-call lookup of the time resolution). */
uint64_t msi_device::sec_to_units(double s) const
{
    if (s == 0) return 0;
    volatile double tmp = s * sec_scale_ + 0.5; /* (as SystemC: no extended precision) */
    return (uint64_t)(int64_t)tmp;
}

uint64_t msi_device::next_interval_units()
{
    switch (p_.arrival) {
    case arrival_kind::periodic:
        return p_.mean_interval.value();
    case arrival_kind::poisson:
        return sec_to_units(-mean_s_ * std::log(1.0 - rng_.uniform()));
    case arrival_kind::bursty: {
        /* bursts of burst_len MSIs burst_gap apart, exponential idle time between
         * bursts such that the mean interval is mean_interval */
        if (burst_left_ > 0) {
            burst_left_--;
            return p_.burst_gap.value();
        }
        burst_left_ = p_.burst_len > 0 ? p_.burst_len - 1 : 0;
        double idle = mean_s_ * p_.burst_len - p_.burst_gap.to_seconds() * (p_.burst_len - 1);
        if (idle < 0) idle = 0;
        return sec_to_units(-idle * std::log(1.0 - rng_.uniform()));
    }
    }
    return p_.mean_interval.value();
}

sc_time msi_device::next_interval() { return sc_time_units(next_interval_units()); }

uint32_t msi_device::next_event()
{
    switch (p_.dist) {
    case eventid_dist::round_robin:
        return rr_++ % p_.vectors;
    case eventid_dist::uniform:
        return (uint32_t)(rng_.uniform() * p_.vectors) % p_.vectors;
    case eventid_dist::zipf: {
        double u = rng_.uniform();
        auto it = std::upper_bound(zipf_cdf_.begin(), zipf_cdf_.end(), u);
        size_t k = (size_t)(it - zipf_cdf_.begin());
        return (uint32_t)std::min<size_t>(k, p_.vectors - 1);
    }
    }
    return 0;
}

/* An SC_METHOD (no thread stack, no context switch): each activation posts the
 * device's MSIs at their local times until its quantum keeper asks for a
 * synchronisation, then re-triggers itself at that local time, which is what
 * tlm_quantumkeeper::sync() would wait for. */
/* One MSI write of EventID ev to GITS_TRANSLATER (with the DeviceID
 * extension) at local time t_ps, issued with the annotated delay; counts it
 * and tells the tracker. A new payload per write, as a typical loosely-timed
 * initiator does (and as bench_tlm_msi's empty round trip does). */
void msi_device::send_msi(uint32_t ev, uint64_t t_ps, sc_time &delay)
{
    data_ = ev;
    tlm::tlm_generic_payload &gp = gp_;
    device_id_extension ext(p_.devid);
    tlm_payload_set(gp, tlm::TLM_WRITE_COMMAND, p_.translater_addr, reinterpret_cast<unsigned char *>(&data_), 4);
    gp.set_extension(&ext);
    socket->b_transport(gp, delay);
    gp.clear_extension(&ext);
    if (gp.is_response_ok()) {
        sent++;
        if (tracker_) tracker_->on_send(p_.devid, ev, t_ps);
    } else {
        send_errors++;
    }
}

/* Agenda mode: post the MSI after the one at time t (ps), from time t, and
 * return its time; false when the device has stopped. */
bool msi_device::post_next(uint64_t &t)
{
    t += next_interval_units() / sc_units_per_ps(); /* = to_ps(next_interval()) */
    if (t * sc_units_per_ps() >= p_.stop_time.value()) return false; /* from_ps(t) >= stop_time */
    /* from_ps(t) - sc_time_stamp(): agenda steps run at or ahead of SystemC time */
    sc_time delay = sc_time_units(t * sc_units_per_ps() - sim_now().value());
    send_msi(next_event(), t, delay);
    return true;
}

void msi_device::gic_step(uint64_t t, uint32_t)
{
    /* the next MSI is posted at once when nothing can come before it */
    while (post_next(t))
        if (p_.agenda->schedule_step_or_continue(this, t, 0)) return;
}

void msi_device::run()
{
    if (p_.agenda) {
        /* hand over to the agenda: the first MSI is posted now, for its time */
        uint64_t t = to_ps(sc_time_stamp());
        if (post_next(t)) p_.agenda->schedule_step(this, t);
        return;
    }
    if (!started_) {
        started_ = true;
        qk_.reset();
    } else {
        qk_.reset(); /* woken at the local time of the last synchronisation */
    }
    while (true) {
        qk_.inc(next_interval());
        sc_time t = qk_.get_current_time();
        if (t >= p_.stop_time) return; /* done: no further activation */
        sc_time delay = qk_.get_local_time();
        send_msi(next_event(), to_ps(t), delay); /* posted: the GIC applies it at time t */
        qk_.set(delay);
        if (qk_.need_sync()) {
            next_trigger(qk_.get_local_time()); /* = qk_.sync() */
            return;
        }
    }
}

void msi_device::reg_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    /* A single read-only status register: the number of MSIs sent. */
    unsigned len = gp.get_data_length();
    if (len > 8 || gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
        return;
    }
    if (gp.is_read()) {
        uint64_t v = sent;
        std::memcpy(gp.get_data_ptr(), &v, len);
        reg_reads++;
    }
    delay += p_.reg_latency;
    gp.set_response_status(tlm::TLM_OK_RESPONSE);
}

} // namespace gictlm
