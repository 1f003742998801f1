/*
 * QEMU trace-log import: turns a QEMU 7.x "-trace 'gicv3_*'" log (one event
 * per line, no timestamps, no memory contents; lines from trace_qemu_log.c)
 * into a gictlm trace, and keeps what QEMU itself output for the comparison
 * (trace_qemu_compare.c).
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
 *    memory reads as zero, so nothing is written;
 *  - a CPU brought up again (PSCI CPU_ON is not in the log): QEMU reset its
 *    CPU interface, written here as register writes of the reset values;
 *  - nothing for the virtual CPU interface: ICH_ and ICV_ accesses are
 *    forwarded to the model's.
 * Events that are QEMU's own outputs (table reads and writes after an MSI
 * or a command, register read values, IRQ line levels) are not stimuli:
 * they are kept in the import result for gic_qemu_compare
 * (trace_qemu_compare.c). The model is configured from what the log tells
 * (redistributors seen, GICD_PIDR2.ArchRev, GICD_TYPER, GITS_TYPER,
 * GICR_PROPBASER.IDbits, ICC_CTLR_EL1.PRIbits).
 */
#include "gictlm.h"
#include "gictlm_driver.h"
#include "gictlm_trace.h"
#include "trace_qemu_internal.h"

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
    bool virt; /* mapped by VMAPTI/VMAPI: a vLPI */
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
    uint32_t vprop_intid; /* VMAPTI/VMAPI: vLPI whose configuration byte is reconstructed (0 = none) */
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
    uint64_t vprop_base; /* GICR_VPROPBASER: the VM's vLPI configuration table */
    bool have_vprop;
    uint32_t last_mapc_icid;
    uint32_t last_vpeid; /* the last vPE a VMAPP/VMOVP/VINVALL named (VSYNC's vPEID is not logged) */
    uint64_t baser[8];      /* last GITS_BASER<n> values written */
    uint64_t l1_done[64];   /* level-1 entries already reconstructed (address) */
    size_t nl1;
    uint64_t next_l2;       /* synthetic level-2 pages */
    qmap_t *map;
    size_t nmap, capmap;
    qcmd_t cmds[64]; /* released by the next GITS_CWRITER write */
    size_t ncmds;
    qcmd_t cur;
    size_t capmsi, capcmd, capread, capirq;
    bool fatal;
    /* QEMU's outputs: the MSI or command whose table accesses follow (-1 = none) */
    long cur_msi, cur_cmd;
    uint64_t irq_level, irq_known; /* QEMU's IRQ line of each CPU, from gicv3_cpuif_set_irqs */
    uint32_t hppi[64];             /* QEMU's HPPI of each CPU (gicv3_cpuif_update, group 1), 1023 = none */
    uint64_t hppi_known;           /* CPUs (< 64) with a group-1 HPPI update seen */
    size_t caphppi;
    unsigned dte_reads;            /* any gicv3_its_dte_read in the log */
    uint64_t cpu_up;               /* CPUs whose ICC_IGRPEN1_EL1 Linux has set */
    uint16_t vlpi_active[64];      /* vLPIs QEMU's guest acknowledged (ICV_IAR) and has not ended, per CPU */
    uint32_t doorbells[64];        /* GICv4 doorbell LPIs named by the log */
    uint64_t pend_base[64];        /* each redistributor's GICR_PENDBASER PA (memory notes) */
    uint64_t pend_known, lpis_on;  /* CPUs with a GICR_PENDBASER write / with GICR_CTLR.EnableLPIs written 1 */
    size_t ndb;
} qi_t;

static void doorbell_seen(qi_t *s, uint64_t intid)
{
    if (intid < GIC_LPI_BASE || intid == 0x3ff) return;
    for (size_t i = 0; i < s->ndb; i++)
        if (s->doorbells[i] == intid) return;
    if (s->ndb < sizeof s->doorbells / sizeof s->doorbells[0]) s->doorbells[s->ndb++] = (uint32_t)intid;
}

/* Per-CPU flags of the importer are 64-bit masks: CPUs 0..63 (IRQ/HPPI samples, CPU
 * reset and list-register reconstructions); events of higher CPUs are imported but
 * these extras skip them. */
static bool cpu_bit(uint64_t m, unsigned cpu) { return cpu < 64 && ((m >> cpu) & 1); }
static void cpu_set(uint64_t *m, unsigned cpu, bool on)
{
    if (cpu >= 64) return;
    if (on) *m |= 1ull << cpu;
    else *m &= ~(1ull << cpu);
}

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
    s->cur_msi = -1; /* QEMU output lines after this belong to this stimulus */
    s->cur_cmd = -1;
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
        if (c->vprop_intid && s->have_vprop) {
            emit(s, "# reconstructed: KVM enables vLPI %u in the VM's configuration table (priority 0xa0; the "
                    "log has no memory contents)", c->vprop_intid);
            emit(s, "@%llu mem-write 0x%llx a1", (unsigned long long)s->t,
                 (unsigned long long)(s->vprop_base + c->vprop_intid - GIC_LPI_BASE));
        }
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

/* Two-level ITS table of type `type` (GITS_BASER<n>.Indirect; 1 devices, 2 vPEs):
 * Linux allocates the level-2 page of an ID when it creates the device or the
 * vPE and writes the level-1 entry; the log has neither, so a zeroed level-2
 * page is placed outside the guest's RAM and the level-1 entry written before
 * the command (reconstructed). */
static void l2_reconstruct(qi_t *s, qcmd_t *c, unsigned type, uint64_t id)
{
    for (unsigned b = 0; b < 8; b++) {
        uint64_t bv = s->baser[b];
        if (!(bv >> 63) || ((bv >> 56) & 7) != type || !((bv >> 62) & 1)) continue;
        static const uint64_t psz[4] = {4096, 16384, 65536, 65536};
        uint64_t ps = psz[(bv >> 8) & 3], esz = ((bv >> 48) & 0x1f) + 1;
        uint64_t l1a = (bv & 0x0000fffffffff000ull) + (id / (ps / esz)) * 8;
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
}

/* A decoded command line: fill the pending command's fields, encoded with the
 * driver's command encoders (IHI0069 5.3). */
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
    uint8_t op0 = (uint8_t)c->op;
    if (hd && he && s->cur_cmd >= 0) {
        qmap_t *vm = map_find(s, (uint32_t)dev, (uint32_t)eid, false);
        if (vm && vm->virt) s->out->cmd[s->cur_cmd].virt_event = true;
    }
    if (strcmp(cn, "mapd") == 0) {
        k->mapd++;
        if (!hd || !field(text, "Size", &size) || !field(text, "ITT_addr", &itt)) goto bad;
        /* QEMU prints ITT_addr >> 8 (the field's position in DW2 [51:8]) */
        gic_cmd_mapd(c->dw, (uint32_t)dev, itt << 8, (uint32_t)size, v != 0);
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx Size %llu ITT 0x%llx V %llu", (unsigned long long)dev,
                 (unsigned long long)size, (unsigned long long)(itt << 8), (unsigned long long)v);
        /* Two-level device table (GITS_BASER<n>.Indirect): Linux allocates the level-2
         * page when it creates the device and writes the level-1 entry; the log has
         * neither, so a zeroed level-2 page is placed outside the guest's RAM. */
        l2_reconstruct(s, c, 1, dev);
        if (!v)
            for (size_t i = 0; i < s->nmap; i++)
                if (s->map[i].devid == dev) s->map[i].valid = false;
    } else if (strcmp(cn, "mapc") == 0) {
        k->mapc++;
        if (!hi || !field(text, "RDbase", &rd)) goto bad;
        gic_cmd_mapc(c->dw, (uint32_t)icid, rd, v != 0);
        s->last_mapc_icid = (uint32_t)icid;
        snprintf(c->note, sizeof c->note, "ICID %llu RDbase %llu V %llu", (unsigned long long)icid,
                 (unsigned long long)rd, (unsigned long long)v);
    } else if (strcmp(cn, "mapti") == 0 || strcmp(cn, "mapi") == 0) {
        bool ti = strcmp(cn, "mapti") == 0;
        if (ti) k->mapti++;
        else k->mapi++;
        if (!hd || !he || !hi || (ti && !field(text, "pINTID", &pintid))) goto bad;
        if (ti) gic_cmd_mapti(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)pintid, (uint32_t)icid);
        else {
            pintid = eid;
            gic_cmd_mapi(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)icid);
        }
        qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, true);
        if (m) {
            m->intid = (uint32_t)pintid;
            m->icid = (uint32_t)icid;
            m->valid = true;
            m->enabled = false;
            m->virt = false;
        }
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> LPI %llu ICID %llu",
                 (unsigned long long)dev, (unsigned long long)eid, (unsigned long long)pintid,
                 (unsigned long long)icid);
    } else if (strcmp(cn, "inv") == 0 || strcmp(cn, "int") == 0 || strcmp(cn, "clear") == 0 ||
               strcmp(cn, "discard") == 0) {
        if (!hd || !he) goto bad;
        gic_cmd_devev(c->dw, op0, (uint32_t)dev, (uint32_t)eid);
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
    } else if (strcmp(cn, "movi") == 0) {
        k->movi++;
        if (!hd || !he || !hi) goto bad;
        gic_cmd_movi(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)icid);
        qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, false);
        if (m) m->icid = (uint32_t)icid;
        snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> ICID %llu", (unsigned long long)dev,
                 (unsigned long long)eid, (unsigned long long)icid);
    } else if (strcmp(cn, "invall") == 0) {
        k->invall++;
        gic_cmd_invall(c->dw, s->last_mapc_icid);
        snprintf(c->note, sizeof c->note, "ICID %u (not in the log: the last MAPC's collection)",
                 s->last_mapc_icid);
    } else if (strcmp(cn, "sync") == 0) {
        k->sync++;
        gic_cmd_sync(c->dw, 0);
        snprintf(c->note, sizeof c->note, "RDbase 0 (not in the log)");
    } else if (strcmp(cn, "movall") == 0) {
        k->movall++;
        field(text, "RDbase1", &rd);
        field(text, "RDbase2", &rd2);
        gic_cmd_movall(c->dw, rd, rd2);
    } else if (cn[0] == 'v') {
        /* GICv4.0 commands, encoded with the driver's encoders. QEMU prints
         * VMAPP's VPT_addr >> 16; VSYNC without its vPEID (the last vPE named is used). */
        uint64_t db = 1023, vpe = 0, vintid = 0, vpta = 0, vpts = 0, dv = 0;
        bool hdb = field(text, "Dbell_pINTID", &db), hv = field(text, "vPEID", &vpe);
        if (hdb) doorbell_seen(s, db);
        if (hv) s->last_vpeid = (uint32_t)vpe;
        k->virt_cmds++;
        if (strcmp(cn, "vmapp") == 0) {
            if (!hv || !field(text, "RDbase", &rd) || !field(text, "VPT_addr", &vpta) || !field(text, "VPT_size", &vpts))
                goto bad;
            gic_cmd_vmapp(c->dw, (uint32_t)vpe, rd, vpta << 16, (uint32_t)vpts, v != 0);
            if (v) l2_reconstruct(s, c, 2, vpe);
            snprintf(c->note, sizeof c->note, "vPEID %llu RDbase %llu VPT 0x%llx VPT_size %llu V %llu",
                     (unsigned long long)vpe, (unsigned long long)rd, (unsigned long long)(vpta << 16),
                     (unsigned long long)vpts, (unsigned long long)v);
        } else if (strcmp(cn, "vmapti") == 0 || strcmp(cn, "vmapi") == 0) {
            bool ti = strcmp(cn, "vmapti") == 0;
            if (!hd || !he || !hv || !hdb || (ti && !field(text, "vINTID", &vintid))) goto bad;
            if (ti) gic_cmd_vmapti(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)vpe, (uint32_t)vintid, (uint32_t)db);
            else gic_cmd_vmapi(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)vpe, (uint32_t)db);
            qmap_t *m = map_find(s, (uint32_t)dev, (uint32_t)eid, true);
            if (m) {
                m->valid = true;
                m->virt = true;
                m->intid = (uint32_t)(ti ? vintid : eid);
            }
            c->vprop_intid = (uint32_t)(ti ? vintid : eid);
            snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> vPE %llu vINTID %llu doorbell %llu",
                     (unsigned long long)dev, (unsigned long long)eid, (unsigned long long)vpe,
                     (unsigned long long)(ti ? vintid : eid), (unsigned long long)db);
        } else if (strcmp(cn, "vmovi") == 0) {
            if (!hd || !he || !hv || !hdb || !field(text, "D", &dv)) goto bad;
            gic_cmd_vmovi(c->dw, (uint32_t)dev, (uint32_t)eid, (uint32_t)vpe, dv != 0, (uint32_t)db);
            snprintf(c->note, sizeof c->note, "DeviceID 0x%llx EventID %llu -> vPE %llu D %llu doorbell %llu",
                     (unsigned long long)dev, (unsigned long long)eid, (unsigned long long)vpe,
                     (unsigned long long)dv, (unsigned long long)db);
        } else if (strcmp(cn, "vmovp") == 0) {
            if (!hv || !field(text, "RDbase", &rd)) goto bad;
            /* one ITS: single-VMOVP semantics; SequenceNumber and ITSList (ITS 0) as Linux sends them */
            gic_cmd_vmovp(c->dw, 0, 1, (uint32_t)vpe, rd);
            snprintf(c->note, sizeof c->note, "vPEID %llu -> RDbase %llu", (unsigned long long)vpe,
                     (unsigned long long)rd);
        } else if (strcmp(cn, "vinvall") == 0) {
            if (!hv) goto bad;
            gic_cmd_vinvall(c->dw, (uint32_t)vpe);
            snprintf(c->note, sizeof c->note, "vPEID %llu", (unsigned long long)vpe);
        } else if (strcmp(cn, "vsync") == 0) {
            gic_cmd_vsync(c->dw, s->last_vpeid);
            snprintf(c->note, sizeof c->note, "vPEID %u (not in the log: the last vPE named)", s->last_vpeid);
        } else {
            k->other_cmds++;
            snprintf(c->note, sizeof c->note, "GICv4 command not decoded by the importer");
        }
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
    if (!qgrow((void **)&o->msi, o->n_msi, &s->capmsi, sizeof *o->msi)) {
        s->fatal = true;
        snprintf(o->message, sizeof o->message, "out of memory");
        return;
    }
    s->cur_msi = (long)o->n_msi;
    gic_qemu_msi_t *m = &o->msi[o->n_msi++];
    memset(m, 0, sizeof *m);
    m->log_line = s->line;
    m->trace_line = s->trace_line; /* the stimulus just emitted */
    m->devid = dev;
    m->eventid = ev;
    m->qemu_outcome = -1;
    m->qemu_cpu = -1;
    m->qemu_iar_cpu = -1;
    m->model_outcome = -1;
}

/* A command QEMU processed (gicv3_its_process_command): its table accesses follow. */
static void add_cmd(qi_t *s, uint32_t op)
{
    gic_qemu_import_t *o = s->out;
    if (!qgrow((void **)&o->cmd, o->n_cmd, &s->capcmd, sizeof *o->cmd)) {
        s->fatal = true;
        snprintf(o->message, sizeof o->message, "out of memory");
        return;
    }
    s->cur_cmd = (long)o->n_cmd;
    s->cur_msi = -1;
    gic_qemu_cmd_t *c = &o->cmd[o->n_cmd++];
    memset(c, 0, sizeof *c);
    c->log_line = s->line;
    c->op = op;
}

/* A register read and QEMU's value (kind 0 MMIO, 1 system register), after its stimulus. */
static void add_read(qi_t *s, int kind, uint32_t frame, uint32_t index, uint32_t reg, unsigned size, uint64_t v,
                     bool bad)
{
    gic_qemu_import_t *o = s->out;
    if (!qgrow((void **)&o->read, o->n_read, &s->capread, sizeof *o->read)) {
        s->fatal = true;
        snprintf(o->message, sizeof o->message, "out of memory");
        return;
    }
    gic_qemu_read_t *r = &o->read[o->n_read++];
    memset(r, 0, sizeof *r);
    r->log_line = s->line;
    r->trace_line = s->trace_line;
    r->kind = (uint8_t)kind;
    r->bad = bad;
    r->size = (uint16_t)size;
    r->frame = frame;
    r->index = index;
    r->reg = reg;
    r->qemu = v;
}

/* Before a stimulus that QEMU traces before its effects (TRANSLATER write,
 * CPU interface register writes, SGI generation, PPI/SPI level changes):
 * QEMU's IRQ line of every CPU now, to compare with the model's. */
static void irq_sample(qi_t *s)
{
    if (!s->irq_known) return;
    gic_qemu_import_t *o = s->out;
    if (!qgrow((void **)&o->irq, o->n_irq, &s->capirq, sizeof *o->irq)) {
        s->fatal = true;
        snprintf(o->message, sizeof o->message, "out of memory");
        return;
    }
    gic_qemu_irq_t *q = &o->irq[o->n_irq++];
    memset(q, 0, sizeof *q);
    q->trace_line = s->trace_line + 1; /* the stimulus about to be emitted */
    q->known = s->irq_known;
    q->level = s->irq_level;
    for (unsigned cpu = 0; cpu < 64 && cpu < o->n_cpus; cpu++) {
        if (!cpu_bit(s->hppi_known, cpu)) continue;
        if (!qgrow((void **)&o->hppi, o->n_hppi, &s->caphppi, sizeof *o->hppi)) {
            s->fatal = true;
            snprintf(o->message, sizeof o->message, "out of memory");
            return;
        }
        gic_qemu_hppi_t *h = &o->hppi[o->n_hppi++];
        memset(h, 0, sizeof *h);
        h->trace_line = q->trace_line;
        h->cpu = cpu;
        h->qemu = s->hppi[cpu];
    }
}

/* QEMU's delivery: the next ICC_IAR1 read returning the MSI's LPI. */
static void iar_seen(qi_t *s, uint32_t cpu, uint32_t val)
{
    gic_qemu_import_t *o = s->out;
    if (val < GIC_LPI_BASE) return;
    for (size_t i = o->n_msi; i-- > 0;) {
        gic_qemu_msi_t *m = &o->msi[i];
        if (m->qemu_iar_cpu < 0 && m->intid == val && m->inttype == 1) {
            m->qemu_iar_cpu = (int)cpu;
            m->qemu_iar_line = s->line;
        }
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
    if (k != 2 || r == GIC_SYSREG_COUNT || cpu >= GIC_MAX_CPUS) {
        s->out->counts.malformed++;
        qdiag(s, "malformed", text);
        return;
    }
    if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
    if (is_write) {
        if (r == GIC_ICC_IGRPEN1_EL1 && (val & 1)) cpu_set(&s->cpu_up, cpu, true);
        if (r == GIC_ICC_EOIR1_EL1 || r == GIC_ICC_EOIR0_EL1) s->out->counts.eoir++;
        else s->out->counts.sysreg_other++;
        irq_sample(s);
        stim(s, "sysreg-write %u %s 0x%llx", cpu, gic_sysreg_name(r), val);
    } else {
        if (r == GIC_ICC_IAR1_EL1) s->out->counts.iar1++;
        else s->out->counts.sysreg_other++;
        stim(s, "sysreg-read %u %s  # QEMU: %llu", cpu, gic_sysreg_name(r), val);
        add_read(s, 1, 0, cpu, (uint32_t)r, 8, val, false);
        for (size_t i = 0; i < s->ndb && !s->fatal; i++)
            if (s->doorbells[i] == val) s->out->read[s->out->n_read - 1].gicv4 = 1;
        if (r == GIC_ICC_IAR1_EL1) iar_seen(s, cpu, (uint32_t)val);
    }
}

/* QEMU's table accesses (gicv3_its_{dte,ite,cte,vte}_{read,write}[_fault]):
 * attached to the MSI or command being processed. */
static void table_event(qi_t *s, const char *ev, const char *text)
{
    gic_qemu_import_t *o = s->out;
    char tb = ev[10]; /* gicv3_its_Xte_ */
    bool w = strstr(ev, "_write") != NULL, fault = strstr(ev, "_fault") != NULL;
    uint64_t valid = 0, size = 0, itt = 0, inttype = 0, intid = 0, icid = 0, vpeid = 0, db = 0, rd = 0, vpt = 0;
    if (!fault) {
        bool ok = field(text, "valid", &valid);
        if (tb == 'd') ok = ok && field(text, "size", &size) && field(text, "ITTaddr", &itt);
        if (tb == 'i')
            ok = ok && field(text, "inttype", &inttype) && field(text, "intid", &intid) && field(text, "ICID", &icid) &&
                 field(text, "vPEID", &vpeid) && field(text, "doorbell", &db);
        if (tb == 'c') ok = ok && field(text, "RDBase", &rd);
        if (tb == 'v')
            ok = ok && field(text, "RDbase", &rd) && field(text, "vPEID", &vpeid) && field(text, "VPTsize", &size) &&
                 field(text, "VPTaddr", &vpt);
        if (!ok) {
            o->counts.malformed++;
            qdiag(s, "malformed", text);
            return;
        }
    }
    if (tb == 'd' && !w) s->dte_reads++;
    if (tb == 'i' && !fault && valid && inttype == 0) doorbell_seen(s, db);
    unsigned bit = fault ? GIC_QEMU_T_FAULT
                         : tb == 'd' ? (valid ? GIC_QEMU_T_DTE : GIC_QEMU_T_DTE_INVALID)
                         : tb == 'i' ? (valid ? GIC_QEMU_T_ITE : GIC_QEMU_T_ITE_INVALID)
                         : tb == 'c' ? (valid ? GIC_QEMU_T_CTE : GIC_QEMU_T_CTE_INVALID)
                                     : 0;
    if (s->cur_msi >= 0 && !w) {
        gic_qemu_msi_t *m = &o->msi[s->cur_msi];
        m->qemu_tables |= bit;
        if (tb == 'd') {
            m->dte_size = (uint32_t)size;
            m->dte_itt = itt;
        } else if (tb == 'i') {
            m->inttype = (uint32_t)inttype;
            m->intid = valid ? (uint32_t)intid : 0;
            m->icid = (uint32_t)icid;
            m->vpeid = (uint32_t)vpeid;
            m->doorbell = (uint32_t)db;
        } else if (tb == 'c') {
            m->rdbase = (uint32_t)rd;
        } else if (tb == 'v' && valid) {
            m->qemu_tables |= GIC_QEMU_T_VTE;
            m->rdbase = (uint32_t)rd;
        }
        return;
    }
    if (s->cur_cmd >= 0) {
        gic_qemu_cmd_t *c = &o->cmd[s->cur_cmd];
        if (!w) {
            c->qemu_reads |= bit;
            return;
        }
        if (fault) return;
        c->table = tb;
        c->w_valid = valid != 0;
        c->w_size = (uint32_t)size;
        c->w_itt = tb == 'd' ? itt << 8 : itt; /* dte_write prints ITTaddr >> 8 (dte_read does not) */
        c->w_intid = (uint32_t)intid;
        c->w_icid = (uint32_t)icid;
        c->w_inttype = (uint32_t)inttype;
        c->w_rdbase = (uint32_t)rd;
        c->w_vpeid = (uint32_t)vpeid;
        c->w_vptsize = (uint32_t)size;
        c->w_vpt = vpt;
        c->w_doorbell = (uint32_t)db;
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

/* "GICv3 ICH_LR0_EL2 write cpu 0x0 value 0x..", "GICv3 ICH_VTR read cpu ..", "GICv3 ICV_IAR1 read cpu ..":
 * forwarded as sysreg accesses of the model's virtual CPU interface. AArch32 list
 * register halves (ICH_LR<n>/ICH_LRC<n> without _EL2) are counted and skipped. */
static void virt_event(qi_t *s, const char *text, bool is_write)
{
    const char *p = text + 6;
    char name[40];
    unsigned cpu;
    unsigned long long val;
    size_t i = 0;
    if (strncmp(text, "GICv3 IC", 8) != 0) goto bad;
    while (p[i] && p[i] != ' ' && i + 5 < sizeof name) {
        name[i] = p[i];
        i++;
    }
    name[i] = 0;
    if (sscanf(p + i, is_write ? " write cpu 0x%x value 0x%llx" : " read cpu 0x%x value 0x%llx", &cpu, &val) != 2 ||
        cpu >= GIC_MAX_CPUS)
        goto bad;
    if (strncmp(name, "ICH_LR", 6) == 0 && !strstr(name, "_EL2")) return; /* AArch32 halves */
    size_t nl = strlen(name);
    if (nl < 4 || (strcmp(name + nl - 4, "_EL1") != 0 && strcmp(name + nl - 4, "_EL2") != 0))
        strcat(name, name[2] == 'H' ? "_EL2" : "_EL1");
    gic_sysreg_t r = gic_sysreg_by_name(name);
    if (r == GIC_SYSREG_COUNT) goto bad;
    if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
    bool vlpi = val >= GIC_LPI_BASE && val < 0xffffff;
    if (is_write) {
        if ((r == GIC_ICV_EOIR1_EL1 || r == GIC_ICV_EOIR0_EL1) && vlpi && cpu < 64 && s->vlpi_active[cpu])
            s->vlpi_active[cpu]--;
        irq_sample(s);
        stim(s, "sysreg-write %u %s 0x%llx", cpu, gic_sysreg_name(r), val);
        return;
    }
    stim(s, "sysreg-read %u %s  # QEMU: 0x%llx", cpu, gic_sysreg_name(r), val);
    add_read(s, 1, 0, cpu, (uint32_t)r, 8, val, false);
    if (s->fatal) return;
    bool iar = r == GIC_ICV_IAR1_EL1 || r == GIC_ICV_IAR0_EL1;
    /* a vLPI (GICv4 direct injection), or state that depends on an active one: not comparable */
    if ((iar && vlpi) || (!iar && cpu < 64 && s->vlpi_active[cpu])) s->out->read[s->out->n_read - 1].gicv4 = 2;
    if (iar && vlpi && cpu < 64) s->vlpi_active[cpu]++;
    return;
bad:
    s->out->counts.malformed++;
    qdiag(s, "malformed", text);
}

static bool size_ok(unsigned size) { return size == 1 || size == 2 || size == 4 || size == 8; }

/* "# gictlm-memory: lpi-property INTID VALUE" / "lpi-pending CPU INTID": memory
 * contents an edited log states (docs/trace-format.md "Memory notes"), written
 * where the note is: the LPI configuration byte at GICR_PROPBASER, or the
 * byte of the pending bit in a redistributor's pending table (only before its
 * EnableLPIs: the table then belongs to software and Linux has it zeroed, so
 * the byte is written with that bit alone). */
#define MEMORY_NOTE "# gictlm-memory:"
static void memory_note(qi_t *s, const char *text)
{
    if (!s->o->memory_notes) {
        qdiag(s, "memory note ignored (no --memory-notes)", text);
        return;
    }
    char kind[24];
    long long sa = -1, sb = -1;
    int used = 0;
    if (sscanf(text, " %23s %lli %lli %n", kind, &sa, &sb, &used) != 3 || text[used] || sa < 0 || sb < 0) goto bad;
    unsigned long long a = (unsigned long long)sa, b = (unsigned long long)sb;
    if (strcmp(kind, "lpi-property") == 0) {
        if (!s->have_prop || a < GIC_LPI_BASE || a > 0xffffffull || b > 0xff) goto bad;
        emit(s, "# memory note (log line %u): LPI %llu configuration byte 0x%02llx", s->line, a, b);
        emit(s, "@%llu mem-write 0x%llx %02llx", (unsigned long long)s->t,
             (unsigned long long)(s->prop_base + a - GIC_LPI_BASE), b);
        return;
    }
    if (strcmp(kind, "lpi-pending") == 0) {
        if (a >= 64 || !cpu_bit(s->pend_known, (unsigned)a) || cpu_bit(s->lpis_on, (unsigned)a) ||
            b < GIC_LPI_BASE || b > 0xffffffull)
            goto bad;
        emit(s, "# memory note (log line %u): LPI %llu pending in redistributor %llu's pending table", s->line, b, a);
        emit(s, "@%llu mem-write 0x%llx %02x", (unsigned long long)s->t,
             (unsigned long long)(s->pend_base[a] + b / 8), 1u << (b % 8));
        return;
    }
bad:
    s->out->counts.malformed++;
    qdiag(s, "malformed memory note (lpi-property INTID VALUE after GICR_PROPBASER, or lpi-pending CPU INTID "
             "after that CPU's GICR_PENDBASER and before its EnableLPIs)", text);
}

static void one_line(qi_t *s, char *ln)
{
    size_t n = strlen(ln);
    while (n && (ln[n - 1] == '\r' || ln[n - 1] == ' ')) ln[--n] = 0;
    if (strncmp(ln, MEMORY_NOTE, strlen(MEMORY_NOTE)) == 0) {
        memory_note(s, ln + strlen(MEMORY_NOTE));
        return;
    }
    if (!n || ln[0] == '#') return; /* empty, or a comment (e.g. "# console: ...") */
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
    unsigned cpu, size, lvl, irq, irm, sec, fiq;
    unsigned long long off, data, aff, tl;

    if (strcmp(evname, "gicv3_cpuif_set_irqs") == 0) {
        if (sscanf(text, "GICv3 CPU i/f 0x%x HPPI update: setting FIQ %u IRQ %u", &cpu, &fiq, &lvl) != 3 ||
            cpu >= GIC_MAX_CPUS)
            goto malformed;
        k->qemu_outputs++;
        cpu_set(&s->irq_known, cpu, true);
        cpu_set(&s->irq_level, cpu, lvl != 0);
        return;
    }
    if (strcmp(evname, "gicv3_cpuif_update") == 0) {
        int hirq, grp, prio;
        if (sscanf(text, "GICv3 CPU i/f 0x%x HPPI update: irq %d group %d prio %d", &cpu, &hirq, &grp, &prio) != 4 ||
            cpu >= GIC_MAX_CPUS)
            goto malformed;
        k->qemu_outputs++;
        if (cpu < 64) {
            /* priority 0xff = nothing pending; group 2 = Non-secure group 1 (Linux's group) */
            if (prio >= 0xff || hirq < 0) s->hppi[cpu] = 1023;
            else if (grp == 2 || grp == 1) s->hppi[cpu] = (uint32_t)hirq;
            else s->hppi[cpu] = 1022; /* group 0: ICC_HPPIR1 has no group-1 interrupt to show */
            cpu_set(&s->hppi_known, cpu, true);
        }
        return;
    }
    if (strcmp(evname, "gicv3_cpuif_virt_update") == 0 ||
        strcmp(evname, "gicv3_cpuif_virt_set_irqs") == 0 || strcmp(evname, "gicv3_cpuif_virt_set_maint_irq") == 0 ||
        strcmp(evname, "gicv3_redist_send_sgi") == 0 || strcmp(evname, "gicv3_its_cmd_unknown") == 0) {
        k->qemu_outputs++; /* QEMU's internal steps: not stimuli, not compared */
        return;
    }
    if (starts(evname, "gicv3_its_cte_") || starts(evname, "gicv3_its_dte_") || starts(evname, "gicv3_its_ite_") ||
        starts(evname, "gicv3_its_vte_")) {
        k->qemu_outputs++;
        table_event(s, evname, text);
        return;
    }
    if (starts(evname, "gicv3_ich_") || starts(evname, "gicv3_icv_")) {
        /* the virtual CPU interface: ICH_*_EL2 (the hypervisor's view) and ICV_*_EL1
         * (the guest's view, named explicitly, so HCR_EL2 need not be known) */
        k->virt_cpuif++;
        virt_event(s, text, strstr(evname, "_write") != NULL);
        return;
    }
    if (strcmp(evname, "gicv3_dist_read") == 0 || strcmp(evname, "gicv3_dist_write") == 0) {
        bool w = evname[11] == 'w';
        if (sscanf(text, w ? "GICv3 distributor write: offset 0x%llx data 0x%llx size %u secure %u"
                           : "GICv3 distributor read: offset 0x%llx data 0x%llx size %u secure %u",
                   &off, &data, &size, &sec) < 3 || !size_ok(size))
            goto malformed;
        if (w) {
            k->mmio_writes++;
            stim(s, "mmio-write gicd 0 0x%04llx %u 0x%llx", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicd 0 0x%04llx %u  # QEMU: 0x%llx", off, size, data);
            add_read(s, 0, GIC_FRAME_GICD, 0, (uint32_t)off, size, data, false);
        }
        return;
    }
    if (strcmp(evname, "gicv3_dist_badread") == 0 || strcmp(evname, "gicv3_dist_badwrite") == 0) {
        bool w = evname[14] == 'w';
        if (w ? sscanf(text, "GICv3 distributor write: offset 0x%llx data 0x%llx size %u", &off, &data, &size) != 3
              : sscanf(text, "GICv3 distributor read: offset 0x%llx size %u", &off, &size) != 2)
            goto malformed;
        if (!size_ok(size)) goto malformed;
        if (w) {
            k->mmio_writes++;
            stim(s, "mmio-write gicd 0 0x%04llx %u 0x%llx  # QEMU: bad write", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicd 0 0x%04llx %u  # QEMU: bad read (error)", off, size);
            add_read(s, 0, GIC_FRAME_GICD, 0, (uint32_t)off, size, 0, true);
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
        if (got != 4 || !size_ok(size) || cpu >= GIC_MAX_CPUS) goto malformed;
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        if (w) {
            k->mmio_writes++;
            if (off == 0x10400 && cpu_bit(s->cpu_up, cpu)) {
                /* Linux configures the SGIs and PPIs of a CPU again (gic_cpu_config, GICR_IPRIORITYR0):
                 * the CPU was brought up again (PSCI CPU_ON, not in the log), and QEMU reset its
                 * CPU interface then (IHI0069: reset values). Done here with register writes. */
                cpu_set(&s->cpu_up, cpu, false);
                emit(s, "# reconstructed: CPU %u was reset (PSCI CPU_ON is not in the log): its CPU interface "
                        "registers take their reset values", cpu);
                static const gic_sysreg_t rs[] = {GIC_ICC_IGRPEN1_EL1, GIC_ICC_PMR_EL1, GIC_ICC_CTLR_EL1,
                                                  GIC_ICC_AP1R0_EL1, GIC_ICC_AP0R0_EL1};
                for (size_t i = 0; i < sizeof rs / sizeof rs[0]; i++)
                    stim(s, "sysreg-write %u %s 0x0  # reconstructed reset", cpu, gic_sysreg_name(rs[i]));
            }
            stim(s, "mmio-write gicr %u 0x%05llx %u 0x%llx", cpu, off, size, data);
            if (off == 0x70) { /* GICR_PROPBASER: PA in [51:12] */
                s->prop_base = data & 0x000ffffffffff000ull;
                s->have_prop = true;
            }
            if (off == 0x20070 && (data & 0x000ffffffffff000ull)) { /* GICR_VPROPBASER (GICv4.0) */
                s->vprop_base = data & 0x000ffffffffff000ull;
                s->have_vprop = true;
            }
            if (off == 0x78) {
                emit(s, "# reconstructed: pending table of redistributor %u at 0x%llx is all zero (Linux "
                        "allocates it zeroed; the built-in memory reads as zero)",
                     cpu, (unsigned long long)(data & 0x000fffffffff0000ull));
                if (cpu < 64) {
                    s->pend_base[cpu] = data & 0x000fffffffff0000ull;
                    cpu_set(&s->pend_known, cpu, true);
                }
            }
            if (off == 0 && cpu < 64 && (data & 1)) cpu_set(&s->lpis_on, cpu, true); /* GICR_CTLR.EnableLPIs */
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gicr %u 0x%05llx %u  # QEMU: %s0x%llx", cpu, off, size, bad ? "bad read " : "", data);
            add_read(s, 0, GIC_FRAME_GICR, cpu, (uint32_t)off, size, data, bad);
        }
        return;
    }
    if (strcmp(evname, "gicv3_its_read") == 0 || strcmp(evname, "gicv3_its_write") == 0 ||
        strcmp(evname, "gicv3_its_badread") == 0 || strcmp(evname, "gicv3_its_badwrite") == 0) {
        bool w = strstr(evname, "write") != NULL, bad = strstr(evname, "bad") != NULL;
        int got;
        if (w) got = sscanf(text, "GICv3 ITS write: offset 0x%llx data 0x%llx size %u", &off, &data, &size);
        else if (!bad) got = sscanf(text, "GICv3 ITS read: offset 0x%llx data 0x%llx size %u", &off, &data, &size);
        else {
            data = 0;
            got = sscanf(text, "GICv3 ITS read: offset 0x%llx size %u", &off, &size) == 2 ? 3 : 0;
        }
        if (got != 3) goto malformed;
        if (!size_ok(size)) goto malformed;
        if (w) {
            k->mmio_writes++;
            if (off >= 0x100 && off < 0x140 && (off & 7) == 0 && size == 8) s->baser[(off - 0x100) / 8] = data;
            if (off == 0x80) s->cbaser_base = data & 0x000ffffffffff000ull; /* GITS_CBASER PA [51:12] */
            if (off == 0x88 || off == 0x8c) cmd_flush(s);                  /* GITS_CWRITER */
            stim(s, "mmio-write gits 0 0x%04llx %u 0x%llx", off, size, data);
        } else {
            k->mmio_reads++;
            stim(s, "mmio-read gits 0 0x%04llx %u  # QEMU: %s0x%llx", off, size, bad ? "bad read " : "", data);
            add_read(s, 0, GIC_FRAME_GITS, 0, (uint32_t)off, size, data, bad);
        }
        return;
    }
    if (strcmp(evname, "gicv3_its_translation_write") == 0) {
        unsigned long long rid;
        if (sscanf(text, "GICv3 ITS TRANSLATER write: offset 0x%llx data 0x%llx size %u requester_id 0x%llx", &off,
                   &data, &size, &rid) != 4 || !size_ok(size) || data > 0xffffffffull || rid > 0xffffffffull)
            goto malformed; /* EventID and DeviceID are 32-bit values */
        k->translater++;
        irq_sample(s);
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
        add_cmd(s, (uint32_t)op & 0xff);
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
            pos < 0 || cpu >= GIC_MAX_CPUS || irq >= 16)
            goto malformed;
        const char *q = text + pos;
        aff = 0;
        for (int d; (d = hexdig(*q)) >= 0; q++) aff = (aff << 4) | (unsigned)d;
        if (sscanf(q, "xx targetlist 0x%llx", &tl) != 1) goto malformed;
        k->sgi++;
        uint64_t v = (tl & 0xffff) | ((aff & 0xff) << 16) | ((uint64_t)(irq & 0xf) << 24) |
                     (((aff >> 8) & 0xff) << 32) | ((uint64_t)(irm & 1) << 40) | (((aff >> 16) & 0xff) << 48);
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        irq_sample(s);
        stim(s, "sysreg-write %u ICC_SGI1R_EL1 0x%llx  # SGI %u (group not in the log: Linux uses ICC_SGI1R)", cpu,
             (unsigned long long)v, irq);
        return;
    }
    if (strcmp(evname, "gicv3_redist_set_irq") == 0) {
        if (sscanf(text, "GICv3 redistributor 0x%x interrupt %u level changed to %u", &cpu, &irq, &lvl) != 3 ||
            cpu >= GIC_MAX_CPUS || irq >= 32)
            goto malformed;
        if (cpu + 1 > s->out->n_cpus) s->out->n_cpus = cpu + 1;
        k->ppi++;
        irq_sample(s);
        stim(s, "ppi %u %u %u", cpu, irq, lvl ? 1 : 0);
        return;
    }
    if (strcmp(evname, "gicv3_dist_set_irq") == 0) {
        if (sscanf(text, "GICv3 distributor interrupt %u level changed to %u", &irq, &lvl) != 2 || irq < 32 || irq >= 1020)
            goto malformed;
        k->spi++;
        irq_sample(s);
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

/* Pass 1: what the log tells about the machine (configuration header). */
typedef struct qcfg {
    bool gicd_ctlr_written;
    unsigned max_cpu;
    uint64_t gicd_typer, gits_typer, pidr2, propbaser, icc_ctlr;
    bool have_gicd_typer, have_gits_typer, have_pidr2, have_prop, have_ctlr, have_vtr;
    uint64_t ich_vtr;
} qcfg_t;

static void cfg_line(qcfg_t *c, const char *ln)
{
    unsigned cpu, size;
    unsigned long long off, d;
    const char *q;
    if ((q = strstr(ln, "redistributor 0x")) && sscanf(q, "redistributor 0x%x", &cpu) == 1 && cpu < GIC_MAX_CPUS &&
        cpu > c->max_cpu)
        c->max_cpu = cpu;
    if ((q = strstr(ln, " cpu 0x")) && sscanf(q, " cpu 0x%x", &cpu) == 1 && cpu < GIC_MAX_CPUS && cpu > c->max_cpu)
        c->max_cpu = cpu;
    if (strncmp(ln, "gicv3_dist_write ", 17) == 0 && strstr(ln, "write: offset 0x0 data")) c->gicd_ctlr_written = true;
    if (strncmp(ln, "gicv3_dist_read ", 16) == 0 &&
        sscanf(ln + 16, "GICv3 distributor read: offset 0x%llx data 0x%llx size %u", &off, &d, &size) == 3) {
        if (off == 0x4) c->gicd_typer = d, c->have_gicd_typer = true;
        if (off == 0xffe8) c->pidr2 = d, c->have_pidr2 = true;
    } else if (strncmp(ln, "gicv3_its_read ", 15) == 0 &&
               sscanf(ln + 15, "GICv3 ITS read: offset 0x%llx data 0x%llx size %u", &off, &d, &size) == 3) {
        if (off == 0x8 && size == 8) c->gits_typer = d, c->have_gits_typer = true;
        if (off == 0x8 && size == 4) c->gits_typer = (c->gits_typer & ~0xffffffffull) | d, c->have_gits_typer = true;
        if (off == 0xc && size == 4) c->gits_typer = (c->gits_typer & 0xffffffffull) | (d << 32);
    } else if (strncmp(ln, "gicv3_redist_write ", 19) == 0 && (q = strstr(ln, "offset 0x70 data 0x")) &&
               sscanf(q, "offset 0x70 data 0x%llx", &d) == 1) {
        c->propbaser = d, c->have_prop = true;
    } else if (strncmp(ln, "gicv3_ich_vtr_read ", 19) == 0 && !c->have_vtr && (q = strstr(ln, "value 0x")) &&
               sscanf(q, "value 0x%llx", &d) == 1) {
        c->ich_vtr = d, c->have_vtr = true;
    } else if (strncmp(ln, "gicv3_icc_ctlr_read ", 20) == 0 && (q = strstr(ln, "value 0x")) &&
               sscanf(q, "value 0x%llx", &d) == 1) {
        c->icc_ctlr = d, c->have_ctlr = true;
    }
}

static void cfg_header(qi_t *s, const qcfg_t *c)
{
    gic_qemu_import_t *out = s->out;
    unsigned cpus = c->max_cpu + 1, spis = 0, pri = 5, idbits = 16;
    out->n_cpus = cpus;
    emit(s, "# configuration from the log (docs/trace-format.md \"QEMU import\"):");
    emit(s, "#   %u CPUs: the highest redistributor or CPU interface number seen", cpus);
    emit(s, "config num_cpus %u", cpus);
    if (c->have_pidr2) {
        unsigned arch = (unsigned)((c->pidr2 >> 4) & 0xf);
        out->gic_version = arch;
        if (arch == 3 || arch == 4) {
            emit(s, "#   GICD_PIDR2 = 0x%llx: ArchRev %u", (unsigned long long)c->pidr2, arch);
            emit(s, "config gic_version %u", arch);
        }
    }
    if (c->have_gicd_typer) {
        spis = (unsigned)((c->gicd_typer & 0x1f) + 1) * 32 - 32;
        if (spis > 960) spis = 960;
        idbits = (unsigned)((c->gicd_typer >> 19) & 0x1f) + 1;
        emit(s, "#   GICD_TYPER = 0x%llx: ITLinesNumber -> %u SPIs, IDbits -> %u INTID bits",
             (unsigned long long)c->gicd_typer, spis, idbits);
    } else if (c->have_prop) {
        idbits = (unsigned)(c->propbaser & 0x1f) + 1;
        emit(s, "#   GICR_PROPBASER = 0x%llx: IDbits -> %u INTID bits (no GICD_TYPER read in the log)",
             (unsigned long long)c->propbaser, idbits);
    }
    if (idbits < 14) idbits = 14;
    if (idbits > 24) idbits = 24;
    out->spis = spis;
    out->lpi_id_bits = idbits;
    emit(s, "config num_spis %u", spis);
    emit(s, "config lpi.id_bits %u", idbits);
    if (c->have_ctlr) {
        pri = (unsigned)((c->icc_ctlr >> 8) & 7) + 1;
        if (pri < 5) pri = 5;
        emit(s, "#   ICC_CTLR_EL1 = 0x%llx: PRIbits -> %u priority bits", (unsigned long long)c->icc_ctlr, pri);
    }
    emit(s, "config pri_bits %u", pri);
    if (c->have_vtr) {
        unsigned lrs = (unsigned)(c->ich_vtr & 0x1f) + 1, vpri = (unsigned)((c->ich_vtr >> 29) & 7) + 1;
        if (lrs > 16) lrs = 16;
        if (vpri < 5) vpri = 5;
        emit(s, "#   ICH_VTR_EL2 = 0x%llx: ListRegs -> %u list registers, PRIbits -> %u virtual priority bits",
             (unsigned long long)c->ich_vtr, lrs, vpri);
        emit(s, "config virt.list_regs %u", lrs);
        emit(s, "config virt.pri_bits %u", vpri);
    }
    emit(s, "config its.count 1");
    if (c->have_gits_typer) {
        uint64_t t = c->gits_typer;
        unsigned idb = (unsigned)((t >> 8) & 0x1f) + 1, devb = (unsigned)((t >> 13) & 0x1f) + 1;
        unsigned pta = (unsigned)((t >> 19) & 1), hcc = (unsigned)((t >> 24) & 0xff);
        unsigned cid = (t >> 36) & 1 ? (unsigned)((t >> 32) & 0xf) + 1 : 16;
        out->its_idbits = idb;
        out->its_devbits = devb;
        out->its_cidbits = cid;
        out->its_hcc = hcc;
        out->its_virtual = (t >> 1) & 1;
        emit(s, "#   GITS_TYPER = 0x%llx: ID_bits %u, Devbits %u, CIDbits %u, HCC %u, PTA %u, Virtual %u",
             (unsigned long long)t, idb, devb, cid, hcc, pta, (unsigned)((t >> 1) & 1));
        emit(s, "config its.eventid_bits %u", idb);
        emit(s, "config its.devbits %u", devb);
        emit(s, "config its.cid_bits %u", cid);
        emit(s, "config its.hcc %u", hcc);
        emit(s, "config its.pta %u", pta);
    } else {
        emit(s, "config its.pta 0");
    }
    if (!c->gicd_ctlr_written) {
        out->mid_run = true;
        emit(s, "# WARNING: the log has no GICD_CTLR write: it starts after the GIC was set up, so the model's "
                "state cannot match QEMU's (nothing is comparable)");
    }
    emit(s, "# reconstructed: the LPI configuration table holds 0xa2 (Linux's default: priority 0xa0, group 1, "
            "disabled) for every LPI the log maps");
}

static void progress(qi_t *s, qsrc_t *src, int pass)
{
    if (!s->o->progress) return;
    uint64_t done, total;
    qsrc_position(src, &done, &total);
    s->o->progress(s->o->progress_ctx, pass, done, total, s->line);
}

int gic_qemu_import_src(qsrc_t *src, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out)
{
    static const gic_qemu_import_opts_t none;
    if (!o) o = &none;
    memset(out, 0, sizeof *out);
    qi_t s;
    memset(&s, 0, sizeof s);
    s.o = o;
    s.out = out;
    s.cur_msi = s.cur_cmd = -1;
    s.step = o->step_ps ? o->step_ps : 10000000; /* 10 us */
    const char *ln;
    size_t ll;
    /* Pass 1: the machine (configuration header first). */
    qcfg_t cfg;
    memset(&cfg, 0, sizeof cfg);
    while (qsrc_next(src, &ln, &ll)) {
        cfg_line(&cfg, ln);
        if ((++s.line & 0xffff) == 0) progress(&s, src, 1);
    }
    char err[200];
    if (qsrc_failed(src, err, sizeof err) || !qsrc_rewind(src)) {
        snprintf(out->message, sizeof out->message, "%s", qsrc_failed(src, err, sizeof err) ? err : "cannot rewind the log");
        return 2;
    }
    qb_printf(&s.tr, "gictlm-trace 1\n");
    s.trace_line = 1;
    emit(&s, "# imported by gictlm-qemu-import from %s", o->source_name ? o->source_name : "a QEMU log");
    emit(&s, "# the log has no timestamps: one stimulus every %llu ps, in log order; \"# L<n>\" = log line",
         (unsigned long long)s.step);
    cfg_header(&s, &cfg);
    /* Pass 2: the events. */
    s.line = 0;
    char *buf = NULL;
    size_t cap = 0;
    while (!s.fatal && qsrc_next(src, &ln, &ll)) {
        s.line++;
        out->counts.lines++;
        if ((s.line & 0xffff) == 0) progress(&s, src, 2);
        if (strlen(ln) != ll) {
            out->counts.malformed++;
            qdiag(&s, "malformed (NUL byte)", "");
            continue;
        }
        if (ll + 1 > cap) {
            char *nb = realloc(buf, ll + 1);
            if (!nb) {
                s.fatal = true;
                snprintf(out->message, sizeof out->message, "out of memory");
                break;
            }
            buf = nb;
            cap = ll + 1;
        }
        memcpy(buf, ln, ll + 1);
        bool mapti = strstr(buf, "gicv3_its_cmd_mapti") || strstr(buf, "gicv3_its_cmd_mapi");
        one_line(&s, buf);
        if (mapti && s.have_prop && s.nmap) {
            /* the default property byte of a newly mapped LPI (Linux's initial table contents) */
            qmap_t *m = NULL;
            uint64_t dev = 0, ev = 0;
            if (field(ln, "DeviceID", &dev) && field(ln, "EventID", &ev))
                m = map_find(&s, (uint32_t)dev, (uint32_t)ev, false);
            if (m && m->intid >= GIC_LPI_BASE)
                emit(&s, "@%llu mem-write 0x%llx a2  # reconstructed: LPI %u default property 0xa2",
                     (unsigned long long)s.t, (unsigned long long)(s.prop_base + m->intid - GIC_LPI_BASE), m->intid);
        }
    }
    free(buf);
    if (!s.fatal && qsrc_failed(src, err, sizeof err)) {
        s.fatal = true;
        snprintf(out->message, sizeof out->message, "%s", err);
    }
    progress(&s, src, 2);
    cmd_flush(&s);
    free(s.map);
    /* QEMU's outcome of each MSI, from its own table reads */
    for (size_t i = 0; i < out->n_msi; i++) {
        gic_qemu_msi_t *m = &out->msi[i];
        unsigned t = m->qemu_tables;
        m->qemu_outcome = GIC_MSI_DROPPED;
        if (!s.dte_reads) {
            m->qemu_outcome = -1;
            m->qemu_reason = "QEMU's table reads (gicv3_its_dte_read ...) are not in the log";
        } else if (t & GIC_QEMU_T_FAULT) m->qemu_reason = "table read fault";
        else if (!t) m->qemu_reason = "no table read (ITS disabled or DeviceID beyond the device table)";
        else if (t & GIC_QEMU_T_DTE_INVALID) m->qemu_reason = "DTE not valid";
        else if (!(t & (GIC_QEMU_T_ITE | GIC_QEMU_T_ITE_INVALID))) m->qemu_reason = "EventID beyond the DTE's size";
        else if (t & GIC_QEMU_T_ITE_INVALID) m->qemu_reason = "ITE not valid";
        else if (m->inttype == 0) {
            /* a vLPI: delivered to its vPE, hosted by the vPE table entry's RDbase */
            if (!(t & GIC_QEMU_T_VTE)) {
                m->qemu_outcome = -1;
                m->qemu_reason = "vLPI (ITE inttype 0) without QEMU's vPE table read (gicv3_its_vte_read) in the log";
            } else if (m->rdbase >= out->n_cpus) m->qemu_reason = "vPE RDbase beyond the redistributors";
            else {
                m->qemu_outcome = GIC_MSI_DELIVERED;
                m->qemu_reason = NULL;
                m->qemu_cpu = (int)m->rdbase;
            }
        } else if (t & GIC_QEMU_T_CTE_INVALID) m->qemu_reason = "CTE not valid";
        else if (!(t & GIC_QEMU_T_CTE)) m->qemu_reason = "ICID beyond the collection table";
        else if (m->rdbase >= out->n_cpus) m->qemu_reason = "RDbase beyond the redistributors";
        else {
            m->qemu_outcome = GIC_MSI_DELIVERED;
            m->qemu_reason = NULL;
            m->qemu_cpu = (int)m->rdbase;
        }
    }
    if (s.tr.oom) {
        s.fatal = true;
        snprintf(out->message, sizeof out->message, "out of memory");
    }
    out->trace = s.tr.p ? s.tr.p : calloc(1, 1);
    out->trace_len = s.tr.n;
    return s.fatal ? 2 : 0;
}

int gic_qemu_import(const char *text, size_t len, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out)
{
    qsrc_t *src = qsrc_mem(text, len);
    if (!src) {
        memset(out, 0, sizeof *out);
        snprintf(out->message, sizeof out->message, "out of memory");
        return 2;
    }
    int rc = gic_qemu_import_src(src, o, out);
    qsrc_close(src);
    return rc;
}

int gic_qemu_import_file(const char *path, const gic_qemu_import_opts_t *o, gic_qemu_import_t *out)
{
    char err[256];
    qsrc_t *src = qsrc_file(path, err, sizeof err);
    if (!src) {
        memset(out, 0, sizeof *out);
        snprintf(out->message, sizeof out->message, "%s", err);
        return 2;
    }
    int rc = gic_qemu_import_src(src, o, out);
    qsrc_close(src);
    return rc;
}

void gic_qemu_import_free(gic_qemu_import_t *imp)
{
    if (!imp) return;
    free(imp->trace);
    free(imp->msi);
    free(imp->cmd);
    free(imp->read);
    free(imp->irq);
    free(imp->hppi);
    memset(imp, 0, sizeof *imp);
}
