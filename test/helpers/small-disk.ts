// A small, private disk for full-disk tests: a tmpfs mounted in a mount namespace of its own
// (`unshare -m`, so nothing on the machine sees it), kept alive by a sleeping process. aoai runs
// inside that namespace through nsenter; the test reads and writes the disk from outside through
// /proc/PID/root. Needs root (or CAP_SYS_ADMIN); `smallDiskUnavailable` says why not.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { rmSync } from 'node:fs';
import { tempDir } from './temp.ts';

export interface SmallDisk {
  /** The mount point, as aoai (inside the namespace) sees it. */
  dir: string;
  /** The same path as this test process sees it. */
  outside(path: string): string;
  /** Prefix for runAoai's `via`: run bin/aoai inside the namespace. */
  via: string[];
  close(): void;
}

function probe(): string | undefined {
  if (process.platform !== 'linux') return 'needs Linux mount namespaces';
  const dir = tempDir('aoai-disk-probe-');
  try {
    const result = spawnSync('unshare', ['-m', 'sh', '-c', `mount -t tmpfs -o size=16k tmpfs '${dir}'`], { encoding: 'utf8' });
    if (result.error) return `unshare is not available (${result.error.message})`;
    if (result.status !== 0) return `cannot mount a tmpfs in a private mount namespace: ${result.stderr.trim() || `exit ${result.status}`}`;
    if (spawnSync('nsenter', ['--version']).error) return 'nsenter is not available';
    return undefined;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Why full-disk tests cannot run here, or undefined when they can. */
export const smallDiskUnavailable = probe();

/** Mount a tmpfs of `sizeKb` KiB (`readOnly`: mounted read-only) in a private mount namespace. */
export async function smallDisk(sizeKb: number, options: { readOnly?: boolean } = {}): Promise<SmallDisk> {
  const dir = tempDir('aoai-small-disk-');
  const mountOptions = `size=${sizeKb}k,mode=1777${options.readOnly ? ',ro' : ''}`;
  const holder: ChildProcess = spawn('unshare', ['-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o ${mountOptions} tmpfs '${dir}' && echo ready && exec sleep 600`], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    let stderr = '';
    holder.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    holder.stdout!.once('data', () => resolve());
    holder.once('exit', (code) => reject(new Error(`small disk: mount failed (exit ${code}): ${stderr}`)));
  });
  const pid = holder.pid!;
  return {
    dir,
    outside: (path) => `/proc/${pid}/root${path}`,
    via: ['nsenter', '-t', String(pid), '-m', '--'],
    close() {
      holder.kill('SIGKILL');
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
