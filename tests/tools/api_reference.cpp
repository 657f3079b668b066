// Writes, or checks, what is generated from the registry (registry.h) for people to read:
//   include/cuact/activation_functions.hpp  the named functions <name>_forward/_backward
//   include/cuact/mask_functions.hpp        <name>_forward_mask/_backward_mask
//   include/cuact/bias_functions.hpp        <name>_bias_forward/_bias_backward
//   docs/api.md                             their signatures, between the markers
// as plain source text, not macros: a compiler's message about a wrong argument quotes one
// short declaration, and a reader finds every signature written out.
//   cuact_api_reference <source dir>           exit 1 when a file is stale (ctest api_reference)
//   cuact_api_reference <source dir> --write   rewrites them (after adding an activation)
// It includes only the functors and the registry, never the generated headers, so that it
// builds while they are stale.
#include <cuact/ops.hpp>
#include <cuact/registry.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

namespace {

using cuact::GeluApproximate;

/// A parameter as the generated code writes it: its type, name and PyTorch's default.
struct Param {
  std::string type;
  std::string name;
  std::string default_value;
};

/// The shortest decimal that reads back as `v`.
std::string shortest(double v) {
  char buf[64];
  for (int precision = 1; precision <= 17; ++precision) {
    std::snprintf(buf, sizeof buf, "%.*g", precision, v);
    if (std::strtod(buf, nullptr) == v) {
      break;
    }
  }
  if (std::string(buf).find('e') != std::string::npos && v == static_cast<long long>(v)) {
    std::snprintf(buf, sizeof buf, "%lld", static_cast<long long>(v));  // 20, not 2e+01
  }
  return buf;
}

template <class P>
Param make_param(const char* name, P value) {
  if constexpr (std::is_same_v<P, GeluApproximate>) {
    return {"GeluApproximate", name,
            value == GeluApproximate::none ? "GeluApproximate::none" : "GeluApproximate::tanh"};
  } else {
    static_assert(std::is_same_v<P, double>,
                  "a new parameter type: say here how the generated code writes it");
    return {"compute_t<T>", name, shortest(value)};
  }
}

struct Activation {
  std::string name;
  std::string functor;
  std::string pytorch;
  std::vector<Param> params;
  bool has_mask;
  bool pytorch_has_defaults;
};

/// False for an op whose functor says PyTorch gives its parameters no defaults (threshold).
template <class Op, class = void>
struct pytorch_has_defaults : std::true_type {};
template <class Op>
struct pytorch_has_defaults<Op, std::void_t<decltype(Op::pytorch_has_defaults)>>
    : std::bool_constant<Op::pytorch_has_defaults> {};
// (A variable: the registry's X macro has a parameter named `value`.)
template <class Op>
constexpr bool pytorch_has_defaults_v = pytorch_has_defaults<Op>::value;

#define CUACT_WRITER_PARAM(Functor, index, member) \
  a.params.push_back(make_param(#member, Functor<double>{}.member));
std::vector<Activation> unary_activations() {
  std::vector<Activation> out;
#define CUACT_WRITER_ACTIVATION(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_PP_IF_UNARY(kind)({                                                        \
    Activation a{#name, #Functor, pytorch, {}, cuact::has_mask_v<cuact::Functor<float>>, \
                 pytorch_has_defaults_v<cuact::Functor<float>>};                  \
    CUACT_PP_PARAMS(CUACT_WRITER_PARAM, cuact::Functor, params)                    \
    out.push_back(a);                                                              \
  })
  CUACT_ACTIVATIONS(CUACT_WRITER_ACTIVATION)
#undef CUACT_WRITER_ACTIVATION
  return out;
}
#undef CUACT_WRITER_PARAM

/// `head(args...)` with the arguments wrapped at 100 columns under the first one.
std::string wrapped(const std::string& indent, const std::string& head,
                    const std::vector<std::string>& args, const std::string& tail) {
  std::string out = indent + head + "(";
  const std::size_t column = out.size();
  std::size_t line_start = 0;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string piece = args[i] + (i + 1 < args.size() ? "," : ")" + tail);
    const bool first = out.size() == column;
    if (!first && out.size() - line_start + 1 + piece.size() > 100) {
      out += "\n" + std::string(column, ' ');
      line_start = out.size() - column;
      out += piece;
    } else {
      out += (first ? "" : " ") + piece;
    }
  }
  return out;
}

/// One pass of a named function: its name suffix, the tensor arguments before the
/// parameters, those after, the generic function it calls and that call's other arguments,
/// and whether it exists only for the activations with a mask.
struct Pass {
  const char* suffix;
  std::vector<std::string> before;
  std::vector<std::string> after;
  const char* generic;
  const char* call_args;
  bool needs_mask = false;
};

const Pass kForward{"_forward", {"const T* x", "T* y", "std::int64_t n"}, {"cudaStream_t stream"},
                    "forward", "x, y, n, stream"};
const Pass kBackward{"_backward",
                     {"const T* v", "const T* dy", "T* dx", "std::int64_t n"},
                     {"Saved saved", "cudaStream_t stream"},
                     "backward",
                     "v, dy, dx, n, saved, stream"};
const Pass kForwardMask{"_forward_mask",
                        {"const T* x", "T* y", "std::uint32_t* mask", "std::int64_t n"},
                        {"cudaStream_t stream"},
                        "forward_with_mask",
                        "x, y, mask, n, stream",
                        true};
const Pass kBackwardMask{"_backward_mask",
                         {"const std::uint32_t* mask", "const T* dy", "T* dx", "std::int64_t n"},
                         {"cudaStream_t stream"},
                         "backward_from_mask",
                         "mask, dy, dx, n, stream",
                         true};
const Pass kBiasForward{"_bias_forward",
                        {"const T* x", "const compute_t<T>* bias", "T* y", "ChannelShape shape"},
                        {"cudaStream_t stream"},
                        "bias_forward",
                        "x, bias, y, shape, stream"};
// dx and y may be passed as nullptr (not wanted), so T is deduced from v and dy only.
const Pass kBiasBackward{"_bias_backward",
                         {"const T* v", "const T* dy", "const compute_t<T>* bias", "nondeduced_t<T>* dx",
                          "compute_t<T>* dbias", "nondeduced_t<T>* y", "ChannelShape shape"},
                         {"Saved saved", "GradMode mode", "void* workspace",
                          "std::size_t workspace_bytes", "cudaStream_t stream"},
                         "bias_backward",
                         "v, dy, bias, dx, dbias, y, shape, saved, mode, workspace, "
                         "workspace_bytes, stream"};
const Pass kBiasBackwardAllocating{
    "_bias_backward",
    {"const T* v", "const T* dy", "const compute_t<T>* bias", "nondeduced_t<T>* dx",
     "compute_t<T>* dbias", "nondeduced_t<T>* y", "ChannelShape shape"},
    {"Saved saved", "GradMode mode", "cudaStream_t stream"},
    "bias_backward",
    "v, dy, bias, dx, dbias, y, shape, saved, mode, stream"};

std::vector<std::string> arguments(const Activation& a, const Pass& p, bool with_defaults) {
  std::vector<std::string> args = p.before;
  for (const Param& q : a.params) {
    args.push_back(q.type + " " + q.name + (with_defaults ? " /* " + q.default_value + " */" : ""));
  }
  args.insert(args.end(), p.after.begin(), p.after.end());
  return args;
}

std::string definition(const Activation& a, const Pass& p) {
  std::string values;
  for (const Param& q : a.params) {
    values += (values.empty() ? "" : ", ") + q.name;
  }
  std::vector<std::string> call = {a.functor + "<compute_t<T>>{" + values + "}"};
  const std::string call_args = p.call_args;
  for (std::size_t from = 0; from < call_args.size();) {
    const std::size_t comma = call_args.find(", ", from);
    call.push_back(call_args.substr(from, comma == std::string::npos ? comma : comma - from));
    from = comma == std::string::npos ? call_args.size() : comma + 2;
  }
  return "template <class T>\n" +
         wrapped("", "inline void " + a.name + p.suffix, arguments(a, p, false), " {") + "\n" +
         wrapped("  ", p.generic, call, ";") + "\n}\n";
}

std::string defaults_comment(const Activation& a) {
  if (a.params.empty()) {
    return "";
  }
  std::string out =
      a.pytorch_has_defaults ? "\n// PyTorch's defaults:" : "\n// Defaults (PyTorch has none):";
  for (const Param& q : a.params) {
    out += std::string(&q == &a.params.front() ? " " : ", ") + q.name + " = " + q.default_value;
  }
  return out;
}

std::string header(const char* what, const char* included_by,
                   const std::vector<const Pass*>& passes) {
  std::string out =
      std::string("// ") + what +
      "\n// Generated from registry.h by tests/tools/api_reference.cpp, checked by ctest "
      "api_reference;\n// do not edit. After adding an activation:\n//   cmake --build build "
      "--target cuact_api_reference\n//   build/tests/cuact_api_reference . --write\n"
      "// Included by " +
      included_by +
      ". The parameters come between the count (or the shape) and the save\n// mode (or "
      "the stream), in registry order, as compute_t<T> (double for double, float\n// "
      "otherwise) or their own type.\n#pragma once\n\n#include <cstddef>\n#include "
      "<cstdint>\n\nnamespace cuact {\n";
  for (const Activation& a : unary_activations()) {
    if (passes.front()->needs_mask && !a.has_mask) {
      continue;
    }
    out += "\n// " + a.name + ": " + a.pytorch + defaults_comment(a) + "\n";
    for (const Pass* p : passes) {
      out += definition(a, *p);
    }
  }
  return out + "\n}  // namespace cuact\n";
}

std::string api_doc_block() {
  std::string out = "```cpp\n";
  for (const Activation& a : unary_activations()) {
    for (const Pass* p : {&kForward, &kBackward, &kForwardMask, &kBackwardMask, &kBiasForward,
                          &kBiasBackward, &kBiasBackwardAllocating}) {
      if (p->needs_mask && !a.has_mask) {
        continue;
      }
      std::string line = "template <class T> void " + a.name + p->suffix + "(";
      const std::vector<std::string> args = arguments(a, *p, true);
      for (std::size_t i = 0; i < args.size(); ++i) {
        line += (i ? ", " : "") + args[i];
      }
      out += line + ");\n";
    }
  }
  return out + "```\n";
}

std::string read(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: %s <cuact source dir> [--write]\n", argv[0]);
    return 2;
  }
  const std::string root = argv[1];
  const bool write = argc > 2 && std::string(argv[2]) == "--write";
  struct Output {
    std::string path;
    std::string text;
  };
  std::vector<Output> outputs = {
      {root + "/include/cuact/activation_functions.hpp",
       header("The named functions of the unary activations, one pair per activation: thin "
              "wrappers\n// over cuact::forward and cuact::backward that build the "
              "activation's functor.",
              "activations.hpp", {&kForward, &kBackward})},
      {root + "/include/cuact/mask_functions.hpp",
       header("The named 1-bit-mask functions, one pair per activation with a mask "
              "(has_mask_v): thin\n// wrappers over cuact::forward_with_mask and "
              "cuact::backward_from_mask.",
              "mask.hpp", {&kForwardMask, &kBackwardMask})},
      {root + "/include/cuact/bias_functions.hpp",
       header("The named bias + activation functions, one forward and two backwards (with a "
              "workspace,\n// and allocating one) per unary activation: thin wrappers over "
              "cuact::bias_forward and\n// cuact::bias_backward.",
              "bias.hpp", {&kBiasForward, &kBiasBackward, &kBiasBackwardAllocating})},
  };
  // docs/api.md: the block between the markers.
  const std::string doc_path = root + "/docs/api.md";
  std::string doc = read(doc_path);
  const std::string begin =
      "<!-- named functions: generated by cuact_api_reference, do not edit -->\n";
  const std::string end = "<!-- end of named functions -->";
  const auto from = doc.find(begin);
  const auto to = doc.find(end);
  if (from == std::string::npos || to == std::string::npos || to < from) {
    std::fprintf(stderr, "%s has no named-functions block\n", doc_path.c_str());
    return 1;
  }
  doc.replace(from + begin.size(), to - from - begin.size(), api_doc_block());
  outputs.push_back({doc_path, doc});

  int stale = 0;
  for (const Output& o : outputs) {
    if (read(o.path) == o.text) {
      continue;
    }
    if (write) {
      std::ofstream(o.path) << o.text;
      std::printf("wrote %s\n", o.path.c_str());
    } else {
      std::printf("stale: %s (regenerate: cuact_api_reference <source dir> --write)\n",
                  o.path.c_str());
      ++stale;
    }
  }
  if (stale == 0 && !write) {
    std::printf("the named functions and docs/api.md are current (%zu activations)\n",
                unary_activations().size());
  }
  return stale == 0 ? 0 : 1;
}
