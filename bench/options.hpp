// Command-line options of cuact_bench.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace cuact::bench {

/// The largest --sizes value is 2^kMaxSizeLog2 elements.
inline constexpr int kMaxSizeLog2 = 40;

struct Options {
  std::vector<std::string>
      ops;  // empty: all (relu ... relu6, prelu_nchw, prelu_nchw7x7, prelu_nhwc, prelu_nhwc3)
  std::vector<std::string> dtypes;      // empty: all (f32, f64, f16, bf16)
  std::vector<std::string> directions;  // empty: all (forward, backward_input,
                                        // backward_output, backward)
  std::vector<std::int64_t> sizes;      // elements; default 2^12, 2^14, ..., 2^28
  int reps = 25;                        // timed repetitions per measurement (>= 20)
  std::string csv_path;                 // also write CSV here ("-": stdout)
  std::string json_path;                // also write JSON here ("-": stdout)
  bool profile = false;                 // run each kernel a few times for nsys/ncu; no timing
  bool check = true;                    // compare with the CPU reference before timing
};

/// Parses argv. Throws std::invalid_argument with a message naming the option, the bad value
/// and what is accepted; prints usage and exits 0 for --help.
Options parse_options(int argc, char** argv);

}  // namespace cuact::bench
