#!/usr/bin/env node
// Installs a packed aoai tarball the way a user does (`npm install -g`, here into an empty prefix,
// with --ignore-scripts) and runs it on the Node that runs this script: --version, --help, and one
// request against `aoai emulate` started from the installed copy. Called by .ci/run once per Node
// line; by hand: `npm pack && node scripts/smoke-installed.mjs aoai-0.1.0.tgz`.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorVariables } from './lib/emulator-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const tarball = process.argv[2] && resolve(process.argv[2]);
if (!tarball || !existsSync(tarball)) {
  process.stderr.write('usage: node scripts/smoke-installed.mjs PATH-TO-aoai-x.y.z.tgz\n');
  process.exit(2);
}
const { version } = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));

const work = mkdtempSync(join(tmpdir(), 'aoai-smoke-'));
const prefix = join(work, 'prefix');
const home = join(work, 'home');
// The installed bin/aoai starts with `#!/usr/bin/env node`: this script's Node must come first on PATH.
const env = { PATH: [dirname(process.execPath), process.env.PATH].join(delimiter), HOME: home, XDG_CONFIG_HOME: join(home, '.config'), XDG_CACHE_HOME: join(home, '.cache'), LANG: 'C.UTF-8' };
const aoai = join(prefix, 'bin', 'aoai');
let emulator;

try {
  const nodeOnPath = check('node', ['-p', 'process.version']).stdout.trim();
  if (nodeOnPath !== process.version) fail(`node on PATH is ${nodeOnPath}, expected ${process.version}`);

  // No build tools, no install scripts, nothing for a user to interpret: npm must print no warning.
  const install = check('npm', ['install', '--global', '--prefix', prefix, '--ignore-scripts', '--no-audit', '--no-fund', '--loglevel', 'warn', tarball], { HOME: process.env.HOME });
  const warnings = install.stderr.split('\n').filter((line) => /\bwarn|\bERR/i.test(line));
  if (warnings.length > 0) fail(`npm install printed warnings:\n${warnings.join('\n')}`);
  const installed = join(prefix, 'lib', 'node_modules', 'aoai');
  if (!existsSync(join(installed, 'dist', 'main.js'))) fail('the installed package has no dist/main.js (was it built before packing?)');
  if (existsSync(join(installed, 'node_modules'))) fail('the installed package pulled in dependencies; everything should be bundled in dist/');

  const printed = check(aoai, ['--version']).stdout.trim();
  if (printed !== version) fail(`aoai --version printed ${JSON.stringify(printed)}, expected ${version}`);
  const help = check(aoai, ['--help']).stdout;
  if (!help.startsWith('Usage: aoai') || !help.includes('emulate')) fail(`aoai --help printed an unexpected text:\n${help.slice(0, 400)}`);

  emulator = spawn(aoai, ['emulate', '--quiet'], { env, stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = await emulatorVariables(emulator, ['AZURE_OPENAI_ENDPOINT', 'AZURE_OPENAI_API_KEY']);
  const prompt = 'packed install works';
  const answer = check(aoai, ['create', '-m', 'gpt-4.1', prompt], { AZURE_OPENAI_ENDPOINT: vars.AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY: vars.AZURE_OPENAI_API_KEY }).stdout;
  if (!answer.includes(`Echo: ${prompt}`)) fail(`aoai create against the emulator printed ${JSON.stringify(answer)}`);
  process.stdout.write(`smoke test passed: aoai ${version} installed from ${tarball.split('/').at(-1)} on Node ${process.version} (--version, --help, emulate + create)\n`);
} catch (error) {
  process.stderr.write(`smoke test failed on Node ${process.version}: ${error.message}\n`);
  process.exitCode = 1;
} finally {
  emulator?.kill('SIGTERM');
  rmSync(work, { recursive: true, force: true });
}

function check(command, args, extraEnv = {}) {
  const result = spawnSync(command, args, { env: { ...env, ...extraEnv }, encoding: 'utf8', timeout: 120_000 });
  if (result.error) fail(`${command} ${args.join(' ')}: ${result.error.message}`);
  if (result.status !== 0) fail(`${command} ${args.join(' ')} exited ${result.status ?? result.signal}\n${result.stderr}`);
  return result;
}

function fail(message) {
  throw new Error(message);
}
