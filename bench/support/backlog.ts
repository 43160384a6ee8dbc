import { sql, type Kysely } from 'kysely';

// How far the background work (hash chainer, projections, relay) is behind the log, read from
// the database alone: events not yet chained, and for every reader checkpoint (projections,
// relay) the committed events after it. Used at the end of a measured window and to wait until
// the work caught up, so a CPU figure can include the work a window left behind.

export interface Backlog {
  /** Committed events without a hash-chain link. */
  unchained: number;
  /** Events after each reader's checkpoint, by checkpoint name. */
  readers: Record<string, number>;
  /** The largest of the above. */
  max: number;
}

/** Transactions the bench itself ran on the database through `backlog` (for support/pgcounters.ts to subtract). */
export let backlogTransactions = 0;
/** A transaction the bench ran on the database elsewhere (support/pgcounters.ts). */
export const countBenchTransaction = () => void backlogTransactions++;

/** One statement (one transaction): a reader is behind by the committed events after its checkpoint, as measureLag counts them. */
export async function backlog(db: Kysely<any>): Promise<Backlog> {
  backlogTransactions++;
  const { rows } = await sql<{ unchained: string; readers: Record<string, string> }>`
    select (select count(*) from events) - (select count(*) from event_chain) as unchained,
           coalesce((select json_object_agg(c.name, (select count(*) from events e where (e.transaction_id, e.position) > (c.transaction_id, c.position)))
                     from checkpoints c), '{}') as readers`.execute(db);
  const unchained = Number(rows[0]!.unchained);
  const readers = Object.fromEntries(Object.entries(rows[0]!.readers).map(([name, n]) => [name, Number(n)]));
  return { unchained, readers, max: Math.max(unchained, ...Object.values(readers)) };
}

export const describeBacklog = (b: Backlog) =>
  [`chain ${b.unchained}`, ...Object.entries(b.readers).map(([name, n]) => `${name} ${n}`)].join(', ');

/** Waits until nothing is behind (or the deadline passes); returns the seconds it took and the last backlog. */
export async function waitCaughtUp(db: Kysely<any>, timeoutMs: number): Promise<{ seconds: number; last: Backlog }> {
  const started = Date.now();
  for (;;) {
    const last = await backlog(db);
    if (last.max === 0 || Date.now() - started > timeoutMs) return { seconds: (Date.now() - started) / 1000, last };
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Events in the log (one transaction, counted like `backlog`'s). */
export async function eventCount(db: Kysely<any>): Promise<number> {
  backlogTransactions++;
  const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(db);
  return Number(rows[0]!.n);
}
