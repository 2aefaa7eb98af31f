// Bundled by bench/lib/log.mjs and run in one process: the time `writeCommandLog` takes at the end
// of a command (build the record from what the command noted, mode lookup, one append), over
// `rounds` rounds, as JSON on stdout. A command writes one record, so its cost is the first
// (cold) round: the bench runs this in fresh processes for that, and many rounds for the warm cost.
import { CommandLog } from '../../src/log/notes.ts';
import { writeCommandLog } from '../../src/log/write.ts';
import { ConfigStore } from '../../src/core/config-store.ts';
import { newRequestRecord } from '../../src/core/request-record.ts';
import type { Factory } from '../../src/core/factory.ts';

const [stateDir, configFile, roundsText] = process.argv.slice(2) as [string, string, string];
const rounds = Number(roundsText);
const store = new ConfigStore(configFile);
// A real command has read its profile before it sends anything; the log's mode lookup reuses it.
store.profile('default');
const requests = { ...newRequestRecord(), endpoint: 'https://myres.openai.azure.com' };
const log = new CommandLog();
const factory = {
  io: { env: {} },
  flags: {},
  profileName: 'default',
  command: 'create',
  log,
  requests,
  paths: { state: stateDir, config: configFile, cache: stateDir },
  configStore: () => store,
  debug: () => undefined,
} as unknown as Factory;

const text = 'Here is a summary of the meeting notes: '.repeat(20);
const times: number[] = [];
for (let i = 0; i < rounds; i++) {
  log.sent({ model: 'gpt-4.1', input: `Summarise meeting ${i} in three bullet points`, store: true });
  log.responded({
    id: `resp_${i.toString(16).padStart(48, '0')}`,
    status: 'completed',
    model: 'gpt-4.1',
    usage: { input_tokens: 120, output_tokens: 300, total_tokens: 420, input_tokens_details: { cached_tokens: 0 }, output_tokens_details: { reasoning_tokens: 0 } },
    output: [{ type: 'message', id: 'msg_1', role: 'assistant', status: 'completed', content: [{ type: 'output_text', text, annotations: [] }] }],
  } as never);
  const started = process.hrtime.bigint();
  await writeCommandLog(factory, 0);
  times.push(Number(process.hrtime.bigint() - started) / 1e6);
}
process.stdout.write(JSON.stringify(times));
