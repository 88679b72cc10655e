// Chooses the database for tests and local runs: an external server, a real mongod, or FerretDB.
//
// Environment variables:
//   MONGODB_URI                Use this MongoDB server as is (kind 'external'); nothing is started.
//                              `startOwnDatabase()` / `{ own: true }` ignore it and always start a server.
//   MARKETPLACE_DB             'ferretdb' skips mongod, 'mongod' skips FerretDB; unset/'auto' tries both.
//   MONGOMS_SYSTEM_BINARY      Path to a mongod binary for mongodb-memory-server (else `mongod` on the
//                              PATH, else its download cache, else a download when its host answers
//                              within 5 s, with progress lines, bounded by MARKETPLACE_MONGOD_DOWNLOAD_MINUTES (20)).
//   MONGOMS_DOWNLOAD_MIRROR    Where mongod is downloaded from (MONGOMS_DOWNLOAD_URL: the exact archive).
//   MONGOMS_DISABLE_DOWNLOAD   Truthy: never download mongod (MONGOMS_RUNTIME_DOWNLOAD=false does the same).
//   FERRETDB_BIN               FerretDB binary to use instead of <repo>/.cache/bin/ferretdb (never built).
import { ensureFerretDbBinary, FERRETDB_VERSION } from './ferretdb-build.ts';
import { startFerretDb } from './ferretdb.ts';
import type { DatabaseHandle, Log, OwnDatabaseHandle, StartDatabaseOptions } from './types.ts';

export type { DatabaseHandle, MongodOptions, OwnDatabaseHandle, StartDatabaseOptions } from './types.ts';
export { FERRETDB_VERSION } from './ferretdb-build.ts';

type Choice = 'auto' | 'mongod' | 'ferretdb';

const defaultLog: Log = (line) => {
  process.stderr.write(`[database] ${line}\n`);
};

function choice(): Choice {
  const value = (process.env.MARKETPLACE_DB ?? '').trim().toLowerCase();
  if (value === '' || value === 'auto') return 'auto';
  if (value === 'mongod' || value === 'ferretdb') return value;
  throw new Error(`MARKETPLACE_DB must be 'mongod', 'ferretdb' or 'auto' (got '${process.env.MARKETPLACE_DB}')`);
}

function reason(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Returns the FerretDB binary path, building it with Go into the shared cache if needed. */
export async function ensureFerretDb(options: StartDatabaseOptions = {}): Promise<string> {
  return ensureFerretDbBinary(options.log ?? defaultLog);
}

/**
 * A database for tests and local runs: MONGODB_URI as is when set (unless `own`), else a mongod
 * this process starts, else FerretDB.
 */
export async function startDatabase(options: StartDatabaseOptions = {}): Promise<DatabaseHandle> {
  const log = options.log ?? defaultLog;
  const external = process.env.MONGODB_URI;
  if (options.own !== true && external !== undefined && external.trim() !== '') {
    return { uri: external, kind: 'external', stop: async () => {} };
  }
  return startServer(options, log);
}

/** A mongod or FerretDB of this process's own, whatever MONGODB_URI says: for a test that stops its database. */
export function startOwnDatabase(options: Omit<StartDatabaseOptions, 'own'> = {}): Promise<OwnDatabaseHandle> {
  return startServer({ ...options, own: true }, options.log ?? defaultLog);
}

async function startServer(options: StartDatabaseOptions, log: Log): Promise<OwnDatabaseHandle> {
  const wanted = choice();
  let mongodFailure = 'skipped because MARKETPLACE_DB=ferretdb';
  if (wanted !== 'ferretdb') {
    try {
      // Loaded lazily: the memory-server package is heavy and unused on the FerretDB-only path.
      const { startMongod } = await import('./mongod.ts');
      return await startMongod(log, options.mongod);
    } catch (error) {
      mongodFailure = reason(error);
      if (wanted === 'auto') log(`mongod unavailable (${mongodFailure.split('\n')[0]}); falling back to FerretDB`);
    }
  }

  let ferretFailure = 'skipped because MARKETPLACE_DB=mongod';
  if (wanted !== 'mongod') {
    try {
      return await startFerretDb(await ensureFerretDbBinary(log), log);
    } catch (error) {
      ferretFailure = reason(error);
    }
  }

  const fixes = [
    // A caller that must stop its database cannot use someone else's server.
    ...(options.own === true ? [] : ['set MONGODB_URI to a running MongoDB server (not set)']),
    `install mongod on the PATH or set MONGOMS_SYSTEM_BINARY (failed: ${mongodFailure})`,
    `install Go so FerretDB ${FERRETDB_VERSION} can be built into .cache/bin (failed: ${ferretFailure})`,
  ];
  throw new Error(
    [
      options.own === true ? 'No database server of its own could be started. Any one of these fixes it:' : 'No database available for the marketplace. Any one of these fixes it:',
      ...fixes.map((fix, index) => `  ${index + 1}. ${fix}${index === fixes.length - 1 ? '.' : ';'}`),
    ].join('\n'),
  );
}
