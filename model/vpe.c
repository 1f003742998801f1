/* vPEs at the redistributors (GICv4.0, IHI0069 chapter 6): the VLPI frame
 * (GICR_VPROPBASER, GICR_VPENDBASER), residency, virtual LPIs made pending
 * directly or recorded in the virtual pending table (VPT) with a doorbell,
 * and the vLPI source of the virtual CPU interface. See vpe.h and
 * docs/lpi.md "vPEs".
 *
 * Each VPT address names one vLPI space (lpi_space.h): its pending mirror,
 * cache keys and scan state. A space is resident at the redistributor whose
 * GICR_VPENDBASER is Valid with that address; it then uses that
 * redistributor's GICR_VPROPBASER (the VM's vLPI configuration table), memory
 * agent and LPI cache, and signals that CPU's virtual interface. */
#include "vpe.h"

#include "cpuif.h"
#include "vpe_internal.h"
#include "lpi_space.h"
#include "redist.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* GICR_VPROPBASER (GICv4.0 layout = GICR_PROPBASER): IDbits [4:0],
 * InnerCache [9:7], Shareability [11:10], PA [51:12], OuterCache [58:56]. */
#define VPROPBASER_MASK (0x1full | (0x7ull << 7) | (0x3ull << 10) | (0xffffffffffull << 12) | (0x7ull << 56))
/* GICv4.1 GICR_VPENDBASER (IHI0069; Linux GICR_VPENDBASER_4_1_*): Valid [63],
 * DB [62] (doorbell requested at non-residency), PendingLast [61], Dirty [60]
 * (RO: the residency change is in progress), VGrp0En [59], VGrp1En [58],
 * vPEID [15:0]. */
#define VPEND41_DB (1ull << 62)
#define VPEND41_VGRP0EN (1ull << 59)
#define VPEND41_VGRP1EN (1ull << 58)
#define VPEND41_MASK ((1ull << 63) | VPEND41_DB | (1ull << 61) | VPEND41_VGRP0EN | VPEND41_VGRP1EN | 0xffffull)
/* GICR_VPENDBASER: InnerCache [9:7], Shareability [11:10], PA [51:16],
 * OuterCache [58:56], Dirty [60] (RO), PendingLast [61] (RO), IDAI [62], Valid [63]. */
#define VPENDBASER_PA (0xfffffffffull << 16)
#define VPENDBASER_MASK ((0x7ull << 7) | (0x3ull << 10) | VPENDBASER_PA | (0x7ull << 56) | (1ull << 62) | (1ull << 63))
#define VPENDBASER_DIRTY (1ull << 60) /* RO (both layouts) */
#define VPENDBASER_PENDINGLAST (1ull << 61)
#define VPENDBASER_IDAI (1ull << 62)
#define VPENDBASER_VALID (1ull << 63)

static struct gic_vpes *V(gic_t *g) { return g->vpes; }
static uint32_t slot_of(uint64_t pa, uint32_t mask) { return (uint32_t)((pa >> 16) * 2654435761u) & mask; }

static vspace_t *space_find(gic_t *g, uint64_t pa)
{
    struct gic_vpes *v = V(g);
    if (!v->hk) return NULL;
    for (uint32_t i = slot_of(pa, v->hmask);; i = (i + 1) & v->hmask) {
        if (!v->hv[i]) return NULL;
        if (v->hk[i] == pa) return v->v[v->hv[i] - 1];
    }
}

static bool hash_put(struct gic_vpes *v, uint64_t pa, uint32_t val)
{
    if (!v->hk || (v->n + 1) * 2 > v->hmask + 1) {
        uint32_t ncap = v->hk ? (v->hmask + 1) * 2 : 64;
        uint64_t *nk = calloc(ncap, sizeof(*nk));
        uint32_t *nv = calloc(ncap, sizeof(*nv));
        if (!nk || !nv) {
            free(nk);
            free(nv);
            return false;
        }
        for (uint32_t i = 0; v->hk && i <= v->hmask; i++) {
            if (!v->hv[i]) continue;
            uint32_t j = slot_of(v->hk[i], ncap - 1);
            while (nv[j]) j = (j + 1) & (ncap - 1);
            nk[j] = v->hk[i];
            nv[j] = v->hv[i];
        }
        free(v->hk);
        free(v->hv);
        v->hk = nk;
        v->hv = nv;
        v->hmask = ncap - 1;
    }
    uint32_t i = slot_of(pa, v->hmask);
    while (v->hv[i]) i = (i + 1) & v->hmask;
    v->hk[i] = pa;
    v->hv[i] = val;
    return true;
}

/* The space of a VPT, created on first use. */
static vspace_t *space_get(gic_t *g, uint64_t pa, uint32_t rd)
{
    vspace_t *s = space_find(g, pa);
    if (s) return s;
    struct gic_vpes *v = V(g);
    if (v->n == v->cap) {
        uint32_t nc = v->cap ? v->cap * 2 : 16;
        vspace_t **nv = realloc(v->v, nc * sizeof(*nv));
        if (!nv) return NULL;
        v->v = nv;
        v->cap = nc;
    }
    s = calloc(1, sizeof(*s));
    if (!s || !hash_put(v, pa, v->n + 1)) {
        free(s);
        return NULL;
    }
    s->vpt_pa = pa;
    s->s.key = g->cfg.num_cpus + v->n;
    s->s.cpu = rd;
    s->s.virt = true;
    s->s.agent = &g->lpi->agents[rd];
    s->s.pendbaser = pa;
    s->v41.default_db = ITS_INTID_NONE;
    s->vpt_unparsed = true;
    v->v[v->n++] = s;
    return s;
}

vspace_t *vpe_space_find(gic_t *g, uint64_t vpt_pa) { return space_find(g, vpt_pa); }
vspace_t *vpe_space_get(gic_t *g, uint64_t vpt_pa, uint32_t rd) { return space_get(g, vpt_pa, rd); }

lpi_space_t *vpe_space_of_key(gic_t *g, uint32_t key)
{
    uint32_t i = key - g->cfg.num_cpus;
    return V(g) && i < V(g)->n ? &V(g)->v[i]->s : NULL;
}

static bool is_resident(gic_t *g, const vspace_t *s)
{
    struct gic_vpes *v = V(g);
    uint32_t c = s->s.cpu;
    return c < g->cfg.num_cpus && v->resident[c] && v->v[v->resident[c] - 1] == s;
}

static lpi_space_t *resident_space(gic_t *g, uint32_t cpu)
{
    struct gic_vpes *v = V(g);
    if (!v || cpu >= g->cfg.num_cpus || !v->resident[cpu]) return NULL;
    return &v->v[v->resident[cpu] - 1]->s;
}

bool vpe_space_is_resident(gic_t *g, const vspace_t *s) { return is_resident(g, s); }
vspace_t *vpe_resident(gic_t *g, uint32_t cpu) { return (vspace_t *)resident_space(g, cpu); }

void vpe_space_notify(gic_t *g, const lpi_space_t *r, gic_time_t t)
{
    if (!is_resident(g, (const vspace_t *)r)) return;
    virt_update_at(g, r->cpu, t);
}

/* ---- lifecycle -------------------------------------------------------------------- */

/* The vPE statistics (GICv4.0), and those of GICv4.1 */
#define VC(f, n) GIC_COUNTER_DEF(struct gic_vpes, f, n)
#define VH(f, n) GIC_HIST_DEF(struct gic_vpes, f, "ps", n)
static const gic_stat_def_t vpe_stats[] = {
    VC(c_direct, "vpe.vlpi.direct"),
    VC(c_recorded, "vpe.vlpi.recorded"),
    VC(c_coal, "vpe.vlpi.coalesced"),
    VC(c_doorbells, "vpe.doorbells"),
    VC(c_sched, "vpe.residency.scheduled"),
    VC(c_desched, "vpe.residency.descheduled"),
    VC(c_reads, "vpe.residency.scan_reads"),
    VH(h_sched, "vpe.residency.load_latency"),
    VH(h_desched, "vpe.residency.writeback_latency"),
    VH(h_lat_direct, "vpe.latency.msi_to_iar.resident"),
    VH(h_lat_vpt, "vpe.latency.msi_to_iar.non_resident"),
};
static const gic_stat_def_t vpe41_stats[] = {
    VC(c_defdb, "vpe41.default_doorbells"),
    VC(c_defdb_suppressed, "vpe41.default_doorbells_not_raised"),
    VC(c_vsgi_direct, "vpe41.vsgi.direct"),
    VC(c_vsgi_recorded, "vpe41.vsgi.recorded"),
    VC(c_vsgi_coal, "vpe41.vsgi.coalesced"),
    VC(c_vsgi_acks, "vpe41.vsgi.acks"),
    VC(c_invdb, "vpe41.invdb"),
    VC(c_dirty_polls, "vpe41.vpendbaser_dirty_reads"),
    VC(c_dinv, "vpe41.direct_inv"),
    VH(h_dirty_sched, "vpe41.residency.dirty_schedule"),
    VH(h_dirty_desched, "vpe41.residency.dirty_deschedule"),
    VH(h_vsgi_lat, "vpe41.vsgi.sgir_to_pending"),
    VH(h_vsgi_iar, "vpe41.vsgi.sgir_to_iar"),
};
#undef VC
#undef VH

struct gic_vpes *vpes_create(gic_t *g)
{
    struct gic_vpes *v = calloc(1, sizeof(*v));
    if (!v) return NULL;
    uint32_t n = g->cfg.num_cpus;
    v->vpropbaser = calloc(n, sizeof(uint64_t));
    v->vpendbaser = calloc(n, sizeof(uint64_t));
    v->resident = calloc(n, sizeof(uint32_t));
    v->dirty_until = calloc(n, sizeof(gic_time_t));
    if (!v->vpropbaser || !v->vpendbaser || !v->resident || !v->dirty_until) {
        vpes_destroy(g, v);
        return NULL;
    }
    gic_stats_define(g, v, vpe_stats, sizeof vpe_stats / sizeof vpe_stats[0]);
    gic_reason_family(g, "vpe.vlpi.dropped.");
    if (vpe_is41(g)) {
        v->rd41 = calloc(n, sizeof(*v->rd41));
        if (!v->rd41) {
            vpes_destroy(g, v);
            return NULL;
        }
        for (uint32_t c = 0; c < n; c++) v->rd41[c].vsgir_space = -1;
        gic_stats_define(g, v, vpe41_stats, sizeof vpe41_stats / sizeof vpe41_stats[0]);
    }
    if (g->cfg.vpe_vlpi_cache.entries) {
        v->vcache = cache_create(g, &g->cfg.vpe_vlpi_cache, 1, "vpe.vlpi_cache");
        if (!v->vcache) {
            vpes_destroy(g, v);
            return NULL;
        }
        cache_track_groups(v->vcache, 0); /* a vPE's entries without a walk of the cache */
    }
    return v;
}

void vpes_destroy(gic_t *g, struct gic_vpes *v)
{
    (void)g;
    if (!v) return;
    for (uint32_t i = 0; i < v->n; i++) {
        lpi_space_free(&v->v[i]->s);
        free(v->v[i]);
    }
    free(v->v);
    free(v->hk);
    free(v->hv);
    free(v->vpropbaser);
    free(v->vpendbaser);
    free(v->resident);
    free(v->dirty_until);
    free(v->rd41);
    if (v->vcache) cache_destroy(v->vcache);
    free(v);
}

static gic_msi_outcome_t drop(gic_t *g, const char *reason, const char **out)
{
    gic_inc(gic_reason_counter(g, &V(g)->drops, "vpe.vlpi.dropped.", reason));
    if (out) *out = reason;
    return GIC_MSI_DROPPED;
}

/* ---- vLPI configuration cache ------------------------------------------------------ */
/* IHI0069 lets a redistributor cache vLPI configuration like LPI configuration:
 * a change is guaranteed visible only after INV (of the event) or VINVALL (of
 * the vPE). Entries are the property bytes of one vPE's space, read at its
 * residency loads from the table named by GICR_VPROPBASER then. */
static void vcache_drop_space(gic_t *g, vspace_t *s)
{
    if (!V(g)->vcache) return;
    cache_invalidate_group_if(V(g)->vcache, s->s.key, NULL, NULL);
}

void vpe_vcache_inv(gic_t *g, vspace_t *s, uint32_t vintid, bool all)
{
    if (!V(g)->vcache) return;
    if (all) vcache_drop_space(g, s);
    else cache_invalidate(V(g)->vcache, ckey(s->s.key, vintid));
}
bool vpe_has_vcache(const gic_t *g) { return g->vpes && g->vpes->vcache; }

gic_status_t vpe_read_vprop(gic_t *g, lpi_space_t *r, uint32_t vintid, gic_time_t start, uint8_t *prop,
                            gic_time_t *done, bool *mem_read)
{
    gic_cache_t *c = V(g)->vcache;
    if (!c) { /* no vLPI configuration cache (the default): the table */
        *mem_read = true;
        return lpi_read_prop(g, r, vintid, start, prop, done);
    }
    *mem_read = false;
    const uint8_t *hit = cache_lookup_ref(c, ckey(r->key, vintid)); /* (a 1-byte value, read in place) */
    if (hit) {
        *prop = *hit;
        *done = start + gic_cycles(g, g->cfg.vpe_vlpi_cache.hit_cycles);
        return GIC_OK;
    }
    *mem_read = true;
    gic_status_t st = lpi_read_prop(g, r, vintid, start, prop, done);
    if (st == GIC_OK) cache_fill(c, ckey(r->key, vintid), prop, false, NULL, NULL);
    return st;
}

/* ---- the ITS's requests ------------------------------------------------------------ */

/* The space named by a vpe_ref, brought up to date with what the ITS says:
 * VPT size, and the redistributor hosting the vPE while it is not resident. */
static vspace_t *space_of_ref(gic_t *g, const vpe_ref_t *ref)
{
    if (ref->rd >= g->cfg.num_cpus) return NULL;
    vspace_t *s = space_get(g, ref->vpt_pa, ref->rd);
    if (!s) return NULL;
    s->vpeid = ref->vpeid;
    s->vpeid_named = true;
    s->id_bits = ref->vpt_id_bits;
    if (!is_resident(g, s)) {
        s->s.cpu = ref->rd;
        s->s.agent = &g->lpi->agents[ref->rd];
    }
    return s;
}
vspace_t *vpe_space_of_ref(gic_t *g, const vpe_ref_t *ref) { return space_of_ref(g, ref); }

/* The GICv4.0 doorbell of a vLPI for a vPE that is not resident: the
 * physical LPI doorbell (1023: none) made pending at redistributor rd. */
static void ring_doorbell(gic_t *g, const vspace_t *s, uint32_t rd, uint32_t doorbell, gic_time_t t_src)
{
    if (doorbell == 1023) return;
    const char *why = NULL;
    gic_msi_outcome_t db = lpi_set_pending(g, rd, doorbell, t_src, &why);
    gic_cpu_update_at(g, rd, g->now);
    if (db == GIC_MSI_DELIVERED) gic_inc(V(g)->c_doorbells);
    else if (db == GIC_MSI_DROPPED)
        gic_error(g, "vpe_doorbell_dropped", "vpe", "vPE %u: doorbell LPI %u at redist %u dropped: %s", s->vpeid,
                  doorbell, rd, why ? why : "?");
}

gic_msi_outcome_t vpe_set_pending(gic_t *g, const vpe_ref_t *ref, uint32_t vintid, uint32_t doorbell,
                                  gic_time_t t_src, const char **reason, bool *resident)
{
    if (reason) *reason = NULL;
    vspace_t *s = space_of_ref(g, ref);
    if (resident) *resident = s && is_resident(g, s);
    if (!s) return drop(g, ref->rd >= g->cfg.num_cpus ? "bad_redistributor" : "host_alloc", reason);
    if (vintid < GIC_LPI_BASE || s->id_bits > 32 || (s->id_bits < 32 && (uint64_t)vintid >> s->id_bits))
        return drop(g, "vintid_out_of_range", reason);
    struct gic_vpes *v = V(g);
    if (is_resident(g, s)) {
        /* IHI0069: the vPE is resident: the vLPI is pending at once */
        gic_msi_outcome_t oc = lpi_space_set_pending(g, &s->s, vintid, g->now, t_src, reason);
        if (oc == GIC_MSI_DELIVERED) gic_inc(v->c_direct);
        else if (oc == GIC_MSI_COALESCED) gic_inc(v->c_coal);
        else if (reason && *reason) gic_inc(gic_reason_counter(g, &v->drops, "vpe.vlpi.dropped.", *reason));
        gic_vhppi_changed(g, s->s.cpu);
        return oc;
    }
    /* Not resident: the pending bit goes into the VPT; the doorbell (if the
     * ITE names one) is made pending at the vPE's redistributor, also for
     * a vLPI already pending there (IHI0069: a vLPI for a vPE that is not
     * scheduled generates the doorbell; QEMU's gicv3_redist_process_vlpi
     * does so whatever the VPT bit was). */
    if (lpi_map_find(&s->s, vintid)) {
        gic_inc(v->c_coal);
        ring_doorbell(g, s, ref->rd, doorbell, t_src);
        return GIC_MSI_COALESCED;
    }
    gic_time_t done;
    if (lpi_pend_rmw(g, &s->s, vintid, true, g->now, &done) != GIC_OK) {
        gic_error(g, "vpe_vpt_write_failed", "vpe", "vPE %u: writing vLPI %u into the VPT at 0x%llx failed",
                  s->vpeid, vintid, (unsigned long long)s->vpt_pa);
        return drop(g, "vpt_error", reason);
    }
    lpi_rec_t *e = lpi_map_insert(&s->s, vintid);
    if (!e) return drop(g, "host_alloc", reason);
    e->prio = 0xff; /* configuration read when the vPE becomes resident */
    e->via_vpt = 1;
    e->enabled = 0;
    e->t_src = t_src;
    e->t_vis = UINT64_MAX;
    s->s.busy_until = done > s->s.busy_until ? done : s->s.busy_until;
    gic_inc(v->c_recorded);
    ring_doorbell(g, s, ref->rd, doorbell, t_src);
    if (vpe_is41(g)) vpe_default_doorbell(g, s, "vLPI", vintid);
    return GIC_MSI_DELIVERED;
}

gic_time_t vpe_clear_pending(gic_t *g, const vpe_ref_t *ref, uint32_t vintid)
{
    vspace_t *s = space_of_ref(g, ref);
    if (!s) return g->now;
    gic_time_t d;
    if (is_resident(g, s)) {
        d = lpi_space_clear(g, &s->s, vintid);
        gic_vhppi_changed(g, s->s.cpu);
        return d;
    }
    lpi_rec_t *e = lpi_map_find(&s->s, vintid);
    if (!e) return g->now;
    lpi_map_remove(&s->s, e);
    if (lpi_pend_rmw(g, &s->s, vintid, false, g->now, &d) != GIC_OK)
        gic_error(g, "vpe_vpt_write_failed", "vpe", "vPE %u: clearing vLPI %u in the VPT failed", s->vpeid,
                  vintid);
    return d;
}

gic_time_t vpe_inv(gic_t *g, const vpe_ref_t *ref, uint32_t vintid)
{
    vspace_t *s = space_of_ref(g, ref);
    if (s) vpe_vcache_inv(g, s, vintid, false);
    if (!s || !is_resident(g, s)) return g->now; /* read at the next residency anyway */
    gic_time_t d = lpi_space_inv(g, &s->s, vintid);
    gic_vhppi_changed(g, s->s.cpu);
    return d;
}

gic_time_t vpe_invall(gic_t *g, const vpe_ref_t *ref)
{
    vspace_t *s = space_of_ref(g, ref);
    if (s) vpe_vcache_inv(g, s, 0, true);
    if (!s || !is_resident(g, s)) return g->now;
    gic_time_t d = lpi_space_invall(g, &s->s);
    gic_vhppi_changed(g, s->s.cpu);
    return d;
}

gic_time_t vpe_move_pending(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to, uint32_t vintid,
                            uint32_t doorbell)
{
    vspace_t *s = space_of_ref(g, from);
    if (!s) return g->now;
    lpi_rec_t *e = lpi_map_find(&s->s, vintid);
    if (!e) return g->now;
    gic_time_t t_src = e->t_src;
    gic_time_t d = vpe_clear_pending(g, from, vintid);
    const char *why = NULL;
    if (vpe_set_pending(g, to, vintid, doorbell, t_src, &why, NULL) == GIC_MSI_DROPPED)
        gic_error(g, "vpe_move_dropped", "vpe", "VMOVI of pending vLPI %u from vPE %u to vPE %u: %s", vintid,
                  from->vpeid, to->vpeid, why ? why : "?");
    return d;
}

gic_time_t vpe_moved(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to)
{
    (void)from;
    vspace_t *s = space_of_ref(g, to);
    return s ? (s->s.busy_until > g->now ? s->s.busy_until : g->now) : g->now;
}

gic_time_t vpe_sync(gic_t *g, const vpe_ref_t *ref)
{
    vspace_t *s = space_find(g, ref->vpt_pa);
    return s && s->s.busy_until > g->now ? s->s.busy_until : g->now;
}

/* ---- residency (GICR_VPENDBASER.Valid) ---------------------------------------------- */

/* The vPE whose VPT is at pa becomes resident at cpu, its vLPI configuration
 * table described by propbaser (GICv4.0: GICR_VPROPBASER; GICv4.1: the vPE
 * table entry's VCONF address). idai: GICv4.0 GICR_VPENDBASER.IDAI as
 * written (1: the VPT's IMPLEMENTATION DEFINED area is invalid). Returns when
 * the load is complete. */
static gic_time_t make_resident(gic_t *g, uint32_t cpu, uint64_t pa, uint64_t propbaser, bool idai)
{
    struct gic_vpes *v = V(g);
    vspace_t *s = space_get(g, pa, cpu);
    if (!s) {
        gic_error(g, "vpe_alloc", "vpe", "redist %u: no memory for the vPE with VPT 0x%llx", cpu,
                  (unsigned long long)pa);
        return g->now;
    }
    /* A vPE resident at two redistributors at once is UNPREDICTABLE
     * (IHI0069): the model makes it non-resident at the other one first. */
    for (uint32_t c = 0; c < g->cfg.num_cpus; c++)
        if (c != cpu && v->resident[c] && v->v[v->resident[c] - 1] == s) {
            gic_error(g, "vpe_resident_twice", "vpe", "VPT 0x%llx made resident at redist %u while resident "
                      "at redist %u", (unsigned long long)pa, cpu, c);
            v->resident[c] = 0;
            v->vpendbaser[c] &= ~VPENDBASER_VALID;
            gic_vhppi_changed(g, c); /* (GICR_VPENDBASER: REG_F_HPPI_OWN) */
        }
    s->s.cpu = cpu;
    s->s.agent = &g->lpi->agents[cpu];
    s->s.propbaser = propbaser;
    if (v->vcache && s->vcache_prop != prop_pa(&s->s)) {
        /* another VM's configuration table: what the cache holds for this vPE is not its */
        vcache_drop_space(g, s);
        s->vcache_prop = prop_pa(&s->s);
    }
    s->s.pendbaser = pa;
    v->resident[cpu] = (uint32_t)(s->s.key - g->cfg.num_cpus) + 1;
    uint64_t reads = 0;
    /* GICv4.0: the hypervisor says with IDAI whether the GIC's own
     * information about the VPT holds; GICv4.1 has no IDAI: the GIC parses a
     * VPT it has not read before and trusts its own information afterwards. */
    bool impdef_invalid = vpe_is41(g) ? s->vpt_unparsed : idai;
    gic_time_t done = lpi_space_load_resident(g, &s->s, impdef_invalid, &reads);
    s->vpt_unparsed = false;
    gic_inc(v->c_sched);
    if (v->c_reads) *v->c_reads += reads;
    hist_add(v->h_sched, done - g->now);
    gic_vhppi_changed(g, cpu);
    if (gic_log_on(g, GIC_LOG_DEBUG)) {
        /* (GICv4.0: the redistributor knows a vPE by its VPT; its vPEID once an ITS command named it) */
        char who[32] = "the vPE";
        if (s->vpeid_named) snprintf(who, sizeof who, "vPE %u", s->vpeid);
        gic_log(g, GIC_LOG_DEBUG, "vpe", "redist %u: %s of VPT 0x%llx resident, %u pending, %llu reads", cpu, who,
                (unsigned long long)pa, s->s.npend, (unsigned long long)reads);
    }
    return done;
}

/* Is a vLPI of the space pending and enabled (GICR_VPENDBASER.PendingLast)?
 * A walk of the records up to the first enabled one. */
static bool any_enabled_pending(const lpi_space_t *r)
{
    if (!r->npend || !r->map) return false;
    for (uint32_t i = lpi_map_next(r, 0), end = r->map_mask + 1; i < end; i = lpi_map_next(r, i + 1))
        if (r->map[i].enabled) return true;
    return false;
}

static void make_non_resident(gic_t *g, uint32_t cpu)
{
    struct gic_vpes *v = V(g);
    lpi_space_t *r = resident_space(g, cpu);
    if (!r) return;
    /* pending state held in the LPI cache goes back to the VPT */
    gic_time_t done = lpi_space_flush(g, r);
    r->enabled = false;
    r->busy_until = done > r->busy_until ? done : r->busy_until;
    /* The records stay (the vLPIs are still pending, in the VPT) but leave the
     * heaps: nothing reads a non-resident space's visibility times, and the
     * next load sets every record's (lpi_space_load_resident), so they are not
     * reset here (no walk of the map at a put). */
    r->prio.n = r->arrive.n = 0;
    v->resident[cpu] = 0;
    /* GICR_VPENDBASER.Dirty (both layouts): 1 until the write-back is done */
    v->dirty_until[cpu] = r->busy_until > g->now ? r->busy_until : g->now;
    gic_inc(v->c_desched);
    hist_add(v->h_desched, done - g->now);
    gic_vhppi_changed(g, cpu);
    virt_update_at(g, cpu, g->now);
}

/* ---- VLPI frame registers ------------------------------------------------------------- */
static uint32_t cpu_of(void *blk) { return redist_cpu_of(blk); }

static uint64_t rd_vpropbaser(gic_t *g, void *b, unsigned n)
{
    (void)n;
    return V(g)->vpropbaser[cpu_of(b)];
}

static uint64_t rd_vpendbaser41(gic_t *g, uint32_t cpu);
static void wr_vpendbaser41(gic_t *g, uint32_t cpu, uint64_t val, uint64_t mask);

static void wr_vpropbaser(gic_t *g, void *b, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    uint32_t cpu = cpu_of(b);
    struct gic_vpes *v = V(g);
    if (v->vpendbaser[cpu] & VPENDBASER_VALID) {
        /* IHI0069: changing GICR_VPROPBASER while a vPE is resident is UNPREDICTABLE: ignored */
        gic_error(g, "vpe_vpropbaser_while_valid", "vpe",
                  "redist %u: GICR_VPROPBASER write while GICR_VPENDBASER.Valid == 1 ignored", cpu);
        return;
    }
    if (vpe_is41(g)) v->vpropbaser[cpu] = vpe_vpropbaser41_write(v->vpropbaser[cpu], val, mask);
    else v->vpropbaser[cpu] = ((v->vpropbaser[cpu] & ~mask) | (val & mask)) & VPROPBASER_MASK;
}

static uint64_t rd_vpendbaser(gic_t *g, void *b, unsigned n)
{
    (void)n;
    if (vpe_is41(g)) return rd_vpendbaser41(g, cpu_of(b));
    uint32_t cpu = cpu_of(b);
    return V(g)->vpendbaser[cpu] | (g->now < V(g)->dirty_until[cpu] ? VPENDBASER_DIRTY : 0);
}

static void wr_vpendbaser(gic_t *g, void *b, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    uint32_t cpu = cpu_of(b);
    struct gic_vpes *v = V(g);
    if (vpe_is41(g)) {
        wr_vpendbaser41(g, cpu, val, mask);
        return;
    }
    uint64_t old = v->vpendbaser[cpu];
    uint64_t nv = ((old & ~mask) | (val & mask)) & VPENDBASER_MASK;
    bool was = old & VPENDBASER_VALID, now = nv & VPENDBASER_VALID;
    if (was && now && (nv & VPENDBASER_PA) != (old & VPENDBASER_PA)) {
        /* IHI0069: changing the VPT of a resident vPE is UNPREDICTABLE: ignored */
        gic_error(g, "vpe_vpendbaser_while_valid", "vpe",
                  "redist %u: GICR_VPENDBASER address change while Valid == 1 ignored", cpu);
        return;
    }
    if (!(mask & VPENDBASER_VALID)) { /* a write of the low half only */
        if (!was) v->vpendbaser[cpu] = nv;
        return;
    }
    v->vpendbaser[cpu] = nv & ~VPENDBASER_PENDINGLAST;
    if (!was && now) {
        make_resident(g, cpu, nv & VPENDBASER_PA, v->vpropbaser[cpu], (nv & VPENDBASER_IDAI) != 0);
    } else if (was && !now) {
        /* PendingLast: vLPIs remain pending and enabled for this vPE (IHI0069
         * GICR_VPENDBASER.PendingLast: "pending and enabled interrupts"; a
         * pending vLPI disabled in the vLPI configuration table does not
         * count; GICv4.0 has no group enables here; GICv4.1: deschedule41) */
        lpi_space_t *r = resident_space(g, cpu);
        if (r && any_enabled_pending(r)) v->vpendbaser[cpu] |= VPENDBASER_PENDINGLAST;
        make_non_resident(g, cpu);
        /* IDAI after the write-back says whether the GIC left valid
         * information about the VPT in its IMPLEMENTATION DEFINED area (Linux
         * reads it back and writes it at the next schedule, its_vpe_deschedule):
         * the summary bitmap or the tracked records, yes (0); the full policy
         * keeps none (1: all pending information is in the architected part). */
        if (g->cfg.lpi_scan_policy == GIC_SCAN_FULL) v->vpendbaser[cpu] |= VPENDBASER_IDAI;
        else v->vpendbaser[cpu] &= ~VPENDBASER_IDAI;
    }
}

/* ---- GICv4.1 residency: GICR_VPENDBASER names the vPE by vPEID; the
 * redistributor reads its entry of the shared vPE table (GICR_VPROPBASER)
 * for the VPT and VCONF addresses. Dirty reads 1 until the load (entry read,
 * then the VPT scan) or the write-back is complete: Linux polls it
 * (its_wait_vpt_parse_complete, its_clear_vpend_valid). ---------------------- */
static void ev_schedule41(gic_t *g, const gic_event_t *ev);

static void schedule41(gic_t *g, uint32_t cpu, uint64_t nv)
{
    struct gic_vpes *v = V(g);
    struct vpe41_rd *rd = &v->rd41[cpu];
    uint32_t vpeid = (uint32_t)(nv & 0xffff);
    its_vpete_t e;
    gic_time_t t_entry;
    const char *why = NULL;
    if (!vpe_table_read(g, cpu, vpeid, g->now, &e, &t_entry, &why)) {
        /* IHI0069: scheduling a vPE that is not in the vPE table is
         * UNPREDICTABLE: the model leaves the redistributor with no resident vPE. */
        gic_error(g, "vpe41_schedule_bad_vpe", "vpe", "redist %u: GICR_VPENDBASER.Valid with vPEID %u: %s: "
                  "no vPE made resident", cpu, vpeid, why ? why : "?");
        v->vpendbaser[cpu] &= ~VPENDBASER_VALID;
        v->dirty_until[cpu] = t_entry;
        return;
    }
    vspace_t *s = space_get(g, e.vpt_addr, cpu);
    if (!s) {
        gic_error(g, "vpe_alloc", "vpe", "redist %u: no memory for vPE %u", cpu, vpeid);
        v->vpendbaser[cpu] &= ~VPENDBASER_VALID;
        return;
    }
    s->vpeid = vpeid;
    s->vpeid_named = true;
    s->id_bits = e.vpt_id_bits;
    s->v41.default_db = e.default_db;
    s->v41.vconf = e.vconf_addr;
    s->v41.vsgi_en = e.vsgi_en;
    s->v41.vsgi_grp = e.vsgi_grp;
    s->v41.vsgi_prio = e.vsgi_prio;
    s->v41.db_armed = false;
    /* the vLPI configuration table: VCONF, as many INTID bits as the VPT */
    uint64_t prop = (e.vconf_addr & 0x000ffffffffff000ull) | (uint64_t)((e.vpt_id_bits - 1) & 0x1f);
    /* The VPT load starts when the entry has been read; until then the vPE
     * is not resident (its vLPIs go to the VPT, which the load reads) and
     * Dirty reads 1. Valid cannot change meanwhile (ignored while Dirty). */
    rd->sched_t = g->now;
    v->dirty_until[cpu] = UINT64_MAX;
    gic_schedule(g, t_entry, ev_schedule41, cpu, vpeid, e.vpt_addr, prop);
}

/* The entry has been read: the VPT load (make_resident); Dirty until it completes. */
static void ev_schedule41(gic_t *g, const gic_event_t *ev)
{
    struct gic_vpes *v = V(g);
    uint32_t cpu = ev->a;
    struct vpe41_rd *rd = &v->rd41[cpu];
    gic_time_t done = make_resident(g, cpu, ev->c, ev->d, false);
    vspace_t *s = vpe_resident(g, cpu);
    v->dirty_until[cpu] = done;
    hist_add(v->h_dirty_sched, done - rd->sched_t);
    if (s) vsgi_became_resident(g, cpu, s, g->now);
}

static void deschedule41(gic_t *g, uint32_t cpu, uint64_t nv)
{
    struct gic_vpes *v = V(g);
    vspace_t *s = vpe_resident(g, cpu);
    make_non_resident(g, cpu);
    if (!s) return;
    hist_add(v->h_dirty_desched, v->dirty_until[cpu] - g->now);
    /* PendingLast: interrupts remain pending for the vPE (vLPIs or enabled
     * vSGIs); software may also write it 1 ("no doorbell wanted"). DB = 1 with
     * PendingLast = 0 arms the default doorbell (IHI0069 GICv4.1
     * GICR_VPENDBASER.DB; Linux its_vpe_4_1_deschedule). */
    s->v41.grp0en = (nv & VPEND41_VGRP0EN) != 0;
    s->v41.grp1en = (nv & VPEND41_VGRP1EN) != 0;
    /* "Outstanding enabled pending interrupts" are those the doorbell rule
     * would signal (vpe_default_doorbell): enabled, in a group the vPE has
     * enabled with the VGrp<n>En of this write (vLPIs are Group 1). A pending
     * interrupt of a disabled group neither rings a doorbell nor keeps one
     * from being armed. */
    bool pending = (s->v41.grp1en && any_enabled_pending(&s->s)) ||
                   (s->v41.vsgi_pend & vsgi_signal_mask(s)) != 0;
    if (pending) v->vpendbaser[cpu] |= VPENDBASER_PENDINGLAST;
    bool pl = (v->vpendbaser[cpu] & VPENDBASER_PENDINGLAST) != 0;
    s->v41.db_armed = (nv & VPEND41_DB) && !pl;
    v->rd41[cpu].vsgi_acked = 0;
}

static uint64_t rd_vpendbaser41(gic_t *g, uint32_t cpu)
{
    struct gic_vpes *v = V(g);
    uint64_t r = v->vpendbaser[cpu];
    if (g->now < v->dirty_until[cpu]) {
        r |= VPENDBASER_DIRTY;
        gic_inc(v->c_dirty_polls);
    }
    return r;
}

static void wr_vpendbaser41(gic_t *g, uint32_t cpu, uint64_t val, uint64_t mask)
{
    struct gic_vpes *v = V(g);
    uint64_t old = v->vpendbaser[cpu];
    uint64_t nv = ((old & ~mask) | (val & mask)) & VPEND41_MASK;
    bool was = old & VPENDBASER_VALID, now = nv & VPENDBASER_VALID;
    if (g->now < v->dirty_until[cpu] && (mask & VPENDBASER_VALID) && was != now) {
        /* IHI0069: changing Valid while Dirty == 1 is UNPREDICTABLE: ignored */
        gic_error(g, "vpe41_vpendbaser_while_dirty", "vpe",
                  "redist %u: GICR_VPENDBASER.Valid changed while Dirty == 1: ignored", cpu);
        return;
    }
    if (was && now && (nv & 0xffff) != (old & 0xffff)) {
        gic_error(g, "vpe_vpendbaser_while_valid", "vpe",
                  "redist %u: GICR_VPENDBASER.vPEID change while Valid == 1 ignored", cpu);
        return;
    }
    if (!(mask & VPENDBASER_VALID)) { /* a write of the low half only */
        if (!was) v->vpendbaser[cpu] = nv;
        return;
    }
    v->vpendbaser[cpu] = nv;
    if (!was && now) {
        v->vpendbaser[cpu] &= ~(VPENDBASER_PENDINGLAST | VPEND41_DB);
        schedule41(g, cpu, nv);
    } else if (was && !now) {
        deschedule41(g, cpu, nv);
    }
}

#define R(off, cnt, w, fl, nm, rst, rd, wr) {off, cnt, w, fl, nm, rst, rd, wr}
static const gic_reg_t vlpi_regs[] = {
    R(0x0070, 1, 8, REG_F_HPPI_OWN, "GICR_VPROPBASER", 0, rd_vpropbaser, wr_vpropbaser),
    R(0x0078, 1, 8, REG_F_HPPI_OWN, "GICR_VPENDBASER", 0, rd_vpendbaser, wr_vpendbaser),
    /* GICv4.1 (RAZ/WI on GICv4.0): vsgi.c */
    R(0x0080, 1, 4, 0, "GICR_VSGIR", 0, vsgi_rd_vsgir, vsgi_wr_vsgir),
    R(0x0088, 1, 4, REG_F_RO, "GICR_VSGIPENDR", 0, vsgi_rd_vsgipendr, NULL),
};
#undef R
const gic_regmap_t redist_vlpi_regmap = {"GICR_VLPI", vlpi_regs, sizeof(vlpi_regs) / sizeof(vlpi_regs[0]),
                                         0x10000};

/* ---- the virtual CPU interface's direct vLPIs --------------------------------------- */
void vpe_hppvlpi(gic_t *g, uint32_t cpu, gic_cand_t *out, gic_time_t *until)
{
    cand_none(out);
    lpi_space_t *r = resident_space(g, cpu);
    /* vLPIs are Group 1: with the virtual Group 1 disabled (ICH_VMCR_EL2.VENG1
     * = 0) none is a candidate, and none may hide an enabled Group 0 vSGI
     * (IHI0069: the highest-priority pending virtual interrupt is chosen
     * among the groups the virtual interface enables) */
    if (r && g->cpuif[cpu].virt.igrpen[1]) lpi_space_hppi(g, r, out, until);
    /* GICv4.1: the resident vPE's vSGIs compete in the same source */
    if (r && vpe_is41(g)) vsgi_hppi(g, cpu, (vspace_t *)r, out, until);
}

gic_time_t vpe_ack(gic_t *g, uint32_t cpu, uint32_t vintid)
{
    lpi_space_t *r = resident_space(g, cpu);
    if (!r) return g->now;
    if (vintid < 16 && vpe_is41(g)) return vsgi_ack(g, cpu, (vspace_t *)r, vintid);
    lpi_rec_t *e = lpi_map_find(r, vintid);
    bool via_vpt = e && e->via_vpt;
    gic_time_t t_src = lpi_space_ack(g, r, vintid);
    /* MSI -> ICV_IAR, split by whether the vPE was resident when the vLPI came */
    hist_add(via_vpt ? V(g)->h_lat_vpt : V(g)->h_lat_direct, g->now >= t_src ? g->now - t_src : 0);
    return t_src;
}

gic_time_t vpe_pending_time(gic_t *g, uint32_t cpu, uint32_t vintid)
{
    lpi_space_t *r = resident_space(g, cpu);
    if (r && vintid < 16 && vpe_is41(g)) {
        const vspace_t *s = (const vspace_t *)r;
        return (s->v41.vsgi_pend >> vintid) & 1 ? s->v41.vsgi_t[vintid] : g->now;
    }
    return r ? lpi_space_pending_time(g, r, vintid) : g->now;
}
