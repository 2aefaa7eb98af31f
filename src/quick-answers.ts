// `aoai --version` and `aoai [COMMAND…] --help`, answered before the CLI loads. Scripts probe the
// version and people read help all the time; both should cost about what starting Node costs, not
// what loading commander and declaring every command costs. The build writes every command's help
// text, byte for byte as commander prints it, for the terminal widths most runs see (dist/help/80.json
// for pipes and 80-column terminals, 100.json for wider ones: help is capped at 100 columns).
// Anything not matched exactly here (another width, extra flags, a typo) goes to the full CLI,
// which prints the same text the slow way. Built on its own as dist/quick.cjs, CommonJS, so
// bin/aoai can answer without starting Node's ES module loader.
import { readFileSync, writeSync } from 'node:fs';
import { isatty } from 'node:tty';
import { VERSION } from './core/version.ts';

const HELP_FLAGS = new Set(['--help', '-h']);
const VERSION_FLAGS = new Set(['--version', '-V']);

/** The text to print for `args`, or undefined when the full CLI must answer. */
export function quickAnswer(args: readonly string[], distDir: string, columns: number): string | undefined {
  if (args.length === 1 && VERSION_FLAGS.has(args[0]!)) return `${VERSION}\n`;
  if (args.length === 0 || !HELP_FLAGS.has(args.at(-1)!)) return undefined;
  const path = args.slice(0, -1);
  if (!path.every((name) => /^[a-z_][a-z0-9_-]*$/.test(name))) return undefined;
  let table: HelpTable;
  try {
    table = JSON.parse(readFileSync(`${distDir}/help/${Math.min(columns, 100)}.json`, 'utf8')) as HelpTable;
  } catch {
    return undefined; // No table for this width: the CLI wraps the help itself.
  }
  const key = path.join(' ');
  return Object.hasOwn(table.texts, key) ? table.texts[key]!.map((index) => table.sections[index]).join('\n\n') : undefined;
}

/**
 * One width's help texts. Commands share whole paragraphs (the global options, the footer), so
 * each text is stored as indexes into a list of distinct paragraphs, which halves the file.
 */
export interface HelpTable {
  sections: string[];
  /** Command path after `aoai` ('' for aoai itself, 'files upload'…) → paragraph indexes. */
  texts: Record<string, number[]>;
}

/** Builds the table from full texts; splitting on blank lines and joining them back is lossless. */
export function helpTable(texts: Record<string, string>): HelpTable {
  const sections: string[] = [];
  const indexOf = new Map<string, number>();
  const table: HelpTable = { sections, texts: {} };
  for (const [key, text] of Object.entries(texts)) {
    table.texts[key] = text.split('\n\n').map((section) => {
      if (!indexOf.has(section)) indexOf.set(section, sections.push(section) - 1);
      return indexOf.get(section)!;
    });
  }
  return table;
}

/** The width the CLI formats help for (src/io/io.ts: stderr's columns, else stdout's, else 80). */
function terminalColumns(): number {
  // Only touch process.stderr/stdout (which builds the stream objects) when one is a terminal.
  return (isatty(2) && process.stderr.columns) || (isatty(1) && process.stdout.columns) || 80;
}

/** Prints the quick answer for `args` and returns true, or returns false for the full CLI to run. */
export function answerQuickly(args: readonly string[], distDir: string): boolean {
  const text = quickAnswer(args, distDir, terminalColumns());
  if (text === undefined) return false;
  writeStdout(Buffer.from(text));
  return true;
}

function writeStdout(bytes: Buffer): void {
  let written = 0;
  try {
    while (written < bytes.length) written += writeSync(1, bytes, written);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    // `aoai --help | head -1`: the reader left; exit quietly, as the CLI does.
    if (code === 'EPIPE') return;
    // A non-blocking stdout that is full: let the stream wait for it.
    if (code === 'EAGAIN') process.stdout.write(bytes.subarray(written));
    else throw error;
  }
}
