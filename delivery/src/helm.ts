// Runs the Helm CLI against charts/marketplace and parses what it renders into plain Kubernetes objects.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ensureGoTool } from '@marketplace/testing';
import { parseAllDocuments } from 'yaml';

export const HELM = { name: 'helm', module: 'helm.sh/helm/v4/cmd/helm', version: 'v4.3.1' } as const;

export const CHART_DIR = fileURLToPath(new URL('../../charts/marketplace', import.meta.url));
export const PRODUCTION_VALUES = `${CHART_DIR}/values-production.yaml`;
export const STAGING_VALUES = `${CHART_DIR}/values-staging.yaml`;
const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));

/** The clients whose persisted documents manifests the deploys mount into the router. */
export const CLIENTS = ['mobile', 'web'] as const;
/** A client's manifest as `npm run codegen` writes it. */
export const clientManifest = (client: (typeof CLIENTS)[number]): string => `${REPO_ROOT}clients/${client}/src/__generated__/persisted-documents.json`;
/** The --set-file pairs CD passes: each client's checked-in manifest as config.router.persistedDocuments.manifests.<client>.json. */
export const CLIENT_MANIFESTS: Readonly<Record<string, string>> = Object.fromEntries(
  CLIENTS.map((client) => [`config.router.persistedDocuments.manifests.${client}\\.json`, clientManifest(client)]),
);

/** The fields every rendered object has; the rest is read loosely by the checks. */
export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  [field: string]: unknown;
}

export interface HelmResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface RenderOptions {
  release?: string;
  namespace?: string;
  valuesFiles?: readonly string[];
  /** --set pairs: numbers and booleans in them are typed, as on the command line. */
  set?: Record<string, string>;
  /** --set-file pairs: key (dots in a map key escaped with a backslash) to the file whose content becomes the value. */
  setFile?: Readonly<Record<string, string>>;
}

/** The helm binary, built once with `go install` into .cache/bin. */
export function helmBinary(): Promise<string> {
  return ensureGoTool(HELM);
}

/** Runs helm; a non-zero exit is a result, not an exception, because some checks expect one. */
export function runHelm(helm: string, args: readonly string[]): Promise<HelmResult> {
  return new Promise((resolve, reject) => {
    execFile(helm, args, { maxBuffer: 32 * 1024 * 1024, timeout: 60_000 }, (error, stdout, stderr) => {
      if (error && typeof error.code !== 'number') return reject(error);
      resolve({ code: error ? Number(error.code) : 0, stdout, stderr });
    });
  });
}

export function valueArgs(options: RenderOptions): string[] {
  const args: string[] = [];
  for (const file of options.valuesFiles ?? []) args.push('--values', file);
  for (const [key, value] of Object.entries(options.set ?? {})) args.push('--set', `${key}=${value}`);
  for (const [key, file] of Object.entries(options.setFile ?? {})) args.push('--set-file', `${key}=${file}`);
  return args;
}

export function templateArgs(options: RenderOptions = {}): string[] {
  return ['template', options.release ?? 'shop', CHART_DIR, '--namespace', options.namespace ?? 'marketplace', ...valueArgs(options)];
}

/** Every document of a multi-document YAML stream; a syntax error anywhere fails. */
export function parseManifests(text: string): K8sObject[] {
  const objects: K8sObject[] = [];
  for (const doc of parseAllDocuments(text)) {
    if (doc.errors.length) throw new Error(`rendered YAML does not parse: ${doc.errors.map((e) => e.message).join('; ')}`);
    const value: unknown = doc.toJS();
    if (value === null || value === undefined) continue;
    if (typeof value !== 'object' || Array.isArray(value)) throw new Error(`a rendered document is not an object: ${JSON.stringify(value)}`);
    const object = value as K8sObject;
    if (typeof object.apiVersion !== 'string' || typeof object.kind !== 'string' || typeof object.metadata?.name !== 'string') {
      throw new Error(`a rendered document lacks apiVersion, kind or metadata.name: ${JSON.stringify(value).slice(0, 200)}`);
    }
    objects.push(object);
  }
  return objects;
}

/** `helm template` parsed into objects; throws with helm's message when it refuses the values. */
export async function renderChart(helm: string, options: RenderOptions = {}): Promise<K8sObject[]> {
  const result = await runHelm(helm, templateArgs(options));
  if (result.code !== 0) throw new Error(`helm template failed (exit ${result.code}):\n${result.stderr}`);
  return parseManifests(result.stdout);
}

/** A syntactically valid PASERK made from a seed: the chart checks the shape, never the key itself. */
export function fakePaserk(kind: 'secret' | 'public', seed: string): string {
  const bytes = kind === 'secret' ? 64 : 32;
  return `k4.${kind}.${Buffer.from(seed.repeat(bytes).slice(0, bytes)).toString('base64url')}`;
}

export const SUBGRAPHS = ['users', 'products', 'orders'] as const;

/** A made-up connection string of one subgraph's own database user: each service gets a different one. */
export function quickStartMongodbUri(service: (typeof SUBGRAPHS)[number] | 'shared', seed = 'chart-test'): string {
  return `mongodb://${service}:${seed}@mongo.example.internal:27017/?replicaSet=rs0`;
}

/**
 * The least --set the defaults need: the quick-start secret values (made up, not keys anyone uses), with
 * a connection string per subgraph, as a production render requires.
 */
export function quickStartSecrets(seed = 'chart-test'): Record<string, string> {
  return {
    ...Object.fromEntries(SUBGRAPHS.map((service) => [`secrets.mongodbUri.${service}.value`, quickStartMongodbUri(service, seed)])),
    'secrets.authSecretKey.value': fakePaserk('secret', `${seed}-auth`),
    'secrets.authPublicKeys.value': fakePaserk('public', `${seed}-auth`),
    'secrets.serviceSecretKey.value': fakePaserk('secret', `${seed}-service`),
    'secrets.servicePublicKeys.value': fakePaserk('public', `${seed}-service`),
  };
}

/**
 * The least --set the defaults render with: the quick-start secrets, a payment service (NODE_ENV=production
 * requires one) and, as no manifests are mounted, allow mode on purpose.
 */
export function quickStartValues(seed = 'chart-test'): Record<string, string> {
  return {
    ...quickStartSecrets(seed),
    'config.orders.paymentProvider': 'http',
    'config.orders.paymentServiceUrl': 'https://payments.example.internal',
    'config.router.persistedDocuments.mode': 'allow',
  };
}
