// The caller's address: the socket's, or the right-most untrusted X-Forwarded-For entry behind trusted proxies.
import type { IncomingMessage } from 'node:http';
import proxyAddr from 'proxy-addr';

export type TrustProxy = (address: string, hop: number) => boolean;

/**
 * Compiles TRUSTED_PROXIES (CIDRs, addresses, or proxy-addr's names `loopback`, `linklocal`,
 * `uniquelocal`). With none, X-Forwarded-For is never read, so a client cannot choose its own address.
 */
export function compileTrustedProxies(entries: readonly string[]): TrustProxy {
  return proxyAddr.compile([...entries]);
}

export function clientIpOf(req: IncomingMessage, trust: TrustProxy): string {
  return proxyAddr(req, trust);
}
