/* GICv4.1 host cost: a vSGI delivered to a resident vPE (GITS_SGIR write ->
 * vIRQ -> ICV_IAR1_EL1 -> ICV_EOIR1_EL1 on CPU 0, the vPE resident there)
 * against a physical SGI (ICC_SGI1R_EL1 write -> IRQ -> ICC_IAR1_EL1 ->
 * ICC_EOIR1_EL1, CPU 1 to itself) on the same GIC, in interleaved chunks;
 * the median of the chunks' ratios: BENCH vsgi_vs_sgi (target <= 1.5 x).
 *
 * Instruction counts (less noisy than wall clock on a loaded machine):
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=run_vsgi bench_vsgi --only vsgi 20000
 *   valgrind --tool=callgrind --collect-atstart=no --toggle-collect=run_sgi  bench_vsgi --only sgi 20000
 * Bring-up through the driver helper (capi/gictlm_driver.h). */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "gictlm_driver.h"
#define BENCH_NAME "bench_vsgi"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VPENDBASER 0x20078u
#define VSGI 1u

typedef bench_drv_t rig_t;

/* GICv4.1, 2 CPUs: vPE 1 resident at CPU 0 (HCR_EL2.IMO: CPU 0 runs the
 * guest), vSGI 1 enabled, Group 1, priority 0x40; SGI 1 of CPU 1 enabled,
 * Group 1, priority 0x40. */
static rig_t rig(void)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.gic_version = 4;
    cfg.gicv4_1 = 1;
    cfg.num_cpus = 2;
    cfg.gicr_base = 0x08100000;
    rig_t r = bench_drv_boot(&cfg);
    uint64_t vconf = gic_driver_alloc(r.d, 1u << 16, 0x10000), vpt = gic_driver_alloc(r.d, 8192, 0x10000);
    uint64_t c[4];
    gic_cmd_vmapp41(c, 1, gic_driver_rdbase(r.d, 0), vpt, 15, vconf, 1023, true, false, true);
    bench_drv_cmd(&r, c);
    gic_cmd_vsgi(c, 1, VSGI, 0x40, true, true, false);
    bench_drv_cmd(&r, c);
    gic_cmd_vsync(c, 1);
    bench_drv_cmd(&r, c);
    bench_drv_flush(&r);
    gic_mmio_write(r.g, r.t, GIC_FRAME_GICR, 0, VPENDBASER, 8, (1ull << 63) | (1ull << 58) | 1);
    r.t += 10000000;
    gic_run_until(r.g, r.t);
    uint64_t v = 0;
    gic_mmio_read(r.g, r.t, GIC_FRAME_GICR, 0, VPENDBASER, 8, &v);
    if (v & (1ull << 60)) bench_die("vPE still Dirty after 10 us");
    gic_sysreg_write(r.g, r.t, 0, GIC_ICH_VMCR_EL2, 0x2u | (0xf8u << 24));
    gic_sysreg_write(r.g, r.t, 0, GIC_ICH_HCR_EL2, 1);
    gic_sysreg_write(r.g, r.t, 0, GIC_HCR_EL2, 1u << 4);
    /* SGI 1 at CPU 1: Group 1 (GICR_IGROUPR0), priority 0x40, enabled */
    gic_mmio_write(r.g, r.t, GIC_FRAME_GICR, 1, 0x10080, 4, 0xffffffffu);
    gic_mmio_write(r.g, r.t, GIC_FRAME_GICR, 1, 0x10400 + VSGI, 1, 0x40);
    gic_mmio_write(r.g, r.t, GIC_FRAME_GICR, 1, 0x10100, 4, 1u << VSGI);
    r.t += 1000000;
    gic_run_until(r.g, r.t);
    return r;
}

/* one vSGI round trip: GITS_SGIR, then the guest on CPU 0 acknowledges it */
static bool vsgi_trip(rig_t *r)
{
    gic_mmio_write(r->g, r->t, GIC_FRAME_GITS, 0, GIC_GITS_SGIR_OFFSET, 8, gic_gits_sgir_value(1, VSGI));
    gic_run_until(r->g, r->t + 500000);
    uint64_t id = 0;
    gic_sysreg_read(r->g, r->t + 500000, 0, GIC_ICV_IAR1_EL1, &id);
    gic_sysreg_write(r->g, r->t + 510000, 0, GIC_ICV_EOIR1_EL1, id);
    r->t += 600000;
    return id == VSGI;
}

/* one physical SGI round trip: CPU 1 sends SGI 1 to itself and takes it */
static bool sgi_trip(rig_t *r)
{
    gic_sysreg_write(r->g, r->t, 1, GIC_ICC_SGI1R_EL1, ((uint64_t)VSGI << 24) | (1u << 1));
    gic_run_until(r->g, r->t + 500000);
    uint64_t id = 0;
    gic_sysreg_read(r->g, r->t + 500000, 1, GIC_ICC_IAR1_EL1, &id);
    gic_sysreg_write(r->g, r->t + 510000, 1, GIC_ICC_EOIR1_EL1, id);
    r->t += 600000;
    return id == VSGI;
}

__attribute__((noinline)) static long run_vsgi(rig_t *r, long n)
{
    long bad = 0;
    for (long i = 0; i < n; i++) bad += !vsgi_trip(r);
    return bad;
}

__attribute__((noinline)) static long run_sgi(rig_t *r, long n)
{
    long bad = 0;
    for (long i = 0; i < n; i++) bad += !sgi_trip(r);
    return bad;
}

static long run_vsgi_ctx(void *r, long n) { return run_vsgi(r, n); }
static long run_sgi_ctx(void *r, long n) { return run_sgi(r, n); }

int main(int argc, char **argv)
{
    rig_t r = rig();
    if (argc == 4 && strcmp(argv[1], "--only") == 0) {
        long n = atol(argv[3]);
        if (n < 1) bench_die("usage: bench_vsgi --only vsgi|sgi N");
        long bad = strcmp(argv[2], "vsgi") == 0 ? run_vsgi(&r, n) : run_sgi(&r, n);
        if (bad) bench_die("round trips acknowledged the wrong INTID");
        printf("bench_vsgi: %ld %s round trips\n", n, argv[2]);
        return 0;
    }
    /* warm-up */
    if (run_vsgi(&r, 2000) || run_sgi(&r, 2000)) bench_die("round trips acknowledged the wrong INTID");
    enum { CH = 31 };
    long per = argc > 1 ? atol(argv[1]) : 5000;
    if (per < 1) bench_die("usage: bench_vsgi [TRIPS_PER_CHUNK >= 1]");
    bench_ab_t ab = bench_ab(&r, run_vsgi_ctx, run_sgi_ctx, CH, per);
    uint64_t e = 0, direct = 0, acks = 0;
    gic_stat_counter(r.g, "errors.total", &e);
    gic_stat_counter(r.g, "vpe41.vsgi.direct", &direct);
    gic_stat_counter(r.g, "vpe41.vsgi.acks", &acks);
    if (e) fprintf(stderr, "bench_vsgi: %llu GIC errors\n", (unsigned long long)e);
    printf("bench_vsgi: %d chunks of %ld round trips each; vSGIs delivered directly %llu, acknowledged %llu; "
           "chunk ratios min %.2f median %.2f max %.2f\n",
           CH, per, (unsigned long long)direct, (unsigned long long)acks, ab.ratio_min, ab.ratio_median,
           ab.ratio_max);
    printf("BENCH vsgi_round_trip_ns %.1f ns\n", ab.ns_a);
    printf("BENCH sgi_round_trip_ns %.1f ns\n", ab.ns_b);
    printf("BENCH vsgi_vs_sgi %.2f x\n", ab.ratio_median);
    gic_driver_destroy(r.d);
    gic_destroy(r.g);
    return e ? 1 : 0;
}
