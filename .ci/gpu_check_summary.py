#!/usr/bin/env python3
"""Writes .ci/gpu-check's summary.md: readable from the last lines of a reply alone.

One line per step (status, seconds, why skipped or failed), the failures' first lines, then
the host time per call against its 3 us target (and the runtime calls' own host times,
from the bench's log), then per op x direction and dtype at the largest size measured:
cuact_bench's % of same-run copy bandwidth and PyTorch's time over cuact's (> 1: cuact
faster). Kept under 6,000 characters.
"""

import argparse
import csv
import os
import re
import sys

LIMIT = 6000
HOST_TARGET_US = 3.0  # the host time one call may take to enqueue its work (issue #11)
HOST_LISTED = 8  # calls over the target named in the summary; the rest are counted
RUNTIME_COSTS = "runtime calls, host us per call"  # cuact_bench's line (bench/runtime_costs.cu)
DTYPES = ["f32", "f64", "f16", "bf16"]
FAILURE_LINE = re.compile(r"FAILED|Failure|MISMATCH|FAIL |error|Error|Expected|Which is|"
                          r"Timeout|killed|No such|not found")


def read_steps(path):
    steps = []
    with open(path) as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if len(parts) == 4:
                steps.append(parts)
    return steps


def failure_lines(log, limit=6):
    """The first lines of a failed step's log that say what went wrong."""
    if not os.path.exists(log):
        return ["(no log)"]
    lines = []
    with open(log, errors="replace") as f:
        for line in f:
            line = line.rstrip()
            if FAILURE_LINE.search(line) and line not in lines:
                lines.append(line[:150])
                if len(lines) == limit:
                    break
    if not lines:
        with open(log, errors="replace") as f:
            lines = [l.rstrip()[:150] for l in f.readlines()[-3:]]
    return lines


def read_bench(path):
    """{(op, direction, dtype): pct_copy} at the largest n of each case."""
    best = {}
    try:
        with open(path, newline="") as f:
            rows = list(csv.DictReader(f))
    except (OSError, csv.Error):
        return {}
    for r in rows:
        try:
            if r.get("skipped") or r.get("ok") != "1":
                continue
            key = (r["op"], r["direction"], r["dtype"])
            n = int(r["n"])
            if key not in best or n > best[key][0]:
                best[key] = (n, float(r["pct_copy"]))
        except (KeyError, ValueError):
            continue
    return {k: v[1] for k, v in best.items()}


def read_host(path):
    """[(host_us, op, direction, dtype)] for every row cuact_bench timed on the host."""
    rows = []
    try:
        with open(path, newline="") as f:
            for r in csv.DictReader(f):
                try:
                    host_us = float(r["host_us"])
                except (KeyError, TypeError, ValueError):
                    continue
                if host_us >= 0 and not r.get("skipped") and r.get("ok") == "1":
                    rows.append((host_us, r["op"], r["direction"], r["dtype"]))
    except (OSError, csv.Error):
        return []
    return rows


def runtime_costs_line(log):
    """cuact_bench's line of the runtime calls' own host times, from its log ('' if none)."""
    try:
        with open(log, errors="replace") as f:
            for line in f:
                if line.startswith(RUNTIME_COSTS):
                    return line.strip()[:600]
    except OSError:
        pass
    return ""


def host_lines(rows, runtime_costs):
    """The host-time section: the worst call, every call over the target, and what the
    runtime calls a cuact call is made of cost on their own."""
    if not rows and not runtime_costs:
        return []
    lines = ["", f"## Host time per call (cuact_bench host_us; target <= {HOST_TARGET_US:g} us)",
             ""]
    if rows:
        rows = sorted(rows, reverse=True)
        times = sorted(r[0] for r in rows)
        over = [r for r in rows if r[0] > HOST_TARGET_US]
        worst = rows[0]
        lines.append(f"{len(rows)} calls timed: median {times[len(times) // 2]:.2f} us, worst "
                     f"{worst[0]:.2f} us ({worst[1]} {worst[2]} {worst[3]}); over the target: "
                     f"{len(over) if over else 'none'}")
        for host_us, op, direction, dtype in over[:HOST_LISTED]:
            lines.append(f"- {op} {direction} {dtype}: {host_us:.2f} us")
        if len(over) > HOST_LISTED:
            lines.append(f"- ... and {len(over) - HOST_LISTED} more (bench.csv)")
    if runtime_costs:
        lines += ["", runtime_costs]
    return lines


def read_torch(path):
    """{(op, direction, dtype): torch/cuact} from compare_torch.py's table."""
    ratios = {}
    try:
        with open(path) as f:
            lines = f.readlines()
    except OSError:
        return {}
    for line in lines:
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) >= 7 and cells[1] in DTYPES:
            try:
                ratios[(cells[0], cells[2], cells[1])] = float(cells[6])
            except ValueError:
                pass
    return ratios


def first_line(path):
    try:
        with open(path) as f:
            return f.readline().strip()
    except OSError:
        return ""


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    for name in ("steps", "logs", "bench", "torch", "environment", "out"):
        p.add_argument("--" + name, required=True)
    a = p.parse_args()

    env = {}
    if os.path.exists(a.environment):
        with open(a.environment) as f:
            for line in f:
                key, _, value = line.partition(": ")
                env[key.strip()] = value.strip()
    out = ["# cuact GPU check", ""]
    out.append(f"commit {env.get('commit', '?')}; GPU {env.get('gpu', '?')}; "
               f"{env.get('nvcc', '')}")
    out.append("")
    steps = read_steps(a.steps)
    out += ["| step | status | s | note |", "|---|---|---|---|"]
    for name, status, seconds, note in steps:
        out.append(f"| {name} | {status} | {seconds} | {note} |")

    failed = [s for s in steps if s[1] in ("FAIL", "TIMEOUT")]
    if failed:
        out += ["", "## Failures (first lines; full logs in logs.tar.gz)"]
        for name, _, _, _ in failed:
            out.append(f"{name}:")
            out += ["    " + l for l in failure_lines(os.path.join(a.logs, name + ".log"))]

    out += host_lines(read_host(a.bench), runtime_costs_line(os.path.join(a.logs, "bench.log")))

    bench = read_bench(a.bench)
    torch = read_torch(a.torch)
    keys = sorted({(op, d) for op, d, _ in list(bench) + list(torch)})
    if keys:
        out += ["", "## Largest size: `%copy/torch` = cuact's % of same-run copy bandwidth / "
                "PyTorch's time over cuact's", "",
                "| op | direction | " + " | ".join(DTYPES) + " |",
                "|---|---|" + "---|" * len(DTYPES)]
        for op, direction in keys:
            cells = []
            for dt in DTYPES:
                pct = bench.get((op, direction, dt))
                ratio = torch.get((op, direction, dt))
                cell = (f"{pct:.0f}" if pct is not None else "-") + "/" + \
                       (f"{ratio:.2f}" if ratio is not None else "-")
                cells.append(cell)
            out.append(f"| {op} | {direction} | " + " | ".join(cells) + " |")
    elif not failed:
        out += ["", "No benchmark or PyTorch results."]
    torch_head = first_line(a.torch)
    if torch_head.startswith("PyTorch "):
        out += ["", "PyTorch comparison: " + torch_head[:200]]

    text = "\n".join(out) + "\n"
    if len(text) > LIMIT:
        cut = text[:LIMIT - 80]
        text = cut[:cut.rfind("\n") + 1] + "... (cut to fit; the rest in bench.csv and " \
                                           "compare-torch.md)\n"
    with open(a.out, "w") as f:
        f.write(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
