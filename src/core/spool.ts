// Huge strings in JSON answers go to disk, not into memory. A generated image arrives as one
// base64 string inside the response JSON (a 420 MB image is 560 MB of text, more than V8 can hold
// as one string). The fetch layer passes every JSON body (and every event-stream line that spans
// network reads) through a scanner that finds the keys of image fields (`result`,
// `partial_image_b64`, `b64_json`) and follows their string values to the closing quote; a value
// that grows past a threshold is written to a private temporary file as it arrives, and the JSON
// the SDK sees carries a token in its place. The image saver decodes the file as a stream;
// printing the JSON streams the content back in, so `--json` output is still the service's bytes.
//
// A token is `aoai-spool:<nonce>:<n>`, with a random nonce per process: it is looked up in this
// process's registry, never read as a path, so a server that sends a token-like string cannot
// make aoai read a local file.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileWriteError } from './atomic-write.ts';
import { ExitCode } from './errors.ts';

/** A string value longer than this (in bytes of JSON text) goes to disk. */
export const SPOOL_THRESHOLD_BYTES = 1024 * 1024;

/** The fields whose values are images in base64: image_generation_call.result, a stream's partial images, images API b64_json. */
const SPOOLED_KEYS = new Set(['result', 'b64_json', 'partial_image_b64']);

/** One string value held on disk: its JSON text between the quotes, escapes as the server sent them. */
export interface SpooledString {
  readonly token: string;
  readonly path: string;
  /** Bytes of JSON text (escaped) in the file. */
  readonly bytes: number;
}

const nonce = randomBytes(16).toString('hex');
const TOKEN_PREFIX = `aoai-spool:${nonce}:`;
const registry = new Map<string, SpooledString>();
let directory: string | undefined;
let spooledBytes = 0;

/** The spooled string a value stands for, or undefined for any other string (a server's included). */
export function spooledString(value: unknown): SpooledString | undefined {
  return typeof value === 'string' && value.startsWith(TOKEN_PREFIX) ? registry.get(value) : undefined;
}

/** Bytes held on disk now, over every response of this run (what max-spool-mb caps). */
export function spooledBytesInAll(): number {
  return spooledBytes;
}

/** Does this text (a JSON body, or JSON made from a parsed one) carry a spool token? */
export function hasSpoolTokens(text: string): boolean {
  return registry.size > 0 && text.includes(TOKEN_PREFIX);
}

/** Tokens in JSON text, as they appear there (always quoted: nonce and number need no escapes). */
export const SPOOL_TOKEN_PATTERN = new RegExp(`"(${TOKEN_PREFIX}\\d+)"`, 'g');

/**
 * Chunks read back from a spool file: small enough that the strings made of them (decoding,
 * escaping) stay in V8's young generation and die there, instead of piling up as large objects
 * until a full collection.
 */
const SPOOL_CHUNK_BYTES = 64 * 1024;

/**
 * The JSON text of a spooled string, in chunks of at most `chunkBytes`, read from disk as needed.
 * Each chunk is a view of one reused buffer, valid until the next is read: copy it to keep it.
 */
export function* spooledChunks(spooled: SpooledString, chunkBytes = SPOOL_CHUNK_BYTES): Generator<Buffer> {
  const fd = openSync(spooled.path, 'r');
  try {
    const buffer = Buffer.allocUnsafe(chunkBytes);
    for (;;) {
      const read = readSync(fd, buffer, 0, chunkBytes, null);
      if (read === 0) return;
      yield buffer.subarray(0, read);
    }
  } finally {
    closeSync(fd);
  }
}

/**
 * JSON text in pieces, each spool token replaced by the string it stands for: the text around the
 * tokens, and the spooled text read from disk in chunks (the server's JSON text, escapes and all).
 * `escape` rewrites spooled text on its way (a terminal's C1 escaping); without it the chunks are
 * bytes. A token-like string this process did not make is the server's text and stays as it is.
 */
export function* inlinedPieces(text: string, escape?: (text: string) => string): Generator<string | Buffer> {
  let from = 0;
  for (const match of text.matchAll(SPOOL_TOKEN_PATTERN)) {
    const spooled = spooledString(match[1]);
    if (!spooled) continue;
    yield text.slice(from, match.index + 1);
    const decoder = new StringDecoder('utf8');
    // A copy of each chunk: the reader may still hold it when the next is read into the same buffer.
    for (const chunk of spooledChunks(spooled)) yield escape ? escape(decoder.write(chunk)) : Buffer.from(chunk);
    if (escape) yield escape(decoder.end());
    from = match.index + match[0].length - 1;
  }
  yield text.slice(from);
}

/** The spooled strings of this text are written out and no longer needed: their files go (and count no more against the cap). */
export function releaseSpooled(text: string): void {
  if (!hasSpoolTokens(text)) return;
  for (const match of text.matchAll(SPOOL_TOKEN_PATTERN)) {
    const spooled = spooledString(match[1]);
    if (!spooled) continue;
    registry.delete(spooled.token);
    spooledBytes -= spooled.bytes;
    rmSync(spooled.path, { force: true });
  }
}

function spoolDirectory(): string {
  if (directory) return directory;
  // mkdtemp makes the directory 0700: only this user can list or open the files inside.
  try {
    directory = mkdtempSync(join(tmpdir(), 'aoai-spool-'));
  } catch (error) {
    throw new FileWriteError(join(tmpdir(), 'aoai-spool-…'), error, SPOOL_HINT);
  }
  // Also on Ctrl-C, SIGTERM and SIGHUP: their handlers end the process with process.exit.
  process.once('exit', removeSpoolDirectory);
  return directory;
}

/** Remove every spooled string and the directory (at exit; a test's worker, which has no exit of its own, calls it). */
export function removeSpoolDirectory(): void {
  if (directory) rmSync(directory, { recursive: true, force: true });
  directory = undefined;
  registry.clear();
  spooledBytes = 0;
}

const SPOOL_HINT = 'large images are held in a temporary file in $TMPDIR (or /tmp) until saved; free space there, or point TMPDIR at a larger disk';

/** Limits, for the errors a spool can raise. */
export interface SpoolOptions {
  /** Total bytes this process may spool, over all responses. */
  maxSpoolBytes: number;
  /** The error for a spool over the cap. */
  tooLarge(): Error;
  thresholdBytes?: number;
  /** The body is an event stream: a line break ends any value (and any key before it). */
  lines?: boolean;
}

let filesCreated = 0;

/** A spool file being written: registered (given a token) when its string ends. */
class SpoolFile {
  readonly path: string;
  /** Names the file and the token: never reused, also after a release. */
  private readonly number = filesCreated++;
  private fd: number | undefined;
  private bytes = 0;

  constructor(private readonly options: SpoolOptions) {
    this.path = join(spoolDirectory(), String(this.number));
    try {
      this.fd = openSync(this.path, 'wx', 0o600);
    } catch (error) {
      throw new FileWriteError(this.path, error, SPOOL_HINT);
    }
  }

  write(chunk: Uint8Array): void {
    if (spooledBytes + chunk.byteLength > this.options.maxSpoolBytes) {
      this.discard();
      throw this.options.tooLarge();
    }
    let offset = 0;
    try {
      while (offset < chunk.byteLength) {
        const written = writeSync(this.fd!, chunk, offset, chunk.byteLength - offset);
        if (written === 0) throw Object.assign(new Error('no space left on device'), { code: 'ENOSPC' });
        offset += written;
      }
    } catch (error) {
      this.discard();
      throw new FileWriteError(this.path, error, SPOOL_HINT, ExitCode.WriteFailed);
    }
    this.bytes += chunk.byteLength;
    spooledBytes += chunk.byteLength;
  }

  finish(): SpooledString {
    closeSync(this.fd!);
    this.fd = undefined;
    const token = `${TOKEN_PREFIX}${this.number}`;
    const spooled = { token, path: this.path, bytes: this.bytes };
    registry.set(token, spooled);
    return spooled;
  }

  discard(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
    spooledBytes -= this.bytes;
    rmSync(this.path, { force: true });
  }
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
/** A response id is remembered up to this length. */
const MAX_ID_BYTES = 128;

/**
 * What the scanner looks for: a key, quotes included. Inside a JSON string every '"' is escaped,
 * so `"result"` followed by ':' cannot come from inside a string: it is the key itself, or (for a
 * key that ends in `\"result`) a harmless false match whose value is spooled all the same.
 */
const KEY_NEEDLES = [...SPOOLED_KEYS, 'id'].map((key) => ({ key, bytes: Buffer.from(`"${key}"`, 'latin1') }));
const LONGEST_NEEDLE = Math.max(...KEY_NEEDLES.map((needle) => needle.bytes.length));

const enum State {
  /** Looking for the next key. */
  Outside,
  /** After `"key"`; a ':' next. */
  AfterKey,
  /** After `"key":`; a string next is that key's value. */
  AfterColon,
  /** Inside the value of an image field: held (below the threshold) or spooled. */
  InImage,
  /** Inside the value of `id`. */
  InId,
}

/**
 * The first or last line break (LF or CR) in the input, or -1. LF is searched first: event
 * streams end lines with it, and a search for CR, which is rare, then covers only a short stretch.
 */
function lineBreakIn(input: Buffer, which: 'first' | 'last'): number {
  if (which === 'first') {
    const lf = input.indexOf(LF);
    const cr = (lf === -1 ? input : input.subarray(0, lf)).indexOf(CR);
    return cr === -1 ? lf : cr;
  }
  const lf = input.lastIndexOf(LF);
  const cr = input.subarray(lf + 1).lastIndexOf(CR);
  return cr === -1 ? lf : lf + 1 + cr;
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * The streaming scanner: JSON text in, the same JSON text out, except that values of image fields
 * longer than the threshold are replaced by spool tokens. It follows keys and the strings of image
 * values, nothing else, so the rest of a body costs a few fast searches per chunk. Memory: at most
 * the threshold (a value held until it is known to be long) plus one chunk. Not a validator: text
 * that is not JSON passes through unchanged for the parser to reject.
 */
export class JsonStringSpooler {
  private state = State.Outside;
  /** The key whose value comes next (AfterKey, AfterColon). */
  private key = '';
  /** Inside a value, the byte after a backslash is escaped (possibly in the next chunk). */
  private escaped = false;
  /** The end of the previous chunk, where a key cut in two may begin (already passed on). */
  private tail = Buffer.alloc(0);
  /** The `id` value so far, while short. */
  private idText: string | undefined;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private file: SpoolFile | undefined;
  /** The first `"id"` value shaped like a response id: named when a spool fails. */
  responseId: string | undefined;
  private readonly threshold: number;
  /** An event stream: each line stands alone (a `data:` line holds one event's JSON). */
  private readonly lines: boolean;
  /** An event stream whose last chunk ended a line (or that has not started): the next chunk starts one. */
  private atLineStart = true;
  /** Counts the times output differed from input (a value held, spooled, replaced or dropped). */
  private rewrites = 0;
  /** Per piece: where the next backslash, quote and each key are (-1: none left; -2: not looked yet). */
  private nextAt: number[] = [];

  constructor(private readonly options: SpoolOptions) {
    this.threshold = options.thresholdBytes ?? SPOOL_THRESHOLD_BYTES;
    this.lines = options.lines ?? false;
  }

  /** The output for one chunk of input (empty while a value is held or spooled). */
  push(chunk: Uint8Array): Buffer {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    const rewritesBefore = this.rewrites;
    const firstBreak = this.lines ? lineBreakIn(input, 'first') : -1;
    if (firstBreak === -1) {
      this.scan(input, out);
    } else {
      // An event stream: only a line that does not end in this chunk can hold a long value. The
      // end of the line that was open, and the last line, are scanned; the whole lines between
      // them (most of a stream: short events) pass untouched.
      const lastBreak = lineBreakIn(input, 'last');
      if (!this.atLineStart) this.scan(input.subarray(0, firstBreak), out);
      this.endLine(out);
      out.push(input.subarray(firstBreak, lastBreak + 1));
      this.scan(input.subarray(lastBreak + 1), out);
    }
    this.atLineStart = this.lines && (input.at(-1) === LF || input.at(-1) === CR);
    // Nothing held, spooled or replaced: the chunk goes on as it came, without a copy.
    if (this.rewrites === rewritesBefore) return input;
    return out.length === 1 ? out[0]! : Buffer.concat(out);
  }

  /** A line break in an event stream: whatever was open ends (a value cut by it is not JSON). */
  private endLine(out: Buffer[]): void {
    // What was held goes on as it came (a spool file is dropped), for the parser to reject.
    if (this.state === State.InImage) out.push(...this.brokenValue());
    this.state = State.Outside;
    this.tail = Buffer.alloc(0);
  }

  /** Scan one piece of the input (in an event stream, a piece without line breaks), adding its output to `out`. */
  private scan(input: Buffer, out: Buffer[]): void {
    this.nextAt = [-2, -2, -2, -2, -2, -2, -2, -2];
    // Start of the input not yet passed on (a value being held or spooled is not).
    let from = 0;
    let outsideFrom = 0;
    let i = this.state === State.Outside ? this.keyAcrossChunks(input) : 0;
    while (i < input.length) {
      if (this.state === State.Outside) {
        i = this.findKey(input, i);
        continue;
      }
      if (this.state === State.AfterKey || this.state === State.AfterColon) {
        const byte = input[i]!;
        if (byte === COLON && this.state === State.AfterKey) this.state = State.AfterColon;
        else if (byte === QUOTE && this.state === State.AfterColon) {
          this.escaped = false;
          if (this.key === 'id') {
            this.state = State.InId;
            this.idText = '';
          } else {
            this.state = State.InImage;
            // Pass on up to and including the opening quote; hold the value from here.
            out.push(input.subarray(from, i + 1));
            from = i + 1;
          }
        } else if (!isWhitespace(byte)) this.state = State.Outside;
        i++;
        outsideFrom = i;
        continue;
      }
      const end = this.findStringEnd(input, i);
      const stop = end === -1 ? input.length : end;
      if (this.state === State.InImage) {
        this.take(input.subarray(from, stop));
        from = stop;
      } else if (this.idText !== undefined) {
        this.idText = this.idText.length + stop - i <= MAX_ID_BYTES ? this.idText + input.toString('latin1', i, stop) : undefined;
      }
      if (end === -1) break;
      if (this.state === State.InImage) {
        out.push(...this.endValue());
        from = end + 1;
      } else if (this.idText !== undefined && /^resp_[A-Za-z0-9_-]+$/.test(this.idText)) {
        this.responseId ??= this.idText;
      }
      this.state = State.Outside;
      i = end + 1;
      outsideFrom = i;
    }
    // Where a key cut by the end of this piece may begin: its last bytes seen outside any value.
    if (this.state === State.Outside) {
      const last = input.subarray(Math.max(outsideFrom, input.length - LONGEST_NEEDLE + 1));
      const seen = outsideFrom === 0 ? Buffer.concat([this.tail, last]) : last;
      this.tail = Buffer.from(seen.subarray(Math.max(0, seen.length - LONGEST_NEEDLE + 1)));
    } else {
      this.tail = Buffer.alloc(0);
    }
    if (this.state !== State.InImage && from < input.length) out.push(input.subarray(from));
  }

  /** The next key at or after `from`: moves to AfterKey past it, or to the end of the chunk. */
  private findKey(input: Buffer, from: number): number {
    let best = -1;
    let found: (typeof KEY_NEEDLES)[number] | undefined;
    for (const [slot, needle] of KEY_NEEDLES.entries()) {
      // Once a response id is known, `id` is no longer looked for.
      if (needle.key === 'id' && this.responseId !== undefined) continue;
      const at = this.next(input, 2 + slot, needle.bytes, from);
      if (at !== -1 && (best === -1 || at < best)) {
        best = at;
        found = needle;
      }
    }
    if (!found) return input.length;
    this.state = State.AfterKey;
    this.key = found.key;
    return best + found.bytes.length;
  }

  /** A key cut by the chunk boundary: where its rest ends in this chunk, or 0. */
  private keyAcrossChunks(input: Buffer): number {
    if (this.tail.length === 0) return 0;
    const joint = Buffer.concat([this.tail, input.subarray(0, LONGEST_NEEDLE - 1)]);
    for (const needle of KEY_NEEDLES) {
      const at = joint.indexOf(needle.bytes);
      if (at === -1 || at + needle.bytes.length <= this.tail.length) continue;
      this.state = State.AfterKey;
      this.key = needle.key;
      return at + needle.bytes.length - this.tail.length;
    }
    return 0;
  }

  /** The first `value` at or after `from` in this chunk, remembered so a chunk is searched once per needle. */
  private next(input: Buffer, slot: number, value: number | Buffer, from: number): number {
    const at = this.nextAt[slot] ?? -2;
    if (at === -1 || at >= from) return at;
    return (this.nextAt[slot] = input.indexOf(value, from));
  }

  /** The end of the input: a value still held goes out as it came (a cut body stays cut). */
  end(): Buffer {
    const rest = this.file ? Buffer.alloc(0) : Buffer.concat(this.held);
    this.abort();
    return rest;
  }

  /** Give up (the body failed): remove a half-written spool file. */
  abort(): void {
    this.file?.discard();
    this.file = undefined;
    this.held = [];
    this.heldBytes = 0;
  }

  /** Index of the unescaped closing quote at or after `from`, or -1; keeps the escape state across chunks. */
  private findStringEnd(input: Buffer, from: number): number {
    let i = from;
    if (this.escaped) {
      if (i >= input.length) return -1;
      this.escaped = false;
      i++;
    }
    for (;;) {
      const quote = this.next(input, 1, QUOTE, i);
      const backslash = this.next(input, 0, BACKSLASH, i);
      if (backslash === -1 || (quote !== -1 && quote < backslash)) return quote;
      // An escape: skip the backslash and the byte after it.
      i = backslash + 2;
      if (i > input.length) {
        this.escaped = true;
        return -1;
      }
    }
  }

  /** Content of an image field's value: held until it passes the threshold, then spooled. */
  private take(content: Buffer): void {
    if (content.length === 0) return;
    this.rewrites++;
    if (this.file) {
      this.file.write(content);
      return;
    }
    this.held.push(Buffer.from(content));
    this.heldBytes += content.length;
    if (this.heldBytes <= this.threshold) return;
    this.file = new SpoolFile(this.options);
    for (const part of this.held) this.file.write(part);
    this.held = [];
    this.heldBytes = 0;
  }

  /** A value cut by a line break: its held text as it came; a spooled one is dropped. */
  private brokenValue(): Buffer[] {
    this.rewrites++;
    const parts = this.file ? [] : this.held;
    this.abort();
    return parts;
  }

  /** The value's closing quote: its text (a short one) or its token, then the quote. */
  private endValue(): Buffer[] {
    this.rewrites++;
    if (this.file) {
      const spooled = this.file.finish();
      this.file = undefined;
      return [Buffer.from(`${spooled.token}"`, 'latin1')];
    }
    const parts = [...this.held, Buffer.from('"')];
    this.held = [];
    this.heldBytes = 0;
    return parts;
  }
}
