// Answering what the model waits for inside a chat: approvals asked inline, function calls run or
// typed; and /attach telling an image from a PDF.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { describe, expect, it } from 'vitest';
import { chatAttachment } from '../../src/chat/attach.ts';
import { ToolAnswerer } from '../../src/chat/tool-answers.ts';
import { tempDir } from '../helpers/temp.ts';

function waiting(output: object[]): Pick<ApiResponse, 'output' | 'status'> {
  return { status: 'completed', output: output as ApiResponse['output'] };
}

const approval = (id: string, server = 'demo', name = 'add') => ({ type: 'mcp_approval_request', id, server_label: server, name, arguments: '{"a": 1}' });
const call = (callId: string, name: string) => ({ type: 'function_call', call_id: callId, name, arguments: '{"x":1}', id: `fc_${callId}` });

function answerer(answers: (string | null)[], execs: Record<string, string> = {}) {
  const asked: string[] = [];
  const notices: string[] = [];
  const ran: string[] = [];
  const tools = new ToolAnswerer({
    ask: async (question) => {
      asked.push(question);
      return answers.shift() ?? null;
    },
    notice: (text) => notices.push(text),
    execs: new Map(Object.entries(execs)),
    run: async (command, c) => {
      ran.push(`${command} <- ${c.arguments}`);
      return command === 'fail' ? { output: '{"error":"boom"}', exitCode: 3, stderr: '' } : { output: 'ran', exitCode: 0, stderr: '' };
    },
  });
  return { tools, asked, notices, ran };
}

describe('ToolAnswerer', () => {
  it('asks each approval, accepting yes, no with a reason, and asking again on anything else', async () => {
    const { tools, asked, notices } = answerer(['yes', 'what', 'n too risky']);
    const answers = await tools.answer(waiting([approval('mcpr_1'), approval('mcpr_2', 'other', 'echo')]));
    expect(answers).toEqual([
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_1', approve: true },
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_2', approve: false, reason: 'too risky' },
    ]);
    expect(asked[0]).toBe('allow demo: add({"a":1})? [y]es / [n]o (optionally: n REASON) / [a]lways for demo: ');
    expect(asked).toHaveLength(3);
    expect(notices).toEqual(['answer y, n (with a reason if you like) or a']);
  });

  it('"always" approves that server for the rest of the session without asking', async () => {
    const { tools, asked, notices } = answerer(['a']);
    await tools.answer(waiting([approval('mcpr_1')]));
    const later = await tools.answer(waiting([approval('mcpr_2'), approval('mcpr_3')]));
    expect(later).toEqual([
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_2', approve: true },
      { type: 'mcp_approval_response', approval_request_id: 'mcpr_3', approve: true },
    ]);
    expect(asked).toHaveLength(1);
    expect(notices[0]).toBe('approved demo: add({"a":1}) (always for demo this session)');
  });

  it('runs --exec commands for their functions and asks for the others', async () => {
    const { tools, asked, ran, notices } = answerer(['{"typed":true}'], { run_me: './run.sh', broken: 'fail' });
    const answers = await tools.answer(waiting([call('c1', 'run_me'), call('c2', 'ask_me'), call('c3', 'broken')]));
    expect(answers).toEqual([
      { type: 'function_call_output', call_id: 'c1', output: 'ran' },
      { type: 'function_call_output', call_id: 'c2', output: '{"typed":true}' },
      { type: 'function_call_output', call_id: 'c3', output: '{"error":"boom"}' },
    ]);
    expect(asked).toEqual(['output of ask_me({"x":1}) [c2]: ']);
    expect(ran).toEqual(['./run.sh <- {"x":1}', 'fail <- {"x":1}']);
    expect(notices).toContain('broken exited with code 3; the error goes to the model');
  }, 5000);

  it('a cancelled question cancels the whole answer; nothing to answer gives none', async () => {
    expect(await answerer([null]).tools.answer(waiting([approval('mcpr_1')]))).toBe('cancelled');
    expect(await answerer([null]).tools.answer(waiting([call('c1', 'typed')]))).toBe('cancelled');
    expect(await answerer([]).tools.answer(waiting([{ type: 'message', role: 'assistant', content: [] }]))).toEqual([]);
    expect(await answerer([]).tools.answer({ status: 'incomplete', output: [call('c1', 'x')] as ApiResponse['output'] })).toEqual([]);
  });
});

describe('/attach', () => {
  const dir = tempDir('aoai-attach-');
  const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(8)]);
  writeFileSync(join(dir, 'really-a-png.pdf'), png);
  writeFileSync(join(dir, 'doc'), '%PDF-1.7');

  it('tells an image from a PDF by its bytes, not its name', async () => {
    expect((await chatAttachment(join(dir, 'really-a-png.pdf'), {})).part).toMatchObject({ type: 'input_image' });
    expect((await chatAttachment(join(dir, 'doc'), {})).part).toMatchObject({ type: 'input_file', filename: 'doc' });
  });

  it('expands ~, passes URLs and file ids through, and speaks of /attach in errors', async () => {
    expect((await chatAttachment('~/doc', { HOME: dir })).ref).toBe(join(dir, 'doc'));
    expect((await chatAttachment('https://example.com/a.pdf?x=1', {})).part).toEqual({ type: 'input_file', file_url: 'https://example.com/a.pdf?x=1' });
    expect((await chatAttachment('https://example.com/cat.jpg', {})).part).toMatchObject({ type: 'input_image', image_url: 'https://example.com/cat.jpg' });
    expect((await chatAttachment('file-abc123', {})).part).toEqual({ type: 'input_file', file_id: 'file-abc123' });
    await expect(chatAttachment(join(dir, 'missing.png'), {})).rejects.toThrow(/^\/attach: cannot read .*missing\.png: no such file$/);
  });
});
