# consumer_size: how much a static consumer of one activation grows by linking cuact.
#   cmake -DONE_OP=<one_op executable> -DBASELINE=<baseline executable>
#         -DARCHITECTURES=<cuact's CUDA architectures> -DBOUND_PER_ARCH=<bytes> -P check_size.cmake
# The bound is per architecture the kernels are built for (each adds its own SASS).
file(SIZE "${ONE_OP}" one_op)
file(SIZE "${BASELINE}" baseline)
math(EXPR growth "${one_op} - ${baseline}")
list(LENGTH ARCHITECTURES arch_count)
math(EXPR bound "${BOUND_PER_ARCH} * ${arch_count}")
math(EXPR growth_kb "${growth} / 1024")
math(EXPR bound_kb "${bound} / 1024")
message(STATUS "one activation in one dtype (gelu, bf16, forward and backward) adds "
               "${growth_kb} KiB to a static program (bound ${bound_kb} KiB for "
               "${arch_count} architecture(s): ${ARCHITECTURES})")
if(growth GREATER bound)
  message(FATAL_ERROR "the program grew by ${growth_kb} KiB, more than ${bound_kb} KiB: an "
                      "entry point now pulls in other activations' kernels (see the link map: "
                      "-Wl,-Map)")
endif()
