// The last line is never lost: with a slow reader on a shared pipe (`aoai … 2>&1 | slow`), the
// final `aoai: …` line still arrives after a large output, because aoai waits for stdout and
// stderr to drain before exiting.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 0 }, { AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1' });

describe('exit waits for stdout and stderr to drain', () => {
  it('a slow reader of stdout and stderr together still gets the final error line', async () => {
    const dir = mkdtempSync(join(ctx.box.home, 'drain-'));
    const prompt = join(dir, 'prompt.txt');
    writeFileSync(prompt, 'word '.repeat(120_000));
    // The reader waits before reading, so the pipe is full when aoai decides to exit.
    const script = `"$0" create --max-output-tokens 60000 - < "$1" 2>&1 | (sleep 2; cat)`;
    const child = spawn('sh', ['-c', script, BIN, prompt], { env: ctx.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    await new Promise((resolve) => child.on('close', resolve));
    const output = Buffer.concat(chunks).toString('utf8');
    expect(output.length).toBeGreaterThan(200_000);
    expect(output.slice(-200)).toMatch(/\naoai: response resp_\w+ is incomplete: max_output_tokens\nhint: raise --max-output-tokens\n$/);
  }, 60_000);
});
