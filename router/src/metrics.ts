// The router's own metrics: subgraph fetches, the query plan cache, and what it refused (limits, cost, safelist, rate limits).
import { ErrorCode, type ServiceMetrics } from '@marketplace/service-kit';
import { PERSISTED_QUERY_CODES } from './plugins/trusted-documents.ts';

/** The codes of a request the router refused before running it. */
const REFUSALS = new Set<string>([
  ErrorCode.MAX_DEPTH_LIMIT,
  ErrorCode.MAX_ALIASES_LIMIT,
  ErrorCode.MAX_ROOT_FIELDS_LIMIT,
  ErrorCode.MAX_DIRECTIVES_LIMIT,
  ErrorCode.MAX_TOKENS_LIMIT,
  ErrorCode.COST_ESTIMATED_TOO_EXPENSIVE,
  ...Object.values(PERSISTED_QUERY_CODES),
]);

export interface RouterMetrics {
  /** One subgraph fetch: its time and the codes of the errors it answered with (or failed with). */
  fetched(subgraph: string, seconds: number, codes: readonly string[]): void;
  planLookup(hit: boolean): void;
  /** A subgraph read answered by an identical one already in flight. */
  merged(subgraph: string): void;
  rateLimited(scope: 'user' | 'anonymous'): void;
}

export function routerMetrics(metrics: ServiceMetrics): RouterMetrics {
  const fetchDuration = metrics.histogram('router_subgraph_fetch_duration_seconds', 'Subgraph fetches by subgraph and outcome', ['subgraph', 'outcome']);
  const fetchErrors = metrics.counter('router_subgraph_fetch_errors_total', 'Errors in subgraph answers (or failed fetches), by subgraph and code', ['subgraph', 'code']);
  const planCache = metrics.counter('router_query_plan_cache_total', 'Query plan cache lookups, by result', ['result']);
  const refused = metrics.counter('router_operations_refused_total', 'Requests refused before running: operation limits, cost, persisted documents; by code', ['reason']);
  const merged = metrics.counter('router_subgraph_fetches_merged_total', 'Subgraph reads answered by an identical read in flight (same body and token)', ['subgraph']);
  const limited = metrics.counter('router_rate_limited_total', 'Requests refused by the rate limits, by who was limited', ['scope']);
  metrics.onRequest((_operation, codes) => {
    for (const code of new Set(codes)) if (REFUSALS.has(code)) refused.inc({ reason: code });
  });
  return {
    fetched(subgraph, seconds, codes) {
      fetchDuration.observe({ subgraph, outcome: codes.length ? 'error' : 'success' }, seconds);
      for (const code of codes) fetchErrors.inc({ subgraph, code });
    },
    planLookup: (hit) => planCache.inc({ result: hit ? 'hit' : 'miss' }),
    merged: (subgraph) => merged.inc({ subgraph }),
    rateLimited: (scope) => limited.inc({ scope }),
  };
}

/**
 * Counts hits and misses of the gateway's query plan cache by wrapping the cache's `get`. The
 * gateway keeps the cache in a field of its own (created once, cleared on schema changes); when a
 * version no longer has it, nothing is counted and a test says so.
 */
export function countPlanCacheLookups(gateway: object, metrics: RouterMetrics): boolean {
  const store = (gateway as { queryPlanStore?: { get?: (key: string) => Promise<unknown> } }).queryPlanStore;
  if (typeof store?.get !== 'function') return false;
  const get = store.get.bind(store);
  store.get = async (key: string) => {
    const plan = await get(key);
    metrics.planLookup(plan !== undefined && plan !== null);
    return plan;
  };
  return true;
}
