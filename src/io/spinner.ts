// Progress on stderr, only when stderr is a terminal; on a pipe nothing at all is written.
import type { IO } from './io.ts';

export interface Spinner {
  update(text: string): void;
  /** Clear the spinner line. */
  stop(): void;
}

interface OraLike {
  text: string;
  start(): OraLike;
  stop(): OraLike;
  clear(): OraLike;
  render(): OraLike;
}

const active = new Set<OraLike>();

const noop: Spinner = { update() {}, stop() {} };

export async function startSpinner(io: IO, text: string): Promise<Spinner> {
  // A terminal that reports no width (some pseudo-terminals in CI) makes ora erase lines forever.
  if (!io.stderrIsTTY || io.env.CI || !(io.stderr as { columns?: number }).columns) return noop;
  const { default: ora } = await import('ora');
  // Without colour on stderr the spinner has none either (ora's `false`; 'white' would still write escape codes).
  const color = io.colorStderr ? 'cyan' : false;
  const spinner = ora({ text, stream: io.stderr as NodeJS.WritableStream, color, isEnabled: true, discardStdin: false }) as unknown as OraLike;
  spinner.start();
  active.add(spinner);
  return {
    update(next) {
      spinner.text = next;
    },
    stop() {
      spinner.stop();
      active.delete(spinner);
    },
  };
}

/** Clear any spinner and restore the cursor (before an error line, or on Ctrl-C). */
export function stopAllSpinners(): void {
  for (const spinner of active) spinner.stop();
  active.clear();
}

/** Write a notice line on stderr without garbling a running spinner: clear it, write, redraw. */
export function writeAboveSpinners(io: IO, text: string): void {
  for (const spinner of active) spinner.clear();
  io.err(text);
  for (const spinner of active) spinner.render();
}
