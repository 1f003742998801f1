/* Host cost of re-evaluating the highest-priority pending LPI: full policy
 * (rescan the pending table, QEMU/gem5 style) vs tracked (incremental heap).
 * A redistributor with 64K LPIs (16 INTID bits), 10 pending. Each iteration
 * acknowledges the best LPI and makes it pending again, then re-evaluates;
 * the cost of the re-evaluation is the difference between loops with and
 * without it, measured in the same run. */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "../../model/gic_internal.h"
#include "../../model/lpi.h"

#include <stdio.h>
#include <time.h>

static double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static gic_t *make(gic_scan_policy_t pol)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 1;
    cfg.num_its = 0;
    cfg.lpi_id_bits = 16;
    cfg.lpi_scan_policy = pol;
    char err[256];
    gic_t *g = gic_create(&cfg, NULL, NULL, err, sizeof err);
    if (!g) return NULL;
    for (uint32_t i = 0; i < 10; i++) {
        uint8_t p = (uint8_t)(((i * 3) % 10) << 4 | 1);
        gic_mem_write(g, 0x100000 + 1000 + i * 5000, &p, 1);
    }
    gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x70, 8, 0x100000 | 15);
    gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x78, 8, 0x200000 | (1ull << 62));
    gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x0, 4, 1);
    for (uint32_t i = 0; i < 10; i++)
        gic_mmio_write(g, 0, GIC_FRAME_GICR, 0, 0x40, 8, 8192 + 1000 + i * 5000);
    gic_run_until(g, 1000000000ull);
    return g;
}

/* ns per iteration; with_hppi selects whether the HPPI is re-evaluated */
static double run(gic_scan_policy_t pol, int iters, int with_hppi, uint32_t *check)
{
    gic_t *g = make(pol);
    if (!g) return -1;
    gic_cand_t c;
    lpi_hppi(g, 0, &c);
    uint32_t best = c.intid;
    double t0 = now_ns();
    for (int i = 0; i < iters; i++) {
        const char *why;
        lpi_ack(g, 0, best);
        lpi_set_pending(g, 0, best, g->now, &why);
        if (with_hppi) {
            lpi_hppi(g, 0, &c);
            *check += c.intid;
        }
    }
    double t1 = now_ns();
    gic_destroy(g);
    return (t1 - t0) / iters;
}

int main(void)
{
    uint32_t chk = 0;
    const int n_full = 2000, n_tr = 1000000;
    double best_full = 1e30, best_tr = 1e30, best_tr_iter = 1e30, best_full_iter = 1e30;
    for (int rep = 0; rep < 5; rep++) {
        double fw = run(GIC_SCAN_FULL, n_full, 1, &chk);
        double f = fw - run(GIC_SCAN_FULL, n_full, 0, &chk);
        if (fw < best_full_iter) best_full_iter = fw;
        double tw = run(GIC_SCAN_TRACKED, n_tr, 1, &chk);
        double t = tw - run(GIC_SCAN_TRACKED, n_tr, 0, &chk);
        if (f < best_full) best_full = f;
        if (t < best_tr) best_tr = t;
        if (tw < best_tr_iter) best_tr_iter = tw;
    }
    printf("# checksum %u\n", chk);
    printf("BENCH lpi_hppi_full_ns %.1f ns\n", best_full);
    printf("BENCH lpi_hppi_tracked_ns %.1f ns\n", best_tr);
    /* Headline: the same iteration (acknowledge the best LPI, make it pending
     * again, re-evaluate the highest-priority pending LPI) under both
     * policies. The differential costs above isolate the re-evaluation but a
     * tracked re-evaluation is within timer noise, so they are informational. */
    printf("BENCH lpi_hppi_full_iteration_ns %.1f ns\n", best_full_iter);
    printf("BENCH lpi_hppi_tracked_iteration_ns %.1f ns\n", best_tr_iter);
    printf("BENCH lpi_hppi_full_vs_tracked %.1f x\n", best_full_iter / best_tr_iter);
    return 0;
}
