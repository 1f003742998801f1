/*
 * gictlm SystemC/TLM-2.0 wrapper: a thin sc_module around one gic_t.
 *
 * Everything functional happens in the C core behind capi/gictlm.h; this module
 * only converts TLM transactions, signals and SystemC time into gic_* calls and
 * the core's outputs back into signal writes. See docs/platform.md.
 *
 * Sockets (all loosely-timed, b_transport + transport_dbg):
 *   gicd_socket        GICD frame, 64 KiB; address = offset in the frame
 *   gicr_socket        redistributors, num_cpus x 128 KiB (256 KiB with GICv4: gic_gicr_stride())
 *   gits_socket[i]     ITS i, 128 KiB (256 KiB with GICv4.1: gic_gits_stride()); a write to GITS_TRANSLATER
 *                      (GIC_GITS_TRANSLATER_OFFSET) needs a DeviceID: by
 *                      default from a gictlm::device_id_extension, or from
 *                      the platform's own gic_tlm_options::device_id_source
 *   mem_socket         initiator: every memory access of the core (command
 *                      queue, ITS tables, LPI tables). The core calls it from
 *                      inside its event loop, which may run in an SC_METHOD:
 *                      targets of this socket must NOT call wait(); they
 *                      annotate their latency on the delay argument.
 *
 * Signals: spi_in, ppi_in, irq, fiq, virq, vfiq need not be bound: an
 * unbound input is low, an unbound output goes nowhere (bound before the
 * end of elaboration to the wrapper's own signals). Sockets need not be
 * bound either: an unbound register socket is never accessed, an unbound
 * mem_socket answers every access with an address error (bind it unless
 * use_builtin_memory is set).
 *
 * Time: the core's clock follows SystemC time. Synchronous inputs (register
 * accesses, system registers) are applied at sc_time_stamp()+delay after the
 * calling thread has been synchronised to that time (wait(delay)); posted
 * inputs (MSIs) are queued and applied by the wrapper at exactly their local
 * time, so initiators that post MSIs stay temporally decoupled. One internal
 * SC_METHOD (the driver) drives the core's event queue (gic_next_event_time/
 * gic_run_until), runs the agenda of client steps (gic_tlm_client) and writes
 * the output lines at the times the core reports.
 */
#ifndef GICTLM_GIC_TLM_H
#define GICTLM_GIC_TLM_H

#include "gic_tlm_util.h"
#include "gictlm.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace gictlm {

/*
 * DeviceID of an MSI (GITS_TRANSLATER write). Ignorable: initiators and
 * interconnects that do not know it pass it through. In a real system the
 * DeviceID comes from the bus (e.g. PCIe Requester ID mapped by the SMMU or
 * the interconnect); here the device model attaches it to the payload.
 */
struct device_id_extension : tlm::tlm_extension<device_id_extension> {
    uint32_t device_id = 0;
    device_id_extension() = default;
    explicit device_id_extension(uint32_t id) : device_id(id) {}
    tlm::tlm_extension_base *clone() const override { return new device_id_extension(device_id); }
    void copy_from(const tlm::tlm_extension_base &ext) override
    {
        device_id = static_cast<const device_id_extension &>(ext).device_id;
    }
};

/*
 * Where the DeviceID of an MSI comes from: a function of the GITS_TRANSLATER
 * write (the payload, with its extensions, and the ITS index) that returns
 * true and sets device_id, or returns false when the write carries none (the
 * core then refuses it: GIC_ERR_DEVID, TLM_GENERIC_ERROR_RESPONSE, counted).
 * The default is device_id_from_extension. A platform whose interconnect
 * marks requesters its own way (a requester-ID extension of another library,
 * a side-band attribute, a table from the initiator's address range) supplies
 * its own function in gic_tlm_options::device_id_source. Called once per MSI
 * write, in the initiator's thread; it must not call wait().
 */
using device_id_source_fn =
    std::function<bool(const tlm::tlm_generic_payload &gp, uint32_t its, uint32_t &device_id)>;
/* The default source: the gictlm::device_id_extension of the payload. */
bool device_id_from_extension(const tlm::tlm_generic_payload &gp, uint32_t its, uint32_t &device_id);

/* Map a gic_status_t to a TLM response status (see docs/platform.md). */
tlm::tlm_response_status tlm_status(gic_status_t st);

/*
 * A model tightly coupled to the GIC (e.g. a CPU model's interrupt handling)
 * can run as steps on the wrapper's own agenda instead of as a SystemC
 * process: gic_step(t, what) is called by the wrapper at time t (ps), in time
 * order with the core's events and the posted MSIs, possibly ahead of
 * sc_time_stamp() (temporal decoupling). A step may access the GIC at exactly
 * its time t (sysreg_read_at/sysreg_write_at), do loosely-timed TLM accesses
 * with the delay t - sc_time_stamp() (never wait(), never notify an event or
 * write a signal: other processes run at SystemC time, which may be behind
 * t), and schedule further steps at times >= t. A line listener that watches its CPU's lines gets
 * a step for every change of one of them: what = kLineStep | line << 1 | level
 * (line_level() gives the levels at the time being processed).
 */
struct gic_tlm_client {
    static constexpr uint32_t kLineStep = 0x80000000u;
    virtual void gic_step(uint64_t t_ps, uint32_t what) = 0;
    virtual ~gic_tlm_client() = default;
};

struct gic_tlm_options {
    sc_core::sc_time mmio_latency = sc_core::sc_time(20, sc_core::SC_NS); /* annotated per register access */
    sc_core::sc_time msi_latency = sc_core::sc_time(0, sc_core::SC_NS);   /* annotated per posted MSI write */
    /* true: synchronous inputs synchronise the calling thread (wait(delay))
     * before they are applied, so inputs reach the core in time order.
     * false: applied at sc_time_stamp()+delay without waiting: decoupled
     * initiators can then be "late" and the core clamps (error late_input). */
    bool sync_on_access = true;
    /* true: an access whose local time no other process can precede is
     * applied without wait() (see quiet_until in gic_tlm.h), and the
     * internal driver processes the core's events ahead while no other
     * process is due. Same inputs, same order, same outputs; fewer context
     * switches. false: one wait()/wake-up per access and per core event. */
    bool run_ahead = true;
    /* true: no process reacts to an output line going LOW by accessing the
     * GIC before the line rises again (true for CPU models that wait for the
     * rising edge, like cpu_model). A pending deassertion then does not stop
     * run-ahead; the line is still written at its exact time. false (default):
     * every pending line change counts as activity of another process. */
    bool falling_edges_passive = false;
    /* true: no process reacts to any output line by accessing the GIC (the
     * models that need the lines are line listeners, see gic_tlm_client):
     * pending line writes never stop run-ahead. Implies falling_edges_passive. */
    bool lines_passive = false;
    /* run-ahead of the driver: at most this far beyond sc_time_stamp()
     * (bounds the memory of queued line writes and how far the GIC's state is
     * ahead of SystemC time); zero: no bound other than other processes */
    sc_core::sc_time run_ahead_limit = sc_core::SC_ZERO_TIME;
    /* true (default): the irq/fiq/virq/vfiq ports are written at the exact
     * time of every change. false: they are never written (they stay low);
     * for platforms whose models get the lines as line listeners (see
     * gic_tlm_client) and where nothing reads or traces the signals. Each
     * line change otherwise costs a wake-up of the internal driver at its
     * time (a kernel activation). Can be changed until simulation starts
     * (set_drive_pins). */
    bool drive_pins = true;
    gic_log_level_t log_level = GIC_LOG_WARN;
    bool use_builtin_memory = false;       /* true: the core's built-in memory, mem_socket unused */
    /* per core component log level; others use log_level. Keys in lower
     * case: a family (gic_log_component_family: "its", "lpi", "vpe", "icc",
     * "icv", "ich", "gicd", ...) or one instance ("its1") */
    std::map<std::string, gic_log_level_t> component_log_level;
    /* DeviceID of MSI writes (see device_id_source_fn); empty: the
     * device_id_extension (the default, inlined on the MSI path) */
    device_id_source_fn device_id_source;
};

/* An input the wrapper gave the core, for input observers (timelines,
 * traces of a platform): register accesses, system register accesses and
 * posted MSIs (at the time they will be applied). */
struct gic_tlm_input {
    enum kind_t { MMIO_WRITE, MMIO_READ, SYSREG_WRITE, SYSREG_READ, MSI } kind;
    uint64_t t = 0;                      /* ps */
    gic_frame_t frame = GIC_FRAME_GICD;  /* MMIO_* */
    uint32_t index = 0;                  /* MMIO_*: CPU or ITS of the frame */
    uint64_t offset = 0;                 /* MMIO_*: offset in the frame */
    uint32_t cpu = 0;                    /* SYSREG_* */
    gic_sysreg_t reg = GIC_SYSREG_COUNT; /* SYSREG_* */
    uint32_t its = 0, devid = 0, eventid = 0; /* MSI */
    uint64_t value = 0;                  /* written or read */
    gic_status_t status = GIC_OK;
};

/* Counters kept by the wrapper itself (not by the core). */
struct gic_tlm_stats {
    uint64_t mmio_reads = 0, mmio_writes = 0, mmio_errors = 0;
    uint64_t msis_posted = 0, msis_no_devid = 0;
    uint64_t sysreg_accesses = 0;
    uint64_t mem_reads = 0, mem_writes = 0, mem_bytes = 0, mem_errors = 0;
    uint64_t mem_latency_ps = 0;
    uint64_t mem_target_waited = 0; /* memory target advanced time: forbidden */
    uint64_t driver_activations = 0;
    uint64_t driver_run_ahead = 0;  /* core event times processed ahead by the driver */
    uint64_t caught_up = 0;         /* core event times processed ahead by an accessing thread */
    uint64_t syncs = 0;             /* accesses that waited for their local time */
    uint64_t syncs_avoided = 0;     /* accesses applied at their local time without wait() */
    uint64_t line_changes = 0;
    uint64_t steps_continued = 0;   /* steps run at once instead of scheduled (schedule_step_or_continue) */
    uint64_t agenda_peak = 0;       /* most steps on the agenda at once (a client leaving steps behind shows here) */
};

class gic_tlm : public sc_core::sc_module {
public:
    using target_socket = tlm_utils::simple_target_socket<gic_tlm>;
    using tagged_target_socket = tlm_utils::simple_target_socket_tagged<gic_tlm>;

    target_socket gicd_socket;
    target_socket gicr_socket;
    sc_core::sc_vector<tagged_target_socket> gits_socket;
    tlm_utils::simple_initiator_socket<gic_tlm> mem_socket;

    sc_core::sc_vector<sc_core::sc_in<bool>> spi_in; /* [i] = INTID 32 + i */
    sc_core::sc_vector<sc_core::sc_in<bool>> ppi_in; /* [cpu * 16 + (intid - 16)] */
    sc_core::sc_vector<sc_core::sc_out<bool>> irq, fiq, virq, vfiq; /* [cpu] */

    SC_HAS_PROCESS(gic_tlm);
    /* Throws std::runtime_error when the configuration is invalid. */
    gic_tlm(sc_core::sc_module_name name, const gic_config_t &cfg,
            const gic_tlm_options &opt = gic_tlm_options());
    ~gic_tlm() override;

    gic_t *core() { return g_; }
    const gic_config_t &config() const { return cfg_; }
    const gic_tlm_stats &stats() const { return st_; }
    /* true while the core is running (inside a gic_* call): a memory write
     * seen then is the GIC's own (through mem_socket) */
    bool in_core() const { return in_core_; }

    /* CPU interface system registers (ICC_*_EL1 are not memory mapped). Call
     * from the CPU's SC_THREAD with its local time offset in delay (quantum
     * keeper); on return delay is the new offset (access latency added). */
    gic_status_t sysreg_read(uint32_t cpu, gic_sysreg_t reg, uint64_t &val, sc_core::sc_time &delay);
    gic_status_t sysreg_write(uint32_t cpu, gic_sysreg_t reg, uint64_t val, sc_core::sc_time &delay);

    /* Observe every output of the core (MSI outcomes, command completions,
     * errors, line changes) for statistics. Observers run inside the core's
     * event loop: they must not call back into the GIC. */
    void add_output_observer(std::function<void(const gic_output_t &)> fn)
    {
        add_output_observer(std::move(fn), ~0u);
    }
    /* The same for the output kinds in `kinds` only (a mask of
     * 1u << GIC_OUT_*): observers of, say, MSI outcomes are not called for
     * every line change. */
    void add_output_observer(std::function<void(const gic_output_t &)> fn, unsigned kinds)
    {
        observers_.push_back(observer{std::move(fn), kinds});
        observed_kinds_ |= kinds;
    }

    /* Observe every input given to the core (see gic_tlm_input), after it
     * was applied; observers may read the core's statistics but must not give
     * it inputs. */
    void add_input_observer(std::function<void(const gic_tlm_input &)> fn) { add_input_observer(std::move(fn), ~0u); }
    /* The same for the input kinds in `kinds` only (a mask of
     * 1u << gic_tlm_input::kind_t): an observer of MSIs alone costs nothing
     * per register or system register access. */
    void add_input_observer(std::function<void(const gic_tlm_input &)> fn, unsigned kinds)
    {
        in_obs_.push_back(std::move(fn));
        in_obs_kinds_.push_back(kinds);
        in_kinds_ |= kinds;
    }

    /* For a thread at local time sc_time_stamp() + delay (e.g. a quantum
     * keeper's offset): true when no other SystemC process can run and no
     * output line can change up to that time, so the caller may go on without
     * synchronising (its view of the lines and of the GIC stays valid). The
     * GIC's own work due before that time is done now if nothing else is due
     * first. Always false with run_ahead off. */
    bool quiet_through(const sc_core::sc_time &delay);

    /* Agenda (see gic_tlm_client). schedule_step: run c->gic_step(t, what) at
     * time t (ps, not before the time being processed); steps of equal time
     * run in scheduling order, after the core's events of that time. */
    void schedule_step(gic_tlm_client *c, uint64_t t_ps, uint32_t what = 0);
    /* A step's place in the order of equal-time steps, taken now for a step
     * that the client may schedule later (schedule_step_seq) or never: a
     * client that keeps one agenda step for several timers of its own takes
     * the place each timer would have had, so that the order of everything
     * is as if it had scheduled each of them. */
    uint64_t take_step_seq() { return seq_++; }
    void schedule_step_seq(gic_tlm_client *c, uint64_t t_ps, uint32_t what, uint64_t seq);
    /* From inside a step: schedule_step(c, t_ps, what), unless the step
     * would run next with nothing at all before it (no core event, posted
     * MSI or other step due at or before t_ps, no other SystemC process due
     * before it, within the run-ahead limit): then nothing is scheduled and
     * false is returned, and the caller goes on at once as that step (its
     * accesses at t_ps). Same order of everything as a scheduled step, one
     * pass through the agenda less. Returns true when it scheduled. */
    bool schedule_step_or_continue(gic_tlm_client *c, uint64_t t_ps, uint32_t what)
    {
        if (t_ps < ff_until_ && t_ps < next_work_time() && first_blocking_line(!opt_.falling_edges_passive) > t_ps) {
            st_.steps_continued++;
            return false;
        }
        schedule_step(c, t_ps, what);
        return true;
    }
    /* While watching (watch_lines), c gets a step for every change of cpu's
     * IRQ/FIQ/vIRQ/vFIQ outputs, at the time of the change, in order with the
     * other steps. */
    void add_line_listener(uint32_t cpu, gic_tlm_client *c);
    void watch_lines(uint32_t cpu, bool on) { watching_[cpu] = on; }
    /* Level of an output line after the latest change the core has made,
     * i.e. at the time being processed when called from an agenda step (the
     * pin itself is written at the time of the change). */
    bool line_level(uint32_t cpu, uint32_t line) const { return level_[(size_t)cpu * 4 + (line & 3)] != 0; }
    /* System register access at absolute time t_ps, from an agenda step at
     * that time (no synchronisation: the agenda is in time order). */
    /* (In the header: a CPU model calls them for every acknowledge and EOI.) */
    gic_status_t sysreg_read_at(uint32_t cpu, gic_sysreg_t reg, uint64_t &val, uint64_t t_ps)
    {
        if (in_core_) return GIC_ERR_STATE;
        flush_posted(t_ps);
        in_core_ = true;
        gic_status_t st = gic_sysreg_read(g_, t_ps, cpu, reg, &val);
        in_core_ = false;
        st_.sysreg_accesses++;
        if (in_wanted(gic_tlm_input::SYSREG_READ)) notify_sysreg(gic_tlm_input::SYSREG_READ, cpu, reg, val, t_ps, st);
        rearm();
        return st;
    }
    gic_status_t sysreg_write_at(uint32_t cpu, gic_sysreg_t reg, uint64_t val, uint64_t t_ps)
    {
        if (in_core_) return GIC_ERR_STATE;
        flush_posted(t_ps);
        in_core_ = true;
        gic_status_t st = gic_sysreg_write(g_, t_ps, cpu, reg, val);
        in_core_ = false;
        st_.sysreg_accesses++;
        if (in_wanted(gic_tlm_input::SYSREG_WRITE)) notify_sysreg(gic_tlm_input::SYSREG_WRITE, cpu, reg, val, t_ps, st);
        rearm();
        return st;
    }
    uint64_t sysreg_latency_ps() const { return sysreg_latency_ps_; }

    /* See gic_tlm_options::drive_pins. Only before the simulation starts
     * (throws std::logic_error afterwards). */
    void set_drive_pins(bool on);
    bool drive_pins() const { return opt_.drive_pins; }

    /* Log component families the core uses (gic_log_component_family; for
     * checking user input): log_component_known("its") / ("its1") / ("icc")
     * are true. */
    static bool log_component_known(const std::string &name);
    static std::string log_family(const std::string &component);

    /* Core log messages above this level are not produced (sc_report info/warnings). */
    void set_log_level(gic_log_level_t lvl);

private:
    struct posted {
        uint64_t t;
        uint64_t seq;
        uint32_t its, devid, eventid;
        /* Simultaneous MSIs (same ps) reach the ITSs in a fixed order, ITS then
         * DeviceID (like a fixed-priority arbiter), not in the order the
         * SystemC kernel happened to run the devices; MSIs of one device keep
         * their posting order (seq). Always inlined: it is the inner test of
         * small_pq's insertion loop. */
        GICTLM_ALWAYS_INLINE bool operator>(const posted &o) const
        {
            if (t != o.t) return t > o.t;
            if (its != o.its) return its > o.its;
            if (devid != o.devid) return devid > o.devid;
            return seq > o.seq;
        }
    };
    struct step {
        uint64_t t;
        uint64_t seq;
        gic_tlm_client *c;
        uint32_t what;
        GICTLM_ALWAYS_INLINE bool operator>(const step &o) const { return t != o.t ? t > o.t : seq > o.seq; }
    };
    struct line_change {
        uint64_t t;
        uint32_t cpu, line, level;
    };

    void gicd_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    void gicr_b_transport(tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    void gits_b_transport(int id, tlm::tlm_generic_payload &gp, sc_core::sc_time &delay);
    unsigned gicd_dbg(tlm::tlm_generic_payload &gp);
    unsigned gicr_dbg(tlm::tlm_generic_payload &gp);
    unsigned gits_dbg(int id, tlm::tlm_generic_payload &gp);
    bool no_dmi(tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);
    bool no_dmi_tagged(int id, tlm::tlm_generic_payload &gp, tlm::tlm_dmi &dmi);

    void frame_access(gic_frame_t frame, uint32_t index, uint64_t offset, tlm::tlm_generic_payload &gp,
                      sc_core::sc_time *delay);
    bool check_payload(tlm::tlm_generic_payload &gp);
    /* Time at which a synchronous input is applied. With sync_on_access the
     * input reaches the core in global time order: the calling thread waits
     * until its local time, unless nothing else can happen before that time
     * (catch_up), in which case the input is applied at once and the thread
     * keeps its local time offset (temporal decoupling without a context
     * switch). Inline: every register and system register access asks it;
     * the wait is out of line (sync_input). */
    uint64_t input_time(sc_core::sc_time &delay)
    {
        /* the local time (catch_up moves neither SystemC time nor delay) */
        uint64_t t = to_ps(sim_->time_stamp() + delay);
        if (delay.value() != 0 && opt_.sync_on_access) {
            /* From a step inside a driving loop, catch_up comes down to this
             * (the wrapper's own wake-up is cancelled there: nothing to catch up) */
            const bool quiet = driving_ ? opt_.run_ahead && activity() > t
                                        : catch_up(t, !opt_.falling_edges_passive);
            if (quiet)
                st_.syncs_avoided++;
            else
                t = sync_input(delay, t);
        }
        flush_posted(t);
        return t;
    }
    uint64_t sync_input(sc_core::sc_time &delay, uint64_t t);
    /* True when no SystemC process can run before or at absolute time t (ps):
     * nothing runnable in the current delta, no pending update, and the next
     * timed event is strictly later than t. Then a wait() up to t would only
     * advance time with nobody else running in between, so applying an input
     * at t now (or running the core's own events up to t) reaches the core in
     * exactly the same order and at the same times as with the wait. */
    bool quiet_until(uint64_t t) const { return activity() > t; }
    uint64_t next_activity() const;
    /* next_activity(), asked of the kernel once per driving loop: while
     * driving_ (the driver's or catch_up's loop, with the wrapper's own
     * wake-up cancelled) no other process runs and steps and the core's
     * callbacks notify nothing (gic_tlm_client), so it stays the same for
     * every access the loop's steps make. */
    uint64_t activity() const
    {
        if (!driving_) return next_activity();
        if (!activity_known_) {
            activity_ = next_activity();
            activity_known_ = true;
        }
        return activity_;
    }
    void set_driving(bool on)
    {
        driving_ = on;
        activity_known_ = false;
    }
    mutable uint64_t activity_ = 0;
    mutable bool activity_known_ = false;
    /* Time of the next internal work for the driver (core event, posted
     * MSI or agenda step). Inline: the driver's loop and every step
     * continuation (schedule_step_or_continue) ask it. */
    bool next_work(uint64_t &next, uint64_t &core) const /* core: the core's next event (kNever: none) */
    {
        core = *core_next_; /* (kNever when none) */
        next = core;
        if (posted_.top_t() < next) next = posted_.top_t();
        if (agenda_.top_t() < next) next = agenda_.top_t();
        return next != kNever;
    }
    bool next_work(uint64_t &next) const
    {
        uint64_t core;
        return next_work(next, core);
    }
    uint64_t next_work_time() const
    {
        uint64_t n;
        next_work(n);
        return n;
    }
    uint64_t first_blocking_line(bool all) const
    {
        return opt_.lines_passive || lines_.empty() ? kNever : first_blocking_line_queued(all);
    }
    uint64_t first_blocking_line_queued(bool all) const;
    bool catch_up(uint64_t t, bool all_lines);
    void flush_posted(uint64_t t)
    {
        if (posted_.top_t() <= t) flush_posted_now(t);
    }
    void flush_posted_now(uint64_t t);
    /* The posted MSIs and the core's events due by t (advance: also move the
     * core's clock to t; an agenda step alone does not advance it: its access
     * does, at its own time). core: the core's next event time (kNever: none)
     * when the caller has just asked it (the driver's loop, from next_work,
     * nothing ran since); asked here if not given or if posted MSIs are
     * applied first. In the header: the driver's loop calls it once per
     * iteration. */
    void run_core_to(uint64_t t, bool advance, std::optional<uint64_t> core = std::nullopt)
    {
        if (posted_.top_t() <= t) {
            flush_posted_now(t);
            core.reset();
        }
        if (!advance && !core) core = *core_next_;
        if (advance || *core <= t) {
            in_core_ = true;
            gic_run_until(g_, t);
            in_core_ = false;
        }
    }
    void work_at(uint64_t t, bool advance);
    void arm(uint64_t t);
    /* (the driver's and catch_up's loops re-arm once when they end: the
     * test inline, every access of a step makes it) */
    void rearm()
    {
        if (!driving_) rearm_now();
    }
    void rearm_now();
    void driver();
    void write_lines(uint64_t now);
    void before_end_of_elaboration() override;
    void end_of_elaboration() override;
    bool msi_device_id(const tlm::tlm_generic_payload &gp, int its, uint32_t &devid) const
    {
        if (!opt_.device_id_source) {
            device_id_extension *ext = nullptr;
            gp.get_extension(ext);
            if (!ext) return false;
            devid = ext->device_id;
            return true;
        }
        return opt_.device_id_source(gp, (uint32_t)its, devid);
    }
    /* signals of the ports left unbound: one low signal for every unbound
     * input, one sink per unbound output (never written, see pins_) */
    std::unique_ptr<sc_core::sc_signal<bool>> tie_low_;
    std::vector<std::unique_ptr<sc_core::sc_module>> tie_offs_; /* the other ends of unbound sockets */
    std::vector<std::unique_ptr<sc_core::sc_signal<bool>>> sinks_;
    std::vector<uint8_t> unbound_out_; /* [cpu * 4 + line]: output port left unbound */
    std::vector<sc_core::sc_signal_inout_if<bool> *> pins_; /* [cpu * 4 + line], bound channels (null: unbound port) */
    void spi_changed();
    void ppi_changed();

    static void on_output(void *ctx, const gic_output_t *out);
    static void on_log(void *ctx, gic_time_t t, gic_log_level_t level, const char *component,
                       const char *msg);
    static gic_status_t on_mem(void *ctx, gic_time_t t, bool is_write, uint64_t addr, void *buf,
                               uint32_t len, uint64_t *latency_ps);

    gic_config_t cfg_;
    gic_tlm_options opt_;
    gic_t *g_ = nullptr;
    /* the core's next event time, read without a call (gic_next_event_time_ptr;
     * UINT64_MAX = kNever when none): every step continuation asks it */
    const gic_time_t *core_next_ = nullptr;
    gic_tlm_stats st_;
    static constexpr uint64_t kNever = UINT64_MAX;
    static_assert(sizeof(gic_time_t) == sizeof(uint64_t), "kNever is the core's none");
    sc_core::sc_simcontext *sim_ = nullptr; /* the kernel (queried once per activation) */
    uint64_t max_time_ = 0;                 /* sc_max_time().value() */
    sc_core::sc_event wake_;     /* driver: core events, posted MSIs, line writes */
    uint64_t armed_ps_ = kNever; /* time of wake_'s pending notification (kNever: none) */
    small_pq<posted> posted_;
    std::deque<line_change> lines_; /* pending line writes, in (time, output) order */
    small_pq<step> agenda_;
    GICTLM_ALWAYS_INLINE void agenda_add(const step &s) /* every step goes on the agenda here: its peak counted */
    {
        agenda_.push(s);
        if (agenda_.size() > st_.agenda_peak) st_.agenda_peak = agenda_.size();
    }
    bool agenda_pop_due(uint64_t t, step &s) /* pop the earliest step if its time is <= t */
    {
        if (agenda_.top_t() > t) return false;
        s = agenda_.top();
        agenda_.pop();
        return true;
    }
    std::vector<gic_tlm_client *> listeners_; /* [cpu] */
    std::vector<uint8_t> watching_;           /* [cpu] */
    std::vector<uint8_t> level_;              /* [cpu * 4 + line]: latest level output by the core */
    bool driving_ = false; /* inside the driver's / catch_up's loop: re-arm once at the end */
    /* While the driver runs steps: steps may continue (not be scheduled) at
     * times before this (the earlier of the next activity of another process
     * and the end of the run-ahead limit); 0 otherwise. */
    uint64_t ff_until_ = 0;
    uint64_t seq_ = 0;
    struct observer {
        std::function<void(const gic_output_t &)> fn;
        unsigned kinds; /* mask of 1u << GIC_OUT_* */
    };
    std::vector<observer> observers_;
    std::vector<std::function<void(const gic_tlm_input &)>> in_obs_;
    std::vector<unsigned> in_obs_kinds_; /* [i]: kinds in_obs_[i] observes */
    unsigned in_kinds_ = 0;              /* union of the input observers' kinds */
    bool in_wanted(gic_tlm_input::kind_t k) const { return (in_kinds_ >> k) & 1u; }
    void notify_input(const gic_tlm_input &in) const
    {
        for (size_t i = 0; i < in_obs_.size(); i++)
            if ((in_obs_kinds_[i] >> in.kind) & 1u) in_obs_[i](in);
    }
    void notify_sysreg(gic_tlm_input::kind_t k, uint32_t cpu, gic_sysreg_t reg, uint64_t v, uint64_t t,
                       gic_status_t st) const
    {
        gic_tlm_input in;
        in.kind = k;
        in.t = t;
        in.cpu = cpu;
        in.reg = reg;
        in.value = v;
        in.status = st;
        notify_input(in);
    }
    unsigned observed_kinds_ = 0; /* union of the observers' kinds */
    std::vector<bool> spi_last_, ppi_last_;
    sc_core::sc_time sysreg_latency_;
    uint64_t sysreg_latency_ps_ = 0;
    bool in_core_ = false; /* re-entrancy guard */
    tlm::tlm_generic_payload mem_gp_; /* reused for every access of the core to mem_socket */
    uint64_t gicr_stride_ = 0;        /* gic_gicr_stride(&cfg_), asked once */

    /* TLM-2.0 DMI on mem_socket (see on_mem): the regions the memory granted
     * (after a b_transport that set the DMI hint), read and written directly
     * with the latency the grant states. Sorted by start, disjoint; a small
     * direct-mapped table (by 4 KiB page) in front of the binary search. */
    struct dmi_region {
        uint64_t start, end; /* inclusive */
        unsigned char *ptr;  /* host address of start */
        bool rd, wr;
        uint64_t rd_ps, wr_ps; /* latency per access */
    };
    std::vector<dmi_region> dmi_;
    static constexpr unsigned kDmiSlots = 64; /* (the hash's top 6 bits) */
    uint32_t dmi_slot_[kDmiSlots] = {}; /* [hash of the page]: index in dmi_ + 1 (0: none) */
    /* The granted region that holds [addr, addr + len), or null. Inline: the
     * first test of every memory access. */
    const dmi_region *dmi_find(uint64_t addr, uint32_t len)
    {
        if (dmi_.empty()) return nullptr;
        /* (page number hashed: the GIC's tables sit at aligned strides, so
         * the low bits of their page numbers collide) */
        uint32_t &slot = dmi_slot_[((addr >> 12) * 0x9e3779b97f4a7c15ull) >> 58];
        if (slot) {
            const dmi_region &r = dmi_[slot - 1];
            if (addr >= r.start && addr - r.start + len - 1 <= r.end - r.start) return &r;
        }
        return dmi_search(addr, len, slot);
    }
    const dmi_region *dmi_search(uint64_t addr, uint32_t len, uint32_t &slot);
    void dmi_request(tlm::tlm_generic_payload &gp);
    void dmi_invalidate(sc_dt::uint64 start, sc_dt::uint64 end);
};

} // namespace gictlm
#endif
