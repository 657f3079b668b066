// The registry (registry.h) as C++: per-activation facts (C enum, parameter names, PyTorch
// expression), conversions between a functor's parameters and doubles, the variant of all
// activations, and runtime dispatch from the C enum to the functor. Header-only, so that
// the C API, the layers, the tests and the benchmark all use the same code.
#pragma once

#include <cuact/activations.hpp>
#include <cuact/cuact.h>
#include <cuact/gated_ops.hpp>
#include <cuact/ops.hpp>
#include <cuact/registry.h>
#include <cuact/types.hpp>

#include <array>
#include <climits>
#include <cstddef>
#include <cstring>
#include <type_traits>

namespace cuact::detail {

/// Whether a double names a value of an enumeration parameter: finite and its integer part
/// within int (the enumerations' underlying type), so that converting it is defined.
inline bool enum_param_in_range(double v) {
  return v > -2147483649.0 && v < 2147483648.0;  // false for NaN
}

/// A parameter value from a double (the C API's and the Activation factories' type):
/// numbers are converted, enumerations take the value's integer part. A double that
/// names no int (enum_param_in_range false: NaN, +-inf, |v| >= 2^31) becomes the
/// enumeration's lowest int value, which no enumerator has, so that the op's check refuses
/// it; callers that report the value passed check enum_param_in_range first.
template <class P>
P param_from_double(double v) {
  if constexpr (std::is_enum_v<P>) {
    using U = std::underlying_type_t<P>;
    static_assert(std::is_same_v<U, int>, "enumeration parameters have int underneath");
    return static_cast<P>(enum_param_in_range(v) ? static_cast<U>(v) : INT_MIN);
  } else {
    return static_cast<P>(v);
  }
}

template <class P>
double param_to_double(P v) {
  if constexpr (std::is_enum_v<P>) {
    return static_cast<double>(static_cast<std::underlying_type_t<P>>(v));
  } else {
    return static_cast<double>(v);
  }
}

/// Facts of registry entry Functor: OpInfo<Functor>::c_enum, num_params, param_names,
/// pytorch, values(op) (its parameters as doubles) and make<C>(values).
template <template <class> class Functor>
struct OpInfo;

#define CUACT_DETAIL_PARAM_NAME_STR(ctx, index, member) #member,
#define CUACT_DETAIL_PARAM_IS_ENUM(Functor, index, member) \
  std::is_enum_v<decltype(Functor<float>::member)>,
#define CUACT_DETAIL_PARAM_VALUE(ctx, index, member) param_to_double(op.member),
#define CUACT_DETAIL_PARAM_FROM(Functor, index, member) \
  param_from_double<decltype(Functor<C>::member)>(p[index]),
#define CUACT_DETAIL_OP_INFO(ENUM, value, Functor, name_, kind_, params, pytorch_)        \
  template <>                                                                            \
  struct OpInfo<Functor> {                                                               \
    static constexpr cuact_activation c_enum = CUACT_##ENUM;                             \
    static constexpr const char* name = #name_;                                          \
    static constexpr std::size_t num_params = CUACT_PP_PARAM_COUNT(params);              \
    static constexpr std::array<const char*, num_params> param_names{                    \
        {CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_NAME_STR, ~, params)}};                      \
    static constexpr std::array<bool, num_params> param_is_enum{                         \
        {CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_IS_ENUM, Functor, params)}};                 \
    static constexpr const char* pytorch = pytorch_;                                     \
    template <class C>                                                                   \
    static std::array<double, num_params> values([[maybe_unused]] const Functor<C>& op) { \
      return {{CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_VALUE, ~, params)}};                   \
    }                                                                                    \
    template <class C>                                                                   \
    static Functor<C> make([[maybe_unused]] const std::array<double, num_params>& p) {   \
      return Functor<C>{CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_FROM, Functor, params)};      \
    }                                                                                    \
  };
CUACT_ACTIVATIONS(CUACT_DETAIL_OP_INFO)
CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_OP_INFO)
#undef CUACT_DETAIL_OP_INFO
#undef CUACT_DETAIL_PARAM_FROM
#undef CUACT_DETAIL_PARAM_VALUE
#undef CUACT_DETAIL_PARAM_IS_ENUM
#undef CUACT_DETAIL_PARAM_NAME_STR

constexpr bool same_string(const char* a, const char* b) {
  return *a == *b && (*a == '\0' || same_string(a + 1, b + 1));
}

// The functor's own name must be the registry's.
#define CUACT_DETAIL_CHECK_NAME(ENUM, value, Functor, name_, kind_, params, pytorch)   \
  static_assert(same_string(Functor<float>::name, #name_),                            \
                "registry.h: the name column of " #Functor " differs from its ::name"); \
  static_assert(Functor<float>::kind == OpKind::kind_,                                \
                "registry.h: the kind column of " #Functor " differs from its ::kind");
CUACT_ACTIVATIONS(CUACT_DETAIL_CHECK_NAME)
CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_CHECK_NAME)
#undef CUACT_DETAIL_CHECK_NAME

/// Which registry entry a functor type is (Op<C> -> Op), for OpInfo.
template <class Op>
struct registry_entry;
template <template <class> class Functor, class C>
struct registry_entry<Functor<C>> {
  using info = OpInfo<Functor>;
};
template <class Op>
using info_of = typename registry_entry<Op>::info;

/// Calls fn(Tag<Functor>{}) for every registry entry, in registry order.
template <template <class> class Functor>
struct OpTag {
  template <class C>
  using type = Functor<C>;
  using info = OpInfo<Functor>;
};
template <class Fn>
void for_each_activation(Fn&& fn) {
#define CUACT_DETAIL_VISIT_TAG(ENUM, value, Functor, name, kind, params, pytorch) \
  fn(OpTag<Functor>{});
  CUACT_ACTIVATIONS(CUACT_DETAIL_VISIT_TAG)
#undef CUACT_DETAIL_VISIT_TAG
}

/// Calls fn(OpTag<Functor>{}) for the registry entry whose C enum is `op`; returns false
/// (calling nothing) when `op` names none.
template <class Fn>
bool visit_activation_tag(cuact_activation op, Fn&& fn) {
  switch (op) {
#define CUACT_DETAIL_CASE(ENUM, value, Functor, name, kind, params, pytorch) \
  case CUACT_##ENUM:                                                         \
    fn(OpTag<Functor>{});                                                    \
    return true;
    CUACT_ACTIVATIONS(CUACT_DETAIL_CASE)
#undef CUACT_DETAIL_CASE
#define CUACT_DETAIL_GATED_CASE(ENUM, value, Functor, name, kind, params, pytorch) \
  case CUACT_##ENUM:                                                               \
    return false;  // gated: not a unary activation
    CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_GATED_CASE)
#undef CUACT_DETAIL_GATED_CASE
  }
  return false;
}

/// Calls fn(OpTag<Functor>{}) for the gated registry entry (CUACT_GATED_ACTIVATIONS) whose C
/// enum is `op`; returns false (calling nothing) when `op` names none.
template <class Fn>
bool visit_gated_tag(cuact_activation op, Fn&& fn) {
#define CUACT_DETAIL_GATED_TAG(ENUM, value, Functor, name, kind, params, pytorch) \
  if (op == CUACT_##ENUM) {                                                      \
    fn(OpTag<Functor>{});                                                        \
    return true;                                                                 \
  }
  CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_GATED_TAG)
#undef CUACT_DETAIL_GATED_TAG
  return false;
}

/// Calls body(op) with the gated functor of `op` in compute type C: Gated<F> for a unary
/// activation of the registry, the gated entry's own functor otherwise. make(tag) builds the
/// entry's functor (in C, from the caller's parameters). False (calling nothing) when `op`
/// names no activation.
template <class C, class Make, class Body>
bool visit_gated_functor(cuact_activation op, Make&& make, Body&& body) {
  if (visit_activation_tag(op, [&](auto tag) {
        body(Gated<typename decltype(tag)::template type<C>>{make(tag)});
      })) {
    return true;
  }
  return visit_gated_tag(op, [&](auto tag) { body(make(tag)); });
}

/// The functor in compute type C of registry entry Tag with its first `count` parameters
/// from `params` and the rest at their defaults. count <= Tag::info::num_params.
template <class Tag, class C>
typename Tag::template type<C> make_op(const double* params, std::size_t count) {
  using Info = typename Tag::info;
  auto values = Info::values(typename Tag::template type<double>{});  // the defaults
  for (std::size_t i = 0; i < count && i < values.size(); ++i) {
    values[i] = params[i];
  }
  return Info::template make<C>(values);
}

/// The same activation in another compute type (parameters converted, not checked).
template <class D, template <class> class Functor, class C>
Functor<D> convert_op(const Functor<C>& op) {
  return OpInfo<Functor>::template make<D>(OpInfo<Functor>::values(op));
}

/// Calls body(T{}) with the element type `dtype` names; returns false (calling nothing) when
/// it names none. The one runtime switch over element types.
template <class Body>
bool visit_dtype(cuact_dtype dtype, Body&& body) {
  switch (dtype) {
#define CUACT_DETAIL_DTYPE_CASE(ctx, ENUM, value, type, name) \
  case CUACT_DTYPE_##ENUM:                                    \
    body(type{});                                             \
    return true;
    CUACT_DTYPES(CUACT_DETAIL_DTYPE_CASE, ~)
#undef CUACT_DETAIL_DTYPE_CASE
  }
  return false;
}

/// Every element type of the registry, in order.
inline constexpr cuact_dtype kAllDtypes[] = {
#define CUACT_DETAIL_DTYPE_ENUM(ctx, ENUM, value, type, name) CUACT_DTYPE_##ENUM,
    CUACT_DTYPES(CUACT_DETAIL_DTYPE_ENUM, ~)
#undef CUACT_DETAIL_DTYPE_ENUM
};

/// "f32", "f64", "f16", "bf16"; "?" for an unknown value.
inline const char* dtype_name(cuact_dtype dtype) {
  switch (dtype) {
#define CUACT_DETAIL_DTYPE_NAME(ctx, ENUM, value, type, name) \
  case CUACT_DTYPE_##ENUM:                                    \
    return #name;
    CUACT_DTYPES(CUACT_DETAIL_DTYPE_NAME, ~)
#undef CUACT_DETAIL_DTYPE_NAME
  }
  return "?";
}

}  // namespace cuact::detail
