// Help behaves like gh's: `aoai help COMMAND…` and `aoai NOUN help VERB` both work, a bare noun
// prints its help on stdout and exits 0, and a command's help lists only the global options that
// mean something to it.
import { describe, expect, it } from 'vitest';
import { runAoai } from '../helpers/cli.ts';

describe('help', () => {
  it('aoai help create / aoai help files upload print the same as --help', async () => {
    const viaHelp = await runAoai(['help', 'create']);
    const viaFlag = await runAoai(['create', '--help']);
    expect({ code: viaHelp.code, stderr: viaHelp.stderr }).toEqual({ code: 0, stderr: '' });
    expect(viaHelp.stdout).toBe(viaFlag.stdout);
    const nested = await runAoai(['help', 'files', 'upload']);
    expect(nested.stdout).toBe((await runAoai(['files', 'help', 'upload'])).stdout);
    expect(nested.stdout).toContain('Usage: aoai files upload');
    const top = await runAoai(['help']);
    expect(top.stdout).toBe((await runAoai(['--help'])).stdout);
  });

  it('aoai help with an unknown command is a usage error', async () => {
    const result = await runAoai(['help', 'files', 'uplod']);
    expect(result).toMatchObject({ code: 2, stdout: '' });
    expect(result.stderr).toBe("aoai: unknown command 'files uplod'\nhint: run 'aoai help' for the list of commands\n");
  });

  it('a bare aoai or aoai files prints help on stdout and exits 0, as gh does', async () => {
    const bare = await runAoai([]);
    expect({ code: bare.code, stderr: bare.stderr }).toEqual({ code: 0, stderr: '' });
    expect(bare.stdout).toContain('Usage: aoai [options] [command]');
    const noun = await runAoai(['files']);
    expect({ code: noun.code, stderr: noun.stderr }).toEqual({ code: 0, stderr: '' });
    expect(noun.stdout).toContain('Usage: aoai files');
  });

  it('subcommand help lists only the global options that apply there', async () => {
    const emulate = (await runAoai(['emulate', '--help'])).stdout;
    expect(emulate).not.toContain('--api-key-stdin');
    expect(emulate).not.toContain('Global Options');
    expect((await runAoai(['completion', '--help'])).stdout).not.toContain('--endpoint');
    const config = (await runAoai(['config', 'set', '--help'])).stdout;
    expect(config).toContain('--profile <name>');
    expect(config).not.toContain('--api-key-stdin');
    const create = (await runAoai(['create', '--help'])).stdout;
    expect(create).toContain('--api-key-stdin');
    expect(create).not.toContain('--version');
  });
});
