import type { Executor } from '@cco/event-store';
import type { AnalyticsTables } from './tables';

export interface MonthlyCount {
  /** 'YYYY-MM', UTC. */
  key: string;
  count: number;
}

/** The consumer's figures, oldest month first, in the shape of the statistics endpoint's groups. */
export async function readMonthlyDeportations(db: Executor<AnalyticsTables>): Promise<MonthlyCount[]> {
  const rows = await db.selectFrom('analytics_monthly_deportations').select(['month', 'completed']).orderBy('month').execute();
  return rows.map((row) => ({ key: row.month, count: Number(row.completed) }));
}
