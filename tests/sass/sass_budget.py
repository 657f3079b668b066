#!/usr/bin/env python3
"""Instructions per element of every vector kernel's main loop, from the SASS, against the
issue rate an H100 has at copy bandwidth.

A memory-bound kernel keeps up with the memory only if its instructions issue in time. An
H100 SXM issues 132 SMs x 4 schedulers x 32 lanes x 1.755 GHz = 29.7 T lane-instructions/s;
at 3.0 TB/s an operation moving B bytes per element handles 3.0e12 / B elements/s, so a loop
of I instructions per element needs I x 3.0e12 / B of them: its share of the issue rate.
Above about half, the kernel competes for issue slots with itself and falls short of the
bandwidth. The check fails when any vector kernel needs more than --max-share.

For each kernel of a vector width above 1 (elementwise_kernel<F, T, inputs, read_only, kVec>,
the channelwise engine's channel_tiles_kernel, channel_tiles_masked_kernel and
channels_last_kernel<ChannelwiseMode<backward, write_out, grads, read_only>, F, kVec> for
PReLU, bias + activation, Snake/SnakeBeta and DyT,
gated_kernel<G, T, backward, interleaved, kVec>, masked_{forward,backward}_kernel<Op, T,
read_only, kVec>; RReLU's training passes are elementwise kernels of RReluTraining<T, backward>) the main loop
is the backward branch's range with the most 16-byte loads; its instructions, counted
statically (both sides of a branch, as a divergent warp issues them), are divided by the
elements one pass of it handles (16-byte loads per input x kVec; a gated kernel loads two
vectors, three backward, per kVec outputs, and moves 3, backward 5, elements per output; a
mask kernel loads one vector per kVec elements and moves two elements and a bit each).

    sass_budget.py [--max-share 0.5] [--table FILE] [--summary FILE] [--cuobjdump PATH]
                   [--doc FILE | --write-doc FILE] LIBRARY...

Register spills (LDL/STL) in a main loop are counted among its instructions, and each
kernel that has them is listed (ptxas trades a few for resident blocks; not a failure).

--table writes every kernel's row; --summary the worst share per operation and direction
(over the read-only and in-place variants) with a column per dtype. --doc FILE fails (exit
1) when the summary between FILE's markers (docs/performance.md's SASS budget) is not the
one computed, so that the published table cannot go stale; --write-doc FILE replaces it.
Exit status: 0 within budget, 1 over it, 2 without cuobjdump/nvdisasm (the ctest reports
that as skipped).
"""
import argparse
import glob
import os
import re
import shutil
import subprocess
import sys

ISSUE_RATE = 132 * 4 * 32 * 1.755e9  # H100 SXM lane-instructions per second
BANDWIDTH = 3.0e12                    # bytes per second, the copy bandwidth seen on an H100
SIZES = {"float": 4, "double": 8, "__half": 2, "__nv_bfloat16": 2}
SHORT = {"float": "f32", "double": "f64", "__half": "f16", "__nv_bfloat16": "bf16"}


def find_tool(name, given):
    """The tool: as given, on PATH, or from the nvidia-cuda-* PyPI wheels."""
    if given:
        return given
    found = shutil.which(name)
    if found:
        return found
    try:
        import nvidia  # noqa: F401  (the PyPI wheels' namespace package)
        for base in nvidia.__path__:
            for path in glob.glob(os.path.join(base, "cu*", "bin", name)):
                return path
    except ImportError:
        pass
    return None


def functions(sass):
    """(mangled name, [(address, instruction)]) of every function in cuobjdump -sass output."""
    current, body = None, []
    for line in sass.splitlines():
        m = re.match(r"\s*Function : (\S+)", line)
        if m:
            if current:
                yield current, body
            current, body = m.group(1), []
            continue
        m = re.match(r"\s*/\*([0-9a-f]{4,})\*/\s+(.*?);", line)
        if m and current:
            body.append((int(m.group(1), 16), m.group(2).strip()))
    if current:
        yield current, body


def main_loop(body):
    """(instructions, 16-byte loads, 16-byte stores, local-memory accesses) of the loop with
    the most 16-byte loads. Local-memory accesses (LDL/STL) are register spills there."""
    best = None
    for address, text in body:
        m = re.search(r"\bBRA\s+(?:`\(\S+\)\s*)?0x([0-9a-f]+)", text)
        if not m:
            continue
        target = int(m.group(1), 16)
        if target >= address:
            continue  # a forward branch
        inside = [t for a, t in body if target <= a <= address]
        loads = sum(1 for t in inside if re.search(r"\bLDG\.E\.128", t))
        stores = sum(1 for t in inside if re.search(r"\bSTG\.E\.128", t))
        local = sum(1 for t in inside if re.search(r"\b(?:LDL|STL)\b", t))
        if loads and (best is None or loads > best[1]):
            best = (len(inside), loads, stores, local)
    return best


PASSES = ("Forward", "GradFromInput", "GradFromOutput")  # cuda/launch.hpp's Pass, in order


def kernel_facts(name):
    """(label, element size, inputs, bytes per element, vector width) of a vector kernel's
    demangled name, or None."""
    m = re.search(r"elementwise_kernel<(.*), (\w+), (\d+), (true|false), (\d+)>\(", name)
    if m:
        functor, t, inputs, read_only, vec = m.groups()
        f = re.match(r"cuact::detail::(\w+)<cuact::(\w+)<\w+>(?:, \w+)? ?>", functor)
        r = re.match(r"cuact::detail::RReluTraining<\w+, (true|false)>", functor)
        if r:
            what = "rrelu training " + ("backward" if r.group(1) == "true" else "forward")
        else:
            what = f"{f.group(2)} {f.group(1)}" if f else functor
        if read_only == "false":
            what += " in place"
        inputs = int(inputs)
        return what, t, inputs, (inputs + 1) * SIZES[t], int(vec)
    m = re.search(r"gated_kernel<(.*), (\w+), (true|false), (true|false), (\d+)>\(", name)
    if m:
        functor, t, backward, interleaved, vec = m.groups()
        f = re.match(r"cuact::Gated<cuact::(\w+)<\w+> ?>", functor)
        g = re.match(r"cuact::(\w+)<\w+>", functor)
        what = f"Gated<{f.group(1)}>" if f else (g.group(1) if g else functor)
        what += " backward" if backward == "true" else " forward"
        what += " interleaved" if interleaved == "true" else " planar"
        # Per output vector: gate and up (two vectors of pairs when interleaved), and dy.
        inputs = 3 if backward == "true" else 2
        moved = 5 if backward == "true" else 3
        return what, t, inputs, moved * SIZES[t], int(vec)
    m = re.search(r"masked_(forward|backward)_kernel<cuact::(\w+)<\w+>, (\w+), (true|false), "
                  r"(\d+)>\(", name)
    if m:
        direction, op, t, read_only, vec = m.groups()
        what = f"{op} {direction} mask" + (" in place" if read_only == "false" else "")
        return what, t, 1, 2 * SIZES[t] + 1 / 8, int(vec)
    m = re.search(r"(channel_tiles|channel_tiles_masked|channels_last)_kernel<"
                  r"cuact::detail::ChannelwiseMode<(\w+), (\w+), (\w+), (\w+)>, "
                  r"cuact::detail::(.*), (\d+)>\(", name)
    if m:
        kernel, backward, write_out, grads, read_only, functor, vec = m.groups()
        prelu = re.match(r"PreluChannel<(\w+)>$", functor)
        bias = re.match(r"BiasChannel<cuact::(\w+)<\w+> ?, (\w+), \(cuact::detail::Pass\)(\d)>$",
                        functor)
        snake = re.match(r"(SnakeChannel|SnakeBetaChannel)<(\w+)>$", functor)
        dyt = re.match(r"DytChannel<(\w+)>$", functor)
        if dyt:
            t = dyt.group(1)
            what = f"dyt {'backward' if backward == 'true' else 'forward'}"
        elif snake:
            # One row per op and direction: the worst of the three kernels; the backward
            # writes dx and the parameters' partials.
            name_, t = snake.groups()
            what = (f"{'snake' if name_ == 'SnakeChannel' else 'snakebeta'} "
                    f"{'backward' if backward == 'true' else 'forward'}")
        elif prelu:
            t = prelu.group(1)
            what = f"prelu_{kernel} {'backward' if backward == 'true' else 'forward'}"
            if backward == "true":
                what += " dx" if write_out == "true" else ""
                what += " dalpha" if grads == "true" else ""
        elif bias:
            op, t, pass_ = bias.groups()
            # One row per activation and pass: the worst of the three kernels.
            what = f"bias + {op} {PASSES[int(pass_)]}"
        else:
            return None
        inputs = 2 if backward == "true" else 1
        # Bias's backward writes dx and, optionally, the recomputed y: counted without it.
        moved = inputs + (1 if write_out == "true" else 0)
        if read_only == "false":
            what += " in place"
        return what, t, inputs, moved * SIZES[t], int(vec)
    return None


def summary(rows):
    """The worst share per operation and direction, a column per dtype."""
    worst = {}
    for what, t, _, _, share, *_ in rows:
        key = what.replace(" in place", "")
        if share is not None:
            worst.setdefault(key, {})[t] = max(share, worst.get(key, {}).get(t, 0.0))
    lines = ["| kernel | f32 | f64 | f16 | bf16 |", "|---|---|---|---|---|"]
    for key in sorted(worst):
        cells = [f"{100 * worst[key][t]:.0f} %" if t in worst[key] else "-"
                 for t in ("f32", "f64", "f16", "bf16")]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


DOC_BEGIN = "<!-- sass_budget summary: generated, do not edit -->"
DOC_END = "<!-- end of sass_budget summary -->"


def doc_table(text):
    """The summary between the markers of a document's text, or None."""
    m = re.search(re.escape(DOC_BEGIN) + r"\n(.*?)\n" + re.escape(DOC_END), text, re.S)
    return m.group(1) if m else None


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("libraries", nargs="+")
    p.add_argument("--max-share", type=float, default=0.5)
    p.add_argument("--ceiling", action="append", default=[], metavar="FAMILY=SHARE",
                   help="hold the kernels whose label starts with FAMILY (e.g. bias) to SHARE "
                        "instead of --max-share: a known shortfall, listed, that must not grow")
    p.add_argument("--table", help="write the markdown table here")
    p.add_argument("--summary", help="write the per-operation summary table here")
    p.add_argument("--cuobjdump")
    p.add_argument("--doc", help="fail when this document's summary table is stale")
    p.add_argument("--write-doc", help="write the summary table into this document")
    a = p.parse_args()

    cuobjdump = find_tool("cuobjdump", a.cuobjdump)
    nvdisasm = find_tool("nvdisasm", None)
    if not cuobjdump or not nvdisasm:
        print("sass_budget: cuobjdump and nvdisasm are needed (CUDA toolkit, or pip install "
              "nvidia-cuda-cuobjdump nvidia-cuda-nvdisasm)", file=sys.stderr)
        return 2
    env = dict(os.environ, PATH=os.path.dirname(nvdisasm) + os.pathsep + os.environ["PATH"])
    rows = []
    for library in a.libraries:
        sass = subprocess.run([cuobjdump, "-sass", library], capture_output=True, text=True,
                              env=env, check=True).stdout
        found = list(functions(sass))
        names = subprocess.run(["c++filt"], input="\n".join(n for n, _ in found),
                               capture_output=True, text=True, check=True).stdout.splitlines()
        for (mangled, body), name in zip(found, names):
            facts = kernel_facts(name)
            if not facts or facts[4] == 1:
                continue
            what, t, inputs, moved, vec = facts
            loop = main_loop(body)
            if loop is None:
                rows.append((what, SHORT[t], None, None, None, "no main loop found"))
                continue
            instructions, loads, _, local = loop
            elements = loads / inputs * vec
            per_element = instructions / elements
            share = per_element * BANDWIDTH / moved / ISSUE_RATE
            rows.append((what, SHORT[t], instructions, per_element, share, "", local))

    rows.sort(key=lambda r: -(r[4] or 9))
    ceilings = [(family + " ", float(share)) for family, share in
                (c.split("=", 1) for c in a.ceiling)]

    def limit(what):
        return next((share for family, share in ceilings if what.startswith(family)),
                    a.max_share)

    over = [r for r in rows if r[4] is None or r[4] > limit(r[0])]
    known = [r for r in rows if r[4] is not None and a.max_share < r[4] <= limit(r[0])]
    spilling = [r for r in rows if r[4] is not None and r[6] > 0]
    lines = [f"| kernel | dtype | loop instructions | per element | share of H100 issue "
             f"rate at 3.0 TB/s | spill accesses in the loop |", "|---|---|---|---|---|---|"]
    for what, t, instructions, per_element, share, note, *local in rows:
        if share is None:
            lines.append(f"| {what} | {t} | - | - | {note} | - |")
        else:
            lines.append(f"| {what} | {t} | {instructions} | {per_element:.2f} | "
                         f"{100 * share:.0f} % | {local[0]} |")
    table = "\n".join(lines)
    print(table)
    if a.table:
        with open(a.table, "w") as f:
            f.write(table + "\n")
    if a.summary:
        with open(a.summary, "w") as f:
            f.write(summary(rows) + "\n")
    stale = False
    for path, write in ((a.doc, False), (a.write_doc, True)):
        if not path:
            continue
        text = open(path).read()
        published = doc_table(text)
        if published is None:
            print(f"sass_budget: {path} has no {DOC_BEGIN} ... {DOC_END} block", file=sys.stderr)
            return 1
        if write:
            with open(path, "w") as f:
                f.write(text.replace(published, summary(rows)))
        elif published != summary(rows):
            import difflib
            print(f"STALE: the SASS budget table in {path} is not this build's; regenerate it "
                  f"with --write-doc {path}:")
            print("\n".join(difflib.unified_diff(published.splitlines(), summary(rows).splitlines(),
                                                "published", "computed", lineterm="")))
            stale = True
    print(f"\n{len(rows)} vector kernels; {len(over)} over {100 * a.max_share:.0f} % of the issue "
          f"rate; {len(spilling)} with register spills (LDL/STL) in the main loop, counted in "
          f"its instructions:")
    for what, t, _, _, _, _, local in spilling:
        print(f"  spills: {what} {t}: {local} local-memory accesses per pass")
    for what, t, _, _, share, _, *_ in known:
        print(f"known over budget (below its family's ceiling of {100 * limit(what):.0f} %): "
              f"{what} {t}: {100 * share:.0f} %")
    for what, t, _, _, share, note, *_ in over:
        print(f"OVER BUDGET: {what} {t}: " + (note or f"{100 * share:.0f} %"))
    return 1 if over or not rows or stale else 0


if __name__ == "__main__":
    sys.exit(main())
