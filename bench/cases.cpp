#include "bench/cases.hpp"

#include <algorithm>
#include <utility>

namespace cuact::bench {

namespace {

struct OpInfo {
  const char* name;
  cuact_activation activation;
  double param;  // PyTorch's default; every op allows the backward from its output with it
};

constexpr OpInfo kOps[] = {
    {"relu", CUACT_RELU, 0.0}, {"leaky_relu", CUACT_LEAKY_RELU, 0.01},
    {"elu", CUACT_ELU, 1.0},   {"selu", CUACT_SELU, 0.0},
    {"celu", CUACT_CELU, 1.0}, {"relu6", CUACT_RELU6, 0.0},
};

constexpr cuact_dtype kDtypes[] = {CUACT_DTYPE_F32, CUACT_DTYPE_F64, CUACT_DTYPE_F16,
                                   CUACT_DTYPE_BF16};

bool selected(const std::vector<std::string>& filter, const std::string& name) {
  return filter.empty() || std::find(filter.begin(), filter.end(), name) != filter.end();
}

}  // namespace

const char* direction_name(Direction d) {
  switch (d) {
    case Direction::forward:
      return "forward";
    case Direction::backward_input:
      return "backward_input";
    case Direction::backward_output:
      return "backward_output";
    case Direction::backward_prelu:
      return "backward";
  }
  return "?";
}

const char* dtype_name(cuact_dtype d) {
  switch (d) {
    case CUACT_DTYPE_F32:
      return "f32";
    case CUACT_DTYPE_F64:
      return "f64";
    case CUACT_DTYPE_F16:
      return "f16";
    case CUACT_DTYPE_BF16:
      return "bf16";
  }
  return "?";
}

std::size_t dtype_size(cuact_dtype d) {
  return d == CUACT_DTYPE_F64 ? 8 : d == CUACT_DTYPE_F32 ? 4 : 2;
}

std::size_t compute_size(cuact_dtype d) { return d == CUACT_DTYPE_F64 ? 8 : 4; }

std::vector<BenchCase> select_cases(const Options& options) {
  std::vector<BenchCase> cases;
  const auto add = [&](BenchCase c) {
    if (selected(options.dtypes, dtype_name(c.dtype)) &&
        selected(options.directions, direction_name(c.direction))) {
      cases.push_back(c);
    }
  };
  for (const OpInfo& op : kOps) {
    if (!selected(options.ops, op.name)) {
      continue;
    }
    for (cuact_dtype dtype : kDtypes) {
      BenchCase c;
      c.op = op.name;
      c.activation = op.activation;
      c.param = op.param;
      c.dtype = dtype;
      for (Direction d :
           {Direction::forward, Direction::backward_input, Direction::backward_output}) {
        c.direction = d;
        add(c);
      }
    }
  }
  const std::pair<PreluLayout, const char*> layouts[] = {{PreluLayout::nchw, "prelu_nchw"},
                                                         {PreluLayout::nchw_7x7, "prelu_nchw7x7"},
                                                         {PreluLayout::nhwc, "prelu_nhwc"}};
  for (const auto& [layout, name] : layouts) {
    if (!selected(options.ops, name)) {
      continue;
    }
    for (cuact_dtype dtype : kDtypes) {
      for (Direction d : {Direction::forward, Direction::backward_prelu}) {
        BenchCase c;
        c.op = name;
        c.prelu = true;
        c.layout = layout;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  return cases;
}

PreluDims prelu_dims(const BenchCase& c, std::int64_t n) {
  constexpr std::int64_t kChannels = 64;
  switch (c.layout) {
    case PreluLayout::nhwc:
      return {n / kChannels, kChannels, 1};
    case PreluLayout::nchw_7x7:
      return {n / (kChannels * 49), kChannels, 49};
    case PreluLayout::nchw:
      break;
  }
  const std::int64_t inner = std::min<std::int64_t>(64 * 64, n / kChannels);
  return {inner > 0 ? n / (kChannels * inner) : 0, kChannels, inner};
}

cuact_status launch_case(const BenchCase& c, std::int64_t n, const Tensors& t,
                         cudaStream_t stream) {
  if (c.prelu) {
    const PreluDims s = prelu_dims(c, n);
    if (c.direction == Direction::forward) {
      return cuact_prelu_forward(c.dtype, t.in0, t.alpha, t.out, s.outer, s.channels, s.inner,
                                 stream);
    }
    return cuact_prelu_backward(c.dtype, t.in0, t.in1, t.alpha, t.out, t.dalpha, s.outer,
                                s.channels, s.inner, 0, t.workspace, t.workspace_bytes, stream);
  }
  switch (c.direction) {
    case Direction::forward:
      return cuact_activation_forward(c.activation, c.param, c.dtype, t.in0, t.out, n, stream);
    case Direction::backward_input:
    case Direction::backward_output:
      return cuact_activation_backward(
          c.activation, c.param,
          c.direction == Direction::backward_input ? CUACT_SAVED_INPUT : CUACT_SAVED_OUTPUT,
          c.dtype, t.in0, t.in1, t.out, n, stream);
    case Direction::backward_prelu:
      break;
  }
  return CUACT_STATUS_INVALID_ARGUMENT;
}

}  // namespace cuact::bench
