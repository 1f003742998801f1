/*
 * A level-triggered device line for the hypervisor platform (a legacy INTx
 * or a wired peripheral assigned to a VM): drives one SPI input of the GIC
 * high for high_time once every period, deterministically, from start on.
 */
#ifndef GICTLM_HYP_LEVEL_H
#define GICTLM_HYP_LEVEL_H

#include <systemc>

#include <cstdint>

namespace gictlm {

class hyp_level_line : public sc_core::sc_module {
public:
    sc_core::sc_out<bool> out;
    SC_HAS_PROCESS(hyp_level_line);
    hyp_level_line(sc_core::sc_module_name name, sc_core::sc_time offset, sc_core::sc_time period,
                   sc_core::sc_time high, sc_core::sc_time stop, const sc_core::sc_event *start);
    uint64_t assertions = 0;
    bool high() const { return high_; }

private:
    void run();
    sc_core::sc_time offset_, period_, high_time_, stop_;
    const sc_core::sc_event *start_;
    bool high_ = false;
};

} // namespace gictlm
#endif
