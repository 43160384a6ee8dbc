import { nodeHash } from './merkleHash';
import type { NodeId } from './merkleRanges';

export interface TreeNode extends NodeId {
  hash: Buffer;
}

/**
 * The right edge of a tree of `size` leaves: the perfect subtrees that make it, largest
 * (leftmost) first — one per bit set in `size`. Appending needs only these.
 */
export function frontierOf(size: number): NodeId[] {
  const out: NodeId[] = [];
  let start = 0;
  for (let level = 52; level >= 0; level--) {
    const width = 2 ** level;
    if (Math.floor(size / width) % 2 === 1) {
      out.push({ level, index: start / width });
      start += width;
    }
  }
  return out;
}

/**
 * Appends leaves (their hashes) to a tree whose right edge is `frontier` (as frontierOf gave
 * it, with hashes); returns every node the append completes — each new leaf and each perfect
 * subtree it closes — and moves `frontier` on. O(log n) per leaf, amortised O(1).
 */
export function growTree(frontier: TreeNode[], size: number, leafHashes: readonly Buffer[]): TreeNode[] {
  const created: TreeNode[] = [];
  let index = size;
  for (const hash of leafHashes) {
    let node: TreeNode = { level: 0, index, hash };
    created.push(node);
    // Two neighbours of one level merge into their parent while the new one is a right child.
    while (frontier.length > 0 && frontier[frontier.length - 1]!.level === node.level) {
      const left = frontier.pop()!;
      node = { level: node.level + 1, index: left.index / 2, hash: nodeHash(left.hash, node.hash) };
      created.push(node);
    }
    frontier.push(node);
    index += 1;
  }
  return created;
}
