/* Virtual MSI tracking and conservation (hyp_tracker.h). */
#include "hyp_tracker.h"

namespace gictlm {

void hyp_tracker::route(uint32_t devid, uint32_t eventid, uint32_t vm, uint32_t vintid, uint32_t gvcpu)
{
    routes_[key(devid, eventid)] = route_t{vm, vintid, gvcpu};
}

bool hyp_tracker::routed(uint32_t devid, uint32_t eventid, uint32_t &vm, uint32_t &vintid, uint32_t &gvcpu) const
{
    auto it = routes_.find(key(devid, eventid));
    if (it == routes_.end()) return false;
    vm = it->second.vm;
    vintid = it->second.vintid;
    gvcpu = it->second.gvcpu;
    return true;
}

void hyp_tracker::on_send(uint32_t devid, uint32_t eventid, uint64_t t_ps)
{
    sent++;
    route_t r{0xffffffffu, 0, 0};
    auto it = routes_.find(key(devid, eventid));
    if (it != routes_.end()) r = it->second;
    if (r.gvcpu < vcpus.size()) {
        vcpu_stats &s = vcpus[r.gvcpu];
        if (!s.targeted) s.first_send_ps = t_ps;
        s.targeted++;
    }
    sent_[key(devid, eventid)].push_back(msi{t_ps, false, 0, r.vm, r.vintid, r.gvcpu});
}

void hyp_tracker::drop(const msi &, const char *reason)
{
    dropped++;
    drop_reasons[reason ? reason : "unknown"]++;
}

void hyp_tracker::on_outcome(const gic_output_t &o, bool direct, bool res)
{
    auto it = sent_.find(key(o.devid, o.eventid));
    if (it == sent_.end() || it->second.empty()) {
        unmatched++;
        return;
    }
    msi m = it->second.front();
    it->second.pop_front();
    m.resident = res;
    if (o.outcome != GIC_MSI_DELIVERED && o.outcome != GIC_MSI_COALESCED) {
        drop(m, o.reason);
        return;
    }
    if (m.vm == 0xffffffffu) {
        drop(m, "not assigned to a VM");
        return;
    }
    if (direct)
        pending_[key(m.vm, m.vintid)].push_back(m);
    else
        host_[o.intid].push_back(m);
}

void hyp_tracker::on_host_ack(uint32_t intid, bool dropped_, const char *reason)
{
    auto it = host_.find(intid);
    if (it == host_.end()) return;
    for (const msi &m : it->second) {
        if (dropped_)
            drop(m, reason);
        else
            queued_[key(m.vm, m.vintid)].push_back(m);
    }
    it->second.clear();
}

void hyp_tracker::on_visible(uint32_t vm, uint32_t vintid)
{
    auto it = queued_.find(key(vm, vintid));
    if (it == queued_.end() || it->second.empty()) return;
    auto &p = pending_[key(vm, vintid)];
    p.insert(p.end(), it->second.begin(), it->second.end());
    it->second.clear();
}

void hyp_tracker::add(uint32_t vm, uint32_t vintid, uint32_t gvcpu, uint64_t t_ps, bool res, bool visible,
                      uint64_t visible_ps)
{
    sent++;
    if (gvcpu < vcpus.size()) {
        vcpu_stats &s = vcpus[gvcpu];
        if (!s.targeted) s.first_send_ps = t_ps;
        s.targeted++;
    }
    msi m{t_ps, res, visible_ps, vm, vintid, gvcpu};
    (visible ? pending_ : queued_)[key(vm, vintid)].push_back(m);
}

uint64_t hyp_tracker::unserved() const
{
    const stages st = in_flight_stages();
    return st.gic + st.host + st.queued + st.guest;
}

hyp_tracker::stages hyp_tracker::in_flight_stages() const
{
    stages st;
    for (const auto &e : sent_) st.gic += e.second.size();
    for (const auto &e : host_) st.host += e.second.size();
    for (const auto &e : queued_) st.queued += e.second.size();
    for (const auto &e : pending_) st.guest += e.second.size();
    return st;
}

void hyp_tracker::on_guest_ack(uint32_t vm, uint32_t vintid, uint64_t t_ps)
{
    acks++;
    auto it = pending_.find(key(vm, vintid));
    if (it == pending_.end() || it->second.empty()) {
        (by_count ? acks_unmatched : duplicates)++;
        return;
    }
    bool first = true;
    size_t kept = 0;
    for (const msi &m : it->second) {
        if (m.t_visible > t_ps) {
            it->second[kept++] = m; /* cannot be pending yet: for a later acknowledge */
            continue;
        }
        (first ? delivered : coalesced)++;
        first = false;
        const uint64_t lat = t_ps >= m.t ? t_ps - m.t : 0;
        all.add(lat);
        (m.resident ? resident : non_resident).add(lat);
        if (m.gvcpu < vcpus.size()) {
            vcpu_stats &s = vcpus[m.gvcpu];
            s.served++;
            if (!s.first_ack_ps) s.first_ack_ps = t_ps;
            s.last_ack_ps = t_ps;
        }
    }
    if (first) (by_count ? acks_unmatched : duplicates)++;
    it->second.resize(kept);
}

} // namespace gictlm
