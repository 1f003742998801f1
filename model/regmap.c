/* Register map lookup: the per-instance index (regidx_build) and the
 * binary search (regmap_find); the access rules are in regmap.h. */
#include "regmap.h"

#include <stdlib.h>
#include <string.h>

const gic_reg_t *regmap_find(const gic_regmap_t *map, uint64_t off, unsigned *n)
{
    size_t lo = 0, hi = map->nregs;
    while (lo < hi) {
        size_t mid = (lo + hi) / 2;
        const gic_reg_t *r = &map->regs[mid];
        uint64_t end = (uint64_t)r->offset + (uint64_t)r->count * r->width;
        if (off < r->offset) hi = mid;
        else if (off >= end) lo = mid + 1;
        else {
            if (n) *n = (unsigned)((off - r->offset) / r->width);
            return r;
        }
    }
    return NULL;
}

/* ---- the per-instance index (O(1) lookup) ------------------------------------
 * Word w = off >> 2 of the frame is register entry
 * chunk[top[w >> 6]][w & 63] - 1 (0: reserved). 256-byte chunks with the same
 * entries are stored once (chunk 0: all reserved), so a frame's index takes
 * size/256 bytes plus 64 per distinct chunk: a few hundred bytes to a few KiB.
 * Built from the const table at gic creation; a map it cannot index (more than
 * 255 registers or distinct chunks, a width other than 4 or 8, an offset not
 * 4-byte aligned) keeps the binary search. Either way the same entry is found. */
#define IDX_MAX_CHUNKS 255u

static bool idx_indexable(const gic_regmap_t *map)
{
    if (map->nregs > 255 || (map->size % IDX_CHUNK_BYTES) != 0) return false;
    for (size_t i = 0; i < map->nregs; i++) {
        const gic_reg_t *r = &map->regs[i];
        if ((r->width != 4 && r->width != 8) || (r->offset & 3u) != 0 || r->count == 0 ||
            (uint64_t)r->offset + (uint64_t)r->count * r->width > map->size)
            return false;
        if (i > 0) { /* sorted, no overlap (what the binary search relies on) */
            const gic_reg_t *p = &map->regs[i - 1];
            if ((uint64_t)p->offset + (uint64_t)p->count * p->width > r->offset) return false;
        }
    }
    return true;
}

bool regidx_build(host_arena_t *a, gic_regidx_t *x, const gic_regmap_t *map)
{
    x->map = map;
    x->top = NULL;
    x->chunk = NULL;
    if (!idx_indexable(map)) return true; /* binary search */
    size_t ntop = map->size / IDX_CHUNK_BYTES;
    uint8_t *top = host_arena_calloc(a, ntop, 1);
    uint8_t(*chunks)[IDX_CHUNK_WORDS] = malloc((IDX_MAX_CHUNKS + 1) * sizeof(*chunks));
    if (!top || !chunks) {
        free(chunks);
        return false;
    }
    memset(chunks[0], 0, sizeof(chunks[0]));
    size_t nchunks = 1;
    size_t done = 0; /* chunks [0, done) are built */
    for (size_t i = 0; i < map->nregs; i++) {
        const gic_reg_t *r = &map->regs[i];
        size_t first = r->offset / IDX_CHUNK_BYTES;
        size_t last = (size_t)(((uint64_t)r->offset + (uint64_t)r->count * r->width - 1) / IDX_CHUNK_BYTES);
        for (size_t c = first > done ? first : done; c <= last; c++) {
            /* the words of chunk c: registers i.. (those before i end in earlier chunks) */
            uint8_t w[IDX_CHUNK_WORDS];
            memset(w, 0, sizeof(w));
            uint64_t lo = (uint64_t)c * IDX_CHUNK_BYTES, hi = lo + IDX_CHUNK_BYTES;
            for (size_t k = i; k < map->nregs && map->regs[k].offset < hi; k++) {
                const gic_reg_t *q = &map->regs[k];
                uint64_t b = q->offset, e = (uint64_t)q->offset + (uint64_t)q->count * q->width;
                if (b < lo) b = lo;
                if (e > hi) e = hi;
                for (uint64_t o = b; o < e; o += 4) w[(o - lo) / 4] = (uint8_t)(k + 1);
            }
            size_t id = 0;
            while (id < nchunks && memcmp(chunks[id], w, sizeof(w)) != 0) id++;
            if (id == nchunks) {
                if (nchunks > IDX_MAX_CHUNKS) {
                    free(chunks);
                    return true; /* too many distinct chunks: binary search */
                }
                memcpy(chunks[nchunks++], w, sizeof(w));
            }
            top[c] = (uint8_t)id;
            done = c + 1;
        }
    }
    uint8_t(*kept)[IDX_CHUNK_WORDS] = host_arena_alloc(a, nchunks * sizeof(*chunks), 64);
    if (kept) memcpy(kept, chunks, nchunks * sizeof(*chunks));
    free(chunks);
    if (!kept) return false;
    x->top = top;
    x->chunk = (const uint8_t(*)[IDX_CHUNK_WORDS])kept;
    return true;
}
