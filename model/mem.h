/* The GIC's memory port: every access the GIC makes goes through mem_access. */
#ifndef GIC_MEM_H
#define GIC_MEM_H
#include "gic_internal.h"

typedef enum mem_cls {
    MEM_CLS_CMDQ = 0,  /* ITS command queue */
    MEM_CLS_DEVICE,    /* ITS device table */
    MEM_CLS_ITT,       /* interrupt translation tables */
    MEM_CLS_COLL,      /* ITS collection table */
    MEM_CLS_PROP,      /* LPI configuration (property) table */
    MEM_CLS_PEND,      /* LPI pending tables */
    MEM_CLS_COUNT
} mem_cls_t;

struct gic_mem *mem_create(gic_t *g, const gic_mem_port_t *port);
void mem_destroy(gic_t *g, struct gic_mem *m);

/* Timed access by the GIC, issued at `start`; *done = completion time.
 * Counts reads/writes/bytes per class. On failure returns GIC_ERR_MEM
 * (buffer contents undefined for reads) and *done is still valid. */
gic_status_t mem_access(gic_t *g, mem_cls_t cls, gic_time_t start, bool is_write, uint64_t addr,
                        void *buf, uint32_t len, gic_time_t *done);

/* Untimed software view of the built-in memory (gic_mem_write/read). */
gic_status_t mem_sw_access(gic_t *g, bool is_write, uint64_t addr, void *buf, size_t len);
size_t mem_footprint(const gic_t *g);
#endif
