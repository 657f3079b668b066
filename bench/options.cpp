#include "bench/options.hpp"

#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <stdexcept>

namespace cuact::bench {

namespace {

constexpr const char* kUsage = R"(usage: cuact_bench [options]

Times every cuact operation against the same-run device-to-device copy bandwidth, after
checking its result against the CPU reference.

  --op LIST         relu,leaky_relu,elu,selu,celu,relu6,prelu_nchw,prelu_nchw7x7,prelu_nhwc (default: all)
  --dtype LIST      f32,f64,f16,bf16 (default: all)
  --direction LIST  forward,backward_input,backward_output,backward (PReLU with dalpha)
                    (default: all that apply)
  --sizes LIST      element counts, e.g. 2^20,2^26,1000000 (default: 2^12,2^14,...,2^28,
                    capped by free memory)
  --reps N          timed repetitions per measurement, at least 20 (default 25)
  --csv FILE        also write the results as CSV ("-" for stdout)
  --json FILE       also write the results as JSON ("-" for stdout)
  --no-check        skip the comparison with the CPU reference
  --profile         run each selected kernel 5 times inside NVTX ranges, without timing,
                    for nsys / ncu
  --help            this text

Exit status: 0 when every check passed, 1 when a check failed, 2 on bad options or when no
CUDA GPU is usable.
)";

std::vector<std::string> split(const std::string& list) {
  std::vector<std::string> items;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    if (!item.empty()) {
      items.push_back(item);
    }
  }
  return items;
}

std::int64_t parse_size(const std::string& text) {
  std::size_t used = 0;
  if (text.rfind("2^", 0) == 0) {
    const int power = std::stoi(text.substr(2), &used);
    if (used + 2 != text.size() || power < 0 || power > 40) {
      throw std::invalid_argument("bad size '" + text + "'");
    }
    return std::int64_t(1) << power;
  }
  const long long n = std::stoll(text, &used);
  if (used != text.size() || n <= 0) {
    throw std::invalid_argument("bad size '" + text + "'");
  }
  return n;
}

}  // namespace

Options parse_options(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const auto value = [&]() -> std::string {
      if (i + 1 >= argc) {
        throw std::invalid_argument(arg + " needs a value");
      }
      return argv[++i];
    };
    if (arg == "--help" || arg == "-h") {
      std::fputs(kUsage, stdout);
      std::exit(0);
    } else if (arg == "--op") {
      o.ops = split(value());
    } else if (arg == "--dtype") {
      o.dtypes = split(value());
    } else if (arg == "--direction") {
      o.directions = split(value());
    } else if (arg == "--sizes") {
      o.sizes.clear();
      for (const auto& s : split(value())) {
        o.sizes.push_back(parse_size(s));
      }
    } else if (arg == "--reps") {
      o.reps = std::stoi(value());
      if (o.reps < 20) {
        throw std::invalid_argument("--reps must be at least 20");
      }
    } else if (arg == "--csv") {
      o.csv_path = value();
    } else if (arg == "--json") {
      o.json_path = value();
    } else if (arg == "--no-check") {
      o.check = false;
    } else if (arg == "--profile") {
      o.profile = true;
    } else {
      throw std::invalid_argument("unknown option '" + arg + "' (see --help)");
    }
  }
  if (o.sizes.empty()) {
    for (int p = 12; p <= 28; p += 2) {
      o.sizes.push_back(std::int64_t(1) << p);
    }
  }
  return o;
}

}  // namespace cuact::bench
