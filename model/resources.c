/* Host-memory estimate of a GIC instance at creation (docs/robustness.md):
 * what gic_create allocates for a configuration, so that a configuration
 * whose caches would need more than cfg.max_host_mb is refused by
 * gic_config_validate with the estimate instead of exhausting the host. */
#include "cache.h"
#include "gic_internal.h"

/* Fixed and per-unit parts, measured on x86-64 with glibc (heap bytes in use
 * after gic_create, caches absent: 351 KiB + 14.3 KiB per CPU + 132 KiB per
 * GICv3 ITS, 183 KiB per GICv4 ITS) and rounded up. Most of it now comes from
 * the instance's arena (host_mem.h), which reserves whole slabs: 448 KiB at 4
 * CPUs, 2.2 MiB at 64, 10.8 MiB at 512 (address space; pages are only backed
 * when touched). Caches are computed
 * exactly (cache_host_bytes). What grows with the input afterwards (pending
 * LPI records, vPE spaces, pages of the built-in memory) is not included. */
#define EST_FIXED (512ull << 10)
#define EST_PER_CPU (16ull << 10)
#define EST_PER_ITS (256ull << 10)
#define EST_PER_SPI 64ull

static uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
static uint64_t sat_mul(uint64_t a, uint64_t b) { return b && a > UINT64_MAX / b ? UINT64_MAX : a * b; }

uint64_t gic_config_host_bytes_estimate(const gic_config_t *c)
{
    uint64_t b = EST_FIXED;
    b = sat_add(b, sat_mul(c->num_cpus, EST_PER_CPU));
    b = sat_add(b, sat_mul(c->num_spis, EST_PER_SPI));
    if (c->lpi_id_bits) {
        uint64_t n = c->lpi_cache_per_redist ? c->num_cpus : 1;
        b = sat_add(b, sat_mul(n, cache_host_bytes(&c->lpi_cache)));
    }
    if (c->gic_version >= 4) b = sat_add(b, cache_host_bytes(&c->vpe_vlpi_cache));
    uint64_t per_its = EST_PER_ITS;
    per_its = sat_add(per_its, cache_host_bytes(&c->its_device_cache));
    per_its = sat_add(per_its, cache_host_bytes(&c->its_event_cache));
    per_its = sat_add(per_its, cache_host_bytes(&c->its_collection_cache));
    if (c->gic_version >= 4) per_its = sat_add(per_its, cache_host_bytes(&c->its_vpe_cache));
    return sat_add(b, sat_mul(c->num_its, per_its));
}
