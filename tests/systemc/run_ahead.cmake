# The wrapper's run-ahead (no wait() / no wake-up when no other process is due
# first; with run_ahead=1 the CPUs' interrupt handling and the devices run as
# steps on the wrapper's agenda, with run_ahead=0 they are SystemC processes)
# must not change any result: the same platform run with
# platform.run_ahead=0 and =1 gives identical reports, except the wrapper's own
# activity counters and the run_ahead parameter itself. Periodic arrivals make
# every device send at the same picosecond (tie order at the ITS).
set(ARGS -p platform.sim_time_us=1500 -p platform.arrival=periodic -p platform.msi_interval_ns=700
    -p platform.eoi_mode=1 --no-host-time)
foreach(ra 0 1)
  execute_process(COMMAND ${EXE} ${ARGS} -p platform.run_ahead=${ra} --json ${OUT}/ra${ra}.json
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gictlm-platform run_ahead=${ra} failed with ${rc}")
  endif()
  file(READ ${OUT}/ra${ra}.json j${ra})
  string(JSON w${ra} GET "${j${ra}}" wrapper)
  string(JSON j${ra} REMOVE "${j${ra}}" wrapper)
  string(JSON j${ra} REMOVE "${j${ra}}" config platform run_ahead)
endforeach()
if(NOT j0 STREQUAL j1)
  file(WRITE ${OUT}/ra0.cmp.json "${j0}")
  file(WRITE ${OUT}/ra1.cmp.json "${j1}")
  message(FATAL_ERROR "run_ahead changed the results: compare ${OUT}/ra0.cmp.json and ra1.cmp.json")
endif()
string(JSON avoided GET "${w1}" syncs_avoided)
string(JSON ahead GET "${w1}" driver_run_ahead)
string(JSON avoided0 GET "${w0}" syncs_avoided)
if(avoided EQUAL 0 OR ahead EQUAL 0 OR NOT avoided0 EQUAL 0)
  message(FATAL_ERROR "run_ahead counters implausible: avoided=${avoided} ahead=${ahead} avoided(off)=${avoided0}")
endif()
message(STATUS "identical results; run_ahead avoided ${avoided} waits and ${ahead} wake-ups")
