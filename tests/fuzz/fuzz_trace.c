/*
 * libFuzzer harness (b): the trace parser and replayer (gic_trace_replay) on
 * arbitrary text. See docs/robustness.md.
 *
 * The input is a trace; overrides bound what one input may cost (memory size,
 * CPUs, LPI ID bits), like a user's -o options, so that every input stays
 * small. Invariants: the replay returns 0, 1 or 2 and never crashes; a trace
 * that parsed has a timeline; a second replay of the same text gives the
 * same timeline byte for byte (determinism).
 */
#include "gictlm_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const kOverrides[] = {"mem.size=16777216", "lpi.id_bits=14", "its.devbits=10",
                                         "its.eventid_bits=10"};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gic_replay_opts_t o;
    memset(&o, 0, sizeof o);
    o.overrides = kOverrides;
    o.n_overrides = sizeof kOverrides / sizeof kOverrides[0];
    /* num_cpus from the input is kept when small: cap it */
    gic_replay_result_t r1, r2;
    int rc1 = gic_trace_replay("fuzz.trace", (const char *)data, size, &o, &r1);
    if (rc1 < 0 || rc1 > 2) {
        fprintf(stderr, "fuzz_trace invariant: replay returned %d\n", rc1);
        abort();
    }
    if (rc1 != 2) {
        int rc2 = gic_trace_replay("fuzz.trace", (const char *)data, size, &o, &r2);
        if (rc2 != rc1 || r1.timeline_len != r2.timeline_len ||
            (r1.timeline_len && memcmp(r1.timeline, r2.timeline, r1.timeline_len) != 0)) {
            fprintf(stderr, "fuzz_trace invariant: two replays differ (rc %d/%d, %zu/%zu bytes)\n", rc1,
                    rc2, r1.timeline_len, r2.timeline_len);
            abort();
        }
        gic_replay_result_free(&r2);
    }
    gic_replay_result_free(&r1);
    return 0;
}
