/*
 * SystemC trace player: replays a gictlm trace (docs/trace-format.md) into the
 * TLM wrapper (gic_tlm) at the recorded times and writes the same timeline as
 * gictlm-replay (capi/gictlm_trace.h formatters, byte for byte).
 *
 *   trace_player.reg_socket  -> router "regbus" (GICD/GICR/GITS frames at the
 *                               configured gicd_base/gicr_base/gits_base) -> gic_tlm
 *                               MMIO with b_transport; msi = GITS_TRANSLATER
 *                               write with the DeviceID extension
 *   trace_player.mem_socket  -> router "membus" -> sparse_memory (size mem.size,
 *   gic_tlm.mem_socket       ->                    latency mem.latency_ps)
 *                               the GIC's tables live there; mem-* lines are
 *                               debug transactions (untimed, like gic_mem_write)
 *   trace_player.spi/ppi     -> sc_signal<bool> -> gic_tlm.spi_in/ppi_in
 *   sysreg-*                 -> gic_tlm::sysreg_read/sysreg_write
 *   outputs                  <- gic_tlm::add_output_observer (timeline, checks)
 *   gic_tlm.irq/fiq/...      -> sc_signal<bool> -> trace_player.irq/fiq/...
 *                               (expect-line also checks the pins)
 *
 * One elaboration per process (SystemC): build one sc_replay_top, sc_start(),
 * read the result. See docs/platform.md ("Replaying traces through SystemC").
 */
#ifndef GICTLM_TRACE_PLAYER_H
#define GICTLM_TRACE_PLAYER_H

#include "gic_tlm.h"
#include "gictlm_trace.h"
#include "tlm_parts.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <memory>
#include <string>
#include <vector>

namespace gictlm {

struct sc_replay_result {
    std::string timeline;             /* same format as gic_replay_result_t.timeline */
    std::vector<unsigned> timeline_src; /* trace line that produced each timeline line */
    unsigned expect_failures = 0;     /* expectations that did not hold (incl. pin checks) */
    unsigned input_errors = 0;        /* inputs rejected (status lines) */
    unsigned pin_mismatches = 0;      /* expect-line: IRQ/FIQ pin differs from the core's output */
    uint64_t stimuli = 0, outputs = 0;
    uint64_t late_inputs = 0;         /* stimuli older than SystemC time (applied at sc_time_stamp) */
    gic_time_t end_time = 0;          /* gic_now at the end */
    bool finished = false;            /* the player reached the end of the trace */
    std::string message;              /* first diagnostic */
};

class trace_player : public sc_core::sc_module {
public:
    tlm_utils::simple_initiator_socket<trace_player> reg_socket;
    tlm_utils::simple_initiator_socket<trace_player> mem_socket;
    sc_core::sc_vector<sc_core::sc_out<bool>> spi_out; /* [i] = INTID 32 + i */
    sc_core::sc_vector<sc_core::sc_out<bool>> ppi_out; /* [cpu * 16 + intid - 16] */
    sc_core::sc_vector<sc_core::sc_in<bool>> irq, fiq, virq, vfiq;

    SC_HAS_PROCESS(trace_player);
    /* tr and gic must outlive the player. diag: "file:line: message" (may be NULL). */
    trace_player(sc_core::sc_module_name name, const gic_trace_t &tr, gic_tlm &gic, std::FILE *diag);

    const sc_replay_result &result() const { return res_; }

private:
    void run();
    void on_output(const gic_output_t &o);
    void put(const char *line);
    void report(const char *fmt, ...) __attribute__((format(printf, 2, 3)));
    void advance_to(gic_time_t t);
    void settle(gic_time_t t);
    void sync_model(gic_time_t t);
    void status(const gic_trace_stim_t &s, gic_status_t st, uint64_t addr);
    void check(const gic_trace_stim_t &s, uint64_t v, const uint8_t *data);
    void read_done(const gic_trace_stim_t &s, gic_status_t st, uint64_t v);
    gic_status_t mmio(const gic_trace_stim_t &s, bool wr, uint64_t &v);
    gic_status_t msi(const gic_trace_stim_t &s);
    gic_status_t mem(bool wr, uint64_t addr, uint8_t *buf, size_t len);
    bool pin(uint32_t cpu, uint32_t line) const;

    const gic_trace_t &tr_;
    gic_tlm &gic_;
    std::FILE *diag_;
    gic_trace_checker_t *chk_;
    unsigned line_ = 0;
    sc_replay_result res_;

public:
    ~trace_player() override;
};

/* The replay platform: GIC wrapper, register router, memory bus and memory,
 * SPI/PPI/IRQ signals and the player, configured from the trace. Throws
 * std::runtime_error if the configuration is rejected. */
class sc_replay_top : public sc_core::sc_module {
public:
    sc_replay_top(sc_core::sc_module_name name, const gic_trace_t &tr, std::FILE *diag, bool run_ahead = true);
    gic_tlm &gic() { return *gic_; }
    trace_player &player() { return *player_; }
    sparse_memory &memory() { return *mem_; }

private:
    std::unique_ptr<gic_tlm> gic_;
    std::unique_ptr<router> regbus_, membus_;
    std::unique_ptr<sparse_memory> mem_;
    std::unique_ptr<trace_player> player_;
    sc_core::sc_vector<sc_core::sc_signal<bool>> spi_, ppi_, irq_, fiq_, virq_, vfiq_;
};

/* The command line of gictlm-sc-replay (and gictlm-platform --replay):
 *   [--replay] TRACE [-o|--timeline FILE] [-g|--golden FILE] [-s|--stats FILE]
 *   [-p NAME=VALUE ...] [--no-run-ahead] [-q|--quiet]
 * Elaborates one sc_replay_top and runs it (call once per process, from
 * sc_main). Exit status as gictlm-replay: 0 = replayed, expectations held,
 * timeline equals the golden; 1 = an expectation failed or the timeline
 * differs; 2 = usage, parse or configuration error. */
int sc_replay_cli(int argc, char **argv, const char *prog);

} // namespace gictlm
#endif
