# The wrapper's run-ahead (no wait() / no wake-up when no other process is due
# first; with run_ahead=1 the CPUs' interrupt handling and the devices run as
# steps on the wrapper's agenda, with run_ahead=0 they are SystemC processes)
# must not change any result: the same platform run with
# platform.run_ahead=0 and =1 gives identical reports, except the wrapper's own
# activity counters and the run_ahead parameter itself. Periodic arrivals make
# every device send at the same picosecond (tie order at the ITS).
set(ARGS -p platform.sim_time_us=1500 -p platform.arrival=periodic -p platform.msi_interval_ns=700
    -p platform.eoi_mode=1 --no-host-time)
# Runs: run_ahead=0 and =1, both with the lines traced (--vcd), and
# run_ahead=1 untraced ("1n"), where the wrapper does not write the pins at
# all (nothing needs them): all three give the same results, and the two VCDs
# are the same (with run-ahead, traced pins are still written at their exact
# times). "1q": untraced with the driver's run-ahead bounded by one quantum
# (platform.run_ahead_limit_us=0) instead of 100 us: the bound changes no
# result either.
foreach(ra 0 1 1n 1q)
  string(REGEX REPLACE "[nq]" "" rav ${ra})
  set(extra)
  if(ra STREQUAL "1q")
    set(extra -p platform.run_ahead_limit_us=0)
  elseif(NOT ra STREQUAL "1n")
    set(extra --vcd ${OUT}/ra${ra})
  endif()
  execute_process(COMMAND ${EXE} ${ARGS} -p platform.run_ahead=${rav} --json ${OUT}/ra${ra}.json ${extra}
                  RESULT_VARIABLE rc OUTPUT_QUIET)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "gictlm-platform run_ahead=${ra} failed with ${rc}")
  endif()
  file(READ ${OUT}/ra${ra}.json j${ra})
  string(JSON w${ra} GET "${j${ra}}" wrapper)
  string(JSON j${ra} REMOVE "${j${ra}}" wrapper)
  string(JSON j${ra} REMOVE "${j${ra}}" config platform run_ahead)
  string(JSON j${ra} REMOVE "${j${ra}}" config platform run_ahead_limit_us)
endforeach()
foreach(ra 1 1n 1q)
  if(NOT j0 STREQUAL j${ra})
    file(WRITE ${OUT}/ra0.cmp.json "${j0}")
    file(WRITE ${OUT}/ra${ra}.cmp.json "${j${ra}}")
    message(FATAL_ERROR "run_ahead changed the results: compare ${OUT}/ra0.cmp.json and ra${ra}.cmp.json")
  endif()
endforeach()
foreach(ra 0 1)
  file(READ ${OUT}/ra${ra}.vcd v${ra})
  string(REGEX REPLACE "\\$date[^$]*\\$end" "" v${ra} "${v${ra}}") # the date of the run
  string(REGEX MATCHALL "\n#[0-9]+" steps${ra} "${v${ra}}")
  list(LENGTH steps${ra} n${ra})
endforeach()
if(n1 LESS 100)
  message(FATAL_ERROR "the VCD of the lines has only ${n1} time steps")
endif()
if(NOT v0 STREQUAL v1)
  message(FATAL_ERROR "run_ahead changed the traced lines: compare ${OUT}/ra0.vcd and ${OUT}/ra1.vcd")
endif()
string(JSON lines1n GET "${w1n}" line_changes)
string(JSON lines1 GET "${w1}" line_changes)
if(NOT lines1n EQUAL 0 OR lines1 EQUAL 0)
  message(FATAL_ERROR "pins: ${lines1} line writes traced, ${lines1n} untraced (expected > 0 and 0)")
endif()
string(JSON avoided GET "${w1}" syncs_avoided)
string(JSON ahead GET "${w1}" driver_run_ahead)
string(JSON avoided0 GET "${w0}" syncs_avoided)
string(JSON act1n GET "${w1n}" driver_activations)
string(JSON act1q GET "${w1q}" driver_activations)
if(NOT act1q GREATER act1n)
  message(FATAL_ERROR "run_ahead_limit_us: ${act1q} driver activations with one quantum, ${act1n} with 100 us")
endif()
if(avoided EQUAL 0 OR ahead EQUAL 0 OR NOT avoided0 EQUAL 0)
  message(FATAL_ERROR "run_ahead counters implausible: avoided=${avoided} ahead=${ahead} avoided(off)=${avoided0}")
endif()
message(STATUS "identical results; run_ahead avoided ${avoided} waits and ${ahead} wake-ups")
