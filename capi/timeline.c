/*
 * Timeline view: Chrome trace-event JSON of a run (gictlm_timeline.h).
 * Events are written as they become complete (a slice when it ends), so the
 * file is not sorted by time: the viewers sort on import. Times are written
 * in microseconds with 6 decimals (1 ps).
 */
#include "gictlm_timeline.h"
#include "gictlm_trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define TID_CPU 1u          /* + cpu */
#define TID_ITS 10000u      /* + its */
#define TID_DEV 20000u      /* + devid * MSI_LANES + lane (devid < MAX_DEV_TRACKS) */
#define MSI_LANES 4u
#define MAX_DEV_TRACKS 4096u
#define TID_DEV_OTHER 19999u /* devices beyond MAX_DEV_TRACKS share one track */
#define MAX_INTID (1u << 24)
#define GITS_CBASER_OFF 0x80u
#define GITS_CWRITER_OFF 0x88u

typedef struct flow_node {
    uint64_t id;
    uint32_t next; /* index + 1 in the pool, 0 = end */
    bool written;  /* its start is in the file */
} flow_node_t;

typedef struct ack {
    uint32_t intid;
    gic_time_t t;
    uint8_t state; /* ACK_WRITE, or why its slice is not written */
    bool virt;     /* at the virtual CPU interface (a guest's ICV_IAR) */
} ack_t;
enum { ACK_WRITE, ACK_OUTSIDE, ACK_OVER };

typedef struct cpu_state {
    ack_t *stack; /* nested acknowledges (preemption) */
    size_t n, cap;
    int64_t pending_lpis;
    bool named;
    uint64_t hcr; /* the CPU's HCR_EL2 as written (IMO [4], FMO [3]: EL1's ICC_* go to ICV_*) */
} cpu_state_t;

typedef struct its_state {
    uint64_t qsize;          /* command queue bytes (GITS_CBASER.Size) */
    uint64_t cwriter;        /* last GITS_CWRITER offset */
    uint64_t creadr;         /* CREADR after the last completion */
    uint64_t announced, completed; /* commands made visible / completed, cumulative */
    gic_time_t last_done;
    /* FIFO of (announced total after a CWRITER write, time of the write) */
    uint64_t *vis_n;
    gic_time_t *vis_t;
    size_t vh, vn, vcap;
    bool named;
} its_state_t;

/* MSIs sent and not yet resolved, per (ITS, DeviceID, EventID): the send
 * times in order (the core resolves the MSIs of one device and event in
 * order). An open-addressing table; entries are never removed. */
typedef struct msi_key {
    uint32_t its, devid, eventid;
    bool used;
    gic_time_t *t; /* ring */
    uint32_t h, n, cap;
} msi_key_t;

struct gic_tl {
    FILE *f;
    gic_tl_opts_t o;
    gic_tl_counts_t c;
    bool first;
    int err;
    cpu_state_t *cpu;
    uint32_t ncpu;
    its_state_t its[GIC_MAX_ITS];
    /* per INTID: MSIs waiting for their acknowledge (list heads, index + 1) */
    uint32_t *head, *tail;
    uint32_t nint;
    flow_node_t *pool;
    uint32_t npool, pool_cap, free_list;
    uint64_t next_flow;
    /* per device track lane: end of its last MSI slice */
    gic_time_t *lane_end;
    uint8_t *dev_named; /* bit per lane */
    bool other_named;
    msi_key_t *keys;
    size_t nkeys, keys_cap;
    uint64_t meta; /* metadata events (not limited by max_events) */
    /* output buffer (formatting by hand: printf was most of the cost) */
    size_t on;
    char ob[1 << 16];
};

static void ob_flush(gic_tl_t *tl)
{
    if (tl->on && fwrite(tl->ob, 1, tl->on, tl->f) != tl->on) tl->err = 1;
    tl->on = 0;
}

static inline void ob_reserve(gic_tl_t *tl, size_t n)
{
    if (tl->on + n > sizeof tl->ob) ob_flush(tl);
}

static inline void ob_mem(gic_tl_t *tl, const char *s, size_t n)
{
    if (n > sizeof tl->ob / 2) {
        ob_flush(tl);
        if (fwrite(s, 1, n, tl->f) != n) tl->err = 1;
        return;
    }
    ob_reserve(tl, n);
    memcpy(tl->ob + tl->on, s, n);
    tl->on += n;
}

static inline void ob_str(gic_tl_t *tl, const char *s) { ob_mem(tl, s, strlen(s)); }
static inline void ob_chr(gic_tl_t *tl, char c)
{
    ob_reserve(tl, 1);
    tl->ob[tl->on++] = c;
}

static inline void ob_u64(gic_tl_t *tl, uint64_t v)
{
    char t[24];
    int i = 24;
    do {
        t[--i] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    ob_mem(tl, t + i, (size_t)(24 - i));
}

/* ps as microseconds with 6 decimals */
static inline void ob_ts(gic_tl_t *tl, gic_time_t t)
{
    ob_u64(tl, t / 1000000u);
    uint64_t f = t % 1000000u;
    char d[7];
    d[0] = '.';
    for (int i = 6; i >= 1; i--) {
        d[i] = (char)('0' + f % 10);
        f /= 10;
    }
    ob_mem(tl, d, 7);
}

#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
static void ob_fmt(gic_tl_t *tl, const char *fmt, ...)
{
    va_list ap;
    ob_reserve(tl, 1024);
    va_start(ap, fmt);
    int n = vsnprintf(tl->ob + tl->on, sizeof tl->ob - tl->on, fmt, ap);
    va_end(ap);
    if (n < 0) {
        tl->err = 1;
        return;
    }
    if ((size_t)n < sizeof tl->ob - tl->on) {
        tl->on += (size_t)n;
        return;
    }
    /* longer than the space left: format again into its own buffer */
    char *b = malloc((size_t)n + 1);
    if (!b) {
        tl->err = 1;
        return;
    }
    va_start(ap, fmt);
    vsnprintf(b, (size_t)n + 1, fmt, ap);
    va_end(ap);
    ob_mem(tl, b, (size_t)n);
    free(b);
}

static void tl_ts(char *buf, size_t n, gic_time_t t)
{
    snprintf(buf, n, "%" PRIu64 ".%06" PRIu64, t / 1000000u, t % 1000000u);
}

/* The separator and bookkeeping of one event; false when it is not written. */
static inline bool full(const gic_tl_t *tl) { return tl->c.events - tl->meta >= tl->o.max_events; }

static bool ev_begin(gic_tl_t *tl, bool meta)
{
    if (meta) tl->meta++;
    else if (full(tl)) {
        tl->c.over_limit++;
        return false;
    }
    if (!tl->first) ob_str(tl, ",\n");
    tl->first = false;
    tl->c.events++;
    return true;
}

static bool in_window(gic_tl_t *tl, gic_time_t t)
{
    if (t < tl->o.window_start || (tl->o.window_end && t >= tl->o.window_end)) {
        tl->c.outside_window++;
        return false;
    }
    return true;
}

static void name_track(gic_tl_t *tl, uint32_t tid, const char *name, uint32_t sort)
{
    ev_begin(tl, true);
    ob_fmt(tl, "{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_name\",\"args\":{\"name\":\"%s\"}},\n",
            tid, name);
    ob_fmt(tl, "{\"ph\":\"M\",\"pid\":1,\"tid\":%u,\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%u}}",
            tid, sort);
    tl->c.events++; /* two events */
    tl->meta++;
}

static void name_cpu(gic_tl_t *tl, uint32_t cpu)
{
    char n[32];
    snprintf(n, sizeof n, "CPU %u", cpu);
    name_track(tl, TID_CPU + cpu, n, cpu);
}

static void name_its(gic_tl_t *tl, uint32_t its)
{
    char n[32];
    snprintf(n, sizeof n, "ITS %u commands", its);
    tl->its[its].named = true;
    name_track(tl, TID_ITS + its, n, 1000 + its);
}

gic_tl_t *gic_tl_open(FILE *f, const gic_tl_opts_t *o)
{
    if (!f || !o) return NULL;
    gic_tl_t *tl = calloc(1, sizeof *tl);
    if (!tl) return NULL;
    tl->f = f;
    tl->o = *o;
    if (!tl->o.max_events) tl->o.max_events = 2000000;
    if (tl->o.num_its > GIC_MAX_ITS) tl->o.num_its = GIC_MAX_ITS;
    tl->first = true;
    for (uint32_t i = 0; i < GIC_MAX_ITS; i++) tl->its[i].qsize = 0;
    ob_fmt(tl, "{\"displayTimeUnit\":\"ns\",\"traceEvents\":[\n");
    ev_begin(tl, true);
    ob_fmt(tl, "{\"ph\":\"M\",\"pid\":1,\"name\":\"process_name\",\"args\":{\"name\":\"%s\"}}",
            o->title ? o->title : "gictlm");
    for (uint32_t c = 0; c < o->num_cpus && c < GIC_MAX_CPUS; c++) name_cpu(tl, c);
    for (uint32_t i = 0; i < tl->o.num_its; i++) name_its(tl, i);
    return tl;
}

static cpu_state_t *cpu_of(gic_tl_t *tl, uint32_t cpu)
{
    if (cpu >= GIC_MAX_CPUS) return NULL;
    if (cpu >= tl->ncpu) {
        cpu_state_t *n = realloc(tl->cpu, (size_t)(cpu + 1) * sizeof *n);
        if (!n) {
            tl->err = 1;
            return NULL;
        }
        memset(n + tl->ncpu, 0, (size_t)(cpu + 1 - tl->ncpu) * sizeof *n);
        for (uint32_t i = tl->ncpu; i <= cpu; i++) n[i].named = i < tl->o.num_cpus;
        tl->cpu = n;
        tl->ncpu = cpu + 1;
    }
    cpu_state_t *s = &tl->cpu[cpu];
    if (!s->named) {
        s->named = true;
        name_cpu(tl, cpu);
    }
    return s;
}

static void pending_counter(gic_tl_t *tl, gic_time_t t, uint32_t cpu, cpu_state_t *s)
{
    if (!in_window(tl, t) || !ev_begin(tl, false)) return;
    ob_str(tl, "{\"ph\":\"C\",\"pid\":1,\"name\":\"pending LPIs cpu");
    ob_u64(tl, cpu);
    ob_str(tl, "\",\"ts\":");
    ob_ts(tl, t);
    ob_str(tl, ",\"args\":{\"lpis\":");
    ob_u64(tl, s->pending_lpis > 0 ? (uint64_t)s->pending_lpis : 0);
    ob_str(tl, "}}");
    tl->c.counter_points++;
}

/* ---- MSIs and their flows -------------------------------------------------------- */

static uint32_t dev_tid(gic_tl_t *tl, uint32_t devid, gic_time_t start, gic_time_t end)
{
    if (devid >= MAX_DEV_TRACKS) {
        if (!tl->other_named) {
            tl->other_named = true;
            name_track(tl, TID_DEV_OTHER, "dev (others)", 3000);
        }
        return TID_DEV_OTHER;
    }
    if (!tl->lane_end) {
        tl->lane_end = calloc((size_t)MAX_DEV_TRACKS * MSI_LANES, sizeof *tl->lane_end);
        tl->dev_named = calloc(MAX_DEV_TRACKS, 1);
        if (!tl->lane_end || !tl->dev_named) {
            tl->err = 1;
            return TID_DEV_OTHER;
        }
    }
    uint32_t lane = 0;
    while (lane + 1 < MSI_LANES && tl->lane_end[devid * MSI_LANES + lane] > start) lane++;
    tl->lane_end[devid * MSI_LANES + lane] = end;
    if (!(tl->dev_named[devid] & (1u << lane))) {
        tl->dev_named[devid] |= (uint8_t)(1u << lane);
        char n[48];
        if (lane) snprintf(n, sizeof n, "dev %u #%u", devid, lane + 1);
        else snprintf(n, sizeof n, "dev %u", devid);
        name_track(tl, TID_DEV + devid * MSI_LANES + lane, n, 2000 + devid * MSI_LANES + lane);
    }
    return TID_DEV + devid * MSI_LANES + lane;
}

/* Commands visible and not completed: (CWRITER - CREADR) mod queue size. */
static void its_depth(gic_tl_t *tl, gic_time_t t, uint32_t its)
{
    its_state_t *s = &tl->its[its];
    if (!s->qsize || !in_window(tl, t) || !ev_begin(tl, false)) return;
    uint64_t d = ((s->cwriter + s->qsize - s->creadr % s->qsize) % s->qsize) / 32;
    char ts[32];
    tl_ts(ts, sizeof ts, t);
    ob_fmt(tl, "{\"ph\":\"C\",\"pid\":1,\"name\":\"ITS%u queue depth\",\"ts\":%s,\"args\":{\"commands\":%" PRIu64 "}}",
            its, ts, d);
    tl->c.counter_points++;
}

static uint64_t key_hash(uint32_t its, uint32_t devid, uint32_t eventid)
{
    uint64_t h = ((uint64_t)devid << 32 | eventid) ^ ((uint64_t)its << 59);
    h ^= h >> 33;
    h *= 0xff51afd7ed558ccdull;
    h ^= h >> 33;
    return h;
}

static msi_key_t *msi_key(gic_tl_t *tl, uint32_t its, uint32_t devid, uint32_t eventid, bool create)
{
    if (tl->keys_cap == 0 || (create && (tl->nkeys + 1) * 2 > tl->keys_cap)) {
        if (!create) return NULL;
        size_t ncap = tl->keys_cap ? tl->keys_cap * 2 : 256;
        msi_key_t *nk = calloc(ncap, sizeof *nk);
        if (!nk) {
            tl->err = 1;
            return NULL;
        }
        for (size_t i = 0; i < tl->keys_cap; i++) {
            if (!tl->keys[i].used) continue;
            size_t j = key_hash(tl->keys[i].its, tl->keys[i].devid, tl->keys[i].eventid) & (ncap - 1);
            while (nk[j].used) j = (j + 1) & (ncap - 1);
            nk[j] = tl->keys[i];
        }
        free(tl->keys);
        tl->keys = nk;
        tl->keys_cap = ncap;
    }
    size_t j = key_hash(its, devid, eventid) & (tl->keys_cap - 1);
    while (tl->keys[j].used) {
        msi_key_t *k = &tl->keys[j];
        if (k->its == its && k->devid == devid && k->eventid == eventid) return k;
        j = (j + 1) & (tl->keys_cap - 1);
    }
    if (!create) return NULL;
    msi_key_t *k = &tl->keys[j];
    k->used = true;
    k->its = its;
    k->devid = devid;
    k->eventid = eventid;
    tl->nkeys++;
    return k;
}

void gic_tl_msi(gic_tl_t *tl, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid)
{
    if (!tl) return;
    msi_key_t *k = msi_key(tl, its, devid, eventid, true);
    if (!k) return;
    if (k->n == k->cap) {
        uint32_t ncap = k->cap ? k->cap * 2 : 4;
        gic_time_t *nt = malloc((size_t)ncap * sizeof *nt);
        if (!nt) {
            tl->err = 1;
            return;
        }
        for (uint32_t i = 0; i < k->n; i++) nt[i] = k->t[(k->h + i) % k->cap];
        free(k->t);
        k->t = nt;
        k->h = 0;
        k->cap = ncap;
    }
    k->t[(k->h + k->n) % k->cap] = t;
    k->n++;
}

static uint32_t flow_alloc(gic_tl_t *tl)
{
    if (tl->free_list) {
        uint32_t i = tl->free_list;
        tl->free_list = tl->pool[i - 1].next;
        return i;
    }
    if (tl->npool == tl->pool_cap) {
        uint32_t ncap = tl->pool_cap ? tl->pool_cap * 2 : 1024;
        flow_node_t *np = realloc(tl->pool, (size_t)ncap * sizeof *np);
        if (!np) {
            tl->err = 1;
            return 0;
        }
        tl->pool = np;
        tl->pool_cap = ncap;
    }
    return ++tl->npool;
}

/* An MSI that made (or found) intid pending waits for its acknowledge. */
static void flow_wait(gic_tl_t *tl, uint32_t intid, uint64_t id, bool written)
{
    if (intid >= MAX_INTID) return;
    if (intid >= tl->nint) {
        uint32_t n = tl->nint ? tl->nint : 1024;
        while (n <= intid) n *= 2;
        if (n > MAX_INTID) n = MAX_INTID;
        uint32_t *h = realloc(tl->head, (size_t)n * sizeof *h), *tt = h ? realloc(tl->tail, (size_t)n * sizeof *tt) : NULL;
        if (h) tl->head = h;
        if (!h || !tt) {
            tl->err = 1;
            return;
        }
        tl->tail = tt;
        memset(tl->head + tl->nint, 0, (size_t)(n - tl->nint) * sizeof *h);
        memset(tl->tail + tl->nint, 0, (size_t)(n - tl->nint) * sizeof *tt);
        tl->nint = n;
    }
    uint32_t i = flow_alloc(tl);
    if (!i) return;
    flow_node_t *f = &tl->pool[i - 1];
    f->id = id;
    f->written = written;
    f->next = 0;
    if (tl->tail[intid]) tl->pool[tl->tail[intid] - 1].next = i;
    else tl->head[intid] = i;
    tl->tail[intid] = i;
}

void gic_tl_output(gic_tl_t *tl, const gic_output_t *o)
{
    if (!tl || !o) return;
    char ts[32], te[32];
    if (o->kind == GIC_OUT_MSI) {
        msi_key_t *k = msi_key(tl, o->its, o->devid, o->eventid, false);
        gic_time_t sent = o->time;
        bool known = k && k->n;
        if (known) {
            sent = k->t[k->h];
            k->h = (k->h + 1) % k->cap;
            k->n--;
        }
        static const char *const oc[] = {"delivered", "coalesced", "dropped"};
        const char *ocs = o->outcome < 3 ? oc[o->outcome] : "?";
        uint64_t id = ++tl->next_flow;
        bool written = false;
        uint32_t tid = 0;
        if (in_window(tl, sent) && (full(tl) || (tid = dev_tid(tl, o->devid, sent, o->time), 1)) &&
            ev_begin(tl, false)) {
            ob_str(tl, "{\"ph\":\"X\",\"pid\":1,\"tid\":");
            ob_u64(tl, tid);
            ob_str(tl, ",\"cat\":\"msi\",\"name\":\"MSI ev ");
            ob_u64(tl, o->eventid);
            ob_str(tl, "\",\"ts\":");
            ob_ts(tl, sent);
            ob_str(tl, ",\"dur\":");
            ob_ts(tl, o->time - sent);
            ob_str(tl, ",\"args\":{\"its\":");
            ob_u64(tl, o->its);
            ob_str(tl, ",\"devid\":");
            ob_u64(tl, o->devid);
            ob_str(tl, ",\"eventid\":");
            ob_u64(tl, o->eventid);
            ob_str(tl, ",\"intid\":");
            ob_u64(tl, o->intid);
            ob_str(tl, ",\"cpu\":");
            ob_u64(tl, o->cpu);
            ob_str(tl, ",\"outcome\":\"");
            ob_str(tl, ocs);
            ob_chr(tl, '"');
            if (o->reason) {
                ob_str(tl, ",\"reason\":\"");
                for (const char *p = o->reason; *p; p++)
                    if (*p == '"' || *p == '\\') ob_fmt(tl, "\\%c", *p);
                    else if ((unsigned char)*p >= 0x20) ob_chr(tl, *p);
                ob_chr(tl, '"');
            }
            ob_str(tl, "}}");
            tl->c.msi_slices++;
            if (o->outcome != GIC_MSI_DROPPED && ev_begin(tl, false)) {
                ob_str(tl, "{\"ph\":\"s\",\"pid\":1,\"tid\":");
                ob_u64(tl, tid);
                ob_str(tl, ",\"cat\":\"msi\",\"name\":\"msi\",\"id\":");
                ob_u64(tl, id);
                ob_str(tl, ",\"ts\":");
                ob_ts(tl, sent);
                ob_chr(tl, '}');
                written = true;
            }
        }
        if (o->outcome == GIC_MSI_DELIVERED || o->outcome == GIC_MSI_COALESCED) {
            flow_wait(tl, o->intid, id, written);
            if (o->outcome == GIC_MSI_DELIVERED) {
                cpu_state_t *c = cpu_of(tl, o->cpu);
                if (c) {
                    c->pending_lpis++;
                    pending_counter(tl, o->time, o->cpu, c);
                }
            }
        }
    } else if (o->kind == GIC_OUT_CMD && o->its < GIC_MAX_ITS) {
        its_state_t *s = &tl->its[o->its];
        s->completed++;
        s->creadr = o->value;
        gic_time_t vis = s->last_done;
        while (s->vn && s->vis_n[s->vh] < s->completed) { /* writes before this command's */
            s->vh = (s->vh + 1) % s->vcap;
            s->vn--;
        }
        if (s->vn && s->vis_t[s->vh] > vis) vis = s->vis_t[s->vh];
        if (vis > o->time) vis = o->time;
        s->last_done = o->time;
        const char *name = gic_its_cmd_name(o->code);
        if (!name) name = "unknown command";
        if (!s->named) name_its(tl, o->its);
        if (in_window(tl, vis) && ev_begin(tl, false)) {
            tl_ts(ts, sizeof ts, vis);
            tl_ts(te, sizeof te, o->time - vis);
            ob_fmt(tl,
                    "{\"ph\":\"X\",\"pid\":1,\"tid\":%u,\"cat\":\"its\",\"name\":\"%s\",\"ts\":%s,\"dur\":%s,"
                    "\"args\":{\"opcode\":%u,\"error\":%u,\"creadr\":%" PRIu64 "}}",
                    TID_ITS + o->its, name, ts, te, o->code, o->error, o->value);
            tl->c.cmd_slices++;
        }
        its_depth(tl, o->time, o->its);
    }
}

void gic_tl_mmio_write(gic_tl_t *tl, gic_time_t t, gic_frame_t frame, uint32_t index, uint64_t offset,
                       uint64_t value)
{
    if (!tl || frame != GIC_FRAME_GITS || index >= GIC_MAX_ITS) return;
    its_state_t *s = &tl->its[index];
    if (offset == GITS_CBASER_OFF) {
        s->qsize = ((value & 0xff) + 1) * 4096; /* GITS_CBASER.Size: 4 KiB pages - 1 */
        s->cwriter = s->creadr = 0;             /* writing GITS_CBASER resets GITS_CREADR */
        s->vn = 0;
        s->announced = s->completed = 0;
    } else if (offset == GITS_CWRITER_OFF && s->qsize) {
        uint64_t w = value & 0xfffe0; /* GITS_CWRITER.Offset, bits [19:5] */
        if (w >= s->qsize) return;    /* beyond the queue: the ITS ignores it */
        uint64_t n = ((w + s->qsize - s->cwriter) % s->qsize) / 32;
        s->cwriter = w;
        if (!n) return;
        s->announced += n;
        if (s->vn == s->vcap) {
            size_t ncap = s->vcap ? s->vcap * 2 : 16;
            uint64_t *nn = malloc(ncap * sizeof *nn);
            gic_time_t *nt = malloc(ncap * sizeof *nt);
            if (!nn || !nt) {
                free(nn);
                free(nt);
                tl->err = 1;
                return;
            }
            for (size_t i = 0; i < s->vn; i++) {
                nn[i] = s->vis_n[(s->vh + i) % s->vcap];
                nt[i] = s->vis_t[(s->vh + i) % s->vcap];
            }
            free(s->vis_n);
            free(s->vis_t);
            s->vis_n = nn;
            s->vis_t = nt;
            s->vh = 0;
            s->vcap = ncap;
        }
        s->vis_n[(s->vh + s->vn) % s->vcap] = s->announced;
        s->vis_t[(s->vh + s->vn) % s->vcap] = t;
        s->vn++;
        its_depth(tl, t, index);
    }
}

static void tl_ack(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid, bool virt)
{
    if (!tl || (intid >= 1020 && intid <= 1023)) return;
    cpu_state_t *c = cpu_of(tl, cpu);
    if (!c) return;
    if (c->n == c->cap) {
        size_t ncap = c->cap ? c->cap * 2 : 8;
        ack_t *ns = realloc(c->stack, ncap * sizeof *ns);
        if (!ns) {
            tl->err = 1;
            return;
        }
        c->stack = ns;
        c->cap = ncap;
    }
    const bool inside = t >= tl->o.window_start && (!tl->o.window_end || t < tl->o.window_end);
    const bool w = inside && !full(tl);
    c->stack[c->n++] = (ack_t){intid, t, (uint8_t)(w ? ACK_WRITE : inside ? ACK_OVER : ACK_OUTSIDE), virt};
    if (virt) return; /* (the MSI arrows and the pending-LPI counter are the physical INTIDs') */
    /* the MSIs this acknowledge serves: their arrows end here */
    if (intid < tl->nint && tl->head[intid]) {
        char ts[32];
        tl_ts(ts, sizeof ts, t);
        for (uint32_t i = tl->head[intid]; i;) {
            flow_node_t *f = &tl->pool[i - 1];
            uint32_t next = f->next;
            if (f->written && w && ev_begin(tl, false)) {
                ob_str(tl, "{\"ph\":\"f\",\"bp\":\"e\",\"pid\":1,\"tid\":");
                ob_u64(tl, TID_CPU + cpu);
                ob_str(tl, ",\"cat\":\"msi\",\"name\":\"msi\",\"id\":");
                ob_u64(tl, f->id);
                ob_str(tl, ",\"ts\":");
                ob_ts(tl, t);
                ob_chr(tl, '}');
                tl->c.flows++;
            }
            f->next = tl->free_list;
            tl->free_list = i;
            i = next;
        }
        tl->head[intid] = tl->tail[intid] = 0;
    }
    if (intid >= GIC_LPI_BASE && c->pending_lpis > 0) {
        c->pending_lpis--;
        pending_counter(tl, t, cpu, c);
    }
}

void gic_tl_ack(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid) { tl_ack(tl, t, cpu, intid, false); }

static void tl_eoi(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid, bool virt)
{
    if (!tl || (intid >= 1020 && intid <= 1023)) return;
    cpu_state_t *c = cpu_of(tl, cpu);
    if (!c) return;
    size_t i = c->n;
    while (i > 0 && (c->stack[i - 1].intid != intid || c->stack[i - 1].virt != virt)) i--;
    if (!i) {
        tl->c.unmatched_eoi++;
        return;
    }
    ack_t a = c->stack[i - 1];
    memmove(&c->stack[i - 1], &c->stack[i], (c->n - i) * sizeof *c->stack);
    c->n--;
    if (a.state != ACK_WRITE) {
        if (a.state == ACK_OVER) tl->c.over_limit++;
        else tl->c.outside_window++;
        return;
    }
    if (!ev_begin(tl, false)) return;
    const char *kind = intid < 16 ? "SGI " : intid < 32 ? "PPI " : intid < GIC_LPI_BASE ? "SPI " : "LPI ";
    ob_str(tl, "{\"ph\":\"X\",\"pid\":1,\"tid\":");
    ob_u64(tl, TID_CPU + cpu);
    ob_str(tl, a.virt ? ",\"cat\":\"virq\",\"name\":\"v" : ",\"cat\":\"irq\",\"name\":\"");
    ob_str(tl, kind);
    ob_u64(tl, intid);
    ob_str(tl, "\",\"ts\":");
    ob_ts(tl, a.t);
    ob_str(tl, ",\"dur\":");
    ob_ts(tl, t - a.t);
    ob_str(tl, ",\"args\":{\"intid\":");
    ob_u64(tl, intid);
    if (a.virt) ob_str(tl, ",\"virtual\":true");
    ob_str(tl, "}}");
    tl->c.handler_slices++;
}

void gic_tl_eoi(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid) { tl_eoi(tl, t, cpu, intid, false); }

void gic_tl_sysreg(gic_tl_t *tl, gic_time_t t, uint32_t cpu, gic_sysreg_t reg, bool is_write, uint64_t value)
{
    cpu_state_t *c = tl ? cpu_of(tl, cpu) : NULL;
    if (!c) return;
    const uint32_t intid = (uint32_t)(value & 0xffffff);
    /* IHI0069: an EL1 access to ICC_*1 goes to ICV_*1 while HCR_EL2.IMO is
     * set, to ICC_*0 while FMO is */
    const bool imo = (c->hcr >> 4) & 1, fmo = (c->hcr >> 3) & 1;
    if (is_write) {
        if (reg == GIC_HCR_EL2) c->hcr = value;
        else if (reg == GIC_ICC_EOIR1_EL1 || reg == GIC_ICC_EOIR0_EL1)
            tl_eoi(tl, t, cpu, intid, reg == GIC_ICC_EOIR1_EL1 ? imo : fmo);
        else if (reg == GIC_ICV_EOIR1_EL1 || reg == GIC_ICV_EOIR0_EL1)
            tl_eoi(tl, t, cpu, intid, true);
    } else if (reg == GIC_ICC_IAR1_EL1 || reg == GIC_ICC_IAR0_EL1) {
        tl_ack(tl, t, cpu, intid, reg == GIC_ICC_IAR1_EL1 ? imo : fmo);
    } else if (reg == GIC_ICV_IAR1_EL1 || reg == GIC_ICV_IAR0_EL1) {
        tl_ack(tl, t, cpu, intid, true);
    }
}

void gic_tl_counter(gic_tl_t *tl, gic_time_t t, const char *name, double value)
{
    if (!tl || !name || !in_window(tl, t) || !ev_begin(tl, false)) return;
    char ts[32];
    tl_ts(ts, sizeof ts, t);
    ob_str(tl, "{\"ph\":\"C\",\"pid\":1,\"name\":\"");
    for (const char *p = name; *p; p++)
        if (*p != '"' && *p != '\\' && (unsigned char)*p >= 0x20) ob_chr(tl, *p);
    ob_fmt(tl, "\",\"ts\":%s,\"args\":{\"value\":%.6g}}", ts, value);
    tl->c.counter_points++;
}

int gic_tl_close(gic_tl_t *tl, gic_tl_counts_t *out)
{
    if (!tl) return -1;
    for (uint32_t c = 0; c < tl->ncpu; c++) {
        tl->c.open_at_end += tl->cpu[c].n;
        free(tl->cpu[c].stack);
    }
    gic_tl_counts_t *c = &tl->c;
    ob_fmt(tl,
            "\n],\n\"otherData\":{\"generator\":\"gictlm\",\"format\":\"gictlm-timeline 1\",\"events\":%" PRIu64
            ",\"handler_slices\":%" PRIu64 ",\"msi_slices\":%" PRIu64 ",\"flows\":%" PRIu64 ",\"cmd_slices\":%" PRIu64
            ",\"counter_points\":%" PRIu64 ",\"outside_window\":%" PRIu64 ",\"over_limit\":%" PRIu64
            ",\"unmatched_eoi\":%" PRIu64 ",\"open_at_end\":%" PRIu64 "}}\n",
            c->events, c->handler_slices, c->msi_slices, c->flows, c->cmd_slices, c->counter_points,
            c->outside_window, c->over_limit, c->unmatched_eoi, c->open_at_end);
    ob_flush(tl);
    int rc = (fflush(tl->f) != 0 || ferror(tl->f) || tl->err) ? -1 : 0;
    if (out) *out = tl->c;
    for (uint32_t i = 0; i < GIC_MAX_ITS; i++) {
        free(tl->its[i].vis_n);
        free(tl->its[i].vis_t);
    }
    for (size_t i = 0; i < tl->keys_cap; i++) free(tl->keys[i].t);
    free(tl->keys);
    free(tl->cpu);
    free(tl->head);
    free(tl->tail);
    free(tl->pool);
    free(tl->lane_end);
    free(tl->dev_named);
    free(tl);
    return rc;
}
