// Group commit: the writes to one collection that arrive while the previous batch is on its way
// go together, the inserts in one insertMany and the updates in one bulkWrite.
//
// Each caller still gets the outcome of its own write: its promise settles once the server has
// answered for it, and rejects with that write's own error (a duplicate key keeps code 11000, so
// isDuplicateKeyError reads it as before). A write that finds nothing on its way is sent at
// once, so an idle service waits no longer than with insertOne; under load, one command of each
// kind (and, on servers that commit per command, one commit) serves many requests. Nothing is
// held back that a caller has not been told is written, so a process that dies loses only
// unanswered requests.
import DataLoader from 'dataloader';
import { asError } from './errors.ts';
import { MongoBulkWriteError, MongoServerError, type Collection, type Document, type Filter, type OptionalUnlessRequiredId, type UpdateFilter } from 'mongodb';

export interface GroupCommitOptions {
  /** The most writes sent in one batch. */
  maxBatch?: number;
}

type Write<T extends Document> = { insertOne: { document: OptionalUnlessRequiredId<T> } } | { updateOne: { filter: Filter<T>; update: UpdateFilter<T> } };

/** Writes to one collection, sent together with those of concurrent requests. */
export class GroupCommit<T extends Document> {
  readonly #loader: DataLoader<Write<T>, true, Write<T>>;

  constructor(collection: Collection<T>, { maxBatch = 200 }: GroupCommitOptions = {}) {
    let writing = false;
    const waiting: (() => void)[] = [];
    this.#loader = new DataLoader(
      async (writes) => {
        try {
          return await writeEach(collection, writes);
        } finally {
          // The next batch goes as soon as this one is answered; it gathered everything that arrived meanwhile.
          const next = waiting.shift();
          if (next) process.nextTick(next);
          else writing = false;
        }
      },
      {
        cache: false,
        maxBatchSize: maxBatch,
        batchScheduleFn: (dispatch) => {
          if (writing) {
            waiting.push(dispatch);
            return;
          }
          writing = true;
          process.nextTick(dispatch);
        },
      },
    );
  }

  /** Resolves once the document is written; rejects with its own error (a duplicate key: code 11000). */
  async insertOne(document: OptionalUnlessRequiredId<T>): Promise<void> {
    await this.#loader.load({ insertOne: { document } });
  }

  /** Inserts every document, each with its own outcome, in their order (like an unordered insertMany). */
  insertEach(documents: readonly OptionalUnlessRequiredId<T>[]): Promise<PromiseSettledResult<void>[]> {
    return Promise.allSettled(documents.map((document) => this.insertOne(document)));
  }

  /**
   * Resolves once the server has applied the update (to the first document matching, if any:
   * how many matched is not told, the batch's counts being those of every request in it). Rejects
   * when any update of its batch was refused, this one applied or not.
   */
  async updateOne(filter: Filter<T>, update: UpdateFilter<T>): Promise<void> {
    await this.#loader.load({ updateOne: { filter, update } });
  }
}

/**
 * The batch's inserts in one unordered insertMany, each with its own outcome, and its updates in one
 * unordered bulkWrite. An update refused fails every update of its batch: servers do not all say
 * which one it was, nor go on with the rest (FerretDB 1.24 stops there and names the first).
 * An error that is not about single writes (the connection, a write concern) is every one's.
 */
async function writeEach<T extends Document>(collection: Collection<T>, writes: readonly Write<T>[]): Promise<(true | Error)[]> {
  const inserts = writes.flatMap((write, at) => ('insertOne' in write ? [{ at, document: write.insertOne.document }] : []));
  const updates = writes.flatMap((write, at) => ('updateOne' in write ? [{ at, write }] : []));
  const outcomes: (true | Error)[] = writes.map(() => true);
  await Promise.all([
    inserts.length > 0 &&
      insertAll(
        collection,
        inserts.map((insert) => insert.document),
      ).then((results) => results.forEach((result, i) => (outcomes[inserts[i]!.at] = result))),
    updates.length > 0 &&
      collection.bulkWrite(updates.map((update) => update.write), { ordered: false }).then(
        () => undefined,
        (error: unknown) => {
          const failure = asError(error);
          for (const update of updates) outcomes[update.at] = failure;
        },
      ),
  ]);
  return outcomes;
}

/** One unordered insertMany; each document's outcome: true when written, else its own error. */
async function insertAll<T extends Document>(collection: Collection<T>, documents: OptionalUnlessRequiredId<T>[]): Promise<(true | Error)[]> {
  try {
    await collection.insertMany(documents, { ordered: false });
    return documents.map(() => true);
  } catch (error) {
    const failures = error instanceof MongoBulkWriteError && !error.writeConcernError ? [error.writeErrors].flat() : [];
    if (failures.length === 0) return documents.map(() => asError(error));
    const outcomes: (true | Error)[] = documents.map(() => true);
    for (const failure of failures) {
      outcomes[failure.index] = new MongoServerError({ message: failure.errmsg ?? `write error ${failure.code}`, code: failure.code, errmsg: failure.errmsg });
    }
    return outcomes;
  }
}
