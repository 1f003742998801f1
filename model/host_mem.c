/* The model's host memory arena (host_mem.h). */
#if defined(__linux__)
#define _DEFAULT_SOURCE
#include <sys/mman.h>
#endif
#include "host_mem.h"

#include <stdlib.h>
#include <string.h>

#if defined(__SANITIZE_ADDRESS__)
#define HOST_ARENA_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define HOST_ARENA_ASAN 1
#endif
#endif

#define SLAB_MIN ((size_t)64 << 10)
#define SLAB_HUGE ((size_t)2 << 20) /* the host's huge page (x86-64; arm64 with 4 KiB pages) */
#define OWN_REGION ((size_t)1 << 20)

struct host_slab {
    host_slab_t *next;
    size_t size; /* bytes of the region, this header included */
    int mapped;  /* from mmap (else calloc) */
};

/* A zero-filled region of size bytes. Regions of a
 * huge page or more are mapped and aligned to the huge page, with the hint. */
static host_slab_t *region_new(size_t size)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(HOST_ARENA_ASAN)
    if (size >= SLAB_HUGE) {
        size = (size + SLAB_HUGE - 1) & ~(SLAB_HUGE - 1);
        uint8_t *raw = mmap(NULL, size + SLAB_HUGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
        if (raw == MAP_FAILED) return NULL;
        uint8_t *p = (uint8_t *)(((uintptr_t)raw + SLAB_HUGE - 1) & ~(uintptr_t)(SLAB_HUGE - 1));
        if (p > raw) munmap(raw, (size_t)(p - raw));
        if (p + size < raw + size + SLAB_HUGE) munmap(p + size, (size_t)(raw + size + SLAB_HUGE - (p + size)));
        (void)madvise(p, size, MADV_HUGEPAGE); /* a hint: without huge pages, 4 KiB pages */
        host_slab_t *s = (host_slab_t *)p;     /* anonymous memory reads as zero */
        s->size = size;
        s->mapped = 1;
        return s;
    }
#endif
    host_slab_t *s = calloc(1, size);
    if (!s) return NULL;
    s->size = size;
    s->mapped = 0;
    return s;
}

static void region_free(host_slab_t *s)
{
#if defined(__linux__) && defined(MADV_HUGEPAGE) && !defined(HOST_ARENA_ASAN)
    if (s->mapped) {
        munmap(s, s->size);
        return;
    }
#endif
    free(s);
}

void host_arena_init(host_arena_t *a, size_t first_slab)
{
    memset(a, 0, sizeof(*a));
    a->next_size = first_slab ? first_slab : SLAB_MIN;
}

void *host_arena_alloc(host_arena_t *a, size_t bytes, size_t align)
{
    if (!align || (align & (align - 1)) || align > 4096) align = 64;
    if (!bytes) bytes = 1;
    if (bytes > SIZE_MAX / 2) return NULL;
#if defined(HOST_ARENA_ASAN)
    const int own = 1; /* one heap block per allocation: bounds checked */
#else
    const int own = bytes >= OWN_REGION;
#endif
    if (own) {
        /* a region of its own, linked behind the current slab */
        size_t size = sizeof(host_slab_t) + (align - 1) + bytes;
#if !defined(HOST_ARENA_ASAN)
        size = (size + 4095) & ~(size_t)4095;
#endif
        host_slab_t *s = region_new(size);
        if (!s) return NULL;
        if (a->slabs) {
            s->next = a->slabs->next;
            a->slabs->next = s;
        } else {
            s->next = NULL;
            a->slabs = s; /* (cur/end stay empty: the next small request opens a slab) */
        }
        return (void *)(((uintptr_t)(s + 1) + align - 1) & ~(uintptr_t)(align - 1));
    }
    uintptr_t p = ((uintptr_t)a->cur + align - 1) & ~(uintptr_t)(align - 1);
    if (!a->cur || p + bytes > (uintptr_t)a->end) {
        size_t size = a->next_size;
        while (size < sizeof(host_slab_t) + (align - 1) + bytes) size *= 2;
        host_slab_t *s = region_new(size);
        if (!s) return NULL;
        /* the newest slab first (own regions were linked behind it) */
        s->next = a->slabs;
        a->slabs = s;
        a->cur = (uint8_t *)(s + 1);
        a->end = (uint8_t *)s + s->size;
        if (a->next_size < SLAB_HUGE) a->next_size *= 2;
        p = ((uintptr_t)a->cur + align - 1) & ~(uintptr_t)(align - 1);
    }
    a->cur = (uint8_t *)(p + bytes);
    return (void *)p; /* zero: slabs are never reused */
}

void *host_arena_calloc(host_arena_t *a, size_t n, size_t size)
{
    if (size && n > SIZE_MAX / size) return NULL;
    return host_arena_alloc(a, n * size, 64);
}

void host_arena_free_all(host_arena_t *a)
{
    for (host_slab_t *s = a->slabs; s;) {
        host_slab_t *n = s->next;
        region_free(s);
        s = n;
    }
    a->slabs = NULL;
    a->cur = a->end = NULL;
}
