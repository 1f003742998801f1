/* Table-driven register access shared by every register frame (frames.c;
 * inline there: one call per MMIO access less). The index: regmap.c.
 *
 * Rules (IHI0069, "GIC memory-mapped register access"):
 *  - 32-bit registers take 32-bit accesses; byte accesses only where the
 *    architecture allows them (IPRIORITYR, ITARGETSR, ...: REG_F_BYTE);
 *    16-bit accesses to bits [15:0] where the register description says
 *    they must be supported (GICD_SETSPI_NSR, ...: REG_F_HALF).
 *  - 64-bit registers take 64-bit accesses or 32-bit accesses to either half.
 *  - Reserved offsets inside a frame are RAZ/WI.
 * Anything else is reported as GIC_ERR_SIZE (read returns 0, write ignored),
 * counted and logged; the model state is never touched by a rejected access. */
#ifndef GIC_REGMAP_H
#define GIC_REGMAP_H
#include "gic_internal.h"

#define IDX_CHUNK_BYTES 256u
#define IDX_CHUNK_WORDS (IDX_CHUNK_BYTES / 4u)

/* The register at off (< map->size), its instance n and the byte offset bo
 * of off in that instance; NULL: reserved. */
static inline const gic_reg_t *regidx_find(const gic_regidx_t *x, uint64_t off, unsigned *n, unsigned *bo)
{
    const gic_reg_t *r;
    if (!x->top) {
        r = regmap_find(x->map, off, n);
        if (r) *bo = (unsigned)(off - ((uint64_t)r->offset + (uint64_t)*n * r->width));
        return r;
    }
    unsigned e = x->chunk[x->top[off / IDX_CHUNK_BYTES]][(off / 4) % IDX_CHUNK_WORDS];
    if (!e) return NULL;
    r = &x->map->regs[e - 1];
    unsigned rel = (unsigned)(off - r->offset); /* width 4 or 8 (idx_indexable) */
    *n = rel >> (r->width == 8 ? 3 : 2);
    *bo = rel & (r->width - 1u);
    return r;
}

static inline uint64_t size_mask(uint32_t size)
{
    return size >= 8 ? ~(uint64_t)0 : (((uint64_t)1 << (size * 8)) - 1);
}

/* Access a register frame. Reserved offsets inside the frame are RAZ/WI
 * (IHI0069 "Reserved" register space), counted and logged; offsets outside
 * return GIC_ERR_ADDR; unsupported size/alignment returns GIC_ERR_SIZE
 * (read value 0, write ignored), counted and logged. */
static inline gic_status_t regmap_access(gic_t *g, const gic_regidx_t *x, void *blk, uint64_t off,
                                         uint32_t size, bool is_write, uint64_t *val)
{
    const gic_regmap_t *map = x->map;
    if (!is_write) *val = 0;
    if (off >= map->size || size > map->size - off) return GIC_ERR_ADDR;
    if (size - 1u > 7u || (size & (size - 1u)) != 0 || (off & (size - 1u)) != 0) { /* not 1, 2, 4, 8 or misaligned */
        gic_error(g, "mmio_bad_size", map->name, "%s of size %u at offset 0x%llx: bad size or alignment",
                  is_write ? "write" : "read", size, (unsigned long long)off);
        return GIC_ERR_SIZE;
    }
    unsigned n = 0, bo = 0;
    const gic_reg_t *r = regidx_find(x, off, &n, &bo);
    if (!r) {
        gic_error(g, is_write ? "mmio_reserved_write" : "mmio_reserved_read", map->name,
                  "%s at reserved offset 0x%llx (RAZ/WI)", is_write ? "write" : "read",
                  (unsigned long long)off);
        return GIC_OK;
    }
    bool ok;
    if (r->width == 8) ok = size == 8 || size == 4;
    else ok = size == 4 || (size == 1 && (r->flags & REG_F_BYTE)) ||
              (size == 2 && bo == 0 && (r->flags & REG_F_HALF));
    if (!ok) {
        gic_error(g, "mmio_bad_size", map->name, "%s of size %u to %s (width %u) not supported",
                  is_write ? "write" : "read", size, r->name, r->width);
        return GIC_ERR_SIZE;
    }
    uint64_t m = size_mask(size);
    if (!is_write) {
        if (r->flags & REG_F_WO) {
            gic_error(g, "mmio_read_wo", map->name, "read of write-only %s (RAZ)", r->name);
            return GIC_OK;
        }
        uint64_t v = r->read ? r->read(g, blk, n) : 0;
        *val = (v >> (bo * 8)) & m;
        return GIC_OK;
    }
    if ((r->flags & REG_F_RO) || !r->write) {
        if (r->flags & REG_F_RO)
            gic_error(g, "mmio_write_ro", map->name, "write of read-only %s ignored", r->name);
        return GIC_OK;
    }
    r->write(g, blk, n, (*val & m) << (bo * 8), m << (bo * 8));
    /* A register write may change what any CPU interface sees (HPPI cache,
     * cpuif_engine.c); evaluations inside the handler recompute (cpuif_update).
     * Registers whose handlers mark what they change say so (REG_F_HPPI_OWN). */
    if (!(r->flags & REG_F_HPPI_OWN)) gic_hppi_changed_all(g);
    return GIC_OK;
}

#endif /* GIC_REGMAP_H */
