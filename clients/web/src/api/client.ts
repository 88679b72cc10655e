// The storefront's GraphQL client. It sends a persisted document's id (`documentId`, the
// GraphQL-over-HTTP convention for trusted documents) and the variables, never a document's text:
// `npm run codegen` turns src/operations into typed documents that hold only their hash (and whether
// they are queries), and into the manifest the gateway runs them from. An anonymous visitor's
// queries go by GET, so the browser and a CDN can keep what the gateway marks public (the catalog);
// everything else by POST, which no cache keeps, so a signed-in user always sees their own changes.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { StorefrontRefreshDocument, type SessionFragment } from '../__generated__/graphql.ts';
import { ApiError, NETWORK_ERROR, type GraphQLErrorAnswer } from './errors.ts';
import { exclusively, sessionStore, type Session } from './session.ts';

/** Refresh this long before the access token runs out, so a request never leaves with a dying token. */
const REFRESH_AHEAD_MS = 30_000;

let gatewayUrl = 'http://localhost:4000/graphql';

export function configureGateway(url: string): void {
  gatewayUrl = url;
}

type PersistedDocument = { __meta__?: { hash?: unknown; operationType?: unknown } };

export function documentIdOf(document: object): string {
  const hash = (document as PersistedDocument).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('not a persisted document: run `npm run codegen`');
  return hash;
}

/** The request for a document: an anonymous query by GET (the gateway asks GETs for a preflight header), anything else by POST. */
function requestOf(document: object, variables: unknown, token: string | undefined): [string, RequestInit] {
  const headers: Record<string, string> = { accept: 'application/graphql-response+json, application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) };
  const documentId = documentIdOf(document);
  if (!token && (document as PersistedDocument).__meta__?.operationType === 'query') {
    const search = new URLSearchParams({ documentId, variables: JSON.stringify(variables ?? {}) });
    return [`${gatewayUrl}?${search}`, { method: 'GET', headers: { ...headers, 'apollo-require-preflight': 'true' } }];
  }
  return [gatewayUrl, { method: 'POST', headers: { ...headers, 'content-type': 'application/json' }, body: JSON.stringify({ documentId, variables }) }];
}

async function send<TResult, TVariables>(
  document: TypedDocumentNode<TResult, TVariables>,
  variables: TVariables,
  token: string | undefined,
): Promise<TResult> {
  let response: Response;
  try {
    response = await fetch(...requestOf(document, variables, token));
  } catch {
    throw new ApiError(0, [{ message: 'the gateway could not be reached', extensions: { code: NETWORK_ERROR } }]);
  }
  let body: { data?: TResult | null; errors?: GraphQLErrorAnswer[] };
  try {
    body = (await response.json()) as typeof body;
  } catch {
    throw new ApiError(response.status, [{ message: `HTTP ${response.status}`, extensions: { code: response.status >= 500 ? 'INTERNAL_SERVER_ERROR' : 'BAD_RESPONSE' } }]);
  }
  if (body.errors?.length || body.data == null) throw new ApiError(response.status, body.errors ?? []);
  return body.data;
}

function toSession(payload: SessionFragment): Session {
  return { ...payload, user: { ...payload.user, roles: [...payload.user.roles] } };
}

export function startSession(payload: SessionFragment): void {
  sessionStore.set(toSession(payload));
}

let refreshing: Promise<Session | null> | undefined;

/**
 * A new access token for the stored session, once for all callers at a time (in this tab and across
 * tabs). Null when the session cannot be renewed (it ended, or was signed out elsewhere): then the
 * stored session is gone and the caller is signed out.
 */
export function renewSession(stale: Session): Promise<Session | null> {
  refreshing ??= exclusively(async () => {
    // Another tab may have refreshed while this one waited for the lock.
    const latest = sessionStore.reload();
    if (!latest) return null;
    if (latest.refreshToken !== stale.refreshToken && Date.parse(latest.expiresAt) - Date.now() > REFRESH_AHEAD_MS) return latest;
    try {
      const data = await send(StorefrontRefreshDocument, { refreshToken: latest.refreshToken }, undefined);
      const renewed = toSession(data.refresh);
      sessionStore.set(renewed);
      return renewed;
    } catch (error) {
      if (error instanceof ApiError && error.has('UNAUTHENTICATED')) {
        sessionStore.set(null);
        return null;
      }
      throw error;
    }
  }).finally(() => {
    refreshing = undefined;
  });
  return refreshing;
}

async function freshSession(): Promise<Session | null> {
  const session = sessionStore.get();
  if (!session) return null;
  if (Date.parse(session.expiresAt) - Date.now() > REFRESH_AHEAD_MS) return session;
  return renewSession(session);
}

/**
 * Runs an operation as the signed-in user (or anonymously): renews the access token when it is about
 * to run out, and once more if the gateway turns it down (UNAUTHENTICATED), before giving up.
 */
export async function execute<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  const session = await freshSession();
  try {
    return await send(document, variables, session?.accessToken);
  } catch (error) {
    if (!(session && error instanceof ApiError && error.has('UNAUTHENTICATED'))) throw error;
    const renewed = await renewSession(session);
    if (!renewed) throw error;
    return send(document, variables, renewed.accessToken);
  }
}

/** Runs an operation without a session (sign-in, registration). */
export function executeAnonymously<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
  return send(document, variables, undefined);
}
