// The channelwise entry points' argument checks (channel_checks.hpp) and ChannelShape's
// helpers.
#include "host/channel_checks.hpp"

#include "host/argument_checks.hpp"

#include <cuact/channel_shape.hpp>
#include <cuact/error.hpp>

#include <string>

namespace cuact {

namespace {

std::int64_t checked_product(const char* fn, std::int64_t a, std::int64_t b) {
  std::int64_t product = 0;
  if (a < 0 || b < 0 || __builtin_mul_overflow(a, b, &product)) {
    throw invalid_argument(std::string(fn) +
                           ": dimensions must be >= 0 and their product fit "
                           "in 64 bits, got " +
                           std::to_string(a) + " * " + std::to_string(b));
  }
  return product;
}

}  // namespace

ChannelShape ChannelShape::nchw(std::int64_t n, std::int64_t c, std::int64_t h, std::int64_t w) {
  return {n, c, checked_product("ChannelShape::nchw", h, w)};
}

ChannelShape ChannelShape::nhwc(std::int64_t n, std::int64_t h, std::int64_t w, std::int64_t c) {
  const char* fn = "ChannelShape::nhwc";
  return {checked_product(fn, checked_product(fn, n, h), w), c, 1};
}

ChannelShape ChannelShape::matrix(std::int64_t n, std::int64_t c) { return {n, c, 1}; }

ChannelShape ChannelShape::shared(std::int64_t count) { return {1, 1, count}; }

namespace detail {

std::int64_t expect_valid_channel_shape(const char* fn, const ChannelShape& shape,
                                        std::size_t element_size, std::size_t param_size) {
  if (shape.channels < 1) {
    throw_invalid_argument(fn,
                           "'shape.channels' must be >= 1, got " + std::to_string(shape.channels));
  }
  if (shape.outer < 0 || shape.inner < 0) {
    throw_invalid_argument(fn, "'shape.outer' and 'shape.inner' must be >= 0, got " +
                                   std::to_string(shape.outer) + " and " +
                                   std::to_string(shape.inner));
  }
  std::int64_t n = 0;
  std::int64_t bytes = 0;
  std::int64_t param_bytes = 0;
  if (__builtin_mul_overflow(shape.outer, shape.channels, &n) ||
      __builtin_mul_overflow(n, shape.inner, &n) ||
      __builtin_mul_overflow(n, static_cast<std::int64_t>(element_size), &bytes) ||
      __builtin_mul_overflow(shape.channels, static_cast<std::int64_t>(param_size),
                             &param_bytes)) {
    throw_invalid_argument(fn, "'shape' [" + std::to_string(shape.outer) + ", " +
                                   std::to_string(shape.channels) + ", " +
                                   std::to_string(shape.inner) +
                                   "] overflows a 64-bit byte count");
  }
  return n;
}

void expect_valid_grad_mode(const char* fn, GradMode mode) {
  if (mode != GradMode::overwrite && mode != GradMode::accumulate) {
    throw_invalid_argument(fn, "'mode' must be GradMode::overwrite or GradMode::accumulate, got " +
                                   std::to_string(static_cast<int>(mode)));
  }
}

void expect_workspace(const char* fn, const void* workspace, std::size_t workspace_bytes,
                      std::size_t needed, const char* gradient, const char* size_function) {
  if (workspace == nullptr) {
    throw_invalid_argument(fn, std::string("'workspace' is null but ") + gradient +
                                   " is requested");
  }
  if (workspace_bytes < needed) {
    throw_invalid_argument(fn, "'workspace_bytes' = " + std::to_string(workspace_bytes) +
                                   " is too small: this call needs at least " +
                                   std::to_string(needed) + " bytes (see " + size_function +
                                   ")");
  }
}

}  // namespace detail
}  // namespace cuact
