import type { RecordedEvent } from '@cco/event-store';
import { toEventAsRead } from '@cco/publishing';
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

/** An event as read, per docs/api.md: one mapping with the events topic on Kafka (@cco/publishing). */
export const toEventBody: (event: RecordedEvent) => EventBody = toEventAsRead;
