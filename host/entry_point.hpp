// The preamble every public entry point runs: its name, for messages and its NVTX range
// (CUACT_ENTRY_POINT), and the checks of its tensors (expect_call_tensors), so that an entry
// point states its tensors and their rules once instead of writing the checks out.
#pragma once

#include "host/argument_checks.hpp"
#include "host/nvtx.hpp"

#include <cstddef>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <utility>

namespace cuact::detail {

/// A public function's name as messages ("relu_forward: ...") and Nsight Systems
/// ("cuact::relu_forward") show it.
struct EntryName {
  std::string fn;
  std::string range;
  explicit EntryName(std::string name) : fn(std::move(name)), range("cuact::" + fn) {}
};

/// One tensor of a call, for expect_call_tensors.
struct Tensor {
  const char* name;
  const void* p;
  std::int64_t bytes;
  /// Apart from every other tensor of the call, never in place: a mask, a parameter, its
  /// gradient, a workspace, a key; an input of another extent than the outputs (a packed
  /// gated input under its output).
  bool apart = false;
  /// May be null (an output the call does not write, a key passed by value); a null one is
  /// left out of every check.
  bool nullable = false;
  /// An array of words of this many bytes (a mask's 4), which it must be aligned to; 0: none.
  std::size_t word_bytes = 0;
};

/// The tensor checks of a call over n > 0 elements, in this order, each throwing
/// invalid_argument naming `fn`: every tensor not null ("'x' is null but n = 5") and aligned to
/// its words, inputs then outputs, in the order given; every output against every input: exactly
/// that input (in place) or apart from it, and apart when either is marked apart ("'y' overlaps 'x'
/// ..."); the outputs apart from each other (an apart one named first, otherwise the earlier); and
/// every tensor usable by the current device.
void expect_call_tensors(const char* fn, std::int64_t n, std::initializer_list<Tensor> inputs,
                         std::initializer_list<Tensor> outputs);

}  // namespace cuact::detail

/// Opens the entry point's NVTX range and defines `fn` (const char*), its name, from
/// `name_expr` (a std::string or a literal), made once per function (or instantiation).
#define CUACT_ENTRY_POINT(name_expr)                                   \
  static const ::cuact::detail::EntryName cuact_entry_name{name_expr}; \
  CUACT_NVTX_RANGE(cuact_entry_name.range.c_str());                    \
  const char* const fn = cuact_entry_name.fn.c_str()
