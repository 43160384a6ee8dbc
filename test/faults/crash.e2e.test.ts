import { sql } from 'kysely';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { createTestDatabase, type TestDatabase } from '../support/testDatabase';
import { printFigures } from './support/figures';
import {
  acknowledged,
  collectMessages,
  drive,
  eventOf,
  type Principal,
  RawClient,
  requestOf,
  serverProcess,
  type ServerProcess,
  sleep,
  testKafka,
  uniqueGroupId,
  validToken,
  Walk,
} from '@cco/testkit';
import { PersonalData, uniqueSubject } from './support/personalData';
import { verifyAcknowledged, verifyStreams, eventCount, expectFullChain } from './support/verify';

// Item 2: the service as its own process (npm start's entry point), SIGKILLed while 16 clients
// walk cases with Idempotency-Keys, then restarted on the same database. CRASH_KILLS (default 2)
// kills per run, CRASH_CASES (60) cases. The service runs its projections and its Kafka relay
// (on the run's broker, in topics of this test's own): after the restarts the read models must
// equal a rebuild from zero and every event must be on Kafka, in order per case.

const kills = Number(process.env.CRASH_KILLS ?? 2);
const caseCount = Number(process.env.CRASH_CASES ?? 60);
const concurrency = 16;

const topics = { events: `crash.events.${process.pid}.${Date.now()}`, analytics: `crash.analytics.${process.pid}.${Date.now()}` };
let db: TestDatabase<any>;
let server: ServerProcess;
let client: RawClient;
const personal = new PersonalData();

beforeAll(async () => {
  db = await createTestDatabase();
  server = await serverProcess({
    DATABASE_URL: db.url,
    RATE_LIMIT_MAX: '1000000',
    KAFKA_BROKERS: inject('kafkaBrokers').join(','),
    KAFKA_EVENTS_TOPIC: topics.events,
    KAFKA_ANALYTICS_TOPIC: topics.analytics,
    KAFKA_TOPIC_REPLICATION_FACTOR: '1',
  });
  await server.start();
  client = new RawClient(server.url, { maxSockets: concurrency });
});
afterAll(async () => {
  client?.close();
  await server?.stop();
  server?.saveLogs('crash');
  await db?.close();
});

const principal = (party: 'CN' | 'KH', sub: string): Principal => ({
  party,
  sub,
  token: validToken({ sub, party, roles: ['officer'], exp: Math.floor(Date.now() / 1000) + 3600 }),
});

it(`SIGKILL under load (${kills}×), restart: nothing lost or doubled, keys honoured, chain intact, projections equal a rebuild, relay resumes without loss`, async () => {
  const principals = { CN: principal('CN', 'crash-cn-officer'), KH: principal('KH', 'crash-kh-officer') };
  const walks = Array.from({ length: caseCount }, (_v, i) => {
    const subject = uniqueSubject();
    personal.addSubject(subject);
    return new Walk(i, subject);
  });
  const totalCommands = caseCount * 4;
  const figures = {
    kills: 0,
    inFlightAtKill: 0,
    foundCommitted: 0,
    replayedFirstAnswer: 0,
    notCommitted: 0,
    succeededOnRetry: 0,
    ackedBeforeKills: 0,
    restartMs: [] as number[],
  };

  for (let k = 1; k <= kills; k++) {
    // Load until another share of the commands is acknowledged, then kill mid-flight.
    const target = Math.floor((totalCommands * k) / (kills + 1));
    let stopped = false;
    const load = drive({ client: () => client, walks, principals, concurrency, stop: () => stopped });
    while (acknowledged(walks).length < target && !walks.every((w) => w.done)) await sleep(2);
    stopped = true;
    await server.kill('SIGKILL');
    await load;
    figures.kills += 1;
    figures.ackedBeforeKills = acknowledged(walks).length;

    const restarted = Date.now();
    await server.start();
    figures.restartMs.push(Date.now() - restarted);
    client.close();
    client = new RawClient(server.url, { maxSockets: concurrency });

    // Nothing partial or doubled, and every 2xx so far has its event.
    await verifyStreams(db.db);
    await verifyAcknowledged(db.db, acknowledged(walks));

    // Every command that was in flight: retried with its key, it answers as the first time if it
    // had committed, else it succeeds now, once.
    const inFlight = walks.filter((w) => w.current && w.current.attempts.length > 0 && !w.current.acked && !w.failed);
    figures.inFlightAtKill += inFlight.length;
    for (const walk of inFlight) {
      const command = walk.current!;
      const principalKey = `${command.sender.party}:${command.sender.sub}`;
      const stored = (
        await sql<{ case_id: string; version: string }>`
          select case_id, version from idempotency_keys where principal = ${principalKey} and key = ${command.key}`.execute(db.db)
      ).rows[0];
      const streamBefore = walk.caseId ? await streamLength(walk.caseId) : 0;
      const eventsBefore = await eventCount(db.db);
      const first = await client.send(requestOf(walk, command));
      const second = await client.send(requestOf(walk, command));
      expect(first.status, first.text).toBeLessThan(300);
      expect(second.status).toBe(first.status);
      expect(second.json).toEqual(first.json);
      expect(second.headers.etag).toBe(first.headers.etag);
      if (stored) {
        figures.foundCommitted += 1;
        // The key remembers the case and version its command left; the replay is that case.
        expect(first.json.id).toBe(stored.case_id);
        expect(first.json.version).toBe(Number(stored.version));
        expect(first.headers.etag).toBe(`"${stored.version}"`);
        expect(await eventCount(db.db)).toBe(eventsBefore);
        figures.replayedFirstAnswer += 1;
      } else {
        figures.notCommitted += 1;
        expect(await eventCount(db.db)).toBe(eventsBefore + 1);
        if (walk.caseId) expect(await streamLength(walk.caseId)).toBe(streamBefore + 1);
        figures.succeededOnRetry += 1;
      }
      const version = Number(String(first.headers.etag).replaceAll('"', ''));
      command.acked = { status: first.status, caseId: String(first.json.id), version, body: first.json, etag: String(first.headers.etag) };
      command.attempts.push({ status: first.status });
      walk.caseId ??= command.acked.caseId;
      walk.stepIndex += 1;
      walk.current = undefined;
    }
  }

  // Finish every walk on the restarted service.
  await drive({ client: () => client, walks, principals, concurrency });
  expect(walks.filter((w) => w.failed).map((w) => w.failed)).toEqual([]);

  const facts = await verifyStreams(db.db);
  const verified = await verifyAcknowledged(db.db, acknowledged(walks));
  expect(facts.streams).toBe(caseCount);
  expect(facts.events).toBe(caseCount * 4);
  const types = await sql<{
    types: string[];
  }>`select array_agg(type order by stream_version) as types from events group by stream_id`.execute(db.db);
  for (const { types: t } of types.rows) expect(t).toEqual(Object.values(eventOf));

  // The chainer catches up after the restarts and the whole chain verifies from the genesis.
  const auditor = validToken({ sub: 'crash-auditor', party: 'KH', roles: ['auditor'] });
  const integrity = await expectFullChain(client, auditor, facts.events);

  // Projections: each live read model, after two crashes, equals a rebuild from zero.
  const rebuilt: string[] = [];
  for (const name of ['case_board', 'statistics']) {
    const report = await client.send({
      method: 'POST',
      path: `/v1/projections/${name}/rebuild`,
      headers: { authorization: `Bearer ${auditor}` },
    });
    expect(report.status, report.text).toBe(200);
    expect(report.json.equal, report.text).toBe(true);
    rebuilt.push(`${name}=${report.json.equal}`);
  }

  // The relay resumed without loss: every event on the events topic, per case in version order
  // once duplicates are dropped by event id; the analytics copies carry no personal data.
  const stored = await sql<{ event_id: string; stream_id: string; stream_version: string }>`
    select event_id, stream_id, stream_version from events`.execute(db.db);
  const { kafka } = testKafka(inject('kafkaBrokers'));
  const collect = (topic: string) =>
    collectMessages(kafka, {
      topics: [topic],
      groupId: uniqueGroupId('crash'),
      count: facts.events,
      fromBeginning: true,
      settleMs: 500,
      timeoutMs: 60_000,
    });
  const onKafka = await collect(topics.events);
  const firstCopies = new Map<string, { key: string; version: number }>();
  for (const m of onKafka) {
    const id = String(m.headers['event-id']);
    if (!firstCopies.has(id)) firstCopies.set(id, { key: String(m.key), version: JSON.parse(m.value!).version });
  }
  expect(new Set(firstCopies.keys())).toEqual(new Set(stored.rows.map((r) => r.event_id)));
  const versionsByCase = new Map<string, number[]>();
  for (const { key, version } of firstCopies.values()) versionsByCase.set(key, [...(versionsByCase.get(key) ?? []), version]);
  for (const versions of versionsByCase.values()) expect(versions).toEqual([1, 2, 3, 4]);
  const analytics = await collect(topics.analytics);
  const analyticsScan = personal.assertAbsentFrom(analytics.map((m) => m.value ?? ''));

  printFigures('crash', {
    projectionsEqualRebuild: rebuilt.join(' '),
    eventsOnKafka: firstCopies.size,
    kafkaDuplicatesDropped: onKafka.length - firstCopies.size,
    analyticsMessagesScanned: analyticsScan.lines,
    kills: figures.kills,
    cases: caseCount,
    commands: totalCommands,
    concurrency,
    inFlightAtKills: figures.inFlightAtKill,
    inFlightCommittedReplayed: figures.replayedFirstAnswer,
    inFlightNotCommittedSucceededOnRetry: figures.succeededOnRetry,
    restartMs: figures.restartMs.join('+'),
    streamsVerified: facts.streams,
    eventsVerified: facts.events,
    acknowledgedVerified: verified,
    chainChecked: integrity.chainLength,
  });
}, 180_000);

async function streamLength(caseId: string) {
  return Number((await sql<{ n: string }>`select count(*)::text as n from events where stream_id = ${caseId}`.execute(db.db)).rows[0]!.n);
}

it('no personal data in the service’s output (stdout and stderr, every run)', () => {
  const scanned = personal.assertAbsentFrom(server.logs);
  expect(server.logs.length).toBeGreaterThan(20);
  printFigures('crash/personal-data', scanned);
});
