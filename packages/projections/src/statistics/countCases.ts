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
  const { months, days } = split(window);
  let query = (db as Executor<ProjectionTables>)
    .selectFrom('statistics_daily')
    .where('metric', '=', metric)
    .where((eb) =>
      eb.or([
        ...(months ? [eb.and([eb('grain', '=', 'month'), eb('day', '>=', months.from), eb('day', '<', months.until)])] : []),
        ...days.map((d) => eb.and([eb('grain', '=', 'day'), eb('day', '>=', d.from), eb('day', '<', d.until)])),
      ]),
    );
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

/**
 * A window of days as whole UTC months (read from the monthly counters) and the days before and
 * after them (from the daily ones); half-open ranges of YYYY-MM-DD. Two years of window read
 * some 24 monthly counters and at most 60 daily ones per kind, party and key.
 */
export function split(window: DayWindow): { months?: { from: string; until: string }; days: { from: string; until: string }[] } {
  const dayAfter = (day: string) => new Date(Date.parse(`${day}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const firstOfNext = (day: string) => {
    const d = new Date(`${day.slice(0, 7)}-01T00:00:00Z`);
    d.setUTCMonth(d.getUTCMonth() + 1);
    return d.toISOString().slice(0, 10);
  };
  const end = dayAfter(window.to);
  const monthsFrom = window.from.endsWith('-01') ? window.from : firstOfNext(window.from);
  const monthsUntil = end.endsWith('-01') ? end : `${end.slice(0, 7)}-01`;
  if (monthsFrom >= monthsUntil) return { days: [{ from: window.from, until: end }] };
  const days = [
    ...(window.from < monthsFrom ? [{ from: window.from, until: monthsFrom }] : []),
    ...(monthsUntil < end ? [{ from: monthsUntil, until: end }] : []),
  ];
  return { months: { from: monthsFrom, until: monthsUntil }, days };
}

/** The cases whose `at` falls in the window (and match the filters): for figures that need each case. */
export function casesIn(db: Executor<any>, at: TimeColumn, window: DayWindow, filters: Filters) {
  let query = (db as Executor<ProjectionTables>).selectFrom('statistics_cases').where(at, '>=', window.start).where(at, '<', window.end);
  for (const [column, value] of Object.entries(filters) as [keyof Filters, string | undefined][]) {
    if (value !== undefined) query = query.where(column, '=', value as never);
  }
  return query;
}
