/*
 * QEMU trace-log import: turns a QEMU 7.x "-trace 'gicv3_*'" log (one event
 * per line, no timestamps, no memory contents) into a gictlm trace, and
 * compares, per MSI, QEMU's delivery with the model's.
 *
 * What the log does not carry is reconstructed (and said so in comments in
 * the generated trace):
 *  - the ITS command queue: each decoded command (gicv3_its_process_command
 *    + gicv3_its_cmd_*) is re-encoded (IHI0069 "ITS command descriptions")
 *    and written at GITS_CBASER + 32 * index before the GITS_CWRITER write
 *    that released it (QEMU logs a register write after its effects);
 *  - fields QEMU does not print: INVALL's ICID (the collection of the last
 *    MAPC: Linux sends MAPC then INVALL for each CPU), SYNC's RDbase (0);
 *  - the LPI configuration table: Linux fills it with 0xa2 (priority 0xa0,
 *    group 1 bit, disabled) and, on unmask, writes 0xa3 (enabled) then
 *    sends INV; on mask it writes 0xa2 then INV. The importer alternates
 *    enable/disable per LPI at each INV, starting with enable after MAPTI;
 *  - the ITS device/ITT/collection tables are written by the model itself
 *    when it executes the reconstructed MAPD/MAPTI/MAPC commands;
 *  - the LPI pending tables: Linux allocates them zeroed and the built-in
 *    memory reads as zero, so nothing is written.
 * Events that are QEMU's own outputs or internal steps (cpuif_update,
 * set_irqs, table reads/writes, redist_send_sgi) are counted and skipped.
 */
#include "gictlm.h"
#include "gictlm_trace.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

typedef struct qbuf {
    char *p;
    size_t n, cap;
    bool oom;
} qbuf_t;

static void qb_printf(qbuf_t *b, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void qb_printf(qbuf_t *b, const char *fmt, ...)
{
    char tmp[600];
    va_list ap;
    va_start(ap, fmt);
    int k = vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    if (k < 0 || b->oom) return;
    size_t len = (size_t)k < sizeof tmp ? (size_t)k : sizeof tmp - 1;
    if (b->n + len + 1 > b->cap) {
        size_t cap = b->cap ? b->cap : 4096;
        while (cap < b->n + len + 1) cap *= 2;
        char *np = realloc(b->p, cap);
        if (!np) {
            b->oom = true;
            return;
        }
        b->p = np;
        b->cap = cap;
    }
    memcpy(b->p + b->n, tmp, len);
    b->n += len;
    b->p[b->n] = 0;
}

/* (DeviceID, EventID) -> LPI mapping as the decoded commands build it. */
typedef struct qmap {
    uint32_t devid, eventid, intid, icid;
    bool valid, enabled;
} qmap_t;

typedef struct qcmd {
    bool pending;
    uint64_t index;
    uint32_t op;
    uint64_t dw[4];
    unsigned log_line;
    char note[120];
    uint32_t prop_intid; /* INV: LPI whose property byte is reconstructed */
    int prop_val;        /* -1 = none */
    uint64_t l1_addr, l1_val; /* MAPD on a two-level device table: level-1 entry (0 = none) */
} qcmd_t;

typedef struct qi {
    const gic_qemu_import_opts_t *o;
    gic_qemu_import_t *out;
    qbuf_t tr;
    unsigned line, trace_line, ndiag;
    gic_time_t t, step;
    uint64_t cbaser_base;
    uint64_t prop_base;
    bool have_prop;
    uint32_t last_mapc_icid;
    uint64_t baser[8];      /* last GITS_BASER<n> values written */
    uint64_t l1_done[64];   /* level-1 entries already reconstructed (address) */
    size_t nl1;
    uint64_t next_l2;       /* synthetic level-2 pages */
    qmap_t *map;
    size_t nmap, capmap;
    qcmd_t cmds[64]; /* released by the next GITS_CWRITER write */
    size_t ncmds;
    qcmd_t cur;
    size_t capmsi, capiar;
    bool fatal;
} qi_t;

static void emit(qi_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void emit(qi_t *s, const char *fmt, ...)
{
    char tmp[512];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    qb_printf(&s->tr, "%s\n", tmp);
    s->trace_line++;
}

/* A stimulus: advances time by one step, tagged with the log line. */
static void stim(qi_t *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void stim(qi_t *s, const char *fmt, ...)
{
    char tmp[400];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(tmp, sizeof tmp, fmt, ap);
    va_end(ap);
    s->t += s->step;
    emit(s, "@%llu %s  # L%u", (unsigned long long)s->t, tmp, s->line);
}

static void qdiag(qi_t *s, const char *kind, const char *text)
{
    unsigned max = s->o->max_diags ? s->o->max_diags : 20;
    if (s->o->diag && s->ndiag < max)
        fprintf(s->o->diag, "%s:%u: %s line: %.120s\n", s->o->source_name ? s->o->source_name : "log",
                s->line, kind, text);
    s->ndiag++;
    if (s->o->strict) {
        s->fatal = true;
        snprintf(s->out->message, sizeof s->out->message, "%s:%u: %s line (--strict)",
                 s->o->source_name ? s->o->source_name : "log", s->line, kind);
    }
}

static qmap_t *map_find(qi_t *s, uint32_t dev, uint32_t ev, bool create)
{
    for (size_t i = 0; i < s->nmap; i++)
        if (s->map[i].devid == dev && s->map[i].eventid == ev) return &s->map[i];
    if (!create) return NULL;
    if (s->nmap == s->capmap) {
        size_t cap = s->capmap ? s->capmap * 2 : 32;
        qmap_t *np = realloc(s->map, cap * sizeof *np);
        if (!np) return NULL;
        s->map = np;
        s->capmap = cap;
    }
    qmap_t *m = &s->map[s->nmap++];
    memset(m, 0, sizeof *m);
    m->devid = dev;
    m->eventid = ev;
    return m;
}

/* Value of "key 0x..." (or "key N") inside a decoded-command line. */
static bool field(const char *text, const char *key, uint64_t *v)
{
    size_t kl = strlen(key);
    for (const char *p = strstr(text, key); p; p = strstr(p + 1, key)) {
        if ((p != text && p[-1] != ' ') || p[kl] != ' ') continue;
        const char *q = p + kl + 1;
        char *end;
        unsigned long long x = strtoull(q, &end, 0);
        if (end == q) return false;
        *v = x;
        return true;
    }
    return false;
}

static void cmd_finish(qi_t *s)
{
    if (!s->cur.pending) return;
    if (s->ncmds < sizeof s->cmds / sizeof s->cmds[0]) s->cmds[s->ncmds++] = s->cur;
    else qdiag(s, "too many commands before GITS_CWRITER", "dropped");
    s->cur.pending = false;
}

static void cmd_flush(qi_t *s)
{
    cmd_finish(s);
    for (size_t i = 0; i < s->ncmds; i++) {
        qcmd_t *c = &s->cmds[i];
        const char *nm = gic_its_cmd_name(c->op);
        if (c->prop_val >= 0 && s->have_prop) {
            emit(s, "# reconstructed: Linux %s LPI %u: property byte 0x%02x before INV",
                 c->prop_val & 1 ? "unmask" : "mask", c->prop_intid, c->prop_val);
            emit(s, "@%llu mem-write 0x%llx %02x", (unsigned long long)s->t,
                 (unsigned long long)(s->prop_base + c->prop_intid - GIC_LPI_BASE), c->prop_val);
        }
        if (c->l1_addr) {
            emit(s, "# reconstructed: level-1 device table entry at 0x%llx -> level-2 page 0x%llx (zeroed; Linux "
                    "allocates it, the log does not say where)",
                 (unsigned long long)c->l1_addr, (unsigned long long)(c->l1_val & ~(1ull << 63)));
            emit(s, "@%llu mem-write64 0x%llx 0x%llx", (unsigned long long)s->t, (unsigned long long)c->l1_addr,
                 (unsigned long long)c->l1_val);
        }
        emit(s, "# reconstructed: command queue entry %llu: %s%s%s (log line %u)",
             (unsigned long long)c->index, nm ? nm : "?", c->note[0] ? ", " : "", c->note, c->log_line);
        emit(s, "@%llu mem-write64 0x%llx 0x%llx 0x%llx 0x%llx 0x%llx", (unsigned long long)s->t,
             (unsigned long long)(s->cbaser_base + c->index * 32), (unsigned long long)c->dw[0],
             (unsigned long long)c->dw[1], (unsigned long long)c->dw[2], (unsigned long long)c->dw[3]);
    }
    s->ncmds = 0;
}

/* A decoded command line: fill the pending command's fields (IHI0069 encodings). */
static void cmd_decode(qi_t *s, const char *ev, const char *text)
{
    qcmd_t *c = &s->cur;
    if (!c->pending) {
        qdiag(s, "malformed (decoded command without process_command)", text);
        s->out->counts.malformed++;
        return;
    }
    uint64_t dev = 0, eid = 0, icid = 0, pintid = 0, size = 0, itt = 0, rd = 0, v = 1, rd2 = 0;
    bool hd = field(text, "DeviceID", &dev), he = field(text, "EventID", &eid);
    bool hi = field(text, "ICID", &icid);
    field(text, "V", &v);
    gic_qemu_counts_t *k = &s->out->counts;
    const char *cn = ev + strlen("gicv3_its_cmd_");
    c->dw[0] = c->op | (dev << 32);
    if (strcmp(ev, "gicv3_its_cmd_mapd") == 0) {
        k->mapd++;
        if (!hd || !field(text, "Size", &size) || !field(text, "ITT_addr", &itt)) goto bad;
        /* QEMU prints ITT_addr >> 8 (the field's position in DW2 [51:8]) */
        c->dw[1] = size & 0x1f;
        c->dw[2] = ((itt << 8) & 0x000fffffffffff00ull) | (v ? 1ull << 63 : 0);
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx Size %llu ITT 0x%llx V %llu", (unsigned long long)dev,
                 (unsigned long long)size, (unsigned long long)(itt << 8), (unsigned long long)v);
        /* Two-level device table (GITS_BASER<n>.Indirect): Linux allocates the level-2
         * page when it creates the device and writes the level-1 entry; the log has
         * neither, so a zeroed level-2 page is placed outside the guest's RAM. */
        for (unsigned b = 0; b < 8; b++) {
            uint64_t bv = s->baser[b];
            if (!(bv >> 63) || ((bv >> 56) & 7) != 1 || !((bv >> 62) & 1)) continue;
            static const uint64_t psz[4] = {4096, 16384, 65536, 65536};
            uint64_t ps = psz[(bv >> 8) & 3], esz = ((bv >> 48) & 0x1f) + 1;
            uint64_t l1a = (bv & 0x0000fffffffff000ull) + (dev / (ps / esz)) * 8;
            bool done = false;
            for (size_t i = 0; i < s->nl1; i++) done |= s->l1_done[i] == l1a;
            if (!done && s->nl1 < 64) {
                s->l1_done[s->nl1++] = l1a;
                if (!s->next_l2) s->next_l2 = 0x7f0000000ull;
                c->l1_addr = l1a;
                c->l1_val = s->next_l2 | (1ull << 63);
                s->next_l2 += ps;
            }
        }
        if (!v)
            for (size_t i = 0; i < s->nmap; i++)
                if (s->map[i].devid == dev) s->map[i].valid = false;
    } else if (strcmp(ev, "gicv3_its_cmd_mapc") == 0) {
        k->mapc++;
        if (!hi || !field(text, "RDbase", &rd)) goto bad;
        c->dw[0] = c->op;
        c->dw[2] = (icid & 0xffff) | ((rd & 0x7ffffffffull) << 16) | (v ? 1ull << 63 : 0);
        s->last_mapc_icid = (uint32_t)icid;
        snprintf(c->note, sizeof c->note, "ICID %llu RDbase %llu V %llu", (unsigned long long)icid,
                 (unsigned long long)rd, (unsigned long long)v);
    } else if (strcmp(ev, "gicv3_its_cmd_mapti") == 0 || strcmp(ev, "gicv3_its_cmd_mapi") == 0) {
        bool ti = strcmp(cn, "mapti") == 0;
        if (ti) k->mapti++;
        else k->mapi++;
        if (!hd || !he || !hi || (ti && !field(text, "pINTID", &pintid))) goto bad;
        if (!ti) pintid = eid;
        c->dw[1] = (eid & 0xffffffffull) | (pintid << 32);
        c->dw[2] = icid & 0xffff;
        qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, true);
        if (m) {
            m->intid = (uint32_t)pintid;
            m->icid = (uint32_t)icid;
            m->valid = true;
            m->enabled = false;
        }
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> LPI %llu ICID %llu",
                 (unsigned long long)dev, (unsigned long long)eid, (unsigned long long)pintid,
                 (unsigned long long)icid);
    } else if (strcmp(ev, "gicv3_its_cmd_inv") == 0 || strcmp(ev, "gicv3_its_cmd_int") == 0 ||
               strcmp(ev, "gicv3_its_cmd_clear") == 0 || strcmp(ev, "gicv3_its_cmd_discard") == 0) {
        if (!hd || !he) goto bad;
        c->dw[1] = eid & 0xffffffffull;
        qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, false);
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu", (unsigned long long)dev,
                 (unsigned long long)eid);
        if (strcmp(cn, "inv") == 0) {
            k->inv++;
            if (m && m->valid) {
                m->enabled = !m->enabled; /* Linux alternates unmask/mask, each followed by INV */
                c->prop_intid = m->intid;
                c->prop_val = m->enabled ? 0xa3 : 0xa2;
            }
        } else if (strcmp(cn, "discard") == 0) {
            k->discard++;
            if (m) m->valid = false;
        } else if (strcmp(cn, "int") == 0) {
            k->int_cmd++;
        } else {
            k->clear++;
        }
    } else if (strcmp(ev, "gicv3_its_cmd_movi") == 0) {
        k->movi++;
        if (!hd || !he || !hi) goto bad;
        c->dw[1] = eid & 0xffffffffull;
        c->dw[2] = icid & 0xffff;
        qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, false);
        if (m) m->icid = (uint32_t)icid;
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> ICID %llu", (unsigned long long)dev,
                 (unsigned long long)eid, (unsigned long long)icid);
    } else if (strcmp(ev, "gicv3_its_cmd_invall") == 0) {
        k->invall++;
        c->dw[0] = c->op;
        c->dw[2] = s->last_mapc_icid;
        snprintf(c->note, sizeof c->note, "ICID %u (not in the log: the last MAPC's collection)",
                 s->last_mapc_icid);
    } else if (strcmp(ev, "gicv3_its_cmd_sync") == 0) {
        k->sync++;
        c->dw[0] = c->op;
        c->dw[2] = 0;
        snprintf(c->note, sizeof c->note, "RDbase 0 (not in the log)");
    } else if (strcmp(ev, "gicv3_its_cmd_movall") == 0) {
        k->movall++;
        field(text, "RDbase1", &rd);
        field(text, "RDbase2", &rd2);
        c->dw[0] = c->op;
        c->dw[2] = (rd & 0x7ffffffffull) << 16;
        c->dw[3] = (rd2 & 0x7ffffffffull) << 16;
    } else {
        k->other_cmds++;
        snprintf(c->note, sizeof c->note, "fields not decoded by the importer");
    }
    return;
bad:
    k->malformed++;
    qdiag(s, "malformed", text);
}

static void add_msi(qi_t *s, uint32_t dev, uint32_t ev)
{
    gic_qemu_import_t *o = s->out;
    if (o->n_msi == s->capmsi) {
        size_t cap = s->capmsi ? s->capmsi * 2 : 64;
        gic_qemu_msi_t *np = realloc(o->msi, cap * sizeof *np);
        if (!np) return;
        o->msi = np;
        s->capmsi = cap;
    }
    gic_qemu_msi_t *m = &o->msi[o->n_msi++];
    memset(m, 0, sizeof *m);
    m->log_line = s->line;
    m->trace_line = s->trace_line; /* the stimulus just emitted */
    m->devid = dev;
    m->eventid = ev;
    qmap_t *mp = map_find(s, dev, ev, false);
    m->intid = mp && mp->valid ? mp->intid : 0;
    m->qemu_cpu = -1;
    m->model_outcome = -1;
}

/* QEMU's delivery: the next ICC_IAR1 read returning the MSI's LPI. */
static void iar_seen(qi_t *s, uint32_t cpu, uint32_t val)
{
    gic_qemu_import_t *o = s->out;
    if (o->n_iar == s->capiar) {
        size_t cap = s->capiar ? s->capiar * 2 : 1024;
        unsigned *a = realloc(o->iar_trace_line, cap * sizeof *a);
        if (a) o->iar_trace_line = a;
        uint32_t *b = realloc(o->iar_value, cap * sizeof *b);
        if (b) o->iar_value = b;
        if (!a || !b) return;
        s->capiar = cap;
    }
    o->iar_trace_line[o->n_iar] = s->trace_line;
    o->iar_value[o->n_iar++] = val;
    if (val < GIC_LPI_BASE) return;
    for (size_t i = 0; i < o->n_msi; i++)
        if (o->msi[i].intid == val && o->msi[i].qemu_cpu < 0) {
            o->msi[i].qemu_cpu = (int)cpu;
            o->msi[i].qemu_iar_line = s->line;
        }
}

static void sysreg_event(qi_t *s, const char *text, bool is_write)
{
    /* "GICv3 ICC_<NAME> read|write cpu 0x%x value 0x%llx" */
    const char *p = strstr(text, "ICC_");
    char name[32];
    unsigned cpu;
    unsigned long long val;
    int k = 0;
    if (p) {
        size_t i = 0;
        while (p[i] && p[i] != ' ' && i + 5 < sizeof name) {
            name[i] = p[i];
            i++;
        }
        name[i] = 0;
        const char *q = p + i;
        k = sscanf(q, is_write ? " write cpu 0x%x value 0x%llx" : " read cpu 0x%x value 0x%llx", &cpu, &val);
        strcat(name, "_EL1");
    }
    gic_sysreg_t r = p ? gic_sysreg_by_name(name) : GIC_SYSREG_COUNT;
    if (k != 2 || r == GIC_SYSREG_COUNT) {
        s->out->counts.malformed++;
        qdiag(s, "malformed", text);
        return;
    }
    if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
    if (is_write) {
        if (r == GIC_ICC_EOIR1_EL1 || r == GIC_ICC_EOIR0_EL1) s->out->counts.eoir++;
        else s->out->counts.sysreg_other++;
        stim(s, "sysreg-write %u %s 0x%llx", cpu, gic_sysreg_name(r), val);
    } else {
        if (r == GIC_ICC_IAR1_EL1) s->out->counts.iar1++;
        else s->out->counts.sysreg_other++;
        stim(s, "sysreg-read %u %s  # QEMU: %llu", cpu, gic_sysreg_name(r), val);
        if (r == GIC_ICC_IAR1_EL1) iar_seen(s, cpu, (uint32_t)val);
    }
}

static int hexdig(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

static bool starts(const char *s, const char *p) { return strncmp(s, p, strlen(p)) == 0; }

static void one_line(qi_t *s, char *ln)
{
    size_t n = strlen(ln);
    while (n && (ln[n - 1] == '\r' || ln[n - 1] == ' ')) ln[--n] = 0;
    if (!n) return;
    gic_qemu_counts_t *k = &s->out->counts;
    /* QEMU -D logs may prefix "pid@sec.usec:"; strip anything before "gicv3_" */
    char *ev = strstr(ln, "gicv3_");
    if (!ev) {
        k->unknown++;
        qdiag(s, "unknown", ln);
        return;
    }
    char *sp = strchr(ev, ' ');
    const char *text = sp ? sp + 1 : "";
    char evname[64];
    size_t el = sp ? (size_t)(sp - ev) : strlen(ev);
    if (el >= sizeof evname) el = sizeof evname - 1;
    memcpy(evname, ev, el);
    evname[el] = 0;
    unsigned cpu, size, lvl, irq, irm, sec;
    unsigned long long off, data, aff, tl;

    if (strcmp(evname, "gicv3_cpuif_update") == 0 || strcmp(evname, "gicv3_cpuif_set_irqs") == 0 ||
        strcmp(evname, "gicv3_cpuif_virt_update") == 0 || strcmp(evname, "gicv3_cpuif_virt_set_irqs") == 0 ||
        strcmp(evname, "gicv3_redist_send_sgi") == 0 || starts(evname, "gicv3_its_cte_") ||
        starts(evname, "gicv3_its_dte_") || starts(evname, "gicv3_its_ite_")) {
        k->qemu_outputs++; /* QEMU's outputs and internal steps: not stimuli */
        return;
    }
    if (strcmp(evname, "gicv3_dist_read") == 0 || strcmp(evname, "gicv3_dist_write") == 0) {
        bool w = evname[11] == 'w';
        if (sscanf(text, w ? "GICv3 distributor write: offset 0x%llx data 0x%llx size %u secure %u"
                           : "GICv3 distributor read: offset 0x%llx data 0x%llx size %u secure %u",
                   &off, &data, &size, &sec) < 3)
            goto malformed;
        if (w) {
            k->mmio_writes++;
            stim(s, "mmio-write gicd 0 0x%04llx %u 0x%llx", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicd 0 0x%04llx %u  # QEMU: 0x%llx", off, size, data);
        }
        return;
    }
    if (strcmp(evname, "gicv3_dist_badread") == 0 || strcmp(evname, "gicv3_dist_badwrite") == 0) {
        bool w = evname[14] == 'w';
        if (w ? sscanf(text, "GICv3 distributor write: offset 0x%llx data 0x%llx size %u", &off, &data, &size) != 3
              : sscanf(text, "GICv3 distributor read: offset 0x%llx size %u", &off, &size) != 2)
            goto malformed;
        if (w) {
            k->mmio_writes++;
            stim(s, "mmio-write gicd 0 0x%04llx %u 0x%llx  # QEMU: bad write", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicd 0 0x%04llx %u  # QEMU: bad read (error)", off, size);
        }
        return;
    }
    if (strcmp(evname, "gicv3_redist_read") == 0 || strcmp(evname, "gicv3_redist_write") == 0 ||
        strcmp(evname, "gicv3_redist_badread") == 0 || strcmp(evname, "gicv3_redist_badwrite") == 0) {
        bool w = strstr(evname, "write") != NULL;
        bool bad = strstr(evname, "bad") != NULL;
        int got;
        if (w) got = sscanf(text, "GICv3 redistributor 0x%x write: offset 0x%llx data 0x%llx size %u", &cpu, &off, &data, &size);
        else if (!bad) got = sscanf(text, "GICv3 redistributor 0x%x read: offset 0x%llx data 0x%llx size %u", &cpu, &off, &data, &size);
        else {
            got = sscanf(text, "GICv3 redistributor 0x%x read: offset 0x%llx size %u", &cpu, &off, &size);
            data = 0;
            if (got == 3) got = 4;
        }
        if (got != 4) goto malformed;
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        if (w) {
            k->mmio_writes++;
            stim(s, "mmio-write gicr %u 0x%05llx %u 0x%llx", cpu, off, size, data);
            if (off == 0x70) { /* GICR_PROPBASER: PA in [51:12] */
                s->prop_base = data & 0x000ffffffffff000ull;
                s->have_prop = true;
            }
            if (off == 0x78)
                emit(s, "# reconstructed: pending table of redistributor %u at 0x%llx is all zero (Linux "
                        "allocates it zeroed; the built-in memory reads as zero)",
                     cpu, (unsigned long long)(data & 0x000fffffffff0000ull));
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicr %u 0x%05llx %u  # QEMU: %s0x%llx", cpu, off, size, bad ? "bad read " : "", data);
        }
        return;
    }
    if (strcmp(evname, "gicv3_its_read") == 0 || strcmp(evname, "gicv3_its_write") == 0 ||
        strcmp(evname, "gicv3_its_badread") == 0 || strcmp(evname, "gicv3_its_badwrite") == 0) {
        bool w = strstr(evname, "write") != NULL;
        int got = sscanf(text, w ? "GICv3 ITS write: offset 0x%llx data 0x%llx size %u" : "GICv3 ITS read: offset 0x%llx data 0x%llx size %u",
                         &off, &data, &size);
        if (got != 3) {
            if (!strstr(evname, "bad")) goto malformed;
            data = 0;
            if (sscanf(text, w ? "GICv3 ITS write: offset 0x%llx" : "GICv3 ITS read: offset 0x%llx", &off) != 1) goto malformed;
            size = 4;
        }
        if (w) {
            k->mmio_writes++;
            if (off >= 0x100 && off < 0x140 && (off & 7) == 0 && size == 8) s->baser[(off - 0x100) / 8] = data;
            if (off == 0x80) s->cbaser_base = data & 0x000ffffffffff000ull; /* GITS_CBASER PA [51:12] */
            if (off == 0x88 || off == 0x8c) cmd_flush(s);                  /* GITS_CWRITER */
            stim(s, "mmio-write gits 0 0x%04llx %u 0x%llx", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gits 0 0x%04llx %u  # QEMU: 0x%llx", off, size, data);
        }
        return;
    }
    if (strcmp(evname, "gicv3_its_translation_write") == 0) {
        unsigned long long rid;
        if (sscanf(text, "GICv3 ITS TRANSLATER write: offset 0x%llx data 0x%llx size %u requester_id 0x%llx", &off,
                   &data, &size, &rid) != 4)
            goto malformed;
        k->translater++;
        stim(s, "msi 0 0x%llx %llu", rid, data);
        add_msi(s, (uint32_t)rid, (uint32_t)data);
        return;
    }
    if (strcmp(evname, "gicv3_its_process_command") == 0) {
        unsigned long long idx, op;
        if (sscanf(text, "GICv3 ITS: processing command at offset 0x%llx: 0x%llx", &idx, &op) != 2) goto malformed;
        cmd_finish(s);
        memset(&s->cur, 0, sizeof s->cur);
        s->cur.pending = true;
        s->cur.index = idx; /* QEMU prints CREADR / 32 */
        s->cur.op = (uint32_t)op & 0xff;
        s->cur.dw[0] = op & 0xff;
        s->cur.log_line = s->line;
        s->cur.prop_val = -1;
        return;
    }
    if (starts(evname, "gicv3_its_cmd_")) {
        cmd_decode(s, evname, text);
        return;
    }
    if (starts(evname, "gicv3_icc_") && (strstr(evname, "_read") || strstr(evname, "_write"))) {
        sysreg_event(s, text, strstr(evname, "_write") != NULL);
        return;
    }
    if (strcmp(evname, "gicv3_icc_generate_sgi") == 0) {
        /* "CPU i/f 0x%x generating SGI %d IRM %d target affinity 0x%xxx targetlist 0x%x":
         * affinity printed as Aff3.Aff2.Aff1 followed by a literal "xx" */
        int pos = -1;
        if (sscanf(text, "GICv3 CPU i/f 0x%x generating SGI %u IRM %u target affinity 0x%n", &cpu, &irq, &irm, &pos) != 3 ||
            pos < 0)
            goto malformed;
        const char *q = text + pos;
        aff = 0;
        for (int d; (d = hexdig(*q)) >= 0; q++) aff = (aff << 4) | (unsigned)d;
        if (sscanf(q, "xx targetlist 0x%llx", &tl) != 1) goto malformed;
        k->sgi++;
        uint64_t v = (tl & 0xffff) | ((aff & 0xff) << 16) | ((uint64_t)(irq & 0xf) << 24) |
                     (((aff >> 8) & 0xff) << 32) | ((uint64_t)(irm & 1) << 40) | (((aff >> 16) & 0xff) << 48);
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        stim(s, "sysreg-write %u ICC_SGI1R_EL1 0x%llx  # SGI %u (group not in the log: Linux uses ICC_SGI1R)", cpu,
             (unsigned long long)v, irq);
        return;
    }
    if (strcmp(evname, "gicv3_redist_set_irq") == 0) {
        if (sscanf(text, "GICv3 redistributor 0x%x interrupt %u level changed to %u", &cpu, &irq, &lvl) != 3)
            goto malformed;
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        k->ppi++;
        stim(s, "ppi %u %u %u", cpu, irq, lvl ? 1 : 0);
        return;
    }
    if (strcmp(evname, "gicv3_dist_set_irq") == 0) {
        if (sscanf(text, "GICv3 distributor interrupt %u level changed to %u", &irq, &lvl) != 2) goto malformed;
        k->spi++;
        stim(s, "spi %u %u", irq, lvl ? 1 : 0);
        return;
    }
    k->unknown++;
    qdiag(s, "unknown", ln);
    return;
malformed:
    k->malformed++;
    qdiag(s, "malformed", ln);
}

int gic_qemu_import(const char *text, size_t len, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out)
{
    static const gic_qemu_import_opts_t none;
    if (!o) o = &none;
    memset(out, 0, sizeof *out);
    qi_t s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.out = out;
    s.step = o->step_ps ? o->step_ps : 10000000; /* 10 us */
    /* Pass 1: topology (CPUs, SPIs) to write the configuration header first. */
    unsigned max_cpu = 0, spis = 0;
    for (size_t p = 0; p < len;) {
        size_t e = p;
        while (e < len && text[e] != '\n') e++;
        char ln[256];
        size_t ll = e - p < sizeof ln - 1 ? e - p : sizeof ln - 1;
        memcpy(ln, text + p, ll);
        ln[ll] = 0;
        unsigned c;
        unsigned long long d;
        const char *q;
        if ((q = strstr(ln, "redistributor 0x")) && sscanf(q, "redistributor 0x%x", &c) == 1 && c < GIC_MAX_CPUS &&
            c > max_cpu)
            max_cpu = c;
        if ((q = strstr(ln, " cpu 0x")) && sscanf(q, " cpu 0x%x", &c) == 1 && c < GIC_MAX_CPUS && c > max_cpu)
            max_cpu = c;
        if (strstr(ln, "gicv3_dist_read") && (q = strstr(ln, "offset 0x4 data 0x")) &&
            sscanf(q, "offset 0x4 data 0x%llx", &d) == 1) /* GICD_TYPER.ITLinesNumber */
            spis = (unsigned)((d & 0x1f) + 1) * 32 - 32;
        p = e + 1;
    }
    out->n_cpus = max_cpu + 1;
    if (spis > 960) spis = 960;
    qb_printf(&s.tr, "gictlm-trace 1\n");
    s.trace_line = 1;
    emit(&s, "# imported by gictlm-qemu-import from %s", o->source_name ? o->source_name : "a QEMU log");
    emit(&s, "# the log has no timestamps: one stimulus every %llu ps, in log order; \"# L<n>\" = log line",
         (unsigned long long)s.step);
    emit(&s, "# QEMU virt: %u CPUs, %u SPIs, 5 priority bits, 16 LPI ID bits, one ITS with PTA=0", max_cpu + 1, spis);
    emit(&s, "config num_cpus %u", max_cpu + 1);
    emit(&s, "config num_spis %u", spis);
    emit(&s, "config pri_bits 5");
    emit(&s, "config lpi.id_bits 16");
    emit(&s, "config its.count 1");
    emit(&s, "config its.pta 0");
    emit(&s, "# reconstructed: the LPI configuration table holds 0xa2 (Linux's default: priority 0xa0, group 1, "
             "disabled) for every LPI the log maps");
    /* Pass 2. */
    char *ln = NULL;
    size_t cap = 0;
    s.line = 0;
    for (size_t p = 0; p < len && !s.fatal;) {
        size_t e = p;
        while (e < len && text[e] != '\n') e++;
        size_t ll = e - p;
        if (ll + 1 > cap) {
            char *nl = realloc(ln, ll + 1);
            if (!nl) {
                s.fatal = true;
                snprintf(out->message, sizeof out->message, "out of memory");
                break;
            }
            ln = nl;
            cap = ll + 1;
        }
        memcpy(ln, text + p, ll);
        ln[ll] = 0;
        s.line++;
        out->counts.lines++;
        if (memchr(ln, 0, ll)) {
            out->counts.malformed++;
            qdiag(&s, "malformed (NUL byte)", "");
        } else {
            size_t before = s.tr.n;
            bool mapti = false;
            if (strstr(ln, "gicv3_its_cmd_mapti") || strstr(ln, "gicv3_its_cmd_mapi")) mapti = true;
            one_line(&s, ln);
            if (mapti && s.have_prop && s.nmap) {
                /* the default property byte of a newly mapped LPI (Linux's initial table contents) */
                qmap_t *m = NULL;
                uint64_t dev = 0, ev = 0;
                if (field(ln, "DeviceID", &dev) && field(ln, "EventID", &ev))
                    m = map_find(&s, (uint32_t)dev, (uint32_t)ev, false);
                if (m && m->intid >= GIC_LPI_BASE)
                    emit(&s, "@%llu mem-write 0x%llx a2  # reconstructed: LPI %u default property 0xa2",
                         (unsigned long long)s.t, (unsigned long long)(s.prop_base + m->intid - GIC_LPI_BASE),
                         m->intid);
            }
            (void)before;
        }
        p = e + 1;
    }
    free(ln);
    cmd_flush(&s);
    free(s.map);
    if (s.tr.oom) {
        s.fatal = true;
        snprintf(out->message, sizeof out->message, "out of memory");
    }
    out->trace = s.tr.p ? s.tr.p : calloc(1, 1);
    out->trace_len = s.tr.n;
    return s.fatal ? 2 : 0;
}

/* ---- comparison ------------------------------------------------------------------- */
typedef struct qcmp {
    gic_qemu_import_t *imp;
    size_t next_iar;
    unsigned iar_agree;
} qcmp_t;

static void cmp_out(void *ctx, const gic_output_t *o, unsigned trace_line)
{
    (void)trace_line;
    qcmp_t *c = ctx;
    if (o->kind != GIC_OUT_MSI) return;
    /* match in order per (DeviceID, EventID): the first MSI without an outcome */
    for (size_t i = 0; i < c->imp->n_msi; i++) {
        gic_qemu_msi_t *m = &c->imp->msi[i];
        if (m->model_outcome >= 0 || m->devid != o->devid || m->eventid != o->eventid) continue;
        m->model_outcome = (int)o->outcome;
        m->model_intid = o->intid;
        m->model_cpu = o->cpu;
        m->model_reason = o->reason;
        return;
    }
}

static void cmp_read(void *ctx, int kind, uint32_t index, uint32_t reg, uint64_t offset, uint64_t value,
                     unsigned trace_line)
{
    (void)index;
    (void)offset;
    qcmp_t *c = ctx;
    if (kind != 1 || reg != GIC_ICC_IAR1_EL1) return;
    gic_qemu_import_t *imp = c->imp;
    while (c->next_iar < imp->n_iar && imp->iar_trace_line[c->next_iar] < trace_line) c->next_iar++;
    if (c->next_iar < imp->n_iar && imp->iar_trace_line[c->next_iar] == trace_line) {
        if (imp->iar_value[c->next_iar] == value) c->iar_agree++;
        c->next_iar++;
    }
}

int gic_qemu_compare(gic_qemu_import_t *imp, FILE *report, unsigned *iar_agree)
{
    qcmp_t c;
    memset(&c, 0, sizeof c);
    c.imp = imp;
    gic_replay_opts_t o;
    memset(&o, 0, sizeof o);
    o.observe = cmp_out;
    o.observe_read = cmp_read;
    o.ctx = &c;
    o.diag = NULL;
    gic_replay_result_t r;
    int rc = gic_trace_replay("imported.trace", imp->trace, imp->trace_len, &o, &r);
    if (rc == 2) {
        if (report) fprintf(report, "qemu-compare: the imported trace did not replay: %s\n", r.message);
        gic_replay_result_free(&r);
        return -1;
    }
    gic_replay_result_free(&r);
    unsigned agree = 0, dis = 0;
    for (size_t i = 0; i < imp->n_msi; i++) {
        gic_qemu_msi_t *m = &imp->msi[i];
        bool q = m->qemu_cpu >= 0;
        bool md = m->model_outcome == GIC_MSI_DELIVERED || m->model_outcome == GIC_MSI_COALESCED;
        m->cause[0] = 0;
        if (m->model_outcome < 0)
            snprintf(m->cause, sizeof m->cause, "model produced no MSI outcome");
        else if (!md && q)
            snprintf(m->cause, sizeof m->cause, "model dropped it (%s); QEMU delivered INTID %u to cpu%d",
                     m->model_reason ? m->model_reason : "no reason", m->intid, m->qemu_cpu);
        else if (md && !q)
            snprintf(m->cause, sizeof m->cause, "model delivered INTID %u to cpu%u; QEMU never acknowledged %s",
                     m->model_intid, m->model_cpu, m->intid ? "that LPI (no later ICC_IAR1 read returned it)" : "it (unmapped)");
        else if (md && m->model_intid != m->intid)
            snprintf(m->cause, sizeof m->cause, "model INTID %u, QEMU INTID %u", m->model_intid, m->intid);
        else if (md && (int)m->model_cpu != m->qemu_cpu)
            snprintf(m->cause, sizeof m->cause, "INTID %u: model cpu%u, QEMU cpu%d", m->intid, m->model_cpu, m->qemu_cpu);
        m->agree = m->cause[0] == 0;
        if (m->agree) agree++;
        else dis++;
    }
    if (iar_agree) *iar_agree = c.iar_agree;
    if (report) {
        double pct = imp->n_msi ? 100.0 * agree / (double)imp->n_msi : 100.0;
        fprintf(report, "qemu-compare: %zu MSIs (GITS_TRANSLATER writes): %u agree, %u disagree: agreement %.1f%%\n",
                imp->n_msi, agree, dis, pct);
        fprintf(report, "qemu-compare: ICC_IAR1 reads: %zu, model returned QEMU's INTID in %u (%.1f%%)\n", imp->n_iar,
                c.iar_agree, imp->n_iar ? 100.0 * c.iar_agree / (double)imp->n_iar : 100.0);
        for (size_t i = 0; i < imp->n_msi; i++) {
            const gic_qemu_msi_t *m = &imp->msi[i];
            if (m->agree) continue;
            fprintf(report, "  log line %u (trace line %u): DeviceID 0x%x EventID %u: %s\n", m->log_line, m->trace_line,
                    m->devid, m->eventid, m->cause);
        }
    }
    return (int)dis;
}

void gic_qemu_import_free(gic_qemu_import_t *imp)
{
    if (!imp) return;
    free(imp->trace);
    free(imp->msi);
    free(imp->iar_trace_line);
    free(imp->iar_value);
    memset(imp, 0, sizeof *imp);
}
