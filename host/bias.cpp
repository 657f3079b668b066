// bias_backward_workspace_size (bias.hpp): the same for every activation, so defined once
// per element type; the entry points themselves are per activation (bias_entries.hpp).
#include <cuact/bias.hpp>

#include "host/bias_entries.hpp"
#include "host/channel_checks.hpp"
#include "host/entry_point.hpp"

#include <cuact/registry.h>

namespace cuact {

template <class T>
std::size_t bias_backward_workspace_size(ChannelShape shape) {
  constexpr const char* fn = detail::kBiasSizeFunction;
  if (detail::expect_channelwise_shape<T>(fn, shape) == 0) {
    return 0;
  }
  return detail::channelwise_plan_for<T>(fn, shape, true).workspace_bytes;
}

#define CUACT_DETAIL_INSTANTIATE_BIAS_SIZE(ctx, ENUM, value, T, name) \
  template std::size_t bias_backward_workspace_size<T>(ChannelShape);

CUACT_DTYPES(CUACT_DETAIL_INSTANTIATE_BIAS_SIZE, ~)

}  // namespace cuact
