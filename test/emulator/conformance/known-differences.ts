// The emulator's known, deliberate differences from the OpenAPI spec and from the recorded
// streams, read from the one place they are listed: the "Known differences" table in
// docs/emulator.md (columns: kind | subject | difference | why).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../helpers/cli.ts';

export interface KnownDifference {
  /**
   * `spec` (the spec is wrong about the wire: a patch the conformance test applies), `recording` (a
   * recorded stream differs: the recordings test allows it), or `emulator` (what the emulator does
   * instead of something it cannot do offline; documentation only).
   */
  kind: 'spec' | 'recording' | 'emulator';
  /** What the tests match: a schema name, or `recording-file: event-type field` for recordings. */
  subject: string;
  difference: string;
}

export function knownDifferences(): KnownDifference[] {
  const text = readFileSync(join(REPO_ROOT, 'docs', 'emulator.md'), 'utf8');
  const section = text.split(/^## Known differences$/m)[1]?.split(/^## /m)[0];
  if (!section) throw new Error('docs/emulator.md has no "## Known differences" section');
  const rows: KnownDifference[] = [];
  for (const line of section.split('\n')) {
    const cells = line.split('|').slice(1, -1).map((cell) => cell.trim());
    if (cells.length < 4 || cells[0] === 'kind' || /^-+$/.test(cells[0]!)) continue;
    const kind = cells[0] as KnownDifference['kind'];
    if (kind !== 'spec' && kind !== 'recording' && kind !== 'emulator') throw new Error(`docs/emulator.md known differences: unknown kind '${cells[0]}'`);
    rows.push({ kind, subject: cells[1]!.replace(/`/g, ''), difference: cells[2]! });
  }
  return rows;
}
