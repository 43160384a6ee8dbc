import { sql } from 'kysely';
import type { Executor } from '@cco/event-store';
import { frontierOf, type TreeNode } from './growTree';
import { nodeHash } from './merkleHash';
import type { NodeId } from './merkleRanges';

/**
 * The lowest level kept as rows in merkle_nodes: subtrees of 16 leaves and more, at most one row
 * per 8 events (1/16 + 1/32 + …). Each event already has a row, its chain link, which holds its
 * leaf hash; anything below this level is recomputed from at most 16 of those, read in one range
 * scan. Storing every level cost a leaf row and a node row (and their index entries) per event,
 * which slowed bulk imports measurably (`npm run bench -- import`); an eighth of a row does not.
 */
export const storedFromLevel = 4;

/**
 * Leaves in the tree (the next leaf's index): the links that hold a leaf hash. Links chained
 * before the tree existed hold none until backfilled, in chain order, so the tree ends before the
 * first such link (a partial index of them, empty once caught up), else at the chain's tip.
 */
const treeSize = sql<string>`coalesce((select min(seq) - 1 from event_chain where leaf_hash is null), (select max(seq) from event_chain), 0)`;

/** Leaves in the stored tree (see treeSize). */
export async function readTreeSize(db: Executor<any>): Promise<number> {
  const { rows } = await sql<{ size: string }>`select ${treeSize} as size`.execute(db);
  return Number(rows[0]!.size);
}

/**
 * The tree's size, and the last link holding a leaf, read in one snapshot: `through` is the
 * chain's tip when the tip has a leaf, else `size`. Greater than `size` only when a leaf went
 * missing between links that have theirs (links chained before the tree are filled in in order).
 */
export async function readTreeBounds(db: Executor<any>): Promise<{ size: number; through: number }> {
  const { rows } = await sql<{ size: string; tip: string | null }>`
    select ${treeSize} as size,
      (select seq from event_chain where seq = (select max(seq) from event_chain) and leaf_hash is not null) as tip`.execute(db);
  const size = Number(rows[0]!.size);
  return { size, through: Math.max(size, Number(rows[0]!.tip ?? 0)) };
}

/**
 * The newest signed checkpoint and the tree's size, read in one statement (one snapshot): a
 * checkpoint issued while a long check ran is then never mistaken for one signed over leaves
 * the tree no longer holds.
 */
export async function readLatestCheckpointAndTreeSize(
  db: Executor<any>,
): Promise<{ checkpoint: { treeSize: number; rootHash: string } | null; treeSize: number }> {
  const { rows } = await sql<{ tree_size: string | null; root_hash: string | null; size: string }>`
    select cp.tree_size, encode(cp.root_hash, 'hex') as root_hash, ${treeSize} as size
    from (select 1) as one
    left join lateral (select tree_size, root_hash from tree_checkpoints order by tree_size desc limit 1) as cp on true`.execute(db);
  const r = rows[0]!;
  return {
    checkpoint: r.tree_size === null ? null : { treeSize: Number(r.tree_size), rootHash: r.root_hash! },
    treeSize: Number(r.size),
  };
}

/**
 * The nodes asked for, in one query: stored ones from merkle_nodes, lower ones recomputed from
 * the leaf hashes in event_chain (leaf i at seq i + 1). A node missing from the store, or one
 * whose leaves are not all there, is simply absent from the map.
 */
export async function readNodes(db: Executor<any>, ids: readonly NodeId[]): Promise<Map<string, Buffer>> {
  if (ids.length === 0) return new Map();
  const stored = ids.filter((i) => i.level >= storedFromLevel);
  const ranges = leafRanges(ids.filter((i) => i.level < storedFromLevel));
  // Hashes travel as hex: the same on pg and PGlite, whose bytea arrays differ. Level 0 is never
  // stored, so a row at level 0 is a leaf. Each leaf range is its own scan of the primary key,
  // its bounds in plain sight of the planner (a join on a range can tempt it into a table scan).
  const { rows } = await sql<{ level: number; idx: string; hash: string }>`
    select n.level, n.idx, encode(n.hash, 'hex') as hash from merkle_nodes n
    join unnest(${stored.map((i) => i.level)}::int2[], ${stored.map((i) => String(i.index))}::int8[]) as want(level, idx)
      on n.level = want.level and n.idx = want.idx
    ${sql.join(
      ranges.map(
        (r) => sql`union all select 0, seq - 1, encode(leaf_hash, 'hex') from event_chain
          where seq > ${String(r.start)}::int8 and seq <= ${String(r.end)}::int8 and leaf_hash is not null`,
      ),
      sql` `,
    )}`.execute(db);
  const found = new Map<string, Buffer>(rows.map((r) => [`${r.level}:${r.idx}`, Buffer.from(r.hash, 'hex')]));
  // A node below the stored levels, from its two children (memoised: the proofs share them).
  const hashOf = (level: number, index: number): Buffer | undefined => {
    const key = `${level}:${index}`;
    if (level === 0 || found.has(key)) return found.get(key);
    const left = hashOf(level - 1, 2 * index);
    const right = hashOf(level - 1, 2 * index + 1);
    if (left && right) found.set(key, nodeHash(left, right));
    return found.get(key);
  };
  const out = new Map<string, Buffer>();
  for (const id of ids) {
    const hash = id.level >= storedFromLevel ? found.get(`${id.level}:${id.index}`) : hashOf(id.level, id.index);
    if (hash) out.set(`${id.level}:${id.index}`, hash);
  }
  return out;
}

/** The leaves [start, end) under the given nodes, overlapping and adjacent ranges merged. */
function leafRanges(ids: readonly NodeId[]): { start: number; end: number }[] {
  const ranges = ids.map((i) => ({ start: i.index * 2 ** i.level, end: (i.index + 1) * 2 ** i.level })).sort((a, b) => a.start - b.start);
  const merged: { start: number; end: number }[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
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

/**
 * A stored node over leaves that a tree of `size` does not hold, if any: the tree ran ahead of
 * its chain (links removed behind the service's back). Nodes are stored only once complete, so a
 * node (l, i) belongs to the tree only if (i + 1)·2^l ≤ size. Each level's last node, by its
 * index (max() always walks the primary key from its end: a filter on idx may tempt the planner
 * into scanning the table).
 */
export async function readNodeBeyond(db: Executor<any>, size: number): Promise<NodeId | undefined> {
  const levels = Array.from({ length: 53 - storedFromLevel }, (_v, k) => storedFromLevel + k);
  const { rows } = await sql<{ level: number; idx: string | null }>`
    select w.level, (select max(n.idx) from merkle_nodes n where n.level = w.level) as idx from unnest(${levels}::int2[]) as w(level)`.execute(
    db,
  );
  const beyond = rows.find((r) => r.idx !== null && (Number(r.idx) + 1) * 2 ** r.level > size);
  return beyond && { level: beyond.level, index: Number(beyond.idx) };
}

/** One INSERT of the nodes an append completed that the store keeps (level ≥ storedFromLevel). */
export async function insertNodes(db: Executor<any>, nodes: readonly TreeNode[]): Promise<void> {
  const kept = nodes.filter((n) => n.level >= storedFromLevel);
  if (kept.length === 0) return;
  await sql`
    insert into merkle_nodes (level, idx, hash)
    select level, idx, decode(hash, 'hex')
    from unnest(${kept.map((n) => n.level)}::int2[], ${kept.map((n) => String(n.index))}::int8[], ${kept.map((n) => n.hash.toString('hex'))}::text[]) as t(level, idx, hash)`.execute(
    db,
  );
}
