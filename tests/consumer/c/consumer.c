/*
 * Out-of-tree consumer of the installed gictlm C API (built by
 * tests/consumer/run.sh with find_package(gictlm) and with pkg-config, by gcc
 * and clang): brings a GIC up like Linux, maps one device, sends an MSI and
 * takes the interrupt (acknowledge, EOI). Exit 0 when the LPI was delivered
 * to CPU 0 and acknowledged, 1 otherwise.
 */
#include <gictlm.h>
#include <gictlm_driver.h>

#include <stdio.h>
#include <string.h>

static unsigned delivered, irq_high;

static void on_output(void *ctx, const gic_output_t *o)
{
    (void)ctx;
    if (o->kind == GIC_OUT_MSI && o->outcome == GIC_MSI_DELIVERED) delivered++;
    if (o->kind == GIC_OUT_LINE && o->cpu == 0 && o->line == GIC_LINE_IRQ && o->level) irq_high++;
}

int main(void)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    cfg.num_cpus = 2;
    gic_callbacks_t cb;
    memset(&cb, 0, sizeof cb);
    cb.output = on_output;
    char err[256] = "";
    gic_t *g = gic_create(&cfg, &cb, NULL, err, sizeof err);
    if (!g) {
        fprintf(stderr, "consumer: gic_create: %s\n", err);
        return 1;
    }
    gic_driver_t *d = gic_driver_create(g, 0, 0x1000000);
    const uint32_t cpu_of[1] = {0};
    if (!d || gic_driver_init(d) != GIC_OK || gic_driver_map_device(d, 0, 7, 1, 8192, cpu_of) != GIC_OK) {
        fprintf(stderr, "consumer: bring-up failed\n");
        return 1;
    }
    gic_time_t t = gic_driver_time(d) + 1000000;
    gic_msi(g, t, 0, 7, 0);
    gic_run_until(g, t + 1000000);
    uint64_t intid = 0;
    gic_sysreg_read(g, t + 1000000, 0, GIC_ICC_IAR1_EL1, &intid);
    gic_sysreg_write(g, t + 1100000, 0, GIC_ICC_EOIR1_EL1, intid);
    uint64_t n = 0;
    gic_stat_counter(g, "msi.delivered", &n);
    printf("consumer: gictlm API %d, MSI -> INTID %llu on CPU 0, msi.delivered %llu\n", GICTLM_API_VERSION,
           (unsigned long long)intid, (unsigned long long)n);
    int ok = intid == 8192 && delivered == 1 && n == 1 && irq_high >= 1;
    gic_driver_destroy(d);
    gic_destroy(g);
    return ok ? 0 : 1;
}
