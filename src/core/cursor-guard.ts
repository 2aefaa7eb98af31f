// Pagers follow the cursor the service hands back. A server that hands back one it gave before
// would keep aoai fetching the same pages forever (and, for `items --all --json`, collecting them
// in memory): the second time a cursor comes round, listing stops with an error.
import { ApiError, truncate } from './errors.ts';

export class CursorGuard {
  private readonly seen = new Set<string>();
  private pages = 0;

  /** `what` names the list in the message ("the items of resp_…"); `start` is a cursor the user gave. */
  constructor(
    private readonly what: string,
    start?: string,
  ) {
    if (start !== undefined) this.seen.add(start);
  }

  /** Record a page and the cursor that fetches the next one; throws when that cursor came before. */
  follow(cursor: string): void {
    this.pages++;
    if (this.seen.has(cursor)) {
      throw new ApiError(`the service sent the cursor ${JSON.stringify(truncate(cursor, 80))} again after ${this.pages} page${this.pages === 1 ? '' : 's'} of ${this.what}; stopped listing (it would loop forever)`, {
        hint: 'the list may have changed while it was read, or the service is misbehaving; try again without --all to see one page',
      });
    }
    this.seen.add(cursor);
  }
}
