import { expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { migrateToLatest, openDatabase } from '../src/index';
import { createEmptyDatabase } from '../../../test/support/testDatabase';

it('two instances migrating an empty database at once take turns under the lock', async () => {
  const { url } = await createEmptyDatabase('m');
  const [a, b] = await Promise.all([openDatabase({ url }), openDatabase({ url })]);
  try {
    const results = await Promise.all([migrateToLatest(a.db, migrations), migrateToLatest(b.db, migrations)]);
    const applied = results.flatMap((r) => r.results ?? []).filter((r) => r.status === 'Success');
    expect(applied.map((r) => r.migrationName).sort()).toEqual(Object.keys(migrations).sort());
  } finally {
    await Promise.all([a.close(), b.close()]);
  }
});
