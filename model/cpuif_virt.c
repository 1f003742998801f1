/* The virtual CPU interface (IHI0069 "Virtual interrupt handling and
 * prioritization", ICH_*_EL2 and ICV_*_EL1): the list registers are the
 * interrupt source of the virtual priority engine; the hypervisor's
 * registers (ICH_HCR_EL2, ICH_VTR_EL2, ICH_VMCR_EL2, ICH_MISR_EL2,
 * ICH_EISR_EL2, ICH_ELRSR_EL2, ICH_AP<n>R<m>_EL2, ICH_LR<n>_EL2) and the
 * maintenance interrupt. The guest sees the engine through ICV_*_EL1
 * (cpuif.c), with the same priority, preemption and EOImode rules as the
 * physical interface.
 *
 * Timing: a list register written pending is seen by the virtual interface
 * lat.cpu_signal cycles later (the LR is in the CPU interface: no
 * redistributor hop); the maintenance interrupt reaches its PPI at the
 * redistributor lat.redist_to_cpu cycles after the condition changes (the
 * CPU interface -> redistributor hop), and is then delivered as any PPI.
 * See docs/latency-model.md. */
#include "cpuif.h"

#include "dist.h"
#include "redist.h"
#include "vpe.h"

#include <stdlib.h>
#include <string.h>

/* ICH_LR<n>_EL2 fields */
#define LR_VINTID(lr) ((uint32_t)(lr))
#define LR_PINTID(lr) ((uint32_t)((lr) >> 32) & 0x1fffu)
#define LR_EOI (1ull << 41) /* HW = 0: maintenance interrupt on deactivation */
#define LR_PRIO(lr) ((uint8_t)((lr) >> 48))
#define LR_GROUP (1ull << 60)
#define LR_HW (1ull << 61)
#define LR_STATE_SHIFT 62
#define LR_PENDING (1ull << 62)
#define LR_ACTIVE (1ull << 63)
#define LR_STATE_MASK (3ull << 62)
/* writable bits: vINTID [31:0] up to ICH_VTR_EL2.IDbits, pINTID [44:32] (HW
 * = 1; HW = 0: EOI [41]), Priority [55:48] down to PRIbits, Group [60], HW
 * [61], State [63:62] (lr_mask). IHI0069 ICH_LR<n>_EL2: vINTID bits at or
 * above the implemented ID bits are RES0, unimplemented priority bits are
 * RES0, NMI [59] is RES0 without FEAT_GICv3_NMI (not implemented). */
#define LR_MASK_FIXED ((0x1fffull << 32) | LR_GROUP | LR_HW | LR_STATE_MASK)

/* ICH_HCR_EL2 */
#define HCR_EN (1u << 0)
#define HCR_UIE (1u << 1)
#define HCR_LRENPIE (1u << 2)
#define HCR_NPIE (1u << 3)
#define HCR_VGRP0EIE (1u << 4)
#define HCR_VGRP0DIE (1u << 5)
#define HCR_VGRP1EIE (1u << 6)
#define HCR_VGRP1DIE (1u << 7)
#define HCR_VSGIEOICOUNT (1u << 8) /* GICv4.1 only (FEAT_GICv4p1), else RES0 */
#define HCR_EOICOUNT_SHIFT 27
#define HCR_EOICOUNT (0x1fu << HCR_EOICOUNT_SHIFT)
/* writable: En, UIE, LRENPIE, NPIE, VGrp*, TC [10], TALL0 [11], TALL1 [12],
 * EOIcount [31:27]; vSGIEOICount [8] with GICv4.1 (hcr_mask). TSEI [13] and
 * TDIR [14] are RES0: IHI0069 ICH_HCR_EL2 makes them RES0 when
 * ICH_VTR_EL2.SEIS resp. TDS is 0, as here (vtr). */
#define HCR_MASK (0xffu | (0x7u << 10) | HCR_EOICOUNT)
/* The ICH_HCR_EL2 bits this configuration implements. */
static uint32_t hcr_mask(const gic_t *g) { return HCR_MASK | (g->cfg.gicv4_1 ? HCR_VSGIEOICOUNT : 0); }

/* ICH_MISR_EL2 */
#define MISR_EOI (1u << 0)
#define MISR_U (1u << 1)
#define MISR_LRENP (1u << 2)
#define MISR_NP (1u << 3)
#define MISR_VGRP0E (1u << 4)
#define MISR_VGRP0D (1u << 5)
#define MISR_VGRP1E (1u << 6)
#define MISR_VGRP1D (1u << 7)
#define MISR_N 8
static const char *const misr_names[MISR_N] = {"eoi",    "u",      "lrenp",  "np",
                                              "vgrp0e", "vgrp0d", "vgrp1e", "vgrp1d"};

/* ICH_VMCR_EL2 */
#define VMCR_VENG0 (1u << 0)
#define VMCR_VENG1 (1u << 1)
#define VMCR_VFIQEN (1u << 3)
#define VMCR_VCBPR (1u << 4)
#define VMCR_VEOIM (1u << 9)

/* Statistics shared by every CPU (resolved at creation). */
typedef struct virt_stats {
    uint64_t *maint[MISR_N]; /* rising edges of each ICH_MISR_EL2 condition */
    uint64_t *maint_irqs;    /* maintenance interrupt assertions */
    uint64_t *lr_writes;
    uint64_t *eoicount;      /* EOIs and DIRs that matched no list register */
    uint64_t *hw_deact;      /* physical deactivations through HW = 1 LRs */
    uint64_t *direct_acks;   /* directly injected vLPIs acknowledged (GICv4) */
    gic_hist_t *lr_occupancy; /* valid LRs, sampled at each LR write */
} virt_stats_t;

static struct gic_cpuif *CI(gic_t *g, uint32_t cpu) { return &g->cpuif[cpu]; }
static unsigned nlr(const gic_t *g) { return g->cfg.virt_list_regs; }
static unsigned lr_state(uint64_t lr) { return (unsigned)(lr >> LR_STATE_SHIFT); }

/* Every write of a list register goes through here: the LR and its bits in
 * the summaries (lr_valid, lr_pend, lr_eoi). */
static void lr_put(struct gic_cpuif *c, unsigned i, uint64_t lr)
{
    const uint16_t b = (uint16_t)(1u << i);
    const unsigned st = lr_state(lr);
    c->ich.lr[i] = lr;
    c->ich.lr_valid = (uint16_t)(st ? c->ich.lr_valid | b : c->ich.lr_valid & ~b);
    c->ich.lr_pend = (uint16_t)(st == 1 ? c->ich.lr_pend | b : c->ich.lr_pend & ~b);
    c->ich.lr_eoi = (uint16_t)((lr & (LR_STATE_MASK | LR_HW | LR_EOI)) == LR_EOI ? c->ich.lr_eoi | b
                                                                                  : c->ich.lr_eoi & ~b);
}
/* Index of the lowest set bit of a non-zero LR mask, and the mask without it. */
static unsigned lr_next(uint32_t *m)
{
    const unsigned i = (unsigned)__builtin_ctz(*m);
    *m &= *m - 1;
    return i;
}

/* ---- the list registers as an interrupt source ---------------------------------- */

/* Highest-priority list register in the pending state whose group is enabled
 * (ICH_VMCR_EL2.VENG<n>) while ICH_HCR_EL2.En is set; ties: the lower LR
 * (IHI0069 leaves the order IMPLEMENTATION DEFINED; QEMU also takes the
 * lower LR). A priority of 0xFF is never signalled. Pending-and-active
 * entries are not candidates: the interrupt is active. */
static gic_time_t virt_hppi(gic_t *g, uint32_t cpu, const bool igrpen[2], gic_cand_t *out)
{
    struct gic_cpuif *c = CI(g, cpu);
    gic_time_t until = UINT64_MAX;
    if (!(c->ich.hcr & HCR_EN)) return until;
    uint8_t mask = c->virt.pri_mask;
    for (uint32_t m = c->ich.lr_pend; m;) { /* the LRs in the pending state, in LR order */
        const unsigned i = lr_next(&m);
        uint64_t lr = c->ich.lr[i];
        unsigned grp = (lr & LR_GROUP) ? 1 : 0;
        if (!igrpen[grp]) continue;
        if (g->now < c->ich.lr_vis[i]) {
            if (c->ich.lr_vis[i] < until) until = c->ich.lr_vis[i];
            continue;
        }
        uint8_t prio = LR_PRIO(lr) & mask;
        if (prio == 0xff) continue;
        if (cand_is_none(out) || prio < out->prio) {
            out->intid = LR_VINTID(lr);
            out->prio = prio;
            out->group = (uint8_t)grp;
        }
    }
    /* GICv4: the highest-priority pending vLPI of the resident vPE (HPPVLPI,
     * Group 1) competes with the list registers and wins only with a
     * strictly higher priority (as QEMU; IHI0069 leaves ties IMPLEMENTATION
     * DEFINED). */
    c->ich.hp_vlpi = GIC_CAND_NONE;
    /* GICv4.1: the resident vPE's vSGIs come from the same place (vpe.h),
     * in the group their VSGI command gave them. Both come through the
     * redistributor, which forwards nothing while its PE is asleep (IHI0069
     * GICR_WAKER.ProcessorSleep) nor before its wake-up path has settled:
     * the list registers are the CPU interface's own and are not held. */
    gic_time_t t_fwd = g->cfg.gic_version >= 4 ? redist_forward_time(g, cpu) : 0;
    if (g->now < t_fwd) {
        if (t_fwd < until) until = t_fwd;
    } else if (g->cfg.gic_version >= 4 && (igrpen[1] || (g->cfg.gicv4_1 && igrpen[0]))) {
        gic_cand_t v;
        vpe_hppvlpi(g, cpu, &v, &until);
        v.prio &= mask;
        if (!cand_is_none(&v) && igrpen[v.group] && v.prio != 0xff &&
            (cand_is_none(out) || v.prio < out->prio)) {
            *out = v;
            c->ich.hp_vlpi = v.intid;
        }
    }
    return until;
}

/* The pending LR holding intid (the engine acknowledges what virt_hppi chose). */
static int find_lr(struct gic_cpuif *c, uint32_t intid, uint64_t state_bit)
{
    for (uint32_t m = c->ich.lr_valid; m;) {
        const unsigned i = lr_next(&m);
        if ((c->ich.lr[i] & state_bit) && LR_VINTID(c->ich.lr[i]) == intid) return (int)i;
    }
    return -1;
}

static gic_time_t virt_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    struct gic_cpuif *c = CI(g, cpu);
    if (intid == c->ich.hp_vlpi) {
        /* a directly injected vLPI: no longer pending, no active state */
        c->ich.hp_vlpi = GIC_CAND_NONE;
        const virt_stats_t *vs = g->virt_stats;
        gic_inc(vs->direct_acks);
        return vpe_ack(g, cpu, intid);
    }
    int i = -1;
    for (uint32_t m = c->ich.lr_pend; m;) {
        const unsigned k = lr_next(&m);
        if (LR_VINTID(c->ich.lr[k]) == intid) {
            i = (int)k;
            break;
        }
    }
    if (i < 0) return g->now;
    /* Pending -> active, a vLPI (vINTID >= 8192) too: in a list register it
     * has an active state until its EOIR (IHI0069 VirtualReadIAR0/1; QEMU
     * icv_iar_read and KVM __vgic_v3_read_iar do the same). Only a special
     * INTID (1020..1023) goes pending -> invalid. */
    uint64_t lr = c->ich.lr[i] & ~LR_STATE_MASK;
    if (!gic_intid_special(intid)) lr |= LR_ACTIVE;
    lr_put(c, (unsigned)i, lr);
    return c->ich.lr_t[i];
}

static void emit_vdeact(gic_t *g, uint32_t cpu, unsigned i, uint64_t lr)
{
    gic_output_t o = gic_output_now(g, GIC_OUT_VDEACTIVATE);
    o.cpu = cpu;
    o.intid = LR_VINTID(lr);
    o.level = (lr & LR_HW) ? 1 : 0;
    o.value = (lr & LR_HW) ? LR_PINTID(lr) : GIC_SPURIOUS;
    o.code = i;
    gic_emit(g, &o);
}

/* Deactivate the virtual interrupt of LR i; with HW = 1 also its physical
 * interrupt pINTID (IHI0069: the physical interrupt is deactivated as by a
 * write of pINTID to ICC_DIR_EL1 of this CPU; pINTID 1020..1023 deactivate
 * nothing physical). */
static void deactivate_lr(gic_t *g, uint32_t cpu, unsigned i)
{
    struct gic_cpuif *c = CI(g, cpu);
    uint64_t lr = c->ich.lr[i];
    lr_put(c, i, lr & ~LR_ACTIVE); /* active -> invalid, pending+active -> pending */
    gic_vhppi_changed(g, cpu);
    if (lr & LR_HW) {
        uint32_t p = LR_PINTID(lr);
        bool ok = true;
        if (p < 32) ok = redist_deactivate(g, cpu, p);
        else if (p < 1020 && dist_spi_valid(g, p)) ok = dist_deactivate(g, cpu, p);
        else if (p < 1020)
            gic_error(g, "virt_hw_bad_pintid", "ICV", "CPU %u: LR%u (vINTID %u) has HW = 1 and pINTID %u, "
                      "which is not implemented: no physical deactivation", cpu, i, LR_VINTID(lr), p);
        /* A physical interrupt that is not active: UNPREDICTABLE (IHI0069);
         * the model deactivates nothing, counts and logs it. */
        if (!ok)
            gic_error(g, "virt_hw_pintid_not_active", "ICV",
                      "CPU %u: LR%u (vINTID %u) deactivates pINTID %u, which is not active", cpu, i,
                      LR_VINTID(lr), p);
        const virt_stats_t *vs = g->virt_stats;
        gic_inc(vs->hw_deact);
    }
    emit_vdeact(g, cpu, i, lr);
}

static void eoicount_inc(gic_t *g, struct gic_cpuif *c)
{
    uint32_t n = ((c->ich.hcr & HCR_EOICOUNT) >> HCR_EOICOUNT_SHIFT) + 1;
    c->ich.hcr = (c->ich.hcr & ~HCR_EOICOUNT) | ((n & 0x1f) << HCR_EOICOUNT_SHIFT);
    const virt_stats_t *vs = g->virt_stats;
    gic_inc(vs->eoicount);
}

/* IHI0069 VirtualWriteEOIR / VirtualWriteDIR: the active LR with that vINTID
 * is deactivated when (for an EOIR) its group is the EOIR's and its group
 * priority is the one just dropped; with no active LR for it, a non-LPI
 * increments ICH_HCR_EL2.EOIcount (the hypervisor then deactivates it from
 * its own list: the LRENP maintenance interrupt). A vLPI is deactivated by
 * its EOIR whatever ICH_VMCR_EL2.VEOIM says (the engine calls this for it
 * with VEOIM = 1 too): no DIR follows for an LPI, and a DIR of a vLPI
 * deactivates nothing (IHI0069 VirtualWriteEOIR0/1, VirtualWriteDIR; QEMU
 * icv_eoir_write/icv_dir_write, KVM __vgic_v3_write_eoir/_write_dir). */
static void virt_deactivate(gic_t *g, uint32_t cpu, uint32_t intid, const char *via,
                            const eng_drop_t *drop)
{
    (void)via;
    struct gic_cpuif *c = CI(g, cpu);
    if (!drop && intid >= GIC_LPI_BASE) return; /* ICV_DIR_EL1 of a vLPI */
    int i = find_lr(c, intid, LR_ACTIVE);
    if (i < 0) {
        /* GICv4.1: the deactivation of a virtual SGI (vINTID 0..15 in no
         * LR, directly injected or held by the hypervisor) increments
         * EOIcount only while ICH_HCR_EL2.vSGIEOICount is 0 (IHI0069
         * ICH_HCR_EL2.vSGIEOICount; KVM sets it when no SGI of the vCPU is
         * outside the vPE). A directly acknowledged vSGI has no active state:
         * its episode ends here either way (vpe_vsgi_eoi). */
        if (g->cfg.gicv4_1 && intid < 16) {
            (void)vpe_vsgi_eoi(g, cpu, intid);
            if (c->ich.hcr & HCR_VSGIEOICOUNT) return;
        }
        if (intid < GIC_LPI_BASE) eoicount_inc(g, c);
        return;
    }
    uint64_t lr = c->ich.lr[i];
    if (drop) {
        unsigned grp = (lr & LR_GROUP) ? 1 : 0;
        if (grp != drop->group || eng_prio_idx(&c->virt, LR_PRIO(lr) & c->virt.pri_mask, grp) != drop->idx)
            return; /* EOI of another priority level: priority drop only */
    }
    deactivate_lr(g, cpu, (unsigned)i);
}

static gic_time_t virt_pending_time(gic_t *g, uint32_t cpu, uint32_t intid)
{
    struct gic_cpuif *c = CI(g, cpu);
    if (intid == c->ich.hp_vlpi) return vpe_pending_time(g, cpu, intid);
    int i = find_lr(c, intid, LR_PENDING);
    return i < 0 ? g->now : c->ich.lr_t[i];
}

const gic_irq_source_t cpuif_virt_source = {
    .name = "ICV",
    .eoir_name = {"ICV_EOIR0_EL1", "ICV_EOIR1_EL1"},
    .dir_name = "ICV_DIR_EL1",
    .line_irq = GIC_LINE_VIRQ,
    .line_fiq = GIC_LINE_VFIQ,
    .lpi_eoi_deactivates = true,
    .hppi = virt_hppi,
    .ack = virt_ack,
    .deactivate = virt_deactivate,
    .pending_time = virt_pending_time,
};

/* ---- maintenance interrupt ------------------------------------------------------ */

/* ICH_EISR_EL2: LRs with State = invalid, HW = 0 and EOI = 1. */
static uint32_t eisr(const struct gic_cpuif *c) { return c->ich.lr_eoi; }

/* ICH_ELRSR_EL2: LRs that hold no interrupt: State = invalid and not waiting
 * for an EOI maintenance interrupt (HW = 1 or EOI = 0). */
static uint32_t elrsr(const gic_t *g, const struct gic_cpuif *c)
{
    /* neither valid nor the ICH_EISR_EL2 condition, among the implemented LRs */
    return ~(uint32_t)(c->ich.lr_valid | c->ich.lr_eoi) & ((1u << nlr(g)) - 1u);
}

/* ICH_MISR_EL2, every condition (IHI0069 ICH_MISR_EL2), from the LR summaries.
 * Each condition but EOI is enabled by the ICH_HCR_EL2 bit of the same
 * position (UIE [1] .. VGrp1DIE [7] -> U [1] .. VGrp1D [7]): the conditions are
 * computed unmasked and masked with those bits at once (branch-free: this runs
 * after every ICV_* and ICH_* access). */
_Static_assert(HCR_UIE == MISR_U && HCR_LRENPIE == MISR_LRENP && HCR_NPIE == MISR_NP &&
                   HCR_VGRP0EIE == MISR_VGRP0E && HCR_VGRP0DIE == MISR_VGRP0D &&
                   HCR_VGRP1EIE == MISR_VGRP1E && HCR_VGRP1DIE == MISR_VGRP1D,
               "ICH_HCR_EL2 enables and ICH_MISR_EL2 conditions share their bit positions");
static inline uint32_t misr(const struct gic_cpuif *c)
{
    const uint32_t hcr = c->ich.hcr, valid = c->ich.lr_valid;
    const bool veng0 = c->virt.igrpen[0], veng1 = c->virt.igrpen[1];
    uint32_t m = (c->ich.lr_eoi ? MISR_EOI : 0u) |
                 ((valid & (valid - 1u)) == 0 ? MISR_U : 0u) | /* at most one valid LR */
                 ((hcr & HCR_EOICOUNT) ? MISR_LRENP : 0u) | (c->ich.lr_pend ? 0u : MISR_NP) |
                 /* VGrp0D follows VENG0 (QEMU 7.2 tests VENG1 here: it differs
                  * from the architecture, docs/interrupt-delivery.md) */
                 (veng0 ? MISR_VGRP0E : MISR_VGRP0D) | (veng1 ? MISR_VGRP1E : MISR_VGRP1D);
    return m & (MISR_EOI | (hcr & (HCR_UIE | HCR_LRENPIE | HCR_NPIE | HCR_VGRP0EIE | HCR_VGRP0DIE |
                                   HCR_VGRP1EIE | HCR_VGRP1DIE)));
}

static bool maint_level(const struct gic_cpuif *c) { return (c->ich.hcr & HCR_EN) && c->ich.misr; }

/* The maintenance line reaches the redistributor's PPI: drive it with the
 * level the CPU interface has at that time. */
static void ev_maint(gic_t *g, const gic_event_t *ev)
{
    struct gic_cpuif *c = CI(g, ev->a);
    c->ich.maint_queued = false;
    bool level = maint_level(c);
    if (level == c->ich.maint_level) return;
    c->ich.maint_level = level;
    if (level) {
        const virt_stats_t *vs = g->virt_stats;
        gic_inc(vs->maint_irqs);
    }
    redist_set_ppi_line(g, ev->a, g->cfg.virt_maint_intid, level);
}

/* After an access to the virtual interface: vIRQ/vFIQ and the maintenance
 * interrupt re-evaluated. The HPPI goes through the engine's cache: every
 * change of what virt_hppi reads has marked it stale where it was made (the
 * ICH_* writes and deactivate_lr here, the engine's acknowledge and group
 * enables, the vPE's changes), so an access that changed nothing the HPPI
 * depends on (ICV_IAR1_EL1 right after the engine's own update,
 * ICH_AP1R0_EL2, an ICH_VMCR_EL2 with the same group enables) does not
 * recompute it. */
static inline __attribute__((always_inline)) void virt_changed_body(gic_t *g, uint32_t cpu, bool refreshed)
{
    struct gic_cpuif *c = CI(g, cpu);
    /* ICH_HCR_EL2.En clear: the list registers and vLPIs signal nothing
     * (virt_hppi), so with vIRQ and vFIQ low already a refresh would change
     * nothing; the HPPI stays marked stale until it is asked for. KVM's world
     * switch writes ICH_VMCR_EL2, the APRs and the list registers with En
     * clear (a few hundred host instructions per virtual MSI). */
    const bool en = c->ich.hcr & HCR_EN;
    /* The handlers of the ICV_* registers end with the engine's own
     * re-evaluation when they change anything (eng_iar, eng_eoi, ...): a
     * second one would find the same HPPI in the cache and the same lines. */
    if (refreshed) eng_check_lines(g, &c->virt);
    else if (en || c->virt.line[0] || c->virt.line[1]) eng_refresh(g, &c->virt);
    /* En clear: no rising edge is counted and the maintenance level is low
     * (IHI0069 ICH_MISR_EL2: the interrupt is asserted only while
     * ICH_HCR_EL2.En is 1), so ICH_MISR_EL2 is not computed here. The value
     * the next edge is taken against is that of the state before the
     * ICH_HCR_EL2 write that sets En (virt_ich_write): every change of what
     * misr() reads comes through here, so it is the one the last access
     * while En was clear would have stored. */
    if (en) {
        const uint32_t m = misr(c), rise = m & ~c->ich.misr;
        c->ich.misr = m;
        if (rise) {
            const virt_stats_t *vs = g->virt_stats;
            for (unsigned b = 0; b < MISR_N; b++)
                if (rise & (1u << b)) gic_inc(vs->maint[b]);
        }
    }
    if (maint_level(c) != c->ich.maint_level && !c->ich.maint_queued) {
        c->ich.maint_queued = true;
        gic_schedule(g, g->now + gic_cycles(g, g->cfg.lat_redist_to_cpu), ev_maint, cpu, 0, 0, 0);
    }
}

void virt_changed(gic_t *g, uint32_t cpu) { virt_changed_body(g, cpu, false); }
void virt_accessed(gic_t *g, uint32_t cpu, bool refreshed) { virt_changed_body(g, cpu, refreshed); }

/* An LR written pending (or a vLPI) becomes visible: re-evaluate vIRQ/vFIQ. */
static void ev_virt_update(gic_t *g, const gic_event_t *ev) { eng_refresh(g, &CI(g, ev->a)->virt); }

void virt_update_at(gic_t *g, uint32_t cpu, gic_time_t t)
{
    gic_vhppi_changed(g, cpu);
    if (t <= g->now) {
        eng_refresh(g, &CI(g, cpu)->virt);
        return;
    }
    gic_schedule(g, t, ev_virt_update, cpu, 0, 0, 0);
}

/* ---- EL2 registers ---------------------------------------------------------------- */

/* VFIQEn [3] reads 1 and VAckCtl [2] reads 0: IHI0069 ICH_VMCR_EL2 makes
 * them RES1 and RES0 without legacy (GICv2) operation, with the System
 * register interface (ICC_SRE_EL1.SRE fixed at 1). */
static uint64_t vmcr(const struct gic_cpuif *c)
{
    const gic_engine_t *e = &c->virt;
    return (e->igrpen[0] ? VMCR_VENG0 : 0) | (e->igrpen[1] ? VMCR_VENG1 : 0) | VMCR_VFIQEN |
           (e->cbpr ? VMCR_VCBPR : 0) | (e->eoimode ? VMCR_VEOIM : 0) | ((uint64_t)e->bpr1 << 18) |
           ((uint64_t)e->bpr0 << 21) | ((uint64_t)e->pmr << 24);
}

static void vmcr_write(gic_t *g, struct gic_cpuif *c, uint64_t v)
{
    gic_engine_t *e = &c->virt;
    e->igrpen[0] = v & VMCR_VENG0;
    e->igrpen[1] = (v & VMCR_VENG1) != 0;
    e->cbpr = (v & VMCR_VCBPR) != 0;
    e->eoimode = (v & VMCR_VEOIM) != 0;
    /* binary points below the minimum read as the minimum (IHI0069 ICH_VMCR_EL2) */
    uint8_t b0 = (uint8_t)((v >> 21) & 7), b1 = (uint8_t)((v >> 18) & 7);
    e->bpr0 = b0 < eng_bpr0_min(e) ? eng_bpr0_min(e) : b0;
    e->bpr1 = b1 < eng_bpr0_min(e) + 1 ? (uint8_t)(eng_bpr0_min(e) + 1) : b1;
    e->pmr = (uint8_t)(v >> 24) & e->pri_mask;
    (void)g;
}

/* ICH_VTR_EL2.IDbits: 24-bit virtual INTIDs when the LPI space needs more
 * than 16 bits, else 16 */
static bool vid24(const gic_t *g) { return g->cfg.lpi_id_bits > 16; }

static uint64_t vtr(const gic_t *g)
{
    uint64_t idbits = vid24(g) ? 1 : 0;
    uint64_t pri = g->cfg.virt_pri_bits - 1, pre = (g->cfg.virt_pri_bits > 7 ? 7 : g->cfg.virt_pri_bits) - 1;
    /* nV4 [20] = 0: direct injection of vLPIs is supported with GICv4 */
    uint64_t nv4 = g->cfg.gic_version >= 4 ? 0 : 1;
    return (uint64_t)(nlr(g) - 1) | (nv4 << 20) | (1ull << 21) /* A3V */ | (idbits << 23) |
           (pre << 26) | (pri << 29);
}

/* The ICH_LR<n>_EL2 bits this configuration implements (LR_MASK_FIXED). */
static uint64_t lr_mask(const gic_t *g, const struct gic_cpuif *c)
{
    const uint64_t vintid = vid24(g) ? 0xffffffull : 0xffffull; /* ICH_VTR_EL2.IDbits */
    return LR_MASK_FIXED | vintid | ((uint64_t)c->virt.pri_mask << 48);
}

/* IHI0069 ICH_LR<n>_EL2: the list registers beyond ICH_VTR_EL2.ListRegs are
 * UNDEFINED. No exception can be raised here: RAZ/WI, counted and logged, as
 * the unimplemented ICH_AP<g>R<n>_EL2 are (eng_apr_read/_write). */
static bool lr_implemented(gic_t *g, uint32_t cpu, unsigned i, bool write)
{
    if (i < nlr(g)) return true;
    gic_error(g, "sysreg_undefined", "ICH", "%s of ICH_LR%u_EL2 on CPU %u: not implemented (UNDEFINED): %s",
              write ? "write" : "read", i, cpu, write ? "ignored" : "RAZ");
    return false;
}

/* The EL2 registers, each register kind from its own entry of the
 * system-register table (cpuif.c): ICH_LR<n>_EL2 (i = n) and
 * ICH_AP<g>R<n>_EL2 (the group and n), the others by name. */
uint64_t virt_lr_read(gic_t *g, uint32_t cpu, unsigned i)
{
    return lr_implemented(g, cpu, i, false) ? CI(g, cpu)->ich.lr[i] : 0;
}

void virt_lr_write(gic_t *g, uint32_t cpu, unsigned i, uint64_t v)
{
    if (!lr_implemented(g, cpu, i, true)) return;
    struct gic_cpuif *c = CI(g, cpu);
    const virt_stats_t *vs = g->virt_stats;
    uint64_t old = c->ich.lr[i];
    v &= lr_mask(g, c);
    lr_put(c, i, v);
    gic_vhppi_changed(g, cpu);
    gic_inc(vs->lr_writes);
    /* a newly pending LR starts a pending episode and is seen after the
     * CPU interface's signalling stage */
    if ((v & LR_PENDING) && (!(old & LR_PENDING) || LR_VINTID(old) != LR_VINTID(v))) {
        c->ich.lr_t[i] = g->now;
        c->ich.lr_vis[i] = g->now + gic_cycles(g, g->cfg.lat_cpu_signal);
        if (c->ich.lr_vis[i] > g->now)
            gic_schedule(g, c->ich.lr_vis[i], ev_virt_update, cpu, 0, 0, 0);
    }
    hist_add(vs->lr_occupancy, (uint64_t)__builtin_popcount(c->ich.lr_valid));
    virt_changed(g, cpu);
}

uint64_t virt_apr_read(gic_t *g, uint32_t cpu, unsigned group, unsigned n)
{
    return eng_apr_read(g, &CI(g, cpu)->virt, true, group, n);
}

void virt_apr_write(gic_t *g, uint32_t cpu, unsigned group, unsigned n, uint64_t v)
{
    /* the active priorities decide only whether the HPPI is signalled:
     * virt_changed re-evaluates (not while ICH_HCR_EL2.En is clear with
     * vIRQ and vFIQ low, when nothing can be signalled) */
    eng_apr_set(g, &CI(g, cpu)->virt, true, group, n, v);
    virt_changed(g, cpu);
}

uint64_t virt_ich_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg)
{
    struct gic_cpuif *c = CI(g, cpu);
    switch (reg) {
    case GIC_ICH_HCR_EL2: return c->ich.hcr;
    case GIC_ICH_VTR_EL2: return vtr(g);
    case GIC_ICH_MISR_EL2: return misr(c);
    case GIC_ICH_EISR_EL2: return eisr(c);
    case GIC_ICH_ELRSR_EL2: return elrsr(g, c);
    case GIC_ICH_VMCR_EL2: return vmcr(c);
    case GIC_HCR_EL2: return (c->imo ? 1u << 4 : 0) | (c->fmo ? 1u << 3 : 0);
    default: return 0;
    }
}

void virt_ich_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t v)
{
    struct gic_cpuif *c = CI(g, cpu);
    switch (reg) {
    case GIC_ICH_HCR_EL2:
        if ((c->ich.hcr ^ (uint32_t)v) & HCR_EN) gic_vhppi_changed(g, cpu);
        if (!(c->ich.hcr & HCR_EN) && (v & HCR_EN))
            c->ich.misr = misr(c); /* the edges of this write are taken against it (virt_changed) */
        c->ich.hcr = (uint32_t)v & hcr_mask(g);
        break;
    case GIC_ICH_VMCR_EL2: {
        const bool en0 = c->virt.igrpen[0], en1 = c->virt.igrpen[1];
        vmcr_write(g, c, v);
        if (en0 != c->virt.igrpen[0] || en1 != c->virt.igrpen[1]) gic_vhppi_changed(g, cpu);
        break;
    }
    case GIC_HCR_EL2:
        c->imo = (v >> 4) & 1;
        c->fmo = (v >> 3) & 1;
        return; /* routing of later accesses only */
    default:
        /* ICH_VTR_EL2, ICH_MISR_EL2, ICH_EISR_EL2, ICH_ELRSR_EL2 are read-only */
        gic_error(g, "sysreg_write_ro", "ICH", "write of read-only %s on CPU %u ignored",
                  gic_sysreg_name(reg), cpu);
        return;
    }
    virt_changed(g, cpu);
}

/* ---- creation ------------------------------------------------------------------------ */

void virt_init(gic_t *g, struct gic_cpuif *c, uint32_t cpu)
{
    (void)g;
    (void)cpu;
    memset(&c->ich, 0, sizeof(c->ich));
    c->ich.hp_vlpi = GIC_CAND_NONE;
}

gic_status_t virt_stats_create(gic_t *g)
{
    virt_stats_t *vs = calloc(1, sizeof(*vs));
    if (!vs) return GIC_ERR_NOMEM;
    for (unsigned b = 0; b < MISR_N; b++) vs->maint[b] = gic_counter(g, "virt.maint.%s", misr_names[b]);
    vs->maint_irqs = gic_counter(g, "virt.maint.asserted");
    vs->lr_writes = gic_counter(g, "virt.lr_writes");
    vs->eoicount = gic_counter(g, "virt.eoi_no_lr");
    vs->hw_deact = gic_counter(g, "virt.hw_deactivations");
    vs->direct_acks = gic_counter(g, "virt.vlpi_acks");
    vs->lr_occupancy = gic_hist(g, NULL, "virt.lr_occupancy");
    g->virt_stats = vs;
    return GIC_OK;
}
