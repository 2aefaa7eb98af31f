// A function_call item: output_item.added, function_call_arguments.delta…, .done,
// output_item.done, as in the recorded azure-tool-call stream. Which functions the model calls,
// and with what arguments, is decided in output/tool-plan.ts.
import type { ResponseFunctionToolCall } from 'openai/resources/responses/responses';
import { newId, randomHex } from '../ids.ts';
import { tokenize } from '../model.ts';
import type { OutputProducer } from '../run.ts';

export function functionCallOutput(call: { name: string; arguments: string }): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('fc');
    const live: ResponseFunctionToolCall = { id, type: 'function_call', status: 'in_progress', arguments: '', call_id: `call_${randomHex(12)}`, name: call.name };
    run.response.output.push(live);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live } };
    for (const token of tokenize(call.arguments)) {
      run.spendToken();
      live.arguments += token;
      yield { type: 'response.function_call_arguments.delta', item_id: id, output_index: outputIndex, delta: token, ...run.obfuscation(token) };
    }
    // Tokens split on whitespace and punctuation; compact JSON has none left over, but be exact.
    live.arguments = call.arguments;
    yield { type: 'response.function_call_arguments.done', item_id: id, output_index: outputIndex, arguments: call.arguments } as never;
    live.status = 'completed';
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...live } };
    return 'done';
  };
}
