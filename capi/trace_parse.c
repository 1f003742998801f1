/* Parser of the gictlm trace format (docs/trace-format.md): lexical helpers,
 * configuration lines, one parse function per timed directive (the
 * directive table), the line walk and the public parse API.
 *
 * The parser never trusts its input: every malformed line gives a
 * "file:line: message" diagnostic, the whole trace is checked before the
 * model runs (a trace with a syntax error runs nothing), and nothing in a
 * trace can crash the replayer. */
#include "trace_priv.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#define MAX_TOK 80

/* where: "file:line: " of a trace line, or "" for what is not in the trace (overrides) */
static void diag_at(rp_t *s, const char *where, const char *msg)
{
    unsigned max = s->o->max_diags ? s->o->max_diags : 50;
    if (s->message && !s->message[0]) { /* 256 bytes, cut if longer */
        size_t a = strlen(where), b = strlen(msg);
        if (a > 255) a = 255;
        if (b > 255 - a) b = 255 - a;
        memcpy(s->message, where, a);
        memcpy(s->message + a, msg, b);
        s->message[a + b] = 0;
    }
    if (s->o->diag && s->ndiags < max) fprintf(s->o->diag, "%s%s\n", where, msg);
    s->ndiags++;
}

void trace_diag(rp_t *s, const char *fmt, ...)
{
    char msg[400], where[1100];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    snprintf(where, sizeof where, "%s:%u: ", s->name, s->line);
    diag_at(s, where, msg);
}

/* A syntax error: counted, reported, the trace will not run. Returns false
 * (the value of the parse step that found it). */
static bool perr(rp_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static bool perr(rp_t *s, const char *fmt, ...)
{
    char msg[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    s->tr->parse_errors++;
    trace_diag(s, "%s", msg);
    return false;
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
        char err[200] = "";
        if (gic_config_set_kv(cfg, ov, err, sizeof err) != GIC_OK) {
            /* an override is not a trace line: the message names the override, not the line */
            char msg[400];
            snprintf(msg, sizeof msg, "override '%s': %s", ov ? ov : "(null)", err[0] ? err : "rejected");
            diag_at(s, "", msg);
            s->tr->parse_errors++;
        }
    }
    char err[256] = "";
    if (gic_config_validate(cfg, err, sizeof err) != GIC_OK) {
        trace_diag(s, "invalid configuration: %s", err);
        s->tr->parse_errors++;
        ok = false;
    }
    return ok;
}

/* Resolve config-file relative to the trace's directory. */
static bool config_file(rp_t *s, const char *path)
{
    char full[1024];
    const char *slash = strrchr(s->name, '/');
    if (path[0] != '/' && slash) {
        int k = snprintf(full, sizeof full, "%.*s/%s", (int)(slash - s->name), s->name, path);
        if (k < 0 || (size_t)k >= sizeof full) return perr(s, "config-file: path too long");
    } else {
        snprintf(full, sizeof full, "%s", path);
    }
    char err[256] = "";
    if (gic_config_load_file(&s->tr->cfg, full, err, sizeof err) != GIC_OK)
        return perr(s, "config-file %s: %s", full, err[0] ? err : "cannot load");
    return true;
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

/* ---- directives: one parse function per timed directive, syntax into *st ---------- */
static bool d_mmio_write(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_MMIO_WRITE;
    st->directive = "mmio-write";
    if (n != 6) return perr(s, "mmio-write: expected <frame> <index> <offset> <size> <value>");
    if (!parse_frame(tok[1], &st->frame)) return perr(s, "mmio-write: unknown frame '%s' (gicd, gicr, gits)", tok[1]);
    if (!parse_u32(tok[2], &st->index)) return perr(s, "mmio-write: bad index '%s'", tok[2]);
    if (!parse_u64(tok[3], &st->offset)) return perr(s, "mmio-write: bad offset '%s'", tok[3]);
    if (!parse_u32(tok[4], &st->size) || (st->size != 1 && st->size != 2 && st->size != 4 && st->size != 8))
        return perr(s, "mmio-write: bad size '%s' (1, 2, 4 or 8)", tok[4]);
    if (!parse_u64(tok[5], &st->value)) return perr(s, "mmio-write: bad value '%s'", tok[5]);
    return true;
}

static bool d_mmio_read(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_MMIO_READ;
    st->directive = "mmio-read";
    st->mask = UINT64_MAX;
    if (n != 5 && n != 7 && n != 9)
        return perr(s, "mmio-read: expected <frame> <index> <offset> <size> [expect <value> [mask <m>]]");
    if (!parse_frame(tok[1], &st->frame)) return perr(s, "mmio-read: unknown frame '%s' (gicd, gicr, gits)", tok[1]);
    if (!parse_u32(tok[2], &st->index)) return perr(s, "mmio-read: bad index '%s'", tok[2]);
    if (!parse_u64(tok[3], &st->offset)) return perr(s, "mmio-read: bad offset '%s'", tok[3]);
    if (!parse_u32(tok[4], &st->size) || (st->size != 1 && st->size != 2 && st->size != 4 && st->size != 8))
        return perr(s, "mmio-read: bad size '%s' (1, 2, 4 or 8)", tok[4]);
    if (n >= 7) {
        if (strcmp(tok[5], "expect") != 0) return perr(s, "mmio-read: expected 'expect', got '%s'", tok[5]);
        if (!parse_u64(tok[6], &st->value)) return perr(s, "mmio-read: bad expected value '%s'", tok[6]);
        st->has_expect = true;
    }
    if (n == 9) {
        if (strcmp(tok[7], "mask") != 0) return perr(s, "mmio-read: expected 'mask', got '%s'", tok[7]);
        if (!parse_u64(tok[8], &st->mask)) return perr(s, "mmio-read: bad mask '%s'", tok[8]);
    }
    return true;
}

static bool d_mem_bytes(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    const char *cmd = tok[0];
    bool w = cmd[4] == 'w';
    uint8_t *b = NULL;
    size_t len = 0;
    st->kind = w ? GIC_STIM_MEM_WRITE : GIC_STIM_MEM_EXPECT;
    st->directive = w ? "mem-write" : "mem-expect";
    if (n < 3) return perr(s, "%s: expected <addr> <hex bytes>", cmd);
    if (!parse_u64(tok[1], &st->addr)) return perr(s, "%s: bad address '%s'", cmd, tok[1]);
    if (!parse_hexbytes(tok + 2, n - 2, &b, &len))
        return perr(s, "%s: bad hex bytes (pairs of hex digits, no 0x prefix)", cmd);
    if (!keep(s, b)) return perr(s, "out of memory");
    st->bytes = b;
    st->len = len;
    return true;
}

static bool d_mem_write64(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    uint64_t w[MAX_TOK];
    st->kind = GIC_STIM_MEM_WRITE;
    st->directive = "mem-write64";
    if (n < 3) return perr(s, "mem-write64: expected <addr> <u64> [<u64> ...]");
    if (!parse_u64(tok[1], &st->addr)) return perr(s, "mem-write64: bad address '%s'", tok[1]);
    for (int i = 2; i < n; i++)
        if (!parse_u64(tok[i], &w[i - 2])) return perr(s, "mem-write64: bad value '%s'", tok[i]);
    size_t len = (size_t)(n - 2) * 8;
    uint8_t *b = malloc(len);
    if (!keep(s, b)) return perr(s, "out of memory");
    for (size_t i = 0; i < len; i++) b[i] = (uint8_t)(w[i / 8] >> (8 * (i % 8))); /* little endian */
    st->bytes = b;
    st->len = len;
    return true;
}

static bool d_mem_fill(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    uint32_t byte;
    st->kind = GIC_STIM_MEM_FILL;
    st->directive = "mem-fill";
    if (n != 4) return perr(s, "mem-fill: expected <addr> <length> <byte>");
    if (!parse_u64(tok[1], &st->addr)) return perr(s, "mem-fill: bad address '%s'", tok[1]);
    if (!parse_u64(tok[2], &st->len) || st->len == 0 || st->len > (64u << 20))
        return perr(s, "mem-fill: bad length '%s' (1..64 MiB)", tok[2]);
    if (!parse_u32(tok[3], &byte) || byte > 255) return perr(s, "mem-fill: bad byte '%s'", tok[3]);
    st->value = byte;
    return true;
}

static bool d_sysreg_write(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_SYSREG_WRITE;
    st->directive = "sysreg-write";
    if (n != 4) return perr(s, "sysreg-write: expected <cpu> <register> <value>");
    if (!parse_u32(tok[1], &st->cpu)) return perr(s, "sysreg-write: bad cpu '%s'", tok[1]);
    if (!parse_sysreg(tok[2], &st->sysreg)) return perr(s, "sysreg-write: unknown register '%s'", tok[2]);
    if (!parse_u64(tok[3], &st->value)) return perr(s, "sysreg-write: bad value '%s'", tok[3]);
    return true;
}

static bool d_sysreg_read(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_SYSREG_READ;
    st->directive = "sysreg-read";
    if (n != 3 && n != 5) return perr(s, "sysreg-read: expected <cpu> <register> [expect <value>]");
    if (!parse_u32(tok[1], &st->cpu)) return perr(s, "sysreg-read: bad cpu '%s'", tok[1]);
    if (!parse_sysreg(tok[2], &st->sysreg)) return perr(s, "sysreg-read: unknown register '%s'", tok[2]);
    if (n == 5) {
        if (strcmp(tok[3], "expect") != 0) return perr(s, "sysreg-read: expected 'expect', got '%s'", tok[3]);
        if (!parse_u64(tok[4], &st->value)) return perr(s, "sysreg-read: bad expected value '%s'", tok[4]);
        st->has_expect = true;
    }
    return true;
}

static bool d_msi(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_MSI;
    st->directive = "msi";
    if (n != 4) return perr(s, "msi: expected <its> <DeviceID> <EventID>");
    if (!parse_u32(tok[1], &st->index)) return perr(s, "msi: bad ITS index '%s'", tok[1]);
    if (!parse_u32(tok[2], &st->devid)) return perr(s, "msi: bad DeviceID '%s'", tok[2]);
    if (!parse_u32(tok[3], &st->eventid)) return perr(s, "msi: bad EventID '%s'", tok[3]);
    return true;
}

static bool d_spi(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    bool lvl;
    st->kind = GIC_STIM_SPI;
    st->directive = "spi";
    if (n != 3) return perr(s, "spi: expected <intid> <level>");
    if (!parse_u32(tok[1], &st->intid)) return perr(s, "spi: bad INTID '%s'", tok[1]);
    if (!parse_level(tok[2], &lvl)) return perr(s, "spi: bad level '%s' (0 or 1)", tok[2]);
    st->value = lvl;
    return true;
}

static bool d_ppi(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    bool lvl;
    st->kind = GIC_STIM_PPI;
    st->directive = "ppi";
    if (n != 4) return perr(s, "ppi: expected <cpu> <intid> <level>");
    if (!parse_u32(tok[1], &st->cpu)) return perr(s, "ppi: bad cpu '%s'", tok[1]);
    if (!parse_u32(tok[2], &st->intid)) return perr(s, "ppi: bad INTID '%s'", tok[2]);
    if (!parse_level(tok[3], &lvl)) return perr(s, "ppi: bad level '%s' (0 or 1)", tok[3]);
    st->value = lvl;
    return true;
}

static bool d_run(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    (void)tok;
    st->kind = GIC_STIM_RUN;
    st->directive = "run";
    if (n != 1) return perr(s, "run: takes no arguments");
    return true;
}

static bool d_stats_reset(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    (void)tok;
    st->kind = GIC_STIM_STATS_RESET;
    st->directive = "stats-reset";
    if (n != 1) return perr(s, "stats-reset: takes no arguments");
    return true;
}

static bool d_expect_line(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    uint32_t lvl;
    int li = -1;
    st->kind = GIC_STIM_EXPECT_LINE;
    st->directive = "expect-line";
    if (n != 4) return perr(s, "expect-line: expected <cpu> <irq|fiq|virq|vfiq> <level>");
    if (!parse_u32(tok[1], &st->cpu) || st->cpu >= GIC_MAX_CPUS) return perr(s, "expect-line: bad cpu '%s'", tok[1]);
    for (int i = 0; i < 4; i++)
        if (ieq(tok[2], trace_line_names[i])) li = i;
    if (li < 0) return perr(s, "expect-line: unknown line '%s' (irq, fiq, virq, vfiq)", tok[2]);
    if (!parse_u32(tok[3], &lvl) || lvl > 1) return perr(s, "expect-line: bad level '%s' (0 or 1)", tok[3]);
    st->line_kind = (uint32_t)li;
    st->value = lvl;
    return true;
}

static bool d_expect_msi(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    int oc = -1;
    st->kind = GIC_STIM_EXPECT_MSI;
    st->directive = "expect-msi";
    if (n < 5) return perr(s, "expect-msi: expected <its> <DeviceID> <EventID> delivered|coalesced <intid> <cpu> | dropped");
    if (!parse_u32(tok[1], &st->index)) return perr(s, "expect-msi: bad ITS index '%s'", tok[1]);
    if (!parse_u32(tok[2], &st->devid)) return perr(s, "expect-msi: bad DeviceID '%s'", tok[2]);
    if (!parse_u32(tok[3], &st->eventid)) return perr(s, "expect-msi: bad EventID '%s'", tok[3]);
    for (int i = 0; i < 3; i++)
        if (ieq(tok[4], trace_outcome_names[i])) oc = i;
    if (oc < 0) return perr(s, "expect-msi: unknown outcome '%s' (delivered, coalesced, dropped)", tok[4]);
    if (oc == GIC_MSI_DROPPED && n != 5) return perr(s, "expect-msi: 'dropped' takes no intid/cpu");
    if (oc != GIC_MSI_DROPPED) {
        if (n != 7) return perr(s, "expect-msi: '%s' needs <intid> <cpu>", tok[4]);
        if (!parse_u32(tok[5], &st->intid)) return perr(s, "expect-msi: bad INTID '%s'", tok[5]);
        if (!parse_u32(tok[6], &st->cpu)) return perr(s, "expect-msi: bad cpu '%s'", tok[6]);
    }
    st->outcome = (uint32_t)oc;
    return true;
}

static bool d_expect_counter(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    st->kind = GIC_STIM_EXPECT_COUNTER;
    st->directive = "expect-counter";
    if (n != 3) return perr(s, "expect-counter: expected <name> <value>");
    if (!parse_u64(tok[2], &st->value)) return perr(s, "expect-counter: bad value '%s'", tok[2]);
    size_t k = strlen(tok[1]);
    char *name = malloc(k + 1);
    if (!keep(s, name)) return perr(s, "out of memory");
    memcpy(name, tok[1], k + 1);
    st->counter = name;
    return true;
}

typedef bool (*directive_fn)(rp_t *s, char **tok, int n, gic_trace_stim_t *st);
/* The timed directives of the trace format (docs/trace-format.md). */
static const struct directive {
    const char *name;
    directive_fn parse; /* tok[0] is the directive; false on a syntax error (reported) */
} directives[] = {
    {"mmio-write", d_mmio_write},
    {"mmio-read", d_mmio_read},
    {"mem-write", d_mem_bytes},
    {"mem-expect", d_mem_bytes},
    {"mem-write64", d_mem_write64},
    {"mem-fill", d_mem_fill},
    {"sysreg-write", d_sysreg_write},
    {"sysreg-read", d_sysreg_read},
    {"msi", d_msi},
    {"spi", d_spi},
    {"ppi", d_ppi},
    {"run", d_run},
    {"stats-reset", d_stats_reset},
    {"expect-line", d_expect_line},
    {"expect-msi", d_expect_msi},
    {"expect-counter", d_expect_counter},
};

/* One timed line: the directive's parse function, or an unknown directive. */
static bool parse_timed(rp_t *s, char **tok, int n, gic_trace_stim_t *st)
{
    for (size_t i = 0; i < sizeof directives / sizeof directives[0]; i++)
        if (strcmp(tok[0], directives[i].name) == 0) return directives[i].parse(s, tok, n, st);
    return perr(s, "unknown directive '%s'", tok[0]);
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
            trace_diag(s, "out of memory");
            return;
        }
        tr->stim = np;
        pv->capstim = cap;
    }
    tr->stim[tr->n_stim++] = *st;
}

static bool do_line(rp_t *s, char *line)
{
    char *tok[MAX_TOK];
    int n = tokenize(line, tok);
    if (n < 0) return perr(s, "too many fields (at most %d)", MAX_TOK);
    if (n == 0) return true;
    if (!s->header_seen) {
        if (strcmp(tok[0], "gictlm-trace") != 0)
            return perr(s, "missing header: the first line must be 'gictlm-trace %d'", GICTLM_TRACE_VERSION);
        uint32_t v;
        s->header_seen = true;
        if (n != 2 || !parse_u32(tok[1], &v)) return perr(s, "bad header: expected 'gictlm-trace <version>'");
        if (v != GICTLM_TRACE_VERSION)
            return perr(s, "unsupported trace version %u (this replayer reads version %d)", v, GICTLM_TRACE_VERSION);
        return true;
    }
    if (strcmp(tok[0], "gictlm-trace") == 0) return perr(s, "duplicate header");
    if (strcmp(tok[0], "config") == 0) {
        if (s->cfg_frozen) return perr(s, "config after the first stimulus");
        if (n != 3) return perr(s, "config: expected <name> <value>");
        char err[200] = "";
        if (gic_config_set(&s->tr->cfg, tok[1], tok[2], err, sizeof err) != GIC_OK)
            return perr(s, "config %s: %s", tok[1], err[0] ? err : "rejected");
        return true;
    }
    if (strcmp(tok[0], "config-file") == 0) {
        if (s->cfg_frozen) return perr(s, "config-file after the first stimulus");
        if (n != 2) return perr(s, "config-file: expected <path>");
        return config_file(s, tok[1]);
    }
    if (tok[0][0] != '@') return perr(s, "expected '@<time> <directive>' or a config line, got '%s'", tok[0]);
    const char *ts = tok[0] + 1;
    bool rel = false;
    if (*ts == '+') {
        rel = true;
        ts++;
    }
    gic_time_t t;
    if (!parse_time(ts, &t)) return perr(s, "bad time '%s' (integer with optional ps/ns/us/ms unit)", tok[0]);
    if (rel) {
        if (t > UINT64_MAX - s->t) return perr(s, "time overflow");
        t += s->t;
    }
    if (n < 2) return perr(s, "missing directive after '%s'", tok[0]);
    s->t = t;
    if (!freeze_config(s)) return false;
    gic_trace_stim_t st;
    memset(&st, 0, sizeof st);
    st.line = s->line;
    st.time = t;
    unsigned before = s->tr->parse_errors;
    parse_timed(s, tok + 1, n - 1, &st);
    if (s->tr->parse_errors == before) add_stim(s, &st);
    return true;
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
                trace_diag(s, "out of memory");
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
            trace_diag(s, "NUL byte in line");
        } else {
            do_line(s, buf);
        }
        pos = e + 1;
    }
    free(buf);
}

/* Parse into *tr with the diagnostics state of s (shared with a replay). */
int trace_parse_into(rp_t *s, const char *name, const char *text, size_t len, gic_trace_t *tr)
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
        trace_diag(s, "out of memory");
        tr->parse_errors++;
        return 2;
    }
    if (!text) len = 0;
    walk(s, text, len);
    if (!s->header_seen && !tr->parse_errors) {
        s->line = 1;
        trace_diag(s, "empty trace: missing 'gictlm-trace %d' header", GICTLM_TRACE_VERSION);
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
    return trace_parse_into(&s, name ? name : "<trace>", text, len, t);
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

char *gic_trace_load(const char *path, size_t *len)
{
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    sbuf_t b = {0};
    char chunk[65536];
    size_t k;
    while ((k = fread(chunk, 1, sizeof chunk, f)) > 0) {
        trace_sb_grow(&b, k);
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
