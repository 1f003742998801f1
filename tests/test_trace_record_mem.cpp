// gic_record_mem_write: records another agent's writes to the GIC's memory
// (external memory port) as mem-write / mem-fill lines stamped with their time.
#include <gtest/gtest.h>

#include "gic_test.h"
#include "gictlm.h"
#include "gictlm_trace.h"

#include <cstdio>
#include <cstring>
#include <string>
#include <vector>

static std::string read_all(FILE *f) { return gictest::file_contents(f); }

using TraceRecordMem = gictest::GicTest;

TEST_F(TraceRecordMem, RecordsTimedWritesWithoutWritingMemory)
{
    create();
    uint8_t b[16];
    for (int i = 0; i < 16; i++) b[i] = (uint8_t)i;
    EXPECT_EQ(gic_record_mem_write(g, 5, 0x1000, b, sizeof b), GIC_OK); /* not recording: no-op */
    EXPECT_EQ(gic_record_mem_write(nullptr, 5, 0x1000, b, sizeof b), GIC_ERR_ARG);
    EXPECT_EQ(gic_record_mem_write(g, 5, 0x1000, nullptr, 4), GIC_ERR_ARG);
    FILE *f = std::tmpfile();
    ASSERT_NE(f, nullptr);
    ASSERT_EQ(gic_record_start(g, f), GIC_OK);
    EXPECT_EQ(gic_record_mem_write(g, 123456, 0x40001000, b, sizeof b), GIC_OK);
    std::vector<uint8_t> fill(200, 0xa2);
    EXPECT_EQ(gic_record_mem_write(g, 777, 0x40010000, fill.data(), fill.size()), GIC_OK);
    EXPECT_EQ(gic_record_mem_write(g, 778, 0x40020000, b, 0), GIC_OK); /* nothing */
    gic_record_stop(g);
    std::string t = read_all(f);
    std::fclose(f);
    EXPECT_NE(t.find("\n@123456 mem-write 0x40001000 000102030405060708090a0b0c0d0e0f\n"), std::string::npos) << t;
    EXPECT_NE(t.find("\n@777 mem-fill 0x40010000 192 0xa2\n@777 mem-write 0x400100c0 a2a2a2a2a2a2a2a2\n"),
              std::string::npos);
    EXPECT_EQ(t.find("@778"), std::string::npos);
    uint8_t got[16];
    ASSERT_EQ(gic_mem_read(g, 0x40001000, got, sizeof got), GIC_OK);
    for (uint8_t v : got) EXPECT_EQ(v, 0u); /* only recorded, never written */
}
