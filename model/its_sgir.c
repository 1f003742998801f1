/* The GICv4.1 ITS's vSGI frame (ITS_SGI_base, +0x20000 of the ITS; IHI0069
 * GITS_SGIR): a write of vPEID [47:32] and vINTID [3:0] makes that vSGI
 * pending for the vPE (Linux its_sgi_set_irqchip_state; the hypervisor's
 * answer to a guest's trapped ICC_SGI1R_EL1 write).
 *
 * Timing: the ITS looks the vPE up (vPE cache, else the vPE table) after
 * its_translate_cycles; the vSGI reaches the vPE's redistributor when the
 * lookup completes (vsgi.c: pending at once for a resident vPE, recorded
 * with the default doorbell otherwise). GITS_SGIR writes do not wait for
 * commands in progress (unlike MSIs); software orders them after a VSGI
 * command with VSYNC/SYNC as Linux does. Every write ends in one of
 * its<i>.sgir.delivered / coalesced / dropped.<reason>. */
#include "its_internal.h"

#include "vpe.h"

#include <string.h>

static void sgir_drop(gic_t *g, struct gic_its *its, uint32_t vpeid, uint32_t vintid, const char *reason)
{
    gic_inc(its->sgir_drop);
    char pfx[40];
    gic_inc(gic_reason_counter(g, &its->sgir_drops, strcat(strcpy(pfx, its->name), ".sgir.dropped."), reason));
    gic_error(g, "its_sgir_dropped", its->name, "GITS_SGIR vPEID %u vINTID %u dropped: %s", vpeid, vintid, reason);
}

/* a = its, b = vpeid | vintid << 16 | rd << 20, c = VPT address | VPT_size, d = write time */
static void ev_sgir(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its) return;
    vpe_ref_t ref = {ev->b & 0xffff, ev->b >> 20, ev->c & ~0xffffull, (uint32_t)(ev->c & 0x1f) + 1};
    uint32_t vintid = (ev->b >> 16) & 0xf;
    const char *why = NULL;
    switch (vpe_vsgi_set_pending(g, &ref, vintid, ev->d, &why)) {
    case GIC_MSI_DELIVERED: gic_inc(its->sgir_del); break;
    case GIC_MSI_COALESCED: gic_inc(its->sgir_coal); break;
    default: sgir_drop(g, its, ref.vpeid, vintid, why ? why : "unknown"); break;
    }
}

static void wr_sgir(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    if (!its || !its->v41) return;
    /* a 32-bit write of the low half alone carries no vPEID: as Linux, write 64 bits */
    if (!(mask >> 32)) {
        gic_error(g, "its_sgir_partial", its->name, "GITS_SGIR: 32-bit write of the low half ignored "
                  "(vPEID is in [47:32])");
        return;
    }
    uint32_t vpeid = (uint32_t)((val >> 32) & 0xffff), vintid = (uint32_t)(val & 0xf);
    gic_inc(its->sgir_rx);
    if (!its->enabled) {
        sgir_drop(g, its, vpeid, vintid, "its_disabled");
        return;
    }
    its_walk_t w;
    memset(&w, 0, sizeof w);
    w.t = g->now + gic_cycles(g, g->cfg.its_translate_cycles);
    if (!its_walk_vpe(g, its, &w, vpeid, false)) {
        sgir_drop(g, its, vpeid, vintid, its_reason_names[w.reason < R_COUNT ? w.reason : R_MEM_ERROR]);
        return;
    }
    uint64_t c = (w.vpe.vpt_addr & ~0xffffull) | (uint64_t)((w.vpe.vpt_id_bits - 1) & 0x1f);
    gic_schedule(g, w.t, ev_sgir, its->index, vpeid | vintid << 16 | w.vpe.target << 20, c, g->now);
}

static const gic_reg_t sgi_regs[] = {
    {0x0020, 1, 8, REG_F_WO, "GITS_SGIR", 0, NULL, wr_sgir},
};
const gic_regmap_t its_sgi_regmap = {"GITS_SGI", sgi_regs, sizeof(sgi_regs) / sizeof(sgi_regs[0]), 0x10000};
