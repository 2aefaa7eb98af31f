// An assistant message: output_item.added, content_part.added, output_text.delta…, .done,
// content_part.done, output_item.done, exactly as the recorded Azure streams show.
import type { ResponseOutputMessage, ResponseOutputText } from 'openai/resources/responses/responses';

type Annotation = ResponseOutputText['annotations'][number];
import { newId } from '../ids.ts';
import { sendsMessagePhase, type Reply } from '../model.ts';
import type { OutputProducer } from '../run.ts';

const emptyText = (): ResponseOutputText => ({ type: 'output_text', annotations: [], logprobs: [], text: '' });

/** Annotations (e.g. container file citations) are announced after the text, before it is done. */
export function messageOutput(reply: Reply, annotations: readonly Annotation[] = []): OutputProducer {
  return function* (run) {
    const outputIndex = run.response.output.length;
    const id = newId('msg');
    const part = emptyText();
    const phase = sendsMessagePhase(run.response.model) ? { phase: 'final_answer' as const } : {};
    const live: ResponseOutputMessage = { id, type: 'message', status: 'in_progress', content: [], role: 'assistant', ...phase };
    run.response.output.push(live);
    yield { type: 'response.output_item.added', output_index: outputIndex, item: { ...live, content: [] } };
    live.content.push(part);
    yield { type: 'response.content_part.added', item_id: id, output_index: outputIndex, content_index: 0, part: emptyText() };
    let incomplete = false;
    for (const token of reply.tokens()) {
      if (!run.spendToken()) {
        incomplete = true;
        break;
      }
      part.text += token;
      yield {
        type: 'response.output_text.delta',
        item_id: id,
        output_index: outputIndex,
        content_index: 0,
        delta: token,
        logprobs: [],
        ...run.obfuscation(token),
      };
    }
    const text = part.text;
    for (const [annotationIndex, annotation] of (incomplete ? [] : annotations).entries()) {
      part.annotations.push(annotation);
      yield { type: 'response.output_text.annotation.added', item_id: id, output_index: outputIndex, content_index: 0, annotation_index: annotationIndex, annotation } as never;
    }
    const done = () => ({ ...emptyText(), text, annotations: [...part.annotations] });
    yield { type: 'response.output_text.done', item_id: id, output_index: outputIndex, content_index: 0, text, logprobs: [] };
    yield { type: 'response.content_part.done', item_id: id, output_index: outputIndex, content_index: 0, part: done() };
    live.status = incomplete ? 'incomplete' : 'completed';
    yield { type: 'response.output_item.done', output_index: outputIndex, item: { ...live, content: [done()] } };
    return incomplete ? 'incomplete' : 'done';
  };
}
