import fc from 'fast-check';
import { expect, it } from 'vitest';
import { histogramPercentile } from '../src/statistics/measureDurations';
import { wholeDays } from '../src/statistics/statistics';

// A percentile read from a histogram of whole days equals percentile_cont over the days
// themselves: the histogram loses nothing a whole-day figure needs.

const percentileCont = (sorted: number[], p: number) => {
  const at = p * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.ceil(at)]! - sorted[low]!) * (at - low);
};

it('equals percentile_cont over the multiset, for any multiset and p', () => {
  fc.assert(
    fc.property(
      fc.array(fc.integer({ min: 0, max: 400 }), { minLength: 1, maxLength: 300 }),
      fc.constantFrom(0, 0.1, 0.5, 0.9, 0.99, 1),
      (days, p) => {
        const counts = new Map<number, number>();
        for (const d of days) counts.set(d, (counts.get(d) ?? 0) + 1);
        const histogram = [...counts].map(([d, count]) => ({ days: d, count })).sort((a, b) => a.days - b.days);
        const sorted = [...days].sort((a, b) => a - b);
        expect(histogramPercentile(histogram, days.length, p)).toBe(Math.round(percentileCont(sorted, p) * 100) / 100);
      },
    ),
  );
});

it('an empty window has no percentile', () => {
  expect(histogramPercentile([], 0, 0.5)).toBeNull();
});

it('whole days are elapsed days, rounded down', () => {
  expect(wholeDays('2019-01-01T00:00:00Z', '2019-01-02T11:59:59Z')).toBe(1);
  expect(wholeDays('2019-01-01T23:00:00Z', '2019-01-02T01:00:00Z')).toBe(0);
  expect(wholeDays('2019-01-01T00:00:00Z', '2019-01-11T00:00:00Z')).toBe(10);
});
