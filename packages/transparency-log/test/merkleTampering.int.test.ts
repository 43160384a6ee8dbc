import { sql } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { asInsider, appendStreams } from '@cco/testkit';
import { chainEvents, readNodes, readRootHash, readTreeSize, verifyLog } from '../src/index';
import { chainAll } from '../../../test/support/chainAll';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { sha } from './merkleReference';

// What the tree does when its rows were changed behind the service's back: it neither serves
// nor builds on a node it cannot vouch for, and the integrity check names the place.

let t: TestDatabase<any>;
let positions: string[];
beforeEach(async () => {
  t = await createTestDatabase();
  await appendStreams(t.db, 8, 5, 'T');
  await chainAll(t.db);
  positions = (await sql<{ position: string }>`select position from event_chain order by seq`.execute(t.db)).rows.map((r) => r.position);
});
afterEach(() => t.close());

it('serves no node over a missing leaf, builds nothing after it, and the integrity check names it', async () => {
  await asInsider(t.db, async (conn) => {
    await sql`update event_chain set leaf_hash = null where seq = 10`.execute(conn);
    await sql`delete from event_chain where seq = 15`.execute(conn);
  });
  expect(await readTreeSize(t.db)).toBe(9);
  const nodes = await readNodes(t.db, [
    { level: 0, index: 8 },
    { level: 0, index: 9 },
    { level: 1, index: 4 },
    { level: 3, index: 1 },
    { level: 0, index: 14 },
    { level: 2, index: 3 },
    { level: 2, index: 4 },
  ]);
  expect([...nodes.keys()].sort()).toEqual(['0:8', '2:4']);
  await expect(readRootHash(t.db, 12)).rejects.toThrow(/lacks node 2:2/);
  await expect(chainEvents(t.db)).rejects.toThrow(/seq 11 has a leaf after a link without one/);
  expect(await verifyLog(t.db)).toMatchObject({
    ok: false,
    firstBrokenLeaf: 9,
    firstBrokenPosition: positions[9],
    detail: 'the tree has no leaf 9',
  });
});

it('refuses to grow a tree whose stored nodes run ahead of its chain', async () => {
  await asInsider(t.db, async (conn) => {
    await sql`delete from event_chain where seq > 20`.execute(conn);
  });
  expect(await readTreeSize(t.db)).toBe(20);
  await expect(chainEvents(t.db)).rejects.toThrow(/node 4:1\) is ahead of its 20 leaves/);
});

it('names a stored inner node that was altered or removed, though every leaf still matches', async () => {
  await asInsider(t.db, async (conn) => {
    await sql`update merkle_nodes set hash = ${sha('forged')} where level = 4 and idx = 1`.execute(conn);
  });
  expect(await verifyLog(t.db, { pageSize: 7 })).toMatchObject({
    ok: false,
    checked: 31,
    firstBrokenLeaf: 16,
    firstBrokenPosition: positions[16],
    detail: "the tree's stored node 4:1 (leaves 16 to 31) does not match the events",
  });
  await asInsider(t.db, async (conn) => {
    await sql`delete from merkle_nodes where level = 4 and idx = 1`.execute(conn);
  });
  expect(await verifyLog(t.db)).toMatchObject({ ok: false, firstBrokenLeaf: 16, detail: 'the tree lacks its node 4:1 (leaves 16 to 31)' });
});
