/* eslint-disable no-control-regex -- these tests look for terminal control characters */
// Remote text never drives the terminal, a pipe still gets the exact bytes, rows cannot be forged,
// and ids with shell metacharacters never reach a URL or a printed command. Against a server whose
// every string is hostile (test/helpers/hostile-text.ts), on a pseudo-terminal and on a pipe.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { EVIL, EVIL_RESPONSE_ID, startHostileTextServer, type HostileTextServer } from '../helpers/hostile-text.ts';
import { runOnPty } from '../helpers/pty.ts';

/** Anything a terminal acts on, once the pty's own CRLF line ends are taken out. */
const LIVE = /[\x00-\x08\x0b-\x1f\x7f-\x9f]/;

let server: HostileTextServer;
let box: Sandbox;

beforeAll(async () => {
  server = await startHostileTextServer();
  // No colour and no spinner: then every escape sequence in the output would be the server's.
  box = sandbox({ AZURE_OPENAI_ENDPOINT: server.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY, NO_COLOR: '1', CI: '1' });
});
afterAll(async () => {
  await server?.close();
  box?.cleanup();
});

const run = (args: string[]) => runAoai(args, { env: box.env, cwd: box.home });

const runOnTty = (args: string[]) => runOnPty(args, { env: box.env, cwd: box.home });

function expectQuiet(output: string): void {
  const live = LIVE.exec(output);
  expect(live, live ? `live control U+${live[0].charCodeAt(0).toString(16)} at ${live.index}: ${JSON.stringify(output.slice(Math.max(0, live.index - 30), live.index + 30))}` : '').toBeNull();
}

describe('on a terminal, remote text is shown, never obeyed', () => {
  it('create: output text, refusal and the cited file name', async () => {
    const { code, output } = await runOnTty(['create', '-m', 'gpt-4.1', 'text']);
    expect(code).toBe(0);
    expectQuiet(output);
    expect(output).toContain('hello ^[]52;c;dG91Y2ggL3RtcC9wd25lZA==^G^[]0;pwned title^G');
    expect(output).toContain('\\x9b31m');
    expect(output).toContain('refusal: refused ^[]52');
  });

  it('stream: escape sequences split across deltas, reasoning summaries, function names', async () => {
    const { code, output } = await runOnTty(['stream', '-m', 'gpt-4.1', 'text']);
    expect(code).toBe(0);
    expectQuiet(output);
    expect(output).toContain('hello ^[]52;c;');
    expect(output).toContain('^[[2J^[[H');
    expect(output).toContain('thinking ^[]0;summary title^G done');
    expect(output).toContain('calling fn^[]52');
  });

  it('--json: still valid JSON with the same values, control characters escaped', async () => {
    // stdout alone on the terminal (the usage line on stderr is not part of the JSON).
    const { code, output } = await runOnPty(['create', '-m', 'gpt-4.1', '--json', 'text'], { env: box.env, cwd: box.home, stderr: 'discard' });
    expect(code).toBe(0);
    expectQuiet(output);
    const parsed = JSON.parse(output) as { output: Array<{ content: Array<{ text?: string }> }> };
    expect(parsed.output[0]!.content[0]!.text).toBe(`hello ${EVIL} world`);
  });

  it('function calls, MCP labels and tool names, code-interpreter code and logs', async () => {
    for (const scenario of ['function', 'mcp', 'code']) {
      const { output } = await runOnTty(['create', '-m', 'gpt-4.1', scenario]);
      expectQuiet(output);
      expect(output, scenario).toContain('^[]52');
    }
  });

  it("the service's error message and code", async () => {
    const { code, output } = await runOnTty(['create', '-m', 'gpt-4.1', 'error']);
    expect(code).toBe(1);
    expectQuiet(output);
    expect(output).toMatch(/^aoai: .*bad request \^\[\]52/m);
  });

  it('files list and items', async () => {
    for (const args of [['files', 'list'], ['items', 'resp_0123456789abcdef']]) {
      const { code, output } = await runOnTty(args);
      expect(code, args.join(' ')).toBe(0);
      expectQuiet(output);
      expect(output.trim().split('\n'), args.join(' ')).toHaveLength(1);
    }
  });
});

describe('on a pipe', () => {
  it('output text is byte-exact; stderr (for people) is neutralised', async () => {
    for (const command of ['create', 'stream']) {
      const result = await run([command, '-m', 'gpt-4.1', 'text']);
      expect(result.code, command).toBe(0);
      expect(result.stdout, command).toBe(`hello ${EVIL} world\n`);
      expectQuiet(result.stderr);
    }
  });

  it('--json passes the exact JSON through', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--json', 'text']);
    expect(JSON.parse(result.stdout).output[0].content[0].text).toBe(`hello ${EVIL} world`);
  });

  it('a function name with tabs and newlines cannot forge a field or a line', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', 'function']);
    expect(result.code).toBe(5);
    const lines = result.stdout.split('\n').filter(Boolean);
    expect(lines).toHaveLength(1);
    const fields = lines[0]!.split('\t');
    expect(fields).toHaveLength(4);
    expect(fields.slice(0, 2)).toEqual(['function_call', 'call_abc']);
    expect(fields[2]).toMatch(/^get\\tweather\\n\^\[\]52/);
    expect(JSON.parse(fields[3]!)).toEqual({ city: EVIL });
    expectQuiet(result.stdout.replace(/[\t\n]/g, ''));
  });

  it('files list and items: one row per record, the right number of fields', async () => {
    const files = await run(['files', 'list']);
    expect(files.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(files.stdout.trimEnd().split('\t')).toHaveLength(5);
    expect(files.stdout).toContain('report\\tfile-forged\\tuser_data\\t1\\t2\\nfile-evil^[]52');
    const items = await run(['items', 'resp_0123456789abcdef']);
    expect(items.stdout.split('\n').filter(Boolean)).toHaveLength(1);
    expect(items.stdout.trimEnd().split('\t')).toHaveLength(4);
  });

  it('a cited file gets a fetch command with a safe, quoted output name', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', 'code']);
    const fetch = /^ {2}fetch: (.*)$/m.exec(result.stderr)?.[1];
    expect(fetch).toMatch(/^aoai files get cfile_1 --container cntr_1 --output [A-Za-z0-9._-]+\.png$/);
    expect(fetch).not.toContain('..');
  });
});

describe('ids with shell metacharacters', () => {
  it('a malformed response id is an error, and no hint prints it runnable', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', 'evil-id']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/^aoai: the service sent a malformed response id: "resp_2\$\(touch pwned\)"/m);
    expect(result.stderr).not.toMatch(/^hint:/m);
    expect(result.stderr).not.toContain(`--previous ${EVIL_RESPONSE_ID}`);
  });

  it('a background job with a malformed id is not followed, polled or hinted', async () => {
    const result = await runOnTty(['create', '-m', 'gpt-4.1', '--background', 'background-evil-id']);
    expect(result.code).toBe(1);
    expect(result.output).toContain('malformed response id');
    expect(result.output).not.toContain('Follow it with');
    const waited = await run(['create', '-m', 'gpt-4.1', '--background', '--wait', 'background-evil-id']);
    expect(waited.code).toBe(1);
    expect(waited.stderr).toContain('malformed response id');
    expect(existsSync(join(box.home, 'pwned'))).toBe(false);
  });
});
