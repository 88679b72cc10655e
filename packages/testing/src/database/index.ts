// Chooses the database for tests and local runs: an external server, a real mongod, or FerretDB.
//
// Environment variables:
//   MONGODB_URI                Use this MongoDB server as is (kind 'external'); nothing is started.
//   MARKETPLACE_DB             'ferretdb' skips mongod, 'mongod' skips FerretDB; unset/'auto' tries both.
//   MONGOMS_SYSTEM_BINARY      Path to a mongod binary for mongodb-memory-server (else `mongod` on the
//                              PATH, else its download cache, else a download bounded to ~15 s).
//   MONGOMS_DISABLE_DOWNLOAD   Truthy: never download mongod (MONGOMS_RUNTIME_DOWNLOAD=false does the same).
//   FERRETDB_BIN               FerretDB binary to use instead of <repo>/.cache/bin/ferretdb (never built).
import { ensureFerretDbBinary, FERRETDB_VERSION } from './ferretdb-build.ts';
import { startFerretDb } from './ferretdb.ts';
import type { DatabaseHandle, Log, StartDatabaseOptions } from './types.ts';

export type { DatabaseHandle, StartDatabaseOptions } from './types.ts';
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

export async function startDatabase(options: StartDatabaseOptions = {}): Promise<DatabaseHandle> {
  const log = options.log ?? defaultLog;
  const external = process.env.MONGODB_URI;
  if (external !== undefined && external.trim() !== '') {
    return { uri: external, kind: 'external', stop: async () => {} };
  }

  const wanted = choice();
  let mongodFailure = 'skipped because MARKETPLACE_DB=ferretdb';
  if (wanted !== 'ferretdb') {
    try {
      // Loaded lazily: the memory-server package is heavy and unused on the FerretDB-only path.
      const { startMongod } = await import('./mongod.ts');
      return await startMongod(log);
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

  throw new Error(
    [
      'No database available for the marketplace. Any one of these fixes it:',
      '  1. set MONGODB_URI to a running MongoDB server (not set);',
      `  2. install mongod on the PATH or set MONGOMS_SYSTEM_BINARY (failed: ${mongodFailure});`,
      `  3. install Go so FerretDB ${FERRETDB_VERSION} can be built into .cache/bin (failed: ${ferretFailure}).`,
    ].join('\n'),
  );
}
