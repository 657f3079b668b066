#!/usr/bin/env python3
"""Checks cuact against PyTorch's own CUDA ops and gradients, then times both.

Run on a machine with PyTorch (CUDA) and a GPU, against a shared build of cuact
(-DBUILD_SHARED_LIBS=ON), which it loads through its C API (include/cuact/cuact.h):

    python3 bench/compare_torch.py --lib build/libcuact.so [--out results.md]

For every op x dtype x direction, on the same tensors (random values crossing 0 plus NaN,
+-inf, +-0 and the relu6 edges), it compares cuact with PyTorch: forwards with the
functional ops, backwards with torch.autograd.grad (from the input) and with PyTorch's own
"is_result" kernels (from the output), and PReLU's input and weight gradients. Piecewise-
linear ops must agree exactly (+0 and -0 count as equal), the elu family within 2 ulp (1 for
16-bit types); PReLU's weight gradient within both libraries' rounding bounds. Any
disagreement is printed with the element and makes the exit status 1.

Then it times both on the largest size with CUDA events (median of 20 repetitions of 10
back-to-back calls) and prints a table of times and the PyTorch/cuact ratio (> 1: cuact
faster). PyTorch's PReLU backward is timed as autograd runs it: _prelu_kernel_backward,
which writes an element-sized weight gradient, then its sum.
"""

import argparse
import ctypes
import math
import sys

import torch
import torch.nn.functional as F

DTYPES = {
    "f32": (torch.float32, 0, 23),
    "f64": (torch.float64, 1, 52),
    "f16": (torch.float16, 2, 10),
    "bf16": (torch.bfloat16, 3, 7),
}

SELU_ALPHA = 1.6732632423543772848170429916717
SELU_SCALE = 1.0507009873554804934193349852946


def elu_params(op, param):
    """(alpha, scale, input_scale) of the elu family as PyTorch's aten::elu takes them."""
    if op == "elu":
        return param, 1.0, 1.0
    if op == "selu":
        return SELU_ALPHA, SELU_SCALE, 1.0
    return param, 1.0, 1.0 / param  # celu


# name: (C API enum, parameter, uses exp)
OPS = {
    "relu": (0, 0.0, False),
    "leaky_relu": (1, 0.01, False),
    "elu": (2, 1.0, True),
    "selu": (3, 0.0, True),
    "celu": (4, 1.0, True),
    "relu6": (5, 0.0, False),
}


def torch_forward(op, param, x):
    if op == "relu":
        return torch.relu(x)
    if op == "leaky_relu":
        return F.leaky_relu(x, param)
    if op == "relu6":
        return F.relu6(x)
    return torch.ops.aten.elu(x, *elu_params(op, param))


def torch_backward(op, param, saved, v, dy):
    """PyTorch's gradient kernel, from the input (saved == 0) or the output (saved == 1)."""
    is_result = saved == 1
    if op == "relu":
        return torch.ops.aten.threshold_backward(dy, v, 0)
    if op == "leaky_relu":
        return torch.ops.aten.leaky_relu_backward(dy, v, param, is_result)
    if op == "relu6":
        return torch.ops.aten.hardtanh_backward(dy, v, 0.0, 6.0)
    return torch.ops.aten.elu_backward(dy, *elu_params(op, param), is_result, v)


class Cuact:
    """The C API through ctypes; tensors are passed as raw device pointers."""

    def __init__(self, path):
        self.lib = ctypes.CDLL(path)
        vp, i64, dbl, i32, sz = (ctypes.c_void_p, ctypes.c_int64, ctypes.c_double,
                                 ctypes.c_int, ctypes.c_size_t)
        self.lib.cuact_last_error.restype = ctypes.c_char_p
        self.lib.cuact_activation_forward.argtypes = [i32, dbl, i32, vp, vp, i64, vp]
        self.lib.cuact_activation_backward.argtypes = [i32, dbl, i32, i32, vp, vp, vp, i64, vp]
        self.lib.cuact_prelu_forward.argtypes = [i32, vp, vp, vp, i64, i64, i64, vp]
        self.lib.cuact_prelu_backward.argtypes = [i32, vp, vp, vp, vp, vp, i64, i64, i64, i32,
                                                  vp, sz, vp]

    @staticmethod
    def stream():
        return ctypes.c_void_p(torch.cuda.current_stream().cuda_stream)

    def check(self, status):
        if status != 0:
            raise RuntimeError("cuact: " + self.lib.cuact_last_error().decode())

    def forward(self, op, param, dtype, x, y):
        self.check(self.lib.cuact_activation_forward(OPS[op][0], param, DTYPES[dtype][1],
                                                     x.data_ptr(), y.data_ptr(), x.numel(),
                                                     self.stream()))

    def backward(self, op, param, saved, dtype, v, dy, dx):
        self.check(self.lib.cuact_activation_backward(OPS[op][0], param, saved, DTYPES[dtype][1],
                                                      v.data_ptr(), dy.data_ptr(), dx.data_ptr(),
                                                      v.numel(), self.stream()))

    def prelu_forward(self, dtype, x, alpha, y, shape):
        self.check(self.lib.cuact_prelu_forward(DTYPES[dtype][1], x.data_ptr(), alpha.data_ptr(),
                                                y.data_ptr(), *shape, self.stream()))

    def prelu_backward(self, dtype, x, dy, alpha, dx, dalpha, shape):
        self.check(self.lib.cuact_prelu_backward(DTYPES[dtype][1], x.data_ptr(), dy.data_ptr(),
                                                 alpha.data_ptr(), dx.data_ptr(),
                                                 dalpha.data_ptr(), *shape, 0, None, 0,
                                                 self.stream()))


class Failures:
    def __init__(self):
        self.count = 0
        self.checks = 0

    def compare(self, what, got, expected, max_ulp, inputs):
        """Fails when got and expected differ by more than max_ulp units of their dtype."""
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
        bad = ~both_nan & ((g - e).abs() > max_ulp * ulp)
        bad |= ~both_nan & inf & (g != e)
        bad |= torch.isnan(g) ^ torch.isnan(e)
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


def check_elementwise(lib, failures, n):
    for op, (_, param, uses_exp) in OPS.items():
        for dname, (dtype, _, _) in DTYPES.items():
            max_ulp = (1 if dtype in (torch.float16, torch.bfloat16) else 2) if uses_exp else 0
            for offset in (0, 1):
                tag = f"{op} {dname} n={n} offset={offset}"
                x = inputs_with_edges(n, dtype, 1, offset)
                dy = random_tensor(n, dtype, 2, -3, 3)
                y = torch.empty_like(x)
                lib.forward(op, param, dname, x, y)
                y_ref = torch_forward(op, param, x)
                failures.compare(f"{tag} forward", y, y_ref, max_ulp, [("x", x)])

                xr = x.detach().clone().requires_grad_(True)
                (dx_autograd,) = torch.autograd.grad(torch_forward(op, param, xr), xr, dy)
                dx = torch.empty_like(x)
                lib.backward(op, param, 0, dname, x, dy, dx)
                failures.compare(f"{tag} backward from input (autograd)", dx, dx_autograd,
                                 max_ulp, [("x", x), ("dy", dy)])

                dx_out = torch.empty_like(x)
                lib.backward(op, param, 1, dname, y_ref, dy, dx_out)
                failures.compare(f"{tag} backward from output", dx_out,
                                 torch_backward(op, param, 1, y_ref, dy), max_ulp,
                                 [("y", y_ref), ("dy", dy)])


def prelu_cases():
    # (layout, N, C, H, W)
    return [("nchw", 4, 64, 56, 56), ("nhwc", 4, 64, 56, 56), ("nchw", 2, 3, 7, 7),
            ("nhwc", 8, 1000, 1, 1), ("nchw", 2, 1, 30, 30)]


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
        for dname, (dtype, _, mant) in DTYPES.items():
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


def timing_rows(lib, n):
    rows = []
    for dname, (dtype, _, _) in DTYPES.items():
        size = dtype.itemsize if hasattr(dtype, "itemsize") else torch.empty((), dtype=dtype).element_size()
        x = random_tensor(n, dtype, 7, -8, 8)
        dy = random_tensor(n, dtype, 8, -3, 3)
        out = torch.empty_like(x)
        for op, (_, param, _) in OPS.items():
            y = torch_forward(op, param, x)
            cases = [
                ("forward", 2, lambda: lib.forward(op, param, dname, x, out),
                 lambda: torch_forward(op, param, x)),
                ("backward_input", 3, lambda: lib.backward(op, param, 0, dname, x, dy, out),
                 lambda: torch_backward(op, param, 0, x, dy)),
                ("backward_output", 3, lambda: lib.backward(op, param, 1, dname, y, dy, out),
                 lambda: torch_backward(op, param, 1, y, dy)),
            ]
            for direction, tensors, ours, theirs in cases:
                t_ours = time_ms(ours)
                t_theirs = time_ms(theirs)
                rows.append((op, dname, direction, n, t_ours, t_theirs, tensors * n * size))
        for layout in ("nchw", "nhwc"):
            side = int(math.isqrt(n // (64 * 16)))
            shp = (16, 64, side, side)
            px, pdy, weight, shape = prelu_tensors(layout, *shp, dtype, 9)
            alpha = weight.to(torch.float64 if dtype == torch.float64 else torch.float32)
            dx = torch.empty_like(px)
            dalpha = torch.empty_like(alpha)
            wv = weight.view(1, 64, 1, 1)

            def torch_prelu_backward(px=px, pdy=pdy, wv=wv):
                gx, gw = torch.ops.aten._prelu_kernel_backward(pdy, px, wv)
                return gx, gw.sum((0, 2, 3))

            m = px.numel()
            rows.append((f"prelu_{layout}", dname, "forward", m,
                         time_ms(lambda: lib.prelu_forward(dname, px, alpha, dx, shape)),
                         time_ms(lambda: F.prelu(px, weight)), 2 * m * size))
            rows.append((f"prelu_{layout}", dname, "backward", m,
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
    if not torch.cuda.is_available():
        print("compare_torch.py: PyTorch sees no CUDA GPU", file=sys.stderr)
        return 2

    lib = Cuact(args.lib)
    failures = Failures()
    check_elementwise(lib, failures, args.check_n)
    check_prelu(lib, failures)
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
