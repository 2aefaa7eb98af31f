// Text that someone else wrote (the service, the model, a file, an id) must never drive the
// terminal. Every control character is shown instead of obeyed: ESC becomes `^[`, BEL `^G`, a lone
// CR `^M`, DEL `^?`, and the C1 controls (8-bit CSI, OSC, DCS…) `\x9b`-style. Only `\n`, `\t` and
// the CR of a CRLF pass. Without ESC/C1 an escape sequence is inert text, so no sequence parsing
// is needed and a sequence split across two deltas is neutralised like a whole one. The
// explicit bidirectional formatting characters (embeddings, overrides and isolates, U+202A–202E
// and U+2066–2069, the "Trojan Source" ones) are shown as `<U+202E>`: a terminal that implements
// bidi would otherwise let a reply show one text and hold another. Ordinary right-to-left
// writing needs none of them and is untouched.
//
// Callers decide *where*: the renderers know which strings are remote and which are aoai's own
// decoration (colours built by style.ts stay live). Output text on a pipe stays byte-exact.

/** Anything a terminal may act on, except tab, line feed and the CR of a CRLF; bidi controls. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]|\r(?!\n)/;
const CONTROLS = new RegExp(CONTROL.source, 'g');

function visible(char: string): string {
  const code = char.charCodeAt(0);
  if (code < 0x20) return `^${String.fromCharCode(code + 0x40)}`;
  if (code === 0x7f) return '^?';
  if (code > 0xff) return `<U+${code.toString(16).toUpperCase()}>`;
  return `\\x${code.toString(16)}`;
}

/** The text with every control character except `\n`, `\t` (and CRLF) made visible. */
export function neutralise(text: string): string {
  // The common case (no control at all) costs one scan and no allocation.
  return CONTROL.test(text) ? text.replace(CONTROLS, visible) : text;
}

/**
 * Neutralise a text that arrives in pieces (stream deltas). Each character is handled on its own,
 * so a split escape sequence is harmless; the one thing held back is a CR ending a piece, until
 * the next piece says whether it is half of a CRLF.
 */
export class NeutralisingStream {
  private heldCarriageReturn = false;

  push(piece: string): string {
    let text = this.heldCarriageReturn ? `\r${piece}` : piece;
    this.heldCarriageReturn = text.endsWith('\r');
    if (this.heldCarriageReturn) text = text.slice(0, -1);
    return neutralise(text);
  }

  /** What is still held (a final lone CR), made visible. */
  end(): string {
    const rest = this.heldCarriageReturn ? '^M' : '';
    this.heldCarriageReturn = false;
    return rest;
  }
}

const TABLE_SPECIALS = /[\\\t\n\r]/g;
const TABLE_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/**
 * One field of a tab-separated row: backslash, tab, LF and CR escaped as jq's `@tsv` does, so a
 * value can never forge a column or a row, and other controls made visible. Used on a pipe too:
 * a row is read by people and by `cut` alike.
 */
export function tableField(text: string): string {
  return neutralise(text.replace(TABLE_SPECIALS, (char) => TABLE_ESCAPES[char]!));
}

const JSON_UNESCAPED_CONTROLS = /[\x7f-\x9f\u202a-\u202e\u2066-\u2069]/g;

/**
 * JSON text for a terminal: JSON.stringify leaves DEL, the C1 controls and the bidi controls raw
 * inside strings (it must escape only U+0000–U+001F); escaping them too keeps the same JSON value
 * and a quiet, honest screen.
 */
export function terminalJson(json: string): string {
  return json.replace(JSON_UNESCAPED_CONTROLS, (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
