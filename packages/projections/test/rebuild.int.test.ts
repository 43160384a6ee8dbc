import { openDatabase } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { migrateToLatest } from '../../event-store/src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { caseBoard, projectBatch, rebuildProjection, RebuildSuperseded, startProjections, statistics } from '../src/index';
import { appendCaseHistories, caseHistoryList } from '@cco/testkit';
import { catchUp } from './catchUp';

let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
  await appendCaseHistories(db.db, caseHistoryList({ cases: 60 }));
});
afterAll(() => db.close());

/** The projections' tables' indexes as the migrations made them: names and definitions. */
const indexesOf = async (tables: string[]) =>
  (
    await sql<{ indexname: string; indexdef: string }>`
    select indexname, indexdef from pg_indexes where tablename = any(${tables}::text[]) and schemaname = current_schema() order by indexname`.execute(
      db.db,
    )
  ).rows;

it('rebuilds aside while the live runner, writers and readers go on, then swaps in an equal model', async () => {
  const migrated = await indexesOf(['case_board']);
  expect(migrated).toHaveLength(4);
  const live = startProjections(db, { idleMs: 20, batchSize: 10 });
  let reading = true;
  let reads = 0;
  const readers = (async () => {
    // The board answers throughout: before, during and right after the swap.
    while (reading) reads += (await sql<{ n: number }>`select count(*)::int as n from case_board`.execute(db.db)).rows.length;
  })();
  const writers = appendCaseHistories(db.db, caseHistoryList({ cases: 40, seed: 500 }));
  const report = await rebuildProjection(db.db, caseBoard, { batchSize: 15 });
  await writers;
  reading = false;
  await readers;
  await live.stop();
  expect(report.equal).toBe(true);
  expect(report.comparison.onlyInLive + report.comparison.onlyInRebuilt).toBe(0);
  expect(report.eventsReplayed).toBeGreaterThan(0);
  expect(reads).toBeGreaterThan(0);
  // The swapped-in table is the live one now, indexes and all, and the runner goes on with it.
  await catchUp(db.db, caseBoard);
  const streams = await sql<{ n: number }>`select count(*)::int as n from streams`.execute(db.db);
  const board = await sql<{ n: number }>`select count(*)::int as n from case_board`.execute(db.db);
  expect(board.rows[0]!.n).toBe(streams.rows[0]!.n);
  // Same names and definitions: a later migration that names an index still finds it.
  expect(await indexesOf(['case_board'])).toEqual(migrated);
});

it('reports a live model that drifted from the log, and replaces it with the rebuilt one', async () => {
  await catchUp(db.db, statistics);
  const { rows } = await sql<{ case_id: string }>`select case_id from statistics_cases where status = 'completed' limit 1`.execute(db.db);
  await sql`update statistics_cases set offence = 'other', completed_at = completed_at + interval '1 year' where case_id = ${rows[0]!.case_id}`.execute(
    db.db,
  );

  const migrated = await indexesOf(['statistics_cases', 'statistics_daily']);
  const drifted = await rebuildProjection(db.db, statistics);
  expect(drifted).toMatchObject({ equal: false, comparison: { onlyInLive: 1, onlyInRebuilt: 1 } });
  expect((await rebuildProjection(db.db, statistics)).equal).toBe(true);
  expect(await indexesOf(['statistics_cases', 'statistics_daily'])).toEqual(migrated);
});

it('rebuilds asked at once take turns in one process; across instances a newer one supersedes an older', async () => {
  const together = await Promise.all([
    rebuildProjection(db.db, caseBoard),
    rebuildProjection(db.db, caseBoard),
    rebuildProjection(db.db, statistics),
  ]);
  expect(together.map((r) => r.equal)).toEqual([true, true, true]);

  const instance = await openDatabase<any>({ url: db.url, poolSize: 2 });
  try {
    let newer: Promise<unknown> | undefined;
    const older = rebuildProjection(db.db, caseBoard, {
      batchSize: 20,
      onProgress: () => {
        newer ??= rebuildProjection(instance.db, caseBoard);
      },
    });
    await expect(older).rejects.toThrow(RebuildSuperseded);
    await expect(newer).resolves.toMatchObject({ equal: true });
  } finally {
    await instance.close();
  }
});

it('runs on PGlite too: catch up, rebuild, swap', async () => {
  const pglite = await openDatabase<any>({});
  try {
    await migrateToLatest(pglite.db, migrations);
    await appendCaseHistories(pglite.db, caseHistoryList({ cases: 12 }));
    for (const projection of [caseBoard, statistics]) {
      while ((await projectBatch(pglite.db, projection, 5)) > 0);
      expect(await rebuildProjection(pglite.db, projection, { batchSize: 7 })).toMatchObject({
        equal: true,
        comparison: { rebuiltRows: 12 },
      });
    }
  } finally {
    await pglite.close();
  }
});
