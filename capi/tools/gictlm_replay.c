/*
 * gictlm-replay: replay a gictlm trace (docs/trace-format.md) through the C
 * core as fast as the host allows, write the output timeline and the stats
 * JSON, and compare the timeline with a golden one.
 *
 * Exit status: 0 = replayed, every expectation held, timeline equals the
 * golden; 1 = an expectation failed or the timeline differs; 2 = usage,
 * parse or configuration error.
 */
#include "gictlm.h"
#include "gictlm_trace.h"

#include <stdlib.h>
#include <string.h>

static void usage(FILE *f)
{
    fprintf(f,
            "usage: gictlm-replay [options] TRACE\n"
            "  -o, --timeline FILE   write the timeline to FILE ('-' = stdout; default: stdout\n"
            "                        unless --golden is given)\n"
            "  -s, --stats FILE      write the statistics JSON to FILE\n"
            "  -g, --golden FILE     compare the timeline with FILE (diff on mismatch, exit 1)\n"
            "  -u, --update-golden   write the timeline to the --golden FILE instead of comparing\n"
            "  -p NAME=VALUE         configuration override (after the trace header; repeatable)\n"
            "  -c, --check           parse and validate only\n"
            "  -q, --quiet           no summary line\n"
            "Environment: GICTLM_REPLAY_OVERRIDES=\"NAME=VALUE ...\" adds overrides (used to\n"
            "check that a golden comparison fails when the model changes).\n");
}

static int write_file(const char *path, const char *text, size_t len)
{
    FILE *f = fopen(path, "wb");
    if (!f) return -1;
    size_t k = fwrite(text, 1, len, f);
    int rc = fclose(f);
    return (k == len && rc == 0) ? 0 : -1;
}

int main(int argc, char **argv)
{
    const char *trace = NULL, *tl_path = NULL, *stats_path = NULL, *golden = NULL;
    bool update = false, check = false, quiet = false;
    const char *ov[256];
    size_t nov = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool has_next = i + 1 < argc;
#define ARG(s, l) (strcmp(a, s) == 0 || strcmp(a, l) == 0)
        if (ARG("-h", "--help")) {
            usage(stdout);
            return 0;
        } else if (ARG("-o", "--timeline") && has_next) {
            tl_path = argv[++i];
        } else if (ARG("-s", "--stats") && has_next) {
            stats_path = argv[++i];
        } else if (ARG("-g", "--golden") && has_next) {
            golden = argv[++i];
        } else if (ARG("-u", "--update-golden")) {
            update = true;
        } else if (ARG("-c", "--check")) {
            check = true;
        } else if (ARG("-q", "--quiet")) {
            quiet = true;
        } else if (strcmp(a, "-p") == 0 && has_next) {
            if (nov < 200) ov[nov++] = argv[++i];
        } else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gictlm-replay: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        } else if (!trace) {
            trace = a;
        } else {
            fprintf(stderr, "gictlm-replay: more than one trace given ('%s')\n", a);
            return 2;
        }
#undef ARG
    }
    if (!trace) {
        usage(stderr);
        return 2;
    }
    if (update && !golden) {
        fprintf(stderr, "gictlm-replay: --update-golden needs --golden FILE\n");
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

    FILE *tlf = NULL, *stf = NULL;
    if (tl_path && strcmp(tl_path, "-") != 0) {
        tlf = fopen(tl_path, "w");
        if (!tlf) {
            perror(tl_path);
            free(envcopy);
            return 2;
        }
    } else if (tl_path || (!golden && !check)) {
        tlf = stdout;
    }
    if (stats_path) {
        stf = fopen(stats_path, "w");
        if (!stf) {
            perror(stats_path);
            if (tlf && tlf != stdout) fclose(tlf);
            free(envcopy);
            return 2;
        }
    }
    gic_replay_opts_t o;
    memset(&o, 0, sizeof o);
    o.timeline = tlf;
    o.stats_json = stf;
    o.diag = stderr;
    o.overrides = ov;
    o.n_overrides = nov;
    o.parse_only = check;
    gic_replay_result_t r;
    int rc = gic_trace_replay_file(trace, &o, &r);
    if (tlf && tlf != stdout) fclose(tlf);
    if (stf) fclose(stf);
    free(envcopy);
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
        if (write_file(golden, r.timeline, r.timeline_len) != 0) {
            perror(golden);
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
    gic_replay_result_free(&r);
    return status;
}
