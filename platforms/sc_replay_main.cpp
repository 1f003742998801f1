/* gictlm-sc-replay: replay a gictlm trace through the SystemC/TLM platform
 * (platforms/trace_player.h). Same as gictlm-platform --replay TRACE. */
#include "trace_player.h"

#include <cstdlib>

int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return gictlm::sc_replay_cli(argc, argv, "gictlm-sc-replay");
}
