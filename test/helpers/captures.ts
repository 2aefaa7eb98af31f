// Everything the CLI writes during the suite is appended here, for the end-of-run secret scan.
import { appendFileSync, mkdirSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { CANARIES } from './canaries.ts';

export const CAPTURE_DIR_ENV = 'AOAI_TEST_CAPTURE_DIR';

/** Secrets minted during the run (e.g. tokens from the emulator's identity endpoint). */
export function recordSecret(value: string): void {
  const dir = process.env[CAPTURE_DIR_ENV];
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  appendFileSync(join(dir, 'secrets.list'), `${value}\n`);
}

export function recordCapture(label: string, data: string | Buffer): void {
  const dir = process.env[CAPTURE_DIR_ENV];
  if (!dir || data.length === 0) return;
  mkdirSync(dir, { recursive: true });
  // The label is the command line, which may carry a secret on purpose (-H 'x-mcp-token: …'); only
  // what aoai wrote is under test.
  const safeLabel = CANARIES.reduce((text, secret) => text.split(secret).join('<canary>'), label);
  appendFileSync(join(dir, `captures-${process.pid}.log`), Buffer.concat([Buffer.from(`\n=== ${safeLabel}\n`), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
}

/** The local log's files (log.jsonl, log.1.jsonl), wherever they are under `root`. */
const LOG_FILE = /^log(\.\d+)?\.jsonl$/;

/**
 * Add the log files aoai wrote under `root` (a sandbox's home, a temporary state directory) to the
 * captures, so the end-of-run scan proves no secret was stored there either.
 */
export function captureLogFiles(root: string): void {
  let entries;
  try {
    entries = readdirSync(root, { recursive: true, withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (!entry.isFile() || !LOG_FILE.test(entry.name)) continue;
    const path = `${entry.parentPath}/${entry.name}`;
    try {
      recordCapture(`log file ${path}`, readFileSync(path));
    } catch {
      // Removed meanwhile.
    }
  }
}
