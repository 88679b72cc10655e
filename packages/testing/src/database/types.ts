// Shapes shared by the database launchers.

export interface DatabaseHandle {
  /** Connection string for the MongoDB driver, e.g. `mongodb://127.0.0.1:PORT/`. */
  uri: string;
  kind: 'external' | 'mongod' | 'ferretdb';
  /** Scratch directory holding the server's files (ferretdb only); `stop()` removes it. */
  dataDir?: string;
  /** Shuts the server down and deletes its files; safe to call more than once. */
  stop(): Promise<void>;
}

export interface StartDatabaseOptions {
  /** Receives progress lines; defaults to stderr with a "[database] " prefix. */
  log?: (line: string) => void;
}

export type Log = (line: string) => void;
