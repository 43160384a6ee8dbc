import { sql } from 'kysely';
import { canonicalContent, genesisHash, hashCanonical } from './hashEvent';
import { growTree, type TreeNode } from './merkle/growTree';
import { leafHash } from './merkle/merkleHash';
import { insertNodes, loadFrontier, readNodeBeyond, readTreeSize } from './merkle/treeStore';
import {
  logStart,
  readAll,
  toRecordedEvent,
  tryLockForTransaction,
  type EventRow,
  type Executor,
  type LogPosition,
  type RecordedEvent,
} from '@cco/event-store';

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
 *
 * The Merkle tree (RFC 9162) grows in the same transaction by the same leaves: leaf i is the
 * canonical content of the event at seq i + 1, so the tree and the chain can never disagree on
 * what was logged or in which order.
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
  // Behind its chain, the tree is caught up first (links chained before the tree existed).
  const size = await readTreeSize(trx);
  if (BigInt(size) < tip.seq) return backfillTree(trx, tip, size, batchSize);
  const tree = await openTreeAt(trx, size);
  const { events } = await readAll(trx, tip.at, batchSize);
  if (events.length === 0) return 0;
  await appendLinks(trx, tree, linksAfter(tip, events));
  return events.length;
}

/** The tree's right edge where the chain's tip is, ready to append to. */
export interface OpenTree {
  size: number;
  frontier: TreeNode[];
}

/**
 * The tree of `size` leaves, ready to append to. A tree ahead of its leaves — a stored node over
 * leaves it does not hold, its links removed — cannot happen but by tampering: refuse to build on it.
 */
export async function openTreeAt(trx: Executor<any>, size: number): Promise<OpenTree> {
  const [beyond, frontier] = await Promise.all([readNodeBeyond(trx, size), loadFrontier(trx, size)]);
  if (beyond) throw new Error(`the Merkle tree (node ${beyond.level}:${beyond.index}) is ahead of its ${size} leaves in the hash chain`);
  return { size, frontier };
}

/** Writes links (each with its leaf hash) and the tree's new nodes for them, queued on the one connection together. */
export async function appendLinks(trx: Executor<any>, tree: OpenTree, links: readonly Link[]): Promise<void> {
  const nodes = growTree(
    tree.frontier,
    tree.size,
    links.map((l) => l.leafHash),
  );
  tree.size += links.length;
  await Promise.all([insertLinks(trx, links), insertNodes(trx, nodes)]);
}

/**
 * Fills in the leaf hashes of links chained before the tree existed (the tree holds `size` leaves),
 * in chain order, and stores the nodes they complete. Returns how many it filled.
 */
async function backfillTree(trx: Executor<any>, tip: ChainTip, size: number, batchSize: number): Promise<number> {
  const { rows } = await sql<EventRow & { seq: string; filled: boolean }>`
    select c.seq, c.leaf_hash is not null as filled, e.* from event_chain c join events e on e.position = c.position
    where c.seq > ${String(size)}::int8 and c.seq <= ${tip.seq.toString()}::int8 order by c.seq limit ${batchSize}`.execute(trx);
  // The links after the tree's last leaf, each with its event and none with a leaf yet: anything
  // else is tampering, which filling in around it would hide.
  rows.forEach((r, k) => {
    const seq = size + 1 + k;
    if (Number(r.seq) !== seq) throw new Error(`the hash chain's link at seq ${seq} has no event: run the integrity check`);
    if (r.filled) throw new Error(`the hash chain's link at seq ${seq} has a leaf after a link without one: run the integrity check`);
  });
  if (rows.length === 0) throw new Error(`the hash chain's links after seq ${size} have no events: run the integrity check`);
  const leaves = rows.map((r) => leafHash(canonicalContent(toRecordedEvent(r))));
  const tree = await openTreeAt(trx, size);
  await Promise.all([fillLeaves(trx, rows, leaves), insertNodes(trx, growTree(tree.frontier, size, leaves))]);
  return rows.length;
}

/** Sets each link's leaf hash; the chain's trigger allows this one change, from NULL, once. */
async function fillLeaves(trx: Executor<any>, links: readonly { seq: string }[], leaves: readonly Buffer[]): Promise<void> {
  await sql`
    update event_chain c set leaf_hash = decode(u.leaf, 'hex')
    from unnest(${links.map((l) => l.seq)}::int8[], ${leaves.map((h) => h.toString('hex'))}::text[]) as u(seq, leaf)
    where c.seq = u.seq`.execute(trx);
}

export interface Link {
  seq: string;
  position: string;
  transactionId: string;
  prevHash: string;
  hash: string;
  /** The event's Merkle leaf hash, SHA-256(0x00 ‖ canonical content). */
  leafHash: Buffer;
}

/** The links of `events` (in commit-safe order) after `tip`; `tip` is moved to the last one. */
export function linksAfter(tip: ChainTip, events: readonly RecordedEvent[]): Link[] {
  return events.map((event) => {
    // Encoded once for both hashes (the link's and the leaf's) over the same bytes.
    const canonical = Buffer.from(canonicalContent(event));
    const hash = hashCanonical(tip.hash, canonical);
    tip.seq += 1n;
    const link = {
      seq: tip.seq.toString(),
      position: event.position,
      transactionId: event.transactionId,
      prevHash: tip.hash,
      hash,
      leafHash: leafHash(canonical),
    };
    tip.hash = hash;
    tip.at = { transactionId: event.transactionId, position: event.position };
    return link;
  });
}

/** One INSERT from arrays, whatever the number of links. */
export async function insertLinks(trx: Executor<any>, links: readonly Link[]): Promise<void> {
  if (links.length === 0) return;
  await sql`
    insert into event_chain (seq, position, transaction_id, prev_hash, hash, leaf_hash)
    select seq, position, transaction_id, prev_hash, hash, decode(leaf, 'hex')
    from unnest(${links.map((l) => l.seq)}::int8[], ${links.map((l) => l.position)}::int8[], ${links.map((l) => l.transactionId)}::xid8[],
                ${links.map((l) => l.prevHash)}::text[], ${links.map((l) => l.hash)}::text[], ${links.map((l) => l.leafHash.toString('hex'))}::text[])
      as t(seq, position, transaction_id, prev_hash, hash, leaf)`.execute(trx);
}
