// expect_call_tensors (entry_point.hpp): the tensor checks every entry point runs.
#include "host/entry_point.hpp"

#include <array>
#include <cstddef>
#include <cstdint>
#include <string>

namespace cuact::detail {

namespace {
ByteRange range_of(const Tensor& t) { return {t.name, t.p, t.bytes}; }
}  // namespace

void expect_call_tensors(const char* fn, std::int64_t n, std::initializer_list<Tensor> inputs,
                         std::initializer_list<Tensor> outputs) {
  for (const auto& list : {inputs, outputs}) {
    for (const Tensor& t : list) {
      if (!t.nullable) {
        expect_not_null(fn, t.name, t.p, n);
      }
      if (t.word_bytes != 0 && reinterpret_cast<std::uintptr_t>(t.p) % t.word_bytes != 0) {
        throw_invalid_argument(fn, std::string("'") + t.name + "' must be " +
                                       std::to_string(t.word_bytes) +
                                       "-byte aligned (an array of " +
                                       std::to_string(8 * t.word_bytes) + "-bit words)");
      }
    }
  }
  for (const Tensor& out : outputs) {
    for (const Tensor& in : inputs) {
      if (out.apart || in.apart) {
        expect_disjoint(fn, range_of(out), range_of(in));
      } else {
        expect_same_or_disjoint(fn, range_of(out), range_of(in));
      }
    }
  }
  for (auto a = outputs.begin(); a != outputs.end(); ++a) {
    for (auto b = a + 1; b != outputs.end(); ++b) {
      const bool later_first = b->apart && !a->apart;
      expect_disjoint(fn, range_of(later_first ? *b : *a), range_of(later_first ? *a : *b));
    }
  }
  // No call has more than kMaxTensors tensors (DyT's backward has nine: the runtime-calls
  // test runs it through here, where a ninth once hit the old limit of eight).
  constexpr std::size_t kMaxTensors = 12;
  std::array<ByteRange, kMaxTensors> all{};
  std::size_t count = 0;
  for (const auto& list : {inputs, outputs}) {
    for (const Tensor& t : list) {
      if (count == kMaxTensors) {
        throw_invalid_argument(fn, "internal error: more than " + std::to_string(kMaxTensors) + " tensors to check");
      }
      all[count++] = range_of(t);
    }
  }
  expect_device_accessible(fn, all.data(), count);
}

}  // namespace cuact::detail
