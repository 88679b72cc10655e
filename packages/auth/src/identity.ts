// Who is calling: nobody, a user with roles, or another marketplace service.
export const ROLES = ['BUYER', 'SELLER', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];

export type Identity =
  | { kind: 'anonymous' }
  | { kind: 'user'; userId: string; roles: readonly Role[]; tokenId: string; /** The session the token was issued for (tokens of the users service always name one). */ sessionId?: string }
  | { kind: 'service'; service: string };

export const ANONYMOUS: Identity = Object.freeze({ kind: 'anonymous' });

export function hasRole(identity: Identity, role: Role): boolean {
  return identity.kind === 'user' && identity.roles.includes(role);
}

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}
