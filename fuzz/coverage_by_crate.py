#!/usr/bin/env python3
"""Where did a fuzz run's new coverage land? Compares two libFuzzer `-print_coverage=1`
reports of one target binary (say, its corpus before and after a run) and prints the edges
gained per crate, then per hookverify function.

    A=target/x86_64-unknown-linux-gnu/release/jwt   # the ASan build: it can symbolize
    $A before/ -runs=0 -print_coverage=1 >before.txt 2>&1
    $A corpus/jwt -runs=0 -print_coverage=1 >after.txt 2>&1
    python3 coverage_by_crate.py before.txt after.txt

The non-ASan build prints no coverage: libFuzzer needs the sanitizer runtime's symbolizer.
"""
import collections
import os
import re
import sys

# Paths in the report are absolute, from the build: this checkout's fuzz/ and src/.
HERE = os.path.dirname(os.path.abspath(__file__))
FUZZ_DIR = HERE + "/"
SRC_DIR = os.path.join(os.path.dirname(HERE), "src") + "/"

LINE = re.compile(r"(?:UN)?COVERED_FUNC: hits: \d+ edges: (\d+)/(\d+) (.*) (\S+):\d+$")


def load(path):
    """{(function, file): (covered edges, edges)} from one report."""
    funcs = {}
    with open(path, encoding="utf-8", errors="replace") as report:
        for line in report:
            m = LINE.match(line.strip())
            if m:
                funcs[(m.group(3), m.group(4))] = (int(m.group(1)), int(m.group(2)))
    return funcs


def crate(function, path):
    """Where a function belongs: hookverify, this harness, a registry crate, std."""
    # The `fuzz_target!` body is compiled into this function, located in libfuzzer-sys.
    if path.startswith(FUZZ_DIR) or function.endswith("__libfuzzer_sys_run"):
        return "harness"
    if path.startswith(SRC_DIR):
        return "hookverify"
    m = re.search(r"/registry/src/[^/]+/([^/]+)/", path)
    if m:
        return m.group(1)
    m = re.search(r"/library/([^/]+)/", path)
    return "std/" + m.group(1) if m else path


def main(before_path, after_path):
    before, after = load(before_path), load(after_path)
    gained, covered, total = (collections.Counter() for _ in range(3))
    ours = []
    for key, (edges, of) in after.items():
        old = before.get(key, (0, of))[0]
        name = crate(*key)
        gained[name] += edges - old
        covered[name] += edges
        total[name] += of
        if name == "hookverify" and edges != old:
            ours.append(f"  {key[0]}: {old} -> {edges} of {of}")
    print(f"edges gained: {sum(gained.values())}")
    for name, n in gained.most_common():
        if n:
            print(f"{name:28} {n:+5}   now {covered[name]}/{total[name]}")
    print("hookverify functions:")
    print("\n".join(sorted(ours)) or "  none")


if __name__ == "__main__":
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    main(sys.argv[1], sys.argv[2])
