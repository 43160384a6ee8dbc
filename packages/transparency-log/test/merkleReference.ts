import { createHash } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { toRecordedEvent, type EventRow } from '@cco/event-store';
import { canonicalContent } from '../src/index';

// The tree as RFC 9162 §2.1.1, §2.1.3.1 and §2.1.4.1 define it, written out over a list of leaf
// hashes, sharing no code with the store: what the stored tree is checked against.

export const sha = (...parts: (Uint8Array | string)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
const k = (n: number) => 2 ** Math.ceil(Math.log2(n) - 1); // the largest power of two < n

/** MTH(D[a:b]) over leaf hashes. */
export function MTH(H: readonly Buffer[], a = 0, b = H.length): Buffer {
  const n = b - a;
  if (n === 0) return sha();
  if (n === 1) return H[a]!;
  return sha(Buffer.from([1]), MTH(H, a, a + k(n)), MTH(H, a + k(n), b));
}

/** PATH(m, D[a:b]). */
export function PATH(H: readonly Buffer[], m: number, a: number, b: number): Buffer[] {
  const n = b - a;
  if (n === 1) return [];
  return m < k(n) ? [...PATH(H, m, a, a + k(n)), MTH(H, a + k(n), b)] : [...PATH(H, m - k(n), a + k(n), b), MTH(H, a, a + k(n))];
}

/** SUBPROOF(m, D[a:b], whole). */
export function SUBPROOF(H: readonly Buffer[], m: number, a: number, b: number, whole = true): Buffer[] {
  const n = b - a;
  if (m === n) return whole ? [] : [MTH(H, a, b)];
  return m <= k(n)
    ? [...SUBPROOF(H, m, a, a + k(n), whole), MTH(H, a + k(n), b)]
    : [...SUBPROOF(H, m - k(n), a + k(n), b, false), MTH(H, a, a + k(n))];
}

/** Every chained event's leaf hash, SHA-256(0x00 ‖ canonical content), recomputed from the events in chain order. */
export async function leafHashesInChainOrder(db: Kysely<any>): Promise<Buffer[]> {
  const { rows } = await sql<EventRow>`select e.* from event_chain c join events e on e.position = c.position order by c.seq`.execute(db);
  return rows.map((r) => sha(Buffer.from([0]), canonicalContent(toRecordedEvent(r))));
}

/** The stored nodes, "level:idx" → hex, in key order: to compare two trees row for row. */
export async function storedNodes(db: Kysely<any>): Promise<[string, string][]> {
  const { rows } = await sql<{ key: string; hash: string }>`
    select level || ':' || idx as key, encode(hash, 'hex') as hash from merkle_nodes order by level, idx`.execute(db);
  return rows.map((r) => [r.key, r.hash]);
}
