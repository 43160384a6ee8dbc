import { createHash } from 'node:crypto';
import { importCaseHistories } from '@cco/cases';
import { type Executor } from '@cco/event-store';
import { chainEvents } from '@cco/transparency-log';
import type { Kysely } from 'kysely';
import { caseHistories, type HistoryOptions } from '@cco/testkit';

/**
 * The benchmarks' one personal-data key: what they load and every service they start (as in
 * production) on a database use it, since a database refuses any key but the one it was sealed with.
 */
export const benchKek = createHash('sha256').update('cco-bench-personal-data-key').digest();

export interface Loaded {
  events: number;
  cases: number;
  /** Events the import linked into the hash chain itself. */
  chained: number;
  importSeconds: number;
}

/**
 * Fills the log through the bulk back-fill path (importCaseHistories → importEvents), one
 * transaction per batch of cases. Returns when every batch has committed.
 */
export async function loadHistory(db: Kysely<any>, options: HistoryOptions & { onProgress?: (events: number) => void }): Promise<Loaded> {
  const started = process.hrtime.bigint();
  let events = 0;
  let cases = 0;
  let chained = 0;
  // Pipelined: the next batch is generated while PostgreSQL writes the one before.
  let inFlight: Promise<void> | undefined;
  for (const batch of caseHistories(options)) {
    await inFlight;
    inFlight = importCaseHistories(db, benchKek, batch).then((result) => {
      if (!result.ok) throw new Error(`import refused: ${JSON.stringify(result)}`);
      events += result.events;
      cases += result.streams;
      if ((result as { chained?: boolean }).chained) chained += result.events;
      options.onProgress?.(events);
    });
    inFlight.catch(() => undefined);
  }
  await inFlight;
  return { events, cases, chained, importSeconds: Number(process.hrtime.bigint() - started) / 1e9 };
}

/** Runs the chainer until the chain covers every committed event; returns the links added. */
export async function chainAll(db: Executor<any>, batchSize = 10_000): Promise<number> {
  let total = 0;
  for (let n = await chainEvents(db, batchSize); n > 0; n = await chainEvents(db, batchSize)) total += n;
  return total;
}

export function progress(label: string) {
  const tty = process.stderr.isTTY;
  let last = 0;
  return (n: number) => {
    if (!tty || Date.now() - last < 500) return;
    last = Date.now();
    process.stderr.write(`\r  ${label} ${n.toLocaleString('en')}   `);
  };
}
export function endProgress() {
  if (process.stderr.isTTY) process.stderr.write('\r\x1b[K');
}
