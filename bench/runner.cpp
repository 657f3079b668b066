#include "bench/runner.hpp"

#include "bench/check.hpp"
#include "bench/cudnn_baseline.hpp"
#include "bench/fill.hpp"
#include "bench/timing.hpp"

#include <cuact/device_buffer.hpp>
#include <cuact/mask.hpp>

#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <functional>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace cuact::bench {

namespace {

// Sizes up to this are launch-bound: also timed as graph replays and for host cost.
constexpr std::int64_t kSmallSize = 65536;
// Rotate through enough buffer sets to cover this many times the L2 size.
constexpr std::size_t kL2Multiple = 4;
constexpr std::size_t kMaxRotations = 16;

void status_ok(cuact_status s) {
  if (s != CUACT_STATUS_SUCCESS) {
    throw std::runtime_error(std::string("cuact: ") + cuact_last_error());
  }
}

std::size_t rotations_for(std::size_t set_bytes, std::size_t l2_bytes, std::size_t free_bytes) {
  if (set_bytes == 0) {
    return 1;  // nothing to rotate (and no division by zero)
  }
  std::size_t r = std::clamp<std::size_t>((kL2Multiple * l2_bytes + set_bytes - 1) / set_bytes, 1,
                                          kMaxRotations);
  while (r > 1 && r * set_bytes > free_bytes * 7 / 10) {
    --r;
  }
  return r;
}

std::size_t free_memory() {
  std::size_t free = 0;
  std::size_t total = 0;
  cuda_ok(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
  return free;
}

}  // namespace

Runner::Runner(const Options& options, cudaStream_t stream) : options_(options), stream_(stream) {
  int device = 0;
  int l2 = 0;
  cuda_ok(cudaGetDevice(&device), "cudaGetDevice");
  cuda_ok(cudaDeviceGetAttribute(&l2, cudaDevAttrL2CacheSize, device), "L2 size");
  l2_bytes_ = static_cast<std::size_t>(l2);
}

double Runner::copy_gbps(std::size_t bytes_moved) {
  if (const auto it = copy_cache_.find(bytes_moved); it != copy_cache_.end()) {
    return it->second;
  }
  // A copy of b bytes reads b and writes b: copy half the operation's floor.
  const std::size_t bytes = bytes_moved / 2;
  const std::size_t r = rotations_for(2 * bytes, l2_bytes_, free_memory());
  std::vector<DeviceBuffer<unsigned char>> src;
  std::vector<DeviceBuffer<unsigned char>> dst;
  for (std::size_t k = 0; k < r; ++k) {
    src.emplace_back(bytes, stream_);
    dst.emplace_back(bytes, stream_);
    cuda_ok(cudaMemsetAsync(src.back().data(), 1, bytes, stream_), "cudaMemsetAsync");
  }
  const auto launch = [&](int i) {
    cuda_ok(cudaMemcpyAsync(dst[i % r].data(), src[i % r].data(), bytes, cudaMemcpyDeviceToDevice,
                            stream_),
            "cudaMemcpyAsync");
  };
  const Stats t = time_launches(launch, launches_per_rep(launch, stream_), options_.reps, stream_);
  const double gbps = static_cast<double>(2 * bytes) / (t.median * 1e3);
  copy_cache_[bytes_moved] = gbps;
  return gbps;
}

namespace {

/// The buffers of one rotation, filled and ready.
struct BufferSet {
  DeviceBuffer<unsigned char> in0, in1, out, alpha, dalpha, workspace;
  Tensors tensors() {
    return {in0.data(),    in1.data(),       out.data(),      alpha.data(),
            dalpha.data(), workspace.data(), workspace.size()};
  }
};

std::size_t workspace_bytes(const BenchCase& c, std::int64_t n) {
  if (c.is_mask()) {
    return mask_bytes(n);
  }
  if (!c.channelwise() || c.direction != Direction::backward_channelwise) {
    return 0;
  }
  const ChannelDims d = channel_dims(c, n);
  std::size_t bytes = 0;
  switch (c.family) {
    case Family::prelu:
      status_ok(
          cuact_prelu_backward_workspace_size(c.dtype, d.outer, d.channels, d.inner, &bytes));
      break;
    case Family::snake:
      status_ok(c.snake_beta ? cuact_snakebeta_backward_workspace_size(c.dtype, d.outer,
                                                                       d.channels, d.inner, &bytes)
                             : cuact_snake_backward_workspace_size(c.dtype, d.outer, d.channels,
                                                                   d.inner, &bytes));
      break;
    default:
      status_ok(
          cuact_bias_backward_workspace_size(c.dtype, d.outer, d.channels, d.inner, &bytes));
  }
  return bytes;
}

BufferSet make_set(const BenchCase& c, std::int64_t n, std::size_t ws_bytes, std::uint64_t seed,
                   cudaStream_t stream) {
  const std::size_t b = dtype_size(c.dtype);
  BufferSet s;
  s.in0 = DeviceBuffer<unsigned char>(c.in0_elements(n) * b, stream);
  s.out = DeviceBuffer<unsigned char>(c.out_elements(n) * b, stream);
  fill_uniform(c.dtype, s.in0.data(), c.in0_elements(n), -8.0, 8.0, seed, stream);
  if (c.inputs() > 1) {
    s.in1 = DeviceBuffer<unsigned char>(n * b, stream);
    fill_uniform(c.dtype, s.in1.data(), n, -3.0, 3.0, seed + 1, stream);
  }
  if (c.is_mask()) {
    s.workspace = DeviceBuffer<unsigned char>(ws_bytes, stream);
  }
  if (c.direction == Direction::backward_mask) {
    // The mask is a real one, of x (in0); out is overwritten by the timed runs.
    status_ok(cuact_activation_forward_mask(c.activation, c.params.data(),
                                            static_cast<int>(c.params.size()), c.dtype,
                                            s.in0.data(), s.out.data(),
                                            reinterpret_cast<std::uint32_t*>(s.workspace.data()),
                                            n, stream));
  }
  if (c.channelwise()) {
    const ChannelDims d = channel_dims(c, n);
    const cuact_dtype alpha_type = c.dtype == CUACT_DTYPE_F64 ? CUACT_DTYPE_F64 : CUACT_DTYPE_F32;
    const std::int64_t params = d.channels * c.param_vectors();
    s.alpha = DeviceBuffer<unsigned char>(params * compute_size(c.dtype), stream);
    s.dalpha = DeviceBuffer<unsigned char>(params * compute_size(c.dtype), stream);
    // Snake's parameters as trained models have them (BigVGAN's start at 1), PReLU's slopes
    // and biases around 0.
    const bool snake = c.family == Family::snake;
    fill_uniform(alpha_type, s.alpha.data(), params, snake ? 0.5 : -0.5, snake ? 1.5 : 0.5,
                 seed + 2, stream);
    s.workspace = DeviceBuffer<unsigned char>(ws_bytes, stream);
  }
  if (c.direction == Direction::backward_output && c.family == Family::rrelu) {
    status_ok(cuact_rrelu_forward(c.dtype, s.in0.data(), s.in0.data(), n, kRReluLower,
                                  kRReluUpper, 1, kRReluSeed, kRReluOffset, stream));
  } else if (c.direction == Direction::backward_output) {
    // The saved tensor is a real forward output.
    status_ok(cuact_activation_forward_params(c.activation, c.params.data(),
                                              static_cast<int>(c.params.size()), c.dtype,
                                              s.in0.data(),
                                              s.in0.data(), n, stream));
  }
  return s;
}

std::string describe_shape(const BenchCase& c, std::int64_t n) {
  if (c.family == Family::gated) {
    const GatedDims g = gated_dims(n);
    return "[" + std::to_string(g.rows) + "," + std::to_string(g.hidden) + "]";
  }
  if (!c.channelwise()) {
    return "";
  }
  const ChannelDims d = channel_dims(c, n);
  std::ostringstream s;
  s << "[" << d.outer << "," << d.channels << "," << d.inner << "]";
  return s.str();
}

}  // namespace

Row Runner::measure(const BenchCase& c, std::int64_t requested_n) {
  Row row;
  row.c = c;
  // PReLU measures the largest whole shape of its layout not above the requested size.
  const std::int64_t n = measured_elements(c, requested_n);
  row.n = n;
  if (n == 0) {
    row.n = requested_n;
    row.skipped = "too small for one " + c.op + " shape";
    return row;
  }
  row.shape = describe_shape(c, n);
  const std::size_t b = dtype_size(c.dtype);
  const std::size_t ws = workspace_bytes(c, n);
  const std::size_t set_bytes =
      (c.in0_elements(n) + (c.inputs() > 1 ? n : 0) + c.out_elements(n)) * b + ws;
  const std::size_t bytes_moved = c.bytes_moved(n, b);
  if (set_bytes + bytes_moved > free_memory() * 8 / 10) {
    row.skipped = "needs " + std::to_string((set_bytes + bytes_moved) >> 20) + " MiB";
    return row;
  }
  row.copy_gbps = copy_gbps(bytes_moved);

  const std::size_t r = rotations_for(set_bytes, l2_bytes_, free_memory());
  std::vector<BufferSet> sets;
  for (std::size_t k = 0; k < r; ++k) {
    sets.push_back(make_set(c, n, ws, 1000 * k + 17, stream_));
  }
  std::vector<Tensors> tensors;
  for (auto& s : sets) {
    tensors.push_back(s.tensors());
  }
  const auto launch = [&](int i) { status_ok(launch_case(c, n, tensors[i % r], stream_)); };

  if (options_.check) {
    launch(0);
    const CheckResult check = check_case(c, n, tensors[0], stream_);
    row.ok = check.ok;
    row.check = check.detail;
    if (!check.ok) {
      return row;
    }
  } else {
    row.check = "not checked";
  }

  const Stats t = time_launches(launch, launches_per_rep(launch, stream_), options_.reps, stream_);
  row.median_us = t.median;
  row.spread_pct = 100.0 * (t.p90 - t.p10) / t.median;
  row.gbps = static_cast<double>(bytes_moved) / (t.median * 1e3);
  row.pct_copy = 100.0 * row.gbps / row.copy_gbps;
  row.cudnn_us = cudnn_time_us(c, n, tensors, options_.reps, stream_);

  if (n <= kSmallSize) {
    constexpr int kGraphLaunches = 50;
    cudaStream_t capture = nullptr;
    cuda_ok(cudaStreamCreateWithFlags(&capture, cudaStreamNonBlocking), "cudaStreamCreate");
    cuda_ok(cudaStreamBeginCapture(capture, cudaStreamCaptureModeGlobal), "begin capture");
    for (int k = 0; k < kGraphLaunches; ++k) {
      status_ok(launch_case(c, n, tensors[k % r], capture));
    }
    cudaGraph_t graph = nullptr;
    cudaGraphExec_t exec = nullptr;
    cuda_ok(cudaStreamEndCapture(capture, &graph), "end capture");
    cuda_ok(cudaGraphInstantiate(&exec, graph, 0), "cudaGraphInstantiate");
    const Stats g =
        time_launches([&](int) { cuda_ok(cudaGraphLaunch(exec, stream_), "cudaGraphLaunch"); }, 1,
                      options_.reps, stream_);
    row.graph_us = g.median / kGraphLaunches;
    cudaGraphExecDestroy(exec);
    cudaGraphDestroy(graph);
    cudaStreamDestroy(capture);

    constexpr int kHostCalls = 200;
    cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    const auto t0 = std::chrono::steady_clock::now();
    for (int k = 0; k < kHostCalls; ++k) {
      launch(k);
    }
    const auto t1 = std::chrono::steady_clock::now();
    cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
    row.host_us = std::chrono::duration<double, std::micro>(t1 - t0).count() / kHostCalls;
  }
  cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
  return row;
}

void Runner::profile(const BenchCase& c, std::int64_t requested_n) {
  const std::int64_t n = measured_elements(c, requested_n);
  if (n == 0) {
    return;
  }
  BufferSet s = make_set(c, n, workspace_bytes(c, n), 17, stream_);
  const Tensors t = s.tensors();
  for (int k = 0; k < 5; ++k) {
    status_ok(launch_case(c, n, t, stream_));
  }
  cuda_ok(cudaStreamSynchronize(stream_), "cudaStreamSynchronize");
}

}  // namespace cuact::bench
