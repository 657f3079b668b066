// Layers for training code: objects that hold an activation's parameters (and the learned
// ones with their gradients: PReLU's alpha, Snake's alpha, SnakeBeta's alpha and beta), remember what their backward pass needs, and run on the
// caller's streams, inside CUDA graphs too.
//
//   cuact::ActivationLayer<float> act(cuact::Activation::elu(1.0));
//   cuact::PreluLayer<float> prelu(64, stream);            // alpha = 0.25, gradient = 0
//   act.forward(x, h, n, stream);                          // keeps h (elu allows it)
//   prelu.forward(h, y, cuact::PreluShape::nchw(32, 64, 28, 28), stream);
//   ...
//   prelu.backward(dy, dh, stream);                        // alpha gradient accumulates
//   act.backward(dh, dx, n, stream);
//   sgd(prelu.alpha(), prelu.alpha_grad(), prelu.channels()); prelu.zero_grad(stream);
//
// Saved tensors are pointers, not copies (as in frameworks): the tensor a layer keeps must
// stay alive and unchanged until its backward pass. Every call is enqueued on the stream it
// is given and never synchronizes. A layer belongs to the device that was current when it
// was made and refuses calls made while another device is current. A layer is one object
// with state: use it from one host thread at a time (different layers on different threads
// and streams run concurrently without restriction; cuact's only global state is a
// thread-safe per-device cache).
//
// CUDA graphs: forward and backward of both layers can be captured
// (cudaStreamCaptureModeGlobal) and replayed. A PReLU layer's workspace must not grow during
// capture: call reserve(shape, stream) with the largest shape first (the layer throws
// cuact::invalid_argument otherwise rather than capture an allocation). When it grows outside
// capture (a larger shape than any before), the previous workspace is kept, not freed, until
// the layer is destroyed: a backward still running on another stream, and a graph captured
// before the growth (which holds its address), keep valid memory; replaying such a graph
// gives the same results as before. reserve() the largest shape first to avoid the extra
// memory.
#pragma once

#include <cuact/export.h>
#include <cuact/activations.hpp>
#include <cuact/device_buffer.hpp>
#include <cuact/mask.hpp>
#include <cuact/dyt.hpp>
#include <cuact/prelu.hpp>
#include <cuact/snake.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <cstdint>
#include <vector>

namespace cuact {

/// An elementwise activation of the registry with its parameters (held in double), checked
/// when made. Made by the factories, one per activation (Activation::relu(),
/// Activation::leaky_relu(negative_slope = 0.01), Activation::elu(alpha = 1),
/// Activation::selu(), Activation::celu(alpha = 1), Activation::relu6(), ...: the registry's
/// parameters with PyTorch's defaults), or from a functor: Activation(cuact::Elu<double>{0.5}).
class CUACT_API Activation {
 public:
#define CUACT_DETAIL_KIND(ENUM, value, Functor, name, kind, params, pytorch) name,
  /// One value per activation, in registry order.
  enum class Kind { CUACT_ACTIVATIONS(CUACT_DETAIL_KIND) };
#undef CUACT_DETAIL_KIND

  /// Any activation of the registry. Throws cuact::invalid_argument (naming "Activation")
  /// when op's parameters break its rules.
  template <template <class> class Op>
  explicit Activation(const Op<double>& op) : Activation(AnyActivation<double>(op), "Activation") {}

#define CUACT_DETAIL_FACTORY_PARAM(Functor, index, member) \
  decltype(Functor<double>::member) member = Functor<double>{}.member
#define CUACT_DETAIL_FACTORY_ARG(ctx, index, member) member,
#define CUACT_DETAIL_FACTORY(ENUM, value, Functor, name, kind, params, pytorch)                 \
  CUACT_PP_IF_UNARY(kind)(                                                                     \
      static Activation name(CUACT_PP_PARAM_LIST(CUACT_DETAIL_FACTORY_PARAM, Functor, params)) { \
        return Activation(                                                                     \
            AnyActivation<double>(                                                             \
                Functor<double>{CUACT_PP_PARAMS(CUACT_DETAIL_FACTORY_ARG, ~, params)}),        \
            "Activation::" #name);                                                             \
      })
  CUACT_ACTIVATIONS(CUACT_DETAIL_FACTORY)
#undef CUACT_DETAIL_FACTORY
#undef CUACT_DETAIL_FACTORY_ARG
#undef CUACT_DETAIL_FACTORY_PARAM

  Kind kind() const noexcept { return static_cast<Kind>(op_.index()); }
  /// The first parameter (negative_slope, alpha, ...), 0 for the ops without one.
  double param() const noexcept;
  /// "relu", "leaky_relu", ...
  const char* name() const noexcept;
  /// Whether the backward pass can run from the forward output (see activations.hpp).
  bool allows_grad_from_output() const noexcept;
  /// Whether the backward pass can run from a 1-bit mask (mask.hpp).
  bool has_mask() const noexcept;
  /// The functor, parameters in double.
  const AnyActivation<double>& functor() const noexcept { return op_; }

 private:
  Activation(AnyActivation<double> op, const char* fn);
  AnyActivation<double> op_;
};

/// An elementwise activation layer for element type T.
template <class T>
class CUACT_API ActivationLayer {
 public:
  using param_t = compute_t<T>;

  /// Binds the layer to the current device. The activation's parameters are converted to
  /// compute_t<T> and checked again there (throws cuact::invalid_argument naming
  /// "ActivationLayer": e.g. a celu alpha whose reciprocal overflows in float). It keeps y
  /// for the backward pass when the op allows it, else x.
  explicit ActivationLayer(Activation op);

  /// The same, keeping what `save` says for the backward pass:
  ///   Saved::input   x (every op);
  ///   Saved::output  y, for the ops that allow it (activations.hpp), so that x may be freed
  ///                  and y == x is allowed;
  ///   Saved::mask    one bit per element in a mask the layer owns (mask.hpp: relu,
  ///                  leaky_relu, relu6, hardtanh, hardsigmoid), so that x may be freed, y
  ///                  == x is allowed, and 1 bit is kept instead of a tensor.
  /// A mode the op does not allow is refused with cuact::invalid_argument.
  ActivationLayer(Activation op, Saved save);

  /// The same from a functor in compute_t<T>: ActivationLayer<float>(cuact::Celu<float>{2}).
  template <template <class> class Op>
  explicit ActivationLayer(const Op<param_t>& op)
      : ActivationLayer(AnyActivation<param_t>(op), nullptr) {}
  template <template <class> class Op>
  ActivationLayer(const Op<param_t>& op, Saved save)
      : ActivationLayer(AnyActivation<param_t>(op), &save) {}

  /// y = f(x) on `stream`, keeping what saves() says. Saved::input refuses y == x (it would
  /// overwrite x). Saved::mask writes the mask too, in a buffer the layer grows to n bits
  /// (an allocation in stream order, refused during graph capture: reserve() first).
  void forward(const T* x, T* y, std::int64_t n, cudaStream_t stream);

  /// Sizes the mask (Saved::mask) for forward passes of up to n elements, so that later
  /// calls, and graph captures, allocate nothing. A mask outgrown is kept until the layer
  /// goes, as PreluLayer keeps its workspaces. Nothing to do in the other modes.
  void reserve(std::int64_t n, cudaStream_t stream);

  /// dx = dy * f'(.) from the tensor the last forward kept; n must be the forward's n.
  /// dx == dy is allowed.
  void backward(const T* dy, T* dx, std::int64_t n, cudaStream_t stream) const;

  /// dx = dy * f'(.) from an explicitly passed saved tensor v (x or y, as `saved` says;
  /// Saved::mask is refused: the layer's own mask is used by the overload above).
  void backward(const T* v, Saved saved, const T* dy, T* dx, std::int64_t n,
                cudaStream_t stream) const;

  /// What forward keeps.
  Saved saves() const noexcept { return save_; }
  /// The mask of the last forward (Saved::mask), mask_words(n) words; null before any.
  const std::uint32_t* mask() const noexcept { return mask_.data(); }
  /// The activation, parameters in double.
  const Activation& op() const noexcept { return op_; }
  /// The activation as the kernels run it, parameters in compute_t<T>.
  const AnyActivation<param_t>& functor() const noexcept { return functor_; }
  int device() const noexcept { return device_; }

 private:
  // save == nullptr: the default mode (output when allowed, else input).
  ActivationLayer(AnyActivation<param_t> functor, const Saved* save);
  void ensure_mask(const char* fn, std::int64_t n, cudaStream_t stream);

  Activation op_;
  AnyActivation<param_t> functor_;
  Saved save_ = Saved::input;
  int device_ = 0;
  const T* kept_ = nullptr;
  std::int64_t kept_n_ = -1;
  GrowOnlyBuffer<std::uint32_t> mask_;
};

/// A PReLU layer for element type T owning alpha (compute_t<T>, one per channel) and its
/// gradient.
template <class T>
class CUACT_API PreluLayer {
 public:
  using param_t = compute_t<T>;

  /// `channels` alphas set to `init` (0.25, as in the PReLU paper and PyTorch) and a zero
  /// gradient, allocated on the current device in `stream` order. channels == 1 shares one
  /// alpha across all elements.
  PreluLayer(std::int64_t channels, cudaStream_t stream, param_t init = param_t(0.25));

  /// y = x > 0 ? x : alpha[c]*x; keeps x and the shape for backward. shape.channels must be
  /// channels(). y == x is refused (backward needs x).
  void forward(const T* x, T* y, PreluShape shape, cudaStream_t stream);

  /// dx = x > 0 ? dy : alpha[c]*dy (skipped when dx is null) and alpha_grad() += the alpha
  /// gradient, from the x and shape of the last forward. dx == dy is allowed.
  void backward(const T* dy, T* dx, cudaStream_t stream);

  /// As above with x and shape passed explicitly.
  void backward(const T* x, const T* dy, T* dx, PreluShape shape, cudaStream_t stream);

  /// alpha_grad() = 0, on `stream`.
  void zero_grad(cudaStream_t stream);

  /// Sizes the workspace for shapes up to `shape`, so that later calls (and graph captures)
  /// allocate nothing.
  void reserve(PreluShape shape, cudaStream_t stream);

  param_t* alpha() noexcept { return alpha_.data(); }
  const param_t* alpha() const noexcept { return alpha_.data(); }
  param_t* alpha_grad() noexcept { return grad_.data(); }
  const param_t* alpha_grad() const noexcept { return grad_.data(); }
  std::int64_t channels() const noexcept { return channels_; }
  int device() const noexcept { return device_; }

 private:
  void ensure_workspace(const char* fn, PreluShape shape, cudaStream_t stream);

  std::int64_t channels_;
  int device_ = 0;
  DeviceBuffer<param_t> alpha_;
  DeviceBuffer<param_t> grad_;
  GrowOnlyBuffer<unsigned char> workspace_;
  const T* kept_x_ = nullptr;
  PreluShape kept_shape_{};
};

/// A Snake layer (snake.hpp; BigVGAN's Snake) for element type T owning alpha (compute_t<T>,
/// one per channel, as a value or its logarithm, as `scale` says) and its gradient. Graph
/// capture and the workspace as PreluLayer's.
template <class T>
class CUACT_API SnakeLayer {
 public:
  using param_t = compute_t<T>;

  /// `channels` alphas of value `alpha` (1, as BigVGAN's; stored as log(alpha) with
  /// ParamScale::log, so 0 then, as BigVGAN's alpha_logscale) and a zero gradient, on the
  /// current device in `stream` order.
  SnakeLayer(std::int64_t channels, cudaStream_t stream, ParamScale scale = ParamScale::linear,
             param_t alpha = param_t(1));

  /// y = snake(x); keeps x and the shape for backward. shape.channels must be channels().
  /// y == x is refused (backward needs x).
  void forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream);
  /// dx (skipped when null) and alpha_grad() += the gradient of the stored parameters, from
  /// the x and shape of the last forward. dx == dy is allowed.
  void backward(const T* dy, T* dx, cudaStream_t stream);
  /// As above with x and shape passed explicitly.
  void backward(const T* x, const T* dy, T* dx, ChannelShape shape, cudaStream_t stream);
  /// alpha_grad() = 0, on `stream`.
  void zero_grad(cudaStream_t stream);
  /// Sizes the workspace for shapes up to `shape`, so that later calls (and graph captures)
  /// allocate nothing.
  void reserve(ChannelShape shape, cudaStream_t stream);

  /// The stored parameters (alpha, or log(alpha) with ParamScale::log) and their gradient.
  param_t* alpha() noexcept { return alpha_.data(); }
  const param_t* alpha() const noexcept { return alpha_.data(); }
  param_t* alpha_grad() noexcept { return grad_.data(); }
  const param_t* alpha_grad() const noexcept { return grad_.data(); }
  std::int64_t channels() const noexcept { return channels_; }
  ParamScale scale() const noexcept { return scale_; }
  int device() const noexcept { return device_; }

 private:
  std::int64_t channels_;
  ParamScale scale_;
  int device_ = 0;
  DeviceBuffer<param_t> alpha_;
  DeviceBuffer<param_t> grad_;
  GrowOnlyBuffer<unsigned char> workspace_;
  const T* kept_x_ = nullptr;
  ChannelShape kept_shape_{};
};

/// A SnakeBeta layer (snake.hpp; BigVGAN v2's SnakeBeta) owning alpha and beta (one each per
/// channel, as values or logarithms) and their gradients. As SnakeLayer otherwise.
template <class T>
class CUACT_API SnakeBetaLayer {
 public:
  using param_t = compute_t<T>;

  /// `channels` alphas and betas of values `alpha` and `beta` (1 and 1, as BigVGAN's;
  /// stored as logarithms with ParamScale::log) and zero gradients.
  SnakeBetaLayer(std::int64_t channels, cudaStream_t stream,
                 ParamScale scale = ParamScale::linear, param_t alpha = param_t(1),
                 param_t beta = param_t(1));

  void forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream);
  /// dx (skipped when null), alpha_grad() and beta_grad() += their gradients.
  void backward(const T* dy, T* dx, cudaStream_t stream);
  void backward(const T* x, const T* dy, T* dx, ChannelShape shape, cudaStream_t stream);
  /// alpha_grad() = beta_grad() = 0, on `stream`.
  void zero_grad(cudaStream_t stream);
  void reserve(ChannelShape shape, cudaStream_t stream);

  param_t* alpha() noexcept { return alpha_.data(); }
  const param_t* alpha() const noexcept { return alpha_.data(); }
  param_t* beta() noexcept { return beta_.data(); }
  const param_t* beta() const noexcept { return beta_.data(); }
  param_t* alpha_grad() noexcept { return alpha_grad_.data(); }
  const param_t* alpha_grad() const noexcept { return alpha_grad_.data(); }
  param_t* beta_grad() noexcept { return beta_grad_.data(); }
  const param_t* beta_grad() const noexcept { return beta_grad_.data(); }
  std::int64_t channels() const noexcept { return channels_; }
  ParamScale scale() const noexcept { return scale_; }
  int device() const noexcept { return device_; }

 private:
  std::int64_t channels_;
  ParamScale scale_;
  int device_ = 0;
  DeviceBuffer<param_t> alpha_;
  DeviceBuffer<param_t> beta_;
  DeviceBuffer<param_t> alpha_grad_;
  DeviceBuffer<param_t> beta_grad_;
  GrowOnlyBuffer<unsigned char> workspace_;
  const T* kept_x_ = nullptr;
  ChannelShape kept_shape_{};
};

/// A DyT layer (dyt.hpp) owning alpha (one value), gamma and beta (one per channel, compute_t<T>)
/// and their gradients. Graph capture and the workspace as PreluLayer's.
template <class T>
class CUACT_API DytLayer {
 public:
  using param_t = compute_t<T>;

  /// alpha = `alpha` (0.5, the paper's default), gamma = 1, beta = 0, zero gradients, on the
  /// current device in `stream` order.
  DytLayer(std::int64_t channels, cudaStream_t stream, param_t alpha = param_t(0.5));

  /// y = gamma tanh(alpha x) + beta; keeps x and the shape. y == x is refused.
  void forward(const T* x, T* y, ChannelShape shape, cudaStream_t stream);
  /// dx (skipped when null) and the three gradients += theirs, from the last forward's x.
  void backward(const T* dy, T* dx, cudaStream_t stream);
  void backward(const T* x, const T* dy, T* dx, ChannelShape shape, cudaStream_t stream);
  void zero_grad(cudaStream_t stream);
  void reserve(ChannelShape shape, cudaStream_t stream);

  param_t* alpha() noexcept { return alpha_.data(); }
  param_t* gamma() noexcept { return gamma_.data(); }
  param_t* beta() noexcept { return beta_.data(); }
  param_t* alpha_grad() noexcept { return alpha_grad_.data(); }
  param_t* gamma_grad() noexcept { return gamma_grad_.data(); }
  param_t* beta_grad() noexcept { return beta_grad_.data(); }
  std::int64_t channels() const noexcept { return channels_; }
  int device() const noexcept { return device_; }

 private:
  std::int64_t channels_;
  int device_ = 0;
  DeviceBuffer<param_t> alpha_, gamma_, beta_;
  DeviceBuffer<param_t> alpha_grad_, gamma_grad_, beta_grad_;
  GrowOnlyBuffer<unsigned char> workspace_;
  const T* kept_x_ = nullptr;
  ChannelShape kept_shape_{};
};

}  // namespace cuact
