/* Shared helpers of the C benchmarks: a monotonic clock, an empty,
 * non-inlined call used as the unit of host cost, the SPI round trip, table
 * writes, and a GIC brought up by the driver helper (bench_drv_*). A
 * benchmark defines BENCH_NAME (its program name, for messages) before
 * including this file. */
#ifndef GICTLM_BENCH_UTIL_H
#define GICTLM_BENCH_UTIL_H

#include "gictlm.h"
#include "gictlm_driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

#ifndef BENCH_NAME
#define BENCH_NAME "bench"
#endif

/* A benchmark cannot go on: the message, exit status 1. */
__attribute__((unused, noreturn)) static void bench_die(const char *m)
{
    fprintf(stderr, BENCH_NAME ": %s\n", m);
    exit(1);
}

/* A GIC created from cfg and brought up by the driver helper (tables from
 * 0x10000000 on), t its time; ITS commands queued with bench_drv_cmd and
 * issued with bench_drv_flush (which waits for them and moves t 1 ns past
 * their completion). Every failure ends the benchmark. */
typedef struct bench_drv {
    gic_t *g;
    gic_driver_t *d;
    gic_time_t t;
} bench_drv_t;
__attribute__((unused)) static bench_drv_t bench_drv_boot(const gic_config_t *cfg)
{
    char err[256];
    bench_drv_t b = {gic_create(cfg, NULL, NULL, err, sizeof err), NULL, 0};
    if (!b.g) bench_die(err);
    b.d = gic_driver_create(b.g, 1000, 0x10000000);
    if (!b.d || gic_driver_init(b.d) != GIC_OK) bench_die("driver init");
    b.t = gic_driver_time(b.d);
    return b;
}
__attribute__((unused)) static void bench_drv_cmd(bench_drv_t *b, const uint64_t c[4])
{
    if (gic_driver_queue(b->d, 0, c) != GIC_OK) bench_die("command queue");
}
__attribute__((unused)) static void bench_drv_flush(bench_drv_t *b)
{
    gic_driver_set_time(b->d, b->t);
    if (gic_driver_flush(b->d, 0, 1000000000ull) != GIC_OK) bench_die("command flush");
    b->t = gic_driver_time(b->d) + 1000;
}

/* qsort order of doubles */
__attribute__((unused)) static int bench_cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

/* Round trips of two kinds compared in one run: `chunks` (<= 64) chunks, each
 * `per` trips of B then `per` trips of A (fn(ctx, n) runs n trips and returns
 * how many went wrong: any ends the benchmark). The host time of A over B
 * per chunk (min, median, max over the chunks: the median is the figure,
 * robust to a chunk disturbed by other work on the host), and the mean host
 * ns per trip of each. */
typedef long (*bench_trips_fn)(void *ctx, long n);
typedef struct bench_ab {
    double ratio_min, ratio_median, ratio_max;
    double ns_a, ns_b;
} bench_ab_t;
__attribute__((unused)) static bench_ab_t bench_ab(void *ctx, bench_trips_fn a, bench_trips_fn b, int chunks,
                                                   long per)
{
    double ratio[64], sa = 0, sb = 0;
    long bad = 0;
    if (chunks < 1 || chunks > 64 || per < 1) bench_die("bench_ab: 1..64 chunks of >= 1 trips");
    for (int c = 0; c < chunks; c++) {
        double t0 = now_ns();
        bad += b(ctx, per);
        double t1 = now_ns();
        bad += a(ctx, per);
        double t2 = now_ns();
        ratio[c] = (t2 - t1) / (t1 - t0);
        sb += t1 - t0;
        sa += t2 - t1;
    }
    if (bad) bench_die("round trips acknowledged the wrong INTID");
    qsort(ratio, (size_t)chunks, sizeof(double), bench_cmp_double);
    bench_ab_t r = {ratio[0], ratio[chunks / 2], ratio[chunks - 1], sa / ((double)chunks * per),
                    sb / ((double)chunks * per)};
    return r;
}

static volatile unsigned bench_sink;
__attribute__((noinline, unused)) static void empty_call(unsigned x)
{
    __asm__ volatile("" ::: "memory");
    bench_sink = x;
}

/* The SPI round-trip scenario of bench_spi_irq and bench_core_paths: CPU 0
 * woken and taking Group 1, SPI 40 edge-triggered, Group 1, priority 0x80,
 * routed to CPU 0 and enabled (all at time 0). */
__attribute__((unused)) static void bench_spi40_setup(gic_t *g)
{
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x0, 4, 0x2);
    gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x14, 4, 0);
    gic_sysreg_write(g, 0, 0, GIC_ICC_PMR_EL1, 0xf0);
    gic_sysreg_write(g, 0, 0, GIC_ICC_IGRPEN1_EL1, 1);
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x80 + 4, 4, 1u << 8);   /* IGROUPR: 40 -> group 1 */
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x400 + 40, 1, 0x80);   /* priority */
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0xc00 + 8, 4, 2u << 16);  /* edge */
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x6000 + 8 * 40, 8, 0);   /* -> CPU 0 */
    gic_mmio_write(g, 0, GIC_FRAME_GICD, 0, 0x100 + 4, 4, 1u << 8);  /* enable */
}

/* One round trip of that scenario at *t: SPI 40 pulsed, the core run 50 ns,
 * ICC_IAR1_EL1 at +50 ns, ICC_EOIR1_EL1 at +60 ns; *t advances by 100 ns.
 * Returns false when the acknowledge did not return INTID 40. */
__attribute__((unused)) static bool bench_spi40_round_trip(gic_t *g, gic_time_t *t)
{
    gic_set_spi(g, *t, 40, true);
    gic_set_spi(g, *t, 40, false);
    gic_run_until(g, *t + 50000);
    uint64_t id = 0;
    gic_sysreg_read(g, *t + 50000, 0, GIC_ICC_IAR1_EL1, &id);
    gic_sysreg_write(g, *t + 60000, 0, GIC_ICC_EOIR1_EL1, id);
    *t += 100000;
    return id == 40;
}

/* A 64-bit little-endian write into the GIC's memory (tables, command
 * queue); a benchmark cannot go on without it: exits on failure. */
__attribute__((unused)) static void bench_w64(gic_t *g, uint64_t a, uint64_t v)
{
    uint8_t b[8];
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
    if (gic_mem_write(g, a, b, 8) != GIC_OK) {
        char m[64];
        snprintf(m, sizeof m, "memory write failed at 0x%llx", (unsigned long long)a);
        bench_die(m);
    }
}

/* MAPC c -> CPU c for every c < ncpu: ncpu commands written at cmdq (the
 * caller then advances GITS_CWRITER by ncpu * 32). */
__attribute__((unused)) static void bench_mapc_all(gic_t *g, uint64_t cmdq, uint32_t ncpu)
{
    for (uint32_t c = 0; c < ncpu; c++) {
        bench_w64(g, cmdq + c * 32, 0x09);
        bench_w64(g, cmdq + c * 32 + 8, 0);
        bench_w64(g, cmdq + c * 32 + 16, (1ull << 63) | ((uint64_t)c << 16) | c);
        bench_w64(g, cmdq + c * 32 + 24, 0);
    }
}

#endif
