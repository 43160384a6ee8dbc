import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';
import { ensureSchema } from './ensureSchema';

const retiredSchema = 'cco_retired';

/**
 * Puts the rebuilt table where the live one was, in the caller's transaction: readers see the
 * old table until commit and the new one after, never neither. Moving whole tables between
 * schemas carries their indexes along and leaves no name behind to collide with next time.
 */
export async function swapTables(trx: Executor<any>, table: string, liveSchema: string, rebuiltSchema: string): Promise<void> {
  await ensureSchema(trx, retiredSchema);
  await sql`drop table if exists ${sql.id(retiredSchema, table)}`.execute(trx);
  await sql`alter table ${sql.id(liveSchema, table)} set schema ${sql.id(retiredSchema)}`.execute(trx);
  await sql`alter table ${sql.id(rebuiltSchema, table)} set schema ${sql.id(liveSchema)}`.execute(trx);
  await sql`drop table ${sql.id(retiredSchema, table)}`.execute(trx);
}
