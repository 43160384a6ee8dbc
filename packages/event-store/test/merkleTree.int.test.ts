import { createHash, randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import {
  appendToStream,
  canonicalContent,
  chainEvents,
  importEvents,
  readConsistencyProof,
  readInclusionProof,
  readRootHash,
  readTreeSize,
  toRecordedEvent,
  type EventRow,
} from '../src/index';
import { chainAll } from '../../../test/support/chainAll';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from './support';

// The stored tree is checked against a root recomputed here, from the events as read back, in
// the chain's order, with the RFC 9162 definition written out (not the store's code).
const sha = (...parts: (Uint8Array | string)[]) => parts.reduce((h, p) => h.update(p), createHash('sha256')).digest();
function mth(leaves: Buffer[]): Buffer {
  if (leaves.length === 0) return sha();
  if (leaves.length === 1) return sha(Buffer.from([0]), leaves[0]!);
  const k = 2 ** Math.ceil(Math.log2(leaves.length) - 1);
  return sha(Buffer.from([1]), mth(leaves.slice(0, k)), mth(leaves.slice(k)));
}
async function leavesInChainOrder(db: TestDatabase<any>['db']): Promise<Buffer[]> {
  const { rows } = await sql<EventRow>`select e.* from event_chain c join events e on e.position = c.position order by c.seq`.execute(db);
  return rows.map((r) => Buffer.from(canonicalContent(toRecordedEvent(r)), 'utf8'));
}

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
  expect(await importEvents(t.db, streams, { rowsPerStatement: 7 })).toMatchObject({ ok: true }); // inline, or left to the chainer if an older transaction lingered
  await appendToStream(t.db, randomUUID(), 'test', 'no_stream', [anEvent()]);
  while ((await chainEvents(t.db, 4)) > 0);
  await chainAll(t.db);

  const leaves = await leavesInChainOrder(t.db);
  expect(leaves).toHaveLength(47);
  expect(await readTreeSize(t.db)).toBe(47);
  for (const size of [0, 1, 2, 3, 26, 46, 47])
    expect((await readRootHash(t.db, size)).toString('hex'), `size ${size}`).toBe(mth(leaves.slice(0, size)).toString('hex'));

  // A proof for a real event verifies against the recomputed root (RFC 9162 §2.1.3.2).
  const { rows } = await sql<{ position: string; seq: string }>`select position, seq from event_chain where seq = 30`.execute(t.db);
  const proof = await readInclusionProof(t.db, rows[0]!.position, 40);
  if (!proof.ok) throw new Error(proof.reason);
  expect(proof.leafIndex).toBe(29);
  expect(proof.leafHash).toEqual(sha(Buffer.from([0]), leaves[29]!));
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
  expect(r).toEqual(mth(leaves.slice(0, 40)));

  expect(await readInclusionProof(t.db, rows[0]!.position, 48)).toMatchObject({ ok: false, reason: 'beyond_tree', treeSize: 47 });
  expect(await readInclusionProof(t.db, rows[0]!.position, 29)).toMatchObject({ ok: false, reason: 'after_tree_size' });
  expect(await readInclusionProof(t.db, '999999999', 47)).toMatchObject({ ok: false, reason: 'no_such_leaf' });
  expect(await readConsistencyProof(t.db, 10, 48)).toMatchObject({ ok: false, reason: 'beyond_tree' });
  expect((await readConsistencyProof(t.db, 10, 47)).ok).toBe(true);
});

it('is append-only in the database itself', async () => {
  await expect(sql`update merkle_nodes set hash = hash where level = 0 and idx = 0`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from merkle_nodes where level = 0 and idx = 0`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`truncate merkle_nodes`.execute(t.db)).rejects.toThrow(/append-only/);
});

it('catches up over a chain that grew before the tree existed (the migration adds an empty tree)', async () => {
  const fresh = await createTestDatabase();
  try {
    for (let i = 0; i < 9; i++) await appendToStream(fresh.db, randomUUID(), 'test', 'no_stream', [anEvent('B', { i })]);
    await chainAll(fresh.db);
    // As a database chained before this migration: links, no tree.
    await fresh.db.connection().execute(async (conn) => {
      await sql`set session_replication_role = replica`.execute(conn);
      await sql`delete from merkle_nodes`.execute(conn);
      await sql`set session_replication_role = origin`.execute(conn);
    });
    expect(await readTreeSize(fresh.db)).toBe(0);
    await appendToStream(fresh.db, randomUUID(), 'test', 'no_stream', [anEvent('C')]);
    while ((await chainEvents(fresh.db, 4)) > 0);
    await chainAll(fresh.db);
    const leaves = await leavesInChainOrder(fresh.db);
    expect(leaves).toHaveLength(10);
    expect(await readRootHash(fresh.db, 10)).toEqual(mth(leaves));
  } finally {
    await fresh.close();
  }
});
