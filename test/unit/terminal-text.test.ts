// The sanitiser for remote text: byte-level cases of what terminals obey.
import { describe, expect, it } from 'vitest';
import { NeutralisingStream, neutralise, tableField, terminalJson } from '../../src/render/terminal-text.ts';

/** Anything a terminal could act on: C0 but tab and LF, DEL, C1. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const LIVE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;
/** Bidi embeddings, overrides and isolates: what can make a text display as another. */
const BIDI = /[\u202a-\u202e\u2066-\u2069]/;

describe('neutralise', () => {
  const cases: Array<[string, string, string]> = [
    ['OSC 52 clipboard write', '\x1b]52;c;dG91Y2ggeA==\x07', '^[]52;c;dG91Y2ggeA==^G'],
    ['window title (OSC 0, ST-terminated)', '\x1b]0;pwned\x1b\\', '^[]0;pwned^[\\'],
    ['OSC 8 hyperlink', '\x1b]8;;https://evil.example\x07click\x1b]8;;\x07', '^[]8;;https://evil.example^Gclick^[]8;;^G'],
    ['clear screen', '\x1b[2J\x1b[H', '^[[2J^[[H'],
    ['DCS', '\x1bP+q544e\x1b\\', '^[P+q544e^[\\'],
    ['8-bit CSI (C1)', '\u009b31mred', '\\x9b31mred'],
    ['8-bit OSC and ST', '\u009d0;title\u009c', '\\x9d0;title\\x9c'],
    ['BEL', 'ding\x07', 'ding^G'],
    ['backspace overwriting', 'safe\b\b\b\bevil', 'safe^H^H^H^Hevil'],
    ['lone CR rewriting a line', 'rm -rf ~\rls', 'rm -rf ~^Mls'],
    ['NUL and DEL', 'a\x00b\x7f', 'a^@b^?'],
    ['SGR colour from the server', '\x1b[31mred\x1b[0m', '^[[31mred^[[0m'],
    ['bidi override hiding a command (Trojan Source)', 'ls \u202eexe.txt\u202c', 'ls <U+202E>exe.txt<U+202C>'],
    ['bidi isolates', 'a\u2066b\u2069c\u2067d\u2068e', 'a<U+2066>b<U+2069>c<U+2067>d<U+2068>e'],
  ];
  for (const [name, input, shown] of cases) {
    it(`${name}: shown, not obeyed`, () => {
      const out = neutralise(input);
      expect(out).toBe(shown);
      expect(out).not.toMatch(LIVE);
      expect(out).not.toMatch(BIDI);
    });
  }

  it('right-to-left writing without formatting characters is untouched (same string)', () => {
    const text = 'שלום עולם — مرحبا بالعالم (a mark: \u200f)';
    expect(neutralise(text)).toBe(text);
  });

  it('keeps newlines, tabs and CRLF; leaves plain text untouched (same string)', () => {
    const text = 'line one\n\tindented\r\nline three — ünïcödé 😀';
    expect(neutralise(text)).toBe(text);
  });

  it('every code point below U+00A0 but tab and LF is made visible', () => {
    for (let code = 0; code < 0xa0; code++) {
      const char = String.fromCharCode(code);
      const out = neutralise(`x${char}y`);
      if (code === 9 || code === 10 || (code >= 0x20 && code < 0x7f)) expect(out).toBe(`x${char}y`);
      else expect(out, `U+${code.toString(16)}`).not.toMatch(LIVE);
    }
  });
});

describe('NeutralisingStream', () => {
  it('an escape sequence split across two deltas is neutralised', () => {
    const stream = new NeutralisingStream();
    const out = stream.push('hello \x1b') + stream.push(']52;c;aGk=\x07 world') + stream.end();
    expect(out).toBe('hello ^[]52;c;aGk=^G world');
  });

  it('an 8-bit CSI split from its parameters is neutralised', () => {
    const stream = new NeutralisingStream();
    expect(stream.push('a\u009b') + stream.push('2J') + stream.end()).toBe('a\\x9b2J');
  });

  it('a CRLF split across deltas stays a line break; a final lone CR is shown', () => {
    const stream = new NeutralisingStream();
    expect(stream.push('one\r') + stream.push('\ntwo\r') + stream.push('three\r') + stream.end()).toBe('one\r\ntwo^Mthree^M');
  });

  it('gives the same result as neutralising the whole text, however it is cut', () => {
    const text = 'a\r\nb\x1b[2Jc\rd\u009be\r';
    for (let cut = 0; cut <= text.length; cut++) {
      const stream = new NeutralisingStream();
      expect(stream.push(text.slice(0, cut)) + stream.push(text.slice(cut)) + stream.end()).toBe(neutralise(text));
    }
  });
});

describe('tableField', () => {
  it('a tab or newline in a value cannot forge a column or a row', () => {
    const field = tableField('name\tfile-forged\tbatch\nfile-evil\t0');
    expect(field).toBe('name\\tfile-forged\\tbatch\\nfile-evil\\t0');
    expect(field).not.toMatch(/[\t\n]/);
  });

  it('escapes backslash and CR as jq @tsv does, and neutralises escapes', () => {
    expect(tableField('C:\\dir\r\x1b]0;t\x07')).toBe('C:\\\\dir\\r^[]0;t^G');
  });
});

describe('terminalJson', () => {
  it('escapes the C1 controls JSON.stringify leaves raw, and stays the same JSON value', () => {
    const value = { text: 'a\u009b2Jb\x7f', esc: '\x1b]52', bidi: 'x\u202ey' };
    const json = terminalJson(JSON.stringify(value, null, 2));
    expect(json).not.toMatch(LIVE);
    expect(json).not.toMatch(BIDI);
    expect(JSON.parse(json)).toEqual(value);
  });
});

describe('StreamRenderer and remote text', () => {
  const deltas = ['hi \x1b', ']52;c;eA==\x07 \u009b', '2J\r', '\nbye\r'];
  const events = [
    ...deltas.map((delta, i) => ({ type: 'response.output_text.delta', item_id: 'msg_1', content_index: 0, delta, sequence_number: i })),
    { type: 'response.refusal.done', refusal: 'no\x1b]0;t\x07', sequence_number: 10 },
  ];

  async function render(stdoutIsTerminal: boolean) {
    const { StreamRenderer } = await import('../../src/render/stream.ts');
    let out = '';
    let err = '';
    const renderer = new StreamRenderer({ out: (t) => (out += t), err: (t) => (err += t) }, { json: false, reasoning: 'show', statusLines: true, color: true, sharedTerminal: false, stdoutIsTerminal });
    for (const event of events) renderer.handle(event);
    renderer.finish();
    return { out, err };
  }

  it('on a terminal: the text, split mid-sequence, is neutralised; aoai’s own colours stay', async () => {
    const { out, err } = await render(true);
    expect(out).toBe('hi ^[]52;c;eA==^G \\x9b2J\r\nbye^M\n');
    expect(err).toBe('\x1b[33mrefusal:\x1b[39m no^[]0;t^G\n');
  });

  it('on a pipe: stdout is byte-exact, stderr still neutralised', async () => {
    const { out, err } = await render(false);
    expect(out).toBe(`${deltas.join('')}\n`);
    expect(err).not.toContain('\x1b]');
  });
});
