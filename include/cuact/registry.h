/* The one list of cuact's activations and element types. C-compatible: the C API's enums
 * are generated from it, and so are, in C++, the named entry points (relu_forward, ...),
 * the Activation factories, the layers' activation variant, the C API's dispatch, the
 * kernel instantiations (one generated .cu per activation, see cmake/cuact_registry.cmake),
 * and the test and benchmark cases. docs/adding-an-activation.md says how to add one.
 *
 * CUACT_ACTIVATIONS(X) calls X(ENUM, value, Functor, name, kind, params, pytorch) once per
 * activation:
 *   ENUM     the C enumerator is CUACT_<ENUM>
 *   value    its value in the C ABI: never changed or reused
 *   Functor  the functor template of ops.hpp, cuact::Functor<C> (C: float or double)
 *   name     snake_case name: Functor<C>::name, the C++ functions <name>_forward and
 *            <name>_backward, the factory Activation::<name>
 *   kind     unary (y = f(x)) or gated (y = act(gate) * up)
 *   params   (count, member, ...): the functor's parameters, named as its members, in the
 *            order its constructor takes them; (0) for none
 *   pytorch  the PyTorch expression it computes, in x and the parameter names, with
 *            F = torch.nn.functional
 * Each line must stay on one line of its own, starting with "  X(": the build reads the
 * Functor column of these lines to generate the kernel files.
 */
#ifndef CUACT_REGISTRY_H
#define CUACT_REGISTRY_H

/* clang-format off */
#define CUACT_ACTIVATIONS(X) \
  X(RELU,       0, Relu,      relu,       unary, (0),                 "F.relu(x)") \
  X(LEAKY_RELU, 1, LeakyRelu, leaky_relu, unary, (1, negative_slope), "F.leaky_relu(x, negative_slope)") \
  X(ELU,        2, Elu,       elu,        unary, (1, alpha),          "F.elu(x, alpha)") \
  X(SELU,       3, Selu,      selu,       unary, (0),                 "F.selu(x)") \
  X(CELU,       4, Celu,      celu,       unary, (1, alpha),          "F.celu(x, alpha)") \
  X(RELU6,      5, Relu6,     relu6,      unary, (0),                 "F.relu6(x)") \
  X(HARDTANH,   6, Hardtanh,  hardtanh,   unary, (2, min_val, max_val), "F.hardtanh(x, min_val, max_val)") \
  X(SIGMOID,    7, Sigmoid,   sigmoid,    unary, (0),                 "torch.sigmoid(x)") \
  X(TANH,       8, Tanh,      tanh,       unary, (0),                 "torch.tanh(x)") \
  X(SILU,       9, Silu,      silu,       unary, (0),                 "F.silu(x)") \
  X(HARDSIGMOID, 10, Hardsigmoid, hardsigmoid, unary, (0),            "F.hardsigmoid(x)") \
  X(HARDSWISH,  11, Hardswish, hardswish,  unary, (0),                 "F.hardswish(x)") \
  X(SQUARED_RELU, 12, SquaredRelu, squared_relu, unary, (0),         "torch.relu(x) ** 2") \
  X(QUICK_GELU, 13, QuickGelu, quick_gelu, unary, (0),                "x * torch.sigmoid(1.702 * x)") \
  X(MISH,       14, Mish,      mish,       unary, (0),                 "F.mish(x)") \
  X(GELU,       15, Gelu,      gelu,       unary, (1, approximate),    "F.gelu(x, approximate=('none', 'tanh')[int(approximate)])") \
  X(SOFTPLUS,   16, Softplus,  softplus,   unary, (2, beta, threshold), "F.softplus(x, beta, threshold)") \
  X(HARDSHRINK, 18, Hardshrink, hardshrink, unary, (1, lambd),        "F.hardshrink(x, lambd)") \
  X(SOFTSHRINK, 19, Softshrink, softshrink, unary, (1, lambd),        "F.softshrink(x, lambd)") \
  X(TANHSHRINK, 20, Tanhshrink, tanhshrink, unary, (0),               "F.tanhshrink(x)") \
  X(SOFTSIGN,   21, Softsign,   softsign,   unary, (0),               "F.softsign(x)") \
  X(LOGSIGMOID, 22, LogSigmoid, logsigmoid, unary, (0),               "F.logsigmoid(x)") \
  X(THRESHOLD,  23, Threshold,  threshold,  unary, (2, threshold, value), "F.threshold(x, threshold, value)")

/* CUACT_GATED_ACTIVATIONS(X): the gated activations with a functor of their own (kind gated,
 * gated_ops.hpp), in the same columns; pytorch is in g, u and the parameter names. (Every
 * unary activation above is also a gated one as cuact::Gated<Functor>: SwiGLU is Gated<Silu>.)
 * Their C enumerators share cuact_activation's values. */
/* clang-format off */
#define CUACT_GATED_ACTIVATIONS(X) \
  X(CLAMPED_SWIGLU, 17, ClampedSwiglu, clamped_swiglu, gated, (2, alpha, limit), "(u.clamp(-limit, limit) + 1) * g.clamp(max=limit) * torch.sigmoid(alpha * g.clamp(max=limit))")
/* clang-format on */

/* CUACT_DTYPES(D, ctx) calls D(ctx, ENUM, value, type, name) once per element type:
 * CUACT_DTYPE_<ENUM> in the C API, `type` in C++, `name` in messages, test names and
 * benchmark tables. `ctx` is passed through, so that a generator can nest it in another. */
#define CUACT_DTYPES(D, ctx) \
  D(ctx, F32,  0, float,         f32) \
  D(ctx, F64,  1, double,        f64) \
  D(ctx, F16,  2, __half,        f16) \
  D(ctx, BF16, 3, __nv_bfloat16, bf16)
/* clang-format on */

/* Preprocessor helpers for the generators. */
#define CUACT_PP_CAT(a, b) CUACT_PP_CAT_(a, b)
#define CUACT_PP_CAT_(a, b) a##b
#define CUACT_PP_STR(a) CUACT_PP_STR_(a)
#define CUACT_PP_STR_(a) #a
#define CUACT_PP_UNPAREN(...) __VA_ARGS__

/* CUACT_PP_PARAMS(M, ctx, params) expands to M(ctx, index, member) for each parameter of a
 * registry `params` column; nothing for (0). (The trailing ~ keeps every variadic argument
 * list non-empty, as ISO C++17 requires.) */
#define CUACT_PP_PARAMS(M, ctx, params) CUACT_PP_PARAMS_I(M, ctx, CUACT_PP_UNPAREN params)
#define CUACT_PP_PARAMS_I(M, ctx, ...) CUACT_PP_PARAMS_II(M, ctx, __VA_ARGS__, ~)
#define CUACT_PP_PARAMS_II(M, ctx, count, ...) CUACT_PP_CAT(CUACT_PP_PARAMS_, count)(M, ctx, __VA_ARGS__)
#define CUACT_PP_PARAMS_0(M, ctx, ...)
#define CUACT_PP_PARAMS_1(M, ctx, a, ...) M(ctx, 0, a)
#define CUACT_PP_PARAMS_2(M, ctx, a, b, ...) M(ctx, 0, a) M(ctx, 1, b)
#define CUACT_PP_PARAMS_3(M, ctx, a, b, c, ...) M(ctx, 0, a) M(ctx, 1, b) M(ctx, 2, c)
#define CUACT_PP_PARAMS_4(M, ctx, a, b, c, d, ...) M(ctx, 0, a) M(ctx, 1, b) M(ctx, 2, c) M(ctx, 3, d)

/* CUACT_PP_PARAM_LIST(M, ctx, params): the same, separated by commas. */
#define CUACT_PP_PARAM_LIST(M, ctx, params) CUACT_PP_PARAM_LIST_I(M, ctx, CUACT_PP_UNPAREN params)
#define CUACT_PP_PARAM_LIST_I(M, ctx, ...) CUACT_PP_PARAM_LIST_II(M, ctx, __VA_ARGS__, ~)
#define CUACT_PP_PARAM_LIST_II(M, ctx, count, ...) CUACT_PP_CAT(CUACT_PP_PARAM_LIST_, count)(M, ctx, __VA_ARGS__)
#define CUACT_PP_PARAM_LIST_0(M, ctx, ...)
#define CUACT_PP_PARAM_LIST_1(M, ctx, a, ...) M(ctx, 0, a)
#define CUACT_PP_PARAM_LIST_2(M, ctx, a, b, ...) M(ctx, 0, a), M(ctx, 1, b)
#define CUACT_PP_PARAM_LIST_3(M, ctx, a, b, c, ...) M(ctx, 0, a), M(ctx, 1, b), M(ctx, 2, c)
#define CUACT_PP_PARAM_LIST_4(M, ctx, a, b, c, d, ...) M(ctx, 0, a), M(ctx, 1, b), M(ctx, 2, c), M(ctx, 3, d)

/* The number of parameters of a `params` column. */
#define CUACT_PP_PARAM_COUNT(params) CUACT_PP_PARAM_COUNT_I(CUACT_PP_UNPAREN params, ~)
#define CUACT_PP_PARAM_COUNT_I(...) CUACT_PP_PARAM_COUNT_II(__VA_ARGS__)
#define CUACT_PP_PARAM_COUNT_II(count, ...) count

/* CUACT_PP_IF_UNARY(kind)(tokens): the tokens for unary activations, nothing for gated ones
 * (and the converse for CUACT_PP_IF_GATED). */
#define CUACT_PP_IF_UNARY(kind) CUACT_PP_CAT(CUACT_PP_IF_UNARY_, kind)
#define CUACT_PP_IF_UNARY_unary(...) __VA_ARGS__
#define CUACT_PP_IF_UNARY_gated(...)
#define CUACT_PP_IF_GATED(kind) CUACT_PP_CAT(CUACT_PP_IF_GATED_, kind)
#define CUACT_PP_IF_GATED_unary(...)
#define CUACT_PP_IF_GATED_gated(...) __VA_ARGS__

#endif /* CUACT_REGISTRY_H */
