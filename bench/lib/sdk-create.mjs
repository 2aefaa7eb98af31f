// The baseline for one request: the openai SDK, one create call, print the text.
import OpenAI from 'openai';

const client = new OpenAI({ baseURL: `${process.env.AZURE_OPENAI_ENDPOINT}/openai/v1`, apiKey: process.env.AZURE_OPENAI_API_KEY });
const response = await client.responses.create({ model: 'gpt-4.1', input: process.argv[2] });
process.stdout.write(`${response.output_text}\n`);
