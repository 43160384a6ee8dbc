import type { CaseEvent } from '@cco/domain';
import type { RecordedEvent } from '@cco/event-store';

/** An opened event as the deciders and views see it. */
export const toDomainEvent = (event: RecordedEvent) => ({ type: event.type, occurredAt: event.occurredAt, data: event.data }) as CaseEvent;
