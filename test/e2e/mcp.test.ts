// Remote MCP: tool flags, approval requests listed with the exact command, aoai mcp approve
// (ids, --all, --deny, the prompt on a terminal and the refusal without one), readable
// mcp_list_tools / mcp_call rendering, and header values that never appear in any output.
import { describe, expect, it } from 'vitest';
import { BIN, runAoai } from '../helpers/cli.ts';
import { CANARY_MCP_HEADER } from '../helpers/canaries.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { answerPrompt } from '../helpers/pty.ts';

const ctx = useEmulator({}, { MCP_TOKEN: CANARY_MCP_HEADER });
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
const lastBody = () => posts().at(-1)?.body as Record<string, unknown>;
const SERVER = ['--mcp', 'calc=https://mcp.example.com/sse'];

/** A response waiting for approval of echo and add; returns its id and request ids. */
async function pendingResponse(): Promise<{ id: string; requests: Array<{ id: string; name: string }> }> {
  const result = await run(['create', '-m', 'gpt-4.1', ...SERVER, '--json', 'please echo hi and add 2 and 3']);
  expect(result.code).toBe(5);
  const response = JSON.parse(result.stdout);
  return { id: response.id, requests: response.output.filter((item: { type: string }) => item.type === 'mcp_approval_request') };
}

describe('aoai get of a response waiting for approvals', () => {
  it('lists the approval requests with the approve command and exits 5, as create does', async () => {
    const created = await run(['create', '-m', 'gpt-4.1', ...SERVER, 'please echo hi and add 2 and 3']);
    expect(created.code).toBe(5);
    const id = /aoai: (resp_\S+) is waiting for 2 MCP approvals/.exec(created.stderr)![1]!;
    const got = await run(['get', id]);
    expect(got.code).toBe(5);
    expect(got.stdout).toBe(created.stdout);
    expect(got.stderr).toContain(`aoai: ${id} is waiting for 2 MCP approvals`);
    expect(got.stderr.match(/^MCP approval needed: calc /gm)).toHaveLength(2);
  });
});

describe('--mcp flags', () => {
  it('maps --mcp, --mcp-approval, --mcp-allowed-tools and --mcp-header into the mcp tool', async () => {
    await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp', 'docs=https://docs.example.com/mcp', '--mcp-approval', 'never', '--mcp-allowed-tools', 'calc=add,echo', '--mcp-header', 'calc:Authorization=$MCP_TOKEN', '--mcp-header', 'docs:X-Team=cli', 'hello']);
    expect(lastBody().tools).toEqual([
      { type: 'mcp', server_label: 'calc', server_url: 'https://mcp.example.com/sse', require_approval: 'never', allowed_tools: ['add', 'echo'], headers: { Authorization: CANARY_MCP_HEADER } },
      { type: 'mcp', server_label: 'docs', server_url: 'https://docs.example.com/mcp', require_approval: 'never', headers: { 'X-Team': 'cli' } },
    ]);
  });

  it('rejects malformed specs with one line, never echoing a header value', async () => {
    const badHeader = await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp-header', 'calc Authorization=hunter2-secret-value', 'x']);
    expect(badHeader.code).toBe(2);
    expect(badHeader.stderr).toContain("invalid --mcp-header 'calc Authorization=…'");
    expect(badHeader.stderr).not.toContain('hunter2');
    expect((await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp-header', 'other:X=1', 'x'])).stderr).toContain("--mcp-header: no --mcp server labelled 'other'");
    expect((await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp-header', 'calc:X=$NOT_SET_ANYWHERE', 'x'])).stderr).toContain('environment variable NOT_SET_ANYWHERE is not set');
    expect((await run(['create', '-m', 'gpt-4.1', '--mcp', 'calc', 'x'])).stderr).toContain("invalid --mcp 'calc': expected LABEL=URL");
    expect((await run(['create', '-m', 'gpt-4.1', '--mcp-approval', 'never', 'x'])).stderr).toContain('--mcp-approval needs --mcp LABEL=URL');
  });

  it('header values never appear in any output: text, --json, --stream --json, --debug', async () => {
    const args = ['-m', 'gpt-4.1', ...SERVER, '--mcp-approval', 'never', '--mcp-header', 'calc:Authorization=$MCP_TOKEN', 'echo the secret'];
    for (const extra of [[], ['--json'], ['--stream', '--json'], ['--debug']]) {
      const result = await run(['create', ...extra, ...args]);
      expect(result.code).toBe(0);
      expect(result.stdout + result.stderr).not.toContain(CANARY_MCP_HEADER);
    }
    // The server received it, and the response's tools do not echo it.
    expect(JSON.stringify(lastBody())).toContain(CANARY_MCP_HEADER);
    const json = JSON.parse((await run(['create', '--json', ...args])).stdout);
    expect(json.tools[0].headers).toBeNull();
  });
});

describe('rendering', () => {
  it('shows mcp_list_tools and mcp_call (output and error) readably on stderr, the answer on stdout', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp-approval', 'never', 'add 2 and 3 then try broken']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe('The add tool on calc returned: 5 The broken tool on calc failed.\n');
    expect(result.stderr).toBe(
      [
        'mcp calc: 3 tools',
        '  echo — Echo the given text back',
        '  add — Add two numbers',
        '  broken — A tool that always fails (for testing error handling)',
        'mcp calc: add({"a":2,"b":3}) →',
        '  5',
        'mcp calc: broken({}) failed: Tool broken failed: the emulated server always fails it',
        '',
      ].join('\n'),
    );
    const streamed = await run(['stream', '-m', 'gpt-4.1', ...SERVER, '--mcp-approval', 'never', 'add 2 and 3 then try broken']);
    expect(streamed.stdout).toBe(result.stdout);
    expect(streamed.stderr).toBe(result.stderr);
  });

  it('--mcp-allowed-tools limits what is listed and called', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', ...SERVER, '--mcp-approval', 'never', '--mcp-allowed-tools', 'calc=echo', 'echo hi and add 1 and 2']);
    expect(result.stderr).toContain('mcp calc: 1 tool\n  echo');
    expect(result.stderr).not.toContain('add(');
  });
});

describe('approvals', () => {
  it('lists each request on stderr with the exact approve command, and exits 5', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', ...SERVER, 'please echo hi and add 2 and 3']);
    expect(result.code).toBe(5);
    expect(result.stdout).toBe('');
    const id = /aoai: (resp_\S+) is waiting for 2 MCP approvals/.exec(result.stderr)![1]!;
    const requests = [...result.stderr.matchAll(/MCP approval needed: calc (\w+)\((.*)\) {2}request (mcpr_\w+)\n {2}approve: (.*)\n/g)];
    expect(requests.map((m) => [m[1], m[2]])).toEqual([
      ['echo', '{"text":"3"}'],
      ['add', '{"a":2,"b":3}'],
    ]);
    for (const match of requests) expect(match[4]).toBe(`aoai mcp approve ${id} ${match[3]}`);
    expect(result.stderr).toContain(`hint: approve all: aoai mcp approve ${id} --all   (deny: add --deny)`);
  });

  it('approve REQUEST_ID continues with the call, reusing the model and tools', async () => {
    const { id, requests } = await pendingResponse();
    const add = requests.find((r) => r.name === 'add')!;
    const result = await run(['mcp', 'approve', id, add.id]);
    expect(result).toMatchObject({ code: 0, stdout: 'The add tool on calc returned: 5\n' });
    expect(result.stderr).toContain('mcp calc: add({"a":2,"b":3}) →\n  5\n');
    expect(lastBody()).toMatchObject({
      model: 'gpt-4.1',
      previous_response_id: id,
      input: [{ type: 'mcp_approval_response', approval_request_id: add.id, approve: true }],
      tools: [{ type: 'mcp', server_label: 'calc', server_url: 'https://mcp.example.com/sse' }],
    });
  });

  it('--all approves every request; --deny --reason answers without calling', async () => {
    const { id, requests } = await pendingResponse();
    const all = await run(['mcp', 'approve', id, '--all', '--stream']);
    expect(all).toMatchObject({ code: 0, stdout: 'The echo tool on calc returned: 3 The add tool on calc returned: 5\n' });
    expect((lastBody().input as unknown[]).length).toBe(2);
    const denied = await run(['mcp', 'approve', id, '--all', '--deny', '--reason', 'not today']);
    expect(denied).toMatchObject({ code: 0, stdout: 'I did not call echo on calc: the call was not approved (not today). I did not call add on calc: the call was not approved (not today).\n' });
    expect(lastBody().input).toEqual(requests.map((r) => ({ type: 'mcp_approval_response', approval_request_id: r.id, approve: false, reason: 'not today' })));
  });

  it('without a terminal it refuses to prompt and names the ids; unknown ids and ids with --all are errors', async () => {
    const { id, requests } = await pendingResponse();
    const before = posts().length;
    const result = await run(['mcp', 'approve', id]);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe(`aoai: ${id} has 2 approval requests; name them or pass --all (aoai asks only on a terminal)\nhint: aoai mcp approve ${id} ${requests.map((r) => r.id).join(' ')}\n`);
    expect((await run(['mcp', 'approve', id, 'mcpr_nope'])).stderr).toContain(`${id} has no approval request mcpr_nope`);
    expect((await run(['mcp', 'approve', id, requests[0]!.id, '--all'])).stderr).toContain('give request ids or --all, not both');
    expect(posts().length).toBe(before);
  });

  it('a background response continues in the background; --wait follows it', async () => {
    const first = await run(['create', '-m', 'gpt-4.1', ...SERVER, '--background', '--wait', '--poll-interval', '0.05', '--json', 'echo hi']);
    expect(first.code).toBe(5);
    const id = JSON.parse(first.stdout).id as string;
    const result = await run(['mcp', 'approve', id, '--all', '--wait', '--poll-interval', '0.05']);
    expect(result).toMatchObject({ code: 0, stdout: 'The echo tool on calc returned: hi\n' });
    expect(lastBody()).toMatchObject({ background: true, previous_response_id: id });
  });

  it('a response without approval requests is a usage error', async () => {
    const plain = JSON.parse((await run(['create', '-m', 'gpt-4.1', '--json', 'hi'])).stdout);
    const result = await run(['mcp', 'approve', plain.id, '--all']);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain(`${plain.id} has no MCP approval requests`);
  });

  it('--mcp-header on approve sends the header again without printing it', async () => {
    const { id } = await pendingResponse();
    const result = await run(['mcp', 'approve', id, '--all', '--mcp-header', 'calc:Authorization=$MCP_TOKEN']);
    expect(result.code).toBe(0);
    expect(result.stdout + result.stderr).not.toContain(CANARY_MCP_HEADER);
    expect((lastBody().tools as Array<{ headers?: unknown }>)[0]!.headers).toEqual({ Authorization: CANARY_MCP_HEADER });
  });

  it('on a terminal it asks which calls to approve (the others are denied)', async () => {
    const { id, requests } = await pendingResponse();
    // A space selects the first choice, Enter confirms.
    const output = await answerPrompt(`${BIN} mcp approve ${id}`, { ...ctx.env, TERM: 'dumb', NO_COLOR: '1' }, 'Approve which MCP tool calls?', [' ', '\r']);
    expect(output).toContain('Approve which MCP tool calls? (the others are denied)');
    expect(output).toContain('The echo tool on calc returned: 3');
    expect(lastBody().input).toEqual([
      { type: 'mcp_approval_response', approval_request_id: requests[0]!.id, approve: true },
      { type: 'mcp_approval_response', approval_request_id: requests[1]!.id, approve: false },
    ]);
  });
});
