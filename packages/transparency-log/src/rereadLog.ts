import type { Executor } from '@cco/event-store';
import { sql } from 'kysely';
import { verifyLog, type LogVerification } from './verifyLog';

/** Where the next partial re-read resumes, when the log is too large for one. */
const rereadCursor = 'integrity-reread';

/**
 * Re-reads as much of the log as fits before `deadline`, from where the previous call stopped,
 * and records where the next one resumes: a log too large for one request is re-read in turns.
 * After a break, or once the whole log was re-read, the next call starts again from leaf 0.
 */
export async function rereadLog(db: Executor<any>, deadline: number): Promise<LogVerification> {
  const {
    rows: [cursor],
  } = await sql<{ seq: string }>`select seq from chain_verifications where name = ${rereadCursor}`.execute(db);
  const result = await verifyLog(db, { fromLeaf: cursor ? Number(cursor.seq) : 0, deadline });
  const next = result.ok && !result.complete ? result.toLeaf : 0;
  await sql`
    insert into chain_verifications (name, seq, hash) values (${rereadCursor}, ${String(next)}::int8, '')
    on conflict (name) do update set seq = excluded.seq, verified_at = now()`.execute(db);
  return result;
}
