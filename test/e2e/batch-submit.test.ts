// aoai batch submit against the emulator's Global Batch: the upload (purpose batch, expiry) and the
// job (endpoint, window, metadata, output expiry), --wait with results, local validation (nothing
// sent), the service's validation errors told by input line, the limits and --split with a
// manifest, a fake enqueued-token quota that makes a part fail and be resubmitted, and resume.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Emulator } from '../../src/emulator/index.ts';
import { BIN, runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';
import { keyEnv, startTestEmulator, useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator({ batch: { validatingMs: 5, lineMs: 0, finalizingMs: 5 } });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const dir = tempDir('aoai-batch-submit-');
const FAST = ['--poll-interval', '0.05'];

const requestLine = (customId: string, input: string, extra: Record<string, unknown> = {}) =>
  JSON.stringify({ custom_id: customId, method: 'POST', url: '/v1/responses', body: { model: 'gpt-4.1', input, ...extra } });

function inputFile(name: string, lines: string[]): string {
  const path = join(dir, name);
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const rows = (text: string) => text.trimEnd().split('\n').map((line) => JSON.parse(line) as { custom_id: string; response: { body: { output: Array<{ content: Array<{ text: string }> }> } } });
const apiCalls = (emulator: Emulator) => emulator.requests.filter((r) => r.path.startsWith('/openai/'));

describe('aoai batch submit', () => {
  it('uploads with purpose batch and a 14-day expiry, creates the job, and prints its id', async () => {
    const path = inputFile('basic.jsonl', [requestLine('a', 'alpha'), requestLine('b', 'beta')]);
    const before = ctx.emulator.requests.length;
    const result = await run(['batch', 'submit', path, '--metadata', 'run=nightly', '--metadata', 'owner=qa']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^batch_[0-9a-f]{50}\n$/);
    const calls = ctx.emulator.requests.slice(before);
    const upload = calls.find((r) => r.method === 'POST' && r.path.endsWith('/files'))!;
    expect(String(upload.body)).toContain('name="purpose"\r\n\r\nbatch\r\n');
    expect(String(upload.body)).toContain('name="expires_after[seconds]"\r\n\r\n1209600\r\n');
    expect(String(upload.body)).toContain('filename="basic.jsonl"');
    const create = calls.find((r) => r.method === 'POST' && r.path.endsWith('/batches'))!;
    expect(create.body).toMatchObject({
      endpoint: '/v1/responses',
      completion_window: '24h',
      metadata: { run: 'nightly', owner: 'qa' },
      output_expires_after: { anchor: 'created_at', seconds: 2_592_000 },
    });
  });

  it('--json prints the batch object; --file-expiry and --output-expiry set the expiries', async () => {
    const path = inputFile('json.jsonl', [requestLine('a', 'alpha')]);
    const result = await run(['batch', 'submit', path, '--json', '--file-expiry', '20', '--output-expiry', '15']);
    expect(result.code).toBe(0);
    const batch = JSON.parse(result.stdout);
    expect(batch).toMatchObject({ object: 'batch', status: 'validating', endpoint: '/v1/responses' });
    const upload = ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/files')).at(-1)!;
    expect(String(upload.body)).toContain(`name="expires_after[seconds]"\r\n\r\n${20 * 86400}\r\n`);
    expect(ctx.emulator.requests.filter((r) => r.path.endsWith('/batches')).at(-1)!.body).toMatchObject({ output_expires_after: { seconds: 15 * 86400 } });
  });

  it('--wait follows the job and writes the results to stdout, or -o in input order', async () => {
    const lines = Array.from({ length: 8 }, (_, i) => requestLine(`q${i}`, `question ${i}`));
    const path = inputFile('wait.jsonl', lines);
    const toStdout = await run(['batch', 'submit', path, '--wait', ...FAST]);
    expect(toStdout.code).toBe(0);
    expect(toStdout.stderr).toBe('');
    expect(rows(toStdout.stdout).map((r) => r.custom_id).sort()).toEqual(lines.map((_, i) => `q${i}`).sort());
    const out = join(dir, 'wait-results.jsonl');
    const ordered = await run(['batch', 'submit', path, '--wait', ...FAST, '--order', 'input', '-o', out, '--json']);
    expect(ordered.code).toBe(0);
    expect(JSON.parse(ordered.stdout)).toMatchObject({ status: 'completed', output: out, succeeded: 8, failed: 0 });
    const written = rows(readFileSync(out, 'utf8'));
    expect(written.map((r) => r.custom_id)).toEqual(lines.map((_, i) => `q${i}`));
    expect(written[3]!.response.body.output[0]!.content[0]!.text).toBe('Echo: question 3');
  });

  it('reads request lines from stdin', async () => {
    const result = await run(['batch', 'submit', '-', '--wait', ...FAST], { input: `${requestLine('s', 'from stdin')}\n` });
    expect(result.code).toBe(0);
    expect(rows(result.stdout)[0]!.response.body.output[0]!.content[0]!.text).toBe('Echo: from stdin');
  });

  it('checks every line before sending: problems named by line, exit 2, nothing sent', async () => {
    const path = inputFile('bad.jsonl', [requestLine('a', 'x'), '{oops', requestLine('a', 'dup'), requestLine('m', 'x', { model: 'gpt-4o' })]);
    const before = apiCalls(ctx.emulator).length;
    const result = await run(['batch', 'submit', path]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`aoai: ${path}:2: invalid JSON`);
    expect(result.stderr).toContain(`aoai: ${path}:3: duplicate custom_id "a" (first on line 1)`);
    expect(result.stderr).toMatch(new RegExp(`aoai: ${path.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}:4: body\\.model "gpt-4o" differs from "gpt-4\\.1" on line 1`));
    expect(apiCalls(ctx.emulator).length).toBe(before);
  });

  it('refuses prompts (they need batch prepare) and an empty file', async () => {
    const prompts = inputFile('prompts.txt', ['What is 2+2?']);
    const result = await run(['batch', 'submit', prompts]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/holds prompts; Global Batch takes request lines.*\nhint: make them first with aoai batch prepare/);
    const empty = inputFile('empty.jsonl', ['']);
    expect((await run(['batch', 'submit', empty])).stderr).toMatch(/holds no requests; nothing was sent/);
  });

  it("tells the service's validation errors by the input's own line numbers", async () => {
    // Blank lines are left out of the upload: the service's line 2 is the input's line 4.
    const path = inputFile('service-rejects.jsonl', [requestLine('a', 'x'), '', '', requestLine('b', 'y', { background: true })]);
    const result = await run(['batch', 'submit', path, '--wait', ...FAST]);
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain(`aoai: ${path}:4: invalid_value: Batch requests cannot be streamed or run in the background.\n`);
    expect(result.stderr).toMatch(/aoai: batch_\w+ failed \(1 error from the service\)\nhint: fix the input and submit it again\n$/);
  });

  it('holds a file to 100,000 requests unless --split', async () => {
    const line = (i: number) => `{"custom_id":"${i}","method":"POST","url":"/v1/responses","body":{"model":"m","input":"x"}}`;
    const path = join(dir, 'huge.jsonl');
    writeFileSync(path, `${Array.from({ length: 100_001 }, (_, i) => line(i)).join('\n')}\n`);
    const before = apiCalls(ctx.emulator).length;
    const result = await run(['batch', 'submit', path], { timeoutMs: 120_000 });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/has 100,001 requests \(\d+ MB\); one Global Batch job takes at most 100,000 requests and 200 MB; nothing was sent\nhint: add --split to send it as 2 jobs\n$/);
    expect(apiCalls(ctx.emulator).length).toBe(before);
  }, 180_000);
});

describe('aoai batch submit --split', () => {
  let quota: Emulator;
  let box: Sandbox;
  beforeAll(async () => {
    // Each part below holds 30 enqueued tokens; the quota holds 40: a second part fails with
    // token_limit_exceeded while the first runs, and goes through once it is done.
    quota = await startTestEmulator({ batch: { validatingMs: 5, lineMs: 100, finalizingMs: 5, tokenLimit: 40 } });
    box = sandbox(keyEnv(quota));
  });
  afterAll(async () => {
    await quota.close();
    box.cleanup();
  });

  const lines = Array.from({ length: 30 }, (_, i) => requestLine(`r${i}`, `question${String(i).padStart(2, '0')}`.slice(0, 9)));

  it('cuts the file into jobs, queues them as the quota frees up, retries token_limit_exceeded, and joins the results', async () => {
    const path = inputFile('split.jsonl', lines);
    const manifestPath = join(dir, 'split.manifest.json');
    const out = join(dir, 'split-results.jsonl');
    const result = await runAoai(['batch', 'submit', path, '--split', '--part-lines', '10', '--manifest', manifestPath, '--wait', ...FAST, '--order', 'input', '-o', out], { env: box.env, timeoutMs: 60_000 });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(rows(readFileSync(out, 'utf8')).map((r) => r.custom_id)).toEqual(lines.map((_, i) => `r${i}`));
    const manifest = JSON.parse(readFileSync(manifestPath, 'utf8'));
    expect(manifest.parts.map((p: { part: number; first_line: number; last_line: number; requests: number; status: string }) => [p.part, p.first_line, p.last_line, p.requests, p.status])).toEqual([
      [1, 1, 10, 10, 'completed'],
      [2, 11, 20, 10, 'completed'],
      [3, 21, 30, 10, 'completed'],
    ]);
    // At least one part hit the quota and was created again.
    expect(manifest.parts.some((p: { attempts: number }) => p.attempts > 1)).toBe(true);
    const creates = quota.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/batches'));
    expect(creates.length).toBeGreaterThan(3);
    expect(quota.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/files'))).toHaveLength(3);
  }, 90_000);

  it('resumes from its manifest: parts already uploaded and created are followed, not sent again', async () => {
    const path = inputFile('resume.jsonl', lines.slice(0, 4));
    const manifestPath = join(dir, 'resume.manifest.json');
    const first = await runAoai(['batch', 'submit', path, '--split', '--part-lines', '2', '--manifest', manifestPath], { env: box.env });
    expect(first.code).toBe(0);
    const ids = first.stdout.trim().split('\n');
    expect(ids).toHaveLength(2);
    const before = quota.requests.filter((r) => r.method === 'POST').length;
    const out = join(dir, 'resume-results.jsonl');
    const second = await runAoai(['batch', 'submit', path, '--split', '--part-lines', '2', '--manifest', manifestPath, '--wait', ...FAST, '-o', out], { env: box.env, timeoutMs: 60_000 });
    expect(second.code).toBe(0);
    expect(quota.requests.filter((r) => r.method === 'POST').length).toBe(before);
    expect(rows(readFileSync(out, 'utf8')).map((r) => r.custom_id).sort()).toEqual(['r0', 'r1', 'r2', 'r3']);
    expect(JSON.parse(readFileSync(manifestPath, 'utf8')).parts.map((p: { batch_id: string }) => p.batch_id)).toEqual(ids);
  }, 90_000);

  it('Ctrl-C while waiting prints a resume command that runs as printed and sends nothing twice', async () => {
    const path = inputFile('interrupted.jsonl', lines.slice(0, 6));
    const manifestPath = join(dir, 'interrupted.manifest.json');
    const out = join(dir, 'interrupted-results.jsonl');
    const creates = () => quota.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/batches')).length;
    const before = creates();
    const interrupted = await runAoai(['batch', 'submit', path, '--split', '--part-lines', '2', '--manifest', manifestPath, '--wait', ...FAST, '-o', out], {
      env: box.env,
      onSpawn: (child) => {
        const timer = setInterval(() => {
          if (creates() > before) {
            clearInterval(timer);
            child.kill('SIGINT');
          }
        }, 10);
        child.on('exit', () => clearInterval(timer));
      },
    });
    expect(interrupted.code).toBe(130);
    const hint = interrupted.stderr.split('\n').find((line) => line.startsWith('hint: resume'))!;
    const command = hint.slice(hint.indexOf('aoai '));
    expect(command).toBe(`aoai batch submit ${path} --split --manifest ${manifestPath} --wait --poll-interval 0.05 -o ${out} --part-lines 2`);
    expect(existsSync(out)).toBe(false);
    const binDir = join(dir, 'bin');
    mkdirSync(binDir, { recursive: true });
    if (!existsSync(join(binDir, 'aoai'))) symlinkSync(BIN, join(binDir, 'aoai'));
    const uploads = quota.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/files')).length;
    const createdSoFar = creates();
    // Through bash, as a person pastes it (asynchronously: the emulator runs in this process).
    const resumed = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', command], { env: { ...box.env, PATH: `${binDir}:${box.env.PATH ?? ''}` }, stdio: ['ignore', 'ignore', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(rows(readFileSync(out, 'utf8')).map((r) => r.custom_id).sort()).toEqual(['r0', 'r1', 'r2', 'r3', 'r4', 'r5']);
    // The parts were uploaded before the interruption; the jobs already created were followed.
    expect(quota.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/files')).length).toBe(uploads);
    expect(creates() - before).toBe(3);
    expect(createdSoFar - before).toBeGreaterThanOrEqual(1);
  }, 90_000);

  it("refuses a manifest that records another input", async () => {
    const manifestPath = join(dir, 'other.manifest.json');
    writeFileSync(manifestPath, JSON.stringify({ version: 1, input_sha256: 'x', parts: [] }));
    const path = inputFile('other.jsonl', lines.slice(0, 2));
    const result = await runAoai(['batch', 'submit', path, '--split', '--manifest', manifestPath], { env: box.env });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/records the jobs of another input/);
    expect(existsSync(manifestPath)).toBe(true);
  });
});
