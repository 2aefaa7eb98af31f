// A code_interpreter_call, shaped as in azure-code-interpreter-tool.1.chunks.txt: output_item.added
// (with its container id), code_interpreter_call.in_progress, _code.delta…, _code.done,
// .interpreting, .completed, output_item.done. The "program" is a deterministic one-liner: an
// arithmetic expression in the prompt is evaluated, otherwise the prompt's length is printed.
import type { ResponseCodeInterpreterToolCall } from 'openai/resources/responses/responses';
import { newId, randomHex } from '../ids.ts';
import { tokenize } from '../model.ts';
import type { OutputProducer } from '../run.ts';
import type { PendingEvent } from '../types.ts';

const EXPRESSION = /(-?\d+(?:\.\d+)?)\s*([-+*/])\s*(-?\d+(?:\.\d+)?)/;

/** A prompt that asks for a file gets the printed result saved as this container file too. */
export const RESULT_FILENAME = 'result.txt';
const WANTS_FILE = /\b(file|csv|save|download)\b/i;

export interface ContainerFileRef {
  containerId: string;
  fileId: string;
  filename: string;
}

/**
 * Container files the emulated interpreter wrote, by `container/file` id. Module-wide (ids are
 * random, so emulator instances never collide) and bounded, like the service's expiring containers.
 */
const containerFiles = new Map<string, Buffer>();
const MAX_CONTAINER_FILES = 1000;

export function containerFile(containerId: string, fileId: string): Buffer | undefined {
  return containerFiles.get(`${containerId}/${fileId}`);
}

export function wantsFile(text: string): boolean {
  return WANTS_FILE.test(text);
}

export function program(text: string): { code: string; logs: string } {
  const run = compute(text);
  if (!wantsFile(text)) return run;
  const save = `with open('/mnt/data/${RESULT_FILENAME}', 'w') as f:\n    f.write(${JSON.stringify(run.logs.trim())})`;
  return { code: `${run.code}\n${save}`, logs: run.logs };
}

function compute(text: string): { code: string; logs: string } {
  const match = EXPRESSION.exec(text);
  if (match) {
    const [, left, operator, right] = match as unknown as [string, string, string, string];
    const a = Number(left);
    const b = Number(right);
    const value = operator === '+' ? a + b : operator === '-' ? a - b : operator === '*' ? a * b : b === 0 ? NaN : a / b;
    const shown = Number.isNaN(value) ? 'ZeroDivisionError: division by zero' : Number.isInteger(value) && operator !== '/' ? String(value) : String(Number.isInteger(value) ? `${value}.0` : value);
    return { code: `# Evaluate the expression from the request\nresult = ${left} ${operator} ${right}\nprint(result)`, logs: `${shown}\n` };
  }
  return { code: `# Measure the request\ntext = ${JSON.stringify(text)}\nprint(len(text))`, logs: `${[...text].length}\n` };
}

/** The code interpreter runs in a container; `container_id` comes from the tool or a new one. */
export function codeInterpreterOutput(options: { text: string; containerId: string; file: ContainerFileRef | undefined; includeOutputs: boolean }): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('ci');
    const { code, logs } = program(options.text);
    const live: ResponseCodeInterpreterToolCall = { id, type: 'code_interpreter_call', status: 'in_progress', code: '', container_id: options.containerId, outputs: options.includeOutputs ? [] : null };
    run.response.output.push(live);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live } };
    yield { type: 'response.code_interpreter_call.in_progress', output_index: outputIndex, item_id: id } as PendingEvent;
    for (const token of tokenize(code)) {
      run.spendToken();
      live.code = String(live.code) + token;
      yield { type: 'response.code_interpreter_call_code.delta', output_index: outputIndex, item_id: id, delta: token, ...run.obfuscation(token) } as PendingEvent;
    }
    live.code = code;
    yield { type: 'response.code_interpreter_call_code.done', output_index: outputIndex, item_id: id, code } as PendingEvent;
    live.status = 'interpreting';
    yield { type: 'response.code_interpreter_call.interpreting', output_index: outputIndex, item_id: id } as PendingEvent;
    live.status = 'completed';
    if (options.file) {
      if (containerFiles.size >= MAX_CONTAINER_FILES) containerFiles.delete(containerFiles.keys().next().value!);
      containerFiles.set(`${options.file.containerId}/${options.file.fileId}`, Buffer.from(logs));
    }
    if (options.includeOutputs) live.outputs = [{ type: 'logs', logs }];
    yield { type: 'response.code_interpreter_call.completed', output_index: outputIndex, item_id: id } as PendingEvent;
    yield { type: 'response.output_item.done', output_index: outputIndex, item: structuredClone(live) };
    return 'done';
  };
}

export function codeInterpreterReply(text: string): string {
  return `I ran the code; it printed: ${program(text).logs.trim()}${wantsFile(text) ? ` (saved as ${RESULT_FILENAME})` : ''}`;
}

/** A new container (or the one the tool names) and, when the prompt asks for one, a file in it. */
export function codeInterpreterPlan(text: string, container: unknown): { containerId: string; file: ContainerFileRef | undefined } {
  const containerId = typeof container === 'string' ? container : `cntr_${randomHex(24)}`;
  return { containerId, file: wantsFile(text) ? { containerId, fileId: `cfile_${randomHex(16)}`, filename: RESULT_FILENAME } : undefined };
}
