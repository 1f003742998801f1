/* GIC instance: creation, the event loop, logging and error accounting. */
#include "gic_internal.h"

#include "cpuif.h"
#include "dist.h"
#include "its.h"
#include "lpi.h"
#include "mem.h"
#include "redist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

gic_t *gic_core_create(const gic_config_t *cfg, const gic_callbacks_t *cb,
                       const gic_mem_port_t *port, char *err, size_t errlen);
void gic_core_destroy(gic_t *g);
void gic_core_run_until(gic_t *g, gic_time_t t);

/* Format and hand a message to the log callback (callers check gic_log_on
 * first: the message is only formatted when it is logged). */
__attribute__((format(printf, 4, 0))) static void vlog(gic_t *g, gic_log_level_t lvl,
                                                        const char *component, const char *fmt,
                                                        va_list ap)
{
    char msg[512];
    vsnprintf(msg, sizeof(msg), fmt, ap);
    g->cb.log(g->cb.ctx, g->now, lvl, component, msg);
}

void gic_log(gic_t *g, gic_log_level_t lvl, const char *component, const char *fmt, ...)
{
    if (!gic_log_on(g, lvl)) return;
    va_list ap;
    va_start(ap, fmt);
    vlog(g, lvl, component, fmt, ap);
    va_end(ap);
}

void gic_emit(gic_t *g, const gic_output_t *out)
{
    if (g->cb.output) g->cb.output(g->cb.ctx, out);
}

void gic_error(gic_t *g, const char *id, const char *component, const char *fmt, ...)
{
    gic_inc(g->cnt_errors);
    gic_inc(gic_reason_counter(g, &g->err_memo, "errors.", id));
    if (gic_log_on(g, GIC_LOG_WARN)) {
        va_list ap;
        va_start(ap, fmt);
        vlog(g, GIC_LOG_WARN, component, fmt, ap);
        va_end(ap);
    }
    gic_output_t o;
    memset(&o, 0, sizeof(o));
    o.kind = GIC_OUT_ERROR;
    o.time = g->now;
    o.reason = id;
    gic_emit(g, &o);
}

bool gic_schedule(gic_t *g, gic_time_t t, gic_ev_fn fn, uint32_t a, uint32_t b, uint64_t c,
                  uint64_t d)
{
    gic_event_t ev;
    memset(&ev, 0, sizeof(ev));
    ev.time = t < g->now ? g->now : t;
    ev.fn = fn;
    ev.a = a;
    ev.b = b;
    ev.c = c;
    ev.d = d;
    if (!evq_push(&g->evq, &ev)) {
        /* Never silent: the error is counted and reported. */
        gic_error(g, "event_alloc", "core", "event queue allocation failed: event lost");
        return false;
    }
    return true;
}

static void ev_cpu_update(gic_t *g, const gic_event_t *ev)
{
    for (int i = 0; i < 2; i++)
        if (g->upd_at[ev->a][i] == ev->time) g->upd_at[ev->a][i] = UINT64_MAX;
    /* Re-evaluation through the HPPI cache: the callers marked what changed. */
    cpuif_refresh(g, ev->a);
}

void gic_cpu_update_at(gic_t *g, uint32_t cpu, gic_time_t t)
{
    if (t <= g->now) t = g->now;
    if (cpu >= GIC_MAX_CPUS) return;
    /* Callers announce a state change of this CPU: never answer the update
     * from a stale HPPI (belt and braces; the changes are marked at source). */
    gic_hppi_changed(g, cpu);
    gic_time_t *u = g->upd_at[cpu];
    if (u[0] == t || u[1] == t) return; /* already queued for that instant */
    if (!gic_schedule(g, t, ev_cpu_update, cpu, 0, 0, 0)) return;
    /* remember it in a free slot, else replace the older entry */
    int slot = u[0] == UINT64_MAX ? 0 : u[1] == UINT64_MAX ? 1 : (u[0] < u[1] ? 0 : 1);
    u[slot] = t;
}

uint32_t gic_cpu_affinity(const gic_t *g, uint32_t cpu)
{
    uint32_t n = g->cfg.cpus_per_cluster;
    return ((cpu / n) << 8) | (cpu % n);
}

int gic_cpu_by_affinity(const gic_t *g, uint32_t aff)
{
    uint32_t n = g->cfg.cpus_per_cluster;
    if (aff >> 16) return -1; /* Aff3/Aff2 are always 0 in our topology */
    uint32_t a0 = aff & 0xff, a1 = (aff >> 8) & 0xff;
    if (a0 >= n) return -1;
    uint64_t cpu = (uint64_t)a1 * n + a0;
    return cpu < g->cfg.num_cpus ? (int)cpu : -1;
}

void gic_core_run_until(gic_t *g, gic_time_t t)
{
    gic_event_t ev;
    gic_time_t next;
    while (evq_peek(&g->evq, &next) && next <= t) {
        evq_pop(&g->evq, &ev);
        if (ev.time > g->now) g->now = ev.time;
        ev.fn(g, &ev);
    }
    if (t > g->now) g->now = t;
}

gic_t *gic_core_create(const gic_config_t *cfg, const gic_callbacks_t *cb,
                       const gic_mem_port_t *port, char *err, size_t errlen)
{
    if (gic_config_validate(cfg, err, errlen) != GIC_OK) return NULL;
    gic_t *g = calloc(1, sizeof(*g));
    if (!g) {
        if (err) snprintf(err, errlen, "out of memory");
        return NULL;
    }
    g->cfg = *cfg;
    if (cb) g->cb = *cb;
    evq_init(&g->evq);
    stats_init(&g->stats);
    g->cnt_errors = gic_counter(g, "errors.total");
    for (uint32_t i = 0; i < GIC_MAX_CPUS; i++) g->upd_at[i][0] = g->upd_at[i][1] = UINT64_MAX;
    gic_hppi_changed_all(g);
    g->mem = mem_create(g, port);
    g->dist = dist_create(g);
    g->redist = redist_create(g);
    g->cpuif = cpuif_create(g);
    g->lpi = lpi_create(g);
    bool ok = g->mem && g->dist && g->redist && g->cpuif && g->lpi && g->cnt_errors;
    for (uint32_t i = 0; ok && i < cfg->num_its; i++) {
        g->its[i] = its_create(g, i);
        ok = g->its[i] != NULL;
    }
    if (!ok) {
        if (err) snprintf(err, errlen, "out of memory creating GIC blocks");
        gic_core_destroy(g);
        return NULL;
    }
    return g;
}

void gic_core_destroy(gic_t *g)
{
    if (!g) return;
    for (uint32_t i = 0; i < GIC_MAX_ITS; i++)
        if (g->its[i]) its_destroy(g, g->its[i]);
    if (g->lpi) lpi_destroy(g, g->lpi);
    if (g->cpuif) cpuif_destroy(g, g->cpuif);
    if (g->redist) redist_destroy(g, g->redist);
    if (g->dist) dist_destroy(g->dist);
    if (g->mem) mem_destroy(g, g->mem);
    evq_free(&g->evq);
    stats_free(&g->stats);
    free(g);
}
