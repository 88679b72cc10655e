// A GraphQL-over-HTTP client for tests and scripts: real requests, no Apollo client in between.
export interface GraphQLErrorBody {
  message: string;
  path?: (string | number)[];
  extensions?: { code?: string; [key: string]: unknown };
}

export interface GraphQLResult<T = Record<string, any>> {
  status: number;
  data?: T | null;
  errors?: GraphQLErrorBody[];
}

export interface RequestOptions {
  token?: string;
  headers?: Record<string, string>;
  extensions?: Record<string, unknown>;
}

export async function graphql<T = Record<string, any>>(
  url: string,
  query: string | undefined,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<GraphQLResult<T>> {
  const response = await fetch(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
      ...options.headers,
    },
    body: JSON.stringify({ query, variables, ...(options.extensions ? { extensions: options.extensions } : {}) }),
    signal: AbortSignal.timeout(30_000),
  });
  const body = (await response.json()) as Omit<GraphQLResult<T>, 'status'>;
  return { status: response.status, ...body };
}

/** The codes of a result's errors, in order. */
export function errorCodes(result: GraphQLResult): (string | undefined)[] {
  return (result.errors ?? []).map((e) => e.extensions?.code);
}

/** Returns data, failing loudly with the errors when there are any. */
export async function expectData<T = Record<string, any>>(
  url: string,
  query: string,
  variables: Record<string, unknown> = {},
  options: RequestOptions = {},
): Promise<T> {
  const result = await graphql<T>(url, query, variables, options);
  if (result.errors?.length || !result.data) {
    throw new Error(`expected data, got ${result.status}: ${JSON.stringify(result.errors)}`);
  }
  return result.data;
}
