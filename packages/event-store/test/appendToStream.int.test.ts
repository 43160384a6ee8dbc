import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { appendToStream, readStream } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 25 });
});
afterAll(() => t.close());

describe('appendToStream', () => {
  it('appends to a new stream and reads it back in version order', async () => {
    const id = randomUUID();
    const result = await appendToStream(t.db, id, 'test', 'no_stream', [anEvent('A'), anEvent('B')]);
    expect(result).toMatchObject({ ok: true, nextVersion: 2 });
    const events = await readStream(t.db, id);
    expect(events.map((e) => [e.type, e.version])).toEqual([
      ['A', 1],
      ['B', 2],
    ]);
    expect(events[0]!.position).toMatch(/^\d+$/);
    expect(events[0]!.transactionId).toMatch(/^\d+$/);
    expect(events[0]!.recordedAt).toBeInstanceOf(Date);
  });

  it('refuses a wrong expected version with a typed conflict and writes nothing', async () => {
    const id = randomUUID();
    await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()]);
    expect(await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()])).toEqual({
      ok: false,
      error: { type: 'WrongExpectedVersion', streamId: id, expected: 'no_stream', actual: 1 },
    });
    expect(await appendToStream(t.db, id, 'test', 5, [anEvent()])).toMatchObject({ ok: false, error: { actual: 1 } });
    expect(await readStream(t.db, id)).toHaveLength(1);
  });

  it('50 concurrent appenders on one stream: exactly one wins each version, nothing doubled', async () => {
    const id = randomUUID();
    await appendToStream(t.db, id, 'test', 'no_stream', [anEvent('Opened')]);
    let conflicts = 0;
    const writer = async (n: number) => {
      for (;;) {
        const [row] = (await sql<{ version: string }>`select version from streams where stream_id = ${id}`.execute(t.db)).rows;
        const result = await appendToStream(t.db, id, 'test', Number(row!.version), [anEvent('Written', { writer: n })]);
        if (result.ok) return;
        conflicts += 1;
      }
    };
    await Promise.all(Array.from({ length: 50 }, (_, n) => writer(n)));
    const events = await readStream(t.db, id);
    expect(events.map((e) => e.version)).toEqual(Array.from({ length: 51 }, (_, i) => i + 1));
    const writers = events.slice(1).map((e) => (e.data as { writer: number }).writer);
    expect(new Set(writers).size).toBe(50);
    expect(conflicts).toBeGreaterThan(0); // they really did race
    console.info(`50 writers, ${conflicts} conflicts lost and retried, 50 events written once each`);
  });

  it('events cannot be updated, deleted or truncated, whatever the code does', async () => {
    const id = randomUUID();
    await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()]);
    await expect(sql`update events set type = 'Forged' where stream_id = ${id}`.execute(t.db)).rejects.toThrow(
      /append-only: UPDATE refused/,
    );
    await expect(sql`delete from events where stream_id = ${id}`.execute(t.db)).rejects.toThrow(/append-only: DELETE refused/);
    await expect(sql`truncate events cascade`.execute(t.db)).rejects.toThrow(/append-only: TRUNCATE refused/);
    expect((await readStream(t.db, id))[0]!.type).toBe('Tested');
  });
});
