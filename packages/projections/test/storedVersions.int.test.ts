import { randomUUID } from 'node:crypto';
import { appendToStream } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { projectBatch, rebuildProjection, type CaseProjection } from '../src/index';

// A v1 filing (the subject in clear, as the core first stored it) is folded as v2 by the live
// runner and by a rebuild alike: a rebuild that read stored shapes would differ from the live
// model the day a projection reads a field the upcaster moved. The projection here records the
// shape it was given, so the test sees exactly what each path folded.

let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
  await sql`create table t_filing_shapes (case_id text primary key, shape text not null)`.execute(db.db);
});
afterAll(() => db.close());

type Row = { case_id: string; shape: string };
const filingShapes: CaseProjection<Row> = {
  name: 'filing_shapes',
  table: 't_filing_shapes',
  evolve: (row, event) => {
    if (event.type !== 'RequestFiled') return row;
    const subject = (event.data as { subject: Record<string, unknown> }).subject;
    return { case_id: event.streamId, shape: 'personal' in subject ? 'v2' : 'v1' };
  },
};

it('the live runner and a rebuild both fold a stored v1 filing in its current shape', async () => {
  const caseId = randomUUID();
  const metadata = { actor: 'kh-officer', party: 'KH', roles: ['officer'], correlationId: randomUUID(), causationId: null };
  const v1 = { kind: 'deportation', subject: { nationality: 'CN', names: [{ family: 'Li', given: 'Wei' }], documents: [] } };
  const appended = await appendToStream(db.db, caseId, 'deportation', 'no_stream', [
    { type: 'RequestFiled', schemaVersion: 1, data: v1, metadata, occurredAt: new Date() },
  ]);
  expect(appended.ok).toBe(true);

  while ((await projectBatch(db.db, filingShapes, 10)) > 0);
  const shapes = async () => (await sql<Row>`select case_id, shape from t_filing_shapes`.execute(db.db)).rows;
  expect(await shapes()).toEqual([{ case_id: caseId, shape: 'v2' }]);

  const report = await rebuildProjection(db.db, filingShapes, { batchSize: 10 });
  expect(report).toMatchObject({ equal: true, eventsReplayed: 1 });
  expect(await shapes()).toEqual([{ case_id: caseId, shape: 'v2' }]);
});
