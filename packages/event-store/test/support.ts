import { randomUUID } from 'node:crypto';
import type { NewEvent } from '../src/index';

/** A minimal event for store tests; the store does not care what the data means. */
export function anEvent(type = 'Tested', data: unknown = { n: 1 }): NewEvent {
  return {
    type,
    data,
    metadata: { actor: 'tester', party: 'KH', correlationId: randomUUID(), causationId: null },
    occurredAt: new Date('2019-10-01T00:00:00.000Z'),
  };
}
