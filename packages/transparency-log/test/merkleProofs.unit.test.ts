import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { frontierOf, growTree, type TreeNode } from '../src/merkle/growTree';
import { consistencyProof, inclusionProof, rootHash } from '../src/merkle/merkleProofs';
import type { NodeId } from '../src/merkle/merkleRanges';

// A reference written straight from RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1, sharing no code
// with the store's: MTH, PATH and SUBPROOF over the list of leaves, recursively.
const sha = (...parts: Uint8Array[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1); // largest power of two < n
const memo = new Map<string, Buffer>();
function MTH(D: Buffer[], a: number, b: number): Buffer {
  const key = `${a}:${b}`;
  const hit = memo.get(key);
  if (hit) return hit;
  const n = b - a;
  const h = n === 0 ? sha() : n === 1 ? sha(Buffer.from([0]), D[a]!) : sha(Buffer.from([1]), MTH(D, a, a + k(n)), MTH(D, a + k(n), b));
  memo.set(key, h);
  return h;
}
function PATH(D: Buffer[], m: number, a: number, b: number): Buffer[] {
  const n = b - a;
  if (n === 1) return [];
  return m < k(n) ? [...PATH(D, m, a, a + k(n)), MTH(D, a + k(n), b)] : [...PATH(D, m - k(n), a + k(n), b), MTH(D, a, a + k(n))];
}
function SUBPROOF(D: Buffer[], m: number, a: number, b: number, whole: boolean): Buffer[] {
  const n = b - a;
  if (m === n) return whole ? [] : [MTH(D, a, b)];
  return m <= k(n)
    ? [...SUBPROOF(D, m, a, a + k(n), whole), MTH(D, a + k(n), b)]
    : [...SUBPROOF(D, m - k(n), a + k(n), b, false), MTH(D, a, a + k(n))];
}

const N = 300;
const leaves = Array.from({ length: N }, (_, i) => Buffer.from(`leaf ${i} ${'x'.repeat(i % 7)}`));

/** The store's nodes, grown in uneven batches as the chainer would. */
function grow(): Map<string, Buffer> {
  const nodes = new Map<string, Buffer>();
  const frontier: TreeNode[] = [];
  let size = 0;
  for (let batch = 1; size < N; batch = ((batch * 7 + 3) % 23) + 1) {
    const next = leaves.slice(size, size + batch).map((d) => sha(Buffer.from([0]), d));
    // Reload the frontier from the map each time, as the store does from its table.
    const loaded = frontierOf(size).map((n) => ({ ...n, hash: nodes.get(`${n.level}:${n.index}`)! }));
    expect(loaded).toEqual(frontier);
    for (const node of growTree(frontier, size, next)) {
      expect(nodes.has(`${node.level}:${node.index}`)).toBe(false); // written once, never again
      nodes.set(`${node.level}:${node.index}`, node.hash);
    }
    size += next.length;
  }
  return nodes;
}

describe('the Merkle tree against RFC 9162’s recursive definitions', () => {
  const nodes = grow();
  const lookup = (n: NodeId) => {
    const h = nodes.get(`${n.level}:${n.index}`);
    if (!h) throw new Error(`missing node ${n.level}:${n.index}`);
    return h;
  };

  it('has the root MTH(D[0:n]) for every size up to 300, the empty tree included', () => {
    for (let n = 0; n <= N; n++) expect(rootHash(n, lookup).toString('hex'), `n=${n}`).toBe(MTH(leaves, 0, n).toString('hex'));
  });

  it('gives PATH(m, D[0:n]) for every leaf m and size n up to 300', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 0; m < n; m++) {
        const got = inclusionProof(m, n, lookup).map((h) => h.toString('hex'));
        expect(got, `m=${m} n=${n}`).toEqual(PATH(leaves, m, 0, n).map((h) => h.toString('hex')));
      }
    }
  });

  it('gives PROOF(m, D[0:n]) for every 0 < m ≤ n ≤ 300', () => {
    for (let n = 1; n <= N; n++) {
      for (let m = 1; m <= n; m++) {
        const got = consistencyProof(m, n, lookup).map((h) => h.toString('hex'));
        expect(got, `m=${m} n=${n}`).toEqual(SUBPROOF(leaves, m, 0, n, true).map((h) => h.toString('hex')));
      }
    }
  });

  it('refuses proofs outside the tree', () => {
    expect(() => inclusionProof(5, 5, lookup)).toThrow(RangeError);
    expect(() => consistencyProof(6, 5, lookup)).toThrow(RangeError);
  });
});
