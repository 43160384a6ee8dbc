import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';

/**
 * Creates `name` only when it is missing. CREATE SCHEMA IF NOT EXISTS checks the right to create
 * schemas first, which the service role has not where it does not own the database: the
 * migrations' owner creates these schemas for it (see grantServiceRole).
 */
export async function ensureSchema(trx: Executor<any>, name: string): Promise<void> {
  const { rows } = await sql<{ missing: boolean }>`select to_regnamespace(${name}) is null as missing`.execute(trx);
  if (rows[0]!.missing) await sql`create schema if not exists ${sql.id(name)}`.execute(trx);
}
