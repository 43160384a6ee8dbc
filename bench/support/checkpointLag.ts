import { sql, type Kysely } from 'kysely';
import { countBenchTransaction } from './backlog';

export interface CheckpointLag {
  events: number;
  p50: number;
  p99: number;
  max: number;
}

/**
 * Seconds from each event's record time to the first signed checkpoint that covers it (its
 * leaf, chain seq − 1, is below the checkpoint's tree size), over the events recorded since
 * `since`: the transparency log's lag as an auditor sees it. Waits, up to `timeoutMs`, for a
 * checkpoint to cover them all first; undefined when none did.
 */
export async function checkpointLag(db: Kysely<any>, since: Date, timeoutMs: number): Promise<CheckpointLag | undefined> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    countBenchTransaction();
    const { rows } = await sql<{ covered: boolean }>`
      select coalesce((select max(tree_size) from tree_checkpoints), 0) >= (select count(*) from events) as covered`.execute(db);
    if (rows[0]?.covered) break;
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, 200));
  }
  countBenchTransaction();
  const { rows } = await sql<{ events: string; p50: number; p99: number; max: number }>`
    select count(*) as events,
           percentile_cont(0.5) within group (order by lag)::float8 as p50,
           percentile_cont(0.99) within group (order by lag)::float8 as p99,
           max(lag)::float8 as max
    from (
      select extract(epoch from (select c.issued_at from tree_checkpoints c where c.tree_size >= ch.seq order by c.tree_size limit 1) - e.recorded_at) as lag
      from events e join event_chain ch on ch.position = e.position
      where e.recorded_at >= ${since}
    ) as lags`.execute(db);
  const row = rows[0]!;
  return Number(row.events) === 0 ? undefined : { events: Number(row.events), p50: row.p50, p99: row.p99, max: row.max };
}
