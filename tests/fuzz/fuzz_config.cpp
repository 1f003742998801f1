/*
 * libFuzzer harness (c): the JSON configuration loader (gic_config_load_json,
 * and gictlm-platform's load_config_json on top of it) and the -p NAME=VALUE
 * parsers (gic_config_set, platform_param_set), then the checks
 * (gic_config_validate, platform_params_check). See docs/robustness.md.
 *
 * Byte 0 selects the mode: JSON document, or -p lines. Invariants: no crash
 * and no undefined behaviour (UBSan: e.g. a float-to-integer conversion out of
 * range); a failed call leaves an error message; a configuration that
 * validates survives a round trip (written as JSON, loaded again, written
 * again: identical text).
 */
#include "gictlm.h"
#include "platform_params.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

using namespace gictlm;

static std::string config_text(const gic_config_t &c)
{
    char *buf = nullptr;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    gic_config_write_json(&c, f);
    std::fclose(f);
    std::string s(buf, len);
    std::free(buf);
    return s;
}

[[noreturn]] static void fail(const char *what, const std::string &detail)
{
    std::fprintf(stderr, "fuzz_config invariant: %s\n%s\n", what, detail.c_str());
    std::abort();
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size == 0) return 0;
    const int mode = data[0] % 3;
    std::string text(reinterpret_cast<const char *>(data) + 1, size - 1);
    gic_config_t cfg;
    gic_config_default(&cfg);
    platform_params pp;
    char err[512] = "";
    if (mode == 0) { /* the core's loader */
        if (gic_config_load_json(&cfg, text.c_str(), err, sizeof err) != GIC_OK && !err[0])
            fail("gic_config_load_json failed without a message", text);
    } else if (mode == 1) { /* the platform's loader ({"gic":..., "platform":...}) */
        std::string e;
        if (!load_config_json(text, cfg, pp, e) && e.empty()) fail("load_config_json failed without a message", text);
    } else { /* -p lines */
        size_t pos = 0;
        while (pos <= text.size()) {
            size_t nl = text.find('\n', pos);
            std::string line = text.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
            pos = nl == std::string::npos ? text.size() + 1 : nl + 1;
            size_t eq = line.find('=');
            if (eq == std::string::npos) continue;
            std::string name = line.substr(0, eq), value = line.substr(eq + 1);
            if (name.rfind("gic.", 0) == 0) {
                err[0] = '\0';
                if (gic_config_set(&cfg, name.c_str() + 4, value.c_str(), err, sizeof err) != GIC_OK && !err[0])
                    fail("gic_config_set failed without a message", line);
            } else if (name.rfind("platform.", 0) == 0) {
                std::string e;
                if (!platform_param_set(pp, name.substr(9), value, e) && e.empty())
                    fail("platform_param_set failed without a message", line);
            }
        }
    }
    err[0] = '\0';
    if (gic_config_validate(&cfg, err, sizeof err) != GIC_OK) {
        if (!err[0]) fail("gic_config_validate failed without a message", text);
        return 0;
    }
    std::string perr;
    std::vector<std::string> warnings;
    if (!platform_params_check(cfg, pp, perr, warnings) && perr.empty())
        fail("platform_params_check failed without a message", text);
    (void)platform_host_bytes_estimate(cfg, pp);
    (void)platform_params_json(pp).dump();
    /* round trip of a valid configuration */
    std::string a = config_text(cfg);
    gic_config_t back;
    gic_config_default(&back);
    if (gic_config_load_json(&back, a.c_str(), err, sizeof err) != GIC_OK) fail("written configuration does not load", a + err);
    std::string b = config_text(back);
    if (a != b) fail("configuration round trip differs", a + "\n---\n" + b);
    return 0;
}
