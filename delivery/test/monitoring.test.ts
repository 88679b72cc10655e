// Monitoring in the chart: metrics ports and scrape annotations, the ServiceMonitor, the Grafana dashboard and the tracing settings.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CHART_DIR, CLIENT_MANIFESTS, PRODUCTION_VALUES, helmBinary, quickStartValues, renderChart, runHelm, templateArgs, valueArgs, type K8sObject, type RenderOptions } from '../src/helm.ts';
import { validateObject } from '../src/k8s-validate.ts';
import { labelValuesMetric, metricNames } from '../src/promql-names.ts';

const SERVICES = ['router', 'users', 'products', 'orders'] as const;
const DASHBOARD_FILE = `${CHART_DIR}/dashboards/marketplace.json`;
const DASHBOARD_UID = 'marketplace-overview';
const METRICS_PORT = 9464;

/** The metrics the services export (their contract with the dashboard), and what kind each is. */
const CONTRACT: Readonly<Record<string, 'counter' | 'gauge' | 'histogram'>> = {
  graphql_requests_total: 'counter',
  graphql_request_duration_seconds: 'histogram',
  graphql_errors_total: 'counter',
  process_cpu_seconds_total: 'counter',
  nodejs_eventloop_lag_p99_seconds: 'gauge',
  nodejs_heap_size_used_bytes: 'gauge',
  nodejs_gc_duration_seconds: 'histogram',
  router_subgraph_fetch_duration_seconds: 'histogram',
  router_subgraph_fetch_errors_total: 'counter',
  router_query_plan_cache_total: 'counter',
  router_operations_refused_total: 'counter',
  router_rate_limited_total: 'counter',
  mongodb_command_duration_seconds: 'histogram',
  mongodb_pool_connections_in_use: 'gauge',
  mongodb_pool_connections_open: 'gauge',
  dataloader_batch_size: 'histogram',
  sweep_runs_total: 'counter',
  sweep_items_total: 'counter',
  products_stock_conflicts_total: 'counter',
  products_stock_retries_total: 'counter',
  orders_placed_total: 'counter',
  orders_paid_total: 'counter',
  orders_cancelled_total: 'counter',
  orders_expired_total: 'counter',
};
/** A series name Prometheus stores for the contract: a counter's or gauge's own name, a histogram's _bucket, _sum or _count. */
const inContract = (series: string): boolean => {
  if (CONTRACT[series] && CONTRACT[series] !== 'histogram') return true;
  const base = series.replace(/_(bucket|sum|count)$/, '');
  return base !== series && CONTRACT[base] === 'histogram';
};

/** Everything on: ServiceMonitor, dashboard, tracing, the metrics NetworkPolicy rule, the router's requests-per-second target. */
const MONITORING_VALUES = `
metrics:
  serviceMonitor:
    enabled: true
    interval: 15s
    scrapeTimeout: 5s
    labels:
      release: kube-prometheus-stack
  dashboard:
    enabled: true
    annotations:
      grafana_folder: Marketplace
tracing:
  otlpEndpoint: http://otel-collector.monitoring:4318
  sampler: parentbased_traceidratio
  samplerArg: 0.1
  resourceAttributes:
    deployment.environment.name: staging
networkPolicy:
  metricsFrom:
    - namespaceSelector:
        matchLabels:
          kubernetes.io/metadata.name: monitoring
      podSelector:
        matchLabels:
          app.kubernetes.io/name: prometheus
services:
  router:
    autoscaling:
      requestsPerSecond: 800
ingress:
  enabled: true
  hosts: [api.example.com]
`;
const METRICS_FROM = [
  { namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } },
];

let helm: string;
let dir: string;
let monitoringFile: string;
const renders: Record<'defaults' | 'monitoring' | 'production' | 'productionMonitoring', K8sObject[]> = { defaults: [], monitoring: [], production: [], productionMonitoring: [] };
const PRODUCTION: RenderOptions = { valuesFiles: [PRODUCTION_VALUES], setFile: CLIENT_MANIFESTS };

beforeAll(async () => {
  helm = await helmBinary();
  dir = await mkdtemp(path.join(tmpdir(), 'marketplace-monitoring-'));
  monitoringFile = path.join(dir, 'monitoring.yaml');
  await writeFile(monitoringFile, MONITORING_VALUES);
  [renders.defaults, renders.monitoring, renders.production, renders.productionMonitoring] = await Promise.all([
    renderChart(helm, { set: quickStartValues() }),
    renderChart(helm, { valuesFiles: [monitoringFile], set: quickStartValues() }),
    renderChart(helm, PRODUCTION),
    renderChart(helm, { ...PRODUCTION, valuesFiles: [PRODUCTION_VALUES, monitoringFile] }),
  ]);
});

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

const ofKind = (objects: K8sObject[], kind: string): any[] => objects.filter((o) => o.kind === kind);
const componentOf = (object: any): string => object.metadata.labels['app.kubernetes.io/component'];
const deploymentOf = (objects: K8sObject[], name: string): any => ofKind(objects, 'Deployment').find((d) => componentOf(d) === name);
const serviceOf = (objects: K8sObject[], name: string): any => ofKind(objects, 'Service').find((s) => componentOf(s) === name);
const configOf = (objects: K8sObject[], name: string): Record<string, string> =>
  ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === deploymentOf(objects, name).spec.template.spec.containers[0].envFrom[0].configMapRef.name).data;
const matches = (selector: Record<string, string>, labels: Record<string, string> = {}) => Object.entries(selector).every(([key, value]) => labels[key] === value);
const refused = async (options: RenderOptions, message: RegExp) => {
  const result = await runHelm(helm, templateArgs(options));
  expect(result.code, `rendered although it should be refused (${message})`).not.toBe(0);
  expect(result.stderr).toMatch(message);
};

describe('the checks themselves', () => {
  it('validate a ServiceMonitor against the CRD schema and refuse a bad one', async () => {
    const monitor = {
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'ServiceMonitor',
      metadata: { name: 'x' },
      spec: { selector: { matchLabels: { a: 'b' } }, endpoints: [{ port: 'metrics', interval: '30s' }] },
    };
    await validateObject(monitor);
    await expect(validateObject({ ...monitor, spec: { ...monitor.spec, endpoints: [{ port: 'metrics', interval: '30 seconds' }] } })).rejects.toThrow(/interval must match pattern/);
    await expect(validateObject({ ...monitor, spec: { endpoints: [{ port: 9464 }] } })).rejects.toThrow(/selector/);
    await expect(validateObject({ ...monitor, kind: 'ServiceMonitr' })).rejects.toThrow(/unknown kind ServiceMonitr/);
  });

  it('read metric names, not functions, labels, numbers or variables, out of PromQL', () => {
    expect(metricNames('histogram_quantile(0.95, sum by (operation, le) (rate(a_seconds_bucket{component="router", x=~"$namespace"}[$__rate_interval])))')).toEqual(['a_seconds_bucket']);
    expect(metricNames('sum(rate(a_total{outcome="error"}[5m])) by (code) / ignoring(code) group_left sum(rate(b_total[5m])) * 1e3')).toEqual(['a_total', 'b_total']);
    expect(metricNames('max by (component) (c_bytes) offset 5m')).toEqual(['c_bytes']);
    expect(labelValuesMetric('label_values(graphql_requests_total, namespace)')).toBe('graphql_requests_total');
    expect(inContract('graphql_request_duration_seconds_bucket')).toBe(true);
    expect(inContract('graphql_request_duration_seconds')).toBe(false);
    expect(inContract('graphql_requests_total_bucket')).toBe(false);
    expect(inContract('graphql_request_total')).toBe(false);
  });
});

describe('with the default values (monitoring off)', () => {
  it('renders no ServiceMonitor and no dashboard, in the quick start or in production', () => {
    for (const objects of [renders.defaults, renders.production]) {
      expect(ofKind(objects, 'ServiceMonitor')).toEqual([]);
      expect(ofKind(objects, 'ConfigMap').filter((c) => componentOf(c) === 'dashboard')).toEqual([]);
    }
  });

  it('gives every service METRICS_PORT, a container and Service port named metrics, and the scrape annotations', () => {
    for (const objects of [renders.defaults, renders.production]) {
      for (const name of SERVICES) {
        const pod = deploymentOf(objects, name).spec.template;
        expect(configOf(objects, name).METRICS_PORT, name).toBe(String(METRICS_PORT));
        expect(pod.spec.containers[0].ports).toContainEqual({ name: 'metrics', containerPort: METRICS_PORT, protocol: 'TCP' });
        expect(pod.metadata.annotations).toMatchObject({ 'prometheus.io/scrape': 'true', 'prometheus.io/port': String(METRICS_PORT), 'prometheus.io/path': '/metrics' });
        const ports = serviceOf(objects, name).spec.ports;
        expect(ports[0].name, 'http stays the first port').toBe('http');
        expect(ports).toContainEqual(expect.objectContaining({ name: 'metrics', port: METRICS_PORT, targetPort: 'metrics' }));
        for (const port of ports) expect(pod.spec.containers[0].ports.map((p: any) => p.name), `${name} Service port ${port.name}`).toContain(port.targetPort);
      }
    }
  });

  it('sets no tracing variable, and leaves the metrics port closed to everyone while the NetworkPolicies are on', () => {
    for (const name of SERVICES) {
      expect(Object.keys(configOf(renders.defaults, name)).filter((key) => key.startsWith('OTEL_')), name).toEqual([]);
      expect(deploymentOf(renders.defaults, name).spec.template.spec.containers[0].env, name).toBeUndefined();
    }
    for (const policy of ofKind(renders.defaults, 'NetworkPolicy')) {
      const ports = policy.spec.ingress.flatMap((rule: any) => rule.ports.map((p: any) => p.port));
      expect(ports, policy.metadata.name).not.toContain('metrics');
    }
  });

  it('leaves out the metrics port, METRICS_PORT and the annotations with metrics.enabled=false', async () => {
    const objects = await renderChart(helm, { set: { ...quickStartValues(), 'metrics.enabled': 'false' } });
    for (const name of SERVICES) {
      const pod = deploymentOf(objects, name).spec.template;
      expect(configOf(objects, name), name).not.toHaveProperty('METRICS_PORT');
      expect(pod.spec.containers[0].ports.map((p: any) => p.name)).toEqual(['http']);
      expect(Object.keys(pod.metadata.annotations).filter((key) => key.startsWith('prometheus.io/'))).toEqual([]);
      expect(serviceOf(objects, name).spec.ports.map((p: any) => p.name)).toEqual(['http']);
    }
  });
});

describe.each(['monitoring', 'productionMonitoring'] as const)('with monitoring on (%s)', (which) => {
  const objects = () => renders[which];

  it('renders only objects the Kubernetes and Prometheus Operator schemas accept', async () => {
    expect(ofKind(objects(), 'ServiceMonitor')).toHaveLength(1);
    for (const object of objects()) await validateObject(object);
  });

  it("renders one ServiceMonitor that selects the four Services, each on its port named metrics", () => {
    const [monitor] = ofKind(objects(), 'ServiceMonitor');
    expect(monitor.apiVersion).toBe('monitoring.coreos.com/v1');
    expect(monitor.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack', 'app.kubernetes.io/part-of': 'marketplace' });
    expect(monitor.spec.namespaceSelector).toEqual({ matchNames: ['marketplace'] });
    expect(monitor.spec.endpoints).toEqual([{ port: 'metrics', path: '/metrics', interval: '15s', scrapeTimeout: '5s' }]);
    const selected = ofKind(objects(), 'Service').filter((s) => matches(monitor.spec.selector.matchLabels, s.metadata.labels));
    expect(selected.map(componentOf).sort()).toEqual([...SERVICES].sort());
    for (const service of selected) expect(service.spec.ports.map((p: any) => p.name), service.metadata.name).toContain('metrics');
  });

  it('ships the dashboard file as it is, in a ConfigMap labelled for the Grafana sidecar', async () => {
    const dashboards = ofKind(objects(), 'ConfigMap').filter((c) => componentOf(c) === 'dashboard');
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0].metadata.labels.grafana_dashboard).toBe('1');
    expect(dashboards[0].metadata.annotations).toEqual({ grafana_folder: 'Marketplace' });
    expect(Object.keys(dashboards[0].data)).toEqual(['marketplace.json']);
    expect(dashboards[0].data['marketplace.json']).toBe((await readFile(DASHBOARD_FILE, 'utf8')).trimEnd());
  });

  it('never routes the Ingress to a metrics port', () => {
    const ingresses = ofKind(objects(), 'Ingress');
    expect(ingresses).toHaveLength(1);
    const router = serviceOf(objects(), 'router');
    for (const rule of ingresses[0].spec.rules) {
      for (const { backend } of rule.http.paths) {
        expect(backend.service.name).toBe(router.metadata.name);
        expect(backend.service.port).toEqual({ name: 'http' });
        const port = router.spec.ports.find((p: any) => p.name === backend.service.port.name);
        expect(port.port).not.toBe(METRICS_PORT);
        expect(port.targetPort).toBe('http');
      }
    }
    expect(ingresses[0].spec.defaultBackend).toBeUndefined();
  });

  it('opens the metrics port, and only it, to networkPolicy.metricsFrom', () => {
    for (const policy of ofKind(objects(), 'NetworkPolicy')) {
      const metrics = policy.spec.ingress.filter((rule: any) => rule.ports.some((p: any) => p.port === 'metrics'));
      expect(metrics, policy.metadata.name).toEqual([{ ports: [{ port: 'metrics', protocol: 'TCP' }], from: METRICS_FROM }]);
      const http = policy.spec.ingress.filter((rule: any) => rule !== metrics[0]);
      for (const rule of http) expect(rule.ports, policy.metadata.name).toEqual([{ port: 'http', protocol: 'TCP' }]);
      if (componentOf(policy) !== 'router') for (const rule of http) expect(rule.from).not.toEqual(expect.arrayContaining(METRICS_FROM));
    }
  });

  it('gives every service the OTLP endpoint, the sampler and its resource attributes', () => {
    const namespace = 'marketplace';
    for (const name of SERVICES) {
      expect(configOf(objects(), name), name).toMatchObject({
        OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel-collector.monitoring:4318',
        OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
        OTEL_TRACES_SAMPLER_ARG: '0.1',
      });
      expect(configOf(objects(), name), 'the code names the service').not.toHaveProperty('OTEL_SERVICE_NAME');
      const container = deploymentOf(objects(), name).spec.template.spec.containers[0];
      expect(container.env[0]).toEqual({ name: 'K8S_POD_NAME', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } });
      const attributes = container.env.find((e: any) => e.name === 'OTEL_RESOURCE_ATTRIBUTES').value.split(',');
      expect(attributes).toEqual(expect.arrayContaining(['deployment.environment.name=staging', `k8s.namespace.name=${namespace}`, 'k8s.pod.name=$(K8S_POD_NAME)']));
      expect(attributes.find((a: string) => a.startsWith('service.version='))).toBe(`service.version=${deploymentOf(objects(), name).spec.template.spec.containers[0].image.split(':').pop()}`);
    }
  });

  it("adds a requests-per-second Pods metric to the router's HPA and keeps its CPU target", () => {
    const hpas = Object.fromEntries(ofKind(objects(), 'HorizontalPodAutoscaler').map((h) => [componentOf(h), h]));
    expect(hpas.router.spec.metrics).toContainEqual(expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }));
    expect(hpas.router.spec.metrics).toContainEqual({ type: 'Pods', pods: { metric: { name: 'graphql_requests_per_second' }, target: { type: 'AverageValue', averageValue: '800' } } });
    for (const name of ['users', 'products', 'orders']) expect(hpas[name].spec.metrics.map((m: any) => m.type), name).toEqual(['Resource']);
  });
});

describe('the Grafana dashboard', () => {
  let dashboard: any;
  const panels = (): any[] => dashboard.panels.filter((p: any) => p.type !== 'row');
  const expressions = (): string[] => panels().flatMap((p) => p.targets.map((t: any) => t.expr));
  const groupedBy = (expression: string, labels: string[]) =>
    [...expression.matchAll(/\bby\s*\(([^)]*)\)/g)].some((m) => labels.every((label) => m[1]!.split(',').map((l) => l.trim()).includes(label)));

  beforeAll(async () => {
    dashboard = JSON.parse(await readFile(DASHBOARD_FILE, 'utf8'));
  });

  it('has a stable uid, a recent schema and a Prometheus data source variable that every panel and query uses', () => {
    expect(dashboard.uid).toBe(DASHBOARD_UID);
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    const variables = dashboard.templating.list;
    expect(variables).toContainEqual(expect.objectContaining({ name: 'datasource', type: 'datasource', query: 'prometheus' }));
    const source = { type: 'prometheus', uid: '${datasource}' };
    for (const panel of panels()) {
      expect(panel.datasource, panel.title).toEqual(source);
      expect(panel.targets.length, panel.title).toBeGreaterThan(0);
      for (const target of panel.targets) expect(target.datasource, panel.title).toEqual(source);
    }
    for (const variable of variables.filter((v: any) => v.type === 'query')) expect(variable.datasource, variable.name).toEqual(source);
    const ids = dashboard.panels.map((p: any) => p.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('queries only the metrics the services export, each selector filtered by the namespace variable', () => {
    const used = new Set<string>();
    for (const expression of expressions()) {
      const names = metricNames(expression);
      expect(names.length, expression).toBeGreaterThan(0);
      for (const name of names) {
        used.add(name);
        expect(inContract(name), `${name} in ${expression}`).toBe(true);
        const selectors = [...expression.matchAll(new RegExp(`\\b${name}(\\{[^}]*\\})?`, 'g'))];
        for (const [, matchers] of selectors) expect(matchers, `${name} in ${expression}`).toMatch(/namespace=~"\$namespace"/);
      }
    }
    for (const variable of dashboard.templating.list.filter((v: any) => v.type === 'query')) {
      const metric = labelValuesMetric(variable.query.query ?? variable.query);
      expect(metric && inContract(metric), `variable ${variable.name}`).toBe(true);
    }
    expect(used.size).toBeGreaterThan(15);
  });

  it.each<[string, (expression: string) => boolean]>([
    ['router request rate per operation', (e) => /rate\(graphql_requests_total\{[^}]*component="router"/.test(e) && groupedBy(e, ['operation']) && !e.includes('outcome="error"')],
    ['router error rate per operation', (e) => /rate\(graphql_requests_total\{[^}]*outcome="error"/.test(e) && e.includes('component="router"') && groupedBy(e, ['operation'])],
    ['router errors by code', (e) => /rate\(graphql_errors_total\{[^}]*component="router"/.test(e) && groupedBy(e, ['code'])],
    ['router p95 latency per operation', (e) => /^histogram_quantile\(0\.95, /.test(e) && /graphql_request_duration_seconds_bucket\{[^}]*component="router"/.test(e) && groupedBy(e, ['operation', 'le'])],
    ['fetch rate per subgraph', (e) => /rate\(router_subgraph_fetch_duration_seconds_count\b/.test(e) && groupedBy(e, ['subgraph'])],
    ['fetch error rate per subgraph', (e) => /rate\(router_subgraph_fetch_errors_total\b/.test(e) && groupedBy(e, ['subgraph'])],
    ['p95 fetch latency per subgraph', (e) => /^histogram_quantile\(0\.95, /.test(e) && e.includes('router_subgraph_fetch_duration_seconds_bucket') && groupedBy(e, ['subgraph', 'le'])],
    ['MongoDB p95 command latency by collection and command', (e) => /^histogram_quantile\(0\.95, /.test(e) && e.includes('mongodb_command_duration_seconds_bucket') && groupedBy(e, ['collection', 'command', 'le'])],
    ['MongoDB pool connections in use', (e) => e.includes('mongodb_pool_connections_in_use')],
    ['orders placed', (e) => /rate\(orders_placed_total\b/.test(e)],
    ['orders paid', (e) => /rate\(orders_paid_total\b/.test(e)],
    ['orders cancelled', (e) => /rate\(orders_cancelled_total\b/.test(e)],
    ['orders expired', (e) => /rate\(orders_expired_total\b/.test(e)],
    ['refused operations', (e) => /rate\(router_operations_refused_total\b/.test(e) && groupedBy(e, ['reason'])],
    ['rate-limited requests', (e) => /rate\(router_rate_limited_total\b/.test(e) && groupedBy(e, ['scope'])],
    ['event loop lag per component', (e) => e.includes('nodejs_eventloop_lag_p99_seconds') && groupedBy(e, ['component'])],
    ['heap used per component', (e) => e.includes('nodejs_heap_size_used_bytes') && groupedBy(e, ['component'])],
  ])('has a panel of the %s', (_label, query) => {
    expect(expressions().filter(query), expressions().join('\n')).not.toHaveLength(0);
  });
});

describe('monitoring values', () => {
  it('roll every service when the metrics port or the OTLP endpoint changes', async () => {
    const [port, endpoint] = await Promise.all([
      renderChart(helm, { set: { ...quickStartValues(), 'metrics.port': '9100' } }),
      renderChart(helm, { set: { ...quickStartValues(), 'tracing.otlpEndpoint': 'http://otel-collector.monitoring:4318' } }),
    ]);
    for (const name of SERVICES) {
      const base = deploymentOf(renders.defaults, name).spec.template.metadata.annotations['checksum/config'];
      for (const changed of [port, endpoint]) expect(deploymentOf(changed, name).spec.template.metadata.annotations['checksum/config'], name).not.toBe(base);
      expect(deploymentOf(port, name).spec.template.metadata.annotations['prometheus.io/port']).toBe('9100');
      expect(serviceOf(port, name).spec.ports).toContainEqual(expect.objectContaining({ name: 'metrics', port: 9100 }));
    }
  });

  it('let podAnnotations override a scrape annotation without a duplicate key', async () => {
    const file = path.join(dir, 'no-scrape.yaml');
    await writeFile(file, 'services:\n  users:\n    podAnnotations:\n      prometheus.io/scrape: "false"\n');
    const objects = await renderChart(helm, { valuesFiles: [file], set: quickStartValues() });
    expect(deploymentOf(objects, 'users').spec.template.metadata.annotations['prometheus.io/scrape']).toBe('false');
    expect(deploymentOf(objects, 'orders').spec.template.metadata.annotations['prometheus.io/scrape']).toBe('true');
  });

  it('put the ServiceMonitor and the dashboard in the namespaces asked for, still selecting the release namespace', async () => {
    const objects = await renderChart(helm, {
      set: {
        ...quickStartValues(),
        'metrics.serviceMonitor.enabled': 'true',
        'metrics.serviceMonitor.namespace': 'monitoring',
        'metrics.dashboard.enabled': 'true',
        'metrics.dashboard.namespace': 'grafana',
      },
    });
    const [monitor] = ofKind(objects, 'ServiceMonitor');
    expect(monitor.metadata.namespace).toBe('monitoring');
    expect(monitor.spec.namespaceSelector.matchNames).toEqual(['marketplace']);
    expect(ofKind(objects, 'ConfigMap').find((c) => componentOf(c) === 'dashboard').metadata.namespace).toBe('grafana');
  });

  it.each([
    ['a ServiceMonitor without metrics', { 'metrics.enabled': 'false', 'metrics.serviceMonitor.enabled': 'true' }, /metrics\.serviceMonitor\.enabled needs metrics\.enabled/],
    ['a metrics port that is a service port', { 'metrics.port': '4002' }, /metrics\.port \(4002\) is the port of the products service/],
    ['a scrape timeout above the interval', { 'metrics.serviceMonitor.enabled': 'true', 'metrics.serviceMonitor.interval': '10s', 'metrics.serviceMonitor.scrapeTimeout': '1m' }, /scrapeTimeout \(1m\) is longer than metrics\.serviceMonitor\.interval \(10s\)/],
    ['a sampler without an endpoint', { 'tracing.sampler': 'always_off' }, /tracing\.sampler is set but tracing\.otlpEndpoint is empty/],
    ['resource attributes without an endpoint', { 'tracing.resourceAttributes.team': 'shop' }, /tracing\.resourceAttributes is set but tracing\.otlpEndpoint is empty/],
    ['a sampler argument for a sampler without a ratio', { 'tracing.otlpEndpoint': 'http://otel:4318', 'tracing.sampler': 'always_on', 'tracing.samplerArg': '0.5' }, /tracing\.samplerArg is the ratio of the traceidratio and parentbased_traceidratio samplers, and tracing\.sampler is "always_on"/],
  ])('refuses %s, naming the values', async (_label, set, message) => {
    await refused({ set: { ...quickStartValues(), ...set } }, message);
  });

  it.each([
    ['metrics.port=80', /metrics\/port.*minimum/],
    ['metrics.path=/prometheus', /metrics\/path/],
    ['metrics.serviceMonitor.interval=30 seconds', /serviceMonitor\/interval.*does not match/],
    ['metrics.serviceMonitor.namespace=Monitoring', /serviceMonitor\/namespace.*does not match/],
    ['metrics.dashboard.labels.grafana_dashboard=1', /dashboard\/labels\/grafana_dashboard.*want string/],
    ['tracing.otlpEndpoint=otel-collector:4318', /otlpEndpoint.*does not match/],
    ['tracing.sampler=sometimes', /sampler.*must be one of/],
    ['tracing.samplerArg=2', /samplerArg/],
    ['tracing.resourceAttributes.team=a b', /resourceAttributes\/team.*does not match/],
    ['networkPolicy.metricsFrom[0].serviceSelector.a=b', /metricsFrom\/0.*additional properties 'serviceSelector'/],
    ['services.router.autoscaling.requestsPerSecond=0', /requestsPerSecond.*minimum/],
  ])('schema refuses %s', async (pair, message) => {
    const [key, value] = pair.split('=') as [string, string];
    const result = await runHelm(helm, templateArgs({ set: { ...quickStartValues(), [key]: value } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(message);
  });

  it('lint --strict with monitoring on, over the defaults and over values-production.yaml', async () => {
    for (const args of [valueArgs({ valuesFiles: [monitoringFile], set: quickStartValues() }), valueArgs({ ...PRODUCTION, valuesFiles: [PRODUCTION_VALUES, monitoringFile] })]) {
      const result = await runHelm(helm, ['lint', '--strict', CHART_DIR, ...args]);
      expect(result.stdout + result.stderr, result.stdout + result.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    }
  });
});
