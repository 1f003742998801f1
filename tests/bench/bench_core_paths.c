/* Host cost of the C core's interrupt paths in the GIC-600-like configuration
 * (platforms/configs/gic600.json), caches warm, through the public C API:
 *
 *  core_msi_warm_ns  one MSI (gic_msi) -> translation -> LPI pending -> IRQ,
 *                    ICC_IAR1_EL1, ICC_EOIR1_EL1; 4 CPUs, 32 mapped
 *                    (DeviceID, EventID) pairs over 4 devices, so that every
 *                    ITS and LPI cache lookup hits after the warm-up (checked:
 *                    the run fails if a timed MSI misses a cache);
 *  core_msi_platform_ns  the sequence the SystemC platform drives per MSI
 *                    (platforms/platform.cpp defaults: default configuration,
 *                    4 CPUs, 8 devices x 8 vectors, LPI k on CPU k % 4): MSI,
 *                    the core's events run one event time at a time like the
 *                    platform's driver (gic_next_event_time, gic_run_until),
 *                    ICC_IAR1_EL1 100 ns after the IRQ edge, ICC_EOIR1_EL1
 *                    500 ns later, ICC_IAR1_EL1 again (1023); caches warm;
 *  core_spi_ns       edge SPI assert/deassert -> IRQ -> IAR -> EOI on CPU 0;
 *  core_empty_call_ns a non-inlined empty function call, same run.
 *
 * Each figure is the median of 9 batches (robust against a busy host). Ratios
 * to the empty call are printed as `x`. Every IAR value and the number of IRQ
 * edges are checked, so a functional regression fails the benchmark. */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef GICTLM_SOURCE_DIR
#define GICTLM_SOURCE_DIR "."
#endif

#define NCPU 4u
#define NDEV 4u
#define NEV 8u /* events per device */
#define NPAIRS (NDEV * NEV)
#define PROP 0x1000000ull
#define PEND 0x4000000ull /* + cpu * 0x100000 */
#define DT 0x100000ull
#define CT 0x200000ull
#define CMDQ 0x300000ull
#define ITT 0x10000000ull /* + dev * 4 KiB */
#define BATCHES 9


static long irq_edges;
static void on_out(void *ctx, const gic_output_t *o)
{
    (void)ctx;
    if (o->kind == GIC_OUT_LINE && o->level) irq_edges++;
}

static void die(const char *what)
{
    fprintf(stderr, "bench_core_paths: %s\n", what);
    exit(1);
}

static void load_cfg(gic_config_t *cfg)
{
    char err[256];
    gic_config_default(cfg);
    if (gic_config_load_file(cfg, GICTLM_SOURCE_DIR "/platforms/configs/gic600.json", err,
                             sizeof err) != GIC_OK)
        die(err);
    cfg->num_cpus = NCPU;
}

static gic_t *create(void)
{
    gic_config_t cfg;
    load_cfg(&cfg);
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.output = on_out;
    char err[256];
    gic_t *g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!g) die(err);
    return g;
}

static void wr(gic_t *g, gic_time_t *t, gic_frame_t f, uint32_t i, uint64_t off, uint32_t size,
               uint64_t v)
{
    *t += 1000;
    if (gic_mmio_write(g, *t, f, i, off, size, v) != GIC_OK) die("mmio write failed");
}

static double median(double *v, int n)
{
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && v[j] < v[j - 1]; j--) {
            double x = v[j];
            v[j] = v[j - 1];
            v[j - 1] = x;
        }
    return v[n / 2];
}

static uint64_t stat(gic_t *g, const char *name)
{
    uint64_t v = 0;
    gic_stat_counter(g, name, &v);
    return v;
}

/* ---- MSI path ------------------------------------------------------------------ */
/* Program g as Linux would, with the ITS tables written directly in the
 * IMPLEMENTATION DEFINED 8-byte formats of docs/its.md: ndev devices x nev
 * events, pair k = dev * nev + ev -> LPI 8192 + k on CPU k % NCPU. */
static void bring_up(gic_t *g, gic_time_t *t, uint32_t ndev, uint32_t nev)
{
    uint32_t id_bits = gic_get_config(g)->lpi_id_bits;
    uint8_t prop[256];
    memset(prop, 0xa3, sizeof prop); /* priority 0xa0, enabled */
    if (ndev * nev > sizeof prop) die("too many pairs");
    if (gic_mem_write(g, PROP, prop, ndev * nev) != GIC_OK) die("memory write failed");
    wr(g, t, GIC_FRAME_GICD, 0, 0x0, 4, (1u << 4) | (1u << 1) | 1u);
    for (uint32_t c = 0; c < NCPU; c++) {
        wr(g, t, GIC_FRAME_GICR, c, 0x14, 4, 0);
        gic_sysreg_write(g, *t, c, GIC_ICC_SRE_EL1, 7);
        gic_sysreg_write(g, *t, c, GIC_ICC_PMR_EL1, 0xf0);
        gic_sysreg_write(g, *t, c, GIC_ICC_IGRPEN1_EL1, 1);
        wr(g, t, GIC_FRAME_GICR, c, 0x70, 8, PROP | (7u << 7) | (1u << 10) | (id_bits - 1));
        wr(g, t, GIC_FRAME_GICR, c, 0x78, 8, (PEND + c * 0x100000ull) | (1ull << 62));
        wr(g, t, GIC_FRAME_GICR, c, 0x0, 4, 1);
    }
    wr(g, t, GIC_FRAME_GITS, 0, 0x100, 8, (1ull << 63) | DT | 0);
    wr(g, t, GIC_FRAME_GITS, 0, 0x108, 8, (1ull << 63) | CT);
    wr(g, t, GIC_FRAME_GITS, 0, 0x80, 8, (1ull << 63) | CMDQ);
    wr(g, t, GIC_FRAME_GITS, 0, 0x88, 8, 0);
    wr(g, t, GIC_FRAME_GITS, 0, 0x0, 4, 1);
    for (uint32_t d = 0; d < ndev; d++) {
        uint64_t itt = ITT + (uint64_t)d * 0x1000;
        bench_w64(g, DT + d * 8ull, (1ull << 63) | itt | 3); /* Valid, ITT, 4 EventID bits */
        for (uint32_t e = 0; e < nev; e++) {
            uint32_t k = d * nev + e;
            bench_w64(g, itt + e * 8ull, (1ull << 63) | ((uint64_t)(k % NCPU) << 32) | (8192u + k));
        }
    }
    bench_mapc_all(g, CMDQ, NCPU); /* MAPC c -> CPU c */
    wr(g, t, GIC_FRAME_GITS, 0, 0x88, 8, NCPU * 32);
    *t += 10000000;
    gic_run_until(g, *t);
}

static gic_t *msi_setup(gic_time_t *t)
{
    gic_t *g = create();
    bring_up(g, t, NDEV, NEV);
    return g;
}

/* n MSIs cycling over the mapped pairs; returns host ns per MSI */
static double msi_loop(gic_t *g, gic_time_t *t, long n, long *bad)
{
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        uint32_t k = (uint32_t)(i * 7) % NPAIRS;
        uint32_t cpu = k % NCPU;
        gic_msi(g, *t, 0, k / NEV, k % NEV);
        *t += 1000000;
        uint64_t v = 0;
        gic_sysreg_read(g, *t, cpu, GIC_ICC_IAR1_EL1, &v);
        if (v != 8192u + k) (*bad)++;
        else gic_sysreg_write(g, *t, cpu, GIC_ICC_EOIR1_EL1, v);
        *t += 1000;
    }
    return (now_ns() - t0) / (double)n;
}

static double bench_msi(long n)
{
    gic_time_t t = 0;
    gic_t *g = msi_setup(&t);
    long bad = 0;
    msi_loop(g, &t, 4 * NPAIRS, &bad); /* warm the caches */
    const char *miss_stats[] = {"its0.cache.device.misses", "its0.cache.event.misses",
                                "its0.cache.collection.misses", "lpi.cache.misses"};
    uint64_t miss0[4];
    for (int i = 0; i < 4; i++) miss0[i] = stat(g, miss_stats[i]);
    long edges0 = irq_edges;
    double per[BATCHES];
    for (int b = 0; b < BATCHES; b++) per[b] = msi_loop(g, &t, n / BATCHES, &bad);
    long msis = (n / BATCHES) * BATCHES;
    for (int i = 0; i < 4; i++)
        if (stat(g, miss_stats[i]) != miss0[i]) {
            fprintf(stderr, "bench_core_paths: %s went from %llu to %llu: caches not warm\n",
                    miss_stats[i], (unsigned long long)miss0[i],
                    (unsigned long long)stat(g, miss_stats[i]));
            exit(1);
        }
    if (bad || irq_edges - edges0 != msis) {
        fprintf(stderr, "bench_core_paths: MSI: %ld wrong IAR values, %ld IRQs for %ld MSIs\n", bad,
                irq_edges - edges0, msis);
        exit(1);
    }
    gic_destroy(g);
    return median(per, BATCHES);
}

/* ---- platform MSI sequence ------------------------------------------------------- */
#define P_NDEV 8u
#define P_NEV 8u
#define P_NPAIRS (P_NDEV * P_NEV)
static gic_time_t last_edge_t;
static void on_out_p(void *ctx, const gic_output_t *o)
{
    (void)ctx;
    if (o->kind == GIC_OUT_LINE && o->level) {
        irq_edges++;
        last_edge_t = o->time;
    }
}

static gic_t *plat_setup(gic_time_t *t)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = NCPU;
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.output = on_out_p;
    char err[256];
    gic_t *g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!g) die(err);
    bring_up(g, t, P_NDEV, P_NEV);
    return g;
}

/* the platform driver: the core's events one event time at a time up to t */
static void drive_until(gic_t *g, gic_time_t t)
{
    gic_time_t e;
    while (gic_next_event_time(g, &e) && e <= t) gic_run_until(g, e);
}

static double plat_loop(gic_t *g, gic_time_t *t, long n, long *bad)
{
    double t0 = now_ns();
    for (long i = 0; i < n; i++) {
        uint32_t k = (uint32_t)(i * 7) % P_NPAIRS;
        uint32_t cpu = k % NCPU;
        long e0 = irq_edges;
        gic_msi(g, *t, 0, k / P_NEV, k % P_NEV);
        drive_until(g, *t + 1000000);
        if (irq_edges != e0 + 1) (*bad)++;
        gic_time_t ti = last_edge_t + 100000;
        uint64_t v = 0, v2 = 0;
        gic_sysreg_read(g, ti, cpu, GIC_ICC_IAR1_EL1, &v);
        if (v != 8192u + k) (*bad)++;
        drive_until(g, ti + 500000);
        gic_sysreg_write(g, ti + 500000, cpu, GIC_ICC_EOIR1_EL1, v);
        drive_until(g, ti + 550000);
        gic_sysreg_read(g, ti + 550000, cpu, GIC_ICC_IAR1_EL1, &v2);
        if (v2 != 1023) (*bad)++;
        *t = ti + 600000;
    }
    return (now_ns() - t0) / (double)n;
}

static double bench_platform(long n)
{
    gic_time_t t = 0;
    gic_t *g = plat_setup(&t);
    long bad = 0;
    plat_loop(g, &t, 4 * P_NPAIRS, &bad);
    /* the ITS caches hold every pair; the default LPI cache (256 entries, 2
     * ways, hashed sets) has conflict misses on these 64 LPIs, as in the
     * platform */
    const char *miss_stats[] = {"its0.cache.device.misses", "its0.cache.event.misses",
                                "its0.cache.collection.misses"};
    uint64_t miss0[3];
    for (int i = 0; i < 3; i++) miss0[i] = stat(g, miss_stats[i]);
    double per[BATCHES];
    for (int b = 0; b < BATCHES; b++) per[b] = plat_loop(g, &t, n / BATCHES, &bad);
    for (int i = 0; i < 3; i++)
        if (stat(g, miss_stats[i]) != miss0[i]) {
            fprintf(stderr, "bench_core_paths: platform: %s went from %llu to %llu: caches not warm\n",
                    miss_stats[i], (unsigned long long)miss0[i],
                    (unsigned long long)stat(g, miss_stats[i]));
            exit(1);
        }
    if (bad) {
        fprintf(stderr, "bench_core_paths: platform: %ld wrong IAR values or IRQ edges\n", bad);
        exit(1);
    }
    gic_destroy(g);
    return median(per, BATCHES);
}

/* ---- SPI path ------------------------------------------------------------------ */
static double bench_spi(long n)
{
    gic_t *g = create();
    bench_spi40_setup(g);
    gic_time_t t = 1000000;
    long bad = 0, edges0 = irq_edges, per_batch = n / BATCHES;
    double per[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        double t0 = now_ns();
        for (long i = 0; i < per_batch; i++) {
            if (!bench_spi40_round_trip(g, &t)) bad++;
        }
        per[b] = (now_ns() - t0) / (double)per_batch;
    }
    if (bad || irq_edges - edges0 != per_batch * BATCHES) {
        fprintf(stderr, "bench_core_paths: SPI: %ld wrong IAR values, %ld IRQs for %ld\n", bad,
                irq_edges - edges0, per_batch * BATCHES);
        exit(1);
    }
    gic_destroy(g);
    return median(per, BATCHES);
}

static double bench_empty(long n)
{
    double per[BATCHES];
    for (int b = 0; b < BATCHES; b++) {
        double t0 = now_ns();
        for (long i = 0; i < n / BATCHES; i++) empty_call((unsigned)i);
        per[b] = (now_ns() - t0) / (double)(n / BATCHES);
    }
    return median(per, BATCHES);
}

/* usage: bench_core_paths [iterations [msi|spi|platform]] (one path only: for profilers,
 * e.g. instructions per MSI from two valgrind --tool=callgrind runs) */
int main(int argc, char **argv)
{
    long n = argc > 1 ? atol(argv[1]) : 270000;
    const char *only = argc > 2 ? argv[2] : "";
    if (n < BATCHES * NPAIRS) n = BATCHES * NPAIRS;
    if (strcmp(only, "msi") == 0) {
        printf("core_msi_warm_ns %.1f ns\n", bench_msi(n));
        return 0;
    }
    if (strcmp(only, "platform") == 0) {
        printf("core_msi_platform_ns %.1f ns\n", bench_platform(n));
        return 0;
    }
    if (strcmp(only, "spi") == 0) {
        printf("core_spi_ns %.1f ns\n", bench_spi(n));
        return 0;
    }
    double msi = bench_msi(n);
    double plat = bench_platform(n);
    double spi = bench_spi(n);
    double empty = bench_empty(n * 10);
    printf("BENCH core_msi_warm_ns %.1f ns\n", msi);
    printf("BENCH core_msi_platform_ns %.1f ns\n", plat);
    printf("BENCH core_spi_ns %.1f ns\n", spi);
    printf("BENCH core_empty_call_ns %.2f ns\n", empty);
    printf("BENCH core_msi_warm_vs_empty_call %.1f x\n", empty > 0 ? msi / empty : 0.0);
    printf("BENCH core_spi_vs_empty_call %.1f x\n", empty > 0 ? spi / empty : 0.0);
    return 0;
}
