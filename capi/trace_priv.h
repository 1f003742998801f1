/* Private to the trace replayer files (not installed): trace_format.c (text
 * of the timeline lines), trace_check.c (expectations), trace_parse.c (the
 * parser and its directive table), trace_replay.c (replay through the public
 * API), trace_diff.c (golden comparison). */
#ifndef GICTLM_TRACE_PRIV_H
#define GICTLM_TRACE_PRIV_H
#include "gictlm.h"
#include "gictlm_trace.h"

#include <stdio.h>

/* ---- growable text buffer ---------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf_t;
void trace_sb_grow(sbuf_t *s, size_t extra);
void trace_sb_printf(sbuf_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* Names of the output lines and MSI outcomes, as the trace text spells them. */
extern const char *const trace_line_names[4];    /* irq fiq virq vfiq */
extern const char *const trace_outcome_names[3]; /* delivered coalesced dropped */
/* "gicd0 0x0428": the register named in read lines and diagnostics */
void trace_mmio_what(char *w, size_t n, const gic_trace_stim_t *s);

/* ---- parser and replay state ----------------------------------------------------------- */
typedef struct trace_priv {
    void **blk;
    size_t n, cap;
    size_t capstim;
} trace_priv_t;

typedef struct rp {
    const gic_replay_opts_t *o;
    gic_trace_t *tr;          /* parse output */
    gic_replay_result_t *r;   /* replay result (NULL when only parsing) */
    const char *name;
    char *message;            /* where the first diagnostic goes (256 bytes) */
    unsigned line;            /* current trace line (1-based) */
    unsigned ndiags;
    bool header_seen;
    bool cfg_frozen;          /* a stimulus was seen: config lines are no longer allowed */
    gic_time_t t;             /* time of the current line */
    /* replay */
    gic_t *g;
    gic_trace_checker_t *chk;
    sbuf_t tl;
    unsigned *src;
    size_t nsrc, capsrc;
} rp_t;

/* "file:line: message" diagnostic (the first one is kept in s->message). */
void trace_diag(rp_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Parse text into *tr (pass 1 of a replay); 0 = ok, 2 = syntax errors. */
int trace_parse_into(rp_t *s, const char *name, const char *text, size_t len, gic_trace_t *tr);
#endif
