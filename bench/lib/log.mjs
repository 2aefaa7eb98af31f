// The local log's costs (issue 18): writing a record at the end of a command, in-process (the real
// src/log code, bundled) and end to end (`aoai create` with and without --no-log, interleaved);
// and `aoai log -n 20` on a generated 100,000-record log, which reads backwards from the end.
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'esbuild';

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
 * In-process timings of writeCommandLog (ms per record): `cold` is the median over fresh processes
 * of their one write (what a command pays: it writes one record), `warm` the median of many
 * writes in one process.
 */
export async function writeTimings(root, processes, rounds) {
  const dir = mkdtempSync(join(tmpdir(), 'aoai-log-bench-'));
  try {
    const outfile = join(dir, 'log-write.mjs');
    await build({ entryPoints: [join(root, 'bench/lib/log-write-entry.ts')], outfile, bundle: true, format: 'esm', platform: 'node', target: 'node20.19', logLevel: 'error' });
    const run = (n) => JSON.parse(execFileSync(process.execPath, [outfile, join(dir, 'state'), join(dir, 'config.json'), String(n)], { encoding: 'utf8' }));
    run(1); // the state directory and the log file exist, as they do after the first command
    const cold = Array.from({ length: processes }, () => run(1)[0]).sort((a, b) => a - b);
    const warm = run(rounds).slice(1).sort((a, b) => a - b);
    const median = (list) => list[Math.floor(list.length / 2)];
    return { cold: median(cold), coldMax: cold.at(-1), warm: median(warm) };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
