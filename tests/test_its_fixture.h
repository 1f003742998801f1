// Shared fixture for the ITS tests (test_its*.cpp): a GIC with LPIs enabled at
// every redistributor and ITS tables set up the way Linux does it, all through
// the public C API. Commands are encoded here from IHI0069 (independently of
// the model and of capi/driver.c).
#pragma once

#include <gtest/gtest.h>

#include <cstring>
#include <string>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"

namespace its_test {

using namespace gictest;

// Memory layout used by the fixture.
constexpr uint64_t PROP = 0x1000000;    // LPI property table (64 KiB aligned)
constexpr uint64_t PEND = 0x2000000;    // + cpu * 0x400000 (64 KiB aligned, large enough for 24 bits)
constexpr uint64_t DT = 0x100000;       // device table
constexpr uint64_t CT = 0x200000;       // collection table
constexpr uint64_t CMDQ = 0x300000;     // command queue
constexpr uint64_t ITT = 0x800000;      // + devid * 0x1000 (devid < 2048)
constexpr uint64_t L2 = 0x4000000;      // level-2 pages for two-level tables

// ---- command encoders (IHI0069 6.3) ----
struct Cmd {
    uint64_t d[4] = {0, 0, 0, 0};
};
inline Cmd mapd(uint32_t dev, uint64_t itt, uint32_t size, bool v)
{
    Cmd c;
    c.d[0] = 0x08 | ((uint64_t)dev << 32);
    c.d[1] = size & 0x1f;
    c.d[2] = (itt & 0x000fffffffffff00ull) | ((uint64_t)v << 63);
    return c;
}
inline Cmd mapc(uint32_t icid, uint64_t rd, bool v)
{
    Cmd c;
    c.d[0] = 0x09;
    c.d[2] = icid | ((rd & 0xfffffffffull) << 16) | ((uint64_t)v << 63);
    return c;
}
inline Cmd mapti(uint32_t dev, uint32_t ev, uint32_t intid, uint32_t icid)
{
    Cmd c;
    c.d[0] = 0x0a | ((uint64_t)dev << 32);
    c.d[1] = ev | ((uint64_t)intid << 32);
    c.d[2] = icid;
    return c;
}
inline Cmd mapi(uint32_t dev, uint32_t ev, uint32_t icid)
{
    Cmd c;
    c.d[0] = 0x0b | ((uint64_t)dev << 32);
    c.d[1] = ev;
    c.d[2] = icid;
    return c;
}
inline Cmd devev(uint8_t op, uint32_t dev, uint32_t ev) // INT CLEAR DISCARD INV
{
    Cmd c;
    c.d[0] = op | ((uint64_t)dev << 32);
    c.d[1] = ev;
    return c;
}
inline Cmd movi(uint32_t dev, uint32_t ev, uint32_t icid)
{
    Cmd c = devev(0x01, dev, ev);
    c.d[2] = icid;
    return c;
}
inline Cmd invall(uint32_t icid)
{
    Cmd c;
    c.d[0] = 0x0d;
    c.d[2] = icid;
    return c;
}
inline Cmd sync(uint64_t rd)
{
    Cmd c;
    c.d[0] = 0x05;
    c.d[2] = (rd & 0xfffffffffull) << 16;
    return c;
}
inline Cmd movall(uint64_t rd1, uint64_t rd2)
{
    Cmd c;
    c.d[0] = 0x0e;
    c.d[2] = (rd1 & 0xfffffffffull) << 16;
    c.d[3] = (rd2 & 0xfffffffffull) << 16;
    return c;
}
constexpr uint8_t INT = 0x03, CLEAR = 0x04, INV = 0x0c, DISCARD = 0x0f;

class ItsTest : public gictest::GicTest {
protected:
    uint64_t cwriter[GIC_MAX_ITS] = {};
    uint64_t qbytes = 0x1000; // command queue size (bytes)

    ItsTest() { cfg.num_cpus = 4; }

    uint64_t gits(uint64_t off, uint32_t its = 0, uint32_t size = 8) { return rd(GIC_FRAME_GITS, its, off, size); }
    void gits_w(uint64_t off, uint64_t v, uint32_t its = 0, uint32_t size = 8) { wr(GIC_FRAME_GITS, its, off, v, size); }
    uint64_t creadr(uint32_t its = 0) { return gits(GITS_CREADR, its); }

    // ---- ITS timing, from the configuration (docs/latency-model.md) ----
    gic_time_t decode() const { return cyc(cfg.its_cmd_decode_cycles); }
    gic_time_t translate() const { return cyc(cfg.its_translate_cycles); }
    gic_time_t hit(const gic_cache_config_t &c) const { return cyc(c.hit_cycles); } // a cache hit
    // A command that reads its 32 bytes, decodes and writes one table entry.
    gic_time_t cmd_one_write() const { return mem() + decode() + mem(); }
    // Translation with every lookup a cache hit: DTE, ITE, CTE.
    gic_time_t walk_hits() const
    {
        return translate() + cyc(cfg.its_device_cache.hit_cycles + cfg.its_event_cache.hit_cycles +
                                 cfg.its_collection_cache.hit_cycles);
    }
    // Translation with every lookup a memory read (flat tables).
    gic_time_t walk_misses() const { return translate() + 3 * mem(); }

    // Distributor, redistributors, CPU interfaces and LPIs (property table
    // with every LPI enabled at priority 0xa0, group 1).
    void BringUpCpus()
    {
        wr(GIC_FRAME_GICD, 0, GICD_CTLR, GICD_CTLR_ARE | GICD_CTLR_EnableGrp1NS | GICD_CTLR_EnableGrp0, 4);
        uint32_t bits = cfg.lpi_id_bits;
        uint64_t nlpi = (1ull << bits) - LPI_FIRST;
        std::vector<uint8_t> prop(nlpi > (1u << 20) ? (1u << 20) : nlpi, 0xa0 | 0x3);
        // Enable only the first 1 Mi LPIs (enough for every test) to keep 24-bit runs sparse-ish.
        ASSERT_EQ(gic_mem_write(g, PROP, prop.data(), prop.size()), GIC_OK);
        for (uint32_t cpu = 0; cpu < cfg.num_cpus; cpu++) {
            wr(GIC_FRAME_GICR, cpu, GICR_WAKER, 0, 4); // ProcessorSleep = 0
            EXPECT_EQ(gic_sysreg_write(g, t, cpu, GIC_ICC_SRE_EL1, ICC_SRE_EL1_ALL), GIC_OK);
            EXPECT_EQ(gic_sysreg_write(g, t, cpu, GIC_ICC_PMR_EL1, 0xf0), GIC_OK);
            EXPECT_EQ(gic_sysreg_write(g, t, cpu, GIC_ICC_IGRPEN1_EL1, 1), GIC_OK);
            wr(GIC_FRAME_GICR, cpu, GICR_PROPBASER, PROP | GICR_BASER_InnerCache_WaWb | GICR_BASER_InnerShareable | (bits - 1));
            wr(GIC_FRAME_GICR, cpu, GICR_PENDBASER,
               (PEND + cpu * 0x400000ull) | GICR_PENDBASER_PTZ | GICR_BASER_InnerCache_WaWb | GICR_BASER_InnerShareable);
            wr(GIC_FRAME_GICR, cpu, GICR_CTLR, GICR_CTLR_EnableLPIs, 4);
        }
    }

    // ITS: flat 4 KiB-page device table (16 pages), collection table (1 page),
    // 4 KiB command queue, Enabled.
    void BringUpIts(uint32_t its = 0, uint64_t off = 0)
    {
        gits_w(GITS_BASERn(0), GITS_BASER_Valid | (DT + off) | (0u << 8) | 15, its); // 4 KiB pages, 16 of them
        if (cfg.its_hcc < (1u << cfg.its_cid_bits)) gits_w(GITS_BASERn(1), GITS_BASER_Valid | (CT + off) | 0, its);
        gits_w(GITS_CBASER, GITS_CBASER_Valid | (CMDQ + off) | ((qbytes / 4096) - 1), its);
        gits_w(GITS_CWRITER, 0, its);
        cwriter[its] = 0;
        gits_w(GITS_CTLR, GITS_CTLR_Enabled, its, 4);
    }

    void Queue(const Cmd &c, uint32_t its = 0, uint64_t off = 0)
    {
        for (int i = 0; i < 4; i++) w64(CMDQ + off + cwriter[its] + 8 * i, c.d[i]);
        cwriter[its] = (cwriter[its] + 32) % qbytes;
    }
    void Release(uint32_t its = 0) { gits_w(GITS_CWRITER, cwriter[its], its); }
    // Queue + release + run until CREADR reaches CWRITER (or 10 ms).
    void Exec(std::initializer_list<Cmd> cmds, uint32_t its = 0, uint64_t off = 0)
    {
        for (const Cmd &c : cmds) Queue(c, its, off);
        Release(its);
        Drain(its);
    }
    void Drain(uint32_t its = 0)
    {
        for (int i = 0; i < 100000; i++) {
            uint64_t r = creadr(its);
            if ((r & ~GITS_CREADR_Stalled) == cwriter[its] || (r & GITS_CREADR_Stalled)) return;
            t += 10000;
            gic_run_until(g, t);
        }
        ADD_FAILURE() << "command queue did not drain";
    }
    uint64_t rdbase(uint32_t cpu) const
    {
        return cfg.its_pta ? (cfg.gicr_base + cpu * (uint64_t)GIC_GICR_STRIDE) >> 16 : cpu;
    }

    // Everything: CPUs + ITS + MAPC icid=cpu for each CPU.
    void FullBringUp()
    {
        create();
        BringUpCpus();
        BringUpIts();
        for (uint32_t cpu = 0; cpu < cfg.num_cpus; cpu++) Queue(mapc(cpu, rdbase(cpu), true));
        Queue(sync(rdbase(0)));
        Release();
        Drain();
    }

    // MSI at the current time + run for 2 us.
    void Msi(uint32_t dev, uint32_t ev, uint32_t its = 0)
    {
        EXPECT_EQ(gic_msi(g, t, its, dev, ev), GIC_OK);
        t += 2000000;
        gic_run_until(g, t);
    }
    uint32_t Ack(uint32_t cpu)
    {
        uint64_t v = 0;
        t += 1000;
        EXPECT_EQ(gic_sysreg_read(g, t, cpu, GIC_ICC_IAR1_EL1, &v), GIC_OK);
        if (v != GIC_SPURIOUS) {
            t += 1000;
            EXPECT_EQ(gic_sysreg_write(g, t, cpu, GIC_ICC_EOIR1_EL1, v), GIC_OK);
        }
        return (uint32_t)v;
    }
    void ExpectConservation()
    {
        uint64_t rx = counter("msi.received"), d = counter("msi.delivered"),
                 c = counter("msi.coalesced"), x = counter("msi.dropped");
        EXPECT_EQ(rx, d + c + x);
    }
    // scenarios of test_its_regs.cpp with expected times from the latency
    // parameters (GIC_TIMING_TEST)
    void CreadrAdvancesOverTimeWithExactTimes();
    void OutstandingWriteLimitSerialisesWrites();

    // Last command completion output
    gic_output_t LastCmd() const
    {
        auto v = outs(GIC_OUT_CMD);
        gic_output_t o;
        memset(&o, 0, sizeof o);
        if (!v.empty()) o = v.back();
        return o;
    }
};

} // namespace its_test
