/*
 * The host scheduler of the hypervisor model: one run queue per physical
 * CPU, vCPUs placed by policy (hyp.sched): pinned (vCPU i stays on CPU
 * i mod N), rr (at the end of each slice the vCPU moves to the next CPU's
 * queue), random (at the end of a slice it moves to a random other CPU with
 * probability hyp.migrate_rate). A blocked vCPU (WFI) is in no queue until
 * woken. Deterministic: its own seeded RNG.
 */
#ifndef GICTLM_HYP_SCHED_H
#define GICTLM_HYP_SCHED_H

#include "hyp_vcpu.h"
#include "msi_device.h" /* rng */

#include <cstdint>
#include <deque>
#include <string>
#include <vector>

namespace gictlm {

class hyp_sched {
public:
    enum class policy { pinned, rr, random };
    hyp_sched(uint32_t cpus, const std::string &pol, double migrate_rate, uint64_t seed);
    /* initial placement (home CPU, queued, runnable) */
    void place(hyp_vcpu &v);
    /* Next vCPU for cpu at time now_ps (removed from the queue), or null.
     * hold: a vCPU not to be scheduled before hold_until_ps. */
    hyp_vcpu *pick(uint32_t cpu, uint64_t now_ps);
    bool has_runnable(uint32_t cpu, uint64_t now_ps) const;
    /* v was descheduled at the end of a slice (still runnable): requeued,
     * possibly on another CPU; true when it migrated. */
    bool requeue_after_slice(hyp_vcpu &v, uint32_t cpu);
    /* v stays runnable (pending work) and goes to the front of its queue */
    void requeue_front(hyp_vcpu &v);
    /* v became runnable (woken): queued on its home CPU */
    void enqueue(hyp_vcpu &v);
    void hold(uint32_t vcpu_id, uint64_t until_ps)
    {
        hold_id_ = vcpu_id;
        hold_until_ = until_ps;
    }
    uint64_t hold_until() const { return hold_until_; }
    uint64_t migrations = 0;

private:
    bool eligible(const hyp_vcpu *v, uint64_t now_ps) const { return v->id != hold_id_ || now_ps >= hold_until_; }
    uint32_t cpus_;
    policy pol_;
    double rate_;
    rng rng_;
    std::vector<std::deque<hyp_vcpu *>> q_;
    uint32_t hold_id_ = 0xffffffffu;
    uint64_t hold_until_ = 0;
};

} // namespace gictlm
#endif
