// A hostile server (test/helpers/hostile-server.ts) against the real bin/aoai: every read is
// bounded. Each case ends in one clear line naming the bound (and how to raise it), the right exit
// code, the text received so far kept, and a peak memory far below what the server tried to cost.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { recordCapture } from '../helpers/captures.ts';
import { BIN, REPO_ROOT, runAoai, sandbox, type RunResult, type Sandbox } from '../helpers/cli.ts';
import { BIG_IMAGE_CHUNKS, bigImageChunk, FORGED_SPOOL_BODY, MEDIUM_IMAGE_CHUNKS, STREAM_IMAGE_CHUNKS, FORGED_SPOOL_TOKEN, ODD_ERROR_BODIES, startHostileServer, type HostileMode, type HostileServer, type OddErrorShape } from '../helpers/hostile-server.ts';
import { smallDisk, smallDiskUnavailable } from '../helpers/small-disk.ts';
import { tempDir } from '../helpers/temp.ts';

const MB = 1024 * 1024;
let server: HostileServer;
let box: Sandbox;
let rssDir: string;

beforeAll(async () => {
  server = await startHostileServer();
  box = sandbox({ AZURE_OPENAI_API_KEY: CANARY_API_KEY });
  rssDir = tempDir('aoai-rss-');
});
afterAll(async () => {
  await server?.close();
  box?.cleanup();
  rmSync(rssDir, { recursive: true, force: true });
});

interface Measured extends RunResult {
  /** The child's peak resident set size, in MB. */
  peakRssMb: number;
  ms: number;
}

let runs = 0;
/** Run aoai against one mode, measuring the child's peak RSS (preloaded bench/lib/maxrss.cjs). */
async function against(mode: HostileMode, args: string[], env: Record<string, string> = {}, { timeoutMs = 40_000, via, cwd = box.home }: { timeoutMs?: number; via?: string[]; cwd?: string } = {}): Promise<Measured> {
  const rssFile = join(rssDir, `rss-${runs++}`);
  writeFileSync(rssFile, '');
  const started = Date.now();
  const result = await runAoai(args, {
    env: { ...box.env, AZURE_OPENAI_ENDPOINT: server.endpoint(mode), NODE_OPTIONS: `--require ${join(REPO_ROOT, 'bench/lib/maxrss.cjs')}`, AOAI_BENCH_RSS_FILE: rssFile, ...env },
    cwd,
    timeoutMs,
    via,
  });
  const peaks = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  return { ...result, ms: Date.now() - started, peakRssMb: Math.max(...peaks) / 1024 };
}

/** The same, on a pseudo-terminal (script(1)): stdout and stderr come back as one stream. */
async function onTerminal(mode: HostileMode, args: string[], env: Record<string, string>): Promise<{ code: number | null; output: string; peakRssMb: number }> {
  const rssFile = join(rssDir, `rss-${runs++}`);
  writeFileSync(rssFile, '');
  const command = `stty cols 100 rows 40; exec ${[BIN, ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ')}`;
  const childEnv = { ...box.env, AZURE_OPENAI_ENDPOINT: server.endpoint(mode), NODE_OPTIONS: `--require ${join(REPO_ROOT, 'bench/lib/maxrss.cjs')}`, AOAI_BENCH_RSS_FILE: rssFile, ...env };
  const { code, output } = await new Promise<{ code: number | null; output: string }>((resolve, reject) => {
    const child = spawn('script', ['-qefc', command, '/dev/null'], { cwd: box.home, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
    child.on('error', reject);
    child.on('close', (exit) => resolve({ code: exit, output: Buffer.concat(chunks).toString('utf8') }));
  });
  recordCapture(`script aoai ${args.join(' ')}`, output);
  const peaks = readFileSync(rssFile, 'utf8').trim().split('\n').map(Number);
  return { code, output, peakRssMb: Math.max(...peaks) / 1024 };
}

/** One `aoai: …` line and at most one `hint: …`, nothing else on stderr. */
function expectOneLine(result: RunResult, code: number, line: RegExp, hint?: RegExp): void {
  expect(result.code, result.stderr).toBe(code);
  const lines = result.stderr.trimEnd().split('\n');
  expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
  expect(lines[0]).toMatch(line);
  if (hint) expect(lines[1]).toMatch(hint);
  expect(result.stderr).not.toMatch(/unexpected error|\[object Object\]|\n\s+at /);
}

const create = ['create', '-m', 'gpt-4.1', '--max-retries', '0', 'hello'];
const stream = ['stream', '-m', 'gpt-4.1', '--max-retries', '0', 'hello'];


/**
 * What aoai left in a $TMPDIR. Node 22+'s own compile cache (bin/aoai turns it on) lives in
 * os.tmpdir() too: it is Node's, kept on purpose between runs, and not aoai's spool.
 */
function leftInTmpdir(dir: string): string[] {
  return readdirSync(dir).filter((name) => name !== 'node-compile-cache');
}

describe('whole-response timeout', () => {
  it('a body arriving at 1 byte/s fails at --timeout with one clear line', async () => {
    const result = await against('slow-body', [...create, '--timeout', '2']);
    expectOneLine(result, 1, /^aoai: the response from 127\.0\.0\.1:\d+ did not finish within 2 s \(\d+ bytes received\)$/, /^hint: raise --timeout/);
    expect(result.stdout).toBe('');
    expect(result.ms).toBeLessThan(15_000);
  });

  it('a live stream longer than --timeout that keeps sending is not cut', async () => {
    const result = await against('slow-live-stream', [...stream, '--timeout', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toBe(`${Array.from({ length: 12 }, (_, i) => `tick${i + 1} `).join('')}\n`);
    expect(result.ms).toBeGreaterThan(2500);
  });
});

describe('size caps', () => {
  it('a 100 MB JSON body stops at the 64 MB default, naming the cap and how to raise it', async () => {
    const result = await against('huge-json', create);
    expectOneLine(result, 1, /^aoai: the response from 127\.0\.0\.1:\d+ is larger than 64 MB \(max-response-mb\); stopped reading it$/, /^hint: raise the cap for one run with AOAI_MAX_RESPONSE_MB=256, or keep it: aoai config set max-response-mb 256$/);
    expect(result.peakRssMb).toBeLessThan(400);
  });

  it('the cap is a setting: a lower AOAI_MAX_RESPONSE_MB stops an endless body sooner', async () => {
    const result = await against('endless-body', ['get', 'resp_1', '--max-retries', '0'], { AOAI_MAX_RESPONSE_MB: '2' });
    expectOneLine(result, 1, /is larger than 2 MB \(max-response-mb\)/, /AOAI_MAX_RESPONSE_MB=8\b/);
    expect(result.peakRssMb).toBeLessThan(200);
  });

  it('a gzip bomb (1 MB on the wire, 1 GB decoded) stops at the cap on decoded bytes', async () => {
    const result = await against('gzip-bomb', create);
    expectOneLine(result, 1, /is larger than 64 MB \(max-response-mb\)/);
    expect(result.peakRssMb).toBeLessThan(400);
  });

  it('an endless event-stream line stops at 16 MB; the events before it were handled', async () => {
    const result = await against('huge-sse-line', stream);
    expectOneLine(result, 1, /^aoai: the event-stream line from 127\.0\.0\.1:\d+ is larger than 16 MB \(max-event-mb\)/, /AOAI_MAX_EVENT_MB=64, .*aoai config set max-event-mb 64$/);
    expect(result.stdout).toBe('Before the flood\n');
    expect(result.peakRssMb).toBeLessThan(300);
  });
});

describe('huge images in JSON answers', () => {
  const image = ['image', '-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1', '--max-retries', '0'];
  const BIG_IMAGE_BYTES = BIG_IMAGE_CHUNKS * 768 * 1024;
  /**
   * Peak memory of aoai saving a huge image, whatever its size (about 70–90 MB of it is Node and
   * aoai at rest). Node 24's V8 lets Buffer memory outside the heap grow further before it collects
   * it: there the peak measured 236 MB for a 40 MB event line and for a 420 MB image alike (the same
   * figure: bounded, not growing with the image), where Node 20 and 22 stay under 160 MB.
   */
  const PEAK_RSS_MB = Number(process.versions.node.split('.')[0]) >= 24 ? 280 : 200;
  let bigImageSha: string;
  let bigBodySha: string;
  beforeAll(() => {
    // What the server sends, made again chunk by chunk: the image's hash, and the hash of the body.
    const imageHash = createHash('sha256');
    const bodyHash = createHash('sha256');
    bodyHash.update('{"id":"resp_bigimage01","object":"response","status":"completed","output":[{"type":"image_generation_call","id":"ig_1","status":"completed","result":"');
    for (let index = 0; index < BIG_IMAGE_CHUNKS; index++) {
      const chunk = bigImageChunk(index);
      imageHash.update(chunk);
      bodyHash.update(chunk.toString('base64').replace(/\//g, '\\/'));
    }
    bodyHash.update('","revised_prompt":"a big picture"}],"usage":null}\n');
    bigImageSha = imageHash.digest('hex');
    bigBodySha = bodyHash.digest('hex');
  });

  const sha256 = (path: string) => createHash('sha256').update(readFileSync(path)).digest('hex');

  it(`aoai image: a ${BIG_IMAGE_BYTES / MB} MB image goes to disk byte for byte, in bounded memory, and its spool is removed`, async () => {
    const out = tempDir('aoai-img-');
    const spool = tempDir('aoai-tmp-');
    try {
      const result = await against('big-image', [...image, '-o', `${out}/`, 'a big picture'], { TMPDIR: spool }, { timeoutMs: 120_000 });
      expect(leftInTmpdir(spool)).toEqual([]);
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${out}/a-big-picture-gimage01.png\n`);
      expect(readdirSync(out)).toEqual(['a-big-picture-gimage01.png']);
      expect(statSync(join(out, 'a-big-picture-gimage01.png')).size).toBe(BIG_IMAGE_BYTES);
      expect(sha256(join(out, 'a-big-picture-gimage01.png'))).toBe(bigImageSha);
      // The same bound as for the 420 MB image below: memory does not grow with the image.
      expect(result.peakRssMb).toBeLessThan(PEAK_RSS_MB);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('aoai create --json: stdout is the service JSON byte for byte, and the image is saved', async () => {
    const dir = tempDir('aoai-img-');
    const rssFile = join(rssDir, `rss-${runs++}`);
    writeFileSync(rssFile, '');
    try {
      const args = ['create', '-m', 'gpt-4.1', '--max-retries', '0', '--json', 'a big picture'];
      const env = { ...box.env, AZURE_OPENAI_ENDPOINT: server.endpoint('big-image'), NODE_OPTIONS: `--require ${join(REPO_ROOT, 'bench/lib/maxrss.cjs')}`, AOAI_BENCH_RSS_FILE: rssFile };
      // stdout is hashed as it arrives: the test holds none of it.
      const { code, stderr, stdoutSha } = await new Promise<{ code: number | null; stderr: string; stdoutSha: string }>((resolve, reject) => {
        const child = spawn(BIN, args, { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
        const hash = createHash('sha256');
        let err = '';
        child.stdout.on('data', (chunk: Buffer) => hash.update(chunk));
        child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
        child.on('error', reject);
        child.on('close', (exit) => resolve({ code: exit, stderr: err, stdoutSha: hash.digest('hex') }));
      });
      recordCapture(`aoai ${args.join(' ')} (stderr)`, stderr);
      expect(code, stderr).toBe(0);
      expect(stderr).toBe('saved image: a-big-picture-gimage01.png\n');
      expect(stdoutSha).toBe(bigBodySha);
      expect(sha256(join(dir, 'a-big-picture-gimage01.png'))).toBe(bigImageSha);
      const peak = Math.max(...readFileSync(rssFile, 'utf8').trim().split('\n').map(Number)) / 1024;
      expect(peak).toBeLessThan(PEAK_RSS_MB);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('aoai get of a response carrying a 420 MB image saves it whole (560 MB of base64, never one string)', async () => {
    const out = tempDir('aoai-img-');
    try {
      const result = await against('huge-image', ['get', 'resp_img', '--max-retries', '0'], {}, { timeoutMs: 180_000, cwd: out });
      expect(result.code, result.stderr).toBe(0);
      expect(readdirSync(out)).toEqual(['image-img.bin']);
      expect(statSync(join(out, 'image-img.bin')).size).toBe(420 * MB);
      expect(result.peakRssMb).toBeLessThan(PEAK_RSS_MB);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('aoai stream: an image in a 40 MB event line is saved byte for byte, and --json prints every event whole', async () => {
    const dir = tempDir('aoai-img-');
    try {
      writeFileSync(join(dir, 'tools.json'), '[{"type":"image_generation"}]');
      const args = ['stream', '-m', 'gpt-4.1', '--max-retries', '0', '--tools', 'tools.json', '--image-deployment', 'gpt-image-1', 'a big picture'];
      const saved = await against('big-image-stream', args, {}, { timeoutMs: 60_000, cwd: dir });
      expect(saved.code, saved.stderr).toBe(0);
      expect(saved.stdout).toBe('a-big-picture-amimage1.png\n');
      const imageHash = createHash('sha256');
      for (let index = 0; index < STREAM_IMAGE_CHUNKS; index++) imageHash.update(bigImageChunk(index));
      const expectedSha = imageHash.digest('hex');
      expect(sha256(join(dir, 'a-big-picture-amimage1.png'))).toBe(expectedSha);
      expect(saved.peakRssMb).toBeLessThan(PEAK_RSS_MB);
      rmSync(join(dir, 'a-big-picture-amimage1.png'));

      // stdout to a file: 80 MB of events need not go through the test's own memory and captures.
      const json = await against('big-image-stream', [...args, '--json'], {}, { timeoutMs: 60_000, cwd: dir, via: ['sh', '-c', 'exec "$@" > events.jsonl', 'sh'] });
      expect(json.code, json.stderr).toBe(0);
      expect(json.stderr).toBe('saved image: a-big-picture-amimage1.png\n');
      const events = readFileSync(join(dir, 'events.jsonl'), 'utf8').trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; item?: { result: string }; response?: { output: Array<{ result: string }> } });
      expect(events.map((event) => event.type)).toEqual(['response.created', 'response.output_item.added', 'response.output_item.done', 'response.completed']);
      const decodedSha = (base64: string) => createHash('sha256').update(Buffer.from(base64, 'base64')).digest('hex');
      expect(decodedSha(events[2]!.item!.result)).toBe(expectedSha);
      expect(decodedSha(events[3]!.response!.output[0]!.result)).toBe(expectedSha);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('SIGTERM while an image is being spooled: exit 143, the spool removed, nothing at the destination', async () => {
    const out = tempDir('aoai-img-');
    const spool = tempDir('aoai-tmp-');
    const spooled = () => leftInTmpdir(spool).flatMap((dir) => readdirSync(join(spool, dir)).map((file) => statSync(join(spool, dir, file)).size)).reduce((a, b) => a + b, 0);
    try {
      const result = await runAoai([...image, '-o', `${out}/`, 'a big picture'], {
        // The server sends part of the image and then waits: the signal meets a half-spooled value.
        env: { ...box.env, AZURE_OPENAI_ENDPOINT: server.endpoint('big-image-stalled'), TMPDIR: spool },
        cwd: box.home,
        timeoutMs: 60_000,
        onSpawn: (child) => {
          // Signalled once the spool holds part of the image.
          const poll = setInterval(() => {
            if (spooled() < 8 * MB) return;
            clearInterval(poll);
            child.kill('SIGTERM');
          }, 20);
          child.once('close', () => clearInterval(poll));
        },
      });
      expect(result.code, result.stderr).toBe(143);
      expect(leftInTmpdir(spool)).toEqual([]);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
      rmSync(spool, { recursive: true, force: true });
    }
  });

  it('aoai batch run: every result line carries its whole image, and each spooled image is released once written', async () => {
    const dir = tempDir('aoai-img-');
    try {
      writeFileSync(join(dir, 'prompts.txt'), 'one\ntwo\nthree\n');
      // Each image is 8 MB of base64: three of them fit a 10 MB spool only if each goes once written.
      const result = await against('medium-image', ['batch', 'run', 'prompts.txt', '-m', 'gpt-4.1', '-o', 'out.jsonl', '--concurrency', '1', '--retries', '0'], { AOAI_MAX_SPOOL_MB: '10' }, { cwd: dir });
      expect(result.code, result.stderr).toBe(0);
      const imageHash = createHash('sha256');
      for (let index = 0; index < MEDIUM_IMAGE_CHUNKS; index++) imageHash.update(bigImageChunk(index));
      const expected = imageHash.digest('hex');
      const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trimEnd().split('\n');
      expect(lines).toHaveLength(3);
      for (const line of lines) {
        const { response } = JSON.parse(line) as { response: { body: { output: Array<{ result: string }> } } };
        expect(createHash('sha256').update(Buffer.from(response.body.output[0]!.result, 'base64')).digest('hex')).toBe(expected);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the spool has its own cap (max-spool-mb): over it, one line says how to raise it, and nothing is written', async () => {
    const out = tempDir('aoai-img-');
    try {
      const result = await against('big-image', [...image, '-o', `${out}/`, 'a big picture'], { AOAI_MAX_SPOOL_MB: '50' });
      expectOneLine(result, 1, /^aoai: the image data from 127\.0\.0\.1:\d+ is larger than 50 MB \(max-spool-mb\); stopped reading it$/, /^hint: raise the cap for one run with AOAI_MAX_SPOOL_MB=200, or keep it: aoai config set max-spool-mb 200$/);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });

  it('a server string shaped like a spool token is data, never a path: saved as the bytes it decodes to, printed as sent', async () => {
    const out = tempDir('aoai-img-');
    try {
      const result = await against('forged-spool-token', ['create', '-m', 'gpt-4.1', '--max-retries', '0', '--json', 'x'], {}, { cwd: out });
      expect(result.code, result.stderr).toBe(0);
      expect(result.stdout).toBe(`${FORGED_SPOOL_BODY}\n`);
      const [name] = readdirSync(out);
      expect(readFileSync(join(out, name!)).equals(Buffer.from(FORGED_SPOOL_TOKEN, 'base64'))).toBe(true);
    } finally {
      rmSync(out, { recursive: true, force: true });
    }
  });
});

const fullDisk = describe.skipIf(smallDiskUnavailable !== undefined);
if (smallDiskUnavailable) describe('huge images on a full disk', () => it.skip(`skipped: ${smallDiskUnavailable}`, () => undefined));

fullDisk('huge images on a full disk', () => {
  const image = ['image', '-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1', '--max-retries', '0'];

  it('the destination fills up: exit 6, one line naming the file and the full disk, the response to fetch again, nothing left', async () => {
    const small = await smallDisk(4096);
    try {
      const result = await against('big-image', [...image, '-o', `${small.dir}/`, 'a big picture'], {}, { timeoutMs: 120_000, via: small.via });
      expectOneLine(
        result,
        6,
        new RegExp(`^aoai: cannot write ${small.dir}/a-big-picture-gimage01\\.png: no space left on the device \\(the disk is full\\); nothing was written$`),
        /^hint: the result is kept by the service as resp_bigimage01; once the file can be written, fetch it again: aoai get resp_bigimage01$/,
      );
      expect(readdirSync(small.outside(small.dir))).toEqual([]);
    } finally {
      small.close();
    }
  });

  it('the spool disk ($TMPDIR) fills up: exit 6, one line naming it and the response, nothing left there or at the destination', async () => {
    const small = await smallDisk(4096);
    const out = tempDir('aoai-img-');
    try {
      const result = await against('big-image', [...image, '-o', `${out}/`, 'a big picture'], { TMPDIR: small.dir }, { timeoutMs: 120_000, via: small.via });
      expectOneLine(
        result,
        6,
        new RegExp(`^aoai: cannot write ${small.dir}/aoai-spool-\\w+/0: no space left on the device \\(the disk is full\\); nothing was written$`),
        /^hint: large images are held in a temporary file in \$TMPDIR \(or \/tmp\) until saved; free space there, or point TMPDIR at a larger disk; the image is in response resp_bigimage01$/,
      );
      expect(leftInTmpdir(small.outside(small.dir))).toEqual([]);
      expect(readdirSync(out)).toEqual([]);
    } finally {
      small.close();
      rmSync(out, { recursive: true, force: true });
    }
  });
});

describe('previews', () => {
  it('a 16000×16000 PNG is saved but not previewed: its header says no, before any pixel is decoded', async () => {
    const result = await onTerminal('huge-png', ['image', '-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1', '--max-retries', '0', '-o', 'huge.png', 'a huge picture'], { AOAI_IMAGE_PROTOCOL: 'sixel' });
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('huge.png (16000×16000 png,');
    expect(result.output).not.toContain('\x1bPq');
    expect(statSync(join(box.home, 'huge.png')).size).toBeGreaterThan(100_000);
    expect(result.peakRssMb).toBeLessThan(300);
    rmSync(join(box.home, 'huge.png'));
  });
});

describe('downloads', () => {
  it('a 300 MB file is streamed to disk, never held whole', async () => {
    const out = join(box.home, 'big.bin');
    const result = await against('huge-download', ['files', 'get', 'file-abc', '--output', out]);
    expect(result.code, result.stderr).toBe(0);
    expect(statSync(out).size).toBe(300 * 1024 * 1024);
    expect(readdirSync(box.home).filter((name) => name.endsWith('.tmp'))).toEqual([]);
    expect(result.peakRssMb).toBeLessThan(200);
    rmSync(out);
  });
});

describe('error bodies', () => {
  const expected: Record<OddErrorShape, RegExp> = {
    array: /^aoai: HTTP 400: a JSON array of 2 items: \[\{"code":"A1"/,
    number: /^aoai: HTTP 400: the JSON value 42 \[request id req_hostile\]$/,
    string: /^aoai: HTTP 400: quota exhausted for this key \[request id req_hostile\]$/,
    'message-object': /^aoai: HTTP 400: nested text \[request id req_hostile\]$/,
    nested: /^aoai: HTTP 400 \(Inner\): deep message \[request id req_hostile\]$/,
    'error-message-object': /^aoai: HTTP 400 \(Odd\): \{"reason":"an object instead of text"\} \[request id req_hostile\]$/,
    gateway: /^aoai: HTTP 400: Rate limit is exceeded\. Try again in 1 seconds\. \[request id req_hostile\]$/,
    empty: /^aoai: HTTP 400: Bad Request \(received application\/json, 2 bytes: "\{\}"\) \[request id req_hostile\]$/,
    null: /^aoai: HTTP 400: Bad Request \(received application\/json, 4 bytes: "null"\) \[request id req_hostile\]$/,
  };
  for (const shape of Object.keys(ODD_ERROR_BODIES) as OddErrorShape[]) {
    it(`${shape}: ${ODD_ERROR_BODIES[shape]} is described`, async () => {
      const result = await against(`odd-error-${shape}`, ['get', 'resp_1']);
      expectOneLine(result, 1, expected[shape]);
    });
  }

  it('a 50 MB error body is read up to 1 MB, and the line says so', async () => {
    const result = await against('huge-error', ['get', 'resp_1']);
    expectOneLine(result, 1, /^aoai: HTTP 500: Internal Server Error \(received application\/json, 1048576 bytes: "\{\\"error\\":\{\\"message\\":\\"eeee.*, cut at 1 MB\)$/, /^hint: the error body was cut at 1 MB \(max-error-mb\); to read more, raise the cap for one run with AOAI_MAX_ERROR_MB=4, or keep it: aoai config set max-error-mb 4$/);
    expect(result.peakRssMb).toBeLessThan(250);
  });

  it('a 100 KB error message prints as one bounded line', async () => {
    const result = await against('long-error-message', ['get', 'resp_1']);
    expectOneLine(result, 1, /^aoai: HTTP 400 \(TooLong\): blah blah .*…$/);
    expect(result.stderr.length).toBeLessThan(1100);
  });
});

describe('event order', () => {
  it('a sequence number that jumps is reported exactly; the text so far is kept', async () => {
    const result = await against('sequence-jump', stream);
    expectOneLine(result, 1, /^aoai: the event stream skipped ahead: expected sequence_number 3, got 7 \(response\.output_text\.delta\)/);
    expect(result.stdout).toBe('Hello, world\n');
  });

  it('a sequence number that goes backwards is reported exactly; the text so far is kept', async () => {
    const result = await against('sequence-backwards', stream);
    expectOneLine(result, 1, /^aoai: the event stream went backwards: expected sequence_number 3, got 1/);
    expect(result.stdout).toBe('Hello, world\n');
  });
});

describe('the SDK’s own messages', () => {
  it('an event that is not JSON: --debug shows what the openai SDK logged about it; without --debug only our one line', async () => {
    const plain = await against('broken-json-event', stream);
    expect(plain.code).not.toBe(0);
    expect(plain.stdout).toBe('Hello\n');
    expect(plain.stderr).not.toMatch(/openai error/);
    expect(plain.stderr).toMatch(/^aoai: /);
    const debug = await against('broken-json-event', [...stream, '--debug']);
    expect(debug.stderr).toMatch(/^openai error: Could not parse message into JSON:/m);
    expect(debug.stderr).toMatch(/^aoai: malformed event stream after 2 events: received an event whose data is not JSON$/m);
  });
});

describe('pagers', () => {
  it('items --all stops when a cursor repeats', async () => {
    const result = await against('repeating-cursor', ['items', 'resp_1', '--all', '--jsonl'], {}, { timeoutMs: 20_000 });
    expectOneLine(result, 1, /^aoai: the service sent the cursor "msg_same" again after 2 pages of the items of resp_1; stopped listing/);
    expect(result.stdout.trim().split('\n')).toHaveLength(2);
  });

  it('files list stops when a cursor repeats', async () => {
    const result = await against('repeating-cursor', ['files', 'list', '--jsonl'], {}, { timeoutMs: 20_000 });
    expectOneLine(result, 1, /^aoai: the service sent the cursor "file-same" again after 2 pages of files; stopped listing/);
  });
});
