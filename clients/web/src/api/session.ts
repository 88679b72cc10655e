// The signed-in session, kept in localStorage so a reload or a new tab stays signed in.
//
// Access tokens are short-lived (5 minutes by default); the refresh token buys a new pair and can be
// used once. Tabs share the stored session and take turns refreshing (Web Locks), so two tabs never
// spend the same refresh token, which the users service would take for a stolen copy.
import { useSyncExternalStore } from 'react';
import type { Role } from '../__generated__/graphql.ts';

export interface Viewer {
  id: string;
  name: string;
  roles: Role[];
}

export interface Session {
  accessToken: string;
  expiresAt: string;
  refreshToken: string;
  refreshExpiresAt: string;
  user: Viewer;
}

const KEY = 'marketplace.session';
const listeners = new Set<() => void>();
let current: Session | null = read();

function read(): Session | null {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return null;
    const session = JSON.parse(raw) as Session;
    // A session whose refresh token has run out cannot be revived: forget it.
    return Date.parse(session.refreshExpiresAt) > Date.now() ? session : null;
  } catch {
    return null;
  }
}

function emit(): void {
  for (const listener of listeners) listener();
}

// Another tab signed in, out, or refreshed.
window.addEventListener('storage', (event) => {
  if (event.key !== KEY && event.key !== null) return;
  current = read();
  emit();
});

export const sessionStore = {
  get(): Session | null {
    return current;
  },
  /** Re-reads what another tab may have written. */
  reload(): Session | null {
    current = read();
    return current;
  },
  set(session: Session | null): void {
    current = session;
    if (session) localStorage.setItem(KEY, JSON.stringify(session));
    else localStorage.removeItem(KEY);
    emit();
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
};

export function useSession(): Session | null {
  return useSyncExternalStore(sessionStore.subscribe, sessionStore.get);
}

export function hasRole(session: Session | null, role: Role): boolean {
  return session?.user.roles.includes(role) ?? false;
}

/** Runs `task` while no other tab of this storefront is refreshing (Web Locks where the browser has them). */
export async function exclusively<T>(task: () => Promise<T>): Promise<T> {
  if (typeof navigator !== 'undefined' && navigator.locks) return navigator.locks.request('marketplace.session.refresh', task);
  return task();
}
