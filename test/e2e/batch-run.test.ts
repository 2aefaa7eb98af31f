// aoai batch run against the emulator: prompts from a pipe, Global Batch output lines, failures
// as error lines, retries, --order input, a 429 storm, resume after kill -9 and Ctrl-C, and a
// full or read-only results disk. The emulator's simulated quota slows the "slow" deployment
// (600 RPM: 100 at once, then 10 a second) so that a run can be interrupted part-way.
import { execFileSync } from 'node:child_process';
import { appendFileSync, createReadStream, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAoai, type RunResult } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { runOnPty } from '../helpers/pty.ts';
import { smallDisk, smallDiskUnavailable, type SmallDisk } from '../helpers/small-disk.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 0, rateLimits: ['slow:rpm=600', 'storm:rpm=600'] });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const creates = (model?: string) => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses') && (model === undefined || (r.body as { model?: string })?.model === model));

interface ResultLine {
  id: string;
  custom_id: string;
  response: { status_code: number; request_id: string | null; body: { output?: { content?: { text?: string }[] }[]; error?: unknown } } | null;
  error: { code: string; message: string } | null;
}

function parseLines(text: string): ResultLine[] {
  expect(text === '' || text.endsWith('\n'), 'the file ends with a whole line').toBe(true);
  return text
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as ResultLine);
}

function readLines(path: string): ResultLine[] {
  return parseLines(readFileSync(path, 'utf8'));
}

function expectOnePerId(lines: ResultLine[], ids: string[]): void {
  const seen = lines.map((l) => l.custom_id).sort();
  expect(seen).toEqual([...ids].sort());
}

function promptsFile(name: string, count: number): { path: string; ids: string[] } {
  const path = join(ctx.box.home, name);
  writeFileSync(path, Array.from({ length: count }, (_, i) => `Echo: question ${i + 1}\n`).join(''));
  return { path, ids: Array.from({ length: count }, (_, i) => `line-${i + 1}`) };
}

function lineCount(path: string): number {
  try {
    return readFileSync(path, 'utf8').split('\n').length - 1;
  } catch {
    return 0;
  }
}

/** Run aoai and send `signal` once the results file holds at least `lines` lines. */
function runUntil(args: string[], output: string, lines: number, signals: NodeJS.Signals[]): Promise<RunResult> {
  return run(args, {
    timeoutMs: 60_000,
    onSpawn(child) {
      const timer = setInterval(() => {
        if (lineCount(output) < lines) return;
        clearInterval(timer);
        for (const [i, signal] of signals.entries()) setTimeout(() => child.kill(signal), i * 50);
      }, 20);
      child.once('close', () => clearInterval(timer));
    },
  });
}

describe('aoai batch run', () => {
  it('cat questions.txt | aoai batch run -m X --instructions … > answers.jsonl: one Global Batch output line per question', async () => {
    const before = creates().length;
    const result = await run(['batch', 'run', '-m', 'gpt-4.1-mini', '--instructions', 'Answer in one word'], { input: 'Echo: one\nEcho: two\n\nEcho: three\n' });
    expect(result.code).toBe(0);
    const lines = parseLines(result.stdout);
    expectOnePerId(lines, ['line-1', 'line-2', 'line-4']);
    for (const line of lines) {
      expect(line.id).toMatch(/^batch_req_[0-9a-f]{24}$/);
      expect(line.error).toBeNull();
      expect(line.response?.status_code).toBe(200);
      expect(line.response?.request_id).toBeTruthy();
    }
    const three = lines.find((l) => l.custom_id === 'line-4')!;
    expect(JSON.stringify(three.response?.body.output)).toContain('three');
    const sent = creates().slice(before).map((r) => r.body as { instructions?: string; model?: string });
    expect(sent).toHaveLength(3);
    expect(sent.every((b) => b.instructions === 'Answer in one word' && b.model === 'gpt-4.1-mini')).toBe(true);
    expect(result.stderr).toMatch(/^batch: 3 requests: 3 succeeded, 0 failed; /m);
  });

  it('sends nothing when a line is invalid: each problem named by line, exit 2', async () => {
    const file = join(ctx.box.home, 'invalid.jsonl');
    writeFileSync(file, `${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/responses', body: { model: 'm', input: 'x' } })}\n${JSON.stringify({ custom_id: 'a', method: 'POST', url: '/v1/responses', body: { input: 'x' } })}\n`);
    const before = creates().length;
    const result = await run(['batch', 'run', file]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`aoai: ${file}:2: duplicate custom_id "a" (first on line 1)`);
    expect(result.stderr).toContain(`aoai: ${file}:2: missing body.model (the deployment name)`);
    expect(result.stderr).toContain('nothing was sent');
    expect(creates().length).toBe(before);
  });

  it('a request that fails becomes an error line in --errors, exit 1; the next run retries only it', async () => {
    const { path, ids } = promptsFile('fails.txt', 6);
    const output = join(ctx.box.home, 'fails.out.jsonl');
    const errors = join(ctx.box.home, 'fails.err.jsonl');
    ctx.emulator.addFault({ status: 400, times: 1, path: '/responses' });
    const first = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', output, '--errors', errors, '--json']);
    expect(first.code).toBe(1);
    const failed = readLines(errors);
    expect(failed).toHaveLength(1);
    expect(failed[0]!.response?.status_code).toBe(400);
    expect(failed[0]!.error?.message).toBeTruthy();
    expect(readLines(output)).toHaveLength(5);
    expect(JSON.parse(first.stdout)).toMatchObject({ total: 6, succeeded: 5, failed: 1, errors });
    expect(first.stderr).toContain(`1 of 6 requests failed; their error lines are in ${errors}`);
    expect(first.stderr).toContain('hint: run the same command again to retry them: aoai batch run');

    const second = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', output, '--errors', errors, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout)).toMatchObject({ succeeded: 1, skipped: 5, failed: 0 });
    expectOnePerId(readLines(output), ids);
    expect(readFileSync(errors, 'utf8')).toBe('');
  });

  it('retries 5xx answers and dropped connections, then succeeds', async () => {
    const { path, ids } = promptsFile('flaky.txt', 4);
    const output = join(ctx.box.home, 'flaky.out.jsonl');
    ctx.emulator.addFault({ status: 503, times: 2, path: '/responses' });
    ctx.emulator.addFault({ reset: true, times: 1, path: '/responses' });
    const result = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', output, '--json']);
    expect(result.code).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 4, failed: 0, retries: 3 });
    expectOnePerId(readLines(output), ids);
  });

  it('a service that fails every request: requests waiting to be retried hold their place, so the run does not read on through the input', async () => {
    const { path, ids } = promptsFile('down.txt', 6);
    const output = join(ctx.box.home, 'down.out.jsonl');
    ctx.emulator.addFault({ status: 503, times: 0, path: '/responses' });
    const before = creates().length;
    try {
      const result = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', output, '--concurrency', '2', '--retries', '1', '--json']);
      expect(result.code).toBe(1);
      expect(JSON.parse(result.stdout)).toMatchObject({ succeeded: 0, failed: 6, retries: 6 });
      expectOnePerId(readLines(output), ids);
    } finally {
      ctx.emulator.clearFaults();
    }
    // Which line each request was for, in the order they came: a fresh line starts only once one of
    // the two waiting has been retried, never all six at once.
    const order = creates().slice(before).map((r) => Number(/question (\d+)/.exec(JSON.stringify(r.body))![1]));
    expect(order).toHaveLength(12);
    for (let i = 0; i < order.length; i++) {
      const fresh = new Set(order.slice(0, i + 1)).size;
      const retried = order.slice(0, i + 1).length - fresh;
      expect(fresh, `requests so far: ${order.slice(0, i + 1).join(' ')}`).toBeLessThanOrEqual(retried + 2);
    }
  }, 30_000);

  it('-o FIFO writes through the pipe (a FIFO is never fsynced or resumed from)', async () => {
    const { path, ids } = promptsFile('fifo.txt', 5);
    const fifo = join(ctx.box.home, 'results.fifo');
    execFileSync('mkfifo', [fifo]);
    const chunks: Buffer[] = [];
    const reader = createReadStream(fifo);
    reader.on('data', (chunk) => chunks.push(chunk as Buffer));
    const ended = new Promise<void>((resolve) => reader.on('end', () => resolve()));
    const result = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', fifo]);
    await ended;
    expect(result.code).toBe(0);
    expectOnePerId(parseLines(Buffer.concat(chunks).toString('utf8')), ids);
  });

  it('--order input writes results in input order', async () => {
    const { path, ids } = promptsFile('ordered.txt', 40);
    const result = await run(['batch', 'run', path, '-m', 'gpt-4.1', '--order', 'input', '--concurrency', '8']);
    expect(result.code).toBe(0);
    expect(parseLines(result.stdout).map((l) => l.custom_id)).toEqual(ids);
  });

  it('a 429 storm: the run backs off as a whole and every request succeeds once', async () => {
    // 150 requests at once against 600 RPM (100 at once, then 10 a second), with no --rpm given.
    const { path, ids } = promptsFile('storm.txt', 150);
    const output = join(ctx.box.home, 'storm.out.jsonl');
    const result = await run(['batch', 'run', path, '-m', 'storm', '--max-output-tokens', '16', '-o', output, '--json'], { timeoutMs: 60_000 });
    expect(result.code).toBe(0);
    const summary = JSON.parse(result.stdout) as { succeeded: number; failed: number; rate_limited: number };
    expect(summary).toMatchObject({ succeeded: 150, failed: 0 });
    const answered429 = creates('storm').filter((r) => r.status === 429).length;
    expect(summary.rate_limited).toBe(answered429);
    // Not request by request: far fewer 429s than requests that had to wait.
    expect(answered429).toBeLessThan(25);
    expectOnePerId(readLines(output), ids);
  }, 60_000);

  it('resumes after kill -9 at several points: exactly one line per custom_id at the end', async () => {
    const { path, ids } = promptsFile('killed.txt', 130);
    const output = join(ctx.box.home, 'killed.out.jsonl');
    const args = ['batch', 'run', path, '-m', 'slow', '--max-output-tokens', '16', '-o', output, '--concurrency', '4'];
    for (const at of [5, 40, 110]) {
      const killed = await runUntil(args, output, at, ['SIGKILL']);
      expect(killed.signal).toBe('SIGKILL');
      readLines(output); // every line whole
    }
    // A torn last line, as a crash mid-write leaves it: detected, cut, and that request redone.
    const lines = readFileSync(output, 'utf8');
    const last = lines.trimEnd().split('\n').at(-1)!;
    const tornId = (JSON.parse(last) as ResultLine).custom_id;
    writeFileSync(output, lines.slice(0, lines.length - last.length - 1));
    appendFileSync(output, last.slice(0, 30));
    const final = await run([...args, '--json'], { timeoutMs: 60_000 });
    expect(final.code).toBe(0);
    expectOnePerId(readLines(output), ids);
    expect(readLines(output).filter((l) => l.custom_id === tornId)).toHaveLength(1);
  }, 120_000);

  it('Ctrl-C lets requests in flight finish, prints how to resume and exits 130; twice abandons them', async () => {
    const { path, ids } = promptsFile('interrupted.txt', 130);
    const output = join(ctx.box.home, 'interrupted.out.jsonl');
    const args = ['batch', 'run', path, '-m', 'slow', '--max-output-tokens', '16', '-o', output, '--concurrency', '4'];
    const once = await runUntil(args, output, 102, ['SIGINT']);
    expect(once.code).toBe(130);
    expect(once.stderr).toContain('batch: stopping');
    expect(once.stderr).toMatch(/aoai: batch stopped: \d+ of 130 requests not done/);
    expect(once.stderr).toContain(`hint: resume with: aoai batch run ${path} -m slow --max-output-tokens 16 -o ${output} --concurrency 4`);
    readLines(output);
    const twice = await runUntil(args, output, lineCount(output) + 2, ['SIGINT', 'SIGINT']);
    expect(twice.code).toBe(130);
    expect(twice.stderr).toContain('hint: resume with: aoai batch run');
    readLines(output);
    const final = await run(args, { timeoutMs: 60_000 });
    expect(final.code).toBe(0);
    expectOnePerId(readLines(output), ids);
  }, 120_000);

  it('aoai emulate --rate-limit refuses a spec it cannot read, in one line', async () => {
    const result = await run(['emulate', '--rate-limit', 'rpm=lots']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("aoai: --rate-limit: rate limit 'rpm=lots': rpm needs a whole number ≥ 1");
  });

  it('shows progress on a terminal only', async () => {
    const { path } = promptsFile('progress.txt', 120);
    const output = join(ctx.box.home, 'progress.out.jsonl');
    const onPty = await runOnPty(['batch', 'run', path, '-m', 'slow', '--max-output-tokens', '16', '-o', output], { env: ctx.env });
    expect(onPty.code).toBe(0);
    expect(onPty.output).toMatch(/batch: \d+\/120 done · \d+ in flight · [\d.]+ req\/s/);
    expect(onPty.output).toContain('batch: 120 requests: 120 succeeded');
    const piped = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', join(ctx.box.home, 'progress2.out.jsonl')]);
    expect(piped.stderr).not.toContain('in flight');
    expect(piped.stderr.trim().split('\n')).toHaveLength(1);
  }, 60_000);
});

const fullDisk = describe.skipIf(smallDiskUnavailable !== undefined);
if (smallDiskUnavailable) describe('batch run on a full disk', () => it.skip(`skipped: ${smallDiskUnavailable}`, () => undefined));

fullDisk('batch run results on a full or read-only disk', () => {
  const disks: SmallDisk[] = [];
  afterEach(() => {
    for (const made of disks.splice(0)) made.close();
  });

  it('a full disk: exit 6 naming the file, every line written whole, and a hint to resume', async () => {
    const small = await smallDisk(48);
    disks.push(small);
    const { path } = promptsFile('full.txt', 200);
    const output = join(small.dir, 'out.jsonl');
    const result = await run(['batch', 'run', path, '-m', 'gpt-4.1', '-o', output], { via: small.via, timeoutMs: 60_000 });
    expect(result.code).toBe(6);
    expect(result.stderr).toContain(`aoai: cannot write ${output}: no space left on the device`);
    expect(result.stderr).toContain('hint: every line written is whole; once it can be written, resume with: aoai batch run');
    const lines = readLines(small.outside(output));
    expect(lines.length).toBeGreaterThan(0);
    expect(lines.length).toBeLessThan(200);
  }, 60_000);

  it('a read-only disk: exit 2 before anything is sent', async () => {
    const ro = await smallDisk(64, { readOnly: true });
    disks.push(ro);
    const { path } = promptsFile('ro.txt', 3);
    // A deployment of its own: requests of an earlier test still arriving cannot be mistaken for these.
    const result = await run(['batch', 'run', path, '-m', 'read-only-test', '-o', join(ro.dir, 'out.jsonl')], { via: ro.via });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('the file system is read-only');
    expect(result.stderr).toContain('nothing was sent');
    expect(creates('read-only-test')).toHaveLength(0);
  });
});
