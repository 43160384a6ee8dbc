import { readStream } from '@cco/event-store';
import { canonicalContent, growTree, hashEvent, insertNodes, leafHash } from '@cco/transparency-log';
import { sql, type Kysely } from 'kysely';

type Connection = Parameters<Parameters<ReturnType<Kysely<any>['connection']>['execute']>[0]>[0];

/**
 * What a superuser insider can do and the service must still catch: `work` runs on one
 * connection with every trigger off (the immutability triggers included).
 */
export async function asInsider(db: Kysely<any>, work: (conn: Connection) => Promise<void>): Promise<void> {
  await db.connection().execute(async (conn) => {
    await sql`set session_replication_role = replica`.execute(conn);
    try {
      await work(conn);
    } finally {
      await sql`set session_replication_role = origin`.execute(conn);
    }
  });
}

/**
 * The insider's cover-up: every link of the hash chain recomputed from the events as they now
 * are, from the genesis link's own `prev_hash` on, with its Merkle leaf, and the tree's stored
 * nodes rebuilt over those leaves, so that chain and tree verify on their own again.
 */
export async function rechain(conn: Connection): Promise<void> {
  const { rows: links } = await sql<{ seq: string; position: string; prev_hash: string }>`
    select seq, position, prev_hash from event_chain order by seq`.execute(conn);
  let prev = links[0]?.prev_hash;
  const leaves: Buffer[] = [];
  for (const link of links) {
    const { rows } = await sql<{ stream_id: string }>`select stream_id from events where position = ${link.position}`.execute(conn);
    const stored = (await readStream(conn, rows[0]!.stream_id)).find((e) => e.position === link.position)!;
    const hash = hashEvent(prev!, stored);
    const leaf = leafHash(canonicalContent(stored));
    await sql`update event_chain set prev_hash = ${prev!}, hash = ${hash}, leaf_hash = ${leaf} where seq = ${link.seq}`.execute(conn);
    leaves.push(leaf);
    prev = hash;
  }
  await sql`delete from merkle_nodes`.execute(conn);
  await insertNodes(conn, growTree([], 0, leaves));
}
