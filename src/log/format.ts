// How records print: list rows (aligned on a terminal, tab-separated on a pipe), one record in
// full, and the usage table. Pure. Every value came from the service, the model or the user, so
// each is escaped (tableField on rows, neutralise in the full view on a terminal).
import { neutralise, tableField } from '../render/terminal-text.ts';
import type { LogRecord, LogUsage } from './record.ts';

/** `45s`, `12m`, `5h`, `3d`, `6w`, `2y`: how long ago, in the largest unit that keeps it short. */
export function ageOf(time: string, now: number): string {
  const seconds = Math.max(0, Math.round((now - Date.parse(time)) / 1000));
  if (!Number.isFinite(seconds)) return '?';
  if (seconds < 60) return `${seconds}s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)}m`;
  if (seconds < 48 * 3600) return `${Math.floor(seconds / 3600)}h`;
  if (seconds < 14 * 86400) return `${Math.floor(seconds / 86400)}d`;
  if (seconds < 365 * 86400) return `${Math.floor(seconds / (7 * 86400))}w`;
  return `${Math.floor(seconds / (365 * 86400))}y`;
}

export function firstLineOf(text: string | undefined): string {
  if (!text) return '';
  return text.trimStart().split('\n', 1)[0]!.trimEnd();
}

/** A pipe row: id, time, profile, deployment, status, total tokens, exit, first line of the prompt. */
export function pipeRow(record: LogRecord): string {
  return [record.id ?? '-', record.time, record.profile, record.deployment ?? '-', record.status, String(record.usage?.total_tokens ?? ''), String(record.exit), firstLineOf(record.prompt)]
    .map((field) => tableField(field))
    .join('\t');
}

export interface TerminalTable {
  /** Width of a string in terminal columns, and a cut to a width (render/columns.ts). */
  width(text: string): number;
  cut(text: string, max: number): string;
  columns: number;
}

/** Narrower than this, the prompt column is left out rather than shown as a few letters. */
const MIN_PROMPT_COLUMNS = 8;

/** Aligned rows for a terminal, with a header: id, age, deployment, status, tokens, prompt. */
export function terminalRows(records: readonly LogRecord[], now: number, table: TerminalTable): string[] {
  const header = ['ID', 'AGE', 'DEPLOYMENT', 'STATUS', 'TOKENS', 'PROMPT'];
  const rows = records.map((record) => [
    record.id ?? '-',
    ageOf(record.time, now),
    record.deployment ?? '-',
    record.exit === 0 || record.status !== 'completed' ? record.status : `${record.status} (exit ${record.exit})`,
    record.usage ? String(record.usage.total_tokens) : '-',
    firstLineOf(record.prompt),
  ].map((field) => tableField(field)));
  const widths = header.slice(0, -1).map((title, i) => Math.max(table.width(title), ...rows.map((row) => table.width(row[i]!))));
  const line = (fields: string[]) => {
    const left = fields.slice(0, -1).map((field, i) => (i === 4 ? field.padStart(widths[i]!) : field + ' '.repeat(widths[i]! - table.width(field)))).join('  ');
    // The prompt takes what is left of the line; ids are never cut (they are there to be copied).
    const room = table.columns - table.width(left) - 2;
    return room < MIN_PROMPT_COLUMNS ? left.trimEnd() : `${left}  ${table.cut(fields.at(-1)!, room)}`.trimEnd();
  };
  return [line(header), ...rows.map(line)];
}

/** One record in full, for `aoai log show`. */
export function recordDetails(record: LogRecord, now: number): string {
  const shown = (value: string) => neutralise(value);
  const lines = [
    `id:          ${shown(record.id ?? '- (the request failed before a response existed)')}`,
    `time:        ${shown(record.time)} (${ageOf(record.time, now)} ago)`,
    `command:     aoai ${shown(record.command)}`,
    `profile:     ${shown(record.profile)}`,
    `endpoint:    ${shown(record.endpoint ?? '-')}`,
    `deployment:  ${shown(record.deployment ?? '-')}`,
    `status:      ${shown(record.status)} (exit ${record.exit})`,
  ];
  if (record.previous_response_id) lines.push(`previous:    ${shown(record.previous_response_id)}`);
  if (!record.stored) lines.push('stored:      no (--no-store: the service kept nothing)');
  lines.push(`usage:       ${usageText(record.usage)}`);
  if (record.requests !== undefined) lines.push(`requests:    ${record.requests}`);
  for (const file of record.files ?? []) lines.push(`saved:       ${shown(file)}`);
  if (record.error) lines.push(`error:       ${shown(record.error)}`);
  let text = `${lines.join('\n')}\n`;
  const cut = (field: 'prompt' | 'output') => (record.truncated?.includes(field) ? ' (cut to its first 8 KB)' : '');
  if (record.prompt !== undefined) text += `\nprompt${cut('prompt')}:\n${withNewline(shown(record.prompt))}`;
  if (record.output !== undefined) text += `\noutput${cut('output')}:\n${withNewline(shown(record.output))}`;
  if (record.prompt === undefined && record.output === undefined && record.id) text += '\n(no prompt or output: the log was ids-only)\n';
  return text;
}

export function usageText(usage: LogUsage | null | undefined): string {
  if (!usage) return 'none reported';
  const details = [usage.reasoning_tokens ? `reasoning ${usage.reasoning_tokens}` : '', usage.cached_tokens ? `cached ${usage.cached_tokens}` : ''].filter(Boolean).join(', ');
  return `input ${usage.input_tokens} · output ${usage.output_tokens}${details ? ` (${details})` : ''} · total ${usage.total_tokens} tokens`;
}

function withNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}

/** Tokens of one deployment on one day. */
export interface UsageRow {
  day: string;
  deployment: string;
  responses: number;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  cached_tokens: number;
  total_tokens: number;
}

/** The local calendar day of an ISO time: YYYY-MM-DD. */
export function localDay(time: string): string {
  const date = new Date(time);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}

/** Sum usage by day and deployment, newest day first, deployments by name. */
export function usageRows(records: Iterable<LogRecord>): UsageRow[] {
  const rows = new Map<string, UsageRow>();
  for (const record of records) {
    const day = localDay(record.time);
    const deployment = record.deployment ?? '-';
    const key = `${day}\u0000${deployment}`;
    let row = rows.get(key);
    if (!row) {
      row = { day, deployment, responses: 0, input_tokens: 0, output_tokens: 0, reasoning_tokens: 0, cached_tokens: 0, total_tokens: 0 };
      rows.set(key, row);
    }
    row.responses += record.requests ?? (record.id ? 1 : 0);
    const usage = record.usage;
    if (!usage) continue;
    row.input_tokens += usage.input_tokens;
    row.output_tokens += usage.output_tokens;
    row.reasoning_tokens += usage.reasoning_tokens ?? 0;
    row.cached_tokens += usage.cached_tokens ?? 0;
    row.total_tokens += usage.total_tokens;
  }
  return [...rows.values()].sort((a, b) => (a.day === b.day ? a.deployment.localeCompare(b.deployment) : a.day < b.day ? 1 : -1));
}

const USAGE_COLUMNS = ['responses', 'input_tokens', 'output_tokens', 'reasoning_tokens', 'cached_tokens', 'total_tokens'] as const;

/** The usage table: tab-separated on a pipe; aligned, with a header and a total line, on a terminal. */
export function usageTable(rows: readonly UsageRow[], tty: boolean): string[] {
  if (!tty) return rows.map((row) => [row.day, tableField(row.deployment), ...USAGE_COLUMNS.map((column) => String(row[column]))].join('\t'));
  const total: UsageRow = { day: 'total', deployment: '', responses: 0, input_tokens: 0, output_tokens: 0, reasoning_tokens: 0, cached_tokens: 0, total_tokens: 0 };
  for (const row of rows) for (const column of USAGE_COLUMNS) total[column] += row[column];
  const header = ['DAY', 'DEPLOYMENT', 'RESPONSES', 'INPUT', 'OUTPUT', 'REASONING', 'CACHED', 'TOTAL'];
  const body = [...rows, ...(rows.length > 1 ? [total] : [])].map((row) => [row.day, tableField(row.deployment), ...USAGE_COLUMNS.map((column) => row[column].toLocaleString('en-US'))]);
  const widths = header.map((title, i) => Math.max(title.length, ...body.map((fields) => fields[i]!.length)));
  const line = (fields: string[]) => fields.map((field, i) => (i < 2 ? field.padEnd(widths[i]!) : field.padStart(widths[i]!))).join('  ').trimEnd();
  return [line(header), ...body.map(line)];
}
