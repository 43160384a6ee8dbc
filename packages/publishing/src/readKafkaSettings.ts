import { z } from 'zod';
import { analyticsTopic, checkpointsTopic, eventsTopic } from './topics';

export interface TopicProvisioning {
  partitions: number;
  replicationFactor: number;
  /** retention.ms; -1 keeps messages for ever. */
  retentionMs: number;
}

export interface KafkaSettings {
  brokers: string[];
  clientId: string;
  topics: { events: string; analytics: string };
  /** The transparency log's signed checkpoints (default cooperation.checkpoints.v1). */
  checkpointsTopic?: string;
  provisioning: TopicProvisioning;
  /** The idempotent producer: on real Kafka only (librdkafka's mock cannot init one). */
  idempotent: boolean;
  /** Events per relayed batch (one Kafka request per partition leader). */
  batchSize: number;
}

const count = (fallback: number) => z.coerce.number().int().min(1).default(fallback);

const kafkaEnvSchema = z.object({
  KAFKA_BROKERS: z.string().optional(),
  KAFKA_CLIENT_ID: z.string().min(1).default('cco'),
  KAFKA_EVENTS_TOPIC: z.string().min(1).default(eventsTopic),
  KAFKA_ANALYTICS_TOPIC: z.string().min(1).default(analyticsTopic),
  KAFKA_CHECKPOINTS_TOPIC: z.string().min(1).default(checkpointsTopic),
  KAFKA_TOPIC_PARTITIONS: count(6),
  KAFKA_TOPIC_REPLICATION_FACTOR: count(3),
  KAFKA_TOPIC_RETENTION_MS: z.coerce
    .number()
    .int()
    .min(-1)
    .default(7 * 24 * 3600 * 1000),
  KAFKA_IDEMPOTENT: z.enum(['true', 'false']).default('false'),
  KAFKA_RELAY_BATCH_SIZE: count(200),
});

/**
 * Kafka settings from the environment, or undefined when KAFKA_BROKERS is unset (publishing
 * is off and events wait in PostgreSQL). One reader for the service, the standalone relay and
 * the example consumer, so they cannot disagree on a topic name.
 */
export function readKafkaSettings(env: NodeJS.ProcessEnv): KafkaSettings | undefined {
  const parsed = kafkaEnvSchema.parse(env);
  const brokers = (parsed.KAFKA_BROKERS ?? '')
    .split(',')
    .map((b) => b.trim())
    .filter(Boolean);
  if (brokers.length === 0) return undefined;
  return {
    brokers,
    clientId: parsed.KAFKA_CLIENT_ID,
    topics: { events: parsed.KAFKA_EVENTS_TOPIC, analytics: parsed.KAFKA_ANALYTICS_TOPIC },
    checkpointsTopic: parsed.KAFKA_CHECKPOINTS_TOPIC,
    provisioning: {
      partitions: parsed.KAFKA_TOPIC_PARTITIONS,
      replicationFactor: parsed.KAFKA_TOPIC_REPLICATION_FACTOR,
      retentionMs: parsed.KAFKA_TOPIC_RETENTION_MS,
    },
    idempotent: parsed.KAFKA_IDEMPOTENT === 'true',
    batchSize: parsed.KAFKA_RELAY_BATCH_SIZE,
  };
}
