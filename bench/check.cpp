#include "bench/check.hpp"

#include "bench/timing.hpp"

#include "host/op_registry.hpp"
#include "tests/support/reference.hpp"
#include "tests/support/ulp.hpp"

#include <cuact/gated_ops.hpp>
#include <cuact/mask.hpp>
#include <cuact/ops.hpp>
#include <cuact/types.hpp>

#include <cuda_runtime.h>

#include <algorithm>
#include <cmath>
#include <limits>
#include <sstream>
#include <stdexcept>
#include <type_traits>
#include <utility>
#include <vector>

namespace cuact::bench {

namespace {

constexpr std::int64_t kFullCheck = std::int64_t(1) << 22;
constexpr std::int64_t kWindow = std::int64_t(1) << 20;
constexpr std::int64_t kFullAlphaCheck = std::int64_t(1) << 24;

template <class T>
std::vector<T> download(const void* p, std::int64_t begin, std::int64_t count) {
  std::vector<T> host(static_cast<std::size_t>(count));
  cuda_ok(cudaMemcpy(host.data(), static_cast<const T*>(p) + begin, count * sizeof(T),
                     cudaMemcpyDeviceToHost),
          "check: download");
  return host;
}

/// A gated case: the first rows (up to about kWindow outputs) and the last row against the
/// CPU evaluating the same functor.
template <class T>
CheckResult check_gated_typed(const BenchCase& c, std::int64_t n, const Tensors& t) {
  using C = compute_t<T>;
  const GatedDims dims = gated_dims(n);
  const bool backward = c.direction != Direction::forward;
  const auto in = download<T>(t.in0, 0, 2 * n);
  const auto dy = backward ? download<T>(t.in1, 0, n) : std::vector<T>();
  const auto out = download<T>(t.out, 0, c.out_elements(n));
  std::int64_t checked = 0;
  std::string failure;
  const auto make = [&](auto tag) {
    return detail::make_op<decltype(tag), C>(c.params.data(), c.params.size());
  };
  detail::visit_gated_functor<C>(c.activation, make, [&](const auto& op) {
    const std::int64_t first_rows = std::max<std::int64_t>(1, kWindow / dims.hidden);
    for (std::int64_t r = 0; r < dims.rows && failure.empty(); ++r) {
      if (r >= first_rows && r != dims.rows - 1) {
        continue;
      }
      for (std::int64_t col = 0; col < dims.hidden && failure.empty(); ++col) {
        const std::int64_t e = r * dims.hidden + col;
        std::int64_t g = 0;
        std::int64_t u = 0;
        switch (c.gated_layout) {
          case CUACT_GATED_GATE_FIRST:
            g = 2 * r * dims.hidden + col;
            u = g + dims.hidden;
            break;
          case CUACT_GATED_GATE_SECOND:
            u = 2 * r * dims.hidden + col;
            g = u + dims.hidden;
            break;
          case CUACT_GATED_INTERLEAVED:
            g = 2 * e;
            u = g + 1;
            break;
          case CUACT_GATED_SEPARATE:
            g = e;
            u = n + e;
            break;
        }
        const C gv = to_compute(in[g]);
        const C uv = to_compute(in[u]);
        const auto accuracy = std::decay_t<decltype(op)>::accuracy;
        const auto compare = [&](T want, T got, const char* what, double dyv) {
          if (!reference::gpu_close(want, got, accuracy, backward, Saved::input, dyv)) {
            std::ostringstream msg;
            msg << "MISMATCH in " << what << " of output " << e << ": gate " << gv << ", up "
                << uv << ", expected " << to_compute(want) << ", got " << to_compute(got);
            failure = msg.str();
          }
        };
        if (!backward) {
          compare(from_compute<T>(gated_forward_for<T>(op, gv, uv)), out[e], "out", 0.0);
        } else {
          const C dyv = to_compute(dy[e]);
          const auto d = gated_backward_for<T>(op, gv, uv, dyv);
          compare(from_compute<T>(d.gate), out[g], "dgate", dyv);
          compare(from_compute<T>(d.up), out[u], "dup", dyv);
        }
        ++checked;
      }
    }
  });
  if (!failure.empty()) {
    return {false, failure};
  }
  return {true, "ok: " + std::to_string(checked) + " outputs"};
}

template <class T>
CheckResult check_typed(const BenchCase& c, std::int64_t n, const Tensors& t) {
  using C = compute_t<T>;
  Accuracy accuracy = kBitwise;  // PReLU, RReLU, the bias alone
  if (c.family == Family::activation || (c.family == Family::bias && !c.bias_only)) {
    detail::visit_activation_tag(c.activation, [&](auto tag) {
      accuracy = decltype(tag)::template type<C>::accuracy;
    });
  }

  std::vector<std::pair<std::int64_t, std::int64_t>> windows;
  if (c.bias_only && c.direction != Direction::forward) {
    // bias_grad writes dbias alone (checked below).
  } else if (n <= kFullCheck) {
    windows.push_back({0, n});
  } else {
    windows.push_back({0, kWindow});
    windows.push_back({n - kWindow, kWindow});
  }
  ChannelDims dims{};
  std::vector<C> alpha;
  if (c.channelwise()) {
    dims = channel_dims(c, n);
    alpha = download<C>(t.alpha, 0, dims.channels * c.param_vectors());
  }
  // Snake's channel functors over the downloaded parameters (beta after alpha).
  const detail::SnakeChannel<T> snake{alpha.data(), false};
  const detail::SnakeBetaChannel<T> snakebeta{alpha.data(),
                                              alpha.data() + (c.snake_beta ? dims.channels : 0),
                                              false};
  std::int64_t checked = 0;
  for (const auto& [begin, count] : windows) {
    const auto in0 = download<T>(t.in0, begin, count);
    const auto in1 = c.inputs() > 1 ? download<T>(t.in1, begin, count) : std::vector<T>();
    const auto out = download<T>(t.out, begin, count);
    for (std::int64_t k = 0; k < count; ++k) {
      T expected = from_compute<T>(compute_t<T>(0));
      if (c.family == Family::rrelu) {
        const RRelu<C> op{static_cast<C>(kRReluLower), static_cast<C>(kRReluUpper)};
        const C a = reference::rrelu_slope<T>(op, RReluKey{kRReluSeed, kRReluOffset}, begin + k);
        expected = from_compute<T>(c.direction == Direction::forward
                                       ? op.forward(to_compute(in0[k]), a)
                                       : op.grad(to_compute(in0[k]), to_compute(in1[k]), a));
      } else if (c.family == Family::bias) {
        // x + b in the compute type, not rounded to T: the fused kernels' rule.
        const C v = to_compute(in0[k]) + alpha[((begin + k) / dims.inner) % dims.channels];
        if (c.bias_only) {
          expected = from_compute<T>(v);
        } else {
          detail::visit_activation_tag(c.activation, [&](auto tag) {
            const auto op = detail::make_op<decltype(tag), C>(c.params.data(), c.params.size());
            expected = from_compute<T>(c.direction == Direction::forward
                                           ? forward_for<T>(op, v)
                                           : grad_from_input_for<T>(op, v, to_compute(in1[k])));
          });
        }
      } else if (c.family == Family::snake) {
        const std::int64_t channel = ((begin + k) / dims.inner) % dims.channels;
        const C xv = to_compute(in0[k]);
        C terms[2];
        if (c.snake_beta) {
          const auto ch = snakebeta.channel(channel);
          expected = from_compute<T>(c.direction == Direction::forward
                                         ? snakebeta.forward(ch, xv)
                                         : snakebeta.backward(ch, xv, to_compute(in1[k]), terms));
        } else {
          C term[1];
          const auto ch = snake.channel(channel);
          expected = from_compute<T>(c.direction == Direction::forward
                                         ? snake.forward(ch, xv)
                                         : snake.backward(ch, xv, to_compute(in1[k]), term));
        }
      } else if (c.family == Family::prelu) {
        const std::int64_t channel = ((begin + k) / dims.inner) % dims.channels;
        const Prelu<C> op{alpha[channel]};
        expected =
            from_compute<T>(c.direction == Direction::forward
                                ? op.forward(to_compute(in0[k]))
                                : op.grad_from_input(to_compute(in0[k]), to_compute(in1[k])));
      } else {
        detail::visit_activation_tag(c.activation, [&](auto tag) {
          const auto op = detail::make_op<decltype(tag), C>(c.params.data(), c.params.size());
          const auto v = to_compute(in0[k]);
          switch (c.direction) {
            case Direction::forward:
            case Direction::forward_mask:
              expected = from_compute<T>(forward_for<T>(op, v));
              break;
            case Direction::backward_input:
            case Direction::backward_mask:  // the mask is of x = in0
              expected = from_compute<T>(grad_from_input_for<T>(op, v, to_compute(in1[k])));
              break;
            default:
              if constexpr (has_grad_from_output_v<std::decay_t<decltype(op)>>) {
                expected = from_compute<T>(op.grad_from_output(v, to_compute(in1[k])));
              }
          }
        });
      }
      const double dy = c.inputs() > 1 ? static_cast<double>(to_compute(in1[k])) : 0.0;
      const bool backward = c.inputs() > 1;
      if (!reference::gpu_close(expected, out[k], accuracy, backward,
                                c.direction == Direction::backward_output ? Saved::output
                                                                          : Saved::input,
                                dy)) {
        std::ostringstream msg;
        msg << "MISMATCH at element " << begin + k << ": input " << to_compute(in0[k])
            << ", expected " << to_compute(expected) << ", got " << to_compute(out[k]);
        return {false, msg.str()};
      }
    }
    checked += count;
  }

  std::ostringstream detail;
  detail << "ok: " << checked << " elements";
  if (c.direction == Direction::forward_mask) {
    // The mask words of the checked windows, from the word holding each window's start.
    for (const auto& [window_begin, window_count] : windows) {
      const std::int64_t begin = window_begin / 32 * 32;
      const std::int64_t count = window_begin + window_count - begin;
      const auto in0 = download<T>(t.in0, begin, count);
      const auto words = download<std::uint32_t>(t.workspace, begin / 32, mask_words(count));
      std::string failure;
      detail::visit_activation_tag(c.activation, [&](auto tag) {
        const auto op = detail::make_op<decltype(tag), C>(c.params.data(), c.params.size());
        if constexpr (has_mask_v<std::decay_t<decltype(op)>>) {
          const auto want = reference::mask(op, in0.data(), count);
          for (std::size_t w = 0; w < want.size() && failure.empty(); ++w) {
            if (want[w] != words[w]) {
              failure = "MISMATCH in mask word " + std::to_string(begin / 32 + w);
            }
          }
        }
      });
      if (!failure.empty()) {
        return {false, failure};
      }
    }
    detail << " and the mask";
  }
  if (c.channelwise() && c.direction == Direction::backward_channelwise) {
    const char* grad = c.family == Family::bias ? "dbias" : "dalpha";
    if (n > kFullAlphaCheck) {
      detail << ", " << grad << " not checked at this size";
    } else {
      // Each channel's gradient against the sum of its terms in double (PReLU's x*dy where
      // x <= 0; bias's dx as returned, bias_grad's dy), within the bound of a sum that long.
      const auto x = download<T>(t.in0, 0, n);
      const auto dy = download<T>(t.in1, 0, n);
      // Snake: each parameter vector's gradient (dbeta after dalpha).
      const std::int64_t grads = dims.channels * c.param_vectors();
      const auto got = download<C>(t.dalpha, 0, grads);
      std::vector<double> sum(static_cast<std::size_t>(grads));
      std::vector<double> abs_sum(static_cast<std::size_t>(grads));
      const PreluShape shape{dims.outer, dims.channels, dims.inner};
      const auto flatten = [&](const reference::ParamGrads& g) {
        for (std::size_t term = 0; term < g.sum.size(); ++term) {
          std::copy(g.sum[term].begin(), g.sum[term].end(), sum.begin() + term * dims.channels);
          std::copy(g.abs_sum[term].begin(), g.abs_sum[term].end(),
                    abs_sum.begin() + term * dims.channels);
        }
      };
      if (c.family == Family::snake) {
        flatten(c.snake_beta
                    ? reference::channel_backward(snakebeta, x.data(), dy.data(), nullptr, shape)
                    : reference::channel_backward(snake, x.data(), dy.data(), nullptr, shape));
      } else if (c.family == Family::prelu) {
        const auto ref =
            reference::prelu_backward<T>(x.data(), dy.data(), alpha.data(), nullptr,
                                         PreluShape{dims.outer, dims.channels, dims.inner});
        sum.assign(ref.sum.begin(), ref.sum.end());
        abs_sum.assign(ref.abs_sum.begin(), ref.abs_sum.end());
      } else {
        const auto op_of = [&](auto tag) {
          return detail::make_op<decltype(tag), C>(c.params.data(), c.params.size());
        };
        for (std::int64_t i = 0; i < n; ++i) {
          const auto ch = static_cast<std::size_t>((i / dims.inner) % dims.channels);
          double dx = static_cast<double>(to_compute(dy[i]));
          if (!c.bias_only) {
            detail::visit_activation_tag(c.activation, [&](auto tag) {
              const C v = to_compute(x[i]) + alpha[ch];
              dx = static_cast<double>(to_compute(
                  from_compute<T>(grad_from_input_for<T>(op_of(tag), v, to_compute(dy[i])))));
            });
          }
          sum[ch] += dx;
          abs_sum[ch] += std::fabs(dx);
        }
      }
      for (std::int64_t ch = 0; ch < grads; ++ch) {
        const auto k = static_cast<std::size_t>(ch);
        const double tol = reference::dalpha_tolerance<T>(abs_sum[k], n / dims.channels);
        if (!(std::fabs(static_cast<double>(got[k]) - sum[k]) <= tol)) {
          std::ostringstream msg;
          msg << "MISMATCH in " << (ch < dims.channels ? grad : "dbeta") << "["
              << ch % dims.channels << "]: expected " << sum[k] << ", got " << got[k]
              << " (tolerance " << tol << ")";
          return {false, msg.str()};
        }
      }
      if (checked == 0) {  // bias_grad: dbias is its only output
        detail.str("");
        detail << "ok: " << grad;
      } else {
        detail << " and " << grad;
      }
    }
  }
  return {true, detail.str()};
}

}  // namespace

CheckResult check_case(const BenchCase& c, std::int64_t n, const Tensors& t, cudaStream_t stream) {
  cuda_ok(cudaStreamSynchronize(stream), "check: synchronize");
  CheckResult result{false, "unknown dtype"};
  detail::visit_dtype(c.dtype, [&](auto tag) {
    result = c.family == Family::gated ? check_gated_typed<decltype(tag)>(c, n, t)
                                       : check_typed<decltype(tag)>(c, n, t);
  });
  return result;
}

}  // namespace cuact::bench
