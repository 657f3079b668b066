// RReLU (randomized leaky ReLU, Xu et al. 2015) without a noise tensor.
//
// Training: y = x <= 0 ? x*a_i : x with a slope a_i ~ U(lower, upper) per element, drawn by
// a counter-based generator: cuRAND's Philox4_32_10 with key `seed` and subsequence `offset`,
// whose 32-bit random value number k is what curand() returns after curand_init(seed,
// offset, k, &state). Element i takes value k = i (float, double) or 16 bits of value
// k = i / 2 (the 16-bit types: the low half for even i), so the slope depends on (seed,
// offset, i) and the element type alone, not on the grid, the GPU model, the pointer
// alignment or the call order, and the backward pass draws exactly the forward's slopes
// again: nothing but the key is kept. dx = v <= 0 ? dy*a_i : dy, from x or from y (y <= 0
// exactly where x <= 0, since a_i >= 0).
//
// Evaluation: the fixed slope (lower + upper)/2, computed in double and rounded to the
// compute type (PyTorch's rule): leaky_relu with that slope, bit for bit.
//
// The slope from the random bits: RRelu::slope_of, u in [0, 1) with 16 (f16, bf16), 24
// (float) or 32 (double) random bits, a = fma(u, upper - lower, lower) in [lower, upper];
// a = lower when lower == upper.
//
// Parameters: 0 <= lower <= upper, both finite (PyTorch's defaults 1/8 and 1/3).
//
// The key is passed by value, or as a pointer to device memory read when the kernel runs:
// a CUDA graph captured with a device key draws fresh slopes on every replay when something
// in the graph advances the key (RReluLayer does). As every cuact call: enqueued on `stream`,
// never synchronizing, allocating nothing, 64-bit counts, any alignment (16-byte-aligned
// tensors take a vector path), in place allowed (y == x, dx == dy or dx == v), bad arguments
// refused with cuact::invalid_argument before anything is launched.
//
// Example:
//   cuact::rrelu_forward(x, y, n, 0.125f, 0.25f, true, cuact::RReluKey{seed, step}, stream);
//   cuact::rrelu_backward(y, dy, dx, n, 0.125f, 0.25f, true, cuact::RReluKey{seed, step},
//                         cuact::Saved::output, stream);
#pragma once

#include <cuact/export.h>
#include <cuact/activations.hpp>
#include <cuact/device_buffer.hpp>
#include <cuact/math.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstdint>

namespace cuact {

/// What selects RReLU's slopes: the Philox key and the subsequence.
struct RReluKey {
  std::uint64_t seed = 0;
  std::uint64_t offset = 0;
};

/// RReLU's math, for kernels and the CPU reference alike.
template <class C>
struct RRelu {
  static constexpr const char* name = "rrelu";

  C lower = C(1.0 / 8.0);
  C upper = C(1.0 / 3.0);

  template <class Rules>
  void check(Rules& r) const {
    r.finite("lower", lower);
    r.finite("upper", upper);
    r.non_negative("lower", lower);
    r.not_greater("lower", lower, "upper", upper);
  }

  /// Elements of T per 32-bit random value: 2 for the 16-bit types (16 random bits each, the
  /// low half for the even element), 1 otherwise.
  template <class T>
  static constexpr int elements_per_value = sizeof(T) == 2 ? 2 : 1;

  /// The slope of an element of T from its random value (and, for 16-bit T, which half):
  /// a = fma(u, upper - lower, lower) with u in [0, 1) exact in C: h * 2^-16 (the half h,
  /// 16-bit T), (r >> 8) * 2^-24 (float: the top 24 bits), r * 2^-32 (double). Since u < 1 by
  /// more than the rounding of upper - lower, lower <= a <= upper.
  template <class T>
  CUACT_HOST_DEVICE C slope_of(std::uint32_t r, int half) const {
    C u;
    if constexpr (sizeof(T) == 2) {
      u = static_cast<C>((r >> (16 * half)) & 0xFFFFu) * C(1.52587890625e-05);
    } else if constexpr (sizeof(C) == 4) {
      u = static_cast<C>(r >> 8) * C(5.9604644775390625e-08);
    } else {
      u = static_cast<C>(r) * C(2.3283064365386963e-10);
    }
    return detail::fma_c(u, upper - lower, lower);
  }
  /// The evaluation slope (lower + upper)/2, in double as PyTorch, rounded once.
  CUACT_HOST_DEVICE C eval_slope() const {
    return static_cast<C>((static_cast<double>(lower) + static_cast<double>(upper)) / 2.0);
  }
  CUACT_HOST_DEVICE C forward(C x, C a) const { return x <= C(0) ? x * a : x; }
  /// From x or from y alike.
  CUACT_HOST_DEVICE C grad(C v, C dy, C a) const { return v <= C(0) ? dy * a : dy; }
};

/// Training (training = true) or evaluation forward. `key` is not read in evaluation.
template <class T>
CUACT_API void rrelu_forward(const T* x, T* y, std::int64_t n, compute_t<T> lower,
                             compute_t<T> upper, bool training, RReluKey key, cudaStream_t stream);
/// The same with the key in device memory (`key` may be null in evaluation).
template <class T>
CUACT_API void rrelu_forward(const T* x, T* y, std::int64_t n, compute_t<T> lower,
                             compute_t<T> upper, bool training, const RReluKey* key,
                             cudaStream_t stream);

/// dx from v = x or y (`saved`), with the forward's lower, upper, training and key.
template <class T>
CUACT_API void rrelu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lower,
                              compute_t<T> upper, bool training, RReluKey key, Saved saved,
                              cudaStream_t stream);
template <class T>
CUACT_API void rrelu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lower,
                              compute_t<T> upper, bool training, const RReluKey* key, Saved saved,
                              cudaStream_t stream);

/// An RReLU layer: holds lower, upper and its key in device memory {seed, offset}. Each
/// training forward draws with the stored offset + 1, then stores that offset (a one-thread
/// kernel on its stream, launched only once the forward is); the backward draws with the
/// stored key, so with the forward's slopes. The k-th training forward (k = 0, 1, ...) of a
/// layer made with `offset` uses offset + k, on every replay of a captured graph too, since
/// the graph advances the device key itself. It keeps y (so y == x is allowed). Starts in
/// training mode.
template <class T>
class CUACT_API RReluLayer {
 public:
  using param_t = compute_t<T>;

  /// Allocates the key on the current device in `stream` order. Throws invalid_argument
  /// for bounds that break 0 <= lower <= upper (finite).
  RReluLayer(param_t lower, param_t upper, std::uint64_t seed, cudaStream_t stream,
             std::uint64_t offset = 0);

  void train(bool training = true) noexcept { training_ = training; }
  void eval() noexcept { training_ = false; }
  bool training() const noexcept { return training_; }

  void forward(const T* x, T* y, std::int64_t n, cudaStream_t stream);
  /// dx == dy allowed; n must be the last forward's.
  void backward(const T* dy, T* dx, std::int64_t n, cudaStream_t stream) const;

  /// The device key {seed, offset of the last training forward} (for checkpointing).
  const RReluKey* key() const noexcept { return key_.data(); }
  param_t lower() const noexcept { return op_.lower; }
  param_t upper() const noexcept { return op_.upper; }

 private:
  RRelu<param_t> op_;
  bool training_ = true;
  int device_ = 0;
  DeviceBuffer<RReluKey> key_;
  const T* kept_y_ = nullptr;
  std::int64_t kept_n_ = -1;
  bool kept_training_ = true;
};

}  // namespace cuact
