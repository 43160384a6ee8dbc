import { emptyRoot, nodeHash } from './merkleHash';
import { consistencyRanges, inclusionRanges, perfectSubtrees, type NodeId, type Range } from './merkleRanges';

/** A stored perfect subtree's hash; throws when the store lacks it. */
export type NodeLookup = (node: NodeId) => Buffer;

/** MTH(D[start:end]) from the perfect subtrees that make it (folded from the right). */
export function rangeHash(range: Range, node: NodeLookup): Buffer {
  const parts = perfectSubtrees(range).map(node);
  if (parts.length === 0) return emptyRoot;
  let hash = parts[parts.length - 1]!;
  for (let i = parts.length - 2; i >= 0; i--) hash = nodeHash(parts[i]!, hash);
  return hash;
}

export const rootHash = (size: number, node: NodeLookup): Buffer => rangeHash({ start: 0, end: size }, node);
export const inclusionProof = (m: number, n: number, node: NodeLookup): Buffer[] => inclusionRanges(m, n).map((r) => rangeHash(r, node));
export const consistencyProof = (m: number, n: number, node: NodeLookup): Buffer[] =>
  consistencyRanges(m, n).map((r) => rangeHash(r, node));

/** Every stored node that the ranges need, each once: what to fetch before building a proof. */
export function nodesFor(ranges: readonly Range[]): NodeId[] {
  const seen = new Map<string, NodeId>();
  for (const r of ranges) for (const n of perfectSubtrees(r)) seen.set(`${n.level}:${n.index}`, n);
  return [...seen.values()];
}
