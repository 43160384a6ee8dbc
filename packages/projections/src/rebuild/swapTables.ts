import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';
import { ensureSchema } from './ensureSchema';

const retiredSchema = 'cco_retired';

/**
 * Puts the rebuilt table (in cco_rebuild) where the live one was, in the caller's transaction:
 * readers see the old table until commit and the new one after, never neither. Moving whole
 * tables between schemas carries their indexes along and leaves no name behind to collide with
 * next time. The move into the live schema takes CREATE there, which the service role must not
 * hold (the owner resolves names there): the owner's `cco_swap_read_model` does it, for a table
 * the caller owns only (its migration, 20261203000000, says what it checks).
 */
export async function swapTables(trx: Executor<any>, table: string, liveSchema: string): Promise<void> {
  await ensureSchema(trx, retiredSchema);
  await sql`select ${sql.id(liveSchema, 'cco_swap_read_model')}(${table}::pg_catalog.text)`.execute(trx);
}
