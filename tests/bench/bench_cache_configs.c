/* Modelled MSI latency and cache behaviour of the two shipped configurations,
 * side by side in one run: platforms/configs/gic600.json (GIC-600-like caches,
 * tracked HPPI) and platforms/configs/nocache.json (no caches, full rescan:
 * QEMU/gem5 behaviour).
 *
 * System: 4 CPUs, one ITS, 16 devices x 16 events mapped by the Linux-like
 * driver (gic_driver_init, gic_driver_map_device: event e of device d is LPI
 * 8192 + 16 d + e, collection e % 4 = CPU e % 4, priority 0xa0).
 *
 * Workload (seeded, identical for both configurations): N_MSI MSIs with
 * exponential inter-arrival times (Poisson arrivals, mean MEAN_GAP_PS over the
 * whole system, i.e. 1 M MSI/s) to (device, event) pairs drawn uniformly from
 * the 256 pairs.
 *
 * Tiny CPU model, through the public API only: when a CPU's IRQ line rises
 * while it is idle, it reads ICC_IAR1_EL1 ENTRY_PS later (exception entry),
 * runs the handler for HANDLER_PS, writes ICC_EOIR1_EL1, reads ICC_IAR1_EL1
 * again NEXT_PS later, and so on until it reads 1023 (the Linux
 * gic_handle_irq loop). These three times are engineering estimates for a
 * ~2 GHz application core, not measurements.
 *
 * Figures come from the GIC's own statistics after the bring-up (stats are
 * reset once the devices are mapped): latency.line_to_signal.lpi (MSI write ->
 * IRQ line), latency.line_to_iar.lpi (MSI write -> ICC_IAR1_EL1 returning the
 * LPI, includes waiting behind other handlers), msi.latency.translate,
 * <cache>.hits / .lookups, mem.<class>.reads. Percentiles are the upper bound
 * of a log-linear bucket (<= 6.25% wide, docs/stats-format.md).
 *
 * Checks (exit 1 on failure): msi.received == delivered + coalesced + dropped,
 * every delivered LPI acknowledged by a CPU (irq.delivered.lpi ==
 * msi.delivered), no model error, and two runs of the same configuration give
 * byte-identical statistics JSON (determinism). */
#define _POSIX_C_SOURCE 200809L
#include "gictlm.h"
#include "gictlm_driver.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#ifndef GICTLM_SOURCE_DIR
#define GICTLM_SOURCE_DIR "."
#endif

#define NCPU 4u
#define NDEV 16u
#define NEV 16u
#define N_MSI 20000u
#define MEAN_GAP_PS 1000000ull /* 1 us between MSIs on average (1 M MSI/s) */
#define ENTRY_PS 200000ull     /* IRQ line -> ICC_IAR1_EL1 read (exception entry) */
#define HANDLER_PS 1000000ull  /* ICC_IAR1_EL1 -> ICC_EOIR1_EL1 */
#define NEXT_PS 20000ull       /* ICC_EOIR1_EL1 -> next ICC_IAR1_EL1 read */
#define SEED 0x9e3779b97f4a7c15ull
#define T_INF UINT64_MAX

enum { CPU_IDLE, CPU_IAR, CPU_EOI };

typedef struct cpu {
    int state;
    gic_time_t at; /* time of the next action */
    uint64_t intid;
} cpu_t;

typedef struct sim {
    gic_t *g;
    cpu_t cpu[NCPU];
    uint64_t rng;
    uint64_t iars, spurious_iars;
} sim_t;

static int failures;

static uint64_t rng_next(uint64_t *s)
{
    uint64_t x = *s;
    x ^= x >> 12;
    x ^= x << 25;
    x ^= x >> 27;
    *s = x;
    return x * 0x2545f4914f6cdd1dull;
}

/* Natural log of x > 0 without libm: x = m * 2^e with m in [1, 2),
 * ln(m) = 2 atanh((m - 1) / (m + 1)) by its series (|z| <= 1/3). */
static double ln(double x)
{
    int e = 0;
    while (x >= 2.0) { x *= 0.5; e++; }
    while (x < 1.0) { x *= 2.0; e--; }
    double z = (x - 1.0) / (x + 1.0), z2 = z * z, term = z, sum = 0.0;
    for (int k = 1; k < 60; k += 2) {
        sum += term / k;
        term *= z2;
    }
    return 2.0 * sum + e * 0.69314718055994530942;
}

/* Exponential inter-arrival time with the given mean (inverse CDF of a
 * uniform in (0, 1]); at least 1 ps. */
static gic_time_t exp_gap(uint64_t *s, uint64_t mean)
{
    double u = ((double)(rng_next(s) >> 11) + 1.0) * (1.0 / 9007199254740992.0);
    return (gic_time_t)(-ln(u) * (double)mean) + 1;
}

static void on_output(void *ctx, const gic_output_t *o)
{
    sim_t *s = ctx;
    if (o->kind != GIC_OUT_LINE || o->line != GIC_LINE_IRQ || !o->level || o->cpu >= NCPU) return;
    cpu_t *c = &s->cpu[o->cpu];
    if (c->state != CPU_IDLE) return; /* busy: it reads IAR again after its EOI */
    c->state = CPU_IAR;
    c->at = o->time + ENTRY_PS;
}

static uint64_t counter(const gic_t *g, const char *name)
{
    uint64_t v = 0;
    gic_stat_counter(g, name, &v);
    return v;
}

typedef struct result {
    char name[32];
    gic_hist_summary_t sig, iar, xlate, qdelay, scan;
    double hit[4];
    uint64_t lookups[4];
    double reads_per_msi, its_reads_per_msi, rd_reads_per_msi, writes_per_msi;
    uint64_t rx, del, coal, drop, acked, errors, scans;
    char *json;
    size_t json_len;
} result_t;

static const char *const cache_stat[4] = {"its0.cache.device", "its0.cache.event",
                                          "its0.cache.collection", "lpi.cache"};
static const char *const cache_short[4] = {"its_device", "its_event", "its_collection", "lpi"};
static const char *const mem_cls[6] = {"cmdq", "device", "itt", "collection", "prop", "pend"};

static void run(const char *cfg_name, result_t *res)
{
    memset(res, 0, sizeof *res);
    snprintf(res->name, sizeof res->name, "%s", cfg_name);
    char path[1024], err[512];
    snprintf(path, sizeof path, "%s/platforms/configs/%s.json", GICTLM_SOURCE_DIR, cfg_name);
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = NCPU;
    cfg.num_its = 1;
    if (gic_config_load_file(&cfg, path, err, sizeof err) != GIC_OK) {
        fprintf(stderr, "bench_cache_configs: %s\n", err);
        exit(2);
    }
    sim_t s;
    memset(&s, 0, sizeof s);
    s.rng = SEED;
    for (unsigned i = 0; i < NCPU; i++) s.cpu[i].at = T_INF;
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.ctx = &s;
    cb.output = on_output;
    s.g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!s.g) {
        fprintf(stderr, "bench_cache_configs: %s: %s\n", cfg_name, err);
        exit(2);
    }
    gic_t *g = s.g;
    gic_driver_t *d = gic_driver_create(g, 0, 0x10000000ull);
    if (!d || gic_driver_init(d) != GIC_OK) {
        fprintf(stderr, "bench_cache_configs: %s: driver bring-up failed\n", cfg_name);
        exit(2);
    }
    for (uint32_t dev = 0; dev < NDEV; dev++)
        if (gic_driver_map_device(d, 0, dev, NEV, 8192 + dev * NEV, NULL) != GIC_OK) {
            fprintf(stderr, "bench_cache_configs: %s: mapping device %u failed\n", cfg_name, dev);
            exit(2);
        }
    gic_time_t t0 = gic_driver_time(d) + 1000000;
    gic_driver_destroy(d);
    gic_run_until(g, t0);
    gic_stats_reset(g); /* steady state only: no bring-up traffic in the figures */

    uint32_t sent = 0;
    gic_time_t t_msi = t0 + exp_gap(&s.rng, MEAN_GAP_PS);
    for (;;) {
        gic_time_t t_next = sent < N_MSI ? t_msi : T_INF;
        unsigned who = NCPU;
        for (unsigned i = 0; i < NCPU; i++)
            if (s.cpu[i].at < t_next) {
                t_next = s.cpu[i].at;
                who = i;
            }
        gic_time_t te;
        if (gic_next_event_time(g, &te) && te <= t_next) {
            gic_run_until(g, te); /* may raise lines: CPU actions are re-planned */
            continue;
        }
        if (t_next == T_INF) break;
        if (who == NCPU) {
            uint32_t pair = (uint32_t)(rng_next(&s.rng) % (NDEV * NEV));
            if (gic_msi(g, t_msi, 0, pair / NEV, pair % NEV) != GIC_OK) failures++;
            sent++;
            t_msi += exp_gap(&s.rng, MEAN_GAP_PS);
            continue;
        }
        cpu_t *c = &s.cpu[who];
        if (c->state == CPU_IAR) {
            uint64_t v = GIC_SPURIOUS;
            gic_sysreg_read(g, t_next, who, GIC_ICC_IAR1_EL1, &v);
            if (v == GIC_SPURIOUS) {
                c->state = CPU_IDLE;
                c->at = T_INF;
                s.spurious_iars++;
            } else {
                s.iars++;
                c->state = CPU_EOI;
                c->intid = v;
                c->at = t_next + HANDLER_PS;
            }
        } else {
            c->state = CPU_IAR; /* set first: a line rising during the EOI is ours */
            c->at = t_next + NEXT_PS;
            gic_sysreg_write(g, t_next, who, GIC_ICC_EOIR1_EL1, c->intid);
        }
    }

    gic_stat_hist(g, "latency.line_to_signal.lpi", &res->sig);
    gic_stat_hist(g, "latency.line_to_iar.lpi", &res->iar);
    gic_stat_hist(g, "msi.latency.translate", &res->xlate);
    gic_stat_hist(g, "its0.msi.queue_delay", &res->qdelay);
    gic_stat_hist(g, "lpi.scan.latency", &res->scan);
    for (int i = 0; i < 4; i++) {
        char n[96];
        snprintf(n, sizeof n, "%s.lookups", cache_stat[i]);
        res->lookups[i] = counter(g, n);
        snprintf(n, sizeof n, "%s.hits", cache_stat[i]);
        uint64_t h = counter(g, n);
        res->hit[i] = res->lookups[i] ? (double)h / (double)res->lookups[i] : 0.0;
    }
    uint64_t rd_its = 0, rd_rd = 0, wr_all = 0;
    for (int i = 0; i < 6; i++) {
        char n[64];
        snprintf(n, sizeof n, "mem.%s.reads", mem_cls[i]);
        if (i <= 3) rd_its += counter(g, n);
        else rd_rd += counter(g, n);
        snprintf(n, sizeof n, "mem.%s.writes", mem_cls[i]);
        wr_all += counter(g, n);
    }
    res->rx = counter(g, "msi.received");
    res->del = counter(g, "msi.delivered");
    res->coal = counter(g, "msi.coalesced");
    res->drop = counter(g, "msi.dropped");
    res->acked = counter(g, "irq.delivered.lpi");
    res->errors = counter(g, "errors.total");
    res->scans = counter(g, "lpi.scans");
    double n = res->rx ? (double)res->rx : 1.0;
    res->its_reads_per_msi = (double)rd_its / n;
    res->rd_reads_per_msi = (double)rd_rd / n;
    res->reads_per_msi = (double)(rd_its + rd_rd) / n;
    res->writes_per_msi = (double)wr_all / n;
    FILE *f = open_memstream(&res->json, &res->json_len);
    if (f) {
        gic_stats_write_json(g, f);
        fclose(f);
    }
    gic_destroy(g);

    if (res->rx != N_MSI || res->rx != res->del + res->coal + res->drop) {
        fprintf(stderr, "%s: conservation violated: received %llu, delivered %llu + coalesced %llu + dropped %llu\n",
                cfg_name, (unsigned long long)res->rx, (unsigned long long)res->del,
                (unsigned long long)res->coal, (unsigned long long)res->drop);
        failures++;
    }
    if (res->acked != res->del) {
        fprintf(stderr, "%s: %llu LPIs delivered but %llu acknowledged\n", cfg_name,
                (unsigned long long)res->del, (unsigned long long)res->acked);
        failures++;
    }
    if (res->errors) {
        fprintf(stderr, "%s: %llu model errors\n", cfg_name, (unsigned long long)res->errors);
        failures++;
    }
}

static double ns(uint64_t ps) { return (double)ps / 1000.0; }

int main(void)
{
    static const char *const names[2] = {"gic600", "nocache"};
    result_t r[2], again;
    for (int i = 0; i < 2; i++) run(names[i], &r[i]);
    run(names[0], &again);
    if (again.json_len != r[0].json_len || memcmp(again.json, r[0].json, again.json_len) != 0) {
        fprintf(stderr, "gic600: two runs gave different statistics (not deterministic)\n");
        failures++;
    }
    free(again.json);

    printf("# %u MSIs, Poisson arrivals (mean gap %.0f ns) over %u devices x %u events, %u CPUs\n",
           N_MSI, ns(MEAN_GAP_PS), NDEV, NEV, NCPU);
    printf("# CPU model: entry %.0f ns, handler %.0f ns, EOI -> next IAR %.0f ns\n", ns(ENTRY_PS),
           ns(HANDLER_PS), ns(NEXT_PS));
    printf("# %-36s %14s %14s\n", "", names[0], names[1]);
    printf("# %-36s %14llu %14llu\n", "MSIs received", (unsigned long long)r[0].rx,
           (unsigned long long)r[1].rx);
    printf("# %-36s %14llu %14llu\n", "  delivered", (unsigned long long)r[0].del,
           (unsigned long long)r[1].del);
    printf("# %-36s %14llu %14llu\n", "  coalesced (already pending)", (unsigned long long)r[0].coal,
           (unsigned long long)r[1].coal);
    printf("# %-36s %14llu %14llu\n", "  dropped", (unsigned long long)r[0].drop,
           (unsigned long long)r[1].drop);
#define ROWH(label, field)                                                                         \
    printf("# %-36s %11.1f ns %11.1f ns\n", label " p50", ns(r[0].field.p50), ns(r[1].field.p50));   \
    printf("# %-36s %11.1f ns %11.1f ns\n", label " p99", ns(r[0].field.p99), ns(r[1].field.p99));
    ROWH("MSI -> translation done", xlate)
    ROWH("ITS queueing delay", qdelay)
    ROWH("MSI -> IRQ signal", sig)
    ROWH("MSI -> ICC_IAR1_EL1", iar)
#undef ROWH
    printf("# %-36s %14llu %14llu\n", "IRQ rising edges (signal samples)",
           (unsigned long long)r[0].sig.count, (unsigned long long)r[1].sig.count);
    printf("# %-36s %14llu %14llu\n", "LPIs acknowledged (IAR samples)",
           (unsigned long long)r[0].iar.count, (unsigned long long)r[1].iar.count);
    printf("# %-36s %14llu %14llu\n", "pending-table scans", (unsigned long long)r[0].scans,
           (unsigned long long)r[1].scans);
    printf("# %-36s %11.1f ns %11.1f ns\n", "  scan time p50", ns(r[0].scan.p50), ns(r[1].scan.p50));
    for (int i = 0; i < 4; i++) {
        char label[64];
        snprintf(label, sizeof label, "%s hit rate", cache_stat[i]);
        printf("# %-36s %13.1f%% %13.1f%%\n", label, 100.0 * r[0].hit[i], 100.0 * r[1].hit[i]);
    }
    printf("# %-36s %14.2f %14.2f\n", "memory reads per MSI (ITS tables)", r[0].its_reads_per_msi,
           r[1].its_reads_per_msi);
    printf("# %-36s %14.2f %14.2f\n", "memory reads per MSI (LPI tables)", r[0].rd_reads_per_msi,
           r[1].rd_reads_per_msi);
    printf("# %-36s %14.2f %14.2f\n", "memory reads per MSI (total)", r[0].reads_per_msi,
           r[1].reads_per_msi);
    printf("# %-36s %14.2f %14.2f\n", "memory writes per MSI", r[0].writes_per_msi,
           r[1].writes_per_msi);
    for (int k = 0; k < 2; k++) {
        printf("BENCH %s_msi_to_signal_p50_ns %.1f ns\n", names[k], ns(r[k].sig.p50));
        printf("BENCH %s_msi_to_signal_p99_ns %.1f ns\n", names[k], ns(r[k].sig.p99));
        printf("BENCH %s_msi_to_iar_p50_ns %.1f ns\n", names[k], ns(r[k].iar.p50));
        printf("BENCH %s_msi_to_iar_p99_ns %.1f ns\n", names[k], ns(r[k].iar.p99));
        for (int i = 0; i < 4; i++)
            printf("BENCH %s_%s_hit_rate %.4f x\n", names[k], cache_short[i], r[k].hit[i]);
        printf("BENCH %s_mem_reads_per_msi %.2f x\n", names[k], r[k].reads_per_msi);
    }
    printf("BENCH nocache_vs_gic600_msi_to_iar_p50 %.2f x\n",
           r[0].iar.p50 ? (double)r[1].iar.p50 / (double)r[0].iar.p50 : 0.0);
    for (int k = 0; k < 2; k++) free(r[k].json);
    if (failures) {
        fprintf(stderr, "bench_cache_configs: %d check(s) failed\n", failures);
        return 1;
    }
    return 0;
}
