// aoai emulate as a script uses it: export lines on stdout, and an env file that exists only once
// it is complete, so "wait for the file, then source it" has no race.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT, runAoai, sandbox } from '../helpers/cli.ts';
import { runScript, type ScriptResult } from '../helpers/shell.ts';

function sh(script: string, env: Record<string, string>, cwd: string): Promise<ScriptResult> {
  return runScript('sh', script, { env: { ...env, PATH: `${join(REPO_ROOT, 'bin')}:${env.PATH}` }, cwd, timeoutMs: 25_000 });
}

describe('aoai emulate', () => {
  it('prints export lines that another shell can eval', async () => {
    const box = sandbox();
    try {
      const result = await sh(
        `aoai emulate --quiet --key "it's-a-key" > out.txt & pid=$!
         until [ -s out.txt ] && grep -q IDENTITY_HEADER out.txt; do sleep 0.1; done
         eval "$(cat out.txt)"
         sh -c 'printf "%s\\n" "$AZURE_OPENAI_API_KEY"; aoai create -m gpt-4.1 "exported"'
         kill $pid; wait $pid; cat out.txt`,
        box.env,
        box.home,
      );
      expect(result.stderr).toBe('');
      expect(result.code).toBe(0);
      expect(result.stdout).toContain("it's-a-key\nEcho: exported\n");
      expect(result.stdout).toMatch(/^export AZURE_OPENAI_ENDPOINT=http:\/\/127\.0\.0\.1:\d+$/m);
      expect(result.stdout).toContain(`export AZURE_OPENAI_API_KEY='it'\\''s-a-key'\n`);
    } finally {
      box.cleanup();
    }
  });

  it('--max-stored N: past N stored responses the oldest answers 404, as an expired one does', async () => {
    const box = sandbox();
    try {
      const result = await sh(
        `aoai emulate --quiet --max-stored 2 > out.txt & pid=$!
         until [ -s out.txt ] && grep -q IDENTITY_HEADER out.txt; do sleep 0.1; done
         eval "$(cat out.txt)"
         for word in one two three; do aoai create -m gpt-4.1 --json "$word" | node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).id))' >> ids.txt; done
         for id in $(cat ids.txt); do aoai get "$id" >/dev/null 2>&1; echo "get $?"; done
         kill $pid; wait $pid`,
        box.env,
        box.home,
      );
      expect(result.stdout).toBe('get 1\nget 0\nget 0\n');
    } finally {
      box.cleanup();
    }
  });

  it('--write-env: written whole before serving, 0600, removed on exit; the documented wait works', async () => {
    const box = sandbox();
    try {
      const result = await sh(
        `rm -f emu.env; aoai emulate --quiet --write-env emu.env > /dev/null & pid=$!
         until [ -s emu.env ]; do sleep 0.1; done; . ./emu.env
         ls -l emu.env | cut -c1-10
         aoai create -m gpt-4.1 "from the env file"
         kill $pid; wait $pid; echo "exit $?"; [ -e emu.env ] && echo "still there" || echo "removed"`,
        box.env,
        box.home,
      );
      expect(result.stderr).toBe('');
      expect(result.stdout).toBe('-rw-------\nEcho: from the env file\nexit 0\nremoved\n');
    } finally {
      box.cleanup();
    }
  });

  it('--write-env in a missing directory: one line, exit 2, nothing left listening', async () => {
    const box = sandbox();
    const target = join(box.home, 'no', 'such', 'dir', 'emu.env');
    const result = await runAoai(['emulate', '--quiet', '--write-env', target], { env: box.env });
    box.cleanup();
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^aoai: --write-env.* .*emu\.env.*no such directory\)?\n/);
    expect(result.stderr.split('\n')[0]!.match(/emu\.env/g)).toHaveLength(1);
    expect(result.stdout).toBe('');
    expect(existsSync(target)).toBe(false);
  });
});
