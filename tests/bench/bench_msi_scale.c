/* Host cost per MSI (translate + deliver + ICC_IAR1_EL1 + ICC_EOIR1_EL1) as the
 * number of mapped (DeviceID, EventID) pairs grows: 1K, 64K, 1M pairs, reported
 * as ratios to the 1K case within one run; as the number of CPUs grows: 4 and
 * 512 CPUs at 64K pairs, as a ratio; plus the peak RSS of a run with 24-bit
 * INTIDs (GICD_TYPER.IDbits = 23) measured in a child process.
 *
 * Mapping: MAPC through the command queue; device table entries and ITT
 * entries are written directly in memory using the IMPLEMENTATION DEFINED
 * formats of docs/its.md (8-byte DTE/ITE), which is what 1M MAPTI commands
 * would leave behind, without spending a minute on them. */
#define _POSIX_C_SOURCE 200809L
#include "gictlm.h"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define EVENTS_PER_DEV 1024u
static uint32_t NCPU = 4; /* CPUs of the next setup() */
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
} run_t;

static void wr(run_t *r, gic_frame_t f, uint32_t i, uint64_t off, uint32_t size, uint64_t v)
{
    r->t += 1000;
    if (gic_mmio_write(r->g, r->t, f, i, off, size, v) != GIC_OK) {
        fprintf(stderr, "bench_msi_scale: mmio write failed\n");
        exit(1);
    }
}

/* Bring up CPUs, LPIs and the ITS with `pairs` mapped pairs. */
static run_t setup(uint32_t id_bits, uint32_t pairs)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = NCPU;
    cfg.lpi_id_bits = id_bits;
    cfg.its_devbits = 16;
    /* Every collection fits the collection cache at 4 and at 512 CPUs: the
     * CPU-count comparison then models the same memory traffic per MSI and
     * measures the host's cost alone (with the default 64 entries, 512
     * collections miss and the modelled ITS does more work per MSI). */
    cfg.its_collection_cache.entries = 1024;
    char err[256];
    run_t r = {gic_create(&cfg, NULL, NULL, err, sizeof err), 0};
    if (!r.g) {
        fprintf(stderr, "bench_msi_scale: %s\n", err);
        exit(1);
    }
    gic_t *g = r.g;
    /* Property table: the mapped LPIs enabled, priority 0xa0, group 1. */
    uint8_t *prop = malloc(pairs);
    memset(prop, 0xa3, pairs);
    gic_mem_write(g, PROP, prop, pairs);
    free(prop);
    wr(&r, GIC_FRAME_GICD, 0, 0x0, 4, (1u << 4) | (1u << 1) | 1u);
    for (uint32_t c = 0; c < NCPU; c++) {
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
            bench_w64(g, itt + e * 8ull, (1ull << 63) | ((uint64_t)(k % NCPU) << 32) | (8192u + k));
        }
    }
    bench_mapc_all(g, CMDQ, NCPU); /* MAPC c -> CPU c */
    wr(&r, GIC_FRAME_GITS, 0, 0x88, 8, NCPU * 32);
    r.t += 10000000;
    gic_run_until(g, r.t);
    return r;
}

/* n MSIs to pseudo-random mapped pairs; returns host ns per MSI. */
__attribute__((noinline)) static double msi_loop(run_t *r, uint32_t pairs, uint32_t n, uint64_t *bad)
{
    uint64_t x = 0x9e3779b97f4a7c15ull;
    double t0 = now_s();
    for (uint32_t i = 0; i < n; i++) {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        uint32_t k = (uint32_t)(x % pairs);
        uint32_t cpu = k % NCPU;
        gic_msi(r->g, r->t, 0, k / EVENTS_PER_DEV, k % EVENTS_PER_DEV);
        r->t += 1000000; /* 1 us: translation + delivery to the CPU interface */
        uint64_t v = 0;
        gic_sysreg_read(r->g, r->t, cpu, GIC_ICC_IAR1_EL1, &v);
        if (v != 8192u + k) (*bad)++;
        else gic_sysreg_write(r->g, r->t, cpu, GIC_ICC_EOIR1_EL1, v);
    }
    return (now_s() - t0) * 1e9 / n;
}

static double cost(uint32_t pairs, uint32_t n, uint32_t ncpu)
{
    NCPU = ncpu;
    run_t r = setup(21, pairs);
    uint64_t bad = 0;
    msi_loop(&r, pairs, n / 10 + 1, &bad); /* warm-up */
    bad = 0;
    gic_stats_reset(r.g);
    double ns = msi_loop(&r, pairs, n, &bad);
    uint64_t rx = 0, del = 0, reads = 0, writes = 0;
    gic_stat_counter(r.g, "msi.received", &rx);
    gic_stat_counter(r.g, "msi.delivered", &del);
    /* modelled memory traffic per MSI (all table classes) */
    for (size_t i = 0;; i++) {
        const char *name = gic_stat_name(r.g, 0, i);
        if (!name) break;
        size_t l = strlen(name);
        uint64_t v = 0;
        if (strncmp(name, "mem.", 4) != 0 || !gic_stat_counter(r.g, name, &v)) continue;
        if (l > 6 && strcmp(name + l - 6, ".reads") == 0) reads += v;
        if (l > 7 && strcmp(name + l - 7, ".writes") == 0) writes += v;
    }
    printf("msi_scale: %u CPUs, %u pairs: %.0f ns/MSI, %.2f modelled memory reads and %.2f writes "
           "per MSI, %llu of %llu delivered, %llu not acknowledged as expected, footprint %.1f MiB\n",
           ncpu, pairs, ns, rx ? (double)reads / (double)rx : 0.0, rx ? (double)writes / (double)rx : 0.0,
           (unsigned long long)del, (unsigned long long)rx, (unsigned long long)bad,
           (double)gic_mem_footprint(r.g) / (1 << 20));
    gic_destroy(r.g);
    return ns;
}

int main(int argc, char **argv)
{
    const uint32_t n = 200000;
    /* --case PAIRS CPUS [N]: one case only (for instruction counts:
     * valgrind --tool=callgrind --toggle-collect=msi_loop bench_msi_scale --case 1048576 4 20000) */
    if (argc >= 4 && strcmp(argv[1], "--case") == 0) {
        uint32_t pairs = (uint32_t)strtoul(argv[2], NULL, 0), cpus = (uint32_t)strtoul(argv[3], NULL, 0);
        uint32_t cn = argc >= 5 ? (uint32_t)strtoul(argv[4], NULL, 0) : n;
        if (pairs < 1 || pairs > (1u << 20) || cpus < 1 || cpus > GIC_MAX_CPUS || cn < 1) {
            fprintf(stderr, "bench_msi_scale: --case PAIRS(1..1048576) CPUS(1..%u) [N>0]\n", GIC_MAX_CPUS);
            return 2;
        }
        cost(pairs, cn, cpus);
        return 0;
    }
    double c1k = cost(1024, n, 4);
    double c64k = cost(65536, n, 4);
    double c1m = cost(1u << 20, n, 4);
    double c512 = cost(65536, n, 512);
    printf("BENCH msi_cost_1k %.0f ns\n", c1k);
    printf("BENCH msi_cost_64k %.0f ns\n", c64k);
    printf("BENCH msi_cost_1m %.0f ns\n", c1m);
    printf("BENCH msi_cost_64k_vs_1k %.2f x\n", c64k / c1k);
    printf("BENCH msi_cost_1m_vs_1k %.2f x\n", c1m / c1k);
    printf("BENCH msi_cost_512cpu %.0f ns\n", c512);
    printf("BENCH msi_cost_512cpu_vs_4cpu %.2f x\n", c512 / c64k);
    fflush(stdout);

    /* Peak RSS of a 24-bit IDbits run, in a child so the runs above do not count. */
    pid_t pid = fork();
    if (pid == 0) {
        NCPU = 4;
        run_t r = setup(24, 1024);
        uint64_t bad = 0;
        msi_loop(&r, 1024, 10000, &bad);
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
