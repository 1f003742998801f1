/*
 * CPU model: what a kernel does with GIC interrupts (boot like Linux, then
 * wait for IRQ, acknowledge, handle, EOI), plus the shared boot state.
 */
#ifndef GICTLM_CPU_H
#define GICTLM_CPU_H

#include "boot_layout.h"
#include "gic_tlm.h"
#include "msi_device.h"

#include <systemc>
#include <tlm>
#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/tlm_quantumkeeper.h>

#include <cstdint>
#include <vector>

namespace gictlm {

/* One device as the boot code maps it. */
struct boot_device {
    uint32_t its;
    uint32_t devid;
    uint32_t vectors;
    uint32_t first_intid;          /* vector e -> LPI first_intid + e */
    std::vector<uint32_t> cpu_of;  /* vector e -> target CPU (collection) */
};

/* Shared state of the Linux-like bring-up (drivers/irqchip/irq-gic-v3.c and
 * irq-gic-v3-its.c), executed by the CPU models through their sockets. */
struct boot_state {
    uint64_t gicd_base = 0, gicr_base = 0, gits_base = 0;
    uint64_t gicr_stride = GIC_GICR_STRIDE; /* gic_gicr_stride() of the GIC's configuration */
    uint64_t gits_stride = GIC_GITS_SIZE;   /* gic_gits_stride(): 256 KiB with GICv4.1 (ITS_SGI_base) */
    uint64_t ram_base = 0, ram_size = 0;
    uint64_t alloc_next = 0;           /* bump allocator in RAM */
    uint32_t num_cpus = 1, num_its = 1;
    bool eoi_mode = false;             /* ICC_CTLR_EL1.EOImode (1 = split priority drop/deactivate) */
    sc_core::sc_time poll_interval = sc_core::sc_time(100, sc_core::SC_NS);
    sc_core::sc_time cmd_timeout = sc_core::sc_time(1, sc_core::SC_MS);
    std::vector<boot_device> devices;

    /* filled during boot */
    uint32_t lpi_bits = 0;
    uint64_t prop_base = 0;
    std::vector<uint64_t> pend_base;
    struct its_state {
        uint64_t cmdq = 0, cmdq_size = boot_layout::kCmdqBytes, cwriter = 0;
        uint32_t itt_esz = 8, devbits = 16;
        bool pta = false;
    };
    std::vector<its_state> its;
    uint32_t turn = 0;               /* CPU whose turn it is to bring itself up */
    sc_core::sc_event turn_ev, all_up, done;
    bool finished = false;
    uint64_t errors = 0;             /* failed accesses or command timeouts */
    uint64_t commands = 0;
    sc_core::sc_time done_time;

    uint64_t alloc(uint64_t size, uint64_t align);
};

struct cpu_params {
    uint32_t index = 0;
    sc_core::sc_time entry_latency = sc_core::sc_time(100, sc_core::SC_NS); /* exception entry */
    sc_core::sc_time handler_time = sc_core::sc_time(500, sc_core::SC_NS);
    sc_core::sc_time exit_latency = sc_core::sc_time(50, sc_core::SC_NS);
    uint64_t touch_addr = 0; /* nonzero: the handler reads this device register */
    /* false: one interrupt per exception, as Linux's gic_handle_irq() since
     * v5.x (one ICC_IAR1_EL1 read; a line still high after the exception
     * return is taken as a new exception). true: acknowledge until
     * ICC_IAR1_EL1 returns 1023, as Linux 4.x did (a do/while loop). */
    bool irq_loop = false;
    bool boot = true;        /* run the Linux-like bring-up */
    /* true: after the bring-up, interrupt handling runs as steps on the GIC
     * wrapper's agenda (gic_tlm_client, IRQ line listener) instead of in the
     * SC_THREAD: the same accesses at the same times, without a context
     * switch or a SystemC event per access. false: the SC_THREAD waits for
     * the IRQ line and synchronises its quantum keeper at GIC accesses. */
    bool agenda = false;
};

class cpu_model : public sc_core::sc_module, public gic_tlm_client {
public:
    tlm_utils::simple_initiator_socket<cpu_model> socket;
    sc_core::sc_in<bool> irq;

    SC_HAS_PROCESS(cpu_model);
    cpu_model(sc_core::sc_module_name name, const cpu_params &p, gic_tlm *gic, boot_state *boot,
              msi_tracker *tracker);

    /* MMIO through the socket at the local time; errors are counted. */
    bool transact(tlm::tlm_command cmd, uint64_t addr, unsigned char *data, unsigned len);
    uint64_t mmio_read(uint64_t addr, unsigned size);
    void mmio_write(uint64_t addr, unsigned size, uint64_t val);
    void mem_write(uint64_t addr, const void *buf, unsigned len);
    uint64_t sysreg_read(gic_sysreg_t r);
    void sysreg_write(gic_sysreg_t r, uint64_t v);

    uint64_t irqs = 0, handled = 0, spurious = 0, bus_errors = 0, sysreg_errors = 0;
    uint64_t busy_ps = 0; /* time spent in handlers (entry to exit), ps */

    void gic_step(uint64_t t_ps, uint32_t what) override;

private:
    /* agenda mode (cpu_params::agenda) */
    enum step_kind : uint32_t { S_START = 1, S_IAR, S_EOIR, S_DIR, S_END, S_DROP };
    enum class idle { none, rise, change };
    uint64_t begin_irq(uint64_t t);
    uint64_t run_handler(uint64_t t);
    uint64_t end_irq(uint64_t t);
    void go_idle(idle how, bool level);
    uint64_t mmio_read_at(uint64_t addr, unsigned size, uint64_t &t_ps);
    idle idle_ = idle::none;      /* waiting for a rising edge / any change of the line */
    bool idle_level_ = false;     /* line level when the wait for a change began */
    /* Idle while returning from an exception: no new one before this time
     * (the end of the exception return, S_END's time); 0 otherwise. */
    uint64_t ready_ps_ = 0;
    bool any_ = false;
    uint32_t intid_ = 0;
    uint64_t start_ps_ = 0;
    uint64_t entry_ps_ = 0, handler_ps_ = 0, exit_ps_ = 0; /* p_'s latencies in ps */

    void run();
    void boot_primary();
    void boot_secondary();
    void boot_devices();
    void its_cmd(uint32_t its, const uint64_t c[4]);
    void its_flush(uint32_t its);
    void handle_irqs();

    cpu_params p_;
    gic_tlm *gic_;
    boot_state *b_;
    msi_tracker *tracker_;
    tlm_utils::tlm_quantumkeeper qk_;
    /* one payload for every access of this CPU (blocking: one at a time;
     * byte enables and extensions never set): no allocation per access */
    tlm::tlm_generic_payload gp_;
};

} // namespace gictlm
#endif
