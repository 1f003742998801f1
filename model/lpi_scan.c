/* Pending-table walks of an LPI space (lpi_space.h): the full and summary
 * rescans (IHI0069 leaves the search for the highest-priority pending LPI to
 * the implementation; QEMU rescans the whole table, the summary policy keeps
 * a coarse bitmap in the IMPLEMENTATION DEFINED first KiB of the pending
 * table), and the load of the pending table when LPIs are enabled. Each walk
 * reads the modelled memory through the space's memory agent and is timed. */
#include "lpi_space.h"
#include "mutant.h"

void lpi_summary_mark(gic_t *g, lpi_space_t *r, uint32_t intid, gic_time_t start)
{
    if (g->cfg.lpi_scan_policy != GIC_SCAN_SUMMARY) return;
    uint64_t reg = intid / region_intids(lpi_id_bits_of(g, r));
    uint64_t a = pend_pa(r) + reg / 8;
    uint8_t b = 0;
    gic_time_t d;
    if (lpi_mem(g, r, MEM_CLS_PEND, start, false, a, &b, 1, &d) != GIC_OK) return;
    if (b & (1u << (reg % 8))) return;
    b = (uint8_t)(b | (1u << (reg % 8)));
    lpi_mem(g, r, MEM_CLS_PEND, d, true, a, &b, 1, &d);
}

/* ---- full / summary scans -------------------------------------------------------- */
typedef struct scan_ctx {
    gic_t *g;
    lpi_space_t *r;
    gic_cand_t best;
    gic_time_t done;
} scan_ctx_t;

static void scan_consider(scan_ctx_t *s, uint32_t intid, uint8_t prio, bool en)
{
    if (!en) return;
    gic_cand_t c = {intid, prio, 1};
    if (cand_better(&c, &s->best)) s->best = c;
}

/* Configuration of a pending LPI seen by a scan: the latched one (cached or in
 * the mirror); the property byte is read to model the cost when it is not in
 * the LPI cache. */
static void scan_bit(scan_ctx_t *s, uint32_t intid, gic_time_t t)
{
    gic_t *g = s->g;
    lpi_space_t *r = s->r;
    /* a cached entry is authoritative for its pending state (scan_cached) */
    if (cache_peek(CACHE_OF(g, r->cpu), ckey(r->key, intid), NULL)) return;
    lpi_rec_t *e = lpi_map_find(r, intid);
    if (!e) {
        gic_inc(g->lpi->c_orphan); /* bit set by software behind the GIC's back */
        return;
    }
    uint8_t p;
    gic_time_t d;
    lpi_read_prop(g, r, intid, t, &p, &d);
    gic_inc(g->lpi->c_scan_reads);
    s->done = tmax(s->done, d);
    scan_consider(s, intid, e->prio, e->enabled);
}

/* Bytes of the read at off of a table of end bytes: a read of n bytes, or
 * what is left of the table. */
static inline uint32_t read_len(uint64_t off, uint64_t end, uint32_t n)
{
    return (uint32_t)(end - off < n ? end - off : n);
}

static uint64_t scan_range(scan_ctx_t *s, uint64_t from, uint64_t to, gic_time_t start)
{
    uint64_t nbits = 0;
    gic_t *g = s->g;
    lpi_space_t *r = s->r;
    uint8_t buf[LPI_CHUNK];
    const uint32_t sr = scan_read_bytes(g);
    for (uint64_t off = from; off < to; off += sr) {
        gic_time_t d;
        uint32_t len = read_len(off, to, sr);
        lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d);
        gic_inc(g->lpi->c_scan_reads);
        s->done = tmax(s->done, d);
        for (uint32_t i = 0; i < len; i += 8) {
            uint64_t w = 0;
            memcpy(&w, buf + i, len - i < 8 ? len - i : 8);
            while (w) {
                unsigned b = (unsigned)__builtin_ctzll(w);
                w &= w - 1;
                nbits++;
                scan_bit(s, (uint32_t)((off + i) * 8 + b), d);
            }
        }
    }
    return nbits;
}

static void scan_cached(uint64_t key, const void *val, void *ctx)
{
    scan_ctx_t *s = ctx;
    const lpi_cval_t *v = val;
    if (!v->pending) return; /* (the space's entries only: cache_foreach_group) */
    scan_consider(s, (uint32_t)key, v->prio, v->enabled);
}

/* Mirror's answer ignoring visibility (for the cross-check). */
void lpi_mirror_best(gic_t *g, lpi_space_t *r, gic_cand_t *out)
{
    (void)g;
    cand_none(out);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (!e->intid || !e->enabled) continue;
        gic_cand_t c = {e->intid, e->prio, 1};
        if (cand_better(&c, out)) *out = c;
    }
}

/* Rescan the pending table (full) or its non-empty regions (summary). */
void lpi_rescan(gic_t *g, lpi_space_t *r, gic_time_t start)
{
    scan_ctx_t s = {g, r, {GIC_CAND_NONE, 0xff, 1}, start};
    uint32_t bits = lpi_id_bits_of(g, r);
    uint64_t tb = table_bytes(bits);
    if (bits && g->cfg.lpi_scan_policy == GIC_SCAN_SUMMARY) {
        uint64_t rint = region_intids(bits), rbytes = rint / 8;
        uint64_t nreg = ((uint64_t)1 << bits) / rint;
        uint64_t sbytes = (nreg + 7) / 8;
        uint8_t buf[LPI_CHUNK];
        const uint32_t sr = scan_read_bytes(g);
        for (uint64_t off = 0; off < sbytes; off += sr) {
            uint32_t len = read_len(off, sbytes, sr);
            gic_time_t d;
            lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d);
            gic_inc(g->lpi->c_scan_reads);
            s.done = tmax(s.done, d);
            for (uint32_t i = 0; i < len; i++) {
                for (unsigned b = 0; b < 8; b++) {
                    if (!(buf[i] & (1u << b))) continue;
                    uint64_t reg = (off + i) * 8 + b;
                    uint64_t from = reg * rbytes;
                    if (from < LPI_IMPDEF) continue; /* regions of the IMP DEF area */
                    scan_ctx_t sub = s;
                    sub.done = d;
                    bool empty = scan_range(&sub, from, from + rbytes, d) == 0;
                    if (empty) {
                        /* clear the summary bit: the region is empty */
                        uint8_t nb = (uint8_t)(buf[i] & ~(1u << b));
                        gic_time_t wd;
                        lpi_mem(g, r, MEM_CLS_PEND, sub.done, true, pend_pa(r) + off + i, &nb, 1, &wd);
                        buf[i] = nb;
                    }
                    s.best = sub.best;
                    s.done = tmax(s.done, sub.done);
                }
            }
        }
    } else if (bits) {
        scan_range(&s, LPI_IMPDEF, tb, start);
    }
    cache_foreach_group(CACHE_OF(g, r->cpu), r->key, scan_cached, &s);
    gic_inc(g->lpi->c_scans);
    hist_add(g->lpi->h_scan, s.done - start);
    gic_cand_t m;
    lpi_mirror_best(g, r, &m);
    if (m.intid != s.best.intid || (!cand_is_none(&m) && m.prio != s.best.prio))
        gic_error(g, "lpi_scan_mismatch", "lpi",
                  "redist %u: table scan found LPI %u, pending state says LPI %u", r->cpu,
                  s.best.intid, m.intid);
    lpi_space_set_gate(r, tmax(r->gate, s.done + sig_lat(g)));
    r->busy_until = tmax(r->busy_until, s.done);
    if (r->gate > g->now) lpi_space_notify(g, r, r->gate);
}

/* EnableLPIs 0 -> 1: with PTZ = 0 the pending table is read (the load scan),
 * with PTZ = 1 it is taken as zero. */
void lpi_space_load(gic_t *g, lpi_space_t *r)
{
    r->enabled = true;
    r->stale = false;
    gic_time_t start = g->now, done = start;
    uint32_t bits = lpi_id_bits_of(g, r);
    uint64_t tb = table_bytes(bits);
    bool summary = g->cfg.lpi_scan_policy == GIC_SCAN_SUMMARY;
    uint8_t *sum = NULL;
    uint64_t rint = bits ? region_intids(bits) : 1, sbytes = 0;
    if (bits && summary) {
        sbytes = (((uint64_t)1 << bits) / rint + 7) / 8;
        sum = calloc(sbytes, 1);
    }
    if (bits && !r->ptz && !GICTLM_MUTANT_IS(5)) {
        uint8_t buf[LPI_CHUNK];
        const uint32_t sr = scan_read_bytes(g);
        for (uint64_t off = LPI_IMPDEF; off < tb; off += sr) {
            gic_time_t d;
            uint32_t len = read_len(off, tb, sr);
            if (lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d) != GIC_OK) {
                gic_error(g, "lpi_pend_read_failed", "lpi",
                          "redist %u: loading the pending table at 0x%llx failed", r->cpu,
                          (unsigned long long)(pend_pa(r) + off));
                done = tmax(done, d);
                break;
            }
            gic_inc(g->lpi->c_scan_reads);
            done = tmax(done, d);
            for (uint32_t i = 0; i < len; i++) {
                for (unsigned b = 0; b < 8; b++) {
                    if (!(buf[i] & (1u << b))) continue;
                    uint32_t intid = (uint32_t)((off + i) * 8 + b);
                    uint8_t prop;
                    gic_time_t pd;
                    if (lpi_read_prop(g, r, intid, d, &prop, &pd) != GIC_OK)
                        gic_error(g, "lpi_prop_read_failed", "lpi",
                                  "redist %u: property of LPI %u unreadable (kept pending, disabled)",
                                  r->cpu, intid);
                    gic_inc(g->lpi->c_scan_reads);
                    done = tmax(done, pd);
                    lpi_rec_t *e = lpi_map_find(r, intid);
                    if (!e) e = lpi_map_insert(r, intid);
                    if (!e) {
                        gic_error(g, "lpi_alloc", "lpi", "redist %u: allocation failed loading LPI %u",
                                  r->cpu, intid);
                        continue;
                    }
                    e->prio = prio_of(g, prop);
                    e->enabled = prop & 1;
                    e->in_cache = 0;
                    e->t_src = start;
                    e->t_vis = 0; /* set below, once the load has completed */
                    if (sum) sum[(intid / rint) / 8] |= (uint8_t)(1u << ((intid / rint) % 8));
                }
            }
        }
    }
    if (sum) {
        /* write the summary bitmap into the IMPLEMENTATION DEFINED first KiB */
        for (uint64_t off = 0; off < sbytes; off += LPI_CHUNK) {
            gic_time_t d;
            uint32_t len = read_len(off, sbytes, LPI_CHUNK);
            lpi_mem(g, r, MEM_CLS_PEND, done, true, pend_pa(r) + off, sum + off, len, &d);
            done = tmax(done, d);
        }
        free(sum);
    }
    gic_time_t vis = done + sig_lat(g);
    for (uint32_t i = 0; r->map && i <= r->map_mask; i++) {
        lpi_rec_t *e = &r->map[i];
        if (!e->intid) continue;
        e->t_vis = vis;
        e->gen = ++r->gen_ctr;
        lpi_heap_push(&r->arrive, e->t_vis, e->intid, e->gen);
    }
    if (!r->ptz) hist_add(g->lpi->h_scan, done - start);
    lpi_space_set_gate(r, vis);
    r->busy_until = tmax(r->busy_until, done);
    r->rwp_until = tmax(r->rwp_until, done);
    gic_log(g, GIC_LOG_DEBUG, "lpi", "redist %u: LPIs enabled (%u INTID bits, PTZ=%d, %u pending)",
            r->cpu, bits, r->ptz, r->npend);
    lpi_space_notify(g, r, vis);
}


/* ---- residency of a vPE ----------------------------------------------------------- */

/* Take in the set bits of one 64-bit word of the VPT (bit 0 = INTID first):
 * latch each vLPI's configuration from the property table (read at d) and
 * keep (or create) its record. Returns the latest completion. */
static gic_time_t load_word(gic_t *g, lpi_space_t *r, uint64_t w, uint32_t first, gic_time_t d, gic_time_t start,
                            uint64_t *reads)
{
    gic_time_t done = d;
    while (w) {
        unsigned b = (unsigned)__builtin_ctzll(w);
        w &= w - 1;
        uint32_t intid = first + b;
        if (intid < GIC_LPI_BASE) continue;
        uint8_t prop;
        gic_time_t pd;
        bool mem_read;
        if (vpe_read_vprop(g, r, intid, d, &prop, &pd, &mem_read) != GIC_OK)
            gic_error(g, "lpi_prop_read_failed", "vpe",
                      "redist %u: property of vLPI %u unreadable (kept pending, disabled)", r->cpu, intid);
        if (mem_read) (*reads)++;
        done = tmax(done, pd);
        lpi_rec_t *e = lpi_map_find(r, intid);
        if (!e) {
            e = lpi_map_insert(r, intid);
            if (!e) {
                gic_error(g, "lpi_alloc", "vpe", "redist %u: allocation failed loading vLPI %u", r->cpu, intid);
                continue;
            }
            e->t_src = start; /* set behind the GIC's back: pending from the load on */
        }
        e->prio = prio_of(g, prop);
        e->enabled = prop & 1;
        e->in_cache = 0;
    }
    return done;
}

/* Read one chunk of the VPT at off (len <= LPI_CHUNK bytes: one read of the
 * scan read size) and take in every set bit (load_word). */
static gic_time_t load_chunk(gic_t *g, lpi_space_t *r, uint64_t off, uint32_t len, gic_time_t start,
                             uint64_t *reads, bool *failed)
{
    uint64_t buf[LPI_CHUNK / 8]; /* the line as words: a zero word costs one test */
    gic_time_t d, done = start;
    if (lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + off, buf, len, &d) != GIC_OK) {
        gic_error(g, "vpe_vpt_read_failed", "vpe", "redist %u: reading the VPT at 0x%llx failed", r->cpu,
                  (unsigned long long)(pend_pa(r) + off));
        if (failed) *failed = true;
        return d;
    }
    (*reads)++;
    done = tmax(done, d);
    uint32_t nw = len / 8;
    for (uint32_t i = 0; i < nw; i++)
        if (buf[i]) done = tmax(done, load_word(g, r, buf[i], (uint32_t)((off + 8 * i) * 8), d, start, reads));
    if (len % 8) { /* reads of fewer than 8 bytes, or a table shorter than a line */
        uint64_t w = 0;
        memcpy(&w, (const uint8_t *)buf + 8 * nw, len % 8);
        done = tmax(done, load_word(g, r, w, (uint32_t)((off + 8 * nw) * 8), d, start, reads));
    }
    return done;
}

#define TRACKED_SMALL 64u /* pending vLPIs listed on the stack at a tracked load */

/* Publish every record of r, visible at vis, into the emptied arrival heap in
 * map slot order (each a new generation). All keys are equal, so pushing them
 * one by one would leave them in push order: they are written in place.
 * slots: the map slots holding the records, in slot order, or NULL to walk
 * the map. */
static void publish_all(lpi_space_t *r, gic_time_t vis, const uint32_t *slots, uint32_t nslots)
{
    r->prio.n = r->arrive.n = 0;
    if (!r->map) return;
    if (!lpi_heap_reserve(&r->arrive, r->npend)) {
        /* no host memory for the heap: each push reports it (as before) */
        for (uint32_t i = 0; i <= r->map_mask; i++) {
            lpi_rec_t *e = &r->map[i];
            if (!e->intid) continue;
            e->t_vis = vis;
            e->gen = ++r->gen_ctr;
            lpi_heap_push(&r->arrive, e->t_vis, e->intid, e->gen);
        }
        return;
    }
    heap_ent_t *h = r->arrive.v;
    uint32_t k = 0;
    if (slots) {
        for (uint32_t j = 0; j < nslots; j++) {
            lpi_rec_t *e = &r->map[slots[j]];
            e->t_vis = vis;
            e->gen = ++r->gen_ctr;
            h[k++] = (heap_ent_t){vis, e->intid, e->gen};
        }
    } else {
        for (uint32_t i = lpi_map_next(r, 0), end = r->map_mask + 1; i < end; i = lpi_map_next(r, i + 1)) {
            lpi_rec_t *e = &r->map[i];
            e->t_vis = vis;
            e->gen = ++r->gen_ctr;
            h[k++] = (heap_ent_t){vis, e->intid, e->gen};
        }
    }
    r->arrive.n = k;
}

gic_time_t lpi_space_load_resident(gic_t *g, lpi_space_t *r, bool impdef_invalid, uint64_t *reads)
{
    gic_time_t start = g->now, done = start;
    /* tracked: the map slots of the records, in slot order, when they are
     * still the records after the load (publish_all) */
    uint32_t slots[TRACKED_SMALL];
    const uint32_t *pub = NULL;
    uint32_t npub = 0;
    uint32_t bits = lpi_id_bits_of(g, r);
    uint64_t tb = table_bytes(bits);
    gic_scan_policy_t pol = g->cfg.lpi_scan_policy;
    const uint32_t sr = scan_read_bytes(g);
    /* IHI0069 GICR_VPENDBASER.IDAI = 1: the IMPLEMENTATION DEFINED area is
     * invalid and all pending information is in the architected part of the
     * VPT. Neither the summary bitmap (kept in that area) nor the records
     * the tracked policy kept since the last residency (the model's
     * IMPLEMENTATION DEFINED knowledge of the table) may be used: the whole
     * table is read. */
    if (impdef_invalid) pol = GIC_SCAN_FULL;
    *reads = 0;
    r->enabled = true;
    r->stale = false;
    if (bits && pol == GIC_SCAN_FULL) {
        /* With the IMPLEMENTATION DEFINED area invalid, a record kept from
         * before is no knowledge either: the table is all there is (software
         * may have reused the VPT zeroed). Each record whose pending state is
         * in the table is marked (in_cache = 2), load_word unmarks those whose
         * bit is set, and the load drops the others: a vLPI cleared in the
         * table is not pending, and a new one is not taken for it. A table
         * that could not be read whole drops nothing (the error is counted). */
        bool failed = false;
        if (impdef_invalid && r->map)
            for (uint32_t i = lpi_map_next(r, 0), end = r->map_mask + 1; i < end; i = lpi_map_next(r, i + 1))
                if (!r->map[i].in_cache) r->map[i].in_cache = 2;
        for (uint64_t off = LPI_IMPDEF; off < tb; off += sr)
            done = tmax(done, load_chunk(g, r, off, read_len(off, tb, sr), start, reads, &failed));
        if (impdef_invalid && r->map)
            for (uint32_t i = lpi_map_next(r, 0), end = r->map_mask + 1; i < end; i = lpi_map_next(r, i)) {
                if (r->map[i].in_cache != 2) i++;
                else if (failed) r->map[i++].in_cache = 0;
                else lpi_map_remove(r, &r->map[i]); /* (moves a later record into slot i: looked at again) */
            }
    } else if (bits && pol == GIC_SCAN_SUMMARY) {
        uint64_t rint = region_intids(bits), rbytes = rint / 8;
        uint64_t sbytes = (((uint64_t)1 << bits) / rint + 7) / 8;
        uint8_t sum[LPI_CHUNK];
        for (uint64_t soff = 0; soff < sbytes; soff += sr) {
            uint32_t slen = read_len(soff, sbytes, sr);
            gic_time_t d;
            if (lpi_mem(g, r, MEM_CLS_PEND, start, false, pend_pa(r) + soff, sum, slen, &d) != GIC_OK) break;
            (*reads)++;
            done = tmax(done, d);
            for (uint32_t i = 0; i < slen; i++)
                for (unsigned b = 0; b < 8; b++) {
                    if (!(sum[i] & (1u << b))) continue;
                    uint64_t from = ((soff + i) * 8 + b) * rbytes;
                    if (from < LPI_IMPDEF) continue;
                    for (uint64_t off = from; off < from + rbytes && off < tb; off += sr)
                        done = tmax(done, load_chunk(g, r, off, sr, d, reads, NULL));
                }
        }
    } else if (bits) {
        /* tracked: the VPT lines of the vLPIs recorded while not resident,
         * in ascending order, each once (a few: sorted in place, on the
         * stack; sorting line numbers, not INTIDs, leaves a device's
         * consecutive vINTIDs, one line, with nothing to move) */
        uint32_t small[TRACKED_SMALL];
        bool few = r->npend <= TRACKED_SMALL;
        uint32_t *lines = few ? small : malloc(r->npend * sizeof(uint32_t));
        uint32_t n = 0, npend = r->npend;
        const lpi_rec_t *map = r->map;
        if (!lines)
            gic_error(g, "lpi_alloc", "vpe", "redist %u: allocation failed listing %u recorded vLPIs (none loaded)",
                      r->cpu, r->npend);
        if (lines && map) /* the occupied slots only, in slot order */
            for (uint32_t i = lpi_map_next(r, 0), end = r->map_mask + 1; i < end && n < npend;
                 i = lpi_map_next(r, i + 1)) {
                if (few) slots[n] = i;
                lines[n++] = map[i].intid / (8 * sr);
            }
        gic_sort_u32(lines, n);
        uint64_t last = UINT64_MAX;
        for (uint32_t i = 0; i < n; i++) {
            uint64_t off = (uint64_t)lines[i] * sr;
            if (off == last || off >= tb) continue;
            last = off;
            done = tmax(done, load_chunk(g, r, off, read_len(off, tb, sr), start, reads, NULL));
        }
        /* the load found no vLPI set behind the GIC's back (no record added,
         * the map not rehashed): the slots listed are still every record */
        if (few && lines && r->map == map && r->npend == n) {
            pub = slots;
            npub = n;
        }
        if (lines != small) free(lines);
    }
    gic_time_t vis = done + sig_lat(g);
    publish_all(r, vis, pub, npub); /* every record is published again */
    lpi_space_set_gate(r, vis);
    r->busy_until = tmax(r->busy_until, done);
    lpi_space_notify(g, r, vis);
    return done;
}
