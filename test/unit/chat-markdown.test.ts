import { describe, expect, it } from 'vitest';
import { MarkdownStream } from '../../src/chat/markdown.ts';

/** Render in pieces of `size` characters (1 = a character at a time, as tokens arrive). */
function render(text: string, options: { color?: boolean; size?: number } = {}): string {
  const md = new MarkdownStream({ color: options.color ?? false, columns: 40 });
  const size = options.size ?? text.length;
  let out = '';
  for (let i = 0; i < text.length; i += size) out += md.write(text.slice(i, i + size));
  return out + md.end();
}

const ESC = '\u001b';
const SAMPLE = [
  '# Title',
  '## Sub *title*',
  'Some **bold**, *italic*, _under_ and `code` in snake_case_names and 2 * 3 = 6.',
  '',
  '- one',
  '* two',
  '  - nested',
  '1. first',
  '10) tenth',
  '> quoted',
  '---',
  '```ts',
  'const x = 1; // **not bold**',
  '',
  '  indented();',
  '```',
  'after \\*literal\\* stars',
  'a [link](https://e.x) here',
  '',
].join('\n');

describe('MarkdownStream', () => {
  it('renders the structure: headings, lists, quotes, rules, code blocks set apart', () => {
    expect(render(SAMPLE)).toBe(
      [
        'Title',
        'Sub title',
        'Some bold, italic, under and code in snake_case_names and 2 * 3 = 6.',
        '',
        '• one',
        '• two',
        '  ◦ nested',
        '1. first',
        '10. tenth',
        '│ quoted',
        '─'.repeat(39),
        `── ts ${'─'.repeat(20)}`,
        '    const x = 1; // **not bold**',
        '    ',
        '      indented();',
        '─'.repeat(27),
        'after *literal* stars',
        'a link (https://e.x) here',
        '',
      ].join('\n'),
    );
  });

  it('gives the same bytes whatever the pieces the text arrives in', () => {
    const whole = render(SAMPLE, { color: true });
    for (const size of [1, 2, 3, 5, 7]) expect(render(SAMPLE, { color: true, size })).toBe(whole);
  });

  it("styles with chalk's codes on a colour terminal and closes them at each line end", () => {
    const out = render('A **b** *i* `c`\n', { color: true });
    expect(out).toBe(`A ${ESC}[1mb${ESC}[22m ${ESC}[3mi${ESC}[23m ${ESC}[36mc${ESC}[39m\n`);
    expect(render('# H\n', { color: true })).toBe(`${ESC}[1m${ESC}[4m${ESC}[35mH${ESC}[39m${ESC}[24m${ESC}[22m\n`);
  });

  it('writes text as it arrives, holding back only what is undecided', () => {
    const md = new MarkdownStream({ color: false, columns: 40 });
    expect(md.write('Hello wor')).toBe('Hello wor');
    expect(md.write('ld *')).toBe('ld ');
    expect(md.write('x')).toBe('x');
    expect(md.write('*\n-')).toBe('\n');
    expect(md.write(' item')).toBe('• item');
    expect(md.end()).toBe('');
  });

  it('ends an unterminated line, emphasis or code block cleanly', () => {
    expect(render('**open bold', { color: true })).toBe(`${ESC}[1mopen bold${ESC}[22m`);
    expect(render('```\ncode', { color: false })).toBe(`──${'─'.repeat(24)}\n    code`);
    expect(render('-', { color: false })).toBe('-');
  });

  it('shows links as their text with the address after it', () => {
    expect(render('see [the docs](https://example.com/d) and [https://x.io](https://x.io).\n')).toBe('see the docs (https://example.com/d) and https://x.io.\n');
    expect(render('[go](https://a.b)\n', { color: true })).toBe(`${ESC}[4mgo${ESC}[24m${ESC}[2m (https://a.b)${ESC}[22m\n`);
    expect(render('- [ ] task and [1] note\n')).toBe('• [ ] task and [1] note\n');
    const md = new MarkdownStream({ color: false, columns: 40 });
    expect(md.write('a [lin')).toBe('a ');
    expect(md.write('k](u)')).toBe('link (u)');
  });

  it('leaves text that only looks like Markdown alone', () => {
    expect(render('#hashtag and 2024 was 3*4\n')).toBe('#hashtag and 2024 was 3*4\n');
    expect(render('-not a list\n')).toBe('-not a list\n');
  });
});
