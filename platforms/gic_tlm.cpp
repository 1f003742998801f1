/*
 * gictlm SystemC/TLM-2.0 wrapper (gic_tlm.h), part 1 of 3: construction, the
 * ports (optional: unbound ones are tied off here), the core's output and
 * log callbacks, the SPI/PPI inputs and the CPU interface system registers.
 * Part 2, gic_tlm_driver.cpp: the scheduling loop (time, run-ahead, agenda).
 * Part 3, gic_tlm_sockets.cpp: the TLM sockets (register frames, MSIs, memory port).
 * No functional logic: everything goes through capi/gictlm.h.
 */
#include "gic_tlm.h"

#include <cctype>
#include <cstring>
#include <iterator>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

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
    core_next_ = gic_next_event_time_ptr(g_);
    gicr_stride_ = gic_gicr_stride(&cfg_);
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
    mem_socket.register_invalidate_direct_mem_ptr(this, &gic_tlm::dmi_invalidate);
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

/* ---- ports -------------------------------------------------------------------- */

/* The other end of a socket the platform left unbound: an initiator that
 * never sends, or a target that answers with an address error. */
namespace {
struct tie_off_initiator : sc_module {
    tlm_utils::simple_initiator_socket<tie_off_initiator> socket;
    explicit tie_off_initiator(sc_module_name n) : sc_module(n), socket("socket") {}
};
struct tie_off_target : sc_module {
    tlm_utils::simple_target_socket<tie_off_target> socket;
    explicit tie_off_target(sc_module_name n) : sc_module(n), socket("socket")
    {
        socket.register_b_transport(this, &tie_off_target::b_transport);
    }
    void b_transport(tlm::tlm_generic_payload &gp, sc_time &) { gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE); }
};
} // namespace

gic_tlm::~gic_tlm() { gic_destroy(g_); }

/* Ports left unbound are bound here: every unbound input to one signal that
 * stays low, every unbound output to a signal of its own that nothing reads
 * (and that the driver does not write: see end_of_elaboration), every
 * unbound socket to a tie_off. */
void gic_tlm::before_end_of_elaboration()
{
    auto tie = [&](tlm::tlm_base_target_socket<> &t) {
        if (t.get_base_port().bind_count() != 0) return;
        auto m = std::make_unique<tie_off_initiator>(sc_gen_unique_name("unbound_socket"));
        m->socket.bind(t);
        tie_offs_.push_back(std::move(m));
    };
    tie(gicd_socket);
    tie(gicr_socket);
    for (auto &t : gits_socket) tie(t);
    if (mem_socket.get_base_port().bind_count() == 0) {
        auto m = std::make_unique<tie_off_target>(sc_gen_unique_name("unbound_mem"));
        mem_socket.bind(m->socket);
        tie_offs_.push_back(std::move(m));
    }
    auto tie_in = [&](sc_vector<sc_in<bool>> &v) {
        for (auto &p : v) {
            if (p.bind_count() != 0) continue;
            if (!tie_low_) tie_low_ = std::make_unique<sc_signal<bool>>(sc_gen_unique_name("tie_low"), false);
            p.bind(*tie_low_);
        }
    };
    tie_in(spi_in);
    tie_in(ppi_in);
    unbound_out_.assign((size_t)cfg_.num_cpus * 4, 0);
    sc_vector<sc_out<bool>> *outs[4] = {&irq, &fiq, &virq, &vfiq}; /* GIC_LINE_* order */
    for (uint32_t l = 0; l < 4; l++)
        for (uint32_t c = 0; c < cfg_.num_cpus; c++) {
            sc_out<bool> &p = (*outs[l])[c];
            if (p.bind_count() != 0) continue;
            sinks_.push_back(std::make_unique<sc_signal<bool>>(sc_gen_unique_name("unbound_line"), false));
            p.bind(*sinks_.back());
            unbound_out_[(size_t)c * 4 + l] = 1;
        }
}

/* The channels bound to the output ports, looked up once (ports are bound by
 * now); null for a port left unbound (its line is not written at all). */
void gic_tlm::end_of_elaboration()
{
    pins_.assign((size_t)cfg_.num_cpus * 4, nullptr);
    for (uint32_t c = 0; c < cfg_.num_cpus; c++) {
        pins_[(size_t)c * 4 + GIC_LINE_IRQ] = irq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_FIQ] = fiq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_VIRQ] = virq[c].operator->();
        pins_[(size_t)c * 4 + GIC_LINE_VFIQ] = vfiq[c].operator->();
    }
    for (size_t i = 0; i < unbound_out_.size(); i++)
        if (unbound_out_[i]) pins_[i] = nullptr;
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
            self->agenda_add(step{c.t, self->seq_++, self->listeners_[out->cpu],
                                  gic_tlm_client::kLineStep | out->line << 1 | (out->level ? 1u : 0u)});
    }
    const unsigned bit = 1u << (out->kind & 31);
    if (self->observed_kinds_ & bit)
        for (auto &o : self->observers_)
            if (o.kinds & bit) o.fn(*out);
}

/* Log components of the core ("its0", "GICR_RD", "ICC", ...) by family
 * (gic_log_component_family_of); "" for a name of no family. */
std::string gic_tlm::log_family(const std::string &component)
{
    const char *f = gic_log_component_family_of(component.c_str());
    return f ? f : "";
}

bool gic_tlm::log_component_known(const std::string &name)
{
    return gic_log_component_family_of(name.c_str()) != nullptr;
}

void gic_tlm::on_log(void *ctx, gic_time_t t, gic_log_level_t level, const char *component,
                     const char *msg)
{
    gic_tlm *self = static_cast<gic_tlm *>(ctx);
    gic_log_level_t lim = self->opt_.log_level;
    if (component && !self->opt_.component_log_level.empty()) {
        /* the component itself ("its1"), else its family ("its") */
        std::string c = component;
        for (char &ch : c) ch = (char)std::tolower((unsigned char)ch);
        auto it = self->opt_.component_log_level.find(c);
        if (it == self->opt_.component_log_level.end()) it = self->opt_.component_log_level.find(log_family(c));
        if (it != self->opt_.component_log_level.end()) lim = it->second;
    }
    if (level > lim) return;
    std::string type = std::string("gictlm/") + (component ? component : "core");
    std::string text = std::string(self->name()) + " @" + std::to_string(t) + " ps: " + msg;
    /* The level was chosen here (per component): info and debug messages are
     * printed at SystemC's default verbosity (SC_MEDIUM), so that
     * `--verbose its=debug` needs no `sc=...` as well. */
    if (level <= GIC_LOG_WARN)
        SC_REPORT_WARNING(type.c_str(), text.c_str());
    else
        SC_REPORT_INFO_VERB(type.c_str(), text.c_str(), SC_MEDIUM);
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
    if (in_wanted(gic_tlm_input::SYSREG_READ)) notify_sysreg(gic_tlm_input::SYSREG_READ, cpu, reg, val, t, st);
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
    if (in_wanted(gic_tlm_input::SYSREG_WRITE)) notify_sysreg(gic_tlm_input::SYSREG_WRITE, cpu, reg, val, t, st);
    delay += sysreg_latency_;
    rearm();
    return st;
}

} // namespace gictlm
