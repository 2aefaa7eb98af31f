import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { helpTexts } from '../../src/cli/reference-docs.ts';
import { VERSION } from '../../src/core/version.ts';
import { helpTable, quickAnswer } from '../../src/quick-answers.ts';
import { tempDir } from '../helpers/temp.ts';

// A dist/ with the help tables the build writes, from the same command definitions.
const dist = tempDir('aoai-quick-');
mkdirSync(join(dist, 'help'));
const texts = { 80: helpTexts(80), 100: helpTexts(100) };
for (const columns of [80, 100] as const) writeFileSync(join(dist, 'help', `${columns}.json`), JSON.stringify(helpTable(texts[columns])));

describe('quick answers (bin/aoai, before the CLI loads)', () => {
  it('give every command its help text, byte for byte, at 80 and 100 columns', () => {
    for (const columns of [80, 100] as const) {
      expect(Object.keys(texts[columns])).toContain('files upload');
      for (const [path, text] of Object.entries(texts[columns])) {
        const args = path ? path.split(' ') : [];
        expect(quickAnswer([...args, '--help'], dist, columns), `${path} --help at ${columns}`).toBe(text);
        expect(quickAnswer([...args, '-h'], dist, columns), `${path} -h at ${columns}`).toBe(text);
      }
    }
  });

  it('cap the width at 100 columns, as the CLI does', () => {
    expect(quickAnswer(['--help'], dist, 200)).toBe(texts[100]['']);
  });

  it('print the version for --version and -V alone', () => {
    expect(quickAnswer(['--version'], dist, 80)).toBe(`${VERSION}\n`);
    expect(quickAnswer(['-V'], dist, 80)).toBe(`${VERSION}\n`);
  });

  it('leave everything else to the CLI', () => {
    const declined = [
      [],
      ['create'],
      ['--version', '--debug'],
      ['create', '--version'],
      ['nosuch', '--help'],
      ['create', '-m', 'x', '--help'],
      ['--debug', 'create', '--help'],
      ['../help/80', '--help'],
      ['--help', 'create'],
    ];
    for (const args of declined) expect(quickAnswer(args, dist, 80), args.join(' ')).toBeUndefined();
    // No prebuilt text for this width: the CLI wraps the help itself.
    expect(quickAnswer(['--help'], dist, 90)).toBeUndefined();
    expect(quickAnswer(['--help'], join(dist, 'missing'), 80)).toBeUndefined();
  });

  it('store each distinct paragraph once', () => {
    const table = helpTable(texts[80]);
    expect(new Set(table.sections).size).toBe(table.sections.length);
    expect(JSON.stringify(table).length).toBeLessThan(JSON.stringify(texts[80]).length * 0.8);
  });
});
