// Which subtrees RFC 9162's recursive definitions (§2.1.1, §2.1.3.1, §2.1.4.1) touch, as
// leaf ranges [start, end), and how each range splits into the perfect, aligned subtrees the
// store keeps (level l, index i = the 2^l leaves from i·2^l). Pure arithmetic: no hashing.

export interface Range {
  start: number;
  end: number;
}

export interface NodeId {
  level: number;
  index: number;
}

/** The largest power of two strictly smaller than n (n ≥ 2). */
export function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/**
 * The perfect subtrees whose hashes make MTH(D[start:end]), left to right. Every range that
 * the recursion produces starts at a multiple of its split point, so each left part is a
 * perfect, aligned subtree; the right part recurses.
 */
export function perfectSubtrees({ start, end }: Range): NodeId[] {
  const out: NodeId[] = [];
  let a = start;
  while (end - a > 0) {
    const n = end - a;
    if ((n & (n - 1)) === 0 && a % n === 0) {
      out.push({ level: Math.log2(n), index: a / n });
      break;
    }
    const k = splitPoint(n);
    if (a % k !== 0) throw new Error(`range [${start}, ${end}) is not one of the tree's`);
    out.push({ level: Math.log2(k), index: a / k });
    a += k;
  }
  return out;
}

/** PATH(m, D[0:n]) (§2.1.3.1) as ranges, from the leaf's sibling up to the root's child. */
export function inclusionRanges(m: number, n: number): Range[] {
  if (!(m >= 0 && m < n)) throw new RangeError(`leaf ${m} is not in a tree of ${n}`);
  const out: Range[] = [];
  const walk = (m: number, start: number, end: number) => {
    const size = end - start;
    if (size <= 1) return;
    const k = splitPoint(size);
    if (m < k) {
      walk(m, start, start + k);
      out.push({ start: start + k, end });
    } else {
      walk(m - k, start + k, end);
      out.push({ start, end: start + k });
    }
  };
  walk(m, 0, n);
  return out;
}

/** PROOF(m, D[0:n]) = SUBPROOF(m, D[0:n], true) (§2.1.4.1) as ranges, in proof order. */
export function consistencyRanges(m: number, n: number): Range[] {
  if (!(m >= 0 && m <= n)) throw new RangeError(`no consistency proof from ${m} to ${n}`);
  if (m === 0 || m === n) return [];
  const out: Range[] = [];
  const walk = (m: number, start: number, end: number, whole: boolean) => {
    const size = end - start;
    if (m === size) {
      if (!whole) out.push({ start, end });
      return;
    }
    const k = splitPoint(size);
    if (m <= k) {
      walk(m, start, start + k, whole);
      out.push({ start: start + k, end });
    } else {
      walk(m - k, start + k, end, false);
      out.push({ start, end: start + k });
    }
  };
  walk(m, 0, n, true);
  return out;
}
