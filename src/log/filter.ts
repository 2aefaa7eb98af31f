// The filters of `aoai log` and `aoai log usage`, applied while reading backwards: records come
// newest first, so --since stops the reading as soon as it has passed the start.
import type { LogRecord } from './record.ts';

export interface RecordFilter {
  since?: Date | undefined;
  /** Deployment name, exactly. */
  model?: string | undefined;
  status?: string | undefined;
  /** Found in the prompt or the output, ignoring case. */
  text?: string | undefined;
  profile?: string | undefined;
}

/**
 * Records end up in the file in the order their commands finished; two processes can write a
 * moment apart in the other order. Reading goes on this far past --since before it stops.
 */
const ORDER_SLACK_MS = 5 * 60 * 1000;

export function* matching(records: Iterable<LogRecord>, filter: RecordFilter): Generator<LogRecord> {
  const since = filter.since?.getTime();
  const text = filter.text?.toLowerCase();
  for (const record of records) {
    const time = Date.parse(record.time);
    if (since !== undefined) {
      if (time < since - ORDER_SLACK_MS) return;
      if (time < since) continue;
    }
    if (filter.profile !== undefined && record.profile !== filter.profile) continue;
    if (filter.model !== undefined && record.deployment !== filter.model) continue;
    if (filter.status !== undefined && record.status !== filter.status) continue;
    if (text !== undefined && !(record.prompt?.toLowerCase().includes(text) || record.output?.toLowerCase().includes(text))) continue;
    yield record;
  }
}
