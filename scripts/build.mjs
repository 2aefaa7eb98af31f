#!/usr/bin/env node
// Bundles src/ into dist/ as ESM chunks that run on Node 20.19+, plus dist/quick.cjs and the help
// texts it prints (dist/help/) so `aoai --version` and `--help` answer without loading the CLI.
// Why a bundle: the dependencies' own files cost more to resolve and load than to parse, so one
// bundle starts faster; why chunks: every `await import()` in src/ stays a separate file, so a
// command loads openai, @azure/identity, ora or inquirer only when it uses them.
import { build } from 'esbuild';
import { createRequire } from 'node:module';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { loadReferenceDocs } from './lib/reference-docs.mjs';

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
  // Short local names keep dist/ inside its 2 MB budget (2.47 MB → 1.80 MB); keepNames keeps
  // class and function names, which @azure/identity's messages and our error names rely on.
  minifyIdentifiers: true,
  keepNames: true,
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
// dist/quick.cjs answers --version and --help for bin/aoai before the CLI loads (src/quick-answers.ts):
// CommonJS, node built-ins only, so a CommonJS bin/aoai can require it without the ES module loader.
await build({
  entryPoints: [`${root}/src/quick-answers.ts`],
  outfile: `${root}/dist/quick.cjs`,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20.19',
  minifySyntax: true,
  minifyWhitespace: true,
  minifyIdentifiers: true,
  legalComments: 'none',
  logLevel: 'warning',
  define: { AOAI_VERSION: JSON.stringify(pkg.version) },
});
// Every command's help text for the widths most runs see: 80 (a pipe, or an 80-column terminal)
// and 100 (help is capped there). Other widths are rare enough for the CLI to format them itself.
const { helpTexts } = await loadReferenceDocs();
const { helpTable } = createRequire(import.meta.url)(`${root}/dist/quick.cjs`);
mkdirSync(`${root}/dist/help`);
for (const columns of [80, 100]) writeFileSync(`${root}/dist/help/${columns}.json`, JSON.stringify(helpTable(helpTexts(columns))));

// The bench reads the metafile to say which packages fill each chunk; it stays out of dist/.
const metafileArg = process.argv.find((arg) => arg.startsWith('--metafile='));
if (metafileArg) writeFileSync(metafileArg.slice('--metafile='.length), JSON.stringify(result.metafile));
if (process.argv.includes('--analyze')) {
  const { analyzeMetafile } = await import('esbuild');
  console.log(await analyzeMetafile(result.metafile));
}
