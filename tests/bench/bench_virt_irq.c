/* Host cost of a virtual interrupt through the list registers, as a ratio to
 * the physical SPI round trip measured in the same run (interleaved chunks,
 * median of the per-chunk ratios):
 *   virtual:  ICH_LR0_EL2 written pending -> vIRQ -> ICV_IAR1_EL1 -> ICV_EOIR1_EL1
 *   physical: SPI 40 pulsed -> IRQ -> ICC_IAR1_EL1 -> ICC_EOIR1_EL1 (bench_util.h)
 * Both on the same GIC instance and CPU. Prints BENCH lines. */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>

static long vlines, lines;
static void on_out(void *ctx, const gic_output_t *o)
{
    (void)ctx;
    if (o->kind != GIC_OUT_LINE || !o->level) return;
    if (o->line == GIC_LINE_VIRQ) vlines++;
    else lines++;
}

/* LR0: vINTID 72, Group 1, priority 0xa0, pending; at *t, the core run 50 ns,
 * ICV_IAR1_EL1 at +50 ns, ICV_EOIR1_EL1 at +60 ns; *t advances by 100 ns. */
static bool virt_round_trip(gic_t *g, gic_time_t *t)
{
    gic_sysreg_write(g, *t, 0, GIC_ICH_LR0_EL2, 72u | (0xa0ull << 48) | (1ull << 60) | (1ull << 62));
    gic_run_until(g, *t + 50000);
    uint64_t id = 0;
    gic_sysreg_read(g, *t + 50000, 0, GIC_ICV_IAR1_EL1, &id);
    gic_sysreg_write(g, *t + 60000, 0, GIC_ICV_EOIR1_EL1, id);
    *t += 100000;
    return id == 72;
}

static int cmp_d(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv)
{
    long chunks = argc > 1 ? atol(argv[1]) : 41, per_chunk = argc > 2 ? atol(argv[2]) : 20000;
    if (chunks < 1 || chunks > 1001 || per_chunk < 1) {
        fprintf(stderr, "usage: bench_virt_irq [CHUNKS 1..1001] [ROUND_TRIPS_PER_CHUNK >= 1]\n");
        return 2;
    }
    gic_config_t cfg;
    gic_config_default(&cfg);
    gic_callbacks_t cb = {0};
    cb.output = on_out;
    char err[256];
    gic_t *g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!g) {
        fprintf(stderr, "gic_create: %s\n", err);
        return 1;
    }
    bench_spi40_setup(g);
    /* the virtual interface of CPU 0: En, VENG1, VPMR 0xf8 */
    gic_sysreg_write(g, 0, 0, GIC_ICH_VMCR_EL2, 0x2u | (0xf8u << 24));
    gic_sysreg_write(g, 0, 0, GIC_ICH_HCR_EL2, 1);
    gic_time_t t = 1000000;
    long bad = 0;
    double *ratio = malloc((size_t)chunks * sizeof(double));
    double sum_v = 0, sum_p = 0;
    for (long c = 0; c < chunks; c++) {
        double t0 = now_ns();
        for (long i = 0; i < per_chunk; i++) bad += !bench_spi40_round_trip(g, &t);
        double t1 = now_ns();
        for (long i = 0; i < per_chunk; i++) bad += !virt_round_trip(g, &t);
        double t2 = now_ns();
        ratio[c] = (t2 - t1) / (t1 - t0);
        sum_p += t1 - t0;
        sum_v += t2 - t1;
    }
    long n = chunks * per_chunk;
    if (bad || vlines != n || lines != n) {
        fprintf(stderr, "bench_virt_irq: %ld wrong acknowledges, %ld vIRQs and %ld IRQs for %ld round trips each\n",
                bad, vlines, lines, n);
        return 1;
    }
    qsort(ratio, (size_t)chunks, sizeof(double), cmp_d);
    printf("BENCH virt_irq_round_trip_ns %.1f ns\n", sum_v / (double)n);
    printf("BENCH spi_round_trip_ns %.1f ns\n", sum_p / (double)n);
    printf("BENCH virt_irq_vs_spi_round_trip %.2f x\n", ratio[chunks / 2]);
    free(ratio);
    gic_destroy(g);
    return 0;
}
