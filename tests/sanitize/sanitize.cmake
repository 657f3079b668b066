# The host-only tests (label cpu: host and runtime calls a second time, the emulation instead
# of its plain build) with their code and cuact's host code under AddressSanitizer and
# UndefinedBehaviorSanitizer
# (float-cast-overflow included, which -fsanitize=undefined leaves out), linked with the very
# kernel objects of the library (cuact_kernels: nvcc's output is not instrumented and not
# compiled twice). Any finding stops the test (-fno-sanitize-recover), so it fails. Tests are
# named sanitize.<Suite>.<Test>, labelled cpu and sanitize.
#
# Included from tests/CMakeLists.txt. Off with -DCUACT_SANITIZE_TESTS=OFF; needs GCC or Clang.
if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang" AND CMAKE_SYSTEM_NAME STREQUAL "Linux")
  set(cuact_sanitize_default ON)
else()
  set(cuact_sanitize_default OFF)
endif()
option(CUACT_SANITIZE_TESTS "Also build and run the cpu tests under ASan and UBSan"
       ${cuact_sanitize_default})
if(NOT CUACT_SANITIZE_TESTS)
  return()
endif()

set(cuact_sanitize_flags -fsanitize=address,undefined,float-cast-overflow
    -fno-sanitize-recover=all -fno-omit-frame-pointer)
add_library(cuact_sanitize_flags INTERFACE)
# GCC's flow analysis under the sanitizers' instrumentation warns of uninitialised members
# inside libstdc++ (<regex>, std::function) that are initialised: a known false positive.
target_compile_options(cuact_sanitize_flags INTERFACE ${cuact_sanitize_flags} -O1 -g
  $<$<CXX_COMPILER_ID:GNU>:-Wno-maybe-uninitialized>)
target_link_options(cuact_sanitize_flags INTERFACE ${cuact_sanitize_flags})

# libcuact with sanitized host code and the library's own kernel objects.
add_library(cuact_sanitized STATIC $<TARGET_OBJECTS:cuact_kernels> ${cuact_host_sources})
cuact_library_settings(cuact_sanitized)
target_link_libraries(cuact_sanitized PUBLIC ${cuact_cudart} cuact_sanitize_flags)

add_library(cuact_test_support_sanitized STATIC support/gpu_environment.cpp)
target_include_directories(cuact_test_support_sanitized PUBLIC ${PROJECT_SOURCE_DIR})
target_link_libraries(cuact_test_support_sanitized
  PUBLIC cuact_sanitized GTest::gtest cuact_warnings)

# On a GPU machine the CUDA driver maps memory where ASan's shadow gap would be protected.
set(cuact_sanitize_env "ASAN_OPTIONS=protect_shadow_gap=0:detect_leaks=1")

add_executable(cuact_host_tests_sanitized ${cuact_host_test_sources})
target_link_libraries(cuact_host_tests_sanitized
  PRIVATE cuact_test_support_sanitized GTest::gtest_main)
target_compile_definitions(cuact_host_tests_sanitized PRIVATE
  CUACT_SOURCE_DIR="${PROJECT_SOURCE_DIR}")

# The emulation tests, sanitized (tests/CMakeLists.txt then builds only the others plain).
# Bias + activation's, Snake's and DyT's stay plain: they are the channelwise engine of PReLU's
# (sanitized) emulation with other channel functors, and sanitized they would cost CI minutes
# for little.
set(cuact_sanitized_emulation_sources ${cuact_emulation_test_sources})
list(REMOVE_ITEM cuact_sanitized_emulation_sources emulation/bias_emulation_test.cpp
  emulation/snake_emulation_test.cpp emulation/dyt_emulation_test.cpp)
add_executable(cuact_emulation_tests_sanitized emulation/emulated_cuda.cpp
  ${cuact_sanitized_emulation_sources})
target_include_directories(cuact_emulation_tests_sanitized BEFORE PRIVATE
  ${CMAKE_CURRENT_SOURCE_DIR}/emulation)
target_link_libraries(cuact_emulation_tests_sanitized
  PRIVATE cuact_test_support_sanitized GTest::gtest_main)
target_compile_options(cuact_emulation_tests_sanitized PRIVATE ${cuact_emulation_warnings})

set(cuact_sanitized_tests cuact_host_tests_sanitized cuact_emulation_tests_sanitized)
if(TARGET cuact_runtime_calls_tests)
  add_executable(cuact_runtime_calls_tests_sanitized host_calls/runtime_calls_test.cpp
    host_calls/grow_only_buffer_test.cpp host_calls/runtime_stand_ins.cpp)
  target_include_directories(cuact_runtime_calls_tests_sanitized PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(cuact_runtime_calls_tests_sanitized
    PRIVATE cuact_sanitized GTest::gtest_main)
  foreach(fn IN LISTS cuact_wrapped_runtime_functions)
    target_link_options(cuact_runtime_calls_tests_sanitized PRIVATE "LINKER:--wrap=${fn}")
  endforeach()
  list(APPEND cuact_sanitized_tests cuact_runtime_calls_tests_sanitized)
endif()

# Labels and environment through a file ctest reads after the discovered tests are defined
# (gtest_discover_tests's PROPERTIES would flatten the list "cpu;sanitize").
foreach(test IN LISTS cuact_sanitized_tests)
  target_link_libraries(${test} PRIVATE cuact_sanitize_flags)
  gtest_discover_tests(${test}
    TEST_PREFIX sanitize.
    TEST_LIST ${test}_list
    DISCOVERY_TIMEOUT 120)
  file(WRITE "${CMAKE_CURRENT_BINARY_DIR}/${test}_properties.cmake"
    "set_tests_properties(\${${test}_list} PROPERTIES LABELS \"cpu;sanitize\" "
    "ENVIRONMENT \"${cuact_sanitize_env}\")\n")
  set_property(DIRECTORY APPEND PROPERTY TEST_INCLUDE_FILES
    "${CMAKE_CURRENT_BINARY_DIR}/${test}_properties.cmake")
endforeach()
