import type { CaseKind } from '@cco/domain';
import type { Executor } from '@cco/event-store';
import { countFacts } from './countCases';
import type { DayWindow } from './window';

export interface Durations {
  count: number;
  /** Whole days from filing to handover (business times); null when no case was handed over. */
  medianDays: number | null;
  p90Days: number | null;
}

/**
 * Median and 90th percentile (continuous, interpolated between whole days, as percentile_cont
 * would) of filing → handover in whole days, for the cases handed over in the window. Read from
 * the histogram counters (days → cases, per day and month), so it costs the same at any size of
 * the log: a window reads its months' and edge days' histograms, never a row per case.
 */
export async function measureDurations(db: Executor<any>, window: DayWindow, kind?: CaseKind): Promise<Durations> {
  const { total, groups } = await countFacts(db, 'handover_days', window, { kind }, 'key');
  const histogram = groups.map((g) => ({ days: Number(g.key), count: g.count })).sort((a, b) => a.days - b.days);
  return { count: total, medianDays: histogramPercentile(histogram, total, 0.5), p90Days: histogramPercentile(histogram, total, 0.9) };
}

/** The value at rank p·(n−1) of the sorted multiset the histogram describes, interpolated. */
export function histogramPercentile(histogram: { days: number; count: number }[], total: number, p: number): number | null {
  if (total === 0) return null;
  const rank = p * (total - 1);
  const at = (index: number) => {
    let seen = 0;
    for (const { days, count } of histogram) {
      seen += count;
      if (index < seen) return days;
    }
    return histogram[histogram.length - 1]!.days;
  };
  const lower = Math.floor(rank);
  const value = at(lower) + (rank - lower) * (at(Math.ceil(rank)) - at(lower));
  return Math.round(value * 100) / 100;
}
