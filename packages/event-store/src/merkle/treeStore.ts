import { sql } from 'kysely';
import type { Executor } from '../types';
import { frontierOf, type TreeNode } from './growTree';
import type { NodeId } from './merkleRanges';

/** Leaves in the stored tree (the next leaf's index). */
export async function readTreeSize(db: Executor<any>): Promise<number> {
  const row = await db.selectFrom('merkle_nodes').select('idx').where('level', '=', 0).orderBy('idx', 'desc').limit(1).executeTakeFirst();
  return row ? Number(row.idx) + 1 : 0;
}

/** The stored nodes asked for, in one query; a missing one is simply absent from the map. */
export async function readNodes(db: Executor<any>, ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
  if (ids.length === 0) return new Map();
  // Hashes travel as hex: the same on pg and PGlite, whose bytea arrays differ.
  const { rows } = await sql<{ level: number; idx: string; hash: string }>`
    select n.level, n.idx, encode(n.hash, 'hex') as hash from merkle_nodes n
    join unnest(${ids.map((i) => i.level)}::int2[], ${ids.map((i) => String(i.index))}::int8[]) as want(level, idx)
      on n.level = want.level and n.idx = want.idx`.execute(db);
  return new Map(rows.map((r) => [`${r.level}:${r.idx}`, Buffer.from(r.hash, 'hex')]));
}

/** The right edge of the stored tree of `size` leaves, to append after (see growTree). */
export async function loadFrontier(db: Executor<any>, size: number): Promise<TreeNode[]> {
  const ids = frontierOf(size);
  const found = await readNodes(db, ids);
  return ids.map((id) => {
    const hash = found.get(`${id.level}:${id.index}`);
    if (!hash) throw new Error(`the Merkle tree lacks node ${id.level}:${id.index} of its right edge at size ${size}`);
    return { ...id, hash };
  });
}

/** One INSERT of the nodes an append completed. */
export async function insertNodes(db: Executor<any>, nodes: readonly TreeNode[]): Promise<void> {
  if (nodes.length === 0) return;
  await sql`
    insert into merkle_nodes (level, idx, hash)
    select level, idx, decode(hash, 'hex')
    from unnest(${nodes.map((n) => n.level)}::int2[], ${nodes.map((n) => String(n.index))}::int8[], ${nodes.map((n) => n.hash.toString('hex'))}::text[]) as t(level, idx, hash)`.execute(
    db,
  );
}
