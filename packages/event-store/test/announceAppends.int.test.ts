import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { announceAppends, appendToStream, eventsChannel, openDatabase } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

// Readers are woken after commit by the writer's announcer, never by the appending transaction
// itself: a NOTIFY inside it would serialize every commit on PostgreSQL's notify lock.

let t: TestDatabase<any>;
let notified = 0;
let unlisten: () => Promise<void>;
beforeAll(async () => {
  t = await createTestDatabase();
  unlisten = await t.listen(eventsChannel, () => (notified += 1));
});
afterAll(async () => {
  await unlisten();
  await t.close();
});
const settle = () => new Promise((r) => setTimeout(r, 150));

it('an append notifies no one by itself: its transaction takes no notify lock', async () => {
  await settle();
  notified = 0;
  await Promise.all(Array.from({ length: 5 }, () => appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent()])));
  await settle();
  expect(notified).toBe(0);
});

it('announced appends wake listeners, many announcements folded into a few NOTIFYs', async () => {
  notified = 0;
  const announcer = announceAppends(t.db, { minGapMs: 20 });
  for (let i = 0; i < 200; i++) {
    await appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent()]);
    announcer.appended();
  }
  await announcer.close();
  await settle();
  // 200 appends of about a millisecond each: one NOTIFY per 20 ms at most.
  expect(notified).toBeGreaterThan(0);
  expect(notified).toBeLessThan(50);
});

it('close sends what is still owed', async () => {
  notified = 0;
  const announcer = announceAppends(t.db);
  announcer.appended();
  await announcer.close();
  await settle();
  expect(notified).toBe(1);
  announcer.appended(); // after close: nothing more
  await settle();
  expect(notified).toBe(1);
});

it('a failed NOTIFY is reported, not thrown: readers still have their polling', async () => {
  const errors: unknown[] = [];
  const nowhere = await openDatabase<any>({ url: 'postgres://postgres@127.0.0.1:1/none' });
  try {
    const announcer = announceAppends(nowhere.db, { onError: (e) => errors.push(e) });
    announcer.appended();
    await announcer.close();
    expect(errors).toHaveLength(1);
  } finally {
    await nowhere.close();
  }
});
