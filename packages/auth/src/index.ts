// PASETO v4.public keys and tokens for the marketplace services.
export * from './identity.ts';
export * from './keys.ts';
export * from './tokens.ts';
export { publicKeyId } from './paserk-id.ts';
export { USER_TOKEN, SERVICE_TOKEN } from './token-policy.ts';
export * from './authenticate.ts';
