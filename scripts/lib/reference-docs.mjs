// Loads src/cli/reference-docs.ts (the command definitions, rendered as docs and help texts) for
// scripts that run on plain Node: bundled by esbuild with the packages left external.
import { build } from 'esbuild';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));

export async function loadReferenceDocs() {
  // Inside the repo so the bundle's external imports (commander, openai…) resolve from node_modules.
  mkdirSync(join(root, 'node_modules', '.cache'), { recursive: true });
  const temp = mkdtempSync(join(root, 'node_modules', '.cache', 'aoai-docs-'));
  try {
    await build({
      entryPoints: [join(root, 'src/cli/reference-docs.ts')],
      outfile: join(temp, 'reference-docs.mjs'),
      bundle: true,
      format: 'esm',
      platform: 'node',
      packages: 'external',
      logLevel: 'warning',
    });
    return await import(pathToFileURL(join(temp, 'reference-docs.mjs')).href);
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}
