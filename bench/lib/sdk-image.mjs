// The baseline for saving an image: the openai SDK, one create call with the image_generation
// tool, and a plain writeFileSync of the decoded result.
import { writeFileSync } from 'node:fs';
import OpenAI from 'openai';

const [prompt, size, out] = process.argv.slice(2);
const client = new OpenAI({
  baseURL: `${process.env.AZURE_OPENAI_ENDPOINT}/openai/v1`,
  apiKey: process.env.AZURE_OPENAI_API_KEY,
  defaultHeaders: { 'x-ms-oai-image-generation-deployment': 'gpt-image-1' },
});
const response = await client.responses.create({ model: 'gpt-4.1', input: prompt, tools: [{ type: 'image_generation', size, output_format: 'webp' }] });
const call = response.output.find((item) => item.type === 'image_generation_call');
writeFileSync(out, Buffer.from(call.result, 'base64'));
process.stdout.write(`${out}\n`);
