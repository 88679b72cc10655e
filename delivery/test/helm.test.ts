// The Helm chart: lints, renders objects the Kubernetes API accepts, and keeps its safety properties.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  CHART_DIR,
  CLIENT_MANIFESTS,
  CLIENTS,
  PRODUCTION_VALUES,
  STAGING_VALUES,
  SUBGRAPHS,
  clientManifest,
  helmBinary,
  quickStartMongodbUri,
  quickStartSecrets,
  renderChart,
  runHelm,
  templateArgs,
  valueArgs,
  type K8sObject,
  type RenderOptions,
} from '../src/helm.ts';
import { undocumentedValues } from '../src/helm-values.ts';
import { validateObject } from '../src/k8s-validate.ts';

const SERVICES = ['router', 'users', 'products', 'orders'] as const;
const PAYMENT_SERVICE_URL = 'https://payments.example.internal';
/** The quick-start secrets and a payment provider, which NODE_ENV=production (the default) requires. */
const secretsAndPayments = (seed?: string): Record<string, string> => ({
  ...quickStartSecrets(seed),
  'config.orders.paymentProvider': 'http',
  'config.orders.paymentServiceUrl': PAYMENT_SERVICE_URL,
});
/**
 * The least --set the defaults need: the secrets and payment provider above, and, as no manifests are mounted,
 * allow mode on purpose (NODE_ENV=production refuses to run any document otherwise).
 */
const quickStart = (seed?: string): Record<string, string> => ({ ...secretsAndPayments(seed), 'config.router.persistedDocuments.mode': 'allow' });
/** The example values files as CD deploys them: with both clients' manifests. */
const PRODUCTION: RenderOptions = { valuesFiles: [PRODUCTION_VALUES], setFile: CLIENT_MANIFESTS };
const STAGING: RenderOptions = { valuesFiles: [STAGING_VALUES], setFile: CLIENT_MANIFESTS };
/** The quick start with one connection string for every subgraph (secrets.mongodbUri.shared) instead of one each. */
const sharedQuickStart = (): Record<string, string> => ({
  ...Object.fromEntries(Object.entries(quickStart()).filter(([key]) => !key.startsWith('secrets.mongodbUri.'))),
  'secrets.mongodbUri.shared.value': quickStartMongodbUri('shared'),
});
const SUBGRAPH_CALLERS: Record<string, string[]> = { users: ['router'], products: ['orders', 'router'], orders: ['router'] };

let helm: string;
const renders: Record<'quickStart' | 'production', K8sObject[]> = { quickStart: [], production: [] };

beforeAll(async () => {
  helm = await helmBinary();
  [renders.quickStart, renders.production] = await Promise.all([
    renderChart(helm, { set: quickStart() }),
    renderChart(helm, PRODUCTION),
  ]);
});

const ofKind = (objects: K8sObject[], kind: string): any[] => objects.filter((o) => o.kind === kind);
const matches = (selector: Record<string, string> = {}, labels: Record<string, string> = {}) =>
  Object.keys(selector).length > 0 && Object.entries(selector).every(([key, value]) => labels[key] === value);
const podLabels = (deployment: any): Record<string, string> => deployment.spec.template.metadata.labels;
const component = (deployment: any): string => podLabels(deployment)['app.kubernetes.io/component']!;
const annotation = (objects: K8sObject[], name: string, key: string): string =>
  ofKind(objects, 'Deployment').find((d) => component(d) === name).spec.template.metadata.annotations[key];
const deploymentOf = (objects: K8sObject[], name: string): any => ofKind(objects, 'Deployment').find((d) => component(d) === name);
/** The environment a service's container starts with: its envFrom ConfigMaps, then its env entries. */
const envOf = (objects: K8sObject[], name: string): Record<string, string> => {
  const container = deploymentOf(objects, name).spec.template.spec.containers[0];
  const env: Record<string, string> = {};
  for (const source of container.envFrom ?? []) {
    const configMap = ofKind(objects, 'ConfigMap').find((c) => c.metadata.name === source.configMapRef?.name);
    expect(configMap, `${name}: envFrom ${JSON.stringify(source)}`).toBeDefined();
    Object.assign(env, configMap.data);
  }
  for (const entry of container.env ?? []) env[entry.name] = entry.value;
  return env;
};
/** path -> "secret/key" of the files a service's secrets volume mounts. */
const mountedSecrets = (objects: K8sObject[], name: string): Record<string, string> => {
  const volume = deploymentOf(objects, name).spec.template.spec.volumes.find((v: any) => v.name === 'secrets');
  return Object.fromEntries(volume.projected.sources.flatMap((s: any) => s.secret.items.map((i: any) => [i.path, `${s.secret.name}/${i.key}`])));
};
const ROUTER_LIMIT_DEFAULTS = {
  MAX_DEPTH: '15',
  MAX_ALIASES: '30',
  MAX_ROOT_FIELDS: '20',
  MAX_TOKENS: '2000',
  MAX_DIRECTIVES: '20',
  MAX_COST: '10000',
  RATE_LIMIT_USER_PER_MINUTE: '600',
  RATE_LIMIT_ANONYMOUS_PER_MINUTE: '600',
};
const LIMIT_VARIABLES = /^(MAX_(DEPTH|ALIASES|ROOT_FIELDS|TOKENS|DIRECTIVES|COST)$|RATE_LIMIT_|CORS_ORIGINS$|TRUSTED_PROXIES$)/;
const STOCK_DEFAULTS = { STOCK_HOLD_SECONDS: '60', SWEEP_INTERVAL_SECONDS: '10' };
const ORDER_DEFAULTS = { ORDER_PAYMENT_TIMEOUT_SECONDS: '1800', MAX_OPEN_ORDERS_PER_BUYER: '20', MAX_LINE_QUANTITY: '100', SWEEP_INTERVAL_SECONDS: '10' };
const HOLD_AND_ORDER_VARIABLES = /^(STOCK_HOLD_SECONDS|SWEEP_INTERVAL_SECONDS|ORDER_PAYMENT_TIMEOUT_SECONDS|MAX_OPEN_ORDERS_PER_BUYER|MAX_LINE_QUANTITY|PAYMENT_)/;

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
    ['the default values with the quick-start secrets and a payment service', valueArgs({ set: quickStart() })],
    ['values-production.yaml', valueArgs(PRODUCTION)],
    ['values-staging.yaml', valueArgs(STAGING)],
    ['one shared MongoDB URI in development', valueArgs({ set: { ...sharedQuickStart(), 'config.nodeEnv': 'development' } })],
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
      // Production mounts the clients' manifests, from one ConfigMap of their own.
      const extra = kind === 'ConfigMap' && which === 'production' ? ['persisted-documents'] : [];
      expect(ofKind(objects(), kind).map((o) => o.metadata.labels['app.kubernetes.io/component']).sort(), kind).toEqual([...SERVICES, ...extra].sort());
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
    // values-production.yaml names a payment service token; the quick start has none.
    expect(files('orders')).toEqual(['AUTH_PUBLIC_KEYS_FILE', 'MONGODB_URI_FILE', ...(which === 'production' ? ['PAYMENT_SERVICE_TOKEN_FILE'] : []), 'SERVICE_SECRET_KEY_FILE']);
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
    // With the trusted documents settled (no manifests, any document on purpose), the secrets are what is missing.
    const result = await runHelm(helm, templateArgs({ set: { 'config.router.persistedDocuments.mode': 'allow' } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/secrets\.[\w.]+ is required .*existingSecret.*value/);
  });

  it('uses existing Secrets in production and creates none', () => {
    expect(ofKind(renders.production, 'Secret')).toEqual([]);
    const sources = ofKind(renders.production, 'Deployment').flatMap((d) => d.spec.template.spec.volumes.find((v: any) => v.name === 'secrets').projected.sources);
    expect(new Set(sources.map((s: any) => s.secret.name))).toEqual(
      new Set(['marketplace-mongodb-users', 'marketplace-mongodb-products', 'marketplace-mongodb-orders', 'marketplace-paseto', 'marketplace-payments']),
    );
  });
});

describe('one MongoDB credential per subgraph', () => {
  const createdSecret = (objects: K8sObject[]): any => ofKind(objects, 'Secret')[0];
  const uriSources = (objects: K8sObject[]) => Object.fromEntries(SUBGRAPHS.map((name) => [name, mountedSecrets(objects, name).MONGODB_URI]));

  it('gives each subgraph its own existing Secret in production and staging, mounted into that service only', async () => {
    const staging = await renderChart(helm, STAGING);
    for (const objects of [renders.production, staging]) {
      expect(uriSources(objects)).toEqual({ users: 'marketplace-mongodb-users/uri', products: 'marketplace-mongodb-products/uri', orders: 'marketplace-mongodb-orders/uri' });
      expect(mountedSecrets(objects, 'router')).not.toHaveProperty('MONGODB_URI');
      expect(envOf(objects, 'router')).not.toHaveProperty('MONGODB_URI_FILE');
      for (const deployment of ofKind(objects, 'Deployment')) {
        const mounted = deployment.spec.template.spec.volumes.find((v: any) => v.name === 'secrets').projected.sources.map((s: any) => s.secret.name);
        const own = SUBGRAPHS.filter((name) => mounted.includes(`marketplace-mongodb-${name}`));
        expect(own, component(deployment)).toEqual(component(deployment) === 'router' ? [] : [component(deployment)]);
      }
      for (const name of SUBGRAPHS) {
        expect(envOf(objects, name).MONGODB_URI_FILE).toBe('/var/run/secrets/marketplace/MONGODB_URI');
        expect(envOf(objects, name), 'the connection string itself never reaches the environment').not.toHaveProperty('MONGODB_URI');
      }
    }
  });

  it('puts each quick-start value under its own key of the created Secret, and each pod mounts only its own', () => {
    const created = createdSecret(renders.quickStart);
    const keys = Object.keys(created.data).filter((k) => k.startsWith('mongodbUri'));
    expect(keys.sort()).toEqual(['mongodbUri.orders', 'mongodbUri.products', 'mongodbUri.users']);
    for (const name of SUBGRAPHS) {
      expect(Buffer.from(created.data[`mongodbUri.${name}`], 'base64').toString()).toBe(quickStartMongodbUri(name));
      expect(mountedSecrets(renders.quickStart, name).MONGODB_URI).toBe(`${created.metadata.name}/mongodbUri.${name}`);
    }
  });

  it('renders one shared connection string in development without allowShared, for every subgraph', async () => {
    const objects = await renderChart(helm, { set: { ...sharedQuickStart(), 'config.nodeEnv': 'development' } });
    const created = createdSecret(objects);
    expect(Object.keys(created.data).filter((k) => k.startsWith('mongodbUri'))).toEqual(['mongodbUri.shared']);
    expect(Buffer.from(created.data['mongodbUri.shared'], 'base64').toString()).toBe(quickStartMongodbUri('shared'));
    expect(uriSources(objects)).toEqual(Object.fromEntries(SUBGRAPHS.map((name) => [name, `${created.metadata.name}/mongodbUri.shared`])));
    for (const object of objects) await validateObject(object);
  });

  const clearedProduction = Object.fromEntries(SUBGRAPHS.map((name) => [`secrets.mongodbUri.${name}.existingSecret`, '']));
  it.each([
    [
      'the shared entry for all three',
      { set: sharedQuickStart() },
      /the users, products and orders services would connect to MongoDB with one credential \(secrets\.mongodbUri\.shared\)/,
      { users: 'shop-secrets/mongodbUri.shared', products: 'shop-secrets/mongodbUri.shared', orders: 'shop-secrets/mongodbUri.shared' },
    ],
    [
      'the shared entry for the two left empty',
      { set: { ...sharedQuickStart(), 'secrets.mongodbUri.users.value': quickStartMongodbUri('users') } },
      /the products and orders services would connect to MongoDB with one credential \(secrets\.mongodbUri\.shared\)/,
      { users: 'shop-secrets/mongodbUri.users', products: 'shop-secrets/mongodbUri.shared', orders: 'shop-secrets/mongodbUri.shared' },
    ],
    [
      "the production values' per-service Secrets replaced by a shared one",
      { ...PRODUCTION, set: { ...clearedProduction, 'secrets.mongodbUri.shared.existingSecret': 'marketplace-mongodb' } },
      /the users, products and orders services would connect to MongoDB with one credential \(secrets\.mongodbUri\.shared\)/,
      { users: 'marketplace-mongodb/mongodb-uri', products: 'marketplace-mongodb/mongodb-uri', orders: 'marketplace-mongodb/mongodb-uri' },
    ],
    [
      'two services naming the same Secret key',
      { ...PRODUCTION, set: { 'secrets.mongodbUri.orders.existingSecret': 'marketplace-mongodb-products' } },
      /the products and orders services would connect to MongoDB with one credential \(secrets\.mongodbUri\.products and secrets\.mongodbUri\.orders name the same Secret key or hold the same value\)/,
      { users: 'marketplace-mongodb-users/uri', products: 'marketplace-mongodb-products/uri', orders: 'marketplace-mongodb-products/uri' },
    ],
    [
      'two services given the same value',
      { set: { ...quickStart(), 'secrets.mongodbUri.orders.value': quickStartMongodbUri('users') } },
      /the users and orders services would connect to MongoDB with one credential/,
      { users: 'shop-secrets/mongodbUri.users', products: 'shop-secrets/mongodbUri.products', orders: 'shop-secrets/mongodbUri.orders' },
    ],
  ])('refuses to render for production with %s, unless allowShared', async (_label, options, message, allowed) => {
    const refused = await runHelm(helm, templateArgs(options));
    expect(refused.code).not.toBe(0);
    expect(refused.stderr).toMatch(message);
    expect(refused.stderr).toMatch(/set secrets\.mongodbUri\.users, secrets\.mongodbUri\.products and secrets\.mongodbUri\.orders to different Secrets or keys/);
    expect(refused.stderr).toMatch(/only for a quick start or a single-tenant test cluster, set secrets\.mongodbUri\.allowShared=true/);
    const objects = await renderChart(helm, { ...options, set: { ...options.set, 'secrets.mongodbUri.allowShared': 'true' } });
    expect(uriSources(objects)).toEqual(allowed);
    expect(mountedSecrets(objects, 'router')).not.toHaveProperty('MONGODB_URI');
  });

  it('renders for production when only one subgraph falls back to the shared entry', async () => {
    const objects = await renderChart(helm, {
      set: { ...sharedQuickStart(), 'secrets.mongodbUri.users.value': quickStartMongodbUri('users'), 'secrets.mongodbUri.products.value': quickStartMongodbUri('products') },
    });
    expect(uriSources(objects)).toEqual({ users: 'shop-secrets/mongodbUri.users', products: 'shop-secrets/mongodbUri.products', orders: 'shop-secrets/mongodbUri.shared' });
  });

  it('names the missing entry of a subgraph that has neither its own nor a shared connection string', async () => {
    const set = Object.fromEntries(Object.entries(quickStart()).filter(([key]) => key !== 'secrets.mongodbUri.orders.value'));
    for (const options of [{ set }, { ...PRODUCTION, set: { 'secrets.mongodbUri.orders.existingSecret': '' } }]) {
      const result = await runHelm(helm, templateArgs(options));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(
        /secrets\.mongodbUri\.orders is required \(MONGODB_URI of the orders service\): set secrets\.mongodbUri\.orders\.existingSecret .* secrets\.mongodbUri\.orders\.value/,
      );
    }
  });

  it('refuses both an existing Secret and a value in one entry', async () => {
    for (const [entry, options] of [
      ['products', { ...PRODUCTION, set: { 'secrets.mongodbUri.products.value': quickStartMongodbUri('products') } }],
      ['shared', { set: { ...sharedQuickStart(), 'config.nodeEnv': 'development', 'secrets.mongodbUri.shared.existingSecret': 'marketplace-mongodb' } }],
    ] as const) {
      const result = await runHelm(helm, templateArgs(options));
      expect(result.code).not.toBe(0);
      expect(result.stderr).toMatch(new RegExp(`secrets\\.mongodbUri\\.${entry}: set either existingSecret or value, not both`));
    }
  });

  it('says where the former single connection string went', async () => {
    const result = await runHelm(helm, templateArgs({ ...PRODUCTION, set: { 'secrets.mongodbUri.existingSecret': 'marketplace-mongodb', 'secrets.mongodbUri.key': 'uri' } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/secrets\.mongodbUri\.existingSecret, \.key and \.value are gone: .*secrets\.mongodbUri\.users, secrets\.mongodbUri\.products and secrets\.mongodbUri\.orders.*secrets\.mongodbUri\.shared/);
  });

  it("rolls only the service whose connection string changed", async () => {
    const [value, secret] = await Promise.all([
      renderChart(helm, { set: { ...quickStart(), 'secrets.mongodbUri.products.value': quickStartMongodbUri('products', 'rotated') } }),
      renderChart(helm, { ...PRODUCTION, set: { 'secrets.mongodbUri.orders.key': 'uri-2' } }),
    ]);
    for (const name of SERVICES) {
      expect(annotation(value, name, 'checksum/secret') !== annotation(renders.quickStart, name, 'checksum/secret'), name).toBe(name === 'products');
      expect(annotation(secret, name, 'checksum/secret') !== annotation(renders.production, name, 'checksum/secret'), name).toBe(name === 'orders');
    }
  });
});

describe('token lifetimes', () => {
  const TOKEN_VARIABLES = /^(ACCESS_TOKEN_TTL_SECONDS|REFRESH_TOKEN_TTL)$/;

  it('give users a 300 s access token and a 30 d refresh token by default, and nobody else either setting', () => {
    for (const which of ['quickStart', 'production'] as const) {
      expect(envOf(renders[which], 'users'), which).toMatchObject({ ACCESS_TOKEN_TTL_SECONDS: '300', REFRESH_TOKEN_TTL: '30d' });
      for (const name of ['router', 'products', 'orders']) expect(Object.keys(envOf(renders[which], name)).filter((k) => TOKEN_VARIABLES.test(k)), `${which} ${name}`).toEqual([]);
    }
  });

  it('write the values given and roll only users', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marketplace-values-'));
    try {
      const file = path.join(dir, 'tokens.yaml');
      await writeFile(file, 'config:\n  accessTokenTtlSeconds: 3600\n  users:\n    refreshTokenTtl: "86400"\n');
      const [fromFile, fromSet] = await Promise.all([
        renderChart(helm, { valuesFiles: [file], set: quickStart() }),
        renderChart(helm, { set: { ...quickStart(), 'config.accessTokenTtlSeconds': '60', 'config.users.refreshTokenTtl': '12h' } }),
      ]);
      expect(envOf(fromFile, 'users')).toMatchObject({ ACCESS_TOKEN_TTL_SECONDS: '3600', REFRESH_TOKEN_TTL: '86400' });
      expect(envOf(fromSet, 'users')).toMatchObject({ ACCESS_TOKEN_TTL_SECONDS: '60', REFRESH_TOKEN_TTL: '12h' });
      for (const name of SERVICES) {
        const base = annotation(renders.quickStart, name, 'checksum/config');
        expect(annotation(fromFile, name, 'checksum/config') !== base, name).toBe(name === 'users');
        expect(annotation(fromSet, name, 'checksum/config') !== base, name).toBe(name === 'users');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('refuse a refresh token lifetime outside the 1 minute to 365 days the users service starts with', async () => {
    for (const ttl of ['0', '59', '59s', '366d', '31536001']) {
      const result = await runHelm(helm, [...templateArgs({ set: quickStart() }), '--set-string', `config.users.refreshTokenTtl=${ttl}`]);
      expect(result.code, ttl).not.toBe(0);
      expect(result.stderr).toMatch(new RegExp(`config\\.users\\.refreshTokenTtl=${ttl} is out of range: the users service takes 1 minute to 365 days`));
    }
    for (const ttl of ['60', '1m', '8760h', '365d', '31536000']) {
      const result = await runHelm(helm, [...templateArgs({ set: quickStart() }), '--set-string', `config.users.refreshTokenTtl=${ttl}`]);
      expect(result.code, `${ttl}: ${result.stderr}`).toBe(0);
    }
  });
});

describe('limits, CORS and client addresses', () => {
  it('give the router its operation limits and rate limits, and leave CORS and proxies unset by default', () => {
    const router = envOf(renders.quickStart, 'router');
    expect(router).toMatchObject(ROUTER_LIMIT_DEFAULTS);
    // The quick start mounts no manifests and runs any document, as it says on purpose (trusted documents, below).
    expect(router).toMatchObject({ PERSISTED_DOCUMENTS_MODE: 'allow', PERSISTED_DOCUMENTS_REQUIRE_ID: 'false' });
    expect(router).not.toHaveProperty('PERSISTED_DOCUMENTS');
    expect(router).not.toHaveProperty('CORS_ORIGINS');
    expect(router).not.toHaveProperty('TRUSTED_PROXIES');
    expect(Object.keys(router).filter((k) => k.startsWith('RATE_LIMIT_LOGIN') || k.startsWith('RATE_LIMIT_REGISTER'))).toEqual([]);
  });

  it('give users its sign-in limits and the private ranges as trusted proxies by default', () => {
    const users = envOf(renders.quickStart, 'users');
    expect(users).toMatchObject({ RATE_LIMIT_LOGIN_FAILURES: '10', RATE_LIMIT_REGISTER_PER_HOUR: '20', TRUSTED_PROXIES: '10.0.0.0/8,172.16.0.0/12,192.168.0.0/16' });
    expect(users, 'per-address failures default to the service\'s 10 x loginFailures').not.toHaveProperty('RATE_LIMIT_LOGIN_FAILURES_PER_IP');
    expect(Object.keys(users).filter((k) => k.startsWith('MAX_') || k === 'CORS_ORIGINS' || k.endsWith('_PER_MINUTE'))).toEqual([]);
  });

  it('give products and orders none of them', () => {
    for (const which of ['quickStart', 'production'] as const) {
      for (const name of ['products', 'orders']) expect(Object.keys(envOf(renders[which], name)).filter((k) => LIMIT_VARIABLES.test(k)), `${which} ${name}`).toEqual([]);
    }
  });

  it('join the CORS origins and trusted proxies of the values into the variables, and write every limit given', async () => {
    const objects = await renderChart(helm, {
      set: {
        ...quickStart(),
        'config.router.cors.origins': '{https://shop.example.com,https://admin.example.com,http://localhost:*,https://*.preview.example.com}',
        'config.router.trustedProxies': '{10.1.0.0/16,192.168.7.1,fd00::/8}',
        'config.router.operationLimits.maxDepth': '8',
        'config.router.operationLimits.maxAliases': '0',
        'config.router.operationLimits.maxRootFields': '5',
        'config.router.operationLimits.maxTokens': '1000000',
        'config.router.operationLimits.maxDirectives': '3',
        'config.router.operationLimits.maxCost': '25000',
        'config.router.rateLimit.userPerMinute': '1200',
        'config.router.rateLimit.anonymousPerMinute': '0',
        'config.users.rateLimit.loginFailures': '5',
        'config.users.rateLimit.loginFailuresPerIp': '40',
        'config.users.rateLimit.registerPerHour': '0',
        'config.users.trustedProxies': '{10.1.0.0/16}',
      },
    });
    expect(envOf(objects, 'router')).toMatchObject({
      CORS_ORIGINS: 'https://shop.example.com,https://admin.example.com,http://localhost:*,https://*.preview.example.com',
      TRUSTED_PROXIES: '10.1.0.0/16,192.168.7.1,fd00::/8',
      MAX_DEPTH: '8',
      MAX_ALIASES: '0',
      MAX_ROOT_FIELDS: '5',
      MAX_TOKENS: '1000000',
      MAX_DIRECTIVES: '3',
      MAX_COST: '25000',
      RATE_LIMIT_USER_PER_MINUTE: '1200',
      RATE_LIMIT_ANONYMOUS_PER_MINUTE: '0',
    });
    expect(envOf(objects, 'users')).toMatchObject({
      RATE_LIMIT_LOGIN_FAILURES: '5',
      RATE_LIMIT_LOGIN_FAILURES_PER_IP: '40',
      RATE_LIMIT_REGISTER_PER_HOUR: '0',
      TRUSTED_PROXIES: '10.1.0.0/16',
    });
    for (const object of objects) await validateObject(object);
  });

  it('write limits from a values file as whole numbers (YAML numbers are floats, printed 1e+06 unless converted)', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marketplace-values-'));
    try {
      const file = path.join(dir, 'limits.yaml');
      await writeFile(file, 'config:\n  router:\n    operationLimits:\n      maxTokens: 1000000\n      maxCost: 2500000\n  users:\n    rateLimit:\n      loginFailuresPerIp: 1000000\n');
      const objects = await renderChart(helm, { ...PRODUCTION, valuesFiles: [PRODUCTION_VALUES, file] });
      expect(envOf(objects, 'router')).toMatchObject({ MAX_TOKENS: '1000000', MAX_COST: '2500000' });
      expect(envOf(objects, 'users')).toMatchObject({ RATE_LIMIT_LOGIN_FAILURES_PER_IP: '1000000' });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('set the storefront origins and the VPC as trusted proxies in production and staging', async () => {
    const staging = await renderChart(helm, STAGING);
    expect(envOf(renders.production, 'router')).toMatchObject({
      ...ROUTER_LIMIT_DEFAULTS,
      CORS_ORIGINS: 'https://marketplace.example.com,https://www.marketplace.example.com',
      TRUSTED_PROXIES: '10.0.0.0/16',
    });
    expect(envOf(renders.production, 'users')).toMatchObject({ TRUSTED_PROXIES: '10.0.0.0/16', RATE_LIMIT_LOGIN_FAILURES: '10' });
    expect(envOf(staging, 'router')).toMatchObject({ CORS_ORIGINS: 'https://staging.marketplace.example.com,http://localhost:*', TRUSTED_PROXIES: '10.0.0.0/16' });
    expect(envOf(staging, 'users')).toMatchObject({ TRUSTED_PROXIES: '10.0.0.0/16' });
  });
});

describe('the rate-limit Redis URL', () => {
  const REDIS_URL = 'rediss://:hunter2@redis.example.internal:6380';

  it('is absent when not given: no file, no variable, no key in the created Secret', () => {
    for (const which of ['quickStart', 'production'] as const) {
      for (const name of SERVICES) {
        const env = envOf(renders[which], name);
        expect(Object.keys(env).filter((k) => k.startsWith('RATE_LIMIT_REDIS_URL')), `${which} ${name}`).toEqual([]);
        expect(mountedSecrets(renders[which], name), `${which} ${name}`).not.toHaveProperty('RATE_LIMIT_REDIS_URL');
      }
    }
    expect(Object.keys(ofKind(renders.quickStart, 'Secret')[0].data)).not.toContain('rateLimitRedisUrl');
  });

  it('mounts as RATE_LIMIT_REDIS_URL_FILE for the router and users only, from values or an existing Secret', async () => {
    const [fromValue, fromSecret] = await Promise.all([
      renderChart(helm, { set: { ...quickStart(), 'secrets.rateLimitRedisUrl.value': REDIS_URL } }),
      renderChart(helm, { ...PRODUCTION, set: { 'secrets.rateLimitRedisUrl.existingSecret': 'marketplace-redis', 'secrets.rateLimitRedisUrl.key': 'url' } }),
    ]);
    const created = ofKind(fromValue, 'Secret')[0];
    expect(Buffer.from(created.data.rateLimitRedisUrl, 'base64').toString()).toBe(REDIS_URL);
    for (const [objects, source] of [[fromValue, `${created.metadata.name}/rateLimitRedisUrl`], [fromSecret, 'marketplace-redis/url']] as const) {
      for (const name of SERVICES) {
        const env = envOf(objects, name);
        const mounted = mountedSecrets(objects, name);
        expect(env, 'the URL itself never reaches the environment').not.toHaveProperty('RATE_LIMIT_REDIS_URL');
        if (name === 'router' || name === 'users') {
          expect(env.RATE_LIMIT_REDIS_URL_FILE, name).toBe('/var/run/secrets/marketplace/RATE_LIMIT_REDIS_URL');
          expect(mounted.RATE_LIMIT_REDIS_URL, name).toBe(source);
        } else {
          expect(env, name).not.toHaveProperty('RATE_LIMIT_REDIS_URL_FILE');
          expect(mounted, name).not.toHaveProperty('RATE_LIMIT_REDIS_URL');
        }
      }
    }
    for (const object of fromSecret) await validateObject(object);
  });

  it('refuses both an existing Secret and a value', async () => {
    const result = await runHelm(helm, templateArgs({ set: { ...quickStart(), 'secrets.rateLimitRedisUrl.value': REDIS_URL, 'secrets.rateLimitRedisUrl.existingSecret': 'marketplace-redis' } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/secrets\.rateLimitRedisUrl: set either existingSecret or value, not both/);
  });
});

describe('stock holds, sweeps and payments', () => {
  const TOKEN = 'payment-service-token-for-tests';

  it('give products its hold and sweep settings and orders its deadlines, limits, sweep and payment provider, and nobody else', () => {
    for (const which of ['quickStart', 'production'] as const) {
      expect(envOf(renders[which], 'products'), which).toMatchObject(STOCK_DEFAULTS);
      expect(envOf(renders[which], 'orders'), which).toMatchObject({ ...ORDER_DEFAULTS, PAYMENT_PROVIDER: 'http' });
      expect(Object.keys(envOf(renders[which], 'products')).filter((k) => HOLD_AND_ORDER_VARIABLES.test(k)).sort(), which).toEqual(Object.keys(STOCK_DEFAULTS).sort());
      for (const name of ['router', 'users']) expect(Object.keys(envOf(renders[which], name)).filter((k) => HOLD_AND_ORDER_VARIABLES.test(k)), `${which} ${name}`).toEqual([]);
    }
    expect(envOf(renders.quickStart, 'orders').PAYMENT_SERVICE_URL).toBe(PAYMENT_SERVICE_URL);
    expect(envOf(renders.production, 'orders').PAYMENT_SERVICE_URL).toBe('https://payments.internal.example.com');
  });

  it('write the values given, as whole numbers, and roll only the service that reads them', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marketplace-values-'));
    try {
      const file = path.join(dir, 'orders.yaml');
      // 2592000 is a float to YAML and would print as 2.592e+06 unless converted.
      await writeFile(file, 'config:\n  orders:\n    paymentTimeoutSeconds: 2592000\n    maxOpenOrdersPerBuyer: 10000\n');
      const [orders, products] = await Promise.all([
        renderChart(helm, { valuesFiles: [file], set: { ...quickStart(), 'config.orders.maxLineQuantity': '5', 'config.orders.sweepIntervalSeconds': '30' } }),
        renderChart(helm, { set: { ...quickStart(), 'config.products.stockHoldSeconds': '120', 'config.products.sweepIntervalSeconds': '5' } }),
      ]);
      expect(envOf(orders, 'orders')).toMatchObject({ ORDER_PAYMENT_TIMEOUT_SECONDS: '2592000', MAX_OPEN_ORDERS_PER_BUYER: '10000', MAX_LINE_QUANTITY: '5', SWEEP_INTERVAL_SECONDS: '30' });
      expect(envOf(orders, 'products')).toMatchObject(STOCK_DEFAULTS);
      expect(envOf(products, 'products')).toMatchObject({ STOCK_HOLD_SECONDS: '120', SWEEP_INTERVAL_SECONDS: '5' });
      expect(envOf(products, 'orders')).toMatchObject(ORDER_DEFAULTS);
      for (const name of SERVICES) {
        const base = annotation(renders.quickStart, name, 'checksum/config');
        expect(annotation(orders, name, 'checksum/config') !== base, name).toBe(name === 'orders');
        expect(annotation(products, name, 'checksum/config') !== base, name).toBe(name === 'products');
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    ['no payment provider', { 'config.orders.paymentProvider': '' }, /config\.orders\.paymentProvider must be set when config\.nodeEnv is production/],
    ['approve-all', { 'config.orders.paymentProvider': 'approve-all' }, /config\.orders\.paymentProvider=approve-all is refused when config\.nodeEnv is production/],
    ['http without a URL', { 'config.orders.paymentServiceUrl': '' }, /config\.orders\.paymentServiceUrl is required with config\.orders\.paymentProvider=http/],
  ])('refuse to render for production with %s, as the orders service would refuse to start', async (_label, set, message) => {
    for (const options of [{ set: { ...quickStart(), ...set } }, { ...PRODUCTION, set }]) {
      const result = await runHelm(helm, templateArgs(options));
      expect(result.code, JSON.stringify(options)).not.toBe(0);
      expect(result.stderr).toMatch(message);
    }
  });

  it('leave the provider to the service in development: approve-all unless one is named', async () => {
    const [unset, approveAll] = await Promise.all([
      renderChart(helm, { set: { ...quickStartSecrets(), 'config.nodeEnv': 'development' } }),
      renderChart(helm, { set: { ...quickStartSecrets(), 'config.nodeEnv': 'development', 'config.orders.paymentProvider': 'approve-all' } }),
    ]);
    expect(Object.keys(envOf(unset, 'orders')).filter((k) => k.startsWith('PAYMENT_'))).toEqual([]);
    expect(envOf(approveAll, 'orders')).toMatchObject({ NODE_ENV: 'development', PAYMENT_PROVIDER: 'approve-all' });
  });

  it('mount the payment service token into orders only, as PAYMENT_SERVICE_TOKEN_FILE, from values or an existing Secret', async () => {
    for (const name of SERVICES) expect(mountedSecrets(renders.quickStart, name), name).not.toHaveProperty('PAYMENT_SERVICE_TOKEN');
    const [fromValue, fromSecret] = await Promise.all([
      renderChart(helm, { set: { ...quickStart(), 'secrets.paymentServiceToken.value': TOKEN } }),
      renderChart(helm, { ...PRODUCTION, set: { 'secrets.paymentServiceToken.existingSecret': 'psp-credentials', 'secrets.paymentServiceToken.key': 'bearer' } }),
    ]);
    const created = ofKind(fromValue, 'Secret')[0];
    expect(Buffer.from(created.data.paymentServiceToken, 'base64').toString()).toBe(TOKEN);
    for (const [objects, source] of [[fromValue, `${created.metadata.name}/paymentServiceToken`], [fromSecret, 'psp-credentials/bearer'], [renders.production, 'marketplace-payments/token']] as const) {
      for (const name of SERVICES) {
        const env = envOf(objects, name);
        expect(env, 'the token itself never reaches the environment').not.toHaveProperty('PAYMENT_SERVICE_TOKEN');
        if (name === 'orders') {
          expect(env.PAYMENT_SERVICE_TOKEN_FILE).toBe('/var/run/secrets/marketplace/PAYMENT_SERVICE_TOKEN');
          expect(mountedSecrets(objects, name).PAYMENT_SERVICE_TOKEN).toBe(source);
        } else {
          expect(env, name).not.toHaveProperty('PAYMENT_SERVICE_TOKEN_FILE');
          expect(mountedSecrets(objects, name), name).not.toHaveProperty('PAYMENT_SERVICE_TOKEN');
        }
      }
    }
    for (const name of SERVICES) {
      const changed = annotation(fromValue, name, 'checksum/secret') !== annotation(renders.quickStart, name, 'checksum/secret');
      expect(changed, name).toBe(name === 'orders');
    }
    for (const object of fromValue) await validateObject(object);
  });

  it('leave egress open, so orders reaches the payment service (and every subgraph MongoDB) without a rule', () => {
    for (const which of ['quickStart', 'production'] as const) {
      for (const policy of ofKind(renders[which], 'NetworkPolicy')) expect(policy.spec.policyTypes, `${which} ${policy.metadata.name}`).toEqual(['Ingress']);
    }
  });
});

describe('trusted documents', () => {
  const DIR = '/etc/marketplace/persisted-documents';
  const PATHS = CLIENTS.map((client) => `${DIR}/${client}.json`);
  /** The defaults with both clients' manifests given by --set-file, and the mode left to the chart. */
  const withManifests = (set: Record<string, string> = {}): RenderOptions => ({ set: { ...secretsAndPayments(), ...set }, setFile: CLIENT_MANIFESTS });
  const documentsConfigMaps = (objects: K8sObject[]): any[] => ofKind(objects, 'ConfigMap').filter((c) => c.metadata.labels['app.kubernetes.io/component'] === 'persisted-documents');
  const podSpec = (objects: K8sObject[], name: string): any => deploymentOf(objects, name).spec.template.spec;
  /** The router's manifests volume, its mount, and the files the mount shows: undefined parts when it has none. */
  const mounted = (objects: K8sObject[], name = 'router') => {
    const spec = podSpec(objects, name);
    const volume = spec.volumes.find((v: any) => v.name === 'persisted-documents');
    const mount = spec.containers[0].volumeMounts.find((m: any) => m.name === 'persisted-documents');
    return { volume, mount, files: volume?.configMap.items.map((i: any) => `${mount?.mountPath}/${i.path}`) };
  };
  const fail = async (options: RenderOptions, message: RegExp) => {
    const result = await runHelm(helm, templateArgs(options));
    expect(result.code, JSON.stringify(options)).not.toBe(0);
    expect(result.stderr).toMatch(message);
  };

  it('mounts both clients\' manifests from --set-file into the router, in safelist mode, from a ConfigMap holding them as given', async () => {
    const objects = await renderChart(helm, withManifests());
    const [configMap, ...others] = documentsConfigMaps(objects);
    expect(others).toEqual([]);
    expect(configMap.metadata.name).toBe('shop-persisted-documents');
    expect(Object.keys(configMap.data).sort()).toEqual(['mobile.json', 'web.json']);
    for (const client of CLIENTS) {
      const file = await readFile(clientManifest(client), 'utf8');
      expect(configMap.data[`${client}.json`], client).toBe(file);
      const ids = Object.keys(JSON.parse(file));
      expect(ids.length, client).toBeGreaterThan(0);
      expect(Object.keys(JSON.parse(configMap.data[`${client}.json`])), client).toEqual(ids);
    }
    expect(envOf(objects, 'router')).toMatchObject({ PERSISTED_DOCUMENTS: PATHS.join(','), PERSISTED_DOCUMENTS_MODE: 'safelist', PERSISTED_DOCUMENTS_REQUIRE_ID: 'false' });
    const { volume, mount, files } = mounted(objects);
    expect(volume.configMap).toMatchObject({ name: 'shop-persisted-documents', items: CLIENTS.map((c) => ({ key: `${c}.json`, path: `${c}.json` })) });
    expect(mount).toEqual({ name: 'persisted-documents', mountPath: DIR, readOnly: true });
    expect(files).toEqual(envOf(objects, 'router').PERSISTED_DOCUMENTS!.split(','));
    expect(annotation(objects, 'router', 'checksum/persisted-documents')).toMatch(/^[0-9a-f]{64}$/);
    for (const name of SUBGRAPHS) {
      expect(mounted(objects, name).volume, name).toBeUndefined();
      expect(Object.keys(envOf(objects, name)).filter((k) => k.startsWith('PERSISTED_DOCUMENTS')), name).toEqual([]);
      expect(annotation(objects, name, 'checksum/persisted-documents'), name).toBeUndefined();
    }
    for (const object of objects) await validateObject(object);
  });

  it('deploys production and staging in safelist mode with the manifests CD passes', async () => {
    const staging = await renderChart(helm, STAGING);
    for (const objects of [renders.production, staging]) {
      expect(envOf(objects, 'router')).toMatchObject({ PERSISTED_DOCUMENTS: PATHS.join(','), PERSISTED_DOCUMENTS_MODE: 'safelist' });
      expect(mounted(objects).files).toEqual(PATHS);
      expect(Object.keys(documentsConfigMaps(objects)[0].data).sort()).toEqual(['mobile.json', 'web.json']);
    }
  });

  it('rolls the router, and only the router, when a manifest changes', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marketplace-manifests-'));
    try {
      const file = path.join(dir, 'mobile.json');
      const manifest = JSON.parse(await readFile(clientManifest('mobile'), 'utf8'));
      await writeFile(file, JSON.stringify({ ...manifest, 'sha256:0000000000000000000000000000000000000000000000000000000000000000': 'query Next { __typename }' }, null, 2));
      const [base, same, changed] = await Promise.all([
        renderChart(helm, withManifests()),
        renderChart(helm, withManifests()),
        renderChart(helm, { ...withManifests(), setFile: { ...CLIENT_MANIFESTS, 'config.router.persistedDocuments.manifests.mobile\\.json': file } }),
      ]);
      expect(documentsConfigMaps(changed)[0].data['mobile.json']).toContain('query Next');
      expect(annotation(same, 'router', 'checksum/persisted-documents')).toBe(annotation(base, 'router', 'checksum/persisted-documents'));
      expect(annotation(changed, 'router', 'checksum/persisted-documents')).not.toBe(annotation(base, 'router', 'checksum/persisted-documents'));
      for (const name of SERVICES) {
        // Same files, same paths: the ConfigMap of variables is unchanged, the manifests' checksum rolls the router.
        expect(annotation(changed, name, 'checksum/config'), name).toBe(annotation(base, name, 'checksum/config'));
        expect(annotation(changed, name, 'checksum/secret'), name).toBe(annotation(base, name, 'checksum/secret'));
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('mounts the listed keys of an existing ConfigMap instead, and creates none', async () => {
    const existing = { 'config.router.persistedDocuments.existingConfigMap': 'marketplace-persisted-documents', 'config.router.persistedDocuments.files': '{mobile.json,web.json}' };
    const [objects, requireId, renamed] = await Promise.all([
      renderChart(helm, { set: { ...secretsAndPayments(), ...existing } }),
      renderChart(helm, { set: { ...secretsAndPayments(), ...existing, 'config.router.persistedDocuments.requireId': 'true' } }),
      renderChart(helm, { set: { ...secretsAndPayments(), ...existing, 'config.router.persistedDocuments.existingConfigMap': 'marketplace-persisted-documents-2' } }),
    ]);
    expect(documentsConfigMaps(objects)).toEqual([]);
    expect(envOf(objects, 'router')).toMatchObject({ PERSISTED_DOCUMENTS: PATHS.join(','), PERSISTED_DOCUMENTS_MODE: 'safelist', PERSISTED_DOCUMENTS_REQUIRE_ID: 'false' });
    const { volume, files } = mounted(objects);
    expect(volume.configMap).toMatchObject({ name: 'marketplace-persisted-documents', items: [{ key: 'mobile.json', path: 'mobile.json' }, { key: 'web.json', path: 'web.json' }] });
    expect(files).toEqual(PATHS);
    expect(envOf(requireId, 'router')).toMatchObject({ PERSISTED_DOCUMENTS_MODE: 'safelist', PERSISTED_DOCUMENTS_REQUIRE_ID: 'true' });
    // Helm cannot see inside it: another ConfigMap rolls the router, a change of its content needs a restart.
    expect(mounted(renamed).volume.configMap.name).toBe('marketplace-persisted-documents-2');
    expect(annotation(renamed, 'router', 'checksum/persisted-documents')).not.toBe(annotation(objects, 'router', 'checksum/persisted-documents'));
    for (const object of objects) await validateObject(object);
  });

  it('keeps allow without manifests: in development by default, in production when set on purpose', async () => {
    const [development, explicitAllow] = await Promise.all([
      renderChart(helm, { set: { ...quickStartSecrets(), 'config.nodeEnv': 'development' } }),
      renderChart(helm, withManifests({ 'config.router.persistedDocuments.mode': 'allow' })),
    ]);
    for (const objects of [development, renders.quickStart]) {
      expect(envOf(objects, 'router')).toMatchObject({ PERSISTED_DOCUMENTS_MODE: 'allow', PERSISTED_DOCUMENTS_REQUIRE_ID: 'false' });
      expect(envOf(objects, 'router')).not.toHaveProperty('PERSISTED_DOCUMENTS');
      expect(documentsConfigMaps(objects)).toEqual([]);
      expect(mounted(objects).volume).toBeUndefined();
      expect(annotation(objects, 'router', 'checksum/persisted-documents')).toBeUndefined();
    }
    // allow with manifests: their documents run by id, any other document too.
    expect(envOf(explicitAllow, 'router')).toMatchObject({ PERSISTED_DOCUMENTS: PATHS.join(','), PERSISTED_DOCUMENTS_MODE: 'allow' });
  });

  it("reads a manifest as the router does: Apollo's persisted query list too, and refuses one it would not start with", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'marketplace-manifests-'));
    try {
      const write = async (name: string, content: unknown) => {
        const file = path.join(dir, name);
        await writeFile(file, JSON.stringify(content));
        return file;
      };
      const apollo = await write('apollo.json', {
        format: 'apollo-persisted-query-manifest',
        version: 1,
        operations: [{ id: 'a'.repeat(64), name: 'Categories', type: 'query', body: 'query Categories { categories { id } }' }],
      });
      const objects = await renderChart(helm, { set: secretsAndPayments(), setFile: { 'config.router.persistedDocuments.manifests.ios\\.json': apollo } });
      expect(envOf(objects, 'router')).toMatchObject({ PERSISTED_DOCUMENTS: `${DIR}/ios.json`, PERSISTED_DOCUMENTS_MODE: 'safelist' });
      for (const [content, message] of [
        [{}, /config\.router\.persistedDocuments\.manifests hold no document at all/],
        [{ format: 'apollo-persisted-query-manifest', version: 1 }, /manifests\.ios\.json is not a persisted documents manifest: it has no operations list/],
        [{ format: 'apollo-persisted-query-manifest', version: 1, operations: [{ id: 'a' }] }, /manifests\.ios\.json is not a persisted documents manifest: it has an operation without an id or body/],
        [{ 'sha256:abc': 1 }, /manifests\.ios\.json is not a persisted documents manifest: it maps sha256:abc to something that is not a document/],
      ] as const) {
        await fail({ set: secretsAndPayments(), setFile: { 'config.router.persistedDocuments.manifests.ios\\.json': await write('bad.json', content) } }, message);
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it.each([
    [
      'safelist without manifests',
      { set: { ...secretsAndPayments(), 'config.router.persistedDocuments.mode': 'safelist' } },
      /config\.router\.persistedDocuments\.mode=safelist needs the clients' manifests, and none are mounted .*--set-file config\.router\.persistedDocuments\.manifests\.mobile\\\.json=clients\/mobile\/src\/__generated__\/persisted-documents\.json/,
    ],
    ['values-production.yaml deployed without the manifests', { valuesFiles: [PRODUCTION_VALUES] }, /config\.router\.persistedDocuments\.mode=safelist needs the clients' manifests, and none are mounted/],
    [
      'production without manifests and no mode chosen',
      { set: secretsAndPayments() },
      /config\.router\.persistedDocuments: no manifests are mounted while config\.nodeEnv is production.*to run any document on purpose, set config\.router\.persistedDocuments\.mode=allow/,
    ],
    [
      'both manifests and existingConfigMap',
      withManifests({ 'config.router.persistedDocuments.existingConfigMap': 'marketplace-persisted-documents', 'config.router.persistedDocuments.files': '{mobile.json}' }),
      /config\.router\.persistedDocuments: set either manifests or existingConfigMap, not both/,
    ],
    [
      'existingConfigMap without files',
      { set: { ...secretsAndPayments(), 'config.router.persistedDocuments.existingConfigMap': 'marketplace-persisted-documents' } },
      /config\.router\.persistedDocuments\.files must list the keys of ConfigMap "marketplace-persisted-documents" to mount/,
    ],
    ['files without existingConfigMap', { set: { ...secretsAndPayments(), 'config.router.persistedDocuments.files': '{mobile.json}' } }, /config\.router\.persistedDocuments\.files names keys of existingConfigMap, which is empty/],
    ['requireId in allow mode', { set: { ...quickStart(), 'config.router.persistedDocuments.requireId': 'true' } }, /config\.router\.persistedDocuments\.requireId=true applies in safelist mode only/],
    [
      'a manifest that is not one',
      { set: secretsAndPayments(), setFile: { 'config.router.persistedDocuments.manifests.mobile\\.json': `${CHART_DIR}/Chart.yaml` } },
      /config\.router\.persistedDocuments\.manifests\.mobile\.json is not a persisted documents manifest: it is not a JSON object/,
    ],
  ])('refuses to render with %s, naming the values', async (_label, options, message) => {
    await fail(options, message);
  });
});

describe('checksum annotations', () => {
  it('roll the pods whose config or secrets changed, and only those', async () => {
    const [same, debug, rotated] = await Promise.all([
      renderChart(helm, { set: quickStart() }),
      renderChart(helm, { set: { ...quickStart(), 'config.logLevel': 'debug' } }),
      renderChart(helm, { set: { ...quickStart(), 'secrets.authSecretKey.value': quickStartSecrets('rotated')['secrets.authSecretKey.value']! } }),
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

  it('roll the router and users when the Redis URL or their own limits change, and only those', async () => {
    const [redis, cors, signIn] = await Promise.all([
      renderChart(helm, { set: { ...quickStart(), 'secrets.rateLimitRedisUrl.value': 'redis://redis.example.internal:6379' } }),
      renderChart(helm, { set: { ...quickStart(), 'config.router.cors.origins': '{https://shop.example.com}' } }),
      renderChart(helm, { set: { ...quickStart(), 'config.users.rateLimit.loginFailures': '3' } }),
    ]);
    const base = renders.quickStart;
    for (const name of SERVICES) {
      expect(annotation(redis, name, 'checksum/secret') !== annotation(base, name, 'checksum/secret'), name).toBe(name === 'router' || name === 'users');
      expect(annotation(cors, name, 'checksum/config') !== annotation(base, name, 'checksum/config'), name).toBe(name === 'router');
      expect(annotation(signIn, name, 'checksum/config') !== annotation(base, name, 'checksum/config'), name).toBe(name === 'users');
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
    ['config.router.cors.origins={https://shop.example.com/checkout}', /cors\/origins\/0.*does not match/],
    ['config.router.cors.origins={https://shop.example.com,ftp://files.example.com}', /cors\/origins\/1.*does not match/],
    ['config.router.cors.origins={https://shop.example.com/}', /cors\/origins\/0.*does not match/],
    ['config.router.cors.origins={*}', /cors\/origins\/0.*does not match/],
    ['config.router.trustedProxies={10.0.0.0/33}', /router\/trustedProxies\/0.*does not match/],
    ['config.users.trustedProxies={10.0.300.0/16}', /users\/trustedProxies\/0.*does not match/],
    ['config.users.trustedProxies={10.0.0.0/16 192.168.0.0/16}', /users\/trustedProxies\/0.*does not match/],
    ['config.router.operationLimits.maxCost=-1', /maxCost.*minimum/],
    ['config.router.rateLimit.anonymousPerMinute=-1', /anonymousPerMinute.*minimum/],
    ['config.users.rateLimit.loginFailuresPerIp=-1', /loginFailuresPerIp.*minimum/],
    ['config.router.operationLimits.maxDepth=deep', /maxDepth.*want integer/],
    ['config.router.operationLimit.maxDepth=10', /additional properties 'operationLimit'/],
    ['secrets.rateLimitRedisUrl.value=http://redis.example.internal:6379', /rateLimitRedisUrl.*does not match/],
    ['config.products.stockHoldSeconds=1', /stockHoldSeconds.*minimum/],
    ['config.products.sweepIntervalSeconds=0', /products\/sweepIntervalSeconds.*minimum/],
    ['config.orders.sweepIntervalSeconds=3601', /orders\/sweepIntervalSeconds.*maximum/],
    ['config.orders.paymentTimeoutSeconds=4', /paymentTimeoutSeconds.*minimum/],
    ['config.orders.maxOpenOrdersPerBuyer=0', /maxOpenOrdersPerBuyer.*minimum/],
    ['config.orders.maxLineQuantity=10001', /maxLineQuantity.*maximum/],
    ['config.orders.paymentProvider=stripe', /paymentProvider.*must be one of/],
    ['config.orders.paymentServiceUrl=ftp://payments.example.internal', /paymentServiceUrl.*does not match/],
    ['config.orders.paymentServiceUrl=payments.example.internal', /paymentServiceUrl.*does not match/],
    ['config.accessTokenTtlSeconds=59', /accessTokenTtlSeconds.*minimum/],
    ['config.accessTokenTtlSeconds=3601', /accessTokenTtlSeconds.*maximum/],
    ['config.users.refreshTokenTtl=30days', /refreshTokenTtl.*does not match/],
    ['config.users.refreshTokenTtl=2w', /refreshTokenTtl.*does not match/],
    ['config.users.refreshTokenTtl=3600', /refreshTokenTtl.*want string/],
    ['secrets.mongodbUri.users.value=postgres://db.example.internal/users', /mongodbUri\/users.*does not match/],
    ['secrets.mongodbUri.shared.value=mongo.example.internal:27017', /mongodbUri\/shared.*does not match/],
    ['secrets.mongodbUri.allowShared=yes', /allowShared.*want boolean/],
    ['secrets.mongodbUri.inventory.value=mongodb://inventory@mongo.example.internal', /additional properties 'inventory'/],
    ['config.router.persistedDocuments.mode=strict', /persistedDocuments\/mode.*must be one of/],
    ['config.router.persistedDocuments.requireId=yes', /requireId.*want boolean/],
    ['config.router.persistedDocuments.existingConfigMap=Persisted_Documents', /existingConfigMap.*does not match/],
    ['config.router.persistedDocuments.files={../mobile.json}', /persistedDocuments\/files\/0.*does not match/],
    ['config.router.persistedDocuments.manifests.mobile/json=x', /invalid propertyName 'mobile\/json'/],
    ['config.router.persistedDocuments.manifests.mobile\\.json=', /persistedDocuments\/manifests\/mobile\.json.*(minLength|length must be)/],
  ])('refuses %s', async (pair, message) => {
    const [key, value] = pair.split('=') as [string, string];
    const result = await runHelm(helm, templateArgs({ set: { ...quickStart(), [key]: value } }));
    expect(result.code).not.toBe(0);
    expect(result.stderr).toMatch(/values don't meet the specifications of the schema/);
    expect(result.stderr).toMatch(message);
  });

  it('documents every value where it is set', async () => {
    expect(undocumentedValues(await readFile(`${CHART_DIR}/values.yaml`, 'utf8'))).toEqual([]);
    expect(undocumentedValues(await readFile(PRODUCTION_VALUES, 'utf8'))).toEqual([]);
    expect(undocumentedValues(await readFile(STAGING_VALUES, 'utf8'))).toEqual([]);
  });
});
