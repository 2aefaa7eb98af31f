// Commands that act on several ids (`aoai delete a b c`, `aoai files delete …`) carry on past a
// failure, report each on stderr, and exit with the first failure's code, as `rm a b c` does.
import { CliError, formatCliError } from '../core/errors.ts';
import type { Factory } from '../core/factory.ts';

/** Runs `action` for each id; a single id's failure is thrown as is. */
export async function forEachId({ io, requests }: Pick<Factory, 'io' | 'requests'>, ids: readonly string[], action: (id: string) => Promise<void>, failed: string): Promise<void> {
  const { fromSdkError } = await import('../core/api-errors.ts');
  let firstFailure: CliError | undefined;
  for (const id of ids) {
    try {
      await action(id);
    } catch (error) {
      const mapped = error instanceof CliError ? error : fromSdkError(error, requests);
      if (!mapped) throw error;
      if (ids.length === 1) throw mapped;
      firstFailure ??= mapped;
      io.err(formatCliError(new CliError(`${id}: ${mapped.message}`, mapped.exitCode, mapped.hint)));
    }
  }
  if (firstFailure) throw new CliError(failed, firstFailure.exitCode);
}
