// Everything the CLI writes during the suite is appended here, for the end-of-run secret scan.
import { appendFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';

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
  appendFileSync(join(dir, `captures-${process.pid}.log`), Buffer.concat([Buffer.from(`\n=== ${label}\n`), Buffer.isBuffer(data) ? data : Buffer.from(data)]));
}
