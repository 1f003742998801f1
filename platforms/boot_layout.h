/*
 * The sizes and alignments of the tables the Linux-like boot (cpu.cpp)
 * allocates in the platform's RAM, as irq-gic-v3.c and irq-gic-v3-its.c do
 * (gic_reset_prop_table, its_alloc_tables, its_cpu_init_lpis,
 * its_create_device): one rule for the boot and for the RAM check that
 * precedes it (platform_boot_ram_bytes), which must agree to the byte.
 */
#ifndef GICTLM_BOOT_LAYOUT_H
#define GICTLM_BOOT_LAYOUT_H

#include <cstdint>

namespace gictlm {
namespace boot_layout {

constexpr uint64_t kPage = 0x10000;      /* 64 KiB: the ITS tables' page size, every table's alignment */
constexpr uint64_t kMaxTablePages = 256; /* a flat GITS_BASER<n> table: Size is 8 bits of pages */
constexpr uint64_t kCmdqBytes = 0x10000; /* the ITS command queue */
constexpr uint64_t kIttAlign = 256;      /* ITT_addr is bits [51:8] */

/* The bump allocator's step (boot_state::alloc, and the RAM checks that
 * follow it: platform_boot_ram_bytes, hyp_ram_bytes): saturating, so absurd
 * sizes do not wrap around; align is a power of two. */
inline uint64_t sat_add(uint64_t a, uint64_t b) { return a + b < a ? UINT64_MAX : a + b; }
inline uint64_t align_up(uint64_t a, uint64_t align) { return sat_add(a, align - 1) & ~(align - 1); }

/* LPI property table: one byte per LPI, from INTID 8192 */
inline uint64_t prop_bytes(uint32_t lpi_bits) { return (1ull << lpi_bits) - 8192; }
/* LPI pending table of one redistributor: one bit per INTID */
inline uint64_t pend_bytes(uint32_t lpi_bits) { return (1ull << lpi_bits) / 8; }
/* Pages of a flat ITS table of `entries` entries of esz bytes: at least one,
 * at most kMaxTablePages (devices with small IDs only beyond it) */
inline uint64_t its_table_pages(uint64_t entries, uint64_t esz)
{
    const uint64_t bytes = entries && esz > UINT64_MAX / entries ? UINT64_MAX : entries * esz;
    uint64_t pages = bytes / kPage + (bytes % kPage != 0);
    if (pages == 0) pages = 1;
    return pages > kMaxTablePages ? kMaxTablePages : pages;
}
/* EventID bits of a device with `vectors` MSIs: at least 1, 2^bits >= vectors */
inline uint32_t itt_event_bits(uint64_t vectors)
{
    uint32_t bits = 1;
    while (bits < 63 && (1ull << bits) < vectors) bits++;
    return bits;
}

} // namespace boot_layout
} // namespace gictlm

#endif
