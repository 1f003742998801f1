/*
 * gictlm SystemC/TLM-2.0 wrapper (gic_tlm.h), part 2 of 3: the scheduling
 * loop. How the core's clock follows SystemC time, the run-ahead of the
 * internal driver and of accessing threads, posted MSIs, the agenda of client
 * steps and the output line writes. (Part 1: gic_tlm.cpp; part 3: gic_tlm_sockets.cpp.)
 */
#include "gic_tlm.h"

#include <cstring>
#include <iterator>
#include <stdexcept>

using namespace sc_core;

namespace gictlm {

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
    uint64_t na = activity();
    if (na > t) return true;              /* nothing due by t, the driver included */
    if (armed_ps_ > t || na < armed_ps_) return false; /* someone else is due first */
    /* the driver's wake-up is the earliest activity and due by t */
    wake_.cancel();
    armed_ps_ = kNever;
    bool ok = true;
    uint64_t n;
    set_driving(true);
    while (next_work(n) && n <= t) {
        if (!quiet_until(n) || first_blocking_line(all_lines) <= n) {
            ok = false;
            break;
        }
        work_at(n, false);
        st_.caught_up++;
    }
    if (ok) ok = quiet_until(t) && first_blocking_line(all_lines) > t;
    set_driving(false);
    rearm();
    return ok;
}

bool gic_tlm::quiet_through(const sc_time &delay)
{
    if (in_core_) return false;
    return catch_up(to_ps(sim_now() + delay), true);
}

/* input_time (gic_tlm.h) when the access cannot be applied at its local
 * time t at once: a thread waits until then (delay becomes zero); a method
 * cannot, its input is applied at t. Returns the time of the input. */
uint64_t gic_tlm::sync_input(sc_time &delay, uint64_t t)
{
    sc_process_handle h = sc_get_current_process_handle();
    if (h.valid() && h.proc_kind() == SC_THREAD_PROC_) {
        wait(delay);
        delay = SC_ZERO_TIME;
        st_.syncs++;
        t = to_ps(sim_->time_stamp());
    }
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
    schedule_step_seq(c, t_ps, what, seq_++);
}

void gic_tlm::schedule_step_seq(gic_tlm_client *c, uint64_t t_ps, uint32_t what, uint64_t seq)
{
    agenda_add(step{t_ps, seq, c, what});
    if (!driving_ && t_ps < armed_ps_) arm(t_ps);
}

void gic_tlm::add_line_listener(uint32_t cpu, gic_tlm_client *c)
{
    if (cpu >= cfg_.num_cpus) throw std::runtime_error("gic_tlm: add_line_listener: no such CPU");
    listeners_[cpu] = c;
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

void gic_tlm::rearm_now()
{
    uint64_t next;
    next_work(next);
    if (!lines_.empty() && lines_.front().t < next) next = lines_.front().t;
    arm(next);
}

/* Write the output lines due at or before now (the driver is their only writer). */
void gic_tlm::write_lines(uint64_t now)
{
    while (!lines_.empty() && lines_.front().t <= now) {
        const line_change &c = lines_.front();
        st_.line_changes++;
        sc_signal_inout_if<bool> *pin = pins_[(size_t)c.cpu * 4 + c.line]; /* (on_output keeps line <= VFIQ) */
        if (pin) pin->write(c.level != 0);
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
    set_driving(true); /* from here on activity() asks the kernel once */
    uint64_t core = kNever; /* the core's next event, from next_work (first pass: advance anyway) */
    for (bool first = true;; first = false) {
        /* work_at(t, first), with step continuation: posted MSIs, the
         * core's events (the core's clock follows the driver's wake-ups),
         * then the steps at t */
        run_core_to(t, first, core);
        if (agenda_.top_t() <= t) {
            /* steps may go on at later times while nothing else can come first */
            if (opt_.run_ahead) ff_until_ = std::min(activity(), limit == kNever ? kNever : limit + 1);
            step s;
            while (agenda_pop_due(t, s)) s.c->gic_step(s.t, s.what);
            ff_until_ = 0;
        }
        uint64_t n;
        if (!next_work(n, core)) break;
        t = n;
        if (t <= now) continue; /* steps or events scheduled at now by the work just done */
        if (!opt_.run_ahead || t > limit || t >= activity() ||
            first_blocking_line(!opt_.falling_edges_passive) <= t)
            break;
        st_.driver_run_ahead++;
    }
    set_driving(false);
    /* Lines due now are written last: the signals update at the end of this
     * evaluation phase whenever they are written, and a write (a pending
     * update) earlier would look like another process's activity to the
     * run-ahead test above. */
    write_lines(now);
    rearm();
}

} // namespace gictlm
