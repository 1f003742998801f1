/*
 * Test-only mutation points (tests/mutants/): a build of the model sources
 * with -DGICTLM_MUTANT=N breaks one behaviour on purpose, so that the QEMU
 * comparison can show it catches it (docs/trace-format.md, "Mutation check").
 * The library and every other build have GICTLM_MUTANT undefined: every
 * GICTLM_MUTANT_IS(n) is the constant 0 and the compiler removes it.
 *
 *  1  INVALL does not reach the redistributor (no-op)
 *  2  DISCARD leaves the LPI pending
 *  3  MOVI leaves the pending state at the old redistributor
 *  4  MOVI does not invalidate the cached ITE (stale translation)
 *  5  EnableLPIs with PTZ = 0 skips the pending-table load
 *  6  INV does not reach the redistributor (the LPI keeps its old configuration)
 */
#ifndef GICTLM_MUTANT_H
#define GICTLM_MUTANT_H
#ifdef GICTLM_MUTANT
#define GICTLM_MUTANT_IS(n) (GICTLM_MUTANT == (n))
#else
#define GICTLM_MUTANT_IS(n) 0
#endif
#endif
