// Printed commands must be safe to paste: check the quoting by running it through a real shell.
import { execFileSync } from 'node:child_process';
import { readdirSync, rmSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shellCommand, shellQuote } from '../../src/render/shell-quote.ts';
import { tempDir } from '../helpers/temp.ts';

const HOSTILE = ['resp_2$(touch x)', '`touch x`', "it's", "'; touch x; '", 'a b', '*', '~', '$HOME', 'x\ny', '!!', '-rf', '', 'a\\b', '"q"', 'x;touch x', '>x', '#c', '{a,b}', 'é'];

describe('shellQuote', () => {
  it('leaves plain ids and paths bare', () => {
    for (const word of ['resp_abc123', 'file-4wDz5b', 'call_x-1', 'out/chart.png', '--all', 'a=b', 'user@host:1']) expect(shellQuote(word)).toBe(word);
  });

  it('quotes everything else POSIX-style', () => {
    expect(shellQuote('resp_2$(touch x)')).toBe("'resp_2$(touch x)'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
    expect(shellQuote('')).toBe("''");
  });

  it('bash and sh read each quoted word back exactly, and run nothing', () => {
    const dir = tempDir('aoai-quote-');
    try {
      for (const shell of ['bash', 'sh']) {
        const script = `for a in ${shellCommand(HOSTILE)}; do printf '%s\\0' "$a"; done`;
        const out = execFileSync(shell, ['-c', script], { cwd: dir, encoding: 'utf8' });
        expect(out.split('\0').slice(0, -1)).toEqual(HOSTILE);
      }
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
