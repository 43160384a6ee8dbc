import { Kafka, logLevel, type KafkaConfig, type LogEntry } from 'kafkajs';
import type { KafkaSettings } from './readKafkaSettings';

/** What the Kafka code logs through: pino, or fastify's pino, fits. */
export interface Log {
  debug(obj: object, msg?: string): void;
  info(obj: object, msg?: string): void;
  warn(obj: object, msg?: string): void;
  error(obj: object, msg?: string): void;
}

/**
 * A kafkajs client that logs through the service's logger (kafkajs prints JSON to the console
 * otherwise), warnings and errors only. `overrides` is for retry timings: the relay wants a
 * send to fail within seconds during an outage, so that it backs off and lets go of its
 * transaction instead of hanging on a dead broker.
 */
export function createKafka(settings: Pick<KafkaSettings, 'brokers' | 'clientId'>, log: Log, overrides: Partial<KafkaConfig> = {}): Kafka {
  return new Kafka({
    clientId: settings.clientId,
    brokers: settings.brokers,
    connectionTimeout: 3_000,
    retry: { initialRetryTime: 300, maxRetryTime: 5_000, retries: 5 },
    ...overrides,
    logLevel: logLevel.WARN,
    logCreator:
      () =>
      ({ namespace, log: entry }: LogEntry) => {
        const { message, timestamp: _t, logger: _l, ...details } = entry;
        log.warn({ kafka: namespace, ...details }, String(message));
      },
  });
}
