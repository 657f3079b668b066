// cuact_bench's runtime-cost line on a GPU: every call it times is timed (none failed), the
// numbers are plausible host times, and it leaves no error and no pending work behind.
#include "bench/runtime_costs.hpp"

#include "tests/support/gpu_environment.hpp"

#include <gtest/gtest.h>

#include <cuda_runtime.h>

#include <sstream>

namespace cuact::bench {
namespace {

class RuntimeCostsOnAGpu : public test::GpuTest {};

TEST_F(RuntimeCostsOnAGpu, EveryCallIsTimedAndNothingIsLeftBehind) {
  cudaStream_t stream = nullptr;
  CUACT_TEST_CUDA(cudaStreamCreateWithFlags(&stream, cudaStreamNonBlocking));
  void* scratch = nullptr;
  CUACT_TEST_CUDA(cudaMalloc(&scratch, 256));
  int device = 0;
  int cooperative = 0;
  CUACT_TEST_CUDA(cudaGetDevice(&device));
  CUACT_TEST_CUDA(cudaDeviceGetAttribute(&cooperative, cudaDevAttrCooperativeLaunch, device));

  const RuntimeCosts c = measure_runtime_costs(scratch, stream);
  std::ostringstream line;
  print_runtime_costs(line, c);
  SCOPED_TRACE(line.str());
  // Host calls of the runtime take tens of nanoseconds (an error flag, the current device) to
  // a few microseconds (a launch, a memset): past 50 us a number measures something else (a
  // synchronization inside the loop, a first-call initialisation left in).
  for (const double us : {c.pointer_query_us, c.get_device_us, c.capture_mode_us, c.last_error_us,
                          c.launch_us, c.memset_us}) {
    EXPECT_GE(us, 0.0);
    EXPECT_LT(us, 50.0);
  }
  // Work is timed, not an empty loop: a launch and a memset enqueue something, and cost more
  // than reading the last error.
  EXPECT_GT(c.launch_us, 0.1);
  EXPECT_GT(c.memset_us, 0.1);
  EXPECT_GT(c.launch_us, c.last_error_us);
  if (cooperative != 0) {
    EXPECT_GT(c.cooperative_us, 0.1);
    EXPECT_LT(c.cooperative_us, 50.0);
  }
  EXPECT_EQ(cudaGetLastError(), cudaSuccess);
  EXPECT_EQ(cudaStreamQuery(stream), cudaSuccess);  // drained: the measuring synchronizes
  cudaStreamCaptureStatus capture = cudaStreamCaptureStatusActive;
  CUACT_TEST_CUDA(cudaStreamIsCapturing(stream, &capture));
  EXPECT_EQ(capture, cudaStreamCaptureStatusNone);

  CUACT_TEST_CUDA(cudaFree(scratch));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));
}

}  // namespace
}  // namespace cuact::bench
