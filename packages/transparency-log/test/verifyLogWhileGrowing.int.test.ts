import { sql, type KyselyPlugin } from 'kysely';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { asInsider, appendStreams } from '@cco/testkit';
import { readRootHash, readTreeSize, verifyLog } from '../src/index';
import { chainAll } from '../../../test/support/chainAll';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// The integrity check runs while the log grows: the chainer adds leaves and signs checkpoints
// under it. A checkpoint signed after the check read the tree's size is no truncation; a
// checkpoint over leaves the tree really lost still is.

let t: TestDatabase<any>;
beforeEach(async () => {
  t = await createTestDatabase();
  await appendStreams(t.db, 4, 5, 'T');
  await chainAll(t.db);
  await signCheckpoint(await readTreeSize(t.db));
});
afterEach(() => t.close());

/** What the signer stores: the tree's root at `size` (the note's text does not matter here). */
async function signCheckpoint(size: number) {
  const root = await readRootHash(t.db, size);
  await sql`insert into tree_checkpoints (tree_size, root_hash, note) values (${String(size)}::int8, ${root}, ${`test ${size}`})`.execute(
    t.db,
  );
}

/** Runs `grow` once, right after the check's first statement (where it reads the tree's size). */
function growingAfterFirstRead(grow: () => Promise<void>): KyselyPlugin {
  let pending = true;
  return {
    transformQuery: (args) => args.node,
    transformResult: async (args) => {
      if (pending) {
        pending = false;
        await grow();
      }
      return args.result;
    },
  };
}

it('a checkpoint signed while the check runs is no truncation', async () => {
  const result = await verifyLog(
    t.db.withPlugin(
      growingAfterFirstRead(async () => {
        await appendStreams(t.db, 2, 3, 'T');
        await chainAll(t.db);
        await signCheckpoint(await readTreeSize(t.db));
      }),
    ),
  );
  expect(result).toMatchObject({ ok: true, treeSize: 20, detail: null });
  expect(await readTreeSize(t.db)).toBe(26);
});

it('a checkpoint over leaves the tree no longer holds is still named', async () => {
  await appendStreams(t.db, 1, 4, 'T');
  await chainAll(t.db);
  await signCheckpoint(24);
  await asInsider(t.db, async (conn) => {
    await sql`delete from event_chain where seq > 22`.execute(conn);
  });
  expect(await verifyLog(t.db)).toMatchObject({
    ok: false,
    detail: 'checkpoint 24 was signed over more leaves than the tree now holds (22): the log was truncated',
  });
});
