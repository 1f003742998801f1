/*
 * gictlm-qemu-import: turn a QEMU 7.x "-trace 'gicv3_*'" log into a gictlm
 * trace (docs/trace-format.md, "QEMU import"), and optionally replay it and
 * compare the model with what QEMU itself output (docs/trace-format.md, "QEMU comparison").
 *
 * Exit status: 0 = imported (and, with --compare, the agreement over the
 * comparable cases meets --min-agreement and most MSIs are comparable);
 * 1 = agreement below --min-agreement, most MSIs not comparable, or
 * --expect-counts mismatch; 2 = usage error, unreadable input, or (with
 * --strict) an unknown or malformed line; 77 = input missing and
 * --skip-missing given (ctest SKIP_RETURN_CODE).
 */
#define _GNU_SOURCE /* getopt_long */
#include "gictlm.h"
#include "gictlm_trace.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: gictlm-qemu-import [options] LOG[.gz]\n"
               "  -o, --output FILE       write the gictlm trace to FILE (default: stdout unless --compare)\n"
               "  --step PS               picoseconds between two stimuli, 1..10^12 (default 10000000 = 10 us)\n"
               "  --strict                unknown or malformed log lines are fatal\n"
               "  --compare               replay the trace and compare the model with QEMU's own outputs\n"
               "  --min-agreement PCT     with --compare: exit 1 below PCT %% of comparable cases (0..100, default 100)\n"
               "  --list N                with --compare: list at most N disagreements per area (default 20)\n"
               "  --expect-counts LIST    check event counts, e.g. translater=34,mapd=4 (exit 1 on mismatch)\n"
               "  --memory-notes          apply the \"# gictlm-memory:\" lines of an edited log (memory contents)\n"
               "  --skip-missing          exit 77 if LOG does not exist\n"
               "  --progress              progress on stderr (default: when stderr is a terminal)\n"
               "  --no-progress           no progress\n"
               "  -q, --quiet             no summary\n"
               "  -h, --help              this help\n"
               "LOG may be plain text or gzip (read through zlib, line by line); \"-\" reads standard input.\n");
}

/* Strict numbers: the whole argument, in range. */
static bool parse_u64(const char *s, unsigned long long lo, unsigned long long hi, unsigned long long *v)
{
    if (!s || !*s || *s == '-' || *s == '+' || *s == ' ') return false;
    errno = 0;
    char *e;
    unsigned long long x = strtoull(s, &e, 0);
    if (errno || *e || x < lo || x > hi) return false;
    *v = x;
    return true;
}

static bool parse_pct(const char *s, double *v)
{
    if (!s || !*s) return false;
    errno = 0;
    char *e;
    double x = strtod(s, &e);
    if (errno || *e || !isfinite(x) || x < 0 || x > 100) return false;
    *v = x;
    return true;
}

static char *read_stdin(size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    if (!b) return NULL;
    size_t k;
    while ((k = fread(b + n, 1, cap - n - 1, stdin)) > 0) {
        n += k;
        if (cap - n - 1 == 0) {
            char *nb = realloc(b, cap * 2);
            if (!nb) {
                free(b);
                return NULL;
            }
            b = nb;
            cap *= 2;
        }
    }
    b[n] = 0;
    *len = n;
    return b;
}

static void show_progress(void *ctx, int pass, uint64_t done, uint64_t total, unsigned line)
{
    (void)ctx;
    if (total)
        fprintf(stderr, "\rgictlm-qemu-import: pass %d/2: %3.0f%% (line %u)", pass, 100.0 * (double)done / (double)total,
                line);
    else
        fprintf(stderr, "\rgictlm-qemu-import: pass %d/2: line %u", pass, line);
    fflush(stderr);
}

typedef struct cnt {
    const char *name;
    size_t off;
} cnt_t;
#define C(n, f) {n, offsetof(gic_qemu_counts_t, f)}
static const cnt_t counters[] = {
    C("lines", lines), C("translater", translater), C("mapd", mapd), C("mapc", mapc), C("mapti", mapti),
    C("mapi", mapi), C("inv", inv), C("invall", invall), C("movi", movi), C("discard", discard),
    C("sync", sync), C("int", int_cmd), C("clear", clear), C("movall", movall), C("other_cmds", other_cmds),
    C("iar1", iar1), C("eoir", eoir), C("sgi", sgi), C("ppi", ppi), C("spi", spi),
    C("mmio_reads", mmio_reads), C("mmio_writes", mmio_writes), C("sysreg_other", sysreg_other),
    C("qemu_outputs", qemu_outputs), C("virt_cpuif", virt_cpuif), C("virt_cmds", virt_cmds),
    C("unknown", unknown), C("malformed", malformed),
};

static unsigned get_count(const gic_qemu_counts_t *c, const cnt_t *d)
{
    unsigned v;
    memcpy(&v, (const char *)c + d->off, sizeof v);
    return v;
}

int main(int argc, char **argv)
{
    const char *in = NULL, *outp = NULL, *expect = NULL;
    bool strict = false, compare = false, skip_missing = false, quiet = false, notes = false;
    int prog = -1; /* -1 = when stderr is a terminal */
    double min_agree = 100.0;
    unsigned long long step = 0, list = 20;
    enum { O_STEP = 256, O_STRICT, O_COMPARE, O_MIN, O_EXPECT, O_SKIP, O_PROG, O_NOPROG, O_LIST, O_NOTES };
    static const struct option lo[] = {
        {"output", required_argument, NULL, 'o'},   {"step", required_argument, NULL, O_STEP},
        {"strict", no_argument, NULL, O_STRICT},     {"compare", no_argument, NULL, O_COMPARE},
        {"min-agreement", required_argument, NULL, O_MIN}, {"expect-counts", required_argument, NULL, O_EXPECT},
        {"skip-missing", no_argument, NULL, O_SKIP}, {"progress", no_argument, NULL, O_PROG},
        {"no-progress", no_argument, NULL, O_NOPROG}, {"list", required_argument, NULL, O_LIST},
        {"quiet", no_argument, NULL, 'q'},           {"help", no_argument, NULL, 'h'},
        {"memory-notes", no_argument, NULL, O_NOTES},
        {NULL, 0, NULL, 0}};
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, ":o:qh", lo, NULL)) != -1) {
        switch (ch) {
        case 'o': outp = optarg; break;
        case O_STEP:
            if (!parse_u64(optarg, 1, 1000000000000ull, &step)) {
                fprintf(stderr, "gictlm-qemu-import: --step: '%s' is not a whole number of picoseconds in 1..10^12\n",
                        optarg);
                return 2;
            }
            break;
        case O_STRICT: strict = true; break;
        case O_COMPARE: compare = true; break;
        case O_MIN:
            if (!parse_pct(optarg, &min_agree)) {
                fprintf(stderr, "gictlm-qemu-import: --min-agreement: '%s' is not a percentage in 0..100\n", optarg);
                return 2;
            }
            break;
        case O_LIST:
            if (!parse_u64(optarg, 1, 1000000, &list)) {
                fprintf(stderr, "gictlm-qemu-import: --list: '%s' is not a number in 1..1000000\n", optarg);
                return 2;
            }
            break;
        case O_EXPECT: expect = optarg; break;
        case O_SKIP: skip_missing = true; break;
        case O_NOTES: notes = true; break;
        case O_PROG: prog = 1; break;
        case O_NOPROG: prog = 0; break;
        case 'q': quiet = true; break;
        case 'h': usage(stdout); return 0;
        case ':':
            fprintf(stderr, "gictlm-qemu-import: option '%s' needs a value\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        default:
            fprintf(stderr, "gictlm-qemu-import: unknown option '%s'\n", argv[optind - 1]);
            usage(stderr);
            return 2;
        }
    }
    if (optind < argc) in = argv[optind++];
    if (optind < argc) {
        fprintf(stderr, "gictlm-qemu-import: one LOG only ('%s' is extra)\n", argv[optind]);
        return 2;
    }
    if (!in) {
        usage(stderr);
        return 2;
    }
    if (skip_missing && strcmp(in, "-") != 0 && access(in, R_OK) != 0) {
        printf("gictlm-qemu-import: %s not found: skipped\n", in);
        return 77;
    }
    if (prog < 0) prog = isatty(2);
    gic_qemu_import_opts_t o;
    memset(&o, 0, sizeof o);
    const char *base = strrchr(in, '/');
    o.source_name = base ? base + 1 : in;
    o.step_ps = step;
    o.strict = strict;
    o.memory_notes = notes;
    o.diag = stderr;
    if (prog) o.progress = show_progress;
    gic_qemu_import_t imp;
    int rc;
    if (strcmp(in, "-") == 0) {
        size_t len = 0;
        char *text = read_stdin(&len);
        if (!text) {
            fprintf(stderr, "gictlm-qemu-import: cannot read standard input\n");
            return 2;
        }
        rc = gic_qemu_import(text, len, &o, &imp);
        free(text);
    } else {
        rc = gic_qemu_import_file(in, &o, &imp);
    }
    if (prog) fprintf(stderr, "\r\033[K");
    if (rc != 0) {
        fprintf(stderr, "gictlm-qemu-import: %s\n", imp.message);
        gic_qemu_import_free(&imp);
        return 2;
    }
    if (outp || !compare) {
        FILE *f = outp && strcmp(outp, "-") != 0 ? fopen(outp, "w") : stdout;
        if (!f) {
            fprintf(stderr, "gictlm-qemu-import: cannot write %s: %s\n", outp, strerror(errno));
            gic_qemu_import_free(&imp);
            return 2;
        }
        bool wrote = fwrite(imp.trace, 1, imp.trace_len, f) == imp.trace_len;
        int e = errno;
        if (f != stdout && fclose(f) != 0) {
            wrote = false;
            e = errno;
        }
        if (!wrote) {
            fprintf(stderr, "gictlm-qemu-import: cannot write %s: %s\n", f == stdout ? "standard output" : outp,
                    strerror(e ? e : EIO));
            gic_qemu_import_free(&imp);
            return 2;
        }
    }
    FILE *rep = (outp && strcmp(outp, "-") == 0) || !compare ? stderr : stdout;
    if (!quiet) {
        fprintf(rep, "gictlm-qemu-import: %s: counts:", o.source_name);
        for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
            fprintf(rep, " %s=%u", counters[i].name, get_count(&imp.counts, &counters[i]));
        fprintf(rep, "\n");
        if (imp.counts.unknown || imp.counts.malformed)
            fprintf(rep, "gictlm-qemu-import: %u unknown and %u malformed line(s) skipped (--strict makes them fatal)\n",
                    imp.counts.unknown, imp.counts.malformed);
    }
    int status = 0;
    if (expect) {
        char *e = strdup(expect);
        if (!e) return 2;
        char *save = NULL;
        for (char *tok = strtok_r(e, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
            char *eq = strchr(tok, '=');
            unsigned long long want = 0;
            if (!eq || !parse_u64(eq + 1, 0, 0xffffffffull, &want)) {
                fprintf(stderr, "gictlm-qemu-import: --expect-counts: '%s' is not name=number\n", tok);
                status = 2;
                continue;
            }
            *eq = 0;
            const cnt_t *d = NULL;
            for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
                if (strcmp(counters[i].name, tok) == 0) d = &counters[i];
            if (!d) {
                fprintf(stderr, "gictlm-qemu-import: --expect-counts: unknown counter '%s'\n", tok);
                status = 2;
            } else if (get_count(&imp.counts, d) != want) {
                fprintf(stderr, "gictlm-qemu-import: count %s is %u, expected %llu\n", tok, get_count(&imp.counts, d),
                        want);
                if (status == 0) status = 1;
            }
        }
        free(e);
    }
    if (compare) {
        int dis = gic_qemu_compare(&imp, rep, (unsigned)list);
        if (dis < 0) status = status ? status : 1;
        else {
            const gic_qemu_summary_t *S = &imp.sum;
            if (S->mostly_not_comparable) {
                fprintf(rep, "gictlm-qemu-import: FAIL: most MSIs of this log are not comparable\n");
                if (status == 0) status = 1;
            }
            if (S->agreement + 1e-9 < min_agree) {
                fprintf(rep, "gictlm-qemu-import: FAIL: agreement %.2f%% below --min-agreement %.2f%%\n", S->agreement,
                        min_agree);
                if (status == 0) status = 1;
            }
        }
    }
    gic_qemu_import_free(&imp);
    return status;
}
