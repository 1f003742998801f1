/*
 * gictlm-replay: replay a gictlm trace (docs/trace-format.md) through the C
 * core as fast as the host allows, write the output timeline and the stats
 * JSON, and compare the timeline with a golden one.
 *
 * Exit status: 0 = replayed, every expectation held, timeline equals the
 * golden; 1 = an expectation failed or the timeline differs; 2 = usage,
 * parse or configuration error, or an output that cannot be written.
 */
#define _POSIX_C_SOURCE 200809L /* getopt_long (with _DEFAULT_SOURCE below) */
#define _DEFAULT_SOURCE
#include "gictlm.h"
#include "gictlm_timeline.h"
#include "gictlm_trace.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gictlm-replay [options] TRACE     (TRACE '-' = standard input)\n"
            "  -o, --output FILE     write the text timeline to FILE ('-' = stdout; default: stdout\n"
            "                        unless --golden or --timeline is given)\n"
            "  -s, --stats FILE      write the statistics JSON to FILE\n"
            "  -g, --golden FILE     compare the text timeline with FILE (diff on mismatch, exit 1)\n"
            "  -u, --update-golden   write the text timeline to the --golden FILE instead of comparing\n"
            "  -t, --timeline FILE   write a timeline view (Chrome trace-event JSON: open it in\n"
            "                        ui.perfetto.dev or chrome://tracing)\n"
            "      --timeline-window START_US:END_US\n"
            "                        only events that start in this window (model time, us;\n"
            "                        END_US empty = to the end)\n"
            "      --timeline-max-events N\n"
            "                        at most N events in the timeline view (default 2000000)\n"
            "  -p, --param NAME=VALUE\n"
            "                        configuration override (after the trace header; repeatable)\n"
            "  -c, --check           parse and validate only\n"
            "  -q, --quiet           no summary line\n"
            "  -h, --help            this help\n"
            "Environment: GICTLM_REPLAY_OVERRIDES=\"NAME=VALUE ...\" adds overrides (used to\n"
            "check that a golden comparison fails when the model changes).\n"
            "Exit status: 0 replayed, expectations held, timeline equals the golden; 1 an\n"
            "expectation failed or the timeline differs; 2 usage, parse or configuration error,\n"
            "or an output that cannot be written.\n");
}

/* An output file; NULL after "gictlm-replay: cannot write PATH: reason". */
static FILE *open_out(const char *path)
{
    FILE *f = fopen(path, "w");
    if (!f) fprintf(stderr, "gictlm-replay: cannot write %s: %s\n", path, strerror(errno));
    return f;
}

/* Close an output file; false after "gictlm-replay: cannot write PATH: reason" (full disk, ...). */
static bool close_out(FILE *f, const char *path)
{
    bool ok = !ferror(f);
    int e = errno;
    if (fclose(f) != 0) {
        ok = false;
        e = errno;
    }
    if (!ok) fprintf(stderr, "gictlm-replay: cannot write %s: %s\n", path, strerror(e ? e : EIO));
    return ok;
}

static bool write_file(const char *path, const char *text, size_t len)
{
    FILE *f = open_out(path);
    if (!f) return false;
    fwrite(text, 1, len, f);
    return close_out(f, path);
}

/* A whole non-negative decimal number of microseconds ("12", "12.5"), in ps. */
static bool parse_us(const char *s, gic_time_t *ps)
{
    if (!*s || *s == '-' || *s == '+') return false;
    char *end = NULL;
    errno = 0;
    double v = strtod(s, &end);
    if (errno || end == s || *end || !(v >= 0) || v > 1.8e13) return false;
    *ps = (gic_time_t)(v * 1e6 + 0.5);
    return true;
}

static bool parse_u64(const char *s, uint64_t *v)
{
    if (!*s || *s == '-' || *s == '+') return false;
    char *end = NULL;
    errno = 0;
    unsigned long long x = strtoull(s, &end, 0);
    if (errno || end == s || *end) return false;
    *v = x;
    return true;
}

/* Read standard input to the end (malloc'd, NUL-terminated). */
static char *read_stdin(size_t *len)
{
    size_t cap = 1 << 16, n = 0;
    char *b = malloc(cap);
    if (!b) return NULL;
    for (;;) {
        if (n + 1 >= cap) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
        size_t k = fread(b + n, 1, cap - n - 1, stdin);
        n += k;
        if (k == 0) break;
    }
    if (ferror(stdin)) {
        free(b);
        return NULL;
    }
    b[n] = 0;
    *len = n;
    return b;
}

/* ---- the timeline view: the outputs (observer callbacks of the replayer)
 * and the inputs it needs (from the parsed trace, fed in trace order) ---- */
typedef struct view {
    gic_tl_t *tl;
    gic_trace_t tr;
    size_t next;          /* next stimulus to feed */
    size_t *by_line;      /* trace line -> stimulus index + 1 */
    size_t nlines;
} view_t;

static void view_feed(view_t *v, unsigned line)
{
    while (v->next < v->tr.n_stim && v->tr.stim[v->next].line <= line) {
        const gic_trace_stim_t *s = &v->tr.stim[v->next++];
        if (s->kind == GIC_STIM_MSI) {
            gic_tl_msi(v->tl, s->time, s->index, s->devid, s->eventid);
        } else if (s->kind == GIC_STIM_MMIO_WRITE) {
            gic_tl_mmio_write(v->tl, s->time, s->frame, s->index, s->offset, s->value);
        } else if (s->kind == GIC_STIM_SYSREG_WRITE) {
            gic_tl_sysreg(v->tl, s->time, s->cpu, s->sysreg, true, s->value);
        }
    }
}

static void view_output(void *ctx, const gic_output_t *out, unsigned line)
{
    view_t *v = ctx;
    view_feed(v, line);
    gic_tl_output(v->tl, out);
}

static void view_read(void *ctx, int kind, uint32_t index, uint32_t reg, uint64_t offset, uint64_t value,
                      unsigned line)
{
    view_t *v = ctx;
    (void)offset;
    view_feed(v, line);
    if (kind != 1) return; /* (system-register reads: acknowledges) */
    if (line >= v->nlines || !v->by_line[line]) return;
    gic_tl_sysreg(v->tl, v->tr.stim[v->by_line[line] - 1].time, index, (gic_sysreg_t)reg, false, value);
}

/* An override checked before the trace is read, so that its error names where it comes from
 * (what: "-p" or "GICTLM_REPLAY_OVERRIDES"), not a trace line. */
static bool override_ok(const char *what, const char *ov)
{
    char err[200] = "";
    gic_config_t cfg;
    gic_config_default(&cfg);
    if (gic_config_set_kv(&cfg, ov, err, sizeof err) != GIC_OK) {
        fprintf(stderr, "gictlm-replay: %s %s: %s\n", what, ov, err[0] ? err : "rejected");
        return false;
    }
    return true;
}

int main(int argc, char **argv)
{
    const char *trace = NULL, *tl_path = NULL, *stats_path = NULL, *golden = NULL, *view_path = NULL;
    bool view_opts = false; /* --timeline-window or --timeline-max-events given */
    bool update = false, check = false, quiet = false;
    gic_tl_opts_t vo;
    memset(&vo, 0, sizeof vo);
    const char *ov[256];
    size_t nov = 0, nov_cmd = 0; /* ov[0..nov_cmd) from -p, then the environment's */
    enum { OPT_WINDOW = 1000, OPT_MAX_EVENTS };
    static const struct option longopts[] = {
        {"output", required_argument, NULL, 'o'},
        {"stats", required_argument, NULL, 's'},
        {"golden", required_argument, NULL, 'g'},
        {"update-golden", no_argument, NULL, 'u'},
        {"timeline", required_argument, NULL, 't'},
        {"timeline-window", required_argument, NULL, OPT_WINDOW},
        {"timeline-max-events", required_argument, NULL, OPT_MAX_EVENTS},
        {"param", required_argument, NULL, 'p'},
        {"check", no_argument, NULL, 'c'},
        {"quiet", no_argument, NULL, 'q'},
        {"help", no_argument, NULL, 'h'},
        {NULL, 0, NULL, 0}};
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:s:g:ut:p:cqh", longopts, NULL)) != -1) {
        switch (ch) {
        case 'h': usage(stdout); return 0;
        case 'o': tl_path = optarg; break;
        case 's': stats_path = optarg; break;
        case 'g': golden = optarg; break;
        case 'u': update = true; break;
        case 't': view_path = optarg; break;
        case 'c': check = true; break;
        case 'q': quiet = true; break;
        case 'p':
            if (nov >= 200) {
                fprintf(stderr, "gictlm-replay: too many -p overrides (at most 200)\n");
                return 2;
            }
            if (!strchr(optarg, '=')) {
                fprintf(stderr, "gictlm-replay: -p expects NAME=VALUE, got '%s'\n", optarg);
                return 2;
            }
            ov[nov++] = optarg;
            break;
        case OPT_WINDOW: {
            view_opts = true;
            char buf[128];
            snprintf(buf, sizeof buf, "%s", optarg);
            char *colon = strchr(buf, ':');
            if (colon) *colon = 0;
            if (!colon || !parse_us(buf, &vo.window_start) || (colon[1] && !parse_us(colon + 1, &vo.window_end)) ||
                (vo.window_end && vo.window_end <= vo.window_start)) {
                fprintf(stderr, "gictlm-replay: --timeline-window expects START_US:END_US with START < END, got '%s'\n",
                        optarg);
                return 2;
            }
            break;
        }
        case OPT_MAX_EVENTS:
            view_opts = true;
            if (!parse_u64(optarg, &vo.max_events) || vo.max_events == 0) {
                fprintf(stderr, "gictlm-replay: --timeline-max-events expects a positive number, got '%s'\n", optarg);
                return 2;
            }
            break;
        case ':':
            fprintf(stderr, "gictlm-replay: option '%s' needs an argument (see --help)\n", argv[optind - 1]);
            return 2;
        default:
            fprintf(stderr, "gictlm-replay: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) trace = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "gictlm-replay: more than one trace given ('%s')\n", argv[optind]);
        return 2;
    }
    if (!trace) {
        usage(stderr);
        return 2;
    }
    if (update && !golden) {
        fprintf(stderr, "gictlm-replay: --update-golden needs --golden FILE\n");
        return 2;
    }
    nov_cmd = nov;
    if (view_opts && !view_path) {
        fprintf(stderr, "gictlm-replay: --timeline-window and --timeline-max-events shape the timeline view: "
                        "they need --timeline FILE\n");
        return 2;
    }
    /* Environment overrides: a space-separated list (copied: tokens point into it). */
    char *envcopy = NULL;
    const char *env = getenv("GICTLM_REPLAY_OVERRIDES");
    if (env && *env) {
        envcopy = malloc(strlen(env) + 1);
        if (envcopy) {
            strcpy(envcopy, env);
            for (char *p = envcopy; *p && nov < 256;) {
                while (*p == ' ') *p++ = 0;
                if (!*p) break;
                ov[nov++] = p;
                while (*p && *p != ' ') p++;
            }
            if (!quiet) fprintf(stderr, "gictlm-replay: GICTLM_REPLAY_OVERRIDES=\"%s\" applied\n", env);
        }
    }
    bool ov_ok = true;
    for (size_t i = 0; i < nov; i++)
        ov_ok = override_ok(i < nov_cmd ? "-p" : "GICTLM_REPLAY_OVERRIDES", ov[i]) && ov_ok;
    if (!ov_ok) {
        free(envcopy);
        return 2;
    }

    FILE *tlf = NULL, *stf = NULL;
    if (tl_path && strcmp(tl_path, "-") != 0) {
        tlf = open_out(tl_path);
        if (!tlf) {
            free(envcopy);
            return 2;
        }
    } else if (tl_path || (!golden && !check && !view_path)) {
        tlf = stdout;
    }
    if (stats_path) {
        stf = open_out(stats_path);
        if (!stf) {
            if (tlf && tlf != stdout) fclose(tlf);
            free(envcopy);
            return 2;
        }
    }
    FILE *vf = NULL;
    if (view_path && !check) {
        vf = open_out(view_path);
        if (!vf) {
            if (tlf && tlf != stdout) fclose(tlf);
            if (stf) fclose(stf);
            free(envcopy);
            return 2;
        }
    }
    size_t tlen = 0;
    char *text = strcmp(trace, "-") == 0 ? read_stdin(&tlen) : gic_trace_load(trace, &tlen);
    const char *name = strcmp(trace, "-") == 0 ? "<stdin>" : trace;
    if (!text) {
        fprintf(stderr, "gictlm-replay: cannot read %s\n", strcmp(trace, "-") == 0 ? "standard input" : trace);
        if (tlf && tlf != stdout) fclose(tlf);
        if (stf) fclose(stf);
        if (vf) fclose(vf);
        free(envcopy);
        return 2;
    }
    trace = name;
    gic_replay_opts_t o;
    memset(&o, 0, sizeof o);
    o.timeline = tlf;
    o.stats_json = stf;
    o.diag = stderr;
    o.overrides = ov;
    o.n_overrides = nov;
    o.parse_only = check;
    /* the timeline view: the parsed stimuli give the inputs and their times */
    view_t view;
    memset(&view, 0, sizeof view);
    if (vf) {
        gic_replay_opts_t po = o;
        po.diag = NULL;
        if (gic_trace_parse(name, text, tlen, &po, &view.tr) == 0) {
            size_t maxl = 0;
            for (size_t i = 0; i < view.tr.n_stim; i++)
                if (view.tr.stim[i].line > maxl) maxl = view.tr.stim[i].line;
            view.nlines = maxl + 1;
            view.by_line = calloc(view.nlines, sizeof *view.by_line);
            for (size_t i = 0; view.by_line && i < view.tr.n_stim; i++) view.by_line[view.tr.stim[i].line] = i + 1;
            vo.num_cpus = view.tr.cfg.num_cpus;
            vo.num_its = view.tr.cfg.num_its;
            vo.title = name;
            view.tl = view.by_line ? gic_tl_open(vf, &vo) : NULL;
        }
        if (view.tl) {
            o.observe = view_output;
            o.observe_read = view_read;
            o.ctx = &view;
        }
    }
    gic_replay_result_t r;
    int rc = gic_trace_replay(name, text, tlen, &o, &r);
    free(text);
    bool out_ok = true;
    if (tlf && tlf != stdout) out_ok = close_out(tlf, tl_path) && out_ok;
    if (stf) out_ok = close_out(stf, stats_path) && out_ok;
    free(envcopy);
    int view_err = 0;
    if (view_path && !check) {
        if (view.tl) {
            view_feed(&view, ~0u);
            gic_tl_counts_t vc;
            view_err = gic_tl_close(view.tl, &vc);
            if (!quiet && !view_err)
                fprintf(stderr,
                        "gictlm-replay: timeline view %s: %" PRIu64 " events, %" PRIu64 " handler slices, %" PRIu64
                        " MSIs, %" PRIu64 " flows, %" PRIu64 " ITS commands (%" PRIu64 " outside the window, %" PRIu64
                        " over the limit)\n",
                        view_path, vc.events, vc.handler_slices, vc.msi_slices, vc.flows, vc.cmd_slices,
                        vc.outside_window, vc.over_limit);
        } else {
            view_err = -1;
        }
        if (!close_out(vf, view_path)) view_err = -1;
        else if (view_err) fprintf(stderr, "gictlm-replay: cannot write the timeline view %s\n", view_path);
        gic_trace_free(&view.tr);
        free(view.by_line);
    }
    if (rc == 2) {
        fprintf(stderr, "gictlm-replay: %s: %u error(s), not replayed\n", trace, r.parse_errors);
        gic_replay_result_free(&r);
        return 2;
    }
    if (check) {
        if (!quiet) fprintf(stderr, "gictlm-replay: %s: syntax OK\n", trace);
        gic_replay_result_free(&r);
        return 0;
    }
    unsigned hunks = 0;
    if (golden && update) {
        if (!write_file(golden, r.timeline, r.timeline_len)) {
            gic_replay_result_free(&r);
            return 2;
        }
        if (!quiet) fprintf(stderr, "gictlm-replay: %s: golden %s updated\n", trace, golden);
    } else if (golden) {
        size_t glen = 0;
        char *g = gic_trace_load(golden, &glen);
        if (!g) {
            fprintf(stderr, "gictlm-replay: cannot read golden %s (create it with --update-golden)\n",
                    golden);
            gic_replay_result_free(&r);
            return 2;
        }
        hunks = gic_trace_diff(g, glen, r.timeline, r.timeline_len, r.timeline_src, r.timeline_lines,
                               trace, golden, stderr);
        free(g);
        if (hunks)
            fprintf(stderr, "gictlm-replay: %s: timeline differs from golden %s (%u hunk(s))\n",
                    trace, golden, hunks);
    }
    if (!quiet)
        fprintf(stderr,
                "gictlm-replay: %s: %llu stimuli, %llu outputs, %zu timeline lines, end %llu ps, "
                "%u expectation failure(s), %u rejected input(s)%s\n",
                trace, (unsigned long long)r.stimuli, (unsigned long long)r.outputs, r.timeline_lines,
                (unsigned long long)r.end_time, r.expect_failures, r.input_errors,
                golden && !update ? (hunks ? ", golden MISMATCH" : ", golden match") : "");
    int status = (r.expect_failures || hunks) ? 1 : 0;
    if ((view_err || !out_ok) && !status) status = 2;
    gic_replay_result_free(&r);
    return status;
}
