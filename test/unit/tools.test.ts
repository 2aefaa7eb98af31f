// Pure pieces of tools and rich input: flags → request fields, renderers on the recorded streams,
// approvals, and the emulator's deterministic choices.
import { describe, expect, it } from 'vitest';
import { redactSecrets } from '../../src/core/redact.ts';
import { approvalResponses, pendingApprovals } from '../../src/mcp/approvals.ts';
import { sniffMime } from '../../src/request/attachments.ts';
import { buildCreateBody } from '../../src/request/create-params.ts';
import { schemaFormat } from '../../src/request/schema.ts';
import { functionTool, parseMcpHeader, toolFields } from '../../src/request/tools.ts';
import { StreamRenderer, type AnyStreamEvent } from '../../src/render/stream.ts';
import { styleFor } from '../../src/render/style.ts';
import { functionCallLine, toolItemBlock, truncate } from '../../src/render/tools.ts';
import { program } from '../../src/emulator/output/code-interpreter.ts';
import { schemaValue } from '../../src/emulator/schema-value.ts';
import { mentions } from '../../src/emulator/tool-turn.ts';
import { loadRecordings } from '../helpers/recordings.ts';

const plain = styleFor(false);

describe('tool flags → request fields', () => {
  it('maps functions, MCP servers and the code interpreter in order', () => {
    const fields = toolFields(
      {
        functions: ['{"name":"f","parameters":{"type":"object","properties":{}}}'],
        toolChoice: 'required',
        parallelToolCalls: false,
        mcp: ['docs=https://example.com/mcp'],
        mcpApproval: 'always',
        mcpAllowedTools: ['docs=search', 'docs=fetch,search'],
        codeInterpreter: true,
        containerFiles: ['file-1'],
      },
      {},
    );
    expect(fields).toEqual({
      tools: [
        { type: 'function', name: 'f', parameters: { type: 'object', properties: {} }, strict: false },
        { type: 'mcp', server_label: 'docs', server_url: 'https://example.com/mcp', require_approval: 'always', allowed_tools: ['search', 'fetch'] },
        { type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-1'] } },
      ],
      tool_choice: 'required',
      parallel_tool_calls: false,
    });
    expect(toolFields({}, {})).toEqual({});
  });

  it('accepts the Chat Completions function shape', () => {
    expect(functionTool({ type: 'function', function: { name: 'g', description: 'd', parameters: { type: 'object' }, strict: true } }, 'x')).toEqual({
      type: 'function',
      name: 'g',
      description: 'd',
      parameters: { type: 'object' },
      strict: true,
    });
  });

  it('reads $VAR header values from the environment and registers them as secrets', () => {
    const header = parseMcpHeader('docs:Authorization=$TOKEN_FOR_TEST', { TOKEN_FOR_TEST: 'Bearer unit-secret-123' });
    expect(header).toEqual({ label: 'docs', name: 'Authorization', value: 'Bearer unit-secret-123' });
    expect(redactSecrets('sent Bearer unit-secret-123 ok')).toBe('sent *** ok');
    expect(parseMcpHeader('docs:X-Literal=plain-value-1', {}).value).toBe('plain-value-1');
  });

  it('adds attachments to the user message after its text, and tool fields after --body', () => {
    const body = buildCreateBody({
      flags: { model: 'm' },
      items: [],
      text: 'look',
      body: { tools: [{ type: 'web_search_preview' }] },
      attachments: [{ type: 'input_image', detail: 'auto', image_url: 'https://x/y.png' }],
      fields: { tools: [{ type: 'code_interpreter', container: { type: 'auto' } }], tool_choice: 'auto' },
    });
    expect(body.input).toEqual([{ role: 'user', content: [{ type: 'input_text', text: 'look' }, { type: 'input_image', detail: 'auto', image_url: 'https://x/y.png' }] }]);
    expect(body.tools).toEqual([{ type: 'web_search_preview' }, { type: 'code_interpreter', container: { type: 'auto' } }]);
  });

  it('builds strict json_schema formats from a bare schema or the wrapper', () => {
    expect(schemaFormat({ type: 'object', properties: {} }, { path: 'dir/my.schema.json' })).toEqual({ type: 'json_schema', name: 'my', schema: { type: 'object', properties: {} }, strict: true });
    expect(schemaFormat({ name: 'n', strict: false, schema: { type: 'object' } }, { path: 'x.json' })).toMatchObject({ name: 'n', strict: false });
    expect(() => schemaFormat({ type: 'string' }, { path: 'x.json' })).toThrow(/top level must be/);
  });
});

describe('attachments', () => {
  it('recognises image and PDF types from their first bytes', () => {
    expect(sniffMime(Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0]))).toBe('image/png');
    expect(sniffMime(Buffer.from([0xff, 0xd8, 0xff, 0xdb]))).toBe('image/jpeg');
    expect(sniffMime(Buffer.from('GIF87a....'))).toBe('image/gif');
    expect(sniffMime(Buffer.from('RIFF\0\0\0\0WEBPVP8 '))).toBe('image/webp');
    expect(sniffMime(Buffer.from('%PDF-1.4'))).toBe('application/pdf');
    expect(sniffMime(Buffer.from('BM bitmap'))).toBeUndefined();
    expect(sniffMime(Buffer.alloc(0))).toBeUndefined();
  });
});

describe('rendering tool items', () => {
  const recordings = loadRecordings();
  const find = (prefix: string) => recordings.find((r) => r.name.startsWith(`vercel-ai/${prefix}`))!;

  it('renders the recorded MCP stream: tools listed, each call with its arguments and output', () => {
    let err = '';
    const renderer = new StreamRenderer({ out: () => undefined, err: (t) => (err += t) }, { json: false, reasoning: 'show', statusLines: false, color: false, sharedTerminal: false });
    for (const event of find('openai-mcp-tool.1').events) renderer.handle(event as AnyStreamEvent);
    expect(err).toMatch(/^mcp dmcp: \d+ tools?\n {2}web_search_exa — Search the web using Exa AI/);
    expect(err).toContain('mcp dmcp: web_search_exa({"query":"2025 New York City mayoral election results Nov 2025 latest results","numResults":5}) →\n  {');
  });

  it('renders the recorded code interpreter stream: code, then its logs', () => {
    let err = '';
    const renderer = new StreamRenderer({ out: () => undefined, err: (t) => (err += t) }, { json: false, reasoning: 'show', statusLines: false, color: false, sharedTerminal: false });
    for (const event of find('azure-code-interpreter-tool').events) renderer.handle(event as AnyStreamEvent);
    expect(err).toMatch(/^code interpreter \(cntr_\w+\)\n {2}# Program: generate five random numbers/);
    expect(err).toContain('output\n  Generated numbers (as floats): [88.99, 51.21, 89.85, 88.97, 7.73]');
  });

  it('a function call is one tab-separated line with compact arguments', () => {
    expect(functionCallLine({ type: 'function_call', call_id: 'call_1', name: 'f', arguments: '{ "a": 1,\n "b": "x" }' })).toBe('function_call\tcall_1\tf\t{"a":1,"b":"x"}\n');
  });

  it('shows an MCP error from the tool content', () => {
    const block = toolItemBlock({ type: 'mcp_call', server_label: 's', name: 't', arguments: '{}', error: { type: 'mcp_tool_execution_error', content: [{ type: 'text', text: 'boom' }] } }, plain);
    expect(block).toBe('mcp s: t({}) failed: boom\n');
    expect(toolItemBlock({ type: 'message' }, plain)).toBeUndefined();
  });

  it('a code interpreter call shows its code, its logs and the images it made', () => {
    const block = toolItemBlock(
      {
        type: 'code_interpreter_call',
        container_id: 'cntr_1',
        code: 'print(1)\nplot()',
        outputs: [
          { type: 'logs', logs: '1\n' },
          { type: 'image', url: 'https://example.test/plot.png' },
        ],
      },
      plain,
    );
    expect(block).toBe('code interpreter (cntr_1)\n  print(1)\n  plot()\noutput\n  1\nimage https://example.test/plot.png\n');
  });
});

describe('approvals', () => {
  it('finds the requests in the recorded approval stream and answers them', () => {
    const recording = loadRecordings().find((r) => r.name.startsWith('vercel-ai/openai-mcp-tool-approval'))!;
    const final = recording.events.find((e) => e.type === 'response.completed')!.response as { id: string; output: [] };
    const pending = pendingApprovals(final);
    expect(pending.map((p) => p.name)).toEqual(['create_short_url']);
    expect(approvalResponses(pending, { approve: false, reason: 'no' })).toEqual([{ type: 'mcp_approval_response', approval_request_id: pending[0]!.id, approve: false, reason: 'no' }]);
  });
});

describe('emulator choices', () => {
  it('schema values satisfy the schema and come from the text', () => {
    const schema = {
      type: 'object',
      properties: {
        city: { type: 'string' },
        count: { type: 'integer', minimum: 2, maximum: 5 },
        ratio: { type: 'number' },
        kind: { enum: ['a', 'b'] },
        when: { type: 'string', format: 'date' },
        maybe: { anyOf: [{ type: 'null' }, { type: 'boolean' }] },
        list: { type: 'array', items: { type: 'string', maxLength: 3 }, minItems: 2 },
      },
    };
    expect(schemaValue(schema, 'city: Paris, 9 then 0.5')).toEqual({ city: 'Paris', count: 5, ratio: 0.5, kind: 'a', when: '2025-01-01', maybe: true, list: ['5', '5'] });
  });

  it('a function is mentioned by its name or a distinctive word of it', () => {
    expect(mentions('What is the weather?', 'get_weather')).toBe(true);
    expect(mentions('get me something', 'get_weather')).toBe(false);
    expect(mentions('please echo this', 'echo')).toBe(true);
    expect(mentions('lookupUser please', 'lookupUser')).toBe(true);
  });

  it('the code interpreter evaluates an expression, or measures the prompt', () => {
    expect(program('compute 10 / 4').logs).toBe('2.5\n');
    expect(program('compute 3 - 5').logs).toBe('-2\n');
    expect(program('hi').logs).toBe('2\n');
  });
});

describe('truncate', () => {
  it('keeps short text, cuts long text to max units with an ellipsis, and never splits an emoji', () => {
    expect(truncate('short', 10)).toBe('short');
    expect(truncate('abcdefghij', 5)).toBe('abcd…');
    const cut = truncate('abc😀def', 5);
    expect(cut).toBe('abc…');
    expect(cut.length).toBeLessThanOrEqual(5);
    expect(truncate('ab😀def', 5)).toBe('ab😀…');
  });
});
