/*
 * gictlm public C API (API version 1).
 *
 * This header is the only door into the gictlm core. Tests, tools and the
 * SystemC/TLM wrapper use nothing else. See docs/architecture.md and
 * docs/user-guide.md.
 *
 * Time: every input carries a timestamp in picoseconds (gic_time_t). Inputs
 * must come in non-decreasing time order; an input older than the model's
 * current time is clamped to "now", counted (error "late_input") and logged.
 * Before an input at time t is applied, every internal event with time <= t
 * has been processed. Outputs (IRQ/FIQ line changes, deactivations, MSI
 * outcomes, command completions) are reported through the output callback
 * with the modelled time at which they happen.
 */
#ifndef GICTLM_H
#define GICTLM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

#define GICTLM_API_VERSION 1
#define GICTLM_CONFIG_VERSION 1
#define GICTLM_STATS_VERSION 1

typedef uint64_t gic_time_t; /* picoseconds */
typedef struct gic gic_t;

/* CPUs (redistributors and CPU interfaces): per-CPU state is allocated from
 * cfg.num_cpus; affinity: Aff0 = cpu % cpus_per_cluster, Aff1 and Aff2 from
 * cpu / cpus_per_cluster (docs/architecture.md). */
#define GIC_MAX_CPUS 512
#define GIC_MAX_ITS 8
#define GIC_SPURIOUS 1023u
#define GIC_LPI_BASE 8192u

/* ---- status codes returned by every input function ---------------------- */
typedef enum gic_status {
    GIC_OK = 0,
    GIC_ERR_ARG = -1,    /* bad argument (NULL, out-of-range CPU/ITS index, bad INTID) */
    GIC_ERR_ADDR = -2,   /* offset outside the frame / no such frame */
    GIC_ERR_SIZE = -3,   /* access size or alignment not supported by the register */
    GIC_ERR_DEVID = -4,  /* GITS_TRANSLATER write without a DeviceID */
    GIC_ERR_MEM = -5,    /* memory access failed */
    GIC_ERR_CONFIG = -6, /* invalid configuration */
    GIC_ERR_NOMEM = -7,  /* host allocation failed */
    GIC_ERR_STATE = -8   /* operation not possible in the current state */
} gic_status_t;

const char *gic_status_name(gic_status_t s);

/* ---- configuration ------------------------------------------------------ */
typedef enum gic_its_error_policy {
    GIC_ITS_ERR_SKIP = 0, /* record the error, skip the command, go on (GIC-600 default) */
    GIC_ITS_ERR_STALL = 1 /* set GITS_CREADR.Stalled; resume on GITS_CWRITER.Retry */
} gic_its_error_policy_t;

typedef enum gic_repl {
    GIC_REPL_LRU = 0,
    GIC_REPL_PLRU = 1,
    GIC_REPL_FIFO = 2,
    GIC_REPL_RANDOM = 3
} gic_repl_t;

typedef enum gic_scan_policy {
    GIC_SCAN_FULL = 0,    /* rescan pending table + properties (QEMU / gem5 behaviour) */
    GIC_SCAN_TRACKED = 1, /* incremental structure over pending LPIs */
    GIC_SCAN_SUMMARY = 2  /* IMP DEF first 1 KB of the pending table as a coarse bitmap */
} gic_scan_policy_t;

typedef struct gic_cache_config {
    uint32_t entries; /* 0 = no cache */
    uint32_t ways;    /* 0 = fully associative */
    gic_repl_t repl;
    uint32_t locked_ways; /* ways reserved for locked entries (0 = no locking) */
    uint32_t hit_cycles;  /* lookup cost on a hit, GIC cycles */
} gic_cache_config_t;

/*
 * The configuration is a flat struct. Every field also has a dotted name
 * (e.g. "its.device_cache.entries") in the parameter table of capi/config.c,
 * used by JSON config files, -p overrides and --dump-config. Always start
 * from gic_config_default().
 */
typedef struct gic_config {
    uint32_t version; /* GICTLM_CONFIG_VERSION */

    /* topology */
    uint32_t num_cpus;         /* 1..GIC_MAX_CPUS */
    uint32_t cpus_per_cluster; /* Aff0 = cpu % n, Aff1 = cpu / n (n <= 16) */
    uint32_t num_spis;         /* multiple of 32, 0..988 (INTIDs 32..32+n-1) */
    uint32_t pri_bits;         /* implemented priority bits, 5..8 */
    uint32_t gic_version;      /* 3 or 4 (PIDR2.ArchRev) */

    /* time */
    uint64_t clock_period_ps; /* GIC clock period */

    /* delivery latencies, GIC cycles (docs/latency-model.md) */
    uint32_t lat_spi_input;      /* SPI/PPI wire or SETSPI to distributor state */
    uint32_t lat_dist_to_redist; /* distributor -> redistributor (SPI forwarding) */
    uint32_t lat_redist_to_cpu;  /* redistributor -> CPU interface */
    uint32_t lat_cpu_signal;     /* CPU interface -> IRQ/FIQ pin */
    uint32_t lat_sgi;            /* ICC_SGI*R write -> target redistributor */
    uint32_t lat_sysreg;         /* informational: cost of a CPU interface sysreg access */

    /* LPIs */
    uint32_t lpi_id_bits; /* GICD_TYPER.IDbits+1: 14..24; 0 disables LPIs */
    gic_scan_policy_t lpi_scan_policy;
    /* Bytes per pending-table read of a scan (full and summary rescans, the
     * loads at EnableLPIs and at a vPE's residency, the tracked policy's
     * reads): a power of two, 1..64. 64 (default): one cache line per read;
     * 1: one byte per read, as QEMU's full rescan (update_for_all_lpis)
     * reads the table. docs/lpi.md "Scan read size". */
    uint32_t lpi_scan_read_bytes;
    gic_cache_config_t lpi_cache; /* LPI property/pending cache */
    uint32_t lpi_cache_per_redist; /* 0: chip-wide cache, 1: one per redistributor */
    uint32_t redist_max_reads;     /* outstanding memory reads per redistributor (0 = unlimited) */
    uint32_t redist_max_writes;    /* outstanding memory writes per redistributor (0 = unlimited) */
    /* GICv4: vLPI configuration cache of the redistributors, keyed by the vPE's
     * LPI space and vINTID; read at a vPE's residency load, invalidated by INV
     * and VINVALL (docs/lpi.md "vPEs"). entries 0 = none (the default). */
    gic_cache_config_t vpe_vlpi_cache;

    /* ITS (applies to every ITS instance) */
    uint32_t num_its;             /* 0..GIC_MAX_ITS */
    uint32_t its_devbits;         /* DeviceID bits, 1..32 */
    uint32_t its_eventid_bits;    /* EventID bits (GITS_TYPER.ID_bits+1), 1..32 */
    uint32_t its_cid_bits;        /* collection ID bits, 1..16 */
    uint32_t its_pta;             /* GITS_TYPER.PTA: 1 = RDbase is a physical address */
    uint32_t its_hcc;             /* collections held in the ITS (no memory), GITS_TYPER.HCC */
    uint32_t its_cmd_decode_cycles;
    uint32_t its_translate_cycles;
    uint32_t its_pipeline_depth;  /* translations in flight */
    uint32_t its_max_reads;       /* outstanding reads per ITS (0 = unlimited) */
    uint32_t its_max_writes;      /* outstanding writes per ITS (0 = unlimited) */
    gic_its_error_policy_t its_error_policy;
    gic_cache_config_t its_device_cache;
    gic_cache_config_t its_event_cache;
    gic_cache_config_t its_collection_cache;
    /* GICv4.0 ITS (gic_version == 4): GITS_TYPER.VMOVP (1 = a single VMOVP
     * updates every ITS; 0 = VMOVP on each ITS of ITSList with one
     * SequenceNumber) and the vPE cache (vPE table entries). */
    uint32_t its_vmovp_single;
    gic_cache_config_t its_vpe_cache;
    /* GICv4.1 (needs gic_version == 4; ArchRev stays 4): vPE table shared
     * with the redistributors (GITS_TYPER.VMAPP/SVPET, GICR_VPROPBASER 4.1
     * layout, GICR_VPENDBASER.vPEID/Dirty), vSGIs (VSGI, GITS_SGIR, GICR_VSGIR),
     * default doorbells, INVDB. docs/gicv41.md. */
    uint32_t gicv4_1;

    /* built-in memory (used when no external memory port is given) */
    uint64_t mem_latency_ps;   /* per access */
    uint64_t mem_size;         /* addresses >= mem_size fail (bad table address) */

    /* address map (for PTA=1 RDbase and for platforms) */
    uint64_t gicd_base;
    uint64_t gicr_base;
    uint64_t gits_base;

    uint32_t seed; /* for random replacement; fixed -> deterministic */

    /* virtual CPU interface (ICH_*_EL2, ICV_*_EL1) */
    uint32_t virt_list_regs;  /* list registers per CPU, 1..16 (ICH_VTR_EL2.ListRegs + 1) */
    uint32_t virt_pri_bits;   /* virtual priority bits, 5..8 (ICH_VTR_EL2.PRIbits + 1) */
    uint32_t virt_maint_intid; /* PPI of the maintenance interrupt, 16..31 */

    /* injected memory faults (docs/robustness.md; also gic_mem_fault_set in
     * gictlm_fault.h): GIC accesses of the classes in mem_fault_classes
     * (bit per class: 1 cmdq, 2 device, 4 itt, 8 collection, 16 prop, 32 pend;
     * 0 = every class) fail when they overlap [mem_fault_lo, mem_fault_hi)
     * (no range when hi <= lo) and, independently, at random at
     * mem_fault_rate_ppm per million (deterministic: mem_fault_seed). */
    uint64_t mem_fault_lo, mem_fault_hi;
    uint32_t mem_fault_rate_ppm;
    uint32_t mem_fault_seed;
    uint32_t mem_fault_classes;

    /* resource limit: gic_config_validate refuses a configuration whose
     * estimated host memory at creation (gic_config_host_bytes_estimate)
     * exceeds this many MiB; raise it to run anyway (docs/robustness.md) */
    uint32_t max_host_mb;
} gic_config_t;

void gic_config_default(gic_config_t *cfg);
/* Validate; on error writes a message into err (if non-NULL). */
gic_status_t gic_config_validate(const gic_config_t *cfg, char *err, size_t errlen);
/* Host bytes gic_create allocates for cfg: caches exactly, the rest from
 * measured per-CPU, per-ITS and fixed sizes. Growth with the input after
 * creation (pending LPI records, vPE spaces, built-in memory pages) is not
 * included. Saturates at UINT64_MAX. */
uint64_t gic_config_host_bytes_estimate(const gic_config_t *cfg);
/* Set a parameter by dotted name from a string value ("64", "0x1000", "lru", "tracked"). */
gic_status_t gic_config_set(gic_config_t *cfg, const char *name, const char *value, char *err,
                            size_t errlen);
/* The same from one "NAME=VALUE" (an override: -p, GICTLM_REPLAY_OVERRIDES);
 * without '=' or with an empty NAME: GIC_ERR_CONFIG, "expected name=value". */
gic_status_t gic_config_set_kv(gic_config_t *cfg, const char *name_value, char *err, size_t errlen);
/* Get a parameter as a string (for --dump-config). */
gic_status_t gic_config_get(const gic_config_t *cfg, const char *name, char *buf, size_t buflen);
/* Apply a JSON document (nested objects or dotted keys) on top of cfg. */
gic_status_t gic_config_load_json(gic_config_t *cfg, const char *json_text, char *err,
                                  size_t errlen);
gic_status_t gic_config_load_file(gic_config_t *cfg, const char *path, char *err, size_t errlen);
/* Write the effective configuration as JSON (versioned). */
void gic_config_write_json(const gic_config_t *cfg, FILE *f);
/* Iterate parameter names/descriptions: returns NULL past the end. */
const char *gic_config_param_name(size_t i, const char **doc);

/* ---- outputs ------------------------------------------------------------ */
typedef enum gic_line {
    GIC_LINE_IRQ = 0,
    GIC_LINE_FIQ = 1,
    GIC_LINE_VIRQ = 2,
    GIC_LINE_VFIQ = 3
} gic_line_t;

typedef enum gic_msi_outcome {
    GIC_MSI_DELIVERED = 0, /* LPI became pending at the target redistributor */
    GIC_MSI_COALESCED = 1, /* LPI was already pending */
    GIC_MSI_DROPPED = 2    /* see reason */
} gic_msi_outcome_t;
/* GIC_OUT_MSI of a GICv4 vLPI: value = GIC_MSI_VALUE_VIRTUAL | vPEID, intid =
 * vINTID, cpu = the redistributor hosting the vPE (physical LPIs: value = 0);
 * GIC_MSI_VALUE_RESIDENT set when the vPE was resident (the vLPI was made
 * pending at its virtual CPU interface), clear when it went into the VPT. */
#define GIC_MSI_VALUE_VIRTUAL (1ull << 32)
#define GIC_MSI_VALUE_RESIDENT (1ull << 33)

typedef enum gic_output_kind {
    GIC_OUT_LINE,       /* cpu, line, level */
    GIC_OUT_DEACTIVATE, /* intid, cpu: SPI/PPI deactivated (level-source resample) */
    GIC_OUT_MSI,        /* its, devid, eventid, intid, cpu, outcome, reason */
    GIC_OUT_CMD,        /* its, code = command opcode, value = CREADR after, error, reason */
    GIC_OUT_ERROR,      /* code = error id, reason = text */
    /* A virtual interrupt left the active state at the virtual CPU interface
     * (guest EOI or DIR): cpu, intid = vINTID, value = pINTID (HW = 1) or
     * 1023, level = HW bit, code = list register. What a hypervisor's level
     * resampling (KVM resamplefd) listens to. */
    GIC_OUT_VDEACTIVATE,
    /* An EL1 system-register access that traps to EL2 (ICC_SGI*R_EL1 while
     * HCR_EL2.IMO/FMO is set): cpu, code = gic_sysreg_t, value = written value.
     * Nothing else happens in the GIC: the hypervisor emulates it. */
    GIC_OUT_TRAP
} gic_output_kind_t;

typedef struct gic_output {
    gic_output_kind_t kind;
    gic_time_t time;
    uint32_t cpu;
    uint32_t line;
    uint32_t level;
    uint32_t intid;
    uint32_t its;
    uint32_t devid;
    uint32_t eventid;
    uint32_t outcome;
    uint32_t code;
    uint32_t error;     /* ITS command error code (0 = none) */
    uint64_t value;
    const char *reason; /* static string or NULL */
} gic_output_t;

typedef enum gic_log_level {
    GIC_LOG_ERROR = 0,
    GIC_LOG_WARN = 1,
    GIC_LOG_INFO = 2,
    GIC_LOG_DEBUG = 3
} gic_log_level_t;

typedef struct gic_callbacks {
    void *ctx;
    void (*output)(void *ctx, const gic_output_t *out);
    void (*log)(void *ctx, gic_time_t t, gic_log_level_t level, const char *component,
                const char *msg);
    gic_log_level_t log_level; /* messages above this level are not formatted */
} gic_callbacks_t;

/* The families of log components, i = 0, 1, ... (NULL after the last): the
 * `component` of a log message is one of them, in lower or upper case,
 * possibly followed by an instance number ("its1") or by '_' and a frame part
 * ("GICR_RD"). docs/robustness.md lists them. */
const char *gic_log_component_family(size_t i);
/* The family of a component name (lower case, up to '_', without a trailing
 * instance number: "its1" -> "its", "GICR_RD" -> "gicr"), NULL when that is
 * none of the listed families. */
const char *gic_log_component_family_of(const char *component);

/*
 * Memory port: every memory access the GIC makes (command queue, ITS tables,
 * LPI property and pending tables) goes through it. Returns GIC_OK or
 * GIC_ERR_MEM; sets *latency_ps. When no port is given, a built-in sparse
 * memory (cfg.mem_latency_ps, cfg.mem_size) is used.
 */
typedef struct gic_mem_port {
    void *ctx;
    gic_status_t (*access)(void *ctx, gic_time_t t, bool is_write, uint64_t addr, void *buf,
                           uint32_t len, uint64_t *latency_ps);
} gic_mem_port_t;

/* ---- lifecycle ------------------------------------------------------------ */
gic_t *gic_create(const gic_config_t *cfg, const gic_callbacks_t *cb, const gic_mem_port_t *mem,
                  char *err, size_t errlen);
void gic_destroy(gic_t *g);
const gic_config_t *gic_get_config(const gic_t *g);

/* ---- time ------------------------------------------------------------------ */
gic_time_t gic_now(const gic_t *g);
/* true and *t = time of the next internal event, false if none is scheduled */
bool gic_next_event_time(const gic_t *g, gic_time_t *t);
/* The same as a value to read instead of a call: the address of the time of
 * the next internal event, which the core keeps up to date (UINT64_MAX while
 * none is scheduled); valid until gic_destroy. For a wrapper that asks after
 * every input (platforms/gic_tlm.h). */
const gic_time_t *gic_next_event_time_ptr(const gic_t *g);
/* process every event with time <= t; afterwards gic_now() == t */
void gic_run_until(gic_t *g, gic_time_t t);

/* ---- register frames -------------------------------------------------------- */
typedef enum gic_frame {
    GIC_FRAME_GICD = 0, /* 64 KiB */
    GIC_FRAME_GICR = 1, /* per CPU: RD_base + SGI_base, 128 KiB (index = cpu) */
    GIC_FRAME_GITS = 2  /* per ITS: control + translation, 128 KiB (index = its) */
} gic_frame_t;

#define GIC_GICD_SIZE 0x10000u
/* Redistributor frames: RD_base + SGI_base (128 KiB) with GICv3; with GICv4
 * also VLPI_base and a reserved frame (256 KiB). Use gic_gicr_stride(). */
#define GIC_GICR_STRIDE 0x20000u
#define GIC_GICR_STRIDE_V4 0x40000u
#define GIC_GITS_SIZE 0x20000u
/* GITS_TRANSLATER in a GITS frame: translation frame (64 KiB) + 0x40 */
#define GIC_GITS_TRANSLATER_OFFSET 0x10040u

static inline uint64_t gic_gicr_stride(const gic_config_t *c)
{
    return c->gic_version >= 4 ? GIC_GICR_STRIDE_V4 : GIC_GICR_STRIDE;
}
/* A GICv4.1 ITS has a third 64 KiB frame at +0x20000 (ITS_SGI_base: GITS_SGIR
 * at +0x20020): ITSs are then 256 KiB apart. Use gic_gits_stride(). */
#define GIC_GITS_STRIDE_V41 0x40000u
#define GIC_GITS_SGIR_OFFSET 0x20020u
static inline uint64_t gic_gits_stride(const gic_config_t *c)
{
    return c->gicv4_1 ? GIC_GITS_STRIDE_V41 : GIC_GITS_SIZE;
}
const char *gic_frame_name(gic_frame_t f);
gic_status_t gic_mmio_read(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                           uint64_t offset, uint32_t size, uint64_t *val);
gic_status_t gic_mmio_write(gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                            uint64_t offset, uint32_t size, uint64_t val);
/* Map a physical address to a frame using cfg.gicd_base/gicr_base/gits_base. */
gic_status_t gic_decode_addr(const gic_t *g, uint64_t addr, gic_frame_t *frame, uint32_t *index,
                             uint64_t *offset);
/* Register name at an offset ("GICD_CTLR", "GICR_TYPER", ...) or NULL if reserved. */
const char *gic_reg_name(const gic_t *g, gic_frame_t frame, uint64_t offset);

/* MSI: a write of EventID to GITS_TRANSLATER of ITS `its` with a DeviceID. */
gic_status_t gic_msi(gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid);

/* ---- interrupt lines ------------------------------------------------------------ */
gic_status_t gic_set_spi(gic_t *g, gic_time_t t, uint32_t intid, bool level);
gic_status_t gic_set_ppi(gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level);

/* ---- CPU interface system registers ------------------------------------------- */
typedef enum gic_sysreg {
    GIC_ICC_IAR0_EL1,
    GIC_ICC_IAR1_EL1,
    GIC_ICC_EOIR0_EL1,
    GIC_ICC_EOIR1_EL1,
    GIC_ICC_DIR_EL1,
    GIC_ICC_HPPIR0_EL1,
    GIC_ICC_HPPIR1_EL1,
    GIC_ICC_BPR0_EL1,
    GIC_ICC_BPR1_EL1,
    GIC_ICC_PMR_EL1,
    GIC_ICC_RPR_EL1,
    GIC_ICC_AP0R0_EL1,
    GIC_ICC_AP0R1_EL1,
    GIC_ICC_AP0R2_EL1,
    GIC_ICC_AP0R3_EL1,
    GIC_ICC_AP1R0_EL1,
    GIC_ICC_AP1R1_EL1,
    GIC_ICC_AP1R2_EL1,
    GIC_ICC_AP1R3_EL1,
    GIC_ICC_CTLR_EL1,
    GIC_ICC_IGRPEN0_EL1,
    GIC_ICC_IGRPEN1_EL1,
    GIC_ICC_SRE_EL1,
    GIC_ICC_SGI0R_EL1,
    GIC_ICC_SGI1R_EL1,
    GIC_ICC_ASGI1R_EL1,
    /* The guest's view: the virtual CPU interface. An EL1 access to ICC_* goes
     * to the ICV_* register of the same name while HCR_EL2.IMO (Group 1
     * registers), HCR_EL2.FMO (Group 0 registers) or either (CTLR, DIR, PMR,
     * RPR) is set; ICV_* names address the virtual interface directly. */
    GIC_ICV_IAR0_EL1,
    GIC_ICV_IAR1_EL1,
    GIC_ICV_EOIR0_EL1,
    GIC_ICV_EOIR1_EL1,
    GIC_ICV_DIR_EL1,
    GIC_ICV_HPPIR0_EL1,
    GIC_ICV_HPPIR1_EL1,
    GIC_ICV_BPR0_EL1,
    GIC_ICV_BPR1_EL1,
    GIC_ICV_PMR_EL1,
    GIC_ICV_RPR_EL1,
    GIC_ICV_AP0R0_EL1,
    GIC_ICV_AP0R1_EL1,
    GIC_ICV_AP0R2_EL1,
    GIC_ICV_AP0R3_EL1,
    GIC_ICV_AP1R0_EL1,
    GIC_ICV_AP1R1_EL1,
    GIC_ICV_AP1R2_EL1,
    GIC_ICV_AP1R3_EL1,
    GIC_ICV_CTLR_EL1,
    GIC_ICV_IGRPEN0_EL1,
    GIC_ICV_IGRPEN1_EL1,
    /* The hypervisor's view (EL2). */
    GIC_ICH_AP0R0_EL2,
    GIC_ICH_AP0R1_EL2,
    GIC_ICH_AP0R2_EL2,
    GIC_ICH_AP0R3_EL2,
    GIC_ICH_AP1R0_EL2,
    GIC_ICH_AP1R1_EL2,
    GIC_ICH_AP1R2_EL2,
    GIC_ICH_AP1R3_EL2,
    GIC_ICH_HCR_EL2,
    GIC_ICH_VTR_EL2,
    GIC_ICH_MISR_EL2,
    GIC_ICH_EISR_EL2,
    GIC_ICH_ELRSR_EL2,
    GIC_ICH_VMCR_EL2,
    GIC_ICH_LR0_EL2, /* ICH_LR<n>_EL2 = GIC_ICH_LR0_EL2 + n, n < 16 */
    GIC_ICH_LR1_EL2,
    GIC_ICH_LR2_EL2,
    GIC_ICH_LR3_EL2,
    GIC_ICH_LR4_EL2,
    GIC_ICH_LR5_EL2,
    GIC_ICH_LR6_EL2,
    GIC_ICH_LR7_EL2,
    GIC_ICH_LR8_EL2,
    GIC_ICH_LR9_EL2,
    GIC_ICH_LR10_EL2,
    GIC_ICH_LR11_EL2,
    GIC_ICH_LR12_EL2,
    GIC_ICH_LR13_EL2,
    GIC_ICH_LR14_EL2,
    GIC_ICH_LR15_EL2,
    /* The CPU's HCR_EL2, as far as the GIC sees it: IMO [4] and FMO [3]
     * (EL1 runs a guest: its ICC_* accesses go to ICV_*). Other bits are
     * ignored and read as zero. */
    GIC_HCR_EL2,
    GIC_SYSREG_COUNT
} gic_sysreg_t;

const char *gic_sysreg_name(gic_sysreg_t r);
/* Look up by name, e.g. "ICC_IAR1_EL1"; returns GIC_SYSREG_COUNT when unknown. */
gic_sysreg_t gic_sysreg_by_name(const char *name);
gic_status_t gic_sysreg_read(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                             uint64_t *val);
gic_status_t gic_sysreg_write(gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                              uint64_t val);

/* ---- input observer ----------------------------------------------------------
 * Told of every input given through this API, with its time, before it is
 * applied (the trace recorder, capi/trace_record.c, is one). Reads are
 * reported after they are applied, with the value returned and the status.
 * A NULL member is not called. */
typedef struct gic_input_observer {
    void (*mmio)(void *ctx, gic_t *g, gic_time_t t, gic_frame_t frame, uint32_t index,
                 uint64_t offset, uint32_t size, bool is_write, uint64_t val, gic_status_t st);
    void (*msi)(void *ctx, gic_t *g, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid);
    void (*spi)(void *ctx, gic_t *g, gic_time_t t, uint32_t intid, bool level);
    void (*ppi)(void *ctx, gic_t *g, gic_time_t t, uint32_t cpu, uint32_t intid, bool level);
    void (*sysreg)(void *ctx, gic_t *g, gic_time_t t, uint32_t cpu, gic_sysreg_t reg,
                   bool is_write, uint64_t val, gic_status_t st);
    /* gic_mem_write (untimed: reported with the model time) */
    void (*mem_write)(void *ctx, gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len);
    void (*run)(void *ctx, gic_t *g, gic_time_t t);
    void (*stats_reset)(void *ctx, gic_t *g, gic_time_t t);
    /* the observer is detached (gic_set_input_observer or gic_destroy) */
    void (*detach)(void *ctx, gic_t *g);
} gic_input_observer_t;

/* Attach an input observer (one at a time: GIC_ERR_STATE if another is
 * attached; obs == NULL detaches the current one). */
gic_status_t gic_set_input_observer(gic_t *g, const gic_input_observer_t *obs, void *ctx);
/* The attached observer's context if obs is the attached observer, else NULL. */
void *gic_input_observer_ctx(const gic_t *g, const gic_input_observer_t *obs);

/* ---- software view of the built-in memory (untimed; not a GIC access) ------- */
gic_status_t gic_mem_write(gic_t *g, uint64_t addr, const void *buf, size_t len);
gic_status_t gic_mem_read(gic_t *g, uint64_t addr, void *buf, size_t len);
/* bytes of host memory held by the built-in sparse memory */
size_t gic_mem_footprint(const gic_t *g);

/* ---- statistics ---------------------------------------------------------------- */
typedef struct gic_hist_summary {
    uint64_t count;
    uint64_t min, max, sum;
    uint64_t p50, p90, p99;
} gic_hist_summary_t;

/* Counter by name ("msi.delivered", "irq.delivered.spi", "its0.cache.device.hits", ...). */
bool gic_stat_counter(const gic_t *g, const char *name, uint64_t *val);
/* true if name is not a counter yet but becomes one on its first count: a per-reason family
 * created lazily ("errors.<id>", "msi.dropped.<reason>", "its<i>.msi.dropped.<reason>",
 * "its<i>.sgir.dropped.<reason>", "lpi.dropped.<reason>", "vpe.vlpi.dropped.<reason>";
 * reason of [a-z0-9_]), for the blocks this instance has. Such a counter reads as 0. */
bool gic_stat_counter_family(const gic_t *g, const char *name);
bool gic_stat_hist(const gic_t *g, const char *name, gic_hist_summary_t *out);
/* Versioned JSON (schema "gictlm-stats", version GICTLM_STATS_VERSION). */
void gic_stats_write_json(const gic_t *g, FILE *f);
/* Human-readable table. */
void gic_stats_write_table(const gic_t *g, FILE *f);
void gic_stats_reset(gic_t *g);
/* Iterate names: kind 0 = counter, 1 = histogram; returns NULL past the end. */
const char *gic_stat_name(const gic_t *g, int kind, size_t i);

#ifdef __cplusplus
}
#endif
#endif /* GICTLM_H */
