// The named 1-bit-mask functions, one pair per activation with a mask (has_mask_v): thin
// wrappers over cuact::forward_with_mask and cuact::backward_from_mask.
// Generated from registry.h by tests/tools/api_reference.cpp, checked by ctest api_reference;
// do not edit. After adding an activation:
//   cmake --build build --target cuact_api_reference
//   build/tests/cuact_api_reference . --write
// Included by mask.hpp. The parameters come between the count (or the shape) and the save
// mode (or the stream), in registry order, as compute_t<T> (double for double, float
// otherwise) or their own type.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuact {

// relu: F.relu(x)
template <class T>
inline void relu_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                              cudaStream_t stream) {
  forward_with_mask(Relu<compute_t<T>>{}, x, y, mask, n, stream);
}
template <class T>
inline void relu_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                               cudaStream_t stream) {
  backward_from_mask(Relu<compute_t<T>>{}, mask, dy, dx, n, stream);
}

// leaky_relu: F.leaky_relu(x, negative_slope)
// PyTorch's defaults: negative_slope = 0.01
template <class T>
inline void leaky_relu_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                    compute_t<T> negative_slope, cudaStream_t stream) {
  forward_with_mask(LeakyRelu<compute_t<T>>{negative_slope}, x, y, mask, n, stream);
}
template <class T>
inline void leaky_relu_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                     compute_t<T> negative_slope, cudaStream_t stream) {
  backward_from_mask(LeakyRelu<compute_t<T>>{negative_slope}, mask, dy, dx, n, stream);
}

// relu6: F.relu6(x)
template <class T>
inline void relu6_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                               cudaStream_t stream) {
  forward_with_mask(Relu6<compute_t<T>>{}, x, y, mask, n, stream);
}
template <class T>
inline void relu6_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                cudaStream_t stream) {
  backward_from_mask(Relu6<compute_t<T>>{}, mask, dy, dx, n, stream);
}

// hardtanh: F.hardtanh(x, min_val, max_val)
// PyTorch's defaults: min_val = -1, max_val = 1
template <class T>
inline void hardtanh_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                  compute_t<T> min_val, compute_t<T> max_val, cudaStream_t stream) {
  forward_with_mask(Hardtanh<compute_t<T>>{min_val, max_val}, x, y, mask, n, stream);
}
template <class T>
inline void hardtanh_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                   compute_t<T> min_val, compute_t<T> max_val,
                                   cudaStream_t stream) {
  backward_from_mask(Hardtanh<compute_t<T>>{min_val, max_val}, mask, dy, dx, n, stream);
}

// hardsigmoid: F.hardsigmoid(x)
template <class T>
inline void hardsigmoid_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                     cudaStream_t stream) {
  forward_with_mask(Hardsigmoid<compute_t<T>>{}, x, y, mask, n, stream);
}
template <class T>
inline void hardsigmoid_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                      cudaStream_t stream) {
  backward_from_mask(Hardsigmoid<compute_t<T>>{}, mask, dy, dx, n, stream);
}

// hardshrink: F.hardshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void hardshrink_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                    compute_t<T> lambd, cudaStream_t stream) {
  forward_with_mask(Hardshrink<compute_t<T>>{lambd}, x, y, mask, n, stream);
}
template <class T>
inline void hardshrink_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                     compute_t<T> lambd, cudaStream_t stream) {
  backward_from_mask(Hardshrink<compute_t<T>>{lambd}, mask, dy, dx, n, stream);
}

// softshrink: F.softshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void softshrink_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                    compute_t<T> lambd, cudaStream_t stream) {
  forward_with_mask(Softshrink<compute_t<T>>{lambd}, x, y, mask, n, stream);
}
template <class T>
inline void softshrink_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                     compute_t<T> lambd, cudaStream_t stream) {
  backward_from_mask(Softshrink<compute_t<T>>{lambd}, mask, dy, dx, n, stream);
}

// threshold: F.threshold(x, threshold, value)
// Defaults (PyTorch has none): threshold = 0, value = 0
template <class T>
inline void threshold_forward_mask(const T* x, T* y, std::uint32_t* mask, std::int64_t n,
                                   compute_t<T> threshold, compute_t<T> value,
                                   cudaStream_t stream) {
  forward_with_mask(Threshold<compute_t<T>>{threshold, value}, x, y, mask, n, stream);
}
template <class T>
inline void threshold_backward_mask(const std::uint32_t* mask, const T* dy, T* dx, std::int64_t n,
                                    compute_t<T> threshold, compute_t<T> value,
                                    cudaStream_t stream) {
  backward_from_mask(Threshold<compute_t<T>>{threshold, value}, mask, dy, dx, n, stream);
}

}  // namespace cuact
