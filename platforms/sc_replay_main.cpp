/* gictlm-sc-replay: replay a gictlm trace through the SystemC/TLM platform
 * (platforms/trace_player.h). Same as gictlm-platform --replay TRACE. */
#include "trace_player.h"

#include <cstdlib>

/* SystemC prints its banner on stdout before sc_main runs (when the kernel
 * is set up, in main()), so a setenv in sc_main is too late and the output
 * of, e.g., --dump-config would not be JSON. This runs before main(). */
__attribute__((constructor)) static void gictlm_no_systemc_banner()
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
}

int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    return gictlm::sc_replay_cli(argc, argv, "gictlm-sc-replay");
}
