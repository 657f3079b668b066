// libFuzzer target for the C API's argument handling: each input is a sequence of C API calls
// whose every argument (enum values, parameters as doubles, counts, shapes, pointers and their
// overlaps, workspace sizes) comes from the input's bytes. The CUDA runtime is replaced by the
// stand-ins of tests/host_calls (linked with -Wl,--wrap), so a call that passes its checks
// goes on to plan and "launch" exactly as on a GPU, where nothing runs: the fuzzer reaches
// every host path without a device. Built with ASan and UBSan; a finding is a crash, a
// sanitizer report, or a broken promise of the C API checked below.
#include <cuact/cuact.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <limits>

namespace {

/// Reads the input's bytes as values, zeros once they run out.
class Reader {
 public:
  Reader(const std::uint8_t* data, std::size_t size) : data_(data), size_(size) {}
  bool empty() const { return pos_ >= size_; }

  template <class T>
  T take() {
    T v{};
    std::uint8_t bytes[sizeof(T)] = {};
    for (std::size_t i = 0; i < sizeof(T) && pos_ < size_; ++i) {
      bytes[i] = data_[pos_++];
    }
    std::memcpy(&v, bytes, sizeof(T));
    return v;
  }
  std::uint8_t byte() { return take<std::uint8_t>(); }

  /// A count or dimension: small, near a power of two, or any 64-bit value.
  std::int64_t count() {
    switch (byte() % 4) {
      case 0:
        return byte() % 70;
      case 1: {
        const int k = byte() % 64;
        const int delta = static_cast<int>(byte() % 5) - 2;
        // In unsigned arithmetic (2^63 + delta wraps), then as int64 (modular in C++20 and in
        // every compiler before it).
        return static_cast<std::int64_t>(
            (std::uint64_t{1} << k) + static_cast<std::uint64_t>(static_cast<std::int64_t>(delta)));
      }
      case 2:
        return -static_cast<std::int64_t>(byte());
      default:
        return take<std::int64_t>();
    }
  }
  /// A parameter: a usual value, an edge of float or double, or any double's bits.
  double param() {
    static constexpr double kEdges[] = {0.0,          -0.0,           1.0,      -1.0,      0.5,
                                        3.0,          1e-300,         1e300,    1e-40,     3.5e38,
                                        -1e-60,       0x1.ffffffp127, INFINITY, -INFINITY, NAN,
                                        2147483648.0, -2147483649.0,  1.5};
    const std::uint8_t how = byte();
    if (how % 3 == 0) {
      return kEdges[byte() % (sizeof kEdges / sizeof kEdges[0])];
    }
    if (how % 3 == 1) {
      return static_cast<double>(static_cast<std::int8_t>(byte())) / 4;
    }
    return take<double>();
  }
  /// An enum value: usually in range, sometimes any int.
  int enum_value(int count) {
    const std::uint8_t how = byte();
    return how < 224 ? how % (count + 1) : take<int>();
  }

 private:
  const std::uint8_t* data_;
  std::size_t size_;
  std::size_t pos_ = 0;
};

/// Device pointers the calls get: never dereferenced (the stand-in launches run nothing), so
/// any address serves; null, a few buffers and offsets into them, so that calls see every
/// alignment, exact aliasing and partial overlap.
void* pointer(Reader& r) {
  const std::uint8_t how = r.byte();
  if (how % 8 == 0) {
    return nullptr;
  }
  const std::uintptr_t base = (std::uintptr_t{1} << 40) * (1 + how % 3);
  return reinterpret_cast<void*>(base + r.byte() % 64);
}

cuact_activation op_of(Reader& r) { return cuact_activation{r.enum_value(24)}; }
cuact_dtype dtype_of(Reader& r) { return cuact_dtype{r.enum_value(4)}; }
cuact_saved saved_of(Reader& r) { return cuact_saved{r.enum_value(3)}; }
cuact_gated_layout layout_of(Reader& r) { return cuact_gated_layout{r.enum_value(4)}; }

/// The C API's promises about a status: one of the four, and a message on failure.
void expect_status(cuact_status s) {
  if (s != CUACT_STATUS_SUCCESS && s != CUACT_STATUS_INVALID_ARGUMENT &&
      s != CUACT_STATUS_CUDA_ERROR) {
    // An internal error means an argument passed the checks and broke something later.
    std::fprintf(stderr, "status %d: %s\n", static_cast<int>(s), cuact_last_error());
    std::abort();
  }
  if (s != CUACT_STATUS_SUCCESS && std::strlen(cuact_last_error()) == 0) {
    std::fprintf(stderr, "status %d without a message\n", static_cast<int>(s));
    std::abort();
  }
}

void one_call(Reader& r) {
  cudaStream_t stream = nullptr;
  double params[4];
  const auto fill_params = [&] {
    for (double& p : params) {
      p = r.param();
    }
    return static_cast<int>(r.byte() % 6) - 1;  // num_params: -1 .. 4
  };
  switch (r.byte() % 25) {
    case 0: {
      const cuact_activation op = op_of(r);
      const double p = r.param();
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* y = pointer(r);
      expect_status(cuact_activation_forward(op, p, d, x, y, r.count(), stream));
      break;
    }
    case 1: {
      const cuact_activation op = op_of(r);
      const double p = r.param();
      const cuact_saved s = saved_of(r);
      const cuact_dtype d = dtype_of(r);
      void* v = pointer(r);
      void* dy = pointer(r);
      void* dx = pointer(r);
      expect_status(cuact_activation_backward(op, p, s, d, v, dy, dx, r.count(), stream));
      break;
    }
    case 2: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* y = pointer(r);
      expect_status(cuact_activation_forward_params(op, r.byte() % 16 == 0 ? nullptr : params, np,
                                                    d, x, y, r.count(), stream));
      break;
    }
    case 3: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_saved s = saved_of(r);
      const cuact_dtype d = dtype_of(r);
      void* v = pointer(r);
      void* dy = pointer(r);
      void* dx = pointer(r);
      expect_status(
          cuact_activation_backward_params(op, params, np, s, d, v, dy, dx, r.count(), stream));
      break;
    }
    case 4: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* y = pointer(r);
      auto* mask = static_cast<std::uint32_t*>(pointer(r));
      expect_status(
          cuact_activation_forward_mask(op, params, np, d, x, y, mask, r.count(), stream));
      break;
    }
    case 5: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* y = pointer(r);
      const std::int64_t n = r.count();
      const double lower = r.param();
      const double upper = r.param();
      expect_status(cuact_rrelu_forward(d, x, y, n, lower, upper, r.byte() % 2,
                                        r.take<std::uint64_t>(), r.take<std::uint64_t>(), stream));
      break;
    }
    case 6: {
      const cuact_dtype d = dtype_of(r);
      void* v = pointer(r);
      void* dy = pointer(r);
      void* dx = pointer(r);
      const std::int64_t n = r.count();
      const double lower = r.param();
      const double upper = r.param();
      const int training = r.byte() % 2;
      const std::uint64_t seed = r.take<std::uint64_t>();
      const std::uint64_t offset = r.take<std::uint64_t>();
      expect_status(cuact_rrelu_backward(d, v, dy, dx, n, lower, upper, training, seed, offset,
                                         saved_of(r), stream));
      break;
    }
    case 7: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_gated_layout l = layout_of(r);
      const cuact_dtype d = dtype_of(r);
      void* gate = pointer(r);
      void* up = pointer(r);
      void* out = pointer(r);
      const std::int64_t rows = r.count();
      expect_status(
          cuact_gated_forward(op, params, np, l, d, gate, up, out, rows, r.count(), stream));
      break;
    }
    case 8: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_gated_layout l = layout_of(r);
      const cuact_dtype d = dtype_of(r);
      void* gate = pointer(r);
      void* up = pointer(r);
      void* dy = pointer(r);
      void* dgate = pointer(r);
      void* dup = pointer(r);
      const std::int64_t rows = r.count();
      expect_status(cuact_gated_backward(op, params, np, l, d, gate, up, dy, dgate, dup, rows,
                                         r.count(), stream));
      break;
    }
    case 9: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* alpha = pointer(r);
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      expect_status(cuact_prelu_forward(d, x, alpha, y, outer, channels, r.count(), stream));
      break;
    }
    case 10: {
      const cuact_dtype d = dtype_of(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      std::size_t bytes = 0;
      const cuact_status s = cuact_prelu_backward_workspace_size(
          d, outer, channels, inner, r.byte() % 16 == 0 ? nullptr : &bytes);
      expect_status(s);
      break;
    }
    case 11: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* dy = pointer(r);
      void* alpha = pointer(r);
      void* dx = pointer(r);
      void* dalpha = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const int accumulate = r.byte() % 3 - 1;
      void* workspace = pointer(r);
      const auto workspace_bytes = static_cast<std::size_t>(r.count());
      expect_status(cuact_prelu_backward(d, x, dy, alpha, dx, dalpha, outer, channels, inner,
                                         accumulate, workspace, workspace_bytes, stream));
      break;
    }
    case 12: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* bias = pointer(r);
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      expect_status(cuact_bias_forward(op, params, np, d, x, bias, y, outer, channels, r.count(),
                                       stream));
      break;
    }
    case 13: {
      const cuact_dtype d = dtype_of(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      std::size_t bytes = 0;
      expect_status(cuact_bias_backward_workspace_size(d, outer, channels, inner,
                                                       r.byte() % 16 == 0 ? nullptr : &bytes));
      break;
    }
    case 14: {
      const cuact_activation op = op_of(r);
      const int np = fill_params();
      const cuact_saved s = saved_of(r);
      const cuact_dtype d = dtype_of(r);
      void* v = pointer(r);
      void* dy = pointer(r);
      void* bias = pointer(r);
      void* dx = pointer(r);
      void* dbias = pointer(r);
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const int accumulate = r.byte() % 3 - 1;
      void* workspace = pointer(r);
      const auto workspace_bytes = static_cast<std::size_t>(r.count());
      expect_status(cuact_bias_backward(op, params, np, s, d, v, dy, bias, dx, dbias, y, outer,
                                        channels, inner, accumulate, workspace, workspace_bytes,
                                        stream));
      break;
    }
    case 15: {
      const cuact_dtype d = dtype_of(r);
      const void* x = pointer(r);
      const void* bias = pointer(r);
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      expect_status(cuact_bias_add(d, x, bias, y, outer, channels, inner, stream));
      break;
    }
    case 16: {
      const cuact_dtype d = dtype_of(r);
      const void* dy = pointer(r);
      void* dbias = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const int accumulate = r.byte() % 3 - 1;
      void* workspace = pointer(r);
      const auto workspace_bytes = static_cast<std::size_t>(r.count());
      expect_status(cuact_bias_grad(d, dy, dbias, outer, channels, inner, accumulate, workspace,
                                    workspace_bytes, stream));
      break;
    }
    case 17: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* alpha = pointer(r);
      void* beta = r.byte() % 2 == 0 ? pointer(r) : nullptr;  // snakebeta, else snake
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const cuact_param_scale scale{r.enum_value(2)};
      expect_status(beta != nullptr
                        ? cuact_snakebeta_forward(d, x, alpha, beta, y, outer, channels, inner,
                                                  scale, stream)
                        : cuact_snake_forward(d, x, alpha, y, outer, channels, inner, scale,
                                              stream));
      break;
    }
    case 18: {
      const cuact_dtype d = dtype_of(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      std::size_t bytes = 0;
      std::size_t* out = r.byte() % 16 == 0 ? nullptr : &bytes;
      expect_status(r.byte() % 2 == 0
                        ? cuact_snake_backward_workspace_size(d, outer, channels, inner, out)
                        : cuact_snakebeta_backward_workspace_size(d, outer, channels, inner, out));
      break;
    }
    case 19:
    case 20: {
      const bool beta_call = r.byte() % 2 == 0;
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* dy = pointer(r);
      void* alpha = pointer(r);
      void* beta = pointer(r);
      void* dx = pointer(r);
      void* dalpha = pointer(r);
      void* dbeta = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const cuact_param_scale scale{r.enum_value(2)};
      const int accumulate = r.byte() % 3 - 1;
      void* workspace = pointer(r);
      const auto workspace_bytes = static_cast<std::size_t>(r.count());
      expect_status(beta_call ? cuact_snakebeta_backward(d, x, dy, alpha, beta, dx, dalpha, dbeta,
                                                         outer, channels, inner, scale, accumulate,
                                                         workspace, workspace_bytes, stream)
                              : cuact_snake_backward(d, x, dy, alpha, dx, dalpha, outer, channels,
                                                     inner, scale, accumulate, workspace,
                                                     workspace_bytes, stream));
      break;
    }
    case 21: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* alpha = pointer(r);
      void* gamma = pointer(r);
      void* beta = pointer(r);
      void* y = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      if (r.byte() % 4 == 0) {
        std::size_t bytes = 0;
        expect_status(cuact_dyt_backward_workspace_size(d, outer, channels, inner,
                                                        r.byte() % 16 == 0 ? nullptr : &bytes));
      } else {
        expect_status(
            cuact_dyt_forward(d, x, alpha, gamma, beta, y, outer, channels, inner, stream));
      }
      break;
    }
    case 22: {
      const cuact_dtype d = dtype_of(r);
      void* x = pointer(r);
      void* dy = pointer(r);
      void* alpha = pointer(r);
      void* gamma = pointer(r);
      void* dx = pointer(r);
      void* dalpha = pointer(r);
      void* dgamma = pointer(r);
      void* dbeta = pointer(r);
      const std::int64_t outer = r.count();
      const std::int64_t channels = r.count();
      const std::int64_t inner = r.count();
      const int accumulate = r.byte() % 3 - 1;
      void* workspace = pointer(r);
      const auto workspace_bytes = static_cast<std::size_t>(r.count());
      expect_status(cuact_dyt_backward(d, x, dy, alpha, gamma, dx, dalpha, dgamma, dbeta, outer,
                                       channels, inner, accumulate, workspace, workspace_bytes,
                                       stream));
      break;
    }
    default: {
      // Introspection never fails and never crashes, whatever it is asked.
      const cuact_activation op = op_of(r);
      // Shifted down to reach negative indices; in 64 bits, as enum_value may be INT_MIN.
      const auto shifted = [](int v, int by) {
        return static_cast<int>(std::max<std::int64_t>(std::int64_t{v} - by, INT_MIN));
      };
      const int index = shifted(r.enum_value(6), 1);
      (void)cuact_activation_name(op);
      (void)cuact_activation_param_count(op);
      (void)cuact_activation_param_name(op, index);
      (void)cuact_activation_param_default(op, index);
      (void)cuact_activation_accuracy_ulp(op, index);
      (void)cuact_activation_has_mask(op);
      (void)cuact_mask_words(r.count());
      (void)cuact_activation_at(shifted(r.enum_value(30), 2));
      (void)cuact_status_string(cuact_status{r.enum_value(5)});
      break;
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  Reader r(data, size);
  for (int calls = 0; calls < 16 && !r.empty(); ++calls) {
    one_call(r);
  }
  return 0;
}
