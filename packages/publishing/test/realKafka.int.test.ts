import { KafkaContainer, type StartedKafkaContainer } from '@testcontainers/kafka';
import { getContainerRuntimeClient } from 'testcontainers';
import { ConfigResourceTypes } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKafka, measureRelayLag, provisionTopics, startRelay } from '../src/index';
import { createTestDatabase } from '../../../test/support/testDatabase';
import { appendConcurrently, capturedLog, dropDuplicates, readWholeTopic, testKafka, testSettings } from '@cco/testkit';
import { expectPerCaseOrder } from './support/expectPerCaseOrder';

// What librdkafka's mock cannot do (it reports no controller): the admin API and the idempotent
// producer. These run on a real broker in a container wherever a Docker engine answers.
const docker = await getContainerRuntimeClient().then(
  () => true,
  () => false,
);
const why = 'no Docker engine answers: this needs a real Kafka (admin API, idempotent producer), which the mock broker lacks';

describe('on real Kafka in a container', () => {
  let container: StartedKafkaContainer | undefined;
  let brokers: string[] = [];
  beforeAll(async () => {
    if (!docker) return;
    container = await new KafkaContainer('confluentinc/cp-kafka:7.9.0').withKraft().start();
    brokers = [`${container.getHost()}:${container.getMappedPort(9093)}`];
  }, 180_000);
  afterAll(async () => {
    await container?.stop();
  });

  it('provisions both topics from configuration: partitions, replication, retention [needs docker]', async (ctx) => {
    ctx.skip(!docker, why);
    const settings = {
      ...testSettings(brokers, { ownTopics: true }),
      provisioning: { partitions: 3, replicationFactor: 1, retentionMs: 86_400_000 },
    };
    const kafka = createKafka(settings, capturedLog().log);
    const topics = [settings.topics.events, settings.topics.analytics];
    expect(await provisionTopics(kafka, settings)).toEqual(topics);
    expect(await provisionTopics(kafka, settings)).toEqual([]); // existing topics are left alone

    const admin = kafka.admin();
    await admin.connect();
    try {
      const metadata = await admin.fetchTopicMetadata({ topics });
      expect(metadata.topics.map((t) => t.partitions.length)).toEqual([3, 3]);
      const configs = await admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: ConfigResourceTypes.TOPIC, name, configNames: ['retention.ms', 'min.insync.replicas'] })),
      });
      for (const resource of configs.resources) {
        expect(Object.fromEntries(resource.configEntries.map((e) => [e.configName, e.configValue]))).toEqual({
          'retention.ms': '86400000',
          'min.insync.replicas': '1',
        });
      }
    } finally {
      await admin.disconnect();
    }
  });

  it('relays through the idempotent producer: every event once, per case in order [needs docker]', async (ctx) => {
    ctx.skip(!docker, why);
    const database = await createTestDatabase();
    const settings = { ...testSettings(brokers, { ownTopics: true, batchSize: 20 }), idempotent: true };
    const relay = startRelay({ database, settings, log: capturedLog().log, idleMs: 100 });
    try {
      const caseIds = await appendConcurrently(database.db, 5, 20);
      await expect.poll(() => measureRelayLag(database.db), { timeout: 30_000, interval: 200 }).toEqual({ events: 0, seconds: 0 });
      const { firsts, duplicates } = dropDuplicates(await readWholeTopic(testKafka(brokers).kafka, settings.topics.events));
      expect([firsts.length, duplicates]).toEqual([100, 0]);
      expectPerCaseOrder(firsts, new Map(caseIds.map((id) => [id, 20])));
    } finally {
      await relay.stop();
      await database.close();
    }
  });
});
