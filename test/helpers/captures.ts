// Everything the CLI writes during the suite is appended here, for the end-of-run secret scan.
import { appendFileSync, mkdirSync } from 'node:fs';
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
