/*
 * Checks a timeline view (Chrome trace-event JSON, capi/gictlm_timeline.h):
 *   check_timeline TIMELINE.json [REPORT.json [WINDOW_END_US]]
 * - the file parses as JSON and is trace-event shaped (traceEvents, ph, pid,
 *   ts, dur >= 0; every track used is named);
 * - the counts it states in otherData are the events it holds;
 * - every flow end has its start; slices on a CPU track nest or are disjoint;
 * - with the run's report (gictlm-platform --json): the handler slices per
 *   CPU, the MSI slices, the flows and the ITS command slices match the
 *   report: its totals when the window covered the whole run (WINDOW_END_US
 *   absent or 0), else the architect's report windows up to WINDOW_END_US.
 * Exit 0 when everything holds; every failure is printed.
 */
#include <nlohmann/json.hpp>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstdio>
#include <fstream>
#include <map>
#include <set>
#include <string>
#include <vector>

using nlohmann::json;

static int failures = 0;
#define CHECK(cond, ...)                                                                                               \
    do {                                                                                                               \
        if (!(cond)) {                                                                                                 \
            std::fprintf(stderr, "check_timeline: FAILED: " __VA_ARGS__);                                              \
            std::fprintf(stderr, "\n");                                                                                \
            failures++;                                                                                                \
        }                                                                                                              \
    } while (0)

static json load(const char *path)
{
    std::ifstream in(path);
    if (!in) {
        std::fprintf(stderr, "check_timeline: cannot read %s\n", path);
        std::exit(2);
    }
    try {
        return json::parse(in);
    } catch (const std::exception &e) {
        std::fprintf(stderr, "check_timeline: %s is not JSON: %s\n", path, e.what());
        std::exit(1);
    }
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        std::fprintf(stderr, "usage: check_timeline TIMELINE.json [REPORT.json [WINDOW_END_US]]\n");
        return 2;
    }
    json t = load(argv[1]);
    CHECK(t.is_object() && t.contains("traceEvents") && t["traceEvents"].is_array(), "no traceEvents array");
    if (failures) return 1;
    const json &ev = t["traceEvents"];
    std::set<int> named;
    std::map<int, std::vector<std::pair<double, double>>> slices; /* tid -> (ts, end) */
    std::map<int, uint64_t> handler_per_tid;
    std::map<std::string, std::set<uint64_t>> flow_starts;
    uint64_t n_handler = 0, n_msi = 0, n_cmd = 0, n_flows = 0, n_counter = 0, n_meta = 0;
    std::set<int> used;
    for (const json &e : ev) {
        CHECK(e.is_object() && e.contains("ph") && e["ph"].is_string() && e.contains("pid"), "malformed event %s",
              e.dump().c_str());
        const std::string ph = e.value("ph", "");
        if (ph == "M") {
            n_meta++;
            if (e.value("name", "") == "thread_name") named.insert(e.value("tid", -1));
            continue;
        }
        CHECK(e.contains("ts") && e["ts"].is_number() && e["ts"].get<double>() >= 0, "event without ts: %s",
              e.dump().c_str());
        if (ph == "X") {
            CHECK(e.contains("dur") && e["dur"].is_number() && e["dur"].get<double>() >= 0, "slice without dur: %s",
                  e.dump().c_str());
            const int tid = e.value("tid", -1);
            used.insert(tid);
            const std::string cat = e.value("cat", "");
            if (cat == "irq") {
                n_handler++;
                handler_per_tid[tid]++;
                slices[tid].push_back({e["ts"].get<double>(), e["ts"].get<double>() + e["dur"].get<double>()});
            } else if (cat == "msi") {
                n_msi++;
            } else if (cat == "its") {
                n_cmd++;
            }
        } else if (ph == "s") {
            flow_starts[e.value("cat", "")].insert(e.value("id", (uint64_t)0));
            used.insert(e.value("tid", -1));
        } else if (ph == "f") {
            n_flows++;
            used.insert(e.value("tid", -1));
        } else if (ph == "C") {
            n_counter++;
            CHECK(e.contains("args") && e["args"].is_object() && !e["args"].empty(), "counter without value: %s",
                  e.dump().c_str());
        } else {
            CHECK(false, "unexpected phase %s", ph.c_str());
        }
    }
    /* flow ends: the start must exist (checked after all, the file is not sorted) */
    for (const json &e : ev)
        if (e.value("ph", "") == "f")
            CHECK(flow_starts[e.value("cat", "")].count(e.value("id", (uint64_t)0)), "flow end without start: %s",
                  e.dump().c_str());
    for (int tid : used) CHECK(named.count(tid), "track %d used but not named", tid);
    /* CPU tracks: nested or disjoint (1 ps tolerance in the us values) */
    for (auto &kv : slices) {
        auto &v = kv.second;
        std::sort(v.begin(), v.end(), [](auto &a, auto &b) { return a.first != b.first ? a.first < b.first : a.second > b.second; });
        std::vector<double> stack;
        for (auto &s : v) {
            while (!stack.empty() && stack.back() <= s.first + 1e-6) stack.pop_back();
            CHECK(stack.empty() || s.second <= stack.back() + 1e-6, "slices overlap on track %d at %.6f us", kv.first,
                  s.first);
            stack.push_back(s.second);
        }
    }
    const json &od = t.value("otherData", json::object());
    CHECK(od.value("handler_slices", (uint64_t)~0ull) == n_handler, "otherData handler_slices %llu, file %llu",
          (unsigned long long)od.value("handler_slices", 0ull), (unsigned long long)n_handler);
    CHECK(od.value("msi_slices", (uint64_t)~0ull) == n_msi, "otherData msi_slices differs (file %llu)",
          (unsigned long long)n_msi);
    CHECK(od.value("cmd_slices", (uint64_t)~0ull) == n_cmd, "otherData cmd_slices differs (file %llu)",
          (unsigned long long)n_cmd);
    CHECK(od.value("flows", (uint64_t)~0ull) == n_flows, "otherData flows differs (file %llu)", (unsigned long long)n_flows);
    CHECK(od.value("counter_points", (uint64_t)~0ull) == n_counter, "otherData counter_points differs (file %llu)",
          (unsigned long long)n_counter);
    CHECK(od.value("events", (uint64_t)~0ull) == ev.size(), "otherData events %llu, file %zu",
          (unsigned long long)od.value("events", 0ull), ev.size());
    std::printf("check_timeline: %zu events: %llu handler slices, %llu MSI slices, %llu flows, %llu ITS command "
                "slices, %llu counter samples\n",
                ev.size(), (unsigned long long)n_handler, (unsigned long long)n_msi, (unsigned long long)n_flows,
                (unsigned long long)n_cmd, (unsigned long long)n_counter);

    if (argc >= 3) {
        json r = load(argv[2]);
        const double wend_us = argc >= 4 ? std::atof(argv[3]) : 0;
        uint64_t exp_handler = 0, exp_msi = 0, exp_flows = 0;
        std::vector<uint64_t> per_cpu;
        if (wend_us <= 0) {
            for (const json &c : r["cpus"]) per_cpu.push_back(c.value("handled", 0ull));
            for (uint64_t h : per_cpu) exp_handler += h;
            exp_msi = r["msi"].value("sent", 0ull);
            exp_flows = r["msi"].value("delivered", 0ull) + r["msi"].value("coalesced", 0ull);
        } else {
            const json &a = r["architect"];
            const double wps = a.value("window_ps", 0.0);
            const double n = wend_us * 1e6 / wps;
            CHECK(wps > 0 && std::fabs(n - std::round(n)) < 1e-9, "window end %.3f us is not a multiple of the report window", wend_us);
            for (size_t i = 0; i < (size_t)std::llround(n) && i < a["windows"].size(); i++) {
                exp_msi += a["windows"][i].value("offered", 0ull);
                exp_flows += a["windows"][i].value("retired", 0ull);
                exp_handler += a["windows"][i].value("interrupts", 0ull);
            }
        }
        CHECK(n_handler == exp_handler, "handler slices %llu, report %llu", (unsigned long long)n_handler,
              (unsigned long long)exp_handler);
        CHECK(n_msi == exp_msi, "MSI slices %llu, report %llu", (unsigned long long)n_msi, (unsigned long long)exp_msi);
        CHECK(n_flows == exp_flows, "flows %llu, report %llu", (unsigned long long)n_flows, (unsigned long long)exp_flows);
        const uint64_t cmds = r["boot"].value("its_commands", 0ull);
        CHECK(n_cmd == cmds, "ITS command slices %llu, report (boot) %llu", (unsigned long long)n_cmd,
              (unsigned long long)cmds);
        for (size_t c = 0; c < per_cpu.size(); c++)
            CHECK(handler_per_tid[(int)(1 + c)] == per_cpu[c], "CPU %zu: %llu handler slices, report %llu", c,
                  (unsigned long long)handler_per_tid[(int)(1 + c)], (unsigned long long)per_cpu[c]);
        std::printf("check_timeline: matches the report (%s)\n", wend_us > 0 ? "report windows" : "totals");
    }
    return failures ? 1 : 0;
}
