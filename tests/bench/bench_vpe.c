/* GICv4.0 host costs, each as a ratio measured in one run:
 *  - vPE residency switch (the GICR_VPENDBASER.Valid 0 -> 1 write and the
 *    model's run until the load has completed) with 64K-vLPI VPTs (IDbits 16)
 *    and 10 pending (median host time per switch; median of three
 *    interleaved runs of each), under the full policy against the best of
 *    tracked and summary: BENCH vpe_residency_full_vs_best (the headline: the
 *    10 vINTIDs spread over the table, one VPT line each). The full policy is
 *    what QEMU does (the definition): its rescan reads the VPT one
 *    byte per memory access (lpi.scan_read_bytes = 1, QEMU's
 *    update_for_all_lpis); the same full rescan with one 64-byte read per
 *    line (the model's default read size) beside it:
 *    BENCH vpe_residency_full_line_vs_best. Then the best
 *    policy's cost at 64K and 128K (IDbits 17) against 8K vLPIs (IDbits 14,
 *    the smallest VPT the LPI INTID space allows):
 *    BENCH vpe_residency_best_64k_vs_8k, BENCH vpe_residency_best_128k_vs_8k.
 *    The same with the 10 vINTIDs consecutive (a device's MSI-X vectors, one
 *    VPT line): names with _consecutive; and each again with the GICv4 vLPI
 *    configuration cache (vpe.vlpi_cache, 1024 entries, 4 ways; off by
 *    default) on every rig: names with _vlpi_cache.
 *  - a directly injected vLPI round trip (MSI -> vIRQ -> ICV_IAR1_EL1 ->
 *    ICV_EOIR1_EL1) against a physical LPI round trip (MSI -> IRQ ->
 *    ICC_IAR1_EL1 -> ICC_EOIR1_EL1) on the same GIC, interleaved chunks:
 *    BENCH vlpi_vs_lpi_round_trip.
 * Instruction counts of the switch (docs/lpi.md): --one, see main().
 * Bring-up through the driver helper (capi/gictlm_driver.h). */
#define _POSIX_C_SOURCE 199309L
#include "gictlm.h"
#include "gictlm_driver.h"
#define BENCH_NAME "bench_vpe"
#include "bench_util.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define VALID (1ull << 63)
#define VPROPBASER 0x20070u
#define VPENDBASER 0x20078u
#define DEV 7u
#define NPEND 10u

typedef struct rig {
    bench_drv_t b; /* the GIC, its driver, the time */
    uint64_t vprop, vpt;
    uint32_t bits;
} rig_t;

/* vINTID of event e (0..NPEND-1) in a VPT of 2^bits INTIDs (n vLPIs):
 * spread over the table (one VPT line each: the definition), or
 * consecutive like a device's MSI-X vectors (Linux gives a device a
 * power-of-two range of LPIs, its_lpi_alloc; here 32-aligned in the middle
 * of the table, so the 10 are in one 64-byte VPT line). */
static uint32_t vintid_of(uint32_t e, uint64_t n, bool consec)
{
    if (consec) return (uint32_t)(8192 + (n / 2 & ~(uint64_t)31) + e);
    return (uint32_t)(8192 + (n - 1) * e / NPEND);
}

/* GICv4 GIC, vPE 1 on CPU 0 with a VPT of 2^bits vINTIDs; device DEV events
 * 0..NPEND-1 -> vINTIDs spread over the table or consecutive (vintid_of; no
 * doorbell), event NPEND -> physical LPI 8192 on CPU 0 (for the physical
 * round trip). */
static rig_t rig_rb(gic_scan_policy_t pol, uint32_t bits, bool vlpi_cache, bool consec, uint32_t read_bytes)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.gic_version = 4;
    cfg.lpi_scan_policy = pol;
    cfg.lpi_scan_read_bytes = read_bytes;
    if (vlpi_cache) {
        cfg.vpe_vlpi_cache.entries = 1024;
        cfg.vpe_vlpi_cache.ways = 4;
    }
    cfg.lpi_id_bits = bits > 16 ? bits : 16;
    rig_t r = {bench_drv_boot(&cfg), 0, 0, bits};
    uint64_t n = ((uint64_t)1 << bits) - 8192;
    r.vprop = gic_driver_alloc(r.b.d, (uint64_t)1 << bits, 0x10000);
    uint8_t *p = malloc(n);
    memset(p, 0xa0 | 1, n);
    gic_mem_write(r.b.g, r.vprop, p, n);
    free(p);
    r.vpt = gic_driver_alloc(r.b.d, ((uint64_t)1 << bits) / 8, 0x10000);
    uint64_t c[4];
    gic_cmd_vmapp(c, 1, gic_driver_rdbase(r.b.d, 0), r.vpt, bits - 1, true);
    bench_drv_cmd(&r.b, c);
    uint64_t itt = gic_driver_alloc(r.b.d, 16 * 16, 256);
    gic_cmd_mapd(c, DEV, itt, 3, true);
    bench_drv_cmd(&r.b, c);
    for (uint32_t e = 0; e < NPEND; e++) {
        gic_cmd_vmapti(c, DEV, e, 1, vintid_of(e, n, consec), 1023);
        bench_drv_cmd(&r.b, c);
    }
    gic_cmd_mapti(c, DEV, NPEND, 8192, 0);
    bench_drv_cmd(&r.b, c);
    gic_cmd_devev(c, GITS_CMD_INV, DEV, NPEND);
    bench_drv_cmd(&r.b, c);
    bench_drv_flush(&r.b);
    uint8_t lp = 0xa0 | 1;
    gic_mem_write(r.b.g, gic_driver_prop_base(r.b.d), &lp, 1);
    gic_cmd_devev(c, GITS_CMD_INV, DEV, NPEND);
    bench_drv_cmd(&r.b, c);
    bench_drv_flush(&r.b);
    gic_mmio_write(r.b.g, r.b.t, GIC_FRAME_GICR, 0, VPROPBASER, 8, r.vprop | (bits - 1));
    gic_sysreg_write(r.b.g, r.b.t, 0, GIC_ICH_VMCR_EL2, 0x2u | (0xf8u << 24));
    gic_sysreg_write(r.b.g, r.b.t, 0, GIC_ICH_HCR_EL2, 1);
    return r;
}
/* The model's default read size (one 64-byte line per pending-table read). */
static rig_t rig(gic_scan_policy_t pol, uint32_t bits, bool vlpi_cache, bool consec)
{
    return rig_rb(pol, bits, vlpi_cache, consec, 64);
}

/* NPEND vLPIs recorded while away, then one residency switch: the timed
 * part is the GICR_VPENDBASER write that makes the vPE resident and the run of
 * the model until its load has completed and the first vLPI is signalled
 * (*host_ns); the acknowledges and the put are not timed. Returns false if a
 * vLPI was not presented. */
static bool residency_cycle(rig_t *r, double *host_ns)
{
    for (uint32_t e = 0; e < NPEND; e++) gic_msi(r->b.g, r->b.t + e * 1000, 0, DEV, e);
    r->b.t += 100000;
    gic_run_until(r->b.g, r->b.t);
    double t0 = now_ns();
    /* IDAI = 0: the GIC's own information about the VPT (the tracked records,
     * the summary bitmap) is valid, as the GIC reports after a put and Linux
     * writes back; IDAI = 1 would make every policy read the whole VPT */
    gic_mmio_write(r->b.g, r->b.t, GIC_FRAME_GICR, 0, VPENDBASER, 8, r->vpt | VALID);
    gic_time_t next;
    while (gic_next_event_time(r->b.g, &next)) gic_run_until(r->b.g, next);
    *host_ns += now_ns() - t0;
    r->b.t = gic_now(r->b.g);
    uint32_t got = 0;
    uint64_t id = 0;
    while (gic_sysreg_read(r->b.g, r->b.t, 0, GIC_ICV_IAR1_EL1, &id), id != GIC_SPURIOUS && got < 2 * NPEND) {
        gic_sysreg_write(r->b.g, r->b.t, 0, GIC_ICV_EOIR1_EL1, id);
        got++;
        /* full: the rescan after an acknowledge takes modelled time */
        while (gic_next_event_time(r->b.g, &next)) gic_run_until(r->b.g, next);
        r->b.t = gic_now(r->b.g) + 1000;
    }
    gic_mmio_write(r->b.g, r->b.t, GIC_FRAME_GICR, 0, VPENDBASER, 8, r->vpt);
    r->b.t += 100000;
    gic_run_until(r->b.g, r->b.t);
    return got == NPEND;
}


/* Median host time of n residency switches (after one warm-up): a median,
 * not a mean, so that the host descheduling this process now and then on a
 * loaded machine does not decide the figure. */
static double residency_ns(rig_t *r, int n)
{
    double h = 0;
    if (!residency_cycle(r, &h)) bench_die("vLPIs not presented at residency (warm-up)");
    double *v = malloc((size_t)n * sizeof(double));
    if (!v) bench_die("out of memory");
    for (int i = 0; i < n; i++) {
        h = 0;
        if (!residency_cycle(r, &h)) bench_die("vLPIs not presented at residency");
        v[i] = h;
    }
    qsort(v, (size_t)n, sizeof(double), bench_cmp_double);
    double m = v[n / 2];
    free(v);
    return m;
}

static double median3(double a, double b, double c)
{
    return a > b ? (b > c ? b : (a > c ? c : a)) : (a > c ? a : (b > c ? c : b));
}

/* one physical LPI round trip (event NPEND -> LPI 8192 on CPU 0) */
static bool lpi_trip(rig_t *r)
{
    gic_msi(r->b.g, r->b.t, 0, DEV, NPEND);
    gic_run_until(r->b.g, r->b.t + 2000000);
    uint64_t id = 0;
    gic_sysreg_read(r->b.g, r->b.t + 2000000, 0, GIC_ICC_IAR1_EL1, &id);
    gic_sysreg_write(r->b.g, r->b.t + 2010000, 0, GIC_ICC_EOIR1_EL1, id);
    r->b.t += 2100000;
    return id == 8192;
}

/* one directly injected vLPI round trip (event 0, vPE resident) */
static bool vlpi_trip(rig_t *r)
{
    gic_msi(r->b.g, r->b.t, 0, DEV, 0);
    gic_run_until(r->b.g, r->b.t + 2000000);
    uint64_t id = 0;
    gic_sysreg_read(r->b.g, r->b.t + 2000000, 0, GIC_ICV_IAR1_EL1, &id);
    gic_sysreg_write(r->b.g, r->b.t + 2010000, 0, GIC_ICV_EOIR1_EL1, id);
    r->b.t += 2100000;
    return id == 8192;
}

static long lpi_trips(void *r, long n)
{
    long bad = 0;
    for (long i = 0; i < n; i++) bad += !lpi_trip(r);
    return bad;
}
static long vlpi_trips(void *r, long n)
{
    long bad = 0;
    for (long i = 0; i < n; i++) bad += !vlpi_trip(r);
    return bad;
}

/* Residency: full vs tracked vs summary at 64K vLPIs (interleaved), then the
 * best policy at 8K / 64K / 128K vLPIs; rigs[0..4] = full, tracked, summary,
 * 8K, 128K (for the error check and the round trip). vc: the vLPI
 * configuration cache on every rig; consec: the 10 pending vINTIDs
 * consecutive instead of spread (vintid_of). */
static void residency(int n, bool vc, bool consec, rig_t rigs[5])
{
    char sfx[64];
    snprintf(sfx, sizeof sfx, "%s%s", consec ? "_consecutive" : "", vc ? "_vlpi_cache" : "");
    const char *what = consec ? (vc ? ", consecutive, vLPI configuration cache" : ", consecutive")
                              : (vc ? ", spread, vLPI configuration cache" : ", spread");
    /* full as QEMU reads the VPT (one byte per access) and with line reads */
    rig_t fq = rig_rb(GIC_SCAN_FULL, 16, vc, consec, 1), full = rig(GIC_SCAN_FULL, 16, vc, consec),
          tr = rig(GIC_SCAN_TRACKED, 16, vc, consec), su = rig(GIC_SCAN_SUMMARY, 16, vc, consec);
    /* a byte-wise switch (and each rescan after an acknowledge) makes 7168
     * reads: fewer cycles of it keep the benchmark's run time in bounds */
    int nq = n / 10 > 5 ? n / 10 : 5;
    double qr[3], fr[3], tr3[3], sr[3];
    for (int rep = 0; rep < 3; rep++) {
        qr[rep] = residency_ns(&fq, nq);
        fr[rep] = residency_ns(&full, n);
        tr3[rep] = residency_ns(&tr, n);
        sr[rep] = residency_ns(&su, n);
    }
    double q = median3(qr[0], qr[1], qr[2]), f = median3(fr[0], fr[1], fr[2]), t = median3(tr3[0], tr3[1], tr3[2]),
           s = median3(sr[0], sr[1], sr[2]);
    double best = t < s ? t : s;
    uint64_t rq = 0, rf = 0, rt = 0, rs = 0, cq = 0, cf = 0, ct = 0, cs = 0;
    gic_stat_counter(fq.b.g, "vpe.residency.scan_reads", &rq);
    gic_stat_counter(full.b.g, "vpe.residency.scan_reads", &rf);
    gic_stat_counter(tr.b.g, "vpe.residency.scan_reads", &rt);
    gic_stat_counter(su.b.g, "vpe.residency.scan_reads", &rs);
    gic_stat_counter(fq.b.g, "vpe.residency.scheduled", &cq);
    gic_stat_counter(full.b.g, "vpe.residency.scheduled", &cf);
    gic_stat_counter(tr.b.g, "vpe.residency.scheduled", &ct);
    gic_stat_counter(su.b.g, "vpe.residency.scheduled", &cs);
    printf("bench_vpe: residency switch, 64K vLPIs, %u pending%s: full as QEMU (byte reads) %.0f ns (%.1f "
           "modelled reads), full with line reads %.0f ns (%.1f), tracked %.0f ns (%.1f), summary %.0f ns (%.1f)\n",
           NPEND, what, q, cq ? (double)rq / cq : 0, f, cf ? (double)rf / cf : 0, t, ct ? (double)rt / ct : 0, s,
           cs ? (double)rs / cs : 0);
    printf("BENCH vpe_residency_full%s_ns %.0f ns\n", sfx, q);
    printf("BENCH vpe_residency_full_line%s_ns %.0f ns\n", sfx, f);
    printf("BENCH vpe_residency_tracked%s_ns %.0f ns\n", sfx, t);
    printf("BENCH vpe_residency_summary%s_ns %.0f ns\n", sfx, s);
    printf("BENCH vpe_residency_full_vs_best%s %.1f x\n", sfx, q / best);
    printf("BENCH vpe_residency_full_line_vs_best%s %.1f x\n", sfx, f / best);
    uint64_t eq = 0;
    gic_stat_counter(fq.b.g, "errors.total", &eq);
    if (eq) fprintf(stderr, "bench_vpe: %llu GIC errors in the byte-wise full rig\n", (unsigned long long)eq);
    gic_driver_destroy(fq.b.d);
    gic_destroy(fq.b.g);
    gic_scan_policy_t bp = t < s ? GIC_SCAN_TRACKED : GIC_SCAN_SUMMARY;
    rig_t small = rig(bp, 14, vc, consec), large = rig(bp, 17, vc, consec);
    double a8[3], a64[3], a128[3];
    rig_t *mid = bp == GIC_SCAN_TRACKED ? &tr : &su;
    for (int rep = 0; rep < 3; rep++) {
        a8[rep] = residency_ns(&small, n);
        a64[rep] = residency_ns(mid, n);
        a128[rep] = residency_ns(&large, n);
    }
    double cs8 = median3(a8[0], a8[1], a8[2]), cm = median3(a64[0], a64[1], a64[2]),
           cl = median3(a128[0], a128[1], a128[2]);
    printf("bench_vpe: best policy (%s%s) at 8K / 64K / 128K vLPIs: %.0f / %.0f / %.0f ns\n",
           bp == GIC_SCAN_TRACKED ? "tracked" : "summary", what, cs8, cm, cl);
    printf("BENCH vpe_residency_best%s_64k_vs_8k %.2f x\n", sfx, cm / cs8);
    printf("BENCH vpe_residency_best%s_128k_vs_8k %.2f x\n", sfx, cl / cs8);
    rigs[0] = full, rigs[1] = tr, rigs[2] = su, rigs[3] = small, rigs[4] = large;
}

int main(int argc, char **argv)
{
    /* --one POLICY BITS N [vlpi-cache] [consecutive] [bytes=R]: only N
     * residency cycles of one rig (for instruction counts: valgrind
     * --tool=callgrind --toggle-collect=wr_vpendbaser bench_vpe --one tracked
     * 16 100); bytes=1: the pending-table reads of QEMU's rescan */
    if (argc >= 5 && strcmp(argv[1], "--one") == 0) {
        static const char usage[] =
            "usage: bench_vpe --one full|tracked|summary BITS(14..20) N [vlpi-cache] [consecutive] [bytes=1|2|..|64]";
        bool vc = false, consec = false;
        uint32_t rb = 64;
        int b;
        for (int i = 5; i < argc; i++) {
            if (strcmp(argv[i], "vlpi-cache") == 0) vc = true;
            else if (strcmp(argv[i], "consecutive") == 0) consec = true;
            else if (strncmp(argv[i], "bytes=", 6) == 0 && (b = atoi(argv[i] + 6)) >= 1 && b <= 64 && !(b & (b - 1)))
                rb = (uint32_t)b;
            else bench_die(usage);
        }
        gic_scan_policy_t pol = strcmp(argv[2], "full") == 0      ? GIC_SCAN_FULL
                                : strcmp(argv[2], "summary") == 0 ? GIC_SCAN_SUMMARY
                                                                  : GIC_SCAN_TRACKED;
        int bits = atoi(argv[3]), cycles = atoi(argv[4]);
        if (bits < 14 || bits > 20 || cycles < 1)
            bench_die(usage);
        rig_t r = rig_rb(pol, (uint32_t)bits, vc, consec, rb);
        printf("bench_vpe: %s, %d bits: %.0f ns per residency switch\n", argv[2], bits, residency_ns(&r, cycles));
        return 0;
    }
    int n = argc > 1 ? atoi(argv[1]) : 200;
    if (n < 1) bench_die("usage: bench_vpe [RESIDENCY_CYCLES >= 1]");
    rig_t all[20];
    residency(n, false, false, all);
    residency(n, true, false, all + 5);
    residency(n, false, true, all + 10);
    residency(n, true, true, all + 15);
    rig_t tr = all[1];
    /* vLPI vs physical LPI round trip on one GIC (vPE resident) */
    gic_mmio_write(tr.b.g, tr.b.t, GIC_FRAME_GICR, 0, VPENDBASER, 8, tr.vpt | VALID);
    tr.b.t += 1000000;
    gic_run_until(tr.b.g, tr.b.t);
    bench_ab_t ab = bench_ab(&tr, vlpi_trips, lpi_trips, 31, 2000);
    printf("BENCH vlpi_round_trip_ns %.1f ns\n", ab.ns_a);
    printf("BENCH lpi_round_trip_ns %.1f ns\n", ab.ns_b);
    printf("BENCH vlpi_vs_lpi_round_trip %.2f x\n", ab.ratio_median);
    for (unsigned i = 0; i < 20; i++) {
        uint64_t e = 0;
        gic_stat_counter(all[i].b.g, "errors.total", &e);
        if (e) fprintf(stderr, "bench_vpe: %llu GIC errors in rig %u\n", (unsigned long long)e, i);
        gic_driver_destroy(all[i].b.d);
        gic_destroy(all[i].b.g);
    }
    return 0;
}
