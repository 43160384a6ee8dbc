import type { StoreTables } from '@cco/event-store';
import type { CaseBoardTable } from './caseBoard/caseBoard.table';
import type { StatisticsCasesTable } from './statistics/statisticsCases.table';
import type { StatisticsDailyTable } from './statistics/statisticsDaily.table';

/** The read models' tables, beside the store's. */
export interface ProjectionTables extends StoreTables {
  case_board: CaseBoardTable;
  statistics_cases: StatisticsCasesTable;
  statistics_daily: StatisticsDailyTable;
}
