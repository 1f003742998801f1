# A platform run recorded with gictlm-platform --record replays through SystemC
# (gictlm-sc-replay) to the same timeline as through the C replayer
# (gictlm-replay), every recorded read returning the recorded value (the
# recording's "expect"s), with the same statistics. The C replay of a platform
# recording reproduces the live run's outputs exactly
# (ScPlatform.RecordedRunReplaysToIdenticalOutputs), so the SystemC replay does too.
set(ARGS -p platform.sim_time_us=150 -p platform.drain_time_us=50 -p platform.devices=4 -p platform.vectors=4
         -p platform.arrival=bursty -p platform.msi_interval_ns=300 -p platform.eoi_mode=1
         -p platform.mem_latency_ns=37 --no-host-time)
execute_process(COMMAND ${PLATFORM} ${ARGS} --record ${OUT}/screc.trace RESULT_VARIABLE rc OUTPUT_QUIET)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gictlm-platform --record failed with ${rc}")
endif()
execute_process(COMMAND ${REPLAY} --quiet -o ${OUT}/screc.c.timeline -s ${OUT}/screc.c.stats ${OUT}/screc.trace
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gictlm-replay of the recording failed with ${rc}")
endif()
execute_process(COMMAND ${SCREPLAY} --quiet -o ${OUT}/screc.sc.timeline -s ${OUT}/screc.sc.stats ${OUT}/screc.trace
                RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "gictlm-sc-replay of the recording failed with ${rc} (expectation failed?)")
endif()
file(READ ${OUT}/screc.c.timeline ctl)
string(REGEX MATCHALL "-> intid [0-9]+ cpu[0-9]+ delivered" delivered "${ctl}")
list(LENGTH delivered ndel)
string(REGEX MATCHALL " cmd its[0-9]+ " cmds "${ctl}")
list(LENGTH cmds ncmd)
if(ndel LESS 100 OR ncmd LESS 10)
  message(FATAL_ERROR "the recording exercises too little: ${ndel} delivered MSIs, ${ncmd} ITS commands")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/screc.c.timeline ${OUT}/screc.sc.timeline
                RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  execute_process(COMMAND ${REPLAY} --golden ${OUT}/screc.sc.timeline ${OUT}/screc.trace)
  message(FATAL_ERROR "SystemC and C replays of the recording differ (diff above: - SystemC, + C)")
endif()
execute_process(COMMAND ${CMAKE_COMMAND} -E compare_files ${OUT}/screc.c.stats ${OUT}/screc.sc.stats
                RESULT_VARIABLE diff)
if(NOT diff EQUAL 0)
  message(FATAL_ERROR "SystemC and C replays of the recording give different statistics")
endif()
message(STATUS "identical: ${ndel} delivered MSIs, ${ncmd} ITS commands")
