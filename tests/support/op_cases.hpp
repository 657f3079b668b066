// The activations the tests and the benchmark cover: every activation of the registry at its
// default parameters, plus parameter values on the other side of its rules (a negative
// slope, ...). A new registry entry is covered without touching this file; add an extra case
// only when its parameters change which rules apply.
#pragma once

#include "host/op_registry.hpp"

#include <cuact/activations.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cstdint>
#include <cstdio>
#include <ostream>
#include <string>
#include <type_traits>
#include <variant>
#include <vector>

namespace cuact::test {

/// One activation with its parameters (in double), and a readable label for test names:
/// "leaky_relu_m0p2".
struct OpCase {
  AnyActivation<double> op;
  std::string label;
};

/// Prints the label in gtest's output.
inline void PrintTo(const OpCase& c, std::ostream* os) { *os << c.label; }

/// "0p01", "m0p2", "1": a parameter value as a test-name fragment.
inline std::string label_value(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  std::string s;
  for (const char* p = buf; *p != '\0'; ++p) {
    if (*p == '-') {
      s += 'm';
    } else if (*p == '.') {
      s += 'p';
    } else if (*p != '+') {
      s += *p;
    }
  }
  return s;
}

/// The case of functor `op`: its name and its parameter values.
template <template <class> class Functor>
OpCase make_case(const Functor<double>& op) {
  std::string label = Functor<double>::name;
  for (double v : detail::OpInfo<Functor>::values(op)) {
    label += "_" + label_value(v);
  }
  return {AnyActivation<double>(op), label};
}

/// Calls fn with the functor of `c` in compute type C.
template <class C, class Fn>
void visit_functor(const OpCase& c, Fn&& fn) {
  std::visit([&](const auto& f) { fn(detail::convert_op<C>(f)); }, c.op);
}

/// Whether `c`'s backward pass may run from the output.
inline bool allows_grad_from_output(const OpCase& c) {
  return std::visit([](const auto& f) { return cuact::allows_grad_from_output(f); }, c.op);
}

/// Whether `c`'s backward pass may run from a 1-bit mask (mask.hpp).
inline bool has_mask(const OpCase& c) {
  return std::visit([](const auto& f) { return has_mask_v<std::decay_t<decltype(f)>>; }, c.op);
}

/// The accuracy class of `c`'s functor (ops.hpp).
inline Accuracy accuracy_of(const OpCase& c) {
  return std::visit([](const auto& f) { return std::decay_t<decltype(f)>::accuracy; }, c.op);
}

/// The public generic forward entry point for `c`.
template <class T>
void call_forward(const OpCase& c, const T* x, T* y, std::int64_t n, cudaStream_t stream) {
  visit_functor<compute_t<T>>(c, [&](const auto& f) { forward(f, x, y, n, stream); });
}

/// The public generic backward entry point for `c`.
template <class T>
void call_backward(const OpCase& c, Saved saved, const T* v, const T* dy, T* dx, std::int64_t n,
                   cudaStream_t stream) {
  visit_functor<compute_t<T>>(c, [&](const auto& f) { backward(f, v, dy, dx, n, saved, stream); });
}

/// Every activation of the registry at its defaults, then the extra parameter regimes.
inline std::vector<OpCase> all_op_cases() {
  std::vector<OpCase> cases;
  detail::for_each_activation([&](auto tag) {
    using Tag = decltype(tag);
    cases.push_back(make_case(typename Tag::template type<double>{}));
  });
  // Parameters on the other side of the from-output rules.
  cases.push_back(make_case(LeakyRelu<double>{-0.2}));
  cases.push_back(make_case(Elu<double>{-0.5}));
  cases.push_back(make_case(Celu<double>{0.7}));
  cases.push_back(make_case(Celu<double>{-1.3}));
  cases.push_back(make_case(Hardshrink<double>{-0.5}));  // zeroes nothing
  // The other formula a parameter selects.
  cases.push_back(make_case(Gelu<double>{GeluApproximate::tanh}));
  // softplus with a negative beta and a threshold inside the test data's range.
  cases.push_back(make_case(Softplus<double>{-1.5, 4.0}));
  // threshold with a value that is not its threshold (its default is relu's 0, 0).
  cases.push_back(make_case(Threshold<double>{0.5, -3.0}));
  return cases;
}

}  // namespace cuact::test
