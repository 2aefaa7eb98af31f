// The chat prompt: node:readline (line editing, history) on the terminal, plus what a chat needs
// on top: entries that span lines (a trailing backslash, or a `"""` block), bracketed paste that
// keeps the pasted newlines in one entry, Ctrl-C that clears the line instead of exiting, and a
// way to hand the terminal back (cooked mode, so Ctrl-C is a signal) while a turn streams.
import { emitKeypressEvents, createInterface, type Interface } from 'node:readline';
import type { IO } from '../io/io.ts';
import { appendHistory, loadHistory } from './history.ts';

export interface LineReaderOptions {
  io: IO;
  prompt: string;
  continuation: string;
  /** Persisted history (one file per profile); undefined keeps it in memory only. */
  historyFile: string | undefined;
  /** Printed when Ctrl-C is pressed at an empty prompt. */
  exitHint: string;
}

const HISTORY_SIZE = 1000;
const BLOCK = '"""';
const PASTE_ON = '\u001b[?2004h';
const PASTE_OFF = '\u001b[?2004l';

export class LineReader {
  private readonly rl: Interface;
  /** Lines of an entry not finished yet, and why it continues. */
  private pending: string[] = [];
  private mode: 'line' | 'backslash' | 'block' | 'paste' = 'line';
  private pasting = false;
  private readonly ready: string[] = [];
  private waiter: ((entry: string | null) => void) | undefined;
  /** A question being asked (an approval, a function's output): its answer goes here. */
  private question: { prompt: string; resolve: (answer: string | null) => void } | undefined;
  private closed = false;
  private suspended = false;

  constructor(private readonly options: LineReaderOptions) {
    const { io } = options;
    // Our keypress listener runs before readline's, so paste state is known when its lines arrive.
    emitKeypressEvents(io.stdin);
    io.stdin.on('keypress', this.onKeypress);
    this.rl = createInterface({
      input: io.stdin,
      output: io.stderr,
      terminal: true,
      history: options.historyFile ? loadHistory(options.historyFile, HISTORY_SIZE) : [],
      historySize: HISTORY_SIZE,
      removeHistoryDuplicates: true,
      prompt: options.prompt,
    });
    this.rl.on('line', (line) => this.onLine(line));
    this.rl.on('SIGINT', () => this.onCtrlC());
    this.rl.on('close', () => {
      this.closed = true;
      this.deliverEnd();
    });
    this.setBracketedPaste(true);
  }

  /** The next entry; null at Ctrl-D (or when the terminal goes away). */
  read(): Promise<string | null> {
    const queued = this.ready.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.waiter = resolve;
      this.showPrompt(false);
    });
  }

  /** Ask one question at the prompt (kept out of the history); null on Ctrl-C or Ctrl-D. */
  ask(prompt: string): Promise<string | null> {
    if (this.closed) return Promise.resolve(null);
    return new Promise((resolve) => {
      this.question = { prompt, resolve };
      this.showPrompt(false);
    });
  }

  /**
   * Hand the terminal back while a turn runs: cooked mode, so Ctrl-C raises SIGINT (which
   * cancels the turn) and typed-ahead text waits in the terminal. Returns the way back.
   */
  suspend(): () => void {
    if (this.closed || this.suspended) return () => undefined;
    this.suspended = true;
    this.rl.pause();
    this.setBracketedPaste(false);
    this.options.io.stdin.setRawMode?.(false);
    return () => {
      if (this.closed) return;
      this.suspended = false;
      this.options.io.stdin.setRawMode?.(true);
      this.setBracketedPaste(true);
    };
  }

  close(): void {
    this.options.io.stdin.off('keypress', this.onKeypress);
    this.setBracketedPaste(false);
    if (!this.closed) this.rl.close();
    this.closed = true;
  }

  private readonly onKeypress = (_text: string | undefined, key: { name?: string } | undefined): void => {
    if (key?.name === 'paste-start') {
      this.pasting = true;
    } else if (key?.name === 'paste-end') {
      this.pasting = false;
      // The pasted lines wait for Enter, so they can be looked over (and the last one edited).
      if (this.mode === 'paste') this.showPrompt(true);
    }
  };

  private onLine(line: string): void {
    // Answers and pasted lines are not worth recalling one by one.
    if (this.question || this.pasting) this.dropFromHistory(line);
    if (this.pasting) {
      // Each pasted newline arrives as Enter: keep it in the entry instead of sending it.
      if (this.mode === 'line') this.mode = 'paste';
      this.pending.push(line);
      this.rl.setPrompt(this.options.continuation);
      this.rl.prompt();
      return;
    }
    switch (this.mode) {
      case 'line':
        if (line.trimStart().startsWith(BLOCK)) {
          const rest = line.trimStart().slice(BLOCK.length);
          if (rest.endsWith(BLOCK)) return this.finish([rest.slice(0, -BLOCK.length)]);
          this.mode = 'block';
          if (rest.trim()) this.pending.push(rest);
          return this.continueEntry();
        }
        if (line.endsWith('\\')) {
          this.mode = 'backslash';
          this.pending.push(line.slice(0, -1));
          return this.continueEntry();
        }
        return this.finish([line]);
      case 'backslash':
        if (line.endsWith('\\')) {
          this.pending.push(line.slice(0, -1));
          return this.continueEntry();
        }
        return this.finish([...this.pending, line]);
      case 'block':
        if (line.trimEnd().endsWith(BLOCK)) {
          const last = line.trimEnd().slice(0, -BLOCK.length);
          return this.finish(last.trim() ? [...this.pending, last] : this.pending);
        }
        this.pending.push(line);
        return this.continueEntry();
      case 'paste':
        // Enter after a paste sends it, with whatever was typed after it.
        return this.finish(line === '' ? this.pending : [...this.pending, line]);
    }
  }

  private continueEntry(): void {
    this.rl.setPrompt(this.options.continuation);
    this.rl.prompt();
  }

  private finish(lines: string[]): void {
    this.pending = [];
    this.mode = 'line';
    const entry = lines.join('\n');
    const question = this.question;
    if (question) {
      this.question = undefined;
      question.resolve(entry);
      return;
    }
    this.saveHistory(lines);
    const waiter = this.waiter;
    this.waiter = undefined;
    if (waiter) waiter(entry);
    else this.ready.push(entry);
  }

  private onCtrlC(): void {
    const { io } = this.options;
    const hadInput = this.rl.line.length > 0 || this.pending.length > 0;
    this.pending = [];
    this.mode = 'line';
    const question = this.question;
    if (question) {
      // Ctrl-C at a question cancels what asked it; the prompt comes back with the next read.
      this.question = undefined;
      this.rl.write(null, { ctrl: true, name: 'e' });
      this.rl.write(null, { ctrl: true, name: 'u' });
      io.err('^C\n');
      question.resolve(null);
      return;
    }
    if (hadInput) {
      // Clear the line, as a shell does, and start over.
      this.rl.write(null, { ctrl: true, name: 'e' });
      this.rl.write(null, { ctrl: true, name: 'u' });
      io.err('^C\n');
    } else {
      io.err(`\n${this.options.exitHint}\n`);
    }
    this.showPrompt(false);
  }

  private showPrompt(preserveCursor: boolean): void {
    if (this.closed) return;
    this.rl.setPrompt(this.mode !== 'line' ? this.options.continuation : this.question ? this.question.prompt : this.options.prompt);
    this.rl.prompt(preserveCursor);
  }

  private deliverEnd(): void {
    const waiter = this.waiter;
    this.waiter = undefined;
    waiter?.(null);
    const question = this.question;
    this.question = undefined;
    question?.resolve(null);
  }

  private dropFromHistory(line: string): void {
    const history = (this.rl as unknown as { history: string[] }).history;
    if (history[0] === line) history.shift();
  }

  /** The lines readline just added to its history, appended to the file at once. */
  private saveHistory(lines: readonly string[]): void {
    if (!this.options.historyFile) return;
    appendHistory(
      this.options.historyFile,
      lines.filter((line) => line.trim() !== ''),
      HISTORY_SIZE,
    );
  }

  private setBracketedPaste(on: boolean): void {
    if (this.options.io.stderrIsTTY) this.options.io.stderr.write(on ? PASTE_ON : PASTE_OFF);
  }
}
