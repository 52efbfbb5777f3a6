// Parses each file given with Mermaid's own parser (mermaid.parse) and
// prints every error. Mermaid and jsdom are installed by .ci/run into the
// directory SCHEMAC_MERMAID_DIR (npm install --prefix DIR), not into git.
import { createRequire } from 'node:module';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const dir = process.env.SCHEMAC_MERMAID_DIR;
const require = createRequire(join(dir, 'package.json'));
const load = (name) => import(pathToFileURL(require.resolve(name)).href);
const { JSDOM } = await load('jsdom');
// Mermaid sanitises text with DOMPurify, which needs a DOM.
const dom = new JSDOM('<!doctype html><html><body></body></html>');
globalThis.window = dom.window;
globalThis.document = dom.window.document;
const { default: mermaid } = await load('mermaid');
let failed = 0;
for (const file of process.argv.slice(2)) {
  try {
    await mermaid.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    failed++;
    console.log(`${file}: ${e.message ?? e}`);
  }
}
process.exit(failed ? 1 : 0);
