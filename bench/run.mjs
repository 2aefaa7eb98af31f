#!/usr/bin/env node
// npm run bench: start-up on Node 20 and 24 (with NODE_EXTRA_CA_CERTS unset and set), the bundle
// size against its budget, one request and streaming, each aoai figure beside its baseline
// measured in the same run, as Markdown tables (medians of several runs).
// Never part of `npm test`: timings on a shared 2-core machine are not pass/fail material.
import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { nodeDirForLine } from '../scripts/node-line.mjs';
import { sizeTable } from './lib/size.mjs';
import { startupTable } from './lib/startup.mjs';
import { generateLog, readTimings, writeTimings } from './lib/log.mjs';
import { batchSection } from './lib/batch.mjs';
import { emulatorVariables } from '../scripts/lib/emulator-env.mjs';

const root = fileURLToPath(new URL('..', import.meta.url));
const bin = join(root, 'bin', 'aoai');
const node = process.execPath;
const quick = process.argv.includes('--quick');
const RUNS = quick ? 5 : 15;
const STREAM_RUNS = quick ? 2 : 5;
// Start-ups are short and the machine's other load swings them; more rounds steady the medians.
const STARTUP_RUNS = quick ? 9 : 31;
const only = process.argv.find((a) => a.startsWith('--only='))?.slice(7);
// Start-up is compared on these Node lines (`--lines=20,22,24` for all tested ones).
const startupLines = (process.argv.find((a) => a.startsWith('--lines='))?.slice(8) ?? '20,24').split(',');

// Build first, keeping esbuild's metafile (outside dist/) for the size table.
const metafilePath = join(mkdtempSync(join(tmpdir(), 'aoai-meta-')), 'metafile.json');
execFileSync(node, [join(root, 'scripts/build.mjs'), `--metafile=${metafilePath}`], { stdio: 'inherit' });
const metafile = JSON.parse(readFileSync(metafilePath, 'utf8'));

function run(command, args, { env = process.env, rssFile } = {}) {
  return new Promise((resolve, reject) => {
    const childEnv = rssFile ? { ...env, NODE_OPTIONS: `--require ${join(root, 'bench/lib/maxrss.cjs')}`, AOAI_BENCH_RSS_FILE: rssFile } : env;
    const started = process.hrtime.bigint();
    const child = spawn(command, args, { env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let bytes = 0;
    let stderr = '';
    child.stdout.on('data', (chunk) => (bytes += chunk.length));
    child.stderr.on('data', (chunk) => (stderr += chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      if (code !== 0) reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr.slice(0, 300)}`));
      else resolve({ ms, bytes });
    });
  });
}

async function sample(label, command, args, options = {}, runs = RUNS) {
  await run(command, args, options); // warm-up: file cache, compile cache
  const times = [];
  let bytes = 0;
  for (let i = 0; i < runs; i++) {
    const result = await run(command, args, options);
    times.push(result.ms);
    bytes = result.bytes;
  }
  times.sort((a, b) => a - b);
  return { label, median: times[Math.floor(times.length / 2)], min: times[0], max: times.at(-1), bytes };
}

async function peakRss(command, args, options = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-rss-'));
  const file = join(dir, 'rss');
  writeFileSync(file, '');
  await run(command, args, { ...options, rssFile: file });
  const values = readFileSync(file, 'utf8').trim().split('\n').map(Number);
  rmSync(dir, { recursive: true, force: true });
  return Math.max(...values) / 1024;
}

async function startEmulator() {
  const child = spawn(node, [bin, 'emulate', '--quiet', '--queue-ms', '0', '--event-delay-ms', '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const vars = await emulatorVariables(child);
  return { child, vars };
}

const fmt = (ms) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(1)} ms`);
const spread = (s) => `${fmt(s.median)} (${fmt(s.min)}–${fmt(s.max)})`;
const rows = [];
function compare(name, ours, base, budget) {
  const ratio = ours.median / base.median;
  rows.push(`| ${name} | ${spread(ours)} | ${base.label}: ${spread(base)} | ${ratio.toFixed(2)}× | ${budget ? `≤ ${budget}× ${ratio <= budget ? '✓' : '✗'}` : ''} |`);
}

const { child: emulator, vars } = await startEmulator();
const home = mkdtempSync(join(tmpdir(), 'aoai-bench-'));
const env = { ...process.env, HOME: home, XDG_CONFIG_HOME: join(home, 'c'), XDG_CACHE_HOME: join(home, 'k'), AZURE_OPENAI_ENDPOINT: vars.AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY: vars.AZURE_OPENAI_API_KEY };
const extra = [];
const cpu = cpus()[0]?.model ?? 'unknown CPU';
// Each section prints as soon as it is measured; the request rows form one table at the end.
const print = (lines) => process.stdout.write(`${lines.join('\n')}\n`);
print([`Machine: ${cpus().length} × ${cpu}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, Node ${process.version}, ${new Date().toISOString().slice(0, 10)}.`]);
try {
  if (!only || only === 'startup') {
    const nodes = Object.fromEntries(startupLines.map((line) => [`Node ${line}`, join(nodeDirForLine(line), 'node')]));
    print(['', '### Start-up', '', ...(await startupTable({ nodes, bin, env, runs: STARTUP_RUNS }))]);
  }
  if (!only || only === 'size') print(['', '### Bundle size', '', ...sizeTable({ root, env, metafile })]);
  if (!only || only === 'request') {
    const sdk = await sample('SDK script', node, [join(root, 'bench/lib/sdk-create.mjs'), 'hi'], { env });
    const ours = await sample('aoai create', bin, ['create', '-m', 'gpt-4.1', 'hi'], { env });
    compare('`aoai create "hi"` (one request)', ours, sdk, 1.2);
    const curl = await sample('curl', 'curl', ['-sS', '-X', 'POST', `${vars.AZURE_OPENAI_ENDPOINT}/openai/v1/responses`, '-H', `api-key: ${vars.AZURE_OPENAI_API_KEY}`, '-H', 'content-type: application/json', '-d', '{"model":"gpt-4.1","input":"hi"}'], { env });
    compare('`aoai create "hi"` vs curl', ours, curl);
  }
  if (!only || only === 'proxy') {
    // The same request through a recording forward proxy on loopback (absolute-form http); the
    // direct run loads no proxy code at all (test/e2e/proxy.test.ts removes the chunk to prove it).
    const { startForwardProxy } = await import('../test/helpers/forward-proxy.mjs');
    const proxy = await startForwardProxy();
    try {
      // Alternating runs, so load from elsewhere on the machine falls on both sides alike.
      const args = ['create', '-m', 'gpt-4.1', 'hi'];
      const proxyEnv = { ...env, HTTP_PROXY: proxy.url };
      await run(bin, args, { env });
      await run(bin, args, { env: proxyEnv });
      const times = { direct: [], proxied: [] };
      for (let i = 0; i < RUNS; i++) {
        times.direct.push((await run(bin, args, { env })).ms);
        times.proxied.push((await run(bin, args, { env: proxyEnv })).ms);
      }
      const summary = (label, list) => {
        const sorted = [...list].sort((a, b) => a - b);
        return { label, median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
      };
      const direct = summary('same request direct', times.direct);
      const proxied = summary('through proxy', times.proxied);
      compare('`aoai create "hi"` through a loopback proxy', proxied, direct, 1.1);
      extra.push(`- Proxy saw ${proxy.log.length} requests (warm-up included).`);
    } finally {
      await proxy.close();
    }
  }
  if (!only || only === 'entra') {
    // Entra through the emulator's managed-identity endpoint; the warm-up run fills the token cache,
    // so the measured runs are what every later invocation pays.
    const entraEnv = { ...env, IDENTITY_ENDPOINT: vars.IDENTITY_ENDPOINT, IDENTITY_HEADER: vars.IDENTITY_HEADER };
    delete entraEnv.AZURE_OPENAI_API_KEY;
    const key = await sample('key', bin, ['create', '-m', 'gpt-4.1', 'hi'], { env });
    const entra = await sample('entra', bin, ['create', '--credential', 'managed-identity', '-m', 'gpt-4.1', 'hi'], { env: entraEnv });
    compare('Entra request with a cached token', entra, { ...key, label: 'same request with a key' }, 1.1);
  }
  if (!only || only === 'stream') {
    const prompt = 'Write 100000 words';
    const sdk = await sample('SDK for-await loop', node, [join(root, 'bench/lib/sdk-stream.mjs'), prompt], { env }, STREAM_RUNS);
    const ours = await sample('aoai stream', bin, ['stream', '-m', 'gpt-4.1', prompt], { env }, STREAM_RUNS);
    compare('`aoai stream` 100,000 deltas to a pipe', ours, sdk, 1.1);
    // The same stream to a pseudo-terminal (util-linux `script`), where remote text is neutralised
    // before it reaches the screen; the baseline is the SDK loop under the same pty.
    const inPty = (argv) => ['-qec', argv.map((a) => `'${a.replaceAll("'", "'\\''")}'`).join(' '), '/dev/null'];
    const sdkPty = await sample('SDK loop in a pty', 'script', inPty([node, join(root, 'bench/lib/sdk-stream.mjs'), prompt]), { env }, STREAM_RUNS);
    const oursPty = await sample('aoai stream in a pty', 'script', inPty([bin, 'stream', '-m', 'gpt-4.1', prompt]), { env }, STREAM_RUNS);
    compare('`aoai stream` 100,000 deltas to a pseudo-terminal', oursPty, sdkPty, 1.1);
    // 100,000 words arrive as about 110,000 delta events (full stops and paragraph breaks are deltas too).
    const words = 100_000;
    extra.push(`- Streaming throughput: aoai ${Math.round(words / (ours.median / 1000)).toLocaleString('en')} words/s, SDK loop ${Math.round(words / (sdk.median / 1000)).toLocaleString('en')} words/s (about 1.1 delta events per word).`);
    for (const [size, words] of [['100,000 deltas', 100_000], ['5 MB', 800_000], ['50 MB', 8_000_000]]) {
      const p = `Write ${words} words`;
      const sdkRss = await peakRss(node, [join(root, 'bench/lib/sdk-stream.mjs'), p], { env });
      const ourRss = await peakRss(bin, ['stream', '-m', 'gpt-4.1', p], { env });
      extra.push(`- Peak RSS, ${size} of output: aoai ${ourRss.toFixed(1)} MB, SDK loop ${sdkRss.toFixed(1)} MB (difference ${(ourRss - sdkRss).toFixed(1)} MB; budget ≤ 30 MB ${ourRss - sdkRss <= 30 ? '✓' : '✗'}).`);
    }
  }
  if (!only || only === 'image') {
    // A 1160×1160 lossless WebP from the emulator is 4.0 MB.
    const out = join(home, 'bench.webp');
    const args = ['image', '-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1', '--format', 'webp', '--size', '1160x1160', '-o', out, '--force', '--no-preview', 'a big picture'];
    const sdkArgs = [join(root, 'bench/lib/sdk-image.mjs'), 'a big picture', '1160x1160', join(home, 'sdk.webp')];
    const sdk = await sample('SDK script + writeFileSync', node, sdkArgs, { env }, STREAM_RUNS);
    const ours = await sample('aoai image', bin, args, { env }, STREAM_RUNS);
    compare('`aoai image` saving a 4 MB image (atomic write)', ours, sdk);
    const ourRss = await peakRss(bin, args, { env });
    const sdkRss = await peakRss(node, sdkArgs, { env });
    extra.push(`- Peak RSS saving a 4 MB image: aoai ${ourRss.toFixed(1)} MB, SDK script ${sdkRss.toFixed(1)} MB. Both times include the emulator drawing and encoding the picture.`);
  }
  if (!only || only === 'log') {
    // Writing the record: in-process in real commands, then whole commands with and without it,
    // interleaved so load on the machine falls on both alike.
    const write = writeTimings(bin, env, RUNS * 2);
    extra.push(`- Log record write, in-process in \`aoai create\` (record built, mode looked up, one append; as \`--debug\` reports it): median ${write.median.toFixed(2)} ms, max ${write.max.toFixed(2)} ms over ${RUNS * 2} commands (budget ≤ 2 ms ${write.median <= 2 ? '✓' : '✗'}).`);
    const args = ['create', '-m', 'gpt-4.1', 'hi'];
    await run(bin, args, { env });
    await run(bin, [...args, '--no-log'], { env });
    const times = { logged: [], unlogged: [] };
    for (let i = 0; i < RUNS * 2; i++) {
      times.logged.push((await run(bin, args, { env })).ms);
      times.unlogged.push((await run(bin, [...args, '--no-log'], { env })).ms);
    }
    const summary = (label, list) => {
      const sorted = [...list].sort((a, b) => a - b);
      return { label, median: sorted[Math.floor(sorted.length / 2)], min: sorted[0], max: sorted.at(-1) };
    };
    const logged = summary('aoai create', times.logged);
    const unlogged = summary('same with --no-log', times.unlogged);
    compare('`aoai create "hi"` writing its log record', logged, unlogged);
    extra.push(`- Log record, end to end: \`aoai create\` median ${fmt(logged.median)} with the record, ${fmt(unlogged.median)} with --no-log (difference ${(logged.median - unlogged.median).toFixed(1)} ms; process start-up noise on this machine is larger than the budget, the in-process figure above is the one judged).`);
    // aoai log -n 20 on 100,000 records: read backwards from the end, so it costs what start-up costs.
    const stateDir = join(home, 'log-state');
    const bytes = generateLog(stateDir, 100_000);
    const logEnv = { ...env, AOAI_STATE_DIR: stateDir };
    const noCa = { ...logEnv };
    delete noCa.NODE_EXTRA_CA_CERTS;
    const base = await sample('`aoai config path` (start-up, no log read)', bin, ['config', 'path'], { env: noCa });
    const list = await sample('aoai log -n 20', bin, ['log', '-n', '20'], { env: noCa });
    compare(`\`aoai log -n 20\` on 100,000 records (${(bytes / 2 ** 20).toFixed(0)} MB), NODE_EXTRA_CA_CERTS unset`, list, base);
    const listCa = await sample('aoai log -n 20', bin, ['log', '-n', '20'], { env: logEnv });
    const filtered = await sample('aoai log -n 20 --model o4-mini -q meeting', bin, ['log', '-n', '20', '--model', 'o4-mini', '-q', 'meeting'], { env: noCa });
    const scan = await sample('aoai log -q (no match: reads all)', bin, ['log', '-q', 'no such words'], { env: noCa });
    const node0 = await sample('node -e 0', node, ['-e', '0'], { env: noCa });
    const reading = readTimings(bin, noCa, ['-n', '20'], RUNS);
    extra.push(`- Of that, reading the 20 records (in-process, as \`aoai log -n 20 --debug\` reports it): median ${reading.toFixed(2)} ms; \`node -e 0\` ${spread(node0)} in the same conditions. The rest is start-up, which the log's size does not change.`);
    extra.push(`- \`aoai log -n 20\` on 100,000 records: ${spread(list)} with NODE_EXTRA_CA_CERTS unset, ${spread(listCa)} with the environment's value (budget ≤ 150 ms ${list.median <= 150 ? '✓' : '✗'}); with --model and -q filters ${spread(filtered)}; a search that matches nothing reads all ${(bytes / 2 ** 20).toFixed(0)} MB in ${spread(scan)}.`);
  }
  if (!only || only === 'batch' || only.startsWith('batch-')) {
    // --only=batch-limit, batch-rate or batch-rss runs one part.
    const parts = only?.startsWith('batch-') ? [only.slice(6)] : undefined;
    const caCerts = process.env.NODE_EXTRA_CA_CERTS ? 'set' : 'unset';
    print(['', '### Batch (aoai batch run)', '', `Node ${process.version}, NODE_EXTRA_CA_CERTS ${caCerts}.`, '']);
    await batchSection({ node, bin, home, env, run, peakRss, print, parts });
  }
} finally {
  emulator.kill('SIGTERM');
  rmSync(home, { recursive: true, force: true });
  rmSync(join(metafilePath, '..'), { recursive: true, force: true });
}

const caCerts = process.env.NODE_EXTRA_CA_CERTS ? `set (${process.env.NODE_EXTRA_CA_CERTS})` : 'unset';
process.stdout.write(
  [
    ...(rows.length
      ? [
          '',
          '### Requests and streaming',
          '',
          `Node ${process.version}, NODE_EXTRA_CA_CERTS ${caCerts} for aoai and baseline alike; median of ${RUNS} runs (streams: ${STREAM_RUNS}), min–max in brackets.`,
          '',
          '| measure | aoai | baseline | ratio | budget |',
          '|---|---|---|---|---|',
          ...rows,
        ]
      : []),
    ...(extra.length ? ['', ...extra] : []),
    '',
  ].join('\n'),
);
