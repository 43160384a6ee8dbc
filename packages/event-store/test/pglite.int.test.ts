import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { announceAppends, appendToStream, migrateToLatest, openDatabase, readAll, readStream } from '../src/index';
import { chainEvents, verifyChain } from '@cco/transparency-log';
import { anEvent } from '@cco/testkit';

// The no-install default of `npm start`: the same store code on embedded PGlite.
it('runs the store on PGlite: migrate, append, conflict, read, chain, verify, notify', async () => {
  const database = await openDatabase<any>({});
  try {
    await migrateToLatest(database.db, migrations);
    let notified = 0;
    const unlisten = await database.listen('cco_events', () => (notified += 1));
    const id = randomUUID();
    expect(await appendToStream(database.db, id, 'test', 'no_stream', [anEvent('A'), anEvent('B')])).toMatchObject({ ok: true });
    expect(await appendToStream(database.db, id, 'test', 1, [anEvent()])).toMatchObject({ ok: false, error: { actual: 2 } });
    // Concurrent transactions must not interleave on PGlite's single session.
    await Promise.all(
      Array.from({ length: 10 }, () =>
        database.db.transaction().execute((trx) => appendToStream(trx, randomUUID(), 'test', 'no_stream', [anEvent()])),
      ),
    );
    expect((await readStream(database.db, id)).map((e) => e.type)).toEqual(['A', 'B']);
    expect((await readAll(database.db)).events).toHaveLength(12);
    expect(await chainEvents(database.db)).toBe(12);
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 12 });
    const announcer = announceAppends(database.db);
    announcer.appended();
    await announcer.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(notified).toBeGreaterThan(0);
    await unlisten();
  } finally {
    await database.close();
  }
});
