import { describe, expect, it } from 'vitest';
import { StreamRenderer, type AnyStreamEvent, type StreamRenderOptions } from '../../src/render/stream.ts';
import { loadRecordings } from '../helpers/recordings.ts';

function render(events: AnyStreamEvent[], options: Partial<StreamRenderOptions> = {}) {
  let out = '';
  let err = '';
  const renderer = new StreamRenderer(
    { out: (t) => (out += t), err: (t) => (err += t) },
    { json: false, reasoning: 'show', statusLines: false, color: false, sharedTerminal: false, ...options },
  );
  for (const event of events) renderer.handle(event);
  renderer.finish();
  return { out, err, renderer };
}

const recordings = loadRecordings();

describe('rendering the recorded real streams', () => {
  it('found the recordings', () => {
    expect(recordings.length).toBeGreaterThanOrEqual(15);
  });

  for (const recording of recordings) {
    it(`${recording.name}: stdout is exactly the output_text deltas`, () => {
      const deltas = recording.events.filter((e) => e.type === 'response.output_text.delta').map((e) => String(e.delta));
      const text = deltas.join('');
      const { out } = render(recording.events);
      expect(out).toBe(text === '' || text.endsWith('\n') ? text : `${text}\n`);
    });

    it(`${recording.name}: --json reproduces every event, line for line`, () => {
      const { out, err } = render(recording.events, { json: true });
      const lines = out.trimEnd().split('\n').map((line) => JSON.parse(line));
      expect(lines).toEqual(recording.events);
      expect(err).toBe('');
    });

    it(`${recording.name}: reasoning summaries go to stderr only`, () => {
      const parts = recording.events.filter((e) => e.type === 'response.reasoning_summary_text.done').map((e) => String(e.text));
      const shown = render(recording.events);
      // A recording with no summary shows no reasoning block at all (and one with summaries does).
      expect(shown.err.includes('reasoning summary')).toBe(parts.length > 0);
      for (const part of parts) {
        expect(shown.err).toContain(part);
        expect(shown.out).not.toContain(part);
      }
      const hidden = render(recording.events, { reasoning: 'hide' });
      expect(hidden.err).not.toContain('reasoning summary');
      for (const part of parts) expect(hidden.err).not.toContain(part);
    });
  }

  it('says "image: done" once, on Azure (no image_generation_call.completed event) and on OpenAI', () => {
    for (const name of ['azure-image-generation-tool', 'openai-image-generation-tool']) {
      const recording = recordings.find((r) => r.name.includes(name))!;
      const { err } = render(recording.events, { statusLines: true });
      expect(err.split('\n').filter((line) => line === '· image: done'), name).toHaveLength(1);
    }
  });

  it('tracks the terminal state of the error recording', () => {
    const recording = recordings.find((r) => r.name.includes('openai-error'))!;
    const { renderer } = render(recording.events);
    expect(renderer.state.final?.status).toBe('failed');
  });
});

describe('stream renderer', () => {
  const delta = (seq: number, text: string, item = 'msg_1') => ({ type: 'response.output_text.delta', sequence_number: seq, item_id: item, content_index: 0, delta: text });

  it('re-joins a character split across deltas at its surrogate pair', () => {
    const emoji = '😀';
    const { out } = render([delta(1, `hi ${emoji[0]}`), delta(2, `${emoji[1]} there`)]);
    expect(out).toBe('hi 😀 there\n');
    expect(Buffer.from(out).toString('utf8')).not.toContain('\uFFFD');
  });

  it('skips events it has already handled (a resumed stream replays some)', () => {
    const { out, renderer } = render([delta(1, 'a'), delta(2, 'b'), delta(2, 'b'), delta(1, 'a'), delta(3, 'c')]);
    expect(out).toBe('abc\n');
    expect(renderer.state.lastSequence).toBe(3);
  });

  it('ignores unknown event types in text mode and passes them through in --json', () => {
    const events = [delta(1, 'x'), { type: 'response.future_thing.happened', sequence_number: 2, payload: { a: 1 } }];
    expect(render(events).out).toBe('x\n');
    expect(render(events, { json: true }).out.trim().split('\n').map((l) => JSON.parse(l))).toEqual(events);
  });

  it('puts status lines on stderr only when asked, and breaks the line first on a shared terminal', () => {
    const events = [delta(1, 'partial'), { type: 'response.image_generation_call.generating', sequence_number: 2, output_index: 0, item_id: 'ig_1' }, delta(3, ' rest')];
    expect(render(events).err).toBe('');
    const shared = render(events, { statusLines: true, sharedTerminal: true });
    expect(shared.err).toBe('\n· image: generating…\n');
    expect(shared.out).toBe('partial rest\n');
  });

  it('labels and dims reasoning summaries when colour is on', () => {
    const events = [
      { type: 'response.reasoning_summary_part.added', sequence_number: 1, item_id: 'rs', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: '' } },
      { type: 'response.reasoning_summary_text.delta', sequence_number: 2, item_id: 'rs', output_index: 0, summary_index: 0, delta: 'Thinking' },
      { type: 'response.reasoning_summary_part.done', sequence_number: 3, item_id: 'rs', output_index: 0, summary_index: 0, part: { type: 'summary_text', text: 'Thinking' } },
    ];
    expect(render(events).err).toBe('reasoning summary\nThinking\n\n');
    expect(render(events, { color: true }).err).toBe('\u001b[2m\u001b[3mreasoning summary\u001b[23m\u001b[22m\n\u001b[2mThinking\u001b[22m\n\n');
  });

  it('says nothing about reasoning when no summary came', () => {
    expect(render([delta(1, 'hi')]).err).toBe('');
  });

  it('prints refusals on stderr', () => {
    const { err, out } = render([{ type: 'response.refusal.done', sequence_number: 1, item_id: 'm', output_index: 0, content_index: 0, refusal: 'I cannot help with that.' }]);
    expect(err).toBe('refusal: I cannot help with that.\n');
    expect(out).toBe('');
  });

  it('records the nested error event', () => {
    const { renderer } = render([{ type: 'error', sequence_number: 1, error: { type: 'server_error', code: 'server_error', message: 'boom', param: null } }]);
    expect(renderer.state.errorEvent).toEqual({ code: 'server_error', message: 'boom', type: 'server_error' });
  });
});
