#!/usr/bin/env node
// Bundles src/ into dist/ as ESM chunks that run on Node 20.19+.
// Why a bundle: the dependencies' own files cost more to resolve and load than to parse, so one
// bundle starts faster; why chunks: every `await import()` in src/ stays a separate file, so
// `aoai --version` and `--help` never load openai, @azure/identity, ora or inquirer.
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const pkg = JSON.parse(readFileSync(`${root}/package.json`, 'utf8'));

rmSync(`${root}/dist`, { recursive: true, force: true });
const result = await build({
  entryPoints: { main: `${root}/src/main.ts` },
  outdir: `${root}/dist`,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20.19',
  chunkNames: 'chunks/[name]-[hash]',
  minifySyntax: true,
  minifyWhitespace: true,
  keepNames: false,
  legalComments: 'none',
  sourcemap: false,
  metafile: true,
  logLevel: 'warning',
  define: { AOAI_VERSION: JSON.stringify(pkg.version) },
  // Some CommonJS dependencies call require() for Node built-ins; ESM output has no require.
  banner: {
    js: "import { createRequire as __aoaiCreateRequire } from 'node:module'; const require = __aoaiCreateRequire(import.meta.url);",
  },
});
if (process.argv.includes('--analyze')) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
