// The generated TypeScript validator against zod 4 schemas of the same messages, in one run
// (docs/performance.md). Run by `cargo bench -p sockspec-codegen --bench typescript_vs_zod`,
// which generates and compiles the dictation module and passes its path.
import { pathToFileURL } from "node:url";
import { z } from "zod";

const generated = await import(pathToFileURL(process.argv[2]).href);

const uuid = "0f8fad5b-d9cb-469f-a165-70867728950e";
const words = Array.from({ length: 20 }, (_, i) => ({ text: `word${i}`, start_ms: i * 300, end_ms: i * 300 + 250 }));
const frames = [
  { type: "final_result", session_id: uuid, text: words.map((w) => w.text).join(" "), words, latency_ms: 182, audio_ms: 6100, lang: "en", confidence: 0.93 },
  { type: "interim_text", session_id: uuid, seq: 17, text: "the quick brown fox jumps", stable: false },
  { type: "audio_level", session_id: uuid, rms_db: -31.5, clipping: false },
  { type: "session_started", session_id: uuid, started_at: "2025-01-14T09:30:00.250Z", model: "whisper-small.en", sample_rate_hz: 16000 },
  { type: "interim_state", session_id: uuid, state: "decoding" },
].map((f) => JSON.stringify(f));

// The same messages in zod, as a hand-written front end would declare them: the closest
// zod spelling of each rule (u32 as a bounded integer, u64 as a safe integer, f32 ranges).
const u32 = z.number().int().min(0).max(4294967295);
const Uuid = z.uuid();
const DateTime = z.iso.datetime({ offset: true });
const Word = z.object({ text: z.string().min(1), start_ms: u32, end_ms: u32 });
const ServerMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("final_result"), session_id: Uuid, text: z.string(), words: z.array(Word).default([]), latency_ms: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER), audio_ms: u32, lang: z.string().nullable().optional(), confidence: z.number().min(0).max(1) }),
  z.object({ type: z.literal("interim_text"), session_id: Uuid, seq: u32, text: z.string(), stable: z.boolean().default(false) }),
  z.object({ type: z.literal("audio_level"), session_id: Uuid, rms_db: z.number().min(-120).max(0), clipping: z.boolean().default(false) }),
  z.object({ type: z.literal("session_started"), session_id: Uuid, started_at: DateTime, model: z.string().regex(/^[a-z0-9][a-z0-9._-]*$/u), sample_rate_hz: u32.default(16000) }),
  z.object({ type: z.literal("interim_state"), session_id: Uuid, state: z.enum(["listening", "decoding", "finalizing"]) }),
]);

for (const f of frames) {
  const ours = generated.parseServerMessage(f);
  const theirs = ServerMessage.safeParse(JSON.parse(f));
  if (!ours.ok || !theirs.success) throw new Error(`a benchmark frame is invalid: ${f}`);
  // The fast path reads every one of them (else the row below would measure the full path).
  if (generated.$parseServerMessageFast(f) === undefined) throw new Error(`the fast path gives up on ${f}`);
}

/**
 * The other design for a fast path, at its cheapest: `JSON.parse` after one pass over the
 * text without allocations that could prove it faithful. This pass only tracks strings,
 * escapes, surrogate escapes and depth; the real one would also count members per object
 * (duplicates) and look at every number's spelling, and the schema's checks would come
 * after. So this row is an upper bound for that design.
 */
function scanThenParse(f) {
  let depth = 0;
  let max = 0;
  let lone = false;
  for (let i = 0; i < f.length; i++) {
    const c = f.charCodeAt(i);
    if (c === 0x22) {
      for (i++; i < f.length; i++) {
        const d = f.charCodeAt(i);
        if (d === 0x22) break;
        if (d === 0x5c) {
          if (f.charCodeAt(i + 1) === 0x75 && (f.charCodeAt(i + 2) | 0x20) === 0x64) lone = true;
          i++;
        }
      }
    } else if (c === 0x7b || c === 0x5b) {
      if (++depth > max) max = depth;
    } else if (c === 0x7d || c === 0x5d) depth--;
  }
  if (lone || max > 127) return false;
  return JSON.parse(f) !== null;
}

const ZOD = "zod 4: JSON.parse + safeParse";
const OURS = "sockspec generated: parseServerMessage";
const FULL = "sockspec full path alone (strict reader + checks)";
const candidates = {
  "JSON.parse alone (floor, no validation)": (f) => JSON.parse(f),
  "scan + JSON.parse (other design's bound)": scanThenParse,
  [ZOD]: (f) => ServerMessage.safeParse(JSON.parse(f)).success,
  [OURS]: (f) => generated.parseServerMessage(f).ok,
  // What parseServerMessage was before the fast path, and what it does when it gives up.
  [FULL]: (f) => generated.$parseServerMessageFull(f).ok,
};

/** Frames per second of `fn` over the batch in one round of about 200 ms. */
let sink = 0;
function round(fn) {
  let n = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0n;
  while (elapsed < 200_000_000n) {
    for (let i = 0; i < 100; i++) for (const f of frames) sink ^= fn(f) ? 1 : 0;
    n += 100 * frames.length;
    elapsed = process.hrtime.bigint() - start;
  }
  return (n * 1e9) / Number(elapsed);
}

// Rounds of the candidates interleaved (A B C A B C ...), so a busy moment of a shared
// machine slows all of them alike; each candidate's median round is reported, and the
// ratio is the median of the per-round ratios.
const names = Object.keys(candidates);
for (const name of names) round(candidates[name]); // warm-up: the JIT compiles the hot paths
const rates = Object.fromEntries(names.map((n) => [n, []]));
const ratios = [];
const fullRatios = [];
for (let r = 0; r < 15; r++) {
  for (const name of names) rates[name].push(round(candidates[name]));
  ratios.push(rates[OURS][r] / rates[ZOD][r]);
  fullRatios.push(rates[FULL][r] / rates[ZOD][r]);
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const bytes = frames.reduce((a, f) => a + f.length, 0) / frames.length;
console.log(`node ${process.version}, ${frames.length} server frames of the dictation protocol, ${bytes.toFixed(0)} bytes on average`);
for (const name of names) console.log(`${name.padEnd(52)} ${(median(rates[name]) / 1e6).toFixed(3)} M frames/s`);
console.log(`sockspec / zod (median of 15 interleaved rounds): ${median(ratios).toFixed(2)}x`);
console.log(`full path alone / zod (same rounds): ${median(fullRatios).toFixed(2)}x`);
if (sink === 42) console.log("");
