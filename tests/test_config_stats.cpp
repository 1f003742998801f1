// Configuration parameters (set/get/JSON) and statistics output.
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "gic_test.h"
#include "gictlm.h"

static std::string capture(void (*fn)(FILE *, const void *), const void *arg)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    fn(f, arg);
    fclose(f);
    std::string s(buf, len);
    free(buf);
    return s;
}

TEST(Config, SetGetByName)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "", buf[64];
    ASSERT_EQ(gic_config_set(&cfg, "its.event_cache.entries", "16", err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(cfg.its_event_cache.entries, 16u);
    ASSERT_EQ(gic_config_set(&cfg, "lpi.scan_policy", "summary", err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(cfg.lpi_scan_policy, GIC_SCAN_SUMMARY);
    ASSERT_EQ(gic_config_set(&cfg, "map.gicd_base", "0x2f000000", err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(cfg.gicd_base, 0x2f000000u);
    ASSERT_EQ(gic_config_get(&cfg, "map.gicd_base", buf, sizeof buf), GIC_OK);
    EXPECT_STREQ(buf, "0x2f000000");
    ASSERT_EQ(gic_config_get(&cfg, "its.error_policy", buf, sizeof buf), GIC_OK);
    EXPECT_STREQ(buf, "skip");
}

TEST(Config, Errors)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "";
    EXPECT_EQ(gic_config_set(&cfg, "no.such", "1", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("unknown parameter 'no.such'"), std::string::npos) << err;
    EXPECT_EQ(gic_config_set(&cfg, "pri_bits", "9", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("not in 5..8"), std::string::npos) << err;
    EXPECT_EQ(gic_config_set(&cfg, "num_cpus", "4x", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_EQ(gic_config_set(&cfg, "num_cpus", "-1", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_EQ(gic_config_set(&cfg, "lpi.cache.repl", "mru", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("lru, plru, fifo, random"), std::string::npos) << err;
    EXPECT_EQ(gic_config_set(&cfg, "lpi.scan_read_bytes", "128", err, sizeof err), GIC_ERR_CONFIG);
    {
        gic_config_t c3 = cfg; // in range for the parser, but not a power of two: refused by validation
        ASSERT_EQ(gic_config_set(&c3, "lpi.scan_read_bytes", "3", err, sizeof err), GIC_OK) << err;
        EXPECT_EQ(gic_config_validate(&c3, err, sizeof err), GIC_ERR_CONFIG);
        EXPECT_NE(std::string(err).find("not a power of two"), std::string::npos) << err;
    }
    {
        // set through the C struct, past the parameter table's bound: refused by validation
        // (the memory agents keep at most 1024 outstanding accesses per direction)
        gic_config_t c4 = cfg;
        c4.its_max_reads = 1025;
        EXPECT_EQ(gic_config_validate(&c4, err, sizeof err), GIC_ERR_CONFIG);
        EXPECT_NE(std::string(err).find("more than 1024 outstanding"), std::string::npos) << err;
        c4.its_max_reads = 1024;
        c4.redist_max_writes = 70000;
        EXPECT_EQ(gic_config_validate(&c4, err, sizeof err), GIC_ERR_CONFIG);
        c4.redist_max_writes = 1024;
        EXPECT_EQ(gic_config_validate(&c4, err, sizeof err), GIC_OK) << err;
    }
    EXPECT_EQ(cfg.num_cpus, 4u) << "failed sets must not change the config";
    EXPECT_EQ(gic_config_load_json(&cfg, "{\"num_cpus\": ", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("syntax error"), std::string::npos) << err;
    EXPECT_EQ(gic_config_load_json(&cfg, "{\"version\": 2}", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_EQ(gic_config_load_json(&cfg, "{\"num_cpus\": 2.5}", err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_EQ(gic_config_load_json(&cfg, "{\"num_cpus\": [1]}", err, sizeof err), GIC_ERR_CONFIG);
    // Numbers at or beyond 2^64 (and overflowing to infinity) are refused before any
    // float-to-integer conversion (that conversion is undefined behaviour; UBSan checks it).
    for (const char *big : {"1e20", "18446744073709551616", "1e400", "-1e400", "-0.5"}) {
        std::string js = std::string("{\"num_cpus\": ") + big + "}";
        EXPECT_EQ(gic_config_load_json(&cfg, js.c_str(), err, sizeof err), GIC_ERR_CONFIG) << big;
        EXPECT_NE(std::string(err).find("not an unsigned integer"), std::string::npos) << err;
        js = std::string("{\"mem\": {\"size\": ") + big + "}}";
        EXPECT_EQ(gic_config_load_json(&cfg, js.c_str(), err, sizeof err), GIC_ERR_CONFIG) << big;
    }
    EXPECT_EQ(cfg.num_cpus, 4u);
    EXPECT_EQ(gic_config_load_file(&cfg, "/nonexistent/x.json", err, sizeof err), GIC_ERR_CONFIG);
}

TEST(Config, JsonNestedDottedAndPlatformLayout)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "";
    ASSERT_EQ(gic_config_load_json(&cfg,
                                   "{\"version\":1, \"num_cpus\": 8, \"its\": {\"device_cache\": "
                                   "{\"entries\": 32, \"repl\": \"fifo\"}}, \"lpi.id_bits\": 20}",
                                   err, sizeof err),
              GIC_OK)
        << err;
    EXPECT_EQ(cfg.num_cpus, 8u);
    EXPECT_EQ(cfg.its_device_cache.entries, 32u);
    EXPECT_EQ(cfg.its_device_cache.repl, GIC_REPL_FIFO);
    EXPECT_EQ(cfg.lpi_id_bits, 20u);
    ASSERT_EQ(gic_config_load_json(&cfg, "{\"gic\": {\"num_cpus\": 2}, \"platform\": {\"x\": 1}}", err,
                                   sizeof err),
              GIC_OK)
        << err;
    EXPECT_EQ(cfg.num_cpus, 2u);
}

TEST(Config, DumpRoundTrips)
{
    gic_config_t a, b;
    gic_config_default(&a);
    char err[256] = "";
    ASSERT_EQ(gic_config_set(&a, "its.collection_cache.ways", "4", err, sizeof err), GIC_OK);
    ASSERT_EQ(gic_config_set(&a, "mem.latency_ps", "12345", err, sizeof err), GIC_OK);
    std::string json = capture([](FILE *f, const void *c) { gic_config_write_json((const gic_config_t *)c, f); }, &a);
    EXPECT_NE(json.find("\"schema\":\t\"gictlm-config\""), std::string::npos) << json;
    gic_config_default(&b);
    ASSERT_EQ(gic_config_load_json(&b, json.c_str(), err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(memcmp(&a, &b, sizeof a), 0);
    const char *doc = nullptr;
    size_t n = 0;
    while (gic_config_param_name(n, &doc)) {
        EXPECT_NE(doc, nullptr);
        n++;
    }
    EXPECT_GT(n, 40u);
}

TEST(Stats, JsonAndTable)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "";
    gic_t *g = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
    ASSERT_NE(g, nullptr) << err;
    // A halfword access is never supported: GIC_ERR_SIZE, counted, value 0.
    uint64_t v = 1;
    EXPECT_EQ(gic_mmio_read(g, 10, GIC_FRAME_GICD, 0, 0x0, 2, &v), GIC_ERR_SIZE);
    EXPECT_EQ(v, 0u);
    uint64_t total = 0, bad = 0;
    ASSERT_TRUE(gic_stat_counter(g, "errors.total", &total));
    ASSERT_TRUE(gic_stat_counter(g, "errors.mmio_bad_size", &bad));
    EXPECT_EQ(total, 1u);
    EXPECT_EQ(bad, 1u);
    std::string json = capture([](FILE *f, const void *p) { gic_stats_write_json((const gic_t *)p, f); }, g);
    EXPECT_NE(json.find("\"schema\":\t\"gictlm-stats\""), std::string::npos) << json;
    EXPECT_NE(json.find("\"version\":\t1"), std::string::npos);
    EXPECT_NE(json.find("\"errors.mmio_bad_size\":\t1"), std::string::npos) << json;
    std::string table = capture([](FILE *f, const void *p) { gic_stats_write_table((const gic_t *)p, f); }, g);
    EXPECT_NE(table.find("gictlm statistics"), std::string::npos);
    gic_destroy(g);
}

TEST(Config, EveryParameterDocumented)
{
    std::string doc = gictest::file_contents(GICTLM_SOURCE_DIR "/docs/configuration.md");
    ASSERT_FALSE(doc.empty());
    gic_config_t cfg;
    gic_config_default(&cfg);
    const char *name;
    for (size_t i = 0; (name = gic_config_param_name(i, nullptr)) != nullptr; i++) {
        char val[64];
        ASSERT_EQ(gic_config_get(&cfg, name, val, sizeof val), GIC_OK);
        std::string row = std::string("| `") + name + "` | " + val + " |";
        EXPECT_NE(doc.find(row), std::string::npos) << "docs/configuration.md lacks or has a stale row for " << name;
    }
}

// A configuration whose caches would need more host memory than max_host_mb is
// refused with the estimate (by validation and by gic_create) until the limit is
// raised; the estimate grows with every sized part and is never below what the
// default configuration actually allocates.
TEST(Config, HostMemoryLimit)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "";
    const uint64_t base = gic_config_host_bytes_estimate(&cfg);
    EXPECT_GT(base, 100u << 10);
    EXPECT_LT(base, 64u << 20);
    ASSERT_EQ(gic_config_set(&cfg, "num_cpus", "64", err, sizeof err), GIC_OK) << err;
    const uint64_t cpus = gic_config_host_bytes_estimate(&cfg);
    EXPECT_GT(cpus, base);
    ASSERT_EQ(gic_config_set(&cfg, "lpi.cache_per_redist", "1", err, sizeof err), GIC_OK) << err;
    ASSERT_EQ(gic_config_set(&cfg, "lpi.cache.entries", "1048576", err, sizeof err), GIC_OK) << err;
    ASSERT_EQ(gic_config_set(&cfg, "lpi.cache.ways", "8", err, sizeof err), GIC_OK) << err;
    const uint64_t big = gic_config_host_bytes_estimate(&cfg);
    // 64 caches of 1M slots of at least 24 bytes each
    EXPECT_GT(big, 64ull * (1u << 20) * 24);
    cfg.max_host_mb = 1024;
    EXPECT_EQ(gic_config_validate(&cfg, err, sizeof err), GIC_ERR_CONFIG);
    EXPECT_NE(std::string(err).find("exceeds max_host_mb=1024"), std::string::npos) << err;
    EXPECT_NE(std::string(err).find("MiB"), std::string::npos) << err;
    EXPECT_EQ(gic_create(&cfg, nullptr, nullptr, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("max_host_mb"), std::string::npos) << err;
    // raising the limit lets validation through (creation is not attempted here: 2 GiB)
    ASSERT_EQ(gic_config_set(&cfg, "max_host_mb", "8192", err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(gic_config_validate(&cfg, err, sizeof err), GIC_OK) << err;
    EXPECT_EQ(gic_config_set(&cfg, "max_host_mb", "0", err, sizeof err), GIC_ERR_CONFIG);
    // ITS caches count once per ITS
    gic_config_default(&cfg);
    ASSERT_EQ(gic_config_set(&cfg, "its.count", "1", err, sizeof err), GIC_OK) << err;
    const uint64_t one = gic_config_host_bytes_estimate(&cfg);
    ASSERT_EQ(gic_config_set(&cfg, "its.count", "8", err, sizeof err), GIC_OK) << err;
    ASSERT_EQ(gic_config_set(&cfg, "its.event_cache.entries", "1048576", err, sizeof err), GIC_OK);
    EXPECT_GT(gic_config_host_bytes_estimate(&cfg), one + 8ull * (1u << 20) * 24);
}
