/*
 * The virtualization platform: the GIC wrapper, memory, router and MSI
 * devices of the virtual platform, CPUs booted as Linux boots the host
 * (cpu_model, bring-up only), and on top of them the hypervisor model: VMs
 * with vCPUs, the host scheduler (hyp_sched), one hyp_cpu per physical CPU
 * (world switches, host interrupt handling, the guest's handler), the
 * emulated vITS of each VM (hyp_vits) and level-triggered lines
 * (hyp_level_line). The injection mode (hyp.mode, hyp_modes()) selects the
 * software path or GICv4 direct injection. See docs/platform.md
 * "Hypervisor model".
 */
#ifndef GICTLM_HYP_PLATFORM_H
#define GICTLM_HYP_PLATFORM_H

#include "cpu.h"
#include "gic_tlm.h"
#include "hyp_level.h"
#include "hyp_params.h"
#include "hyp_sched.h"
#include "hyp_tracker.h"
#include "hyp_vcpu.h"
#include "hyp_vits.h"
#include "msi_device.h"
#include "platform_params.h"
#include "tlm_parts.h"

#include <nlohmann/json.hpp>
#include <systemc>

#include <array>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace gictlm {

class hyp_cpu;

/* Where host CPU time goes (ps, summed over the CPUs). */
enum hyp_cost : int {
    HC_EXIT_IRQ,   /* guest exits caused by a physical interrupt */
    HC_EXIT_OTHER, /* exits for WFI or the end of a slice */
    HC_ENTRY,      /* guest entries */
    HC_LR,         /* list register save/restore at exits and entries */
    HC_HOST_IRQ,   /* host interrupt entry/exit, IAR/EOIR */
    HC_VITS,       /* sw: emulated vITS translation */
    HC_INJECT,     /* sw: ap_list queueing */
    HC_KICK,       /* IPIs to running or idle CPUs */
    HC_WAKE,       /* waking blocked vCPUs */
    HC_DOORBELL,   /* GICv4 doorbell handler */
    HC_LOAD,       /* vCPU load: scheduler switch + state restore + GICR_VPENDBASER */
    HC_PUT,        /* vCPU put: state save + GICR_VPENDBASER */
    HC_VMOVP,      /* GICv4: VMOVP + VSYNC issued and waited for */
    HC_IPI,        /* guest IPIs: the trapped ICC_SGI1R_EL1 write's exit and its emulation (v4.1: GITS_SGIR) */
    HC_HALT_POLL,  /* halt polling: spinning in kvm_vcpu_halt (the interrupts taken meanwhile in their own categories) */
    HC_COUNT
};
const char *hyp_cost_name(int k);
/* Part of "host CPU time on interrupt work" (the hypervisor's interrupt overhead). */
bool hyp_cost_is_interrupt_work(int k);

struct hyp_counters {
    uint64_t exits_irq = 0, exits_wfi = 0, exits_slice = 0, entries = 0, loads = 0, puts = 0;
    uint64_t host_irqs = 0, host_spurious = 0, sgis = 0, maint_irqs = 0;
    uint64_t doorbells = 0, doorbells_runnable = 0, db_masks = 0, db_unmasks = 0; /* GICv4.0: doorbell masked/unmasked */
    uint64_t kicks = 0, wakes = 0, vmovp = 0, vsync = 0, its_cmd_errors = 0;
    uint64_t lr_writes = 0, lr_overflow = 0, merged = 0, guest_acks = 0, guest_spurious = 0;
    uint64_t level_injections = 0, level_resamples = 0, level_acks = 0, level_masked = 0;
    uint64_t pending_last = 0, blocks = 0, wfi_no_block = 0, entry_aborts = 0, unknown_lpis = 0, mmio_errors = 0, sysreg_errors = 0;
    uint64_t guest_ipis = 0, exits_trap = 0, traps_seen = 0;
    /* halt polling: halts that polled (nothing pending at the first check),
     * those that ended without a schedule, the poll times (ps, as KVM's
     * halt_poll_success_ns / halt_poll_fail_ns), doorbells taken while polling */
    uint64_t halt_polls = 0, halt_poll_successes = 0, halt_poll_success_ps = 0, halt_poll_fail_ps = 0;
    uint64_t doorbells_polling = 0;
    /* WFI trapping (kvm_vcpu_should_clear_twi): loads that cleared
     * HCR_EL2.TWI, WFIs executed natively (a trapped WFI is an exits_wfi) */
    uint64_t loads_twi_clear = 0, wfi_native = 0;
};

class hyp_platform : public sc_core::sc_module {
public:
    hyp_platform(sc_core::sc_module_name name, const gic_config_t &gcfg, const platform_params &pp,
                 const hyp_params &hp, gic_log_level_t gic_log = GIC_LOG_WARN,
                 const std::map<std::string, gic_log_level_t> &component_log = {});
    ~hyp_platform() override;

    gic_tlm &gic() { return *gic_; }
    const gic_config_t &gic_config() const { return gcfg_; }
    const platform_params &params() const { return pp_; }
    const hyp_params &hparams() const { return hp_; }
    const hyp_mode_info &mode() const { return *mode_; }
    sc_core::sc_time total_time() const;
    nlohmann::json report_json(double host_cpu_seconds) const;
    bool conservation_ok(std::string &why) const;
    /* "done": the host's boot and the hypervisor's set-up finished without
     * errors, and the devices started before the end of the MSI window
     * (platform.sim_time_us). Otherwise what went wrong, and why: "not_done"
     * (the host's boot or the set-up did not finish), "failed" (boot
     * errors), "late_start" (done after the MSI window); the run measured
     * nothing and gictlm-platform --hyp exits with status 3. The report's
     * boot.state. */
    const char *boot_outcome(std::string &why) const;
    /* guest IPIs: sent, delivered, coalesced, dropped, in flight (v4.1: the
     * GIC's vSGI counters give coalesced and dropped) */
    struct ipi_balance {
        uint64_t sent, delivered, coalesced, dropped, in_flight;
    };
    ipi_balance ipi_counts() const;

    /* ---- the hypervisor's shared state (used by hyp_cpu) ---- */
    std::vector<hyp_vcpu> vcpus;
    std::vector<std::unique_ptr<hyp_vits>> vits; /* per VM (sw mode) */
    hyp_sched sched;
    hyp_tracker tracker;
    /* guest IPIs (SGI 1): keyed (kIpiKey + global vCPU, SGI): SGIs are banked per vCPU */
    hyp_tracker ipis;
    static constexpr uint32_t kIpiKey = 0x10000;
    hyp_counters cnt;
    std::vector<std::string> access_log; /* hyp.log_accesses: CPU 0's accesses and steps, in order */
    std::array<uint64_t, HC_COUNT> cost_ps{};
    latency_samples vmovp_latency, load_latency, put_latency;
    boot_state boot;
    sc_core::sc_event ready;       /* the hypervisor's boot is done */
    bool ready_done = false;
    uint64_t ready_ps = 0;
    /* the devices and level lines start at the same time in every mode (the
     * boots differ: GICv4 maps vPEs and vLPIs) so that every mode sees the
     * same MSIs: hyp.start_us, or when the boot is done if that is later */
    sc_core::sc_event start;
    uint64_t start_ps = 0;
    void on_ready();
    /* the ITS lock (its->lock): one command writer at a time; -1: free;
     * waiting CPUs are resumed one by one at the release */
    int its_owner = -1;
    std::deque<hyp_cpu *> its_waiters;
    size_t cpus_set_up = 0;        /* CPUs done with their bring-up (hyp_cpu::boot_thread) */
    uint32_t vmovp_seq = 0;
    uint32_t vbits = 16;           /* vINTID bits of every VM */
    uint32_t db_base = 0;          /* doorbell LPI of vPE i: db_base + i */
    std::vector<uint64_t> vprop;   /* per VM: vLPI configuration table */
    std::vector<int> loaded;       /* per CPU: vCPU loaded, -1 none */
    std::vector<uint8_t> idle;     /* per CPU: waiting with nothing to run */
    std::vector<uint8_t> in_guest; /* per CPU: executing the guest (an IPI makes it exit) */
    std::vector<uint8_t> resched;  /* per CPU: a woken vCPU should preempt the running one */
    std::vector<std::vector<uint32_t>> resample; /* per CPU: level vINTIDs deactivated by the guest */
    struct level_src {
        uint32_t vm, vintid, gvcpu, spi;
    };
    std::vector<level_src> levels;
    const level_src *level_of(uint32_t vm, uint32_t vintid) const;
    /* The report's resident / non-resident split of a guest IPI for v
     * (vMSIs: the GIC's GIC_MSI_VALUE_RESIDENT): a GICv4.1 vSGI, whether v's
     * vPE was resident as the host made it; injected by the host (list
     * registers), whether v was loaded on a CPU. */
    static bool resident(const hyp_vcpu &v, bool direct) { return direct ? v.vpe_resident : v.loaded_on >= 0; }
    uint64_t rdbase(uint32_t cpu) const;
    uint64_t gicr(uint32_t cpu) const { return gcfg_.gicr_base + (uint64_t)cpu * gic_gicr_stride(&gcfg_); }
    uint64_t gits(uint32_t its) const { return gcfg_.gits_base + (uint64_t)its * gic_gits_stride(&gcfg_); }
    /* device LPI -> (device index, vector) */
    bool device_of_lpi(uint32_t intid, uint32_t &dev, uint32_t &vec) const;
    uint32_t vm_of_device(uint32_t dev) const { return (uint32_t)(dev % hp_.vms); }
    void route(uint32_t dev, uint32_t vec, uint32_t &gvcpu, uint32_t &vintid) const;

private:
    friend class hyp_cpu;
    gic_config_t gcfg_;
    platform_params pp_;
    hyp_params hp_;
    const hyp_mode_info *mode_;
    std::unique_ptr<gic_tlm> gic_;
    std::unique_ptr<sparse_memory> mem_;
    std::unique_ptr<router> bus_;
    std::vector<std::unique_ptr<msi_device>> devices_;
    std::vector<std::unique_ptr<cpu_model>> boot_cpus_;
    std::vector<std::unique_ptr<hyp_cpu>> cpus_;
    std::vector<std::unique_ptr<hyp_level_line>> level_lines_;
    sc_core::sc_vector<sc_core::sc_signal<bool>> spi_, dead_;
    sc_core::sc_event horizon_;
};

} // namespace gictlm
#endif
