/* Public C API: argument checks, time advance, the input observer; the core
 * (model/gic_core.h) does the rest. */
#include "gictlm.h"

#include "../model/gic_core.h"
#include "../model/gic_internal.h"

#include <string.h>

const char *gic_status_name(gic_status_t s)
{
    switch (s) {
    case GIC_OK: return "ok";
    case GIC_ERR_ARG: return "bad argument";
    case GIC_ERR_ADDR: return "address error";
    case GIC_ERR_SIZE: return "bad access size";
    case GIC_ERR_DEVID: return "missing DeviceID";
    case GIC_ERR_MEM: return "memory error";
    case GIC_ERR_CONFIG: return "bad configuration";
    case GIC_ERR_NOMEM: return "out of memory";
    case GIC_ERR_STATE: return "bad state";
    }
    return "unknown status";
}

gic_t *gic_create(const gic_config_t *cfg, const gic_callbacks_t *cb, const gic_mem_port_t *mem,
                  char *err, size_t errlen)
{
    if (!cfg) {
        if (err && errlen) snprintf(err, errlen, "no configuration");
        return NULL;
    }
    return gic_core_create(cfg, cb, mem, err, errlen);
}

void gic_destroy(gic_t *g)
{
    if (g) gic_set_input_observer(g, NULL, NULL);
    gic_core_destroy(g);
}
const gic_config_t *gic_get_config(const gic_t *g) { return &g->cfg; }
const char *gic_log_component_family(size_t i) { return gic_core_log_family(i); }
const char *gic_log_component_family_of(const char *component) { return gic_core_log_family_of(component); }
gic_time_t gic_now(const gic_t *g) { return g->now; }
bool gic_next_event_time(const gic_t *g, gic_time_t *t) { return evq_peek(&g->evq, t); }
const gic_time_t *gic_next_event_time_ptr(const gic_t *g) { return &g->evq.top; }

gic_status_t gic_set_input_observer(gic_t *g, const gic_input_observer_t *obs, void *ctx)
{
    if (!g) return GIC_ERR_ARG;
    if (obs && g->obs) return GIC_ERR_STATE;
    if (!obs && g->obs) {
        const gic_input_observer_t *old = g->obs;
        void *old_ctx = g->obs_ctx;
        g->obs = NULL;
        g->obs_ctx = NULL;
        if (old->detach) old->detach(old_ctx, g);
        return GIC_OK;
    }
    g->obs = obs;
    g->obs_ctx = ctx;
    return GIC_OK;
}

void *gic_input_observer_ctx(const gic_t *g, const gic_input_observer_t *obs)
{
    return g && obs && g->obs == obs ? g->obs_ctx : NULL;
}

/* Call member m of the attached observer, if both exist. */
#define OBSERVE(g, m, ...)                                                                       \
    do {                                                                                         \
        if ((g)->obs && (g)->obs->m) (g)->obs->m((g)->obs_ctx, (g), __VA_ARGS__);                \
    } while (0)

void gic_run_until(gic_t *g, gic_time_t t)
{
    OBSERVE(g, run, t);
    gic_core_run_until(g, t);
}

/* Bring the model to time t before applying an input at t. */
static inline void advance(gic_t *g, gic_time_t t)
{
    if (t < g->now) {
        gic_error(g, "late_input", "api", "input at %llu ps is older than now (%llu ps): clamped",
                  (unsigned long long)t, (unsigned long long)g->now);
        t = g->now;
    }
    gic_core_advance(g, t);
}

gic_status_t gic_mmio_read(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                           uint64_t offset, uint32_t size, uint64_t *val)
{
    if (!g || !val) return GIC_ERR_ARG;
    advance(g, t);
    gic_status_t st = gic_core_mmio(g, frame, index, offset, size, false, val);
    OBSERVE(g, mmio, t, frame, index, offset, size, false, *val, st);
    return st;
}

gic_status_t gic_mmio_write(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                            uint64_t offset, uint32_t size, uint64_t val)
{
    if (!g) return GIC_ERR_ARG;
    OBSERVE(g, mmio, t, frame, index, offset, size, true, val, GIC_OK);
    advance(g, t);
    return gic_core_mmio(g, frame, index, offset, size, true, &val);
}

gic_status_t gic_msi(gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid)
{
    if (!g) return GIC_ERR_ARG;
    OBSERVE(g, msi, t, its, devid, eventid);
    advance(g, t);
    return gic_core_msi(g, its, devid, eventid);
}

gic_status_t gic_set_spi(gic_t *g, gic_time_t t, uint32_t intid, bool level)
{
    if (!g) return GIC_ERR_ARG;
    OBSERVE(g, spi, t, intid, level);
    advance(g, t);
    return gic_core_set_spi(g, intid, level);
}

gic_status_t gic_set_ppi(gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level)
{
    if (!g) return GIC_ERR_ARG;
    OBSERVE(g, ppi, t, cpu, intid, level);
    advance(g, t);
    return gic_core_set_ppi(g, cpu, intid, level);
}

gic_status_t gic_sysreg_read(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                             uint64_t *val)
{
    if (!g || !val) return GIC_ERR_ARG;
    *val = 0;
    advance(g, t);
    gic_status_t st = gic_core_sysreg(g, cpu, reg, false, val);
    OBSERVE(g, sysreg, t, cpu, reg, false, *val, st);
    return st;
}

gic_status_t gic_sysreg_write(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                              uint64_t val)
{
    if (!g) return GIC_ERR_ARG;
    OBSERVE(g, sysreg, t, cpu, reg, true, val, GIC_OK);
    advance(g, t);
    return gic_core_sysreg(g, cpu, reg, true, &val);
}

gic_status_t gic_mem_write(gic_t *g, uint64_t addr, const void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    OBSERVE(g, mem_write, g->now, addr, buf, len);
    return gic_core_mem(g, true, addr, (void *)buf, len);
}

gic_status_t gic_mem_read(gic_t *g, uint64_t addr, void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    return gic_core_mem(g, false, addr, buf, len);
}

size_t gic_mem_footprint(const gic_t *g) { return gic_core_mem_footprint(g); }

/* ---- statistics access ---- */
bool gic_stat_counter(const gic_t *g, const char *name, uint64_t *val)
{
    const gic_stat_entry_t *e = stats_find(&g->stats, name);
    if (!e || e->kind != 0) return false;
    *val = e->counter;
    return true;
}

bool gic_stat_counter_family(const gic_t *g, const char *name)
{
    return !stats_find(&g->stats, name) && stats_in_family(&g->stats, name);
}

bool gic_stat_hist(const gic_t *g, const char *name, gic_hist_summary_t *out)
{
    /* the histograms complete (gic_core_stats_sync: what they show does not
     * change, only where the model keeps it; the instance is never const) */
    gic_core_stats_sync((gic_t *)g);
    const gic_stat_entry_t *e = stats_find(&g->stats, name);
    if (!e || e->kind != 1) return false;
    hist_summary(e->hist, out);
    return true;
}

void gic_stats_reset(gic_t *g)
{
    OBSERVE(g, stats_reset, g->now);
    gic_core_stats_sync(g); /* (the deferred counts go with the rest) */
    stats_reset_all(&g->stats);
}

const char *gic_stat_name(const gic_t *g, int kind, size_t i)
{
    size_t k = 0;
    for (size_t j = 0; j < g->stats.n; j++) {
        if (g->stats.e[j]->kind != kind) continue;
        if (k++ == i) return g->stats.e[j]->name;
    }
    return NULL;
}
