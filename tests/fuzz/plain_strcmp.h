/* Fuzz build only (tests/fuzz/CMakeLists.txt): model/stats.c is compiled with
 * strcmp renamed to this plain comparison. The statistics registry looks names
 * up linearly when a GIC is created (hundreds of strcmp per counter); through
 * the sanitizer's interceptor each call also fed libFuzzer's comparison hook,
 * which made creating a GIC the largest cost of a C-API input while giving no
 * useful feedback (the names are constants). */
#ifndef GICTLM_PLAIN_STRCMP_H
#define GICTLM_PLAIN_STRCMP_H
int gictlm_plain_strcmp(const char *a, const char *b);
#define strcmp gictlm_plain_strcmp
#endif
