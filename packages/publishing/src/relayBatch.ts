import { caseUpcasters } from '@cco/cases';
import {
  readAhead,
  readAll,
  readPosition,
  savePosition,
  tryLockForTransaction,
  upcast,
  type Executor,
  type LogPosition,
  type ReadAhead,
} from '@cco/event-store';
import { CompressionTypes, type Producer, type TopicMessages } from 'kafkajs';
import { toAnalyticsMessage } from './toAnalyticsMessage';
import { toEventMessage } from './toEventMessage';

/** The relay's checkpoint and lock name. */
export const relayName = 'kafka-relay';

export interface RelayBatchOptions {
  topics: { events: string; analytics: string };
  batchSize: number;
}

export interface RelayedBatch {
  /** Events published (0: caught up, or another instance holds the relay). */
  events: number;
  /** Of those, how many went to the analytics topic too. */
  analytics: number;
  /** Types of the events left off the analytics topic for want of an allow-list. */
  unlisted: string[];
}

const nothing: RelayedBatch = { events: 0, analytics: 0, unlisted: [] };

/**
 * A relay's batch read ahead: while Kafka acknowledges one batch, the relay reads and maps the
 * next (in the same transaction, which has written nothing yet). It is used by the next step
 * only if the checkpoint is still the one it was read after, i.e. no other instance published
 * in between (see readAhead). Kafka sends stay one at a time, in order.
 */
export type RelayReadAhead = ReadAhead<PreparedBatch>;

export const relayReadAhead = (): RelayReadAhead => readAhead<PreparedBatch>();

interface PreparedBatch {
  last: LogPosition;
  events: number;
  topicMessages: TopicMessages[];
  analytics: number;
  unlisted: string[];
}

/**
 * Publishes the next batch of the global log, in commit-safe order, to both topics, and moves
 * the relay's checkpoint only once Kafka acknowledged it from every in-sync replica (acks -1).
 * The events table written in the append transaction is the outbox: a crash after the
 * acknowledgement but before the checkpoint commits republishes the batch (duplicates, which
 * consumers drop by event id) and can never skip one.
 *
 * The advisory lock is held across the send, so one relay publishes at a time across every
 * instance and a batch is never in flight twice. The transaction has written nothing until
 * the checkpoint, so while it waits on Kafka it holds back no reader of the log
 * (the commit-safe bound ignores transactions without an xid); a dead broker costs one pooled
 * connection for as long as the producer's retries last. With `ahead` (startRelay passes
 * one), the next batch is read and mapped while Kafka acknowledges this one.
 */
export async function relayBatch(
  db: Executor<any>,
  producer: Producer,
  options: RelayBatchOptions,
  ahead?: RelayReadAhead,
): Promise<RelayedBatch> {
  const { result, next } = await db.transaction().execute(async (trx) => {
    if (!(await tryLockForTransaction(trx, relayName))) {
      ahead?.drop();
      return { result: nothing, next: undefined };
    }
    const after = await readPosition(trx, relayName);
    const read = (from: LogPosition) => prepare(trx, from, options);
    const batch = await (ahead ? ahead.take(after, read) : read(after));
    if (batch.events === 0) return { result: nothing, next: undefined };
    // With at most one request in flight per broker connection (the producer's setting), a
    // retried request cannot overtake the one behind it: per-case order holds through retries.
    const [, next] = await Promise.all([
      producer.sendBatch({ topicMessages: batch.topicMessages, acks: -1, compression: CompressionTypes.GZIP }),
      ahead ? read(batch.last) : undefined,
    ]);
    await savePosition(trx, relayName, batch.last);
    return {
      result: { events: batch.events, analytics: batch.analytics, unlisted: batch.unlisted },
      next: next && next.events > 0 ? { after: batch.last, batch: next } : undefined,
    };
  });
  // Only once the checkpoint it follows has committed.
  if (ahead && next) ahead.hold(next.after, Promise.resolve(next.batch));
  return result;
}

async function prepare(trx: Executor<any>, after: LogPosition, options: RelayBatchOptions): Promise<PreparedBatch> {
  const read = await readAll(trx, after, options.batchSize);
  // Consumers get every event in its current shape (a v1 filing as v2), sealed parts sealed.
  const events = read.events.map((e) => upcast(caseUpcasters, e));
  const analytics = events.map(toAnalyticsMessage);
  const listed = analytics.filter((m) => m !== null);
  const topicMessages: TopicMessages[] = [{ topic: options.topics.events, messages: events.map(toEventMessage) }];
  if (listed.length > 0) topicMessages.push({ topic: options.topics.analytics, messages: listed });
  return {
    last: read.last,
    events: events.length,
    topicMessages,
    analytics: listed.length,
    unlisted: events.filter((_, i) => analytics[i] === null).map((e) => e.type),
  };
}
