import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { expect, it } from 'vitest';
import { asInsider, anEvent, appendStreams } from '@cco/testkit';
import { appendToStream } from '@cco/event-store';
import { chainEvents, readRootHash, readTreeSize, verifyLog } from '../src/index';
import { chainAll } from '../../../test/support/chainAll';
import { createTestDatabase } from '../../../test/support/testDatabase';
import { leafHashesInChainOrder, MTH, storedNodes } from './merkleReference';

// A chain that grew before the tree existed (its links without leaf hashes) is caught up by the
// chainer, in chain order, to exactly the tree it would have grown with.
it('backfills a chain that predates the tree, batch by batch, to the leaves, nodes and root of one grown with the tree', async () => {
  const fresh = await createTestDatabase();
  try {
    await appendStreams(fresh.db, 8, 5, 'B');
    await chainAll(fresh.db);
    const leavesOf = async () =>
      (
        await sql<{ leaf: string | null }>`select encode(leaf_hash, 'hex') as leaf from event_chain order by seq`.execute(fresh.db)
      ).rows.map((r) => r.leaf);
    const grownWith = { leaves: await leavesOf(), nodes: await storedNodes(fresh.db), root: await readRootHash(fresh.db, 40) };
    expect(grownWith.nodes.map(([key]) => key)).toEqual(['4:0', '4:1', '5:0']);

    // As a database chained before the tree existed: links without leaves, no nodes.
    await asInsider(fresh.db, async (conn) => {
      await sql`update event_chain set leaf_hash = null`.execute(conn);
      await sql`delete from merkle_nodes`.execute(conn);
    });
    expect(await readTreeSize(fresh.db)).toBe(0);
    await appendToStream(fresh.db, randomUUID(), 'test', 'no_stream', [anEvent('C')]);
    expect(await chainEvents(fresh.db, 7)).toBe(7);
    expect(await readTreeSize(fresh.db)).toBe(7);
    while ((await chainEvents(fresh.db, 7)) > 0);
    await chainAll(fresh.db);

    expect(await readTreeSize(fresh.db)).toBe(41);
    expect((await leavesOf()).slice(0, 40)).toEqual(grownWith.leaves);
    expect(await storedNodes(fresh.db)).toEqual(grownWith.nodes);
    expect(await readRootHash(fresh.db, 40)).toEqual(grownWith.root);
    expect(await readRootHash(fresh.db, 41)).toEqual(MTH(await leafHashesInChainOrder(fresh.db)));
    expect(await verifyLog(fresh.db)).toMatchObject({ ok: true, checked: 41, complete: true });
  } finally {
    await fresh.close();
  }
});
