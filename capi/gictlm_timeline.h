/*
 * gictlm timeline view (public API, part of API version 1): writes what a run
 * did as Chrome trace-event JSON ("JSON Array/Object Format" of the Trace
 * Event Format), which ui.perfetto.dev and chrome://tracing open. Used by
 * `gictlm-platform --timeline` and `gictlm-replay --timeline`; any other
 * driver of a gic_t can feed it the same way. Format: docs/timeline-format.md
 * ("gictlm-timeline 1").
 *
 * Tracks (one process, "gictlm"):
 *   "CPU n"            a slice per handled interrupt, from the acknowledge
 *                      (ICC_IAR*_EL1 returning it) to its EOI (ICC_EOIR*_EL1),
 *                      nested when a higher priority preempts
 *   "ITS i commands"   a slice per command, from when it became visible
 *                      (GITS_CWRITER write) or the previous command completed,
 *                      whichever is later, to its completion
 *   "dev D"            a slice per MSI of DeviceID D, from the GITS_TRANSLATER
 *                      write to its outcome (translation); more lanes
 *                      ("dev D #2", ...) when a device's translations overlap
 *   flows "msi"        an arrow from each MSI to the acknowledge that served
 *                      it (coalesced MSIs: several arrows to one slice)
 *   counters           "pending LPIs cpuN" (LPIs delivered to the
 *                      redistributor and not yet acknowledged), "ITSi queue
 *                      depth" (commands visible and not completed), and any
 *                      series the caller adds (gic_tl_counter; the platform
 *                      adds cache hit rates per time window)
 *
 * Bounded: only events that start inside [window_start, window_end) are
 * written, and at most max_events of them; the rest are counted.
 */
#ifndef GICTLM_TIMELINE_H
#define GICTLM_TIMELINE_H

#include "gictlm.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct gic_tl gic_tl_t;

typedef struct gic_tl_opts {
    gic_time_t window_start; /* ps */
    gic_time_t window_end;   /* ps; 0 = no end */
    uint64_t max_events;     /* 0 = 2 000 000 */
    uint32_t num_cpus;       /* CPU tracks named up front (others on first use) */
    uint32_t num_its;
    const char *title;       /* process name (NULL: "gictlm") */
} gic_tl_opts_t;

/* What was written (and what was left out). */
typedef struct gic_tl_counts {
    uint64_t events;         /* trace events written (metadata included) */
    uint64_t handler_slices; /* CPU tracks: acknowledge -> EOI */
    uint64_t msi_slices;     /* device tracks */
    uint64_t flows;          /* MSI -> acknowledge arrows completed */
    uint64_t cmd_slices;     /* ITS command slices */
    uint64_t counter_points; /* counter samples */
    uint64_t outside_window; /* events not written: outside the window */
    uint64_t over_limit;     /* events not written: beyond max_events */
    uint64_t unmatched_eoi;  /* EOIs with no acknowledge of that INTID open on the CPU */
    uint64_t open_at_end;    /* acknowledged and not EOI'd at the end (not written) */
} gic_tl_counts_t;

/* Start writing to f (the caller keeps ownership; f stays open). NULL on
 * bad arguments or no memory. */
gic_tl_t *gic_tl_open(FILE *f, const gic_tl_opts_t *o);
/* An MSI: a GITS_TRANSLATER write of ITS its at time t. */
void gic_tl_msi(gic_tl_t *tl, gic_time_t t, uint32_t its, uint32_t devid, uint32_t eventid);
/* Every output of the model (MSI outcomes, command completions; other kinds are ignored). */
void gic_tl_output(gic_tl_t *tl, const gic_output_t *o);
/* A register write the timeline needs (GITS_CBASER, GITS_CWRITER; others ignored). */
void gic_tl_mmio_write(gic_tl_t *tl, gic_time_t t, gic_frame_t frame, uint32_t index, uint64_t offset,
                       uint64_t value);
/* cpu read intid from ICC_IAR0/1_EL1 at t (1020..1023: nothing acknowledged, ignored). */
void gic_tl_ack(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid);
/* cpu wrote intid to ICC_EOIR0/1_EL1 at t. */
void gic_tl_eoi(gic_tl_t *tl, gic_time_t t, uint32_t cpu, uint32_t intid);
/* Any system-register access of cpu at t (value: read or written): the
 * acknowledges (ICC_IAR0/1_EL1, ICV_IAR0/1_EL1) and EOIs (ICC_EOIR0/1_EL1,
 * ICV_EOIR0/1_EL1), and HCR_EL2 writes, after which EL1's ICC_* accesses are
 * the guest's (IMO: Group 1, FMO: Group 0): its handler slices are named
 * "vLPI 8192" etc. (category "virq", args.virtual), apart from the host's. */
void gic_tl_sysreg(gic_tl_t *tl, gic_time_t t, uint32_t cpu, gic_sysreg_t reg, bool is_write, uint64_t value);
/* A sample of counter series `name` (a track of its own). */
void gic_tl_counter(gic_tl_t *tl, gic_time_t t, const char *name, double value);
/* Finish the JSON (with the counts in "otherData"), free tl. Slices still
 * open (an acknowledge without EOI, a command not completed) are not
 * written; they are counted in open_at_end. Returns 0, or -1 when writing
 * failed. *c (may be NULL) gets the counts. */
int gic_tl_close(gic_tl_t *tl, gic_tl_counts_t *c);

#ifdef __cplusplus
}
#endif
#endif /* GICTLM_TIMELINE_H */
