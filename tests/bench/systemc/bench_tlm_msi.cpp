/*
 * Benchmark: host cost of one MSI through the TLM platform (device -> router ->
 * GITS_TRANSLATER -> ITS -> LPI -> CPU model IAR/EOI) as a ratio to an empty
 * b_transport round trip measured in the same run (process CPU time, so that
 * other load on the host does not count; wall time is printed too).
 *   BENCH tlm_msi_vs_empty_b_transport <r> x
 *   BENCH tlm_msi_ns <v> ns
 *   BENCH sim_msis_per_host_s <v> MSI/s
 */
#include "platform.h"

#include <chrono>
#include <cstdio>
#include <ctime>
#include <cstdlib>
#include <string>

using namespace sc_core;
using namespace gictlm;

namespace {
/* CPU time of the process (all of SystemC runs in it): unlike wall time it
 * does not count the time the host gives to other processes, so the figures
 * stay comparable on a loaded host. */
double cpu_seconds()
{
    timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct empty_target : sc_module {
    tlm_utils::simple_target_socket<empty_target> socket;
    explicit empty_target(sc_module_name n) : sc_module(n), socket("socket")
    {
        socket.register_b_transport(this, &empty_target::bt);
    }
    void bt(tlm::tlm_generic_payload &gp, sc_time &) { gp.set_response_status(tlm::TLM_OK_RESPONSE); }
};

struct empty_initiator : sc_module {
    tlm_utils::simple_initiator_socket<empty_initiator> socket;
    uint64_t n;
    double seconds = 0, wall = 0;
    SC_HAS_PROCESS(empty_initiator);
    empty_initiator(sc_module_name nm, uint64_t count) : sc_module(nm), socket("socket"), n(count)
    {
        SC_THREAD(run);
    }
    void run()
    {
        uint32_t data = 0;
        auto w0 = std::chrono::steady_clock::now();
        double t0 = cpu_seconds();
        for (uint64_t i = 0; i < n; i++) {
            /* same payload set-up as the MSI device, so only the path differs */
            tlm::tlm_generic_payload gp;
            device_id_extension ext(1);
            gp.set_command(tlm::TLM_WRITE_COMMAND);
            gp.set_address(0x10040);
            gp.set_data_ptr(reinterpret_cast<unsigned char *>(&data));
            gp.set_data_length(4);
            gp.set_streaming_width(4);
            gp.set_extension(&ext);
            sc_time d = SC_ZERO_TIME;
            socket->b_transport(gp, d);
            gp.clear_extension(&ext);
        }
        seconds = cpu_seconds() - t0;
        wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    }
};
} // namespace

/* Option --no-run-ahead: the wrapper waits at every access and wakes up at
 * every core event (platform.run_ahead=0), for before/after comparisons. */
int sc_main(int argc, char **argv)
{
    setenv("SYSTEMC_DISABLE_COPYRIGHT_MESSAGE", "1", 0);
    gic_config_t g;
    gic_config_default(&g);
    platform_params pp;
    pp.sim_time_us = 20000;
    for (int i = 1; i < argc; i++)
        if (std::string(argv[i]) == "--no-run-ahead") pp.run_ahead = 0;
    const uint64_t n_empty = 2000000;
    platform top("top", g, pp);
    empty_target et("empty_target");
    empty_initiator ei("empty_initiator", n_empty);
    ei.socket.bind(et.socket);
    auto w0 = std::chrono::steady_clock::now();
    double t0 = cpu_seconds();
    sc_start(top.total_time());
    double total = cpu_seconds() - t0;
    double total_wall = std::chrono::duration<double>(std::chrono::steady_clock::now() - w0).count();
    double plat = total - ei.seconds;
    double plat_wall = total_wall - ei.wall;
    uint64_t msis = top.tracker().sent;
    std::string why;
    if (!top.conservation_ok(why) || msis == 0) {
        std::fprintf(stderr, "bench_tlm_msi: platform run is not valid: %s\n", why.c_str());
        return 1;
    }
    double empty_ns = ei.seconds * 1e9 / (double)n_empty;
    double msi_ns = plat * 1e9 / (double)msis;
    std::printf("bench_tlm_msi: %llu MSIs in %.3f host CPU s (%.1f us simulated), empty b_transport %.2f ns"
                " (wall: %.1f ns per MSI, empty %.2f ns)\n",
                (unsigned long long)msis, plat, top.total_time().to_seconds() * 1e6, empty_ns,
                plat_wall * 1e9 / (double)msis, ei.wall * 1e9 / (double)n_empty);
    std::printf("BENCH tlm_msi_vs_empty_b_transport %.1f x\n", msi_ns / empty_ns);
    std::printf("BENCH tlm_msi_ns %.1f ns\n", msi_ns);
    std::printf("BENCH sim_msis_per_host_s %.0f MSI/s\n", (double)msis / plat);
    return 0;
}
