/*
 * Internal to the QEMU log import and comparison (capi/trace_qemu*.c):
 *  - trace_qemu_log.c      the log reader: lines from memory or from a file
 *                          (plain or gzip, through zlib), with progress;
 *  - trace_qemu.c          the importer: QEMU events -> gictlm trace, and
 *                          what QEMU itself output, kept for the comparison;
 *  - trace_qemu_compare.c  the comparison: replays the trace through the
 *                          public API and compares the model with QEMU.
 */
#ifndef GICTLM_TRACE_QEMU_INTERNAL_H
#define GICTLM_TRACE_QEMU_INTERNAL_H

#include "gictlm_trace.h"

#include <stddef.h>
#include <stdint.h>

/* ---- log reader -------------------------------------------------------------------- */
typedef struct qsrc qsrc_t;
/* A source of lines over a memory buffer (not copied). */
qsrc_t *qsrc_mem(const char *text, size_t len);
/* A source of lines over a file, plain or gzip (zlib reads both); NULL + err on failure. */
qsrc_t *qsrc_file(const char *path, char *err, size_t errlen);
/* Next line without its '\n' (NUL-terminated; valid until the next call). false at the end. */
bool qsrc_next(qsrc_t *s, const char **line, size_t *len);
/* Back to the first line (false if the source cannot rewind). */
bool qsrc_rewind(qsrc_t *s);
/* Bytes consumed so far (of the compressed file for gzip) and total (0 = unknown). */
void qsrc_position(const qsrc_t *s, uint64_t *done, uint64_t *total);
/* true if a read error happened (message in err). */
bool qsrc_failed(const qsrc_t *s, char *err, size_t errlen);
void qsrc_close(qsrc_t *s);

/* ---- growable arrays ---------------------------------------------------------------- */
/* Make room for one more element of size esz in *arr (n used, *cap allocated). false = no memory. */
bool qgrow(void **arr, size_t n, size_t *cap, size_t esz);

int gic_qemu_import_src(qsrc_t *src, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out);

#endif
