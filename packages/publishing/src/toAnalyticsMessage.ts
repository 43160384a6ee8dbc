import type { RecordedEvent } from '@cco/event-store';
import type { Message } from 'kafkajs';
import { analyticsAllowList, analyticsEnvelope } from './analyticsAllowList';
import { analyticsMessageSchema } from './messageSchemas';
import { pickAllowed } from './pickAllowed';
import { toEventAsRead } from './toEventAsRead';
import { eventIdHeader, eventTypeHeader } from './topics';

/**
 * cooperation.analytics.v1: the event as read, reduced to its type's allow-list. Same key and
 * headers as the events topic, so per-case order and deduplication work the same way.
 * An event whose type has no allow-list publishes nothing: null, which the relay counts,
 * rather than a guess at what would be safe.
 */
export function toAnalyticsMessage(event: RecordedEvent): Message | null {
  const allowed = Object.hasOwn(analyticsAllowList, event.type)
    ? analyticsAllowList[event.type as keyof typeof analyticsAllowList]
    : undefined;
  if (!allowed) return null;
  const value = { data: {}, ...pickAllowed(toEventAsRead(event), [...analyticsEnvelope, ...allowed]) };
  // The topic's schema (openapi/asyncapi.json): strict, so it fails closed on any field the
  // allow-list does not name; the relay then stops rather than publish it.
  analyticsMessageSchema.parse(value);
  return {
    key: event.streamId,
    value: JSON.stringify(value),
    headers: { [eventTypeHeader]: event.type, [eventIdHeader]: event.id },
  };
}
