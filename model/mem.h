/* The GIC's memory port: every access the GIC makes goes through mem_access.
 *
 * Two back ends:
 *  - the built-in sparse memory (no gic_mem_port_t given to gic_create): only
 *    4 KiB pages that were written with non-zero data are allocated (an
 *    open-addressing hash keyed by page number, deterministic); untouched
 *    pages read as zero; addresses >= cfg.mem_size fail with GIC_ERR_MEM
 *    ("bad table address"); every access costs cfg.mem_latency_ps;
 *  - an external port: every timed access is forwarded to it (at the time it
 *    begins) and its latency is used. Software then owns the memory itself:
 *    mem_sw_access (gic_mem_write/read) returns GIC_ERR_STATE.
 *
 * Agents and outstanding limits. Accesses are issued by an agent (one per
 * ITS, one per redistributor) that may have at most max_reads reads and
 * max_writes writes outstanding (0 = unlimited). Each agent keeps, per slot,
 * the time the slot becomes free. An access issued at `start` takes the slot
 * that frees earliest, begins at
 * max(start, slot free time), completes at begin + latency, and the slot is
 * busy until then. begin - start is added to histogram mem.queue_delay (ps,
 * also <agent>.mem.queue_delay when the agent has a name). Dependent accesses
 * (a table walk) chain: the caller issues the next one at the previous one's
 * completion time; independent accesses issued at the same time overlap up
 * to the limit. Slot times are only ever moved forward, so an access issued
 * "in the past" relative to a later-issued one still waits for its slot (a
 * conservative, simple and exact-to-reproduce approximation of an in-order
 * request queue).
 *
 * Statistics per class (cmdq, device, itt, collection, prop, pend):
 * mem.<class>.reads / .writes / .bytes_read / .bytes_written / .errors,
 * and .injected (failures made by fault injection, part of .errors).
 *
 * Injected faults (docs/robustness.md): a timed access of a selected class
 * (mask, 0 = all) fails with GIC_ERR_MEM, as if the port had answered with an
 * error, when it overlaps the fault range [lo, hi) or, independently, when a
 * deterministic random draw (xorshift64*, seeded, one draw per access of a
 * selected class) falls under rate_ppm per million. The failing access takes
 * its normal time, moves no data (reads return zeros) and is not forwarded to
 * an external port. Initial settings come from the configuration
 * (mem.fault.*); mem_fault_set changes them at any time (e.g. lifts them).
 * The software view (mem_sw_access) is never faulted.
 */
#ifndef GIC_MEM_H
#define GIC_MEM_H
#include "gic_internal.h"

typedef enum mem_cls {
    MEM_CLS_CMDQ = 0,  /* ITS command queue */
    MEM_CLS_DEVICE,    /* ITS device table */
    MEM_CLS_ITT,       /* interrupt translation tables */
    MEM_CLS_COLL,      /* ITS collection table */
    MEM_CLS_PROP,      /* LPI configuration (property) table */
    MEM_CLS_PEND,      /* LPI pending tables */
    MEM_CLS_COUNT
} mem_cls_t;

const char *mem_cls_name(mem_cls_t cls);

/* An issuer of memory accesses with outstanding-access limits. Embed it in
 * the issuing block, initialise with mem_agent_init, release with
 * mem_agent_free. A zero-initialised agent is valid and unlimited. */
#define MEM_AGENT_INLINE 6 /* slots held in the agent itself (the defaults: 5 reads, 1 write) */
typedef struct mem_agent {
    uint16_t max_reads, max_writes; /* 0 = unlimited; at most 1024 (gic_config_validate) */
    uint16_t rd_head, wr_head;      /* the earliest slot of rd_free / wr_free (agent_take) */
    gic_time_t *rd_free;            /* [max_reads]: time each read slot is free */
    /* Accesses that waited for no slot since the last mem_stats_sync: zero
     * samples of queue_delay not yet added to it (an access then touches the
     * agent's first line only, not its histogram's). */
    uint64_t zeros;
    /* Up to MEM_AGENT_INLINE slots live here, beside the limits, so a read
     * touches one host cache line of its agent (the first 64 bytes, with the
     * default 5 read slots; one agent per redistributor: 512 of them at 512
     * CPUs, in an array whose elements are 64-byte aligned); rd_free/wr_free
     * point into it. An initialised agent is not moved. */
    gic_time_t inl[MEM_AGENT_INLINE];
    gic_time_t *wr_free;     /* [max_writes] */
    gic_hist_t *queue_delay; /* "<name>.mem.queue_delay" or NULL */
    uint8_t pad_[40];        /* to 128 bytes: two whole host cache lines */
} mem_agent_t;
_Static_assert(sizeof(mem_agent_t) % 64 == 0, "mem_agent_t: a whole number of host cache lines");

/* name: stat prefix such as "its0" or "redist3" (NULL = no per-agent histogram).
 * Returns false on allocation failure (the agent is then unlimited). */
bool mem_agent_init(gic_t *g, mem_agent_t *a, const char *name, uint32_t max_reads,
                    uint32_t max_writes);
void mem_agent_free(gic_t *g, mem_agent_t *a);
/* Forget outstanding accesses (all slots free at time 0). */
void mem_agent_reset(mem_agent_t *a);

/* Add the zero queueing delays that the accesses counted in place (the
 * memory's and each named agent's) to their histograms. Called before the
 * statistics are read or reset (capi: gic_core_stats_sync); the histograms
 * then hold exactly what adding each sample at once would have left. */
void mem_stats_sync(gic_t *g);

struct gic_mem *mem_create(gic_t *g, const gic_mem_port_t *port);
void mem_destroy(gic_t *g, struct gic_mem *m);

/* Timed access by agent `a` (NULL = an unlimited agent), issued at `start`;
 * *done = completion time. Counts reads/writes/bytes per class. On failure
 * returns GIC_ERR_MEM (buffer contents are zero for reads), counts
 * mem.<class>.errors, and *done is still valid (the failed access takes the
 * same time). Errors are not reported through gic_error here: the caller
 * knows the context (command, table) and reports it. */
gic_status_t mem_access_agent(gic_t *g, mem_agent_t *a, mem_cls_t cls, gic_time_t start,
                              bool is_write, uint64_t addr, void *buf, uint32_t len,
                              gic_time_t *done);
/* Same with no agent (no outstanding limit). */
gic_status_t mem_access(gic_t *g, mem_cls_t cls, gic_time_t start, bool is_write, uint64_t addr,
                        void *buf, uint32_t len, gic_time_t *done);

/* Injected faults: replace the settings (hi <= lo: no range; rate_ppm
 * capped at 1000000; classes: bit (1 << mem_cls_t), 0 = all). Reseeds the
 * random draw. */
void mem_fault_set(gic_t *g, uint64_t lo, uint64_t hi, uint32_t rate_ppm, uint32_t seed,
                   uint32_t classes);

/* Untimed software view of the built-in memory (gic_mem_write/read).
 * GIC_ERR_MEM beyond cfg.mem_size, GIC_ERR_STATE with an external port. */
gic_status_t mem_sw_access(gic_t *g, bool is_write, uint64_t addr, void *buf, size_t len);
/* Host bytes held by the built-in memory (pages + hash table). */
size_t mem_footprint(const gic_t *g);
/* A hint to the host, no effect on the model: the byte at addr of the
 * built-in memory will be accessed soon, so its host cache line is fetched
 * now (a prefetch; nothing with an external memory port). */
void mem_prefetch(const gic_t *g, uint64_t addr);
/* Host hints' read-only peek, no effect on the model: the host address of
 * [addr, addr + len) of the built-in memory when it lies within one page
 * that holds data, else NULL (absent page, out of range, external port). */
const uint8_t *mem_sw_peek(const gic_t *g, uint64_t addr, size_t len);
#endif
