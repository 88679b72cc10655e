// Shapes shared by the database launchers.

export interface DatabaseHandle {
  /** Connection string for the MongoDB driver, e.g. `mongodb://127.0.0.1:PORT/`. */
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** Scratch directory holding the server's files (ferretdb only); `stop()` removes it. */
  dataDir?: string;
  /** Shuts the server down and deletes its files; safe to call more than once. Does nothing for 'external'. */
  stop(): Promise<void>;
}

/** A database server this process started: stopping it really stops it. */
export interface OwnDatabaseHandle extends DatabaseHandle {
  kind: 'mongod' | 'ferretdb';
}

/** Settings of the mongod step; the defaults suit everyone, tests narrow them. */
export interface MongodOptions {
  /** How long the download host (or proxy) gets to answer before the mongod step gives up (default 5 s). */
  probeTimeoutMs?: number;
  /** Bound on the whole download (default 20 min, or MARKETPLACE_MONGOD_DOWNLOAD_MINUTES). */
  downloadTimeoutMs?: number;
  /** Finds a mongod that needs no network (default: MONGOMS_SYSTEM_BINARY, the PATH, the library's cache). */
  findLocal?: () => Promise<string | undefined>;
}

export interface StartDatabaseOptions {
  /** Receives progress lines; defaults to stderr with a "[database] " prefix. */
  log?: (line: string) => void;
  /**
   * Start a server of our own (mongod or FerretDB) even when MONGODB_URI is set, for a test that
   * must stop its database. `startOwnDatabase()` is the same with a narrower return type.
   */
  own?: boolean;
  mongod?: MongodOptions;
}

export type Log = (line: string) => void;
