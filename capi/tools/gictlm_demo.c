/* gictlm-demo: a tiny, readable end-to-end run of the GIC model through the
 * public C API. Programs the GIC the way Linux does (distributor, SPI
 * priorities/enables/IROUTER, redistributor wake-up, ICC_* set-up), raises
 * edge and level SPIs, SGIs between CPUs and a PPI, plays a tiny CPU that
 * acknowledges and EOIs, prints a timeline and the statistics table.
 *
 *   gictlm-demo [-q]      (-q: statistics only; --help)
 */
#define _DEFAULT_SOURCE /* getopt_long */
#include "gictlm.h"

#include <getopt.h>
#include <stdio.h>
#include <string.h>

#define NCPU 2
#define NS 1000ull /* ps */

typedef struct cpu {
    int state;            /* 0 idle, 1 entering (IAR due), 2 in handler */
    gic_time_t t_next;    /* time of the next action */
    uint32_t intid;       /* interrupt being handled */
    bool irq;             /* IRQ line level */
} cpu_t;

typedef struct demo {
    gic_t *g;
    cpu_t cpu[NCPU];
    gic_time_t src_time[1024]; /* when the demo raised each interrupt */
    bool quiet;
} demo_t;

static void say(demo_t *d, gic_time_t t, const char *fmt_cpu, int cpu, const char *what)
{
    if (d->quiet) return;
    printf("%10.3f ns  ", (double)t / NS);
    if (cpu >= 0) printf(fmt_cpu, cpu);
    else printf("      ");
    printf("  %s\n", what);
}

static void on_output(void *ctx, const gic_output_t *o)
{
    demo_t *d = ctx;
    char buf[160];
    switch (o->kind) {
    case GIC_OUT_LINE:
        if (o->cpu < NCPU && o->line == GIC_LINE_IRQ) d->cpu[o->cpu].irq = o->level;
        snprintf(buf, sizeof buf, "%s %s", o->line == GIC_LINE_IRQ ? "IRQ" : "FIQ",
                 o->level ? "asserted" : "deasserted");
        say(d, o->time, "CPU%d", (int)o->cpu, buf);
        break;
    case GIC_OUT_DEACTIVATE:
        snprintf(buf, sizeof buf, "INTID %u deactivated", o->intid);
        say(d, o->time, "CPU%d", (int)o->cpu, buf);
        break;
    case GIC_OUT_ERROR:
        snprintf(buf, sizeof buf, "error: %s", o->reason ? o->reason : "?");
        say(d, o->time, "CPU%d", -1, buf);
        break;
    default: break;
    }
}

static void dw(gic_t *g, gic_time_t t, uint64_t off, uint64_t v, uint32_t size)
{
    gic_mmio_write(g, t, GIC_FRAME_GICD, 0, off, size, v);
}
static void rw(gic_t *g, gic_time_t t, uint32_t cpu, uint64_t off, uint64_t v, uint32_t size)
{
    gic_mmio_write(g, t, GIC_FRAME_GICR, cpu, off, size, v);
}
static uint64_t rr(gic_t *g, gic_time_t t, uint32_t cpu, uint64_t off)
{
    uint64_t v = 0;
    gic_mmio_read(g, t, GIC_FRAME_GICR, cpu, off, 4, &v);
    return v;
}

/* Distributor and CPU-interface bring-up as drivers/irqchip/irq-gic-v3.c does it. */
static void linux_init(gic_t *g, const gic_config_t *cfg)
{
    gic_time_t t = 0;
    dw(g, t, 0x0, 0, 4); /* GICD_CTLR: disable while configuring */
    for (uint32_t i = 32; i < 32 + cfg->num_spis; i += 32) {
        dw(g, t, 0x180 + i / 8, 0xffffffff, 4); /* ICENABLER */
        dw(g, t, 0x80 + i / 8, 0xffffffff, 4);  /* IGROUPR: all Group 1 */
    }
    for (uint32_t i = 32; i < 32 + cfg->num_spis; i += 4) dw(g, t, 0x400 + i, 0xa0a0a0a0, 4);
    for (uint32_t i = 32; i < 32 + cfg->num_spis; i++) dw(g, t, 0x6000 + 8 * i, 0, 8); /* -> CPU0 */
    dw(g, t, 0x0, 0x12, 4); /* ARE | EnableGrp1 */
    for (uint32_t c = 0; c < cfg->num_cpus; c++) {
        rw(g, t, c, 0x14, 0, 4); /* GICR_WAKER.ProcessorSleep = 0 */
        while (rr(g, t, c, 0x14) & 4) t += NS; /* wait for ChildrenAsleep = 0 */
        rw(g, t, c, 0x10080, 0xffffffff, 4);   /* GICR_IGROUPR0 */
        for (uint32_t i = 0; i < 32; i += 4) rw(g, t, c, 0x10400 + i, 0xa0a0a0a0, 4);
        rw(g, t, c, 0x10100, 0x0000ffff | (1u << 27), 4); /* SGIs and the timer PPI */
        gic_sysreg_write(g, t, c, GIC_ICC_SRE_EL1, 7);
        gic_sysreg_write(g, t, c, GIC_ICC_PMR_EL1, 0xf0);
        gic_sysreg_write(g, t, c, GIC_ICC_BPR1_EL1, 0);
        gic_sysreg_write(g, t, c, GIC_ICC_CTLR_EL1, 0);
        gic_sysreg_write(g, t, c, GIC_ICC_IGRPEN1_EL1, 1);
    }
}

typedef enum { A_SPI_PULSE, A_SPI_LEVEL, A_SETSPI, A_SGI, A_SGI_ALL, A_PPI } act_t;
typedef struct step {
    gic_time_t t;
    act_t act;
    uint32_t cpu; /* originating CPU (SGI) or target (PPI) */
    uint32_t intid;
    uint32_t target; /* SGI target CPU */
    const char *what;
} step_t;

static const step_t script[] = {
    {1000 * NS, A_SPI_PULSE, 0, 40, 0, "device A: edge SPI 40 (-> CPU0)"},
    {1200 * NS, A_SPI_LEVEL, 0, 41, 0, "device B: level SPI 41 raised (1-of-N)"},
    {1210 * NS, A_SPI_PULSE, 0, 43, 0, "device C: edge SPI 43 (1-of-N)"},
    {1500 * NS, A_SGI, 0, 1, 1, "CPU0 sends SGI 1 to CPU1 (ICC_SGI1R_EL1)"},
    {2000 * NS, A_PPI, 1, 27, 0, "CPU1 timer: level PPI 27 raised"},
    {2500 * NS, A_SGI_ALL, 1, 2, 0, "CPU1 broadcasts SGI 2 (IRM = 1)"},
    {3000 * NS, A_SETSPI, 0, 42, 0, "MSI-style write to GICD_SETSPI_NSR: SPI 42"},
};

static void run_step(demo_t *d, const step_t *s)
{
    gic_t *g = d->g;
    say(d, s->t, "CPU%d", -1, s->what);
    d->src_time[s->intid] = s->t;
    switch (s->act) {
    case A_SPI_PULSE:
        gic_set_spi(g, s->t, s->intid, true);
        gic_set_spi(g, s->t, s->intid, false);
        break;
    case A_SPI_LEVEL: gic_set_spi(g, s->t, s->intid, true); break;
    case A_SETSPI: dw(g, s->t, 0x40, s->intid, 4); break;
    case A_SGI:
        gic_sysreg_write(g, s->t, s->cpu, GIC_ICC_SGI1R_EL1,
                         ((uint64_t)s->intid << 24) | (1u << s->target));
        break;
    case A_SGI_ALL:
        gic_sysreg_write(g, s->t, s->cpu, GIC_ICC_SGI1R_EL1, ((uint64_t)s->intid << 24) | (1ull << 40));
        break;
    case A_PPI: gic_set_ppi(g, s->t, s->cpu, s->intid, true); break;
    }
}

/* The tiny CPU: 20 ns exception entry, IAR; the handler quiets a level
 * source after 100 ns and writes EOIR after 150 ns. */
static void cpu_step(demo_t *d, uint32_t c, gic_time_t t)
{
    cpu_t *p = &d->cpu[c];
    char buf[160];
    if (p->state == 0 && p->irq) {
        p->state = 1;
        p->t_next = t + 20 * NS;
    } else if (p->state == 1 && t >= p->t_next) {
        uint64_t id = 0;
        gic_sysreg_read(d->g, t, c, GIC_ICC_IAR1_EL1, &id);
        if (id == 1023) {
            say(d, t, "CPU%d", (int)c, "ICC_IAR1_EL1 -> 1023 (spurious)");
            p->state = 0;
            return;
        }
        snprintf(buf, sizeof buf, "ICC_IAR1_EL1 -> %llu   (%.3f ns after the source)",
                 (unsigned long long)id, (double)(t - d->src_time[id < 1024 ? id : 0]) / NS);
        say(d, t, "CPU%d", (int)c, buf);
        p->intid = (uint32_t)id;
        p->state = 2;
        p->t_next = t + 100 * NS;
    } else if (p->state == 2 && t >= p->t_next) {
        if (p->intid == 41) {
            gic_set_spi(d->g, t, 41, false);
            say(d, t, "CPU%d", (int)c, "handler quiets device B (SPI 41 line low)");
        } else if (p->intid == 27) {
            gic_set_ppi(d->g, t, c, 27, false);
            say(d, t, "CPU%d", (int)c, "handler reprograms the timer (PPI 27 low)");
        }
        p->state = 3;
        p->t_next = t + 50 * NS;
    } else if (p->state == 3 && t >= p->t_next) {
        gic_sysreg_write(d->g, t, c, GIC_ICC_EOIR1_EL1, p->intid);
        snprintf(buf, sizeof buf, "ICC_EOIR1_EL1 <- %u", p->intid);
        say(d, t, "CPU%d", (int)c, buf);
        p->state = 0;
    }
}

int main(int argc, char **argv)
{
    demo_t d;
    memset(&d, 0, sizeof d);
    static const struct option longopts[] = {
        {"quiet", no_argument, NULL, 'q'}, {"help", no_argument, NULL, 'h'}, {NULL, 0, NULL, 0}};
    opterr = 0;
    int ch;
    while ((ch = getopt_long(argc, argv, "qh", longopts, NULL)) != -1) {
        if (ch == 'q') {
            d.quiet = true;
        } else if (ch == 'h') {
            printf("usage: gictlm-demo [-q]\n"
                   "A small end-to-end run of the GIC model through the public C API: Linux-like\n"
                   "bring-up, edge and level SPIs, SGIs between CPUs and a PPI, a tiny CPU that\n"
                   "acknowledges and EOIs. Prints the timeline and the statistics table.\n"
                   "  -q, --quiet   statistics only (no timeline)\n"
                   "  -h, --help    this help\n");
            return 0;
        } else {
            fprintf(stderr, "gictlm-demo: unknown option '%s' (see --help)\n", argv[optind - 1]);
            return 2;
        }
    }
    if (optind < argc) {
        fprintf(stderr, "gictlm-demo: unexpected argument '%s' (see --help)\n", argv[optind]);
        return 2;
    }
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = NCPU;
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.ctx = &d;
    cb.output = on_output;
    char err[256];
    d.g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!d.g) {
        fprintf(stderr, "gictlm-demo: %s\n", err);
        return 1;
    }
    if (!d.quiet)
        printf("gictlm-demo: %u CPUs, %u SPIs, %u priority bits, GIC clock %llu ps\n"
               "latencies (cycles): spi_input %u, dist->redist %u, redist->cpu %u, cpu_signal %u, sgi %u\n\n",
               cfg.num_cpus, cfg.num_spis, cfg.pri_bits, (unsigned long long)cfg.clock_period_ps,
               cfg.lat_spi_input, cfg.lat_dist_to_redist, cfg.lat_redist_to_cpu, cfg.lat_cpu_signal,
               cfg.lat_sgi);
    linux_init(d.g, &cfg);
    /* SPI 40, 42 edge; 41 level; 41 and 43 1-of-N (IROUTER.IRM). */
    dw(d.g, 0, 0xc00 + 8, (2u << 16) | (2u << 20) | (2u << 22), 4); /* ICFGR2: 40, 42, 43 edge */
    dw(d.g, 0, 0x6000 + 8 * 41, 1ull << 31, 8);
    dw(d.g, 0, 0x6000 + 8 * 43, 1ull << 31, 8);
    dw(d.g, 0, 0x6000 + 8 * 42, 1, 8); /* -> CPU1 */
    dw(d.g, 0, 0x100 + 4, 0xf00, 4);   /* enable 40..43 */

    size_t next = 0, n = sizeof script / sizeof script[0];
    for (gic_time_t t = 500 * NS; t <= 5000 * NS; t += NS) {
        while (next < n && script[next].t <= t) run_step(&d, &script[next++]);
        gic_run_until(d.g, t);
        for (uint32_t c = 0; c < NCPU; c++) cpu_step(&d, c, t);
    }
    if (!d.quiet) printf("\n");
    gic_stats_write_table(d.g, stdout);
    gic_destroy(d.g);
    return 0;
}
