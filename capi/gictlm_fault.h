/*
 * gictlm public C API (part of API version 1): injected memory faults.
 * See docs/robustness.md.
 *
 * The GIC's memory port can be made to fail accesses, as a memory system
 * answering with an error would: the command, translation or LPI operation
 * that made the access then fails the way the architecture and the model
 * define (ITS command error with reason "mem_error"/"cmdq_mem_error", MSI
 * dropped with reason "mem_error", "prop_table_error" or "pend_table_error"),
 * counted in mem.<class>.errors and mem.<class>.injected. The initial setting
 * comes from the configuration (mem.fault.*); gic_mem_fault_set changes it at
 * any time, e.g. lifts it to show recovery.
 */
#ifndef GICTLM_FAULT_H
#define GICTLM_FAULT_H

#include "gictlm.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Classes of GIC memory accesses (bits of gic_mem_fault_t.classes). */
#define GIC_MEM_CLASS_CMDQ (1u << 0)   /* ITS command queue */
#define GIC_MEM_CLASS_DEVICE (1u << 1) /* ITS device table */
#define GIC_MEM_CLASS_ITT (1u << 2)    /* interrupt translation tables */
#define GIC_MEM_CLASS_COLL (1u << 3)   /* ITS collection table */
#define GIC_MEM_CLASS_PROP (1u << 4)   /* LPI property table */
#define GIC_MEM_CLASS_PEND (1u << 5)   /* LPI pending tables */
#define GIC_MEM_CLASS_ALL 0x3fu

typedef struct gic_mem_fault {
    uint64_t addr_lo, addr_hi; /* accesses overlapping [addr_lo, addr_hi) fail; none when hi <= lo */
    uint32_t rate_ppm;         /* and, independently, this many per million accesses fail (0..1000000) */
    uint32_t seed;             /* of the random failures (deterministic) */
    uint32_t classes;          /* GIC_MEM_CLASS_* bits; 0 = every class */
} gic_mem_fault_t;

/* Replace the fault settings (NULL: no faults). Takes effect for accesses
 * that begin after the call. GIC_ERR_ARG for g == NULL or rate_ppm > 1000000. */
gic_status_t gic_mem_fault_set(gic_t *g, const gic_mem_fault_t *f);

#ifdef __cplusplus
}
#endif
#endif /* GICTLM_FAULT_H */
