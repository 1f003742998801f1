/* Expectation checker of the trace format: line levels and MSI outcomes seen
 * in the outputs, checked against expect-line / expect-msi / expect-counter,
 * mmio-read ... expect and mem-expect (docs/trace-format.md). */
#include "trace_priv.h"

#include <stdlib.h>
#include <string.h>

/* ---- expectation checker ------------------------------------------------------------- */
typedef struct msi_rec {
    gic_time_t time;
    uint32_t its, devid, eventid, intid, cpu, outcome;
} msi_rec_t;

struct gic_trace_checker {
    uint8_t level[GIC_MAX_CPUS][4];
    msi_rec_t *msi;
    size_t nmsi, capmsi;
};

gic_trace_checker_t *gic_trace_checker_new(void) { return calloc(1, sizeof(gic_trace_checker_t)); }

void gic_trace_checker_free(gic_trace_checker_t *c)
{
    if (!c) return;
    free(c->msi);
    free(c);
}

void gic_trace_checker_output(gic_trace_checker_t *c, const gic_output_t *o)
{
    if (!c) return;
    if (o->kind == GIC_OUT_LINE && o->cpu < GIC_MAX_CPUS && o->line < 4)
        c->level[o->cpu][o->line] = o->level ? 1 : 0;
    if (o->kind != GIC_OUT_MSI) return;
    if (c->nmsi == c->capmsi) {
        size_t cap = c->capmsi ? c->capmsi * 2 : 64;
        msi_rec_t *np = realloc(c->msi, cap * sizeof *np);
        if (!np) return;
        c->msi = np;
        c->capmsi = cap;
    }
    msi_rec_t m = {o->time, o->its, o->devid, o->eventid, o->intid, o->cpu, o->outcome};
    c->msi[c->nmsi++] = m;
}

bool gic_trace_check(gic_trace_checker_t *c, const gic_t *g, const gic_trace_stim_t *s, uint64_t v,
                     const uint8_t *data, char *msg, size_t n)
{
    unsigned long long t = (unsigned long long)s->time;
    switch (s->kind) {
    case GIC_STIM_MMIO_READ:
        if (!s->has_expect || (v & s->mask) == (s->value & s->mask)) return true;
        {
            char what[96];
            trace_mmio_what(what, sizeof what, s);
            snprintf(msg, n, "expect failed: mmio-read %s returned 0x%llx, expected 0x%llx (mask 0x%llx)", what,
                     (unsigned long long)v, (unsigned long long)s->value, (unsigned long long)s->mask);
        }
        return false;
    case GIC_STIM_SYSREG_READ:
        if (!s->has_expect || v == s->value) return true;
        snprintf(msg, n, "expect failed: sysreg-read cpu%u %s returned %llu (0x%llx), expected %llu (0x%llx)",
                 s->cpu, gic_sysreg_name(s->sysreg), (unsigned long long)v, (unsigned long long)v,
                 (unsigned long long)s->value, (unsigned long long)s->value);
        return false;
    case GIC_STIM_MEM_EXPECT:
        for (uint64_t i = 0; data && i < s->len; i++)
            if (data[i] != s->bytes[i]) {
                snprintf(msg, n, "expect failed: mem-expect byte at 0x%llx is 0x%02x, expected 0x%02x",
                         (unsigned long long)(s->addr + i), data[i], s->bytes[i]);
                return false;
            }
        return true;
    case GIC_STIM_EXPECT_LINE: {
        unsigned lvl = c && s->cpu < GIC_MAX_CPUS && s->line_kind < 4 ? c->level[s->cpu][s->line_kind] : 0;
        if (lvl == s->value) return true;
        snprintf(msg, n, "expect failed: cpu%u %s is %u at %llu ps, expected %u", s->cpu,
                 trace_line_names[s->line_kind & 3], lvl, t, (unsigned)s->value);
        return false;
    }
    case GIC_STIM_EXPECT_MSI: {
        const msi_rec_t *m = NULL;
        for (size_t i = c ? c->nmsi : 0; i-- > 0;)
            if (c->msi[i].its == s->index && c->msi[i].devid == s->devid && c->msi[i].eventid == s->eventid) {
                m = &c->msi[i];
                break;
            }
        if (!m) {
            snprintf(msg, n, "expect failed: no MSI outcome for its%u dev 0x%x ev %u by %llu ps", s->index,
                     s->devid, s->eventid, t);
            return false;
        }
        if (m->outcome == s->outcome &&
            (s->outcome == GIC_MSI_DROPPED || (m->intid == s->intid && m->cpu == s->cpu)))
            return true;
        snprintf(msg, n,
                 "expect failed: MSI its%u dev 0x%x ev %u was %s intid %u cpu%u at %llu ps, expected %s intid %u cpu%u",
                 s->index, s->devid, s->eventid, m->outcome < 3 ? trace_outcome_names[m->outcome] : "?", m->intid, m->cpu,
                 (unsigned long long)m->time, trace_outcome_names[s->outcome % 3], s->intid, s->cpu);
        return false;
    }
    case GIC_STIM_EXPECT_COUNTER: {
        uint64_t cv = 0;
        bool found = g && gic_stat_counter(g, s->counter, &cv);
        /* a per-reason counter created on its first count reads as 0 until then; any other
         * name that is not a counter (a misspelling) fails whatever the value */
        if (!found && g && gic_stat_counter_family(g, s->counter)) found = true;
        if (!found) {
            snprintf(msg, n, "expect failed: counter %s does not exist, expected %llu", s->counter,
                     (unsigned long long)s->value);
            return false;
        }
        if (cv != s->value) {
            snprintf(msg, n, "expect failed: counter %s is %llu, expected %llu", s->counter, (unsigned long long)cv,
                     (unsigned long long)s->value);
            return false;
        }
        return true;
    }
    default:
        return true;
    }
}
