/*
 * Out-of-tree SystemC platform using the installed gictlm package
 * (find_package(gictlm COMPONENTS systemc), target gictlm::systemc). It is
 * the worked example of docs/platform.md ("Use gictlm in your own platform"):
 *
 *  - a GIC (gictlm::gic_tlm) with 2 CPUs, its memory port on a sparse memory,
 *    its register frames behind a router;
 *  - only the signals the platform uses are bound: SPI 32's input and CPU 0's
 *    IRQ output; every other SPI/PPI input, CPU 1's lines and the FIQ/vIRQ/
 *    vFIQ outputs are left unbound (inputs read low);
 *  - the DeviceID of MSIs comes from the platform's own requester-ID
 *    extension (gic_tlm_options::device_id_source), not from gictlm's;
 *  - one CPU thread brings the distributor and CPU 0 up, raises SPI 32, waits
 *    for the IRQ, acknowledges (ICC_IAR1_EL1) and EOIs; then writes an MSI to
 *    GITS_TRANSLATER with requester ID 42, which the ITS (not set up) drops as
 *    an unmapped device: the outcome names DeviceID 42.
 *
 * Exit 0 when all of that happened.
 */
#include <gic_tlm.h>
#include <tlm_parts.h>

#include <systemc>
#include <tlm_utils/simple_initiator_socket.h>

#include <cstdio>
#include <cstring>

using namespace sc_core;

/* The platform's own way of marking requesters (e.g. a PCIe requester ID). */
struct requester_id : tlm::tlm_extension<requester_id> {
    uint32_t rid = 0;
    tlm::tlm_extension_base *clone() const override
    {
        auto *e = new requester_id;
        e->rid = rid;
        return e;
    }
    void copy_from(const tlm::tlm_extension_base &o) override { rid = static_cast<const requester_id &>(o).rid; }
};

static constexpr uint64_t kGicd = 0x08000000, kGicr = 0x080a0000, kGits = 0x08080000;

struct cpu0 : sc_module {
    tlm_utils::simple_initiator_socket<cpu0> socket{"socket"};
    sc_in<bool> irq{"irq"};
    sc_out<bool> spi{"spi"};
    gictlm::gic_tlm *gic = nullptr;
    uint64_t acked = 0;
    bool ok = true;

    SC_HAS_PROCESS(cpu0);
    explicit cpu0(sc_module_name n) : sc_module(n) { SC_THREAD(run); }

    void access(tlm::tlm_command cmd, uint64_t addr, uint64_t &v, unsigned len, requester_id *ext = nullptr)
    {
        tlm::tlm_generic_payload gp;
        gp.set_command(cmd);
        gp.set_address(addr);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        gp.set_data_length(len);
        gp.set_streaming_width(len);
        if (ext) gp.set_extension(ext);
        sc_time d = SC_ZERO_TIME;
        socket->b_transport(gp, d);
        if (ext) gp.clear_extension(ext);
        wait(d);
        if (!gp.is_response_ok()) ok = false;
    }
    void w(uint64_t a, uint64_t v, unsigned len = 4) { access(tlm::TLM_WRITE_COMMAND, a, v, len); }
    uint64_t r(uint64_t a)
    {
        uint64_t v = 0;
        access(tlm::TLM_READ_COMMAND, a, v, 4);
        return v;
    }

    void run()
    {
        w(kGicd + 0x0, 0);                /* GICD_CTLR: off while configuring */
        w(kGicd + 0x84, 1);               /* GICD_IGROUPR1: SPI 32 in Group 1 */
        w(kGicd + 0x420, 0xa0);           /* GICD_IPRIORITYR8: SPI 32 at 0xa0 */
        w(kGicd + 0x6100, 0, 8);          /* GICD_IROUTER32: CPU 0 */
        w(kGicd + 0x104, 1);              /* GICD_ISENABLER1: SPI 32 */
        w(kGicd + 0x0, 0x12);             /* ARE | EnableGrp1 */
        w(kGicr + 0x14, 0);               /* GICR_WAKER.ProcessorSleep = 0 */
        while (r(kGicr + 0x14) & 4) wait(10, SC_NS); /* ChildrenAsleep */
        sc_time d = SC_ZERO_TIME;
        gic->sysreg_write(0, GIC_ICC_SRE_EL1, 7, d);
        gic->sysreg_write(0, GIC_ICC_PMR_EL1, 0xf0, d);
        gic->sysreg_write(0, GIC_ICC_IGRPEN1_EL1, 1, d);
        wait(d);

        spi.write(true); /* the device raises its level interrupt */
        if (!irq.read()) wait(irq.posedge_event());
        d = SC_ZERO_TIME;
        gic->sysreg_read(0, GIC_ICC_IAR1_EL1, acked, d);
        spi.write(false); /* the handler quiets the device */
        gic->sysreg_write(0, GIC_ICC_EOIR1_EL1, acked, d);
        wait(d);
        std::printf("consumer_sc: IRQ at %s, ICC_IAR1_EL1 = %llu\n", sc_time_stamp().to_string().c_str(),
                    (unsigned long long)acked);

        uint64_t ev = 3; /* an MSI: EventID 3 from requester 42 */
        auto *rid = new requester_id;
        rid->rid = 42;
        access(tlm::TLM_WRITE_COMMAND, kGits + GIC_GITS_TRANSLATER_OFFSET, ev, 4, rid);
        delete rid;
        wait(1, SC_US);
        sc_stop();
    }
};

int sc_main(int, char **)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 2;
    gictlm::gic_tlm_options opt;
    opt.device_id_source = [](const tlm::tlm_generic_payload &gp, uint32_t, uint32_t &devid) {
        requester_id *e = nullptr;
        gp.get_extension(e);
        if (!e) return false;
        devid = e->rid;
        return true;
    };
    gictlm::gic_tlm gic("gic", cfg, opt);
    gictlm::sparse_memory ram("ram", 0x10000000, sc_time(50, SC_NS), sc_time(50, SC_NS));
    gictlm::router bus("bus");
    cpu0 cpu("cpu0");
    gic.mem_socket.bind(ram.socket);
    cpu.socket.bind(bus.target);
    bus.add_target(gic.gicd_socket, kGicd, GIC_GICD_SIZE, "gicd");
    bus.add_target(gic.gicr_socket, kGicr, 2 * GIC_GICR_STRIDE, "gicr");
    bus.add_target(gic.gits_socket[0], kGits, GIC_GITS_SIZE, "gits");
    sc_signal<bool> spi32("spi32"), irq0("irq0");
    gic.spi_in[0].bind(spi32); /* everything else stays unbound */
    gic.irq[0].bind(irq0);
    cpu.spi.bind(spi32);
    cpu.irq.bind(irq0);
    cpu.gic = &gic;

    uint32_t msi_devid = ~0u;
    gic.add_output_observer([&](const gic_output_t &o) { msi_devid = o.devid; }, 1u << GIC_OUT_MSI);
    sc_start(sc_time(1, SC_MS));
    std::printf("consumer_sc: MSI outcome for DeviceID %u\n", msi_devid);
    bool ok = cpu.ok && cpu.acked == 32 && msi_devid == 42;
    std::printf("consumer_sc: %s\n", ok ? "OK" : "FAILED");
    return ok ? 0 : 1;
}
