import type { RecordedEvent } from '@cco/event-store';
import type { Message } from 'kafkajs';
import { toEventAsRead } from './toEventAsRead';
import { eventIdHeader, eventTypeHeader } from './topics';

/**
 * cooperation.events.v1: key = case id, so every event of a case lands on one partition and
 * keeps its order; value = the event as read, in the form the log stores it (personal data the
 * store keeps sealed stays sealed here, so destroying a subject's key erases the Kafka copies
 * too); headers name the type and the id (consumers drop duplicates by id). The timestamp is
 * left to the producer: business time can be years old (a back-filled handover) and would fall
 * straight out of time-based retention.
 */
export function toEventMessage(event: RecordedEvent): Message {
  return {
    key: event.streamId,
    value: JSON.stringify(toEventAsRead(event)),
    headers: { [eventTypeHeader]: event.type, [eventIdHeader]: event.id },
  };
}
