// The named bias + activation functions, one forward and two backwards (with a workspace,
// and allocating one) per unary activation: thin wrappers over cuact::bias_forward and
// cuact::bias_backward.
// Generated from registry.h by tests/tools/api_reference.cpp, checked by ctest api_reference;
// do not edit. After adding an activation:
//   cmake --build build --target cuact_api_reference
//   build/tests/cuact_api_reference . --write
// Included by bias.hpp. The parameters come between the count (or the shape) and the save
// mode (or the stream), in registry order, as compute_t<T> (double for double, float
// otherwise) or their own type.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cuact {

// relu: F.relu(x)
template <class T>
inline void relu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              cudaStream_t stream) {
  bias_forward(Relu<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                               std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Relu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Relu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// leaky_relu: F.leaky_relu(x, negative_slope)
// PyTorch's defaults: negative_slope = 0.01
template <class T>
inline void leaky_relu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    compute_t<T> negative_slope, cudaStream_t stream) {
  bias_forward(LeakyRelu<compute_t<T>>{negative_slope}, x, bias, y, shape, stream);
}
template <class T>
inline void leaky_relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> negative_slope, Saved saved,
                                     GradMode mode, void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(LeakyRelu<compute_t<T>>{negative_slope}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, workspace, workspace_bytes, stream);
}
template <class T>
inline void leaky_relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> negative_slope, Saved saved,
                                     GradMode mode, cudaStream_t stream) {
  bias_backward(LeakyRelu<compute_t<T>>{negative_slope}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, stream);
}

// elu: F.elu(x, alpha)
// PyTorch's defaults: alpha = 1
template <class T>
inline void elu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                             compute_t<T> alpha, cudaStream_t stream) {
  bias_forward(Elu<compute_t<T>>{alpha}, x, bias, y, shape, stream);
}
template <class T>
inline void elu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                              nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                              ChannelShape shape, compute_t<T> alpha, Saved saved, GradMode mode,
                              void* workspace, std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Elu<compute_t<T>>{alpha}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void elu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                              nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                              ChannelShape shape, compute_t<T> alpha, Saved saved, GradMode mode,
                              cudaStream_t stream) {
  bias_backward(Elu<compute_t<T>>{alpha}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// selu: F.selu(x)
template <class T>
inline void selu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              cudaStream_t stream) {
  bias_forward(Selu<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void selu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                               std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Selu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void selu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Selu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// celu: F.celu(x, alpha)
// PyTorch's defaults: alpha = 1
template <class T>
inline void celu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              compute_t<T> alpha, cudaStream_t stream) {
  bias_forward(Celu<compute_t<T>>{alpha}, x, bias, y, shape, stream);
}
template <class T>
inline void celu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, compute_t<T> alpha, Saved saved, GradMode mode,
                               void* workspace, std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Celu<compute_t<T>>{alpha}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void celu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, compute_t<T> alpha, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Celu<compute_t<T>>{alpha}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// relu6: F.relu6(x)
template <class T>
inline void relu6_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                               cudaStream_t stream) {
  bias_forward(Relu6<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void relu6_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                                std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Relu6<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void relu6_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                ChannelShape shape, Saved saved, GradMode mode,
                                cudaStream_t stream) {
  bias_backward(Relu6<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// hardtanh: F.hardtanh(x, min_val, max_val)
// PyTorch's defaults: min_val = -1, max_val = 1
template <class T>
inline void hardtanh_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                  compute_t<T> min_val, compute_t<T> max_val, cudaStream_t stream) {
  bias_forward(Hardtanh<compute_t<T>>{min_val, max_val}, x, bias, y, shape, stream);
}
template <class T>
inline void hardtanh_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, compute_t<T> min_val, compute_t<T> max_val,
                                   Saved saved, GradMode mode, void* workspace,
                                   std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Hardtanh<compute_t<T>>{min_val, max_val}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, workspace, workspace_bytes, stream);
}
template <class T>
inline void hardtanh_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, compute_t<T> min_val, compute_t<T> max_val,
                                   Saved saved, GradMode mode, cudaStream_t stream) {
  bias_backward(Hardtanh<compute_t<T>>{min_val, max_val}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, stream);
}

// sigmoid: torch.sigmoid(x)
template <class T>
inline void sigmoid_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                 cudaStream_t stream) {
  bias_forward(Sigmoid<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void sigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                  nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                  ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                                  std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Sigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void sigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                  nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                  ChannelShape shape, Saved saved, GradMode mode,
                                  cudaStream_t stream) {
  bias_backward(Sigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// tanh: torch.tanh(x)
template <class T>
inline void tanh_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              cudaStream_t stream) {
  bias_forward(Tanh<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void tanh_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                               std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Tanh<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void tanh_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Tanh<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// silu: F.silu(x)
template <class T>
inline void silu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              cudaStream_t stream) {
  bias_forward(Silu<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void silu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                               std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Silu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void silu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Silu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// hardsigmoid: F.hardsigmoid(x)
template <class T>
inline void hardsigmoid_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                     cudaStream_t stream) {
  bias_forward(Hardsigmoid<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void hardsigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                      nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                      ChannelShape shape, Saved saved, GradMode mode,
                                      void* workspace, std::size_t workspace_bytes,
                                      cudaStream_t stream) {
  bias_backward(Hardsigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void hardsigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                      nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                      ChannelShape shape, Saved saved, GradMode mode,
                                      cudaStream_t stream) {
  bias_backward(Hardsigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// hardswish: F.hardswish(x)
template <class T>
inline void hardswish_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                   cudaStream_t stream) {
  bias_forward(Hardswish<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void hardswish_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                    nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                    ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                                    std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Hardswish<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void hardswish_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                    nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                    ChannelShape shape, Saved saved, GradMode mode,
                                    cudaStream_t stream) {
  bias_backward(Hardswish<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// squared_relu: torch.relu(x) ** 2
template <class T>
inline void squared_relu_bias_forward(const T* x, const compute_t<T>* bias, T* y,
                                      ChannelShape shape, cudaStream_t stream) {
  bias_forward(SquaredRelu<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void squared_relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                       nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                       ChannelShape shape, Saved saved, GradMode mode,
                                       void* workspace, std::size_t workspace_bytes,
                                       cudaStream_t stream) {
  bias_backward(SquaredRelu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void squared_relu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                       nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                       ChannelShape shape, Saved saved, GradMode mode,
                                       cudaStream_t stream) {
  bias_backward(SquaredRelu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// quick_gelu: x * torch.sigmoid(1.702 * x)
template <class T>
inline void quick_gelu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    cudaStream_t stream) {
  bias_forward(QuickGelu<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void quick_gelu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(QuickGelu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void quick_gelu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     cudaStream_t stream) {
  bias_backward(QuickGelu<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// mish: F.mish(x)
template <class T>
inline void mish_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              cudaStream_t stream) {
  bias_forward(Mish<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void mish_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                               std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Mish<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void mish_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, Saved saved, GradMode mode,
                               cudaStream_t stream) {
  bias_backward(Mish<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// gelu: F.gelu(x, approximate=('none', 'tanh')[int(approximate)])
// PyTorch's defaults: approximate = GeluApproximate::none
template <class T>
inline void gelu_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                              GeluApproximate approximate, cudaStream_t stream) {
  bias_forward(Gelu<compute_t<T>>{approximate}, x, bias, y, shape, stream);
}
template <class T>
inline void gelu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, GeluApproximate approximate, Saved saved,
                               GradMode mode, void* workspace, std::size_t workspace_bytes,
                               cudaStream_t stream) {
  bias_backward(Gelu<compute_t<T>>{approximate}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void gelu_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                               nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                               ChannelShape shape, GeluApproximate approximate, Saved saved,
                               GradMode mode, cudaStream_t stream) {
  bias_backward(Gelu<compute_t<T>>{approximate}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                stream);
}

// softplus: F.softplus(x, beta, threshold)
// PyTorch's defaults: beta = 1, threshold = 20
template <class T>
inline void softplus_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                  compute_t<T> beta, compute_t<T> threshold, cudaStream_t stream) {
  bias_forward(Softplus<compute_t<T>>{beta, threshold}, x, bias, y, shape, stream);
}
template <class T>
inline void softplus_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, compute_t<T> beta, compute_t<T> threshold,
                                   Saved saved, GradMode mode, void* workspace,
                                   std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Softplus<compute_t<T>>{beta, threshold}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, workspace, workspace_bytes, stream);
}
template <class T>
inline void softplus_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, compute_t<T> beta, compute_t<T> threshold,
                                   Saved saved, GradMode mode, cudaStream_t stream) {
  bias_backward(Softplus<compute_t<T>>{beta, threshold}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, stream);
}

// hardshrink: F.hardshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void hardshrink_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    compute_t<T> lambd, cudaStream_t stream) {
  bias_forward(Hardshrink<compute_t<T>>{lambd}, x, bias, y, shape, stream);
}
template <class T>
inline void hardshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> lambd, Saved saved,
                                     GradMode mode, void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(Hardshrink<compute_t<T>>{lambd}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void hardshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> lambd, Saved saved,
                                     GradMode mode, cudaStream_t stream) {
  bias_backward(Hardshrink<compute_t<T>>{lambd}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                stream);
}

// softshrink: F.softshrink(x, lambd)
// PyTorch's defaults: lambd = 0.5
template <class T>
inline void softshrink_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    compute_t<T> lambd, cudaStream_t stream) {
  bias_forward(Softshrink<compute_t<T>>{lambd}, x, bias, y, shape, stream);
}
template <class T>
inline void softshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> lambd, Saved saved,
                                     GradMode mode, void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(Softshrink<compute_t<T>>{lambd}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void softshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, compute_t<T> lambd, Saved saved,
                                     GradMode mode, cudaStream_t stream) {
  bias_backward(Softshrink<compute_t<T>>{lambd}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                stream);
}

// tanhshrink: F.tanhshrink(x)
template <class T>
inline void tanhshrink_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    cudaStream_t stream) {
  bias_forward(Tanhshrink<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void tanhshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(Tanhshrink<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void tanhshrink_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     cudaStream_t stream) {
  bias_backward(Tanhshrink<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// softsign: F.softsign(x)
template <class T>
inline void softsign_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                  cudaStream_t stream) {
  bias_forward(Softsign<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void softsign_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, Saved saved, GradMode mode, void* workspace,
                                   std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Softsign<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, workspace,
                workspace_bytes, stream);
}
template <class T>
inline void softsign_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                   nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                   ChannelShape shape, Saved saved, GradMode mode,
                                   cudaStream_t stream) {
  bias_backward(Softsign<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// logsigmoid: F.logsigmoid(x)
template <class T>
inline void logsigmoid_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                    cudaStream_t stream) {
  bias_forward(LogSigmoid<compute_t<T>>{}, x, bias, y, shape, stream);
}
template <class T>
inline void logsigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     void* workspace, std::size_t workspace_bytes,
                                     cudaStream_t stream) {
  bias_backward(LogSigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode,
                workspace, workspace_bytes, stream);
}
template <class T>
inline void logsigmoid_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                     nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                     ChannelShape shape, Saved saved, GradMode mode,
                                     cudaStream_t stream) {
  bias_backward(LogSigmoid<compute_t<T>>{}, v, dy, bias, dx, dbias, y, shape, saved, mode, stream);
}

// threshold: F.threshold(x, threshold, value)
// Defaults (PyTorch has none): threshold = 0, value = 0
template <class T>
inline void threshold_bias_forward(const T* x, const compute_t<T>* bias, T* y, ChannelShape shape,
                                   compute_t<T> threshold, compute_t<T> value,
                                   cudaStream_t stream) {
  bias_forward(Threshold<compute_t<T>>{threshold, value}, x, bias, y, shape, stream);
}
template <class T>
inline void threshold_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                    nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                    ChannelShape shape, compute_t<T> threshold, compute_t<T> value,
                                    Saved saved, GradMode mode, void* workspace,
                                    std::size_t workspace_bytes, cudaStream_t stream) {
  bias_backward(Threshold<compute_t<T>>{threshold, value}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, workspace, workspace_bytes, stream);
}
template <class T>
inline void threshold_bias_backward(const T* v, const T* dy, const compute_t<T>* bias,
                                    nondeduced_t<T>* dx, compute_t<T>* dbias, nondeduced_t<T>* y,
                                    ChannelShape shape, compute_t<T> threshold, compute_t<T> value,
                                    Saved saved, GradMode mode, cudaStream_t stream) {
  bias_backward(Threshold<compute_t<T>>{threshold, value}, v, dy, bias, dx, dbias, y, shape, saved,
                mode, stream);
}

}  // namespace cuact
