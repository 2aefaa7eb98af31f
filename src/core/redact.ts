// Secrets the process knows about (API keys, Entra tokens, MCP header values) are registered here
// and scrubbed from every byte written to stderr and every --debug line. Belt and braces: code
// never prints a secret on purpose, but an error message from a server or library might echo one.
const secrets = new Set<string>();

/** Shorter strings would scrub ordinary words; real keys and tokens are far longer. */
const MIN_SECRET_LENGTH = 8;

export function registerSecret(value: string | undefined | null): void {
  if (value && value.length >= MIN_SECRET_LENGTH) secrets.add(value);
}

export function redactSecrets(text: string): string {
  if (secrets.size === 0) return text;
  let result = text;
  for (const secret of secrets) {
    if (result.includes(secret)) result = result.split(secret).join('***');
  }
  return result;
}

/** Mask a secret for display: enough to recognise which key it is, never enough to use it. */
export function maskSecret(value: string): string {
  if (value.length <= 8) return '****';
  return `****${value.slice(-4)}`;
}

const SECRET_HEADER = /^(api-key|authorization|proxy-authorization|x-api-key|ocp-apim-subscription-key|cookie|set-cookie)$|key|token|secret|password|credential|signature/i;

export function isSecretHeader(name: string): boolean {
  return SECRET_HEADER.test(name);
}
