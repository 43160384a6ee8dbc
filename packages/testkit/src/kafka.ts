/**
 * kafkajs settings and helpers that keep Kafka tests quiet and fast, on the mock
 * cluster (test/support/kafka/mockCluster.ts) as on a real broker.
 */
import { randomUUID } from 'node:crypto';
import {
  type Consumer,
  type ConsumerConfig,
  type IHeaders,
  Kafka,
  type KafkaConfig,
  type LogEntry,
  logLevel,
  Partitioners,
  type ProducerConfig,
} from 'kafkajs';

/** Consumer settings for tests: short fetch waits, short (but safe) sessions. */
export const FAST_CONSUMER: Omit<ConsumerConfig, 'groupId'> = {
  maxWaitTimeInMs: 100,
  sessionTimeout: 6_000,
  heartbeatInterval: 500,
  rebalanceTimeout: 10_000,
  retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 10 },
};

/** Producer settings for ordered, acknowledged-by-all delivery (acks=-1 is per send). */
export const ORDERED_PRODUCER: ProducerConfig = {
  maxInFlightRequests: 1,
  idempotent: false, // kafkajs cannot init an idempotent producer on the mock (see README.md here)
  createPartitioner: Partitioners.DefaultPartitioner,
  retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 10 },
};

export interface CapturedLog {
  level: logLevel;
  namespace: string;
  message: string;
  error?: string;
}

export interface TestKafka {
  kafka: Kafka;
  /** kafkajs log lines at `level` or above; never printed. */
  logs: CapturedLog[];
}

/** A kafkajs client that prints nothing; its logs (ERROR and WARN by default) land in `logs`. */
export function testKafka(brokers: string[], overrides: Partial<KafkaConfig> = {}, level: logLevel = logLevel.WARN): TestKafka {
  const logs: CapturedLog[] = [];
  const kafka = new Kafka({
    clientId: `test-${randomUUID().slice(0, 8)}`,
    brokers,
    connectionTimeout: 1_000,
    requestTimeout: 10_000,
    retry: { initialRetryTime: 100, maxRetryTime: 1_000, retries: 10 },
    ...overrides,
    logLevel: level,
    logCreator:
      () =>
      ({ namespace, level: l, log }: LogEntry) => {
        logs.push({ level: l, namespace, message: String(log.message), error: log.error as string | undefined });
      },
  });
  return { kafka, logs };
}

export const uniqueGroupId = (prefix = 'test'): string => `${prefix}-${randomUUID()}`;

export interface ReceivedMessage {
  topic: string;
  partition: number;
  offset: string;
  key: string | null;
  value: string | null;
  headers: IHeaders;
  timestamp: string;
}

export interface CollectOptions {
  topics: string[];
  groupId: string;
  /** Resolve once this many messages have arrived. */
  count: number;
  fromBeginning?: boolean;
  timeoutMs?: number;
  /** After `count` arrived, keep listening this long so extra (duplicate) messages show up. */
  settleMs?: number;
  consumerConfig?: Partial<ConsumerConfig>;
}

/**
 * Runs a consumer in `groupId` until `count` messages arrived (plus `settleMs`),
 * then disconnects it (which commits its offsets) and returns everything received,
 * in arrival order.
 */
export async function collectMessages(kafka: Kafka, opts: CollectOptions): Promise<ReceivedMessage[]> {
  const consumer: Consumer = kafka.consumer({ ...FAST_CONSUMER, ...opts.consumerConfig, groupId: opts.groupId });
  const received: ReceivedMessage[] = [];
  const timeoutMs = opts.timeoutMs ?? 20_000;
  let done!: () => void;
  let fail!: (e: Error) => void;
  const reached = new Promise<void>((resolve, reject) => {
    done = resolve;
    fail = reject;
  });
  reached.catch(() => {}); // awaited below; this only keeps an early failure from being "unhandled"
  const timer = setTimeout(
    () => fail(new Error(`collectMessages: ${received.length}/${opts.count} messages after ${timeoutMs} ms`)),
    timeoutMs,
  );
  consumer.on(consumer.events.CRASH, (e) => {
    if (!e.payload.restart) fail(new Error(`consumer crashed: ${e.payload.error.message}`));
  });
  try {
    await consumer.connect();
    await consumer.subscribe({ topics: opts.topics, fromBeginning: opts.fromBeginning ?? true });
    await consumer.run({
      eachMessage: async ({ topic, partition, message }) => {
        received.push({
          topic,
          partition,
          offset: message.offset,
          key: message.key ? message.key.toString() : null,
          value: message.value ? message.value.toString() : null,
          headers: message.headers ?? {},
          timestamp: message.timestamp,
        });
        if (received.length === opts.count) done();
      },
    });
    if (opts.count === 0) done();
    await reached;
    if (opts.settleMs) await new Promise((r) => setTimeout(r, opts.settleMs));
  } finally {
    clearTimeout(timer);
    await consumer.disconnect();
  }
  return received;
}
