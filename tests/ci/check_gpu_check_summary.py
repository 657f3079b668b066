#!/usr/bin/env python3
"""Checks .ci/gpu_check_summary.py on made-up results: the host-time section (worst call, the
calls over the 3 us target, rows without a host time left out, the bench log's runtime-cost
line) and the bandwidth table, and
that a summary of a full-size benchmark stays under 6,000 characters with the host-time
section kept whole (it comes before the table, which is what gets cut).

    check_gpu_check_summary.py SUMMARY_SCRIPT WORK_DIR
"""
import csv
import os
import subprocess
import sys

HEADER = ("op,direction,dtype,n,shape,median_us,spread_pct,gbps,copy_gbps,pct_copy,graph_us,"
          "host_us,cudnn_us,ok,check,skipped").split(",")
DTYPES = ["f32", "f64", "f16", "bf16"]


def bench_row(op, direction, dtype, n, pct_copy, host_us, ok=1, skipped=""):
    return {"op": op, "direction": direction, "dtype": dtype, "n": n, "shape": "",
            "median_us": 10, "spread_pct": 1, "gbps": 1000, "copy_gbps": 3000,
            "pct_copy": pct_copy, "graph_us": 2, "host_us": host_us, "cudnn_us": -1, "ok": ok,
            "check": "", "skipped": skipped}


# cuact_bench's runtime-cost line, as tests/bench/bench_helpers_test.cpp pins it.
RUNTIME_COSTS = ("runtime calls, host us per call (median of 9 batches of 200): "
                 "cudaPointerGetAttributes 0.10, cudaGetDevice 0.01, "
                 "cudaThreadExchangeStreamCaptureMode 0.02, cudaGetLastError 0.00, "
                 "cudaLaunchKernel 1.80, cudaLaunchCooperativeKernel 2.25 (in a graph: yes), "
                 "cudaMemsetAsync 1.50")


def summarize(script, work, name, rows, bench_log=None):
    """Runs the summary on `rows` as bench.csv and `bench_log` as the bench step's log;
    returns its text."""
    d = os.path.join(work, name)
    os.makedirs(d, exist_ok=True)
    log = os.path.join(d, "bench.log")
    if bench_log is None:
        if os.path.exists(log):
            os.remove(log)
    else:
        with open(log, "w") as f:
            f.write(bench_log)
    paths = {k: os.path.join(d, k) for k in ("steps", "bench", "torch", "env", "out")}
    with open(paths["steps"], "w") as f:
        f.write("probe\tPASS\t1\t\nbench\tPASS\t60\t\n")
    with open(paths["bench"], "w", newline="") as f:
        w = csv.DictWriter(f, HEADER)
        w.writeheader()
        w.writerows(rows)
    with open(paths["torch"], "w") as f:
        f.write("compare_torch.py not run: see summary.md\n")
    with open(paths["env"], "w") as f:
        f.write("commit: abc123\ngpu: test GPU\n")
    subprocess.run([sys.executable, script, "--steps", paths["steps"], "--logs", d, "--bench",
                    paths["bench"], "--torch", paths["torch"], "--environment", paths["env"],
                    "--out", paths["out"]], check=True)
    return open(paths["out"]).read()


def host_section(text):
    start = text.find("## Host time per call")
    if start < 0:
        return ""
    end = text.find("\n## ", start + 1)
    return text[start:] if end < 0 else text[start:end]


def main(script, work):
    errors = []

    # Small: two timed calls over the target, one under, one untimed (large n), one failed,
    # one skipped.
    rows = [bench_row("relu", "forward", "f32", 65536, 40, 1.25),
            bench_row("relu", "forward", "f32", 1 << 26, 93.5, -1),
            bench_row("prelu_nhwc", "backward_prelu", "bf16", 65536, 30, 4.5),
            bench_row("prelu_nchw", "backward_prelu", "f16", 65536, 30, 3.25),
            bench_row("gelu", "forward", "f64", 65536, 30, 9.0, ok=0),
            bench_row("silu", "forward", "f16", 65536, 30, 8.0, skipped="no cuDNN")]
    text = summarize(script, work, "small", rows,
                     "cuact_bench: GPU ...\n" + RUNTIME_COSTS + "\nop direction ...\n")
    host = host_section(text)
    expect = [
        ("a host-time section", bool(host)),
        ("3 timed calls", "3 calls timed" in host),
        ("the median", "median 3.25 us" in host),
        ("the worst call named", "worst 4.50 us (prelu_nhwc backward_prelu bf16)" in host),
        ("2 over the target", "over the target: 2" in host),
        ("each call over the target listed",
         "- prelu_nhwc backward_prelu bf16: 4.50 us" in host and
         "- prelu_nchw backward_prelu f16: 3.25 us" in host),
        ("no call under the target listed", "relu forward f32:" not in host),
        ("failed and skipped rows left out", "gelu" not in host and "silu" not in host),
        ("the bandwidth table at the largest size", "| relu | forward | 94/- |" in text),
        ("the runtime-cost line from the bench's log", RUNTIME_COSTS in host),
    ]
    errors += [f"small: expected {what}" for what, ok in expect if not ok]

    # No timed call and no runtime-cost line: no section; the line alone makes one.
    untimed = [bench_row("relu", "forward", "f32", 1 << 26, 93, -1)]
    text = summarize(script, work, "untimed", untimed)
    if "Host time" in text:
        errors.append("untimed: a host-time section without a timed call")
    text = summarize(script, work, "line-only", untimed, RUNTIME_COSTS + "\n")
    if RUNTIME_COSTS not in host_section(text) or "calls timed" in text:
        errors.append("line-only: expected the runtime-cost line alone")

    # Every call under the target.
    text = summarize(script, work, "fast", [bench_row("relu", "forward", "f32", 65536, 40, 0.5)])
    if "over the target: none" not in host_section(text):
        errors.append("fast: expected 'over the target: none'")

    # Full size: 80 ops x 3 directions x 4 dtypes x 2 sizes, 20 calls over the target.
    rows = []
    for k in range(80):
        for direction in ("forward", "backward", "backward_from_output"):
            for dt in DTYPES:
                host_us = 3.5 if k < 5 and direction == "forward" else 1.0
                rows.append(bench_row(f"op_number_{k}", direction, dt, 65536, 40, host_us))
                rows.append(bench_row(f"op_number_{k}", direction, dt, 1 << 26, 91, -1))
    text = summarize(script, work, "full", rows, RUNTIME_COSTS + "\n")
    host = host_section(text)
    if len(text) > 6000:
        errors.append(f"full: {len(text)} characters (over 6,000)")
    if "over the target: 20" not in host or host.count("\n- op_number_") != 8 or \
            "- ... and 12 more (bench.csv)" not in host:
        errors.append("full: expected 20 over the target, 8 listed and '... and 12 more'")
    if RUNTIME_COSTS not in host:
        errors.append("full: the runtime-cost line was cut")
    if "cut to fit" not in text:
        errors.append("full: expected the table cut to fit (the test's size is meant to)")

    for e in errors:
        print("FAIL:", e)
    if not errors:
        print("gpu_check_summary: host-time section and size limit as expected")
    return 1 if errors else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
