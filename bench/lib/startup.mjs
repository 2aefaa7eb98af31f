// Start-up: `aoai --version` and `aoai --help` against bare `node -e 0`, on each Node line, with
// NODE_EXTRA_CA_CERTS unset and set. Node reads that bundle on every start (~25 ms here), which
// shrinks every ratio, so the budgets are judged with it unset. The three commands run interleaved,
// round by round, in the same environment, so load on the machine hits them alike.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';

export const VERSION_BUDGET = 1.3;
export const HELP_BUDGET = 1.8;
const SYSTEM_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

function time(node, args, env) {
  return new Promise((resolve, reject) => {
    const started = process.hrtime.bigint();
    const child = spawn(node, args, { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) reject(new Error(`${node} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve(Number(process.hrtime.bigint() - started) / 1e6);
    });
  });
}

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Medians (ms) of `node -e 0`, `aoai --version` and `aoai --help`, measured in interleaved rounds. */
async function measure(node, bin, env, runs) {
  const commands = { bare: ['-e', '0'], version: [bin, '--version'], help: [bin, '--help'] };
  const names = Object.keys(commands);
  const times = Object.fromEntries(names.map((name) => [name, []]));
  for (const name of names) await time(node, commands[name], env); // warm-up: file cache, compile cache
  for (let round = 0; round < runs; round++) {
    // Rotate the order so no command always runs right after another one.
    for (let i = 0; i < names.length; i++) {
      const name = names[(round + i) % names.length];
      times[name].push(await time(node, commands[name], env));
    }
  }
  return Object.fromEntries(names.map((name) => [name, { median: median(times[name]) }]));
}

/**
 * Runs the start-up comparison and returns Markdown lines. `nodes` maps a label ("Node 20") to a
 * node binary; `env` is the environment every command gets (HOME etc. already isolated).
 */
export async function startupTable({ nodes, bin, env, runs }) {
  const fromEnvironment = process.env.NODE_EXTRA_CA_CERTS;
  const bundle = fromEnvironment ?? (existsSync(SYSTEM_BUNDLE) ? SYSTEM_BUNDLE : undefined);
  const settings = [['unset', undefined]];
  if (bundle) settings.push([`set (${bundle})`, bundle]);
  const fmt = (ms) => `${ms.toFixed(1)} ms`;
  const verdict = (ours, bare, budget, judged) => {
    const ratio = ours.median / bare.median;
    return `${ratio.toFixed(2)}×${judged ? (ratio <= budget ? ' ✓' : ' ✗') : ''}`;
  };
  const lines = [
    `NODE_EXTRA_CA_CERTS in the environment bench ran from: ${fromEnvironment ? `set (${fromEnvironment})` : 'unset'}. Budgets (judged with it unset): \`--version\` ≤ ${VERSION_BUDGET}×, \`--help\` ≤ ${HELP_BUDGET}× \`node -e 0\`. Medians of ${runs} interleaved rounds.`,
    '',
    '| Node | NODE_EXTRA_CA_CERTS | `node -e 0` | `aoai --version` | ratio | `aoai --help` | ratio |',
    '|---|---|---|---|---|---|---|',
  ];
  for (const [label, node] of Object.entries(nodes)) {
    for (const [setting, value] of settings) {
      const runEnv = { ...env };
      if (value === undefined) delete runEnv.NODE_EXTRA_CA_CERTS;
      else runEnv.NODE_EXTRA_CA_CERTS = value;
      const m = await measure(node, bin, runEnv, runs);
      const judged = value === undefined;
      lines.push(
        `| ${label} | ${setting} | ${fmt(m.bare.median)} | ${fmt(m.version.median)} | ${verdict(m.version, m.bare, VERSION_BUDGET, judged)} | ${fmt(m.help.median)} | ${verdict(m.help, m.bare, HELP_BUDGET, judged)} |`,
      );
    }
  }
  return lines;
}
