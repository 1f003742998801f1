/* CPU interfaces: per CPU, the physical interface (ICC_*_EL1) and the
 * virtual one (ICV_*_EL1, controlled through ICH_*_EL2), each a priority
 * engine (cpuif_engine.h) over its interrupt source. */
#ifndef GIC_CPUIF_H
#define GIC_CPUIF_H
#include "cpuif_engine.h"

#define GIC_MAX_LR 16

/* The virtual interface's EL2 state (cpuif_virt.c). The VMCR fields VPMR,
 * VBPR0/1, VCBPR, VEOIM, VENG0/1 and the ICH_AP<n>R registers live in the
 * virtual engine; the rest here. */
typedef struct gic_ich {
    uint64_t lr[GIC_MAX_LR];
    gic_time_t lr_vis[GIC_MAX_LR]; /* an LR written pending is seen from then on */
    gic_time_t lr_t[GIC_MAX_LR];   /* its pending episode started then (LR write) */
    uint32_t hcr;          /* ICH_HCR_EL2, EOIcount included */
    uint32_t misr;         /* last computed ICH_MISR_EL2 (while En is set; with En clear, computed
                            * at the ICH_HCR_EL2 write that sets it: virt_ich_write) */
    bool maint_level;      /* maintenance line as last driven to the redistributor */
    bool maint_queued;     /* a maintenance-line event is scheduled */
    uint32_t hp_vlpi;      /* the cached HPPI is this directly injected vLPI (GIC_CAND_NONE: an LR) */
    /* summaries of lr[] (one bit per LR, kept by every write of lr[] in
     * cpuif_virt.c): State != invalid; State = pending (not active); the
     * ICH_EISR_EL2 condition (State = invalid, HW = 0, EOI = 1) */
    uint16_t lr_valid, lr_pend, lr_eoi;
} gic_ich_t;

struct gic_cpuif {
    /* HCR_EL2.IMO / FMO (the CPU's, as far as the GIC sees it): EL1 accesses
     * of ICC_* go to ICV_*. Read on every system-register access: first, on
     * the host cache line of the physical engine's hot fields. (64-byte
     * aligned: each CPU's interface starts on a host cache line of its own;
     * cpuif_create allocates them so.) */
    _Alignas(64) bool imo;
    bool fmo;
    /* ICC_CTLR_EL1.PMHE: ICC_PMR_EL1 is a hint for 1-of-N distribution
     * (cpuif_would_take) */
    bool pmhe;
    /* Times of the last two CPU-update events queued for this CPU
     * (UINT64_MAX: none), so that many state changes at the same instants
     * queue one update each (gic.c gic_cpu_update_at; kept here, on the
     * line that the update reads next). */
    gic_time_t upd_at[2];
    gic_engine_t phys; /* ICC_*: the physical interface */
    gic_engine_t virt; /* ICV_*: the virtual interface */
    gic_ich_t ich;
};

/* dist + redist + LPIs of a CPU (cpuif_phys.c); its functions are also
 * called directly by the engine (cpuif_engine.c), so that they inline on the
 * physical hot paths */
extern const gic_irq_source_t cpuif_phys_source;
gic_time_t phys_hppi(gic_t *g, uint32_t cpu, const bool igrpen[2], gic_cand_t *out);
gic_time_t phys_ack(gic_t *g, uint32_t cpu, uint32_t intid);
gic_time_t phys_pending_time(gic_t *g, uint32_t cpu, uint32_t intid);
void phys_deactivate(gic_t *g, uint32_t cpu, uint32_t intid, const char *via, const eng_drop_t *drop);
/* list registers of a CPU (cpuif_virt.c) */
extern const gic_irq_source_t cpuif_virt_source;

struct gic_cpuif *cpuif_create(gic_t *g); /* array of cfg.num_cpus */
void cpuif_destroy(gic_t *g, struct gic_cpuif *c);

gic_status_t cpuif_sysreg_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t *val);
gic_status_t cpuif_sysreg_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t val);
/* Re-evaluate the highest-priority pending interrupt and drive IRQ/FIQ now.
 * cpuif_update: after a state change (always recomputes the HPPI);
 * cpuif_refresh: through the HPPI cache (cpuif_engine.c "HPPI cache"). */
void cpuif_update(gic_t *g, uint32_t cpu);
void cpuif_refresh(gic_t *g, uint32_t cpu);
/* ICC_IGRPEN<group>_EL1.Enable */
bool cpuif_group_enabled(const gic_t *g, uint32_t cpu, unsigned group);
/* Would this CPU take an interrupt of that priority now (PMR and running priority)? */
bool cpuif_would_take(const gic_t *g, uint32_t cpu, uint8_t prio, unsigned group);

/* ---- the virtual interface (cpuif_virt.c) ---- */
void virt_init(gic_t *g, struct gic_cpuif *c, uint32_t cpu);
/* Statistics of the virtual interfaces (g->virt_stats; freed with free()). */
gic_status_t virt_stats_create(gic_t *g);
/* After any change of the virtual interface's state: re-evaluate vIRQ/vFIQ
 * and the maintenance interrupt. */
void virt_changed(gic_t *g, uint32_t cpu);
/* The same after an ICV_* (or redirected ICC_*) access; refreshed: the
 * access's handler ended with a re-evaluation of the virtual engine
 * (eng_refresh), which is then not repeated. */
void virt_accessed(gic_t *g, uint32_t cpu, bool refreshed);
/* The directly injected vLPIs of the CPU changed: re-evaluate at t (>= now). */
void virt_update_at(gic_t *g, uint32_t cpu, gic_time_t t);
/* ICH_LR<i>_EL2 (i < 16), ICH_AP<group>R<n>_EL2 (n < 4) and the other EL2
 * registers (ICH_HCR_EL2, ICH_VTR_EL2, ICH_MISR_EL2, ICH_EISR_EL2,
 * ICH_ELRSR_EL2, ICH_VMCR_EL2, HCR_EL2). */
uint64_t virt_lr_read(gic_t *g, uint32_t cpu, unsigned i);
void virt_lr_write(gic_t *g, uint32_t cpu, unsigned i, uint64_t v);
uint64_t virt_apr_read(gic_t *g, uint32_t cpu, unsigned group, unsigned n);
void virt_apr_write(gic_t *g, uint32_t cpu, unsigned group, unsigned n, uint64_t v);
uint64_t virt_ich_read(gic_t *g, uint32_t cpu, gic_sysreg_t reg);
void virt_ich_write(gic_t *g, uint32_t cpu, gic_sysreg_t reg, uint64_t v);
#endif
