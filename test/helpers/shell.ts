// Run a shell script as a reader would type it (doc examples, `aoai emulate &` recipes), with
// output captured for the secret scan.
import { spawn } from 'node:child_process';
import { recordCapture } from './captures.ts';

export interface ScriptResult {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runScript(shell: 'sh' | 'bash', script: string, options: { env: Record<string, string>; cwd: string; timeoutMs?: number }): Promise<ScriptResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(shell, ['-c', script], { cwd: options.cwd, env: options.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      recordCapture(`${shell} -c ${script} (stdout)`, stdout);
      recordCapture(`${shell} -c ${script} (stderr)`, stderr);
      resolve({ code, stdout, stderr });
    });
  });
}
