// One line per item for `aoai items`: id, type, role or status, and a preview of the content.
// On a pipe the columns are tab-separated and the preview is not truncated, so scripts can cut.
import type { ResponseItem } from 'openai/resources/responses/responses';
import { columnWidth, truncateToColumns } from './columns.ts';
import { neutralise, tableField } from './terminal-text.ts';

export function itemPreview(item: ResponseItem): string {
  const anyItem = item as unknown as Record<string, unknown>;
  switch (item.type) {
    case 'message': {
      const content = (anyItem.content ?? []) as Array<Record<string, unknown>>;
      return content
        .map((part) => {
          if (typeof part.text === 'string') return part.text;
          if (part.type === 'refusal') return `[refusal] ${String(part.refusal)}`;
          if (part.type === 'input_image') return '[image]';
          if (part.type === 'input_file') return `[file ${String(part.filename ?? part.file_id ?? '')}]`;
          return `[${String(part.type)}]`;
        })
        .join(' ');
    }
    case 'function_call':
      return `${String(anyItem.name)}(${String(anyItem.arguments)})`;
    case 'function_call_output':
      return typeof anyItem.output === 'string' ? anyItem.output : JSON.stringify(anyItem.output);
    default:
      return '';
  }
}

/**
 * One item as a row. On a pipe: tab-separated fields, each escaped (tab, newline, backslash,
 * controls) so a preview can never forge a row; on a terminal: aligned and cut to the width, with
 * control characters shown, never obeyed.
 */
export function formatItemRow(item: ResponseItem, options: { tty: boolean; width: number }): string {
  const anyItem = item as unknown as Record<string, unknown>;
  const role = typeof anyItem.role === 'string' ? anyItem.role : typeof anyItem.status === 'string' ? anyItem.status : '';
  const id = String(anyItem.id ?? '');
  const type = String(item.type);
  if (!options.tty) return [id, type, role, itemPreview(item).replace(/\s+/g, ' ').trim()].map(tableField).join('\t');
  const preview = neutralise(itemPreview(item).replace(/\s+/g, ' ').trim());
  const head = `${neutralise(id)}  ${neutralise(type).padEnd(20)} ${neutralise(role).padEnd(9)} `;
  // Columns, not UTF-16 units: a Japanese preview is twice as wide as its length.
  const room = Math.max(10, options.width - columnWidth(head));
  return head + truncateToColumns(preview, room);
}
