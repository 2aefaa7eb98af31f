#!/usr/bin/env node
// Regenerates docs/commands/*.md from the command definitions (src/cli/reference-docs.ts).
// `--check` exits 1 if the committed pages differ (the test suite runs the same comparison).
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadReferenceDocs } from './lib/reference-docs.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'docs', 'commands');
const { renderCommandDocs } = await loadReferenceDocs();
const pages = renderCommandDocs();

if (process.argv.includes('--check')) {
  const stale = [];
  for (const [file, text] of pages) {
    const path = join(outDir, file);
    if (!existsSync(path) || readFileSync(path, 'utf8') !== text) stale.push(file);
  }
  for (const file of existsSync(outDir) ? readdirSync(outDir) : []) if (!pages.has(file)) stale.push(`${file} (no such command)`);
  if (stale.length) {
    console.error(`docs/commands is out of date (${stale.join(', ')}); run: npm run docs`);
    process.exit(1);
  }
  console.log(`docs/commands: ${pages.size} pages up to date`);
} else {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  for (const [file, text] of pages) writeFileSync(join(outDir, file), text);
  console.log(`docs/commands: wrote ${pages.size} pages`);
}
