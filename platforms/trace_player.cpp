/* SystemC trace player (see trace_player.h and docs/platform.md). */
#include "trace_player.h"
#include "platform.h"
#include "timeline.h"

#include <cerrno>
#include <cstdarg>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

trace_player::trace_player(sc_module_name name, const gic_trace_t &tr, gic_tlm &gic, std::FILE *diag)
    : sc_module(name), reg_socket("reg_socket"), mem_socket("mem_socket"),
      spi_out("spi_out", gic.config().num_spis), ppi_out("ppi_out", gic.config().num_cpus * 16),
      irq("irq", gic.config().num_cpus), fiq("fiq", gic.config().num_cpus), virq("virq", gic.config().num_cpus),
      vfiq("vfiq", gic.config().num_cpus), tr_(tr), gic_(gic), diag_(diag), chk_(gic_trace_checker_new())
{
    if (!chk_) throw std::runtime_error("trace_player: out of memory");
    gic_.add_output_observer([this](const gic_output_t &o) { on_output(o); });
    SC_THREAD(run);
}

trace_player::~trace_player() { gic_trace_checker_free(chk_); }

/* ---- outputs and diagnostics ------------------------------------------------------------ */

void trace_player::put(const char *line)
{
    res_.timeline += line;
    res_.timeline += '\n';
    res_.timeline_src.push_back(line_);
}

/* Runs inside the core's event loop (wrapper observer): no calls back into the GIC. */
void trace_player::on_output(const gic_output_t &o)
{
    char buf[512];
    res_.outputs++;
    gic_trace_checker_output(chk_, &o);
    gic_timeline_output(buf, sizeof buf, &o);
    put(buf);
}

void trace_player::report(const char *fmt, ...)
{
    char msg[512];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    std::string full = std::string(tr_.name ? tr_.name : "trace") + ":" + std::to_string(line_) + ": " + msg;
    if (res_.message.empty()) res_.message = full;
    if (diag_) std::fprintf(diag_, "%s\n", full.c_str());
}

void trace_player::status(const gic_trace_stim_t &s, gic_status_t st, uint64_t addr)
{
    char buf[512];
    res_.input_errors++;
    gic_timeline_status(buf, sizeof buf, &s, st, addr);
    put(buf);
}

void trace_player::check(const gic_trace_stim_t &s, uint64_t v, const uint8_t *data)
{
    char msg[400];
    if (gic_trace_check(chk_, gic_.core(), &s, v, data, msg, sizeof msg)) return;
    res_.expect_failures++;
    report("%s", msg);
}

/* A register read: its timeline line (the value, or the refusal), then the
 * trace's expectation on the value. */
void trace_player::read_done(const gic_trace_stim_t &s, gic_status_t st, uint64_t v)
{
    if (st != GIC_OK) {
        status(s, st, 0);
    } else {
        char buf[512];
        gic_timeline_read(buf, sizeof buf, gic_.core(), &s, v);
        put(buf);
    }
    check(s, v, nullptr);
}

/* ---- time ------------------------------------------------------------------------------- */

/* Wait until SystemC time t. An older t cannot be honoured (SystemC time does
 * not go back): the input is applied now and counted (gictlm-replay would pass
 * the old time to the core, which clamps it and reports error late_input). */
void trace_player::advance_to(gic_time_t t)
{
    uint64_t now = to_ps(sc_time_stamp());
    if (t > now) wait(from_ps(t - now));
    else if (t < now) res_.late_inputs++;
}

/* Let every process triggered at this instant run: a signal written now is
 * updated at the end of this delta and read by the wrapper's SC_METHOD in the
 * next; a posted MSI is applied by the wrapper's driver in the next delta.
 * Two deltas later both have reached the core. */
void trace_player::settle(gic_time_t)
{
    wait(SC_ZERO_TIME);
    wait(SC_ZERO_TIME);
}

/* Process every core event with time <= t, like gic_run_until(t) in
 * gictlm-replay: wait until t, let the wrapper's driver run the core's events
 * due now (one delta per batch), then move the core's clock to t (there is no
 * event left at or before t; this only sets gic_now, as gic_run_until does). */
void trace_player::sync_model(gic_time_t t)
{
    advance_to(t);
    settle(t);
    gic_time_t next;
    for (unsigned guard = 0; guard < 1000000 && gic_next_event_time(gic_.core(), &next) && next <= t; guard++)
        wait(SC_ZERO_TIME);
    if (gic_next_event_time(gic_.core(), &next) && next <= t)
        report("SystemC replay: core events at %llu ps were not processed by %llu ps", (unsigned long long)next,
               (unsigned long long)t);
    if (gic_now(gic_.core()) < t) gic_run_until(gic_.core(), t);
}

/* ---- transactions ---------------------------------------------------------------------- */

/* TLM response -> the status the C API would have returned. Lossy for generic
 * errors: the wrapper maps GIC_ERR_DEVID (TRANSLATER write without DeviceID),
 * GIC_ERR_ARG and GIC_ERR_STATE to TLM_GENERIC_ERROR_RESPONSE. */
static gic_status_t from_tlm(tlm::tlm_response_status r, bool translater_write)
{
    switch (r) {
    case tlm::TLM_OK_RESPONSE: return GIC_OK;
    case tlm::TLM_ADDRESS_ERROR_RESPONSE: return GIC_ERR_ADDR;
    case tlm::TLM_BURST_ERROR_RESPONSE:
    case tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE: return GIC_ERR_SIZE;
    default: return translater_write ? GIC_ERR_DEVID : GIC_ERR_ARG;
    }
}

gic_status_t trace_player::mmio(const gic_trace_stim_t &s, bool wr, uint64_t &v)
{
    const gic_config_t &c = gic_.config();
    uint64_t base;
    switch (s.frame) {
    case GIC_FRAME_GICD:
        if (s.index != 0) return GIC_ERR_ADDR; /* no such frame in the address map */
        base = c.gicd_base;
        break;
    case GIC_FRAME_GICR:
        if (s.index >= c.num_cpus) return GIC_ERR_ADDR;
        base = c.gicr_base + (uint64_t)s.index * gic_gicr_stride(&c);
        break;
    case GIC_FRAME_GITS:
        if (s.index >= c.num_its) return GIC_ERR_ADDR;
        base = c.gits_base + (uint64_t)s.index * gic_gits_stride(&c);
        break;
    default: return GIC_ERR_ADDR;
    }
    uint64_t data = wr ? s.value : 0;
    tlm::tlm_generic_payload gp;
    gp.set_command(wr ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(base + s.offset);
    gp.set_data_ptr(reinterpret_cast<unsigned char *>(&data)); /* little-endian host and GIC */
    gp.set_data_length(s.size);
    gp.set_streaming_width(s.size);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_dmi_allowed(false);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    sc_time delay = SC_ZERO_TIME; /* the player is at the stimulus time: no decoupling */
    reg_socket->b_transport(gp, delay);
    if (!wr) v = data;
    bool translater = s.frame == GIC_FRAME_GITS && wr && s.offset >= GIC_GITS_TRANSLATER_OFFSET && s.offset < GIC_GITS_TRANSLATER_OFFSET + 4;
    return from_tlm(gp.get_response_status(), translater);
}

/* GITS_TRANSLATER write (EventID, 32 bits) with the DeviceID extension. */
gic_status_t trace_player::msi(const gic_trace_stim_t &s)
{
    const gic_config_t &c = gic_.config();
    if (s.index >= c.num_its) return GIC_ERR_ADDR; /* no such ITS frame in the address map */
    uint32_t ev = s.eventid;
    device_id_extension ext(s.devid);
    tlm::tlm_generic_payload gp;
    gp.set_command(tlm::TLM_WRITE_COMMAND);
    gp.set_address(c.gits_base + (uint64_t)s.index * gic_gits_stride(&c) + 0x10040);
    gp.set_data_ptr(reinterpret_cast<unsigned char *>(&ev));
    gp.set_data_length(4);
    gp.set_streaming_width(4);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    gp.set_extension(&ext);
    sc_time delay = SC_ZERO_TIME;
    reg_socket->b_transport(gp, delay);
    gp.clear_extension(&ext);
    return from_tlm(gp.get_response_status(), false);
}

/* Untimed software access to the platform memory (debug transport), like gic_mem_write. */
gic_status_t trace_player::mem(bool wr, uint64_t addr, uint8_t *buf, size_t len)
{
    tlm::tlm_generic_payload gp;
    gp.set_command(wr ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
    gp.set_address(addr);
    gp.set_data_ptr(buf);
    gp.set_data_length((unsigned)len);
    gp.set_streaming_width((unsigned)len);
    gp.set_byte_enable_ptr(nullptr);
    gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
    unsigned n = mem_socket->transport_dbg(gp);
    return n == len && gp.is_response_ok() ? GIC_OK : GIC_ERR_MEM; /* as the built-in memory out of range */
}

bool trace_player::pin(uint32_t cpu, uint32_t line) const
{
    switch (line) {
    case GIC_LINE_IRQ: return irq[cpu].read();
    case GIC_LINE_FIQ: return fiq[cpu].read();
    case GIC_LINE_VIRQ: return virq[cpu].read();
    default: return vfiq[cpu].read();
    }
}

/* ---- the player thread ------------------------------------------------------------------- */

void trace_player::run()
{
    const gic_config_t &c = gic_.config();
    for (size_t i = 0; i < tr_.n_stim; i++) {
        const gic_trace_stim_t &s = tr_.stim[i];
        line_ = s.line;
        res_.stimuli++;
        uint64_t v = 0;
        gic_status_t st;
        switch (s.kind) {
        case GIC_STIM_MMIO_WRITE:
            advance_to(s.time);
            st = mmio(s, true, v);
            if (st != GIC_OK) status(s, st, 0);
            break;
        case GIC_STIM_MMIO_READ: {
            advance_to(s.time);
            st = mmio(s, false, v);
            read_done(s, st, v);
            break;
        }
        /* mem-* and stats-reset are untimed (gic_mem_write, gic_stats_reset do
         * not advance the model): applied at the current time, without waiting
         * for the line's time, so the core has not run any further first. */
        case GIC_STIM_MEM_WRITE: {
            std::vector<uint8_t> b(s.bytes, s.bytes + s.len);
            st = mem(true, s.addr, b.data(), b.size());
            if (st != GIC_OK) status(s, st, s.addr);
            break;
        }
        case GIC_STIM_MEM_FILL: {
            std::vector<uint8_t> chunk(GIC_TRACE_FILL_CHUNK, (uint8_t)s.value);
            for (uint64_t done = 0; done < s.len;) {
                size_t k = s.len - done < chunk.size() ? (size_t)(s.len - done) : chunk.size();
                st = mem(true, s.addr + done, chunk.data(), k);
                if (st != GIC_OK) {
                    status(s, st, s.addr + done);
                    break;
                }
                done += k;
            }
            break;
        }
        case GIC_STIM_MEM_EXPECT: {
            std::vector<uint8_t> got(s.len);
            st = mem(false, s.addr, got.data(), got.size());
            if (st != GIC_OK) status(s, st, s.addr);
            else check(s, 0, got.data());
            break;
        }
        case GIC_STIM_STATS_RESET:
            gic_stats_reset(gic_.core());
            break;
        case GIC_STIM_SYSREG_WRITE: {
            advance_to(s.time);
            sc_time d = SC_ZERO_TIME;
            st = gic_.sysreg_write(s.cpu, s.sysreg, s.value, d);
            if (st != GIC_OK) status(s, st, 0);
            break;
        }
        case GIC_STIM_SYSREG_READ: {
            advance_to(s.time);
            sc_time d = SC_ZERO_TIME;
            st = gic_.sysreg_read(s.cpu, s.sysreg, v, d);
            read_done(s, st, v);
            break;
        }
        case GIC_STIM_MSI:
            advance_to(s.time);
            st = msi(s);
            if (st != GIC_OK) status(s, st, 0);
            /* Posted: the wrapper applies it from its driver, and orders
             * simultaneous MSIs by ITS and DeviceID. Let it reach the core
             * before the next line, as gic_msi does in gictlm-replay. */
            else
                settle(s.time);
            break;
        case GIC_STIM_SPI:
            advance_to(s.time);
            if (s.intid < 32 || s.intid - 32 >= c.num_spis) {
                status(s, GIC_ERR_ARG, 0); /* no such input line on the platform */
                break;
            }
            spi_out[s.intid - 32].write(s.value != 0);
            settle(s.time);
            break;
        case GIC_STIM_PPI:
            advance_to(s.time);
            if (s.cpu >= c.num_cpus || s.intid < 16 || s.intid >= 32) {
                status(s, GIC_ERR_ARG, 0);
                break;
            }
            ppi_out[s.cpu * 16 + (s.intid - 16)].write(s.value != 0);
            settle(s.time);
            break;
        case GIC_STIM_RUN:
            sync_model(s.time);
            break;
        case GIC_STIM_EXPECT_LINE:
            sync_model(s.time);
            check(s, 0, nullptr);
            if (s.cpu < c.num_cpus && s.line_kind < 4) {
                settle(s.time); /* line_writer -> signal update */
                if (pin(s.cpu, s.line_kind) != (s.value != 0)) {
                    res_.pin_mismatches++;
                    res_.expect_failures++;
                    report("expect failed: pin cpu%u line %u is %d at %llu ps, expected %u", s.cpu, s.line_kind,
                           (int)pin(s.cpu, s.line_kind), (unsigned long long)s.time, (unsigned)s.value);
                }
            }
            break;
        case GIC_STIM_EXPECT_MSI:
        case GIC_STIM_EXPECT_COUNTER:
            sync_model(s.time);
            check(s, 0, nullptr);
            break;
        }
    }
    res_.end_time = gic_now(gic_.core());
    res_.finished = true;
    sc_stop();
}

/* ---- the replay platform ----------------------------------------------------------------- */

static gic_tlm_options replay_options(bool run_ahead)
{
    gic_tlm_options o;
    o.run_ahead = run_ahead;
    o.log_level = GIC_LOG_ERROR;
    return o;
}

sc_replay_top::sc_replay_top(sc_module_name name, const gic_trace_t &tr, std::FILE *diag, bool run_ahead)
    : sc_module(name), spi_("spi", tr.cfg.num_spis), ppi_("ppi", tr.cfg.num_cpus * 16), irq_("irq", tr.cfg.num_cpus),
      fiq_("fiq", tr.cfg.num_cpus), virq_("virq", tr.cfg.num_cpus), vfiq_("vfiq", tr.cfg.num_cpus)
{
    if (to_ps(sc_time(1, SC_PS)) != 1) throw std::runtime_error("sc_replay: SystemC time resolution must be 1 ps");
    gic_ = std::make_unique<gic_tlm>("gic", tr.cfg, replay_options(run_ahead));
    const gic_config_t &c = gic_->config();
    /* The memory the trace was written for: the built-in memory's size and latency (mem.size, mem.latency_ps). */
    mem_ = std::make_unique<sparse_memory>("ram", c.mem_size, from_ps(c.mem_latency_ps), from_ps(c.mem_latency_ps));
    membus_ = std::make_unique<router>("membus");
    membus_->add_target(mem_->socket, 0, c.mem_size, "RAM");
    gic_->mem_socket.bind(membus_->target);

    regbus_ = std::make_unique<router>("regbus");
    platform_map_gic(*regbus_, *gic_);

    player_ = std::make_unique<trace_player>("player", tr, *gic_, diag);
    player_->reg_socket.bind(regbus_->target);
    player_->mem_socket.bind(membus_->target);
    for (uint32_t i = 0; i < c.num_spis; i++) {
        player_->spi_out[i].bind(spi_[i]);
        gic_->spi_in[i].bind(spi_[i]);
    }
    for (uint32_t i = 0; i < c.num_cpus * 16; i++) {
        player_->ppi_out[i].bind(ppi_[i]);
        gic_->ppi_in[i].bind(ppi_[i]);
    }
    for (uint32_t i = 0; i < c.num_cpus; i++) {
        gic_->irq[i].bind(irq_[i]);
        gic_->fiq[i].bind(fiq_[i]);
        gic_->virq[i].bind(virq_[i]);
        gic_->vfiq[i].bind(vfiq_[i]);
        player_->irq[i].bind(irq_[i]);
        player_->fiq[i].bind(fiq_[i]);
        player_->virq[i].bind(virq_[i]);
        player_->vfiq[i].bind(vfiq_[i]);
    }
}

} // namespace gictlm

/* ---- command line ------------------------------------------------------------------------ */
namespace gictlm {

static void replay_usage(std::FILE *f, const char *prog)
{
    std::fprintf(f,
                 "usage: %s %sTRACE [options]\n"
                 "Replays a gictlm trace through the SystemC/TLM platform (GIC wrapper, register\n"
                 "router, memory, SPI/PPI signals) and writes the timeline gictlm-replay writes.\n"
                 "  -o, --output FILE     write the text timeline to FILE ('-' = stdout; default:\n"
                 "                        stdout unless --golden or --timeline is given)\n"
                 "  --timeline FILE       write a timeline view (Chrome trace-event JSON: open it in\n"
                 "                        ui.perfetto.dev or chrome://tracing), the whole run\n"
                 "  -g, --golden FILE     compare the timeline with FILE (diff on mismatch, exit 1)\n"
                 "  -s, --stats FILE      write the GIC statistics JSON to FILE\n"
                 "  -p NAME=VALUE         configuration override (after the trace header; repeatable)\n"
                 "  --no-run-ahead        wrapper option run_ahead off (same results, slower)\n"
                 "  -q, --quiet           no summary line, no SystemC warnings\n"
                 "Environment: GICTLM_REPLAY_OVERRIDES=\"NAME=VALUE ...\" adds overrides.\n"
                 "exit status: 0 ok, 1 expectation failed or golden differs, 2 usage/parse/configuration error\n",
                 prog, std::strcmp(prog, "gictlm-platform") == 0 ? "--replay " : "[--replay] ");
}

int sc_replay_cli(int argc, char **argv, const char *prog)
{
    std::string trace, tl_path, golden, stats_path, view_path;
    std::vector<std::string> ovs;
    bool quiet = false, run_ahead = true;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        bool next = i + 1 < argc;
        if (a == "-h" || a == "--help") {
            replay_usage(stdout, prog);
            return 0;
        } else if (a == "--replay" && next) {
            trace = argv[++i];
        } else if ((a == "-o" || a == "--output") && next) {
            tl_path = argv[++i];
        } else if (a == "--timeline" && next) {
            view_path = argv[++i];
        } else if ((a == "-g" || a == "--golden") && next) {
            golden = argv[++i];
        } else if ((a == "-s" || a == "--stats") && next) {
            stats_path = argv[++i];
        } else if (a == "-p" && next) {
            ovs.push_back(argv[++i]);
        } else if (a == "--no-run-ahead") {
            run_ahead = false;
        } else if (a == "-q" || a == "--quiet") {
            quiet = true;
        } else if (!a.empty() && a[0] == '-') {
            std::fprintf(stderr, "%s: unknown or incomplete option '%s'\n", prog, a.c_str());
            replay_usage(stderr, prog);
            return 2;
        } else if (trace.empty()) {
            trace = a;
        } else {
            std::fprintf(stderr, "%s: more than one trace given ('%s')\n", prog, a.c_str());
            return 2;
        }
    }
    if (trace.empty()) {
        replay_usage(stderr, prog);
        return 2;
    }
    const size_t ovs_cmd = ovs.size(); // ovs[0..ovs_cmd) from -p, then the environment's
    if (const char *env = std::getenv("GICTLM_REPLAY_OVERRIDES")) {
        std::string e = env;
        size_t p = 0;
        while (p < e.size()) {
            while (p < e.size() && e[p] == ' ') p++;
            size_t q = e.find(' ', p);
            if (q == std::string::npos) q = e.size();
            if (q > p) ovs.push_back(e.substr(p, q - p));
            p = q;
        }
        if (!quiet && !e.empty()) std::fprintf(stderr, "%s: GICTLM_REPLAY_OVERRIDES=\"%s\" applied\n", prog, env);
    }
    // the overrides are checked before the trace is read: an error names the option, not a trace line
    bool ov_ok = true;
    for (size_t i = 0; i < ovs.size(); i++) {
        const char *what = i < ovs_cmd ? "-p" : "GICTLM_REPLAY_OVERRIDES";
        char err[200] = "";
        gic_config_t cfg;
        gic_config_default(&cfg);
        if (gic_config_set_kv(&cfg, ovs[i].c_str(), err, sizeof err) != GIC_OK) {
            std::fprintf(stderr, "%s: %s %s: %s\n", prog, what, ovs[i].c_str(), err[0] ? err : "rejected");
            ov_ok = false;
        }
    }
    if (!ov_ok) return 2;
    std::vector<const char *> ov;
    for (const auto &s : ovs) ov.push_back(s.c_str());
    gic_replay_opts_t o;
    std::memset(&o, 0, sizeof o);
    o.diag = stderr;
    o.overrides = ov.data();
    o.n_overrides = ov.size();
    gic_trace_t tr;
    if (gic_trace_parse_file(trace.c_str(), &o, &tr) != 0) {
        std::fprintf(stderr, "%s: %s: %u error(s), not replayed\n", prog, trace.c_str(), tr.parse_errors);
        gic_trace_free(&tr);
        return 2;
    }
    if (quiet) sc_report_handler::set_actions(SC_WARNING, SC_DO_NOTHING);
    sc_report_handler::set_actions("/OSCI/SystemC", SC_INFO, SC_DO_NOTHING); /* "Simulation stopped by user" */
    sc_set_stop_mode(SC_STOP_IMMEDIATE); /* nothing runs after the last line (as gictlm-replay) */
    std::unique_ptr<sc_replay_top> top;
    try {
        top = std::make_unique<sc_replay_top>("replay", tr, stderr, run_ahead);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "%s: %s\n", prog, e.what());
        gic_trace_free(&tr);
        return 2;
    }
    std::unique_ptr<timeline_view> view;
    std::FILE *vf = nullptr;
    if (!view_path.empty()) {
        vf = std::fopen(view_path.c_str(), "w");
        if (!vf) std::fprintf(stderr, "%s: cannot write %s: %s\n", prog, view_path.c_str(), std::strerror(errno));
        gic_tl_opts_t vo{};
        vo.num_cpus = tr.cfg.num_cpus;
        vo.num_its = tr.cfg.num_its;
        vo.title = prog;
        if (vf) view = std::make_unique<timeline_view>(top->gic(), vf, vo, 0);
    }
    sc_start();
    const sc_replay_result r = top->player().result(); /* a copy: top is destroyed below */
    int rc = 0;
    if (!r.finished) {
        std::fprintf(stderr, "%s: %s: the replay did not reach the end of the trace\n", prog, trace.c_str());
        rc = 2;
    }
    if (!view_path.empty()) {
        gic_tl_counts_t c{};
        bool ok = view && view->close(c);
        if (vf && std::fclose(vf) != 0) ok = false;
        if (!ok && vf) std::fprintf(stderr, "%s: cannot write the timeline view %s\n", prog, view_path.c_str());
        if (!ok) rc = 2;
    }
    if (!tl_path.empty() || (golden.empty() && view_path.empty())) {
        std::FILE *f = (tl_path.empty() || tl_path == "-") ? stdout : std::fopen(tl_path.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "%s: cannot write %s: %s\n", prog, tl_path.c_str(), std::strerror(errno));
            rc = 2;
        } else {
            bool ok = std::fwrite(r.timeline.data(), 1, r.timeline.size(), f) == r.timeline.size();
            if (f != stdout && std::fclose(f) != 0) ok = false;
            if (!ok) {
                std::fprintf(stderr, "%s: cannot write %s\n", prog, f == stdout ? "standard output" : tl_path.c_str());
                rc = 2;
            }
        }
    }
    if (!stats_path.empty()) {
        std::FILE *f = std::fopen(stats_path.c_str(), "w");
        if (!f) {
            std::fprintf(stderr, "%s: cannot write %s: %s\n", prog, stats_path.c_str(), std::strerror(errno));
            rc = 2;
        } else {
            gic_stats_write_json(top->gic().core(), f);
            bool bad = std::ferror(f) != 0;
            if (std::fclose(f) != 0) bad = true;
            if (bad) {
                std::fprintf(stderr, "%s: cannot write %s\n", prog, stats_path.c_str());
                rc = 2;
            }
        }
    }
    unsigned hunks = 0;
    if (!golden.empty()) {
        size_t glen = 0;
        char *g = gic_trace_load(golden.c_str(), &glen);
        if (!g) {
            std::fprintf(stderr, "%s: cannot read golden %s\n", prog, golden.c_str());
            rc = 2;
        } else {
            hunks = gic_trace_diff(g, glen, r.timeline.data(), r.timeline.size(), r.timeline_src.data(),
                                   r.timeline_src.size(), trace.c_str(), golden.c_str(), stderr);
            std::free(g);
            if (hunks)
                std::fprintf(stderr, "%s: %s: timeline differs from golden %s (%u hunk(s))\n", prog, trace.c_str(),
                             golden.c_str(), hunks);
        }
    }
    if (!quiet)
        std::fprintf(stderr,
                     "%s: %s: %llu stimuli, %llu outputs, %zu timeline lines, end %llu ps, "
                     "%u expectation failure(s), %u rejected input(s), %llu late input(s)%s (SystemC)\n",
                     prog, trace.c_str(), (unsigned long long)r.stimuli, (unsigned long long)r.outputs,
                     r.timeline_src.size(), (unsigned long long)r.end_time, r.expect_failures, r.input_errors,
                     (unsigned long long)r.late_inputs,
                     golden.empty() ? "" : (hunks ? ", golden MISMATCH" : ", golden match"));
    top.reset();
    gic_trace_free(&tr);
    if (rc) return rc;
    return (r.expect_failures || hunks) ? 1 : 0;
}

} // namespace gictlm
