#!/usr/bin/env python3
"""Checks the GitHub Actions workflows in .github/workflows, which cannot run here: each is
valid YAML with the keys GitHub requires (on, jobs; per job runs-on and steps, each step a
`uses` or a `run`), the hosted one runs .ci/run, and the GPU one runs on a self-hosted GPU
runner, the README's test command exactly, with CUACT_REQUIRE_GPU=1, and .ci/gpu-check.

    check_workflows.py SOURCE_DIR
"""
import os
import re
import sys

import yaml


def fail(message):
    print(f"check_workflows: {message}", file=sys.stderr)
    sys.exit(1)


def load(path):
    with open(path) as f:
        doc = yaml.safe_load(f)
    # YAML 1.1 reads the key `on` as True.
    on = doc.get("on", doc.get(True))
    if not isinstance(doc, dict) or on is None or not isinstance(doc.get("jobs"), dict):
        fail(f"{path}: needs `on` and `jobs`")
    for name, job in doc["jobs"].items():
        if "runs-on" not in job or not isinstance(job.get("steps"), list) or not job["steps"]:
            fail(f"{path}: job {name} needs runs-on and steps")
        for step in job["steps"]:
            if not isinstance(step, dict) or ("uses" in step) == ("run" in step):
                fail(f"{path}: job {name}: each step has exactly one of uses and run: {step}")
    return doc


def runs(doc):
    return [s["run"].strip() for job in doc["jobs"].values() for s in job["steps"] if "run" in s]


def main():
    root = sys.argv[1]
    readme = open(os.path.join(root, "README.md")).read()
    m = re.search(r"# Build and run the tests[^\n]*\n([^\n]+)\n", readme)
    if not m:
        fail("README.md has no test command")
    test_command = m.group(1).strip()

    hosted = load(os.path.join(root, ".github/workflows/ci.yml"))
    if not any(".ci/run" in r for r in runs(hosted)):
        fail("ci.yml does not run .ci/run")
    if any("self-hosted" in str(j["runs-on"]) for j in hosted["jobs"].values()):
        fail("ci.yml must run on hosted runners")

    gpu = load(os.path.join(root, ".github/workflows/gpu.yml"))
    for name, job in gpu["jobs"].items():
        labels = job["runs-on"] if isinstance(job["runs-on"], list) else [job["runs-on"]]
        if "self-hosted" not in labels or "gpu" not in labels:
            fail(f"gpu.yml: job {name} must run on [self-hosted, gpu], not {labels}")
        env = dict(gpu.get("env") or {}, **(job.get("env") or {}))
        if str(env.get("CUACT_REQUIRE_GPU")) != "1":
            fail(f"gpu.yml: job {name} must set CUACT_REQUIRE_GPU=1")
    commands = runs(gpu)
    if test_command not in commands:
        fail(f"gpu.yml does not run the README's test command: {test_command}")
    if not any(c.startswith(".ci/gpu-check") for c in commands):
        fail("gpu.yml does not run .ci/gpu-check")
    print("check_workflows: ci.yml and gpu.yml are well formed")


if __name__ == "__main__":
    main()
