// The boundary between host entry points (compiled by the C++ compiler) and the elementwise
// kernels (compiled by nvcc): plain C++ declarations, defined and explicitly instantiated
// in the per-op .cu files.
#pragma once

#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime_api.h>

#include <array>
#include <cstdint>

namespace cuact::detail {

/// Adapters that give an activation's three members the call signature the kernels use.
/// Named types (not lambdas) so that profilers show readable kernel names.
template <class Op>
struct Forward {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C x) const {
    return op.forward(x);
  }
};

template <class Op>
struct GradFromInput {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C x, C dy) const {
    return op.grad_from_input(x, dy);
  }
};

template <class Op>
struct GradFromOutput {
  Op op;
  template <class C>
  CUACT_HOST_DEVICE C operator()(C y, C dy) const {
    return op.grad_from_output(y, dy);
  }
};

/// out[i] = f(in[0][i], ..., in[kInputs-1][i]) for i in [0, n), on `stream`, computed in
/// compute_t<T>. Arguments are already validated; n > 0. Throws cuda_error naming `fn` when
/// the launch fails.
template <class F, class T, int kInputs>
void launch_elementwise(const char* fn, F f, std::array<const T*, kInputs> in, T* out,
                        std::int64_t n, cudaStream_t stream);

}  // namespace cuact::detail
