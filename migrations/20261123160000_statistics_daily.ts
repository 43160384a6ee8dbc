import { sql, type Kysely } from 'kysely';

/**
 * The statistics' counters per UTC day and month (packages/projections/src/statistics/statistics.ts):
 * counts read a bounded table instead of scanning a row per case. The projection is replayed from the
 * log to fill them (its rows and counters start empty, its checkpoint at zero): the log is the
 * truth, and a replay cannot disagree with the code that keeps the counters from then on.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table statistics_daily (
      metric text not null,
      kind text not null,
      grain text not null check (grain in ('day', 'month')),
      day date not null,
      requesting_party text not null,
      requested_party text not null,
      key text not null,
      count int not null check (count >= 0),
      primary key (metric, kind, grain, day, requesting_party, requested_party, key)
    )`.execute(db);
  await sql`truncate statistics_cases`.execute(db);
  await sql`delete from checkpoints where name = 'projection:statistics' or name like 'projection:statistics@rebuild:%'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table statistics_daily`.execute(db);
}
