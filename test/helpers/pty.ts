// Run bin/aoai under a pseudo-terminal (util-linux `script`): stdin, stdout and stderr are one
// terminal, as for a person at a shell. The output comes back with the pty's CRLF line ends as LF.
import { spawn } from 'node:child_process';
import { BIN } from './cli.ts';
import { recordCapture } from './captures.ts';

export interface PtyOptions {
  env: Record<string, string>;
  cwd?: string;
  columns?: number;
  /** 'discard': stderr goes to /dev/null, so the screen shows stdout alone. */
  stderr?: 'discard';
  /** 'discard': stdout goes to /dev/null, so only stderr is the terminal. */
  stdout?: 'discard';
}

export function runOnPty(args: string[], { env, cwd, columns = 200, stderr, stdout }: PtyOptions): Promise<{ code: number | null; output: string }> {
  const quoted = [BIN, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', `stty cols ${columns} rows 50; exec ${quoted}${stderr === 'discard' ? ' 2>/dev/null' : ''}${stdout === 'discard' ? ' >/dev/null' : ''}`, '/dev/null'], { env, cwd, stdio: ['ignore', 'pipe', 'pipe'] });
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

/**
 * Answer an interactive prompt on a pty: once `prompt` shows, each keystroke is typed in turn
 * (after the prompt has put the terminal in raw mode, so nothing is echoed by the pty itself).
 */
export function answerPrompt(command: string, env: Record<string, string>, prompt: string, keystrokes: string[]): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    // A pty from `script` has no size; give it one, as a real terminal has.
    const child = spawn('script', ['-qec', `stty cols 100 rows 30; ${command}`, '/dev/null'], { env, stdio: ['pipe', 'pipe', 'pipe'] });
    let text = '';
    let answered = false;
    child.stdout.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (!answered && text.includes(prompt)) {
        answered = true;
        keystrokes.forEach((keys, i) => setTimeout(() => child.stdin.write(keys), 100 + 200 * i));
      }
    });
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`prompt timed out: ${text}`));
    }, 20_000);
    child.on('close', () => {
      clearTimeout(timer);
      recordCapture(`script ${command}`, text);
      resolve(text);
    });
  });
}
