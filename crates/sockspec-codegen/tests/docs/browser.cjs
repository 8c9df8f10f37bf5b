// Renders reference pages in headless Chromium (playwright-core driving the system's
// browser) and checks each: no console error or page error, no network request, every
// message shown, the search box filtering, every in-page link leading somewhere.
// Input: a JSON file [{"file", "messages": [names], "screenshot"?: path,
// "scroll"?: selector, "dark"?: bool}]. Output: one JSON line per page; exit status 1
// when any page fails.
'use strict';
const fs = require('node:fs');
const path = require('node:path');
const { chromium } = require('playwright-core');

async function check(browser, page_spec) {
  const problems = [];
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, colorScheme: page_spec.dark ? 'dark' : 'light' });
  const page = await context.newPage();
  const errors = [];
  page.on('console', (m) => { if (m.type() === 'error') errors.push(m.text()); });
  page.on('pageerror', (e) => errors.push(String(e)));
  // A self-contained page asks for nothing: any request but the page itself is a problem.
  page.on('request', (r) => { if (!r.url().startsWith('file:')) problems.push(`network request: ${r.url()}`); });
  await page.goto('file://' + path.resolve(page_spec.file));
  for (const name of page_spec.messages) {
    const visible = await page.isVisible(`article[id="message-${name}"]`);
    if (!visible) problems.push(`message ${name} is not shown`);
  }
  // Every link inside the page leads somewhere.
  const dangling = await page.evaluate(() => Array.from(document.querySelectorAll('a[href^="#"]'))
    .map((a) => decodeURIComponent(a.getAttribute('href').slice(1)))
    .filter((id) => !document.getElementById(id)));
  for (const id of new Set(dangling)) problems.push(`link to #${id}, which is not on the page`);
  const all = page_spec.messages.length;
  if (all > 1) {
    const target = page_spec.messages[all - 1];
    await page.fill('#search', target.toLowerCase());
    for (const name of page_spec.messages) {
      const visible = await page.isVisible(`article[id="message-${name}"]`);
      const text = await page.getAttribute(`article[id="message-${name}"]`, 'data-search');
      const should = text.includes(target.toLowerCase());
      if (visible !== should) problems.push(`search "${target}": ${name} ${visible ? 'shown' : 'hidden'}`);
    }
    await page.fill('#search', 'zzz-no-such-thing-zzz');
    if (!(await page.isVisible('#no-match'))) problems.push('search with no match: no "Nothing matches"');
    await page.fill('#search', '');
    for (const name of page_spec.messages) {
      if (!(await page.isVisible(`article[id="message-${name}"]`))) problems.push(`cleared search: ${name} hidden`);
    }
  }
  if (page_spec.screenshot) {
    if (page_spec.scroll) await page.locator(page_spec.scroll).scrollIntoViewIfNeeded();
    if (page_spec.scroll) await page.evaluate((sel) => document.querySelector(sel).scrollIntoView(), page_spec.scroll);
    await page.screenshot({ path: page_spec.screenshot, fullPage: false });
  }
  await context.close();
  problems.push(...errors.map((e) => `console: ${e}`));
  return problems;
}

async function main() {
  const pages = JSON.parse(fs.readFileSync(process.argv[2], 'utf8'));
  // playwright gives the browser a fresh profile of its own (the --user-data-dir of
  // DEPENDENCIES.md's flags), removed when it closes.
  const b = await chromium.launch({
    executablePath: process.env.SOCKSPEC_CHROMIUM || '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync'],
  });
  let failed = false;
  for (const spec of pages) {
    const problems = await check(b, spec);
    if (problems.length > 0) failed = true;
    console.log(JSON.stringify({ file: spec.file, problems }));
  }
  await b.close();
  process.exit(failed ? 1 : 0);
}

main().catch((e) => { console.error(e); process.exit(2); });
