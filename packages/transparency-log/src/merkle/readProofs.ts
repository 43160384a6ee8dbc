import type { Executor } from '@cco/event-store';
import { consistencyProof, inclusionProof, nodesFor, rootHash, type NodeLookup } from './merkleProofs';
import { consistencyRanges, inclusionRanges, type NodeId, type Range } from './merkleRanges';
import { readNodes, readTreeSize } from './treeStore';

export type ProofRefusal =
  /** The tree has fewer leaves than asked for. */
  | { ok: false; reason: 'beyond_tree'; treeSize: number }
  /** No event at that position, or not yet in the tree. */
  | { ok: false; reason: 'no_such_leaf' }
  /** The event is in the tree, but after the tree size asked about. */
  | { ok: false; reason: 'after_tree_size'; leafIndex: number };

export type InclusionProof = { ok: true; leafIndex: number; treeSize: number; leafHash: Buffer; path: Buffer[] } | ProofRefusal;
export type ConsistencyProof = { ok: true; from: number; to: number; path: Buffer[] } | ProofRefusal;

/** The stored nodes for `ranges` (and `extra`), fetched at once, as a lookup. */
async function lookupFor(db: Executor<any>, ranges: readonly Range[], extra: NodeId[] = []): Promise<NodeLookup> {
  const found = await readNodes(db, [...nodesFor(ranges), ...extra]);
  return (n) => {
    const hash = found.get(`${n.level}:${n.index}`);
    if (!hash) throw new Error(`the Merkle tree lacks node ${n.level}:${n.index}`);
    return hash;
  };
}

/** MTH of the first `size` leaves, from O(log n) stored nodes. */
export async function readRootHash(db: Executor<any>, size: number): Promise<Buffer> {
  const node = await lookupFor(db, [{ start: 0, end: size }]);
  return rootHash(size, node);
}

/** RFC 9162 §2.1.3 inclusion proof of the event at global `position` in the tree of `treeSize`. */
export async function readInclusionProof(db: Executor<any>, position: string, treeSize: number): Promise<InclusionProof> {
  const current = await readTreeSize(db);
  if (treeSize > current) return { ok: false, reason: 'beyond_tree', treeSize: current };
  const link = await db.selectFrom('event_chain').select('seq').where('position', '=', position).executeTakeFirst();
  const leafIndex = link ? Number(link.seq) - 1 : -1;
  if (leafIndex < 0 || leafIndex >= current) return { ok: false, reason: 'no_such_leaf' };
  if (leafIndex >= treeSize) return { ok: false, reason: 'after_tree_size', leafIndex };
  const leaf = { level: 0, index: leafIndex };
  const node = await lookupFor(db, inclusionRanges(leafIndex, treeSize), [leaf]);
  return { ok: true, leafIndex, treeSize, leafHash: node(leaf), path: inclusionProof(leafIndex, treeSize, node) };
}

/** RFC 9162 §2.1.4 consistency proof from the tree of `from` leaves to the tree of `to`. */
export async function readConsistencyProof(db: Executor<any>, from: number, to: number): Promise<ConsistencyProof> {
  const current = await readTreeSize(db);
  if (to > current) return { ok: false, reason: 'beyond_tree', treeSize: current };
  const node = await lookupFor(db, consistencyRanges(from, to));
  return { ok: true, from, to, path: consistencyProof(from, to, node) };
}
