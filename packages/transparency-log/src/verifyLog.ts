import { sql } from 'kysely';
import { canonicalContent, genesisHash, hashCanonical } from './hashEvent';
import { growTree, type TreeNode } from './merkle/growTree';
import { leafHash } from './merkle/merkleHash';
import { rangeHash } from './merkle/merkleProofs';
import { loadFrontier, readLatestCheckpointAndTreeSize, readTreeBounds, storedFromLevel } from './merkle/treeStore';
import { readRootHash } from './merkle/readProofs';
import { toRecordedEvent, type EventRow, type Executor } from '@cco/event-store';
import { firstUnlinkedEvent } from './verifyChain';

export interface LogVerification {
  ok: boolean;
  /** Leaves (events) re-read from the events table by this call. */
  checked: number;
  /** Re-read leaves [fromLeaf, toLeaf) of a tree of treeSize; complete when that is all of it. */
  fromLeaf: number;
  toLeaf: number;
  treeSize: number;
  complete: boolean;
  /** Global position of the first event found altered, missing or unlinked (see firstBrokenLeaf). */
  firstBrokenPosition: string | null;
  /** Its leaf index: exact even when the event and its link are both gone. */
  firstBrokenLeaf: number | null;
  /** What was wrong, for people. */
  detail: string | null;
  /** Signed checkpoints whose root was recomputed from the events read. */
  checkpointsChecked: number;
}

export interface VerifyLogOptions {
  /** First leaf to re-read (default 0: the whole log, against every signed checkpoint). */
  fromLeaf?: number;
  /** Stop re-reading (at a page boundary) once this time is past; the answer says where it got to. */
  deadline?: number;
  pageSize?: number;
}

type Row = Partial<EventRow> & { seq: string; link_position: string; prev_hash: string; hash: string; leaf: string | null };

/**
 * Re-reads the events in the tree's order, page by page, and checks every one against the
 * tree and the chain: its leaf hash (SHA-256(0x00 ‖ canonical content)) against the one its
 * link holds, its link against the chain, each stored node it completes against the one
 * recomputed, and the roots recomputed from what it read against every signed checkpoint it
 * passes — so an insider who rewrote events, chain and tree consistently still fails against a
 * checkpoint signed before the rewrite. Vouches only for what it read: the answer names the
 * leaf range.
 */
export async function verifyLog(db: Executor<any>, options: VerifyLogOptions = {}): Promise<LogVerification> {
  const pageSize = options.pageSize ?? 2000;
  // The tree ends before the first link without a leaf; leaves after that one mean one was
  // removed: read on to the last, to name it.
  const { size: treeSize, through: logged } = await readTreeBounds(db);
  const fromLeaf = Math.min(options.fromLeaf ?? 0, treeSize);
  const result: LogVerification = {
    ok: true,
    checked: 0,
    fromLeaf,
    toLeaf: fromLeaf,
    treeSize,
    complete: false,
    firstBrokenPosition: null,
    firstBrokenLeaf: null,
    detail: null,
    checkpointsChecked: 0,
  };
  const fail = (leaf: number | null, position: string | null, detail: string) => {
    Object.assign(result, { ok: false, firstBrokenLeaf: leaf, firstBrokenPosition: position, detail });
    return result;
  };
  // Resuming mid-log takes the stored prefix as given (the range says so): its right edge and link.
  const frontier: TreeNode[] = fromLeaf === 0 ? [] : await loadFrontier(db, fromLeaf);
  let prev = fromLeaf === 0 ? genesisHash : await linkHash(db, fromLeaf);
  let size = fromLeaf;
  let lastMatchedCheckpoint = fromLeaf;

  while (size < logged) {
    if (options.deadline !== undefined && Date.now() > options.deadline && size > fromLeaf) break;
    const end = Math.min(size + pageSize, logged);
    const { rows } = await sql<Row>`
      select c.seq, c.position as link_position, c.prev_hash, c.hash, encode(c.leaf_hash, 'hex') as leaf, e.*
      from event_chain c
      left join events e on e.position = c.position
      where c.seq > ${String(size)}::int8 and c.seq <= ${String(end)}::int8 order by c.seq`.execute(db);
    const stored = await storedNodesCompleted(db, size, end);
    const checkpoints = await sql<{ tree_size: string; root_hash: string }>`
      select tree_size, encode(root_hash, 'hex') as root_hash from tree_checkpoints
      where tree_size > ${String(size)}::int8 and tree_size <= ${String(end)}::int8 order by tree_size`.execute(db);
    let nextCheckpoint = 0;
    for (const row of rows) {
      const leaf = Number(row.seq) - 1;
      if (leaf !== size) return fail(size, String(row.link_position), `the chain's link for leaf ${size} is missing`);
      if (row.position === null || row.position === undefined)
        return fail(leaf, String(row.link_position), `the event at position ${row.link_position} is missing`);
      const canonical = canonicalContent(toRecordedEvent(row as EventRow));
      const hash = leafHash(canonical);
      if (row.leaf !== hash.toString('hex'))
        return fail(
          leaf,
          String(row.position),
          row.leaf === null ? `the tree has no leaf ${leaf}` : `the event at position ${row.position} differs from its leaf in the tree`,
        );
      const link = hashCanonical(prev, canonical);
      if (row.prev_hash !== prev || row.hash !== link)
        return fail(leaf, String(row.position), `the chain's link for position ${row.position} does not match the event`);
      prev = link;
      for (const node of growTree(frontier, size, [hash])) {
        if (node.level < storedFromLevel) continue;
        const kept = stored.get(`${node.level}:${node.index}`);
        if (kept === node.hash.toString('hex')) continue;
        const first = node.index * 2 ** node.level;
        const what = `node ${node.level}:${node.index} (leaves ${first} to ${first + 2 ** node.level - 1})`;
        return fail(
          first,
          await positionOfLeaf(db, first),
          kept === undefined ? `the tree lacks its ${what}` : `the tree's stored ${what} does not match the events`,
        );
      }
      size += 1;
      result.checked += 1;
      const cp = checkpoints.rows[nextCheckpoint];
      if (cp && Number(cp.tree_size) === size) {
        nextCheckpoint += 1;
        result.checkpointsChecked += 1;
        if (rangeHash({ start: 0, end: size }, lookupIn(frontier)).toString('hex') !== cp.root_hash) {
          const position = await positionOfLeaf(db, lastMatchedCheckpoint);
          return fail(
            lastMatchedCheckpoint,
            position,
            `the events no longer hash to checkpoint ${size}, signed earlier: the log was rewritten at or after leaf ${lastMatchedCheckpoint}`,
          );
        }
        lastMatchedCheckpoint = size;
      }
    }
    if (size < end) return fail(size, null, `the chain's link for leaf ${size} is missing`);
    result.toLeaf = size;
  }
  result.toLeaf = size;
  result.complete = size === logged;
  if (!result.complete) return result;

  // The stored tree must still give the latest signed root (its inner nodes serve the proofs).
  // That checkpoint and the size it is compared with come from one snapshot: the tree keeps
  // growing while a long check runs, and a checkpoint signed meanwhile is no truncation.
  const { checkpoint: cp, treeSize: sizeNow } = await readLatestCheckpointAndTreeSize(db);
  if (cp && cp.treeSize > sizeNow) {
    return fail(
      Math.min(treeSize, sizeNow),
      null,
      `checkpoint ${cp.treeSize} was signed over more leaves than the tree now holds (${sizeNow}): the log was truncated`,
    );
  }
  if (cp) {
    let stored: string;
    try {
      stored = (await readRootHash(db, cp.treeSize)).toString('hex');
    } catch {
      stored = 'missing nodes';
    }
    if (stored !== cp.rootHash)
      return fail(fromLeaf, await positionOfLeaf(db, fromLeaf), `the stored tree no longer gives the root of checkpoint ${cp.treeSize}`);
  }
  const unlinked = await firstUnlinkedEvent(db, BigInt(fromLeaf), BigInt(treeSize));
  if (unlinked) return fail(null, unlinked, `the event at position ${unlinked} is inside the logged range but has no link or leaf`);
  return result;
}

/**
 * The stored nodes that leaves [from, to) complete, by "level:index", hex: node (l, i) is complete
 * once leaf (i + 1)·2^l − 1 is in. One index range per level, in one query.
 */
async function storedNodesCompleted(db: Executor<any>, from: number, to: number): Promise<Map<string, string>> {
  const ranges: { level: number; first: number; last: number }[] = [];
  for (let level = storedFromLevel; 2 ** level <= to; level++) {
    const first = Math.ceil((from + 1) / 2 ** level) - 1;
    const last = Math.floor(to / 2 ** level) - 1;
    if (first <= last) ranges.push({ level, first, last });
  }
  if (ranges.length === 0) return new Map();
  // One plain range per level, bounds in sight of the planner (joined to a list of ranges it may scan the table).
  const { rows } = await sql<{ level: number; idx: string; hash: string }>`${sql.join(
    ranges.map(
      (r) => sql`select level, idx, encode(hash, 'hex') as hash from merkle_nodes
        where level = ${r.level}::int2 and idx between ${String(r.first)}::int8 and ${String(r.last)}::int8`,
    ),
    sql` union all `,
  )}`.execute(db);
  return new Map(rows.map((r) => [`${r.level}:${r.idx}`, r.hash]));
}

/** The perfect subtrees of a frontier, as a lookup for rangeHash over [0, size). */
function lookupIn(frontier: readonly TreeNode[]) {
  const byId = new Map(frontier.map((n) => [`${n.level}:${n.index}`, n.hash]));
  return (n: { level: number; index: number }) => byId.get(`${n.level}:${n.index}`)!;
}

async function linkHash(db: Executor<any>, seq: number): Promise<string> {
  const row = await db.selectFrom('event_chain').select('hash').where('seq', '=', String(seq)).executeTakeFirst();
  return row?.hash ?? genesisHash;
}

async function positionOfLeaf(db: Executor<any>, leaf: number): Promise<string | null> {
  const row = await db
    .selectFrom('event_chain')
    .select('position')
    .where('seq', '=', String(leaf + 1))
    .executeTakeFirst();
  return row ? String(row.position) : null;
}
