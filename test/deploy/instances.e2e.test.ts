import { Kysely, PostgresDialect, sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { printFigures } from '../faults/support/figures';
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
import { verifyAcknowledged, verifyStreams } from '../faults/support/verify';
import { createTwoRoleDatabase, readersDeadlineMs, waitForFullChain, waitForReaders, type TwoRoleDatabase } from './support';

// Several instances on one database, as docs/operations.md deploys them: three API processes
// (CCO_ROLE=api) and one worker (CCO_ROLE=worker: chainer, projections, relay), the bundled
// server each, all started at once on one database with least-privilege roles. Clients spread
// their commands over the three APIs. Then: nothing lost or doubled, every 2xx answered once,
// the chain whole, the read models equal a rebuild, every event on Kafka in order per case,
// and the workers only where they were asked for. INSTANCES_CASES (default 40) cases.

const caseCount = Number(process.env.INSTANCES_CASES ?? 40);
const concurrency = 8;
const topic = `instances.events.${process.pid}.${Date.now()}`;
let roles: TwoRoleDatabase;
let apis: ServerProcess[] = [];
let worker: ServerProcess;
let clients: RawClient[] = [];
let db: Kysely<any>;

beforeAll(async () => {
  roles = await createTwoRoleDatabase('inst');
  const common = {
    DATABASE_URL: roles.serviceUrl,
    MIGRATIONS_DATABASE_URL: roles.ownerUrl,
    RATE_LIMIT_MAX: '1000000',
    // Every process is given the broker: only the worker may publish.
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_EVENTS_TOPIC: topic,
    KAFKA_ANALYTICS_TOPIC: `${topic}.analytics`,
    KAFKA_TOPIC_REPLICATION_FACTOR: '1',
  };
  apis = await Promise.all([1, 2, 3].map(() => serverProcess({ ...common, CCO_ROLE: 'api' })));
  worker = await serverProcess({ ...common, CCO_ROLE: 'worker' });
  // All four at once on an empty database: migrations and grants take turns under their locks.
  await Promise.all([...apis, worker].map((p) => p.start()));
  clients = apis.map((p) => new RawClient(p.url, { maxSockets: concurrency }));
  db = new Kysely<any>({ dialect: new PostgresDialect({ pool: new pg.Pool({ connectionString: roles.adminUrl, max: 2 }) }) });
}, 90_000);
afterAll(async () => {
  for (const c of clients) c.close();
  await Promise.all([...apis, worker].filter(Boolean).map((p) => p.stop()));
  apis.forEach((p, i) => p.saveLogs(`instances-api-${i + 1}`));
  worker?.saveLogs('instances-worker');
  await db?.destroy();
  await roles?.drop();
});

it('each process runs only its part: the APIs no workers, the worker no API but /health and /metrics', async () => {
  const metricsOf = async (p: ServerProcess) => (await fetch(`${p.url}/metrics`)).text();
  for (const api of apis) {
    const text = await metricsOf(api);
    expect(text).toContain('cco_http_request_duration_seconds');
    expect(text).not.toContain('cco_relay_lag_events');
    expect(text).not.toContain('cco_projection_lag_events');
    expect(api.logs.join('\n')).not.toContain('Kafka relay started');
  }
  const text = await metricsOf(worker);
  expect(text).toContain('cco_relay_lag_events');
  expect(text).toContain('cco_projection_lag_events');
  expect(worker.logs.join('\n')).toContain('Kafka relay started');
  const health = await fetch(`${worker.url}/health`);
  expect(health.status).toBe(200);
  expect(((await health.json()) as { projections: unknown[] }).projections.length).toBeGreaterThan(0);
  const officer = validToken({ sub: 'inst-officer', party: 'CN', roles: ['officer'] });
  expect((await fetch(`${worker.url}/v1/cases`, { headers: { authorization: `Bearer ${officer}` } })).status).toBe(404);
});

it(
  `three APIs and one worker under concurrent load (${caseCount} cases × 4 commands): nothing lost or doubled, every 2xx once, chain whole, projections equal a rebuild, Kafka complete`,
  async () => {
    const principal = (party: 'CN' | 'KH'): Principal => ({
      party,
      sub: `inst-${party}`,
      token: validToken({ sub: `inst-${party}`, party, roles: ['officer'] }),
    });
    const walks = Array.from({ length: caseCount }, (_v, i) => new Walk(i, uniqueSubject()));
    let next = 0;
    const served = [0, 0, 0];
    const started = Date.now();
    await drive({
      client: () => {
        const i = next++ % clients.length;
        served[i]! += 1;
        return clients[i]!;
      },
      walks,
      principals: { CN: principal('CN'), KH: principal('KH') },
      concurrency,
    });
    const loadMs = Date.now() - started;
    expect(walks.filter((w) => w.failed).map((w) => w.failed)).toEqual([]);
    expect(walks.every((w) => w.done)).toBe(true);

    // Every command answered 2xx exactly once (no 5xx, no lost answer to retry), at the version its walk expects.
    const commands = walks.flatMap((w) => w.commands);
    expect(commands.filter((c) => c.attempts.length !== 1 || !c.acked).map((c) => c.attempts)).toEqual([]);
    expect(walks.map((w) => w.commands.map((c) => c.acked!.version))).toEqual(walks.map(() => [1, 2, 3, 4]));

    // The store: versions without gaps or repeats, no event twice, each 2xx's event where its ETag said,
    // and no event nobody was answered for.
    const facts = await verifyStreams(db);
    const acked = acknowledged(walks);
    expect(await verifyAcknowledged(db, acked)).toBe(caseCount * 4);
    expect(facts).toEqual({ streams: caseCount, events: acked.length });

    // The worker's chainer linked every event, once (through any API: they share the database).
    const auditor = validToken({ sub: 'inst-auditor', party: 'KH', roles: ['auditor'] });
    const integrity = await waitForFullChain(
      (path) => clients[1]!.send({ method: 'GET', path, headers: { authorization: `Bearer ${auditor}` } }),
      facts.events,
    );
    const chain = await sql<{ n: number; distinct: number; max: string }>`
    select count(*)::int as n, count(distinct position)::int as distinct, max(seq)::text as max from event_chain`.execute(db);
    expect(chain.rows[0]).toEqual({ n: facts.events, distinct: facts.events, max: String(facts.events) });

    // The worker's projections caught up (as /health on the worker says), and equal a rebuild.
    await waitForReaders(() =>
      expect
        .poll(
          async () =>
            ((await (await fetch(`${worker.url}/health`)).json()) as { projections: { eventsBehind: number }[] }).projections.every(
              (p) => p.eventsBehind === 0,
            ),
          { timeout: readersDeadlineMs, interval: 200 },
        )
        .toBe(true),
    );
    const board = await clients[2]!.send({
      method: 'GET',
      path: `/v1/cases?status=completed&limit=100`,
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(board.json.items.length).toBe(caseCount);
    for (const name of ['case_board', 'statistics']) {
      const report = await clients[0]!.send({
        method: 'POST',
        path: `/v1/projections/${name}/rebuild`,
        headers: { authorization: `Bearer ${auditor}` },
      });
      expect(report.status, report.text).toBe(200);
      expect(report.json.equal, report.text).toBe(true);
    }

    // The worker's relay published every event, in version order per case once duplicates
    // (at-least-once) are dropped by event id.
    const stored = await sql<{ event_id: string }>`select event_id::text from events`.execute(db);
    const { kafka } = testKafka(inject('kafkaBrokers'));
    const onKafka = await waitForReaders(() =>
      collectMessages(kafka, {
        topics: [topic],
        groupId: uniqueGroupId('instances'),
        count: facts.events,
        fromBeginning: true,
        settleMs: 500,
        timeoutMs: readersDeadlineMs,
      }),
    );
    const firstCopies = new Map<string, { key: string; version: number }>();
    for (const m of onKafka) {
      const id = String(m.headers['event-id']);
      if (!firstCopies.has(id)) firstCopies.set(id, { key: String(m.key), version: JSON.parse(m.value!).version });
    }
    expect(new Set(firstCopies.keys())).toEqual(new Set(stored.rows.map((r) => r.event_id)));
    // No fault was injected and one relay publishes at a time: not one duplicate.
    expect(onKafka.length).toBe(firstCopies.size);
    const versionsByCase = new Map<string, number[]>();
    for (const { key, version } of firstCopies.values()) versionsByCase.set(key, [...(versionsByCase.get(key) ?? []), version]);
    expect([...versionsByCase.values()]).toEqual([...versionsByCase.values()].map(() => [1, 2, 3, 4]));

    printFigures('instances', {
      apis: apis.length,
      workers: 1,
      cases: caseCount,
      commands: commands.length,
      concurrency,
      requestsPerApi: served.join('+'),
      loadMs,
      eventsVerified: facts.events,
      chainLength: integrity.chainLength,
      eventsOnKafka: firstCopies.size,
      kafkaDuplicatesDropped: onKafka.length - firstCopies.size,
    });
  },
  4 * readersDeadlineMs,
);
