// The gateway bench's closing tables: medians of the rounds side by side, the ratios per round, and the spread.
import type { SubgraphName } from '@marketplace/service-kit';
import type { Workload } from './gateways-workloads.ts';

export type TargetName = 'router' | 'stock' | 'hive' | 'alone';

/** One run of one workload against one target. */
export interface Sample {
  /** 2xx answers without GraphQL errors per second. */
  rps: number;
  /** Requests sent per second from the start of the run until every process measured was idle again. */
  worked: number;
  /** Latency percentiles, ms; undefined when nothing was answered in the run. */
  p50: number | undefined;
  p99: number | undefined;
  ok: number;
  /** Non-2xx answers, socket errors and timeouts. */
  failed: number;
  /** 2xx answers with GraphQL errors (not counted in rps). */
  graphqlErrors: number;
  firstError?: string | undefined;
  /** CPU time per request sent (each was worked on to the end), µs: the gateway's process (undefined for a subgraph alone), the three subgraphs', the database server's. */
  gatewayCpu: number | undefined;
  subgraphCpu: number;
  databaseCpu: number | undefined;
  /** MongoDB commands per request sent, by subgraph. */
  commands: Record<SubgraphName, number>;
  /** Requests sent, answered or not. */
  sent: number;
  /** Seconds the processes took to finish the requests still in flight when the load stopped. */
  drained: number;
}

export interface Column {
  target: TargetName;
  label: string;
}

export const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
};

const fixed = (value: number | undefined, digits = 0) => (value === undefined || !Number.isFinite(value) ? '-' : value.toFixed(digits));
const ms = (us: number | undefined) => (us === undefined || !Number.isFinite(us) ? '-' : (us / 1000).toFixed(2));
const spreadOf = (values: number[]) => {
  const positive = values.filter((value) => value > 0);
  return positive.length === values.length && positive.length ? Math.max(...positive) / Math.min(...positive) : Number.NaN;
};

function table(header: string[], rows: string[][]): string {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `| ${cells.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join(' | ')} |`;
  return [line(header), `|${widths.map((width, i) => (i < 2 ? `:${'-'.repeat(width + 1)}` : `${'-'.repeat(width + 1)}:`)).join('|')}|`, ...rows.map(line)].join('\n');
}

export interface Results {
  workloads: Workload[];
  columns(workload: Workload): Column[];
  samples(workload: Workload, target: TargetName): Sample[];
  hasDatabaseCpu: boolean;
}

export function closingTables(results: Results): string {
  const { workloads, columns, samples } = results;
  const out: string[] = [];
  const m = (list: Sample[], pick: (sample: Sample) => number | undefined) => {
    const values = list.map(pick).filter((value): value is number => value !== undefined);
    return values.length ? median(values) : undefined;
  };

  out.push('### Medians of the rounds (CPU and database commands per request)');
  const rows: string[][] = [];
  for (const workload of workloads) {
    for (const column of columns(workload)) {
      const list = samples(workload, column.target);
      const commands = (sample: Sample) => sample.commands.users + sample.commands.products + sample.commands.orders;
      const bad = list.reduce((sum, sample) => sum + sample.failed + sample.graphqlErrors, 0);
      rows.push([
        workload.key,
        column.label,
        `${fixed(m(list, (s) => s.rps), 1)}${workload.unit ? ` ${workload.unit}` : ''}`,
        fixed(m(list, (s) => s.worked), 1),
        fixed(m(list, (s) => s.p50), 1),
        fixed(m(list, (s) => s.p99), 1),
        ms(m(list, (s) => s.gatewayCpu)),
        ms(m(list, (s) => s.subgraphCpu)),
        results.hasDatabaseCpu ? ms(m(list, (s) => s.databaseCpu)) : '-',
        `${fixed(m(list, (s) => s.commands.users), 1)}/${fixed(m(list, (s) => s.commands.products), 1)}/${fixed(m(list, (s) => s.commands.orders), 1)} = ${fixed(m(list, commands), 1)}`,
        String(bad),
      ]);
    }
  }
  out.push(table(['workload', 'target', 'req/s', 'worked/s', 'p50 ms', 'p99 ms', 'gateway CPU ms', 'subgraphs CPU ms', 'database CPU ms', 'DB commands u/p/o = all', 'failed'], rows));

  out.push('', '### Router against the stock gateway and Hive Gateway: ratio per round (median)');
  const ratioRows: string[][] = [];
  for (const workload of workloads) {
    const router = samples(workload, 'router');
    for (const other of ['stock', 'hive'] as const) {
      const theirs = samples(workload, other);
      const per = (pick: (sample: Sample) => number | undefined) => router.map((sample, i) => (pick(sample) ?? Number.NaN) / (pick(theirs[i]!) ?? Number.NaN));
      const show = (values: number[]) => `${values.map((value) => fixed(value, 2)).join(', ')} (${fixed(median(values.filter(Number.isFinite)), 2)})`;
      ratioRows.push([workload.key, `router/${other}`, show(per((s) => s.rps)), show(per((s) => s.worked)), show(per((s) => s.p50)), show(per((s) => s.gatewayCpu))]);
    }
  }
  out.push(table(['workload', 'ratio', 'req/s', 'worked/s', 'p50', 'gateway CPU/req'], ratioRows));

  out.push('', "### Spread between rounds: req/s and worked/s of each round, max/min (and max/min of gateway CPU per request; the subgraphs' CPU for a subgraph alone)");
  const spreadRows: string[][] = [];
  for (const workload of workloads) {
    for (const column of columns(workload)) {
      const list = samples(workload, column.target);
      const cpu = list.map((s) => s.gatewayCpu ?? s.subgraphCpu);
      spreadRows.push([
        workload.key,
        column.label,
        list.map((s) => fixed(s.rps, 1)).join(', '),
        fixed(spreadOf(list.map((s) => s.rps)), 2),
        list.map((s) => fixed(s.worked, 1)).join(', '),
        fixed(spreadOf(list.map((s) => s.worked)), 2),
        fixed(spreadOf(cpu), 2),
      ]);
    }
  }
  out.push(table(['workload', 'target', 'req/s by round', 'max/min', 'worked/s by round', 'max/min', 'CPU max/min'], spreadRows));
  return out.join('\n');
}
