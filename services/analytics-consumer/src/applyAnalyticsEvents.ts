import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import type { AnalyticsTables } from './tables';

/** What the consumer needs of an analytics message. */
export interface AnalyticsEvent {
  /** From the event-id header. */
  eventId: string;
  type: string;
  /** ISO 8601 business time. */
  occurredAt: string;
}

export interface Applied {
  applied: number;
  duplicates: number;
}

/** The figure this consumer keeps; the same definition as GET /v1/statistics/deportations. */
export const countsAsCompletedDeportation = (event: AnalyticsEvent) => event.type === 'DeportationCompleted';

/** 'YYYY-MM' of an instant, in UTC. */
export const utcMonthOf = (iso: string) => new Date(iso).toISOString().slice(0, 7);

/**
 * Applies a batch once: ids already seen (a relay replay, a redelivery after a rebalance or a
 * crash before the offset commit) are dropped by the insert itself, and only the new ones move
 * the figures. Call it in one transaction, and commit the Kafka offsets only after it commits.
 */
export async function applyAnalyticsEvents(trx: Executor<AnalyticsTables>, events: readonly AnalyticsEvent[]): Promise<Applied> {
  if (events.length === 0) return { applied: 0, duplicates: 0 };
  const ids = [...new Set(events.map((e) => e.eventId))];
  const inserted = await trx
    .insertInto('analytics_seen_events')
    .values(ids.map((event_id) => ({ event_id })))
    .onConflict((oc) => oc.column('event_id').doNothing())
    .returning('event_id')
    .execute();
  const fresh = new Set(inserted.map((row) => row.event_id));

  const perMonth = new Map<string, number>();
  for (const event of events) {
    // Deleting as it goes: a second copy of an id later in this same batch is a duplicate too.
    if (!fresh.delete(event.eventId) || !countsAsCompletedDeportation(event)) continue;
    const month = utcMonthOf(event.occurredAt);
    perMonth.set(month, (perMonth.get(month) ?? 0) + 1);
  }
  if (perMonth.size > 0) {
    await trx
      .insertInto('analytics_monthly_deportations')
      .values([...perMonth].map(([month, completed]) => ({ month, completed })))
      .onConflict((oc) => oc.column('month').doUpdateSet({ completed: sql`analytics_monthly_deportations.completed + excluded.completed` }))
      .execute();
  }
  return { applied: inserted.length, duplicates: events.length - inserted.length };
}
