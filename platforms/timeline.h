/*
 * Timeline view of a SystemC platform (--timeline of gictlm-platform): feeds
 * the C timeline writer (capi/gictlm_timeline.h) from a GIC wrapper's input
 * and output observers, so it works for any platform built around gic_tlm.
 * Adds counter tracks of every GIC cache's hit rate per time window.
 */
#ifndef GICTLM_TIMELINE_VIEW_H
#define GICTLM_TIMELINE_VIEW_H

#include "gic_tlm.h"
#include "gictlm_timeline.h"

#include <cstdio>
#include <string>
#include <vector>

namespace gictlm {

class timeline_view {
public:
    /* Writes to f (the caller closes it after close()). cache_window_ps:
     * window of the cache hit-rate counters (0: none). Throws
     * std::runtime_error when the writer cannot start. */
    timeline_view(gic_tlm &gic, std::FILE *f, const gic_tl_opts_t &o, uint64_t cache_window_ps);
    ~timeline_view();
    timeline_view(const timeline_view &) = delete;
    timeline_view &operator=(const timeline_view &) = delete;
    /* Finish the file; false when writing failed. */
    bool close(gic_tl_counts_t &c);

private:
    void on_input(const gic_tlm_input &in);
    void sample_caches(uint64_t t);
    gic_tlm &gic_;
    gic_tl_t *tl_ = nullptr;
    uint64_t window_ps_, next_sample_;
    struct cache {
        std::string hits, misses, label;
        uint64_t h = 0, m = 0;
    };
    std::vector<cache> caches_;
    bool caches_known_ = false;
};

} // namespace gictlm
#endif
