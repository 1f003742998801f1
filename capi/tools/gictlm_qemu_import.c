/*
 * gictlm-qemu-import: turn a QEMU 7.x "-trace 'gicv3_*'" log into a gictlm
 * trace (docs/trace-format.md, "QEMU import"), and optionally replay it and
 * compare, per MSI, the model's delivery with QEMU's.
 *
 * Exit status: 0 = imported (and, with --compare, every MSI agrees or
 * --min-agreement is met); 1 = disagreement below --min-agreement, or
 * --expect-counts mismatch; 2 = usage error, unreadable input, or (with
 * --strict) an unknown or malformed line; 77 = input missing and
 * --skip-missing given (ctest SKIP_RETURN_CODE).
 */
#define _POSIX_C_SOURCE 200809L
#include "gictlm.h"
#include "gictlm_trace.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void usage(FILE *f)
{
    fprintf(f, "usage: gictlm-qemu-import [options] LOG[.gz]\n"
               "  -o FILE               write the gictlm trace to FILE (default: stdout unless --compare)\n"
               "  --step PS             picoseconds between two stimuli (default 10000000 = 10 us)\n"
               "  --strict              unknown or malformed log lines are fatal\n"
               "  --compare             replay the trace and compare each MSI's delivery with QEMU's\n"
               "  --min-agreement PCT   with --compare: exit 1 below PCT %% agreement (default 100)\n"
               "  --expect-counts LIST  check event counts, e.g. translater=34,mapd=4 (exit 1 on mismatch)\n"
               "  --skip-missing        exit 77 if LOG does not exist\n"
               "  -q                    no summary\n");
}

static char *read_all(FILE *f, size_t *len)
{
    size_t cap = 1 << 20, n = 0;
    char *b = malloc(cap);
    if (!b) return NULL;
    size_t k;
    while ((k = fread(b + n, 1, cap - n - 1, f)) > 0) {
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

static char *load(const char *path, size_t *len)
{
    size_t pl = strlen(path);
    if (pl > 3 && strcmp(path + pl - 3, ".gz") == 0) {
        if (strchr(path, '\'')) return NULL;
        char cmd[4200];
        snprintf(cmd, sizeof cmd, "gzip -dc -- '%s'", path);
        FILE *p = popen(cmd, "r");
        if (!p) return NULL;
        char *b = read_all(p, len);
        if (pclose(p) != 0) {
            free(b);
            return NULL;
        }
        return b;
    }
    FILE *f = strcmp(path, "-") == 0 ? stdin : fopen(path, "rb");
    if (!f) return NULL;
    char *b = read_all(f, len);
    if (f != stdin) fclose(f);
    return b;
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
    C("qemu_outputs", qemu_outputs), C("unknown", unknown), C("malformed", malformed),
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
    bool strict = false, compare = false, skip_missing = false, quiet = false;
    double min_agree = 100.0;
    gic_time_t step = 0;
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        bool nx = i + 1 < argc;
        if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
            usage(stdout);
            return 0;
        } else if (strcmp(a, "-o") == 0 && nx) outp = argv[++i];
        else if (strcmp(a, "--step") == 0 && nx) step = strtoull(argv[++i], NULL, 0);
        else if (strcmp(a, "--strict") == 0) strict = true;
        else if (strcmp(a, "--compare") == 0) compare = true;
        else if (strcmp(a, "--min-agreement") == 0 && nx) min_agree = strtod(argv[++i], NULL);
        else if (strcmp(a, "--expect-counts") == 0 && nx) expect = argv[++i];
        else if (strcmp(a, "--skip-missing") == 0) skip_missing = true;
        else if (strcmp(a, "-q") == 0) quiet = true;
        else if (a[0] == '-' && a[1]) {
            fprintf(stderr, "gictlm-qemu-import: unknown or incomplete option '%s'\n", a);
            usage(stderr);
            return 2;
        } else in = a;
    }
    if (!in) {
        usage(stderr);
        return 2;
    }
    if (skip_missing && strcmp(in, "-") != 0 && access(in, R_OK) != 0) {
        printf("gictlm-qemu-import: %s not found: skipped\n", in);
        return 77;
    }
    size_t len = 0;
    char *text = load(in, &len);
    if (!text) {
        fprintf(stderr, "gictlm-qemu-import: cannot read %s\n", in);
        return 2;
    }
    gic_qemu_import_opts_t o;
    memset(&o, 0, sizeof o);
    const char *base = strrchr(in, '/');
    o.source_name = base ? base + 1 : in;
    o.step_ps = step;
    o.strict = strict;
    o.diag = stderr;
    gic_qemu_import_t imp;
    int rc = gic_qemu_import(text, len, &o, &imp);
    free(text);
    if (rc != 0) {
        fprintf(stderr, "gictlm-qemu-import: %s\n", imp.message);
        gic_qemu_import_free(&imp);
        return 2;
    }
    if (outp || !compare) {
        FILE *f = outp && strcmp(outp, "-") != 0 ? fopen(outp, "w") : stdout;
        if (!f) {
            perror(outp);
            gic_qemu_import_free(&imp);
            return 2;
        }
        fwrite(imp.trace, 1, imp.trace_len, f);
        if (f != stdout) fclose(f);
    }
    FILE *rep = (outp && strcmp(outp, "-") == 0) || !compare ? stderr : stdout;
    if (!compare && !outp) rep = stderr;
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
        char *e = malloc(strlen(expect) + 1);
        if (!e) return 2;
        strcpy(e, expect);
        for (char *tok = strtok(e, ","); tok; tok = strtok(NULL, ",")) {
            char *eq = strchr(tok, '=');
            if (!eq) {
                fprintf(stderr, "gictlm-qemu-import: --expect-counts: '%s' is not name=value\n", tok);
                status = 2;
                continue;
            }
            *eq = 0;
            const cnt_t *d = NULL;
            for (size_t i = 0; i < sizeof counters / sizeof counters[0]; i++)
                if (strcmp(counters[i].name, tok) == 0) d = &counters[i];
            unsigned want = (unsigned)strtoul(eq + 1, NULL, 0);
            if (!d) {
                fprintf(stderr, "gictlm-qemu-import: --expect-counts: unknown counter '%s'\n", tok);
                status = 2;
            } else if (get_count(&imp.counts, d) != want) {
                fprintf(stderr, "gictlm-qemu-import: count %s is %u, expected %u\n", tok, get_count(&imp.counts, d), want);
                if (status == 0) status = 1;
            }
        }
        free(e);
    }
    if (compare) {
        unsigned iar_agree = 0;
        int dis = gic_qemu_compare(&imp, rep, &iar_agree);
        if (dis < 0) status = status ? status : 1;
        else {
            double pct = imp.n_msi ? 100.0 * (double)(imp.n_msi - (size_t)dis) / (double)imp.n_msi : 100.0;
            if (pct + 1e-9 < min_agree) {
                fprintf(rep, "gictlm-qemu-import: agreement %.1f%% below --min-agreement %.1f%%\n", pct, min_agree);
                if (status == 0) status = 1;
            }
        }
    }
    gic_qemu_import_free(&imp);
    return status;
}
