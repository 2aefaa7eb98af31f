// Programs the suite drives besides Node. A missing one fails the test that needs it, loudly, with
// the command that installs it: a check that silently skips on a fresh machine proves nothing.
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const TEST_TOOLS = { tmux: 'tmux', script: 'bsdutils', jq: 'jq', bash: 'bash', unshare: 'util-linux', djpeg: 'libjpeg-turbo-progs', dwebp: 'webp' } as const;

export function findTool(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(':')) if (dir && existsSync(join(dir, name))) return join(dir, name);
  return undefined;
}

export function requiredTool(name: keyof typeof TEST_TOOLS): string {
  const path = findTool(name);
  if (!path) throw new Error(`${name} is not installed; the tests need it: run scripts/install-test-tools.sh (or apt-get install ${TEST_TOOLS[name]})`);
  return path;
}

export function missingTools(): string[] {
  return Object.keys(TEST_TOOLS).filter((name) => !findTool(name));
}
