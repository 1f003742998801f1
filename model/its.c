/* Interrupt Translation Service (IHI0069 chapter 5 "Locality-specific
 * Peripheral Interrupts and the ITS", chapter 6 ITS commands, GITS_* registers).
 *
 * Physical ITS only (GITS_TYPER.Virtual = 0). One table-walk routine
 * (DeviceID -> DTE -> ITE -> CTE) is shared by every command and by
 * translation; it reads through the memory port (classes device / itt /
 * collection) and the three ITS caches. IMPLEMENTATION DEFINED entry formats,
 * error codes, timing and the error policy are documented in docs/its.md. */
#include "its.h"

#include "cache.h"
#include "lpi.h"
#include "mem.h"
#include "mutant.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- IMPLEMENTATION DEFINED table entry formats (8 bytes each) ------------- */
#define ENT_VALID (1ull << 63)
/* DTE: [63] Valid, [51:8] ITT address, [4:0] Size (EventID bits - 1) */
#define DTE_ITT_MASK 0x000fffffffffff00ull
#define DTE_SIZE_MASK 0x1full
/* ITE: [63] Valid, [47:32] ICID, [31:0] pINTID */
/* CTE: [63] Valid, [15:0] target processor number */
#define ENT_SIZE 8u

/* ---- command error codes: 0x01 << 16 | opcode << 8 | type (IHI0069 command
 * pseudocode; mnemonics and encodings as listed by the GIC-600 TRM) -------- */
enum {
    E_DEVICE_OOR = 0x01,
    E_ITTSIZE_OOR = 0x02, /* MAPD */
    E_RDBASE_OOR = 0x02,  /* MAPC (PROCNUM_OOR), SYNC */
    E_COLLECTION_OOR = 0x03,
    E_UNMAPPED_DEVICE = 0x04,
    E_ID_OOR = 0x05,
    E_PHYSICALID_OOR = 0x06,
    E_UNMAPPED_INTERRUPT = 0x07,
    E_UNMAPPED_COLLECTION = 0x09,
    E_TGT_OOR = 0x20,     /* MOVALL source RDbase */
    E_DST_TGT_OOR = 0x21, /* MOVALL destination RDbase */
    E_UNKNOWN_CMD = 0xff  /* gictlm: unknown / unsupported opcode */
};
/* CLEAR reports its errors as 0x0105xx (GIC-600 TRM CLEAR_*; Linux KVM E_ITS_CLEAR_*). */
#define ERR_OP(op) ((op) == 0x04 ? 0x05u : (uint32_t)(op))
#define ERR_CODE(op, type) (0x010000u | (ERR_OP(op) << 8) | (uint32_t)(type))
#define ERR_MEM 0x010b01u /* GIC-600 ACE_LITE_ACCESS_FAILURE: table/queue access failed */

/* ---- opcodes ------------------------------------------------------------------ */
enum {
    OP_MOVI = 0x01,
    OP_INT = 0x03,
    OP_CLEAR = 0x04,
    OP_SYNC = 0x05,
    OP_MAPD = 0x08,
    OP_MAPC = 0x09,
    OP_MAPTI = 0x0a,
    OP_MAPI = 0x0b,
    OP_INV = 0x0c,
    OP_INVALL = 0x0d,
    OP_MOVALL = 0x0e,
    OP_DISCARD = 0x0f
};
#define NCMD 17 /* opcodes 0..15 + UNKNOWN */
static const char *const cmd_names[16] = {
    [OP_MOVI] = "MOVI",     [OP_INT] = "INT",     [OP_CLEAR] = "CLEAR",   [OP_SYNC] = "SYNC",
    [OP_MAPD] = "MAPD",     [OP_MAPC] = "MAPC",   [OP_MAPTI] = "MAPTI",   [OP_MAPI] = "MAPI",
    [OP_INV] = "INV",       [OP_INVALL] = "INVALL", [OP_MOVALL] = "MOVALL", [OP_DISCARD] = "DISCARD"};
static unsigned cmd_slot(unsigned op) { return op < 16 && cmd_names[op] ? op : 16; }
static const char *cmd_name(unsigned op) { return op < 16 && cmd_names[op] ? cmd_names[op] : "UNKNOWN"; }

/* ---- MSI drop reasons (static strings, also counter suffixes) ----------------- */
enum {
    R_NONE = 0,
    R_ITS_DISABLED,
    R_DEVICE_OOR,
    R_UNMAPPED_DEVICE,
    R_EVENTID_OOR,
    R_UNMAPPED_INTERRUPT,
    R_COLLECTION_OOR,
    R_UNMAPPED_COLLECTION,
    R_MEM_ERROR,
    R_COUNT
};
static const char *const reason_names[R_COUNT] = {
    "none",          "its_disabled",     "device_oor",          "unmapped_device",
    "eventid_oor",   "unmapped_interrupt", "collection_oor",    "unmapped_collection",
    "mem_error"};

/* ---- state --------------------------------------------------------------------- */
typedef struct its_cmd_state {
    bool active;       /* a command is being processed */
    uint8_t op;
    uint32_t error;    /* command error code (0 = none) */
    const char *reason;
    int lpi_op;        /* which redistributor operation phase B performs (0 = none) */
    uint32_t cpu, cpu2, intid;
    gic_time_t t_release;
} its_cmd_state_t;

typedef struct its_msi_wait {
    uint32_t devid, eventid;
    gic_time_t t_arrival;
} its_msi_wait_t;

struct gic_its {
    uint32_t index;
    char name[8]; /* "its<i>" */
    /* registers */
    bool enabled;
    uint64_t cbaser, cwriter, creadr; /* creadr: offset only */
    bool stalled;
    uint64_t baser[8];
    uint64_t typer;
    uint64_t *coll_hcc; /* [hcc] collections held in the ITS */
    /* command engine */
    its_cmd_state_t cmd;
    gic_time_t *release; /* [queue entries]: time each slot was released by CWRITER */
    size_t release_n;
    /* translation pipeline */
    gic_time_t *pipe_free; /* [pipeline_depth] */
    uint64_t inflight;     /* MSIs accepted and not yet resolved */
    its_msi_wait_t *wait;  /* MSIs waiting for the current command (FIFO) */
    size_t wait_n, wait_cap;
    mem_agent_t agent;
    gic_cache_t *c_dev, *c_ev, *c_coll;
    /* statistics */
    uint64_t *cmd_count[NCMD];
    gic_hist_t *cmd_lat[NCMD];
    uint64_t *cmd_errors;
    uint64_t *msi_rx, *msi_del, *msi_coal, *msi_drop;       /* its<i>.msi.* */
    uint64_t *g_msi_rx, *g_msi_del, *g_msi_coal, *g_msi_drop; /* msi.* */
    gic_hist_t *lat_translate, *msi_qdelay;
    char drop_prefix[24];                   /* "its<i>.msi.dropped." */
    gic_reason_memo_t drop_g, drop_i;       /* msi.dropped.<reason>, its<i>.msi.dropped.<reason> */
};

static struct gic_its *its_of(gic_t *g, uint32_t i) { return i < GIC_MAX_ITS ? g->its[i] : NULL; }

/* ---- little-endian helpers ---------------------------------------------------- */
static uint64_t le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}
static void put_le64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
}

/* ---- GITS_BASER decoding ------------------------------------------------------- */
#define BASER_VALID (1ull << 63)
#define BASER_INDIRECT (1ull << 62)
#define BASER_TYPE_SHIFT 56
#define BASER_ESZ_SHIFT 48
#define BASER_TYPE_DEVICE 1ull
#define BASER_TYPE_COLLECTION 4ull

static uint64_t baser_page_size(uint64_t v)
{
    switch ((v >> 8) & 3) {
    case 0: return 0x1000;
    case 1: return 0x4000;
    default: return 0x10000;
    }
}

/* Physical_Address: [47:12]; with 64 KiB pages bits [15:12] hold PA[51:48]. */
static uint64_t baser_pa(uint64_t v)
{
    uint64_t ps = baser_page_size(v);
    if (ps == 0x10000) return (v & 0x0000ffffffff0000ull) | (((v >> 12) & 0xf) << 48);
    return v & 0x0000fffffffff000ull & ~(ps - 1);
}

static bool baser_implemented(const struct gic_its *its, unsigned n)
{
    return ((its->baser[n] >> BASER_TYPE_SHIFT) & 7) != 0;
}

/* ---- the table walk ---------------------------------------------------------- */
typedef struct walk {
    gic_time_t t;     /* running time: each access is issued at t, t advances */
    unsigned type;    /* command error type (0 = ok) or ERR_MEM marker */
    bool mem_err;
    int reason;       /* R_* for translation */
    uint64_t dte, ite, cte;
    uint64_t dte_addr, ite_addr;
    uint32_t cpu, intid, icid;
} walk_t;

static gic_status_t its_mem(gic_t *g, struct gic_its *its, walk_t *w, mem_cls_t cls, bool wr,
                            uint64_t addr, uint64_t *v)
{
    uint8_t b[8];
    if (wr) put_le64(b, *v);
    gic_time_t done;
    gic_status_t st = mem_access_agent(g, &its->agent, cls, w->t, wr, addr, b, 8, &done);
    w->t = done;
    if (!wr) *v = st == GIC_OK ? le64(b) : 0;
    if (st != GIC_OK) {
        w->mem_err = true;
        gic_log(g, GIC_LOG_WARN, its->name, "%s %s of 0x%llx failed", mem_cls_name(cls),
                wr ? "write" : "read", (unsigned long long)addr);
    }
    return st;
}

/* Address of entry `id` of the table described by BASER n (flat or two-level).
 * Returns false if id is beyond the table (or the table is not valid / the
 * level-1 entry is not valid: IHI0069 treats those IDs as out of range);
 * sets w->mem_err if a level-1 read failed. */
static bool table_entry_addr(gic_t *g, struct gic_its *its, walk_t *w, unsigned n, mem_cls_t cls,
                             uint64_t id, uint64_t *addr)
{
    uint64_t v = its->baser[n];
    if (!(v & BASER_VALID)) return false;
    uint64_t ps = baser_page_size(v);
    uint64_t bytes = ((v & 0xff) + 1) * ps;
    uint64_t base = baser_pa(v);
    if (!(v & BASER_INDIRECT)) {
        if (id >= bytes / ENT_SIZE) return false;
        *addr = base + id * ENT_SIZE;
        return true;
    }
    /* Two-level: level-1 entries are 8 bytes, [63] Valid, [51:12] L2 page. */
    uint64_t per_l2 = ps / ENT_SIZE;
    uint64_t l1i = id / per_l2;
    if (l1i >= bytes / 8) return false;
    uint64_t l1;
    if (its_mem(g, its, w, cls, false, base + l1i * 8, &l1) != GIC_OK) return false;
    if (!(l1 & ENT_VALID)) return false;
    *addr = (l1 & 0x000ffffffffff000ull & ~(ps - 1)) + (id % per_l2) * ENT_SIZE;
    return true;
}

static void walk_fail(walk_t *w, unsigned type, int reason)
{
    if (w->mem_err) {
        w->type = 0xb01; /* reported as ERR_MEM */
        w->reason = R_MEM_ERROR;
    } else {
        w->type = type;
        w->reason = reason;
    }
}

static gic_time_t hit_time(gic_t *g, const gic_cache_config_t *c) { return gic_cycles(g, c->hit_cycles); }

/* DeviceID -> DTE (through the device cache). need_addr: also compute the
 * DTE address (for a write), which costs the level-1 read on two-level tables. */
static bool walk_dte(gic_t *g, struct gic_its *its, walk_t *w, uint32_t devid, bool need_addr)
{
    if (devid >= ((uint64_t)1 << g->cfg.its_devbits)) {
        walk_fail(w, E_DEVICE_OOR, R_DEVICE_OOR);
        return false;
    }
    if (!need_addr && cache_lookup(its->c_dev, devid, &w->dte)) {
        w->t += hit_time(g, &g->cfg.its_device_cache);
        return true;
    }
    if (!table_entry_addr(g, its, w, 0, MEM_CLS_DEVICE, devid, &w->dte_addr)) {
        walk_fail(w, E_DEVICE_OOR, R_DEVICE_OOR);
        return false;
    }
    if (need_addr) return true;
    if (its_mem(g, its, w, MEM_CLS_DEVICE, false, w->dte_addr, &w->dte) != GIC_OK) {
        walk_fail(w, 0, 0);
        return false;
    }
    cache_fill(its->c_dev, devid, &w->dte, false, NULL, NULL);
    return true;
}

/* DTE -> ITE for EventID (through the event cache). */
static bool walk_ite(gic_t *g, struct gic_its *its, walk_t *w, uint32_t devid, uint32_t eventid,
                     bool need_valid)
{
    if (!(w->dte & ENT_VALID)) {
        walk_fail(w, E_UNMAPPED_DEVICE, R_UNMAPPED_DEVICE);
        return false;
    }
    unsigned bits = (unsigned)(w->dte & DTE_SIZE_MASK) + 1;
    if (bits < 32 && eventid >= (1u << bits)) {
        walk_fail(w, E_ID_OOR, R_EVENTID_OOR);
        return false;
    }
    w->ite_addr = (w->dte & DTE_ITT_MASK) + (uint64_t)eventid * ENT_SIZE;
    uint64_t key = ((uint64_t)devid << 32) | eventid;
    if (need_valid && cache_lookup(its->c_ev, key, &w->ite)) {
        w->t += hit_time(g, &g->cfg.its_event_cache);
    } else if (need_valid) {
        if (its_mem(g, its, w, MEM_CLS_ITT, false, w->ite_addr, &w->ite) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        if (w->ite & ENT_VALID) cache_fill(its->c_ev, key, &w->ite, false, NULL, NULL);
    }
    if (!need_valid) return true;
    if (!(w->ite & ENT_VALID)) {
        walk_fail(w, E_UNMAPPED_INTERRUPT, R_UNMAPPED_INTERRUPT);
        return false;
    }
    w->intid = (uint32_t)w->ite;
    w->icid = (uint32_t)((w->ite >> 32) & 0xffff);
    return true;
}

static bool icid_in_range(const gic_t *g, uint32_t icid)
{
    return icid < (1u << g->cfg.its_cid_bits);
}

/* ICID -> address of its CTE in memory; false if out of range. */
static bool cte_addr(gic_t *g, struct gic_its *its, walk_t *w, uint32_t icid, uint64_t *addr)
{
    return table_entry_addr(g, its, w, 1, MEM_CLS_COLL, icid, addr);
}

/* ICID -> CTE (held in the ITS when ICID < HCC, else collection cache / table). */
static bool walk_cte(gic_t *g, struct gic_its *its, walk_t *w, uint32_t icid)
{
    if (!icid_in_range(g, icid)) {
        walk_fail(w, E_COLLECTION_OOR, R_COLLECTION_OOR);
        return false;
    }
    if (icid < g->cfg.its_hcc) {
        w->cte = its->coll_hcc[icid];
    } else if (cache_lookup(its->c_coll, icid, &w->cte)) {
        w->t += hit_time(g, &g->cfg.its_collection_cache);
    } else {
        uint64_t a;
        if (!cte_addr(g, its, w, icid, &a)) {
            walk_fail(w, E_COLLECTION_OOR, R_COLLECTION_OOR);
            return false;
        }
        if (its_mem(g, its, w, MEM_CLS_COLL, false, a, &w->cte) != GIC_OK) {
            walk_fail(w, 0, 0);
            return false;
        }
        if (w->cte & ENT_VALID) cache_fill(its->c_coll, icid, &w->cte, false, NULL, NULL);
    }
    if (!(w->cte & ENT_VALID) || (w->cte & 0xffff) >= g->cfg.num_cpus) {
        walk_fail(w, E_UNMAPPED_COLLECTION, R_UNMAPPED_COLLECTION);
        return false;
    }
    w->cpu = (uint32_t)(w->cte & 0xffff);
    return true;
}

/* Full walk DeviceID/EventID -> (INTID, target CPU). */
static bool walk_full(gic_t *g, struct gic_its *its, walk_t *w, uint32_t devid, uint32_t eventid)
{
    return walk_dte(g, its, w, devid, false) && walk_ite(g, its, w, devid, eventid, true) &&
           walk_cte(g, its, w, w->icid);
}

/* RDbase field (DW[50:16]) -> processor number (GITS_TYPER.PTA selects the
 * encoding: 0 = processor number, 1 = physical address of RD_base >> 16). */
static bool rdbase_cpu(const gic_t *g, uint64_t field, uint32_t *cpu)
{
    if (!g->cfg.its_pta) {
        if (field >= g->cfg.num_cpus) return false;
        *cpu = (uint32_t)field;
        return true;
    }
    uint64_t addr = field << 16;
    if (addr < g->cfg.gicr_base) return false;
    uint64_t off = addr - g->cfg.gicr_base;
    if (off % GIC_GICR_STRIDE || off / GIC_GICR_STRIDE >= g->cfg.num_cpus) return false;
    *cpu = (uint32_t)(off / GIC_GICR_STRIDE);
    return true;
}

/* ---- cache invalidation --------------------------------------------------------- */
static bool pred_dev_events(uint64_t key, const void *val, void *ctx)
{
    (void)val;
    return (key >> 32) == *(const uint32_t *)ctx;
}

static void inval_device(struct gic_its *its, uint32_t devid)
{
    cache_invalidate(its->c_dev, devid);
    cache_invalidate_if(its->c_ev, pred_dev_events, &devid);
}

/* Collection-cache entries whose target is `cpu` (CTE[15:0] = processor number). */
static bool pred_coll_cpu(uint64_t key, const void *val, void *ctx)
{
    (void)key;
    uint64_t cte;
    memcpy(&cte, val, sizeof cte);
    return (uint32_t)(cte & 0xffff) == *(const uint32_t *)ctx;
}

static void inval_all(struct gic_its *its)
{
    cache_invalidate_if(its->c_dev, NULL, NULL);
    cache_invalidate_if(its->c_ev, NULL, NULL);
    cache_invalidate_if(its->c_coll, NULL, NULL);
}

/* ---- MSI accounting --------------------------------------------------------------- */
static void msi_outcome(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                        uint32_t intid, uint32_t cpu, gic_msi_outcome_t oc, const char *reason)
{
    switch (oc) {
    case GIC_MSI_DELIVERED:
        gic_inc(its->msi_del);
        gic_inc(its->g_msi_del);
        break;
    case GIC_MSI_COALESCED:
        gic_inc(its->msi_coal);
        gic_inc(its->g_msi_coal);
        break;
    default:
        if (!reason) reason = "unknown";
        gic_inc(its->msi_drop);
        gic_inc(its->g_msi_drop);
        gic_inc(gic_reason_counter(g, &its->drop_g, "msi.dropped.", reason));
        gic_inc(gic_reason_counter(g, &its->drop_i, its->drop_prefix, reason));
        gic_log(g, GIC_LOG_INFO, its->name, "MSI DeviceID %u EventID %u dropped: %s", devid,
                eventid, reason);
        break;
    }
    if (its->inflight) its->inflight--;
    gic_output_t o;
    memset(&o, 0, sizeof(o));
    o.kind = GIC_OUT_MSI;
    o.time = g->now;
    o.its = its->index;
    o.devid = devid;
    o.eventid = eventid;
    o.intid = intid;
    o.cpu = cpu;
    o.outcome = (uint32_t)oc;
    o.reason = oc == GIC_MSI_DROPPED ? reason : NULL;
    gic_emit(g, &o);
}

/* Event at the time the walk completed: deliver (or drop) at the redistributor.
 * a = its | reason << 8 | cpu << 16 (up to 65535 CPUs), b = intid,
 * c = devid << 32 | eventid, d = arrival */
static void ev_msi_deliver(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a & 0xff);
    if (!its) return;
    unsigned r = (ev->a >> 8) & 0xff;
    uint32_t cpu = ev->a >> 16;
    uint32_t devid = (uint32_t)(ev->c >> 32), eventid = (uint32_t)ev->c;
    if (r != R_NONE) {
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED,
                    reason_names[r < R_COUNT ? r : R_MEM_ERROR]);
        return;
    }
    const char *reason = NULL;
    gic_msi_outcome_t oc = lpi_set_pending(g, cpu, ev->b, ev->d, &reason);
    if (oc != GIC_MSI_DROPPED) hist_add(its->lat_translate, g->now - ev->d);
    msi_outcome(g, its, devid, eventid, ev->b, cpu, oc, reason);
}

/* Start a translation at g->now (the MSI is released to the pipeline). */
static void msi_start(gic_t *g, struct gic_its *its, uint32_t devid, uint32_t eventid,
                      gic_time_t t_arrival)
{
    if (!its->enabled) {
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, reason_names[R_ITS_DISABLED]);
        return;
    }
    /* Pipeline slot that frees first (lowest index on ties). */
    uint32_t best = 0;
    for (uint32_t i = 1; i < g->cfg.its_pipeline_depth; i++)
        if (its->pipe_free[i] < its->pipe_free[best]) best = i;
    gic_time_t start = g->now > its->pipe_free[best] ? g->now : its->pipe_free[best];
    hist_add(its->msi_qdelay, start - t_arrival);
    walk_t w;
    memset(&w, 0, sizeof(w));
    w.t = start + gic_cycles(g, g->cfg.its_translate_cycles);
    bool ok = walk_full(g, its, &w, devid, eventid);
    its->pipe_free[best] = w.t;
    uint32_t a = its->index | ((uint32_t)(ok ? R_NONE : w.reason) << 8) | ((ok ? w.cpu : 0) << 16);
    if (!gic_schedule(g, w.t, ev_msi_deliver, a, ok ? w.intid : 0,
                      ((uint64_t)devid << 32) | eventid, t_arrival))
        msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "event_alloc");
}

void its_translate(gic_t *g, uint32_t i, uint32_t devid, uint32_t eventid)
{
    struct gic_its *its = its_of(g, i);
    if (!its) return;
    gic_inc(its->msi_rx);
    gic_inc(its->g_msi_rx);
    its->inflight++;
    if (its->cmd.active && its->enabled) {
        /* Commands and translations share the pipeline: wait for the command. */
        if (its->wait_n == its->wait_cap) {
            size_t nc = its->wait_cap ? its->wait_cap * 2 : 16;
            its_msi_wait_t *nw = realloc(its->wait, nc * sizeof(*nw));
            if (!nw) {
                gic_error(g, "its_alloc", its->name, "MSI wait queue allocation failed");
                msi_outcome(g, its, devid, eventid, 0, 0, GIC_MSI_DROPPED, "host_alloc");
                return;
            }
            its->wait = nw;
            its->wait_cap = nc;
        }
        its->wait[its->wait_n].devid = devid;
        its->wait[its->wait_n].eventid = eventid;
        its->wait[its->wait_n].t_arrival = g->now;
        its->wait_n++;
        return;
    }
    msi_start(g, its, devid, eventid, g->now);
}

static void release_waiting_msis(gic_t *g, struct gic_its *its)
{
    for (size_t k = 0; k < its->wait_n; k++)
        msi_start(g, its, its->wait[k].devid, its->wait[k].eventid, its->wait[k].t_arrival);
    its->wait_n = 0;
}

/* ---- command queue ----------------------------------------------------------------- */
static uint64_t cmdq_bytes(const struct gic_its *its) { return ((its->cbaser & 0xff) + 1) * 0x1000; }
static uint64_t cmdq_base(const struct gic_its *its) { return its->cbaser & 0x000ffffffffff000ull; }

static bool cmdq_can_run(const struct gic_its *its)
{
    return its->enabled && (its->cbaser & ENT_VALID) && !its->stalled && !its->cmd.active &&
           its->creadr != its->cwriter;
}

static void cmd_start(gic_t *g, struct gic_its *its);

enum { LPI_NONE = 0, LPI_SETP, LPI_CLEAR, LPI_INV, LPI_INVALL, LPI_MOVE, LPI_MOVALL, LPI_SYNC };

/* Command completion: CREADR passes the command (or stalls on it). */
static void ev_cmd_done(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its) return;
    its_cmd_state_t *c = &its->cmd;
    unsigned s = cmd_slot(c->op);
    gic_inc(its->cmd_count[s]);
    if (c->error) {
        gic_inc(its->cmd_errors);
        gic_error(g, "its_cmd_error", its->name, "%s at CREADR 0x%llx: error 0x%06x (%s)%s",
                  cmd_name(c->op), (unsigned long long)its->creadr, c->error,
                  c->reason ? c->reason : "", g->cfg.its_error_policy == GIC_ITS_ERR_STALL
                                                  ? ": command queue stalled"
                                                  : ": skipped");
    }
    if (c->error && g->cfg.its_error_policy == GIC_ITS_ERR_STALL) {
        its->stalled = true; /* GITS_CREADR.Stalled; CREADR stays on the command */
    } else {
        hist_add(its->cmd_lat[s], g->now - c->t_release);
        its->creadr += 32;
        if (its->creadr >= cmdq_bytes(its)) its->creadr = 0; /* wrap-around */
    }
    gic_output_t o;
    memset(&o, 0, sizeof(o));
    o.kind = GIC_OUT_CMD;
    o.time = g->now;
    o.its = its->index;
    o.code = c->op;
    o.value = its->creadr | (its->stalled ? 1u : 0u);
    o.error = c->error;
    o.reason = c->reason;
    gic_emit(g, &o);
    c->active = false;
    release_waiting_msis(g, its);
    if (cmdq_can_run(its)) cmd_start(g, its);
}

/* Phase B: the request reaches the redistributor(s). */
static void ev_cmd_lpi(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its) return;
    its_cmd_state_t *c = &its->cmd;
    gic_time_t t = g->now;
    const char *reason = NULL;
    switch (c->lpi_op) {
    case LPI_SETP:
        if (lpi_set_pending(g, c->cpu, c->intid, g->now, &reason) == GIC_MSI_DROPPED)
            gic_log(g, GIC_LOG_WARN, its->name, "INT: LPI %u not made pending at CPU %u: %s",
                    c->intid, c->cpu, reason ? reason : "?");
        break;
    case LPI_CLEAR: t = lpi_clear_pending(g, c->cpu, c->intid); break;
    case LPI_INV: t = lpi_inv(g, c->cpu, c->intid); break;
    case LPI_INVALL: t = lpi_invall(g, c->cpu); break;
    case LPI_MOVE: t = lpi_move(g, c->cpu, c->cpu2, c->intid); break;
    case LPI_MOVALL: t = lpi_movall(g, c->cpu, c->cpu2); break;
    case LPI_SYNC: t = lpi_sync(g, c->cpu); break;
    default: break;
    }
    gic_schedule(g, t, ev_cmd_done, its->index, 0, 0, 0);
}

/* Execute the ITS side of the command in c (fields decoded from dw[]) at w->t. */
static void cmd_execute(gic_t *g, struct gic_its *its, const uint64_t dw[4], walk_t *w)
{
    its_cmd_state_t *c = &its->cmd;
    uint8_t op = c->op;
    uint32_t devid = (uint32_t)(dw[0] >> 32);
    uint32_t eventid = (uint32_t)dw[1];
    uint32_t icid = (uint32_t)(dw[2] & 0xffff);
    uint64_t rd1 = (dw[2] >> 16) & 0x7ffffffffull; /* RDbase DW2[50:16] */
    uint64_t rd2 = (dw[3] >> 16) & 0x7ffffffffull; /* MOVALL RDbase2 DW3[50:16] */
    bool valid = (dw[2] >> 63) & 1;

#define FAIL(type, why)                                                                            \
    do {                                                                                           \
        c->error = ERR_CODE(op, (type));                                                           \
        c->reason = (why);                                                                         \
        return;                                                                                    \
    } while (0)
#define WALK_FAIL()                                                                                \
    do {                                                                                           \
        if (w->mem_err) {                                                                          \
            c->error = ERR_MEM;                                                                    \
            c->reason = "mem_error";                                                               \
        } else {                                                                                   \
            c->error = ERR_CODE(op, w->type);                                                      \
            c->reason = reason_names[w->reason];                                                   \
        }                                                                                          \
        return;                                                                                    \
    } while (0)
#define MEMW(cls, addr, val)                                                                       \
    do {                                                                                           \
        uint64_t v_ = (val);                                                                       \
        if (its_mem(g, its, w, (cls), true, (addr), &v_) != GIC_OK) {                              \
            c->error = ERR_MEM;                                                                    \
            c->reason = "mem_error";                                                               \
            return;                                                                                \
        }                                                                                          \
    } while (0)

    switch (op) {
    case OP_MAPD: {
        /* IHI0069 MAPD: DeviceID beyond GITS_TYPER.Devbits or the device
         * table -> DEVICE_OOR; Size+1 beyond ID_bits -> ITTSIZE_OOR. */
        unsigned size = (unsigned)(dw[1] & 0x1f);
        if (!walk_dte(g, its, w, devid, true)) WALK_FAIL();
        if (valid && size + 1 > g->cfg.its_eventid_bits) FAIL(E_ITTSIZE_OOR, "itt_size_oor");
        uint64_t dte = valid ? (ENT_VALID | (dw[2] & DTE_ITT_MASK) | size) : 0;
        inval_device(its, devid); /* MAPD drops the device and all its events */
        MEMW(MEM_CLS_DEVICE, w->dte_addr, dte);
        return;
    }
    case OP_MAPC: {
        uint32_t cpu = 0;
        if (!icid_in_range(g, icid)) FAIL(E_COLLECTION_OOR, "collection_oor");
        if (valid && !rdbase_cpu(g, rd1, &cpu)) FAIL(E_RDBASE_OOR, "rdbase_oor");
        uint64_t cte = valid ? (ENT_VALID | cpu) : 0;
        cache_invalidate(its->c_coll, icid);
        if (icid < g->cfg.its_hcc) {
            its->coll_hcc[icid] = cte;
            return;
        }
        uint64_t a;
        if (!cte_addr(g, its, w, icid, &a)) {
            if (w->mem_err) WALK_FAIL();
            FAIL(E_COLLECTION_OOR, "collection_oor");
        }
        MEMW(MEM_CLS_COLL, a, cte);
        return;
    }
    case OP_MAPTI:
    case OP_MAPI: {
        uint32_t pintid = op == OP_MAPI ? eventid : (uint32_t)(dw[1] >> 32);
        if (!walk_dte(g, its, w, devid, false)) WALK_FAIL();
        if (!walk_ite(g, its, w, devid, eventid, false)) WALK_FAIL();
        if (!lpi_valid_intid(g, pintid)) FAIL(E_PHYSICALID_OOR, "physicalid_oor");
        if (!icid_in_range(g, icid)) FAIL(E_COLLECTION_OOR, "collection_oor");
        cache_invalidate(its->c_ev, ((uint64_t)devid << 32) | eventid);
        MEMW(MEM_CLS_ITT, w->ite_addr, ENT_VALID | ((uint64_t)icid << 32) | pintid);
        return;
    }
    case OP_INT:
    case OP_CLEAR:
    case OP_INV:
    case OP_DISCARD:
        if (!walk_full(g, its, w, devid, eventid)) {
            /* DISCARD of an ITE whose collection is unmapped still removes the mapping. */
            if (!(op == OP_DISCARD && !w->mem_err && w->type == E_UNMAPPED_COLLECTION))
                WALK_FAIL();
            c->lpi_op = LPI_NONE;
        } else {
            c->lpi_op = op == OP_INT ? LPI_SETP : op == OP_INV ? LPI_INV : LPI_CLEAR;
            if ((GICTLM_MUTANT_IS(2) && op == OP_DISCARD) || (GICTLM_MUTANT_IS(6) && op == OP_INV)) c->lpi_op = LPI_NONE;
        }
        c->cpu = w->cpu;
        c->intid = w->intid;
        if (op == OP_DISCARD) {
            cache_invalidate(its->c_ev, ((uint64_t)devid << 32) | eventid);
            MEMW(MEM_CLS_ITT, w->ite_addr, 0);
        }
        return;
    case OP_MOVI: {
        if (!walk_full(g, its, w, devid, eventid)) WALK_FAIL();
        uint32_t from = w->cpu, intid = w->intid;
        uint64_t ite_addr = w->ite_addr;
        if (!walk_cte(g, its, w, icid)) WALK_FAIL();
        if (!GICTLM_MUTANT_IS(4)) cache_invalidate(its->c_ev, ((uint64_t)devid << 32) | eventid);
        MEMW(MEM_CLS_ITT, ite_addr, ENT_VALID | ((uint64_t)icid << 32) | intid);
        c->cpu = from;
        c->cpu2 = w->cpu;
        c->intid = intid;
        c->lpi_op = from != w->cpu ? LPI_MOVE : LPI_NONE;
        if (GICTLM_MUTANT_IS(3)) c->lpi_op = LPI_NONE;
        return;
    }
    case OP_MOVALL: {
        /* Codes as the GIC-600 (MOVALL_TGT_OOR / MOVALL_DST_TGT_OOR). */
        uint32_t a, b;
        if (!rdbase_cpu(g, rd1, &a)) FAIL(E_TGT_OOR, "rdbase_oor");
        if (!rdbase_cpu(g, rd2, &b)) FAIL(E_DST_TGT_OOR, "rdbase2_oor");
        /* MOVALL retargets everything at RDbase1; software then remaps the
         * collections that named it (IHI0069 MOVALL usage: MOVALL is followed
         * by MAPC). The ITS drops cached collections that target RDbase1 so
         * that no translation after MOVALL uses a copy taken before it (an ITS
         * may drop cached entries at any time: this is always safe). Collections
         * held in the ITS (ICID < HCC) are the table itself and are kept. */
        if (a != b) cache_invalidate_if(its->c_coll, pred_coll_cpu, &a);
        c->cpu = a;
        c->cpu2 = b;
        c->lpi_op = a != b ? LPI_MOVALL : LPI_NONE;
        return;
    }
    case OP_INVALL:
        if (!walk_cte(g, its, w, icid)) WALK_FAIL();
        c->cpu = w->cpu;
        c->lpi_op = GICTLM_MUTANT_IS(1) ? LPI_NONE : LPI_INVALL;
        return;
    case OP_SYNC: {
        uint32_t cpu;
        if (!rdbase_cpu(g, rd1, &cpu)) FAIL(E_RDBASE_OOR, "rdbase_oor");
        c->cpu = cpu;
        c->lpi_op = LPI_SYNC;
        return;
    }
    default:
        FAIL(E_UNKNOWN_CMD, "unknown_command");
    }
#undef FAIL
#undef WALK_FAIL
#undef MEMW
}

/* Phase A at g->now: fetch the command at CREADR, decode, walk the tables,
 * update ITS state; schedule phase B (redistributor) or completion. */
static void cmd_start(gic_t *g, struct gic_its *its)
{
    its_cmd_state_t *c = &its->cmd;
    memset(c, 0, sizeof(*c));
    c->active = true;
    size_t slot = (size_t)(its->creadr / 32);
    c->t_release = its->release && slot < its->release_n ? its->release[slot] : g->now;
    walk_t w;
    memset(&w, 0, sizeof(w));
    w.t = g->now;
    uint8_t b[32];
    gic_time_t done;
    gic_status_t st = mem_access_agent(g, &its->agent, MEM_CLS_CMDQ, w.t, false,
                                       cmdq_base(its) + its->creadr, b, 32, &done);
    w.t = done + gic_cycles(g, g->cfg.its_cmd_decode_cycles);
    uint64_t dw[4];
    for (int i = 0; i < 4; i++) dw[i] = le64(b + 8 * i);
    c->op = (uint8_t)(dw[0] & 0xff);
    if (st != GIC_OK) {
        c->error = ERR_MEM;
        c->reason = "cmdq_mem_error";
    } else {
        cmd_execute(g, its, dw, &w);
    }
    if (c->error) c->lpi_op = LPI_NONE;
    if (c->lpi_op != LPI_NONE) gic_schedule(g, w.t, ev_cmd_lpi, its->index, 0, 0, 0);
    else gic_schedule(g, w.t, ev_cmd_done, its->index, 0, 0, 0);
}

static void cmdq_kick(gic_t *g, struct gic_its *its)
{
    if (cmdq_can_run(its)) cmd_start(g, its);
}

/* ---- registers ---------------------------------------------------------------------- */
static uint64_t merge(uint64_t old, uint64_t val, uint64_t mask) { return (old & ~mask) | (val & mask); }

static bool quiescent(const struct gic_its *its)
{
    return !its->cmd.active && its->inflight == 0;
}

static uint64_t rd_ctlr(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    struct gic_its *its = blk;
    return (its->enabled ? 1u : 0u) | (quiescent(its) ? (1u << 31) : 0u);
}

static void wr_ctlr(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    uint64_t v = merge(rd_ctlr(g, blk, 0), val, mask);
    bool en = v & 1;
    if (its->enabled && !en) inval_all(its); /* disabling drops cached translations */
    its->enabled = en;
    if (en) cmdq_kick(g, its);
}

static uint64_t rd_iidr(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)blk;
    (void)n;
    return (0x47u << 24) | 0x43b; /* ProductID 'G' (gictlm), Implementer Arm (0x43B) */
}

static uint64_t rd_typer(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->typer;
}

static uint64_t rd_cbaser(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->cbaser;
}

/* CBASER: [63] Valid, [61:59] InnerCache, [55:53] OuterCache, [51:12]
 * Physical_Address, [11:10] Shareability, [7:0] Size. */
static void wr_cbaser(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    /* IHI0069: writing GITS_CBASER while GITS_CTLR.Enabled == 1 or
     * Quiescent == 0 is UNPREDICTABLE; gictlm ignores the write. */
    if (its->enabled || !quiescent(its)) {
        gic_error(g, "its_cbaser_write_enabled", its->name,
                  "GITS_CBASER written while the ITS is enabled or busy: ignored");
        return;
    }
    its->cbaser = merge(its->cbaser, val, mask) & 0xb8effffffffffcffull;
    its->creadr = 0; /* GITS_CREADR is cleared when GITS_CBASER is written */
    its->stalled = false;
    size_t n_ent = (size_t)(cmdq_bytes(its) / 32);
    if (n_ent != its->release_n) {
        gic_time_t *r = realloc(its->release, n_ent * sizeof(*r));
        if (!r) {
            gic_error(g, "its_alloc", its->name, "command queue bookkeeping allocation failed");
            return;
        }
        its->release = r;
        its->release_n = n_ent;
    }
    for (size_t i = 0; i < n_ent; i++) its->release[i] = 0;
}

static uint64_t rd_cwriter(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    return ((struct gic_its *)blk)->cwriter;
}

static void wr_cwriter(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    (void)n;
    struct gic_its *its = blk;
    uint64_t v = merge(its->cwriter, val, mask);
    bool retry = v & 1;
    uint64_t off = v & 0xfffe0ull; /* Offset [19:5] */
    if (off >= cmdq_bytes(its)) {
        /* IHI0069: a value beyond the queue is UNPREDICTABLE; gictlm ignores it. */
        gic_error(g, "its_cwriter_oor", its->name,
                  "GITS_CWRITER offset 0x%llx beyond the %llu-byte command queue: ignored",
                  (unsigned long long)off, (unsigned long long)cmdq_bytes(its));
        return;
    }
    /* Mark the newly released slots with the release time. */
    if (its->release && its->release_n) {
        uint64_t q = cmdq_bytes(its);
        for (uint64_t o = (its->cwriter & 0xfffe0ull) % q; o != off; o = (o + 32) % q) {
            size_t s = (size_t)(o / 32);
            if (s < its->release_n) its->release[s] = g->now;
        }
    }
    its->cwriter = off;
    /* Retry (bit 0): restart a stalled command queue at the stalled command. */
    if (retry && its->stalled) {
        its->stalled = false;
        size_t s = (size_t)(its->creadr / 32);
        if (its->release && s < its->release_n) its->release[s] = g->now;
    }
    cmdq_kick(g, its);
}

static uint64_t rd_creadr(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    (void)n;
    struct gic_its *its = blk;
    return its->creadr | (its->stalled ? 1u : 0u);
}

static uint64_t rd_baser(gic_t *g, void *blk, unsigned n)
{
    (void)g;
    return ((struct gic_its *)blk)->baser[n];
}

/* BASER: [63] Valid, [62] Indirect, [61:59] InnerCache, [58:56] Type (RO),
 * [55:53] OuterCache, [52:48] Entry_Size (RO), [47:12] Physical_Address,
 * [11:10] Shareability, [9:8] Page_Size, [7:0] Size. */
static void wr_baser(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask)
{
    struct gic_its *its = blk;
    if (!baser_implemented(its, n)) return; /* RAZ/WI */
    if (its->enabled) {
        /* IHI0069: GITS_BASER<n> must not be changed while the ITS is enabled. */
        gic_error(g, "its_baser_write_enabled", its->name,
                  "GITS_BASER%u written while the ITS is enabled: ignored", n);
        return;
    }
    const uint64_t ro = (7ull << BASER_TYPE_SHIFT) | (0x1full << BASER_ESZ_SHIFT);
    uint64_t v = merge(its->baser[n], val, mask);
    v = (its->baser[n] & ro) | (v & ~ro & 0xf8e0ffffffffffffull);
    if (((v >> 8) & 3) == 3) v = (v & ~(3ull << 8)) | (2ull << 8); /* reserved -> 64K */
    its->baser[n] = v;
    /* Changing a table drops what was cached from it. */
    if (n == 0) {
        cache_invalidate_if(its->c_dev, NULL, NULL);
        cache_invalidate_if(its->c_ev, NULL, NULL);
    } else {
        cache_invalidate_if(its->c_coll, NULL, NULL);
    }
}

static uint64_t rd_pidr0(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0x94; }
static uint64_t rd_pidr1(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0xb4; }
static uint64_t rd_pidr2(gic_t *g, void *b, unsigned n)
{
    (void)b;
    (void)n;
    return ((uint64_t)g->cfg.gic_version << 4) | 0xb; /* ArchRev, JEDEC */
}
static uint64_t rd_pidr4(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return 0x44; }
static uint64_t rd_cidr(gic_t *g, void *b, unsigned n)
{
    (void)g;
    (void)b;
    static const uint8_t cidr[4] = {0x0d, 0xf0, 0x05, 0xb1};
    return cidr[n & 3];
}

static const gic_reg_t its_regs[] = {
    {0x0000, 1, 4, 0, "GITS_CTLR", 0x80000000u, rd_ctlr, wr_ctlr},
    {0x0004, 1, 4, REG_F_RO, "GITS_IIDR", 0x4700043bu, rd_iidr, NULL},
    {0x0008, 1, 8, REG_F_RO, "GITS_TYPER", 0, rd_typer, NULL},
    {0x0080, 1, 8, 0, "GITS_CBASER", 0, rd_cbaser, wr_cbaser},
    {0x0088, 1, 8, 0, "GITS_CWRITER", 0, rd_cwriter, wr_cwriter},
    {0x0090, 1, 8, REG_F_RO, "GITS_CREADR", 0, rd_creadr, NULL},
    {0x0100, 8, 8, 0, "GITS_BASER", 0, rd_baser, wr_baser},
    {0xffd0, 1, 4, REG_F_RO, "GITS_PIDR4", 0x44, rd_pidr4, NULL},
    {0xffd4, 3, 4, REG_F_RO, "GITS_PIDR5", 0, NULL, NULL},
    {0xffe0, 1, 4, REG_F_RO, "GITS_PIDR0", 0x94, rd_pidr0, NULL},
    {0xffe4, 1, 4, REG_F_RO, "GITS_PIDR1", 0xb4, rd_pidr1, NULL},
    {0xffe8, 1, 4, REG_F_RO, "GITS_PIDR2", 0x3b, rd_pidr2, NULL},
    {0xffec, 1, 4, REG_F_RO, "GITS_PIDR3", 0, NULL, NULL},
    {0xfff0, 4, 4, REG_F_RO, "GITS_CIDR", 0, rd_cidr, NULL},
    {GITS_TRANSLATER_OFF, 1, 4, REG_F_WO, "GITS_TRANSLATER", 0, NULL, NULL},
};
const gic_regmap_t its_regmap = {"GITS", its_regs, sizeof(its_regs) / sizeof(its_regs[0]),
                                 GIC_GITS_SIZE};

/* ---- lifecycle ---------------------------------------------------------------------- */
struct gic_its *its_create(gic_t *g, uint32_t index)
{
    struct gic_its *its = calloc(1, sizeof(*its));
    if (!its) return NULL;
    const gic_config_t *cfg = &g->cfg;
    its->index = index;
    snprintf(its->name, sizeof(its->name), "its%u", index);
    snprintf(its->drop_prefix, sizeof(its->drop_prefix), "%s.msi.dropped.", its->name);
    its->pipe_free = calloc(cfg->its_pipeline_depth, sizeof(gic_time_t));
    if (cfg->its_hcc) its->coll_hcc = calloc(cfg->its_hcc, sizeof(uint64_t));
    bool ok = its->pipe_free && (!cfg->its_hcc || its->coll_hcc);
    ok = ok && mem_agent_init(g, &its->agent, its->name, cfg->its_max_reads, cfg->its_max_writes);
    char pfx[48];
    snprintf(pfx, sizeof pfx, "%s.cache.device", its->name);
    its->c_dev = cache_create(g, &cfg->its_device_cache, sizeof(uint64_t), pfx);
    snprintf(pfx, sizeof pfx, "%s.cache.event", its->name);
    its->c_ev = cache_create(g, &cfg->its_event_cache, sizeof(uint64_t), pfx);
    snprintf(pfx, sizeof pfx, "%s.cache.collection", its->name);
    its->c_coll = cache_create(g, &cfg->its_collection_cache, sizeof(uint64_t), pfx);
    ok = ok && its->c_dev && its->c_ev && its->c_coll;
    if (!ok) {
        its_destroy(g, its);
        return NULL;
    }
    /* GITS_TYPER */
    uint64_t t = 1;                                  /* Physical */
    t |= (uint64_t)(ENT_SIZE - 1) << 4;              /* ITT_entry_size */
    t |= (uint64_t)(cfg->its_eventid_bits - 1) << 8; /* ID_bits */
    t |= (uint64_t)(cfg->its_devbits - 1) << 13;     /* Devbits */
    t |= (uint64_t)(cfg->its_pta ? 1 : 0) << 19;     /* PTA */
    t |= (uint64_t)(cfg->its_hcc & 0xff) << 24;      /* HCC */
    t |= (uint64_t)(cfg->its_cid_bits - 1) << 32;    /* CIDbits */
    t |= (uint64_t)(cfg->its_cid_bits != 16 ? 1 : 0) << 36; /* CIL */
    its->typer = t;
    /* GITS_BASER0: Device table; GITS_BASER1: Collection table unless every
     * collection is held in the ITS (HCC >= 2^CIDbits). Entry_Size = 8 bytes. */
    its->baser[0] = (BASER_TYPE_DEVICE << BASER_TYPE_SHIFT) | ((uint64_t)(ENT_SIZE - 1) << BASER_ESZ_SHIFT);
    if (cfg->its_hcc < (1u << cfg->its_cid_bits))
        its->baser[1] = (BASER_TYPE_COLLECTION << BASER_TYPE_SHIFT) |
                        ((uint64_t)(ENT_SIZE - 1) << BASER_ESZ_SHIFT);
    /* statistics */
    for (unsigned s = 0; s < NCMD; s++) {
        const char *nm = s < 16 ? cmd_names[s] : "UNKNOWN";
        if (!nm) continue;
        its->cmd_count[s] = gic_counter(g, "%s.cmd.%s.count", its->name, nm);
        its->cmd_lat[s] = gic_hist(g, "ps", "%s.cmd.%s.latency", its->name, nm);
    }
    its->cmd_errors = gic_counter(g, "%s.cmd.errors", its->name);
    its->msi_rx = gic_counter(g, "%s.msi.received", its->name);
    its->msi_del = gic_counter(g, "%s.msi.delivered", its->name);
    its->msi_coal = gic_counter(g, "%s.msi.coalesced", its->name);
    its->msi_drop = gic_counter(g, "%s.msi.dropped", its->name);
    its->g_msi_rx = gic_counter(g, "msi.received");
    its->g_msi_del = gic_counter(g, "msi.delivered");
    its->g_msi_coal = gic_counter(g, "msi.coalesced");
    its->g_msi_drop = gic_counter(g, "msi.dropped");
    its->lat_translate = gic_hist(g, "ps", "msi.latency.translate");
    its->msi_qdelay = gic_hist(g, "ps", "%s.msi.queue_delay", its->name);
    return its;
}

void its_destroy(gic_t *g, struct gic_its *its)
{
    (void)g;
    if (!its) return;
    if (its->c_dev) cache_destroy(its->c_dev);
    if (its->c_ev) cache_destroy(its->c_ev);
    if (its->c_coll) cache_destroy(its->c_coll);
    mem_agent_free(&its->agent);
    free(its->pipe_free);
    free(its->coll_hcc);
    free(its->release);
    free(its->wait);
    free(its);
}
