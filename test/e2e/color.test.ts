/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
// Colour rules, checked where they matter: on a real pseudo-terminal (util-linux `script`).
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { BIN } from '../helpers/cli.ts';
import { recordCapture } from '../helpers/captures.ts';
import { useEmulator } from '../helpers/emulator.ts';

const ctx = useEmulator();
const SGR = /\u001b\[[0-9;]*m/;
const REASONING = ['stream', '-m', 'o4-mini', '--reasoning-summary', 'detailed', 'neural text degeneration'];

/** Runs aoai on a pseudo-terminal; `stdoutTo` sends stdout elsewhere so only stderr is the terminal. */
function onTty(args: string[], env: Record<string, string | undefined>, stdoutTo?: string): Promise<{ code: number | null; screen: string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  const fullEnv: Record<string, string> = { ...ctx.env, TERM: 'xterm-256color' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete fullEnv[key];
    else fullEnv[key] = value;
  }
  const command = `stty cols 100 rows 30; exec ${quoted}${stdoutTo ? ` > ${stdoutTo}` : ''}`;
  return new Promise((resolve) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: fullEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    let screen = '';
    child.stdout.on('data', (d) => (screen += d));
    child.stderr.on('data', (d) => (screen += d));
    child.on('close', (code) => {
      recordCapture(`tty: aoai ${args.join(' ')}`, screen);
      resolve({ code, screen });
    });
  });
}

describe('colour on a terminal', () => {
  it('reasoning summaries are styled on a terminal by default', async () => {
    const { code, screen } = await onTty(REASONING, {});
    expect(code).toBe(0);
    expect(screen).toContain('neural text degeneration');
    expect(screen).toMatch(SGR);
  });

  it('NO_COLOR=1 turns styling off', async () => {
    const { code, screen } = await onTty(REASONING, { NO_COLOR: '1' });
    expect(code).toBe(0);
    expect(screen).toContain('reasoning summary');
    expect(screen).not.toMatch(SGR);
  });

  it('an empty NO_COLOR is not set (no-color.org): styling stays on', async () => {
    const { code, screen } = await onTty(REASONING, { NO_COLOR: '' });
    expect(code).toBe(0);
    expect(screen).toMatch(SGR);
  });

  it('--no-color turns styling off', async () => {
    const { code, screen } = await onTty(['--no-color', ...REASONING], {});
    expect(code).toBe(0);
    expect(screen).toContain('reasoning summary');
    expect(screen).not.toMatch(SGR);
  });

  it('stderr on a terminal honours NO_COLOR while stdout goes to a file', async () => {
    const styled = await onTty(REASONING, {}, '/dev/null');
    expect(styled.screen).toContain('reasoning summary');
    expect(styled.screen).toMatch(SGR);
    const plain = await onTty(REASONING, { NO_COLOR: '1' }, '/dev/null');
    expect(plain.screen).toContain('reasoning summary');
    expect(plain.screen).not.toMatch(SGR);
  });
});
