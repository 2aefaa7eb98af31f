// Which Azure cloud an endpoint lives in decides the Entra token scope, the sign-in authority
// and the Resource Manager endpoint. Government and China endpoints must never be sent a
// public-cloud token (nor the other way round), so everything follows the endpoint's host,
// and each can be overridden for gateways in front of the service.

export interface Cloud {
  /** The name `az cloud list` uses. */
  name: 'AzureCloud' | 'AzureUSGovernment' | 'AzureChinaCloud';
  /** Entra scope for the OpenAI data plane. */
  scope: string;
  authorityHost: string;
  /** Azure Resource Manager, for `aoai deployments`. */
  armEndpoint: string;
}

export const PUBLIC_CLOUD: Cloud = {
  name: 'AzureCloud',
  scope: 'https://cognitiveservices.azure.com/.default',
  authorityHost: 'https://login.microsoftonline.com',
  armEndpoint: 'https://management.azure.com',
};

const US_GOVERNMENT: Cloud = {
  name: 'AzureUSGovernment',
  scope: 'https://cognitiveservices.azure.us/.default',
  authorityHost: 'https://login.microsoftonline.us',
  armEndpoint: 'https://management.usgovcloudapi.net',
};

const CHINA: Cloud = {
  name: 'AzureChinaCloud',
  scope: 'https://cognitiveservices.azure.cn/.default',
  authorityHost: 'https://login.chinacloudapi.cn',
  armEndpoint: 'https://management.chinacloudapi.cn',
};

/**
 * The cloud an endpoint belongs to: `*.openai.azure.us` / `*.cognitiveservices.azure.us` is US
 * Government, `*.openai.azure.cn` / `*.cognitiveservices.azure.cn` is China; everything else
 * (the public cloud, a gateway, the emulator) uses the public cloud's values unless overridden.
 */
export function cloudForEndpoint(endpoint: string | undefined): Cloud {
  if (!endpoint) return PUBLIC_CLOUD;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return PUBLIC_CLOUD;
  }
  if (host.endsWith('.azure.us') || host.endsWith('.usgovcloudapi.net')) return US_GOVERNMENT;
  if (host.endsWith('.azure.cn') || host.endsWith('.chinacloudapi.cn')) return CHINA;
  return PUBLIC_CLOUD;
}

/** `az login --scope` and `az account get-access-token --resource` want the resource, not `/.default`. */
export function scopeToResource(scope: string): string {
  return scope.replace(/\/\.default$/, '');
}
