// The window of UTC days the page shows, kept in the URL as ?from=YYYY-MM-DD&to=YYYY-MM-DD.
// Pure functions (no DOM), unit-tested in services/api/test/dashboardWindow.unit.test.ts.

export type Mode = 'last12' | 'year' | 'custom';
export interface Window {
  from: string;
  to: string;
}

/** The first year the office's statistics cover (the per-year chart starts here). */
export const FIRST_YEAR = 2014;

const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;

export const isoDay = (date: Date) => date.toISOString().slice(0, 10);

/** A real calendar day written YYYY-MM-DD (2019-02-30 is not one). */
export function isDay(value: string | null | undefined): value is string {
  const match = value ? DAY.exec(value) : null;
  if (!match) return false;
  const [, y, m, d] = match.map(Number) as [number, number, number, number];
  const date = new Date(Date.UTC(y, m - 1, d));
  return date.getUTCFullYear() === y && date.getUTCMonth() === m - 1 && date.getUTCDate() === d && y >= 1;
}

/** The 12 months up to and including `today`: from the day after the same date a year earlier. */
export function last12Months(today: string): Window {
  const [y, m, d] = today.split('-').map(Number) as [number, number, number];
  const from = new Date(Date.UTC(y - 1, m - 1, d + 1));
  // 29 February: a year earlier there is none, and Date rolls to 1 March; the day after is 2 March.
  if (m === 2 && d === 29) from.setUTCDate(1);
  return { from: isoDay(from), to: today };
}

export const calendarYear = (year: number): Window => ({ from: `${year}-01-01`, to: `${year}-12-31` });

/** The window the query string names, or the last 12 months when it names none or a bad one. */
export function windowFromQuery(search: string, today: string): { window: Window; given: boolean } {
  const query = new URLSearchParams(search);
  const from = query.get('from');
  const to = query.get('to');
  if (isDay(from) && isDay(to) && from <= to) return { window: { from, to }, given: true };
  return { window: last12Months(today), given: false };
}

export function modeOf(window: Window, today: string): Mode {
  const last12 = last12Months(today);
  if (window.from === last12.from && window.to === last12.to) return 'last12';
  const year = Number(window.from.slice(0, 4));
  const whole = calendarYear(year);
  if (window.from === whole.from && window.to === whole.to) return 'year';
  return 'custom';
}

/** Every month `YYYY-MM` the window touches, in order. */
export function monthsOf(window: Window): string[] {
  const months: string[] = [];
  let [y, m] = window.from.split('-').map(Number) as [number, number];
  const last = window.to.slice(0, 7);
  for (;;) {
    const key = `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}`;
    if (key > last) return months;
    months.push(key);
    m += 1;
    if (m === 13) [y, m] = [y + 1, 1];
  }
}

/** Every year from FIRST_YEAR to the window's last day (none when the window ends before it). */
export function yearsUpTo(window: Window): string[] {
  const last = Number(window.to.slice(0, 4));
  const years: string[] = [];
  for (let year = FIRST_YEAR; year <= last; year += 1) years.push(String(year));
  return years;
}

/** `groups` as counts for every key in `keys` (0 where the API lists none). */
export function fill(keys: string[], groups: { key: string; count: number }[]): { key: string; count: number }[] {
  const counts = new Map(groups.map((g) => [g.key, g.count]));
  return keys.map((key) => ({ key, count: counts.get(key) ?? 0 }));
}
