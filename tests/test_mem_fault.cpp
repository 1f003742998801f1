// Injected memory faults (gictlm_fault.h, mem.fault.* parameters): the failing
// accesses turn into the command and translation errors the model defines,
// counted with their reasons; no MSI is lost or stuck (conservation), and the
// GIC works normally again once the faults are lifted (recovery).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>

#include "gictlm.h"
#include "gictlm_driver.h"
#include "gictlm_fault.h"

namespace {

struct Sink {
    uint64_t delivered = 0, coalesced = 0, dropped = 0, cmd_errors = 0;
    std::map<std::string, uint64_t> drop_reasons, cmd_reasons;
};

void on_out(void *ctx, const gic_output_t *o)
{
    Sink *s = static_cast<Sink *>(ctx);
    if (o->kind == GIC_OUT_MSI) {
        if (o->outcome == GIC_MSI_DELIVERED) s->delivered++;
        else if (o->outcome == GIC_MSI_COALESCED) s->coalesced++;
        else {
            s->dropped++;
            s->drop_reasons[o->reason ? o->reason : "(none)"]++;
        }
    } else if (o->kind == GIC_OUT_CMD && o->error) {
        s->cmd_errors++;
        s->cmd_reasons[o->reason ? o->reason : "(none)"]++;
    }
}

uint64_t counter(const gic_t *g, const char *name)
{
    uint64_t v = 0;
    EXPECT_TRUE(gic_stat_counter(g, name, &v)) << name;
    return v;
}

struct Bench {
    gic_config_t cfg;
    Sink sink;
    gic_t *g = nullptr;
    gic_driver_t *d = nullptr;
    explicit Bench(gic_its_error_policy_t pol = GIC_ITS_ERR_SKIP, void (*tweak)(gic_config_t *) = nullptr)
    {
        gic_config_default(&cfg);
        cfg.num_cpus = 2;
        cfg.lpi_id_bits = 14;
        cfg.its_error_policy = pol;
        // no caches: every MSI reads the tables, so table faults always show
        cfg.lpi_cache.entries = 0;
        cfg.its_device_cache.entries = 0;
        cfg.its_event_cache.entries = 0;
        cfg.its_collection_cache.entries = 0;
        if (tweak) tweak(&cfg);
        gic_callbacks_t cb = {};
        cb.ctx = &sink;
        cb.output = on_out;
        char err[256];
        g = gic_create(&cfg, &cb, nullptr, err, sizeof err);
        EXPECT_NE(g, nullptr) << err;
        d = gic_driver_create(g, 1000, 0x100000);
        EXPECT_EQ(gic_driver_init(d), GIC_OK);
        EXPECT_EQ(gic_driver_map_device(d, 0, 1, 8, 8192, nullptr), GIC_OK);
    }
    ~Bench()
    {
        gic_driver_destroy(d);
        gic_destroy(g);
    }
    // n MSIs to device 1, events round robin, every CPU takes its interrupts
    void msis(unsigned n)
    {
        gic_time_t t = gic_driver_time(d);
        for (unsigned i = 0; i < n; i++) {
            t += 5000;
            EXPECT_EQ(gic_msi(g, t, 0, 1, i % 8), GIC_OK);
            t += 5000;
            gic_run_until(g, t);
            for (uint32_t cpu = 0; cpu < cfg.num_cpus; cpu++) {
                uint64_t v = 0;
                gic_sysreg_read(g, t, cpu, GIC_ICC_IAR1_EL1, &v);
                if (v != GIC_SPURIOUS) gic_sysreg_write(g, t, cpu, GIC_ICC_EOIR1_EL1, v);
            }
        }
        t += 100000000;
        gic_run_until(g, t);
        gic_driver_set_time(d, t);
    }
    void expect_conservation()
    {
        uint64_t rec = counter(g, "msi.received");
        EXPECT_EQ(rec, counter(g, "msi.delivered") + counter(g, "msi.coalesced") + counter(g, "msi.dropped"));
        EXPECT_EQ(rec, sink.delivered + sink.coalesced + sink.dropped) << "one outcome per MSI";
        gic_time_t next;
        EXPECT_FALSE(gic_next_event_time(g, &next)) << "nothing left in flight";
    }
};

} // namespace

TEST(MemFault, ConfigParametersAndApi)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256];
    EXPECT_EQ(cfg.mem_fault_hi, 0u);
    EXPECT_EQ(cfg.mem_fault_rate_ppm, 0u);
    ASSERT_EQ(gic_config_load_json(&cfg, "{\"mem\": {\"fault\": {\"lo\": \"0x1000\", \"hi\": \"0x2000\", "
                                         "\"rate_ppm\": 50, \"seed\": 3, \"classes\": 12}}}",
                                   err, sizeof err),
              GIC_OK)
        << err;
    EXPECT_EQ(cfg.mem_fault_lo, 0x1000u);
    EXPECT_EQ(cfg.mem_fault_hi, 0x2000u);
    EXPECT_EQ(cfg.mem_fault_rate_ppm, 50u);
    EXPECT_EQ(cfg.mem_fault_classes, 12u);
    EXPECT_EQ(gic_config_set(&cfg, "mem.fault.rate_ppm", "1000001", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_EQ(gic_config_set(&cfg, "mem.fault.classes", "64", err, sizeof err), GIC_ERR_CONFIG);
    char buf[64];
    ASSERT_EQ(gic_config_get(&cfg, "mem.fault.hi", buf, sizeof buf), GIC_OK);
    EXPECT_STREQ(buf, "0x2000");
    gic_t *g = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
    ASSERT_NE(g, nullptr) << err;
    gic_mem_fault_t f = {};
    f.rate_ppm = 1000001;
    EXPECT_EQ(gic_mem_fault_set(g, &f), GIC_ERR_ARG);
    f.rate_ppm = 0;
    f.classes = 0x40;
    EXPECT_EQ(gic_mem_fault_set(g, &f), GIC_ERR_ARG);
    EXPECT_EQ(gic_mem_fault_set(nullptr, &f), GIC_ERR_ARG);
    EXPECT_EQ(gic_mem_fault_set(g, nullptr), GIC_OK);
    // every class has an injected-fault counter
    for (const char *c : {"cmdq", "device", "itt", "collection", "prop", "pend"}) {
        std::string n = std::string("mem.") + c + ".injected";
        EXPECT_EQ(counter(g, n.c_str()), 0u);
    }
    // the software view is never faulted
    f = {};
    f.addr_lo = 0;
    f.addr_hi = ~0ull;
    ASSERT_EQ(gic_mem_fault_set(g, &f), GIC_OK);
    uint8_t b = 7;
    EXPECT_EQ(gic_mem_write(g, 0x1000, &b, 1), GIC_OK);
    gic_destroy(g);
}

TEST(MemFault, TranslationTableFaultsDropWithReasonThenRecover)
{
    Bench b;
    gic_mem_fault_t f = {};
    f.addr_lo = 0;
    f.addr_hi = ~0ull;
    f.classes = GIC_MEM_CLASS_ITT;
    ASSERT_EQ(gic_mem_fault_set(b.g, &f), GIC_OK);
    b.msis(40);
    EXPECT_EQ(b.sink.dropped, 40u);
    EXPECT_EQ(b.sink.drop_reasons["mem_error"], 40u);
    EXPECT_GE(counter(b.g, "mem.itt.injected"), 40u);
    EXPECT_GE(counter(b.g, "mem.itt.errors"), counter(b.g, "mem.itt.injected"));
    EXPECT_EQ(counter(b.g, "mem.prop.injected"), 0u) << "only the selected class fails";
    b.expect_conservation();
    // lifted: the same MSIs are delivered and taken again
    ASSERT_EQ(gic_mem_fault_set(b.g, nullptr), GIC_OK);
    uint64_t injected = counter(b.g, "mem.itt.injected");
    b.msis(40);
    EXPECT_EQ(b.sink.dropped, 40u) << "no new drop after the faults are lifted";
    EXPECT_EQ(b.sink.delivered + b.sink.coalesced, 40u);
    EXPECT_EQ(counter(b.g, "mem.itt.injected"), injected);
    b.expect_conservation();
}

TEST(MemFault, PropertyAndPendingTableFaults)
{
    for (uint32_t cls : {GIC_MEM_CLASS_PROP, GIC_MEM_CLASS_PEND}) {
        Bench b;
        gic_mem_fault_t f = {};
        f.addr_hi = ~0ull;
        f.classes = cls;
        ASSERT_EQ(gic_mem_fault_set(b.g, &f), GIC_OK);
        b.msis(16);
        const char *why = cls == GIC_MEM_CLASS_PROP ? "prop_table_error" : "pend_table_error";
        EXPECT_EQ(b.sink.drop_reasons[why], 16u) << why;
        b.expect_conservation();
        ASSERT_EQ(gic_mem_fault_set(b.g, nullptr), GIC_OK);
        b.msis(16);
        EXPECT_EQ(b.sink.dropped, 16u) << why;
        b.expect_conservation();
    }
}

TEST(MemFault, CommandQueueFaultStallsThenRetryRecovers)
{
    Bench b(GIC_ITS_ERR_STALL);
    // the MSIs of a device mapped while the command queue cannot be read
    // are dropped (unmapped) until the queue is readable and retried
    gic_mem_fault_t f = {};
    f.addr_hi = ~0ull;
    f.classes = GIC_MEM_CLASS_CMDQ;
    ASSERT_EQ(gic_mem_fault_set(b.g, &f), GIC_OK);
    uint64_t c[4];
    gic_cmd_mapti(c, 1, 8 - 1, 8192 + 7, 0); // (re)map event 7 of device 1
    ASSERT_EQ(gic_driver_queue(b.d, 0, c), GIC_OK);
    EXPECT_NE(gic_driver_flush(b.d, 0, 10000000ull), GIC_OK) << "the queue stalls";
    uint64_t creadr = 0;
    gic_time_t t = gic_driver_time(b.d);
    gic_mmio_read(b.g, t, GIC_FRAME_GITS, 0, 0x90, 8, &creadr);
    EXPECT_EQ(creadr & 1, 1u) << "GITS_CREADR.Stalled";
    EXPECT_GE(b.sink.cmd_reasons["cmdq_mem_error"], 1u);
    EXPECT_GE(counter(b.g, "mem.cmdq.injected"), 1u);
    // MSIs meanwhile: translated (the tables are fine), conserved
    b.msis(8);
    b.expect_conservation();
    // lifted and retried (GITS_CWRITER.Retry): the queue drains
    ASSERT_EQ(gic_mem_fault_set(b.g, nullptr), GIC_OK);
    t = gic_driver_time(b.d);
    uint64_t cw = 0;
    gic_mmio_read(b.g, t, GIC_FRAME_GITS, 0, 0x88, 8, &cw);
    gic_mmio_write(b.g, t, GIC_FRAME_GITS, 0, 0x88, 8, cw | 1);
    gic_run_until(b.g, t + 100000000ull);
    gic_mmio_read(b.g, t + 100000000ull, GIC_FRAME_GITS, 0, 0x90, 8, &creadr);
    EXPECT_EQ(creadr, cw & ~1ull) << "drained after the retry";
    gic_driver_set_time(b.d, t + 100000000ull);
    uint64_t dropped = b.sink.dropped;
    b.msis(8);
    EXPECT_EQ(b.sink.dropped, dropped);
    b.expect_conservation();
}

static std::string run_random(uint32_t seed, uint64_t *injected, uint64_t *dropped)
{
    Bench b;
    gic_mem_fault_t f = {};
    f.rate_ppm = 200000; // 20% of every access class
    f.seed = seed;
    EXPECT_EQ(gic_mem_fault_set(b.g, &f), GIC_OK);
    b.msis(300);
    b.expect_conservation();
    *injected = 0;
    for (const char *c : {"cmdq", "device", "itt", "collection", "prop", "pend"})
        *injected += counter(b.g, (std::string("mem.") + c + ".injected").c_str());
    *dropped = b.sink.dropped;
    EXPECT_GT(*injected, 0u);
    EXPECT_GT(b.sink.dropped, 0u);
    EXPECT_GT(b.sink.delivered, 0u);
    // recovery: no drop once lifted
    EXPECT_EQ(gic_mem_fault_set(b.g, nullptr), GIC_OK);
    uint64_t d0 = b.sink.dropped;
    b.msis(100);
    EXPECT_EQ(b.sink.dropped, d0);
    b.expect_conservation();
    char *buf = nullptr;
    size_t len = 0;
    FILE *fs = open_memstream(&buf, &len);
    gic_stats_write_json(b.g, fs);
    fclose(fs);
    std::string s(buf, len);
    free(buf);
    return s;
}

TEST(MemFault, RandomRateIsDeterministicAndConserves)
{
    uint64_t i1, d1, i2, d2, i3, d3;
    std::string a = run_random(5, &i1, &d1);
    std::string b = run_random(5, &i2, &d2);
    std::string c = run_random(6, &i3, &d3);
    EXPECT_EQ(a, b) << "same seed, same statistics";
    EXPECT_NE(a, c) << "another seed, other faults";
}

TEST(MemFault, ConfiguredRangeAppliesFromCreation)
{
    // a fault range over the whole memory from the configuration: the driver's
    // bring-up commands fail (counted), nothing crashes or hangs
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.mem_fault_hi = ~0ull;
    cfg.mem_fault_classes = GIC_MEM_CLASS_CMDQ;
    char err[256];
    gic_t *g = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
    ASSERT_NE(g, nullptr) << err;
    gic_driver_t *d = gic_driver_create(g, 1000, 0x100000);
    gic_driver_init(d);
    EXPECT_GT(counter(g, "mem.cmdq.injected"), 0u);
    EXPECT_EQ(counter(g, "mem.cmdq.injected"), counter(g, "mem.cmdq.errors"));
    gic_driver_destroy(d);
    gic_destroy(g);
}
