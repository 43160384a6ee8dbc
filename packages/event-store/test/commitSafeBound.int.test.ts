import { randomBytes, randomUUID } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { appendToStream, commitSafeBound, logStart, readAll, readHoldback } from '../src/index';
import { withDatabase } from '../../../test/support/globalSetup';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { anEvent } from '@cco/testkit';

// The log's readers wait only for transactions that can still write to THIS database's log.
// (The whole suite also runs beside a write transaction that the global setup holds open in
// another database from start to end: every reader in every test depends on this.)

let t: TestDatabase<any>;
let other: { name: string; client: pg.Client };

beforeAll(async () => {
  t = await createTestDatabase();
  const name = `cco_other_${randomBytes(5).toString('hex')}`;
  await asAdmin(inject('pgAdminUrl'), `create database ${name}`);
  const client = new pg.Client({ connectionString: withDatabase(inject('pgAdminUrl'), name) });
  await client.connect();
  other = { name, client };
});

afterAll(async () => {
  await other.client.end();
  await asAdmin(inject('pgAdminUrl'), `drop database if exists ${other.name} with (force)`);
  await t.close();
});

/** Opens a transaction with an xid on `client` and returns a function that ends it. */
async function holdWriteTransaction(client: pg.Client): Promise<() => Promise<void>> {
  await client.query('begin');
  await client.query('select pg_current_xact_id()');
  return async () => {
    await client.query('rollback');
  };
}

async function tail(): Promise<string[]> {
  const ids: string[] = [];
  for (let at = logStart; ;) {
    const { events, last } = await readAll(t.db, at, 1000);
    if (events.length === 0) return ids;
    ids.push(...events.map((e) => e.streamId));
    at = last;
  }
}

it('a write transaction open in another database holds no reader back', async () => {
  const release = await holdWriteTransaction(other.client);
  try {
    const id = randomUUID();
    const started = Date.now();
    expect(await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()])).toMatchObject({ ok: true });
    for (;;) {
      if ((await tail()).includes(id)) break;
      // Within a second, on a machine as busy as CI's; before this fix it waited for the
      // other database's transaction to end.
      expect(Date.now() - started).toBeLessThan(1000);
      await new Promise((r) => setTimeout(r, 10));
    }
    // And the other database's transaction is no holdback of ours.
    const holdback = await readHoldback(t.db);
    const { rows } = await other.client.query<{ pid: number }>('select pg_backend_pid() as pid');
    expect(holdback?.pid).not.toBe(rows[0]!.pid);
  } finally {
    await release();
  }
});

it('a write transaction open in this database still holds readers back, and is named', async () => {
  const mine = new pg.Client({ connectionString: t.url });
  await mine.connect();
  try {
    const release = await holdWriteTransaction(mine);
    const id = randomUUID();
    try {
      expect(await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()])).toMatchObject({ ok: true });
      await new Promise((r) => setTimeout(r, 50));
      // Committed, but behind a transaction that could still commit events ahead of it.
      expect(await tail()).not.toContain(id);
      const { rows } = await mine.query<{ pid: number }>('select pg_backend_pid() as pid');
      const holdback = await readHoldback(t.db);
      expect(holdback).toMatchObject({ pid: rows[0]!.pid });
      expect(holdback!.seconds).toBeGreaterThanOrEqual(0.05);
    } finally {
      await release();
    }
    expect(await tail()).toContain(id);
  } finally {
    await mine.end();
  }
});

it('a role that is not a superuser gets the same bound (backend_xid and datid are visible to every role)', async () => {
  const role = `cco_reader_${randomBytes(4).toString('hex')}`;
  await asAdmin(inject('pgAdminUrl'), `create role ${role} login`);
  await asAdmin(t.url, `grant select on events to ${role}`);
  const reader = new pg.Client({ connectionString: withUser(t.url, role) });
  await reader.connect();
  const release = await holdWriteTransaction(other.client);
  try {
    const id = randomUUID();
    expect(await appendToStream(t.db, id, 'test', 'no_stream', [anEvent()])).toMatchObject({ ok: true });
    const bound = commitSafeBound.compile(t.db).sql;
    const { rows } = await reader.query<{ n: string }>(
      `select count(*) as n from events where stream_id = $1 and transaction_id < ${bound}`,
      [id],
    );
    expect(Number(rows[0]!.n)).toBe(1);
  } finally {
    await release();
    await reader.end();
    await asAdmin(t.url, `drop owned by ${role}`);
    await asAdmin(inject('pgAdminUrl'), `drop role ${role}`);
  }
});

async function asAdmin(url: string, statement: string): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(statement);
  } finally {
    await client.end();
  }
}

function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  return parsed.toString();
}
