import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { answerOnce, type CommandDeps, type CommandIntent, type CommandRequest } from '../src/idempotency/answerOnce';
import type { Caller } from '../src/plugins/auth';
import type { ApiTables } from '../src/tables';
import { deportationFiling, verification } from '../../../test/support/fixtures';
import { testPersonalDataKey } from '../../../test/support/testApp';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// The command handler without HTTP: typed outcomes, which the routes alone turn into answers.
let t: TestDatabase<ApiTables>;
let deps: CommandDeps;
beforeAll(async () => {
  t = await createTestDatabase<ApiTables>();
  deps = { database: t, personalDataKey: testPersonalDataKey };
});
afterAll(() => t.close());

const caller = (party: 'KH' | 'CN'): Caller => ({
  id: `${party.toLowerCase()}-officer`,
  party,
  roles: ['officer'],
  issuer: `test-${party}`,
  kid: 'k1',
});
const file = (caseId: string = randomUUID(), more: Partial<CommandRequest> = {}) =>
  answerOnce(deps, {
    caseId,
    actor: caller('CN'),
    creates: true,
    command: { type: 'FileRequest', caseId, data: structuredClone(deportationFiling) } as unknown as CommandIntent,
    correlationId: randomUUID(),
    ...more,
  });
const verify = (caseId: string, more: Partial<CommandRequest> = {}) =>
  answerOnce(deps, {
    caseId,
    actor: caller('KH'),
    creates: false,
    command: { type: 'VerifyIdentity', data: verification } as CommandIntent,
    correlationId: randomUUID(),
    ...more,
  });

it('a command done: the case as it left it, its version, not a replay; business time defaults to the server clock', async () => {
  const filed = await file(randomUUID(), { occurredAt: new Date('2019-06-01T03:04:05Z') });
  expect(filed).toMatchObject({ kind: 'done', version: 1, replayed: false });
  if (filed.kind !== 'done') throw new Error('filing failed');
  expect(filed.events.map((e) => [e.type, e.occurredAt.toISOString()])).toEqual([['RequestFiled', '2019-06-01T03:04:05.000Z']]);
  const before = Date.now();
  const verified = await verify(filed.caseId);
  expect(verified).toMatchObject({ kind: 'done', caseId: filed.caseId, version: 2, replayed: false });
  if (verified.kind === 'done') expect(verified.events[1]!.occurredAt.getTime()).toBeGreaterThanOrEqual(before);
});

it('each refusal is a typed outcome, not an HTTP answer; nothing is written', async () => {
  const missing = randomUUID();
  expect(await verify(missing)).toEqual({ kind: 'not_found', caseId: missing });
  // 404 before 412: no version to compare with.
  expect(await verify(missing, { expectedVersions: [1] })).toEqual({ kind: 'not_found', caseId: missing });
  const filed = await file();
  if (filed.kind !== 'done') throw new Error('filing failed');
  expect(await verify(filed.caseId, { expectedVersions: [2, 3] })).toEqual({ kind: 'version_mismatch', version: 1, expected: [2, 3] });
  expect(await verify(filed.caseId, { expectedVersions: [] })).toEqual({ kind: 'version_mismatch', version: 1, expected: [] });
  expect(await verify(filed.caseId, { actor: caller('CN') })).toMatchObject({ kind: 'rejected', error: { code: 'forbidden' } });
  expect(await file(filed.caseId)).toEqual({ kind: 'exists', caseId: filed.caseId });
  const rows = await t.db.selectFrom('events').select('type').where('stream_id', '=', filed.caseId).execute();
  expect(rows.map((r) => r.type)).toEqual(['RequestFiled']);
});

it('a key used again: the first outcome, marked as a replay; with another request, key_reused', async () => {
  const claim = { principal: 'CN:cn-officer', key: randomUUID(), requestHash: 'first' };
  const first = await file(randomUUID(), { idempotency: claim });
  const again = await file(randomUUID(), { idempotency: claim });
  expect(first).toMatchObject({ kind: 'done', replayed: false });
  expect(again).toEqual({ ...first, replayed: true });
  expect(await file(randomUUID(), { idempotency: { ...claim, requestHash: 'other' } })).toEqual({ kind: 'key_reused' });
});
