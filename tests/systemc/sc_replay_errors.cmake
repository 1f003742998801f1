# Failed expectations through gictlm-sc-replay: exit status 1, one
# "file:line: expect failed: ..." per failure (same messages as gictlm-replay),
# and the IRQ pin check of expect-line; a malformed trace: exit status 2.
execute_process(COMMAND ${SCREPLAY} --quiet -o ${OUT}/scfail.timeline ${SRC}/sc_expect_fail.trace
                RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 1)
  message(FATAL_ERROR "expected exit status 1, got ${rc}\n${err}")
endif()
foreach(want
    "sc_expect_fail.trace:11: expect failed: sysreg-read cpu0 ICC_IAR1_EL1 returned 1023 (0x3ff), expected 40 (0x28)"
    "sc_expect_fail.trace:12: expect failed: cpu0 irq is 0 at 1000000 ps, expected 1"
    "sc_expect_fail.trace:12: expect failed: pin cpu0 line 0 is 0 at 1000000 ps, expected 1"
    "sc_expect_fail.trace:13: expect failed: counter errors.total is 0, expected 3"
    "sc_expect_fail.trace:15: expect failed: mem-expect byte at 0x1000 is 0xab, expected 0xac")
  string(FIND "${err}" "${want}" pos)
  if(pos EQUAL -1)
    message(FATAL_ERROR "missing diagnostic: ${want}\ngot:\n${err}")
  endif()
endforeach()
file(WRITE ${OUT}/scbad.trace "gictlm-trace 1\n@0 mmio-write gicx 0 0 4 0\n")
execute_process(COMMAND ${SCREPLAY} --quiet ${OUT}/scbad.trace RESULT_VARIABLE rc ERROR_VARIABLE err)
if(NOT rc EQUAL 2)
  message(FATAL_ERROR "malformed trace: expected exit status 2, got ${rc}\n${err}")
endif()
string(FIND "${err}" "scbad.trace:2: mmio-write: unknown frame 'gicx'" pos)
if(pos EQUAL -1)
  message(FATAL_ERROR "missing parse diagnostic\n${err}")
endif()
