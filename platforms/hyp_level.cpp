/* Level-triggered device line (hyp_level.h). */
#include "hyp_level.h"

using namespace sc_core;

namespace gictlm {

hyp_level_line::hyp_level_line(sc_module_name name, sc_time offset, sc_time period, sc_time high, sc_time stop,
                               const sc_event *start)
    : sc_module(name), out("out"), offset_(offset), period_(period), high_time_(high), stop_(stop), start_(start)
{
    SC_THREAD(run);
}

void hyp_level_line::run()
{
    out.write(false);
    if (start_) wait(*start_);
    wait(offset_);
    while (sc_time_stamp() < stop_) {
        high_ = true;
        assertions++;
        out.write(true);
        wait(high_time_);
        high_ = false;
        out.write(false);
        wait(period_ - high_time_);
    }
}

} // namespace gictlm
