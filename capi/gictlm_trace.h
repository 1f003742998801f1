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

/* ---- QEMU trace-log import (gictlm-qemu-import) ------------------------------------- */
/* Import a QEMU 7.x "-trace 'gicv3_*'" log into a gictlm trace. The log has
 * no timestamps and no memory contents: the importer spaces events step_ps
 * apart and reconstructs the command queue (from the decoded commands), the
 * LPI configuration bytes (Linux writes 0xa0 | group1 | enable before INV)
 * and states what it reconstructed in comments. */
typedef struct gic_qemu_counts {
    unsigned lines, translater, mapd, mapc, mapti, mapi, inv, invall, movi, discard, sync, int_cmd,
        clear, movall, other_cmds, iar1, eoir, sgi, ppi, spi, mmio_reads, mmio_writes,
        sysreg_other, qemu_outputs, unknown, malformed;
} gic_qemu_counts_t;

typedef struct gic_qemu_msi {
    unsigned log_line, trace_line;
    uint32_t devid, eventid;
    uint32_t intid;         /* INTID mapped by the decoded commands then (0 = unmapped) */
    int qemu_cpu;           /* CPU whose next ICC_IAR1 read returned intid (-1 = none) */
    unsigned qemu_iar_line; /* its log line (0 = none) */
    /* filled by gic_qemu_compare */
    int model_outcome;      /* gic_msi_outcome_t, -1 = no outcome */
    uint32_t model_intid, model_cpu;
    const char *model_reason;
    bool agree;
    char cause[160];
} gic_qemu_msi_t;

typedef struct gic_qemu_import {
    char *trace; /* the trace text (malloc'd, NUL-terminated) */
    size_t trace_len;
    gic_qemu_counts_t counts;
    gic_qemu_msi_t *msi;
    size_t n_msi;
    unsigned *iar_trace_line; /* per ICC_IAR1 read: trace line and QEMU's value */
    uint32_t *iar_value;
    size_t n_iar;
    unsigned n_cpus;
    char message[256];
} gic_qemu_import_t;

typedef struct gic_qemu_import_opts {
    const char *source_name; /* for comments and diagnostics */
    gic_time_t step_ps;      /* time between two stimuli (0 = 10 us) */
    bool strict;             /* unknown or malformed lines are fatal */
    FILE *diag;              /* "log:line: message" for unknown/malformed lines (may be NULL) */
    unsigned max_diags;      /* 0 = 20 */
} gic_qemu_import_opts_t;

/* 0 = imported; 2 = fatal (strict mode and an unknown/malformed line, or no memory). */
int gic_qemu_import(const char *text, size_t len, const gic_qemu_import_opts_t *o,
                    gic_qemu_import_t *out);
/* Replay the imported trace and compare, per MSI, the model's delivery (INTID
 * and CPU) with QEMU's. Writes a report (summary and each disagreement with
 * its cause) to report (may be NULL). Returns the number of disagreements, or
 * -1 if the trace did not replay. *iar_agree counts ICC_IAR1 reads where the
 * model returned QEMU's value. */
int gic_qemu_compare(gic_qemu_import_t *imp, FILE *report, unsigned *iar_agree);
void gic_qemu_import_free(gic_qemu_import_t *imp);

#ifdef __cplusplus
}
#endif
#endif /* GICTLM_TRACE_H */
