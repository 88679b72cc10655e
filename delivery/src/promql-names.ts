// Reads the metric names out of PromQL expressions, so a dashboard can be checked against the metrics the services export.

// Words that may stand where a metric name would and are not one.
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);

/** The metric names an expression selects, e.g. ["graphql_request_duration_seconds_bucket"]; functions and label names are not. */
export function metricNames(expression: string): string[] {
  const stripped = expression
    // Strings (label values, Grafana variables in them) first, so braces or words inside them do not count.
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  // A name starts where no identifier or number goes on (so 1e3 or 0.95 give nothing).
  for (const match of stripped.matchAll(/(?<![\w.:$])[A-Za-z_:][\w:]*/g)) {
    const rest = stripped.slice(match.index + match[0].length).trimStart();
    if (rest.startsWith('(') || KEYWORDS.has(match[0].toLowerCase())) continue;
    names.add(match[0]);
  }
  return [...names];
}

/** The metric of a Grafana label_values(metric, label) variable query, or none for label_values(label). */
export function labelValuesMetric(query: string): string | undefined {
  const match = /^\s*label_values\(\s*([^,()]+?)\s*,\s*[\w]+\s*\)\s*$/.exec(query);
  return match ? metricNames(match[1]!)[0] : undefined;
}
