// Bad invocations across every command, one row each. The contract for all of them: exit 2
// (usage) or 3 (auth/config), one `aoai: …` line on stderr plus at most one `hint: …` line,
// nothing on stdout, no request to the service (the emulator's log proves it), no file written.
//
// A new command or flag adds its rows to ROWS, one line each,
// e.g.  ['image: unsupported type', { args: ['create', '-m', 'x', '--image', 'notes.txt', 'hi'], error: /…/ }],
// Fixture files live in the working directory (see FIXTURES); add new ones there.
import { chmodSync, mkdirSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';
import { useEmulator } from '../helpers/emulator.ts';

interface BadInput {
  args: string[];
  /** The first stderr line must match. */
  error: RegExp;
  /** 2 (usage, the default) or 3 (auth/config). */
  code?: 2 | 3;
  /** Extra environment (undefined removes a variable), on top of an endpoint and key for the emulator. */
  env?: Record<string, string | undefined>;
  /** Written to stdin, which is then closed. */
  stdin?: string;
}

/** Files the rows refer to, created in the working directory before the suite. */
const FIXTURES: Record<string, string> = {
  'bad.json': '{ "model": "x", ',
  'array.json': '[1, 2, 3]',
  'object.json': '{ "a": 1 }',
  'untyped-items.json': '[{ "text": "no type or role" }]',
  'item-not-object.json': '["just a string"]',
  'empty.json': '',
  'config-corrupt/config.json': '{ not json',
  'config-array/config.json': '[]',
  'notes.txt': 'just text, not an image or a PDF',
  'existing.png': 'already here',
  'state-odd/log.jsonl/not-a-file': '',
  'requests.jsonl': '{"custom_id": "a", "method": "POST", "url": "/v1/responses", "body": {"model": "gpt-4.1", "input": "hi"}}\n',
};
const DIRECTORY = 'a-directory';
const CORRUPT_CONFIG = { AOAI_CONFIG_DIR: 'config-corrupt' };

const m = ['-m', 'gpt-4.1'];
const repeat = (n: number, make: (i: number) => string[]) => Array.from({ length: n }, (_, i) => make(i)).flat();

const ROWS: Array<[string, BadInput]> = [
  // The program and its global flags
  ['unknown global flag', { args: ['--nope'], error: /^aoai: unknown option '--nope'$/ }],
  ['unknown command, with a suggestion', { args: ['craete'], error: /unknown command 'craete'.*create/ }],
  ['unknown flag on a command', { args: ['create', ...m, '--temprature', '1', 'hi'], error: /unknown option '--temprature'.*--temperature/ }],
  ['missing value for a global flag', { args: ['create', ...m, 'hi', '--timeout'], error: /option '--timeout <seconds>' argument missing/ }],
  ['--timeout not a number', { args: ['create', ...m, '--timeout', 'soon', 'hi'], error: /invalid timeout 'soon': expected a positive number/ }],
  ['--timeout zero', { args: ['create', ...m, '--timeout', '0', 'hi'], error: /invalid timeout '0'/ }],
  ['--timeout negative', { args: ['create', ...m, '--timeout', '-5', 'hi'], error: /invalid timeout '-5'/ }],
  ['--max-retries negative', { args: ['create', ...m, '--max-retries', '-1', 'hi'], error: /invalid max-retries '-1'/ }],
  ['--max-retries fractional', { args: ['create', ...m, '--max-retries', '2.5', 'hi'], error: /invalid max-retries '2\.5'/ }],
  ['--max-retries a word', { args: ['create', ...m, '--max-retries', 'lots', 'hi'], error: /invalid max-retries 'lots'/ }],
  ['--auth not a mode', { args: ['create', ...m, '--auth', 'magic', 'hi'], error: /argument 'magic' is invalid\. Allowed choices are key, entra, auto/ }],
  ['--credential not a kind', { args: ['create', ...m, '--credential', 'wizard', 'hi'], error: /argument 'wizard' is invalid\. Allowed choices are default, cli/ }],
  ['--endpoint not a URL', { args: ['create', ...m, '--endpoint', 'not-a-url', 'hi'], error: /invalid endpoint 'not-a-url'/ }],
  ['--endpoint not http(s)', { args: ['create', ...m, '--endpoint', 'ftp://myres.openai.azure.com', 'hi'], error: /invalid endpoint 'ftp:\/\/myres\.openai\.azure\.com': expected an http\(s\) URL/ }],
  // Proxies, clouds, gateways, api-key-command (issue 15)
  ['--proxy not http(s)', { args: ['create', ...m, '--proxy', 'socks5://proxy:1080', 'hi'], error: /^aoai: invalid proxy 'socks5:\/\/proxy:1080': expected an http:\/\/ or https:\/\/ proxy$/ }],
  ['--proxy not a URL, credentials not echoed', { args: ['create', ...m, '--proxy', 'http://u:pw-x@:bad', 'hi'], error: /^aoai: invalid proxy 'http:\/\/\*\*\*@:bad'/ }],
  ['AOAI_PROXY invalid names the variable', { args: ['create', ...m, 'hi'], env: { AOAI_PROXY: 'ftp://p:1' }, code: 3, error: /invalid proxy 'ftp:\/\/p:1'.*\(from the AOAI_PROXY environment variable\)/ }],
  ['HTTPS_PROXY invalid names the variable', { args: ['create', ...m, 'hi'], env: { HTTPS_PROXY: 'socks5://p:1' }, code: 3, error: /invalid proxy 'socks5:\/\/p:1'.*\(from the HTTPS_PROXY environment variable\)/ }],
  ['AOAI_TOKEN_SCOPE not a scope', { args: ['create', ...m, 'hi'], env: { AZURE_OPENAI_API_KEY: undefined, AOAI_TOKEN_SCOPE: 'cognitive' }, code: 3, error: /invalid token-scope 'cognitive'.*AOAI_TOKEN_SCOPE/ }],
  ['AZURE_AUTHORITY_HOST not a URL', { args: ['create', ...m, 'hi'], env: { AZURE_OPENAI_API_KEY: undefined, AZURE_AUTHORITY_HOST: 'login' }, code: 3, error: /invalid AZURE_AUTHORITY_HOST 'login'/ }],
  ['-H with an unset $VAR', { args: ['create', ...m, '-H', 'X-Token: a$UNSET_FOR_TEST', 'hi'], error: /^aoai: -H X-Token: environment variable UNSET_FOR_TEST is not set$/ }],
  ['-H with a malformed ${', { args: ['create', ...m, '-H', 'X-Token: ${oops', 'hi'], error: /^aoai: -H X-Token: invalid variable reference '\$\{oops'$/ }],
  ['--mcp-header with an unset ${VAR}', { args: ['create', ...m, '--mcp', 'd=https://mcp.example.com', '--mcp-header', 'd:Authorization=Bearer ${UNSET_FOR_TEST}', 'hi'], error: /environment variable UNSET_FOR_TEST is not set/ }],
  ['config set header with a bad name', { args: ['config', 'set', 'header.bad name', 'x'], error: /^aoai: invalid header name in 'header\.bad name'/ }],
  ['config set header.NAME secret on argv', { args: ['config', 'set', 'header.Ocp-Apim-Subscription-Key', 'abc123456789'], error: /refusing to take header\.ocp-apim-subscription-key on the command line/ }],
  ['config set proxy invalid', { args: ['config', 'set', 'proxy', 'gopher://p:70'], error: /invalid proxy 'gopher:\/\/p:70'/ }],
  ['config set token-scope invalid', { args: ['config', 'set', 'token-scope', 'nope'], error: /invalid token-scope 'nope'/ }],
  ['config set arm-endpoint invalid', { args: ['config', 'set', 'arm-endpoint', 'nope'], error: /invalid arm-endpoint 'nope'/ }],
  ['auth: unknown verb', { args: ['auth', 'stats'], error: /unknown command 'stats'/ }],
  ['models: unknown flag', { args: ['models', '--jsnl'], error: /unknown option '--jsnl'/ }],
  ['deployments: AOAI_ARM_ENDPOINT not a URL', { args: ['deployments'], env: { AOAI_ARM_ENDPOINT: 'management' }, code: 3, error: /invalid arm-endpoint 'management'.*AOAI_ARM_ENDPOINT/ }],
  ['deployments: plain http ARM endpoint off loopback', { args: ['deployments'], env: { AOAI_ARM_ENDPOINT: 'http://192.0.2.1' }, error: /^aoai: refusing to send credentials over plain http:\/\/ to 192\.0\.2\.1$/ }],
  ['api-key-command that fails', { args: ['create', ...m, 'hi'], env: { AZURE_OPENAI_API_KEY: undefined, AOAI_API_KEY_COMMAND: 'exit 7' }, code: 3, error: /^aoai: api-key-command exited with status 7$/ }],
  ['plain http to a remote host without --insecure', { args: ['create', ...m, '--endpoint', 'http://192.0.2.1', 'hi'], error: /refusing to send credentials over plain http:\/\/ to 192\.0\.2\.1$/ }],
  ['--endpoint and --resource together', { args: ['create', ...m, '--endpoint', 'https://a.openai.azure.com', '--resource', 'b', 'hi'], error: /--endpoint and --resource name the same thing/ }],
  ['--resource not a resource name', { args: ['create', ...m, '--resource', 'bad name!', 'hi'], error: /^aoai: invalid resource name 'bad name!': expected letters, digits and hyphens$/m }],
  ['--api-version not a version', { args: ['create', ...m, '--api-version', 'yesterday', 'hi'], error: /api-version/ }],
  ['-H without a colon', { args: ['create', ...m, '-H', 'NoColonHere', 'hi'], error: /invalid header 'NoColonHere': expected 'Name: value'/ }],
  ['-H with an empty name', { args: ['create', ...m, '-H', ': value', 'hi'], error: /invalid header/ }],
  ['-H with a bad name', { args: ['create', ...m, '-H', 'Bad Name: v', 'hi'], error: /invalid header 'Bad Name'/ }],
  ['--api-key-stdin with empty stdin', { args: ['create', ...m, '--api-key-stdin', 'hi'], stdin: '', error: /--api-key-stdin: standard input was empty/ }],
  ['--api-key-stdin with two words', { args: ['create', ...m, '--api-key-stdin', 'hi'], stdin: 'two words\n', error: /--api-key-stdin: expected one key/ }],
  ['--api-key-stdin and a prompt from stdin', { args: ['create', ...m, '--api-key-stdin', '-'], stdin: 'key-0123456789\n', error: /stdin is already used/ }],

  // Environment and config file (exit 3: configuration, not the command line)
  ['AZURE_OPENAI_ENDPOINT not a URL', { args: ['create', ...m, 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'myres' }, code: 3, error: /invalid endpoint 'myres'.*AZURE_OPENAI_ENDPOINT/ }],
  ['AOAI_TIMEOUT not a number', { args: ['create', ...m, 'hi'], env: { AOAI_TIMEOUT: 'soon' }, code: 3, error: /invalid timeout 'soon'.*AOAI_TIMEOUT/ }],
  ['AOAI_AUTH not a mode', { args: ['create', ...m, 'hi'], env: { AOAI_AUTH: 'magic' }, code: 3, error: /auth.*AOAI_AUTH/ }],
  ['no endpoint anywhere', { args: ['create', ...m, 'hi'], env: { AZURE_OPENAI_ENDPOINT: undefined }, code: 3, error: /^aoai: no endpoint is set$/ }],
  ['--auth key without a key', { args: ['create', ...m, '--auth', 'key', 'hi'], env: { AZURE_OPENAI_API_KEY: undefined }, code: 3, error: /--auth key needs an API key/ }],
  ['config file that is not JSON (create)', { args: ['create', ...m, 'hi'], env: CORRUPT_CONFIG, code: 3, error: /config-corrupt\/config\.json/ }],
  ['config file that is not JSON (config set)', { args: ['config', 'set', 'deployment', 'x'], env: CORRUPT_CONFIG, code: 3, error: /config-corrupt\/config\.json/ }],
  ['config file that is not JSON (config list)', { args: ['config', 'list'], env: CORRUPT_CONFIG, code: 3, error: /config-corrupt\/config\.json/ }],
  ['config file that is a JSON array', { args: ['config', 'get', 'endpoint'], env: { AOAI_CONFIG_DIR: 'config-array' }, code: 3, error: /config-array\/config\.json/ }],

  // create / stream: request flags
  ['no deployment', { args: ['create', 'hi'], error: /^aoai: no deployment: pass -m\/--model DEPLOYMENT$/ }],
  ['no input (empty pipe)', { args: ['create', ...m], stdin: '', error: /^aoai: no input/ }],
  ['--temperature above 2', { args: ['create', ...m, '--temperature', '3', 'hi'], error: /'--temperature <t>' argument '3' is invalid\. expected a number from 0 to 2/ }],
  ['--temperature a word', { args: ['create', ...m, '--temperature', 'hot', 'hi'], error: /--temperature <t>' argument 'hot' is invalid/ }],
  ['--top-p above 1', { args: ['create', ...m, '--top-p', '1.5', 'hi'], error: /--top-p <p>' argument '1\.5' is invalid/ }],
  ['--max-output-tokens zero', { args: ['create', ...m, '--max-output-tokens', '0', 'hi'], error: /--max-output-tokens <n>' argument '0' is invalid/ }],
  ['--max-output-tokens fractional', { args: ['create', ...m, '--max-output-tokens', '1.5', 'hi'], error: /--max-output-tokens <n>' argument '1\.5' is invalid/ }],
  ['--reasoning-effort not a level', { args: ['create', ...m, '--reasoning-effort', 'extreme', 'hi'], error: /argument 'extreme' is invalid\. Allowed choices are none, minimal, low, medium, high, xhigh/ }],
  ['--reasoning-summary not a mode', { args: ['create', ...m, '--reasoning-summary', 'verbose', 'hi'], error: /Allowed choices are auto, concise, detailed/ }],
  ['--reasoning not show/hide', { args: ['create', ...m, '--stream', '--reasoning', 'loud', 'hi'], error: /Allowed choices are show, hide/ }],
  ['--background with --no-store', { args: ['create', ...m, '--background', '--no-store', 'hi'], error: /--background needs stored responses: drop --no-store/ }],
  ['--stream with --wait', { args: ['create', ...m, '--stream', '--wait', 'hi'], error: /--stream already follows the response to its end; drop --wait/ }],
  ['--previous not a response id', { args: ['create', ...m, '--previous', 'msg_123', 'hi'], error: /'msg_123' is not a response id/ }],
  ['--metadata without =', { args: ['create', ...m, '--metadata', 'novalue', 'hi'], error: /invalid --metadata 'novalue': expected key=value/ }],
  ['--metadata 17 pairs', { args: ['create', ...m, ...repeat(17, (i) => ['--metadata', `k${i}=v`]), 'hi'], error: /too many --metadata pairs/ }],
  ['--metadata oversize value', { args: ['create', ...m, '--metadata', `k=${'x'.repeat(513)}`, 'hi'], error: /invalid --metadata value for 'k': at most 512 characters/ }],
  ['--metadata oversize key', { args: ['create', ...m, '--metadata', `${'k'.repeat(65)}=v`, 'hi'], error: /at most 64 characters/ }],
  ['--include not includable', { args: ['create', ...m, '--include', 'bogus.field', 'hi'], error: /invalid --include 'bogus\.field'/ }],
  ['--poll-interval zero', { args: ['create', ...m, '--background', '--wait', '--poll-interval', '0', 'hi'], error: /--poll-interval <seconds>' argument '0' is invalid/ }],
  ['--max-resumes above 100', { args: ['create', ...m, '--stream', '--max-resumes', '101', 'hi'], error: /--max-resumes <n>' argument '101' is invalid/ }],
  ["two '-' arguments", { args: ['create', ...m, '-', '-'], stdin: 'x', error: /'-' \(read stdin\) may appear only once/ }],
  ['--body file missing', { args: ['create', ...m, '--body', 'missing.json', 'hi'], error: /--body: cannot read missing\.json: no such file/ }],
  ['--body invalid JSON', { args: ['create', ...m, '--body', 'bad.json', 'hi'], error: /--body: bad\.json is not valid JSON/ }],
  ['--body empty file', { args: ['create', ...m, '--body', 'empty.json', 'hi'], error: /--body: empty\.json is not valid JSON/ }],
  ['--body a JSON array', { args: ['create', ...m, '--body', 'array.json', 'hi'], error: /--body: expected a JSON object/ }],
  ['--body a directory', { args: ['create', ...m, '--body', DIRECTORY, 'hi'], error: /--body: cannot read a-directory: is a directory/ }],
  ['--body from stdin', { args: ['create', ...m, '--body', '-', 'hi'], error: /--body reads a file/ }],
  ['--input-items file missing', { args: ['create', ...m, '--input-items', 'missing.json', 'hi'], error: /--input-items: cannot read missing\.json: no such file/ }],
  ['--input-items invalid JSON', { args: ['create', ...m, '--input-items', 'bad.json', 'hi'], error: /--input-items: bad\.json is not valid JSON/ }],
  ['--input-items an object', { args: ['create', ...m, '--input-items', 'object.json', 'hi'], error: /--input-items: expected a JSON array/ }],
  ['--input-items without type or role', { args: ['create', ...m, '--input-items', 'untyped-items.json', 'hi'], error: /--input-items: item 0 has neither "type" nor "role"/ }],
  ['--input-items item not an object', { args: ['create', ...m, '--input-items', 'item-not-object.json', 'hi'], error: /--input-items: item 0 is not an object/ }],
  ['--input-items - with invalid JSON on stdin', { args: ['create', ...m, '--input-items', '-', 'hi'], stdin: '[{', error: /--input-items: stdin is not valid JSON/ }],
  ['--instructions @file missing', { args: ['create', ...m, '--instructions', '@missing.txt', 'hi'], error: /--instructions: cannot read missing\.txt: no such file/ }],
  ['stream: --temperature out of range', { args: ['stream', ...m, '--temperature', '9', 'hi'], error: /--temperature <t>' argument '9' is invalid/ }],
  ['stream: --background with --no-store', { args: ['stream', ...m, '--background', '--no-store', 'hi'], error: /--background needs stored responses/ }],
  ['stream: --reasoning not show/hide', { args: ['stream', ...m, '--reasoning', 'nope', 'hi'], error: /Allowed choices are show, hide/ }],
  ['stream: no deployment', { args: ['stream', 'hi'], error: /no deployment/ }],
  ['stream: --body invalid JSON', { args: ['stream', ...m, '--body', 'bad.json', 'hi'], error: /--body: bad\.json is not valid JSON/ }],

  // get / cancel / delete / items: ids and their flags
  ['get: missing id', { args: ['get'], error: /missing required argument 'id'/ }],
  ['get: malformed id', { args: ['get', 'not-an-id'], error: /'not-an-id' is not a response id \(expected resp_…\)/ }],
  ['get: id with a path in it', { args: ['get', 'resp_../../etc'], error: /is not a response id/ }],
  ['get: --after without --stream', { args: ['get', 'resp_abc', '--after', '5'], error: /--after needs --stream/ }],
  ['get: --after below -1', { args: ['get', 'resp_abc', '--stream', '--after', '-2'], error: /--after <n>' argument '-2' is invalid/ }],
  ['get: --stream with --wait', { args: ['get', 'resp_abc', '--stream', '--wait'], error: /drop --wait/ }],
  ['get: --include not includable', { args: ['get', 'resp_abc', '--include', 'nope'], error: /invalid --include 'nope'/ }],
  ['get: --poll-interval negative', { args: ['get', 'resp_abc', '--wait', '--poll-interval', '-1'], error: /--poll-interval <seconds>' argument '-1' is invalid/ }],
  ['get: two ids', { args: ['get', 'resp_a', 'resp_b'], error: /too many arguments for 'get'/ }],
  ['cancel: missing id', { args: ['cancel'], error: /missing required argument 'id'/ }],
  ['cancel: malformed id', { args: ['cancel', '12345'], error: /'12345' is not a response id/ }],
  ['cancel: two ids', { args: ['cancel', 'resp_a', 'resp_b'], error: /too many arguments for 'cancel'/ }],
  ['delete: missing id', { args: ['delete'], error: /missing required argument 'id'/ }],
  ['delete: one malformed id among good ones', { args: ['delete', 'resp_ok', 'bad/id'], error: /'bad\/id' is not a response id/ }],
  ['items: malformed id', { args: ['items', 'msg_1'], error: /'msg_1' is not a response id/ }],
  ['items: --limit zero', { args: ['items', 'resp_abc', '--limit', '0'], error: /--limit <n>' argument '0' is invalid/ }],
  ['items: --limit above 100', { args: ['items', 'resp_abc', '--limit', '101'], error: /--limit <n>' argument '101' is invalid/ }],
  ['items: --order not asc/desc', { args: ['items', 'resp_abc', '--order', 'sideways'], error: /Allowed choices are asc, desc/ }],
  ['items: --json with --jsonl', { args: ['items', 'resp_abc', '--json', '--jsonl'], error: /--json and --jsonl are alternatives/ }],

  // config
  ['config: unknown verb', { args: ['config', 'frob'], error: /unknown command 'frob'/ }],
  ['config set: missing key', { args: ['config', 'set'], error: /missing required argument 'key'/ }],
  ['config set: unknown key', { args: ['config', 'set', 'colour', 'blue'], error: /unknown config key 'colour'/ }],
  ['config set: no value', { args: ['config', 'set', 'deployment'], error: /config set deployment: a value is required/ }],
  ['config set: invalid auth', { args: ['config', 'set', 'auth', 'magic'], error: /^aoai: invalid auth 'magic': expected one of key, entra, auto$/m }],
  ['config set: invalid endpoint', { args: ['config', 'set', 'endpoint', 'nope'], error: /invalid endpoint 'nope'/ }],
  ['config set: invalid timeout', { args: ['config', 'set', 'timeout', '-3'], error: /invalid timeout '-3'/ }],
  ['config set: invalid max-retries', { args: ['config', 'set', 'max-retries', 'many'], error: /invalid max-retries 'many'/ }],
  ['config set: api-key on argv', { args: ['config', 'set', 'api-key', 'abc123secretvalue'], error: /refusing to take api-key on the command line/ }],
  ['config set: api-key from empty stdin', { args: ['config', 'set', 'api-key'], stdin: '', error: /standard input was empty/ }],
  ['config get: unknown key', { args: ['config', 'get', 'nope'], error: /unknown config key 'nope'/ }],
  ['config unset: unknown key', { args: ['config', 'unset', 'nope'], error: /unknown config key 'nope'/ }],

  // emulate (validated before it binds a port)
  ['emulate: port out of range', { args: ['emulate', '--port', '70000'], error: /--port <port>' argument '70000' is invalid/ }],
  ['emulate: non-loopback host', { args: ['emulate', '--host', '0.0.0.0'], error: /--host 0\.0\.0\.0: the emulator binds loopback addresses only/ }],
  ['emulate: unknown fault', { args: ['emulate', '--fault', 'bogus=1'], error: /--fault: unknown fault 'bogus'/ }],
  ['emulate: --queue-ms negative', { args: ['emulate', '--queue-ms', '-1'], error: /--queue-ms <ms>' argument '-1' is invalid/ }],

  // completion
  ['completion: unknown shell', { args: ['completion', 'powershell'], error: /Allowed choices are bash, zsh, fish/ }],
  ['completion: missing shell', { args: ['completion'], error: /missing required argument 'shell'/ }],
  // Tools and rich inputs
  ['--image: not an image', { args: ['create', ...m, '--image', 'notes.txt', 'hi'], error: /^aoai: --image: notes\.txt is not a PNG, JPEG, WEBP or GIF image$/ }],
  ['--image: missing file', { args: ['create', ...m, '--image', 'missing.png', 'hi'], error: /--image: cannot read missing\.png: no such file/ }],
  ['--file: not a PDF', { args: ['create', ...m, '--file', 'notes.txt', 'hi'], error: /--file: notes\.txt is not a PDF/ }],
  ['--function: invalid inline JSON', { args: ['create', ...m, '--function', '{bad', 'hi'], error: /--function: the value is not valid JSON/ }],
  ['--function: invalid JSON file', { args: ['create', ...m, '--function', '@bad.json', 'hi'], error: /--function: bad\.json is not valid JSON/ }],
  ['--tools: missing file', { args: ['create', ...m, '--tools', 'missing.json', 'hi'], error: /--tools: cannot read missing\.json: no such file/ }],
  ['--tools: invalid JSON', { args: ['create', ...m, '--tools', 'bad.json', 'hi'], error: /--tools: bad\.json is not valid JSON/ }],
  ['--tool-choice: unknown', { args: ['create', ...m, '--tool-choice', 'sometimes', 'hi'], error: /--tool-choice 'sometimes': expected auto, none, required/ }],
  ['--schema: missing file', { args: ['create', ...m, '--schema', 'missing.json', 'hi'], error: /--schema: cannot read missing\.json/ }],
  ['--schema: invalid JSON', { args: ['create', ...m, '--schema', 'bad.json', 'hi'], error: /--schema: bad\.json is not valid JSON/ }],
  ['--function-output without =', { args: ['create', ...m, '--function-output', 'abc', 'hi'], error: /invalid --function-output 'abc'/ }],
  ['--exec without =', { args: ['create', ...m, '--exec', 'nocommand', 'hi'], error: /invalid --exec 'nocommand': expected NAME=COMMAND/ }],
  ['--mcp without =', { args: ['create', ...m, '--mcp', 'noequals', 'hi'], error: /invalid --mcp 'noequals': expected LABEL=URL/ }],
  ['--mcp-approval: unknown mode', { args: ['create', ...m, '--mcp-approval', 'sometimes', 'hi'], error: /argument 'sometimes' is invalid\. Allowed choices are never, always/ }],
  ['--mcp-header malformed', { args: ['create', ...m, '--mcp-header', 'bad', 'hi'], error: /invalid --mcp-header 'bad': expected LABEL:Name=Value/ }],
  ['--max-tool-rounds zero', { args: ['create', ...m, '--max-tool-rounds', '0', 'hi'], error: /--max-tool-rounds <n>' argument '0' is invalid/ }],
  ['--container-file without --code-interpreter', { args: ['create', ...m, '--container-file', 'abc', 'hi'], error: /--container-file needs --code-interpreter/ }],
  ['files upload: missing file', { args: ['files', 'upload', 'missing.pdf'], error: /cannot read missing\.pdf: no such file/ }],
  ['files upload: unknown purpose', { args: ['files', 'upload', 'notes.txt', '--purpose', 'images'], error: /argument 'images' is invalid\. Allowed choices are assistants, batch, fine-tune, vision, user_data, evals\./ }],
  ['files get: no id', { args: ['files', 'get'], error: /missing required argument 'id'/ }],
  ['files delete: no id', { args: ['files', 'delete'], error: /missing required argument 'id'/ }],
  ['mcp approve: no response id', { args: ['mcp', 'approve'], error: /missing required argument 'response-id'/ }],
  ['mcp approve: malformed response id', { args: ['mcp', 'approve', 'not-an-id'], error: /'not-an-id' is not a response id/ }],
  ['mcp approve: ids and --all', { args: ['mcp', 'approve', 'resp_1', '--all', 'mcpr_1'], error: /give request ids or --all, not both/ }],
  // aoai image
  ['image: no image deployment', { args: ['image', ...m, 'a cat'], error: /^aoai: no image deployment: pass --image-deployment NAME$/, code: 3 }],
  ['image: bad --size', { args: ['image', ...m, '--image-deployment', 'd', '--size', 'big', 'a cat'], error: /invalid --size 'big'/ }],
  ['image: unknown --format', { args: ['image', ...m, '--image-deployment', 'd', '--format', 'gif', 'a cat'], error: /argument 'gif' is invalid\. Allowed choices are png, jpeg, webp/ }],
  ['image: --partial-images out of range', { args: ['image', ...m, '--image-deployment', 'd', '--partial-images', '5', 'a cat'], error: /--partial-images <n>' argument '5' is invalid/ }],
  ['image: --compression out of range', { args: ['image', ...m, '--image-deployment', 'd', '--format', 'jpeg', '--compression', '150', 'a cat'], error: /argument '150' is invalid/ }],
  ['image: --compression with png', { args: ['image', ...m, '--image-deployment', 'd', '--compression', '50', 'a cat'], error: /--compression applies to jpeg and webp output/ }],
  ['image: --edit not an image', { args: ['image', ...m, '--image-deployment', 'd', '--edit', 'notes.txt', 'a cat'], error: /--edit notes\.txt: not a PNG, JPEG, WebP or GIF image/ }],
  ['image: --raw without --json', { args: ['image', ...m, '--image-deployment', 'd', '--raw', 'a cat'], error: /--raw goes with --json/ }],
  ['image: -o onto an existing file', { args: ['image', ...m, '--image-deployment', 'd', '-o', 'existing.png', 'a cat'], error: /existing\.png already exists/ }],
  ['image: --save-partials without --partial-images', { args: ['image', ...m, '--image-deployment', 'd', '--save-partials', 'a cat'], error: /--save-partials needs --partial-images/ }],
  ['image: unknown --quality', { args: ['image', ...m, '--image-deployment', 'd', '--quality', 'ultra', 'a cat'], error: /argument 'ultra' is invalid/ }],
  ['image: no prompt', { args: ['image', ...m, '--image-deployment', 'd'], error: /no prompt: describe the image/ }],
  // aoai batch submit / get / list / cancel / results (Global Batch), and the emulator's batch flags
  ['batch submit: missing file', { args: ['batch', 'submit', 'missing.jsonl'], error: /cannot read missing\.jsonl: no such file/ }],
  ['batch submit: a directory', { args: ['batch', 'submit', DIRECTORY], error: /cannot read a-directory: is a directory/ }],
  ['batch submit: prompts, not request lines', { args: ['batch', 'submit', 'notes.txt'], error: /notes\.txt holds prompts; Global Batch takes request lines/ }],
  ['batch submit: --part-lines without --split', { args: ['batch', 'submit', 'requests.jsonl', '--part-lines', '10'], error: /--part-lines needs --split/ }],
  ['batch submit: --part-lines zero', { args: ['batch', 'submit', 'requests.jsonl', '--split', '--part-lines', '0'], error: /--part-lines <n>' argument '0' is invalid/ }],
  ['batch submit: --part-lines over the limit', { args: ['batch', 'submit', 'requests.jsonl', '--split', '--part-lines', '100001'], error: /argument '100001' is invalid\. expected a whole number from 1 to 100000/ }],
  ['batch submit: --manifest without --split', { args: ['batch', 'submit', 'requests.jsonl', '--manifest', 'm.json'], error: /--manifest needs --split/ }],
  ['batch submit: --split on stdin without --manifest', { args: ['batch', 'submit', '-', '--split'], stdin: '', error: /--split on standard input needs --manifest FILE/ }],
  ['batch submit: --file-expiry under 14 days', { args: ['batch', 'submit', 'requests.jsonl', '--file-expiry', '13'], error: /--file-expiry <days>' argument '13' is invalid\. expected a whole number from 14 to 30/ }],
  ['batch submit: --output-expiry over 30 days', { args: ['batch', 'submit', 'requests.jsonl', '--output-expiry', '31'], error: /--output-expiry <days>' argument '31' is invalid/ }],
  ['batch submit: --metadata without =', { args: ['batch', 'submit', 'requests.jsonl', '--metadata', 'nokey'], error: /invalid --metadata 'nokey': expected key=value/ }],
  ['batch submit: 17 --metadata pairs', { args: ['batch', 'submit', 'requests.jsonl', ...repeat(17, (i) => ['--metadata', `k${i}=v`])], error: /too many --metadata pairs/ }],
  ['batch submit: --poll-interval without --wait', { args: ['batch', 'submit', 'requests.jsonl', '--poll-interval', '5'], error: /--poll-interval needs --wait/ }],
  ['batch submit: --output without --wait', { args: ['batch', 'submit', 'requests.jsonl', '-o', 'out.jsonl'], error: /--output needs --wait/ }],
  ['batch submit: --order input without --wait', { args: ['batch', 'submit', 'requests.jsonl', '--order', 'input'], error: /--order input needs --wait/ }],
  ['batch submit: unknown --order', { args: ['batch', 'submit', 'requests.jsonl', '--order', 'random'], error: /argument 'random' is invalid\. Allowed choices are service, input/ }],
  ['batch submit: --json --wait to stdout', { args: ['batch', 'submit', 'requests.jsonl', '--wait', '--json'], error: /with --wait the results go to stdout: add -o FILE/ }],
  ['batch submit: --wait -o onto an existing file', { args: ['batch', 'submit', 'requests.jsonl', '--wait', '-o', 'existing.png'], error: /existing\.png already exists/ }],
  ['batch submit: --poll-interval zero', { args: ['batch', 'submit', 'requests.jsonl', '--wait', '--poll-interval', '0'], error: /--poll-interval <seconds>' argument '0' is invalid/ }],
  ['batch get: malformed id', { args: ['batch', 'get', 'batch_$(touch x)'], error: /'batch_\$\(touch x\)' is not a batch id \(expected batch_…\)/ }],
  ['batch get: a response id', { args: ['batch', 'get', 'resp_123'], error: /'resp_123' is not a batch id/ }],
  ['batch get: --output without --wait', { args: ['batch', 'get', 'batch_1', '-o', 'out.jsonl'], error: /--output needs --wait/ }],
  ['batch get: --force without --output', { args: ['batch', 'get', 'batch_1', '--wait', '--force'], error: /--force needs --output/ }],
  ['batch get: --poll-interval without --wait', { args: ['batch', 'get', 'batch_1', '--poll-interval', '5'], error: /--poll-interval needs --wait/ }],
  ['batch get: --json and --output -', { args: ['batch', 'get', 'batch_1', '--wait', '--json', '-o', '-'], error: /--json and --output - both print to stdout/ }],
  ['batch get: --wait -o onto an existing file', { args: ['batch', 'get', 'batch_1', '--wait', '-o', 'existing.png'], error: /existing\.png already exists/ }],
  ['batch list: --limit zero', { args: ['batch', 'list', '--limit', '0'], error: /--limit <n>' argument '0' is invalid\. expected a whole number from 1 to 100/ }],
  ['batch list: --limit over 100', { args: ['batch', 'list', '--limit', '101'], error: /argument '101' is invalid/ }],
  ['batch list: --after not a batch id', { args: ['batch', 'list', '--after', 'file-1'], error: /'file-1' is not a batch id/ }],
  ['batch list: --json and --jsonl', { args: ['batch', 'list', '--json', '--jsonl'], error: /--json and --jsonl are alternatives/ }],
  ['batch cancel: no id', { args: ['batch', 'cancel'], error: /missing required argument 'id'/ }],
  ['batch cancel: malformed id', { args: ['batch', 'cancel', 'batch_1', 'nope'], error: /'nope' is not a batch id/ }],
  ['batch results: malformed id', { args: ['batch', 'results', 'batch_a/b'], error: /is not a batch id/ }],
  ['batch results: --order input without --input', { args: ['batch', 'results', 'batch_1', '--order', 'input'], error: /--order input needs --input FILE/ }],
  ['batch results: --input without --order input', { args: ['batch', 'results', 'batch_1', '--input', 'requests.jsonl'], error: /--input is the order to follow: add --order input/ }],
  ['batch results: --input missing', { args: ['batch', 'results', 'batch_1', '--order', 'input', '--input', 'missing.jsonl'], error: /cannot read missing\.jsonl: no such file/ }],
  ['batch results: --json to stdout', { args: ['batch', 'results', 'batch_1', '--json'], error: /--json prints a summary on stdout, where the results would go/ }],
  ['batch results: --force without --output', { args: ['batch', 'results', 'batch_1', '--force'], error: /--force replaces an --output file; there is none/ }],
  ['batch results: -o onto an existing file', { args: ['batch', 'results', 'batch_1', '-o', 'existing.png'], error: /existing\.png already exists/ }],
  ['emulate: unknown --batch-timestamps', { args: ['emulate', '--batch-timestamps', 'roman'], error: /argument 'roman' is invalid\. Allowed choices are unix, iso/ }],
  ['emulate: --batch-token-limit zero', { args: ['emulate', '--batch-token-limit', '0'], error: /--batch-token-limit <tokens>' argument '0' is invalid/ }],
  ['emulate: --batch-line-ms negative', { args: ['emulate', '--batch-line-ms', '-1'], error: /--batch-line-ms <ms>' argument '-1' is invalid/ }],
  // aoai chat
  ['chat: stdin is a pipe', { args: ['chat', ...m], stdin: 'hello\n', error: /^aoai: aoai chat needs an interactive terminal, but standard input is not one$/ }],
  ['chat: stdin is not a terminal', { args: ['chat', ...m], error: /aoai chat needs an interactive terminal/ }],
  ['chat: unknown --reasoning-effort', { args: ['chat', ...m, '--reasoning-effort', 'huge'], error: /argument 'huge' is invalid\. Allowed choices are none, minimal/ }],
  ['chat: a create-only flag', { args: ['chat', ...m, '--schema', 'object.json'], error: /unknown option '--schema'/ }],
  ['chat: --continue with --resume', { args: ['chat', ...m, '--continue', '--resume'], error: /^aoai: --continue and --resume both choose where to continue/ }],
  ['chat: --continue with --previous', { args: ['chat', ...m, '-c', '--previous', 'resp_abc'], error: /^aoai: --continue and --previous both choose/ }],
  ['chat: --continue neither a number nor an id', { args: ['chat', ...m, '--continue', 'bogus'], error: /^aoai: --continue bogus: expected a number/ }],

  // The local log (issue 18): -c/--continue, --no-log, aoai log and its verbs
  ['create: --continue with --previous', { args: ['create', ...m, '-c', '--previous', 'resp_abc', 'hi'], error: /^aoai: --continue and --previous both choose the response to continue; give one$/ }],
  ['create: --continue with --conversation', { args: ['create', ...m, '--continue', '--conversation', 'history.jsonl', 'hi'], error: /^aoai: --continue chains on the service/ }],
  ['create: --continue 0', { args: ['create', ...m, '-c', '0', 'hi'], error: /^aoai: --continue 0: expected 1/ }],
  ['create: --continue with nothing in the log', { args: ['create', ...m, '-c', 'hi'], error: /^aoai: --continue: no response to continue in the log of profile 'default'$/ }],
  ['stream: --continue N beyond the log', { args: ['stream', ...m, '--continue', '3', 'hi'], error: /^aoai: --continue: fewer than 3 responses to continue/ }],
  ['create: --continue with the log off', { args: ['create', ...m, '-c', 'hi'], env: { AOAI_LOG: 'off' }, error: /^aoai: --continue reads the local log, which AOAI_LOG=off turns off$/ }],
  ['create: --no-log takes no value', { args: ['create', ...m, '--no-log=yes', 'hi'], error: /unknown option '--no-log=yes'/ }],
  ['config set log: not a mode', { args: ['config', 'set', 'log', 'sometimes'], error: /^aoai: invalid log 'sometimes': expected one of off, ids-only, full$/ }],
  ['log: an argument', { args: ['log', 'resp_abc'], error: /too many arguments for 'log'/ }],
  ['log: -n zero', { args: ['log', '-n', '0'], error: /'-n, --limit <n>' argument '0' is invalid/ }],
  ['log: -n a word', { args: ['log', '-n', 'all'], error: /'-n, --limit <n>' argument 'all' is invalid/ }],
  ['log: --since not a time', { args: ['log', '--since', 'yesterday'], error: /'--since <when>' argument 'yesterday' is invalid\. expected a duration/ }],
  ['log: --since an impossible date', { args: ['log', '--since', '2026-02-30'], error: /'--since <when>' argument '2026-02-30' is invalid/ }],
  ['log: --status not a status', { args: ['log', '--status', 'done'], error: /argument 'done' is invalid\. Allowed choices are completed/ }],
  ['log: --json with --jsonl', { args: ['log', '--json', '--jsonl'], error: /--json and --jsonl are alternatives/ }],
  ['log: -q without text', { args: ['log', '-q'], error: /'-q, --query <text>' argument missing/ }],
  ['log show: no record named', { args: ['log', 'show'], error: /missing required argument 'id'/ }],
  ['log show: not an id', { args: ['log', 'show', 'msg_1'], error: /^aoai: 'msg_1' is not a response id or -N$/ }],
  ['log show: -0', { args: ['log', 'show', '-0'], error: /^aoai: '-0' is not a response id or -N$/ }],
  ['log show: an id not in the log', { args: ['log', 'show', 'resp_notlogged'], error: /^aoai: the log has no record of resp_notlogged$/ }],
  ['log show: -N beyond the log', { args: ['log', 'show', '-5'], error: /^aoai: the log has no record -5/ }],
  ['log usage: --since not a time', { args: ['log', 'usage', '--since', 'last week'], error: /'--since <when>' argument 'last week' is invalid/ }],
  ['log usage: --json with --jsonl', { args: ['log', 'usage', '--json', '--jsonl'], error: /--json and --jsonl are alternatives/ }],
  ['log purge: --before not a time', { args: ['log', 'purge', '--before', 'soon'], error: /'--before <when>' argument 'soon' is invalid/ }],
  ['log: the log file is a directory', { args: ['log'], env: { AOAI_STATE_DIR: 'state-odd' }, code: 3, error: /^aoai: cannot read the log state-odd\/log\.jsonl: is a directory$/ }],
  ['log purge: an argument', { args: ['log', 'purge', 'all'], error: /too many arguments for 'purge'/ }],
];

const ctx = useEmulator();
let work = '';

beforeAll(() => {
  work = join(ctx.box.home, 'work');
  mkdirSync(join(work, DIRECTORY), { recursive: true });
  for (const [name, content] of Object.entries(FIXTURES)) {
    mkdirSync(join(work, name, '..'), { recursive: true });
    writeFileSync(join(work, name), content);
    chmodSync(join(work, name), 0o600);
  }
});

/** Every file under the sandbox's home (config, state, cache, the working directory): path, size, mtime. */
function snapshot(dir: string): string[] {
  const entries: string[] = [];
  const walk = (d: string) => {
    for (const entry of readdirSync(d, { withFileTypes: true })) {
      const path = join(d, entry.name);
      if (entry.isDirectory()) walk(path);
      else {
        const stat = statSync(path);
        entries.push(`${path} ${stat.size} ${stat.mtimeMs}`);
      }
    }
  };
  walk(dir);
  return entries.sort();
}

describe(`${ROWS.length} bad invocations: exit 2 or 3, one line, nothing sent, nothing written`, () => {
  it('has at least 60 rows', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60);
  });

  it.each(ROWS)('%s', async (_name, row) => {
    const requestsBefore = ctx.emulator.requests.length;
    const filesBefore = snapshot(ctx.box.home);
    const result = await runAoai(row.args, {
      env: { ...ctx.env, ...Object.fromEntries(Object.entries(row.env ?? {}).map(([k, v]) => [k, v === undefined ? undefined : k === 'AOAI_CONFIG_DIR' ? join(work, v) : v])) } as Record<string, string>,
      cwd: work,
      ...(row.stdin !== undefined ? { input: row.stdin } : {}),
    });
    const lines = result.stderr.trimEnd().split('\n');
    expect(result.code, result.stderr).toBe(row.code ?? 2);
    expect(result.stdout).toBe('');
    expect(lines.length, result.stderr).toBeLessThanOrEqual(2);
    expect(lines[0]).toMatch(/^aoai: \S/);
    expect(lines[0]).toMatch(row.error);
    if (lines.length === 2) expect(lines[1]).toMatch(/^hint: \S/);
    expect(ctx.emulator.requests.length, 'a request was sent').toBe(requestsBefore);
    expect(snapshot(ctx.box.home)).toEqual(filesBefore);
  });
});
