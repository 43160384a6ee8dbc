import { readAhead, readAll, readPosition, savePosition, type LogPosition, type ReadAllResult } from '@cco/event-store';
import { sql, type Kysely } from 'kysely';
import { positionNameOf, liveTarget, runnerLockOf, tablesOf, type CaseProjection } from '../caseProjection';
import { applyEvents } from '../runner/applyEvents';
import { applyNextBatch } from '../runner/applyNextBatch';
import { compareTables, type TableComparison } from './compareTables';
import { lockForTransaction } from './lockForTransaction';
import { createShadow, holdShadow, indexShadow, releaseShadow, shadowSchema, type Shadow } from './shadow';
import { swapTables } from './swapTables';

export interface RebuildReport {
  projection: string;
  /** The rebuilt rows are exactly the live ones, both at `at` in the log. */
  equal: boolean;
  at: LogPosition;
  eventsReplayed: number;
  /** The rows. */
  comparison: TableComparison;
  /** The counters kept beside the rows, when the projection has any. */
  counters?: TableComparison;
  durationMs: number;
}

export interface RebuildOptions {
  batchSize?: number;
  onProgress?: (eventsReplayed: number) => void;
}

/**
 * Rebuilds a projection from position zero without taking the live one down:
 * 1. replays the whole log into a shadow table in another schema, batch by batch, while the
 *    live runner and the API go on, then gives it the live table's indexes;
 * 2. then, in ONE transaction holding the live runner's lock: brings the live model to the
 *    head of the log, the shadow to exactly the same position, compares the two row for row,
 *    and swaps the shadow in. Readers see the old table or the new one, never a mix.
 * The rebuilt table wins even when they differ (the log is the truth); the report says so.
 */
export function rebuildProjection(db: Kysely<any>, projection: CaseProjection, options: RebuildOptions = {}): Promise<RebuildReport> {
  // Rebuilds of one projection through one database handle (one instance) take turns rather
  // than supersede each other, so two auditors asking at once both get an answer; across
  // instances the newer one wins (see shadow.ts).
  const queue = turns.get(db) ?? new Map<string, Promise<unknown>>();
  turns.set(db, queue);
  const mine = (queue.get(projection.name) ?? Promise.resolve()).catch(() => undefined).then(() => rebuild(db, projection, options));
  queue.set(projection.name, mine);
  void mine.finally(() => queue.get(projection.name) === mine && queue.delete(projection.name)).catch(() => undefined);
  return mine;
}

const turns = new WeakMap<Kysely<any>, Map<string, Promise<unknown>>>();

async function rebuild(db: Kysely<any>, projection: CaseProjection, options: RebuildOptions): Promise<RebuildReport> {
  const started = Date.now();
  // Bigger batches than the live runner's: a rebuild is a bulk job, and what each batch costs
  // once (its transaction, the checkpoint, the counters' upsert) is spread over more events.
  const batchSize = options.batchSize ?? 20_000;
  const run = await db.transaction().execute((trx) => createShadow(trx, projection));
  let replayed = 0;
  const step = (trx: Kysely<any>, until?: LogPosition) => applyNextBatch(trx, projection, run.target, batchSize, until);
  // Pipelined: the next batch is read on another connection while this one is applied, and
  // used if the shadow's checkpoint is then exactly where it was read after (see readAhead).
  const ahead = readAhead<ReadAllResult>();
  for (let applied = -1; applied !== 0; replayed += applied) {
    applied = await db.transaction().execute(async (trx) => {
      await holdShadow(trx, run);
      const from = await readPosition(trx, run.target.position);
      const read = await ahead.take(from, (after) => readAll(trx, after, batchSize));
      if (read.events.length === 0) return 0;
      ahead.hold(read.last, readAll(db, read.last, batchSize));
      await applyEvents(trx, projection, run.target, read.events);
      await savePosition(trx, run.target.position, read.last);
      return read.events.length;
    });
    if (applied > 0) options.onProgress?.(replayed + applied);
  }
  // Indexed once, now that the bulk of the rows is in, rather than row by row during the replay.
  await db.transaction().execute(async (trx) => {
    await holdShadow(trx, run);
    await indexShadow(trx, run);
  });

  return db.transaction().execute(async (trx) => {
    // The live runner's try-lock now fails, so it skips its turns until this commits.
    await lockForTransaction(trx, runnerLockOf(projection));
    await holdShadow(trx, run);
    while ((await applyNextBatch(trx, projection, liveTarget(projection), batchSize)) > 0);
    const at = await readPosition(trx, positionNameOf(projection));
    for (let applied = await step(trx, at); applied > 0; applied = await step(trx, at)) replayed += applied;
    const [comparison, counters] = await swapIn(trx, run);
    return {
      projection: projection.name,
      equal: [comparison!, ...(counters ? [counters] : [])].every((c) => c.onlyInLive === 0 && c.onlyInRebuilt === 0),
      at,
      eventsReplayed: replayed,
      comparison: comparison!,
      ...(counters ? { counters } : {}),
      durationMs: Date.now() - started,
    };
  });
}

/** Compares each of the projection's tables with its shadow and swaps them all in, in one transaction. */
async function swapIn(trx: Kysely<any>, run: Shadow): Promise<TableComparison[]> {
  const { rows } = await sql<{ schema: string }>`select current_schema() as schema`.execute(trx);
  const liveSchema = rows[0]!.schema;
  const comparisons: TableComparison[] = [];
  for (const table of tablesOf(run.projection)) {
    comparisons.push(await compareTables(trx, table, liveSchema, shadowSchema));
    await swapTables(trx, table, liveSchema);
  }
  await releaseShadow(trx, run);
  return comparisons;
}
