/* SCAFFOLD: replaced by the memory port implementation. */
#include "mem.h"
#include <stdlib.h>
struct gic_mem { int dummy; };
struct gic_mem *mem_create(gic_t *g, const gic_mem_port_t *port) { (void)g; (void)port; return calloc(1, sizeof(struct gic_mem)); }
void mem_destroy(gic_t *g, struct gic_mem *m) { (void)g; free(m); }
gic_status_t mem_access(gic_t *g, mem_cls_t cls, gic_time_t start, bool w, uint64_t addr, void *buf, uint32_t len, gic_time_t *done) { (void)g; (void)cls; (void)w; (void)addr; (void)buf; (void)len; *done = start; return GIC_ERR_MEM; }
gic_status_t mem_sw_access(gic_t *g, bool w, uint64_t addr, void *buf, size_t len) { (void)g; (void)w; (void)addr; (void)buf; (void)len; return GIC_ERR_MEM; }
size_t mem_footprint(const gic_t *g) { (void)g; return 0; }
