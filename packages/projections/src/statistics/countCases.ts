import type { Executor } from '@cco/event-store';
import { sql, type RawBuilder } from 'kysely';
import type { ProjectionTables } from '../tables';
import type { StatisticsCasesTable } from './statisticsCases.table';
import type { DayWindow } from './window';

type TimeColumn = 'completed_at' | 'refused_at' | 'handed_over_at' | 'verified_at';
type Filters = Partial<Pick<StatisticsCasesTable, 'kind' | 'requesting_party' | 'requested_party'>>;

export interface Count {
  total: number;
  groups: { key: string; count: number }[];
}

/** Group keys: calendar buckets of the business time in UTC, or a fact column. */
export const bucket = {
  year: (at: TimeColumn) => sql<string>`to_char(${sql.ref(at)} at time zone 'UTC', 'YYYY')`,
  month: (at: TimeColumn) => sql<string>`to_char(${sql.ref(at)} at time zone 'UTC', 'YYYY-MM')`,
  offence: () => sql<string>`coalesce(offence, 'other')`,
  ground: () => sql<string>`refusal_ground`,
};

/** The cases whose `at` falls in the window (and match the filters): the base of every figure. */
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

/** Counts those cases, grouped by `key` when given (groups in key order, adding up to the total). */
export async function countCases(db: Executor<any>, at: TimeColumn, window: DayWindow, filters: Filters, key?: RawBuilder<string>): Promise<Count> {
  const base = casesIn(db, at, window, filters);
  if (!key) {
    const row = await base.select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    return { total: Number(row.count), groups: [] };
  }
  const rows = await base
    .select([key.as('key'), (eb) => eb.fn.countAll<number>().as('count')])
    .groupBy(sql.ref('key'))
    .orderBy(sql.ref('key'))
    .execute();
  const groups = rows.map((r) => ({ key: String(r.key), count: Number(r.count) }));
  return { total: groups.reduce((sum, g) => sum + g.count, 0), groups };
}
