/* Private to the vPE files: vpe.c (vLPIs, residency, the VLPI frame),
 * vsgi.c (GICv4.1 vSGIs) and vpe_table.c (the GICv4.1 redistributor's view of
 * the shared vPE table). */
#ifndef GIC_VPE_INTERNAL_H
#define GIC_VPE_INTERNAL_H
#include "lpi_space.h"
#include "vpe.h"

/* GICv4.1 state of a vPE held by the redistributors (from the vPE table entry:
 * VMAPP, VMOVP, VSGI and the entry read at residency). */
typedef struct vpe41 {
    uint32_t default_db;      /* default doorbell pINTID (1023 = none) */
    uint64_t vconf;           /* vLPI configuration table (VMAPP VCONF_addr) */
    uint16_t vsgi_en, vsgi_grp;
    uint64_t vsgi_prio;       /* priority[7:4] of vSGI n in bits [4n+3:4n] */
    uint16_t vsgi_pend;       /* pending vSGIs (IMPLEMENTATION DEFINED storage: in the GIC) */
    gic_time_t vsgi_t[16];    /* arrival of each pending vSGI (GITS_SGIR write) */
    gic_time_t vsgi_vis[16];  /* when it is visible at the virtual CPU interface */
    bool db_armed;            /* made non-resident with GICR_VPENDBASER.DB = 1 and PendingLast = 0
                                 since VMAPP (Alloc = 1) last allocated it */
    bool grp0en, grp1en;      /* GICR_VPENDBASER.VGrp0En / VGrp1En as last scheduled */
} vpe41_t;

typedef struct vspace {
    lpi_space_t s;
    uint32_t vpeid; /* last vPEID the ITS named for this VPT (messages, statistics) */
    bool vpeid_named; /* vpeid is one: an ITS command or (GICv4.1) GICR_VPENDBASER named it */
    uint64_t vpt_pa;
    uint32_t id_bits; /* VPT_size + 1 as the ITS's vPE table entry says */
    uint64_t vcache_prop; /* vLPI configuration table its vLPI cache entries came from (0 = none) */
    /* GICv4.1: the VPT has not been read since the GIC first met it (VMAPP
     * makes no promise about its contents unless PTZ = 1, and the model does
     * not rely on PTZ): its first residency reads the whole table. */
    bool vpt_unparsed;
    vpe41_t v41;
} vspace_t;

struct gic_vpes {
    vspace_t **v; /* by index; space key = num_cpus + index */
    uint32_t n, cap;
    /* VPT address -> index + 1 (open addressing) */
    uint64_t *hk;
    uint32_t *hv;
    uint32_t hmask;
    /* per redistributor */
    uint64_t *vpropbaser, *vpendbaser;
    uint32_t *resident; /* index + 1 of the resident space, 0 = none */
    gic_time_t *dirty_until; /* GICR_VPENDBASER.Dirty reads 1 before this time */
    gic_cache_t *vcache; /* vLPI configuration cache (cfg.vpe_vlpi_cache), NULL = none */
    /* statistics */
    uint64_t *c_direct, *c_recorded, *c_coal, *c_doorbells, *c_sched, *c_desched, *c_reads;
    gic_reason_memo_t drops;
    gic_hist_t *h_sched, *h_desched;
    gic_hist_t *h_lat_direct, *h_lat_vpt; /* MSI -> ICV_IAR of direct / VPT-recorded vLPIs */
    /* GICv4.1 (cfg.gicv4_1), NULL otherwise */
    struct vpe41_rd *rd41; /* [num_cpus] */
    uint64_t *c_defdb, *c_defdb_suppressed, *c_vsgi_direct, *c_vsgi_recorded, *c_vsgi_coal, *c_vsgi_acks,
        *c_invdb, *c_dirty_polls, *c_dinv;
    gic_hist_t *h_dirty_sched, *h_dirty_desched, *h_vsgi_lat, *h_vsgi_iar;
};

/* Per redistributor, GICv4.1. */
struct vpe41_rd {
    gic_time_t sched_t;      /* time of the GICR_VPENDBASER write that started the schedule */
    gic_time_t vsgi_busy;    /* GICR_VSGIPENDR.Busy reads 1 before this time */
    int32_t vsgir_space;     /* space index named by the last GICR_VSGIR write (-1: none/invalid) */
    uint32_t vsgir_vpeid;
    gic_time_t dinv_busy;    /* virtual GICR_INVLPIR/INVALLR in progress (GICR_SYNCR) */
    uint16_t vsgi_acked;     /* vSGIs acknowledged directly and not yet EOId (no active state) */
};

static inline struct gic_vpes *vpes_of(gic_t *g) { return g->vpes; }
static inline bool vpe_is41(const gic_t *g) { return g->cfg.gicv4_1 != 0; }
vspace_t *vpe_space_find(gic_t *g, uint64_t vpt_pa);
/* The vLPI configuration cache's entries of a space: one vLPI's, or all
 * (GICR_INVLPIR / GICR_INVALLR with V = 1); nothing without the cache. */
void vpe_vcache_inv(gic_t *g, vspace_t *s, uint32_t vintid, bool all);
bool vpe_has_vcache(const gic_t *g);
vspace_t *vpe_space_get(gic_t *g, uint64_t vpt_pa, uint32_t rd);
bool vpe_space_is_resident(gic_t *g, const vspace_t *s);
vspace_t *vpe_resident(gic_t *g, uint32_t cpu);
/* The space of a vpe_ref, brought up to date with the ITS's view. */
vspace_t *vpe_space_of_ref(gic_t *g, const vpe_ref_t *ref);

/* ---- vpe_table.c: GICR_VPROPBASER (GICv4.1 layout) and the shared vPE table ---- */
/* Read vPE table entry vpeid through redistributor cpu's GICR_VPROPBASER at
 * time t (level-1 entry, then the 32-byte entry, through the redistributor's
 * memory agent; *done = completion). false with *why set when the table is
 * not valid, vpeid is beyond it, the level-1 entry is not valid, a memory
 * access failed, or the entry is not valid. */
bool vpe_table_read(gic_t *g, uint32_t cpu, uint32_t vpeid, gic_time_t t, its_vpete_t *e, gic_time_t *done,
                    const char **why);
uint64_t vpe_vpropbaser41_write(uint64_t old, uint64_t val, uint64_t mask);

/* ---- vsgi.c ---- */
/* The default doorbell of a non-resident vPE (IHI0069 GICv4.1 default
 * doorbells): raised at most once per non-residency, when armed. */
void vpe_default_doorbell(gic_t *g, vspace_t *s, const char *what, uint32_t id);
/* vSGIs of the resident vPE as candidates of the virtual interface. */
void vsgi_hppi(gic_t *g, uint32_t cpu, vspace_t *s, gic_cand_t *out, gic_time_t *until);
gic_time_t vsgi_ack(gic_t *g, uint32_t cpu, vspace_t *s, uint32_t intid);
/* The vSGIs that a GICv4.1 redistributor signals for a non-resident vPE when
 * pending (a default doorbell, PendingLast): enabled, and in a group enabled
 * by the VGrp<n>En of its last deschedule (v41.grp0en / grp1en). The one
 * statement of the vSGI half of that rule. */
uint16_t vsgi_signal_mask(const vspace_t *s);
void vsgi_became_resident(gic_t *g, uint32_t cpu, vspace_t *s, gic_time_t vis);
/* GICR_VSGIR / GICR_VSGIPENDR (VLPI frame, GICv4.1; RAZ/WI on GICv4.0) */
uint64_t vsgi_rd_vsgir(gic_t *g, void *blk, unsigned n);
void vsgi_wr_vsgir(gic_t *g, void *blk, unsigned n, uint64_t val, uint64_t mask);
uint64_t vsgi_rd_vsgipendr(gic_t *g, void *blk, unsigned n);
#endif
