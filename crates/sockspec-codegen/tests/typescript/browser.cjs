// Runs a generated TypeScript module (compiled to JavaScript) in headless Chromium
// (playwright-core driving the system's browser): the module is loaded as an inline module
// script, with a probe after it that parses frames through the fast path, the full path
// and the public parser and writes what it found on `window`. Input: the compiled module's
// path and a JSON file of frames `[{"from", "frame"}]`. Output: one JSON document,
// `[{"fast", "full", "api"}]` with each value as text; exit status 2 on a page error.
'use strict';
const fs = require('node:fs');
const { chromium } = require('playwright-core');

const PROBE = `
function canon(v) {
  if (v === undefined) return "undefined";
  if (typeof v === "bigint") return v + "n";
  if (typeof v === "number") return Object.is(v, -0) ? "-0" : String(v);
  if (v instanceof Uint8Array) return "bytes(" + Array.from(v).join(",") + ")";
  if (Array.isArray(v)) return "[" + v.map(canon).join(",") + "]";
  if (v !== null && typeof v === "object") return "{" + Object.keys(v).map((k) => JSON.stringify(k) + ":" + canon(v[k])).join(",") + "}";
  return JSON.stringify(v);
}
window.__results = window.__frames.map(({ from, frame }) => {
  const client = from === "client";
  return {
    fast: canon(client ? $parseClientMessageFast(frame) : $parseServerMessageFast(frame)),
    full: canon(client ? $parseClientMessageFull(frame) : $parseServerMessageFull(frame)),
    api: canon(client ? parseClientMessage(frame) : parseServerMessage(frame)),
  };
});
`;

async function main() {
  const module = fs.readFileSync(process.argv[2], 'utf8');
  const frames = JSON.parse(fs.readFileSync(process.argv[3], 'utf8'));
  const b = await chromium.launch({
    executablePath: process.env.SOCKSPEC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  const page = await b.newPage();
  const errors = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  await page.setContent('<!doctype html><title>sockspec module</title>');
  await page.evaluate((f) => { window.__frames = f; }, frames);
  await page.addScriptTag({ type: 'module', content: module + PROBE });
  await page.waitForFunction(() => window.__results !== undefined || false, null, { timeout: 20000 }).catch(() => {});
  const results = await page.evaluate(() => window.__results);
  await b.close();
  if (errors.length > 0 || results === undefined) {
    console.error(errors.join('\n') || 'the probe did not run');
    process.exit(2);
  }
  process.stdout.write(JSON.stringify(results));
}

main().catch((e) => { console.error(e); process.exit(2); });
