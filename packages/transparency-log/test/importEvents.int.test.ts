import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { migrations } from '../../../migrations/index';
import {
  appendToStream,
  importEvents as importIntoStore,
  logStart,
  migrateToLatest,
  openDatabase,
  readAll,
  readStream,
  type ImportOptions,
  type ImportStream,
  type LogPosition,
} from '@cco/event-store';
import { chainEvents, importChain, verifyChain } from '../src/index';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

// The bulk back-fill path keeps the append's invariants: expected versions, all or nothing,
// commit-safe order for readers, immutability, and a chain that verifies. Imports here link
// their own events into the chain (`importChain`), as the case back-fill does.
const importEvents = (db: Parameters<typeof importIntoStore>[0], streams: readonly ImportStream[], options: ImportOptions = {}) =>
  importIntoStore(db, streams, { chain: importChain, ...options });

let t: TestDatabase<any>;
beforeAll(async () => {
  t = await createTestDatabase({ poolSize: 12 });
});
afterAll(() => t.close());

const history = (n: number, at = '2017-10-12T08:00:00.000Z') =>
  Array.from({ length: n }, (_v, i) => ({
    ...anEvent(`Step${i + 1}`, { i, note: 'ü "quoted" \\ back\tslash' }),
    occurredAt: new Date(Date.parse(at) + i * 86_400_000),
  }));

it('imports many streams in one transaction: versions in order, business times kept, every field as given', async () => {
  const streams = Array.from({ length: 300 }, (_v, i) => ({
    streamId: randomUUID(),
    streamType: 'deportation',
    events: history(1 + (i % 5)),
  }));
  const result = await importEvents(t.db, streams, { rowsPerStatement: 64 });
  expect(result).toMatchObject({ ok: true, streams: 300, events: streams.reduce((n, s) => n + s.events.length, 0) });

  const sample = streams[7]!;
  const read = await readStream(t.db, sample.streamId);
  expect(read.map((e) => [e.version, e.type, e.id, e.occurredAt.toISOString(), e.data, e.metadata])).toEqual(
    sample.events.map((e, i) => [i + 1, e.type, expect.any(String), e.occurredAt.toISOString(), e.data, e.metadata]),
  );
  const { rows } = await sql<{
    stream_type: string;
    version: string;
  }>`select stream_type, version from streams where stream_id = ${sample.streamId}`.execute(t.db);
  expect(rows[0]).toEqual({ stream_type: 'deportation', version: String(sample.events.length) });
  // One transaction: every imported event carries the same transaction id, positions in input order.
  const { rows: tx } = await sql<{
    n: string;
  }>`select count(distinct transaction_id) as n from events where stream_id = any(${streams.map((s) => s.streamId)}::text[])`.execute(t.db);
  expect(tx[0]!.n).toBe('1');
});

it('keeps given event ids, and extends an existing stream from its expected version', async () => {
  const id = randomUUID();
  await appendToStream(t.db, id, 'case', 'no_stream', [anEvent('Filed'), anEvent('Verified')]);
  const ids = [randomUUID(), randomUUID()];
  const result = await importEvents(t.db, [
    { streamId: id, streamType: 'case', expectedVersion: 2, events: ids.map((eventId, i) => ({ ...anEvent(`Later${i}`), id: eventId })) },
  ]);
  expect(result.ok).toBe(true);
  const read = await readStream(t.db, id);
  expect(read.map((e) => [e.version, e.type])).toEqual([
    [1, 'Filed'],
    [2, 'Verified'],
    [3, 'Later0'],
    [4, 'Later1'],
  ]);
  expect(read.slice(2).map((e) => e.id)).toEqual(ids);
});

it('writes nothing when any stream is not at its expected version, and names every such stream', async () => {
  const existing = randomUUID();
  const moved = randomUUID();
  await appendToStream(t.db, existing, 'case', 'no_stream', [anEvent()]);
  await appendToStream(t.db, moved, 'case', 'no_stream', [anEvent(), anEvent()]);
  const fresh = randomUUID();
  const before = await sql<{ n: string }>`select count(*) as n from events`.execute(t.db);

  const result = await importEvents(t.db, [
    { streamId: fresh, streamType: 'case', events: history(3) },
    { streamId: existing, streamType: 'case', events: history(1) }, // 'no_stream' on a stream that exists
    { streamId: moved, streamType: 'case', expectedVersion: 1, events: history(1) }, // it is at 2
  ]);
  expect(result.ok).toBe(false);
  expect(!result.ok && result.errors.sort((a, b) => a.streamId.localeCompare(b.streamId))).toEqual(
    [
      { type: 'WrongExpectedVersion', streamId: existing, expected: 'no_stream', actual: 1 },
      { type: 'WrongExpectedVersion', streamId: moved, expected: 1, actual: 2 },
    ].sort((a, b) => a.streamId.localeCompare(b.streamId)),
  );
  const after = await sql<{ n: string }>`select count(*) as n from events`.execute(t.db);
  expect(after.rows[0]!.n).toBe(before.rows[0]!.n);
  expect(await readStream(t.db, fresh)).toEqual([]);
  const { rows } = await sql`select 1 from streams where stream_id = ${fresh}`.execute(t.db);
  expect(rows).toEqual([]);
  // Run twice, a batch is refused the second time: an import cannot double a stream.
  const again = { streamId: randomUUID(), streamType: 'case', events: history(2) };
  expect((await importEvents(t.db, [again])).ok).toBe(true);
  expect(await importEvents(t.db, [again])).toMatchObject({ ok: false, errors: [{ streamId: again.streamId, actual: 2 }] });
});

it("inside the caller's transaction, a refused import leaves that transaction usable and unchanged", async () => {
  const taken = randomUUID();
  await appendToStream(t.db, taken, 'case', 'no_stream', [anEvent()]);
  const mine = randomUUID();
  await t.db.transaction().execute(async (trx) => {
    await appendToStream(trx, mine, 'case', 'no_stream', [anEvent('Mine')]);
    expect((await importEvents(trx, [{ streamId: taken, streamType: 'case', events: history(1) }])).ok).toBe(false);
    // The transaction wrote an event of its own first: the chainer, not the import, links them.
    expect(await importEvents(trx, [{ streamId: randomUUID(), streamType: 'case', events: history(1) }])).toMatchObject({
      ok: true,
      chained: false,
    });
  });
  expect((await readStream(t.db, mine)).map((e) => e.type)).toEqual(['Mine']);
  while ((await chainEvents(t.db, 1000)) > 0);
  expect(await verifyChain(t.db)).toMatchObject({ ok: true });
});

it('refuses a stream given twice, or with no events', async () => {
  const id = randomUUID();
  await expect(
    importEvents(t.db, [
      { streamId: id, streamType: 'case', events: history(1) },
      { streamId: id, streamType: 'case', events: history(1) },
    ]),
  ).rejects.toThrow(/twice/);
  await expect(importEvents(t.db, [{ streamId: randomUUID(), streamType: 'case', events: [] }])).rejects.toThrow(/no events/);
});

it('imported events stay immutable', async () => {
  const id = randomUUID();
  await importEvents(t.db, [{ streamId: id, streamType: 'case', events: history(1) }]);
  await expect(sql`update events set data = '{}' where stream_id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
  await expect(sql`delete from events where stream_id = ${id}`.execute(t.db)).rejects.toThrow(/append-only/);
});

it('imports beside concurrent appends: a tail reader sees each event once, and the chain verifies', async () => {
  let writing = true;
  const seen = new Map<string, number>();
  const reader = (async () => {
    let at: LogPosition = logStart;
    for (;;) {
      const stillWriting = writing;
      const { events, last } = await readAll(t.db, at, 1000);
      for (const e of events) seen.set(e.id, (seen.get(e.id) ?? 0) + 1);
      at = last;
      if (events.length === 0 && !stillWriting) return;
      if (events.length === 0) await new Promise((r) => setTimeout(r, 2));
    }
  })();
  const chainer = (async () => {
    while (writing) if ((await chainEvents(t.db, 500)) === 0) await new Promise((r) => setTimeout(r, 5));
  })();
  const appenders = Array.from({ length: 4 }, async () => {
    for (let i = 0; i < 100; i++) {
      await t.db.transaction().execute(async (trx) => {
        await appendToStream(trx, randomUUID(), 'case', 'no_stream', [anEvent(), anEvent()]);
        if (Math.random() < 0.3) await sql`select pg_sleep(${Math.random() * 0.003})`.execute(trx);
      });
    }
  });
  const imports = (async () => {
    for (let b = 0; b < 10; b++) {
      const result = await importEvents(
        t.db,
        Array.from({ length: 50 }, () => ({ streamId: randomUUID(), streamType: 'case', events: history(3) })),
      );
      expect(result.ok).toBe(true);
    }
  })();
  await Promise.all([...appenders, imports]);
  writing = false;
  await Promise.all([reader, chainer]);
  while ((await chainEvents(t.db, 1000)) > 0);

  const { rows } = await sql<{ n: string }>`select count(*) as n from events`.execute(t.db);
  expect(seen.size).toBe(Number(rows[0]!.n));
  expect([...seen.values()].every((n) => n === 1)).toBe(true);
  expect(await verifyChain(t.db)).toMatchObject({ ok: true, checked: Number(rows[0]!.n), firstBrokenPosition: null });
});

it('links its own events into the chain in the same transaction: verifiable at commit, the chainer carrying on after it', async () => {
  const fresh = await createTestDatabase();
  try {
    await appendToStream(fresh.db, randomUUID(), 'case', 'no_stream', [anEvent(), anEvent()]); // committed, not yet chained
    const result = await importEvents(
      fresh.db,
      Array.from({ length: 40 }, () => ({ streamId: randomUUID(), streamType: 'case', events: history(4) })),
      { rowsPerStatement: 50, waitForOlderMs: 30_000 },
    );
    expect(result).toMatchObject({ ok: true, events: 160, chained: true });
    // The two appended before it were linked first, then the 160: nothing left for the chainer.
    expect(await verifyChain(fresh.db)).toMatchObject({ ok: true, checked: 162 });
    expect(await chainEvents(fresh.db)).toBe(0);
    await appendToStream(fresh.db, randomUUID(), 'case', 'no_stream', [anEvent()]);
    expect(await chainEvents(fresh.db)).toBe(1);
    expect(await verifyChain(fresh.db)).toMatchObject({ ok: true, checked: 163 });
  } finally {
    await fresh.close();
  }
});

it('leaves its events to the chainer when an older transaction stays open, rather than wait on it', async () => {
  const fresh = await createTestDatabase();
  try {
    let release!: () => void;
    const held = new Promise<void>((r) => (release = r));
    let opened!: () => void;
    const isOpen = new Promise<void>((r) => (opened = r));
    // An older writer, still running when the import starts.
    const older = fresh.db.transaction().execute(async (trx) => {
      await appendToStream(trx, randomUUID(), 'case', 'no_stream', [anEvent('Older')]);
      opened();
      await held;
    });
    await isOpen;
    const result = await importEvents(fresh.db, [{ streamId: randomUUID(), streamType: 'case', events: history(3) }], {
      waitForOlderMs: 100,
    });
    expect(result).toMatchObject({ ok: true, chained: false });
    release();
    await older;
    while ((await chainEvents(fresh.db)) > 0);
    expect(await verifyChain(fresh.db)).toMatchObject({ ok: true, checked: 4 });
  } finally {
    await fresh.close();
  }
});

it('without a chain to link into, leaves its events to the chainer', async () => {
  const fresh = await createTestDatabase();
  try {
    const result = await importIntoStore(fresh.db, [{ streamId: randomUUID(), streamType: 'case', events: history(3) }]);
    expect(result).toMatchObject({ ok: true, chained: false });
    expect(await verifyChain(fresh.db)).toMatchObject({ ok: true, checked: 0 });
    expect(await chainEvents(fresh.db)).toBe(3);
    expect(await verifyChain(fresh.db)).toMatchObject({ ok: true, checked: 3 });
  } finally {
    await fresh.close();
  }
});

it('runs on PGlite too', async () => {
  const database = await openDatabase<any>({});
  try {
    await migrateToLatest(database.db, migrations);
    const streams = Array.from({ length: 20 }, () => ({ streamId: randomUUID(), streamType: 'case', events: history(3) }));
    expect(await importEvents(database.db, streams)).toEqual({ ok: true, streams: 20, events: 60, chained: true });
    expect((await importEvents(database.db, streams.slice(0, 1))).ok).toBe(false);
    expect((await readStream(database.db, streams[3]!.streamId)).map((e) => e.version)).toEqual([1, 2, 3]);
    expect(await chainEvents(database.db)).toBe(0); // the import chained itself
    expect(await verifyChain(database.db)).toMatchObject({ ok: true, checked: 60 });
  } finally {
    await database.close();
  }
});
