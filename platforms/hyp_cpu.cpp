/* A physical CPU under the hypervisor model (hyp_cpu.h). */
#include "hyp_cpu.h"

#include "gictlm_driver.h"

#include <cstring>
#include <string>

using namespace sc_core;

namespace gictlm {

namespace {
/* GICR VLPI frame (IHI0069 9.11: GICR_VPROPBASER, GICR_VPENDBASER) */
constexpr uint64_t kVlpiFrame = 0x20000, kVpropbaser = kVlpiFrame + 0x70, kVpendbaser = kVlpiFrame + 0x78;
constexpr uint64_t kVpendValid = 1ull << 63, kVpendIdai = 1ull << 62, kVpendPendingLast = 1ull << 61;
/* GICv4.1 GICR_VPENDBASER: DB [62], Dirty [60], VGrp1En [58], vPEID [15:0] */
constexpr uint64_t kVpendDb = 1ull << 62, kVpendDirty = 1ull << 60, kVpendVgrp1En = 1ull << 58;
constexpr uint64_t kGitsBaser2 = 0x110;
constexpr uint32_t kGuestIpi = 1; /* the guest's IPI: SGI 1 */
constexpr uint64_t kGicrIsenabler0 = 0x10000 + 0x100;
constexpr uint64_t kGicdIsenabler = 0x100, kGicdIcenabler = 0x180;
constexpr uint64_t kGitsCwriter = 0x88, kGitsCreadr = 0x90;
/* ICH_LR<n>_EL2: vINTID [31:0], EOI [41], Priority [55:48], Group [60], HW [61], State [63:62] */
constexpr uint64_t kLrEoi = 1ull << 41, kLrGroup1 = 1ull << 60, kLrPending = 1ull << 62, kLrActive = 1ull << 63;
constexpr uint64_t kLrState = kLrPending | kLrActive;
constexpr uint64_t kIchHcrEn = 1, kIchHcrUie = 2;
constexpr uint64_t kHcrImoFmo = (1u << 4) | (1u << 3);
constexpr uint64_t kVmcrDefault = 0x2u | (0xf8ull << 24); /* VENG1, VPMR 0xf8 */
} // namespace

hyp_cpu::hyp_cpu(sc_module_name name, uint32_t index, hyp_platform *hp)
    : sc_module(name), socket("socket"), irq("irq"), virq("virq"), idx_(index), h_(hp), hp_(hp->hparams()),
      rng_(hp->params().seed * 0x9e3779b97f4a7c15ull + index + 1)
{
    SC_THREAD(run);
}

/* ---- time and accesses ------------------------------------------------------------ */

/* Synchronise unless nothing else in the system can happen before our
 * local time (then the GIC's line levels are those at our local time and a
 * wait() would only cost a context switch; gic_tlm::quiet_through). */
void hyp_cpu::settle()
{
    if (d_ != SC_ZERO_TIME && h_->gic().quiet_through(d_)) return;
    sync();
}

bool hyp_cpu::line(uint32_t l) const { return h_->gic().line_level(idx_, l); }

void hyp_cpu::sync()
{
    if (d_ != SC_ZERO_TIME) wait(d_);
    d_ = SC_ZERO_TIME;
}

uint64_t hyp_cpu::now_ps() const { return to_ps(sc_time_stamp() + d_); }

bool hyp_cpu::transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len)
{
    tlm::tlm_generic_payload &gp = gp_;
    gp.set_command(cmd);
    gp.set_address(addr);
    gp.set_data_ptr(data);
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    socket->b_transport(gp, d_);
    if (gp.is_response_ok()) return true;
    h_->cnt.mmio_errors++;
    SC_REPORT_WARNING(name(), ("access error at 0x" + std::to_string(addr) + ": " + gp.get_response_string()).c_str());
    return false;
}

uint64_t hyp_cpu::mmio_read(uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    transact(tlm::TLM_READ_COMMAND, addr, reinterpret_cast<unsigned char *>(&v), size);
    return v;
}

void hyp_cpu::mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
    transact(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char *>(&val), size);
}

void hyp_cpu::mem_write(uint64_t addr, const void *buf, unsigned len)
{
    transact(tlm::TLM_WRITE_COMMAND, addr, const_cast<unsigned char *>(static_cast<const unsigned char *>(buf)), len);
}

uint64_t hyp_cpu::sr(gic_sysreg_t r)
{
    uint64_t v = 0;
    if (h_->gic().sysreg_read(idx_, r, v, d_) != GIC_OK) h_->cnt.sysreg_errors++;
    return v;
}

void hyp_cpu::sw(gic_sysreg_t r, uint64_t v)
{
    if (h_->gic().sysreg_write(idx_, r, v, d_) != GIC_OK) h_->cnt.sysreg_errors++;
}

/* Write commands into ITS its's queue, publish GITS_CWRITER and poll
 * GITS_CREADR until the ITS has consumed them (its_wait_for_range_completion). */
void hyp_cpu::its_submit(uint32_t its, const std::vector<std::array<uint64_t, 4>> &cmds)
{
    boot_state &b = h_->boot;
    boot_state::its_state &s = b.its[its];
    const uint64_t I = h_->gits(its);
    size_t i = 0;
    while (i < cmds.size()) {
        /* at most a queue's worth minus one command at a time */
        size_t n = 0;
        for (; i < cmds.size() && n < s.cmdq_size / 32 - 1; i++, n++) {
            uint8_t buf[32];
            for (int w = 0; w < 4; w++)
                for (int k = 0; k < 8; k++) buf[w * 8 + k] = (uint8_t)(cmds[i][w] >> (8 * k));
            ns(hp_.its_cmd_ns);
            mem_write(s.cmdq + s.cwriter, buf, 32);
            s.cwriter = (s.cwriter + 32) % s.cmdq_size;
        }
        mmio_write(I + kGitsCwriter, 8, s.cwriter);
        const uint64_t deadline = now_ps() + to_ps(b.cmd_timeout);
        for (;;) {
            uint64_t r = mmio_read(I + kGitsCreadr, 8);
            if ((r & 0xfffe0u) == s.cwriter) break;
            if ((r & 1u) || now_ps() > deadline) {
                h_->cnt.its_cmd_errors++;
                SC_REPORT_WARNING(name(), "ITS command queue stalled or timed out");
                break;
            }
            d_ += b.poll_interval;
        }
    }
}

/* ---- bring-up ------------------------------------------------------------------------ */

void hyp_cpu::hyp_boot()
{
    boot_state &b = h_->boot;
    const gic_config_t &g = h_->gic_config();
    const platform_params &pp = h_->params();
    /* level-triggered lines: the host enables their SPIs (routed to CPU 0 by the bring-up) */
    for (const auto &l : h_->levels)
        mmio_write(g.gicd_base + kGicdIsenabler + (l.spi / 32) * 4, 4, 1u << (l.spi % 32));
    const uint32_t nvpe = (uint32_t)h_->vcpus.size();
    if (!h_->mode().direct) {
        /* sw: the guest's ITS driver has mapped its devices in the emulated vITS */
        for (uint32_t d = 0; d < pp.devices; d++)
            for (uint32_t e = 0; e < pp.vectors; e++) {
                uint32_t gv, vintid;
                h_->route(d, e, gv, vintid);
                h_->vits[h_->vm_of_device(d)]->map((uint32_t)(pp.first_devid + d), e,
                                                    vits_target{h_->vcpus[gv].idx, vintid});
            }
        return;
    }
    /* GICv4: the vLPI configuration table of each VM (every vINTID enabled,
     * priority 0xa0), one VPT per vPE, one doorbell LPI per vPE
     * (irq-gic-v4.c: its_vpe_init; doorbells enabled at the default priority) */
    const uint64_t nv = (1ull << h_->vbits) - 8192;
    std::vector<uint8_t> chunk(4096, 0xa0 | 1);
    for (uint64_t &vp : h_->vprop) {
        vp = b.alloc(1ull << h_->vbits, 0x10000);
        for (uint64_t off = 0; off < nv; off += chunk.size())
            mem_write(vp + off, chunk.data(), (unsigned)std::min<uint64_t>(chunk.size(), nv - off));
    }
    for (hyp_vcpu &v : h_->vcpus) {
        v.vpt = b.alloc((1ull << h_->vbits) / 8, 0x10000);
        uint8_t db = 0xa0 | 0x2 | 0x1;
        mem_write(b.prop_base + (h_->db_base + v.vpeid - 8192), &db, 1);
        v.mapped_cpu = v.home;
    }
    for (uint32_t i = 0; i < g.num_its; i++) {
        std::vector<std::array<uint64_t, 4>> cmds;
        std::array<uint64_t, 4> c{};
        const bool v41 = h_->mode().v41;
        for (hyp_vcpu &v : h_->vcpus) {
            if (v41) /* its_build_vmapp_cmd (GICv4.1): VCONF, default doorbell, Alloc on the first ITS */
                gic_cmd_vmapp41(c.data(), v.vpeid, h_->rdbase(v.home), v.vpt, h_->vbits - 1, h_->vprop[v.vm],
                                h_->db_base + v.vpeid, i == 0, true, true);
            else
                gic_cmd_vmapp(c.data(), v.vpeid, h_->rdbase(v.home), v.vpt, h_->vbits - 1, true);
            cmds.push_back(c);
            if (v41) { /* the guest's IPI as a vSGI (its_build_vsgi_cmd): enabled, Group 1, priority 0xa0 */
                gic_cmd_vsgi(c.data(), v.vpeid, kGuestIpi, 0xa0, true, true, false);
                cmds.push_back(c);
            }
        }
        /* its_vlpi_map: drop the physical mapping (DISCARD), install the virtual one (VMAPTI) */
        for (uint32_t d = 0; d < pp.devices; d++) {
            if (d % g.num_its != i) continue;
            const uint32_t devid = (uint32_t)(pp.first_devid + d);
            for (uint32_t e = 0; e < pp.vectors; e++) {
                uint32_t gv, vintid;
                h_->route(d, e, gv, vintid);
                gic_cmd_devev(c.data(), GITS_CMD_DISCARD, devid, e);
                cmds.push_back(c);
                /* GICv4.1: no per-event doorbell (1023), the vPE's default doorbell */
                gic_cmd_vmapti(c.data(), devid, e, h_->vcpus[gv].vpeid, vintid,
                               v41 ? 1023 : h_->db_base + h_->vcpus[gv].vpeid);
                cmds.push_back(c);
            }
        }
        for (uint32_t v = 0; v < nvpe; v++) {
            gic_cmd_vsync(c.data(), h_->vcpus[v].vpeid);
            cmds.push_back(c);
        }
        for (uint32_t cpu = 0; cpu < g.num_cpus; cpu++) {
            gic_cmd_sync(c.data(), h_->rdbase(cpu));
            cmds.push_back(c);
        }
        its_submit(i, cmds);
    }
}

void hyp_cpu::cpu_setup()
{
    /* the maintenance interrupt (a PPI) is enabled by the host's vgic init */
    const uint32_t m = h_->gic_config().virt_maint_intid;
    mmio_write(h_->gicr(idx_) + kGicrIsenabler0, 4, 1u << m);
    sw(GIC_HCR_EL2, 0);
    if (h_->mode().v41) {
        /* inherit_vpe_l1_table_from_its: GICR_VPROPBASER (GICv4.1 layout) points
         * at ITS 0's vPE table: Valid, Indirect, Page_Size, address, Size */
        const uint64_t b = mmio_read(h_->gits(0) + kGitsBaser2, 8);
        const uint64_t psz = (b >> 8) & 3, indirect = (b >> 62) & 1;
        const uint64_t addr = b & 0x0000fffffffff000ull & ~(psz >= 2 ? 0xf000ull : 0);
        mmio_write(h_->gicr(idx_) + kVpropbaser, 8,
                   (1ull << 63) | (indirect << 55) | (psz << 53) | addr | (b & 0x7f));
    }
}

/* ---- main loop ------------------------------------------------------------------------- */

void hyp_cpu::run()
{
    while (!h_->boot.finished) wait(h_->boot.done);
    d_ = SC_ZERO_TIME;
    if (idx_ == 0) {
        hyp_boot();
        sync();
        h_->on_ready();
    } else {
        while (!h_->ready_done) wait(h_->ready);
    }
    cpu_setup();
    for (;;) {
        settle();
        if (line(GIC_LINE_IRQ)) {
            host_irqs();
            continue;
        }
        hyp_vcpu *v = h_->sched.pick(idx_, now_ps());
        if (v) {
            h_->resched[idx_] = 0;
            run_vcpu(*v);
            continue;
        }
        if (d_ != SC_ZERO_TIME) {
            sync(); /* look again at our time before waiting */
            continue;
        }
        h_->idle[idx_] = 1;
        const uint64_t hold = h_->sched.hold_until(), now = now_ps();
        if (hold > now)
            wait(from_ps(hold - now), irq.posedge_event());
        else
            wait(irq.posedge_event());
        h_->idle[idx_] = 0;
    }
}

/* Run v from load to put. */
void hyp_cpu::run_vcpu(hyp_vcpu &v)
{
    load(v);
    const uint64_t slice = to_ps(sc_time(hp_.slice_us, SC_US));
    uint64_t slice_end = now_ps() + slice;
    enter(v);
    for (;;) {
        settle();
        if (line(GIC_LINE_IRQ)) {
            exit(v, EXIT_IRQ);
            host_irqs();
            const uint64_t now = now_ps();
            if ((h_->resched[idx_] || now >= slice_end) && h_->sched.has_runnable(idx_, now)) {
                /* preempted by a woken vCPU or at the end of the slice */
                const bool wakeup = h_->resched[idx_] && now < slice_end;
                h_->resched[idx_] = 0;
                put(v, false);
                if (wakeup)
                    h_->sched.enqueue(v);
                else
                    requeue(v);
                return;
            }
            h_->resched[idx_] = 0;
            enter(v);
            continue;
        }
        if (line(GIC_LINE_VIRQ)) {
            guest_irq(v);
            continue;
        }
        const uint64_t now = now_ps();
        if (now >= slice_end) {
            if (h_->sched.has_runnable(idx_, now) || h_->hparams().sched != "pinned") {
                exit(v, EXIT_SLICE);
                put(v, false);
                requeue(v);
                return;
            }
            slice_end = now + slice;
        }
        if (hp_.guest_wfi && v.ap.empty() && !lr_busy(v)) {
            /* WFI: trap, and block unless something is pending (kvm_vcpu_block
             * checks kvm_arch_vcpu_runnable: the vgic's pending interrupts,
             * GICv4: the vPE's PendingLast) */
            exit(v, EXIT_WFI);
            if (!v.ap.empty() || lr_busy(v)) {
                enter(v);
                continue;
            }
            /* blocking from here on: a wake-up, an injection or a doorbell
             * while the put runs (its accesses may let other CPUs run) makes
             * it runnable again (kvm_vcpu_block's check after prepare) */
            v.runnable = false;
            put(v, true);
            if (v.pending_last) h_->cnt.pending_last++;
            if (v.runnable || v.pending_last || !v.ap.empty())
                h_->sched.requeue_front(v);
            else
                h_->cnt.blocks++;
            return;
        }
        if (d_ != SC_ZERO_TIME) {
            sync(); /* look again at our time before waiting */
            continue;
        }
        wait(from_ps(slice_end - now), irq.posedge_event() | virq.posedge_event());
    }
}

/* End of a slice: back into a run queue, maybe another CPU's (migration);
 * an idle CPU that gets it is woken with a reschedule IPI. */
void hyp_cpu::requeue(hyp_vcpu &v)
{
    h_->sched.requeue_after_slice(v, idx_);
    if (v.home != idx_ && h_->idle[v.home]) {
        const uint64_t t0 = now_ps();
        send_sgi(v.home, 0);
        h_->cnt.kicks++;
        charge(HC_KICK, t0);
    }
}

bool hyp_cpu::lr_busy(const hyp_vcpu &v) const
{
    for (uint64_t lr : v.lr)
        if (lr & kLrState) return true;
    return false;
}

/* vcpu_load: scheduler switch, vgic_v3_load (ICH_VMCR_EL2, APRs), GICv4:
 * VMOVP if the vPE moved (its_vpe_set_affinity), then its_vpe_schedule. */
void hyp_cpu::load(hyp_vcpu &v)
{
    if (h_->mode().direct && v.mapped_cpu != idx_) vmovp(v);
    const uint64_t t0 = now_ps();
    ns(hp_.switch_ns + hp_.restore_ns);
    if (h_->mode().v41) {
        /* its_vpe_4_1_schedule: by vPEID; then its_wait_vpt_parse_complete */
        const uint64_t R = h_->gicr(idx_);
        mmio_write(R + kVpendbaser, 8, kVpendValid | kVpendVgrp1En | v.vpeid);
        poll_dirty(R + kVpendbaser);
    } else if (h_->mode().direct) {
        const uint64_t R = h_->gicr(idx_);
        mmio_write(R + kVpropbaser, 8, h_->vprop[v.vm] | (h_->vbits - 1));
        mmio_write(R + kVpendbaser, 8, v.vpt | kVpendValid | (v.idai ? kVpendIdai : 0));
    }
    sw(GIC_ICH_VMCR_EL2, v.vmcr ? v.vmcr : kVmcrDefault);
    sw(GIC_ICH_AP1R0_EL2, v.ap1r0);
    v.loaded_on = (int)idx_;
    h_->loaded[idx_] = (int)v.id;
    v.loads++;
    h_->cnt.loads++;
    h_->load_latency.add(now_ps() - t0);
    charge(HC_LOAD, t0);
}

/* vcpu_put: vgic_v3_put (ICH_VMCR_EL2, APRs), GICv4: its_vpe_deschedule
 * (Valid = 0, PendingLast and IDAI read back). */
/* Poll GICR_VPENDBASER.Dirty until the redistributor is done (GICv4.1). */
void hyp_cpu::poll_dirty(uint64_t vpendbaser)
{
    for (int i = 0; i < 100000; i++) {
        if (!(mmio_read(vpendbaser, 8) & kVpendDirty)) return;
        d_ += sc_time(hp_.lr_ns > 0 ? 10 : 10, SC_NS);
    }
    SC_REPORT_WARNING(name(), "GICR_VPENDBASER.Dirty did not clear");
    h_->cnt.mmio_errors++;
}

void hyp_cpu::put(hyp_vcpu &v, bool blocking)
{
    const uint64_t t0 = now_ps();
    ns(hp_.save_ns);
    v.vmcr = sr(GIC_ICH_VMCR_EL2);
    v.ap1r0 = sr(GIC_ICH_AP1R0_EL2);
    v.pending_last = false;
    if (h_->mode().v41) {
        /* its_vpe_4_1_deschedule: DB = 1 (a doorbell wanted: blocking) or
         * PendingLast = 1 (no doorbell: preempted, runnable) */
        const uint64_t R = h_->gicr(idx_);
        /* its_clear_vpend_valid: read-modify-write (VGrp1En and vPEID stay) */
        const uint64_t r = mmio_read(R + kVpendbaser, 8);
        mmio_write(R + kVpendbaser, 8,
                   (r & ~(kVpendValid | kVpendDb | kVpendPendingLast)) | (blocking ? kVpendDb : kVpendPendingLast));
        poll_dirty(R + kVpendbaser);
        const uint64_t b = mmio_read(R + kVpendbaser, 8);
        v.pending_last = blocking && (b & kVpendPendingLast) != 0;
    } else if (h_->mode().direct) {
        const uint64_t R = h_->gicr(idx_);
        uint64_t r = mmio_read(R + kVpendbaser, 8);
        mmio_write(R + kVpendbaser, 8, r & ~kVpendValid);
        uint64_t b = mmio_read(R + kVpendbaser, 8);
        v.pending_last = (b & kVpendPendingLast) != 0;
        v.idai = (b & kVpendIdai) != 0;
    }
    v.loaded_on = -1;
    h_->loaded[idx_] = -1;
    h_->cnt.puts++;
    h_->put_latency.add(now_ps() - t0);
    charge(HC_PUT, t0);
}

/* VMOVP + VSYNC to every ITS (one ITS when GITS_TYPER.VMOVP = 1), waited
 * for under the ITS lock (its_send_vmovp). */
void hyp_cpu::vmovp(hyp_vcpu &v)
{
    const uint64_t t0 = now_ps();
    sync();
    h_->its_lock.lock();
    const gic_config_t &g = h_->gic_config();
    const uint32_t n = g.its_vmovp_single ? 1 : g.num_its;
    const uint32_t itslist = g.num_its >= 16 ? 0xffffu : (1u << g.num_its) - 1;
    const uint32_t seq = h_->vmovp_seq++;
    for (uint32_t i = 0; i < n; i++) {
        std::vector<std::array<uint64_t, 4>> cmds(2);
        if (h_->mode().v41)
            gic_cmd_vmovp41(cmds[0].data(), seq, itslist, v.vpeid, h_->rdbase(idx_), true, h_->db_base + v.vpeid);
        else
            gic_cmd_vmovp(cmds[0].data(), seq, itslist, v.vpeid, h_->rdbase(idx_));
        gic_cmd_vsync(cmds[1].data(), v.vpeid);
        its_submit(i, cmds);
        h_->cnt.vmovp++;
        h_->cnt.vsync++;
    }
    sync();
    h_->its_lock.unlock();
    v.mapped_cpu = idx_;
    h_->vmovp_latency.add(now_ps() - t0);
    charge(HC_VMOVP, t0);
}

/* Guest entry: the ap_list into free list registers (kvm_vgic_flush_hwstate;
 * the underflow maintenance interrupt when some did not fit), ICH_HCR_EL2,
 * HCR_EL2.IMO/FMO, ERET. */
void hyp_cpu::enter(hyp_vcpu &v)
{
    /* IN_GUEST_MODE before the flush (kvm_arch_vcpu_ioctl_run's ordering):
     * an injection from now on kicks us, one before is flushed */
    h_->in_guest[idx_] = 1;
    const uint64_t t1 = now_ps();
    const bool uie = flush(v);
    charge(HC_LR, t1);
    const uint64_t t0 = now_ps();
    sw(GIC_ICH_HCR_EL2, kIchHcrEn | (uie ? kIchHcrUie : 0));
    sw(GIC_HCR_EL2, kHcrImoFmo);
    ns(hp_.entry_ns);
    h_->cnt.entries++;
    charge(HC_ENTRY, t0);
}

bool hyp_cpu::flush(hyp_vcpu &v)
{
    bool uie = false;
    for (auto it = v.ap.begin(); it != v.ap.end();) {
        const uint32_t vintid = *it;
        int same = -1, free_lr = -1;
        for (size_t i = 0; i < v.lr.size(); i++) {
            if (!(v.lr[i] & kLrState)) {
                if (free_lr < 0) free_lr = (int)i;
            } else if ((uint32_t)v.lr[i] == vintid) {
                same = (int)i;
            }
        }
        if (same >= 0) {
            /* already in a list register: pending there (one interrupt for
             * the guest), or active: pending and active (vgic_v3_populate_lr) */
            if (v.lr[same] & kLrPending)
                h_->cnt.merged++;
            else
                v.lr[same] |= kLrPending;
        } else if (free_lr >= 0) {
            const bool level = h_->level_of(v.vm, vintid) != nullptr;
            v.lr[free_lr] = vintid | (0xa0ull << 48) | kLrGroup1 | kLrPending | (level ? kLrEoi : 0);
        } else {
            uie = true; /* more than fit: underflow maintenance interrupt */
            ++it;
            continue;
        }
        if (vintid < 16)
            h_->ipis.on_visible(hyp_platform::kIpiKey + v.id, vintid);
        else
            h_->tracker.on_visible(v.vm, vintid);
        v.ap_set.erase(vintid);
        it = v.ap.erase(it);
    }
    if (uie) h_->cnt.lr_overflow++;
    v.lr_used = 0;
    for (size_t i = 0; i < v.lr.size(); i++) {
        if (!(v.lr[i] & kLrState)) continue;
        sw((gic_sysreg_t)(GIC_ICH_LR0_EL2 + i), v.lr[i]);
        ns(hp_.lr_ns);
        v.lr_used |= 1u << i;
        h_->cnt.lr_writes++;
    }
    return uie;
}

/* Guest exit: HCR_EL2 and ICH_HCR_EL2 cleared, the used list registers read
 * back and cleared (vgic_v3_fold_lr_state, __vgic_v3_save_state). */
void hyp_cpu::exit(hyp_vcpu &v, exit_why why)
{
    const uint64_t t0 = now_ps();
    h_->in_guest[idx_] = 0;
    ns(hp_.exit_ns);
    sw(GIC_HCR_EL2, 0);
    sw(GIC_ICH_HCR_EL2, 0);
    charge(why == EXIT_IRQ ? HC_EXIT_IRQ : why == EXIT_TRAP ? HC_IPI : HC_EXIT_OTHER, t0);
    (why == EXIT_IRQ    ? h_->cnt.exits_irq
     : why == EXIT_WFI  ? h_->cnt.exits_wfi
     : why == EXIT_TRAP ? h_->cnt.exits_trap
                        : h_->cnt.exits_slice)++;
    const uint64_t t1 = now_ps();
    /* every list register written at the entry (KVM's used_lrs), whatever
     * the guest did with it since */
    for (size_t i = 0; i < v.lr.size(); i++) {
        if (!(v.lr_used & (1u << i))) continue;
        uint64_t val = sr((gic_sysreg_t)(GIC_ICH_LR0_EL2 + i));
        sw((gic_sysreg_t)(GIC_ICH_LR0_EL2 + i), 0);
        ns(2 * hp_.lr_ns);
        v.lr[i] = (val & kLrState) ? val : 0;
    }
    v.lr_used = 0;
    charge(HC_LR, t1);
    do_resamples();
}

/* The guest's interrupt handler: exception entry, ICC_IAR1_EL1 (to
 * ICV_IAR1_EL1: HCR_EL2.IMO), handler, ICC_EOIR1_EL1, exception return. */
void hyp_cpu::guest_irq(hyp_vcpu &v)
{
    const platform_params &pp = h_->params();
    const uint64_t t0 = now_ps();
    ns(pp.entry_ns);
    const uint64_t iar = sr(GIC_ICC_IAR1_EL1);
    const uint32_t vintid = (uint32_t)(iar & 0xffffff);
    if (vintid >= 1020 && vintid < 1024) {
        h_->cnt.guest_spurious++;
        ns(pp.exit_ns);
        guest_busy_ps += now_ps() - t0;
        return;
    }
    h_->cnt.guest_acks++;
    v.guest_acks++;
    if (vintid < 16)
        h_->ipis.on_guest_ack(hyp_platform::kIpiKey + v.id, vintid, now_ps());
    else if (h_->level_of(v.vm, vintid))
        h_->cnt.level_acks++;
    else
        h_->tracker.on_guest_ack(v.vm, vintid, now_ps());
    ns(pp.handler_ns);
    sw(GIC_ICC_EOIR1_EL1, vintid);
    /* the shadow as the hardware has it now (the truth comes at the next exit) */
    for (uint64_t &lr : v.lr)
        if ((lr & kLrState) && (uint32_t)lr == vintid) lr = (lr & kLrPending && lr & kLrActive) ? (lr & ~kLrActive) : 0;
    ns(pp.exit_ns);
    guest_busy_ps += now_ps() - t0;
    if (hp_.guest_ipi_rate > 0 && hp_.vcpus > 1 && rng_.uniform() < hp_.guest_ipi_rate) guest_ipi(v);
}

/* The guest sends an IPI (SGI 1) to the next vCPU of its VM: its
 * ICC_SGI1R_EL1 write traps (HCR_EL2.IMO: GIC_OUT_TRAP, nothing else in the
 * GIC); the host emulates it (vgic_v3_dispatch_sgi): v4.1 writes GITS_SGIR
 * (the vSGI goes to the vPE directly, or is recorded with its default
 * doorbell), the other modes queue it on the target's ap_list (kick or
 * wake-up as for any injection). Then back into the guest. */
void hyp_cpu::guest_ipi(hyp_vcpu &v)
{
    hyp_vcpu &t = h_->vcpus[v.vm * hp_.vcpus + (v.idx + 1) % hp_.vcpus];
    const uint64_t t_send = now_ps();
    sw(GIC_ICC_SGI1R_EL1, (1ull << (t.idx % 16)) | ((uint64_t)(t.idx / 16) << 16) | ((uint64_t)kGuestIpi << 24));
    h_->cnt.guest_ipis++;
    exit(v, EXIT_TRAP); /* the trap is a full exit (vgic state saved: __vgic_v3_save_state) */
    const uint64_t t0 = now_ps();
    const bool resident = t.loaded_on >= 0;
    if (h_->mode().v41) {
        mmio_write(h_->gits(0) + GIC_GITS_SGIR_OFFSET, 8, gic_gits_sgir_value(t.vpeid, kGuestIpi));
        /* pending no sooner than the ITS's vPE lookup and the redistributor's hop */
        const gic_config_t &g = h_->gic_config();
        const uint64_t fastest = (uint64_t)(g.its_translate_cycles + g.lat_redist_to_cpu) * g.clock_period_ps;
        h_->ipis.add(hyp_platform::kIpiKey + t.id, kGuestIpi, t.id, t_send, resident, true, now_ps() + fastest);
        charge(HC_IPI, t0);
    } else {
        h_->ipis.add(hyp_platform::kIpiKey + t.id, kGuestIpi, t.id, t_send, resident, false);
        charge(HC_IPI, t0);
        inject(t, kGuestIpi, false);
    }
    enter(v); /* back to the guest, with whatever was queued for it meanwhile */
}

/* ---- host ------------------------------------------------------------------------------ */

/* Physical interrupts in host context (HCR_EL2 = 0): acknowledge until none. */
void hyp_cpu::host_irqs()
{
    for (;;) {
        const uint64_t t0 = now_ps();
        ns(hp_.host_irq_ns / 2);
        const uint32_t intid = (uint32_t)(sr(GIC_ICC_IAR1_EL1) & 0xffffff);
        if (intid >= 1020 && intid < 1024) {
            h_->cnt.host_spurious++;
            ns(hp_.host_irq_ns / 2);
            charge(HC_HOST_IRQ, t0);
            return;
        }
        h_->cnt.host_irqs++;
        charge(HC_HOST_IRQ, t0);
        dispatch(intid);
        const uint64_t t2 = now_ps();
        sw(GIC_ICC_EOIR1_EL1, intid);
        ns(hp_.host_irq_ns / 2);
        charge(HC_HOST_IRQ, t2);
    }
}

void hyp_cpu::dispatch(uint32_t intid)
{
    const gic_config_t &g = h_->gic_config();
    if (intid < 16) {
        h_->cnt.sgis++; /* kick / reschedule IPI: the exit was the point */
        return;
    }
    if (intid == g.virt_maint_intid) {
        h_->cnt.maint_irqs++; /* the exit refills the list registers */
        return;
    }
    if (intid >= 32 && intid < 1020) {
        for (const auto &l : h_->levels) {
            if (l.spi != intid) continue;
            /* VFIO INTx: mask the line, inject; unmasked again at resample */
            mmio_write(g.gicd_base + kGicdIcenabler + (intid / 32) * 4, 4, 1u << (intid % 32));
            h_->cnt.level_masked++;
            h_->cnt.level_injections++;
            inject(h_->vcpus[l.gvcpu], l.vintid, true);
            return;
        }
        h_->cnt.unknown_lpis++;
        return;
    }
    const uint32_t nvpe = (uint32_t)h_->vcpus.size();
    if (h_->mode().direct && intid >= h_->db_base && intid < h_->db_base + nvpe) {
        const uint64_t t0 = now_ps();
        ns(hp_.doorbell_ns);
        hyp_vcpu &v = h_->vcpus[intid - h_->db_base];
        h_->cnt.doorbells++;
        charge(HC_DOORBELL, t0);
        if (v.loaded_on >= 0) {
            h_->cnt.doorbells_runnable++;
            v.runnable = true; /* being put: it must not block (see run_vcpu) */
        } else if (v.runnable) {
            h_->cnt.doorbells_runnable++;
        } else {
            wake(v);
        }
        return;
    }
    uint32_t dev, vec;
    if (!h_->mode().direct && h_->device_of_lpi(intid, dev, vec)) {
        const uint64_t t0 = now_ps();
        const uint32_t vm = h_->vm_of_device(dev);
        vits_target tg;
        bool hit = false;
        const bool ok = h_->vits[vm]->translate((uint32_t)(h_->params().first_devid + dev), vec, tg, hit);
        ns(hit ? hp_.vits_hit_ns : hp_.vits_miss_ns);
        charge(HC_VITS, t0);
        h_->tracker.on_host_ack(intid, !ok, "vits: no mapping");
        if (ok) inject(h_->vcpus[vm * h_->hparams().vcpus + tg.vcpu], tg.vintid, false);
        return;
    }
    h_->cnt.unknown_lpis++;
    h_->tracker.on_host_ack(intid, true, "host: LPI without a handler");
}

/* Queue vintid for v (vgic_queue_irq_unlock) and make sure it is seen:
 * v runs here (flushed at the re-entry), runs elsewhere (kick: IPI), or is
 * blocked (woken). */
void hyp_cpu::inject(hyp_vcpu &v, uint32_t vintid, bool)
{
    const uint64_t t0 = now_ps();
    ns(hp_.inject_ns);
    if (v.ap_set.count(vintid)) {
        h_->cnt.merged++;
    } else {
        v.ap.push_back(vintid);
        v.ap_set.insert(vintid);
    }
    charge(HC_INJECT, t0);
    if (v.loaded_on == (int)idx_) return;
    if (v.loaded_on >= 0) {
        if (h_->in_guest[(uint32_t)v.loaded_on]) {
            const uint64_t t1 = now_ps();
            send_sgi((uint32_t)v.loaded_on, 0);
            h_->cnt.kicks++;
            charge(HC_KICK, t1);
        }
        return;
    }
    if (!v.runnable) wake(v);
}

/* kvm_vcpu_wake_up: runnable again, on its home CPU's queue; an idle home
 * CPU gets a reschedule IPI, a busy one is asked to preempt (wakeup
 * preemption of the woken, long-sleeping vCPU thread). */
void hyp_cpu::wake(hyp_vcpu &v)
{
    const uint64_t t0 = now_ps();
    ns(hp_.wake_ns);
    h_->cnt.wakes++;
    h_->sched.enqueue(v);
    const uint32_t home = v.home;
    if (h_->loaded[home] >= 0) h_->resched[home] = 1;
    if (home != idx_ && (h_->idle[home] || h_->in_guest[home])) {
        send_sgi(home, 0);
        h_->cnt.kicks++;
    }
    charge(HC_WAKE, t0);
}

void hyp_cpu::send_sgi(uint32_t cpu, uint32_t intid)
{
    const uint32_t n = h_->gic_config().cpus_per_cluster ? h_->gic_config().cpus_per_cluster : 16;
    const uint64_t aff0 = cpu % n, aff1 = cpu / n;
    sw(GIC_ICC_SGI1R_EL1, (1ull << aff0) | (aff1 << 16) | ((uint64_t)intid << 24));
}

/* Level resampling (KVM irqfd resamplefd -> VFIO unmask): the guest
 * deactivated a level interrupt; unmask the physical line, which, if the
 * device still holds it high, becomes pending again and is re-injected. */
void hyp_cpu::do_resamples()
{
    auto &q = h_->resample[idx_];
    if (q.empty()) return;
    const gic_config_t &g = h_->gic_config();
    for (uint32_t spi : q) {
        mmio_write(g.gicd_base + kGicdIsenabler + (spi / 32) * 4, 4, 1u << (spi % 32));
        h_->cnt.level_resamples++;
    }
    q.clear();
}

} // namespace gictlm
