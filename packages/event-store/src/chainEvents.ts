import { tryLockForTransaction } from './checkpoints';
import { genesisHash, hashEvent } from './hashEvent';
import { readAll } from './readAll';
import { logStart, type Executor, type LogPosition } from './types';

/**
 * Extends the hash chain over events committed since its tip, in commit-safe order, and
 * returns how many it chained (0 when up to date or when another instance holds the lock).
 *
 * Why a checkpointed chainer rather than hashing inside each append: hashing at append time
 * in commit order means one global lock held until commit, which serialises every writer of
 * every case behind one fsync. Here appends stay concurrent and the chain follows a moment
 * later in batches; the chain's own tip is its checkpoint, written in the same transaction
 * as the links, so a crash can neither skip nor double a link.
 */
export async function chainEvents(db: Executor<any>, batchSize = 1000): Promise<number> {
  return db.transaction().execute(async (trx) => {
    // One chainer at a time across every instance of the service.
    if (!(await tryLockForTransaction(trx, 'cco_event_chain'))) return 0;

    const tip = await trx
      .selectFrom('event_chain')
      .select(['seq', 'hash', 'transaction_id', 'position'])
      .orderBy('seq', 'desc')
      .limit(1)
      .executeTakeFirst();
    const after: LogPosition = tip ? { transactionId: String(tip.transaction_id), position: String(tip.position) } : logStart;
    const { events } = await readAll(trx, after, batchSize);
    if (events.length === 0) return 0;

    let seq = tip ? BigInt(tip.seq) : 0n;
    let prev = tip?.hash ?? genesisHash;
    const links = events.map((event) => {
      const hash = hashEvent(prev, event);
      seq += 1n;
      const link = { seq: seq.toString(), position: event.position, transaction_id: event.transactionId, prev_hash: prev, hash };
      prev = hash;
      return link;
    });
    await trx.insertInto('event_chain').values(links).execute();
    return links.length;
  });
}
