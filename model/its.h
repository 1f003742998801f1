/* Interrupt Translation Service (GITS_*). */
#ifndef GIC_ITS_H
#define GIC_ITS_H
#include "gic_internal.h"

struct gic_its *its_create(gic_t *g, uint32_t index);
void its_destroy(gic_t *g, struct gic_its *its);
extern const gic_regmap_t its_regmap; /* blk = g->its[i]; 128 KiB: control + translation frame */
#define GITS_TRANSLATER_OFF GIC_GITS_TRANSLATER_OFFSET
/* GICv4.1: the ITS's third 64 KiB frame (ITS_SGI_base, +0x20000): GITS_SGIR. */
extern const gic_regmap_t its_sgi_regmap;
#define GITS_SGI_FRAME_OFF 0x20000u

/* An MSI: EventID written to GITS_TRANSLATER with DeviceID, at g->now. */
void its_translate(gic_t *g, uint32_t its, uint32_t devid, uint32_t eventid);

/* Name of an ITS command opcode ("MAPD", "VMAPP": IHI0069 table "ITS commands"),
 * NULL if the opcode is not an ITS command. The one command table (its_cmd.c). */
const char *its_cmd_name(uint32_t opcode);
#endif
