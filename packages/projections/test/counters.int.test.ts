import { randomUUID } from 'node:crypto';
import type { RecordedEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { applyEvents } from '../src/runner/applyEvents';
import { liveTarget, type CaseProjection } from '../src/index';

// Counters follow their rows through every change, including facts that move (a count taken
// off one key and put on another) and counts that fall to zero (the counter goes). The
// statistics' own facts never move once set, so this runs on a projection made for it.

let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
  await sql`create table t_cases (case_id text primary key, status text not null)`.execute(db.db);
  await sql`create table t_counts (status text not null, count int not null, primary key (status))`.execute(db.db);
});
afterAll(() => db.close());

type Row = { case_id: string; status: string };
const byStatus: CaseProjection<Row> = {
  name: 'by_status',
  table: 't_cases',
  evolve: (_row, event) => ({ case_id: event.streamId, status: event.type }),
  counters: { table: 't_counts', keys: ['status'], facts: (row) => [{ status: row.status }] },
};

let position = 0;
const event = (caseId: string, type: string): RecordedEvent => ({
  id: randomUUID(),
  streamId: caseId,
  type,
  version: 1,
  position: String(++position),
  transactionId: '1',
  schemaVersion: 1,
  occurredAt: new Date(),
  recordedAt: new Date(),
  data: {},
  metadata: { actor: 'tester', party: 'KH', correlationId: 'c', causationId: null },
});
const counts = async () =>
  Object.fromEntries(
    (await sql<{ status: string; count: number }>`select status, count from t_counts order by status`.execute(db.db)).rows.map((r) => [
      r.status,
      r.count,
    ]),
  );
const recount = async () =>
  Object.fromEntries(
    (
      await sql<{
        status: string;
        count: number;
      }>`select status, count(*)::int as count from t_cases group by status order by status`.execute(db.db)
    ).rows.map((r) => [r.status, r.count]),
  );

it('counts each row under its facts, moves the count when a fact changes, and drops counters at zero', async () => {
  const [a, b, c] = [randomUUID(), randomUUID(), randomUUID()];
  const apply = (events: RecordedEvent[]) => db.db.transaction().execute((trx) => applyEvents(trx, byStatus, liveTarget(byStatus), events));

  await apply([event(a, 'Filed'), event(b, 'Filed'), event(c, 'Filed')]);
  expect(await counts()).toEqual({ Filed: 3 });
  // Within one batch a row changes twice: only its first and last facts count.
  await apply([event(a, 'Verified'), event(a, 'HandedOver'), event(b, 'Verified')]);
  expect(await counts()).toEqual({ Filed: 1, HandedOver: 1, Verified: 1 });
  await apply([event(c, 'Verified'), event(b, 'HandedOver')]);
  expect(await counts()).toEqual({ HandedOver: 2, Verified: 1 });
  expect(await counts()).toEqual(await recount());
});
