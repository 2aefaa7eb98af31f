// Huge strings in JSON answers go to disk, not into memory. A generated image arrives as one
// base64 string inside the response JSON (a 420 MB image is 560 MB of text, more than V8 can hold
// as one string). The fetch layer passes every JSON body through a scanner that follows JSON
// string boundaries; when the value of an image field (`result`, `b64_json`) grows past a
// threshold, its content is written to a private temporary file as it arrives, and the JSON the
// SDK sees carries a token in its place. The image saver decodes the file as a stream; printing
// the JSON streams the content back in, so `--json` output is still the service's bytes.
//
// A token is `aoai-spool:<nonce>:<n>`, with a random nonce per process: it is looked up in this
// process's registry, never read as a path, so a server that sends a token-like string cannot
// make aoai read a local file.
import { closeSync, mkdtempSync, openSync, readSync, rmSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
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

function spoolDirectory(): string {
  if (directory) return directory;
  // mkdtemp makes the directory 0700: only this user can list or open the files inside.
  try {
    directory = mkdtempSync(join(tmpdir(), 'aoai-spool-'));
  } catch (error) {
    throw new FileWriteError(join(tmpdir(), 'aoai-spool-…'), error, SPOOL_HINT);
  }
  const created = directory;
  // Also on Ctrl-C, SIGTERM and SIGHUP: their handlers end the process with process.exit.
  process.once('exit', () => rmSync(created, { recursive: true, force: true }));
  return created;
}

const SPOOL_HINT = 'large images are held in a temporary file in $TMPDIR (or /tmp) until saved; free space there, or point TMPDIR at a larger disk';

/** Limits, for the errors a spool can raise. */
export interface SpoolOptions {
  /** Total bytes this process may spool, over all responses. */
  maxSpoolBytes: number;
  /** The error for a spool over the cap. */
  tooLarge(): Error;
  thresholdBytes?: number;
  /** The body is an event stream: a line break ends any string (and any key context). */
  lines?: boolean;
}

let filesCreated = 0;

/** A spool file being written: registered (given a token) when its string ends. */
class SpoolFile {
  readonly path: string;
  private fd: number | undefined;
  private bytes = 0;

  constructor(private readonly options: SpoolOptions) {
    this.path = join(spoolDirectory(), String(filesCreated++));
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
    const token = `${TOKEN_PREFIX}${registry.size}`;
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
/** Strings are remembered up to this length: enough for any key, and for a response id. */
const MAX_RECORDED_BYTES = 128;

const enum State {
  /** Between tokens, nothing pending. */
  Outside,
  /** A string ended; a ':' next makes it a key. */
  AfterString,
  /** After `"key":`; a string next is that key's value. */
  AfterColon,
  InString,
}

function nextLineBreak(input: Buffer, from: number): number {
  const lf = input.indexOf(LF, from);
  const cr = input.indexOf(CR, from);
  return lf === -1 ? cr : cr === -1 ? lf : Math.min(lf, cr);
}

function isWhitespace(byte: number): boolean {
  return byte === 0x20 || byte === 0x0a || byte === 0x0d || byte === 0x09;
}

/**
 * The streaming scanner: JSON text in, the same JSON text out, except that values of image fields
 * longer than the threshold are replaced by spool tokens. Memory: at most the threshold (a value
 * held until it is known to be long) plus one chunk. Not a validator: text that is not JSON passes
 * through unchanged for the parser to reject.
 */
export class JsonStringSpooler {
  private state = State.Outside;
  /** Inside a string, the byte after a backslash is escaped (possibly in the next chunk). */
  private escaped = false;
  /** The current string's text so far while it is short; undefined once longer. */
  private recorded: Buffer | undefined;
  /** The last string, if short: a key when a ':' follows. */
  private lastString: string | undefined;
  /** The key whose value the current string is (when it follows `"key":`). */
  private key: string | undefined;
  /** The current string is an image field's value: held (below the threshold) or spooled. */
  private spooling = false;
  private held: Buffer[] = [];
  private heldBytes = 0;
  private file: SpoolFile | undefined;
  /** The first `"id"` value shaped like a response id: named when a spool fails. */
  responseId: string | undefined;
  private readonly threshold: number;
  /** An event stream: each line stands alone (a `data:` line holds one event's JSON). */
  private readonly lines: boolean;

  constructor(private readonly options: SpoolOptions) {
    this.threshold = options.thresholdBytes ?? SPOOL_THRESHOLD_BYTES;
    this.lines = options.lines ?? false;
  }

  /** The output for one chunk of input (empty while a value is held or spooled). */
  push(chunk: Uint8Array): Buffer {
    const input = Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    const out: Buffer[] = [];
    // Start of the input not yet emitted, held or spooled.
    let from = 0;
    let i = 0;
    while (i < input.length) {
      if (this.state === State.InString) {
        // In an event stream a line break ends everything: a JSON string never holds a raw one.
        const lineBreak = this.lines ? nextLineBreak(input, i) : -1;
        const scanned = lineBreak === -1 ? input : input.subarray(0, lineBreak);
        const end = this.findStringEnd(scanned, i);
        const stop = end === -1 ? scanned.length : end;
        if (this.spooling) {
          this.take(input.subarray(from, stop));
          from = stop;
        } else if (this.recorded) {
          this.recorded = this.recorded.length + stop - i <= MAX_RECORDED_BYTES ? Buffer.concat([this.recorded, input.subarray(i, stop)]) : undefined;
        }
        if (end === -1 && lineBreak === -1) break;
        if (end === -1) {
          // Not JSON: what was held goes on as it came (a spool file is dropped), for the parser to reject.
          if (this.spooling) out.push(...this.brokenValue());
          this.state = State.Outside;
          this.escaped = false;
          this.key = undefined;
          this.recorded = undefined;
          i = lineBreak;
          continue;
        }
        if (this.spooling) {
          out.push(...this.endValue());
          from = end + 1;
        } else {
          this.lastString = this.recorded?.toString('latin1');
          if (this.key === 'id' && this.responseId === undefined && this.lastString && /^resp_[A-Za-z0-9_-]+$/.test(this.lastString)) this.responseId = this.lastString;
        }
        this.key = undefined;
        this.state = State.AfterString;
        i = end + 1;
        continue;
      }
      const byte = input[i]!;
      if (this.lines && (byte === LF || byte === CR)) {
        this.state = State.Outside;
        i++;
        continue;
      }
      if (isWhitespace(byte)) {
        i++;
        continue;
      }
      if (byte === QUOTE) {
        this.key = this.state === State.AfterColon ? this.lastString : undefined;
        this.state = State.InString;
        this.escaped = false;
        this.recorded = Buffer.alloc(0);
        if (this.key !== undefined && SPOOLED_KEYS.has(this.key)) {
          // Emit up to and including the opening quote; hold the value from here.
          out.push(input.subarray(from, i + 1));
          from = i + 1;
          this.spooling = true;
        }
        i++;
        continue;
      }
      this.state = byte === COLON && this.state === State.AfterString && this.lastString !== undefined ? State.AfterColon : State.Outside;
      i++;
    }
    if (!this.spooling && from < input.length) out.push(input.subarray(from));
    return out.length === 1 ? out[0]! : Buffer.concat(out);
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
    let nextBackslash = input.indexOf(BACKSLASH, i);
    for (;;) {
      const quote = input.indexOf(QUOTE, i);
      if (nextBackslash === -1 || (quote !== -1 && quote < nextBackslash)) return quote;
      // An escape: skip the backslash and the byte after it.
      i = nextBackslash + 2;
      if (i > input.length) {
        this.escaped = true;
        return -1;
      }
      nextBackslash = input.indexOf(BACKSLASH, i);
    }
  }

  /** Content of an image field's value: held until it passes the threshold, then spooled. */
  private take(content: Buffer): void {
    if (content.length === 0) return;
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
    const parts = this.file ? [] : this.held;
    this.spooling = false;
    this.abort();
    return parts;
  }

  /** The value's closing quote: its text (a short one) or its token, then the quote. */
  private endValue(): Buffer[] {
    this.spooling = false;
    this.recorded = undefined;
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
