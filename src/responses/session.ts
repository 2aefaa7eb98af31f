// Everything a command does before its first request: resolve settings, build the client, and
// record the endpoint and credential so an error can name them.
import type { Client } from '../core/client.ts';
import type { Factory } from '../core/factory.ts';

export async function prepareRequest(f: Factory, extraHeaders?: Record<string, string>): Promise<Client> {
  const settings = await f.settings();
  const client = await f.client(extraHeaders);
  const { setErrorContext } = await import('../core/api-errors.ts');
  const { describeCredential } = await import('../core/client.ts');
  setErrorContext({
    endpoint: settings.endpoint?.value,
    credential: describeCredential(settings, await f.tokenProvider()),
  });
  return client;
}
