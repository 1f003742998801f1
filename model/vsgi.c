/* GICv4.1 virtual SGIs and default doorbells at the redistributors (IHI0069
 * GICv4.1: "Virtual SGIs", GITS_SGIR, the VSGI command, GICR_VSGIR /
 * GICR_VSGIPENDR, default doorbells).
 *
 * A vSGI is made pending by a GITS_SGIR write (the hypervisor's answer to a
 * guest's trapped ICC_SGI1R_EL1 write). For the vPE resident at a
 * redistributor it is a candidate of that CPU's virtual interface at once
 * (after the redistributor -> CPU interface hop), through the one virtual
 * source (cpuif_virt.c asks vpe_hppvlpi, which asks vsgi_hppi): the priority
 * engine is the shared one. Directly injected vSGIs have no active state
 * (KVM uses them only once the guest set GICD_CTLR.nASSGIreq): an
 * acknowledge clears the pending state and the EOI only drops the running
 * priority. For a vPE that is not resident the vSGI is recorded (in the GIC:
 * IMPLEMENTATION DEFINED storage, no memory access) and the vPE's default
 * doorbell is raised when the rules allow (vpe_default_doorbell). */
#include "vpe_internal.h"

#include "cpuif.h"
#include "lpi.h"
#include "mem.h"
#include "redist.h"

static uint8_t vsgi_prio(const vspace_t *s, unsigned n) { return (uint8_t)(((s->v41.vsgi_prio >> (4 * n)) & 0xf) << 4); }

/* ---- default doorbells --------------------------------------------------------------- */
/* IHI0069 GICv4.1: a non-resident vPE made non-resident with
 * GICR_VPENDBASER.DB = 1 (and PendingLast read 0) gets its default doorbell
 * (a physical LPI at the redistributor hosting it) when an interrupt that
 * could be signalled becomes pending: a vLPI enabled in the vPE's VCONF
 * table, or an enabled vSGI, of a group enabled by VGrp<n>En. One doorbell
 * per non-residency. The doorbell LPI's own enable (LPI configuration
 * table) is the physical LPI's business (lpi_set_pending). */
void vpe_default_doorbell(gic_t *g, vspace_t *s, const char *what, uint32_t id)
{
    struct gic_vpes *v = vpes_of(g);
    if (!s->v41.db_armed || s->v41.default_db == ITS_INTID_NONE) return;
    bool signalled;
    gic_time_t t = g->now; /* when the rule's inputs are known */
    if (id < 16) {
        signalled = (vsgi_signal_mask(s) >> id) & 1;
    } else {
        /* the vLPI's configuration byte in the VCONF table (one read) */
        uint8_t cfg = 0;
        gic_time_t done;
        if (mem_access_agent(g, s->s.agent, MEM_CLS_PROP, g->now, false, s->v41.vconf + (id - GIC_LPI_BASE), &cfg, 1,
                             &done) != GIC_OK) {
            gic_error(g, "vpe41_vconf_read_failed", "vpe", "vPE %u: reading the configuration of vLPI %u failed: "
                      "no default doorbell", s->vpeid, id);
            return;
        }
        signalled = (cfg & 1) && s->v41.grp1en; /* vLPIs are Group 1 */
        t = done; /* the doorbell cannot be decided before the byte is read */
    }
    if (!signalled) {
        gic_inc(v->c_defdb_suppressed);
        return;
    }
    const char *why = NULL;
    gic_msi_outcome_t oc = lpi_set_pending_at(g, s->s.cpu, s->v41.default_db, t, g->now, &why);
    gic_cpu_update_at(g, s->s.cpu, g->now);
    s->v41.db_armed = false;
    if (oc == GIC_MSI_DROPPED) {
        gic_error(g, "vpe_doorbell_dropped", "vpe", "vPE %u: default doorbell LPI %u for %s %u at redist %u "
                  "dropped: %s", s->vpeid, s->v41.default_db, what, id, s->s.cpu, why ? why : "?");
        return;
    }
    gic_inc(v->c_defdb);
}

/* ---- the ITS's requests ----------------------------------------------------------------- */
gic_msi_outcome_t vpe_vsgi_set_pending(gic_t *g, const vpe_ref_t *ref, uint32_t vintid, gic_time_t t_src,
                                       const char **reason)
{
    struct gic_vpes *v = vpes_of(g);
    if (reason) *reason = NULL;
    vspace_t *s = vpe_space_of_ref(g, ref);
    if (!s || vintid > 15) {
        if (reason) *reason = !s ? "host_alloc" : "vintid_not_sgi";
        return GIC_MSI_DROPPED;
    }
    uint16_t bit = (uint16_t)(1u << vintid);
    if (s->v41.vsgi_pend & bit) {
        gic_inc(v->c_vsgi_coal);
        return GIC_MSI_COALESCED;
    }
    s->v41.vsgi_pend |= bit;
    s->v41.vsgi_t[vintid] = t_src;
    hist_add(v->h_vsgi_lat, g->now >= t_src ? g->now - t_src : 0);
    if (vpe_space_is_resident(g, s)) {
        gic_time_t vis = g->now + gic_cycles(g, g->cfg.lat_redist_to_cpu);
        s->v41.vsgi_vis[vintid] = vis;
        gic_inc(v->c_vsgi_direct);
        virt_update_at(g, s->s.cpu, vis);
        return GIC_MSI_DELIVERED;
    }
    s->v41.vsgi_vis[vintid] = UINT64_MAX;
    gic_inc(v->c_vsgi_recorded);
    vpe_default_doorbell(g, s, "vSGI", vintid);
    return GIC_MSI_DELIVERED;
}

gic_time_t vpe_config41(gic_t *g, const vpe_ref_t *ref, const its_vpete_t *e, int clear_vsgi, bool alloc)
{
    vspace_t *s = vpe_space_of_ref(g, ref);
    if (!s) return g->now;
    /* IHI0069 GICv4.1 GICR_VPENDBASER.DB: a default doorbell is requested
     * only by the Valid 1 -> 0 write that descheduled the vPE. VMAPP with
     * Alloc = 1 initializes the vPE's entry: the vPE allocated afresh has
     * none requested until it has been resident and descheduled with DB = 1,
     * whatever an earlier vPE of this VPT had requested. */
    if (alloc) {
        s->v41.db_armed = false;
        /* IHI0069 GICv4.1 VMAPP Alloc = 1: a new vPE, nothing of the one
         * this VPT served before is its: no vSGI pending, and the VPT (PTZ is
         * not relied on) is parsed at its first residency as a VPT the GIC
         * never met (make_resident). */
        s->v41.vsgi_pend = 0;
        s->vpt_unparsed = true;
    }
    s->v41.default_db = e->default_db;
    s->v41.vconf = e->vconf_addr;
    s->v41.vsgi_en = e->vsgi_en;
    s->v41.vsgi_grp = e->vsgi_grp;
    s->v41.vsgi_prio = e->vsgi_prio;
    if (clear_vsgi >= 0 && clear_vsgi < 16) s->v41.vsgi_pend &= (uint16_t)~(1u << clear_vsgi);
    if (vpe_space_is_resident(g, s)) virt_update_at(g, s->s.cpu, g->now);
    return g->now;
}

gic_time_t vpe_invdb(gic_t *g, const vpe_ref_t *ref)
{
    vspace_t *s = vpe_space_of_ref(g, ref);
    gic_inc(vpes_of(g)->c_invdb);
    if (!s || s->v41.default_db == ITS_INTID_NONE) return g->now;
    return lpi_inv(g, ref->rd, s->v41.default_db);
}

/* ---- the virtual interface ----------------------------------------------------------- */
void vsgi_hppi(gic_t *g, uint32_t cpu, vspace_t *s, gic_cand_t *out, gic_time_t *until)
{
    uint16_t p = s->v41.vsgi_pend & s->v41.vsgi_en;
    const gic_engine_t *e = &g->cpuif[cpu].virt;
    for (unsigned n = 0; p; n++, p >>= 1) {
        if (!(p & 1)) continue;
        if (g->now < s->v41.vsgi_vis[n]) {
            if (s->v41.vsgi_vis[n] < *until) *until = s->v41.vsgi_vis[n];
            continue;
        }
        unsigned grp = (s->v41.vsgi_grp >> n) & 1;
        if (!e->igrpen[grp]) continue;
        gic_cand_t c = {n, vsgi_prio(s, n), (uint8_t)grp};
        if (cand_better(&c, out)) *out = c;
    }
}

gic_time_t vsgi_ack(gic_t *g, uint32_t cpu, vspace_t *s, uint32_t intid)
{
    struct gic_vpes *v = vpes_of(g);
    uint16_t bit = (uint16_t)(1u << intid);
    if (!(s->v41.vsgi_pend & bit)) return g->now;
    s->v41.vsgi_pend &= (uint16_t)~bit;
    v->rd41[cpu].vsgi_acked |= bit;
    gic_vhppi_changed(g, cpu);
    gic_inc(v->c_vsgi_acks);
    gic_time_t t = s->v41.vsgi_t[intid];
    hist_add(v->h_vsgi_iar, g->now >= t ? g->now - t : 0);
    return t;
}

bool vpe_vsgi_eoi(gic_t *g, uint32_t cpu, uint32_t intid)
{
    struct gic_vpes *v = vpes_of(g);
    if (!v || !v->rd41 || intid > 15 || cpu >= g->cfg.num_cpus) return false;
    uint16_t bit = (uint16_t)(1u << intid);
    if (!(v->rd41[cpu].vsgi_acked & bit)) return false;
    v->rd41[cpu].vsgi_acked &= (uint16_t)~bit;
    return true;
}

uint16_t vsgi_signal_mask(const vspace_t *s)
{
    const uint32_t groups = (s->v41.grp1en ? s->v41.vsgi_grp : 0) | (s->v41.grp0en ? ~s->v41.vsgi_grp : 0);
    return (uint16_t)(s->v41.vsgi_en & groups);
}

void vsgi_became_resident(gic_t *g, uint32_t cpu, vspace_t *s, gic_time_t vis)
{
    if (!s->v41.vsgi_pend) return;
    for (unsigned n = 0; n < 16; n++)
        if ((s->v41.vsgi_pend >> n) & 1) s->v41.vsgi_vis[n] = vis;
    virt_update_at(g, cpu, vis);
}

/* ---- GICR_VSGIR / GICR_VSGIPENDR ------------------------------------------------------------ */
/* Linux (its_sgi_get_irqchip_state) writes the vPEID to GICR_VSGIR, then polls
 * GICR_VSGIPENDR until Busy [31] is 0 and reads Pending [15:0]. The
 * redistributor reads the vPE's entry of the vPE table meanwhile. */
uint64_t vsgi_rd_vsgir(gic_t *g, void *blk, unsigned n)
{
    (void)n;
    struct gic_vpes *v = vpes_of(g);
    if (!v->rd41) gic_error(g, "mmio_reserved_read", "GICR_VLPI", "read at reserved offset 0x80 (RAZ/WI)");
    return v->rd41 ? v->rd41[redist_cpu_of(blk)].vsgir_vpeid : 0;
}

void vsgi_wr_vsgir(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_vpes *v = vpes_of(g);
    if (!v->rd41) { /* GICv4.0: reserved, RAZ/WI */
        gic_error(g, "mmio_reserved_write", "GICR_VLPI", "write at reserved offset 0x80 (RAZ/WI)");
        return;
    }
    if (!(mask & 0xffff)) return;
    uint32_t cpu = redist_cpu_of(blk);
    struct vpe41_rd *rd = &v->rd41[cpu];
    rd->vsgir_vpeid = (uint32_t)(val & 0xffff);
    rd->vsgir_space = -1;
    its_vpete_t e;
    gic_time_t done;
    const char *why = NULL;
    bool ok = vpe_table_read(g, cpu, rd->vsgir_vpeid, g->now, &e, &done, &why);
    rd->vsgi_busy = done;
    if (!ok) {
        gic_error(g, "vpe41_vsgir_bad_vpe", "vpe", "redist %u: GICR_VSGIR vPEID %u: %s: GICR_VSGIPENDR reads 0",
                  cpu, rd->vsgir_vpeid, why ? why : "?");
        return;
    }
    vspace_t *s = vpe_space_find(g, e.vpt_addr);
    if (s) rd->vsgir_space = (int32_t)(s->s.key - g->cfg.num_cpus);
}

uint64_t vsgi_rd_vsgipendr(gic_t *g, void *blk, unsigned n)
{
    (void)n;
    struct gic_vpes *v = vpes_of(g);
    if (!v->rd41) {
        gic_error(g, "mmio_reserved_read", "GICR_VLPI", "read at reserved offset 0x88 (RAZ/WI)");
        return 0;
    }
    const struct vpe41_rd *rd = &v->rd41[redist_cpu_of(blk)];
    if (g->now < rd->vsgi_busy) return 1u << 31; /* Busy */
    if (rd->vsgir_space < 0 || (uint32_t)rd->vsgir_space >= v->n) return 0;
    return v->v[rd->vsgir_space]->v41.vsgi_pend;
}

/* ---- direct invalidation, virtual forms (GICR_INVLPIR / GICR_INVALLR with V = 1) ------- */
gic_time_t vpe_direct_inv(gic_t *g, uint32_t cpu, uint32_t vpeid, uint32_t vintid, bool all)
{
    struct gic_vpes *v = vpes_of(g);
    gic_inc(v->c_dinv);
    vspace_t *s = vpe_resident(g, cpu);
    gic_time_t done = g->now;
    /* IHI0069 GICR_INVLPIR / GICR_INVALLR with V = 1: the cached configuration
     * of the vLPI (every vLPI) of vPE vPEID goes, whether or not the vPE is
     * resident here: the vLPI configuration cache is the GIC's, keyed by the
     * vPE's space, which the vPE table entry names (one read of it). */
    if (vpe_has_vcache(g)) {
        its_vpete_t e;
        gic_time_t t_entry = g->now;
        const char *why = NULL;
        if (vpe_table_read(g, cpu, vpeid, g->now, &e, &t_entry, &why)) {
            vspace_t *vs = vpe_space_find(g, e.vpt_addr);
            if (vs) vpe_vcache_inv(g, vs, vintid, all);
        }
        if (t_entry > done) done = t_entry;
    }
    /* the records of a vPE are re-read only where it is resident; elsewhere
     * its configuration is read at the next residency anyway */
    if (s && s->vpeid == vpeid) {
        gic_time_t d = all ? lpi_space_invall(g, &s->s) : lpi_space_inv(g, &s->s, vintid);
        if (d > done) done = d;
        gic_vhppi_changed(g, cpu);
    }
    if (done > v->rd41[cpu].dinv_busy) v->rd41[cpu].dinv_busy = done;
    return done;
}

gic_time_t vpe_rd_busy_until(gic_t *g, uint32_t cpu)
{
    struct gic_vpes *v = vpes_of(g);
    return v && v->rd41 && cpu < g->cfg.num_cpus ? v->rd41[cpu].dinv_busy : 0;
}
