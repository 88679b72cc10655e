// The facts every signer and verifier must agree on: issuers, audiences, lifetimes.
export const USER_TOKEN = {
  issuer: 'marketplace-users',
  audience: 'marketplace',
  /** Access tokens are short-lived: 5 minutes unless configured, never more than an hour; refresh tokens keep a session going. */
  defaultTtlSeconds: 5 * 60,
  maxTtlSeconds: 60 * 60,
} as const;

export const SERVICE_TOKEN = {
  issuer: 'marketplace-services',
  audience: 'marketplace-internal',
  defaultTtlSeconds: 60,
} as const;

/** Tolerated clock skew between services, in seconds. */
export const CLOCK_TOLERANCE_SECONDS = 5;
