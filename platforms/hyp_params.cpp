/* Hypervisor model parameters: table, parsing, JSON, checks, modes (hyp_params.h). */
#include "hyp_params.h"

#include "boot_layout.h"

#include "param_table.h"

#include <cerrno>
#include <cinttypes>
#include <cstddef>
#include <cstdio>
#include <cstdlib>
#include <cctype>
#include <sstream>

using nlohmann::json;

namespace gictlm {

const std::vector<hyp_mode_info> &hyp_modes()
{
    static const std::vector<hyp_mode_info> m = {
        {"sw", "software injection: physical LPI -> host -> emulated vITS -> ap_list -> list register", false, false, 3},
        {"v4.0", "GICv4.0 direct injection: VMAPP/VMAPTI, doorbells while not resident, VMOVP on migration", true, false, 4},
        {"v4.1", "GICv4.1: as v4.0 with per-vPE default doorbells and guest IPIs as vSGIs (GITS_SGIR)", true, true, 4},
    };
    return m;
}

const hyp_mode_info *hyp_mode_find(const std::string &name)
{
    for (const hyp_mode_info &m : hyp_modes())
        if (name == m.name) return &m;
    return nullptr;
}

namespace {
#define HU(n, d) {#n, d, param_kind::u64, offsetof(hyp_params, n), nullptr}
#define HD(n, d) {#n, d, param_kind::dbl, offsetof(hyp_params, n), nullptr}
#define HF(n, d) {#n, d, param_kind::flag, offsetof(hyp_params, n), nullptr}
#define HS(n, c, d) {#n, d, param_kind::str, offsetof(hyp_params, n), c}
const param_desc kParams[] = {
    HS(mode, nullptr, "injection mode: sw (software, KVM's vgic path), v4.0 (GICv4.0 direct injection), v4.1 (GICv4.1: default doorbells, vSGIs)"),
    HU(vms, "number of VMs"),
    HU(vcpus, "vCPUs per VM"),
    HS(sched, "pinned,rr,random", "vCPU placement: pinned (vCPU i on CPU i mod N), rr (each slice's vCPU moves to the next CPU), random (moves to a random CPU with probability migrate_rate per slice)"),
    HD(slice_us, "scheduler time slice, us"),
    HD(migrate_rate, "random: probability of a migration at the end of a slice (0..1)"),
    HF(guest_wfi, "1: a vCPU with nothing to do executes WFI and blocks until an interrupt wakes it; 0: always runnable"),
    HS(wfi_trap, "single_task,trap,notrap", "guest WFI trapping, decided at each vCPU load as KVM's kvm_vcpu_should_clear_twi (kvm-arm.wfi_trap_policy): single_task (KVM's default: no trap while the vCPU is the only runnable one of its CPU and has vLPIs mapped, or its VM has vSGIs), trap (always), notrap (never)"),
    HD(guest_ipi_rate, "probability that the guest's handler sends an IPI (SGI 1) to the next vCPU of its VM (0..1)"),
    HD(start_us, "the devices and level lines start at this time, or when the hypervisor's set-up is done if that is later; the same in every mode so that --compare-modes compares the same MSIs while every boot is shorter, us"),
    HU(hold_vcpu, "a global vCPU index (vm * vcpus + i) that is not scheduled before hold_until_us (tests)"),
    HD(hold_until_us, "see hold_vcpu, us"),
    HD(exit_ns, "host cost: guest exit (trap to EL2, guest context save), ns"),
    HD(entry_ns, "host cost: guest entry (context restore, ERET), ns"),
    HD(save_ns, "host cost: vCPU put, virtual interface state save (ICH_VMCR, APRs), ns"),
    HD(restore_ns, "host cost: vCPU load, virtual interface state restore, ns"),
    HD(lr_ns, "host cost per list register read or written, ns"),
    HD(switch_ns, "host cost: scheduler switch to another vCPU thread, ns"),
    HD(host_irq_ns, "host cost: physical IRQ entry + exit, ns"),
    HD(vits_hit_ns, "sw: emulated vITS translation cache hit, ns"),
    HD(vits_miss_ns, "sw: emulated vITS table walk on a cache miss, ns"),
    HD(inject_ns, "sw: queueing a virtual interrupt on the vCPU's ap_list, ns"),
    HD(kick_ns, "host cost of an IPI it sends besides its ICC_SGI1R_EL1 write (a kick of a running vCPU, a reschedule IPI), ns"),
    HD(wake_ns, "waking a blocked vCPU, ns"),
    HD(doorbell_ns, "GICv4: doorbell handler, ns"),
    HD(its_cmd_ns, "GICv4: building one ITS command, ns"),
    HD(dirty_poll_ns, "GICv4: wait between two reads of GICR_VPENDBASER while Dirty is 1 (Linux: udelay(1) = 1000), ns"),
    HD(its_poll_ns, "GICv4: wait between two reads of GITS_CREADR while a VMOVP completes (its_wait_for_range_completion: udelay(1) = 1000), ns"),
    HU(vits_cache_per_vcpu, "sw: emulated vITS translation cache: 0 = unbounded (Linux 6.10 on), N = an LRU of N entries per vCPU of the VM (earlier kernels: 16)"),
    HU(halt_poll_ns, "halt polling: the largest poll window of a vCPU in WFI before its thread sleeps (KVM's halt_poll_ns; arm64 default 500000), ns; 0: no polling"),
    HU(halt_poll_ns_grow_start, "halt polling: the window a vCPU's first growth starts from (KVM's halt_poll_ns_grow_start), ns"),
    HU(halt_poll_ns_grow, "halt polling: factor by which the window grows after a halt longer than it but shorter than halt_poll_ns (KVM's halt_poll_ns_grow; 0: never grows)"),
    HU(halt_poll_ns_shrink, "halt polling: divisor of the window after a halt longer than halt_poll_ns (KVM's halt_poll_ns_shrink; 0: back to 0)"),
    HU(level_devices, "level-triggered device lines (SPI 32 + k), assigned to VM k mod vms"),
    HD(level_period_us, "level lines: one assertion per period, us"),
    HD(level_high_us, "level lines: time the line stays high, us"),
    HU(log_accesses, "tests: the report's access_log lists CPU 0's first N GIC accesses and world-switch steps after the bring-up (0: none)"),
};

const param_desc *find(const std::string &n) { return param_find(std::begin(kParams), std::end(kParams), n); }
} // namespace

const std::vector<hyp_param_info> &hyp_param_list()
{
    static const std::vector<hyp_param_info> v = [] {
        std::vector<hyp_param_info> r;
        for (const param_desc &d : kParams) r.push_back({d.name, d.doc});
        return r;
    }();
    return v;
}

bool hyp_param_set(hyp_params &p, const std::string &name, const std::string &value, std::string &err)
{
    const param_desc *d = find(name);
    if (!d) {
        err = "unknown hypervisor parameter 'hyp." + name + "'";
        return false;
    }
    if (name == "mode") { /* the modes' own table lists the allowed values */
        if (!hyp_mode_find(value)) {
            std::string all;
            for (const hyp_mode_info &m : hyp_modes()) all += std::string(all.empty() ? "" : ",") + m.name;
            err = "hyp.mode: '" + value + "' is not one of " + all;
            return false;
        }
        p.mode = value;
        return true;
    }
    return param_set_value(*d, p, "hyp." + name, value, 1e12, err);
}

std::string hyp_param_get(const hyp_params &p, const std::string &name)
{
    const param_desc *d = find(name);
    return d ? param_get_value(*d, p) : "";
}

json hyp_params_json(const hyp_params &p)
{
    json j = json::object();
    j["version"] = kHypConfigVersion;
    param_table_json(std::begin(kParams), std::end(kParams), p, j);
    return j;
}

const char *hyp_default_config()
{
    /* gic: platforms/configs/gic700.json (GICv4.0) on 4 CPUs, the ITS at
     * 0x8040000 (room for a GICv4.1 ITS's 256 KiB); platform: 4
     * devices x 8 vectors, Poisson, 10 us mean interval each, 20 ms; the
     * host is Linux at EL2 (KVM), which splits EOI and deactivation
     * (supports_deactivate_key: EOImode 1) */
    return R"({
  "gic": {
    "num_cpus": 4, "gic_version": 4, "lpi.id_bits": 16, "lpi.scan_policy": "tracked",
    "lpi.cache.entries": 512, "lpi.cache.ways": 2, "lpi.cache.repl": "lru", "lpi.cache_per_redist": 0,
    "redist.max_reads": 5, "redist.max_writes": 1, "its.max_reads": 5, "its.max_writes": 1,
    "its.device_cache.entries": 32, "its.device_cache.ways": 2,
    "its.event_cache.entries": 256, "its.event_cache.ways": 2,
    "its.collection_cache.entries": 16, "its.collection_cache.ways": 2,
    "its.vpe_cache.entries": 32, "its.vpe_cache.ways": 2, "its.vmovp_single": 1,
    "virt.list_regs": 4, "virt.pri_bits": 5, "map.gits_base": 134479872
  },
  "platform": {
    "devices": 4, "vectors": 8, "arrival": "poisson", "msi_interval_ns": 10000,
    "sim_time_us": 20000, "drain_time_us": 2000, "eoi_mode": 1
  },
  "hyp": { "version": 1, "mode": "v4.0", "vms": 2, "vcpus": 4, "sched": "pinned" }
})";
}

bool hyp_params_check(const gic_config_t &g, uint64_t devices, uint64_t vectors, const hyp_params &h,
                      std::string &err)
{
    char buf[256];
    const hyp_mode_info *m = hyp_mode_find(h.mode);
    if (!m) {
        err = "hyp.mode '" + h.mode + "' is unknown";
        return false;
    }
    if ((int)g.gic_version < m->gic_version) {
        std::snprintf(buf, sizeof buf, "hyp.mode=%s needs gic.gic_version >= %d", m->name, m->gic_version);
        err = buf;
        return false;
    }
    if (h.vms == 0 || h.vcpus == 0 || h.vms > 64 || h.vcpus > 64) {
        err = "hyp.vms and hyp.vcpus must be 1..64";
        return false;
    }
    if (h.vms * h.vcpus > 4096) {
        err = "at most 4096 vCPUs";
        return false;
    }
    if (h.slice_us <= 0) {
        err = "hyp.slice_us must be > 0";
        return false;
    }
    if (h.guest_ipi_rate > 1) {
        err = "hyp.guest_ipi_rate is a probability (0..1)";
        return false;
    }
    if (h.migrate_rate > 1) {
        err = "hyp.migrate_rate is a probability (0..1)";
        return false;
    }
    if (!g.lpi_id_bits || g.num_its == 0) {
        err = "the hypervisor model needs LPIs and an ITS (gic.lpi.id_bits, gic.its.count)";
        return false;
    }
    const uint64_t nlpi = (1ull << g.lpi_id_bits) - 8192;
    /* physical LPIs of the devices, then one doorbell LPI per vPE */
    if (devices * vectors + h.vms * h.vcpus > nlpi) {
        std::snprintf(buf, sizeof buf, "devices x vectors + doorbells (%" PRIu64 ") exceed the %" PRIu64 " LPIs",
                      devices * vectors + h.vms * h.vcpus, nlpi);
        err = buf;
        return false;
    }
    if (h.level_devices > g.num_spis) {
        err = "hyp.level_devices exceeds gic.num_spis";
        return false;
    }
    if (h.level_devices && (h.level_period_us <= 0 || h.level_high_us >= h.level_period_us)) {
        err = "hyp.level_period_us must be > 0 and > hyp.level_high_us";
        return false;
    }
    if (!(h.dirty_poll_ns > 0)) {
        err = "hyp.dirty_poll_ns must be > 0 (a poll that does not wait never sees Dirty clear)";
        return false;
    }
    if (!(h.its_poll_ns > 0)) {
        err = "hyp.its_poll_ns must be > 0 (a poll that does not wait never sees GITS_CREADR move)";
        return false;
    }
    return true;
}

uint64_t hyp_ram_bytes(const gic_config_t &g, const platform_params &p, const hyp_params &h)
{
    const uint64_t boot = platform_boot_ram_bytes(g, p);
    const hyp_mode_info *m = hyp_mode_find(h.mode);
    if (!m || !m->direct || !g.lpi_id_bits) return boot; /* sw: the vITS lives in the host model */
    using boot_layout::align_up;
    using boot_layout::sat_add;
    /* the boot's bump allocator goes on (boot_state::alloc): vLPI
     * configuration tables first, then the VPTs (hyp_cpu::boot_thread) */
    uint64_t next = sat_add(p.ram_base, boot);
    auto alloc = [&](uint64_t size) { next = sat_add(align_up(next, kHypTableAlign), size); };
    for (uint64_t i = 0; i < h.vms; i++) alloc(hyp_vprop_bytes(g.lpi_id_bits));
    for (uint64_t i = 0; i < (uint64_t)h.vms * h.vcpus; i++) alloc(hyp_vpt_bytes(g.lpi_id_bits));
    return next == UINT64_MAX ? UINT64_MAX : next - p.ram_base;
}

bool hyp_ram_check(const gic_config_t &g, const platform_params &p, const hyp_params &h, std::string &err)
{
    const uint64_t need = hyp_ram_bytes(g, p, h);
    if (need <= p.ram_size) return true;
    char buf[512];
    std::snprintf(buf, sizeof buf,
                  "platform.ram_size = %" PRIu64 " bytes cannot hold the tables the host's boot and the hypervisor "
                  "(hyp.mode=%s) allocate: %" PRIu64 " bytes are needed (the boot's %" PRIu64 ", then %" PRIu64 " vLPI "
                  "configuration tables of %" PRIu64 " bytes and %" PRIu64 " VPTs of %" PRIu64 " bytes, 64 KiB aligned, for "
                  "gic.lpi.id_bits=%u); raise platform.ram_size to at least %" PRIu64 " or lower gic.lpi.id_bits",
                  p.ram_size, h.mode.c_str(), need, platform_boot_ram_bytes(g, p), h.vms,
                  hyp_vprop_bytes(g.lpi_id_bits), h.vms * h.vcpus, hyp_vpt_bytes(g.lpi_id_bits), g.lpi_id_bits, need);
    err = buf;
    return false;
}

} // namespace gictlm
