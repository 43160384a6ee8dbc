import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { appendToStream, readStream, type AlongsideWrite } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

// Writes alongside an append get the stream's claim as an argument: they never name the CTE.
let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase();
  await sql`create table alongside_notes (stream_id text, base int8, note text unique)`.execute(t.db);
});
afterAll(() => t.close());

const note =
  (streamId: string, text: string): AlongsideWrite =>
  (claimed) =>
    sql`insert into alongside_notes (stream_id, base, note) select ${streamId}, base, ${text} from ${claimed}`;
const notes = async (streamId: string) =>
  (
    await sql<{ base: string; note: string }>`select base, note from alongside_notes where stream_id = ${streamId} order by note`.execute(
      t.db,
    )
  ).rows;

it('each write alongside sees the claim (the version before the append) and commits with it', async () => {
  const id = randomUUID();
  await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()], { alongside: [note(id, `${id}-a`), note(id, `${id}-b`)] });
  await appendToStream(t.db, id, 'test', 1, [anEvent(), anEvent()], { alongside: [note(id, `${id}-c`)] });
  expect(await notes(id)).toEqual([
    { base: '0', note: `${id}-a` },
    { base: '0', note: `${id}-b` },
    { base: '1', note: `${id}-c` },
  ]);
});

it('an append that loses writes nothing alongside; a write alongside that fails undoes the append', async () => {
  const id = randomUUID();
  await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()], { alongside: [note(id, `${id}-first`)] });
  expect(await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()], { alongside: [note(id, `${id}-lost`)] })).toMatchObject({
    ok: false,
  });
  await expect(appendToStream(t.db, id, 'test', 1, [anEvent()], { alongside: [note(id, `${id}-first`)] })).rejects.toMatchObject({
    code: '23505',
  });
  expect(await notes(id)).toEqual([{ base: '0', note: `${id}-first` }]);
  expect(await readStream(t.db, id)).toHaveLength(1);
});
