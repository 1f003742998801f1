/* Public C API: argument checks, time advance, routing to the blocks. */
#include "gictlm.h"

#include "../model/cpuif.h"
#include "../model/dist.h"
#include "../model/gic_internal.h"
#include "../model/its.h"
#include "../model/mem.h"
#include "../model/redist.h"
#include "trace_internal.h"

#include <string.h>

gic_t *gic_core_create(const gic_config_t *cfg, const gic_callbacks_t *cb,
                       const gic_mem_port_t *port, char *err, size_t errlen);
void gic_core_destroy(gic_t *g);
void gic_core_run_until(gic_t *g, gic_time_t t);

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
    if (g && g->rec) gic_rec_free(g);
    gic_core_destroy(g);
}
const gic_config_t *gic_get_config(const gic_t *g) { return &g->cfg; }
gic_time_t gic_now(const gic_t *g) { return g->now; }
bool gic_next_event_time(const gic_t *g, gic_time_t *t) { return evq_peek(&g->evq, t); }
void gic_run_until(gic_t *g, gic_time_t t)
{
    if (g->rec) gic_rec_run(g, t);
    gic_core_run_until(g, t);
}

/* Bring the model to time t before applying an input at t. */
static void advance(gic_t *g, gic_time_t t)
{
    if (t < g->now) {
        gic_error(g, "late_input", "api", "input at %llu ps is older than now (%llu ps): clamped",
                  (unsigned long long)t, (unsigned long long)g->now);
        t = g->now;
    }
    gic_core_run_until(g, t);
}

const char *gic_frame_name(gic_frame_t f)
{
    switch (f) {
    case GIC_FRAME_GICD: return "gicd";
    case GIC_FRAME_GICR: return "gicr";
    case GIC_FRAME_GITS: return "gits";
    }
    return "?";
}

/* Resolve frame/index/offset to a register map and block. */
static gic_status_t route(gic_t *g, gic_frame_t frame, uint32_t index, uint64_t *off,
                          const gic_regmap_t **map, void **blk)
{
    switch (frame) {
    case GIC_FRAME_GICD:
        if (index != 0) return GIC_ERR_ADDR;
        *map = &dist_regmap;
        *blk = g->dist;
        return GIC_OK;
    case GIC_FRAME_GICR:
        if (index >= g->cfg.num_cpus || *off >= GIC_GICR_STRIDE) return GIC_ERR_ADDR;
        *blk = redist_blk(g, index);
        if (*off >= 0x10000) {
            *off -= 0x10000;
            *map = &redist_sgi_regmap;
        } else {
            *map = &redist_rd_regmap;
        }
        return GIC_OK;
    case GIC_FRAME_GITS:
        if (index >= g->cfg.num_its) return GIC_ERR_ADDR;
        *map = &its_regmap;
        *blk = g->its[index];
        return GIC_OK;
    }
    return GIC_ERR_ADDR;
}

static gic_status_t mmio(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                         uint64_t offset, uint32_t size, bool is_write, uint64_t *val)
{
    if (!g || !val) return GIC_ERR_ARG;
    advance(g, t);
    const gic_regmap_t *map = NULL;
    void *blk = NULL;
    uint64_t off = offset;
    gic_status_t st = route(g, frame, index, &off, &map, &blk);
    if (st == GIC_OK && frame == GIC_FRAME_GITS && is_write && off >= GITS_TRANSLATER_OFF &&
        off < GITS_TRANSLATER_OFF + 4) {
        /* An MSI needs its DeviceID: use gic_msi() (TLM: the DeviceID extension). */
        gic_error(g, "msi_no_devid", "api", "GITS_TRANSLATER write without DeviceID on ITS %u",
                  index);
        return GIC_ERR_DEVID;
    }
    if (st == GIC_OK) st = regmap_access(g, map, blk, off, size, is_write, val);
    if (st == GIC_ERR_ADDR)
        gic_error(g, "mmio_bad_address", "api", "%s %s%u offset 0x%llx: outside the frame",
                  is_write ? "write" : "read", gic_frame_name(frame), index,
                  (unsigned long long)offset);
    return st;
}

gic_status_t gic_mmio_read(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                           uint64_t offset, uint32_t size, uint64_t *val)
{
    gic_status_t st = mmio(g, t, frame, index, offset, size, false, val);
    if (g && g->rec && val) gic_rec_mmio(g, t, frame, index, offset, size, false, *val, st);
    return st;
}

gic_status_t gic_mmio_write(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                            uint64_t offset, uint32_t size, uint64_t val)
{
    if (g && g->rec) gic_rec_mmio(g, t, frame, index, offset, size, true, val, GIC_OK);
    return mmio(g, t, frame, index, offset, size, true, &val);
}

gic_status_t gic_decode_addr(const gic_t *g, uint64_t addr, gic_frame_t *frame, uint32_t *index,
                             uint64_t *offset)
{
    const gic_config_t *c = &g->cfg;
    if (addr >= c->gicd_base && addr - c->gicd_base < GIC_GICD_SIZE) {
        *frame = GIC_FRAME_GICD;
        *index = 0;
        *offset = addr - c->gicd_base;
        return GIC_OK;
    }
    if (addr >= c->gicr_base && addr - c->gicr_base < (uint64_t)GIC_GICR_STRIDE * c->num_cpus) {
        *frame = GIC_FRAME_GICR;
        *index = (uint32_t)((addr - c->gicr_base) / GIC_GICR_STRIDE);
        *offset = (addr - c->gicr_base) % GIC_GICR_STRIDE;
        return GIC_OK;
    }
    if (addr >= c->gits_base && addr - c->gits_base < (uint64_t)GIC_GITS_SIZE * c->num_its) {
        *frame = GIC_FRAME_GITS;
        *index = (uint32_t)((addr - c->gits_base) / GIC_GITS_SIZE);
        *offset = (addr - c->gits_base) % GIC_GITS_SIZE;
        return GIC_OK;
    }
    return GIC_ERR_ADDR;
}

const char *gic_reg_name(const gic_t *g, gic_frame_t frame, uint64_t offset)
{
    const gic_regmap_t *map = NULL;
    void *blk = NULL;
    if (route((gic_t *)g, frame, 0, &offset, &map, &blk) != GIC_OK) return NULL;
    const gic_reg_t *r = regmap_find(map, offset, NULL);
    return r ? r->name : NULL;
}

gic_status_t gic_msi(gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid)
{
    if (!g) return GIC_ERR_ARG;
    if (g->rec) gic_rec_msi(g, t, its, devid, eventid);
    advance(g, t);
    if (its >= g->cfg.num_its) {
        gic_error(g, "msi_bad_its", "api", "MSI to ITS %u: no such ITS", its);
        return GIC_ERR_ARG;
    }
    its_translate(g, its, devid, eventid);
    return GIC_OK;
}

gic_status_t gic_set_spi(gic_t *g, gic_time_t t, uint32_t intid, bool level)
{
    if (!g) return GIC_ERR_ARG;
    if (g->rec) gic_rec_spi(g, t, intid, level);
    advance(g, t);
    if (intid < 32 || intid >= 32 + g->cfg.num_spis) {
        gic_error(g, "bad_spi", "api", "SPI line %u out of range", intid);
        return GIC_ERR_ARG;
    }
    dist_set_spi_line(g, intid, level);
    return GIC_OK;
}

gic_status_t gic_set_ppi(gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level)
{
    if (!g) return GIC_ERR_ARG;
    if (g->rec) gic_rec_ppi(g, t, cpu, intid, level);
    advance(g, t);
    if (cpu >= g->cfg.num_cpus || intid < 16 || intid >= 32) {
        gic_error(g, "bad_ppi", "api", "PPI line %u on CPU %u out of range", intid, cpu);
        return GIC_ERR_ARG;
    }
    redist_set_ppi_line(g, cpu, intid, level);
    return GIC_OK;
}

static const char *const sysreg_names[GIC_SYSREG_COUNT] = {
    [GIC_ICC_IAR0_EL1] = "ICC_IAR0_EL1",     [GIC_ICC_IAR1_EL1] = "ICC_IAR1_EL1",
    [GIC_ICC_EOIR0_EL1] = "ICC_EOIR0_EL1",   [GIC_ICC_EOIR1_EL1] = "ICC_EOIR1_EL1",
    [GIC_ICC_DIR_EL1] = "ICC_DIR_EL1",       [GIC_ICC_HPPIR0_EL1] = "ICC_HPPIR0_EL1",
    [GIC_ICC_HPPIR1_EL1] = "ICC_HPPIR1_EL1", [GIC_ICC_BPR0_EL1] = "ICC_BPR0_EL1",
    [GIC_ICC_BPR1_EL1] = "ICC_BPR1_EL1",     [GIC_ICC_PMR_EL1] = "ICC_PMR_EL1",
    [GIC_ICC_RPR_EL1] = "ICC_RPR_EL1",       [GIC_ICC_AP0R0_EL1] = "ICC_AP0R0_EL1",
    [GIC_ICC_AP0R1_EL1] = "ICC_AP0R1_EL1",   [GIC_ICC_AP0R2_EL1] = "ICC_AP0R2_EL1",
    [GIC_ICC_AP0R3_EL1] = "ICC_AP0R3_EL1",   [GIC_ICC_AP1R0_EL1] = "ICC_AP1R0_EL1",
    [GIC_ICC_AP1R1_EL1] = "ICC_AP1R1_EL1",   [GIC_ICC_AP1R2_EL1] = "ICC_AP1R2_EL1",
    [GIC_ICC_AP1R3_EL1] = "ICC_AP1R3_EL1",   [GIC_ICC_CTLR_EL1] = "ICC_CTLR_EL1",
    [GIC_ICC_IGRPEN0_EL1] = "ICC_IGRPEN0_EL1", [GIC_ICC_IGRPEN1_EL1] = "ICC_IGRPEN1_EL1",
    [GIC_ICC_SRE_EL1] = "ICC_SRE_EL1",       [GIC_ICC_SGI0R_EL1] = "ICC_SGI0R_EL1",
    [GIC_ICC_SGI1R_EL1] = "ICC_SGI1R_EL1",   [GIC_ICC_ASGI1R_EL1] = "ICC_ASGI1R_EL1",
};

const char *gic_sysreg_name(gic_sysreg_t r)
{
    return (unsigned)r < GIC_SYSREG_COUNT ? sysreg_names[r] : "?";
}

gic_sysreg_t gic_sysreg_by_name(const char *name)
{
    for (unsigned i = 0; name && i < GIC_SYSREG_COUNT; i++)
        if (strcmp(sysreg_names[i], name) == 0) return (gic_sysreg_t)i;
    return GIC_SYSREG_COUNT;
}

static gic_status_t sysreg_read(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                               uint64_t *val)
{
    if (!g || !val) return GIC_ERR_ARG;
    *val = 0;
    advance(g, t);
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) {
        gic_error(g, "sysreg_bad_arg", "api", "sysreg read %u on CPU %u: bad argument",
                  (unsigned)reg, cpu);
        return GIC_ERR_ARG;
    }
    return cpuif_sysreg_read(g, cpu, reg, val);
}

gic_status_t gic_sysreg_read(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                             uint64_t *val)
{
    gic_status_t st = sysreg_read(g, t, cpu, reg, val);
    if (g && val && g->rec) gic_rec_sysreg(g, t, cpu, reg, false, *val, st);
    return st;
}

gic_status_t gic_sysreg_write(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                              uint64_t val)
{
    if (!g) return GIC_ERR_ARG;
    if (g->rec) gic_rec_sysreg(g, t, cpu, reg, true, val, GIC_OK);
    advance(g, t);
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) {
        gic_error(g, "sysreg_bad_arg", "api", "sysreg write %u on CPU %u: bad argument",
                  (unsigned)reg, cpu);
        return GIC_ERR_ARG;
    }
    return cpuif_sysreg_write(g, cpu, reg, val);
}

gic_status_t gic_mem_write(gic_t *g, uint64_t addr, const void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    if (g->rec) gic_rec_mem_write(g, addr, buf, len);
    return mem_sw_access(g, true, addr, (void *)buf, len);
}

gic_status_t gic_mem_read(gic_t *g, uint64_t addr, void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    return mem_sw_access(g, false, addr, buf, len);
}

size_t gic_mem_footprint(const gic_t *g) { return mem_footprint(g); }

/* ---- statistics access ---- */
bool gic_stat_counter(const gic_t *g, const char *name, uint64_t *val)
{
    const gic_stat_entry_t *e = stats_find(&g->stats, name);
    if (!e || e->kind != 0) return false;
    *val = e->counter;
    return true;
}

bool gic_stat_hist(const gic_t *g, const char *name, gic_hist_summary_t *out)
{
    const gic_stat_entry_t *e = stats_find(&g->stats, name);
    if (!e || e->kind != 1) return false;
    hist_summary(e->hist, out);
    return true;
}

void gic_stats_reset(gic_t *g)
{
    if (g->rec) gic_rec_stats_reset(g);
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
