// Parses each AsyncAPI document named on the command line with the official parser
// (@asyncapi/parser, from the checkout's node_modules/) and prints one JSON line per file:
// {"file", "errors": [...], "warnings": [...]}. Exit status 1 when any file has an error.
'use strict';
const fs = require('node:fs');
const { Parser } = require('@asyncapi/parser');

async function main() {
  const parser = new Parser();
  let failed = false;
  for (const file of process.argv.slice(2)) {
    const { document, diagnostics } = await parser.parse(fs.readFileSync(file, 'utf8'));
    const shown = (d) => `${d.code} at ${JSON.stringify(d.path)}: ${d.message}`;
    const errors = diagnostics.filter((d) => d.severity === 0).map(shown);
    const warnings = diagnostics.filter((d) => d.severity === 1).map(shown);
    if (!document && errors.length === 0) errors.push('the parser returned no document');
    if (errors.length > 0) failed = true;
    console.log(JSON.stringify({ file, errors, warnings }));
  }
  process.exit(failed ? 1 : 0);
}

main().catch((e) => {
  console.error(e);
  process.exit(2);
});
