// The part of stream, create --stream and get --stream that is the same: build the renderer from
// the IO and flags, then run the stream to its end.
import type { Response as ApiResponse } from 'openai/resources/responses/responses';
import type { Factory } from '../core/factory.ts';
import { followUpFor } from '../cli/follow-up.ts';
import type { StreamOptionValues } from '../cli/request-options.ts';
import { hasSpoolTokens } from '../core/spool.ts';
import { coalescingWriter } from '../io/coalesce.ts';
import { jsonPieces } from '../render/json.ts';
import { StreamRenderer } from '../render/stream.ts';
import { containerFileLines, containerFiles } from '../render/tools.ts';
import { prepareRequest } from './session.ts';
import { runStream, type StreamStart } from './stream.ts';

export const DEFAULT_MAX_RESUMES = 5;

/** Returns the final Response (from the terminal event), for commands that continue from it. */
export async function streamToTerminal(f: Factory, start: StreamStart, values: StreamOptionValues & { json?: boolean }, headers?: Record<string, string>): Promise<ApiResponse | undefined> {
  const client = await prepareRequest(f, headers);
  const settings = await f.settings();
  const { io } = f;
  const stdout = coalescingWriter((text) => io.out(text));
  const sinks = {
    out: (text: string) => {
      if (!hasSpoolTokens(text)) return stdout.write(text);
      // --json: an event carrying a large image (held on disk, core/spool.ts) is printed whole.
      stdout.flush();
      for (const piece of jsonPieces(text, io.stdoutIsTTY)) io.out(piece);
    },
    err: (text: string) => {
      stdout.flush(); // keep stdout and stderr in order on a shared terminal
      io.err(text);
    },
  };
  // On a terminal, text breaks between words, not where the terminal's edge happens to fall.
  const wrapped = io.stdoutIsTTY && !values.json ? (await import('../render/columns.ts')).softWrappedSink(sinks, io.columns) : undefined;
  const renderer = new StreamRenderer(
    wrapped ?? sinks,
    {
      json: Boolean(values.json),
      reasoning: values.reasoning ?? 'show',
      statusLines: io.stderrIsTTY,
      color: io.colorStderr,
      sharedTerminal: io.stdoutIsTTY && io.stderrIsTTY,
      stdoutIsTerminal: io.stdoutIsTTY,
    },
  );
  const followUp = followUpFor(f);
  // For the local log (aoai log); a resumed stream (get --stream) creates nothing.
  if (start.kind === 'create') f.log.sent(start.body);
  try {
    await runStream({
      client,
      io,
      renderer,
      start,
      cancelOnInterrupt: Boolean(values.cancelOnInterrupt),
      idleTimeoutMs: settings.timeoutMs,
      maxResumes: values.maxResumes ?? DEFAULT_MAX_RESUMES,
      usageLine: Boolean(values.usage) || io.stderrIsTTY,
      debug: (line) => f.debug(line),
      followUp,
    });
  } finally {
    wrapped?.end();
    stdout.flush();
    // Even a stream cut short leaves its id and how far it got.
    if (start.kind === 'create') f.log.received({ id: renderer.state.responseId, status: renderer.state.status, final: renderer.state.final });
  }
  const final = renderer.state.final;
  // Files the model cites from its code-interpreter container, with how to fetch them.
  if (final && !values.json) io.err(containerFileLines(containerFiles(final), followUp));
  // Generated images are saved as `aoai image` saves them (the stream only carries the base64).
  if (final?.output.some((item) => item.type === 'image_generation_call')) {
    const { promptOf, saveResponseImages } = await import('../image/results.ts');
    const saved = saveResponseImages(io, final, { prompt: start.kind === 'create' ? promptOf(start.body.input) : undefined, json: Boolean(values.json) });
    if (start.kind === 'create') f.log.saved(saved.map((image) => image.path));
  }
  return final;
}
