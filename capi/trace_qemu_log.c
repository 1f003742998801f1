/*
 * QEMU log reader: the lines of a log held in memory, or streamed from a
 * file through zlib (gzopen reads gzip and plain files alike), so that a
 * large log is never held whole in memory. The importer reads the log twice
 * (configuration first, then events): a file source rewinds.
 */
#include "trace_qemu_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <zlib.h>

struct qsrc {
    /* memory */
    const char *text;
    size_t len, pos;
    /* file */
    gzFile gz;
    char *path;
    uint64_t total, lines; /* lines read since the last rewind */
    bool failed;
    char err[200];
    /* current line */
    char *buf;
    size_t cap;
};

qsrc_t *qsrc_mem(const char *text, size_t len)
{
    qsrc_t *s = calloc(1, sizeof *s);
    if (!s) return NULL;
    s->text = text;
    s->len = len;
    s->total = len;
    return s;
}

qsrc_t *qsrc_file(const char *path, char *err, size_t errlen)
{
    struct stat st;
    if (stat(path, &st) != 0) {
        snprintf(err, errlen, "cannot read %s: no such file", path);
        return NULL;
    }
    if (!S_ISREG(st.st_mode)) {
        snprintf(err, errlen, "cannot read %s: not a regular file", path);
        return NULL;
    }
    qsrc_t *s = calloc(1, sizeof *s);
    if (!s) {
        snprintf(err, errlen, "out of memory");
        return NULL;
    }
    s->gz = gzopen(path, "rb");
    size_t pl = strlen(path) + 1;
    s->path = malloc(pl);
    if (s->path) memcpy(s->path, path, pl);
    if (!s->gz || !s->path) {
        snprintf(err, errlen, s->gz ? "out of memory" : "cannot open %s", path);
        if (s->gz) gzclose(s->gz);
        free(s->path);
        free(s);
        return NULL;
    }
    gzbuffer(s->gz, 1 << 17);
    s->total = (uint64_t)st.st_size;
    return s;
}

static bool room(qsrc_t *s, size_t need)
{
    if (need <= s->cap) return true;
    size_t cap = s->cap ? s->cap : 512;
    while (cap < need) cap *= 2;
    char *nb = realloc(s->buf, cap);
    if (!nb) {
        s->failed = true;
        snprintf(s->err, sizeof s->err, "out of memory");
        return false;
    }
    s->buf = nb;
    s->cap = cap;
    return true;
}

/* A zlib error at the end of the data read: Z_BUF_ERROR is "unexpected end of file", a gzip stream cut short. */
static bool gz_failed(qsrc_t *s)
{
    int e;
    const char *m = gzerror(s->gz, &e);
    if (e == Z_OK) return false;
    s->failed = true;
    if (e == Z_BUF_ERROR)
        snprintf(s->err, sizeof s->err, "cannot read %s: truncated gzip stream (unexpected end of file after line %llu)",
                 s->path, (unsigned long long)s->lines);
    else
        snprintf(s->err, sizeof s->err, "cannot read %s: %s (after line %llu)", s->path, m && *m ? m : "zlib error",
                 (unsigned long long)s->lines);
    return true;
}

bool qsrc_next(qsrc_t *s, const char **line, size_t *len)
{
    if (s->failed) return false;
    if (!s->gz) {
        if (s->pos >= s->len) return false;
        const char *p = s->text + s->pos;
        const char *e = memchr(p, '\n', s->len - s->pos);
        size_t n = e ? (size_t)(e - p) : s->len - s->pos;
        if (!room(s, n + 1)) return false;
        memcpy(s->buf, p, n);
        s->buf[n] = 0;
        s->pos += n + (e ? 1 : 0);
        *line = s->buf;
        *len = n;
        return true;
    }
    size_t n = 0;
    for (;;) {
        if (!room(s, n + 2)) return false;
        /* gzgets reads up to cap - n - 1 bytes and stops after '\n' */
        if (!gzgets(s->gz, s->buf + n, (int)(s->cap - n > (size_t)1 << 30 ? (size_t)1 << 30 : s->cap - n))) {
            if (gz_failed(s)) return false;
            if (n == 0) return false;
            break;
        }
        /* the line may hold NUL bytes: find the end by the '\n' or by what gzgets filled */
        size_t k = strlen(s->buf + n);
        n += k;
        if (n && s->buf[n - 1] == '\n') {
            n--;
            break;
        }
        if (gzeof(s->gz)) {
            if (gz_failed(s)) return false; /* the partial last line of a truncated stream is dropped */
            break;
        }
        if (k == 0) break; /* a NUL byte inside the line: the rest is cut here */
    }
    s->buf[n] = 0;
    s->lines++;
    *line = s->buf;
    *len = n;
    return true;
}

bool qsrc_rewind(qsrc_t *s)
{
    if (!s->gz) {
        s->pos = 0;
        return true;
    }
    s->lines = 0;
    return gzrewind(s->gz) == 0;
}

void qsrc_position(const qsrc_t *s, uint64_t *done, uint64_t *total)
{
    *total = s->total;
    if (!s->gz) *done = s->pos;
    else {
        z_off_t o = gzoffset(s->gz);
        *done = o > 0 ? (uint64_t)o : 0;
    }
}

bool qsrc_failed(const qsrc_t *s, char *err, size_t errlen)
{
    if (s->failed && err) snprintf(err, errlen, "%s", s->err);
    return s->failed;
}

void qsrc_close(qsrc_t *s)
{
    if (!s) return;
    if (s->gz) gzclose(s->gz);
    free(s->path);
    free(s->buf);
    free(s);
}

bool qgrow(void **arr, size_t n, size_t *cap, size_t esz)
{
    if (n < *cap) return true;
    size_t c = *cap ? *cap * 2 : 64;
    void *p = realloc(*arr, c * esz);
    if (!p) return false;
    *arr = p;
    *cap = c;
    return true;
}
