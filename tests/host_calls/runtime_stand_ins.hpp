// Stand-ins for the CUDA runtime functions libcuact calls, for executables linked with
// -Wl,--wrap=<function> for each of them (tests/CMakeLists.txt: cuact_wrapped_runtime_functions):
// a device 0 with 132 SMs, device pointers everywhere, launches recorded but running nothing,
// and a count of each call. Used by the runtime-calls test and the C API fuzzer, which then
// reach every host path of the library (checks, plans, launches) without a GPU.
#pragma once

namespace cuact::stand_in {

/// The runtime functions counted, and their calls since the last clear_calls(). A plain
/// array, so that the stand-ins cost next to nothing.
enum Fn {
  kGetDevice,
  kDeviceGetAttribute,
  kOccupancy,
  kFuncGetAttributes,
  kGetLastError,
  kPeekAtLastError,
  kPointerGetAttributes,
  kExchangeCaptureMode,
  kStreamIsCapturing,
  kMallocAsync,
  kFreeAsync,
  kMemsetAsync,
  kMemcpyAsync,
  kSetDevice,
  kGetDeviceCount,
  kLaunch,
  kFnCount
};
/// kFnNames[fn]: the runtime function's name ("kernel launch" for kLaunch).
extern const char* const kFnNames[kFnCount];
/// Calls of each since the last clear_calls().
extern int counts[kFnCount];
void clear_calls();
/// What cudaStreamIsCapturing reports for every stream (false: not capturing).
extern bool capturing;

}  // namespace cuact::stand_in
