// What the running command has sent and received, noted by the request runners as it happens and
// written as one log record when the command (or a chat turn) ends, with its exit code. Holds
// references only: no work is done here until the record is written (log/write.ts).
import type { Response as ApiResponse, ResponseInputItem } from 'openai/resources/responses/responses';

/** The parts of a request body the record keeps. */
export interface NotedRequest {
  model?: string | null | undefined;
  input?: string | ResponseInputItem[] | null | undefined;
  previous_response_id?: string | null | undefined;
  store?: boolean | null | undefined;
}

/** A response as far as it got: the final object, or just an id and status from a stream cut short. */
export interface NotedResponse {
  id: string | undefined;
  status: string | undefined;
  final: Pick<ApiResponse, 'id' | 'status' | 'output' | 'usage' | 'model'> | undefined;
}

export interface PendingEntry {
  request: NotedRequest;
  /** Every response of the command by id (a tool loop makes several), in order; the last is the record's. */
  responses: Map<string, NotedResponse>;
  /** The last response when it had no id yet. */
  last: NotedResponse | undefined;
  files: string[];
}

export class CommandLog {
  private entry: PendingEntry | undefined;

  /** A request is about to be sent. The first one of an entry says what was asked and continued. */
  sent(request: NotedRequest): void {
    this.entry ??= { request, responses: new Map(), last: undefined, files: [] };
  }

  /** A response arrived, or got as far as it did. The same id again (polled, resumed) replaces it. */
  received(response: NotedResponse): void {
    if (!this.entry) return;
    this.entry.last = response;
    if (response.id) {
      this.entry.responses.delete(response.id);
      this.entry.responses.set(response.id, response);
    }
  }

  /** A whole response arrived (created, or polled to its end). */
  responded(response: NonNullable<NotedResponse['final']>): void {
    this.received({ id: response.id, status: response.status, final: response });
  }

  /** Files the command saved for this entry (image paths). */
  saved(paths: readonly string[]): void {
    this.entry?.files.push(...paths);
  }

  get pending(): boolean {
    return this.entry !== undefined;
  }

  /** The entry to write, and a fresh start for the next one (chat writes one per turn). */
  take(): PendingEntry | undefined {
    const entry = this.entry;
    this.entry = undefined;
    return entry;
  }
}
