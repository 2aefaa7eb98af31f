// Run bin/aoai under a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are one
// terminal, as for a person at a shell. The output comes back with the pty's CRLF line ends as LF.
import { spawn } from 'node:child_process';
import { BIN } from './cli.ts';
import { recordCapture } from './captures.ts';

export interface PtyOptions {
  env: Record<string, string>;
  cwd?: string;
  columns?: number;
}

export function runOnPty(args: string[], { env, cwd, columns = 200 }: PtyOptions): Promise<{ code: number | null; output: string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols ${columns} rows 50; exec ${quoted}`, '/dev/null'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
    child.on('error', reject);
    child.on('close', (code) => {
      recordCapture(`pty: aoai ${args.join(' ')}`, output);
      resolve({ code, output: output.replace(/\r\n/g, '\n') });
    });
  });
}
