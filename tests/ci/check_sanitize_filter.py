#!/usr/bin/env python3
"""Checks that every pattern of .ci/gpu-check's compute-sanitizer filter selects at least one
GPU test: a pattern left behind by a renamed test or suite would silently sanitize nothing.

    check_sanitize_filter.py GPU_CHECK_SCRIPT GPU_TEST_EXECUTABLE

Reads the `filter=` / `filter+=` lines of the script's sanitize step, splits them at ':' and
asks the executable (--gtest_list_tests, which needs no GPU) which tests each pattern
selects. Exit status 1 when one selects none.
"""
import re
import subprocess
import sys


def filter_patterns(script):
    """The ':'-separated patterns of the sanitize step's gtest filter, in order."""
    joined = ""
    for line in open(script):
        m = re.match(r"\s*filter\+?='([^']*)'\s*$", line)
        if m:
            joined += m.group(1)
    return [p for p in joined.split(":") if p]


def selected_tests(executable, pattern):
    """The tests `pattern` selects, as 'Suite.Test' names."""
    out = subprocess.run([executable, "--gtest_list_tests", f"--gtest_filter={pattern}"],
                         capture_output=True, text=True, check=True).stdout
    tests, suite = [], None
    for line in out.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            suite = line.split()[0]
        else:
            tests.append(suite + line.split()[0])
    return tests


def main(script, executable):
    patterns = filter_patterns(script)
    if not patterns:
        print(f"FAILED: no filter= lines found in {script}")
        return 1
    failed = 0
    for pattern in patterns:
        count = len(selected_tests(executable, pattern))
        print(f"{count:5d} tests  {pattern}")
        if count == 0:
            print(f"FAILED: '{pattern}' selects no test")
            failed += 1
    return 1 if failed else 0


if __name__ == "__main__":
    if len(sys.argv) != 3:
        print(__doc__, file=sys.stderr)
        sys.exit(2)
    sys.exit(main(sys.argv[1], sys.argv[2]))
