import { caseFold } from '../lifecycleColumns';
import type { CaseProjection } from '../caseProjection';
import type { StatisticsCasesTable } from './statisticsCases.table';

export type StatisticsRow = StatisticsCasesTable;

/** The UTC calendar day of a business time: the unit every window and bucket is made of. */
const utcDay = (at: Date | string) => new Date(at).toISOString().slice(0, 10);
/** The first day of its UTC month. */
const utcMonth = (at: Date | string) => `${new Date(at).toISOString().slice(0, 7)}-01`;
/** Whole days elapsed from one business time to another (36 hours: 1 day). */
export const wholeDays = (from: Date | string, to: Date | string) =>
  Math.floor((new Date(to).getTime() - new Date(from).getTime()) / 86_400_000);

/**
 * The statistics: a fact row per case (for durations and the overdue list), and beside it the
 * counters every count is read from: completions by principal offence, refusals by ground,
 * verifications within or past the deadline, and a histogram of whole days from filing to
 * handover, per kind and parties, each counted per UTC day and per UTC month (a window is read
 * as its whole months plus the days at its edges).
 */
export const statistics: CaseProjection<StatisticsRow> = {
  name: 'statistics',
  table: 'statistics_cases',
  evolve: caseFold<StatisticsRow>({
    opened: (columns, filed) => ({ ...columns, offence: filed.data.offences?.[0]?.category ?? null }),
  }),
  counters: {
    table: 'statistics_daily',
    keys: ['metric', 'kind', 'grain', 'day', 'requesting_party', 'requested_party', 'key'],
    facts(row) {
      const of = (metric: string, at: Date, key: string) =>
        (['day', 'month'] as const).map((grain) => ({
          metric,
          grain,
          kind: row.kind,
          day: grain === 'day' ? utcDay(at) : utcMonth(at),
          requesting_party: row.requesting_party,
          requested_party: row.requested_party,
          key,
        }));
      return [
        ...(row.completed_at ? of('completed', row.completed_at, row.offence ?? 'other') : []),
        ...(row.refused_at ? of('refused', row.refused_at, row.refusal_ground ?? 'other') : []),
        ...(row.verified_at ? of('verified', row.verified_at, row.verified_within_deadline ? 'within' : 'late') : []),
        ...(row.handed_over_at && row.filed_at
          ? of('handover_days', row.handed_over_at, String(wholeDays(row.filed_at, row.handed_over_at)))
          : []),
      ];
    },
  },
};
