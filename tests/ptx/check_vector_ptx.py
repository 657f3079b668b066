#!/usr/bin/env python3
"""Checks in the PTX of cuact's kernels that the vector paths really are vector paths.

For every kernel instantiated with a vector width above 1 (elementwise_kernel<F, T, N,
read_only, kVec>; the channelwise engine's channel_tiles_kernel, channel_tiles_masked_kernel
and channels_last_kernel<ChannelwiseMode<backward, write_out, grads, read_only>, F, kVec>,
F being PReLU's or bias + activation's channel functor; gated_kernel<G, T, backward,
interleaved, kVec>, which always loads coherently; masked_{forward,backward}_kernel<Op, T,
read_only, kVec>; rrelu_kernel<T, backward, read_only, kVec>), the PTX must load its inputs
with 16-byte loads and, when it writes an output, store with 16-byte stores (st.global.v4 or
st.global.wb.v4). The loads of read-only variants go through the read-only path
(ld.global.nc.v4); the in-place variants (read_only false) must not read their inputs
through it, since those are written during the kernel (ld.global.ca.v4); they may read
cuact's own coefficient tables (module-scope .global arrays no kernel writes, such as
erf-GELU's double polynomial) that way, and the mask kernels their 32-bit mask words, which
never alias an output.
Usage: check_vector_ptx.py FILE...
FILE is a .ptx file, or a library or object whose fat binaries carry PTX (built for a
virtual architecture too: CMAKE_CUDA_ARCHITECTURES 90 is 90-real plus 90-virtual), read
with cuobjdump -ptx (the toolkit's, or PyPI's nvidia-cuda-cuobjdump); without cuobjdump the
check exits 2 (skipped), as it does for a single library without PTX. Reading the library's own PTX checks the code it ships, compiled
once.
"""
import os
import re
import subprocess
import sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "sass"))
from sass_budget import find_tool  # noqa: E402


def entries(ptx_text):
    """(mangled name, body) of every .entry in a PTX file: the text up to the next entry or
    function (cuobjdump's PTX has no indentation, so a body's closing brace alone does not
    end it)."""
    starts = [m for m in re.finditer(r"^(?:\.visible\s+|\.weak\s+)?\.(entry|func)\s+(?:\([^)]*\)\s*)?(\S+?)\s*\(",
                                     ptx_text, re.M)]
    for i, m in enumerate(starts):
        if m.group(1) == "entry":
            end = starts[i + 1].start() if i + 1 < len(starts) else len(ptx_text)
            yield m.group(2), ptx_text[m.end():end]


def input_nc_loads(body):
    """The ld.global.nc instructions of a kernel body whose address is not derived from a
    module-scope symbol (mov of the symbol, then cvta/add): the ones reading its inputs."""
    table = set()
    loads = []
    for line in body.splitlines():
        m = re.match(r"\s*mov\.u64\s+(%rd\d+),\s*([A-Za-z_]\w*);", line)
        if m:
            table.add(m.group(1))
            continue
        m = re.match(r"\s*(?:cvta\.global\.u64|add\.s64)\s+(%rd\d+),\s*(%rd\d+)", line)
        if m and m.group(2) in table:
            table.add(m.group(1))
            continue
        m = re.search(r"ld\.global\.nc[^\[]*\[(%rd\d+)", line)
        if m and m.group(1) not in table:
            loads.append(line.strip())
    return loads


def demangle(names):
    out = subprocess.run(["c++filt"], input="\n".join(names), capture_output=True, text=True,
                         check=True).stdout.splitlines()
    return dict(zip(names, out))


def ptx_of(path, cuobjdump):
    """The PTX text of a .ptx file, or of every fat binary in a library or object."""
    if path.endswith(".ptx"):
        return open(path).read()
    return subprocess.run([cuobjdump, "-ptx", path], capture_output=True, text=True,
                          check=True).stdout


def main(paths):
    failures = []
    checked = 0
    cuobjdump = None
    if any(not path.endswith(".ptx") for path in paths):
        cuobjdump = find_tool("cuobjdump", None)
        if not cuobjdump:
            print("check_vector_ptx: cuobjdump is needed to read a library's PTX (CUDA toolkit, "
                  "or pip install nvidia-cuda-cuobjdump)", file=sys.stderr)
            return 2
    for path in paths:
        text = ptx_of(path, cuobjdump)
        found = list(entries(text))
        if not found and len(paths) == 1:
            print(f"check_vector_ptx: {path} carries no PTX (built for real architectures only: "
                  "add a virtual one, e.g. CMAKE_CUDA_ARCHITECTURES=90)", file=sys.stderr)
            return 2
        if not found:
            failures.append(f"{path}: no PTX kernels")
        names = demangle([name for name, _ in found])
        for mangled, body in found:
            name = names[mangled]
            m = re.search(r"(elementwise_kernel|channel_tiles_kernel|channel_tiles_masked_kernel|"
                          r"channels_last_kernel|gated_kernel|masked_\w+_kernel|"
                          r"rrelu_kernel)<(.*), (\d+)>\(", name)
            if not m or int(m.group(3)) == 1:
                continue
            checked += 1
            writes = True
            mode = re.search(r"ChannelwiseMode<(\w+), (\w+), (\w+), (\w+)>", m.group(2))
            if mode:
                writes = mode.group(2) == "true"
                read_only = mode.group(4) == "true"
            elif m.group(1) == "gated_kernel":
                read_only = False  # always coherent loads: in place is allowed
            else:
                read_only = m.group(2).endswith("true")
            if read_only and "ld.global.nc.v4" not in body:
                failures.append(f"{path}: {name}: no 16-byte ld.global.nc.v4 load")
            nc_inputs = input_nc_loads(body)
            if m.group(1).startswith("masked_"):
                nc_inputs = [load for load in nc_inputs if ".v" in load]  # not the mask words
            if not read_only and nc_inputs:
                failures.append(f"{path}: {name}: in place but reads through ld.global.nc")
            if not read_only and not re.search(r"ld\.global(\.ca)?\.v4", body):
                failures.append(f"{path}: {name}: no 16-byte coherent ld.global.v4 load")
            if writes and not re.search(r"st\.global(\.wb)?\.v4", body):
                failures.append(f"{path}: {name}: no 16-byte st.global.v4 store")
    for f in failures:
        print("FAIL", f)
    print(f"checked {checked} vector kernels in {len(paths)} files, {len(failures)} failures")
    return 1 if failures or checked == 0 else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
