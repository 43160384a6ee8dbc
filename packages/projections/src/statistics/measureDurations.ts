import type { CaseKind } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { casesIn } from './countCases';
import type { DayWindow } from './window';

export interface Durations {
  count: number;
  /** Days from filing to handover (business times); null when no case was handed over. */
  medianDays: number | null;
  p90Days: number | null;
}

const days = sql<number>`extract(epoch from handed_over_at - filed_at) / 86400`;

/** Median and 90th percentile (continuous, interpolated) of filing → handover, for cases handed over in the window. */
export async function measureDurations(db: Executor<any>, window: DayWindow, kind?: CaseKind): Promise<Durations> {
  const row = await casesIn(db, 'handed_over_at', window, { kind })
    .select([
      sql<number>`count(*)::int`.as('count'),
      sql<number | null>`percentile_cont(0.5) within group (order by ${days})::float8`.as('median'),
      sql<number | null>`percentile_cont(0.9) within group (order by ${days})::float8`.as('p90'),
    ])
    .executeTakeFirstOrThrow();
  const round = (value: number | null) => (value === null ? null : Math.round(value * 100) / 100);
  return { count: row.count, medianDays: round(row.median), p90Days: round(row.p90) };
}
