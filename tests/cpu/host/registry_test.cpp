// The registry (registry.h) and what is generated from it: the C ABI's values, the C API's
// introspection and multi-parameter calls, the README's table of operations, and that every
// activation reaches every interface without a GPU (its argument errors name it).
#include <cuact/activations.hpp>
#include <cuact/cuact.h>
#include <cuact/error.hpp>
#include <cuact/gated.hpp>
#include <cuact/layers.hpp>

#include "host/op_registry.hpp"
#include "tests/support/op_cases.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <fstream>
#include <limits>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#ifndef CUACT_SOURCE_DIR
#error "CUACT_SOURCE_DIR must name cuact's source tree"
#endif

namespace cuact {
namespace {

std::vector<std::string> registry_names() {
  std::vector<std::string> names;
  detail::for_each_activation([&](auto tag) { names.push_back(decltype(tag)::info::name); });
  return names;
}

TEST(Registry, KeepsTheCAbiValuesOnceGiven) {
  // Values never change: FFI callers hard-code them.
  EXPECT_EQ(CUACT_RELU, 0);
  EXPECT_EQ(CUACT_LEAKY_RELU, 1);
  EXPECT_EQ(CUACT_ELU, 2);
  EXPECT_EQ(CUACT_SELU, 3);
  EXPECT_EQ(CUACT_CELU, 4);
  EXPECT_EQ(CUACT_RELU6, 5);
  EXPECT_EQ(CUACT_HARDTANH, 6);
  EXPECT_EQ(CUACT_SIGMOID, 7);
  EXPECT_EQ(CUACT_TANH, 8);
  EXPECT_EQ(CUACT_SILU, 9);
  EXPECT_EQ(CUACT_HARDSIGMOID, 10);
  EXPECT_EQ(CUACT_HARDSWISH, 11);
  EXPECT_EQ(CUACT_SQUARED_RELU, 12);
  EXPECT_EQ(CUACT_QUICK_GELU, 13);
  EXPECT_EQ(CUACT_MISH, 14);
  EXPECT_EQ(CUACT_GELU, 15);
  EXPECT_EQ(CUACT_SOFTPLUS, 16);
  EXPECT_EQ(CUACT_CLAMPED_SWIGLU, 17);
  EXPECT_EQ(CUACT_DTYPE_F32, 0);
  EXPECT_EQ(CUACT_DTYPE_F64, 1);
  EXPECT_EQ(CUACT_DTYPE_F16, 2);
  EXPECT_EQ(CUACT_DTYPE_BF16, 3);
  EXPECT_EQ(CUACT_SAVED_INPUT, 0);
  EXPECT_EQ(CUACT_SAVED_OUTPUT, 1);
  EXPECT_EQ(CUACT_SAVED_MASK, 2);
  EXPECT_EQ(CUACT_GATED_GATE_FIRST, 0);
  EXPECT_EQ(CUACT_GATED_GATE_SECOND, 1);
  EXPECT_EQ(CUACT_GATED_INTERLEAVED, 2);
  EXPECT_EQ(CUACT_GATED_SEPARATE, 3);
  EXPECT_EQ(CUACT_STATUS_SUCCESS, 0);
  EXPECT_EQ(CUACT_STATUS_INVALID_ARGUMENT, 1);
  EXPECT_EQ(CUACT_STATUS_CUDA_ERROR, 2);
  EXPECT_EQ(CUACT_STATUS_INTERNAL_ERROR, 3);
  EXPECT_EQ(CUACT_GELU_APPROXIMATE_NONE, 0);
  EXPECT_EQ(CUACT_GELU_APPROXIMATE_TANH, 1);
}

// The C enums the C API casts to C++ ones carry the same values (the casts in c_api.cpp
// rely on it; c_api.cpp static_asserts the same pairs).
static_assert(static_cast<int>(Saved::input) == CUACT_SAVED_INPUT);
static_assert(static_cast<int>(Saved::output) == CUACT_SAVED_OUTPUT);
static_assert(static_cast<int>(Saved::mask) == CUACT_SAVED_MASK);
static_assert(static_cast<int>(GatedLayout::gate_first) == CUACT_GATED_GATE_FIRST);
static_assert(static_cast<int>(GatedLayout::gate_second) == CUACT_GATED_GATE_SECOND);
static_assert(static_cast<int>(GatedLayout::interleaved) == CUACT_GATED_INTERLEAVED);
static_assert(static_cast<int>(GatedLayout::separate) == CUACT_GATED_SEPARATE);
static_assert(static_cast<int>(GeluApproximate::none) == CUACT_GELU_APPROXIMATE_NONE);
static_assert(static_cast<int>(GeluApproximate::tanh) == CUACT_GELU_APPROXIMATE_TANH);

/// The X( entries of a macro in registry.h, counted in the file's text: independent of the
/// C++ that the macro generates.
int entries_in_registry_file(const std::string& macro) {
  std::ifstream in(std::string(CUACT_SOURCE_DIR) + "/include/cuact/registry.h");
  std::string line;
  bool inside = false;
  int entries = 0;
  while (std::getline(in, line)) {
    if (line.rfind("#define " + macro + "(", 0) == 0) {
      inside = true;
      continue;
    }
    if (inside) {
      if (line.find("  X(") == 0) {
        ++entries;
      }
      if (line.empty() || line.back() != '\\') {
        break;
      }
    }
  }
  return entries;
}

TEST(Registry, NamesEachActivationOnceWithDistinctValues) {
  std::set<std::string> names;
  std::set<int> values;
  detail::for_each_activation([&](auto tag) {
    using Info = typename decltype(tag)::info;
    EXPECT_TRUE(names.insert(Info::name).second) << Info::name;
    EXPECT_TRUE(values.insert(Info::c_enum).second) << Info::name;
  });
  EXPECT_EQ(static_cast<int>(names.size()), cuact_activation_count());
  // Counted independently: the lines of the registry itself.
  EXPECT_EQ(cuact_activation_count(), entries_in_registry_file("CUACT_ACTIVATIONS"));
  EXPECT_EQ(entries_in_registry_file("CUACT_GATED_ACTIVATIONS"), 1);
  EXPECT_GE(cuact_activation_count(), 17);
}

TEST(Registry, CApiDescribesEveryActivationAsTheFunctorDoes) {
  const std::vector<std::string> names = registry_names();
  ASSERT_EQ(cuact_activation_count(), static_cast<int>(names.size()));
  for (int i = 0; i < cuact_activation_count(); ++i) {
    const cuact_activation op = cuact_activation_at(i);
    ASSERT_NE(cuact_activation_name(op), nullptr);
    EXPECT_EQ(cuact_activation_name(op), names[i]);
  }
  EXPECT_EQ(cuact_activation_param_count(CUACT_RELU), 0);
  EXPECT_EQ(cuact_activation_param_count(CUACT_LEAKY_RELU), 1);
  EXPECT_STREQ(cuact_activation_param_name(CUACT_LEAKY_RELU, 0), "negative_slope");
  EXPECT_EQ(cuact_activation_param_default(CUACT_LEAKY_RELU, 0), 0.01);
  EXPECT_STREQ(cuact_activation_param_name(CUACT_CELU, 0), "alpha");
  EXPECT_EQ(cuact_activation_param_default(CUACT_CELU, 0), 1.0);
  EXPECT_EQ(cuact_activation_param_name(CUACT_CELU, 1), nullptr);
  EXPECT_EQ(cuact_activation_param_name(CUACT_CELU, -1), nullptr);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_RELU, 0), 0);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_ELU, 1), 4);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_ELU, 3), 0);   // no absolute floor
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_SILU, 3), 4);  // its gradient crosses zero
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_ELU, 4), -1);
  EXPECT_EQ(cuact_activation_accuracy_ulp(CUACT_SILU, 2), -1);  // no gradient from y

  const auto unknown = static_cast<cuact_activation>(999);
  EXPECT_EQ(cuact_activation_name(unknown), nullptr);
  EXPECT_EQ(cuact_activation_param_count(unknown), -1);
  EXPECT_EQ(cuact_activation_accuracy_ulp(unknown, 0), -1);
  EXPECT_EQ(cuact_activation_at(-1), static_cast<cuact_activation>(-1));
  EXPECT_EQ(cuact_activation_at(cuact_activation_count()), static_cast<cuact_activation>(-1));
}

TEST(Registry, MultiParameterCApiTakesParametersInOrderAndDefaultsTheRest) {
  std::vector<float> buf(4, 7.0f);
  const double inf = std::numeric_limits<double>::infinity();
  EXPECT_EQ(cuact_activation_forward_params(CUACT_LEAKY_RELU, &inf, 1, CUACT_DTYPE_F32,
                                            buf.data(), buf.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(), "leaky_relu_forward: 'negative_slope' must be finite, got inf");
  const double two[] = {1.0, 2.0};
  EXPECT_EQ(cuact_activation_forward_params(CUACT_CELU, two, 2, CUACT_DTYPE_F32, buf.data(),
                                            buf.data(), 4, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_activation_forward_params: 'num_params' = 2 but celu takes 0 to 1");
  EXPECT_EQ(cuact_activation_backward_params(CUACT_CELU, nullptr, 1, CUACT_SAVED_INPUT,
                                             CUACT_DTYPE_F64, buf.data(), buf.data(), buf.data(),
                                             0, nullptr),
            CUACT_STATUS_INVALID_ARGUMENT);
  EXPECT_STREQ(cuact_last_error(),
               "cuact_activation_backward_params: 'params' is null but num_params = 1");
  // No parameters: the defaults, which are valid (n = 0: nothing to launch).
  EXPECT_EQ(cuact_activation_backward_params(CUACT_CELU, nullptr, 0, CUACT_SAVED_OUTPUT,
                                             CUACT_DTYPE_F16, nullptr, nullptr, nullptr, 0,
                                             nullptr),
            CUACT_STATUS_SUCCESS);
  EXPECT_EQ(buf, std::vector<float>(4, 7.0f));
}

TEST(Registry, EveryActivationReachesEveryInterfaceWithItsOwnName) {
  for (const test::OpCase& c : test::all_op_cases()) {
    SCOPED_TRACE(c.label);
    const std::string name = std::visit([](const auto& f) { return f.name; }, c.op);
    // Generic C++ entry point.
    try {
      test::call_forward<float>(c, nullptr, nullptr, 3, nullptr);
      FAIL() << "a null x was accepted";
    } catch (const invalid_argument& e) {
      EXPECT_EQ(std::string(e.what()), name + "_forward: 'x' is null but n = 3");
    }
    // C API.
    cuact_activation op = static_cast<cuact_activation>(-1);
    std::visit([&](const auto& f) { op = detail::info_of<std::decay_t<decltype(f)>>::c_enum; },
               c.op);
    EXPECT_EQ(cuact_activation_backward_params(op, nullptr, 0, CUACT_SAVED_INPUT, CUACT_DTYPE_BF16,
                                               nullptr, nullptr, nullptr, 5, nullptr),
              CUACT_STATUS_INVALID_ARGUMENT);
    EXPECT_EQ(std::string(cuact_last_error()), name + "_backward: 'v' is null but n = 5");
    // Activation descriptor.
    std::visit([&](const auto& f) { EXPECT_EQ(Activation(f).name(), name); }, c.op);
  }
}

std::string read_file(const std::string& path) {
  std::ifstream in(path);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(Registry, ReadmeTableListsEveryActivationWithItsParameters) {
  const std::string readme = read_file(std::string(CUACT_SOURCE_DIR) + "/README.md");
  const auto start = readme.find("\n## Operations\n");
  ASSERT_NE(start, std::string::npos) << "README.md has no '## Operations' section";
  const auto end = readme.find("\n## ", start + 1);
  const std::string section = readme.substr(start, end - start);
  // Rows: | `name` | parameters | ...
  const std::regex row(R"(\n\| `([a-z0-9_]+)` \| ([^|]*)\|)");
  std::vector<std::string> listed;
  for (auto it = std::sregex_iterator(section.begin(), section.end(), row);
       it != std::sregex_iterator(); ++it) {
    listed.push_back((*it)[1]);
    const std::string params = (*it)[2];
    bool known = false;
    detail::for_each_activation([&](auto tag) {
      using Info = typename decltype(tag)::info;
      if ((*it)[1] == Info::name) {
        known = true;
        for (const char* p : Info::param_names) {
          EXPECT_NE(params.find(std::string("`") + p + "`"), std::string::npos)
              << "README row of " << Info::name << " does not name its parameter `" << p << "`";
        }
      }
    });
    EXPECT_TRUE(known) << "README lists `" << (*it)[1] << "`, which the registry does not have";
  }
  EXPECT_EQ(listed, registry_names()) << "README's table must list the registry's activations, "
                                         "in registry order";
}

TEST(Readme, ShowsTheQuickstartExampleAsItIsBuilt) {
  // examples/quickstart.cpp is compiled with the examples: the README's first program is
  // that file, character for character, inside a ```cpp block.
  const std::string readme = read_file(std::string(CUACT_SOURCE_DIR) + "/README.md");
  const std::string example =
      read_file(std::string(CUACT_SOURCE_DIR) + "/examples/quickstart.cpp");
  ASSERT_FALSE(example.empty());
  EXPECT_NE(readme.find("```cpp\n" + example + "```\n"), std::string::npos)
      << "README.md's quickstart differs from examples/quickstart.cpp";
  // The README stays short: what cuact is, the quickstart, the two commands, the table.
  EXPECT_LE(std::count(readme.begin(), readme.end(), '\n'), 250);
}

}  // namespace
}  // namespace cuact
