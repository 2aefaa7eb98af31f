// Who could still write to the pipe on our stdin? In `producer | aoai "prompt"` the producer is a
// sibling process: its text is coming, however long it takes, so aoai waits for it. A CI runner,
// or a program that spawned aoai with a pipe it never writes, is an ancestor: its open but idle
// stdin must not hang aoai. Linux only (/proc); elsewhere the answer is "unknown".
import { fstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';

export type PipeWriters = 'producer' | 'ancestors-only' | 'none' | 'unknown';

export function stdinPipeWriters(): PipeWriters {
  if (process.platform !== 'linux') return 'unknown';
  let target: string;
  let pids: string[];
  try {
    const stdin = fstatSync(0);
    // A socket pair (how Node spawns children) has a peer with another inode: not traceable here.
    if (!stdin.isFIFO()) return 'unknown';
    target = `pipe:[${stdin.ino}]`;
    pids = readdirSync('/proc').filter((name) => /^\d+$/.test(name));
  } catch {
    return 'unknown';
  }
  const ancestors = ancestorPids();
  let anyWriter = false;
  for (const pid of pids) {
    if (pid === String(process.pid)) continue;
    if (!holdsForWriting(pid, target)) continue;
    anyWriter = true;
    if (!ancestors.has(pid)) return 'producer';
  }
  return anyWriter ? 'ancestors-only' : 'none';
}

function holdsForWriting(pid: string, target: string): boolean {
  let fds: string[];
  try {
    fds = readdirSync(`/proc/${pid}/fd`);
  } catch {
    return false; // another user's process, or gone
  }
  for (const fd of fds) {
    try {
      if (readlinkSync(`/proc/${pid}/fd/${fd}`) !== target) continue;
      // flags in octal; the access mode is the low two bits: 1 = write-only, 2 = read-write.
      const flags = /flags:\s*([0-7]+)/.exec(readFileSync(`/proc/${pid}/fdinfo/${fd}`, 'utf8'))?.[1];
      const mode = flags === undefined ? 1 : parseInt(flags, 8) & 3;
      if (mode === 1 || mode === 2) return true;
    } catch {
      // closed meanwhile
    }
  }
  return false;
}

function ancestorPids(): Set<string> {
  const seen = new Set<string>();
  let pid = String(process.ppid);
  while (pid !== '0' && !seen.has(pid)) {
    seen.add(pid);
    try {
      // The command name (field 2) is in parentheses and may hold spaces: the parent pid follows the last ')'.
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      pid = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1] ?? '0';
    } catch {
      break;
    }
  }
  return seen;
}
