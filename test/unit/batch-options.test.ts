// argv → options for the batch verbs: the create flags are the ordinary ones, the ones a batch
// cannot use are refused, and the flags given are known by name (a request file refuses them).
import { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { batchInputVerb, toBatchRequestOptions, type BatchRequestValues } from '../../src/cli/batch-options.ts';
import { toBatchRunOptions } from '../../src/commands/batch/run.ts';
import { defaultConcurrency } from '../../src/batch/online/run.ts';

function parse(args: string[]): { file: string; values: BatchRequestValues; flags: Map<string, string> } {
  const program = new Command('aoai').exitOverride();
  const batch = program.command('batch');
  const { command, requestFlags } = batchInputVerb(batch, 'run', 'test', 'input');
  let captured: { file: string; values: BatchRequestValues } | undefined;
  command.option('-o, --output <file>').action((file: string, values: BatchRequestValues) => {
    captured = { file, values };
  });
  program.parse(['batch', 'run', ...args], { from: 'user' });
  return { ...captured!, flags: requestFlags };
}

describe('batch request options', () => {
  it('takes the create flags, names the ones given, and reads stdin when no file is given', () => {
    const { file, values, flags } = parse(['-m', 'gpt-4.1', '--instructions', 'be brief', '--max-output-tokens', '20']);
    expect(file).toBe('-');
    const options = toBatchRequestOptions(file, values, flags);
    expect(options.request).toMatchObject({ model: 'gpt-4.1', instructions: 'be brief', maxOutputTokens: 20 });
    expect(options.requestFlagsGiven).toEqual(['--model', '--instructions', '--max-output-tokens']);
    expect(options.format).toBe('auto');
  });

  it('does not offer flags a batch line cannot use', () => {
    for (const args of [['--background'], ['--exec', 'f=./f.sh'], ['--conversation', 'c.jsonl'], ['--function-output', 'c=1'], ['--max-tool-rounds', '3']]) {
      expect(() => parse(['in.txt', ...args]), args.join(' ')).toThrow(/unknown option/);
    }
    const stdinTwice = parse(['-', '--input-items', '-']);
    expect(() => toBatchRequestOptions(stdinTwice.file, stdinTwice.values, stdinTwice.flags)).toThrow(/both want standard input/);
  });

  it('batch run defaults: 8 retries, results in finish order, -o - is stdout', () => {
    const { file, values, flags } = parse(['in.txt', '-o', '-']);
    const options = toBatchRunOptions(file, values, flags, ['batch', 'run', 'in.txt']);
    expect(options).toMatchObject({ file: 'in.txt', output: undefined, concurrency: undefined, retries: 8, order: 'finish', rpm: undefined, json: false });
  });

  it('in flight by default: 50 without a quota; with rpm, 10 seconds of it (at least 50, at most 1000)', () => {
    expect(defaultConcurrency(undefined)).toBe(50);
    expect(defaultConcurrency(60)).toBe(50);
    expect(defaultConcurrency(1200)).toBe(200);
    expect(defaultConcurrency(600_000)).toBe(1000);
  });
});
