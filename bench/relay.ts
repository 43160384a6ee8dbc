import { randomUUID } from 'node:crypto';
import { caseEventMetadata, caseUpcasters } from '@cco/cases';
import { announceAppends, appendToStream, readAll, upcast, type LogPosition } from '@cco/event-store';
import {
  createKafka,
  relayBatch,
  relayReadAhead,
  startRelay,
  toAnalyticsMessage,
  toEventMessage,
  type KafkaSettings,
} from '@cco/publishing';
import { sql } from 'kysely';
import { CompressionTypes, Partitioners, type Message, type Producer, type TopicMessages } from 'kafkajs';
import type { Benchmark } from './support/benchmark';
import { startMockCluster } from '../test/support/kafka/mockCluster';
import { createBenchDatabase, type BenchDatabase } from './support/database';
import { endProgress, loadHistory, progress } from './support/load';
import { profiled } from './support/profiled';
import { figure, goal, line, now, percentile, ratio, seconds, title } from './support/report';

// The outbox relay (relayBatch as startRelay runs it: lock, checkpoint, readAll, map to both
// topics, sendBatch with acks=-1 and gzip, checkpoint) draining a backlog of --events events, against a raw kafkajs
// producer sending the very same messages (mapped beforehand), in the same batches, with the
// same producer settings, to the same broker, in the same run. The broker is librdkafka's mock
// cluster on loopback (3 brokers, 6 partitions per topic): no disk, no replication delay, so
// the relay's own overhead shows at its largest. Then append→Kafka latency: the relay as
// `npm start` runs it (startRelay, woken by the NOTIFY announced after each commit), appends at --rate per second for
// --seconds, and a consumer on the events topic; latency = consumer receipt - append commit.

const bench: Benchmark = {
  summary: 'outbox relay throughput vs a raw kafkajs producer (same messages, same broker), and append→Kafka latency',
  defaults: { events: 20_000, batchSize: 200, rate: 200, seconds: 15, seed: 1 },
  async run(flags) {
    const total = Number(flags.events);
    const batchSize = Number(flags.batchSize);
    const cluster = await startMockCluster({ brokers: 3, topics: [] });
    const database = await createBenchDatabase('relay', { poolSize: 6 });
    const log = {
      debug() {},
      info() {},
      warn: (o: object, m?: string) => console.error('kafka warn', m, JSON.stringify(o).slice(0, 300)),
      error: (o: object, m?: string) => console.error('kafka error', m, JSON.stringify(o).slice(0, 300)),
    };
    const settings = (prefix: string): KafkaSettings => ({
      brokers: cluster.bootstrap,
      clientId: `cco-bench-${prefix}`,
      topics: { events: `bench.${prefix}.events`, analytics: `bench.${prefix}.analytics` },
      provisioning: { partitions: 6, replicationFactor: 3, retentionMs: -1 },
      idempotent: false,
      batchSize,
    });
    for (const prefix of ['raw', 'relay', 'latency']) {
      await cluster.createTopic(`bench.${prefix}.events`, 6, 3);
      await cluster.createTopic(`bench.${prefix}.analytics`, 6, 3);
    }
    const producers: Producer[] = [];
    const producerFor = async (s: KafkaSettings) => {
      // The relay's own producer settings (startRelay).
      const producer = createKafka(s, log).producer({
        maxInFlightRequests: 1,
        idempotent: false,
        createPartitioner: Partitioners.DefaultPartitioner,
      });
      await producer.connect();
      producers.push(producer);
      return producer;
    };
    try {
      title(`backlog: ${total.toLocaleString('en')} events through the bulk import`);
      const loaded = await loadHistory(database.db, { events: total, seed: Number(flags.seed), onProgress: progress('imported') });
      endProgress();
      figure('events / cases', `${loaded.events} / ${loaded.cases}`);

      // The same messages the relay will send, in the same batches (mapped before the clock starts).
      const raw = settings('raw');
      const batches: TopicMessages[][] = [];
      let bytes = 0;
      for (let at: LogPosition | undefined, read; ; at = read.last) {
        read = await readAll(database.db, at, batchSize);
        if (read.events.length === 0) break;
        const events = read.events.map((e) => upcast(caseUpcasters, e));
        const analytics = events.map(toAnalyticsMessage).filter((m): m is Message => m !== null);
        const messages = events.map(toEventMessage);
        for (const m of [...messages, ...analytics]) bytes += String(m.value).length;
        batches.push([
          { topic: raw.topics.events, messages },
          ...(analytics.length ? [{ topic: raw.topics.analytics, messages: analytics }] : []),
        ]);
      }
      const messageCount = batches.flat().reduce((n, t) => n + t.messages.length, 0);
      title(
        `baseline: raw kafkajs producer, the same ${messageCount.toLocaleString('en')} messages (${(bytes / 2 ** 20).toFixed(1)} MiB before gzip), ${batches.length} batches`,
      );
      const rawProducer = await producerFor(raw);
      const rawStarted = now();
      await profiled('raw producer', async () => {
        for (const topicMessages of batches) await rawProducer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.GZIP });
      });
      const rawSeconds = seconds(rawStarted);
      figure('raw producer', total / rawSeconds, 'events/s');
      figure('raw producer', messageCount / rawSeconds, 'messages/s');

      title(`relay: relayBatch until caught up, batches of ${batchSize}`);
      const relaySettings = settings('relay');
      const relayProducer = await producerFor(relaySettings);
      const relayStarted = now();
      let relayed = 0;
      // As startRelay runs it: the next batch read ahead while Kafka acknowledges one.
      const readAhead = relayReadAhead();
      await profiled('relay', async () => {
        for (let n = -1; n !== 0;) {
          n = (await relayBatch(database.db, relayProducer, relaySettings, readAhead)).events;
          relayed += n;
        }
      });
      const relaySeconds = seconds(relayStarted);
      figure('events relayed', relayed);
      figure('relay', relayed / relaySeconds, 'events/s');
      figure('relay', messageCount / relaySeconds, 'messages/s');
      ratio('ratio relay ÷ raw producer', relayed / relaySeconds, total / rawSeconds);
      goal(
        'relay ≥ 90 % of the raw producer',
        relayed / relaySeconds >= 0.9 * (total / rawSeconds),
        `${((relayed / relaySeconds / (total / rawSeconds)) * 100).toFixed(1)} %`,
      );

      await latency(database, settings('latency'), Number(flags.rate), Number(flags.seconds), log);
    } finally {
      for (const p of producers) await p.disconnect().catch(() => undefined);
      await database.drop();
      await cluster.stop();
    }
  },
};
export default bench;

async function latency(
  database: BenchDatabase<any>,
  s: KafkaSettings,
  rate: number,
  duration: number,
  log: Parameters<typeof startRelay>[0]['log'],
) {
  title(`append→Kafka latency: startRelay (NOTIFY-woken), ${rate} appends/s for ${duration} s, a consumer on ${s.topics.events}`);
  // The relay starts from its checkpoint: move it to the head of the log first.
  await database.db.deleteFrom('checkpoints').where('name', '=', 'kafka-relay').execute();
  await sql`insert into checkpoints (name, transaction_id, position)
    select 'kafka-relay', transaction_id, position from events order by transaction_id desc, position desc limit 1`.execute(database.db);

  const committed = new Map<string, number>();
  const received: number[] = [];
  let late = 0;
  const kafka = createKafka(s, log);
  const consumer = kafka.consumer({
    groupId: `bench-${randomUUID()}`,
    maxWaitTimeInMs: 20,
    sessionTimeout: 10_000,
    heartbeatInterval: 500,
  });
  await consumer.connect();
  await consumer.subscribe({ topic: s.topics.events, fromBeginning: true });
  let joined!: () => void;
  const joinedOnce = new Promise<void>((r) => (joined = r));
  consumer.on(consumer.events.GROUP_JOIN, () => joined());
  await consumer.run({
    eachMessage: async ({ message }) => {
      const at = performance.now();
      const id = message.headers?.['event-id']?.toString();
      const t = id ? committed.get(id) : undefined;
      if (t === undefined) late++;
      else received.push(at - t);
    },
  });
  await joinedOnce;
  const relay = startRelay({ database, settings: s, log, idleMs: 1000 });
  // As the API does after each command's commit: wake the relay (NOTIFY, coalesced).
  const announcer = announceAppends(database.db);
  const interval = 1000 / rate;
  const started = performance.now();
  let sent = 0;
  const event = () => ({
    id: randomUUID(),
    type: 'RequestWithdrawn',
    occurredAt: new Date(),
    data: { reason: 'benchmark' },
    metadata: caseEventMetadata({ id: 'cn-officer-1', party: 'CN', roles: ['officer'] }, randomUUID(), null),
  });
  // Appenders on their own streams; one append every `interval` ms on average, 4 in flight at most.
  const inFlight = new Set<Promise<void>>();
  while (performance.now() - started < duration * 1000) {
    const due = started + sent * interval;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    if (inFlight.size >= 4) await Promise.race(inFlight);
    const e = event();
    sent++;
    const p = appendToStream(database.db, randomUUID(), 'bench', 'no_stream', [e]).then(() => {
      committed.set(e.id, performance.now());
      announcer.appended();
    });
    inFlight.add(p);
    void p.finally(() => inFlight.delete(p));
  }
  await Promise.all(inFlight);
  const deadline = Date.now() + 15_000;
  while (received.length + late < sent && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
  await announcer.close();
  await relay.stop();
  await consumer.disconnect();
  figure('appended', sent);
  figure('received by the consumer', received.length + late);
  if (late) line(`  (${late} received before their append had even returned: counted out of the latency figures)`);
  const copy = [...received];
  figure('append→Kafka latency p50', percentile(copy, 50), 'ms', 1);
  figure('append→Kafka latency p99', percentile(copy, 99), 'ms', 1);
  figure('append→Kafka latency max', percentile(copy, 100), 'ms', 1);
  goal('append→Kafka p99 < 100 ms', percentile(copy, 99) < 100, `${percentile(copy, 99).toFixed(1)} ms`);
}
