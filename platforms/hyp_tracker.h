/*
 * Follows every virtual MSI of the hypervisor platform from the device to the
 * guest's acknowledge (ICV_IAR1_EL1): sent -> the GIC's outcome (dropped with
 * a reason, or pending: a vLPI in GICv4 modes, a physical LPI in sw mode) ->
 * (sw) taken by the host and queued for the vCPU -> acknowledged by the
 * guest. An acknowledge serves every MSI pending for that (VM, vINTID): the
 * first is delivered, the others coalesced. An acknowledge that serves none
 * is a duplicate (must stay 0). Conservation: sent = delivered + coalesced +
 * dropped, nothing left in flight after the drain.
 */
#ifndef GICTLM_HYP_TRACKER_H
#define GICTLM_HYP_TRACKER_H

#include "gictlm.h"
#include "msi_device.h"

#include <cstdint>
#include <deque>
#include <map>
#include <string>
#include <unordered_map>
#include <vector>

namespace gictlm {

class hyp_tracker {
public:
    struct vcpu_stats {
        uint64_t targeted = 0, served = 0;
        uint64_t first_ack_ps = 0, last_ack_ps = 0; /* 0: never */
        uint64_t first_send_ps = 0;
    };
    void set_vcpus(size_t n) { vcpus.assign(n, vcpu_stats()); }
    /* GICv4.1 vSGIs: the GIC may present a vSGI recorded while the vPE was
     * not resident after a newer, directly delivered one, so an acknowledge
     * cannot always be matched to a send: such acknowledges are counted in
     * acks_unmatched (not duplicates), the latency samples attribute each
     * send to the first acknowledge after it could be pending, and the
     * balance is closed with the GIC's counters (hyp_platform::ipi_counts). */
    bool by_count = false;
    uint64_t acks = 0, acks_unmatched = 0;
    /* entries not served (serve_one: coalesced ones among them) */
    uint64_t unserved() const;
    /* Static routing of device events (the guest's MSI programming). */
    void route(uint32_t devid, uint32_t eventid, uint32_t vm, uint32_t vintid, uint32_t gvcpu);
    bool routed(uint32_t devid, uint32_t eventid, uint32_t &vm, uint32_t &vintid, uint32_t &gvcpu) const;
    void on_send(uint32_t devid, uint32_t eventid, uint64_t t_ps);
    /* GIC_OUT_MSI. direct: GICv4 (the vLPI is pending); else the physical LPI
     * is. resident: the target vCPU was loaded when the interrupt became pending. */
    void on_outcome(const gic_output_t &o, bool direct, bool resident);
    /* sw: the host acknowledged physical LPI intid; the MSIs waiting on it
     * are now queued in software for their vCPU (or dropped: no vITS mapping). */
    void on_host_ack(uint32_t intid, bool dropped, const char *reason);
    /* sw: the queued vINTID went into a list register (or merged into one):
     * from now on the guest can acknowledge it. */
    void on_visible(uint32_t vm, uint32_t vintid);
    /* an interrupt not from a device (a guest IPI) for (vm, vintid) of vCPU
     * gvcpu, sent at t_ps: pending for the guest (visible; not before
     * visible_ps: the GIC's shortest path) or queued (sw) */
    void add(uint32_t vm, uint32_t vintid, uint32_t gvcpu, uint64_t t_ps, bool resident, bool visible,
             uint64_t visible_ps = 0);
    /* the guest acknowledged vintid */
    void on_guest_ack(uint32_t vm, uint32_t vintid, uint64_t t_ps);

    uint64_t sent = 0, delivered = 0, coalesced = 0, dropped = 0, duplicates = 0, unmatched = 0;
    std::map<std::string, uint64_t> drop_reasons;
    latency_samples all, resident, non_resident; /* MSI -> ICV_IAR1 */
    std::vector<vcpu_stats> vcpus;
    uint64_t in_flight() const { return sent - delivered - coalesced - dropped; }
    /* where the MSIs in flight are: before the GIC's outcome, waiting for the
     * host (sw), on an ap_list (sw), visible to the guest */
    struct stages {
        uint64_t gic = 0, host = 0, queued = 0, guest = 0;
    };
    stages in_flight_stages() const;

private:
    struct msi {
        uint64_t t;
        bool resident;
        uint64_t t_visible; /* no acknowledge before this time can be this one's (0: any) */
        uint32_t vm, vintid, gvcpu;
    };
    struct route_t {
        uint32_t vm, vintid, gvcpu;
    };
    static uint64_t key(uint32_t a, uint32_t b) { return (uint64_t)a << 32 | b; }
    void drop(const msi &m, const char *reason);
    std::unordered_map<uint64_t, route_t> routes_;              /* (devid, eventid) */
    std::unordered_map<uint64_t, std::deque<msi>> sent_;        /* (devid, eventid): before the GIC's outcome */
    std::unordered_map<uint32_t, std::vector<msi>> host_;       /* sw: physical INTID -> waiting for the host */
    std::unordered_map<uint64_t, std::vector<msi>> queued_;     /* sw: (vm, vINTID) -> on the ap_list */
    std::unordered_map<uint64_t, std::vector<msi>> pending_;    /* (vm, vINTID) -> waiting for the guest */
};

} // namespace gictlm
#endif
