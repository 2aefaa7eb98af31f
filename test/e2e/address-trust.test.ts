// Plain http:// with credentials is allowed only when the name resolves to loopback (all of
// 127.0.0.0/8 and ::1), decided on the resolved address, not the name.
import { describe, expect, it } from 'vitest';
import { CANARY_API_KEY } from '../helpers/canaries.ts';
import { runAoai, sandbox } from '../helpers/cli.ts';
import { startTestEmulator } from '../helpers/emulator.ts';
import { runInNetns } from '../helpers/netns.ts';

describe('trust by resolved address', { timeout: 120_000 }, () => {
  it('the emulator on --host 127.0.0.2 works end to end over plain http', async () => {
    const emulator = await startTestEmulator({ host: '127.0.0.2' });
    const box = sandbox({ AZURE_OPENAI_ENDPOINT: emulator.url, AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    try {
      expect(emulator.url).toMatch(/^http:\/\/127\.0\.0\.2:\d+$/);
      const result = await runAoai(['create', '-m', 'gpt-4.1', 'hi'], { env: box.env });
      expect(result).toMatchObject({ code: 0, stdout: 'Echo: hi\n', stderr: '' });
    } finally {
      await emulator.close();
      box.cleanup();
    }
  });

  it('http://evil.localhost resolving elsewhere is refused; a name resolving to 127.0.0.2 is trusted (private network and mount namespace)', () => {
    const box = sandbox({ AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    try {
      const { results } = runInNetns({
        baseEnv: box.env,
        emulator: { key: CANARY_API_KEY, host: '127.0.0.2' },
        hosts: '127.0.0.1 localhost\n10.9.9.9 evil.localhost\n127.0.0.2 emu.localhost\n10.9.9.10 mixed.test\n127.0.0.3 mixed.test\n',
        runs: [
          { args: ['create', '-m', 'gpt-4.1', 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'http://evil.localhost:18080' } },
          { args: ['create', '-m', 'gpt-4.1', 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'http://emu.localhost:18080' } },
          { args: ['create', '-m', 'gpt-4.1', 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'http://mixed.test:18080' } },
          { args: ['create', '-m', 'gpt-4.1', 'hi'], env: { AZURE_OPENAI_ENDPOINT: 'http://10.9.9.9:18080' } },
        ],
      });
      const [evil, emu, mixed, literal] = results;
      expect(evil!.code).toBe(2);
      expect(evil!.stderr).toBe(
        "aoai: refusing to send credentials over plain http:// to evil.localhost:18080 (evil.localhost resolves to 10.9.9.9, which is not loopback)\nhint: use https://, or pass --insecure if this is a trusted proxy\n",
      );
      expect(emu).toMatchObject({ code: 0, stdout: 'Echo: hi\n' });
      expect(mixed!.code).toBe(2);
      expect(mixed!.stderr).toMatch(/mixed\.test resolves to 10\.9\.9\.10, which is not loopback/);
      expect(literal!.code).toBe(2);
      expect(literal!.stderr).toMatch(/^aoai: refusing to send credentials over plain http:\/\/ to 10\.9\.9\.9:18080\n/);
    } finally {
      box.cleanup();
    }
  });

  it('DNS rebinding: a name checked as loopback is connected to at the checked address, not what it resolves to next', () => {
    const box = sandbox({ AZURE_OPENAI_API_KEY: CANARY_API_KEY });
    try {
      const { results, decoyLog, dnsAsked } = runInNetns({
        baseEnv: box.env,
        emulator: { key: CANARY_API_KEY },
        // Per name, the first answer (for the check) is the emulator; every later one is the decoy.
        dns: { answers: { 'rebind.test': ['127.0.0.1', '127.0.0.2'], 'rebind-stream.test': ['127.0.0.1', '127.0.0.2'], 'rebind-batch.test': ['127.0.0.1', '127.0.0.2'] } },
        decoy: { host: '127.0.0.2', port: 18080 },
        runs: [
          { args: ['create', '-m', 'gpt-4.1', 'pinned'], env: { AZURE_OPENAI_ENDPOINT: 'http://rebind.test:18080' } },
          { args: ['stream', '-m', 'gpt-4.1', 'pinned too'], env: { AZURE_OPENAI_ENDPOINT: 'http://rebind-stream.test:18080' } },
          // batch run sends over Node's http agent (bulk-fetch.ts), pinned the same way.
          { args: ['batch', 'run', '-m', 'gpt-4.1', '--order', 'input', '-'], input: 'one\ntwo\nthree\n', env: { AZURE_OPENAI_ENDPOINT: 'http://rebind-batch.test:18080' } },
        ],
      });
      expect(results[0]).toMatchObject({ code: 0, stdout: 'Echo: pinned\n', stderr: '' });
      expect(results[1]).toMatchObject({ code: 0, stdout: 'Echo: pinned too\n' });
      expect(results[2]!.code).toBe(0);
      const answers = results[2]!.stdout.trim().split('\n').map((line) => JSON.parse(line) as { response: { body: { output_text?: string; output: Array<{ content: Array<{ text: string }> }> } } });
      expect(answers.map((a) => a.response.body.output[0]!.content[0]!.text)).toEqual(['Echo: one', 'Echo: two', 'Echo: three']);
      expect(decoyLog).toEqual([]);
      // One lookup per run, the trust check's; the connection asked nothing more.
      expect(dnsAsked).toEqual({ 'rebind.test': 1, 'rebind-stream.test': 1, 'rebind-batch.test': 1 });
    } finally {
      box.cleanup();
    }
  });
});
