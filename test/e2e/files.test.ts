// aoai files upload | list | get | delete against the emulator's multipart Files API, and an
// uploaded id used as --file.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const dir = tempDir('aoai-files-');
const PDF = Buffer.from('%PDF-1.7\nfiles test\n%%EOF\n');

describe('aoai files', () => {
  it('uploads with multipart (purpose assistants by default) and prints only the id', async () => {
    const path = join(dir, 'report.pdf');
    writeFileSync(path, PDF);
    const result = await run(['files', 'upload', path]);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^file-[0-9a-f]{32}\n$/);
    const request = ctx.emulator.requests.find((r) => r.method === 'POST' && r.path.endsWith('/files'))!;
    expect(request.headers['content-type']).toMatch(/^multipart\/form-data; boundary=/);
    expect(String(request.body)).toContain('name="purpose"\r\n\r\nassistants\r\n');
    expect(String(request.body)).toContain('filename="report.pdf"');
  });

  it('round trip: upload --json, list, get, download, use as --file, delete', async () => {
    const path = join(dir, 'notes.pdf');
    writeFileSync(path, PDF);
    const uploaded = JSON.parse((await run(['files', 'upload', '--json', '--purpose', 'assistants', path])).stdout);
    expect(uploaded).toMatchObject({ object: 'file', filename: 'notes.pdf', bytes: PDF.length, purpose: 'assistants', status: 'processed' });
    const id = uploaded.id as string;

    const list = await run(['files', 'list']);
    expect(list.stdout.split('\n')).toContain(`${id}\tassistants\t${PDF.length}\t${new Date(uploaded.created_at * 1000).toISOString().replace('.000Z', 'Z')}\tnotes.pdf`);
    const jsonl = (await run(['files', 'list', '--jsonl'])).stdout.trim().split('\n').map((line) => JSON.parse(line));
    expect(jsonl.map((f) => f.id)).toContain(id);

    const details = await run(['files', 'get', id]);
    expect(details.stdout).toContain(`id:       ${id}\nfilename: notes.pdf\n`);
    expect(JSON.parse((await run(['files', 'get', id, '--json'])).stdout)).toEqual(uploaded);

    const copy = join(dir, 'copy.pdf');
    expect((await run(['files', 'get', id, '--output', copy])).code).toBe(0);
    expect(readFileSync(copy)).toEqual(PDF);
    const again = await run(['files', 'get', id, '--output', copy]);
    expect(again).toMatchObject({ code: 2 });
    expect(again.stderr).toContain('already exists\nhint: pass --force to replace it');
    expect((await run(['files', 'get', id, '-o', '-'])).stdoutBytes).toEqual(PDF);

    const used = await run(['create', '-m', 'gpt-4.1', '--file', id, 'Summarise the notes']);
    expect(used).toMatchObject({ code: 0, stdout: 'Echo: Summarise the notes\n' });

    expect((await run(['files', 'delete', id])).stdout).toBe(`${id}\n`);
    const gone = await run(['files', 'get', id]);
    expect(gone.code).toBe(1);
    expect(gone.stderr).toContain(`No such File object: ${id}`);
  }, 120_000); // thirteen aoai runs in a row: on a loaded 2-core machine that alone can pass 30 s

  it('checks every path before uploading any', async () => {
    const good = join(dir, 'good.pdf');
    writeFileSync(good, PDF);
    const before = ctx.emulator.requests.length;
    const result = await run(['files', 'upload', good, join(dir, 'missing.pdf')]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toMatch(/^aoai: cannot read .*missing\.pdf: no such file\n$/);
    writeFileSync(join(dir, 'empty.pdf'), '');
    expect((await run(['files', 'upload', join(dir, 'empty.pdf')])).stderr).toContain('is empty');
    expect(ctx.emulator.requests.length).toBe(before);
  });

  it("accepts every purpose the service does (vision for image edits, user_data), and lists them", async () => {
    const path = join(dir, 'edit.png');
    writeFileSync(path, Buffer.from('89504e470d0a1a0a', 'hex'));
    for (const purpose of ['vision', 'user_data', 'batch', 'fine-tune', 'evals']) {
      const uploaded = await run(['files', 'upload', '--json', '--purpose', purpose, path]);
      expect({ code: uploaded.code, stderr: uploaded.stderr }).toEqual({ code: 0, stderr: '' });
      expect(JSON.parse(uploaded.stdout)).toMatchObject({ purpose, filename: 'edit.png' });
    }
    const help = await run(['files', 'upload', '--help']);
    expect(help.stdout.replace(/\s+/g, ' ')).toContain('choices: "assistants", "batch", "fine-tune", "vision", "user_data", "evals"');
  });

  it('delete carries on past a failure and exits with its code', async () => {
    const path = join(dir, 'd.pdf');
    writeFileSync(path, PDF);
    const id = (await run(['files', 'upload', path])).stdout.trim();
    const result = await run(['files', 'delete', 'file-doesnotexist', id]);
    expect(result.code).toBe(1);
    expect(result.stdout).toBe(`${id}\n`);
    expect(result.stderr).toContain('file-doesnotexist: HTTP 404');
    expect(existsSync(path)).toBe(true);
  });
});
