/* vPEs at the redistributors (GICv4.0 direct injection, IHI0069 chapter 6
 * "Virtual LPI support").
 *
 * What the redistributors know of a vPE, as on hardware: the ITS names the
 * vPE of each virtual LPI by what its vPE table entry holds (VMAPP): the
 * redistributor that hosts the vPE (RDbase) and the vPE's virtual LPI pending
 * table (VPT address, VPT_size). A redistributor compares the VPT address with
 * its GICR_VPENDBASER: when Valid and equal, the vPE is resident there and
 * the vLPI is pending in its virtual CPU interface at once; otherwise the
 * pending bit is written into the VPT in memory and, if the ITE names a
 * doorbell, the doorbell physical LPI is made pending at that redistributor.
 *
 * Host side: one vLPI space (lpi_space.h) per VPT address, created on first
 * use: the pending mirror that makes the residency scan policies cheap to
 * model (full: the whole VPT is read; tracked: only what the GIC tracks;
 * summary: the IMPLEMENTATION DEFINED bitmap in the VPT's first KiB). The
 * vPEID travels along for statistics and messages only.
 *
 * Every function runs at g->now (the time the request reaches the
 * redistributor) and returns the time at which its effects, memory accesses
 * included, are complete. */
#ifndef GIC_VPE_H
#define GIC_VPE_H
#include "gic_internal.h"
#include "its_codec.h"

/* The vPE a virtual LPI is for, as the ITS's vPE table entry names it. */
typedef struct vpe_ref {
    uint32_t vpeid;
    uint32_t rd;         /* redistributor (processor number) hosting the vPE: doorbells go there */
    uint64_t vpt_pa;     /* VPT address (64 KiB aligned) */
    uint32_t vpt_id_bits; /* vINTID bits (VPT_size + 1) */
} vpe_ref_t;

struct gic_vpes *vpes_create(gic_t *g);
void vpes_destroy(gic_t *g, struct gic_vpes *v);

/* A translated vLPI (MSI, or INT on a virtual event). doorbell: physical
 * INTID to make pending at v->rd when the vPE is not resident there
 * (ITS_INTID_NONE = 1023: none). Returns DELIVERED (pending in the resident
 * vPE's virtual interface, or recorded in its VPT), COALESCED (already
 * pending) or DROPPED with *reason (vINTID outside the VPT, VPT write failed).
 * *resident (may be NULL): the vPE was resident (the vLPI goes to its virtual
 * interface, not into the VPT). */
gic_msi_outcome_t vpe_set_pending(gic_t *g, const vpe_ref_t *v, uint32_t vintid, uint32_t doorbell,
                                  gic_time_t t_src, const char **reason, bool *resident);
/* CLEAR / DISCARD of a virtual event: the vLPI is no longer pending. */
gic_time_t vpe_clear_pending(gic_t *g, const vpe_ref_t *v, uint32_t vintid);
/* INV of a virtual event / VINVALL: the vLPI configuration (GICR_VPROPBASER's
 * table) is read again where the vPE is resident; nothing to do otherwise. */
gic_time_t vpe_inv(gic_t *g, const vpe_ref_t *v, uint32_t vintid);
gic_time_t vpe_invall(gic_t *g, const vpe_ref_t *v);
/* VMOVI: the pending state of vintid moves from one vPE to another (doorbell
 * of the target as for a new vLPI). */
gic_time_t vpe_move_pending(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to, uint32_t vintid,
                            uint32_t doorbell);
/* VMOVP: the vPE is hosted by another redistributor from now on (to->rd);
 * its pending state stays in its VPT. */
gic_time_t vpe_moved(gic_t *g, const vpe_ref_t *from, const vpe_ref_t *to);
/* VSYNC: every earlier effect for this vPE is visible. */
gic_time_t vpe_sync(gic_t *g, const vpe_ref_t *v);

/* ---- GICv4.1 (cfg.gicv4_1): the ITS's requests ---- */
/* VMAPP / VMOVP / VSGI wrote the vPE table entry e (its GICv4.1 fields: default
 * doorbell, VCONF address, vSGI configuration): the redistributors' copy
 * follows. clear_vsgi >= 0: VSGI with C = 1 clears that vSGI's pending state.
 * alloc: VMAPP with Alloc = 1 (the vPE is allocated afresh). */
gic_time_t vpe_config41(gic_t *g, const vpe_ref_t *v, const its_vpete_t *e, int clear_vsgi, bool alloc);
/* INVDB: the redistributor re-reads the configuration of the vPE's default
 * doorbell (a physical LPI) from its LPI configuration table. */
gic_time_t vpe_invdb(gic_t *g, const vpe_ref_t *v);
/* GITS_SGIR: vSGI vintid (0..15) of the vPE becomes pending: at once in the
 * virtual interface of a resident vPE, recorded otherwise (default doorbell). */
gic_msi_outcome_t vpe_vsgi_set_pending(gic_t *g, const vpe_ref_t *v, uint32_t vintid, gic_time_t t_src,
                                       const char **reason);
/* ---- GICv4.1: redistributor registers outside the VLPI frame ---- */
/* GICR_INVLPIR / GICR_INVALLR with V = 1: the vLPI configuration of vPE vpeid
 * is read again if the vPE is resident at cpu. Returns the completion time
 * (GICR_SYNCR reads 1 until then). */
gic_time_t vpe_direct_inv(gic_t *g, uint32_t cpu, uint32_t vpeid, uint32_t vintid, bool all);
gic_time_t vpe_rd_busy_until(gic_t *g, uint32_t cpu);
/* ICV_EOIR/ICV_DIR of a vSGI that was acknowledged directly (no active state:
 * nothing to deactivate). true if intid was one (the EOI is consumed). */
bool vpe_vsgi_eoi(gic_t *g, uint32_t cpu, uint32_t intid);

/* ---- the redistributor's VLPI frame (GICR_VPROPBASER, GICR_VPENDBASER;
 * GICv4.1: GICR_VSGIR, GICR_VSGIPENDR) ---- */
extern const gic_regmap_t redist_vlpi_regmap; /* VLPI_base, at +0x20000 of a GICv4 redistributor */

/* ---- the virtual CPU interface's directly injected source (cpuif_virt.c) ---- */
/* Highest-priority pending vLPI of the vPE resident at cpu (none: intid
 * GIC_CAND_NONE); *until lowered as for lpi_hppi_until. */
void vpe_hppvlpi(gic_t *g, uint32_t cpu, gic_cand_t *out, gic_time_t *until);
/* Acknowledge of a directly injected vLPI (ICV_IAR): no longer pending;
 * returns the start of its pending episode (MSI arrival). */
gic_time_t vpe_ack(gic_t *g, uint32_t cpu, uint32_t vintid);
/* Start of the pending episode of a pending vLPI of the resident vPE. */
gic_time_t vpe_pending_time(gic_t *g, uint32_t cpu, uint32_t vintid);
#endif
