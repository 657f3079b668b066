// The one generator of cuact's named functions (relu_forward, elu_backward_mask, ...): thin
// inline wrappers that build an activation's functor from its registry parameters (in
// registry order, typed as the functor's members) and call a generic entry point. Used by
// activations.hpp and mask.hpp; not meant to be included on its own.
#pragma once

#include <cuact/registry.h>
#include <cuact/types.hpp>

/// `template <class T> inline void fname(before... <params> after...)` calling
/// `generic(Functor<compute_t<T>>{params...}, args...)`, where <params> are Functor's
/// registry parameters (registry.h's `params`), each as `decltype(member) member,`.
/// `before` (ending in a comma), `after` and `args` are parenthesised lists; `check` is a
/// statement run first (a static_assert, or nothing).
#define CUACT_DETAIL_NAMED_FUNCTION(Functor, params, fname, before, after, generic, args, check) \
  template <class T>                                                                             \
  inline void fname(CUACT_PP_UNPAREN before CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_DECL, Functor,    \
                                                            params) CUACT_PP_UNPAREN after) {    \
    check;                                                                                       \
    generic(Functor<::cuact::compute_t<T>>{CUACT_PP_PARAMS(CUACT_DETAIL_PARAM_NAME, ~, params)}, \
            CUACT_PP_UNPAREN args);                                                              \
  }
#define CUACT_DETAIL_PARAM_DECL(Functor, index, member) \
  decltype(Functor<::cuact::compute_t<T>>::member) member,
#define CUACT_DETAIL_PARAM_NAME(ctx, index, member) member,
