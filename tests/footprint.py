#!/usr/bin/env python3
"""hookverify's footprint: flash and stack on an emulated Cortex-M4, and the size of a minimal
WebAssembly verifier, checked against the committed budget.

Cortex-M4 (thumbv7em-none-eabihf, tests/embedded, run under qemu-system-arm as the cargo
runner). The `footprint` firmware is built three ways (HMAC only; HMAC + v1a; HMAC + v1a +
ES256 JWT), and the `baseline` firmware (the same runtime and output, no verifier), each with
opt-level "z" and "s" (fat LTO, one codegen unit, aborting panics); for each build the
smaller flash of the two is kept, with its other figures:

- flash: `.text` + `.rodata` of the firmware minus the baseline's (ELF section headers);
- verify: the peak stack while deliveries are verified, by stack painting;
- configure: the peak stack while the verifier is built (secrets, keys, the JWKS parsed);
- state: the size of the verifier (`Verifier`, or `Receiver`) itself.

WebAssembly (wasm32-unknown-unknown, tests/wasm): a cdylib exporting one `verify` function
(HMAC only; HMAC + v1a), built with opt-level "z", fat LTO, aborting panics, then
`wasm-opt -Oz`; `raw` is its size in bytes and `gzip` its size gzipped (level 9). Each module
is run under Node (tests/wasm/run.mjs) before it is measured.

    python3 tests/footprint.py [--json FILE] [--check BUDGET] [--write BUDGET]
                               [--wasm-opt PATH] [--sha2-compact]

--check fails (exit 1) when a figure is more than 10% above its budget; --write records
today's figures as the budget. wasm-opt is taken from --wasm-opt, $WASM_OPT, or PATH.
--self-test checks the budget rule on made-up figures and builds nothing.
--sha2-compact builds everything with `--cfg sha2_backend_soft="compact"`, sha2's loop-rolled
portable backend, the flash a user saves by choosing it (the budget is for the default).
"""

import argparse
import gzip
import json
import os
import re
import shutil
import struct
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
EMBEDDED = ROOT / "tests" / "embedded"
WASM = ROOT / "tests" / "wasm"
THUMB = "thumbv7em-none-eabihf"
BUILDS = [
    ("hmac", []),
    ("hmac+v1a", ["v1a"]),
    ("hmac+v1a+es256-jwt", ["v1a", "jwt"]),
]
WASM_BUILDS = [("hmac", []), ("hmac+v1a", ["v1a"])]
TOLERANCE = 0.10
# Extra rustc flags for every build (--sha2-compact).
EXTRA_RUSTFLAGS = []
# The WebAssembly features rustc enables by default for wasm32-unknown-unknown (since Rust
# 1.82/1.87), which wasm-opt must be told the module may use.
WASM_FEATURES = [
    "--enable-bulk-memory",
    "--enable-multivalue",
    "--enable-mutable-globals",
    "--enable-nontrapping-float-to-int",
    "--enable-reference-types",
    "--enable-sign-ext",
]


def sections(elf: Path) -> dict:
    """Section name -> size, from an ELF32 little-endian file's section headers."""
    data = elf.read_bytes()
    if data[:4] != b"\x7fELF" or data[4] != 1 or data[5] != 1:
        raise SystemExit(f"{elf}: not a 32-bit little-endian ELF")
    (shoff,) = struct.unpack_from("<I", data, 0x20)
    shentsize, shnum, shstrndx = struct.unpack_from("<HHH", data, 0x2E)
    headers = [struct.unpack_from("<IIIIIIIIII", data, shoff + i * shentsize) for i in range(shnum)]
    strtab = headers[shstrndx]
    names = data[strtab[4] : strtab[4] + strtab[5]]
    out = {}
    for h in headers:
        name = names[h[0] : names.index(b"\0", h[0])].decode()
        out[name] = h[5]
    return out


def run(args: list, cwd: Path, env: dict = None) -> subprocess.CompletedProcess:
    done = subprocess.run(args, cwd=cwd, env=env, capture_output=True, text=True, timeout=1200)
    if done.returncode != 0:
        sys.stderr.write(done.stdout + done.stderr)
        raise SystemExit(f"{' '.join(args)} failed in {cwd}")
    return done


def firmware(binary: str, features: list, opt: str) -> dict:
    env = dict(os.environ, CARGO_PROFILE_RELEASE_OPT_LEVEL=opt)
    if EXTRA_RUSTFLAGS:
        # RUSTFLAGS replaces the config's target rustflags: keep its linker script.
        env["RUSTFLAGS"] = " ".join(["-C link-arg=-Tlink.x"] + EXTRA_RUSTFLAGS)
    args = ["cargo", "run", "--release", "--locked", "--quiet", "--bin", binary]
    args += ["--no-default-features"]
    if features:
        args += ["--features", ",".join(features)]
    out = run(args, EMBEDDED, env).stdout
    match = re.search(r"footprint configure=(\d+) verify=(\d+) state=(\d+) ok=(true|false)", out)
    if not match or match.group(4) != "true":
        sys.stderr.write(out)
        raise SystemExit(f"{binary} {features} (opt-level {opt}) did not verify")
    s = sections(EMBEDDED / "target" / THUMB / "release" / binary)
    return {
        "flash": s.get(".text", 0) + s.get(".rodata", 0),
        "configure": int(match.group(1)),
        "verify": int(match.group(2)),
        "state": int(match.group(3)),
    }


def cortex_m() -> dict:
    results = {}
    for name, features in BUILDS:
        best = None
        for opt in ("z", "s"):
            base = firmware("baseline", features, opt)
            fig = firmware("footprint", features, opt)
            figure = {
                "flash": fig["flash"] - base["flash"],
                "verify": fig["verify"],
                "configure": fig["configure"],
                "state": fig["state"],
            }
            print(f"  cortex-m4 {name:20} opt-level {opt}: {figure}", file=sys.stderr)
            if best is None or figure["flash"] < best[0]["flash"]:
                best = (figure, opt)
        results[f"cortex-m4/{name}"] = best[0]
        results[f"cortex-m4/{name}"]["opt_level"] = best[1]
    return results


def wasm(wasm_opt: str) -> dict:
    results = {}
    for name, features in WASM_BUILDS:
        args = ["cargo", "build", "--release", "--locked", "--quiet"]
        args += ["--target", "wasm32-unknown-unknown"]
        if features:
            args += ["--features", ",".join(features)]
        env = dict(os.environ)
        if EXTRA_RUSTFLAGS:
            env["RUSTFLAGS"] = " ".join(EXTRA_RUSTFLAGS)
        run(args, WASM, env)
        built = WASM / "target" / "wasm32-unknown-unknown" / "release" / "hookverify_wasm.wasm"
        optimized = WASM / "target" / f"{name}.wasm"
        run([wasm_opt, "-Oz", *WASM_FEATURES, str(built), "-o", str(optimized)], WASM)
        run(["node", str(WASM / "run.mjs"), str(optimized)] + (["v1a"] if features else []), WASM)
        data = optimized.read_bytes()
        results[f"wasm/{name}"] = {"raw": len(data), "gzip": len(gzip.compress(data, 9, mtime=0))}
    return results


def check(results: dict, budget: dict) -> bool:
    ok = True
    for build, figures in budget.items():
        if build.startswith("_"):
            continue
        for key, limit in figures.items():
            got = results.get(build, {}).get(key)
            if got is None:
                print(f"budget: {build} {key} was not measured")
                ok = False
            elif got > limit * (1 + TOLERANCE):
                print(f"budget: {build} {key} = {got} B, more than 10% over its budget {limit} B")
                ok = False
            elif got != limit:
                print(f"budget: {build} {key} = {got} B (budget {limit} B, {got / limit - 1:+.1%})")
    return ok


def self_test() -> None:
    """The budget rule itself: equal passes, +9% passes, +11% and a missing figure fail."""
    budget = {"_comment": "", "b": {"flash": 1000, "verify": 100}}
    cases = [
        ({"b": {"flash": 1000, "verify": 100}}, True),
        ({"b": {"flash": 1090, "verify": 50}}, True),
        ({"b": {"flash": 1110, "verify": 100}}, False),
        ({"b": {"flash": 1000}}, False),
    ]
    for results, expected in cases:
        if check(results, budget) != expected:
            raise SystemExit(f"self-test: {results} against {budget} should be {expected}")
    print("self-test: the budget rule holds")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", type=Path)
    parser.add_argument("--check", type=Path)
    parser.add_argument("--write", type=Path)
    parser.add_argument("--wasm-opt", default=os.environ.get("WASM_OPT") or shutil.which("wasm-opt"))
    parser.add_argument("--sha2-compact", action="store_true")
    parser.add_argument("--self-test", action="store_true", help="check the budget rule only")
    args = parser.parse_args()
    if args.self_test:
        self_test()
        return
    if args.sha2_compact:
        EXTRA_RUSTFLAGS.append('--cfg sha2_backend_soft="compact"')
    if not args.wasm_opt:
        raise SystemExit("wasm-opt not found: npm install binaryen, then --wasm-opt PATH")
    if os.sep in args.wasm_opt:
        args.wasm_opt = str(Path(args.wasm_opt).resolve())
    results = cortex_m()
    results.update(wasm(args.wasm_opt))
    print(f"{'build':34} {'flash':>8} {'verify':>8} {'configure':>9} {'state':>7}   wasm raw / gzip")
    for build, f in results.items():
        if build.startswith("cortex-m4/"):
            print(
                f"{build:34} {f['flash']:>8} {f['verify']:>8} {f['configure']:>9} {f['state']:>7}"
                f"   (opt-level {f['opt_level']})"
            )
        else:
            print(f"{build:34} {'':>8} {'':>8} {'':>9} {'':>7}   {f['raw']} / {f['gzip']}")
    if args.json:
        args.json.write_text(json.dumps(results, indent=1) + "\n")
    if args.write:
        budget = {"_comment": "Footprint budget in bytes: tests/footprint.py --check fails more than 10% above a figure. Raise one only in a reviewed commit that says why."}
        for build, f in results.items():
            budget[build] = {k: v for k, v in f.items() if k != "opt_level"}
        args.write.write_text(json.dumps(budget, indent=1) + "\n")
    if args.check and not check(results, json.loads(args.check.read_text())):
        sys.exit(1)


if __name__ == "__main__":
    main()
