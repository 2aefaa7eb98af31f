// The local log's costs (issue 18): writing a record at the end of a command, in-process (as
// `aoai create --debug` reports it) and end to end (`aoai create` with and without --no-log, interleaved);
// and `aoai log -n 20` on a generated 100,000-record log, which reads backwards from the end.
import { spawnSync } from 'node:child_process';
import { mkdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

/** A log of `count` realistic records (a prompt, a paragraph of output, usage), a minute apart. */
export function generateLog(stateDir, count) {
  mkdirSync(stateDir, { recursive: true });
  const start = Date.now() - count * 60_000;
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(
      JSON.stringify({
        v: 1,
        time: new Date(start + i * 60_000).toISOString(),
        command: 'create',
        profile: 'default',
        endpoint: 'myres.openai.azure.com',
        deployment: i % 3 ? 'gpt-4.1' : 'o4-mini',
        id: `resp_${i.toString(16).padStart(48, '0')}`,
        status: 'completed',
        previous_response_id: null,
        stored: true,
        usage: { input_tokens: 120, output_tokens: 300, total_tokens: 420 },
        exit: 0,
        prompt: `Summarise the meeting notes number ${i} in three bullet points, please`,
        output: `Here is a summary: ${'lorem ipsum dolor sit amet '.repeat(12)}`,
      }),
    );
  }
  const file = join(stateDir, 'log.jsonl');
  writeFileSync(file, `${lines.join('\n')}\n`, { mode: 0o600 });
  return statSync(file).size;
}

/**
 * What writing the record costs a real command: `aoai create --debug` reports it in-process
 * ("log: record written in X ms", timed around the whole write in src/cli/run.ts). Median and max
 * over `runs` commands.
 */
export function writeTimings(bin, env, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(bin, ['create', '-m', 'gpt-4.1', '--debug', `log timing ${i}`], { env, encoding: 'utf8' });
    const ms = /log: record written in ([\d.]+) ms/.exec(result.stderr)?.[1];
    if (result.status !== 0 || ms === undefined) throw new Error(`aoai create --debug: no log timing (exit ${result.status}): ${result.stderr.slice(-300)}`);
    times.push(Number(ms));
  }
  times.sort((a, b) => a - b);
  return { median: times[Math.floor(times.length / 2)], max: times.at(-1) };
}

/** What `aoai log ARGS` spends reading, without start-up, as `--debug` reports it: median over `runs`. */
export function readTimings(bin, env, args, runs) {
  const times = [];
  for (let i = 0; i < runs; i++) {
    const result = spawnSync(bin, ['log', ...args, '--debug'], { env, encoding: 'utf8' });
    const ms = /log: \d+ records read in ([\d.]+) ms/.exec(result.stderr)?.[1];
    if (result.status !== 0 || ms === undefined) throw new Error(`aoai log --debug: no timing (exit ${result.status}): ${result.stderr.slice(-300)}`);
    times.push(Number(ms));
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}
