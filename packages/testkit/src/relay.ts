// Helpers of the relay's tests: settings with topics of a test's own, a log that keeps what it
// is told, streams appended concurrently, and reading back what a topic holds.
import { randomUUID } from 'node:crypto';
import { caseEventTypes } from '@cco/domain';
import { appendToStream, type Executor } from '@cco/event-store';
import type { Kafka } from 'kafkajs';
import { analyticsTopic, eventsTopic, type KafkaSettings, type Log } from '@cco/publishing';
import { collectMessages, uniqueGroupId, type ReceivedMessage } from './kafka';
import { sampleData } from './sampleEvents';

/** Relay settings for tests: the contract's topics, or topics of the test's own on a shared broker. */
export function testSettings(brokers: string[], options: { ownTopics?: boolean; batchSize?: number } = {}): KafkaSettings {
  const suffix = randomUUID().slice(0, 8);
  return {
    brokers,
    clientId: `relay-test-${suffix}`,
    topics: options.ownTopics
      ? { events: `${eventsTopic}.test-${suffix}`, analytics: `${analyticsTopic}.test-${suffix}` }
      : { events: eventsTopic, analytics: analyticsTopic },
    provisioning: { partitions: 6, replicationFactor: 1, retentionMs: 3_600_000 },
    idempotent: false,
    batchSize: options.batchSize ?? 100,
  };
}

/** kafkajs timings that make a dead broker fail a send within a second or two. */
export const fastRetries = {
  connectionTimeout: 500,
  requestTimeout: 3_000,
  retry: { initialRetryTime: 100, maxRetryTime: 500, retries: 3 },
};

/** A Log that keeps what it is told, for assertions, and prints nothing. */
export function capturedLog(): { log: Log; lines: { level: string; msg: string }[] } {
  const lines: { level: string; msg: string }[] = [];
  const keep = (level: string) => (_obj: object, msg?: string) => void lines.push({ level, msg: msg ?? '' });
  return { log: { debug: keep('debug'), info: keep('info'), warn: keep('warn'), error: keep('error') }, lines };
}

const types = caseEventTypes.filter((t) => t !== 'RequestFiled');

/**
 * The n-th event of a stream: a filing first, then every other type in turn, with realistic
 * data. Not a case history (no decider would record one): the relay tests need long streams
 * (50 events per case) in which every type, and so every allow-listed path, occurs; whole cases
 * come from `caseHistories`.
 */
export function nthEvent(n: number) {
  const type = n === 0 ? 'RequestFiled' : types[(n - 1) % types.length]!;
  return {
    type,
    data: sampleData[type][0],
    metadata: { actor: 'kh-officer-SOK-Dara', party: 'KH', correlationId: randomUUID(), causationId: null },
    occurredAt: new Date(Date.UTC(2019, 0, 1) + n * 3_600_000),
  };
}

/**
 * `cases` writers appending `perCase` events each, one transaction per event, all at once (so
 * transactions commit out of position order). Resolves to the case ids.
 */
export async function appendConcurrently(db: Executor<any>, cases: number, perCase: number, pauseMs = 0): Promise<string[]> {
  const ids = Array.from({ length: cases }, () => randomUUID());
  await Promise.all(
    ids.map(async (id) => {
      for (let n = 0; n < perCase; n++) {
        const result = await appendToStream(db, id, 'test', n === 0 ? 'no_stream' : n, [nthEvent(n)]);
        if (!result.ok) throw new Error(`append ${id}#${n + 1} lost: ${JSON.stringify(result.error)}`);
        if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
      }
    }),
  );
  return ids;
}

/** How many messages `topic` holds: the sum of its partitions' high watermarks. */
export async function topicSize(kafka: Kafka, topic: string): Promise<number> {
  const admin = kafka.admin();
  await admin.connect();
  const offsets = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  return offsets.reduce((sum, p) => sum + Number(p.high), 0);
}

/** Every message now in `topic`, read by a new consumer group. */
export async function readWholeTopic(kafka: Kafka, topic: string): Promise<ReceivedMessage[]> {
  const count = await topicSize(kafka, topic);
  return collectMessages(kafka, { topics: [topic], groupId: uniqueGroupId('whole-topic'), count, settleMs: 300, timeoutMs: 30_000 });
}

export const eventIdOf = (m: ReceivedMessage) => String(m.headers['event-id']);

/** First copies in arrival order, and how many later copies of an id were dropped. */
export function dropDuplicates(messages: ReceivedMessage[]): { firsts: ReceivedMessage[]; duplicates: number } {
  const seen = new Set<string>();
  const firsts = messages.filter((m) => !seen.has(eventIdOf(m)) && seen.add(eventIdOf(m)));
  return { firsts, duplicates: messages.length - firsts.length };
}
