/* Text of the gictlm trace format (docs/trace-format.md) that every driver of
 * a trace shares: the timeline lines (outputs, register reads, refused
 * stimuli), the names of lines and outcomes, the ITS command names (the
 * model's command table), and the growable text buffer. */
#include "trace_priv.h"

#include "../model/its.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable text buffer ---------------------------------------------------- */
void trace_sb_grow(sbuf_t *s, size_t extra)
{
    if (s->oom || s->n + extra + 1 <= s->cap) return;
    size_t cap = s->cap ? s->cap : 256;
    while (cap < s->n + extra + 1) cap *= 2;
    char *np = realloc(s->p, cap);
    if (!np) {
        s->oom = true;
        return;
    }
    s->p = np;
    s->cap = cap;
}

void trace_sb_printf(sbuf_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    size_t len = (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1;
    trace_sb_grow(s, len);
    if (s->oom) return;
    memcpy(s->p + s->n, tmp, len);
    s->n += len;
    s->p[s->n] = 0;
}

/* ---- ITS command names: the model's command table (model/its_cmd.c) ------------ */
const char *gic_its_cmd_name(uint32_t op) { return its_cmd_name(op); }

const char *const trace_line_names[4] = {"irq", "fiq", "virq", "vfiq"};
const char *const trace_outcome_names[3] = {"delivered", "coalesced", "dropped"};

/* ---- timeline lines (shared by every driver of a trace) ------------------------------ */
int gic_timeline_output(char *buf, size_t n, const gic_output_t *o)
{
    unsigned long long t = (unsigned long long)o->time;
    switch (o->kind) {
    case GIC_OUT_LINE:
        return snprintf(buf, n, "@%llu line cpu%u %s %u", t, o->cpu, o->line < 4 ? trace_line_names[o->line] : "?",
                        o->level);
    case GIC_OUT_DEACTIVATE:
        return snprintf(buf, n, "@%llu deactivate cpu%u intid %u", t, o->cpu, o->intid);
    case GIC_OUT_MSI:
        if (o->outcome == GIC_MSI_DROPPED)
            return snprintf(buf, n, "@%llu msi its%u dev 0x%x ev %u -> dropped (%s)", t, o->its, o->devid,
                            o->eventid, o->reason ? o->reason : "no reason");
        if (o->value & GIC_MSI_VALUE_VIRTUAL)
            return snprintf(buf, n, "@%llu msi its%u dev 0x%x ev %u -> vintid %u vpe %u cpu%u %s", t, o->its,
                            o->devid, o->eventid, o->intid, (unsigned)(o->value & 0xffffffffu), o->cpu,
                            o->outcome < 3 ? trace_outcome_names[o->outcome] : "?");
        return snprintf(buf, n, "@%llu msi its%u dev 0x%x ev %u -> intid %u cpu%u %s", t, o->its, o->devid,
                        o->eventid, o->intid, o->cpu, o->outcome < 3 ? trace_outcome_names[o->outcome] : "?");
    case GIC_OUT_CMD: {
        const char *cn = gic_its_cmd_name(o->code);
        char op[16];
        if (!cn) {
            snprintf(op, sizeof op, "0x%02x", o->code);
            cn = op;
        }
        if (o->error)
            return snprintf(buf, n, "@%llu cmd its%u %s creadr 0x%llx error 0x%x (%s)", t, o->its, cn,
                            (unsigned long long)o->value, o->error, o->reason ? o->reason : "");
        return snprintf(buf, n, "@%llu cmd its%u %s creadr 0x%llx", t, o->its, cn, (unsigned long long)o->value);
    }
    case GIC_OUT_ERROR:
        return snprintf(buf, n, "@%llu error %s", t, o->reason ? o->reason : "?");
    case GIC_OUT_VDEACTIVATE:
        if (o->level)
            return snprintf(buf, n, "@%llu vdeactivate cpu%u vintid %u lr %u hw pintid %llu", t, o->cpu, o->intid,
                            o->code, (unsigned long long)o->value);
        return snprintf(buf, n, "@%llu vdeactivate cpu%u vintid %u lr %u", t, o->cpu, o->intid, o->code);
    case GIC_OUT_TRAP:
        return snprintf(buf, n, "@%llu trap cpu%u %s 0x%llx", t, o->cpu, gic_sysreg_name((gic_sysreg_t)o->code),
                        (unsigned long long)o->value);
    default:
        return snprintf(buf, n, "@%llu output kind %u", t, (unsigned)o->kind);
    }
}

void trace_mmio_what(char *w, size_t n, const gic_trace_stim_t *s)
{
    snprintf(w, n, "%s%u 0x%04llx", gic_frame_name(s->frame), s->index, (unsigned long long)s->offset);
}

int gic_timeline_read(char *buf, size_t n, const gic_t *g, const gic_trace_stim_t *s, uint64_t v)
{
    unsigned long long t = (unsigned long long)s->time;
    if (s->kind == GIC_STIM_SYSREG_READ)
        return snprintf(buf, n, "@%llu sysreg-read cpu%u %s = %llu", t, s->cpu, gic_sysreg_name(s->sysreg),
                        (unsigned long long)v);
    char what[96];
    trace_mmio_what(what, sizeof what, s);
    const char *rn = g ? gic_reg_name(g, s->frame, s->offset) : NULL;
    return snprintf(buf, n, "@%llu read %s/%u%s%s = 0x%llx", t, what, s->size, rn ? " " : "", rn ? rn : "",
                    (unsigned long long)v);
}

int gic_timeline_status(char *buf, size_t n, const gic_trace_stim_t *s, gic_status_t st, uint64_t addr)
{
    char what[160], w[96];
    switch (s->kind) {
    case GIC_STIM_MMIO_WRITE:
    case GIC_STIM_MMIO_READ:
        trace_mmio_what(w, sizeof w, s);
        snprintf(what, sizeof what, "%s %s", s->directive, w);
        break;
    case GIC_STIM_MEM_WRITE:
    case GIC_STIM_MEM_FILL:
    case GIC_STIM_MEM_EXPECT:
        snprintf(what, sizeof what, "%s 0x%llx", s->directive, (unsigned long long)addr);
        break;
    case GIC_STIM_SYSREG_WRITE:
    case GIC_STIM_SYSREG_READ:
        snprintf(what, sizeof what, "%s cpu%u %s", s->directive, s->cpu, gic_sysreg_name(s->sysreg));
        break;
    case GIC_STIM_MSI:
        snprintf(what, sizeof what, "msi its%u dev 0x%x ev %u", s->index, s->devid, s->eventid);
        break;
    case GIC_STIM_SPI:
        snprintf(what, sizeof what, "spi %u", s->intid);
        break;
    case GIC_STIM_PPI:
        snprintf(what, sizeof what, "ppi cpu%u %u", s->cpu, s->intid);
        break;
    default:
        snprintf(what, sizeof what, "%s", s->directive ? s->directive : "?");
        break;
    }
    return snprintf(buf, n, "@%llu status %s: %s", (unsigned long long)s->time, what, gic_status_name(st));
}
