/* Host cost of one "assert SPI -> IRQ -> IAR -> EOI" round trip through the
 * public C API, next to the cost of an empty (non-inlined) function call
 * measured in the same run. Prints BENCH lines. */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <time.h>


static int irqs;
static void on_out(void *ctx, const gic_output_t *o)
{
    (void)ctx;
    if (o->kind == GIC_OUT_LINE && o->level) irqs++;
}

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 200000;
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

    gic_time_t t = 1000000;
    long bad = 0;
    double t0 = now_ns();
    for (long i = 0; i < iters; i++) {
        if (!bench_spi40_round_trip(g, &t)) bad++;
    }
    double t1 = now_ns();
    long calls = iters * 10;
    double t2 = now_ns();
    for (long i = 0; i < calls; i++) empty_call((unsigned)i);
    double t3 = now_ns();

    double per = (t1 - t0) / (double)iters;
    double empty = (t3 - t2) / (double)calls;
    if (bad || irqs != iters) {
        fprintf(stderr, "bench_spi_irq: %ld wrong IAR values, %d IRQs for %ld iterations\n", bad, irqs,
                iters);
        gic_destroy(g);
        return 1;
    }
    printf("BENCH spi_irq_iar_eoi_ns %.1f ns\n", per);
    printf("BENCH empty_call_ns %.2f ns\n", empty);
    printf("BENCH spi_irq_iar_eoi_vs_empty_call %.1f x\n", empty > 0 ? per / empty : 0.0);
    gic_destroy(g);
    return 0;
}
