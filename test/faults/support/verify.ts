import { sql, type Kysely } from 'kysely';
import { expect } from 'vitest';
import type { RawClient } from '@cco/testkit';

// Checks of the store itself (SQL, not the API): what "nothing lost, nothing doubled" means.

export interface StreamFacts {
  streams: number;
  events: number;
}

/**
 * Every stream: versions 1..n without gaps or repeats, the streams row at n, RequestFiled first;
 * no event id twice anywhere.
 */
export async function verifyStreams(db: Kysely<any>): Promise<StreamFacts> {
  const { rows } = await sql<{ stream_id: string; versions: string[]; types: string[]; head: string | null }>`
    select e.stream_id, array_agg(e.stream_version::text order by e.stream_version) as versions,
           array_agg(e.type order by e.stream_version) as types, max(s.version)::text as head
    from events e left join streams s on s.stream_id = e.stream_id
    group by e.stream_id`.execute(db);
  let events = 0;
  for (const row of rows) {
    const versions = row.versions.map(Number);
    expect(versions, `stream ${row.stream_id} versions`).toEqual(versions.map((_v, i) => i + 1));
    expect(row.types[0], `stream ${row.stream_id} starts with`).toBe('RequestFiled');
    expect(Number(row.head), `streams.version of ${row.stream_id}`).toBe(versions.length);
    events += versions.length;
  }
  const ids = await sql<{
    all: string;
    distinct: string;
  }>`select count(*)::text as all, count(distinct event_id)::text as distinct from events`.execute(db);
  expect(ids.rows[0]!.distinct).toBe(ids.rows[0]!.all);
  expect(Number(ids.rows[0]!.all)).toBe(events);
  const orphanStreams = await sql<{
    n: string;
  }>`select count(*)::text as n from streams s where not exists (select 1 from events e where e.stream_id = s.stream_id)`.execute(db);
  expect(orphanStreams.rows[0]!.n, 'streams rows without events').toBe('0');
  return { streams: rows.length, events };
}

/** Each acknowledged command's event is where its ETag said, of the type it should be. */
export async function verifyAcknowledged(db: Kysely<any>, acked: { caseId: string; version: number; type: string }[]): Promise<number> {
  if (acked.length === 0) return 0;
  const { rows } = await sql<{ stream_id: string; stream_version: string; type: string }>`
    select stream_id, stream_version::text, type from events where stream_id = any(${acked.map((a) => a.caseId)}::text[])`.execute(db);
  const stored = new Map(rows.map((r) => [`${r.stream_id}#${r.stream_version}`, r.type]));
  const missing = acked.filter((a) => stored.get(`${a.caseId}#${a.version}`) !== a.type);
  expect(missing, 'acknowledged commands without their event').toEqual([]);
  return acked.length;
}

export async function eventCount(db: Kysely<any>): Promise<number> {
  return Number((await sql<{ n: string }>`select count(*)::text as n from events`.execute(db)).rows[0]!.n);
}

/** Waits until the service's chainer has linked all `events` and the whole chain verifies. */
export async function expectFullChain(
  client: { send: RawClient['send'] },
  auditorToken: string,
  events: number,
): Promise<{ chainLength: string }> {
  let integrity: any;
  await expect
    .poll(
      async () => {
        integrity = (
          await client.send({ method: 'GET', path: '/v1/audit/integrity?full=true', headers: { authorization: `Bearer ${auditorToken}` } })
        ).json;
        return integrity?.ok === true && Number(integrity.chainLength) === events;
      },
      { timeout: 20_000, interval: 250 },
    )
    .toBe(true);
  return integrity;
}
