// Files and disks: a full or read-only disk never leaves a truncated file reported as saved, an
// existing file survives a failed write, no temporary file is left, and the destination is
// checked before a paid request. Special files (/dev/null, FIFOs) are written through, never
// replaced. The disks are small tmpfs mounts in private mount namespaces (see small-disk.ts).
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { smallDisk, smallDiskUnavailable, type SmallDisk } from '../helpers/small-disk.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 0 }, { AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1', AZURE_OPENAI_IMAGE_DEPLOYMENT: 'gpt-image-1' });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).length;
const downloads = () => ctx.emulator.requests.filter((r) => r.method === 'GET' && r.path.endsWith('/content')).length;

const disks: SmallDisk[] = [];
async function disk(sizeKb: number, options: { readOnly?: boolean } = {}): Promise<SmallDisk> {
  const made = await smallDisk(sizeKb, options);
  disks.push(made);
  return made;
}
afterEach(() => {
  for (const made of disks.splice(0)) made.close();
});

/** A file of `size` bytes uploaded to the emulator; returns its id. */
async function uploaded(size: number): Promise<{ id: string; bytes: Buffer }> {
  const dir = mkdtempSync(join(ctx.box.home, 'upload-'));
  const bytes = Buffer.alloc(size, 'x');
  bytes.write('%PDF-1.7\n');
  writeFileSync(join(dir, 'big.pdf'), bytes);
  const result = await run(['files', 'upload', join(dir, 'big.pdf')]);
  expect(result.code).toBe(0);
  return { id: result.stdout.trim(), bytes };
}

const fullDisk = describe.skipIf(smallDiskUnavailable !== undefined);
if (smallDiskUnavailable) describe('full-disk tests', () => it.skip(`skipped: ${smallDiskUnavailable}`, () => undefined));

fullDisk('a full disk', () => {
  it('files get --output: exit 6 naming the path and the full disk, the old file intact, no temporary file', async () => {
    const { id } = await uploaded(400 * 1024);
    const small = await disk(256);
    const target = join(small.dir, 'report.pdf');
    writeFileSync(small.outside(target), 'the old report\n');
    const result = await run(['files', 'get', id, '--output', target, '--force'], { via: small.via });
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`aoai: cannot write ${target}: no space left on the device (the disk is full); nothing was written\n`);
    expect(readFileSync(small.outside(target), 'utf8')).toBe('the old report\n');
    expect(readdirSync(small.outside(small.dir))).toEqual(['report.pdf']);
  });

  it('--conversation: a history that no longer fits stays whole, and the hint names the response to fetch', async () => {
    const small = await disk(64);
    const file = join(small.dir, 'chat.jsonl');
    const history = Array.from({ length: 300 }, (_, i) => JSON.stringify({ role: 'user', content: `line ${i} ${'x'.repeat(150)}` })).join('\n') + '\n';
    writeFileSync(small.outside(file), history);
    const result = await run(['create', '--conversation', file, 'one more turn'], { via: small.via });
    expect(result.code).toBe(6);
    const [line, hint] = result.stderr.trimEnd().split('\n');
    expect(line).toBe(`aoai: cannot write ${file}: no space left on the device (the disk is full); nothing was written`);
    const id = /aoai get (resp_\w+)/.exec(hint ?? '')?.[1];
    expect(id, result.stderr).toBeDefined();
    expect(readFileSync(small.outside(file), 'utf8')).toBe(history);
    expect(readdirSync(small.outside(small.dir))).toEqual(['chat.jsonl']);
    // The hint runs as printed.
    const again = await run(['get', id!]);
    expect(again).toMatchObject({ code: 0 });
    expect(again.stdout).toContain('one more turn');
  });

  it('aoai image: an image that does not fit is not saved at all, and the hint names the response id', async () => {
    const small = await disk(8);
    const result = await run(['image', '--size', '1024x1024', '-o', `${small.dir}/`, 'a large noisy picture'], { via: small.via });
    expect(result.code).toBe(6);
    expect(result.stderr).toMatch(/^aoai: cannot write .*\.png: no space left on the device \(the disk is full\); nothing was written\nhint: the result is kept by the service as (resp_\w+); once the file can be written, fetch it again: aoai get resp_\w+\n$/);
    expect(result.stdout).toBe('');
    expect(readdirSync(small.outside(small.dir))).toEqual([]);
  });
});

fullDisk('a read-only disk: checked before the request is sent', () => {
  it('files get --output: exit 2 and nothing downloaded', async () => {
    const { id } = await uploaded(1024);
    const ro = await disk(64, { readOnly: true });
    const before = downloads();
    const result = await run(['files', 'get', id, '--output', join(ro.dir, 'x.pdf')], { via: ro.via });
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(`aoai: cannot write ${join(ro.dir, 'x.pdf')}: the file system is read-only\nhint: nothing was sent\n`);
    expect(downloads()).toBe(before);
  });

  it('aoai image -o DIR and --conversation: exit 2, no request sent', async () => {
    const ro = await disk(64, { readOnly: true });
    const before = posts();
    const image = await run(['image', '-o', `${ro.dir}/pictures/`, 'a cat'], { via: ro.via });
    expect(image.code).toBe(2);
    expect(image.stderr).toMatch(/^aoai: cannot write .*pictures: the file system is read-only\n/);
    const conversation = await run(['create', '--conversation', join(ro.dir, 'c.jsonl'), 'hi'], { via: ro.via });
    expect(conversation.code).toBe(2);
    expect(conversation.stderr).toMatch(/the file system is read-only/);
    expect(posts()).toBe(before);
  });
});

describe('special files are written through, never replaced', () => {
  it('files get --output to a character device and to a FIFO', async () => {
    const { id, bytes } = await uploaded(200 * 1024);
    const dir = mkdtempSync(join(ctx.box.home, 'special-'));
    // A private null device (root here): replacing it would turn it into a regular file.
    const device = join(dir, 'null');
    let haveDevice = true;
    try {
      execFileSync('mknod', [device, 'c', '1', '3']);
    } catch {
      haveDevice = false;
    }
    if (haveDevice) {
      const result = await run(['files', 'get', id, '--output', device]);
      expect(result).toMatchObject({ code: 0 });
      expect(statSync(device).isCharacterDevice()).toBe(true);
    }
    const fifo = join(dir, 'pipe');
    execFileSync('mkfifo', [fifo]);
    const reader = spawn('cat', [fifo]);
    const received: Buffer[] = [];
    reader.stdout.on('data', (chunk: Buffer) => received.push(chunk));
    const readerDone = new Promise((resolve) => reader.on('close', resolve));
    const result = await run(['files', 'get', id, '--output', fifo]);
    await readerDone;
    expect(result).toMatchObject({ code: 0 });
    expect(statSync(fifo).isFIFO()).toBe(true);
    expect(Buffer.concat(received).equals(bytes)).toBe(true);
    expect(readdirSync(dir).sort()).toEqual(haveDevice ? ['null', 'pipe'] : ['pipe']);
  });

  it('aoai image -o /dev/null: written through, the device stays a device', async () => {
    const result = await run(['image', '--size', '16x16', '-o', '/dev/null', 'a dot']);
    expect(result).toMatchObject({ code: 0, stdout: '/dev/null\n' });
    expect(statSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('a FIFO nobody reads is refused at once, not waited on', async () => {
    const { id } = await uploaded(1024);
    const dir = mkdtempSync(join(ctx.box.home, 'fifo-'));
    const fifo = join(dir, 'nobody');
    execFileSync('mkfifo', [fifo]);
    const result = await run(['files', 'get', id, '--output', fifo]);
    expect(result.code).toBe(6);
    expect(result.stderr).toBe(`aoai: cannot write ${fifo}: no process is reading from it\n`);
    expect(existsSync(fifo) && statSync(fifo).isFIFO()).toBe(true);
  });
});

describe('signals clean up like Ctrl-C', () => {
  for (const [signal, code] of [['SIGTERM', 143], ['SIGHUP', 129]] as const) {
    it(`${signal} during a request exits ${code}`, async () => {
      const result = await run(['create', '-H', 'x-emulator-fault: delay-ms=5000', 'slow'], {
        onSpawn: (child) => setTimeout(() => child.kill(signal), 1500),
      });
      expect(result).toMatchObject({ code, signal: null });
    });
  }
});


