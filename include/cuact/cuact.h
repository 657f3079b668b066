/* cuact's C API: every activation, bias + activation, PReLU and Snake behind plain C functions with status codes, for
 * FFI callers (Python ctypes, Rust, Julia, ...). Exceptions never cross it.
 *
 * Each function has the semantics of the C++ entry point it wraps (activations.hpp,
 * prelu.hpp, bias.hpp, snake.hpp, dyt.hpp): device pointers, 64-bit counts, enqueued on `stream`, never synchronizing, in
 * place allowed where the C++ API allows it. The element type is given at run time; scalar
 * parameters are passed as double and converted to the compute type (float for f32/f16/
 * bf16, double for f64) before they are checked. PReLU's alpha and dalpha, the bias and
 * dbias, and Snake's parameters and their gradients are arrays of the compute type.
 *
 * On failure a function returns a non-zero status and leaves every output untouched (for
 * CUACT_STATUS_INVALID_ARGUMENT) ; cuact_last_error() then gives the full message of the
 * calling thread's most recent failure ("relu_forward: 'x' is null but n = 5").
 */
#ifndef CUACT_CUACT_H
#define CUACT_CUACT_H

#include <cuact/export.h>
#include <cuact/registry.h>
#include <cuact/version.h>

#include <cuda_runtime_api.h>

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* In C++ the enums below have int as their fixed underlying type, so that any int a C caller
 * passes is a value of the enum type (the functions then refuse those that name nothing);
 * without one, a value outside the enumerators' range would be undefined behaviour in C++.
 * The same 32-bit int as C's enums: the ABI is unchanged. */
#ifdef __cplusplus
#define CUACT_DETAIL_ENUM_BASE : int
#else
#define CUACT_DETAIL_ENUM_BASE
#endif

typedef enum cuact_status CUACT_DETAIL_ENUM_BASE {
  CUACT_STATUS_SUCCESS = 0,
  CUACT_STATUS_INVALID_ARGUMENT = 1, /* a bad argument; nothing was launched */
  CUACT_STATUS_CUDA_ERROR = 2,       /* a CUDA call or a launch failed */
  CUACT_STATUS_INTERNAL_ERROR = 3    /* anything else (out of host memory, ...) */
} cuact_status;

/* The element types and activations, from the registry (registry.h): CUACT_DTYPE_F32 = 0,
 * CUACT_DTYPE_F64, CUACT_DTYPE_F16, CUACT_DTYPE_BF16; CUACT_RELU = 0, CUACT_LEAKY_RELU,
 * CUACT_ELU, CUACT_SELU, CUACT_CELU, CUACT_RELU6, ... Values never change; the registry
 * lists each activation's parameters in order. */
#define CUACT_DETAIL_C_DTYPE(ctx, ENUM, value, type, name) CUACT_DTYPE_##ENUM = value,
typedef enum cuact_dtype CUACT_DETAIL_ENUM_BASE { CUACT_DTYPES(CUACT_DETAIL_C_DTYPE, ~) } cuact_dtype;
#undef CUACT_DETAIL_C_DTYPE

#define CUACT_DETAIL_C_ACTIVATION(ENUM, value, Functor, name, kind, params, pytorch) \
  CUACT_##ENUM = value,
typedef enum cuact_activation CUACT_DETAIL_ENUM_BASE {
  CUACT_ACTIVATIONS(CUACT_DETAIL_C_ACTIVATION) CUACT_GATED_ACTIVATIONS(CUACT_DETAIL_C_ACTIVATION)
} cuact_activation;
#undef CUACT_DETAIL_C_ACTIVATION

typedef enum cuact_saved CUACT_DETAIL_ENUM_BASE {
  CUACT_SAVED_INPUT = 0,  /* the backward pass reads the forward input x */
  CUACT_SAVED_OUTPUT = 1, /* the backward pass reads the forward output y */
  CUACT_SAVED_MASK = 2    /* the backward pass reads the 1-bit mask of cuact_activation_forward_mask
                             (passed as `v`) */
} cuact_saved;

/* The version of the library loaded, CUACT_VERSION_MAJOR * 10000 + MINOR * 100 + PATCH: FFI
 * callers compare it with the CUACT_VERSION of the header they were written against. */
CUACT_API int cuact_version(void);

/* A short English name of a status ("invalid argument"). Never null. */
CUACT_API const char* cuact_status_string(cuact_status status);

/* The message of the calling thread's most recent failed call, or "" if none failed yet.
 * Valid until the thread's next failing call. */
CUACT_API const char* cuact_last_error(void);

/* The activations of this build, for FFI callers that build their tables from the library:
 * cuact_activation_count() of them, the i-th being cuact_activation_at(i) (i in
 * [0, count), registry order; any other index gives (cuact_activation)-1, which names no
 * activation). A build configured with CUACT_ACTIVATIONS lists only those; the calls below
 * answer for the others as for unknown values (NULL, -1, 0), and running one returns
 * CUACT_STATUS_INVALID_ARGUMENT with a message saying it is not in this build. */
CUACT_API int cuact_activation_count(void);
CUACT_API cuact_activation cuact_activation_at(int index);

/* "leaky_relu", or NULL when `op` is not an activation of this build. This and the
 * introspection below also answer for the gated activations (CUACT_CLAMPED_SWIGLU), which
 * cuact_activation_count/at do not list (they run through cuact_gated_forward/backward). */
CUACT_API const char* cuact_activation_name(cuact_activation op);

/* The number of parameters of `op` (-1 when `op` is unknown), the name of parameter `index`
 * ("negative_slope"; NULL when out of range) and its default (PyTorch's; 0 when out of
 * range). Enumeration parameters are passed as their integer value. */
CUACT_API int cuact_activation_param_count(cuact_activation op);
CUACT_API const char* cuact_activation_param_name(cuact_activation op, int index);
CUACT_API double cuact_activation_param_default(cuact_activation op, int index);

/* The values of gelu's parameter `approximate` (cuact::GeluApproximate in C++). */
#define CUACT_GELU_APPROXIMATE_NONE 0
#define CUACT_GELU_APPROXIMATE_TANH 1

/* The accuracy class of `op` (cuact::Accuracy in op_traits.hpp): how many ulp of a float or
 * double result the GPU may differ from the same formula evaluated with the host's C
 * library, for pass 0 (forward), 1 (gradient from the input) or 2 (gradient from the
 * output). 0 means bit for bit; -1 for an unknown op or pass, or a gradient from the output
 * that the op does not have. Pass 3 gives the gradients' absolute floor near their zeros, in
 * units of the element type's epsilon times |dy| (0: none). */
CUACT_API int cuact_activation_accuracy_ulp(cuact_activation op, int pass);

/* y = f(x) for n elements, with the first parameter of `op` set to `param` and any others at
 * their defaults; `param` is ignored by ops without parameters (relu, selu, relu6). */
CUACT_API cuact_status cuact_activation_forward(cuact_activation op, double param,
                                                cuact_dtype dtype, const void* x, void* y,
                                                int64_t n, cudaStream_t stream);

/* dx = dy * f'(.) from the saved tensor v (x or y, as `saved` says); `param` as above. */
CUACT_API cuact_status cuact_activation_backward(cuact_activation op, double param,
                                                 cuact_saved saved, cuact_dtype dtype,
                                                 const void* v, const void* dy, void* dx, int64_t n,
                                                 cudaStream_t stream);

/* As above with any number of parameters: the first `num_params` parameters of `op` (in the
 * registry's order) from `params`, the rest at their defaults. num_params may not exceed
 * cuact_activation_param_count(op); `params` may be NULL when num_params is 0. */
CUACT_API cuact_status cuact_activation_forward_params(cuact_activation op, const double* params,
                                                       int num_params, cuact_dtype dtype,
                                                       const void* x, void* y, int64_t n,
                                                       cudaStream_t stream);
CUACT_API cuact_status cuact_activation_backward_params(cuact_activation op, const double* params,
                                                        int num_params, cuact_saved saved,
                                                        cuact_dtype dtype, const void* v,
                                                        const void* dy, void* dx, int64_t n,
                                                        cudaStream_t stream);

/* 1-bit masks (cuact/mask.hpp): for the activations whose gradient depends only on the
 * branch each input took (relu, leaky_relu, relu6, hardtanh, hardsigmoid), the forward can
 * write, next to y, a mask with one bit per element: bit i % 32 of 32-bit word i / 32, set
 * for the pass-through branch, bits past n 0. The backward is then
 * cuact_activation_backward(_params) with saved = CUACT_SAVED_MASK and the mask as `v`. */

/* Whether `op` has a mask (1), or not (0; also for an unknown op). */
CUACT_API int cuact_activation_has_mask(cuact_activation op);

/* The 32-bit words of a mask of n elements: (n + 31) / 32; 0 for n <= 0. The mask must be
 * 4-byte aligned. */
CUACT_API int64_t cuact_mask_words(int64_t n);

/* y = f(x) and the mask of n elements into `mask` (cuact_mask_words(n) words). */
CUACT_API cuact_status cuact_activation_forward_mask(cuact_activation op, const double* params,
                                                     int num_params, cuact_dtype dtype,
                                                     const void* x, void* y, uint32_t* mask,
                                                     int64_t n, cudaStream_t stream);

/* RReLU (cuact/rrelu.hpp), lower and upper converted to the compute type, 0 <= lower <= upper.
 * training != 0: y = x <= 0 ? x*a_i : x with slopes a_i drawn from cuRAND's Philox4_32_10
 * keyed by (seed, offset) and the element index, the same in the backward; training == 0:
 * the slope (lower + upper)/2 (seed and offset unused). */
CUACT_API cuact_status cuact_rrelu_forward(cuact_dtype dtype, const void* x, void* y, int64_t n,
                                           double lower, double upper, int training,
                                           uint64_t seed, uint64_t offset, cudaStream_t stream);
/* dx from v (x or y, as `saved` says) and dy, with the forward's arguments. */
CUACT_API cuact_status cuact_rrelu_backward(cuact_dtype dtype, const void* v, const void* dy,
                                            void* dx, int64_t n, double lower, double upper,
                                            int training, uint64_t seed, uint64_t offset,
                                            cuact_saved saved, cudaStream_t stream);

/* Gated activations, out = act(gate) * up (cuact/gated.hpp has the layouts' pictures). */
typedef enum cuact_gated_layout CUACT_DETAIL_ENUM_BASE {
  CUACT_GATED_GATE_FIRST = 0,  /* one [rows, 2*hidden] tensor, gate in the first half */
  CUACT_GATED_GATE_SECOND = 1, /* one [rows, 2*hidden] tensor, gate in the second half */
  CUACT_GATED_INTERLEAVED = 2, /* one [rows, hidden, 2] tensor: g0 u0 g1 u1 ... */
  CUACT_GATED_SEPARATE = 3     /* gate and up, two [rows, hidden] tensors */
} cuact_gated_layout;

/* out = act(gate) * up, [rows, hidden]. `op` is a unary activation (act, its first
 * num_params parameters from params as for cuact_activation_forward_params) or a gated one
 * (CUACT_CLAMPED_SWIGLU). Packed layouts: `gate` is the packed tensor and `up` must be NULL;
 * CUACT_GATED_SEPARATE: gate and up. */
CUACT_API cuact_status cuact_gated_forward(cuact_activation op, const double* params,
                                           int num_params, cuact_gated_layout layout,
                                           cuact_dtype dtype, const void* gate, const void* up,
                                           void* out, int64_t rows, int64_t hidden,
                                           cudaStream_t stream);

/* The gradients for dy [rows, hidden]: packed layouts write the packed gradient to `dgate`
 * (`up` and `dup` must be NULL); CUACT_GATED_SEPARATE writes dgate and dup. Outputs may be
 * exactly their inputs. */
CUACT_API cuact_status cuact_gated_backward(cuact_activation op, const double* params,
                                            int num_params, cuact_gated_layout layout,
                                            cuact_dtype dtype, const void* gate, const void* up,
                                            const void* dy, void* dgate, void* dup, int64_t rows,
                                            int64_t hidden, cudaStream_t stream);

/* Bias + activation (bias.hpp) on an [outer, channels, inner] tensor: y = op(x + bias[c]),
 * for a unary activation with num_params parameters from params (as for
 * cuact_activation_forward_params). bias (and dbias below) hold `channels` values of the
 * compute type. */
CUACT_API cuact_status cuact_bias_forward(cuact_activation op, const double* params,
                                          int num_params, cuact_dtype dtype, const void* x,
                                          const void* bias, void* y, int64_t outer,
                                          int64_t channels, int64_t inner, cudaStream_t stream);

/* Bytes of workspace cuact_bias_backward needs when it computes dbias: a function of the
 * shape and dtype alone, the same for every activation. */
CUACT_API cuact_status cuact_bias_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                          int64_t channels, int64_t inner,
                                                          size_t* bytes);

/* Bias + activation backward from the saved tensor v (the pre-bias x for CUACT_SAVED_INPUT,
 * y for CUACT_SAVED_OUTPUT where the activation allows it): dx, the recomputed y (input
 * only) and dbias (overwritten, or added to when `accumulate` is non-zero), each skipped when
 * NULL, in one pass. With workspace == NULL and workspace_bytes == 0 the workspace is
 * allocated stream-ordered on `stream`. */
CUACT_API cuact_status cuact_bias_backward(cuact_activation op, const double* params,
                                           int num_params, cuact_saved saved, cuact_dtype dtype,
                                           const void* v, const void* dy, const void* bias,
                                           void* dx, void* dbias, void* y, int64_t outer,
                                           int64_t channels, int64_t inner, int accumulate,
                                           void* workspace, size_t workspace_bytes,
                                           cudaStream_t stream);

/* The bias alone (bias.hpp): y = x + bias[c] (bias in the compute type; y == x allowed). */
CUACT_API cuact_status cuact_bias_add(cuact_dtype dtype, const void* x, const void* bias,
                                      void* y, int64_t outer, int64_t channels, int64_t inner,
                                      cudaStream_t stream);

/* The bias gradient alone: dbias[c] = (or += when `accumulate` is non-zero) the sum over
 * channel c of dy, one read of dy. The workspace as for cuact_bias_backward (its size from
 * cuact_bias_backward_workspace_size; NULL and 0 to allocate it stream-ordered). */
CUACT_API cuact_status cuact_bias_grad(cuact_dtype dtype, const void* dy, void* dbias,
                                       int64_t outer, int64_t channels, int64_t inner,
                                       int accumulate, void* workspace, size_t workspace_bytes,
                                       cudaStream_t stream);

/* PReLU forward on an [outer, channels, inner] tensor. */
CUACT_API cuact_status cuact_prelu_forward(cuact_dtype dtype, const void* x, const void* alpha,
                                           void* y, int64_t outer, int64_t channels, int64_t inner,
                                           cudaStream_t stream);

/* Bytes of workspace cuact_prelu_backward needs on the current device. */
CUACT_API cuact_status cuact_prelu_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                           int64_t channels, int64_t inner,
                                                           size_t* bytes);

/* PReLU backward: dx (may be null) and dalpha (may be null; overwritten, or added to when
 * `accumulate` is non-zero) from one pass. With workspace == NULL and workspace_bytes == 0
 * the workspace is allocated stream-ordered on `stream`. */
CUACT_API cuact_status cuact_prelu_backward(cuact_dtype dtype, const void* x, const void* dy,
                                            const void* alpha, void* dx, void* dalpha,
                                            int64_t outer, int64_t channels, int64_t inner,
                                            int accumulate, void* workspace, size_t workspace_bytes,
                                            cudaStream_t stream);

/* How Snake's and SnakeBeta's learned parameters are given (snake.hpp's ParamScale). */
typedef enum cuact_param_scale CUACT_DETAIL_ENUM_BASE {
  CUACT_PARAM_SCALE_LINEAR = 0, /* alpha = a */
  CUACT_PARAM_SCALE_LOG = 1     /* alpha = e^a (BigVGAN's alpha_logscale) */
} cuact_param_scale;

/* Snake forward on an [outer, channels, inner] tensor: y = x + sin^2(alpha[c] x)/alpha[c],
 * alpha an array of the compute type. */
CUACT_API cuact_status cuact_snake_forward(cuact_dtype dtype, const void* x, const void* alpha,
                                           void* y, int64_t outer, int64_t channels, int64_t inner,
                                           cuact_param_scale scale, cudaStream_t stream);

/* Bytes of workspace cuact_snake_backward needs when dalpha is not NULL. */
CUACT_API cuact_status cuact_snake_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                           int64_t channels, int64_t inner,
                                                           size_t* bytes);

/* Snake backward: dx (may be NULL) and dalpha (may be NULL, not both; overwritten, or added
 * to when `accumulate` is non-zero) from one pass. With workspace == NULL and
 * workspace_bytes == 0 the workspace is allocated stream-ordered on `stream`. */
CUACT_API cuact_status cuact_snake_backward(cuact_dtype dtype, const void* x, const void* dy,
                                            const void* alpha, void* dx, void* dalpha,
                                            int64_t outer, int64_t channels, int64_t inner,
                                            cuact_param_scale scale, int accumulate,
                                            void* workspace, size_t workspace_bytes,
                                            cudaStream_t stream);

/* SnakeBeta forward: y = x + sin^2(alpha[c] x)/beta[c]. */
CUACT_API cuact_status cuact_snakebeta_forward(cuact_dtype dtype, const void* x,
                                               const void* alpha, const void* beta, void* y,
                                               int64_t outer, int64_t channels, int64_t inner,
                                               cuact_param_scale scale, cudaStream_t stream);

/* Bytes of workspace cuact_snakebeta_backward needs when dalpha and dbeta are not NULL. */
CUACT_API cuact_status cuact_snakebeta_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                               int64_t channels, int64_t inner,
                                                               size_t* bytes);

/* SnakeBeta backward: dx (may be NULL), dalpha and dbeta (both NULL or neither) from one pass,
 * the workspace as for cuact_snake_backward. */
CUACT_API cuact_status cuact_snakebeta_backward(cuact_dtype dtype, const void* x, const void* dy,
                                                const void* alpha, const void* beta, void* dx,
                                                void* dalpha, void* dbeta, int64_t outer,
                                                int64_t channels, int64_t inner,
                                                cuact_param_scale scale, int accumulate,
                                                void* workspace, size_t workspace_bytes,
                                                cudaStream_t stream);

/* DyT forward: y = gamma[c] tanh(alpha x) + beta[c]; alpha one value, gamma and beta
 * `channels` values, of the compute type. */
CUACT_API cuact_status cuact_dyt_forward(cuact_dtype dtype, const void* x, const void* alpha,
                                         const void* gamma, const void* beta, void* y,
                                         int64_t outer, int64_t channels, int64_t inner,
                                         cudaStream_t stream);

/* Bytes of workspace cuact_dyt_backward needs when it computes the gradients. */
CUACT_API cuact_status cuact_dyt_backward_workspace_size(cuact_dtype dtype, int64_t outer,
                                                         int64_t channels, int64_t inner,
                                                         size_t* bytes);

/* DyT backward: dx (may be NULL) and dalpha, dgamma, dbeta (all NULL or none; overwritten,
 * or added to when `accumulate` is non-zero) from one pass. With workspace == NULL and
 * workspace_bytes == 0 the workspace is allocated stream-ordered on `stream`. */
CUACT_API cuact_status cuact_dyt_backward(cuact_dtype dtype, const void* x, const void* dy,
                                          const void* alpha, const void* gamma, void* dx,
                                          void* dalpha, void* dgamma, void* dbeta, int64_t outer,
                                          int64_t channels, int64_t inner, int accumulate,
                                          void* workspace, size_t workspace_bytes,
                                          cudaStream_t stream);

#ifdef __cplusplus
}
#endif

#endif /* CUACT_CUACT_H */
