/* Trace replay: the parsed stimuli applied through the public API in time
 * order, the output timeline (with the trace line of each timeline line) and
 * the expectations checked as they come (docs/trace-format.md). */
#include "trace_priv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

static void tl_put(rp_t *s, const char *line)
{
    trace_sb_printf(&s->tl, "%s\n", line);
    if (s->o->timeline) fprintf(s->o->timeline, "%s\n", line);
    if (s->nsrc == s->capsrc) {
        size_t cap = s->capsrc ? s->capsrc * 2 : 256;
        unsigned *np = realloc(s->src, cap * sizeof *np);
        if (!np) return;
        s->src = np;
        s->capsrc = cap;
    }
    s->src[s->nsrc++] = s->line;
}

static void on_output(void *ctx, const gic_output_t *o)
{
    rp_t *s = ctx;
    char buf[512];
    s->r->outputs++;
    gic_trace_checker_output(s->chk, o);
    gic_timeline_output(buf, sizeof buf, o);
    tl_put(s, buf);
    if (s->o->observe) s->o->observe(s->o->ctx, o, s->line);
}

/* ---- replay: apply one stimulus through the public API -------------------------------- */
static void status_line(rp_t *s, const gic_trace_stim_t *st, gic_status_t rc, uint64_t addr)
{
    char buf[512];
    s->r->input_errors++;
    gic_timeline_status(buf, sizeof buf, st, rc, addr);
    tl_put(s, buf);
}

static void check(rp_t *s, const gic_trace_stim_t *st, uint64_t v, const uint8_t *data)
{
    char msg[400];
    if (gic_trace_check(s->chk, s->g, st, v, data, msg, sizeof msg)) return;
    s->r->expect_failures++;
    trace_diag(s, "%s", msg);
}

/* Timeline line of a register read: the value read, or the refusal. */
static void read_line(rp_t *s, const gic_trace_stim_t *st, gic_status_t rc, uint64_t v)
{
    if (rc != GIC_OK) {
        status_line(s, st, rc, 0);
        return;
    }
    char buf[512];
    gic_timeline_read(buf, sizeof buf, s->g, st, v);
    tl_put(s, buf);
}

static void exec_stim(rp_t *s, const gic_trace_stim_t *st)
{
    gic_t *g = s->g;
    gic_time_t t = st->time;
    gic_status_t rc;
    uint64_t v = 0;
    s->line = st->line;
    s->r->stimuli++;
    switch (st->kind) {
    case GIC_STIM_MMIO_WRITE:
        rc = gic_mmio_write(g, t, st->frame, st->index, st->offset, st->size, st->value);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_MMIO_READ:
        rc = gic_mmio_read(g, t, st->frame, st->index, st->offset, st->size, &v);
        read_line(s, st, rc, v);
        if (s->o->observe_read)
            s->o->observe_read(s->o->ctx, 0, st->index, (uint32_t)st->frame, st->offset, v, st->line);
        check(s, st, v, NULL);
        break;
    case GIC_STIM_MEM_WRITE:
        rc = gic_mem_write(g, st->addr, st->bytes, (size_t)st->len);
        if (rc != GIC_OK) status_line(s, st, rc, st->addr);
        break;
    case GIC_STIM_MEM_FILL: {
        uint8_t chunk[GIC_TRACE_FILL_CHUNK];
        memset(chunk, (int)st->value, sizeof chunk);
        for (uint64_t done = 0; done < st->len;) {
            size_t k = st->len - done < sizeof chunk ? (size_t)(st->len - done) : sizeof chunk;
            rc = gic_mem_write(g, st->addr + done, chunk, k);
            if (rc != GIC_OK) {
                status_line(s, st, rc, st->addr + done);
                break;
            }
            done += k;
        }
        break;
    }
    case GIC_STIM_MEM_EXPECT: {
        uint8_t *got = calloc(1, (size_t)st->len);
        rc = got ? gic_mem_read(g, st->addr, got, (size_t)st->len) : GIC_ERR_NOMEM;
        if (rc != GIC_OK) status_line(s, st, rc, st->addr);
        else check(s, st, 0, got);
        free(got);
        break;
    }
    case GIC_STIM_SYSREG_WRITE:
        rc = gic_sysreg_write(g, t, st->cpu, st->sysreg, st->value);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_SYSREG_READ:
        rc = gic_sysreg_read(g, t, st->cpu, st->sysreg, &v);
        read_line(s, st, rc, v);
        if (s->o->observe_read) s->o->observe_read(s->o->ctx, 1, st->cpu, (uint32_t)st->sysreg, 0, v, st->line);
        check(s, st, v, NULL);
        break;
    case GIC_STIM_MSI:
        rc = gic_msi(g, t, st->index, st->devid, st->eventid);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_SPI:
        rc = gic_set_spi(g, t, st->intid, st->value != 0);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_PPI:
        rc = gic_set_ppi(g, t, st->cpu, st->intid, st->value != 0);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_RUN:
        gic_run_until(g, t);
        break;
    case GIC_STIM_STATS_RESET:
        gic_stats_reset(g);
        break;
    case GIC_STIM_EXPECT_LINE:
    case GIC_STIM_EXPECT_MSI:
    case GIC_STIM_EXPECT_COUNTER:
        gic_run_until(g, t);
        check(s, st, 0, NULL);
        break;
    }
}

int gic_trace_replay(const char *name, const char *text, size_t len, const gic_replay_opts_t *o,
                     gic_replay_result_t *r)
{
    static const gic_replay_opts_t none;
    if (!o) o = &none;
    if (!r) return 2;
    memset(r, 0, sizeof *r);
    if (!name) name = "<trace>";
    rp_t s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.r = r;
    s.message = r->message;
    /* Pass 1: syntax and configuration only. */
    gic_trace_t tr;
    trace_parse_into(&s, name, text, len, &tr);
    r->parse_errors = tr.parse_errors;
    if (r->parse_errors || o->parse_only) {
        gic_trace_free(&tr);
        if (!r->timeline) r->timeline = calloc(1, 1);
        return r->parse_errors ? 2 : 0;
    }
    /* Pass 2: run. */
    s.chk = gic_trace_checker_new();
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.ctx = &s;
    cb.output = on_output;
    cb.log_level = GIC_LOG_ERROR;
    char err[256] = "";
    s.line = tr.n_stim ? tr.stim[0].line : s.line;
    s.g = s.chk ? gic_create(&tr.cfg, &cb, NULL, err, sizeof err) : NULL;
    if (!s.g) {
        trace_diag(&s, "cannot create the GIC: %s", s.chk ? err : "out of memory");
        r->parse_errors++;
    } else {
        for (size_t i = 0; i < tr.n_stim; i++) exec_stim(&s, &tr.stim[i]);
        r->end_time = gic_now(s.g);
        if (o->stats_json) gic_stats_write_json(s.g, o->stats_json);
        gic_destroy(s.g);
    }
    gic_trace_checker_free(s.chk);
    gic_trace_free(&tr);
    if (s.tl.oom) {
        r->parse_errors++;
        snprintf(r->message, sizeof r->message, "out of memory building the timeline");
    }
    r->timeline = s.tl.p;
    if (!r->timeline) r->timeline = calloc(1, 1);
    r->timeline_len = s.tl.p ? s.tl.n : 0;
    r->timeline_src = s.src;
    r->timeline_lines = s.nsrc;
    if (r->parse_errors) return 2;
    return r->expect_failures ? 1 : 0;
}

int gic_trace_replay_file(const char *path, const gic_replay_opts_t *o, gic_replay_result_t *r)
{
    size_t len = 0;
    char *text = gic_trace_load(path, &len);
    if (!text) {
        memset(r, 0, sizeof *r);
        snprintf(r->message, sizeof r->message, "%s: cannot read: %s", path, strerror(errno));
        if (o && o->diag) fprintf(o->diag, "%s\n", r->message);
        r->parse_errors = 1;
        r->timeline = calloc(1, 1);
        return 2;
    }
    int rc = gic_trace_replay(path, text, len, o, r);
    free(text);
    return rc;
}

void gic_replay_result_free(gic_replay_result_t *r)
{
    if (!r) return;
    free(r->timeline);
    free(r->timeline_src);
    r->timeline = NULL;
    r->timeline_src = NULL;
}
