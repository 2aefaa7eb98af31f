// Answer an interactive prompt on a real terminal: `script` gives the command a pty; once `prompt`
// shows, each keystroke is typed in turn (after the prompt has put the terminal in raw mode).
import { spawn } from 'node:child_process';
import { recordCapture } from './captures.ts';

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
