// Ctrl-C: the innermost running operation may claim it (to print a resume hint, cancel a job,
// or cancel only the current chat turn); otherwise aoai cleans up and exits 130.
// SIGTERM and SIGHUP clean up the same way (spinner, temporary files) and exit 143 and 129; only
// a long-running server waiting in untilStopped() turns SIGTERM into a clean stop.
import { removePendingTemporaryFiles } from '../core/atomic-write.ts';
import { ExitCode } from '../core/errors.ts';
import { exitImmediately, exitProcess, onInterrupt, onTermination, type IO } from './io.ts';
import { stopAllSpinners } from './spinner.ts';

type Handler = () => void;

class Interrupts {
  private handlers: Handler[] = [];
  private stopHandlers: Handler[] = [];
  private exitHooks: Array<(code: number) => void> = [];
  private installed = false;

  install(io: IO): void {
    if (this.installed) return;
    this.installed = true;
    onInterrupt(() => {
      const handler = this.handlers.at(-1);
      if (handler) {
        handler();
        return;
      }
      stopAllSpinners();
      removePendingTemporaryFiles();
      this.runExitHooks(ExitCode.Interrupted);
      io.err('\n');
      void exitProcess(ExitCode.Interrupted);
    });
    onTermination((signal) => {
      const stop = this.stopHandlers.at(-1);
      if (stop && signal === 'SIGTERM') {
        stop();
        return;
      }
      stopAllSpinners();
      removePendingTemporaryFiles();
      this.runExitHooks(signal === 'SIGHUP' ? ExitCode.HungUp : ExitCode.Terminated);
      // After a hang-up the terminal is gone: do not wait for output nobody can read.
      if (signal === 'SIGHUP') exitImmediately(ExitCode.HungUp);
      void exitProcess(ExitCode.Terminated);
    });
  }

  /** Resolves on Ctrl-C or SIGTERM: how a long-running server (aoai emulate) waits to stop. */
  untilStopped(): Promise<void> {
    return new Promise((resolve) => {
      const stop = () => {
        release();
        this.stopHandlers = this.stopHandlers.filter((handler) => handler !== stop);
        resolve();
      };
      const release = this.push(stop);
      this.stopHandlers.push(stop);
    });
  }

  /**
   * Run `hook` (synchronously, with the exit code) when a signal ends the process without the
   * command's own error path: the local log's record of a command cut short by Ctrl-C or SIGTERM.
   */
  onExit(hook: (code: number) => void): void {
    this.exitHooks.push(hook);
  }

  private runExitHooks(code: number): void {
    for (const hook of this.exitHooks.splice(0)) {
      try {
        hook(code);
      } catch {
        // Best effort: the process is ending either way.
      }
    }
  }

  /** Claim Ctrl-C until the returned function is called. */
  push(handler: Handler): () => void {
    this.handlers.push(handler);
    return () => {
      const index = this.handlers.lastIndexOf(handler);
      if (index >= 0) this.handlers.splice(index, 1);
    };
  }
}

export const interrupts = new Interrupts();
