// What cuact_bench measures: every op x dtype x direction, and how to launch one of them on
// a set of buffers through the C API.
#pragma once

#include "bench/options.hpp"

#include <cuact/cuact.h>

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace cuact::bench {

/// forward_mask writes y and the 1-bit mask; backward_mask reads the mask and dy (mask.hpp).
/// backward_channelwise: PReLU's and bias + activation's backward, dx and the per-channel
/// gradient in one pass ("backward" in the tables).
enum class Direction {
  forward,
  backward_input,
  backward_output,
  backward_channelwise,
  forward_mask,
  backward_mask
};

/// Which part of the C API a case calls: the unary activations (cuact_activation_*, with
/// their mask passes), the gated ones (cuact_gated_*), PReLU, RReLU in training, bias +
/// activation (cuact_bias_forward/_backward; with bias_only, cuact_bias_add/_grad), or Snake
/// (cuact_snake_*; with snake_beta, cuact_snakebeta_*).
enum class Family { activation, gated, prelu, rrelu, bias, snake };

/// The [outer, channels, inner] layouts of PReLU and bias cases: 64 channels in NCHW with up
/// to 64x64 maps, NCHW with 7x7 maps (rows that are not a whole number of 16-byte vectors),
/// NHWC; 3 channels NHWC; a GEMM output [rows, 4096] with a value per column.
enum class ChannelLayout { nchw, nchw_7x7, nhwc, nhwc_3, rows_4096 };

struct BenchCase {
  std::string op;  // relu, ..., prelu_nchw, ..., bias_gelu_rows, ..., bias_rows (bias alone)
  cuact_activation activation = CUACT_RELU;
  std::vector<double> params;  // its first parameters (the rest at their defaults); empty:
                               // PyTorch's defaults
  // RReLU is measured in training (slopes from kRReluSeed/kRReluOffset; lower, upper:
  // PyTorch's); gated: out = act(gate) * up.
  Family family = Family::activation;
  ChannelLayout layout = ChannelLayout::nchw;
  bool bias_only = false;  // Family::bias without an activation: bias_add, bias_grad
  bool snake_beta = false;  // Family::snake: SnakeBeta (alpha and beta) instead of Snake
  Direction direction = Direction::forward;
  cuact_dtype dtype = CUACT_DTYPE_F32;

  cuact_gated_layout gated_layout = CUACT_GATED_GATE_FIRST;

  /// Element-sized tensors the operation must move per element of n: 2 forward, 3 backward
  /// (gated: n outputs from 2n inputs, 3; backward 5; bias_grad reads dy alone, 1). The
  /// parameters (C values) and the partial sums (at most n/64) are left out of the floor.
  int tensors_moved() const {
    if (family == Family::gated) {
      return direction == Direction::forward ? 3 : 5;
    }
    if (bias_only && direction != Direction::forward) {
      return 1;
    }
    return direction == Direction::forward || is_mask() ? 2 : 3;
  }
  /// Bytes the operation must move for n elements of `element_size` bytes: the tensors, and
  /// the mask's n/8 bytes (rounded up to its words) for the mask passes.
  std::size_t bytes_moved(std::int64_t n, std::size_t element_size) const;
  /// PReLU, bias and Snake: an [outer, channels, inner] shape with parameters per channel.
  bool channelwise() const {
    return family == Family::prelu || family == Family::bias || family == Family::snake;
  }
  /// Parameter vectors per channel: SnakeBeta's alpha and beta, one otherwise (stored one
  /// after the other in the alpha and dalpha buffers).
  int param_vectors() const { return family == Family::snake && snake_beta ? 2 : 1; }
  bool is_mask() const {
    return direction == Direction::forward_mask || direction == Direction::backward_mask;
  }
  /// Elements of the first input and of the output for n (gated: the packed input, and
  /// backward its gradient, hold 2n).
  std::int64_t in0_elements(std::int64_t n) const { return family == Family::gated ? 2 * n : n; }
  std::int64_t out_elements(std::int64_t n) const {
    return family == Family::gated && direction != Direction::forward ? 2 * n : n;
  }
  /// Element-sized inputs: 1 forward, 2 backward (backward_mask: x, to make the mask, and dy).
  int inputs() const {
    return direction == Direction::forward || direction == Direction::forward_mask ? 1 : 2;
  }
};

const char* direction_name(Direction d);
const char* dtype_name(cuact_dtype d);
std::size_t dtype_size(cuact_dtype d);
/// Bytes of one scalar of the compute type (PReLU's alpha, the bias).
std::size_t compute_size(cuact_dtype d);

/// A gated case's [rows, hidden] for about n outputs: hidden 4096 (or n, below), rows the
/// largest whole number not above n / hidden.
struct GatedDims {
  std::int64_t rows;
  std::int64_t hidden;
};
GatedDims gated_dims(std::int64_t n);

/// Gated activations measured (--op name, activation, parameters, layout): SwiGLU in every
/// layout, GeGLU and the clamped SwiGLU in the layouts their models use.
struct GatedVariant {
  const char* name;
  cuact_activation activation;
  cuact_gated_layout layout;
};
const std::vector<GatedVariant>& gated_variants();

/// Activations measured at parameters other than their defaults, where a parameter selects a
/// different formula: (--op name, activation, its parameters).
struct ParameterVariant {
  const char* name;
  cuact_activation activation;
  std::vector<double> params;
};
const std::vector<ParameterVariant>& parameter_variants();

/// Bias cases (--op name): bias + relu, gelu and silu, and the bias alone (bias_add forward,
/// bias_grad backward), after a GEMM ([rows, 4096]) and a convolution (NCHW, 64 channels).
struct BiasVariant {
  std::string name;  // bias_<activation>_<layout>, or bias_<layout> alone
  cuact_activation activation;
  bool bias_only;
  ChannelLayout layout;
};
const std::vector<BiasVariant>& bias_variants();

/// RReLU's bench parameters: PyTorch's default bounds and a fixed key.
inline constexpr double kRReluLower = 1.0 / 8.0;
inline constexpr double kRReluUpper = 1.0 / 3.0;
inline constexpr std::uint64_t kRReluSeed = 2024;
inline constexpr std::uint64_t kRReluOffset = 1;

/// The cases the options select, in table order.
std::vector<BenchCase> select_cases(const Options& options);

/// A PReLU or bias case's [outer, channels, inner] for about n elements (the largest whole
/// shape of the case's layout not above n; outer is 0 when n is too small for one).
struct ChannelDims {
  std::int64_t outer, channels, inner;
  std::int64_t numel() const { return outer * channels * inner; }
};
ChannelDims channel_dims(const BenchCase& c, std::int64_t n);

/// The elements a case measures for a requested size: the largest whole shape of a channel
/// layout or a gated [rows, hidden] not above it, or the size itself.
std::int64_t measured_elements(const BenchCase& c, std::int64_t requested);

/// Device pointers of one rotation's buffers.
struct Tensors {
  const void* in0;  // x (or y for backward_output)
  const void* in1;  // dy
  void* out;        // y or dx
  const void* alpha;  // PReLU's alpha, or the bias
  void* dalpha;       // dalpha or dbias
  void* workspace;    // PReLU's or bias's workspace, or the mask of the mask passes
  std::size_t workspace_bytes;
};

/// Enqueues the case on `stream` through the C API.
cuact_status launch_case(const BenchCase& c, std::int64_t n, const Tensors& t, cudaStream_t stream);

}  // namespace cuact::bench
