import { readPosition } from '@cco/event-store';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { measureRelayLag, relayName, startRelay } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import {
  appendConcurrently,
  capturedLog,
  dropDuplicates,
  eventIdOf,
  fastRetries,
  personalValues,
  readWholeTopic,
  testKafka,
  testSettings,
} from '@cco/testkit';
import { expectPerCaseOrder } from './support/expectPerCaseOrder';

// On the run's broker (the mock, or KAFKA_BROKERS), in topics of this test's own.
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 25 });
});
afterAll(() => t.close());

it('20 cases × 50 events appended concurrently, two relays: each event on both topics once, per case in version order', async ({
  annotate,
}) => {
  const settings = testSettings(inject('kafkaBrokers'), { ownTopics: true, batchSize: 64 });
  // Two instances of the service: the lock held across the send lets one publish at a time.
  const relays = [1, 2].map(() => startRelay({ database: t, settings, log: capturedLog().log, kafka: fastRetries, idleMs: 100 }));
  let caseIds: string[];
  try {
    // The relays run while 20 writers commit out of position order.
    caseIds = await appendConcurrently(t.db, 20, 50);
    await expect.poll(() => measureRelayLag(t.db), { timeout: 20_000, interval: 100 }).toEqual({ events: 0, seconds: 0 });
  } finally {
    await Promise.all(relays.map((relay) => relay.stop()));
  }

  const { kafka } = testKafka(settings.brokers);
  const [events, analytics] = await Promise.all([
    readWholeTopic(kafka, settings.topics.events),
    readWholeTopic(kafka, settings.topics.analytics),
  ]);
  const stored = await t.db.selectFrom('events').select(['event_id', 'position', 'transaction_id']).execute();
  expect(stored).toHaveLength(1000);
  const expected = new Map(caseIds.map((id) => [id, 50]));

  for (const [topic, messages] of [
    ['events', events],
    ['analytics', analytics],
  ] as const) {
    const { firsts, duplicates } = dropDuplicates(messages);
    expect(firsts.map(eventIdOf).sort(), `${topic}: every event`).toEqual(stored.map((e) => e.event_id).sort());
    expectPerCaseOrder(firsts, expected);
    // No fault was injected, and two relays never sent the same batch: not one duplicate.
    expect(duplicates, `${topic}: duplicates`).toBe(0);
  }
  const analyticsText = analytics.map((m) => m.value).join('\n');
  for (const value of personalValues) expect(analyticsText).not.toContain(value);
  expect(events.map((m) => m.value).join('\n')).toContain(personalValues[0]); // the events topic does carry them

  // The checkpoint is the last event in commit-safe order.
  const last = stored
    .sort((a, b) => Number(BigInt(a.transaction_id) - BigInt(b.transaction_id)) || Number(BigInt(a.position) - BigInt(b.position)))
    .at(-1)!;
  expect(await readPosition(t.db, relayName)).toEqual({ transactionId: String(last.transaction_id), position: String(last.position) });
  await annotate(`${events.length} + ${analytics.length} messages, 0 duplicates`);
});
