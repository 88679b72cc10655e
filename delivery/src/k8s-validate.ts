// Validates rendered objects against the Kubernetes API schemas shipped in kubernetes-models, and the
// Prometheus Operator's custom resources (ServiceMonitor, ...) against its CRD schemas.
import type { K8sObject } from './helm.ts';

/** A kubernetes-models class: one per apiVersion/kind, with the API's JSON schema behind validate(). */
interface ModelClass {
  new (data: unknown): { validate(): void };
  apiVersion: string;
  kind: string;
}

// kubernetes-models lays out one module per API group version, at the path of its apiVersion
// ("v1", "apps/v1", "networking.k8s.io/v1"), so the apiVersion names the module to load. The packages
// of custom resources follow the same layout, one package per API group.
const API_VERSION = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?v[0-9]+((alpha|beta)[0-9]+)?$/;
const CUSTOM_RESOURCE_PACKAGES: Readonly<Record<string, string>> = { 'monitoring.coreos.com': '@kubernetes-models/prometheus-operator' };
const modules = new Map<string, Promise<Record<string, unknown> | undefined>>();

function loadGroupVersion(apiVersion: string): Promise<Record<string, unknown> | undefined> {
  let loading = modules.get(apiVersion);
  if (!loading) {
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : '';
    const specifier = `${CUSTOM_RESOURCE_PACKAGES[group] ?? 'kubernetes-models'}/${apiVersion}`;
    // Resolved at run time on purpose: the bundler cannot list the group versions ahead of time.
    loading = import(/* @vite-ignore */ specifier).then(
      (module: Record<string, unknown>) => module,
      () => undefined,
    );
    modules.set(apiVersion, loading);
  }
  return loading;
}

function isModelClass(value: unknown, apiVersion: string, kind: string): value is ModelClass {
  return typeof value === 'function' && (value as Partial<ModelClass>).apiVersion === apiVersion && (value as Partial<ModelClass>).kind === kind;
}

/** The model class of an object's apiVersion and kind; throws for a kind neither the Kubernetes API nor a known CRD has. */
export async function modelFor(apiVersion: string, kind: string): Promise<ModelClass> {
  const module = API_VERSION.test(apiVersion) ? await loadGroupVersion(apiVersion) : undefined;
  const model = module?.[kind];
  if (!isModelClass(model, apiVersion, kind)) throw new Error(`unknown kind ${kind} of ${apiVersion}: no Kubernetes API schema to validate it against`);
  return model;
}

/** Throws with the schema's messages (e.g. "data/spec/replicas must be integer") when the object is invalid. */
export async function validateObject(object: K8sObject): Promise<void> {
  const Model = await modelFor(object.apiVersion, object.kind);
  try {
    new Model(object).validate();
  } catch (error) {
    throw new Error(`${object.kind} ${object.metadata.name} is invalid: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}
