import { afterAll, beforeAll, expect, it, onTestFailed } from 'vitest';
import { openDatabase, type Database } from '../../packages/event-store/src/index';
import { printFigures } from './support/figures';
import {
  acknowledged,
  drive,
  eventOf,
  type Principal,
  RawClient,
  serverProcess,
  type ServerProcess,
  sleep,
  validToken,
  Walk,
} from '@cco/testkit';
import { PersonalData, uniqueSubject } from './support/personalData';
import { privatePostgres, type PrivatePostgres } from './support/privatePostgres';
import { verifyAcknowledged, verifyStreams, expectFullChain } from './support/verify';

// Item 3: PostgreSQL stopped (pg_ctl stop -m fast) for a few seconds and started again while
// clients walk cases. The cluster is this test's own (initdb in a temporary directory, a free
// port): the shared one on 5432 serves the other test files meanwhile. DB_DOWN_MS (3000).

const downMs = Number(process.env.DB_DOWN_MS ?? 3000);
const caseCount = 40;
const concurrency = 8;

let pg: PrivatePostgres;
let server: ServerProcess;
let client: RawClient;
let store: Database<any> | undefined;
const personal = new PersonalData();

beforeAll(async () => {
  pg = await privatePostgres();
  await pg.start();
  // The service migrates the empty cluster itself, as `npm start` does.
  server = await serverProcess({ DATABASE_URL: pg.url, RATE_LIMIT_MAX: '1000000' });
  await server.start();
  client = new RawClient(server.url, { maxSockets: concurrency + 2 });
}, 60_000);
afterAll(async () => {
  client?.close();
  await store?.close();
  await server?.stop();
  server?.saveLogs('database-restart');
  await pg?.destroy();
});

const principal = (party: 'CN' | 'KH', sub: string): Principal => ({ party, sub, token: validToken({ sub, party, roles: ['officer'] }) });

it('PostgreSQL down under load: /health 503 meanwhile, recovery without a restart, no acknowledged command lost', async () => {
  const principals = { CN: principal('CN', 'dbdown-cn-officer'), KH: principal('KH', 'dbdown-kh-officer') };
  const walks = Array.from({ length: caseCount }, (_v, i) => {
    const subject = uniqueSubject();
    personal.addSubject(subject);
    return new Walk(i, subject);
  });
  const pid = server.pid;
  let sampling = true;
  let aborted = false;
  onTestFailed(() => {
    aborted = true;
    sampling = false;
  });
  onTestFailed(() => console.info(`[faults] database-restart: the service's last lines:\n${server.logs.slice(-80).join('\n')}`));

  // /health sampled every 100 ms throughout.
  const health: { at: number; status: number | string }[] = [];
  const sampler = (async () => {
    while (sampling) {
      const at = Date.now();
      const status = await client.send({ method: 'GET', path: '/health', timeoutMs: 2000 }).then(
        (r) => r.status,
        (e: Error) => e.message,
      );
      health.push({ at, status });
      await sleep(100);
    }
  })();

  const answers: { at: number; status?: number; error?: string }[] = [];
  // Slow the walk down so it spans the outage: each worker pauses between commands.
  const load = drive({
    client: () => client,
    walks,
    principals,
    concurrency,
    retryDelayMs: 100,
    stop: () => aborted,
    onAnswer: (_w, _c, attempt) => answers.push({ at: Date.now(), ...attempt }),
  });
  while (acknowledged(walks).length < 30) await sleep(5);

  const downAt = Date.now();
  await pg.stop();
  const stoppedAt = Date.now();
  await sleep(downMs);
  const upAt = Date.now();
  await pg.start();
  const startedAt = Date.now();

  // Recovery by itself: /health back to 200, same process.
  let recoveredAt = 0;
  for (const deadline = Date.now() + 20_000; !recoveredAt; await sleep(100)) {
    if (server.exited) throw new Error('the service exited while the database was away (it must survive and recover by itself)');
    if (Date.now() > deadline) throw new Error('/health did not answer 200 within 20 s of the database restart');
    const status = (await client.send({ method: 'GET', path: '/health', timeoutMs: 2000 }).catch(() => ({ status: 0 }))).status;
    if (status === 200) recoveredAt = Date.now();
  }
  await load;
  sampling = false;
  await sampler;
  expect(server.pid).toBe(pid);
  expect(walks.filter((w) => w.failed).map((w) => w.failed)).toEqual([]);

  // While the database was down, /health said so.
  const duringOutage = health.filter((h) => h.at > stoppedAt + 200 && h.at < upAt);
  expect(duringOutage.length).toBeGreaterThan(5);
  expect(
    duringOutage.every((h) => h.status === 503),
    JSON.stringify(duringOutage),
  ).toBe(true);
  // Commands answered during the outage: 503 (retry), never acknowledged, never a 500.
  const outageAnswers = answers.filter((a) => a.at > stoppedAt + 200 && a.at < upAt);
  expect(outageAnswers.length).toBeGreaterThan(0);
  expect(
    outageAnswers.filter((a) => a.status !== 503),
    JSON.stringify(outageAnswers.slice(0, 5)),
  ).toEqual([]);
  expect(answers.filter((a) => a.status === 500)).toEqual([]);
  const statuses = new Map<string, number>();
  for (const a of answers) statuses.set(String(a.status ?? a.error), (statuses.get(String(a.status ?? a.error)) ?? 0) + 1);

  // The background readers (chainer, projections) back off while the database is away rather
  // than spin: a few dozen retries in a few seconds, not thousands of log lines.
  const backoffLines = server.logs.filter((line) => line.includes('backing off')).length;
  expect.soft(backoffLines, 'background readers retrying in a tight loop during the outage (runCatchUp)').toBeLessThan(200);

  // Nothing acknowledged was lost, nothing retried was doubled.
  store = await openDatabase<any>({ url: pg.url, poolSize: 2 });
  const facts = await verifyStreams(store.db);
  const verified = await verifyAcknowledged(store.db, acknowledged(walks));
  expect(facts.events).toBe(caseCount * 4);
  for (const walk of walks) expect(walk.commands.filter((c) => c.acked).map((c) => eventOf[c.step])).toEqual(Object.values(eventOf));

  // The hash chainer recovers as well.
  const auditor = validToken({ sub: 'dbdown-auditor', party: 'CN', roles: ['auditor'] });
  const integrity = await expectFullChain(client, auditor, facts.events);

  printFigures('database-restart', {
    faults: 1,
    downMs: upAt - downAt,
    stopTookMs: stoppedAt - downAt,
    startTookMs: startedAt - upAt,
    healthRecoveredMsAfterStart: recoveredAt - startedAt,
    healthSamples: health.length,
    health503DuringOutage: duringOutage.length,
    commandAnswers: answers.length,
    answersByStatus: [...statuses.entries()].map(([k, v]) => `${k}:${v}`).join(','),
    acknowledgedVerified: verified,
    eventsVerified: facts.events,
    chainChecked: integrity.chainLength,
    readerBackoffLines: backoffLines,
    serverRestarts: 0,
  });
}, 90_000);

it('no personal data in the service’s output', () => {
  const scanned = personal.assertAbsentFrom(server.logs);
  printFigures('database-restart/personal-data', scanned);
});
