import type { OffenceCategory } from '@cco/domain';
import type { LifecycleColumns } from '../lifecycleColumns';

/**
 * The analysts' fact table: one row per case, facts only (kinds, parties, categories, business
 * times). No personal data and no free text, so any figure drawn from it may go to anyone.
 */
export interface StatisticsCasesTable extends LifecycleColumns {
  /** The principal (first listed) offence, so that offence groups add up to the total; null for victims. */
  offence: OffenceCategory | null;
}
