// Benchmark: the generated TypeScript serialiser on values of untagged unions, with and
// without constraints (conformance/unions.sockspec's `Holder`), one module per run:
//
//   cargo run -p sockspec-cli -- gen conformance/unions.sockspec --target typescript --out target/bench-unions-ts
//   echo '{"type": "module"}' > target/bench-unions-ts/package.json
//   node_modules/.bin/tsc target/bench-unions-ts/unions.ts --ignoreConfig --noCheck --target es2020 --module es2020 --outDir target/bench-unions-ts
//   node crates/sockspec-codegen/benches/untagged_writers.mjs target/bench-unions-ts/unions.js
//
// Method: `serializeServerMessage` on one `Holder` per case, 200,000 calls, best of 7
// rounds (the cases interleaved), per call in nanoseconds. The empty `Holder` is the
// baseline of the same run. To compare two generators, run it on each module in turn, each
// in its own process. Numbers go to docs/performance.md.
import { pathToFileURL } from "node:url";
import { resolve } from "node:path";

const m = await import(pathToFileURL(resolve(process.argv[2] ?? "target/bench-unions-ts/unions.js")).href);
const cases = {
  "empty Holder (no union; baseline)": {},
  "code: string | i64 (no constraint)": { code: "abc" },
  "widths: [u8 | (u32 @as(string))] ordered, 4 items (no constraint)": { widths: [200, 300, 7, 70000] },
  "shape: Circle | Point | string ordered, a Circle (r @range)": { shape: { x: 1, y: 2, r: 3 } },
  "level: (i64 @range(0..=10)) | (i64 @as(string)) ordered, 5": { level: 5n },
  "level: the same, 20 (the second variant)": { level: 20n },
  'short_code: (string @len(2..)) | i64, "ab"': { short_code: "ab" },
};
const N = 200000;
function time(frame) {
  const message = { name: "Holder", frame: { type: "holder", ...frame } };
  const start = process.hrtime.bigint();
  let n = 0;
  for (let i = 0; i < N; i++) n += m.serializeServerMessage(message).length;
  if (n === 0) throw new Error("nothing written");
  return Number(process.hrtime.bigint() - start) / N;
}
const best = {};
for (let round = 0; round < 7; round++) {
  for (const [name, frame] of Object.entries(cases)) best[name] = Math.min(best[name] ?? Infinity, time(frame));
}
for (const [name, frame] of Object.entries(cases)) {
  const text = m.serializeServerMessage({ name: "Holder", frame: { type: "holder", ...frame } });
  console.log(`| ${name} | ${best[name].toFixed(0)} ns | \`${text}\` |`);
}
