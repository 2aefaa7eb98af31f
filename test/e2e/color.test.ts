/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
// Colour rules, checked where they matter: on a real pseudo-terminal (util-linux `script`).
import { describe, expect, it } from 'vitest';
import { useEmulator } from '../helpers/emulator.ts';
import { runOnPty } from '../helpers/pty.ts';

const ctx = useEmulator();
const SGR = /\u001b\[[0-9;]*m/;
const REASONING = ['stream', '-m', 'o4-mini', '--reasoning-summary', 'detailed', 'neural text degeneration'];

/** Runs aoai on a pseudo-terminal; `stdout: 'discard'` leaves only stderr on the terminal. */
async function onTty(args: string[], env: Record<string, string | undefined>, stdout?: 'discard'): Promise<{ code: number | null; screen: string }> {
  const fullEnv: Record<string, string> = { ...ctx.env, TERM: 'xterm-256color' };
  for (const [key, value] of Object.entries(env)) {
    if (value === undefined) delete fullEnv[key];
    else fullEnv[key] = value;
  }
  const { code, output } = await runOnPty(args, { env: fullEnv, columns: 100, stdout });
  return { code, screen: output };
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
    const styled = await onTty(REASONING, {}, 'discard');
    expect(styled.screen).toContain('reasoning summary');
    expect(styled.screen).toMatch(SGR);
    const plain = await onTty(REASONING, { NO_COLOR: '1' }, 'discard');
    expect(plain.screen).toContain('reasoning summary');
    expect(plain.screen).not.toMatch(SGR);
  });
});
