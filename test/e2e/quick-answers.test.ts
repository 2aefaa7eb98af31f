// bin/aoai answers --version and --help from text written at build time (dist/quick.cjs); the CLI
// (dist/main.js, commander) must print exactly the same, for every command, on a pipe and on a terminal.
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { helpTexts } from '../../src/cli/reference-docs.ts';
import { BIN, REPO_ROOT, cleanEnv, runAoai } from '../helpers/cli.ts';
import { recordCapture } from '../helpers/captures.ts';
import { TmuxServer } from '../helpers/tmux.ts';

const MAIN = join(REPO_ROOT, 'dist', 'main.js');
const { version } = JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
// Every command path the build wrote help for ('' is aoai itself); `npm test` builds dist/ first.
const commandPaths = Object.keys((JSON.parse(readFileSync(join(REPO_ROOT, 'dist', 'help', '80.json'), 'utf8')) as { texts: object }).texts);

/** The CLI itself, without bin/aoai's quick answers. */
function runCli(args: string[]) {
  const result = spawnSync(process.execPath, [MAIN, ...args], { env: cleanEnv(), encoding: 'utf8' });
  recordCapture(`dist/main.js ${args.join(' ')}`, result.stdout + result.stderr);
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('quick answers match the CLI', () => {
  it('covers every command', () => {
    expect(commandPaths).toEqual(expect.arrayContaining(['', 'create', 'files upload', 'config set', 'completion']));
  });

  it.each(commandPaths.map((path) => [path ? `aoai ${path} --help` : 'aoai --help', path]))('%s on a pipe', async (_title, path) => {
    const args = [...(path ? path.split(' ') : []), '--help'];
    const quick = await runAoai(args);
    const cli = runCli(args);
    expect(cli.code).toBe(0);
    expect(quick.code).toBe(0);
    expect(quick.stderr).toBe('');
    expect(quick.stdout).toBe(cli.stdout);
  });

  it('-h is --help', async () => {
    expect((await runAoai(['-h'])).stdout).toBe(runCli(['--help']).stdout);
    expect((await runAoai(['files', 'get', '-h'])).stdout).toBe(runCli(['files', 'get', '--help']).stdout);
  });

  it('--version and -V print the package version, as the CLI does', async () => {
    for (const flag of ['--version', '-V']) {
      const quick = await runAoai([flag]);
      expect(quick.code).toBe(0);
      expect(quick.stdout).toBe(`${version}\n`);
      expect(runCli([flag]).stdout).toBe(`${version}\n`);
    }
  });

  it('anything else reaches the CLI (an unknown command with --help is still a usage error)', async () => {
    const quick = await runAoai(['craete', '--help']);
    const cli = runCli(['craete', '--help']);
    expect(quick.code).toBe(cli.code);
    expect(quick.stdout).toBe(cli.stdout);
    expect(quick.stderr).toBe(cli.stderr);
  });

  it('`aoai --help | true` (the reader gone before the write) exits 0 without a word', async () => {
    const result = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      const child = spawn('bash', ['-c', `set -o pipefail; '${BIN}' --help | true`], { env: cleanEnv() });
      let stderr = '';
      child.stderr.on('data', (chunk) => (stderr += chunk));
      child.on('close', (code) => resolve({ code, stderr }));
    });
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});

describe('on a terminal, help is wrapped to its width (capped at 100)', () => {
  const tmux = new TmuxServer();
  afterAll(() => tmux.kill());
  const trimmed = (text: string) => text.replace(/[ \t]+$/gm, '').trimEnd();

  // 120 columns: the prebuilt 100-column text; 90: no prebuilt text, so the CLI wraps it itself.
  it.each([120, 90])('%i columns', async (width) => {
    const pane = tmux.aoai(['--help'], { env: cleanEnv({ HOME: REPO_ROOT }), width, height: 200 });
    try {
      expect(await pane.exitCode()).toBe(0);
      const screen = pane.screen();
      const output = screen.slice(0, screen.indexOf('[exit 0]'));
      expect(trimmed(output), `screen at ${width} columns:\n${screen}`).toBe(trimmed(helpTexts(Math.min(width, 100))['']!));
    } finally {
      pane.close();
    }
  });
});
