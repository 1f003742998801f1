/* Emulated vITS translation with its translation cache (hyp_vits.h). */
#include "hyp_vits.h"

namespace gictlm {

bool hyp_vits::translate(uint32_t devid, uint32_t eventid, vits_target &out, bool &hit)
{
    const uint64_t k = key(devid, eventid);
    auto c = cache_.find(k);
    if (c != cache_.end()) {
        hits++;
        hit = true;
        lru_.splice(lru_.begin(), lru_, c->second);
        out = c->second->second;
        return true;
    }
    hit = false;
    misses++;
    auto t = table_.find(k);
    if (t == table_.end()) {
        unmapped++;
        return false;
    }
    out = t->second;
    if (cap_ && lru_.size() >= cap_) {
        cache_.erase(lru_.back().first);
        lru_.pop_back();
        evictions++;
    }
    lru_.emplace_front(k, out);
    cache_[k] = lru_.begin();
    return true;
}

} // namespace gictlm
