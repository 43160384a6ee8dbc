import { randomUUID } from 'node:crypto';
import { readStream, type NewEvent } from '@cco/event-store';
import { chainEvents, verifyChain } from '@cco/transparency-log';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { destroySubjectKey, importCaseHistories, readCaseEvents } from '../src/index';

// A back-filled case is stored exactly as a command stores it: its subject's key made in the
// same transaction, the filing's personal data sealed under it, erasure still works on it.

const kek = Buffer.alloc(32, 'import-test-kek');
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const metadata = (party = 'KH') => ({
  actor: `${party.toLowerCase()}-officer-1`,
  party,
  roles: ['officer'],
  correlationId: randomUUID(),
  causationId: null,
});
const subject = {
  names: [{ script: 'Latn', value: 'CHEN Back-filled' }],
  nationality: 'CN',
  dateOfBirth: '1988-02-03',
  documents: [{ type: 'passport', number: 'E98765432', issuingCountry: 'CN' }],
};
const filed = (kind = 'deportation'): NewEvent => ({
  type: 'RequestFiled',
  occurredAt: new Date('2016-05-02T03:00:00.000Z'),
  data: {
    kind,
    requestingParty: 'CN',
    requestedParty: 'KH',
    subject,
    offences: [{ category: 'telecom_fraud' }],
    warrant: { reference: 'W-1', issuedBy: 'Guangzhou PSB', issuedOn: '2016-01-01' },
  },
  metadata: metadata('CN'),
});
const verified: NewEvent = {
  type: 'IdentityVerified',
  occurredAt: new Date('2016-06-01T00:00:00.000Z'),
  data: { nationalityConfirmed: true, confirmedNationality: 'CN' },
  metadata: metadata(),
};

it('seals the personal data under a key of its own, made in the same transaction; readers open it; the chain verifies', async () => {
  const caseId = randomUUID();
  const result = await importCaseHistories(t.db, kek, [{ caseId, events: [filed(), verified] }]);
  expect(result).toMatchObject({ ok: true, streams: 1, events: 2 });

  const stored = await readStream(t.db, caseId);
  const raw = JSON.stringify(stored[0]!.data);
  for (const value of ['CHEN Back-filled', 'E98765432', '1988-02-03']) expect(raw).not.toContain(value);
  expect(stored.map((e) => [e.type, e.schemaVersion, e.version])).toEqual([
    ['RequestFiled', 2, 1],
    ['IdentityVerified', 1, 2],
  ]);
  const { rows } = await sql<{ stream_type: string }>`select stream_type from streams where stream_id = ${caseId}`.execute(t.db);
  expect(rows[0]!.stream_type).toBe('deportation');

  const opened = await readCaseEvents(t.db, kek, caseId);
  expect((opened[0]!.data as { subject: unknown }).subject).toEqual(subject);

  // Crypto-shredding works on a back-filled case like on any other.
  await destroySubjectKey(t.db, caseId);
  expect(((await readCaseEvents(t.db, kek, caseId))[0]!.data as { subject: { erased?: boolean } }).subject.erased).toBe(true);

  while ((await chainEvents(t.db)) > 0);
  expect(await verifyChain(t.db)).toMatchObject({ ok: true });
});

it('extends an existing case from its version; refuses a stale one leaving neither key nor event', async () => {
  const caseId = randomUUID();
  await importCaseHistories(t.db, kek, [{ caseId, events: [filed()] }]);
  expect((await importCaseHistories(t.db, kek, [{ caseId, expectedVersion: 1, events: [verified] }])).ok).toBe(true);

  const fresh = randomUUID();
  const refused = await importCaseHistories(t.db, kek, [
    { caseId: fresh, events: [filed()] },
    { caseId, expectedVersion: 1, events: [verified] }, // it is at 2 now
  ]);
  expect(refused).toMatchObject({ ok: false, errors: [{ streamId: caseId, expected: 1, actual: 2 }] });
  const { rows } = await sql`select 1 from subject_keys where case_id = ${fresh}`.execute(t.db);
  expect(rows).toEqual([]);
  expect(await readStream(t.db, fresh)).toEqual([]);
});

it('refuses what is not a case history', async () => {
  await expect(importCaseHistories(t.db, kek, [{ caseId: randomUUID(), events: [verified] }])).rejects.toThrow(
    /starts with its one RequestFiled/,
  );
  await expect(importCaseHistories(t.db, kek, [{ caseId: randomUUID(), events: [filed(), filed()] }])).rejects.toThrow(/RequestFiled/);
  await expect(
    importCaseHistories(t.db, kek, [{ caseId: randomUUID(), events: [filed(), { ...verified, type: 'Unheard' }] }]),
  ).rejects.toThrow(/not a case event type/);
});

it('refuses a case that exists already, leaving its key as it was', async () => {
  const caseId = randomUUID();
  await importCaseHistories(t.db, kek, [{ caseId, events: [filed()] }]);
  const before = await sql<{ wrapped_key: Buffer }>`select wrapped_key from subject_keys where case_id = ${caseId}`.execute(t.db);
  expect(await importCaseHistories(t.db, kek, [{ caseId, events: [filed()] }])).toMatchObject({
    ok: false,
    errors: [{ streamId: caseId, expected: 'no_stream', actual: 1 }],
  });
  const after = await sql<{ wrapped_key: Buffer }>`select wrapped_key from subject_keys where case_id = ${caseId}`.execute(t.db);
  expect(after.rows[0]!.wrapped_key.equals(before.rows[0]!.wrapped_key)).toBe(true);
  expect((await readCaseEvents(t.db, kek, caseId)).map((e) => e.type)).toEqual(['RequestFiled']);
});

it('refuses data the API would refuse (an extra field beside the sealed subject), naming case and event; nothing stored', async () => {
  const caseId = randomUUID();
  const smuggled = { ...filed(), data: { ...(filed().data as object), passenger: { name: 'CHEN Smuggled', passport: 'E00001111' } } };
  const result = await importCaseHistories(t.db, kek, [{ caseId, events: [smuggled, verified] }]);
  expect(result).toMatchObject({ ok: false, rejected: { caseId, index: 0, error: { rule: 'import-shape' } } });
  expect(await readStream(t.db, caseId)).toEqual([]);
  const { rows } = await sql`select 1 from subject_keys where case_id = ${caseId}`.execute(t.db);
  expect(rows).toEqual([]);
});
