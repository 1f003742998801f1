/* Host memory for the model's long-lived state: an arena per GIC instance.
 *
 * Why: with hundreds of CPUs or millions of mapped events, every MSI touches
 * state of one CPU among many (its CPU interface, redistributor, statistics)
 * and table bytes anywhere in megabytes of simulated memory. Allocated one by
 * one, that state lies on thousands of 4 KiB host pages and most accesses miss
 * the host's TLB. The arena packs it into slabs that the host may back with
 * huge pages (a hint on Linux, madvise MADV_HUGEPAGE; plain memory elsewhere).
 * It never changes a result: only where the model's own state lives.
 *
 * Slabs grow from 64 KiB (a small configuration stays small: no 2 MiB region
 * per instance, which fuzzers creating thousands of instances would pay for)
 * to 2 MiB; a request of 1 MiB or more gets a region of its own. Everything is
 * released at once by host_arena_free_all (at gic_destroy).
 *
 * In AddressSanitizer builds every allocation is a separate heap block, so
 * the sanitizer still checks the bounds of each. */
#ifndef GIC_HOST_MEM_H
#define GIC_HOST_MEM_H
#include <stddef.h>
#include <stdint.h>

typedef struct host_slab host_slab_t;
typedef struct host_arena {
    host_slab_t *slabs; /* newest first */
    uint8_t *cur, *end; /* free part of the newest slab */
    size_t next_size;   /* size of the next slab */
} host_arena_t;

/* first_slab: size of the first slab (0: 64 KiB); slabs double up to 2 MiB. */
void host_arena_init(host_arena_t *a, size_t first_slab);
/* bytes zero-filled bytes aligned to align (a power of two, at most 4096);
 * NULL when the host has no memory. */
void *host_arena_alloc(host_arena_t *a, size_t bytes, size_t align);
void *host_arena_calloc(host_arena_t *a, size_t n, size_t size); /* align 64; NULL on overflow */
void host_arena_free_all(host_arena_t *a);
#endif
