// Every shell example in README.md and docs/ that is marked runnable (a fence opened with
// ```sh runnable) runs here, against the emulator, as a reader would paste it: bash with
// `set -eo pipefail`, aoai on PATH, the endpoint, key, AZURE_OPENAI_DEPLOYMENT (gpt-4.1) and
// AZURE_OPENAI_IMAGE_DEPLOYMENT exported, in a directory holding the files the examples name
// (photo.jpg, report.pdf, weather.json…: FIXTURES below).
// A marked example that fails, or prints an `aoai:` error line, fails the suite.
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { runScript, type ScriptResult } from '../helpers/shell.ts';

interface DocExample {
  /** `docs/scripting.md:33`: the file and the line of the opening fence. */
  where: string;
  script: string;
}

const RUNNABLE_FENCE = /^```sh runnable\s*$/;

function runnableExamples(file: string, text: string): DocExample[] {
  const examples: DocExample[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    if (!RUNNABLE_FENCE.test(lines[i]!)) continue;
    const start = i;
    const body: string[] = [];
    for (i++; i < lines.length && !/^```\s*$/.test(lines[i]!); i++) body.push(lines[i]!);
    examples.push({ where: `${file}:${start + 1}`, script: body.join('\n') });
  }
  return examples;
}

function documentedExamples(): DocExample[] {
  const files = ['README.md', ...readdirSync(join(REPO_ROOT, 'docs')).filter((name) => name.endsWith('.md')).map((name) => `docs/${name}`)];
  return files.flatMap((file) => runnableExamples(file, readFileSync(join(REPO_ROOT, file), 'utf8')));
}

const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000' + '1f15c4890000000d49444154789c636060606000000005000176' + '0d0a2db40000000049454e44ae426082', 'hex');
const JPEG = Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0]), Buffer.from('jpeg body')]);
const PDF = Buffer.from('%PDF-1.7\n1 0 obj\n<<>>\nendobj\n%%EOF\n');
/** The files the examples name, as a reader would have them. */
const FIXTURES: Record<string, string | Buffer> = {
  'photo.jpg': JPEG,
  'diagram.png': PNG,
  'image1.png': PNG,
  'image2.png': PNG,
  'report.pdf': PDF,
  'notes.pdf': PDF,
  'big-report.pdf': PDF,
  'person.schema.json': JSON.stringify({
    type: 'object',
    properties: { name: { type: 'string' }, age: { type: 'integer' }, city: { type: 'string' } },
    required: ['name', 'age', 'city'],
    additionalProperties: false,
  }),
  'weather.json': JSON.stringify({
    name: 'get_weather',
    description: 'Current weather for a place',
    parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
  }),
  'weather.sh': '#!/bin/sh\necho \'{"temperature": 21}\'\n',
  'doc.txt': 'The quick brown fox jumps over the lazy dog.\n',
};

function runExample(script: string, env: Record<string, string>, cwd: string): Promise<ScriptResult> {
  return runScript('bash', `set -eo pipefail\n${script}`, { env, cwd });
}

const ctx = useEmulator();

function exampleDirectory(): { cwd: string; env: Record<string, string> } {
  const cwd = mkdtempSync(join(ctx.box.home, 'example-'));
  for (const [name, data] of Object.entries(FIXTURES)) writeFileSync(join(cwd, name), data);
  chmodSync(join(cwd, 'weather.sh'), 0o755);
  const env = { ...ctx.env, PATH: `${join(REPO_ROOT, 'bin')}:${ctx.env.PATH}`, AZURE_OPENAI_DEPLOYMENT: 'gpt-4.1', AZURE_OPENAI_IMAGE_DEPLOYMENT: 'gpt-image-1' };
  return { cwd, env };
}

describe('runnable examples in README.md and docs/', () => {
  const examples = documentedExamples();

  it('finds the marked examples', () => {
    expect(examples.length).toBeGreaterThanOrEqual(10);
  });

  it.each(examples.map((example) => [example.where, example] as const))('%s runs as written', async (_where, example) => {
    const { cwd, env } = exampleDirectory();
    const result = await runExample(example.script, env, cwd);
    expect({ code: result.code, errors: result.stderr.split('\n').filter((line) => line.startsWith('aoai: ')) }, `stderr:\n${result.stderr}`).toEqual({ code: 0, errors: [] });
  });
});

describe('docs/scripting.md: the exit-code example', () => {
  // The example branches on aoai's exit code; a stand-in aoai that exits with each code proves
  // every branch is reachable (`if ! x=$(…); then case $? …` only ever reached `*)`).
  const example = documentedExamples().find((candidate) => candidate.where.startsWith('docs/scripting.md') && candidate.script.includes('case $status in'));

  it.each([
    [2, "bug in this script's flags"],
    [3, 'sign in (az login) or set AZURE_OPENAI_API_KEY'],
    [4, 'model stopped early: partial text'],
    [1, 'service error; retry later'],
  ])('exit code %i takes its own branch', async (code, message) => {
    expect(example, 'a runnable example in docs/scripting.md with `case $status in`').toBeDefined();
    const { cwd, env } = exampleDirectory();
    const stub = join(cwd, 'stub-bin');
    mkdirSync(stub);
    writeFileSync(join(stub, 'aoai'), `#!/bin/sh\nprintf 'partial text'\nexit ${code}\n`, { mode: 0o755 });
    const result = await runExample(example!.script, { ...env, PATH: `${stub}:${env.PATH}` }, cwd);
    expect(result.stdout + result.stderr).toContain(message);
  });
});
