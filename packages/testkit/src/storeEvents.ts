import { randomUUID } from 'node:crypto';
import type { Kysely } from 'kysely';
import { appendToStream, type NewEvent } from '@cco/event-store';

/** A minimal event for store tests; the store does not care what the data means. */
export function anEvent(type = 'Tested', data: unknown = { n: 1 }): NewEvent {
  return {
    type,
    data,
    metadata: { actor: 'tester', party: 'KH', correlationId: randomUUID(), causationId: null },
    occurredAt: new Date('2019-10-01T00:00:00.000Z'),
  };
}

/** `streams` new streams of `perStream` events each (data `{ i, j }`), appended one stream at a time. */
export async function appendStreams(db: Kysely<any>, streams: number, perStream: number, type: string): Promise<void> {
  for (let i = 0; i < streams; i++)
    await appendToStream(
      db,
      randomUUID(),
      'test',
      'no_stream',
      Array.from({ length: perStream }, (_v, j) => anEvent(type, { i, j })),
    );
}
