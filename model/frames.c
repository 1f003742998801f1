/* Frame routing: which register map and block a (frame, index, offset)
 * names. GICD: one 64 KiB frame; GICR: per CPU, RD_base (offset 0) and
 * SGI_base (offset 0x10000) in a 128 KiB stride; GITS: per ITS, control and
 * translation frames (128 KiB). */
#include "gic_core.h"

#include "dist.h"
#include "gic_internal.h"
#include "its.h"
#include "redist.h"
#include "regmap.h"
#include "vpe.h"

const char *gic_frame_name(gic_frame_t f)
{
    switch (f) {
    case GIC_FRAME_GICD: return "gicd";
    case GIC_FRAME_GICR: return "gicr";
    case GIC_FRAME_GITS: return "gits";
    }
    return "?";
}

/* The register maps, in the order of the instance's indexes (g->regidx). */
enum { RM_GICD, RM_GICR_RD, RM_GICR_SGI, RM_GICR_VLPI, RM_GICR_RESERVED, RM_GITS, RM_GITS_SGI, RM_N };
_Static_assert(RM_N == GIC_NREGMAPS, "GIC_NREGMAPS counts the maps of frames.c");
static const gic_regmap_t *const regmaps[RM_N] = {
    [RM_GICD] = &dist_regmap,           [RM_GICR_RD] = &redist_rd_regmap,
    [RM_GICR_SGI] = &redist_sgi_regmap, [RM_GICR_VLPI] = &redist_vlpi_regmap,
    [RM_GICR_RESERVED] = &redist_reserved_regmap, [RM_GITS] = &its_regmap,
    [RM_GITS_SGI] = &its_sgi_regmap,
};

bool gic_frames_init(gic_t *g)
{
    for (unsigned i = 0; i < RM_N; i++)
        if (!regidx_build(&g->arena, &g->regidx[i], regmaps[i])) return false;
    return true;
}

/* Resolve frame/index/offset to a register map (its index) and block. */
static gic_status_t route(const gic_t *g, gic_frame_t frame, uint32_t index, uint64_t *off,
                          const gic_regidx_t **map, void **blk)
{
    switch (frame) {
    case GIC_FRAME_GICD:
        if (index != 0) return GIC_ERR_ADDR;
        *map = &g->regidx[RM_GICD];
        *blk = g->dist;
        return GIC_OK;
    case GIC_FRAME_GICR:
        /* RD_base, SGI_base; GICv4: VLPI_base at +0x20000 and a reserved
         * 64 KiB frame (RAZ/WI) at +0x30000 */
        if (index >= g->cfg.num_cpus || *off >= gic_gicr_stride(&g->cfg)) return GIC_ERR_ADDR;
        *blk = redist_blk((gic_t *)g, index);
        if (*off >= 0x30000) {
            *off -= 0x30000;
            *map = &g->regidx[RM_GICR_RESERVED];
        } else if (*off >= 0x20000) {
            *off -= 0x20000;
            *map = &g->regidx[RM_GICR_VLPI];
        } else if (*off >= 0x10000) {
            *off -= 0x10000;
            *map = &g->regidx[RM_GICR_SGI];
        } else {
            *map = &g->regidx[RM_GICR_RD];
        }
        return GIC_OK;
    case GIC_FRAME_GITS:
        if (index >= g->cfg.num_its) return GIC_ERR_ADDR;
        *blk = g->its[index];
        /* GICv4.1: ITS_SGI_base (GITS_SGIR) after the control and translation frames */
        if (g->cfg.gicv4_1 && *off >= GITS_SGI_FRAME_OFF && *off < GITS_SGI_FRAME_OFF + 0x10000) {
            *off -= GITS_SGI_FRAME_OFF;
            *map = &g->regidx[RM_GITS_SGI];
        } else {
            *map = &g->regidx[RM_GITS];
        }
        return GIC_OK;
    }
    return GIC_ERR_ADDR;
}

gic_status_t gic_core_mmio(gic_t *g, gic_frame_t frame, uint32_t index, uint64_t offset,
                           uint32_t size, bool is_write, uint64_t *val)
{
    const gic_regidx_t *map = NULL;
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
    uint64_t rs = gic_gicr_stride(c);
    if (addr >= c->gicr_base && addr - c->gicr_base < rs * c->num_cpus) {
        *frame = GIC_FRAME_GICR;
        *index = (uint32_t)((addr - c->gicr_base) / rs);
        *offset = (addr - c->gicr_base) % rs;
        return GIC_OK;
    }
    uint64_t is = gic_gits_stride(c);
    if (addr >= c->gits_base && addr - c->gits_base < is * c->num_its) {
        *frame = GIC_FRAME_GITS;
        *index = (uint32_t)((addr - c->gits_base) / is);
        *offset = (addr - c->gits_base) % is;
        return GIC_OK;
    }
    return GIC_ERR_ADDR;
}

const char *gic_reg_name(const gic_t *g, gic_frame_t frame, uint64_t offset)
{
    const gic_regidx_t *map = NULL;
    void *blk = NULL;
    if (route(g, frame, 0, &offset, &map, &blk) != GIC_OK) return NULL;
    const gic_reg_t *r = regmap_find(map->map, offset, NULL);
    return r ? r->name : NULL;
}
