// Ctrl-C: the innermost running operation may claim it (to print a resume hint, cancel a job,
// or cancel only the current chat turn); otherwise aoai cleans up and exits 130.
import { removePendingTemporaryFiles } from '../core/atomic-write.ts';
import { ExitCode } from '../core/errors.ts';
import { exitProcess, onInterrupt, type IO } from './io.ts';
import { stopAllSpinners } from './spinner.ts';

type Handler = () => void;

class Interrupts {
  private handlers: Handler[] = [];
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
      io.err('\n');
      void io.flush().then(() => exitProcess(ExitCode.Interrupted));
    });
  }

  /** Resolves on Ctrl-C or SIGTERM: how a long-running server (aoai emulate) waits to stop. */
  untilStopped(): Promise<void> {
    return new Promise((resolve) => {
      const stop = () => {
        release();
        process.off('SIGTERM', stop);
        resolve();
      };
      const release = this.push(stop);
      process.once('SIGTERM', stop);
    });
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
