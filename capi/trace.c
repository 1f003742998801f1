/*
 * Trace replayer: parser of the gictlm trace format (docs/trace-format.md),
 * stimulus application through the public API, expectations, the output
 * timeline, and the golden comparison (gic_trace_diff).
 *
 * The parser never trusts its input: every malformed line gives a
 * "file:line: message" diagnostic, the whole trace is checked before the
 * model runs (a trace with a syntax error runs nothing), and nothing in a
 * trace can crash the replayer.
 */
#include "gictlm.h"
#include "gictlm_trace.h"

#include "../model/its.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* ---- growable text buffer ---------------------------------------------------- */
typedef struct sbuf {
    char *p;
    size_t n, cap;
    bool oom;
} sbuf_t;

static void sb_grow(sbuf_t *s, size_t extra)
{
    if (s->oom || s->n + extra + 1 <= s->cap) return;
    size_t cap = s->cap ? s->cap : 256;
    while (cap < s->n + extra + 1) cap *= 2;
    char *np = realloc(s->p, cap);
    if (!np) {
        s->oom = true;
        return;
    }
    s->p = np;
    s->cap = cap;
}

static void sb_printf(sbuf_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void sb_printf(sbuf_t *s, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    char tmp[512];
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0) return;
    size_t len = (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1;
    sb_grow(s, len);
    if (s->oom) return;
    memcpy(s->p + s->n, tmp, len);
    s->n += len;
    s->p[s->n] = 0;
}

/* ---- ITS command names: the model's command table (model/its_cmd.c) ------------ */
const char *gic_its_cmd_name(uint32_t op) { return its_cmd_name(op); }

static const char *const line_names[4] = {"irq", "fiq", "virq", "vfiq"};
static const char *const outcome_names[3] = {"delivered", "coalesced", "dropped"};

/* ---- timeline lines (shared by every driver of a trace) ------------------------------ */
int gic_timeline_output(char *buf, size_t n, const gic_output_t *o)
{
    unsigned long long t = (unsigned long long)o->time;
    switch (o->kind) {
    case GIC_OUT_LINE:
        return snprintf(buf, n, "@%llu line cpu%u %s %u", t, o->cpu, o->line < 4 ? line_names[o->line] : "?",
                        o->level);
    case GIC_OUT_DEACTIVATE:
        return snprintf(buf, n, "@%llu deactivate cpu%u intid %u", t, o->cpu, o->intid);
    case GIC_OUT_MSI:
        if (o->outcome == GIC_MSI_DROPPED)
            return snprintf(buf, n, "@%llu msi its%u dev 0x%x ev %u -> dropped (%s)", t, o->its, o->devid,
                            o->eventid, o->reason ? o->reason : "no reason");
        return snprintf(buf, n, "@%llu msi its%u dev 0x%x ev %u -> intid %u cpu%u %s", t, o->its, o->devid,
                        o->eventid, o->intid, o->cpu, o->outcome < 3 ? outcome_names[o->outcome] : "?");
    case GIC_OUT_CMD: {
        const char *cn = gic_its_cmd_name(o->code);
        char op[16];
        if (!cn) {
            snprintf(op, sizeof op, "0x%02x", o->code);
            cn = op;
        }
        if (o->error)
            return snprintf(buf, n, "@%llu cmd its%u %s creadr 0x%llx error 0x%x (%s)", t, o->its, cn,
                            (unsigned long long)o->value, o->error, o->reason ? o->reason : "");
        return snprintf(buf, n, "@%llu cmd its%u %s creadr 0x%llx", t, o->its, cn, (unsigned long long)o->value);
    }
    case GIC_OUT_ERROR:
        return snprintf(buf, n, "@%llu error %s", t, o->reason ? o->reason : "?");
    default:
        return snprintf(buf, n, "@%llu output kind %u", t, (unsigned)o->kind);
    }
}

/* "gicd0 0x0428": the register named in read lines and diagnostics */
static void mmio_what(char *w, size_t n, const gic_trace_stim_t *s)
{
    snprintf(w, n, "%s%u 0x%04llx", gic_frame_name(s->frame), s->index, (unsigned long long)s->offset);
}

int gic_timeline_read(char *buf, size_t n, const gic_t *g, const gic_trace_stim_t *s, uint64_t v)
{
    unsigned long long t = (unsigned long long)s->time;
    if (s->kind == GIC_STIM_SYSREG_READ)
        return snprintf(buf, n, "@%llu sysreg-read cpu%u %s = %llu", t, s->cpu, gic_sysreg_name(s->sysreg),
                        (unsigned long long)v);
    char what[96];
    mmio_what(what, sizeof what, s);
    const char *rn = g ? gic_reg_name(g, s->frame, s->offset) : NULL;
    return snprintf(buf, n, "@%llu read %s/%u%s%s = 0x%llx", t, what, s->size, rn ? " " : "", rn ? rn : "",
                    (unsigned long long)v);
}

int gic_timeline_status(char *buf, size_t n, const gic_trace_stim_t *s, gic_status_t st, uint64_t addr)
{
    char what[160], w[96];
    switch (s->kind) {
    case GIC_STIM_MMIO_WRITE:
    case GIC_STIM_MMIO_READ:
        mmio_what(w, sizeof w, s);
        snprintf(what, sizeof what, "%s %s", s->directive, w);
        break;
    case GIC_STIM_MEM_WRITE:
    case GIC_STIM_MEM_FILL:
    case GIC_STIM_MEM_EXPECT:
        snprintf(what, sizeof what, "%s 0x%llx", s->directive, (unsigned long long)addr);
        break;
    case GIC_STIM_SYSREG_WRITE:
    case GIC_STIM_SYSREG_READ:
        snprintf(what, sizeof what, "%s cpu%u %s", s->directive, s->cpu, gic_sysreg_name(s->sysreg));
        break;
    case GIC_STIM_MSI:
        snprintf(what, sizeof what, "msi its%u dev 0x%x ev %u", s->index, s->devid, s->eventid);
        break;
    case GIC_STIM_SPI:
        snprintf(what, sizeof what, "spi %u", s->intid);
        break;
    case GIC_STIM_PPI:
        snprintf(what, sizeof what, "ppi cpu%u %u", s->cpu, s->intid);
        break;
    default:
        snprintf(what, sizeof what, "%s", s->directive ? s->directive : "?");
        break;
    }
    return snprintf(buf, n, "@%llu status %s: %s", (unsigned long long)s->time, what, gic_status_name(st));
}

/* ---- expectation checker ------------------------------------------------------------- */
typedef struct msi_rec {
    gic_time_t time;
    uint32_t its, devid, eventid, intid, cpu, outcome;
} msi_rec_t;

struct gic_trace_checker {
    uint8_t level[GIC_MAX_CPUS][4];
    msi_rec_t *msi;
    size_t nmsi, capmsi;
};

gic_trace_checker_t *gic_trace_checker_new(void) { return calloc(1, sizeof(gic_trace_checker_t)); }

void gic_trace_checker_free(gic_trace_checker_t *c)
{
    if (!c) return;
    free(c->msi);
    free(c);
}

void gic_trace_checker_output(gic_trace_checker_t *c, const gic_output_t *o)
{
    if (!c) return;
    if (o->kind == GIC_OUT_LINE && o->cpu < GIC_MAX_CPUS && o->line < 4)
        c->level[o->cpu][o->line] = o->level ? 1 : 0;
    if (o->kind != GIC_OUT_MSI) return;
    if (c->nmsi == c->capmsi) {
        size_t cap = c->capmsi ? c->capmsi * 2 : 64;
        msi_rec_t *np = realloc(c->msi, cap * sizeof *np);
        if (!np) return;
        c->msi = np;
        c->capmsi = cap;
    }
    msi_rec_t m = {o->time, o->its, o->devid, o->eventid, o->intid, o->cpu, o->outcome};
    c->msi[c->nmsi++] = m;
}

bool gic_trace_check(gic_trace_checker_t *c, const gic_t *g, const gic_trace_stim_t *s, uint64_t v,
                     const uint8_t *data, char *msg, size_t n)
{
    unsigned long long t = (unsigned long long)s->time;
    switch (s->kind) {
    case GIC_STIM_MMIO_READ:
        if (!s->has_expect || (v & s->mask) == (s->value & s->mask)) return true;
        {
            char what[96];
            mmio_what(what, sizeof what, s);
            snprintf(msg, n, "expect failed: mmio-read %s returned 0x%llx, expected 0x%llx (mask 0x%llx)", what,
                     (unsigned long long)v, (unsigned long long)s->value, (unsigned long long)s->mask);
        }
        return false;
    case GIC_STIM_SYSREG_READ:
        if (!s->has_expect || v == s->value) return true;
        snprintf(msg, n, "expect failed: sysreg-read cpu%u %s returned %llu (0x%llx), expected %llu (0x%llx)",
                 s->cpu, gic_sysreg_name(s->sysreg), (unsigned long long)v, (unsigned long long)v,
                 (unsigned long long)s->value, (unsigned long long)s->value);
        return false;
    case GIC_STIM_MEM_EXPECT:
        for (uint64_t i = 0; data && i < s->len; i++)
            if (data[i] != s->bytes[i]) {
                snprintf(msg, n, "expect failed: mem-expect byte at 0x%llx is 0x%02x, expected 0x%02x",
                         (unsigned long long)(s->addr + i), data[i], s->bytes[i]);
                return false;
            }
        return true;
    case GIC_STIM_EXPECT_LINE: {
        unsigned lvl = c && s->cpu < GIC_MAX_CPUS && s->line_kind < 4 ? c->level[s->cpu][s->line_kind] : 0;
        if (lvl == s->value) return true;
        snprintf(msg, n, "expect failed: cpu%u %s is %u at %llu ps, expected %u", s->cpu,
                 line_names[s->line_kind & 3], lvl, t, (unsigned)s->value);
        return false;
    }
    case GIC_STIM_EXPECT_MSI: {
        const msi_rec_t *m = NULL;
        for (size_t i = c ? c->nmsi : 0; i-- > 0;)
            if (c->msi[i].its == s->index && c->msi[i].devid == s->devid && c->msi[i].eventid == s->eventid) {
                m = &c->msi[i];
                break;
            }
        if (!m) {
            snprintf(msg, n, "expect failed: no MSI outcome for its%u dev 0x%x ev %u by %llu ps", s->index,
                     s->devid, s->eventid, t);
            return false;
        }
        if (m->outcome == s->outcome &&
            (s->outcome == GIC_MSI_DROPPED || (m->intid == s->intid && m->cpu == s->cpu)))
            return true;
        snprintf(msg, n,
                 "expect failed: MSI its%u dev 0x%x ev %u was %s intid %u cpu%u at %llu ps, expected %s intid %u cpu%u",
                 s->index, s->devid, s->eventid, m->outcome < 3 ? outcome_names[m->outcome] : "?", m->intid, m->cpu,
                 (unsigned long long)m->time, outcome_names[s->outcome % 3], s->intid, s->cpu);
        return false;
    }
    case GIC_STIM_EXPECT_COUNTER: {
        uint64_t cv = 0;
        bool found = g && gic_stat_counter(g, s->counter, &cv);
        if (!found && s->value != 0) {
            snprintf(msg, n, "expect failed: counter %s does not exist, expected %llu", s->counter,
                     (unsigned long long)s->value);
            return false;
        }
        if (found && cv != s->value) {
            snprintf(msg, n, "expect failed: counter %s is %llu, expected %llu", s->counter, (unsigned long long)cv,
                     (unsigned long long)s->value);
            return false;
        }
        return true;
    }
    default:
        return true;
    }
}

/* ---- parser and replay state ----------------------------------------------------------- */
#define MAX_TOK 80

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

static void diag(rp_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void diag(rp_t *s, const char *fmt, ...)
{
    unsigned max = s->o->max_diags ? s->o->max_diags : 50;
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (s->message && !s->message[0]) {
        char full[800];
        snprintf(full, sizeof full, "%s:%u: %s", s->name, s->line, msg);
        size_t k = strlen(full);
        if (k >= 256) k = 255;
        memcpy(s->message, full, k);
        s->message[k] = 0;
    }
    if (s->o->diag && s->ndiags < max) fprintf(s->o->diag, "%s:%u: %s\n", s->name, s->line, msg);
    s->ndiags++;
}

/* A syntax error: counted, reported, the trace will not run. */
#define PERR(s, ...)                                                                               \
    do {                                                                                           \
        (s)->tr->parse_errors++;                                                                   \
        diag((s), __VA_ARGS__);                                                                    \
        return;                                                                                    \
    } while (0)

static void tl_put(rp_t *s, const char *line)
{
    sb_printf(&s->tl, "%s\n", line);
    if (s->o->timeline) fprintf(s->o->timeline, "%s\n", line);
    if (s->nsrc == s->capsrc) {
        size_t cap = s->capsrc ? s->capsrc * 2 : 256;
        unsigned *np = realloc(s->src, cap * sizeof *np);
        if (!np) return;
        s->src = np;
        s->capsrc = cap;
    }
    s->src[s->nsrc++] = s->line;
}

static void on_output(void *ctx, const gic_output_t *o)
{
    rp_t *s = ctx;
    char buf[512];
    s->r->outputs++;
    gic_trace_checker_output(s->chk, o);
    gic_timeline_output(buf, sizeof buf, o);
    tl_put(s, buf);
    if (s->o->observe) s->o->observe(s->o->ctx, o, s->line);
}

/* ---- lexical helpers ---------------------------------------------------------------- */
static bool parse_u64(const char *tok, uint64_t *v)
{
    if (!tok || !*tok) return false;
    uint64_t x = 0;
    const char *p = tok;
    if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
        p += 2;
        if (!*p) return false;
        for (; *p; p++) {
            if (*p == '_') continue;
            int d;
            if (*p >= '0' && *p <= '9') d = *p - '0';
            else if (*p >= 'a' && *p <= 'f') d = *p - 'a' + 10;
            else if (*p >= 'A' && *p <= 'F') d = *p - 'A' + 10;
            else return false;
            if (x >> 60) return false;
            x = (x << 4) | (uint64_t)d;
        }
    } else {
        for (; *p; p++) {
            if (*p == '_') continue;
            if (*p < '0' || *p > '9') return false;
            uint64_t d = (uint64_t)(*p - '0');
            if (x > (UINT64_MAX - d) / 10) return false;
            x = x * 10 + d;
        }
    }
    *v = x;
    return true;
}

static bool parse_u32(const char *tok, uint32_t *v)
{
    uint64_t x;
    if (!parse_u64(tok, &x) || x > UINT32_MAX) return false;
    *v = (uint32_t)x;
    return true;
}

static bool ieq(const char *a, const char *b)
{
    for (; *a && *b; a++, b++)
        if (tolower((unsigned char)*a) != tolower((unsigned char)*b)) return false;
    return *a == *b;
}

/* "1000", "1000ps", "2ns", "1.5us" is not accepted (integers only), "3ms". */
static bool parse_time(const char *tok, gic_time_t *t)
{
    char num[64];
    size_t i = 0;
    while (tok[i] && (isxdigit((unsigned char)tok[i]) || tok[i] == 'x' || tok[i] == 'X' ||
                      tok[i] == '_')) {
        if (i + 1 >= sizeof num) return false;
        num[i] = tok[i];
        i++;
    }
    /* a hex number may end in digits that look like a unit ("0x1ms" is ambiguous): units only
     * after decimal numbers */
    num[i] = 0;
    const char *unit = tok + i;
    uint64_t mul = 1;
    if (num[0] == '0' && (num[1] == 'x' || num[1] == 'X')) {
        if (*unit) return false;
    } else {
        /* for decimal numbers, back off letters that belong to the unit */
        size_t j = 0;
        while (num[j] && ((num[j] >= '0' && num[j] <= '9') || num[j] == '_')) j++;
        unit = tok + j;
        num[j] = 0;
        if (!*unit || ieq(unit, "ps")) mul = 1;
        else if (ieq(unit, "ns")) mul = 1000;
        else if (ieq(unit, "us")) mul = 1000000;
        else if (ieq(unit, "ms")) mul = 1000000000;
        else return false;
    }
    uint64_t v;
    if (!parse_u64(num, &v)) return false;
    if (v > UINT64_MAX / mul) return false;
    *t = v * mul;
    return true;
}

static int hexval(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Concatenate hex-byte tokens into bytes. Returns false on a bad digit or odd count. */
static bool parse_hexbytes(char **tok, int n, uint8_t **out, size_t *len)
{
    size_t digits = 0;
    for (int i = 0; i < n; i++) {
        const char *p = tok[i];
        if (p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) return false;
        for (; *p; p++) {
            if (*p == '_') continue;
            if (hexval(*p) < 0) return false;
            digits++;
        }
    }
    if (digits == 0 || digits % 2) return false;
    uint8_t *b = malloc(digits / 2);
    if (!b) return false;
    size_t k = 0;
    int hi = -1;
    for (int i = 0; i < n; i++)
        for (const char *p = tok[i]; *p; p++) {
            if (*p == '_') continue;
            if (hi < 0) hi = hexval(*p);
            else {
                b[k++] = (uint8_t)(hi << 4 | hexval(*p));
                hi = -1;
            }
        }
    *out = b;
    *len = k;
    return true;
}

static bool parse_frame(const char *tok, gic_frame_t *f)
{
    if (ieq(tok, "gicd")) *f = GIC_FRAME_GICD;
    else if (ieq(tok, "gicr")) *f = GIC_FRAME_GICR;
    else if (ieq(tok, "gits")) *f = GIC_FRAME_GITS;
    else return false;
    return true;
}

static bool parse_sysreg(const char *tok, gic_sysreg_t *r)
{
    char up[40];
    size_t n = strlen(tok);
    if (n >= sizeof up) return false;
    for (size_t i = 0; i <= n; i++) up[i] = (char)toupper((unsigned char)tok[i]);
    *r = gic_sysreg_by_name(up);
    return *r != GIC_SYSREG_COUNT;
}

static bool parse_level(const char *tok, bool *lvl)
{
    if (strcmp(tok, "0") == 0 || ieq(tok, "low")) *lvl = false;
    else if (strcmp(tok, "1") == 0 || ieq(tok, "high")) *lvl = true;
    else return false;
    return true;
}

/* ---- configuration ------------------------------------------------------------------- */
/* At the first stimulus: apply the overrides and validate the configuration. */
static bool freeze_config(rp_t *s)
{
    if (s->cfg_frozen) return true;
    s->cfg_frozen = true;
    gic_config_t *cfg = &s->tr->cfg;
    bool ok = true;
    for (size_t i = 0; i < s->o->n_overrides; i++) {
        const char *ov = s->o->overrides[i];
        const char *eq = ov ? strchr(ov, '=') : NULL;
        char name[128], err[200] = "";
        if (!eq || (size_t)(eq - ov) >= sizeof name) {
            diag(s, "override '%s': expected name=value", ov ? ov : "(null)");
            s->tr->parse_errors++;
            continue;
        }
        memcpy(name, ov, (size_t)(eq - ov));
        name[eq - ov] = 0;
        if (gic_config_set(cfg, name, eq + 1, err, sizeof err) != GIC_OK) {
            diag(s, "override '%s': %s", ov, err[0] ? err : "rejected");
            s->tr->parse_errors++;
        }
    }
    char err[256] = "";
    if (gic_config_validate(cfg, err, sizeof err) != GIC_OK) {
        diag(s, "invalid configuration: %s", err);
        s->tr->parse_errors++;
        ok = false;
    }
    return ok;
}

/* Resolve config-file relative to the trace's directory. */
static void config_file(rp_t *s, const char *path)
{
    char full[1024];
    const char *slash = strrchr(s->name, '/');
    if (path[0] != '/' && slash) {
        int k = snprintf(full, sizeof full, "%.*s/%s", (int)(slash - s->name), s->name, path);
        if (k < 0 || (size_t)k >= sizeof full) PERR(s, "config-file: path too long");
    } else {
        snprintf(full, sizeof full, "%s", path);
    }
    char err[256] = "";
    if (gic_config_load_file(&s->tr->cfg, full, err, sizeof err) != GIC_OK)
        PERR(s, "config-file %s: %s", full, err[0] ? err : "cannot load");
}

static bool keep(rp_t *s, void *p)
{
    trace_priv_t *pv = s->tr->priv_;
    if (!p || !pv) {
        free(p);
        return false;
    }
    if (pv->n == pv->cap) {
        size_t cap = pv->cap ? pv->cap * 2 : 64;
        void **nb = realloc(pv->blk, cap * sizeof *nb);
        if (!nb) {
            free(p);
            return false;
        }
        pv->blk = nb;
        pv->cap = cap;
    }
    pv->blk[pv->n++] = p;
    return true;
}

/* ---- one timed line: syntax into *st ------------------------------------------------- */
static void parse_timed(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    const char *cmd = tok[0];

    if (strcmp(cmd, "mmio-write") == 0) {
        st->kind = GIC_STIM_MMIO_WRITE;
        st->directive = "mmio-write";
        if (n != 6) PERR(s, "mmio-write: expected <frame> <index> <offset> <size> <value>");
        if (!parse_frame(tok[1], &st->frame)) PERR(s, "mmio-write: unknown frame '%s' (gicd, gicr, gits)", tok[1]);
        if (!parse_u32(tok[2], &st->index)) PERR(s, "mmio-write: bad index '%s'", tok[2]);
        if (!parse_u64(tok[3], &st->offset)) PERR(s, "mmio-write: bad offset '%s'", tok[3]);
        if (!parse_u32(tok[4], &st->size) || (st->size != 1 && st->size != 2 && st->size != 4 && st->size != 8))
            PERR(s, "mmio-write: bad size '%s' (1, 2, 4 or 8)", tok[4]);
        if (!parse_u64(tok[5], &st->value)) PERR(s, "mmio-write: bad value '%s'", tok[5]);
        return;
    }
    if (strcmp(cmd, "mmio-read") == 0) {
        st->kind = GIC_STIM_MMIO_READ;
        st->directive = "mmio-read";
        st->mask = UINT64_MAX;
        if (n != 5 && n != 7 && n != 9)
            PERR(s, "mmio-read: expected <frame> <index> <offset> <size> [expect <value> [mask <m>]]");
        if (!parse_frame(tok[1], &st->frame)) PERR(s, "mmio-read: unknown frame '%s' (gicd, gicr, gits)", tok[1]);
        if (!parse_u32(tok[2], &st->index)) PERR(s, "mmio-read: bad index '%s'", tok[2]);
        if (!parse_u64(tok[3], &st->offset)) PERR(s, "mmio-read: bad offset '%s'", tok[3]);
        if (!parse_u32(tok[4], &st->size) || (st->size != 1 && st->size != 2 && st->size != 4 && st->size != 8))
            PERR(s, "mmio-read: bad size '%s' (1, 2, 4 or 8)", tok[4]);
        if (n >= 7) {
            if (strcmp(tok[5], "expect") != 0) PERR(s, "mmio-read: expected 'expect', got '%s'", tok[5]);
            if (!parse_u64(tok[6], &st->value)) PERR(s, "mmio-read: bad expected value '%s'", tok[6]);
            st->has_expect = true;
        }
        if (n == 9) {
            if (strcmp(tok[7], "mask") != 0) PERR(s, "mmio-read: expected 'mask', got '%s'", tok[7]);
            if (!parse_u64(tok[8], &st->mask)) PERR(s, "mmio-read: bad mask '%s'", tok[8]);
        }
        return;
    }
    if (strcmp(cmd, "mem-write") == 0 || strcmp(cmd, "mem-expect") == 0) {
        bool w = cmd[4] == 'w';
        uint8_t *b = NULL;
        size_t len = 0;
        st->kind = w ? GIC_STIM_MEM_WRITE : GIC_STIM_MEM_EXPECT;
        st->directive = w ? "mem-write" : "mem-expect";
        if (n < 3) PERR(s, "%s: expected <addr> <hex bytes>", cmd);
        if (!parse_u64(tok[1], &st->addr)) PERR(s, "%s: bad address '%s'", cmd, tok[1]);
        if (!parse_hexbytes(tok + 2, n - 2, &b, &len))
            PERR(s, "%s: bad hex bytes (pairs of hex digits, no 0x prefix)", cmd);
        if (!keep(s, b)) PERR(s, "out of memory");
        st->bytes = b;
        st->len = len;
        return;
    }
    if (strcmp(cmd, "mem-write64") == 0) {
        uint64_t w[MAX_TOK];
        st->kind = GIC_STIM_MEM_WRITE;
        st->directive = "mem-write64";
        if (n < 3) PERR(s, "mem-write64: expected <addr> <u64> [<u64> ...]");
        if (!parse_u64(tok[1], &st->addr)) PERR(s, "mem-write64: bad address '%s'", tok[1]);
        for (int i = 2; i < n; i++)
            if (!parse_u64(tok[i], &w[i - 2])) PERR(s, "mem-write64: bad value '%s'", tok[i]);
        size_t len = (size_t)(n - 2) * 8;
        uint8_t *b = malloc(len);
        if (!keep(s, b)) PERR(s, "out of memory");
        for (size_t i = 0; i < len; i++) b[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8))); /* little endian */
        st->bytes = b;
        st->len = len;
        return;
    }
    if (strcmp(cmd, "mem-fill") == 0) {
        uint32_t byte;
        st->kind = GIC_STIM_MEM_FILL;
        st->directive = "mem-fill";
        if (n != 4) PERR(s, "mem-fill: expected <addr> <length> <byte>");
        if (!parse_u64(tok[1], &st->addr)) PERR(s, "mem-fill: bad address '%s'", tok[1]);
        if (!parse_u64(tok[2], &st->len) || st->len == 0 || st->len > (64u << 20))
            PERR(s, "mem-fill: bad length '%s' (1..64 MiB)", tok[2]);
        if (!parse_u32(tok[3], &byte) || byte > 255) PERR(s, "mem-fill: bad byte '%s'", tok[3]);
        st->value = byte;
        return;
    }
    if (strcmp(cmd, "sysreg-write") == 0) {
        st->kind = GIC_STIM_SYSREG_WRITE;
        st->directive = "sysreg-write";
        if (n != 4) PERR(s, "sysreg-write: expected <cpu> <register> <value>");
        if (!parse_u32(tok[1], &st->cpu)) PERR(s, "sysreg-write: bad cpu '%s'", tok[1]);
        if (!parse_sysreg(tok[2], &st->sysreg)) PERR(s, "sysreg-write: unknown register '%s'", tok[2]);
        if (!parse_u64(tok[3], &st->value)) PERR(s, "sysreg-write: bad value '%s'", tok[3]);
        return;
    }
    if (strcmp(cmd, "sysreg-read") == 0) {
        st->kind = GIC_STIM_SYSREG_READ;
        st->directive = "sysreg-read";
        if (n != 3 && n != 5) PERR(s, "sysreg-read: expected <cpu> <register> [expect <value>]");
        if (!parse_u32(tok[1], &st->cpu)) PERR(s, "sysreg-read: bad cpu '%s'", tok[1]);
        if (!parse_sysreg(tok[2], &st->sysreg)) PERR(s, "sysreg-read: unknown register '%s'", tok[2]);
        if (n == 5) {
            if (strcmp(tok[3], "expect") != 0) PERR(s, "sysreg-read: expected 'expect', got '%s'", tok[3]);
            if (!parse_u64(tok[4], &st->value)) PERR(s, "sysreg-read: bad expected value '%s'", tok[4]);
            st->has_expect = true;
        }
        return;
    }
    if (strcmp(cmd, "msi") == 0) {
        st->kind = GIC_STIM_MSI;
        st->directive = "msi";
        if (n != 4) PERR(s, "msi: expected <its> <DeviceID> <EventID>");
        if (!parse_u32(tok[1], &st->index)) PERR(s, "msi: bad ITS index '%s'", tok[1]);
        if (!parse_u32(tok[2], &st->devid)) PERR(s, "msi: bad DeviceID '%s'", tok[2]);
        if (!parse_u32(tok[3], &st->eventid)) PERR(s, "msi: bad EventID '%s'", tok[3]);
        return;
    }
    if (strcmp(cmd, "spi") == 0) {
        bool lvl;
        st->kind = GIC_STIM_SPI;
        st->directive = "spi";
        if (n != 3) PERR(s, "spi: expected <intid> <level>");
        if (!parse_u32(tok[1], &st->intid)) PERR(s, "spi: bad INTID '%s'", tok[1]);
        if (!parse_level(tok[2], &lvl)) PERR(s, "spi: bad level '%s' (0 or 1)", tok[2]);
        st->value = lvl;
        return;
    }
    if (strcmp(cmd, "ppi") == 0) {
        bool lvl;
        st->kind = GIC_STIM_PPI;
        st->directive = "ppi";
        if (n != 4) PERR(s, "ppi: expected <cpu> <intid> <level>");
        if (!parse_u32(tok[1], &st->cpu)) PERR(s, "ppi: bad cpu '%s'", tok[1]);
        if (!parse_u32(tok[2], &st->intid)) PERR(s, "ppi: bad INTID '%s'", tok[2]);
        if (!parse_level(tok[3], &lvl)) PERR(s, "ppi: bad level '%s' (0 or 1)", tok[3]);
        st->value = lvl;
        return;
    }
    if (strcmp(cmd, "run") == 0) {
        st->kind = GIC_STIM_RUN;
        st->directive = "run";
        if (n != 1) PERR(s, "run: takes no arguments");
        return;
    }
    if (strcmp(cmd, "stats-reset") == 0) {
        st->kind = GIC_STIM_STATS_RESET;
        st->directive = "stats-reset";
        if (n != 1) PERR(s, "stats-reset: takes no arguments");
        return;
    }
    if (strcmp(cmd, "expect-line") == 0) {
        uint32_t lvl;
        int li = -1;
        st->kind = GIC_STIM_EXPECT_LINE;
        st->directive = "expect-line";
        if (n != 4) PERR(s, "expect-line: expected <cpu> <irq|fiq|virq|vfiq> <level>");
        if (!parse_u32(tok[1], &st->cpu) || st->cpu >= GIC_MAX_CPUS) PERR(s, "expect-line: bad cpu '%s'", tok[1]);
        for (int i = 0; i < 4; i++)
            if (ieq(tok[2], line_names[i])) li = i;
        if (li < 0) PERR(s, "expect-line: unknown line '%s' (irq, fiq, virq, vfiq)", tok[2]);
        if (!parse_u32(tok[3], &lvl) || lvl > 1) PERR(s, "expect-line: bad level '%s' (0 or 1)", tok[3]);
        st->line_kind = (uint32_t)li;
        st->value = lvl;
        return;
    }
    if (strcmp(cmd, "expect-msi") == 0) {
        int oc = -1;
        st->kind = GIC_STIM_EXPECT_MSI;
        st->directive = "expect-msi";
        if (n < 5) PERR(s, "expect-msi: expected <its> <DeviceID> <EventID> delivered|coalesced <intid> <cpu> | dropped");
        if (!parse_u32(tok[1], &st->index)) PERR(s, "expect-msi: bad ITS index '%s'", tok[1]);
        if (!parse_u32(tok[2], &st->devid)) PERR(s, "expect-msi: bad DeviceID '%s'", tok[2]);
        if (!parse_u32(tok[3], &st->eventid)) PERR(s, "expect-msi: bad EventID '%s'", tok[3]);
        for (int i = 0; i < 3; i++)
            if (ieq(tok[4], outcome_names[i])) oc = i;
        if (oc < 0) PERR(s, "expect-msi: unknown outcome '%s' (delivered, coalesced, dropped)", tok[4]);
        if (oc == GIC_MSI_DROPPED && n != 5) PERR(s, "expect-msi: 'dropped' takes no intid/cpu");
        if (oc != GIC_MSI_DROPPED) {
            if (n != 7) PERR(s, "expect-msi: '%s' needs <intid> <cpu>", tok[4]);
            if (!parse_u32(tok[5], &st->intid)) PERR(s, "expect-msi: bad INTID '%s'", tok[5]);
            if (!parse_u32(tok[6], &st->cpu)) PERR(s, "expect-msi: bad cpu '%s'", tok[6]);
        }
        st->outcome = (uint32_t)oc;
        return;
    }
    if (strcmp(cmd, "expect-counter") == 0) {
        st->kind = GIC_STIM_EXPECT_COUNTER;
        st->directive = "expect-counter";
        if (n != 3) PERR(s, "expect-counter: expected <name> <value>");
        if (!parse_u64(tok[2], &st->value)) PERR(s, "expect-counter: bad value '%s'", tok[2]);
        size_t k = strlen(tok[1]);
        char *name = malloc(k + 1);
        if (!keep(s, name)) PERR(s, "out of memory");
        memcpy(name, tok[1], k + 1);
        st->counter = name;
        return;
    }
    PERR(s, "unknown directive '%s'", cmd);
}

/* Tokenize one line in place; returns the token count or -1 when too many. */
static int tokenize(char *line, char **tok)
{
    char *h = strchr(line, '#');
    if (h) *h = 0;
    int n = 0;
    char *p = line;
    while (*p) {
        while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\v' || *p == '\f') p++;
        if (!*p) break;
        if (n == MAX_TOK) return -1;
        tok[n++] = p;
        while (*p && *p != ' ' && *p != '\t' && *p != '\r' && *p != '\v' && *p != '\f') p++;
        if (*p) *p++ = 0;
    }
    return n;
}

static void add_stim(rp_t *s, const gic_trace_stim_t *st)
{
    gic_trace_t *tr = s->tr;
    trace_priv_t *pv = tr->priv_;
    if (tr->n_stim == pv->capstim) {
        size_t cap = pv->capstim ? pv->capstim * 2 : 256;
        gic_trace_stim_t *np = realloc(tr->stim, cap * sizeof *np);
        if (!np) {
            tr->parse_errors++;
            diag(s, "out of memory");
            return;
        }
        tr->stim = np;
        pv->capstim = cap;
    }
    tr->stim[tr->n_stim++] = *st;
}

static void do_line(rp_t *s, char *line)
{
    char *tok[MAX_TOK];
    int n = tokenize(line, tok);
    if (n < 0) PERR(s, "too many fields (at most %d)", MAX_TOK);
    if (n == 0) return;
    if (!s->header_seen) {
        if (strcmp(tok[0], "gictlm-trace") != 0)
            PERR(s, "missing header: the first line must be 'gictlm-trace %d'", GICTLM_TRACE_VERSION);
        uint32_t v;
        s->header_seen = true;
        if (n != 2 || !parse_u32(tok[1], &v)) PERR(s, "bad header: expected 'gictlm-trace <version>'");
        if (v != GICTLM_TRACE_VERSION)
            PERR(s, "unsupported trace version %u (this replayer reads version %d)", v, GICTLM_TRACE_VERSION);
        return;
    }
    if (strcmp(tok[0], "gictlm-trace") == 0) PERR(s, "duplicate header");
    if (strcmp(tok[0], "config") == 0) {
        if (s->cfg_frozen) PERR(s, "config after the first stimulus");
        if (n != 3) PERR(s, "config: expected <name> <value>");
        char err[200] = "";
        if (gic_config_set(&s->tr->cfg, tok[1], tok[2], err, sizeof err) != GIC_OK)
            PERR(s, "config %s: %s", tok[1], err[0] ? err : "rejected");
        return;
    }
    if (strcmp(tok[0], "config-file") == 0) {
        if (s->cfg_frozen) PERR(s, "config-file after the first stimulus");
        if (n != 2) PERR(s, "config-file: expected <path>");
        config_file(s, tok[1]);
        return;
    }
    if (tok[0][0] != '@') PERR(s, "expected '@<time> <directive>' or a config line, got '%s'", tok[0]);
    const char *ts = tok[0] + 1;
    bool rel = false;
    if (*ts == '+') {
        rel = true;
        ts++;
    }
    gic_time_t t;
    if (!parse_time(ts, &t)) PERR(s, "bad time '%s' (integer with optional ps/ns/us/ms unit)", tok[0]);
    if (rel) {
        if (t > UINT64_MAX - s->t) PERR(s, "time overflow");
        t += s->t;
    }
    if (n < 2) PERR(s, "missing directive after '%s'", tok[0]);
    s->t = t;
    if (!freeze_config(s)) return;
    gic_trace_stim_t st;
    memset(&st, 0, sizeof st);
    st.line = s->line;
    st.time = t;
    unsigned before = s->tr->parse_errors;
    parse_timed(s, tok + 1, n - 1, &st);
    if (s->tr->parse_errors == before) add_stim(s, &st);
}

/* Walk the text line by line (a copy per line, NUL-safe). */
static void walk(rp_t *s, const char *text, size_t len)
{
    size_t pos = 0;
    char *buf = NULL;
    size_t bcap = 0;
    s->line = 0;
    while (pos < len) {
        size_t e = pos;
        while (e < len && text[e] != '\n') e++;
        size_t ll = e - pos;
        s->line++;
        if (ll + 1 > bcap) {
            size_t nc = ll + 1 < 256 ? 256 : ll + 1;
            char *nb = realloc(buf, nc);
            if (!nb) {
                diag(s, "out of memory");
                s->tr->parse_errors++;
                break;
            }
            buf = nb;
            bcap = nc;
        }
        memcpy(buf, text + pos, ll);
        buf[ll] = 0;
        if (memchr(text + pos, 0, ll)) {
            s->tr->parse_errors++;
            diag(s, "NUL byte in line");
        } else {
            do_line(s, buf);
        }
        pos = e + 1;
    }
    free(buf);
}

/* Parse into *tr with the diagnostics state of s (shared with a replay). */
static int parse_into(rp_t *s, const char *name, const char *text, size_t len, gic_trace_t *tr)
{
    memset(tr, 0, sizeof *tr);
    size_t k = strlen(name);
    tr->name = malloc(k + 1);
    if (tr->name) memcpy(tr->name, name, k + 1);
    tr->priv_ = calloc(1, sizeof(trace_priv_t));
    s->tr = tr;
    s->name = name;
    if (!s->message) s->message = tr->message;
    gic_config_default(&tr->cfg);
    if (!tr->priv_ || !tr->name) {
        s->line = 0;
        diag(s, "out of memory");
        tr->parse_errors++;
        return 2;
    }
    if (!text) len = 0;
    walk(s, text, len);
    if (!s->header_seen && !tr->parse_errors) {
        s->line = 1;
        diag(s, "empty trace: missing 'gictlm-trace %d' header", GICTLM_TRACE_VERSION);
        tr->parse_errors++;
    }
    if (!tr->parse_errors && !s->cfg_frozen) freeze_config(s); /* validate config of a trace without stimuli */
    if (s->message != tr->message) memcpy(tr->message, s->message, sizeof tr->message);
    return tr->parse_errors ? 2 : 0;
}

int gic_trace_parse(const char *name, const char *text, size_t len, const gic_replay_opts_t *o, gic_trace_t *t)
{
    static const gic_replay_opts_t none;
    if (!t) return 2;
    rp_t s;
    memset(&s, 0, sizeof s);
    s.o = o ? o : &none;
    return parse_into(&s, name ? name : "<trace>", text, len, t);
}

int gic_trace_parse_file(const char *path, const gic_replay_opts_t *o, gic_trace_t *t)
{
    size_t len = 0;
    char *text = gic_trace_load(path, &len);
    if (!text) {
        if (!t) return 2;
        memset(t, 0, sizeof *t);
        gic_config_default(&t->cfg);
        snprintf(t->message, sizeof t->message, "%s: cannot read: %s", path, strerror(errno));
        if (o && o->diag) fprintf(o->diag, "%s\n", t->message);
        t->parse_errors = 1;
        return 2;
    }
    int rc = gic_trace_parse(path, text, len, o, t);
    free(text);
    return rc;
}

void gic_trace_free(gic_trace_t *t)
{
    if (!t) return;
    trace_priv_t *pv = t->priv_;
    if (pv) {
        for (size_t i = 0; i < pv->n; i++) free(pv->blk[i]);
        free(pv->blk);
        free(pv);
    }
    free(t->stim);
    free(t->name);
    t->priv_ = NULL;
    t->stim = NULL;
    t->name = NULL;
    t->n_stim = 0;
}

/* ---- replay: apply one stimulus through the public API -------------------------------- */
static void status_line(rp_t *s, const gic_trace_stim_t *st, gic_status_t rc, uint64_t addr)
{
    char buf[512];
    s->r->input_errors++;
    gic_timeline_status(buf, sizeof buf, st, rc, addr);
    tl_put(s, buf);
}

static void check(rp_t *s, const gic_trace_stim_t *st, uint64_t v, const uint8_t *data)
{
    char msg[400];
    if (gic_trace_check(s->chk, s->g, st, v, data, msg, sizeof msg)) return;
    s->r->expect_failures++;
    diag(s, "%s", msg);
}

/* Timeline line of a register read: the value read, or the refusal. */
static void read_line(rp_t *s, const gic_trace_stim_t *st, gic_status_t rc, uint64_t v)
{
    if (rc != GIC_OK) {
        status_line(s, st, rc, 0);
        return;
    }
    char buf[512];
    gic_timeline_read(buf, sizeof buf, s->g, st, v);
    tl_put(s, buf);
}

static void exec_stim(rp_t *s, const gic_trace_stim_t *st)
{
    gic_t *g = s->g;
    gic_time_t t = st->time;
    gic_status_t rc;
    uint64_t v = 0;
    s->line = st->line;
    s->r->stimuli++;
    switch (st->kind) {
    case GIC_STIM_MMIO_WRITE:
        rc = gic_mmio_write(g, t, st->frame, st->index, st->offset, st->size, st->value);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_MMIO_READ:
        rc = gic_mmio_read(g, t, st->frame, st->index, st->offset, st->size, &v);
        read_line(s, st, rc, v);
        if (s->o->observe_read)
            s->o->observe_read(s->o->ctx, 0, st->index, (uint32_t)st->frame, st->offset, v, st->line);
        check(s, st, v, NULL);
        break;
    case GIC_STIM_MEM_WRITE:
        rc = gic_mem_write(g, st->addr, st->bytes, (size_t)st->len);
        if (rc != GIC_OK) status_line(s, st, rc, st->addr);
        break;
    case GIC_STIM_MEM_FILL: {
        uint8_t chunk[GIC_TRACE_FILL_CHUNK];
        memset(chunk, (int)st->value, sizeof chunk);
        for (uint64_t done = 0; done < st->len;) {
            size_t k = st->len - done < sizeof chunk ? (size_t)(st->len - done) : sizeof chunk;
            rc = gic_mem_write(g, st->addr + done, chunk, k);
            if (rc != GIC_OK) {
                status_line(s, st, rc, st->addr + done);
                break;
            }
            done += k;
        }
        break;
    }
    case GIC_STIM_MEM_EXPECT: {
        uint8_t *got = calloc(1, (size_t)st->len);
        rc = got ? gic_mem_read(g, st->addr, got, (size_t)st->len) : GIC_ERR_NOMEM;
        if (rc != GIC_OK) status_line(s, st, rc, st->addr);
        else check(s, st, 0, got);
        free(got);
        break;
    }
    case GIC_STIM_SYSREG_WRITE:
        rc = gic_sysreg_write(g, t, st->cpu, st->sysreg, st->value);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_SYSREG_READ:
        rc = gic_sysreg_read(g, t, st->cpu, st->sysreg, &v);
        read_line(s, st, rc, v);
        if (s->o->observe_read) s->o->observe_read(s->o->ctx, 1, st->cpu, (uint32_t)st->sysreg, 0, v, st->line);
        check(s, st, v, NULL);
        break;
    case GIC_STIM_MSI:
        rc = gic_msi(g, t, st->index, st->devid, st->eventid);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_SPI:
        rc = gic_set_spi(g, t, st->intid, st->value != 0);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_PPI:
        rc = gic_set_ppi(g, t, st->cpu, st->intid, st->value != 0);
        if (rc != GIC_OK) status_line(s, st, rc, 0);
        break;
    case GIC_STIM_RUN:
        gic_run_until(g, t);
        break;
    case GIC_STIM_STATS_RESET:
        gic_stats_reset(g);
        break;
    case GIC_STIM_EXPECT_LINE:
    case GIC_STIM_EXPECT_MSI:
    case GIC_STIM_EXPECT_COUNTER:
        gic_run_until(g, t);
        check(s, st, 0, NULL);
        break;
    }
}

int gic_trace_replay(const char *name, const char *text, size_t len, const gic_replay_opts_t *o,
                     gic_replay_result_t *r)
{
    static const gic_replay_opts_t none;
    if (!o) o = &none;
    if (!r) return 2;
    memset(r, 0, sizeof *r);
    if (!name) name = "<trace>";
    rp_t s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.r = r;
    s.message = r->message;
    /* Pass 1: syntax and configuration only. */
    gic_trace_t tr;
    parse_into(&s, name, text, len, &tr);
    r->parse_errors = tr.parse_errors;
    if (r->parse_errors || o->parse_only) {
        gic_trace_free(&tr);
        if (!r->timeline) r->timeline = calloc(1, 1);
        return r->parse_errors ? 2 : 0;
    }
    /* Pass 2: run. */
    s.chk = gic_trace_checker_new();
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.ctx = &s;
    cb.output = on_output;
    cb.log_level = GIC_LOG_ERROR;
    char err[256] = "";
    s.line = tr.n_stim ? tr.stim[0].line : s.line;
    s.g = s.chk ? gic_create(&tr.cfg, &cb, NULL, err, sizeof err) : NULL;
    if (!s.g) {
        diag(&s, "cannot create the GIC: %s", s.chk ? err : "out of memory");
        r->parse_errors++;
    } else {
        for (size_t i = 0; i < tr.n_stim; i++) exec_stim(&s, &tr.stim[i]);
        r->end_time = gic_now(s.g);
        if (o->stats_json) gic_stats_write_json(s.g, o->stats_json);
        gic_destroy(s.g);
    }
    gic_trace_checker_free(s.chk);
    gic_trace_free(&tr);
    if (s.tl.oom) {
        r->parse_errors++;
        snprintf(r->message, sizeof r->message, "out of memory building the timeline");
    }
    r->timeline = s.tl.p;
    if (!r->timeline) r->timeline = calloc(1, 1);
    r->timeline_len = s.tl.p ? s.tl.n : 0;
    r->timeline_src = s.src;
    r->timeline_lines = s.nsrc;
    if (r->parse_errors) return 2;
    return r->expect_failures ? 1 : 0;
}

char *gic_trace_load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    sbuf_t b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        sb_grow(&b, k);
        if (b.oom) break;
        memcpy(b.p + b.n, chunk, k);
        b.n += k;
        b.p[b.n] = 0;
    }
    bool bad = ferror(f) || b.oom;
    fclose(f);
    if (bad) {
        free(b.p);
        return NULL;
    }
    if (!b.p) b.p = calloc(1, 1);
    if (len) *len = b.n;
    return b.p;
}

int gic_trace_replay_file(const char *path, const gic_replay_opts_t *o, gic_replay_result_t *r)
{
    size_t len = 0;
    char *text = gic_trace_load(path, &len);
    if (!text) {
        memset(r, 0, sizeof *r);
        snprintf(r->message, sizeof r->message, "%s: cannot read: %s", path, strerror(errno));
        if (o && o->diag) fprintf(o->diag, "%s\n", r->message);
        r->parse_errors = 1;
        r->timeline = calloc(1, 1);
        return 2;
    }
    int rc = gic_trace_replay(path, text, len, o, r);
    free(text);
    return rc;
}

void gic_replay_result_free(gic_replay_result_t *r)
{
    if (!r) return;
    free(r->timeline);
    free(r->timeline_src);
    r->timeline = NULL;
    r->timeline_src = NULL;
}

/* ---- timeline diff -------------------------------------------------------------- */
typedef struct lines {
    const char **s;
    size_t *len;
    size_t n;
} lines_t;

static bool split_lines(const char *t, size_t n, lines_t *l)
{
    size_t cnt = 0;
    for (size_t i = 0; i < n; i++)
        if (t[i] == '\n') cnt++;
    if (n && t[n - 1] != '\n') cnt++;
    l->s = malloc((cnt + 1) * sizeof *l->s);
    l->len = malloc((cnt + 1) * sizeof *l->len);
    l->n = 0;
    if (!l->s || !l->len) return false;
    size_t p = 0;
    while (p < n) {
        size_t e = p;
        while (e < n && t[e] != '\n') e++;
        size_t ll = e - p;
        if (ll && t[p + ll - 1] == '\r') ll--;
        l->s[l->n] = t + p;
        l->len[l->n++] = ll;
        p = e + 1;
    }
    return true;
}

static bool line_eq(const lines_t *a, size_t i, const lines_t *b, size_t j)
{
    return a->len[i] == b->len[j] && memcmp(a->s[i], b->s[j], a->len[i]) == 0;
}

/* ops: 0 = same, 1 = delete (golden only), 2 = insert (actual only) */
typedef struct op {
    uint8_t kind;
    size_t i, j;
} op_t;

#define DIFF_CTX 2
#define DIFF_MAX_HUNKS 20
#define DIFF_MAX_CELLS 16000000u

unsigned gic_trace_diff(const char *expected, size_t elen, const char *actual, size_t alen,
                        const unsigned *actual_src, size_t n_src, const char *trace_name,
                        const char *golden_name, FILE *out)
{
    lines_t a = {0}, b = {0};
    unsigned hunks = 0;
    op_t *ops = NULL;
    uint32_t *dp = NULL;
    if (!expected) elen = 0;
    if (!actual) alen = 0;
    if (!split_lines(expected, elen, &a) || !split_lines(actual, alen, &b)) {
        hunks = 1;
        if (out) fprintf(out, "out of memory comparing timelines\n");
        goto done;
    }
    size_t pre = 0;
    while (pre < a.n && pre < b.n && line_eq(&a, pre, &b, pre)) pre++;
    size_t suf = 0;
    while (suf < a.n - pre && suf < b.n - pre && line_eq(&a, a.n - 1 - suf, &b, b.n - 1 - suf)) suf++;
    size_t na = a.n - pre - suf, nb = b.n - pre - suf;
    if (na == 0 && nb == 0) goto done;
    ops = malloc((a.n + b.n + 1) * sizeof *ops);
    if (!ops) {
        hunks = 1;
        goto done;
    }
    size_t nops = 0;
    for (size_t k = 0; k < pre; k++) ops[nops++] = (op_t){0, k, k};
    if ((na + 1) * (nb + 1) <= DIFF_MAX_CELLS) dp = malloc((na + 1) * (nb + 1) * sizeof *dp);
    if (dp) {
        /* LCS of the middle: dp[i][j] = LCS of a[pre+i..] and b[pre+j..] */
        size_t w = nb + 1;
        for (size_t i = na + 1; i-- > 0;)
            for (size_t j = nb + 1; j-- > 0;) {
                if (i == na || j == nb) dp[i * w + j] = 0;
                else if (line_eq(&a, pre + i, &b, pre + j)) dp[i * w + j] = dp[(i + 1) * w + j + 1] + 1;
                else {
                    uint32_t x = dp[(i + 1) * w + j], y = dp[i * w + j + 1];
                    dp[i * w + j] = x > y ? x : y;
                }
            }
        size_t i = 0, j = 0;
        while (i < na || j < nb) {
            if (i < na && j < nb && line_eq(&a, pre + i, &b, pre + j)) {
                ops[nops++] = (op_t){0, pre + i, pre + j};
                i++, j++;
            } else if (i < na && (j == nb || dp[(i + 1) * w + j] >= dp[i * w + j + 1])) {
                ops[nops++] = (op_t){1, pre + i, pre + j}; /* golden-only lines first */
                i++;
            } else {
                ops[nops++] = (op_t){2, pre + i, pre + j};
                j++;
            }
        }
    } else {
        /* too large for an exact diff: one replaced block */
        for (size_t i = 0; i < na; i++) ops[nops++] = (op_t){1, pre + i, pre};
        for (size_t j = 0; j < nb; j++) ops[nops++] = (op_t){2, pre + na, pre + j};
    }
    for (size_t k = 0; k < suf; k++) ops[nops++] = (op_t){0, pre + na + k, pre + nb + k};

    if (out)
        fprintf(out, "--- %s (golden)\n+++ %s (replay of %s)\n", golden_name ? golden_name : "golden",
                "timeline", trace_name ? trace_name : "trace");
    size_t k = 0;
    while (k < nops) {
        if (ops[k].kind == 0) {
            k++;
            continue;
        }
        /* hunk: from k - ctx to the end of the change run + ctx, merging close runs */
        size_t start = k >= DIFF_CTX ? k - DIFF_CTX : 0;
        size_t end = k;
        while (end < nops) {
            if (ops[end].kind != 0) {
                end++;
                continue;
            }
            size_t same = 0;
            while (end + same < nops && ops[end + same].kind == 0) same++;
            if (end + same < nops && same <= 2 * DIFF_CTX) {
                end += same;
                continue;
            }
            end = end + (same < DIFF_CTX ? same : DIFF_CTX);
            break;
        }
        if (end > nops) end = nops;
        hunks++;
        if (out && hunks <= DIFF_MAX_HUNKS) {
            size_t first_change = k;
            size_t aj = ops[first_change].j;
            unsigned tl = 0;
            if (actual_src && n_src) tl = actual_src[aj < n_src ? aj : n_src - 1];
            else if (actual_src == NULL) tl = 0;
            fprintf(out, "@@ golden line %zu, replay line %zu", ops[start].i + 1, ops[start].j + 1);
            if (tl) fprintf(out, " (%s:%u) @@\n", trace_name ? trace_name : "trace", tl);
            else fprintf(out, " @@\n");
            for (size_t q = start; q < end; q++) {
                const op_t *p = &ops[q];
                if (p->kind == 0) fprintf(out, " %.*s\n", (int)a.len[p->i], a.s[p->i]);
                else if (p->kind == 1) fprintf(out, "-%.*s\n", (int)a.len[p->i], a.s[p->i]);
                else fprintf(out, "+%.*s\n", (int)b.len[p->j], b.s[p->j]);
            }
        }
        k = end;
    }
    if (out && hunks > DIFF_MAX_HUNKS) fprintf(out, "... %u more differing hunks\n", hunks - DIFF_MAX_HUNKS);
done:
    free(dp);
    free(ops);
    free(a.s);
    free(a.len);
    free(b.s);
    free(b.len);
    return hunks;
}
