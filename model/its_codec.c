/* ITS codec: the IMPLEMENTATION DEFINED vPE table entry and the architected
 * command layout (IHI0069 5.3). The small entry formats are inline in
 * its_codec.h (they sit on the per-MSI path). */
#include "its_codec.h"

void its_vpete_decode(const uint8_t b[ITS_VPETE_BYTES], its_vpete_t *e)
{
    uint64_t dw0 = its_le64(b), dw1 = its_le64(b + 8);
    e->valid = (dw0 & ITS_ENT_VALID) != 0;
    e->vpt_addr = dw0 & 0x000fffffffff0000ull;
    e->vpt_id_bits = (uint8_t)((dw0 & 0x1f) + 1);
    e->target = (uint32_t)dw1;
}

void its_vpete_encode(uint8_t b[ITS_VPETE_BYTES], const its_vpete_t *e)
{
    uint64_t dw0 = 0, dw1 = 0;
    if (e->valid) {
        dw0 = ITS_ENT_VALID | (e->vpt_addr & 0x000fffffffff0000ull) |
              ((uint64_t)(e->vpt_id_bits - 1) & 0x1f);
        dw1 = e->target;
    }
    its_put_le64(b, dw0);
    its_put_le64(b + 8, dw1);
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
    c->rdbase = (dw[2] >> 16) & 0x7ffffffffull;
    c->rdbase2 = (dw[3] >> 16) & 0x7ffffffffull;
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
}
