#include "bench/runtime_costs.hpp"

#include "bench/timing.hpp"

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

namespace cuact::bench {

namespace {

/// About the size of a PReLU launch's arguments (ChannelwiseArgs and its index map).
struct Arguments {
  unsigned char bytes[128];
};

__global__ void runtime_costs_empty_kernel(Arguments) {}

constexpr int kBatch = 200;
constexpr int kBatches = 9;

/// Host microseconds per call of `call` (a callable making `calls_per_step` runtime calls and
/// returning the first error), the median over kBatches batches of kBatch steps, after one
/// warm-up step (module loading, first-use setup). -1 when a call fails; `note` then gets
/// `name` and the error.
template <class Call>
double host_us(const char* name, Call&& call, int calls_per_step, cudaStream_t stream,
               std::string& note) {
  const auto fail = [&](cudaError_t e) {
    note += std::string(note.empty() ? "" : "; ") + name + ": " + cudaGetErrorName(e);
    cudaGetLastError();  // a failed launch leaves its error; clear it for what follows
    return -1.0;
  };
  cudaError_t e = call();
  if (e != cudaSuccess) {
    return fail(e);
  }
  std::vector<double> per_call;
  for (int b = 0; b < kBatches; ++b) {
    cuda_ok(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < kBatch && e == cudaSuccess; ++k) {
      e = call();
    }
    const auto t1 = std::chrono::steady_clock::now();
    if (e != cudaSuccess) {
      return fail(e);
    }
    per_call.push_back(std::chrono::duration<double, std::micro>(t1 - t0).count() /
                       (kBatch * calls_per_step));
  }
  cuda_ok(cudaStreamSynchronize(stream), "cudaStreamSynchronize");
  std::nth_element(per_call.begin(), per_call.begin() + kBatches / 2, per_call.end());
  return per_call[kBatches / 2];
}

/// The first error of capturing a cooperative launch on a stream of its own, instantiating
/// the graph and running it; cudaSuccess when all of it worked.
cudaError_t capture_cooperative(dim3 grid, dim3 block, void** args) {
  cudaStream_t s = nullptr;
  cudaError_t e = cudaStreamCreateWithFlags(&s, cudaStreamNonBlocking);
  if (e != cudaSuccess) {
    return e;
  }
  cudaGraph_t graph = nullptr;
  cudaGraphExec_t exec = nullptr;
  e = cudaStreamBeginCapture(s, cudaStreamCaptureModeThreadLocal);
  if (e == cudaSuccess) {
    const cudaError_t launched = cudaLaunchCooperativeKernel(
        reinterpret_cast<const void*>(&runtime_costs_empty_kernel), grid, block, args, 0, s);
    const cudaError_t ended = cudaStreamEndCapture(s, &graph);
    e = launched != cudaSuccess ? launched : ended;
  }
  if (e == cudaSuccess) {
    e = cudaGraphInstantiate(&exec, graph, 0);
  }
  if (e == cudaSuccess) {
    e = cudaGraphLaunch(exec, s);
  }
  if (e == cudaSuccess) {
    e = cudaStreamSynchronize(s);
  }
  if (exec != nullptr) {
    cudaGraphExecDestroy(exec);
  }
  if (graph != nullptr) {
    cudaGraphDestroy(graph);
  }
  cudaStreamDestroy(s);
  cudaGetLastError();
  return e;
}

}  // namespace

RuntimeCosts measure_runtime_costs(void* device_memory, cudaStream_t stream) {
  RuntimeCosts r;
  int device = 0;
  int sms = 0;
  int cooperative = 0;
  cuda_ok(cudaGetDevice(&device), "cudaGetDevice");
  cuda_ok(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device),
          "cudaDeviceGetAttribute");
  cuda_ok(cudaDeviceGetAttribute(&cooperative, cudaDevAttrCooperativeLaunch, device),
          "cudaDeviceGetAttribute");

  r.pointer_query_us = host_us(
      "cudaPointerGetAttributes",
      [&] {
        cudaPointerAttributes attributes{};
        return cudaPointerGetAttributes(&attributes, device_memory);
      },
      1, stream, r.note);
  r.get_device_us = host_us(
      "cudaGetDevice", [&] { return cudaGetDevice(&device); }, 1, stream, r.note);
  r.capture_mode_us = host_us(
      "cudaThreadExchangeStreamCaptureMode",
      [&] {
        cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
        const cudaError_t e = cudaThreadExchangeStreamCaptureMode(&mode);
        return e != cudaSuccess ? e : cudaThreadExchangeStreamCaptureMode(&mode);
      },
      2, stream, r.note);
  r.last_error_us = host_us(
      "cudaGetLastError", [] { return cudaGetLastError(); }, 1, stream, r.note);

  // One block per SM: a grid every device can hold at once, as a cooperative launch needs.
  const dim3 grid(static_cast<unsigned>(std::max(sms, 1)));
  const dim3 block(256);
  Arguments arguments{};
  void* args[] = {&arguments};
  const void* kernel = reinterpret_cast<const void*>(&runtime_costs_empty_kernel);
  r.launch_us = host_us(
      "cudaLaunchKernel", [&] { return cudaLaunchKernel(kernel, grid, block, args, 0, stream); }, 1,
      stream, r.note);
  if (cooperative != 0) {
    r.cooperative_us = host_us(
        "cudaLaunchCooperativeKernel",
        [&] { return cudaLaunchCooperativeKernel(kernel, grid, block, args, 0, stream); }, 1,
        stream, r.note);
    const cudaError_t captured = capture_cooperative(grid, block, args);
    r.cooperative_captures = captured == cudaSuccess;
    if (!r.cooperative_captures) {
      r.note += std::string(r.note.empty() ? "" : "; ") +
                "cooperative launch in a graph: " + cudaGetErrorName(captured);
    }
  } else {
    r.note += std::string(r.note.empty() ? "" : "; ") + "no cooperative launch on this device";
  }
  r.memset_us = host_us(
      "cudaMemsetAsync", [&] { return cudaMemsetAsync(device_memory, 0, 4, stream); }, 1, stream,
      r.note);
  return r;
}

void print_runtime_costs(std::ostream& out, const RuntimeCosts& c) {
  const auto us = [](double v) {
    if (v < 0) {
      return std::string("failed");
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, "%.2f", v);
    return std::string(buf);
  };
  out << "runtime calls, host us per call (median of " << kBatches << " batches of " << kBatch
      << "): cudaPointerGetAttributes " << us(c.pointer_query_us) << ", cudaGetDevice "
      << us(c.get_device_us) << ", cudaThreadExchangeStreamCaptureMode " << us(c.capture_mode_us)
      << ", cudaGetLastError " << us(c.last_error_us) << ", cudaLaunchKernel " << us(c.launch_us)
      << ", cudaLaunchCooperativeKernel " << us(c.cooperative_us)
      << " (in a graph: " << (c.cooperative_captures ? "yes" : "no") << "), cudaMemsetAsync "
      << us(c.memset_us);
  if (!c.note.empty()) {
    out << " [" << c.note << "]";
  }
  out << "\n";
}

}  // namespace cuact::bench
