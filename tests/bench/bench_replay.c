/*
 * bench_replay: replay speed of gictlm-replay's engine (gic_trace_replay) on a
 * long generated trace: SPI edges, acknowledges and EOIs on 4 CPUs, plus ITS
 * MSIs. Prints `BENCH replay_events_per_s <v> events/s` (stimuli per host
 * second, parsing included) and the parse-only rate.
 */
#define _POSIX_C_SOURCE 200809L
#include "gictlm.h"
#include "gictlm_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

typedef struct buf {
    char *p;
    size_t n, cap;
} buf_t;

static void put(buf_t *b, const char *s)
{
    size_t k = strlen(s);
    if (b->n + k + 1 > b->cap) {
        b->cap = (b->n + k + 1) * 2;
        b->p = realloc(b->p, b->cap);
        if (!b->p) exit(1);
    }
    memcpy(b->p + b->n, s, k + 1);
    b->n += k;
}

int main(int argc, char **argv)
{
    unsigned rounds = argc > 1 ? (unsigned)strtoul(argv[1], NULL, 0) : 20000;
    buf_t b = {0};
    char l[256];
    put(&b, "gictlm-trace 1\nconfig num_cpus 4\nconfig num_spis 64\n"
            "@0 mmio-write gicd 0 0x0000 4 0x12\n@0 mmio-write gicd 0 0x0084 4 0xffffffff\n"
            "@0 mmio-write gicd 0 0x0104 4 0xffffffff\n"
            "@0 mem-fill 0x10100000 64 0xa3\n");
    for (unsigned c = 0; c < 4; c++) {
        snprintf(l, sizeof l,
                 "@0 mmio-write gicr %u 0x0014 4 0\n@0 sysreg-write %u ICC_PMR_EL1 0xff\n"
                 "@0 sysreg-write %u ICC_IGRPEN1_EL1 1\n@0 mmio-write gicr %u 0x0070 8 0x1010000f\n"
                 "@0 mmio-write gicr %u 0x0078 8 0x%llx\n@0 mmio-write gicr %u 0x0000 4 1\n",
                 c, c, c, c, c, 0x4000000010200000ull + c * 0x10000ull, c);
        put(&b, l);
        snprintf(l, sizeof l, "@0 mmio-write gicd 0 0x%x 8 %u\n", 0x6000 + 8 * (32 + c), c); /* IROUTER */
        put(&b, l);
    }
    put(&b, "@0 mmio-write gits 0 0x0100 8 0x8000000010010000\n@0 mmio-write gits 0 0x0108 8 0x8000000010020000\n"
            "@0 mmio-write gits 0 0x0080 8 0x8000000010000000\n@0 mmio-write gits 0 0x0000 4 1\n"
            "@0 mem-write64 0x10000000 0x9 0x0 0x8000000000000000 0x0\n"
            "@0 mem-write64 0x10000020 0x0000001000000008 0x3 0x8000000010030000 0x0\n"
            "@0 mem-write64 0x10000040 0x000000100000000a 0x0000200000000000 0x0 0x0\n"
            "@0 mmio-write gits 0 0x0088 8 0x60\n");
    uint64_t t = 10000000;
    uint64_t stimuli = 0;
    for (unsigned i = 0; i < rounds; i++) {
        unsigned c = i % 4, spi = 32 + c;
        snprintf(l, sizeof l,
                 "@%llu spi %u 1\n@%llu sysreg-read %u ICC_IAR1_EL1\n@%llu spi %u 0\n"
                 "@%llu sysreg-write %u ICC_EOIR1_EL1 %u\n@%llu msi 0 0x10 0\n"
                 "@%llu sysreg-read 0 ICC_IAR1_EL1\n@%llu sysreg-write 0 ICC_EOIR1_EL1 8192\n",
                 (unsigned long long)t, spi, (unsigned long long)(t + 200000), c, (unsigned long long)(t + 300000),
                 spi, (unsigned long long)(t + 400000), c, spi, (unsigned long long)(t + 500000),
                 (unsigned long long)(t + 1500000), (unsigned long long)(t + 1600000));
        put(&b, l);
        stimuli += 7;
        t += 2000000;
    }
    gic_replay_opts_t o;
    memset(&o, 0, sizeof o);
    o.parse_only = true;
    gic_replay_result_t r;
    double t0 = now_s();
    int rc = gic_trace_replay("bench", b.p, b.n, &o, &r);
    double t1 = now_s();
    gic_replay_result_free(&r);
    if (rc != 0) {
        fprintf(stderr, "bench_replay: parse failed: %s\n", r.message);
        return 1;
    }
    o.parse_only = false;
    double t2 = now_s();
    rc = gic_trace_replay("bench", b.p, b.n, &o, &r);
    double t3 = now_s();
    if (rc != 0) {
        fprintf(stderr, "bench_replay: replay failed (%d): %s\n", rc, r.message);
        return 1;
    }
    printf("bench_replay: %llu stimuli, %llu outputs, %zu timeline lines, %.1f MB trace\n",
           (unsigned long long)r.stimuli, (unsigned long long)r.outputs, r.timeline_lines, b.n / 1e6);
    double run = t3 - t2 > 1e-9 ? t3 - t2 : 1e-9, parse = t1 - t0 > 1e-9 ? t1 - t0 : 1e-9;
    printf("BENCH replay_events_per_s %.0f events/s\n", (double)r.stimuli / run);
    printf("BENCH replay_parse_lines_per_s %.0f lines/s\n", (double)(stimuli + 40) / parse);
    printf("BENCH replay_outputs_per_stimulus %.3f x\n", (double)r.outputs / (double)r.stimuli);
    gic_replay_result_free(&r);
    free(b.p);
    return 0;
}
