/*
 * Trace recorder: every input given to a GIC through the public API is
 * written, with its time, as a replayable trace line (docs/trace-format.md).
 * Reads are recorded with the value the model returned as "expect", so the
 * replay of a recording checks itself.
 */
#include "gictlm.h"
#include "gictlm_trace.h"
#include "trace_internal.h"

#include "../model/gic_internal.h"

#include <stdlib.h>
#include <string.h>

struct gic_recorder {
    FILE *f;
};

gic_status_t gic_record_start(gic_t *g, FILE *f)
{
    if (!g || !f) return GIC_ERR_ARG;
    if (g->rec) return GIC_ERR_STATE;
    struct gic_recorder *r = calloc(1, sizeof *r);
    if (!r) return GIC_ERR_NOMEM;
    r->f = f;
    fprintf(f, "gictlm-trace %d\n", GICTLM_TRACE_VERSION);
    fprintf(f, "# recorded by gictlm (API %d); model time at start: %llu ps\n", GICTLM_API_VERSION,
            (unsigned long long)g->now);
    const char *doc = NULL;
    for (size_t i = 0;; i++) {
        const char *name = gic_config_param_name(i, &doc);
        if (!name) break;
        char buf[128];
        if (gic_config_get(&g->cfg, name, buf, sizeof buf) == GIC_OK)
            fprintf(f, "config %s %s\n", name, buf);
    }
    if (g->now) fprintf(f, "# inputs before recording started are not in this trace\n");
    g->rec = r;
    return GIC_OK;
}

void gic_record_stop(gic_t *g)
{
    if (!g || !g->rec) return;
    fflush(g->rec->f);
    free(g->rec);
    g->rec = NULL;
}

void gic_rec_free(gic_t *g) { gic_record_stop(g); }

static FILE *rf(gic_t *g) { return g->rec->f; }

void gic_rec_mmio(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index, uint64_t offset,
                  uint32_t size, bool is_write, uint64_t val, gic_status_t st)
{
    if (is_write)
        fprintf(rf(g), "@%llu mmio-write %s %u 0x%04llx %u 0x%llx\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size,
                (unsigned long long)val);
    else if (st == GIC_OK)
        fprintf(rf(g), "@%llu mmio-read %s %u 0x%04llx %u expect 0x%llx\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size,
                (unsigned long long)val);
    else
        fprintf(rf(g), "@%llu mmio-read %s %u 0x%04llx %u\n", (unsigned long long)t,
                gic_frame_name(frame), index, (unsigned long long)offset, size);
}

void gic_rec_msi(gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid)
{
    fprintf(rf(g), "@%llu msi %u 0x%x %u\n", (unsigned long long)t, its, devid, eventid);
}

void gic_rec_spi(gic_t *g, gic_time_t t, uint32_t intid, bool level)
{
    fprintf(rf(g), "@%llu spi %u %d\n", (unsigned long long)t, intid, level ? 1 : 0);
}

void gic_rec_ppi(gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level)
{
    fprintf(rf(g), "@%llu ppi %u %u %d\n", (unsigned long long)t, cpu, intid, level ? 1 : 0);
}

void gic_rec_sysreg(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg, bool is_write,
                    uint64_t val, gic_status_t st)
{
    if ((unsigned)reg >= GIC_SYSREG_COUNT) {
        fprintf(rf(g), "# @%llu sysreg %s on cpu %u with invalid register %u (not replayable)\n",
                (unsigned long long)t, is_write ? "write" : "read", cpu, (unsigned)reg);
        return;
    }
    if (is_write)
        fprintf(rf(g), "@%llu sysreg-write %u %s 0x%llx\n", (unsigned long long)t, cpu,
                gic_sysreg_name(reg), (unsigned long long)val);
    else if (st == GIC_OK)
        fprintf(rf(g), "@%llu sysreg-read %u %s expect %llu\n", (unsigned long long)t, cpu,
                gic_sysreg_name(reg), (unsigned long long)val);
    else
        fprintf(rf(g), "@%llu sysreg-read %u %s\n", (unsigned long long)t, cpu, gic_sysreg_name(reg));
}

/* Memory writes are split into 64-byte lines (long runs of one byte value as
 * mem-fill), stamped with t. On replay mem-write does not advance time: it
 * takes effect at its place in the trace (between the inputs around it). */
static void rec_mem_lines(gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len)
{
    const uint8_t *b = buf;
    for (size_t off = 0; off < len; off += 64) {
        size_t k = len - off < 64 ? len - off : 64;
        /* a run of identical bytes longer than one line is written as mem-fill */
        size_t same = 1;
        while (off + same < len && b[off + same] == b[off]) same++;
        if (same > 64) {
            same &= ~(size_t)63;
            fprintf(rf(g), "@%llu mem-fill 0x%llx %zu 0x%02x\n", (unsigned long long)t,
                    (unsigned long long)(addr + off), same, b[off]);
            off += same - 64;
            continue;
        }
        fprintf(rf(g), "@%llu mem-write 0x%llx ", (unsigned long long)t,
                (unsigned long long)(addr + off));
        for (size_t i = 0; i < k; i++) fprintf(rf(g), "%02x", b[off + i]);
        fputc('\n', rf(g));
    }
}

/* Software memory writes (gic_mem_write) are untimed: stamped with the model time. */
void gic_rec_mem_write(gic_t *g, uint64_t addr, const void *buf, size_t len)
{
    rec_mem_lines(g, g->now, addr, buf, len);
}

gic_status_t gic_record_mem_write(gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len)
{
    if (!g || (!buf && len)) return GIC_ERR_ARG;
    if (g->rec && len) rec_mem_lines(g, t, addr, buf, len);
    return GIC_OK;
}

void gic_rec_run(gic_t *g, gic_time_t t)
{
    fprintf(rf(g), "@%llu run\n", (unsigned long long)t);
}

void gic_rec_stats_reset(gic_t *g)
{
    fprintf(rf(g), "@%llu stats-reset\n", (unsigned long long)g->now);
}
