// Tool items → text. Pure: function calls as lines a script can act on (stdout), and MCP and
// code-interpreter activity as readable blocks for a person (stderr).
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import { oneLine, truncate } from '../core/errors.ts';
import { compactJson } from './json.ts';
import type { Style } from './style.ts';

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
 * can `cut -f2-` or read the fields with `IFS=$'\t' read`.
 */
export function functionCallLine(call: FunctionCallLike): string {
  return `function_call\t${call.call_id}\t${call.name}\t${compactJson(call.arguments)}\n`;
}

/** MCP list_tools / call and code interpreter items as a readable block; undefined for other items. */
export function toolItemBlock(item: Item, style: Style): string | undefined {
  switch (item.type) {
    case 'mcp_list_tools': {
      const tools = Array.isArray(item.tools) ? (item.tools as Item[]) : [];
      const head = `${style.dim('mcp')} ${String(item.server_label)}: ${tools.length} tool${tools.length === 1 ? '' : 's'}`;
      if (item.error) return `${head} ${style.red(`(error: ${String(item.error)})`)}\n`;
      const lines = tools.map((tool) => `  ${String(tool.name)}${typeof tool.description === 'string' && tool.description ? style.dim(` — ${firstLine(tool.description, 100)}`) : ''}`);
      return `${head}\n${lines.map((line) => `${line}\n`).join('')}`;
    }
    case 'mcp_call': {
      const head = `${style.dim('mcp')} ${String(item.server_label)}: ${String(item.name)}(${compactJson(String(item.arguments ?? ''))})`;
      if (item.error) return `${head} ${style.red('failed')}: ${oneLine(mcpErrorText(item.error))}\n`;
      const output = item.output == null ? '' : String(item.output);
      return `${head} →\n${indent(truncate(output, 2000))}\n`;
    }
    case 'code_interpreter_call': {
      let block = `${style.dim('code interpreter')}${item.container_id ? style.dim(` (${String(item.container_id)})`) : ''}\n`;
      if (typeof item.code === 'string' && item.code) block += `${indent(item.code)}\n`;
      for (const output of Array.isArray(item.outputs) ? (item.outputs as Item[]) : []) {
        if (output.type === 'logs' && typeof output.logs === 'string') block += `${style.dim('output')}\n${indent(output.logs.replace(/\n$/, ''))}\n`;
        else if (output.type === 'image') block += `${style.dim('image')} ${String(output.url)}\n`;
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

export function containerFileLines(files: readonly ContainerFile[]): string {
  return files
    .map((file) => `file: ${file.filename} (${file.file_id} in ${file.container_id})\n  fetch: aoai files get ${file.file_id} --container ${file.container_id} --output ${shellWord(file.filename)}\n`)
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

function shellWord(text: string): string {
  return /^[A-Za-z0-9._/-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
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

