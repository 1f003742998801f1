/* Statistics output: versioned JSON (cJSON) and a human-readable table.
 * Schema "gictlm-stats", version GICTLM_STATS_VERSION; see docs/stats-format.md. */
#include "gictlm.h"

#include "../model/gic_core.h"
#include "../model/gic_internal.h"

#include <cjson/cJSON.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

static int by_name(const void *a, const void *b)
{
    const gic_stat_entry_t *x = *(const gic_stat_entry_t *const *)a;
    const gic_stat_entry_t *y = *(const gic_stat_entry_t *const *)b;
    return strcmp(x->name, y->name);
}

/* Entries sorted by name (deterministic, readable). Caller frees. */
static const gic_stat_entry_t **sorted(const gic_t *g)
{
    gic_core_stats_sync((gic_t *)g); /* the histograms complete (api.c gic_stat_hist) */
    const gic_stat_entry_t **v = malloc((g->stats.n + 1) * sizeof(*v));
    if (!v) return NULL;
    for (size_t i = 0; i < g->stats.n; i++) v[i] = g->stats.e[i];
    qsort(v, g->stats.n, sizeof(*v), by_name);
    return v;
}

static void add_u64(cJSON *obj, const char *key, uint64_t v)
{
    if (v <= (1ull << 53)) {
        cJSON_AddNumberToObject(obj, key, (double)v);
    } else {
        char buf[32];
        snprintf(buf, sizeof buf, "%" PRIu64, v);
        cJSON_AddStringToObject(obj, key, buf);
    }
}

void gic_stats_write_json(const gic_t *g, FILE *f)
{
    const gic_stat_entry_t **v = sorted(g);
    if (!v) return;
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", "gictlm-stats");
    cJSON_AddNumberToObject(root, "version", GICTLM_STATS_VERSION);
    add_u64(root, "time_ps", g->now);
    cJSON *counters = cJSON_AddObjectToObject(root, "counters");
    cJSON *hists = cJSON_AddObjectToObject(root, "histograms");
    for (size_t i = 0; i < g->stats.n; i++) {
        const gic_stat_entry_t *e = v[i];
        if (e->kind == 0) {
            add_u64(counters, e->name, e->counter);
            continue;
        }
        gic_hist_summary_t s;
        hist_summary(e->hist, &s);
        cJSON *h = cJSON_AddObjectToObject(hists, e->name);
        cJSON_AddStringToObject(h, "unit", e->unit ? e->unit : "");
        add_u64(h, "count", s.count);
        add_u64(h, "min", s.min);
        add_u64(h, "max", s.max);
        add_u64(h, "sum", s.sum);
        cJSON_AddNumberToObject(h, "mean", s.count ? (double)s.sum / (double)s.count : 0.0);
        add_u64(h, "p50", s.p50);
        add_u64(h, "p90", s.p90);
        add_u64(h, "p99", s.p99);
        cJSON *b = cJSON_AddArrayToObject(h, "buckets"); /* [low, high, count] non-empty only */
        for (unsigned k = 0; k < GIC_HIST_BUCKETS; k++) {
            if (!e->hist->buckets[k]) continue;
            cJSON *row = cJSON_CreateArray();
            cJSON_AddItemToArray(row, cJSON_CreateNumber((double)hist_bucket_low(k)));
            cJSON_AddItemToArray(row, cJSON_CreateNumber((double)hist_bucket_high(k)));
            cJSON_AddItemToArray(row, cJSON_CreateNumber((double)e->hist->buckets[k]));
            cJSON_AddItemToArray(b, row);
        }
    }
    char *s = cJSON_Print(root);
    if (s) {
        fputs(s, f);
        fputc('\n', f);
        free(s);
    }
    cJSON_Delete(root);
    free(v);
}

static void fmt_time(char *buf, size_t len, uint64_t ps, const char *unit)
{
    if (!unit || strcmp(unit, "ps") != 0) snprintf(buf, len, "%" PRIu64, ps);
    else if (ps >= 10000000) snprintf(buf, len, "%.1f us", (double)ps / 1e6);
    else snprintf(buf, len, "%.1f ns", (double)ps / 1e3);
}

void gic_stats_write_table(const gic_t *g, FILE *f)
{
    const gic_stat_entry_t **v = sorted(g);
    if (!v) return;
    fprintf(f, "gictlm statistics at %.3f us simulated\n", (double)g->now / 1e6);
    fprintf(f, "%-48s %16s\n", "counter", "value");
    for (size_t i = 0; i < g->stats.n; i++)
        if (v[i]->kind == 0 && v[i]->counter)
            fprintf(f, "%-48s %16" PRIu64 "\n", v[i]->name, v[i]->counter);
    bool header = false;
    for (size_t i = 0; i < g->stats.n; i++) {
        const gic_stat_entry_t *e = v[i];
        if (e->kind != 1 || e->hist->count == 0) continue;
        if (!header) {
            fprintf(f, "\n%-40s %9s %11s %11s %11s %11s %11s\n", "histogram", "count", "min",
                    "p50", "p90", "p99", "max");
            header = true;
        }
        gic_hist_summary_t s;
        hist_summary(e->hist, &s);
        char a[32], b[32], c[32], d[32], m[32];
        fmt_time(a, sizeof a, s.min, e->unit);
        fmt_time(b, sizeof b, s.p50, e->unit);
        fmt_time(c, sizeof c, s.p90, e->unit);
        fmt_time(d, sizeof d, s.p99, e->unit);
        fmt_time(m, sizeof m, s.max, e->unit);
        fprintf(f, "%-40s %9" PRIu64 " %11s %11s %11s %11s %11s\n", e->name, s.count, a, b, c, d, m);
    }
    free(v);
}
