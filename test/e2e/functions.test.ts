// Function tools: declaration flags, the function_call lines and exit code 5, --function-output
// with --previous, and the opt-in --exec loop.
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';
import { tempDir } from '../helpers/temp.ts';

const ctx = useEmulator();
const run = (args: string[], options: Parameters<typeof runAoai>[1] = {}) => runAoai(args, { env: ctx.env, ...options });
const posts = () => ctx.emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/responses'));
const lastBody = () => posts().at(-1)?.body as Record<string, unknown>;
const dir = tempDir('aoai-functions-');

const WEATHER = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: {
    type: 'object',
    properties: { location: { type: 'string' }, unit: { type: 'string', enum: ['celsius', 'fahrenheit'] }, days: { type: 'integer', minimum: 1, maximum: 7 } },
    required: ['location', 'unit', 'days'],
    additionalProperties: false,
  },
  strict: true,
};
const TIME = { type: 'function', function: { name: 'get_time', description: 'Time in a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } };
const weather = JSON.stringify(WEATHER);

describe('function tools', () => {
  it('maps --function, --tools, --tool-choice and --no-parallel-tool-calls into the request', async () => {
    const toolsFile = join(dir, 'tools.json');
    writeFileSync(toolsFile, JSON.stringify([TIME, { type: 'web_search_preview' }]));
    const specFile = join(dir, 'weather.json');
    writeFileSync(specFile, weather);
    await run(['create', '-m', 'gpt-4.1', '--function', `@${specFile}`, '--tools', toolsFile, '--tool-choice', 'get_weather', '--no-parallel-tool-calls', 'hello']);
    expect(lastBody()).toMatchObject({
      tools: [
        { type: 'function', name: 'get_time', description: 'Time in a city', parameters: TIME.function.parameters, strict: false },
        { type: 'web_search_preview' },
        { type: 'function', ...WEATHER },
      ],
      tool_choice: { type: 'function', name: 'get_weather' },
      parallel_tool_calls: false,
    });
    await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tool-choice', 'none', '--parallel-tool-calls', 'hello']);
    expect(lastBody()).toMatchObject({ tool_choice: 'none', parallel_tool_calls: true });
  });

  it('prints each call as a tab-separated line on stdout and exits 5 with the command that answers', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--function', weather, 'What is the weather in Paris for 3 days?']);
    expect(result.code).toBe(5);
    const [kind, callId, name, args] = result.stdout.trimEnd().split('\t');
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    expect(kind).toBe('function_call');
    expect(callId).toMatch(/^call_/);
    expect(name).toBe('get_weather');
    // Arguments satisfy the schema: every required property, the enum, the number range.
    expect(JSON.parse(args!)).toEqual({ location: 'Paris', unit: 'celsius', days: 3 });
    const responseId = /aoai: (resp_\S+) is waiting for the output of 1 function call \(get_weather\)/.exec(result.stderr)?.[1];
    expect(responseId).toBeDefined();
    expect(result.stderr).toContain(`hint: answer: aoai create -m gpt-4.1 --previous ${responseId} --function-output ${callId}=JSON`);
  });

  it('aoai get of a response waiting for function output prints the calls and exits 5, as create does', async () => {
    const created = await run(['create', '-m', 'gpt-4.1', '--function', weather, 'What is the weather in Paris for 3 days?']);
    expect(created.code).toBe(5);
    const id = /aoai: (resp_\S+) is waiting/.exec(created.stderr)![1]!;
    const got = await run(['get', id]);
    expect(got).toMatchObject({ code: 5, stdout: created.stdout });
    expect(got.stderr).toContain(`aoai: ${id} is waiting for the output of 1 function call (get_weather)`);
    const json = await run(['get', id, '--json']);
    expect(json.code).toBe(5);
    expect(JSON.parse(json.stdout).id).toBe(id);
  });

  it('round trip: --function-output with --previous sends function_call_output and the answer uses it', async () => {
    const first = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--json', 'weather in Oslo?']);
    expect(first.code).toBe(5);
    const response = JSON.parse(first.stdout);
    const call = response.output.find((item: { type: string }) => item.type === 'function_call');
    const outputFile = join(dir, 'out.json');
    writeFileSync(outputFile, '{"temperature": -3}\n');
    const second = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--previous', response.id, '--function-output', `${call.call_id}=@${outputFile}`]);
    expect(second).toMatchObject({ code: 0, stdout: 'get_weather returned: {"temperature": -3}\n', stderr: '' });
    expect(lastBody()).toMatchObject({ previous_response_id: response.id, input: [{ type: 'function_call_output', call_id: call.call_id, output: '{"temperature": -3}' }] });
  });

  it('the service rejects an unknown call id and a turn that leaves a call unanswered', async () => {
    const first = JSON.parse((await run(['create', '-m', 'gpt-4.1', '--function', weather, '--json', 'weather in Rome?'])).stdout);
    const unknown = await run(['create', '-m', 'gpt-4.1', '--previous', first.id, '--function-output', 'call_nope={}']);
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toContain('No tool call found for function call output with call_id call_nope.');
    const unanswered = await run(['create', '-m', 'gpt-4.1', '--previous', first.id, 'never mind']);
    expect(unanswered.stderr).toContain('No tool output found for function call call_');
  });

  it('--function-output needs --previous, and bad specs fail before sending', async () => {
    const before = posts().length;
    expect((await run(['create', '-m', 'gpt-4.1', '--function-output', 'call_1={}'])).stderr).toContain('--function-output answers a response: add --previous RESPONSE_ID');
    expect((await run(['create', '-m', 'gpt-4.1', '--function', '{"name": "bad name"}', 'x'])).stderr).toContain('"name" must be 1–64 letters');
    expect((await run(['create', '-m', 'gpt-4.1', '--function', '{oops', 'x'])).stderr).toContain('--function: the value is not valid JSON');
    expect((await run(['create', '-m', 'gpt-4.1', '--function', weather, '--function', weather, 'x'])).stderr).toContain("function 'get_weather' is defined twice");
    expect((await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tool-choice', 'nope', 'x'])).stderr).toContain("--tool-choice 'nope': expected auto, none, required, or the name of a --function");
    expect((await run(['create', '-m', 'gpt-4.1', '--tools', join(dir, 'missing.json'), 'x'])).stderr).toContain('--tools: cannot read');
    expect(posts().length).toBe(before);
  });

  it('a prompt that mentions no function gets a plain answer; tool_choice required forces a call', async () => {
    expect((await run(['create', '-m', 'gpt-4.1', '--function', weather, 'hello there'])).stdout).toBe('Echo: hello there\n');
    const forced = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tool-choice', 'required', 'hello there']);
    expect(forced.code).toBe(5);
    expect(forced.stdout).toMatch(/^function_call\tcall_\w+\tget_weather\t/);
  });

  it('parallel calls: several lines; --no-parallel-tool-calls keeps one', async () => {
    const both = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tools', join(dir, 'tools.json'), 'weather and time in Lima']);
    expect(both.stdout.trim().split('\n').map((line) => line.split('\t')[2])).toEqual(['get_time', 'get_weather']);
    expect(both.stderr).toContain('waiting for the output of 2 function calls (get_time, get_weather)');
    const one = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tools', join(dir, 'tools.json'), '--no-parallel-tool-calls', 'weather and time in Lima']);
    expect(one.stdout.trim().split('\n')).toHaveLength(1);
  });
});

describe('--exec', () => {
  const script = join(dir, 'weather.sh');
  writeFileSync(script, '#!/bin/sh\n# reads the arguments JSON on stdin\nread args\necho "{\\"forecast\\": \\"sunny\\", \\"call\\": \\"$AOAI_CALL_ID\\", \\"args\\": $args}"\n');
  chmodSync(script, 0o755);

  it('runs the command with the arguments on stdin, sends its stdout back, and prints the final answer', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--exec', `get_weather=${script}`, 'weather in Paris?']);
    expect(result).toMatchObject({ code: 0, stderr: '' });
    const output = JSON.parse(result.stdout.replace(/^get_weather returned: /, ''));
    expect(output).toMatchObject({ forecast: 'sunny', args: { location: 'Paris', unit: 'celsius', days: 1 } });
    expect(output.call).toMatch(/^call_/);
    const [firstPost, secondPost] = posts().slice(-2).map((r) => r.body as Record<string, unknown>);
    expect(firstPost).toMatchObject({ input: 'weather in Paris?' });
    expect(secondPost).toMatchObject({ input: [{ type: 'function_call_output', call_id: output.call }] });
    expect(typeof secondPost!.previous_response_id).toBe('string');
  });

  it('works when streaming too', async () => {
    const result = await run(['stream', '-m', 'gpt-4.1', '--function', weather, '--exec', 'get_weather=echo 21C', 'weather in Bergen?']);
    expect(result).toMatchObject({ code: 0, stdout: 'get_weather returned: 21C\n' });
  });

  it('a failing command is reported to the model and warned about', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--exec', 'get_weather=echo boom >&2; exit 3', 'weather in Paris?']);
    expect(result.code).toBe(0);
    expect(result.stderr).toContain('boom\naoai: warning: --exec get_weather exited with code 3; the error was sent to the model\n');
    expect(result.stdout).toContain('get_weather returned: {"error":"the command exited with code 3","stderr":"boom"}');
  });

  it('nothing runs for functions without --exec; the loop is bounded by --max-tool-rounds', async () => {
    const marker = join(dir, 'ran');
    const unmatched = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--exec', `other_tool=touch ${marker}`, 'weather in Paris?']);
    expect(unmatched.code).toBe(5);
    // A command whose output mentions the function again makes the model call it again.
    const looping = await run(['create', '-m', 'gpt-4.1', '--function', weather, '--tool-choice', 'required', '--exec', 'get_weather=echo more weather', '--max-tool-rounds', '2', 'weather?']);
    expect(looping.code).toBe(5);
    expect(looping.stderr).toContain('stopped after 2 rounds of function calls');
    const { existsSync } = await import('node:fs');
    expect(existsSync(marker)).toBe(false);
  });

  it('rejects malformed --exec', async () => {
    const result = await run(['create', '-m', 'gpt-4.1', '--exec', 'no-equals', 'x']);
    expect(result).toMatchObject({ code: 2 });
    expect(result.stderr).toContain("invalid --exec 'no-equals': expected NAME=COMMAND");
  });
});
