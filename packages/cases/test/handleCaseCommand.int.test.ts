import { randomUUID } from 'node:crypto';
import type { AlongsideWrite } from '@cco/event-store';
import { deportationFiling, personalData, verification } from '@cco/testkit';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { handleCaseCommand, type CaseActor, type CaseCommandRequest, type CommandIntent } from '../src/index';

// The one way a case is written, without HTTP: the stream as caseStream names it, the filing
// sealed, the caller's rows written by the same statement as the events and only with them.

const kek = Buffer.alloc(32, 'handler-test-kek');
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
  await sql`create table handler_test_rows (case_id text, version int)`.execute(t.db);
});
afterAll(() => t.close());

const officer = (party: 'KH' | 'CN'): CaseActor => ({
  id: `${party.toLowerCase()}-officer`,
  party,
  roles: ['officer'],
  issuer: `test-${party}`,
  kid: 'k1',
});
/** A row of the caller's, as the API's idempotency key and access-log row are. */
const callerRow =
  (caseId: string) =>
  (nextVersion: number): AlongsideWrite[] => [
    (claimed) => sql`insert into handler_test_rows (case_id, version) select ${caseId}, ${nextVersion} from ${claimed}`,
  ];
const handle = (request: CaseCommandRequest) => handleCaseCommand({ db: t.db, personalDataKey: kek }, request);
const file = (caseId: string = randomUUID()) =>
  handle({
    caseId,
    actor: officer('CN'),
    creates: true,
    command: { type: 'FileRequest', caseId, data: structuredClone(deportationFiling) } as unknown as CommandIntent,
    correlationId: 'corr-file',
    alongside: callerRow(caseId),
  });
const verify = (caseId: string, more: Partial<CaseCommandRequest> = {}) =>
  handle({
    caseId,
    actor: officer('KH'),
    creates: false,
    command: { type: 'VerifyIdentity', data: verification } as CommandIntent,
    correlationId: 'corr-verify',
    alongside: callerRow(caseId),
    ...more,
  });
const callerRows = async (caseId: string) =>
  (await sql<{ version: number }>`select version from handler_test_rows where case_id = ${caseId} order by version`.execute(t.db)).rows.map(
    (r) => r.version,
  );

it('a filing: the stream typed by its kind, the metadata from the actor, the personal data sealed, the caller’s row beside it', async () => {
  const filed = await file();
  expect(filed).toMatchObject({ kind: 'done', version: 1 });
  if (filed.kind !== 'done') throw new Error('filing failed');
  const stream = await t.db
    .selectFrom('streams')
    .select(['stream_type', 'version'])
    .where('stream_id', '=', filed.caseId)
    .executeTakeFirst();
  expect(stream).toEqual({ stream_type: 'deportation', version: '1' });
  const [row] = (
    await sql<{ data: unknown; metadata: unknown }>`select data, metadata from events where stream_id = ${filed.caseId}`.execute(t.db)
  ).rows;
  expect(row!.metadata).toEqual({
    actor: 'cn-officer',
    party: 'CN',
    roles: ['officer'],
    issuer: 'test-CN',
    kid: 'k1',
    correlationId: 'corr-file',
    causationId: null,
  });
  for (const clear of personalData) expect(JSON.stringify(row!.data)).not.toContain(clear);
  expect(JSON.stringify(filed.events[0]!.data)).toContain(deportationFiling.subject.names[0]!.value);
  expect(await callerRows(filed.caseId)).toEqual([1]);

  const verified = await verify(filed.caseId);
  expect(verified).toMatchObject({ kind: 'done', version: 2 });
  if (verified.kind !== 'done') throw new Error('verification failed');
  expect(verified.events[1]!.metadata).toMatchObject({ causationId: filed.events[0]!.id });
  expect(await callerRows(filed.caseId)).toEqual([1, 2]);
});

it('a refusal writes nothing, the caller’s rows neither', async () => {
  const filed = await file();
  if (filed.kind !== 'done') throw new Error('filing failed');
  const missing = randomUUID();
  expect(await verify(missing)).toEqual({ kind: 'not_found', caseId: missing });
  expect(await verify(filed.caseId, { expectedVersions: [3] })).toEqual({ kind: 'version_mismatch', version: 1, expected: [3] });
  expect(await verify(filed.caseId, { actor: officer('CN') })).toMatchObject({ kind: 'rejected', error: { code: 'forbidden' } });
  expect(await file(filed.caseId)).toEqual({ kind: 'exists', caseId: filed.caseId });
  expect(await callerRows(filed.caseId)).toEqual([1]);
  expect(await callerRows(missing)).toEqual([]);
});

it('a caller’s row refused by the database undoes the whole command, and the error is the caller’s to read', async () => {
  const filed = await file();
  if (filed.kind !== 'done') throw new Error('filing failed');
  const failing: AlongsideWrite = (claimed) =>
    sql`insert into handler_test_rows (case_id, version) select ${filed.caseId}, 1 / 0 from ${claimed}`;
  await expect(verify(filed.caseId, { alongside: () => [failing] })).rejects.toThrow(/division by zero/);
  const rows = await t.db.selectFrom('events').select('type').where('stream_id', '=', filed.caseId).execute();
  expect(rows.map((r) => r.type)).toEqual(['RequestFiled']);
});
