// After the run: scan every byte the CLI wrote during the suite for the canary secrets.
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CANARIES } from './helpers/canaries.ts';
import { CAPTURE_DIR_ENV } from './helpers/captures.ts';
import { TEST_TOOLS, missingTools } from './helpers/tools.ts';

export default function setup(): () => void {
  const missing = missingTools();
  if (missing.length) {
    const packages = missing.map((name) => TEST_TOOLS[name as keyof typeof TEST_TOOLS]).join(' ');
    throw new Error(`the test suite needs ${missing.join(', ')}: run scripts/install-test-tools.sh (or apt-get install ${packages})`);
  }
  const dir = mkdtempSync(join(tmpdir(), 'aoai-captures-'));
  process.env[CAPTURE_DIR_ENV] = dir;

  return () => {
    const files = readdirSync(dir);
    const secrets = new Set(CANARIES);
    if (files.includes('secrets.list')) {
      for (const line of readFileSync(join(dir, 'secrets.list'), 'utf8').split('\n')) if (line.length >= 8) secrets.add(line);
    }
    let bytes = 0;
    const leaks: string[] = [];
    for (const file of files.filter((f) => f.startsWith('captures-'))) {
      const text = readFileSync(join(dir, file), 'utf8');
      bytes += text.length;
      for (const secret of secrets) if (text.includes(secret)) leaks.push(`${secret.slice(0, 12)}… in ${file}`);
    }
    if (leaks.length) {
      throw new Error(`secret scan: ${leaks.length} leak(s) in captured CLI output (kept in ${dir}): ${leaks.join('; ')}`);
    }
    process.stdout.write(`secret scan: ${secrets.size} secrets, ${bytes} captured bytes, no leaks\n`);
    rmSync(dir, { recursive: true, force: true });
  };
}
