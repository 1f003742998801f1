/*
 * gictlm "driver": a small Linux-like GIC driver written purely against the
 * public C API (register writes, memory writes, time). It brings a GIC up the
 * way drivers/irqchip/irq-gic-v3.c and irq-gic-v3-its.c do (distributor,
 * redistributor wake-up, CPU interfaces, LPI property/pending tables, ITS
 * device and collection tables, command queue, MAPC/MAPD/MAPTI/INV/SYNC) and
 * issues ITS commands. Tests, benchmarks, tools and trace generators use it so
 * that nobody writes the bring-up twice. It is not part of the model: every
 * step is an ordinary timestamped input.
 *
 * Tables are allocated with a bump allocator in the GIC's built-in memory
 * from mem_base upward. Time advances by `step_ps` per register access.
 */
#ifndef GICTLM_DRIVER_H
#define GICTLM_DRIVER_H

#include "gictlm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gic_driver gic_driver_t;

gic_driver_t *gic_driver_create(gic_t *g, gic_time_t t0, uint64_t mem_base);
void gic_driver_destroy(gic_driver_t *d);
gic_time_t gic_driver_time(const gic_driver_t *d);
void gic_driver_set_time(gic_driver_t *d, gic_time_t t);
void gic_driver_set_step(gic_driver_t *d, gic_time_t step_ps);

/* Distributor, every redistributor and CPU interface (group 1, PMR 0xff,
 * EOImode 0), LPIs (property table with every LPI at priority 0xa0 and
 * disabled, pending tables, EnableLPIs) and every ITS (BASERs, CBASER,
 * Enabled, MAPC ICID=cpu for each CPU, SYNC). */
gic_status_t gic_driver_init(gic_driver_t *d);

/* Map a device: MAPD with an ITT for nevents events, then MAPTI event e ->
 * INTID first_intid+e, collection (e % num_cpus) or cpu_of_event[e]; enables
 * the LPIs in the property table (0xa0 | 1), INV each, SYNC; waits for the
 * commands to complete. */
gic_status_t gic_driver_map_device(gic_driver_t *d, uint32_t its, uint32_t devid, uint32_t nevents,
                                   uint32_t first_intid, const uint32_t *cpu_of_event);

/* Queue one raw 32-byte command (not yet released to the ITS). */
gic_status_t gic_driver_queue(gic_driver_t *d, uint32_t its, const uint64_t cmd[4]);
/* Release queued commands (GITS_CWRITER) and run until CREADR reaches CWRITER
 * (or the ITS stalls, or max_wait_ps of modelled time passes: GIC_ERR_STATE). */
gic_status_t gic_driver_flush(gic_driver_t *d, uint32_t its, gic_time_t max_wait_ps);

/* Command encoders (IHI0069 5.3: 4 doublewords). */
void gic_cmd_mapd(uint64_t c[4], uint32_t devid, uint64_t itt_addr, uint32_t size_bits_minus1, bool valid);
void gic_cmd_mapc(uint64_t c[4], uint32_t icid, uint64_t rdbase, bool valid);
void gic_cmd_mapti(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t intid, uint32_t icid);
void gic_cmd_mapi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t icid);
void gic_cmd_movi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t icid);
void gic_cmd_devev(uint64_t c[4], uint8_t opcode, uint32_t devid, uint32_t eventid); /* INT CLEAR DISCARD INV */
void gic_cmd_invall(uint64_t c[4], uint32_t icid);
void gic_cmd_sync(uint64_t c[4], uint64_t rdbase);
void gic_cmd_movall(uint64_t c[4], uint64_t rdbase1, uint64_t rdbase2);

#define GITS_CMD_MOVI 0x01
#define GITS_CMD_INT 0x03
#define GITS_CMD_CLEAR 0x04
#define GITS_CMD_SYNC 0x05
#define GITS_CMD_MAPD 0x08
#define GITS_CMD_MAPC 0x09
#define GITS_CMD_MAPTI 0x0a
#define GITS_CMD_MAPI 0x0b
#define GITS_CMD_INV 0x0c
#define GITS_CMD_INVALL 0x0d
#define GITS_CMD_MOVALL 0x0e
#define GITS_CMD_DISCARD 0x0f

/* GICv4.0 virtual commands (a GICv4 ITS: cfg.gic_version = 4). vpt_bits_minus1
 * = VPT_size (vINTID bits - 1); db_intid 1023 = no doorbell. */
void gic_cmd_vmapp(uint64_t c[4], uint32_t vpeid, uint64_t rdbase, uint64_t vpt_addr,
                   uint32_t vpt_bits_minus1, bool valid);
void gic_cmd_vmapti(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, uint32_t vintid,
                    uint32_t db_intid);
void gic_cmd_vmapi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, uint32_t db_intid);
void gic_cmd_vmovi(uint64_t c[4], uint32_t devid, uint32_t eventid, uint32_t vpeid, bool db_valid,
                   uint32_t db_intid);
void gic_cmd_vmovp(uint64_t c[4], uint32_t seqnum, uint32_t itslist, uint32_t vpeid, uint64_t rdbase);
void gic_cmd_vsync(uint64_t c[4], uint32_t vpeid);
void gic_cmd_vinvall(uint64_t c[4], uint32_t vpeid);

#define GITS_CMD_VMOVI 0x21
#define GITS_CMD_VMOVP 0x22
#define GITS_CMD_VSYNC 0x25
#define GITS_CMD_VMAPP 0x29
#define GITS_CMD_VMAPTI 0x2a
#define GITS_CMD_VMAPI 0x2b
#define GITS_CMD_VINVALL 0x2d

/* GICv4.1 (cfg.gicv4_1 = 1; docs/gicv41.md). VMAPP with VCONF (the VM's vLPI
 * configuration table, 64 KiB aligned), default doorbell (1023 = none), Alloc
 * and PTZ; VMOVP with DB and the default doorbell; VSGI (priority: 8-bit
 * value, bits [7:4] are kept); INVDB. */
void gic_cmd_vmapp41(uint64_t c[4], uint32_t vpeid, uint64_t rdbase, uint64_t vpt_addr, uint32_t vpt_bits_minus1,
                     uint64_t vconf_addr, uint32_t default_db, bool alloc, bool ptz, bool valid);
void gic_cmd_vmovp41(uint64_t c[4], uint32_t seqnum, uint32_t itslist, uint32_t vpeid, uint64_t rdbase,
                     bool db_valid, uint32_t default_db);
void gic_cmd_vsgi(uint64_t c[4], uint32_t vpeid, uint32_t vintid, uint8_t priority, bool group1, bool enable,
                  bool clear);
void gic_cmd_invdb(uint64_t c[4], uint32_t vpeid);
/* The 64-bit value of a GITS_SGIR write (vPEID [47:32], vINTID [3:0]): write it
 * with gic_mmio_write(g, t, GIC_FRAME_GITS, its, GIC_GITS_SGIR_OFFSET, 8, v). */
uint64_t gic_gits_sgir_value(uint32_t vpeid, uint32_t vintid);

#define GITS_CMD_VSGI 0x23
#define GITS_CMD_INVDB 0x2e

/* RDbase of a CPU as the ITS expects it (GITS_TYPER.PTA). */
uint64_t gic_driver_rdbase(const gic_driver_t *d, uint32_t cpu);
/* Addresses chosen by gic_driver_init (for tests that poke the tables). */
uint64_t gic_driver_prop_base(const gic_driver_t *d);
uint64_t gic_driver_pend_base(const gic_driver_t *d, uint32_t cpu);
/* Allocate `size` bytes aligned to `align` from the driver's memory. */
uint64_t gic_driver_alloc(gic_driver_t *d, uint64_t size, uint64_t align);

#ifdef __cplusplus
}
#endif
#endif
