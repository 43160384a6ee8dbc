import {
  countDeportations,
  countRefusals,
  countVictimVerifications,
  listOverdueVerifications,
  measureDurations,
  projectBatch,
  statistics,
  utcDays,
} from '@cco/projections';
import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import type { Benchmark } from './support/benchmark';
import { createBenchDatabase } from './support/database';
import { endProgress, loadHistory, progress } from './support/load';
import { figure, goal, line, now, percentile, seconds, title } from './support/report';

// Statistics query latency as the log grows: the log is filled through the bulk import to each
// size in --sizes (default 1 M then 10 M events; business dates always 2014-01-01..2019-10-31,
// so a bigger log is a denser one: the worst case for "flat"), the statistics projection is
// brought to the head, and each query the /v1/statistics endpoints run is timed --iterations
// times, one at a time, through the same functions and pool. Baseline: `select 1` on the same
// pool (the round trip every query pays).

const year = utcDays('2018-11-01', '2019-10-31');
const all = utcDays('2014-01-01', '2019-10-31');
const queries: { name: string; run: (db: Kysely<any>) => Promise<unknown>; count: (r: any) => number }[] = [
  { name: 'deportations, 12 months', run: (db) => countDeportations(db, year), count: (r) => r.total },
  { name: 'deportations, 12 months by month', run: (db) => countDeportations(db, year, { groupBy: 'month' }), count: (r) => r.total },
  { name: 'deportations, 2014-2019 by year', run: (db) => countDeportations(db, all, { groupBy: 'year' }), count: (r) => r.total },
  {
    name: 'deportations, 2014-2019 by offence, CN',
    run: (db) => countDeportations(db, all, { groupBy: 'offence', requestingParty: 'CN' }),
    count: (r) => r.total,
  },
  { name: 'durations, 12 months', run: (db) => measureDurations(db, year), count: (r) => r.count },
  { name: 'refusals, 12 months', run: (db) => countRefusals(db, year), count: (r) => r.total },
  { name: 'victim verifications, 12 months', run: (db) => countVictimVerifications(db, year), count: (r) => r.total },
  {
    name: 'overdue verifications (KH), first 100',
    run: (db) => listOverdueVerifications(db, 'KH', new Date('2019-11-01T00:00:00Z'), 100),
    count: (r) => r.count,
  },
];

const bench: Benchmark = {
  summary: 'statistics query latency (the /v1/statistics queries) at 1 M and 10 M events, vs a `select 1` round trip',
  defaults: { sizes: '1000000,10000000', iterations: 200, seed: 1, explain: true },
  async run(flags) {
    const sizes = String(flags.sizes)
      .split(',')
      .map(Number)
      .sort((a, b) => a - b);
    const iterations = Number(flags.iterations);
    const database = await createBenchDatabase('stats', { poolSize: 4 });
    const results = new Map<number, Map<'catch-up' | 'vacuum', Map<string, Timed>>>();
    try {
      let loaded = 0;
      for (const size of sizes) {
        title(`log at ${size.toLocaleString('en')} events`);
        const started = now();
        const more = await loadHistory(database.db, {
          events: size - loaded,
          seed: Number(flags.seed) + size,
          onProgress: progress('imported'),
        });
        endProgress();
        loaded += more.events;
        figure('import of the new events', more.events / more.importSeconds, 'events/s');
        const projected = now();
        let applied = 0;
        for (let n = await projectBatch(database.db, statistics, 10_000); n > 0; n = await projectBatch(database.db, statistics, 10_000))
          applied += n;
        figure('statistics projection catching up', applied / seconds(projected), 'events/s');
        await sql`analyze`.execute(database.db);
        const { rows } = await sql<{ n: string }>`select count(*) as n from statistics_cases`.execute(database.db);
        figure('events / statistics rows', `${loaded} / ${rows[0]!.n}`);
        figure('preparation', seconds(started), 's', 0);

        // Twice: right after the catch-up (its updates leave dead counter versions behind and no
        // page all-visible), then once VACUUM has done what autovacuum does within minutes on a
        // live system (the steady state every later query sees).
        const after = new Map<'catch-up' | 'vacuum', Map<string, Timed>>();
        after.set('catch-up', await measureAll(database.db, iterations, 'right after the catch-up'));
        await sql`vacuum (analyze) statistics_daily, statistics_cases`.execute(database.db);
        after.set('vacuum', await measureAll(database.db, iterations, 'after VACUUM (steady state)'));
        results.set(size, after);
        if (flags.explain) {
          // PostgreSQL's side of the profile: the plan of the slowest query, with what it read.
          const here = after.get('vacuum')!;
          const slowest = queries.reduce((a, b) => (here.get(a.name)!.p99 >= here.get(b.name)!.p99 ? a : b));
          title(`EXPLAIN (ANALYZE, BUFFERS) of the slowest query at ${size.toLocaleString('en')} events, steady state: ${slowest.name}`);
          for (const row of await explain(database.url, slowest.run)) line(`  ${row}`);
        }
      }
      title('goals');
      for (const [state, label] of [
        ['vacuum', 'steady state'],
        ['catch-up', 'right after the catch-up'],
      ] as const) {
        const at = (size: number) => results.get(size)!.get(state)!;
        const worst = Math.max(...sizes.flatMap((size) => [...at(size).values()].map((r) => r.p99)));
        goal(
          `every statistics query p99 < 5 ms, at every size run (${label})`,
          worst < 5,
          `worst p99 ${worst.toFixed(2)} ms; sizes run: ${sizes.map((s) => s.toLocaleString('en')).join(', ')}`,
        );
        if (sizes.length < 2) continue;
        const largest = at(sizes.at(-1)!);
        const smallest = at(sizes[0]!);
        line(`  p99 at ${sizes.at(-1)!.toLocaleString('en')} ÷ p99 at ${sizes[0]!.toLocaleString('en')} events, per query (${label}):`);
        for (const q of queries) line(`    ${q.name.padEnd(44)} ${(largest.get(q.name)!.p99 / smallest.get(q.name)!.p99).toFixed(2)}`);
        const growth = Math.max(...queries.map((q) => largest.get(q.name)!.p99 / smallest.get(q.name)!.p99));
        goal(`flat as events grow, p99 grows by less than 1.5× (${label})`, growth < 1.5, `largest growth ${growth.toFixed(2)}×`);
      }
    } finally {
      await database.drop();
    }
  },
};
export default bench;

type Timed = { p50: number; p99: number; rows: number };

/** Every query timed `iterations` times against a `select 1` baseline on the same pool; prints a table. */
async function measureAll(db: Kysely<any>, iterations: number, label: string): Promise<Map<string, Timed>> {
  line(`  ${label}:`);
  const base = await time(() => sql`select 1`.execute(db), iterations);
  figure('baseline: select 1 p50 / p99', `${base.p50.toFixed(2)} / ${base.p99.toFixed(2)}`, 'ms');
  line(`  ${'query'.padEnd(44)} ${'p50 ms'.padStart(8)} ${'p99 ms'.padStart(8)} ${'p99÷select 1'.padStart(13)} ${'counted'.padStart(9)}`);
  const here = new Map<string, Timed>();
  for (const q of queries) {
    const answer = await q.run(db);
    const t = await time(() => q.run(db), iterations);
    here.set(q.name, { ...t, rows: q.count(answer) });
    line(
      `  ${q.name.padEnd(44)} ${t.p50.toFixed(2).padStart(8)} ${t.p99.toFixed(2).padStart(8)} ${(t.p99 / base.p99).toFixed(1).padStart(13)} ${String(q.count(answer)).padStart(9)}`,
    );
  }
  return here;
}

async function time(work: () => Promise<unknown>, iterations: number) {
  for (let i = 0; i < Math.min(20, iterations); i++) await work();
  const ms: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const t = now();
    await work();
    ms.push(Number(now() - t) / 1e6);
  }
  return { p50: percentile([...ms], 50), p99: percentile([...ms], 99) };
}

/** Runs `query` once through a Kysely that records its SQL, then EXPLAIN ANALYZEs that SQL. */
async function explain(url: string, query: (db: Kysely<any>) => Promise<unknown>): Promise<string[]> {
  const captured: { sql: string; parameters: readonly unknown[] }[] = [];
  const pool = new pg.Pool({ connectionString: url, max: 1 });
  const db = new Kysely<any>({ dialect: new PostgresDialect({ pool }), log: (event) => void captured.push(event.query) });
  try {
    await query(db);
    const last = captured.at(-1)!;
    const { rows } = await pool.query<{ 'QUERY PLAN': string }>(`explain (analyze, buffers, costs off) ${last.sql}`, [...last.parameters]);
    return rows.map((r) => r['QUERY PLAN']);
  } finally {
    await db.destroy();
  }
}
