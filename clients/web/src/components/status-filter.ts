// A list filtered by one status: the choices ("All" first) and the status the URL names, if any.

export function statusFilters<S extends string>(labels: Record<S, string>): { value: string; label: string }[] {
  return [{ value: 'ALL', label: 'All' }, ...(Object.keys(labels) as S[]).map((s) => ({ value: s, label: labels[s] }))];
}

export function statusParam<S extends string>(params: URLSearchParams, labels: Record<S, string>): S | undefined {
  const value = params.get('status');
  return value && value in labels ? (value as S) : undefined;
}
