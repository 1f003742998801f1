/* Host scheduler of the hypervisor model (hyp_sched.h). */
#include "hyp_sched.h"

namespace gictlm {

hyp_sched::hyp_sched(uint32_t cpus, const std::string &pol, double migrate_rate, uint64_t seed)
    : cpus_(cpus ? cpus : 1), pol_(pol == "rr" ? policy::rr : pol == "random" ? policy::random : policy::pinned),
      rate_(migrate_rate), rng_(seed * 7919ull + 17), q_(cpus_)
{
}

void hyp_sched::place(hyp_vcpu &v)
{
    v.home = v.id % cpus_;
    v.runnable = true;
    v.queued = true;
    q_[v.home].push_back(&v);
}

hyp_vcpu *hyp_sched::pick(uint32_t cpu, uint64_t now_ps)
{
    auto &q = q_[cpu];
    for (auto it = q.begin(); it != q.end(); ++it) {
        if (!eligible(*it, now_ps)) continue;
        hyp_vcpu *v = *it;
        q.erase(it);
        v->queued = false;
        return v;
    }
    return nullptr;
}

bool hyp_sched::has_runnable(uint32_t cpu, uint64_t now_ps) const
{
    for (const hyp_vcpu *v : q_[cpu])
        if (eligible(v, now_ps)) return true;
    return false;
}

bool hyp_sched::requeue_after_slice(hyp_vcpu &v, uint32_t cpu)
{
    uint32_t to = cpu;
    if (pol_ == policy::rr && cpus_ > 1) {
        to = (cpu + 1) % cpus_;
    } else if (pol_ == policy::random && cpus_ > 1 && rng_.uniform() < rate_) {
        to = (uint32_t)((cpu + 1 + (uint32_t)(rng_.uniform() * (cpus_ - 1))) % cpus_);
    }
    const bool moved = to != v.home;
    if (moved) {
        migrations++;
        v.migrations++;
    }
    v.home = to;
    v.queued = true;
    q_[to].push_back(&v);
    return moved;
}

void hyp_sched::requeue_front(hyp_vcpu &v)
{
    v.runnable = true;
    if (v.queued) return;
    v.queued = true;
    q_[v.home].push_front(&v);
}

void hyp_sched::enqueue(hyp_vcpu &v)
{
    v.runnable = true;
    if (v.queued || v.loaded_on >= 0) return;
    v.queued = true;
    q_[v.home].push_back(&v);
}

} // namespace gictlm
