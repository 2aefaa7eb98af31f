// aoai chat in a real pseudo-terminal (tmux), against the emulator. The emulator's Echo model
// repeats the earlier user messages of the chain, so the screen shows what each turn saw.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { runAoai, sandbox, type Sandbox } from '../helpers/cli.ts';
import { keyEnv, useEmulator } from '../helpers/emulator.ts';
import { TmuxServer, type Pane } from '../helpers/tmux.ts';
import { chatFiles } from '../../src/chat/history.ts';
import { CANARY_MCP_HEADER } from '../helpers/canaries.ts';

const ctx = useEmulator();
const tmux = new TmuxServer();
const panes: Pane[] = [];
const boxes: Sandbox[] = [];

afterEach(() => {
  for (const pane of panes.splice(0)) pane.close();
  for (const box of boxes.splice(0)) box.cleanup();
});
afterAll(() => tmux.kill());

/** A chat in a fresh home (own history and state), or in `box` to share them across runs. */
function chat(args: string[], box?: Sandbox): { pane: Pane; box: Sandbox } {
  if (!box) {
    box = sandbox(keyEnv(ctx.emulator));
    boxes.push(box);
  }
  const pane = tmux.aoai(['chat', ...args], { env: box.env, cwd: box.home });
  panes.push(pane);
  return { pane, box };
}

const PROMPT = /^> $/m;
const ESC = '\u001b';
const DONE = /✓ completed · resp_/;

/** Send a message and wait for its usage line (the Nth). */
async function turn(pane: Pane, text: string, n: number): Promise<string> {
  pane.line(text);
  return pane.waitForCount(DONE, n);
}

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the condition');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

function createRequests() {
  return ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
}

// Each test drives a whole session; on two busy cores that can take a while.
describe('aoai chat', { timeout: 60_000 }, () => {
  it('three turns chain: each later turn sees the earlier ones; Ctrl-D ends with 0', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor('/help for commands');
    const before = createRequests().length;
    await turn(pane, 'alpha', 1);
    await turn(pane, 'beta', 2);
    const screen = await turn(pane, 'gamma', 3);
    expect(screen).toContain('Echo: alpha\n');
    expect(screen).toContain('Echo: beta (turn 2; earlier: "alpha")');
    expect(screen).toContain('Echo: gamma (turn 3; earlier: "alpha", "beta")');
    const requests = createRequests().slice(before);
    expect(requests).toHaveLength(3);
    expect(requests[0]!.body).not.toHaveProperty('previous_response_id');
    expect((requests[1]!.body as { previous_response_id: string }).previous_response_id).toMatch(/^resp_/);
    expect(requests.map((r) => (r.body as { stream: boolean }).stream)).toEqual([true, true, true]);

    pane.line('/id');
    const ids = [...screen.matchAll(/✓ completed · (resp_\w+)/g)].map((m) => m[1]);
    await pane.waitFor(new RegExp(`^${ids[2]}$`, 'm'));
    pane.press('C-d');
    expect(await pane.exitCode()).toBe(0);
    expect(pane.screen()).toContain('to go on later: aoai chat --resume\n');

    // History is kept per profile, private.
    const history = chatFiles(`${box.home}/.local/state/aoai`, 'default').history;
    expect(readFileSync(history, 'utf8')).toBe('alpha\nbeta\ngamma\n/id\n');
    expect(statSync(history).mode & 0o777).toBe(0o600);
  });

  it('/new starts over, /model switches deployment, /instructions /effort /summary change the next request', async () => {
    const { pane } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor(PROMPT);
    await turn(pane, 'one', 1);
    pane.line('/new');
    await pane.waitFor('new conversation');
    let screen = await turn(pane, 'two', 2);
    expect(screen).toContain('Echo: two\n');

    pane.line('/model o4-mini');
    await pane.waitFor('model: o4-mini');
    pane.line('/instructions Answer briefly.');
    await pane.waitFor('instructions set');
    pane.line('/effort high');
    await pane.waitFor('reasoning effort: high');
    pane.line('/summary detailed');
    await pane.waitFor('reasoning summary: detailed');
    screen = await turn(pane, 'three', 3);
    expect(screen).toContain('Echo: three (turn 2; earlier: "two")');
    expect(screen).toMatch(/reasoning summary\n\*\*/);
    expect(createRequests().at(-1)!.body).toMatchObject({
      model: 'o4-mini',
      instructions: 'Answer briefly.',
      reasoning: { effort: 'high', summary: 'detailed' },
    });

    pane.line('/summary off');
    await pane.waitFor('reasoning summary: off');
    pane.line('/effort extreme');
    await pane.waitFor(/usage: \/effort .*low\|medium\|high/);
    pane.line('/bogus');
    await pane.waitFor('unknown command /bogus');
    pane.line('/help');
    screen = await pane.waitFor('/save FILE');
    expect(screen).toMatch(/\/summary auto\|concise\|detailed\|off/);
    await turn(pane, '//not a command', 4);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: '/not a command', reasoning: { effort: 'high' } });
    expect((createRequests().at(-1)!.body as { reasoning: object }).reasoning).not.toHaveProperty('summary');
    pane.line('/exit');
    expect(await pane.exitCode()).toBe(0);
  });

  it('multi-line input: a trailing backslash, a """ block, and a bracketed paste keep their newlines', async () => {
    const { pane } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor(PROMPT);
    pane.line('first line \\');
    await turn(pane, 'second line', 1);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: 'first line \nsecond line' });

    pane.line('"""');
    pane.line('block one');
    pane.line('');
    pane.line('block three');
    await turn(pane, '"""', 2);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: 'block one\n\nblock three' });

    pane.paste('pasted one\npasted two\n');
    await pane.waitFor('pasted two');
    pane.press('Enter');
    await pane.waitForCount(DONE, 3);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: 'pasted one\npasted two' });
  });

  it('renders assistant Markdown on the terminal: headings, lists, emphasis, code blocks set apart', async () => {
    const { pane } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor(PROMPT);
    pane.paste('intro\n# Big title\n- item **bold** and *soft*\n1. numbered `code`\n```js\nconst x = 1;\n```\nthe end');
    await pane.waitFor('the end');
    pane.press('Enter');
    await pane.waitForCount(DONE, 1);
    const screen = pane.screen();
    const reply = screen.slice(screen.indexOf('Echo: intro'));
    expect(reply).toContain('\nBig title\n');
    expect(reply).toContain('\n• item bold and soft\n');
    expect(reply).toContain('\n1. numbered code\n');
    expect(reply).toMatch(/\n── js ─+\n {4}const x = 1;\n─+\nthe end\n/);
    const styled = pane.screen({ escapes: true });
    expect(styled.slice(styled.indexOf('Echo: intro'))).not.toContain('**');
    const sgr = (code: number, text: string) => new RegExp(`${ESC}\\[${code}m(${ESC}\\[\\d+m)*${text}`);
    expect(styled).toMatch(sgr(1, 'bold'));
    expect(styled).toMatch(sgr(3, 'soft'));
  });

  it('with NO_COLOR the reply is written raw', async () => {
    const box = sandbox(keyEnv(ctx.emulator, { NO_COLOR: '1' }));
    boxes.push(box);
    const { pane } = chat(['-m', 'gpt-4.1'], box);
    await pane.waitFor(PROMPT);
    pane.paste('intro\n- item **bold**');
    await pane.waitFor('item **bold**');
    pane.press('Enter');
    await pane.waitForCount(DONE, 1);
    expect(pane.screen()).toContain('Echo: intro\n- item **bold**\n');
  });

  it('Ctrl-C cancels the reply in flight and keeps the session; at an empty prompt it says how to exit', async () => {
    const { pane } = chat(['-m', 'gpt-4.1', '-H', 'x-emulator-fault: delay-ms=20']);
    await pane.waitFor(PROMPT);
    await turn(pane, 'hello', 1);
    pane.line('Write 3000 words');
    await pane.waitFor(/Write 3000 words\n(\S+ ){10}/);
    pane.press('C-c');
    await pane.waitFor('cancelled; this turn is not part of the conversation');
    const screen = await turn(pane, 'after', 2);
    // The cancelled turn is not in the chain: the next one sees only "hello".
    expect(screen).toContain('Echo: after (turn 2; earlier: "hello")');
    pane.press('C-c');
    await pane.waitFor('(to exit, press Ctrl-D or type /exit)');
    pane.type('half typed');
    pane.press('C-c');
    await pane.waitFor(/^> \^C$/m);
    pane.press('C-d');
    expect(await pane.exitCode()).toBe(0);
  });

  it('--background --cancel-on-interrupt: Ctrl-C cancels the job itself', async () => {
    const { pane } = chat(['-m', 'gpt-4.1', '--background', '--cancel-on-interrupt', '-H', 'x-emulator-fault: delay-ms=20']);
    await pane.waitFor(PROMPT);
    pane.line('Write 3000 words');
    const screen = await pane.waitFor(/Write 3000 words\n(.|\n)*?(\S+ ){10}/);
    const id = /(resp_\w+) is running in the background/.exec(screen)![1]!;
    pane.press('C-c');
    await pane.waitFor(`cancelled ${id}; this turn is not part of the conversation`);
    expect(ctx.emulator.getStored(id)!.status).toBe('cancelled');
  });

  it('--resume continues the last conversation of the profile; a deleted one starts fresh with a clear message', async () => {
    const box = sandbox(keyEnv(ctx.emulator));
    boxes.push(box);
    const first = chat(['-m', 'gpt-4.1'], box);
    await first.pane.waitFor(PROMPT);
    first.pane.line('/summary detailed');
    await first.pane.waitFor('reasoning summary: detailed');
    first.pane.line('/effort low');
    await first.pane.waitFor('reasoning effort: low');
    const screen = await turn(first.pane, 'remember me', 1);
    const id = /✓ completed · (resp_\w+)/.exec(screen)![1]!;
    first.pane.press('C-d');
    expect(await first.pane.exitCode()).toBe(0);
    const last = chatFiles(`${box.home}/.local/state/aoai`, 'default').last;
    expect(statSync(last).mode & 0o777).toBe(0o600);

    const again = chat(['--resume'], box).pane;
    await again.waitFor(`resuming ${id}`);
    // The prompt history came along: Up recalls the last session's message.
    again.press('Up');
    await again.waitFor(/^> remember me$/m);
    again.press('C-u');
    const resumed = await turn(again, 'and now', 1);
    expect(resumed).toContain('Echo: and now (turn 2; earlier: "remember me")');
    // The /summary and /effort settings came back with it.
    expect(createRequests().at(-1)!.body).toMatchObject({ model: 'gpt-4.1', previous_response_id: id, reasoning: { summary: 'detailed', effort: 'low' } });
    again.press('C-d');
    expect(await again.exitCode()).toBe(0);

    const newest = JSON.parse(readFileSync(last, 'utf8')).id as string;
    expect((await fetch(`${ctx.emulator.url}/openai/v1/responses/${newest}`, { method: 'DELETE', headers: { 'api-key': ctx.emulator.apiKey } })).status).toBe(200);
    const gone = chat(['--resume'], box).pane;
    await gone.waitFor(`the last conversation (${newest}) no longer exists`);
    const fresh = await turn(gone, 'fresh', 1);
    expect(fresh).toContain('Echo: fresh\n');
    gone.press('C-d');
    expect(await gone.exitCode()).toBe(0);
  });

  it('--no-store sends the conversation each turn, encrypted reasoning included', async () => {
    const { pane } = chat(['-m', 'o4-mini', '--no-store']);
    await pane.waitFor('not stored');
    await turn(pane, 'uno', 1);
    const screen = await turn(pane, 'dos', 2);
    expect(screen).toContain('Echo: dos (turn 2; earlier: "uno")');
    const body = createRequests().at(-1)!.body as { store: boolean; include: string[]; input: { type?: string; role?: string; encrypted_content?: string }[] };
    expect(body).toMatchObject({ store: false, include: ['reasoning.encrypted_content'] });
    expect(body).not.toHaveProperty('previous_response_id');
    expect(body.input.map((item) => item.type ?? item.role)).toEqual(['user', 'reasoning', 'message', 'user']);
    expect(body.input[1]!.encrypted_content).toMatch(/^gAAAAAB/);

    // Its id is real but was never stored: /id says that aoai get cannot fetch it.
    pane.line('/id');
    await pane.waitFor('not stored (--no-store): aoai get and --previous cannot fetch it');
  });

  it('/save writes the transcript as Markdown (0600) and never overwrites', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor(PROMPT);
    await turn(pane, 'save **this**', 1);
    const path = `${box.home}/talk.md`;
    pane.line(`/save ${path}`);
    await pane.waitFor(`saved ${path}`);
    const text = readFileSync(path, 'utf8');
    expect(text).toMatch(/^# aoai chat, \d{4}-\d\d-\d\dT[\d:]+Z\n\n## You\n\n> save \*\*this\*\*\n\n## Assistant \(gpt-4\.1, resp_\w+\)\n\nEcho: save \*\*this\*\*\n$/);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    pane.line(`/save ${path}`);
    await pane.waitFor(`aoai: ${path} exists; /save never overwrites, choose another name`);
    expect(readFileSync(path, 'utf8')).toBe(text);
    pane.line('/save ~/again.md');
    await pane.waitFor(`saved ${box.home}/again.md`);
  });

  it('takes the model flags create takes: the first request carries them', async () => {
    const { pane } = chat(['-m', 'o4-mini', '--instructions', 'Be terse.', '--temperature', '0.5', '--top-p', '0.9', '--max-output-tokens', '500', '--metadata', 'app=chat', '--reasoning-effort', 'low', '--reasoning-summary', 'concise', '--reasoning', 'hide', '--usage']);
    await pane.waitFor(PROMPT);
    const screen = await turn(pane, 'flags', 1);
    expect(screen).not.toContain('reasoning summary');
    expect(createRequests().at(-1)!.body).toMatchObject({
      model: 'o4-mini',
      instructions: 'Be terse.',
      temperature: 0.5,
      top_p: 0.9,
      max_output_tokens: 500,
      metadata: { app: 'chat' },
      reasoning: { effort: 'low', summary: 'concise' },
      stream: true,
    });
  });

  it('--body, --input-items, --include and --previous shape the requests; --background turns stream too', async () => {
    const box = sandbox(keyEnv(ctx.emulator));
    boxes.push(box);
    writeFileSync(`${box.home}/body.json`, JSON.stringify({ user: 'chat-user', text: { verbosity: 'low' } }));
    writeFileSync(`${box.home}/items.json`, JSON.stringify([{ role: 'developer', content: 'context first' }]));
    const seed = await runAoai(['create', '-m', 'gpt-4.1', '--json', 'seed'], { env: box.env });
    const seedId = JSON.parse(seed.stdout).id as string;

    const { pane } = chat(['-m', 'gpt-4.1', '--body', `${box.home}/body.json`, '--input-items', `${box.home}/items.json`, '--include', 'message.output_text.logprobs', '--background', '--max-resumes', '2'], box);
    await pane.waitFor(PROMPT);
    await turn(pane, 'one', 1);
    expect(createRequests().at(-1)!.body).toMatchObject({
      input: [{ role: 'developer', content: 'context first' }, { role: 'user', content: 'one' }],
      user: 'chat-user',
      text: { verbosity: 'low' },
      include: ['message.output_text.logprobs'],
      background: true,
      stream: true,
    });
    await turn(pane, 'two', 2);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: 'two', user: 'chat-user', background: true });

    const continued = chat(['-m', 'gpt-4.1', '--previous', seedId], box).pane;
    await continued.waitFor(PROMPT);
    const screen = await turn(continued, 'next', 1);
    expect(screen).toContain('Echo: next (turn 2; earlier: "seed")');

    const missing = chat(['-m', 'gpt-4.1', '--previous', 'resp_doesnotexist'], box).pane;
    expect(await missing.exitCode()).toBe(2);
    expect(missing.screen()).toContain('aoai: --previous resp_doesnotexist: no such stored response');
  });

  it('/attach sends an image and a PDF with the next message; a bad file is refused at once', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1']);
    const png = Buffer.concat([Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(24)]);
    writeFileSync(`${box.home}/shot.png`, png);
    writeFileSync(`${box.home}/paper.pdf`, '%PDF-1.4 tiny');
    writeFileSync(`${box.home}/notes.txt`, 'plain text');
    await pane.waitFor(PROMPT);
    pane.line(`/attach ${box.home}/shot.png`);
    await pane.waitFor(`attached image ${box.home}/shot.png`);
    pane.line(`/attach ${box.home}/paper.pdf`);
    await pane.waitFor(`attached file ${box.home}/paper.pdf`);
    pane.line(`/attach ${box.home}/notes.txt`);
    await pane.waitFor(`aoai: /attach: ${box.home}/notes.txt is not a PNG, JPEG, WEBP or GIF image`);
    await turn(pane, 'what are these?', 1);
    expect(createRequests().at(-1)!.body).toMatchObject({
      input: [
        {
          role: 'user',
          content: [
            { type: 'input_text', text: 'what are these?' },
            { type: 'input_image', image_url: `data:image/png;base64,${png.toString('base64')}` },
            { type: 'input_file', filename: 'paper.pdf', file_data: `data:application/pdf;base64,${Buffer.from('%PDF-1.4 tiny').toString('base64')}` },
          ],
        },
      ],
    });
    // Sent once: the next message goes without them.
    await turn(pane, 'and now?', 2);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: 'and now?' });
  });

  it('/image without an image deployment names /image-deployment, which sets one', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1']);
    await pane.waitFor(PROMPT);
    pane.line('/image a blue heron');
    await pane.waitFor('no image deployment: set one with /image-deployment NAME');
    expect(pane.screen()).not.toContain('pass --image-deployment');
    pane.line('/image-deployment gpt-image-1');
    await pane.waitFor('image deployment: gpt-image-1');
    pane.line('/image a blue heron');
    const screen = await pane.waitFor(/^(a-blue-heron-\w+\.png)$/m, 15_000);
    const file = /^(a-blue-heron-\w+\.png)$/m.exec(screen)![1]!;
    expect(readFileSync(`${box.home}/${file}`).subarray(1, 4).toString()).toBe('PNG');
    expect(createRequests().at(-1)!.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1');
  });

  it('/image generates and saves a picture in the conversation, which goes on from it', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1']);
    await pane.waitFor(PROMPT);
    await turn(pane, 'we talk about foxes', 1);
    pane.line('/image a red fox');
    const screen = await pane.waitFor(/^(a-red-fox-\w+\.png)$/m, 15_000);
    const file = /^(a-red-fox-\w+\.png)$/m.exec(screen)![1]!;
    const saved = readFileSync(`${box.home}/${file}`);
    expect(saved.subarray(1, 4).toString()).toBe('PNG');
    const imageRequest = ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses')).at(-1)!;
    expect(imageRequest.headers['x-ms-oai-image-generation-deployment']).toBe('gpt-image-1');
    expect(imageRequest.body).toMatchObject({ model: 'gpt-4.1', tools: [{ type: 'image_generation' }] });
    expect((imageRequest.body as { previous_response_id?: string }).previous_response_id).toMatch(/^resp_/);
    await pane.waitFor(PROMPT);
    const after = await turn(pane, 'make it blue', 2);
    expect(after).toContain('Echo: make it blue (turn 3; earlier: "we talk about foxes", "a red fox")');
  });

  it('Ctrl-C during /image abandons it: nothing saved, the session and the conversation go on', async () => {
    const { pane, box } = chat(['-m', 'gpt-4.1', '--image-deployment', 'gpt-image-1']);
    await pane.waitFor(PROMPT);
    await turn(pane, 'we talk about owls', 1);
    ctx.emulator.addFault('delay-ms=20000,method=POST,path=/responses');
    const before = createRequests().length;
    pane.line('/image a slow owl');
    await pane.waitFor('generating an image with gpt-4.1 and gpt-image-1');
    await until(() => createRequests().length > before);
    pane.press('C-c');
    await pane.waitFor('cancelled (no image was saved); this turn is not part of the conversation');
    ctx.emulator.clearFaults();
    const after = await turn(pane, 'and now?', 2);
    expect(after).toContain('Echo: and now? (turn 2; earlier: "we talk about owls")');
    expect(readdirSync(box.home).filter((name) => name.endsWith('.png'))).toEqual([]);
  });

  it('MCP approvals are asked inline: yes, no with a reason, and always for the server', async () => {
    const { pane } = chat(['-m', 'gpt-4.1', '--mcp', 'demo=https://mcp.example.com/mcp']);
    await pane.waitFor(PROMPT);
    pane.line('please add 2 and 3');
    const asking = await pane.waitFor('allow demo: add({"a":2,"b":3})? [y]es / [n]o (optionally: n REASON) / [a]lways for demo:');
    // The turn is not over while it waits: no "✓ completed" line before the question.
    expect(asking).not.toMatch(DONE);
    pane.line('maybe');
    await pane.waitFor('answer y, n (with a reason if you like) or a');
    pane.line('y');
    await pane.waitFor('The add tool on demo returned: 5');
    expect((await pane.waitForCount(DONE, 1)).match(new RegExp(DONE.source, 'g'))).toHaveLength(1);
    expect(createRequests().at(-1)!.body).toMatchObject({ input: [{ type: 'mcp_approval_response', approve: true }] });

    pane.line('echo hi');
    await pane.waitForCount(/allow demo: echo/, 1);
    pane.line('n not now');
    await pane.waitFor('I did not call echo on demo: the call was not approved (not now).');
    expect(createRequests().at(-1)!.body).toMatchObject({ input: [{ type: 'mcp_approval_response', approve: false, reason: 'not now' }] });

    pane.line('echo again');
    await pane.waitForCount(/allow demo: echo/, 2);
    pane.line('a');
    await pane.waitFor('The echo tool on demo returned: again');
    pane.line('add 4 and 5');
    await pane.waitFor('approved demo: add({"a":4,"b":5}) (always for demo this session)');
    await pane.waitFor('The add tool on demo returned: 9');
  });

  it('function calls run through --exec, or the person types the output; Ctrl-C at the question drops the turn', async () => {
    const weather = JSON.stringify({ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } });
    const stock = JSON.stringify({ name: 'lookup_stock', parameters: { type: 'object', properties: { symbol: { type: 'string' } } } });
    const { pane } = chat(['-m', 'gpt-4.1', '--function', weather, '--function', stock, '--exec', 'lookup_stock=cat; echo " => 42"']);
    await pane.waitFor(PROMPT);
    pane.line('what is the weather in Paris');
    await pane.waitFor(/output of get_weather\(\{"city":"Paris"\}\) \[call_\w+\]: $/m);
    pane.line('{"temp": 21}');
    await pane.waitFor('get_weather returned: {"temp": 21}');
    expect(createRequests().at(-1)!.body).toMatchObject({ input: [{ type: 'function_call_output', output: '{"temp": 21}' }] });

    pane.line('and the stock price');
    await pane.waitFor(/running lookup_stock \(call_\w+\): cat; echo " => 42"/);
    await pane.waitFor('lookup_stock returned: {"symbol":"price"} => 42');

    pane.line('weather again');
    await pane.waitForCount(/output of get_weather/, 2);
    pane.press('C-c');
    await pane.waitFor('cancelled; this turn is not part of the conversation');
    // One usage line per finished turn: none for the rounds that waited for function output.
    const screen = await turn(pane, 'hello', 3);
    expect(screen.match(new RegExp(DONE.source, 'g'))).toHaveLength(3);
    expect(screen).toContain('Echo: hello (turn 3; earlier: "what is the weather in Paris", "and the stock price")');
  });

  it('takes the tool flags create takes; MCP header values stay secret; --max-tool-rounds bounds a turn', async () => {
    const box = sandbox(keyEnv(ctx.emulator, { MCP_TOKEN: CANARY_MCP_HEADER }));
    boxes.push(box);
    const fn = { type: 'function', name: 'lookup_stock', parameters: { type: 'object', properties: { symbol: { type: 'string' } } } };
    writeFileSync(`${box.home}/tools.json`, JSON.stringify([fn]));
    const { pane } = chat(
      [
        '-m', 'gpt-4.1', '--tools', `${box.home}/tools.json`, '--tool-choice', 'required', '--no-parallel-tool-calls',
        '--mcp', 'calc=https://mcp.example.com/sse', '--mcp-approval', 'never', '--mcp-allowed-tools', 'calc=add',
        '--mcp-header', 'calc:Authorization=$MCP_TOKEN', '--code-interpreter', '--container-file', 'file-1',
        '--exec', 'lookup_stock=echo 7', '--max-tool-rounds', '2',
      ],
      box,
    );
    await pane.waitFor(PROMPT);
    pane.line('stock please');
    // tool_choice "required" makes the emulated model call again and again: the bound stops it.
    await pane.waitFor('stopped after 2 rounds of tool calls (--max-tool-rounds); this turn is not part of the conversation');
    const body = createRequests().at(-2)!.body as Record<string, unknown>;
    expect(body).toMatchObject({
      tool_choice: 'required',
      parallel_tool_calls: false,
      include: ['code_interpreter_call.outputs'],
      tools: [
        fn,
        { type: 'mcp', server_label: 'calc', require_approval: 'never', allowed_tools: ['add'], headers: { Authorization: CANARY_MCP_HEADER } },
        { type: 'code_interpreter', container: { type: 'auto', file_ids: ['file-1'] } },
      ],
    });
    expect(pane.screen()).not.toContain(CANARY_MCP_HEADER);
  });

  it('a failed turn prints one line and the session goes on', async () => {
    const { pane } = chat(['-m', 'gpt-4.1', '--max-retries', '0']);
    await pane.waitFor(PROMPT);
    ctx.emulator.addFault('status=503');
    pane.line('doomed');
    await pane.waitFor(/^aoai: .*503/m);
    const screen = await turn(pane, 'survived', 1);
    expect(screen).toContain('Echo: survived\n');
  });

  it('refuses bad combinations and missing settings with one line (exit 2), before any request', async () => {
    const before = ctx.emulator.requests.length;
    const cases: [string[], string][] = [
      [['--resume', '--no-store'], 'aoai: --resume continues a stored conversation; it cannot be combined with --no-store'],
      [['--resume', '--previous', 'resp_abc'], 'aoai: --resume and --previous both choose where to continue; give one'],
      [['--input-items', '-', '-m', 'gpt-4.1'], 'aoai: --input-items -: chat reads the terminal, not a pipe; give a file'],
      [[], 'aoai: no deployment: pass -m/--model DEPLOYMENT'],
      [['-m', 'gpt-4.1', '--function', '{not json'], 'aoai: --function: the value is not valid JSON'],
      [['-m', 'gpt-4.1', '--exec', 'nonsense'], "aoai: invalid --exec 'nonsense': expected NAME=COMMAND"],
    ];
    for (const [args, message] of cases) {
      const { pane } = chat(args);
      expect(await pane.exitCode()).toBe(2);
      expect(pane.screen()).toContain(message);
    }
    expect(ctx.emulator.requests.length).toBe(before);
  });

  it("two sessions on one profile keep each other's history lines", async () => {
    const first = chat(['-m', 'gpt-4.1']);
    const second = chat(['-m', 'gpt-4.1'], first.box);
    await first.pane.waitFor(PROMPT);
    await second.pane.waitFor(PROMPT);
    await turn(first.pane, 'from the first', 1);
    await turn(second.pane, 'from the second', 1);
    await turn(first.pane, 'first again', 2);
    first.pane.press('C-d');
    expect(await first.pane.exitCode()).toBe(0);
    second.pane.press('C-d');
    expect(await second.pane.exitCode()).toBe(0);
    const state = `${first.box.home}/.local/state/aoai`;
    expect(readFileSync(chatFiles(state, 'default').history, 'utf8')).toBe('from the first\nfrom the second\nfirst again\n');
  });

  it('refuses a non-interactive stdin with a hint (exit 2), before any request', async () => {
    const before = ctx.emulator.requests.length;
    const piped = await runAoai(['chat', '-m', 'gpt-4.1'], { env: ctx.env, input: 'hello\n' });
    expect(piped).toMatchObject({ code: 2, stdout: '' });
    expect(piped.stderr).toBe('aoai: aoai chat needs an interactive terminal, but standard input is not one\nhint: for one request from a pipe or a script, use: aoai create … or aoai stream …\n');
    expect(ctx.emulator.requests.length).toBe(before);
  });
});
