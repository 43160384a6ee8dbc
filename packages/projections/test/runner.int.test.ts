import { openDatabase, readPosition, type RecordedEvent } from '@cco/event-store';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { caseBoard, positionNameOf, projectBatch, readLag, rebuildProjection, statistics, type CaseProjection } from '../src/index';
import { appendCaseHistories, caseHistoryList, completedDeportationsInLog } from '@cco/testkit';
import { catchUp } from './catchUp';

let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
});
afterAll(() => db.close());

const rowCount = async (table: string) =>
  (await sql<{ n: number }>`select count(*)::int as n from ${sql.table(table)}`.execute(db.db)).rows[0]!.n;

it('a handler that throws mid-batch leaves rows and checkpoint untouched; after a restart the model equals a rebuild from zero', async () => {
  await appendCaseHistories(db.db, caseHistoryList({ cases: 40 }));
  await projectBatch(db.db, caseBoard, 25);
  const before = { checkpoint: await readPosition(db.db, positionNameOf(caseBoard)), rows: await rowCount('case_board') };

  const events = (await sql<{ position: string }>`select position from events order by transaction_id, position`.execute(db.db)).rows;
  const poison = events[37]!.position; // in the middle of the second batch of 25
  const failing: CaseProjection = {
    ...caseBoard,
    evolve: (row, event: RecordedEvent) => {
      if (event.position === poison) throw new Error('handler bug');
      return caseBoard.evolve(row, event);
    },
  };
  await expect(projectBatch(db.db, failing, 25)).rejects.toThrow('handler bug');
  expect(await readPosition(db.db, positionNameOf(caseBoard))).toEqual(before.checkpoint);
  expect(await rowCount('case_board')).toBe(before.rows);

  // The restarted runner (the bug fixed) resumes at the checkpoint.
  await catchUp(db.db, caseBoard, 25);
  const report = await rebuildProjection(db.db, caseBoard);
  expect(report).toMatchObject({ equal: true, comparison: { liveRows: 40, rebuiltRows: 40, onlyInLive: 0, onlyInRebuilt: 0 } });
});

it('a crash after the rows were written but before the checkpoint: both roll back, nothing is applied twice', async () => {
  await catchUp(db.db, statistics);
  const completedBefore = await completedDeportationsInLog(db.db);
  await appendCaseHistories(db.db, caseHistoryList({ cases: 20, seed: 3 }));
  // The database fails the checkpoint write once, after the batch's rows went in.
  await sql`create table fail_once (armed boolean)`.execute(db.db);
  await sql`insert into fail_once values (true)`.execute(db.db);
  await sql`create function fail_checkpoint() returns trigger language plpgsql as $$
    begin
      if new.name = 'projection:statistics' and exists (select 1 from fail_once where armed) then
        raise exception 'crash before the checkpoint';
      end if;
      return new;
    end $$`.execute(db.db);
  await sql`create trigger fail_checkpoint before insert or update on checkpoints for each row execute function fail_checkpoint()`.execute(
    db.db,
  );
  const checkpoint = await readPosition(db.db, positionNameOf(statistics));
  const completedRows = () =>
    sql<{ n: number }>`select count(*)::int as n from statistics_cases where completed_at is not null and kind = 'deportation'`.execute(
      db.db,
    );

  await expect(projectBatch(db.db, statistics)).rejects.toThrow('crash before the checkpoint');
  expect(await readPosition(db.db, positionNameOf(statistics))).toEqual(checkpoint);
  expect((await completedRows()).rows[0]!.n).toBe(completedBefore);

  await sql`update fail_once set armed = false`.execute(db.db);
  await catchUp(db.db, statistics);
  expect((await completedRows()).rows[0]!.n).toBe(await completedDeportationsInLog(db.db));
  expect((await rebuildProjection(db.db, statistics)).equal).toBe(true);
});

it('two runners at once (two instances, two pools) never apply an event twice', async () => {
  await sql`create table projection_test_counts (case_id text primary key, applied int not null)`.execute(db.db);
  // Counts applications rather than reading the stream version, so a double apply would show.
  const counting: CaseProjection = {
    name: 'test_counts',
    table: 'projection_test_counts',
    evolve: (row, event) => ({ case_id: event.streamId, applied: (row?.applied ?? 0) + 1 }),
  };
  const other = await openDatabase<any>({ url: db.url, poolSize: 4 });
  let appending = true;
  const runner = async (on: typeof db.db) => {
    let applied = 0;
    for (;;) {
      const n = await projectBatch(on, counting, 7);
      applied += n;
      if (n > 0) continue;
      if (!appending && (await readLag(on, [counting]))[0]!.eventsBehind === 0) return applied;
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  };
  try {
    const runners = Promise.all([runner(db.db), runner(other.db)]);
    await Promise.all([0, 1, 2, 3].map((i) => appendCaseHistories(db.db, caseHistoryList({ cases: 15, seed: 100 + i * 15 }))));
    appending = false;
    const [a, b] = await runners;
    const events = (await sql<{ n: number }>`select count(*)::int as n from events`.execute(db.db)).rows[0]!.n;
    expect(a + b).toBe(events);
    const wrong =
      await sql`select s.stream_id, s.version, c.applied from streams s left join projection_test_counts c on c.case_id = s.stream_id
      where c.applied is distinct from s.version`.execute(db.db);
    expect(wrong.rows).toEqual([]);
  } finally {
    await other.close();
  }
});
