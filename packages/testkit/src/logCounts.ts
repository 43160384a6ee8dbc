import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';

// Oracles: figures counted straight from the raw log, for tests to compare read models and
// consumers with.

/** Completed deportations in the log. */
export async function completedDeportationsInLog(db: Executor<any>): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from events where type = 'DeportationCompleted'`.execute(db);
  return rows[0]!.n;
}

/** Completed deportations per UTC month of occurredAt (`YYYY-MM`), oldest first. */
export async function monthlyDeportationsInLog(db: Executor<any>): Promise<{ key: string; count: number }[]> {
  const result = await sql<{ key: string; count: number }>`
    select to_char(occurred_at at time zone 'UTC', 'YYYY-MM') as key, count(*)::int as count
    from events where type = 'DeportationCompleted' group by 1 order by 1`.execute(db);
  return result.rows;
}
