import { describe, expect, it } from 'vitest';
import { readKafkaSettings } from '../src/index';

describe('readKafkaSettings', () => {
  it('is undefined without brokers: the relay idles', () => {
    expect(readKafkaSettings({})).toBeUndefined();
    expect(readKafkaSettings({ KAFKA_BROKERS: ' , ' })).toBeUndefined();
  });

  it('defaults to the contract’s topics, 6 partitions, 3 replicas, 7 days, no idempotence', () => {
    expect(readKafkaSettings({ KAFKA_BROKERS: 'kafka-a:9092, kafka-b:9092' })).toEqual({
      brokers: ['kafka-a:9092', 'kafka-b:9092'],
      clientId: 'cco',
      topics: { events: 'cooperation.events.v1', analytics: 'cooperation.analytics.v1' },
      checkpointsTopic: 'cooperation.checkpoints.v1',
      provisioning: { partitions: 6, replicationFactor: 3, retentionMs: 604_800_000 },
      idempotent: false,
      batchSize: 200,
    });
  });

  it('reads every setting, and refuses nonsense rather than guessing', () => {
    const settings = readKafkaSettings({
      KAFKA_BROKERS: 'k:9092',
      KAFKA_TOPIC_PARTITIONS: '12',
      KAFKA_TOPIC_REPLICATION_FACTOR: '1',
      KAFKA_TOPIC_RETENTION_MS: '-1',
      KAFKA_IDEMPOTENT: 'true',
      KAFKA_RELAY_BATCH_SIZE: '50',
    });
    expect(settings).toMatchObject({
      provisioning: { partitions: 12, replicationFactor: 1, retentionMs: -1 },
      idempotent: true,
      batchSize: 50,
    });
    expect(() => readKafkaSettings({ KAFKA_BROKERS: 'k:9092', KAFKA_TOPIC_PARTITIONS: '0' })).toThrow();
    expect(() => readKafkaSettings({ KAFKA_BROKERS: 'k:9092', KAFKA_IDEMPOTENT: 'yes' })).toThrow();
  });
});
