/* ITS command queue and commands (IHI0069 5.3 "ITS commands", GITS_CBASER /
 * GITS_CWRITER / GITS_CREADR semantics).
 *
 * Commands are consumed from CREADR to CWRITER. Each command runs in two
 * phases: phase A (ITS) fetches and decodes the command, runs its handler
 * from the command table (checks, table walks, table writes, cache
 * invalidations) at the time the fetch completes; phase B (redistributor)
 * performs the table's redistributor action through lpi.c when the handler
 * asks for it; completion then moves CREADR (or stalls on an error). Error
 * codes, timing and the error policy: docs/its.md. */
#include "its_internal.h"

#include "lpi.h"
#include "mutant.h"
#include "vpe.h"

#include <string.h>

/* ---- the command table ------------------------------------------------------------ */
/* Phase A of a command at w->t. Returns false on a command error (cmd_fail /
 * walk_error filled c->error and c->reason). Sets c->rd_phase when the
 * redistributor action of the table entry must run. */
typedef bool (*its_cmd_fn)(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                           its_cmd_state_t *c);

typedef struct its_cmd_desc {
    const char *name;        /* IHI0069 mnemonic */
    its_cmd_fn exec;         /* NULL: not implemented by this ITS (UNKNOWN command error) */
    its_rd_action_t rd;      /* redistributor-phase action */
    uint8_t vslot;           /* GICv4 command: statistics slot (16..24); 0 = GICv3 command */
    bool v41;                /* GICv4.1 command: only on a GICv4.1 ITS (GITS_TYPER.VMAPP) */
} its_cmd_desc_t;

static bool cmd_mapd(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_mapc(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_mapti(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_event(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_movi(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_movall(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_invall(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_sync(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vmapp(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vmapti(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vmovi(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vmovp(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vpe(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);
static bool cmd_vsgi(gic_t *, struct gic_its *, const its_cmd_t *, its_walk_t *, its_cmd_state_t *);

/* Every ITS command of IHI0069 (GICv3 physical, GICv4.0 virtual, GICv4.1
 * VSGI and INVDB). The GICv4 commands run only on a GICv4 ITS
 * (GITS_TYPER.Virtual = 1), the GICv4.1 ones only on a GICv4.1 ITS
 * (GITS_TYPER.VMAPP = 1); elsewhere they complete with the UNKNOWN command
 * error, as any opcode outside this table. VMAPP and VMOVP take their
 * GICv4.1 fields on a GICv4.1 ITS. */
static const its_cmd_desc_t cmd_table[ITS_NOPCODES] = {
    [0x01] = {.name = "MOVI", .exec = cmd_movi, .rd = ITS_RD_MOVE},
    [0x03] = {.name = "INT", .exec = cmd_event, .rd = ITS_RD_SET_PENDING},
    [0x04] = {.name = "CLEAR", .exec = cmd_event, .rd = ITS_RD_CLEAR_PENDING},
    [0x05] = {.name = "SYNC", .exec = cmd_sync, .rd = ITS_RD_SYNC},
    [0x08] = {.name = "MAPD", .exec = cmd_mapd, .rd = ITS_RD_NONE},
    [0x09] = {.name = "MAPC", .exec = cmd_mapc, .rd = ITS_RD_NONE},
    [0x0a] = {.name = "MAPTI", .exec = cmd_mapti, .rd = ITS_RD_NONE},
    [0x0b] = {.name = "MAPI", .exec = cmd_mapti, .rd = ITS_RD_NONE},
    [0x0c] = {.name = "INV", .exec = cmd_event, .rd = ITS_RD_INV},
    [0x0d] = {.name = "INVALL", .exec = cmd_invall, .rd = ITS_RD_INVALL},
    [0x0e] = {.name = "MOVALL", .exec = cmd_movall, .rd = ITS_RD_MOVALL},
    [0x0f] = {.name = "DISCARD", .exec = cmd_event, .rd = ITS_RD_CLEAR_PENDING},
    [0x21] = {.name = "VMOVI", .exec = cmd_vmovi, .rd = ITS_RD_VMOVE, .vslot = 16},
    [0x22] = {.name = "VMOVP", .exec = cmd_vmovp, .rd = ITS_RD_VMOVP, .vslot = 17},
    [0x25] = {.name = "VSYNC", .exec = cmd_vpe, .rd = ITS_RD_VSYNC, .vslot = 18},
    [0x29] = {.name = "VMAPP", .exec = cmd_vmapp, .rd = ITS_RD_VCONFIG41, .vslot = 19},
    [0x2a] = {.name = "VMAPTI", .exec = cmd_vmapti, .rd = ITS_RD_NONE, .vslot = 20},
    [0x2b] = {.name = "VMAPI", .exec = cmd_vmapti, .rd = ITS_RD_NONE, .vslot = 21},
    [0x2d] = {.name = "VINVALL", .exec = cmd_vpe, .rd = ITS_RD_VINVALL, .vslot = 22},
    /* GICv4.1 */
    [0x23] = {.name = "VSGI", .exec = cmd_vsgi, .rd = ITS_RD_VCONFIG41, .vslot = 23, .v41 = true},
    [0x2e] = {.name = "INVDB", .exec = cmd_vpe, .rd = ITS_RD_INVDB, .vslot = 24, .v41 = true},
};

enum {
    OP_MAPI = 0x0b, OP_INT = 0x03, OP_INV = 0x0c, OP_DISCARD = 0x0f, OP_CLEAR = 0x04,
    OP_VMAPI = 0x2b
};

static const its_cmd_desc_t *cmd_desc(uint32_t op) { return op < ITS_NOPCODES ? &cmd_table[op] : NULL; }

const char *its_cmd_name(uint32_t op)
{
    const its_cmd_desc_t *d = cmd_desc(op);
    return d ? d->name : NULL;
}

/* Statistics: one slot per implemented GICv3 command (its opcode, below 16),
 * the GICv4 commands in slots 16..24, UNKNOWN = 25. */
unsigned its_cmd_slot(unsigned op)
{
    const its_cmd_desc_t *d = cmd_desc(op);
    if (!d || !d->exec) return ITS_SLOT_UNKNOWN;
    if (d->vslot) return d->vslot;
    return op < 16 ? op : ITS_SLOT_UNKNOWN;
}

const char *its_cmd_slot_name(unsigned slot)
{
    if (slot == ITS_SLOT_UNKNOWN) return "UNKNOWN";
    if (slot < 16) {
        const its_cmd_desc_t *d = cmd_desc(slot);
        return d && d->exec && !d->vslot ? d->name : NULL;
    }
    for (unsigned op = 0; op < ITS_NOPCODES; op++)
        if (cmd_table[op].vslot == slot) return cmd_table[op].name;
    return NULL;
}

/* ---- errors -------------------------------------------------------------------------- */
/* CLEAR reports its errors as 0x0105xx (GIC-600 TRM CLEAR_*; Linux KVM E_ITS_CLEAR_*). */
static uint32_t err_code(unsigned op, unsigned type)
{
    uint32_t eop = op == OP_CLEAR ? 0x05u : (uint32_t)op;
    return 0x010000u | (eop << 8) | (uint32_t)type;
}

static bool cmd_fail(its_cmd_state_t *c, unsigned type, const char *why)
{
    c->error = err_code(c->op, type);
    c->reason = why;
    return false;
}

static bool mem_fail(its_cmd_state_t *c)
{
    c->error = ITS_ERR_MEM;
    c->reason = "mem_error";
    return false;
}

/* The error of a failed walk (memory error, else the walk's type and reason). */
static bool walk_error(its_cmd_state_t *c, const its_walk_t *w)
{
    if (w->mem_err) return mem_fail(c);
    return cmd_fail(c, w->type, its_reason_names[w->reason]);
}

static bool mem_write(gic_t *g, struct gic_its *its, its_walk_t *w, its_cmd_state_t *c,
                      mem_cls_t cls, uint64_t addr, uint64_t v)
{
    return its_mem(g, its, w, cls, true, addr, &v) == GIC_OK || mem_fail(c);
}

static bool ite_write(gic_t *g, struct gic_its *its, its_walk_t *w, its_cmd_state_t *c,
                      uint64_t addr, const its_ite_t *e)
{
    return its_write_ite(g, its, w, addr, e) == GIC_OK || mem_fail(c);
}

/* ---- handlers ----------------------------------------------------------------------- */
/* IHI0069 MAPD: DeviceID beyond GITS_TYPER.Devbits or the device table ->
 * DEVICE_OOR; Size+1 beyond ID_bits -> ITTSIZE_OOR. */
static bool cmd_mapd(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                     its_cmd_state_t *c)
{
    if (!its_walk_dte(g, its, w, cmd->devid, true)) return walk_error(c, w);
    if (cmd->valid && cmd->size + 1u > g->cfg.its_eventid_bits)
        return cmd_fail(c, E_ITTSIZE_OOR, "itt_size_oor");
    its_dte_t dte = {cmd->valid, (uint8_t)(cmd->size + 1), cmd->itt_addr};
    its_inval_device(its, cmd->devid); /* MAPD drops the device and all its events */
    return mem_write(g, its, w, c, MEM_CLS_DEVICE, w->dte_addr, its_dte_pack(&dte));
}

static bool cmd_mapc(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                     its_cmd_state_t *c)
{
    uint32_t cpu = 0;
    if (!its_icid_in_range(g, cmd->icid)) return cmd_fail(c, E_COLLECTION_OOR, "collection_oor");
    if (cmd->valid && !its_rdbase_cpu(g, cmd->rdbase, &cpu)) return cmd_fail(c, E_RDBASE_OOR, "rdbase_oor");
    its_cte_t cte = {cmd->valid, cmd->valid ? cpu : 0};
    cache_invalidate(its->c_coll, cmd->icid);
    if (cmd->icid < g->cfg.its_hcc) {
        its->coll_hcc[cmd->icid] = cte;
        return true;
    }
    uint64_t a;
    if (!its_cte_addr(g, its, w, cmd->icid, &a)) {
        if (w->mem_err) return walk_error(c, w);
        return cmd_fail(c, E_COLLECTION_OOR, "collection_oor");
    }
    return mem_write(g, its, w, c, MEM_CLS_COLL, a, its_cte_pack(&cte));
}

/* MAPTI and MAPI (pINTID = EventID). */
static bool cmd_mapti(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                      its_cmd_state_t *c)
{
    uint32_t pintid = cmd->opcode == OP_MAPI ? cmd->eventid : cmd->pintid;
    if (!its_walk_dte(g, its, w, cmd->devid, false)) return walk_error(c, w);
    if (!its_walk_ite(g, its, w, cmd->devid, cmd->eventid, false)) return walk_error(c, w);
    if (!lpi_valid_intid(g, pintid)) return cmd_fail(c, E_PHYSICALID_OOR, "physicalid_oor");
    if (!its_icid_in_range(g, cmd->icid)) return cmd_fail(c, E_COLLECTION_OOR, "collection_oor");
    its_inval_event(its, cmd->devid, cmd->eventid);
    its_ite_t ite = {true, ITS_ITE_PHYSICAL, (uint16_t)cmd->icid, 0, pintid, ITS_INTID_NONE};
    return ite_write(g, its, w, c, w->ite_addr, &ite);
}

/* INT, CLEAR, INV, DISCARD: the event's LPI at its collection's target. */
static bool cmd_event(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                      its_cmd_state_t *c)
{
    bool discard = cmd->opcode == OP_DISCARD;
    if (!its_walk_full(g, its, w, cmd->devid, cmd->eventid)) {
        /* DISCARD of an ITE whose collection is unmapped still removes the mapping. */
        if (!(discard && !w->mem_err &&
              (w->type == E_UNMAPPED_COLLECTION || w->type == E_UNMAPPED_VPE)))
            return walk_error(c, w);
    } else {
        c->rd_phase = !((GICTLM_MUTANT_IS(2) && discard) || (GICTLM_MUTANT_IS(6) && cmd->opcode == OP_INV));
    }
    c->cpu = w->cpu;
    c->intid = w->intid;
    if (w->virt) { /* GICv4: an event mapped to a vLPI (the vPE's VPT, doorbell) */
        c->virt = true;
        c->vpe = its_vpe_ref(w->ite.vpeid, &w->vpe);
        c->db = w->ite.db_intid;
    }
    if (!discard) return true;
    its_inval_event(its, cmd->devid, cmd->eventid);
    its_ite_t none;
    memset(&none, 0, sizeof none);
    return ite_write(g, its, w, c, w->ite_addr, &none);
}

static bool cmd_movi(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                     its_cmd_state_t *c)
{
    if (!its_walk_dte(g, its, w, cmd->devid, false) || !its_walk_ite(g, its, w, cmd->devid, cmd->eventid, true))
        return walk_error(c, w);
    /* MOVI moves a physical LPI between collections; a virtual event moves
     * with VMOVI: an error whatever its vPE's mapping, so checked before the
     * collection (or vPE) look-up, as QEMU's process_movi does. */
    if (w->ite.type == ITS_ITE_VIRTUAL) return cmd_fail(c, E_WRONG_TYPE, "virtual_event");
    if (!its_walk_cte(g, its, w, w->ite.icid)) return walk_error(c, w);
    uint32_t from = w->cpu;
    its_ite_t ite = w->ite;
    uint64_t ite_addr = w->ite_addr;
    if (!its_walk_cte(g, its, w, cmd->icid)) return walk_error(c, w);
    if (!GICTLM_MUTANT_IS(4)) its_inval_event(its, cmd->devid, cmd->eventid);
    ite.icid = (uint16_t)cmd->icid;
    if (!ite_write(g, its, w, c, ite_addr, &ite)) return false;
    c->cpu = from;
    c->cpu2 = w->cpu;
    c->intid = ite.intid;
    c->rd_phase = from != w->cpu && !GICTLM_MUTANT_IS(3);
    return true;
}

static bool cmd_movall(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                       its_cmd_state_t *c)
{
    (void)w;
    /* Codes as the GIC-600 (MOVALL_TGT_OOR / MOVALL_DST_TGT_OOR). */
    uint32_t a, b;
    if (!its_rdbase_cpu(g, cmd->rdbase, &a)) return cmd_fail(c, E_TGT_OOR, "rdbase_oor");
    if (!its_rdbase_cpu(g, cmd->rdbase2, &b)) return cmd_fail(c, E_DST_TGT_OOR, "rdbase2_oor");
    /* MOVALL retargets everything at RDbase1; software then remaps the
     * collections that named it (IHI0069 MOVALL usage: MOVALL is followed
     * by MAPC). The ITS drops cached collections that target RDbase1 so
     * that no translation after MOVALL uses a copy taken before it (an ITS
     * may drop cached entries at any time: this is always safe). Collections
     * held in the ITS (ICID < HCC) are the table itself and are kept. */
    if (a != b) its_inval_coll_cpu(its, a);
    c->cpu = a;
    c->cpu2 = b;
    c->rd_phase = a != b;
    return true;
}

static bool cmd_invall(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                       its_cmd_state_t *c)
{
    if (!its_walk_cte(g, its, w, cmd->icid)) return walk_error(c, w);
    c->cpu = w->cpu;
    c->rd_phase = !GICTLM_MUTANT_IS(1);
    return true;
}

static bool cmd_sync(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                     its_cmd_state_t *c)
{
    (void)its;
    (void)w;
    uint32_t cpu;
    if (!its_rdbase_cpu(g, cmd->rdbase, &cpu)) return cmd_fail(c, E_RDBASE_OOR, "rdbase_oor");
    c->cpu = cpu;
    c->rd_phase = true;
    return true;
}

/* ---- GICv4.0 virtual commands (IHI0069 5.3: VMAPP, VMAPTI, VMAPI, VMOVI,
 * VMOVP, VSYNC, VINVALL). Checks in the order of the command's pseudocode;
 * error types (E_VPEID_OOR ..) are documented in docs/its.md. ---------------- */

/* A doorbell field: 1023 (none) or a physical LPI INTID. */
static bool doorbell_ok(const gic_t *g, uint32_t db)
{
    return db == ITS_INTID_NONE || lpi_valid_intid(g, db);
}

/* A vINTID: an LPI INTID (IHI0069: vLPIs use the LPI INTID space). */
static bool vintid_ok(const gic_t *g, uint32_t vintid, unsigned id_bits)
{
    return lpi_valid_intid(g, vintid) && (id_bits >= 32 || vintid < (1u << id_bits));
}

/* A vPE table entry in this ITS's format (16 bytes; GICv4.1: 32 bytes). */
static bool vpe_write(gic_t *g, struct gic_its *its, its_walk_t *w, its_cmd_state_t *c,
                      uint64_t addr, const its_vpete_t *e)
{
    uint8_t b[ITS_VPETE_BYTES_V41];
    unsigned n = its_vpete_bytes(its->v41);
    its_vpete_encode_v(b, n, its->v41, e);
    return its_mem_bytes(g, its, w, MEM_CLS_DEVICE, true, addr, b, n) == GIC_OK || mem_fail(c);
}

/* The whole entry from memory (a GICv4.1 command that rewrites part of it
 * keeps the rest: the vPE cache holds only what translation needs). */
static bool vpe_read(gic_t *g, struct gic_its *its, its_walk_t *w, its_cmd_state_t *c, uint64_t addr,
                     its_vpete_t *e)
{
    uint8_t b[ITS_VPETE_BYTES_V41];
    unsigned n = its_vpete_bytes(its->v41);
    if (its_mem_bytes(g, its, w, MEM_CLS_DEVICE, false, addr, b, n) != GIC_OK) return mem_fail(c);
    its_vpete_decode_v(b, n, its->v41, e);
    return true;
}

/* VMAPP: vPEID -> (RDbase, VPT address, VPT_size); V = 0 unmaps. */
static bool cmd_vmapp(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                      its_cmd_state_t *c)
{
    if (!its_walk_vpe(g, its, w, cmd->vpeid, true)) return walk_error(c, w);
    if (its->v41 && !cmd->valid && !cmd->alloc) {
        /* GICv4.1 VMAPP V = 0 with Alloc = 0: not the last unmap (IHI0069
         * VMAPP, Alloc: with V = 0 it says whether the vPE is deallocated;
         * Linux its_build_vmapp_cmd sends Alloc = "last unmap"). The vPE
         * stays mapped through another ITS and valid for the redistributors,
         * which share the vPE table (GITS_TYPER.SVPET): the entry is left as
         * it is, this ITS only drops its cached copy. V = 0 with Alloc = 1
         * invalidates the entry (below). */
        its_inval_vpe(its, cmd->vpeid);
        return true;
    }
    uint32_t cpu = 0;
    if (cmd->valid && !its_rdbase_cpu(g, cmd->vrdbase, &cpu)) return cmd_fail(c, E_RDBASE_OOR, "rdbase_oor");
    /* VPT_size: vINTID bits - 1; at least the 14 bits of an LPI INTID, at most
     * the INTID bits of the GIC (GICD_TYPER.IDbits + 1). */
    unsigned bits = cmd->vpt_size + 1u;
    if (cmd->valid && (bits < 14 || bits > g->cfg.lpi_id_bits))
        return cmd_fail(c, E_VPT_SIZE_OOR, "vpt_size_oor");
    its_vpete_t e = {cmd->valid, cmd->valid ? cmd->vpt_addr : 0, (uint8_t)(cmd->valid ? bits : 1),
                     cmd->valid ? cpu : 0, ITS_INTID_NONE, 0, 0, 0, 0};
    if (its->v41 && cmd->valid) {
        /* GICv4.1 VMAPP: default doorbell (1023 = none) and the VCONF
         * (vLPI configuration table) address. Alloc = 0 maps a vPE another
         * ITS already mapped: its vSGI configuration stays; Alloc = 1
         * allocates it afresh (vSGIs disabled). PTZ: the VPT is zero (the
         * model reads it anyway: Linux stopped setting it). */
        if (!doorbell_ok(g, cmd->vmapp_db)) return cmd_fail(c, E_PHYSICALID_OOR, "doorbell_oor");
        e.default_db = cmd->vmapp_db;
        e.vconf_addr = cmd->vconf_addr;
        if (!cmd->alloc) {
            its_vpete_t old;
            if (!vpe_read(g, its, w, c, w->vpe_addr, &old)) return false;
            if (old.valid) {
                e.vsgi_en = old.vsgi_en;
                e.vsgi_grp = old.vsgi_grp;
                e.vsgi_prio = old.vsgi_prio;
            }
        }
        c->cfg41 = true;
        c->e41 = e;
        c->clear_vsgi = -1;
        c->alloc41 = cmd->alloc;
        c->vpe = its_vpe_ref(cmd->vpeid, &e);
        c->virt = true;
        c->rd_phase = true;
    }
    its_inval_vpe(its, cmd->vpeid);
    return vpe_write(g, its, w, c, w->vpe_addr, &e);
}

/* VMAPTI and VMAPI (vINTID = EventID): the event becomes a vLPI of a vPE. */
static bool cmd_vmapti(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                       its_cmd_state_t *c)
{
    uint32_t vintid = cmd->opcode == OP_VMAPI ? cmd->eventid : cmd->vintid;
    if (!its_walk_dte(g, its, w, cmd->devid, false)) return walk_error(c, w);
    if (!its_walk_ite(g, its, w, cmd->devid, cmd->eventid, false)) return walk_error(c, w);
    uint64_t ite_addr = w->ite_addr;
    if (!vintid_ok(g, vintid, 32)) return cmd_fail(c, E_VIRTUALID_OOR, "virtualid_oor");
    if (!doorbell_ok(g, cmd->db_intid)) return cmd_fail(c, E_PHYSICALID_OOR, "doorbell_oor");
    if (!its_walk_vpe(g, its, w, cmd->vpeid, true)) return walk_error(c, w);
    its_inval_event(its, cmd->devid, cmd->eventid);
    its_ite_t ite = {true, ITS_ITE_VIRTUAL, 0, (uint16_t)cmd->vpeid, vintid, cmd->db_intid};
    return ite_write(g, its, w, c, ite_addr, &ite);
}

/* VMOVI: a virtual event moves to another vPE (and, with D = 1, another doorbell). */
static bool cmd_vmovi(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                      its_cmd_state_t *c)
{
    if (!its_walk_dte(g, its, w, cmd->devid, false)) return walk_error(c, w);
    if (!its_walk_ite(g, its, w, cmd->devid, cmd->eventid, true)) return walk_error(c, w);
    its_ite_t ite = w->ite;
    uint64_t ite_addr = w->ite_addr;
    if (ite.type != ITS_ITE_VIRTUAL) return cmd_fail(c, E_WRONG_TYPE, "physical_event");
    if (cmd->db_valid && !doorbell_ok(g, cmd->db_intid)) return cmd_fail(c, E_PHYSICALID_OOR, "doorbell_oor");
    if (!its_walk_vpe(g, its, w, ite.vpeid, false)) return walk_error(c, w);
    vpe_ref_t from = its_vpe_ref(ite.vpeid, &w->vpe);
    if (!its_walk_vpe(g, its, w, cmd->vpeid, false)) return walk_error(c, w);
    vpe_ref_t to = its_vpe_ref(cmd->vpeid, &w->vpe);
    if (!vintid_ok(g, ite.intid, from.vpt_id_bits) || !vintid_ok(g, ite.intid, to.vpt_id_bits))
        return cmd_fail(c, E_VIRTUALID_OOR, "virtualid_oor");
    its_inval_event(its, cmd->devid, cmd->eventid);
    ite.vpeid = (uint16_t)cmd->vpeid;
    if (cmd->db_valid) ite.db_intid = cmd->db_intid;
    if (!ite_write(g, its, w, c, ite_addr, &ite)) return false;
    c->virt = true;
    c->vpe = from;
    c->vpe2 = to;
    c->intid = ite.intid;
    c->db = ite.db_intid;
    /* The pending state moves only between different VPTs. */
    c->rd_phase = from.vpt_pa != to.vpt_pa;
    return true;
}

/* VMOVP on one ITS: rewrite the target of its vPE table entry. */
static bool vmovp_update(gic_t *g, struct gic_its *its, its_walk_t *w, its_cmd_state_t *c,
                         uint32_t vpeid, uint64_t addr, its_vpete_t e, uint32_t cpu)
{
    e.target = cpu;
    its_inval_vpe(its, vpeid);
    return vpe_write(g, its, w, c, addr, &e);
}

static bool in_itslist(const struct gic_its *o, uint16_t list) { return (list >> o->its_number) & 1; }

/* The held VMOVPs of an ITS (GITS_TYPER.VMOVP == 0): index of (seq, vPEID), or -1. */
static int vmovp_find(const struct gic_its *its, uint16_t seq, uint32_t vpeid)
{
    for (uint32_t i = 0; i < its->vmovp_n; i++)
        if (its->vmovp_held[i].seq == seq && its->vmovp_held[i].vpeid == vpeid) return (int)i;
    return -1;
}

static void vmovp_drop(struct gic_its *its, uint16_t seq, uint32_t vpeid)
{
    int i = vmovp_find(its, seq, vpeid);
    if (i < 0) return;
    its->vmovp_n--;
    memmove(&its->vmovp_held[i], &its->vmovp_held[i + 1], (its->vmovp_n - (uint32_t)i) * sizeof its->vmovp_held[0]);
}

/* VMOVP: the vPE is hosted by another redistributor. GITS_TYPER.VMOVP == 1
 * (its.vmovp_single): this one command updates the vPE table of every ITS
 * that maps the vPE. VMOVP == 0: software issues every VMOVP, with its
 * SequenceNumber and ITSList, to every ITS of ITSList, in the same order on
 * each ITS (IHI0069 VMOVP; Linux its_send_vmovp). The ITSs progress at
 * their own speed, so one may execute several VMOVPs before another
 * executes the first: each ITS updates its own table and holds the VMOVP
 * (SequenceNumber, vPEID) until every ITS of ITSList has executed it; the
 * one that completes the set does the redistributor move, once. */
static bool cmd_vmovp(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                      its_cmd_state_t *c)
{
    uint32_t cpu;
    if (!its_walk_vpe(g, its, w, cmd->vpeid, true)) return walk_error(c, w);
    if (!its_rdbase_cpu(g, cmd->vrdbase, &cpu)) return cmd_fail(c, E_RDBASE_OOR, "rdbase_oor");
    bool single = g->cfg.its_vmovp_single != 0;
    if (!single && !in_itslist(its, cmd->itslist)) return cmd_fail(c, E_ITSLIST, "not_in_itslist");
    if (!its_walk_vpe(g, its, w, cmd->vpeid, false)) return walk_error(c, w);
    its_vpete_t e = w->vpe;
    uint64_t addr = w->vpe_addr;
    if (its->v41) {
        /* GICv4.1: the whole entry (rewritten below), and with DB = 1 a new
         * default doorbell */
        if (!its_walk_vpe(g, its, w, cmd->vpeid, true)) return walk_error(c, w);
        addr = w->vpe_addr;
        if (!vpe_read(g, its, w, c, addr, &e)) return false;
        if (cmd->vmovp_db_valid) {
            if (!doorbell_ok(g, cmd->vmovp_db)) return cmd_fail(c, E_PHYSICALID_OOR, "doorbell_oor");
            e.default_db = cmd->vmovp_db;
        }
    }
    /* An ITS holds at most ITS_VMOVP_HELD incomplete VMOVPs: one more (other
     * ITSs of ITSList that far behind) is refused before any table write. */
    if (!single && its->vmovp_n >= ITS_VMOVP_HELD && vmovp_find(its, cmd->seqnum, cmd->vpeid) < 0)
        return cmd_fail(c, E_VMOVP_FULL, "vmovp_held_full");
    c->vpe = its_vpe_ref(cmd->vpeid, &e);
    if (!vmovp_update(g, its, w, c, cmd->vpeid, addr, e, cpu)) return false;
    c->vpe2 = c->vpe;
    c->vpe2.rd = cpu;
    c->virt = true;
    if (its->v41) {
        c->cfg41 = true;
        c->e41 = e;
        c->e41.target = cpu;
    }
    if (single) {
        for (uint32_t i = 0; i < g->cfg.num_its; i++) {
            struct gic_its *o = its_of(g, i);
            if (!o || o == its || !o->v4) continue;
            its_walk_t ow;
            memset(&ow, 0, sizeof ow);
            ow.t = w->t;
            uint64_t oa;
            uint8_t b[ITS_VPETE_BYTES_V41];
            its_vpete_t oe;
            if (!its_vpe_addr(g, o, &ow, cmd->vpeid, &oa)) { w->t = ow.t; continue; }
            if (its_mem_bytes(g, o, &ow, MEM_CLS_DEVICE, false, oa, b, ITS_VPETE_BYTES) != GIC_OK) {
                w->t = ow.t;
                return mem_fail(c);
            }
            if (o->v41 && its_mem_bytes(g, o, &ow, MEM_CLS_DEVICE, false, oa, b, ITS_VPETE_BYTES_V41) != GIC_OK) {
                w->t = ow.t;
                return mem_fail(c);
            }
            its_vpete_decode_v(b, its_vpete_bytes(o->v41), o->v41, &oe);
            if (o->v41 && cmd->vmovp_db_valid) oe.default_db = cmd->vmovp_db;
            if (oe.valid && !vmovp_update(g, o, &ow, c, cmd->vpeid, oa, oe, cpu)) {
                w->t = ow.t;
                return false;
            }
            w->t = ow.t;
        }
        c->rd_phase = c->vpe.rd != cpu || c->cfg41;
        return true;
    }
    if (vmovp_find(its, cmd->seqnum, cmd->vpeid) < 0)
        its->vmovp_held[its->vmovp_n++] = (its_vmovp_held_t){cmd->seqnum, cmd->vpeid};
    /* Complete when every ITS of ITSList (that exists) has executed this VMOVP. */
    for (uint32_t i = 0; i < g->cfg.num_its; i++) {
        struct gic_its *o = its_of(g, i);
        if (!o || !in_itslist(o, cmd->itslist)) continue;
        if (vmovp_find(o, cmd->seqnum, cmd->vpeid) < 0)
            return true; /* others still to come: no redistributor move yet */
    }
    for (uint32_t i = 0; i < g->cfg.num_its; i++) {
        struct gic_its *o = its_of(g, i);
        if (o && in_itslist(o, cmd->itslist)) vmovp_drop(o, cmd->seqnum, cmd->vpeid);
    }
    c->rd_phase = c->vpe.rd != cpu || c->cfg41;
    return true;
}

/* VSYNC, VINVALL and (GICv4.1) INVDB: the vPE's redistributor, which does
 * the work (.rd). INVDB (Linux its_vpe_4_1_send_inv after masking or
 * unmasking the doorbell) makes it re-read the vPE's default doorbell
 * configuration. Checks: VPEID_OOR 10, UNMAPPED_VPE 11. */
static bool cmd_vpe(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                    its_cmd_state_t *c)
{
    if (!its_walk_vpe(g, its, w, cmd->vpeid, false)) return walk_error(c, w);
    c->virt = true;
    c->vpe = its_vpe_ref(cmd->vpeid, &w->vpe);
    c->rd_phase = true;
    return true;
}

/* ---- GICv4.1 commands ------------------------------------------------------------------ */
/* VSGI (IHI0069 GICv4.1; Linux its_build_vsgi_cmd): the configuration of
 * vSGI vINTID of a vPE (priority[7:4], group, enable) is written into its
 * vPE table entry and reaches the redistributors; C = 1 also clears the
 * vSGI's pending state. Checks: VPEID_OOR 10, UNMAPPED_VPE 11. */
static bool cmd_vsgi(gic_t *g, struct gic_its *its, const its_cmd_t *cmd, its_walk_t *w,
                     its_cmd_state_t *c)
{
    if (!its_walk_vpe(g, its, w, cmd->vpeid, true)) return walk_error(c, w);
    uint64_t addr = w->vpe_addr;
    its_vpete_t e;
    if (!vpe_read(g, its, w, c, addr, &e)) return false;
    if (!e.valid || e.target >= g->cfg.num_cpus) return cmd_fail(c, E_UNMAPPED_VPE, "unmapped_vpe");
    unsigned n = cmd->sgi_intid;
    uint16_t bit = (uint16_t)(1u << n);
    e.vsgi_en = cmd->sgi_enable ? (uint16_t)(e.vsgi_en | bit) : (uint16_t)(e.vsgi_en & ~bit);
    e.vsgi_grp = cmd->sgi_group ? (uint16_t)(e.vsgi_grp | bit) : (uint16_t)(e.vsgi_grp & ~bit);
    e.vsgi_prio = (e.vsgi_prio & ~(0xfull << (4 * n))) | ((uint64_t)(cmd->sgi_prio & 0xf) << (4 * n));
    if (!vpe_write(g, its, w, c, addr, &e)) return false;
    c->virt = true;
    c->vpe = its_vpe_ref(cmd->vpeid, &e);
    c->cfg41 = true;
    c->e41 = e;
    c->clear_vsgi = cmd->sgi_clear ? (int)n : -1;
    c->rd_phase = true;
    return true;
}


/* ---- command queue ----------------------------------------------------------------- */
uint64_t its_cmdq_bytes(const struct gic_its *its) { return ((its->cbaser & 0xff) + 1) * 0x1000; }
static uint64_t cmdq_base(const struct gic_its *its) { return its->cbaser & 0x000ffffffffff000ull; }

/* A GITS_CWRITER outside the queue (left there by a GITS_CBASER write that
 * shrank the queue) makes the queue invalid until GITS_CWRITER is written in
 * range: the first CONSTRAINED UNPREDICTABLE choice of IHI0069 GITS_CWRITER
 * (CREADR would never reach it). */
static bool cmdq_can_run(const struct gic_its *its)
{
    return its->enabled && (its->cbaser & ITS_ENT_VALID) && !its->stalled && !its->cmd.active &&
           its->creadr != its->cwriter && its->cwriter < its_cmdq_bytes(its);
}

static void cmd_start_drained(gic_t *g, struct gic_its *its);

/* Command completion: CREADR passes the command (or stalls on it). */
static void ev_cmd_done(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its) return;
    its_cmd_state_t *c = &its->cmd;
    unsigned s = its_cmd_slot(c->op);
    if (!its->cmd_count[s]) s = ITS_SLOT_UNKNOWN; /* a GICv4 command on a GICv3 ITS */
    gic_inc(its->cmd_count[s]);
    if (c->error) {
        gic_inc(its->cmd_errors);
        gic_error(g, "its_cmd_error", its->name, "%s at CREADR 0x%llx: error 0x%06x (%s)%s",
                  its_cmd_slot_name(s), (unsigned long long)its->creadr, c->error,
                  c->reason ? c->reason : "", g->cfg.its_error_policy == GIC_ITS_ERR_STALL
                                                  ? ": command queue stalled"
                                                  : ": skipped");
    }
    if (c->error && g->cfg.its_error_policy == GIC_ITS_ERR_STALL) {
        its->stalled = true; /* GITS_CREADR.Stalled; CREADR stays on the command */
    } else {
        hist_add(its->cmd_lat[s], g->now - c->t_release);
        its->creadr += ITS_CMD_BYTES;
        if (its->creadr >= its_cmdq_bytes(its)) its->creadr = 0; /* wrap-around */
    }
    gic_output_t o = gic_output_now(g, GIC_OUT_CMD);
    o.its = its->index;
    o.code = c->op;
    o.value = its->creadr | (its->stalled ? 1u : 0u);
    o.error = c->error;
    o.reason = c->reason;
    gic_emit(g, &o);
    c->active = false;
    its_release_waiting_msis(g, its);
    if (cmdq_can_run(its)) cmd_start_drained(g, its);
}

/* Phase B: the request reaches the redistributor(s); the table names the action. */
static void ev_cmd_lpi(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its) return;
    its_cmd_state_t *c = &its->cmd;
    gic_time_t t = g->now;
    const char *reason = NULL;
    if (c->virt) {
        /* GICv4: the event's vLPI at its vPE (vpe.h) */
        switch (cmd_desc(c->op)->rd) {
        case ITS_RD_SET_PENDING:
            if (vpe_set_pending(g, &c->vpe, c->intid, c->db, g->now, &reason, NULL) == GIC_MSI_DROPPED)
                gic_log(g, GIC_LOG_WARN, its->name, "INT: vLPI %u of vPE %u not made pending: %s",
                        c->intid, c->vpe.vpeid, reason ? reason : "?");
            break;
        case ITS_RD_CLEAR_PENDING: t = vpe_clear_pending(g, &c->vpe, c->intid); break;
        case ITS_RD_INV: t = vpe_inv(g, &c->vpe, c->intid); break;
        case ITS_RD_VINVALL: t = vpe_invall(g, &c->vpe); break;
        case ITS_RD_VMOVE: t = vpe_move_pending(g, &c->vpe, &c->vpe2, c->intid, c->db); break;
        case ITS_RD_VMOVP: t = vpe_moved(g, &c->vpe, &c->vpe2); break;
        case ITS_RD_VSYNC: t = vpe_sync(g, &c->vpe); break;
        case ITS_RD_VCONFIG41: if (c->cfg41) t = vpe_config41(g, &c->vpe, &c->e41, c->clear_vsgi, c->alloc41); break;
        case ITS_RD_INVDB: t = vpe_invdb(g, &c->vpe); break;
        default: break;
        }
        /* GICv4.1 VMOVP: the default doorbell travels with the vPE */
        if (c->cfg41 && cmd_desc(c->op)->rd == ITS_RD_VMOVP) vpe_config41(g, &c->vpe2, &c->e41, -1, false);
        gic_schedule(g, t, ev_cmd_done, its->index, 0, 0, 0);
        return;
    }
    switch (cmd_desc(c->op)->rd) {
    case ITS_RD_SET_PENDING:
        if (lpi_set_pending(g, c->cpu, c->intid, g->now, &reason) == GIC_MSI_DROPPED)
            gic_log(g, GIC_LOG_WARN, its->name, "INT: LPI %u not made pending at CPU %u: %s",
                    c->intid, c->cpu, reason ? reason : "?");
        break;
    case ITS_RD_CLEAR_PENDING: t = lpi_clear_pending(g, c->cpu, c->intid); break;
    case ITS_RD_INV: t = lpi_inv(g, c->cpu, c->intid); break;
    case ITS_RD_INVALL: t = lpi_invall(g, c->cpu); break;
    case ITS_RD_MOVE: t = lpi_move(g, c->cpu, c->cpu2, c->intid); break;
    case ITS_RD_MOVALL: t = lpi_movall(g, c->cpu, c->cpu2); break;
    case ITS_RD_SYNC: t = lpi_sync(g, c->cpu); break;
    default: break;
    }
    gic_schedule(g, t, ev_cmd_done, its->index, 0, 0, 0);
}

/* Phase A at g->now: fetch the command at CREADR, decode it, run its handler;
 * schedule phase B (redistributor) or completion. */
static void cmd_start(gic_t *g, struct gic_its *its)
{
    its_cmd_state_t *c = &its->cmd;
    memset(c, 0, sizeof(*c));
    c->active = true;
    size_t slot = (size_t)(its->creadr / ITS_CMD_BYTES);
    c->t_release = its->release && slot < its->release_n ? its->release[slot] : g->now;
    its_walk_t w;
    memset(&w, 0, sizeof(w));
    w.t = g->now;
    uint8_t b[ITS_CMD_BYTES];
    gic_time_t done;
    gic_status_t st = mem_access_agent(g, &its->agent, MEM_CLS_CMDQ, w.t, false,
                                       cmdq_base(its) + its->creadr, b, ITS_CMD_BYTES, &done);
    w.t = done + gic_cycles(g, g->cfg.its_cmd_decode_cycles);
    its_cmd_t cmd;
    its_cmd_decode(b, &cmd);
    c->op = cmd.opcode;
    const its_cmd_desc_t *d = cmd_desc(cmd.opcode);
    if (st != GIC_OK) {
        c->error = ITS_ERR_MEM;
        c->reason = "cmdq_mem_error";
    } else if (!d || !d->exec || (d->vslot && !its->v4) || (d->v41 && !its->v41)) {
        cmd_fail(c, E_UNKNOWN_CMD, "unknown_command");
    } else {
        d->exec(g, its, &cmd, &w, c);
    }
    if (c->error) c->rd_phase = false;
    if (c->rd_phase) gic_schedule(g, w.t, ev_cmd_lpi, its->index, 0, 0, 0);
    else gic_schedule(g, w.t, ev_cmd_done, its->index, 0, 0, 0);
}

/* A ready command starts once the translations accepted before it have left
 * the pipeline (their LPIs pending, or their drops decided). Commands and
 * translations share the pipeline, so a command is not overtaken by an
 * earlier MSI: a DISCARD, MOVI or MAPD that follows an MSI acts on the
 * pending state that MSI made, and a SYNC completes after it (IHI0069 SYNC:
 * "all outstanding ITS operations associated with physical interrupts for
 * the Redistributor ... are globally observed"). */
static void ev_cmd_drained(gic_t *g, const gic_event_t *ev)
{
    struct gic_its *its = its_of(g, ev->a);
    if (!its || !its->cmd_draining) return;
    its->cmd_draining = false;
    if (cmdq_can_run(its)) cmd_start(g, its);
    else its_release_waiting_msis(g, its); /* (the queue was stopped meanwhile) */
}

static void cmd_start_drained(gic_t *g, struct gic_its *its)
{
    if (its->cmd_draining) return; /* ev_cmd_drained starts it */
    gic_time_t t = its_pipeline_drained(g, its);
    if (t <= g->now) {
        cmd_start(g, its);
        return;
    }
    its->cmd_draining = true;
    gic_inc(its->cmd_drain_waits);
    if (!gic_schedule(g, t, ev_cmd_drained, its->index, 0, 0, 0)) {
        its->cmd_draining = false; /* (no event: start now rather than never) */
        cmd_start(g, its);
    }
}

void its_cmdq_kick(gic_t *g, struct gic_its *its)
{
    if (cmdq_can_run(its)) cmd_start_drained(g, its);
}
