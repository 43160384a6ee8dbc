import type { RecordedEvent } from '@cco/event-store';
import { z } from 'zod';

export const eventSchema = z.object({
  id: z.uuid(),
  streamId: z.string(),
  type: z.string(),
  version: z.number().int(),
  position: z.string().describe('Global position (int8 as a decimal string)'),
  schemaVersion: z.number().int(),
  occurredAt: z.string().describe('Business time'),
  recordedAt: z.string().describe('Record time'),
  data: z.record(z.string(), z.unknown()),
  metadata: z.object({
    actor: z.string(),
    party: z.string(),
    correlationId: z.string(),
    causationId: z.string().nullable(),
  }),
});
export type EventBody = z.infer<typeof eventSchema>;

/** An event as read, per CONTRACT.md. */
export function toEventBody(event: RecordedEvent): EventBody {
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
