/*
 * A vCPU as the hypervisor model keeps it: scheduling state, the saved
 * virtual CPU interface (what KVM's vgic_v3_put saves: ICH_VMCR_EL2, the
 * active priorities), the list register shadow folded at every exit
 * (vgic_v3_fold_lr_state) and the software-pending interrupts not yet in a
 * list register (KVM's ap_list entries with pending_latch), and its GICv4
 * vPE (VPT, the redistributor the ITS has it mapped to).
 */
#ifndef GICTLM_HYP_VCPU_H
#define GICTLM_HYP_VCPU_H

#include <cstdint>
#include <deque>
#include <unordered_set>
#include <vector>

namespace gictlm {

struct hyp_vcpu {
    uint32_t id = 0;     /* global index: vm * vcpus + idx */
    uint32_t vm = 0, idx = 0;
    uint32_t vpeid = 0;
    /* scheduling */
    uint32_t home = 0;          /* CPU whose run queue it belongs to */
    int loaded_on = -1;         /* CPU it is loaded on (vcpu_load .. vcpu_put), -1: none */
    bool runnable = true;       /* false: blocked in WFI */
    bool in_wfi = false;        /* blocked in kvm_vcpu_wfi (IN_WFI): its next load makes the vPE resident only at the second kvm_vgic_load */
    /* GICv4 modes: its vPE is resident, as the host made it: from its
     * GICR_VPENDBASER write with Valid = 1 to the one with Valid = 0
     * (loaded_on alone is wider: a vCPU in kvm_vcpu_wfi's put and halt poll
     * is loaded and its vPE not resident) */
    bool vpe_resident = false;
    bool queued = false;        /* in its home run queue */
    /* saved virtual interface (vgic_v3_put / vgic_v3_load) */
    uint64_t vmcr = 0;
    uint32_t ap0r[4] = {}, ap1r[4] = {};
    /* list register shadow (0 = free), valid while not in the guest */
    std::vector<uint64_t> lr;
    uint32_t lr_count = 0;      /* list registers written at the last entry: LR0 .. lr_count-1 (KVM's used_lrs) */
    /* software-pending vINTIDs (latched, not in a list register), in order */
    std::deque<uint32_t> ap;
    std::unordered_set<uint32_t> ap_set;
    uint64_t inject_seq = 0;    /* injections so far (KVM_REQ_IRQ_PENDING: one since an entry's flush aborts it) */
    /* GICv4 vPE */
    uint64_t vpt = 0;
    uint32_t mapped_cpu = 0;    /* redistributor of the last VMAPP/VMOVP */
    /* GICR_VPENDBASER.IDAI for the next schedule: 1 for a new vPE (its VPT's
     * IMPLEMENTATION DEFINED area is not valid: Linux its_alloc_vcpu_irqs),
     * then what the GIC reports at each deschedule (its_vpe_deschedule) */
    bool idai = true, pending_last = false;
    /* GICv4.1: the VPT parse after the last schedule has been waited for
     * (KVM's its_vpe.ready: vgic_v4_commit waits at the first entry) */
    bool vpe_ready = true;
    /* KVM's its_vpe.vlpi_count: the VMAPTIs that target this vPE (its_vlpi_map) */
    uint32_t vlpi_count = 0;
    /* HCR_EL2.TWI cleared at the last load (kvm_vcpu_should_clear_twi): the
     * guest's WFI executes natively; native_wfi: the guest is in such a WFI */
    bool twi_clear = false, native_wfi = false;
    /* halt polling (kvm_vcpu_halt): KVM's vcpu->halt_poll_ns (0 at
     * creation), the start of the current halt, polling now */
    uint64_t halt_poll_ns = 0;
    uint64_t halt_start_ps = 0;
    bool halt_polling = false;
    /* GICv4.0: the doorbell LPI is masked (its enable bit clear in the LPI
     * property table). KVM requests it with IRQ_NOAUTOEN (vgic_v4_init:
     * masked from the start), unmasks it only when the vPE is made
     * non-resident with a doorbell wanted (its_make_vpe_non_resident),
     * masks it when the vPE is made resident (its_make_vpe_resident) and in
     * the doorbell handler (vgic_v4_doorbell_handler); IRQ_DISABLE_UNLAZY
     * makes each transition a property write and an invalidation at once
     * (its_vpe_mask_irq / its_vpe_unmask_irq). Linux's disable depth only
     * counts calls; the hardware sees the masked state. */
    bool db_masked = true;
    /* statistics */
    uint64_t loads = 0, migrations = 0, guest_acks = 0;
};

} // namespace gictlm
#endif
