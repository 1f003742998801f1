# Training run of a profile-guided build (CMakeLists.txt, GICTLM_PGO): the
# instrumented platform runs the main job's default configuration and a few
# variants (arrival processes, EventID distributions, EOImode, Linux 4.x
# interrupt loop, LPI scan policy, small caches) and the hypervisor platform
# in its injection modes, so that the profile covers what users run, physical
# and virtual, not only one benchmark. The benchmarks are not trained on.
# Old profile files are removed first: counts of an earlier build would not
# match the current code.
# Usage: cmake -DEXE=<instrumented gictlm-platform> -DPROFILE=<dir> -DSTAMP=<file> -P pgo-train.cmake
file(GLOB old "${PROFILE}/*.gcda")
if(old)
  file(REMOVE ${old})
endif()
# one run per line, arguments separated by spaces
set(runs
  "-p platform.sim_time_us=8000"
  "-p platform.sim_time_us=2000 -p platform.arrival=bursty -p platform.eventid_dist=zipf"
  "-p platform.sim_time_us=2000 -p platform.arrival=periodic -p platform.eoi_mode=1"
  "-p platform.sim_time_us=2000 -p platform.irq_loop=1 -p platform.eventid_dist=uniform"
  "-p platform.sim_time_us=1000 -p gic.lpi.scan_policy=full -p gic.lpi.cache.entries=16 -p gic.its.event_cache.entries=16"
  "-p platform.sim_time_us=1000 -p platform.run_ahead=0"
  # the hypervisor platform (docs/platform.md): software injection, GICv4.0
  # direct injection with doorbells and residency switches, GICv4.1 vSGIs
  "--hyp -p hyp.mode=v4.0 -p platform.sim_time_us=8000"
  "--hyp -p hyp.mode=sw -p platform.sim_time_us=3000"
  "--hyp -p hyp.mode=v4.1 -p platform.sim_time_us=3000"
  "--hyp -p hyp.mode=v4.0 -p hyp.guest_wfi=0 -p platform.sim_time_us=3000")
foreach(line IN LISTS runs)
  separate_arguments(args UNIX_COMMAND "${line}")
  execute_process(COMMAND ${CMAKE_COMMAND} -E env SYSTEMC_DISABLE_COPYRIGHT_MESSAGE=1 ${EXE} ${args}
                  RESULT_VARIABLE rc OUTPUT_QUIET ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "PGO training run failed (${rc}): ${EXE} ${line}\n${err}")
  endif()
endforeach()
file(GLOB prof "${PROFILE}/*.gcda")
list(LENGTH prof n)
if(n EQUAL 0)
  message(FATAL_ERROR "PGO training wrote no profile into ${PROFILE}")
endif()
file(TOUCH ${STAMP})
message(STATUS "PGO: profile of ${n} object files in ${PROFILE}")
