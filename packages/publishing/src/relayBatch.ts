import { caseUpcasters } from '@cco/case-records';
import { readAll, readCheckpoint, saveCheckpoint, tryLockForTransaction, upcast, type Executor } from '@cco/event-store';
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
 * Publishes the next batch of the global log, in commit-safe order, to both topics, and moves
 * the relay's checkpoint only once Kafka acknowledged it from every in-sync replica (acks -1).
 * The events table written in the append transaction is the outbox: a crash after the
 * acknowledgement but before the checkpoint commits republishes the batch (duplicates, which
 * consumers drop by event id) and can never skip one.
 *
 * The advisory lock is held across the send, so one relay publishes at a time across every
 * instance and a batch is never in flight twice. The transaction has written nothing until
 * the checkpoint, so while it waits on Kafka it holds back no reader of the log
 * (pg_snapshot_xmin ignores transactions without an xid); a dead broker costs one pooled
 * connection for as long as the producer's retries last.
 */
export async function relayBatch(db: Executor<any>, producer: Producer, options: RelayBatchOptions): Promise<RelayedBatch> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryLockForTransaction(trx, relayName))) return nothing;
    const after = await readCheckpoint(trx, relayName);
    const read = await readAll(trx, after, options.batchSize);
    if (read.events.length === 0) return nothing;
    const { last } = read;
    // Consumers get every event in its current shape (a v1 filing as v2), sealed parts sealed.
    const events = read.events.map((e) => upcast(caseUpcasters, e));

    const analytics = events.map(toAnalyticsMessage);
    const listed = analytics.filter((m) => m !== null);
    const topicMessages: TopicMessages[] = [{ topic: options.topics.events, messages: events.map(toEventMessage) }];
    if (listed.length > 0) topicMessages.push({ topic: options.topics.analytics, messages: listed });
    // With at most one request in flight per broker connection (the producer's setting), a
    // retried request cannot overtake the one behind it: per-case order holds through retries.
    await producer.sendBatch({ topicMessages, acks: -1, compression: CompressionTypes.GZIP });

    await saveCheckpoint(trx, relayName, last);
    return {
      events: events.length,
      analytics: listed.length,
      unlisted: events.filter((_, i) => analytics[i] === null).map((e) => e.type),
    };
  });
}
