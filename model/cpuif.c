/* CPU interface registers: the one system-register table (names included)
 * for the physical view ICC_*_EL1, the virtual view ICV_*_EL1 and the EL2
 * view ICH_*_EL2. ICC_* and ICV_* share their handlers: each works on a
 * priority engine (cpuif_engine.c), the physical one (source: cpuif_phys.c)
 * or the virtual one (source: the list registers, cpuif_virt.c). An EL1
 * access to an ICC_* register goes to the virtual engine while HCR_EL2.IMO
 * (Group 1 registers), HCR_EL2.FMO (Group 0 registers) or either (CTLR,
 * DIR, PMR, RPR) is set (IHI0069 "Virtual CPU interface registers"); SGI
 * generation then traps to EL2 (GIC_OUT_TRAP). Registers that are the
 * physical interface's own: ICC_SGI0R/SGI1R/ASGI1R, ICC_SRE_EL1. */
#include "cpuif.h"

#include "dist.h"
#include "redist.h"

#include <stdlib.h>
#include <string.h>

struct gic_cpuif *cpuif_create(gic_t *g)
{
    struct gic_cpuif *c = host_arena_calloc(&g->arena, g->cfg.num_cpus, sizeof(*c));
    if (!c) return NULL;
    /* the statistics' pointers: one copy per kind of interface, read by every
     * CPU's engine (not a copy in each: a host cache line fewer per delivery
     * to a CPU whose state is cold, with hundreds of CPUs) */
    eng_stats_t *st = host_arena_calloc(&g->arena, 2, sizeof(*st)), *vst = st + 1;
    if (!st) return NULL;
    eng_stats_init(g, st, "irq", "latency");
    eng_stats_init(g, vst, "virq", "vlatency");
    if (virt_stats_create(g) != GIC_OK) return NULL;
    uint32_t n = g->cfg.num_cpus;
    for (uint32_t i = 0; i < n; i++) {
        eng_init(g, &c[i].phys, &cpuif_phys_source, i, i, g->cfg.pri_bits, st);
        eng_init(g, &c[i].virt, &cpuif_virt_source, i, n + i, g->cfg.virt_pri_bits, vst);
        virt_init(g, &c[i], i);
        c[i].upd_at[0] = c[i].upd_at[1] = UINT64_MAX;
    }
    return c;
}

void cpuif_destroy(gic_t *g, struct gic_cpuif *c)
{
    free(g->virt_stats);
    g->virt_stats = NULL;
    (void)c; /* the arena's */
}

static gic_engine_t *phys(const gic_t *g, uint32_t cpu) { return &g->cpuif[cpu].phys; }

bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group)
{
    return phys(g, cpu)->igrpen[group ? 1 : 0];
}

/* IHI0069 ICC_CTLR_EL1.PMHE: the priority mask is a hint for distributing
 * 1-of-N interrupts only while PMHE = 1. */
bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group)
{
    const gic_engine_t *e = phys(g, cpu);
    unsigned gr = group ? 1 : 0;
    return g->cpuif[cpu].pmhe ? eng_can_signal(e, prio, gr) : eng_can_preempt(e, prio, gr);
}

void cpuif_update(gic_t *g, uint32_t cpu) { eng_update(g, phys(g, cpu)); }
void cpuif_refresh(gic_t *g, uint32_t cpu) { eng_refresh(g, phys(g, cpu)); }

/* ICC_SGI0R/SGI1R/ASGI1R: TargetList [15:0], Aff1 [23:16], INTID [27:24],
 * Aff2 [39:32], IRM [40], RS [47:44], Aff3 [55:48]. IRM = 1: every PE but
 * the originating one. Target affinities naming no CPU are ignored (counted). */
static void do_sgi(gic_t *g, uint32_t cpu, unsigned group, uint64_t v)
{
    uint32_t intid = (uint32_t)(v >> 24) & 0xf;
    if (v >> 40 & 1) {
        for (uint32_t t = 0; t < g->cfg.num_cpus; t++)
            if (t != cpu) redist_sgi_send(g, t, intid, group);
        return;
    }
    uint32_t tl = (uint32_t)v & 0xffff;
    uint32_t aff1 = (uint32_t)(v >> 16) & 0xff, aff2 = (uint32_t)(v >> 32) & 0xff;
    uint32_t aff3 = (uint32_t)(v >> 48) & 0xff, rs = (uint32_t)(v >> 44) & 0xf;
    while (tl) {
        unsigned b = (unsigned)__builtin_ctz(tl);
        tl &= tl - 1;
        uint32_t aff = aff3 << 24 | aff2 << 16 | aff1 << 8 | (rs * 16 + b);
        int t = gic_cpu_by_affinity(g, aff);
        if (t < 0) {
            gic_error(g, "sgi_no_target", "ICC", "SGI %u from CPU %u to affinity 0x%08x: no such CPU",
                      intid, cpu, aff);
            continue;
        }
        redist_sgi_send(g, (uint32_t)t, intid, group);
    }
}

/* ---- handlers: e is the engine the access goes to ------------------------------- */

typedef uint64_t (*sr_rd_fn)(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned arg);
typedef void (*sr_wr_fn)(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned arg, uint64_t v);

static uint64_t r_iar(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)cpu; return eng_iar(g, e, a); }
static void w_eoir(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)cpu; eng_eoi(g, e, a, v); }
static void w_dir(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)cpu; (void)a; eng_dir(g, e, v); }
static uint64_t r_hppir(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)cpu; return eng_hppir(g, e, a); }
static uint64_t r_bpr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)g; (void)cpu; return eng_bpr_read(e, a); }
static void w_bpr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)cpu; eng_bpr_write(g, e, a, v); }
static uint64_t r_pmr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)g; (void)cpu; (void)a; return e->pmr; }
static void w_pmr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)cpu; (void)a; eng_pmr_write(g, e, v); }
static uint64_t r_rpr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)g; (void)cpu; (void)a; return eng_running_priority(e); }
/* arg: group * 4 + n (the unimplemented ones: eng_apr_read/_write) */
static uint64_t r_apr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)cpu; return eng_apr_read(g, e, false, a >> 2, a & 3); }
static void w_apr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)cpu; eng_apr_write(g, e, false, a >> 2, a & 3, v); }

/* ICC_CTLR_EL1 / ICV_CTLR_EL1: CBPR [0], EOImode [1], PRIbits [10:8],
 * IDbits [13:11], A3V [15]; the physical one also PMHE [6] and RSS [18].
 * PMHE is read/write: without EL3 (GICD_CTLR.DS = 1) IHI0069 leaves it
 * IMPLEMENTATION DEFINED whether it is, and this model uses it. */
static uint64_t r_ctlr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a)
{
    (void)a;
    uint64_t idbits = g->cfg.lpi_id_bits > 16 ? 1 : 0; /* 0: 16 INTID bits, 1: 24 */
    bool is_phys = e == phys(g, cpu);
    uint64_t rss = is_phys ? 1ull << 18 : 0, pmhe = is_phys && g->cpuif[cpu].pmhe ? 1ull << 6 : 0;
    return (uint64_t)e->cbpr | ((uint64_t)e->eoimode << 1) | pmhe | ((uint64_t)(e->pri_bits - 1) << 8) |
           (idbits << 11) | (1ull << 15) /* A3V */ | rss;
}
static void w_ctlr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v)
{
    (void)a;
    if (e == phys(g, cpu)) g->cpuif[cpu].pmhe = (v >> 6) & 1;
    eng_ctlr_write(g, e, v & 1, (v >> 1) & 1);
}

static uint64_t r_igrpen(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)g; (void)cpu; return e->igrpen[a]; }
static void w_igrpen(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v)
{
    bool en = v & 1;
    if (en == e->igrpen[a]) return;
    e->igrpen[a] = en;
    if (e == phys(g, cpu)) dist_cpu_changed(g, cpu); /* 1-of-N SPI participation */
    eng_update(g, e);
}

static uint64_t r_sre(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)g; (void)cpu; (void)e; (void)a; return 0x7; }
static void w_ignore(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)g; (void)cpu; (void)e; (void)a; (void)v; }
static void w_sgi(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)e; do_sgi(g, cpu, a, v); }

static uint64_t r_ich(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)e; return virt_ich_read(g, cpu, (gic_sysreg_t)a); }
static void w_ich(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)e; virt_ich_write(g, cpu, (gic_sysreg_t)a, v); }
/* arg: the LR number; group * 4 + n for the APRs */
static uint64_t r_ich_lr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)e; return virt_lr_read(g, cpu, a); }
static void w_ich_lr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)e; virt_lr_write(g, cpu, a, v); }
static uint64_t r_ich_apr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a) { (void)e; return virt_apr_read(g, cpu, a >> 2, a & 3); }
static void w_ich_apr(gic_t *g, uint32_t cpu, gic_engine_t *e, unsigned a, uint64_t v) { (void)e; virt_apr_write(g, cpu, a >> 2, a & 3, v); }

/* ---- the table ----------------------------------------------------------------------- */

enum {
    V_ICC, /* physical engine, or the virtual one as redir says */
    V_ICV, /* virtual engine */
    V_EL2  /* ICH_*_EL2 and HCR_EL2 (no engine) */
};
/* redir: which HCR_EL2 bits send an ICC_* access to ICV_* */
#define RD_IMO 1u
#define RD_FMO 2u
#define RD_ANY (RD_IMO | RD_FMO)
#define F_TRAP 4u   /* with the redirection: traps to EL2 instead */
#define F_STATE 8u  /* a read that changes state (IAR) */

typedef struct sysreg_desc {
    const char *name;
    sr_rd_fn rd; /* NULL: write-only */
    sr_wr_fn wr; /* NULL: read-only */
    unsigned arg;
    uint8_t view;
    uint8_t flags; /* RD_*, F_* */
} sysreg_desc_t;

#define ICC(id, rd, wr, arg, fl) [GIC_##id] = {#id, rd, wr, arg, V_ICC, fl}
#define ICV(id, rd, wr, arg, fl) [GIC_##id] = {#id, rd, wr, arg, V_ICV, fl}
#define ICH_RW(id) [GIC_##id] = {#id, r_ich, w_ich, GIC_##id, V_EL2, 0}
#define ICH_RO(id) [GIC_##id] = {#id, r_ich, NULL, GIC_##id, V_EL2, 0}
#define ICH_LR(n) [GIC_ICH_LR##n##_EL2] = {"ICH_LR" #n "_EL2", r_ich_lr, w_ich_lr, n, V_EL2, 0}
#define ICH_APR(g, n) [GIC_ICH_AP##g##R##n##_EL2] = {"ICH_AP" #g "R" #n "_EL2", r_ich_apr, w_ich_apr, g * 4 + n, V_EL2, 0}
static const sysreg_desc_t sysregs[GIC_SYSREG_COUNT] = {
    ICC(ICC_IAR0_EL1, r_iar, NULL, 0, RD_FMO | F_STATE), ICC(ICC_IAR1_EL1, r_iar, NULL, 1, RD_IMO | F_STATE),
    ICC(ICC_EOIR0_EL1, NULL, w_eoir, 0, RD_FMO),         ICC(ICC_EOIR1_EL1, NULL, w_eoir, 1, RD_IMO),
    ICC(ICC_DIR_EL1, NULL, w_dir, 0, RD_ANY),            ICC(ICC_HPPIR0_EL1, r_hppir, NULL, 0, RD_FMO),
    ICC(ICC_HPPIR1_EL1, r_hppir, NULL, 1, RD_IMO),       ICC(ICC_BPR0_EL1, r_bpr, w_bpr, 0, RD_FMO),
    ICC(ICC_BPR1_EL1, r_bpr, w_bpr, 1, RD_IMO),          ICC(ICC_PMR_EL1, r_pmr, w_pmr, 0, RD_ANY),
    ICC(ICC_RPR_EL1, r_rpr, NULL, 0, RD_ANY),            ICC(ICC_AP0R0_EL1, r_apr, w_apr, 0, RD_FMO),
    ICC(ICC_AP0R1_EL1, r_apr, w_apr, 1, RD_FMO),         ICC(ICC_AP0R2_EL1, r_apr, w_apr, 2, RD_FMO),
    ICC(ICC_AP0R3_EL1, r_apr, w_apr, 3, RD_FMO),         ICC(ICC_AP1R0_EL1, r_apr, w_apr, 4, RD_IMO),
    ICC(ICC_AP1R1_EL1, r_apr, w_apr, 5, RD_IMO),         ICC(ICC_AP1R2_EL1, r_apr, w_apr, 6, RD_IMO),
    ICC(ICC_AP1R3_EL1, r_apr, w_apr, 7, RD_IMO),         ICC(ICC_CTLR_EL1, r_ctlr, w_ctlr, 0, RD_ANY),
    ICC(ICC_IGRPEN0_EL1, r_igrpen, w_igrpen, 0, RD_FMO), ICC(ICC_IGRPEN1_EL1, r_igrpen, w_igrpen, 1, RD_IMO),
    ICC(ICC_SRE_EL1, r_sre, w_ignore, 0, 0),
    ICC(ICC_SGI0R_EL1, NULL, w_sgi, 0, RD_ANY | F_TRAP), ICC(ICC_SGI1R_EL1, NULL, w_sgi, 1, RD_ANY | F_TRAP),
    ICC(ICC_ASGI1R_EL1, NULL, w_sgi, 0, RD_ANY | F_TRAP),
    ICV(ICV_IAR0_EL1, r_iar, NULL, 0, F_STATE),          ICV(ICV_IAR1_EL1, r_iar, NULL, 1, F_STATE),
    ICV(ICV_EOIR0_EL1, NULL, w_eoir, 0, 0),              ICV(ICV_EOIR1_EL1, NULL, w_eoir, 1, 0),
    ICV(ICV_DIR_EL1, NULL, w_dir, 0, 0),                 ICV(ICV_HPPIR0_EL1, r_hppir, NULL, 0, 0),
    ICV(ICV_HPPIR1_EL1, r_hppir, NULL, 1, 0),            ICV(ICV_BPR0_EL1, r_bpr, w_bpr, 0, 0),
    ICV(ICV_BPR1_EL1, r_bpr, w_bpr, 1, 0),               ICV(ICV_PMR_EL1, r_pmr, w_pmr, 0, 0),
    ICV(ICV_RPR_EL1, r_rpr, NULL, 0, 0),                 ICV(ICV_AP0R0_EL1, r_apr, w_apr, 0, 0),
    ICV(ICV_AP0R1_EL1, r_apr, w_apr, 1, 0),              ICV(ICV_AP0R2_EL1, r_apr, w_apr, 2, 0),
    ICV(ICV_AP0R3_EL1, r_apr, w_apr, 3, 0),              ICV(ICV_AP1R0_EL1, r_apr, w_apr, 4, 0),
    ICV(ICV_AP1R1_EL1, r_apr, w_apr, 5, 0),              ICV(ICV_AP1R2_EL1, r_apr, w_apr, 6, 0),
    ICV(ICV_AP1R3_EL1, r_apr, w_apr, 7, 0),              ICV(ICV_CTLR_EL1, r_ctlr, w_ctlr, 0, 0),
    ICV(ICV_IGRPEN0_EL1, r_igrpen, w_igrpen, 0, 0),      ICV(ICV_IGRPEN1_EL1, r_igrpen, w_igrpen, 1, 0),
    ICH_APR(0, 0), ICH_APR(0, 1), ICH_APR(0, 2), ICH_APR(0, 3),
    ICH_APR(1, 0), ICH_APR(1, 1), ICH_APR(1, 2), ICH_APR(1, 3),
    ICH_RW(ICH_HCR_EL2),   ICH_RO(ICH_VTR_EL2),   ICH_RO(ICH_MISR_EL2),  ICH_RO(ICH_EISR_EL2),
    ICH_RO(ICH_ELRSR_EL2), ICH_RW(ICH_VMCR_EL2),
    ICH_LR(0),  ICH_LR(1),  ICH_LR(2),  ICH_LR(3),  ICH_LR(4),  ICH_LR(5),  ICH_LR(6),  ICH_LR(7),
    ICH_LR(8),  ICH_LR(9),  ICH_LR(10), ICH_LR(11), ICH_LR(12), ICH_LR(13), ICH_LR(14), ICH_LR(15),
    ICH_RW(HCR_EL2),
};
#undef ICC
#undef ICV
#undef ICH_RW
#undef ICH_RO
#undef ICH_LR
#undef ICH_APR

const char *gic_sysreg_name(gic_sysreg_t r)
{
    return (unsigned)r < GIC_SYSREG_COUNT ? sysregs[r].name : "?";
}

gic_sysreg_t gic_sysreg_by_name(const char *name)
{
    for (unsigned i = 0; name && i < GIC_SYSREG_COUNT; i++)
        if (strcmp(sysregs[i].name, name) == 0) return (gic_sysreg_t)i;
    return GIC_SYSREG_COUNT;
}

/* The engine an access goes to: NULL for the EL2 registers. *virt is set
 * when it is the virtual one. */
static gic_engine_t *target(gic_t *g, uint32_t cpu, const sysreg_desc_t *d, bool *virt)
{
    struct gic_cpuif *c = &g->cpuif[cpu];
    *virt = false;
    if (d->view == V_EL2) return NULL;
    if (d->view == V_ICV || (((d->flags & RD_IMO) && c->imo) || ((d->flags & RD_FMO) && c->fmo))) {
        *virt = true;
        return &c->virt;
    }
    return &c->phys;
}

static void trap(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t v)
{
    gic_output_t o = gic_output_now(g, GIC_OUT_TRAP);
    o.cpu = cpu;
    o.code = (uint32_t)reg;
    o.value = v;
    gic_emit(g, &o);
}

/* cpu and reg were checked by the caller (gic_core_sysreg). */
gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val)
{
    const sysreg_desc_t *d = &sysregs[reg];
    if (d->view == V_EL2) { /* every EL2 register is readable; no engine, no redirection */
        *val = d->rd(g, cpu, NULL, d->arg);
        return GIC_OK;
    }
    *val = 0;
    bool virt;
    gic_engine_t *e = target(g, cpu, d, &virt);
    if (!d->rd) {
        gic_error(g, "sysreg_read_wo", d->view == V_EL2 ? "ICH" : virt ? "ICV" : "ICC", "read of write-only %s on CPU %u (RAZ)",
                  d->name, cpu);
        return GIC_OK;
    }
    const uint32_t nref = e->refreshes;
    *val = d->rd(g, cpu, e, d->arg);
    if (virt && (d->flags & F_STATE)) virt_accessed(g, cpu, e->refreshes != nref);
    return GIC_OK;
}

/* cpu and reg were checked by the caller (gic_core_sysreg). */
gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val)
{
    const sysreg_desc_t *d = &sysregs[reg];
    if (d->view == V_EL2 && d->wr) { /* no engine, no redirection, no trap */
        d->wr(g, cpu, NULL, d->arg, val);
        return GIC_OK;
    }
    bool virt;
    gic_engine_t *e = target(g, cpu, d, &virt);
    if (!d->wr) {
        gic_error(g, "sysreg_write_ro", d->view == V_EL2 ? "ICH" : virt ? "ICV" : "ICC", "write of read-only %s on CPU %u ignored",
                  d->name, cpu);
        return GIC_OK;
    }
    if (virt && d->view == V_ICC && (d->flags & F_TRAP)) {
        trap(g, cpu, reg, val); /* EL1 SGI generation while running a guest: the hypervisor's */
        return GIC_OK;
    }
    const uint32_t nref = e->refreshes;
    d->wr(g, cpu, e, d->arg, val);
    if (virt) virt_accessed(g, cpu, e->refreshes != nref);
    return GIC_OK;
}
