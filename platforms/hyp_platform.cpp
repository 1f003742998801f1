/* The virtualization platform: construction and routing (hyp_platform.h). */
#include "hyp_platform.h"

#include "hyp_cpu.h"
#include "platform.h"

#include <stdexcept>

using namespace sc_core;

namespace gictlm {

static sc_time ns(double v) { return sc_time(v, SC_NS); }

const char *hyp_cost_name(int k)
{
    static const char *const n[HC_COUNT] = {"exit_irq", "exit_other", "entry", "list_registers", "host_irq",
                                            "vits",     "inject",     "kick",  "wake",           "doorbell",
                                            "load",     "put",        "vmovp", "guest_ipi",      "halt_poll"};
    return k >= 0 && k < HC_COUNT ? n[k] : "?";
}

bool hyp_cost_is_interrupt_work(int k)
{
    /* exits and entries that interrupts cause, the host's handling of them
     * and what it does for the guest; not the scheduler's own switches,
     * nor halt polling (a vCPU waiting for an interrupt, not handling one) */
    return k == HC_EXIT_IRQ || k == HC_ENTRY || k == HC_LR || k == HC_HOST_IRQ || k == HC_VITS ||
           k == HC_INJECT || k == HC_KICK || k == HC_WAKE || k == HC_DOORBELL || k == HC_VMOVP || k == HC_IPI;
}

hyp_platform::hyp_platform(sc_module_name name, const gic_config_t &gcfg, const platform_params &pp,
                           const hyp_params &hp, gic_log_level_t gic_log,
                           const std::map<std::string, gic_log_level_t> &component_log)
    : sc_module(name), sched((uint32_t)gcfg.num_cpus, hp.sched, hp.migrate_rate, pp.seed),
      gcfg_(gcfg), pp_(pp), hp_(hp), mode_(hyp_mode_find(hp.mode)),
      spi_("spi", gcfg.num_spis),
      dead_("dead", gcfg.num_cpus)
{
    std::string err;
    if (!mode_) throw std::runtime_error("hyp.mode '" + hp.mode + "' is unknown");
    if (!hyp_params_check(gcfg, pp.devices, pp.vectors, hp, err)) throw std::runtime_error(err);
    tlm_utils::tlm_quantumkeeper::set_global_quantum(ns(pp.quantum_ns));
    gic_tlm_options o;
    o.mmio_latency = ns(pp.mmio_latency_ns);
    o.msi_latency = ns(pp.msi_latency_ns);
    o.sync_on_access = true;
    o.run_ahead = pp.run_ahead != 0;
    /* the hypervisor's CPUs are agenda steps that get their IRQ and vIRQ
     * lines as line listeners (hyp_cpu): no pins written, nothing reacts to them */
    o.lines_passive = true;
    o.drive_pins = false;
    o.run_ahead_limit = pp.run_ahead_limit_us > 0 ? sc_time(pp.run_ahead_limit_us, SC_US) : ns(pp.quantum_ns);
    o.log_level = gic_log;
    o.component_log_level = component_log;
    platform_make_gic(gcfg, pp, o, gic_, mem_, bus_);
    const gic_config_t &c = gic_->config();
    gcfg_ = c;
    /* IRQ/vIRQ: left unbound (no pins: the CPUs are line listeners, see hyp_cpu) */
    for (uint32_t i = 0; i < c.num_spis; i++) gic_->spi_in[i].bind(spi_[i]);

    platform_boot_map(boot, c, pp);
    boot.eoi_mode = pp.eoi_mode != 0; /* the host's ICC_CTLR_EL1.EOImode (hyp_cpu::host_irqs) */

    /* VMs and vCPUs */
    const uint32_t nv = (uint32_t)(hp.vms * hp.vcpus);
    vcpus.resize(nv);
    for (uint32_t i = 0; i < nv; i++) {
        hyp_vcpu &v = vcpus[i];
        v.id = v.vpeid = i;
        v.vm = (uint32_t)(i / hp.vcpus);
        v.idx = (uint32_t)(i % hp.vcpus);
        v.lr.assign(c.virt_list_regs, 0);
        sched.place(v);
        v.mapped_cpu = v.home;
    }
    if (hp.hold_vcpu < nv) sched.hold((uint32_t)hp.hold_vcpu, to_ps(ns(hp.hold_until_us * 1000)));
    for (uint64_t m = 0; m < hp.vms; m++)
        vits.push_back(std::make_unique<hyp_vits>((uint32_t)(hp.vits_cache_per_vcpu * hp.vcpus)));
    tracker.set_vcpus(nv);
    ipis.set_vcpus(nv);
    ipis.by_count = mode_->v41;
    vbits = c.lpi_id_bits;
    db_base = (uint32_t)(8192 + pp.devices * pp.vectors);
    vprop.assign(hp.vms, 0);
    loaded.assign(c.num_cpus, -1);
    idle.assign(c.num_cpus, 0);
    in_guest.assign(c.num_cpus, 0);
    resched.assign(c.num_cpus, 0);
    resample.assign(c.num_cpus, {});

    /* devices: physical LPIs mapped by the host's bring-up; assigned to VM d mod vms */
    for (uint64_t d = 0; d < pp.devices; d++) {
        uint32_t its = 0;
        msi_device_params mp = platform_device_params(c, pp, d, pp.run_ahead ? gic_.get() : nullptr, its);
        devices_.push_back(std::make_unique<msi_device>(("dev" + std::to_string(d)).c_str(), mp, nullptr, &start));
        devices_.back()->socket.bind(bus_->target);
        bus_->add_target(devices_.back()->regs, pp.dev_base + d * 0x1000, 0x1000, "DEV" + std::to_string(d));
        boot_device bd;
        bd.its = its;
        bd.devid = mp.devid;
        bd.vectors = mp.vectors;
        bd.first_intid = (uint32_t)(8192 + d * pp.vectors);
        for (uint32_t e = 0; e < mp.vectors; e++) {
            /* host IRQ affinity (sw mode): spread over the CPUs like
             * irqbalance, which does not know where the target vCPU runs */
            bd.cpu_of.push_back((uint32_t)((d * pp.vectors + e + d + 1) % c.num_cpus));
            uint32_t gv, vintid;
            route((uint32_t)d, e, gv, vintid);
            tracker.route(mp.devid, e, vcpus[gv].vm, vintid, gv);
        }
        boot.devices.push_back(bd);
    }
    /* level-triggered lines: line k is SPI 32 + k of VM k mod vms, vINTID 32 + k / vms */
    for (uint64_t k = 0; k < hp.level_devices; k++) {
        level_src l;
        l.vm = (uint32_t)(k % hp.vms);
        l.vintid = (uint32_t)(32 + k / hp.vms);
        l.gvcpu = (uint32_t)(l.vm * hp.vcpus + (k / hp.vms) % hp.vcpus);
        l.spi = (uint32_t)(32 + k);
        levels.push_back(l);
        const sc_time period = sc_time(hp.level_period_us, SC_US);
        level_lines_.push_back(std::make_unique<hyp_level_line>(
            ("level" + std::to_string(k)).c_str(), period * ((double)(k + 1) / (double)(hp.level_devices + 1)), period,
            sc_time(hp.level_high_us, SC_US), ns(pp.sim_time_us * 1000), &start));
        level_lines_.back()->out.bind(spi_[k]);
    }
    /* CPUs: the host's Linux bring-up (cpu_model, whose own interrupt
     * handling never starts: its IRQ input stays low), then the hypervisor */
    for (uint32_t i = 0; i < c.num_cpus; i++) {
        cpu_params cp;
        cp.index = i;
        cp.agenda = false;
        boot_cpus_.push_back(std::make_unique<cpu_model>(("boot" + std::to_string(i)).c_str(), cp, gic_.get(), &boot,
                                                        nullptr));
        boot_cpus_.back()->socket.bind(bus_->target);
        boot_cpus_.back()->irq.bind(dead_[i]);
        cpus_.push_back(std::make_unique<hyp_cpu>(("cpu" + std::to_string(i)).c_str(), i, this));
        cpus_.back()->socket.bind(bus_->target);
    }
    const bool direct = mode_->direct;
    gic_->add_output_observer(
        [this, direct](const gic_output_t &out) {
            if (out.kind == GIC_OUT_MSI) {
                uint32_t vm, vintid, gv;
                /* GICv4: as the GIC delivered it; sw: the target vCPU loaded */
                bool res = tracker.routed(out.devid, out.eventid, vm, vintid, gv) &&
                           (direct ? (out.value & GIC_MSI_VALUE_RESIDENT) != 0 : vcpus[gv].loaded_on >= 0);
                tracker.on_outcome(out, direct, res);
            } else if (out.kind == GIC_OUT_VDEACTIVATE && out.cpu < loaded.size() && loaded[out.cpu] >= 0) {
                const level_src *l = level_of(vcpus[(size_t)loaded[out.cpu]].vm, out.intid);
                if (l) resample[out.cpu].push_back(l->spi);
            }
            else if (out.kind == GIC_OUT_TRAP)
                cnt.traps_seen++;
        },
        (1u << GIC_OUT_MSI) | (1u << GIC_OUT_VDEACTIVATE) | (1u << GIC_OUT_TRAP));
    gic_->add_input_observer([this](const gic_tlm_input &in) { tracker.on_send(in.devid, in.eventid, in.t); },
                             1u << gic_tlm_input::MSI);
    horizon_.notify(total_time());
}

hyp_platform::~hyp_platform() = default;

void hyp_platform::on_ready()
{
    ready_done = true;
    ready_ps = to_ps(sc_time_stamp());
    ready.notify(SC_ZERO_TIME);
    const sc_time s(hp_.start_us, SC_US);
    const sc_time now = sc_time_stamp();
    start_ps = to_ps(now < s ? s : now);
    start.notify(now < s ? s - now : SC_ZERO_TIME);
}

sc_time hyp_platform::total_time() const { return ns((pp_.sim_time_us + pp_.drain_time_us) * 1000); }

const hyp_platform::level_src *hyp_platform::level_of(uint32_t vm, uint32_t vintid) const
{
    if (vintid >= 8192) return nullptr;
    for (const level_src &l : levels)
        if (l.vm == vm && l.vintid == vintid) return &l;
    return nullptr;
}

uint64_t hyp_platform::rdbase(uint32_t cpu) const
{
    const bool pta = !boot.its.empty() && boot.its[0].pta;
    return pta ? gicr(cpu) >> 16 : cpu;
}

bool hyp_platform::device_of_lpi(uint32_t intid, uint32_t &dev, uint32_t &vec) const
{
    if (intid < 8192 || !pp_.vectors) return false;
    const uint64_t i = intid - 8192;
    if (i >= pp_.devices * pp_.vectors) return false;
    dev = (uint32_t)(i / pp_.vectors);
    vec = (uint32_t)(i % pp_.vectors);
    return true;
}

/* Vector vec of device dev: VM dev mod vms; the VM's j-th device's vector e
 * is vINTID 8192 + j * vectors + e, for vCPU (j * vectors + e) mod vcpus. */
void hyp_platform::route(uint32_t dev, uint32_t vec, uint32_t &gvcpu, uint32_t &vintid) const
{
    const uint64_t vm = dev % hp_.vms, j = dev / hp_.vms;
    const uint64_t n = j * pp_.vectors + vec;
    vintid = (uint32_t)(8192 + n);
    gvcpu = (uint32_t)(vm * hp_.vcpus + n % hp_.vcpus);
}

} // namespace gictlm
