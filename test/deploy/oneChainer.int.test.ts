import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendToStream, openDatabase, type Database } from '../../packages/event-store/src/index';
import { chainEvents, verifyChain } from '@cco/transparency-log';
import { anEvent } from '@cco/testkit';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';

// Several workers on one database: the chainer's advisory lock lets one instance chain at a
// time (the relay's and the projection runners' are tested in relayOrder and runner tests).
let t: TestDatabase<any>;
let other: Database<any>;
beforeAll(async () => {
  t = await createTestDatabase();
  other = await openDatabase<any>({ url: t.url, poolSize: 2 });
});
afterAll(async () => {
  await other?.close();
  await t?.close();
});

it(
  'while another instance holds the chain lock a chainer chains nothing; after it lets go, everything is chained once',
  { timeout: 120_000 },
  async () => {
    for (let i = 0; i < 5; i++) await appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent(), anEvent()]);
    const holder = new pg.Client({ connectionString: t.url });
    await holder.connect();
    try {
      await holder.query('begin');
      // The same key chainEvents takes (hashtext of its lock name), as another instance's step would.
      await holder.query(`select pg_advisory_xact_lock(hashtext('cco_event_chain'))`);
      expect(await Promise.all([chainEvents(t.db), chainEvents(other.db)])).toEqual([0, 0]);
      await holder.query('commit');
    } finally {
      await holder.end();
    }
    // Both instances go on stepping, as their loops do, until the chain has everything; waited on
    // with a deadline (another run's open transaction on the server may hold the chainer back).
    let chained = 0;
    await expect
      .poll(async () => (chained += (await Promise.all([chainEvents(t.db), chainEvents(other.db)])).reduce((x, y) => x + y)), {
        timeout: 90_000,
        interval: 100,
      })
      .toBe(10);
    expect(await verifyChain(t.db)).toMatchObject({ ok: true, checked: 10 });
  },
);
