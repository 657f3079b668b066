#include "bench/cases.hpp"

#include "host/op_registry.hpp"

#include <cuact/mask.hpp>
#include <cuact/op_traits.hpp>
#include <cuact/types.hpp>

#include <algorithm>
#include <type_traits>
#include <string>
#include <utility>

namespace cuact::bench {

namespace {

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
    case Direction::backward_channelwise:
      return "backward";
    case Direction::forward_mask:
      return "forward_mask";
    case Direction::backward_mask:
      return "backward_mask";
  }
  return "?";
}

std::size_t BenchCase::bytes_moved(std::int64_t n, std::size_t element_size) const {
  const std::size_t tensors = static_cast<std::size_t>(tensors_moved()) *
                              static_cast<std::size_t>(n) * element_size;
  return tensors + (is_mask() ? mask_bytes(n) : 0);
}

const char* dtype_name(cuact_dtype d) { return detail::dtype_name(d); }

std::size_t dtype_size(cuact_dtype d) {
  std::size_t size = 0;
  detail::visit_dtype(d, [&](auto tag) { size = sizeof(tag); });
  return size;
}

std::size_t compute_size(cuact_dtype d) {
  std::size_t size = 0;
  detail::visit_dtype(d, [&](auto tag) { size = sizeof(compute_t<decltype(tag)>); });
  return size;
}

GatedDims gated_dims(std::int64_t n) {
  const std::int64_t hidden = std::min<std::int64_t>(n, 4096);
  return {hidden > 0 ? n / hidden : 0, hidden};
}

const std::vector<GatedVariant>& gated_variants() {
  static const std::vector<GatedVariant> variants = {
      {"swiglu_gate_first", CUACT_SILU, CUACT_GATED_GATE_FIRST},
      {"swiglu_gate_second", CUACT_SILU, CUACT_GATED_GATE_SECOND},
      {"swiglu_interleaved", CUACT_SILU, CUACT_GATED_INTERLEAVED},
      {"swiglu_separate", CUACT_SILU, CUACT_GATED_SEPARATE},
      {"geglu_gate_first", CUACT_GELU, CUACT_GATED_GATE_FIRST},
      {"clamped_swiglu_interleaved", CUACT_CLAMPED_SWIGLU, CUACT_GATED_INTERLEAVED},
  };
  return variants;
}

const std::vector<ParameterVariant>& parameter_variants() {
  static const std::vector<ParameterVariant> variants = {
      {"gelu_tanh", CUACT_GELU, {static_cast<double>(GeluApproximate::tanh)}},
  };
  return variants;
}

const std::vector<BiasVariant>& bias_variants() {
  static const std::vector<BiasVariant> variants = [] {
    std::vector<BiasVariant> v;
    const std::pair<ChannelLayout, const char*> layouts[] = {{ChannelLayout::rows_4096, "rows"},
                                                             {ChannelLayout::nchw, "nchw"}};
    const std::pair<cuact_activation, const char*> activations[] = {
        {CUACT_RELU, "relu"}, {CUACT_GELU, "gelu"}, {CUACT_SILU, "silu"}};
    for (const auto& [layout, layout_name] : layouts) {
      v.push_back({std::string("bias_") + layout_name, CUACT_RELU, true, layout});
      for (const auto& [activation, name] : activations) {
        v.push_back({std::string("bias_") + name + "_" + layout_name, activation, false, layout});
      }
    }
    return v;
  }();
  return variants;
}

std::vector<BenchCase> select_cases(const Options& options) {
  std::vector<BenchCase> cases;
  const auto add = [&](BenchCase c) {
    if (selected(options.dtypes, dtype_name(c.dtype)) &&
        selected(options.directions, direction_name(c.direction))) {
      cases.push_back(c);
    }
  };
  const auto add_activation = [&](const char* name, cuact_activation activation,
                                  const std::vector<double>& params, bool from_output,
                                  bool mask) {
    if (!selected(options.ops, name)) {
      return;
    }
    for (cuact_dtype dtype : detail::kAllDtypes) {
      BenchCase c;
      c.op = name;
      c.activation = activation;
      c.params = params;
      c.dtype = dtype;
      for (Direction d :
           {Direction::forward, Direction::backward_input, Direction::backward_output,
            Direction::forward_mask, Direction::backward_mask}) {
        const bool applies = d == Direction::backward_output ? from_output
                             : d == Direction::forward_mask || d == Direction::backward_mask
                                 ? mask
                                 : true;
        if (applies) {
          c.direction = d;
          add(c);
        }
      }
    }
  };
  // Every activation of the registry, at its defaults (PyTorch's), then the variants.
  detail::for_each_activation([&](auto tag) {
    using Tag = decltype(tag);
    using Op = typename Tag::template type<double>;
    add_activation(Tag::info::name, Tag::info::c_enum, {}, allows_grad_from_output(Op{}),
                   has_mask_v<Op>);
  });
  for (const ParameterVariant& v : parameter_variants()) {
    detail::visit_activation_tag(v.activation, [&](auto tag) {
      using Tag = decltype(tag);
      const auto op = detail::make_op<Tag, double>(v.params.data(), v.params.size());
      add_activation(v.name, v.activation, v.params, allows_grad_from_output(op),
                     has_mask_v<std::decay_t<decltype(op)>>);
    });
  }
  for (const GatedVariant& v : gated_variants()) {
    if (!selected(options.ops, v.name)) {
      continue;
    }
    for (cuact_dtype dtype : detail::kAllDtypes) {
      for (Direction d : {Direction::forward, Direction::backward_input}) {
        BenchCase c;
        c.op = v.name;
        c.activation = v.activation;
        c.family = Family::gated;
        c.gated_layout = v.layout;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  if (selected(options.ops, "rrelu")) {
    for (cuact_dtype dtype : detail::kAllDtypes) {
      for (Direction d :
           {Direction::forward, Direction::backward_input, Direction::backward_output}) {
        BenchCase c;
        c.op = "rrelu";
        c.family = Family::rrelu;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  const std::pair<ChannelLayout, const char*> layouts[] = {{ChannelLayout::nchw, "prelu_nchw"},
                                                         {ChannelLayout::nchw_7x7, "prelu_nchw7x7"},
                                                         {ChannelLayout::nhwc, "prelu_nhwc"},
                                                         {ChannelLayout::nhwc_3, "prelu_nhwc3"}};
  for (const auto& [layout, name] : layouts) {
    if (!selected(options.ops, name)) {
      continue;
    }
    for (cuact_dtype dtype : detail::kAllDtypes) {
      for (Direction d : {Direction::forward, Direction::backward_channelwise}) {
        BenchCase c;
        c.op = name;
        c.family = Family::prelu;
        c.layout = layout;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  // BigVGAN's periodic activations on [B, C, T] (the nchw layout: 64 channels of up to
  // 4096 samples), linear parameters.
  for (const bool beta : {false, true}) {
    const char* name = beta ? "snakebeta_bct" : "snake_bct";
    if (!selected(options.ops, name)) {
      continue;
    }
    for (cuact_dtype dtype : detail::kAllDtypes) {
      for (Direction d : {Direction::forward, Direction::backward_channelwise}) {
        BenchCase c;
        c.op = name;
        c.family = Family::snake;
        c.snake_beta = beta;
        c.layout = ChannelLayout::nchw;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  for (const BiasVariant& v : bias_variants()) {
    if (!selected(options.ops, v.name)) {
      continue;
    }
    for (cuact_dtype dtype : detail::kAllDtypes) {
      for (Direction d : {Direction::forward, Direction::backward_channelwise}) {
        BenchCase c;
        c.op = v.name;
        c.family = Family::bias;
        c.bias_only = v.bias_only;
        c.activation = v.activation;
        c.layout = v.layout;
        c.direction = d;
        c.dtype = dtype;
        add(c);
      }
    }
  }
  return cases;
}

ChannelDims channel_dims(const BenchCase& c, std::int64_t n) {
  constexpr std::int64_t kChannels = 64;
  switch (c.layout) {
    case ChannelLayout::nhwc:
      return {n / kChannels, kChannels, 1};
    case ChannelLayout::nhwc_3:  // an image batch's 3 colour channels: rows of 6 or 12 bytes
      return {n / 3, 3, 1};
    case ChannelLayout::nchw_7x7:
      return {n / (kChannels * 49), kChannels, 49};
    case ChannelLayout::rows_4096:
      return {n / 4096, 4096, 1};
    case ChannelLayout::nchw:
      break;
  }
  const std::int64_t inner = std::min<std::int64_t>(64 * 64, n / kChannels);
  return {inner > 0 ? n / (kChannels * inner) : 0, kChannels, inner};
}

std::int64_t measured_elements(const BenchCase& c, std::int64_t requested) {
  switch (c.family) {
    case Family::prelu:
    case Family::bias:
    case Family::snake:
      return channel_dims(c, requested).numel();
    case Family::gated:
      return gated_dims(requested).rows * gated_dims(requested).hidden;
    case Family::activation:
    case Family::rrelu:
      break;
  }
  return requested;
}

cuact_status launch_case(const BenchCase& c, std::int64_t n, const Tensors& t,
                         cudaStream_t stream) {
  if (c.family == Family::prelu) {
    const ChannelDims s = channel_dims(c, n);
    if (c.direction == Direction::forward) {
      return cuact_prelu_forward(c.dtype, t.in0, t.alpha, t.out, s.outer, s.channels, s.inner,
                                 stream);
    }
    return cuact_prelu_backward(c.dtype, t.in0, t.in1, t.alpha, t.out, t.dalpha, s.outer,
                                s.channels, s.inner, 0, t.workspace, t.workspace_bytes, stream);
  }
  if (c.family == Family::snake) {
    const ChannelDims s = channel_dims(c, n);
    const bool forward = c.direction == Direction::forward;
    if (c.snake_beta) {
      // beta and dbeta follow alpha and dalpha in their buffers.
      const std::size_t p = static_cast<std::size_t>(s.channels) * compute_size(c.dtype);
      const void* beta = static_cast<const char*>(t.alpha) + p;
      void* dbeta = static_cast<char*>(t.dalpha) + p;
      return forward ? cuact_snakebeta_forward(c.dtype, t.in0, t.alpha, beta, t.out, s.outer,
                                               s.channels, s.inner, CUACT_PARAM_SCALE_LINEAR,
                                               stream)
                     : cuact_snakebeta_backward(c.dtype, t.in0, t.in1, t.alpha, beta, t.out,
                                                t.dalpha, dbeta, s.outer, s.channels, s.inner,
                                                CUACT_PARAM_SCALE_LINEAR, 0, t.workspace,
                                                t.workspace_bytes, stream);
    }
    return forward ? cuact_snake_forward(c.dtype, t.in0, t.alpha, t.out, s.outer, s.channels,
                                         s.inner, CUACT_PARAM_SCALE_LINEAR, stream)
                   : cuact_snake_backward(c.dtype, t.in0, t.in1, t.alpha, t.out, t.dalpha, s.outer,
                                          s.channels, s.inner, CUACT_PARAM_SCALE_LINEAR, 0,
                                          t.workspace, t.workspace_bytes, stream);
  }
  if (c.family == Family::bias) {
    const ChannelDims s = channel_dims(c, n);
    const bool forward = c.direction == Direction::forward;
    if (c.bias_only) {
      return forward ? cuact_bias_add(c.dtype, t.in0, t.alpha, t.out, s.outer, s.channels,
                                      s.inner, stream)
                     : cuact_bias_grad(c.dtype, t.in1, t.dalpha, s.outer, s.channels, s.inner,
                                       0, t.workspace, t.workspace_bytes, stream);
    }
    const int np = static_cast<int>(c.params.size());
    if (forward) {
      return cuact_bias_forward(c.activation, c.params.data(), np, c.dtype, t.in0, t.alpha,
                                t.out, s.outer, s.channels, s.inner, stream);
    }
    return cuact_bias_backward(c.activation, c.params.data(), np, CUACT_SAVED_INPUT, c.dtype,
                               t.in0, t.in1, t.alpha, t.out, t.dalpha, nullptr, s.outer,
                               s.channels, s.inner, 0, t.workspace, t.workspace_bytes, stream);
  }
  if (c.family == Family::rrelu) {
    if (c.direction == Direction::forward) {
      return cuact_rrelu_forward(c.dtype, t.in0, t.out, n, kRReluLower, kRReluUpper, 1,
                                 kRReluSeed, kRReluOffset, stream);
    }
    return cuact_rrelu_backward(
        c.dtype, t.in0, t.in1, t.out, n, kRReluLower, kRReluUpper, 1, kRReluSeed, kRReluOffset,
        c.direction == Direction::backward_input ? CUACT_SAVED_INPUT : CUACT_SAVED_OUTPUT, stream);
  }
  if (c.family == Family::gated) {
    const GatedDims g = gated_dims(n);
    const bool separate = c.gated_layout == CUACT_GATED_SEPARATE;
    // Separate: gate and up are the two halves of in0 (and of out, backward).
    const auto half = [&](const void* p) {
      return separate ? static_cast<const void*>(static_cast<const char*>(p) +
                                                 n * dtype_size(c.dtype))
                      : nullptr;
    };
    if (c.direction == Direction::forward) {
      return cuact_gated_forward(c.activation, c.params.data(), static_cast<int>(c.params.size()),
                                 c.gated_layout, c.dtype, t.in0, half(t.in0), t.out, g.rows,
                                 g.hidden, stream);
    }
    return cuact_gated_backward(c.activation, c.params.data(), static_cast<int>(c.params.size()),
                                c.gated_layout, c.dtype, t.in0, half(t.in0), t.in1, t.out,
                                const_cast<void*>(half(t.out)), g.rows, g.hidden, stream);
  }
  switch (c.direction) {
    case Direction::forward:
      return cuact_activation_forward_params(c.activation, c.params.data(),
                                             static_cast<int>(c.params.size()), c.dtype, t.in0,
                                             t.out, n,
                                             stream);
    case Direction::backward_input:
    case Direction::backward_output:
      return cuact_activation_backward_params(
          c.activation, c.params.data(), static_cast<int>(c.params.size()),
          c.direction == Direction::backward_input ? CUACT_SAVED_INPUT : CUACT_SAVED_OUTPUT,
          c.dtype, t.in0, t.in1, t.out, n, stream);
    case Direction::forward_mask:
      return cuact_activation_forward_mask(c.activation, c.params.data(),
                                           static_cast<int>(c.params.size()), c.dtype, t.in0,
                                           t.out, static_cast<std::uint32_t*>(t.workspace), n,
                                           stream);
    case Direction::backward_mask:
      return cuact_activation_backward_params(
          c.activation, c.params.data(), static_cast<int>(c.params.size()), CUACT_SAVED_MASK,
          c.dtype, t.workspace, t.in1, t.out, n, stream);
    case Direction::backward_channelwise:
      break;
  }
  return CUACT_STATUS_INVALID_ARGUMENT;
}

}  // namespace cuact::bench
