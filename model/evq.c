/* Discrete-event queue: a binary min-heap ordered by (time, seq). The
 * sequence number makes events at equal times run in insertion order, so a
 * run is deterministic bit for bit. */
#include "gic_internal.h"

#include <stdlib.h>
#include <string.h>

static bool ev_less(const gic_event_t *a, const gic_event_t *b)
{
    if (a->time != b->time) return a->time < b->time;
    return a->seq < b->seq;
}

void evq_init(gic_evq_t *q)
{
    memset(q, 0, sizeof(*q));
    q->top = UINT64_MAX;
}

void evq_free(gic_evq_t *q)
{
    free(q->heap);
    memset(q, 0, sizeof(*q));
    q->top = UINT64_MAX;
}

bool evq_push(gic_evq_t *q, const gic_event_t *ev)
{
    if (q->n == q->cap) {
        size_t ncap = q->cap ? q->cap * 2 : 64;
        gic_event_t *nh = realloc(q->heap, ncap * sizeof(*nh));
        if (!nh) return false;
        q->heap = nh;
        q->cap = ncap;
    }
    size_t i = q->n++;
    gic_event_t e = *ev;
    e.seq = q->next_seq++;
    while (i > 0) {
        size_t p = (i - 1) / 2;
        if (!ev_less(&e, &q->heap[p])) break;
        q->heap[i] = q->heap[p];
        i = p;
    }
    q->heap[i] = e;
    if (i == 0) q->top = e.time;
    return true;
}

bool evq_pop(gic_evq_t *q, gic_event_t *out)
{
    if (q->n == 0) return false;
    *out = q->heap[0];
    gic_event_t last = q->heap[--q->n];
    size_t i = 0;
    for (;;) {
        size_t l = 2 * i + 1, r = l + 1, m = i;
        const gic_event_t *best = &last;
        if (l < q->n && ev_less(&q->heap[l], best)) { m = l; best = &q->heap[l]; }
        if (r < q->n && ev_less(&q->heap[r], best)) { m = r; }
        if (m == i) break;
        q->heap[i] = q->heap[m];
        i = m;
    }
    if (q->n > 0) q->heap[i] = last;
    q->top = q->n > 0 ? q->heap[0].time : UINT64_MAX;
    return true;
}
