/* TEMPORARY (branch v4its only): the redistributor side of GICv4.0 vPEs
 * (model/vpe.c) is written in main; until it is merged the ITS links against
 * these placeholders. Delete this file when model/vpe.c exists. A vLPI is
 * reported DELIVERED at once, nothing reaches a redistributor or memory. */
#include "vpe.h"

gic_msi_outcome_t vpe_set_pending(gic_t *g, const vpe_ref_t *v, uint32_t vintid, uint32_t doorbell,
                                  gic_time_t t_src, const char **reason)
{
    (void)g; (void)v; (void)vintid; (void)doorbell; (void)t_src; (void)reason;
    return GIC_MSI_DELIVERED;
}
gic_time_t vpe_clear_pending(gic_t *g, const vpe_ref_t *v, uint32_t vintid)
{
    (void)v; (void)vintid;
    return g->now;
}
gic_time_t vpe_inv(gic_t *g, const vpe_ref_t *v, uint32_t vintid)
{
    (void)v; (void)vintid;
    return g->now;
}
gic_time_t vpe_invall(gic_t *g, const vpe_ref_t *v)
{
    (void)v;
    return g->now;
}
gic_time_t vpe_move_pending(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to, uint32_t vintid,
                            uint32_t doorbell)
{
    (void)from; (void)to; (void)vintid; (void)doorbell;
    return g->now;
}
gic_time_t vpe_moved(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to)
{
    (void)from; (void)to;
    return g->now;
}
gic_time_t vpe_sync(gic_t *g, const vpe_ref_t *v)
{
    (void)v;
    return g->now;
}
