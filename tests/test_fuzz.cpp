// Robustness: long seeded random sequences of inputs through the public API
// (register writes of random values at random offsets of every frame, random
// sizes, garbage ITS commands and tables, random MSIs, lines and system
// registers, random time steps). The model must never crash (ASan/UBSan in CI),
// must keep MSI conservation, and must report every bad input as a status or
// a counted error. Deterministic: the same seed gives the same statistics.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gictlm.h"
#include "gictlm_driver.h"

namespace {

struct Rng {
    uint64_t s;
    uint64_t next()
    {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        return s;
    }
    uint32_t below(uint32_t n) { return (uint32_t)(next() % n); }
};

struct Sink {
    uint64_t outputs = 0;
    uint64_t msi_outcomes = 0;
};

void on_out(void *ctx, const gic_output_t *o)
{
    Sink *s = static_cast<Sink *>(ctx);
    s->outputs++;
    if (o->kind == GIC_OUT_MSI) s->msi_outcomes++;
}

std::string stats_json(const gic_t *g)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gic_stats_write_json(g, f);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

// One random run; returns the final stats JSON.
std::string fuzz_run(uint64_t seed, int ops, gic_its_error_policy_t pol, uint64_t *msis_sent)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 3;
    cfg.num_its = 2;
    cfg.gicr_base = 0x08100000; // GICR after the two ITSs (128 KiB each from 0x08080000)
    cfg.lpi_id_bits = 14;
    cfg.its_devbits = 8;
    cfg.its_eventid_bits = 8;
    cfg.its_error_policy = pol;
    cfg.lpi_cache.entries = 8;
    cfg.its_event_cache.entries = 4;
    cfg.mem_size = 1ull << 28;
    Sink sink;
    gic_callbacks_t cb = {};
    cb.ctx = &sink;
    cb.output = on_out;
    char err[256];
    gic_t *g = gic_create(&cfg, &cb, nullptr, err, sizeof err);
    EXPECT_NE(g, nullptr) << err;
    if (!g) return "";
    gic_driver_t *d = gic_driver_create(g, 1000, 0x100000);
    EXPECT_EQ(gic_driver_init(d), GIC_OK);
    for (uint32_t dev = 0; dev < 4; dev++)
        EXPECT_EQ(gic_driver_map_device(d, dev % 2, dev, 8, 8192 + dev * 8, nullptr), GIC_OK);
    gic_time_t t = gic_driver_time(d);
    Rng r{seed * 0x9e3779b97f4a7c15ull + 1};
    uint64_t sent = 0;
    static const uint32_t sizes[] = {1, 2, 4, 8, 3, 16};
    for (int i = 0; i < ops; i++) {
        t += r.below(2000);
        uint64_t v = r.next(), out = 0;
        switch (r.below(10)) {
        case 0: { // random register write anywhere (also outside frames)
            gic_frame_t f = (gic_frame_t)r.below(4);
            uint32_t idx = r.below(4);
            uint64_t off = r.below(0x22000) & ~3u;
            gic_status_t st = gic_mmio_write(g, t, f, idx, off, sizes[r.below(6)], v);
            EXPECT_TRUE(st == GIC_OK || st == GIC_ERR_ADDR || st == GIC_ERR_SIZE || st == GIC_ERR_DEVID)
                << gic_status_name(st);
            break;
        }
        case 1: { // random register read
            gic_frame_t f = (gic_frame_t)r.below(3);
            gic_mmio_read(g, t, f, r.below(3), r.below(0x20000) & ~3u, sizes[r.below(6)], &out);
            break;
        }
        case 2: // garbage command queued and released
        case 3: {
            uint64_t c[4] = {r.next(), r.next(), r.next(), r.next()};
            if (r.below(2)) c[0] = (c[0] & ~0xffull) | r.below(16); // mostly real opcodes
            if (r.below(2)) c[0] = (c[0] & 0xffffffffull) | ((uint64_t)r.below(6) << 32);
            uint32_t its = r.below(2);
            gic_driver_set_time(d, t);
            gic_driver_queue(d, its, c);
            gic_driver_flush(d, its, 200000000ull); // may stall: that is fine
            t = gic_driver_time(d);
            if (r.below(4) == 0) // software retries a stalled queue
                gic_mmio_write(g, t, GIC_FRAME_GITS, its, 0x88, 8, out | 1);
            break;
        }
        case 4: // MSIs, mostly to mapped pairs
            gic_msi(g, t, r.below(3), r.below(6), r.below(12));
            sent++;
            break;
        case 5: // lines, some out of range
            if (r.below(2)) gic_set_spi(g, t, 28 + r.below(140), r.below(2));
            else gic_set_ppi(g, t, r.below(4), 14 + r.below(20), r.below(2));
            break;
        case 6: { // CPU interface, random register and value
            gic_sysreg_t reg = (gic_sysreg_t)r.below(GIC_SYSREG_COUNT + 1);
            if (r.below(2)) gic_sysreg_write(g, t, r.below(4), reg, v);
            else gic_sysreg_read(g, t, r.below(4), reg, &out);
            break;
        }
        case 7: { // a CPU handling interrupts properly
            uint32_t cpu = r.below(3);
            gic_sysreg_read(g, t, cpu, GIC_ICC_IAR1_EL1, &out);
            if (out < 1020 || out >= 8192) gic_sysreg_write(g, t + 100, cpu, GIC_ICC_EOIR1_EL1, out);
            break;
        }
        case 8: { // scribble on memory: tables, queue, property/pending tables
            uint8_t b[8];
            for (auto &x : b) x = (uint8_t)r.next();
            gic_mem_write(g, 0x100000 + (r.next() % 0x400000), b, 1 + r.below(8));
            break;
        }
        case 9: // time passes
            t += r.below(100000);
            gic_run_until(g, t);
            break;
        }
    }
    gic_run_until(g, t + 1000000000ull); // let everything settle
    uint64_t rec = 0, del = 0, coal = 0, drop = 0;
    EXPECT_TRUE(gic_stat_counter(g, "msi.received", &rec));
    gic_stat_counter(g, "msi.delivered", &del);
    gic_stat_counter(g, "msi.coalesced", &coal);
    gic_stat_counter(g, "msi.dropped", &drop);
    EXPECT_EQ(rec, del + coal + drop) << "seed " << seed;
    EXPECT_EQ(sink.msi_outcomes, rec) << "every MSI ends in exactly one outcome output";
    uint64_t errors = 0;
    gic_stat_counter(g, "errors.total", &errors);
    EXPECT_GT(errors, 0u) << "random input must have produced counted errors";
    std::string js = stats_json(g);
    if (getenv("FUZZ_VERBOSE"))
        printf("seed %llu: sent %llu received %llu delivered %llu coalesced %llu dropped %llu errors %llu outputs %llu\n",
               (unsigned long long)seed, (unsigned long long)sent, (unsigned long long)rec,
               (unsigned long long)del, (unsigned long long)coal, (unsigned long long)drop,
               (unsigned long long)errors, (unsigned long long)sink.outputs);
    gic_driver_destroy(d);
    gic_destroy(g);
    *msis_sent = sent;
    return js;
}

} // namespace

TEST(Fuzz, RandomInputsNeverBreakTheModel)
{
    // GICTLM_SOAK_SEEDS=N turns this into a soak (README: "Soak").
    const char *soak = getenv("GICTLM_SOAK_SEEDS");
    uint64_t seeds = soak ? strtoull(soak, nullptr, 10) : 12;
    for (uint64_t seed = 1; seed <= seeds; seed++) {
        uint64_t sent = 0;
        std::string a = fuzz_run(seed, 3000, seed % 2 ? GIC_ITS_ERR_SKIP : GIC_ITS_ERR_STALL, &sent);
        EXPECT_GT(sent, 100u);
        ASSERT_FALSE(a.empty());
    }
}

TEST(Fuzz, SameSeedSameStatistics)
{
    uint64_t s1 = 0, s2 = 0;
    std::string a = fuzz_run(77, 2000, GIC_ITS_ERR_STALL, &s1);
    std::string b = fuzz_run(77, 2000, GIC_ITS_ERR_STALL, &s2);
    EXPECT_EQ(a, b);
}
