import { describe, expect, it } from 'vitest';
import { cloudForEndpoint } from '../../src/core/cloud.ts';
import { expandEnvReferences } from '../../src/core/env-expand.ts';
import { bypassesProxy, describeRoute, displayProxy, resolveProxyRoutes } from '../../src/core/proxy.ts';
import { redactSecrets } from '../../src/core/redact.ts';

describe('proxy routes', () => {
  it('no proxy variables: no routes (proxy support is never loaded)', () => {
    expect(resolveProxyRoutes(undefined, { NO_PROXY: 'x' })).toBeUndefined();
  });

  it('HTTPS_PROXY for https targets, HTTP_PROXY for http, ALL_PROXY as the fallback; lower case wins', () => {
    const routes = resolveProxyRoutes(undefined, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:2', ALL_PROXY: 'all:3' })!;
    expect(routes.https!.url.host).toBe('lower:1');
    expect(routes.http).toMatchObject({ source: { kind: 'env', name: 'ALL_PROXY' } });
    expect(routes.http!.url.href).toBe('http://all:3/');
  });

  it('the proxy setting overrides the variables for both schemes', () => {
    const routes = resolveProxyRoutes({ value: 'http://set:8080', source: { kind: 'flag', name: '--proxy' } }, { HTTPS_PROXY: 'http://env:1' })!;
    expect(routes.https!.url.host).toBe('set:8080');
    expect(routes.http!.url.host).toBe('set:8080');
  });

  it('NO_PROXY: *, exact hosts, domains (with or without a leading dot or *.), host:port, CIDR', () => {
    const url = (u: string) => new URL(u);
    expect(bypassesProxy(url('https://a.b.com'), ['*'])).toBe(true);
    expect(bypassesProxy(url('https://a.b.com'), ['b.com'])).toBe(true);
    expect(bypassesProxy(url('https://a.b.com'), ['.b.com'])).toBe(true);
    expect(bypassesProxy(url('https://a.b.com'), ['*.b.com'])).toBe(true);
    expect(bypassesProxy(url('https://ab.com'), ['b.com'])).toBe(false);
    expect(bypassesProxy(url('http://127.0.0.1:8080'), ['127.0.0.1:8080'])).toBe(true);
    expect(bypassesProxy(url('http://127.0.0.1:8081'), ['127.0.0.1:8080'])).toBe(false);
    expect(bypassesProxy(url('http://10.2.3.4'), ['10.0.0.0/8'])).toBe(true);
    expect(bypassesProxy(url('http://11.2.3.4'), ['10.0.0.0/8'])).toBe(false);
    expect(bypassesProxy(url('http://[::1]:80'), ['::1'])).toBe(true);
  });

  it('credentials are masked when shown and registered as secrets', () => {
    const routes = resolveProxyRoutes(undefined, { HTTPS_PROXY: 'http://bob:s3cret-proxy-pass@proxy:3128' })!;
    expect(displayProxy(routes.https!.url)).toBe('http://bob:***@proxy:3128');
    expect(redactSecrets('x s3cret-proxy-pass y')).toBe('x *** y');
    expect(describeRoute(new URL('https://r.openai.azure.com'), routes)).toBe('through proxy http://bob:***@proxy:3128 (from the HTTPS_PROXY environment variable)');
    expect(describeRoute(new URL('http://127.0.0.1:1'), routes)).toBe('direct (no proxy for http:// targets)');
  });

  it('a bad proxy value is an error naming where it came from', () => {
    expect(() => resolveProxyRoutes(undefined, { HTTPS_PROXY: 'socks5://h:1' })).toThrow(/invalid proxy 'socks5:\/\/h:1'.*\(from the HTTPS_PROXY environment variable\)/);
  });
});

describe('$VAR expansion', () => {
  const env = { A: 'alpha', B_2: 'beta' };
  it('expands $VAR and ${VAR} anywhere; \\$ is a literal dollar; a lone $ stays', () => {
    expect(expandEnvReferences('Bearer $A', env, 'x')).toBe('Bearer alpha');
    expect(expandEnvReferences('${A}-$B_2.$', env, 'x')).toBe('alpha-beta.$');
    expect(expandEnvReferences('\\$A costs $5', env, 'x')).toBe('$A costs $5');
  });
  it('an unset or empty variable is a usage error naming it, never the value', () => {
    expect(() => expandEnvReferences('Bearer $NOPE', env, '-H Authorization')).toThrow(/^-H Authorization: environment variable NOPE is not set$/);
    expect(() => expandEnvReferences('${bad-name}', env, '-H X')).toThrow(/invalid variable reference/);
  });
});

describe('clouds', () => {
  it('the scope, authority and ARM endpoint follow the endpoint host', () => {
    expect(cloudForEndpoint('https://r.openai.azure.com').scope).toBe('https://cognitiveservices.azure.com/.default');
    expect(cloudForEndpoint('https://r.openai.azure.us')).toMatchObject({ scope: 'https://cognitiveservices.azure.us/.default', authorityHost: 'https://login.microsoftonline.us', armEndpoint: 'https://management.usgovcloudapi.net' });
    expect(cloudForEndpoint('https://r.cognitiveservices.azure.cn')).toMatchObject({ scope: 'https://cognitiveservices.azure.cn/.default', authorityHost: 'https://login.chinacloudapi.cn' });
    expect(cloudForEndpoint('http://127.0.0.1:8080').name).toBe('AzureCloud');
  });
});

describe('Entra sign-in failures', () => {
  it('the default chain is one line: each credential tried and the reason that matters', async () => {
    const { describeSignInFailure } = await import('../../src/core/auth/sign-in-errors.ts');
    const unavailable = (message: string) => Object.assign(new Error(message), { name: 'CredentialUnavailableError' });
    const aggregate = Object.assign(new Error('ChainedTokenCredential authentication failed.\n…'), {
      errors: [
        unavailable('EnvironmentCredential is unavailable. No underlying credential could be used. To troubleshoot, visit https://aka.ms/x.'),
        unavailable('ManagedIdentityCredential: Authentication failed. Message Attempted to use the IMDS endpoint, but it is not available.'),
        unavailable("Please run 'az login' from a command prompt to authenticate before using this credential."),
        unavailable('Error: Unable to execute PowerShell. Ensure that it is installed in your system.'),
        unavailable("Azure Developer CLI couldn't be found. To mitigate this issue, see https://aka.ms/y"),
      ],
    });
    expect(describeSignInFailure(aggregate, 'default').reason).toBe(
      "tried environment: AZURE_TENANT_ID, AZURE_CLIENT_ID and AZURE_CLIENT_SECRET are not set; managed identity: not available on this machine; Azure CLI: not logged in (run 'az login'); Azure PowerShell: not installed; Azure Developer CLI: not installed",
    );
  });
});
