// The gated activations on the GPU against the CPU reference (the same functors, element by
// element, with each layout's indexing written out here independently of the kernels' map):
// every layout x element type x a set of activations, forward and backward, on shapes that
// take the vector path, the element path (odd hidden) and misaligned pointers, with the
// backward written over its inputs too, and outputs poisoned first so that every element
// must be written. Tolerance: the activation's accuracy class (reference::gpu_close).
#include <cuact/gated.hpp>

#include "host/op_registry.hpp"
#include "tests/support/device_buffer.hpp"
#include "tests/support/expect_invalid.hpp"
#include "tests/support/gated_layout.hpp"
#include "tests/support/gpu_environment.hpp"
#include "tests/support/test_data.hpp"
#include "tests/support/ulp.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstring>
#include <ostream>
#include <string>
#include <tuple>
#include <vector>

namespace cuact::test {
namespace {

enum class GatedOp { swiglu, geglu, geglu_tanh, reglu, glu, quick_geglu, clamped_swiglu };
const char* const kGatedOpNames[] = {"swiglu", "geglu",       "geglu_tanh",    "reglu",
                                     "glu",    "quick_geglu", "clamped_swiglu"};
const char* const kLayoutNames[] = {"gate_first", "gate_second", "interleaved", "separate"};

void PrintTo(GatedOp op, std::ostream* os) { *os << kGatedOpNames[static_cast<int>(op)]; }

/// Calls fn with the gated functor `op` in compute type C.
template <class C, class Fn>
void with_gated_op(GatedOp op, Fn&& fn) {
  switch (op) {
    case GatedOp::swiglu:
      return fn(Swiglu<C>{});
    case GatedOp::geglu:
      return fn(Geglu<C>{});
    case GatedOp::geglu_tanh:
      return fn(Geglu<C>{Gelu<C>{GeluApproximate::tanh}});
    case GatedOp::reglu:
      return fn(Reglu<C>{});
    case GatedOp::glu:
      return fn(Glu<C>{});
    case GatedOp::quick_geglu:
      return fn(QuickGeglu<C>{});
    case GatedOp::clamped_swiglu:
      return fn(ClampedSwiglu<C>{C(1.702), C(3)});  // a limit the data [-4, 4] reaches
  }
}

using Case = std::tuple<GatedOp, Dtype, int>;

class GatedGpu : public GpuTestWithParam<Case> {};

template <class T>
void expect_close(const std::vector<T>& want, const std::vector<T>& got, const Accuracy& a,
                  bool backward, const std::string& what) {
  ASSERT_EQ(want.size(), got.size());
  int shown = 0;
  for (std::size_t i = 0; i < want.size(); ++i) {
    if (!reference::gpu_close(want[i], got[i], a, backward, Saved::input, 3.0)) {
      ADD_FAILURE() << what << ": element " << i << ": want " << to_compute(want[i]) << ", got "
                    << to_compute(got[i]);
      if (++shown == 5) {
        return;
      }
    }
  }
}

template <class T, class G>
void check_shape(const G& op, GatedLayout layout, std::int64_t rows, std::int64_t hidden,
                 std::int64_t offset) {
  using C = compute_t<T>;
  const std::int64_t n = rows * hidden;
  const bool separate = layout == GatedLayout::separate;
  const std::string what = std::string(kLayoutNames[static_cast<int>(layout)]) + " rows " +
                           std::to_string(rows) + " hidden " + std::to_string(hidden) +
                           " offset " + std::to_string(offset);
  // Inputs: packed [rows, 2 hidden], or gate then up in one allocation.
  const std::vector<T> in = random_vector<T>(2 * n, -4.0, 4.0, 11);
  const std::vector<T> dy = random_vector<T>(n, -3.0, 3.0, 12);
  std::vector<T> want_out(n), want_din(2 * n);
  for (std::int64_t r = 0; r < rows; ++r) {
    for (std::int64_t c = 0; c < hidden; ++c) {
      const Where w = where(layout, r, c, hidden);
      const std::int64_t up_at = separate ? n + w.up : w.up;
      const C g = to_compute(in[w.gate]);
      const C u = to_compute(in[up_at]);
      const std::int64_t e = r * hidden + c;
      want_out[e] = from_compute<T>(gated_forward_for<T>(op, g, u));
      const auto d = gated_backward_for<T>(op, g, u, to_compute(dy[e]));
      want_din[w.gate] = from_compute<T>(d.gate);
      want_din[up_at] = from_compute<T>(d.up);
    }
  }
  // Device buffers `offset` elements past an allocation's start (offset 1: misaligned).
  TestDeviceBuffer<T> in_d(2 * n + offset), dy_d(n + offset), out_d(2 * n + offset);
  const auto upload = [&](TestDeviceBuffer<T>& b, const std::vector<T>& v) {
    CUACT_TEST_CUDA(
        cudaMemcpy(b.get() + offset, v.data(), v.size() * sizeof(T), cudaMemcpyHostToDevice));
  };
  const auto download = [&](const T* p, std::int64_t count) {
    std::vector<T> v(count);
    CUACT_TEST_CUDA(cudaMemcpy(v.data(), p, count * sizeof(T), cudaMemcpyDeviceToHost));
    return v;
  };
  const auto poison = [&](TestDeviceBuffer<T>& b) {
    CUACT_TEST_CUDA(cudaMemset(b.get(), 0xFF, b.size() * sizeof(T)));
  };
  upload(in_d, in);
  upload(dy_d, dy);
  const T* x = in_d.get() + offset;
  T* out = out_d.get() + offset;

  poison(out_d);
  if (separate) {
    gated_forward(op, x, x + n, out, rows, hidden, nullptr);
  } else {
    gated_forward(op, layout, x, out, rows, hidden, nullptr);
  }
  expect_close(want_out, download(out, n), G::accuracy, false, what + " forward");

  poison(out_d);
  if (separate) {
    gated_backward(op, x, x + n, dy_d.get() + offset, out, out + n, rows, hidden, nullptr);
  } else {
    gated_backward(op, layout, x, dy_d.get() + offset, out, rows, hidden, nullptr);
  }
  expect_close(want_din, download(out, 2 * n), G::accuracy, true, what + " backward");

  // Exactly in place: the gradients over the inputs.
  T* xin = in_d.get() + offset;
  if (separate) {
    gated_backward(op, xin, xin + n, dy_d.get() + offset, xin, xin + n, rows, hidden, nullptr);
  } else {
    gated_backward(op, layout, xin, dy_d.get() + offset, xin, rows, hidden, nullptr);
  }
  expect_close(want_din, download(xin, 2 * n), G::accuracy, true, what + " backward in place");
  CUACT_TEST_CUDA(cudaDeviceSynchronize());
}

TEST_P(GatedGpu, MatchesTheCpuReferenceInEveryPathForwardBackwardAndInPlace) {
  const auto [op_id, dtype, layout_id] = GetParam();
  const auto layout = static_cast<GatedLayout>(layout_id);
  with_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    with_gated_op<compute_t<T>>(op_id, [&](const auto& op) {
      const std::int64_t vec = 16 / sizeof(T);
      check_shape<T>(op, layout, 3, 4 * vec, 0);     // the vector path
      check_shape<T>(op, layout, 257, 8 * vec, 0);   // several grid strides
      check_shape<T>(op, layout, 5, 13, 0);          // odd hidden: the element path
      check_shape<T>(op, layout, 4, 2 * vec, 1);     // misaligned pointers
      check_shape<T>(op, layout, 0, 8, 0);           // nothing to do
    });
  });
}

INSTANTIATE_TEST_SUITE_P(
    AllLayouts, GatedGpu,
    ::testing::Combine(::testing::Values(GatedOp::swiglu, GatedOp::geglu, GatedOp::geglu_tanh,
                                         GatedOp::reglu, GatedOp::glu, GatedOp::quick_geglu,
                                         GatedOp::clamped_swiglu),
                       ::testing::ValuesIn(kAllDtypes), ::testing::Values(0, 1, 2, 3)),
    [](const ::testing::TestParamInfo<Case>& info) {
      return std::string(kGatedOpNames[static_cast<int>(std::get<0>(info.param))]) + "_" +
             dtype_name(std::get<1>(info.param)) + "_" +
             kLayoutNames[std::get<2>(info.param)];
    });

using EveryCase = std::tuple<Dtype, int>;
class GatedEveryActivationGpu : public GpuTestWithParam<EveryCase> {};

/// Every unary activation of the registry, gated, at its defaults: one vector-path and one
/// element-path shape per layout and element type.
TEST_P(GatedEveryActivationGpu, MatchesTheCpuReference) {
  const auto [dtype, layout_id] = GetParam();
  with_dtype(dtype, [&](auto tag) {
    using T = decltype(tag);
    detail::for_each_activation([&](auto op_tag) {
      const Gated<typename decltype(op_tag)::template type<compute_t<T>>> op{};
      SCOPED_TRACE(decltype(op_tag)::info::name);
      const std::int64_t vec = 16 / sizeof(T);
      check_shape<T>(op, static_cast<GatedLayout>(layout_id), 9, 4 * vec, 0);
      check_shape<T>(op, static_cast<GatedLayout>(layout_id), 3, 7, 0);
    });
  });
}

INSTANTIATE_TEST_SUITE_P(AllLayouts, GatedEveryActivationGpu,
                         ::testing::Combine(::testing::ValuesIn(kAllDtypes),
                                            ::testing::Values(0, 1, 2, 3)),
                         [](const ::testing::TestParamInfo<EveryCase>& info) {
                           return std::string(dtype_name(std::get<0>(info.param))) + "_" +
                                  kLayoutNames[std::get<1>(info.param)];
                         });

class GatedLayerGpu : public GpuTest {};

TEST_F(GatedLayerGpu, KeepsItsInputsForTheBackwardAndCanBeCapturedInAGraph) {
  using T = __nv_bfloat16;
  const std::int64_t rows = 64, hidden = 256, n = rows * hidden;
  const std::vector<T> in = random_vector<T>(2 * n, -4.0, 4.0, 3);
  const std::vector<T> dy = random_vector<T>(n, -1.0, 1.0, 4);
  TestDeviceBuffer<T> x(2 * n), g(n), y(n), y_ref(n), din(2 * n), din_ref(2 * n);
  x.upload(in);
  g.upload(dy);
  const Swiglu<float> op;
  gated_forward(op, GatedLayout::interleaved, x.get(), y_ref.get(), rows, hidden, nullptr);
  gated_backward(op, GatedLayout::interleaved, x.get(), g.get(), din_ref.get(), rows, hidden,
                 nullptr);

  GatedActivationLayer<T> layer(op, GatedLayout::interleaved);
  cudaStream_t stream;
  CUACT_TEST_CUDA(cudaStreamCreate(&stream));
  cudaGraph_t graph;
  cudaGraphExec_t exec;
  CUACT_TEST_CUDA(cudaStreamBeginCapture(stream, cudaStreamCaptureModeGlobal));
  layer.forward(x.get(), y.get(), rows, hidden, stream);
  layer.backward(g.get(), din.get(), stream);
  CUACT_TEST_CUDA(cudaStreamEndCapture(stream, &graph));
  CUACT_TEST_CUDA(cudaGraphInstantiate(&exec, graph, 0));
  CUACT_TEST_CUDA(cudaGraphLaunch(exec, stream));
  CUACT_TEST_CUDA(cudaStreamSynchronize(stream));
  EXPECT_EQ(0, std::memcmp(y.download().data(), y_ref.download().data(), n * sizeof(T)));
  EXPECT_EQ(0, std::memcmp(din.download().data(), din_ref.download().data(), 2 * n * sizeof(T)));
  CUACT_TEST_CUDA(cudaGraphExecDestroy(exec));
  CUACT_TEST_CUDA(cudaGraphDestroy(graph));
  CUACT_TEST_CUDA(cudaStreamDestroy(stream));

  // The layout is the layer's; the backward needs a forward first.
  GatedActivationLayer<T> separate(ClampedSwiglu<float>{}, GatedLayout::separate);
  test::expect_invalid_argument(
      [&] { separate.backward(g.get(), din.get(), din.get() + n, nullptr); },
      "GatedActivationLayer::backward: no forward pass to take the gradient of");
  test::expect_invalid_argument(
      [&] { separate.forward(x.get(), y.get(), rows, hidden, nullptr); },
      "GatedActivationLayer::forward: the layer's layout is GatedLayout::separate: pass gate "
      "and up (and dgate and dup)");
  test::expect_invalid_argument(
      [&] { GatedActivationLayer<T>(ClampedSwiglu<float>{1.0f, -1.0f}, GatedLayout::separate); },
      "GatedActivationLayer: 'limit' must be > 0, got -1");
}

}  // namespace
}  // namespace cuact::test
