// Everything a command does before its first request: resolve settings, build the client, and
// record the endpoint and credential in the factory's request record so an error can name them.
import type { Client } from '../core/client.ts';
import type { Factory } from '../core/factory.ts';

export async function prepareRequest(f: Factory, extraHeaders?: Record<string, string>, options?: { bulk?: boolean }): Promise<Client> {
  const settings = await f.settings();
  const client = await f.client(extraHeaders, options);
  const { describeCredential } = await import('../core/client.ts');
  f.requests.endpoint = settings.endpoint?.value;
  f.requests.credential = describeCredential(settings, await f.tokenProvider());
  return client;
}
