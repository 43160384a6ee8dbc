/**
 * Vitest global setup giving tests a Kafka to talk to.
 *
 * - `KAFKA_BROKERS=host:port,host:port` set: those brokers are used as they are
 *   (the topics below must exist there).
 * - otherwise: librdkafka's mock cluster is started on loopback with the topics below
 *   pre-created, and stopped in teardown.
 *
 * Tests read the brokers with `inject('kafkaBrokers')` (from 'vitest').
 * Wire it with `globalSetup: ['test/support/kafka/globalSetup.ts']`.
 */
import type { TestProject } from 'vitest/node';
import { type MockCluster, type MockTopic, startMockCluster } from './mockCluster';

declare module 'vitest' {
  export interface ProvidedContext {
    /** Bootstrap brokers (`host:port`) for kafkajs. */
    kafkaBrokers: string[];
  }
}

export const KAFKA_TEST_TOPICS: readonly MockTopic[] = [
  { name: 'cooperation.events.v1', partitions: 6 },
  { name: 'cooperation.analytics.v1', partitions: 6 },
  { name: 'cooperation.checkpoints.v1', partitions: 1 },
];

export interface KafkaForTests {
  brokers: string[];
  /** The mock, when one was started (undefined with KAFKA_BROKERS). */
  mock?: MockCluster;
  stop(): Promise<void>;
}

/** KAFKA_BROKERS when set, else a fresh mock cluster with `topics`. */
export async function kafkaFromEnvOrMock(
  topics: readonly MockTopic[] = KAFKA_TEST_TOPICS,
  env: NodeJS.ProcessEnv = process.env,
): Promise<KafkaForTests> {
  const fromEnv = env.KAFKA_BROKERS?.split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  if (fromEnv && fromEnv.length > 0) {
    return { brokers: fromEnv, stop: async () => {} };
  }
  const mock = await startMockCluster({ topics: [...topics] });
  return { brokers: mock.bootstrap, mock, stop: () => mock.stop() };
}

let current: KafkaForTests | undefined;

export async function setup(project: Pick<TestProject, 'provide'>): Promise<void> {
  current = await kafkaFromEnvOrMock();
  project.provide('kafkaBrokers', current.brokers);
}

export async function teardown(): Promise<void> {
  const c = current;
  current = undefined;
  await c?.stop();
}
