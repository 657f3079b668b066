// cuact_bench's helpers: every CSV row has as many fields as the header names (also when
// messages hold commas and quotes), and bad options are refused with a message naming the
// option, the value and what is accepted.
#include "bench/cases.hpp"
#include "bench/options.hpp"
#include "bench/report.hpp"
#include "bench/runtime_costs.hpp"

#include <gtest/gtest.h>

#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

namespace cuact::bench {
namespace {

/// Splits one CSV line into fields (RFC 4180 quoting).
std::vector<std::string> csv_fields(const std::string& line) {
  std::vector<std::string> fields(1);
  bool quoted = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    const char ch = line[i];
    if (quoted) {
      if (ch == '"' && i + 1 < line.size() && line[i + 1] == '"') {
        fields.back() += '"';
        ++i;
      } else if (ch == '"') {
        quoted = false;
      } else {
        fields.back() += ch;
      }
    } else if (ch == '"') {
      quoted = true;
    } else if (ch == ',') {
      fields.emplace_back();
    } else {
      fields.back() += ch;
    }
  }
  return fields;
}

TEST(BenchReport, CsvRowsHaveAFieldForEveryHeaderName) {
  Row measured;
  measured.c.op = "relu";
  measured.n = 1 << 20;
  measured.median_us = 12.5;
  measured.cudnn_us = 20.0;
  measured.check = "ok: 1048576 elements";
  Row prelu = measured;
  prelu.c.op = "prelu_nchw";
  prelu.c.family = Family::prelu;
  prelu.c.direction = Direction::backward_channelwise;
  prelu.shape = "[16, 64, 4096]";
  prelu.check = "MISMATCH at element 3: input -1, expected \"0\", got 1";
  Row skipped;
  skipped.c.op = "prelu_nhwc";
  skipped.skipped = "too small for one prelu_nhwc shape";

  std::ostringstream out;
  write_csv(out, {measured, prelu, skipped});
  std::istringstream in(out.str());
  std::string line;
  ASSERT_TRUE(std::getline(in, line));
  EXPECT_EQ(line, kCsvHeader);
  const std::vector<std::string> header = csv_fields(line);
  int rows = 0;
  while (std::getline(in, line)) {
    const std::vector<std::string> fields = csv_fields(line);
    ASSERT_EQ(fields.size(), header.size()) << line;
    for (std::size_t i = 0; i < header.size(); ++i) {
      if (header[i] == "cudnn_us") {
        EXPECT_EQ(fields[i], rows == 2 ? "-1" : "20") << line;
      }
      if (header[i] == "check" && rows == 1) {
        EXPECT_EQ(fields[i], prelu.check);
      }
      if (header[i] == "shape" && rows == 1) {
        EXPECT_EQ(fields[i], prelu.shape);
      }
    }
    ++rows;
  }
  EXPECT_EQ(rows, 3);
}

TEST(BenchReport, TheTableShowsTheCudnnRatio) {
  Row r;
  r.c.op = "relu";
  r.n = 1000;
  r.median_us = 10.0;
  r.cudnn_us = 15.0;
  r.check = "ok";
  std::ostringstream header;
  print_table_header(header);
  std::ostringstream row;
  print_table_row(row, r);
  EXPECT_NE(header.str().find("cudnn_x"), std::string::npos);
  EXPECT_NE(row.str().find(" 1.50  ok"), std::string::npos) << row.str();
  r.cudnn_us = -1;
  std::ostringstream none;
  print_table_row(none, r);
  EXPECT_NE(none.str().find(" -  ok"), std::string::npos) << none.str();
}

// The line .ci/gpu_check_summary.py reads from the bench's log (its test,
// tests/ci/check_gpu_check_summary.py, uses this same line).
TEST(BenchReport, TheRuntimeCostLineNamesEveryCallAndWhatFailed) {
  RuntimeCosts c;
  c.pointer_query_us = 0.104;
  c.get_device_us = 0.01;
  c.capture_mode_us = 0.02;
  c.last_error_us = 0.0;
  c.launch_us = 1.8;
  c.cooperative_us = 2.25;
  c.cooperative_captures = true;
  c.memset_us = 1.5;
  std::ostringstream line;
  print_runtime_costs(line, c);
  EXPECT_EQ(line.str(),
            "runtime calls, host us per call (median of 9 batches of 200): "
            "cudaPointerGetAttributes 0.10, cudaGetDevice 0.01, "
            "cudaThreadExchangeStreamCaptureMode 0.02, cudaGetLastError 0.00, cudaLaunchKernel "
            "1.80, cudaLaunchCooperativeKernel 2.25 (in a graph: yes), cudaMemsetAsync 1.50\n");
  c.cooperative_us = -1;
  c.cooperative_captures = false;
  c.note = "no cooperative launch on this device";
  std::ostringstream failed;
  print_runtime_costs(failed, c);
  EXPECT_NE(failed.str().find("cudaLaunchCooperativeKernel failed (in a graph: no)"),
            std::string::npos)
      << failed.str();
  EXPECT_NE(failed.str().find("1.50 [no cooperative launch on this device]\n"),
            std::string::npos)
      << failed.str();
}

Options parse(std::vector<std::string> args) {
  args.insert(args.begin(), "cuact_bench");
  std::vector<char*> argv;
  for (auto& a : args) {
    argv.push_back(a.data());
  }
  return parse_options(static_cast<int>(argv.size()), argv.data());
}

void expect_refused(const std::vector<std::string>& args, const std::string& message) {
  try {
    parse(args);
    ADD_FAILURE() << "accepted " << args.back();
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()), message);
  }
}

TEST(BenchOptions, BadValuesAreRefusedWithTheOptionTheValueAndWhatIsAccepted) {
  expect_refused({"--reps", "abc"},
                 "--reps: 'abc' is not accepted (a whole number from 20 to 100000)");
  expect_refused({"--reps", "30x"},
                 "--reps: '30x' is not accepted (a whole number from 20 to 100000)");
  expect_refused({"--reps", "5"}, "--reps: '5' is not accepted (a whole number from 20 to 100000)");
  expect_refused({"--sizes", "2^x"},
                 "--sizes: '2^x' is not accepted (a count N from 1 to 2^40 or a power 2^K "
                 "with K from 0 to 40)");
  expect_refused({"--sizes", "1000,12k"},
                 "--sizes: '12k' is not accepted (a count N from 1 to 2^40 or a power 2^K "
                 "with K from 0 to 40)");
  expect_refused({"--sizes", "2^41"},
                 "--sizes: '2^41' is not accepted (a count N from 1 to 2^40 or a power 2^K "
                 "with K from 0 to 40)");
  // 2^62 wrapped the byte counts to 0 and divided by zero (SIGFPE on a GPU machine).
  expect_refused({"--sizes", "4611686018427387904"},
                 "--sizes: '4611686018427387904' is not accepted (a count N from 1 to 2^40 or a "
                 "power 2^K with K from 0 to 40)");
  expect_refused({"--sizes", "1099511627777"},
                 "--sizes: '1099511627777' is not accepted (a count N from 1 to 2^40 or a "
                 "power 2^K with K from 0 to 40)");
  EXPECT_EQ(parse({"--sizes", "1099511627776"}).sizes, std::vector<std::int64_t>{1099511627776});
  expect_refused({"--dtype", "f32,fp8"}, "--dtype: unknown 'fp8' (accepted: f32,f64,f16,bf16)");
  expect_refused({"--direction", "back"},
                 "--direction: unknown 'back' (accepted: "
                 "forward,backward_input,backward_output,backward,forward_mask,backward_mask)");
  expect_refused({"--frobnicate"}, "unknown option '--frobnicate' (see --help)");
  try {
    parse({"--op", "relu,frelu"});
    ADD_FAILURE() << "accepted --op frelu";
  } catch (const std::invalid_argument& e) {
    EXPECT_EQ(std::string(e.what()).rfind("--op: unknown 'frelu' (accepted: relu,leaky_relu,", 0),
              0u)
        << e.what();
  }
}

TEST(BenchOptions, GoodValuesAreParsed) {
  const Options o = parse({"--op", "relu,prelu_nhwc", "--dtype", "bf16", "--sizes", "2^10,1000",
                           "--reps", "30"});
  EXPECT_EQ(o.ops, (std::vector<std::string>{"relu", "prelu_nhwc"}));
  EXPECT_EQ(o.dtypes, std::vector<std::string>{"bf16"});
  EXPECT_EQ(o.sizes, (std::vector<std::int64_t>{1024, 1000}));
  EXPECT_EQ(o.reps, 30);
}

TEST(BenchCases, ParameterVariantsRunWithTheirParametersAndDefaultsRunWithNone) {
  const auto cases = select_cases(parse({"--op", "gelu,gelu_tanh", "--dtype", "f32"}));
  ASSERT_EQ(cases.size(), 4u);  // forward and backward from the input, for each form
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.activation, CUACT_GELU);
    EXPECT_EQ(c.params, c.op == "gelu_tanh" ? std::vector<double>{1.0} : std::vector<double>{})
        << c.op;
    EXPECT_NE(c.direction, Direction::backward_output);  // gelu has no gradient from y
  }
  EXPECT_EQ(cases.front().op, "gelu");
  EXPECT_EQ(cases.back().op, "gelu_tanh");
}

TEST(BenchCases, GatedVariantsMoveTheirBytesInTheirLayouts) {
  const auto cases = select_cases(parse({"--op", "swiglu_interleaved,clamped_swiglu_interleaved"}));
  ASSERT_EQ(cases.size(), 16u);  // 2 ops x 4 dtypes x forward and backward
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.family, Family::gated);
    EXPECT_EQ(c.gated_layout, CUACT_GATED_INTERLEAVED);
    const bool forward = c.direction == Direction::forward;
    EXPECT_EQ(c.tensors_moved(), forward ? 3 : 5);
    EXPECT_EQ(c.in0_elements(100), 200);
    EXPECT_EQ(c.out_elements(100), forward ? 100 : 200);
  }
  EXPECT_EQ(cases.front().activation, CUACT_SILU);
  EXPECT_EQ(cases.back().activation, CUACT_CLAMPED_SWIGLU);
  EXPECT_EQ(gated_dims(std::int64_t{1} << 26).hidden, 4096);
  EXPECT_EQ(gated_dims(std::int64_t{1} << 26).rows, 16384);
  EXPECT_EQ(gated_dims(1000).rows, 1);
}

TEST(BenchCases, MaskPassesForTheOpsWithAMaskMoveTwoTensorsAndTheMask) {
  const auto cases = select_cases(
      parse({"--op", "relu,elu", "--dtype", "bf16", "--direction", "forward_mask,backward_mask"}));
  ASSERT_EQ(cases.size(), 2u);  // elu has no mask
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.activation, CUACT_RELU);
    EXPECT_TRUE(c.is_mask());
    // 2 tensors of 1000 bf16 and 32 words of mask.
    EXPECT_EQ(c.bytes_moved(1000, 2), 2u * 1000 * 2 + 32 * 4);
  }
  EXPECT_EQ(cases[0].direction, Direction::forward_mask);
  EXPECT_EQ(cases[0].inputs(), 1);
  EXPECT_EQ(cases[1].direction, Direction::backward_mask);
  EXPECT_EQ(cases[1].inputs(), 2);
}

TEST(BenchCases, RReluRunsInTrainingInEveryDirectionItHas) {
  const auto cases = select_cases(parse({"--op", "rrelu", "--dtype", "f16"}));
  ASSERT_EQ(cases.size(), 3u);  // forward, backward from x, backward from y
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.family, Family::rrelu);
    EXPECT_FALSE(c.is_mask());
    EXPECT_EQ(c.bytes_moved(1000, 2), (c.direction == Direction::forward ? 2u : 3u) * 1000 * 2);
  }
}

TEST(BenchCases, EachFamilyMeasuresTheLargestWholeShapeOfItsKindNotAboveTheSize) {
  BenchCase c;
  const std::int64_t requested = 3 * 4096 + 100;
  EXPECT_EQ(measured_elements(c, requested), requested);  // unary activations: the size
  c.family = Family::rrelu;
  EXPECT_EQ(measured_elements(c, requested), requested);
  c.family = Family::gated;  // [3, 4096]
  EXPECT_EQ(measured_elements(c, requested), 3 * 4096);
  c.family = Family::prelu;
  c.layout = ChannelLayout::nhwc;  // [n / 64, 64, 1]
  EXPECT_EQ(measured_elements(c, requested), requested / 64 * 64);
  c.layout = ChannelLayout::nchw_7x7;  // [n / (64 * 49), 64, 49]
  EXPECT_EQ(measured_elements(c, requested), 3 * 64 * 49);
  EXPECT_EQ(measured_elements(c, 64 * 49 - 1), 0);  // too small for one image
  c.family = Family::bias;
  c.layout = ChannelLayout::rows_4096;  // [n / 4096, 4096, 1]
  EXPECT_EQ(measured_elements(c, requested), 3 * 4096);
}

TEST(BenchCases, SnakeCasesRunOnBctWithOneOrTwoParameterVectors) {
  const auto cases = select_cases(parse({"--op", "snake_bct,snakebeta_bct", "--dtype", "f32"}));
  ASSERT_EQ(cases.size(), 4u);  // 2 ops x forward and backward
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.family, Family::snake);
    EXPECT_TRUE(c.channelwise());
    EXPECT_EQ(c.layout, ChannelLayout::nchw);
    EXPECT_EQ(c.snake_beta, c.op == "snakebeta_bct");
    EXPECT_EQ(c.param_vectors(), c.snake_beta ? 2 : 1);
    const bool forward = c.direction == Direction::forward;
    EXPECT_EQ(c.bytes_moved(1000, 4), (forward ? 2u : 3u) * 1000 * 4);
  }
}

TEST(BenchCases, BiasCasesRunForwardAndBackwardAndTheBiasGradReadsDyAlone) {
  const auto cases = select_cases(parse({"--op", "bias_gelu_rows,bias_nchw", "--dtype", "bf16"}));
  ASSERT_EQ(cases.size(), 4u);  // 2 ops x forward and backward
  for (const BenchCase& c : cases) {
    EXPECT_EQ(c.family, Family::bias);
    const bool forward = c.direction == Direction::forward;
    EXPECT_EQ(c.inputs(), forward ? 1 : 2);
    if (c.op == "bias_gelu_rows") {
      EXPECT_FALSE(c.bias_only);
      EXPECT_EQ(c.activation, CUACT_GELU);
      EXPECT_EQ(c.layout, ChannelLayout::rows_4096);
      EXPECT_EQ(c.bytes_moved(1000, 2), (forward ? 2u : 3u) * 1000 * 2);
    } else {
      EXPECT_TRUE(c.bias_only);
      EXPECT_EQ(c.layout, ChannelLayout::nchw);
      EXPECT_EQ(c.bytes_moved(1000, 2), (forward ? 2u : 1u) * 1000 * 2);  // bias_grad: dy
    }
  }
  EXPECT_EQ(direction_name(Direction::backward_channelwise), std::string("backward"));
}

}  // namespace
}  // namespace cuact::bench
