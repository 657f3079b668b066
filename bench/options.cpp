#include "bench/options.hpp"

#include "bench/cases.hpp"
#include "host/op_registry.hpp"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <sstream>
#include <limits>
#include <stdexcept>
#include <string>

namespace cuact::bench {

namespace {

/// The names --op accepts: every activation of the registry, its parameter variants, then
/// the gated variants, RReLU, the PReLU layouts and the bias cases.
std::vector<std::string> known_ops() {
  std::vector<std::string> ops;
  detail::for_each_activation([&](auto tag) { ops.push_back(decltype(tag)::info::name); });
  for (const ParameterVariant& v : parameter_variants()) {
    ops.push_back(v.name);
  }
  for (const GatedVariant& v : gated_variants()) {
    ops.push_back(v.name);
  }
  ops.push_back("rrelu");  // training, PyTorch's bounds
  for (const char* prelu : {"prelu_nchw", "prelu_nchw7x7", "prelu_nhwc", "prelu_nhwc3"}) {
    ops.push_back(prelu);
  }
  ops.push_back("snake_bct");
  ops.push_back("snakebeta_bct");
  for (const BiasVariant& v : bias_variants()) {
    ops.push_back(v.name);
  }
  return ops;
}

std::vector<std::string> known_dtypes() {
  std::vector<std::string> dtypes;
  for (cuact_dtype d : detail::kAllDtypes) {
    dtypes.push_back(detail::dtype_name(d));
  }
  return dtypes;
}

const std::vector<std::string> kDirections = {"forward",  "backward_input", "backward_output",
                                              "backward", "forward_mask",   "backward_mask"};

std::string join(const std::vector<std::string>& items) {
  std::string out;
  for (const auto& item : items) {
    out += (out.empty() ? "" : ",") + item;
  }
  return out;
}

std::string usage() {
  return R"(usage: cuact_bench [options]

Times every cuact operation against the same-run device-to-device copy bandwidth, after
checking its result against the CPU reference.

  --op LIST         )" + join(known_ops()) + R"(
                    (default: all)
  --dtype LIST      )" + join(known_dtypes()) + R"( (default: all)
  --direction LIST  forward,backward_input,backward_output,backward (PReLU with dalpha),
                    forward_mask,backward_mask (y and a 1-bit mask; dx from the mask)
                    (default: all that apply)
  --sizes LIST      element counts, N or 2^K, e.g. 2^20,2^26,1000000 (default: 2^12,2^14,
                    ...,2^28, capped by free memory)
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
}

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

/// The whole of `text` as a decimal integer in [lo, hi], or a message naming the option,
/// the value and what is accepted.
std::int64_t parse_integer(const std::string& option, const std::string& text, std::int64_t lo,
                           std::int64_t hi, const std::string& accepted) {
  const auto bad = [&] {
    return std::invalid_argument(option + ": '" + text + "' is not accepted (" + accepted + ")");
  };
  if (text.empty() || !(std::isdigit(static_cast<unsigned char>(text[0])) || text[0] == '-')) {
    throw bad();
  }
  errno = 0;
  char* end = nullptr;
  const long long value = std::strtoll(text.c_str(), &end, 10);
  if (errno != 0 || end != text.c_str() + text.size() || value < lo || value > hi) {
    throw bad();
  }
  return value;
}

std::int64_t parse_size(const std::string& text) {
  // 2^40 elements (8 TiB of f64, times the tensors and rotations of a case) is far past any
  // GPU's memory, and every byte count the runner forms from it fits in 64 bits.
  const std::string accepted = "a count N from 1 to 2^40 or a power 2^K with K from 0 to 40";
  if (text.rfind("2^", 0) == 0) {
    try {
      return std::int64_t(1) << parse_integer("--sizes", text.substr(2), 0, kMaxSizeLog2, accepted);
    } catch (const std::invalid_argument&) {
      throw std::invalid_argument("--sizes: '" + text + "' is not accepted (" + accepted + ")");
    }
  }
  return parse_integer("--sizes", text, 1, std::int64_t(1) << kMaxSizeLog2, accepted);
}

/// The comma-separated names of `text`, each one of `known`.
std::vector<std::string> parse_names(const std::string& option, const std::string& text,
                                     const std::vector<std::string>& known) {
  const std::vector<std::string> names = split(text);
  if (names.empty()) {
    throw std::invalid_argument(option + ": no names given (accepted: " + join(known) + ")");
  }
  for (const std::string& name : names) {
    if (std::find(known.begin(), known.end(), name) == known.end()) {
      throw std::invalid_argument(option + ": unknown '" + name + "' (accepted: " + join(known) +
                                  ")");
    }
  }
  return names;
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
      std::fputs(usage().c_str(), stdout);
      std::exit(0);
    } else if (arg == "--op") {
      o.ops = parse_names(arg, value(), known_ops());
    } else if (arg == "--dtype") {
      o.dtypes = parse_names(arg, value(), known_dtypes());
    } else if (arg == "--direction") {
      o.directions = parse_names(arg, value(), kDirections);
    } else if (arg == "--sizes") {
      o.sizes.clear();
      const std::string list = value();
      for (const auto& s : split(list)) {
        o.sizes.push_back(parse_size(s));
      }
      if (o.sizes.empty()) {
        throw std::invalid_argument("--sizes: '" + list + "' names no size");
      }
    } else if (arg == "--reps") {
      o.reps = static_cast<int>(
          parse_integer(arg, value(), 20, 100000, "a whole number from 20 to 100000"));
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
