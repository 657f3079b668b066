# Builds and runs tests/consumer against cuact, as ctest's consumer_* tests:
#   cmake -DMODE=package|subdirectory -DSOURCE=<cuact source> -DBUILD=<cuact build>
#         -DWORK=<scratch folder> -DARCH=<CUDA archs> -DGENERATOR=<generator>
#         [-DSHARED=ON] [-DCXX=<C++ compiler>] [-DSUBSET=<activations>] -P run_consumer.cmake
# package: installs BUILD into WORK/install and finds it with find_package.
# CXX: builds a C++-only consumer (no .cu files) with that compiler, e.g. clang++ against a
# g++-built cuact: the public templates must mangle the same under both.
# subdirectory: adds SOURCE with add_subdirectory (rebuilding cuact inside the consumer).
# SUBSET (subdirectory mode; comma-separated): builds only those activations
# (CUACT_ACTIVATIONS), which the program checks, after checking that an unknown name fails to
# configure with its message.
# With SHARED=ON the subdirectory build makes a shared libcuact (and the consumer uses the
# shared CUDA runtime, as cuact then does) and checks that it exports no cuact internals.
# Every mode checks that the program (with its own .cu file) has exactly one CUDA runtime;
# package mode also builds a C program with pkg-config's flags and checks the version.
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
if(SHARED)
  list(APPEND args -DCMAKE_CUDA_RUNTIME_LIBRARY=Shared)
endif()
if(MODE STREQUAL "package")
  run(${CMAKE_COMMAND} --install "${BUILD}" --prefix "${WORK}/install")
  list(APPEND args "-DCMAKE_PREFIX_PATH=${WORK}/install")
else()
  list(APPEND args "-DCUACT_SOURCE_DIR=${SOURCE}")
  if(SUBSET)
    set(bad_args ${args})
    list(TRANSFORM bad_args REPLACE "^${WORK}/build$" "${WORK}/bad_subset")
    execute_process(COMMAND ${CMAKE_COMMAND} ${bad_args} -DCUACT_CONSUMER_SUBSET=relu,no_such_op
                    RESULT_VARIABLE rc OUTPUT_VARIABLE out ERROR_VARIABLE out)
    if(rc EQUAL 0 OR NOT out MATCHES "CUACT_ACTIVATIONS names 'no_such_op', which is not an")
      message(FATAL_ERROR "an unknown name in CUACT_ACTIVATIONS did not fail to configure "
                          "with its message (${rc}):\n${out}")
    endif()
    file(REMOVE_RECURSE "${WORK}/bad_subset")
    list(APPEND args "-DCUACT_CONSUMER_SUBSET=${SUBSET}")
  endif()
  if(SHARED)
    list(APPEND args -DBUILD_SHARED_LIBS=ON)
  endif()
endif()
run(${CMAKE_COMMAND} ${args})
run(${CMAKE_COMMAND} --build "${WORK}/build" -j 2)
run("${WORK}/build/consumer")
message(STATUS "${last_output}")

# Exactly one CUDA runtime in the program: linked statically into the executable (it defines
# cudaMalloc), inside a shared libcuact, or loaded as libcudart.so, but only one of these.
set(runtimes "")
set(binaries "${WORK}/build/consumer")
file(GLOB_RECURSE shared_cuact "${WORK}/build/cuact/libcuact.so")
list(APPEND binaries ${shared_cuact})
set(needs_shared_runtime FALSE)
foreach(binary IN LISTS binaries)
  run(nm --defined-only "${binary}")
  if(last_output MATCHES "[ \n][TtWw] cudaMalloc\n")
    list(APPEND runtimes "static runtime in ${binary}")
  endif()
  run(readelf -d "${binary}")
  if(last_output MATCHES "NEEDED[^\n]*libcudart\\.so")
    set(needs_shared_runtime TRUE)
  endif()
endforeach()
if(needs_shared_runtime)
  list(APPEND runtimes "libcudart.so")
endif()
list(LENGTH runtimes runtime_count)
if(NOT CXX AND NOT runtime_count EQUAL 1)
  message(FATAL_ERROR "the consumer has ${runtime_count} CUDA runtimes, not one: ${runtimes}")
endif()
message(STATUS "CUDA runtime: ${runtimes}")

# pkg-config: a C program built with only the flags of the installed cuact.pc.
if(MODE STREQUAL "package" AND NOT CXX)
  find_program(PKG_CONFIG NAMES pkg-config pkgconf REQUIRED)
  run(${CMAKE_COMMAND} -E env "PKG_CONFIG_PATH=${WORK}/install/lib/pkgconfig"
      ${PKG_CONFIG} --cflags --libs cuact)
  string(STRIP "${last_output}" flags)
  separate_arguments(flags UNIX_COMMAND "${flags}")
  run(cc "${SOURCE}/tests/consumer/version_check.c" -o "${WORK}/version_check" ${flags})
  run("${WORK}/version_check")
  message(STATUS "${last_output}")
endif()

if(SHARED)
  file(GLOB_RECURSE libs "${WORK}/build/cuact/libcuact.so")
  run(nm -D --defined-only -C ${libs})
  string(REGEX MATCHALL "[^\n]*cuact::detail::[^\n]*" leaked "${last_output}")
  list(FILTER leaked EXCLUDE REGEX "allocate_async|free_async|copy_async|stream_is_capturing")
  if(leaked)
    message(FATAL_ERROR "libcuact.so exports internals:\n${leaked}")
  endif()
  string(REGEX MATCHALL "[^\n]*_kernel[^\n]*" kernels "${last_output}")
  if(kernels)
    message(FATAL_ERROR "libcuact.so exports kernel stubs:\n${kernels}")
  endif()
endif()
