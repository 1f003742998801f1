/* GIC instance: creation, the event loop, the inputs (applied at now),
 * logging and error accounting. */
#include "gic_core.h"
#include "gic_internal.h"

#include "cpuif.h"
#include "dist.h"
#include "its.h"
#include "lpi.h"
#include "mem.h"
#include "redist.h"
#include "vpe.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

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

/* The families of the log components the core names (the `component` of
 * gic_callbacks_t.log, and of gic_error): a component is a family, in lower
 * or upper case, possibly followed by an instance number ("its1") or by "_"
 * and a frame part ("GICR_RD"). Every gic_log / gic_error of the core uses
 * one (the common GoogleTest fixture, tests/gic_test.h, checks it on every
 * message its tests log). */
static const char *const log_families[] = {
    "api",  /* the C API's argument checks */
    "core", /* the instance and its event loop */
    "mem",  /* the memory port */
    "lpi",  /* LPI spaces, property and pending tables */
    "vpe",  /* vPEs, residency, doorbells, GICv4.1 vSGIs */
    "its",  /* an ITS instance: its<N> */
    "gicd", "gicr", "gits", /* register frames */
    "icc",  /* the physical CPU interface */
    "icv",  /* the virtual CPU interface */
    "ich",  /* the hypervisor control registers */
};

const char *gic_core_log_family(size_t i)
{
    return i < sizeof log_families / sizeof log_families[0] ? log_families[i] : NULL;
}

/* The entry of log_families that is component's family (lower case, up to
 * '_', without a trailing instance number), or NULL. */
const char *gic_core_log_family_of(const char *component)
{
    if (!component) return NULL;
    char f[16];
    size_t n = 0;
    for (const char *p = component; *p && *p != '_'; p++) {
        if (n + 1 >= sizeof f) return NULL;
        f[n++] = (char)(*p >= 'A' && *p <= 'Z' ? *p - 'A' + 'a' : *p);
    }
    while (n && f[n - 1] >= '0' && f[n - 1] <= '9') n--;
    f[n] = 0;
    for (size_t i = 0; i < sizeof log_families / sizeof log_families[0]; i++)
        if (strcmp(f, log_families[i]) == 0) return log_families[i];
    return NULL;
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
    gic_output_t o = gic_output_now(g, GIC_OUT_ERROR);
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
        if (g->cpuif[ev->a].upd_at[i] == ev->time) g->cpuif[ev->a].upd_at[i] = UINT64_MAX;
    /* Re-evaluation through the HPPI cache: the callers marked what changed. */
    cpuif_refresh(g, ev->a);
}

void gic_core_stats_sync(gic_t *g) { mem_stats_sync(g); }

void gic_cpu_update_at(gic_t *g, uint32_t cpu, gic_time_t t)
{
    if (t <= g->now) t = g->now;
    if (cpu >= g->cfg.num_cpus) return;
    /* Callers announce a state change of this CPU: never answer the update
     * from a stale HPPI (belt and braces; the changes are marked at source). */
    gic_hppi_changed(g, cpu);
    gic_time_t *u = g->cpuif[cpu].upd_at;
    if (u[0] == t || u[1] == t) return; /* already queued for that instant */
    if (!gic_schedule(g, t, ev_cpu_update, cpu, 0, 0, 0)) return;
    /* remember it in a free slot, else replace the older entry */
    int slot = u[0] == UINT64_MAX ? 0 : u[1] == UINT64_MAX ? 1 : (u[0] < u[1] ? 0 : 1);
    u[slot] = t;
}

/* Aff0 = cpu % cpus_per_cluster; the cluster number cpu / cpus_per_cluster
 * counts in Aff1 and, past 255 clusters, in Aff2. */
uint32_t gic_cpu_affinity(const gic_t *g, uint32_t cpu)
{
    uint32_t n = g->cfg.cpus_per_cluster;
    return ((cpu / n) << 8) | (cpu % n);
}

int gic_cpu_by_affinity(const gic_t *g, uint32_t aff)
{
    uint32_t n = g->cfg.cpus_per_cluster;
    if (aff >> 24) return -1; /* Aff3 is always 0 in our topology */
    uint32_t a0 = aff & 0xff, a12 = (aff >> 8) & 0xffff; /* Aff2:Aff1 = cluster number */
    if (a0 >= n) return -1;
    uint64_t cpu = (uint64_t)a12 * n + a0;
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
    host_arena_init(&g->arena, 0);
    evq_init(&g->evq);
    stats_init(&g->stats, &g->arena);
    g->cnt_errors = gic_counter(g, "errors.total");
    gic_reason_family(g, "errors.");
    g->hppi_stale = host_arena_calloc(&g->arena, 2 * (size_t)cfg->num_cpus, 1); /* physical and virtual interfaces */
    if (!g->hppi_stale || !gic_frames_init(g)) {
        if (err) snprintf(err, errlen, "out of memory");
        gic_core_destroy(g);
        return NULL;
    }
    gic_hppi_changed_all(g);
    g->mem = mem_create(g, port);
    g->dist = dist_create(g);
    g->redist = redist_create(g);
    g->cpuif = cpuif_create(g);
    g->lpi = lpi_create(g);
    g->vpes = g->lpi ? vpes_create(g) : NULL;
    bool ok = g->mem && g->dist && g->redist && g->cpuif && g->lpi && g->vpes && g->cnt_errors;
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
    if (g->vpes) vpes_destroy(g, g->vpes);
    if (g->lpi) lpi_destroy(g, g->lpi);
    if (g->cpuif) cpuif_destroy(g, g->cpuif);
    if (g->dist) dist_destroy(g->dist);
    if (g->mem) mem_destroy(g, g->mem);
    evq_free(&g->evq);
    stats_free(&g->stats);
    host_arena_free_all(&g->arena); /* hppi_stale, the per-CPU blocks, statistics, memory pages */
    free(g);
}

/* ---- inputs, applied at now (the API has advanced time and checked g) ---- */
gic_status_t gic_core_msi(gic_t *g, uint32_t its, uint32_t devid, uint32_t eventid)
{
    if (its >= g->cfg.num_its) {
        gic_error(g, "msi_bad_its", "api", "MSI to ITS %u: no such ITS", its);
        return GIC_ERR_ARG;
    }
    its_translate(g, its, devid, eventid);
    return GIC_OK;
}

gic_status_t gic_core_set_spi(gic_t *g, uint32_t intid, bool level)
{
    if (intid < 32 || intid >= 32 + g->cfg.num_spis) {
        gic_error(g, "bad_spi", "api", "SPI line %u out of range", intid);
        return GIC_ERR_ARG;
    }
    dist_set_spi_line(g, intid, level);
    return GIC_OK;
}

gic_status_t gic_core_set_ppi(gic_t *g, uint32_t cpu, uint32_t intid, bool level)
{
    if (cpu >= g->cfg.num_cpus || intid < 16 || intid >= 32) {
        gic_error(g, "bad_ppi", "api", "PPI line %u on CPU %u out of range", intid, cpu);
        return GIC_ERR_ARG;
    }
    redist_set_ppi_line(g, cpu, intid, level);
    return GIC_OK;
}

gic_status_t gic_core_sysreg(gic_t *g, uint32_t cpu, gic_sysreg_t reg, bool is_write, uint64_t *val)
{
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) {
        gic_error(g, "sysreg_bad_arg", "api", "sysreg %s %u on CPU %u: bad argument",
                  is_write ? "write" : "read", (unsigned)reg, cpu);
        if (!is_write) *val = 0;
        return GIC_ERR_ARG;
    }
    return is_write ? cpuif_sysreg_write(g, cpu, reg, *val) : cpuif_sysreg_read(g, cpu, reg, val);
}

gic_status_t gic_core_mem(gic_t *g, bool is_write, uint64_t addr, void *buf, size_t len)
{
    return mem_sw_access(g, is_write, addr, buf, len);
}

size_t gic_core_mem_footprint(const gic_t *g) { return mem_footprint(g); }
