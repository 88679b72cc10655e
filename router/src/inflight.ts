// Merges identical subgraph reads in flight: one fetch answers every caller that asked the same
// subgraph the same thing with the same token, while the first is still waiting.
//
// Never across callers with different tokens (the key holds the Authorization the router forwards),
// never for mutations (each must run), and each caller gets its own copy of the answer, because
// the gateway merges subgraph answers into its result in place.

/** Enough of a subgraph answer to copy it: the GraphQL result, plus the HTTP response it came in, shared. */
interface Answer {
  data?: unknown;
  errors?: unknown;
  extensions?: unknown;
  http?: unknown;
}

const MUTATION = /^\s*mutation\b/;

/** The merge key of a subgraph request, or undefined when it must run on its own (a mutation). */
export function mergeKey(subgraph: string, authorization: string | undefined, request: { query?: string; operationName?: string | null; variables?: unknown }): string | undefined {
  if (!request.query || MUTATION.test(request.query)) return undefined;
  return JSON.stringify([subgraph, authorization ?? null, request.query, request.operationName ?? null, request.variables ?? null]);
}

function copyOf<T extends Answer>(answer: T): T {
  const { http, ...result } = answer;
  return { ...structuredClone(result), ...(http === undefined ? {} : { http }) } as T;
}

export class InFlightRequests {
  readonly #pending = new Map<string, { resolve: (answer: never) => void; reject: (error: unknown) => void }[]>();
  #merged = 0;

  /** Callers that were answered by another caller's fetch, since start. */
  get merged(): number {
    return this.#merged;
  }

  /** A fetch under this key is in flight: a caller now would share it. */
  has(key: string): boolean {
    return this.#pending.has(key);
  }

  /** `fetch`'s answer, shared with every caller that asks under the same key before it settles. */
  run<T extends Answer>(key: string, fetch: () => Promise<T>): Promise<T> {
    const waiting = this.#pending.get(key);
    if (waiting) {
      this.#merged++;
      return new Promise<T>((resolve, reject) => waiting.push({ resolve: resolve as (answer: never) => void, reject }));
    }
    const waiters: { resolve: (answer: never) => void; reject: (error: unknown) => void }[] = [];
    this.#pending.set(key, waiters);
    return fetch().then(
      (answer) => {
        this.#pending.delete(key);
        // Every copy is made before any caller's continuation runs and changes its own.
        const copies = waiters.map(() => copyOf(answer));
        waiters.forEach((waiter, i) => waiter.resolve(copies[i] as never));
        return answer;
      },
      (error: unknown) => {
        this.#pending.delete(key);
        for (const waiter of waiters) waiter.reject(error);
        throw error;
      },
    );
  }
}
