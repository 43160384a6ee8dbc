import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';

/**
 * Waits for the transaction-scoped advisory lock `name` (the store's tryLockForTransaction
 * gives up instead). Same key derivation, so the two exclude each other.
 */
export async function lockForTransaction(trx: Executor<any>, name: string): Promise<void> {
  await sql`select pg_advisory_xact_lock(hashtext(${name}))`.execute(trx);
}
