/**
 * A window of whole UTC days, both ends inclusive, as the half-open range of instants the
 * queries use: from 00:00:00.000Z on `from` up to (not including) 00:00Z the day after `to`.
 * So an event at 2019-10-31T23:30:00-01:00 (00:30Z on 1 November) falls outside to=2019-10-31.
 */
export interface DayWindow {
  from: string;
  to: string;
  start: Date;
  end: Date;
}

const DAY_MS = 86_400_000;

export function utcDays(from: string, to: string): DayWindow {
  const start = new Date(`${from}T00:00:00.000Z`);
  const end = new Date(new Date(`${to}T00:00:00.000Z`).getTime() + DAY_MS);
  if (Number.isNaN(start.getTime()) || Number.isNaN(end.getTime())) throw new RangeError('from and to are dates, YYYY-MM-DD');
  if (end <= start) throw new RangeError('from must not be after to');
  return { from, to, start, end };
}
