import { sql, type Kysely } from 'kysely';
import { chainEvents } from '@cco/transparency-log';

/**
 * Chains (and grows the Merkle tree over) every committed event, waiting with a deadline.
 * One chainEvents call is not enough: it sees only transactions older than the cluster's
 * oldest running one (other test files' included), and the background chainer may hold the lock.
 */
export async function chainAll(db: Kysely<any>, deadlineMs = 20_000): Promise<void> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    while ((await chainEvents(db)) > 0);
    const { rows } = await sql<{
      behind: string;
    }>`select (select count(*) from events) - (select count(*) from event_chain) as behind`.execute(db);
    if (rows[0]!.behind === '0') return;
    if (Date.now() > deadline) throw new Error(`the chain did not catch up: ${rows[0]!.behind} events behind`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
