import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { expect, inject, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { migrateToLatest, openDatabase } from '../src/index';
import { withDatabase } from '../../../test/support/globalSetup';

it('two instances migrating an empty database at once take turns under the lock', async () => {
  const name = `cco_t${process.ppid}_m${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: inject('pgAdminUrl') });
  await admin.connect();
  await admin.query(`create database ${name}`);
  await admin.end();
  const url = withDatabase(inject('pgAdminUrl'), name);
  const [a, b] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
  try {
    const results = await Promise.all([migrateToLatest(a.db, migrations), migrateToLatest(b.db, migrations)]);
    const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
    expect(applied.map((r) => r.migrationName).sort()).toEqual(Object.keys(migrations).sort());
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
