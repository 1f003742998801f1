/* Sorting of small unsigned arrays (gic_internal.h: gic_sort_u32). */
#include "gic_internal.h"

#include <stdlib.h>

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return x < y ? -1 : x > y;
}

#define SORT_SMALL 64u /* insertion sort up to this many: no call per compare */

void gic_sort_u32(uint32_t *v, size_t n)
{
    if (n > SORT_SMALL) {
        qsort(v, n, sizeof(uint32_t), cmp_u32);
        return;
    }
    for (size_t i = 1; i < n; i++) {
        uint32_t x = v[i];
        size_t j = i;
        for (; j && v[j - 1] > x; j--) v[j] = v[j - 1];
        v[j] = x;
    }
}
