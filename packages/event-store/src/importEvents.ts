import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import type { WrongExpectedVersion } from './appendToStream';
import { toRecordedEvent } from './rows';
import type { Executor, ExpectedVersion, NewEvent, RecordedEvent } from './types';

/** One stream's events to import, oldest first. */
export interface ImportStream {
  streamId: string;
  streamType: string;
  /** As for appendToStream; default `'no_stream'` (the import creates the stream). */
  expectedVersion?: ExpectedVersion;
  events: readonly NewEvent[];
}

export type ImportResult =
  /** `chained`: the import linked its events into the hash chain itself (else the chainer will). */
  | { ok: true; streams: number; events: number; chained: boolean }
  /** Nothing was written: every stream whose expectation failed, with its actual version. */
  | { ok: false; errors: WrongExpectedVersion[] };

export interface ImportOptions {
  /** Events per INSERT statement. Default 5000. */
  rowsPerStatement?: number;
  /**
   * Links the import's own events into the hash chain in the same transaction, hashing in Node
   * while PostgreSQL inserts, so the chain covers the import the moment it commits
   * (`importChain` of @cco/transparency-log). Absent: left to the background chainer. The store
   * does not know the chain; the log above it hands its linker in.
   */
  chain?: ImportChain;
  /**
   * Inline chaining waits for every older transaction to end first, at most this long (default
   * 2 s); past it the import leaves its events to the chainer rather than wait on (or deadlock
   * with) an older transaction, e.g. another import waiting for the chain lock this one holds.
   */
  waitForOlderMs?: number;
}

/** How an import links its own events into a chain kept above the store. */
export interface ImportChain {
  /**
   * Called first in the import's transaction: makes it the next one in the chain and returns
   * the linker of its events, or undefined to leave them to the background chainer.
   */
  take(trx: Executor<any>, waitForOlderMs: number): Promise<ImportLinker | undefined>;
}

/** Links a chunk of the import's events, as stored and in position order, after the last chunk. */
export type ImportLinker = (events: RecordedEvent[]) => Promise<void>;

/**
 * Bulk back-fill of historical events: many streams in ONE transaction, all or nothing, with
 * a few statements instead of one per stream. The same invariants as appendToStream:
 *
 * - expected versions: every stream row is claimed first (sorted by id, so two imports or an
 *   import and an append lock in the same order); if any stream is not at its expected version
 *   nothing is written and the result lists them. unique(stream_id, stream_version) backs it up.
 * - versions follow on from the claimed version, in the order given; positions and the
 *   transaction id come from the same defaults as any append, so commit-safe readers (readAll,
 *   the chainer, projections, the relay) see the whole import at once, at its commit, in order.
 * - immutability: inserts only; the triggers and revoked privileges stay as they are.
 * - the hash chain, with `chain`, computed in batch: the import takes the chain (see
 *   `importChain`), then has its own events linked in the order of their positions, each chunk
 *   as stored (position and record time come back from the insert, data and metadata are the
 *   JSON sent, parsed): what verifyChain will read back. The chainer carries on after its tip.
 *
 * `occurredAt` is the historical business time; `recordedAt` is, truthfully, the import's.
 * Commit in batches of some thousands of events: each call is one transaction, and a batch that
 * fails (or is run twice: 'no_stream' no longer holds) writes nothing.
 */
export async function importEvents(
  db: Executor<any>,
  streams: readonly ImportStream[],
  options: ImportOptions = {},
): Promise<ImportResult> {
  if (db.isTransaction) return importInTransaction(db, streams, options);
  return db.transaction().execute((trx) => importInTransaction(trx, streams, options));
}

class ImportRefused extends Error {
  constructor(readonly errors: WrongExpectedVersion[]) {
    super('streams not at their expected versions');
  }
}

interface Row {
  ord: number;
  event_id: string;
  stream_id: string;
  stream_version: number;
  type: string;
  schema_version: number;
  occurred_at: string;
  /** The JSON sent, kept as text to hash exactly what is stored. */
  data: string;
  metadata: string;
}

async function importInTransaction(trx: Executor<any>, streams: readonly ImportStream[], options: ImportOptions): Promise<ImportResult> {
  const rowsPerStatement = options.rowsPerStatement ?? 5000;
  const seen = new Set<string>();
  for (const s of streams) {
    if (s.events.length === 0) throw new Error(`importEvents: stream ${s.streamId} has no events`);
    if (seen.has(s.streamId)) throw new Error(`importEvents: stream ${s.streamId} appears twice; give each stream once per call`);
    seen.add(s.streamId);
  }
  if (streams.length === 0) return { ok: true, streams: 0, events: 0, chained: false };

  // A savepoint, so that a refused import leaves the caller's transaction usable and unchanged.
  await sql`savepoint cco_import`.execute(trx);
  try {
    const linker = options.chain ? await options.chain.take(trx, options.waitForOlderMs ?? 2000) : undefined;
    const bases = await claimStreams(trx, streams);
    let events = 0;
    let chunk: Row[] = [];
    // Pipelined: PostgreSQL inserts one chunk while Node hashes the one before.
    let previous: { rows: Row[]; inserted: Promise<Inserted[]> } | undefined;
    const pending: Promise<unknown>[] = [];
    const track = <T>(p: Promise<T>) => {
      pending.push(p);
      p.catch(() => undefined); // awaited below, all together: no unhandled rejection meanwhile
      return p;
    };
    const link = async () => {
      if (!previous || !linker) return;
      const { rows, inserted } = previous;
      previous = undefined;
      track(linker(recorded(rows, await inserted)));
    };
    const flush = async () => {
      if (chunk.length === 0) return;
      const rows = chunk;
      chunk = [];
      const inserted = track(insertEvents(trx, rows, linker !== undefined));
      await link();
      previous = { rows, inserted };
    };
    for (const stream of streams) {
      const base = bases.get(stream.streamId)!;
      stream.events.forEach((event, i) => {
        chunk.push({
          ord: chunk.length,
          event_id: event.id ?? randomUUID(),
          stream_id: stream.streamId,
          stream_version: base + i + 1,
          type: event.type,
          schema_version: event.schemaVersion ?? 1,
          occurred_at: event.occurredAt.toISOString(),
          data: JSON.stringify(event.data),
          metadata: JSON.stringify(event.metadata),
        });
      });
      events += stream.events.length;
      if (chunk.length >= rowsPerStatement) await flush();
    }
    await flush();
    await link();
    // Every statement was queued on this one connection: wait for all, fail on the first error.
    await Promise.all(pending);
    if (previous) await previous.inserted;
    await sql`release savepoint cco_import`.execute(trx);
    return { ok: true, streams: streams.length, events, chained: linker !== undefined };
  } catch (error) {
    await sql`rollback to savepoint cco_import`.execute(trx);
    if (error instanceof ImportRefused) return { ok: false, errors: error.errors };
    throw error;
  }
}

interface Inserted {
  event_id: string;
  position: string;
  transaction_id: string;
  recorded_at: Date;
}

/**
 * One multi-row INSERT of a chunk, from one jsonb document (parsed once by PostgreSQL; data and
 * metadata are copied out of it as jsonb, not parsed again). Positions are taken in chunk order.
 */
async function insertEvents(trx: Executor<any>, rows: readonly Row[], returning: boolean): Promise<Inserted[]> {
  // data and metadata go in as JSON values, not as strings holding JSON.
  const document = `[${rows
    .map(
      (r) =>
        `{"ord":${r.ord},"event_id":${JSON.stringify(r.event_id)},"stream_id":${JSON.stringify(r.stream_id)},"stream_version":${r.stream_version},"type":${JSON.stringify(r.type)},"schema_version":${r.schema_version},"occurred_at":"${r.occurred_at}","data":${r.data},"metadata":${r.metadata}}`,
    )
    .join(',')}]`;
  const result = await sql<Inserted>`
    insert into events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
    select x.event_id, x.stream_id, x.stream_version, x.type, x.schema_version, x.data, x.metadata, x.occurred_at
    from jsonb_to_recordset(${document}::jsonb) as x(
      ord int, event_id uuid, stream_id text, stream_version int8, type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)
    order by x.ord
    ${returning ? sql`returning event_id, position, transaction_id, recorded_at` : sql``}`.execute(trx);
  return result.rows;
}

/** The chunk's events as stored, in position order (= commit-safe order within the import). */
function recorded(rows: readonly Row[], inserted: readonly Inserted[]): RecordedEvent[] {
  const byId = new Map(rows.map((r) => [r.event_id, r]));
  return [...inserted]
    .sort((a, b) => (BigInt(a.position) < BigInt(b.position) ? -1 : 1))
    .map((i) => {
      const r = byId.get(i.event_id)!;
      // The row as stored, mapped as every reader maps one; data and metadata are the JSON sent,
      // parsed: what verifyChain will read back.
      return toRecordedEvent({
        ...i,
        stream_id: r.stream_id,
        stream_version: r.stream_version,
        type: r.type,
        schema_version: r.schema_version,
        occurred_at: new Date(r.occurred_at),
        data: JSON.parse(r.data),
        metadata: JSON.parse(r.metadata),
      });
    });
}

/**
 * Claims every stream row (sorted by id), as appendToStream's claim does one: a new stream is
 * inserted, an existing one moved on only from its expected version. Returns each stream's
 * version before the import; throws ImportRefused, listing the streams that were not where
 * expected, when any was not.
 */
async function claimStreams(trx: Executor<any>, streams: readonly ImportStream[]): Promise<Map<string, number>> {
  const sorted = [...streams].sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
  const bases = new Map<string, number>();
  const fresh = sorted.filter((s) => (s.expectedVersion ?? 'no_stream') === 'no_stream');
  const existing = sorted.filter((s) => (s.expectedVersion ?? 'no_stream') !== 'no_stream');
  const refused: ImportStream[] = [];

  if (existing.length > 0) {
    // Lock the existing rows in id order first, then move each on from its expected version.
    const { rows } = await sql<{ stream_id: string; version: string }>`
      select stream_id, version from streams where stream_id = any(${existing.map((s) => s.streamId)}::text[])
      order by stream_id for update`.execute(trx);
    const actual = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
    const moves: { id: string; by: number }[] = [];
    for (const s of existing) {
      const version = actual.get(s.streamId);
      const expected = s.expectedVersion!;
      if (version === undefined) {
        // 'any' on a missing stream creates it, as appendToStream does.
        if (expected === 'any') fresh.push(s);
        else refused.push(s);
      } else if (expected === 'any' || expected === version) {
        bases.set(s.streamId, version);
        moves.push({ id: s.streamId, by: s.events.length });
      } else {
        refused.push(s);
      }
    }
    if (moves.length > 0 && refused.length === 0) {
      await sql`
        update streams set version = version + m.by, updated_at = now()
        from unnest(${moves.map((m) => m.id)}::text[], ${moves.map((m) => m.by)}::int8[]) as m(id, by)
        where streams.stream_id = m.id`.execute(trx);
    }
  }

  if (fresh.length > 0 && refused.length === 0) {
    fresh.sort((a, b) => (a.streamId < b.streamId ? -1 : a.streamId > b.streamId ? 1 : 0));
    const { rows } = await sql<{ stream_id: string }>`
      insert into streams (stream_id, stream_type, version)
      select * from unnest(${fresh.map((s) => s.streamId)}::text[], ${fresh.map((s) => s.streamType)}::text[], ${fresh.map((s) => s.events.length)}::int8[])
      on conflict (stream_id) do nothing
      returning stream_id`.execute(trx);
    const inserted = new Set(rows.map((r) => r.stream_id));
    for (const s of fresh) {
      if (inserted.has(s.streamId)) bases.set(s.streamId, 0);
      else refused.push(s);
    }
  }

  if (refused.length > 0) {
    // Name every stream that stands in the way, the new ones that already exist included.
    const ids = [...refused, ...fresh].map((s) => s.streamId);
    const { rows } = await sql<{ stream_id: string; version: string }>`
      select stream_id, version from streams where stream_id = any(${ids}::text[])`.execute(trx);
    const actual = new Map(rows.map((r) => [r.stream_id, Number(r.version)]));
    const blocking = [...refused, ...fresh.filter((s) => !refused.includes(s) && actual.has(s.streamId))];
    throw new ImportRefused(
      blocking.map((s) => ({
        type: 'WrongExpectedVersion',
        streamId: s.streamId,
        expected: s.expectedVersion ?? 'no_stream',
        actual: actual.get(s.streamId) ?? null,
      })),
    );
  }
  return bases;
}
