# Builds and runs tests/consumer against cuact, as ctest's consumer_* tests:
#   cmake -DMODE=package|subdirectory -DSOURCE=<cuact source> -DBUILD=<cuact build>
#         -DWORK=<scratch folder> -DARCH=<CUDA archs> -DGENERATOR=<generator>
#         [-DSHARED=ON] [-DCXX=<C++ compiler>] -P run_consumer.cmake
# package: installs BUILD into WORK/install and finds it with find_package.
# CXX: builds a C++-only consumer (no .cu files) with that compiler, e.g. clang++ against a
# g++-built cuact: the public templates must mangle the same under both.
# subdirectory: adds SOURCE with add_subdirectory (rebuilding cuact inside the consumer).
# With SHARED=ON the subdirectory build makes a shared libcuact and checks that it exports
# no cuact internals.
function(run)
  execute_process(COMMAND ${ARGV} RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
  if(NOT rc EQUAL 0)
    message(FATAL_ERROR "failed (${rc}): ${ARGV}\n${out}")
  endif()
  set(last_output "${out}" PARENT_SCOPE)
endfunction()

file(REMOVE_RECURSE "${WORK}")
set(args -S "${SOURCE}/tests/consumer" -B "${WORK}/build" -G "${GENERATOR}"
  "-DCMAKE_CUDA_ARCHITECTURES=${ARCH}" "-DCUACT_CONSUMER_MODE=${MODE}")
if(CXX)
  list(APPEND args "-DCMAKE_CXX_COMPILER=${CXX}" -DCUACT_CONSUMER_CXX_ONLY=ON)
endif()
if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${WORK}/install")
  list(APPEND args "-DCMAKE_PREFIX_PATH=${WORK}/install")
else()
  list(APPEND args "-DCUACT_SOURCE_DIR=${SOURCE}")
  if(SHARED)
    list(APPEND args -DBUILD_SHARED_LIBS=ON)
  endif()
endif()
run(${CMAKE_COMMAND} ${args})
run(${CMAKE_COMMAND} --build "${WORK}/build" -j 2)
run("${WORK}/build/consumer")
message(STATUS "${last_output}")

if(SHARED)
  file(GLOB_RECURSE libs "${WORK}/build/cuact/libcuact.so")
  run(nm -D --defined-only -C ${libs})
  string(REGEX MATCHALL "[^\n]*cuact::detail::[^\n]*" leaked "${last_output}")
  list(FILTER leaked EXCLUDE REGEX "allocate_async|free_async|copy_async")
  if(leaked)
    message(FATAL_ERROR "libcuact.so exports internals:\n${leaked}")
  endif()
  string(REGEX MATCHALL "[^\n]*_kernel[^\n]*" kernels "${last_output}")
  if(kernels)
    message(FATAL_ERROR "libcuact.so exports kernel stubs:\n${kernels}")
  endif()
endif()
