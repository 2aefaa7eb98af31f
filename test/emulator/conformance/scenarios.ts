// The requests the conformance tests send: one of each kind the emulator answers differently
// (plain, reasoning, effort none, phase, each tool, structured output, cut short, failed).
export const IMAGE_HEADERS = { 'x-ms-oai-image-generation-deployment': 'gpt-image-1' };

export const WEATHER = {
  type: 'function',
  name: 'get_weather',
  description: 'Current weather for a location',
  strict: true,
  parameters: { type: 'object', properties: { location: { type: 'string' } }, required: ['location'], additionalProperties: false },
};
export const MCP_NEVER = { type: 'mcp', server_label: 'calc', server_url: 'https://mcp.example.com', require_approval: 'never' };
export const MCP_ALWAYS = { ...MCP_NEVER, require_approval: 'always' };
export const CODE_INTERPRETER = { type: 'code_interpreter', container: { type: 'auto' } };

export interface Scenario {
  name: string;
  body: Record<string, unknown>;
  headers?: Record<string, string>;
}

export const SCENARIOS: Scenario[] = [
  { name: 'plain text', body: { model: 'gpt-4.1', input: 'Hello there' } },
  { name: 'reasoning with summary and encrypted content', body: { model: 'o4-mini', input: 'Think it over', reasoning: { summary: 'auto' }, include: ['reasoning.encrypted_content'] } },
  { name: 'reasoning effort none', body: { model: 'gpt-5.1', input: 'Hello', reasoning: { effort: 'none' } } },
  { name: 'reasoning context (gpt-5.5)', body: { model: 'gpt-5.5', input: 'Capital of France?', reasoning: { context: 'all_turns' } } },
  { name: 'function call', body: { model: 'gpt-4.1', input: 'What is the weather in Oslo?', tools: [WEATHER] } },
  { name: 'hosted MCP call', body: { model: 'gpt-5-mini', input: 'add 2 and 3', tools: [MCP_NEVER] } },
  { name: 'MCP approval request', body: { model: 'gpt-5-mini', input: 'echo hello', tools: [MCP_ALWAYS] } },
  { name: 'code interpreter with a file', body: { model: 'gpt-4.1', input: 'calculate 6 * 7 in python and save it to a file', tools: [CODE_INTERPRETER], include: ['code_interpreter_call.outputs'] } },
  { name: 'image generation', body: { model: 'gpt-4.1-mini', input: 'draw a raccoon', tools: [{ type: 'image_generation', size: '64x64', partial_images: 1 }] }, headers: IMAGE_HEADERS },
  {
    name: 'json_schema output',
    body: { model: 'gpt-4.1', input: 'Extract: Ada Lovelace, 36, London', text: { format: { type: 'json_schema', name: 'person', strict: true, schema: { type: 'object', properties: { name: { type: 'string' }, age: { type: 'integer' } }, required: ['name', 'age'], additionalProperties: false } } } },
  },
  { name: 'cut short by max_output_tokens', body: { model: 'gpt-4.1', input: 'Write 100 words', max_output_tokens: 16 } },
  { name: 'failed', body: { model: 'gpt-4.1', input: 'Hello' }, headers: { 'x-emulator-fault': 'fail' } },
  { name: 'error event mid-stream', body: { model: 'gpt-4.1', input: 'Write 50 words' }, headers: { 'x-emulator-fault': 'error-event-after=4' } },
];
