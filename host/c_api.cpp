// The C API: runtime dispatch onto the C++ entry points, exceptions turned into status codes.
#include <cuact/cuact.h>

#include "host/activation_dispatch.hpp"

#include <cuact/activations.hpp>
#include <cuact/error.hpp>
#include <cuact/prelu.hpp>

#include <exception>
#include <string>

namespace {

thread_local std::string last_error;

/// Keeps `message` as the thread's last error; never throws (out of memory keeps the old one).
void remember(const char* message) noexcept {
  try {
    last_error = message;
  } catch (...) {
  }
}

template <class Body>
cuact_status guarded(Body&& body) noexcept {
  try {
    body();
    return CUACT_STATUS_SUCCESS;
  } catch (const cuact::invalid_argument& e) {
    remember(e.what());
    return CUACT_STATUS_INVALID_ARGUMENT;
  } catch (const cuact::cuda_error& e) {
    remember(e.what());
    return CUACT_STATUS_CUDA_ERROR;
  } catch (const std::exception& e) {
    remember(e.what());
    return CUACT_STATUS_INTERNAL_ERROR;
  } catch (...) {
    remember("unknown exception");
    return CUACT_STATUS_INTERNAL_ERROR;
  }
}

[[noreturn]] void bad_enum(const char* fn, const char* name, int value) {
  throw cuact::invalid_argument(std::string(fn) + ": '" + name + "' = " + std::to_string(value) +
                                " is not a valid value");
}

/// Calls body(T{}) with the element type named by `dtype`.
template <class Body>
void with_dtype(const char* fn, cuact_dtype dtype, Body&& body) {
  switch (dtype) {
    case CUACT_DTYPE_F32:
      return body(float{});
    case CUACT_DTYPE_F64:
      return body(double{});
    case CUACT_DTYPE_F16:
      return body(__half{});
    case CUACT_DTYPE_BF16:
      return body(__nv_bfloat16{});
  }
  bad_enum(fn, "dtype", dtype);
}

}  // namespace

extern "C" {

const char* cuact_status_string(cuact_status status) {
  switch (status) {
    case CUACT_STATUS_SUCCESS:
      return "success";
    case CUACT_STATUS_INVALID_ARGUMENT:
      return "invalid argument";
    case CUACT_STATUS_CUDA_ERROR:
      return "CUDA error";
    case CUACT_STATUS_INTERNAL_ERROR:
      return "internal error";
  }
  return "unknown status";
}

const char* cuact_last_error(void) { return last_error.c_str(); }

cuact_status cuact_activation_forward(cuact_activation op, double param, cuact_dtype dtype,
                                      const void* x, void* y, int64_t n, cudaStream_t stream) {
  return guarded([&] {
    constexpr const char* fn = "cuact_activation_forward";
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      cuact::detail::activation_forward<T>(fn, op, param, static_cast<const T*>(x),
                                           static_cast<T*>(y), n, stream);
    });
  });
}

cuact_status cuact_activation_backward(cuact_activation op, double param, cuact_saved saved,
                                       cuact_dtype dtype, const void* v, const void* dy, void* dx,
                                       int64_t n, cudaStream_t stream) {
  return guarded([&] {
    constexpr const char* fn = "cuact_activation_backward";
    const auto cxx_saved = saved == CUACT_SAVED_INPUT    ? cuact::Saved::input
                           : saved == CUACT_SAVED_OUTPUT ? cuact::Saved::output
                                                         : static_cast<cuact::Saved>(saved);
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      cuact::detail::activation_backward<T>(fn, op, param, cxx_saved, static_cast<const T*>(v),
                                            static_cast<const T*>(dy), static_cast<T*>(dx), n,
                                            stream);
    });
  });
}

cuact_status cuact_prelu_forward(cuact_dtype dtype, const void* x, const void* alpha, void* y,
                                 int64_t outer, int64_t channels, int64_t inner,
                                 cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_prelu_forward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      cuact::prelu_forward(static_cast<const T*>(x), static_cast<const C*>(alpha),
                           static_cast<T*>(y), cuact::PreluShape{outer, channels, inner}, stream);
    });
  });
}

cuact_status cuact_prelu_backward_workspace_size(cuact_dtype dtype, int64_t outer, int64_t channels,
                                                 int64_t inner, size_t* bytes) {
  return guarded([&] {
    constexpr const char* fn = "cuact_prelu_backward_workspace_size";
    if (bytes == nullptr) {
      throw cuact::invalid_argument(std::string(fn) + ": 'bytes' is null");
    }
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      *bytes = cuact::prelu_backward_workspace_size<T>(cuact::PreluShape{outer, channels, inner});
    });
  });
}

cuact_status cuact_prelu_backward(cuact_dtype dtype, const void* x, const void* dy,
                                  const void* alpha, void* dx, void* dalpha, int64_t outer,
                                  int64_t channels, int64_t inner, int accumulate, void* workspace,
                                  size_t workspace_bytes, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_prelu_backward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      const cuact::PreluShape shape{outer, channels, inner};
      const auto mode = accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
      if (workspace == nullptr && workspace_bytes == 0) {
        cuact::prelu_backward(static_cast<const T*>(x), static_cast<const T*>(dy),
                              static_cast<const C*>(alpha), static_cast<T*>(dx),
                              static_cast<C*>(dalpha), shape, mode, stream);
      } else {
        cuact::prelu_backward(static_cast<const T*>(x), static_cast<const T*>(dy),
                              static_cast<const C*>(alpha), static_cast<T*>(dx),
                              static_cast<C*>(dalpha), shape, mode, workspace, workspace_bytes,
                              stream);
      }
    });
  });
}

}  // extern "C"
