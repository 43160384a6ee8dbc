import { createHash, randomUUID } from 'node:crypto';
import { vacuumerFor, type NewEvent } from '@cco/event-store';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { countPendingPurges, destroySubjectKey, importCaseHistories, purgeErasedKeys } from '../src/index';

// Erasure final in the live database: once erased and swept, no tuple of subject_keys, on any
// page, still holds the destroyed wrapped key (read with pageinspect, as an attacker with the
// data files and the operator's key would). A snapshot opened before the erasure keeps the
// old version alive: the sweep says so and purges once it is gone.

const kek = createHash('sha256').update('erasure-purge-test-kek').digest();
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
  // The test's own database, as the cluster's superuser: pageinspect reads pages raw.
  await sql`create extension if not exists pageinspect`.execute(t.db);
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
      names: [{ script: 'Latn', value: 'CHEN Erased' }],
      nationality: 'CN',
      dateOfBirth: '1988-02-03',
      documents: [{ type: 'passport', number: 'E12345678', issuingCountry: 'CN' }],
    },
    offences: [{ category: 'telecom_fraud' }],
    warrant: { reference: 'W-1', issuedBy: 'Guangzhou PSB', issuedOn: '2016-01-01' },
  },
  metadata: { actor: 'cn-officer-1', party: 'CN', roles: ['officer'], correlationId: randomUUID(), causationId: null },
});

/** Every tuple's data on every page of subject_keys, dead and live, and the pages raw. */
async function pages(): Promise<{ tuples: Buffer[]; raw: Buffer[] }> {
  const { rows } = await sql<{ n: string }>`select pg_relation_size('subject_keys') / current_setting('block_size')::int as n`.execute(
    t.db,
  );
  const tuples: Buffer[] = [];
  const raw: Buffer[] = [];
  for (let page = 0; page < Number(rows[0]!.n); page++) {
    const items = await sql<{ t_data: Buffer | null }>`select t_data from heap_page_items(get_raw_page('subject_keys', ${page}))`.execute(
      t.db,
    );
    tuples.push(...items.rows.flatMap((r) => (r.t_data ? [r.t_data] : [])));
    raw.push((await sql<{ p: Buffer }>`select get_raw_page('subject_keys', ${page}) as p`.execute(t.db)).rows[0]!.p);
  }
  return { tuples, raw };
}

it('after erasure and the sweep, no tuple of subject_keys holds the destroyed key; an older snapshot holds the purge back', async () => {
  const ids = [randomUUID(), randomUUID(), randomUUID()];
  expect(
    await importCaseHistories(
      t.db,
      kek,
      ids.map((caseId) => ({ caseId, events: [filed()] })),
    ),
  ).toMatchObject({ ok: true });
  // The last inserted: lowest on its page, so compaction moves nothing over its bytes (the worst case).
  const victim = ids[2]!;
  const { rows } = await sql<{ wrapped_key: Buffer }>`select wrapped_key from subject_keys where case_id = ${victim}`.execute(t.db);
  const wrapped = rows[0]!.wrapped_key;
  expect((await pages()).tuples.some((d) => d.includes(wrapped))).toBe(true);

  // A reader whose snapshot predates the erasure (another session of this database).
  const reader = new pg.Client({ connectionString: t.url });
  await reader.connect();
  await reader.query('begin isolation level repeatable read');
  await reader.query('select count(*) from subject_keys');

  expect(await destroySubjectKey(t.db, victim)).toBe(true);
  const vacuum = vacuumerFor({ url: t.url });
  const held = await purgeErasedKeys(t.db, vacuum);
  expect(held).toMatchObject({ kind: 'pending', erasures: 1 });
  expect(await countPendingPurges(t.db)).toBe(1);
  // Still there, dead: exactly what the sweep is for.
  expect((await pages()).tuples.some((d) => d.includes(wrapped))).toBe(true);

  await reader.query('commit');
  await reader.end();
  expect(await purgeErasedKeys(t.db, vacuum)).toEqual({ kind: 'purged', erasures: 1 });
  expect(await countPendingPurges(t.db)).toBe(0);
  const after = await pages();
  // Every tuple (live, dead or redirected) on every page: the destroyed key is in none.
  expect(after.tuples.some((d) => d.includes(wrapped))).toBe(false);
  // The others' keys are still there, live.
  expect(after.tuples.length).toBe(2);
  // Raw pages checked too, free space included: a plain VACUUM frees a removed row's space
  // without zeroing it (the bytes were there after it, this being the lowest row on its page);
  // the sweep's rewrite leaves them nowhere in the table's file.
  expect(after.raw.some((p) => p.includes(wrapped))).toBe(false);
});
