/* ITS table entries and commands, decoded once (IHI0069 5.2 "The ITS tables",
 * 5.3 "ITS commands").
 *
 * The architecture leaves the in-memory formats of the device table, the
 * interrupt translation tables (ITT), the collection table and the vPE table
 * IMPLEMENTATION DEFINED; gictlm's formats are documented in docs/its.md and
 * exist only here: every other file of the ITS works on the typed structs
 * below and never on the bits of an entry or of a command.
 *
 * Entry sizes (GITS_BASER<n>.Entry_Size, GITS_TYPER.ITT_entry_size):
 *  - DTE, CTE: 8 bytes;
 *  - ITE: 8 bytes in the physical format (GITS_TYPER.Virtual = 0: every ITE is
 *    a physical one), 16 bytes in the GICv4 format (GITS_TYPER.Virtual = 1:
 *    type, vPEID, vINTID and doorbell pINTID). GITS_TYPER.ITT_entry_size is
 *    its_ite_bytes(virtual) - 1, so software sizes ITTs for the format in use;
 *  - vPE table entry: 16 bytes (GITS_BASER2, GICv4 ITS).
 * The in-memory struct its_ite_t always holds every GICv4 field. */
#ifndef GIC_ITS_CODEC_H
#define GIC_ITS_CODEC_H
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ITS_ENT_VALID (1ull << 63)
#define ITS_DTE_BYTES 8u
#define ITS_CTE_BYTES 8u
#define ITS_ITE_BYTES_PHYS 8u
#define ITS_ITE_BYTES_V4 16u
#define ITS_VPETE_BYTES 16u   /* GICv4.0 vPE table entry; the first half of a GICv4.1 one */
#define ITS_VPETE_BYTES_V41 32u /* GICv4.1 vPE table entry (shared with the redistributors) */
#define ITS_L1_BYTES 8u     /* level-1 entry of a two-level (indirect) table */
#define ITS_CMD_BYTES 32u   /* one command queue entry */
#define ITS_INTID_NONE 1023u /* "no doorbell" (VMAPTI Dbell_pINTID = 1023) */

/* ---- typed entries ---------------------------------------------------------------- */
typedef struct its_dte {
    bool valid;
    uint8_t id_bits;   /* EventID bits = MAPD Size + 1 (1..32) */
    uint64_t itt_addr; /* 256-byte aligned */
} its_dte_t;

typedef enum its_ite_type { ITS_ITE_PHYSICAL = 0, ITS_ITE_VIRTUAL = 1 } its_ite_type_t;

typedef struct its_ite {
    bool valid;
    uint8_t type;      /* its_ite_type_t */
    uint16_t icid;     /* physical: collection */
    uint16_t vpeid;    /* virtual: target vPE */
    uint32_t intid;    /* physical: pINTID; virtual: vINTID */
    uint32_t db_intid; /* virtual: doorbell pINTID, ITS_INTID_NONE = none */
} its_ite_t;

typedef struct its_cte {
    bool valid;
    uint32_t target; /* processor number (RDbase already decoded, GITS_TYPER.PTA) */
} its_cte_t;

typedef struct its_vpete {
    bool valid;
    uint64_t vpt_addr;   /* virtual LPI pending table, 64 KiB aligned */
    uint8_t vpt_id_bits; /* vINTID bits = VPT_size + 1 */
    uint32_t target;     /* processor number of the redistributor hosting the vPE */
    /* GICv4.1 (VMAPP's GICv4.1 fields, VSGI) */
    uint32_t default_db; /* default doorbell pINTID (ITS_INTID_NONE = none) */
    uint64_t vconf_addr; /* vLPI configuration table, 64 KiB aligned */
    uint16_t vsgi_en, vsgi_grp; /* vSGI n enabled / Group 1: bit n */
    uint64_t vsgi_prio;  /* vSGI n priority[7:4] in bits [4n+3:4n] */
} its_vpete_t;

/* ---- raw <-> typed ------------------------------------------------------------------ */
static inline uint64_t its_le64(const uint8_t *b)
{
    uint64_t v = 0;
    for (int i = 7; i >= 0; i--) v = (v << 8) | b[i];
    return v;
}
static inline void its_put_le64(uint8_t *b, uint64_t v)
{
    for (int i = 0; i < 8; i++) b[i] = (uint8_t)(v >> (8 * i));
}

/* DTE: [63] Valid, [51:8] ITT address, [4:0] Size (EventID bits - 1). */
#define ITS_DTE_ITT_MASK 0x000fffffffffff00ull
static inline its_dte_t its_dte_unpack(uint64_t raw)
{
    its_dte_t e = {(raw & ITS_ENT_VALID) != 0, (uint8_t)((raw & 0x1f) + 1), raw & ITS_DTE_ITT_MASK};
    return e;
}
static inline uint64_t its_dte_pack(const its_dte_t *e)
{
    if (!e->valid) return 0;
    return ITS_ENT_VALID | (e->itt_addr & ITS_DTE_ITT_MASK) | ((uint64_t)(e->id_bits - 1) & 0x1f);
}

/* ITE, first doubleword (both formats): [63] Valid, [47:32] ICID (physical) or
 * vPEID (virtual), [31:0] pINTID (physical) or vINTID (virtual). GICv4
 * format only: DW0[62] Type (1 = virtual), DW1[31:0] doorbell pINTID. In the
 * physical format bits [62:48] are ignored (there is no virtual ITE). */
static inline its_ite_t its_ite_unpack(uint64_t dw0, uint64_t dw1, bool v4)
{
    its_ite_t e;
    e.valid = (dw0 & ITS_ENT_VALID) != 0;
    e.type = v4 && ((dw0 >> 62) & 1) ? ITS_ITE_VIRTUAL : ITS_ITE_PHYSICAL;
    uint16_t id16 = (uint16_t)(dw0 >> 32);
    e.icid = e.type == ITS_ITE_PHYSICAL ? id16 : 0;
    e.vpeid = e.type == ITS_ITE_VIRTUAL ? id16 : 0;
    e.intid = (uint32_t)dw0;
    e.db_intid = e.type == ITS_ITE_VIRTUAL ? (uint32_t)dw1 : ITS_INTID_NONE;
    return e;
}
static inline uint64_t its_ite_pack_dw0(const its_ite_t *e, bool v4)
{
    if (!e->valid) return 0;
    bool virt = v4 && e->type == ITS_ITE_VIRTUAL;
    return ITS_ENT_VALID | ((uint64_t)virt << 62) | ((uint64_t)(virt ? e->vpeid : e->icid) << 32) |
           e->intid;
}
static inline uint64_t its_ite_pack_dw1(const its_ite_t *e, bool v4)
{
    return v4 && e->valid && e->type == ITS_ITE_VIRTUAL ? e->db_intid : 0;
}
static inline unsigned its_ite_bytes(bool v4) { return v4 ? ITS_ITE_BYTES_V4 : ITS_ITE_BYTES_PHYS; }
/* A physical ITE as it is held in the event cache (the first doubleword). */
static inline its_ite_t its_ite_phys(uint64_t dw0) { return its_ite_unpack(dw0, 0, false); }

/* CTE: [63] Valid, [15:0] target processor number. */
static inline its_cte_t its_cte_unpack(uint64_t raw)
{
    its_cte_t e = {(raw & ITS_ENT_VALID) != 0, (uint32_t)(raw & 0xffff)};
    return e;
}
static inline uint64_t its_cte_pack(const its_cte_t *e)
{
    return e->valid ? ITS_ENT_VALID | (e->target & 0xffff) : 0;
}

/* vPE table entry: DW0 [63] Valid, [51:16] VPT address, [4:0] VPT_size
 * (vINTID bits - 1); GICv4.0: DW1 [31:0] target processor number.
 * GICv4.1 (32 bytes, read by the ITS and the redistributors): DW1 [15:0]
 * target, [31:16] vSGI groups, [63:32] default doorbell; DW2 [51:16] VCONF
 * address, [15:0] vSGI enables; DW3 vSGI priorities (4 bits each). len: the
 * bytes given (16: the first half, which is all a translation needs). */
void its_vpete_decode_v(const uint8_t *b, unsigned len, bool v41, its_vpete_t *e);
void its_vpete_encode_v(uint8_t *b, unsigned len, bool v41, const its_vpete_t *e);
static inline void its_vpete_decode(const uint8_t b[ITS_VPETE_BYTES], its_vpete_t *e)
{
    its_vpete_decode_v(b, ITS_VPETE_BYTES, false, e);
}
static inline void its_vpete_encode(uint8_t b[ITS_VPETE_BYTES], const its_vpete_t *e)
{
    its_vpete_encode_v(b, ITS_VPETE_BYTES, false, e);
}
static inline unsigned its_vpete_bytes(bool v41) { return v41 ? ITS_VPETE_BYTES_V41 : ITS_VPETE_BYTES; }

/* ---- the ITS caches' 8-byte values (model/cache.c holds at most 8 bytes) ----------- */
/* Event cache of a GICv4 ITS: a physical ITE is its first doubleword (bit 62
 * = 0); a virtual ITE is held as [63] 1, [62] 1, [61:46] vPEID, [45:23]
 * vINTID, [22:0] doorbell pINTID, which holds every ITE whose vINTID and
 * doorbell are below 2^23 (always with lpi_id_bits <= 23); others are not
 * cached (read from the ITT on every walk). */
static inline bool its_ite_cache_pack(const its_ite_t *e, uint64_t *v)
{
    if (e->type != ITS_ITE_VIRTUAL) {
        *v = its_ite_pack_dw0(e, false);
        return true;
    }
    if (e->intid >= (1u << 23) || e->db_intid >= (1u << 23)) return false;
    *v = ITS_ENT_VALID | (1ull << 62) | ((uint64_t)e->vpeid << 46) | ((uint64_t)e->intid << 23) |
         e->db_intid;
    return true;
}
static inline its_ite_t its_ite_cache_unpack(uint64_t v)
{
    if (!((v >> 62) & 1)) return its_ite_phys(v);
    its_ite_t e = {true, ITS_ITE_VIRTUAL, 0, (uint16_t)(v >> 46), (uint32_t)(v >> 23) & 0x7fffff,
                   (uint32_t)v & 0x7fffff};
    return e;
}
/* vPE cache: [63] Valid, [51:16] VPT address, [15:5] target processor number
 * (< 2048; GIC_MAX_CPUS is 512), [4:0] VPT_size. */
static inline uint64_t its_vpete_cache_pack(const its_vpete_t *e)
{
    return ITS_ENT_VALID | (e->vpt_addr & 0x000fffffffff0000ull) | ((uint64_t)(e->target & 0x7ff) << 5) |
           ((uint64_t)(e->vpt_id_bits - 1) & 0x1f);
}
static inline its_vpete_t its_vpete_cache_unpack(uint64_t v)
{
    its_vpete_t e = {(v & ITS_ENT_VALID) != 0, v & 0x000fffffffff0000ull, (uint8_t)((v & 0x1f) + 1),
                     (uint32_t)(v >> 5) & 0x7ff, ITS_INTID_NONE, 0, 0, 0, 0};
    return e;
}

/* Level-1 entry of a two-level table: [63] Valid, [51:12] level-2 page address. */
static inline bool its_l1_valid(uint64_t raw) { return (raw & ITS_ENT_VALID) != 0; }
static inline uint64_t its_l1_addr(uint64_t raw) { return raw & 0x000ffffffffff000ull; }

/* ---- commands (IHI0069 5.3, field positions of the 32-byte command) --------------- */
typedef struct its_cmd {
    uint8_t opcode;    /* DW0[7:0] */
    uint32_t devid;    /* DW0[63:32] */
    uint32_t eventid;  /* DW1[31:0] */
    uint32_t pintid;   /* DW1[63:32] (MAPTI) */
    uint8_t size;      /* DW1[4:0] (MAPD: EventID bits - 1) */
    uint64_t itt_addr; /* DW2[51:8] (MAPD) */
    uint32_t icid;     /* DW2[15:0] */
    uint64_t rdbase;   /* DW2[51:16] (MAPC, SYNC, MOVALL RDbase1) */
    uint64_t rdbase2;  /* DW3[51:16] (MOVALL) */
    bool valid;        /* DW2[63] (MAPD, MAPC, VMAPP) */
    /* GICv4.0 virtual commands (IHI0069 5.3, VMAPP .. VINVALL) */
    uint32_t vpeid;    /* DW1[47:32] (VMAPP, VMAPTI, VMAPI, VMOVI, VMOVP, VSYNC, VINVALL) */
    uint32_t vintid;   /* DW2[31:0] (VMAPTI) */
    uint32_t db_intid; /* DW2[63:32] (VMAPTI, VMAPI, VMOVI: doorbell pINTID, 1023 = none) */
    bool db_valid;     /* DW2[0] (VMOVI: D, the doorbell field is valid) */
    uint64_t vrdbase;  /* DW2[51:16] (VMAPP, VMOVP: target RDbase) */
    uint64_t vpt_addr; /* DW3[51:16] (VMAPP: VPT address, 64 KiB aligned) */
    uint8_t vpt_size;  /* DW3[4:0] (VMAPP: vINTID bits - 1) */
    uint16_t seqnum;   /* DW0[47:32] (VMOVP, GITS_TYPER.VMOVP == 0) */
    uint16_t itslist;  /* DW1[15:0] (VMOVP, GITS_TYPER.VMOVP == 0) */
    /* GICv4.1 (IHI0069 VMAPP, VMOVP, VSGI, INVDB; as Linux's its_encode_*) */
    bool alloc;          /* DW0[8] (VMAPP) */
    bool ptz;            /* DW0[9] (VMAPP) */
    uint64_t vconf_addr; /* DW0[51:16] (VMAPP: vLPI configuration table, 64 KiB aligned) */
    uint32_t vmapp_db;   /* DW1[31:0] (VMAPP: default doorbell, 1023 = none) */
    bool vmovp_db_valid; /* DW2[63] (VMOVP: DB, the default doorbell field is valid) */
    uint32_t vmovp_db;   /* DW3[31:0] (VMOVP: default doorbell) */
    uint8_t sgi_intid;   /* DW0[35:32] (VSGI) */
    uint8_t sgi_prio;    /* DW0[23:20] (VSGI: priority[7:4]) */
    bool sgi_group;      /* DW0[10] (VSGI) */
    bool sgi_clear;      /* DW0[9] (VSGI) */
    bool sgi_enable;     /* DW0[8] (VSGI) */
} its_cmd_t;

void its_cmd_decode(const uint8_t b[ITS_CMD_BYTES], its_cmd_t *c);

#endif
