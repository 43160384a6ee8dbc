import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendToStream, importEvents } from '@cco/event-store';
import { chainEvents, importChain, readConsistencyProof, readInclusionProof, readRootHash, readTreeSize } from '../src/index';
import { asInsider, anEvent, appendStreams } from '@cco/testkit';
import { chainAll } from '../../../test/support/chainAll';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { leafHashesInChainOrder, MTH, PATH, sha, storedNodes, SUBPROOF } from './merkleReference';

// The stored tree is checked against one computed here from scratch, from the events as read
// back, in the chain's order, with the RFC 9162 definitions written out (not the store's code).

let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
});
afterAll(() => t.close());

it('grows with the chain, leaf for link, through appends and an inline import, to the RFC 9162 root', async () => {
  for (let i = 0; i < 13; i++)
    await appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent('A', { i, x: 1e-7, y: -0 }), anEvent()]);
  while ((await chainEvents(t.db, 5)) > 0);
  await chainAll(t.db);
  const streams = Array.from({ length: 20 }, (_v, i) => ({
    streamId: randomUUID(),
    streamType: 'test',
    events: [anEvent('I', { i, s: '\u{1F600}é' })],
  }));
  expect(await importEvents(t.db, streams, { rowsPerStatement: 7, chain: importChain })).toMatchObject({ ok: true }); // inline, or left to the chainer if an older transaction lingered
  await appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent()]);
  while ((await chainEvents(t.db, 4)) > 0);
  await chainAll(t.db);

  const leaves = await leafHashesInChainOrder(t.db);
  expect(leaves).toHaveLength(47);
  expect(await readTreeSize(t.db)).toBe(47);
  for (const size of [0, 1, 2, 3, 26, 46, 47])
    expect((await readRootHash(t.db, size)).toString('hex'), `size ${size}`).toBe(MTH(leaves.slice(0, size)).toString('hex'));

  // A proof for a real event verifies against the recomputed root (RFC 9162 §2.1.3.2).
  const { rows } = await sql<{ position: string; seq: string }>`select position, seq from event_chain where seq = 30`.execute(t.db);
  const proof = await readInclusionProof(t.db, rows[0]!.position, 40);
  if (!proof.ok) throw new Error(proof.reason);
  expect(proof.leafIndex).toBe(29);
  expect(proof.leafHash).toEqual(leaves[29]);
  let fn = 29,
    sn = 39,
    r = proof.leafHash;
  for (const p of proof.path) {
    if (fn % 2 === 1 || fn === sn) {
      r = sha(Buffer.from([1]), p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn >>= 1;
        sn >>= 1;
      }
    } else r = sha(Buffer.from([1]), r, p);
    fn >>= 1;
    sn >>= 1;
  }
  expect(r).toEqual(MTH(leaves.slice(0, 40)));

  expect(await readInclusionProof(t.db, rows[0]!.position, 48)).toMatchObject({ ok: false, reason: 'beyond_tree', treeSize: 47 });
  expect(await readInclusionProof(t.db, rows[0]!.position, 29)).toMatchObject({ ok: false, reason: 'after_tree_size' });
  expect(await readInclusionProof(t.db, '999999999', 47)).toMatchObject({ ok: false, reason: 'no_such_leaf' });
  expect(await readConsistencyProof(t.db, 10, 48)).toMatchObject({ ok: false, reason: 'beyond_tree' });
  expect((await readConsistencyProof(t.db, 10, 47)).ok).toBe(true);

  // Stored: every link's leaf; nodes from level 4 up only (47 leaves: 4:0, 4:1, 5:0).
  const { rows: links } = await sql<{ leaf: string | null }>`select encode(leaf_hash, 'hex') as leaf from event_chain order by seq`.execute(
    t.db,
  );
  expect(links.map((l) => l.leaf)).toEqual(leaves.map((l) => l.toString('hex')));
  expect(await storedNodes(t.db)).toEqual([
    ['4:0', MTH(leaves, 0, 16).toString('hex')],
    ['4:1', MTH(leaves, 16, 32).toString('hex')],
    ['5:0', MTH(leaves, 0, 32).toString('hex')],
  ]);
});

it('gives every root and proof of every size from 1 to 70, across the stored levels, grown in uneven batches', async () => {
  const db = await createTestDatabase();
  try {
    await appendStreams(db.db, 10, 7, 'S');
    // Batches of 1 to 5 links: the right edge is reloaded at most sizes, around the 16-leaf blocks too.
    for (let k = 1; (await chainEvents(db.db, k)) > 0; k = (k % 5) + 1);
    await chainAll(db.db);
    const leaves = await leafHashesInChainOrder(db.db);
    expect(leaves).toHaveLength(70);
    const { rows: links } = await sql<{ position: string }>`select position from event_chain order by seq`.execute(db.db);
    const hex = (hs: Buffer[]) => hs.map((h) => h.toString('hex'));
    for (let n = 1; n <= 70; n++) {
      expect((await readRootHash(db.db, n)).toString('hex'), `root of ${n}`).toBe(MTH(leaves, 0, n).toString('hex'));
      for (let m = 0; m < n; m++) {
        const inclusion = await readInclusionProof(db.db, links[m]!.position, n);
        expect(inclusion, `leaf ${m} in ${n}`).toEqual({
          ok: true,
          leafIndex: m,
          treeSize: n,
          leafHash: leaves[m],
          path: PATH(leaves, m, 0, n),
        });
        const consistency = await readConsistencyProof(db.db, m + 1, n);
        if (!consistency.ok) throw new Error(consistency.reason);
        expect(hex(consistency.path), `${m + 1} to ${n}`).toEqual(hex(SUBPROOF(leaves, m + 1, 0, n)));
      }
    }
    expect((await storedNodes(db.db)).map(([key]) => key)).toEqual(['4:0', '4:1', '4:2', '4:3', '5:0', '5:1', '6:0']);
  } finally {
    await db.close();
  }
});

it('is append-only in the database itself: the stored nodes, and the chain but for filling in a missing leaf, once', async () => {
  await expect(sql`update merkle_nodes set hash = hash where level = 4 and idx = 0`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from merkle_nodes where level = 4 and idx = 0`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`truncate merkle_nodes`.execute(t.db)).rejects.toThrow(/append-only/);

  // Links 1 and 2 as if chained before the tree existed.
  await asInsider(t.db, async (conn) => {
    await sql`update event_chain set leaf_hash = null where seq <= 2`.execute(conn);
  });
  const leaf = sha('a leaf');
  // Filling in another column along with the leaf, or a leaf of the wrong length, is refused.
  await expect(sql`update event_chain set leaf_hash = ${leaf}, hash = hash || '0' where seq = 2`.execute(t.db)).rejects.toThrow(
    /append-only/,
  );
  await expect(sql`update event_chain set leaf_hash = ${leaf.subarray(0, 16)} where seq = 2`.execute(t.db)).rejects.toThrow(
    /check constraint/,
  );
  // The one change allowed: a missing leaf filled in.
  await sql`update event_chain set leaf_hash = ${leaf} where seq = 1`.execute(t.db);
  expect((await sql<{ ok: boolean }>`select leaf_hash = ${leaf} as ok from event_chain where seq = 1`.execute(t.db)).rows[0]!.ok).toBe(
    true,
  );
  // Once: a leaf that is there cannot change, nor any other column, nor go away.
  await expect(sql`update event_chain set leaf_hash = ${sha('another')} where seq = 1`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`update event_chain set leaf_hash = null where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`update event_chain set hash = hash where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`update event_chain set prev_hash = prev_hash || '0' where seq = 2`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from event_chain where seq = 3`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`truncate event_chain`.execute(t.db)).rejects.toThrow(/append-only/);
});
