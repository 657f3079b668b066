// NVTX ranges around public calls, in a "cuact" domain, so that Nsight Systems shows each
// call by name (cuact::relu_forward, ...). Compiled out when CUACT_ENABLE_NVTX is 0
// (CMake option CUACT_NVTX=OFF). With no tool attached a range costs a few nanoseconds.
#pragma once

#ifndef CUACT_ENABLE_NVTX
#define CUACT_ENABLE_NVTX 1
#endif

#if CUACT_ENABLE_NVTX
#include <nvtx3/nvtx3.hpp>

namespace cuact::detail {
struct NvtxDomain {
  static constexpr const char* name{"cuact"};
};
}  // namespace cuact::detail

/// Opens a range named `literal` that closes at the end of the enclosing scope. The name is
/// registered once per call site.
#define CUACT_NVTX_RANGE(literal)                                                          \
  static const ::nvtx3::registered_string_in<::cuact::detail::NvtxDomain> cuact_nvtx_name{ \
      literal};                                                                            \
  const ::nvtx3::scoped_range_in<::cuact::detail::NvtxDomain> cuact_nvtx_range { cuact_nvtx_name }
#else
#define CUACT_NVTX_RANGE(literal) static_cast<void>(0)
#endif
