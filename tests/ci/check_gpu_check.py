#!/usr/bin/env python3
"""Runs .ci/gpu-check on a machine without a GPU and checks what a lent GPU machine would
send back: exactly the five allowed files in OUT, within the transfer limits, a summary
under 6,000 characters printed last, a non-zero exit, and an end inside the budget.

    check_gpu_check.py SOURCE_DIR WORK_DIR dry|forced

dry: the probe is forced to fail (as on a machine without a GPU): under 30 s, nothing built.
forced: the probe is forced to pass, with a 30 s budget: the build is cut off by its
timeout, the later steps are skipped, and the script still ends and summarises in time.
"""
import os
import re
import shutil
import subprocess
import sys
import time

ALLOWED = {"summary.md", "bench.csv", "compare-torch.md", "environment.txt", "logs.tar.gz"}
NAME = re.compile(r"^[A-Za-z0-9._-]+$")


def main(source, work, mode):
    out = os.path.join(work, "out")
    build = os.path.join(work, "build")
    shutil.rmtree(work, ignore_errors=True)
    os.makedirs(work)
    budget = 30
    env = dict(os.environ, BUILD_DIR=build, GPU_CHECK_BUDGET_S=str(budget),
               GPU_CHECK_FORCE_PROBE="0" if mode == "dry" else "1")
    env.pop("GPU_CHECK_STEPS", None)
    start = time.monotonic()
    proc = subprocess.run(["bash", os.path.join(source, ".ci", "gpu-check"), out], env=env,
                          capture_output=True, text=True, timeout=budget + 60)
    elapsed = time.monotonic() - start
    errors = []
    if proc.returncode == 0:
        errors.append("exit status 0 without a GPU")
    limit = 30 if mode == "dry" else budget + 5
    if elapsed > limit:
        errors.append(f"took {elapsed:.0f} s, more than {limit} s")
    files = set(os.listdir(out))
    if files != ALLOWED:
        errors.append(f"OUT holds {sorted(files)}, not {sorted(ALLOWED)}")
    for name in files:
        path = os.path.join(out, name)
        if not NAME.match(name) or not os.path.isfile(path):
            errors.append(f"{name}: not a plain file with a plain name")
        elif os.path.getsize(path) > 16 * 1024 * 1024:
            errors.append(f"{name}: over 16 MiB")
    summary = open(os.path.join(out, "summary.md")).read() if "summary.md" in files else ""
    if not summary or len(summary) > 6000:
        errors.append(f"summary.md has {len(summary)} characters (1 to 6000)")
    if summary and not proc.stdout.rstrip().endswith(summary.rstrip()):
        errors.append("summary.md is not what the script printed last")
    for step in ("probe", "tests", "bench", "torch", "sanitize"):
        if f"| {step} |" not in summary:
            errors.append(f"the summary has no line for step {step}")
    if mode == "dry":
        if os.path.exists(build):
            errors.append("the dry run created the build folder")
        if "| probe | FAIL |" not in summary:
            errors.append("the dry run's probe is not reported as failed")
    else:
        if "| probe | PASS |" not in summary or "| configure |" not in summary:
            errors.append("the forced run did not get past the probe to the build")
    commit = open(os.path.join(out, "environment.txt")).read() if "environment.txt" in files else ""
    if "commit: " not in commit:
        errors.append("environment.txt does not record the commit")
    if errors:
        print(proc.stdout[-3000:])
        print(proc.stderr[-2000:], file=sys.stderr)
        for e in errors:
            print("FAILED:", e)
        return 1
    print(f"{mode} run: {elapsed:.1f} s, exit {proc.returncode}, files {sorted(files)}, "
          f"summary {len(summary)} characters")
    return 0


if __name__ == "__main__":
    sys.exit(main(*sys.argv[1:]))
