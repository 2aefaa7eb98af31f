// Tool items → text. Pure: function calls as lines a script can act on (stdout), and MCP and
// code-interpreter activity as readable blocks for a person (stderr).
import { extname } from 'node:path';
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { oneLine, truncate } from '../core/errors.ts';
import { plainFollowUp, type FollowUp } from '../cli/follow-up.ts';
import { serviceId } from '../core/ids.ts';
import { safeFileName } from '../core/safe-file-name.ts';
import { compactJson } from './json.ts';
import type { Style } from './style.ts';
import { neutralise, tableField, terminalJson } from './terminal-text.ts';

export { compactJson, truncate };

type Item = Record<string, unknown>;

export interface FunctionCallLike {
  type: 'function_call';
  call_id: string;
  name: string;
  arguments: string;
}

/** Function calls of a response that no later item of the same output answers. */
export function functionCalls(response: Pick<ApiResponse, 'output'>): FunctionCallLike[] {
  return (response.output ?? []).filter((item) => item.type === 'function_call') as unknown as FunctionCallLike[];
}

/**
 * `function_call<TAB>CALL_ID<TAB>NAME<TAB>ARGUMENTS` with the arguments as one-line JSON: a script
 * can `cut -f2-` or read the fields with `IFS=$'\t' read`. The model chooses every field, so none
 * may hold a tab, a line break or a live control character.
 */
export function functionCallLine(call: FunctionCallLike): string {
  return `function_call\t${tableField(String(call.call_id))}\t${tableField(String(call.name))}\t${jsonField(String(call.arguments))}\n`;
}

/** One-line JSON (still the same JSON value, C1 controls escaped); text that is not JSON as a table field. */
function jsonField(text: string): string {
  const compact = compactJson(text);
  try {
    JSON.parse(compact);
    return terminalJson(compact);
  } catch {
    return tableField(compact);
  }
}

/** Remote text on one line, shown not obeyed. */
const shown = (value: unknown): string => neutralise(String(value));

/** MCP list_tools / call and code interpreter items as a readable block; undefined for other items. */
export function toolItemBlock(item: Item, style: Style): string | undefined {
  switch (item.type) {
    case 'mcp_list_tools': {
      const tools = Array.isArray(item.tools) ? (item.tools as Item[]) : [];
      const head = `${style.dim('mcp')} ${shown(item.server_label)}: ${tools.length} tool${tools.length === 1 ? '' : 's'}`;
      if (item.error) return `${head} ${style.red(`(error: ${shown(oneLine(String(item.error)))})`)}\n`;
      const lines = tools.map((tool) => `  ${shown(tool.name)}${typeof tool.description === 'string' && tool.description ? style.dim(` — ${shown(firstLine(tool.description, 100))}`) : ''}`);
      return `${head}\n${lines.map((line) => `${line}\n`).join('')}`;
    }
    case 'mcp_call': {
      const head = `${style.dim('mcp')} ${shown(item.server_label)}: ${shown(item.name)}(${shown(compactJson(String(item.arguments ?? '')))})`;
      if (item.error) return `${head} ${style.red('failed')}: ${shown(oneLine(mcpErrorText(item.error)))}\n`;
      const output = item.output == null ? '' : String(item.output);
      return `${head} →\n${indent(shown(truncate(output, 2000)))}\n`;
    }
    case 'code_interpreter_call': {
      let block = `${style.dim('code interpreter')}${item.container_id ? style.dim(` (${shown(item.container_id)})`) : ''}\n`;
      if (typeof item.code === 'string' && item.code) block += `${indent(shown(item.code))}\n`;
      for (const output of Array.isArray(item.outputs) ? (item.outputs as Item[]) : []) {
        if (output.type === 'logs' && typeof output.logs === 'string') block += `${style.dim('output')}\n${indent(shown(output.logs.replace(/\n$/, '')))}\n`;
        else if (output.type === 'image') block += `${style.dim('image')} ${shown(output.url)}\n`;
      }
      return block;
    }
    default:
      return undefined;
  }
}

export interface ContainerFile {
  container_id: string;
  file_id: string;
  filename: string;
}

/** Files the model cites from its code-interpreter container (container_file_citation annotations). */
export function containerFiles(response: Pick<ApiResponse, 'output'>): ContainerFile[] {
  const found = new Map<string, ContainerFile>();
  for (const item of response.output ?? []) {
    if (item.type !== 'message') continue;
    for (const part of item.content ?? []) {
      if (part.type !== 'output_text') continue;
      for (const annotation of part.annotations ?? []) {
        if (annotation.type === 'container_file_citation') {
          found.set(annotation.file_id, { container_id: annotation.container_id, file_id: annotation.file_id, filename: annotation.filename });
        }
      }
    }
  }
  return [...found.values()];
}

/**
 * `file: NAME (ID in CONTAINER)` and the command that fetches it. The ids must have the service's
 * shapes (they go into the printed command and a URL), and the suggested output name is made safe
 * for the current directory: a model-chosen `../../.bashrc` becomes `bashrc`.
 */
export function containerFileLines(files: readonly ContainerFile[], aoai: FollowUp = plainFollowUp): string {
  return files
    .map((file) => {
      const fileId = serviceId('containerFile', file.file_id, 'container file id');
      const containerId = serviceId('container', file.container_id, 'container id');
      const output = safeFileName(String(file.filename), { extension: extname(String(file.filename)), fallback: 'container-file' });
      return `file: ${shown(file.filename)} (${fileId} in ${containerId})\n  fetch: ${aoai(['files', 'get', fileId, '--container', containerId, '--output', output])}\n`;
    })
    .join('');
}

/** An MCP error: a string, `{message}`, or `{content: [{type: text, text}]}` from the tool. */
function mcpErrorText(error: unknown): string {
  if (typeof error === 'string') return error;
  const e = error as Item;
  if (typeof e.message === 'string') return e.message;
  if (Array.isArray(e.content)) {
    const texts = (e.content as Item[]).filter((part) => typeof part.text === 'string').map((part) => String(part.text));
    if (texts.length) return texts.join(' ');
  }
  return JSON.stringify(error);
}

function indent(text: string): string {
  return text
    .split('\n')
    .map((line) => `  ${line}`)
    .join('\n');
}

function firstLine(text: string, max: number): string {
  return truncate(text.split('\n')[0] ?? '', max);
}

