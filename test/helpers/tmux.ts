// Drive an interactive command in a real pseudo-terminal: a tmux server per test file (its own
// socket, in a temporary directory), one session per run. Keys go in with send-keys, the screen comes back with
// capture-pane, and waits poll the screen against a deadline instead of sleeping.
import { execFileSync } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { recordCapture } from './captures.ts';
import { BIN, REPO_ROOT } from './cli.ts';
import { tempDir } from './temp.ts';

export interface PaneOptions {
  env: Record<string, string>;
  width?: number;
  height?: number;
  cwd?: string;
}

export class TmuxServer {
  private readonly dir = tempDir('aoai-tmux-');
  private readonly config = join(this.dir, 'tmux.conf');
  /** The server's own socket, in the temporary directory, so nothing is left behind. */
  private readonly socket = join(this.dir, 'socket');
  private sessions = 0;

  constructor() {
    // Keep a pane after its command exits, so its exit status and last screen can be read.
    writeFileSync(this.config, ['set -g remain-on-exit on', 'set -g history-limit 20000', 'set -g status off', ''].join('\n'));
  }

  tmux(args: string[]): string {
    // stderr is kept (it is in the error thrown) rather than printed into the test output.
    return execFileSync('tmux', ['-S', this.socket, '-f', this.config, ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  }

  /** Start `aoai ARGS` in a new session with exactly this environment. */
  aoai(args: string[], options: PaneOptions): Pane {
    const name = `s${++this.sessions}`;
    const env = { ...options.env, TERM: 'xterm-256color' };
    // The exit status is printed by a wrapping shell: tmux 3.3 sometimes marks a pane dead
    // without reaping its process, so #{pane_dead_status} cannot be relied on. The shell traps
    // SIGINT (as an interactive shell would), so Ctrl-C reaches only aoai; exec resets the trap.
    const command = ['sh', '-c', 'trap : INT; "$@"; echo "[exit $?]"', 'sh', 'env', '-i', ...Object.entries(env).map(([k, v]) => `${k}=${v}`), BIN, ...args];
    this.tmux(['new-session', '-d', '-s', name, '-x', String(options.width ?? 120), '-y', String(options.height ?? 40), '-c', options.cwd ?? REPO_ROOT, ...command]);
    return new Pane(this, name, `aoai ${args.join(' ')}`);
  }

  kill(): void {
    try {
      this.tmux(['kill-server']);
    } catch {
      // Already gone.
    }
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export class Pane {
  constructor(
    private readonly server: TmuxServer,
    readonly name: string,
    private readonly label: string,
  ) {}

  /** Type text exactly (as bytes, so no character is taken for a tmux key name or separator). */
  type(text: string): void {
    const bytes = [...Buffer.from(text, 'utf8')].map((b) => b.toString(16).padStart(2, '0'));
    this.server.tmux(['send-keys', '-t', this.name, '-H', ...bytes]);
  }

  /** Key names as tmux knows them: Enter, C-c, C-d, Up… */
  press(...keys: string[]): void {
    this.server.tmux(['send-keys', '-t', this.name, ...keys]);
  }

  /** Type a line and press Enter. */
  line(text: string): void {
    this.type(text);
    this.press('Enter');
  }

  /** Paste as a terminal does: bracketed when the program asked for it. */
  paste(text: string): void {
    this.server.tmux(['set-buffer', '-b', this.name, '--', text]);
    this.server.tmux(['paste-buffer', '-p', '-d', '-b', this.name, '-t', this.name]);
  }

  /** Everything on screen and in the scrollback; wrapped lines joined. With escapes: colours kept. */
  screen(options: { escapes?: boolean } = {}): string {
    return this.server.tmux(['capture-pane', '-p', '-J', '-S', '-', ...(options.escapes ? ['-e'] : []), '-t', this.name]).replace(/\n+$/, '\n');
  }

  /** Poll the screen until it matches; fails with the screen when the deadline passes. */
  async waitFor(pattern: RegExp | string | ((screen: string) => boolean), timeoutMs = 20_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    const matches = typeof pattern === 'string' ? (s: string) => s.includes(pattern) : pattern instanceof RegExp ? (s: string) => pattern.test(s) : pattern;
    for (;;) {
      const screen = this.screen();
      if (matches(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(pattern)}; screen:\n${screen}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** Wait until a pattern has appeared `count` times (the Nth reply, the Nth prompt). */
  waitForCount(pattern: RegExp, count: number, timeoutMs = 20_000): Promise<string> {
    const global = new RegExp(pattern.source, pattern.flags.includes('g') ? pattern.flags : `${pattern.flags}g`);
    return this.waitFor((screen) => (screen.match(global)?.length ?? 0) >= count, timeoutMs);
  }

  /** The exit status once the command has ended. */
  async exitCode(timeoutMs = 20_000): Promise<number> {
    const screen = await this.waitFor(/^\[exit \d+\]$/m, timeoutMs);
    return Number(/^\[exit (\d+)\]$/m.exec(screen)![1]);
  }

  /** Record the screen for the suite's secret scan and end the session. */
  close(): void {
    try {
      recordCapture(`${this.label} (tmux screen)`, this.screen({ escapes: true }));
      this.server.tmux(['kill-session', '-t', this.name]);
    } catch {
      // The server may already be gone.
    }
  }
}
