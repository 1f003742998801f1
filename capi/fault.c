/* Injected memory faults: public entry (gictlm_fault.h) into model/mem.c. */
#include "gictlm_fault.h"

#include "../model/gic_internal.h"
#include "../model/mem.h"

gic_status_t gic_mem_fault_set(gic_t *g, const gic_mem_fault_t *f)
{
    if (!g) return GIC_ERR_ARG;
    if (!f) {
        mem_fault_set(g, 0, 0, 0, 0, 0);
        return GIC_OK;
    }
    if (f->rate_ppm > 1000000u || (f->classes & ~GIC_MEM_CLASS_ALL)) return GIC_ERR_ARG;
    mem_fault_set(g, f->addr_lo, f->addr_hi, f->rate_ppm, f->seed, f->classes);
    return GIC_OK;
}
