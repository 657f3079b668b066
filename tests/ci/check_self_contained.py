#!/usr/bin/env python3
"""Fails when a file of the repository points at a path outside it: the project documents
itself, and its users have only the repository. Checks every file git tracks (or, without
.git, every file outside build folders) for references to a sibling 'shared/' folder.

    check_self_contained.py SOURCE_DIR
"""
import os
import re
import subprocess
import sys

OUTSIDE = re.compile(r"(?<![\w-])(\.\./)*" + "shared" + r"/(spec|device|notes|seed|style|hooks)?")
SKIP_DIRS = {".git", ".deps", "__pycache__"}


def files(root):
    try:
        out = subprocess.run(["git", "-C", root, "ls-files"], capture_output=True, text=True,
                             check=True).stdout.split("\n")
        return [f for f in out if f]
    except (OSError, subprocess.CalledProcessError):
        found = []
        for d, dirs, names in os.walk(root):
            dirs[:] = [x for x in dirs if x not in SKIP_DIRS and not x.startswith("build")]
            found += [os.path.relpath(os.path.join(d, n), root) for n in names]
        return found


def main(root):
    me = os.path.relpath(os.path.abspath(__file__), os.path.abspath(root))
    bad = []
    for rel in files(root):
        if rel == me:
            continue
        try:
            text = open(os.path.join(root, rel), encoding="utf-8").read()
        except (UnicodeDecodeError, OSError):
            continue
        for number, line in enumerate(text.split("\n"), 1):
            if OUTSIDE.search(line):
                bad.append(f"{rel}:{number}: {line.strip()[:120]}")
    for b in bad:
        print("points outside the repository:", b)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
