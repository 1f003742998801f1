/*
 * QEMU comparison: replay an imported QEMU log through the public API and
 * compare the model with what QEMU itself output (docs/trace-format.md,
 * "QEMU comparison"):
 *  - MSIs: QEMU's DTE/ITE/CTE reads after each TRANSLATER write (its
 *    translation: INTID, type, target) against the model's MSI outcome;
 *  - ITS commands: QEMU's table writes (or their absence: QEMU refused the
 *    command) against the model's table write and command error;
 *  - ICC_IAR1/ICC_IAR0 values, other CPU interface reads, GICD/GICR/GITS
 *    reads (with the IMPLEMENTATION DEFINED bits listed in impdef[] left out);
 *  - the IRQ line of every CPU before each input that QEMU traces before its
 *    effects.
 * Each case is agree, agree-dropped, disagree or not-comparable (with the
 * reason); the headline counts comparable cases only.
 *
 * The model runs with a memory port of this file (a sparse memory like the
 * built-in one) so that the table entries the model writes while executing
 * a command are seen; they are decoded in the model's own format (docs/its.md:
 * DTE = V[63] | ITT[51:8] | Size[4:0], ITE = V[63] | ICID[47:32] | INTID[31:0],
 * CTE = V[63] | processor[15:0]).
 */
#include "gictlm.h"
#include "gictlm_trace.h"
#include "trace_qemu_internal.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* ---- sparse memory behind the model's memory port ------------------------------------ */
#define PG_BITS 12
#define PG_SIZE (1u << PG_BITS)

typedef struct qpage {
    uint64_t key; /* page number + 1 (0 = empty slot) */
    uint8_t *data;
} qpage_t;

typedef struct qmem {
    qpage_t *slot;
    size_t cap, used;
    bool oom;
} qmem_t;

static uint8_t *page(qmem_t *m, uint64_t pn, bool create)
{
    if (m->cap == 0 || (create && (m->used + 1) * 4 > m->cap * 3)) {
        if (!create && m->cap == 0) return NULL;
        size_t nc = m->cap ? m->cap * 2 : 1024;
        qpage_t *ns = calloc(nc, sizeof *ns);
        if (!ns) {
            m->oom = true;
            return NULL;
        }
        for (size_t i = 0; i < m->cap; i++) {
            if (!m->slot[i].key) continue;
            size_t h = (size_t)((m->slot[i].key * 0x9e3779b97f4a7c15ull) >> 20) & (nc - 1);
            while (ns[h].key) h = (h + 1) & (nc - 1);
            ns[h] = m->slot[i];
        }
        free(m->slot);
        m->slot = ns;
        m->cap = nc;
    }
    uint64_t key = pn + 1;
    size_t h = (size_t)((key * 0x9e3779b97f4a7c15ull) >> 20) & (m->cap - 1);
    while (m->slot[h].key && m->slot[h].key != key) h = (h + 1) & (m->cap - 1);
    if (m->slot[h].key) return m->slot[h].data;
    if (!create) return NULL;
    uint8_t *d = calloc(1, PG_SIZE);
    if (!d) {
        m->oom = true;
        return NULL;
    }
    m->slot[h].key = key;
    m->slot[h].data = d;
    m->used++;
    return d;
}

static bool mem_rw(qmem_t *m, bool w, uint64_t addr, uint8_t *buf, size_t len)
{
    while (len) {
        size_t off = (size_t)(addr & (PG_SIZE - 1)), k = PG_SIZE - off < len ? PG_SIZE - off : len;
        uint8_t *p = page(m, addr >> PG_BITS, w);
        if (w) {
            if (!p) return false;
            memcpy(p + off, buf, k);
        } else if (p) memcpy(buf, p + off, k);
        else memset(buf, 0, k); /* never written: zero, like the built-in memory */
        addr += k;
        buf += k;
        len -= k;
    }
    return true;
}

static void mem_free(qmem_t *m)
{
    for (size_t i = 0; i < m->cap; i++) free(m->slot[i].data);
    free(m->slot);
}

/* ---- comparison state ------------------------------------------------------------------ */
typedef struct qc {
    gic_qemu_import_t *imp;
    gic_t *g;
    qmem_t mem;
    uint64_t mem_latency;
    uint64_t cmdq_lo, cmdq_hi;  /* the command queue (reads of it are not table accesses) */
    size_t next_cmd, next_read, next_irq, next_hppi, msi_scan;
    uint64_t model_irq;         /* the model's IRQ line of each CPU */
    bool wrote;                 /* a table entry written since the last command completed */
    uint64_t wrote_val, wrote_hi; /* its first doubleword, and the second of a 16-byte entry */
    unsigned n_writes;
} qc_t;

static gic_status_t port(void *ctx, gic_time_t t, bool is_write, uint64_t addr, void *buf, uint32_t len,
                         uint64_t *lat)
{
    (void)t;
    qc_t *c = ctx;
    *lat = c->mem_latency;
    if (is_write && (len == 8 || len == 16)) { /* 16: the GICv4 ITE format (DW0 as the physical one) */
        c->wrote = true;
        memcpy(&c->wrote_val, buf, 8);
        c->wrote_hi = 0;
        if (len == 16) memcpy(&c->wrote_hi, (const uint8_t *)buf + 8, 8);
        c->n_writes++;
    }
    return mem_rw(&c->mem, is_write, addr, buf, len) ? GIC_OK : GIC_ERR_MEM;
}

static void on_output(void *ctx, const gic_output_t *o)
{
    qc_t *c = ctx;
    gic_qemu_import_t *imp = c->imp;
    if (o->kind == GIC_OUT_LINE) {
        if (o->line == GIC_LINE_IRQ && o->cpu < 64) {
            if (o->level) c->model_irq |= 1ull << o->cpu;
            else c->model_irq &= ~(1ull << o->cpu);
        }
    } else if (o->kind == GIC_OUT_MSI) {
        /* in order per (DeviceID, EventID): the first MSI without an outcome */
        while (c->msi_scan < imp->n_msi && imp->msi[c->msi_scan].model_outcome >= 0) c->msi_scan++;
        for (size_t i = c->msi_scan; i < imp->n_msi; i++) {
            gic_qemu_msi_t *m = &imp->msi[i];
            if (m->model_outcome >= 0 || m->devid != o->devid || m->eventid != o->eventid) continue;
            m->model_outcome = (int)o->outcome;
            m->model_intid = o->intid;
            m->model_cpu = o->cpu;
            m->model_reason = o->reason;
            return;
        }
    } else if (o->kind == GIC_OUT_CMD) {
        if (c->next_cmd < imp->n_cmd) {
            gic_qemu_cmd_t *q = &imp->cmd[c->next_cmd++];
            q->model_done = true;
            q->model_error = o->error;
            q->model_reason = o->reason;
            q->model_wrote = c->wrote;
            q->model_entry = c->wrote_val;
            q->model_entry_hi = c->wrote_hi;
        }
        c->wrote = false;
    }
}


/* ---- IMPLEMENTATION DEFINED register contents ------------------------------------------ */
/* Bits of a register read whose value is IMPLEMENTATION DEFINED and not set
 * from the log: a difference there is allowed (docs/trace-format.md lists
 * the same table with the reasons). Everything else is compared. */
typedef struct impdef {
    uint32_t frame;          /* gic_frame_t, or 99 = system register */
    uint32_t lo, hi;         /* offset range (or the sysreg) */
    uint64_t mask;           /* IMPLEMENTATION DEFINED bits */
    const char *why;
} impdef_t;

#define SYSREG 99u
static const impdef_t impdef[] = {
    {GIC_FRAME_GICD, 0x0008, 0x0008, ~0ull, "GICD_IIDR: implementer and revision"},
    {GIC_FRAME_GICD, 0xffd0, 0xfffc, ~0ull, "GICD_PIDR/CIDR: identification registers"},
    {GIC_FRAME_GICD, 0x0004, 0x0004, 0xfe03ffe0ull,
     "GICD_TYPER: ESPI, RSS, No1N, A3V, SecurityExtn, MBIS, LPIS, DVIS, CPUNumber (ITLinesNumber and IDbits "
     "are configured from the log and compared)"},
    {GIC_FRAME_GICR, 0x0000, 0x0000, 1ull << 1, "GICR_CTLR.CES: whether EnableLPIs can be cleared"},
    {GIC_FRAME_GICR, 0x20078, 0x20078, (7ull << 7) | (7ull << 56) | (3ull << 10) | (1ull << 61) | (1ull << 62),
     "GICR_VPENDBASER: cacheability and shareability, PendingLast (UNKNOWN while Valid = 1; QEMU keeps the bit "
     "software wrote) and GICv4.0 IDAI, which after a deschedule reports whether the GIC left valid "
     "IMPLEMENTATION DEFINED information in the VPT (the model: 0 under the tracked and summary scan policies; "
     "QEMU keeps the bit software wrote)"},
    {GIC_FRAME_GICR, 0x20070, 0x20078, (7ull << 7) | (7ull << 56) | (3ull << 10) | (1ull << 61),
     "GICR_VPROPBASER/GICR_VPENDBASER: cacheability and shareability (which values are kept is IMPLEMENTATION "
     "DEFINED) and VPENDBASER.PendingLast, UNKNOWN while Valid = 1 (QEMU keeps the bit software wrote)"},
    {GIC_FRAME_GICR, 0x0004, 0x0004, ~0ull, "GICR_IIDR: implementer and revision"},
    {GIC_FRAME_GICR, 0xffd0, 0xfffc, ~0ull, "GICR_PIDR/CIDR: identification registers"},
    {GIC_FRAME_GICR, 0x0008, 0x0008, 0xff0000efull,
     "GICR_TYPER: PLPIS, VLPIS, Dirty, DirectLPI, DPGS, MPAM, RVPEID, CommonLPIAff, VSGI, PPInum (Affinity, "
     "Processor_Number and Last are compared)"},
    {GIC_FRAME_GICR, 0x0070, 0x0078, (7ull << 7) | (7ull << 56) | (3ull << 10),
     "GICR_PROPBASER/PENDBASER: cacheability and shareability fields may be RAZ/WI"},
    {GIC_FRAME_GITS, 0x0004, 0x0004, ~0ull, "GITS_IIDR: implementer and revision"},
    {GIC_FRAME_GITS, 0xffd0, 0xfffc, ~0ull, "GITS_PIDR/CIDR: identification registers"},
    {GIC_FRAME_GITS, 0x0008, 0x000c, ~((0x1full << 8) | (0x1full << 13) | (0xffull << 24) | (1ull << 19) | 1ull),
     "GITS_TYPER: ITT_entry_size, SEIS, CIL/CIDbits, VMOVP, MPAM, Virtual and the rest "
     "(Physical, ID_bits, Devbits, PTA, HCC are configured from the log and compared)"},
    {GIC_FRAME_GITS, 0x0080, 0x0080, (7ull << 59) | (7ull << 53) | (3ull << 10),
     "GITS_CBASER: cacheability and shareability fields may be RAZ/WI"},
    {GIC_FRAME_GITS, 0x0100, 0x013c, (7ull << 59) | (7ull << 53) | (7ull << 56) | (0x1full << 48) | (3ull << 10),
     "GITS_BASER<n>: Type, Entry_Size (the ITS's own table formats), cacheability and shareability"},
    {SYSREG, GIC_ICC_CTLR_EL1, GIC_ICC_CTLR_EL1, (1ull << 19) | (1ull << 18) | (1ull << 15) | (1ull << 14) | (7ull << 11),
     "ICC_CTLR_EL1: ExtRange, RSS, A3V, SEIS, IDbits (the CPU interface's INTID width, 16 or 24, need not be "
     "the distributor's)"},
    {SYSREG, GIC_ICV_CTLR_EL1, GIC_ICV_CTLR_EL1, (1ull << 19) | (1ull << 18) | (1ull << 15) | (1ull << 14) | (7ull << 11),
     "ICV_CTLR_EL1: ExtRange, RSS, A3V, SEIS, IDbits (as ICC_CTLR_EL1)"},
    {SYSREG, GIC_ICH_VTR_EL2, GIC_ICH_VTR_EL2, 0xffull << 18,
     "ICH_VTR_EL2: IDbits, SEIS, A3V, nV4, TDS, DVIM (ListRegs, PREbits and PRIbits are configured from the log and "
     "compared)"},
};

static const impdef_t *impdef_of(const gic_qemu_read_t *r)
{
    uint32_t fr = r->kind == 1 ? SYSREG : r->frame;
    for (size_t i = 0; i < sizeof impdef / sizeof impdef[0]; i++)
        if (impdef[i].frame == fr && r->reg >= impdef[i].lo && r->reg <= impdef[i].hi) return &impdef[i];
    return NULL;
}

/* The part of an MMIO read's value that covers bytes [reg, reg+size) of a 64-bit register at reg & ~7. */
static uint64_t impdef_mask(const impdef_t *d, const gic_qemu_read_t *r)
{
    if (!d) return 0;
    if (r->kind == 1 || d->mask == ~0ull) return d->mask;
    unsigned sh = (unsigned)((r->reg - d->lo) & 7) * 8; /* a read of the upper half of a 64-bit register */
    uint64_t m = d->mask >> sh;
    return r->size >= 8 ? m : m & ((1ull << (r->size * 8)) - 1);
}

/* ---- one read ------------------------------------------------------------------------------ */
static void cmp_read(qc_t *c, gic_qemu_read_t *r, gic_status_t rc, uint64_t v)
{
    r->model = v;
    if (r->bad) {
        /* QEMU: an access error. The model: an error too, or RAZ (reserved
         * offsets are RES0 or an external abort, IMPLEMENTATION DEFINED). */
        r->cat = GIC_QEMU_AGREE;
        if (rc == GIC_OK && v != 0) r->cat = GIC_QEMU_DISAGREE;
        else r->allowed = rc == GIC_OK ? "reserved offset: QEMU reports an error, the model reads as zero" : NULL;
        return;
    }
    if ((c->imp->gic_version == 4 || c->imp->its_virtual) && (rc != GIC_OK || r->qemu != v)) {
        /* a GITS_BASER<n> QEMU describes as the vPE table (Type 2): QEMU's vPE
         * table entries are 8 bytes, the model's 16 (Entry_Size is IMPLEMENTATION
         * DEFINED) and Linux sizes the table (Size, Indirect) from it */
        bool vpe_table = r->kind == 0 && r->frame == GIC_FRAME_GITS && r->reg >= 0x100 && r->reg < 0x140 &&
                         !(r->reg & 7) && ((r->qemu >> 56) & 7) == 2;
        if (vpe_table) {
            r->cat = GIC_QEMU_NOT_COMPARABLE;
            r->allowed = "GITS_BASER<n> of the vPE table: IMPLEMENTATION DEFINED entry size (QEMU 8 bytes, the model 16), "
                         "and the table Linux sized from it";
            return;
        }
    }
    if (rc != GIC_OK) {
        r->cat = GIC_QEMU_DISAGREE;
        return;
    }
    if (r->qemu == v) {
        r->cat = GIC_QEMU_AGREE;
        return;
    }
    const impdef_t *d = impdef_of(r);
    uint64_t m = impdef_mask(d, r);
    if (((r->qemu ^ v) & ~m) == 0) {
        r->cat = GIC_QEMU_AGREE;
        r->allowed = d->why;
    } else {
        r->cat = GIC_QEMU_DISAGREE;
    }
}

/* ---- per-item verdicts ------------------------------------------------------------------- */
static void verdict_msi(gic_qemu_msi_t *m)
{
    m->cause[0] = 0;
    bool md = m->model_outcome == GIC_MSI_DELIVERED || m->model_outcome == GIC_MSI_COALESCED;
    if (m->qemu_outcome < 0) {
        m->cat = GIC_QEMU_NOT_COMPARABLE;
        snprintf(m->cause, sizeof m->cause, "%s", m->qemu_reason ? m->qemu_reason : "QEMU's outcome not in the log");
    } else if (m->model_outcome < 0) {
        m->cat = GIC_QEMU_DISAGREE;
        snprintf(m->cause, sizeof m->cause, "the model produced no MSI outcome");
    } else if (m->qemu_outcome == GIC_MSI_DROPPED) {
        m->cat = md ? GIC_QEMU_DISAGREE : GIC_QEMU_AGREE_DROPPED;
        if (md)
            snprintf(m->cause, sizeof m->cause, "QEMU dropped it (%s); the model delivered INTID %u to cpu%u",
                     m->qemu_reason, m->model_intid, m->model_cpu);
        else
            snprintf(m->cause, sizeof m->cause, "both dropped it: QEMU: %s; model: %s", m->qemu_reason,
                     m->model_reason ? m->model_reason : "no reason");
    } else if (!md) {
        m->cat = GIC_QEMU_DISAGREE;
        snprintf(m->cause, sizeof m->cause, "the model dropped it (%s); QEMU delivered INTID %u to cpu%d",
                 m->model_reason ? m->model_reason : "no reason", m->intid, m->qemu_cpu);
    } else if (m->model_intid != m->intid || (int)m->model_cpu != m->qemu_cpu) {
        m->cat = GIC_QEMU_DISAGREE;
        snprintf(m->cause, sizeof m->cause, "model: INTID %u to cpu%u; QEMU: INTID %u to cpu%d", m->model_intid,
                 m->model_cpu, m->intid, m->qemu_cpu);
    } else {
        m->cat = GIC_QEMU_AGREE;
    }
}

static bool is_iar(uint32_t reg)
{
    return reg == GIC_ICC_IAR1_EL1 || reg == GIC_ICC_IAR0_EL1 || reg == GIC_ICV_IAR1_EL1 || reg == GIC_ICV_IAR0_EL1;
}

static bool gicv4_op(uint32_t op) { return op >= 0x20 && op <= 0x2f; }
/* GICv4.0 commands compared entry by entry: VMOVI 0x21, VMOVP 0x22, VSYNC 0x25,
 * VMAPP 0x29, VMAPTI 0x2a, VMAPI 0x2b, VINVALL 0x2d */
static bool gicv40_op(uint32_t op)
{
    return op == 0x21 || op == 0x22 || op == 0x25 || op == 0x29 || op == 0x2a || op == 0x2b || op == 0x2d;
}

static void verdict_cmd(gic_qemu_cmd_t *q)
{
    q->cause[0] = 0;
    const char *nm = gic_its_cmd_name(q->op);
    if (gicv4_op(q->op) && !gicv40_op(q->op)) {
        q->cat = GIC_QEMU_NOT_COMPARABLE;
        snprintf(q->cause, sizeof q->cause, "GICv4.1 command: not in QEMU 7.2's log format");
        return;
    }
    if (q->virt_event && !gicv4_op(q->op)) {
        q->cat = GIC_QEMU_NOT_COMPARABLE;
        snprintf(q->cause, sizeof q->cause, "%s of an event mapped by VMAPTI/VMAPI (a vLPI): its table writes are not "
                 "compared entry by entry", nm ? nm : "command");
        return;
    }
    if (!nm || q->op == 0x0e /* MOVALL: QEMU logs no table access for it */) {
        q->cat = GIC_QEMU_NOT_COMPARABLE;
        snprintf(q->cause, sizeof q->cause, "QEMU logs no outcome for this command");
        return;
    }
    if (!q->model_done) {
        q->cat = GIC_QEMU_DISAGREE;
        snprintf(q->cause, sizeof q->cause, "%s: the model never completed it", nm);
        return;
    }
    bool writes = q->op == 0x08 || q->op == 0x09 || q->op == 0x0a || q->op == 0x0b || q->op == 0x01 || q->op == 0x0f ||
                  q->op == 0x21 || q->op == 0x22 || q->op == 0x29 || q->op == 0x2a || q->op == 0x2b;
    bool qemu_ok;
    const char *qwhy;
    if (writes) {
        qemu_ok = q->table != 0;
        qwhy = "QEMU wrote no table entry (refused it)";
    } else if (q->op == 0x05 || q->op == 0x0d || q->op == 0x25 || q->op == 0x2d) {
        qemu_ok = true; /* QEMU checks nothing for SYNC, INVALL, VSYNC and VINVALL */
        qwhy = "";
    } else { /* INT, CLEAR, INV: QEMU reads the DTE, ITE and CTE */
        unsigned need = GIC_QEMU_T_DTE | GIC_QEMU_T_ITE | GIC_QEMU_T_CTE;
        qemu_ok = (q->qemu_reads & need) == need && !(q->qemu_reads & (GIC_QEMU_T_FAULT | GIC_QEMU_T_DTE_INVALID |
                                                                         GIC_QEMU_T_ITE_INVALID | GIC_QEMU_T_CTE_INVALID));
        qwhy = "QEMU found no valid DTE, ITE or CTE (refused it)";
    }
    bool model_ok = q->model_error == 0;
    if ((q->op == 0x25 || q->op == 0x2d) && !model_ok && q->model_reason &&
        strcmp(q->model_reason, "unmapped_vpe") == 0) {
        /* Linux sends VSYNC after the VMAPP V = 0 that unmaps the vPE. A command
         * naming an unmapped vPE is CONSTRAINED UNPREDICTABLE (IHI0069: ignored
         * or a command error); QEMU checks nothing, the model reports the error. */
        q->cat = GIC_QEMU_NOT_COMPARABLE;
        snprintf(q->cause, sizeof q->cause, "%s of an unmapped vPE: CONSTRAINED UNPREDICTABLE (QEMU ignores it, the "
                 "model reports a command error)", nm);
        return;
    }
    if (!qemu_ok || !model_ok) {
        if (!qemu_ok && !model_ok) {
            q->cat = GIC_QEMU_AGREE_DROPPED;
            snprintf(q->cause, sizeof q->cause, "%s: both refused it (model: %s)", nm,
                     q->model_reason ? q->model_reason : "error");
        } else if (qemu_ok) {
            q->cat = GIC_QEMU_DISAGREE;
            snprintf(q->cause, sizeof q->cause, "%s: the model refused it (error 0x%x, %s); QEMU executed it", nm,
                     q->model_error, q->model_reason ? q->model_reason : "no reason");
        } else {
            q->cat = GIC_QEMU_DISAGREE;
            snprintf(q->cause, sizeof q->cause, "%s: %s; the model executed it", nm, qwhy);
        }
        return;
    }
    q->cat = GIC_QEMU_AGREE;
    if (!writes) return;
    if (!q->model_wrote) {
        q->cat = GIC_QEMU_DISAGREE;
        snprintf(q->cause, sizeof q->cause, "%s: QEMU wrote its %cTE, the model wrote no table entry", nm,
                 q->table - 32);
        return;
    }
    uint64_t e = q->model_entry;
    bool v = (e >> 63) & 1;
    char got[80] = "", want[80] = "";
    if (q->table == 'd') {
        uint64_t itt = e & 0x000fffffffffff00ull;
        uint32_t size = (uint32_t)(e & 0x1f);
        if (v != q->w_valid || (v && (itt != q->w_itt || size != q->w_size))) {
            snprintf(got, sizeof got, "valid %d size %u ITT 0x%llx", v, size, (unsigned long long)itt);
            snprintf(want, sizeof want, "valid %d size %u ITT 0x%llx", q->w_valid, q->w_size,
                     (unsigned long long)q->w_itt);
        }
    } else if (q->table == 'v') {
        /* vPE table entry: DW0 [63] Valid, [51:16] VPT address, [4:0] VPT_size; DW1 target (docs/its.md) */
        uint64_t vpt = (e & 0x000fffffffff0000ull) >> 16;
        uint32_t size = (uint32_t)(e & 0x1f), cpu = (uint32_t)q->model_entry_hi;
        if (v != q->w_valid || (v && (vpt != q->w_vpt || size != q->w_vptsize || cpu != q->w_rdbase))) {
            snprintf(got, sizeof got, "valid %d VPT 0x%llx size %u RDbase %u", v, (unsigned long long)vpt, size, cpu);
            snprintf(want, sizeof want, "valid %d VPT 0x%llx size %u RDbase %u", q->w_valid,
                     (unsigned long long)q->w_vpt, q->w_vptsize, q->w_rdbase);
        }
    } else if (q->table == 'i' && gicv4_op(q->op)) {
        /* virtual ITE: DW0 [63] Valid, [62] Type (1 virtual), [47:32] vPEID, [31:0] vINTID;
         * DW1 doorbell (docs/its.md). QEMU prints inttype 0 for a virtual ITE. */
        bool virt = (e >> 62) & 1;
        uint32_t vintid = (uint32_t)e, vpeid = (uint32_t)((e >> 32) & 0xffff), db = (uint32_t)q->model_entry_hi;
        if (v != q->w_valid ||
            (v && (!virt || q->w_inttype != 0 || vintid != q->w_intid || vpeid != q->w_vpeid || db != q->w_doorbell))) {
            snprintf(got, sizeof got, "valid %d %s vINTID %u vPEID %u doorbell %u", v, virt ? "virtual" : "physical",
                     vintid, vpeid, db);
            snprintf(want, sizeof want, "valid %d inttype %u vINTID %u vPEID %u doorbell %u", q->w_valid, q->w_inttype,
                     q->w_intid, q->w_vpeid, q->w_doorbell);
        }
    } else if (q->table == 'i') {
        uint32_t intid = (uint32_t)e, icid = (uint32_t)((e >> 32) & 0xffff);
        if (v != q->w_valid || (v && (q->w_inttype != 1 || intid != q->w_intid || icid != q->w_icid))) {
            snprintf(got, sizeof got, "valid %d INTID %u ICID %u", v, intid, icid);
            snprintf(want, sizeof want, "valid %d inttype %u INTID %u ICID %u", q->w_valid, q->w_inttype, q->w_intid,
                     q->w_icid);
        }
    } else if (q->table == 'c') {
        uint32_t cpu = (uint32_t)(e & 0xffff);
        if (v != q->w_valid || (v && cpu != q->w_rdbase)) {
            snprintf(got, sizeof got, "valid %d RDbase %u", v, cpu);
            snprintf(want, sizeof want, "valid %d RDbase %u", q->w_valid, q->w_rdbase);
        }
    }
    if (got[0]) {
        q->cat = GIC_QEMU_DISAGREE;
        snprintf(q->cause, sizeof q->cause, "%s: model %cTE %s; QEMU %s", nm, q->table - 32, got, want);
    }
}

const char *gic_qemu_cat_name(gic_qemu_cat_t c)
{
    static const char *const n[] = {"agree", "agree-dropped", "disagree", "not-comparable"};
    return (unsigned)c < GIC_QEMU_NCATS ? n[c] : "?";
}

const char *gic_qemu_area_name(gic_qemu_area_t a)
{
    static const char *const n[] = {"MSIs", "ITS commands", "ICC/ICV_IAR reads", "other CPU interface reads",
                                    "GICD/GICR/GITS reads", "IRQ lines", "HPPI"};
    return (unsigned)a < GIC_QEMU_NAREAS ? n[a] : "?";
}

static const char *frame_name(uint32_t f) { return gic_frame_name((gic_frame_t)f); }

/* ---- the run ---------------------------------------------------------------------------------- */
int gic_qemu_compare(gic_qemu_import_t *imp, FILE *report, unsigned max_listed)
{
    if (!max_listed) max_listed = 20;
    memset(&imp->sum, 0, sizeof imp->sum);
    gic_replay_opts_t ro;
    memset(&ro, 0, sizeof ro);
    gic_trace_t tr;
    if (gic_trace_parse("imported.trace", imp->trace, imp->trace_len, &ro, &tr) != 0) {
        if (report) fprintf(report, "qemu-compare: the imported trace does not parse: %s\n", tr.message);
        gic_trace_free(&tr);
        return -1;
    }
    qc_t c;
    memset(&c, 0, sizeof c);
    c.imp = imp;
    c.mem_latency = tr.cfg.mem_latency_ps;
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.ctx = &c;
    cb.output = on_output;
    cb.log_level = GIC_LOG_ERROR;
    gic_mem_port_t mp = {&c, port};
    char err[256] = "";
    c.g = gic_create(&tr.cfg, &cb, &mp, err, sizeof err);
    if (!c.g) {
        if (report) fprintf(report, "qemu-compare: cannot create the GIC: %s\n", err);
        gic_trace_free(&tr);
        return -1;
    }
    for (size_t i = 0; i < imp->n_msi; i++) imp->msi[i].model_outcome = -1;
    for (size_t i = 0; i < imp->n_cmd; i++) imp->cmd[i].model_done = false;
    gic_t *g = c.g;
    for (size_t i = 0; i < tr.n_stim; i++) {
        const gic_trace_stim_t *st = &tr.stim[i];
        gic_time_t t = st->time;
        /* IRQ lines before an input QEMU traces before its effects */
        while (c.next_irq < imp->n_irq && imp->irq[c.next_irq].trace_line < st->line) c.next_irq++;
        if (c.next_irq < imp->n_irq && imp->irq[c.next_irq].trace_line == st->line) {
            gic_run_until(g, t);
            imp->irq[c.next_irq++].model = c.model_irq;
        }
        while (c.next_hppi < imp->n_hppi && imp->hppi[c.next_hppi].trace_line < st->line) c.next_hppi++;
        for (; c.next_hppi < imp->n_hppi && imp->hppi[c.next_hppi].trace_line == st->line; c.next_hppi++) {
            gic_qemu_hppi_t *h = &imp->hppi[c.next_hppi];
            uint64_t hv = 1023;
            if (gic_sysreg_read(g, t, h->cpu, GIC_ICC_HPPIR1_EL1, &hv) != GIC_OK) hv = ~0ull;
            h->model = (uint32_t)hv;
        }
        uint64_t v = 0;
        gic_status_t rc = GIC_OK;
        switch (st->kind) {
        case GIC_STIM_MMIO_WRITE: gic_mmio_write(g, t, st->frame, st->index, st->offset, st->size, st->value); break;
        case GIC_STIM_MMIO_READ: rc = gic_mmio_read(g, t, st->frame, st->index, st->offset, st->size, &v); break;
        case GIC_STIM_MEM_WRITE: mem_rw(&c.mem, true, st->addr, (uint8_t *)st->bytes, (size_t)st->len); break;
        case GIC_STIM_MEM_FILL:
            for (uint64_t k = 0; k < st->len; k++) {
                uint8_t b = (uint8_t)st->value;
                mem_rw(&c.mem, true, st->addr + k, &b, 1);
            }
            break;
        case GIC_STIM_SYSREG_WRITE: gic_sysreg_write(g, t, st->cpu, st->sysreg, st->value); break;
        case GIC_STIM_SYSREG_READ: rc = gic_sysreg_read(g, t, st->cpu, st->sysreg, &v); break;
        case GIC_STIM_MSI: gic_msi(g, t, st->index, st->devid, st->eventid); break;
        case GIC_STIM_SPI: gic_set_spi(g, t, st->intid, st->value != 0); break;
        case GIC_STIM_PPI: gic_set_ppi(g, t, st->cpu, st->intid, st->value != 0); break;
        default: gic_run_until(g, t); break;
        }
        if (st->kind == GIC_STIM_MMIO_READ || st->kind == GIC_STIM_SYSREG_READ) {
            while (c.next_read < imp->n_read && imp->read[c.next_read].trace_line < st->line) c.next_read++;
            if (c.next_read < imp->n_read && imp->read[c.next_read].trace_line == st->line)
                cmp_read(&c, &imp->read[c.next_read++], rc, v);
        }
    }
    /* let the last commands and translations finish (1 ms of model time) */
    gic_run_until(g, gic_now(g) + 1000000000ull);
    gic_destroy(g);
    gic_trace_free(&tr);
    bool oom = c.mem.oom;
    mem_free(&c.mem);
    if (oom) {
        if (report) fprintf(report, "qemu-compare: out of memory (model memory)\n");
        return -1;
    }

    /* verdicts and the summary */
    gic_qemu_summary_t *S = &imp->sum;
    static const char mid[] = "the log starts after the GIC was set up (no GICD_CTLR write)";
    for (size_t i = 0; i < imp->n_msi; i++) {
        verdict_msi(&imp->msi[i]);
        if (imp->mid_run && imp->msi[i].cat != GIC_QEMU_NOT_COMPARABLE) {
            imp->msi[i].cat = GIC_QEMU_NOT_COMPARABLE;
            snprintf(imp->msi[i].cause, sizeof imp->msi[i].cause, "%s", mid);
        }
        S->n[GIC_QEMU_A_MSI][imp->msi[i].cat]++;
    }
    for (size_t i = 0; i < imp->n_cmd; i++) {
        verdict_cmd(&imp->cmd[i]);
        if (imp->mid_run) {
            imp->cmd[i].cat = GIC_QEMU_NOT_COMPARABLE;
            snprintf(imp->cmd[i].cause, sizeof imp->cmd[i].cause, "%s", mid);
        }
        S->n[GIC_QEMU_A_CMD][imp->cmd[i].cat]++;
    }
    for (size_t i = 0; i < imp->n_read; i++) {
        gic_qemu_read_t *r = &imp->read[i];
        if (imp->mid_run) {
            r->cat = GIC_QEMU_NOT_COMPARABLE;
            r->allowed = mid;
        }
        gic_qemu_area_t a = r->kind == 0 ? GIC_QEMU_A_MMIO
                            : is_iar(r->reg) ? GIC_QEMU_A_IAR
                                                                                          : GIC_QEMU_A_SYSREG;
        S->n[a][r->cat]++;
        if (r->cat == GIC_QEMU_AGREE && r->allowed) S->allowed[a]++;
    }
    for (size_t i = 0; i < imp->n_irq; i++) {
        gic_qemu_irq_t *q = &imp->irq[i];
        S->n[GIC_QEMU_A_IRQ][imp->mid_run ? GIC_QEMU_NOT_COMPARABLE
                             : ((q->model ^ q->level) & q->known) ? GIC_QEMU_DISAGREE
                                                                  : GIC_QEMU_AGREE]++;
    }
    for (size_t i = 0; i < imp->n_hppi; i++) {
        gic_qemu_hppi_t *h = &imp->hppi[i];
        S->n[GIC_QEMU_A_HPPI][imp->mid_run ? GIC_QEMU_NOT_COMPARABLE
                              : h->model == h->qemu ? GIC_QEMU_AGREE
                                                    : GIC_QEMU_DISAGREE]++;
    }
    unsigned dis = 0;
    for (int a = 0; a < GIC_QEMU_NAREAS; a++) {
        S->comparable += S->n[a][GIC_QEMU_AGREE] + S->n[a][GIC_QEMU_AGREE_DROPPED] + S->n[a][GIC_QEMU_DISAGREE];
        S->agreeing += S->n[a][GIC_QEMU_AGREE] + S->n[a][GIC_QEMU_AGREE_DROPPED];
        dis += S->n[a][GIC_QEMU_DISAGREE];
    }
    /* rounded down to 0.01 so that a single disagreement never prints as 100.00% */
    S->agreement = S->comparable ? floor(10000.0 * S->agreeing / (double)S->comparable) / 100.0 : 100.0;
    unsigned msi_nc = S->n[GIC_QEMU_A_MSI][GIC_QEMU_NOT_COMPARABLE];
    S->mostly_not_comparable = imp->mid_run || (msi_nc > 0 && msi_nc * 2 >= (unsigned)imp->n_msi);

    if (report) {
        fprintf(report, "qemu-compare: area: agree / agree-dropped / disagree / not-comparable\n");
        for (int a = 0; a < GIC_QEMU_NAREAS; a++) {
            fprintf(report, "qemu-compare:   %-27s %7u / %u / %u / %u", gic_qemu_area_name((gic_qemu_area_t)a),
                    S->n[a][0], S->n[a][1], S->n[a][2], S->n[a][3]);
            if (S->allowed[a]) fprintf(report, "  (%u agree outside IMPLEMENTATION DEFINED bits)", S->allowed[a]);
            fprintf(report, "\n");
        }
        fprintf(report, "qemu-compare: agreement %.2f%% of %u comparable cases (%u disagree)\n", S->agreement,
                S->comparable, dis);
        if (imp->mid_run) fprintf(report, "qemu-compare: FAIL: %s: nothing is comparable\n", mid);
        if (S->mostly_not_comparable)
            fprintf(report, "qemu-compare: FAIL: %u of %zu MSIs are not comparable: the agreement says little about "
                            "this log\n", msi_nc, imp->n_msi);
        /* not-comparable MSIs by reason */
        for (size_t i = 0, shown = 0; i < imp->n_msi && shown < 3; i++) {
            const gic_qemu_msi_t *m = &imp->msi[i];
            if (m->cat != GIC_QEMU_NOT_COMPARABLE) continue;
            bool first = true;
            for (size_t j = 0; j < i; j++)
                if (imp->msi[j].cat == GIC_QEMU_NOT_COMPARABLE && imp->msi[j].qemu_reason == m->qemu_reason)
                    first = false;
            if (!first) continue;
            unsigned n = 0;
            for (size_t j = 0; j < imp->n_msi; j++)
                n += imp->msi[j].cat == GIC_QEMU_NOT_COMPARABLE && imp->msi[j].qemu_reason == m->qemu_reason;
            fprintf(report, "  not comparable: %u MSI(s): %s\n", n, m->cause);
            shown++;
        }
        unsigned shown = 0;
        for (size_t i = 0; i < imp->n_msi && shown < max_listed; i++) {
            const gic_qemu_msi_t *m = &imp->msi[i];
            if (m->cat != GIC_QEMU_DISAGREE) continue;
            fprintf(report, "  MSI log line %u (trace line %u): DeviceID 0x%x EventID %u: %s\n", m->log_line,
                    m->trace_line, m->devid, m->eventid, m->cause);
            shown++;
        }
        shown = 0;
        for (size_t i = 0; i < imp->n_cmd && shown < max_listed; i++) {
            const gic_qemu_cmd_t *q = &imp->cmd[i];
            if (q->cat != GIC_QEMU_DISAGREE) continue;
            fprintf(report, "  command log line %u: %s\n", q->log_line, q->cause);
            shown++;
        }
        unsigned shown_a[GIC_QEMU_NAREAS] = {0};
        for (size_t i = 0; i < imp->n_read; i++) {
            const gic_qemu_read_t *r = &imp->read[i];
            if (r->cat != GIC_QEMU_DISAGREE) continue;
            int a = r->kind == 0 ? GIC_QEMU_A_MMIO : is_iar(r->reg) ? GIC_QEMU_A_IAR : GIC_QEMU_A_SYSREG;
            if (shown_a[a]++ >= max_listed) continue;
            if (r->kind == 0)
                fprintf(report, "  read log line %u (trace line %u): %s %u 0x%04x size %u: model 0x%llx, QEMU %s0x%llx\n",
                        r->log_line, r->trace_line, frame_name(r->frame), r->index, r->reg, r->size,
                        (unsigned long long)r->model, r->bad ? "bad read " : "", (unsigned long long)r->qemu);
            else
                fprintf(report, "  read log line %u (trace line %u): cpu%u %s: model 0x%llx, QEMU 0x%llx\n", r->log_line,
                        r->trace_line, r->index, gic_sysreg_name((gic_sysreg_t)r->reg), (unsigned long long)r->model,
                        (unsigned long long)r->qemu);
        }
        shown = 0;
        for (size_t i = 0; i < imp->n_irq && shown < max_listed; i++) {
            const gic_qemu_irq_t *q = &imp->irq[i];
            uint64_t d = (q->model ^ q->level) & q->known;
            if (!d || imp->mid_run) continue;
            fprintf(report, "  IRQ lines before trace line %u: model 0x%llx, QEMU 0x%llx (CPU bit mask, differing 0x%llx)\n",
                    q->trace_line, (unsigned long long)(q->model & q->known), (unsigned long long)q->level,
                    (unsigned long long)d);
            shown++;
        }
        shown = 0;
        for (size_t i = 0; i < imp->n_hppi && shown < max_listed && !imp->mid_run; i++) {
            const gic_qemu_hppi_t *h = &imp->hppi[i];
            if (h->model == h->qemu) continue;
            fprintf(report, "  HPPI before trace line %u: cpu%u: model ICC_HPPIR1 %u, QEMU %u\n", h->trace_line, h->cpu,
                    h->model, h->qemu);
            shown++;
        }
    }
    return (int)dis;
}
