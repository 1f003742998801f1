// The register lookup of every frame (model/regmap.c), through the C API:
// at every 4-byte word of GICD, of a redistributor (RD_base, SGI_base and, on
// GICv4, VLPI_base and the reserved frame) and of an ITS (with ITS_SGI_base on
// GICv4.1), an access finds the register the table names there
// (gic_reg_name), and a word the table leaves reserved is RAZ/WI with one
// error counted per access (IHI0069 "Reserved" register space).
#include <gtest/gtest.h>

#include <cstdio>
#include <string>

#include "gic_test.h"
#include "gictlm.h"

using namespace gictest;

namespace {

class Regmap : public GicTest {
public:
    std::string last_log; // the last warning the GIC logged
    static void on_log(void *ctx, gic_time_t, gic_log_level_t, const char *, const char *msg)
    {
        static_cast<Regmap *>(ctx)->last_log = msg;
    }
    void create_logged()
    {
        gic_callbacks_t cb;
        std::memset(&cb, 0, sizeof cb);
        cb.ctx = this;
        cb.log = on_log;
        cb.log_level = GIC_LOG_WARN;
        char err[256] = "";
        g = gic_create(&cfg, &cb, nullptr, err, sizeof err);
        ASSERT_NE(g, nullptr) << err;
    }

    // Every word [0, size) of frame f (instance 0). Returns the reserved words.
    uint64_t check_frame(gic_frame_t f, uint64_t size)
    {
        uint64_t reserved = 0;
        for (uint64_t off = 0; off < size; off += 4) {
            const char *name = gic_reg_name(g, f, off);
            const uint64_t rd0 = counter0("errors.mmio_reserved_read");
            const uint64_t wr0 = counter0("errors.mmio_reserved_write");
            const uint64_t sz0 = counter0("errors.mmio_bad_size");
            // A 16-bit read of bits [31:16]: no register takes it (16-bit
            // accesses only to bits [15:0], REG_F_HALF), so a register's
            // rejection names the register the lookup found.
            uint64_t v = ~0ull;
            last_log.clear();
            gic_status_t st = gic_mmio_read(g, 0, f, 0, off + 2, 2, &v);
            EXPECT_EQ(v, 0u) << std::hex << off;
            if (name) {
                EXPECT_EQ(st, GIC_ERR_SIZE) << std::hex << off << " " << name;
                EXPECT_NE(last_log.find(std::string(" to ") + name + " (width"), std::string::npos)
                    << std::hex << off << ": expected " << name << ", logged: " << last_log;
                EXPECT_EQ(counter0("errors.mmio_bad_size"), sz0 + 1) << std::hex << off;
                continue;
            }
            reserved++;
            EXPECT_EQ(st, GIC_OK) << std::hex << off;
            EXPECT_EQ(counter0("errors.mmio_reserved_read"), rd0 + 1) << std::hex << off;
            // 32-bit read (RAZ) and write (WI), one error each; byte and
            // 64-bit reads alike
            v = ~0ull;
            EXPECT_EQ(gic_mmio_read(g, 0, f, 0, off, 4, &v), GIC_OK) << std::hex << off;
            EXPECT_EQ(v, 0u) << std::hex << off;
            EXPECT_EQ(gic_mmio_write(g, 0, f, 0, off, 4, ~0ull), GIC_OK) << std::hex << off;
            v = ~0ull;
            EXPECT_EQ(gic_mmio_read(g, 0, f, 0, off + 3, 1, &v), GIC_OK) << std::hex << off;
            EXPECT_EQ(v, 0u) << std::hex << off;
            EXPECT_EQ(counter0("errors.mmio_reserved_read"), rd0 + 3) << std::hex << off;
            EXPECT_EQ(counter0("errors.mmio_reserved_write"), wr0 + 1) << std::hex << off;
            EXPECT_EQ(counter0("errors.mmio_bad_size"), sz0) << std::hex << off;
        }
        // past the frame: an address error, no register
        uint64_t v = 0;
        EXPECT_EQ(gic_mmio_read(g, 0, f, 0, size, 4, &v), GIC_ERR_ADDR);
        EXPECT_EQ(gic_reg_name(g, f, size), nullptr);
        return reserved;
    }

    // GICD, one redistributor and one ITS; the registers the table has at
    // least the given names (the lookup is not trivially "all reserved").
    void check_all()
    {
        create_logged();
        const uint64_t d = check_frame(GIC_FRAME_GICD, GIC_GICD_SIZE);
        EXPECT_LT(d, GIC_GICD_SIZE / 4 - 2000); // IROUTER alone is 1976 words
        EXPECT_GT(d, 10000u);
        const uint64_t r = check_frame(GIC_FRAME_GICR, gic_gicr_stride(&cfg));
        EXPECT_LT(r, gic_gicr_stride(&cfg) / 4 - 40);
        // GITS: control and translation frames; GICv4.1 ITS_SGI_base after them
        // (the rest of the 256 KiB stride is no frame: an address error)
        const uint64_t its_size = cfg.gicv4_1 ? 0x30000 : GIC_GITS_SIZE;
        const uint64_t i = check_frame(GIC_FRAME_GITS, its_size);
        EXPECT_LT(i, its_size / 4 - 30);
        EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, 0xa0), "GICR_INVLPIR");
        EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, 0x10400 + 4 * 7), "GICR_IPRIORITYR");
        EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICD, 0x6100 + 8 * 987 + 4), "GICD_IROUTER");
        EXPECT_EQ(gic_reg_name(g, GIC_FRAME_GICD, 0x6100 + 8 * 988), nullptr);
        EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GITS, 0x10040), "GITS_TRANSLATER");
    }
};

TEST_F(Regmap, EveryWordOfEveryFrameGicv3)
{
    cfg.num_its = 1;
    check_all();
}

TEST_F(Regmap, EveryWordOfEveryFrameGicv4)
{
    cfg.gic_version = 4;
    cfg.num_its = 1;
    check_all();
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, 0x20078), "GICR_VPENDBASER");
    EXPECT_EQ(gic_reg_name(g, GIC_FRAME_GICR, 0x30078), nullptr); // the reserved frame
}

TEST_F(Regmap, EveryWordOfEveryFrameGicv41)
{
    cfg.gic_version = 4;
    cfg.gicv4_1 = 1;
    cfg.num_its = 1;
    cfg.gicr_base = 0x08100000; // the ITS is 256 KiB with ITS_SGI_base
    check_all();
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GITS, 0x20020), "GITS_SGIR");
    EXPECT_STREQ(gic_reg_name(g, GIC_FRAME_GICR, 0x20088), "GICR_VSGIPENDR");
}

// The halves and bytes of registers: a 32-bit access to either half of a
// 64-bit register, bytes where REG_F_BYTE allows them, bits [15:0] where
// REG_F_HALF does; misaligned accesses are rejected (found through the
// lookup at the access's own offset, not at the register's start).
TEST_F(Regmap, HalvesBytesAndMisalignedAccesses)
{
    cfg.num_cpus = 2;
    create_logged();
    uint64_t v = 0;
    // GICR_TYPER (64-bit, read-only): both halves, the whole
    uint64_t full = 0, lo = 0, hi = 0;
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 1, 0x8, 8, &full), GIC_OK);
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 1, 0x8, 4, &lo), GIC_OK);
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 1, 0xc, 4, &hi), GIC_OK);
    EXPECT_EQ(full, lo | hi << 32);
    EXPECT_NE(hi, 0u); // Affinity of CPU 1 / Last
    // GICD_IROUTER<n>: 32-bit write of the upper half only
    ASSERT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x6100 + 8 * 40 + 4, 4, 0x1), GIC_OK);
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICD, 0, 0x6100 + 8 * 40, 8, &v), GIC_OK);
    EXPECT_EQ(v, 1ull << 32);
    // GICR_IPRIORITYR byte 3 of register 2 (INTID 11)
    ASSERT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x10400 + 8 + 3, 1, 0xa0), GIC_OK);
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0x10400 + 8, 4, &v), GIC_OK);
    EXPECT_EQ(v, 0xa0000000u);
    ASSERT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0x10400 + 8 + 3, 1, &v), GIC_OK);
    EXPECT_EQ(v, 0xa0u);
    // GICD_SETSPI_NSR: 16 bits at [15:0] only
    EXPECT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x40, 2, 40), GIC_OK);
    EXPECT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x42, 2, 0), GIC_ERR_SIZE);
    EXPECT_NE(last_log.find("to GICD_SETSPI_NSR (width 4)"), std::string::npos) << last_log;
    // misaligned, bad sizes: rejected before any lookup
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0xa4, 8, &v), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0x15, 2, &v), GIC_ERR_SIZE);
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0x14, 3, &v), GIC_ERR_SIZE);
    EXPECT_NE(last_log.find("bad size or alignment"), std::string::npos) << last_log;
    // a 64-bit access at a 32-bit register: rejected, named
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0x10, 8, &v), GIC_ERR_SIZE);
    EXPECT_NE(last_log.find("to GICR_STATUSR (width 4)"), std::string::npos) << last_log;
    // write-only read, read-only write
    last_log.clear();
    EXPECT_EQ(gic_mmio_read(g, 0, GIC_FRAME_GICR, 0, 0xa0, 8, &v), GIC_OK);
    EXPECT_EQ(v, 0u);
    EXPECT_NE(last_log.find("write-only GICR_INVLPIR"), std::string::npos) << last_log;
    EXPECT_EQ(gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0xc0, 4, 1), GIC_OK);
    EXPECT_NE(last_log.find("read-only GICR_SYNCR"), std::string::npos) << last_log;
    EXPECT_EQ(counter("errors.mmio_read_wo"), 1u);
    EXPECT_EQ(counter("errors.mmio_write_ro"), 1u);
}

} // namespace
