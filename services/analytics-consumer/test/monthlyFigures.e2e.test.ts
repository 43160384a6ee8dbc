import type { Role } from '@cco/domain';
import type { FastifyInstance } from 'fastify';
import pino from 'pino';
import { afterAll, beforeAll, expect, inject, it } from 'vitest';
import { buildApp } from '../../api/src/app';
import {
  capturedLog,
  deportationFiling,
  FAST_CONSUMER,
  handover,
  monthlyDeportationsInLog,
  testSettings,
  uniqueGroupId,
  verification,
} from '@cco/testkit';
import { testAuth, testPersonalDataKey, testToken } from '../../../test/support/testApp';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';
import { readMonthlyDeportations, type MonthlyCount } from '../src/readMonthlyDeportations';
import { startAnalyticsConsumer } from '../src/startAnalyticsConsumer';

// The service as `npm start` builds it with KAFKA_BROKERS set (relay and projections running),
// on the run's broker in topics of its own, and the example consumer beside it.
const settings = testSettings(inject('kafkaBrokers'), { ownTopics: true, batchSize: 50 });
let database: TestDatabase<any>;
let app: FastifyInstance;
beforeAll(async () => {
  database = await createTestDatabase();
  const logger = pino({ level: 'silent' });
  app = await buildApp({
    database,
    auth: testAuth,
    personalDataKey: testPersonalDataKey,
    migrate: false,
    workers: true,
    kafka: settings,
    logger,
  });
  await app.ready();
});
afterAll(() => app?.close());

const tokenOf = (party: 'CN' | 'KH', ...roles: Role[]) => testToken(party, ...roles);

async function post(url: string, token: string, body: object): Promise<{ id: string }> {
  const response = await app.inject({ method: 'POST', url, headers: { authorization: `Bearer ${token}` }, payload: body });
  if (response.statusCode >= 300) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
  return response.json();
}

/** A deportation walked through the API, completed at `completedAt` (business time). */
async function completedDeportation(completedAt: string) {
  const day = (n: number) => new Date(Date.parse(completedAt) - n * 86_400_000).toISOString();
  const [cn, kh] = [tokenOf('CN', 'officer'), tokenOf('KH', 'officer')];
  const { id } = await post('/v1/cases', cn, { ...deportationFiling, occurredAt: day(20) });
  await post(`/v1/cases/${id}/identity-verification`, kh, { ...verification, occurredAt: day(10) });
  await post(`/v1/cases/${id}/handover`, kh, { ...handover, occurredAt: day(1) });
  await post(`/v1/cases/${id}/completion`, cn, { occurredAt: completedAt });
}

const counted = (groups: MonthlyCount[]) => groups.filter((g) => g.count > 0).sort((a, b) => a.key.localeCompare(b.key));

it('the service plus the example consumer show the monthly figures of the statistics endpoint and of the raw log', async ({ annotate }) => {
  const completions = [
    '2019-01-15T10:00:00.000Z',
    '2019-01-31T23:30:00.000Z', // still January in UTC, already February in Phnom Penh
    '2019-02-01T00:00:00.000Z',
    '2019-06-12T08:00:00.000Z',
    '2019-06-13T08:00:00.000Z',
    '2019-06-30T16:59:59.999Z',
    '2019-10-01T02:00:00.000Z',
    '2019-12-31T23:59:59.999Z',
    '2020-03-03T03:03:03.003Z',
  ];
  await Promise.all(completions.map(completedDeportation));
  // Cases that must not count: one refused, one still open.
  const { id } = await post('/v1/cases', tokenOf('CN', 'officer'), { ...deportationFiling, occurredAt: '2019-06-01T00:00:00.000Z' });
  await post(`/v1/cases/${id}/refusal`, tokenOf('KH', 'supervisor'), {
    ground: 'insufficient_documents',
    reason: 'no passport copy',
    occurredAt: '2019-06-05T00:00:00.000Z',
  });
  await post('/v1/cases', tokenOf('CN', 'officer'), { ...deportationFiling, occurredAt: '2019-07-01T00:00:00.000Z' });

  const raw = await monthlyDeportationsInLog(database.db);
  expect(raw.reduce((n, g) => n + g.count, 0)).toBe(completions.length);
  expect(raw.find((g) => g.key === '2019-01')?.count).toBe(2);

  const consumer = await startAnalyticsConsumer({
    db: database.db,
    settings,
    groupId: uniqueGroupId('figures'),
    log: capturedLog().log,
    consumer: FAST_CONSUMER,
  });
  try {
    await expect.poll(() => readMonthlyDeportations(database.db), { timeout: 30_000, interval: 200 }).toEqual(raw);
  } finally {
    await consumer.stop();
  }

  const analyst = tokenOf('KH', 'analyst');
  const statistics = async () =>
    (
      await app.inject({
        url: '/v1/statistics/deportations?from=2019-01-01&to=2020-12-31&groupBy=month',
        headers: { authorization: `Bearer ${analyst}` },
      })
    ).json();
  await expect.poll(async () => counted((await statistics()).groups ?? []), { timeout: 15_000, interval: 200 }).toEqual(raw);
  expect((await statistics()).total).toBe(completions.length);

  // The relay's figures in /metrics: everything published, nothing behind.
  const metrics = (await app.inject({ url: '/metrics' })).body;
  const events = await database.db
    .selectFrom('events')
    .select((eb) => eb.fn.countAll<string>().as('n'))
    .executeTakeFirstOrThrow();
  expect(metrics).toContain(`cco_relay_messages_published_total{topic="${settings.topics.events}"} ${events.n}`);
  expect(metrics).toContain(`cco_relay_messages_published_total{topic="${settings.topics.analytics}"} ${events.n}`);
  expect(metrics).toMatch(/^cco_relay_lag_events 0$/m);
  await annotate(
    `${events.n} events; ${raw.length} months: ${raw.map((g) => `${g.key}=${g.count}`).join(' ')}; consumer ${JSON.stringify(consumer.stats)}`,
  );
});
