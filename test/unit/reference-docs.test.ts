import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { renderCommandDocs } from '../../src/cli/reference-docs.ts';
import { REPO_ROOT } from '../helpers/cli.ts';

describe('docs/commands', () => {
  it('matches what the command definitions produce (run `npm run docs` after changing a command)', () => {
    const pages = renderCommandDocs();
    const dir = join(REPO_ROOT, 'docs', 'commands');
    const committed = existsSync(dir) ? readdirSync(dir).sort() : [];
    expect(committed).toEqual([...pages.keys()].sort());
    for (const [file, text] of pages) expect(readFileSync(join(dir, file), 'utf8'), file).toBe(text);
  });
});
