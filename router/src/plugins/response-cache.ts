// Whole responses kept in memory for as long as the subgraphs' @cacheControl hints allow, per caller.
//
// The gateway's cache policy for a request is what the subgraphs' Cache-Control headers allow (the most
// restrictive of every fetch, merged ones included: see data-source.ts). The catalog's hints are PUBLIC:
// they say what an anonymous caller sees, the same for every one of them. An answer to a signed-in
// caller is always PRIVATE (the subgraphs make it so, and so does this plugin, whatever they say): it
// is kept under the caller's session (the user id, the session of the token, and a generation that
// every mutation the caller sends through this router moves on, so their own changes show at once).
// Anonymous callers have no session: their PUBLIC answers are kept for every anonymous caller and for
// nobody else (the plugin never hands a session-less entry to a caller with a session), and a PRIVATE
// answer to one is not kept. Entries live at most maxAge seconds (README "Response cache"); the cache
// is the server's bounded in-memory LRU cache.
import type { ApolloServerPlugin, GraphQLRequestContext } from '@apollo/server';
import responseCachePlugin from '@apollo/server-plugin-response-cache';
import { privateWhen } from '@marketplace/service-kit';
import type { RouterContext } from '../context.ts';

const ANONYMOUS_SESSION = 'anonymous';

/** Moves on a caller's generation when they mutate: entries of their older generations are never read again. */
class Generations {
  readonly #generations = new Map<string, number>();
  readonly #max: number;

  constructor(max: number) {
    this.#max = max;
  }

  of(caller: string): number {
    return this.#generations.get(caller) ?? 0;
  }

  bump(caller: string): void {
    const next = this.of(caller) + 1;
    this.#generations.delete(caller);
    this.#generations.set(caller, next);
    // Bounded: the oldest caller forgotten falls back to generation 0, whose entries have long expired
    // (an entry lives seconds; a caller is forgotten only after `max` other callers mutated).
    if (this.#generations.size > this.#max) this.#generations.delete(this.#generations.keys().next().value!);
  }
}

/** The caller an answer may go back to: a user's session, or every anonymous caller. */
export function callerOf(context: RouterContext): string | undefined {
  const { identity } = context;
  if (identity.kind === 'anonymous') return ANONYMOUS_SESSION;
  if (identity.kind === 'user') return `user:${identity.userId}:${identity.sessionId ?? identity.tokenId}:${identity.roles.join(',')}`;
  return undefined;
}

export function useResponseCache(options: { maxCallers?: number } = {}): ApolloServerPlugin<RouterContext>[] {
  const generations = new Generations(options.maxCallers ?? 100_000);
  const isMutation = (requestContext: GraphQLRequestContext<RouterContext>) => requestContext.operation?.operation === 'mutation';
  const cache = responseCachePlugin<RouterContext>({
    sessionId: async ({ contextValue }) => {
      const caller = callerOf(contextValue);
      return caller === undefined || caller === ANONYMOUS_SESSION ? null : `${caller}#${generations.of(caller)}`;
    },
    // A service token never reads or writes entries (none of its answers are anyone's to share).
    shouldReadFromCache: async (requestContext) => !isMutation(requestContext) && callerOf(requestContext.contextValue) !== undefined,
    shouldWriteToCache: async (requestContext) => !isMutation(requestContext) && callerOf(requestContext.contextValue) !== undefined,
  });
  const invalidate: ApolloServerPlugin<RouterContext> = {
    async requestDidStart() {
      return {
        // After the mutation ran: reads that started before it wrote under the old generation.
        async willSendResponse(requestContext) {
          if (!isMutation(requestContext)) return;
          const caller = callerOf(requestContext.contextValue);
          if (caller !== undefined && caller !== ANONYMOUS_SESSION) generations.bump(caller);
        },
      };
    },
  };
  // Never a PUBLIC answer to a caller with an identity: it would be kept for other callers (and said
  // so to shared caches) while it may hold what only this caller sees.
  const identifiedIsPrivate = privateWhen<RouterContext>(({ contextValue }) => contextValue.identity.kind !== 'anonymous');
  return [cache, invalidate, identifiedIsPrivate];
}
