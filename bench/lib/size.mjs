// Bundle size: dist/ in total, the files `aoai --version` and `aoai --help` actually load (recorded
// by a module-load hook, so it is what Node reads, not what the import graph suggests), and the
// largest chunks with the packages that fill them (from esbuild's metafile).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';

export const DIST_BUDGET = 2_000_000;
export const HELP_CHUNKS_BUDGET = 150_000;

const kb = (bytes) => `${(bytes / 1000).toFixed(1)} KB`;
const mb = (bytes) => `${(bytes / 1e6).toFixed(2)} MB`;

function filesUnder(dir) {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => (entry.isDirectory() ? filesUnder(join(dir, entry.name)) : [join(dir, entry.name)]));
}

/** The dist/ files one invocation of `script` (bin/aoai unless said) loads, in load order. */
export function loadedDistFiles(root, args, env, script = 'bin/aoai') {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-loads-'));
  const list = join(dir, 'loads');
  try {
    const result = spawnSync(process.execPath, ['--require', join(root, 'bench/lib/record-loads.cjs'), join(root, script), ...args], {
      env: { ...env, AOAI_BENCH_LOADS_FILE: list },
      encoding: 'utf8',
    });
    if (result.status !== 0) throw new Error(`aoai ${args.join(' ')} exited ${result.status}: ${result.stderr}`);
    const dist = join(root, 'dist');
    return [...new Set(readFileSync(list, 'utf8').trim().split('\n'))].filter((file) => file.startsWith(`${dist}/`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Which packages (or src/) fill an output chunk, largest first. */
function contents(metafile, root, file) {
  const output = metafile.outputs[relative(root, file)];
  if (!output) return '';
  const byOwner = new Map();
  for (const [input, { bytesInOutput }] of Object.entries(output.inputs)) {
    const owner = input.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? 'src';
    byOwner.set(owner, (byOwner.get(owner) ?? 0) + bytesInOutput);
  }
  return [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, 3).map(([owner, bytes]) => `${owner} ${kb(bytes)}`).join(', ');
}

export function sizeTable({ root, env, metafile }) {
  const dist = join(root, 'dist');
  const files = filesUnder(dist).map((file) => ({ file, bytes: statSync(file).size }));
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  const sizeOf = new Map(files.map((f) => [f.file, f.bytes]));
  const loaded = (args, script) => {
    const list = loadedDistFiles(root, args, env, script);
    return { count: list.length, bytes: list.reduce((sum, file) => sum + (sizeOf.get(file) ?? 0), 0) };
  };
  const version = loaded(['--version']);
  const help = loaded(['--help']);
  // What the CLI itself loads to print help (a terminal width with no prebuilt text), and for a
  // command that needs no network: the floor every real command starts from.
  const cliHelp = loaded(['--help'], 'dist/main.js');
  const configPath = loaded(['config', 'path']);
  const check = (bytes, budget) => (bytes <= budget ? '✓' : '✗');
  const lines = [
    '| bundle | size | files | budget |',
    '|---|---|---|---|',
    `| \`dist/\` in total | ${mb(total)} | ${files.length} | ≤ ${mb(DIST_BUDGET)} ${check(total, DIST_BUDGET)} |`,
    `| loaded by \`aoai --help\` | ${kb(help.bytes)} | ${help.count} | ≤ ${kb(HELP_CHUNKS_BUDGET)} ${check(help.bytes, HELP_CHUNKS_BUDGET)} |`,
    `| loaded by \`aoai --version\` | ${kb(version.bytes)} | ${version.count} | |`,
    `| loaded by the CLI for \`--help\` (a width with no prebuilt text) | ${kb(cliHelp.bytes)} | ${cliHelp.count} | |`,
    `| loaded by \`aoai config path\` | ${kb(configPath.bytes)} | ${configPath.count} | |`,
    '',
    'Largest files in `dist/`:',
    '',
    '| file | size | mostly |',
    '|---|---|---|',
    ...files
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 6)
      .map(({ file, bytes }) => `| ${relative(dist, file)} | ${kb(bytes)} | ${metafile ? contents(metafile, root, file) : ''} |`),
  ];
  return lines;
}
