/* Statistics registry: named counters and log-linear latency histograms.
 *
 * Histogram buckets: values 0..15 have one bucket each; above that every
 * power-of-two range [2^k, 2^(k+1)) is split into 16 equal sub-buckets, so a
 * bucket is at most 1/16 (6.25%) of its value wide. Percentiles report the
 * upper bound of the bucket holding the rank, clamped to the exact min/max.
 * hist_add and hist_bucket_index are inline in gic_internal.h (hot path). */
#include "gic_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void stats_init(gic_stats_t *s, struct host_arena *arena)
{
    memset(s, 0, sizeof(*s));
    s->arena = arena;
}

void stats_free(gic_stats_t *s)
{
    /* entries, their names, histograms and family prefixes are the arena's (freed with it) */
    free(s->e);
    free(s->family);
    memset(s, 0, sizeof(*s));
}

const gic_stat_entry_t *stats_find(const gic_stats_t *s, const char *name)
{
    for (size_t i = 0; i < s->n; i++)
        if (strcmp(s->e[i]->name, name) == 0) return s->e[i];
    return NULL;
}

bool stats_family(gic_stats_t *s, const char *prefix)
{
    for (size_t i = 0; i < s->nfamily; i++)
        if (strcmp(s->family[i], prefix) == 0) return true;
    char **nf = realloc(s->family, (s->nfamily + 1) * sizeof(*nf));
    if (!nf) return false;
    s->family = nf;
    size_t len = strlen(prefix);
    char *p = host_arena_alloc(s->arena, len + 1, 1);
    if (!p) return false;
    memcpy(p, prefix, len + 1);
    s->family[s->nfamily++] = p;
    return true;
}

bool stats_in_family(const gic_stats_t *s, const char *name)
{
    for (size_t i = 0; i < s->nfamily; i++) {
        size_t len = strlen(s->family[i]);
        if (strncmp(name, s->family[i], len) != 0 || !name[len]) continue;
        const char *r = name + len;
        while ((*r >= 'a' && *r <= 'z') || (*r >= '0' && *r <= '9') || *r == '_') r++;
        if (!*r) return true;
    }
    return false;
}

static gic_stat_entry_t *stats_add(gic_stats_t *s, const char *name, int kind)
{
    gic_stat_entry_t *e = (gic_stat_entry_t *)stats_find(s, name);
    if (e) return e->kind == kind ? e : NULL;
    if (s->n == s->cap) {
        size_t ncap = s->cap ? s->cap * 2 : 64;
        gic_stat_entry_t **ne = realloc(s->e, ncap * sizeof(*ne));
        if (!ne) return NULL;
        s->e = ne;
        s->cap = ncap;
    }
    /* entries, names and histograms from the arena: the counters and
     * histograms of a block lie together instead of scattered over the heap */
    e = host_arena_alloc(s->arena, sizeof(*e), 64);
    if (!e) return NULL;
    size_t len = strlen(name);
    e->name = host_arena_alloc(s->arena, len + 1, 1);
    if (!e->name) return NULL;
    memcpy(e->name, name, len + 1);
    e->kind = kind;
    if (kind == 1) {
        /* On a host cache-line boundary: an add touches the line of count,
         * min, max and sum, which then also holds the first four buckets (a
         * zero, as most queueing delays are). */
        e->hist = host_arena_alloc(s->arena, sizeof(gic_hist_t), 64);
        if (!e->hist) return NULL;
    }
    s->e[s->n++] = e;
    return e;
}

uint64_t *stats_counter(gic_stats_t *s, const char *name)
{
    gic_stat_entry_t *e = stats_add(s, name, 0);
    return e ? &e->counter : NULL;
}

gic_hist_t *stats_hist(gic_stats_t *s, const char *name, const char *unit)
{
    gic_stat_entry_t *e = stats_add(s, name, 1);
    if (!e) return NULL;
    e->unit = unit;
    return e->hist;
}

void stats_reset_all(gic_stats_t *s)
{
    for (size_t i = 0; i < s->n; i++) {
        s->e[i]->counter = 0;
        if (s->e[i]->hist) memset(s->e[i]->hist, 0, sizeof(gic_hist_t));
    }
}

uint64_t hist_bucket_low(unsigned idx)
{
    if (idx < GIC_HIST_SUB) return idx;
    unsigned shift = (idx - GIC_HIST_SUB) / GIC_HIST_SUB;
    uint64_t mant = (idx - GIC_HIST_SUB) % GIC_HIST_SUB + GIC_HIST_SUB;
    return mant << shift;
}

uint64_t hist_bucket_high(unsigned idx)
{
    if (idx < GIC_HIST_SUB) return idx;
    unsigned shift = (idx - GIC_HIST_SUB) / GIC_HIST_SUB;
    uint64_t low = hist_bucket_low(idx);
    return low + ((uint64_t)1 << shift) - 1;
}

static uint64_t hist_pct(const gic_hist_t *h, unsigned pct)
{
    /* rank = ceil(count * pct / 100), 1-based */
    uint64_t rank = (h->count * pct + 99) / 100;
    if (rank == 0) rank = 1;
    uint64_t cum = 0;
    for (unsigned i = 0; i < GIC_HIST_BUCKETS; i++) {
        cum += h->buckets[i];
        if (cum >= rank) {
            uint64_t v = hist_bucket_high(i);
            if (v > h->max) v = h->max;
            if (v < h->min) v = h->min;
            return v;
        }
    }
    return h->max;
}

void hist_summary(const gic_hist_t *h, gic_hist_summary_t *out)
{
    memset(out, 0, sizeof(*out));
    if (!h || h->count == 0) return;
    out->count = h->count;
    out->min = h->min;
    out->max = h->max;
    out->sum = h->sum;
    out->p50 = hist_pct(h, 50);
    out->p90 = hist_pct(h, 90);
    out->p99 = hist_pct(h, 99);
}

uint64_t *gic_reason_counter(gic_t *g, gic_reason_memo_t *m, const char *prefix, const char *reason)
{
    for (unsigned i = 0; i < m->n; i++)
        if (m->key[i] == reason) return m->cnt[i];
    uint64_t *c = gic_counter(g, "%s%s", prefix, reason);
    if (c && m->n < GIC_REASON_MEMO) {
        m->key[m->n] = reason;
        m->cnt[m->n++] = c;
    }
    return c;
}

void gic_reason_family(gic_t *g, const char *fmt, ...)
{
    char prefix[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof(prefix), fmt, ap);
    va_end(ap);
    stats_family(&g->stats, prefix);
}

uint64_t *gic_counter(gic_t *g, const char *fmt, ...)
{
    char name[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    return stats_counter(&g->stats, name);
}

gic_hist_t *gic_hist(gic_t *g, const char *unit, const char *fmt, ...)
{
    char name[128];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(name, sizeof(name), fmt, ap);
    va_end(ap);
    return stats_hist(&g->stats, name, unit);
}

void gic_stats_define(gic_t *g, void *block, const gic_stat_def_t *defs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        void *slot = (char *)block + defs[i].off;
        if (defs[i].unit) {
            gic_hist_t *h = stats_hist(&g->stats, defs[i].name, defs[i].unit);
            memcpy(slot, &h, sizeof h);
        } else {
            uint64_t *c = stats_counter(&g->stats, defs[i].name);
            memcpy(slot, &c, sizeof c);
        }
    }
}
