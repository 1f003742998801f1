/*
 * libFuzzer harness (a): a sequence of public C-API operations decoded from
 * the input, on a fresh GIC per input. See docs/robustness.md.
 *
 * Input: byte 0 chooses the set-up (driver bring-up or none, ITS error
 * policy, caches, injected memory faults); then operations, each an opcode
 * byte and its operands: MMIO reads and writes at any offset and size on
 * every frame (and beyond), system registers, MSIs with any DeviceID and
 * EventID, guest-memory writes (command queue and tables hold garbage),
 * encoded and raw ITS commands, interrupt lines, a CPU taking interrupts,
 * injected memory faults set and lifted, time steps (also backwards: late
 * inputs).
 *
 * Invariants checked after each input (a failure aborts: a finding):
 *  - time never goes back: gic_now() and the output times never decrease;
 *  - every MSI accepted by gic_msi ends in exactly one outcome (delivered,
 *    coalesced, or dropped with a reason) and the counters agree;
 *  - every ITS command queue either drains (GITS_CREADR == GITS_CWRITER) or
 *    is stalled (GITS_CREADR.Stalled) with a recorded command error;
 *  - the model settles: no event is left scheduled after a long quiet time.
 */
#include "gictlm.h"
#include "gictlm_driver.h"
#include "gictlm_fault.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct in {
    const uint8_t *p;
    size_t n;
} in_t;

static uint8_t u8(in_t *in)
{
    if (!in->n) return 0;
    in->n--;
    return *in->p++;
}
static uint64_t un(in_t *in, unsigned bytes)
{
    uint64_t v = 0;
    for (unsigned i = 0; i < bytes; i++) v |= (uint64_t)u8(in) << (8 * i);
    return v;
}

typedef struct sink {
    gic_time_t last_out;
    uint64_t msi_outcomes, dropped_without_reason, out_of_order, cmd_errors;
} sink_t;

static void on_out(void *ctx, const gic_output_t *o)
{
    sink_t *s = ctx;
    if (o->time < s->last_out) s->out_of_order++;
    s->last_out = o->time;
    if (o->kind == GIC_OUT_MSI) {
        s->msi_outcomes++;
        if (o->outcome == GIC_MSI_DROPPED && (!o->reason || !o->reason[0])) s->dropped_without_reason++;
    }
    if (o->kind == GIC_OUT_CMD && o->error) s->cmd_errors++;
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "fuzz_capi invariant: " __VA_ARGS__);                                      \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

static const uint32_t kSizes[8] = {1, 2, 4, 8, 4, 8, 3, 16};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    in_t in = {data, size};
    uint8_t setup = u8(&in);
    gic_config_t cfg;
    gic_config_default(&cfg);
    /* Small topology: creation cost per input is what bounds the rate. */
    cfg.num_cpus = 2;
    cfg.num_its = 1 + (setup >> 7);
    cfg.num_spis = 64;
    cfg.lpi_id_bits = 14;
    cfg.its_devbits = 8;
    cfg.its_eventid_bits = 6;
    cfg.its_cid_bits = 4;
    cfg.its_error_policy = (setup & 2) ? GIC_ITS_ERR_STALL : GIC_ITS_ERR_SKIP;
    cfg.lpi_scan_policy = (gic_scan_policy_t)((setup >> 2) % 3);
    if (setup & 16) {
        cfg.lpi_cache.entries = 4;
        cfg.its_device_cache.entries = 2;
        cfg.its_event_cache.entries = 4;
        cfg.its_collection_cache.entries = 2;
    }
    cfg.mem_size = 1u << 24;
    sink_t sink = {0};
    gic_callbacks_t cb = {0};
    cb.ctx = &sink;
    cb.output = on_out;
    cb.log_level = GIC_LOG_ERROR;
    char err[256];
    gic_t *g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!g) FAIL("gic_create: %s", err);
    gic_driver_t *d = gic_driver_create(g, 1000, 0x100000);
    if (!d) FAIL("gic_driver_create");
    const int brought_up = (setup & 1) != 0;
    if (brought_up) {
        if (gic_driver_init(d) != GIC_OK) FAIL("gic_driver_init");
        for (uint32_t dev = 0; dev < 2; dev++)
            if (gic_driver_map_device(d, 0, dev, 4, 8192 + dev * 4, NULL) != GIC_OK) FAIL("map_device");
    }
    /* The driver polls GITS_CREADR every step while it flushes: with the
     * default 1 ns step, a stalled or disabled queue cost 50000 register
     * reads per flush (most of an input's time). 1 us steps: at most 50. */
    gic_driver_set_step(d, 1000000);
    gic_time_t t = gic_driver_time(d), now = gic_now(g);
    uint64_t msi_ok = 0;
    unsigned ops = 0;
    while (in.n && ops++ < 512) {
        uint8_t op = u8(&in);
        gic_time_t ti = t;
        if (op & 0x80) ti = t > 5000 ? t - 5000 : 0; /* late input: clamped and counted */
        uint64_t v = 0;
        switch (op & 0x0f) {
        case 0: { /* MMIO write, any frame/offset/size */
            uint8_t fb = u8(&in);
            uint64_t off = un(&in, 3) & 0x3ffff;
            gic_mmio_write(g, ti, (gic_frame_t)(fb % 4), (fb >> 2) % 3, off, kSizes[(fb >> 4) & 7],
                           un(&in, 8));
            break;
        }
        case 1: { /* MMIO read */
            uint8_t fb = u8(&in);
            uint64_t off = un(&in, 3) & 0x3ffff;
            gic_mmio_read(g, ti, (gic_frame_t)(fb % 4), (fb >> 2) % 3, off, kSizes[(fb >> 4) & 7], &v);
            break;
        }
        case 2: { /* system register write */
            uint8_t rb = u8(&in);
            gic_sysreg_write(g, ti, u8(&in) % 3, (gic_sysreg_t)(rb % (GIC_SYSREG_COUNT + 1)), un(&in, 8));
            break;
        }
        case 3: { /* system register read */
            uint8_t rb = u8(&in);
            gic_sysreg_read(g, ti, u8(&in) % 3, (gic_sysreg_t)(rb % (GIC_SYSREG_COUNT + 1)), &v);
            break;
        }
        case 4: { /* MSI, any DeviceID/EventID (small ones most often) */
            uint8_t b = u8(&in);
            uint32_t devid = (b & 1) ? (uint32_t)un(&in, 4) : u8(&in) % 4;
            uint32_t ev = (b & 2) ? (uint32_t)un(&in, 4) : u8(&in) % 8;
            if (gic_msi(g, ti, (b >> 2) % 3, devid, ev) == GIC_OK) msi_ok++;
            break;
        }
        case 5: { /* interrupt lines */
            uint8_t b = u8(&in);
            if (b & 1) gic_set_spi(g, ti, u8(&in), (b >> 1) & 1);
            else gic_set_ppi(g, ti, (b >> 2) % 3, u8(&in) % 40, (b >> 1) & 1);
            break;
        }
        case 6: { /* guest memory write: tables, command queue, anywhere */
            uint8_t b[16];
            uint64_t addr = (u8(&in) & 1) ? 0x100000 + un(&in, 3) % 0x100000 : un(&in, 4);
            uint8_t len = 1 + u8(&in) % 16;
            for (unsigned i = 0; i < len; i++) b[i] = u8(&in);
            gic_mem_write(g, addr, b, len);
            break;
        }
        case 7: { /* raw 32-byte ITS command through the driver's queue */
            uint64_t c[4];
            for (int i = 0; i < 4; i++) c[i] = un(&in, 8);
            if (brought_up) {
                gic_driver_set_time(d, t);
                gic_driver_queue(d, 0, c);
                gic_driver_flush(d, 0, 50000000ull);
                t = gic_driver_time(d);
            }
            break;
        }
        case 8: { /* well-formed command with fuzzed operands */
            uint64_t c[4];
            uint8_t k = u8(&in);
            uint32_t dev = u8(&in) % 8, ev = u8(&in) % 80, icid = u8(&in) % 18, cpu = u8(&in) % 3;
            switch (k % 10) {
            case 0: gic_cmd_mapd(c, dev, 0x180000 + dev * 0x1000ull, u8(&in) % 8, u8(&in) & 1); break;
            case 1: gic_cmd_mapc(c, icid, gic_driver_rdbase(d, cpu), u8(&in) & 1); break;
            case 2: gic_cmd_mapti(c, dev, ev, 8192 + u8(&in) * 16u % 9000, icid); break;
            case 3: gic_cmd_mapi(c, dev, ev, icid); break;
            case 4: gic_cmd_movi(c, dev, ev, icid); break;
            case 5: gic_cmd_devev(c, (uint8_t[]){3, 4, 0xf, 0xc}[u8(&in) % 4], dev, ev); break;
            case 6: gic_cmd_invall(c, icid); break;
            case 7: gic_cmd_sync(c, gic_driver_rdbase(d, cpu)); break;
            case 8: gic_cmd_movall(c, gic_driver_rdbase(d, cpu), gic_driver_rdbase(d, u8(&in) % 3)); break;
            default: memset(c, 0, sizeof c); c[0] = u8(&in); break;
            }
            if (brought_up) {
                gic_driver_set_time(d, t);
                gic_driver_queue(d, 0, c);
                gic_driver_flush(d, 0, 50000000ull);
                t = gic_driver_time(d);
            }
            break;
        }
        case 9: { /* a CPU taking an interrupt properly */
            uint32_t cpu = u8(&in) % 2;
            gic_sysreg_read(g, ti, cpu, GIC_ICC_IAR1_EL1, &v);
            if (v < 1020 || v >= 8192) gic_sysreg_write(g, ti + 100, cpu, GIC_ICC_EOIR1_EL1, v);
            break;
        }
        case 10: /* retry a stalled queue (GITS_CWRITER.Retry) */
            gic_mmio_read(g, ti, GIC_FRAME_GITS, 0, 0x88, 8, &v);
            gic_mmio_write(g, ti, GIC_FRAME_GITS, 0, 0x88, 8, v | 1);
            break;
        case 11: /* time passes */
            t += un(&in, 2) * 1000ull;
            gic_run_until(g, t);
            break;
        case 13: { /* injected memory faults: a range, a rate, a class mask (or lifted) */
            uint8_t b = u8(&in);
            gic_mem_fault_t f = {0};
            if (b & 1) {
                f.addr_lo = 0x100000 + un(&in, 3) % 0x100000;
                f.addr_hi = f.addr_lo + 1 + un(&in, 2);
            }
            if (b & 2) f.rate_ppm = (uint32_t)(un(&in, 3) % 1000001u);
            f.seed = u8(&in);
            f.classes = (b >> 2) & GIC_MEM_CLASS_ALL;
            if (gic_mem_fault_set(g, (b & 3) ? &f : NULL) != GIC_OK) FAIL("gic_mem_fault_set refused a valid setting");
            break;
        }
        default: /* small step */
            t += u8(&in) * 37ull;
            break;
        }
        gic_time_t n2 = gic_now(g);
        if (n2 < now) FAIL("gic_now went back from %llu to %llu", (unsigned long long)now, (unsigned long long)n2);
        now = n2;
        if (t < now) t = now;
    }
    /* Settle: a long quiet time, then nothing may be left scheduled. */
    gic_time_t end = now + 10000000000ull; /* 10 ms */
    gic_run_until(g, end);
    gic_time_t nx;
    if (gic_next_event_time(g, &nx)) {
        gic_run_until(g, end + 1000000000000ull); /* 1 s more */
        if (gic_next_event_time(g, &nx)) FAIL("events still scheduled 1 s after the last input (next %llu)", (unsigned long long)nx);
    }
    uint64_t rec = 0, del = 0, coal = 0, drop = 0;
    gic_stat_counter(g, "msi.received", &rec);
    gic_stat_counter(g, "msi.delivered", &del);
    gic_stat_counter(g, "msi.coalesced", &coal);
    gic_stat_counter(g, "msi.dropped", &drop);
    if (rec != msi_ok) FAIL("msi.received %llu != accepted MSIs %llu", (unsigned long long)rec, (unsigned long long)msi_ok);
    if (rec != del + coal + drop)
        FAIL("MSI conservation: received %llu != delivered %llu + coalesced %llu + dropped %llu",
             (unsigned long long)rec, (unsigned long long)del, (unsigned long long)coal, (unsigned long long)drop);
    if (sink.msi_outcomes != rec) FAIL("%llu MSI outcomes for %llu MSIs", (unsigned long long)sink.msi_outcomes, (unsigned long long)rec);
    if (sink.dropped_without_reason) FAIL("dropped MSI without a reason");
    if (sink.out_of_order) FAIL("%llu outputs went back in time", (unsigned long long)sink.out_of_order);
    /* Command queues: drained, or stalled with a recorded error. */
    for (uint32_t its = 0; its < cfg.num_its; its++) {
        uint64_t ctlr = 0, cbaser = 0, cwriter = 0, creadr = 0;
        gic_time_t q = gic_now(g);
        gic_mmio_read(g, q, GIC_FRAME_GITS, its, 0x0, 4, &ctlr);
        gic_mmio_read(g, q, GIC_FRAME_GITS, its, 0x80, 8, &cbaser);
        gic_mmio_read(g, q, GIC_FRAME_GITS, its, 0x88, 8, &cwriter);
        gic_mmio_read(g, q, GIC_FRAME_GITS, its, 0x90, 8, &creadr);
        if (!(ctlr & 1) || !(cbaser >> 63)) continue; /* disabled or no queue: nothing is processed */
        uint64_t qsize = ((cbaser & 0xff) + 1) * 4096;
        if ((cwriter & 0xfffe0) >= qsize) continue; /* CWRITER beyond the queue: not processed (counted error) */
        if ((creadr & ~1ull) == (cwriter & ~1ull)) continue;
        if (creadr & 1) { /* stalled: an error must have been recorded */
            if (!sink.cmd_errors) FAIL("ITS%u stalled without a command error", its);
            continue;
        }
        FAIL("ITS%u command queue neither drained nor stalled: CREADR 0x%llx CWRITER 0x%llx", its,
             (unsigned long long)creadr, (unsigned long long)cwriter);
    }
    gic_driver_destroy(d);
    gic_destroy(g);
    return 0;
}
