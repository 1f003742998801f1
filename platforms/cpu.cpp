/* CPU model: Linux-like GIC bring-up and interrupt handling loop. */
#include "cpu.h"

#include "boot_layout.h"

#include "gictlm_driver.h"
#include "tlm_parts.h"

#include <algorithm>
#include <cstring>
#include <string>

using namespace sc_core;

namespace gictlm {

/* register offsets (IHI0069 chapter 12) */
enum : uint64_t {
    GICD_CTLR = 0x0, GICD_TYPER = 0x4, GICD_IGROUPR = 0x80, GICD_ICENABLER = 0x180,
    GICD_ICACTIVER = 0x380, GICD_IPRIORITYR = 0x400, GICD_ICFGR = 0xc00, GICD_IROUTER = 0x6000,
    GICR_CTLR = 0x0, GICR_TYPER = 0x8, GICR_WAKER = 0x14, GICR_PROPBASER = 0x70,
    GICR_PENDBASER = 0x78, GICR_SGI = 0x10000, GICR_IGROUPR0 = GICR_SGI + 0x80,
    GICR_ISENABLER0 = GICR_SGI + 0x100, GICR_ICENABLER0 = GICR_SGI + 0x180,
    GICR_IPRIORITYR = GICR_SGI + 0x400,
    GITS_CTLR = 0x0, GITS_TYPER = 0x8, GITS_CBASER = 0x80, GITS_CWRITER = 0x88,
    GITS_CREADR = 0x90, GITS_BASER = 0x100,
};

uint64_t boot_state::alloc(uint64_t size, uint64_t align)
{
    if (alloc_next < ram_base) alloc_next = ram_base;
    const uint64_t a = boot_layout::align_up(alloc_next, align);
    alloc_next = boot_layout::sat_add(a, size);
    if (alloc_next > ram_base + ram_size) {
        SC_REPORT_WARNING("gictlm/boot", "out of RAM for GIC tables");
        errors++;
    }
    return a;
}

cpu_model::cpu_model(sc_module_name name, const cpu_params &p, gic_tlm *gic, boot_state *boot,
                     msi_tracker *tracker)
    : sc_module(name), socket("socket"), irq("irq"), p_(p), gic_(gic), b_(boot), tracker_(tracker)
{
    SC_THREAD(run);
    if (p_.agenda) gic_->add_line_listener(p_.index, this);
    entry_ps_ = to_ps(p_.entry_latency);
    handler_ps_ = to_ps(p_.handler_time);
    exit_ps_ = to_ps(p_.exit_latency);
}

/* ---- accesses ---------------------------------------------------------------------- */

/* One loosely-timed transaction at the CPU's local time; true when it succeeded. */
bool cpu_model::transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len)
{
    tlm::tlm_generic_payload &gp = gp_;
    tlm_payload_set(gp, cmd, addr, data, len);
    sc_time d = qk_.get_local_time();
    socket->b_transport(gp, d);
    qk_.set(d);
    if (gp.is_response_ok()) return true;
    bus_errors++;
    return false;
}

uint64_t cpu_model::mmio_read(uint64_t addr, unsigned size)
{
    uint64_t v = 0;
    if (!transact(tlm::TLM_READ_COMMAND, addr, reinterpret_cast<unsigned char *>(&v), size))
        SC_REPORT_WARNING(name(), ("read error at 0x" + std::to_string(addr) + ": " +
                                   gp_.get_response_string()).c_str());
    return v;
}

void cpu_model::mmio_write(uint64_t addr, unsigned size, uint64_t val)
{
    if (!transact(tlm::TLM_WRITE_COMMAND, addr, reinterpret_cast<unsigned char *>(&val), size))
        SC_REPORT_WARNING(name(), ("write error at 0x" + std::to_string(addr) + ": " +
                                   gp_.get_response_string()).c_str());
}

void cpu_model::mem_write(uint64_t addr, const void *buf, unsigned len)
{
    transact(tlm::TLM_WRITE_COMMAND, addr,
             const_cast<unsigned char *>(static_cast<const unsigned char *>(buf)), len);
    if (qk_.need_sync()) qk_.sync();
}

uint64_t cpu_model::sysreg_read(gic_sysreg_t r)
{
    uint64_t v = 0;
    sc_time d = qk_.get_local_time();
    if (gic_->sysreg_read(p_.index, r, v, d) != GIC_OK) sysreg_errors++;
    qk_.set(d);
    return v;
}

void cpu_model::sysreg_write(gic_sysreg_t r, uint64_t v)
{
    sc_time d = qk_.get_local_time();
    if (gic_->sysreg_write(p_.index, r, v, d) != GIC_OK) sysreg_errors++;
    qk_.set(d);
}

/* ---- boot (drivers/irqchip/irq-gic-v3.c, irq-gic-v3-its.c) ---------------------------- */

void cpu_model::boot_primary()
{
    boot_state &b = *b_;
    const uint64_t D = b.gicd_base;
    auto wait_rwp = [&](uint64_t addr, uint32_t bit) {
        for (int i = 0; i < 1000 && (mmio_read(addr, 4) & (1u << bit)); i++) qk_.inc(b.poll_interval);
    };
    /* gic_dist_init: disable, configure SPIs as group 1 level, default priority, disabled */
    mmio_write(D + GICD_CTLR, 4, 0);
    wait_rwp(D + GICD_CTLR, 31);
    uint32_t typer = (uint32_t)mmio_read(D + GICD_TYPER, 4);
    uint32_t lines = 32 * ((typer & 0x1f) + 1);
    for (uint32_t i = 32; i < lines; i += 32) {
        mmio_write(D + GICD_IGROUPR + i / 8, 4, 0xffffffffu);
        mmio_write(D + GICD_ICACTIVER + i / 8, 4, 0xffffffffu);
        mmio_write(D + GICD_ICENABLER + i / 8, 4, 0xffffffffu);
    }
    for (uint32_t i = 32; i < lines; i += 16) mmio_write(D + GICD_ICFGR + i / 4, 4, 0);
    for (uint32_t i = 32; i < lines; i += 4) mmio_write(D + GICD_IPRIORITYR + i, 4, 0xa0a0a0a0u);
    wait_rwp(D + GICD_CTLR, 31);
    /* ARE_NS | EnableGrp1A | EnableGrp1 */
    mmio_write(D + GICD_CTLR, 4, (1u << 4) | (1u << 1) | 1u);
    wait_rwp(D + GICD_CTLR, 31);
    for (uint32_t i = 32; i < lines; i++) mmio_write(D + GICD_IROUTER + 8ull * i, 8, 0);

    /* LPI property table: every LPI at LPI_PROP_DEFAULT_PRIO | group 1, disabled */
    if (typer & (1u << 17)) {
        b.lpi_bits = ((typer >> 19) & 0x1f) + 1;
        const uint64_t nlpi = boot_layout::prop_bytes(b.lpi_bits);
        b.prop_base = b.alloc(nlpi, boot_layout::kPage);
        /* (on the thread's stack, not the heap: a boot cut short by the end
         * of the run leaves its thread suspended here, and nothing leaks) */
        uint8_t chunk[4096];
        std::memset(chunk, 0xa0 | 0x2, sizeof chunk);
        for (uint64_t off = 0; off < nlpi; off += sizeof chunk)
            mem_write(b.prop_base + off, chunk, (unsigned)std::min<uint64_t>(sizeof chunk, nlpi - off));
    }

    /* its_probe_one / its_alloc_tables / its_alloc_collections */
    b.its.assign(b.num_its, boot_state::its_state());
    for (uint32_t i = 0; i < b.num_its && b.lpi_bits; i++) {
        boot_state::its_state &s = b.its[i];
        const uint64_t I = b.gits_base + (uint64_t)i * b.gits_stride;
        uint64_t t = mmio_read(I + GITS_TYPER, 8);
        s.itt_esz = (uint32_t)((t >> 4) & 0xf) + 1;
        s.devbits = (uint32_t)((t >> 13) & 0x1f) + 1;
        s.pta = (t >> 19) & 1;
        mmio_write(I + GITS_CTLR, 4, 0);
        for (int k = 0; k < 1000 && !(mmio_read(I + GITS_CTLR, 4) & (1u << 31)); k++)
            qk_.inc(b.poll_interval); /* wait for Quiescent */
        for (uint32_t n = 0; n < 8; n++) {
            uint64_t off = GITS_BASER + 8 * n;
            uint64_t baser = mmio_read(I + off, 8);
            uint32_t type = (uint32_t)((baser >> 56) & 7);
            uint32_t esz = (uint32_t)((baser >> 48) & 0x1f) + 1;
            if (type == 0) continue;
            uint64_t entries = type == 1 ? (1ull << s.devbits) : (type == 4 ? b.num_cpus : 1u << 16);
            const uint64_t page = boot_layout::kPage, psz = 2; /* 64 KiB pages */
            const uint64_t pages = boot_layout::its_table_pages(entries, esz); /* flat: small IDs only beyond it */
            uint64_t base = b.alloc(pages * page, page);
            /* Valid | InnerCache RaWaWb | base | InnerShareable | PageSize | Size */
            uint64_t v = (1ull << 63) | (7ull << 59) | base | (1u << 10) | (psz << 8) | (pages - 1);
            mmio_write(I + off, 8, v);
        }
        s.cmdq = b.alloc(s.cmdq_size, boot_layout::kPage);
        mmio_write(I + GITS_CBASER, 8,
                   (1ull << 63) | (7ull << 59) | s.cmdq | (1u << 10) | (s.cmdq_size / 4096 - 1));
        mmio_write(I + GITS_CWRITER, 8, 0);
        s.cwriter = 0;
        mmio_write(I + GITS_CTLR, 4, 1); /* Enabled */
    }
    b.pend_base.assign(b.num_cpus, 0);
}

void cpu_model::its_cmd(uint32_t its, const uint64_t c[4])
{
    boot_state::its_state &s = b_->its[its];
    uint8_t buf[32];
    for (int w = 0; w < 4; w++)
        for (int k = 0; k < 8; k++) buf[w * 8 + k] = (uint8_t)(c[w] >> (8 * k));
    mem_write(s.cmdq + s.cwriter, buf, 32);
    s.cwriter = (s.cwriter + 32) % s.cmdq_size;
    b_->commands++;
    if (s.cwriter == 0) its_flush(its); /* never let the writer lap the reader */
}

/* Publish GITS_CWRITER and poll GITS_CREADR like its_wait_for_range_completion. */
void cpu_model::its_flush(uint32_t its)
{
    boot_state::its_state &s = b_->its[its];
    const uint64_t I = b_->gits_base + (uint64_t)its * b_->gits_stride;
    mmio_write(I + GITS_CWRITER, 8, s.cwriter);
    sc_time deadline = qk_.get_current_time() + b_->cmd_timeout;
    while (true) {
        uint64_t r = mmio_read(I + GITS_CREADR, 8);
        if ((r & 0xfffe0u) == s.cwriter) return;
        if (r & 1u) {
            b_->errors++;
            SC_REPORT_WARNING(name(), "ITS command queue stalled during boot");
            return;
        }
        if (qk_.get_current_time() > deadline) {
            b_->errors++;
            SC_REPORT_WARNING(name(), "ITS command queue timeout during boot (CREADR != CWRITER)");
            return;
        }
        qk_.inc(b_->poll_interval);
    }
}

void cpu_model::boot_secondary()
{
    boot_state &b = *b_;
    const uint32_t cpu = p_.index;
    const uint64_t R = b.gicr_base + (uint64_t)cpu * b.gicr_stride;
    /* gic_enable_redist: clear ProcessorSleep, wait for ChildrenAsleep == 0 */
    uint64_t waker = mmio_read(R + GICR_WAKER, 4);
    mmio_write(R + GICR_WAKER, 4, waker & ~2ull);
    for (int i = 0; i < 1000 && (mmio_read(R + GICR_WAKER, 4) & 4u); i++) qk_.inc(b.poll_interval);
    /* gic_cpu_config: SGIs/PPIs group 1, default priority, PPIs disabled, SGIs enabled */
    mmio_write(R + GICR_IGROUPR0, 4, 0xffffffffu);
    mmio_write(R + GICR_ICENABLER0, 4, 0xffff0000u);
    mmio_write(R + GICR_ISENABLER0, 4, 0x0000ffffu);
    for (uint32_t i = 0; i < 32; i += 4) mmio_write(R + GICR_IPRIORITYR + i, 4, 0xa0a0a0a0u);
    for (int i = 0; i < 1000 && (mmio_read(R + GICR_CTLR, 4) & 8u); i++) qk_.inc(b.poll_interval);
    /* gic_cpu_sys_reg_init */
    sysreg_write(GIC_ICC_SRE_EL1, 0x7);
    sysreg_write(GIC_ICC_PMR_EL1, 0xf0);
    sysreg_write(GIC_ICC_BPR1_EL1, 0);
    sysreg_write(GIC_ICC_CTLR_EL1, b.eoi_mode ? 2u : 0u); /* EOImode */
    sysreg_write(GIC_ICC_IGRPEN1_EL1, 1);
    if (!b.lpi_bits) return;
    /* its_cpu_init_lpis: pending table (zeroed: PTZ), PROPBASER, PENDBASER, EnableLPIs */
    b.pend_base[cpu] = b.alloc(boot_layout::pend_bytes(b.lpi_bits), boot_layout::kPage);
    mmio_write(R + GICR_PROPBASER, 8, b.prop_base | (7u << 7) | (1u << 10) | (b.lpi_bits - 1));
    mmio_write(R + GICR_PENDBASER, 8, b.pend_base[cpu] | (1ull << 62) | (7u << 7) | (1u << 10));
    mmio_write(R + GICR_CTLR, 4, mmio_read(R + GICR_CTLR, 4) | 1u);
    /* its_cpu_init_collection: MAPC ICID=cpu, SYNC */
    uint64_t proc = (mmio_read(R + GICR_TYPER, 8) >> 8) & 0xffff;
    for (uint32_t i = 0; i < b.num_its; i++) {
        uint64_t rd = b.its[i].pta ? (R >> 16) : proc;
        uint64_t c[4];
        gic_cmd_mapc(c, cpu, rd, true);
        its_cmd(i, c);
        gic_cmd_sync(c, rd);
        its_cmd(i, c);
        its_flush(i);
    }
}

void cpu_model::boot_devices()
{
    boot_state &b = *b_;
    if (!b.lpi_bits) return;
    for (const boot_device &d : b.devices) {
        if (d.its >= b.num_its) continue;
        boot_state::its_state &s = b.its[d.its];
        const uint32_t bits = boot_layout::itt_event_bits(d.vectors);
        uint64_t itt = b.alloc((1ull << bits) * s.itt_esz, boot_layout::kIttAlign);
        uint64_t c[4];
        gic_cmd_mapd(c, d.devid, itt, bits - 1, true);
        its_cmd(d.its, c);
        std::vector<bool> used(b.num_cpus, false);
        for (uint32_t e = 0; e < d.vectors; e++) {
            uint32_t intid = d.first_intid + e;
            uint32_t cpu = d.cpu_of[e] % b.num_cpus;
            used[cpu] = true;
            uint8_t prop = 0xa0 | 0x2 | 0x1; /* lpi_update_config: unmask */
            mem_write(b.prop_base + (intid - 8192), &prop, 1);
            gic_cmd_mapti(c, d.devid, e, intid, cpu);
            its_cmd(d.its, c);
            gic_cmd_devev(c, GITS_CMD_INV, d.devid, e);
            its_cmd(d.its, c);
        }
        for (uint32_t cpu = 0; cpu < b.num_cpus; cpu++) {
            if (!used[cpu]) continue;
            const uint64_t R = b.gicr_base + (uint64_t)cpu * b.gicr_stride;
            gic_cmd_sync(c, s.pta ? (R >> 16) : cpu);
            its_cmd(d.its, c);
        }
        its_flush(d.its);
    }
}

/* ---- run ---------------------------------------------------------------------------------- */

void cpu_model::handle_irqs()
{
    /* Exception entry, then Linux's gic_handle_irq(): read ICC_IAR1_EL1; 1023:
     * return; otherwise (EOImode = 1: ICC_EOIR1_EL1 first, the priority drop
     * of gic_complete_ack()) run the handler, then ICC_EOIR1_EL1 (EOImode = 0)
     * or ICC_DIR_EL1 (EOImode = 1). With irq_loop, again until 1023. */
    sc_time start = qk_.get_current_time(); /* busy: exception entry + handler + exception return */
    qk_.inc(p_.entry_latency);
    bool any = false;
    while (true) {
        /* the tracker's times are those of the accesses (the GIC's
         * acknowledge and deactivation), as the report's stages use */
        const uint64_t t_iar = to_ps(qk_.get_current_time());
        uint64_t iar = sysreg_read(GIC_ICC_IAR1_EL1);
        uint32_t intid = (uint32_t)(iar & 0xffffff);
        if (intid >= 1020 && intid < 1024) break;
        any = true;
        handled++;
        if (tracker_) tracker_->on_ack(p_.index, intid, t_iar);
        if (b_->eoi_mode) sysreg_write(GIC_ICC_EOIR1_EL1, intid); /* priority drop */
        qk_.inc(p_.handler_time);
        if (p_.touch_addr) mmio_read(p_.touch_addr, 4);
        const uint64_t t_eoi = to_ps(qk_.get_current_time());
        if (b_->eoi_mode)
            sysreg_write(GIC_ICC_DIR_EL1, intid); /* deactivate */
        else
            sysreg_write(GIC_ICC_EOIR1_EL1, intid); /* priority drop and deactivate */
        if (tracker_) tracker_->on_eoi(p_.index, intid, t_eoi);
        if (!p_.irq_loop) break;
    }
    qk_.inc(p_.exit_latency);
    busy_ps += to_ps(qk_.get_current_time() - start);
    if (!any) spurious++;
    /* Synchronise, unless nothing in the system can happen (and the IRQ line
     * cannot change) before our local time: then the line read below is the
     * value at that time and the wait would only cost a context switch. */
    if (!gic_->quiet_through(qk_.get_local_time())) qk_.sync();
    /* Nothing acknowledged while the line is high: wait for it to change rather than spin. */
    if (!any && irq.read()) {
        wait(irq.value_changed_event());
        qk_.reset();
    }
}

/* ---- interrupt handling as agenda steps (cpu_params::agenda) ------------------------------ */

/* The same sequence as handle_irqs() and the loop in run(), one step per GIC
 * access, each at the absolute time the thread would make it. */
uint64_t cpu_model::mmio_read_at(uint64_t addr, unsigned size, uint64_t &t_ps)
{
    uint64_t v = 0;
    tlm::tlm_generic_payload &gp = gp_;
    gp.set_command(tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
    gp.set_data_length(size);
    gp.set_streaming_width(size);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time now = sc_time_stamp();
    sc_time d = from_ps(t_ps) - now; /* steps run at or ahead of SystemC time */
    socket->b_transport(gp, d);      /* loosely timed: the target annotates, never waits */
    t_ps = to_ps(now + d);
    if (!gp.is_response_ok()) {
        bus_errors++;
        SC_REPORT_WARNING(name(), ("read error at 0x" + std::to_string(addr) + ": " +
                                   gp.get_response_string()).c_str());
    }
    return v;
}

/* Exception entry at t; returns the time of the ICC_IAR1_EL1 read (S_IAR). */
uint64_t cpu_model::begin_irq(uint64_t t)
{
    idle_ = idle::none;
    gic_->watch_lines(p_.index, false); /* the handler reads the line when it returns */
    irqs++;
    any_ = false;
    start_ps_ = t; /* busy: exception entry + handler + exception return */
    t += entry_ps_;
    return t;
}

/* The handler from t (touching the device if configured); returns its end. */
uint64_t cpu_model::run_handler(uint64_t t)
{
    t += handler_ps_;
    if (p_.touch_addr) mmio_read_at(p_.touch_addr, 4, t);
    return t;
}

/* Exception return from t; returns the time it is done. */
uint64_t cpu_model::end_irq(uint64_t t)
{
    t += exit_ps_;
    busy_ps += t - start_ps_;
    if (!any_) spurious++;
    return t;
}

/* Wait (as the thread would on the signal) for a rising edge or any change. */
void cpu_model::go_idle(idle how, bool level)
{
    idle_ = how;
    idle_level_ = level;
    gic_->watch_lines(p_.index, true);
}

/* One step at t; each phase ends with the next one (time t, kind what),
 * which is scheduled, or, when nothing can come before it, run at once. */
void cpu_model::gic_step(uint64_t t, uint32_t what)
{
    const uint64_t lat = gic_->sysreg_latency_ps();
    if (what & kLineStep) {
        /* a change of one of our lines at t: look at the IRQ level as it is
         * after the changes made so far at this time */
        bool level = gic_->line_level(p_.index, GIC_LINE_IRQ);
        if (idle_ == idle::rise && level && t < ready_ps_) {
            /* raised during the exception return: looked at when it is
             * over, as S_END would have (see S_EOIR) */
            idle_ = idle::none;
            gic_->watch_lines(p_.index, false);
            what = S_END;
            t = ready_ps_;
        } else if (idle_ == idle::rise && level) {
            t = begin_irq(t);
        } else if (idle_ == idle::change && level != idle_level_) {
            if (!level) {
                idle_ = idle::rise;
                return;
            }
            t = begin_irq(t);
        } else {
            return;
        }
        if (what & kLineStep) what = S_IAR;
        if (gic_->schedule_step_or_continue(this, t, what)) return;
    }
    for (;;) {
        switch (what) {
        case S_START: /* first look at the line after the bring-up */
            if (!gic_->line_level(p_.index, GIC_LINE_IRQ)) {
                go_idle(idle::rise, false);
                return;
            }
            t = begin_irq(t);
            what = S_IAR;
            break;
        case S_IAR: {
            uint64_t iar = 0;
            if (gic_->sysreg_read_at(p_.index, GIC_ICC_IAR1_EL1, iar, t) != GIC_OK) sysreg_errors++;
            const uint64_t t_iar = t; /* (the tracker's time: the access's, as handle_irqs) */
            t += lat;
            uint32_t intid = (uint32_t)(iar & 0xffffff);
            if (intid >= 1020 && intid < 1024) {
                t = end_irq(t);
                what = S_END;
                break;
            }
            any_ = true;
            handled++;
            intid_ = intid;
            if (tracker_) tracker_->on_ack(p_.index, intid, t_iar);
            if (b_->eoi_mode) {
                what = S_DROP; /* ICC_EOIR1_EL1 now, the handler after it */
                break;
            }
            t = run_handler(t);
            what = S_EOIR;
            break;
        }
        case S_DROP: /* EOImode = 1: priority drop before the handler */
            if (gic_->sysreg_write_at(p_.index, GIC_ICC_EOIR1_EL1, intid_, t) != GIC_OK) sysreg_errors++;
            t = run_handler(t + lat);
            what = S_DIR;
            break;
        case S_EOIR: /* EOImode = 0: priority drop and deactivation */
        case S_DIR:  /* EOImode = 1: deactivation */
            if (gic_->sysreg_write_at(p_.index, what == S_DIR ? GIC_ICC_DIR_EL1 : GIC_ICC_EOIR1_EL1, intid_, t) !=
                GIC_OK)
                sysreg_errors++;
            if (tracker_) tracker_->on_eoi(p_.index, intid_, t);
            t += lat;
            if (p_.irq_loop) {
                what = S_IAR;
            } else {
                t = end_irq(t);
                what = S_END;
                if (any_ && !gic_->line_level(p_.index, GIC_LINE_IRQ)) {
                    /* The line is low now: S_END at t would find it low
                     * unless it rises before t, and every change until then
                     * comes to us as a line step. So no S_END step: idle
                     * from now on, and a rise before t is looked at at t. */
                    ready_ps_ = t;
                    go_idle(idle::rise, false);
                    return;
                }
            }
            break;
        case S_END: { /* back from the exception: the line as it is now */
            bool level = gic_->line_level(p_.index, GIC_LINE_IRQ);
            if (!any_ && level) {
                go_idle(idle::change, level); /* nothing acknowledged while high */
                return;
            }
            if (!level) {
                go_idle(idle::rise, false);
                return;
            }
            t = begin_irq(t);
            what = S_IAR;
            break;
        }
        default:
            return;
        }
        if (gic_->schedule_step_or_continue(this, t, what)) return;
    }
}

void cpu_model::run()
{
    qk_.reset();
    boot_state &b = *b_;
    if (p_.boot) {
        if (p_.index == 0) {
            boot_primary();
            qk_.sync();
            b.turn_ev.notify(SC_ZERO_TIME);
        }
        qk_.sync();
        while (b.turn != p_.index) wait(b.turn_ev);
        boot_secondary();
        qk_.sync();
        b.turn++;
        b.turn_ev.notify(SC_ZERO_TIME);
        if (p_.index == 0) {
            while (b.turn < b.num_cpus) wait(b.turn_ev);
            boot_devices();
            qk_.sync();
            b.finished = true;
            b.done_time = sc_time_stamp();
            b.done.notify(SC_ZERO_TIME);
        }
    }
    if (p_.agenda) {
        /* hand interrupt handling over to the wrapper's agenda; this thread ends */
        qk_.sync();
        gic_->schedule_step(this, to_ps(sc_time_stamp()), S_START);
        return;
    }
    while (true) {
        /* After a real synchronisation (local offset zero) this is a delta
         * wait: a line written at the very same time is seen. With an offset
         * left by handle_irqs, the system is quiet up to that local time. */
        if (qk_.get_local_time() == SC_ZERO_TIME || !gic_->quiet_through(qk_.get_local_time())) qk_.sync();
        if (!irq.read()) {
            wait(irq.posedge_event());
            qk_.reset();
        }
        irqs++;
        handle_irqs();
    }
}

} // namespace gictlm
