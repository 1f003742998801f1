/* Shared helpers of the C benchmarks: a monotonic clock and an empty,
 * non-inlined call used as the unit of host cost. */
#ifndef GICTLM_BENCH_UTIL_H
#define GICTLM_BENCH_UTIL_H

#include <time.h>

static inline double now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static volatile unsigned bench_sink;
__attribute__((noinline, unused)) static void empty_call(unsigned x)
{
    __asm__ volatile("" ::: "memory");
    bench_sink = x;
}

#endif
