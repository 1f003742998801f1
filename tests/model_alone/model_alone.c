/* The core library links into a C program without capi/: this program uses
 * only model/gic_core.h (the core's entry points) and libgictlm_model. It
 * creates a GIC with the default configuration, enables the distributor, makes
 * SPI 40 pending on CPU 0 and acknowledges it through the system-register path.
 * Exit 0 when the acknowledge returns INTID 40. */
#include "../../model/gic_core.h"

#include <stdio.h>
#include <string.h>

int main(void)
{
    gic_config_t cfg;
    gic_config_default(&cfg);
    char err[256];
    gic_t *g = gic_core_create(&cfg, NULL, NULL, err, sizeof err);
    if (!g) {
        fprintf(stderr, "model_alone: %s\n", err);
        return 1;
    }
    uint64_t v = 0x2; /* GICD_CTLR.EnableGrp1 */
    int bad = gic_core_mmio(g, GIC_FRAME_GICD, 0, 0x0, 4, true, &v) != GIC_OK;
    v = 0; /* GICR_WAKER: awake */
    bad |= gic_core_mmio(g, GIC_FRAME_GICR, 0, 0x14, 4, true, &v) != GIC_OK;
    v = 1u << 8; /* GICD_IGROUPR1: SPI 40 group 1 */
    bad |= gic_core_mmio(g, GIC_FRAME_GICD, 0, 0x84, 4, true, &v) != GIC_OK;
    v = 1u << 8; /* GICD_ISENABLER1 */
    bad |= gic_core_mmio(g, GIC_FRAME_GICD, 0, 0x104, 4, true, &v) != GIC_OK;
    v = 0xf0;
    bad |= gic_core_sysreg(g, 0, GIC_ICC_PMR_EL1, true, &v) != GIC_OK;
    v = 1;
    bad |= gic_core_sysreg(g, 0, GIC_ICC_IGRPEN1_EL1, true, &v) != GIC_OK;
    gic_core_run_until(g, 1000000);
    bad |= gic_core_set_spi(g, 40, true) != GIC_OK;
    gic_core_run_until(g, 2000000);
    v = 0;
    bad |= gic_core_sysreg(g, 0, GIC_ICC_IAR1_EL1, false, &v) != GIC_OK;
    printf("model_alone: ICC_IAR1_EL1 = %llu (%s)\n", (unsigned long long)v, gic_sysreg_name(GIC_ICC_IAR1_EL1));
    gic_core_destroy(g);
    return bad || v != 40 ? 1 : 0;
}
