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
 * inputs). On a GICv4.0 or GICv4.1 set-up also: the virtual commands with
 * fuzzed operands, GICR_VPROPBASER/GICR_VPENDBASER writes (vCPU load and put),
 * GITS_SGIR writes, list-register writes and a vCPU acknowledging through
 * ICV_IAR1_EL1.
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

static void on_log(void *ctx, gic_time_t t, gic_log_level_t lvl, const char *component, const char *msg)
{
    (void)ctx;
    (void)lvl;
    fprintf(stderr, "fuzz_capi: log %llu ps %s: %s\n", (unsigned long long)t, component, msg);
}

#define FAIL(...)                                                                                  \
    do {                                                                                           \
        fprintf(stderr, "fuzz_capi invariant: " __VA_ARGS__);                                      \
        fputc('\n', stderr);                                                                       \
        abort();                                                                                   \
    } while (0)

/* One command through the driver's queue of ITS 0 at t, waited for (at most
 * 50 us: a stalled queue gives up); returns the driver's time after it. */
static gic_time_t run_cmd(gic_driver_t *d, gic_time_t t, const uint64_t c[4])
{
    gic_driver_set_time(d, t);
    gic_driver_queue(d, 0, c);
    gic_driver_flush(d, 0, 50000000ull);
    return gic_driver_time(d);
}

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
    cfg.lpi_scan_policy = (gic_scan_policy_t)(((setup >> 2) & 7) % 3);
    /* bits [6:5]: 0, 1 GICv3; 2 GICv4.0; 3 GICv4.1 */
    const unsigned version = (setup >> 5) & 3;
    if (version >= 2) cfg.gic_version = 4;
    if (version == 3) cfg.gicv4_1 = 1;
    cfg.gicr_base = 0x08200000; /* room for two ITSs (of 256 KiB with ITS_SGI_base) */
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
    if (getenv("FUZZ_CAPI_VERBOSE")) {
        cb.log = on_log;
        cb.log_level = GIC_LOG_INFO;
    }
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
    /* GICv4: a vLPI configuration table and four vPE pending tables (vINTID
     * bits 14, like the physical LPIs) in the driver's memory, so that the
     * structured virtual operations below name valid tables most of the time. */
    uint64_t vprop = 0, vpt[4] = {0};
    if (cfg.gic_version >= 4) {
        vprop = gic_driver_alloc(d, 1u << 14, 0x10000);
        for (int i = 0; i < 4; i++) vpt[i] = gic_driver_alloc(d, (1u << 14) / 8, 0x10000);
    }
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
            if (brought_up) t = run_cmd(d, t, c);
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
            if (brought_up) t = run_cmd(d, t, c);
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
        case 12: { /* GICv4 command with fuzzed operands (garbage on a GICv3 ITS) */
            uint64_t c[4];
            uint8_t k = u8(&in);
            uint32_t dev = u8(&in) % 8, ev = u8(&in) % 80, vpe = u8(&in) % 6, cpu = u8(&in) % 3;
            uint64_t vt = (u8(&in) & 7) ? vpt[vpe % 4] : un(&in, 4);
            uint32_t vint = 8192 + u8(&in) * 37u % 9000, db = (u8(&in) & 1) ? 1023 : 8192 + u8(&in) % 64;
            switch (k % 12) {
            case 0: gic_cmd_vmapp(c, vpe, gic_driver_rdbase(d, cpu), vt, 13, u8(&in) % 4 != 0); break;
            case 1: gic_cmd_vmapti(c, dev, ev, vpe, vint, db); break;
            case 2: gic_cmd_vmapi(c, dev, ev, vpe, db); break;
            case 3: gic_cmd_vmovi(c, dev, ev, vpe, u8(&in) & 1, db); break;
            case 4: gic_cmd_vmovp(c, u8(&in), u8(&in) & 3, vpe, gic_driver_rdbase(d, cpu)); break;
            case 5: gic_cmd_vsync(c, vpe); break;
            case 6: gic_cmd_vinvall(c, vpe); break;
            case 7:
                gic_cmd_vmapp41(c, vpe, gic_driver_rdbase(d, cpu), vt, 13, vprop, db, u8(&in) & 1, u8(&in) & 1,
                                u8(&in) % 4 != 0);
                break;
            case 8: gic_cmd_vmovp41(c, u8(&in), u8(&in) & 3, vpe, gic_driver_rdbase(d, cpu), u8(&in) & 1, db); break;
            case 9: {
                uint8_t b = u8(&in);
                gic_cmd_vsgi(c, vpe, b % 17, u8(&in), b & 16, b & 32, b & 64);
                break;
            }
            case 10: gic_cmd_invdb(c, vpe); break;
            default: gic_cmd_devev(c, (uint8_t[]){3, 4, 0xf, 0xc}[u8(&in) % 4], dev, ev); break;
            }
            if (brought_up) t = run_cmd(d, t, c);
            break;
        }
        case 14: { /* vCPU load or put: GICR_VPROPBASER / GICR_VPENDBASER, GITS_SGIR */
            uint8_t b = u8(&in);
            uint32_t cpu = u8(&in) % 3; /* 2: no such redistributor */
            uint64_t x = un(&in, 2);
            if ((b & 3) == 0) { /* VPROPBASER: GICv4.0 the VM's vLPI configuration table; GICv4.1
                                 * the shared vPE table (the driver's value, rewritten) */
                uint64_t val = 0;
                if (!(b & 4)) val = un(&in, 8);
                else if (version == 3) gic_mmio_read(g, ti, GIC_FRAME_GICR, cpu, 0x20070, 8, &val);
                else val = vprop | 13;
                if (version == 3 && (b & 8)) val |= 1ull << 63;
                gic_mmio_write(g, ti, GIC_FRAME_GICR, cpu, 0x20070, 8, val);
            } else if ((b & 3) == 1) { /* VPENDBASER: load (Valid, IDAI, PendingLast) or put */
                uint64_t val = (b & 4) ? vpt[x % 4] : un(&in, 8);
                if (b & 8) val |= 1ull << 63;  /* Valid */
                if (b & 16) val |= 1ull << 62; /* IDAI */
                if (b & 32) val |= 1ull << 61; /* PendingLast */
                if (version == 3) val = (val & ~0xffffull) | (x % 6); /* GICv4.1: vPEID */
                gic_mmio_write(g, ti, GIC_FRAME_GICR, cpu, 0x20078, 8, val);
            } else if ((b & 3) == 2) { /* VPENDBASER read back (Dirty, PendingLast) */
                gic_mmio_read(g, ti, GIC_FRAME_GICR, cpu, 0x20078, 8, &v);
            } else { /* GITS_SGIR: a vSGI to vPE x */
                gic_mmio_write(g, ti, GIC_FRAME_GITS, 0, GIC_GITS_SGIR_OFFSET, 8, gic_gits_sgir_value(x % 6, b >> 4));
            }
            break;
        }
        case 15: { /* the virtual CPU interface: ICH set-up, a list register, a vCPU's acknowledge */
            uint8_t b = u8(&in);
            uint32_t cpu = u8(&in) % 2;
            switch (b & 3) {
            case 0: /* interface on, vGroup 1 enabled, VPMR open; HCR_EL2.IMO as fuzzed */
                gic_sysreg_write(g, ti, cpu, GIC_ICH_HCR_EL2, 1 | ((uint64_t)(b >> 2) << 1));
                gic_sysreg_write(g, ti, cpu, GIC_ICH_VMCR_EL2, (0xffull << 24) | 2);
                gic_sysreg_write(g, ti, cpu, GIC_HCR_EL2, (b & 4) ? 1u << 4 : 0);
                break;
            case 1: { /* LR<n>: pending, Group 1, vINTID, priority; HW with a pINTID sometimes */
                uint64_t vint = (b & 4) ? u8(&in) % 64 : 8192 + un(&in, 2) % 9000;
                uint64_t lr = (1ull << 62) | (1ull << 60) | ((uint64_t)u8(&in) << 48) | vint;
                if (b & 8) lr |= (1ull << 61) | ((uint64_t)(u8(&in) % 64) << 32); /* HW, pINTID (SPI/PPI range) */
                if (b & 16) lr = un(&in, 8);                                       /* anything */
                gic_sysreg_write(g, ti, cpu, (gic_sysreg_t)(GIC_ICH_LR0_EL2 + (b >> 5) % 16), lr);
                break;
            }
            case 2: /* a vCPU taking a virtual interrupt */
                gic_sysreg_read(g, ti, cpu, GIC_ICV_IAR1_EL1, &v);
                if (v < 1020 || v >= 8192) {
                    gic_sysreg_write(g, ti + 100, cpu, GIC_ICV_EOIR1_EL1, v);
                    if (b & 4) gic_sysreg_write(g, ti + 200, cpu, GIC_ICV_DIR_EL1, v);
                }
                break;
            default: /* the hypervisor's view: maintenance state, saved LRs */
                gic_sysreg_read(g, ti, cpu, GIC_ICH_MISR_EL2, &v);
                gic_sysreg_read(g, ti, cpu, GIC_ICH_EISR_EL2, &v);
                gic_sysreg_read(g, ti, cpu, GIC_ICH_ELRSR_EL2, &v);
                gic_sysreg_read(g, ti, cpu, (gic_sysreg_t)(GIC_ICH_LR0_EL2 + (b >> 2) % 16), &v);
                break;
            }
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
    /* FUZZ_CAPI_VERBOSE set: what the input reached (for writing seeds). */
    if (getenv("FUZZ_CAPI_VERBOSE")) gic_stats_write_table(g, stderr);
    gic_driver_destroy(d);
    gic_destroy(g);
    return 0;
}
