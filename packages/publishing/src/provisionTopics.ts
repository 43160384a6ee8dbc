import type { ITopicConfig, Kafka } from 'kafkajs';
import type { KafkaSettings } from './readKafkaSettings';

/**
 * Creates the two topics from configuration when they do not exist; resolves to the names it
 * created. Existing topics are left as they are: changing partitions would move keys to other
 * partitions and break per-case order for consumers mid-stream, so that is an operator's call.
 * Throws when the broker has no usable admin API (librdkafka's mock reports no controller).
 */
export async function provisionTopics(kafka: Kafka, settings: Pick<KafkaSettings, 'topics' | 'provisioning'>): Promise<string[]> {
  const { partitions, replicationFactor, retentionMs } = settings.provisioning;
  const topics: ITopicConfig[] = [settings.topics.events, settings.topics.analytics].map((topic) => ({
    topic,
    numPartitions: partitions,
    replicationFactor,
    configEntries: [
      { name: 'retention.ms', value: String(retentionMs) },
      { name: 'cleanup.policy', value: 'delete' },
      // acks=-1 means "every in-sync replica"; with two required, an acknowledged event survives
      // the loss of a broker, and a partition down to one replica refuses writes instead.
      { name: 'min.insync.replicas', value: String(Math.min(2, replicationFactor)) },
    ],
  }));
  const admin = kafka.admin({ retry: { retries: 1, initialRetryTime: 100 } });
  await admin.connect();
  try {
    const existing = new Set(await admin.listTopics());
    const missing = topics.filter((t) => !existing.has(t.topic));
    if (missing.length > 0) await admin.createTopics({ topics: missing, waitForLeaders: true });
    return missing.map((t) => t.topic);
  } finally {
    await admin.disconnect();
  }
}
