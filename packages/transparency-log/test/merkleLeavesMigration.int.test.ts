import { Migrator, sql, type Kysely } from 'kysely';
import { expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import { logStart, openDatabase, readAll, type RecordedEvent } from '@cco/event-store';
import { chainEvents, growTree, linksAfter, readChainTip, readRootHash, readTreeSize, verifyLog } from '../src/index';
import { chainAll } from '../../../test/support/chainAll';
import { createEmptyDatabase } from '../../../test/support/testDatabase';
import { leafHashesInChainOrder, MTH, storedNodes } from './merkleReference';
import { appendStreams } from '@cco/testkit';

// A database in the layout before 20261201000000 (every node a row of merkle_nodes, leaves at
// level 0), its tree three links behind its chain, migrated up and back down.
it('moves the leaves into the chain and keeps nodes from level 4 up; the root is unchanged; down restores the rows', async () => {
  const database = await openDatabase<any>({ url: (await createEmptyDatabase('l')).url });
  const db = database.db;
  const migrator = new Migrator({ db, provider: { getMigrations: async () => migrations }, allowUnorderedMigrations: true });
  try {
    expect((await migrator.migrateTo('20261130100000_transparency_log')).error).toBeUndefined();
    await appendStreams(db, 8, 5, 'O');
    // The old chainer's writes: 40 links, and every node of the tree over the first 37 of them.
    const tip = await readChainTip(db);
    const links = linksAfter(tip, await committedEvents(db, 40));
    await sql`
      insert into event_chain (seq, position, transaction_id, prev_hash, hash)
      select * from unnest(${links.map((l) => l.seq)}::int8[], ${links.map((l) => l.position)}::int8[], ${links.map((l) => l.transactionId)}::xid8[],
                           ${links.map((l) => l.prevHash)}::text[], ${links.map((l) => l.hash)}::text[])`.execute(db);
    const oldNodes = growTree(
      [],
      0,
      links.slice(0, 37).map((l) => l.leafHash),
    );
    for (const n of oldNodes) await sql`insert into merkle_nodes (level, idx, hash) values (${n.level}, ${n.index}, ${n.hash})`.execute(db);
    const before = await storedNodes(db);
    expect(before).toHaveLength(37 + 18 + 9 + 4 + 2 + 1);

    expect((await migrator.migrateToLatest()).error).toBeUndefined();
    const { rows } = await sql<{ leaf: string | null }>`select encode(leaf_hash, 'hex') as leaf from event_chain order by seq`.execute(db);
    expect(rows.map((r) => r.leaf)).toEqual([...links.slice(0, 37).map((l) => l.leafHash.toString('hex')), null, null, null]);
    expect(await storedNodes(db)).toEqual(before.filter(([key]) => Number(key.split(':')[0]) >= 4));
    expect(await readTreeSize(db)).toBe(37);
    const leaves = await leafHashesInChainOrder(db);
    expect(await readRootHash(db, 37)).toEqual(MTH(leaves, 0, 37));

    // The chainer fills in the three missing leaves, and the log verifies whole.
    await chainEvents(db);
    await chainAll(db);
    expect(await readTreeSize(db)).toBe(40);
    expect(await readRootHash(db, 40)).toEqual(MTH(leaves));
    expect(await verifyLog(db)).toMatchObject({ ok: true, checked: 40 });

    // Down: every node of the 40 leaves a row again, the chain append-only without exception.
    expect((await migrator.migrateTo('20261130100000_transparency_log')).error).toBeUndefined();
    const all = growTree([], 0, leaves).sort((a, b) => a.level - b.level || a.index - b.index);
    expect(await storedNodes(db)).toEqual(all.map((n) => [`${n.level}:${n.index}`, n.hash.toString('hex')]));
    await expect(sql`update event_chain set hash = hash where seq = 1`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`select leaf_hash from event_chain`.execute(db)).rejects.toThrow(/leaf_hash/);
  } finally {
    await database.close();
  }
});

/** The first `n` events, once every one of them is past the commit-safe bound (other test files' transactions hold it back). */
async function committedEvents(db: Kysely<any>, n: number): Promise<RecordedEvent[]> {
  const deadline = Date.now() + 20_000;
  for (;;) {
    const { events } = await readAll(db, logStart, n);
    if (events.length === n) return events;
    if (Date.now() > deadline) throw new Error(`only ${events.length} of ${n} events became readable`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
