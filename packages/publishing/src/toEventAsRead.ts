import type { RecordedEvent } from '@cco/event-store';

/** An event as read (CONTRACT.md): what the API returns and what cooperation.events.v1 carries. */
export interface EventAsRead {
  id: string;
  streamId: string;
  type: string;
  version: number;
  /** int8 as a decimal string. */
  position: string;
  schemaVersion: number;
  occurredAt: string;
  recordedAt: string;
  data: Record<string, unknown>;
  metadata: { actor: string; party: string; correlationId: string; causationId: string | null };
}

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
    metadata: { actor, party, correlationId, causationId },
  };
}
