// The spool for huge image strings in JSON answers (core/spool.ts) and the decoder that turns a
// spooled value back into image bytes (image/image-data.ts).
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { JsonStringSpooler, releaseSpooled, removeSpoolDirectory, spooledBytesInAll, spooledString, hasSpoolTokens, type SpoolOptions } from '../../src/core/spool.ts';
import { drawPicture } from '../../src/emulator/image/picture.ts';
import { encodePng } from '../../src/emulator/image/png.ts';
import { imageBytes, JsonBase64Decoder } from '../../src/image/image-data.ts';
import { planOutput, saveImage } from '../../src/image/save.ts';
import type { IO } from '../../src/io/io.ts';
import { printJson, printJsonLine } from '../../src/render/json.ts';
import { tempDir } from '../helpers/temp.ts';

// A test worker ends without the process exit that removes the spool.
afterAll(removeSpoolDirectory);

const options = (extra: Partial<SpoolOptions> = {}): SpoolOptions => ({ maxSpoolBytes: 1e9, tooLarge: () => new Error('spool cap'), thresholdBytes: 16, ...extra });

/** Run the whole text through a spooler, cut into pieces of `size` bytes. */
function spool(text: string, size: number, extra: Partial<SpoolOptions> = {}): { out: string; spooler: JsonStringSpooler } {
  const spooler = new JsonStringSpooler(options(extra));
  const input = Buffer.from(text);
  const parts: Buffer[] = [];
  for (let i = 0; i < input.length; i += size) parts.push(spooler.push(input.subarray(i, i + size)));
  parts.push(spooler.end());
  return { out: Buffer.concat(parts).toString(), spooler };
}

describe('JsonStringSpooler', () => {
  it('passes JSON without long image fields through byte for byte, however it is cut', () => {
    const text = '{"id":"resp_1", "output":[{"type":"image_generation_call","result":"c2hvcnQ="},{"text":"a \\"result\\": \\"' + 'x'.repeat(100) + '\\""}], "n": 1}';
    for (const size of [1, 2, 3, 7, 64, 1000]) expect(spool(text, size).out).toBe(text);
  });

  it('replaces a long result by a token whose file holds the exact JSON text, escapes included, at any cut', () => {
    const value = 'QUJD\\/\\\\\\"' + 'A'.repeat(40) + '\\u002B==';
    const text = `{"id": "resp_abc","output":[{"type":"image_generation_call","result" : "${value}","status":"completed"}]}`;
    for (const size of [1, 2, 3, 5, 17, 4096]) {
      const { out, spooler } = spool(text, size);
      const parsed = JSON.parse(out) as { output: Array<{ result: string; status: string }> };
      const spooled = spooledString(parsed.output[0]!.result);
      expect(spooled, `cut every ${size} bytes`).toBeDefined();
      expect(readFileSync(spooled!.path, 'utf8')).toBe(value);
      expect(parsed.output[0]!.status).toBe('completed');
      expect(spooler.responseId).toBe('resp_abc');
      expect(hasSpoolTokens(out)).toBe(true);
    }
  });

  it('spools b64_json too, but not a long string under another key', () => {
    const text = `{"data":[{"b64_json":"${'B'.repeat(40)}"}],"text":"${'C'.repeat(40)}"}`;
    const out = JSON.parse(spool(text, 5).out) as { data: Array<{ b64_json: string }>; text: string };
    expect(spooledString(out.data[0]!.b64_json)).toBeDefined();
    expect(out.text).toBe('C'.repeat(40));
  });

  it('stops at the spool cap with its error and leaves no file behind', () => {
    // The cap counts everything this process spooled, earlier tests included.
    const spooler = new JsonStringSpooler(options({ maxSpoolBytes: spooledBytesInAll() + 64 }));
    spooler.push(Buffer.from('{"result":"' + 'A'.repeat(40)));
    const path = (spooler as unknown as { file: { path: string } }).file.path;
    expect(existsSync(path)).toBe(true);
    expect(() => spooler.push(Buffer.from('A'.repeat(40)))).toThrow('spool cap');
    expect(existsSync(path)).toBe(false);
  });

  it('a body cut inside a spooled value stays cut (the parser reports it) and its file is removed', () => {
    const spooler = new JsonStringSpooler(options());
    const out = Buffer.concat([spooler.push(Buffer.from('{"result":"' + 'A'.repeat(40))), spooler.end()]).toString();
    expect(out).toBe('{"result":"');
    expect(() => JSON.parse(out)).toThrow();
  });

  it('in an event stream, a line that ends within its chunk passes untouched (it is as short as a chunk)', () => {
    const text = `data: {"item":{"result":"${'D'.repeat(40)}"}}\n\n`;
    expect(spool(text, 4096, { lines: true }).out).toBe(text);
  });

  it('in an event stream, each line is scanned on its own; a line break ends a broken string', () => {
    const image = 'D'.repeat(40);
    const text = `event: response.output_item.done\ndata: {"type":"x","item":{"result":"${image}"}}\n\n: a "comment\ndata: {"result":"${'E'.repeat(40)}\ndata: {"partial_image_b64":"${'F'.repeat(40)}"}\n\n`;
    for (const size of [1, 3, 13]) {
      const { out } = spool(text, size, { lines: true });
      const lines = out.split('\n');
      expect(spooledString((JSON.parse(lines[1]!.slice(6)) as { item: { result: string } }).item.result), `cut every ${size}`).toBeDefined();
      // The unclosed quote of the comment does not swallow the next line; the cut string is dropped.
      expect(lines[3]).toBe(': a "comment');
      expect(lines[4]).toBe('data: {"result":"');
      expect(spooledString((JSON.parse(lines[5]!.slice(6)) as { partial_image_b64: string }).partial_image_b64)).toBeDefined();
    }
  });

  it('a server string shaped like a token is just a string: never looked up as a file', () => {
    expect(spooledString('aoai-spool:0123456789abcdef0123456789abcdef:0')).toBeUndefined();
    expect(spooledString('/etc/passwd')).toBeUndefined();
    expect([...imageBytes('aoai-spool:0123456789abcdef0123456789abcdef:0')].length).toBe(1);
  });
});

describe('JsonBase64Decoder', () => {
  it('decodes JSON-escaped base64 as Buffer.from does the unescaped string, however it is cut', () => {
    const data = randomBytes(3000);
    const base64 = data.toString('base64');
    // Escaped as some servers write it: every '/' as '\/', some '+' as \u002B, line breaks as \n.
    const escaped = base64
      .replace(/(.{76})/g, '$1\n')
      .replace(/\//g, '\\/')
      .replace(/\+/g, (plus, offset: number) => (offset % 3 ? '\\u002B' : plus))
      .replace(/\n/g, '\\n');
    for (const size of [1, 2, 3, 5, 6, 7, 100, 5000]) {
      const decoder = new JsonBase64Decoder();
      const input = Buffer.from(escaped);
      const parts: Buffer[] = [];
      // Copied: each chunk is a view of a buffer the next one reuses.
      for (let i = 0; i < input.length; i += size) parts.push(Buffer.from(decoder.push(input.subarray(i, i + size))));
      parts.push(Buffer.from(decoder.end()));
      expect(Buffer.concat(parts).equals(data), `cut every ${size} bytes`).toBe(true);
    }
  });

  it('stops at the first padding character, as Buffer.from does', () => {
    const decoder = new JsonBase64Decoder();
    const out = Buffer.concat([Buffer.from(decoder.push(Buffer.from('QUJD=QUJD'))), Buffer.from(decoder.push(Buffer.from('QUJD'))), Buffer.from(decoder.end())]);
    expect(out.toString()).toBe(Buffer.from('QUJD=QUJDQUJD', 'base64').toString());
  });
});

/** A body as the fetch layer passes it on: long image fields spooled (threshold 16 bytes). */
function spooledBody(text: string): string {
  return spool(text, 7).out;
}

function collectingIO(tty: boolean): IO & { written(): string } {
  const chunks: Buffer[] = [];
  return {
    stdin: new PassThrough(),
    stdout: new PassThrough(),
    stderr: new PassThrough(),
    stdinIsTTY: false,
    stdoutIsTTY: tty,
    stderrIsTTY: false,
    colorStdout: false,
    colorStderr: false,
    env: {},
    columns: 80,
    out: (text) => void chunks.push(Buffer.from(text)),
    err: () => undefined,
    canPrompt: () => false,
    flush: async () => undefined,
    written: () => Buffer.concat(chunks).toString('utf8'),
  };
}

describe('printing and saving spooled values', () => {
  const png = encodePng(drawPicture('x', 64, 48), { alpha: false });
  const server = `{"id":"resp_1","output":[{"type":"image_generation_call","id":"ig_1","result":"${png.toString('base64').replace(/\//g, '\\/')}"}]}`;

  it('--json on a pipe prints the service bytes exactly, the spooled string streamed back in', async () => {
    const body = spooledBody(server);
    expect(body).not.toContain(png.toString('base64').slice(0, 40));
    const io = collectingIO(false);
    await printJson(io, body);
    expect(io.written()).toBe(`${server}\n`);
  });

  it('--json on a terminal prints the same value, indented', async () => {
    const io = collectingIO(true);
    await printJson(io, spooledBody(server));
    expect(io.written()).toMatch(/^\{\n {2}"id": "resp_1",\n/);
    expect(JSON.parse(io.written())).toEqual(JSON.parse(server));
  });

  it('a JSON line made from a parsed body streams the value back in too', async () => {
    const io = collectingIO(false);
    await printJsonLine(io, (JSON.parse(spooledBody(server)) as { output: unknown[] }).output[0]);
    expect(JSON.parse(io.written())).toEqual((JSON.parse(server) as { output: unknown[] }).output[0]);
  });

  it('saveImage decodes a spooled value from disk into the file, byte for byte, and keeps it for a preview', () => {
    const dir = tempDir('aoai-spool-save-');
    try {
      const result = (JSON.parse(spooledBody(server)) as { output: Array<{ result: string }> }).output[0]!.result;
      expect(spooledString(result)).toBeDefined();
      const saved = saveImage(planOutput(`${dir}/`, false), { prompt: 'a cat', responseId: 'resp_1', imageIndex: 0 }, result, { keepForPreview: true });
      expect(saved.path).toMatch(/a-cat-1\.png$/);
      expect(saved.info).toEqual({ format: 'png', width: 64, height: 48 });
      expect(readFileSync(join(dir, 'a-cat-1.png')).equals(png)).toBe(true);
      expect(saved.data?.equals(png)).toBe(true);
      expect(readdirSync(dir)).toEqual(['a-cat-1.png']);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('releaseSpooled', () => {
  it('removes the files of a written line; later tokens never reuse a released number', () => {
    const first = JSON.parse(spool(`{"result":"${'G'.repeat(40)}"}`, 9).out) as { result: string };
    const path = spooledString(first.result)!.path;
    releaseSpooled(JSON.stringify(first));
    expect(existsSync(path)).toBe(false);
    expect(spooledString(first.result)).toBeUndefined();
    const second = JSON.parse(spool(`{"result":"${'H'.repeat(40)}"}`, 9).out) as { result: string };
    expect(second.result).not.toBe(first.result);
    expect(readFileSync(spooledString(second.result)!.path, 'utf8')).toBe('H'.repeat(40));
  });
});
