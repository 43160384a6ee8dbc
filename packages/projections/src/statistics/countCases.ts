import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import type { ProjectionTables } from '../tables';
import type { StatisticsCasesTable } from './statisticsCases.table';
import type { StatisticsDailyTable } from './statisticsDaily.table';
import type { DayWindow } from './window';

type TimeColumn = 'completed_at' | 'refused_at' | 'handed_over_at' | 'verified_at';
type Filters = Partial<Pick<StatisticsCasesTable, 'kind' | 'requesting_party' | 'requested_party'>>;

export interface Count {
  total: number;
  groups: { key: string; count: number }[];
}

/** Group keys: calendar buckets of the (UTC) day, or the counter's own key. */
const buckets = {
  year: sql<string>`to_char(day, 'YYYY')`,
  month: sql<string>`to_char(day, 'YYYY-MM')`,
  key: sql<string>`key`,
};
export type Bucket = keyof typeof buckets;

/**
 * Sums the daily counters of `metric` over the window's days (both ends inclusive) and the
 * filters, grouped by `by` when given (groups in key order, adding up to the total). Reads at
 * most days × kinds × parties × keys counters, however many events the log holds.
 */
export async function countFacts(
  db: Executor<any>,
  metric: StatisticsDailyTable['metric'],
  window: DayWindow,
  filters: Filters,
  by?: Bucket,
): Promise<Count> {
  let query = (db as Executor<ProjectionTables>)
    .selectFrom('statistics_daily')
    .where('metric', '=', metric)
    .where('day', '>=', window.from)
    .where('day', '<=', window.to);
  for (const [column, value] of Object.entries(filters) as [keyof Filters, string | undefined][]) {
    if (value !== undefined) query = query.where(column, '=', value as never);
  }
  if (!by) {
    const row = await query.select(sql<number>`coalesce(sum(count), 0)::int`.as('count')).executeTakeFirstOrThrow();
    return { total: Number(row.count), groups: [] };
  }
  // Named `bucket`, not `key`: GROUP BY would take `key` for the table's own column.
  const rows = await query
    .select([buckets[by].as('bucket'), sql<number>`sum(count)::int`.as('count')])
    .groupBy(sql.ref('bucket'))
    .orderBy(sql.ref('bucket'))
    .execute();
  const groups = rows.map((r) => ({ key: String(r.bucket), count: Number(r.count) }));
  return { total: groups.reduce((sum, g) => sum + g.count, 0), groups };
}

/** The cases whose `at` falls in the window (and match the filters): for figures that need each case. */
export function casesIn(db: Executor<any>, at: TimeColumn, window: DayWindow, filters: Filters) {
  let query = (db as Executor<ProjectionTables>)
    .selectFrom('statistics_cases')
    .where(at, '>=', window.start)
    .where(at, '<', window.end);
  for (const [column, value] of Object.entries(filters) as [keyof Filters, string | undefined][]) {
    if (value !== undefined) query = query.where(column, '=', value as never);
  }
  return query;
}
