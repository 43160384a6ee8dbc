import { eventsChannel, runCatchUp, type Database } from '@cco/event-store';
import { Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import { createKafka, type Log } from './createKafka';
import { provisionTopics } from './provisionTopics';
import type { KafkaSettings } from './readKafkaSettings';
import type { RelayMetrics } from './registerRelayMetrics';
import { relayBatch, relayReadAhead } from './relayBatch';

export interface RelayOptions {
  database: Pick<Database<any>, 'db' | 'listen'>;
  settings: KafkaSettings;
  log: Log;
  metrics?: RelayMetrics;
  /** kafkajs client overrides (tests shorten the retries). */
  kafka?: Partial<KafkaConfig>;
  idleMs?: number;
  maxBackoffMs?: number;
  /** Relay steps start at least this far apart (default 100 ms, under load only): see runCatchUp. */
  minIntervalMs?: number;
}

export interface Relay {
  nudge(): void;
  /** Stops after the batch in flight and disconnects from Kafka. */
  stop(): Promise<void>;
}

/**
 * Keeps Kafka caught up with the log: woken by NOTIFY on every append, polling as a fallback,
 * backing off with full jitter on any broker or database error while the backlog waits in
 * PostgreSQL. Runs on every instance; the lock in relayBatch lets one publish at a time.
 */
export function startRelay(options: RelayOptions): Relay {
  const { settings, log, metrics } = options;
  const kafka = createKafka(settings, log, options.kafka);
  let producer: Producer | undefined;
  let provisioned = false;
  let provisionFailed = false;

  const connected = async (): Promise<Producer> => {
    if (producer) return producer;
    const fresh = kafka.producer({
      // One request in flight per connection: a retry cannot overtake what follows it. On real
      // Kafka KAFKA_IDEMPOTENT=true adds broker-side deduplication of those retries.
      maxInFlightRequests: 1,
      idempotent: settings.idempotent,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await fresh.connect();
    producer = fresh;
    if (!provisioned) {
      provisioned = await provisionTopics(kafka, settings).then(
        (created) => (
          log.info({ created, topics: settings.topics }, created.length ? 'Kafka topics created' : 'Kafka topics exist; left as they are'),
          true
        ),
        (err) => {
          // Logged once: a broker without the admin API (the test mock) says so on every try.
          if (!provisionFailed) log.warn({ err }, 'Kafka topics not provisioned (no admin API?); publishing to them as they are');
          provisionFailed = true;
          return false;
        },
      );
    }
    return fresh;
  };

  // The next batch, read while Kafka acknowledges the current one (dropped after any error).
  const readAhead = relayReadAhead();
  const loop = runCatchUp({
    step: async () => {
      const batch = await relayBatch(options.database.db, await connected(), settings, readAhead);
      metrics?.published(batch, settings.topics);
      return batch.events;
    },
    wake: (nudge) => options.database.listen(eventsChannel, nudge),
    idleMs: options.idleMs ?? 1000,
    maxBackoffMs: options.maxBackoffMs ?? 10_000,
    minIntervalMs: options.minIntervalMs ?? 100,
    fullBatch: settings.batchSize,
    onError: (err, attempt) => {
      readAhead.drop();
      metrics?.failed();
      log.warn({ err, attempt }, 'Kafka relay step failed; the backlog stays in PostgreSQL, retrying with backoff');
      // By name: kafkajs's error classes are not named exports under Node's ESM loader.
      if ((err as Error | undefined)?.name?.startsWith('KafkaJS')) {
        // A fresh producer next time rather than one that may hold a half-dead connection.
        const broken = producer;
        producer = undefined;
        void broken?.disconnect().catch(() => undefined);
      }
    },
  });

  return {
    nudge: loop.nudge,
    async stop() {
      await loop.stop();
      await producer?.disconnect().catch(() => undefined);
    },
  };
}
