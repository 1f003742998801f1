/* gictlm SystemC/TLM-2.0 wrapper. No functional logic: everything goes through capi/gictlm.h. */
#include "gic_tlm.h"

#include <cstring>
#include <iterator>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

tlm::tlm_response_status tlm_status(gic_status_t st)
{
    switch (st) {
    case GIC_OK: return tlm::TLM_OK_RESPONSE;
    case GIC_ERR_ADDR: return tlm::TLM_ADDRESS_ERROR_RESPONSE;
    case GIC_ERR_SIZE: return tlm::TLM_BURST_ERROR_RESPONSE;
    default: return tlm::TLM_GENERIC_ERROR_RESPONSE;
    }
}

gic_tlm::gic_tlm(sc_module_name name, const gic_config_t &cfg, const gic_tlm_options &opt)
    : sc_module(name), gicd_socket("gicd_socket"), gicr_socket("gicr_socket"),
      gits_socket("gits_socket", cfg.num_its), mem_socket("mem_socket"),
      spi_in("spi_in", cfg.num_spis), ppi_in("ppi_in", cfg.num_cpus * 16),
      irq("irq", cfg.num_cpus), fiq("fiq", cfg.num_cpus), virq("virq", cfg.num_cpus),
      vfiq("vfiq", cfg.num_cpus), cfg_(cfg), opt_(opt)
{
    if (sc_units_per_ps() == 0)
        throw std::runtime_error("gic_tlm: SystemC time resolution must be 1 ps or finer");
    gic_callbacks_t cb;
    std::memset(&cb, 0, sizeof cb);
    cb.ctx = this;
    cb.output = &gic_tlm::on_output;
    cb.log = &gic_tlm::on_log;
    cb.log_level = opt.log_level;
    for (const auto &c : opt.component_log_level)
        if (c.second > cb.log_level) cb.log_level = c.second;
    gic_mem_port_t port;
    port.ctx = this;
    port.access = &gic_tlm::on_mem;
    char err[512] = "";
    g_ = gic_create(&cfg, &cb, opt.use_builtin_memory ? nullptr : &port, err, sizeof err);
    if (!g_) throw std::runtime_error(std::string("gic_tlm: ") + err);
    cfg_ = *gic_get_config(g_);
    if (opt_.lines_passive) opt_.falling_edges_passive = true;
    sim_ = sc_get_curr_simcontext();
    max_time_ = sc_max_time().value();
    sysreg_latency_ps_ = (uint64_t)cfg_.lat_sysreg * cfg_.clock_period_ps;
    sysreg_latency_ = from_ps(sysreg_latency_ps_);

    gicd_socket.register_b_transport(this, &gic_tlm::gicd_b_transport);
    gicd_socket.register_transport_dbg(this, &gic_tlm::gicd_dbg);
    gicd_socket.register_get_direct_mem_ptr(this, &gic_tlm::no_dmi);
    gicr_socket.register_b_transport(this, &gic_tlm::gicr_b_transport);
    gicr_socket.register_transport_dbg(this, &gic_tlm::gicr_dbg);
    gicr_socket.register_get_direct_mem_ptr(this, &gic_tlm::no_dmi);
    for (uint32_t i = 0; i < cfg_.num_its; i++) {
        gits_socket[i].register_b_transport(this, &gic_tlm::gits_b_transport, (int)i);
        gits_socket[i].register_transport_dbg(this, &gic_tlm::gits_dbg, (int)i);
        gits_socket[i].register_get_direct_mem_ptr(this, &gic_tlm::no_dmi_tagged, (int)i);
    }
    listeners_.assign(cfg_.num_cpus, nullptr);
    watching_.assign(cfg_.num_cpus, 0);
    level_.assign((size_t)cfg_.num_cpus * 4, 0);
    spi_last_.assign(cfg_.num_spis, false);
    ppi_last_.assign((size_t)cfg_.num_cpus * 16, false);

    SC_METHOD(driver); /* runs once at time 0, then on wake_ */
    sensitive << wake_;
    if (cfg_.num_spis) {
        SC_METHOD(spi_changed);
        for (auto &p : spi_in) sensitive << p;
        dont_initialize();
    }
    SC_METHOD(ppi_changed);
    for (auto &p : ppi_in) sensitive << p;
    dont_initialize();
}

gic_tlm::~gic_tlm() { gic_destroy(g_); }

void gic_tlm::set_drive_pins(bool on)
{
    if (sc_is_running() || sc_start_of_simulation_invoked())
        throw std::logic_error("gic_tlm: set_drive_pins after the simulation started");
    opt_.drive_pins = on;
}

void gic_tlm::set_log_level(gic_log_level_t lvl)
{
    /* The callbacks are copied at creation; the level is checked in on_log too. */
    opt_.log_level = lvl;
}

/* ---- time --------------------------------------------------------------------- */

/* Time (ps) of the next activity of the SystemC kernel: the current time when
 * something is runnable now or an update/delta notification is pending,
 * kNever when nothing at all is pending. Includes the driver's own wake-up. */
uint64_t gic_tlm::next_activity() const
{
    /* One kernel query: zero when something is pending at the current time,
     * max_time() - now when nothing is pending at all. */
    const uint64_t now = sim_->time_stamp().value();
    const uint64_t d = sc_time_to_pending_activity(sim_).value();
    if (d == max_time_ - now) return kNever;
    const uint64_t u = sc_units_per_ps();
    return u == 1 ? now + d : (now + d) / u;
}

/* True when no SystemC process can run before or at absolute time t (ps):
 * nothing runnable in the current delta, no pending update, and the next
 * timed event is strictly later than t. Then a wait() up to t would only
 * advance time with nobody else running in between, so applying an input at
 * t now (or running the core's own events up to t) reaches the core in
 * exactly the same order and at the same times as with the wait. */
bool gic_tlm::quiet_until(uint64_t t) const { return next_activity() > t; }

/* Time of the first pending line write that another process may react to:
 * every one (all) or, with falling_edges_passive, the first assertion. */
uint64_t gic_tlm::first_blocking_line_queued(bool all) const
{
    for (const line_change &c : lines_)
        if (all || c.level) return c.t;
    return kNever;
}

/* The driver's own work up to absolute time t (posted MSIs, core events), done
 * now by the calling process instead of by driver wake-ups, for as long as no
 * other process is due first and no line write another process may react to
 * is due (same rule as the driver's run-ahead). Returns true when, afterwards,
 * nothing else can happen up to and including t: an input at t can then be
 * applied at once. The driver's wake-up is cancelled only when it is the
 * earliest pending activity and due by t, and renewed only if its time changed. */
bool gic_tlm::catch_up(uint64_t t, bool all_lines)
{
    if (!opt_.run_ahead) return false;
    uint64_t na = next_activity();
    if (na > t) return true;              /* nothing due by t, the driver included */
    if (armed_ps_ > t || na < armed_ps_) return false; /* someone else is due first */
    /* the driver's wake-up is the earliest activity and due by t */
    wake_.cancel();
    armed_ps_ = kNever;
    bool ok = true;
    uint64_t n;
    driving_ = true;
    while (next_work(n) && n <= t) {
        if (!quiet_until(n) || first_blocking_line(all_lines) <= n) {
            ok = false;
            break;
        }
        work_at(n, false);
        st_.caught_up++;
    }
    if (ok) ok = quiet_until(t) && first_blocking_line(all_lines) > t;
    driving_ = false;
    rearm();
    return ok;
}

bool gic_tlm::quiet_through(const sc_time &delay)
{
    if (in_core_) return false;
    return catch_up(to_ps(sc_time_stamp() + delay), true);
}

/* Time at which a synchronous input is applied. With sync_on_access the input
 * reaches the core in global time order: the calling thread waits until its
 * local time, unless nothing else can happen before that time (catch_up), in
 * which case the input is applied at once and the thread keeps its local time
 * offset (temporal decoupling without a context switch). */
uint64_t gic_tlm::input_time(sc_time &delay)
{
    if (delay != SC_ZERO_TIME && opt_.sync_on_access) {
        uint64_t target = to_ps(sc_time_stamp() + delay);
        if (catch_up(target, !opt_.falling_edges_passive)) {
            st_.syncs_avoided++;
        } else {
            sc_process_handle h = sc_get_current_process_handle();
            if (h.valid() && h.proc_kind() == SC_THREAD_PROC_) {
                wait(delay);
                delay = SC_ZERO_TIME;
                st_.syncs++;
            }
        }
    }
    uint64_t t = to_ps(sc_time_stamp() + delay);
    flush_posted(t);
    return t;
}

/* Apply every posted MSI with time <= t, in (time, arrival) order (the
 * inline flush_posted() checks first whether there is any). */
void gic_tlm::flush_posted_now(uint64_t t)
{
    while (posted_.top_t() <= t) {
        posted p = posted_.top();
        posted_.pop();
        in_core_ = true;
        gic_msi(g_, p.t, p.its, p.devid, p.eventid);
        in_core_ = false;
    }
}

/* Time of the next internal work for the driver (core event, posted MSI or
 * agenda step). */
bool gic_tlm::next_work(uint64_t &next) const
{
    next = kNever;
    gic_time_t t;
    if (gic_next_event_time(g_, &t)) next = t;
    if (posted_.top_t() < next) next = posted_.top_t();
    if (agenda_.top_t() < next) next = agenda_.top_t();
    return next != kNever;
}

/* The posted MSIs and the core's events due by t (advance: also move the
 * core's clock to t; an agenda step alone does not advance it: its access
 * does, at its own time). */
void gic_tlm::run_core_to(uint64_t t, bool advance)
{
    flush_posted(t);
    gic_time_t ev;
    if (advance || (gic_next_event_time(g_, &ev) && ev <= t)) {
        in_core_ = true;
        gic_run_until(g_, t);
        in_core_ = false;
    }
}

/* All internal work due at time t (>= the core's time): posted MSIs and core
 * events up to t, then the agenda steps at t (those scheduled meanwhile at t
 * included), like inputs at t after the core has caught up to t. */
void gic_tlm::work_at(uint64_t t, bool advance)
{
    run_core_to(t, advance);
    step s;
    while (agenda_pop_due(t, s)) s.c->gic_step(s.t, s.what);
}

void gic_tlm::schedule_step(gic_tlm_client *c, uint64_t t_ps, uint32_t what)
{
    agenda_.push(step{t_ps, seq_++, c, what});
    if (!driving_ && t_ps < armed_ps_) arm(t_ps);
}

void gic_tlm::add_line_listener(uint32_t cpu, gic_tlm_client *c)
{
    if (cpu >= cfg_.num_cpus) throw std::runtime_error("gic_tlm: add_line_listener: no such CPU");
    listeners_[cpu] = c;
}

gic_status_t gic_tlm::sysreg_read_at(uint32_t cpu, gic_sysreg_t reg, uint64_t &val, uint64_t t)
{
    if (in_core_) return GIC_ERR_STATE;
    flush_posted(t);
    in_core_ = true;
    gic_status_t st = gic_sysreg_read(g_, t, cpu, reg, &val);
    in_core_ = false;
    st_.sysreg_accesses++;
    rearm();
    return st;
}

gic_status_t gic_tlm::sysreg_write_at(uint32_t cpu, gic_sysreg_t reg, uint64_t val, uint64_t t)
{
    if (in_core_) return GIC_ERR_STATE;
    flush_posted(t);
    in_core_ = true;
    gic_status_t st = gic_sysreg_write(g_, t, cpu, reg, val);
    in_core_ = false;
    st_.sysreg_accesses++;
    rearm();
    return st;
}

/* Have the driver woken at absolute time t (kNever: not at all). One pending
 * notification at a time, renewed only when its time changes (no notify/cancel
 * churn in the kernel's timed-event queue). */
void gic_tlm::arm(uint64_t t)
{
    if (t == armed_ps_) return;
    if (armed_ps_ != kNever) wake_.cancel();
    armed_ps_ = t;
    if (t == kNever) return;
    uint64_t now = to_ps(sc_time_stamp());
    wake_.notify(t > now ? from_ps(t - now) : SC_ZERO_TIME);
}

void gic_tlm::rearm()
{
    if (driving_) return; /* the loop re-arms once when it ends */
    uint64_t next;
    next_work(next);
    if (!lines_.empty() && lines_.front().t < next) next = lines_.front().t;
    arm(next);
}

/* The channels bound to the output ports, looked up once (ports are bound by now). */
void gic_tlm::end_of_elaboration()
{
    pins_.assign((size_t)cfg_.num_cpus * 4, nullptr);
    for (uint32_t c = 0; c < cfg_.num_cpus; c++) {
        pins_[(size_t)c * 4 + GIC_LINE_IRQ] = irq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_FIQ] = fiq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_VIRQ] = virq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_VFIQ] = vfiq[c].operator->();
    }
}

/* Write the output lines due at or before now (the driver is their only writer). */
void gic_tlm::write_lines(uint64_t now)
{
    while (!lines_.empty() && lines_.front().t <= now) {
        const line_change &c = lines_.front();
        st_.line_changes++;
        pins_[(size_t)c.cpu * 4 + c.line]->write(c.level != 0); /* (on_output keeps line <= VFIQ) */
        lines_.pop_front();
    }
}

/* Drives the core: posted inputs and internal events happen at their times even
 * when nobody accesses the GIC, and writes the output lines at the times the
 * core stamps on them. An SC_METHOD (no thread switch, and no wait()
 * possible: hence the rule for mem_socket targets). After the work due now it
 * keeps processing the core's later events and posted MSIs in time order for
 * as long as no other SystemC process could run before them (quiet_until):
 * exactly the calls a wake-up per event would make, without the wake-ups.
 * It stops at the first time another process (or a line write another
 * process may react to) is due, so every other input still arrives in time
 * order. Lines due now are written in this same activation. */
void gic_tlm::driver()
{
    st_.driver_activations++;
    wake_.cancel(); /* our own pending wake-up is not "other activity"; rearm() renews it */
    armed_ps_ = kNever;
    uint64_t now = to_ps(sc_time_stamp());
    uint64_t t = now;
    const uint64_t limit = opt_.run_ahead_limit == SC_ZERO_TIME ? kNever : now + to_ps(opt_.run_ahead_limit);
    /* Next activity of the other processes: steps and core callbacks do not
     * notify events (gic_tlm_client contract), and our own line writes come
     * last, so it stays the same during this loop. */
    uint64_t other = kNever;
    bool other_known = false;
    auto other_activity = [&]() {
        if (!other_known) {
            other = next_activity();
            other_known = true;
        }
        return other;
    };
    driving_ = true;
    for (bool first = true;; first = false) {
        /* work_at(t, first), with step continuation: posted MSIs, the
         * core's events (the core's clock follows the driver's wake-ups),
         * then the steps at t */
        run_core_to(t, first);
        if (agenda_.top_t() <= t) {
            /* steps may go on at later times while nothing else can come first */
            if (opt_.run_ahead) ff_until_ = std::min(other_activity(), limit == kNever ? kNever : limit + 1);
            step s;
            while (agenda_pop_due(t, s)) s.c->gic_step(s.t, s.what);
            ff_until_ = 0;
        }
        uint64_t n;
        if (!next_work(n)) break;
        t = n;
        if (t <= now) continue; /* steps or events scheduled at now by the work just done */
        if (!opt_.run_ahead || t > limit || t >= other_activity() ||
            first_blocking_line(!opt_.falling_edges_passive) <= t)
            break;
        st_.driver_run_ahead++;
    }
    driving_ = false;
    /* Lines due now are written last: the signals update at the end of this
     * evaluation phase whenever they are written, and a write (a pending
     * update) earlier would look like another process's activity to the
     * run-ahead test above. */
    write_lines(now);
    rearm();
}

void gic_tlm::spi_changed()
{
    uint64_t t = to_ps(sc_time_stamp());
    flush_posted(t);
    for (uint32_t i = 0; i < cfg_.num_spis; i++) {
        bool v = spi_in[i].read();
        if (v == spi_last_[i]) continue;
        spi_last_[i] = v;
        in_core_ = true;
        gic_set_spi(g_, t, 32 + i, v);
        in_core_ = false;
    }
    rearm();
}

void gic_tlm::ppi_changed()
{
    uint64_t t = to_ps(sc_time_stamp());
    flush_posted(t);
    for (size_t i = 0; i < ppi_last_.size(); i++) {
        bool v = ppi_in[i].read();
        if (v == ppi_last_[i]) continue;
        ppi_last_[i] = v;
        in_core_ = true;
        gic_set_ppi(g_, t, (uint32_t)(i / 16), (uint32_t)(16 + i % 16), v);
        in_core_ = false;
    }
    rearm();
}

/* ---- core callbacks ---------------------------------------------------------------- */

void gic_tlm::on_output(void *ctx, const gic_output_t *out)
{
    gic_tlm *self = static_cast<gic_tlm *>(ctx);
    if (out->kind == GIC_OUT_LINE && out->cpu < self->cfg_.num_cpus && out->line <= GIC_LINE_VFIQ) {
        /* Written by the driver at out->time; every caller of the core re-arms
         * the driver afterwards. Kept in (time, output) order. */
        line_change c{out->time, out->cpu, out->line, out->level};
        auto &q = self->lines_;
        if (!self->opt_.drive_pins) {
            /* pins not written: nothing queued, no wake-up for it */
        } else if (q.empty() || q.back().t <= c.t) {
            q.push_back(c); /* the usual case */
        } else {
            auto it = q.end();
            while (it != q.begin() && std::prev(it)->t > c.t) --it;
            q.insert(it, c);
        }
        self->level_[(size_t)out->cpu * 4 + out->line] = out->level != 0;
        if (self->watching_[out->cpu] && self->listeners_[out->cpu])
            self->agenda_.push(step{c.t, self->seq_++, self->listeners_[out->cpu],
                                    gic_tlm_client::kLineStep | out->line << 1 | (out->level ? 1u : 0u)});
    }
    const unsigned bit = 1u << (out->kind & 31);
    if (self->observed_kinds_ & bit)
        for (auto &o : self->observers_)
            if (o.kinds & bit) o.fn(*out);
}

void gic_tlm::on_log(void *ctx, gic_time_t t, gic_log_level_t level, const char *component,
                     const char *msg)
{
    gic_tlm *self = static_cast<gic_tlm *>(ctx);
    gic_log_level_t lim = self->opt_.log_level;
    if (component) {
        auto it = self->opt_.component_log_level.find(component);
        if (it != self->opt_.component_log_level.end()) lim = it->second;
    }
    if (level > lim) return;
    std::string type = std::string("gictlm/") + (component ? component : "core");
    std::string text = std::string(self->name()) + " @" + std::to_string(t) + " ps: " + msg;
    if (level <= GIC_LOG_WARN)
        SC_REPORT_WARNING(type.c_str(), text.c_str());
    else
        SC_REPORT_INFO_VERB(type.c_str(), text.c_str(), level == GIC_LOG_INFO ? SC_MEDIUM : SC_HIGH);
}

gic_status_t gic_tlm::on_mem(void *ctx, gic_time_t t, bool is_write, uint64_t addr, void *buf,
                             uint32_t len, uint64_t *latency_ps)
{
    gic_tlm *self = static_cast<gic_tlm *>(ctx);
    /* One payload, reused (the core makes one memory access at a time; no
     * extensions, no memory manager): no allocation per access. */
    tlm::tlm_generic_payload &gp = self->mem_gp_;
    gp.set_command(is_write ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(static_cast<unsigned char *>(buf));
    gp.set_data_length(len);
    gp.set_streaming_width(len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_byte_enable_length(0);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time before = sc_time_stamp();
    uint64_t now = to_ps(before);
    sc_time d0 = t > now ? from_ps(t - now) : SC_ZERO_TIME;
    sc_time d = d0;
    self->mem_socket->b_transport(gp, d);
    if (sc_time_stamp() != before) {
        /* The target waited: not allowed here (we may be in an SC_METHOD). */
        self->st_.mem_target_waited++;
        SC_REPORT_WARNING("gictlm/mem", "mem_socket target advanced time inside b_transport");
    }
    uint64_t lat = d > d0 ? to_ps(d - d0) : 0;
    if (latency_ps) *latency_ps = lat;
    (is_write ? self->st_.mem_writes : self->st_.mem_reads)++;
    self->st_.mem_bytes += len;
    self->st_.mem_latency_ps += lat;
    if (!gp.is_response_ok()) {
        self->st_.mem_errors++;
        return GIC_ERR_MEM;
    }
    return GIC_OK;
}

/* ---- register frames ----------------------------------------------------------------- */

bool gic_tlm::check_payload(tlm::tlm_generic_payload &gp)
{
    unsigned len = gp.get_data_length();
    if (gp.get_byte_enable_ptr()) {
        gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE); /* byte enables unsupported */
    } else if (gp.get_streaming_width() < len || len == 0 || len > 8) {
        gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
    } else if (in_core_) {
        /* e.g. a memory target routing the core's access back into a GIC frame */
        gp.set_response_status(tlm::TLM_GENERIC_ERROR_RESPONSE);
        SC_REPORT_WARNING("gictlm/wrapper", "GIC register access from inside the GIC (re-entrant)");
    } else {
        return true;
    }
    st_.mmio_errors++;
    return false;
}

void gic_tlm::frame_access(gic_frame_t frame, uint32_t index, uint64_t offset,
                           tlm::tlm_generic_payload &gp, sc_time *delay)
{
    if (gp.get_command() == tlm::TLM_IGNORE_COMMAND) {
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        return;
    }
    if (!check_payload(gp)) return;
    unsigned len = gp.get_data_length();
    bool wr = gp.is_write();
    uint64_t t = delay ? input_time(*delay) : gic_now(g_);
    uint64_t v = 0;
    gic_status_t st;
    in_core_ = true;
    if (wr) {
        std::memcpy(&v, gp.get_data_ptr(), len); /* little-endian host, little-endian GIC */
        st = gic_mmio_write(g_, t, frame, index, offset, len, v);
        st_.mmio_writes++;
    } else {
        st = gic_mmio_read(g_, t, frame, index, offset, len, &v);
        std::memcpy(gp.get_data_ptr(), &v, len);
        st_.mmio_reads++;
    }
    in_core_ = false;
    if (st != GIC_OK) st_.mmio_errors++;
    if (st == GIC_ERR_DEVID) st_.msis_no_devid++;
    gp.set_response_status(tlm_status(st));
    if (delay) *delay += opt_.mmio_latency;
    rearm(); /* a debug access can change state (and lines) too */
}

void gic_tlm::gicd_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    frame_access(GIC_FRAME_GICD, 0, gp.get_address(), gp, &delay);
}

void gic_tlm::gicr_b_transport(tlm::tlm_generic_payload &gp, sc_time &delay)
{
    uint64_t a = gp.get_address();
    const uint64_t rs = gic_gicr_stride(&cfg_); /* 128 KiB, or 256 KiB with GICv4 */
    frame_access(GIC_FRAME_GICR, (uint32_t)(a / rs), a % rs, gp, &delay);
}

void gic_tlm::gits_b_transport(int id, tlm::tlm_generic_payload &gp, sc_time &delay)
{
    uint64_t a = gp.get_address();
    device_id_extension *ext = nullptr;
    gp.get_extension(ext);
    if (gp.is_write() && a == GIC_GITS_TRANSLATER_OFFSET && ext) {
        /* MSI: GITS_TRANSLATER accepts 16- and 32-bit writes (EventID zero-extended). */
        unsigned len = gp.get_data_length();
        if (gp.get_byte_enable_ptr()) {
            gp.set_response_status(tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
            st_.mmio_errors++;
            return;
        }
        if ((len != 2 && len != 4) || gp.get_streaming_width() < len) {
            gp.set_response_status(tlm::TLM_BURST_ERROR_RESPONSE);
            st_.mmio_errors++;
            return;
        }
        uint32_t ev = 0;
        const unsigned char *d = gp.get_data_ptr();
        if (len == 4) {
            std::memcpy(&ev, d, 4);
        } else {
            uint16_t h;
            std::memcpy(&h, d, 2);
            ev = h;
        }
        /* Posted: applied by the driver at exactly the initiator's local time. */
        uint64_t t = to_ps(sc_time_stamp() + delay);
        posted_.push(posted{t, seq_++, (uint32_t)id, ext->device_id, ev});
        st_.msis_posted++;
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
        delay += opt_.msi_latency;
        if (!driving_ && t < armed_ps_) arm(t); /* (a running loop re-arms when it ends) */
        return;
    }
    /* Everything else, including a TRANSLATER write without DeviceID, which the
     * core refuses with GIC_ERR_DEVID (-> TLM_GENERIC_ERROR_RESPONSE): never a guess. */
    frame_access(GIC_FRAME_GITS, (uint32_t)id, a, gp, &delay);
}

unsigned gic_tlm::gicd_dbg(tlm::tlm_generic_payload &gp)
{
    frame_access(GIC_FRAME_GICD, 0, gp.get_address(), gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

unsigned gic_tlm::gicr_dbg(tlm::tlm_generic_payload &gp)
{
    uint64_t a = gp.get_address();
    const uint64_t rs = gic_gicr_stride(&cfg_);
    frame_access(GIC_FRAME_GICR, (uint32_t)(a / rs), a % rs, gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

unsigned gic_tlm::gits_dbg(int id, tlm::tlm_generic_payload &gp)
{
    /* A debug write to GITS_TRANSLATER never generates an MSI (the core refuses it). */
    frame_access(GIC_FRAME_GITS, (uint32_t)id, gp.get_address(), gp, nullptr);
    return gp.is_response_ok() ? gp.get_data_length() : 0;
}

bool gic_tlm::no_dmi(tlm::tlm_generic_payload &, tlm::tlm_dmi &dmi)
{
    dmi.allow_none(); /* register frames: no direct memory access */
    return false;
}

bool gic_tlm::no_dmi_tagged(int, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi)
{
    return no_dmi(gp, dmi);
}

/* ---- system registers ------------------------------------------------------------------ */

gic_status_t gic_tlm::sysreg_read(uint32_t cpu, gic_sysreg_t reg, uint64_t &val, sc_time &delay)
{
    if (in_core_) return GIC_ERR_STATE;
    uint64_t t = input_time(delay);
    in_core_ = true;
    gic_status_t st = gic_sysreg_read(g_, t, cpu, reg, &val);
    in_core_ = false;
    st_.sysreg_accesses++;
    delay += sysreg_latency_;
    rearm();
    return st;
}

gic_status_t gic_tlm::sysreg_write(uint32_t cpu, gic_sysreg_t reg, uint64_t val, sc_time &delay)
{
    if (in_core_) return GIC_ERR_STATE;
    uint64_t t = input_time(delay);
    in_core_ = true;
    gic_status_t st = gic_sysreg_write(g_, t, cpu, reg, val);
    in_core_ = false;
    st_.sysreg_accesses++;
    delay += sysreg_latency_;
    rearm();
    return st;
}

} // namespace gictlm
