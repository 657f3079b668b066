# Builds the C API fuzzer (tests/fuzz) with clang and runs it for a bounded time, as ctest's
# fuzz_c_api:
#   cmake -DSOURCE=<cuact source> -DINPUTS=<build>/tests/fuzz_inputs.cmake -DWORK=<scratch>
#         -DCXX=<clang++> -DSECONDS=<run time> -DGENERATOR=<generator> -P run_fuzz.cmake
# It starts from the corpus kept in the repository (tests/fuzz/corpus, read only: what the run
# finds goes to WORK/new_corpus) and fails on any finding, whose reproducer libFuzzer writes
# to WORK (crash-*, leak-*, timeout-*). docs/testing.md says how to run it longer.
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

run(${CMAKE_COMMAND} -S "${SOURCE}/tests/fuzz" -B "${WORK}/build" -G "${GENERATOR}"
    "-DCMAKE_CXX_COMPILER=${CXX}" "-DCUACT_FUZZ_INPUTS=${INPUTS}")
run(${CMAKE_COMMAND} --build "${WORK}/build" -j 2)
file(REMOVE_RECURSE "${WORK}/new_corpus")
file(MAKE_DIRECTORY "${WORK}/new_corpus")
execute_process(
  COMMAND ${CMAKE_COMMAND} -E env "ASAN_OPTIONS=protect_shadow_gap=0:detect_leaks=1"
    "${WORK}/build/cuact_c_api_fuzzer" "${WORK}/new_corpus" "${SOURCE}/tests/fuzz/corpus"
    -max_total_time=${SECONDS} -timeout=10 -rss_limit_mb=2048 -print_final_stats=1
    "-artifact_prefix=${WORK}/"
  RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
string(REGEX MATCH "stat::number_of_executed_units: *[0-9]+" runs "${out}")
if(NOT rc EQUAL 0)
  message(FATAL_ERROR "the fuzzer found something (exit ${rc}); reproducer in ${WORK}:\n${out}")
endif()
message(STATUS "fuzz_c_api: no finding in ${SECONDS} s (${runs})")
