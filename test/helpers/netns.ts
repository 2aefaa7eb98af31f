// Run aoai commands inside a private network namespace (`unshare -n`, loopback only), with the
// emulator and a recording forward proxy started inside it: for tests of proxies, name resolution
// and non-loopback hostnames, which must never reach the network.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BIN, REPO_ROOT } from './cli.ts';
import { recordCapture } from './captures.ts';
import { tempDir } from './temp.ts';
import { requiredTool } from './tools.ts';

export interface NetnsStep {
  args: string[];
  /** Values may use {{EMULATOR}}, {{PROXY}}, {{IDENTITY_HEADER}}; null removes a variable. */
  env?: Record<string, string | null>;
  input?: string;
}

export interface ProxyLogEntry {
  method: string;
  target: string;
  proxyAuthorization: boolean;
}

export interface NetnsResult {
  code: number | null;
  stdout: string;
  stderr: string;
  proxyLog: ProxyLogEntry[];
}

export interface NetnsSpec {
  baseEnv: Record<string, string>;
  emulator?: { key: string; host?: string; port?: number };
  proxy?: { mode?: 'forward' | 'refuse' | 'auth'; credentials?: string };
  /** A TLS front for the emulator at {{EMULATOR_TLS}} (https://localhost:18443), with this certificate. */
  tlsFront?: { cert: string; key: string };
  /** /etc/hosts inside the namespace (bind-mounted in a private mount namespace too). */
  hosts?: string;
  /** A DNS server on 127.0.0.1:53 (named by the namespace's resolv.conf): the n-th A query for a name gets its n-th address. */
  dns?: { answers: Record<string, string[]> };
  /** An HTTP server that records who reached it (and whether they sent credentials). */
  decoy?: { host: string; port: number };
  runs: NetnsStep[];
}

export interface NetnsOutput {
  results: NetnsResult[];
  substitutions: Record<string, string>;
  decoyLog: Array<{ method: string; url: string; credentials: boolean }>;
  /** A queries the DNS server answered, per name. */
  dnsAsked: Record<string, number>;
}

export function runInNetns(spec: NetnsSpec): NetnsOutput {
  requiredTool('unshare');
  requiredTool('ip');
  const dir = tempDir('aoai-netns-');
  const file = join(dir, 'spec.json');
  writeFileSync(file, JSON.stringify({ ...spec, bin: BIN }));
  const runner = join(REPO_ROOT, 'test', 'helpers', 'netns-runner.mjs');
  let hostsMount = '';
  if (spec.hosts !== undefined) {
    writeFileSync(join(dir, 'hosts'), spec.hosts);
    hostsMount = `mount --bind "${join(dir, 'hosts')}" /etc/hosts && `;
  }
  if (spec.dns) {
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions attempts:1 timeout:2\n');
    hostsMount += `mount --bind "${join(dir, 'resolv.conf')}" /etc/resolv.conf && `;
  }
  const namespaces = spec.hosts !== undefined || spec.dns ? ['-n', '-m'] : ['-n'];
  const child = spawnSync('unshare', [...namespaces, 'sh', '-c', `${hostsMount}ip link set lo up && exec "${process.execPath}" "${runner}" "${file}"`], {
    cwd: REPO_ROOT,
    env: spec.baseEnv,
    encoding: 'utf8',
    timeout: 120_000,
    maxBuffer: 64 * 1024 * 1024,
  });
  if (child.status !== 0) throw new Error(`netns runner failed (${child.status}): ${child.stderr}`);
  const output = JSON.parse(child.stdout) as NetnsOutput;
  spec.runs.forEach((step, i) => {
    recordCapture(`netns aoai ${step.args.join(' ')} (stdout)`, output.results[i]!.stdout);
    recordCapture(`netns aoai ${step.args.join(' ')} (stderr)`, output.results[i]!.stderr);
  });
  return output;
}
