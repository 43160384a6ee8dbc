import { randomUUID } from 'node:crypto';
import { sql, type RawBuilder } from 'kysely';
import { toRecordedEvent, type EventRow } from './rows';
import type { Executor, ExpectedVersion, NewEvent, RecordedEvent } from './types';

export type AppendResult = { ok: true; events: RecordedEvent[]; nextVersion: number } | { ok: false; error: WrongExpectedVersion };

export interface WrongExpectedVersion {
  type: 'WrongExpectedVersion';
  streamId: string;
  expected: ExpectedVersion;
  /** The stream's version when the append lost; null when the stream does not exist. */
  actual: number | null;
}

/**
 * The stream's claim as a write alongside an append sees it: one row with `base`, the version
 * before the append, or none when the stream was not at the expected version.
 */
export type ClaimedRows = RawBuilder<{ base: string }>;

/**
 * A write that must commit with the append and only with it: an INSERT or UPDATE that takes its
 * rows from `claimed` (so it writes nothing when the append writes nothing).
 */
export type AlongsideWrite = (claimed: ClaimedRows) => RawBuilder<unknown>;

export interface AppendOptions {
  /**
   * Writes run by the same statement as the append. A write that fails (e.g. a unique
   * violation) undoes the whole statement, append included. One round trip, no explicit
   * transaction.
   */
  alongside?: readonly AlongsideWrite[];
}

/** The CTE holding the stream's claim; its name stays in this file. */
const claimed = sql.table('claimed') as ClaimedRows;

/**
 * Appends events to a stream if it is at the expected version, in ONE statement: the stream
 * row is claimed (insert, or update guarded by the version) and the events are inserted from
 * it. A concurrent writer blocks on that row, re-checks the version, finds it moved and
 * inserts nothing, so a loser never writes half or twice. unique(stream_id, stream_version)
 * backs this up should the guard ever be bypassed.
 */
export async function appendToStream(
  db: Executor<any>,
  streamId: string,
  streamType: string,
  expected: ExpectedVersion,
  events: readonly NewEvent[],
  options: AppendOptions = {},
): Promise<AppendResult> {
  if (events.length === 0) throw new Error('appendToStream needs at least one event');
  const count = events.length;
  const payload = JSON.stringify(
    events.map((e, i) => ({
      ord: i + 1,
      event_id: e.id ?? randomUUID(),
      type: e.type,
      schema_version: e.schemaVersion ?? 1,
      data: e.data,
      metadata: e.metadata,
      occurred_at: e.occurredAt.toISOString(),
    })),
  );

  const result = await sql<EventRow>`
    with ${claimed} as (${claimStream(streamId, streamType, expected, count)}),
    inserted as (
      insert into events (event_id, stream_id, stream_version, type, schema_version, data, metadata, occurred_at)
      select x.event_id, ${streamId}, ${claimed}.base + x.ord, x.type, x.schema_version, x.data, x.metadata, x.occurred_at
      from ${claimed},
        jsonb_to_recordset(${payload}::jsonb) as x(
          ord int, event_id uuid, type text, schema_version int, data jsonb, metadata jsonb, occurred_at timestamptz)
      returning *
    )${sql.join(
      (options.alongside ?? []).map((write, i) => sql`, ${sql.raw(`alongside_${i + 1}`)} as (${write(claimed)})`),
      sql``,
    )}
    select * from inserted order by stream_version`.execute(db);

  if (result.rows.length === count) {
    const recorded = result.rows.map(toRecordedEvent);
    return { ok: true, events: recorded, nextVersion: recorded[recorded.length - 1]!.version };
  }
  const actual = await sql<{ version: string }>`select version from streams where stream_id = ${streamId}`.execute(db);
  const row = actual.rows[0];
  return {
    ok: false,
    error: { type: 'WrongExpectedVersion', streamId, expected, actual: row ? Number(row.version) : null },
  };
}

/** The CTE that claims the stream row; it yields `base`, the version before this append. */
function claimStream(streamId: string, streamType: string, expected: ExpectedVersion, count: number) {
  if (expected === 'no_stream') {
    return sql`insert into streams (stream_id, stream_type, version) values (${streamId}, ${streamType}, ${count})
      on conflict (stream_id) do nothing
      returning version - ${count} as base`;
  }
  if (expected === 'any') {
    return sql`insert into streams (stream_id, stream_type, version) values (${streamId}, ${streamType}, ${count})
      on conflict (stream_id) do update set version = streams.version + ${count}, updated_at = now()
      returning version - ${count} as base`;
  }
  return sql`update streams set version = version + ${count}, updated_at = now()
      where stream_id = ${streamId} and version = ${expected}
      returning version - ${count} as base`;
}
