/*
 * MSI-capable device model (PCIe-endpoint-like) and the MSI tracker that
 * measures what happens to every MSI (conservation and latencies).
 */
#ifndef GICTLM_MSI_DEVICE_H
#define GICTLM_MSI_DEVICE_H

#include "gic_tlm.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

namespace gictlm {

/* Deterministic RNG: xoshiro256** seeded through splitmix64 (identical on every host). */
struct rng {
    uint64_t s[4];
    explicit rng(uint64_t seed);
    uint64_t next();
    double uniform(); /* [0, 1) with 53 random bits */
};

/*
 * Latency statistics of the MSI tracker. Two modes:
 *  - streaming histogram (default): log-linear buckets, exact below 256 ps,
 *    then 128 buckets per power of two (HDR-histogram-like). Fixed memory
 *    (7424 counters, 58 KiB) whatever the run length. Count, min, max and
 *    mean are exact; a percentile is the midpoint of the bucket holding the
 *    nearest-rank sample, clamped to [min, max]: its relative error is at
 *    most 1/256 (0.39%) of the exact nearest-rank value (kRelError);
 *  - exact (platform.latency_stats=exact, for short runs): every sample is
 *    kept (8 bytes each) and the percentiles are exact nearest-rank values.
 */
struct latency_samples {
    static constexpr unsigned kSubBits = 7;                       /* 128 buckets per octave */
    static constexpr unsigned kBuckets = (64 - kSubBits + 1) << kSubBits; /* 7424 */
    static constexpr double kRelError = 1.0 / 256;
    bool exact = false; /* set before the first add */
    uint64_t n = 0, min_ = UINT64_MAX, max_ = 0;
    uint64_t sum_lo = 0, sum_hi = 0; /* exact 128-bit sum */
    std::unique_ptr<uint64_t[]> counts; /* [kBuckets], allocated at the first add (histogram mode) */
    /* exact mode: every sample, in fixed blocks (growing never copies what is stored) */
    static constexpr size_t kBlock = 8192;
    std::vector<std::unique_ptr<uint64_t[]>> blocks;

    static unsigned bucket_of(uint64_t v)
    {
        if (v < (2u << kSubBits)) return (unsigned)v;
        const unsigned e = 63u - (unsigned)__builtin_clzll(v); /* >= kSubBits + 1 */
        const unsigned k = e - kSubBits;
        return (k << kSubBits) + (unsigned)(v >> k);
    }
    /* smallest and largest value of a bucket */
    static void bucket_range(unsigned i, uint64_t &lo, uint64_t &hi)
    {
        if (i < (2u << kSubBits)) {
            lo = hi = i;
            return;
        }
        const unsigned k = (i >> kSubBits) - 1;
        const uint64_t m = i - (k << kSubBits);
        lo = m << k;
        hi = k == 56 && m == 255 ? UINT64_MAX : ((m + 1) << k) - 1;
    }
    void add(uint64_t x)
    {
        n++;
        sum_lo += x;
        sum_hi += sum_lo < x;
        if (x < min_) min_ = x;
        if (x > max_) max_ = x;
        if (!exact) {
            if (!counts) counts.reset(new uint64_t[kBuckets]());
            counts[bucket_of(x)]++;
            return;
        }
        const size_t i = (n - 1) % kBlock;
        if (i == 0) blocks.emplace_back(new uint64_t[kBlock]);
        blocks.back()[i] = x;
    }
    size_t size() const { return n; }
    /* host bytes held */
    size_t footprint() const
    {
        return (counts ? kBuckets * sizeof(uint64_t) : 0) + blocks.size() * kBlock * sizeof(uint64_t);
    }
    struct summary {
        uint64_t count = 0, min = 0, p50 = 0, p90 = 0, p99 = 0, max = 0;
        double mean = 0;
        double rel_error = 0; /* bound on the relative error of p50/p90/p99 (0: exact) */
    };
    summary summarize() const;
};

/*
 * Follows each MSI from the device to the handler: send -> GIC_OUT_MSI outcome
 * (delivered / coalesced / dropped with reason) -> ICC_IAR1_EL1 -> ICC_EOIR1_EL1.
 * MSIs that became (or found) their LPI pending are all served by the next
 * acknowledge of that LPI.
 */
class msi_tracker {
public:
    void on_send(uint32_t devid, uint32_t eventid, uint64_t t_ps);
    void on_output(const gic_output_t &o);
    void on_ack(uint32_t cpu, uint32_t intid, uint64_t t_ps);
    void on_eoi(uint32_t cpu, uint32_t intid, uint64_t t_ps);

    uint64_t sent = 0, delivered = 0, coalesced = 0, dropped = 0, unmatched = 0;
    uint64_t acks = 0, eois = 0;
    std::map<std::string, uint64_t> drop_reasons;
    latency_samples msi_to_pending, msi_to_iar, msi_to_eoi;
    std::map<std::string, latency_samples> cmd_latency; /* not used: from GIC stats */
    uint64_t in_flight() const { return sent - delivered - coalesced - dropped; }

private:
    /* FIFO of send times without per-element allocation (storage reused once drained) */
    struct fifo {
        std::vector<uint64_t> v;
        size_t head = 0;
        bool empty() const { return head == v.size(); }
        void push(uint64_t x) { v.push_back(x); }
        uint64_t pop()
        {
            uint64_t x = v[head++];
            if (head == v.size()) v.clear(), head = 0;
            return x;
        }
    };
    struct lpi_state {
        /* send times of the MSIs it serves: [0, n_active) acknowledged and
         * waiting for the EOI, the rest pending */
        std::vector<uint64_t> ts;
        size_t n_active = 0;
    };
    /* Flat arrays for the usual small keys (DeviceID and EventID < kFlat,
     * LPI INTID - 8192 < kFlatLpi), hash maps for the rest. */
    static constexpr uint32_t kFlat = 1u << 16, kFlatLpi = 1u << 20;
    /* Inline fast paths for existing flat entries (the per-MSI case), the
     * rest (growth, large keys) out of line. */
    fifo *sent_fifo(uint32_t devid, uint32_t eventid, bool create)
    {
        if (devid < sent_flat_.size() && eventid < kFlat) {
            std::vector<fifo> &d = sent_flat_[devid];
            if (eventid < d.size()) return &d[eventid];
        }
        return sent_fifo_slow(devid, eventid, create);
    }
    lpi_state *lpi(uint32_t intid, bool create)
    {
        size_t i = (size_t)intid - 8192;
        if (intid >= 8192 && i < lpis_flat_.size()) return &lpis_flat_[i];
        return lpi_slow(intid, create);
    }
    fifo *sent_fifo_slow(uint32_t devid, uint32_t eventid, bool create);
    lpi_state *lpi_slow(uint32_t intid, bool create);
    std::vector<std::vector<fifo>> sent_flat_;      /* [devid][eventid] -> send times */
    std::unordered_map<uint64_t, fifo> sent_;       /* (devid, eventid) -> send times (large keys) */
    std::vector<lpi_state> lpis_flat_;              /* [intid - 8192] -> pending / active MSIs */
    std::unordered_map<uint32_t, lpi_state> lpis_;  /* other INTIDs */
};

enum class arrival_kind { periodic, poisson, bursty };
enum class eventid_dist { round_robin, uniform, zipf };

struct msi_device_params {
    uint32_t devid = 0;
    uint32_t vectors = 8;
    uint64_t translater_addr = 0; /* physical address of GITS_TRANSLATER */
    arrival_kind arrival = arrival_kind::poisson;
    sc_core::sc_time mean_interval = sc_core::sc_time(2, sc_core::SC_US); /* per device */
    uint32_t burst_len = 8;
    sc_core::sc_time burst_gap = sc_core::sc_time(50, sc_core::SC_NS);
    eventid_dist dist = eventid_dist::round_robin;
    double zipf_s = 1.0;
    uint64_t seed = 1;
    sc_core::sc_time stop_time = sc_core::sc_time(1, sc_core::SC_MS); /* no MSI at or after */
    sc_core::sc_time reg_latency = sc_core::sc_time(50, sc_core::SC_NS);
    /* non-null: after the start event the device runs as steps on this GIC
     * wrapper's agenda (gic_tlm_client): each step posts the next MSI through
     * the socket at its time (one MSI ahead, like a quantum keeper's local
     * time) without a SystemC activation per MSI. null: an SC_METHOD with a
     * quantum keeper. Same MSIs at the same times either way. */
    gic_tlm *agenda = nullptr;
};

class msi_device : public sc_core::sc_module, public gic_tlm_client {
public:
    tlm_utils::simple_initiator_socket<msi_device> socket; /* MSI writes */
    tlm_utils::simple_target_socket<msi_device> regs;      /* MMIO: a status register (handler touch) */

    SC_HAS_PROCESS(msi_device);
    msi_device(sc_core::sc_module_name name, const msi_device_params &p, msi_tracker *tracker,
               const sc_core::sc_event *start);

    uint64_t sent = 0, send_errors = 0, reg_reads = 0;

    void gic_step(uint64_t t_ps, uint32_t what) override;

private:
    void run();
    bool post_next(uint64_t &t_ps);
    void send_msi(uint32_t ev, uint64_t t_ps, sc_core::sc_time &delay);
    sc_core::sc_time next_interval();
    uint64_t next_interval_units(); /* the same in SystemC time units (sc_time::value()) */
    uint64_t sec_to_units(double s) const;
    uint32_t next_event();
    void reg_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);

    msi_device_params p_;
    msi_tracker *tracker_;
    const sc_core::sc_event *start_;
    rng rng_;
    uint32_t rr_ = 0, burst_left_ = 0;
    bool started_ = false;
    std::vector<double> zipf_cdf_;
    double mean_s_ = 0, sec_scale_ = 0; /* mean interval in s; SystemC units per second */
    tlm_utils::tlm_quantumkeeper qk_;
    /* the MSI write, reused (one at a time; a payload built per MSI costs an
     * allocation of its extension array and its release) */
    tlm::tlm_generic_payload gp_;
    uint32_t data_ = 0;
};

} // namespace gictlm
#endif
