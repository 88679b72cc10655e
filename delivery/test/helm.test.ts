// The Helm chart: lints, renders objects the Kubernetes API accepts, and keeps its safety properties.
import { readFile } from 'node:fs/promises';
import { beforeAll, describe, expect, it } from 'vitest';
import { CHART_DIR, PRODUCTION_VALUES, helmBinary, quickStartSecrets, renderChart, runHelm, templateArgs, valueArgs, type K8sObject } from '../src/helm.ts';
import { undocumentedValues } from '../src/helm-values.ts';
import { validateObject } from '../src/k8s-validate.ts';

const SERVICES = ['router', 'users', 'products', 'orders'] as const;
const SUBGRAPH_CALLERS: Record<string, string[]> = { users: ['router'], products: ['orders', 'router'], orders: ['router'] };

let helm: string;
const renders: Record<'quickStart' | 'production', K8sObject[]> = { quickStart: [], production: [] };

beforeAll(async () => {
  helm = await helmBinary();
  [renders.quickStart, renders.production] = await Promise.all([
    renderChart(helm, { set: quickStartSecrets() }),
    renderChart(helm, { valuesFiles: [PRODUCTION_VALUES] }),
  ]);
});

const ofKind = (objects: K8sObject[], kind: string): any[] => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
const podLabels = (deployment: any): Record<string, string> => deployment.spec.template.metadata.labels;
const component = (deployment: any): string => podLabels(deployment)['app.kubernetes.io/component']!;
const annotation = (objects: K8sObject[], name: string, key: string): string =>
  ofKind(objects, 'Deployment').find((d) => component(d) === name).spec.template.metadata.annotations[key];

describe('the checks themselves', () => {
  it('refuse an object the API schema rejects, a kind it does not know, and an undocumented value', async () => {
    const deployment = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'x' }, spec: { replicas: 'two', selector: {}, template: {} } };
    await expect(validateObject(deployment)).rejects.toThrow(/replicas must be integer/);
    await expect(validateObject({ ...deployment, kind: 'Deploymnet' })).rejects.toThrow(/unknown kind Deploymnet/);
    await expect(validateObject({ apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'x' } })).rejects.toThrow(/unknown kind/);
    expect(undocumentedValues('# Documented.\na: 1\nb:\n  c: 2\n')).toEqual(['b', 'b.c']);
  });
});

describe('helm lint --strict', () => {
  it.each([
    ['the default values with the quick-start secrets', valueArgs({ set: quickStartSecrets() })],
    ['values-production.yaml', valueArgs({ valuesFiles: [PRODUCTION_VALUES] })],
    ['values-staging.yaml', valueArgs({ valuesFiles: [`${CHART_DIR}/values-staging.yaml`] })],
  ])('passes with %s', async (_label, args) => {
    const result = await runHelm(helm, ['lint', '--strict', CHART_DIR, ...args]);
    expect(result.stdout + result.stderr, result.stdout + result.stderr).toMatch(/1 chart\(s\) linted, 0 chart\(s\) failed/);
    expect(result.code).toBe(0);
  });
});

describe.each(['quickStart', 'production'] as const)('helm template with the %s values', (which) => {
  const objects = () => renders[which];

  it('renders only objects the Kubernetes API schemas accept', async () => {
    expect(objects().length).toBeGreaterThan(0);
    for (const object of objects()) await validateObject(object);
  });

  it('renders every kind once per service', () => {
    for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'ConfigMap', 'HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) {
      expect(ofKind(objects(), kind).map((o) => o.metadata.labels['app.kubernetes.io/component']).sort(), kind).toEqual([...SERVICES].sort());
    }
    const names = objects().map((o) => `${o.kind}/${o.metadata.name}`);
    expect(new Set(names).size).toBe(names.length);
  });

  it('gives every container probes, requests and limits, and a locked-down security context', () => {
    const pods = [...ofKind(objects(), 'Deployment').map((d) => d.spec.template.spec), ...ofKind(objects(), 'Pod').map((p) => p.spec)];
    for (const pod of pods) {
      expect(pod.automountServiceAccountToken).toBe(false);
      expect(pod.securityContext.seccompProfile.type).toBe('RuntimeDefault');
      for (const container of pod.containers) {
        const security = { ...pod.securityContext, ...container.securityContext };
        expect(security.runAsNonRoot, container.name).toBe(true);
        expect(security.runAsUser).toBe(1000);
        expect(container.securityContext.readOnlyRootFilesystem).toBe(true);
        expect(container.securityContext.allowPrivilegeEscalation).toBe(false);
        expect(container.securityContext.capabilities.drop).toEqual(['ALL']);
        for (const resource of ['cpu', 'memory']) {
          expect(container.resources.requests[resource], `${container.name} requests.${resource}`).toBeDefined();
          expect(container.resources.limits[resource], `${container.name} limits.${resource}`).toBeDefined();
        }
      }
    }
    for (const deployment of ofKind(objects(), 'Deployment')) {
      const [container, ...others] = deployment.spec.template.spec.containers;
      expect(others).toEqual([]);
      expect(container.livenessProbe.httpGet).toEqual({ path: '/healthz', port: 'http' });
      expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
      expect(container.startupProbe.httpGet.path).toBe('/healthz');
      expect(container.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    }
  });

  it('rolls out without losing capacity, autoscales, and limits disruptions, for every Deployment', () => {
    for (const deployment of ofKind(objects(), 'Deployment')) {
      const name = deployment.metadata.name;
      expect(deployment.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
      expect(deployment.spec.replicas, 'the HPA owns the replica count').toBeUndefined();
      const hpas = ofKind(objects(), 'HorizontalPodAutoscaler').filter((h) => h.spec.scaleTargetRef.name === name);
      expect(hpas, name).toHaveLength(1);
      expect(hpas[0].apiVersion).toBe('autoscaling/v2');
      expect(hpas[0].spec.scaleTargetRef).toMatchObject({ apiVersion: 'apps/v1', kind: 'Deployment' });
      expect(hpas[0].spec.minReplicas).toBeGreaterThanOrEqual(2);
      expect(hpas[0].spec.metrics).toContainEqual(expect.objectContaining({ type: 'Resource', resource: expect.objectContaining({ name: 'cpu' }) }));
      const pdbs = ofKind(objects(), 'PodDisruptionBudget').filter((p) => matches(p.spec.selector.matchLabels, podLabels(deployment)));
      expect(pdbs, name).toHaveLength(1);
      const zone = deployment.spec.template.spec.topologySpreadConstraints.find((c: any) => c.topologyKey === 'topology.kubernetes.io/zone');
      expect(zone, name).toBeDefined();
      expect(matches(zone.labelSelector.matchLabels, podLabels(deployment))).toBe(true);
    }
  });

  it('lets only the router into the subgraphs, and orders into products', () => {
    const deployments = ofKind(objects(), 'Deployment');
    const policies = ofKind(objects(), 'NetworkPolicy');
    for (const deployment of deployments) {
      const name = component(deployment);
      const own = policies.filter((p) => matches(p.spec.podSelector.matchLabels, podLabels(deployment)));
      expect(own, name).toHaveLength(1);
      expect(own[0].spec.policyTypes).toContain('Ingress');
      if (name === 'router') continue;
      const callers = new Set<string>();
      for (const rule of own[0].spec.ingress) {
        expect(rule.from?.length, `${name}: a rule without "from" admits everyone`).toBeGreaterThan(0);
        expect(rule.ports).toEqual([{ port: 'http', protocol: 'TCP' }]);
        for (const peer of rule.from) {
          expect(Object.keys(peer), `${name}: only pods of this release may call it`).toEqual(['podSelector']);
          for (const caller of deployments.filter((d) => matches(peer.podSelector.matchLabels, podLabels(d)))) callers.add(component(caller));
        }
      }
      expect([...callers].sort(), name).toEqual(SUBGRAPH_CALLERS[name]);
    }
  });

  it('wires each service to the Services it calls and mounts only the secrets it reads', () => {
    const configs = Object.fromEntries(ofKind(objects(), 'ConfigMap').map((c) => [c.metadata.labels['app.kubernetes.io/component'], c.data]));
    const files = (name: string) => Object.keys(configs[name]).filter((k) => k.endsWith('_FILE')).sort();
    expect(files('router')).toEqual(['AUTH_PUBLIC_KEYS_FILE']);
    expect(files('users')).toEqual(['AUTH_PUBLIC_KEYS_FILE', 'AUTH_SECRET_KEY_FILE', 'MONGODB_URI_FILE']);
    expect(files('products')).toEqual(['AUTH_PUBLIC_KEYS_FILE', 'MONGODB_URI_FILE', 'SERVICE_PUBLIC_KEYS_FILE']);
    expect(files('orders')).toEqual(['AUTH_PUBLIC_KEYS_FILE', 'MONGODB_URI_FILE', 'SERVICE_SECRET_KEY_FILE']);
    const services = Object.fromEntries(ofKind(objects(), 'Service').map((s) => [s.metadata.labels['app.kubernetes.io/component'], s]));
    const url = (name: string) => `http://${services[name].metadata.name}:${services[name].spec.ports[0].port}/graphql`;
    expect(configs.router).toMatchObject({ HOST: '0.0.0.0', ROUTER_PORT: '4000', USERS_URL: url('users'), PRODUCTS_URL: url('products'), ORDERS_URL: url('orders') });
    expect(configs.orders).toMatchObject({ PRODUCTS_URL: url('products'), ORDERS_PORT: '4003' });
    for (const deployment of ofKind(objects(), 'Deployment')) {
      const config = configs[component(deployment)];
      const mountPath = deployment.spec.template.spec.containers[0].volumeMounts.find((m: any) => m.name === 'secrets').mountPath;
      const volume = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'secrets');
      const mounted = volume.projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => `${mountPath}/${i.path}`)).sort();
      expect(mounted).toEqual(files(component(deployment)).map((k) => config[k]).sort());
    }
  });
});

describe('secrets', () => {
  it('fails with a clear message when neither an existing Secret nor a value is given', async () => {
    const result = await runHelm(helm, templateArgs());
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/secrets\.\w+ is required .*existingSecret.*value/);
  });

  it('uses existing Secrets in production and creates none', () => {
    expect(ofKind(renders.production, 'Secret')).toEqual([]);
    const sources = ofKind(renders.production, 'Deployment').flatMap((d) => d.spec.template.spec.volumes.find((v: any) => v.name === 'secrets').projected.sources);
    expect(new Set(sources.map((s: any) => s.secret.name))).toEqual(new Set(['marketplace-mongodb', 'marketplace-paseto']));
  });
});

describe('checksum annotations', () => {
  it('roll the pods whose config or secrets changed, and only those', async () => {
    const [same, debug, rotated] = await Promise.all([
      renderChart(helm, { set: quickStartSecrets() }),
      renderChart(helm, { set: { ...quickStartSecrets(), 'config.logLevel': 'debug' } }),
      renderChart(helm, { set: { ...quickStartSecrets(), 'secrets.authSecretKey.value': quickStartSecrets('rotated')['secrets.authSecretKey.value']! } }),
    ]);
    const base = renders.quickStart;
    for (const name of SERVICES) {
      expect(annotation(same, name, 'checksum/config')).toBe(annotation(base, name, 'checksum/config'));
      expect(annotation(same, name, 'checksum/secret')).toBe(annotation(base, name, 'checksum/secret'));
      expect(annotation(debug, name, 'checksum/config'), name).not.toBe(annotation(base, name, 'checksum/config'));
      expect(annotation(debug, name, 'checksum/secret')).toBe(annotation(base, name, 'checksum/secret'));
      const changed = annotation(rotated, name, 'checksum/secret') !== annotation(base, name, 'checksum/secret');
      expect(changed, `${name} reads AUTH_SECRET_KEY: ${name === 'users'}`).toBe(name === 'users');
    }
  });
});

describe('values.schema.json', () => {
  it.each([
    ['services.users.replicaCount=-1', /replicaCount.*minimum/],
    ['services.router.replicaCount=two', /replicaCount.*want integer/],
    ['image.tag=123', /image\/tag.*want string/],
    ['services.orders.resources.limits=big', /limits.*want object/],
    ['config.logLevel=loud', /logLevel.*must be one of/],
    ['services.inventory.port=4004', /additional properties 'inventory'/],
    ['secrets.authSecretKey.value=k4.public.abc', /authSecretKey.*does not match/],
  ])('refuses %s', async (pair, message) => {
    const [key, value] = pair.split('=') as [string, string];
    const result = await runHelm(helm, templateArgs({ set: { ...quickStartSecrets(), [key]: value } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(message);
  });

  it('documents every value where it is set', async () => {
    expect(undocumentedValues(await readFile(`${CHART_DIR}/values.yaml`, 'utf8'))).toEqual([]);
    expect(undocumentedValues(await readFile(PRODUCTION_VALUES, 'utf8'))).toEqual([]);
  });
});
