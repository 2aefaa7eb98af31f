// npm run bench -- --only=batch: `aoai batch run` against emulators in their own processes.
//  - 10,000 requests under a simulated 6,000 RPM / 1,000,000 TPM: the rate achieved against the
//    binding limit, the share answered 429 (counted by the emulator), lost and duplicated results.
//  - No limit: requests per second beside a minimal openai SDK script with 50 in flight.
//  - Peak RSS at 10,000 and 100,000 lines of ~2 KB (the larger file is ~200 MB): memory must stay
//    flat in the number of lines, so the input is streamed, never loaded whole.
import { spawn } from 'node:child_process';
import { createWriteStream, readFileSync, rmSync } from 'node:fs';
import { once } from 'node:events';
import { join } from 'node:path';
import { emulatorVariables } from '../../scripts/lib/emulator-env.mjs';

const LIMITED_REQUESTS = 10_000;
const RPM = 6000;
const TPM = 1_000_000;
const UNLIMITED_REQUESTS = 5000;

async function writeRequests(path, count, { model, padding = 0, maxOutputTokens = 16 }) {
  const out = createWriteStream(path);
  const pad = padding ? ` ${'x'.repeat(padding)}` : '';
  for (let i = 1; i <= count; i++) {
    const line = JSON.stringify({ custom_id: `q${i}`, method: 'POST', url: '/v1/responses', body: { model, input: `Echo: question ${i}${pad}`, max_output_tokens: maxOutputTokens } });
    if (!out.write(`${line}\n`)) await once(out, 'drain');
  }
  out.end();
  await once(out, 'close');
}

/** An emulator in its own process; without --quiet it logs one line per request, 429s included. */
async function startLoggedEmulator(node, bin, extraArgs) {
  const child = spawn(node, [bin, 'emulate', '--queue-ms', '0', '--event-delay-ms', '0', ...extraArgs], { stdio: ['ignore', 'pipe', 'pipe'] });
  const statuses = new Map();
  let partial = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => {
    const lines = (partial + chunk).split('\n');
    partial = lines.pop();
    for (const line of lines) {
      const match = / POST \S*\/responses (\d+|dropped) /.exec(line);
      if (match) statuses.set(match[1], (statuses.get(match[1]) ?? 0) + 1);
    }
  });
  const vars = await emulatorVariables(child);
  return { child, vars, statuses };
}

function checkResults(path, count) {
  const ids = new Set();
  let lines = 0;
  let failed = 0;
  for (const line of readFileSync(path, 'utf8').split('\n')) {
    if (!line) continue;
    lines++;
    const result = JSON.parse(line);
    ids.add(result.custom_id);
    if (result.error) failed++;
  }
  return { lines, unique: ids.size, lost: count - ids.size, duplicated: lines - ids.size, failed };
}

/** `parts`: which of 'limit', 'rate', 'rss' to run; each figure is printed as soon as it is measured. */
export async function batchSection({ node, bin, home, env, run, peakRss, print, parts = ['limit', 'rate', 'rss'] }) {
  const stopEmulators = [];
  const withEmulator = async (args) => {
    const emulator = await startLoggedEmulator(node, bin, args);
    stopEmulators.push(() => emulator.child.kill('SIGTERM'));
    return { ...emulator, env: { ...env, AZURE_OPENAI_ENDPOINT: emulator.vars.AZURE_OPENAI_ENDPOINT, AZURE_OPENAI_API_KEY: emulator.vars.AZURE_OPENAI_API_KEY } };
  };

  // 1. Within a simulated quota: the rate achieved, 429s as the emulator counted them, lost and duplicated results.
  async function limit() {
    const limited = await withEmulator(['--rate-limit', `rpm=${RPM},tpm=${TPM}`]);
    const input = join(home, 'batch-limited.jsonl');
    const output = join(home, 'batch-limited.out.jsonl');
    await writeRequests(input, LIMITED_REQUESTS, { model: 'gpt-4.1-mini' });
    const started = Date.now();
    await run(bin, ['batch', 'run', input, '-o', output, '--rpm', String(RPM), '--tpm', String(TPM)], { env: limited.env });
    const wallSeconds = (Date.now() - started) / 1000;
    const check = checkResults(output, LIMITED_REQUESTS);
    const answered429 = limited.statuses.get('429') ?? 0;
    const sent = [...limited.statuses.values()].reduce((a, b) => a + b, 0);
    const achievedRpm = (LIMITED_REQUESTS / wallSeconds) * 60;
    const clean = check.lost === 0 && check.duplicated === 0 && check.failed === 0;
    print([
      `- ${LIMITED_REQUESTS.toLocaleString('en')} requests under a simulated ${RPM.toLocaleString('en')} RPM / ${TPM.toLocaleString('en')} TPM (RPM binds: ~21 tokens a request): ${wallSeconds.toFixed(1)} s wall, ${Math.round(achievedRpm).toLocaleString('en')} requests/min = ${((achievedRpm / RPM) * 100).toFixed(1)} % of the limit (≥ 95 % ${achievedRpm >= 0.95 * RPM ? '✓' : '✗'}); ${answered429} of ${sent} answers were 429 (${((answered429 / Math.max(1, sent)) * 100).toFixed(2)} %, < 1 % ${answered429 < sent / 100 ? '✓' : '✗'}); ${check.lost} lost, ${check.duplicated} duplicated, ${check.failed} failed ${clean ? '✓' : '✗'}. Wall time includes start-up and the validation pass.`,
    ]);
  }

  // 2. No limit, beside the SDK script; alternating, so load from elsewhere falls on both alike; best of three each.
  async function rate(open) {
    const input = join(home, 'batch-open.jsonl');
    await writeRequests(input, UNLIMITED_REQUESTS, { model: 'gpt-4.1-mini' });
    const sdkOut = join(home, 'batch-sdk.out.jsonl');
    const oursOut = join(home, 'batch-ours.out.jsonl');
    const sdkTimes = [];
    const ourTimes = [];
    for (let i = 0; i < 3; i++) {
      sdkTimes.push((await run('sh', ['-c', `"$0" "$1" "$2" > "$3"`, node, join(import.meta.dirname, 'sdk-batch.mjs'), input, sdkOut], { env: open.env })).ms);
      ourTimes.push((await run(bin, ['batch', 'run', input, '-o', oursOut, '--concurrency', '50'], { env: open.env })).ms);
      // A fresh results file each round (the next run would otherwise resume and skip everything).
      rmSync(oursOut, { force: true });
    }
    const sdkRate = UNLIMITED_REQUESTS / (Math.min(...sdkTimes) / 1000);
    const ourRate = UNLIMITED_REQUESTS / (Math.min(...ourTimes) / 1000);
    print([
      `- No limit, ${UNLIMITED_REQUESTS.toLocaleString('en')} requests, 50 in flight: aoai batch run ${Math.round(ourRate)} requests/s, openai SDK script ${Math.round(sdkRate)} requests/s (${(ourRate / sdkRate).toFixed(2)}×, ≥ 1.0× ${ourRate >= sdkRate ? '✓' : '✗'}); best of 3, process start-up included on both sides.`,
    ]);
  }

  // 3. Peak RSS at 10,000 and 100,000 lines of ~2 KB (100,000 lines ≈ 200 MB).
  async function memory(open) {
    const rss = {};
    for (const count of [10_000, 100_000]) {
      const file = join(home, `batch-rss-${count}.jsonl`);
      const out = join(home, `batch-rss-${count}.out.jsonl`);
      await writeRequests(file, count, { model: 'gpt-4.1-mini', padding: 1950 });
      rss[count] = await peakRss(bin, ['batch', 'run', file, '-o', out, '--concurrency', '50'], { env: open.env });
      const check = checkResults(out, count);
      if (check.lost || check.duplicated) throw new Error(`rss run at ${count} lines lost ${check.lost}, duplicated ${check.duplicated}`);
      rmSync(file, { force: true });
      rmSync(out, { force: true });
    }
    const diff = rss[100_000] - rss[10_000];
    print([`- Peak RSS of aoai batch run: ${rss[10_000].toFixed(1)} MB at 10,000 lines, ${rss[100_000].toFixed(1)} MB at 100,000 lines (~200 MB of input); difference ${diff.toFixed(1)} MB (≤ 20 MB ${diff <= 20 ? '✓' : '✗'}).`]);
  }

  try {
    if (parts.includes('limit')) await limit();
    if (parts.includes('rate') || parts.includes('rss')) {
      const open = await withEmulator(['--quiet']);
      if (parts.includes('rate')) await rate(open);
      if (parts.includes('rss')) await memory(open);
    }
  } finally {
    for (const stop of stopEmulators) stop();
  }
}
