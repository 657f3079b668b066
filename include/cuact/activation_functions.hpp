// The named functions of the unary activations, one pair per activation: thin wrappers
// over cuact::forward and cuact::backward that build the activation's functor.
// Generated from registry.h by tests/tools/api_reference.cpp, checked by ctest api_reference;
// do not edit. After adding an activation:
//   cmake --build build --target cuact_api_reference
//   build/tests/cuact_api_reference . --write
// Included by activations.hpp. The parameters come between the count (or the shape) and the save
// mode (or the stream), in registry order, as compute_t<T> (double for double, float
// otherwise) or their own type.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuact {

// relu: F.relu(x)
template <class T>
inline void relu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Relu<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void relu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                          cudaStream_t stream) {
  backward(Relu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// leaky_relu: F.leaky_relu(x, negative_slope)
// PyTorch's defaults: negative_slope = 0.01
template <class T>
inline void leaky_relu_forward(const T* x, T* y, std::int64_t n, compute_t<T> negative_slope,
                               cudaStream_t stream) {
  forward(LeakyRelu<compute_t<T>>{negative_slope}, x, y, n, stream);
}
template <class T>
inline void leaky_relu_backward(const T* v, const T* dy, T* dx, std::int64_t n,
                                compute_t<T> negative_slope, Saved saved, cudaStream_t stream) {
  backward(LeakyRelu<compute_t<T>>{negative_slope}, v, dy, dx, n, saved, stream);
}

// elu: F.elu(x, alpha)
// PyTorch's defaults: alpha = 1
template <class T>
inline void elu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha, cudaStream_t stream) {
  forward(Elu<compute_t<T>>{alpha}, x, y, n, stream);
}
template <class T>
inline void elu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha,
                         Saved saved, cudaStream_t stream) {
  backward(Elu<compute_t<T>>{alpha}, v, dy, dx, n, saved, stream);
}

// selu: F.selu(x)
template <class T>
inline void selu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Selu<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void selu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                          cudaStream_t stream) {
  backward(Selu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// celu: F.celu(x, alpha)
// PyTorch's defaults: alpha = 1
template <class T>
inline void celu_forward(const T* x, T* y, std::int64_t n, compute_t<T> alpha,
                         cudaStream_t stream) {
  forward(Celu<compute_t<T>>{alpha}, x, y, n, stream);
}
template <class T>
inline void celu_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> alpha,
                          Saved saved, cudaStream_t stream) {
  backward(Celu<compute_t<T>>{alpha}, v, dy, dx, n, saved, stream);
}

// relu6: F.relu6(x)
template <class T>
inline void relu6_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Relu6<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void relu6_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                           cudaStream_t stream) {
  backward(Relu6<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// hardtanh: F.hardtanh(x, min_val, max_val)
// PyTorch's defaults: min_val = -1, max_val = 1
template <class T>
inline void hardtanh_forward(const T* x, T* y, std::int64_t n, compute_t<T> min_val,
                             compute_t<T> max_val, cudaStream_t stream) {
  forward(Hardtanh<compute_t<T>>{min_val, max_val}, x, y, n, stream);
}
template <class T>
inline void hardtanh_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> min_val,
                              compute_t<T> max_val, Saved saved, cudaStream_t stream) {
  backward(Hardtanh<compute_t<T>>{min_val, max_val}, v, dy, dx, n, saved, stream);
}

// sigmoid: torch.sigmoid(x)
template <class T>
inline void sigmoid_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Sigmoid<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void sigmoid_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                             cudaStream_t stream) {
  backward(Sigmoid<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// tanh: torch.tanh(x)
template <class T>
inline void tanh_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Tanh<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void tanh_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                          cudaStream_t stream) {
  backward(Tanh<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// silu: F.silu(x)
template <class T>
inline void silu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Silu<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void silu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                          cudaStream_t stream) {
  backward(Silu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// hardsigmoid: F.hardsigmoid(x)
template <class T>
inline void hardsigmoid_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Hardsigmoid<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void hardsigmoid_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                                 cudaStream_t stream) {
  backward(Hardsigmoid<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// hardswish: F.hardswish(x)
template <class T>
inline void hardswish_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Hardswish<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void hardswish_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                               cudaStream_t stream) {
  backward(Hardswish<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// squared_relu: torch.relu(x) ** 2
template <class T>
inline void squared_relu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(SquaredRelu<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void squared_relu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                                  cudaStream_t stream) {
  backward(SquaredRelu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// quick_gelu: x * torch.sigmoid(1.702 * x)
template <class T>
inline void quick_gelu_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(QuickGelu<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void quick_gelu_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                                cudaStream_t stream) {
  backward(QuickGelu<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// mish: F.mish(x)
template <class T>
inline void mish_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Mish<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void mish_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                          cudaStream_t stream) {
  backward(Mish<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// gelu: F.gelu(x, approximate=('none', 'tanh')[int(approximate)])
// PyTorch's defaults: approximate = GeluApproximate::none
template <class T>
inline void gelu_forward(const T* x, T* y, std::int64_t n, GeluApproximate approximate,
                         cudaStream_t stream) {
  forward(Gelu<compute_t<T>>{approximate}, x, y, n, stream);
}
template <class T>
inline void gelu_backward(const T* v, const T* dy, T* dx, std::int64_t n,
                          GeluApproximate approximate, Saved saved, cudaStream_t stream) {
  backward(Gelu<compute_t<T>>{approximate}, v, dy, dx, n, saved, stream);
}

// softplus: F.softplus(x, beta, threshold)
// PyTorch's defaults: beta = 1, threshold = 20
template <class T>
inline void softplus_forward(const T* x, T* y, std::int64_t n, compute_t<T> beta,
                             compute_t<T> threshold, cudaStream_t stream) {
  forward(Softplus<compute_t<T>>{beta, threshold}, x, y, n, stream);
}
template <class T>
inline void softplus_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> beta,
                              compute_t<T> threshold, Saved saved, cudaStream_t stream) {
  backward(Softplus<compute_t<T>>{beta, threshold}, v, dy, dx, n, saved, stream);
}

// hardshrink: F.hardshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void hardshrink_forward(const T* x, T* y, std::int64_t n, compute_t<T> lambd,
                               cudaStream_t stream) {
  forward(Hardshrink<compute_t<T>>{lambd}, x, y, n, stream);
}
template <class T>
inline void hardshrink_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lambd,
                                Saved saved, cudaStream_t stream) {
  backward(Hardshrink<compute_t<T>>{lambd}, v, dy, dx, n, saved, stream);
}

// softshrink: F.softshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void softshrink_forward(const T* x, T* y, std::int64_t n, compute_t<T> lambd,
                               cudaStream_t stream) {
  forward(Softshrink<compute_t<T>>{lambd}, x, y, n, stream);
}
template <class T>
inline void softshrink_backward(const T* v, const T* dy, T* dx, std::int64_t n, compute_t<T> lambd,
                                Saved saved, cudaStream_t stream) {
  backward(Softshrink<compute_t<T>>{lambd}, v, dy, dx, n, saved, stream);
}

// tanhshrink: F.tanhshrink(x)
template <class T>
inline void tanhshrink_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Tanhshrink<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void tanhshrink_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                                cudaStream_t stream) {
  backward(Tanhshrink<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// softsign: F.softsign(x)
template <class T>
inline void softsign_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(Softsign<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void softsign_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                              cudaStream_t stream) {
  backward(Softsign<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// logsigmoid: F.logsigmoid(x)
template <class T>
inline void logsigmoid_forward(const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  forward(LogSigmoid<compute_t<T>>{}, x, y, n, stream);
}
template <class T>
inline void logsigmoid_backward(const T* v, const T* dy, T* dx, std::int64_t n, Saved saved,
                                cudaStream_t stream) {
  backward(LogSigmoid<compute_t<T>>{}, v, dy, dx, n, saved, stream);
}

// threshold: F.threshold(x, threshold, value)
// Defaults (PyTorch has none): threshold = 0, value = 0
template <class T>
inline void threshold_forward(const T* x, T* y, std::int64_t n, compute_t<T> threshold,
                              compute_t<T> value, cudaStream_t stream) {
  forward(Threshold<compute_t<T>>{threshold, value}, x, y, n, stream);
}
template <class T>
inline void threshold_backward(const T* v, const T* dy, T* dx, std::int64_t n,
                               compute_t<T> threshold, compute_t<T> value, Saved saved,
                               cudaStream_t stream) {
  backward(Threshold<compute_t<T>>{threshold, value}, v, dy, dx, n, saved, stream);
}

}  // namespace cuact
