// The example consumer of cooperation.analytics.v1. The topic's keys, headers and payloads are
// described in openapi/asyncapi.json (AsyncAPI 3.0, generated from packages/publishing's schemas).
import type { Kysely } from 'kysely';
import { createKafka, eventIdHeader, type KafkaSettings, type Log } from '@cco/publishing';
import type { ConsumerConfig, KafkaConfig, KafkaMessage } from 'kafkajs';
import { applyAnalyticsEvents, type AnalyticsEvent } from './applyAnalyticsEvents';
import type { AnalyticsTables } from './tables';

export interface AnalyticsConsumerOptions {
  db: Kysely<AnalyticsTables>;
  settings: Pick<KafkaSettings, 'brokers' | 'clientId' | 'topics'>;
  groupId: string;
  log: Log;
  /** kafkajs overrides (tests shorten waits and retries). */
  kafka?: Partial<KafkaConfig>;
  consumer?: Partial<ConsumerConfig>;
}

export interface AnalyticsConsumer {
  /** Messages received, applied (new ids), dropped as duplicates, skipped as unreadable. */
  readonly stats: { received: number; applied: number; duplicates: number; unreadable: number };
  stop(): Promise<void>;
}

/**
 * A consumer group on the analytics topic. Offsets are committed by hand, only after the
 * batch's database transaction committed: a crash in between redelivers the batch, and the
 * seen-ids table turns that redelivery into a no-op. (Kafka's auto-commit could commit before
 * the database did, and a crash there would lose those events from the figures for good.)
 */
export async function startAnalyticsConsumer(options: AnalyticsConsumerOptions): Promise<AnalyticsConsumer> {
  const { db, settings, log } = options;
  const stats = { received: 0, applied: 0, duplicates: 0, unreadable: 0 };
  const consumer = createKafka(settings, log, options.kafka).consumer({ ...options.consumer, groupId: options.groupId });
  await consumer.connect();
  await consumer.subscribe({ topic: settings.topics.analytics, fromBeginning: true });
  await consumer.run({
    autoCommit: false,
    eachBatch: async ({ batch, heartbeat }) => {
      if (batch.isEmpty()) return;
      const events = batch.messages.map(readable).filter((e) => e !== undefined);
      const result = await db.transaction().execute((trx) => applyAnalyticsEvents(trx, events));
      await consumer.commitOffsets([
        { topic: batch.topic, partition: batch.partition, offset: (BigInt(batch.lastOffset()) + 1n).toString() },
      ]);
      stats.received += batch.messages.length;
      stats.unreadable += batch.messages.length - events.length;
      stats.applied += result.applied;
      stats.duplicates += result.duplicates;
      await heartbeat();
    },
  });

  /** A message without an id or a parsable body cannot be counted: skipped (and logged), never retried for ever. */
  function readable(message: KafkaMessage): AnalyticsEvent | undefined {
    try {
      const eventId = message.headers?.[eventIdHeader]?.toString();
      const { type, occurredAt } = JSON.parse(String(message.value)) as { type?: unknown; occurredAt?: unknown };
      if (eventId && typeof type === 'string' && typeof occurredAt === 'string' && !Number.isNaN(Date.parse(occurredAt))) {
        return { eventId, type, occurredAt };
      }
    } catch {
      // falls through to the warning
    }
    log.warn({ offset: message.offset }, 'unreadable analytics message skipped');
    return undefined;
  }

  return { stats, stop: () => consumer.disconnect() };
}
