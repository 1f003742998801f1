/* Golden comparison of timelines (gic_trace_diff): a line diff (longest
 * common subsequence of the differing middle, one replaced block beyond
 * DIFF_MAX_CELLS) printed as hunks with the trace line of the first change. */
#include "trace_priv.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

/* ---- timeline diff -------------------------------------------------------------- */
typedef struct lines {
    const char **s;
    size_t *len;
    size_t n;
} lines_t;

static bool split_lines(const char *t, size_t n, lines_t *l)
{
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '\n') cnt++;
    if (n && t[n - 1] != '\n') cnt++;
    l->s = malloc((cnt + 1) * sizeof *l->s);
    l->len = malloc((cnt + 1) * sizeof *l->len);
    l->n = 0;
    if (!l->s || !l->len) return false;
    size_t p = 0;
    while (p < n) {
        size_t e = p;
        while (e < n && t[e] != '\n') e++;
        size_t ll = e - p;
        if (ll && t[p + ll - 1] == '\r') ll--;
        l->s[l->n] = t + p;
        l->len[l->n++] = ll;
        p = e + 1;
    }
    return true;
}

static bool line_eq(const lines_t *a, size_t i, const lines_t *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

/* ops: 0 = same, 1 = delete (golden only), 2 = insert (actual only) */
typedef struct op {
    uint8_t kind;
    size_t i, j;
} op_t;

#define DIFF_CTX 2
#define DIFF_MAX_HUNKS 20
#define DIFF_MAX_CELLS 16000000u

unsigned gic_trace_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                        const unsigned *actual_src, size_t n_src, const char *trace_name,
                        const char *golden_name, FILE *out)
{
    lines_t a = {0}, b = {0};
    unsigned hunks = 0;
    op_t *ops = NULL;
    uint32_t *dp = NULL;
    if (!expected) elen = 0;
    if (!actual) alen = 0;
    if (!split_lines(expected, elen, &a) || !split_lines(actual, alen, &b)) {
        hunks = 1;
        if (out) fprintf(out, "out of memory comparing timelines\n");
        goto done;
    }
    size_t pre = 0;
    while (pre < a.n && pre < b.n && line_eq(&a, pre, &b, pre)) pre++;
    size_t suf = 0;
    while (suf < a.n - pre && suf < b.n - pre && line_eq(&a, a.n - 1 - suf, &b, b.n - 1 - suf)) suf++;
    size_t na = a.n - pre - suf, nb = b.n - pre - suf;
    if (na == 0 && nb == 0) goto done;
    ops = malloc((a.n + b.n + 1) * sizeof *ops);
    if (!ops) {
        hunks = 1;
        goto done;
    }
    size_t nops = 0;
    for (size_t k = 0; k < pre; k++) ops[nops++] = (op_t){0, k, k};
    if ((na + 1) * (nb + 1) <= DIFF_MAX_CELLS) dp = malloc((na + 1) * (nb + 1) * sizeof *dp);
    if (dp) {
        /* LCS of the middle: dp[i][j] = LCS of a[pre+i..] and b[pre+j..] */
        size_t w = nb + 1;
        for (size_t i = na + 1; i-- > 0;)
            for (size_t j = nb + 1; j-- > 0;) {
                if (i == na || j == nb) dp[i * w + j] = 0;
                else if (line_eq(&a, pre + i, &b, pre + j)) dp[i * w + j] = dp[(i + 1) * w + j + 1] + 1;
                else {
                    uint32_t x = dp[(i + 1) * w + j], y = dp[i * w + j + 1];
                    dp[i * w + j] = x > y ? x : y;
                }
            }
        size_t i = 0, j = 0;
        while (i < na || j < nb) {
            if (i < na && j < nb && line_eq(&a, pre + i, &b, pre + j)) {
                ops[nops++] = (op_t){0, pre + i, pre + j};
                i++, j++;
            } else if (i < na && (j == nb || dp[(i + 1) * w + j] >= dp[i * w + j + 1])) {
                ops[nops++] = (op_t){1, pre + i, pre + j}; /* golden-only lines first */
                i++;
            } else {
                ops[nops++] = (op_t){2, pre + i, pre + j};
                j++;
            }
        }
    } else {
        /* too large for an exact diff: one replaced block */
        for (size_t i = 0; i < na; i++) ops[nops++] = (op_t){1, pre + i, pre};
        for (size_t j = 0; j < nb; j++) ops[nops++] = (op_t){2, pre + na, pre + j};
    }
    for (size_t k = 0; k < suf; k++) ops[nops++] = (op_t){0, pre + na + k, pre + nb + k};

    if (out)
        fprintf(out, "--- %s (golden)\n+++ %s (replay of %s)\n", golden_name ? golden_name : "golden",
                "timeline", trace_name ? trace_name : "trace");
    size_t k = 0;
    while (k < nops) {
        if (ops[k].kind == 0) {
            k++;
            continue;
        }
        /* hunk: from k - ctx to the end of the change run + ctx, merging close runs */
        size_t start = k >= DIFF_CTX ? k - DIFF_CTX : 0;
        size_t end = k;
        while (end < nops) {
            if (ops[end].kind != 0) {
                end++;
                continue;
            }
            size_t same = 0;
            while (end + same < nops && ops[end + same].kind == 0) same++;
            if (end + same < nops && same <= 2 * DIFF_CTX) {
                end += same;
                continue;
            }
            end = end + (same < DIFF_CTX ? same : DIFF_CTX);
            break;
        }
        if (end > nops) end = nops;
        hunks++;
        if (out && hunks <= DIFF_MAX_HUNKS) {
            size_t first_change = k;
            size_t aj = ops[first_change].j;
            unsigned tl = 0;
            if (actual_src && n_src) tl = actual_src[aj < n_src ? aj : n_src - 1];
            else if (actual_src == NULL) tl = 0;
            fprintf(out, "@@ golden line %zu, replay line %zu", ops[start].i + 1, ops[start].j + 1);
            if (tl) fprintf(out, " (%s:%u) @@\n", trace_name ? trace_name : "trace", tl);
            else fprintf(out, " @@\n");
            for (size_t q = start; q < end; q++) {
                const op_t *p = &ops[q];
                if (p->kind == 0) fprintf(out, " %.*s\n", (int)a.len[p->i], a.s[p->i]);
                else if (p->kind == 1) fprintf(out, "-%.*s\n", (int)a.len[p->i], a.s[p->i]);
                else fprintf(out, "+%.*s\n", (int)b.len[p->j], b.s[p->j]);
            }
        }
        k = end;
    }
    if (out && hunks > DIFF_MAX_HUNKS) fprintf(out, "... %u more differing hunks\n", hunks - DIFF_MAX_HUNKS);
done:
    free(dp);
    free(ops);
    free(a.s);
    free(a.len);
    free(b.s);
    free(b.len);
    return hunks;
}
