/* Host cost per MSI (translate + deliver + ICC_IAR1_EL1 + ICC_EOIR1_EL1) as the
 * number of mapped (DeviceID, EventID) pairs grows: 1K, 64K, 1M pairs, reported
 * as ratios to the 1K case within one run; as the number of CPUs grows: 4 and
 * 512 CPUs at 64K pairs, as a ratio; plus the peak RSS of a run with 24-bit
 * INTIDs (GICD_TYPER.IDbits = 23) measured in a child process. The four cases
 * run side by side in interleaved rounds; the ratios are medians of the
 * rounds' ratios (docs/lpi.md "Host cost and table size").
 *
 * Mapping: MAPC through the command queue; device table entries and ITT
 * entries are written directly in memory using the IMPLEMENTATION DEFINED
 * formats of docs/its.md (8-byte DTE/ITE), which is what 1M MAPTI commands
 * would leave behind, without spending a minute on them. */
#define _POSIX_C_SOURCE 200809L
#if defined(__linux__)
#define _DEFAULT_SOURCE /* madvise, MADV_HUGEPAGE */
#endif
#include "gictlm.h"
#define BENCH_NAME "bench_msi_scale"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PER_DEV 1024u
#define PROP 0x1000000ull
#define PEND 0x4000000ull /* + cpu * 0x400000 (512 CPUs: up to 0x84000000) */
#define DT 0x100000ull
#define CT 0x200000ull
#define CMDQ 0x300000ull
#define ITT 0x10000000ull /* + dev * 8 KiB */

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

typedef struct run {
    gic_t *g;
    gic_time_t t;
    uint32_t pairs, ncpu;
    uint32_t targets; /* the MSIs go to CPUs 0..targets-1 (ncpu unless --targets) */
    bool uncached;
    uint64_t x;     /* the pseudo-random sequence of pairs, continued across chunks */
    double host_ns; /* host time of the measured MSIs */
    uint64_t msis;  /* measured MSIs */
} run_t;

static void wr(run_t *r, gic_frame_t f, uint32_t i, uint64_t off, uint32_t size, uint64_t v)
{
    r->t += 1000;
    if (gic_mmio_write(r->g, r->t, f, i, off, size, v) != GIC_OK) bench_die("mmio write failed");
}

/* Bring up CPUs, LPIs and the ITS with `pairs` mapped pairs. uncached: the
 * GIC has no ITS caches and no LPI cache, so every MSI makes the same modelled
 * table reads whatever the number of pairs (the cost of the host alone). */
static run_t setup(uint32_t id_bits, uint32_t pairs, uint32_t ncpu, uint32_t targets, bool uncached)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = ncpu;
    cfg.lpi_id_bits = id_bits;
    cfg.its_devbits = 16;
    /* Every collection fits the collection cache at 4 and at 512 CPUs: the
     * CPU-count comparison then models the same memory traffic per MSI and
     * measures the host's cost alone (with the default 64 entries, 512
     * collections miss and the modelled ITS does more work per MSI). Fully
     * associative: in 512 two-way sets, 512 collections conflicted and
     * missed on 10.6% of the MSIs (3.36 modelled reads per MSI against 3.25). */
    cfg.its_collection_cache.entries = 1024;
    cfg.its_collection_cache.ways = 1024;
    if (uncached)
        cfg.its_device_cache.entries = cfg.its_event_cache.entries = cfg.its_collection_cache.entries =
            cfg.lpi_cache.entries = 0;
    char err[256];
    run_t r = {gic_create(&cfg, NULL, NULL, err, sizeof err), 0, pairs, ncpu, targets, uncached, 0x9e3779b97f4a7c15ull, 0, 0};
    if (!r.g) bench_die(err);
    gic_t *g = r.g;
    /* Property table: the mapped LPIs enabled, priority 0xa0, group 1. */
    uint8_t *prop = malloc(pairs);
    memset(prop, 0xa3, pairs);
    gic_mem_write(g, PROP, prop, pairs);
    free(prop);
    wr(&r, GIC_FRAME_GICD, 0, 0x0, 4, (1u << 4) | (1u << 1) | 1u);
    for (uint32_t c = 0; c < ncpu; c++) {
        wr(&r, GIC_FRAME_GICR, c, 0x14, 4, 0);
        gic_sysreg_write(g, r.t, c, GIC_ICC_SRE_EL1, 7);
        gic_sysreg_write(g, r.t, c, GIC_ICC_PMR_EL1, 0xf0);
        gic_sysreg_write(g, r.t, c, GIC_ICC_IGRPEN1_EL1, 1);
        wr(&r, GIC_FRAME_GICR, c, 0x70, 8, PROP | (7u << 7) | (1u << 10) | (id_bits - 1));
        wr(&r, GIC_FRAME_GICR, c, 0x78, 8, (PEND + c * 0x400000ull) | (1ull << 62));
        wr(&r, GIC_FRAME_GICR, c, 0x0, 4, 1);
    }
    uint32_t ndev = (pairs + EVENTS_PER_DEV - 1) / EVENTS_PER_DEV;
    wr(&r, GIC_FRAME_GITS, 0, 0x100, 8, (1ull << 63) | DT | 15); /* 64 KiB: 8192 devices */
    wr(&r, GIC_FRAME_GITS, 0, 0x108, 8, (1ull << 63) | CT | 1);  /* 8 KiB: 1024 collections */
    wr(&r, GIC_FRAME_GITS, 0, 0x80, 8, (1ull << 63) | CMDQ | 15); /* 64 KiB: 2048 commands */
    wr(&r, GIC_FRAME_GITS, 0, 0x88, 8, 0);
    wr(&r, GIC_FRAME_GITS, 0, 0x0, 4, 1);
    for (uint32_t d = 0; d < ndev; d++) {
        uint64_t itt = ITT + (uint64_t)d * EVENTS_PER_DEV * 8;
        bench_w64(g, DT + d * 8ull, (1ull << 63) | itt | 9); /* DTE: Valid, ITT, 10 EventID bits */
        for (uint32_t e = 0; e < EVENTS_PER_DEV && d * EVENTS_PER_DEV + e < pairs; e++) {
            uint32_t k = d * EVENTS_PER_DEV + e;
            bench_w64(g, itt + e * 8ull, (1ull << 63) | ((uint64_t)(k % targets) << 32) | (8192u + k));
        }
    }
    bench_mapc_all(g, CMDQ, ncpu); /* MAPC c -> CPU c */
    wr(&r, GIC_FRAME_GITS, 0, 0x88, 8, ncpu * 32);
    r.t += 10000000;
    gic_run_until(g, r.t);
    return r;
}

/* n MSIs to pseudo-random mapped pairs (the run's sequence goes on where the
 * last chunk stopped); returns host ns per MSI. */
__attribute__((noinline)) static double msi_loop(run_t *r, uint32_t n, uint64_t *bad)
{
    uint64_t x = r->x;
    double t0 = now_s();
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t k = (uint32_t)(x % r->pairs);
        uint32_t cpu = k % r->targets;
        gic_msi(r->g, r->t, 0, k / EVENTS_PER_DEV, k % EVENTS_PER_DEV);
        r->t += 1000000; /* 1 us: translation + delivery to the CPU interface */
        uint64_t v = 0;
        gic_sysreg_read(r->g, r->t, cpu, GIC_ICC_IAR1_EL1, &v);
        if (v != 8192u + k) (*bad)++;
        else gic_sysreg_write(r->g, r->t, cpu, GIC_ICC_EOIR1_EL1, v);
    }
    double ns = (now_s() - t0) * 1e9;
    r->x = x;
    r->host_ns += ns;
    r->msis += n;
    return ns / n;
}

/* n MSIs that are not timed (the run's host time and MSI count stay as they
 * were): its state back in the host's caches. */
static void warm_up(run_t *r, uint32_t n, uint64_t *bad)
{
    double host_ns = r->host_ns;
    uint64_t msis = r->msis;
    msi_loop(r, n, bad);
    r->host_ns = host_ns;
    r->msis = msis;
}

/* A run with `pairs` mapped pairs on ncpu CPUs, warmed up by n MSIs (not
 * measured; the statistics start after them). */
static run_t prepare(uint32_t pairs, uint32_t ncpu, uint32_t targets, bool uncached, uint32_t n, uint64_t *bad)
{
    run_t r = setup(21, pairs, ncpu, targets, uncached);
    warm_up(&r, n, bad);
    gic_stats_reset(r.g);
    return r;
}

/* What the run measured: host ns per MSI, and its modelled work. */
static double report(run_t *r, uint64_t bad)
{
    uint64_t rx = 0, del = 0, reads = 0, writes = 0;
    gic_stat_counter(r->g, "msi.received", &rx);
    gic_stat_counter(r->g, "msi.delivered", &del);
    /* modelled memory traffic per MSI (all table classes) */
    for (size_t i = 0;; i++) {
        const char *name = gic_stat_name(r->g, 0, i);
        if (!name) break;
        size_t l = strlen(name);
        uint64_t v = 0;
        if (strncmp(name, "mem.", 4) != 0 || !gic_stat_counter(r->g, name, &v)) continue;
        if (l > 6 && strcmp(name + l - 6, ".reads") == 0) reads += v;
        if (l > 7 && strcmp(name + l - 7, ".writes") == 0) writes += v;
    }
    double ns = r->msis ? r->host_ns / (double)r->msis : 0;
    char to[48] = "";
    if (r->targets != r->ncpu) snprintf(to, sizeof to, " (MSIs to CPUs 0..%u)", r->targets - 1);
    printf("msi_scale: %u CPUs%s, %u pairs%s: %.0f ns/MSI, %.2f modelled memory reads and %.2f writes "
           "per MSI, %llu of %llu delivered, %llu not acknowledged as expected, footprint %.1f MiB\n",
           r->ncpu, to, r->pairs, r->uncached ? " (no GIC caches)" : "", ns, rx ? (double)reads / (double)rx : 0.0, rx ? (double)writes / (double)rx : 0.0,
           (unsigned long long)del, (unsigned long long)rx, (unsigned long long)bad,
           (double)gic_mem_footprint(r->g) / (1 << 20));
    return ns;
}

/* ---- the host's memory latency ---------------------------------------------------------- */
/* A region of host memory laid out as the model lays out its tables (2 MiB
 * pages where the host gives them, host_mem.c), holding a single random cycle
 * through its 64-byte lines (Sattolo's shuffle, a fixed seed): following it
 * is a chain of dependent loads, each to a line the host cannot predict,
 * which is what one read of a table entry costs when the tables are that
 * large. */
typedef struct probe {
    uint8_t *raw, *p;
    size_t bytes, n; /* region size, lines */
    bool mapped;
    uint32_t at; /* where the chain goes on */
} probe_t;

static bool probe_make(probe_t *pr, size_t bytes)
{
    const size_t huge = (size_t)2 << 20, line = 64;
    memset(pr, 0, sizeof *pr);
    pr->mapped = bytes >= huge; /* as host_mem.c: huge-page regions from this size on */
    bytes = pr->mapped ? (bytes + huge - 1) & ~(huge - 1) : (bytes < 4096 ? 4096 : (bytes + line - 1) & ~(line - 1));
    pr->bytes = bytes;
    pr->n = bytes / line;
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (pr->mapped) {
        uint8_t *raw = mmap(NULL, bytes + huge, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return false;
        pr->raw = raw;
        pr->p = (uint8_t *)(((uintptr_t)raw + huge - 1) & ~(uintptr_t)(huge - 1));
        (void)madvise(pr->p, bytes, MADV_HUGEPAGE);
    }
#endif
    if (!pr->p) {
        pr->mapped = false;
        pr->p = malloc(bytes);
        if (!pr->p) return false;
    }
    uint32_t *next = malloc(pr->n * sizeof(uint32_t));
    if (!next) return false;
    for (size_t i = 0; i < pr->n; i++) next[i] = (uint32_t)i;
    uint64_t x = 0x2545f4914f6cdd1dull;
    for (size_t i = pr->n - 1; i > 0; i--) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        size_t j = (size_t)(x % i);
        uint32_t t = next[i];
        next[i] = next[j];
        next[j] = t;
    }
    for (size_t i = 0; i < pr->n; i++) memcpy(pr->p + i * line, &next[i], sizeof(uint32_t));
    free(next);
    return true;
}

/* ns per load of one pass through every line of the region (at least
 * 65536 loads) */
static double probe_run(probe_t *pr)
{
    const size_t loads = pr->n < 65536 ? 65536 : pr->n;
    uint32_t at = pr->at;
    double t0 = now_s();
    for (size_t i = 0; i < loads; i++) at = *(volatile uint32_t *)(pr->p + (size_t)at * 64);
    double ns = (now_s() - t0) * 1e9 / (double)loads;
    pr->at = at;
    return ns;
}

static void probe_free(probe_t *pr)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE)
    if (pr->mapped && pr->raw) munmap(pr->raw, pr->bytes + ((size_t)2 << 20));
#endif
    if (!pr->mapped) free(pr->p);
    memset(pr, 0, sizeof *pr);
}

/* Cases, in the order of every round */
enum { C_1K, C_64K, C_1M, C_512CPU, C_1K_NC, C_1M_NC, C_N };

int main(int argc, char **argv)
{
    const uint32_t n = 200000;
    /* --case PAIRS CPUS [N [uncached]]: one case only (for instruction counts:
     * valgrind --tool=callgrind --toggle-collect=msi_loop bench_msi_scale --case 1048576 4 20000) */
    if (argc >= 4 && strcmp(argv[1], "--case") == 0) {
        uint32_t pairs = (uint32_t)strtoul(argv[2], NULL, 0), cpus = (uint32_t)strtoul(argv[3], NULL, 0);
        uint32_t cn = argc >= 5 ? (uint32_t)strtoul(argv[4], NULL, 0) : n;
        /* uncached: no GIC caches; --targets T: the MSIs go to CPUs 0..T-1 only
         * (how the host cost grows with the CPUs an MSI stream reaches, docs/lpi.md) */
        bool uncached = false, bad_arg = false;
        uint32_t targets = cpus;
        for (int i = 5; i < argc; i++) {
            if (strcmp(argv[i], "uncached") == 0) uncached = true;
            else if (strcmp(argv[i], "--targets") == 0 && i + 1 < argc) targets = (uint32_t)strtoul(argv[++i], NULL, 0);
            else bad_arg = true;
        }
        if (pairs < 1 || pairs > (1u << 20) || cpus < 1 || cpus > GIC_MAX_CPUS || cn < 1 || targets < 1 ||
            targets > cpus || bad_arg) {
            fprintf(stderr, "bench_msi_scale: --case PAIRS(1..1048576) CPUS(1..%u) [N>0 [uncached] "
                            "[--targets 1..CPUS]]\n", GIC_MAX_CPUS);
            return 2;
        }
        uint64_t bad = 0;
        const uint32_t warm = cn / 10 + 1;
        run_t r = prepare(pairs, cpus, targets, uncached, warm, &bad);
        bad = 0;
        msi_loop(&r, cn, &bad);
        report(&r, bad);
        /* (msi_loop ran warm + cn times: bench_instr.py divides by both) */
        printf("msi_scale: warm-up %u MSIs before them\n", warm);
        gic_destroy(r.g);
        return 0;
    }
    /* The cases side by side, measured in ROUNDS interleaved rounds of
     * n / ROUNDS MSIs each: a ratio is the median over the rounds of the
     * round's ratio, so a disturbance of the shared host during one case's
     * chunk moves one round, not the figure. Each chunk is preceded by
     * CHUNK_WARMUP MSIs that are not timed: the other cases' chunks have
     * evicted this case's state from the host's caches, a cost that a
     * simulation running one GIC does not pay and that grows with the state
     * (it added 0.03-0.08 to the 512/4 CPUs ratio, docs/lpi.md). */
    enum { ROUNDS = 15, CHUNK_WARMUP = 3000 };
    static const uint32_t pairs[C_N] = {1024, 65536, 1u << 20, 65536, 1024, 1u << 20},
                          cpus[C_N] = {4, 4, 4, 512, 4, 4};
    static const bool uncached[C_N] = {false, false, false, false, true, true};
    run_t r[C_N];
    double ns_1k[ROUNDS];
    uint64_t bad[C_N] = {0};
    for (int c = 0; c < C_N; c++) {
        r[c] = prepare(pairs[c], cpus[c], cpus[c], uncached[c], n / 10 + 1, &bad[c]);
        bad[c] = 0;
    }
    /* the host's memory latency at the 1K and 1M cases' table footprints,
     * measured in every round (after its chunks) so that its median sees the
     * host as the rounds saw it (docs/lpi.md "The host's memory floor") */
    probe_t pr_1k = {0}, pr_1m = {0};
    const bool probes = probe_make(&pr_1k, gic_mem_footprint(r[C_1K].g)) &&
                        probe_make(&pr_1m, gic_mem_footprint(r[C_1M].g));
    if (probes) {
        probe_run(&pr_1k); /* one pass each to fault the pages in */
        probe_run(&pr_1m);
    }
    double lat_1k_r[ROUNDS] = {0}, lat_1m_r[ROUNDS] = {0};
    double r64k[ROUNDS], r1m[ROUNDS], r512[ROUNDS], r1m_nc[ROUNDS];
    for (int k = 0; k < ROUNDS; k++) {
        double ns[C_N];
        for (int c = 0; c < C_N; c++) {
            warm_up(&r[c], CHUNK_WARMUP, &bad[c]);
            ns[c] = msi_loop(&r[c], n / ROUNDS, &bad[c]);
        }
        ns_1k[k] = ns[C_1K];
        if (probes) {
            lat_1k_r[k] = probe_run(&pr_1k);
            lat_1m_r[k] = probe_run(&pr_1m);
        }
        r64k[k] = ns[C_64K] / ns[C_1K];
        r1m[k] = ns[C_1M] / ns[C_1K];
        r512[k] = ns[C_512CPU] / ns[C_64K];
        r1m_nc[k] = ns[C_1M_NC] / ns[C_1K_NC];
    }
    double mean[C_N];
    /* for the memory floor below: the 1K and 1M cases' table footprints, and
     * the 1M case's modelled ITT reads per MSI (each an ITE read at random) */
    const size_t foot_1k = gic_mem_footprint(r[C_1K].g), foot_1m = gic_mem_footprint(r[C_1M].g);
    uint64_t itt_reads = 0, received = 0;
    gic_stat_counter(r[C_1M].g, "mem.itt.reads", &itt_reads);
    gic_stat_counter(r[C_1M].g, "msi.received", &received);
    for (int c = 0; c < C_N; c++) {
        mean[c] = report(&r[c], bad[c]);
        gic_destroy(r[c].g);
    }
    qsort(r64k, ROUNDS, sizeof(double), bench_cmp_double);
    qsort(r1m, ROUNDS, sizeof(double), bench_cmp_double);
    qsort(r512, ROUNDS, sizeof(double), bench_cmp_double);
    qsort(r1m_nc, ROUNDS, sizeof(double), bench_cmp_double);
    printf("msi_scale: %d interleaved rounds; round ratios 1M/1K min %.2f max %.2f, 512/4 CPUs min %.2f max %.2f\n",
           ROUNDS, r1m[0], r1m[ROUNDS - 1], r512[0], r512[ROUNDS - 1]);
    printf("BENCH msi_cost_1k %.0f ns\n", mean[C_1K]);
    printf("BENCH msi_cost_64k %.0f ns\n", mean[C_64K]);
    printf("BENCH msi_cost_1m %.0f ns\n", mean[C_1M]);
    printf("BENCH msi_cost_64k_vs_1k %.2f x\n", r64k[ROUNDS / 2]);
    printf("BENCH msi_cost_1m_vs_1k %.2f x\n", r1m[ROUNDS / 2]);
    printf("BENCH msi_cost_512cpu %.0f ns\n", mean[C_512CPU]);
    printf("BENCH msi_cost_512cpu_vs_4cpu %.2f x\n", r512[ROUNDS / 2]);
    /* The same comparison with equal modelled work per MSI (no GIC caches:
     * every MSI reads its DTE, ITE, CTE and LPI configuration at 1K as at 1M):
     * what is left is the host's own cost of a larger table set. */
    printf("BENCH msi_cost_1m_vs_1k_uncached %.2f x\n", r1m_nc[ROUNDS / 2]);
    /* What the host's memory latency alone makes of the 1M/1K ratio
     * (docs/lpi.md "The host's memory floor"): every MSI of the 1M case reads
     * an ITE at random in 8 MiB of ITT, an address the host cannot know before
     * the MSI arrives; the 1K case's tables stay in the host's caches. The
     * floor is the 1K case's cost plus that one dependent load per ITT read at
     * the latency of tables the size of the 1M case's, against the latency at
     * the 1K case's size, over the 1K case's cost: the ratio that a model doing
     * the same instructions at 1M as at 1K would still show on this host. */
    qsort(ns_1k, ROUNDS, sizeof(double), bench_cmp_double);
    qsort(lat_1k_r, ROUNDS, sizeof(double), bench_cmp_double);
    qsort(lat_1m_r, ROUNDS, sizeof(double), bench_cmp_double);
    const double lat_1k = lat_1k_r[ROUNDS / 2], lat_1m = lat_1m_r[ROUNDS / 2];
    probe_free(&pr_1k);
    probe_free(&pr_1m);
    const double itt_per_msi = received ? (double)itt_reads / (double)received : 0;
    const double extra = lat_1m > lat_1k ? lat_1m - lat_1k : 0;
    printf("msi_scale: host memory: a dependent load at random costs %.1f ns over %.0f KiB (the 1K case's "
           "tables), %.1f ns over %.0f KiB (the 1M case's); %.2f ITT reads per MSI at 1M\n",
           lat_1k, (double)foot_1k / 1024, lat_1m, (double)foot_1m / 1024, itt_per_msi);
    printf("BENCH host_load_ns_1k_tables %.1f ns\n", lat_1k);
    printf("BENCH host_load_ns_1m_tables %.1f ns\n", lat_1m);
    if (ns_1k[ROUNDS / 2] > 0 && lat_1k > 0 && lat_1m > 0)
        printf("BENCH msi_cost_1m_vs_1k_memory_floor %.2f x\n",
               (ns_1k[ROUNDS / 2] + itt_per_msi * extra) / ns_1k[ROUNDS / 2]);
    fflush(stdout);

    /* Peak RSS of a 24-bit IDbits run, in a child so the runs above do not count. */
    pid_t pid = fork();
    if (pid == 0) {
        run_t r = setup(24, 1024, 4, 4, false);
        uint64_t bad = 0;
        msi_loop(&r, 10000, &bad);
        gic_destroy(r.g);
        _exit(bad ? 2 : 0);
    }
    int status = 0;
    if (pid > 0 && waitpid(pid, &status, 0) == pid) {
        struct rusage ru;
        getrusage(RUSAGE_CHILDREN, &ru);
        printf("BENCH peak_rss_idbits24 %.1f MiB\n", (double)ru.ru_maxrss / 1024.0);
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            printf("msi_scale: 24-bit run exit status %d\n", status);
    }
    return 0;
}
