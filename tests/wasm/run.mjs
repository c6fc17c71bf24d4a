// Runs a minimal verifier built from tests/wasm under Node: the Standard Webhooks example
// delivery verifies (v1; and v1a, the svix-webhooks example, for the v1a build), and the same
// delivery with one body byte changed, or a timestamp out of tolerance, does not.
//
//     node tests/wasm/run.mjs <file.wasm> [v1a]
//
// Exits 0 when every verdict is as expected.
import { readFileSync } from "node:fs";

const [file, scheme] = process.argv.slice(2);
const { instance } = await WebAssembly.instantiate(readFileSync(file), {});
const { memory, input, verify } = instance.exports;
const v1a = scheme === "v1a";

const SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw";
const WHPK = "whpk_1SiA4o9hyqTCpIqC5V9HUakiiaeACeqfZTInDBbOir4=";
const ID = "msg_p5jXN8AQM9LWM0D4loKWxJek";
const TS = "1614265330";
const BODY = '{"test": 2432232314}';
const V1 = "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=";
const V1A =
  "v1a,hnO3f9T8Ytu9HwrXslvumlUpqtNVqkhqw/enGzPCXe5BdqzCInXqYXFymVJaA7AZdpXwVLPo3mNl8EM+m7TBAg==";
const NOW = 1614265330n;

function call(signature, body, now) {
  const fields = v1a ? [SECRET, WHPK, ID, TS, signature, body] : [SECRET, ID, TS, signature, body];
  const bytes = fields.map((f) => new TextEncoder().encode(f));
  const view = new Uint8Array(memory.buffer, input(), bytes.reduce((n, b) => n + b.length, 0));
  let at = 0;
  for (const b of bytes) {
    view.set(b, at);
    at += b.length;
  }
  return verify(...bytes.map((b) => b.length), now);
}

const cases = [
  ["v1 example", V1, BODY, NOW, 0],
  ["v1 tampered body", V1, BODY.replace("2", "3"), NOW, 1],
  ["v1 too old", V1, BODY, NOW + 301n, 1],
];
if (v1a) {
  cases.push(["v1a example", V1A, BODY, NOW, 0], ["v1a tampered body", V1A, BODY + " ", NOW, 1]);
}
let failed = 0;
for (const [name, signature, body, now, expected] of cases) {
  const got = call(signature, body, now);
  if (got !== expected) {
    console.error(`FAILED ${name}: expected ${expected}, got ${got}`);
    failed += 1;
  }
}
console.log(`${file}: ${cases.length - failed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
