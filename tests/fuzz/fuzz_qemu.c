/*
 * libFuzzer harness (d): the QEMU trace-log importer (gic_qemu_import),
 * through its public C API. See docs/robustness.md.
 *
 * Invariant: whatever the importer accepts (returns 0) replays: the trace it
 * wrote parses without a single parse error (gic_trace_parse), and replays
 * (gic_trace_replay returns 0 or 1, never 2). The importer itself must
 * return 0 or 2 and never crash.
 */
#include "gictlm_trace.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    gic_qemu_import_opts_t o;
    memset(&o, 0, sizeof o);
    o.source_name = "fuzz.log";
    o.strict = size && (data[0] & 1); /* both modes */
    gic_qemu_import_t imp;
    memset(&imp, 0, sizeof imp);
    int rc = gic_qemu_import((const char *)data, size, &o, &imp);
    if (rc != 0 && rc != 2) {
        fprintf(stderr, "fuzz_qemu invariant: import returned %d\n", rc);
        abort();
    }
    if (rc == 0) {
        if (!imp.trace) {
            fprintf(stderr, "fuzz_qemu invariant: import succeeded without a trace\n");
            abort();
        }
        gic_replay_opts_t ro;
        memset(&ro, 0, sizeof ro);
        gic_replay_result_t rr;
        int rrc = gic_trace_replay("imported.trace", imp.trace, imp.trace_len, &ro, &rr);
        if (rrc == 2 || rr.parse_errors) {
            fprintf(stderr, "fuzz_qemu invariant: imported trace does not replay (rc %d, %u parse errors: %s)\n%s\n",
                    rrc, rr.parse_errors, rr.message, imp.trace);
            abort();
        }
        gic_replay_result_free(&rr);
    }
    gic_qemu_import_free(&imp);
    return 0;
}
