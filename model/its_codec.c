/* ITS codec: the IMPLEMENTATION DEFINED vPE table entry and the architected
 * command layout (IHI0069 5.3). The small entry formats are inline in
 * its_codec.h (they sit on the per-MSI path). */
#include "its_codec.h"

void its_vpete_decode_v(const uint8_t *b, unsigned len, bool v41, its_vpete_t *e)
{
    uint64_t dw0 = its_le64(b), dw1 = its_le64(b + 8);
    e->valid = (dw0 & ITS_ENT_VALID) != 0;
    e->vpt_addr = dw0 & 0x000fffffffff0000ull;
    e->vpt_id_bits = (uint8_t)((dw0 & 0x1f) + 1);
    e->target = v41 ? (uint32_t)(dw1 & 0xffff) : (uint32_t)dw1;
    e->vsgi_grp = v41 ? (uint16_t)(dw1 >> 16) : 0;
    e->default_db = v41 ? (uint32_t)(dw1 >> 32) : ITS_INTID_NONE;
    e->vconf_addr = 0;
    e->vsgi_en = 0;
    e->vsgi_prio = 0;
    if (v41 && len >= ITS_VPETE_BYTES_V41) {
        uint64_t dw2 = its_le64(b + 16), dw3 = its_le64(b + 24);
        e->vconf_addr = dw2 & 0x000fffffffff0000ull;
        e->vsgi_en = (uint16_t)dw2;
        e->vsgi_prio = dw3;
    }
}

void its_vpete_encode_v(uint8_t *b, unsigned len, bool v41, const its_vpete_t *e)
{
    uint64_t dw[4] = {0, 0, 0, 0};
    if (e->valid) {
        dw[0] = ITS_ENT_VALID | (e->vpt_addr & 0x000fffffffff0000ull) | ((uint64_t)(e->vpt_id_bits - 1) & 0x1f);
        if (v41) {
            dw[1] = (e->target & 0xffff) | ((uint64_t)e->vsgi_grp << 16) | ((uint64_t)e->default_db << 32);
            dw[2] = (e->vconf_addr & 0x000fffffffff0000ull) | e->vsgi_en;
            dw[3] = e->vsgi_prio;
        } else {
            dw[1] = e->target;
        }
    }
    for (unsigned i = 0; i < 4 && 8 * i < len; i++) its_put_le64(b + 8 * i, dw[i]);
}

void its_cmd_decode(const uint8_t b[ITS_CMD_BYTES], its_cmd_t *c)
{
    uint64_t dw[4];
    for (int i = 0; i < 4; i++) dw[i] = its_le64(b + 8 * i);
    c->opcode = (uint8_t)(dw[0] & 0xff);
    c->devid = (uint32_t)(dw[0] >> 32);
    c->eventid = (uint32_t)dw[1];
    c->pintid = (uint32_t)(dw[1] >> 32);
    c->size = (uint8_t)(dw[1] & 0x1f);
    c->itt_addr = dw[2] & ITS_DTE_ITT_MASK;
    c->icid = (uint32_t)(dw[2] & 0xffff);
    /* IHI0069 MAPC, SYNC, MOVALL: RDbase is DW2[51:16] (RDbase2 DW3[51:16]),
     * all 36 bits, as VMAPP's and VMOVP's: with PTA = 1 a 52-bit address. */
    c->rdbase = (dw[2] >> 16) & 0xfffffffffull;
    c->rdbase2 = (dw[3] >> 16) & 0xfffffffffull;
    c->valid = (dw[2] >> 63) & 1;
    c->vpeid = (uint32_t)((dw[1] >> 32) & 0xffff);
    c->vintid = (uint32_t)dw[2];
    c->db_intid = (uint32_t)(dw[2] >> 32);
    c->db_valid = dw[2] & 1;
    c->vrdbase = (dw[2] >> 16) & 0xfffffffffull;
    c->vpt_addr = dw[3] & 0x000fffffffff0000ull;
    c->vpt_size = (uint8_t)(dw[3] & 0x1f);
    c->seqnum = (uint16_t)(dw[0] >> 32);
    c->itslist = (uint16_t)dw[1];
    c->alloc = (dw[0] >> 8) & 1;
    c->ptz = (dw[0] >> 9) & 1;
    c->vconf_addr = dw[0] & 0x000fffffffff0000ull;
    c->vmapp_db = (uint32_t)dw[1];
    c->vmovp_db_valid = (dw[2] >> 63) & 1;
    c->vmovp_db = (uint32_t)dw[3];
    c->sgi_intid = (uint8_t)((dw[0] >> 32) & 0xf);
    c->sgi_prio = (uint8_t)((dw[0] >> 20) & 0xf);
    c->sgi_group = (dw[0] >> 10) & 1;
    c->sgi_clear = (dw[0] >> 9) & 1;
    c->sgi_enable = (dw[0] >> 8) & 1;
}
