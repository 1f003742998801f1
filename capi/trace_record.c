/*
 * Trace recorder: every input given to a GIC through the public API is
 * written, with its time, as a replayable trace line (docs/trace-format.md).
 * Reads are recorded with the value the model returned as "expect", so the
 * replay of a recording checks itself.
 */
#include "gictlm.h"
#include "gictlm_trace.h"

#include <stdlib.h>
#include <string.h>

/* The recorder is an input observer of the GIC (gic_set_input_observer):
 * its context is the output file. */
typedef struct gic_recorder {
    FILE *f;
} gic_recorder_t;

static const gic_input_observer_t recorder;

static FILE *rf(void *ctx) { return ((gic_recorder_t *)ctx)->f; }

gic_status_t gic_record_start(gic_t *g, FILE *f)
{
    if (!g || !f) return GIC_ERR_ARG;
    gic_recorder_t *r = calloc(1, sizeof *r);
    if (!r) return GIC_ERR_NOMEM;
    r->f = f;
    if (gic_set_input_observer(g, &recorder, r) != GIC_OK) {
        free(r);
        return GIC_ERR_STATE;
    }
    fprintf(f, "gictlm-trace %d\n", GICTLM_TRACE_VERSION);
    fprintf(f, "# recorded by gictlm (API %d); model time at start: %llu ps\n", GICTLM_API_VERSION,
            (unsigned long long)gic_now(g));
    const char *doc = NULL;
    for (size_t i = 0;; i++) {
        const char *name = gic_config_param_name(i, &doc);
        if (!name) break;
        char buf[128];
        if (gic_config_get(gic_get_config(g), name, buf, sizeof buf) == GIC_OK)
            fprintf(f, "config %s %s\n", name, buf);
    }
    if (gic_now(g)) fprintf(f, "# inputs before recording started are not in this trace\n");
    return GIC_OK;
}

static void rec_detach(void *ctx, gic_t *g)
{
    (void)g;
    fflush(rf(ctx));
    free(ctx);
}

void gic_record_stop(gic_t *g)
{
    if (g && gic_input_observer_ctx(g, &recorder)) gic_set_input_observer(g, NULL, NULL);
}

static void rec_mmio(void *ctx, gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                     uint64_t offset, uint32_t size, bool is_write, uint64_t val, gic_status_t st)
{
    (void)g;
    if (is_write)
        fprintf(rf(ctx), "@%llu mmio-write %s %u 0x%04llx %u 0x%llx\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size,
                (unsigned long long)val);
    else if (st == GIC_OK)
        fprintf(rf(ctx), "@%llu mmio-read %s %u 0x%04llx %u expect 0x%llx\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size,
                (unsigned long long)val);
    else
        fprintf(rf(ctx), "@%llu mmio-read %s %u 0x%04llx %u\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size);
}

static void rec_msi(void *ctx, gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid)
{
    (void)g;
    fprintf(rf(ctx), "@%llu msi %u 0x%x %u\n", (unsigned long long)t, its, devid, eventid);
}

static void rec_spi(void *ctx, gic_t *g, gic_time_t t, uint32_t intid, bool level)
{
    (void)g;
    fprintf(rf(ctx), "@%llu spi %u %d\n", (unsigned long long)t, intid, level ? 1 : 0);
}

static void rec_ppi(void *ctx, gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level)
{
    (void)g;
    fprintf(rf(ctx), "@%llu ppi %u %u %d\n", (unsigned long long)t, cpu, intid, level ? 1 : 0);
}

static void rec_sysreg(void *ctx, gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                       bool is_write, uint64_t val, gic_status_t st)
{
    (void)g;
    if ((unsigned)reg >= GIC_SYSREG_COUNT) {
        fprintf(rf(ctx), "# @%llu sysreg %s on cpu %u with invalid register %u (not replayable)\n",
                (unsigned long long)t, is_write ? "write" : "read", cpu, (unsigned)reg);
        return;
    }
    if (is_write)
        fprintf(rf(ctx), "@%llu sysreg-write %u %s 0x%llx\n", (unsigned long long)t, cpu,
                gic_sysreg_name(reg), (unsigned long long)val);
    else if (st == GIC_OK)
        fprintf(rf(ctx), "@%llu sysreg-read %u %s expect %llu\n", (unsigned long long)t, cpu,
                gic_sysreg_name(reg), (unsigned long long)val);
    else
        fprintf(rf(ctx), "@%llu sysreg-read %u %s\n", (unsigned long long)t, cpu, gic_sysreg_name(reg));
}

/* Memory writes are split into 64-byte lines (long runs of one byte value as
 * mem-fill), stamped with t. On replay mem-write does not advance time: it
 * takes effect at its place in the trace (between the inputs around it). */
static void rec_mem_lines(void *ctx, gic_time_t t, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    for (size_t off = 0; off < len; off += 64) {
        size_t k = len - off < 64 ? len - off : 64;
        /* a run of identical bytes longer than one line is written as mem-fill */
        size_t same = 1;
        while (off + same < len && b[off + same] == b[off]) same++;
        if (same > 64) {
            same &= ~(size_t)63;
            fprintf(rf(ctx), "@%llu mem-fill 0x%llx %zu 0x%02x\n", (unsigned long long)t,
                    (unsigned long long)(addr + off), same, b[off]);
            off += same - 64;
            continue;
        }
        fprintf(rf(ctx), "@%llu mem-write 0x%llx ", (unsigned long long)t,
                (unsigned long long)(addr + off));
        for (size_t i = 0; i < k; i++) fprintf(rf(ctx), "%02x", b[off + i]);
        fputc('\n', rf(ctx));
    }
}

/* Software memory writes (gic_mem_write) are untimed: stamped with the model time. */
static void rec_mem_write(void *ctx, gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len)
{
    (void)g;
    if (len) rec_mem_lines(ctx, t, addr, buf, len);
}

gic_status_t gic_record_mem_write(gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    void *ctx = gic_input_observer_ctx(g, &recorder);
    if (ctx && len) rec_mem_lines(ctx, t, addr, buf, len);
    return GIC_OK;
}

static void rec_run(void *ctx, gic_t *g, gic_time_t t)
{
    (void)g;
    fprintf(rf(ctx), "@%llu run\n", (unsigned long long)t);
}

static void rec_stats_reset(void *ctx, gic_t *g, gic_time_t t)
{
    (void)g;
    fprintf(rf(ctx), "@%llu stats-reset\n", (unsigned long long)t);
}

static const gic_input_observer_t recorder = {
    .mmio = rec_mmio,
    .msi = rec_msi,
    .spi = rec_spi,
    .ppi = rec_ppi,
    .sysreg = rec_sysreg,
    .mem_write = rec_mem_write,
    .run = rec_run,
    .stats_reset = rec_stats_reset,
    .detach = rec_detach,
};
