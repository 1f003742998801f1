/*
 * gictlm-platform --hyp / --compare-modes: the hypervisor platform from the
 * command line (docs/user-guide.md "Virtualization: software injection vs
 * GICv4"). Returns the exit status.
 */
#ifndef GICTLM_HYP_CLI_H
#define GICTLM_HYP_CLI_H

namespace gictlm {
/* true when argv asks for the hypervisor platform (--hyp or --compare-modes) */
bool hyp_cli_wanted(int argc, char **argv);
int hyp_cli(int argc, char **argv);
} // namespace gictlm
#endif
