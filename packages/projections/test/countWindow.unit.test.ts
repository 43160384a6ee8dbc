import { describe, expect, it } from 'vitest';
import { split } from '../src/statistics/countCases';
import { utcDays } from '../src/statistics/window';

// A window of days read as whole months (monthly counters) plus the days at its edges (daily).
describe('split', () => {
  const cases: [string, string, ReturnType<typeof split>][] = [
    ['2018-11-01', '2019-10-31', { months: { from: '2018-11-01', until: '2019-11-01' }, days: [] }],
    ['2019-10-15', '2019-10-20', { days: [{ from: '2019-10-15', until: '2019-10-21' }] }],
    ['2019-10-01', '2019-10-31', { months: { from: '2019-10-01', until: '2019-11-01' }, days: [] }],
    ['2019-10-02', '2019-10-31', { days: [{ from: '2019-10-02', until: '2019-11-01' }] }],
    [
      '2019-10-15',
      '2019-12-10',
      {
        months: { from: '2019-11-01', until: '2019-12-01' },
        days: [
          { from: '2019-10-15', until: '2019-11-01' },
          { from: '2019-12-01', until: '2019-12-11' },
        ],
      },
    ],
    [
      '2019-12-15',
      '2020-01-31',
      { months: { from: '2020-01-01', until: '2020-02-01' }, days: [{ from: '2019-12-15', until: '2020-01-01' }] },
    ],
    ['2020-02-01', '2020-02-29', { months: { from: '2020-02-01', until: '2020-03-01' }, days: [] }],
    ['2019-11-01', '2019-11-01', { days: [{ from: '2019-11-01', until: '2019-11-02' }] }],
  ];
  for (const [from, to, expected] of cases) {
    it(`${from}..${to}`, () => expect(split(utcDays(from, to))).toEqual(expected));
  }

  it('covers every day of the window exactly once', () => {
    for (const [from, to] of [
      ['2014-01-01', '2019-10-31'],
      ['2016-02-29', '2016-03-01'],
      ['2019-01-31', '2019-03-01'],
    ] as const) {
      const { months, days } = split(utcDays(from, to));
      const each = (into: string[], a: string, b: string) => {
        for (let d = a; d < b; d = new Date(Date.parse(`${d}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)) into.push(d);
      };
      const covered: string[] = [];
      if (months) each(covered, months.from, months.until);
      for (const d of days) each(covered, d.from, d.until);
      const all: string[] = [];
      each(all, from, new Date(Date.parse(`${to}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10));
      expect(covered.sort()).toEqual(all);
    }
  });
});
