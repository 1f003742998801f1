/* ITS table walks (IHI0069 5.2 "The ITS tables"): DeviceID -> DTE -> ITE ->
 * CTE through the three ITS caches and the memory port (classes device / itt
 * / collection), flat and two-level tables (GITS_BASER<n>.Indirect), RDbase
 * decoding, and the cache invalidations the commands need. One walk is shared
 * by every command and by translation; entries are decoded by its_codec.h. */
#include "its_internal.h"

#include <string.h>

const char *const its_reason_names[R_COUNT] = {
    "none",          "its_disabled",     "device_oor",          "unmapped_device",
    "eventid_oor",   "unmapped_interrupt", "collection_oor",    "unmapped_collection",
    "mem_error",     "vpeid_oor",        "unmapped_vpe"};

void its_mem_failed(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls, bool wr, uint64_t addr)
{
    w->mem_err = true;
    gic_log(g, GIC_LOG_WARN, its->name, "%s %s of 0x%llx failed", mem_cls_name(cls), wr ? "write" : "read",
            (unsigned long long)addr);
}
gic_status_t its_write_ite(gic_t *g, struct gic_its *its, its_walk_t *w, uint64_t addr,
                           const its_ite_t *e)
{
    uint8_t b[ITS_ITE_BYTES_V4];
    its_put_le64(b, its_ite_pack_dw0(e, its->v4));
    its_put_le64(b + 8, its_ite_pack_dw1(e, its->v4));
    return its_mem_bytes(g, its, w, MEM_CLS_ITT, true, addr, b, its_ite_bytes(its->v4));
}

/* ---- GITS_BASER decoding ------------------------------------------------------- */
static uint64_t baser_page_size(uint64_t v)
{
    switch ((v >> 8) & 3) {
    case 0: return 0x1000;
    case 1: return 0x4000;
    default: return 0x10000;
    }
}

/* Physical_Address: [47:12]; with 64 KiB pages bits [15:12] hold PA[51:48]. */
static uint64_t baser_pa(uint64_t v)
{
    uint64_t ps = baser_page_size(v);
    if (ps == 0x10000) return (v & 0x0000ffffffff0000ull) | (((v >> 12) & 0xf) << 48);
    return v & 0x0000fffffffff000ull & ~(ps - 1);
}

/* Level-1 step of a two-level table (table_entry_addr). */
static bool table_entry_addr_l2(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls, uint64_t v,
                                uint64_t id, unsigned esz, uint64_t *addr)
{
    uint64_t ps = baser_page_size(v);
    uint64_t bytes = ((v & 0xff) + 1) * ps;
    uint64_t per_l2 = ps / esz;
    uint64_t l1i = id / per_l2;
    if (l1i >= bytes / ITS_L1_BYTES) return false;
    uint64_t l1;
    if (its_mem(g, its, w, cls, false, baser_pa(v) + l1i * ITS_L1_BYTES, &l1) != GIC_OK) return false;
    if (!its_l1_valid(l1)) return false;
    *addr = (its_l1_addr(l1) & ~(ps - 1)) + (id % per_l2) * esz;
    return true;
}

/* Address of entry `id` of the table described by BASER n (flat or two-level),
 * entries of esz bytes. Returns false if id is beyond the table (or the table
 * is not valid / the level-1 entry is not valid: IHI0069 treats those IDs as
 * out of range); sets w->mem_err if a level-1 read failed. Inline: a flat
 * table's address is a few operations on every device-cache miss. */
static inline bool table_entry_addr(gic_t *g, struct gic_its *its, its_walk_t *w, unsigned n,
                                    mem_cls_t cls, uint64_t id, unsigned esz, uint64_t *addr)
{
    uint64_t v = its->baser[n];
    if (!(v & BASER_VALID)) return false;
    if (v & BASER_INDIRECT) return table_entry_addr_l2(g, its, w, cls, v, id, esz, addr);
    if (id >= ((v & 0xff) + 1) * baser_page_size(v) / esz) return false;
    *addr = baser_pa(v) + id * esz;
    return true;
}

static void walk_fail(its_walk_t *w, unsigned type, int reason)
{
    if (w->mem_err) {
        w->type = E_MEM;
        w->reason = R_MEM_ERROR;
    } else {
        w->type = type;
        w->reason = reason;
    }
}

static gic_time_t hit_time(gic_t *g, const gic_cache_config_t *c) { return gic_cycles(g, c->hit_cycles); }

/* Host hint, no effect on the model: when a translation misses the device
 * cache, its ITE is likely cold in the host's caches as well (a large ITT
 * read at random). Its address is known as soon as the DTE is read, so the
 * host fetches the ITE while the walk fills the device cache and looks the
 * event up. */
static inline void prefetch_ite(gic_t *g, const struct gic_its *its, its_dte_t d, uint32_t eventid)
{
    if (d.valid) mem_prefetch(g, d.itt_addr + (uint64_t)eventid * its_ite_bytes(its->v4));
}

/* The DTE of devid into w->dte (need_addr: only its address, w->dte_addr).
 * pf_event: the EventID a translation reads next (prefetch_ite), or
 * ITS_NO_PREFETCH. */
#define ITS_NO_PREFETCH UINT32_MAX
static inline bool walk_dte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, bool need_addr,
                            uint32_t pf_event)
{
    if (devid >= ((uint64_t)1 << g->cfg.its_devbits)) {
        walk_fail(w, E_DEVICE_OOR, R_DEVICE_OOR);
        return false;
    }
    uint64_t raw;
    if (!need_addr && cache_lookup(its->c_dev, devid, &raw)) {
        w->t += hit_time(g, &g->cfg.its_device_cache);
        w->dte = its_dte_unpack(raw);
        return true;
    }
    if (!table_entry_addr(g, its, w, 0, MEM_CLS_DEVICE, devid, ITS_DTE_BYTES, &w->dte_addr)) {
        walk_fail(w, E_DEVICE_OOR, R_DEVICE_OOR);
        return false;
    }
    if (need_addr) return true;
    if (its_mem(g, its, w, MEM_CLS_DEVICE, false, w->dte_addr, &raw) != GIC_OK) {
        walk_fail(w, 0, 0);
        return false;
    }
    w->dte = its_dte_unpack(raw);
    if (pf_event != ITS_NO_PREFETCH) prefetch_ite(g, its, w->dte, pf_event);
    cache_fill(its->c_dev, devid, &raw, false, NULL, NULL);
    return true;
}

/* The event cache holds 8-byte values: the first doubleword of the ITE on a
 * GICv3 ITS; on a GICv4 ITS the compact form of its_ite_cache_pack (virtual
 * ITEs whose fields do not fit are read from the ITT every time). */
static inline bool walk_ite(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid,
                            uint32_t eventid, bool need_valid)
{
    if (!w->dte.valid) {
        walk_fail(w, E_UNMAPPED_DEVICE, R_UNMAPPED_DEVICE);
        return false;
    }
    if (w->dte.id_bits < 32 && eventid >= (1u << w->dte.id_bits)) {
        walk_fail(w, E_ID_OOR, R_EVENTID_OOR);
        return false;
    }
    w->ite_addr = w->dte.itt_addr + (uint64_t)eventid * its_ite_bytes(its->v4);
    if (!need_valid) return true;
    uint64_t key = ((uint64_t)devid << 32) | eventid, dw0;
    if (cache_lookup(its->c_ev, key, &dw0)) {
        w->t += hit_time(g, &g->cfg.its_event_cache);
        w->ite = its->v4 ? its_ite_cache_unpack(dw0) : its_ite_phys(dw0);
    } else if (!its->v4) {
        w->ite_read = true;
        if (its_mem(g, its, w, MEM_CLS_ITT, false, w->ite_addr, &dw0) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        w->ite = its_ite_phys(dw0);
        if (w->ite.valid) cache_fill(its->c_ev, key, &dw0, false, NULL, NULL);
    } else {
        uint8_t b[ITS_ITE_BYTES_V4];
        w->ite_read = true;
        if (its_mem_bytes(g, its, w, MEM_CLS_ITT, false, w->ite_addr, b, ITS_ITE_BYTES_V4) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        w->ite = its_ite_unpack(its_le64(b), its_le64(b + 8), true);
        if (w->ite.valid && its_ite_cache_pack(&w->ite, &dw0)) cache_fill(its->c_ev, key, &dw0, false, NULL, NULL);
    }
    if (!w->ite.valid) {
        walk_fail(w, E_UNMAPPED_INTERRUPT, R_UNMAPPED_INTERRUPT);
        return false;
    }
    w->intid = w->ite.intid;
    return true;
}

bool its_colls_all_held(const gic_t *g)
{
    return g->cfg.its_hcc >= (1u << g->cfg.its_cid_bits);
}
/* IHI0069 GITS_TYPER.CIL: without collections in external memory the number
 * of collections is HCC; otherwise 2^CIDbits. */
bool its_icid_in_range(const gic_t *g, uint32_t icid)
{
    return icid < (its_colls_all_held(g) ? g->cfg.its_hcc : (1u << g->cfg.its_cid_bits));
}

bool its_cte_addr(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid, uint64_t *addr)
{
    return table_entry_addr(g, its, w, 1, MEM_CLS_COLL, icid, ITS_CTE_BYTES, addr);
}

static inline bool walk_cte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid)
{
    if (!its_icid_in_range(g, icid)) {
        walk_fail(w, E_COLLECTION_OOR, R_COLLECTION_OOR);
        return false;
    }
    uint64_t raw;
    if (icid < g->cfg.its_hcc) {
        w->cte = its->coll_hcc[icid];
    } else if (cache_lookup(its->c_coll, icid, &raw)) {
        w->t += hit_time(g, &g->cfg.its_collection_cache);
        w->cte = its_cte_unpack(raw);
    } else {
        uint64_t a;
        if (!its_cte_addr(g, its, w, icid, &a)) {
            walk_fail(w, E_COLLECTION_OOR, R_COLLECTION_OOR);
            return false;
        }
        if (its_mem(g, its, w, MEM_CLS_COLL, false, a, &raw) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        w->cte = its_cte_unpack(raw);
        if (w->cte.valid) cache_fill(its->c_coll, icid, &raw, false, NULL, NULL);
    }
    if (!w->cte.valid || w->cte.target >= g->cfg.num_cpus) {
        walk_fail(w, E_UNMAPPED_COLLECTION, R_UNMAPPED_COLLECTION);
        return false;
    }
    w->cpu = w->cte.target;
    return true;
}

/* vPE table (GITS_BASER2, GICv4): entry vpeid, 16 bytes (GICv4.0) or 32
 * bytes (GICv4.1; a walk reads the first 16, which name VPT and target). */
bool its_vpe_addr(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t vpeid, uint64_t *addr)
{
    return table_entry_addr(g, its, w, 2, MEM_CLS_DEVICE, vpeid, its_vpete_bytes(its->v41), addr);
}

bool its_walk_vpe(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t vpeid, bool need_addr)
{
    uint8_t b[ITS_VPETE_BYTES];
    uint64_t cv;
    if (!need_addr && its->c_vpe && cache_lookup(its->c_vpe, vpeid, &cv)) {
        w->t += hit_time(g, &g->cfg.its_vpe_cache);
        w->vpe = its_vpete_cache_unpack(cv);
    } else {
        /* vPEIDs are 16 bits in GICv4.0; beyond the table (or an invalid
         * level-1 entry of a two-level table) the vPEID is out of range. */
        if (vpeid > 0xffff || !its_vpe_addr(g, its, w, vpeid, &w->vpe_addr)) {
            walk_fail(w, E_VPEID_OOR, R_VPEID_OOR);
            return false;
        }
        if (need_addr) return true;
        if (its_mem_bytes(g, its, w, MEM_CLS_DEVICE, false, w->vpe_addr, b, ITS_VPETE_BYTES) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        its_vpete_decode_v(b, ITS_VPETE_BYTES, its->v41, &w->vpe);
        if (w->vpe.valid && w->vpe.target < g->cfg.num_cpus && its->c_vpe) {
            cv = its_vpete_cache_pack(&w->vpe);
            cache_fill(its->c_vpe, vpeid, &cv, false, NULL, NULL);
        }
    }
    if (!w->vpe.valid || w->vpe.target >= g->cfg.num_cpus) {
        walk_fail(w, E_UNMAPPED_VPE, R_UNMAPPED_VPE);
        return false;
    }
    return true;
}

/* The three steps are inlined into the full walk (the per-MSI path). */
bool its_walk_dte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, bool need_addr)
{
    return walk_dte(g, its, w, devid, need_addr, ITS_NO_PREFETCH);
}

bool its_walk_ite(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, uint32_t eventid,
                  bool need_valid)
{
    return walk_ite(g, its, w, devid, eventid, need_valid);
}

bool its_walk_cte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid)
{
    return walk_cte(g, its, w, icid);
}

bool its_walk_full(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, uint32_t eventid)
{
    if (!walk_dte(g, its, w, devid, false, eventid) || !walk_ite(g, its, w, devid, eventid, true)) return false;
    if (w->ite.type == ITS_ITE_VIRTUAL) { /* only on a GICv4 ITS */
        w->virt = true;
        if (!its_walk_vpe(g, its, w, w->ite.vpeid, false)) return false;
        w->cpu = w->vpe.target;
        return true;
    }
    return walk_cte(g, its, w, w->ite.icid);
}

/* RDbase field (DW[51:16]) -> processor number (GITS_TYPER.PTA selects the
 * encoding: 0 = processor number, 1 = physical address of RD_base >> 16). */
bool its_rdbase_cpu(const gic_t *g, uint64_t field, uint32_t *cpu)
{
    if (!g->cfg.its_pta) {
        if (field >= g->cfg.num_cpus) return false;
        *cpu = (uint32_t)field;
        return true;
    }
    uint64_t addr = field << 16;
    if (addr < g->cfg.gicr_base) return false;
    uint64_t off = addr - g->cfg.gicr_base;
    uint64_t rs = gic_gicr_stride(&g->cfg);
    if (off % rs || off / rs >= g->cfg.num_cpus) return false;
    *cpu = (uint32_t)(off / rs);
    return true;
}

/* ---- cache invalidation --------------------------------------------------------- */
static bool pred_dev_events(uint64_t key, const void *val, void *ctx)
{
    (void)val;
    return (key >> 32) == *(const uint32_t *)ctx;
}

void its_inval_device(struct gic_its *its, uint32_t devid)
{
    cache_invalidate(its->c_dev, devid);
    cache_invalidate_if(its->c_ev, pred_dev_events, &devid);
}

void its_inval_event(struct gic_its *its, uint32_t devid, uint32_t eventid)
{
    cache_invalidate(its->c_ev, ((uint64_t)devid << 32) | eventid);
}

/* Collection-cache entries whose target is `cpu`. */
static bool pred_coll_cpu(uint64_t key, const void *val, void *ctx)
{
    (void)key;
    uint64_t raw;
    memcpy(&raw, val, sizeof raw);
    return its_cte_unpack(raw).target == *(const uint32_t *)ctx;
}

void its_inval_coll_cpu(struct gic_its *its, uint32_t cpu)
{
    cache_invalidate_if(its->c_coll, pred_coll_cpu, &cpu);
}

void its_inval_vpe(struct gic_its *its, uint32_t vpeid)
{
    if (its->c_vpe) cache_invalidate(its->c_vpe, vpeid);
}

void its_inval_all(struct gic_its *its)
{
    if (its->c_vpe) cache_invalidate_if(its->c_vpe, NULL, NULL);
    cache_invalidate_if(its->c_dev, NULL, NULL);
    cache_invalidate_if(its->c_ev, NULL, NULL);
    cache_invalidate_if(its->c_coll, NULL, NULL);
}
