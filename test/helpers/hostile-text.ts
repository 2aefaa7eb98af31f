// A small Responses API server whose every string is hostile: escape sequences that would write
// the clipboard (OSC 52), set the window title, clear the screen, open links (OSC 8), send DCS,
// 8-bit CSI, BEL/BS/CR — in output text (split across deltas), summaries, refusals, function
// names and ids, MCP labels, code-interpreter code and logs, file names, item previews, error
// messages and codes — and ids carrying shell metacharacters. (The general hostile server for
// sizes and timing is test/helpers/hostile-server.ts; this one is about text.)
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Every kind of terminal control a hostile string can carry, in one string. */
export const EVIL =
  '\x1b]52;c;dG91Y2ggL3RtcC9wd25lZA==\x07' + // OSC 52: write the clipboard
  '\x1b]0;pwned title\x07' + // window title
  '\x1b]8;;https://evil.example/\x1b\\link\x1b]8;;\x1b\\' + // OSC 8 hyperlink
  '\x1b[2J\x1b[H' + // clear screen, cursor home
  '\x1bP+q544e\x1b\\' + // DCS (XTGETTCAP)
  '\u009b31m' + // 8-bit CSI
  '\u009d0;c1 title\u009c' + // 8-bit OSC … ST
  '\x07\b\b\rOVER'; // BEL, BS, lone CR

/** A response id as a hostile server could send it: `$(…)` runs when a hint is pasted. */
export const EVIL_RESPONSE_ID = 'resp_2$(touch pwned)';

/** Text and events the server answers with, per scenario (chosen by the prompt). */
export type Scenario = 'text' | 'function' | 'mcp' | 'code' | 'error' | 'evil-id' | 'background-evil-id';

export interface HostileTextServer {
  url: string;
  close(): Promise<void>;
}

const ID = 'resp_0123456789abcdef';

function message(text: string): Record<string, unknown> {
  return {
    id: 'msg_1',
    type: 'message',
    role: 'assistant',
    status: 'completed',
    content: [
      {
        type: 'output_text',
        text,
        annotations: [{ type: 'container_file_citation', container_id: 'cntr_1', file_id: 'cfile_1', filename: `../../${EVIL}.png`, start_index: 0, end_index: 1 }],
      },
      { type: 'refusal', refusal: `refused ${EVIL}` },
    ],
  };
}

function responseFor(scenario: Scenario, stored = true): Record<string, unknown> {
  const base = { object: 'response', created_at: 1, model: 'gpt-4.1', store: stored, background: false, usage: { input_tokens: 1, output_tokens: 2, total_tokens: 3 } };
  switch (scenario) {
    case 'function':
      return {
        ...base,
        id: ID,
        status: 'completed',
        output: [{ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_abc', name: `get\tweather\n${EVIL}`, arguments: `{"city":"${JSON.stringify(EVIL).slice(1, -1)}"}` }],
      };
    case 'mcp':
      return {
        ...base,
        id: ID,
        status: 'completed',
        output: [
          { id: 'mcpl_1', type: 'mcp_list_tools', server_label: `docs${EVIL}`, tools: [{ name: `search${EVIL}`, description: `finds ${EVIL}`, input_schema: {} }] },
          { id: 'mcpr_1', type: 'mcp_approval_request', server_label: `docs${EVIL}`, name: `search${EVIL}`, arguments: `{"q":"${JSON.stringify(EVIL).slice(1, -1)}"}` },
        ],
      };
    case 'code':
      return {
        ...base,
        id: ID,
        status: 'completed',
        output: [{ id: 'ci_1', type: 'code_interpreter_call', status: 'completed', container_id: 'cntr_1', code: `print("${EVIL}")`, outputs: [{ type: 'logs', logs: `log ${EVIL}` }] }, message(`result ${EVIL}`)],
      };
    case 'evil-id':
      return { ...base, id: EVIL_RESPONSE_ID, status: 'completed', output: [{ id: 'fc_1', type: 'function_call', status: 'completed', call_id: 'call_abc', name: 'f', arguments: '{}' }] };
    case 'background-evil-id':
      return { ...base, id: EVIL_RESPONSE_ID, status: 'queued', background: true, output: [] };
    default:
      return { ...base, id: ID, status: 'completed', output: [message(`hello ${EVIL} world`)] };
  }
}

/** SSE events for the text scenario: every escape sequence split across two deltas. */
function streamEvents(): Array<Record<string, unknown>> {
  const text = `hello ${EVIL} world`;
  const deltas: string[] = [];
  // Cut right after each ESC / C1 so no delta holds a whole sequence.
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x1b || (code >= 0x80 && code <= 0x9f) || code === 0x0d) {
      deltas.push(text.slice(start, i + 1));
      start = i + 1;
    }
  }
  deltas.push(text.slice(start));
  const response = responseFor('text');
  const events: Array<Record<string, unknown>> = [{ type: 'response.created', response: { ...response, status: 'in_progress', output: [] } }];
  events.push({ type: 'response.reasoning_summary_part.added', item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } });
  events.push({ type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: `thinking \x1b` });
  events.push({ type: 'response.reasoning_summary_text.delta', item_id: 'rs_1', output_index: 0, summary_index: 0, delta: `]0;summary title\x07 done` });
  events.push({ type: 'response.reasoning_summary_part.done', item_id: 'rs_1', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } });
  events.push({ type: 'response.output_item.added', output_index: 1, item: { id: 'fc_9', type: 'function_call', status: 'in_progress', call_id: 'call_9', name: `fn${EVIL}`, arguments: '' } });
  for (const delta of deltas) events.push({ type: 'response.output_text.delta', item_id: 'msg_1', output_index: 2, content_index: 0, delta });
  events.push({ type: 'response.refusal.done', item_id: 'msg_1', output_index: 2, content_index: 1, refusal: `no ${EVIL}` });
  events.push({ type: 'response.completed', response });
  return events.map((event, index) => ({ ...event, sequence_number: index }));
}

async function body(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(chunk as Buffer);
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
  } catch {
    return {};
  }
}

function json(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json', 'x-request-id': `req-${EVIL}`.replace(/[^\x20-\x7e]/g, '') });
  res.end(JSON.stringify(value));
}

export async function startHostileTextServer(): Promise<HostileTextServer> {
  const server: Server = createServer((req, res) => {
    void (async () => {
      const path = new URL(req.url ?? '/', 'http://x').pathname.replace(/^\/openai\/v1/, '');
      if (req.method === 'POST' && path === '/responses') {
        const request = await body(req);
        const scenario = String(typeof request.input === 'string' ? request.input : 'text') as Scenario;
        if (scenario === 'error') {
          return json(res, 400, { error: { message: `bad request ${EVIL}`, type: 'invalid_request_error', code: `code${EVIL}`, param: null } });
        }
        if (request.stream) {
          res.writeHead(200, { 'content-type': 'text/event-stream' });
          for (const event of streamEvents()) res.write(`event: ${String(event.type)}\ndata: ${JSON.stringify(event)}\n\n`);
          return res.end();
        }
        return json(res, 200, responseFor(scenario, request.store !== false));
      }
      if (req.method === 'GET' && path === '/files') {
        return json(res, 200, {
          object: 'list',
          data: [{ id: 'file-abc', object: 'file', bytes: 12, created_at: 1700000000, filename: `report\tfile-forged\tuser_data\t1\t2\nfile-evil${EVIL}.pdf`, purpose: 'user_data', status: 'processed' }],
          has_more: false,
        });
      }
      if (req.method === 'GET' && /^\/responses\/[^/]+\/input_items$/.test(path)) {
        return json(res, 200, {
          object: 'list',
          data: [{ id: 'msg_1', type: 'message', role: 'user', status: 'completed', content: [{ type: 'input_text', text: `hi\tmsg_forged\tmessage\tuser\tforged\n${EVIL}` }] }],
          first_id: 'msg_1',
          last_id: 'msg_1',
          has_more: false,
        });
      }
      if (req.method === 'GET' && path.startsWith('/responses/')) return json(res, 200, responseFor('text'));
      json(res, 404, { error: { message: 'not here', type: 'not_found', code: null, param: null } });
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
