import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';

// The figures computed straight from the raw events table, independently of the projections,
// to hold the statistics endpoints to.

const inWindow = (at: Date, from: string, to: string) => {
  const day = at.toISOString().slice(0, 10);
  return day >= from && day <= to;
};

export async function rawEvents(db: Executor<any>) {
  const { rows } = await sql<{ stream_id: string; type: string; occurred_at: Date; data: any }>`
    select stream_id, type, occurred_at, data from events order by transaction_id, position`.execute(db);
  const filings = new Map(rows.filter((r) => r.type === 'RequestFiled').map((r) => [r.stream_id, r]));
  const of = (type: string) => rows.filter((r) => r.type === type).map((r) => ({ ...r, filing: filings.get(r.stream_id)! }));
  return { rows, filings, of };
}
type Raw = Awaited<ReturnType<typeof rawEvents>>;

export function rawDeportations(raw: Raw, from: string, to: string, groupBy?: 'year' | 'month' | 'offence') {
  const counted = raw.of('DeportationCompleted').filter((e) => inWindow(e.occurred_at, from, to));
  const keyOf = (e: (typeof counted)[number]) =>
    groupBy === 'offence'
      ? (e.filing.data.offences[0].category as string)
      : e.occurred_at.toISOString().slice(0, groupBy === 'year' ? 4 : 7);
  const groups = new Map<string, number>();
  if (groupBy) for (const e of counted) groups.set(keyOf(e), (groups.get(keyOf(e)) ?? 0) + 1);
  return { total: counted.length, groups: [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, count]) => ({ key, count })) };
}

/** percentile_cont: linear interpolation between the closest ranks. */
const percentile = (sorted: number[], p: number) => {
  const at = p * (sorted.length - 1);
  const low = Math.floor(at);
  return sorted[low]! + (sorted[Math.min(low + 1, sorted.length - 1)]! - sorted[low]!) * (at - low);
};

export function rawDurations(raw: Raw, from: string, to: string) {
  const days = raw
    .of('SuspectHandedOver')
    .filter((e) => inWindow(e.occurred_at, from, to))
    // Whole days elapsed, as the statistics report them.
    .map((e) => Math.floor((e.occurred_at.getTime() - e.filing.occurred_at.getTime()) / 86_400_000))
    .sort((a, b) => a - b);
  const round = (x: number) => Math.round(x * 100) / 100;
  return {
    count: days.length,
    medianDays: days.length ? round(percentile(days, 0.5)) : null,
    p90Days: days.length ? round(percentile(days, 0.9)) : null,
  };
}

export function rawRefusals(raw: Raw, from: string, to: string) {
  const groups = new Map<string, number>();
  for (const e of raw.of('RequestRefused').filter((r) => inWindow(r.occurred_at, from, to)))
    groups.set(e.data.ground, (groups.get(e.data.ground) ?? 0) + 1);
  return [...groups].sort(([a], [b]) => (a < b ? -1 : 1)).map(([key, count]) => ({ key, count }));
}

export function rawVictimVerifications(raw: Raw, from: string, to: string) {
  const done = raw.of('IdentityVerified').filter((e) => e.filing.data.kind === 'victim_repatriation' && inWindow(e.occurred_at, from, to));
  const within = done.filter((e) => e.data.withinDeadline === true).length;
  return { total: done.length, withinDeadline: within, late: done.length - within };
}

export function rawOverdue(raw: Raw, requestedParty: string, now: Date) {
  const moved = new Set(raw.rows.filter((r) => r.type !== 'RequestFiled').map((r) => r.stream_id));
  return [...raw.filings.values()].filter(
    (f) =>
      f.data.kind === 'victim_repatriation' &&
      f.data.requestedParty === requestedParty &&
      !moved.has(f.stream_id) &&
      Date.parse(f.data.verificationDueBy) < now.getTime(),
  ).length;
}
