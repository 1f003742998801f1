/* Private to the ITS files (its.c lifecycle, its_walk.c table walks, its_cmd.c
 * command queue and command table, its_translate.c translation pipeline,
 * its_regs.c GITS_* registers). */
#ifndef GIC_ITS_INTERNAL_H
#define GIC_ITS_INTERNAL_H
#include "its.h"
#include "its_codec.h"
#include "vpe.h"

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
    /* GICv4.0 virtual commands (gictlm-defined types in the same layout, docs/its.md) */
    E_VPEID_OOR = 0x10,      /* vPEID beyond the vPE table (GITS_BASER2) */
    E_UNMAPPED_VPE = 0x11,   /* vPE table entry not valid */
    E_VIRTUALID_OOR = 0x12,  /* vINTID not an LPI INTID or beyond the vPE's VPT_size */
    E_VPT_SIZE_OOR = 0x13,   /* VMAPP: VPT_size + 1 beyond the LPI INTID bits */
    E_WRONG_TYPE = 0x14,     /* MOVI on a virtual event, VMOVI on a physical one */
    E_ITSLIST = 0x15,        /* VMOVP (GITS_TYPER.VMOVP == 0): this ITS is not in ITSList */
    E_VMOVP_FULL = 0x16,     /* VMOVP (GITS_TYPER.VMOVP == 0): ITS_VMOVP_HELD incomplete VMOVPs held */
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
    R_VPEID_OOR,    /* GICv4: vPEID beyond the vPE table */
    R_UNMAPPED_VPE, /* GICv4: vPE table entry not valid */
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
    ITS_RD_SYNC,          /* SYNC */
    ITS_RD_VMOVE,         /* VMOVI (vpe_move_pending) */
    ITS_RD_VMOVP,         /* VMOVP (vpe_moved) */
    ITS_RD_VSYNC,         /* VSYNC (vpe_sync) */
    ITS_RD_VINVALL,       /* VINVALL (vpe_invall) */
    ITS_RD_VCONFIG41,     /* GICv4.1 VMAPP, VSGI (vpe_config41) */
    ITS_RD_INVDB          /* GICv4.1 INVDB (vpe_invdb) */
} its_rd_action_t;

typedef struct its_cmd_state {
    bool active;     /* a command is being processed */
    uint8_t op;
    uint32_t error;  /* command error code (0 = none) */
    const char *reason;
    bool rd_phase;   /* the redistributor phase runs (the table names its action) */
    uint32_t cpu, cpu2, intid;
    /* GICv4: the event is a virtual one (INT/CLEAR/INV/DISCARD call vpe.h), its
     * vPE (and the target vPE of VMOVI / VMOVP) and doorbell pINTID */
    bool virt;
    vpe_ref_t vpe, vpe2;
    uint32_t db;
    /* GICv4.1: the vPE table entry as the command left it (VMAPP, VMOVP, VSGI)
     * for the redistributors' copy; VSGI's C = 1 (vSGI to clear, else -1);
     * VMAPP with Alloc = 1 (the vPE is allocated afresh) */
    bool cfg41;
    its_vpete_t e41;
    int clear_vsgi;
    bool alloc41;
    gic_time_t t_release;
} its_cmd_state_t;

typedef struct its_msi_wait {
    uint32_t devid, eventid;
    gic_time_t t_arrival;
} its_msi_wait_t;

#define ITS_NOPCODES 64u /* command opcodes 0x00..0x3f (IHI0069 table "ITS commands") */
/* Statistics slots: opcodes 0..15, the seven GICv4.0 commands (16..22), the
 * GICv4.1 VSGI (23) and INVDB (24), UNKNOWN (25). */
#define ITS_NSLOTS 26
#define ITS_SLOT_UNKNOWN (ITS_NSLOTS - 1)

/* A translated MSI whose ITE is virtual, waiting for the end of its walk. */
typedef struct its_vmsi {
    vpe_ref_t vpe;
    uint32_t vintid, db;
    uint32_t next_free; /* free list link */
} its_vmsi_t;

/* An executed VMOVP (GITS_TYPER.VMOVP == 0) waiting for the other ITSs of
 * its ITSList: (SequenceNumber, vPEID). At most ITS_VMOVP_HELD per ITS; one
 * more is a command error (E_VMOVP_FULL). */
#define ITS_VMOVP_HELD 16u
typedef struct its_vmovp_held {
    uint16_t seq;
    uint32_t vpeid;
} its_vmovp_held_t;

struct gic_its {
    uint32_t index;
    char name[8]; /* "its<i>" */
    /* registers */
    bool enabled;
    uint64_t cbaser, cwriter, creadr; /* creadr: offset only */
    bool stalled;
    uint64_t baser[8];
    uint64_t typer;
    bool v4;            /* GITS_TYPER.Virtual: GICv4.0 ITS (cfg.gic_version == 4) */
    bool v41;           /* GITS_TYPER.VMAPP: GICv4.1 ITS (cfg.gicv4_1) */
    uint32_t its_number; /* GITS_CTLR.ITS_Number (GICv4, GITS_TYPER.VMOVP == 0) */
    /* GITS_TYPER.VMOVP == 0: the VMOVPs this ITS has executed whose set is not
     * complete (an ITS of their ITSList has not executed them yet), oldest
     * first; the move at the redistributor happens when every ITS of ITSList
     * holds the VMOVP (its_cmd.c cmd_vmovp) */
    its_vmovp_held_t vmovp_held[ITS_VMOVP_HELD];
    uint32_t vmovp_n;
    its_cte_t *coll_hcc; /* [hcc] collections held in the ITS */
    /* command engine */
    its_cmd_state_t cmd;
    gic_time_t *release; /* [queue entries]: time each slot was released by CWRITER */
    size_t release_n;
    /* translation pipeline */
    gic_time_t *pipe_free; /* [pipeline_depth] */
    uint64_t inflight;     /* MSIs accepted and not yet resolved */
    /* A command is ready and waits for the translations accepted before it
     * to leave the pipeline (its_cmd.c cmd_start_drained); MSIs arriving
     * meanwhile wait for the command, as they do while it runs. */
    bool cmd_draining;
    its_msi_wait_t *wait;  /* MSIs waiting for the current command (FIFO) */
    size_t wait_n, wait_cap;
    mem_agent_t agent;
    /* caches hold entries in their memory format (8 bytes): DTE, ITE DW0, CTE */
    gic_cache_t *c_dev, *c_ev, *c_coll;
    gic_cache_t *c_vpe; /* GICv4: vPEID -> vPE table entry (16 bytes); NULL on a GICv3 ITS */
    its_vmsi_t *vmsi;   /* GICv4: virtual translations in flight (pool with a free list) */
    uint32_t vmsi_n, vmsi_cap, vmsi_free;
    uint64_t *msi_virt, *doorbells_named; /* its<i>.msi.virtual, its<i>.msi.doorbell_named */
    /* GICv4.1 GITS_SGIR: its<i>.sgir.received / delivered / coalesced / dropped.<reason> */
    uint64_t *sgir_rx, *sgir_del, *sgir_coal, *sgir_drop;
    gic_reason_memo_t sgir_drops;
    /* statistics */
    uint64_t *cmd_count[ITS_NSLOTS];
    gic_hist_t *cmd_lat[ITS_NSLOTS];
    uint64_t *cmd_errors;
    uint64_t *cmd_drain_waits; /* <its>.cmd.drain_waits: commands that waited for earlier MSIs */
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
    its_vpete_t vpe;  /* GICv4: vPE table entry of a virtual ITE */
    bool virt;        /* the walk ended at a vPE (virtual ITE) */
    bool ite_read;    /* the ITE came from the ITT (event cache miss): set by its_walk_ite */
    uint64_t dte_addr, ite_addr, vpe_addr;
    uint32_t cpu, intid; /* result of a complete walk */
} its_walk_t;

/* A failed table access of a walk: sets w->mem_err and logs it. */
void its_mem_failed(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls, bool wr, uint64_t addr);
/* len bytes of a table through the memory port at w->t (w->t advances to its
 * completion; a failure sets w->mem_err and is logged). Inline: the walks'
 * table reads are the ITS's per-MSI work when its caches miss. */
static inline gic_status_t its_mem_bytes(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls,
                                         bool wr, uint64_t addr, uint8_t *b, unsigned len)
{
    gic_time_t done;
    gic_status_t st = mem_access_agent(g, &its->agent, cls, w->t, wr, addr, b, len, &done);
    w->t = done;
    if (st != GIC_OK) its_mem_failed(g, its, w, cls, wr, addr);
    return st;
}
/* One 8-byte read or write of a table entry (its_mem_bytes). */
static inline gic_status_t its_mem(gic_t *g, struct gic_its *its, its_walk_t *w, mem_cls_t cls, bool wr,
                                   uint64_t addr, uint64_t *v)
{
    uint8_t b[8];
    if (wr) its_put_le64(b, *v);
    gic_status_t st = its_mem_bytes(g, its, w, cls, wr, addr, b, 8);
    if (!wr) *v = st == GIC_OK ? its_le64(b) : 0;
    return st;
}
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
/* vPEID -> vPE table entry (vPE cache, then GITS_BASER2). need_addr: only
 * compute the entry's address (range check; a level-1 read on two-level tables).
 * Errors: VPEID_OOR, UNMAPPED_VPE (not valid, or target not a redistributor). */
bool its_walk_vpe(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t vpeid, bool need_addr);
/* Address of vPE table entry vpeid of another ITS (VMOVP with GITS_TYPER.VMOVP == 1). */
bool its_vpe_addr(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t vpeid, uint64_t *addr);
static inline vpe_ref_t its_vpe_ref(uint32_t vpeid, const its_vpete_t *e)
{
    vpe_ref_t r = {vpeid, e->target, e->vpt_addr, e->vpt_id_bits};
    return r;
}
/* Full walk DeviceID/EventID -> (INTID, target CPU), or for a virtual ITE
 * (GICv4) -> (vINTID, vPE table entry; w->virt set). */
bool its_walk_full(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t devid, uint32_t eventid);
/* ICID -> address of its CTE in memory; false if beyond the collection table. */
bool its_cte_addr(gic_t *g, struct gic_its *its, its_walk_t *w, uint32_t icid, uint64_t *addr);
/* Every collection held in the ITS (HCC >= 2^CIDbits): no collection table,
 * GITS_TYPER.CIL = 0, HCC collections. */
bool its_colls_all_held(const gic_t *g);
bool its_icid_in_range(const gic_t *g, uint32_t icid);
/* RDbase field -> processor number (GITS_TYPER.PTA selects the encoding). */
bool its_rdbase_cpu(const gic_t *g, uint64_t field, uint32_t *cpu);
/* Cache invalidation: a device and all its events; collections targeting cpu; everything. */
void its_inval_device(struct gic_its *its, uint32_t devid);
void its_inval_event(struct gic_its *its, uint32_t devid, uint32_t eventid);
void its_inval_coll_cpu(struct gic_its *its, uint32_t cpu);
void its_inval_all(struct gic_its *its);
void its_inval_vpe(struct gic_its *its, uint32_t vpeid);

/* ---- GITS_BASER decoding (its_walk.c) --------------------------------------------- */
#define BASER_VALID (1ull << 63)
#define BASER_INDIRECT (1ull << 62)
#define BASER_TYPE_SHIFT 56
#define BASER_ESZ_SHIFT 48
#define BASER_TYPE_DEVICE 1ull
#define BASER_TYPE_COLLECTION 4ull
#define BASER_TYPE_VPE 2ull

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
    return !its->cmd.active && !its->cmd_draining && its->inflight == 0;
}
/* The time the translation pipeline is empty: the last accepted
 * translation's walk is complete (and its result delivered). */
static inline gic_time_t its_pipeline_drained(const gic_t *g, const struct gic_its *its)
{
    gic_time_t t = 0;
    for (uint32_t i = 0; i < g->cfg.its_pipeline_depth; i++)
        if (its->pipe_free[i] > t) t = its->pipe_free[i];
    return t;
}
#endif
