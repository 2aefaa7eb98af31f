// The baseline for `aoai batch run` with no limit: the openai SDK, a file of batch request lines,
// a fixed 50 requests in flight, one output line per result on stdout. What a user would write by
// hand (the SDK's default retries, no pacing, no resume).
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import OpenAI from 'openai';

const CONCURRENCY = 50;
const client = new OpenAI({ baseURL: `${process.env.AZURE_OPENAI_ENDPOINT}/openai/v1`, apiKey: process.env.AZURE_OPENAI_API_KEY });
const lines = createInterface({ input: createReadStream(process.argv[2]), crlfDelay: Infinity })[Symbol.asyncIterator]();

async function worker() {
  for (;;) {
    const next = await lines.next();
    if (next.done) return;
    if (!next.value.trim()) continue;
    const request = JSON.parse(next.value);
    const { data, response } = await client.responses.create(request.body).withResponse();
    process.stdout.write(`${JSON.stringify({ custom_id: request.custom_id, response: { status_code: response.status, request_id: response.headers.get('x-request-id'), body: data }, error: null })}\n`);
  }
}

await Promise.all(Array.from({ length: CONCURRENCY }, worker));
