/* eslint-disable no-control-regex -- these tests look for terminal escape sequences */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodePng } from '../../src/image/png-decode.ts';
import { imageInfo } from '../../src/image/formats.ts';
import { BIN, runAoai } from '../helpers/cli.ts';
import { recordCapture } from '../helpers/captures.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { SSE_DIR } from '../helpers/recordings.ts';

const ctx = useEmulator({ queueMs: 20, eventDelayMs: 0 }, { AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1', AZURE_OPENAI_IMAGE_DEPLOYMENT: 'gpt-image-1' });

/** A fresh working directory for each run, inside the sandbox home. */
function workDir(): string {
  return mkdtempSync(join(ctx.box.home, 'img-'));
}

const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });

/** A recorded real stream from test/fixtures/sse/vercel-ai. */
function recordedStream(name: string): string {
  return join(SSE_DIR, 'vercel-ai', name);
}

function lastCreate() {
  const request = ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).at(-1)!;
  return request as typeof request & { body: Record<string, unknown> };
}

describe('aoai image', () => {
  it('saves a PNG of the requested size and prints its path', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '64x48', 'A gray tabby cat hugging an otter'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^a-gray-tabby-cat-hugging-an-otter-[0-9a-f]{8}\.png\n$/);
    const image = decodePng(readFileSync(join(cwd, result.stdout.trim())));
    expect([image.width, image.height]).toEqual([64, 48]);
    expect(image.rgba.length).toBe(64 * 48 * 4);
    expect(result.stderr).toContain('revised prompt: A gray tabby cat hugging an otter');
    const request = lastCreate();
    expect(request.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1');
    expect(request.body).toMatchObject({ model: 'gpt-4.1', tools: [{ type: 'image_generation', size: '64x48' }] });
    expect(request.body.stream).not.toBe(true);
  });

  it('reads the prompt from a pipe', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '16x16'], { cwd, input: 'a piped prompt\n' });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^a-piped-prompt-[0-9a-f]{8}\.png\n$/);
    const empty = await run(['image'], { cwd, input: '' });
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('no prompt');
  });

  it('is deterministic: the same prompt gives the same pixels', async () => {
    const cwd = workDir();
    const first = await run(['image', '--size', '32x32', 'same picture'], { cwd });
    const second = await run(['image', '--size', '32x32', 'same picture'], { cwd });
    expect(first.stdout).not.toBe(second.stdout);
    expect(readFileSync(join(cwd, first.stdout.trim()))).toEqual(readFileSync(join(cwd, second.stdout.trim())));
  });

  it('without an image deployment fails with the three ways to set one', async () => {
    const env = { ...ctx.env };
    delete env.AZURE_OPENAI_IMAGE_DEPLOYMENT;
    const result = await run(['image', 'a cat'], { env });
    expect(result.code).toBe(3);
    expect(result.stderr).toContain('--image-deployment');
    expect(result.stderr).toContain('AZURE_OPENAI_IMAGE_DEPLOYMENT');
    expect(result.stderr).toContain('aoai config set image-deployment');
    expect(result.stdout).toBe('');
  });

  it('takes the deployment from --image-deployment, the environment, or the config', async () => {
    const cwd = workDir();
    const env = { ...ctx.env };
    delete env.AZURE_OPENAI_IMAGE_DEPLOYMENT;
    const configured = await runAoai(['config', 'set', 'image-deployment', 'from-config'], { env });
    expect(configured.code).toBe(0);
    expect((await runAoai(['image', '--size', '16x16', 'x'], { env, cwd })).code).toBe(0);
    expect(lastCreate().headers['x-ms-oai-image-generation-deployment']).toBe('from-config');
    expect((await runAoai(['image', '--size', '16x16', 'x'], { env: { ...env, AZURE_OPENAI_IMAGE_DEPLOYMENT: 'from-env' }, cwd })).code).toBe(0);
    expect(lastCreate().headers['x-ms-oai-image-generation-deployment']).toBe('from-env');
    expect((await runAoai(['image', '--image-deployment', 'from-flag', '--size', '16x16', 'x'], { env: { ...env, AZURE_OPENAI_IMAGE_DEPLOYMENT: 'from-env' }, cwd })).code).toBe(0);
    expect(lastCreate().headers['x-ms-oai-image-generation-deployment']).toBe('from-flag');
    await runAoai(['config', 'unset', 'image-deployment'], { env });
  });

  it('the emulator answers 400 like the service when the deployment header is missing', async () => {
    const response = await fetch(`${ctx.emulator.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'api-key': ctx.emulator.apiKey, 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'a cat', tools: [{ type: 'image_generation' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toEqual({
      error: {
        message: 'imagegen deployment must be provided through header: x-ms-oai-image-generation-deployment',
        type: 'image_generation_user_error',
        param: 'tools',
        code: 'invalid_request_error',
      },
    });
  });

  it('the emulator rejects invalid tool settings with the field named', async () => {
    const post = (tool: Record<string, unknown>) =>
      fetch(`${ctx.emulator.url}/openai/v1/responses`, {
        method: 'POST',
        headers: { 'api-key': ctx.emulator.apiKey, 'content-type': 'application/json', 'x-ms-oai-image-generation-deployment': 'gpt-image-1' },
        body: JSON.stringify({ model: 'gpt-4.1', input: 'x', tools: [{ type: 'image_generation', ...tool }] }),
      });
    for (const [tool, param] of [
      [{ size: 'huge' }, 'tools[0].size'],
      [{ output_format: 'gif' }, 'tools[0].output_format'],
      [{ quality: 'ultra' }, 'tools[0].quality'],
      [{ background: 'green' }, 'tools[0].background'],
      [{ output_format: 'jpeg', background: 'transparent' }, 'tools[0].background'],
      [{ output_compression: 101 }, 'tools[0].output_compression'],
      [{ partial_images: 4 }, 'tools[0].partial_images'],
    ] as const) {
      const response = await post(tool);
      expect(response.status, JSON.stringify(tool)).toBe(400);
      expect(((await response.json()) as { error: { param: string; type: string } }).error).toMatchObject({ param, type: 'invalid_request_error' });
    }
  });

  it('the emulator streams image events shaped like the recorded service stream', async () => {
    const response = await fetch(`${ctx.emulator.url}/openai/v1/responses`, {
      method: 'POST',
      headers: { 'api-key': ctx.emulator.apiKey, 'content-type': 'application/json', 'x-ms-oai-image-generation-deployment': 'gpt-image-1' },
      body: JSON.stringify({ model: 'gpt-4.1', input: 'owls', stream: true, tools: [{ type: 'image_generation', size: '24x16', output_format: 'webp', partial_images: 2 }] }),
    });
    const events = (await response.text())
      .split('\n')
      .filter((line) => line.startsWith('data: '))
      .map((line) => JSON.parse(line.slice(6)) as Record<string, unknown> & { type: string });
    const imageEvents = events.filter((e) => e.type.startsWith('response.image_generation_call') || (e.item as { type?: string } | undefined)?.type === 'image_generation_call');
    // The emulator serves Azure's URL forms, so it follows Azure's image stream (no .completed event).
    const recorded = readFileSync(recordedStream('azure-image-generation-tool.1.chunks.txt'), 'utf8')
      .split('\n')
      .filter(Boolean)
      .map((line) => JSON.parse(line) as Record<string, unknown> & { type: string });
    const recordedImage = recorded.filter((e) => e.type.startsWith('response.image_generation_call') || (e.item as { type?: string } | undefined)?.type === 'image_generation_call');
    const types = (list: Array<{ type: string }>) => list.map((e) => e.type).filter((type, i, all) => type !== all[i - 1]);
    expect(types(imageEvents)).toEqual(types(recordedImage));
    const partials = imageEvents.filter((e) => e.type === 'response.image_generation_call.partial_image');
    expect(partials.map((e) => e.partial_image_index)).toEqual([0, 1]);
    const keys = (e: Record<string, unknown>) => Object.keys(e).sort();
    expect(keys(partials[0]!)).toEqual(keys(recordedImage.find((e) => e.type === 'response.image_generation_call.partial_image')!));
    const done = imageEvents.at(-1)!.item as Record<string, unknown>;
    expect(keys(done)).toEqual(keys(recordedImage.at(-1)!.item as Record<string, unknown>));
    expect(done).toMatchObject({ type: 'image_generation_call', status: 'generating', output_format: 'webp', size: '24x16', background: 'opaque', quality: 'medium' });
    expect(imageInfo(Buffer.from(String(partials[0]!.partial_image_b64), 'base64'))).toEqual({ format: 'webp', width: 24, height: 16 });
    expect(events.map((e) => e.sequence_number)).toEqual(events.map((_, i) => i));
  });

  it('--format jpeg and webp: valid files, the right size and extension, --compression sent', async () => {
    const cwd = workDir();
    const jpeg = await run(['image', '--format', 'jpeg', '--compression', '60', '--quality', 'high', '--size', '40x24', 'a jpeg'], { cwd });
    expect(jpeg.code).toBe(0);
    expect(jpeg.stdout.trim()).toMatch(/\.jpg$/);
    expect(lastCreate().body.tools).toEqual([{ type: 'image_generation', size: '40x24', quality: 'high', output_format: 'jpeg', output_compression: 60 }]);
    const jpegBytes = readFileSync(join(cwd, jpeg.stdout.trim()));
    expect(jpegBytes.subarray(0, 3)).toEqual(Buffer.from([0xff, 0xd8, 0xff]));
    expect(jpegBytes.subarray(-2)).toEqual(Buffer.from([0xff, 0xd9]));
    expect(imageInfo(jpegBytes)).toEqual({ format: 'jpeg', width: 40, height: 24 });

    const webp = await run(['image', '--format', 'webp', '--background', 'transparent', '--size', '30x20', 'a webp'], { cwd });
    expect(webp.code).toBe(0);
    expect(webp.stdout.trim()).toMatch(/\.webp$/);
    const webpBytes = readFileSync(join(cwd, webp.stdout.trim()));
    expect(webpBytes.toString('latin1', 0, 4)).toBe('RIFF');
    expect(webpBytes.readUInt32LE(4)).toBe(webpBytes.length - 8);
    expect(webpBytes.toString('latin1', 8, 16)).toBe('WEBPVP8L');
    expect(imageInfo(webpBytes)).toEqual({ format: 'webp', width: 30, height: 20 });
    // alpha_is_used bit set for a transparent background
    expect((webpBytes.readUInt32LE(21) >>> 28) & 1).toBe(1);
  });

  it('--partial-images 2 --save-partials streams and saves two partials and the final image', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '48x32', '--partial-images', '2', '--save-partials', 'a river made of white owl feathers'], { cwd });
    expect(result.code).toBe(0);
    const paths = result.stdout.trim().split('\n');
    expect(paths).toHaveLength(3);
    expect(paths[0]).toMatch(/\.partial-1\.png$/);
    expect(paths[1]).toMatch(/\.partial-2\.png$/);
    expect(paths[2]).not.toContain('partial');
    for (const path of paths) expect(decodePng(readFileSync(join(cwd, path)))).toMatchObject({ width: 48, height: 32 });
    expect(readFileSync(join(cwd, paths[0]!))).not.toEqual(readFileSync(join(cwd, paths[2]!)));
    expect(lastCreate().body).toMatchObject({ stream: true, tools: [{ type: 'image_generation', partial_images: 2 }] });
    expect(result.stderr).not.toMatch(/\x1b/);
  });

  it('--partial-images without --save-partials keeps only the final image', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '16x16', '--partial-images', '1', 'just the final'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(readdirSync(cwd)).toHaveLength(1);
  });

  it('never overwrites without --force', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'mine.png'), 'precious');
    const refused = await run(['image', '--size', '16x16', '-o', 'mine.png', 'x'], { cwd });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('mine.png already exists');
    expect(refused.stderr).toContain('--force');
    expect(readFileSync(join(cwd, 'mine.png'), 'utf8')).toBe('precious');
    const forced = await run(['image', '--size', '16x16', '-o', 'mine.png', '--force', 'x'], { cwd });
    expect(forced.code).toBe(0);
    expect(forced.stdout).toBe('mine.png\n');
    expect(decodePng(readFileSync(join(cwd, 'mine.png'))).width).toBe(16);
    expect(readdirSync(cwd)).toEqual(['mine.png']);
  });

  it('a partial image that would overwrite a file stops with a clear error, the file untouched', async () => {
    const cwd = workDir();
    writeFileSync(join(cwd, 'pic.partial-1.png'), 'keep');
    const result = await run(['image', '--size', '16x16', '--partial-images', '1', '--save-partials', '-o', 'pic.png', 'x'], { cwd });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('pic.partial-1.png already exists; the image was not saved');
    expect(result.stderr).not.toContain('stream ended early');
    expect(readFileSync(join(cwd, 'pic.partial-1.png'), 'utf8')).toBe('keep');
  });

  it('-o DIR/ writes a derived name inside the directory; names never escape it', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '16x16', '-o', 'out/', '../../etc/passwd'], { cwd });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^out\/etc-passwd-[0-9a-f]{8}\.png\n$/);
    expect(readdirSync(join(cwd, 'out'))).toHaveLength(1);
  });

  it('--json replaces each base64 result with the saved path; --json --raw keeps it', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '16x16', '--json', 'json cat'], { cwd });
    expect(result.code).toBe(0);
    const response = JSON.parse(result.stdout) as { id: string; output: Array<{ type: string; result?: string; revised_prompt?: string }> };
    const call = response.output.find((item) => item.type === 'image_generation_call')!;
    expect(call.result).toMatch(/^json-cat-[0-9a-f]{8}\.png$/);
    expect(existsSync(join(cwd, call.result!))).toBe(true);
    expect(call.revised_prompt).toContain('json cat');

    const raw = await run(['image', '--size', '16x16', '--json', '--raw', 'json cat'], { cwd });
    const rawCall = (JSON.parse(raw.stdout) as typeof response).output.find((item) => item.type === 'image_generation_call')!;
    expect(Buffer.from(rawCall.result!, 'base64').subarray(1, 4).toString()).toBe('PNG');
  });

  it('a text-only answer shows the text and exits 4', async () => {
    const cwd = workDir();
    const result = await run(['image', 'answer in words, no image'], { cwd });
    expect(result.code).toBe(4);
    expect(result.stdout).toBe('');
    expect(result.stderr).toContain('Echo: answer in words, no image');
    expect(result.stderr).toContain('no image');
    expect(readdirSync(cwd)).toEqual([]);
  });

  it('--edit sends local files inline, URLs and file ids as they are; --previous continues', async () => {
    const cwd = workDir();
    const first = await run(['image', '--size', '16x16', '-o', 'base.png', 'a basket'], { cwd });
    expect(first.code).toBe(0);
    // The service knows only uploaded file ids: upload the picture first.
    const fileId = (await run(['files', 'upload', join(cwd, 'base.png')])).stdout.trim();
    expect(fileId).toMatch(/^file-/);
    const result = await run(['image', '--size', '16x16', '--edit', 'base.png', '--edit', 'https://example.com/a.png', '--edit', fileId, 'combine them'], { cwd });
    expect(result.code).toBe(0);
    const input = lastCreate().body.input as Array<{ role: string; content: Array<Record<string, string>> }>;
    expect(input).toHaveLength(1);
    const [text, local, url, file] = input[0]!.content;
    expect(text).toEqual({ type: 'input_text', text: 'combine them' });
    expect(local!.image_url).toMatch(/^data:image\/png;base64,iVBORw0KGgo/);
    expect(url).toMatchObject({ type: 'input_image', image_url: 'https://example.com/a.png' });
    expect(file).toMatchObject({ type: 'input_image', file_id: fileId });
    expect(result.stderr).toContain('Based on 3 input images');

    const json = await run(['image', '--size', '16x16', '--json', 'first turn'], { cwd });
    const id = (JSON.parse(json.stdout) as { id: string }).id;
    const next = await run(['image', '--size', '16x16', '--previous', id, 'make it realistic'], { cwd });
    expect(next.code).toBe(0);
    expect(lastCreate().body.previous_response_id).toBe(id);
    expect(next.stderr).toContain('Continues: "first turn"');
  });

  it('rejects bad flag combinations before sending anything', async () => {
    const before = ctx.emulator.requests.length;
    const cases: Array<[string[], string]> = [
      [['--compression', '50'], '--compression applies to jpeg and webp'],
      [['--format', 'jpeg', '--background', 'transparent'], 'jpeg has no transparency'],
      [['--size', 'big'], "invalid --size 'big'"],
      [['--partial-images', '4'], '--partial-images'],
      [['--format', 'gif'], '--format'],
      [['--edit', 'missing.png'], 'cannot read missing.png'],
      [['--raw'], '--raw goes with --json'],
      [['--save-partials'], '--save-partials needs --partial-images'],
    ];
    for (const [flags, message] of cases) {
      const result = await run(['image', ...flags, 'x'], { cwd: workDir() });
      expect(result.code, flags.join(' ')).toBe(2);
      expect(result.stderr).toContain(message);
    }
    expect(ctx.emulator.requests.length).toBe(before);
  });

  it('Ctrl-C while saving leaves whole images or none, never a partial file', async () => {
    for (const delayMs of [0, 40, 120]) {
      const cwd = workDir();
      const child = spawn(BIN, ['-H', 'x-emulator-fault: delay-ms=60', 'image', '--size', '512x512', '--partial-images', '3', '--save-partials', 'interrupt me'], {
        cwd,
        env: ctx.env,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
      child.stdout.once('data', () => setTimeout(() => child.kill('SIGINT'), delayMs));
      const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
      recordCapture('aoai image (SIGINT)', stderr);
      const files = readdirSync(cwd);
      if (code === 0) {
        // The run finished before the signal landed: the three partials and the image, all whole.
        expect(files).toHaveLength(4);
      } else {
        expect(code).toBe(130);
        expect(stderr).toMatch(/^aoai: interrupted/m);
      }
      expect(files.filter((name) => name.endsWith('.tmp') || name.startsWith('.'))).toEqual([]);
      expect(files.length).toBeGreaterThan(0);
      for (const name of files) expect(decodePng(readFileSync(join(cwd, name)))).toMatchObject({ width: 512, height: 512 });
    }
  });
});

describe('aoai image --preview', () => {
  /**
   * Run under a pseudo-terminal (util-linux `script`), returning everything the terminal received.
   * The pty gets a real size first: ora's spinner loops forever on a terminal 0 columns wide.
   */
  function runInTerminal(args: string[], env: Record<string, string>, cwd: string): Promise<{ code: number | null; output: string }> {
    const quoted = `stty cols 100 rows 40; exec ${[BIN, ...args].map((arg) => `'${arg.replace(/'/g, "'\\''")}'`).join(' ')}`;
    return new Promise((resolve, reject) => {
      const child = spawn('script', ['-qefc', quoted, '/dev/null'], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
      const chunks: Buffer[] = [];
      child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk));
      child.on('error', reject);
      child.on('close', (code) => {
        const output = Buffer.concat(chunks).toString('utf8');
        recordCapture(`script aoai ${args.join(' ')}`, output);
        resolve({ code, output });
      });
    });
  }

  it('kitty: the graphics protocol on the terminal, partial images replaced in place', async () => {
    const cwd = workDir();
    const { code, output } = await runInTerminal(['image', '--size', '64x32', '--partial-images', '2', 'kitty picture'], { ...ctx.env, TERM: 'xterm-kitty' }, cwd);
    expect(code).toBe(0);
    const placements = output.match(/\x1b_Ga=T,f=100,q=2,C=1,c=\d+,r=\d+,m=[01];/g) ?? [];
    expect(placements).toHaveLength(3); // two partials and the final
    expect(output).toMatch(/\x1b\[\d+F\x1b\[J\x1b_Ga=T/); // cursor back up over the last partial, then clear
    const [first] = output.match(/\x1b_Ga=T[^;]*;([^\x1b]*)/)!.slice(1);
    expect(Buffer.from(first!, 'base64').subarray(1, 4).toString()).toBe('PNG');
    expect(output).toMatch(/kitty-picture-[0-9a-f]{8}\.png/);
    // Text printed after the final image, so replacing the partial preview cannot erase it.
    const finalImage = output.lastIndexOf('\x1b_Ga=T');
    expect(output.indexOf('revised prompt: kitty picture', finalImage)).toBeGreaterThan(finalImage);
    expect(output.indexOf('Echo: kitty picture', finalImage)).toBeGreaterThan(finalImage);
  });

  it('iTerm2 and sixel when the terminal says so (or AOAI_IMAGE_PROTOCOL)', async () => {
    const iterm = await runInTerminal(['image', '--size', '32x32', 'iterm picture'], { ...ctx.env, TERM: 'xterm-256color', TERM_PROGRAM: 'iTerm.app' }, workDir());
    expect(iterm.code).toBe(0);
    expect(iterm.output).toMatch(/\x1b\]1337;File=name=[^;]+;size=\d+;width=\d+;height=\d+;preserveAspectRatio=1;inline=1:iVBORw0KGgo[A-Za-z0-9+/=]+\x07/);
    const sixel = await runInTerminal(['image', '--size', '32x32', 'sixel picture'], { ...ctx.env, TERM: 'xterm-256color', AOAI_IMAGE_PROTOCOL: 'sixel' }, workDir());
    expect(sixel.code).toBe(0);
    expect(sixel.output).toMatch(/\x1bPq"1;1;32;32#\d+;2;\d+;\d+;\d+[^\x1b]*-\x1b\\/);
  });

  it('a terminal without an image protocol gets the path and dimensions', async () => {
    const { code, output } = await runInTerminal(['image', '--size', '40x20', 'plain terminal'], { ...ctx.env, TERM: 'xterm-256color' }, workDir());
    expect(code).toBe(0);
    expect(output).toMatch(/plain-terminal-[0-9a-f]{8}\.png \(40×20 png, \d+ KB\)/);
    expect(output).not.toMatch(/\x1b_G|\x1b\]1337|\x1bPq/);
  });

  it('--preview on a pipe writes no escape codes, only the path and dimensions on stderr', async () => {
    const cwd = workDir();
    const result = await run(['image', '--size', '40x20', '--preview', 'piped preview'], { cwd, env: { ...ctx.env, TERM: 'xterm-kitty' } });
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^piped-preview-[0-9a-f]{8}\.png\n$/);
    expect(result.stderr).toMatch(/piped-preview-[0-9a-f]{8}\.png \(40×20 png, \d+ KB\)/);
    expect(result.stdout + result.stderr).not.toMatch(/\x1b/);
  });

  it('--no-preview on a kitty terminal shows no image', async () => {
    const { code, output } = await runInTerminal(['image', '--size', '16x16', '--no-preview', 'hidden'], { ...ctx.env, TERM: 'xterm-kitty' }, workDir());
    expect(code).toBe(0);
    expect(output).not.toMatch(/\x1b_G/);
  });
});

describe('images from any command (an image_generation tool in create or stream)', () => {
  const tools = () => {
    const dir = workDir();
    writeFileSync(join(dir, 'img.json'), JSON.stringify([{ type: 'image_generation' }]));
    return dir;
  };
  const noImageEnv = () => Object.fromEntries(Object.entries(ctx.env).filter(([name]) => name !== 'AZURE_OPENAI_IMAGE_DEPLOYMENT'));
  const lastPost = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).at(-1)!;

  it('create -H "x-ms-oai-image-generation-deployment: …" saves the image as aoai image does and prints its path', async () => {
    const cwd = tools();
    const result = await run(['create', '-m', 'gpt-4.1', '--tools', 'img.json', '-H', 'x-ms-oai-image-generation-deployment: gpt-image-1', 'a red fox'], { cwd, env: noImageEnv() });
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
    const path = /^(a-red-fox-\w{8}\.png)$/m.exec(result.stdout)?.[1];
    expect(path, result.stdout).toBeDefined();
    expect(result.stdout).toBe(`Echo: a red fox\n${path}\n`);
    expect(imageInfo(readFileSync(join(cwd, path!)))?.format).toBe('png');
  });

  it('stream --image-deployment sets the header and saves the image; --json keeps stdout the events and says where on stderr', async () => {
    const cwd = tools();
    const streamed = await run(['stream', '-m', 'gpt-4.1', '--tools', 'img.json', '--image-deployment', 'gpt-image-2', 'a blue owl'], { cwd, env: noImageEnv() });
    expect(streamed.code).toBe(0);
    expect(lastPost().headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-2');
    const path = /^(a-blue-owl-\w{8}\.png)$/m.exec(streamed.stdout)?.[1];
    expect(path && existsSync(join(cwd, path))).toBeTruthy();

    const json = await run(['create', '-m', 'gpt-4.1', '--tools', 'img.json', '--json', 'a green heron'], { cwd });
    expect(json.code).toBe(0);
    const response = JSON.parse(json.stdout) as { output: Array<{ type: string; result?: string }> };
    expect(response.output.find((item) => item.type === 'image_generation_call')?.result).toMatch(/^iVBOR/);
    const saved = /^saved image: (a-green-heron-\w{8}\.png)$/m.exec(json.stderr)?.[1];
    expect(saved && existsSync(join(cwd, saved))).toBeTruthy();
    // The environment's image deployment was used.
    expect(lastPost().headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1');
  });

  it('without an image deployment the 400 hints --image-deployment, and nothing is saved', async () => {
    const cwd = tools();
    const result = await run(['create', '-m', 'gpt-4.1', '--tools', 'img.json', 'a grey cat'], { cwd, env: noImageEnv() });
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: HTTP 400 .*x-ms-oai-image-generation-deployment/);
    expect(result.stderr).toContain('hint: name the image model deployment: --image-deployment NAME');
    expect(readdirSync(cwd).filter((name) => name.endsWith('.png'))).toEqual([]);
  });
});
