// A server that does not play nice, on loopback at a random port: slow and endless bodies, huge
// JSON, gzip bombs, huge event-stream lines, events out of order, cursors that repeat, error
// bodies of odd shapes, huge images. The mode is the first path segment, so a test points
// AZURE_OPENAI_ENDPOINT at `${server.url}/MODE` (aoai keeps an endpoint's path prefix) and every
// request of that run gets the same treatment. Any key is accepted.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants, crc32, deflateRawSync, gzipSync } from 'node:zlib';

export type HostileMode =
  | 'broken-json-event'
  | 'slow-body'
  | 'endless-body'
  | 'huge-json'
  | 'gzip-bomb'
  | 'huge-sse-line'
  | 'slow-live-stream'
  | 'sequence-jump'
  | 'sequence-backwards'
  | 'repeating-cursor'
  | 'huge-error'
  | 'long-error-message'
  | 'huge-image'
  | 'big-image'
  | 'big-image-stalled'
  | 'medium-image'
  | 'forged-spool-token'
  | 'big-image-stream'
  | 'huge-png'
  | 'huge-download'
  | `odd-error-${OddErrorShape}`;

/** Error bodies as servers (and gateways in front of them) have been seen to send them. */
export const ODD_ERROR_BODIES = {
  array: '[{"code":"A1","message":"first problem"},{"code":"A2","message":"second problem"}]',
  number: '42',
  string: '{"error":"quota exhausted for this key"}',
  'message-object': '{"message":{"text":"nested text","detail":{"why":"because"}}}',
  nested: '{"error":{"error":{"code":"Inner","message":"deep message"}}}',
  'error-message-object': '{"error":{"code":"Odd","message":{"reason":"an object instead of text"}}}',
  gateway: '{"statusCode":429,"message":"Rate limit is exceeded. Try again in 1 seconds."}',
  empty: '{}',
  null: 'null',
} as const;
export type OddErrorShape = keyof typeof ODD_ERROR_BODIES;

export interface HostileServer {
  url: string;
  /** The endpoint for one mode. */
  endpoint(mode: HostileMode): string;
  /** Every request received, in order. */
  requests: Array<{ method: string; path: string }>;
  close(): Promise<void>;
}

const MB = 1024 * 1024;

export async function startHostileServer(): Promise<HostileServer> {
  const requests: HostileServer['requests'] = [];
  const timers = new Set<NodeJS.Timeout>();
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? 'GET', path: req.url ?? '/' });
    // Drain the request body, then answer.
    req.resume();
    req.on('end', () => handle(req, res, timers));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    endpoint: (mode) => `${url}/${mode}`,
    requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const timer of timers) clearInterval(timer);
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function handle(req: IncomingMessage, res: ServerResponse, timers: Set<NodeJS.Timeout>): void {
  const path = new URL(req.url ?? '/', 'http://x').pathname;
  const mode = path.split('/')[1] ?? '';
  const every = (ms: number, tick: () => boolean | void) => {
    const timer = setInterval(() => {
      if (res.destroyed || tick() === false) {
        clearInterval(timer);
        timers.delete(timer);
      }
    }, ms);
    timers.add(timer);
    res.on('close', () => {
      clearInterval(timer);
      timers.delete(timer);
    });
  };
  if (mode.startsWith('odd-error-')) {
    const body = ODD_ERROR_BODIES[mode.slice('odd-error-'.length) as OddErrorShape];
    res.writeHead(400, { 'content-type': 'application/json', 'x-request-id': 'req_hostile' }).end(body);
    return;
  }
  switch (mode) {
    case 'slow-body':
      // Headers at once, then one byte a second: the body never finishes in any sane time.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{');
      every(1000, () => void res.write(' '));
      return;
    case 'endless-body':
    case 'huge-json': {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write('{"id":"resp_1","object":"response","padding":"');
      // huge-json: 100 MB and then a valid end; endless-body: "endless" is 300 MB, enough to
      // break any cap, and a bound on what a client without caps would pile up in a test.
      sendRepeated(res, Buffer.alloc(MB, 'x'), mode === 'huge-json' ? 100 : 300, '"}');
      return;
    }
    case 'gzip-bomb': {
      // 1024 gzip members of 1 MB of spaces each: about 1 MB on the wire, 1 GB decoded.
      res.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
      sendRepeated(res, gzipSync(Buffer.alloc(MB, ' '), { level: constants.Z_BEST_COMPRESSION }), 1024, '');
      return;
    }
    case 'huge-sse-line': {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(0, 'response.created', { response: response('in_progress') }));
      res.write(sse(1, 'response.output_text.delta', delta('Before the flood')));
      res.write('data: {"type":"response.output_text.delta","delta":"');
      sendRepeated(res, Buffer.alloc(MB, 'x'), 300, '"}\n\n');
      return;
    }
    case 'slow-live-stream': {
      // A stream that takes longer than --timeout but never goes quiet for long.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      let sequence = 0;
      res.write(sse(sequence++, 'response.created', { response: response('in_progress') }));
      let ticks = 0;
      every(250, () => {
        if (ticks++ < 12) {
          res.write(sse(sequence++, 'response.output_text.delta', delta(`tick${ticks} `)));
          return true;
        }
        res.end(sse(sequence++, 'response.completed', { response: response('completed') }));
        return false;
      });
      return;
    }
    case 'sequence-jump':
    case 'sequence-backwards': {
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(0, 'response.created', { response: response('in_progress') }));
      res.write(sse(1, 'response.output_text.delta', delta('Hello, ')));
      res.write(sse(2, 'response.output_text.delta', delta('world')));
      if (mode === 'sequence-jump') res.write(sse(7, 'response.output_text.delta', delta(' (after a gap)')));
      else res.write(sse(1, 'response.output_text.delta', delta(' (again)')));
      res.end(sse(mode === 'sequence-jump' ? 8 : 3, 'response.completed', { response: response('completed') }));
      return;
    }
    case 'broken-json-event': {
      // An event whose data is not JSON: the openai SDK logs it before it throws.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(0, 'response.created', { response: response('in_progress') }));
      res.write(sse(1, 'response.output_text.delta', delta('Hello')));
      res.end('event: response.output_text.delta\ndata: {"type": broken\n\n');
      return;
    }
    case 'repeating-cursor': {
      // Every page says there is more, and every page ends with the same id.
      res.writeHead(200, { 'content-type': 'application/json' });
      if (path.endsWith('/files')) {
        const file = { id: 'file-same', object: 'file', bytes: 1, created_at: 1, filename: 'a.txt', purpose: 'assistants', status: 'processed' };
        res.end(JSON.stringify({ object: 'list', data: [file], first_id: 'file-same', last_id: 'file-same', has_more: true }));
      } else {
        const item = { id: 'msg_same', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: 'hi' }] };
        res.end(JSON.stringify({ object: 'list', data: [item], first_id: 'msg_same', last_id: 'msg_same', has_more: true }));
      }
      return;
    }
    case 'huge-error': {
      // A 500 whose body goes on and on (not retried: x-should-retry false).
      res.writeHead(500, { 'content-type': 'application/json', 'x-should-retry': 'false' });
      res.write('{"error":{"message":"');
      sendRepeated(res, Buffer.alloc(MB, 'e'), 50, '"}}');
      return;
    }
    case 'long-error-message':
      res.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'TooLong', message: 'blah '.repeat(20_000) } }));
      return;
    case 'huge-image': {
      // A JSON response carrying a 420 MB image (560 MB of base64), sent as it is produced.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"id":"resp_img","object":"response","status":"completed","output":[{"type":"image_generation_call","id":"ig_1","status":"completed","result":"`);
      sendRepeated(res, Buffer.alloc(MB, 'A'), 560, '"}]}');
      return;
    }
    case 'big-image-stalled': {
      // The big image's first STALLED_IMAGE_CHUNKS chunks, then silence with the connection open:
      // a client is caught with a value half spooled, whatever the machine's speed.
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"id":"resp_bigimage01","object":"response","status":"completed","output":[{"type":"image_generation_call","id":"ig_1","status":"completed","result":"`);
      for (let index = 0; index < STALLED_IMAGE_CHUNKS; index++) res.write(bigImageChunk(index).toString('base64'));
      return;
    }
    case 'big-image':
    case 'medium-image': {
      // A JSON response carrying a real-looking PNG of BIG_IMAGE_CHUNKS × 768 KiB (150 MiB; the
      // medium one MEDIUM_IMAGE_CHUNKS), its base64 written as some servers do, every '/' escaped
      // as '\/'; made as it is sent.
      const chunks = mode === 'big-image' ? BIG_IMAGE_CHUNKS : MEDIUM_IMAGE_CHUNKS;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.write(`{"id":"resp_bigimage01","object":"response","status":"completed","output":[{"type":"image_generation_call","id":"ig_1","status":"completed","result":"`);
      let index = 0;
      const pump = () => {
        while (!res.destroyed && index < chunks) {
          const text = bigImageChunk(index++).toString('base64').replace(/\//g, '\\/');
          if (!res.write(text)) return void res.once('drain', pump);
        }
        if (!res.destroyed) res.end('","revised_prompt":"a big picture"}],"usage":null}');
      };
      pump();
      return;
    }
    case 'big-image-stream': {
      // An event stream whose image (STREAM_IMAGE_CHUNKS × 768 KiB, 30 MiB) arrives twice, in
      // output_item.done and in response.completed: each of those lines is 40 MB, past the
      // default event-line cap of 16 MB.
      const base64 = Buffer.concat(Array.from({ length: STREAM_IMAGE_CHUNKS }, (_, index) => bigImageChunk(index))).toString('base64');
      const item = (result: string) => `{"type":"image_generation_call","id":"ig_1","status":"completed","revised_prompt":"a big picture","result":"${result}"}`;
      const created = { ...response('in_progress'), id: 'resp_streamimage1' };
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.write(sse(0, 'response.created', { response: created }));
      res.write(sse(1, 'response.output_item.added', { output_index: 0, item: JSON.parse(item('')) as unknown }));
      res.write(`event: response.output_item.done\ndata: {"type":"response.output_item.done","sequence_number":2,"output_index":0,"item":${item(base64)}}\n\n`);
      const completed = JSON.stringify({ ...created, status: 'completed', output: ['ITEM'] }).replace('"ITEM"', item(base64));
      res.end(`event: response.completed\ndata: {"type":"response.completed","sequence_number":3,"response":${completed}}\n\n`);
      return;
    }
    case 'forged-spool-token':
      res.writeHead(200, { 'content-type': 'application/json' }).end(FORGED_SPOOL_BODY);
      return;
    case 'huge-download':
      // A 300 MB file: fine to save, as long as it goes to disk as it arrives.
      res.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': String(300 * MB) });
      sendRepeated(res, Buffer.alloc(MB, 'd'), 300, '');
      return;
    case 'huge-png': {
      const png = hugePng();
      const body = { ...response('completed'), output: [{ type: 'image_generation_call', id: 'ig_1', status: 'completed', result: png.toString('base64') }] };
      res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(body));
      return;
    }
    default:
      res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: { code: 'NoMode', message: `no hostile mode '${mode}'` } }));
  }
}

/** A string shaped like aoai's spool tokens (core/spool.ts), with a nonce the server cannot know. */
export const FORGED_SPOOL_TOKEN = `aoai-spool:${'0'.repeat(32)}:0`;
export const FORGED_SPOOL_BODY = JSON.stringify({ ...response('completed'), output: [{ type: 'image_generation_call', id: 'ig_1', status: 'completed', result: FORGED_SPOOL_TOKEN }] });

/** How much of the big image the big-image-stalled mode sends (16 × 768 KiB: 16 MB of base64). */
const STALLED_IMAGE_CHUNKS = 16;

/** The big-image mode's image: this many chunks of BIG_IMAGE_CHUNK_BYTES. */
export const BIG_IMAGE_CHUNKS = 200;
/** The medium-image mode's image (6 MiB): the first chunks of the same image. */
export const MEDIUM_IMAGE_CHUNKS = 8;
/** The big-image-stream mode's image: the first chunks of the same image. */
export const STREAM_IMAGE_CHUNKS = 40;
/** A multiple of 3, so the base64 of the chunks, joined, is the base64 of the image. */
const BIG_IMAGE_CHUNK_BYTES = 768 * 1024;
let bigImageNoise: Buffer | undefined;

/**
 * Chunk `index` of the big image: a PNG signature and IHDR (8000×6000) in the first, then
 * pseudo-random bytes, each chunk numbered so no two are alike. Deterministic: a test makes the
 * same chunks to hash them.
 */
export function bigImageChunk(index: number): Buffer {
  bigImageNoise ??= Buffer.from(Array.from({ length: BIG_IMAGE_CHUNK_BYTES }, (_, i) => (Math.imul(i + 1, 2654435761) >>> 13) & 0xff));
  const chunk = Buffer.from(bigImageNoise);
  chunk.writeUInt32BE(index, 64);
  if (index === 0) {
    const ihdr = Buffer.alloc(13);
    ihdr.writeUInt32BE(8000, 0);
    ihdr.writeUInt32BE(6000, 4);
    ihdr[8] = 8;
    ihdr[9] = 2;
    Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr)]).copy(chunk, 0);
  }
  return chunk;
}

/** Write `chunk` `count` times (respecting back-pressure, stopping if the client goes), then `end`. */
function sendRepeated(res: ServerResponse, chunk: Buffer, count: number, end: string): void {
  let sent = 0;
  const pump = () => {
    while (!res.destroyed && sent < count) {
      sent++;
      if (!res.write(chunk)) return void res.once('drain', pump);
    }
    if (!res.destroyed) res.end(end);
  };
  pump();
}

function response(status: string) {
  return { id: 'resp_hostile', object: 'response', created_at: 1, status, background: false, model: 'gpt-4.1', output: [], usage: null };
}

function delta(text: string) {
  return { item_id: 'msg_1', output_index: 0, content_index: 0, delta: text };
}

function sse(sequence: number, type: string, fields: Record<string, unknown>): string {
  return `event: ${type}\ndata: ${JSON.stringify({ type, sequence_number: sequence, ...fields })}\n\n`;
}

let cachedPng: Buffer | undefined;

/**
 * A real 16000×16000 greyscale PNG, all black: about 250 KB, 256 MB of raw pixel rows, and over
 * 1.5 GB for a decoder that makes RGBA of it. Built without ever holding the raw rows.
 */
export function hugePng(size = 16000): Buffer {
  if (cachedPng && size === 16000) return cachedPng;
  const ihdr = Buffer.alloc(13);
  ihdr.writeUInt32BE(size, 0);
  ihdr.writeUInt32BE(size, 4);
  ihdr[8] = 8; // bit depth
  ihdr[9] = 0; // greyscale
  const png = Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), pngChunk('IDAT', zeroZlibStream((size + 1) * size)), pngChunk('IEND', Buffer.alloc(0))]);
  if (size === 16000) cachedPng = png;
  return png;
}

const PNG_SIGNATURE = Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);

/**
 * A zlib stream of `length` zero bytes: one raw-deflated megabyte of zeros, ended by a full flush
 * (so it stops on a byte boundary), repeated; then an empty final block and the Adler-32, which
 * for zeros is simply a = 1, b = length.
 */
function zeroZlibStream(length: number): Buffer {
  const band = MB;
  const block = deflateRawSync(Buffer.alloc(band), { level: 9, finishFlush: constants.Z_FULL_FLUSH });
  const parts: Buffer[] = [Buffer.from([0x78, 0xda])];
  let left = length;
  for (; left >= band; left -= band) parts.push(block);
  if (left > 0) parts.push(deflateRawSync(Buffer.alloc(left), { level: 9, finishFlush: constants.Z_FULL_FLUSH }));
  parts.push(deflateRawSync(Buffer.alloc(0), { level: 9 }));
  const adler = Buffer.alloc(4);
  adler.writeUInt32BE((((length % 65521) << 16) | 1) >>> 0, 0);
  parts.push(adler);
  return Buffer.concat(parts);
}

function pngChunk(type: string, data: Buffer): Buffer {
  const out = Buffer.alloc(12 + data.length);
  out.writeUInt32BE(data.length, 0);
  out.write(type, 4, 'latin1');
  data.copy(out, 8);
  out.writeUInt32BE(crc32(out.subarray(4, 8 + data.length)), 8 + data.length);
  return out;
}
