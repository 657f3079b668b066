#!/usr/bin/env python3
"""Checks cuact against PyTorch's own CUDA ops and gradients, then times both.

Run on a machine with PyTorch (CUDA) and a GPU, against a shared build of cuact
(-DBUILD_SHARED_LIBS=ON), which it loads through its C API (include/cuact/cuact.h):

    python3 bench/compare_torch.py --lib build/libcuact.so [--out results.md]

The activations come from the library (cuact_activation_count/at/name/param_*) and their
PyTorch expressions from the registry (include/cuact/registry.h), so a new activation is
compared without changes here. For every op (at its default parameters) x dtype x direction,
on the same tensors (random values crossing 0 plus NaN, +-inf, +-0 and the relu6 edges), it
compares cuact with PyTorch: forwards with the registry's expression, backwards with
torch.autograd.grad (from the input) and with PyTorch's own "is_result" kernels where this
script knows them (from the output; else autograd from the input), and PReLU's input and
weight gradients. Ops of the bitwise accuracy class must agree exactly (+0 and -0 count as
equal), the others within 2 ulp (1 for 16-bit types); PReLU's weight gradient within both
libraries' rounding bounds. For the ops with a 1-bit mask (cuact/mask.hpp) the mask passes are
compared too: y bit for bit with PyTorch's forward, the mask word for word with the branch rule
of docs/semantics.md, and dx from the mask bit for bit with autograd's from x. RReLU: evaluation
bit for bit with F.rrelu(training=False); training (another generator than PyTorch's) by the
slopes' range, mean and variance and the forward's and backward's consistency. Bias +
activation (every unary op, a [rows, C] matrix and NCHW): y against the op of x.float() + b
(x + b is not rounded to a 16-bit type first), dx and dbias against autograd's gradients of x
and b; the bias alone against x + b and dy's column sum. Any disagreement is printed with the
element and makes the exit status 1. Snake and SnakeBeta ([B, C, T], linear and log-scale
parameters) against BigVGAN's formula (its activations.py, written here from the model code)
in float64 from the same inputs: y, and autograd's dx, dalpha and dbeta. Without PyTorch it
says so and exits with status 2.

Then it times both on the largest size with CUDA events (median of 20 repetitions of 10
back-to-back calls), the mask passes against PyTorch's forward and its backward from x, and
prints a table of times and the PyTorch/cuact ratio (> 1: cuact
faster). PyTorch's PReLU backward is timed as autograd runs it: _prelu_kernel_backward,
which writes an element-sized weight gradient, then its sum; its shapes are NCHW and NHWC
(16, 64, s, s) maps, and in f32 and bf16 also a channels-last [4096, 4096] matrix, NHWC
with C = 512, NCHW 32x512x7x7 and a shared alpha. Bias + relu, gelu and silu (and the bias
alone) on [n / 4096, 4096] against F.<op>(x + b) and autograd's dx and db. Snake and
SnakeBeta on [n / 262144, 64, 4096] against BigVGAN's formula in PyTorch ops and autograd.
"""

import argparse
import copy
import ctypes
import math
import os
import re
import sys

torch = None  # imported in main(), so that --help works without PyTorch
F = None

# name: (C API enum, mantissa bits); the dtype itself is filled in once torch is imported.
DTYPES = {"f32": (0, 23), "f64": (1, 52), "f16": (2, 10), "bf16": (3, 7)}
TORCH_DTYPES = {}

REGISTRY = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "include", "cuact",
                        "registry.h")


def read_registry(path=REGISTRY):
    """{name: (params, pytorch expression)} of the unary activations in registry.h, in order."""
    ops = {}
    line_re = re.compile(r'^  X\(\s*(\w+),\s*(\d+),\s*(\w+),\s*(\w+),\s*(\w+),\s*\(([^)]*)\),'
                         r'\s*"([^"]*)"\)')
    with open(path) as f:
        for line in f:
            m = line_re.match(line)
            if m and m.group(5) == "unary":
                fields = [p.strip() for p in m.group(6).split(",")]
                ops[m.group(4)] = (fields[1:], m.group(7))
    return ops


class Op:
    """One activation: its C enum and defaults from the library, its PyTorch expression from
    the registry."""

    def __init__(self, lib, index, registry):
        self.enum = lib.cuact_activation_at(index)
        self.name = lib.cuact_activation_name(self.enum).decode()
        self.base = self.name  # the library's name, also for variants (self.name: the label)
        if self.name not in registry:
            raise RuntimeError(f"{self.name}: in the library but not in {REGISTRY}")
        names, self.expr = registry[self.name]
        count = lib.cuact_activation_param_count(self.enum)
        lib_names = [lib.cuact_activation_param_name(self.enum, i).decode() for i in range(count)]
        if lib_names != names:
            raise RuntimeError(f"{self.name}: parameters {lib_names} in the library, {names} in "
                               f"{REGISTRY}")
        self.params = {n: lib.cuact_activation_param_default(self.enum, i)
                       for i, n in enumerate(names)}
        self.param_names = names
        self.ulp = [lib.cuact_activation_accuracy_ulp(self.enum, p) for p in range(3)]
        self.grad_abs_eps = lib.cuact_activation_accuracy_ulp(self.enum, 3)

    def variant(self, label, **params):
        """The same activation at other parameters, reported as `label`."""
        v = copy.copy(self)
        v.name = label
        v.params = {**self.params, **params}
        return v

    def param_values(self):
        return [self.params[n] for n in self.param_names]

    def accurate(self, x, dy=None):
        """A float64 reference free of the cancellation PyTorch's own formula has, for the ops
        where cuact is more accurate (gelu: PyTorch's 1 + erf(x/sqrt 2) and 1 + tanh(u) cancel
        for negative x); None for the others. The forward, or with dy the gradient."""
        if self.base == "tanhshrink":
            return tanhshrink_accurate(x.double(), dy)
        if self.base == "softsign":
            return softsign_accurate(x.double(), dy)
        if self.base != "gelu":
            return None
        xd = x.double()
        if self.params["approximate"] == 0:
            cdf = torch.special.ndtr(xd)
            if dy is None:
                return xd * cdf
            pdf = torch.exp(-0.5 * xd * xd) / math.sqrt(2 * math.pi)
            grad = torch.where(torch.isinf(xd), (xd > 0).double(), cdf + xd * pdf)
            return dy.double() * grad
        # u as PyTorch computes it (in float for 16-bit types), the rest in float64.
        xc = x.float() if x.dtype in (torch.float16, torch.bfloat16) else x
        w = (2 * (GELU_BETA * (xc + GELU_KAPPA * (xc * xc * xc)))).double()
        s = torch.sigmoid(w)
        if dy is None:
            return xd * s
        dw = 2 * GELU_BETA * (1 + 3 * GELU_KAPPA * xd * xd)
        grad = torch.where(torch.isinf(xd), (xd > 0).double(), s + xd * s * (1 - s) * dw)
        return dy.double() * grad

    def torch_forward(self, x):
        """The registry's PyTorch expression at the op's default parameters. For f16 and bf16
        it is evaluated in float32 and rounded once, as PyTorch's own 16-bit kernels compute
        (a composition such as quick_gelu's would otherwise round after every step)."""
        if x.dtype in (torch.float16, torch.bfloat16):
            return self.torch_forward(x.float()).to(x.dtype)
        return eval(self.expr, {"F": F, "torch": torch, "x": x, **self.params})  # noqa: S307

    def torch_backward(self, saved, v, dy):
        """PyTorch's own gradient kernel from the input (saved 0) or the output (saved 1),
        where this script knows it, else None (then autograd is used)."""
        p = self.params
        if self.name == "relu":
            return torch.ops.aten.threshold_backward(dy, v, 0)
        if self.name == "leaky_relu":
            return torch.ops.aten.leaky_relu_backward(dy, v, p["negative_slope"], saved == 1)
        if self.name == "relu6":
            return torch.ops.aten.hardtanh_backward(dy, v, 0.0, 6.0)
        if self.name in ("elu", "selu", "celu"):
            return torch.ops.aten.elu_backward(dy, *elu_params(self.name, p), saved == 1, v)
        if self.name == "sigmoid" and saved == 1:
            return torch.ops.aten.sigmoid_backward(dy, v)
        if self.name == "tanh" and saved == 1:
            return torch.ops.aten.tanh_backward(dy, v)
        if self.name == "hardtanh":
            return torch.ops.aten.hardtanh_backward(dy, v, p["min_val"], p["max_val"])
        if self.name in ("hardshrink", "softshrink") and saved == 0:
            return getattr(torch.ops.aten, self.name + "_backward")(dy, v, p["lambd"])
        if self.name == "threshold":
            return torch.ops.aten.threshold_backward(dy, v, p["threshold"])
        if self.name in ("hardsigmoid", "hardswish") and saved == 0:
            return getattr(torch.ops.aten, self.name + "_backward")(dy, v)
        return None

    def max_ulp(self, dtype, pass_):
        """cuact against PyTorch: exact for ops of the bitwise class (the same IEEE
        operations in the same order), else the op's accuracy class and at least 2 ulp (1 of a
        16-bit type): both use CUDA's math library, in formulas that may differ (cuact's
        sigmoid is e^-|x|-based, PyTorch's 1/(1 + exp(-x)))."""
        if self.ulp[pass_] == 0:
            return 0
        return 1 if dtype in (torch.float16, torch.bfloat16) else max(2, self.ulp[pass_])


def tanh_taylor_coefficients(count):
    """a_n of tanh(x) = sum a_n x^(2n+1), from tanh' = 1 - tanh^2: a_0 = 1,
    (2n + 1) a_n = -sum_{i+j=n-1} a_i a_j."""
    a = [1.0]
    for n in range(1, count):
        a.append(-sum(a[i] * a[n - 1 - i] for i in range(n)) / (2 * n + 1))
    return a


TANH_TAYLOR = tanh_taylor_coefficients(60)


def tanhshrink_accurate(xd, dy):
    """x - tanh(x) in float64 without its cancellation: below |x| = 1 from tanh's Taylor
    series (60 terms: the remainder at |x| = 1 is below 1e-20 of the sum); or the gradient
    dy*tanh(x)^2 (PyTorch's autograd forms dy - dy*(1 - tanh^2), which cancels near 0)."""
    if dy is not None:
        return dy.double() * torch.tanh(xd) ** 2
    z = xd * xd
    p = torch.zeros_like(xd)
    for a in reversed(TANH_TAYLOR[1:]):
        p = p * z - a
    series = xd * z * p
    return torch.where(xd.abs() < 1, series, xd - torch.tanh(xd))


def softsign_accurate(xd, dy):
    """x/(1 + |x|) with its limits at +-inf (PyTorch's inf/inf gives NaN there), or its
    gradient dy/(1 + |x|)^2 (0 at +-inf)."""
    q = 1 + xd.abs()
    if dy is not None:
        return torch.where(torch.isinf(xd), torch.zeros_like(xd), dy.double() / q / q)
    return torch.where(torch.isinf(xd), torch.sign(xd), xd / q)


GELU_BETA = math.sqrt(2 / math.pi)
GELU_KAPPA = 0.044715
# Activations also checked and timed at parameters other than their defaults, where a
# parameter selects another formula (as bench/cases.cpp's parameter_variants()).
PARAMETER_VARIANTS = {"gelu": [("gelu_tanh", {"approximate": 1.0})]}

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elu_params(op, p):
    """(alpha, scale, input_scale) of the elu family as PyTorch's aten::elu takes them."""
    if op == "selu":
        return SELU_ALPHA, SELU_SCALE, 1.0
    if op == "celu":
        return p["alpha"], 1.0, 1.0 / p["alpha"]
    return p["alpha"], 1.0, 1.0


class Cuact:
    """The C API through ctypes; tensors are passed as raw device pointers."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        vp, i64, dbl, i32, sz = (ctypes.c_void_p, ctypes.c_int64, ctypes.c_double,
                                 ctypes.c_int, ctypes.c_size_t)
        lib = self.lib
        lib.cuact_last_error.restype = ctypes.c_char_p
        lib.cuact_activation_count.restype = i32
        lib.cuact_activation_at.argtypes = [i32]
        lib.cuact_activation_at.restype = i32
        lib.cuact_activation_name.argtypes = [i32]
        lib.cuact_activation_name.restype = ctypes.c_char_p
        lib.cuact_activation_param_count.argtypes = [i32]
        lib.cuact_activation_param_count.restype = i32
        lib.cuact_activation_param_name.argtypes = [i32, i32]
        lib.cuact_activation_param_name.restype = ctypes.c_char_p
        lib.cuact_activation_param_default.argtypes = [i32, i32]
        lib.cuact_activation_param_default.restype = dbl
        lib.cuact_activation_accuracy_ulp.argtypes = [i32, i32]
        lib.cuact_activation_accuracy_ulp.restype = i32
        lib.cuact_activation_forward_params.argtypes = [i32, vp, i32, i32, vp, vp, i64, vp]
        lib.cuact_activation_backward_params.argtypes = [i32, vp, i32, i32, i32, vp, vp, vp, i64,
                                                         vp]
        lib.cuact_activation_has_mask.argtypes = [i32]
        lib.cuact_activation_has_mask.restype = i32
        lib.cuact_mask_words.argtypes = [i64]
        lib.cuact_mask_words.restype = i64
        lib.cuact_activation_forward_mask.argtypes = [i32, vp, i32, i32, vp, vp, vp, i64, vp]
        u64 = ctypes.c_uint64
        lib.cuact_rrelu_forward.argtypes = [i32, vp, vp, i64, dbl, dbl, i32, u64, u64, vp]
        lib.cuact_rrelu_backward.argtypes = [i32, vp, vp, vp, i64, dbl, dbl, i32, u64, u64, i32,
                                             vp]
        lib.cuact_gated_forward.argtypes = [i32, vp, i32, i32, i32, vp, vp, vp, i64, i64, vp]
        lib.cuact_gated_backward.argtypes = [i32, vp, i32, i32, i32, vp, vp, vp, vp, vp, i64,
                                             i64, vp]
        lib.cuact_prelu_forward.argtypes = [i32, vp, vp, vp, i64, i64, i64, vp]
        lib.cuact_prelu_backward.argtypes = [i32, vp, vp, vp, vp, vp, i64, i64, i64, i32,
                                             vp, sz, vp]
        lib.cuact_bias_forward.argtypes = [i32, vp, i32, i32, vp, vp, vp, i64, i64, i64, vp]
        lib.cuact_bias_backward.argtypes = [i32, vp, i32, i32, i32, vp, vp, vp, vp, vp, vp, i64,
                                            i64, i64, i32, vp, sz, vp]
        lib.cuact_snake_forward.argtypes = [i32, vp, vp, vp, i64, i64, i64, i32, vp]
        lib.cuact_snake_backward.argtypes = [i32, vp, vp, vp, vp, vp, i64, i64, i64, i32, i32,
                                             vp, sz, vp]
        lib.cuact_snakebeta_forward.argtypes = [i32, vp, vp, vp, vp, i64, i64, i64, i32, vp]
        lib.cuact_snakebeta_backward.argtypes = [i32, vp, vp, vp, vp, vp, vp, vp, i64, i64, i64,
                                                 i32, i32, vp, sz, vp]
        lib.cuact_bias_add.argtypes = [i32, vp, vp, vp, i64, i64, i64, vp]
        lib.cuact_bias_grad.argtypes = [i32, vp, vp, i64, i64, i64, i32, vp, sz, vp]
        registry = read_registry()
        self.ops = []
        for i in range(lib.cuact_activation_count()):
            op = Op(lib, i, registry)
            self.ops.append(op)
            self.ops += [op.variant(label, **p) for label, p in PARAMETER_VARIANTS.get(op.name, [])]

    @staticmethod
    def stream():
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)

    def check(self, status):
        if status != 0:
            raise RuntimeError("cuact: " + self.lib.cuact_last_error().decode())

    @staticmethod
    def params(op):
        values = op.param_values()
        return (ctypes.c_double * max(1, len(values)))(*values), len(values)

    def forward(self, op, dtype, x, y):
        """op at its parameters (op.params)."""
        params, count = self.params(op)
        self.check(self.lib.cuact_activation_forward_params(op.enum, params, count,
                                                            DTYPES[dtype][0], x.data_ptr(),
                                                            y.data_ptr(), x.numel(),
                                                            self.stream()))

    def backward(self, op, saved, dtype, v, dy, dx):
        params, count = self.params(op)
        self.check(self.lib.cuact_activation_backward_params(op.enum, params, count, saved,
                                                             DTYPES[dtype][0], v.data_ptr(),
                                                             dy.data_ptr(), dx.data_ptr(),
                                                             v.numel(), self.stream()))

    def has_mask(self, op):
        return self.lib.cuact_activation_has_mask(op.enum) == 1

    def mask_for(self, x):
        """A mask buffer for x: cuact_mask_words(n) 32-bit words."""
        return torch.empty(self.lib.cuact_mask_words(x.numel()), device="cuda",
                           dtype=torch.int32)

    def forward_mask(self, op, dtype, x, y, mask):
        params, count = self.params(op)
        self.check(self.lib.cuact_activation_forward_mask(op.enum, params, count,
                                                          DTYPES[dtype][0], x.data_ptr(),
                                                          y.data_ptr(), mask.data_ptr(),
                                                          x.numel(), self.stream()))

    def backward_mask(self, op, dtype, mask, dy, dx):
        params, count = self.params(op)
        self.check(self.lib.cuact_activation_backward_params(op.enum, params, count, 2,
                                                             DTYPES[dtype][0], mask.data_ptr(),
                                                             dy.data_ptr(), dx.data_ptr(),
                                                             dy.numel(), self.stream()))

    def rrelu_forward(self, dtype, x, y, lower, upper, training, seed=0, offset=0):
        self.check(self.lib.cuact_rrelu_forward(DTYPES[dtype][0], x.data_ptr(), y.data_ptr(),
                                                x.numel(), lower, upper, int(training), seed,
                                                offset, self.stream()))

    def rrelu_backward(self, dtype, v, dy, dx, lower, upper, training, saved, seed=0,
                       offset=0):
        self.check(self.lib.cuact_rrelu_backward(DTYPES[dtype][0], v.data_ptr(), dy.data_ptr(),
                                                 dx.data_ptr(), v.numel(), lower, upper,
                                                 int(training), seed, offset, saved,
                                                 self.stream()))

    def gated_forward(self, enum, params, layout, dtype, gate, up, out, rows, hidden):
        p = (ctypes.c_double * max(1, len(params)))(*params)
        self.check(self.lib.cuact_gated_forward(
            enum, p, len(params), layout, DTYPES[dtype][0], gate.data_ptr(),
            up.data_ptr() if up is not None else None, out.data_ptr(), rows, hidden,
            self.stream()))

    def gated_backward(self, enum, params, layout, dtype, gate, up, dy, dgate, dup, rows,
                       hidden):
        p = (ctypes.c_double * max(1, len(params)))(*params)
        self.check(self.lib.cuact_gated_backward(
            enum, p, len(params), layout, DTYPES[dtype][0], gate.data_ptr(),
            up.data_ptr() if up is not None else None, dy.data_ptr(), dgate.data_ptr(),
            dup.data_ptr() if dup is not None else None, rows, hidden, self.stream()))

    def prelu_forward(self, dtype, x, alpha, y, shape):
        self.check(self.lib.cuact_prelu_forward(DTYPES[dtype][0], x.data_ptr(), alpha.data_ptr(),
                                                y.data_ptr(), *shape, self.stream()))

    def prelu_backward(self, dtype, x, dy, alpha, dx, dalpha, shape):
        self.check(self.lib.cuact_prelu_backward(DTYPES[dtype][0], x.data_ptr(), dy.data_ptr(),
                                                 alpha.data_ptr(), dx.data_ptr(),
                                                 dalpha.data_ptr(), *shape, 0, None, 0,
                                                 self.stream()))


    def snake_forward(self, dtype, x, alpha, beta, y, shape, log_scale):
        """Snake (beta None) or SnakeBeta on an [outer, channels, inner] shape."""
        if beta is None:
            self.check(self.lib.cuact_snake_forward(DTYPES[dtype][0], x.data_ptr(),
                                                    alpha.data_ptr(), y.data_ptr(), *shape,
                                                    int(log_scale), self.stream()))
        else:
            self.check(self.lib.cuact_snakebeta_forward(DTYPES[dtype][0], x.data_ptr(),
                                                        alpha.data_ptr(), beta.data_ptr(),
                                                        y.data_ptr(), *shape, int(log_scale),
                                                        self.stream()))

    def snake_backward(self, dtype, x, dy, alpha, beta, dx, dalpha, dbeta, shape, log_scale):
        if beta is None:
            self.check(self.lib.cuact_snake_backward(
                DTYPES[dtype][0], x.data_ptr(), dy.data_ptr(), alpha.data_ptr(), dx.data_ptr(),
                dalpha.data_ptr(), *shape, int(log_scale), 0, None, 0, self.stream()))
        else:
            self.check(self.lib.cuact_snakebeta_backward(
                DTYPES[dtype][0], x.data_ptr(), dy.data_ptr(), alpha.data_ptr(),
                beta.data_ptr(), dx.data_ptr(), dalpha.data_ptr(), dbeta.data_ptr(), *shape,
                int(log_scale), 0, None, 0, self.stream()))

    def bias_forward(self, op, dtype, x, bias, y, shape):
        """y = op(x + bias) on an [outer, channels, inner] shape, bias in the compute type."""
        params, count = self.params(op)
        self.check(self.lib.cuact_bias_forward(op.enum, params, count, DTYPES[dtype][0],
                                               x.data_ptr(), bias.data_ptr(), y.data_ptr(),
                                               *shape, self.stream()))

    def bias_backward(self, op, dtype, x, dy, bias, dx, dbias, shape):
        """dx and dbias from the pre-bias x (the workspace allocated stream-ordered)."""
        params, count = self.params(op)
        self.check(self.lib.cuact_bias_backward(op.enum, params, count, 0, DTYPES[dtype][0],
                                                x.data_ptr(), dy.data_ptr(), bias.data_ptr(),
                                                dx.data_ptr(), dbias.data_ptr(), None, *shape,
                                                0, None, 0, self.stream()))

    def bias_add(self, dtype, x, bias, y, shape):
        self.check(self.lib.cuact_bias_add(DTYPES[dtype][0], x.data_ptr(), bias.data_ptr(),
                                           y.data_ptr(), *shape, self.stream()))

    def bias_grad(self, dtype, dy, dbias, shape):
        self.check(self.lib.cuact_bias_grad(DTYPES[dtype][0], dy.data_ptr(), dbias.data_ptr(),
                                            *shape, 0, None, 0, self.stream()))


class Failures:
    def __init__(self):
        self.count = 0
        self.checks = 0

    def compare(self, what, got, expected, max_ulp, inputs, abs_floor=None, limit_at_inf=False,
                accurate=None):
        """Fails when got and expected differ by more than max_ulp units of their dtype, and
        by more than abs_floor (a tensor, where given: a gradient's absolute floor near its
        zeros, grad_abs_eps * eps * |dy|). One region is explained rather than compared:
        where PyTorch's 1/(1 + exp(-x)) flushes sigmoid and silu to 0 (exp(-x) overflows in
        float below x = -88.7), cuact keeps the value, below max(1, |x|) times the smallest
        normal number. With limit_at_inf (mish's gradient), where PyTorch's formula gives NaN
        at x = +-inf (inf * 0), cuact's value, the limit, is accepted. With `accurate` (a
        float64 reference without the cancellation of PyTorch's formula, Op.accurate), an
        element that differs from PyTorch is accepted when it is within the same tolerance of
        the accurate value: gelu below about x = -3, where PyTorch's 1 + erf(x/sqrt 2) or
        1 + tanh(u) has lost digits, and at +-inf, where PyTorch's gradient is NaN."""
        self.checks += 1
        mant = {torch.float32: 23, torch.float64: 52, torch.float16: 10,
                torch.bfloat16: 7}[got.dtype]
        g = got.double().flatten()
        e = expected.double().flatten()
        both_nan = torch.isnan(g) & torch.isnan(e)
        tiny = torch.finfo(got.dtype).tiny
        mag = torch.maximum(g.abs(), e.abs()).clamp(min=tiny)
        ulp = torch.exp2(torch.floor(torch.log2(mag)) - mant)
        inf = torch.isinf(g) | torch.isinf(e)
        allowed = max_ulp * ulp
        if abs_floor is not None:
            allowed = torch.maximum(allowed, abs_floor.double().flatten())
        x = inputs[0][1].double().flatten()
        flushed = (e == 0) & (g.abs() <= x.abs().clamp(min=1) * tiny)
        if limit_at_inf:
            flushed |= torch.isinf(x) & torch.isnan(e) & ~torch.isnan(g)
        bad = ~both_nan & ~flushed & ((g - e).abs() > allowed)
        bad |= ~both_nan & inf & (g != e)
        bad |= torch.isnan(g) ^ torch.isnan(e)
        if accurate is not None:
            a = accurate.flatten()
            a_ulp = torch.exp2(torch.floor(torch.log2(a.abs().clamp(min=tiny))) - mant)
            a_allowed = max_ulp * a_ulp
            if abs_floor is not None:
                a_allowed = torch.maximum(a_allowed, abs_floor.double().flatten())
            bad &= ~(((g - a).abs() <= a_allowed) | (g == a) | (torch.isnan(g) & torch.isnan(a)))
        if bool(bad.any()):
            self.count += 1
            i = int(torch.nonzero(bad)[0])
            shown = ", ".join(f"{name} {t.flatten()[i].item()!r}" for name, t in inputs)
            print(f"FAIL {what}: {int(bad.sum())} elements beyond {max_ulp} ulp; first at {i}: "
                  f"{shown}: cuact {g[i].item()!r}, torch {e[i].item()!r}")

    def compare_sums(self, what, got, expected, tolerance):
        self.checks += 1
        err = (got.double() - expected.double()).abs()
        bad = ~(err <= tolerance)
        if bool(bad.any()):
            self.count += 1
            i = int(torch.nonzero(bad)[0])
            print(f"FAIL {what}: channel {i}: cuact {got[i].item()!r}, torch "
                  f"{expected[i].item()!r}, allowed {tolerance[i].item()!r}")


def inputs_with_edges(n, dtype, seed, offset):
    """Random values in [-8, 8] plus NaN, +-inf, +-0, 6, tiny values every 97 elements,
    `offset` elements into a fresh allocation (to exercise unaligned pointers)."""
    g = torch.Generator(device="cuda").manual_seed(seed)
    base = torch.empty(n + offset, device="cuda", dtype=dtype)
    x = base[offset:]
    x.copy_(torch.rand(n, device="cuda", generator=g, dtype=torch.float64) * 16 - 8)
    edges = torch.tensor([0.0, -0.0, math.nan, math.inf, -math.inf, 6.0, -1e-7, 1e-30],
                         dtype=torch.float64)
    idx = torch.arange(0, n, 97, device="cuda")
    x[idx] = edges[torch.arange(idx.numel()) % edges.numel()].to("cuda", dtype)
    return x


def random_tensor(shape, dtype, seed, lo, hi):
    g = torch.Generator(device="cuda").manual_seed(seed)
    return (torch.rand(shape, device="cuda", generator=g, dtype=torch.float64) * (hi - lo)
            + lo).to(dtype)


def mask_rule(op, x):
    """The mask bit of each element, from docs/semantics.md's branch rule of each op with a
    mask (the pass-through branch; NaN as the gradient treats it)."""
    p = op.params
    if op.base == "relu":
        return ~(x <= 0)
    if op.base == "leaky_relu":
        return x > 0
    if op.base == "relu6":
        return ~((x <= 0) | (x >= 6))
    if op.base == "hardtanh":
        return ~((x <= p["min_val"]) | (x >= p["max_val"]))
    if op.base == "hardsigmoid":
        return (x > -3) & (x < 3)
    if op.base in ("hardshrink", "softshrink"):
        return ~((x >= -p["lambd"]) & (x <= p["lambd"]))
    if op.base == "threshold":
        return ~(x <= p["threshold"])
    raise RuntimeError(f"{op.name}: no mask rule in compare_torch.py")


def pack_mask(bits):
    """Bits packed as cuact documents them (bit i % 32 of word i // 32), as int64 words."""
    n = bits.numel()
    padded = torch.zeros(-(-n // 32) * 32, dtype=torch.int64, device=bits.device)
    padded[:n] = bits.to(torch.int64)
    weights = torch.bitwise_left_shift(torch.ones(32, dtype=torch.int64, device=bits.device),
                                       torch.arange(32, device=bits.device))
    return (padded.view(-1, 32) * weights).sum(1)


def check_mask(lib, failures, op, dname, x, dy, y_ref, dx_autograd, tag):
    """The mask passes: y as the plain forward, the mask as the spec's rule, dx from the mask
    as PyTorch's gradient from the input (all bit for bit for these ops)."""
    y = torch.empty_like(x)
    mask = lib.mask_for(x)
    lib.forward_mask(op, dname, x, y, mask)
    failures.compare(f"{tag} forward_mask", y, y_ref, 0, [("x", x)])
    failures.checks += 1
    got = mask.to(torch.int64) & 0xFFFFFFFF
    want = pack_mask(mask_rule(op, x))
    if not bool((got == want).all()):
        failures.count += 1
        w = int(torch.nonzero(got != want)[0])
        print(f"FAIL {tag} mask: word {w}: cuact {int(got[w]):#010x}, rule {int(want[w]):#010x}")
    dx = torch.empty_like(x)
    lib.backward_mask(op, dname, mask, dy, dx)
    failures.compare(f"{tag} backward from mask (autograd)", dx, dx_autograd, 0,
                     [("x", x), ("dy", dy)])


def check_elementwise(lib, failures, n):
    for op in lib.ops:
        for dname, dtype in TORCH_DTYPES.items():
            for offset in (0, 1):
                tag = f"{op.name} {dname} n={n} offset={offset}"
                x = inputs_with_edges(n, dtype, 1, offset)
                dy = random_tensor(n, dtype, 2, -3, 3)
                y = torch.empty_like(x)
                lib.forward(op, dname, x, y)
                y_ref = op.torch_forward(x)
                failures.compare(f"{tag} forward", y, y_ref, op.max_ulp(dtype, 0), [("x", x)],
                                 accurate=op.accurate(x))

                xr = x.detach().clone().requires_grad_(True)
                (dx_autograd,) = torch.autograd.grad(op.torch_forward(xr), xr, dy)
                dx = torch.empty_like(x)
                lib.backward(op, 0, dname, x, dy, dx)
                eps = torch.finfo(dtype).eps
                floor = op.grad_abs_eps * eps * dy.abs() if op.grad_abs_eps > 0 else None
                failures.compare(f"{tag} backward from input (autograd)", dx, dx_autograd,
                                 op.max_ulp(dtype, 1), [("x", x), ("dy", dy)], floor,
                                 limit_at_inf=op.name == "mish", accurate=op.accurate(x, dy))
                if lib.has_mask(op):
                    check_mask(lib, failures, op, dname, x, dy, y_ref, dx_autograd, tag)

                if op.ulp[2] < 0:
                    continue  # no gradient from the output
                dx_out = torch.empty_like(x)
                lib.backward(op, 1, dname, y_ref, dy, dx_out)
                expected = op.torch_backward(1, y_ref, dy)
                if expected is None:
                    expected = dx_autograd  # exact from either side for these ops
                failures.compare(f"{tag} backward from output", dx_out, expected,
                                 op.max_ulp(dtype, 2), [("y", y_ref), ("dy", dy)])


# The gated activations checked: (name, unary activation of the library or None, its
# parameters, the PyTorch composition for a gated functor of its own).
CLAMPED_SWIGLU = 17  # CUACT_CLAMPED_SWIGLU


def clamped_swiglu(g, u):
    """gpt-oss's composition with PyTorch's clamp backward since 2.14 (a clamp passes the
    gradient strictly inside its bounds only: 0 at the bounds and for NaN), written out so
    that older PyTorch releases, whose clamp passed the bounds, give the same reference."""
    gc = torch.where(g < 7.0, g, g.clamp(max=7.0).detach())
    uc = torch.where((u > -7.0) & (u < 7.0), u, u.clamp(-7.0, 7.0).detach())
    return (uc + 1) * gc * torch.sigmoid(1.702 * gc)


GATED_CASES = [
    ("swiglu", "silu", {}, None),
    ("geglu", "gelu", {"approximate": 0.0}, None),
    ("geglu_tanh", "gelu", {"approximate": 1.0}, None),
    ("reglu", "relu", {}, None),
    ("glu", "sigmoid", {}, None),
    ("quick_geglu", "quick_gelu", {}, None),
    ("clamped_swiglu", None, {"alpha": 1.702, "limit": 7.0}, clamped_swiglu),
]


def split_gated(x, layout, hidden):
    """Views of the gate and up of a [rows, 2 hidden] tensor in `layout` (separate: its two
    halves, as the separate tensors are made here)."""
    if layout in (0, 3):
        return x[:, :hidden], x[:, hidden:]
    if layout == 1:
        return x[:, hidden:], x[:, :hidden]
    pairs = x.view(x.shape[0], hidden, 2)
    return pairs[..., 0], pairs[..., 1]


def gated_reference(op, compose, g, u, dy):
    """act(g) * u and its gradients as cuact defines them: act(g) (and act'(g) * (dy * u))
    from PyTorch's own op in the compute type (float for 16-bit types, like PyTorch's
    kernels), then the products, rounded once; with the float64 reference of Op.accurate
    where PyTorch's op cancels (gelu). A gated functor of its own (compose) goes through
    autograd in the compute type."""
    wide = torch.float64 if g.dtype == torch.float64 else torch.float32
    gc, uc, dyc = g.to(wide), u.to(wide), dy.to(wide)
    gr = gc.detach().clone().requires_grad_(True)
    if op is None:
        ur = uc.detach().clone().requires_grad_(True)
        y = compose(gr, ur)
        dg, du = torch.autograd.grad(y, (gr, ur), dyc)
        return y.detach(), dg, du, None
    a = op.torch_forward(gr)
    (dg,) = torch.autograd.grad(a, gr, dyc * uc)
    accurate = None
    act = op.accurate(gc)
    if act is not None:
        accurate = (act * uc.double(), op.accurate(gc, dyc * uc), dyc.double() * act)
    return a.detach() * uc, dg, dyc * a.detach(), accurate


def check_gated(lib, failures, rows=37, hidden=264):
    """Every gated case x layout x dtype against PyTorch (gated_reference), forward and
    backward; glu also against F.glu (the gate-second layout: F.glu's first half is the
    value, its second the gate)."""
    by_name = {op.name: op for op in lib.ops}
    for name, act, params, compose in GATED_CASES:
        op = by_name[act].variant(name, **params) if act else None
        enum = op.enum if op else CLAMPED_SWIGLU
        values = op.param_values() if op else list(params.values())
        ulp = op.ulp if op else [6, 8, 0]
        for dname, dtype in TORCH_DTYPES.items():
            eps = torch.finfo(dtype).eps
            half = dtype in (torch.float16, torch.bfloat16)
            # One more rounded product than the unary op.
            max_ulp = [1 if half else max(2, u) + 1 for u in ulp]
            for layout in range(4):
                tag = f"{name} {dname} layout {layout} rows={rows} hidden={hidden}"
                x = random_tensor((rows, 2 * hidden), dtype, 5, -8, 8)
                dy = random_tensor((rows, hidden), dtype, 6, -3, 3)
                g, u = split_gated(x, layout, hidden)
                y_ref, dg_ref, du_ref, accurate = gated_reference(op, compose, g, u, dy)
                din_ref = torch.empty(rows, 2 * hidden, dtype=y_ref.dtype, device="cuda")
                dg_view, du_view = split_gated(din_ref, layout, hidden)
                dg_view.copy_(dg_ref)
                du_view.copy_(du_ref)
                din_accurate = None
                if accurate is not None:
                    din_accurate = torch.empty(rows, 2 * hidden, dtype=torch.float64,
                                               device="cuda")
                    a_dg, a_du = split_gated(din_accurate, layout, hidden)
                    a_dg.copy_(accurate[1])
                    a_du.copy_(accurate[2])

                y = torch.empty_like(dy)
                if layout == 3:
                    gate, up = g.contiguous(), u.contiguous()
                    lib.gated_forward(enum, values, layout, dname, gate, up, y, rows, hidden)
                    dgate, dup = torch.empty_like(gate), torch.empty_like(up)
                    lib.gated_backward(enum, values, layout, dname, gate, up, dy, dgate, dup,
                                       rows, hidden)
                    din = torch.cat([dgate, dup], dim=1)
                else:
                    lib.gated_forward(enum, values, layout, dname, x, None, y, rows, hidden)
                    din = torch.empty_like(x)
                    lib.gated_backward(enum, values, layout, dname, x, None, dy, din, None,
                                       rows, hidden)
                failures.compare(f"{tag} forward", y, y_ref.to(dtype), max_ulp[0],
                                 [("gate", g.contiguous())],
                                 accurate=accurate[0] if accurate else None)
                floor = 4 * eps * dy.abs().double()
                floor = (floor.repeat_interleave(2, dim=1) if layout == 2
                         else torch.cat([floor, floor], dim=1))
                failures.compare(f"{tag} backward", din, din_ref.to(dtype), max_ulp[1],
                                 [("x", x)], floor, accurate=din_accurate)
                if name == "glu" and layout == 1:
                    xw = x.float() if half else x
                    failures.compare(f"{tag} against F.glu", y, F.glu(xw, dim=-1).to(dtype),
                                     max_ulp[0], [("gate", g.contiguous())])


def prelu_cases():
    # (layout, N, C, H, W)
    return [("nchw", 4, 64, 56, 56), ("nhwc", 4, 64, 56, 56), ("nchw", 2, 3, 7, 7),
            ("nhwc", 8, 1000, 1, 1), ("nchw", 2, 1, 30, 30), ("nhwc", 2, 3, 33, 17),
            ("nchw", 2, 1, 3, 331)]


def prelu_tensors(layout, n, c, h, w, dtype, seed):
    x = random_tensor((n, c, h, w), dtype, seed, -4, 4)
    dy = random_tensor((n, c, h, w), dtype, seed + 1, -2, 2)
    if layout == "nhwc":
        x = x.contiguous(memory_format=torch.channels_last)
        dy = dy.contiguous(memory_format=torch.channels_last)
        shape = (n * h * w, c, 1)
    else:
        shape = (n, c, h * w)
    # Weights on a 1/64 grid, so that every dtype holds them exactly.
    weight = (random_tensor((c,), torch.float64, seed + 2, -32, 32).round() / 64).to(dtype)
    return x, dy, weight, shape


def check_prelu(lib, failures):
    for layout, n, c, h, w in prelu_cases():
        for dname, dtype in TORCH_DTYPES.items():
            mant = DTYPES[dname][1]
            tag = f"prelu {layout} [{n},{c},{h},{w}] {dname}"
            x, dy, weight, shape = prelu_tensors(layout, n, c, h, w, dtype, 5)
            alpha = weight.to(torch.float64 if dtype == torch.float64 else torch.float32)
            y = torch.empty_like(x)
            lib.prelu_forward(dname, x, alpha, y, shape)
            failures.compare(f"{tag} forward", y, F.prelu(x, weight), 0, [("x", x)])

            xr = x.detach().clone().requires_grad_(True)
            wr = weight.detach().clone().requires_grad_(True)
            dx_ref, dw_ref = torch.autograd.grad(F.prelu(xr, wr), (xr, wr), dy)
            dx = torch.empty_like(x)
            dalpha = torch.empty_like(alpha)
            lib.prelu_backward(dname, x, dy, alpha, dx, dalpha, shape)
            failures.compare(f"{tag} dx", dx, dx_ref, 0, [("x", x), ("dy", dy)])

            # Bounds: PyTorch rounds each term x*dy to the dtype and the sum to the dtype;
            # both libraries sum in (at least) float in blocked orders whose error grows like
            # sqrt(E).
            terms = torch.where(x > 0, torch.zeros_like(x, dtype=torch.float64),
                                x.double() * dy.double())
            dims = (0, 2, 3)
            abs_sum = terms.abs().sum(dims)
            per_channel = x.numel() // c
            eps_dtype = 2.0 ** -mant
            eps_sum = 2.0 ** -52 if dtype == torch.float64 else 2.0 ** -23
            tolerance = abs_sum * (eps_dtype + 2 * eps_sum * (4 * math.sqrt(per_channel) + 64))
            tolerance += dw_ref.double().abs() * eps_dtype
            failures.compare_sums(f"{tag} dalpha", dalpha, dw_ref.flatten(), tolerance)


def bigvgan_snake(x, alpha, beta, log_scale):
    """BigVGAN's Snake and SnakeBeta forward (activations.py), written from its model code:
    parameters of shape [C] broadcast over [B, C, T], exp() of them with alpha_logscale, and
    x + 1/(p + 1e-9) * sin(x * alpha)^2 with p = alpha (Snake, beta None) or beta. cuact
    leaves out the 1e-9 (docs/semantics.md): the comparison's tolerance covers it, relative
    1e-9/p."""
    a = alpha.unsqueeze(0).unsqueeze(-1)
    b = (alpha if beta is None else beta).unsqueeze(0).unsqueeze(-1)
    if log_scale:
        a, b = torch.exp(a), torch.exp(b)
    return x + 1.0 / (b + 1e-9) * torch.pow(torch.sin(x * a), 2)


def check_snake(lib, failures):
    """Snake and SnakeBeta against BigVGAN's formula in float64 (forward and autograd's dx,
    dalpha, dbeta), on [B, C, T] of every dtype, linear and log-scale parameters."""
    B, C, T = 3, 16, 1001
    for beta_op in (False, True):
        for log_scale in (False, True):
            for dname, dtype in TORCH_DTYPES.items():
                mant = DTYPES[dname][1]
                name = "snakebeta" if beta_op else "snake"
                tag = f"{name}{' log' if log_scale else ''} [{B},{C},{T}] {dname}"
                pdtype = torch.float64 if dtype == torch.float64 else torch.float32
                x = random_tensor((B, C, T), dtype, 31, -4, 4)
                dy = random_tensor((B, C, T), dtype, 32, -2, 2)
                lo, hi = (-1, 1) if log_scale else (0.25, 2)
                alpha = random_tensor(C, pdtype, 33, lo, hi)
                beta = random_tensor(C, pdtype, 34, lo, hi) if beta_op else None
                shape = (B, C, T)
                y = torch.empty_like(x)
                lib.snake_forward(dname, x, alpha, beta, y, shape, log_scale)
                # The reference in float64 from the same (rounded) inputs, and its gradients.
                xr = x.double().requires_grad_(True)
                ar = alpha.double().requires_grad_(True)
                br = beta.double().requires_grad_(True) if beta_op else None
                y_ref = bigvgan_snake(xr, ar, br, log_scale)
                grads = torch.autograd.grad(y_ref, [t for t in (xr, ar, br) if t is not None],
                                            dy.double())
                # Snake's x + s^2/alpha cancels up to about 4 times, and t = alpha x is rounded
                # to the compute type first: 8 ulp of the compute type times |x| + |s^2/p|.
                eps_c = 2.0 ** -52 if dtype == torch.float64 else 2.0 ** -23
                scale = x.double().abs() + (y_ref.detach() - xr.detach()).abs()
                failures.compare(f"{tag} forward", y, y_ref.detach().to(dtype), 1, [("x", x)],
                                 abs_floor=16 * eps_c * scale * (1 + x.double().abs()))
                dx = torch.empty_like(x)
                dalpha = torch.empty_like(alpha)
                dbeta = torch.empty_like(alpha) if beta_op else None
                lib.snake_backward(dname, x, dy, alpha, beta, dx, dalpha, dbeta, shape, log_scale)
                dxd = dy.double().abs()
                failures.compare(f"{tag} dx", dx, grads[0].to(dtype), 1, [("x", x), ("dy", dy)],
                                 abs_floor=16 * eps_c * dxd * (1 + x.double().abs()) * 4)
                # The parameter gradients: sums of B*T terms each within a few ulp, plus the
                # blocked order's sqrt(E) growth (PReLU's bound).
                per_channel = B * T
                for got, ref, pname in ((dalpha, grads[1], "dalpha"),
                                        (dbeta, grads[2] if beta_op else None, "dbeta")):
                    if got is None:
                        continue
                    term_scale = (dy.double().abs() * (1 + x.double().abs()) ** 2).sum((0, 2))
                    tolerance = term_scale * (64 * eps_c + 2 * eps_c * (4 * math.sqrt(per_channel) + 64))
                    tolerance += ref.abs() * 2.0 ** -mant
                    failures.compare_sums(f"{tag} {pname}", got, ref, tolerance)


def bias_tensors(layout, dims, dtype, seed):
    """x and dy of `dims` (a [rows, C] matrix or NCHW), a bias of C compute-type values, the
    [outer, channels, inner] shape, the bias broadcast over x, and the dims summed for dbias."""
    x = random_tensor(dims, dtype, seed, -4, 4)
    dy = random_tensor(dims, dtype, seed + 1, -2, 2)
    ctype = torch.float64 if dtype == torch.float64 else torch.float32
    if layout == "rows":
        rows_, c = dims
        shape, view, summed = (rows_, c, 1), (1, c), (0,)
    else:
        n, c, h, w = dims
        shape, view, summed = (n, c, h * w), (1, c, 1, 1), (0, 2, 3)
    bias = random_tensor((c,), ctype, seed + 2, -1, 1)
    return x, dy, bias, shape, bias.view(view), summed


def dbias_tolerance(terms, summed, dtype, expected):
    """The bound of a blocked float (double for f64) sum of the dtype-rounded terms, as PReLU's
    dalpha: both libraries sum in orders whose error grows like sqrt(E)."""
    mant = {torch.float32: 23, torch.float64: 52, torch.float16: 10, torch.bfloat16: 7}[dtype]
    per_channel = terms.numel() // expected.numel()
    eps_dtype = 2.0 ** -mant
    eps_sum = 2.0 ** -52 if dtype == torch.float64 else 2.0 ** -23
    abs_sum = terms.double().abs().sum(summed)
    return (abs_sum * (eps_dtype + 2 * eps_sum * (4 * math.sqrt(per_channel) + 64))
            + expected.double().abs() * eps_dtype)


def check_bias(lib, failures):
    """Bias + activation against PyTorch's F.<op>(x + b) and autograd's dx and dbias, every
    unary activation, a [rows, C] matrix and NCHW, every dtype; and the bias alone against
    x + b and the column sum of dy. x + b is formed in the compute type and not rounded to a
    16-bit dtype before the activation (bias.hpp), so the reference is the op on
    x.float() + b, rounded once (PyTorch's own promotion of a bf16 x plus a float b)."""
    for layout, dims in (("rows", (257, 96)), ("nchw", (2, 24, 9, 9))):
        for dname, dtype in TORCH_DTYPES.items():
            x, dy, bias, shape, bview, summed = bias_tensors(layout, dims, dtype, 15)
            xb = x.to(bias.dtype) + bview
            tag0 = f"{layout} {list(dims)} {dname}"
            y = torch.empty_like(x)
            lib.bias_add(dname, x, bias, y, shape)
            failures.compare(f"bias_add {tag0}", y, xb.to(dtype), 0, [("x", x)])
            dbias = torch.empty_like(bias)
            lib.bias_grad(dname, dy, dbias, shape)
            expected = dy.double().sum(summed)
            failures.compare_sums(f"bias_grad {tag0}", dbias, expected,
                                  dbias_tolerance(dy, summed, dtype, expected))
            for op in lib.ops:
                tag = f"bias + {op.name} {tag0}"
                lib.bias_forward(op, dname, x, bias, y, shape)
                failures.compare(f"{tag} forward", y, op.torch_forward(xb).to(dtype),
                                 op.max_ulp(dtype, 0), [("x + b", xb)], accurate=op.accurate(xb))
                xf = x.to(bias.dtype).requires_grad_(True)
                br = bias.detach().clone().requires_grad_(True)
                out = op.torch_forward(xf + br.view(bview.shape))
                dx_ref, db_ref = torch.autograd.grad(out, (xf, br), dy.to(bias.dtype))
                dx = torch.empty_like(x)
                lib.bias_backward(op, dname, x, dy, bias, dx, dbias, shape)
                eps = torch.finfo(dtype).eps
                floor = op.grad_abs_eps * eps * dy.abs() if op.grad_abs_eps > 0 else None
                failures.compare(f"{tag} dx (autograd)", dx, dx_ref.to(dtype),
                                 op.max_ulp(dtype, 1), [("x + b", xb), ("dy", dy)], floor,
                                 limit_at_inf=op.name == "mish", accurate=op.accurate(xb, dy))
                # dbias is the sum of dx as returned (rounded to the dtype); autograd's sums
                # its unrounded float gradient: the bound covers both roundings.
                failures.compare_sums(f"{tag} dbias (autograd)", dbias, db_ref,
                                      dbias_tolerance(dx_ref, summed, dtype, db_ref))


RRELU_LOWER, RRELU_UPPER = 1.0 / 8.0, 1.0 / 3.0


def check_rrelu(lib, failures, n=(1 << 20) + 3):
    """Evaluation: bit for bit F.rrelu(training=False) and its autograd gradient. Training
    (PyTorch's own slopes are another generator's): y = x where x > 0; the slopes drawn, read
    back through the backward with dy = 1, lie in [lower, upper] with U(lower, upper)'s mean
    and variance; y = x * slope as the forward computed it; the backward from y equals the
    backward from x."""
    lo, hi = RRELU_LOWER, RRELU_UPPER
    for dname, dtype in TORCH_DTYPES.items():
        for offset in (0, 1):
            tag = f"rrelu {dname} offset={offset}"
            x = inputs_with_edges(n, dtype, 3, offset)
            dy = random_tensor(n, dtype, 4, -3, 3)
            y = torch.empty_like(x)
            lib.rrelu_forward(dname, x, y, lo, hi, False)
            failures.compare(f"{tag} eval forward", y, F.rrelu(x, lo, hi, training=False), 0,
                             [("x", x)])
            xr = x.detach().clone().requires_grad_(True)
            (dx_ref,) = torch.autograd.grad(F.rrelu(xr, lo, hi, training=False), xr, dy)
            dx = torch.empty_like(x)
            lib.rrelu_backward(dname, x, dy, dx, lo, hi, False, 0)
            failures.compare(f"{tag} eval backward", dx, dx_ref, 0, [("x", x), ("dy", dy)])

            lib.rrelu_forward(dname, x, y, lo, hi, True, 7, 3)
            slopes = torch.empty_like(x)
            lib.rrelu_backward(dname, x, torch.ones_like(x), slopes, lo, hi, True, 0, 7, 3)
            neg = x <= 0
            failures.compare(f"{tag} train forward, positive side", y[~neg], x[~neg], 0,
                             [("x", x[~neg])])
            a = slopes[neg].double()
            failures.checks += 1
            width = hi - lo
            m = a.numel()
            # The slopes as stored (rounded to the dtype): within one ulp of the bounds.
            ulp = 2.0 ** -DTYPES[dname][1]
            bad = []
            if not bool(((a >= lo * (1 - ulp)) & (a <= hi * (1 + ulp))).all()):
                bad.append("a slope outside [lower, upper]")
            if abs(a.mean().item() - (lo + hi) / 2) > 5 * width / math.sqrt(12 * m) + lo * ulp:
                bad.append(f"mean {a.mean().item()}")
            if abs(a.var().item() - width ** 2 / 12) > 5 * width ** 2 / math.sqrt(180 * m) + width * ulp:
                bad.append(f"variance {a.var().item()}")
            if bad:
                failures.count += 1
                print(f"FAIL {tag} training slopes: " + ", ".join(bad))
            finite = neg & torch.isfinite(x)
            failures.compare(f"{tag} train forward = x * slope", y[finite],
                             (x[finite].double() * slopes[finite].double()).to(dtype),
                             0 if dtype in (torch.float32, torch.float64) else 1,
                             [("x", x[finite])])
            dx_in = torch.empty_like(x)
            dx_out = torch.empty_like(x)
            lib.rrelu_backward(dname, x, dy, dx_in, lo, hi, True, 0, 7, 3)
            lib.rrelu_backward(dname, y, dy, dx_out, lo, hi, True, 1, 7, 3)
            failures.compare(f"{tag} train backward from y = from x", dx_out, dx_in, 0,
                             [("x", x), ("dy", dy)])


def time_ms(fn, reps=20, per_rep=10):
    """Median milliseconds per call of fn() over `reps` repetitions of `per_rep` calls."""
    for _ in range(3):
        fn()
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    times = []
    for _ in range(reps):
        start.record()
        for _ in range(per_rep):
            fn()
        stop.record()
        stop.synchronize()
        times.append(start.elapsed_time(stop) / per_rep)
    times.sort()
    return times[len(times) // 2]


def prelu_timing_shapes(n):
    """(label, layout, (N, C, H, W)) of the PReLU shapes timed: the (16, 64, s, s) maps of
    about n elements, and the shapes where cuact's design is weakest or strongest: a
    channels-last [4096, 4096] matrix, NHWC with C = 512, NCHW 32x512x7x7 (rows that are not
    a whole number of 16-byte vectors), NHWC with C = 3 (an image batch: rows of 6 or 12
    bytes) and one shared alpha."""
    side = int(math.isqrt(n // (64 * 16)))
    return [("prelu_nchw", "nchw", (16, 64, side, side)),
            ("prelu_nhwc", "nhwc", (16, 64, side, side)),
            ("prelu_matrix4096", "nhwc", (4096, 4096, 1, 1)),
            ("prelu_nhwc_c512", "nhwc", (32, 512, 28, 28)),
            ("prelu_nchw_32x512x7x7", "nchw", (32, 512, 7, 7)),
            ("prelu_nhwc_c3", "nhwc", (16, 3, 4 * side, 4 * side)),
            ("prelu_shared", "nchw", (16, 1, 4 * side, 4 * side))]


def autograd_backward(fn, x, dy):
    """A callable running only the backward of y = fn(x) (the graph is built once)."""
    xr = x.detach().clone().requires_grad_(True)
    y = fn(xr)
    return lambda: torch.autograd.grad(y, xr, dy, retain_graph=True)


def gated_timing_rows(lib, n, dname, dtype, size):
    """SwiGLU (every layout) and GeGLU (gate first) on [n / 4096, 4096] outputs against
    PyTorch's composition: F.silu(g) * u forward, autograd (with the composition's saved
    tensors) backward. Bytes: the floor, 3 (forward) and 5 (backward) per output."""
    hidden = 4096
    rows_ = max(1, n // hidden)
    m = rows_ * hidden
    by_name = {op.name: op for op in lib.ops}
    x = random_tensor((rows_, 2 * hidden), dtype, 10, -8, 8)
    dy = random_tensor((rows_, hidden), dtype, 11, -3, 3)
    y = torch.empty_like(dy)
    din = torch.empty_like(x)
    out = []
    for name, act, torch_act, layouts in (("swiglu", "silu", F.silu, range(4)),
                                          ("geglu", "gelu", F.gelu, [0])):
        op = by_name[act]
        for layout in layouts:
            g, u = split_gated(x, layout, hidden)
            if layout == 3:
                gate, up = g.contiguous(), u.contiguous()
                dgate, dup = torch.empty_like(gate), torch.empty_like(up)
                ours_f = lambda: lib.gated_forward(op.enum, [], 3, dname, gate, up, y, rows_,
                                                   hidden)
                ours_b = lambda: lib.gated_backward(op.enum, [], 3, dname, gate, up, dy, dgate,
                                                    dup, rows_, hidden)
                g, u = gate, up
            else:
                ours_f = (lambda layout=layout: lib.gated_forward(op.enum, [], layout, dname, x,
                                                                  None, y, rows_, hidden))
                ours_b = (lambda layout=layout: lib.gated_backward(op.enum, [], layout, dname, x,
                                                                   None, dy, din, None, rows_,
                                                                   hidden))
            gr = g.detach().clone().requires_grad_(True)
            ur = u.detach().clone().requires_grad_(True)
            yr = torch_act(gr) * ur
            theirs_b = (lambda yr=yr, gr=gr, ur=ur:
                        torch.autograd.grad(yr, (gr, ur), dy, retain_graph=True))
            label = f"{name} layout {layout}"
            out.append((label, dname, "forward", m, time_ms(ours_f),
                        time_ms(lambda g=g, u=u: torch_act(g) * u), 3 * m * size))
            out.append((label, dname, "backward", m, time_ms(ours_b), time_ms(theirs_b),
                        5 * m * size))
    return out


def bias_timing_rows(lib, n, dname, dtype, size):
    """Bias + relu, gelu and silu on a GEMM output [n / 4096, 4096] against PyTorch's
    F.<op>(x + b) (b in the dtype, as a model keeps it) forward and autograd's dx and db
    backward (x + b written and read again, dx read again by the sum: about twice the bytes);
    and the bias alone against x + b and dy.sum(0). Bytes: the floors, 2 forward and 3
    backward per element (bias_grad: 1)."""
    hidden = 4096
    rows_ = max(1, n // hidden)
    m = rows_ * hidden
    by_name = {op.name: op for op in lib.ops}
    x, dy, bias, shape, bview, _ = bias_tensors("rows", (rows_, hidden), dtype, 17)
    b_t = bias.to(dtype)
    y = torch.empty_like(x)
    dx = torch.empty_like(x)
    dbias = torch.empty_like(bias)
    out = [("bias", dname, "forward", m, time_ms(lambda: lib.bias_add(dname, x, bias, y, shape)),
            time_ms(lambda: x + b_t), 2 * m * size),
           ("bias", dname, "backward", m, time_ms(lambda: lib.bias_grad(dname, dy, dbias, shape)),
            time_ms(lambda: dy.sum(0)), m * size)]
    for name in ("relu", "gelu", "silu"):
        op = by_name[name]
        xr = x.detach().clone().requires_grad_(True)
        br = b_t.detach().clone().requires_grad_(True)
        yr = op.torch_forward(xr + br)
        out.append((f"bias + {name}", dname, "forward", m,
                    time_ms(lambda op=op: lib.bias_forward(op, dname, x, bias, y, shape)),
                    time_ms(lambda op=op: op.torch_forward(x + b_t)), 2 * m * size))
        out.append((f"bias + {name}", dname, "backward", m,
                    time_ms(lambda op=op: lib.bias_backward(op, dname, x, dy, bias, dx, dbias,
                                                            shape)),
                    time_ms(lambda yr=yr, xr=xr, br=br:
                            torch.autograd.grad(yr, (xr, br), dy, retain_graph=True)),
                    3 * m * size))
    return out


def snake_timing_rows(lib, n, dname, dtype, size):
    """Snake and SnakeBeta (log-scale parameters) on [B, 64, T] with T = 4096: cuact against
    BigVGAN's formula in PyTorch ops, its forward and autograd's backward (dx and the
    parameter gradients)."""
    out = []
    C, T = 64, 4096
    B = max(1, n // (C * T))
    x = random_tensor((B, C, T), dtype, 41, -4, 4)
    dy = random_tensor((B, C, T), dtype, 42, -2, 2)
    pdtype = torch.float64 if dtype == torch.float64 else torch.float32
    shape = (B, C, T)
    m = x.numel()
    for beta_op in (False, True):
        name = "snakebeta_bct" if beta_op else "snake_bct"
        alpha = random_tensor(C, pdtype, 43, -1, 1)
        beta = random_tensor(C, pdtype, 44, -1, 1) if beta_op else None
        y = torch.empty_like(x)
        dx = torch.empty_like(x)
        dalpha = torch.empty_like(alpha)
        dbeta = torch.empty_like(alpha) if beta_op else None
        # PyTorch's parameters in the activations' dtype, as BigVGAN's module would hold them
        # under autocast-free mixed precision.
        ta = alpha.to(dtype).requires_grad_(True)
        tb = beta.to(dtype).requires_grad_(True) if beta_op else None
        xr = x.detach().clone().requires_grad_(True)
        params = [t for t in (xr, ta, tb) if t is not None]
        yr = bigvgan_snake(xr, ta, tb, True)
        out.append((name, dname, "forward", m,
                    time_ms(lambda: lib.snake_forward(dname, x, alpha, beta, y, shape, True)),
                    time_ms(lambda: bigvgan_snake(x, ta.detach(),
                                                  tb.detach() if beta_op else None, True)),
                    2 * m * size))
        out.append((name, dname, "backward", m,
                    time_ms(lambda: lib.snake_backward(dname, x, dy, alpha, beta, dx, dalpha,
                                                       dbeta, shape, True)),
                    time_ms(lambda yr=yr, params=params:
                            torch.autograd.grad(yr, params, dy, retain_graph=True)),
                    3 * m * size))
    return out


def timing_rows(lib, n):
    rows = []
    for dname, dtype in TORCH_DTYPES.items():
        size = torch.empty((), dtype=dtype).element_size()
        x = random_tensor(n, dtype, 7, -8, 8)
        dy = random_tensor(n, dtype, 8, -3, 3)
        out = torch.empty_like(x)
        for op in lib.ops:
            y = op.torch_forward(x)
            theirs_input = (
                (lambda op=op: op.torch_backward(0, x, dy))
                if op.torch_backward(0, x, dy) is not None
                else autograd_backward(op.torch_forward, x, dy))
            cases = [
                ("forward", 2, lambda op=op: lib.forward(op, dname, x, out),
                 lambda op=op: op.torch_forward(x)),
                ("backward_input", 3, lambda op=op: lib.backward(op, 0, dname, x, dy, out),
                 theirs_input),
            ]
            if op.ulp[2] >= 0 and op.torch_backward(1, y, dy) is not None:
                cases.append(("backward_output", 3,
                              lambda op=op, y=y: lib.backward(op, 1, dname, y, dy, out),
                              lambda op=op, y=y: op.torch_backward(1, y, dy)))
            mask = None
            if lib.has_mask(op):
                # Against PyTorch's forward and its backward from the saved x: the same
                # results, with 1 bit kept per element instead of x.
                mask = lib.mask_for(x)
                lib.forward_mask(op, dname, x, out, mask)
                cases.append(("forward_mask", 2,
                              lambda op=op, m=mask: lib.forward_mask(op, dname, x, out, m),
                              lambda op=op: op.torch_forward(x)))
                cases.append(("backward_mask", 2,
                              lambda op=op, m=mask: lib.backward_mask(op, dname, m, dy, out),
                              theirs_input))
            for direction, tensors, ours, theirs in cases:
                t_ours = time_ms(ours)
                t_theirs = time_ms(theirs)
                moved = tensors * n * size + (mask.numel() * 4 if "mask" in direction else 0)
                rows.append((op.name, dname, direction, n, t_ours, t_theirs, moved))
        rows += gated_timing_rows(lib, n, dname, dtype, size)
        rows += bias_timing_rows(lib, n, dname, dtype, size)
        rows += snake_timing_rows(lib, n, dname, dtype, size)
        # RReLU in training: cuact keeps nothing but the key; PyTorch writes and reads a noise
        # tensor.
        lo, hi = RRELU_LOWER, RRELU_UPPER
        rows.append(("rrelu", dname, "forward", n,
                     time_ms(lambda: lib.rrelu_forward(dname, x, out, lo, hi, True, 1, 2)),
                     time_ms(lambda: F.rrelu(x, lo, hi, training=True)), 2 * n * size))
        rows.append(("rrelu", dname, "backward_input", n,
                     time_ms(lambda: lib.rrelu_backward(dname, x, dy, out, lo, hi, True, 0, 1, 2)),
                     time_ms(autograd_backward(lambda t: F.rrelu(t, lo, hi, training=True), x,
                                               dy)),
                     3 * n * size))
        prelu_shapes = prelu_timing_shapes(n)
        if dtype not in (torch.float32, torch.bfloat16):
            prelu_shapes = prelu_shapes[:2]  # the extra shapes in f32 and bf16 only
        for label, layout, shp in prelu_shapes:
            px, pdy, weight, shape = prelu_tensors(layout, *shp, dtype, 9)
            c = shp[1]
            alpha = weight.to(torch.float64 if dtype == torch.float64 else torch.float32)
            dx = torch.empty_like(px)
            dalpha = torch.empty_like(alpha)
            wv = weight.view(1, c, 1, 1)

            def torch_prelu_backward(px=px, pdy=pdy, wv=wv):
                gx, gw = torch.ops.aten._prelu_kernel_backward(pdy, px, wv)
                return gx, gw.sum((0, 2, 3))

            m = px.numel()
            rows.append((label, dname, "forward", m,
                         time_ms(lambda: lib.prelu_forward(dname, px, alpha, dx, shape)),
                         time_ms(lambda: F.prelu(px, weight)), 2 * m * size))
            rows.append((label, dname, "backward", m,
                         time_ms(lambda: lib.prelu_backward(dname, px, pdy, alpha, dx, dalpha,
                                                            shape)),
                         time_ms(torch_prelu_backward), 3 * m * size))
    return rows


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lib", required=True, help="path to libcuact.so")
    parser.add_argument("--out", help="also write the markdown table here")
    parser.add_argument("--check-n", type=int, default=(1 << 20) + 3)
    parser.add_argument("--time-n", type=int, default=1 << 26)
    parser.add_argument("--no-timing", action="store_true")
    args = parser.parse_args()
    global torch, F
    try:
        import torch as torch_module
        import torch.nn.functional as functional
    except ImportError as e:
        print(f"compare_torch.py: PyTorch is not installed ({e}); pip install torch",
              file=sys.stderr)
        return 2
    torch, F = torch_module, functional
    TORCH_DTYPES.update({"f32": torch.float32, "f64": torch.float64, "f16": torch.float16,
                         "bf16": torch.bfloat16})
    if not torch.cuda.is_available():
        print("compare_torch.py: PyTorch sees no CUDA GPU", file=sys.stderr)
        return 2

    lib = Cuact(args.lib)
    failures = Failures()
    check_elementwise(lib, failures, args.check_n)
    check_prelu(lib, failures)
    check_snake(lib, failures)
    check_bias(lib, failures)
    check_gated(lib, failures)
    check_rrelu(lib, failures)
    torch.cuda.synchronize()
    lines = [f"PyTorch {torch.__version__} on {torch.cuda.get_device_name()}: "
             f"{failures.checks} comparisons, {failures.count} failures", ""]
    if not args.no_timing:
        lines += ["| op | dtype | direction | n | cuact us | torch us | torch/cuact | cuact GB/s |",
                  "|---|---|---|---|---|---|---|---|"]
        for op, dname, direction, n, ours, theirs, nbytes in timing_rows(lib, args.time_n):
            lines.append(f"| {op} | {dname} | {direction} | {n} | {ours * 1e3:.1f} | "
                         f"{theirs * 1e3:.1f} | {theirs / ours:.2f} | "
                         f"{nbytes / (ours * 1e-3) / 1e9:.0f} |")
    text = "\n".join(lines)
    print(text)
    if args.out:
        with open(args.out, "w") as f:
            f.write(text + "\n")
    return 1 if failures.count else 0


if __name__ == "__main__":
    sys.exit(main())
