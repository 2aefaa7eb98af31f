// -c/--continue: which response to continue (previous_response_id), found in the local log. The
// latest of this profile by default, the Nth latest with a number, or a given id. A --no-store
// response cannot be continued (the service kept nothing to continue from), so it is skipped.
import { configSetCommand, notInherited } from '../cli/follow-up.ts';
import { UsageError, truncate } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';
import { isId } from '../core/ids.ts';
import { neutralise } from '../render/terminal-text.ts';
import { logFiles, recordsNewestFirst } from './file.ts';
import { ageOf, firstLineOf } from './format.ts';
import type { ContinueRef } from './continue-ref.ts';
import { profileLogMode } from './write.ts';

/** What to continue: the response id, and the deployment it used (the default for the next turn). */
export interface Continuation {
  id: string;
  deployment: string | undefined;
}

/** The response to continue from. Usage errors say why there is none. */
export function resolveContinue(f: Factory, ref: ContinueRef): Continuation {
  const profile = f.profileName;
  if (profileLogMode(f) === 'off') {
    if (f.io.env.AOAI_LOG === 'off') throw new UsageError('--continue reads the local log, which AOAI_LOG=off turns off', 'unset AOAI_LOG, or name the response with --previous resp_…');
    throw new UsageError(`--continue reads the local log, which is off for profile '${profile}'`, `name the response with --previous resp_…, or turn the log on: ${configSetCommand(profile, 'log', 'ids-only')}${notInherited(profile)}`);
  }
  const files = logFiles(f.paths.state);
  if ('id' in ref) {
    for (const record of recordsNewestFirst(files)) {
      if (record.id !== ref.id) continue;
      if (!record.stored) throw notStored(ref.id);
      return { id: ref.id, deployment: record.deployment ?? undefined };
    }
    return { id: ref.id, deployment: undefined };
  }
  let seen = 0;
  let skipped = 0;
  for (const record of recordsNewestFirst(files)) {
    // Only an id of the service's shape goes into a request (the log is a file anyone could edit).
    if (record.profile !== profile || !isId('response', record.id)) continue;
    if (!record.stored) {
      skipped++;
      continue;
    }
    if (++seen < ref.latest) continue;
    if (f.io.stderrIsTTY) f.io.err(`continuing ${record.id} (${ageOf(record.time, Date.now())} ago${record.prompt ? `: ${neutralise(truncate(firstLineOf(record.prompt), 60))}` : ''})\n`);
    return { id: record.id, deployment: record.deployment ?? undefined };
  }
  const which = ref.latest === 1 ? 'no response' : `fewer than ${ref.latest} responses`;
  const skippedNote = skipped ? ` (${skipped} made with --no-store skipped: the service kept nothing to continue from)` : '';
  throw new UsageError(`--continue: ${which} to continue in the log of profile '${profile}'${skippedNote}`, 'aoai log lists what the log holds');
}

function notStored(id: string): UsageError {
  return new UsageError(`${id} was created with --no-store, so the service kept nothing to continue from`, 'send the earlier turns yourself with --conversation FILE, or start again');
}
