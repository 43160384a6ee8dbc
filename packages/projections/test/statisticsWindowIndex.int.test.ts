import { appendCaseHistories, caseHistoryList } from '@cco/testkit';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { countDeportations, measureDurations, statistics, utcDays } from '../src/index';
import { catchUp } from './catchUp';

// The statistics' window index carries every column a figure reads (migration 20261202000000),
// so a figure over every kind is answered from the index alone once the counters are vacuumed:
// at 10 M events that took the durations query from 11 ms to under 3 ms (`npm run bench -- stats`).
// A figure that starts reading another column, or an index that loses one, shows here as a plan
// that goes to the table. Plans only (no timing): the scans that would compete with the index
// are switched off, so the planner's choice does not depend on how few rows a test has.

let db: TestDatabase<any>;
beforeAll(async () => {
  db = await createTestDatabase();
  await appendCaseHistories(db.db, caseHistoryList({ cases: 80 }));
  await catchUp(db.db, statistics);
  await sql`vacuum (analyze) statistics_daily`.execute(db.db);
});
afterAll(() => db.close());

/** The plan of the last statement `figure` sends, with only index scans allowed. */
async function planOf(figure: (db: Kysely<any>) => Promise<unknown>): Promise<string> {
  const pool = new pg.Pool({ connectionString: db.url, max: 1 });
  const sent: { sql: string; parameters: readonly unknown[] }[] = [];
  const recording = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: (event) => void sent.push(event.query) });
  try {
    await figure(recording);
    const client = await pool.connect();
    try {
      await client.query('set enable_seqscan = off; set enable_bitmapscan = off');
      const { rows } = await client.query<{ 'QUERY PLAN': string }>(`explain (costs off) ${sent.at(-1)!.sql}`, [
        ...sent.at(-1)!.parameters,
      ]);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      client.release();
    }
  } finally {
    await recording.destroy();
  }
}

const window = utcDays('2014-01-01', '2026-10-31');

it.each([
  ['durations over every kind', (k: Kysely<any>) => measureDurations(k, window)],
  ['deportations by month', (k: Kysely<any>) => countDeportations(k, window, { groupBy: 'month' })],
])('%s: answered from the window index alone', async (_name, figure) => {
  expect(await planOf(figure)).toMatch(/Index Only Scan using statistics_daily_by_window/);
});
