// Where the gateway is: read at start-up from /config.json, which the storefront's server writes,
// so one build runs against any gateway. `VITE_GATEWAY_URL` is the fallback for a bare `vite` run.
export interface StorefrontConfig {
  gatewayUrl: string;
}

export async function loadConfig(): Promise<StorefrontConfig> {
  const fallback: StorefrontConfig = { gatewayUrl: import.meta.env.VITE_GATEWAY_URL ?? 'http://localhost:4000/graphql' };
  try {
    const response = await fetch('/config.json', { cache: 'no-store' });
    if (!response.ok) return fallback;
    const body = (await response.json()) as Partial<StorefrontConfig>;
    return typeof body.gatewayUrl === 'string' ? { gatewayUrl: body.gatewayUrl } : fallback;
  } catch {
    return fallback;
  }
}
