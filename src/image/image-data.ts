// The bytes of an image result, as a stream of chunks: the base64 string of a small result, or,
// for a large one held on disk by the fetch layer (core/spool.ts), its JSON text decoded piece by
// piece, so memory stays at one chunk however large the image.
import { spooledChunks, spooledString } from '../core/spool.ts';

/**
 * The decoded bytes of an image field's value (a base64 string, or a spool token). A chunk of a
 * spooled value is a view of a reused buffer, valid until the next is read: copy it to keep it.
 */
export function* imageBytes(result: string): Generator<Buffer> {
  const spooled = spooledString(result);
  if (!spooled) {
    yield Buffer.from(result, 'base64');
    return;
  }
  const decoder = new JsonBase64Decoder();
  for (const chunk of spooledChunks(spooled)) {
    const bytes = decoder.push(chunk);
    if (bytes.length > 0) yield bytes;
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}

const SIMPLE_ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** An escape, or the start of one cut off at the end of a chunk. */
const ESCAPE = /\\(?:u[0-9a-fA-F]{4}|[^u]|u[0-9a-fA-F]{0,3}$|$)/g;
const NOT_BASE64 = /[^A-Za-z0-9+/_-]+/g;

/**
 * JSON string text (escapes as the server wrote them, e.g. `\/`) in, decoded base64 out, in
 * chunks, each a view of a reused buffer valid until the next push. Decodes as
 * Buffer.from(text, 'base64') does the whole string: characters outside the base64 alphabets
 * (standard and URL-safe) are skipped, and the first '=' ends the data.
 */
export class JsonBase64Decoder {
  /** An escape cut by the chunk boundary. */
  private partialEscape = '';
  /** Base64 characters not yet a whole group of four. */
  private pending = '';
  private ended = false;
  /** Decoded bytes land here, reused from chunk to chunk: no new buffer (and no garbage) per chunk. */
  private output = Buffer.alloc(0);

  /** The base64 text decoded into the reused output buffer. */
  private decode(base64: string): Buffer {
    const most = Math.ceil((base64.length * 3) / 4);
    if (this.output.length < most) this.output = Buffer.allocUnsafe(Math.max(most, 64 * 1024));
    return this.output.subarray(0, this.output.write(base64, 'base64'));
  }

  push(chunk: Uint8Array): Buffer {
    if (this.ended) return Buffer.alloc(0);
    // latin1 maps each byte to one character: multi-byte UTF-8 is not base64 and is skipped anyway.
    let text = this.partialEscape + Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength).toString('latin1');
    this.partialEscape = '';
    if (text.includes('\\')) {
      text = text.replace(ESCAPE, (escape, offset: number) => {
        if (offset + escape.length === text.length && (escape.length === 1 || (escape[1] === 'u' && escape.length < 6))) {
          this.partialEscape = escape;
          return '';
        }
        if (escape[1] === 'u') return String.fromCharCode(parseInt(escape.slice(2), 16));
        return SIMPLE_ESCAPES[escape[1]!] ?? '';
      });
    }
    const padding = text.indexOf('=');
    if (padding !== -1) {
      text = text.slice(0, padding);
      this.ended = true;
    }
    const characters = this.pending + text.replace(NOT_BASE64, '');
    if (this.ended) {
      this.pending = '';
      return this.decode(characters);
    }
    const whole = characters.length - (characters.length % 4);
    this.pending = characters.slice(whole);
    return this.decode(characters.slice(0, whole));
  }

  end(): Buffer {
    const rest = this.decode(this.pending);
    this.pending = '';
    this.ended = true;
    return rest;
  }
}
