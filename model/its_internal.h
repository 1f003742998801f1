/* Private to the ITS files (its.c lifecycle, its_walk.c table walks, its_cmd.c
 * command queue and command table, its_translate.c translation pipeline,
 * its_regs.c GITS_* registers). */
#ifndef GIC_ITS_INTERNAL_H
#define GIC_ITS_INTERNAL_H
#include "its.h"
#include "its_codec.h"

#include "cache.h"
#include "mem.h"

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
    E_MEM = 0xb01,        /* walk marker: a table access failed (reported as ITS_ERR_MEM) */
    E_UNKNOWN_CMD = 0xff  /* gictlm: unknown / unsupported opcode */
};
#define ITS_ERR_MEM 0x010b01u /* GIC-600 ACE_LITE_ACCESS_FAILURE: table/queue access failed */

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
extern const char *const its_reason_names[R_COUNT];

/* ---- state --------------------------------------------------------------------- */
/* What the redistributor phase of a command does (its_cmd.c table). */
typedef enum its_rd_action {
    ITS_RD_NONE = 0,
    ITS_RD_SET_PENDING,   /* INT */
    ITS_RD_CLEAR_PENDING, /* CLEAR, DISCARD */
    ITS_RD_INV,           /* INV */
    ITS_RD_INVALL,        /* INVALL */
    ITS_RD_MOVE,          /* MOVI */
    ITS_RD_MOVALL,        /* MOVALL */
    ITS_RD_SYNC           /* SYNC */
} its_rd_action_t;

typedef struct its_cmd_state {
    bool active;     /* a command is being processed */
    uint8_t op;
    uint32_t error;  /* command error code (0 = none) */
    const char *reason;
    bool rd_phase;   /* the redistributor phase runs (the table names its action) */
    uint32_t cpu, cpu2, intid;
    gic_time_t t_release;
} its_cmd_state_t;

typedef struct its_msi_wait {
    uint32_t devid, eventid;
    gic_time_t t_arrival;
} its_msi_wait_t;

#define ITS_NOPCODES 64u /* command opcodes 0x00..0x3f (IHI0069 table "ITS commands") */
#define ITS_NSLOTS 17    /* statistics slots: opcodes 0..15 + UNKNOWN (16) */

struct gic_its {
    uint32_t index;
    char name[8]; /* "its<i>" */
    /* registers */
    bool enabled;
    uint64_t cbaser, cwriter, creadr; /* creadr: offset only */
    bool stalled;
    uint64_t baser[8];
    uint64_t typer;
    bool v4;            /* GITS_TYPER.Virtual: GICv4 ITE format (always false today) */
    its_cte_t *coll_hcc; /* [hcc] collections held in the ITS */
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
    /* caches hold entries in their memory format (8 bytes): DTE, ITE DW0, CTE */
    gic_cache_t *c_dev, *c_ev, *c_coll;
    /* statistics */
    uint64_t *cmd_count[ITS_NSLOTS];
    gic_hist_t *cmd_lat[ITS_NSLOTS];
    uint64_t *cmd_errors;
    uint64_t *msi_rx, *msi_del, *msi_coal, *msi_drop;       /* its<i>.msi.* */
    uint64_t *g_msi_rx, *g_msi_del, *g_msi_coal, *g_msi_drop; /* msi.* */
    gic_hist_t *lat_translate, *msi_qdelay;
    char drop_prefix[24];                   /* "its<i>.msi.dropped." */
    gic_reason_memo_t drop_g, drop_i;       /* msi.dropped.<reason>, its<i>.msi.dropped.<reason> */
};

static inline struct gic_its *its_of(gic_t *g, uint32_t i) { return i < GIC_MAX_ITS ? g->its[i] : NULL; }

/* ---- table walks (its_walk.c) ---------------------------------------------------- */
typedef struct its_walk {
    gic_time_t t;     /* running time: each access is issued at t, t advances */
    unsigned type;    /* command error type (0 = ok), E_MEM after a failed access */
    bool mem_err;
    int reason;       /* R_* for translation */
    its_dte_t dte;
    its_ite_t ite;
    its_cte_t cte;
    uint64_t dte_addr, ite_addr;
    uint32_t cpu, intid; /* result of a complete walk */
} its_walk_t;

/* One 8-byte read or write of a table entry through the memory port at w->t
 * (w->t advances to its completion; a failure sets w->mem_err and is logged). */
gic_status_t its_mem(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls, bool wr,
                     uint64_t addr, uint64_t *v);
/* Write an ITE in the format of this ITS (its_ite_bytes(its->v4) bytes). */
gic_status_t its_write_ite(gic_t *g, struct gic_its *its, its_walk_t *w, uint64_t addr,
                           const its_ite_t *e);
/* DeviceID -> DTE (device cache, then device table). need_addr: only compute
 * the DTE address (for a write; a level-1 read on two-level tables). */
bool its_walk_dte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, bool need_addr);
/* DTE -> ITE for EventID (event cache, then ITT). need_valid = false: only
 * check the EventID range and compute the ITE address. */
bool its_walk_ite(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, uint32_t eventid,
                  bool need_valid);
/* ICID -> CTE (held in the ITS when ICID < HCC, else collection cache / table). */
bool its_walk_cte(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid);
/* Full walk DeviceID/EventID -> (INTID, target CPU). */
bool its_walk_full(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, uint32_t eventid);
/* ICID -> address of its CTE in memory; false if beyond the collection table. */
bool its_cte_addr(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid, uint64_t *addr);
bool its_icid_in_range(const gic_t *g, uint32_t icid);
/* RDbase field -> processor number (GITS_TYPER.PTA selects the encoding). */
bool its_rdbase_cpu(const gic_t *g, uint64_t field, uint32_t *cpu);
/* Cache invalidation: a device and all its events; collections targeting cpu; everything. */
void its_inval_device(struct gic_its *its, uint32_t devid);
void its_inval_event(struct gic_its *its, uint32_t devid, uint32_t eventid);
void its_inval_coll_cpu(struct gic_its *its, uint32_t cpu);
void its_inval_all(struct gic_its *its);

/* ---- GITS_BASER decoding (its_walk.c) --------------------------------------------- */
#define BASER_VALID (1ull << 63)
#define BASER_INDIRECT (1ull << 62)
#define BASER_TYPE_SHIFT 56
#define BASER_ESZ_SHIFT 48
#define BASER_TYPE_DEVICE 1ull
#define BASER_TYPE_COLLECTION 4ull

/* ---- command queue (its_cmd.c) ----------------------------------------------------- */
uint64_t its_cmdq_bytes(const struct gic_its *its);
/* Start the command at CREADR if the queue can run (enabled, valid, not stalled, not busy). */
void its_cmdq_kick(gic_t *g, struct gic_its *its);
/* Statistics slot and name of an opcode: implemented commands by opcode, else UNKNOWN. */
unsigned its_cmd_slot(unsigned op);
const char *its_cmd_slot_name(unsigned slot); /* NULL for a slot without a command */

/* ---- translation pipeline (its_translate.c) --------------------------------------------- */
/* MSIs that waited for the command that just completed start now. */
void its_release_waiting_msis(gic_t *g, struct gic_its *its);

static inline bool its_quiescent(const struct gic_its *its)
{
    return !its->cmd.active && its->inflight == 0;
}
#endif
