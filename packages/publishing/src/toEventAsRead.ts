import type { RecordedEvent } from '@cco/event-store';
import type { z } from 'zod';
import type { eventAsReadSchema } from './messageSchemas';

/** An event as read (docs/api.md): what the API returns and what cooperation.events.v1 carries. */
export type EventAsRead = z.output<typeof eventAsReadSchema>;

/**
 * One mapping for the API and Kafka, so a consumer of the topic and a client of the API see the
 * same event. The metadata is picked field by field: whatever else the store keeps there (the
 * actor's roles) is not part of the contract.
 */
export function toEventAsRead(event: RecordedEvent): EventAsRead {
  const { actor, party, correlationId, causationId } = event.metadata;
  return {
    id: event.id,
    streamId: event.streamId,
    type: event.type,
    version: event.version,
    position: event.position,
    schemaVersion: event.schemaVersion,
    occurredAt: event.occurredAt.toISOString(),
    recordedAt: event.recordedAt.toISOString(),
    data: event.data as Record<string, unknown>,
    // The store takes the party from a verified token, which names KH or CN and nothing else.
    metadata: { actor, party: party as EventAsRead['metadata']['party'], correlationId, causationId },
  };
}
