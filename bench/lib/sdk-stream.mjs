// The baseline for streaming: the smallest program a user would write with the openai SDK.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: `${process.env.AZURE_OPENAI_ENDPOINT}/openai/v1`, apiKey: process.env.AZURE_OPENAI_API_KEY });
const stream = await client.responses.create({ model: process.env.BENCH_MODEL ?? 'gpt-4.1', input: process.argv[2], stream: true });
for await (const event of stream) {
  if (event.type === 'response.output_text.delta') process.stdout.write(event.delta);
}
process.stdout.write('\n');
