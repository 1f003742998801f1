/*
 * One physical CPU under the hypervisor model (KVM-like, VHE): after the
 * host's Linux bring-up (cpu_model) it runs vCPUs from its run queue
 * (hyp_sched): vCPU load/put (ICH_VMCR_EL2, active priorities, GICv4:
 * GICR_VPROPBASER/GICR_VPENDBASER as its_vpe_schedule/deschedule do),
 * guest entry/exit (HCR_EL2.IMO/FMO, ICH_HCR_EL2, list registers written
 * from the ap_list and folded back, as kvm_vgic_flush_hwstate /
 * kvm_vgic_sync_hwstate), the guest's interrupt handler on the virtual
 * interface (ICC_IAR1_EL1/ICC_EOIR1_EL1 redirected to ICV_*), and the host's
 * interrupt handling (device LPIs through the emulated vITS, doorbells,
 * kicks, maintenance interrupts, level-triggered lines with resampling).
 * Every host step has a configurable cost (hyp_params), charged to a
 * category (hyp_cost). Talks to the GIC only through its sockets and its
 * system-register interface, and sees the IRQ and vIRQ lines.
 */
#ifndef GICTLM_HYP_CPU_H
#define GICTLM_HYP_CPU_H

#include "hyp_platform.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <array>
#include <cstdint>
#include <vector>

namespace gictlm {

class hyp_cpu : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<hyp_cpu> socket;
    sc_core::sc_in<bool> irq, virq;
    SC_HAS_PROCESS(hyp_cpu);
    hyp_cpu(sc_core::sc_module_name name, uint32_t index, hyp_platform *hp);
    uint64_t guest_busy_ps = 0;

private:
    enum exit_why { EXIT_IRQ, EXIT_WFI, EXIT_SLICE, EXIT_TRAP };
    void run();
    void hyp_boot();
    void cpu_setup();
    /* time: a local offset ahead of SystemC time, as a quantum keeper's */
    void sync();
    void settle();
    bool line(uint32_t l) const;
    uint64_t now_ps() const;
    void ns(double v) { d_ += sc_core::sc_time(v, sc_core::SC_NS); }
    void charge(int kind, uint64_t t0) { h_->cost_ps[kind] += now_ps() - t0; }
    /* accesses */
    bool transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len);
    uint64_t mmio_read(uint64_t addr, unsigned size);
    void mmio_write(uint64_t addr, unsigned size, uint64_t val);
    void mem_write(uint64_t addr, const void *buf, unsigned len);
    uint64_t sr(gic_sysreg_t r);
    void sw(gic_sysreg_t r, uint64_t v);
    void its_submit(uint32_t its, const std::vector<std::array<uint64_t, 4>> &cmds);
    /* world switch */
    void run_vcpu(hyp_vcpu &v);
    void load(hyp_vcpu &v);
    void put(hyp_vcpu &v, bool blocking);
    void enter(hyp_vcpu &v);
    void exit(hyp_vcpu &v, exit_why why);
    bool flush(hyp_vcpu &v);
    void vmovp(hyp_vcpu &v);
    void guest_irq(hyp_vcpu &v);
    void guest_ipi(hyp_vcpu &v);
    void poll_dirty(uint64_t vpendbaser);
    bool lr_busy(const hyp_vcpu &v) const;
    void requeue(hyp_vcpu &v);
    /* host */
    void host_irqs();
    void dispatch(uint32_t intid);
    void inject(hyp_vcpu &v, uint32_t vintid, bool level);
    void wake(hyp_vcpu &v);
    void send_sgi(uint32_t cpu, uint32_t intid);
    void do_resamples();

    uint32_t idx_;
    hyp_platform *h_;
    const hyp_params &hp_;
    sc_core::sc_time d_;
    rng rng_; /* the guest's choices (IPIs), seeded per CPU */
    tlm::tlm_generic_payload gp_;
};

} // namespace gictlm
#endif
