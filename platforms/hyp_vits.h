/*
 * The hypervisor's emulated ITS (software injection, "sw" mode), after KVM's
 * arch/arm64/kvm/vgic/vgic-its.c: the guest's (DeviceID, EventID) is
 * translated to (vCPU, vINTID) through a translation cache: by default, as
 * mainline (Linux 6.10 on), an unbounded per-ITS xarray that keeps every
 * translation made until an ITS command invalidates it (vgic_its_check_cache,
 * vgic_its_cache_translation; the guest issues none here); with a capacity
 * (hyp.vits_cache_per_vcpu > 0) the LRU of earlier kernels. A miss walks the
 * emulated device table, ITT and collection table in guest memory
 * (vgic_its_resolve_lpi), which costs hyp.vits_miss_ns instead of
 * hyp.vits_hit_ns. One instance per VM.
 */
#ifndef GICTLM_HYP_VITS_H
#define GICTLM_HYP_VITS_H

#include <cstdint>
#include <list>
#include <unordered_map>

namespace gictlm {

struct vits_target {
    uint32_t vcpu = 0;   /* vCPU index within the VM */
    uint32_t vintid = 0;
};

class hyp_vits {
public:
    /* cache_entries: 0 = unbounded (mainline), else an LRU of that many */
    explicit hyp_vits(uint32_t cache_entries) : cap_(cache_entries) {}
    /* the guest's mapping (MAPD/MAPTI of the guest's ITS driver) */
    void map(uint32_t devid, uint32_t eventid, vits_target t) { table_[key(devid, eventid)] = t; }
    /* Translate; hit tells whether the cache had it. False: no mapping (the
     * MSI is dropped, as vgic_its_trigger_msi returns an error). */
    bool translate(uint32_t devid, uint32_t eventid, vits_target &out, bool &hit);
    uint64_t hits = 0, misses = 0, evictions = 0, unmapped = 0;

private:
    static uint64_t key(uint32_t d, uint32_t e) { return (uint64_t)d << 32 | e; }
    uint32_t cap_;
    std::unordered_map<uint64_t, vits_target> table_;       /* the emulated tables */
    std::list<std::pair<uint64_t, vits_target>> lru_;       /* front = most recent */
    std::unordered_map<uint64_t, std::list<std::pair<uint64_t, vits_target>>::iterator> cache_;
};

} // namespace gictlm
#endif
