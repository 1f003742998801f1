// Built-in sparse memory and external memory port, through the public API.
#include <gtest/gtest.h>

#include <cstring>
#include <vector>

#include "gictlm.h"

namespace {

gic_t *make(gic_config_t *cfg, const gic_mem_port_t *port = nullptr)
{
    char err[256] = "";
    gic_t *g = gic_create(cfg, nullptr, port, err, sizeof err);
    EXPECT_NE(g, nullptr) << err;
    return g;
}

} // namespace

TEST(Mem, UntouchedReadsZeroAndAllocatesNothing)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    gic_t *g = make(&cfg);
    size_t base = gic_mem_footprint(g);
    EXPECT_GT(base, 0u);
    uint8_t buf[64];
    memset(buf, 0xaa, sizeof buf);
    ASSERT_EQ(gic_mem_read(g, 0x12345000, buf, sizeof buf), GIC_OK);
    for (uint8_t b : buf) EXPECT_EQ(b, 0);
    EXPECT_EQ(gic_mem_footprint(g), base);
    // Writing zeros to untouched pages allocates nothing either.
    std::vector<uint8_t> zeros(3 * 4096, 0);
    ASSERT_EQ(gic_mem_write(g, 0x40000000, zeros.data(), zeros.size()), GIC_OK);
    EXPECT_EQ(gic_mem_footprint(g), base);
    gic_destroy(g);
}

TEST(Mem, WriteReadAcrossPagesAndFootprint)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    gic_t *g = make(&cfg);
    // One byte: one page + the initial 64-slot page table.
    uint8_t one = 0x5a;
    size_t base = gic_mem_footprint(g);
    ASSERT_EQ(gic_mem_write(g, 0x1000ffff, &one, 1), GIC_OK);
    size_t one_page = gic_mem_footprint(g);
    EXPECT_GE(one_page, base + 4096);
    // A write straddling a page boundary touches two pages.
    uint8_t data[16];
    for (int i = 0; i < 16; i++) data[i] = (uint8_t)(i + 1);
    ASSERT_EQ(gic_mem_write(g, 0x20000ff8, data, sizeof data), GIC_OK);
    EXPECT_EQ(gic_mem_footprint(g), one_page + 2 * 4096);
    uint8_t back[16] = {};
    ASSERT_EQ(gic_mem_read(g, 0x20000ff8, back, sizeof back), GIC_OK);
    EXPECT_EQ(memcmp(data, back, sizeof data), 0);
    uint8_t b = 0;
    ASSERT_EQ(gic_mem_read(g, 0x1000ffff, &b, 1), GIC_OK);
    EXPECT_EQ(b, 0x5a);
    gic_destroy(g);
}

TEST(Mem, SparseLargeAddressSpace)
{
    // A few thousand scattered touches in a 64 GiB space hold only their pages.
    gic_config_t cfg;
    gic_config_default(&cfg);
    gic_t *g = make(&cfg);
    const int n = 3000;
    for (int i = 0; i < n; i++) {
        uint64_t addr = (uint64_t)i * 0x1000000ull + 8; // 16 MiB apart
        uint64_t v = 0x1000 + (uint64_t)i;
        ASSERT_EQ(gic_mem_write(g, addr, &v, 8), GIC_OK);
    }
    for (int i = 0; i < n; i++) {
        uint64_t addr = (uint64_t)i * 0x1000000ull + 8;
        uint64_t v = 0;
        ASSERT_EQ(gic_mem_read(g, addr, &v, 8), GIC_OK);
        EXPECT_EQ(v, 0x1000 + (uint64_t)i);
    }
    size_t fp = gic_mem_footprint(g);
    EXPECT_GE(fp, (size_t)n * 4096);
    EXPECT_LT(fp, (size_t)n * 4096 + 512 * 1024); // pages + a small hash table
    gic_destroy(g);
}

TEST(Mem, OutOfRangeFails)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.mem_size = 1 << 20;
    gic_t *g = make(&cfg);
    uint32_t v = 1;
    EXPECT_EQ(gic_mem_write(g, (1 << 20) - 4, &v, 4), GIC_OK);
    EXPECT_EQ(gic_mem_write(g, (1 << 20) - 2, &v, 4), GIC_ERR_MEM);
    EXPECT_EQ(gic_mem_write(g, 1 << 20, &v, 4), GIC_ERR_MEM);
    EXPECT_EQ(gic_mem_read(g, ~0ull - 1, &v, 4), GIC_ERR_MEM);
    EXPECT_EQ(gic_mem_read(g, (1 << 20) - 4, &v, 4), GIC_OK);
    EXPECT_EQ(v, 1u);
    gic_destroy(g);
}

namespace {
struct Port {
    int calls = 0;
    static gic_status_t access(void *ctx, gic_time_t, bool, uint64_t, void *buf, uint32_t len,
                               uint64_t *lat)
    {
        static_cast<Port *>(ctx)->calls++;
        memset(buf, 0, len);
        *lat = 5000;
        return GIC_OK;
    }
};
} // namespace

TEST(Mem, ExternalPortOwnsMemory)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    Port p;
    gic_mem_port_t port = {&p, &Port::access};
    gic_t *g = make(&cfg, &port);
    uint32_t v = 0;
    EXPECT_EQ(gic_mem_write(g, 0x1000, &v, 4), GIC_ERR_STATE);
    EXPECT_EQ(gic_mem_read(g, 0x1000, &v, 4), GIC_ERR_STATE);
    EXPECT_EQ(p.calls, 0);
    gic_destroy(g);
}

TEST(Mem, ClassCountersExist)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    gic_t *g = make(&cfg);
    const char *cls[] = {"cmdq", "device", "itt", "collection", "prop", "pend"};
    const char *f[] = {"reads", "writes", "bytes_read", "bytes_written", "errors"};
    for (const char *c : cls)
        for (const char *x : f) {
            std::string name = std::string("mem.") + c + "." + x;
            uint64_t v = 99;
            EXPECT_TRUE(gic_stat_counter(g, name.c_str(), &v)) << name;
            EXPECT_EQ(v, 0u) << name;
        }
    gic_destroy(g);
}
