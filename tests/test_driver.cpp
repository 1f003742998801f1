// The command encoders of capi/gictlm_driver.h against the ITS tests'
// independent encoders (tests/test_its_fixture.h, written from IHI0069): the
// two are kept apart on purpose so that each checks the other.
#include <gtest/gtest.h>

#include "gictlm_driver.h"
#include "test_its_fixture.h"

using namespace its_test;

static void expect_same(const uint64_t got[4], const Cmd &want, const char *what)
{
    for (int i = 0; i < 4; i++) EXPECT_EQ(got[i], want.d[i]) << what << " DW" << i;
}

TEST(DriverEncoders, MatchIndependentEncoders)
{
    uint64_t c[4];
    gic_cmd_mapd(c, 0x1234, 0xabcdef00ull, 5, true);
    expect_same(c, mapd(0x1234, 0xabcdef00ull, 5, true), "MAPD");
    gic_cmd_mapd(c, 7, 0x1000, 0, false);
    expect_same(c, mapd(7, 0x1000, 0, false), "MAPD V=0");
    gic_cmd_mapc(c, 3, 0x1234567, true);
    expect_same(c, mapc(3, 0x1234567, true), "MAPC");
    gic_cmd_mapti(c, 0xffff, 42, 8192 + 77, 2);
    expect_same(c, mapti(0xffff, 42, 8192 + 77, 2), "MAPTI");
    gic_cmd_mapi(c, 9, 8, 1);
    expect_same(c, mapi(9, 8, 1), "MAPI");
    gic_cmd_movi(c, 9, 8, 3);
    expect_same(c, movi(9, 8, 3), "MOVI");
    for (uint8_t op : {INT, CLEAR, INV, DISCARD}) {
        gic_cmd_devev(c, op, 0x55, 0x66);
        expect_same(c, devev(op, 0x55, 0x66), "INT/CLEAR/INV/DISCARD");
    }
    gic_cmd_invall(c, 12);
    expect_same(c, invall(12), "INVALL");
    gic_cmd_sync(c, 0x80a00);
    expect_same(c, sync(0x80a00), "SYNC");
    gic_cmd_movall(c, 1, 2);
    expect_same(c, movall(1, 2), "MOVALL");
}
