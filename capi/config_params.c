/* Configuration parameters by dotted name: the one table behind JSON config
 * files, -p name=value overrides, --dump-config and the parameter list in
 * docs/user-guide.md. JSON parsing uses cJSON (Debian libcjson-dev). */
#include "gictlm.h"

#include <cjson/cJSON.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

typedef enum { P_U32, P_U64, P_REPL, P_SCAN, P_ERRPOL } ptype_t;

typedef struct param {
    const char *name;
    ptype_t type;
    size_t off;
    uint64_t min, max;
    const char *doc;
} param_t;

#define F(field) offsetof(gic_config_t, field)
#define U32(n, f, lo, hi, d) {n, P_U32, F(f), lo, hi, d}
#define U64(n, f, lo, hi, d) {n, P_U64, F(f), lo, hi, d}
#define CACHE(pfx, f, what)                                                                        \
    {pfx ".entries", P_U32, F(f.entries), 0, 1u << 20, "entries in the " what " (0 = no cache)"},  \
    {pfx ".ways", P_U32, F(f.ways), 0, 1u << 20, "ways of the " what " (0 = fully associative)"}, \
    {pfx ".repl", P_REPL, F(f.repl), 0, 3, "replacement of the " what ": lru, plru, fifo, random"}, \
    {pfx ".locked_ways", P_U32, F(f.locked_ways), 0, 1u << 20, "ways of the " what " reserved for locked entries"}, \
    {pfx ".hit_cycles", P_U32, F(f.hit_cycles), 0, 1000000, "GIC cycles of a " what " hit"}

static const param_t params[] = {
    U32("num_cpus", num_cpus, 1, GIC_MAX_CPUS, "CPUs (one redistributor and CPU interface each)"),
    U32("cpus_per_cluster", cpus_per_cluster, 1, 16, "CPUs per cluster: Aff0 = cpu % n; the cluster cpu / n in Aff1, past 255 clusters also in Aff2"),
    U32("num_spis", num_spis, 0, 988, "SPIs (INTIDs 32..32+n-1), multiple of 32 up to 960, or 988"),
    U32("pri_bits", pri_bits, 5, 8, "implemented priority bits"),
    U32("gic_version", gic_version, 3, 4, "architecture version reported in PIDR2.ArchRev"),
    U32("gicv4_1", gicv4_1, 0, 1, "1: GICv4.1 (vSGIs, shared vPE table, default doorbells); needs gic_version 4"),
    U64("clock_period_ps", clock_period_ps, 1, 1000000000ull, "GIC clock period in ps"),
    U32("seed", seed, 0, UINT32_MAX, "seed for random replacement (runs are deterministic)"),
    U32("lat.spi_input", lat_spi_input, 0, 1000000, "cycles: SPI/PPI wire to distributor state"),
    U32("lat.dist_to_redist", lat_dist_to_redist, 0, 1000000, "cycles: distributor to redistributor"),
    U32("lat.redist_to_cpu", lat_redist_to_cpu, 0, 1000000, "cycles: redistributor to CPU interface"),
    U32("lat.cpu_signal", lat_cpu_signal, 0, 1000000, "cycles: CPU interface to IRQ/FIQ pin"),
    U32("lat.sgi", lat_sgi, 0, 1000000, "cycles: ICC_SGI*R write to target redistributor"),
    U32("lat.sysreg", lat_sysreg, 0, 1000000, "cycles: CPU interface system-register access (informational)"),
    U32("lpi.id_bits", lpi_id_bits, 0, 24, "LPI INTID bits (GICD_TYPER.IDbits+1), 14..24; 0 = no LPIs"),
    {"lpi.scan_policy", P_SCAN, F(lpi_scan_policy), 0, 2, "highest-priority pending LPI: full, tracked, summary"},
    U32("lpi.scan_read_bytes", lpi_scan_read_bytes, 1, 64, "bytes per pending-table read of a scan, a power of two: 64 one cache line, 1 byte-wise as QEMU's rescan"),
    CACHE("lpi.cache", lpi_cache, "LPI cache"),
    U32("lpi.cache_per_redist", lpi_cache_per_redist, 0, 1, "1: one LPI cache per redistributor, 0: chip-wide"),
    CACHE("vpe.vlpi_cache", vpe_vlpi_cache, "GICv4 vLPI configuration cache"),
    U32("redist.max_reads", redist_max_reads, 0, 1024, "outstanding memory reads per redistributor (0 = unlimited)"),
    U32("redist.max_writes", redist_max_writes, 0, 1024, "outstanding memory writes per redistributor (0 = unlimited)"),
    U32("its.count", num_its, 0, GIC_MAX_ITS, "ITS instances"),
    U32("its.devbits", its_devbits, 1, 32, "DeviceID bits"),
    U32("its.eventid_bits", its_eventid_bits, 1, 32, "EventID bits (GITS_TYPER.ID_bits+1)"),
    U32("its.cid_bits", its_cid_bits, 1, 16, "collection ID bits"),
    U32("its.pta", its_pta, 0, 1, "GITS_TYPER.PTA: 1 = RDbase is a physical address, 0 = processor number"),
    U32("its.hcc", its_hcc, 0, 255, "collections held in the ITS (GITS_TYPER.HCC); at 2^its.cid_bits or more every collection is held, there is no collection table and the ITS supports its.hcc collections (GITS_TYPER.CIL = 0)"),
    U32("its.cmd_decode_cycles", its_cmd_decode_cycles, 0, 1000000, "cycles to decode one ITS command"),
    U32("its.translate_cycles", its_translate_cycles, 0, 1000000, "cycles of translation logic per MSI"),
    U32("its.pipeline_depth", its_pipeline_depth, 1, 64, "translations in flight per ITS"),
    U32("its.max_reads", its_max_reads, 0, 1024, "outstanding memory reads per ITS (0 = unlimited)"),
    U32("its.max_writes", its_max_writes, 0, 1024, "outstanding memory writes per ITS (0 = unlimited)"),
    {"its.error_policy", P_ERRPOL, F(its_error_policy), 0, 1, "ITS command errors: skip or stall"},
    CACHE("its.device_cache", its_device_cache, "ITS device cache"),
    CACHE("its.event_cache", its_event_cache, "ITS event (ITE) cache"),
    CACHE("its.collection_cache", its_collection_cache, "ITS collection cache"),
    U32("its.vmovp_single", its_vmovp_single, 0, 1, "GICv4 GITS_TYPER.VMOVP: 1 = one VMOVP updates every ITS, 0 = VMOVP on each ITS of ITSList with one SequenceNumber"),
    CACHE("its.vpe_cache", its_vpe_cache, "ITS vPE cache"),
    U64("mem.latency_ps", mem_latency_ps, 0, UINT64_MAX, "built-in memory latency per access, ps"),
    U32("max_host_mb", max_host_mb, 1, UINT32_MAX, "refuse configurations whose estimated host memory at creation exceeds this, MiB"),
    U64("mem.size", mem_size, 4096, UINT64_MAX, "built-in memory size: addresses above fail"),
    U64("mem.fault.lo", mem_fault_lo, 0, UINT64_MAX, "injected faults: GIC accesses overlapping [lo, hi) fail"),
    U64("mem.fault.hi", mem_fault_hi, 0, UINT64_MAX, "injected faults: end of the failing range (<= lo: no range)"),
    U32("mem.fault.rate_ppm", mem_fault_rate_ppm, 0, 1000000, "injected faults: random failures per million GIC accesses"),
    U32("mem.fault.seed", mem_fault_seed, 0, UINT32_MAX, "injected faults: seed of the random failures"),
    U32("mem.fault.classes", mem_fault_classes, 0, 63, "injected faults: classes (1 cmdq, 2 device, 4 itt, 8 collection, 16 prop, 32 pend; 0 = all)"),
    U64("map.gicd_base", gicd_base, 0, UINT64_MAX, "physical base of GICD (64 KiB)"),
    U64("map.gicr_base", gicr_base, 0, UINT64_MAX, "physical base of the redistributors (128 KiB each; 256 KiB with gic_version 4)"),
    U64("map.gits_base", gits_base, 0, UINT64_MAX, "physical base of the ITSs (128 KiB apart; 256 KiB with gicv4_1)"),
    U32("virt.list_regs", virt_list_regs, 1, 16, "list registers per CPU (ICH_VTR_EL2.ListRegs + 1)"),
    U32("virt.pri_bits", virt_pri_bits, 5, 8, "virtual priority bits (ICH_VTR_EL2.PRIbits + 1)"),
    U32("virt.maint_intid", virt_maint_intid, 16, 31, "PPI of the virtual CPU interface's maintenance interrupt"),
};
#define NPARAMS (sizeof(params) / sizeof(params[0]))

static const char *const repl_names[] = {"lru", "plru", "fifo", "random"};
static const char *const scan_names[] = {"full", "tracked", "summary"};
static const char *const errpol_names[] = {"skip", "stall"};

static const char *const *enum_names(ptype_t t, size_t *n)
{
    switch (t) {
    case P_REPL: *n = 4; return repl_names;
    case P_SCAN: *n = 3; return scan_names;
    case P_ERRPOL: *n = 2; return errpol_names;
    default: *n = 0; return NULL;
    }
}

static const param_t *find_param(const char *name)
{
    for (size_t i = 0; i < NPARAMS; i++)
        if (strcmp(params[i].name, name) == 0) return &params[i];
    return NULL;
}

const char *gic_config_param_name(size_t i, const char **doc)
{
    if (i >= NPARAMS) return NULL;
    if (doc) *doc = params[i].doc;
    return params[i].name;
}

static uint64_t param_get(const gic_config_t *cfg, const param_t *p)
{
    const char *base = (const char *)cfg + p->off;
    if (p->type == P_U64) {
        uint64_t v;
        memcpy(&v, base, sizeof v);
        return v;
    }
    if (p->type == P_U32) {
        uint32_t v;
        memcpy(&v, base, sizeof v);
        return v;
    }
    int e; /* enums are int-sized */
    memcpy(&e, base, sizeof e);
    return (uint64_t)(unsigned)e;
}

static void param_put(gic_config_t *cfg, const param_t *p, uint64_t v)
{
    char *base = (char *)cfg + p->off;
    if (p->type == P_U64) {
        memcpy(base, &v, sizeof v);
    } else if (p->type == P_U32) {
        uint32_t x = (uint32_t)v;
        memcpy(base, &x, sizeof x);
    } else {
        int e = (int)v;
        memcpy(base, &e, sizeof e);
    }
}

gic_status_t gic_config_set_kv(gic_config_t *cfg, const char *name_value, char *err, size_t errlen)
{
    const char *eq = name_value ? strchr(name_value, '=') : NULL;
    char name[128];
    if (!eq || eq == name_value || (size_t)(eq - name_value) >= sizeof name) {
        if (err && errlen) snprintf(err, errlen, "expected name=value");
        return GIC_ERR_CONFIG;
    }
    memcpy(name, name_value, (size_t)(eq - name_value));
    name[eq - name_value] = 0;
    return gic_config_set(cfg, name, eq + 1, err, errlen);
}

gic_status_t gic_config_set(gic_config_t *cfg, const char *name, const char *value, char *err,
                            size_t errlen)
{
    if (!cfg || !name || !value) {
        if (err && errlen) snprintf(err, errlen, "gic_config_set: NULL argument");
        return GIC_ERR_ARG;
    }
    const param_t *p = find_param(name);
    if (!p) {
        if (err && errlen) snprintf(err, errlen, "unknown parameter '%s'", name);
        return GIC_ERR_CONFIG;
    }
    uint64_t v = 0;
    size_t nn;
    const char *const *names = enum_names(p->type, &nn);
    bool found = false;
    for (size_t i = 0; names && i < nn; i++)
        if (strcmp(value, names[i]) == 0) {
            v = i;
            found = true;
        }
    if (!found) {
        char *end = NULL;
        errno = 0;
        if (value[0] == '-' || value[0] == '\0') end = (char *)value;
        else v = strtoull(value, &end, 0);
        if (errno || !end || *end != '\0' || end == value) {
            if (err && errlen) {
                if (names)
                    snprintf(err, errlen, "parameter '%s': '%s' is not one of %s%s%s%s%s%s%s", name,
                             value, names[0], nn > 1 ? ", " : "", nn > 1 ? names[1] : "",
                             nn > 2 ? ", " : "", nn > 2 ? names[2] : "", nn > 3 ? ", " : "",
                             nn > 3 ? names[3] : "");
                else
                    snprintf(err, errlen, "parameter '%s': '%s' is not an unsigned integer", name,
                             value);
            }
            return GIC_ERR_CONFIG;
        }
    }
    if (v < p->min || v > p->max) {
        if (err && errlen)
            snprintf(err, errlen, "parameter '%s': %" PRIu64 " not in %" PRIu64 "..%" PRIu64, name,
                     v, p->min, p->max);
        return GIC_ERR_CONFIG;
    }
    param_put(cfg, p, v);
    return GIC_OK;
}

gic_status_t gic_config_get(const gic_config_t *cfg, const char *name, char *buf, size_t buflen)
{
    const param_t *p = name ? find_param(name) : NULL;
    if (!cfg || !p || !buf) return GIC_ERR_ARG;
    uint64_t v = param_get(cfg, p);
    size_t nn;
    const char *const *names = enum_names(p->type, &nn);
    if (names && v < nn) snprintf(buf, buflen, "%s", names[v]);
    else if (strstr(p->name, "map.") == p->name || strstr(p->name, "mem.fault.lo") == p->name ||
             strstr(p->name, "mem.fault.hi") == p->name)
        snprintf(buf, buflen, "0x%" PRIx64, v);
    else snprintf(buf, buflen, "%" PRIu64, v);
    return GIC_OK;
}

/* Apply one JSON value to the parameter `name`. */
static gic_status_t apply_value(gic_config_t *cfg, const char *name, const cJSON *v, char *err,
                                size_t errlen)
{
    char buf[64];
    if (cJSON_IsString(v)) {
        return gic_config_set(cfg, name, v->valuestring, err, errlen);
    } else if (cJSON_IsBool(v)) {
        snprintf(buf, sizeof buf, "%d", cJSON_IsTrue(v) ? 1 : 0);
    } else if (cJSON_IsNumber(v)) {
        double d = v->valuedouble;
        /* Range first: converting a double >= 2^64 (or NaN) to uint64_t is
         * undefined behaviour (C11 6.3.1.4), so it must never be attempted. */
        if (!(d >= 0 && d < 18446744073709551616.0) || d != (double)(uint64_t)d) {
            if (err && errlen)
                snprintf(err, errlen, "parameter '%s': %g is not an unsigned integer", name, d);
            return GIC_ERR_CONFIG;
        }
        snprintf(buf, sizeof buf, "%" PRIu64, (uint64_t)d);
    } else {
        if (err && errlen)
            snprintf(err, errlen, "parameter '%s': expected a number or a string", name);
        return GIC_ERR_CONFIG;
    }
    return gic_config_set(cfg, name, buf, err, errlen);
}

static gic_status_t apply_object(gic_config_t *cfg, const char *prefix, const cJSON *obj,
                                 char *err, size_t errlen)
{
    for (const cJSON *it = obj->child; it; it = it->next) {
        char name[160];
        if (!it->string) continue;
        if (!prefix[0] && (strcmp(it->string, "schema") == 0 || strcmp(it->string, "version") == 0 ||
                           strcmp(it->string, "comment") == 0 || it->string[0] == '_'))
            continue; /* document metadata, checked by the caller */
        snprintf(name, sizeof name, "%s%s%s", prefix, prefix[0] ? "." : "", it->string);
        gic_status_t st = cJSON_IsObject(it) ? apply_object(cfg, name, it, err, errlen)
                                             : apply_value(cfg, name, it, err, errlen);
        if (st != GIC_OK) return st;
    }
    return GIC_OK;
}

gic_status_t gic_config_load_json(gic_config_t *cfg, const char *text, char *err, size_t errlen)
{
    if (!cfg || !text) return GIC_ERR_ARG;
    cJSON *root = cJSON_Parse(text);
    if (!root) {
        const char *at = cJSON_GetErrorPtr();
        if (err && errlen) {
            size_t line = 1;
            for (const char *p = text; at && p < at && *p; p++)
                if (*p == '\n') line++;
            snprintf(err, errlen, "JSON syntax error at line %zu", line);
        }
        return GIC_ERR_CONFIG;
    }
    gic_status_t st = GIC_OK;
    if (!cJSON_IsObject(root)) {
        if (err && errlen) snprintf(err, errlen, "configuration must be a JSON object");
        st = GIC_ERR_CONFIG;
    }
    const cJSON *ver = cJSON_GetObjectItemCaseSensitive(root, "version");
    if (st == GIC_OK && ver && (!cJSON_IsNumber(ver) || ver->valuedouble != GICTLM_CONFIG_VERSION)) {
        if (err && errlen) {
            /* the value as the file has it: a string "1" or true is not the number 1 */
            char *txt = cJSON_PrintUnformatted(ver);
            snprintf(err, errlen, "configuration version %s not supported (expected the number %d)",
                     txt ? txt : "?", GICTLM_CONFIG_VERSION);
            cJSON_free(txt);
        }
        st = GIC_ERR_CONFIG;
    }
    /* A platform file keeps the GIC under "gic": accept both layouts. */
    const cJSON *gic = cJSON_GetObjectItemCaseSensitive(root, "gic");
    if (st == GIC_OK) st = apply_object(cfg, "", gic && cJSON_IsObject(gic) ? gic : root, err, errlen);
    cJSON_Delete(root);
    return st;
}

gic_status_t gic_config_load_file(gic_config_t *cfg, const char *path, char *err, size_t errlen)
{
    FILE *f = path ? fopen(path, "rb") : NULL;
    if (!f) {
        if (err && errlen) snprintf(err, errlen, "%s: cannot open: %s", path ? path : "(null)", strerror(errno));
        return GIC_ERR_CONFIG;
    }
    size_t cap = 4096, n = 0;
    char *buf = malloc(cap);
    size_t r;
    while (buf && (r = fread(buf + n, 1, cap - n - 1, f)) > 0) {
        n += r;
        if (cap - n - 1 == 0) {
            char *nb = cap < (64u << 20) ? realloc(buf, cap * 2) : NULL;
            if (!nb) { free(buf); buf = NULL; break; }
            buf = nb;
            cap *= 2;
        }
    }
    fclose(f);
    if (!buf) {
        if (err && errlen) snprintf(err, errlen, "%s: too large or out of memory", path);
        return GIC_ERR_CONFIG;
    }
    buf[n] = '\0';
    char inner[256] = "";
    gic_status_t st = gic_config_load_json(cfg, buf, inner, sizeof inner);
    free(buf);
    if (st != GIC_OK && err && errlen) snprintf(err, errlen, "%s: %s", path, inner);
    return st;
}

/* Nested JSON object for a dotted name, creating intermediate objects. */
static cJSON *object_for(cJSON *root, const char *name, char *leaf, size_t leaflen)
{
    cJSON *cur = root;
    const char *p = name;
    const char *dot;
    while ((dot = strchr(p, '.')) != NULL) {
        char part[64];
        size_t len = (size_t)(dot - p) < sizeof part - 1 ? (size_t)(dot - p) : sizeof part - 1;
        memcpy(part, p, len);
        part[len] = '\0';
        cJSON *next = cJSON_GetObjectItemCaseSensitive(cur, part);
        if (!next) next = cJSON_AddObjectToObject(cur, part);
        cur = next;
        p = dot + 1;
    }
    snprintf(leaf, leaflen, "%s", p);
    return cur;
}

void gic_config_write_json(const gic_config_t *cfg, FILE *f)
{
    cJSON *root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "schema", "gictlm-config");
    cJSON_AddNumberToObject(root, "version", GICTLM_CONFIG_VERSION);
    for (size_t i = 0; i < NPARAMS; i++) {
        const param_t *p = &params[i];
        char leaf[64], buf[64];
        cJSON *obj = object_for(root, p->name, leaf, sizeof leaf);
        uint64_t v = param_get(cfg, p);
        size_t nn;
        if (enum_names(p->type, &nn) || strstr(p->name, "map.") == p->name ||
            strstr(p->name, "mem.fault.lo") == p->name || strstr(p->name, "mem.fault.hi") == p->name ||
            v > (1ull << 53)) {
            gic_config_get(cfg, p->name, buf, sizeof buf);
            cJSON_AddStringToObject(obj, leaf, buf);
        } else {
            cJSON_AddNumberToObject(obj, leaf, (double)v);
        }
    }
    char *s = cJSON_Print(root);
    if (s) {
        fputs(s, f);
        fputc('\n', f);
        free(s);
    }
    cJSON_Delete(root);
}
