import { spawn } from 'node:child_process';
import { afterAll, describe, expect, it } from 'vitest';
import { BIN, runAoai } from '../helpers/cli.ts';
import { recordCapture } from '../helpers/captures.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { TmuxServer } from '../helpers/tmux.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 1 });
const tmux = new TmuxServer();
afterAll(() => tmux.kill());
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });

describe('aoai stream', () => {
  it('prints the text as it arrives, and only the text on stdout', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', 'This is a test']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: This is a test\n', stderr: '' });
    expect(ctx.emulator.requests.at(-1)!.body).toMatchObject({ stream: true });
  });

  it('create --stream is the same', async () => {
    const result = await run(['create', '--stream', '-m', 'gpt-4.1', 'same thing']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: same thing\n' });
  });

  it('writes deltas before the response ends (no buffering to the end)', async () => {
    // 30 ms between events: a CLI that buffered to the end would write all 40 words at once.
    let firstChunk: string | undefined;
    const slow = await run(['stream', '-m', 'gpt-4.1', '-H', 'x-emulator-fault: delay-ms=30', 'Write 40 words'], {
      onStdout: (chunk) => {
        firstChunk ??= chunk.toString('utf8');
      },
    });
    expect(slow.code).toBe(0);
    expect(slow.stdout.trim().split(/\s+/)).toHaveLength(40);
    expect(firstChunk).toBeDefined();
    expect(firstChunk!.trim().split(/\s+/).length).toBeLessThan(30);
  });

  it('--timeout is an idle limit for a stream: a live stream that outlasts it is not cut off', async () => {
    // An event every 200 ms for several seconds, under a 1-second --timeout.
    const started = Date.now();
    const result = await run(['stream', '-m', 'gpt-4.1', '--timeout', '1', '-H', 'x-emulator-fault: delay-ms=200', 'Write 12 words']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split(/\s+/)).toHaveLength(12);
    expect(Date.now() - started).toBeGreaterThan(1500);
  });

  it('keeps a character split across deltas intact', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', 'emoji 😀 and 🎉 here']);
    expect(result.stdout).toBe('Echo: emoji 😀 and 🎉 here\n');
    expect(result.stdoutBytes.includes(Buffer.from('\uFFFD'))).toBe(false);
  });

  it('--json writes every event as one JSON line, sequence numbers in order', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '--json', 'hi']);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].type).toBe('response.created');
    expect(events.at(-1).type).toBe('response.completed');
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
    const text = events.filter((e) => e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text).toBe('Echo: hi');
  });

  it('reasoning summaries go to stderr; --reasoning hide drops them', async () => {
    const shown = await run(['stream', '-m', 'o4-mini', '--reasoning-summary', 'detailed', 'neural text degeneration']);
    expect(shown.stdout).toBe('Echo: neural text degeneration\n');
    expect(shown.stderr).toMatch(/^reasoning summary\n\*\*/);
    const hidden = await run(['stream', '-m', 'o4-mini', '--reasoning-summary', 'detailed', '--reasoning', 'hide', 'neural text degeneration']);
    expect(hidden.stderr).toBe('');
  });

  it('colour on a pipe: FORCE_COLOR turns it on; NO_COLOR (set and non-empty) or --no-color turn it off; an empty NO_COLOR does not', async () => {
    // Node 22+ itself warns on stderr when FORCE_COLOR and NO_COLOR are both in the environment
    // (even an empty NO_COLOR); that warning is Node's, not aoai's, so it is set aside here.
    const nodesOwnWarning = /^\(node:\d+\) Warning: The 'NO_COLOR' env is ignored due to the 'FORCE_COLOR' env being set\.\n\(Use `node --trace-warnings \.\.\.` to show where the warning was created\)\n/;
    const summary = async (env: Record<string, string>, extra: string[] = []) => {
      const result = await run(['stream', '-m', 'o4-mini', '--reasoning-summary', 'auto', ...extra, 'colours'], { env: { ...ctx.env, ...env } });
      return { ...result, stderr: result.stderr.replace(nodesOwnWarning, '') };
    };
    const dim = '\u001b[2m\u001b[3mreasoning summary\u001b[23m\u001b[22m\n';
    const forced = await summary({ FORCE_COLOR: '1' });
    expect(forced.stderr.startsWith(dim)).toBe(true);
    expect(forced.stdout).toBe('Echo: colours\n'); // data on stdout stays plain, whatever the colour
    expect((await summary({ FORCE_COLOR: '1', NO_COLOR: '' })).stderr.startsWith(dim)).toBe(true);
    expect((await summary({ FORCE_COLOR: '3', NO_COLOR: '' })).stderr.startsWith(dim)).toBe(true);
    for (const off of [await summary({ FORCE_COLOR: '1', NO_COLOR: '1' }), await summary({ FORCE_COLOR: '1' }, ['--no-color']), await summary({})]) {
      expect(off.stderr).toMatch(/^reasoning summary\n/);
      expect(off.stderr).not.toContain('\u001b');
    }
  });

  it('--usage prints status, id and token usage at the end', async () => {
    const result = await run(['stream', '-m', 'o4-mini', '--usage', 'hi']);
    expect(result.stderr).toMatch(/^✓ completed · resp_\w+ · input \d+ · output \d+ \(reasoning \d+\) tokens\n$/);
  });

  it('an incomplete stream keeps its text and exits 4', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '--max-output-tokens', '16', 'Write 100 words']);
    expect(result.code).toBe(4);
    expect(result.stdout.length).toBeGreaterThan(10);
    expect(result.stderr).toMatch(/is incomplete: max_output_tokens/);
  });

  it('a mid-stream error event: the text so far stays, exit code and a clear message', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '-H', 'x-emulator-fault: error-event-after=8', 'Write 30 words']);
    expect(result.stdout.length).toBeGreaterThan(0);
    expect(result.code).toBe(4);
    expect(result.stderr).toMatch(/^aoai: response resp_\w+ failed: server_error: /);
    expect(result.stderr.trim().split('\n').length).toBeLessThanOrEqual(2);
  });

  it('a non-background stream that drops cannot be resumed: says so, exit 1', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '-H', 'x-emulator-fault: drop-after=6', 'Write 30 words']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/stream ended early after 6 events .*cannot be resumed/);
    expect(result.stderr).toMatch(/hint: .*--background/);
  });
});

describe('on a terminal', () => {
  it('streamed text breaks between words within the width (the screen, joined, has no longer line)', async () => {
    const plain = (await run(['stream', '-m', 'gpt-4.1', 'Write 80 words'])).stdout;
    const pane = tmux.aoai(['stream', '-m', 'gpt-4.1', 'Write 80 words'], { env: ctx.env, width: 40 });
    try {
      expect(await pane.exitCode()).toBe(0);
      // capture-pane -J joins lines the terminal folded: a mid-word fold shows as a line over 40.
      const text = pane.screen().split('\n').filter((line) => !line.startsWith('[exit') && !line.startsWith('✓') && !line.startsWith('Pane is dead') && line !== '');
      for (const line of text) expect(line.length).toBeLessThanOrEqual(40);
      expect(text.join(' ').split(/\s+/)).toEqual(plain.trim().split(/\s+/));
    } finally {
      pane.close();
    }
  });
});

describe('background streams', () => {
  it('on a pipe, say nothing on stderr (the notice is decoration; --json carries the id)', async () => {
    const result = await run(['stream', '-m', 'o3', '--background', 'Write 20 words']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout.trim().split(/\s+/)).toHaveLength(20);
  });

  it('on a terminal, announce the id with the resume command as soon as the response is created', async () => {
    const pane = tmux.aoai(['stream', '-m', 'o3', '--background', 'Write 20 words'], { env: ctx.env });
    try {
      expect(await pane.exitCode()).toBe(0);
      expect(pane.screen()).toMatch(/^resp_\w+ is running in the background; .*aoai get resp_\w+ --stream\)$/m);
    } finally {
      pane.close();
    }
  });

  it('survive several dropped connections with byte-identical output', async () => {
    const prompt = 'Write 300 words';
    const clean = await run(['stream', '-m', 'o3', '--background', prompt]);
    ctx.emulator.addFault('drop-after=40,times=4,stream');
    const before = ctx.emulator.requests.length;
    const disturbed = await run(['stream', '-m', 'o3', '--background', '--debug', prompt]);
    expect(disturbed.code).toBe(0);
    expect(disturbed.stdoutBytes.equals(clean.stdoutBytes)).toBe(true);
    const resumes = ctx.emulator.requests.slice(before).filter((r) => r.method === 'GET' && r.query.stream === 'true');
    expect(resumes.length).toBeGreaterThanOrEqual(4);
    expect(resumes.every((r) => Number(r.query.starting_after) >= 0)).toBe(true);
    expect(disturbed.stderr).toMatch(/resuming in \d+ ms/);
    ctx.emulator.clearFaults();
  });

  it('a stalled background stream (no event for --timeout) is resumed', async () => {
    const prompt = 'Write 60 words';
    const clean = await run(['stream', '-m', 'o3', '--background', prompt]);
    ctx.emulator.addFault('stall-after=10,times=1,stream');
    const stalled = await run(['stream', '-m', 'o3', '--background', '--timeout', '1', prompt]);
    expect(stalled.code).toBe(0);
    expect(stalled.stdout).toBe(clean.stdout);
    ctx.emulator.clearFaults();
  });

  it('get --stream --after N prints only what follows N', async () => {
    const created = await run(['create', '-m', 'o3', '--background', '--json', 'Write 30 words']);
    const id = JSON.parse(created.stdout).id;
    const all = await run(['get', id, '--stream', '--json']);
    const events = all.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(events[0].sequence_number).toBe(0);
    const n = 12;
    const after = await run(['get', id, '--stream', '--after', String(n), '--json']);
    const tail = after.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(tail).toEqual(events.filter((e) => e.sequence_number > n));
    const text = await run(['get', id, '--stream', '--after', String(n)]);
    const expected = events.filter((e) => e.sequence_number > n && e.type === 'response.output_text.delta').map((e) => e.delta).join('');
    expect(text.stdout).toBe(`${expected}\n`);
    expect(ctx.emulator.requests.at(-1)!.query).toMatchObject({ stream: 'true', starting_after: String(n) });
  });

  it('get --stream of a foreground response is refused by the service', async () => {
    const created = await run(['create', '-m', 'gpt-4.1', '--json', 'not background']);
    const result = await run(['get', JSON.parse(created.stdout).id, '--stream']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/HTTP 400( \(\w+\))?: This response cannot be streamed because it was not created with background=true\./);
  });

  it('Ctrl-C stops the stream, keeps the text, exits 130 with the resume command', async () => {
    let sent = false;
    const result = await run(['stream', '-m', 'o3', '--background', '-H', 'x-emulator-fault: delay-ms=20', 'Write 3000 words'], {
      onStdout: (_chunk, child) => {
        if (!sent) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 200);
        }
      },
    });
    expect(result.code).toBe(130);
    expect(result.stdout.length).toBeGreaterThan(0);
    const id = /(resp_\w+) is still running/.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    expect(result.stderr).toMatch(new RegExp(`hint: resume: aoai get ${id} --stream --after \\d+`));
    await run(['cancel', id!]);
  });

  it('--cancel-on-interrupt cancels the job on Ctrl-C', async () => {
    let sent = false;
    const result = await run(['stream', '-m', 'o3', '--background', '--cancel-on-interrupt', '-H', 'x-emulator-fault: delay-ms=20', 'Write 3000 words'], {
      onStdout: (_chunk, child) => {
        if (!sent) {
          sent = true;
          setTimeout(() => child.kill('SIGINT'), 200);
        }
      },
    });
    expect(result.code).toBe(130);
    const id = /cancelled (resp_\w+)/.exec(result.stderr)?.[1];
    expect(id).toBeDefined();
    expect(ctx.emulator.getStored(id!)?.status).toBe('cancelled');
  });

  it('`aoai stream … | head -1` exits quietly', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `set -o pipefail; '${BIN}' stream -m gpt-4.1 'Write 100000 words' | head -1 >/dev/null`], { env: ctx.env });
      let stderr = '';
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (code) => {
        recordCapture('stream | head -1', stderr);
        resolve({ code, stderr });
      });
    });
    expect(result).toEqual({ code: 0, stderr: '' });
  });
});
