// --image and --file: local files become data URLs with the MIME type from their bytes, URLs and
// file ids pass through, and bad files fail before anything is sent.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
const lastBody = () => posts().at(-1)?.body as { input: Array<{ role: string; content: Array<Record<string, string>> }> };

const dir = tempDir('aoai-inputs-');
const PNG = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.from('png body')]);
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('jpeg body')]);
const GIF = Buffer.from('GIF89a gif body');
const WEBP = Buffer.concat([Buffer.from('RIFF'), Buffer.from([0, 0, 0, 0]), Buffer.from('WEBPVP8 body')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
const file = (name: string, data: Buffer | string) => {
  const path = join(dir, name);
  writeFileSync(path, data);
  return path;
};

describe('--image', () => {
  it('sends local PNG, JPEG, GIF and WEBP as data URLs typed from their bytes, after the prompt text', async () => {
    // A JPEG named .png is still sent as image/jpeg.
    const paths = [file('a.png', PNG), file('really-jpeg.png', JPEG), file('c.gif', GIF), file('d.webp', WEBP)];
    const result = await run(['create', '-m', 'gpt-4.1', ...paths.flatMap((p) => ['--image', p]), 'What is in these?']);
    expect(result).toMatchObject({ code: 0, stdout: 'Echo: What is in these?\n', stderr: '' });
    const message = lastBody().input.at(-1)!;
    expect(message.role).toBe('user');
    expect(message.content[0]).toEqual({ type: 'input_text', text: 'What is in these?' });
    const urls = message.content.slice(1).map((part) => part.image_url);
    expect(message.content.slice(1).every((part) => part.type === 'input_image' && part.detail === 'auto')).toBe(true);
    expect(urls).toEqual([
      `data:image/png;base64,${PNG.toString('base64')}`,
      `data:image/jpeg;base64,${JPEG.toString('base64')}`,
      `data:image/gif;base64,${GIF.toString('base64')}`,
      `data:image/webp;base64,${WEBP.toString('base64')}`,
    ]);
  });

  it('passes an https URL as is, and an image with no prompt is allowed', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--image', 'https://example.com/cat.png']);
    expect(result.code).toBe(0);
    expect(lastBody().input).toEqual([{ role: 'user', content: [{ type: 'input_image', detail: 'auto', image_url: 'https://example.com/cat.png' }] }]);
  });

  it('rejects other types, missing files and directories before sending anything', async () => {
    const before = posts().length;
    const text = await run(['create', '-m', 'gpt-4.1', '--image', file('notes.png', 'just text'), 'x']);
    expect(text).toMatchObject({ code: 2, stdout: '' });
    expect(text.stderr).toMatch(/^aoai: --image: .*notes\.png is not a PNG, JPEG, WEBP or GIF image\n$/);
    const pdf = await run(['create', '-m', 'gpt-4.1', '--image', file('doc.pdf', PDF), 'x']);
    expect(pdf.stderr).toContain('(it is application/pdf)\nhint: attach PDFs with --file');
    const missing = await run(['create', '-m', 'gpt-4.1', '--image', join(dir, 'nope.png'), 'x']);
    expect(missing).toMatchObject({ code: 2 });
    expect(missing.stderr).toContain('no such file');
    const directory = await run(['create', '-m', 'gpt-4.1', '--image', dir, 'x']);
    expect(directory.stderr).toContain('is a directory');
    expect(posts().length).toBe(before);
  });

  it('rejects an image over the 20 MB limit without reading it into a request', async () => {
    const big = join(dir, 'big.png');
    writeFileSync(big, Buffer.concat([PNG, Buffer.alloc(21 * 1024 * 1024)]));
    const result = await run(['create', '-m', 'gpt-4.1', '--image', big, 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/big\.png is 21 MB; the service accepts at most 20 MB/);
  });
});

describe('--file', () => {
  it('sends a local PDF as file_data with its filename', async () => {
    const path = file('report.pdf', PDF);
    const result = await run(['create', '-m', 'gpt-4.1', '--file', path, 'Summarise']);
    expect(result.code).toBe(0);
    expect(lastBody().input.at(-1)!.content).toEqual([
      { type: 'input_text', text: 'Summarise' },
      { type: 'input_file', filename: 'report.pdf', file_data: `data:application/pdf;base64,${PDF.toString('base64')}` },
    ]);
  });

  it('sends a file id as file_id; ids never uploaded and deleted uploads are rejected by the service', async () => {
    const id = (await run(['files', 'upload', file('gone.pdf', PDF)])).stdout.trim();
    const result = await run(['create', '-m', 'gpt-4.1', '--file', id, 'Summarise']);
    expect(result.code).toBe(0);
    expect(lastBody().input.at(-1)!.content[1]).toEqual({ type: 'input_file', file_id: id });
    const unknown = await run(['create', '-m', 'gpt-4.1', '--file', 'assistant-abc123', 'Summarise']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain("The file 'assistant-abc123' was not found.");
    await run(['files', 'delete', id]);
    const gone = await run(['create', '-m', 'gpt-4.1', '--file', id, 'Summarise']);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`The file '${id}' was not found.`);
  });

  it('refuses non-PDF local files with a hint to upload them', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--file', file('data.csv', 'a,b\n1,2\n'), 'x']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('is not a PDF; only PDFs can be attached inline\nhint: for other files: aoai files upload PATH');
  });

  it('works with stream and --input-items too', async () => {
    const items = file('items.json', JSON.stringify([{ role: 'user', content: 'earlier' }]));
    const result = await run(['stream', '-m', 'gpt-4.1', '--input-items', items, '--file', file('r2.pdf', PDF), 'now']);
    expect(result.code).toBe(0);
    const input = lastBody().input;
    expect(input).toHaveLength(2);
    expect(input[1]!.content.map((part) => part.type)).toEqual(['input_text', 'input_file']);
  });
});

describe('the emulator checks inline parts as the service does', () => {
  it('rejects an image data URL with an unsupported type, and a file without a filename', async () => {
    const items = join(dir, 'bad-items.json');
    writeFileSync(items, JSON.stringify([{ role: 'user', content: [{ type: 'input_image', detail: 'auto', image_url: 'data:image/bmp;base64,Qk0=' }] }]));
    const image = await run(['create', '-m', 'gpt-4.1', '--input-items', items]);
    expect(image.code).toBe(1);
    expect(image.stderr).toContain("Invalid 'input[0].content[0].image_url'. Expected a base64-encoded data URL with an image MIME type");
    expect(image.stderr).toContain("but got unsupported MIME type 'image/bmp'.");
    writeFileSync(items, JSON.stringify([{ role: 'user', content: [{ type: 'input_file', file_data: 'data:application/pdf;base64,JVBERi0=' }] }]));
    const pdf = await run(['create', '-m', 'gpt-4.1', '--input-items', items]);
    expect(pdf.stderr).toContain("Missing required parameter: 'input[0].content[0].filename'.");
  });
});
