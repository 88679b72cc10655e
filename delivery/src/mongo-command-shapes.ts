// MongoDB's documented shapes of the commands scripts/mongo/shard.js sends, checked field by field.
// Written from the MongoDB manual's command pages (the manual, /reference/command/<name>/):
//   enableSharding   { enableSharding: "<database>", primaryShard: "<shard>" }, on admin
//   shardCollection  { shardCollection: "<db>.<collection>", key: { <field>: <1|"hashed">, ... },
//                      unique, numInitialChunks, presplitHashedZones, collation: { locale: "simple" },
//                      timeseries }, on admin; unique cannot be true with a hashed key
//   createIndexes    { createIndexes: "<collection>", indexes: [{ key, name, <options> }], writeConcern,
//                      commitQuorum, comment }
//   listIndexes      { listIndexes: "<collection>", cursor: { batchSize }, comment }
//   find, hello      their documented fields
// and the shard key rules of "Shard Keys" / "Hashed Sharding": at most one hashed field, and the
// supporting index may not be sparse, partial, or have a non-simple collation. Fields every command
// may carry come from the drivers' OP_MSG, sessions and causal-consistency specifications.
import type { Document } from 'mongodb';

/** Fields a driver adds to any command, or that any command takes. */
const GENERIC = new Set([
  '$db', 'lsid', 'txnNumber', 'autocommit', 'startTransaction', '$clusterTime', '$readPreference',
  'apiVersion', 'apiStrict', 'apiDeprecationErrors', 'comment', 'maxTimeMS', 'writeConcern', 'readConcern',
]);

const FIELDS: Record<string, { on?: 'admin'; fields: string[] }> = {
  enableSharding: { on: 'admin', fields: ['primaryShard'] },
  shardCollection: { on: 'admin', fields: ['key', 'unique', 'numInitialChunks', 'presplitHashedZones', 'collation', 'timeseries'] },
  createIndexes: { fields: ['indexes', 'commitQuorum'] },
  listIndexes: { fields: ['cursor'] },
  find: {
    fields: ['filter', 'sort', 'projection', 'hint', 'skip', 'limit', 'batchSize', 'singleBatch', 'max', 'min', 'returnKey', 'showRecordId',
      'tailable', 'oplogReplay', 'noCursorTimeout', 'awaitData', 'allowPartialResults', 'collation', 'allowDiskUse', 'let'],
  },
  hello: { fields: ['helloOk', 'client', 'compression', 'saslSupportedMechs', 'speculativeAuthenticate', 'loadBalanced', 'topologyVersion', 'maxAwaitTimeMS'] },
};

/** Options an entry of createIndexes' `indexes` may have besides key and name. */
const INDEX_OPTIONS = new Set([
  'unique', 'partialFilterExpression', 'sparse', 'expireAfterSeconds', 'hidden', 'storageEngine', 'collation', 'weights',
  'default_language', 'language_override', 'textIndexVersion', '2dsphereIndexVersion', 'bits', 'min', 'max', 'wildcardProjection', 'v',
]);
const INDEX_TYPES = new Set(['hashed', 'text', '2d', '2dsphere', 'wildcard']);

const isDocument = (value: unknown): value is Document => typeof value === 'object' && value !== null && !Array.isArray(value);
const isInteger = (value: unknown) => Number.isInteger(typeof value === 'object' && value !== null && 'valueOf' in value ? Number(value.valueOf()) : value);

/** Problems with a shard key document; none means it is `{ <field>: 1 | "hashed", ... }` with at most one hashed field. */
export function shardKeyProblems(key: unknown): string[] {
  if (!isDocument(key) || Object.keys(key).length === 0) return ['the shard key must be a non-empty document'];
  const problems = Object.entries(key)
    .filter(([, type]) => type !== 1 && type !== 'hashed')
    .map(([field, type]) => `shard key field ${field} is ${JSON.stringify(type)}, not 1 or "hashed"`);
  if (Object.values(key).filter((type) => type === 'hashed').length > 1) problems.push('a shard key may have one hashed field only');
  return problems;
}

/** Problems with one command as a MongoDB server would see it; an empty list means it has the documented shape. */
export function commandShapeProblems(db: string, command: Document): string[] {
  const name = Object.keys(command)[0] ?? '';
  const shape = FIELDS[name];
  if (shape === undefined) return [`${name} is not one of the commands checked here`];
  const problems: string[] = [];
  if (shape.on !== undefined && db !== shape.on) problems.push(`${name} must run on ${shape.on}, not ${db}`);
  if (shape.on === undefined && ['admin', 'config', 'local'].includes(db) && name !== 'hello' && name !== 'find') problems.push(`${name} on the ${db} database`);
  const allowed = new Set([name, ...shape.fields, ...GENERIC]);
  for (const field of Object.keys(command)) if (!allowed.has(field)) problems.push(`${name} has no field ${field}`);
  const value = command[name];

  switch (name) {
    case 'enableSharding':
      if (typeof value !== 'string' || !/^[^/\\. "$*<>:|?]{1,63}$/.test(value)) problems.push(`enableSharding needs a database name, got ${JSON.stringify(value)}`);
      if (command.primaryShard !== undefined && typeof command.primaryShard !== 'string') problems.push('primaryShard must be a string');
      break;
    case 'shardCollection': {
      if (typeof value !== 'string' || !/^[^/\\. "$]+\.[^$]+$/.test(value)) problems.push(`shardCollection needs "<database>.<collection>", got ${JSON.stringify(value)}`);
      problems.push(...shardKeyProblems(command.key));
      if (command.unique !== undefined && typeof command.unique !== 'boolean') problems.push('unique must be a boolean');
      if (command.unique === true && isDocument(command.key) && Object.values(command.key).includes('hashed')) problems.push('unique cannot be true with a hashed shard key');
      if (command.numInitialChunks !== undefined && !isInteger(command.numInitialChunks)) problems.push('numInitialChunks must be an integer');
      if (command.presplitHashedZones !== undefined && typeof command.presplitHashedZones !== 'boolean') problems.push('presplitHashedZones must be a boolean');
      if (command.collation !== undefined && JSON.stringify(command.collation) !== '{"locale":"simple"}') problems.push('collation may only be { locale: "simple" }');
      if (command.timeseries !== undefined && !isDocument(command.timeseries)) problems.push('timeseries must be a document');
      break;
    }
    case 'createIndexes': {
      if (typeof value !== 'string' || value === '') problems.push('createIndexes needs a collection name');
      const indexes = command.indexes;
      if (!Array.isArray(indexes) || indexes.length === 0) {
        problems.push('indexes must be a non-empty array');
        break;
      }
      for (const index of indexes as unknown[]) {
        if (!isDocument(index)) {
          problems.push('each index must be a document');
          continue;
        }
        if (typeof index.name !== 'string' || index.name === '') problems.push('each index needs a name');
        if (!isDocument(index.key) || Object.keys(index.key).length === 0) problems.push('each index needs a non-empty key');
        else {
          for (const [field, type] of Object.entries(index.key)) {
            const ok = (typeof type === 'number' && type !== 0) || (typeof type === 'string' && INDEX_TYPES.has(type));
            if (!ok) problems.push(`index key field ${field} is ${JSON.stringify(type)}`);
          }
        }
        for (const option of Object.keys(index)) if (option !== 'key' && option !== 'name' && !INDEX_OPTIONS.has(option)) problems.push(`index option ${option} does not exist`);
      }
      break;
    }
    case 'listIndexes':
    case 'find':
      if (typeof value !== 'string' || value === '') problems.push(`${name} needs a collection name`);
      if (command.cursor !== undefined && !isDocument(command.cursor)) problems.push('cursor must be a document');
      if (command.filter !== undefined && !isDocument(command.filter)) problems.push('filter must be a document');
      break;
    case 'hello':
      if (value !== 1 && value !== true) problems.push('hello must be 1');
      break;
  }
  return problems;
}

/** Problems with a createIndexes entry as the index supporting a shard key (beyond its documented shape). */
export function shardKeyIndexProblems(index: Document, key: Document): string[] {
  const problems: string[] = [];
  if (JSON.stringify(Object.entries(index.key ?? {})) !== JSON.stringify(Object.entries(key))) {
    problems.push(`index ${JSON.stringify(index.key)} is not the shard key ${JSON.stringify(key)}`);
  }
  if (index.sparse === true) problems.push('a shard key index cannot be sparse');
  if (index.partialFilterExpression !== undefined) problems.push('a shard key index cannot be partial');
  if (index.collation !== undefined && index.collation.locale !== 'simple') problems.push('a shard key index needs the simple collation');
  if (index.unique === true && Object.values(key).includes('hashed')) problems.push('a hashed index cannot be unique');
  return problems;
}
