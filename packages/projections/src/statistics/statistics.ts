import { caseFold } from '../lifecycleColumns';
import type { CaseProjection } from '../projection';
import type { StatisticsCasesTable } from './statisticsCases.table';

export type StatisticsRow = StatisticsCasesTable;

/** The statistics: a fact row per case, counted by business time at query time. */
export const statistics: CaseProjection<StatisticsRow> = {
  name: 'statistics',
  table: 'statistics_cases',
  evolve: caseFold<StatisticsRow>({
    opened: (columns, filed) => ({ ...columns, offence: filed.data.offences?.[0]?.category ?? null }),
  }),
};
