// The MongoDB client: one per process, shared by a service's stores.
import { MongoClient, type Collection, type CreateIndexesOptions, type Document, type IndexSpecification, type MongoClientOptions } from 'mongodb';
import type { ServiceMetrics } from './telemetry/metrics.ts';
import { instrumentMongo } from './telemetry/mongo-telemetry.ts';
import { tracingEnabled } from './telemetry/tracing.ts';

export interface MongoOptions {
  appName: string;
  /** Emit command monitoring events (tests count the queries a request costs); on whenever metrics or tracing are. */
  monitorCommands?: boolean;
  /** The service's metrics: database command latencies and pool gauges. */
  metrics?: ServiceMetrics | undefined;
}

export async function connectMongo(uri: string, options: MongoOptions): Promise<MongoClient> {
  const clientOptions: MongoClientOptions = {
    appName: options.appName,
    monitorCommands: (options.monitorCommands ?? false) || options.metrics !== undefined || tracingEnabled(),
    serverSelectionTimeoutMS: 10_000,
    maxPoolSize: 20,
  };
  const client = new MongoClient(uri, clientOptions);
  instrumentMongo(client, options.metrics);
  await client.connect();
  return client;
}

export async function mongoIsReachable(client: MongoClient): Promise<boolean> {
  try {
    // Bounded, so a readiness probe answers "no" in time instead of hanging on server selection.
    await client.db('admin').command({ ping: 1 }, { timeoutMS: 2000 });
    return true;
  } catch {
    return false;
  }
}

/** Duplicate key errors (unique indexes), the same code on MongoDB and FerretDB. */
export function isDuplicateKeyError(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === 11000;
}

export interface IndexDefinition {
  key: IndexSpecification;
  name: string;
  unique?: boolean;
  /** Leaves out documents without the field, so a unique index holds only where it is set. */
  sparse?: boolean;
}

/**
 * Creates indexes one by one: FerretDB 1.24 crashes on a repeated multi-index createIndexes,
 * while repeating a single createIndex is a no-op on it and on MongoDB.
 */
export async function ensureIndexes<T extends Document>(collection: Collection<T>, indexes: readonly IndexDefinition[]): Promise<void> {
  for (const { key, name, unique, sparse } of indexes) {
    const options: CreateIndexesOptions = { name, ...(unique ? { unique } : {}), ...(sparse ? { sparse } : {}) };
    await collection.createIndex(key, options);
  }
}
