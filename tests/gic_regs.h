// Register offsets and fields used by the tests, named as in the GIC
// architecture specification (IHI0069) and the Arm ARM for the system
// registers. One table for every test file: the tests check the model
// against these values, so they are written here from the specification,
// not taken from model/.
#ifndef GICTLM_TESTS_GIC_REGS_H
#define GICTLM_TESTS_GIC_REGS_H

#include <cstdint>

#include "gictlm.h"

namespace gictest {

// ---- Distributor (GICD_*, IHI0069 12.9) ----------------------------------
enum : uint64_t {
    GICD_CTLR = 0x0000,
    GICD_TYPER = 0x0004,
    GICD_IIDR = 0x0008,
    GICD_TYPER2 = 0x000c,
    GICD_STATUSR = 0x0010,
    GICD_SETSPI_NSR = 0x0040,
    GICD_CLRSPI_NSR = 0x0048,
    GICD_SETSPI_SR = 0x0050,
    GICD_CLRSPI_SR = 0x0058,
    GICD_IGROUPR = 0x0080,    // + 4 * (INTID / 32)
    GICD_ISENABLER = 0x0100,  // + 4 * (INTID / 32)
    GICD_ICENABLER = 0x0180,
    GICD_ISPENDR = 0x0200,
    GICD_ICPENDR = 0x0280,
    GICD_ISACTIVER = 0x0300,
    GICD_ICACTIVER = 0x0380,
    GICD_IPRIORITYR = 0x0400, // + INTID (byte per INTID)
    GICD_ITARGETSR = 0x0800,  // + INTID
    GICD_ICFGR = 0x0c00,      // + 4 * (INTID / 16)
    GICD_IGRPMODR = 0x0d00,
    GICD_NSACR = 0x0e00,
    GICD_SGIR = 0x0f00,
    GICD_IROUTER = 0x6000,    // + 8 * INTID
    GICD_PIDR2 = 0xffe8,
    GICD_CIDR0 = 0xfff0,
};
// GICD_CTLR fields (DS = 1 view: one Security state)
constexpr uint32_t GICD_CTLR_EnableGrp0 = 1u << 0;
constexpr uint32_t GICD_CTLR_EnableGrp1NS = 1u << 1;
constexpr uint32_t GICD_CTLR_ARE = 1u << 4;
constexpr uint32_t GICD_CTLR_DS = 1u << 6;
constexpr uint32_t GICD_CTLR_RWP = 1u << 31;
// GICD_IROUTER.Interrupt_Routing_Mode: 1 = any participating PE (1 of N)
constexpr uint64_t GICD_IROUTER_IRM = 1ull << 31;

// ---- Redistributor, RD_base frame (GICR_*, IHI0069 12.11) ----------------
enum : uint64_t {
    GICR_CTLR = 0x0000,
    GICR_IIDR = 0x0004,
    GICR_TYPER = 0x0008,
    GICR_STATUSR = 0x0010,
    GICR_WAKER = 0x0014,
    GICR_SETLPIR = 0x0040,
    GICR_CLRLPIR = 0x0048,
    GICR_PROPBASER = 0x0070,
    GICR_PENDBASER = 0x0078,
    GICR_INVLPIR = 0x00a0,
    GICR_INVALLR = 0x00b0,
    GICR_SYNCR = 0x00c0,
    GICR_PIDR2 = 0xffe8,
};
// ---- Redistributor, SGI_base frame (second 64 KiB of a GICR frame) --------
enum : uint64_t {
    GICR_SGI_BASE = 0x10000,
    GICR_IGROUPR0 = GICR_SGI_BASE + 0x0080,
    GICR_ISENABLER0 = GICR_SGI_BASE + 0x0100,
    GICR_ICENABLER0 = GICR_SGI_BASE + 0x0180,
    GICR_ISPENDR0 = GICR_SGI_BASE + 0x0200,
    GICR_ICPENDR0 = GICR_SGI_BASE + 0x0280,
    GICR_ISACTIVER0 = GICR_SGI_BASE + 0x0300,
    GICR_ICACTIVER0 = GICR_SGI_BASE + 0x0380,
    GICR_IPRIORITYR = GICR_SGI_BASE + 0x0400, // + INTID (0..31)
    GICR_ICFGR0 = GICR_SGI_BASE + 0x0c00,
    GICR_ICFGR1 = GICR_SGI_BASE + 0x0c04,
    GICR_IGRPMODR0 = GICR_SGI_BASE + 0x0d00,
    GICR_NSACR = GICR_SGI_BASE + 0x0e00,
};
static_assert(GICR_SGI_BASE * 2 == GIC_GICR_STRIDE, "a GICv3 redistributor is two 64 KiB frames");
// GICR_CTLR fields
constexpr uint32_t GICR_CTLR_EnableLPIs = 1u << 0;
constexpr uint32_t GICR_CTLR_RWP = 1u << 3;
constexpr uint32_t GICR_CTLR_DPG0 = 1u << 24;
constexpr uint32_t GICR_CTLR_DPG1NS = 1u << 25;
constexpr uint32_t GICR_CTLR_DPG1S = 1u << 26;
// GICR_WAKER fields
constexpr uint32_t GICR_WAKER_ProcessorSleep = 1u << 1;
constexpr uint32_t GICR_WAKER_ChildrenAsleep = 1u << 2;
// GICR_PROPBASER / GICR_PENDBASER fields
constexpr uint64_t GICR_BASER_InnerCache_WaWb = 7ull << 7; // Normal Inner Write-Back RaWa
constexpr uint64_t GICR_BASER_InnerShareable = 1ull << 10;
constexpr uint64_t GICR_PENDBASER_PTZ = 1ull << 62;

// ---- ITS control frame (GITS_*, IHI0069 12.19) ---------------------------
enum : uint64_t {
    GITS_CTLR = 0x0000,
    GITS_IIDR = 0x0004,
    GITS_TYPER = 0x0008,
    GITS_CBASER = 0x0080,
    GITS_CWRITER = 0x0088,
    GITS_CREADR = 0x0090,
    GITS_BASER = 0x0100, // GITS_BASER<n> = GITS_BASER + 8 * n
    GITS_PIDR2 = 0xffe8,
    // translation frame: the second 64 KiB
    GITS_TRANSLATER = 0x10040,
};
static_assert(GITS_TRANSLATER == GIC_GITS_TRANSLATER_OFFSET, "GITS_TRANSLATER offset");
constexpr uint64_t GITS_BASERn(unsigned n) { return GITS_BASER + 8ull * n; }
constexpr uint32_t GITS_CTLR_Enabled = 1u << 0;
constexpr uint32_t GITS_CTLR_Quiescent = 1u << 31;
constexpr uint64_t GITS_BASER_Valid = 1ull << 63;
constexpr uint64_t GITS_CBASER_Valid = 1ull << 63;
constexpr uint64_t GITS_CREADR_Stalled = 1ull << 0;
constexpr uint64_t GITS_CWRITER_Retry = 1ull << 0;

// Identification register values the model reports (Arm as implementer).
constexpr uint32_t PIDR2_GICv3 = 0x3b; // ArchRev 3, JEDEC used, JEP106 identity bits
constexpr uint32_t GIC_IIDR_ARM = 0x47000000u;

// ---- CPU interface system registers (ICC_*_EL1) --------------------------
// ICC_SRE_EL1: SRE, DFB, DIB
constexpr uint64_t ICC_SRE_EL1_SRE = 1u << 0, ICC_SRE_EL1_DFB = 1u << 1, ICC_SRE_EL1_DIB = 1u << 2;
constexpr uint64_t ICC_SRE_EL1_ALL = ICC_SRE_EL1_SRE | ICC_SRE_EL1_DFB | ICC_SRE_EL1_DIB;
// ICC_CTLR_EL1
constexpr uint64_t ICC_CTLR_EL1_CBPR = 1u << 0;
constexpr uint64_t ICC_CTLR_EL1_EOImode = 1u << 1;
// ICC_SGI0R_EL1 / ICC_SGI1R_EL1 / ICC_ASGI1R_EL1 fields
constexpr unsigned ICC_SGIR_Aff1_SHIFT = 16, ICC_SGIR_INTID_SHIFT = 24, ICC_SGIR_Aff2_SHIFT = 32,
                   ICC_SGIR_IRM_SHIFT = 40, ICC_SGIR_RS_SHIFT = 44, ICC_SGIR_Aff3_SHIFT = 48;
// An SGI register value: INTID, TargetList, Aff1, Aff2, IRM, RS.
constexpr uint64_t icc_sgir(uint32_t intid, uint16_t target_list, uint32_t aff1 = 0, uint32_t aff2 = 0,
                            bool irm = false, uint32_t rs = 0)
{
    return target_list | ((uint64_t)aff1 << ICC_SGIR_Aff1_SHIFT) | ((uint64_t)intid << ICC_SGIR_INTID_SHIFT) |
           ((uint64_t)aff2 << ICC_SGIR_Aff2_SHIFT) | ((uint64_t)irm << ICC_SGIR_IRM_SHIFT) |
           ((uint64_t)rs << ICC_SGIR_RS_SHIFT);
}
constexpr uint32_t LPI_FIRST = 8192;

// ---- virtualization (HCR_EL2, ICH_*_EL2) ---------------------------------
constexpr uint64_t HCR_EL2_FMO = 1u << 3, HCR_EL2_IMO = 1u << 4;
// ICH_HCR_EL2
constexpr uint32_t ICH_HCR_En = 1u << 0, ICH_HCR_UIE = 1u << 1, ICH_HCR_LRENPIE = 1u << 2,
                   ICH_HCR_NPIE = 1u << 3, ICH_HCR_VGrp0EIE = 1u << 4, ICH_HCR_VGrp0DIE = 1u << 5,
                   ICH_HCR_VGrp1EIE = 1u << 6, ICH_HCR_VGrp1DIE = 1u << 7,
                   ICH_HCR_vSGIEOICount = 1u << 8; // GICv4.1, else RES0
constexpr unsigned ICH_HCR_EOIcount_SHIFT = 27;
// ICH_MISR_EL2
constexpr uint32_t ICH_MISR_EOI = 1u << 0, ICH_MISR_U = 1u << 1, ICH_MISR_LRENP = 1u << 2,
                   ICH_MISR_NP = 1u << 3, ICH_MISR_VGrp0E = 1u << 4, ICH_MISR_VGrp0D = 1u << 5,
                   ICH_MISR_VGrp1E = 1u << 6, ICH_MISR_VGrp1D = 1u << 7;
// ICH_VMCR_EL2
constexpr uint64_t ICH_VMCR_VENG0 = 1u << 0, ICH_VMCR_VENG1 = 1u << 1;
constexpr unsigned ICH_VMCR_VPMR_SHIFT = 24;
// ICH_VTR_EL2
constexpr unsigned ICH_VTR_PRIbits_SHIFT = 29, ICH_VTR_PREbits_SHIFT = 26, ICH_VTR_A3V_SHIFT = 21,
                   ICH_VTR_nV4_SHIFT = 20;
// ICH_LR<n>_EL2 fields
constexpr unsigned ICH_LR_pINTID_SHIFT = 32, ICH_LR_EOI_SHIFT = 41, ICH_LR_Priority_SHIFT = 48,
                   ICH_LR_Group_SHIFT = 60, ICH_LR_HW_SHIFT = 61, ICH_LR_State_SHIFT = 62;
constexpr uint64_t ICH_LR_State_Pending = 1, ICH_LR_State_Active = 2, ICH_LR_State_PendingActive = 3;
// An ICH_LR<n>_EL2 value. With HW = 1 the pINTID field names the physical
// interrupt; without it bit 41 asks for an EOI maintenance interrupt.
constexpr uint64_t ich_lr(uint32_t vintid, uint8_t prio, uint64_t state = ICH_LR_State_Pending, unsigned group = 1,
                          bool hw = false, uint32_t pintid = 0, bool eoi = false)
{
    return vintid | ((uint64_t)prio << ICH_LR_Priority_SHIFT) | ((uint64_t)group << ICH_LR_Group_SHIFT) |
           (state << ICH_LR_State_SHIFT) |
           (hw ? (1ull << ICH_LR_HW_SHIFT) | ((uint64_t)(pintid & 0x1fff) << ICH_LR_pINTID_SHIFT)
               : (eoi ? 1ull << ICH_LR_EOI_SHIFT : 0));
}
constexpr gic_sysreg_t ICH_LR(unsigned n) { return (gic_sysreg_t)(GIC_ICH_LR0_EL2 + n); }

} // namespace gictest
#endif
