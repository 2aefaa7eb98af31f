// A fake Azure CLI on PATH: answers `az account get-access-token` the way the real one does
// (JSON with accessToken and expires_on), and counts its invocations in a file.
import { chmodSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.ts';

export interface FakeAz {
  dir: string;
  /** How many times `az` ran. */
  calls(): number;
  /** The argv of each call. */
  argv(): string[][];
}

/** `tokens`: the n-th call answers tokens[n] (the last one from then on), e.g. a revoked token, then a good one. */
export function fakeAz(options: { token?: string; tokens?: string[]; expiresInSeconds?: number; fail?: 'login' } = {}): FakeAz {
  const dir = tempDir('aoai-fake-az-');
  const log = join(dir, 'calls.jsonl');
  const expiresIn = options.expiresInSeconds ?? 3600;
  const script = `#!${process.execPath}
const fs = require('node:fs');
fs.appendFileSync(${JSON.stringify(log)}, JSON.stringify(process.argv.slice(2)) + '\\n');
const args = process.argv.slice(2);
if (${JSON.stringify(options.fail === 'login')}) {
  process.stderr.write("ERROR: Please run 'az login' to setup account.\\n");
  process.exit(1);
}
if (args[0] !== 'account' || args[1] !== 'get-access-token') { process.stderr.write('fake az: unsupported ' + args.join(' ') + '\\n'); process.exit(2); }
const expires = Math.floor(Date.now() / 1000) + ${expiresIn};
process.stdout.write(JSON.stringify({
  accessToken: ((tokens) => tokens[Math.min(fs.readFileSync(${JSON.stringify(log)}, 'utf8').trim().split('\\n').length, tokens.length) - 1])(${JSON.stringify(options.tokens ?? [options.token ?? ''])}),
  expiresOn: new Date(expires * 1000).toISOString().replace('T', ' ').slice(0, 19) + '.000000',
  expires_on: expires,
  subscription: '00000000-0000-0000-0000-000000000000',
  tenant: '11111111-1111-1111-1111-111111111111',
  tokenType: 'Bearer',
}));
`;
  const path = join(dir, 'az');
  writeFileSync(path, script.replace("require('node:fs')", "require('node:fs')"));
  chmodSync(path, 0o755);
  return {
    dir,
    calls: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).length : 0),
    argv: () => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as string[]) : []),
  };
}
