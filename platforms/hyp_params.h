/*
 * Parameters of the hypervisor model ("hyp.<name>", docs/platform.md
 * "Hypervisor model"): injection mode, VMs and vCPUs, the scheduler, the
 * host's costs, level-triggered sources. Parsing, JSON, validation, and the
 * table of injection modes. No SystemC here.
 */
#ifndef GICTLM_HYP_PARAMS_H
#define GICTLM_HYP_PARAMS_H

#include "gictlm.h"
#include "platform_params.h"

#include <nlohmann/json.hpp>

#include <cstdint>
#include <string>
#include <vector>

namespace gictlm {

/* Version of the "hyp" configuration section and of the hypervisor report. */
constexpr int kHypConfigVersion = 1;
constexpr int kHypReportVersion = 1;

struct hyp_params {
    std::string mode = "v4.0";       /* an entry of hyp_modes() */
    uint64_t vms = 2;
    uint64_t vcpus = 4;              /* per VM */
    std::string sched = "pinned";    /* pinned, rr, random */
    double slice_us = 1000;          /* scheduler time slice */
    double migrate_rate = 0.2;       /* random: probability that a vCPU moves at the end of a slice */
    uint64_t guest_wfi = 1;          /* 1: an idle vCPU executes WFI and blocks (KVM: kvm_vcpu_block) */
    /* HCR_EL2.TWI as KVM sets it at each vcpu load (kvm_vcpu_should_clear_twi,
     * module parameter kvm-arm.wfi_trap_policy): single_task (KVM's default:
     * WFI does not trap when the vCPU thread is its CPU's only runnable task
     * and the vCPU has vLPIs mapped or its VM uses vSGIs), trap, notrap */
    std::string wfi_trap = "single_task";
    double guest_ipi_rate = 0.2;     /* probability that the guest's handler sends an IPI to the next vCPU */
    uint64_t hold_vcpu = 0xffffffff; /* global vCPU index kept off every CPU until hold_until_us (tests) */
    double hold_until_us = 0;
    /* host costs, ns (docs/platform.md: where each default comes from) */
    double exit_ns = 700;            /* guest -> host trap: exception, GP/system register save */
    double entry_ns = 700;           /* host -> guest return */
    double save_ns = 250;            /* vCPU put: virtual interface state (ICH_VMCR, APRs) and timers */
    double restore_ns = 250;         /* vCPU load: the same back */
    double lr_ns = 15;               /* per list register read or written */
    double switch_ns = 1500;         /* host scheduler: switching to another vCPU thread */
    double host_irq_ns = 300;        /* host IRQ entry + exit (gic_handle_irq, genirq) */
    double vits_hit_ns = 150;        /* emulated vITS: translation cache hit */
    double vits_miss_ns = 1500;      /* emulated vITS: table walk in guest memory */
    double inject_ns = 200;          /* queue on the vCPU's ap_list (locks, sort) */
    double kick_ns = 200;            /* an IPI the host sends: kick of a running vCPU, reschedule IPI */
    double wake_ns = 800;            /* waking a blocked vCPU thread */
    double doorbell_ns = 300;        /* GICv4 doorbell handler (kvm_arch_vcpu wakeup path) */
    double its_cmd_ns = 100;         /* building one ITS command in the queue */
    double dirty_poll_ns = 1000;     /* GICv4.1: wait between two GICR_VPENDBASER.Dirty polls (Linux: udelay(1)) */
    double its_poll_ns = 1000;       /* GICv4: wait between two GITS_CREADR reads after a VMOVP (Linux: udelay(1)) */
    double start_us = 300;           /* the devices start (or at the end of the set-up if later) */
    uint64_t vits_cache_per_vcpu = 0;  /* translation cache: 0 unbounded (Linux 6.10 on), else LRU entries per vCPU */
    /* halt polling (virt/kvm/kvm_main.c kvm_vcpu_halt): the most a vCPU's
     * poll window may reach (KVM's halt_poll_ns, arm64
     * KVM_HALT_POLL_NS_DEFAULT; 0: no polling), and how the window adapts
     * (KVM's module parameters halt_poll_ns_grow_start, _grow, _shrink) */
    uint64_t halt_poll_ns = 500000;
    uint64_t halt_poll_ns_grow_start = 10000;
    uint64_t halt_poll_ns_grow = 2;
    uint64_t halt_poll_ns_shrink = 2;
    /* level-triggered device lines assigned to the VMs (SPI 32 + k) */
    uint64_t level_devices = 0;
    double level_period_us = 200;    /* the line rises every period ... */
    double level_high_us = 3;        /* ... and stays high this long */
    /* tests: the report lists CPU 0's first log_accesses GIC accesses and
     * world-switch steps after the bring-up (access_log); 0: none */
    uint64_t log_accesses = 0;
};

struct hyp_mode_info {
    const char *name;
    const char *what;
    bool direct;        /* vLPIs through the GIC (GICv4) instead of the software path */
    bool v41;           /* GICv4.1: default doorbells, vSGIs through GITS_SGIR (gic.gicv4_1 = 1) */
    int gic_version;    /* GIC version the mode needs */
};
/* The injection modes this build implements (a new mode is one more entry). */
const std::vector<hyp_mode_info> &hyp_modes();
const hyp_mode_info *hyp_mode_find(const std::string &name);

struct hyp_param_info {
    const char *name;
    const char *doc;
};
const std::vector<hyp_param_info> &hyp_param_list();
bool hyp_param_set(hyp_params &p, const std::string &name, const std::string &value, std::string &err);
std::string hyp_param_get(const hyp_params &p, const std::string &name);
nlohmann::json hyp_params_json(const hyp_params &p);
/* The configuration every hypervisor run starts from (JSON text with gic,
 * platform and hyp sections: 2 VMs x 4 vCPUs on 4 CPUs, 4 assigned devices). */
const char *hyp_default_config();
/* Checks the combination; false with err on an impossible run. */
/* GICv4 modes: the tables the hypervisor allocates in the platform's RAM after
 * the host's boot (hyp_cpu::boot_thread, as irq-gic-v4.c / vgic-v4.c do): per
 * VM a vLPI configuration table, per vPE a VPT, for vINTIDs of vbits bits
 * (gic.lpi.id_bits), each at a 64 KiB boundary. One rule for the allocation
 * and for the RAM check. */
constexpr uint64_t kHypTableAlign = 0x10000;
inline uint64_t hyp_vprop_bytes(uint32_t vbits) { return 1ull << vbits; }
inline uint64_t hyp_vpt_bytes(uint32_t vbits) { return (1ull << vbits) / 8; }
/* RAM (bytes from platform.ram_base) that the host's boot and the
 * hypervisor's set-up of mode h.mode allocate, saturating at UINT64_MAX. */
uint64_t hyp_ram_bytes(const gic_config_t &g, const platform_params &p, const hyp_params &h);
/* platform.ram_size holds them; otherwise false and err. */
bool hyp_ram_check(const gic_config_t &g, const platform_params &p, const hyp_params &h, std::string &err);

bool hyp_params_check(const gic_config_t &g, uint64_t devices, uint64_t vectors, const hyp_params &h,
                      std::string &err);

} // namespace gictlm
#endif
