import { describe, expect, it } from 'vitest';
import { calendarYear, fill, isDay, last12Months, modeOf, monthsOf, windowFromQuery, yearsUpTo } from '../dashboard/window';

describe('the dashboard window', () => {
  it('takes a real window from the query string, else the last 12 months', () => {
    expect(windowFromQuery('?from=2019-01-01&to=2019-12-31', '2026-11-30')).toEqual({
      window: { from: '2019-01-01', to: '2019-12-31' },
      given: true,
    });
    for (const bad of [
      '',
      '?from=2019-02-30&to=2019-12-31',
      '?from=2019-12-31&to=2019-01-01',
      '?from=2019-01-01',
      '?from=19-01-01&to=2019-12-31',
    ]) {
      expect(windowFromQuery(bad, '2026-11-30'), bad).toEqual({ window: { from: '2025-12-01', to: '2026-11-30' }, given: false });
    }
  });

  it('counts the last 12 months back from today, 29 February included', () => {
    expect(last12Months('2026-12-31')).toEqual({ from: '2026-01-01', to: '2026-12-31' });
    expect(last12Months('2024-02-29')).toEqual({ from: '2023-03-01', to: '2024-02-29' });
    expect(last12Months('2025-03-01')).toEqual({ from: '2024-03-02', to: '2025-03-01' });
  });

  it('knows which picker choice a window is', () => {
    expect(modeOf(last12Months('2026-11-30'), '2026-11-30')).toBe('last12');
    expect(modeOf(calendarYear(2019), '2026-11-30')).toBe('year');
    expect(modeOf({ from: '2019-01-01', to: '2019-12-30' }, '2026-11-30')).toBe('custom');
  });

  it('lists every month and every year since 2014, filling the API’s gaps with 0', () => {
    expect(monthsOf({ from: '2018-11-15', to: '2019-02-01' })).toEqual(['2018-11', '2018-12', '2019-01', '2019-02']);
    expect(yearsUpTo({ from: '2016-01-01', to: '2016-03-01' })).toEqual(['2014', '2015', '2016']);
    expect(yearsUpTo({ from: '2010-01-01', to: '2013-03-01' })).toEqual([]);
    expect(fill(['2019-01', '2019-02'], [{ key: '2019-02', count: 3 }])).toEqual([
      { key: '2019-01', count: 0 },
      { key: '2019-02', count: 3 },
    ]);
    expect(isDay('2024-02-29')).toBe(true);
    expect(isDay('2023-02-29')).toBe(false);
  });
});
