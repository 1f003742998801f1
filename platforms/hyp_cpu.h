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
 *
 * Execution: the bring-up runs in an SC_THREAD (as cpu_model's); afterwards
 * the CPU runs as steps on the GIC wrapper's agenda (gic_tlm_client) and
 * gets its IRQ/vIRQ lines as a line listener, like cpu_model in agenda mode:
 * no SystemC process, event or signal per access or per line change. The
 * CPU's program is written as resumable functions (hyp_cpu.cpp, HC_* macros):
 * each GIC access is made at the CPU's local time t_ in global time order
 * (at once when nothing else can come first, otherwise the function returns
 * and is resumed by an agenda step at that time).
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
#include <string>

namespace gictlm {

class hyp_cpu : public sc_core::sc_module, public gic_tlm_client {
public:
    tlm_utils::simple_initiator_socket<hyp_cpu> socket;
    SC_HAS_PROCESS(hyp_cpu);
    hyp_cpu(sc_core::sc_module_name name, uint32_t index, hyp_platform *hp);
    uint64_t guest_busy_ps = 0;
    void gic_step(uint64_t t_ps, uint32_t what) override;
    /* the ITS lock (its->lock) was released at t_ps: try again */
    void lock_released(uint64_t t_ps) { h_->gic().schedule_step(this, t_ps, kResume); }
    /* another CPU changed what this CPU's halt poll checks (an injection for
     * the polling vCPU, a vCPU queued here) at t_ps: the poll looks again */
    void poke(uint64_t t_ps)
    {
        if (polling_) h_->gic().schedule_step(this, t_ps, kPoke);
    }

private:
    enum exit_why { EXIT_IRQ, EXIT_WFI, EXIT_SLICE, EXIT_TRAP };
    /* agenda steps (what): start after the bring-up, resume at the local
     * time, the timer of a wait (ends a wait until its time) */
    static constexpr uint32_t kStart = 1, kResume = 2, kTimer = 3, kPoke = 4;
    enum wait_kind { W_NONE, W_LINES, W_LOCK };

    void boot_thread();
    void hyp_boot();
    void cpu_setup();
    /* time: the CPU's local time t_ (ps) */
    /* May the CPU make an access (or look at its lines) at its local time t_
     * now? Yes in the bring-up thread (the wrapper synchronises it), and in a
     * step when nothing else can come before t_ (the step goes on as the step
     * at t_); otherwise a step at t_ is scheduled and the caller suspends.
     * Inline, the continuation test included (about one per GIC access). */
    bool at_now()
    {
        if (thread_mode_ || t_ <= step_t_) return true;
        if (h_->gic().schedule_step_or_continue(this, t_, kResume)) return false;
        step_t_ = t_;
        return true;
    }
    void thread_sync();
    bool line(uint32_t l) const;
    uint64_t now_ps() const { return t_; }
    void ns(double v) { t_ += to_ps(sc_core::sc_time(v, sc_core::SC_NS)); }
    void add_ps(uint64_t ps) { t_ += ps; }
    void charge(int kind, uint64_t t0) { h_->cost_ps[kind] += t_ - t0; }
    void wait_lines(uint32_t mask, uint64_t until_ps);
    void resume(uint64_t t);
    /* accesses at t_ (after at_now()) */
    bool transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len);
    uint64_t mmio_read(uint64_t addr, unsigned size);
    void mmio_write(uint64_t addr, unsigned size, uint64_t val);
    void mem_write(uint64_t addr, const void *buf, unsigned len);
    /* hyp.log_accesses (tests): CPU 0's accesses and world-switch steps */
    void log_step(const std::string &s)
    {
        if (__builtin_expect(hp_.log_accesses != 0, 0) && idx_ == 0 && !thread_mode_ &&
            h_->access_log.size() < hp_.log_accesses)
            h_->access_log.push_back(s);
    }
    void log_mmio(bool write, uint64_t addr);
    uint64_t sr(gic_sysreg_t r);
    void sw(gic_sysreg_t r, uint64_t v);
    /* one system register access at t_ (both modes: in the bring-up thread
     * or as an agenda step), counting a failed one */
    template <bool is_write> void sysreg_access(gic_sysreg_t r, uint64_t &v);
    template <bool is_write> void sysreg_access_thread(gic_sysreg_t r, uint64_t &v);

    /* resumable functions: true when done, false when suspended (called
     * again with the same arguments to go on) */
    bool main_loop();
    bool its_submit(uint32_t its, const std::vector<std::array<uint64_t, 4>> *cmds, bool release_lock,
                    uint64_t poll_ps);
    void its_unlock();
    bool run_vcpu();
    bool load(hyp_vcpu &v);
    bool put(hyp_vcpu &v, bool blocking);
    bool vgic_load(hyp_vcpu &v, bool with_vpe);
    bool timer_load();
    bool save_lrs(hyp_vcpu &v);
    bool vgic_put(hyp_vcpu &v, bool blocking, bool with_vpe);
    bool enter(hyp_vcpu &v);
    bool sgi_listed(const hyp_vcpu &v) const;
    bool exit(hyp_vcpu &v, exit_why why);
    bool flush(hyp_vcpu &v);
    bool vmovp(hyp_vcpu &v);
    bool guest_irq(hyp_vcpu &v);
    bool guest_ipi(hyp_vcpu &v);
    bool poll_dirty(uint64_t vpendbaser);
    bool db_mask(hyp_vcpu &v, bool masked);
    bool direct_lpi(uint32_t rd, uint64_t off, uint32_t intid);
    bool lr_busy(const hyp_vcpu &v) const;
    bool wfi_pending(const hyp_vcpu &v) const;
    bool halt_poll(hyp_vcpu &v);
    void halt_adapt(hyp_vcpu &v, uint64_t halt_ps);
    bool requeue(hyp_vcpu &v);
    bool host_irqs();
    bool dispatch(uint32_t intid);
    bool inject(hyp_vcpu *v, uint32_t vintid);
    bool wake(hyp_vcpu *v);
    bool send_sgi(uint32_t cpu, uint32_t intid);
    bool do_resamples();

    uint32_t idx_;
    hyp_platform *h_;
    const hyp_params &hp_;
    rng rng_; /* the guest's choices (IPIs), seeded per CPU */
    tlm::tlm_generic_payload gp_;
    bool thread_mode_ = true; /* bring-up: accesses from the SC_THREAD */
    uint64_t t_ = 0;          /* local time, ps */
    uint64_t step_t_ = 0;     /* time of the agenda step being run */
    wait_kind waiting_ = W_NONE;
    uint32_t wait_mask_ = 0;  /* lines whose rise ends the wait (1u << GIC_LINE_*) */
    uint64_t wait_until_ = 0; /* end of the current wait (UINT64_MAX: none) */
    /* Timers. Each wait with an end asks for a timer step at that end; one
     * asked for at the same end as the one before reuses it (timer_ps_,
     * timer_seq_: the end and the agenda place, take_step_seq, of the latest
     * one asked for). A timer step that a later wait does not need would stay
     * on the agenda until its time (a slice's end, a halt poll's: hundreds of
     * them with the default workload, every agenda operation paying for
     * them), so the agenda holds only the timer steps that can still end a
     * wait: armed_, their times, the latest first. A wait whose end is at or
     * after the earliest of them schedules nothing; when that one runs, the
     * wait's own step is scheduled in the place it was given when asked for.
     * So every wait ends at the same time and in the same order among the
     * steps of that time as with one step per timer. */
    uint64_t timer_ps_ = UINT64_MAX; /* end of the latest timer asked for, not run yet */
    uint64_t timer_seq_ = 0;
    uint64_t wait_seq_ = 0;          /* the current wait's timer place */
    std::vector<uint64_t> armed_;
    /* The first place given to each of the last few ends asked for: a wait
     * that asks again for an end asked for before (a guest back in its slice
     * after a halt poll asked for another), not reached yet, ends in the
     * place of the first ask, as the first one's step would have run first. */
    struct timer_ask {
        uint64_t t_ps = UINT64_MAX, seq = 0;
    };
    std::array<timer_ask, 4> asks_{};
    unsigned ask_next_ = 0;
    void timer_for_wait(uint64_t until_ps);
    void arm_timer(uint64_t t_ps, uint64_t seq);
    /* costs in ps (the parameters converted once) */
    uint64_t slice_ps_, host_irq_half_ps_, lr_ps_, exit_ps_, entry_ps_, save_ps_, switch_restore_ps_;
    uint64_t inject_ps_, wake_ps_, kick_ps_, doorbell_ps_, vits_hit_ps_, vits_miss_ps_, its_cmd_ps_;
    uint64_t g_entry_ps_, g_handler_ps_, g_exit_ps_, dirty_poll_ps_, its_poll_ps_;
    bool pinned_ = true; /* hyp.sched = pinned */
    /* hyp.wfi_trap (kvm-arm.wfi_trap_policy) */
    enum { TWI_SINGLE_TASK, TWI_TRAP, TWI_NOTRAP };
    int twi_policy_ = TWI_SINGLE_TASK;

    /* frames of the resumable functions: program counter and the locals
     * that live across a suspension */
    int pc_main_ = 0, pc_vcpu_ = 0, pc_host_ = 0, pc_disp_ = 0, pc_inj_ = 0, pc_wake_ = 0, pc_sgi_ = 0, pc_timer_ = 0;
    int pc_load_ = 0, pc_vload_ = 0, pc_vput_ = 0, pc_save_ = 0, pc_vmovp_ = 0, pc_submit_ = 0, pc_dirty_ = 0, pc_put_ = 0, pc_enter_ = 0;
    int pc_flush_ = 0, pc_exit_ = 0, pc_girq_ = 0, pc_gipi_ = 0, pc_req_ = 0, pc_resamp_ = 0, pc_dbm_ = 0, pc_dlpi_ = 0;
    hyp_vcpu *cur_ = nullptr;
    uint64_t slice_end_ = 0;
    bool wakeup_ = false;
    uint64_t hi_t0_ = 0;
    uint32_t hi_intid_ = 0;
    uint32_t di_intid_ = 0;
    uint64_t di_t0_ = 0;
    hyp_vcpu *di_v_ = nullptr;
    uint32_t di_vintid_ = 0;
    bool di_lpi_ = false;
    hyp_vcpu *in_v_ = nullptr;
    uint32_t in_vintid_ = 0, in_cpu_ = 0;
    uint64_t in_t1_ = 0;
    hyp_vcpu *wk_v_ = nullptr;
    uint64_t wk_t0_ = 0;
    uint32_t wk_home_ = 0;
    uint64_t sg_val_ = 0;
    uint64_t ld_t0_ = 0, ld_lat_ = 0;
    uint32_t ld_napr_ = 0, ld_i_ = 0;
    bool vl_vpe_ = false, pu_vpe_ = false;
    uint64_t vl_t0_ = 0, vl_vmovp_ps_ = 0, wf_t0_ = 0, en_seq_ = 0;
    uint64_t vm_t0_ = 0;
    uint32_t vm_i_ = 0, vm_n_ = 0, vm_itslist_ = 0, vm_seq_ = 0;
    std::vector<std::array<uint64_t, 4>> vm_cmds_;
    uint32_t su_its_ = 0;
    const std::vector<std::array<uint64_t, 4>> *su_cmds_ = nullptr;
    size_t su_i_ = 0;
    uint64_t su_deadline_ = 0, su_poll_ps_ = 0;
    bool su_release_ = false;
    int pd_i_ = 0;
    uint64_t pd_addr_ = 0;
    uint64_t pd_last_ = 0;
    uint64_t pu_t0_ = 0, pu_r_ = 0;
    uint32_t pu_napr_ = 0, pu_i_ = 0;
    bool pu_blocking_ = false;
    uint64_t en_t0_ = 0;
    bool en_uie_ = false;
    size_t fl_i_ = 0;
    exit_why ex_why_ = EXIT_IRQ;
    uint64_t ex_t0_ = 0, ex_t1_ = 0;
    size_t ex_i_ = 0;
    uint64_t ex_val_ = 0;
    uint32_t ex_elrsr_ = 0;
    uint64_t gi_t0_ = 0;
    uint32_t gi_vintid_ = 0;
    hyp_vcpu *ip_t_ = nullptr;
    uint64_t ip_send_ = 0, ip_t0_ = 0;
    bool ip_resident_ = false;
    uint64_t rq_t0_ = 0;
    int pc_poll_ = 0;
    bool polling_ = false;
    uint64_t hp_start_ = 0, hp_seg_ = 0, hp_stop_ = 0, hp_len_ = 0;
    void halt_poll_done(bool success);
    uint32_t dm_rd_ = 0, dm_intid_ = 0;
    uint32_t dl_rd_ = 0, dl_intid_ = 0;
    uint64_t dl_off_ = 0;
    size_t rs_i_ = 0;
};

} // namespace gictlm
#endif
