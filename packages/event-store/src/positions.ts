import { sql } from 'kysely';
import { logStart, type Executor, type LogPosition } from './types';

/** Where the reader `name` stands in commit-safe order (the log's start when it never ran). */
export async function readPosition(db: Executor<any>, name: string): Promise<LogPosition> {
  const row = await db.selectFrom('checkpoints').select(['transaction_id', 'position']).where('name', '=', name).executeTakeFirst();
  return row ? { transactionId: String(row.transaction_id), position: String(row.position) } : logStart;
}

/**
 * Records that `name` has processed everything up to `at`. Call it in the same transaction as
 * the effects of that processing (a projection's rows), so they commit or vanish together.
 */
export async function savePosition(db: Executor<any>, name: string, at: LogPosition): Promise<void> {
  await sql`
    insert into checkpoints (name, transaction_id, position) values (${name}, ${at.transactionId}::xid8, ${at.position}::int8)
    on conflict (name) do update set transaction_id = excluded.transaction_id, position = excluded.position, updated_at = now()`.execute(
    db,
  );
}

/**
 * Takes the transaction-scoped advisory lock for `name`, or returns false if another session
 * holds it. One reader per name across every instance of the service: the loser skips its turn.
 */
export async function tryLockForTransaction(trx: Executor<any>, name: string): Promise<boolean> {
  const result = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext(${name})) as locked`.execute(trx);
  return result.rows[0]?.locked === true;
}
