#!/usr/bin/env -S node --no-warnings
// The cargo runner for wasm32-wasip1 (.cargo/config.toml): runs a test binary under Node's
// built-in WASI (preview 1), with the arguments cargo passes, the environment, and the file
// system from "/" (the tests read their vectors by absolute path: CARGO_MANIFEST_DIR and
// HOOKVERIFY_VECTORS), and exits with the binary's exit status.
//
//     cargo test --target wasm32-wasip1
import { readFile } from "node:fs/promises";
import { WASI } from "node:wasi";

const [file, ...args] = process.argv.slice(2);
if (!file) {
  console.error("usage: wasi-runner.mjs <file.wasm> [args...]");
  process.exit(2);
}
const wasi = new WASI({
  version: "preview1",
  args: [file, ...args],
  env: process.env,
  preopens: { "/": "/" },
  returnOnExit: true,
});
const module = await WebAssembly.compile(await readFile(file));
const instance = await WebAssembly.instantiate(module, wasi.getImportObject());
process.exit(wasi.start(instance) ?? 0);
