import type { CaseKind, Party } from '@cco/domain';

/**
 * The statistics' counters (see statistics.ts): how many cases count under each fact on each
 * UTC day, and in each UTC month. Kept by the projection with its rows; its size is bounded by the calendar, not
 * by the log, so a count costs the same at a million events and at a billion.
 */
export interface StatisticsDailyTable {
  metric: 'completed' | 'refused' | 'verified' | 'handover_days';
  kind: CaseKind;
  /** 'day': the cases of that day; 'month': of the whole month that `day` (its 1st) starts. */
  grain: 'day' | 'month';
  /** YYYY-MM-DD, UTC. */
  day: string;
  requesting_party: Party;
  requested_party: Party;
  /**
   * completed: the principal offence ('other' for none); refused: the ground; verified: 'within' |
   * 'late'; handover_days: whole days from filing to handover (counted on the handover's day).
   */
  key: string;
  count: number;
}
