import { startMockCluster, type MockCluster } from '../../test/support/kafka/mockCluster';

/**
 * librdkafka's mock cluster (3 brokers, loopback, no disk) with the service's two topics created
 * up front (the mock has no admin API), and the environment that points the service's relay at
 * it: the relay then publishes every event as in production (acks=-1, gzip).
 */
export async function startBenchKafka(): Promise<{ env: Record<string, string>; cluster: MockCluster }> {
  const cluster = await startMockCluster({ brokers: 3, topics: [] });
  const events = `bench.${process.pid}.events`;
  const analytics = `bench.${process.pid}.analytics`;
  await cluster.createTopic(events, 6, 3);
  await cluster.createTopic(analytics, 6, 3);
  return {
    cluster,
    env: {
      KAFKA_BROKERS: cluster.bootstrap.join(','),
      KAFKA_EVENTS_TOPIC: events,
      KAFKA_ANALYTICS_TOPIC: analytics,
      KAFKA_TOPIC_REPLICATION_FACTOR: '3',
    },
  };
}
