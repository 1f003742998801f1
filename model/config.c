/* Configuration defaults and validation (docs/latency-model.md explains the
 * values; docs/user-guide.md lists every parameter). */
#include "gic_internal.h"

#include <stdio.h>
#include <string.h>

static void cache_default(gic_cache_config_t *c, uint32_t entries, uint32_t ways)
{
    c->entries = entries;
    c->ways = ways;
    c->repl = GIC_REPL_LRU;
    c->locked_ways = 0;
    c->hit_cycles = 1;
}

void gic_config_default(gic_config_t *c)
{
    memset(c, 0, sizeof(*c));
    c->version = GICTLM_CONFIG_VERSION;
    c->num_cpus = 4;
    c->cpus_per_cluster = 16;
    c->num_spis = 96;
    c->pri_bits = 5;
    c->gic_version = 3;
    c->max_host_mb = 4096;
    c->clock_period_ps = 1000; /* 1 GHz */
    c->lat_spi_input = 2;
    c->lat_dist_to_redist = 10;
    c->lat_redist_to_cpu = 10;
    c->lat_cpu_signal = 2;
    c->lat_sgi = 20;
    c->lat_sysreg = 1;
    c->lpi_id_bits = 16;
    c->lpi_scan_policy = GIC_SCAN_TRACKED;
    c->lpi_scan_read_bytes = 64; /* one cache line per pending-table read */
    cache_default(&c->lpi_cache, 256, 2);
    c->lpi_cache_per_redist = 0;
    cache_default(&c->vpe_vlpi_cache, 0, 2); /* none: a vPE's load reads each vLPI's configuration */
    c->redist_max_reads = 5;
    c->redist_max_writes = 1;
    c->num_its = 1;
    c->its_devbits = 16;
    c->its_eventid_bits = 16;
    c->its_cid_bits = 16;
    c->its_pta = 0;
    c->its_hcc = 0;
    c->its_cmd_decode_cycles = 4;
    c->its_translate_cycles = 4;
    c->its_pipeline_depth = 4;
    c->its_max_reads = 5;
    c->its_max_writes = 1;
    c->its_error_policy = GIC_ITS_ERR_SKIP;
    cache_default(&c->its_device_cache, 64, 2);
    cache_default(&c->its_event_cache, 256, 2);
    cache_default(&c->its_collection_cache, 64, 2);
    c->its_vmovp_single = 0;
    cache_default(&c->its_vpe_cache, 32, 2);
    c->mem_latency_ps = 100000; /* 100 ns */
    c->mem_size = (uint64_t)1 << 36;
    c->gicd_base = 0x08000000;
    c->gits_base = 0x08080000;
    c->gicr_base = 0x080a0000;
    c->seed = 1;
    /* Virtual CPU interface: 4 list registers and 5 priority bits, as the
     * Cortex-A57/A72 class implements (QEMU's model of those CPUs too);
     * maintenance interrupt on PPI 25, as Arm's Base System Architecture
     * recommends and Linux/KVM expect. */
    c->virt_list_regs = 4;
    c->virt_pri_bits = 5;
    c->virt_maint_intid = 25;
}

#define CHECK(cond, ...)                                                                           \
    do {                                                                                           \
        if (!(cond)) {                                                                             \
            if (err && errlen) snprintf(err, errlen, __VA_ARGS__);                                 \
            return GIC_ERR_CONFIG;                                                                 \
        }                                                                                          \
    } while (0)

static gic_status_t cache_validate(const gic_cache_config_t *c, const char *name, char *err,
                                   size_t errlen)
{
    CHECK(c->entries <= (1u << 20), "%s.entries: %u is more than 1048576", name, c->entries);
    CHECK(c->ways <= c->entries || c->entries == 0, "%s.ways: %u is more than %u entries", name,
          c->ways, c->entries);
    CHECK(c->ways == 0 || c->entries % c->ways == 0, "%s.entries (%u) must be a multiple of ways (%u)",
          name, c->entries, c->ways);
    CHECK((unsigned)c->repl <= GIC_REPL_RANDOM, "%s.repl: unknown policy %u", name, (unsigned)c->repl);
    uint32_t ways = c->ways ? c->ways : c->entries;
    CHECK(c->locked_ways == 0 || c->locked_ways < ways, "%s.locked_ways (%u) must leave a free way",
          name, c->locked_ways);
    return GIC_OK;
}

gic_status_t gic_config_validate(const gic_config_t *c, char *err, size_t errlen)
{
    CHECK(c != NULL, "no configuration");
    CHECK(c->version == GICTLM_CONFIG_VERSION, "config version %u, expected %u", c->version,
          GICTLM_CONFIG_VERSION);
    CHECK(c->num_cpus >= 1 && c->num_cpus <= GIC_MAX_CPUS, "num_cpus: %u not in 1..%u", c->num_cpus,
          GIC_MAX_CPUS);
    CHECK(c->cpus_per_cluster >= 1 && c->cpus_per_cluster <= 16, "cpus_per_cluster: %u not in 1..16",
          c->cpus_per_cluster);
    CHECK((c->num_spis % 32 == 0 && c->num_spis <= 960) || c->num_spis == 988, "num_spis: %u not a multiple of 32 up to 960, or 988",
          c->num_spis);
    CHECK(c->pri_bits >= 5 && c->pri_bits <= 8, "pri_bits: %u not in 5..8", c->pri_bits);
    CHECK(c->gic_version == 3 || c->gic_version == 4, "gic_version: %u not 3 or 4", c->gic_version);
    CHECK(c->clock_period_ps >= 1 && c->clock_period_ps <= 1000000000ull,
          "clock_period_ps: %llu not in 1..1e9", (unsigned long long)c->clock_period_ps);
    CHECK(c->lpi_id_bits == 0 || (c->lpi_id_bits >= 14 && c->lpi_id_bits <= 24),
          "lpi.id_bits: %u not 0 or 14..24", c->lpi_id_bits);
    CHECK((unsigned)c->lpi_scan_policy <= GIC_SCAN_SUMMARY, "lpi.scan_policy: unknown value %u",
          (unsigned)c->lpi_scan_policy);
    CHECK(c->lpi_scan_read_bytes >= 1 && c->lpi_scan_read_bytes <= 64 &&
              (c->lpi_scan_read_bytes & (c->lpi_scan_read_bytes - 1)) == 0,
          "lpi.scan_read_bytes: %u is not a power of two from 1 to 64", c->lpi_scan_read_bytes);
    CHECK(c->num_its <= GIC_MAX_ITS, "its.count: %u more than %u", c->num_its, GIC_MAX_ITS);
    CHECK(c->num_its == 0 || c->lpi_id_bits != 0, "an ITS needs LPIs (lpi.id_bits != 0)");
    /* IHI0069: GICv4 adds direct injection of virtual LPIs to GICv3: ArchRev 4
     * with DVIS and VLPIS 0 (no LPIs) is not a GICv4 */
    CHECK(c->gic_version < 4 || c->lpi_id_bits != 0,
          "gic_version 4 needs LPIs (lpi.id_bits != 0): GICv4 is the direct injection of virtual LPIs");
    CHECK(c->its_devbits >= 1 && c->its_devbits <= 32, "its.devbits: %u not in 1..32", c->its_devbits);
    CHECK(c->its_eventid_bits >= 1 && c->its_eventid_bits <= 32, "its.eventid_bits: %u not in 1..32",
          c->its_eventid_bits);
    CHECK(c->its_cid_bits >= 1 && c->its_cid_bits <= 16, "its.cid_bits: %u not in 1..16",
          c->its_cid_bits);
    CHECK(c->its_max_reads <= 1024 && c->its_max_writes <= 1024 && c->redist_max_reads <= 1024 &&
              c->redist_max_writes <= 1024,
          "its.max_reads/max_writes, redist.max_reads/max_writes: more than 1024 outstanding accesses");
    CHECK(c->its_hcc <= 255, "its.hcc: %u more than 255", c->its_hcc);
    CHECK(c->its_pipeline_depth >= 1 && c->its_pipeline_depth <= 64,
          "its.pipeline_depth: %u not in 1..64", c->its_pipeline_depth);
    CHECK((unsigned)c->its_error_policy <= GIC_ITS_ERR_STALL, "its.error_policy: unknown value %u",
          (unsigned)c->its_error_policy);
    if (cache_validate(&c->lpi_cache, "lpi.cache", err, errlen)) return GIC_ERR_CONFIG;
    if (cache_validate(&c->vpe_vlpi_cache, "vpe.vlpi_cache", err, errlen)) return GIC_ERR_CONFIG;
    if (cache_validate(&c->its_device_cache, "its.device_cache", err, errlen)) return GIC_ERR_CONFIG;
    if (cache_validate(&c->its_event_cache, "its.event_cache", err, errlen)) return GIC_ERR_CONFIG;
    CHECK(c->gicv4_1 <= 1, "gicv4_1: %u not 0 or 1", c->gicv4_1);
    CHECK(!c->gicv4_1 || c->gic_version == 4, "gicv4_1 needs gic_version 4 (GICv4.1 reports ArchRev 4)");
    CHECK(c->its_vmovp_single <= 1, "its.vmovp_single: %u not 0 or 1", c->its_vmovp_single);
    if (cache_validate(&c->its_vpe_cache, "its.vpe_cache", err, errlen)) return GIC_ERR_CONFIG;
    if (cache_validate(&c->its_collection_cache, "its.collection_cache", err, errlen))
        return GIC_ERR_CONFIG;
    CHECK(c->mem_size >= 4096, "mem.size: %llu too small", (unsigned long long)c->mem_size);
    CHECK(c->virt_list_regs >= 1 && c->virt_list_regs <= 16, "virt.list_regs: %u not in 1..16",
          c->virt_list_regs);
    CHECK(c->virt_pri_bits >= 5 && c->virt_pri_bits <= 8, "virt.pri_bits: %u not in 5..8",
          c->virt_pri_bits);
    CHECK(c->virt_maint_intid >= 16 && c->virt_maint_intid <= 31,
          "virt.maint_intid: %u is not a PPI (16..31)", c->virt_maint_intid);
    CHECK((c->gicd_base & 0xffff) == 0 && (c->gicr_base & 0xffff) == 0 && (c->gits_base & 0xffff) == 0,
          "map: frame bases must be 64 KiB aligned");
    /* IHI0069 memory map: GICD, the ITSs' and the redistributors' frames are
     * distinct pages. Overlapping regions would decode one frame's accesses
     * as another's (gic_decode_addr, GITS_TYPER.PTA = 1 RDbase). */
    const struct { const char *name, *param; uint64_t base, size; } rg[3] = {
        {"GICD", "map.gicd_base", c->gicd_base, GIC_GICD_SIZE},
        {"GICR", "map.gicr_base", c->gicr_base, (uint64_t)c->num_cpus * gic_gicr_stride(c)},
        {"GITS", "map.gits_base", c->gits_base, (uint64_t)c->num_its * gic_gits_stride(c)},
    };
    for (int i = 0; i < 3; i++) {
        CHECK(rg[i].size == 0 || rg[i].base + rg[i].size - 1 >= rg[i].base,
              "map: the %s frames from %s 0x%llx run past the top of the address space", rg[i].name,
              rg[i].param, (unsigned long long)rg[i].base);
        for (int j = i + 1; j < 3; j++)
            CHECK(rg[i].size == 0 || rg[j].size == 0 || rg[i].base > rg[j].base + (rg[j].size - 1) ||
                      rg[j].base > rg[i].base + (rg[i].size - 1),
                  "map: the %s frames [0x%llx, 0x%llx) overlap the %s frames [0x%llx, 0x%llx)%s: move %s or %s",
                  rg[i].name, (unsigned long long)rg[i].base, (unsigned long long)(rg[i].base + rg[i].size),
                  rg[j].name, (unsigned long long)rg[j].base, (unsigned long long)(rg[j].base + rg[j].size),
                  c->gicv4_1 && (i == 2 || j == 2) ? " (a GICv4.1 ITS is 256 KiB with ITS_SGI_base)" : "",
                  rg[i].param, rg[j].param);
    }
    const uint64_t est = gic_config_host_bytes_estimate(c);
    CHECK(est <= ((uint64_t)c->max_host_mb << 20),
          "estimated host memory of the GIC %.1f MiB exceeds max_host_mb=%u (caches: check "
          "*.entries and lpi.cache_per_redist; raise max_host_mb to run anyway)",
          (double)est / (1024.0 * 1024.0), c->max_host_mb);
    return GIC_OK;
}
