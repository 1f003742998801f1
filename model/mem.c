/* Memory port: built-in sparse memory or an external port, per-class
 * statistics and per-agent outstanding-access limits (see mem.h). */
#include "mem.h"

#include <stdlib.h>
#include <string.h>

#define PAGE_SHIFT 12u
#define PAGE_SIZE (1u << PAGE_SHIFT)
#define SMALL_PAGES 64u

typedef struct mem_slot {
    uint64_t pn;   /* page number + 1 (0 = empty slot) */
    uint8_t *page; /* PAGE_SIZE bytes */
} mem_slot_t;

typedef struct mem_cls_stats {
    uint64_t *reads, *writes, *bytes_read, *bytes_written, *errors, *injected;
} mem_cls_stats_t;

/* Injected faults (mem.h). */
typedef struct mem_fault {
    bool on;          /* any fault configured (fast path when not) */
    uint64_t lo, hi;  /* failing range [lo, hi), none when hi <= lo */
    uint32_t rate_ppm;
    uint32_t classes; /* bit per mem_cls_t, 0 = all */
    uint64_t rng;     /* xorshift64* state */
} mem_fault_t;

struct gic_mem {
    bool external;
    bool plain; /* the built-in memory without injected faults (mem_access_agent's common path) */
    gic_mem_port_t port;
    /* built-in sparse memory: open addressing, linear probing, power-of-two
     * capacity, grown at 1/2 load. Keyed by page number only (deterministic). */
    mem_slot_t *slots;
    size_t cap, used;
    unsigned hash_shift; /* 64 - log2(cap) (page_hash) */
    /* The pages (host_mem.h): the first SMALL_PAGES from the instance's arena
     * (a test's or a fuzz input's few tables stay small), the rest from
     * huge-page slabs of their own (large tables read at random). */
    host_arena_t *arena;
    host_arena_t big;
    mem_cls_stats_t cls[MEM_CLS_COUNT];
    gic_hist_t *queue_delay;
    uint64_t zeros; /* zero samples of queue_delay not yet added (mem_stats_sync) */
    /* the named agents, whose zero samples mem_stats_sync adds */
    mem_agent_t **agents;
    size_t nagents, cap_agents;
    mem_fault_t fault;
};

static const char *const cls_names[MEM_CLS_COUNT] = {"cmdq", "device", "itt",
                                                     "collection", "prop", "pend"};

const char *mem_cls_name(mem_cls_t cls)
{
    return (unsigned)cls < MEM_CLS_COUNT ? cls_names[cls] : "?";
}

/* ---- sparse page store ------------------------------------------------------- */
/* Fibonacci hashing: the top log2(cap) bits of pn times 2^64 / phi (shift =
 * 64 - log2(cap)). Consecutive pages, the usual table layout, land spread
 * over the whole slot array, so a look-up probes about once. */
static inline size_t page_hash(uint64_t pn, unsigned shift)
{
    return (size_t)((pn * 0x9e3779b97f4a7c15ull) >> shift);
}

static inline uint8_t *page_find(const struct gic_mem *m, uint64_t pn)
{
    if (!m->cap) return NULL;
    size_t i = page_hash(pn, m->hash_shift);
    for (;;) {
        const mem_slot_t *s = &m->slots[i];
        if (s->pn == 0) return NULL;
        if (s->pn == pn + 1) return s->page;
        i = (i + 1) & (m->cap - 1);
    }
}

static bool page_table_grow(struct gic_mem *m)
{
    size_t ncap = m->cap ? m->cap * 2 : 64;
    unsigned nshift = m->cap ? m->hash_shift - 1 : 64 - 6;
    mem_slot_t *ns = calloc(ncap, sizeof(*ns));
    if (!ns) return false;
    for (size_t j = 0; j < m->cap; j++) {
        if (!m->slots[j].pn) continue;
        size_t i = page_hash(m->slots[j].pn - 1, nshift);
        while (ns[i].pn) i = (i + 1) & (ncap - 1);
        ns[i] = m->slots[j];
    }
    free(m->slots);
    m->slots = ns;
    m->cap = ncap;
    m->hash_shift = nshift;
    return true;
}

static uint8_t *page_get(struct gic_mem *m, uint64_t pn)
{
    uint8_t *p = page_find(m, pn);
    if (p) return p;
    if ((m->used + 1) * 2 > m->cap && !page_table_grow(m)) return NULL;
    p = host_arena_alloc(m->used < SMALL_PAGES ? m->arena : &m->big, PAGE_SIZE, PAGE_SIZE); /* zero-filled */
    if (!p) return NULL;
    size_t i = page_hash(pn, m->hash_shift);
    while (m->slots[i].pn) i = (i + 1) & (m->cap - 1);
    m->slots[i].pn = pn + 1;
    m->slots[i].page = p;
    m->used++;
    return p;
}

static bool all_zero(const uint8_t *b, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (b[i]) return false;
    return true;
}

/* Copy to/from the sparse store. Range already checked. Writing zeros to an
 * untouched page allocates nothing (it already reads as zero). */
static gic_status_t sparse_rw_pages(struct gic_mem *m, bool is_write, uint64_t addr, uint8_t *buf,
                                    size_t len)
{
    while (len) {
        uint64_t pn = addr >> PAGE_SHIFT;
        size_t off = (size_t)(addr & (PAGE_SIZE - 1));
        size_t n = PAGE_SIZE - off;
        if (n > len) n = len;
        if (is_write) {
            uint8_t *p = page_find(m, pn);
            if (!p && !all_zero(buf, n)) {
                p = page_get(m, pn);
                if (!p) return GIC_ERR_NOMEM;
            }
            if (p) memcpy(p + off, buf, n);
        } else {
            const uint8_t *p = page_find(m, pn);
            if (p) memcpy(buf, p + off, n);
            else memset(buf, 0, n);
        }
        addr += n;
        buf += n;
        len -= n;
    }
    return GIC_OK;
}

/* A copy of n bytes for the sizes of the hot paths without a library call:
 * 8 (an ITS table entry), 1 (an LPI's property byte or pending-table byte). */
static inline void copy_small(uint8_t *dst, const uint8_t *src, size_t n)
{
    if (n == 8) memcpy(dst, src, 8);
    else if (n == 1) *dst = *src;
    else memcpy(dst, src, n);
}

/* sparse_rw_pages with the common accesses inline: a read within one page,
 * and a write within one page that is already there (a write to an absent
 * page goes through sparse_rw_pages, which allocates it unless it writes
 * zeros). */
static inline gic_status_t sparse_rw(struct gic_mem *m, bool is_write, uint64_t addr, uint8_t *buf,
                                     size_t len)
{
    size_t off = (size_t)(addr & (PAGE_SIZE - 1));
    if (off + len > PAGE_SIZE) return sparse_rw_pages(m, is_write, addr, buf, len);
    uint8_t *p = page_find(m, addr >> PAGE_SHIFT);
    if (is_write) {
        if (!p) return sparse_rw_pages(m, is_write, addr, buf, len);
        copy_small(p + off, buf, len);
    } else if (p) {
        copy_small(buf, p + off, len);
    } else if (len == 1) {
        *buf = 0;
    } else {
        memset(buf, 0, len);
    }
    return GIC_OK;
}

/* The *n zero samples counted in place (accesses that began when issued, the
 * common case) into their histogram h, and *n back to 0: the updates of *n
 * times hist_add(h, 0), whenever they are made (a zero sample makes the
 * minimum 0 whatever came before or comes after; count and bucket 0 only add
 * up). */
static void flush_zeros(gic_hist_t *h, uint64_t *n)
{
    if (h && *n) {
        h->min = 0;
        h->count += *n;
        h->buckets[0] += *n;
    }
    *n = 0;
}

void mem_stats_sync(gic_t *g)
{
    struct gic_mem *m = g->mem;
    if (!m) return;
    flush_zeros(m->queue_delay, &m->zeros);
    for (size_t i = 0; i < m->nagents; i++) flush_zeros(m->agents[i]->queue_delay, &m->agents[i]->zeros);
}

static bool in_range(const gic_t *g, uint64_t addr, uint64_t len)
{
    return addr < g->cfg.mem_size && len <= g->cfg.mem_size - addr;
}

/* ---- lifecycle ------------------------------------------------------------------ */
struct gic_mem *mem_create(gic_t *g, const gic_mem_port_t *port)
{
    struct gic_mem *m = calloc(1, sizeof(*m));
    if (!m) return NULL;
    m->arena = &g->arena;
    host_arena_init(&m->big, (size_t)2 << 20);
    if (port && port->access) {
        m->external = true;
        m->port = *port;
    }
    for (unsigned c = 0; c < MEM_CLS_COUNT; c++) {
        mem_cls_stats_t *s = &m->cls[c];
        s->reads = gic_counter(g, "mem.%s.reads", cls_names[c]);
        s->writes = gic_counter(g, "mem.%s.writes", cls_names[c]);
        s->bytes_read = gic_counter(g, "mem.%s.bytes_read", cls_names[c]);
        s->bytes_written = gic_counter(g, "mem.%s.bytes_written", cls_names[c]);
        s->errors = gic_counter(g, "mem.%s.errors", cls_names[c]);
        s->injected = gic_counter(g, "mem.%s.injected", cls_names[c]);
    }
    m->queue_delay = gic_hist(g, "ps", "mem.queue_delay");
    g->mem = m; /* (mem_fault_set finds it there) */
    mem_fault_set(g, g->cfg.mem_fault_lo, g->cfg.mem_fault_hi, g->cfg.mem_fault_rate_ppm,
                  g->cfg.mem_fault_seed, g->cfg.mem_fault_classes);
    return m;
}

/* ---- injected faults ---------------------------------------------------------------- */
void mem_fault_set(gic_t *g, uint64_t lo, uint64_t hi, uint32_t rate_ppm, uint32_t seed,
                   uint32_t classes)
{
    struct gic_mem *m = g->mem;
    if (!m) return;
    mem_fault_t *f = &m->fault;
    f->lo = lo;
    f->hi = hi;
    f->rate_ppm = rate_ppm > 1000000u ? 1000000u : rate_ppm;
    f->classes = classes & ((1u << MEM_CLS_COUNT) - 1);
    /* splitmix64 of the seed: a non-zero xorshift state for every seed */
    uint64_t z = (uint64_t)seed + 0x9e3779b97f4a7c15ull;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    f->rng = z ? z : 1;
    f->on = (hi > lo) || f->rate_ppm > 0;
    m->plain = !m->external && !f->on;
}

/* true when this access is to fail (advances the random draw). */
static bool fault_hit(mem_fault_t *f, mem_cls_t cls, uint64_t addr, uint32_t len)
{
    if (f->classes && !(f->classes & (1u << cls))) return false;
    /* [addr, addr+len) overlaps [lo, hi) (an access wrapping past 2^64 reaches hi) */
    bool hit = f->hi > f->lo && addr < f->hi && (addr + len < addr || addr + len > f->lo);
    if (f->rate_ppm) {
        f->rng ^= f->rng >> 12;
        f->rng ^= f->rng << 25;
        f->rng ^= f->rng >> 27;
        uint64_t r = (f->rng * 0x2545f4914f6cdd1dull) >> 32;
        if ((r % 1000000u) < f->rate_ppm) hit = true;
    }
    return hit;
}

void mem_destroy(gic_t *g, struct gic_mem *m)
{
    (void)g;
    if (!m) return;
    free(m->slots);
    free(m->agents);
    host_arena_free_all(&m->big); /* (the first pages: the instance's arena) */
    free(m);
}

/* ---- agents --------------------------------------------------------------------- */
/* Put a named agent on the memory's list for mem_stats_sync. Without the
 * memory or host memory for the list: no per-agent histogram (logged), rather
 * than samples that would never reach it. */
static void agent_register(gic_t *g, mem_agent_t *a, const char *name)
{
    struct gic_mem *m = g->mem;
    if (m && m->nagents == m->cap_agents) {
        size_t nc = m->cap_agents ? m->cap_agents * 2 : 16;
        mem_agent_t **na = realloc(m->agents, nc * sizeof(*na));
        if (na) {
            m->agents = na;
            m->cap_agents = nc;
        }
    }
    if (m && m->nagents < m->cap_agents) {
        m->agents[m->nagents++] = a;
        return;
    }
    a->queue_delay = NULL;
    gic_error(g, "mem_agent_alloc", "mem",
              "%s: no host memory to register the agent: its queue-delay histogram stays empty", name);
}

static void agent_free_slots(mem_agent_t *a);

bool mem_agent_init(gic_t *g, mem_agent_t *a, const char *name, uint32_t max_reads,
                    uint32_t max_writes)
{
    memset(a, 0, sizeof(*a));
    if (name) a->queue_delay = gic_hist(g, "ps", "%s.mem.queue_delay", name);
    if (a->queue_delay) agent_register(g, a, name);
    if ((uint64_t)max_reads + max_writes <= MEM_AGENT_INLINE) {
        a->rd_free = max_reads ? a->inl : NULL;
        a->wr_free = max_writes ? a->inl + max_reads : NULL;
    } else {
        if (max_reads) a->rd_free = calloc(max_reads, sizeof(gic_time_t));
        if (max_writes) a->wr_free = calloc(max_writes, sizeof(gic_time_t));
        if ((max_reads && !a->rd_free) || (max_writes && !a->wr_free)) {
            agent_free_slots(a); /* (still registered: its histogram goes on) */
            gic_error(g, "mem_agent_alloc", "mem", "%s: cannot allocate outstanding-access slots: "
                      "unlimited", name ? name : "agent");
            return false;
        }
    }
    a->max_reads = (uint16_t)max_reads; /* (at most 1024: gic_config_validate) */
    a->max_writes = (uint16_t)max_writes;
    return true;
}

static bool agent_owns(const mem_agent_t *a, const gic_time_t *v)
{
    return v && !(v >= a->inl && v < a->inl + MEM_AGENT_INLINE);
}

static void agent_free_slots(mem_agent_t *a)
{
    if (agent_owns(a, a->rd_free)) free(a->rd_free);
    if (agent_owns(a, a->wr_free)) free(a->wr_free);
    a->rd_free = a->wr_free = NULL;
    a->max_reads = a->max_writes = 0;
}

void mem_agent_free(gic_t *g, mem_agent_t *a)
{
    struct gic_mem *m = g->mem;
    for (size_t i = 0; m && i < m->nagents; i++) {
        if (m->agents[i] != a) continue;
        flush_zeros(a->queue_delay, &a->zeros); /* its samples stay in the statistics */
        m->agents[i] = m->agents[--m->nagents];
        break;
    }
    agent_free_slots(a);
}

void mem_agent_reset(mem_agent_t *a)
{
    for (uint32_t i = 0; i < a->max_reads; i++) a->rd_free[i] = 0;
    for (uint32_t i = 0; i < a->max_writes; i++) a->wr_free[i] = 0;
    a->rd_head = a->wr_head = 0;
}

/* The slot times of one direction are a ring sorted by time from its head,
 * the slot that frees earliest. The access took the earliest slot (v[h]); it
 * is busy until done. The ring stays sorted: done is usually the latest time
 * (the common path of mem_access_agent), written where the earliest was (the
 * head moves on); otherwise agent_insert moves it down past the later times.
 * Only the set of free times decides when accesses begin, so this is the same
 * as keeping an unordered array and taking its minimum each time. */
static void agent_insert(gic_time_t *v, uint32_t n, uint32_t h, gic_time_t done)
{
    uint32_t j = h; /* the hole: the latest place of the ring without the earliest */
    for (uint32_t k = 1; k < n; k++) {
        uint32_t p = j == 0 ? n - 1 : j - 1;
        if (v[p] <= done) break;
        v[j] = v[p];
        j = p;
    }
    v[j] = done;
}

/* ---- timed access ------------------------------------------------------------------ */
/* A wait for a slot: its delay into the queue-delay histograms (rare: the
 * common access begins when issued and counts a zero sample in place). */
static GIC_COLD void queue_wait(struct gic_mem *m, mem_agent_t *a, gic_time_t delay)
{
    hist_add(m->queue_delay, delay);
    if (a && a->queue_delay) hist_add(a->queue_delay, delay);
}

/* An access through the external port (*lat: its latency); a failure is
 * GIC_ERR_MEM, and a failed read returns zeros. Apart from the common path
 * of the built-in memory, whose registers it would otherwise take. */
static __attribute__((noinline)) gic_status_t port_access(struct gic_mem *m, gic_time_t begin, bool is_write,
                                                          uint64_t addr, uint8_t *buf, uint32_t len, uint64_t *lat)
{
    *lat = 0;
    if (m->port.access(m->port.ctx, begin, is_write, addr, buf, len, lat) == GIC_OK) return GIC_OK;
    if (!is_write && buf) memset(buf, 0, len);
    return GIC_ERR_MEM;
}

/* The data of an access off the common path of mem_access_agent: an
 * injected fault, an external port, an address out of range, an access
 * across pages or a write that allocates a page. *lat: the port's latency
 * (in: the built-in memory's); *injected: the access failed by injection. */
static GIC_COLD gic_status_t access_other(gic_t *g, struct gic_mem *m, mem_cls_t cls, gic_time_t begin,
                                          bool is_write, uint64_t addr, uint8_t *buf, uint32_t len,
                                          uint64_t *lat, bool *injected)
{
    gic_status_t st;
    *injected = m->fault.on && fault_hit(&m->fault, cls, addr, len);
    if (*injected) {
        st = GIC_ERR_MEM; /* as if the port had answered with an error */
    } else if (m->external) {
        return port_access(m, begin, is_write, addr, buf, len, lat);
    } else if (!in_range(g, addr, len)) {
        st = GIC_ERR_MEM;
    } else {
        st = sparse_rw_pages(m, is_write, addr, buf, len);
        if (st == GIC_ERR_NOMEM) {
            gic_error(g, "mem_alloc", "mem", "host allocation failed writing 0x%llx",
                      (unsigned long long)addr);
            st = GIC_ERR_MEM;
        }
    }
    if (st != GIC_OK && !is_write && buf) memset(buf, 0, len);
    return st;
}

/* Every access the GIC makes. The common one (the built-in memory without
 * injected faults, within one page that is present, or a read) is inline
 * here; the others go through access_other. */
gic_status_t mem_access_agent(gic_t *g, mem_agent_t *a, mem_cls_t cls, gic_time_t start,
                              bool is_write, uint64_t addr, void *buf, uint32_t len,
                              gic_time_t *done)
{
    struct gic_mem *m = g->mem;
    if ((unsigned)cls >= MEM_CLS_COUNT) cls = MEM_CLS_CMDQ;
    gic_time_t begin = start;
    gic_time_t *ring = NULL; /* the agent's slots of this direction (none: unlimited) */
    uint32_t nslots = 0, h = 0;
    if (a) {
        ring = is_write ? a->wr_free : a->rd_free;
        nslots = is_write ? a->max_writes : a->max_reads;
        h = is_write ? a->wr_head : a->rd_head;
        if (nslots && ring[h] > begin) begin = ring[h];
    }
    if (begin == start) {
        m->zeros++; /* zero samples of the queue-delay histograms, added by mem_stats_sync */
        if (a) a->zeros++;
    } else {
        queue_wait(m, a, begin - start);
    }

    uint64_t lat = g->cfg.mem_latency_ps;
    bool injected = false;
    gic_status_t st = GIC_OK;
    uint8_t *b = buf, *p = NULL;
    const size_t off = (size_t)(addr & (PAGE_SIZE - 1));
    if (m->plain && off + len <= PAGE_SIZE && in_range(g, addr, len) &&
        ((p = page_find(m, addr >> PAGE_SHIFT)) || !is_write)) {
        if (is_write) copy_small(p + off, b, len);
        else if (p) copy_small(b, p + off, len);
        else if (len == 1) *b = 0;
        else memset(b, 0, len);
    } else if (m->external && !m->fault.on) {
        st = port_access(m, begin, is_write, addr, b, len, &lat);
    } else {
        st = access_other(g, m, cls, begin, is_write, addr, b, len, &lat, &injected);
    }
    const gic_time_t end = begin + lat;
    *done = end;
    if (nslots) {
        if (ring[h == 0 ? nslots - 1 : h - 1] <= end) ring[h] = end; /* the latest: in the head's place */
        else agent_insert(ring, nslots, h, end);
        uint16_t nh = (uint16_t)(h + 1 == nslots ? 0 : h + 1);
        if (is_write) a->wr_head = nh;
        else a->rd_head = nh;
    }
    mem_cls_stats_t *s = &m->cls[cls];
    if (is_write) {
        gic_inc(s->writes);
        if (s->bytes_written) *s->bytes_written += len;
    } else {
        gic_inc(s->reads);
        if (s->bytes_read) *s->bytes_read += len;
    }
    if (st != GIC_OK) {
        gic_inc(s->errors);
        if (injected) gic_inc(s->injected);
    }
    return st;
}

gic_status_t mem_access(gic_t *g, mem_cls_t cls, gic_time_t start, bool is_write, uint64_t addr,
                        void *buf, uint32_t len, gic_time_t *done)
{
    return mem_access_agent(g, NULL, cls, start, is_write, addr, buf, len, done);
}

/* ---- software view -------------------------------------------------------------------- */
gic_status_t mem_sw_access(gic_t *g, bool is_write, uint64_t addr, void *buf, size_t len)
{
    struct gic_mem *m = g->mem;
    if (m->external) return GIC_ERR_STATE;
    if (!in_range(g, addr, len)) return GIC_ERR_MEM;
    gic_status_t st = sparse_rw(m, is_write, addr, buf, len);
    return st == GIC_ERR_NOMEM ? GIC_ERR_NOMEM : st;
}

const uint8_t *mem_sw_peek(const gic_t *g, uint64_t addr, size_t len)
{
    const struct gic_mem *m = g->mem;
    if (!m || m->external || !in_range(g, addr, len) || (addr & (PAGE_SIZE - 1)) + len > PAGE_SIZE)
        return NULL;
    const uint8_t *p = page_find(m, addr >> PAGE_SHIFT);
    return p ? p + (addr & (PAGE_SIZE - 1)) : NULL;
}

void mem_prefetch(const gic_t *g, uint64_t addr)
{
#if defined(__GNUC__)
    const uint8_t *p = mem_sw_peek(g, addr, 1);
    if (p) __builtin_prefetch(p);
#else
    (void)g;
    (void)addr;
#endif
}

size_t mem_footprint(const gic_t *g)
{
    const struct gic_mem *m = g->mem;
    if (!m) return 0;
    return sizeof(*m) + m->cap * sizeof(mem_slot_t) + m->used * (size_t)PAGE_SIZE;
}
