/* Physical CPU interface: the ICC_*_EL1 register view of a CPU's priority
 * engine (cpuif_engine.c) over the physical interrupt source
 * (cpuif_phys.c), and the registers that are the physical interface's own:
 * SGI generation (ICC_SGI0R/SGI1R/ASGI1R), ICC_CTLR_EL1, ICC_SRE_EL1.
 * The system-register table below is the one place that names each register. */
#include "cpuif.h"

#include "dist.h"
#include "redist.h"

#include <stdlib.h>
#include <string.h>

struct gic_cpuif {
    gic_engine_t phys; /* ICC_*: the physical interface */
};

static gic_engine_t *eng(const gic_t *g, uint32_t cpu) { return &g->cpuif[cpu].phys; }

struct gic_cpuif *cpuif_create(gic_t *g)
{
    struct gic_cpuif *c = calloc(g->cfg.num_cpus, sizeof(*c));
    if (!c) return NULL;
    eng_stats_t st;
    eng_stats_init(g, &st, "irq", "latency");
    for (uint32_t i = 0; i < g->cfg.num_cpus; i++) eng_init(g, &c[i].phys, &cpuif_phys_source, i, i, &st);
    return c;
}

void cpuif_destroy(gic_t *g, struct gic_cpuif *c) { (void)g; free(c); }

bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group)
{
    return eng(g, cpu)->igrpen[group ? 1 : 0];
}

bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group)
{
    return eng_can_signal(eng(g, cpu), prio, group ? 1 : 0);
}

void cpuif_update(gic_t *g, uint32_t cpu) { eng_update(g, eng(g, cpu)); }
void cpuif_refresh(gic_t *g, uint32_t cpu) { eng_refresh(g, eng(g, cpu)); }

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

/* ---- system register table ------------------------------------------------------- */

typedef uint64_t (*sr_rd_fn)(gic_t *g, uint32_t cpu, unsigned arg);
typedef void (*sr_wr_fn)(gic_t *g, uint32_t cpu, unsigned arg, uint64_t v);

static uint64_t r_iar(gic_t *g, uint32_t cpu, unsigned a) { return eng_iar(g, eng(g, cpu), a); }
static void w_eoir(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { eng_eoi(g, eng(g, cpu), a, v); }
static void w_dir(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { (void)a; eng_dir(g, eng(g, cpu), v); }
static uint64_t r_hppir(gic_t *g, uint32_t cpu, unsigned a) { return eng_hppir(g, eng(g, cpu), a); }
static uint64_t r_bpr(gic_t *g, uint32_t cpu, unsigned a) { return eng_bpr_read(eng(g, cpu), a); }
static void w_bpr(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { eng_bpr_write(g, eng(g, cpu), a, v); }
static uint64_t r_pmr(gic_t *g, uint32_t cpu, unsigned a) { (void)a; return eng(g, cpu)->pmr; }
static void w_pmr(gic_t *g, uint32_t cpu, unsigned a, uint64_t v)
{
    (void)a;
    eng_pmr_write(g, eng(g, cpu), gic_prio_mask(g), v);
}
static uint64_t r_rpr(gic_t *g, uint32_t cpu, unsigned a) { (void)a; return eng_running_priority(eng(g, cpu)); }
/* arg: group * 4 + n */
static uint64_t r_apr(gic_t *g, uint32_t cpu, unsigned a) { return eng_apr_read(eng(g, cpu), a >> 2, a & 3); }
static void w_apr(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { eng_apr_write(g, eng(g, cpu), a >> 2, a & 3, v); }

static uint64_t r_ctlr(gic_t *g, uint32_t cpu, unsigned a)
{
    (void)a;
    const gic_engine_t *e = eng(g, cpu);
    uint64_t idbits = g->cfg.lpi_id_bits > 16 ? 1 : 0; /* 0: 16 INTID bits, 1: 24 */
    return (uint64_t)e->cbpr | ((uint64_t)e->eoimode << 1) | ((uint64_t)(g->cfg.pri_bits - 1) << 8) |
           (idbits << 11) | (1ull << 15) /* A3V */ | (1ull << 18) /* RSS */;
}
static void w_ctlr(gic_t *g, uint32_t cpu, unsigned a, uint64_t v)
{
    (void)a;
    eng_ctlr_write(g, eng(g, cpu), v & 1, (v >> 1) & 1);
}

static uint64_t r_igrpen(gic_t *g, uint32_t cpu, unsigned a) { return eng(g, cpu)->igrpen[a]; }
static void w_igrpen(gic_t *g, uint32_t cpu, unsigned a, uint64_t v)
{
    gic_engine_t *e = eng(g, cpu);
    bool en = v & 1;
    if (en == e->igrpen[a]) return;
    e->igrpen[a] = en;
    dist_cpu_changed(g, cpu);
    eng_update(g, e);
}

static uint64_t r_sre(gic_t *g, uint32_t cpu, unsigned a) { (void)g; (void)cpu; (void)a; return 0x7; }
static void w_ignore(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { (void)g; (void)cpu; (void)a; (void)v; }
static void w_sgi(gic_t *g, uint32_t cpu, unsigned a, uint64_t v) { do_sgi(g, cpu, a, v); }

typedef struct sysreg_desc {
    const char *name;
    sr_rd_fn rd; /* NULL: write-only */
    sr_wr_fn wr; /* NULL: read-only */
    unsigned arg;
} sysreg_desc_t;

#define SR(id, rd, wr, arg) [GIC_##id] = {#id, rd, wr, arg}
static const sysreg_desc_t sysregs[GIC_SYSREG_COUNT] = {
    SR(ICC_IAR0_EL1, r_iar, NULL, 0),        SR(ICC_IAR1_EL1, r_iar, NULL, 1),
    SR(ICC_EOIR0_EL1, NULL, w_eoir, 0),      SR(ICC_EOIR1_EL1, NULL, w_eoir, 1),
    SR(ICC_DIR_EL1, NULL, w_dir, 0),         SR(ICC_HPPIR0_EL1, r_hppir, NULL, 0),
    SR(ICC_HPPIR1_EL1, r_hppir, NULL, 1),    SR(ICC_BPR0_EL1, r_bpr, w_bpr, 0),
    SR(ICC_BPR1_EL1, r_bpr, w_bpr, 1),       SR(ICC_PMR_EL1, r_pmr, w_pmr, 0),
    SR(ICC_RPR_EL1, r_rpr, NULL, 0),         SR(ICC_AP0R0_EL1, r_apr, w_apr, 0),
    SR(ICC_AP0R1_EL1, r_apr, w_apr, 1),      SR(ICC_AP0R2_EL1, r_apr, w_apr, 2),
    SR(ICC_AP0R3_EL1, r_apr, w_apr, 3),      SR(ICC_AP1R0_EL1, r_apr, w_apr, 4),
    SR(ICC_AP1R1_EL1, r_apr, w_apr, 5),      SR(ICC_AP1R2_EL1, r_apr, w_apr, 6),
    SR(ICC_AP1R3_EL1, r_apr, w_apr, 7),      SR(ICC_CTLR_EL1, r_ctlr, w_ctlr, 0),
    SR(ICC_IGRPEN0_EL1, r_igrpen, w_igrpen, 0), SR(ICC_IGRPEN1_EL1, r_igrpen, w_igrpen, 1),
    SR(ICC_SRE_EL1, r_sre, w_ignore, 0),     SR(ICC_SGI0R_EL1, NULL, w_sgi, 0),
    SR(ICC_SGI1R_EL1, NULL, w_sgi, 1),       SR(ICC_ASGI1R_EL1, NULL, w_sgi, 0),
};
#undef SR

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

gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val)
{
    *val = 0;
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) return GIC_ERR_ARG;
    const sysreg_desc_t *d = &sysregs[reg];
    if (!d->rd) {
        gic_error(g, "sysreg_read_wo", "ICC", "read of write-only %s on CPU %u (RAZ)", d->name, cpu);
        return GIC_OK;
    }
    *val = d->rd(g, cpu, d->arg);
    return GIC_OK;
}

gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val)
{
    if (cpu >= g->cfg.num_cpus || (unsigned)reg >= GIC_SYSREG_COUNT) return GIC_ERR_ARG;
    const sysreg_desc_t *d = &sysregs[reg];
    if (!d->wr) {
        gic_error(g, "sysreg_write_ro", "ICC", "write of read-only %s on CPU %u ignored", d->name, cpu);
        return GIC_OK;
    }
    d->wr(g, cpu, d->arg, val);
    return GIC_OK;
}
