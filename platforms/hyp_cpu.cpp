/* A physical CPU under the hypervisor model (hyp_cpu.h). */
#include "hyp_cpu.h"

#include "gictlm_driver.h"
#include "tlm_parts.h"

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
constexpr uint64_t kGicrIcactiver0 = 0x10000 + 0x380;
/* the host's timer PPIs that a VHE host hands to a guest: the EL1 virtual
 * timer (guest vtimer) and the EL1 physical timer (guest ptimer) */
constexpr uint32_t kVtimerPpi = 27, kPtimerPpi = 30;
constexpr uint64_t kGicrClrlpir = 0x48, kGicrInvlpir = 0xa0, kGicrSyncr = 0xc0;
/* LPI configuration byte (IHI0069 5.1.1): Priority [7:2], RES1 [1], Enable [0] */
constexpr uint8_t kLpiPropDefault = 0xa0 | 0x2, kLpiPropEnabled = 0x1;
constexpr uint64_t kGicdIsenabler = 0x100, kGicdIcenabler = 0x180;
constexpr uint64_t kGitsCwriter = 0x88, kGitsCreadr = 0x90;
/* ICH_LR<n>_EL2: vINTID [31:0], EOI [41], Priority [55:48], Group [60], HW [61], State [63:62] */
constexpr uint64_t kLrEoi = 1ull << 41, kLrGroup1 = 1ull << 60, kLrPending = 1ull << 62, kLrActive = 1ull << 63;
constexpr uint64_t kLrState = kLrPending | kLrActive;
constexpr uint64_t kIchHcrEn = 1, kIchHcrUie = 2, kIchHcrNpie = 1u << 3, kIchHcrVsgiEoiCount = 1u << 8;
constexpr uint64_t kIchHcrVgrp0Eie = 1u << 4, kIchHcrVgrp0Die = 1u << 5, kIchHcrVgrp1Eie = 1u << 6,
                   kIchHcrVgrp1Die = 1u << 7;
constexpr uint64_t kVmcrVeng0 = 1u << 0, kVmcrVeng1 = 1u << 1;
constexpr uint64_t kHcrImoFmo = (1u << 4) | (1u << 3);
constexpr uint64_t kVmcrDefault = 0x2u | (0xf8ull << 24); /* VENG1, VPMR 0xf8 */
} // namespace

/*
 * Resumable functions (see hyp_cpu.h). A function's body is a switch on its
 * program counter (pc_<name>_): HC_AT puts the CPU at its local time t_ in
 * global time order before an access (at once when nothing can come first,
 * otherwise the function returns false and an agenda step at t_ resumes it
 * at the label), HC_CALL runs a resumable callee until it is done (resumed
 * by calling it again: the callee keeps its arguments from the first call),
 * HC_WAIT suspends until a wait set up before it ends (lines, timer, lock).
 * Locals that live across these points are members. No initialised local
 * may be in scope at a label (declare them in inner blocks).
 */
#define HC_BEGIN(pc)                                                                                          \
    switch (pc) {                                                                                             \
    case 0:
#define HC_END(pc)                                                                                            \
    }                                                                                                         \
    pc = 0;                                                                                                   \
    return true
#define HC_RETURN(pc)                                                                                         \
    do {                                                                                                      \
        pc = 0;                                                                                               \
        return true;                                                                                          \
    } while (0)
#define HC_AT(pc)                                                                                             \
    do {                                                                                                      \
        pc = __LINE__;                                                                                        \
        if (!at_now()) return false;                                                                          \
        [[fallthrough]];                                                                                      \
    case __LINE__:;                                                                                           \
    } while (0)
#define HC_CALL(pc, call)                                                                                     \
    do {                                                                                                      \
        pc = __LINE__;                                                                                        \
        [[fallthrough]];                                                                                      \
    case __LINE__:                                                                                            \
        if (!(call)) return false;                                                                            \
    } while (0)
#define HC_WAIT(pc)                                                                                           \
    do {                                                                                                      \
        pc = __LINE__;                                                                                        \
        return false;                                                                                         \
    case __LINE__:;                                                                                           \
    } while (0)

constexpr uint64_t kNever = UINT64_MAX;

static uint64_t ns_ps(double v) { return to_ps(sc_time(v, SC_NS)); }

hyp_cpu::hyp_cpu(sc_module_name name, uint32_t index, hyp_platform *hp)
    : sc_module(name), socket("socket"), idx_(index), h_(hp), hp_(hp->hparams()),
      rng_(hp->params().seed * 0x9e3779b97f4a7c15ull + index + 1)
{
    const platform_params &pp = hp->params();
    slice_ps_ = to_ps(sc_time(hp_.slice_us, SC_US));
    host_irq_half_ps_ = ns_ps(hp_.host_irq_ns / 2);
    lr_ps_ = ns_ps(hp_.lr_ns);
    exit_ps_ = ns_ps(hp_.exit_ns);
    entry_ps_ = ns_ps(hp_.entry_ns);
    save_ps_ = ns_ps(hp_.save_ns);
    switch_restore_ps_ = ns_ps(hp_.switch_ns + hp_.restore_ns);
    inject_ps_ = ns_ps(hp_.inject_ns);
    wake_ps_ = ns_ps(hp_.wake_ns);
    kick_ps_ = ns_ps(hp_.kick_ns);
    doorbell_ps_ = ns_ps(hp_.doorbell_ns);
    vits_hit_ps_ = ns_ps(hp_.vits_hit_ns);
    vits_miss_ps_ = ns_ps(hp_.vits_miss_ns);
    its_cmd_ps_ = ns_ps(hp_.its_cmd_ns);
    g_entry_ps_ = ns_ps(pp.entry_ns);
    g_handler_ps_ = ns_ps(pp.handler_ns);
    g_exit_ps_ = ns_ps(pp.exit_ns);
    dirty_poll_ps_ = ns_ps(hp_.dirty_poll_ns);
    its_poll_ps_ = ns_ps(hp_.its_poll_ns);
    pinned_ = hp_.sched == "pinned";
    twi_policy_ = hp_.wfi_trap == "trap" ? TWI_TRAP : hp_.wfi_trap == "notrap" ? TWI_NOTRAP : TWI_SINGLE_TASK;
    h_->gic().add_line_listener(index, this);
    SC_THREAD(boot_thread);
}

/* ---- time and accesses ------------------------------------------------------------ */

void hyp_cpu::thread_sync()
{
    const uint64_t now = to_ps(sc_time_stamp());
    if (t_ > now) wait(from_ps(t_ - now));
}

bool hyp_cpu::line(uint32_t l) const { return h_->gic().line_level(idx_, l); }

/* Wait for a rise of one of the lines in mask (1u << GIC_LINE_*) or until
 * until_ps (kNever: no timer); HC_WAIT follows. */
void hyp_cpu::wait_lines(uint32_t mask, uint64_t until_ps)
{
    waiting_ = W_LINES;
    wait_mask_ = mask;
    wait_until_ = until_ps;
    h_->gic().watch_lines(idx_, true);
    if (until_ps != kNever) timer_for_wait(until_ps);
}

/* The timer of a wait until until_ps (see armed_ in hyp_cpu.h): its place
 * among the steps of that time, and a step on the agenda unless one that
 * runs no later is there already. */
void hyp_cpu::timer_for_wait(uint64_t until_ps)
{
    if (until_ps != timer_ps_ || timer_ps_ < step_t_) {
        /* a new timer (one asked for at the same end before it and not run
         * yet would run first: its place) */
        uint64_t seq = h_->gic().take_step_seq();
        timer_ask *a = nullptr;
        for (auto &x : asks_)
            if (x.t_ps == until_ps && until_ps > step_t_) a = &x;
        if (a) {
            seq = a->seq;
        } else {
            asks_[ask_next_] = timer_ask{until_ps, seq};
            ask_next_ = (ask_next_ + 1) % asks_.size();
        }
        timer_ps_ = until_ps;
        timer_seq_ = seq;
    }
    wait_seq_ = timer_seq_;
    if (armed_.empty() || armed_.back() > until_ps) arm_timer(until_ps, wait_seq_);
}

void hyp_cpu::arm_timer(uint64_t t_ps, uint64_t seq)
{
    armed_.push_back(t_ps); /* (earlier than every other: the latest first) */
    h_->gic().schedule_step_seq(this, t_ps, kTimer, seq);
}

void hyp_cpu::resume(uint64_t t)
{
    if (waiting_ != W_NONE) {
        waiting_ = W_NONE;
        h_->gic().watch_lines(idx_, false);
    }
    if (t > t_) t_ = t;
    step_t_ = t;
    main_loop();
}

void hyp_cpu::gic_step(uint64_t t, uint32_t what)
{
    if (what & kLineStep) {
        /* what = kLineStep | line << 1 | level: a rise of a line we wait for */
        if (waiting_ == W_LINES && (what & 1u) && (wait_mask_ & (1u << ((what >> 1) & 3u)))) resume(t);
        return;
    }
    if (what == kTimer) {
        if (!armed_.empty() && armed_.back() == t) armed_.pop_back();
        if (t == timer_ps_) timer_ps_ = kNever;
        if (waiting_ != W_LINES || wait_until_ == kNever) return;
        if (t == wait_until_) {
            resume(t);
        } else if (wait_until_ > t && (armed_.empty() || armed_.back() > wait_until_)) {
            /* the wait's own timer, deferred while this one was to run first */
            arm_timer(wait_until_, wait_seq_);
        }
        return;
    }
    if (what == kPoke) {
        if (waiting_ == W_LINES && polling_) resume(t);
        return;
    }
    if (what == kStart) thread_mode_ = false;
    resume(t);
}

bool hyp_cpu::transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len)
{
    tlm::tlm_generic_payload &gp = gp_;
    tlm_payload_set(gp, cmd, addr, data, len);
    /* loosely timed at t_: in a step the targets annotate and never wait; in
     * the bring-up thread the GIC may synchronise the thread (wait) */
    const sc_time now = sim_now();
    sc_time d = from_ps(t_) - now;
    socket->b_transport(gp, d);
    t_ = to_ps((thread_mode_ ? sim_now() : now) + d);
    if (gp.is_response_ok()) return true;
    h_->cnt.mmio_errors++;
    SC_REPORT_WARNING(name(), ("access error at 0x" + std::to_string(addr) + ": " + gp.get_response_string()).c_str());
    return false;
}

/* The name of an access for the access log (the registers the hypervisor uses). */
void hyp_cpu::log_mmio(bool write, uint64_t addr)
{
    if (__builtin_expect(hp_.log_accesses == 0, 1)) return;
    const gic_config_t &g = h_->gic_config();
    const char *n = "MEM";
    /* the frame of the redistributor addressed (its own or another CPU's) */
    const uint64_t stride = gic_gicr_stride(&g);
    const uint64_t rd = addr >= g.gicr_base && addr < g.gicr_base + g.num_cpus * stride
                            ? g.gicr_base + (addr - g.gicr_base) / stride * stride
                            : h_->gicr(idx_);
    if (addr == rd + kVpropbaser) n = "GICR_VPROPBASER";
    else if (addr == rd + kVpendbaser) n = "GICR_VPENDBASER";
    else if (addr == rd + kGicrClrlpir) n = "GICR_CLRLPIR";
    else if (addr == rd + kGicrInvlpir) n = "GICR_INVLPIR";
    else if (addr == rd + kGicrSyncr) n = "GICR_SYNCR";
    else if (addr == rd + kGicrIsenabler0) n = "GICR_ISENABLER0";
    else if (addr == rd + kGicrIcactiver0) n = "GICR_ICACTIVER0";
    else if (addr >= g.gicd_base && addr < g.gicd_base + 0x10000) n = "GICD";
    else
        for (uint32_t i = 0; i < g.num_its; i++)
            if (addr >= h_->gits(i) && addr < h_->gits(i) + gic_gits_stride(&g))
                n = addr == h_->gits(i) + kGitsCwriter                ? "GITS_CWRITER"
                    : addr == h_->gits(i) + kGitsCreadr               ? "GITS_CREADR"
                    : addr == h_->gits(i) + GIC_GITS_SGIR_OFFSET      ? "GITS_SGIR"
                                                                      : "GITS";
    log_step(std::string(write ? "W " : "R ") + n);
}

uint64_t hyp_cpu::mmio_read(uint64_t addr, unsigned size)
{
    log_mmio(false, addr);
    uint64_t v = 0;
    transact(tlm::TLM_READ_COMMAND, addr, reinterpret_cast<unsigned char *>(&v), size);
    return v;
}

void hyp_cpu::mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
    log_mmio(true, addr);
    transact(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char *>(&val), size);
}

void hyp_cpu::mem_write(uint64_t addr, const void *buf, unsigned len)
{
    transact(tlm::TLM_WRITE_COMMAND, addr, const_cast<unsigned char *>(static_cast<const unsigned char *>(buf)), len);
}

/* one copy per direction (sr, sw): no test of the direction per access; the
 * step's access inline in sr/sw, the bring-up thread's out of line */
template <bool is_write> __attribute__((noinline)) void hyp_cpu::sysreg_access_thread(gic_sysreg_t r, uint64_t &v)
{
    gic_tlm &gic = h_->gic();
    sc_time d = from_ps(t_) - sim_now();
    gic_status_t st = is_write ? gic.sysreg_write(idx_, r, v, d) : gic.sysreg_read(idx_, r, v, d);
    t_ = to_ps(sim_now() + d);
    if (st != GIC_OK) h_->cnt.sysreg_errors++;
}

template <bool is_write> inline __attribute__((always_inline)) void hyp_cpu::sysreg_access(gic_sysreg_t r, uint64_t &v)
{
    if (__builtin_expect(thread_mode_, 0)) {
        sysreg_access_thread<is_write>(r, v);
        return;
    }
    gic_tlm &gic = h_->gic();
    const gic_status_t st = is_write ? gic.sysreg_write_at(idx_, r, v, t_) : gic.sysreg_read_at(idx_, r, v, t_);
    t_ += gic.sysreg_latency_ps();
    if (st != GIC_OK) h_->cnt.sysreg_errors++;
}

uint64_t hyp_cpu::sr(gic_sysreg_t r)
{
    if (__builtin_expect(hp_.log_accesses != 0, 0)) log_step(std::string("R ") + gic_sysreg_name(r));
    uint64_t v = 0;
    sysreg_access<false>(r, v);
    return v;
}

void hyp_cpu::sw(gic_sysreg_t r, uint64_t v)
{
    if (__builtin_expect(hp_.log_accesses != 0, 0)) log_step(std::string("W ") + gic_sysreg_name(r));
    sysreg_access<true>(r, v);
}

/* Post cmds to ITS its and wait until it has read them (Linux's
 * BUILD_SINGLE_CMD_FUNC: the commands written into the queue in RAM, then
 * GITS_CREADR read and GITS_CWRITER written under its->lock, then
 * its_wait_for_range_completion polls GITS_CREADR).
 * release_lock: the ITS lock (h_->its_owner) is released once the last
 * command is posted, before the wait, as its->lock is; the boot holds no
 * lock. poll_ps: the wait between two reads. */
bool hyp_cpu::its_submit(uint32_t its, const std::vector<std::array<uint64_t, 4>> *cmds, bool release_lock,
                         uint64_t poll_ps)
{
    HC_BEGIN(pc_submit_);
    su_its_ = its;
    su_cmds_ = cmds;
    su_release_ = release_lock;
    su_poll_ps_ = poll_ps;
    su_i_ = 0;
    while (su_i_ < su_cmds_->size()) {
        {
            /* at most a queue's worth minus one command at a time */
            boot_state::its_state &s = h_->boot.its[su_its_];
            for (size_t n = 0; su_i_ < su_cmds_->size() && n < s.cmdq_size / 32 - 1; su_i_++, n++) {
                uint8_t buf[32];
                const std::array<uint64_t, 4> &c = (*su_cmds_)[su_i_];
                for (int w = 0; w < 4; w++)
                    for (int k = 0; k < 8; k++) buf[w * 8 + k] = (uint8_t)(c[w] >> (8 * k));
                add_ps(its_cmd_ps_);
                mem_write(s.cmdq + s.cwriter, buf, 32);
                s.cwriter = (s.cwriter + 32) % s.cmdq_size;
            }
        }
        HC_AT(pc_submit_);
        (void)mmio_read(h_->gits(su_its_) + kGitsCreadr, 8); /* rd_idx, where the wait starts from */
        HC_AT(pc_submit_);
        mmio_write(h_->gits(su_its_) + kGitsCwriter, 8, h_->boot.its[su_its_].cwriter);
        if (su_release_ && su_i_ == su_cmds_->size()) {
            su_release_ = false;
            its_unlock();
        }
        su_deadline_ = t_ + to_ps(h_->boot.cmd_timeout);
        for (;;) {
            HC_AT(pc_submit_);
            {
                const uint64_t r = mmio_read(h_->gits(su_its_) + kGitsCreadr, 8);
                if ((r & 0xfffe0u) == h_->boot.its[su_its_].cwriter) break;
                if ((r & 1u) || t_ > su_deadline_) {
                    h_->cnt.its_cmd_errors++;
                    SC_REPORT_WARNING(name(), "ITS command queue stalled or timed out");
                    break;
                }
            }
            t_ += su_poll_ps_;
        }
    }
    if (su_release_) its_unlock(); /* (no command to post) */
    HC_END(pc_submit_);
}

/* Release the ITS lock; the first CPU waiting for it tries again now. */
void hyp_cpu::its_unlock()
{
    h_->its_owner = -1;
    if (!h_->its_waiters.empty()) {
        hyp_cpu *w = h_->its_waiters.front();
        h_->its_waiters.pop_front();
        w->lock_released(t_);
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
     * (irq-gic-v4.c: its_vpe_init) at the default priority. GICv4.0: the
     * doorbell stays disabled (vgic_v4_init requests it with IRQ_NOAUTOEN;
     * the host's property table starts with every LPI disabled,
     * gic_reset_prop_table) until the first blocking put unmasks it;
     * GICv4.1: enabled (no IRQ_NOAUTOEN: request_irq starts it up) */
    const uint64_t nv = (1ull << h_->vbits) - 8192;
    std::vector<uint8_t> chunk(4096, 0xa0 | 1);
    for (uint64_t &vp : h_->vprop) {
        vp = b.alloc(hyp_vprop_bytes(h_->vbits), kHypTableAlign);
        for (uint64_t off = 0; off < nv; off += chunk.size())
            mem_write(vp + off, chunk.data(), (unsigned)std::min<uint64_t>(chunk.size(), nv - off));
    }
    for (hyp_vcpu &v : h_->vcpus) {
        v.vpt = b.alloc(hyp_vpt_bytes(h_->vbits), kHypTableAlign);
        v.db_masked = !h_->mode().v41;
        const uint8_t db = kLpiPropDefault | (v.db_masked ? 0 : kLpiPropEnabled);
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
                h_->vcpus[gv].vlpi_count++; /* its_vlpi_map: atomic_inc(&vpe->vlpi_count) */
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
        its_submit(i, &cmds, false, to_ps(b.poll_interval));
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


/* The bring-up in an SC_THREAD; once every CPU has done its part, all CPUs
 * go on as agenda steps (kStart) at the same time. */
void hyp_cpu::boot_thread()
{
    while (!h_->boot.finished) wait(h_->boot.done);
    t_ = to_ps(sc_time_stamp());
    if (idx_ == 0) {
        hyp_boot();
        thread_sync();
        h_->on_ready();
    } else {
        while (!h_->ready_done) wait(h_->ready);
        t_ = to_ps(sc_time_stamp());
    }
    cpu_setup();
    thread_sync();
    if (++h_->cpus_set_up < h_->cpus_.size()) return;
    const uint64_t now = to_ps(sc_time_stamp());
    for (auto &c : h_->cpus_) h_->gic().schedule_step(c.get(), now, kStart);
}

/* ---- main loop ------------------------------------------------------------------------- */

bool hyp_cpu::main_loop()
{
    HC_BEGIN(pc_main_);
    for (;;) {
        HC_AT(pc_main_);
        if (line(GIC_LINE_IRQ)) {
            HC_CALL(pc_main_, host_irqs());
            continue;
        }
        cur_ = h_->sched.pick(idx_, t_);
        if (cur_) {
            h_->resched[idx_] = 0;
            HC_CALL(pc_main_, run_vcpu());
            cur_ = nullptr;
            continue;
        }
        h_->idle[idx_] = 1;
        {
            const uint64_t hold = h_->sched.hold_until();
            wait_lines(1u << GIC_LINE_IRQ, hold > t_ ? hold : kNever);
        }
        HC_WAIT(pc_main_);
        h_->idle[idx_] = 0;
    }
    HC_END(pc_main_);
}

/* Run cur_ from load to put. */
bool hyp_cpu::run_vcpu()
{
    hyp_vcpu &v = *cur_;
    HC_BEGIN(pc_vcpu_);
    HC_CALL(pc_vcpu_, load(v));
    slice_end_ = t_ + slice_ps_;
    HC_CALL(pc_vcpu_, enter(v));
    for (;;) {
        HC_AT(pc_vcpu_);
        if (line(GIC_LINE_IRQ)) {
            v.native_wfi = false; /* a host interrupt ends a native WFI with an exit */
            HC_CALL(pc_vcpu_, exit(v, EXIT_IRQ));
            HC_CALL(pc_vcpu_, host_irqs());
            /* one exception per interrupt: the next one before the re-entry
             * while IRQ stays high (KVM takes them with interrupts enabled
             * after the exit) */
            while (!h_->params().irq_loop) {
                HC_AT(pc_vcpu_);
                if (!line(GIC_LINE_IRQ)) break;
                HC_CALL(pc_vcpu_, host_irqs());
            }
            if ((h_->resched[idx_] || t_ >= slice_end_) && h_->sched.has_runnable(idx_, t_)) {
                /* preempted by a woken vCPU or at the end of the slice */
                wakeup_ = h_->resched[idx_] && t_ < slice_end_;
                h_->resched[idx_] = 0;
                HC_CALL(pc_vcpu_, put(v, false));
                if (wakeup_)
                    h_->sched.enqueue(v);
                else
                    HC_CALL(pc_vcpu_, requeue(v));
                HC_RETURN(pc_vcpu_);
            }
            h_->resched[idx_] = 0;
            HC_CALL(pc_vcpu_, enter(v));
            continue;
        }
        if (line(GIC_LINE_VIRQ)) {
            v.native_wfi = false; /* a vIRQ wakes a native WFI without an exit */
            HC_CALL(pc_vcpu_, guest_irq(v));
            continue;
        }
        if (t_ >= slice_end_) {
            if (h_->sched.has_runnable(idx_, t_) || !pinned_) {
                v.native_wfi = false;
                HC_CALL(pc_vcpu_, exit(v, EXIT_SLICE));
                HC_CALL(pc_vcpu_, put(v, false));
                HC_CALL(pc_vcpu_, requeue(v));
                HC_RETURN(pc_vcpu_);
            }
            slice_end_ = t_ + slice_ps_;
        }
        if (hp_.guest_wfi && v.ap.empty() && !lr_busy(v) && v.twi_clear) {
            /* HCR_EL2.TWI clear (decided at the load): the WFI executes in
             * the guest, no exit, the vPE stays resident. A vLPI or vSGI
             * for it raises vIRQ and the guest takes it; a host interrupt
             * (a doorbell for another vCPU, a kick, a reschedule SGI) exits
             * as from a busy guest. One WFI until one of them (the slice's
             * end without an exit leaves the guest in it). */
            if (!v.native_wfi) {
                v.native_wfi = true;
                h_->cnt.wfi_native++;
                log_step("wfi native");
            }
        } else if (hp_.guest_wfi && v.ap.empty() && !lr_busy(v)) {
            /* WFI traps (HCR_EL2.TWI set at the load); kvm_vcpu_wfi
             * (current mainline): kvm_vgic_put with IN_WFI (the vPE
             * non-resident with a doorbell), then
             * kvm_vcpu_halt, which blocks only if kvm_arch_vcpu_runnable
             * finds nothing pending (the vgic's ap_list and list registers,
             * GICv4: the vPE's PendingLast), then kvm_vgic_load. A wake-up,
             * an injection or a doorbell while the vgic put runs (other CPUs
             * run between its accesses) makes it runnable (the check after
             * kvm_vcpu_block's prepare). With a poll window, kvm_vcpu_halt
             * first polls (halt_poll): something pending before the window
             * ends and the vCPU thread never leaves the CPU */
            HC_CALL(pc_vcpu_, exit(v, EXIT_WFI));
            v.runnable = false;
            log_step("wfi put");
            wf_t0_ = t_;
            HC_CALL(pc_vcpu_, vgic_put(v, true, true));
            charge(HC_PUT, wf_t0_);
            if (v.pending_last) h_->cnt.pending_last++;
            if (hp_.halt_poll_ns) {
                /* kvm_vcpu_halt (polling allowed: a maximum window): the
                 * window clamped to the maximum, a poll if it is not 0 (its
                 * first kvm_vcpu_check_block may end it at once) */
                v.halt_start_ps = t_;
                if (v.halt_poll_ns > hp_.halt_poll_ns) v.halt_poll_ns = hp_.halt_poll_ns;
                if (v.halt_poll_ns) HC_CALL(pc_vcpu_, halt_poll(v));
                /* kvm_vcpu_block then waits unless something is pending
                 * (waited = false): the poll counts as successful
                 * (update_halt_poll_stats with !waited, even when what is
                 * pending came after the poll), and the window adapts to
                 * the halt now, which takes some time even when nothing
                 * waits (the kernel's clock reads around kvm_vcpu_block:
                 * taken as 1 ns, so a window of 0 grows as in Linux); after
                 * a wait it adapts at the load (load) */
                const bool waited = !wfi_pending(v);
                if (v.halt_poll_ns) halt_poll_done(!waited);
                if (!waited) halt_adapt(v, std::max<uint64_t>(t_ - v.halt_start_ps, 1000));
            }
            if (wfi_pending(v)) {
                /* not blocked: no schedule(), no vcpu_put/vcpu_load */
                v.runnable = true;
                h_->cnt.wfi_no_block++;
                log_step("wfi load");
                wf_t0_ = t_;
                HC_CALL(pc_vcpu_, vgic_load(v, true));
                h_->cost_ps[HC_LOAD] += t_ - wf_t0_ - vl_vmovp_ps_;
                HC_CALL(pc_vcpu_, enter(v));
                continue;
            }
            /* schedule(): kvm_sched_out -> kvm_arch_vcpu_put, whose
             * kvm_vgic_put saves the virtual interface again (the vPE is
             * already non-resident); the load after the wake-up restores it
             * twice (see load) */
            v.in_wfi = true;
            HC_CALL(pc_vcpu_, put(v, true));
            if (v.runnable || !v.ap.empty())
                h_->sched.requeue_front(v);
            else
                h_->cnt.blocks++;
            HC_RETURN(pc_vcpu_);
        }
        /* in the guest until an interrupt or the end of the slice */
        wait_lines((1u << GIC_LINE_IRQ) | (1u << GIC_LINE_VIRQ), slice_end_);
        HC_WAIT(pc_vcpu_);
    }
    HC_END(pc_vcpu_);
}

/* End of a slice: back into a run queue, maybe another CPU's (migration);
 * an idle CPU that gets it is woken with a reschedule IPI. */
bool hyp_cpu::requeue(hyp_vcpu &v)
{
    HC_BEGIN(pc_req_);
    h_->sched.requeue_after_slice(v, idx_);
    if (v.home != idx_) h_->cpus_[v.home]->poke(t_);
    if (v.home != idx_ && h_->idle[v.home]) {
        rq_t0_ = t_;
        HC_CALL(pc_req_, send_sgi(v.home, 0));
        h_->cnt.kicks++;
        charge(HC_KICK, rq_t0_);
    }
    HC_END(pc_req_);
}

/* ICH_VTR_EL2.PREbits [28:26]: the number of ICH_AP<n>R<m>_EL2 per group */
static uint32_t napr(uint64_t vtr) { return 1u << ((((vtr >> 26) & 7) + 1) - 5); }

bool hyp_cpu::lr_busy(const hyp_vcpu &v) const
{
    for (uint64_t lr : v.lr)
        if (lr & kLrState) return true;
    return false;
}

/* kvm_vcpu_check_block for a vCPU in kvm_vcpu_wfi: kvm_arch_vcpu_runnable ->
 * kvm_vgic_vcpu_pending_irq (its_vpe.pending_last, set at the put or by the
 * doorbell handler; the ap_list; the list registers), or made runnable (a
 * doorbell or a wake-up while it was being put) */
bool hyp_cpu::wfi_pending(const hyp_vcpu &v) const
{
    return v.runnable || v.pending_last || !v.ap.empty() || lr_busy(v);
}

/* kvm_vcpu_halt's poll (virt/kvm/kvm_main.c): kvm_vcpu_check_block again and
 * again, with interrupts enabled (the doorbell handler sets its_vpe.pending_last,
 * an injection from another CPU puts the vINTID on the ap_list), for at most
 * the vCPU's window, and only while the vCPU thread is the only task of the
 * CPU (kvm_vcpu_can_poll: single_task_running, need_resched: a vCPU queued
 * here ends it), or until something is pending; hp_len_: how long it polled.
 * The spinning is host CPU time (halt_poll); the interrupts taken meanwhile
 * are charged to their own categories. Other CPUs poke the poller when they
 * change what it checks (inject, wake, requeue). */
bool hyp_cpu::halt_poll(hyp_vcpu &v)
{
    HC_BEGIN(pc_poll_);
    log_step("halt poll");
    hp_start_ = hp_seg_ = t_;
    hp_stop_ = t_ + v.halt_poll_ns * 1000;
    v.halt_polling = true;
    polling_ = true;
    h_->cnt.halt_polls++;
    for (;;) {
        HC_AT(pc_poll_);
        if (line(GIC_LINE_IRQ)) {
            charge(HC_HALT_POLL, hp_seg_);
            HC_CALL(pc_poll_, host_irqs());
            hp_seg_ = t_;
            continue;
        }
        if (wfi_pending(v)) break;
        if (t_ >= hp_stop_ || h_->sched.has_runnable(idx_, t_)) break;
        {
            /* until an interrupt, a poke or the end of the window (or a held
             * vCPU's release, which may queue it here) */
            const uint64_t hold = h_->sched.hold_until();
            wait_lines(1u << GIC_LINE_IRQ, hold > t_ && hold < hp_stop_ ? hold : hp_stop_);
        }
        HC_WAIT(pc_poll_);
    }
    charge(HC_HALT_POLL, hp_seg_);
    polling_ = false;
    v.halt_polling = false;
    hp_len_ = t_ - hp_start_;
    HC_END(pc_poll_);
}

/* A poll's statistics (update_halt_poll_stats): successful when the vCPU
 * thread did not wait after it. */
void hyp_cpu::halt_poll_done(bool success)
{
    if (success) {
        h_->cnt.halt_poll_successes++;
        h_->cnt.halt_poll_success_ps += hp_len_;
    } else {
        h_->cnt.halt_poll_fail_ps += hp_len_;
    }
}

/* kvm_vcpu_halt after the halt (halt_ps: from its start until the vCPU runs
 * on): no change if the halt fit in the window; after a halt longer than the
 * maximum a non-zero window shrinks (shrink_halt_poll_ns: divided by
 * halt_poll_ns_shrink, 0 below halt_poll_ns_grow_start); after a shorter one
 * a window below the maximum grows (grow_halt_poll_ns: times
 * halt_poll_ns_grow, at least halt_poll_ns_grow_start; clamped to the
 * maximum at the next halt). arm64 has no invalid wake-ups
 * (vcpu_valid_wakeup is always true there). */
void hyp_cpu::halt_adapt(hyp_vcpu &v, uint64_t halt_ps)
{
    const uint64_t max = hp_.halt_poll_ns, halt_ns = halt_ps / 1000;
    if (halt_ns <= v.halt_poll_ns) return;
    if (v.halt_poll_ns && halt_ns > max) {
        uint64_t val = hp_.halt_poll_ns_shrink ? v.halt_poll_ns / hp_.halt_poll_ns_shrink : 0;
        if (val < hp_.halt_poll_ns_grow_start) val = 0;
        v.halt_poll_ns = val;
    } else if (v.halt_poll_ns < max && halt_ns < max && hp_.halt_poll_ns_grow) {
        uint64_t val = v.halt_poll_ns * hp_.halt_poll_ns_grow;
        if (val < hp_.halt_poll_ns_grow_start) val = hp_.halt_poll_ns_grow_start;
        v.halt_poll_ns = val;
    }
}

/* vcpu_load: scheduler switch; vgic_v3_load: ICH_VMCR_EL2 and the active
 * priority registers (__vgic_v3_restore_vmcr_aprs: ICH_VTR_EL2 says how many
 * are implemented), GICv4: ICH_HCR_EL2.En (__vgic_v3_activate_traps, a VM
 * with vPEs); then vgic_v4_load: VMOVP if the vPE moved
 * (its_vpe_set_affinity), then its_vpe_schedule / its_vpe_4_1_schedule.
 * The VMOVP counts as VMOVP, not as load. */
bool hyp_cpu::load(hyp_vcpu &v)
{
    HC_BEGIN(pc_load_);
    log_step("load");
    ld_t0_ = t_;
    add_ps(switch_restore_ps_);
    if (v.in_wfi) {
        /* woken from kvm_vcpu_wfi's halt: kvm_arch_vcpu_load runs with
         * IN_WFI still set (vgic_v4_load does nothing), then kvm_vcpu_wfi
         * clears it and calls kvm_vgic_load again, which makes the vPE
         * resident */
        HC_CALL(pc_load_, vgic_load(v, false));
        HC_CALL(pc_load_, timer_load()); /* (kvm_arch_vcpu_load's, before kvm_vcpu_wfi's vgic load) */
        v.in_wfi = false;
        /* kvm_vcpu_block has returned: kvm_vcpu_halt adapts the window to
         * the halt's length (from kvm_vcpu_halt's start to here) */
        if (hp_.halt_poll_ns) halt_adapt(v, t_ - v.halt_start_ps);
        HC_CALL(pc_load_, vgic_load(v, true));
    } else {
        HC_CALL(pc_load_, vgic_load(v, true));
        HC_CALL(pc_load_, timer_load());
    }
    /* kvm_arch_vcpu_load -> kvm_vcpu_should_clear_twi: with the default
     * policy TWI is cleared when single_task_running() (no other vCPU
     * thread runnable on this CPU: a blocked one is in no run queue) and
     * the vCPU has direct-injected interrupts (its_vpe.vlpi_count, or the
     * VM's nassgireq: GICv4.1 vSGIs); kept until the next load */
    v.twi_clear = twi_policy_ == TWI_NOTRAP ||
                  (twi_policy_ == TWI_SINGLE_TASK && h_->mode().direct && (h_->mode().v41 || v.vlpi_count) &&
                   !h_->sched.has_runnable(idx_, t_));
    v.native_wfi = false;
    if (v.twi_clear) h_->cnt.loads_twi_clear++;
    v.loaded_on = (int)idx_;
    h_->loaded[idx_] = (int)v.id;
    v.loads++;
    h_->cnt.loads++;
    ld_lat_ = t_ - ld_t0_ - vl_vmovp_ps_;
    h_->load_latency.add(ld_lat_);
    h_->cost_ps[HC_LOAD] += ld_lat_;
    HC_END(pc_load_);
}

/* kvm_vgic_load (vgic_v3_load): ICH_VMCR_EL2, ICH_VTR_EL2 and the APRs,
 * GICv4: ICH_HCR_EL2.En; with_vpe: vgic_v4_load (VMOVP if the vPE moved,
 * the schedule, GICv4.0: the doorbell cleared). The VMOVP's time is in
 * vl_vmovp_ps_ (counted as VMOVP, not by the caller). */
bool hyp_cpu::vgic_load(hyp_vcpu &v, bool with_vpe)
{
    HC_BEGIN(pc_vload_);
    vl_vpe_ = with_vpe;
    vl_vmovp_ps_ = 0;
    HC_AT(pc_vload_);
    sw(GIC_ICH_VMCR_EL2, v.vmcr ? v.vmcr : kVmcrDefault);
    HC_AT(pc_vload_);
    ld_napr_ = napr(sr(GIC_ICH_VTR_EL2));
    for (ld_i_ = ld_napr_; ld_i_-- > 0;) {
        HC_AT(pc_vload_);
        sw((gic_sysreg_t)(GIC_ICH_AP0R0_EL2 + ld_i_), v.ap0r[ld_i_]);
    }
    for (ld_i_ = ld_napr_; ld_i_-- > 0;) {
        HC_AT(pc_vload_);
        sw((gic_sysreg_t)(GIC_ICH_AP1R0_EL2 + ld_i_), v.ap1r[ld_i_]);
    }
    if (h_->mode().direct) {
        HC_AT(pc_vload_);
        sw(GIC_ICH_HCR_EL2, kIchHcrEn);
        if (vl_vpe_ && v.mapped_cpu != idx_) {
            vl_t0_ = t_;
            HC_CALL(pc_vload_, vmovp(v));
            vl_vmovp_ps_ = t_ - vl_t0_;
        }
    }
    if (!vl_vpe_) {
        /* the vPE stays non-resident */
    } else if (h_->mode().v41) {
        /* its_vpe_4_1_schedule: by vPEID; the wait for the VPT parse comes
         * at the next entry (vgic_v4_commit) */
        HC_AT(pc_vload_);
        mmio_write(h_->gicr(idx_) + kVpendbaser, 8, kVpendValid | kVpendVgrp1En | v.vpeid);
        v.vpe_resident = true;
        v.vpe_ready = false;
    } else if (h_->mode().direct) {
        /* its_make_vpe_resident, GICv4.0: the doorbell disabled first
         * ("as we're about to enter the guest": disable_irq_nosync, which
         * masks it at once, IRQ_DISABLE_UNLAZY, unless the doorbell handler
         * or an earlier load already did) */
        if (!v.db_masked) HC_CALL(pc_vload_, db_mask(v, true));
        /* its_vpe_schedule: PendingLast is written 1 (the VPT may hold
         * pending vLPIs), IDAI as read at the last deschedule */
        HC_AT(pc_vload_);
        mmio_write(h_->gicr(idx_) + kVpropbaser, 8, h_->vprop[v.vm] | (h_->vbits - 1));
        HC_AT(pc_vload_);
        mmio_write(h_->gicr(idx_) + kVpendbaser, 8,
                   v.vpt | kVpendValid | kVpendPendingLast | (v.idai ? kVpendIdai : 0));
        v.vpe_resident = true;
        /* vgic_v4_load, GICv4.0 only: a doorbell still pending is dropped now
         * that the vPE is resident (its_vpe_set_irqchip_state with DirectLPI:
         * GICR_CLRLPIR at the vPE's redistributor, then GICR_SYNCR polled
         * until the redistributor is done) */
        HC_CALL(pc_vload_, direct_lpi(idx_, kGicrClrlpir, h_->db_base + v.vpeid));
    }
    HC_END(pc_vload_);
}

/* kvm_arch_vcpu_load -> kvm_timer_vcpu_load (VHE, a GIC with an active
 * state): kvm_timer_vcpu_load_gic for the guest's virtual and physical
 * timers, each set_timer_irq_phys_active -> irq_set_irqchip_state(ACTIVE)
 * -> gic_poke_irq: a GICR_ICACTIVER0 write for the host PPI, inactive as the
 * model has no guest timer firing (GICR_ISACTIVER0 when it is). */
bool hyp_cpu::timer_load()
{
    HC_BEGIN(pc_timer_);
    HC_AT(pc_timer_);
    mmio_write(h_->gicr(idx_) + kGicrIcactiver0, 4, 1u << kVtimerPpi);
    HC_AT(pc_timer_);
    mmio_write(h_->gicr(idx_) + kGicrIcactiver0, 4, 1u << kPtimerPpi);
    HC_END(pc_timer_);
}

/* Poll GICR_VPENDBASER.Dirty until the redistributor is done (its_clear_vpend_valid,
 * GICv4.0 and GICv4.1; GICv4.1 loads too); the last value read in pd_last_. */
bool hyp_cpu::poll_dirty(uint64_t vpendbaser)
{
    HC_BEGIN(pc_dirty_);
    pd_addr_ = vpendbaser;
    for (pd_i_ = 0; pd_i_ < 100000; pd_i_++) {
        HC_AT(pc_dirty_);
        pd_last_ = mmio_read(pd_addr_, 8);
        if (!(pd_last_ & kVpendDirty)) HC_RETURN(pc_dirty_);
        add_ps(dirty_poll_ps_);
    }
    SC_REPORT_WARNING(name(), "GICR_VPENDBASER.Dirty did not clear");
    h_->cnt.mmio_errors++;
    HC_END(pc_dirty_);
}

/* GICv4.0: mask or unmask v's doorbell LPI (its_vpe_mask_irq /
 * its_vpe_unmask_irq): lpi_write_config clears or sets the enable bit of its
 * byte in the host's LPI property table (RAM), then its_vpe_send_inv ->
 * __direct_lpi_inv (GICR_TYPER.DirectLPI): GICR_INVLPIR with the doorbell's
 * INTID at the redistributor the vPE is mapped to (irq_to_cpuid_lock:
 * vpe->col_idx), then GICR_SYNCR read until 0 (wait_for_syncr). The state
 * changes first (genirq changes it under the descriptor lock, held across
 * the accesses). The time is the accesses'; the caller charges it. */
bool hyp_cpu::db_mask(hyp_vcpu &v, bool masked)
{
    HC_BEGIN(pc_dbm_);
    v.db_masked = masked;
    (masked ? h_->cnt.db_masks : h_->cnt.db_unmasks)++;
    dm_rd_ = v.mapped_cpu;
    dm_intid_ = h_->db_base + v.vpeid;
    HC_AT(pc_dbm_);
    {
        const uint8_t p = kLpiPropDefault | (masked ? 0 : kLpiPropEnabled);
        log_step(masked ? "W LPI_PROP doorbell disabled" : "W LPI_PROP doorbell enabled");
        mem_write(h_->boot.prop_base + (dm_intid_ - 8192), &p, 1);
    }
    HC_CALL(pc_dbm_, direct_lpi(dm_rd_, kGicrInvlpir, dm_intid_));
    HC_END(pc_dbm_);
}

/* A DirectLPI operation at redistributor rd and its completion, as Linux
 * makes them (__direct_lpi_inv, its_vpe_set_irqchip_state, its_vpe_db_proxy_move):
 * intid written to the GICR register at off (GICR_INVLPIR, GICR_CLRLPIR),
 * then GICR_SYNCR read until 0 (wait_for_syncr, without a delay). */
bool hyp_cpu::direct_lpi(uint32_t rd, uint64_t off, uint32_t intid)
{
    HC_BEGIN(pc_dlpi_);
    dl_rd_ = rd;
    dl_off_ = off;
    dl_intid_ = intid;
    HC_AT(pc_dlpi_);
    mmio_write(h_->gicr(dl_rd_) + dl_off_, 8, dl_intid_);
    for (;;) {
        HC_AT(pc_dlpi_);
        if (!(mmio_read(h_->gicr(dl_rd_) + kGicrSyncr, 4) & 1u)) break;
    }
    HC_END(pc_dlpi_);
}

/* vcpu_put: vgic_v3_put: the active priority registers and ICH_VMCR_EL2
 * (__vgic_v3_save_vmcr_aprs), then vgic_v4_put (its_vpe_deschedule: Valid
 * = 0, PendingLast and IDAI read back; GICv4.1: its_vpe_4_1_deschedule),
 * then GICv4: ICH_HCR_EL2 = 0 (__vgic_v3_deactivate_traps). */
bool hyp_cpu::put(hyp_vcpu &v, bool blocking)
{
    HC_BEGIN(pc_put_);
    log_step(blocking ? "put blocking" : "put");
    pu_t0_ = t_;
    add_ps(save_ps_);
    /* a vCPU blocked in kvm_vcpu_wfi was already put by kvm_vgic_put there:
     * its vPE is not resident any more */
    HC_CALL(pc_put_, vgic_put(v, blocking, !v.in_wfi));
    v.loaded_on = -1;
    h_->loaded[idx_] = -1;
    h_->cnt.puts++;
    h_->put_latency.add(t_ - pu_t0_);
    charge(HC_PUT, pu_t0_);
    HC_END(pc_put_);
}

/* kvm_vgic_put (vgic_v3_put): the APRs and ICH_VMCR_EL2
 * (__vgic_v3_save_vmcr_aprs), with_vpe: vgic_v4_put (a doorbell when
 * blocking: IN_WFI), GICv4: ICH_HCR_EL2 = 0 (__vgic_v3_deactivate_traps). */
bool hyp_cpu::vgic_put(hyp_vcpu &v, bool blocking, bool with_vpe)
{
    HC_BEGIN(pc_vput_);
    pu_blocking_ = blocking;
    pu_vpe_ = with_vpe;
    HC_AT(pc_vput_);
    pu_napr_ = napr(sr(GIC_ICH_VTR_EL2));
    for (pu_i_ = pu_napr_; pu_i_-- > 0;) {
        HC_AT(pc_vput_);
        v.ap0r[pu_i_] = (uint32_t)sr((gic_sysreg_t)(GIC_ICH_AP0R0_EL2 + pu_i_));
    }
    for (pu_i_ = pu_napr_; pu_i_-- > 0;) {
        HC_AT(pc_vput_);
        v.ap1r[pu_i_] = (uint32_t)sr((gic_sysreg_t)(GIC_ICH_AP1R0_EL2 + pu_i_));
    }
    HC_AT(pc_vput_);
    v.vmcr = sr(GIC_ICH_VMCR_EL2);
    if (!pu_vpe_) {
        /* the vPE is not resident */
    } else if (h_->mode().v41) {
        v.pending_last = false;
        /* its_vpe_4_1_deschedule: DB = 1 (a doorbell wanted: blocking) or
         * PendingLast = 1 (no doorbell: preempted, runnable);
         * its_clear_vpend_valid: read-modify-write (VGrp1En and vPEID stay) */
        HC_AT(pc_vput_);
        pu_r_ = mmio_read(h_->gicr(idx_) + kVpendbaser, 8);
        HC_AT(pc_vput_);
        mmio_write(h_->gicr(idx_) + kVpendbaser, 8,
                   (pu_r_ & ~(kVpendValid | kVpendDb | kVpendPendingLast)) |
                       (pu_blocking_ ? kVpendDb : kVpendPendingLast));
        v.vpe_resident = false;
        /* its_clear_vpend_valid polls Dirty and returns the last value read:
         * PendingLast comes from it (no further read) */
        HC_CALL(pc_vput_, poll_dirty(h_->gicr(idx_) + kVpendbaser));
        v.pending_last = pu_blocking_ && (pd_last_ & kVpendPendingLast) != 0;
        v.vpe_ready = false;
    } else if (h_->mode().direct) {
        v.pending_last = false;
        /* its_make_vpe_non_resident, GICv4.0: a doorbell wanted (IN_WFI,
         * vgic_v4_want_doorbell) enables the doorbell before the deschedule
         * ("Undo the nested disable_irq() calls": enable_irq until enabled,
         * the last one unmasks it); otherwise it stays masked */
        if (pu_blocking_ && v.db_masked) HC_CALL(pc_vput_, db_mask(v, false));
        HC_AT(pc_vput_);
        pu_r_ = mmio_read(h_->gicr(idx_) + kVpendbaser, 8);
        HC_AT(pc_vput_);
        mmio_write(h_->gicr(idx_) + kVpendbaser, 8, pu_r_ & ~kVpendValid);
        v.vpe_resident = false;
        /* its_vpe_deschedule: the same its_clear_vpend_valid as GICv4.1,
         * which polls Dirty (GICv4.0 has it too: set until the write-back of
         * the vPE's pending vLPIs is done); PendingLast and IDAI come from
         * its last read */
        HC_CALL(pc_vput_, poll_dirty(h_->gicr(idx_) + kVpendbaser));
        v.pending_last = (pd_last_ & kVpendPendingLast) != 0;
        v.idai = (pd_last_ & kVpendIdai) != 0;
    }
    if (h_->mode().direct) {
        HC_AT(pc_vput_);
        sw(GIC_ICH_HCR_EL2, 0);
    }
    HC_END(pc_vput_);
}

/* VMOVP + VSYNC to every ITS (one ITS when GITS_TYPER.VMOVP = 1), waited
 * for under the ITS lock (its_send_vmovp); GICv4.0: then the doorbell
 * cleared at the old redistributor (its_vpe_db_proxy_move). */
bool hyp_cpu::vmovp(hyp_vcpu &v)
{
    HC_BEGIN(pc_vmovp_);
    vm_t0_ = t_;
    HC_AT(pc_vmovp_);
    while (h_->its_owner >= 0) {
        /* another CPU holds the lock: woken when it releases it */
        h_->its_waiters.push_back(this);
        waiting_ = W_LOCK;
        HC_WAIT(pc_vmovp_);
    }
    h_->its_owner = (int)idx_;
    {
        const gic_config_t &g = h_->gic_config();
        vm_n_ = g.its_vmovp_single ? 1 : g.num_its;
        vm_itslist_ = g.num_its >= 16 ? 0xffffu : (1u << g.num_its) - 1;
        vm_seq_ = h_->vmovp_seq++;
    }
    for (vm_i_ = 0; vm_i_ < vm_n_; vm_i_++) {
        vm_cmds_.resize(2);
        if (h_->mode().v41)
            gic_cmd_vmovp41(vm_cmds_[0].data(), vm_seq_, vm_itslist_, v.vpeid, h_->rdbase(idx_), true,
                            h_->db_base + v.vpeid);
        else
            gic_cmd_vmovp(vm_cmds_[0].data(), vm_seq_, vm_itslist_, v.vpeid, h_->rdbase(idx_));
        gic_cmd_vsync(vm_cmds_[1].data(), v.vpeid);
        /* its_send_vmovp: to one ITS (GITS_TYPER.VMOVP, no its_list_map),
         * its_send_single_vcommand, whose its->lock is released before the
         * wait; to every ITS, all under vmovp_lock, held to the end */
        HC_CALL(pc_vmovp_, its_submit(vm_i_, &vm_cmds_, vm_n_ == 1, its_poll_ps_));
        h_->cnt.vmovp++;
        h_->cnt.vsync++;
    }
    HC_AT(pc_vmovp_);
    if (vm_n_ != 1) its_unlock();
    if (!h_->mode().v41) {
        /* its_vpe_set_affinity -> its_vpe_db_proxy_move, GICv4.0 with
         * DirectLPI: the doorbell may be pending (masked) at the old
         * redistributor; it is dropped there (GICR_CLRLPIR, then GICR_SYNCR
         * read until 0, wait_for_syncr) */
        HC_CALL(pc_vmovp_, direct_lpi(v.mapped_cpu, kGicrClrlpir, h_->db_base + v.vpeid));
    }
    v.mapped_cpu = idx_;
    h_->vmovp_latency.add(t_ - vm_t0_);
    charge(HC_VMOVP, vm_t0_);
    HC_END(pc_vmovp_);
}

/* Is an SGI (vINTID 0..15) on the vCPU's software list (KVM's ap_list: the
 * pending ones and those in list registers)? */
bool hyp_cpu::sgi_listed(const hyp_vcpu &v) const
{
    for (uint32_t id : v.ap)
        if (id < 16) return true;
    for (uint64_t lr : v.lr)
        if (lr && (lr & 0xffffffffu) < 16) return true;
    return false;
}

/* Guest entry (kvm_vgic_flush_hwstate): the ap_list into the list register
 * shadow (vgic_flush_lr_state), then ICH_HCR_EL2 and the used list registers
 * (__vgic_v3_restore_state), then HCR_EL2.IMO/FMO (__activate_traps), ERET. */
bool hyp_cpu::enter(hyp_vcpu &v)
{
    HC_BEGIN(pc_enter_);
    log_step("enter");
    for (;;) {
        en_seq_ = v.inject_seq;
        en_t0_ = t_;
        HC_CALL(pc_enter_, flush(v));
        charge(HC_LR, en_t0_);
        /* IN_GUEST_MODE after the flush (kvm_arch_vcpu_ioctl_run): an
         * injection from now on kicks us; one queued since the flush began
         * (KVM_REQ_IRQ_PENDING) aborts the entry (kvm_vcpu_exit_request):
         * kvm_vgic_sync_hwstate, then the flush again */
        h_->in_guest[idx_] = 1;
        if (v.inject_seq == en_seq_) break;
        h_->in_guest[idx_] = 0;
        h_->cnt.entry_aborts++;
        log_step("entry aborted");
        en_t0_ = t_;
        HC_CALL(pc_enter_, save_lrs(v));
        charge(HC_LR, en_t0_);
    }
    if (!v.vpe_ready) {
        /* vgic_v4_commit -> its_commit_vpe: the first entry after a GICv4.1
         * load waits until the redistributor has parsed the VPT
         * (its_wait_vpt_parse_complete: GICR_VPENDBASER read until Dirty = 0,
         * 1 us apart); later entries do not (vpe->ready). Counted as load. */
        en_t0_ = t_;
        HC_CALL(pc_enter_, poll_dirty(h_->gicr(idx_) + kVpendbaser));
        v.vpe_ready = true;
        charge(HC_LOAD, en_t0_);
    }
    en_t0_ = t_;
    HC_AT(pc_enter_);
    sw(GIC_HCR_EL2, kHcrImoFmo);
    add_ps(entry_ps_);
    h_->cnt.entries++;
    charge(HC_ENTRY, en_t0_);
    HC_END(pc_enter_);
}

/* vgic_flush_lr_state: the interrupts already in list registers (pending or
 * active after the last exit) and then the ap_list's pending ones fill the
 * list registers from LR0 on (KVM rebuilds them in ap_list order, used_lrs
 * of them); then __vgic_v3_restore_state: ICH_HCR_EL2 first, then
 * ICH_LR0..used_lrs-1. */
bool hyp_cpu::flush(hyp_vcpu &v)
{
    HC_BEGIN(pc_flush_);
    en_uie_ = false;
    {
        /* what stayed in the list registers, packed from LR0 */
        size_t n = 0;
        for (size_t i = 0; i < v.lr.size(); i++)
            if (v.lr[i] & kLrState) v.lr[n++] = v.lr[i];
        for (size_t i = n; i < v.lr.size(); i++) v.lr[i] = 0;
        v.lr_count = (uint32_t)n;
    }
    for (auto it = v.ap.begin(); it != v.ap.end();) {
        const uint32_t vintid = *it;
        int same = -1;
        for (size_t i = 0; i < v.lr_count; i++)
            if ((uint32_t)v.lr[i] == vintid) same = (int)i;
        if (same >= 0) {
            /* already in a list register: pending there (one interrupt for
             * the guest), or active: pending and active (vgic_v3_populate_lr) */
            if (v.lr[same] & kLrPending)
                h_->cnt.merged++;
            else
                v.lr[same] |= kLrPending;
        } else if (v.lr_count < v.lr.size()) {
            const bool level = h_->level_of(v.vm, vintid) != nullptr;
            v.lr[v.lr_count++] = vintid | (0xa0ull << 48) | kLrGroup1 | kLrPending | (level ? kLrEoi : 0);
        } else {
            en_uie_ = true; /* more than fit: NPIE and UIE maintenance interrupts */
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
    if (en_uie_) h_->cnt.lr_overflow++;
    HC_AT(pc_flush_);
    {
        /* vgic_v3_configure_hcr: En; NPIE and UIE when pending interrupts are
         * left outside the list registers; vSGIEOICount while no SGI of the
         * vCPU is on its software list (GICv4.1: the EOIs of directly injected
         * vSGIs do not count in EOIcount; in this mode the guest's SGIs are
         * all vSGIs); VGrp0EIE / VGrp1DIE from ICH_VMCR_EL2's group enables
         * (VENG0 = 0, VENG1 = 1: the interrupt on a change of either) */
        const uint64_t vmcr = v.vmcr ? v.vmcr : kVmcrDefault;
        sw(GIC_ICH_HCR_EL2, kIchHcrEn | (en_uie_ ? kIchHcrUie | kIchHcrNpie : 0) |
                                (h_->mode().v41 && !sgi_listed(v) ? kIchHcrVsgiEoiCount : 0) |
                                ((vmcr & kVmcrVeng0) ? kIchHcrVgrp0Die : kIchHcrVgrp0Eie) |
                                ((vmcr & kVmcrVeng1) ? kIchHcrVgrp1Die : kIchHcrVgrp1Eie));
    }
    for (fl_i_ = 0; fl_i_ < v.lr_count; fl_i_++) {
        HC_AT(pc_flush_);
        sw((gic_sysreg_t)(GIC_ICH_LR0_EL2 + fl_i_), v.lr[fl_i_]);
        add_ps(lr_ps_);
        h_->cnt.lr_writes++;
    }
    HC_END(pc_flush_);
}

/* Guest exit: HCR_EL2 cleared (__deactivate_traps), then
 * kvm_vgic_sync_hwstate's __vgic_v3_save_state: with list registers in use,
 * ICH_ELRSR_EL2, then for each of the used_lrs list registers a read unless
 * ELRSR says it is empty, and a write of 0; ICH_HCR_EL2 = 0 last. */
bool hyp_cpu::exit(hyp_vcpu &v, exit_why why)
{
    HC_BEGIN(pc_exit_);
    log_step("exit");
    ex_why_ = why;
    ex_t0_ = t_;
    h_->in_guest[idx_] = 0;
    add_ps(exit_ps_);
    HC_AT(pc_exit_);
    sw(GIC_HCR_EL2, 0);
    charge(ex_why_ == EXIT_IRQ ? HC_EXIT_IRQ : ex_why_ == EXIT_TRAP ? HC_IPI : HC_EXIT_OTHER, ex_t0_);
    (ex_why_ == EXIT_IRQ    ? h_->cnt.exits_irq
     : ex_why_ == EXIT_WFI  ? h_->cnt.exits_wfi
     : ex_why_ == EXIT_TRAP ? h_->cnt.exits_trap
                            : h_->cnt.exits_slice)++;
    ex_t1_ = t_;
    HC_CALL(pc_exit_, save_lrs(v));
    charge(HC_LR, ex_t1_);
    HC_CALL(pc_exit_, do_resamples());
    HC_END(pc_exit_);
}

/* kvm_vgic_sync_hwstate's __vgic_v3_save_state: with list registers in use,
 * ICH_ELRSR_EL2, then for each of the used_lrs a read unless ELRSR says it
 * is empty, and a write of 0; ICH_HCR_EL2 = 0 last. */
bool hyp_cpu::save_lrs(hyp_vcpu &v)
{
    HC_BEGIN(pc_save_);
    if (v.lr_count) {
        HC_AT(pc_save_);
        ex_elrsr_ = (uint32_t)sr(GIC_ICH_ELRSR_EL2);
        add_ps(lr_ps_);
    }
    for (ex_i_ = 0; ex_i_ < v.lr_count; ex_i_++) {
        if (ex_elrsr_ & (1u << ex_i_)) {
            v.lr[ex_i_] = 0; /* empty: not read */
        } else {
            HC_AT(pc_save_);
            ex_val_ = sr((gic_sysreg_t)(GIC_ICH_LR0_EL2 + ex_i_));
            add_ps(lr_ps_);
            v.lr[ex_i_] = (ex_val_ & kLrState) ? ex_val_ : 0;
        }
        HC_AT(pc_save_);
        sw((gic_sysreg_t)(GIC_ICH_LR0_EL2 + ex_i_), 0);
        add_ps(lr_ps_);
    }
    v.lr_count = 0;
    HC_AT(pc_save_);
    sw(GIC_ICH_HCR_EL2, 0);
    HC_END(pc_save_);
}

/* The guest's interrupt handler: exception entry, ICC_IAR1_EL1 (to
 * ICV_IAR1_EL1: HCR_EL2.IMO), handler, ICC_EOIR1_EL1, exception return. */
bool hyp_cpu::guest_irq(hyp_vcpu &v)
{
    HC_BEGIN(pc_girq_);
    log_step("guest irq");
    gi_t0_ = t_;
    add_ps(g_entry_ps_);
    HC_AT(pc_girq_);
    gi_vintid_ = (uint32_t)(sr(GIC_ICC_IAR1_EL1) & 0xffffff);
    if (gi_vintid_ >= 1020 && gi_vintid_ < 1024) {
        h_->cnt.guest_spurious++;
        add_ps(g_exit_ps_);
        guest_busy_ps += t_ - gi_t0_;
        HC_RETURN(pc_girq_);
    }
    h_->cnt.guest_acks++;
    v.guest_acks++;
    if (gi_vintid_ < 16)
        h_->ipis.on_guest_ack(hyp_platform::kIpiKey + v.id, gi_vintid_, t_);
    else if (h_->level_of(v.vm, gi_vintid_))
        h_->cnt.level_acks++;
    else
        h_->tracker.on_guest_ack(v.vm, gi_vintid_, t_);
    add_ps(g_handler_ps_);
    HC_AT(pc_girq_);
    sw(GIC_ICC_EOIR1_EL1, gi_vintid_);
    /* the shadow as the hardware has it now (the truth comes at the next exit) */
    for (uint64_t &lr : v.lr)
        if ((lr & kLrState) && (uint32_t)lr == gi_vintid_)
            lr = (lr & kLrPending && lr & kLrActive) ? (lr & ~kLrActive) : 0;
    add_ps(g_exit_ps_);
    guest_busy_ps += t_ - gi_t0_;
    if (hp_.guest_ipi_rate > 0 && hp_.vcpus > 1 && rng_.uniform() < hp_.guest_ipi_rate)
        HC_CALL(pc_girq_, guest_ipi(v));
    HC_END(pc_girq_);
}

/* The guest sends an IPI (SGI 1) to the next vCPU of its VM: its
 * ICC_SGI1R_EL1 write traps (HCR_EL2.IMO: GIC_OUT_TRAP, nothing else in the
 * GIC); the host emulates it (vgic_v3_dispatch_sgi): v4.1 writes GITS_SGIR
 * (the vSGI goes to the vPE directly, or is recorded with its default
 * doorbell), the other modes queue it on the target's ap_list (kick or
 * wake-up as for any injection). Then back into the guest. */
bool hyp_cpu::guest_ipi(hyp_vcpu &v)
{
    HC_BEGIN(pc_gipi_);
    ip_t_ = &h_->vcpus[v.vm * hp_.vcpus + (v.idx + 1) % hp_.vcpus];
    ip_send_ = t_;
    HC_AT(pc_gipi_);
    sw(GIC_ICC_SGI1R_EL1,
       (1ull << (ip_t_->idx % 16)) | ((uint64_t)(ip_t_->idx / 16) << 16) | ((uint64_t)kGuestIpi << 24));
    h_->cnt.guest_ipis++;
    HC_CALL(pc_gipi_, exit(v, EXIT_TRAP)); /* the trap is a full exit (vgic state saved: __vgic_v3_save_state) */
    ip_t0_ = t_;
    ip_resident_ = h_->resident(*ip_t_, h_->mode().v41); /* (v4.1: a vSGI; otherwise injected) */
    if (h_->mode().v41) {
        HC_AT(pc_gipi_);
        mmio_write(h_->gits(0) + GIC_GITS_SGIR_OFFSET, 8, gic_gits_sgir_value(ip_t_->vpeid, kGuestIpi));
        {
            /* pending no sooner than the ITS's vPE lookup and the redistributor's hop */
            const gic_config_t &g = h_->gic_config();
            const uint64_t fastest = (uint64_t)(g.its_translate_cycles + g.lat_redist_to_cpu) * g.clock_period_ps;
            h_->ipis.add(hyp_platform::kIpiKey + ip_t_->id, kGuestIpi, ip_t_->id, ip_send_, ip_resident_, true,
                         t_ + fastest);
        }
        charge(HC_IPI, ip_t0_);
    } else {
        h_->ipis.add(hyp_platform::kIpiKey + ip_t_->id, kGuestIpi, ip_t_->id, ip_send_, ip_resident_, false);
        charge(HC_IPI, ip_t0_);
        HC_CALL(pc_gipi_, inject(ip_t_, kGuestIpi));
    }
    HC_CALL(pc_gipi_, enter(v)); /* back to the guest, with whatever was queued for it meanwhile */
    HC_END(pc_gipi_);
}

/* ---- host ------------------------------------------------------------------------------ */

/* Physical interrupts in host context (HCR_EL2 = 0): one IRQ exception, as
 * mainline Linux takes it (gic_handle_irq -> __gic_handle_irq_from_irqson:
 * one ICC_IAR1_EL1 read; another pending interrupt is another exception,
 * which the callers take while IRQ stays high), the physical platform's
 * `platform.irq_loop` = 0; with irq_loop = 1 (Linux 4.x), acknowledge until
 * 1023 within the exception. `platform.eoi_mode` as on the physical
 * platform: 0, ICC_EOIR1_EL1 after the handler; 1, ICC_EOIR1_EL1 before it
 * and ICC_DIR_EL1 after it. */
bool hyp_cpu::host_irqs()
{
    HC_BEGIN(pc_host_);
    for (;;) {
        hi_t0_ = t_;
        add_ps(host_irq_half_ps_);
        HC_AT(pc_host_);
        hi_intid_ = (uint32_t)(sr(GIC_ICC_IAR1_EL1) & 0xffffff);
        if (hi_intid_ >= 1020 && hi_intid_ < 1024) {
            h_->cnt.host_spurious++;
            add_ps(host_irq_half_ps_);
            charge(HC_HOST_IRQ, hi_t0_);
            HC_RETURN(pc_host_);
        }
        h_->cnt.host_irqs++;
        if (h_->params().eoi_mode) {
            /* EOImode = 1 (Linux at EL2): gic_complete_ack drops the
             * priority before the handler */
            HC_AT(pc_host_);
            sw(GIC_ICC_EOIR1_EL1, hi_intid_);
        }
        charge(HC_HOST_IRQ, hi_t0_);
        HC_CALL(pc_host_, dispatch(hi_intid_));
        hi_t0_ = t_;
        if (!h_->params().eoi_mode) {
            HC_AT(pc_host_);
            sw(GIC_ICC_EOIR1_EL1, hi_intid_); /* priority drop and deactivation */
        } else if (hi_intid_ < 8192) {
            /* gic_eoimode1_eoi_irq: the deactivation after the handler,
             * none for an LPI (it has no active state) */
            HC_AT(pc_host_);
            sw(GIC_ICC_DIR_EL1, hi_intid_);
        }
        add_ps(host_irq_half_ps_);
        charge(HC_HOST_IRQ, hi_t0_);
        if (!h_->params().irq_loop) HC_RETURN(pc_host_);
    }
    HC_END(pc_host_);
}

bool hyp_cpu::dispatch(uint32_t intid)
{
    HC_BEGIN(pc_disp_);
    di_intid_ = intid;
    if (di_intid_ < 16) {
        h_->cnt.sgis++; /* kick / reschedule IPI: the exit was the point */
        HC_RETURN(pc_disp_);
    }
    if (di_intid_ == h_->gic_config().virt_maint_intid) {
        h_->cnt.maint_irqs++; /* the exit refills the list registers */
        HC_RETURN(pc_disp_);
    }
    if (di_intid_ >= 32 && di_intid_ < 1020) {
        di_v_ = nullptr;
        for (const auto &l : h_->levels)
            if (l.spi == di_intid_) {
                di_v_ = &h_->vcpus[l.gvcpu];
                di_vintid_ = l.vintid;
                break;
            }
        if (!di_v_) {
            h_->cnt.unknown_lpis++;
            HC_RETURN(pc_disp_);
        }
        /* VFIO INTx: mask the line, inject; unmasked again at resample */
        HC_AT(pc_disp_);
        mmio_write(h_->gic_config().gicd_base + kGicdIcenabler + (di_intid_ / 32) * 4, 4, 1u << (di_intid_ % 32));
        h_->cnt.level_masked++;
        h_->cnt.level_injections++;
        HC_CALL(pc_disp_, inject(di_v_, di_vintid_));
        HC_RETURN(pc_disp_);
    }
    if (h_->mode().direct && di_intid_ >= h_->db_base && di_intid_ < h_->db_base + h_->vcpus.size()) {
        log_step("doorbell");
        di_t0_ = t_;
        add_ps(doorbell_ps_);
        di_v_ = &h_->vcpus[di_intid_ - h_->db_base];
        h_->cnt.doorbells++;
        /* vgic_v4_doorbell_handler, GICv4.0: "We got the message, no need
         * to fire again": disable_irq_nosync masks the doorbell at once
         * (IRQ_DISABLE_UNLAZY) unless it is already disabled */
        if (!h_->mode().v41 && !di_v_->db_masked) HC_CALL(pc_disp_, db_mask(*di_v_, true));
        charge(HC_DOORBELL, di_t0_);
        if (di_v_->loaded_on >= 0) {
            (di_v_->halt_polling ? h_->cnt.doorbells_polling : h_->cnt.doorbells_runnable)++;
            di_v_->runnable = true; /* being put: it must not block (see run_vcpu) */
        } else if (di_v_->runnable) {
            h_->cnt.doorbells_runnable++;
        } else {
            HC_CALL(pc_disp_, wake(di_v_));
        }
        HC_RETURN(pc_disp_);
    }
    {
        uint32_t dev, vec;
        di_v_ = nullptr;
        di_lpi_ = !h_->mode().direct && h_->device_of_lpi(di_intid_, dev, vec);
        if (di_lpi_) {
            const uint64_t t0 = t_;
            const uint32_t vm = h_->vm_of_device(dev);
            vits_target tg;
            bool hit = false;
            const bool ok = h_->vits[vm]->translate((uint32_t)(h_->params().first_devid + dev), vec, tg, hit);
            add_ps(hit ? vits_hit_ps_ : vits_miss_ps_);
            charge(HC_VITS, t0);
            h_->tracker.on_host_ack(di_intid_, !ok, "vits: no mapping");
            if (ok) {
                di_v_ = &h_->vcpus[vm * hp_.vcpus + tg.vcpu];
                di_vintid_ = tg.vintid;
            }
        }
    }
    if (di_lpi_) {
        if (di_v_) HC_CALL(pc_disp_, inject(di_v_, di_vintid_));
        HC_RETURN(pc_disp_);
    }
    h_->cnt.unknown_lpis++;
    h_->tracker.on_host_ack(di_intid_, true, "host: LPI without a handler");
    HC_END(pc_disp_);
}

/* Queue vintid for v (vgic_queue_irq_unlock) and make sure it is seen:
 * v runs here (flushed at the re-entry), runs elsewhere (kick: IPI), or is
 * blocked (woken). */
bool hyp_cpu::inject(hyp_vcpu *v, uint32_t vintid)
{
    HC_BEGIN(pc_inj_);
    in_v_ = v;
    in_vintid_ = vintid;
    {
        const uint64_t t0 = t_;
        add_ps(inject_ps_);
        in_v_->inject_seq++; /* KVM_REQ_IRQ_PENDING */
        if (in_v_->ap_set.count(in_vintid_)) {
            h_->cnt.merged++;
        } else {
            in_v_->ap.push_back(in_vintid_);
            in_v_->ap_set.insert(in_vintid_);
        }
        charge(HC_INJECT, t0);
    }
    if (in_v_->loaded_on == (int)idx_) HC_RETURN(pc_inj_);
    if (in_v_->loaded_on >= 0) {
        if (h_->in_guest[(uint32_t)in_v_->loaded_on]) {
            in_t1_ = t_;
            in_cpu_ = (uint32_t)in_v_->loaded_on;
            HC_CALL(pc_inj_, send_sgi(in_cpu_, 0));
            h_->cnt.kicks++;
            charge(HC_KICK, in_t1_);
        } else if (in_v_->halt_polling) {
            h_->cpus_[(uint32_t)in_v_->loaded_on]->poke(t_); /* its poll sees the ap_list */
        }
        HC_RETURN(pc_inj_);
    }
    if (!in_v_->runnable) HC_CALL(pc_inj_, wake(in_v_));
    HC_END(pc_inj_);
}

/* kvm_vcpu_wake_up: runnable again, on its home CPU's queue; an idle home
 * CPU gets a reschedule IPI, a busy one is asked to preempt (wakeup
 * preemption of the woken, long-sleeping vCPU thread). */
bool hyp_cpu::wake(hyp_vcpu *v)
{
    HC_BEGIN(pc_wake_);
    wk_v_ = v;
    wk_t0_ = t_;
    add_ps(wake_ps_);
    h_->cnt.wakes++;
    h_->sched.enqueue(*wk_v_);
    wk_home_ = wk_v_->home;
    if (h_->loaded[wk_home_] >= 0) h_->resched[wk_home_] = 1;
    if (wk_home_ != idx_) h_->cpus_[wk_home_]->poke(t_); /* a halt poll there stops: need_resched */
    if (wk_home_ != idx_ && (h_->idle[wk_home_] || h_->in_guest[wk_home_])) {
        HC_CALL(pc_wake_, send_sgi(wk_home_, 0));
        h_->cnt.kicks++;
    }
    charge(HC_WAKE, wk_t0_);
    HC_END(pc_wake_);
}

/* An IPI (smp_send_reschedule, kvm_vcpu_kick): hyp.kick_ns of the host's
 * own work (the IPI's bookkeeping), then the ICC_SGI1R_EL1 write. */
bool hyp_cpu::send_sgi(uint32_t cpu, uint32_t intid)
{
    HC_BEGIN(pc_sgi_);
    add_ps(kick_ps_);
    {
        const uint32_t n = h_->gic_config().cpus_per_cluster ? h_->gic_config().cpus_per_cluster : 16;
        const uint64_t aff0 = cpu % n, aff1 = cpu / n;
        sg_val_ = (1ull << aff0) | (aff1 << 16) | ((uint64_t)intid << 24);
    }
    HC_AT(pc_sgi_);
    sw(GIC_ICC_SGI1R_EL1, sg_val_);
    HC_END(pc_sgi_);
}

/* Level resampling (KVM irqfd resamplefd -> VFIO unmask): the guest
 * deactivated a level interrupt; unmask the physical line, which, if the
 * device still holds it high, becomes pending again and is re-injected. */
bool hyp_cpu::do_resamples()
{
    HC_BEGIN(pc_resamp_);
    for (rs_i_ = 0; rs_i_ < h_->resample[idx_].size(); rs_i_++) {
        HC_AT(pc_resamp_);
        {
            const uint32_t spi = h_->resample[idx_][rs_i_];
            mmio_write(h_->gic_config().gicd_base + kGicdIsenabler + (spi / 32) * 4, 4, 1u << (spi % 32));
            h_->cnt.level_resamples++;
        }
    }
    h_->resample[idx_].clear();
    HC_END(pc_resamp_);
}

} // namespace gictlm
