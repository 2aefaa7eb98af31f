// A code_interpreter_call, shaped as in azure-code-interpreter-tool.1.chunks.txt: output_item.added
// (with its container id), code_interpreter_call.in_progress, _code.delta…, _code.done,
// .interpreting, .completed, output_item.done. The "program" is deterministic and small: a linear
// equation in the prompt ("3x + 11 = 14") is solved, "the Nth Fibonacci number" and "the
// factorial of N" are computed, an arithmetic expression ("100 * 200 / 3") is evaluated with
// Python's precedence and number formatting; otherwise the prompt's length is printed.
import type { ResponseCodeInterpreterToolCall } from 'openai/resources/responses/responses';
import { newId, randomHex } from '../ids.ts';
import { tokenize } from '../model.ts';
import type { OutputProducer } from '../run.ts';
import type { PendingEvent } from '../types.ts';

const NUMBER = String.raw`-?\d+(?:\.\d+)?`;
const EXPRESSION = new RegExp(`${NUMBER}(?:\\s*[-+*/]\\s*${NUMBER})+`);
const EQUATION = /(?:(\d+(?:\.\d+)?)\s*\*?\s*|(?<![a-z]))([a-z])(?![a-z])\s*([-+])\s*(\d+(?:\.\d+)?)\s*=\s*(-?\d+(?:\.\d+)?)/i;
const FIBONACCI = /\b(\d+)(?:st|nd|rd|th)?\s+fibonacci\b|\bfibonacci\s+number\s+(\d+)/i;
const FACTORIAL = /\bfactorial\s+of\s+(\d+)\b|\b(\d+)!/i;

/** What makes the emulated model reach for the code interpreter (besides tool_choice). */
export function wantsCode(text: string): boolean {
  return /\b(python|code|calculat\w*|comput\w*|solve|equation|fibonacci|factorial|arithmetic|math)\b/i.test(text) || EQUATION.test(text);
}

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
  const equation = EQUATION.exec(text);
  if (equation) {
    const [, factor = '1', name, sign, constant, total] = equation as unknown as [string, string | undefined, string, string, string, string];
    const solved = sign === '+' ? `(${total} - ${constant}) / ${factor}` : `(${total} + ${constant}) / ${factor}`;
    const value = sign === '+' ? (Number(total) - Number(constant)) / Number(factor) : (Number(total) + Number(constant)) / Number(factor);
    return { code: `# Solve ${factor === '1' ? '' : factor}${name} ${sign} ${constant} = ${total} for ${name}\n${name} = ${solved}\nprint(f"${name} = {${name}}")`, logs: `${name} = ${pythonFloat(value)}\n` };
  }
  const fibonacci = FIBONACCI.exec(text);
  if (fibonacci) {
    const n = Math.min(10_000, Number(fibonacci[1] ?? fibonacci[2]));
    let [a, b] = [0n, 1n];
    for (let i = 0; i < n; i++) [a, b] = [b, a + b];
    return { code: `# The ${n}th Fibonacci number (F(1) = F(2) = 1)\na, b = 0, 1\nfor _ in range(${n}):\n    a, b = b, a + b\nprint(a)`, logs: `${a}\n` };
  }
  const factorial = FACTORIAL.exec(text);
  if (factorial) {
    const n = Math.min(1000, Number(factorial[1] ?? factorial[2]));
    let value = 1n;
    for (let i = 2n; i <= BigInt(n); i++) value *= i;
    return { code: `import math\nprint(math.factorial(${n}))`, logs: `${value}\n` };
  }
  const expression = EXPRESSION.exec(text);
  if (expression) {
    const source = expression[0].replace(/\s+/g, ' ');
    return { code: `# Evaluate the expression from the request\nresult = ${source}\nprint(result)`, logs: `${evaluate(expression[0])}\n` };
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

/** Python's `print` of a float: always a decimal point (1.0), shortest round-trip digits. */
function pythonFloat(value: number): string {
  if (!Number.isFinite(value)) return Number.isNaN(value) ? 'nan' : value > 0 ? 'inf' : '-inf';
  return Number.isInteger(value) ? `${value}.0` : String(value);
}

/** An expression of numbers and + - * / with Python's precedence; `/` makes a float, as in Python 3. */
function evaluate(expression: string): string {
  const tokens = expression.match(new RegExp(`${NUMBER}|[-+*/]`, 'g')) ?? [];
  // A '-' right after an operator (or first) belongs to the number: "-3", "2 * -3".
  const values: number[] = [];
  const operators: string[] = [];
  let expectNumber = true;
  let float = false;
  for (const token of tokens) {
    if (expectNumber) {
      values.push(Number(token));
      if (token.includes('.')) float = true;
      expectNumber = false;
    } else if (/^-\d/.test(token)) {
      // The tokenizer glued a binary minus to the next number: "5 -3".
      operators.push('-');
      values.push(Number(token.slice(1)));
    } else {
      operators.push(token);
      expectNumber = true;
    }
  }
  const sums: number[] = [values[0]!];
  const signs: string[] = [];
  for (const [index, operator] of operators.entries()) {
    const next = values[index + 1]!;
    if (operator === '*' || operator === '/') {
      if (operator === '/') {
        float = true;
        if (next === 0) return 'ZeroDivisionError: division by zero';
      }
      sums[sums.length - 1] = operator === '*' ? sums.at(-1)! * next : sums.at(-1)! / next;
    } else {
      signs.push(operator);
      sums.push(next);
    }
  }
  const value = sums.slice(1).reduce((total, term, index) => (signs[index] === '+' ? total + term : total - term), sums[0]!);
  return float ? pythonFloat(value) : String(value);
}

export function codeInterpreterReply(text: string): string {
  return `I ran the code; it printed: ${program(text).logs.trim()}${wantsFile(text) ? ` (saved as ${RESULT_FILENAME})` : ''}`;
}

/** A new container (or the one the tool names) and, when the prompt asks for one, a file in it. */
export function codeInterpreterPlan(text: string, container: unknown): { containerId: string; file: ContainerFileRef | undefined } {
  const containerId = typeof container === 'string' ? container : `cntr_${randomHex(24)}`;
  return { containerId, file: wantsFile(text) ? { containerId, fileId: `cfile_${randomHex(16)}`, filename: RESULT_FILENAME } : undefined };
}
