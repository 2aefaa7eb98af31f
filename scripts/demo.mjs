#!/usr/bin/env node
// npm run demo: start the built-in emulator and run aoai's main commands against it, so a new
// user sees what the tool does before pointing it at a real Azure resource.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { emulatorVariables } from './lib/emulator-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'aoai');
const home = mkdtempSync(join(tmpdir(), 'aoai-demo-'));

const emulator = spawn(process.execPath, [bin, 'emulate', '--quiet', '--queue-ms', '300', '--event-delay-ms', '5'], { stdio: ['ignore', 'pipe', 'inherit'] });
const vars = await emulatorVariables(emulator);

const env = {
  ...process.env,
  HOME: home,
  XDG_CONFIG_HOME: join(home, 'config'),
  XDG_CACHE_HOME: join(home, 'cache'),
  AZURE_OPENAI_ENDPOINT: vars.AZURE_OPENAI_ENDPOINT,
  AZURE_OPENAI_API_KEY: vars.AZURE_OPENAI_API_KEY,
};
delete env.OPENAI_API_VERSION;

const decorate = process.stdout.isTTY && !process.env.NO_COLOR;
const bold = (text) => (decorate ? `\x1b[1m${text}\x1b[0m` : text);
const dim = (text) => (decorate ? `\x1b[2m${text}\x1b[0m` : text);

function show(title, args, input) {
  process.stdout.write(`\n${bold(`$ aoai ${args.map((a) => (/\s/.test(a) ? `"${a}"` : a)).join(' ')}${input ? `   # stdin: ${JSON.stringify(input)}` : ''}`)}  — ${title}\n`);
  const result = spawnSync(process.execPath, [bin, ...args], { env, input, encoding: 'utf8' });
  process.stdout.write(result.stdout);
  if (result.stderr) process.stdout.write(dim(result.stderr));
  process.stdout.write(`${dim(`(exit ${result.status})`)}\n`);
  return result.stdout;
}

try {
  process.stdout.write(`aoai demo against the built-in emulator at ${vars.AZURE_OPENAI_ENDPOINT}\n`);
  show('print the output text', ['create', '-m', 'gpt-4.1-nano', 'This is a test']);
  const json = show('JSON for jq', ['create', '-m', 'gpt-4.1-nano', '--json'], 'Summarise this');
  const first = JSON.parse(json).id;
  show('chain a turn with --previous', ['create', '-m', 'gpt-4.1-nano', '--previous', first, 'And now this']);
  show('stream, with the reasoning summary on stderr', ['stream', '-m', 'o4-mini', '--reasoning-summary', 'concise', '--usage', 'Tell me about neural text degeneration']);
  const job = show('start a background job', ['create', '-m', 'o3', '--background', 'Write 60 words']).split(' ')[0];
  show('wait for it', ['get', job, '--wait', '--poll-interval', '0.2']);
  show('cancel is idempotent', ['cancel', job]);
  show('list its input items as NDJSON', ['items', job, '--all', '--jsonl']);
  show('delete both', ['delete', first, job]);
  show('a missing response is one clear line and exit 1', ['get', first]);
  process.stdout.write(
    `\nTry it yourself:  rm -f emu.env; ./bin/aoai emulate --quiet --write-env emu.env &  until [ -s emu.env ]; do sleep 0.1; done; . ./emu.env  and run ./bin/aoai create -m gpt-4.1 "hello".\n`,
  );
} finally {
  emulator.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
}
