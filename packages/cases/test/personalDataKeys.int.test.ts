import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { NewEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { checkPersonalDataKey, importCaseHistories, parseKeyEncryptionKey, readCaseEvents, rotatePersonalDataKey } from '../src/index';
import { unwrapKey } from '../src/seal';

// One key per database: recorded at first use, a different one refused; a rotation re-wraps
// every live subject key under a new epoch, after which a wrapped key captured before (as WAL,
// a backup or a replica keeps it) opens with the retired key only, and that key is refused.

const first = createHash('sha256').update('epoch-1').digest();
const second = createHash('sha256').update('epoch-2').digest();
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

const filed = (): NewEvent => ({
  type: 'RequestFiled',
  occurredAt: new Date('2016-05-02T03:00:00.000Z'),
  data: {
    kind: 'deportation',
    requestingParty: 'CN',
    requestedParty: 'KH',
    subject: {
      names: [{ script: 'Latn', value: 'LI Rotated' }],
      nationality: 'CN',
      dateOfBirth: '1990-07-08',
      documents: [{ type: 'passport', number: 'E55555555', issuingCountry: 'CN' }],
    },
    offences: [{ category: 'telecom_fraud' }],
    warrant: { reference: 'W-1', issuedBy: 'Guangzhou PSB', issuedOn: '2016-01-01' },
  },
  metadata: { actor: 'cn-officer-1', party: 'CN', roles: ['officer'], correlationId: randomUUID(), causationId: null },
});

it('refuses keys without entropy', () => {
  expect(() => parseKeyEncryptionKey(Buffer.alloc(32).toString('base64'))).toThrow(/no entropy/);
  expect(() => parseKeyEncryptionKey(Buffer.alloc(32, 'abcdefgh').toString('base64'))).toThrow(/no entropy/);
  expect(parseKeyEncryptionKey(randomBytes(32).toString('base64'))).toHaveLength(32);
});

it('records the first key, refuses another; a rotation retires it and old wrapped keys open with it alone', async () => {
  const caseId = randomUUID();
  // Stored before any key was recorded (a database older than epochs): the first check opens it.
  expect(await importCaseHistories(t.db, first, [{ caseId, events: [filed()] }])).toMatchObject({ ok: true });
  expect(await checkPersonalDataKey(t.db, second)).toEqual({ kind: 'unopened', caseId });
  expect(await checkPersonalDataKey(t.db, first)).toEqual({ kind: 'current', epoch: 1, recorded: true });
  expect(await checkPersonalDataKey(t.db, second)).toMatchObject({ kind: 'different' });
  // A process on the wrong key can seal nothing under it either.
  await expect(importCaseHistories(t.db, second, [{ caseId: randomUUID(), events: [filed()] }])).rejects.toThrow(/kek_epoch/);

  const before = (await sql<{ wrapped_key: Buffer }>`select wrapped_key from subject_keys where case_id = ${caseId}`.execute(t.db)).rows[0]!
    .wrapped_key;
  expect(await rotatePersonalDataKey(t.db, first, first)).toMatchObject({ kind: 'refused' });
  expect(await rotatePersonalDataKey(t.db, second, randomBytes(32))).toMatchObject({ kind: 'refused', reason: /does not match/ });
  expect(await rotatePersonalDataKey(t.db, first, second)).toEqual({ kind: 'rotated', from: 1, to: 2, rewrapped: 1 });

  expect(await checkPersonalDataKey(t.db, second)).toEqual({ kind: 'current', epoch: 2, recorded: false });
  expect(await checkPersonalDataKey(t.db, first)).toMatchObject({ kind: 'retired', epoch: 1 });
  const after = (
    await sql<{
      wrapped_key: Buffer;
      kek_epoch: number;
    }>`select wrapped_key, kek_epoch from subject_keys where case_id = ${caseId}`.execute(t.db)
  ).rows[0]!;
  expect(after.kek_epoch).toBe(2);
  // The copy captured before the rotation: useless under the current key, only the retired one opens it.
  const context = `cco:subject-key:${caseId}`;
  expect(() => unwrapKey(second, context, before)).toThrow();
  expect(unwrapKey(first, context, before).equals(unwrapKey(second, context, after.wrapped_key))).toBe(true);
  const [opened] = await readCaseEvents(t.db, second, caseId);
  expect(JSON.stringify(opened!.data)).toContain('LI Rotated');
  // The retired key can seal nothing more, and cannot be rotated back to.
  await expect(importCaseHistories(t.db, first, [{ caseId: randomUUID(), events: [filed()] }])).rejects.toThrow(/kek_epoch/);
  expect(await rotatePersonalDataKey(t.db, second, first)).toMatchObject({ kind: 'refused', reason: /used before/ });
});
