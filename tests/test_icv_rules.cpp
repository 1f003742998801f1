// The virtual CPU interface against the rules of IHI0069 (ICV_*, ICH_*): each
// test names the rule it checks, and a randomized cross-check compares the
// model with a small reference written from those rules. Public C API only.
#include <gtest/gtest.h>

#include <string>
#include <vector>
#include <random>
#include <algorithm>
#include <cstdio>

#include "gictlm.h"
#include "gic_test.h"

using namespace gictest;

namespace {

struct IcvRules : VirtTest {
    uint64_t eoicount() { return (sr(t, 0, GIC_ICH_HCR_EL2) >> ICH_HCR_EOIcount_SHIFT) & 0x1f; }
    unsigned lr_state(unsigned n) { return (unsigned)(sr(t, 0, ICH_LR(n)) >> ICH_LR_State_SHIFT); }
};

// A list register holding vINTID 1023 (a special INTID, like 1020..1022) is
// a candidate like any other. IHI0069 (pseudocode
// HighestPriorityVirtualInterrupt / VirtualReadIAR1, as QEMU's
// hppvi_index/icv_iar_read implement them): the highest-priority pending LR
// is chosen whatever its vINTID; if that vINTID IsSpecial() the acknowledge
// moves the LR from Pending to Invalid and returns the vINTID. Until
// 2026-12-08 the engine's "no candidate" value was INTID 1023 (cand_none), so
// such an LR lost to any lower-priority one, was never signalled and never
// emptied; "none" is now GIC_CAND_NONE, outside every INTID space.
TEST_F(IcvRules, Lr1023IsTheHighestPriorityCandidateAndIsDroppedByIar)
{
    enter(0);
    sw(t, 0, ICH_LR(0), ich_lr(1023, 0x80)); // highest priority
    sw(t, 0, ICH_LR(1), ich_lr(40, 0xa0));
    step();
    // the lower-priority LR1 must not be presented ahead of LR0
    EXPECT_NE(sr(t, 0, GIC_ICV_HPPIR1_EL1), 40u) << "LR0 (priority 0x80) is the highest-priority pending LR";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 1023u) << "IAR1 returns the special vINTID of LR0";
    EXPECT_EQ(lr_state(0), 0u) << "the acknowledge of a special vINTID leaves its LR invalid";
    EXPECT_EQ(lr_state(1), (unsigned)ICH_LR_State_Pending) << "LR1 is untouched by that acknowledge";
    EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), 40u);
}

// The same LR alone: it is signalled (vIRQ) like LRs with vINTID 1020..1022,
// and the acknowledge empties it (so ICH_ELRSR_EL2 and ICH_MISR_EL2.NP see it
// gone); before, vIRQ stayed low and the LR pending forever.
TEST_F(IcvRules, Lr1023AloneIsSignalledAndEmptiedLikeTheOtherSpecialIds)
{
    enter(0, ICH_HCR_En | ICH_HCR_NPIE);
    for (uint32_t id : {1022u, 1023u}) {
        SCOPED_TRACE("vINTID " + std::to_string(id));
        out.clear();
        sw(t, 0, ICH_LR(0), ich_lr(id, 0x80));
        step();
        EXPECT_EQ(line_level(0, GIC_LINE_VIRQ), 1) << "a pending LR of an enabled group below VPMR is signalled";
        EXPECT_EQ(misr() & ICH_MISR_NP, 0u);
        EXPECT_EQ(sr(t, 0, GIC_ICV_IAR1_EL1), (uint64_t)id);
        EXPECT_EQ(lr_state(0), 0u) << "Pending -> Invalid at the acknowledge";
        EXPECT_EQ(sr(t, 0, GIC_ICH_ELRSR_EL2) & 1u, 1u);
        EXPECT_EQ(misr() & ICH_MISR_NP, (uint64_t)ICH_MISR_NP);
        sw(t, 0, ICH_LR(0), 0);
        step();
    }
}

struct RefVif {
    uint64_t lr[4] = {};
    uint32_t hcr = 0;
    bool veng0 = false, veng1 = false, cbpr = false, eoim = false;
    uint8_t bpr0 = 2, bpr1 = 3, pmr = 0;
    uint32_t apr[2][4] = {};
    unsigned P = 5, PRE = 5, MINB = 2, SH = 3, NAPR = 1; uint8_t PM = 0xf8;
    void setbits(unsigned p) { P = p; PRE = p > 7 ? 7 : p; MINB = 7 - PRE; SH = 8 - PRE; NAPR = 1u << (PRE - 5); PM = (uint8_t)(0xff00u >> p); bpr0 = (uint8_t)MINB; bpr1 = (uint8_t)(MINB + 1); }
    static unsigned st(uint64_t l) { return (unsigned)(l >> 62); }
    static uint32_t vid(uint64_t l) { return (uint32_t)l; }
    static uint8_t pri(uint64_t l) { return (uint8_t)(l >> 48); }
    static unsigned grp(uint64_t l) { return (l >> 60) & 1; }
    static bool special(uint32_t i) { return i >= 1020 && i < 1024; }
    uint8_t gmask(unsigned g) const { unsigned b = (g == 1 && !cbpr) ? bpr1 - 1u : bpr0; return (uint8_t)(0xffu << (b + 1)); }
    unsigned rp() const { for (unsigned w = 0; w < NAPR; w++) { uint32_t a = apr[0][w] | apr[1][w]; if (a) return ((w * 32 + (unsigned)__builtin_ctz(a)) << SH) & 0xff; } return 0xffu; }
    bool en(unsigned g) const { return g ? veng1 : veng0; }
    int hppi() const
    {
        if (!(hcr & 1)) return -1;
        int best = -1; unsigned bp = 0xff;
        for (int i = 0; i < 4; i++)
            if (st(lr[i]) == 1 && en(grp(lr[i])) && pri(lr[i]) < bp) { bp = pri(lr[i]); best = i; }
        return best;
    }
    bool can_signal(int i) const
    {
        uint8_t p = pri(lr[i]), m = gmask(grp(lr[i]));
        unsigned r = rp();
        return p < pmr && (r == 0xff || (p & m) < (r & m));
    }
    uint64_t iar(unsigned g)
    {
        int i = hppi();
        if (i < 0 || grp(lr[i]) != g || !can_signal(i)) return 1023;
        uint32_t id = vid(lr[i]);
        lr[i] &= ~(3ull << 62);
        if (special(id)) return id;
        lr[i] |= 2ull << 62;
        { unsigned ix = (pri(lr[i]) & gmask(g)) >> SH; apr[g][ix / 32] |= 1u << (ix % 32); }
        return id;
    }
    int find_active(uint32_t id) const
    {
        for (int i = 0; i < 4; i++) if ((st(lr[i]) & 2) && vid(lr[i]) == id) return i;
        return -1;
    }
    void inc() { uint32_t n = ((hcr >> 27) + 1) & 0x1f; hcr = (hcr & 0x07ffffffu) | (n << 27); }
    void eoir(unsigned g, uint32_t id)
    {
        if (special(id)) return;
        unsigned w = 0;
        for (; w < NAPR; w++) if (apr[0][w] | apr[1][w]) break;
        if (w == NAPR) return;
        unsigned b0 = apr[0][w] ? __builtin_ctz(apr[0][w]) : 32, b1 = apr[1][w] ? __builtin_ctz(apr[1][w]) : 32;
        unsigned hg = b0 <= b1 ? 0 : 1, idx = (hg ? b1 : b0);
        if (hg != g) return;
        apr[g][w] &= ~(1u << idx);
        idx += w * 32;
        if (eoim && id < 8192) return;
        int i = find_active(id);
        if (i < 0) { if (id < 8192) inc(); return; }
        if (grp(lr[i]) == g && (unsigned)((pri(lr[i]) & gmask(g)) >> SH) == idx) lr[i] &= ~(2ull << 62);
    }
    void dir(uint32_t id)
    {
        if (special(id) || !eoim || id >= 8192) return;
        int i = find_active(id);
        if (i < 0) inc(); else lr[i] &= ~(2ull << 62);
    }
    uint32_t eisr() const { uint32_t m = 0; for (int i = 0; i < 4; i++) if ((lr[i] & ((3ull << 62) | (1ull << 61) | (1ull << 41))) == (1ull << 41)) m |= 1u << i; return m; }
    uint32_t elrsr() const { uint32_t m = 0; for (int i = 0; i < 4; i++) if (st(lr[i]) == 0 && ((lr[i] >> 61 & 1) || !(lr[i] >> 41 & 1))) m |= 1u << i; return m; }
    uint32_t misr() const
    {
        unsigned valid = 0; bool pend = false;
        for (int i = 0; i < 4; i++) { valid += st(lr[i]) != 0; pend |= st(lr[i]) == 1; }
        uint32_t m = eisr() ? 1 : 0;
        if ((hcr & 2) && valid <= 1) m |= 2;
        if ((hcr & 4) && (hcr >> 27)) m |= 4;
        if ((hcr & 8) && !pend) m |= 8;
        if ((hcr & 16) && veng0) m |= 16;
        if ((hcr & 32) && !veng0) m |= 32;
        if ((hcr & 64) && veng1) m |= 64;
        if ((hcr & 128) && !veng1) m |= 128;
        return m;
    }
    uint64_t vmcr() const { return (veng0 ? 1 : 0) | (veng1 ? 2 : 0) | 8 | (cbpr ? 16 : 0) | (eoim ? 512 : 0) | ((uint64_t)bpr1 << 18) | ((uint64_t)bpr0 << 21) | ((uint64_t)pmr << 24); }
    void vmcr_w(uint64_t v)
    {
        veng0 = v & 1; veng1 = v & 2; cbpr = v & 16; eoim = v & 512;
        bpr1 = std::max<uint8_t>((v >> 18) & 7, (uint8_t)(MINB + 1)); bpr0 = std::max<uint8_t>((v >> 21) & 7, (uint8_t)MINB); pmr = (v >> 24) & PM;
    }
};

TEST_F(IcvRules, CrossCheckRandomSequencesAgainstAReference)
{
    unsigned long nops = 0;
    for (unsigned seed = 1; seed <= 400; seed++) {
        destroy(); cfg.virt_pri_bits = 5 + seed % 4; create(); bringup(0); t = ns(2000);
        sw(t, 0, GIC_HCR_EL2, HCR_EL2_IMO | HCR_EL2_FMO);
        std::mt19937 rng(seed);
        auto R = [&](unsigned n) { return (unsigned)(rng() % n); };
        RefVif ref; ref.setbits(cfg.virt_pri_bits);
        sw(t, 0, GIC_ICH_VMCR_EL2, 0); ref.vmcr_w(0);
        bool line[2] = {false, false};
        std::string hist;
        const uint32_t ids[] = {32, 33, 34, 35, 1020, 8192, 8193, 40, 1023};
        std::vector<uint32_t> acked;
        for (int op = 0; op < 400; op++) {
            unsigned k = R(16);
            char buf[128];
            uint64_t got = 0, exp = 0; bool cmp = false;
            if (k == 0 || k == 1) {
                unsigned n = R(4);
                uint32_t id = ids[R(9)];
                bool dup = false;
                for (int i = 0; i < 4; i++) if (i != (int)n && RefVif::st(ref.lr[i]) && RefVif::vid(ref.lr[i]) == id) dup = true;
                if (dup) continue;
                uint64_t v = ich_lr(id, (uint8_t)(R(256) & ref.PM), R(4), R(2), false, 0, R(2));
                sw(t, 0, ICH_LR(n), v); ref.lr[n] = v;
                snprintf(buf, sizeof buf, "LR%u=%llx;", n, (unsigned long long)v);
            } else if (k == 2 || k == 3 || k == 4) {
                unsigned g = k == 2 ? 0 : 1;
                got = sr(t, 0, g ? GIC_ICV_IAR1_EL1 : GIC_ICV_IAR0_EL1); exp = ref.iar(g); cmp = true;
                if (got != 1023) acked.push_back((uint32_t)got);
                snprintf(buf, sizeof buf, "IAR%u=%llu;", g, (unsigned long long)got);
            } else if (k == 5 || k == 6 || k == 7) {
                unsigned g = R(4) ? 1 : 0;
                uint32_t id = (!acked.empty() && R(4)) ? acked[R((unsigned)acked.size())] : ids[R(9)];
                sw(t, 0, g ? GIC_ICV_EOIR1_EL1 : GIC_ICV_EOIR0_EL1, id); ref.eoir(g, id);
                snprintf(buf, sizeof buf, "EOIR%u(%u);", g, id);
            } else if (k == 8) {
                uint32_t id = (!acked.empty() && R(4)) ? acked[R((unsigned)acked.size())] : ids[R(9)];
                sw(t, 0, GIC_ICV_DIR_EL1, id); ref.dir(id);
                snprintf(buf, sizeof buf, "DIR(%u);", id);
            } else if (k == 9) {
                uint64_t v = (uint64_t)R(2) | (uint64_t)R(2) << 1 | (uint64_t)R(2) << 4 | (uint64_t)R(2) << 9 | (uint64_t)R(8) << 18 | (uint64_t)R(8) << 21 | (uint64_t)(R(2) ? 0xf8 : R(256)) << 24;
                sw(t, 0, GIC_ICH_VMCR_EL2, v); ref.vmcr_w(v);
                snprintf(buf, sizeof buf, "VMCR=%llx;", (unsigned long long)v);
            } else if (k == 10) {
                uint32_t v = (R(8) ? 1u : 0u) | (R(256) & 0xfe) | (R(4) == 0 ? (R(32) << 27) : (ref.hcr & 0xf8000000u));
                sw(t, 0, GIC_ICH_HCR_EL2, v); ref.hcr = v;
                snprintf(buf, sizeof buf, "HCR=%x;", v);
            } else if (k == 11) {
                unsigned which = R(6);
                uint64_t v = R(8);
                switch (which) {
                case 0: sw(t, 0, GIC_ICV_BPR0_EL1, v); ref.bpr0 = std::max<uint8_t>((uint8_t)v, (uint8_t)ref.MINB); break;
                case 1: sw(t, 0, GIC_ICV_BPR1_EL1, v); if (!ref.cbpr) ref.bpr1 = std::max<uint8_t>((uint8_t)v, (uint8_t)(ref.MINB + 1)); break;
                case 2: v = R(256); sw(t, 0, GIC_ICV_PMR_EL1, v); ref.pmr = v & ref.PM; break;
                case 3: v = R(4); sw(t, 0, GIC_ICV_CTLR_EL1, v); ref.cbpr = v & 1; ref.eoim = v & 2; break;
                case 4: v = R(2); sw(t, 0, GIC_ICV_IGRPEN0_EL1, v); ref.veng0 = v; break;
                case 5: v = R(2); sw(t, 0, GIC_ICV_IGRPEN1_EL1, v); ref.veng1 = v; break;
                }
                snprintf(buf, sizeof buf, "W%u=%llu;", which, (unsigned long long)v);
            } else if (k == 12) {
                unsigned g = R(2), w = R(ref.NAPR); uint32_t v = R(3) ? 0 : (1u << R(32));
                sw(t, 0, (gic_sysreg_t)((g ? GIC_ICH_AP1R0_EL2 : GIC_ICH_AP0R0_EL2) + w), v); ref.apr[g][w] = v;
                snprintf(buf, sizeof buf, "AP%uR0=%x;", g, v);
            } else {
                unsigned g = R(2);
                got = sr(t, 0, g ? GIC_ICV_HPPIR1_EL1 : GIC_ICV_HPPIR0_EL1);
                int i = ref.hppi(); exp = (i >= 0 && RefVif::grp(ref.lr[i]) == g) ? RefVif::vid(ref.lr[i]) : 1023; cmp = true;
                snprintf(buf, sizeof buf, "HPPIR%u=%llu;", g, (unsigned long long)got);
            }
            hist += buf; nops++;
            t += ns(10); gic_run_until(g, t);
            for (auto &o : out) if (o.kind == GIC_OUT_LINE && o.cpu == 0 && (o.line == GIC_LINE_VIRQ || o.line == GIC_LINE_VFIQ)) line[o.line == GIC_LINE_VFIQ] = o.level;
            out.clear();
            bool bad = cmp && got != exp;
            for (int i = 0; i < 4; i++) bad |= sr(t, 0, ICH_LR(i)) != ref.lr[i];
            for (unsigned w = 0; w < ref.NAPR; w++) bad |= sr(t, 0, (gic_sysreg_t)(GIC_ICH_AP0R0_EL2 + w)) != ref.apr[0][w] || sr(t, 0, (gic_sysreg_t)(GIC_ICH_AP1R0_EL2 + w)) != ref.apr[1][w];
            bad |= sr(t, 0, GIC_ICH_HCR_EL2) != ref.hcr || sr(t, 0, GIC_ICH_MISR_EL2) != ref.misr();
            bad |= sr(t, 0, GIC_ICH_EISR_EL2) != ref.eisr() || sr(t, 0, GIC_ICH_ELRSR_EL2) != ref.elrsr();
            bad |= sr(t, 0, GIC_ICH_VMCR_EL2) != ref.vmcr() || sr(t, 0, GIC_ICV_RPR_EL1) != ref.rp();
            bad |= sr(t, 0, GIC_ICV_BPR1_EL1) != (uint64_t)(ref.cbpr ? std::min(ref.bpr0 + 1, 7) : ref.bpr1);
            int i = ref.hppi();
            bool sig = i >= 0 && ref.can_signal(i);
            bool eirq = sig && RefVif::grp(ref.lr[i]) == 1, efiq = sig && RefVif::grp(ref.lr[i]) == 0;
            bad |= line[0] != eirq || line[1] != efiq;
            if (bad) {
                ADD_FAILURE() << "seed " << seed << " op " << op << " got " << got << " exp " << exp << " lines " << line[0] << line[1] << " exp " << eirq << efiq
                              << " misr " << sr(t, 0, GIC_ICH_MISR_EL2) << "/" << ref.misr() << " hcr " << std::hex << sr(t, 0, GIC_ICH_HCR_EL2) << "/" << ref.hcr
                              << " apr " << sr(t, 0, GIC_ICH_AP0R0_EL2) << "," << sr(t, 0, GIC_ICH_AP1R0_EL2) << "/" << ref.apr[0][0] << "," << ref.apr[1][0] << " P " << ref.P << std::dec << "\n" << hist.substr(hist.size() > 1500 ? hist.size() - 1500 : 0);
                return;
            }
        }
    }
    EXPECT_GT(nops, 100000u);
}
} // namespace
