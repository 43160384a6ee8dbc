import { sql, type Kysely } from 'kysely';

/**
 * Durations from filing to handover are read from a histogram of whole days kept with the other
 * statistics counters (metric 'handover_days'). The projection is replayed from the log to fill
 * it, as when the counters were introduced: its rows and counters start empty, its checkpoint
 * at zero.
 */
export async function up(db: Kysely<any>): Promise<void> {
  await sql`truncate statistics_cases, statistics_daily`.execute(db);
  await sql`delete from checkpoints where name = 'projection:statistics' or name like 'projection:statistics@rebuild:%'`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from statistics_daily where metric = 'handover_days'`.execute(db);
}
