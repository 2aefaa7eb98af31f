// Temporary directories for tests. Each one is registered and removed when its test file ends
// (test/setup.ts), so no test can leave /tmp/aoai-* behind by forgetting to clean up.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { captureLogFiles } from './captures.ts';

const created = new Set<string>();

export function tempDir(prefix = 'aoai-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.add(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of created) {
    captureLogFiles(dir);
    rmSync(dir, { recursive: true, force: true });
  }
  created.clear();
}
