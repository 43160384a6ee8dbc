/**
 * Proves the Kafka test harness: kafkajs 2.2.4 against librdkafka's mock cluster
 * (test/support/kafka). Every test here starts its own helper or uses topics and
 * groups of its own, so they can run in any order.
 */
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, test, vi } from 'vitest';
import type { Kafka, Message, Producer, RecordMetadata } from 'kafkajs';
import { kafkaFromEnvOrMock, KAFKA_TEST_TOPICS, setup, teardown } from '../support/kafka/globalSetup';
import { ensureMockClusterBinary, type MockCluster, startMockCluster } from '../support/kafka/mockCluster';
import { collectMessages, ORDERED_PRODUCER, type ReceivedMessage, sleep, testKafka, uniqueGroupId } from '@cco/testkit';

// ---------------------------------------------------------------------------------------
// helpers

/** Messages `i = 0..total-1` spread round-robin over `keys` keys, with a per-key sequence. */
function keyedMessages(total: number, keys: number, from = 0): Message[] {
  return Array.from({ length: total }, (_, j) => {
    const i = from + j;
    const key = `key-${String(i % keys).padStart(2, '0')}`;
    return { key, value: JSON.stringify({ key, seq: Math.floor(i / keys), i }) };
  });
}

async function sendInBatches(
  producer: Producer,
  topic: string,
  messages: Message[],
  batchSize: number,
  onBatch?: (sent: number, ms: number) => Promise<void> | void,
): Promise<{ results: RecordMetadata[]; durations: number[] }> {
  const results: RecordMetadata[] = [];
  const durations: number[] = [];
  for (let at = 0; at < messages.length; at += batchSize) {
    const t0 = Date.now();
    results.push(...(await producer.send({ topic, acks: -1, messages: messages.slice(at, at + batchSize) })));
    durations.push(Date.now() - t0);
    await onBatch?.(Math.min(at + batchSize, messages.length), Date.now() - t0);
  }
  return { results, durations };
}

/** Asserts per-key order and completeness: key-k must arrive as seq 0,1,2,...,expectedPerKey-1 exactly. */
function expectKeyedOrder(received: ReceivedMessage[], keys: number, perKey: number) {
  const byKey = new Map<string, number[]>();
  const partitionsOfKey = new Map<string, Set<number>>();
  for (const m of received) {
    const { key, seq } = JSON.parse(m.value ?? 'null') as { key: string; seq: number };
    expect(m.key).toBe(key);
    byKey.set(key, [...(byKey.get(key) ?? []), seq]);
    partitionsOfKey.set(key, (partitionsOfKey.get(key) ?? new Set()).add(m.partition));
  }
  expect(byKey.size).toBe(keys);
  const expected = Array.from({ length: perKey }, (_, s) => s);
  for (const [key, seqs] of byKey) {
    expect(seqs, `sequence of ${key}`).toEqual(expected);
    expect(partitionsOfKey.get(key)?.size, `partitions of ${key}`).toBe(1);
  }
}

/** Offsets within each partition must be 0..n-1 with no gap or repeat. */
function expectDenseOffsets(received: ReceivedMessage[]) {
  const byPartition = new Map<number, number[]>();
  for (const m of received) byPartition.set(m.partition, [...(byPartition.get(m.partition) ?? []), Number(m.offset)]);
  for (const [p, offsets] of byPartition) {
    expect(offsets, `offsets of partition ${p}`).toEqual(offsets.map((_, i) => i));
  }
  return byPartition;
}

async function leadersOf(kafka: Kafka, topic: string): Promise<Map<number, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const md = await admin.fetchTopicMetadata({ topics: [topic] });
    return new Map(md.topics[0]!.partitions.map((p) => [p.partitionId, p.leader]));
  } finally {
    await admin.disconnect();
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

// ---------------------------------------------------------------------------------------

describe.concurrent('mock_cluster helper', () => {
  test('answers OK / ERR and stops on EOF of its stdin', async () => {
    const cluster = await startMockCluster({ brokers: 2, topics: [{ name: 'helper.t', partitions: 2 }] });
    try {
      expect(cluster.bootstrap).toHaveLength(2);
      for (const b of cluster.bootstrap) expect(b).toMatch(/^127\.0\.0\.1:\d+$/);
      await cluster.brokerDown(2);
      await cluster.brokerUp(2);
      await cluster.setRtt(1, 0);
      await cluster.pushErrors('Produce', 2, 'NOT_LEADER_FOR_PARTITION', 'REQUEST_TIMED_OUT');
      await cluster.clearErrors('Produce');
      await cluster.createTopic('helper.more', 3);
      await expect(cluster.brokerDown(7)).rejects.toThrow('ERR unknown broker 7');
      await expect(cluster.pushErrors('Produce', 1, 'NO_SUCH_ERROR')).rejects.toThrow('ERR unknown error code');
      await expect(cluster.pushErrors('NoSuchApi', 1, 'REQUEST_TIMED_OUT')).rejects.toThrow('ERR unknown api key');
      await expect(cluster.createTopic('helper.t', 2)).rejects.toThrow(/already exists/i);
      await expect(cluster.command('bogus')).rejects.toThrow('ERR unknown command bogus');
    } finally {
      await cluster.stop();
    }
    expect(isAlive(cluster.pid)).toBe(false);
    await expect(cluster.brokerUp(1)).rejects.toThrow(/helper exited/);

    // A bare EOF on stdin (the spawning process died) ends the helper too.
    const child = spawn(ensureMockClusterBinary(), ['--brokers', '1'], { stdio: ['pipe', 'pipe', 'inherit'] });
    const firstLine = await new Promise<string>((resolve) => child.stdout.once('data', (d: Buffer) => resolve(d.toString())));
    expect(firstLine).toMatch(/^BOOTSTRAP 127\.0\.0\.1:\d+\n$/);
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.stdin.end();
    expect(await Promise.race([exited, sleep(3_000).then(() => 'still running')])).toBe(0);
  });

  test('globalSetup: provides the mock brokers with the service topics, and tears it down', async () => {
    vi.stubEnv('KAFKA_BROKERS', '');
    const provided: Record<string, unknown> = {};
    try {
      await setup({ provide: ((key: string, value: unknown) => (provided[key] = value)) as never });
      const brokers = provided.kafkaBrokers as string[];
      expect(brokers).toHaveLength(3);
      const { kafka } = testKafka(brokers);
      const admin = kafka.admin();
      await admin.connect();
      const md = await admin.fetchTopicMetadata({ topics: KAFKA_TEST_TOPICS.map((t) => t.name) });
      await admin.disconnect();
      expect(md.topics.map((t) => [t.name, t.partitions.length]).sort()).toEqual([
        ['cooperation.analytics.v1', 6],
        ['cooperation.checkpoints.v1', 1],
        ['cooperation.events.v1', 6],
      ]);
      await teardown();
      // Gone: a fresh client cannot reach it any more.
      const after = testKafka(brokers, { retry: { retries: 0 } }).kafka.admin();
      await expect(after.connect()).rejects.toThrow();
    } finally {
      await teardown();
      vi.unstubAllEnvs();
    }
    // KAFKA_BROKERS wins over the mock.
    const fromEnv = await kafkaFromEnvOrMock(KAFKA_TEST_TOPICS, { KAFKA_BROKERS: 'kafka-a:9092, kafka-b:9092' });
    expect(fromEnv.brokers).toEqual(['kafka-a:9092', 'kafka-b:9092']);
    expect(fromEnv.mock).toBeUndefined();
    await fromEnv.stop();
  });
});

describe.concurrent('kafkajs 2.2.4 on the shared mock cluster', () => {
  let cluster: MockCluster;
  let kafka: Kafka;

  beforeAll(async () => {
    cluster = await startMockCluster({
      topics: [
        { name: 'harness.ordered', partitions: 6 },
        { name: 'harness.headers', partitions: 6 },
        { name: 'harness.resume', partitions: 6 },
      ],
    });
    kafka = testKafka(cluster.bootstrap).kafka;
  });
  afterAll(async () => {
    await cluster?.stop();
  });

  test('acks=-1, maxInFlightRequests=1: 2,000 messages over 20 keys and 6 partitions arrive in order per key, once', async () => {
    const producer = kafka.producer(ORDERED_PRODUCER);
    await producer.connect();
    const { results } = await sendInBatches(producer, 'harness.ordered', keyedMessages(2_000, 20), 100);
    await producer.disconnect();
    expect(results.every((r) => r.errorCode === 0)).toBe(true);

    const received = await collectMessages(kafka, {
      topics: ['harness.ordered'],
      groupId: uniqueGroupId('ordered'),
      count: 2_000,
      settleMs: 500,
    });
    expect(received).toHaveLength(2_000);
    expectKeyedOrder(received, 20, 100);
    const partitions = expectDenseOffsets(received);
    expect([...partitions.keys()].sort()).toEqual([0, 1, 2, 3, 4, 5]);
  });

  test('headers, keys, null values and timestamps round-trip', async () => {
    const binary = Buffer.from(Array.from({ length: 256 }, (_, i) => i));
    const ts = String(Date.UTC(2024, 0, 2, 3, 4, 5, 678));
    const sent: Message[] = [
      {
        key: 'k1',
        value: 'v1',
        timestamp: ts,
        headers: {
          'event-type': 'CaseOpened',
          'correlation-id': '2f1c9a52-7d3e-4b8e-9a65-0c1d2e3f4a5b',
          unicode: '柬埔寨 · កម្ពុជា',
          empty: '',
          binary,
          repeated: ['first', 'second'],
        },
      },
      { key: 'k2', value: null, headers: { tombstone: 'yes' } },
      { key: null, value: 'no-key' },
    ];
    const producer = kafka.producer(ORDERED_PRODUCER);
    await producer.connect();
    await producer.send({ topic: 'harness.headers', acks: -1, messages: sent });
    await producer.disconnect();

    const received = await collectMessages(kafka, {
      topics: ['harness.headers'],
      groupId: uniqueGroupId('headers'),
      count: 3,
      settleMs: 300,
    });
    expect(received).toHaveLength(3);
    const k1 = received.find((m) => m.key === 'k1')!;
    expect(k1.value).toBe('v1');
    expect(k1.timestamp).toBe(ts);
    const h = k1.headers;
    expect(Object.keys(h).sort()).toEqual(['binary', 'correlation-id', 'empty', 'event-type', 'repeated', 'unicode']);
    expect(h['event-type']?.toString()).toBe('CaseOpened');
    expect(h['correlation-id']?.toString()).toBe('2f1c9a52-7d3e-4b8e-9a65-0c1d2e3f4a5b');
    expect(h.unicode?.toString()).toBe('柬埔寨 · កម្ពុជា');
    expect(h.empty?.toString()).toBe('');
    expect(Buffer.compare(h.binary as Buffer, binary)).toBe(0);
    expect((h.repeated as Buffer[]).map(String)).toEqual(['first', 'second']);

    const k2 = received.find((m) => m.key === 'k2')!;
    expect(k2.value).toBeNull();
    expect(k2.headers.tombstone?.toString()).toBe('yes');
    const noKey = received.find((m) => m.key === null)!;
    expect(noKey.value).toBe('no-key');
    expect(noKey.headers).toEqual({});
  });

  test('a consumer group resumes from its committed offsets after a restart', async () => {
    const topic = 'harness.resume';
    const groupId = uniqueGroupId('resume');
    const producer = kafka.producer(ORDERED_PRODUCER);
    await producer.connect();
    await sendInBatches(producer, topic, keyedMessages(60, 12), 30);

    const first = await collectMessages(kafka, { topics: [topic], groupId, count: 60, settleMs: 300 });
    expect(first.map((m) => (JSON.parse(m.value!) as { i: number }).i).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 60 }, (_, i) => i),
    );

    // What the group committed when the first consumer stopped.
    const admin = kafka.admin();
    await admin.connect();
    const [committed] = await admin.fetchOffsets({ groupId, topics: [topic] });
    await admin.disconnect();
    const committedTotal = committed!.partitions.reduce((n, p) => n + Number(p.offset), 0);
    expect(committedTotal).toBe(60);

    await sendInBatches(producer, topic, keyedMessages(40, 12, 60), 20);
    await producer.disconnect();

    // Same group, fromBeginning: only the committed offsets keep it from re-reading the first 60.
    const second = await collectMessages(kafka, { topics: [topic], groupId, count: 40, settleMs: 1_000 });
    const ids = second.map((m) => (JSON.parse(m.value!) as { i: number }).i).sort((a, b) => a - b);
    expect(ids).toEqual(Array.from({ length: 40 }, (_, i) => 60 + i));
  });
});

describe.concurrent('kafkajs 2.2.4 under injected faults (own helper per test)', () => {
  test('a broker down for ~2 s mid-production: everything is delivered, in order per key', async ({ annotate }) => {
    const topic = 'harness.outage';
    const cluster = await startMockCluster({ topics: [{ name: topic, partitions: 6 }] });
    try {
      const { kafka, logs } = testKafka(cluster.bootstrap);
      const leaders = await leadersOf(kafka, topic);
      // The broker leading the most partitions (leadership does not move when it goes down).
      const counts = new Map<number, number>();
      for (const l of leaders.values()) counts.set(l, (counts.get(l) ?? 0) + 1);
      const victim = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];

      const producer = kafka.producer(ORDERED_PRODUCER);
      await producer.connect();
      let outage: Promise<void> | undefined;
      let downAt = 0;
      let upAt = 0;
      const { durations } = await sendInBatches(producer, topic, keyedMessages(1_000, 20), 20, async (sent) => {
        if (sent === 300) {
          // Not awaited: the broker goes down while the next sends are in flight.
          outage = cluster.brokerDown(victim).then(async () => {
            downAt = Date.now();
            await sleep(2_000);
            await cluster.brokerUp(victim);
            upAt = Date.now();
          });
        }
      });
      await outage;
      await producer.disconnect();

      // Production really stalled on the outage: one send waited for the broker to come back.
      expect(upAt - downAt).toBeGreaterThanOrEqual(2_000);
      expect(Math.max(...durations)).toBeGreaterThan(1_500);
      expect(logs.some((l) => /Failed to send messages|Connection/i.test(l.message))).toBe(true);

      const received = await collectMessages(kafka, {
        topics: [topic],
        groupId: uniqueGroupId('outage'),
        count: 1_000,
        settleMs: 1_000,
      });
      expectDenseOffsets(received);
      // Without the idempotent producer (which kafkajs cannot use on the mock), a produce
      // request the broker appended but whose response died with the connection is sent
      // again: at-least-once. Such a replay lands right after the original in its partition,
      // so the first copies must be complete and in order per key; replays are reported.
      const firstCopies: ReceivedMessage[] = [];
      const seen = new Map<number, ReceivedMessage>();
      const replays: ReceivedMessage[] = [];
      for (const m of received) {
        const { i } = JSON.parse(m.value!) as { i: number };
        const original = seen.get(i);
        if (!original) {
          seen.set(i, m);
          firstCopies.push(m);
        } else {
          expect(m.partition).toBe(original.partition);
          expect(Number(m.offset)).toBeGreaterThan(Number(original.offset));
          replays.push(m);
        }
      }
      expect(firstCopies).toHaveLength(1_000);
      expectKeyedOrder(firstCopies, 20, 50);
      expect(replays.length).toBeLessThanOrEqual(20); // at most the one batch in flight at the cut
      if (replays.length > 0) await annotate(`${replays.length} message(s) replayed after the cut`);
    } finally {
      await cluster.stop();
    }
  });

  test('injected Produce NOT_LEADER_FOR_PARTITION / REQUEST_TIMED_OUT errors are retried', async () => {
    const topic = 'harness.flaky';
    const cluster = await startMockCluster({ topics: [{ name: topic, partitions: 6 }] });
    try {
      const { kafka, logs } = testKafka(cluster.bootstrap, {}, 2 /* ERROR */);
      const producer = kafka.producer(ORDERED_PRODUCER);
      let produceRequests = 0;
      producer.on(producer.events.REQUEST, (e) => {
        if (e.payload.apiName === 'Produce') produceRequests++;
      });
      await producer.connect();

      // 1. One message (one partition, one broker): 4 failed attempts, the 5th lands.
      await cluster.pushErrors('Produce', 4, 'NOT_LEADER_FOR_PARTITION', 'REQUEST_TIMED_OUT', 'NOT_LEADER_FOR_PARTITION');
      const [meta] = await producer.send({ topic, acks: -1, messages: [{ key: 'single', value: 'once' }] });
      expect(meta!.errorCode).toBe(0);
      expect(produceRequests).toBe(5);
      const failures = logs.map((l) => l.message).filter((m) => m.startsWith('Failed to send messages'));
      expect(failures).toEqual([
        'Failed to send messages: This server is not the leader for that topic-partition',
        'Failed to send messages: The request timed out',
        'Failed to send messages: This server is not the leader for that topic-partition',
        'Failed to send messages: This server is not the leader for that topic-partition',
      ]);

      // 2. More errors than retries: the send fails, so the injection is real.
      const impatient = kafka.producer({ ...ORDERED_PRODUCER, retry: { retries: 2, initialRetryTime: 50 } });
      await impatient.connect();
      await cluster.pushErrors('Produce', 10, 'NOT_LEADER_FOR_PARTITION');
      await expect(impatient.send({ topic, acks: -1, messages: [{ key: 'single', value: 'never' }] })).rejects.toThrow(
        /not the leader for that topic-partition/,
      );
      await impatient.disconnect();
      await cluster.clearErrors('Produce');

      // 3. Keyed batches over all partitions with errors sprinkled in: order kept, nothing doubled.
      await cluster.pushErrors('Produce', 6, 'REQUEST_TIMED_OUT', 'NOT_LEADER_FOR_PARTITION');
      const before = produceRequests;
      await sendInBatches(producer, topic, keyedMessages(200, 20), 10);
      expect(produceRequests - before).toBeGreaterThanOrEqual(20 + 6);
      await producer.disconnect();

      const received = await collectMessages(kafka, {
        topics: [topic],
        groupId: uniqueGroupId('flaky'),
        count: 201,
        settleMs: 500,
      });
      expect(received).toHaveLength(201);
      expect(received.filter((m) => m.key === 'single').map((m) => m.value)).toEqual(['once']);
      expectKeyedOrder(
        received.filter((m) => m.key !== 'single'),
        20,
        10,
      );
      expectDenseOffsets(received);
    } finally {
      await cluster.stop();
    }
  });
});
