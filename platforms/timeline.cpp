/* Timeline view of a SystemC platform (timeline.h). */
#include "timeline.h"

#include <stdexcept>

namespace gictlm {

timeline_view::timeline_view(gic_tlm &gic, std::FILE *f, const gic_tl_opts_t &o, uint64_t cache_window_ps)
    : gic_(gic), window_ps_(cache_window_ps), next_sample_(cache_window_ps)
{
    tl_ = gic_tl_open(f, &o);
    if (!tl_) throw std::runtime_error("timeline: cannot start the writer");
    gic.add_output_observer([this](const gic_output_t &out) { gic_tl_output(tl_, &out); },
                            1u << GIC_OUT_MSI | 1u << GIC_OUT_CMD);
    gic.add_input_observer([this](const gic_tlm_input &in) { on_input(in); });
}

timeline_view::~timeline_view()
{
    if (tl_) gic_tl_close(tl_, nullptr);
}

void timeline_view::on_input(const gic_tlm_input &in)
{
    if (!tl_) return;
    switch (in.kind) {
    case gic_tlm_input::MSI: gic_tl_msi(tl_, in.t, in.its, in.devid, in.eventid); break;
    case gic_tlm_input::MMIO_WRITE:
        if (in.status == GIC_OK) gic_tl_mmio_write(tl_, in.t, in.frame, in.index, in.offset, in.value);
        break;
    case gic_tlm_input::SYSREG_READ:
    case gic_tlm_input::SYSREG_WRITE:
        if (in.status == GIC_OK)
            gic_tl_sysreg(tl_, in.t, in.cpu, (gic_sysreg_t)in.reg, in.kind == gic_tlm_input::SYSREG_WRITE, in.value);
        break;
    default: break;
    }
    if (window_ps_ && in.t >= next_sample_) sample_caches(in.t);
}

/* Hit rate of every GIC cache over the window that just ended (the inputs
 * come after the core's work up to their time: its counters are current). */
void timeline_view::sample_caches(uint64_t t)
{
    gic_t *g = gic_.core();
    if (!caches_known_) {
        caches_known_ = true;
        for (size_t i = 0;; i++) {
            const char *n = gic_stat_name(g, 0, i);
            if (!n) break;
            std::string s = n;
            const std::string suf = ".hits";
            if (s.find(".cache") == std::string::npos || s.size() < suf.size() ||
                s.compare(s.size() - suf.size(), suf.size(), suf) != 0)
                continue;
            std::string base = s.substr(0, s.size() - suf.size());
            caches_.push_back(cache{s, base + ".misses", base + " hit rate %"});
        }
    }
    const uint64_t at = t / window_ps_ * window_ps_;
    for (cache &c : caches_) {
        uint64_t h = 0, m = 0;
        gic_stat_counter(g, c.hits.c_str(), &h);
        gic_stat_counter(g, c.misses.c_str(), &m);
        const uint64_t dh = h - c.h, dm = m - c.m;
        c.h = h;
        c.m = m;
        if (dh + dm) gic_tl_counter(tl_, at, c.label.c_str(), 100.0 * (double)dh / (double)(dh + dm));
    }
    next_sample_ = at + window_ps_;
}

bool timeline_view::close(gic_tl_counts_t &c)
{
    if (!tl_) return false;
    int rc = gic_tl_close(tl_, &c);
    tl_ = nullptr;
    return rc == 0;
}

} // namespace gictlm
