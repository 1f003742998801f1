/* Interrupt Translation Service (IHI0069 chapter 5 "Locality-specific
 * Peripheral Interrupts and the ITS"): instances and their statistics.
 *
 * With cfg.gic_version == 4 the ITS is a GICv4.0 ITS (GITS_TYPER.Virtual = 1:
 * 16-byte ITEs, the vPE table in GITS_BASER2, the virtual commands, vPE
 * cache); otherwise a physical GICv3 ITS. The ITS is split along its
 * concerns: its_codec.{h,c} (table entries and commands decoded once),
 * its_walk.c (table walks and caches), its_cmd.c (command queue and command
 * table), its_translate.c (translation pipeline), its_regs.c (GITS_*
 * registers). IMPLEMENTATION DEFINED entry formats, error codes, timing and
 * the error policy are documented in docs/its.md. */
#include "its_internal.h"

#include <stdio.h>
#include <stdlib.h>

/* ---- lifecycle ---------------------------------------------------------------------- */
struct gic_its *its_create(gic_t *g, uint32_t index)
{
    struct gic_its *its = calloc(1, sizeof(*its));
    if (!its) return NULL;
    const gic_config_t *cfg = &g->cfg;
    its->index = index;
    its->v4 = cfg->gic_version == 4;
    its->v41 = its->v4 && cfg->gicv4_1;
    its->its_number = index & 0xf; /* GITS_CTLR.ITS_Number: reset value IMPLEMENTATION DEFINED here */
    its->vmsi_free = UINT32_MAX;
    snprintf(its->name, sizeof(its->name), "its%u", index);
    snprintf(its->drop_prefix, sizeof(its->drop_prefix), "%s.msi.dropped.", its->name);
    its->pipe_free = calloc(cfg->its_pipeline_depth, sizeof(gic_time_t));
    if (cfg->its_hcc) its->coll_hcc = calloc(cfg->its_hcc, sizeof(its_cte_t));
    bool ok = its->pipe_free && (!cfg->its_hcc || its->coll_hcc);
    ok = ok && mem_agent_init(g, &its->agent, its->name, cfg->its_max_reads, cfg->its_max_writes);
    char pfx[48];
    snprintf(pfx, sizeof pfx, "%s.cache.device", its->name);
    its->c_dev = cache_create(g, &cfg->its_device_cache, sizeof(uint64_t), pfx);
    snprintf(pfx, sizeof pfx, "%s.cache.event", its->name);
    its->c_ev = cache_create(g, &cfg->its_event_cache, sizeof(uint64_t), pfx);
    snprintf(pfx, sizeof pfx, "%s.cache.collection", its->name);
    its->c_coll = cache_create(g, &cfg->its_collection_cache, sizeof(uint64_t), pfx);
    ok = ok && its->c_dev && its->c_ev && its->c_coll;
    if (ok && its->v4) {
        snprintf(pfx, sizeof pfx, "%s.cache.vpe", its->name);
        its->c_vpe = cache_create(g, &cfg->its_vpe_cache, sizeof(uint64_t), pfx);
        ok = its->c_vpe != NULL;
    }
    if (!ok) {
        its_destroy(g, its);
        return NULL;
    }
    /* GITS_TYPER */
    uint64_t t = 1;                                  /* Physical */
    t |= (uint64_t)(its->v4 ? 1 : 0) << 1;           /* Virtual (GICv4) */
    t |= (uint64_t)(its_ite_bytes(its->v4) - 1) << 4; /* ITT_entry_size */
    t |= (uint64_t)(cfg->its_eventid_bits - 1) << 8; /* ID_bits */
    t |= (uint64_t)(cfg->its_devbits - 1) << 13;     /* Devbits */
    t |= (uint64_t)(cfg->its_pta ? 1 : 0) << 19;     /* PTA */
    t |= (uint64_t)(cfg->its_hcc & 0xff) << 24;      /* HCC */
    /* CIL = 0: 16-bit Collection IDs, CIDbits RES0 (IHI0069 GITS_TYPER). With
     * every collection held in the ITS (HCC >= 2^CIDbits, no collection
     * table) CIL is RES0 too: the ITS supports HCC collections
     * (its_icid_in_range). */
    if (cfg->its_cid_bits != 16 && !its_colls_all_held(g))
        t |= (uint64_t)(cfg->its_cid_bits - 1) << 32 | 1ull << 36; /* CIDbits, CIL */
    if (its->v4) t |= (uint64_t)(cfg->its_vmovp_single ? 1 : 0) << 37; /* VMOVP */
    /* GICv4.1: VSGI [39] (direct injection of vSGIs: the VSGI command and
     * the ITS_SGI_base frame with GITS_SGIR), VMAPP [40] (the GICv4.1 VMAPP
     * layout, INVDB); SVPET [42:41] = 1: the vPE table is shared with every
     * redistributor whose Aff3 is GITS_MPIDR's (all of them: the model's Aff3
     * is 0). */
    if (its->v41) t |= (1ull << 39) | (1ull << 40) | (1ull << 41);
    its->typer = t;
    /* GITS_BASER0: Device table; GITS_BASER1: Collection table unless every
     * collection is held in the ITS (HCC >= 2^CIDbits). Entry_Size = 8 bytes. */
    its->baser[0] = (BASER_TYPE_DEVICE << BASER_TYPE_SHIFT) |
                    ((uint64_t)(ITS_DTE_BYTES - 1) << BASER_ESZ_SHIFT);
    if (!its_colls_all_held(g))
        its->baser[1] = (BASER_TYPE_COLLECTION << BASER_TYPE_SHIFT) |
                        ((uint64_t)(ITS_CTE_BYTES - 1) << BASER_ESZ_SHIFT);
    /* GITS_BASER2: vPE table (GICv4), Entry_Size = 16 bytes. */
    if (its->v4)
        its->baser[2] = (BASER_TYPE_VPE << BASER_TYPE_SHIFT) |
                        ((uint64_t)(its_vpete_bytes(its->v41) - 1) << BASER_ESZ_SHIFT);
    /* statistics (the virtual commands' only on a GICv4 ITS) */
    for (unsigned s = 0; s < ITS_NSLOTS; s++) {
        const char *nm = its_cmd_slot_name(s);
        if (!nm || (s >= 16 && s < ITS_SLOT_UNKNOWN && !its->v4) || (s >= 23 && s < ITS_SLOT_UNKNOWN && !its->v41))
            continue;
        its->cmd_count[s] = gic_counter(g, "%s.cmd.%s.count", its->name, nm);
        its->cmd_lat[s] = gic_hist(g, "ps", "%s.cmd.%s.latency", its->name, nm);
    }
    its->cmd_errors = gic_counter(g, "%s.cmd.errors", its->name);
    its->cmd_drain_waits = gic_counter(g, "%s.cmd.drain_waits", its->name);
    its->msi_rx = gic_counter(g, "%s.msi.received", its->name);
    its->msi_del = gic_counter(g, "%s.msi.delivered", its->name);
    its->msi_coal = gic_counter(g, "%s.msi.coalesced", its->name);
    its->msi_drop = gic_counter(g, "%s.msi.dropped", its->name);
    its->g_msi_rx = gic_counter(g, "msi.received");
    its->g_msi_del = gic_counter(g, "msi.delivered");
    its->g_msi_coal = gic_counter(g, "msi.coalesced");
    its->g_msi_drop = gic_counter(g, "msi.dropped");
    gic_reason_family(g, "msi.dropped.");
    gic_reason_family(g, "%s", its->drop_prefix);
    its->lat_translate = gic_hist(g, "ps", "msi.latency.translate");
    its->msi_qdelay = gic_hist(g, "ps", "%s.msi.queue_delay", its->name);
    if (its->v41) {
        its->sgir_rx = gic_counter(g, "%s.sgir.received", its->name);
        its->sgir_del = gic_counter(g, "%s.sgir.delivered", its->name);
        its->sgir_coal = gic_counter(g, "%s.sgir.coalesced", its->name);
        its->sgir_drop = gic_counter(g, "%s.sgir.dropped", its->name);
        gic_reason_family(g, "%s.sgir.dropped.", its->name);
    }
    if (its->v4) {
        its->msi_virt = gic_counter(g, "%s.msi.virtual", its->name);
        its->doorbells_named = gic_counter(g, "%s.msi.doorbell_named", its->name);
    }
    return its;
}

void its_destroy(gic_t *g, struct gic_its *its)
{
    if (!its) return;
    if (its->c_dev) cache_destroy(its->c_dev);
    if (its->c_ev) cache_destroy(its->c_ev);
    if (its->c_coll) cache_destroy(its->c_coll);
    if (its->c_vpe) cache_destroy(its->c_vpe);
    free(its->vmsi);
    mem_agent_free(g, &its->agent);
    free(its->pipe_free);
    free(its->coll_hcc);
    free(its->release);
    free(its->wait);
    free(its);
}
