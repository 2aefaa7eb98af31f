// Terminal columns, not UTF-16 units: CJK and emoji are two columns wide, escapes none.
import { describe, expect, it } from 'vitest';
import stringWidth from 'string-width';
import { SoftWrap, columnWidth, truncateToColumns, wrapToColumns } from '../../src/render/columns.ts';
import { formatItemRow } from '../../src/render/items.ts';
import { coreCommands, helpText } from '../../src/chat/commands.ts';

const JAPANESE = '吾輩は猫である。名前はまだ無い。どこで生れたかとんと見当がつかぬ。何でも薄暗いじめじめした所でニャーニャー泣いていた事だけは記憶している。吾輩はここで始めて人間というものを見た。';

describe('columns', () => {
  it('truncateToColumns keeps a Japanese line within the width, ellipsis included', () => {
    const cut = truncateToColumns(JAPANESE, 41);
    expect(columnWidth(cut)).toBeLessThanOrEqual(41);
    expect(cut.endsWith('…')).toBe(true);
    expect(truncateToColumns('short', 10)).toBe('short');
    expect(truncateToColumns('👍🏽👍🏽👍🏽', 4)).toBe('👍🏽…');
  });

  it('an items row with a Japanese preview fits in 120 columns', () => {
    const item = { id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: JAPANESE }] };
    const row = formatItemRow(item as never, { tty: true, width: 120 });
    expect(stringWidth(row)).toBeLessThanOrEqual(120);
    expect(stringWidth(row)).toBeGreaterThan(110);
  });

  it('SoftWrap breaks between words, never inside one, and ignores escape sequences', () => {
    const words = Array.from({ length: 40 }, (_, i) => `word${i}`);
    const text = words.map((word, i) => (i % 3 === 0 ? `\x1b[1m${word}\x1b[22m` : word)).join(' ');
    const wrap = new SoftWrap(30);
    // Fed in awkward pieces, as deltas arrive.
    let out = '';
    for (let i = 0; i < text.length; i += 7) out += wrap.write(text.slice(i, i + 7));
    out += wrap.end();
    const lines = out.split('\n');
    expect(lines.length).toBeGreaterThan(5);
    for (const line of lines) expect(stringWidth(line)).toBeLessThanOrEqual(30);
    // eslint-disable-next-line no-control-regex
    expect(out.replace(/\x1b\[\d+m/g, '').split(/\s+/)).toEqual(words);
  });

  it('SoftWrap breaks CJK text (no spaces) at character boundaries within the width', () => {
    const out = wrapToColumns(JAPANESE, 30);
    for (const line of out.split('\n')) expect(stringWidth(line)).toBeLessThanOrEqual(30);
    expect(out.replace(/\n/g, '')).toBe(JAPANESE);
  });

  it.each([60, 100, 140])('chat /help at %i columns wraps descriptions between words, within the width', (columns) => {
    const help = helpText(coreCommands(), columns);
    for (const line of help.split('\n')) expect(stringWidth(line)).toBeLessThan(columns);
    const words = (text: string) => text.split(/\s+/).filter(Boolean);
    for (const command of coreCommands()) expect(words(help).join(' ')).toContain(words(command.help).join(' '));
  });
});
