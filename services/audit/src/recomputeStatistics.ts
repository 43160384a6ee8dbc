import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';

export type GroupBy = 'year' | 'month' | 'offence';

export interface DeportationStatistics {
  from: string;
  to: string;
  total: number;
  groups: { key: string; count: number }[];
}

const bucket: Record<Exclude<GroupBy, 'offence'>, string> = { year: 'YYYY', month: 'YYYY-MM' };

/**
 * Completed deportations from the raw events alone, by docs/api.md's definition: the UTC date
 * of the completion's occurredAt, both ends inclusive. No projection table is read, so this is
 * an independent check on the published figures. By offence, a case counts under its principal
 * offence (the first listed), so the groups add up to the total.
 */
export async function recomputeDeportationStatistics(
  db: Executor<any>,
  from: string,
  to: string,
  groupBy: GroupBy,
): Promise<DeportationStatistics> {
  const inWindow = sql`c.type = 'DeportationCompleted' and (c.occurred_at at time zone 'UTC')::date between ${from}::date and ${to}::date`;
  const total = await sql<{ n: string }>`select count(*) as n from events c where ${inWindow}`.execute(db);
  const groups =
    groupBy === 'offence'
      ? await sql<{ key: string; count: string }>`
          select o.category as key, count(*) as count
          from events c
          join events f on f.stream_id = c.stream_id and f.type = 'RequestFiled'
          cross join lateral (select f.data->'offences'->0->>'category' as category) o
          where ${inWindow} group by 1 order by 1`.execute(db)
      : await sql<{ key: string; count: string }>`
          select to_char(c.occurred_at at time zone 'UTC', ${bucket[groupBy]}) as key, count(*) as count
          from events c where ${inWindow} group by 1 order by 1`.execute(db);
  return { from, to, total: Number(total.rows[0]?.n ?? 0), groups: groups.rows.map((g) => ({ key: g.key, count: Number(g.count) })) };
}
