import { sql } from 'kysely';
import { tryLockForTransaction } from './checkpoints';
import { genesisHash, hashEvent } from './hashEvent';
import { readAll } from './readAll';
import { logStart, type Executor, type LogPosition, type RecordedEvent } from './types';

/** The advisory lock that makes one chainer (or chaining import) at a time. */
export const chainLock = 'cco_event_chain';

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
    if (!(await tryLockForTransaction(trx, chainLock))) return 0;
    return extendChain(trx, batchSize);
  });
}

export interface ChainTip {
  seq: bigint;
  hash: string;
  at: LogPosition;
}

/** The chain's last link (the genesis when it is empty). */
export async function readChainTip(trx: Executor<any>): Promise<ChainTip> {
  const tip = await trx
    .selectFrom('event_chain')
    .select(['seq', 'hash', 'transaction_id', 'position'])
    .orderBy('seq', 'desc')
    .limit(1)
    .executeTakeFirst();
  return tip
    ? { seq: BigInt(tip.seq), hash: tip.hash, at: { transactionId: String(tip.transaction_id), position: String(tip.position) } }
    : { seq: 0n, hash: genesisHash, at: logStart };
}

/**
 * One batch of chaining in the caller's transaction, which must hold the chain lock: the next
 * committed events after the tip, hashed, linked. Returns how many it linked.
 */
export async function extendChain(trx: Executor<any>, batchSize: number): Promise<number> {
  const tip = await readChainTip(trx);
  const { events } = await readAll(trx, tip.at, batchSize);
  if (events.length === 0) return 0;
  await insertLinks(trx, linksAfter(tip, events));
  return events.length;
}

export interface Link {
  seq: string;
  position: string;
  transactionId: string;
  prevHash: string;
  hash: string;
}

/** The links of `events` (in commit-safe order) after `tip`; `tip` is moved to the last one. */
export function linksAfter(tip: ChainTip, events: readonly RecordedEvent[]): Link[] {
  return events.map((event) => {
    const hash = hashEvent(tip.hash, event);
    tip.seq += 1n;
    const link = { seq: tip.seq.toString(), position: event.position, transactionId: event.transactionId, prevHash: tip.hash, hash };
    tip.hash = hash;
    tip.at = { transactionId: event.transactionId, position: event.position };
    return link;
  });
}

/** One INSERT from arrays, whatever the number of links. */
export async function insertLinks(trx: Executor<any>, links: readonly Link[]): Promise<void> {
  if (links.length === 0) return;
  await sql`
    insert into event_chain (seq, position, transaction_id, prev_hash, hash)
    select * from unnest(${links.map((l) => l.seq)}::int8[], ${links.map((l) => l.position)}::int8[],
                         ${links.map((l) => l.transactionId)}::xid8[], ${links.map((l) => l.prevHash)}::text[], ${links.map((l) => l.hash)}::text[])`.execute(trx);
}
