/*
 * gictlm traces (public API, part of API version 1): recorder, replayer,
 * timeline comparison. The trace format is described in docs/trace-format.md.
 *
 *  - gic_record_start/stop: record every input given to a GIC through the
 *    public API (with its time) as a replayable trace, starting with the
 *    "gictlm-trace 1" header and one "config" line per parameter.
 *  - gic_trace_replay: parse a trace, build a GIC from its configuration,
 *    apply every stimulus, check every expectation, and produce the
 *    deterministic timeline of outputs (line changes, read values, MSI
 *    outcomes, command completions, errors).
 *  - gic_trace_diff: compare a timeline with a golden one and print a
 *    unified-diff-like report naming the trace line that produced each
 *    differing output.
 */
#ifndef GICTLM_TRACE_H
#define GICTLM_TRACE_H

#include "gictlm.h"

#ifdef __cplusplus
extern "C" {
#endif

#define GICTLM_TRACE_VERSION 1

/* ---- recorder ------------------------------------------------------------------ */
/* Start recording the inputs of g to f (the caller keeps ownership of f and
 * must keep it open until gic_record_stop). Writes the header and the full
 * configuration at once. GIC_ERR_STATE if already recording. Software
 * memory writes through gic_mem_write are recorded; with an external memory
 * port the writes of other agents to that memory are not seen by the GIC:
 * the platform reports them with gic_record_mem_write. */
gic_status_t gic_record_start(gic_t *g, FILE *f);
/* Record (only) a write of len bytes at physical address addr made at time t
 * by another agent (e.g. a CPU writing the ITS command queue or the LPI
 * property table) into the GIC's external memory, so that a replay with the
 * built-in memory sees the same contents. Nothing is written to any memory.
 * No-op (GIC_OK) when g is not recording; GIC_ERR_ARG for g == NULL or
 * buf == NULL with len > 0. On replay the write takes effect at its place in
 * the trace (mem-write does not advance time). */
gic_status_t gic_record_mem_write(gic_t *g, gic_time_t t, uint64_t addr, const void *buf, size_t len);
/* Stop recording (flushes f; does not close it). No-op if not recording. */
void gic_record_stop(gic_t *g);

/* ---- replayer ---------------------------------------------------------------- */
typedef struct gic_replay_opts {
    FILE *timeline;   /* timeline output (may be NULL; the text is also in the result) */
    FILE *stats_json; /* gic_stats_write_json at the end (may be NULL) */
    FILE *diag;       /* "file:line: message" diagnostics (may be NULL) */
    /* Configuration overrides "name=value", applied after the trace header. */
    const char *const *overrides;
    size_t n_overrides;
    /* Optional observer: every output of the model, with the trace line
     * (1-based) whose input was being applied when it happened. */
    void (*observe)(void *ctx, const gic_output_t *out, unsigned trace_line);
    /* Optional observer of values returned by reads (mmio-read: kind 0,
     * sysreg-read: kind 1; reg = sysreg or frame). */
    void (*observe_read)(void *ctx, int kind, uint32_t index, uint32_t reg, uint64_t offset,
                         uint64_t value, unsigned trace_line);
    void *ctx;
    unsigned max_diags; /* stop printing diagnostics after this many (0 = 50) */
    bool parse_only;    /* check syntax and configuration, create no GIC */
} gic_replay_opts_t;

typedef struct gic_replay_result {
    unsigned parse_errors;     /* malformed lines (the trace is not run if > 0) */
    unsigned expect_failures;  /* expect ... that did not hold */
    unsigned input_errors;     /* inputs the model rejected (non-OK status) */
    uint64_t stimuli;          /* timed lines applied */
    uint64_t outputs;          /* model outputs seen */
    gic_time_t end_time;       /* model time at the end */
    char *timeline;            /* NUL-terminated timeline text (malloc'd) */
    size_t timeline_len;
    unsigned *timeline_src;    /* [timeline_lines]: trace line that produced each line */
    size_t timeline_lines;
    char message[256];         /* first fatal message (bad header, no GIC, ...) */
} gic_replay_result_t;

/* Replay a trace held in memory (text need not be NUL-terminated). name is
 * used in diagnostics and to resolve "config-file" relative paths. Returns 0
 * when the trace parsed, ran and every expectation held; 1 when an
 * expectation failed; 2 on parse/configuration errors. Always fills *r (free
 * it with gic_replay_result_free). */
int gic_trace_replay(const char *name, const char *text, size_t len, const gic_replay_opts_t *o,
                     gic_replay_result_t *r);
int gic_trace_replay_file(const char *path, const gic_replay_opts_t *o, gic_replay_result_t *r);
void gic_replay_result_free(gic_replay_result_t *r);

/* Read a whole file into a malloc'd NUL-terminated buffer (NULL on error). */
char *gic_trace_load(const char *path, size_t *len);

/* Compare timeline `actual` with `expected` (golden). Prints a unified-diff-
 * like report to out (may be NULL): "-" golden lines, "+" actual lines, each
 * hunk headed with the trace line (from actual_src, may be NULL) that
 * produced it. Returns the number of differing hunks (0 = identical). */
unsigned gic_trace_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                        const unsigned *actual_src, size_t n_src, const char *trace_name,
                        const char *golden_name, FILE *out);

/* ---- parsed traces: for other drivers of the same stimuli (e.g. the SystemC
 * trace player, platforms/trace_player.h) ------------------------------------------ */
/* mem-fill is applied in writes of at most this many bytes (status lines name the failing one). */
#define GIC_TRACE_FILL_CHUNK 4096

typedef enum gic_stim_kind {
    GIC_STIM_MMIO_WRITE,
    GIC_STIM_MMIO_READ,
    GIC_STIM_MEM_WRITE,  /* mem-write and mem-write64 (bytes) */
    GIC_STIM_MEM_FILL,
    GIC_STIM_MEM_EXPECT,
    GIC_STIM_SYSREG_WRITE,
    GIC_STIM_SYSREG_READ,
    GIC_STIM_MSI,
    GIC_STIM_SPI,
    GIC_STIM_PPI,
    GIC_STIM_RUN,
    GIC_STIM_STATS_RESET,
    GIC_STIM_EXPECT_LINE,
    GIC_STIM_EXPECT_MSI,
    GIC_STIM_EXPECT_COUNTER
} gic_stim_kind_t;

/* One timed line of a trace. Fields not used by a kind are zero. */
typedef struct gic_trace_stim {
    gic_stim_kind_t kind;
    unsigned line;          /* 1-based line in the trace */
    const char *directive;  /* as written: "mmio-read", "mem-write64", ... (static) */
    gic_time_t time;        /* absolute, ps */
    gic_frame_t frame;      /* mmio-* */
    uint32_t index;         /* mmio-*: frame index; msi, expect-msi: ITS */
    uint64_t offset;        /* mmio-*: offset in the frame */
    uint32_t size;          /* mmio-*: 1, 2, 4 or 8 */
    uint32_t cpu;           /* sysreg-*, ppi, expect-line; expect-msi: expected CPU */
    gic_sysreg_t sysreg;    /* sysreg-* */
    uint64_t value;         /* writes: value; reads: expected value; spi/ppi/expect-line:
                               level; mem-fill: the byte; expect-counter: expected value */
    uint64_t mask;          /* mmio-read: expect mask (all ones without "mask") */
    bool has_expect;        /* mmio-read, sysreg-read: "expect" given */
    uint32_t intid;         /* spi, ppi; expect-msi: expected INTID */
    uint32_t devid, eventid;/* msi, expect-msi */
    uint32_t outcome;       /* expect-msi: gic_msi_outcome_t */
    uint32_t line_kind;     /* expect-line: gic_line_t */
    uint64_t addr;          /* mem-*: physical address */
    uint64_t len;           /* mem-*: bytes */
    const uint8_t *bytes;   /* mem-write, mem-expect: len bytes (owned by the trace) */
    const char *counter;    /* expect-counter: counter name (owned by the trace) */
} gic_trace_stim_t;

typedef struct gic_trace {
    char *name;              /* as given to gic_trace_parse (malloc'd) */
    gic_config_t cfg;        /* header config, config-file and overrides; validated */
    gic_trace_stim_t *stim;  /* timed lines in trace order */
    size_t n_stim;
    unsigned parse_errors;
    char message[256];       /* first diagnostic */
    void *priv_;             /* storage of bytes and names */
} gic_trace_t;

/* Parse and check a trace (the first pass of gic_trace_replay, same
 * diagnostics on o->diag; o->overrides apply). Returns 0 when the trace is
 * valid, 2 otherwise. Always fills *t: free it with gic_trace_free. */
int gic_trace_parse(const char *name, const char *text, size_t len, const gic_replay_opts_t *o,
                    gic_trace_t *t);
int gic_trace_parse_file(const char *path, const gic_replay_opts_t *o, gic_trace_t *t);
void gic_trace_free(gic_trace_t *t);

/* Timeline lines (without the newline), exactly as gic_trace_replay writes
 * them: any other driver of a trace formats its outputs with these and gets
 * a byte-identical timeline. snprintf semantics (returns the full length). */
int gic_timeline_output(char *buf, size_t n, const gic_output_t *o);
/* The value returned by an mmio-read or sysreg-read stimulus s (g names the register). */
int gic_timeline_read(char *buf, size_t n, const gic_t *g, const gic_trace_stim_t *s, uint64_t value);
/* An input the model rejected. addr: for mem-* the address of the failing
 * access (mem-fill writes 4 KiB chunks); ignored otherwise. */
int gic_timeline_status(char *buf, size_t n, const gic_trace_stim_t *s, gic_status_t st, uint64_t addr);

/* Expectation checker: feed it every model output, then check expect-*
 * stimuli (after running the model to their time), reads (value = the value
 * read) and mem-expect (data = len bytes read). */
typedef struct gic_trace_checker gic_trace_checker_t;
gic_trace_checker_t *gic_trace_checker_new(void);
void gic_trace_checker_free(gic_trace_checker_t *c);
void gic_trace_checker_output(gic_trace_checker_t *c, const gic_output_t *o);
/* true when s holds (or expects nothing); otherwise msg gets
 * "expect failed: ..." (without "file:line: "). g: for expect-counter. */
bool gic_trace_check(gic_trace_checker_t *c, const gic_t *g, const gic_trace_stim_t *s, uint64_t value,
                     const uint8_t *data, char *msg, size_t n);

/* ITS command name for an opcode ("MAPD"), or NULL. */
const char *gic_its_cmd_name(uint32_t opcode);

/* ---- QEMU trace-log import and comparison (gictlm-qemu-import) --------------------- */
/* Import a QEMU 7.x "-trace 'gicv3_*'" log into a gictlm trace. The log has
 * no timestamps and no memory contents: the importer spaces events step_ps
 * apart and reconstructs the command queue (from the decoded commands), the
 * LPI configuration bytes (Linux writes 0xa0 | group1 | enable before INV)
 * and states what it reconstructed in comments. It also keeps what QEMU
 * itself output (table reads and writes after each MSI and command, register
 * read values, IRQ line levels) for gic_qemu_compare. docs/trace-format.md,
 * "QEMU import" and "QEMU comparison". */
typedef struct gic_qemu_counts {
    unsigned lines, translater, mapd, mapc, mapti, mapi, inv, invall, movi, discard, sync, int_cmd,
        clear, movall, other_cmds, iar1, eoir, sgi, ppi, spi, mmio_reads, mmio_writes,
        sysreg_other, qemu_outputs, unknown, malformed;
    unsigned virt_cpuif; /* ICH_ and ICV_ accesses: the model has no virtual CPU interface (not applied) */
    unsigned virt_cmds;  /* GICv4 commands (VMAPP, VMAPTI, ...): re-encoded, the model rejects them */
} gic_qemu_counts_t;

/* Comparison categories (docs/trace-format.md "QEMU comparison"). */
typedef enum gic_qemu_cat {
    GIC_QEMU_AGREE = 0,      /* both did the same */
    GIC_QEMU_AGREE_DROPPED,  /* MSIs and commands: both dropped / both refused */
    GIC_QEMU_DISAGREE,
    GIC_QEMU_NOT_COMPARABLE, /* QEMU's outcome is not in the log, or the model cannot take part (reason) */
    GIC_QEMU_NCATS
} gic_qemu_cat_t;
const char *gic_qemu_cat_name(gic_qemu_cat_t c);

/* Areas compared. */
typedef enum gic_qemu_area {
    GIC_QEMU_A_MSI = 0,  /* translated MSIs: QEMU's DTE/ITE/CTE reads vs the model's MSI outcome */
    GIC_QEMU_A_CMD,      /* ITS commands: QEMU's table writes and errors vs the model's */
    GIC_QEMU_A_IAR,      /* ICC_IAR1/IAR0 and ICV_IAR1/IAR0 read values */
    GIC_QEMU_A_SYSREG,   /* other CPU interface register reads (ICC_, ICH_, ICV_) */
    GIC_QEMU_A_MMIO,     /* GICD/GICR/GITS register reads */
    GIC_QEMU_A_IRQ,      /* IRQ line levels of every CPU before each input QEMU traces before its effects */
    GIC_QEMU_A_HPPI,     /* QEMU's HPPI (gicv3_cpuif_update) vs the model's ICC_HPPIR1_EL1, same points */
    GIC_QEMU_NAREAS
} gic_qemu_area_t;
const char *gic_qemu_area_name(gic_qemu_area_t a);

typedef struct gic_qemu_msi {
    unsigned log_line, trace_line;
    uint32_t devid, eventid;
    /* QEMU's own translation: the table reads it logged after the TRANSLATER write */
    unsigned qemu_tables;   /* GIC_QEMU_T_* bits */
    uint32_t dte_size;      /* DTE: Size (EventID bits - 1) */
    uint64_t dte_itt;
    uint32_t inttype;       /* ITE: 1 physical, 0 virtual */
    uint32_t intid;         /* ITE: (v)INTID; 0 = none */
    uint32_t icid, vpeid, doorbell;
    uint32_t rdbase;        /* CTE: RDbase (processor number with PTA=0) */
    int qemu_outcome;       /* gic_msi_outcome_t (DELIVERED or DROPPED), -1 = not in the log */
    const char *qemu_reason;/* why QEMU dropped it, or why it is not comparable */
    int qemu_cpu;           /* target CPU from the CTE (-1 = none) */
    int qemu_iar_cpu;       /* CPU whose next ICC_IAR1 read returned intid (-1 = none) */
    unsigned qemu_iar_line; /* its log line (0 = none) */
    /* filled by gic_qemu_compare */
    int model_outcome;      /* gic_msi_outcome_t, -1 = no outcome */
    uint32_t model_intid, model_cpu;
    const char *model_reason;
    gic_qemu_cat_t cat;
    char cause[160];
} gic_qemu_msi_t;
#define GIC_QEMU_T_DTE 1u       /* dte_read seen, valid */
#define GIC_QEMU_T_ITE 2u
#define GIC_QEMU_T_CTE 4u
#define GIC_QEMU_T_DTE_INVALID 8u
#define GIC_QEMU_T_ITE_INVALID 16u
#define GIC_QEMU_T_CTE_INVALID 32u
#define GIC_QEMU_T_FAULT 64u    /* a *_read_fault */
#define GIC_QEMU_T_VTE 128u     /* vte_read seen, valid (a vLPI's vPE: rdbase is its RDbase) */
#define GIC_QEMU_T_ANY 127u

/* One ITS command: QEMU's table write (or its absence = QEMU refused it). */
typedef struct gic_qemu_cmd {
    unsigned log_line, trace_line;
    uint32_t op;
    char table;             /* QEMU's write: 'd' DTE, 'i' ITE, 'c' CTE, 'v' vPE, 0 none */
    bool w_valid;
    uint32_t w_size, w_intid, w_icid, w_rdbase, w_inttype;
    uint64_t w_itt;
    /* GICv4 (vte_write, and ite_write of a virtual event): vPEID, VPT address
     * (as QEMU prints it: >> 16), VPT size, doorbell pINTID (1023 = none) */
    uint32_t w_vpeid, w_vptsize, w_doorbell;
    uint64_t w_vpt;
    unsigned qemu_reads;    /* GIC_QEMU_T_* of the table reads QEMU made for it */
    bool virt_event;        /* its (DeviceID, EventID) was mapped by VMAPTI/VMAPI (GICv4) */
    /* filled by gic_qemu_compare */
    bool model_done;
    uint32_t model_error;
    const char *model_reason;
    bool model_wrote;       /* the model wrote a table entry while executing it */
    uint64_t model_entry;   /* that entry (the model's format, docs/its.md) */
    uint64_t model_entry_hi; /* its second doubleword (16-byte GICv4 ITE and vPE table entries) */
    gic_qemu_cat_t cat;
    char cause[160];
} gic_qemu_cmd_t;

/* One register read: QEMU's value. */
typedef struct gic_qemu_read {
    unsigned log_line, trace_line;
    uint8_t kind;           /* 0 MMIO, 1 system register */
    uint8_t bad;            /* QEMU: bad read (error) */
    uint8_t gicv4;          /* not comparable: QEMU returned a GICv4 doorbell LPI (1), or a vLPI or state that depends on one (2) */
    uint16_t size;
    uint32_t frame;         /* gic_frame_t (MMIO) */
    uint32_t index;         /* frame index, or CPU */
    uint32_t reg;           /* MMIO offset or gic_sysreg_t */
    uint64_t qemu;
    /* filled by gic_qemu_compare */
    uint64_t model;
    gic_qemu_cat_t cat;
    const char *allowed;    /* IMPLEMENTATION DEFINED bits that differed (the reason), or NULL */
} gic_qemu_read_t;

/* IRQ line levels before an input that QEMU traces before its effects. */
typedef struct gic_qemu_irq {
    unsigned trace_line;
    uint64_t known;         /* CPUs whose level QEMU has printed so far */
    uint64_t level;         /* QEMU's IRQ level of each CPU */
    uint64_t model;         /* filled by gic_qemu_compare */
} gic_qemu_irq_t;

/* QEMU's highest-priority pending interrupt of one CPU at an IRQ sample point. */
typedef struct gic_qemu_hppi {
    unsigned trace_line;
    uint32_t cpu;
    uint32_t qemu;          /* INTID, 1023 = none (QEMU prints priority 0xff for none) */
    uint32_t model;         /* ICC_HPPIR1_EL1 of the model; filled by gic_qemu_compare */
} gic_qemu_hppi_t;

typedef struct gic_qemu_summary {
    unsigned n[GIC_QEMU_NAREAS][GIC_QEMU_NCATS];
    unsigned allowed[GIC_QEMU_NAREAS];  /* agreements where only IMPLEMENTATION DEFINED bits differ */
    unsigned comparable, agreeing;      /* headline: all areas, comparable cases only */
    double agreement;                   /* percent of comparable cases that agree (100 if none) */
    bool mostly_not_comparable;         /* more MSIs not comparable than comparable */
} gic_qemu_summary_t;

typedef struct gic_qemu_import {
    char *trace; /* the trace text (malloc'd, NUL-terminated) */
    size_t trace_len;
    gic_qemu_counts_t counts;
    gic_qemu_msi_t *msi;
    size_t n_msi;
    gic_qemu_cmd_t *cmd;
    size_t n_cmd;
    gic_qemu_read_t *read;
    size_t n_read;
    gic_qemu_irq_t *irq;
    size_t n_irq;
    gic_qemu_hppi_t *hppi;
    size_t n_hppi;
    unsigned n_cpus;
    /* configuration taken from the log (0 = not in the log, default used) */
    uint32_t gic_version, spis, lpi_id_bits, its_devbits, its_idbits, its_cidbits, its_hcc;
    bool its_virtual;       /* GITS_TYPER.Virtual */
    bool mid_run;           /* the log starts after the GIC was set up (no GICD_CTLR write): nothing is comparable */
    gic_qemu_summary_t sum; /* filled by gic_qemu_compare */
    char message[256];
} gic_qemu_import_t;

typedef struct gic_qemu_import_opts {
    const char *source_name; /* for comments and diagnostics */
    gic_time_t step_ps;      /* time between two stimuli (0 = 10 us) */
    bool strict;             /* unknown or malformed lines are fatal */
    FILE *diag;              /* "log:line: message" for unknown/malformed lines (may be NULL) */
    unsigned max_diags;      /* 0 = 20 */
    /* progress: called about every 64 KiB lines read, pass 1 and 2 (may be NULL) */
    void (*progress)(void *ctx, int pass, uint64_t bytes_done, uint64_t bytes_total, unsigned line);
    void *progress_ctx;
    /* Apply "# gictlm-memory: ..." lines of an edited log (memory contents a
     * QEMU log cannot carry; docs/trace-format.md "Memory notes"). false: they
     * are comments, each one reported as a diagnostic. */
    bool memory_notes;
} gic_qemu_import_opts_t;

/* 0 = imported; 2 = fatal (strict mode and an unknown/malformed line, or no memory). */
int gic_qemu_import(const char *text, size_t len, const gic_qemu_import_opts_t *o,
                    gic_qemu_import_t *out);
/* Same, streaming a file (plain or gzip, read through zlib) line by line;
 * "-" = standard input (then read once into memory: two passes are needed).
 * 2 also when the file cannot be read (message says why). */
int gic_qemu_import_file(const char *path, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out);
/* Replay the imported trace and compare the model with what QEMU output, in
 * every area (gic_qemu_area_t). Fills imp->sum and the per-item results,
 * writes a report (summary and each disagreement with its cause, at most
 * max_listed per area, 0 = 20) to report (may be NULL). Returns the number of
 * disagreements, or -1 if the trace did not replay. */
int gic_qemu_compare(gic_qemu_import_t *imp, FILE *report, unsigned max_listed);
void gic_qemu_import_free(gic_qemu_import_t *imp);

#ifdef __cplusplus
}
#endif
#endif /* GICTLM_TRACE_H */
