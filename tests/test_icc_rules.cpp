// The physical CPU interface (ICC_*) and the physical interrupt path against
// the rules of IHI0069: each test names the rule it checks; a randomized
// cross-check compares the priority logic with a small reference written from
// those rules (the physical counterpart of test_icv_rules.cpp). Public C API only.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>
#include <random>
#include <string>
#include <vector>

#include "gic_test.h"
#include "gictlm.h"

using namespace gictest;

namespace {

struct IccRules : GicTest {
    void SetUp() override
    {
        create();
        bringup(0, true);
        t = ns(2000);
    }
    void step(uint64_t d = 100)
    {
        t += ns(d);
        gic_run_until(g, t);
    }
    // The last of CPUs 0..n-1 whose IRQ line is high, -1 if none is.
    int irq_cpu(uint32_t n) const
    {
        int who = -1;
        for (uint32_t c = 0; c < n; c++)
            if (line_level(c, GIC_LINE_IRQ)) who = (int)c;
        return who;
    }
    uint64_t errors(const char *id) { return counter0(std::string("errors.") + id); }
};

// ---------------------------------------------------------------------------
// Randomized cross-check of the ICC priority logic against a reference model.
// CPU 0, SGIs 0..7 made pending through GICR_ISPENDR0 (edge: the pending state
// is a latch), random priority/group/enable, random PMR/BPR0/BPR1/CTLR/IGRPEN
// and GICD_CTLR group enables, acknowledge, EOI, DIR, HPPIR, RPR and AP<n>R.
// ---------------------------------------------------------------------------
struct RefIcc {
    unsigned P = 5, PRE = 5, MINB = 2, SH = 3, NAPR = 1;
    uint8_t PM = 0xf8;
    struct Irq {
        uint8_t prio = 0;
        unsigned grp = 1;
        bool en = true, pend = false, act = false;
    } irq[8];
    bool dgrp[2] = {true, true}, igrp[2] = {true, true}, cbpr = false, eoim = false;
    uint8_t bpr0 = 2, bpr1 = 3, pmr = 0;
    uint32_t apr[2][4] = {};
    void setbits(unsigned p)
    {
        P = p;
        PRE = p > 7 ? 7 : p;
        MINB = 7 - PRE;
        SH = 8 - PRE;
        NAPR = 1u << (PRE - 5);
        PM = (uint8_t)(0xff00u >> p);
        bpr0 = (uint8_t)MINB;
        bpr1 = (uint8_t)(MINB + 1);
    }
    // IHI0069 "Priority grouping": Group 0 uses BPR0; Group 1 uses BPR1 - 1
    // (Non-secure copy: one Security state), or BPR0 when CBPR = 1.
    uint8_t gmask(unsigned g) const
    {
        unsigned b = (g == 1 && !cbpr) ? bpr1 - 1u : bpr0;
        return (uint8_t)(0xffu << (b + 1));
    }
    // Running priority: the priority of the highest active priority bit.
    unsigned rp() const
    {
        for (unsigned w = 0; w < NAPR; w++) {
            uint32_t a = apr[0][w] | apr[1][w];
            if (a) return ((w * 32 + (unsigned)__builtin_ctz(a)) << SH) & 0xff;
        }
        return 0xffu;
    }
    int hppi() const
    {
        int best = -1;
        unsigned bp = 0x100;
        for (int i = 0; i < 8; i++) {
            const Irq &q = irq[i];
            if (q.pend && q.en && !q.act && dgrp[q.grp] && igrp[q.grp] && q.prio < bp) {
                bp = q.prio;
                best = i;
            }
        }
        return best;
    }
    bool can_signal(int i) const
    {
        uint8_t p = irq[i].prio, m = gmask(irq[i].grp);
        unsigned r = rp();
        return p < pmr && (r == 0xff || (p & m) < (r & m));
    }
    uint64_t iar(unsigned g)
    {
        int i = hppi();
        if (i < 0 || irq[i].grp != g || !can_signal(i)) return 1023;
        irq[i].pend = false;
        irq[i].act = true;
        unsigned ix = (irq[i].prio & gmask(g)) >> SH;
        apr[g][ix / 32] |= 1u << (ix % 32);
        return (uint64_t)i;
    }
    void eoir(unsigned g, uint32_t id)
    {
        if (id >= 1020 && id < 1024) return;
        unsigned w = 0;
        for (; w < NAPR; w++)
            if (apr[0][w] | apr[1][w]) break;
        if (w == NAPR) return;
        unsigned b0 = apr[0][w] ? __builtin_ctz(apr[0][w]) : 32, b1 = apr[1][w] ? __builtin_ctz(apr[1][w]) : 32;
        unsigned hg = b0 <= b1 ? 0 : 1, idx = hg ? b1 : b0;
        if (hg != g) return;
        apr[g][w] &= ~(1u << idx);
        if (!eoim && id < 8) irq[id].act = false;
    }
    void dir(uint32_t id)
    {
        if (!eoim) return;
        if (id < 8) irq[id].act = false;
    }
};

TEST_F(IccRules, CrossCheckRandomSequencesAgainstAReference)
{
    unsigned long nops = 0;
    for (unsigned seed = 1; seed <= 300; seed++) {
        destroy();
        cfg.pri_bits = 5 + seed % 4;
        create();
        bringup(0, true);
        t = ns(2000);
        std::mt19937 rng(seed);
        auto R = [&](unsigned n) { return (unsigned)(rng() % n); };
        RefIcc ref;
        ref.setbits(cfg.pri_bits);
        // the bring-up's values
        ref.pmr = 0xf0 & ref.PM;
        ref.bpr1 = (uint8_t)std::max<unsigned>(0, ref.MINB + 1);
        for (int i = 0; i < 8; i++) {
            uint8_t p = (uint8_t)(R(256) & ref.PM);
            unsigned gr = R(2);
            local(t, 0, (uint32_t)i, p, false, gr);
            ref.irq[i].prio = p;
            ref.irq[i].grp = gr;
        }
        step();
        std::string hist;
        std::vector<uint32_t> acked;
        bool line_[2] = {false, false};
        out.clear();
        for (int op = 0; op < 300; op++) {
            unsigned k = R(18);
            char buf[128];
            uint64_t got = 0, exp = 0;
            bool cmp = false;
            if (k <= 2) {
                unsigned i = R(8);
                rw(t, 0, GICR_ISPENDR0, 1u << i);
                ref.irq[i].pend = true;
                snprintf(buf, sizeof buf, "PEND%u;", i);
            } else if (k <= 5) {
                unsigned gr = k == 3 ? 0 : 1;
                got = sr(t, 0, gr ? GIC_ICC_IAR1_EL1 : GIC_ICC_IAR0_EL1);
                exp = ref.iar(gr);
                cmp = true;
                if (got != 1023) acked.push_back((uint32_t)got);
                snprintf(buf, sizeof buf, "IAR%u=%llu;", gr, (unsigned long long)got);
            } else if (k <= 8) {
                unsigned gr = R(2);
                uint32_t id = (!acked.empty() && R(4)) ? acked[R((unsigned)acked.size())] : R(8);
                sw(t, 0, gr ? GIC_ICC_EOIR1_EL1 : GIC_ICC_EOIR0_EL1, id);
                ref.eoir(gr, id);
                snprintf(buf, sizeof buf, "EOIR%u(%u);", gr, id);
            } else if (k == 9) {
                uint32_t id = (!acked.empty() && R(4)) ? acked[R((unsigned)acked.size())] : R(8);
                sw(t, 0, GIC_ICC_DIR_EL1, id);
                ref.dir(id);
                snprintf(buf, sizeof buf, "DIR(%u);", id);
            } else if (k == 10 || k == 11) {
                unsigned which = R(8);
                uint64_t v = R(8);
                switch (which) {
                case 0: sw(t, 0, GIC_ICC_BPR0_EL1, v); ref.bpr0 = std::max<uint8_t>((uint8_t)v, (uint8_t)ref.MINB); break;
                case 1:
                    sw(t, 0, GIC_ICC_BPR1_EL1, v);
                    if (!ref.cbpr) ref.bpr1 = std::max<uint8_t>((uint8_t)v, (uint8_t)(ref.MINB + 1));
                    break;
                case 2: v = R(256); sw(t, 0, GIC_ICC_PMR_EL1, v); ref.pmr = (uint8_t)(v & ref.PM); break;
                case 3: v = R(4); sw(t, 0, GIC_ICC_CTLR_EL1, v); ref.cbpr = v & 1; ref.eoim = v & 2; break;
                case 4: v = R(4) != 0; sw(t, 0, GIC_ICC_IGRPEN0_EL1, v); ref.igrp[0] = v; break;
                case 5: v = R(4) != 0; sw(t, 0, GIC_ICC_IGRPEN1_EL1, v); ref.igrp[1] = v; break;
                case 6: {
                    v = R(4) ? 3 : R(4);
                    dw(t, GICD_CTLR, v);
                    ref.dgrp[0] = v & 1;
                    ref.dgrp[1] = v & 2;
                    break;
                }
                case 7: {
                    unsigned i = R(8);
                    uint8_t p = (uint8_t)(R(256) & ref.PM);
                    rw(t, 0, GICR_IPRIORITYR + i, p, 1);
                    ref.irq[i].prio = p;
                    v = i * 1000 + p;
                    break;
                }
                }
                snprintf(buf, sizeof buf, "W%u=%llu;", which, (unsigned long long)v);
            } else if (k == 12) {
                unsigned gr = R(2), w = R(ref.NAPR);
                uint32_t v = R(3) ? 0 : (1u << R(32));
                sw(t, 0, (gic_sysreg_t)((gr ? GIC_ICC_AP1R0_EL1 : GIC_ICC_AP0R0_EL1) + w), v);
                ref.apr[gr][w] = v;
                snprintf(buf, sizeof buf, "AP%uR%u=%x;", gr, w, v);
            } else if (k == 13) {
                unsigned i = R(8);
                bool en = R(4) != 0;
                rw(t, 0, en ? GICR_ISENABLER0 : GICR_ICENABLER0, 1u << i);
                ref.irq[i].en = en;
                snprintf(buf, sizeof buf, "EN%u=%d;", i, en);
            } else if (k == 14) {
                unsigned i = R(8);
                rw(t, 0, GICR_ICPENDR0, 1u << i);
                ref.irq[i].pend = false;
                snprintf(buf, sizeof buf, "CPEND%u;", i);
            } else {
                unsigned gr = R(2);
                got = sr(t, 0, gr ? GIC_ICC_HPPIR1_EL1 : GIC_ICC_HPPIR0_EL1);
                int i = ref.hppi();
                exp = (i >= 0 && ref.irq[i].grp == gr) ? (uint64_t)i : 1023;
                cmp = true;
                snprintf(buf, sizeof buf, "HPPIR%u=%llu;", gr, (unsigned long long)got);
            }
            hist += buf;
            nops++;
            t += ns(100);
            gic_run_until(g, t);
            for (auto &o : out)
                if (o.kind == GIC_OUT_LINE && o.cpu == 0 && (o.line == GIC_LINE_IRQ || o.line == GIC_LINE_FIQ))
                    line_[o.line == GIC_LINE_FIQ] = o.level;
            out.clear();
            bool bad = cmp && got != exp;
            std::string why;
            if (bad) why += "value;";
            for (unsigned w = 0; w < ref.NAPR; w++)
                if (sr(t, 0, (gic_sysreg_t)(GIC_ICC_AP0R0_EL1 + w)) != ref.apr[0][w] ||
                    sr(t, 0, (gic_sysreg_t)(GIC_ICC_AP1R0_EL1 + w)) != ref.apr[1][w]) {
                    bad = true;
                    why += "apr;";
                }
            if (sr(t, 0, GIC_ICC_RPR_EL1) != ref.rp()) { bad = true; why += "rpr;"; }
            uint64_t b1 = ref.cbpr ? std::min(ref.bpr0 + 1, 7) : ref.bpr1;
            if (sr(t, 0, GIC_ICC_BPR1_EL1) != b1 || sr(t, 0, GIC_ICC_BPR0_EL1) != ref.bpr0) { bad = true; why += "bpr;"; }
            uint32_t pend = 0, act = 0;
            for (int i = 0; i < 8; i++) {
                pend |= (uint32_t)ref.irq[i].pend << i;
                act |= (uint32_t)ref.irq[i].act << i;
            }
            if ((rr(t, 0, GICR_ISPENDR0) & 0xff) != pend) { bad = true; why += "pend;"; }
            if ((rr(t, 0, GICR_ISACTIVER0) & 0xff) != act) { bad = true; why += "act;"; }
            int i = ref.hppi();
            bool sig = i >= 0 && ref.can_signal(i);
            bool eirq = sig && ref.irq[i].grp == 1, efiq = sig && ref.irq[i].grp == 0;
            if (line_[0] != eirq || line_[1] != efiq) { bad = true; why += "lines;"; }
            if (bad) {
                ADD_FAILURE() << "seed " << seed << " P " << ref.P << " op " << op << " (" << why << ") got " << got
                              << " exp " << exp << " lines " << line_[0] << line_[1] << " exp " << eirq << efiq
                              << " rpr " << sr(t, 0, GIC_ICC_RPR_EL1) << "/" << ref.rp() << "\n"
                              << hist.substr(hist.size() > 1500 ? hist.size() - 1500 : 0);
                return;
            }
        }
    }
    EXPECT_GT(nops, 50000u);
}


// ---- targeted rules of the physical path ----
TEST_F(IccRules, LevelSpiPendingFollowsWireIspendrLatchIcpendrAndAck)
{
    spi(t, 40, 0x80, false, 0);
    step();
    gic_set_spi(g, t, 40, true);
    step();
    EXPECT_EQ(line_level(0, GIC_LINE_IRQ), 1);
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u);
    dw(t, GICD_ICPENDR + 4, 1u << 8);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u) << "ICPENDR while line high";
    gic_set_spi(g, t, 40, false);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 0u);
    EXPECT_EQ(line_level(0, GIC_LINE_IRQ), 0);
    dw(t, GICD_ISPENDR + 4, 1u << 8);
    step();
    gic_set_spi(g, t, 40, true);
    step();
    gic_set_spi(g, t, 40, false);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u) << "latch";
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 0u);
    EXPECT_EQ(dr(t, GICD_ISACTIVER + 4) >> 8 & 1, 1u);
    gic_set_spi(g, t, 40, true);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u);
    sw(t, 0, GIC_ICC_EOIR1_EL1, 40);
    step();
    EXPECT_EQ(line_level(0, GIC_LINE_IRQ), 1);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), 40u);
}

TEST_F(IccRules, Sgi1rTargetListAcrossAff1ClustersAndIrmAllButSelf)
{
    destroy();
    cfg.num_cpus = 6;
    cfg.cpus_per_cluster = 2;
    create();
    bringup(0, true);
    t = ns(2000);
    for (uint32_t c = 0; c < 6; c++) local(t, c, 3, 0x80);
    step();
    out.clear();
    sw(t, 0, GIC_ICC_SGI1R_EL1, icc_sgir(3, 0x2, 1)); // Aff1=1, Aff0=1 -> CPU 3
    step();
    for (uint32_t c = 0; c < 6; c++) EXPECT_EQ(line_level(c, GIC_LINE_IRQ), c == 3 ? 1 : 0) << c;
    sw(t, 4, GIC_ICC_SGI1R_EL1, icc_sgir(3, 0, 0, 0, true));
    step();
    for (uint32_t c = 0; c < 6; c++) EXPECT_EQ(line_level(c, GIC_LINE_IRQ), c == 4 ? 0 : 1) << c;
}

TEST_F(IccRules, WakerProcessorSleepHoldsForwarding)
{
    local(t, 1, 20, 0x80);
    rw(t, 1, GICR_WAKER, GICR_WAKER_ProcessorSleep);
    step();
    EXPECT_EQ(rr(t, 1, GICR_WAKER), (uint64_t)(GICR_WAKER_ProcessorSleep | GICR_WAKER_ChildrenAsleep));
    gic_set_ppi(g, t, 1, 20, true);
    step();
    EXPECT_EQ(line_level(1, GIC_LINE_IRQ), 0);
    rw(t, 1, GICR_WAKER, 0);
    step();
    EXPECT_EQ(line_level(1, GIC_LINE_IRQ), 1);
}

TEST_F(IccRules, IrmSpiGoesToExactlyOneCpu)
{
    spi(t, 50, 0x80, true, -1);
    step();
    dw(t, GICD_ISPENDR + 4, 1u << 18);
    step();
    int n = 0;
    for (uint32_t c = 0; c < 4; c++) n += line_level(c, GIC_LINE_IRQ);
    EXPECT_EQ(n, 1);
    EXPECT_EQ(dr(t, GICD_IROUTER + 8 * 50, 8), GICD_IROUTER_IRM);
}

TEST_F(IccRules, IrmSpiMovesWhenTargetSleepsOrSetsDpg)
{
    spi(t, 50, 0x80, true, -1);
    step();
    dw(t, GICD_ISPENDR + 4, 1u << 18);
    step();
    int who = irq_cpu(4);
    ASSERT_GE(who, 0);
    rw(t, (uint32_t)who, GICR_WAKER, GICR_WAKER_ProcessorSleep);
    step();
    int who2 = irq_cpu(4);
    EXPECT_GE(who2, 0);
    EXPECT_NE(who2, who);
    rw(t, (uint32_t)who2, GICR_CTLR, GICR_CTLR_DPG1NS);
    step();
    int who3 = irq_cpu(4);
    EXPECT_GE(who3, 0);
    EXPECT_NE(who3, who2);
    EXPECT_EQ(sr(t, (uint32_t)who3, GIC_ICC_IAR1_EL1), 50u);
    for (uint32_t c = 0; c < 4; c++) EXPECT_EQ(sr(t, c, GIC_ICC_HPPIR1_EL1), 1023u);
}
TEST_F(IccRules, GicdEnableGrp1ClearHoldsPendingSpiAndSgi)
{
    spi(t, 40, 0x80, true, 1);
    local(t, 1, 5, 0x90);
    step();
    dw(t, GICD_ISPENDR + 4, 1u << 8);
    rw(t, 1, GICR_ISPENDR0, 1u << 5);
    step();
    EXPECT_EQ(line_level(1, GIC_LINE_IRQ), 1);
    dw(t, GICD_CTLR, GICD_CTLR_EnableGrp0);
    step();
    EXPECT_EQ(line_level(1, GIC_LINE_IRQ), 0);
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), 1023u);
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u);
    dw(t, GICD_CTLR, GICD_CTLR_EnableGrp0 | GICD_CTLR_EnableGrp1NS);
    step();
    EXPECT_EQ(line_level(1, GIC_LINE_IRQ), 1);
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), 40u);
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), 1023u) << "SGI 5 at 0x90 cannot preempt 0x80";
    sw(t, 1, GIC_ICC_EOIR1_EL1, 40);
    EXPECT_EQ(sr(t, 1, GIC_ICC_IAR1_EL1), 5u);
}

// IHI0069 GICD_SETSPI_NSR: "Writes to this register have no effect if: [...]
// The SPI is already pending." A level-sensitive SPI made pending by
// GICD_ISPENDR is already pending, so a GICD_SETSPI_NSR write then must not
// add a (message-asserted) pending reason of its own: the following
// GICD_ICPENDR write ("changes the state of the corresponding interrupt from
// pending to inactive"; the level-sensitive exception applies only to an
// interrupt pending "for a reason other than a write to GICD_ISPENDR<n>")
// leaves it inactive. Before 2026-12-08 the model recorded the SETSPI as an
// asserted message line (gic_irq_t.msg) whatever the state, so the SPI stayed
// pending until a GICD_CLRSPI_NSR that software had no reason to issue.
TEST_F(IccRules, SetspiOnAlreadyPendingLevelSpiHasNoEffect)
{
    spi(t, 40, 0x80, false, 0); // level-sensitive, Group 1, CPU 0
    step();
    dw(t, GICD_ISPENDR + 4, 1u << 8);
    step();
    ASSERT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 1u);
    dw(t, GICD_SETSPI_NSR, 40); // already pending: no effect
    step();
    dw(t, GICD_ICPENDR + 4, 1u << 8);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 8 & 1, 0u)
        << "GICD_SETSPI_NSR on an already pending SPI must have no effect: GICD_ICPENDR then clears it";
    EXPECT_EQ(line_level(0, GIC_LINE_IRQ), 0);
    EXPECT_EQ(sr(t, 0, GIC_ICC_IAR1_EL1), 1023u);
}

// The same rule with the pending state coming from the wire: a SETSPI while
// the wire holds the level SPI pending has no effect, so the SPI stops being
// pending when the wire is deasserted (IHI0069: a level-sensitive interrupt
// "is pending while the interrupt signal is asserted").
TEST_F(IccRules, SetspiWhileWireHoldsLevelSpiPendingHasNoEffect)
{
    spi(t, 41, 0x80, false, 0);
    step();
    gic_set_spi(g, t, 41, true);
    step();
    ASSERT_EQ(dr(t, GICD_ISPENDR + 4) >> 9 & 1, 1u);
    dw(t, GICD_SETSPI_NSR, 41); // already pending: no effect
    step();
    gic_set_spi(g, t, 41, false);
    step();
    EXPECT_EQ(dr(t, GICD_ISPENDR + 4) >> 9 & 1, 0u)
        << "the SETSPI written while already pending must not keep the SPI pending after the wire drops";
    EXPECT_EQ(line_level(0, GIC_LINE_IRQ), 0);
}
} // namespace
