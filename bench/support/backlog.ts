import { measureLag } from '@cco/event-store';
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

export async function backlog(db: Kysely<any>): Promise<Backlog> {
  const { rows } = await sql<{ behind: string }>`select (select count(*) from events) - (select count(*) from event_chain) as behind`.execute(db);
  const unchained = Number(rows[0]!.behind);
  const names = await sql<{ name: string }>`select name from checkpoints order by name`.execute(db);
  const readers: Record<string, number> = {};
  for (const { name } of names.rows) readers[name] = (await measureLag(db, name)).events;
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
