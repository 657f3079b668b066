// The C API: runtime dispatch onto the C++ entry points, exceptions turned into status codes.
#include <cuact/cuact.h>
#include <cuact/mask.hpp>

#include "host/argument_checks.hpp"
#include "host/built_activations.hpp"
#include "host/op_registry.hpp"
#include "host/param_conversion.hpp"

#include <cuact/activations.hpp>
#include <cuact/bias.hpp>
#include <cuact/error.hpp>
#include <cuact/gated.hpp>
#include <cuact/prelu.hpp>
#include <cuact/dyt.hpp>
#include <cuact/snake.hpp>
#include <cuact/rrelu.hpp>

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
  if (!cuact::detail::visit_dtype(dtype, body)) {
    bad_enum(fn, "dtype", dtype);
  }
}

/// The functor of registry entry Tag in compute type C, its parameters from
/// params[0..num_params) and defaults for the rest. A parameter that overflows C is
/// reported with the value passed, by the op's named function `<name><suffix>`.
template <class C, class Tag>
auto make_functor(const char* fn, const char* suffix, Tag, const double* params,
                  int num_params) {
  using Info = typename Tag::info;
  if (num_params < 0 || static_cast<std::size_t>(num_params) > Info::num_params) {
    throw cuact::invalid_argument(std::string(fn) + ": 'num_params' = " +
                                  std::to_string(num_params) + " but " + Info::name +
                                  " takes 0 to " + std::to_string(Info::num_params));
  }
  if (params == nullptr && num_params > 0) {
    throw cuact::invalid_argument(std::string(fn) + ": 'params' is null but num_params = " +
                                  std::to_string(num_params));
  }
  const std::string op_fn = std::string(Info::name) + suffix;
  return cuact::detail::make_op_checked<Tag, C>(op_fn.c_str(), params,
                                                static_cast<std::size_t>(num_params));
}

/// Calls body(op) with the functor of unary activation `op` in compute type C (make_functor).
template <class C, class Body>
void with_op(const char* fn, const char* suffix, cuact_activation op, const double* params,
             int num_params, Body&& body) {
  const bool known = cuact::detail::visit_activation_tag(op, [&](auto tag) {
    body(make_functor<C>(fn, suffix, tag, params, num_params));
  });
  if (!known) {
    cuact::detail::visit_gated_tag(op, [&](auto tag) {
      throw cuact::invalid_argument(std::string(fn) + ": '" + decltype(tag)::info::name +
                                    "' is a gated activation (gate and up): use "
                                    "cuact_gated_forward/cuact_gated_backward");
    });
    bad_enum(fn, "op", op);
  }
}

/// Calls body(op) with the gated functor of `op` in compute type C: Gated<F> for a unary
/// activation, the gated registry entry's own functor otherwise.
template <class C, class Body>
void with_gated_op(const char* fn, const char* suffix, cuact_activation op,
                   const double* params, int num_params, Body&& body) {
  // A unary activation's messages name its gated function: "silu_gated_forward".
  const std::string gated_suffix = std::string("_gated") + suffix;
  const auto make = [&](auto tag) {
    constexpr bool unary = decltype(tag)::template type<C>::kind == cuact::OpKind::unary;
    return make_functor<C>(fn, unary ? gated_suffix.c_str() : suffix, tag, params, num_params);
  };
  if (!cuact::detail::visit_gated_functor<C>(op, make, body)) {
    bad_enum(fn, "op", op);
  }
}

/// `layout` is a cuact_gated_layout value, and a packed layout's tensor goes in `gate`: `up`
/// (and `dup`) must then be null.
void expect_null_for_packed(const char* fn, cuact_gated_layout layout, const char* name,
                            const void* p) {
  if (layout < CUACT_GATED_GATE_FIRST || layout > CUACT_GATED_SEPARATE) {
    bad_enum(fn, "layout", layout);
  }
  if (layout != CUACT_GATED_SEPARATE && p != nullptr) {
    throw cuact::invalid_argument(std::string(fn) + ": '" + name +
                                  "' must be NULL with a packed layout (the packed tensor is "
                                  "passed as 'gate')");
  }
}

/// How many of the single-parameter API's `param` an op takes: 1, or 0 for ops without.
int single_param_count(cuact_activation op) {
  return cuact_activation_param_count(op) > 0 ? 1 : 0;
}

// The casts below carry values from C enums to C++ ones: the same values (pinned in
// tests/cpu/host/registry_test.cpp too).
static_assert(static_cast<int>(cuact::Saved::input) == CUACT_SAVED_INPUT &&
              static_cast<int>(cuact::Saved::output) == CUACT_SAVED_OUTPUT &&
              static_cast<int>(cuact::Saved::mask) == CUACT_SAVED_MASK);
static_assert(static_cast<int>(cuact::GatedLayout::gate_first) == CUACT_GATED_GATE_FIRST &&
              static_cast<int>(cuact::GatedLayout::gate_second) == CUACT_GATED_GATE_SECOND &&
              static_cast<int>(cuact::GatedLayout::interleaved) == CUACT_GATED_INTERLEAVED &&
              static_cast<int>(cuact::GatedLayout::separate) == CUACT_GATED_SEPARATE);
static_assert(static_cast<int>(cuact::GeluApproximate::none) == CUACT_GELU_APPROXIMATE_NONE &&
              static_cast<int>(cuact::GeluApproximate::tanh) == CUACT_GELU_APPROXIMATE_TANH);

cuact::Saved to_saved(cuact_saved saved) {
  // An invalid value passes through for the entry point's own "'saved' must be ..." check.
  return saved == CUACT_SAVED_INPUT    ? cuact::Saved::input
         : saved == CUACT_SAVED_OUTPUT ? cuact::Saved::output
                                       : static_cast<cuact::Saved>(saved);
}

void activation_forward(const char* fn, cuact_activation op, const double* params,
                        int num_params, cuact_dtype dtype, const void* x, void* y, int64_t n,
                        cudaStream_t stream) {
  with_dtype(fn, dtype, [&](auto tag) {
    using T = decltype(tag);
    with_op<cuact::compute_t<T>>(fn, "_forward", op, params, num_params, [&](const auto& f) {
      cuact::forward(f, static_cast<const T*>(x), static_cast<T*>(y), n, stream);
    });
  });
}

void activation_forward_mask(const char* fn, cuact_activation op, const double* params,
                             int num_params, cuact_dtype dtype, const void* x, void* y,
                             uint32_t* mask, int64_t n, cudaStream_t stream) {
  with_dtype(fn, dtype, [&](auto tag) {
    using T = decltype(tag);
    with_op<cuact::compute_t<T>>(fn, "_forward_mask", op, params, num_params,
                                 [&](const auto& f) {
      using Op = std::decay_t<decltype(f)>;
      const std::string op_fn = std::string(Op::name) + "_forward_mask";
      cuact::detail::expect_mask_allowed<Op>(op_fn.c_str(), nullptr);
      if constexpr (cuact::has_mask_v<Op>) {
        cuact::forward_with_mask(f, static_cast<const T*>(x), static_cast<T*>(y), mask, n, stream);
      }
    });
  });
}

void activation_backward(const char* fn, cuact_activation op, const double* params,
                         int num_params, cuact_saved saved, cuact_dtype dtype, const void* v,
                         const void* dy, void* dx, int64_t n, cudaStream_t stream) {
  with_dtype(fn, dtype, [&](auto tag) {
    using T = decltype(tag);
    if (saved == CUACT_SAVED_MASK) {
      with_op<cuact::compute_t<T>>(fn, "_backward_mask", op, params, num_params,
                                   [&](const auto& f) {
        using Op = std::decay_t<decltype(f)>;
        const std::string op_fn = std::string(Op::name) + "_backward";
        cuact::detail::expect_mask_allowed<Op>(op_fn.c_str(), "'saved' is CUACT_SAVED_MASK");
        if constexpr (cuact::has_mask_v<Op>) {
          cuact::backward_from_mask(f, static_cast<const uint32_t*>(v), static_cast<const T*>(dy),
                                    static_cast<T*>(dx), n, stream);
        }
      });
      return;
    }
    with_op<cuact::compute_t<T>>(fn, "_backward", op, params, num_params, [&](const auto& f) {
      cuact::backward(f, static_cast<const T*>(v), static_cast<const T*>(dy), static_cast<T*>(dx),
                      n, to_saved(saved), stream);
    });
  });
}

void gated_forward(const char* fn, cuact_activation op, const double* params, int num_params,
                   cuact_gated_layout layout, cuact_dtype dtype, const void* gate,
                   const void* up, void* out, int64_t rows, int64_t hidden, cudaStream_t stream) {
  expect_null_for_packed(fn, layout, "up", up);
  with_dtype(fn, dtype, [&](auto tag) {
    using T = decltype(tag);
    with_gated_op<cuact::compute_t<T>>(fn, "_forward", op, params, num_params,
                                       [&](const auto& f) {
      const auto* g = static_cast<const T*>(gate);
      if (layout == CUACT_GATED_SEPARATE) {
        cuact::gated_forward(f, g, static_cast<const T*>(up), static_cast<T*>(out), rows,
                             hidden, stream);
      } else {
        cuact::gated_forward(f, static_cast<cuact::GatedLayout>(layout), g,
                             static_cast<T*>(out), rows, hidden, stream);
      }
    });
  });
}

void gated_backward(const char* fn, cuact_activation op, const double* params, int num_params,
                    cuact_gated_layout layout, cuact_dtype dtype, const void* gate,
                    const void* up, const void* dy, void* dgate, void* dup, int64_t rows,
                    int64_t hidden, cudaStream_t stream) {
  expect_null_for_packed(fn, layout, "up", up);
  expect_null_for_packed(fn, layout, "dup", dup);
  with_dtype(fn, dtype, [&](auto tag) {
    using T = decltype(tag);
    with_gated_op<cuact::compute_t<T>>(fn, "_backward", op, params, num_params,
                                       [&](const auto& f) {
      const auto* g = static_cast<const T*>(gate);
      const auto* d = static_cast<const T*>(dy);
      if (layout == CUACT_GATED_SEPARATE) {
        cuact::gated_backward(f, g, static_cast<const T*>(up), d, static_cast<T*>(dgate),
                              static_cast<T*>(dup), rows, hidden, stream);
      } else {
        cuact::gated_backward(f, static_cast<cuact::GatedLayout>(layout), g, d,
                              static_cast<T*>(dgate), rows, hidden, stream);
      }
    });
  });
}

/// Whether the registry entry of `tag` is in this build (CUACT_ACTIVATIONS).
template <class Tag>
constexpr bool is_built(Tag) {
  return cuact::detail::built_v<typename Tag::template type<float>>;
}

/// fn, called only for the tags of built registry entries: the introspection reports only
/// the activations this build has.
template <class Fn>
auto if_built(Fn& fn) {
  return [&fn](auto tag) {
    if (is_built(tag)) {
      fn(tag);
    }
  };
}

/// Calls fn(tag) for the unary or gated registry entry `op` names, if this build has it
/// (introspection covers both).
template <class Fn>
void visit_any_tag(cuact_activation op, Fn&& fn) {
  if (!cuact::detail::visit_activation_tag(op, if_built(fn))) {
    cuact::detail::visit_gated_tag(op, if_built(fn));
  }
}

}  // namespace

extern "C" {

cuact_status cuact_gated_forward(cuact_activation op, const double* params, int num_params,
                                 cuact_gated_layout layout, cuact_dtype dtype, const void* gate,
                                 const void* up, void* out, int64_t rows, int64_t hidden,
                                 cudaStream_t stream) {
  return guarded([&] {
    gated_forward("cuact_gated_forward", op, params, num_params, layout, dtype, gate, up, out,
                  rows, hidden, stream);
  });
}

cuact_status cuact_gated_backward(cuact_activation op, const double* params, int num_params,
                                  cuact_gated_layout layout, cuact_dtype dtype, const void* gate,
                                  const void* up, const void* dy, void* dgate, void* dup,
                                  int64_t rows, int64_t hidden, cudaStream_t stream) {
  return guarded([&] {
    gated_backward("cuact_gated_backward", op, params, num_params, layout, dtype, gate, up, dy,
                   dgate, dup, rows, hidden, stream);
  });
}

int cuact_version(void) { return CUACT_VERSION; }

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

int cuact_activation_count(void) {
  int count = 0;
  cuact::detail::for_each_activation([&](auto tag) { count += is_built(tag) ? 1 : 0; });
  return count;
}

cuact_activation cuact_activation_at(int index) {
  int i = 0;
  cuact_activation found = static_cast<cuact_activation>(-1);
  cuact::detail::for_each_activation([&](auto tag) {
    if (is_built(tag) && i++ == index) {
      found = decltype(tag)::info::c_enum;
    }
  });
  return found;
}

const char* cuact_activation_name(cuact_activation op) {
  const char* name = nullptr;
  visit_any_tag(op, [&](auto tag) { name = decltype(tag)::info::name; });
  return name;
}

int cuact_activation_param_count(cuact_activation op) {
  int count = -1;
  visit_any_tag(
      op, [&](auto tag) { count = static_cast<int>(decltype(tag)::info::num_params); });
  return count;
}

const char* cuact_activation_param_name(cuact_activation op, int index) {
  const char* name = nullptr;
  visit_any_tag(op, [&](auto tag) {
    const auto& names = decltype(tag)::info::param_names;
    if (index >= 0 && static_cast<std::size_t>(index) < names.size()) {
      name = names[static_cast<std::size_t>(index)];
    }
  });
  return name;
}

double cuact_activation_param_default(cuact_activation op, int index) {
  double value = 0.0;
  visit_any_tag(op, [&](auto tag) {
    using Tag = decltype(tag);
    const auto defaults = Tag::info::values(typename Tag::template type<double>{});
    if (index >= 0 && static_cast<std::size_t>(index) < defaults.size()) {
      value = defaults[static_cast<std::size_t>(index)];
    }
  });
  return value;
}

int cuact_activation_accuracy_ulp(cuact_activation op, int pass) {
  int ulp = -1;
  visit_any_tag(op, [&](auto tag) {
    using Op = typename decltype(tag)::template type<float>;
    constexpr cuact::Accuracy a = Op::accuracy;
    ulp = pass == 0   ? a.forward_ulp
          : pass == 1 ? a.grad_from_input_ulp
          : pass == 2 ? (cuact::has_grad_from_output_v<Op> ? a.grad_from_output_ulp : -1)
          : pass == 3 ? a.grad_abs_eps
                      : -1;
  });
  return ulp;
}

cuact_status cuact_activation_forward(cuact_activation op, double param, cuact_dtype dtype,
                                      const void* x, void* y, int64_t n, cudaStream_t stream) {
  return guarded([&] {
    activation_forward("cuact_activation_forward", op, &param, single_param_count(op), dtype, x,
                       y, n, stream);
  });
}

cuact_status cuact_activation_backward(cuact_activation op, double param, cuact_saved saved,
                                       cuact_dtype dtype, const void* v, const void* dy, void* dx,
                                       int64_t n, cudaStream_t stream) {
  return guarded([&] {
    activation_backward("cuact_activation_backward", op, &param, single_param_count(op), saved,
                        dtype, v, dy, dx, n, stream);
  });
}

cuact_status cuact_activation_forward_params(cuact_activation op, const double* params,
                                             int num_params, cuact_dtype dtype, const void* x,
                                             void* y, int64_t n, cudaStream_t stream) {
  return guarded([&] {
    activation_forward("cuact_activation_forward_params", op, params, num_params, dtype, x, y, n,
                       stream);
  });
}

cuact_status cuact_activation_backward_params(cuact_activation op, const double* params,
                                              int num_params, cuact_saved saved, cuact_dtype dtype,
                                              const void* v, const void* dy, void* dx, int64_t n,
                                              cudaStream_t stream) {
  return guarded([&] {
    activation_backward("cuact_activation_backward_params", op, params, num_params, saved, dtype,
                        v, dy, dx, n, stream);
  });
}

int cuact_activation_has_mask(cuact_activation op) {
  int has = 0;
  const auto set_has = [&](auto tag) {
    has = cuact::has_mask_v<typename decltype(tag)::template type<float>> ? 1 : 0;
  };
  cuact::detail::visit_activation_tag(op, if_built(set_has));
  return has;
}

int64_t cuact_mask_words(int64_t n) { return n <= 0 ? 0 : cuact::mask_words(n); }

cuact_status cuact_activation_forward_mask(cuact_activation op, const double* params,
                                           int num_params, cuact_dtype dtype, const void* x,
                                           void* y, uint32_t* mask, int64_t n,
                                           cudaStream_t stream) {
  return guarded([&] {
    activation_forward_mask("cuact_activation_forward_mask", op, params, num_params, dtype, x, y,
                            mask, n, stream);
  });
}

cuact_status cuact_rrelu_forward(cuact_dtype dtype, const void* x, void* y, int64_t n,
                                 double lower, double upper, int training, uint64_t seed,
                                 uint64_t offset, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_rrelu_forward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      constexpr const char* op_fn = "rrelu_forward";
      cuact::rrelu_forward(static_cast<const T*>(x), static_cast<T*>(y), n,
                           cuact::detail::convert_param<C>(op_fn, "lower", lower),
                           cuact::detail::convert_param<C>(op_fn, "upper", upper), training != 0,
                           cuact::RReluKey{seed, offset}, stream);
    });
  });
}

cuact_status cuact_rrelu_backward(cuact_dtype dtype, const void* v, const void* dy, void* dx,
                                  int64_t n, double lower, double upper, int training,
                                  uint64_t seed, uint64_t offset, cuact_saved saved,
                                  cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_rrelu_backward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      constexpr const char* op_fn = "rrelu_backward";
      cuact::rrelu_backward(static_cast<const T*>(v), static_cast<const T*>(dy),
                            static_cast<T*>(dx), n,
                            cuact::detail::convert_param<C>(op_fn, "lower", lower),
                            cuact::detail::convert_param<C>(op_fn, "upper", upper),
                            training != 0, cuact::RReluKey{seed, offset}, to_saved(saved),
                            stream);
    });
  });
}

cuact_status cuact_bias_forward(cuact_activation op, const double* params, int num_params,
                                cuact_dtype dtype, const void* x, const void* bias, void* y,
                                int64_t outer, int64_t channels, int64_t inner,
                                cudaStream_t stream) {
  return guarded([&] {
    constexpr const char* fn = "cuact_bias_forward";
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      with_op<C>(fn, "_bias_forward", op, params, num_params, [&](const auto& f) {
        cuact::bias_forward(f, static_cast<const T*>(x), static_cast<const C*>(bias),
                            static_cast<T*>(y), cuact::ChannelShape{outer, channels, inner},
                            stream);
      });
    });
  });
}

cuact_status cuact_bias_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                int64_t channels, int64_t inner, size_t* bytes) {
  return guarded([&] {
    constexpr const char* fn = "cuact_bias_backward_workspace_size";
    if (bytes == nullptr) {
      throw cuact::invalid_argument(std::string(fn) + ": 'bytes' is null");
    }
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      *bytes = cuact::bias_backward_workspace_size<T>(cuact::ChannelShape{outer, channels, inner});
    });
  });
}

cuact_status cuact_bias_backward(cuact_activation op, const double* params, int num_params,
                                 cuact_saved saved, cuact_dtype dtype, const void* v,
                                 const void* dy, const void* bias, void* dx, void* dbias, void* y,
                                 int64_t outer, int64_t channels, int64_t inner, int accumulate,
                                 void* workspace, size_t workspace_bytes, cudaStream_t stream) {
  return guarded([&] {
    constexpr const char* fn = "cuact_bias_backward";
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      with_op<C>(fn, "_bias_backward", op, params, num_params, [&](const auto& f) {
        const cuact::ChannelShape shape{outer, channels, inner};
        const auto mode =
            accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
        const auto* v_ = static_cast<const T*>(v);
        const auto* dy_ = static_cast<const T*>(dy);
        const auto* bias_ = static_cast<const C*>(bias);
        if (workspace == nullptr && workspace_bytes == 0) {
          cuact::bias_backward(f, v_, dy_, bias_, static_cast<T*>(dx), static_cast<C*>(dbias),
                               static_cast<T*>(y), shape, to_saved(saved), mode, stream);
        } else {
          cuact::bias_backward(f, v_, dy_, bias_, static_cast<T*>(dx), static_cast<C*>(dbias),
                               static_cast<T*>(y), shape, to_saved(saved), mode, workspace,
                               workspace_bytes, stream);
        }
      });
    });
  });
}

cuact_status cuact_bias_add(cuact_dtype dtype, const void* x, const void* bias, void* y,
                            int64_t outer, int64_t channels, int64_t inner, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_bias_add", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      cuact::bias_add(static_cast<const T*>(x), static_cast<const C*>(bias), static_cast<T*>(y),
                      cuact::ChannelShape{outer, channels, inner}, stream);
    });
  });
}

cuact_status cuact_bias_grad(cuact_dtype dtype, const void* dy, void* dbias, int64_t outer,
                             int64_t channels, int64_t inner, int accumulate, void* workspace,
                             size_t workspace_bytes, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_bias_grad", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      const cuact::ChannelShape shape{outer, channels, inner};
      const auto mode = accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
      const auto* dy_ = static_cast<const T*>(dy);
      auto* dbias_ = static_cast<C*>(dbias);
      if (workspace == nullptr && workspace_bytes == 0) {
        cuact::bias_grad(dy_, dbias_, shape, mode, stream);
      } else {
        cuact::bias_grad(dy_, dbias_, shape, mode, workspace, workspace_bytes, stream);
      }
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

static_assert(static_cast<int>(cuact::ParamScale::linear) == CUACT_PARAM_SCALE_LINEAR &&
              static_cast<int>(cuact::ParamScale::log) == CUACT_PARAM_SCALE_LOG);

cuact_status cuact_snake_forward(cuact_dtype dtype, const void* x, const void* alpha, void* y,
                                 int64_t outer, int64_t channels, int64_t inner,
                                 cuact_param_scale scale, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_snake_forward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      cuact::snake_forward(static_cast<const T*>(x), static_cast<const C*>(alpha),
                           static_cast<T*>(y), cuact::ChannelShape{outer, channels, inner},
                           static_cast<cuact::ParamScale>(scale), stream);
    });
  });
}

cuact_status cuact_snake_backward_workspace_size(cuact_dtype dtype, int64_t outer, int64_t channels,
                                                 int64_t inner, size_t* bytes) {
  return guarded([&] {
    constexpr const char* fn = "cuact_snake_backward_workspace_size";
    if (bytes == nullptr) {
      throw cuact::invalid_argument(std::string(fn) + ": 'bytes' is null");
    }
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      *bytes = cuact::snake_backward_workspace_size<T>(cuact::ChannelShape{outer, channels, inner});
    });
  });
}

cuact_status cuact_snake_backward(cuact_dtype dtype, const void* x, const void* dy,
                                  const void* alpha, void* dx, void* dalpha, int64_t outer,
                                  int64_t channels, int64_t inner, cuact_param_scale scale,
                                  int accumulate, void* workspace, size_t workspace_bytes,
                                  cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_snake_backward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      const cuact::ChannelShape shape{outer, channels, inner};
      const auto mode = accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
      const auto s = static_cast<cuact::ParamScale>(scale);
      const auto* x_ = static_cast<const T*>(x);
      const auto* dy_ = static_cast<const T*>(dy);
      const auto* alpha_ = static_cast<const C*>(alpha);
      if (workspace == nullptr && workspace_bytes == 0) {
        cuact::snake_backward(x_, dy_, alpha_, static_cast<T*>(dx), static_cast<C*>(dalpha), shape,
                              s, mode, stream);
      } else {
        cuact::snake_backward(x_, dy_, alpha_, static_cast<T*>(dx), static_cast<C*>(dalpha), shape,
                              s, mode, workspace, workspace_bytes, stream);
      }
    });
  });
}

cuact_status cuact_snakebeta_forward(cuact_dtype dtype, const void* x, const void* alpha,
                                     const void* beta, void* y, int64_t outer, int64_t channels,
                                     int64_t inner, cuact_param_scale scale, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_snakebeta_forward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      cuact::snakebeta_forward(static_cast<const T*>(x), static_cast<const C*>(alpha),
                               static_cast<const C*>(beta), static_cast<T*>(y),
                               cuact::ChannelShape{outer, channels, inner},
                               static_cast<cuact::ParamScale>(scale), stream);
    });
  });
}

cuact_status cuact_snakebeta_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                     int64_t channels, int64_t inner,
                                                     size_t* bytes) {
  return guarded([&] {
    constexpr const char* fn = "cuact_snakebeta_backward_workspace_size";
    if (bytes == nullptr) {
      throw cuact::invalid_argument(std::string(fn) + ": 'bytes' is null");
    }
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      *bytes =
          cuact::snakebeta_backward_workspace_size<T>(cuact::ChannelShape{outer, channels, inner});
    });
  });
}

cuact_status cuact_snakebeta_backward(cuact_dtype dtype, const void* x, const void* dy,
                                      const void* alpha, const void* beta, void* dx, void* dalpha,
                                      void* dbeta, int64_t outer, int64_t channels, int64_t inner,
                                      cuact_param_scale scale, int accumulate, void* workspace,
                                      size_t workspace_bytes, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_snakebeta_backward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      const cuact::ChannelShape shape{outer, channels, inner};
      const auto mode = accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
      const auto s = static_cast<cuact::ParamScale>(scale);
      const auto* x_ = static_cast<const T*>(x);
      const auto* dy_ = static_cast<const T*>(dy);
      const auto* alpha_ = static_cast<const C*>(alpha);
      const auto* beta_ = static_cast<const C*>(beta);
      auto* dx_ = static_cast<T*>(dx);
      auto* dalpha_ = static_cast<C*>(dalpha);
      auto* dbeta_ = static_cast<C*>(dbeta);
      if (workspace == nullptr && workspace_bytes == 0) {
        cuact::snakebeta_backward(x_, dy_, alpha_, beta_, dx_, dalpha_, dbeta_, shape, s, mode,
                                  stream);
      } else {
        cuact::snakebeta_backward(x_, dy_, alpha_, beta_, dx_, dalpha_, dbeta_, shape, s, mode,
                                  workspace, workspace_bytes, stream);
      }
    });
  });
}

cuact_status cuact_dyt_forward(cuact_dtype dtype, const void* x, const void* alpha,
                               const void* gamma, const void* beta, void* y, int64_t outer,
                               int64_t channels, int64_t inner, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_dyt_forward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      cuact::dyt_forward(static_cast<const T*>(x), static_cast<const C*>(alpha),
                         static_cast<const C*>(gamma), static_cast<const C*>(beta),
                         static_cast<T*>(y), cuact::ChannelShape{outer, channels, inner}, stream);
    });
  });
}

cuact_status cuact_dyt_backward_workspace_size(cuact_dtype dtype, int64_t outer, int64_t channels,
                                               int64_t inner, size_t* bytes) {
  return guarded([&] {
    constexpr const char* fn = "cuact_dyt_backward_workspace_size";
    if (bytes == nullptr) {
      throw cuact::invalid_argument(std::string(fn) + ": 'bytes' is null");
    }
    with_dtype(fn, dtype, [&](auto tag) {
      using T = decltype(tag);
      *bytes = cuact::dyt_backward_workspace_size<T>(cuact::ChannelShape{outer, channels, inner});
    });
  });
}

cuact_status cuact_dyt_backward(cuact_dtype dtype, const void* x, const void* dy,
                                const void* alpha, const void* gamma, void* dx, void* dalpha,
                                void* dgamma, void* dbeta, int64_t outer, int64_t channels,
                                int64_t inner, int accumulate, void* workspace,
                                size_t workspace_bytes, cudaStream_t stream) {
  return guarded([&] {
    with_dtype("cuact_dyt_backward", dtype, [&](auto tag) {
      using T = decltype(tag);
      using C = cuact::compute_t<T>;
      const cuact::ChannelShape shape{outer, channels, inner};
      const auto mode = accumulate != 0 ? cuact::GradMode::accumulate : cuact::GradMode::overwrite;
      const auto* x_ = static_cast<const T*>(x);
      const auto* dy_ = static_cast<const T*>(dy);
      const auto* alpha_ = static_cast<const C*>(alpha);
      const auto* gamma_ = static_cast<const C*>(gamma);
      auto* dx_ = static_cast<T*>(dx);
      auto* da = static_cast<C*>(dalpha);
      auto* dg = static_cast<C*>(dgamma);
      auto* db = static_cast<C*>(dbeta);
      if (workspace == nullptr && workspace_bytes == 0) {
        cuact::dyt_backward(x_, dy_, alpha_, gamma_, dx_, da, dg, db, shape, mode, stream);
      } else {
        cuact::dyt_backward(x_, dy_, alpha_, gamma_, dx_, da, dg, db, shape, mode, workspace,
                            workspace_bytes, stream);
      }
    });
  });
}

}  // extern "C"
