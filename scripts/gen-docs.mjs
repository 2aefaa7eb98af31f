#!/usr/bin/env node
// Regenerates docs/commands/*.md from the command definitions (src/cli/reference-docs.ts).
// `--check` exits 1 if the committed pages differ (the test suite runs the same comparison).
import { build } from 'esbuild';
import { mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync, existsSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outDir = join(root, 'docs', 'commands');
// Inside the repo so the bundle's external imports (commander, openai…) resolve from node_modules.
mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
const temp = mkdtempSync(join(root, 'node_modules', '.cache', 'aoai-docs-'));
await build({
  entryPoints: [join(root, 'src/cli/reference-docs.ts')],
  outfile: join(temp, 'reference-docs.mjs'),
  bundle: true,
  format: 'esm',
  platform: 'node',
  packages: 'external',
  logLevel: 'warning',
});
const { renderCommandDocs } = await import(pathToFileURL(join(temp, 'reference-docs.mjs')).href);
rmSync(temp, { recursive: true, force: true });
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
