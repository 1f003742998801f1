# One mutant of the mutation check: the QEMU comparison must catch it.
# Logs: the shared samples as recorded, and edited copies of the GICv3 sample
# (edits/*.edit, written by edit_sample.sh) that add a few events with the
# lines QEMU prints for them, where the recorded boot never exercises a
# behaviour, and memory notes ("# gictlm-memory:", applied with --memory-notes)
# for memory contents a log cannot carry. The reference model must agree fully
# on every edited log.
# Caught = on some log the mutant's comparison has more disagreements than
# the reference model's. Skipped (SKIP_REGULAR_EXPRESSION) without the samples.
set(v3 ${SAMPLES}/qemu-gicv3/linux-virt-2cpu.log.gz)
# The GICv4 sample (qemu-gicv4/linux-kvm-nested-3cpu.log.gz) is not used: it costs ~5 s per
# run and per tool, and the six mutants are caught on the GICv3 sample and its edits.
set(logs ${v3})
if(NOT EXISTS ${v3})
  message("SKIP: the shared QEMU samples are not in ${SAMPLES}")
  return()
endif()
file(GLOB edits ${EDITS}/*.edit)
foreach(e ${edits})
  get_filename_component(name ${e} NAME_WE)
  set(out ${WORK}/edited-${name}-mutant${N}.log)
  execute_process(COMMAND sh ${EDIT_SCRIPT} ${v3} ${e} ${out} RESULT_VARIABLE rc ERROR_VARIABLE err)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "cannot write the edited log ${name}: ${err}")
  endif()
  list(APPEND logs ${out})
endforeach()
set(caught "")
foreach(log ${logs})
  if(NOT EXISTS ${log})
    continue()
  endif()
  set(counts)
  foreach(tool ${REFERENCE} ${MUTANT})
    execute_process(COMMAND ${tool} --compare --no-progress --memory-notes --list 5 ${log}
                    OUTPUT_VARIABLE out ERROR_QUIET RESULT_VARIABLE rc)
    string(REGEX MATCH "comparable cases \\(([0-9]+) disagree\\)" m "${out}")
    if(NOT m)
      message(FATAL_ERROR "mutant ${N}: no comparison summary from ${tool} on ${log} (exit ${rc}):\n${out}")
    endif()
    list(APPEND counts ${CMAKE_MATCH_1})
    set(last_out "${out}")
  endforeach()
  list(GET counts 0 ref)
  list(GET counts 1 mut)
  get_filename_component(name ${log} NAME)
  if(name MATCHES "^edited-" AND NOT ref EQUAL 0)
    message(FATAL_ERROR "the reference model disagrees with QEMU on ${name} (${ref}): the edit is not what QEMU prints")
  endif()
  message(STATUS "mutant ${N}: ${name}: reference ${ref} disagreements, mutant ${mut}")
  if(mut GREATER ref)
    string(APPEND caught " ${name}")
    message(STATUS "${last_out}")
  endif()
endforeach()
if(caught STREQUAL "")
  message(FATAL_ERROR "mutant ${N} was NOT caught by the QEMU comparison")
endif()
message(STATUS "mutant ${N} caught on:${caught}")
