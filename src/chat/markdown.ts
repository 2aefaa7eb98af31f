// Assistant Markdown → terminal text, as it streams. Line-based: a line's kind (heading, list
// item, quote, rule, code fence) is decided from its first few characters, then its text is
// written as it arrives with inline emphasis and code styled. Only the few characters that cannot
// be decided yet (a `*` that may start `**`, a `-` that may start `---`) are held back, so text
// still appears token by token. Pure: text in, terminal bytes out.
//
// Styles are chalk's (the escape codes of a style are what chalk wraps a string in), switched as
// the text streams: a style opens where emphasis starts and closes where it ends, however the text
// is split into pieces, so the bytes do not depend on how the tokens arrived.
import { styleFor, type Style } from '../render/style.ts';

export interface MarkdownOptions {
  /** Colour on stdout, as the IO decided; without it the structure (bullets, rules, code indentation) still renders. */
  color: boolean;
  /** Width of horizontal rules. */
  columns: number;
}

type LineKind = 'text' | 'heading' | 'quote';

interface Inline {
  bold: boolean;
  italic: '' | '*' | '_';
  code: boolean;
}

type StyleName = 'bold' | 'dim' | 'italic' | 'underline' | 'cyan' | 'magenta';
const STYLE = { bold: 'bold', dim: 'dim', italic: 'italic', underline: 'underline', cyan: 'cyan', magenta: 'magenta' } satisfies Record<StyleName, StyleName>;
const CODE_INDENT = '    ';

export class MarkdownStream {
  private buffer = '';
  /** At the start of a line whose kind is not decided yet. */
  private lineStart = true;
  private lineKind: LineKind = 'text';
  private headingLevel = 0;
  private inFence: { marker: string; indent: number } | undefined;
  private inline: Inline = { bold: false, italic: '', code: false };
  /** The style currently in effect: chalk style names joined by ';' ('' = none). */
  private activeStyle = '';
  private previousChar = '\n';
  private readonly chalk: Style;
  /** Each style's opening and closing escape codes, as chalk writes them. */
  private readonly codes = new Map<string, { open: string; close: string }>();

  constructor(private readonly options: MarkdownOptions) {
    this.chalk = styleFor(options.color, 'stdout');
  }

  /** Feed a piece of text; returns what can be written now. */
  write(text: string): string {
    this.buffer += text;
    return this.drain(false);
  }

  /** The text has ended: write whatever was held back and reset the styles. */
  end(): string {
    const out = this.drain(true);
    const reset = this.setStyle('');
    this.reset();
    return out + reset;
  }

  private reset(): void {
    this.buffer = '';
    this.lineStart = true;
    this.lineKind = 'text';
    this.inFence = undefined;
    this.inline = { bold: false, italic: '', code: false };
    this.previousChar = '\n';
  }

  private drain(final: boolean): string {
    let out = '';
    while (this.buffer.length > 0) {
      if (this.lineStart) {
        const decided = this.inFence ? this.startFenceLine(final) : this.startLine(final);
        if (decided === undefined) break;
        out += decided;
        continue;
      }
      const step = this.inFence ? this.codeChars() : this.inlineChars(final);
      if (step === undefined) break;
      out += step;
    }
    return out;
  }

  // ---- line starts -------------------------------------------------------------------------

  /** Decide the kind of a new line outside a code block; undefined = need more text. */
  private startLine(final: boolean): string | undefined {
    const newline = this.buffer.indexOf('\n');
    const complete = newline >= 0 || final;
    const line = newline >= 0 ? this.buffer.slice(0, newline) : this.buffer;

    const fence = /^( {0,3})(`{3,}|~{3,})\s*([^`\s]*)/.exec(line);
    if (fence) {
      if (!complete) return undefined;
      this.consumeLine(newline);
      this.inFence = { marker: fence[2]!, indent: fence[1]!.length };
      const label = fence[3] ? ` ${fence[3]} ` : '';
      return `${this.styled(STYLE.dim, `──${label}${'─'.repeat(Math.max(3, 24 - label.length))}`)}\n`;
    }
    if (!complete && /^ {0,3}(`{1,2}|~{1,2})$/.test(line)) return undefined;

    const rule = /^ {0,3}([-*_])( *\1){2,} *$/.test(line);
    if (rule && complete) {
      this.consumeLine(newline);
      return `${this.styled(STYLE.dim, '─'.repeat(Math.max(3, Math.min(this.options.columns, 80) - 1)))}\n`;
    }
    // `-`, `--`, `* *`: a rule, a list item or emphasis; the next character decides.
    if (!complete && /^ *[-*_+]( *[-*_])* *$/.test(line)) return undefined;

    const heading = /^ {0,3}(#{1,6})(?: +|$)/.exec(line);
    if (heading && (complete || heading[0].length > heading[1]!.length + (/^ */.exec(line)![0].length))) {
      this.buffer = this.buffer.slice(heading[0].length);
      this.headingLevel = heading[1]!.length;
      return this.beginLine('heading', '');
    }
    if (!complete && /^ {0,3}#{1,6}$/.test(line)) return undefined;

    const bullet = /^( *)([-*+]) +(?=\S)/.exec(line);
    if (bullet) {
      this.buffer = this.buffer.slice(bullet[0].length);
      const depth = Math.floor(bullet[1]!.length / 2);
      return this.beginLine('text', `${'  '.repeat(depth)}${this.styled(STYLE.cyan, depth % 2 ? '◦' : '•')} `);
    }
    const ordered = /^( *)(\d{1,9})([.)]) +(?=\S)/.exec(line);
    if (ordered) {
      this.buffer = this.buffer.slice(ordered[0].length);
      const depth = Math.floor(ordered[1]!.length / 2);
      return this.beginLine('text', `${'  '.repeat(depth)}${this.styled(STYLE.cyan, `${ordered[2]}.`)} `);
    }
    if (!complete && /^ *\d{1,9}[.)]? *$/.test(line)) return undefined;

    const quote = /^ {0,3}> ?/.exec(line);
    if (quote) {
      if (!complete && quote[0].length === line.length && !quote[0].endsWith(' ')) return undefined;
      this.buffer = this.buffer.slice(quote[0].length);
      return this.beginLine('quote', this.styled(STYLE.dim, '│ '));
    }
    if (!complete && /^ *$/.test(line)) return undefined;
    return this.beginLine('text', '');
  }

  /** A line inside a fenced code block: the closing fence, or code written as is. */
  private startFenceLine(final: boolean): string | undefined {
    const fence = this.inFence!;
    const newline = this.buffer.indexOf('\n');
    const complete = newline >= 0 || final;
    const line = newline >= 0 ? this.buffer.slice(0, newline) : this.buffer;
    const closing = new RegExp(`^ {0,3}${fence.marker[0] === '`' ? '`' : '~'}{${fence.marker.length},} *$`);
    if (closing.test(line)) {
      if (!complete) return undefined;
      this.consumeLine(newline);
      this.inFence = undefined;
      return `${this.styled(STYLE.dim, '─'.repeat(27))}\n`;
    }
    const trimmed = line.replace(/^ +/, '');
    const couldClose = /^(`+|~+)$/.test(trimmed) && trimmed[0] === fence.marker[0];
    if (!complete && (trimmed === '' || couldClose) && line.length - trimmed.length <= 3) return undefined;
    // Drop the fence's own indentation from the code, as CommonMark does.
    const indent = Math.min(fence.indent, line.length - trimmed.length);
    this.buffer = this.buffer.slice(indent);
    this.lineStart = false;
    return CODE_INDENT + this.setStyle(STYLE.cyan);
  }

  private consumeLine(newline: number): void {
    this.buffer = newline >= 0 ? this.buffer.slice(newline + 1) : '';
    this.previousChar = '\n';
  }

  private beginLine(kind: LineKind, prefix: string): string {
    this.lineStart = false;
    this.lineKind = kind;
    this.inline = { bold: false, italic: '', code: false };
    this.previousChar = ' ';
    return prefix + this.setStyle(this.currentStyle());
  }

  private endLine(): string {
    const out = `${this.setStyle('')}\n`;
    this.lineStart = true;
    this.lineKind = 'text';
    this.headingLevel = 0;
    this.previousChar = '\n';
    return out;
  }

  // ---- inside a line -----------------------------------------------------------------------

  /** Code is written verbatim up to the end of its line. */
  private codeChars(): string {
    const newline = this.buffer.indexOf('\n');
    const text = newline >= 0 ? this.buffer.slice(0, newline) : this.buffer;
    this.buffer = newline >= 0 ? this.buffer.slice(newline) : '';
    if (newline >= 0) {
      this.buffer = this.buffer.slice(1);
      return text + this.endLine();
    }
    return text;
  }

  /** Write characters up to a point that needs lookahead; undefined when nothing could be written. */
  private inlineChars(final: boolean): string | undefined {
    let out = '';
    let i = 0;
    const text = this.buffer;
    const take = (n: number) => {
      i += n;
    };
    const literal = (chars: string) => {
      out += chars;
      this.previousChar = chars.at(-1)!;
    };
    while (i < text.length) {
      const c = text[i]!;
      const next = i + 1 < text.length ? text[i + 1] : final ? '\n' : undefined;
      if (c === '\n') {
        take(1);
        this.buffer = text.slice(i);
        return out + this.endLine();
      }
      if (this.inline.code) {
        if (c === '`') {
          take(1);
          this.inline.code = false;
          out += this.setStyle(this.currentStyle());
          this.previousChar = '`';
        } else {
          take(1);
          literal(c);
        }
        continue;
      }
      if (c === '\\') {
        if (next === undefined) break;
        if (next !== '\n' && /[\\`*_#>[\]()~|-]/.test(next)) {
          take(2);
          literal(next);
        } else {
          take(1);
          literal(c);
        }
        continue;
      }
      if (c === '[') {
        // [text](url): the text underlined, the address after it (dim). Held until decided.
        const rest = text.slice(i);
        const link = /^\[([^\]\n]*)\]\(([^()\s]*)\)/.exec(rest);
        if (link) {
          take(link[0].length);
          const [, label, url] = link;
          out += this.setStyle(joinCodes(this.currentStyle(), STYLE.underline)) + label + this.setStyle(this.currentStyle());
          if (url && url !== label) out += this.options.color ? `${this.setStyle(STYLE.dim)} (${url})${this.setStyle(this.currentStyle())}` : ` (${url})`;
          this.previousChar = ')';
          continue;
        }
        if (!final && /^\[[^\]\n]*(\](\([^()\s]*)?)?$/.test(rest)) break;
        take(1);
        literal(c);
        continue;
      }
      if (c === '`') {
        take(1);
        this.inline.code = true;
        out += this.setStyle(this.currentStyle());
        this.previousChar = '`';
        continue;
      }
      if (c === '*' || c === '_') {
        if (next === undefined) break;
        if (next === c) {
          // `**` / `__`: bold on or off; `__` only at word edges.
          const after = i + 2 < text.length ? text[i + 2] : final ? '\n' : undefined;
          if (after === undefined) break;
          const opens = !this.inline.bold && !/\s/.test(after) && (c === '*' || !isWordChar(this.previousChar));
          const closes = this.inline.bold && !/\s/.test(this.previousChar) && (c === '*' || !isWordChar(after));
          if (opens || closes) {
            take(2);
            this.inline.bold = opens;
            out += this.setStyle(this.currentStyle());
          } else {
            take(2);
            literal(c + c);
          }
          continue;
        }
        // A single `*` or `_` inside a word (3*4, snake_case) is not emphasis.
        const opens = !this.inline.italic && !/\s/.test(next) && !isWordChar(this.previousChar);
        const closes = this.inline.italic === c && !/\s/.test(this.previousChar) && (c === '*' || !isWordChar(next));
        take(1);
        if (opens || closes) {
          this.inline.italic = opens ? c : '';
          out += this.setStyle(this.currentStyle());
        } else {
          literal(c);
        }
        continue;
      }
      // Plain text: take the run up to the next special character in one go.
      let end = i + 1;
      while (end < text.length && !'\n`\\*_['.includes(text[end]!)) end++;
      literal(text.slice(i, end));
      i = end;
    }
    this.buffer = text.slice(i);
    return i === 0 && out === '' ? undefined : out;
  }

  // ---- styling -------------------------------------------------------------------------------

  private currentStyle(): string {
    const codes: string[] = [];
    if (this.lineKind === 'heading') {
      codes.push(STYLE.bold);
      if (this.headingLevel === 1) codes.push(STYLE.underline);
      if (this.headingLevel <= 2) codes.push(STYLE.magenta);
    }
    if (this.lineKind === 'quote') codes.push(STYLE.italic);
    if (this.inline.code) return [...codes.filter((c) => c === STYLE.bold), STYLE.cyan].join(';');
    if (this.inline.bold && !codes.includes(STYLE.bold)) codes.push(STYLE.bold);
    if (this.inline.italic && !codes.includes(STYLE.italic)) codes.push(STYLE.italic);
    return codes.join(';');
  }

  /** Switch to a style (chalk style names joined by ';'); returns the escape codes, if any. */
  private setStyle(style: string): string {
    if (!this.options.color || style === this.activeStyle) return '';
    const previous = this.activeStyle;
    this.activeStyle = style;
    return (previous ? this.codesOf(previous).close : '') + (style ? this.codesOf(style).open : '');
  }

  private codesOf(style: string): { open: string; close: string } {
    let codes = this.codes.get(style);
    if (!codes) {
      const styled = style.split(';').reduce((chalk, name) => chalk[name as StyleName], this.chalk);
      // chalk writes open + text + close; a marker character in place of the text splits them.
      const [open = '', close = ''] = styled('\u0000').split('\u0000');
      codes = { open, close };
      this.codes.set(style, codes);
    }
    return codes;
  }

  private styled(codes: string, text: string): string {
    if (!this.options.color) return text;
    return `${this.setStyle(codes)}${text}${this.setStyle('')}`;
  }
}

function joinCodes(...codes: string[]): string {
  return codes.filter(Boolean).join(';');
}

function isWordChar(c: string): boolean {
  return /[\p{L}\p{N}]/u.test(c);
}
