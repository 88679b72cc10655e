// The mobile app's GraphQL client: it sends a persisted document's id and the variables, never a document's text.
//
// The operations in src/operations are compiled by `npm run codegen` into typed documents that
// hold only their hash, and into the manifest (src/__generated__/persisted-documents.json) the
// gateway runs them from. A request names the document the way Apollo iOS and Kotlin do with a
// persisted query list: `extensions.persistedQuery.sha256Hash`.
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';

export interface MobileClientOptions {
  /** The gateway's /graphql URL. */
  url: string;
  /** The signed-in user's access token, when there is one. */
  token?: () => string | undefined;
}

export interface GraphQLErrorAnswer {
  message: string;
  extensions?: { code?: string; [key: string]: unknown };
}

export class GraphQLRequestError extends Error {
  override name = 'GraphQLRequestError';
  readonly status: number;
  readonly errors: GraphQLErrorAnswer[];
  constructor(status: number, errors: GraphQLErrorAnswer[]) {
    super(errors.map((e) => `${e.extensions?.code ?? 'ERROR'}: ${e.message}`).join('; ') || `HTTP ${status}`);
    this.status = status;
    this.errors = errors;
  }

  get codes(): (string | undefined)[] {
    return this.errors.map((e) => e.extensions?.code);
  }
}

/** The id a generated document carries in place of its text. */
export function documentIdOf(document: object): string {
  const hash = (document as { __meta__?: { hash?: unknown } }).__meta__?.hash;
  if (typeof hash !== 'string') throw new Error('not a persisted document: run `npm run codegen`');
  return hash.replace(/^sha256:/, '');
}

export function createMobileClient(options: MobileClientOptions) {
  return async function execute<TResult, TVariables>(document: TypedDocumentNode<TResult, TVariables>, variables: TVariables): Promise<TResult> {
    const token = options.token?.();
    const response = await fetch(options.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: JSON.stringify({ variables, extensions: { persistedQuery: { version: 1, sha256Hash: documentIdOf(document) } } }),
    });
    const body = (await response.json()) as { data?: TResult | null; errors?: GraphQLErrorAnswer[] };
    if (body.errors?.length || !body.data) throw new GraphQLRequestError(response.status, body.errors ?? []);
    return body.data;
  };
}
