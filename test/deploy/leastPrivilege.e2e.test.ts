import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { grantServiceRole, openDatabase } from '../../packages/event-store/src/index';
import { findProjection, projectionTables as serviceOwnedTables, rebuildProjection } from '../../packages/projections/src/index';
import {
  acknowledged,
  collectMessages,
  drive,
  type Principal,
  RawClient,
  serverProcess,
  type ServerProcess,
  testKafka,
  uniqueGroupId,
  validToken,
  Walk,
} from '@cco/testkit';
import { uniqueSubject } from '../faults/support/personalData';
import {
  createTwoRoleDatabase,
  errorCodeOf,
  query,
  readersDeadlineMs,
  waitForFullChain,
  waitForReaders,
  type TwoRoleDatabase,
} from './support';

// Least privilege: with MIGRATIONS_DATABASE_URL the owner migrates and grants, and the service
// (the bundled server, as `npm start` runs it) connects as a role of its own. It works end to
// end (commands, chainer, projections and their rebuild, relay, access log), and as that role
// the log cannot be updated, deleted, truncated or have its triggers disabled.

const topic = `lp.events.${process.pid}.${Date.now()}`;
let roles: TwoRoleDatabase;
let server: ServerProcess;
let client: RawClient;

beforeAll(async () => {
  roles = await createTwoRoleDatabase('lp');
  server = await serverProcess({
    DATABASE_URL: roles.serviceUrl,
    MIGRATIONS_DATABASE_URL: roles.ownerUrl,
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_EVENTS_TOPIC: topic,
    KAFKA_ANALYTICS_TOPIC: `${topic}.analytics`,
    KAFKA_TOPIC_REPLICATION_FACTOR: '1',
  });
  await server.start();
  client = new RawClient(server.url, { maxSockets: 4 });
});
afterAll(async () => {
  client?.close();
  await server?.stop();
  server?.saveLogs('least-privilege');
  await roles?.drop();
});

it('every table grants the service what it needs: append-only tables SELECT and INSERT only, read models owned, the rest read-write, never TRUNCATE', async () => {
  const rows = await query<{
    name: string;
    owner: string;
    append_only: boolean;
    s: boolean;
    i: boolean;
    u: boolean;
    d: boolean;
    t: boolean;
  }>(
    roles.adminUrl,
    `
    select c.relname as name, pg_get_userbyid(c.relowner) as owner,
      exists (select from pg_trigger tr join pg_proc p on p.oid = tr.tgfoid where tr.tgrelid = c.oid and p.proname = 'cco_refuse_change') as append_only,
      has_table_privilege($1, c.oid, 'SELECT') as s, has_table_privilege($1, c.oid, 'INSERT') as i,
      has_table_privilege($1, c.oid, 'UPDATE') as u, has_table_privilege($1, c.oid, 'DELETE') as d,
      has_table_privilege($1, c.oid, 'TRUNCATE') as t
    from pg_class c where c.relnamespace = 'public'::regnamespace and c.relkind in ('r', 'p') order by 1`,
    [roles.service],
  );
  const byName = new Map(rows.map((r) => [r.name, r]));
  // The classification is not vacuous: the log, its chain and the access log are append-only.
  for (const name of ['events', 'event_chain', 'personal_data_access']) expect(byName.get(name)?.append_only, name).toBe(true);
  const wrong: string[] = [];
  for (const r of rows) {
    const got = `${r.s ? 'S' : '-'}${r.i ? 'I' : '-'}${r.u ? 'U' : '-'}${r.d ? 'D' : '-'}${r.t ? 'T' : '-'} owner=${r.owner === roles.service ? 'service' : r.owner === roles.owner ? 'owner' : r.owner}`;
    const want = r.name.startsWith('kysely_migration')
      ? '----- owner=owner'
      : serviceOwnedTables.includes(r.name)
        ? 'SIUDT owner=service'
        : r.append_only
          ? 'SI--- owner=owner'
          : 'SIUD- owner=owner';
    if (got !== want) wrong.push(`${r.name}: ${got}, want ${want}`);
  }
  expect(wrong).toEqual([]);
  expect(rows.length).toBeGreaterThan(10);
});

it("granting again (every start does) changes nothing and rewrites no table's catalog row", async () => {
  const catalog = () =>
    query<{ relname: string; xmin: string; relacl: string | null }>(
      roles.adminUrl,
      `select relname, xmin::text, relacl::text from pg_class where relnamespace = 'public'::regnamespace and relkind = 'r' order by 1`,
    );
  const before = await catalog();
  const owner = await openDatabase<any>({ url: roles.ownerUrl, poolSize: 1 });
  try {
    const outcome = await grantServiceRole(owner.db, { role: roles.service, ownedTables: serviceOwnedTables });
    expect(outcome.kind === 'granted' && outcome.appendOnly).toEqual(
      expect.arrayContaining(['events', 'event_chain', 'personal_data_access']),
    );
  } finally {
    await owner.close();
  }
  expect(await catalog()).toEqual(before);
});

it(
  'the service works end to end as the non-owner: commands, access log, chainer, projections (and their rebuild, twice), relay',
  { timeout: 4 * readersDeadlineMs },
  async () => {
    const principal = (party: 'CN' | 'KH'): Principal => ({
      party,
      sub: `lp-${party}`,
      token: validToken({ sub: `lp-${party}`, party, roles: ['officer'] }),
    });
    const walks = Array.from({ length: 4 }, (_v, i) => new Walk(i, uniqueSubject()));
    await drive({ client: () => client, walks, principals: { CN: principal('CN'), KH: principal('KH') }, concurrency: 2 });
    expect(walks.map((w) => w.failed)).toEqual([undefined, undefined, undefined, undefined]);
    expect(acknowledged(walks)).toHaveLength(16);

    // A read of personal data appends to the access log (INSERT on an append-only table).
    const caseId = walks[0]!.caseId!;
    const read = await client.send({
      method: 'GET',
      path: `/v1/cases/${caseId}`,
      headers: { authorization: `Bearer ${principal('CN').token}` },
    });
    expect(read.status, read.text).toBe(200);
    const accessLog = await query<{ n: number }>(roles.adminUrl, 'select count(*)::int as n from personal_data_access where case_id = $1', [
      caseId,
    ]);
    expect(accessLog[0]!.n).toBeGreaterThan(0);

    const auditor = validToken({ sub: 'lp-auditor', party: 'KH', roles: ['auditor'] });
    await waitForFullChain((path) => client.send({ method: 'GET', path, headers: { authorization: `Bearer ${auditor}` } }), 16);

    // The projections catch up, and rebuild (create, fill, swap whole tables) as the service; the
    // second rebuild proves the swapped-in tables are still the service's.
    await waitForReaders(() =>
      expect
        .poll(
          async () =>
            (await client.send({ method: 'GET', path: '/v1/cases?status=completed', headers: { authorization: `Bearer ${auditor}` } })).json
              ?.items?.length,
          { timeout: readersDeadlineMs, interval: 200 },
        )
        .toBe(4),
    );
    for (const name of ['case_board', 'statistics', 'case_board']) {
      const report = await client.send({
        method: 'POST',
        path: `/v1/projections/${name}/rebuild`,
        headers: { authorization: `Bearer ${auditor}` },
      });
      expect(report.status, report.text).toBe(200);
      expect(report.json.equal, report.text).toBe(true);
    }
    // The owner never rebuilds (it would write into the service's tables, running whatever the
    // service attached to them as the owner): refused, and the tables stay the service's.
    const asOwner = await openDatabase<any>({ url: roles.ownerUrl, poolSize: 2 });
    try {
      await expect(rebuildProjection(asOwner.db, findProjection('statistics')!)).rejects.toThrow(/as the role that owns its tables/);
    } finally {
      await asOwner.close();
    }
    const owners = await query<{ relname: string; owner: string }>(
      roles.adminUrl,
      `select relname, pg_get_userbyid(relowner) as owner from pg_class where relnamespace = 'public'::regnamespace and relname = any($1)`,
      [serviceOwnedTables],
    );
    expect(owners.map((o) => o.owner)).toEqual(serviceOwnedTables.map(() => roles.service));

    // The relay published every event.
    const { kafka } = testKafka(inject('kafkaBrokers'));
    const messages = await waitForReaders(() =>
      collectMessages(kafka, {
        topics: [topic],
        groupId: uniqueGroupId('lp'),
        count: 16,
        fromBeginning: true,
        settleMs: 300,
        timeoutMs: readersDeadlineMs,
      }),
    );
    expect(new Set(messages.map((m) => String(m.headers['event-id']))).size).toBe(16);
  },
);

it('as the service role the log cannot be updated, deleted, truncated, nor its triggers disabled; as the owner the triggers could be', async () => {
  const refused: Record<string, string | undefined> = {};
  for (const table of ['events', 'event_chain']) {
    for (const statement of [
      `update ${table} set transaction_id = transaction_id`,
      `delete from ${table}`,
      `truncate ${table}`,
      `alter table ${table} disable trigger ${table}_immutable`,
      `alter table ${table} disable trigger all`,
      `alter table ${table} owner to current_user`,
      `drop table ${table} cascade`,
    ])
      refused[statement] = await errorCodeOf(roles.serviceUrl, statement);
  }
  refused['set session_replication_role = replica'] = await errorCodeOf(roles.serviceUrl, 'set session_replication_role = replica');
  refused['update personal_data_access'] = await errorCodeOf(roles.serviceUrl, 'update personal_data_access set actor = actor');
  // 42501: insufficient privilege (not the trigger's 55000: the role never gets that far).
  expect(refused).toEqual(Object.fromEntries(Object.keys(refused).map((k) => [k, '42501'])));
  // The same statement as the owner succeeds (rolled back): what the service is denied is its role's doing.
  expect(await errorCodeOf(roles.ownerUrl, 'alter table events disable trigger events_immutable')).toBeUndefined();
  // And the service can append and read (the grants are not simply absent).
  expect(await errorCodeOf(roles.serviceUrl, 'select count(*) from events')).toBeUndefined();
});

it("the chainer, as the service role, fills in a link's missing Merkle leaf (a chain older than its tree); nothing else of a link", async () => {
  // The tip's leaf removed, and any stored node over it, as on a link chained before the tree
  // existed: by a superuser with the triggers off, holding the chain's lock so that no link is
  // appended meanwhile.
  const admin = new pg.Client({ connectionString: roles.adminUrl });
  await admin.connect();
  let last: { seq: string; leaf: string } | undefined;
  try {
    await admin.query('begin');
    await admin.query('set local session_replication_role = replica');
    await admin.query(`select pg_advisory_xact_lock(hashtext('cco_event_chain'))`);
    [last] = (await admin.query(`select seq, encode(leaf_hash, 'hex') as leaf from event_chain order by seq desc limit 1`)).rows;
    await admin.query('update event_chain set leaf_hash = null where seq = $1', [last?.seq]);
    await admin.query('delete from merkle_nodes where (idx + 1) * (2 ^ level)::int8 >= $1', [last?.seq]);
    await admin.query('commit');
  } finally {
    await admin.end();
  }
  expect(last?.leaf).toMatch(/^[0-9a-f]{64}$/);
  // The column grant is the leaf's alone.
  expect(
    await errorCodeOf(roles.serviceUrl, `update event_chain set leaf_hash = '\\x${last!.leaf}', hash = hash where seq = ${last!.seq}`),
  ).toBe('42501');
  // The chainer (woken by its polling interval) puts the same leaf back.
  await waitForReaders(() =>
    expect
      .poll(
        async () =>
          (
            await query<{ leaf: string | null }>(
              roles.adminUrl,
              `select encode(leaf_hash, 'hex') as leaf from event_chain where seq = $1`,
              [last!.seq],
            )
          )[0]?.leaf,
        { timeout: 30_000, interval: 250 },
      )
      .toBe(last!.leaf),
  );
});

it('refuses to start when MIGRATIONS_DATABASE_URL and DATABASE_URL log in as the same role', async () => {
  const same = await serverProcess({ DATABASE_URL: roles.ownerUrl, MIGRATIONS_DATABASE_URL: roles.ownerUrl });
  await expect(same.start()).rejects.toThrow(/same role/);
  await same.stop();
});

it('a table added by a later migration is covered without being named: plain read-write, append-only (by its trigger) SELECT and INSERT, a view SELECT', async () => {
  const owner = await openDatabase<any>({ url: roles.ownerUrl, poolSize: 1 });
  try {
    await sql`create table later_plain (id int primary key)`.execute(owner.db);
    await sql`create table later_log (id int primary key)`.execute(owner.db);
    await sql`create trigger later_log_immutable before update or delete on later_log for each row execute function cco_refuse_change()`.execute(
      owner.db,
    );
    await sql`create view later_view as select id from later_plain`.execute(owner.db);
    await grantServiceRole(owner.db, { role: roles.service, ownedTables: serviceOwnedTables });
  } finally {
    await owner.close();
  }
  const rows = await query<{ name: string; s: boolean; i: boolean; u: boolean; d: boolean; t: boolean }>(
    roles.adminUrl,
    `
    select t as name, has_table_privilege($1, t, 'SELECT') as s, has_table_privilege($1, t, 'INSERT') as i,
      has_table_privilege($1, t, 'UPDATE') as u, has_table_privilege($1, t, 'DELETE') as d, has_table_privilege($1, t, 'TRUNCATE') as t
    from unnest(array['later_plain', 'later_log', 'later_view']) as t`,
    [roles.service],
  );
  expect(rows).toEqual([
    { name: 'later_plain', s: true, i: true, u: true, d: true, t: false },
    { name: 'later_log', s: true, i: true, u: false, d: false, t: false },
    { name: 'later_view', s: true, i: false, u: false, d: false, t: false },
  ]);
});
