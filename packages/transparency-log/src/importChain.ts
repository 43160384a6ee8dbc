import { commitSafeBound, type Executor, type ImportChain, type ImportLinker } from '@cco/event-store';
import { sql } from 'kysely';
import { appendLinks, chainLock, extendChain, linksAfter, openTreeAt, readChainTip, type ChainTip } from './chainEvents';

/**
 * An import that links its own events into the hash chain in its own transaction
 * (`importEvents(db, streams, { chain: importChain })`), so the chain covers the import the
 * moment it commits; the Merkle tree grows with the links, as the chainer grows it.
 */
export const importChain: ImportChain = {
  async take(trx, waitMs): Promise<ImportLinker | undefined> {
    const tip = await takeTheChain(trx, waitMs);
    if (!tip) return undefined;
    const tree = await openTreeAt(trx, Number(tip.seq));
    return (events) => appendLinks(trx, tree, linksAfter(tip, events));
  },
};

/**
 * Makes this transaction the next one in the chain: the chain lock (waiting for a chainer
 * step in progress), then no transaction older than this one left running that can write to
 * this database's log (none can commit ahead of it in commit-safe order any more), then
 * everything committed before it linked.
 * Returns the tip to link the import's own events after, or undefined to leave them to the
 * chainer (an older transaction would not end, or this one already wrote events of its own).
 */
async function takeTheChain(trx: Executor<any>, waitMs: number): Promise<ChainTip | undefined> {
  await sql`select pg_advisory_xact_lock(hashtext(${chainLock}))`.execute(trx);
  const deadline = Date.now() + waitMs;
  await sql`select pg_current_xact_id()`.execute(trx); // this transaction's xid, before comparing with it
  for (let pause = 1; ; pause = Math.min(pause * 2, 50)) {
    const { rows } = await sql<{ first: boolean }>`select ${commitSafeBound} = pg_current_xact_id() as first`.execute(trx);
    if (rows[0]?.first) break;
    // Holding the lock, linking nothing: the chainer links this import after its commit.
    if (Date.now() > deadline) return undefined;
    await new Promise((r) => setTimeout(r, pause));
  }
  // Events this transaction wrote before the import (the caller's) come first in commit-safe
  // order and are not the import's to link: leave the whole transaction to the chainer.
  const { rows: own } = await sql`select 1 from events where transaction_id = pg_current_xact_id() limit 1`.execute(trx);
  if (own.length > 0) return undefined;
  while ((await extendChain(trx, 10_000)) > 0);
  return readChainTip(trx);
}
