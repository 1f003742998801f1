// SystemC/TLM wrapper and platform tests. Each TEST elaborates its own design:
// ctest runs every test in its own process (one elaboration per process).
#include <cmath>
#include <gtest/gtest.h>

#include "gic_test.h"
#include "gic_tlm.h"
#include "platform.h"
#include "tlm_parts.h"
#include "gictlm_driver.h"
#include "gictlm_trace.h"

#include <tlm_utils/simple_initiator_socket.h>
#include <tlm_utils/simple_target_socket.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <cstring>
#include <functional>
#include <vector>

using namespace sc_core;
using namespace gictlm;

namespace {

int g_tests_run = 0;
#define ONE_ELABORATION()                                                                          \
    do {                                                                                           \
        if (++g_tests_run > 1) GTEST_SKIP() << "one SystemC elaboration per process: use ctest";   \
    } while (0)

/* A test bench: a thread running a test body, with an initiator socket. */
struct bench : sc_module {
    tlm_utils::simple_initiator_socket<bench> socket;
    std::function<void(bench &)> body;
    SC_HAS_PROCESS(bench);
    bench(sc_module_name n, std::function<void(bench &)> b) : sc_module(n), socket("socket"), body(std::move(b))
    {
        SC_THREAD(run);
    }
    void run() { body(*this); }
    tlm::tlm_response_status access(bool wr, uint64_t addr, unsigned len, uint64_t &val, sc_time &delay,
                                    uint32_t *devid = nullptr, unsigned char *be = nullptr,
                                    unsigned sw = 0)
    {
        tlm::tlm_generic_payload gp;
        device_id_extension ext(devid ? *devid : 0);
        gp.set_command(wr ? tlm::TLM_WRITE_COMMAND : tlm::TLM_READ_COMMAND);
        gp.set_address(addr);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&val));
        gp.set_data_length(len);
        gp.set_streaming_width(sw ? sw : len);
        gp.set_byte_enable_ptr(be);
        gp.set_byte_enable_length(be ? len : 0);
        gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
        if (devid) gp.set_extension(&ext);
        socket->b_transport(gp, delay);
        if (devid) gp.clear_extension(&ext);
        return gp.get_response_status();
    }
    uint64_t rd(uint64_t addr, unsigned len = 4)
    {
        uint64_t v = 0;
        sc_time d = SC_ZERO_TIME;
        EXPECT_EQ(access(false, addr, len, v, d), tlm::TLM_OK_RESPONSE) << std::hex << addr;
        return v;
    }
    void wr(uint64_t addr, uint64_t v, unsigned len = 4)
    {
        sc_time d = SC_ZERO_TIME;
        EXPECT_EQ(access(true, addr, len, v, d), tlm::TLM_OK_RESPONSE) << std::hex << addr;
    }
};

/* Memory target that records every access (address, size, time) with a fixed latency. */
struct recording_memory : sc_module {
    tlm_utils::simple_target_socket<recording_memory> socket;
    std::vector<uint8_t> backing = std::vector<uint8_t>(1 << 20); /* RAM window, offset-addressed */
    sc_time latency;
    struct rec { uint64_t addr; unsigned len; bool wr; uint64_t t_ps; };
    std::vector<rec> log;
    recording_memory(sc_module_name n, sc_time lat) : sc_module(n), socket("socket"), latency(lat)
    {
        socket.register_b_transport(this, &recording_memory::bt);
    }
    void bt(tlm::tlm_generic_payload &gp, sc_time &d)
    {
        log.push_back({gp.get_address(), gp.get_data_length(), gp.is_write(), to_ps(sc_time_stamp() + d)});
        if (gp.get_address() + gp.get_data_length() > backing.size()) {
            gp.set_response_status(tlm::TLM_ADDRESS_ERROR_RESPONSE);
            return;
        }
        if (gp.is_write())
            std::memcpy(&backing[gp.get_address()], gp.get_data_ptr(), gp.get_data_length());
        else
            std::memcpy(gp.get_data_ptr(), &backing[gp.get_address()], gp.get_data_length());
        d += latency;
        gp.set_response_status(tlm::TLM_OK_RESPONSE);
    }
};

/* GIC + router + test bench, with lines bound to signals. */
struct rig {
    gic_config_t cfg;
    std::unique_ptr<gic_tlm> gic;
    std::unique_ptr<router> bus;
    std::unique_ptr<recording_memory> rmem;
    std::unique_ptr<bench> tb, tb2;
    sc_vector<sc_signal<bool>> irq, fiq, virq, vfiq, spi, ppi;
    rig(std::function<void(bench &)> body, gic_tlm_options o = gic_tlm_options(),
        std::function<void(bench &)> body2 = nullptr, uint32_t cpus = 4)
        : irq("irq"), fiq("fiq"), virq("virq"), vfiq("vfiq"), spi("spi"), ppi("ppi")
    {
        gic_config_default(&cfg);
        cfg.num_cpus = cpus;
        gic = std::make_unique<gic_tlm>("gic", cfg, o);
        irq.init(cpus); fiq.init(cpus); virq.init(cpus); vfiq.init(cpus);
        spi.init(cfg.num_spis); ppi.init(cpus * 16);
        for (uint32_t i = 0; i < cpus; i++) {
            gic->irq[i].bind(irq[i]); gic->fiq[i].bind(fiq[i]);
            gic->virq[i].bind(virq[i]); gic->vfiq[i].bind(vfiq[i]);
        }
        for (uint32_t i = 0; i < cfg.num_spis; i++) gic->spi_in[i].bind(spi[i]);
        for (uint32_t i = 0; i < cpus * 16; i++) gic->ppi_in[i].bind(ppi[i]);
        bus = std::make_unique<router>("bus");
        bus->add_target(gic->gicd_socket, cfg.gicd_base, GIC_GICD_SIZE, "GICD");
        bus->add_target(gic->gicr_socket, cfg.gicr_base, GIC_GICR_STRIDE * cpus, "GICR");
        bus->add_target(gic->gits_socket[0], cfg.gits_base, GIC_GITS_SIZE, "GITS0");
        rmem = std::make_unique<recording_memory>("rmem", sc_time(250, SC_NS));
        bus->add_target(rmem->socket, 0x40000000, 1 << 20, "RAM");
        gic->mem_socket.bind(bus->target);
        tb = std::make_unique<bench>("tb", body);
        tb->socket.bind(bus->target);
        if (body2) {
            tb2 = std::make_unique<bench>("tb2", body2);
            tb2->socket.bind(bus->target);
        }
    }
    uint64_t D(uint64_t off) const { return cfg.gicd_base + off; }
    uint64_t R(uint32_t cpu, uint64_t off) const { return cfg.gicr_base + cpu * GIC_GICR_STRIDE + off; }
    uint64_t I(uint64_t off) const { return cfg.gits_base + off; }
    uint64_t counter(const char *n)
    {
        uint64_t v = 0;
        gic_stat_counter(gic->core(), n, &v);
        return v;
    }
    /* Level-sensitive SPI 32, Group 1, priority 0x80, routed to CPU 0 and
     * enabled; CPU 0 woken and taking Group 1 (PMR 0xf0). */
    void setup_spi32_cpu0(bench &b)
    {
        b.wr(D(0x0), 0x13);              /* ARE | G1A | G1 */
        b.wr(D(0x80 + 4), 0xffffffffu); /* SPIs 32..63 group 1 */
        b.wr(D(0x400 + 32), 0x80);      /* priority of SPI 32 */
        b.wr(D(0x6000 + 8 * 32), 0, 8); /* IROUTER -> CPU 0 */
        b.wr(D(0x100 + 4), 1);          /* ISENABLER: SPI 32 */
        b.wr(R(0, 0x14), 0);            /* GICR_WAKER */
        sc_time d = SC_ZERO_TIME;
        gic->sysreg_write(0, GIC_ICC_SRE_EL1, 7, d);
        gic->sysreg_write(0, GIC_ICC_PMR_EL1, 0xf0, d);
        gic->sysreg_write(0, GIC_ICC_IGRPEN1_EL1, 1, d);
    }
};

} // namespace

TEST(ScWrapper, RegisterAccessThroughSockets)
{
    ONE_ELABORATION();
    uint64_t typer = 0, rtyper2 = 0, ctlr = 0, direct = 0;
    rig *r = nullptr;
    rig rr([&](bench &b) {
        typer = b.rd(r->D(0x4));
        b.wr(r->D(0x0), 0x13);
        ctlr = b.rd(r->D(0x0));
        rtyper2 = b.rd(r->R(2, 0x8), 8);
    });
    r = &rr;
    sc_start(10, SC_US);
    gic_mmio_read(rr.gic->core(), gic_now(rr.gic->core()), GIC_FRAME_GICD, 0, 0x4, 4, &direct);
    EXPECT_EQ(typer, direct);
    EXPECT_EQ((typer & 0x1f) + 1, (rr.cfg.num_spis + 32) / 32); /* GICD_TYPER.ITLinesNumber */
    EXPECT_EQ(ctlr & 0x13, 0x13u);
    EXPECT_EQ((rtyper2 >> 8) & 0xffff, 2u); /* GICR_TYPER.Processor_Number */
    EXPECT_EQ(rr.gic->stats().mmio_reads, 3u);
    EXPECT_EQ(rr.gic->stats().mmio_writes, 1u);
}

TEST(ScWrapper, ResponseStatuses)
{
    ONE_ELABORATION();
    std::vector<tlm::tlm_response_status> st;
    rig *r = nullptr;
    rig rr([&](bench &b) {
        uint64_t v = 0;
        sc_time d = SC_ZERO_TIME;
        unsigned char be[4] = {0xff, 0xff, 0xff, 0xff};
        st.push_back(b.access(false, r->D(0x4), 3, v, d));                    /* 0: bad size */
        st.push_back(b.access(false, r->D(0x4), 4, v, d, nullptr, be));       /* 1: byte enables */
        st.push_back(b.access(false, r->D(0x4), 4, v, d, nullptr, nullptr, 2)); /* 2: streaming */
        v = 5;
        st.push_back(b.access(true, r->I(0x10040), 4, v, d));                 /* 3: MSI, no DeviceID */
        uint32_t dev = 7;
        st.push_back(b.access(true, r->I(0x10040), 4, v, d, &dev));           /* 4: MSI with DeviceID */
        st.push_back(b.access(true, r->I(0x10040), 1, v, d, &dev));           /* 5: MSI, byte */
        st.push_back(b.access(false, 0x20000000, 4, v, d));                    /* 6: unmapped */
        tlm::tlm_generic_payload gp;                                           /* 7: GICR past the last CPU */
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(4 * GIC_GICR_STRIDE + 8);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        r->gic->gicr_socket.get_base_export()->b_transport(gp, d);
        st.push_back(gp.get_response_status());
        tlm::tlm_dmi dmi;
        gp.set_address(0);
        EXPECT_FALSE(r->gic->gicd_socket.get_base_export()->get_direct_mem_ptr(gp, dmi));
    });
    r = &rr;
    sc_start(10, SC_US);
    ASSERT_EQ(st.size(), 8u);
    EXPECT_EQ(st[0], tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(st[1], tlm::TLM_BYTE_ENABLE_ERROR_RESPONSE);
    EXPECT_EQ(st[2], tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(st[3], tlm::TLM_GENERIC_ERROR_RESPONSE);
    EXPECT_EQ(st[4], tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(st[5], tlm::TLM_BURST_ERROR_RESPONSE);
    EXPECT_EQ(st[6], tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(st[7], tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(rr.counter("errors.msi_no_devid"), 1u);
    EXPECT_EQ(rr.counter("msi.received"), 1u); /* only the one with a DeviceID */
    EXPECT_EQ(rr.gic->stats().msis_posted, 1u);
    EXPECT_EQ(rr.bus->decode_errors, 1u);
}

TEST(ScWrapper, DebugTransportDoesNotAdvanceTime)
{
    ONE_ELABORATION();
    uint64_t typer = 0;
    unsigned n = 0;
    gic_time_t before = 0, after = 0;
    rig *r = nullptr;
    rig rr([&](bench &b) {
        wait(3, SC_US);
        before = gic_now(r->gic->core());
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address(r->D(0x4));
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&typer));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        n = b.socket->transport_dbg(gp);
        after = gic_now(r->gic->core());
    });
    r = &rr;
    sc_start(10, SC_US);
    EXPECT_EQ(n, 4u);
    EXPECT_EQ(before, after);
    uint64_t direct = 0;
    gic_mmio_read(rr.gic->core(), gic_now(rr.gic->core()), GIC_FRAME_GICD, 0, 0x4, 4, &direct);
    EXPECT_EQ(typer, direct);
}

TEST(ScWrapper, TimeAnnotationSynchronisesTheCaller)
{
    ONE_ELABORATION();
    sc_time t_after, d_after;
    gic_time_t core_t = 0;
    rig *r = nullptr;
    gic_tlm_options o;
    o.mmio_latency = sc_time(20, SC_NS);
    o.run_ahead = false; /* always wait() (see RunAheadAppliesWithoutWait) */
    rig rr(
        [&](bench &b) {
            uint64_t v = 0x13;
            sc_time d(100, SC_NS); /* local time offset of a decoupled initiator */
            EXPECT_EQ(b.access(true, r->D(0x0), 4, v, d), tlm::TLM_OK_RESPONSE);
            t_after = sc_time_stamp();
            d_after = d;
            core_t = gic_now(r->gic->core());
        },
        o);
    r = &rr;
    sc_start(10, SC_US);
    EXPECT_EQ(t_after, sc_time(100, SC_NS)); /* waited to its local time */
    EXPECT_EQ(d_after, sc_time(20, SC_NS));  /* access latency annotated */
    EXPECT_EQ(core_t, 100000u);              /* applied at 100 ns */
    EXPECT_EQ(rr.counter("errors.late_input"), 0u);
}

/* run_ahead (default): nothing else can happen before the initiator's local
 * time, so the access is applied at that time without a wait() and the
 * initiator keeps its offset (plus the access latency). */
TEST(ScWrapper, RunAheadAppliesWithoutWait)
{
    ONE_ELABORATION();
    sc_time t_after, d_after;
    gic_time_t core_t = 0;
    rig *r = nullptr;
    gic_tlm_options o;
    o.mmio_latency = sc_time(20, SC_NS);
    rig rr(
        [&](bench &b) {
            uint64_t v = 0x13;
            sc_time d(100, SC_NS);
            EXPECT_EQ(b.access(true, r->D(0x0), 4, v, d), tlm::TLM_OK_RESPONSE);
            t_after = sc_time_stamp();
            d_after = d;
            core_t = gic_now(r->gic->core());
        },
        o);
    r = &rr;
    sc_start(10, SC_US);
    EXPECT_EQ(t_after, SC_ZERO_TIME);        /* no context switch */
    EXPECT_EQ(d_after, sc_time(120, SC_NS)); /* offset kept, latency added */
    EXPECT_EQ(core_t, 100000u);              /* applied at its local time, 100 ns */
    EXPECT_EQ(rr.counter("errors.late_input"), 0u);
    EXPECT_EQ(r->gic->stats().syncs_avoided, 1u);
    EXPECT_EQ(r->gic->stats().syncs, 0u);
}

/* run_ahead with another process due before the access time: the access
 * waits (here another thread wakes up at 50 ns, before the access at 100 ns). */
TEST(ScWrapper, RunAheadWaitsWhenSomethingIsDueFirst)
{
    ONE_ELABORATION();
    sc_time t_after;
    rig *r = nullptr;
    gic_tlm_options o;
    rig rr(
        [&](bench &b) {
            sc_time d(100, SC_NS);
            uint64_t v = 0;
            wait(sc_time(1, SC_NS)); /* after the other thread's event is scheduled */
            d = sc_time(99, SC_NS);
            b.access(false, r->D(0x0), 4, v, d);
            t_after = sc_time_stamp();
        },
        o,
        [&](bench &) { wait(sc_time(50, SC_NS)); });
    r = &rr;
    sc_start(10, SC_US);
    EXPECT_EQ(t_after, sc_time(100, SC_NS)); /* waited: a process was due at 50 ns */
    EXPECT_EQ(r->gic->stats().syncs, 1u);
    EXPECT_EQ(r->gic->stats().syncs_avoided, 0u);
}

/* Two decoupled initiators inside one quantum: the second is "behind" the first. */
static void late_scenario(bool sync, uint64_t expected_late)
{
    rig *r = nullptr;
    gic_tlm_options o;
    o.sync_on_access = sync;
    rig rr(
        [&](bench &b) {
            uint64_t v = 0;
            sc_time d(500, SC_NS);
            b.access(false, r->D(0x4), 4, v, d);
        },
        o,
        [&](bench &b) {
            uint64_t v = 0;
            sc_time d(100, SC_NS);
            b.access(false, r->D(0x4), 4, v, d);
        });
    r = &rr;
    sc_start(10, SC_US);
    EXPECT_EQ(rr.counter("errors.late_input"), expected_late);
}

TEST(ScWrapper, DecoupledInitiatorsAreNotLateWithSync) { ONE_ELABORATION(); late_scenario(true, 0); }
TEST(ScWrapper, DecoupledInitiatorsAreLateWithoutSync) { ONE_ELABORATION(); late_scenario(false, 1); }

TEST(ScWrapper, CoreMemoryAccessesUseTheInitiatorSocket)
{
    ONE_ELABORATION();
    rig *r = nullptr;
    uint64_t creadr = 0;
    sc_time t_cwriter;
    std::vector<gic_output_t> cmds;
    const uint64_t cmdq = 0x40010000;
    rig rr([&](bench &b) {
        b.wr(r->I(0x80), (1ull << 63) | cmdq | 15, 8); /* GITS_CBASER: 64 KiB queue */
        b.wr(r->I(0x88), 0, 8);
        b.wr(r->I(0x0), 1); /* GITS_CTLR.Enabled */
        uint64_t sync[4];
        gic_cmd_sync(sync, 0); /* SYNC to CPU 0 */
        std::memcpy(&r->rmem->backing[cmdq - 0x40000000], sync, 32);
        t_cwriter = sc_time_stamp();
        b.wr(r->I(0x88), 32, 8); /* GITS_CWRITER */
        wait(10, SC_US);
        creadr = b.rd(r->I(0x90), 8);
    });
    r = &rr;
    rr.gic->add_output_observer([&](const gic_output_t &o) {
        if (o.kind == GIC_OUT_CMD) cmds.push_back(o);
    });
    sc_start(20, SC_US);
    EXPECT_EQ(creadr & 0xfffe0, 32u);
    bool read_cmd = false;
    for (const auto &a : rr.rmem->log)
        if (!a.wr && a.addr == cmdq - 0x40000000) read_cmd = true;
    EXPECT_TRUE(read_cmd) << "the command read did not appear on mem_socket";
    ASSERT_EQ(cmds.size(), 1u);
    /* the command completes no earlier than one memory latency (250 ns) after CWRITER */
    EXPECT_GE(cmds[0].time, to_ps(t_cwriter) + 250000u);
    EXPECT_EQ(rr.gic->stats().mem_latency_ps, 250000u * (rr.gic->stats().mem_reads + rr.gic->stats().mem_writes));
}

/* TLM-2.0 DMI on the memory port: the first command read goes through
 * b_transport (the memory sets the DMI hint), the next ones through the
 * granted pointer with the grant's latency (the memory's socket sees no more
 * reads); after invalidate_direct_mem_ptr the next read is a transaction
 * again. With an on_write hook and no dmi_write_allowed the grant is
 * read-only. Same commands, same completion times either way. */
TEST(ScWrapper, MemoryPortUsesDmiWhenGranted)
{
    ONE_ELABORATION();
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 1;
    gic_tlm gic("gic", cfg);
    router bus("bus");
    bus.add_target(gic.gits_socket[0], cfg.gits_base, GIC_GITS_SIZE, "GITS0");
    const uint64_t ram = 0x40000000, cmdq = ram + 0x10000;
    sparse_memory mem("mem", 1 << 20, sc_time(250, SC_NS), sc_time(250, SC_NS), true);
    unsigned hooked = 0;
    mem.on_write = [&](uint64_t, const unsigned char *, unsigned, const sc_time &) { hooked++; };
    bus.add_target(mem.socket, ram, 1 << 20, "RAM");
    gic.mem_socket.bind(bus.target);
    std::vector<uint64_t> done;
    gic.add_output_observer([&](const gic_output_t &o) {
        if (o.kind == GIC_OUT_CMD) done.push_back(o.time);
    });
    uint64_t reads_socket[3] = {}, creadr = 0;
    std::vector<uint64_t> issued;
    tlm::tlm_dmi ro;
    bool ro_granted = false;
    bench b("tb", [&](bench &t) {
        t.wr(cfg.gits_base + 0x80, (1ull << 63) | cmdq | 15, 8); /* GITS_CBASER: 64 KiB queue */
        t.wr(cfg.gits_base + 0x88, 0, 8);
        t.wr(cfg.gits_base + 0x0, 1); /* GITS_CTLR.Enabled */
        for (unsigned i = 0; i < 3; i++) {
            uint64_t sync[4];
            gic_cmd_sync(sync, 0);
            mem.write(cmdq - ram + 32 * i, sync, 32); /* (untimed host access) */
            if (i == 2) mem.socket->invalidate_direct_mem_ptr(0, ~0ull);
            issued.push_back(to_ps(sc_time_stamp()));
            t.wr(cfg.gits_base + 0x88, 32 * (i + 1), 8); /* GITS_CWRITER */
            wait(10, SC_US);
            reads_socket[i] = mem.reads;
        }
        creadr = t.rd(cfg.gits_base + 0x90, 8);
        /* another initiator than the GIC, with the hook set: read-only grant */
        tlm::tlm_generic_payload gp;
        gp.set_address(cmdq);
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        ro_granted = t.socket->get_direct_mem_ptr(gp, ro);
    });
    b.socket.bind(bus.target);
    sc_start(50, SC_US);
    EXPECT_EQ(creadr & 0xfffe0, 96u);
    ASSERT_EQ(done.size(), 3u);
    EXPECT_EQ(reads_socket[0], 1u);                    /* through the socket, DMI hint set */
    EXPECT_EQ(reads_socket[1], 1u);                    /* through the pointer */
    EXPECT_EQ(reads_socket[2], 2u);                    /* invalidated: a transaction again */
    EXPECT_EQ(gic.stats().mem_reads, 3u);              /* the wrapper counts all of them */
    EXPECT_EQ(gic.stats().mem_latency_ps, 3 * 250000u); /* the grant's latency */
    for (unsigned i = 1; i < 3; i++)
        EXPECT_EQ(done[i] - issued[i], done[0] - issued[0]) << "command " << i;
    EXPECT_EQ(hooked, 0u);
    EXPECT_TRUE(ro_granted);
    EXPECT_TRUE(ro.is_read_allowed());
    EXPECT_FALSE(ro.is_write_allowed());
}

TEST(ScWrapper, SpiLineToIrqOutput)
{
    ONE_ELABORATION();
    rig *r = nullptr;
    sc_time t_irq, t_low;
    uint64_t iar = 0, iar2 = 0;
    rig rr([&](bench &b) {
        r->setup_spi32_cpu0(b);
        wait(sc_time(2, SC_US) - sc_time_stamp());
        r->spi[0].write(true); /* level-sensitive SPI 32 */
        wait(r->irq[0].posedge_event());
        t_irq = sc_time_stamp();
        sc_time d = SC_ZERO_TIME;
        r->gic->sysreg_read(0, GIC_ICC_IAR1_EL1, iar, d);
        r->spi[0].write(false);
        r->gic->sysreg_write(0, GIC_ICC_EOIR1_EL1, iar, d);
        if (r->irq[0].read()) wait(r->irq[0].negedge_event());
        t_low = sc_time_stamp();
        d = SC_ZERO_TIME;
        r->gic->sysreg_read(0, GIC_ICC_IAR1_EL1, iar2, d);
    });
    r = &rr;
    sc_start(10, SC_US);
    const gic_config_t &c = rr.gic->config();
    EXPECT_EQ(iar, 32u);
    EXPECT_EQ(iar2, 1023u);
    /* wire -> distributor -> redistributor -> CPU interface -> pin */
    uint64_t lat = (uint64_t)(c.lat_spi_input + c.lat_dist_to_redist + c.lat_redist_to_cpu + c.lat_cpu_signal) *
                   c.clock_period_ps;
    EXPECT_EQ(to_ps(t_irq), 2000000u + lat);
    EXPECT_GT(t_low, t_irq);
    EXPECT_EQ(rr.counter("errors.late_input"), 0u);
}

/* ---- agenda (gic_tlm_client) ------------------------------------------------------------ */

namespace {
/* Records the pin's transitions with their SystemC times. */
struct pin_probe : sc_module {
    sc_in<bool> in;
    std::vector<std::pair<uint64_t, bool>> edges;
    SC_HAS_PROCESS(pin_probe);
    explicit pin_probe(sc_module_name n) : sc_module(n), in("in")
    {
        SC_METHOD(sample);
        sensitive << in;
        dont_initialize();
    }
    void sample() { edges.push_back({to_ps(sc_time_stamp()), in.read()}); }
};

/* A minimal interrupt handler on the agenda: on the rising edge of IRQ, 100 ns
 * entry, ICC_IAR1_EL1, 500 ns, ICC_EOIR1_EL1. */
struct agenda_cpu : gic_tlm_client {
    gic_tlm *gic = nullptr;
    std::vector<std::string> log; /* "what@ps" */
    uint64_t iar = 0, iar_core_time = 0, sc_at_iar = 0;
    bool level_after_iar = true;
    void gic_step(uint64_t t, uint32_t what) override
    {
        if (what & kLineStep) {
            log.push_back("line" + std::to_string(what & 1) + "@" + std::to_string(t));
            if (gic->line_level(0, GIC_LINE_IRQ)) {
                gic->watch_lines(0, false);
                gic->schedule_step(this, t + 100000, 1);
            }
            return;
        }
        if (what == 1) {
            gic->sysreg_read_at(0, GIC_ICC_IAR1_EL1, iar, t);
            iar_core_time = gic_now(gic->core());
            sc_at_iar = to_ps(sc_time_stamp());
            level_after_iar = gic->line_level(0, GIC_LINE_IRQ);
            log.push_back("iar" + std::to_string(iar) + "@" + std::to_string(t));
            gic->schedule_step(this, t + 500000, 2);
        } else {
            gic->sysreg_write_at(0, GIC_ICC_EOIR1_EL1, iar, t);
            log.push_back("eoi@" + std::to_string(t));
        }
    }
};
} // namespace

/* Steps run at their exact times, the core sees the access at the step's time
 * (ahead of SystemC time: no process is due before it), the listener gets the
 * IRQ edge at the time the core asserts it, and the pin itself is still
 * written at exactly the times of the line changes. */
TEST(ScWrapper, AgendaStepsAndLineListener)
{
    ONE_ELABORATION();
    rig *r = nullptr;
    agenda_cpu cpu;
    gic_tlm_options o;
    o.lines_passive = true;
    rig rr(
        [&](bench &b) {
            r->setup_spi32_cpu0(b);
            wait(sc_time(2, SC_US) - sc_time_stamp());
            r->spi[0].write(true); /* level-sensitive SPI 32, stays high */
        },
        o);
    r = &rr;
    cpu.gic = rr.gic.get();
    rr.gic->add_line_listener(0, &cpu);
    rr.gic->watch_lines(0, true);
    pin_probe probe("probe");
    probe.in.bind(rr.irq[0]);
    sc_start(10, SC_US);
    const gic_config_t &c = rr.gic->config();
    const uint64_t rise = 2000000u + (uint64_t)(c.lat_spi_input + c.lat_dist_to_redist + c.lat_redist_to_cpu +
                                                c.lat_cpu_signal) * c.clock_period_ps;
    const uint64_t iar_t = rise + 100000, eoi_t = iar_t + 500000;
    ASSERT_EQ(cpu.log.size(), 3u);
    EXPECT_EQ(cpu.log[0], "line1@" + std::to_string(rise));
    EXPECT_EQ(cpu.log[1], "iar32@" + std::to_string(iar_t));
    EXPECT_EQ(cpu.log[2], "eoi@" + std::to_string(eoi_t));
    EXPECT_EQ(cpu.iar_core_time, iar_t);
    EXPECT_EQ(cpu.sc_at_iar, rise); /* run ahead: applied 100 ns before SystemC reached it */
    EXPECT_FALSE(cpu.level_after_iar); /* the line drops at the acknowledge */
    /* pin: up at the rise, down at the IAR, up again after the EOI (the SPI is
     * still asserted: level-sensitive, and EOImode 0 deactivated it) */
    ASSERT_GE(probe.edges.size(), 2u);
    EXPECT_EQ(probe.edges[0], std::make_pair(rise, true));
    EXPECT_EQ(probe.edges[1], std::make_pair(iar_t, false));
    if (probe.edges.size() > 2) {
        EXPECT_GT(probe.edges[2].first, eoi_t - 1);
        EXPECT_TRUE(probe.edges[2].second);
    }
    EXPECT_EQ(rr.counter("errors.late_input"), 0u);
    EXPECT_EQ(rr.gic->stats().syncs, 0u);
}

static platform_params small_platform()
{
    platform_params pp;
    pp.devices = 3;
    pp.vectors = 4;
    pp.sim_time_us = 300;
    pp.drain_time_us = 50;
    pp.msi_interval_ns = 700; /* enough load for some coalescing */
    pp.arrival = "bursty";
    return pp;
}

TEST(ScPlatform, ConservationAndLatencies)
{
    ONE_ELABORATION();
    gic_config_t g;
    gic_config_default(&g);
    g.num_cpus = 2;
    platform top("top", g, small_platform());
    sc_start(top.total_time());
    const msi_tracker &t = top.tracker();
    EXPECT_TRUE(top.boot().finished);
    EXPECT_EQ(top.boot().errors, 0u);
    EXPECT_GT(t.sent, 500u);
    std::string why;
    EXPECT_TRUE(top.conservation_ok(why)) << why;
    EXPECT_EQ(t.sent, t.delivered + t.coalesced + t.dropped);
    EXPECT_EQ(t.dropped, 0u);
    uint64_t v = 0;
    ASSERT_TRUE(gic_stat_counter(top.gic().core(), "msi.received", &v));
    EXPECT_EQ(v, t.sent);
    auto p = t.msi_to_pending.summarize(), a = t.msi_to_iar.summarize(), e = t.msi_to_eoi.summarize();
    /* every delivered or coalesced MSI was acknowledged and completed by a handler */
    EXPECT_EQ(a.count, t.delivered + t.coalesced);
    EXPECT_EQ(e.count, a.count);
    EXPECT_GT(p.min, 0u);
    EXPECT_GE(a.min, p.min);
    EXPECT_LE(a.p50, e.p50);
    EXPECT_LE(a.max, e.max);
    /* at least entry latency + handler time between ack and EOI */
    EXPECT_GE(e.min, 500000u);
    uint64_t late = 0;
    gic_stat_counter(top.gic().core(), "errors.late_input", &late);
    EXPECT_EQ(late, 0u);
    uint64_t handled = 0;
    for (auto &c : top.cpus) handled += c->handled;
    EXPECT_EQ(handled, t.acks);
    EXPECT_EQ(t.acks, t.eois);
    /* With run-ahead the CPUs and devices are agenda steps that get the lines
     * as listeners: after the boot no access waits, nothing needs the pins
     * (not traced here), so they are not written and the driver wakes up
     * about once per run-ahead limit (platform.run_ahead_limit_us); everything
     * else runs ahead. */
    const gic_tlm_stats &w = top.gic().stats();
    EXPECT_FALSE(top.gic().drive_pins());
    EXPECT_EQ(w.line_changes, 0u);
    for (uint32_t c = 0; c < g.num_cpus; c++) EXPECT_FALSE(top.irq[c].read());
    EXPECT_LT(w.syncs, 50u);
    EXPECT_GT(w.driver_run_ahead, t.sent);
    const uint64_t limits = (uint64_t)(top.total_time() / sc_time(small_platform().run_ahead_limit_us, SC_US)) + 1;
    EXPECT_LE(w.driver_activations, limits + t.sent / 20);
}

/* ---- the boot's RAM ------------------------------------------------------------------------ */

/* platform_boot_ram_bytes (what platform_params_check compares with
 * platform.ram_size) is exactly what the boot's allocator uses: the run of
 * this configuration ends its allocations there, with no error. A RAM one
 * byte smaller would make the boot fail ("out of RAM for GIC tables"). */
static void boot_ram_is_estimated_exactly(const gic_config_t &g, const platform_params &pp)
{
    std::string err;
    std::vector<std::string> warnings;
    ASSERT_TRUE(platform_params_check(g, pp, err, warnings)) << err;
    platform top("top", g, pp);
    sc_start(top.total_time());
    ASSERT_TRUE(top.boot().finished);
    EXPECT_EQ(top.boot().errors, 0u);
    EXPECT_EQ(top.boot().alloc_next - pp.ram_base, platform_boot_ram_bytes(g, pp));
    EXPECT_LE(platform_boot_ram_bytes(g, pp), pp.ram_size);
}

TEST(ScPlatform, BootRamGicv3)
{
    ONE_ELABORATION();
    gic_config_t g;
    gic_config_default(&g);
    g.num_cpus = 3;
    g.lpi_id_bits = 15;
    platform_params pp;
    pp.devices = 5;
    pp.vectors = 3;
    pp.sim_time_us = 200;
    pp.drain_time_us = 20;
    pp.ram_base = 0x40008000; /* not 64 KiB aligned: the allocator aligns absolute addresses */
    boot_ram_is_estimated_exactly(g, pp);
}

TEST(ScPlatform, BootRamGicv4TwoIts)
{
    ONE_ELABORATION();
    gic_config_t g;
    gic_config_default(&g);
    g.gic_version = 4;
    g.num_its = 2;
    g.gicr_base = 0x9000000;
    g.its_devbits = 20;
    platform_params pp;
    pp.devices = 4;
    pp.vectors = 17;
    pp.sim_time_us = 300;
    pp.drain_time_us = 20;
    boot_ram_is_estimated_exactly(g, pp);
}

TEST(ScPlatform, BootRamGicv41CollectionsHeld)
{
    ONE_ELABORATION();
    gic_config_t g;
    gic_config_default(&g);
    g.gic_version = 4;
    g.gicv4_1 = 1;
    g.gicr_base = 0x9000000;
    g.its_cid_bits = 4;
    g.its_hcc = 16; /* every collection held: no collection table */
    g.lpi_id_bits = 17;
    platform_params pp;
    pp.devices = 2;
    pp.vectors = 64;
    pp.sim_time_us = 300;
    pp.drain_time_us = 20;
    boot_ram_is_estimated_exactly(g, pp);
}

/* ---- record -> replay round trip ------------------------------------------------------- */

namespace {
/* One GIC output with everything the API reports (reason as text). */
struct out_rec {
    gic_output_t o;
    std::string reason;
    bool operator==(const out_rec &x) const
    {
        return o.kind == x.o.kind && o.time == x.o.time && o.cpu == x.o.cpu && o.line == x.o.line &&
               o.level == x.o.level && o.intid == x.o.intid && o.its == x.o.its &&
               o.devid == x.o.devid && o.eventid == x.o.eventid && o.outcome == x.o.outcome &&
               o.code == x.o.code && o.error == x.o.error && o.value == x.o.value && reason == x.reason;
    }
};
out_rec make_rec(const gic_output_t &o)
{
    out_rec r;
    r.o = o;
    r.o.reason = nullptr;
    r.reason = o.reason ? o.reason : "";
    return r;
}
void replay_observe(void *ctx, const gic_output_t *o, unsigned)
{
    static_cast<std::vector<out_rec> *>(ctx)->push_back(make_rec(*o));
}
std::string file_text(FILE *f) { return gictest::file_contents(f); }
size_t count_kind(const std::vector<out_rec> &v, gic_output_kind_t k)
{
    size_t n = 0;
    for (const auto &r : v) n += r.o.kind == k;
    return n;
}
} // namespace

/* A platform run recorded with gic_record_start (as gictlm-platform --record
 * does) replays through the C replayer, with the built-in memory, to exactly
 * the same GIC outputs (IRQ line changes, MSI outcomes, ITS command
 * completions, errors, in the same order with the same times) and the same
 * statistics. The CPUs' writes to RAM (command queue, LPI properties) reach
 * the trace through the memory's write hook; the trace header carries the
 * platform's memory latency. Without the memory writes the replay differs
 * (negative control: the test can fail). */
TEST(ScPlatform, RecordedRunReplaysToIdenticalOutputs)
{
    ONE_ELABORATION();
    gic_config_t g;
    gic_config_default(&g);
    g.num_its = 2;
    g.gits_base = 0x0c000000; /* room for two ITS frames */
    platform_params pp;
    pp.devices = 4;
    pp.vectors = 4;
    pp.arrival = "bursty";
    pp.msi_interval_ns = 300;
    pp.eoi_mode = 1;
    pp.sim_time_us = 250;
    pp.drain_time_us = 50;
    pp.mem_latency_ns = 37;
    platform top("top", g, pp);
    std::vector<out_rec> live;
    top.gic().add_output_observer([&](const gic_output_t &o) { live.push_back(make_rec(o)); });
    char path[] = "/tmp/gictlm_sc_recXXXXXX";
    int fd = mkstemp(path);
    ASSERT_GE(fd, 0);
    FILE *rec = fdopen(fd, "w+");
    ASSERT_NE(rec, nullptr);
    ASSERT_EQ(gic_record_start(top.gic().core(), rec), GIC_OK);
    sc_start(top.total_time());
    gic_record_stop(top.gic().core());
    std::fflush(rec);
    std::string why;
    ASSERT_TRUE(top.conservation_ok(why)) << why;
    FILE *live_stats = std::tmpfile();
    ASSERT_NE(live_stats, nullptr);
    gic_stats_write_json(top.gic().core(), live_stats);
    std::string trace = file_text(rec);
    std::fclose(rec);

    /* the scenario exercises what it should */
    EXPECT_NE(trace.find("config mem.latency_ps 37000\n"), std::string::npos);
    EXPECT_NE(trace.find(" mem-write 0x"), std::string::npos); /* command queue entries */
    EXPECT_NE(trace.find(" mem-fill 0x"), std::string::npos);  /* LPI property table */
    EXPECT_GT(top.tracker().sent, 500u);
    EXPECT_GT(top.tracker().coalesced, 0u);
    EXPECT_EQ(count_kind(live, GIC_OUT_CMD), (size_t)top.boot().commands);
    EXPECT_EQ(count_kind(live, GIC_OUT_MSI), (size_t)top.tracker().sent);
    EXPECT_GT(count_kind(live, GIC_OUT_LINE), 100u);
    EXPECT_EQ(count_kind(live, GIC_OUT_ERROR), 0u);

    /* replay */
    std::vector<out_rec> replayed;
    FILE *rep_stats = std::tmpfile();
    ASSERT_NE(rep_stats, nullptr);
    gic_replay_opts_t o;
    std::memset(&o, 0, sizeof o);
    o.stats_json = rep_stats;
    o.diag = stderr;
    o.observe = replay_observe;
    o.ctx = &replayed;
    gic_replay_result_t r;
    int rc = gic_trace_replay_file(path, &o, &r);
    EXPECT_EQ(rc, 0) << r.message;
    EXPECT_EQ(r.parse_errors, 0u);
    EXPECT_EQ(r.expect_failures, 0u); /* every recorded read returns the same value */
    EXPECT_EQ(r.input_errors, 0u);
    EXPECT_EQ(r.end_time, gic_now(top.gic().core()));
    gic_replay_result_free(&r);
    ASSERT_EQ(replayed.size(), live.size());
    size_t first_diff = live.size();
    for (size_t i = 0; i < live.size() && first_diff == live.size(); i++)
        if (!(live[i] == replayed[i])) first_diff = i;
    EXPECT_EQ(first_diff, live.size()) << "output " << first_diff << " differs (time "
                                       << live[first_diff < live.size() ? first_diff : 0].o.time << ")";
    EXPECT_EQ(file_text(rep_stats), file_text(live_stats)); /* every counter and histogram */
    std::fclose(rep_stats);
    std::fclose(live_stats);

    /* negative control: the same trace without the CPUs' memory writes */
    std::string stripped;
    size_t pos = 0;
    while (pos < trace.size()) {
        size_t e = trace.find('\n', pos);
        if (e == std::string::npos) e = trace.size();
        std::string line = trace.substr(pos, e - pos);
        if (line.find(" mem-write ") == std::string::npos && line.find(" mem-fill ") == std::string::npos)
            stripped += line + "\n";
        pos = e + 1;
    }
    std::vector<out_rec> bad;
    std::memset(&o, 0, sizeof o);
    o.observe = replay_observe;
    o.ctx = &bad;
    gic_replay_result_t r2;
    gic_trace_replay("stripped", stripped.data(), stripped.size(), &o, &r2);
    EXPECT_GT(r2.expect_failures, 0u);
    gic_replay_result_free(&r2);
    EXPECT_FALSE(bad.size() == live.size() && std::equal(bad.begin(), bad.end(), live.begin()));
    std::remove(path);
}

int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    testing::InitGoogleTest(&argc, argv);
    return RUN_ALL_TESTS();
}

/* The wrapper's queue for agenda steps and posted MSIs: (time, seq) order
 * exactly, below 32 entries (sorted vector), above (heap) and across both
 * switches, with equal times kept in insertion (seq) order. */
TEST(ScWrapper, SmallPriorityQueueOrder)
{
    struct item {
        uint64_t t, seq;
        bool operator>(const item &o) const { return t != o.t ? t > o.t : seq > o.seq; }
    };
    small_pq<item> q;
    std::vector<item> ref; /* every item pushed and not yet popped */
    uint64_t x = 12345, seq = 0;
    auto rnd = [&x]() {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        return x;
    };
    auto pop_check = [&]() {
        auto it = std::min_element(ref.begin(), ref.end(),
                                    [](const item &a, const item &b) { return b > a; });
        ASSERT_FALSE(q.empty());
        EXPECT_EQ(q.top().t, it->t);
        EXPECT_EQ(q.top().seq, it->seq);
        ref.erase(it);
        q.pop();
    };
    /* grow to 100 (heap beyond 32), drain to 5 (back to sorted at 16), grow
     * again, drain completely; times from a small range so that many are equal */
    const int phases[][2] = {{100, 0}, {0, 95}, {60, 0}, {0, 65}};
    for (const auto &ph : phases) {
        for (int i = 0; i < ph[0]; i++) {
            item it{rnd() % 40, seq++};
            q.push(it);
            ref.push_back(it);
            /* interleave pops now and then */
            if (i % 7 == 6) pop_check();
        }
        for (int i = 0; i < ph[1] && !ref.empty(); i++) pop_check();
        EXPECT_EQ(q.size(), ref.size());
    }
    while (!ref.empty()) pop_check();
    EXPECT_TRUE(q.empty());
}

/* msi_tracker: flat arrays for small DeviceIDs/EventIDs/LPIs, hash maps for
 * the others, with the same matching (FIFO per DeviceID/EventID, every
 * pending MSI served by the next acknowledge of its LPI). */
TEST(ScPlatform, TrackerMatchesSmallAndLargeKeys)
{
    msi_tracker tr;
    const uint32_t devs[] = {3, 70000};                  /* flat, hashed */
    const uint32_t lpis[] = {8192 + 5, 8192 + (1u << 21)}; /* flat, hashed */
    for (int k = 0; k < 2; k++) {
        tr.on_send(devs[k], 9, 1000);
        tr.on_send(devs[k], 9, 1500);
        gic_output_t o;
        std::memset(&o, 0, sizeof o);
        o.kind = GIC_OUT_MSI;
        o.devid = devs[k];
        o.eventid = 9;
        o.intid = lpis[k];
        o.outcome = GIC_MSI_DELIVERED;
        o.time = 1100;
        tr.on_output(o); /* first MSI (sent at 1000): 100 ps to pending */
        o.outcome = GIC_MSI_COALESCED;
        o.time = 1700;
        tr.on_output(o); /* second (1500): 200 ps */
        tr.on_ack(0, lpis[k], 2000);
        tr.on_eoi(0, lpis[k], 2600);
    }
    /* an MSI nobody sent, an acknowledge of an LPI nobody made pending */
    gic_output_t o;
    std::memset(&o, 0, sizeof o);
    o.kind = GIC_OUT_MSI;
    o.devid = 3;
    o.eventid = 10;
    tr.on_output(o);
    tr.on_ack(0, 8192 + 6, 3000);
    EXPECT_EQ(tr.sent, 4u);
    EXPECT_EQ(tr.delivered, 2u);
    EXPECT_EQ(tr.coalesced, 2u);
    EXPECT_EQ(tr.unmatched, 1u);
    EXPECT_EQ(tr.acks, 3u);
    EXPECT_EQ(tr.eois, 2u);
    auto p = tr.msi_to_pending.summarize();
    EXPECT_EQ(p.count, 4u);
    EXPECT_EQ(p.min, 100u);
    EXPECT_EQ(p.max, 200u);
    auto iar = tr.msi_to_iar.summarize();
    EXPECT_EQ(iar.count, 4u);
    EXPECT_EQ(iar.min, 500u);  /* 2000 - 1500 */
    EXPECT_EQ(iar.max, 1000u); /* 2000 - 1000 */
    auto eoi = tr.msi_to_eoi.summarize();
    EXPECT_EQ(eoi.count, 4u);
    EXPECT_EQ(eoi.min, 1100u);
    EXPECT_EQ(eoi.max, 1600u);
}

/* Every port and socket may stay unbound: elaboration completes, the SPI and
 * PPI inputs read low and the core runs. */
TEST(ScWrapper, UnboundPortsElaborate)
{
    ONE_ELABORATION();
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 2;
    gic_tlm_options o;
    o.use_builtin_memory = true; /* mem_socket unbound too */
    gic_tlm gic("gic", cfg, o);
    sc_start(1, SC_US);
    EXPECT_FALSE(gic.spi_in[0].read());
    EXPECT_FALSE(gic.ppi_in[5].read());
    EXPECT_FALSE(gic.irq[1].read());
    EXPECT_EQ(gic.stats().line_changes, 0u);
}

/* A platform's own DeviceID source: a TRANSLATER write without gictlm's
 * extension becomes an MSI with the DeviceID the source gives (the ITS is not
 * set up, so it is dropped: unmapped device, logged at info by "its0", which
 * `component_log_level["its"]` alone makes visible). */
TEST(ScWrapper, DeviceIdSourceAndLogFamily)
{
    ONE_ELABORATION();
    gic_tlm_options o;
    o.device_id_source = [](const tlm::tlm_generic_payload &gp, uint32_t its, uint32_t &devid) {
        if (gp.get_data_length() != 4 || its != 0) return false;
        devid = 77;
        return true;
    };
    o.component_log_level["its"] = GIC_LOG_INFO;
    rig *r = nullptr;
    tlm::tlm_response_status st = tlm::TLM_INCOMPLETE_RESPONSE, st2 = tlm::TLM_INCOMPLETE_RESPONSE;
    rig rr(
        [&](bench &b) {
            sc_time d = SC_ZERO_TIME;
            uint64_t ev = 5;
            st = b.access(true, r->I(GIC_GITS_TRANSLATER_OFFSET), 4, ev, d); /* no extension */
            st2 = b.access(true, r->I(GIC_GITS_TRANSLATER_OFFSET), 2, ev, d); /* the source says no */
            wait(1, SC_US);
        },
        o);
    r = &rr;
    std::vector<gic_output_t> msis;
    rr.gic->add_output_observer([&](const gic_output_t &out) { msis.push_back(out); }, 1u << GIC_OUT_MSI);
    sc_report_handler::set_actions("gictlm/its0", SC_INFO, SC_DO_NOTHING); /* counted, not printed */
    sc_start(10, SC_US);
    EXPECT_EQ(st, tlm::TLM_OK_RESPONSE);
    EXPECT_EQ(st2, tlm::TLM_GENERIC_ERROR_RESPONSE);
    ASSERT_EQ(msis.size(), 1u);
    EXPECT_EQ(msis[0].devid, 77u);
    EXPECT_EQ(msis[0].eventid, 5u);
    EXPECT_EQ(msis[0].outcome, (uint32_t)GIC_MSI_DROPPED);
    EXPECT_EQ(rr.gic->stats().msis_no_devid, 1u);
    EXPECT_GE(sc_report_handler::get_count("gictlm/its0"), 1);
    EXPECT_TRUE(gic_tlm::log_component_known("its"));
    EXPECT_TRUE(gic_tlm::log_component_known("ITS1"));
    EXPECT_TRUE(gic_tlm::log_component_known("icc"));
    EXPECT_FALSE(gic_tlm::log_component_known("foo"));
}

/* The mean of the samples: their exact 128-bit sum divided as the IEEE double
 * operations of summarize() do, so every host reports the same value (no long
 * double); checked against values worked out by hand, one with a sum above 2^64. */
TEST(ScTracker, MeanIsTheSameOnEveryHost)
{
    auto mean_of = [](std::initializer_list<uint64_t> v) {
        latency_samples h;
        for (uint64_t x : v) h.add(x);
        return h.summarize().mean;
    };
    EXPECT_EQ(mean_of({1, 2}), 1.5);
    EXPECT_EQ(mean_of({1, 1, 2}), 4.0 / 3.0);
    EXPECT_EQ(mean_of({7}), 7.0);
    /* sum 2^65 - 1 (sum_hi 1): 12297829382473034410.33..., nearest double
     * (2048 apart there) 12297829382473033728 */
    EXPECT_EQ(mean_of({UINT64_MAX, UINT64_MAX, 1}), 12297829382473033728.0);
    /* sum 3 * 2^63 + 3: 2^63 + 1, nearest double 2^63 */
    EXPECT_EQ(mean_of({(1ull << 63) + 1, (1ull << 63) + 1, (1ull << 63) + 1}), 9223372036854775808.0);
}

/* The MSI tracker's streaming histograms: every reported percentile within the
 * stated relative error of the exact nearest-rank value; count, min, max and
 * mean exact; fixed memory whatever the number of samples. */
TEST(ScTracker, StreamingHistogramPercentilesWithinStatedBound)
{
    rng r(42);
    for (int dist = 0; dist < 5; dist++) {
        latency_samples h, x;
        x.exact = true;
        for (int i = 0; i < 200000; i++) {
            uint64_t v;
            switch (dist) {
            case 0: v = 1000 + (r.next() % 1000000); break;                              /* uniform, ps..us */
            case 1: v = (uint64_t)std::exp(8 + 6 * r.uniform() * r.uniform()); break;     /* long tail */
            case 2: v = 123456; break;                                                   /* constant */
            case 3: v = r.next() % 300; break;                                           /* small: exact buckets */
            default: v = r.next() | (1ull << 63); break;                                 /* near 2^64 */
            }
            h.add(v);
            x.add(v);
        }
        auto a = h.summarize(), e = x.summarize();
        EXPECT_EQ(a.count, e.count);
        EXPECT_EQ(a.min, e.min);
        EXPECT_EQ(a.max, e.max);
        EXPECT_DOUBLE_EQ(a.mean, e.mean);
        EXPECT_EQ(e.rel_error, 0.0);
        EXPECT_EQ(a.rel_error, latency_samples::kRelError);
        for (auto pr : {std::make_pair(a.p50, e.p50), std::make_pair(a.p90, e.p90), std::make_pair(a.p99, e.p99)}) {
            double err = std::fabs((double)pr.first - (double)pr.second);
            EXPECT_LE(err, (double)pr.second * latency_samples::kRelError) << "dist " << dist << ": " << pr.first << " vs " << pr.second;
        }
        EXPECT_EQ(h.footprint(), latency_samples::kBuckets * sizeof(uint64_t)) << "fixed memory";
        EXPECT_GT(x.footprint(), 200000u * sizeof(uint64_t) - 1);
    }
}


/* ---- review findings (docs/..., IEEE 1666-2011 TLM-2.0) ----------------------------------- */

/* IEEE 1666-2011 14.17 (response status): a target that cannot act on the
 * address answers TLM_ADDRESS_ERROR_RESPONSE; docs/platform.md maps "no such
 * CPU" to it. Until 2026-12-08 gicr_b_transport/gicr_dbg computed the
 * redistributor index as (uint32_t)(address / stride): an offset 2^32 frames
 * up wrapped to CPU 0 and read CPU 0's GICR_TYPER with TLM_OK_RESPONSE. */
TEST(ScWrapperRules, GicrOffsetBeyondLastFrameIsAnAddressError)
{
    ONE_ELABORATION();
    rig *r = nullptr;
    tlm::tlm_response_status st_near = tlm::TLM_INCOMPLETE_RESPONSE, st_far = tlm::TLM_INCOMPLETE_RESPONSE;
    unsigned dbg_far = 99;
    uint64_t v_far = 0;
    rig rr([&](bench &) {
        auto access = [&](uint64_t a, uint64_t &v) {
            tlm::tlm_generic_payload gp;
            gp.set_command(tlm::TLM_READ_COMMAND);
            gp.set_address(a);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            gp.set_response_status(tlm::TLM_INCOMPLETE_RESPONSE);
            sc_time d = SC_ZERO_TIME;
            r->gic->gicr_socket.get_base_export()->b_transport(gp, d);
            return gp.get_response_status();
        };
        const uint64_t stride = gic_gicr_stride(&r->gic->config());
        uint64_t v = 0;
        st_near = access(4 * stride + 8, v);                    /* CPU 4 of 4: no such CPU */
        st_far = access((1ull << 32) * stride + 8, v_far);      /* CPU 2^32: wraps to CPU 0 */
        tlm::tlm_generic_payload gp;
        uint64_t w = 0;
        gp.set_command(tlm::TLM_READ_COMMAND);
        gp.set_address((1ull << 32) * stride + 8);
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&w));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        dbg_far = r->gic->gicr_socket.get_base_export()->transport_dbg(gp);
    });
    r = &rr;
    sc_start(1, SC_US);
    EXPECT_EQ(st_near, tlm::TLM_ADDRESS_ERROR_RESPONSE);
    EXPECT_EQ(st_far, tlm::TLM_ADDRESS_ERROR_RESPONSE) << "read GICR_TYPER 0x" << std::hex << v_far;
    EXPECT_EQ(dbg_far, 0u);
}

/* docs/platform.md (Lines): irq/fiq/virq/vfiq are written "at exactly the
 * time stamped on each GIC_OUT_LINE output"; "the core's clock follows
 * SystemC time". A transport_dbg write (here GICD_ISPENDR1, SPI 32 pending)
 * acts at sc_time_stamp() (5 us). Until 2026-12-08 it was applied at
 * gic_now(), the time of the core's last input (12 ns here): the IRQ output
 * was stamped 34 ns, 5 us in the past, while the pin rose at 5 us. (The TLM-2.0 debug
 * interface, tlm_fw_bw_ifs.h: "No side effects, waits or event
 * notifications must happen in the course of the method"; the wrapper's
 * debug write both changes the interrupt state and notifies its driver.) */
TEST(ScWrapperRules, DebugWriteOutputIsNotStampedInThePast)
{
    ONE_ELABORATION();
    rig *r = nullptr;
    std::vector<gic_output_t> lines;
    uint64_t t_dbg = 0;
    unsigned n = 0;
    rig rr([&](bench &b) {
        r->setup_spi32_cpu0(b);
        wait(5, SC_US);
        uint32_t v = 1; /* GICD_ISPENDR1: SPI 32 */
        tlm::tlm_generic_payload gp;
        gp.set_command(tlm::TLM_WRITE_COMMAND);
        gp.set_address(r->D(0x200 + 4));
        gp.set_data_ptr(reinterpret_cast<unsigned char *>(&v));
        gp.set_data_length(4);
        gp.set_streaming_width(4);
        t_dbg = to_ps(sc_time_stamp());
        n = b.socket->transport_dbg(gp);
    });
    r = &rr;
    rr.gic->add_output_observer([&](const gic_output_t &o) { lines.push_back(o); }, 1u << GIC_OUT_LINE);
    pin_probe probe("probe");
    probe.in.bind(rr.irq[0]);
    sc_start(10, SC_US);
    ASSERT_EQ(n, 4u);
    ASSERT_EQ(lines.size(), 1u);
    ASSERT_EQ(probe.edges.size(), 1u);
    EXPECT_GE(lines[0].time, t_dbg) << "IRQ output stamped before the SystemC time of the access";
    EXPECT_EQ(probe.edges[0].first, lines[0].time) << "pin not written at the output's time";
}
