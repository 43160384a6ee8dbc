import { runCatchUp, tryLockForTransaction, type Database, type Executor } from '@cco/event-store';
import { readCheckpointsAfter } from '@cco/transparency-log';
import { sql } from 'kysely';
import { Partitioners, type KafkaConfig, type Producer } from 'kafkajs';
import { createKafka, type Log } from './createKafka';
import type { KafkaSettings } from './readKafkaSettings';
import { checkpointMessageSchema } from './messageSchemas';
import { checkpointsTopic } from './topics';
import type { z } from 'zod';

export const checkpointRelayName = 'kafka-checkpoints';

/** A checkpoint as published: tree size, root and the signed note. No event content, no personal data. */
export type CheckpointMessage = z.infer<typeof checkpointMessageSchema>;

/**
 * Publishes the checkpoints issued since the last one published, in tree-size order, then
 * records how far it got, in one transaction under a lock (one publisher across instances).
 * At least once: a crash between the send and the commit sends them again; consumers keep
 * the first per tree size. Returns how many it sent.
 */
export async function relayCheckpoints(db: Executor<any>, producer: Pick<Producer, 'send'>, topic: string, limit = 100): Promise<number> {
  return db.transaction().execute(async (trx) => {
    if (!(await tryLockForTransaction(trx, checkpointRelayName))) return 0;
    const {
      rows: [done],
    } = await sql<{ tree_size: string }>`select tree_size from checkpoint_publications where name = ${checkpointRelayName}`.execute(trx);
    const checkpoints = await readCheckpointsAfter(trx, done ? Number(done.tree_size) : -1, limit);
    if (checkpoints.length === 0) return 0;
    const messages = checkpoints.map((c) => {
      // Checked against the published schema (openapi/asyncapi.json) before it goes out.
      const value: CheckpointMessage = checkpointMessageSchema.parse({
        origin: c.note.slice(0, c.note.indexOf('\n')),
        treeSize: c.treeSize,
        rootHash: c.rootHash.toString('hex'),
        note: c.note,
        issuedAt: c.issuedAt.toISOString(),
      });
      return { key: value.origin, value: JSON.stringify(value), headers: { 'tree-size': String(c.treeSize) } };
    });
    await producer.send({ topic, acks: -1, messages });
    await sql`
      insert into checkpoint_publications (name, tree_size) values (${checkpointRelayName}, ${String(checkpoints[checkpoints.length - 1]!.treeSize)}::int8)
      on conflict (name) do update set tree_size = excluded.tree_size, updated_at = now()`.execute(trx);
    return checkpoints.length;
  });
}

export interface CheckpointRelay {
  nudge(): void;
  stop(): Promise<void>;
}

/** Keeps the checkpoints topic caught up (polling: a checkpoint comes at most every second or so). */
export function startCheckpointRelay(options: {
  database: Pick<Database<any>, 'db'>;
  settings: KafkaSettings;
  log: Log;
  kafka?: Partial<KafkaConfig>;
  idleMs?: number;
}): CheckpointRelay {
  const topic = options.settings.checkpointsTopic ?? checkpointsTopic;
  const kafka = createKafka(options.settings, options.log, options.kafka);
  let producer: Producer | undefined;
  const connected = async () => {
    if (producer) return producer;
    const fresh = kafka.producer({
      maxInFlightRequests: 1,
      idempotent: options.settings.idempotent,
      createPartitioner: Partitioners.DefaultPartitioner,
    });
    await fresh.connect();
    producer = fresh;
    return fresh;
  };
  const loop = runCatchUp({
    step: async () => relayCheckpoints(options.database.db, await connected(), topic),
    idleMs: options.idleMs ?? 1000,
    maxBackoffMs: 10_000,
    onError: (err, attempt) =>
      options.log.warn({ err, attempt }, 'checkpoint relay step failed; checkpoints wait in PostgreSQL, retrying with backoff'),
  });
  return {
    nudge: loop.nudge,
    async stop() {
      await loop.stop();
      await producer?.disconnect();
    },
  };
}
