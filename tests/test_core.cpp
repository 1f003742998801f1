// Core infrastructure tests: creation, configuration validation, time.
#include <gtest/gtest.h>

#include "gictlm.h"

TEST(Core, CreateDestroyDefault)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256] = "";
    gic_t *g = gic_create(&cfg, nullptr, nullptr, err, sizeof err);
    ASSERT_NE(g, nullptr) << err;
    EXPECT_EQ(gic_now(g), 0u);
    gic_run_until(g, 1000);
    EXPECT_EQ(gic_now(g), 1000u);
    gic_destroy(g);
}

TEST(Core, RejectsBadConfig)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.pri_bits = 4;
    char err[256] = "";
    EXPECT_EQ(gic_create(&cfg, nullptr, nullptr, err, sizeof err), nullptr);
    EXPECT_NE(std::string(err).find("pri_bits"), std::string::npos) << err;
}
