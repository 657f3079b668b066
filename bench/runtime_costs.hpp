// The host time of the CUDA runtime calls a cuact call is made of, measured one by one, so
// that a GPU run shows where a call's host_us goes (pointer queries, device queries, capture
// mode, launches) and what the alternatives to a second launch would cost (a cooperative
// launch with a grid-wide barrier, or a memset of a counter).
#pragma once

#include <cuda_runtime_api.h>

#include <ostream>
#include <string>

namespace cuact::bench {

/// Microseconds of host time per call, the median of several batches; -1 where the call
/// failed (then `note` says why).
struct RuntimeCosts {
  double pointer_query_us = -1;       // cudaPointerGetAttributes of device memory
  double get_device_us = -1;          // cudaGetDevice
  double capture_mode_us = -1;        // cudaThreadExchangeStreamCaptureMode
  double last_error_us = -1;          // cudaGetLastError
  double launch_us = -1;              // cudaLaunchKernel, empty kernel, 128 bytes of arguments
  double cooperative_us = -1;         // the same kernel through cudaLaunchCooperativeKernel
  double memset_us = -1;              // cudaMemsetAsync of 4 bytes
  bool cooperative_captures = false;  // captured into a graph, instantiated and ran
  std::string note;
};

/// Measures each call in batches of 200 on `stream`, with the stream drained between
/// batches so that no launch waits for queue space. `device_memory`: 4 or more bytes of
/// device memory (the memset's target).
RuntimeCosts measure_runtime_costs(void* device_memory, cudaStream_t stream);

/// One line: "runtime calls, host us per call: cudaPointerGetAttributes 0.10, ...".
void print_runtime_costs(std::ostream& out, const RuntimeCosts& costs);

}  // namespace cuact::bench
