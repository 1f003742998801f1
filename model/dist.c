/* Distributor (GICD_*): SPI state, routing (IROUTER, 1-of-N), register map.
 *
 * Configuration modelled: a single security state (GICD_CTLR.DS = 1) with
 * affinity routing always enabled (GICD_CTLR.ARE = 1, RAO/WI). With ARE = 1
 * the distributor registers for INTIDs 0-31 are RAZ/WI (IHI0069 "Affinity
 * routing": SGIs and PPIs are programmed in the redistributors).
 * Timing and 1-of-N choices: docs/interrupt-delivery.md.
 *
 * HPPI cache (cpuif.c): every entry point that changes SPI state marks all
 * CPUs with gic_hppi_changed_all() before returning (register writes are
 * marked by regmap_access); evaluations made inside (cpuif_update) always
 * recompute. */
#include "dist.h"

#include "cpuif.h"
#include "intid_regs.h"
#include "redist.h"

#include <stdlib.h>
#include <string.h>

#define CTLR_GRP0 0x1u
#define CTLR_GRP1 0x2u
#define CTLR_ARE 0x10u
#define CTLR_DS 0x40u
#define IROUTER_IRM (1ull << 31)
#define IROUTER_MASK 0x000000ff80ffffffull

typedef struct gic_spi {
    gic_irq_t s;
    uint64_t irouter;
    int32_t target; /* CPU the current pending episode is forwarded to, -1 = none */
} gic_spi_t;

struct gic_dist {
    gic_intid_block_t ib; /* first: the per-INTID register handlers see the GICD frame through it */
    uint32_t ctlr; /* EnableGrp0 | EnableGrp1 (ARE/DS are constant) */
    uint32_t nspis;
    gic_spi_t *spi;     /* [nspis], index intid-32 */
    uint32_t *pendmap;  /* bit per SPI: pending */
    uint32_t nwords;
    uint32_t npend;     /* bits set in pendmap (dist_hppi skips the scan when 0) */
    int32_t rr_last;    /* last CPU chosen for a 1-of-N SPI */
    uint64_t *cnt_no_target;
    uint64_t *cnt_1ofn_none;
};

static gic_spi_t *spi_get(gic_t *g, uint32_t intid) { return &g->dist->spi[intid - 32]; }

bool dist_spi_valid(const gic_t *g, uint32_t intid)
{
    return intid >= 32 && intid < 32 + g->dist->nspis;
}

static const gic_intid_ops_t dist_intid_ops;

struct gic_dist *dist_create(gic_t *g)
{
    struct gic_dist *d = calloc(1, sizeof(*d));
    if (!d) return NULL;
    d->ib.ops = &dist_intid_ops;
    d->nspis = g->cfg.num_spis;
    d->nwords = (d->nspis + 31) / 32;
    d->spi = calloc(d->nspis ? d->nspis : 1, sizeof(gic_spi_t));
    d->pendmap = calloc(d->nwords ? d->nwords : 1, sizeof(uint32_t));
    d->cnt_no_target = gic_counter(g, "spi.no_target");
    d->cnt_1ofn_none = gic_counter(g, "spi.1ofn_no_participant");
    if (!d->spi || !d->pendmap) {
        dist_destroy(d);
        return NULL;
    }
    for (uint32_t i = 0; i < d->nspis; i++) d->spi[i].target = -1;
    d->rr_last = -1;
    return d;
}

void dist_destroy(struct gic_dist *d)
{
    if (!d) return;
    free(d->spi);
    free(d->pendmap);
    free(d);
}

bool dist_group_enabled(const gic_t *g, unsigned group)
{
    return (g->dist->ctlr & (group ? CTLR_GRP1 : CTLR_GRP0)) != 0;
}

unsigned dist_group_enables(const gic_t *g)
{
    return (g->dist->ctlr & CTLR_GRP0 ? 1u : 0u) | (g->dist->ctlr & CTLR_GRP1 ? 2u : 0u);
}

/* ---- routing ------------------------------------------------------------ */

static uint64_t lat_fwd(const gic_t *g) /* distributor -> CPU pin, cycles */
{
    return (uint64_t)g->cfg.lat_dist_to_redist + g->cfg.lat_redist_to_cpu + g->cfg.lat_cpu_signal;
}

static bool participates(gic_t *g, uint32_t cpu, unsigned group)
{
    return cpuif_group_enabled(g, cpu, group) && !redist_dpg(g, cpu, group) &&
           !redist_asleep(g, cpu);
}

/* 1-of-N selection (IHI0069 leaves the choice IMPLEMENTATION DEFINED):
 * round-robin from the CPU after the last one chosen; the first participating
 * CPU that would take the interrupt now wins, else the first participating
 * CPU. -1 if no CPU participates. */
static int32_t choose_1ofn(gic_t *g, const gic_spi_t *p)
{
    struct gic_dist *d = g->dist;
    uint32_t n = g->cfg.num_cpus;
    int32_t first = -1, pick = -1;
    for (uint32_t i = 0; i < n; i++) {
        uint32_t c = (uint32_t)((int64_t)d->rr_last + 1 + i) % n;
        if (!participates(g, c, p->s.group)) continue;
        if (first < 0) first = (int32_t)c;
        if (cpuif_would_take(g, c, p->s.prio, p->s.group)) {
            pick = (int32_t)c;
            break;
        }
    }
    if (pick < 0) pick = first;
    if (pick >= 0) d->rr_last = pick;
    return pick;
}

static int32_t route(gic_t *g, uint32_t intid, gic_spi_t *p)
{
    if (p->irouter & IROUTER_IRM) {
        int32_t c = choose_1ofn(g, p);
        if (c < 0) gic_inc(g->dist->cnt_1ofn_none);
        return c;
    }
    uint32_t aff = (uint32_t)(((p->irouter >> 32) & 0xff) << 24) | (uint32_t)(p->irouter & 0xffffff);
    int c = gic_cpu_by_affinity(g, aff);
    if (c < 0) {
        gic_inc(g->dist->cnt_no_target);
        gic_error(g, "spi_no_target", "GICD",
                  "SPI %u pending but GICD_IROUTER%u = 0x%llx names no CPU: not delivered", intid,
                  intid, (unsigned long long)p->irouter);
    }
    return c;
}

static void set_pendbit(struct gic_dist *d, uint32_t intid, bool on)
{
    uint32_t i = intid - 32, m = 1u << (i % 32);
    uint32_t *w = &d->pendmap[i / 32];
    if (!(*w & m) == !on) return;
    if (on) {
        *w |= m;
        d->npend++;
    } else {
        *w &= ~m;
        d->npend--;
    }
}

/* Forward the pending episode of an SPI to its (new) target: visible at
 * t_base + lat cycles, never earlier than already scheduled. */
static void forward(gic_t *g, gic_spi_t *p, gic_time_t t_vis)
{
    if (p->s.t_vis < t_vis) p->s.t_vis = t_vis;
    if (p->target >= 0) gic_cpu_update_at(g, (uint32_t)p->target, p->s.t_vis);
}

/* Apply the consequences of a state change; was = pending before it,
 * lat = path latency in cycles if the SPI became pending now. */
static void spi_changed(gic_t *g, uint32_t intid, bool was, uint64_t lat)
{
    gic_spi_t *p = spi_get(g, intid);
    bool now_p = gic_irq_pending(&p->s);
    set_pendbit(g->dist, intid, now_p);
    if (now_p && !was) {
        p->s.t_pend = g->now;
        p->s.t_vis = g->now + gic_cycles(g, lat);
        p->s.repend = false;
        int32_t old = p->target;
        p->target = route(g, intid, p);
        if (old >= 0 && old != p->target) cpuif_update(g, (uint32_t)old);
        forward(g, p, p->s.t_vis);
    } else if (!now_p && was) {
        if (p->target >= 0) cpuif_update(g, (uint32_t)p->target);
    }
}

static void update_all(gic_t *g)
{
    for (uint32_t c = 0; c < g->cfg.num_cpus; c++) cpuif_update(g, c);
}

void dist_set_spi_line(gic_t *g, uint32_t intid, bool level)
{
    if (!dist_spi_valid(g, intid)) return;
    gic_spi_t *p = spi_get(g, intid);
    bool was = gic_irq_pending(&p->s);
    if (p->s.edge && level && !p->s.line) p->s.latch = true; /* rising edge */
    p->s.line = level;
    spi_changed(g, intid, was,
                (uint64_t)g->cfg.lat_spi_input + lat_fwd(g));
    gic_hppi_changed_all(g);
}

void dist_set_spi_msg(gic_t *g, uint32_t intid, bool set)
{
    if (!dist_spi_valid(g, intid)) {
        gic_error(g, "setspi_bad_intid", "GICD", "GICD_%sSPI_NSR with INTID %u: not an implemented SPI, ignored",
                  set ? "SET" : "CLR", intid);
        return;
    }
    gic_spi_t *p = spi_get(g, intid);
    bool was = gic_irq_pending(&p->s);
    /* IHI0069 GICD_SETSPI_NSR: "Writes to this register have no effect if
     * [...] the SPI is already pending" (whatever made it pending: wire,
     * GICD_ISPENDR, an earlier SETSPI). A level SPI's message line is then
     * not asserted: a GICD_ICPENDR, or its wire going low, ends it. */
    if (set && was) {
        if (gic_log_on(g, GIC_LOG_DEBUG))
            gic_log(g, GIC_LOG_DEBUG, "GICD", "GICD_SETSPI_NSR of SPI %u: already pending, no effect", intid);
        return;
    }
    /* IHI0069 "Message-based SPIs": for an edge-triggered SPI SETSPI sets the
     * pending state and CLRSPI removes it; for a level-sensitive SPI the pair
     * behaves as an asserted/deasserted wire. */
    if (p->s.edge) p->s.latch = set;
    else p->s.msg = set;
    spi_changed(g, intid, was, lat_fwd(g));
    gic_hppi_changed_all(g);
}

void dist_hppi(gic_t *g, uint32_t cpu, const bool en[2], gic_cand_t *out, gic_time_t *until)
{
    struct gic_dist *d = g->dist;
    cand_none(out);
    if ((!en[0] && !en[1]) || !d->npend) return;
    for (uint32_t w = 0; w < d->nwords; w++) {
        uint32_t bits = d->pendmap[w];
        while (bits) {
            unsigned b = (unsigned)__builtin_ctz(bits);
            bits &= bits - 1;
            const gic_spi_t *p = &d->spi[w * 32 + b];
            if (p->target != (int32_t)cpu || !p->s.enabled || p->s.active || !en[p->s.group])
                continue;
            if (p->s.t_vis > g->now) {
                if (p->s.t_vis < *until) *until = p->s.t_vis;
                continue;
            }
            gic_cand_t c = {32 + w * 32 + b, p->s.prio, p->s.group};
            if (cand_better(&c, out)) *out = c;
        }
    }
}

gic_time_t dist_pending_time(const gic_t *g, uint32_t intid)
{
    return dist_spi_valid(g, intid) ? g->dist->spi[intid - 32].s.t_pend : g->now;
}

/* Re-target pending 1-of-N SPIs waiting on cpu (cpu acknowledged another
 * interrupt or stopped participating). */
static void retarget_from(gic_t *g, uint32_t cpu, uint32_t skip, bool only_lost)
{
    struct gic_dist *d = g->dist;
    if (!d->npend) return; /* no pending SPI: nothing to re-target */
    for (uint32_t w = 0; w < d->nwords; w++) {
        uint32_t bits = d->pendmap[w];
        while (bits) {
            unsigned b = (unsigned)__builtin_ctz(bits);
            bits &= bits - 1;
            uint32_t intid = 32 + w * 32 + b;
            gic_spi_t *p = &d->spi[w * 32 + b];
            if (intid == skip || !(p->irouter & IROUTER_IRM) || p->s.active) continue;
            if (p->target != (int32_t)cpu) continue;
            if (only_lost && participates(g, cpu, p->s.group)) continue;
            int32_t c = choose_1ofn(g, p);
            if (c == p->target) continue;
            p->target = c;
            if (c < 0) gic_inc(d->cnt_1ofn_none);
            forward(g, p, g->now + gic_cycles(g, lat_fwd(g)));
        }
    }
}

gic_time_t dist_ack(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (!dist_spi_valid(g, intid)) return g->now;
    gic_spi_t *p = spi_get(g, intid);
    gic_time_t t = p->s.t_pend;
    bool was = gic_irq_pending(&p->s);
    p->s.active = true;
    p->s.latch = false; /* edge latch / software pending consumed by the acknowledge */
    bool still = gic_irq_pending(&p->s);
    set_pendbit(g->dist, intid, still);
    p->s.repend = still; /* level source still asserted: active and pending */
    (void)was;
    retarget_from(g, cpu, intid, false);
    gic_hppi_changed_all(g);
    return t;
}

static bool deactivate(gic_t *g, uint32_t cpu, uint32_t intid)
{
    gic_spi_t *p = spi_get(g, intid);
    if (!p->s.active) return false;
    p->s.active = false;
    gic_emit_deactivate(g, cpu, intid);
    if (gic_irq_pending(&p->s)) {
        /* Pending again after deactivation: forwarded again from the
         * distributor. A level source that stayed asserted starts a new
         * pending episode now; an edge latched while active keeps its time. */
        if (p->s.repend) p->s.t_pend = g->now;
        p->s.repend = false;
        int32_t old = p->target;
        p->target = route(g, intid, p);
        if (old >= 0 && old != p->target) cpuif_update(g, (uint32_t)old);
        forward(g, p, g->now + gic_cycles(g, lat_fwd(g)));
    }
    p->s.repend = false;
    return true;
}

bool dist_deactivate(gic_t *g, uint32_t cpu, uint32_t intid)
{
    if (!dist_spi_valid(g, intid)) return false;
    bool ok = deactivate(g, cpu, intid);
    gic_hppi_changed_all(g);
    return ok;
}

uint8_t dist_priority(const gic_t *g, uint32_t intid)
{
    return dist_spi_valid(g, intid) ? g->dist->spi[intid - 32].s.prio : 0xff;
}

unsigned dist_group(const gic_t *g, uint32_t intid)
{
    return dist_spi_valid(g, intid) ? g->dist->spi[intid - 32].s.group : 1;
}

void dist_cpu_changed(gic_t *g, uint32_t cpu)
{
    struct gic_dist *d = g->dist;
    /* SPIs targeted at a CPU that stopped participating move elsewhere. */
    retarget_from(g, cpu, GIC_SPURIOUS, true);
    /* 1-of-N SPIs that found no participant get one now. */
    for (uint32_t i = 0; i < d->nspis; i++) {
        gic_spi_t *p = &d->spi[i];
        if (p->target >= 0 || !(p->irouter & IROUTER_IRM) || !gic_irq_pending(&p->s)) continue;
        p->target = choose_1ofn(g, p);
        if (p->target >= 0) forward(g, p, g->now + gic_cycles(g, lat_fwd(g)));
    }
    gic_hppi_changed_all(g);
}

/* ---- register handlers -------------------------------------------------- */

#define BLK(b) ((struct gic_dist *)(b))

static uint64_t rd_ctlr(gic_t *g, void *b, unsigned n)
{
    (void)g; (void)n;
    return BLK(b)->ctlr | CTLR_ARE | CTLR_DS; /* RWP (bit 31) reads 0: writes take effect at once */
}

static void wr_ctlr(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    (void)n;
    struct gic_dist *d = BLK(b);
    uint32_t old = d->ctlr;
    d->ctlr = (uint32_t)((old & ~m) | (v & m)) & (CTLR_GRP0 | CTLR_GRP1);
    /* E1NWF is RAZ/WI (IMPLEMENTATION DEFINED): sleeping CPUs never take 1-of-N SPIs. */
    uint32_t newly = d->ctlr & ~old;
    if (newly) {
        /* A group just enabled: its pending SPIs are forwarded from now. */
        gic_time_t tv = g->now + gic_cycles(g, lat_fwd(g));
        for (uint32_t i = 0; i < d->nspis; i++) {
            gic_spi_t *p = &d->spi[i];
            if (gic_irq_pending(&p->s) && (newly & (p->s.group ? CTLR_GRP1 : CTLR_GRP0)))
                forward(g, p, tv);
        }
    }
    update_all(g);
}

static uint64_t rd_typer(gic_t *g, void *b, unsigned n)
{
    (void)b; (void)n;
    const gic_config_t *c = &g->cfg;
    uint32_t lines = (32 + c->num_spis + 31) / 32 - 1;
    uint32_t idbits = (c->lpi_id_bits ? c->lpi_id_bits : 10) - 1;
    /* CPUNumber [7:5] = 0: IHI0069 GICD_TYPER, "If the implementation does not
     * support ARE being zero, this field is 0b000" (ARE is RAO/WI). */
    return (uint64_t)(lines & 0x1f) | (1ull << 16) /* MBIS */ |
           ((uint64_t)(c->lpi_id_bits != 0) << 17) /* LPIS */ |
           ((uint64_t)(c->gic_version >= 4 && c->lpi_id_bits != 0) << 18) /* DVIS: GICv4 direct injection */ |
           ((uint64_t)idbits << 19) |
           (1ull << 24) /* A3V */ | (1ull << 26) /* RSS */;
}

static uint64_t rd_iidr(gic_t *g, void *b, unsigned n) { (void)g; (void)b; (void)n; return GICTLM_IIDR; }

static void wr_setspi(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    (void)b; (void)m; (void)n;
    dist_set_spi_msg(g, (uint32_t)(v & 0x1fff), true);
}

static void wr_clrspi(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    (void)b; (void)m; (void)n;
    dist_set_spi_msg(g, (uint32_t)(v & 0x1fff), false);
}

/* Per-INTID registers (intid_regs.c): GICD_IGROUPR, I[SC]ENABLER, I[SC]PENDR,
 * I[SC]ACTIVER, IPRIORITYR, ICFGR. With ARE = 1 the fields of INTIDs 0-31
 * (SGIs, PPIs) are RAZ/WI, as are those of unimplemented SPIs. A change of an
 * SPI is routed and forwarded from the distributor (lat_fwd); enable, active,
 * group and priority writes re-evaluate every CPU. */
static gic_irq_t *spi_at(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool write)
{
    (void)b;
    (void)write; /* register writes mark every CPU's HPPI (regmap_access) */
    return dist_spi_valid(g, intid) ? &spi_get(g, intid)->s : NULL;
}

static void spi_pending_changed(gic_t *g, gic_intid_block_t *b, uint32_t intid, bool was)
{
    (void)b;
    spi_changed(g, intid, was, lat_fwd(g));
}

static void spi_forward_now(gic_t *g, gic_intid_block_t *b, uint32_t intid)
{
    (void)b;
    forward(g, spi_get(g, intid), g->now + gic_cycles(g, lat_fwd(g)));
}

static void spi_deactivate(gic_t *g, gic_intid_block_t *b, uint32_t intid)
{
    (void)b;
    const gic_spi_t *p = spi_get(g, intid);
    deactivate(g, p->target >= 0 ? (uint32_t)p->target : 0, intid);
}

static void spi_written(gic_t *g, gic_intid_block_t *b, gic_intid_reg_t reg, bool touched)
{
    (void)b;
    switch (reg) {
    case GIC_IR_IGROUPR:
    case GIC_IR_IPRIORITYR:
        update_all(g);
        break;
    case GIC_IR_ISENABLER:
    case GIC_IR_ICENABLER:
    case GIC_IR_ISACTIVER:
    case GIC_IR_ICACTIVER:
        if (touched) update_all(g);
        break;
    case GIC_IR_ISPENDR:
    case GIC_IR_ICPENDR:
    case GIC_IR_ICFGR:
        break; /* spi_changed updated the CPUs concerned */
    }
}

static const gic_intid_ops_t dist_intid_ops = {spi_at, spi_pending_changed, spi_forward_now,
                                               spi_deactivate, spi_written};

/* IROUTER<n> (n = INTID): Aff3 [39:32], IRM [31], Aff2.Aff1.Aff0 [23:0]. */
static uint64_t rd_irouter(gic_t *g, void *b, unsigned n)
{
    (void)b;
    uint32_t intid = 32 + n;
    return dist_spi_valid(g, intid) ? spi_get(g, intid)->irouter : 0;
}

static void wr_irouter(gic_t *g, void *b, unsigned n, uint64_t v, uint64_t m)
{
    (void)b;
    uint32_t intid = 32 + n;
    if (!dist_spi_valid(g, intid)) return;
    gic_spi_t *p = spi_get(g, intid);
    p->irouter = ((p->irouter & ~m) | (v & m)) & IROUTER_MASK;
    if (gic_irq_pending(&p->s) && !p->s.active) {
        int32_t old = p->target;
        p->target = route(g, intid, p);
        if (old != p->target) {
            if (old >= 0) cpuif_update(g, (uint32_t)old);
            forward(g, p, g->now + gic_cycles(g, lat_fwd(g)));
        }
    } else if (!gic_irq_pending(&p->s)) {
        p->target = -1;
    }
}

/* Identification registers (CoreSight layout). PIDR2.ArchRev = GIC version,
 * JEDEC = 1, DES_1 = 0b011; PIDR1.DES_0 = 0xB; PIDR4.DES_2 = 4, SIZE = 0.
 * Part number 0x000 (model). Shared with the redistributor frames. */
uint8_t gic_id_reg(const gic_t *g, unsigned k)
{
    /* k: 0..3 PIDR4..7, 4..7 PIDR0..3, 8..11 CIDR0..3 */
    static const uint8_t ids[12] = {0x04, 0, 0, 0, 0x00, 0xb0, 0x0b, 0x00, 0x0d, 0xf0, 0x05, 0xb1};
    if (k == 6) return (uint8_t)((g->cfg.gic_version << 4) | 0x0b);
    return k < 12 ? ids[k] : 0;
}

#define ID_FN(k) \
    uint64_t gic_rd_id##k(gic_t *g, void *blk, unsigned n) { (void)blk; (void)n; return gic_id_reg(g, k); }
ID_FN(0) ID_FN(1) ID_FN(2) ID_FN(3) ID_FN(4) ID_FN(5) ID_FN(6) ID_FN(7) ID_FN(8) ID_FN(9) ID_FN(10) ID_FN(11)

#define R(off, cnt, w, fl, nm, rs, rd, wr) {off, cnt, w, fl, nm, rs, rd, wr}
static const gic_reg_t dist_regs[] = {
    R(0x0000, 1, 4, 0, "GICD_CTLR", 0x50, rd_ctlr, wr_ctlr),
    R(0x0004, 1, 4, REG_F_RO, "GICD_TYPER", 0, rd_typer, NULL),
    R(0x0008, 1, 4, REG_F_RO, "GICD_IIDR", GICTLM_IIDR, rd_iidr, NULL),
    R(0x000c, 1, 4, REG_F_RO, "GICD_TYPER2", 0, NULL, NULL),
    R(0x0010, 1, 4, 0, "GICD_STATUSR", 0, NULL, NULL),
    /* IHI0069 GICD_SETSPI_NSR and the others: "16-bit accesses to bits [15:0]
     * of this register must be supported" (REG_F_HALF). */
    R(0x0040, 1, 4, REG_F_WO | REG_F_HALF, "GICD_SETSPI_NSR", 0, NULL, wr_setspi),
    R(0x0048, 1, 4, REG_F_WO | REG_F_HALF, "GICD_CLRSPI_NSR", 0, NULL, wr_clrspi),
    R(0x0050, 1, 4, REG_F_HALF, "GICD_SETSPI_SR", 0, NULL, NULL),
    R(0x0058, 1, 4, REG_F_HALF, "GICD_CLRSPI_SR", 0, NULL, NULL),
    R(0x0080, 32, 4, 0, "GICD_IGROUPR", 0, intid_rd_igroupr, intid_wr_igroupr),
    R(0x0100, 32, 4, 0, "GICD_ISENABLER", 0, intid_rd_enabler, intid_wr_isenabler),
    R(0x0180, 32, 4, 0, "GICD_ICENABLER", 0, intid_rd_enabler, intid_wr_icenabler),
    R(0x0200, 32, 4, 0, "GICD_ISPENDR", 0, intid_rd_pendr, intid_wr_ispendr),
    R(0x0280, 32, 4, 0, "GICD_ICPENDR", 0, intid_rd_pendr, intid_wr_icpendr),
    R(0x0300, 32, 4, 0, "GICD_ISACTIVER", 0, intid_rd_activer, intid_wr_isactiver),
    R(0x0380, 32, 4, 0, "GICD_ICACTIVER", 0, intid_rd_activer, intid_wr_icactiver),
    R(0x0400, 255, 4, REG_F_BYTE, "GICD_IPRIORITYR", 0, intid_rd_ipriorityr, intid_wr_ipriorityr),
    R(0x0800, 255, 4, REG_F_BYTE, "GICD_ITARGETSR", 0, NULL, NULL),
    R(0x0c00, 64, 4, 0, "GICD_ICFGR", 0, intid_rd_icfgr, intid_wr_icfgr),
    R(0x0d00, 32, 4, 0, "GICD_IGRPMODR", 0, NULL, NULL),
    R(0x0e00, 64, 4, 0, "GICD_NSACR", 0, NULL, NULL),
    R(0x0f00, 1, 4, REG_F_WO, "GICD_SGIR", 0, NULL, NULL),
    R(0x0f10, 4, 4, REG_F_BYTE, "GICD_CPENDSGIR", 0, NULL, NULL),
    R(0x0f20, 4, 4, REG_F_BYTE, "GICD_SPENDSGIR", 0, NULL, NULL),
    R(0x6100, 988, 8, 0, "GICD_IROUTER", 0, rd_irouter, wr_irouter),
    GIC_ID_REG_ROWS("GICD"),
};

const gic_regmap_t dist_regmap = {"GICD", dist_regs, sizeof(dist_regs) / sizeof(dist_regs[0]),
                                  GIC_GICD_SIZE};
