import { spawn } from 'node:child_process';
import { logStart, readAll, readPosition } from '@cco/event-store';
import { measureRelayLag, relayName, startRelay } from '@cco/publishing';
import { sql } from 'kysely';
import pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { readMonthlyDeportations } from '../../analytics-consumer/src/readMonthlyDeportations';
import { startAnalyticsConsumer } from '../../analytics-consumer/src/startAnalyticsConsumer';
import {
  appendCaseHistories,
  capturedLog,
  caseHistoryList,
  dropDuplicates,
  eventIdOf,
  FAST_CONSUMER,
  fastRetries,
  monthlyDeportationsInLog,
  readWholeTopic,
  testKafka,
  testSettings,
  topicSize,
  uniqueGroupId,
} from '@cco/testkit';
import { KAFKA_TEST_TOPICS } from '../../../test/support/kafka/globalSetup';
import { startMockCluster, type MockCluster } from '../../../test/support/kafka/mockCluster';
import { createTestDatabase, type TestDatabase } from '../../../test/support/testDatabase';

// A real crash: `npm run relay` in a child process, SIGKILLed after Kafka acknowledged its first
// batch and before its checkpoint committed. To hold it exactly there, a trigger on the
// checkpoints table makes its checkpoint write wait on an advisory lock this test holds.
const appName = 'cco-relay-crash';
const lockKey = 'relay-crash-test';
const firstBatch = 40;

let t: TestDatabase<any>;
let cluster: MockCluster;
beforeAll(async () => {
  [t, cluster] = await Promise.all([createTestDatabase(), startMockCluster({ topics: [...KAFKA_TEST_TOPICS] })]);
});
afterAll(async () => {
  await Promise.all([t?.close(), cluster?.stop()]);
});

const relayBackends = async (where: string) =>
  (
    await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity a
     left join pg_locks l on l.pid = a.pid and l.locktype = 'advisory' and not l.granted
     where a.application_name = ${appName} ${sql.raw(where)}`.execute(t.db)
  ).rows[0]!.n;

it('SIGKILL between Kafka’s ack and the checkpoint: duplicates only, and the consumer’s figures equal the raw events', async ({
  annotate,
}) => {
  // 40 cases appended at once, one event per transaction, so commits come out of position order.
  await appendCaseHistories(t.db, caseHistoryList({ cases: 40 }), { concurrently: true });
  const stored = await t.db.selectFrom('events').select('event_id').execute();

  const holder = new pg.Client({ connectionString: t.url });
  await holder.connect();
  await holder.query('select pg_advisory_lock(hashtext($1))', [lockKey]);
  await sql`create function hold_relay_checkpoint() returns trigger language plpgsql as $$
    begin perform pg_advisory_xact_lock(hashtext(${sql.lit(lockKey)})); return new; end $$`.execute(t.db);
  await sql`create trigger hold_relay_checkpoint before insert or update on checkpoints
    for each row when (new.name = ${sql.lit(relayName)}) execute function hold_relay_checkpoint()`.execute(t.db);

  const child = spawn(process.execPath, ['--import', 'tsx', 'services/relay/src/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: t.url,
      KAFKA_BROKERS: cluster.bootstrap.join(','),
      KAFKA_RELAY_BATCH_SIZE: String(firstBatch),
      PGAPPNAME: appName,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (d) => (output += d));
  child.stderr.on('data', (d) => (output += d));
  const exited = new Promise((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
  const { kafka } = testKafka(cluster.bootstrap);
  try {
    // Its checkpoint write is waiting on the lock: Kafka has acknowledged the batch by now.
    await expect.poll(() => relayBackends('and l.pid is not null'), { timeout: 20_000, interval: 100 }).toBe(1);
    expect(await topicSize(kafka, KAFKA_TEST_TOPICS[0]!.name)).toBe(firstBatch);
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
  } catch (error) {
    child.kill('SIGKILL');
    throw new Error(`${(error as Error).message}\nrelay output:\n${output}`);
  }
  // Let its orphaned transaction run on: it finds its client gone and rolls back.
  await holder.query('select pg_advisory_unlock(hashtext($1))', [lockKey]);
  await holder.end();
  await expect.poll(() => relayBackends(''), { timeout: 20_000, interval: 100 }).toBe(0);
  await sql`drop trigger hold_relay_checkpoint on checkpoints`.execute(t.db);
  expect(await readPosition(t.db, relayName)).toEqual(logStart);

  // A relay starting afresh resumes from the last checkpoint: the first batch goes out again.
  const settings = testSettings(cluster.bootstrap, { batchSize: firstBatch });
  const relay = startRelay({ database: t, settings, log: capturedLog().log, kafka: fastRetries, idleMs: 100 });
  await expect.poll(() => measureRelayLag(t.db), { timeout: 20_000, interval: 100 }).toEqual({ events: 0, seconds: 0 });
  await relay.stop();

  const replayed = (await readAll(t.db, logStart, firstBatch)).events.map((e) => e.id).sort();
  const report = [];
  const topics = [settings.topics.events, settings.topics.analytics];
  const read = await Promise.all(topics.map((topic) => readWholeTopic(kafka, topic)));
  for (const [i, topic] of topics.entries()) {
    const messages = read[i]!;
    const { firsts, duplicates } = dropDuplicates(messages);
    expect(firsts.map(eventIdOf).sort(), `${topic}: no gap`).toEqual(stored.map((e) => e.event_id).sort());
    const counts = new Map<string, number>();
    for (const m of messages) counts.set(eventIdOf(m), (counts.get(eventIdOf(m)) ?? 0) + 1);
    expect(
      [...counts]
        .filter(([, n]) => n > 1)
        .map(([id]) => id)
        .sort(),
      `${topic}: the first batch, twice`,
    ).toEqual(replayed);
    report.push(`${topic}: ${firsts.length} events, ${duplicates} duplicates`);
  }

  // The example consumer drops the duplicates: its figures are the raw log's.
  const analyticsTotal = stored.length + firstBatch;
  const consumer = await startAnalyticsConsumer({
    db: t.db,
    settings,
    groupId: uniqueGroupId('crash'),
    log: capturedLog().log,
    consumer: FAST_CONSUMER,
  });
  try {
    await expect.poll(() => consumer.stats.received, { timeout: 20_000, interval: 100 }).toBe(analyticsTotal);
  } finally {
    await consumer.stop();
  }
  expect(consumer.stats).toEqual({ received: analyticsTotal, applied: stored.length, duplicates: firstBatch, unreadable: 0 });
  const figures = await readMonthlyDeportations(t.db);
  expect(figures).toEqual(await monthlyDeportationsInLog(t.db));
  expect(figures.reduce((n, f) => n + f.count, 0)).toBeGreaterThan(10);
  await annotate(`${report.join('; ')}; consumer ${JSON.stringify(consumer.stats)}; ${figures.length} months`);
});
