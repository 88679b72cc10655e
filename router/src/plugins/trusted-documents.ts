// useTrustedDocuments: requests that name a persisted document by id run its text; in safelist mode only those documents run.
//
// A request names a document by `documentId` (body or query string, the GraphQL-over-HTTP
// convention) or by `extensions.persistedQuery.sha256Hash` (Apollo clients). In `allow` mode a
// known id runs its document and everything else (APQ, any document) passes on; in `safelist` mode
// only manifest documents run, and APQ cannot register new ones.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { ConfigError, type IncomingGraphQLRequest, type RequestRewriter } from '@marketplace/service-kit';

export type PersistedDocumentsMode = 'allow' | 'safelist';

export interface TrustedDocumentsOptions {
  mode: PersistedDocumentsMode;
  /** In safelist mode, refuse requests that send a document's text instead of its id. */
  requireId: boolean;
  /** Document text by id (ids without a `sha256:` prefix). */
  documents: ReadonlyMap<string, string>;
}

export const PERSISTED_QUERY_CODES = {
  notInList: 'PERSISTED_QUERY_NOT_IN_LIST',
  idRequired: 'PERSISTED_QUERY_ID_REQUIRED',
  notFound: 'PERSISTED_QUERY_NOT_FOUND',
} as const;

const idOf = (raw: string) => raw.replace(/^sha256:/, '');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/**
 * Reads manifests in both common formats: Apollo's persisted query list
 * (`{"format":"apollo-persisted-query-manifest","version":1,"operations":[{"id","body",...}]}`) and
 * the id-to-document map codegen and Relay write (`{"<id>":"<document>"}`).
 */
export function readManifests(files: readonly string[]): Map<string, string> {
  const documents = new Map<string, string>();
  for (const file of files) {
    let manifest: unknown;
    try {
      manifest = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`PERSISTED_DOCUMENTS: ${file} cannot be read as JSON (${(error as Error).message})`);
    }
    for (const [id, body] of entriesOf(manifest, file)) documents.set(idOf(id), body);
  }
  return documents;
}

function entriesOf(manifest: unknown, file: string): [string, string][] {
  if (typeof manifest !== 'object' || manifest === null || Array.isArray(manifest)) throw new ConfigError(`PERSISTED_DOCUMENTS: ${file} is not a manifest`);
  const record = manifest as Record<string, unknown>;
  if (record.format === 'apollo-persisted-query-manifest') {
    if (!Array.isArray(record.operations)) throw new ConfigError(`PERSISTED_DOCUMENTS: ${file} has no operations list`);
    return record.operations.map((operation: { id?: unknown; body?: unknown }) => {
      if (typeof operation?.id !== 'string' || typeof operation.body !== 'string') throw new ConfigError(`PERSISTED_DOCUMENTS: ${file} has an operation without an id or body`);
      return [operation.id, operation.body];
    });
  }
  return Object.entries(record).map(([id, body]) => {
    if (typeof body !== 'string') throw new ConfigError(`PERSISTED_DOCUMENTS: ${file} maps ${id} to something that is not a document`);
    return [id, body];
  });
}

interface Named {
  query?: unknown;
  documentId?: unknown;
  extensions?: { persistedQuery?: { sha256Hash?: unknown } } & Record<string, unknown>;
}

function refuse(code: string, message: string) {
  return { refuse: { status: 400, errors: [{ message, extensions: { code } }] } };
}

export function useTrustedDocuments(options: TrustedDocumentsOptions): RequestRewriter {
  const known = options.documents;
  const bodies = new Set([...known.values()].map(sha256));
  return (request: IncomingGraphQLRequest) => {
    const params = new URLSearchParams(request.search);
    const fromGet = request.method === 'GET';
    let body: Named;
    if (fromGet) {
      let extensions: Named['extensions'];
      try {
        extensions = params.has('extensions') ? JSON.parse(params.get('extensions')!) : undefined;
      } catch {
        extensions = undefined;
      }
      body = { query: params.get('query') ?? undefined, documentId: params.get('documentId') ?? undefined, extensions };
    } else {
      if (typeof request.body !== 'object' || request.body === null) return request;
      body = request.body as Named;
    }
    const rawId = typeof body.documentId === 'string' ? body.documentId : body.extensions?.persistedQuery?.sha256Hash;
    const query = typeof body.query === 'string' && body.query !== '' ? body.query : undefined;

    if (typeof rawId === 'string') {
      const document = known.get(idOf(rawId));
      if (document === undefined) {
        if (options.mode === 'safelist') {
          return query
            ? refuse(PERSISTED_QUERY_CODES.notInList, 'this document is not in the persisted documents list; new documents cannot be registered')
            : refuse(PERSISTED_QUERY_CODES.notFound, `no persisted document has the id ${rawId}`);
        }
        // Allow mode: an APQ hash is Apollo's to resolve or register; a documentId only we know.
        if (typeof body.documentId === 'string') return refuse(PERSISTED_QUERY_CODES.notFound, `no persisted document has the id ${rawId}`);
        return request;
      }
      return withDocument(request, body, document, fromGet, params);
    }
    if (options.mode === 'allow' || query === undefined) return request;
    if (options.requireId) return refuse(PERSISTED_QUERY_CODES.idRequired, 'send the id of a persisted document (documentId or extensions.persistedQuery.sha256Hash), not its text');
    if (!bodies.has(sha256(query))) return refuse(PERSISTED_QUERY_CODES.notInList, 'this document is not in the persisted documents list');
    return request;
  };
}

/** The request with the manifest's text as its query and the id taken out, so GraphQL parses the trusted text. */
function withDocument(request: IncomingGraphQLRequest, body: Named, document: string, fromGet: boolean, params: URLSearchParams) {
  const { persistedQuery: _persisted, ...extensions } = body.extensions ?? {};
  if (fromGet) {
    params.set('query', document);
    params.delete('documentId');
    if (Object.keys(extensions).length) params.set('extensions', JSON.stringify(extensions));
    else params.delete('extensions');
    return { body: request.body, search: `?${params}` };
  }
  const { documentId: _id, extensions: _extensions, ...rest } = request.body as Record<string, unknown>;
  return { body: { ...rest, query: document, ...(Object.keys(extensions).length ? { extensions } : {}) }, search: request.search };
}
