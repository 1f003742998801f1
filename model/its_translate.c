/* ITS translation pipeline: an MSI (EventID written to GITS_TRANSLATER with a
 * DeviceID) waits for a command in progress, takes a pipeline slot
 * (its_pipeline_depth), walks DeviceID -> DTE -> ITE -> CTE (its_walk.c) and,
 * when the walk completes, makes the LPI pending at the target redistributor
 * (lpi.c) or drops the MSI with a reason. Accounting: msi.* and its<i>.msi.*
 * counters, GIC_OUT_MSI outputs. Timing: docs/its.md. */
#include "its_internal.h"

#include "lpi.h"
#include "vpe.h"

#include <stdlib.h>
#include <string.h>

static void msi_outcome_v(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                          uint32_t intid, uint32_t cpu, gic_msi_outcome_t oc, const char *reason,
                          uint64_t value);

static void msi_outcome(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                        uint32_t intid, uint32_t cpu, gic_msi_outcome_t oc, const char *reason)
{
    msi_outcome_v(g, its, devid, eventid, intid, cpu, oc, reason, 0);
}

/* value: 0 for a physical LPI; for a vLPI (GICv4) bit 32 set and the vPEID in
 * [15:0] (GIC_OUT_MSI then carries the vINTID in intid and the vPE's
 * redistributor in cpu). */
static void msi_outcome_v(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                          uint32_t intid, uint32_t cpu, gic_msi_outcome_t oc, const char *reason,
                          uint64_t value)
{
    switch (oc) {
    case GIC_MSI_DELIVERED:
        gic_inc(its->msi_del);
        gic_inc(its->g_msi_del);
        break;
    case GIC_MSI_COALESCED:
        gic_inc(its->msi_coal);
        gic_inc(its->g_msi_coal);
        break;
    default:
        if (!reason) reason = "unknown";
        gic_inc(its->msi_drop);
        gic_inc(its->g_msi_drop);
        gic_inc(gic_reason_counter(g, &its->drop_g, "msi.dropped.", reason));
        gic_inc(gic_reason_counter(g, &its->drop_i, its->drop_prefix, reason));
        gic_log(g, GIC_LOG_INFO, its->name, "MSI DeviceID %u EventID %u dropped: %s", devid,
                eventid, reason);
        break;
    }
    if (its->inflight) its->inflight--;
    gic_output_t o = gic_output_now(g, GIC_OUT_MSI);
    o.its = its->index;
    o.devid = devid;
    o.eventid = eventid;
    o.intid = intid;
    o.cpu = cpu;
    o.outcome = (uint32_t)oc;
    o.reason = oc == GIC_MSI_DROPPED ? reason : NULL;
    o.value = value;
    gic_emit(g, &o);
}

/* ---- GICv4: translations that end at a vPE ------------------------------------------- */
static uint32_t vmsi_alloc(struct gic_its *its)
{
    if (its->vmsi_free != UINT32_MAX) {
        uint32_t k = its->vmsi_free;
        its->vmsi_free = its->vmsi[k].next_free;
        return k;
    }
    if (its->vmsi_n == its->vmsi_cap) {
        uint32_t nc = its->vmsi_cap ? its->vmsi_cap * 2 : 16;
        its_vmsi_t *nv = realloc(its->vmsi, nc * sizeof(*nv));
        if (!nv) return UINT32_MAX;
        its->vmsi = nv;
        its->vmsi_cap = nc;
    }
    return its->vmsi_n++;
}

/* Event at the end of the walk of a virtual ITE: the vLPI is made pending at
 * its vPE (resident: in the virtual CPU interface; otherwise in the VPT, and
 * the doorbell if the ITE names one). a = its, b = vmsi index, c = devid << 32 |
 * eventid, d = arrival. */
static void ev_vmsi_deliver(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its || ev->b >= its->vmsi_n) return;
    its_vmsi_t m = its->vmsi[ev->b];
    its->vmsi[ev->b].next_free = its->vmsi_free;
    its->vmsi_free = ev->b;
    uint32_t devid = (uint32_t)(ev->c >> 32), eventid = (uint32_t)ev->c;
    const char *reason = NULL;
    bool resident;
    gic_msi_outcome_t oc = vpe_set_pending(g, &m.vpe, m.vintid, m.db, ev->d, &reason, &resident);
    if (oc != GIC_MSI_DROPPED) hist_add(its->lat_translate, g->now - ev->d);
    gic_inc(its->msi_virt);
    if (m.db != ITS_INTID_NONE) gic_inc(its->doorbells_named);
    msi_outcome_v(g, its, devid, eventid, m.vintid, m.vpe.rd, oc, reason,
                  GIC_MSI_VALUE_VIRTUAL | (resident ? GIC_MSI_VALUE_RESIDENT : 0) | m.vpe.vpeid);
}

/* Event at the time the walk completed: deliver (or drop) at the redistributor.
 * a = its | reason << 8 | cpu << 16, b = intid, c = devid << 32 | eventid, d = arrival */
static void ev_msi_deliver(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a & 0xff);
    if (!its) return;
    unsigned r = (ev->a >> 8) & 0xff;
    uint32_t cpu = ev->a >> 16;
    uint32_t devid = (uint32_t)(ev->c >> 32), eventid = (uint32_t)ev->c;
    if (r != R_NONE) {
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED,
                    its_reason_names[r < R_COUNT ? r : R_MEM_ERROR]);
        return;
    }
    const char *reason = NULL;
    gic_msi_outcome_t oc = lpi_set_pending(g, cpu, ev->b, ev->d, &reason);
    if (oc != GIC_MSI_DROPPED) hist_add(its->lat_translate, g->now - ev->d);
    msi_outcome(g, its, devid, eventid, ev->b, cpu, oc, reason);
}

/* Start a translation at g->now (the MSI is released to the pipeline). */
static void msi_start(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                      gic_time_t t_arrival)
{
    if (!its->enabled) {
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, its_reason_names[R_ITS_DISABLED]);
        return;
    }
    /* Pipeline slot that frees first (lowest index on ties). */
    uint32_t best = 0;
    for (uint32_t i = 1; i < g->cfg.its_pipeline_depth; i++)
        if (its->pipe_free[i] < its->pipe_free[best]) best = i;
    gic_time_t start = g->now > its->pipe_free[best] ? g->now : its->pipe_free[best];
    hist_add(its->msi_qdelay, start - t_arrival);
    its_walk_t w;
    w.t = start + gic_cycles(g, g->cfg.its_translate_cycles);
    w.type = 0;
    w.mem_err = false;
    w.reason = R_NONE;
    w.cpu = 0;
    w.intid = 0;
    w.virt = false;
    w.ite_read = false;
    bool ok = its_walk_full(g, its, &w, devid, eventid);
    its->pipe_free[best] = w.t;
    if (ok && w.virt) {
        uint32_t k = vmsi_alloc(its);
        if (k == UINT32_MAX) {
            msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "host_alloc");
            return;
        }
        its->vmsi[k].vpe = its_vpe_ref(w.ite.vpeid, &w.vpe);
        its->vmsi[k].vintid = w.ite.intid;
        its->vmsi[k].db = w.ite.db_intid;
        if (!gic_schedule(g, w.t, ev_vmsi_deliver, its->index, k, ((uint64_t)devid << 32) | eventid,
                          t_arrival)) {
            its->vmsi[k].next_free = its->vmsi_free;
            its->vmsi_free = k;
            msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "event_alloc");
        }
        return;
    }
    /* Host hint (lpi.h): an event whose ITE had to be read from the ITT is
     * likely cold in the LPI tables too; they are read when the walk's
     * modelled time has passed. */
    if (ok && w.ite_read) lpi_prefetch(g, w.cpu, w.intid);
    uint32_t a = its->index | ((uint32_t)(ok ? R_NONE : w.reason) << 8) | ((ok ? w.cpu : 0) << 16);
    if (!gic_schedule(g, w.t, ev_msi_deliver, a, ok ? w.intid : 0,
                      ((uint64_t)devid << 32) | eventid, t_arrival))
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "event_alloc");
}

void its_translate(gic_t *g, uint32_t i, uint32_t devid, uint32_t eventid)
{
    struct gic_its *its = its_of(g, i);
    if (!its) return;
    gic_inc(its->msi_rx);
    gic_inc(its->g_msi_rx);
    its->inflight++;
    if ((its->cmd.active || its->cmd_draining) && its->enabled) {
        /* Commands and translations share the pipeline: wait for the command
         * (running, or ready and waiting for the pipeline to drain). */
        if (its->wait_n == its->wait_cap) {
            size_t nc = its->wait_cap ? its->wait_cap * 2 : 16;
            its_msi_wait_t *nw = realloc(its->wait, nc * sizeof(*nw));
            if (!nw) {
                gic_error(g, "its_alloc", its->name, "MSI wait queue allocation failed");
                msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "host_alloc");
                return;
            }
            its->wait = nw;
            its->wait_cap = nc;
        }
        its->wait[its->wait_n].devid = devid;
        its->wait[its->wait_n].eventid = eventid;
        its->wait[its->wait_n].t_arrival = g->now;
        its->wait_n++;
        return;
    }
    msi_start(g, its, devid, eventid, g->now);
}

void its_release_waiting_msis(gic_t *g, struct gic_its *its)
{
    for (size_t k = 0; k < its->wait_n; k++)
        msi_start(g, its, its->wait[k].devid, its->wait[k].eventid, its->wait[k].t_arrival);
    its->wait_n = 0;
}
